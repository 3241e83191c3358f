/*
 * test-issuer.c: the issuer connectors. The local test CA must say it is not BSrE and
 * issue what BSrE issues, field by field; the file connector must put requests in the
 * outbox under safe names and find the answer in the inbox by its key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>

#include "fixture.h"
#include "issuer.h"
#include "tap.h"

#define OFFICE "Pemerintah Kota Contoh"

/* A software EC key standing in for a token key: the issuer never sees the difference. */
struct applicant {
	EVP_PKEY *key;
	char key_id[41];
	char *csr_pem;
};

/* Our key-id convention, computed here independently: SHA-1 of the EC point octets. */
static void
compute_key_id(EVP_PKEY *key, char *hex)
{
	unsigned char point[256], digest[SHA_DIGEST_LENGTH];
	size_t length = 0;

	if (!EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point),
					     &length))
		abort();
	SHA1(point, length, digest);
	for (size_t i = 0; i < sizeof(digest); i++)
		sprintf(hex + 2 * i, "%02x", digest[i]);
}

static char *
make_csr(EVP_PKEY *key, const char *cn, const char *email)
{
	X509_REQ *csr = X509_REQ_new();
	X509_NAME *name = X509_REQ_get_subject_name(csr);
	STACK_OF(X509_EXTENSION) *exts = sk_X509_EXTENSION_new_null();
	char san[256], *pem, *data;
	BIO *bio = BIO_new(BIO_s_mem());
	long length;

	snprintf(san, sizeof(san), "email:%s", email);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "OU", MBSTRING_UTF8,
				   (const unsigned char *)"Dinas Komunikasi dan Informatika", -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, (const unsigned char *)OFFICE, -1, -1,
				   0);
	X509_NAME_add_entry_by_txt(name, "C", MBSTRING_UTF8, (const unsigned char *)"ID", -1, -1, 0);
	sk_X509_EXTENSION_push(exts, X509V3_EXT_conf_nid(NULL, NULL, NID_subject_alt_name, san));
	X509_REQ_add_extensions(csr, exts);
	X509_REQ_set_pubkey(csr, key);
	if (X509_REQ_sign(csr, key, EVP_sha256()) <= 0 || !PEM_write_bio_X509_REQ(bio, csr))
		abort();
	length = BIO_get_mem_data(bio, &data);
	pem = strndup(data, (size_t)length);
	BIO_free(bio);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	X509_REQ_free(csr);
	return pem;
}

static void
applicant_init(struct applicant *a, const char *cn, const char *email)
{
	if ((a->key = EVP_EC_gen("P-256")) == NULL)
		abort();
	compute_key_id(a->key, a->key_id);
	a->csr_pem = make_csr(a->key, cn, email);
}

static void
applicant_free(struct applicant *a)
{
	EVP_PKEY_free(a->key);
	free(a->csr_pem);
}

/* One CA for the whole file: RSA key generation is the slow part. */
static const char *
test_ca(void)
{
	static char *dir;
	struct tok_error err = { 0 };

	if (dir == NULL) {
		dir = fixture_path("ca");
		if (issuer_local_create(dir, OFFICE, &err) != 0) {
			fprintf(stderr, "issuer_local_create: %s\n", err.message);
			abort();
		}
	}
	return dir;
}

