/*
 * test-issuer.c: the local test CA. It must say it is not BSrE, keep its keys private,
 * and issue what BSrE issues, field by field, only for the key the request names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "fixture.h"
#include "issuer-fixture.h"
#include "tap.h"

static X509 *
read_pem_cert(const char *path)
{
	FILE *f = fopen(path, "r");
	X509 *cert = f != NULL ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;

	if (f != NULL)
		fclose(f);
	return cert;
}

static bool
name_has(X509_NAME *name, int nid, const char *value)
{
	char text[256];

	return X509_NAME_get_text_by_NID(name, nid, text, sizeof(text)) > 0 &&
	       strcmp(text, value) == 0;
}

static void
local_ca_is_marked_not_bsre_with_private_keys(void)
{
	const char *dir = test_ca();
	char path[4096];
	X509 *root, *issuing;

	snprintf(path, sizeof(path), "%s/trust-anchors.pem", dir);
	root = read_pem_cert(path);
	snprintf(path, sizeof(path), "%s/ca.pem", dir);
	issuing = read_pem_cert(path);
	check(root != NULL);
	check(issuing != NULL);
	if (root == NULL || issuing == NULL)
		goto out;
	check(name_has(X509_get_subject_name(root), NID_commonName,
		       "Enroll LOCAL TEST Root CA - NOT BSrE"));
	check(name_has(X509_get_subject_name(root), NID_organizationName, OFFICE));
	check(name_has(X509_get_subject_name(root), NID_countryName, "ID"));
	check(name_has(X509_get_subject_name(issuing), NID_commonName,
		       "Enroll LOCAL TEST Issuing CA - NOT BSrE"));
	check(X509_check_issued(root, issuing) == X509_V_OK);
	check(X509_verify(issuing, X509_get0_pubkey(root)) == 1);
	check(X509_check_ca(root) > 0 && X509_check_ca(issuing) > 0);
	check_int(file_mode(dir, "ca.key"), 0600);
	check_int(file_mode(dir, "root.key"), 0600);
out:
	X509_free(root);
	X509_free(issuing);
}

static char *
read_text(const char *dir, const char *name)
{
	char path[4096], *text = NULL;
	size_t size = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "r")) == NULL)
		return strdup("");
	if (getdelim(&text, &size, '\0', f) < 0) {
		free(text);
		text = strdup("");
	}
	fclose(f);
	return text;
}

/* Switching back to the local CA must not make a new one: issued chains stay valid. */
static void
local_ca_prepared_again_keeps_its_keys(void)
{
	const char *settings[] = {"ca-dir", test_ca(), NULL};
	char *key_before = read_text(test_ca(), "ca.key"), *root_before;
	char *key_after, *root_after;
	struct iss_error err = {0};

	root_before = read_text(test_ca(), "trust-anchors.pem");
	check_int(iss_prepare("local", pairs_lookup, (void *)settings, OFFICE, &err), ISS_OK);
	key_after = read_text(test_ca(), "ca.key");
	root_after = read_text(test_ca(), "trust-anchors.pem");
	check(strlen(key_before) > 100);
	check_str(key_after, key_before);
	check_str(root_after, root_before);
	free(key_before);
	free(key_after);
	free(root_before);
	free(root_after);
}

static void
local_ca_open_refuses_a_key_others_can_read(void)
{
	char *dir = fixture_path("loose-ca"), key[4096];
	const char *settings[] = {"ca-dir", dir, NULL};
	struct issuer *ca = NULL;
	struct iss_error err = {0};

	check_int(iss_prepare("local", pairs_lookup, (void *)settings, OFFICE, &err), ISS_OK);
	snprintf(key, sizeof(key), "%s/ca.key", dir);
	check_int(chmod(key, 0644), 0);
	check_int(iss_open("local", pairs_lookup, (void *)settings, &ca, &err), ISS_ERR_UNSAFE);
	check(ca == NULL);
	check(strstr(err.message, "ca.key") != NULL);
	free(dir);
}

/* notAfter is notBefore plus exactly two calendar years, to the second. */
static bool
valid_exactly_two_years(X509 *cert)
{
	struct tm before, after;

	if (!ASN1_TIME_to_tm(X509_get0_notBefore(cert), &before) ||
	    !ASN1_TIME_to_tm(X509_get0_notAfter(cert), &after))
		return false;
	before.tm_year += 2;
	return timegm(&before) == timegm(&after);
}

