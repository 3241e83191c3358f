/*
 * cert.h: what the token layer offers about certificates outside itself: parsing what an
 * issuer hands back, and the key-id convention that pairs a certificate with its token key.
 * The issuer connectors use it; they see nothing else of the token layer's insides.
 */
#ifndef ENROLL_CERT_H
#define ENROLL_CERT_H

#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "token.h"

/* Largest certificate file we accept: a bundle is a few KiB; anything bigger is not one. */
#define TOK_CERT_FILE_MAX (1024 * 1024)

/*
 * Parse PEM (one certificate or a bundle, PKCS#7 blocks included), DER, or DER PKCS#7
 * into the certificates it holds, in input order. TOK_ERR_MALFORMED for anything else,
 * truncated input or trailing garbage. *out owned by the caller: sk_X509_pop_free().
 */
int tok_cert_parse(const unsigned char *data, size_t length, STACK_OF(X509) * *out,
		   struct tok_error *err);

/*
 * Our key id of a public key: SHA-1 of the RSA modulus or of the EC point octets (the
 * convention of NSS and OpenSC's mozilla style). TOK_ERR_UNSUPPORTED for other key types.
 */
int tok_public_key_id(EVP_PKEY *pkey, struct tok_key_id *out, struct tok_error *err);

/*
 * Take every error OpenSSL has queued in this thread, appending each as ": text" to the
 * message in buf (of size bytes) while it fits. buf may be NULL: the queue is only emptied.
 */
void tok_openssl_errors_append(char *buf, size_t size);

#endif
