/*
 * subject.c: a certificate for the right key but another person's name leaves the holder
 * signing as someone else. Before step 7 writes anything, the certificate's CN and email
 * must be the application's: names compared in Unicode NFC (a name typed decomposed is the
 * same name), emails without regard to case; a CN with a control character is refused.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <uninorm.h>

#include "cert.h"
#include "station.h"

/* The certificate in data for the key expected; NULL when none is (the import says why). */
static X509 *
certificate_for_key(const unsigned char *data, size_t length, const struct tok_key_id *expected)
{
	STACK_OF(X509) *certs = NULL;
	struct tok_key_id id;
	struct tok_error err;
	X509 *found = NULL;

	if (tok_cert_parse(data, length, &certs, &err) != TOK_OK)
		return NULL;
	for (int i = 0; i < sk_X509_num(certs) && found == NULL; i++) {
		X509 *cert = sk_X509_value(certs, i);

		if (tok_public_key_id(X509_get0_pubkey(cert), &id, &err) == TOK_OK &&
		    id.length == expected->length &&
		    memcmp(id.bytes, expected->bytes, id.length) == 0 && X509_up_ref(cert))
			found = cert;
	}
	sk_X509_pop_free(certs, X509_free);
	return found;
}

/*
 * An ASN.1 string's text as UTF-8 (malloc'd, NUL-ended, *length bytes before that end);
 * *clean false if it holds a NUL or another control character (C0, DEL, C1).
 */
static char *
utf8_text(const ASN1_STRING *value, size_t *length_out, bool *clean)
{
	unsigned char *utf8 = NULL;
	char *text;
	int length = ASN1_STRING_to_UTF8(&utf8, value);

	if (length < 0)
		return NULL;
	*clean = true;
	for (int i = 0; i < length; i++)
		if (utf8[i] < 0x20 || utf8[i] == 0x7f ||
		    (utf8[i] == 0xc2 && i + 1 < length && utf8[i + 1] >= 0x80 &&
		     utf8[i + 1] < 0xa0))
			*clean = false;
	if ((text = malloc((size_t)length + 1)) != NULL) {
		memcpy(text, utf8, (size_t)length);
		text[length] = '\0';
		*length_out = (size_t)length;
	}
	OPENSSL_free(utf8);
	return text;
}

/* Are a and b the same text once both are in NFC? */
static bool
same_nfc(const char *a, const char *b)
{
	size_t la = 0, lb = 0;
	uint8_t *na = u8_normalize(UNINORM_NFC, (const uint8_t *)a, strlen(a), NULL, &la);
	uint8_t *nb = u8_normalize(UNINORM_NFC, (const uint8_t *)b, strlen(b), NULL, &lb);
	bool same = na != NULL && nb != NULL && la == lb && memcmp(na, nb, la) == 0;

	free(na);
	free(nb);
	return same;
}

/* What the refusal shows of a certificate's text: anything unprintable as \xNN. */
static void
printable(const char *text, size_t length, char *out, size_t size)
{
	size_t used = 0;

	for (size_t i = 0; i < length && used + 5 < size; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c < 0x20 || c == 0x7f)
			used += (size_t)snprintf(out + used, size - used, "\\x%02x", c);
		else
			out[used++] = (char)c;
	}
	out[used] = '\0';
}

/* The refusal, with both texts: of the name, or of an email. */
static int
refuse(const struct wf_application *app, bool email, const char *in_cert, size_t length,
       const char *in_app)
{
	char shown[512];

	printable(in_cert, length, shown, sizeof(shown));
	fprintf(stderr, "enroll: ");
	fprintf(stderr,
		email ? _("the certificate's email is \"%s\", but application %s has \"%s\"\n")
		      : _("the certificate is for \"%s\", but application %s is for \"%s\"\n"),
		shown, app->number, in_app);
	fprintf(stderr, "  %s\n",
		_("Nothing was written to the token. Ask BSrE for a certificate with the "
		  "applicant's data as the application has them; the application's own data can "
		  "be corrected only before step 6."));
	return EXIT_CERT_MISMATCH;
}

/* The subject's CN: exactly one, clean, the applicant's full name. */
static int
check_common_name(const struct wf_application *app, X509 *cert)
{
	const X509_NAME *name = X509_get_subject_name(cert);
	int at = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
	bool clean = false;
	size_t length = 0;
	char *cn = NULL;
	int r = 0;

	if (at >= 0 && X509_NAME_get_index_by_NID(name, NID_commonName, at) < 0)
		cn = utf8_text(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, at)), &length,
			       &clean);
	if (cn == NULL || !clean || !same_nfc(cn, app->applicant.full_name))
		r = refuse(app, false, cn != NULL ? cn : "", length, app->applicant.full_name);
	free(cn);
	return r;
}

static int
check_email(const struct wf_application *app, const ASN1_STRING *value)
{
	bool clean = false;
	size_t length = 0;
	char *email = utf8_text(value, &length, &clean);
	int r = 0;

	if (email == NULL || !clean || strcasecmp(email, app->applicant.email) != 0)
		r = refuse(app, true, email != NULL ? email : "", length, app->applicant.email);
	free(email);
	return r;
}

/* Every email the certificate names, in its subject or its subjectAltName. */
static int
check_emails(const struct wf_application *app, X509 *cert)
{
	const X509_NAME *name = X509_get_subject_name(cert);
	GENERAL_NAMES *alt = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	int r = 0;

	for (int at = -1;
	     r == 0 && (at = X509_NAME_get_index_by_NID(name, NID_pkcs9_emailAddress, at)) >= 0;)
		r = check_email(app, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, at)));
	for (int i = 0; r == 0 && i < sk_GENERAL_NAME_num(alt); i++) {
		const GENERAL_NAME *entry = sk_GENERAL_NAME_value(alt, i);

		if (entry->type == GEN_EMAIL)
			r = check_email(app, entry->d.rfc822Name);
	}
	GENERAL_NAMES_free(alt);
	return r;
}

int
station_check_subject(const struct wf_application *app, const unsigned char *data, size_t length)
{
	struct tok_key_id expected;
	X509 *cert;
	int r;

	/* No key recorded, or no certificate for it: the import refuses that in its words. */
	if (tok_key_id_parse(app->key.key_id_hex, &expected) != TOK_OK ||
	    (cert = certificate_for_key(data, length, &expected)) == NULL)
		return 0;
	if ((r = check_common_name(app, cert)) == 0)
		r = check_emails(app, cert);
	X509_free(cert);
	ERR_clear_error();
	return r;
}
