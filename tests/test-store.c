/*
 * test-store.c: the records around the procedure: the database file itself (private,
 * opened only once created, refused when others could read or write it), backup, office
 * and settings, officials, applicants as BSrE will check them, numbering per year, scans
 * (a refused one changes nothing), and lists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "tap.h"
#include "wf-fixture.h"

static struct wf_store *store;

static void
database_is_created_private(void)
{
	struct stat st;

	check_int(stat(wft_db_path("store.db"), &st), 0);
	check_int(st.st_mode & 0777, 0600);
}

static void
database_writable_by_others_is_refused(void)
{
	char dir[4096];
	struct wf_error err;
	struct wf_store *s;

	s = wft_store("shared.db");
	wf_store_close(s);
	check_int(chmod(wft_db_path("shared.db"), 0666), 0);
	check(wf_store_open(wft_db_path("shared.db"), &err) == NULL);
	check_int(err.code, WF_ERR_UNSAFE);
	check_int(chmod(wft_db_path("shared.db"), 0600), 0);
	snprintf(dir, sizeof(dir), "%s/open-dir", fixture_tmpdir());
	check_int(mkdir(dir, 0700), 0);
	check_int(chmod(dir, 0777), 0);
	snprintf(dir, sizeof(dir), "%s/open-dir/new.db", fixture_tmpdir());
	check(wf_store_open(dir, &err) == NULL);
	check_int(err.code, WF_ERR_UNSAFE);
	check(access(dir, F_OK) != 0); /* nothing created there */
	snprintf(dir, sizeof(dir), "%s/link.db", fixture_tmpdir());
	check_int(symlink(wft_db_path("shared.db"), dir), 0);
	check(wf_store_open(dir, &err) == NULL);
	check_int(err.code, WF_ERR_UNSAFE);
}

/* Only wf_store_create makes a database: open refuses a missing, empty or foreign file. */
static void
database_is_opened_only_once_created(void)
{
	char path[4096];
	struct wf_error err;
	struct wf_store *s;
	struct stat st;
	FILE *f;

	snprintf(path, sizeof(path), "%s/typo.db", fixture_tmpdir());
	check(wf_store_open(path, &err) == NULL);
	check_int(err.code, WF_ERR_NO_DATABASE);
	check(strstr(err.message, path) != NULL);
	check(access(path, F_OK) != 0);
	snprintf(path, sizeof(path), "%s/no-such-dir/enroll.db", fixture_tmpdir());
	check(wf_store_open(path, &err) == NULL);
	check_int(err.code, WF_ERR_NO_DATABASE);
	snprintf(path, sizeof(path), "%s/empty.db", fixture_tmpdir());
	if (!check((f = fopen(path, "w")) != NULL))
		return;
	fclose(f);
	check_int(chmod(path, 0600), 0);
	check(wf_store_open(path, &err) == NULL);
	check_int(err.code, WF_ERR_NO_DATABASE);
	check_int(stat(path, &st), 0);
	check_int(st.st_size, 0);
	s = wf_store_create(path, &err);
	check(s != NULL);
	wf_store_close(s);
	s = wf_store_open(path, &err);
	check(s != NULL);
	wf_store_close(s);
}

/* It holds NIKs and addresses: readable by anyone but its owner is refused, with the fix. */
static void
database_readable_by_group_or_others_is_refused(void)
{
	static const mode_t modes[] = {0640, 0604, 0644, 0610, 0601};
	struct wf_error err;

	wf_store_close(wft_store("private.db"));
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		check_int(chmod(wft_db_path("private.db"), modes[i]), 0);
		check(wf_store_open(wft_db_path("private.db"), &err) == NULL);
		check_int(err.code, WF_ERR_UNSAFE);
		check(strstr(err.message, "chmod 600") != NULL);
		check(wf_store_create(wft_db_path("private.db"), &err) == NULL);
		check_int(err.code, WF_ERR_UNSAFE);
	}
	check_int(chmod(wft_db_path("private.db"), 0600), 0);
	wf_store_close(wft_store("private.db"));
}

