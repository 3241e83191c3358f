/*
 * csr.c: the PKCS#10 request for a key on the token. Signed on the token through libp11's
 * EVP_PKEY and verified with the plain public key before anyone sees it: a request that
 * does not verify would come back as a certificate that cannot sign.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "token-int.h"

/* The subject in the usual X.509 order, most general first. */
static int
build_subject(X509_NAME *name, const struct tok_subject *subject, struct tok_error *err)
{
	const struct {
		int nid;
		const char *value;
	} fields[] = {
	    {NID_countryName, subject->country ? subject->country : "ID"},
	    {NID_stateOrProvinceName, subject->state},
	    {NID_localityName, subject->locality},
	    {NID_organizationName, subject->organization},
	    {NID_organizationalUnitName, subject->organizational_unit},
	    {NID_commonName, subject->common_name},
	    {NID_pkcs9_emailAddress, subject->email},
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (fields[i].value == NULL || fields[i].value[0] == '\0')
			continue;
		if (X509_NAME_add_entry_by_NID(name, fields[i].nid, MBSTRING_UTF8,
					       (const unsigned char *)fields[i].value, -1, -1,
					       0) != 1) {
			tok_error_set(err, TOK_ERR_INVALID_ARGUMENT,
				      _("subject field %s refused: %s"), OBJ_nid2sn(fields[i].nid),
				      fields[i].value);
			tok_error_openssl(err);
			return TOK_ERR_INVALID_ARGUMENT;
		}
	}
	return TOK_OK;
}

/* subjectAltName with the email address, as a request extension. */
static int
add_email_san(X509_REQ *req, const char *email, struct tok_error *err)
{
	STACK_OF(X509_EXTENSION) *extensions = NULL;
	GENERAL_NAMES *names = NULL;
	GENERAL_NAME *name = NULL;
	ASN1_IA5STRING *value = NULL;
	int r = TOK_ERR_INTERNAL;

	if ((names = GENERAL_NAMES_new()) == NULL || (name = GENERAL_NAME_new()) == NULL ||
	    (value = ASN1_IA5STRING_new()) == NULL ||
	    ASN1_STRING_set(value, email, (int)strlen(email)) != 1)
		goto fail;
	GENERAL_NAME_set0_value(name, GEN_EMAIL, value);
	value = NULL;
	if (sk_GENERAL_NAME_push(names, name) == 0)
		goto fail;
	name = NULL;
	if (X509V3_add1_i2d(&extensions, NID_subject_alt_name, names, 0, X509V3_ADD_DEFAULT) != 1 ||
	    X509_REQ_add_extensions(req, extensions) != 1)
		goto fail;
	r = TOK_OK;
	goto out;
fail:
	tok_error_set(err, TOK_ERR_INTERNAL, _("cannot add subjectAltName email to the request"));
	tok_error_openssl(err);
out:
	sk_X509_EXTENSION_pop_free(extensions, X509_EXTENSION_free);
	GENERAL_NAMES_free(names);
	GENERAL_NAME_free(name);
	ASN1_IA5STRING_free(value);
	return r;
}

static int
request_to_pem(X509_REQ *req, char **pem, struct tok_error *err)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data, *copy = NULL;
	long length;

	if (bio != NULL && PEM_write_bio_X509_REQ(bio, req) == 1 &&
	    (length = BIO_get_mem_data(bio, &data)) > 0)
		copy = strndup(data, (size_t)length);
	BIO_free(bio);
	if (copy == NULL) {
		tok_error_set(err, TOK_ERR_INTERNAL, _("cannot write the request as PEM"));
		tok_error_openssl(err);
		return TOK_ERR_INTERNAL;
	}
	*pem = copy;
	return TOK_OK;
}

int
tok_make_csr(struct tok_key *key, const struct tok_subject *subject, char **pem,
	     struct tok_error *err)
{
	X509_REQ *req = NULL;
	int r = TOK_ERR_INTERNAL;

	if (key == NULL || subject == NULL || pem == NULL || subject->common_name == NULL)
		return tok_error_set(err, TOK_ERR_INVALID_ARGUMENT,
				     _("tok_make_csr: a key and a common name are needed"));
	if ((req = X509_REQ_new()) == NULL || X509_REQ_set_version(req, 0) != 1 ||
	    X509_REQ_set_pubkey(req, key->public_key) != 1) {
		r = tok_error_set(err, TOK_ERR_INTERNAL, _("cannot start the request"));
		tok_error_openssl(err);
		goto out;
	}
	if ((r = build_subject(X509_REQ_get_subject_name(req), subject, err)) != TOK_OK)
		goto out;
	if (subject->email != NULL && subject->email[0] != '\0' &&
	    (r = add_email_san(req, subject->email, err)) != TOK_OK)
		goto out;
	if (X509_REQ_sign(req, key->private_key, EVP_sha256()) <= 0) {
		r = tok_error_set(err, TOK_ERR_INTERNAL,
				  _("signing the request on the token failed"));
		tok_error_openssl(err);
		goto out;
	}
	if (X509_REQ_verify(req, key->public_key) != 1) {
		r = tok_error_set(err, TOK_ERR_INTERNAL,
				  _("the token's signature on the request does not verify"));
		tok_error_openssl(err);
		goto out;
	}
	r = request_to_pem(req, pem, err);
out:
	X509_REQ_free(req);
	return r;
}
