/*
 * cert-int.h: what certificate import and readiness share inside the token layer, beyond
 * the public cert.h: raw key values, names and serials as text, raw token objects.
 */
#ifndef ENROLL_CERT_INT_H
#define ENROLL_CERT_INT_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "cert.h"
#include "token-int.h"

/* The raw public key value the id is made of (modulus or point), into buf. Length, 0 if none. */
size_t tok_public_key_value(EVP_PKEY *pkey, unsigned char *buf, size_t size);

/* A name on one line, RFC 2253 (UTF-8 kept as it is), into out. "" if it cannot be printed. */
void tok_name_text(X509_NAME *name, char *out, size_t size);
/* A certificate's serial number in lower-case hex, into out. */
void tok_serial_hex(X509 *cert, char *out, size_t size);

/* A private key found on the token by its public key. */
struct tok_cert_key {
	CK_OBJECT_HANDLE handle;
	struct tok_key_id id;
	char label[65];
};

/*
 * Find the private key on the token whose public key is pkey (by value, not by id: keys
 * made by other tools may carry other ids). TOK_ERR_NOT_FOUND if none.
 */
int tok_cert_find_key(struct tok_token *token, EVP_PKEY *pkey, struct tok_cert_key *out,
		      struct tok_error *err);
/*
 * The private key with this id, when pkey gives this id (our ids are the SHA-1 of the
 * public key): for a token that lost the public half (a SmartCard-HSM pulled out while its
 * certificate replaced the key's request). TOK_ERR_NOT_FOUND otherwise.
 */
int tok_cert_find_key_by_id(struct tok_token *token, EVP_PKEY *pkey, const struct tok_key_id *id,
			    struct tok_cert_key *out, struct tok_error *err);
/* Is a certificate with exactly this DER value on the token? 1 yes, 0 no, <0 error. */
int tok_cert_present(struct tok_token *token, const unsigned char *der, size_t length,
		     struct tok_error *err);
/*
 * Write cert with C_CreateObject: category 1 (token user) with id/label of its key, or 2
 * (authority) with its own id and its CN as label when key is NULL. *handle for rollback.
 */
int tok_cert_write(struct tok_token *token, X509 *cert, const struct tok_cert_key *key,
		   CK_OBJECT_HANDLE *handle, struct tok_error *err);
/* Destroy an object written by this import (rollback). */
void tok_cert_destroy(struct tok_token *token, CK_OBJECT_HANDLE handle);

#endif
