/*
 * cert-parse.c: turning what an issuer hands back (PEM, DER, PKCS#7, PEM bundles) into
 * certificates, and the key-id convention that pairs certificates with token keys.
 * Strict: a truncated block or trailing garbage is malformed, never half-accepted.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/sha.h>

#include "cert-int.h"

/* Move the certificates of a signed PKCS#7 (a "certs-only" bundle) onto out. */
static int
add_pkcs7(PKCS7 *p7, STACK_OF(X509) * out, struct tok_error *err)
{
	STACK_OF(X509) *certs = NULL;

	if (PKCS7_type_is_signed(p7) && p7->d.sign != NULL)
		certs = p7->d.sign->cert;
	if (certs == NULL || sk_X509_num(certs) == 0)
		return tok_error_set(err, TOK_ERR_MALFORMED,
				     _("PKCS#7 bundle holds no certificate"));
	for (int i = 0; i < sk_X509_num(certs); i++) {
		X509 *cert = sk_X509_value(certs, i);

		if (!X509_up_ref(cert))
			return tok_error_set(err, TOK_ERR_INTERNAL, _("X509_up_ref failed"));
		if (!sk_X509_push(out, cert)) {
			X509_free(cert);
			return tok_error_set(err, TOK_ERR_INTERNAL, _("out of memory"));
		}
	}
	return TOK_OK;
}

/* One DER object, certificate or PKCS#7, that must fill body exactly. */
static int
add_der(const unsigned char *body, long length, STACK_OF(X509) * out, struct tok_error *err)
{
	const unsigned char *p = body;
	X509 *cert;
	PKCS7 *p7;
	int r;

	if ((cert = d2i_X509(NULL, &p, length)) != NULL) {
		if (p != body + length) {
			X509_free(cert);
			return tok_error_set(err, TOK_ERR_MALFORMED,
					     _("trailing bytes after the DER certificate"));
		}
		if (!sk_X509_push(out, cert)) {
			X509_free(cert);
			return tok_error_set(err, TOK_ERR_INTERNAL, _("out of memory"));
		}
		return TOK_OK;
	}
	p = body;
	if ((p7 = d2i_PKCS7(NULL, &p, length)) != NULL) {
		if (p != body + length)
			r = tok_error_set(err, TOK_ERR_MALFORMED, _("trailing bytes after PKCS#7"));
		else
			r = add_pkcs7(p7, out, err);
		PKCS7_free(p7);
		return r;
	}
	ERR_clear_error();
	return tok_error_set(err, TOK_ERR_MALFORMED,
			     _("neither a DER certificate nor a PKCS#7 bundle"));
}

static bool
is_certificate_block(const char *name)
{
	return strcmp(name, PEM_STRING_X509) == 0 || strcmp(name, PEM_STRING_X509_OLD) == 0 ||
	       strcmp(name, PEM_STRING_PKCS7) == 0 || strcmp(name, "CMS") == 0;
}

/* Every PEM block in turn; blocks that are not certificates (comments, keys) are skipped. */
static int
add_pem(const unsigned char *data, size_t length, STACK_OF(X509) * out, struct tok_error *err)
{
	char *name = NULL, *header = NULL;
	unsigned char *body = NULL;
	long body_length;
	unsigned long e;
	BIO *bio;
	int r = TOK_OK;

	if ((bio = BIO_new_mem_buf(data, (int)length)) == NULL)
		return tok_error_set(err, TOK_ERR_INTERNAL, _("BIO_new_mem_buf failed"));
	while (r == TOK_OK) {
		if (!PEM_read_bio(bio, &name, &header, &body, &body_length)) {
			e = ERR_peek_last_error();
			if (ERR_GET_LIB(e) == ERR_LIB_PEM &&
			    ERR_GET_REASON(e) == PEM_R_NO_START_LINE) {
				ERR_clear_error();
				break; /* clean end: nothing but text after the last block */
			}
			r = tok_error_set(err, TOK_ERR_MALFORMED, _("truncated or damaged PEM"));
			tok_error_openssl(err);
			break;
		}
		if (is_certificate_block(name))
			r = add_der(body, body_length, out, err);
		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_free(body);
		name = header = NULL;
		body = NULL;
	}
	BIO_free(bio);
	return r;
}

int
tok_cert_parse(const unsigned char *data, size_t length, STACK_OF(X509) * *out,
	       struct tok_error *err)
{
	STACK_OF(X509) *certs = NULL;
	int r = TOK_ERR_INTERNAL;

	if (data == NULL || out == NULL)
		return tok_error_set(err, TOK_ERR_INVALID_ARGUMENT, _("no certificate data"));
	if (length == 0 || length > TOK_CERT_FILE_MAX)
		return tok_error_set(err, TOK_ERR_MALFORMED, _("certificate data of %zu bytes"),
				     length);
	if ((certs = sk_X509_new_null()) == NULL)
		return tok_error_set(err, TOK_ERR_INTERNAL, _("out of memory"));
	if (memmem(data, length, "-----BEGIN ", 11) != NULL)
		r = add_pem(data, length, certs, err);
	else
		r = add_der(data, (long)length, certs, err);
	if (r != TOK_OK)
		goto out;
	if (sk_X509_num(certs) == 0) {
		r = tok_error_set(err, TOK_ERR_MALFORMED, _("no certificate in the input"));
		goto out;
	}
	*out = certs;
	certs = NULL;
	r = TOK_OK;
out:
	sk_X509_pop_free(certs, X509_free);
	ERR_clear_error();
	return r;
}

size_t
tok_public_key_value(EVP_PKEY *pkey, unsigned char *buf, size_t size)
{
	BIGNUM *n = NULL;
	size_t length = 0;
	int bytes;

	if (EVP_PKEY_is_a(pkey, "RSA")) {
		if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n) &&
		    (bytes = BN_num_bytes(n)) > 0 && (size_t)bytes <= size)
			length = (size_t)BN_bn2bin(n, buf);
		BN_free(n);
	} else if (EVP_PKEY_is_a(pkey, "EC")) {
		if (!EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, buf, size,
						     &length))
			length = 0;
	}
	ERR_clear_error();
	return length;
}

int
tok_public_key_id(EVP_PKEY *pkey, struct tok_key_id *out, struct tok_error *err)
{
	unsigned char value[1024];
	size_t length;

	if (pkey == NULL || out == NULL)
		return tok_error_set(err, TOK_ERR_INVALID_ARGUMENT, _("no public key"));
	if ((length = tok_public_key_value(pkey, value, sizeof(value))) == 0)
		return tok_error_set(err, TOK_ERR_UNSUPPORTED,
				     _("public key is neither RSA nor EC: no key id"));
	SHA1(value, length, out->bytes);
	out->length = SHA_DIGEST_LENGTH;
	return TOK_OK;
}
