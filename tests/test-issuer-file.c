/*
 * test-issuer-file.c: the BSrE file-exchange connector. Requests go to the outbox under
 * safe names; the answer is found in the inbox by its key, whatever its format or name.
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
#include "issuer.h"
#include "tap.h"

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
	TAP_TEST(file_connector_writes_the_request_to_the_outbox);
	TAP_TEST(file_connector_refuses_references_that_leave_the_outbox);
	TAP_TEST(file_connector_finds_the_answer_by_key_in_any_format);
	TAP_TEST(file_connector_has_nothing_while_the_inbox_lacks_the_key);
	return tap_done();
}
