/*
 * issuer.h: connectors to the certificate issuer. BSrE is reached by file exchange
 * (outbox/inbox for its portal); a local test CA, plainly not BSrE, issues at once for
 * the demo and the tests. One small interface so a protocol connector can be added.
 */
#ifndef ENROLL_ISSUER_H
#define ENROLL_ISSUER_H

#include <stddef.h>

#include "token.h"

/* What the issuer needs for one request. */
struct issuer_request {
	const char *reference;		/* application number, e.g. "TTE/2026/0001" */
	const char *key_id_hex;		/* the token key's id: matches the answer to the request */
	const char *csr_pem;
	const char *applicant_json;	/* the applicant's data as the BSrE portal asks for it */
	const char *applicant_sheet;	/* the same, human-readable */
};

struct issuer;

/* Connector operations: a new connector fills one of these. */
struct issuer_ops {
	const char *name;
	/* Hand over a request. */
	int (*submit)(struct issuer *issuer, const struct issuer_request *request,
		      struct tok_error *err);
	/*
	 * Fetch the issued certificate (and chain) for a request: *data malloc'd. TOK_ERR_ISSUER
	 * when nothing has been issued yet.
	 */
	int (*fetch)(struct issuer *issuer, const struct issuer_request *request,
		     unsigned char **data, size_t *length, struct tok_error *err);
	void (*free)(struct issuer *issuer);
};

/*
 * Create a local test CA in dir (root and issuing CA, subjects saying "LOCAL TEST CA -
 * NOT BSrE"), writing dir/trust-anchors.pem. Fails with TOK_ERR_IO if dir already holds one.
 */
int issuer_local_create(const char *dir, const char *office, struct tok_error *err);
/* Open the local CA in dir: submit issues at once (BSrE-like profile), fetch returns it. */
struct issuer *issuer_local_open(const char *dir, struct tok_error *err);
/*
 * The file-exchange connector: submit writes <outbox>/<reference>.csr.pem, .json and .txt
 * (reference with '/' turned into '-'); fetch looks in inbox for a certificate file
 * (.pem .crt .cer .der .p7b .p7c) whose public key has the request's key id.
 */
struct issuer *issuer_file_open(const char *outbox, const char *inbox, struct tok_error *err);

const char *issuer_name(const struct issuer *issuer);
int issuer_submit(struct issuer *issuer, const struct issuer_request *request,
		  struct tok_error *err);
int issuer_fetch(struct issuer *issuer, const struct issuer_request *request,
		 unsigned char **data, size_t *length, struct tok_error *err);
/* NULL is a no-op. */
void issuer_free(struct issuer *issuer);

#endif
