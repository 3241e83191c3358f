/*
 * test-papers-records.c: what the workflow keeps for the office's papers: a paper's number
 * is fixed at its first issue (a reprint is the same paper), numbers run on through the
 * year across kinds, only officials print, every printing is audited with its SHA-256, and
 * the certificate's fingerprint is checked and kept.
 */
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "wf-fixture.h"

#define SHA "5db3c4994d63d2848a845e593734de6bcff3abaddb30913e282d0edc51e8cd89"

static struct wf_store *store;
static char number[WF_NUMBER_MAX];

static void
a_paper_keeps_its_number_and_date_when_issued_again()
{
	struct wf_actor kasi = wft_actor(WFT_KASI);
	struct wf_paper first, again;
	struct wf_error err;

	check_int(wf_paper_issue(store, &kasi, "receipt", number, &first, &err), WF_OK);
	check_int(first.seq, 1);
	check_int(first.prints, 0);
	wft_now += 86400;
	check_int(wf_paper_printed(store, &kasi, "receipt", number, SHA, &err), WF_OK);
	check_int(wf_paper_issue(store, &kasi, "receipt", number, &again, &err), WF_OK);
	check_int(again.seq, first.seq);
	check_int(again.issued_at, first.issued_at);
	check_int(again.audit_rows, first.audit_rows);
	check_int(again.prints, 1);
}

static void
numbers_run_on_across_kinds_within_the_year()
{
	struct wf_actor kabid = wft_actor(WFT_KABID);
	struct wf_paper request, holders;
	struct wf_error err;

	check_int(wf_paper_issue(store, &kabid, "request", number, &request, &err), WF_OK);
	check_int(wf_paper_issue(store, &kabid, "holders", "0-0-0", &holders, &err), WF_OK);
	check_int(request.seq, 2);
	check_int(holders.seq, 3);
}

static void
only_an_official_prints_and_the_refusal_is_audited()
{
	struct wf_actor stranger = wft_actor("mallory");
	struct wf_paper paper;
	struct wf_error err;
	long before = wft_audit_count(wft_db_path("papers.db"), "refusal", "print", "mallory");

	check_int(wf_paper_issue(store, &stranger, "return", number, &paper, &err), WF_ERR_ROLE);
	check_int(wft_audit_count(wft_db_path("papers.db"), "refusal", "print", "mallory"),
		  before + 1);
	check_int(wf_paper_get(store, "return", number, &paper, &err), WF_ERR_NOT_FOUND);
}

static void
a_printing_is_audited_with_the_application_and_its_sha256()
{
	struct wf_actor kasi = wft_actor(WFT_KASI);
	struct wf_audit_row *rows = NULL;
	struct wf_error err;
	size_t count = 0, found = 0;

	check_int(wf_paper_printed(store, &kasi, "rejection", number, SHA, &err), WF_ERR_NOT_FOUND);
	check_int(wf_audit_list(store, 0, 0, number, &rows, &count, &err), WF_OK);
	for (size_t i = 0; i < count; i++)
		if (strcmp(rows[i].action, "print") == 0) {
			found++;
			check(strstr(rows[i].detail, SHA) != NULL);
			check(strstr(rows[i].detail, "receipt") != NULL);
		}
	check_int(found, 1);
	wf_audit_rows_free(rows, count);
	check_int(wf_audit_verify(store, NULL, NULL, &err), WF_OK);
}

static void
the_audit_head_up_to_a_row_is_that_rows_hash()
{
	struct wf_audit_row *rows = NULL;
	struct wf_error err;
	char hash[65];
	int64_t seq;
	size_t count = 0;

	check_int(wf_audit_list(store, 0, 3, NULL, &rows, &count, &err), WF_OK);
	check_int(count, 3);
	check_int(wf_audit_head_at(store, rows[2].seq, hash, &seq, &err), WF_OK);
	check_int(seq, rows[2].seq);
	check_str(hash, rows[2].hash);
	wf_audit_rows_free(rows, count);
}

static void
the_certificate_fingerprint_is_checked_and_kept()
{
	struct wf_actor kasi = wft_actor(WFT_KASI);
	struct wf_application *app = NULL;
	struct wf_error err;
	char other[WF_NUMBER_MAX];

	check_int(wft_create(store, other), WF_OK);
	check_int(wft_drive_to(store, other, WF_STATE_KEY_GENERATED, &err), WF_OK);
	check_int(
	    wf_certificate_record(store, other, &kasi, "0a", "CN=CA", "CN=X", 1, 2, "abc", &err),
	    WF_ERR_INVALID);
	check_str(err.field, "sha256");
	check_int(
	    wf_certificate_record(store, other, &kasi, "0a", "CN=CA", "CN=X", 1, 2, SHA, &err),
	    WF_OK);
	check_int(wf_application_get(store, other, &app, &err), WF_OK);
	if (app != NULL)
		check_str(app->certificate.sha256, SHA);
	wf_application_free(app);
}

int
main(void)
{
	struct wf_error err;

	store = wft_store("papers.db");
	wft_officials(store);
	if (wft_create(store, number) != WF_OK ||
	    wft_drive_to(store, number, WF_STATE_ACTIVE, &err) != WF_OK) {
		fprintf(stderr, "setup failed: %s\n", err.message);
		return 1;
	}
	TAP_TEST(a_paper_keeps_its_number_and_date_when_issued_again);
	TAP_TEST(numbers_run_on_across_kinds_within_the_year);
	TAP_TEST(only_an_official_prints_and_the_refusal_is_audited);
	TAP_TEST(a_printing_is_audited_with_the_application_and_its_sha256);
	TAP_TEST(the_audit_head_up_to_a_row_is_that_rows_hash);
	TAP_TEST(the_certificate_fingerprint_is_checked_and_kept);
	wf_store_close(store);
	return tap_done();
}