static void
office_and_settings_round_trip(void)
{
	struct wf_office office = {"Dinas Komunikasi dan Informatika", "Singkawang"}, got;
	struct wf_error err;
	char *value = NULL;

	check_int(wf_office_get(store, &got, &err), WF_ERR_NOT_FOUND);
	check_int(wf_office_set(store, &office, WFT_KASI, &err), WF_OK);
	check_int(wf_office_get(store, &got, &err), WF_OK);
	check_str(got.name, office.name);
	check_str(got.city, "Singkawang");
	check_int(wf_setting_get(store, "default_key_type", &value, &err), WF_ERR_NOT_FOUND);
	check_int(wf_setting_set(store, "default_key_type", "rsa2048", &err), WF_OK);
	check_int(wf_setting_set(store, "default_key_type", "rsa3072", &err), WF_OK);
	check_int(wf_setting_get(store, "default_key_type", &value, &err), WF_OK);
	check_str(value, "rsa3072");
	free(value);
	check_int(wf_setting_set(store, "", "x", &err), WF_ERR_INVALID);
}

static void
officials_are_registered_once_per_login(void)
{
	struct wf_official o = {.role = WF_ROLE_KASI}, found;
	struct wf_error err;

	snprintf(o.name, sizeof(o.name), "Andi");
	snprintf(o.nip, sizeof(o.nip), "199001152015031001");
	snprintf(o.login, sizeof(o.login), WFT_KASI);
	check_int(wf_official_add(store, &o, WFT_KASI, NULL, &err), WF_ERR_EXISTS);
	snprintf(o.login, sizeof(o.login), "andi");
	o.role = WF_ROLE_APPLICANT;
	check_int(wf_official_add(store, &o, WFT_KASI, NULL, &err), WF_ERR_INVALID);
	check_str(err.field, "role");
	o.role = WF_ROLE_KASI;
	snprintf(o.nip, sizeof(o.nip), "12345");
	check_int(wf_official_add(store, &o, WFT_KASI, NULL, &err), WF_ERR_INVALID);
	check_str(err.field, "nip");
	check_int(wf_official_find_by_login(store, WFT_KABID, &found, &err), WF_OK);
	check_int(found.role, WF_ROLE_KABID);
	check_str(found.name, "Sri Wahyuni");
	check_int(wf_official_find_by_login(store, "andi", &found, &err), WF_ERR_NOT_FOUND);
}

static void
applicant_fields_are_checked_and_named(void)
{
	struct wf_applicant a;
	struct wf_actor kasi = wft_actor(WFT_KASI);
	char number[WF_NUMBER_MAX];
	struct wf_error err;

	wft_applicant(&a, 50);
	snprintf(a.nik, sizeof(a.nik), "6172013201900001"); /* day 32 */
	check_int(wf_application_create(store, &a, WF_REQUEST_NEW, &kasi, NULL, number, &err),
		  WF_ERR_INVALID);
	check_str(err.field, "nik");
	wft_applicant(&a, 50);
	a.employment = WF_EMPLOYMENT_OTHER; /* has a NIP but is not a civil servant */
	check_int(wf_application_create(store, &a, WF_REQUEST_NEW, &kasi, NULL, number, &err),
		  WF_ERR_INVALID);
	check_str(err.field, "nip");
	a.nip[0] = '\0';
	snprintf(a.full_name, sizeof(a.full_name), "Sukarno"); /* one name is a whole name */
	check_int(wf_application_create(store, &a, WF_REQUEST_NEW, &kasi, NULL, number, &err),
		  WF_OK);
	wft_applicant(&a, 50);
	a.nip[0] = '\0'; /* PNS without NIP */
	check_int(wf_application_create(store, &a, WF_REQUEST_NEW, &kasi, NULL, number, &err),
		  WF_ERR_INVALID);
	check_str(err.field, "nip");
	wft_applicant(&a, 50);
	snprintf(a.phone, sizeof(a.phone), "12345");
	check_int(wf_application_create(store, &a, WF_REQUEST_NEW, &kasi, NULL, number, &err),
		  WF_ERR_INVALID);
	check_str(err.field, "phone");
	wft_applicant(&a, 50);
	a.work_unit[0] = '\0';
	check_int(wf_application_create(store, &a, WF_REQUEST_NEW, &kasi, NULL, number, &err),
		  WF_ERR_INVALID);
	check_str(err.field, "work_unit");
	/* the office's own mail domain, once configured */
	check_int(wf_setting_set(store, "email_domain", "singkawangkota.go.id", &err), WF_OK);
	wft_applicant(&a, 50);
	snprintf(a.email, sizeof(a.email), "siti@gmail.com");
	check_int(wf_application_create(store, &a, WF_REQUEST_NEW, &kasi, NULL, number, &err),
		  WF_ERR_INVALID);
	check_str(err.field, "email");
	check_int(wf_setting_set(store, "email_domain", "", &err), WF_OK);
	/* UTF-8 names are kept byte for byte */
	wft_applicant(&a, 50);
	snprintf(a.full_name, sizeof(a.full_name), "Ni Luh Putu Ayu Kusumawardhani \xc3\xa9");
	check_int(wf_application_create(store, &a, WF_REQUEST_RENEWAL, &kasi, NULL, number, &err),
		  WF_OK);
	struct wf_application *app = NULL;
	check_int(wf_application_get(store, number, &app, &err), WF_OK);
	if (app) {
		check_str(app->applicant.full_name, a.full_name);
		check_int(app->request_type, WF_REQUEST_RENEWAL);
		check_str(app->applicant.rank_grade, "Penata Muda / III-a");
	}
	wf_application_free(app);
}

