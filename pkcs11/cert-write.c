/*
 * cert-write.c: one certificate object, written with a template of our own. libp11's
 * PKCS11_store_certificate leaves out attributes (category, dates, issuer, serial) that
 * NSS, GnuTLS and PDF signers look at to pair a certificate with its key.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>

#include "cert-int.h"

#define CATEGORY_TOKEN_USER 1
#define CATEGORY_AUTHORITY 2

/* DER encodings the template points at; freed together. */
struct cert_der {
	unsigned char *value, *subject, *issuer, *serial;
	int value_length, subject_length, issuer_length, serial_length;
};

static void
cert_der_free(struct cert_der *der)
{
	OPENSSL_free(der->value);
	OPENSSL_free(der->subject);
	OPENSSL_free(der->issuer);
	OPENSSL_free(der->serial);
}

static int
cert_der_encode(X509 *cert, struct cert_der *der, struct tok_error *err)
{
	der->value_length = i2d_X509(cert, &der->value);
	der->subject_length = i2d_X509_NAME(X509_get_subject_name(cert), &der->subject);
	der->issuer_length = i2d_X509_NAME(X509_get_issuer_name(cert), &der->issuer);
	der->serial_length = i2d_ASN1_INTEGER(X509_get0_serialNumber(cert), &der->serial);
	if (der->value_length <= 0 || der->subject_length <= 0 || der->issuer_length <= 0 ||
	    der->serial_length <= 0) {
		tok_error_set(err, TOK_ERR_INTERNAL,
			      _("encoding the certificate's attributes failed"));
		tok_error_openssl(err);
		return TOK_ERR_INTERNAL;
	}
	return TOK_OK;
}

/* CK_DATE is the date as characters, YYYYMMDD, in UTC. */
static int
to_ck_date(const ASN1_TIME *time, CK_DATE *out)
{
	struct tm tm;
	char text[16];

	if (!ASN1_TIME_to_tm(time, &tm) || tm.tm_year + 1900 > 9999)
		return -1;
	snprintf(text, sizeof(text), "%04u%02u%02u", (unsigned)(tm.tm_year + 1900) % 10000u,
		 (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u);
	memcpy(out->year, text, 4);
	memcpy(out->month, text + 4, 2);
	memcpy(out->day, text + 6, 2);
	return 0;
}

/* An authority certificate's label: its CN, else its whole subject on one line. */
static void
authority_label(X509 *cert, char *label, size_t size)
{
	X509_NAME *subject = X509_get_subject_name(cert);

	if (X509_NAME_get_text_by_NID(subject, NID_commonName, label, (int)size) <= 0)
		X509_NAME_oneline(subject, label, (int)size);
	ERR_clear_error();
}

int
tok_cert_write(struct tok_token *token, X509 *cert, const struct tok_cert_key *key,
	       CK_OBJECT_HANDLE *handle, struct tok_error *err)
{
	CK_OBJECT_CLASS cert_class = CKO_CERTIFICATE;
	CK_CERTIFICATE_TYPE cert_type = CKC_X_509;
	CK_ULONG category = key != NULL ? CATEGORY_TOKEN_USER : CATEGORY_AUTHORITY;
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	struct cert_der der = {0};
	struct tok_key_id id;
	char label[65];
	CK_DATE start, end;
	CK_RV rv;
	int r;

	if ((r = cert_der_encode(cert, &der, err)) != TOK_OK)
		goto out;
	if (to_ck_date(X509_get0_notBefore(cert), &start) != 0 ||
	    to_ck_date(X509_get0_notAfter(cert), &end) != 0) {
		r = tok_error_set(err, TOK_ERR_MALFORMED, _("certificate dates unreadable"));
		goto out;
	}
	if (key != NULL) {
		id = key->id;
		snprintf(label, sizeof(label), "%s", key->label);
	} else {
		if ((r = tok_public_key_id(X509_get0_pubkey(cert), &id, err)) != TOK_OK)
			goto out;
		authority_label(cert, label, sizeof(label));
	}
	CK_ATTRIBUTE template[] = {
	    {CKA_CLASS, &cert_class, sizeof(cert_class)},
	    {CKA_CERTIFICATE_TYPE, &cert_type, sizeof(cert_type)},
	    {CKA_TOKEN, &yes, sizeof(yes)},
	    {CKA_PRIVATE, &no, sizeof(no)},
	    {CKA_MODIFIABLE, &yes, sizeof(yes)},
	    {CKA_TRUSTED, &no, sizeof(no)},
	    {CKA_CERTIFICATE_CATEGORY, &category, sizeof(category)},
	    {CKA_LABEL, label, strlen(label)},
	    {CKA_ID, id.bytes, id.length},
	    {CKA_SUBJECT, der.subject, (CK_ULONG)der.subject_length},
	    {CKA_ISSUER, der.issuer, (CK_ULONG)der.issuer_length},
	    {CKA_SERIAL_NUMBER, der.serial, (CK_ULONG)der.serial_length},
	    {CKA_VALUE, der.value, (CK_ULONG)der.value_length},
	    {CKA_START_DATE, &start, sizeof(start)},
	    {CKA_END_DATE, &end, sizeof(end)},
	};
	rv = token->ctx->fn->C_CreateObject(token->session, template,
					    sizeof(template) / sizeof(template[0]), handle);
	if (tok_login_again(token, rv))
		rv = token->ctx->fn->C_CreateObject(token->session, template,
						    sizeof(template) / sizeof(template[0]), handle);
	if (rv != CKR_OK) {
		r = tok_error_ckr(err, TOK_ERR_INTERNAL, rv, _("writing certificate \"%s\" failed"),
				  label);
		goto out;
	}
	tok_log(TOK_LOG_INFO, "certificate \"%s\" written (%s)", label,
		key != NULL ? "token user" : "authority");
	r = TOK_OK;
out:
	cert_der_free(&der);
	return r;
}
