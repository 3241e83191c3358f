/*
 * ready.c: the last check before handover. The SOP warns that a certificate that does
 * not match leaves the user unable to sign: prove it by signing on the token and
 * verifying with the stored certificate, as a signing application would.
 */
#include <stdlib.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "cert-int.h"

#define TEST_MESSAGE_LENGTH 64

/* Sign message with the token key, SHA-256. *signature malloc'd, free(). */
static int
sign_on_token(EVP_PKEY *private_key, const unsigned char *message, size_t length,
	      unsigned char **signature, size_t *signature_length, struct tok_error *err)
{
	EVP_MD_CTX *md = NULL;
	unsigned char *buf = NULL;
	size_t size = 0;
	int r = TOK_ERR_INTERNAL;

	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, private_key) != 1 ||
	    EVP_DigestSign(md, NULL, &size, message, length) != 1 ||
	    (buf = malloc(size)) == NULL ||
	    EVP_DigestSign(md, buf, &size, message, length) != 1) {
		r = tok_error_set(err, TOK_ERR_NOT_READY, "the token key did not sign");
		tok_error_openssl(err);
		goto out;
	}
	*signature = buf;
	*signature_length = size;
	buf = NULL;
	r = TOK_OK;
out:
	free(buf);
	EVP_MD_CTX_free(md);
	return r;
}

static int
verify_with_certificate(X509 *cert, const unsigned char *message, size_t length,
			const unsigned char *signature, size_t signature_length,
			struct tok_error *err)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int ok = 0;

	if (md != NULL &&
	    EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, X509_get0_pubkey(cert)) == 1)
		ok = EVP_DigestVerify(md, signature, signature_length, message, length);
	EVP_MD_CTX_free(md);
	ERR_clear_error();
	if (ok != 1)
		return tok_error_set(err, TOK_ERR_NOT_READY,
				     "the certificate stored under this id does not verify "
				     "the token key's signature");
	return TOK_OK;
}

static int
load_certificate(struct tok_token *token, const struct tok_key_id *id, X509 **out,
		 struct tok_error *err)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	size_t length = 0;
	int r;

	if ((r = tok_read_certificate(token, id, &der, &length, err)) != TOK_OK) {
		if (r == TOK_ERR_NOT_FOUND)
			r = tok_error_set(err, TOK_ERR_NOT_READY, "no certificate under this key id");
		return r;
	}
	p = der;
	if ((*out = d2i_X509(NULL, &p, (long)length)) == NULL) {
		r = tok_error_set(err, TOK_ERR_NOT_READY, "the stored certificate is unreadable");
		ERR_clear_error();
	}
	free(der);
	return r;
}

int
tok_check_ready(struct tok_token *token, const struct tok_key_id *id, struct tok_error *err)
{
	unsigned char message[TEST_MESSAGE_LENGTH], *signature = NULL;
	size_t signature_length = 0;
	struct tok_key *key = NULL;
	X509 *cert = NULL;
	int r = TOK_ERR_INTERNAL;

	if (token == NULL || id == NULL)
		return tok_error_set(err, TOK_ERR_INVALID_ARGUMENT, "token and key id required");
	if ((r = tok_find_key(token, id, &key, err)) != TOK_OK) {
		if (r == TOK_ERR_NOT_FOUND)
			r = tok_error_set(err, TOK_ERR_NOT_READY, "no key under this id");
		goto out;
	}
	if ((r = load_certificate(token, id, &cert, err)) != TOK_OK)
		goto out;
	/* Fresh each time: a replayed signature must not pass for a working key. */
	if (RAND_bytes(message, sizeof(message)) != 1) {
		r = tok_error_set(err, TOK_ERR_INTERNAL, "RAND_bytes failed");
		goto out;
	}
	if ((r = sign_on_token(key->private_key, message, sizeof(message), &signature,
			       &signature_length, err)) != TOK_OK)
		goto out;
	r = verify_with_certificate(cert, message, sizeof(message), signature, signature_length,
				    err);
out:
	free(signature);
	X509_free(cert);
	tok_key_free(key);
	ERR_clear_error();
	return r;
}
