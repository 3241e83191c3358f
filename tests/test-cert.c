/*
 * test-cert.c: SOP step 7, importing the certificate BSrE returns. Every format BSrE or a
 * browser download may give is accepted; every defect is refused with the token's object
 * list (as pkcs11-tool reads it) unchanged; readiness proves key and certificate agree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/x509.h>

#include "cert-fixture.h"
#include "fixture.h"
#include "tap.h"
#include "token-int.h"

/* The attributes consumers rely on, read back from the token's certificate object. */
static void
check_certificate_object(struct cert_bench *b, X509 *cert, CK_ULONG category)
{
	unsigned char *der = NULL, *subject = NULL;
	size_t der_length;
	int subject_length = i2d_X509_NAME(X509_get_subject_name(cert), &subject);
	CK_BBOOL private = CK_TRUE, trusted = CK_TRUE, token_object = CK_FALSE;
	CK_ULONG stored_category = 99, handles = 0;
	CK_OBJECT_CLASS class = CKO_CERTIFICATE;
	CK_OBJECT_HANDLE handle;
	CK_DATE end;
	CK_ATTRIBUTE find[] = {{CKA_CLASS, &class, sizeof(class)},
			       {CKA_SUBJECT, subject, (CK_ULONG)subject_length}};
	CK_ATTRIBUTE read[] = {
	    {CKA_PRIVATE, &private, sizeof(private)},
	    {CKA_TRUSTED, &trusted, sizeof(trusted)},
	    {CKA_TOKEN, &token_object, sizeof(token_object)},
	    {CKA_CERTIFICATE_CATEGORY, &stored_category, sizeof(stored_category)},
	    {CKA_END_DATE, &end, sizeof(end)},
	};
	CK_FUNCTION_LIST_PTR fn = b->token->ctx->fn;
	struct tm tm;
	char expected_end[9], stored_end[9];

	der = cert_fixture_der(cert, &der_length);
	check_int(fn->C_FindObjectsInit(b->token->session, find, 2), CKR_OK);
	check_int(fn->C_FindObjects(b->token->session, &handle, 1, &handles), CKR_OK);
	fn->C_FindObjectsFinal(b->token->session);
	check_int(handles, 1);
	if (handles == 1)
		check_int(fn->C_GetAttributeValue(b->token->session, handle, read, 5), CKR_OK);
	check_int(private, CK_FALSE);
	check_int(trusted, CK_FALSE);
	check_int(token_object, CK_TRUE);
	check_int(stored_category, category);
	ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm);
	strftime(expected_end, sizeof(expected_end), "%Y%m%d", &tm);
	memcpy(stored_end, &end, 8);
	stored_end[8] = '\0';
	check_str(stored_end, expected_end);
	free(der);
	OPENSSL_free(subject);
}

/* pkcs11-tool, reading the token on its own, sees one label and one id for the pair. */
static void
check_pair_listed(const char *id_hex)
{
	char *list = cert_fixture_object_list(), needle[128];
	const char *cert = list ? strstr(list, "Certificate Object") : NULL;

	check(cert != NULL);
	snprintf(needle, sizeof(needle), "ID:         %s", id_hex);
	check(cert != NULL && strstr(cert, "label:      Siti Rahayu") != NULL);
	check(cert != NULL && strstr(cert, needle) != NULL);
	free(list);
}

