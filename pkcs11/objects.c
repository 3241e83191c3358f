/*
 * objects.c: what a token holds, as the operator and the applicant are shown it before a
 * PIN is typed, and as the station checks it belongs to one holder: every key and
 * certificate this session sees, with its id, label and, for certificates, whose it is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "cert-int.h"

void
tok_name_text(X509_NAME *name, char *out, size_t size)
{
	BIO *bio = BIO_new(BIO_s_mem());
	int length = 0;

	out[0] = '\0';
	if (bio == NULL)
		return;
	if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0)
		length = BIO_read(bio, out, (int)size - 1);
	out[length > 0 ? length : 0] = '\0';
	BIO_free(bio);
}

void
tok_serial_hex(X509 *cert, char *out, size_t size)
{
	BIGNUM *serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
	char *hex = serial != NULL ? BN_bn2hex(serial) : NULL;

	snprintf(out, size, "%s", hex != NULL ? hex : "");
	for (char *c = out; *c != '\0'; c++)
		if (*c >= 'A' && *c <= 'F')
			*c = (char)(*c - 'A' + 'a');
	OPENSSL_free(hex);
	BN_free(serial);
}

static enum tok_object_kind
kind_of(CK_OBJECT_CLASS class)
{
	switch (class) {
	case CKO_PRIVATE_KEY:
		return TOK_OBJECT_PRIVATE_KEY;
	case CKO_PUBLIC_KEY:
		return TOK_OBJECT_PUBLIC_KEY;
	case CKO_CERTIFICATE:
		return TOK_OBJECT_CERTIFICATE;
	case CKO_SECRET_KEY:
		return TOK_OBJECT_SECRET_KEY;
	default:
		return TOK_OBJECT_OTHER;
	}
}

/* Subject, serial and CA flag of a certificate object; left empty if it does not parse. */
static void
describe_certificate(struct tok_token *token, CK_OBJECT_HANDLE handle, struct tok_object *out)
{
	unsigned char *value = NULL;
	const unsigned char *p;
	size_t length = 0;
	X509 *cert;

	if (tok_read_attribute(token, handle, CKA_VALUE, &value, &length, NULL) != TOK_OK)
		return;
	p = value;
	if ((cert = d2i_X509(NULL, &p, (long)length)) != NULL) {
		tok_name_text(X509_get_subject_name(cert), out->subject, sizeof(out->subject));
		tok_serial_hex(cert, out->serial_hex, sizeof(out->serial_hex));
		/* 1: basicConstraints says CA; a self-signed v1 certificate (3) is a person's. */
		out->authority = X509_check_ca(cert) == 1;
		X509_free(cert);
	}
	ERR_clear_error();
	free(value);
}

static void
read_text(struct tok_token *token, CK_OBJECT_HANDLE handle, CK_ATTRIBUTE_TYPE type, bool hex,
	  char *out, size_t size)
{
	unsigned char *value = NULL;
	size_t length = 0, used = 0;

	out[0] = '\0';
	if (tok_read_attribute(token, handle, type, &value, &length, NULL) != TOK_OK)
		return;
	for (size_t i = 0; hex && i < length && used + 3 <= size; i++)
		used += (size_t)snprintf(out + used, size - used, "%02x", value[i]);
	if (!hex)
		snprintf(out, size, "%.*s", (int)length, (const char *)value);
	free(value);
}

static int
describe(struct tok_token *token, CK_OBJECT_HANDLE handle, struct tok_object *out,
	 struct tok_error *err)
{
	unsigned char *value = NULL;
	size_t length = 0;
	CK_OBJECT_CLASS class;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = tok_read_attribute(token, handle, CKA_CLASS, &value, &length, err)) != TOK_OK)
		return r;
	if (length != sizeof(class)) {
		free(value);
		return tok_error_set(err, TOK_ERR_INTERNAL, _("an object's class is unreadable"));
	}
	memcpy(&class, value, sizeof(class));
	free(value);
	out->kind = kind_of(class);
	read_text(token, handle, CKA_ID, true, out->id_hex, sizeof(out->id_hex));
	read_text(token, handle, CKA_LABEL, false, out->label, sizeof(out->label));
	if (out->kind == TOK_OBJECT_CERTIFICATE)
		describe_certificate(token, handle, out);
	return TOK_OK;
}

int
tok_list_objects(struct tok_token *token, struct tok_object **out, size_t *count,
		 struct tok_error *err)
{
	CK_OBJECT_HANDLE *handles = NULL;
	struct tok_object *list = NULL;
	size_t found = 0;
	int r = TOK_OK;

	if (token == NULL || out == NULL || count == NULL)
		return tok_error_set(err, TOK_ERR_INVALID_ARGUMENT,
				     _("tok_list_objects: bad argument"));
	/* A blank token has no session, and nothing on it. */
	if (token->session != CK_INVALID_HANDLE &&
	    (r = tok_find_objects(token, NULL, 0, &handles, &found, err)) != TOK_OK)
		return r;
	if ((list = calloc(found + 1, sizeof(*list))) == NULL)
		r = tok_error_set(err, TOK_ERR_INTERNAL, _("out of memory"));
	for (size_t i = 0; i < found && r == TOK_OK; i++)
		r = describe(token, handles[i], &list[i], err);
	free(handles);
	if (r != TOK_OK) {
		free(list);
		return r;
	}
	*out = list;
	*count = found;
	return TOK_OK;
}
