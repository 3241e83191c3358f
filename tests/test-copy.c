/*
 * test-copy.c: a store copied whole into an empty one (enroll migrate): every application
 * in the state it had, with its history, scans and the audit chain's head, numbering that
 * continues; a target holding records refused untouched; a scan that is not the one its
 * record hashed stops the copy and leaves the target empty. On the backend the tests run
 * on (sqlite, or PostgreSQL under ENROLL_TEST_PG), source and target alike.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "fixture.h"
#include "tap.h"
#include "wf-fixture.h"

#define APPLICATIONS 4
static const enum wf_state states[APPLICATIONS] = {WF_STATE_ACTIVE, WF_STATE_REJECTED,
						   WF_STATE_SENT, WF_STATE_SUBMITTED};

static struct wf_store *source;
static char numbers[APPLICATIONS][WF_NUMBER_MAX];
static char scan[4096], from_scan_sha256[65];

static int64_t
test_clock(void *arg)
{
	(void)arg;
	return wft_now;
}

/* A station with applications in several states, a refusal audited, a scan recorded. */
static void
make_source(void)
{
	struct wf_actor kasi = wft_actor(WFT_KASI), kabid = wft_actor(WFT_KABID);
	struct wf_error err;
	FILE *f;

	source = wft_store("source");
	wft_officials(source);
	for (int i = 0; i < APPLICATIONS; i++)
		if (wft_create(source, numbers[i]) != WF_OK ||
		    wft_drive_to(source, numbers[i], states[i], &err) != WF_OK)
			tap_diag("source %d: %s", i, err.message);
	/* The Kabid cannot do step 2: refused, and the refusal is in the chain. */
	if (wf_act(source, numbers[3], WF_ACTION_DISPOSE, &kabid, "x", &err) != WF_ERR_ROLE)
		tap_diag("the Kabid's step 2 was not refused");
	snprintf(scan, sizeof(scan), "%s/ktp.pdf", fixture_tmpdir());
	if ((f = fopen(scan, "w")) != NULL) {
		fputs("%PDF-1.4\nktp\n%%EOF\n", f);
		fclose(f);
	}
	if (wf_document_set(source, numbers[3], WF_DOC_KTP, true, scan, &kasi, &err) != WF_OK)
		tap_diag("scan: %s", err.message);
	struct wf_application *app = NULL;
	if (wf_application_get(source, numbers[3], &app, &err) == WF_OK)
		snprintf(from_scan_sha256, sizeof(from_scan_sha256), "%s",
			 app->documents[WF_DOC_KTP].scan_sha256);
	wf_application_free(app);
}

static int
copy_to(const char *name, struct wf_store **target, struct wf_copy_info *info, struct wf_error *err)
{
	*target = wft_store(name);
	return wf_store_copy(source, *target, info, err);
}

static void
every_application_keeps_its_state_history_and_scan(void)
{
	struct wf_application *from = NULL, *to = NULL;
	struct wf_copy_info info;
	struct wf_store *target;
	struct wf_error err;

	char *files = NULL;

	check_int(copy_to("copy", &target, &info, &err), WF_OK);
	files = wf_target_files(wft_db_path("copy"));
	for (int i = 0; i < APPLICATIONS; i++) {
		check_int(wft_state(target, numbers[i]), states[i]);
		check_int(wf_application_get(source, numbers[i], &from, &err), WF_OK);
		check_int(wf_application_get(target, numbers[i], &to, &err), WF_OK);
		if (from && to) {
			check_int(to->event_count, from->event_count);
			check_str(to->applicant.nik, from->applicant.nik);
		}
		wf_application_free(from);
		wf_application_free(to);
		from = to = NULL;
	}
	check_int(wf_application_get(target, numbers[3], &to, &err), WF_OK);
	if (to) {
		const struct wf_document *ktp = &to->documents[WF_DOC_KTP];
		char stored[80], out[4200];
		/* On a server in the store itself, by its hash; else in the target's directory. */
		snprintf(stored, sizeof(stored), "scans/%s", from_scan_sha256);
		if (wft_pg())
			check_str(ktp->scan_path, stored);
		else
			check(files && strncmp(ktp->scan_path, files, strlen(files)) == 0);
		check_str(ktp->scan_sha256, from_scan_sha256);
		snprintf(out, sizeof(out), "%s/ktp-copied", fixture_tmpdir());
		check_int(wf_document_scan_save(target, numbers[3], WF_DOC_KTP, out, &err), WF_OK);
		check_int(access(out, R_OK), 0);
		check_int(info.files, 1);
	}
	wf_application_free(to);
	free(files);
	wf_store_close(target);
}