static void
pem_bundle_is_accepted_with_the_keys_id_and_label(void)
{
	const struct cert_ca *ca = cert_fixture_ca();
	struct tok_cert_info info = {0};
	struct cert_bench b;
	X509 *cert;
	char *pem, hex[41];

	cert_bench_open(&b, TOK_KEY_EC_P256);
	cert = cert_bench_issue(&b, ca, &pem);
	check_int(cert_bench_import(&b, pem, strlen(pem), ca->anchors, &info), 0);
	check(!info.already_present);
	check_int(info.chain_written, 2);
	check(info.key_id.length == tok_key_get_id(b.key)->length &&
	      memcmp(info.key_id.bytes, tok_key_get_id(b.key)->bytes, info.key_id.length) == 0);
	check(strstr(info.subject, "CN=Siti Rahayu") != NULL);
	check(strstr(info.issuer, "Enroll LOCAL TEST Issuing CA - NOT BSrE") != NULL);
	check_int(strlen(info.serial_hex) > 0, 1);
	check(info.not_after > info.not_before);
	check_certificate_object(&b, cert, 1);
	check_certificate_object(&b, ca->issuing, 2);
	check_certificate_object(&b, ca->root, 2);
	tok_key_id_hex(tok_key_get_id(b.key), hex);
	check_pair_listed(hex);
	cert_bench_close(&b);
}

/* A lone DER certificate: the chain comes from the anchors, here root and issuing CA. */
static void
der_certificate_is_accepted_for_an_rsa_key(void)
{
	const struct cert_ca *ca = cert_fixture_ca();
	struct tok_cert_info info = {0};
	struct cert_bench b;
	unsigned char *der;
	size_t length;
	char *anchors_pem = cert_fixture_pem(ca->root, ca->issuing, NULL);
	char *anchors =
	    cert_fixture_write("anchors-root-and-issuing.pem", anchors_pem, strlen(anchors_pem));
	X509 *cert;

	cert_bench_open(&b, TOK_KEY_RSA2048);
	cert = cert_bench_issue(&b, ca, NULL);
	der = cert_fixture_der(cert, &length);
	check_int(cert_bench_import(&b, der, length, anchors, &info), 0);
	check_int(info.chain_written, 2);
	check_certificate_object(&b, cert, 1);
	free(der);
	free(anchors);
	free(anchors_pem);
	cert_bench_close(&b);
}

/* PKCS#7 certs-only bundles, as portals hand them out, in PEM and in DER. */
static void
pkcs7_bundles_are_accepted_pem_and_der(void)
{
	static const char *const forms[] = {"PEM", "DER"};
	const struct cert_ca *ca = cert_fixture_ca();

	for (size_t i = 0; i < 2; i++) {
		struct tok_cert_info info = {0};
		struct cert_bench b;
		char command[8400], *pem, *in, *out;
		unsigned char *p7;
		size_t length = 0;

		cert_bench_open(&b, TOK_KEY_EC_P256);
		cert_bench_issue(&b, ca, &pem);
		in = cert_fixture_write("bundle.pem", pem, strlen(pem));
		out = fixture_path("bundle.p7b");
		snprintf(command, sizeof(command),
			 "openssl crl2pkcs7 -nocrl -certfile '%s' -outform %s -out '%s'", in,
			 forms[i], out);
		check_int(fixture_run(command), 0);
		p7 = cert_fixture_read(out, &length);
		check(p7 != NULL);
		if (p7 != NULL)
			check_int(cert_bench_import(&b, p7, length, ca->anchors, &info), 0);
		check_int(info.chain_written, 2);
		free(p7);
		free(out);
		free(in);
		cert_bench_close(&b);
	}
}

static void
importing_the_same_certificate_twice_is_a_no_op(void)
{
	const struct cert_ca *ca = cert_fixture_ca();
	struct tok_cert_info info = {0};
	struct cert_bench b;
	char *pem, *before, *after;

	cert_bench_open(&b, TOK_KEY_EC_P256);
	cert_bench_issue(&b, ca, &pem);
	check_int(cert_bench_import(&b, pem, strlen(pem), ca->anchors, &info), 0);
	before = cert_fixture_object_list();
	check_int(cert_bench_import(&b, pem, strlen(pem), ca->anchors, &info), 0);
	after = cert_fixture_object_list();
	check(info.already_present);
	check_int(info.chain_written, 0);
	check_str(after, before);
	free(before);
	free(after);
	cert_bench_close(&b);
}

