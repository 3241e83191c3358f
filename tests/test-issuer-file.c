/*
 * test-issuer-file.c: the BSrE file-exchange connector. Requests go to the outbox under
 * safe names; the answer is found in the inbox by its key, whatever its format or name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "fixture.h"
#include "issuer-fixture.h"
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

/* The file connector through the table, with a trust anchors file that is never read. */
static struct issuer *
open_bsre(const char *outbox, const char *inbox)
{
	const char *settings[] = {"outbox",	   outbox,	"inbox", inbox,
				  "trust-anchors", "/bsre.pem", NULL};
	struct issuer *bsre = NULL;
	struct iss_error err = {0};

	if (iss_open("file", pairs_lookup, settings, &bsre, &err) != ISS_OK)
		fprintf(stderr, "iss_open file: %s\n", err.message);
	return bsre;
}

static void
file_connector_writes_the_request_to_the_outbox(void)
{
	char *outbox = make_dir("outbox-1"), *inbox = make_dir("inbox-1");
	struct iss_error err = {0};
	struct issuer *bsre = open_bsre(outbox, inbox);
	struct applicant a, b;
	struct iss_request request = {"TTE/2026/0010", NULL, NULL, "{\"nik\":\"3271000000000001\"}",
				      "Nama: Siti Rahayu\n"};

	applicant_init(&a, "Siti Rahayu", "siti.rahayu@contoh.go.id");
	applicant_init(&b, "Budi Santoso", "budi@contoh.go.id");
	request.key_id_hex = a.key_id;
	request.csr_pem = a.csr_pem;
	check_str(iss_name(bsre), "file");
	check_int(iss_submit(bsre, &request, &err), ISS_OK);
	check_text(outbox, "TTE-2026-0010.csr.pem", a.csr_pem);
	check_text(outbox, "TTE-2026-0010.json", request.applicant_json);
	check_text(outbox, "TTE-2026-0010.txt", request.applicant_sheet);
	check_int(file_mode(outbox, "TTE-2026-0010.json"), 0600);
	check_int(file_mode(outbox, "TTE-2026-0010.txt"), 0600);
	check_int(count_entries(outbox), 3);
	request.reference = "TTE/2026/0011";
	request.key_id_hex = b.key_id; /* a's CSR under b's key id: refused */
	check_int(iss_submit(bsre, &request, &err), ISS_ERR_INVALID_ARGUMENT);
	check_int(count_entries(outbox), 3);
	iss_free(bsre);
	applicant_free(&a);
	applicant_free(&b);
	free(outbox);
	free(inbox);
}

static void
file_connector_refuses_references_that_leave_the_outbox(void)
{
	static const char *const unsafe[] = {"../escape", ".hidden", "/etc/x",	      "a b",
					     "x\ny",	  "",	     "TTE/../../x;rm"};
	char *outbox = make_dir("outbox-2"), *inbox = make_dir("inbox-2");
	struct iss_error err = {0};
	struct issuer *bsre = open_bsre(outbox, inbox);
	struct applicant a;
	struct iss_request request = {NULL, NULL, NULL, "{}", "-"};

	applicant_init(&a, "Siti Rahayu", "siti.rahayu@contoh.go.id");
	request.key_id_hex = a.key_id;
	request.csr_pem = a.csr_pem;
	for (size_t i = 0; i < sizeof(unsafe) / sizeof(unsafe[0]); i++) {
		request.reference = unsafe[i];
		check_int(iss_submit(bsre, &request, &err), ISS_ERR_INVALID_ARGUMENT);
	}
	check_int(count_entries(outbox), 0);
	check_int(count_entries(fixture_tmpdir()) > 0, 1);
	check(read_text(fixture_tmpdir(), "escape.csr.pem") == NULL);
	iss_free(bsre);
	applicant_free(&a);
	free(outbox);
	free(inbox);
}