static void
numbers_count_up_per_year(void)
{
	struct wf_store *s = wft_store("numbers.db");
	char first[WF_NUMBER_MAX], second[WF_NUMBER_MAX], next_year[WF_NUMBER_MAX];
	int64_t saved = wft_now;

	wft_officials(s);
	check_int(wft_create(s, first), WF_OK);
	check_int(wft_create(s, second), WF_OK);
	check_str(first, "TTE/2026/0001");
	check_str(second, "TTE/2026/0002");
	wft_now += 40 * 86400; /* into January */
	check_int(wft_create(s, next_year), WF_OK);
	check_str(next_year, "TTE/2027/0001");
	wft_now = saved;
	wf_store_close(s);
}

static void
scan_is_copied_privately_with_its_sha256(void)
{
	char number[WF_NUMBER_MAX], scan[4096];
	struct wf_actor kasi = wft_actor(WFT_KASI);
	struct wf_application *app = NULL;
	struct wf_error err;
	struct stat st;
	FILE *f;

	snprintf(scan, sizeof(scan), "%s/ktp.pdf", fixture_tmpdir());
	f = fopen(scan, "w");
	if (!check(f != NULL))
		return;
	fputs("%PDF-1.4\n%%EOF\n", f);
	fclose(f);
	check_int(wft_create(store, number), WF_OK);
	check_int(wf_document_set(store, number, WF_DOC_KTP, true, scan, &kasi, &err), WF_OK);
	check_int(wf_application_get(store, number, &app, &err), WF_OK);
	if (!app)
		return;
	struct wf_document *d = &app->documents[WF_DOC_KTP];
	check(d->received);
	check_str(d->scan_sha256,
		  "14bcd090baf31edba64e9cbd8cdfc15f943344aa72cb3675ad8e91bfcbce03ad");
	check(strstr(d->scan_path, ".files/") != NULL);
	/* named by its kind and its hash, so a new scan never lands on the recorded one */
	check(strstr(d->scan_path, "/ktp_copy-14bcd090baf31edb.pdf") != NULL);
	check_int(stat(d->scan_path, &st), 0);
	check_int(st.st_mode & 0777, 0600);
	check_int(st.st_size, 15);
	check_int(
	    wf_document_set(store, number, WF_DOC_SK, true, "/nonexistent/sk.pdf", &kasi, &err),
	    WF_ERR_IO);
	wf_application_free(app);
}

/* A refused scan (documents closed) changes neither the record nor the recorded file. */
static void
refused_scan_leaves_the_recorded_one_as_it_was(void)
{
	char number[WF_NUMBER_MAX], old[4096], scan[4096];
	struct wf_actor kasi = wft_actor(WFT_KASI);
	struct wf_application *app = NULL;
	struct wf_error err;
	struct stat st;
	FILE *f;

	snprintf(scan, sizeof(scan), "%s/ktp-first.pdf", fixture_tmpdir());
	if (!check((f = fopen(scan, "w")) != NULL))
		return;
	fputs("%PDF-1.4\n%%EOF\n", f);
	fclose(f);
	check_int(wft_create(store, number), WF_OK);
	check_int(wf_document_set(store, number, WF_DOC_KTP, true, scan, &kasi, &err), WF_OK);
	check_int(wft_drive_to(store, number, WF_STATE_SENT, &err), WF_OK);
	check_int(wf_application_get(store, number, &app, &err), WF_OK);
	if (!app)
		return;
	snprintf(old, sizeof(old), "%s", app->documents[WF_DOC_KTP].scan_path);
	wf_application_free(app);
	snprintf(scan, sizeof(scan), "%s/ktp-second.pdf", fixture_tmpdir());
	if (!check((f = fopen(scan, "w")) != NULL))
		return;
	fputs("%PDF-1.4\na different scan\n%%EOF\n", f);
	fclose(f);
	check_int(wf_document_set(store, number, WF_DOC_KTP, true, scan, &kasi, &err),
		  WF_ERR_STATE);
	check_int(wf_application_get(store, number, &app, &err), WF_OK);
	if (!app)
		return;
	check_str(app->documents[WF_DOC_KTP].scan_path, old);
	check_str(app->documents[WF_DOC_KTP].scan_sha256,
		  "14bcd090baf31edba64e9cbd8cdfc15f943344aa72cb3675ad8e91bfcbce03ad");
	check_int(stat(old, &st), 0);
	check_int(st.st_size, 15);
	wf_application_free(app);
}