static int
count_occurrences(const char *text, const char *needle)
{
	int n = 0;

	for (const char *p = text; p != NULL && (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static void
chain_ca_certificates_are_written_once(void)
{
	const struct cert_ca *ca = cert_fixture_ca();
	struct tok_cert_info info = {0};
	struct cert_bench b;
	struct tok_key *second;
	EVP_PKEY *second_public;
	X509 *cert, *cert2;
	char *pem, *pem2, *list;

	cert_bench_open(&b, TOK_KEY_EC_P256);
	second = cert_bench_generate(&b, TOK_KEY_EC_P384, "Budi Santoso");
	second_public = cert_fixture_public_key(second);
	cert = cert_fixture_issue(ca, b.public_key, 0, 730, CERT_SIGNING);
	cert2 = cert_fixture_issue(ca, second_public, 0, 730, CERT_SIGNING);
	pem = cert_fixture_pem(cert, ca->issuing, NULL);
	pem2 = cert_fixture_pem(cert2, ca->issuing, NULL);
	check_int(cert_bench_import(&b, pem, strlen(pem), ca->anchors, &info), 0);
	check_int(info.chain_written, 2);
	check_int(cert_bench_import(&b, pem2, strlen(pem2), ca->anchors, &info), 0);
	check_int(info.chain_written, 0);
	check(!info.already_present);
	list = cert_fixture_object_list();
	check_int(count_occurrences(list, "Certificate Object"), 4);
	check_int(count_occurrences(list, "label:      Enroll LOCAL TEST Issuing CA - NOT BSrE"),
		  1);
	check_int(count_occurrences(list, "label:      Enroll LOCAL TEST Root CA - NOT BSrE"), 1);
	free(list);
	free(pem);
	free(pem2);
	X509_free(cert);
	X509_free(cert2);
	EVP_PKEY_free(second_public);
	tok_key_free(second);
	cert_bench_close(&b);
}

/* Refused with this status, and pkcs11-tool lists exactly what it listed before. */
static void
check_refused_for(struct cert_bench *b, const void *data, size_t length, const char *anchors,
		  const struct tok_key_id *key, int expected)
{
	struct tok_cert_info info = {0};
	struct tok_error err = {0};
	char *before = cert_fixture_object_list(), *after;
	int r = tok_import_certificate(b->token, data, length, anchors, key, &info, &err);

	if (r != expected)
		tap_diag("    %s: %s", tok_status_name(r), err.message);
	check_int(r, expected);
	check(err.message[0] != '\0');
	after = cert_fixture_object_list();
	check_str(after, before);
	free(before);
	free(after);
}

static void
check_refused(struct cert_bench *b, const void *data, size_t length, const char *anchors,
	      int expected)
{
	check_refused_for(b, data, length, anchors, NULL, expected);
}

/* Issue for the bench's key from ca with these dates and usage; check the refusal. */
static void
check_issued_refused(long start_days, long end_days, const char *key_usage, int expected)
{
	const struct cert_ca *ca = cert_fixture_ca();
	struct cert_bench b;
	X509 *cert;
	char *pem;

	cert_bench_open(&b, TOK_KEY_EC_P256);
	cert = cert_fixture_issue(ca, b.public_key, start_days, end_days, key_usage);
	pem = cert_fixture_pem(cert, ca->issuing, NULL);
	check_refused(&b, pem, strlen(pem), ca->anchors, expected);
	free(pem);
	X509_free(cert);
	cert_bench_close(&b);
}

static void
certificate_for_another_key_is_refused_and_token_unchanged(void)
{
	const struct cert_ca *ca = cert_fixture_ca();
	EVP_PKEY *foreign = EVP_EC_gen("P-256");
	struct cert_bench b;
	X509 *cert;
	char *pem;

	cert_bench_open(&b, TOK_KEY_EC_P256);
	cert = cert_fixture_issue(ca, foreign, 0, 730, CERT_SIGNING);
	pem = cert_fixture_pem(cert, ca->issuing, NULL);
	check_refused(&b, pem, strlen(pem), ca->anchors, TOK_ERR_CERT_MISMATCH);
	free(pem);
	X509_free(cert);
	EVP_PKEY_free(foreign);
	cert_bench_close(&b);
}

/* Both keys on the token; the certificate is the second's, the import is for the first. */
static void
certificate_for_another_key_on_the_token_is_refused_before_any_write(void)
{
	const struct cert_ca *ca = cert_fixture_ca();
	struct cert_bench b;
	struct tok_key *second;
	EVP_PKEY *second_public;
	X509 *cert;
	char *pem;

	cert_bench_open(&b, TOK_KEY_EC_P256);
	second = cert_bench_generate(&b, TOK_KEY_EC_P256, "Siti Rahayu");
	second_public = cert_fixture_public_key(second);
	cert = cert_fixture_issue(ca, second_public, 0, 730, CERT_SIGNING);
	pem = cert_fixture_pem(cert, ca->issuing, NULL);
	check_refused_for(&b, pem, strlen(pem), ca->anchors, tok_key_get_id(b.key),
			  TOK_ERR_CERT_MISMATCH);
	free(pem);
	X509_free(cert);
	EVP_PKEY_free(second_public);
	tok_key_free(second);
	cert_bench_close(&b);
}

static void
expired_certificate_is_refused_and_token_unchanged(void)
{
	check_issued_refused(-760, -30, CERT_SIGNING, TOK_ERR_CERT_EXPIRED);
}

static void
not_yet_valid_certificate_is_refused_and_token_unchanged(void)
{
	check_issued_refused(10, 740, CERT_SIGNING, TOK_ERR_CERT_NOT_YET_VALID);
}

static void
certificate_not_for_signing_is_refused_and_token_unchanged(void)
{
	check_issued_refused(0, 730, "critical,keyEncipherment", TOK_ERR_CERT_KEY_USAGE);
}

static void
chain_missing_its_issuing_ca_is_refused_and_token_unchanged(void)
{
	const struct cert_ca *ca = cert_fixture_ca();
	struct cert_bench b;
	char *pem;

	cert_bench_open(&b, TOK_KEY_EC_P256);
	pem = cert_fixture_pem(cert_bench_issue(&b, ca, NULL), NULL);
	check_refused(&b, pem, strlen(pem), ca->anchors, TOK_ERR_CERT_UNTRUSTED);
	free(pem);
	cert_bench_close(&b);
}

static void
certificate_from_an_unknown_ca_is_refused_and_token_unchanged(void)
{
	const struct cert_ca *ca = cert_fixture_ca(), *unknown = cert_fixture_other_ca();
	struct cert_bench b;
	X509 *cert;
	char *pem;

	cert_bench_open(&b, TOK_KEY_EC_P256);
	cert = cert_fixture_issue(unknown, b.public_key, 0, 730, CERT_SIGNING);
	pem = cert_fixture_pem(cert, unknown->issuing, unknown->root, NULL);
	check_refused(&b, pem, strlen(pem), ca->anchors, TOK_ERR_CERT_UNTRUSTED);
	free(pem);
	X509_free(cert);
	cert_bench_close(&b);
}

static void
malformed_der_is_refused_and_token_unchanged(void)
{
	const struct cert_ca *ca = cert_fixture_ca();
	static const unsigned char garbage[] = "\x30\x82\x01\x00 not a certificate at all";
	struct cert_bench b;
	unsigned char *der, *padded;
	size_t length;
	X509 *cert;

	cert_bench_open(&b, TOK_KEY_EC_P256);
	cert = cert_bench_issue(&b, ca, NULL);
	der = cert_fixture_der(cert, &length);
	check_refused(&b, der, length / 2, ca->anchors, TOK_ERR_MALFORMED);
	check_refused(&b, garbage, sizeof(garbage) - 1, ca->anchors, TOK_ERR_MALFORMED);
	check_refused(&b, der, 0, ca->anchors, TOK_ERR_MALFORMED);
	padded = malloc(length + 4);
	memcpy(padded, der, length);
	memcpy(padded + length, "\0\0\0\0", 4);
	check_refused(&b, padded, length + 4, ca->anchors, TOK_ERR_MALFORMED);
	free(padded);
	free(der);
	cert_bench_close(&b);
}

static void
truncated_pem_is_refused_and_token_unchanged(void)
{
	const struct cert_ca *ca = cert_fixture_ca();
	struct cert_bench b;
	char *pem;

	cert_bench_open(&b, TOK_KEY_EC_P256);
	cert_bench_issue(&b, ca, &pem);
	/* Cut inside the second block: the first alone would do, but half a file is not one. */
	check_refused(&b, pem, strlen(pem) - 200, ca->anchors, TOK_ERR_MALFORMED);
	check_refused(&b, pem, 300, ca->anchors, TOK_ERR_MALFORMED);
	cert_bench_close(&b);
}

static void
import_needs_the_user_logged_in(void)
{
	const struct cert_ca *ca = cert_fixture_ca();
	struct cert_bench b;
	char *pem;

	cert_bench_open(&b, TOK_KEY_EC_P256);
	cert_bench_issue(&b, ca, &pem);
	check_int(b.token->ctx->fn->C_Logout(b.token->session), CKR_OK);
	check_refused(&b, pem, strlen(pem), ca->anchors, TOK_ERR_NOT_LOGGED_IN);
	cert_bench_close(&b);
}

static void
missing_trust_anchors_are_an_io_error_and_token_unchanged(void)
{
	const struct cert_ca *ca = cert_fixture_ca();
	struct cert_bench b;
	char *pem, *missing = fixture_path("no-such-anchors.pem");

	cert_bench_open(&b, TOK_KEY_EC_P256);
	cert_bench_issue(&b, ca, &pem);
	check_refused(&b, pem, strlen(pem), missing, TOK_ERR_IO);
	free(missing);
	cert_bench_close(&b);
}

static void
trust_anchors_others_may_write_are_refused_and_token_unchanged(void)
{
	const struct cert_ca *ca = cert_fixture_ca();
	struct cert_bench b;
	char *pem, *anchors_pem = cert_fixture_pem(ca->root, NULL);
	char *anchors =
	    cert_fixture_write("writable-anchors.pem", anchors_pem, strlen(anchors_pem));

	check_int(chmod(anchors, 0666), 0);
	cert_bench_open(&b, TOK_KEY_EC_P256);
	cert_bench_issue(&b, ca, &pem);
	check_refused(&b, pem, strlen(pem), anchors, TOK_ERR_UNSAFE);
	free(anchors);
	free(anchors_pem);
	cert_bench_close(&b);
}

int
main(void)
{
	TAP_TEST(pem_bundle_is_accepted_with_the_keys_id_and_label);
	TAP_TEST(der_certificate_is_accepted_for_an_rsa_key);
	TAP_TEST(pkcs7_bundles_are_accepted_pem_and_der);
	TAP_TEST(importing_the_same_certificate_twice_is_a_no_op);
	TAP_TEST(chain_ca_certificates_are_written_once);
	TAP_TEST(certificate_for_another_key_is_refused_and_token_unchanged);
	TAP_TEST(certificate_for_another_key_on_the_token_is_refused_before_any_write);
	TAP_TEST(expired_certificate_is_refused_and_token_unchanged);
	TAP_TEST(not_yet_valid_certificate_is_refused_and_token_unchanged);
	TAP_TEST(certificate_not_for_signing_is_refused_and_token_unchanged);
	TAP_TEST(chain_missing_its_issuing_ca_is_refused_and_token_unchanged);
	TAP_TEST(certificate_from_an_unknown_ca_is_refused_and_token_unchanged);
	TAP_TEST(malformed_der_is_refused_and_token_unchanged);
	TAP_TEST(truncated_pem_is_refused_and_token_unchanged);
	TAP_TEST(import_needs_the_user_logged_in);
	TAP_TEST(missing_trust_anchors_are_an_io_error_and_token_unchanged);
	TAP_TEST(trust_anchors_others_may_write_are_refused_and_token_unchanged);
	return tap_done();
}