static bool
has_email_alt_name(X509 *cert, const char *email)
{
	GENERAL_NAMES *names = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	bool found = false;

	for (int i = 0; names != NULL && i < sk_GENERAL_NAME_num(names); i++) {
		GENERAL_NAME *name = sk_GENERAL_NAME_value(names, i);

		if (name->type == GEN_EMAIL &&
		    strcmp((const char *)ASN1_STRING_get0_data(name->d.rfc822Name), email) == 0)
			found = true;
	}
	GENERAL_NAMES_free(names);
	return found;
}

static bool
chain_verifies(STACK_OF(X509) * bundle, const char *anchors)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	bool ok = X509_STORE_load_file(store, anchors) &&
		  X509_STORE_CTX_init(ctx, store, sk_X509_value(bundle, 0), bundle) &&
		  X509_verify_cert(ctx) == 1;

	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return ok;
}

static void
check_user_profile(X509 *cert, X509 *issuing, X509_REQ *csr)
{
	const ASN1_INTEGER *serial = X509_get0_serialNumber(cert);
	const ASN1_OCTET_STRING *issuing_ski = X509_get0_subject_key_id(issuing);
	const ASN1_OCTET_STRING *aki = X509_get0_authority_key_id(cert);
	time_t now = time(NULL);

	check_int(X509_get_version(cert), X509_VERSION_3);
	check(X509_NAME_cmp(X509_get_subject_name(cert), X509_REQ_get_subject_name(csr)) == 0);
	check(X509_NAME_cmp(X509_get_issuer_name(cert), X509_get_subject_name(issuing)) == 0);
	check(valid_exactly_two_years(cert));
	check(X509_cmp_time(X509_get0_notBefore(cert), &(time_t){now + 5}) < 0);
	check(X509_cmp_time(X509_get0_notBefore(cert), &(time_t){now - 60}) > 0);
	check_int(X509_get_signature_nid(cert), NID_sha256WithRSAEncryption);
	check_int(X509_get_key_usage(cert), KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION);
	check_int(X509_EXTENSION_get_critical(
		      X509_get_ext(cert, X509_get_ext_by_NID(cert, NID_key_usage, -1))),
		  1);
	check_int(X509_get_extended_key_usage(cert), XKU_SMIME);
	check_int(X509_check_ca(cert), 0);
	check(has_email_alt_name(cert, "siti.rahayu@contoh.go.id"));
	check_int(ASN1_STRING_length(serial), 16);
	check_int(ASN1_STRING_type(serial), V_ASN1_INTEGER);
	check(X509_get0_subject_key_id(cert) != NULL);
	check(aki != NULL && issuing_ski != NULL && ASN1_OCTET_STRING_cmp(aki, issuing_ski) == 0);
	check(EVP_PKEY_eq(X509_get0_pubkey(cert), X509_REQ_get0_pubkey(csr)) == 1);
}

static X509_REQ *
parse_csr(const char *pem)
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	X509_REQ *csr = PEM_read_bio_X509_REQ(bio, NULL, NULL, NULL);

	BIO_free(bio);
	return csr;
}

static void
local_ca_issues_bsre_profile_field_by_field(void)
{
	struct iss_error err = {0};
	struct applicant a;
	struct iss_request request = {.reference = "TTE/2026/0001"};
	struct issuer *ca = open_test_ca();
	STACK_OF(X509) *bundle = NULL;
	unsigned char *data = NULL;
	size_t length = 0;
	X509_REQ *csr;
	char anchors[4096];

	applicant_init(&a, "Siti Rahayu", "siti.rahayu@contoh.go.id");
	request.key_id_hex = a.key_id;
	request.csr_pem = a.csr_pem;
	check(ca != NULL);
	check_str(iss_name(ca), "local");
	check_int(iss_submit(ca, &request, &err), ISS_OK);
	check_int(iss_fetch(ca, &request, &data, &length, &err), ISS_OK);
	if (data == NULL)
		goto out;
	bundle = parse_bundle(data, length);
	check_int(sk_X509_num(bundle), 2);
	csr = parse_csr(a.csr_pem);
	if (sk_X509_num(bundle) == 2)
		check_user_profile(sk_X509_value(bundle, 0), sk_X509_value(bundle, 1), csr);
	X509_REQ_free(csr);
	snprintf(anchors, sizeof(anchors), "%s/trust-anchors.pem", test_ca());
	check_str(iss_trust_anchors(ca), anchors);
	check(chain_verifies(bundle, anchors));
out:
	sk_X509_pop_free(bundle, X509_free);
	free(data);
	iss_free(ca);
	applicant_free(&a);
}