static void
lists_filter_by_state_newest_first(void)
{
	struct wf_store *s = wft_store("list.db");
	struct wf_summary *list = NULL;
	struct wf_error err;
	char a[WF_NUMBER_MAX], b[WF_NUMBER_MAX], c[WF_NUMBER_MAX];
	size_t count = 0;

	wft_officials(s);
	check_int(wft_create(s, a), WF_OK);
	check_int(wft_create(s, b), WF_OK);
	check_int(wft_create(s, c), WF_OK);
	check_int(wft_drive_to(s, b, WF_STATE_SENT, &err), WF_OK);
	wft_now += 60;
	check_int(wft_drive_to(s, c, WF_STATE_SENT, &err), WF_OK);
	check_int(wf_list(s, WF_STATE_SENT, 0, 0, &list, &count, &err), WF_OK);
	check_int(count, 2);
	if (count == 2) {
		check_str(list[0].number, c);
		check_str(list[1].number, b);
		check_int(list[0].step, 5);
	}
	free(list);
	check_int(wf_list(s, -1, 2, 0, &list, &count, &err), WF_OK);
	check_int(count, 2);
	free(list);
	check_int(wf_list(s, -1, 0, 2, &list, &count, &err), WF_OK);
	check_int(count, 1);
	if (count == 1)
		check_str(list[0].number, a);
	free(list);
	check_int(wf_list(s, 99, 0, 0, &list, &count, &err), WF_ERR_INVALID);
	wf_store_close(s);
}

static void
backup_holds_everything_and_verifies(void)
{
	struct wf_error err;
	struct wf_store *copy;
	struct stat st;
	struct wf_summary *original = NULL, *copied = NULL;
	size_t n1 = 0, n2 = 0;

	check_int(wf_backup(store, wft_db_path("backup.db"), &err), WF_OK);
	check_int(stat(wft_db_path("backup.db"), &st), 0);
	check_int(st.st_mode & 0777, 0600);
	check_int(wf_backup(store, wft_db_path("backup.db"), &err), WF_ERR_EXISTS);
	copy = wf_store_open(wft_db_path("backup.db"), &err);
	if (!check(copy != NULL))
		return;
	check_int(wf_list(store, -1, 0, 0, &original, &n1, &err), WF_OK);
	check_int(wf_list(copy, -1, 0, 0, &copied, &n2, &err), WF_OK);
	check_int(n1, n2);
	check(n1 > 0);
	for (size_t i = 0; i < n1 && i < n2; i++)
		check_str(original[i].number, copied[i].number);
	check_int(wf_audit_verify(copy, NULL, NULL, &err), WF_OK);
	free(original);
	free(copied);
	wf_store_close(copy);
}

int
main(void)
{
	store = wft_store("store.db");
	wft_officials(store);
	TAP_TEST(database_is_created_private);
	TAP_TEST(database_writable_by_others_is_refused);
	TAP_TEST(database_is_opened_only_once_created);
	TAP_TEST(database_readable_by_group_or_others_is_refused);
	TAP_TEST(office_and_settings_round_trip);
	TAP_TEST(officials_are_registered_once_per_login);
	TAP_TEST(applicant_fields_are_checked_and_named);
	TAP_TEST(numbers_count_up_per_year);
	TAP_TEST(scan_is_copied_privately_with_its_sha256);
	TAP_TEST(refused_scan_leaves_the_recorded_one_as_it_was);
	TAP_TEST(lists_filter_by_state_newest_first);
	TAP_TEST(backup_holds_everything_and_verifies);
	wf_store_close(store);
	return tap_done();
}