static void
the_copy_verifies_with_the_source_head(void)
{
	char head[WF_AUDIT_HASH_HEX], copied[WF_AUDIT_HASH_HEX];
	int64_t rows = 0, copied_rows = -1;
	struct wf_store *target;
	struct wf_error err;

	target = wf_store_open(wft_db_path("copy"), &err);
	check(target != NULL);
	if (!target)
		return;
	check_int(wf_audit_verify(target, NULL, NULL, &err), WF_OK);
	check_int(wf_audit_check_records(target, NULL, NULL, &err), WF_OK);
	check_int(wf_audit_head(source, &rows, head, &err), WF_OK);
	check_int(wf_audit_head(target, &copied_rows, copied, &err), WF_OK);
	check_int(copied_rows, rows);
	check_str(copied, head);
	check(wft_audit_count(wft_db_path("copy"), "refusal", NULL, WFT_KABID) >= 1);
	wf_store_close(target);
}

static void
numbering_and_acts_continue_on_the_copy(void)
{
	char number[WF_NUMBER_MAX];
	struct wf_store *target;
	struct wf_error err;

	target = wf_store_open(wft_db_path("copy"), &err);
	check(target != NULL);
	if (!target)
		return;
	wf_store_set_clock(target, test_clock, NULL);
	check_int(wft_create(target, number), WF_OK);
	check_int(atoi(strrchr(number, '/') + 1), atoi(strrchr(numbers[3], '/') + 1) + 1);
	check_int(wft_drive_to(target, number, WF_STATE_REGISTERED, &err), WF_OK);
	check_int(wft_state(target, number), WF_STATE_REGISTERED);
	check_int(wf_audit_verify(target, NULL, NULL, &err), WF_OK);
	wf_store_close(target);
}

static void
a_target_with_records_is_refused_and_unchanged(void)
{
	char before[WF_AUDIT_HASH_HEX], after[WF_AUDIT_HASH_HEX];
	int64_t rows_before = 0, rows_after = 0;
	struct wf_store *target = wft_store("taken");
	struct wf_error err;

	wft_officials(target);
	check_int(wf_audit_head(target, &rows_before, before, &err), WF_OK);
	check_int(wf_store_copy(source, target, NULL, &err), WF_ERR_EXISTS);
	check_int(wf_audit_head(target, &rows_after, after, &err), WF_OK);
	check_int(rows_after, rows_before);
	check_str(after, before);
	check_int(wft_state(target, numbers[0]), -1);
	wf_store_close(target);
}

static void
a_scan_not_its_record_stops_the_copy_and_leaves_the_target_empty(void)
{
	struct wf_application *app = NULL;
	struct wf_office office;
	struct wf_copy_info info;
	struct wf_store *target;
	struct wf_error err;
	char copied[4200];
	FILE *f;
	int64_t rows = -1;
	char head[WF_AUDIT_HASH_HEX];

	check_int(wf_application_get(source, numbers[3], &app, &err), WF_OK);
	if (!app)
		return;
	/* The station's copy of the KTP scan (the store's, on a server) changed behind its
	 * record's back. */
	if (wft_pg())
		check_int(wf_exec(source,
				  "UPDATE scans SET content = content || 'x'::bytea,"
				  " size = size + 1",
				  "tamper", &err),
			  WF_OK);
	else if ((f = fopen(app->documents[WF_DOC_KTP].scan_path, "a")) != NULL) {
		fputs("changed\n", f);
		fclose(f);
	}
	check_int(copy_to("damaged", &target, &info, &err), WF_ERR_AUDIT);
	check(strstr(err.message, "SHA-256") != NULL);
	check_int(wf_office_get(target, &office, &err), WF_ERR_NOT_FOUND);
	check_int(wft_state(target, numbers[0]), -1);
	check_int(wf_audit_head(target, &rows, head, &err), WF_OK);
	check_int(rows, 0);
	/* Nor is the scan left in the target's data directory. */
	const char *name = strrchr(app->documents[WF_DOC_KTP].scan_path, '/');
	char *files = wf_target_files(wft_db_path("damaged"));
	snprintf(copied, sizeof(copied), "%s/%s%s", files, numbers[3], name);
	for (char *p = copied + strlen(files) + 1; *p && p < strrchr(copied, '/'); p++)
		if (*p == '/')
			*p = '-';
	check(access(copied, F_OK) != 0);
	free(files);
	wf_application_free(app);
	wf_store_close(target);
}

int
main(void)
{
	make_source();
	TAP_TEST(every_application_keeps_its_state_history_and_scan);
	TAP_TEST(the_copy_verifies_with_the_source_head);
	TAP_TEST(numbering_and_acts_continue_on_the_copy);
	TAP_TEST(a_target_with_records_is_refused_and_unchanged);
	TAP_TEST(a_scan_not_its_record_stops_the_copy_and_leaves_the_target_empty);
	wf_store_close(source);
	return tap_done();
}