static char *
issue_serial(struct issuer *ca, struct applicant *a)
{
	struct iss_error err = {0};
	struct iss_request request = {"TTE/2026/0002", a->key_id, a->csr_pem, NULL, NULL};
	STACK_OF(X509) * bundle;
	unsigned char *data = NULL;
	size_t length = 0;
	char *hex = NULL;

	if (iss_submit(ca, &request, &err) != ISS_OK ||
	    iss_fetch(ca, &request, &data, &length, &err) != ISS_OK)
		return strdup("");
	bundle = parse_bundle(data, length);
	if (sk_X509_num(bundle) > 0) {
		BIGNUM *bn =
		    ASN1_INTEGER_to_BN(X509_get0_serialNumber(sk_X509_value(bundle, 0)), NULL);
		char *text = BN_bn2hex(bn);

		hex = strdup(text);
		OPENSSL_free(text);
		BN_free(bn);
	}
	sk_X509_pop_free(bundle, X509_free);
	free(data);
	return hex != NULL ? hex : strdup("");
}

static void
local_ca_serials_are_random_per_certificate(void)
{
	struct issuer *ca = open_test_ca();
	struct applicant a, b;
	char *first, *second;

	applicant_init(&a, "Budi Santoso", "budi@contoh.go.id");
	applicant_init(&b, "Dewi Lestari", "dewi@contoh.go.id");
	first = issue_serial(ca, &a);
	second = issue_serial(ca, &b);
	check(strlen(first) == 32 && strlen(second) == 32);
	check(strcmp(first, second) != 0);
	free(first);
	free(second);
	applicant_free(&a);
	applicant_free(&b);
	iss_free(ca);
}

static void
local_ca_refuses_a_csr_for_another_key(void)
{
	struct iss_error err = {0};
	struct issuer *ca = open_test_ca();
	struct applicant a, b;
	struct iss_request request = {"TTE/2026/0003", NULL, NULL, NULL, NULL};
	unsigned char *data = NULL;
	size_t length = 0;

	applicant_init(&a, "Agus Salim", "agus@contoh.go.id");
	applicant_init(&b, "Rina Wati", "rina@contoh.go.id");
	request.key_id_hex = b.key_id;
	request.csr_pem = a.csr_pem;
	check_int(iss_submit(ca, &request, &err), ISS_ERR_INVALID_ARGUMENT);
	check_int(iss_fetch(ca, &request, &data, &length, &err), ISS_ERR_NOT_ISSUED);
	check(data == NULL);
	applicant_free(&a);
	applicant_free(&b);
	iss_free(ca);
}

static void
local_ca_fetch_before_submit_has_nothing(void)
{
	struct iss_error err = {0};
	struct issuer *ca = open_test_ca();
	struct iss_request request = {"TTE/2026/0004", "00112233445566778899aabbccddeeff00112233",
				      NULL, NULL, NULL};
	unsigned char *data = NULL;
	size_t length = 0;

	check_int(iss_fetch(ca, &request, &data, &length, &err), ISS_ERR_NOT_ISSUED);
	check(data == NULL);
	request.key_id_hex = "../../etc/passwd";
	check_int(iss_fetch(ca, &request, &data, &length, &err), ISS_ERR_INVALID_ARGUMENT);
	iss_free(ca);
}

int
main(void)
{
	TAP_TEST(local_ca_is_marked_not_bsre_with_private_keys);
	TAP_TEST(local_ca_prepared_again_keeps_its_keys);
	TAP_TEST(local_ca_open_refuses_a_key_others_can_read);
	TAP_TEST(local_ca_issues_bsre_profile_field_by_field);
	TAP_TEST(local_ca_serials_are_random_per_certificate);
	TAP_TEST(local_ca_refuses_a_csr_for_another_key);
	TAP_TEST(local_ca_fetch_before_submit_has_nothing);
	return tap_done();
}