/* Let the local CA issue for a, and write what it returns into inbox/name as PEM. */
static void
issue_into(struct applicant *a, const char *inbox, const char *name)
{
	struct iss_error err = {0};
	struct issuer *ca = open_test_ca();
	struct iss_request request = {"TTE/2026/0020", a->key_id, a->csr_pem, NULL, NULL};
	unsigned char *data = NULL;
	size_t length = 0;
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", inbox, name);
	if (iss_submit(ca, &request, &err) != ISS_OK ||
	    iss_fetch(ca, &request, &data, &length, &err) != ISS_OK ||
	    (f = fopen(path, "w")) == NULL)
		abort();
	fwrite(data, 1, length, f);
	fclose(f);
	free(data);
	iss_free(ca);
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
check_fetch_returns(struct issuer *bsre, struct applicant *a, const char *inbox, const char *name)
{
	struct iss_error err = {0};
	struct iss_request request = {"TTE/2026/0021", a->key_id, a->csr_pem, NULL, NULL};
	unsigned char *data = NULL;
	size_t length = 0;
	char path[4096];
	FILE *f;
	unsigned char file[65536];
	size_t file_length = 0;

	check_int(iss_fetch(bsre, &request, &data, &length, &err), ISS_OK);
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
	struct issuer *bsre = open_bsre(outbox, inbox);
	struct applicant a, b, c;
	char *broken = fixture_path("inbox-3/broken.der");
	FILE *f;

	applicant_init(&a, "Siti Rahayu", "siti.rahayu@contoh.go.id");
	applicant_init(&b, "Budi Santoso", "budi@contoh.go.id");
	applicant_init(&c, "Dewi Lestari", "dewi@contoh.go.id");
	issue_into(&a, inbox, "a.pem");
	convert(inbox, "a.pem", "zz-sertifikat.p7b",
		"crl2pkcs7 -nocrl -certfile a.pem -outform DER");
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
	iss_free(bsre);
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
	struct iss_error err = {0};
	struct issuer *bsre = open_bsre(outbox, inbox);
	struct applicant a, b;
	struct iss_request request = {"TTE/2026/0030", NULL, NULL, NULL, NULL};
	unsigned char *data = NULL;
	size_t length = 0;

	applicant_init(&a, "Siti Rahayu", "siti.rahayu@contoh.go.id");
	applicant_init(&b, "Budi Santoso", "budi@contoh.go.id");
	request.key_id_hex = a.key_id;
	request.csr_pem = a.csr_pem;
	check_int(iss_fetch(bsre, &request, &data, &length, &err), ISS_ERR_NOT_ISSUED);
	issue_into(&b, inbox, "b.pem");
	check_int(iss_fetch(bsre, &request, &data, &length, &err), ISS_ERR_NOT_ISSUED);
	check(data == NULL);
	iss_free(bsre);
	applicant_free(&a);
	applicant_free(&b);
	free(outbox);
	free(inbox);
}

/*
 * What is not a regular file of a certificate's size is passed over, without waiting: a
 * FIFO named *.pem (which blocked import for ever), a directory, a 2 GiB sparse file, a
 * link to a file outside the inbox. The answer beside them is found; alarm() fails a hang.
 */
static void
file_connector_passes_over_what_is_not_a_certificate_file(void)
{
	char *outbox = make_dir("outbox-5"), *inbox = make_dir("inbox-5");
	char *outside = make_dir("outside-5"), path[4096], target[4096];
	struct issuer *bsre = open_bsre(outbox, inbox);
	struct applicant a;
	FILE *f;

	applicant_init(&a, "Siti Rahayu", "siti.rahayu@contoh.go.id");
	snprintf(path, sizeof(path), "%s/a-fifo.pem", inbox);
	check_int(mkfifo(path, 0600), 0);
	snprintf(path, sizeof(path), "%s/b-dir.pem", inbox);
	check_int(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/c-sparse.pem", inbox);
	if (check((f = fopen(path, "w")) != NULL)) {
		check_int(ftruncate(fileno(f), 2147483648LL), 0);
		fclose(f);
	}
	/* another certificate for the same key, outside: followed, it would be the answer */
	issue_into(&a, outside, "elsewhere.pem");
	snprintf(target, sizeof(target), "%s/elsewhere.pem", outside);
	snprintf(path, sizeof(path), "%s/d-link.pem", inbox);
	check_int(symlink(target, path), 0);
	issue_into(&a, inbox, "e-answer.pem");
	alarm(30);
	check_fetch_returns(bsre, &a, inbox, "e-answer.pem");
	alarm(0);
	iss_free(bsre);
	applicant_free(&a);
	free(outbox);
	free(inbox);
	free(outside);
}

static void
connector_table_lists_local_and_file_with_their_settings(void)
{
	size_t count = 0;
	const struct iss_connector *table = iss_connectors(&count);
	const struct iss_connector *file = iss_connector_find("file", NULL);
	size_t options = 0;

	check_int(count, 2);
	check_str(table[0].name, "local");
	check_str(table[0].options[0].name, "ca-dir");
	check(table[0].options[0].help != NULL && table[0].options[0].default_name != NULL);
	check(file == &table[1]);
	for (const struct iss_option *o = file->options; o->name != NULL; o++)
		options++;
	check_int(options, 3);
	check_str(file->options[2].name, "trust-anchors");
	check(file->options[2].default_name == NULL);
}

static void
unknown_connector_is_refused_naming_the_known_ones(void)
{
	const char *settings[] = {"outbox", "/o", "inbox", "/i", "trust-anchors", "/t", NULL};
	struct issuer *issuer = NULL;
	struct iss_error err = {0};

	check_int(iss_open("cmp", pairs_lookup, settings, &issuer, &err),
		  ISS_ERR_UNKNOWN_CONNECTOR);
	check(issuer == NULL);
	check(strstr(err.message, "cmp") != NULL);
	check(strstr(err.message, "local, file") != NULL);
	check(iss_connector_find("File", NULL) == NULL);
	check_int(iss_prepare("", pairs_lookup, settings, OFFICE, &err), ISS_ERR_UNKNOWN_CONNECTOR);
}

static void
connector_missing_a_setting_is_refused_naming_it(void)
{
	const char *settings[] = {"outbox", "/o", "inbox", "/i", NULL};
	struct issuer *issuer = NULL;
	struct iss_error err = {0};

	check_int(iss_open("file", pairs_lookup, settings, &issuer, &err), ISS_ERR_MISSING_SETTING);
	check(issuer == NULL);
	check(strstr(err.message, "trust-anchors") != NULL);
}

static void
file_connector_prepare_makes_the_exchange_directories(void)
{
	char *outbox = fixture_path("prepared/out"), *inbox = fixture_path("prepared/deep/in");
	const char *settings[] = {"outbox", outbox, "inbox", inbox, "trust-anchors", "/t", NULL};
	struct iss_error err = {0};
	struct stat st;

	check_int(iss_prepare("file", pairs_lookup, settings, NULL, &err), ISS_OK);
	check(stat(outbox, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 077) == 0);
	check(stat(inbox, &st) == 0 && S_ISDIR(st.st_mode));
	check_int(iss_prepare("file", pairs_lookup, settings, NULL, &err), ISS_OK);
	free(outbox);
	free(inbox);
}

/* What an application was sent through is kept as text and opened again from it. */
static void
connector_settings_as_text_open_the_same_connector(void)
{
	const char *settings[] = {"outbox",	   "/x/out",	  "inbox", "/x/in",
				  "trust-anchors", "/x/bsre.pem", NULL};
	const char *broken[] = {
	    "outbox", "/x/out\ninbox=/elsewhere", "inbox", "/x/in", "trust-anchors", "/t", NULL};
	struct issuer *issuer = NULL;
	struct iss_error err = {0};
	char *text = NULL;

	check_int(iss_config_text("file", pairs_lookup, settings, &text, &err), ISS_OK);
	check_str(text, "connector=file\noutbox=/x/out\ninbox=/x/in\ntrust-anchors=/x/bsre.pem\n");
	check_int(iss_open_config(text, &issuer, &err), ISS_OK);
	check_str(iss_name(issuer), "file");
	check_str(iss_trust_anchors(issuer), "/x/bsre.pem");
	iss_free(issuer);
	free(text);
	text = NULL;
	check_int(iss_config_text("file", pairs_lookup, broken, &text, &err),
		  ISS_ERR_INVALID_ARGUMENT);
	check(text == NULL);
	issuer = NULL;
	check_int(iss_open_config("outbox=/x\n", &issuer, &err), ISS_ERR_MALFORMED);
	check_int(iss_open_config("no settings", &issuer, &err), ISS_ERR_MALFORMED);
	check_int(iss_open_config("connector=smtp\n", &issuer, &err), ISS_ERR_UNKNOWN_CONNECTOR);
	check(issuer == NULL);
}

int
main(void)
{
	TAP_TEST(file_connector_writes_the_request_to_the_outbox);
	TAP_TEST(file_connector_refuses_references_that_leave_the_outbox);
	TAP_TEST(file_connector_finds_the_answer_by_key_in_any_format);
	TAP_TEST(file_connector_has_nothing_while_the_inbox_lacks_the_key);
	TAP_TEST(file_connector_passes_over_what_is_not_a_certificate_file);
	TAP_TEST(connector_table_lists_local_and_file_with_their_settings);
	TAP_TEST(unknown_connector_is_refused_naming_the_known_ones);
	TAP_TEST(connector_missing_a_setting_is_refused_naming_it);
	TAP_TEST(file_connector_prepare_makes_the_exchange_directories);
	TAP_TEST(connector_settings_as_text_open_the_same_connector);
	return tap_done();
}