static STACK_OF(X509) *
parse_bundle(const unsigned char *data, size_t length)
{
	STACK_OF(X509) *certs = sk_X509_new_null();
	BIO *bio = BIO_new_mem_buf(data, (int)length);
	X509 *cert;

	while ((cert = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL)
		sk_X509_push(certs, cert);
	ERR_clear_error();
	BIO_free(bio);
	return certs;
}

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

static mode_t
file_mode(const char *dir, const char *name)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0 ? st.st_mode & 07777 : (mode_t)-1;
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

static void
local_ca_refuses_to_overwrite_an_existing_ca(void)
{
	struct tok_error err = { 0 };

	check_int(issuer_local_create(test_ca(), OFFICE, &err), TOK_ERR_IO);
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
chain_verifies(STACK_OF(X509) *bundle, const char *anchors)
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
	check(X509_cmp_time(X509_get0_notBefore(cert), &(time_t){ now + 5 }) < 0);
	check(X509_cmp_time(X509_get0_notBefore(cert), &(time_t){ now - 60 }) > 0);
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
	struct tok_error err = { 0 };
	struct applicant a;
	struct issuer_request request = { .reference = "TTE/2026/0001" };
	struct issuer *ca = issuer_local_open(test_ca(), &err);
	STACK_OF(X509) *bundle = NULL;
	unsigned char *data = NULL;
	size_t length = 0;
	X509_REQ *csr;
	char anchors[4096];

	applicant_init(&a, "Siti Rahayu", "siti.rahayu@contoh.go.id");
	request.key_id_hex = a.key_id;
	request.csr_pem = a.csr_pem;
	check(ca != NULL);
	check_str(issuer_name(ca), "local-test-ca");
	check_int(issuer_submit(ca, &request, &err), 0);
	check_int(issuer_fetch(ca, &request, &data, &length, &err), 0);
	if (data == NULL)
		goto out;
	bundle = parse_bundle(data, length);
	check_int(sk_X509_num(bundle), 2);
	csr = parse_csr(a.csr_pem);
	if (sk_X509_num(bundle) == 2)
		check_user_profile(sk_X509_value(bundle, 0), sk_X509_value(bundle, 1), csr);
	X509_REQ_free(csr);
	snprintf(anchors, sizeof(anchors), "%s/trust-anchors.pem", test_ca());
	check(chain_verifies(bundle, anchors));
out:
	sk_X509_pop_free(bundle, X509_free);
	free(data);
	issuer_free(ca);
	applicant_free(&a);
}

static char *
issue_serial(struct issuer *ca, struct applicant *a)
{
	struct tok_error err = { 0 };
	struct issuer_request request = { "TTE/2026/0002", a->key_id, a->csr_pem, NULL, NULL };
	STACK_OF(X509) *bundle;
	unsigned char *data = NULL;
	size_t length = 0;
	char *hex = NULL;

	if (issuer_submit(ca, &request, &err) != 0 ||
	    issuer_fetch(ca, &request, &data, &length, &err) != 0)
		return strdup("");
	bundle = parse_bundle(data, length);
	if (sk_X509_num(bundle) > 0) {
		BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(sk_X509_value(bundle, 0)),
						NULL);
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
	struct tok_error err = { 0 };
	struct issuer *ca = issuer_local_open(test_ca(), &err);
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
	issuer_free(ca);
}

static void
local_ca_refuses_a_csr_for_another_key(void)
{
	struct tok_error err = { 0 };
	struct issuer *ca = issuer_local_open(test_ca(), &err);
	struct applicant a, b;
	struct issuer_request request = { "TTE/2026/0003", NULL, NULL, NULL, NULL };
	unsigned char *data = NULL;
	size_t length = 0;

	applicant_init(&a, "Agus Salim", "agus@contoh.go.id");
	applicant_init(&b, "Rina Wati", "rina@contoh.go.id");
	request.key_id_hex = b.key_id;
	request.csr_pem = a.csr_pem;
	check_int(issuer_submit(ca, &request, &err), TOK_ERR_INVALID_ARGUMENT);
	check_int(issuer_fetch(ca, &request, &data, &length, &err), TOK_ERR_ISSUER);
	check(data == NULL);
	applicant_free(&a);
	applicant_free(&b);
	issuer_free(ca);
}

static void
local_ca_fetch_before_submit_has_nothing(void)
{
	struct tok_error err = { 0 };
	struct issuer *ca = issuer_local_open(test_ca(), &err);
	struct issuer_request request = { "TTE/2026/0004", "00112233445566778899aabbccddeeff00112233",
					  NULL, NULL, NULL };
	unsigned char *data = NULL;
	size_t length = 0;

	check_int(issuer_fetch(ca, &request, &data, &length, &err), TOK_ERR_ISSUER);
	check(data == NULL);
	request.key_id_hex = "../../etc/passwd";
	check_int(issuer_fetch(ca, &request, &data, &length, &err), TOK_ERR_INVALID_ARGUMENT);
	issuer_free(ca);
}

static char *
make_dir(const char *name)
{
	char *dir = fixture_path(name);

	if (mkdir(dir, 0700) != 0)
		abort();
	return dir;
}

static char *
read_text(const char *dir, const char *name)
{
	char path[4096], *text = NULL;
	size_t size = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	if (getdelim(&text, &size, '\0', f) < 0) {
		free(text);
		text = NULL;
	}
	fclose(f);
	return text;
}

static int
count_entries(const char *dir)
{
	char command[4200];

	snprintf(command, sizeof(command), "exit $(ls -A '%s' | wc -l)", dir);
	return fixture_run(command);
}

static void
check_text(const char *dir, const char *name, const char *expected)
{
	char *text = read_text(dir, name);

	check_str(text, expected);
	free(text);
}

static void
file_connector_writes_the_request_to_the_outbox(void)
{
	char *outbox = make_dir("outbox-1"), *inbox = make_dir("inbox-1");
	struct tok_error err = { 0 };
	struct issuer *bsre = issuer_file_open(outbox, inbox, &err);
	struct applicant a, b;
	struct issuer_request request = { "TTE/2026/0010", NULL, NULL,
					  "{\"nik\":\"3271000000000001\"}",
					  "Nama: Siti Rahayu\n" };

	applicant_init(&a, "Siti Rahayu", "siti.rahayu@contoh.go.id");
	applicant_init(&b, "Budi Santoso", "budi@contoh.go.id");
	request.key_id_hex = a.key_id;
	request.csr_pem = a.csr_pem;
	check_str(issuer_name(bsre), "bsre-file");
	check_int(issuer_submit(bsre, &request, &err), 0);
	check_text(outbox, "TTE-2026-0010.csr.pem", a.csr_pem);
	check_text(outbox, "TTE-2026-0010.json", request.applicant_json);
	check_text(outbox, "TTE-2026-0010.txt", request.applicant_sheet);
	check_int(file_mode(outbox, "TTE-2026-0010.json"), 0600);
	check_int(file_mode(outbox, "TTE-2026-0010.txt"), 0600);
	check_int(count_entries(outbox), 3);
	request.reference = "TTE/2026/0011";
	request.key_id_hex = b.key_id;	/* a's CSR under b's key id: refused */
	check_int(issuer_submit(bsre, &request, &err), TOK_ERR_INVALID_ARGUMENT);
	check_int(count_entries(outbox), 3);
	issuer_free(bsre);
	applicant_free(&a);
	applicant_free(&b);
	free(outbox);
	free(inbox);
}

static void
file_connector_refuses_references_that_leave_the_outbox(void)
{
	static const char *const unsafe[] = { "../escape", ".hidden", "/etc/x", "a b", "x\ny",
					      "", "TTE/../../x;rm" };
	char *outbox = make_dir("outbox-2"), *inbox = make_dir("inbox-2");
	struct tok_error err = { 0 };
	struct issuer *bsre = issuer_file_open(outbox, inbox, &err);
	struct applicant a;
	struct issuer_request request = { NULL, NULL, NULL, "{}", "-" };

	applicant_init(&a, "Siti Rahayu", "siti.rahayu@contoh.go.id");
	request.key_id_hex = a.key_id;
	request.csr_pem = a.csr_pem;
	for (size_t i = 0; i < sizeof(unsafe) / sizeof(unsafe[0]); i++) {
		request.reference = unsafe[i];
		check_int(issuer_submit(bsre, &request, &err), TOK_ERR_INVALID_ARGUMENT);
	}
	check_int(count_entries(outbox), 0);
	check_int(count_entries(fixture_tmpdir()) > 0, 1);
	check(read_text(fixture_tmpdir(), "escape.csr.pem") == NULL);
	issuer_free(bsre);
	applicant_free(&a);
	free(outbox);
	free(inbox);
}

/* Let the local CA issue for a, and write what it returns into inbox/name as PEM. */
static void
issue_into(struct applicant *a, const char *inbox, const char *name)
{
	struct tok_error err = { 0 };
	struct issuer *ca = issuer_local_open(test_ca(), &err);
	struct issuer_request request = { "TTE/2026/0020", a->key_id, a->csr_pem, NULL, NULL };
	unsigned char *data = NULL;
	size_t length = 0;
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", inbox, name);
	if (issuer_submit(ca, &request, &err) != 0 ||
	    issuer_fetch(ca, &request, &data, &length, &err) != 0 ||
	    (f = fopen(path, "w")) == NULL)
		abort();
	fwrite(data, 1, length, f);
	fclose(f);
	free(data);
	issuer_free(ca);
}

/* Convert inbox/from with the openssl command, as a portal's download would come. */
static void
convert(const char *inbox, const char *from, const char *to, const char *how)
{
	char command[8400];

	snprintf(command, sizeof(command), "cd '%s' && openssl %s -in '%s' -out '%s' && rm '%s'",
		 inbox, how, from, to, from);
	check_int(fixture_run(command), 0);
}

static void
check_fetch_returns(struct issuer *bsre, struct applicant *a, const char *inbox,
		    const char *name)
{
	struct tok_error err = { 0 };
	struct issuer_request request = { "TTE/2026/0021", a->key_id, a->csr_pem, NULL, NULL };
	unsigned char *data = NULL;
	size_t length = 0;
	char path[4096];
	FILE *f;
	unsigned char file[65536];
	size_t file_length = 0;

	check_int(issuer_fetch(bsre, &request, &data, &length, &err), 0);
	snprintf(path, sizeof(path), "%s/%s", inbox, name);
	if ((f = fopen(path, "rb")) != NULL) {
		file_length = fread(file, 1, sizeof(file), f);
		fclose(f);
	}
	check(data != NULL && length == file_length && memcmp(data, file, length) == 0);
	free(data);
}

static void
file_connector_finds_the_answer_by_key_in_any_format(void)
{
	char *outbox = make_dir("outbox-3"), *inbox = make_dir("inbox-3");
	struct tok_error err = { 0 };
	struct issuer *bsre = issuer_file_open(outbox, inbox, &err);
	struct applicant a, b, c;
	char *broken = fixture_path("inbox-3/broken.der");
	FILE *f;

	applicant_init(&a, "Siti Rahayu", "siti.rahayu@contoh.go.id");
	applicant_init(&b, "Budi Santoso", "budi@contoh.go.id");
	applicant_init(&c, "Dewi Lestari", "dewi@contoh.go.id");
	issue_into(&a, inbox, "a.pem");
	convert(inbox, "a.pem", "zz-sertifikat.p7b", "crl2pkcs7 -nocrl -certfile a.pem -outform DER");
	issue_into(&b, inbox, "b-bundle.crt");
	issue_into(&c, inbox, "c.pem");
	convert(inbox, "c.pem", "c.cer", "x509 -outform DER");
	if ((f = fopen(broken, "w")) != NULL) {
		fputs("not a certificate", f);
		fclose(f);
	}
	free(broken);
	check_fetch_returns(bsre, &a, inbox, "zz-sertifikat.p7b");
	check_fetch_returns(bsre, &b, inbox, "b-bundle.crt");
	check_fetch_returns(bsre, &c, inbox, "c.cer");
	issuer_free(bsre);
	applicant_free(&a);
	applicant_free(&b);
	applicant_free(&c);
	free(outbox);
	free(inbox);
}

static void
file_connector_has_nothing_while_the_inbox_lacks_the_key(void)
{
	char *outbox = make_dir("outbox-4"), *inbox = make_dir("inbox-4");
	struct tok_error err = { 0 };
	struct issuer *bsre = issuer_file_open(outbox, inbox, &err);
	struct applicant a, b;
	struct issuer_request request = { "TTE/2026/0030", NULL, NULL, NULL, NULL };
	unsigned char *data = NULL;
	size_t length = 0;

	applicant_init(&a, "Siti Rahayu", "siti.rahayu@contoh.go.id");
	applicant_init(&b, "Budi Santoso", "budi@contoh.go.id");
	request.key_id_hex = a.key_id;
	request.csr_pem = a.csr_pem;
	check_int(issuer_fetch(bsre, &request, &data, &length, &err), TOK_ERR_ISSUER);
	issue_into(&b, inbox, "b.pem");
	check_int(issuer_fetch(bsre, &request, &data, &length, &err), TOK_ERR_ISSUER);
	check(data == NULL);
	issuer_free(bsre);
	applicant_free(&a);
	applicant_free(&b);
	free(outbox);
	free(inbox);
}

int
main(void)
{
	TAP_TEST(local_ca_is_marked_not_bsre_with_private_keys);
	TAP_TEST(local_ca_refuses_to_overwrite_an_existing_ca);
	TAP_TEST(local_ca_issues_bsre_profile_field_by_field);
	TAP_TEST(local_ca_serials_are_random_per_certificate);
	TAP_TEST(local_ca_refuses_a_csr_for_another_key);
	TAP_TEST(local_ca_fetch_before_submit_has_nothing);
	TAP_TEST(file_connector_writes_the_request_to_the_outbox);
	TAP_TEST(file_connector_refuses_references_that_leave_the_outbox);
	TAP_TEST(file_connector_finds_the_answer_by_key_in_any_format);
	TAP_TEST(file_connector_has_nothing_while_the_inbox_lacks_the_key);
	return tap_done();
}
