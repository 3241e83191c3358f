/*
 * cert-fixture.h: certificates for the import tests. CAs are made by the local test CA
 * connector; end-entity certificates with chosen defects (dates, key usage, issuer) are
 * made here with OpenSSL, so every refusal can be provoked on purpose.
 */
#ifndef ENROLL_CERT_FIXTURE_H
#define ENROLL_CERT_FIXTURE_H

#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "token.h"

struct cert_ca {
	char *dir;
	char *anchors; /* the root only, as the station is configured */
	X509 *root;
	X509 *issuing;
	EVP_PKEY *issuing_key;
};

/* The CA the tests trust, and one they do not; made once per process, freed at exit. */
const struct cert_ca *cert_fixture_ca(void);
const struct cert_ca *cert_fixture_other_ca(void);

#define CERT_SIGNING "critical,digitalSignature,nonRepudiation"
/* An end-entity certificate for key, valid from now + start_days to now + end_days. */
X509 *cert_fixture_issue(const struct cert_ca *ca, EVP_PKEY *key, long start_days, long end_days,
			 const char *key_usage);
/* Certificates as one PEM text, NULL-terminated argument list. malloc'd. */
char *cert_fixture_pem(X509 *first, ...);
/* DER of one certificate, malloc'd. */
unsigned char *cert_fixture_der(X509 *cert, size_t *length);
/* Write data to a file in the fixture directory; the path, malloc'd. */
char *cert_fixture_write(const char *name, const void *data, size_t length);
/* Read a whole file; malloc'd and NUL-terminated, NULL if unreadable. */
unsigned char *cert_fixture_read(const char *path, size_t *length);
/* What pkcs11-tool (an independent reader) lists on the token, logged in. malloc'd. */
char *cert_fixture_object_list(void);
/* The public half of a token key, as a plain OpenSSL key. */
EVP_PKEY *cert_fixture_public_key(const struct tok_key *key);

/* A fresh token of its own (SoftHSM2) with the applicant's key "Siti Rahayu", logged in. */
struct cert_bench {
	struct tok_ctx *ctx;
	struct tok_token *token;
	struct tok_key *key;
	EVP_PKEY *public_key;
	X509 *cert; /* from cert_bench_issue(), freed by cert_bench_close() */
	char *pem;
};
void cert_bench_open(struct cert_bench *b, enum tok_key_type type);
void cert_bench_close(struct cert_bench *b);
/* Another key on the bench's token. abort()s on failure. */
struct tok_key *cert_bench_generate(struct cert_bench *b, enum tok_key_type type,
				    const char *label);
/*
 * The usual certificate for the bench's key from ca: valid from now for 730 days, for
 * signing; *pem (if not NULL) gets it followed by ca's issuing CA. Both belong to the
 * bench, which frees them at cert_bench_close(); one issue per bench.
 */
X509 *cert_bench_issue(struct cert_bench *b, const struct cert_ca *ca, char **pem);
/* tok_import_certificate, with the error as a TAP diagnostic. */
int cert_bench_import(struct cert_bench *b, const void *data, size_t length, const char *anchors,
		      struct tok_cert_info *info);

#endif
