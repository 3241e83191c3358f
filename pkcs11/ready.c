/*
 * ready.c: the last check before handover. The SOP warns that a certificate that does
 * not match leaves the user unable to sign: prove it by signing on the token and
 * verifying with the stored certificate, as a signing application would.
 */
#include <stdlib.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "cert-int.h"

#define TEST_MESSAGE_LENGTH 64
#define SIGNATURE_MAX 1024

/* ECDSA's raw r || s as the DER ECDSA-Sig-Value OpenSSL verifies. *der malloc'd. */
static int
ecdsa_der(const unsigned char *raw, size_t length, unsigned char **der, size_t *der_length)
{
	ECDSA_SIG *sig = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(raw, (int)(length / 2), NULL);
	BIGNUM *s = BN_bin2bn(raw + length / 2, (int)(length / 2), NULL);
	unsigned char *out = NULL;
	int n = -1;

	if (sig != NULL && r != NULL && s != NULL && ECDSA_SIG_set0(sig, r, s) == 1) {
		r = s = NULL;
		n = i2d_ECDSA_SIG(sig, &out);
	}
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(sig);
	if (n <= 0)
		return TOK_ERR_INTERNAL;
	*der = out;
	*der_length = (size_t)n;
	return TOK_OK;
}

/*
 * Sign message with the private key of this id, SHA-256, through the module itself: the
 * way signing programs use the token, and independent of what libp11 cached of it (a card
 * may show the key's public half only once its certificate is there). *signature malloc'd.
 */
static int
sign_on_token(struct tok_token *token, const struct tok_key_id *id, bool is_ec,
	      const unsigned char *message, size_t length, unsigned char **signature,
	      size_t *signature_length, struct tok_error *err)
{
	CK_OBJECT_CLASS private_class = CKO_PRIVATE_KEY;
	CK_ATTRIBUTE template[] = {
	    {CKA_CLASS, &private_class, sizeof(private_class)},
	    {CKA_ID, (void *)id->bytes, id->length},
	};
	CK_MECHANISM mechanism = {is_ec ? CKM_ECDSA : CKM_SHA256_RSA_PKCS, NULL, 0};
	CK_FUNCTION_LIST_PTR fn = token->ctx->fn;
	CK_OBJECT_HANDLE *keys = NULL;
	unsigned char digest[32], *buf = NULL;
	CK_ULONG size = 0;
	size_t count = 0;
	CK_RV rv;
	int r = TOK_ERR_INTERNAL;

	if ((r = tok_find_objects(token, template, 2, &keys, &count, err)) != TOK_OK)
		return r;
	if (count != 1) {
		free(keys);
		return tok_error_set(err, TOK_ERR_NOT_READY, _("%zu private keys under this id"),
				     count);
	}
	if (is_ec) {
		SHA256(message, length, digest);
		message = digest;
		length = sizeof(digest);
	}
	/* One call into a buffer big enough for RSA 4096: a card that lost the key's public
	 * half cannot say the size beforehand. */
	size = SIGNATURE_MAX;
	if ((buf = malloc(size)) == NULL)
		goto out;
	if ((rv = fn->C_SignInit(token->session, &mechanism, keys[0])) != CKR_OK ||
	    (rv = fn->C_Sign(token->session, (CK_BYTE_PTR)message, length, buf, &size)) != CKR_OK) {
		r = tok_removed_or(
		    token,
		    tok_error_ckr(err, TOK_ERR_NOT_READY, rv, _("the token key did not sign")),
		    err);
		goto out;
	}
	if (is_ec) {
		r = ecdsa_der(buf, size, signature, signature_length);
		if (r != TOK_OK)
			tok_error_set(err, r, _("the token's ECDSA signature is malformed"));
		goto out;
	}
	*signature = buf;
	*signature_length = size;
	buf = NULL;
	r = TOK_OK;
out:
	free(buf);
	free(keys);
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
				     _("the certificate stored under this id does not verify "
				       "the token key's signature"));
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
			r = tok_error_set(err, TOK_ERR_NOT_READY,
					  _("no certificate under this key id"));
		return r;
	}
	p = der;
	if ((*out = d2i_X509(NULL, &p, (long)length)) == NULL) {
		r = tok_error_set(err, TOK_ERR_NOT_READY,
				  _("the stored certificate is unreadable"));
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
	X509 *cert = NULL;
	int r = TOK_ERR_INTERNAL;

	if (token == NULL || id == NULL)
		return tok_error_set(err, TOK_ERR_INVALID_ARGUMENT, _("token and key id required"));
	if ((r = load_certificate(token, id, &cert, err)) != TOK_OK)
		goto out;
	/* Fresh each time: a replayed signature must not pass for a working key. */
	if (RAND_bytes(message, sizeof(message)) != 1) {
		r = tok_error_set(err, TOK_ERR_INTERNAL, _("RAND_bytes failed"));
		goto out;
	}
	if ((r = sign_on_token(token, id, EVP_PKEY_is_a(X509_get0_pubkey(cert), "EC"), message,
			       sizeof(message), &signature, &signature_length, err)) != TOK_OK)
		goto out;
	r = verify_with_certificate(cert, message, sizeof(message), signature, signature_length,
				    err);
out:
	free(signature);
	X509_free(cert);
	ERR_clear_error();
	return r;
}
