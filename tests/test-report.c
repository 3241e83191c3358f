/*
 * test-report.c: the office's reports from a real database file filled through the
 * public API, on a clock the test moves: TTE holders by agency, work unit and period,
 * applications by state, step times against the standard, overdue applications.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tap.h"
#include "wf-fixture.h"
#include "workflow.h"

#define MINUTE 60

static void
must(int r, const struct wf_error *err, const char *what)
{
	if (r != WF_OK) {
		fprintf(stderr, "test-report: %s: %s (%s)\n", what, err->message,
			wf_status_name(r));
		abort();
	}
}

/* A fresh store with the fixture's officials, the clock at 1 October 2026 08:00. */
static struct wf_store *
office_store(const char *name)
{
	static int opened;
	char unique[256];
	struct wf_store *store;

	/* A file of its own for each store: a test never sees another's records. */
	snprintf(unique, sizeof(unique), "%d-%s", ++opened, name);
	wft_now = wft_local_time(2026, 10, 1, 8);
	store = wft_store(unique);
	wft_officials(store);
	return store;
}

/*
 * Record a request of person (a NIK of their own: the same person, the same NIK) from an
 * agency's work unit, its four documents received.
 */
static void
request(struct wf_store *store, int person, const char *agency, const char *work_unit,
	enum wf_request_type type, char number[WF_NUMBER_MAX])
{
	struct wf_actor kasi = {"kasi", NULL, NULL};
	struct wf_applicant a;
	struct wf_error err = {0};

	wft_applicant(&a, person);
	snprintf(a.nik, sizeof(a.nik), "617201150190%04u", (unsigned)person % 10000);
	snprintf(a.agency, sizeof(a.agency), "%s", agency);
	snprintf(a.work_unit, sizeof(a.work_unit), "%s", work_unit);
	must(wf_application_create(store, &a, type, &kasi, NULL, number, &err), &err, "create");
	for (int kind = 0; kind < WF_DOC_COUNT; kind++)
		must(wf_document_set(store, number, kind, true, NULL, &kasi, &err), &err,
		     "document");
}

/* A new request of a new person of the office's own agency. */
static void
submit(struct wf_store *store, const char *work_unit, char number[WF_NUMBER_MAX])
{
	static int serial;

	request(store, 1000 + ++serial, "Dinas Komunikasi dan Informatika", work_unit,
		WF_REQUEST_NEW, number);
}

/* One forward act, minutes after the previous one ended. */
static void
act(struct wf_store *store, const char *number, enum wf_action action, const char *login,
    int minutes)
{
	struct wf_actor actor = {login, NULL, NULL};
	struct wf_error err = {0};

	wft_now += (int64_t)minutes * MINUTE;
	switch (action) {
	case WF_ACTION_RECORD_KEY:
		must(wf_key_begin(store, number, &actor, "0123456789abcdef", "SoftHSM v2",
				  "rsa2048", "TTE", "5eed5eed", &err),
		     &err, "key begin");
		must(wf_key_set_id(store, number, "a1b2", &err), &err, "key id");
		must(wf_key_complete(store, number, &actor, "-----BEGIN CERTIFICATE REQUEST-----",
				     &err),
		     &err, "key complete");
		break;
	case WF_ACTION_IMPORT_CERTIFICATE:
		must(wf_certificate_record(store, number, &actor, "0a1b", "CN=Test CA (not BSrE)",
					   "CN=Pegawai", wft_now, wft_now + 2 * 365 * 86400, NULL,
					   &err),
		     &err, "certificate");
		break;
	default:
		must(wf_act(store, number, action, &actor, "noted", &err), &err,
		     wf_action_name(action));
	}
}

/* Walk an application from submitted through the first `until` forward acts. */
static void
advance(struct wf_store *store, const char *number, int until, int minutes)
{
	static const struct {
		enum wf_action action;
		const char *login;
	} path[] = {
	    {WF_ACTION_DISPOSE, "kadis"},   {WF_ACTION_DISPOSE, "kabid"},
	    {WF_ACTION_REGISTER, "kasi"},   {WF_ACTION_SEND, "kasi"},
	    {WF_ACTION_RECORD_KEY, "kasi"}, {WF_ACTION_IMPORT_CERTIFICATE, "kasi"},
	    {WF_ACTION_HANDOVER, "kasi"},
	};

	for (int i = 0; i < until && i < (int)(sizeof(path) / sizeof(path[0])); i++)
		act(store, number, path[i].action, path[i].login, minutes);
}
#define TO_ACTIVE 7

/* The row whose text column 0 and 1 match (or just 0 when second is NULL); -1 if none. */
static long
find_row(const struct wf_report *report, const char *first, const char *second)
{
	for (size_t r = 0; r < report->row_count; r++)
		if (strcmp(wf_report_cell(report, r, 0)->text, first) == 0 &&
		    (second == NULL || strcmp(wf_report_cell(report, r, 1)->text, second) == 0))
			return (long)r;
	return -1;
}

static int64_t
number_at(const struct wf_report *report, long row, const char *key)
{
	for (size_t c = 0; row >= 0 && c < report->column_count; c++)
		if (strcmp(report->columns[c].key, key) == 0)
			return wf_report_cell(report, (size_t)row, c)->number;
	return -1;
}

/* The holders row of (agency, work unit, period); -1 if none. */
static long
find_holders(const struct wf_report *report, const char *agency, const char *unit,
	     const char *period)
{
	for (size_t r = 0; r < report->row_count; r++)
		if (strcmp(wf_report_cell(report, r, WF_HOLDERS_AGENCY)->text, agency) == 0 &&
		    strcmp(wf_report_cell(report, r, WF_HOLDERS_WORK_UNIT)->text, unit) == 0 &&
		    strcmp(wf_report_cell(report, r, WF_HOLDERS_PERIOD)->text, period) == 0)
			return (long)r;
	return -1;
}

#define KES "Dinas Kesehatan"
#define DIK "Dinas Pendidikan"
#define SEK "Sekretariat"

/*
 * Two agencies, each with a unit named "Sekretariat": holders in October and November,
 * one application not handed over yet, one token revoked.
 */
static struct wf_store *
holders_office(void)
{
	struct wf_store *store = office_store("holders.db");
	char n[5][WF_NUMBER_MAX];
	struct wf_actor kasi = {"kasi", NULL, NULL};
	struct wf_error err = {0};

	request(store, 1, KES, SEK, WF_REQUEST_NEW, n[0]);
	advance(store, n[0], TO_ACTIVE, 10);
	wft_now = wft_local_time(2026, 11, 3, 8);
	request(store, 2, KES, SEK, WF_REQUEST_NEW, n[1]);
	request(store, 3, DIK, SEK, WF_REQUEST_NEW, n[2]);
	request(store, 4, KES, "Bidang P2P", WF_REQUEST_NEW, n[3]);
	request(store, 5, DIK, SEK, WF_REQUEST_NEW, n[4]);
	advance(store, n[1], TO_ACTIVE, 10);
	advance(store, n[2], TO_ACTIVE, 10);
	advance(store, n[3], 4, 10);
	advance(store, n[4], TO_ACTIVE, 10);
	must(wf_act(store, n[4], WF_ACTION_REVOKE, &kasi, "key compromised", &err), &err, "revoke");
	return store;
}

static void
tte_holders_are_counted_by_agency_work_unit_and_month(void)
{
	struct wf_store *store = holders_office();
	struct wf_report *report = NULL;
	struct wf_error err = {0};
	long dik;

	check_int(wf_report_holders(store, NULL, WF_PERIOD_MONTH, &report, &err), WF_OK);
	check_str(report->key, "holders");
	check_int(report->total, 3);
	/* Three groups, a subtotal for each of the two agencies, the total. */
	check_int(report->row_count, 6);
	check_int(number_at(report, find_holders(report, KES, SEK, "2026-10"), "holders"), 1);
	check_int(number_at(report, find_holders(report, KES, SEK, "2026-11"), "holders"), 1);
	/* The same unit name in another agency is a row of its own. */
	dik = find_holders(report, DIK, SEK, "2026-11");
	check_int(number_at(report, dik, "holders"), 1);
	check_int(number_at(report, dik, "new"), 2);
	check_int(number_at(report, dik, "revoked"), 1);
	check_int(find_holders(report, KES, SEK, "2026-10"), 0); /* by agency, unit, period */
	check_int(find_holders(report, KES, "", ""), 2);
	check_int(wf_report_row_kind(report, 2), WF_ROW_SUBTOTAL);
	check_int(number_at(report, 2, "holders"), 2);
	check_int(number_at(report, 2, "new"), 2);
	check_int(find_holders(report, DIK, "", ""), 4);
	check_int(number_at(report, 4, "holders"), 1);
	check_int(wf_report_row_kind(report, 5), WF_ROW_TOTAL);
	check_int(find_holders(report, "", "", ""), 5);
	check_int(number_at(report, 5, "holders"), 3);
	check_int(number_at(report, 5, "new"), 4);
	check_int(number_at(report, 5, "revoked"), 1);
	check_int(number_at(report, 5, "renewed"), 0);
	check_int(wf_report_row_kind(report, 0), WF_ROW_DATA);
	wf_report_free(report);
	wf_store_close(store);
}

static void
tte_holders_group_by_quarter_year_or_not_at_all(void)
{
	struct wf_store *store = holders_office();
	struct wf_report *report = NULL;
	struct wf_error err = {0};

	check_int(wf_report_holders(store, NULL, WF_PERIOD_QUARTER, &report, &err), WF_OK);
	check_int(report->row_count, 5);
	check_int(number_at(report, find_holders(report, KES, SEK, "2026-Q4"), "holders"), 2);
	check_int(number_at(report, find_holders(report, DIK, SEK, "2026-Q4"), "holders"), 1);
	wf_report_free(report);
	check_int(wf_report_holders(store, NULL, WF_PERIOD_YEAR, &report, &err), WF_OK);
	check_int(number_at(report, find_holders(report, KES, SEK, "2026"), "holders"), 2);
	wf_report_free(report);
	check_int(wf_report_holders(store, NULL, WF_PERIOD_ALL, &report, &err), WF_OK);
	check_int(number_at(report, find_holders(report, KES, SEK, ""), "holders"), 2);
	check_int(report->total, 3);
	wf_report_free(report);
	wf_store_close(store);
}

static void
tte_holders_in_a_period_count_only_handovers_within_it(void)
{
	struct wf_store *store = holders_office();
	struct wf_period november = {wft_local_time(2026, 11, 1, 0),
				     wft_local_time(2026, 12, 1, 0)};
	struct wf_period october = {wft_local_time(2026, 10, 1, 0), wft_local_time(2026, 11, 1, 0)};
	struct wf_report *report = NULL;
	struct wf_error err = {0};

	check_int(wf_report_holders(store, &november, WF_PERIOD_MONTH, &report, &err), WF_OK);
	check_int(report->total, 2);
	check(find_holders(report, KES, SEK, "2026-10") < 0);
	wf_report_free(report);
	check_int(wf_report_holders(store, &october, WF_PERIOD_MONTH, &report, &err), WF_OK);
	check_int(report->total, 1);
	check(find_holders(report, KES, SEK, "2026-10") >= 0);
	wf_report_free(report);
	wf_store_close(store);
}

/* The holders of the whole report (the total row's). */
static int64_t
holders_total(struct wf_store *store)
{
	struct wf_report *report = NULL;
	struct wf_error err = {0};
	int64_t total;

	must(wf_report_holders(store, NULL, WF_PERIOD_ALL, &report, &err), &err, "holders");
	total = number_at(report, find_holders(report, "", "", ""), "holders");
	wf_report_free(report);
	return total;
}

static void
a_renewal_keeps_its_person_one_holder_throughout(void)
{
	struct wf_store *store = office_store("renewal.db");
	struct wf_actor kasi = {"kasi", NULL, NULL};
	struct wf_report *report = NULL;
	struct wf_error err = {0};
	char old[WF_NUMBER_MAX], renewal[WF_NUMBER_MAX];
	long row;

	request(store, 7, KES, SEK, WF_REQUEST_NEW, old);
	advance(store, old, TO_ACTIVE, 10);
	wft_now = wft_local_time(2026, 11, 3, 8);
	request(store, 7, KES, SEK, WF_REQUEST_RENEWAL, renewal);
	advance(store, renewal, TO_ACTIVE - 1, 10); /* the new certificate on the token */
	check_int(holders_total(store), 1);
	must(wf_act(store, old, WF_ACTION_RENEW, &kasi, "renewed", &err), &err, "renew");
	check_int(holders_total(store), 1); /* the old pair went; not handed over yet */
	act(store, renewal, WF_ACTION_HANDOVER, "kasi", 10);
	check_int(holders_total(store), 1);

	check_int(wf_report_holders(store, NULL, WF_PERIOD_MONTH, &report, &err), WF_OK);
	row = find_holders(report, KES, SEK, "2026-10");
	check_int(number_at(report, row, "holders"), 0); /* counted with the newer token */
	check_int(number_at(report, row, "new"), 1);
	row = find_holders(report, KES, SEK, "2026-11");
	check_int(number_at(report, row, "holders"), 1);
	check_int(number_at(report, row, "renewed"), 1);
	check_int(number_at(report, row, "new"), 0);
	check_int(report->total, 1);
	wf_report_free(report);
	wf_store_close(store);
}

static void
applications_by_state_list_every_state_with_its_count(void)
{
	struct wf_store *store = holders_office();
	struct wf_period before = {0, wft_local_time(2026, 11, 1, 0)};
	struct wf_report *report = NULL;
	struct wf_error err = {0};

	check_int(wf_report_states(store, NULL, &report, &err), WF_OK);
	check_int(report->row_count, WF_STATE_COUNT);
	check_int(report->total, 5);
	check_int(number_at(report, find_row(report, "active", NULL), "applications"), 3);
	check_int(number_at(report, find_row(report, "sent", NULL), "applications"), 1);
	check_int(number_at(report, find_row(report, "revoked", NULL), "applications"), 1);
	check_int(number_at(report, find_row(report, "submitted", NULL), "applications"), 0);
	check_str(wf_report_cell(report, 0, 0)->text, wf_state_name(0));
	check_str(wf_report_cell(report, 0, 1)->text, wf_state_label(0, true));
	wf_report_free(report);
	/* Created before November: only the first application. */
	check_int(wf_report_states(store, &before, &report, &err), WF_OK);
	check_int(report->total, 1);
	check_int(number_at(report, find_row(report, "active", NULL), "applications"), 1);
	wf_report_free(report);
	wf_store_close(store);
}

static void
step_times_give_median_and_worst_against_the_standard(void)
{
	struct wf_store *store = office_store("steps.db");
	int64_t start = wft_now;
	struct wf_actor kabid = {"kabid", NULL, NULL};
	struct wf_period late = {start + 15 * MINUTE, 0};
	struct wf_report *report = NULL;
	struct wf_error err = {0};
	char n[3][WF_NUMBER_MAX];

	for (int i = 0; i < 3; i++)
		submit(store, "Dinas Kesehatan", n[i]);
	/* Step 2 took 5, 10 and 30 minutes against its 15. */
	act(store, n[0], WF_ACTION_DISPOSE, "kadis", 5);
	act(store, n[1], WF_ACTION_DISPOSE, "kadis", 5);
	act(store, n[2], WF_ACTION_DISPOSE, "kadis", 20);
	/* Step 3: one disposition after 20 minutes; a return is not a completed step. */
	wft_now = start + 50 * MINUTE;
	must(wf_act(store, n[2], WF_ACTION_RETURN, &kabid, "SK copy missing", &err), &err,
	     "return");
	act(store, n[0], WF_ACTION_DISPOSE, "kabid", 0);

	check_int(wf_report_step_times(store, NULL, &report, &err), WF_OK);
	check_int(report->row_count, 7);
	check_int(number_at(report, 1, "step"), 2);
	check_int(number_at(report, 1, "acts"), 3);
	check_int(number_at(report, 1, "median_minutes"), 10);
	check_int(number_at(report, 1, "worst_minutes"), 30);
	check_int(number_at(report, 1, "standard_minutes"), 15);
	check_int(number_at(report, 1, "over_standard"), 1);
	check_int(number_at(report, 2, "acts"), 1);
	check_int(number_at(report, 2, "median_minutes"), 45);
	check_int(number_at(report, 2, "over_standard"), 1);
	check_int(number_at(report, 0, "acts"), 3); /* the three submissions */
	check_int(number_at(report, 6, "acts"), 0);
	check_int(number_at(report, 6, "standard_minutes"), 10);
	check_str(wf_report_cell(report, 1, 2)->text, wf_step(2)->activity_en);
	check_int(report->total, 7);
	wf_report_free(report);
	/* Acts ending after the first quarter hour: the 30-minute disposition and step 3. */
	check_int(wf_report_step_times(store, &late, &report, &err), WF_OK);
	check_int(number_at(report, 1, "acts"), 1);
	check_int(number_at(report, 1, "median_minutes"), 30);
	check_int(number_at(report, 0, "acts"), 0);
	wf_report_free(report);
	wf_store_close(store);
}

static void
median_of_an_even_number_of_acts_is_the_lower_middle(void)
{
	struct wf_store *store = office_store("even.db");
	struct wf_report *report = NULL;
	struct wf_error err = {0};
	char n[4][WF_NUMBER_MAX];

	for (int i = 0; i < 4; i++)
		submit(store, "Inspektorat", n[i]);
	act(store, n[0], WF_ACTION_DISPOSE, "kadis", 2);  /* 2 */
	act(store, n[1], WF_ACTION_DISPOSE, "kadis", 2);  /* 4 */
	act(store, n[2], WF_ACTION_DISPOSE, "kadis", 4);  /* 8 */
	act(store, n[3], WF_ACTION_DISPOSE, "kadis", 92); /* 100 */
	check_int(wf_report_step_times(store, NULL, &report, &err), WF_OK);
	check_int(number_at(report, 1, "acts"), 4);
	check_int(number_at(report, 1, "median_minutes"), 4);
	check_int(number_at(report, 1, "worst_minutes"), 100);
	wf_report_free(report);
	wf_store_close(store);
}

static void
overdue_lists_applications_past_their_step_standard_longest_first(void)
{
	struct wf_store *store = office_store("overdue.db");
	int64_t start = wft_local_time(2026, 11, 24, 8);
	struct wf_report *report = NULL;
	struct wf_error err = {0};
	char waiting[WF_NUMBER_MAX], sent[WF_NUMBER_MAX], done[WF_NUMBER_MAX], fresh[WF_NUMBER_MAX];

	wft_now = start;
	submit(store, "Dinas Sosial", waiting);
	submit(store, "Dinas Sosial", sent);
	advance(store, sent, 4, 1); /* sent at 08:04; step 6's standard is 10 minutes */
	submit(store, "Dinas Sosial", done);
	advance(store, done, TO_ACTIVE, 1);
	wft_now = start + 11 * MINUTE;
	submit(store, "Dinas Sosial", fresh);
	wft_now = start + 21 * MINUTE;

	check_int(wf_report_overdue(store, 0, 0, &report, &err), WF_OK);
	check_int(report->total, 2);
	check_int(report->row_count, 2);
	check_str(wf_report_cell(report, 0, 0)->text, waiting);
	check_int(number_at(report, 0, "step"), 2);
	check_str(wf_report_cell(report, 0, 3)->text, "kepala_dinas");
	check_int(number_at(report, 0, "waiting_minutes"), 21);
	check_int(number_at(report, 0, "standard_minutes"), 15);
	check_str(wf_report_cell(report, 1, 0)->text, sent);
	check_str(wf_report_cell(report, 1, 1)->text, "sent");
	check_int(number_at(report, 1, "step"), 6);
	check_int(number_at(report, 1, "waiting_minutes"), 17);
	check_str(wf_report_cell(report, 1, 7)->text, "Dinas Sosial");
	wf_report_free(report);
	/* At most one row, but the count says how many there are. */
	check_int(wf_report_overdue(store, start + 21 * MINUTE, 1, &report, &err), WF_OK);
	check_int(report->row_count, 1);
	check_int(report->total, 2);
	wf_report_free(report);
	/* Eight minutes earlier nothing had waited past its standard yet. */
	check_int(wf_report_overdue(store, start + 13 * MINUTE, 0, &report, &err), WF_OK);
	check_int(report->total, 0);
	wf_report_free(report);
	wf_store_close(store);
}

static void
reports_of_an_empty_office_are_empty_but_complete(void)
{
	struct wf_store *store = office_store("empty.db");
	struct wf_report *report = NULL;
	struct wf_error err = {0};

	check_int(wf_report_holders(store, NULL, WF_PERIOD_MONTH, &report, &err), WF_OK);
	check_int(report->row_count, 1); /* the total alone */
	check_int(wf_report_row_kind(report, 0), WF_ROW_TOTAL);
	check_int(number_at(report, 0, "holders"), 0);
	check_int(report->total, 0);
	wf_report_free(report);
	check_int(wf_report_states(store, NULL, &report, &err), WF_OK);
	check_int(report->row_count, WF_STATE_COUNT);
	check_int(report->total, 0);
	wf_report_free(report);
	check_int(wf_report_step_times(store, NULL, &report, &err), WF_OK);
	check_int(report->row_count, 7);
	check_int(number_at(report, 3, "acts"), 0);
	check_int(number_at(report, 3, "median_minutes"), 0);
	wf_report_free(report);
	check_int(wf_report_overdue(store, 0, 0, &report, &err), WF_OK);
	check_int(report->row_count, 0);
	wf_report_free(report);
	wf_report_free(NULL);
	wf_store_close(store);
}

static void
tte_holders_in_a_period_cut_mid_day_are_exact(void)
{
	struct wf_store *store = holders_office();
	/* The October holder was handed the token at 09:10 on 1 October. */
	struct wf_period from_nine = {wft_local_time(2026, 10, 1, 9),
				      wft_local_time(2026, 11, 3, 9)};
	struct wf_period from_ten = {wft_local_time(2026, 10, 1, 10),
				     wft_local_time(2026, 11, 3, 11)};
	struct wf_report *report = NULL;
	struct wf_error err = {0};

	check_int(wf_report_holders(store, &from_nine, WF_PERIOD_MONTH, &report, &err), WF_OK);
	check_int(report->total, 1);
	check(find_holders(report, KES, SEK, "2026-10") >= 0);
	wf_report_free(report);
	/* 10:00 on 1 October to 11:00 on 3 November: the handovers at 09:10 and 10:20. */
	check_int(wf_report_holders(store, &from_ten, WF_PERIOD_MONTH, &report, &err), WF_OK);
	check_int(report->total, 2);
	check(find_holders(report, KES, SEK, "2026-10") < 0);
	check_int(number_at(report, find_holders(report, DIK, SEK, "2026-11"), "holders"), 1);
	wf_report_free(report);
	wf_store_close(store);
}

/* One handed-over token of the random office below, as the test recorded it. */
struct handed {
	int person, agency, unit;
	int64_t at;
	enum wf_request_type type;
	enum wf_action after; /* WF_ACTION_COUNT: still active */
};

static const char *const office_agencies[] = {KES, DIK};
static const char *const office_units[] = {SEK, "Bidang P2P"};
static const enum wf_action afterwards[] = {WF_ACTION_REVOKE, WF_ACTION_REPORT_LOST,
					    WF_ACTION_EXPIRE};

/* The period of a time by local calendar, as the report names it. */
static void
period_name(int64_t at, enum wf_period_unit unit, char out[16])
{
	time_t t = (time_t)at;
	struct tm tm;

	localtime_r(&t, &tm);
	if (unit == WF_PERIOD_MONTH)
		strftime(out, 16, "%Y-%m", &tm);
	else if (unit == WF_PERIOD_QUARTER)
		snprintf(out, 16, "%04d-Q%d", (tm.tm_year + 1900) % 10000, tm.tm_mon / 3 % 4 + 1);
	else if (unit == WF_PERIOD_YEAR)
		strftime(out, 16, "%Y", &tm);
	else
		out[0] = '\0';
}

/* The report's data rows are exactly what the recorded handovers give, counted here. */
static bool
holders_as_recorded(struct wf_store *store, const struct handed *h, int count,
		    const struct wf_period *period, enum wf_period_unit unit)
{
	struct wf_report *report = NULL;
	struct wf_error err = {0};
	size_t data_rows = 0, expected_rows = 0;
	int64_t from = period->from ? period->from : INT64_MIN,
		until = period->until ? period->until : INT64_MAX;
	bool ok = wf_report_holders(store, period, unit, &report, &err) == WF_OK;

	for (size_t r = 0; ok && r < report->row_count; r++)
		data_rows += wf_report_row_kind(report, r) == WF_ROW_DATA;
	for (int i = 0; ok && i < count; i++) {
		int64_t counts[6] = {0};
		char name[16], other[16];
		bool first = true;

		if (h[i].at < from || h[i].at >= until)
			continue;
		period_name(h[i].at, unit, name);
		/* Each group once: counted at its first member. */
		for (int j = 0; j < i && first; j++) {
			period_name(h[j].at, unit, other);
			first =
			    !(h[j].at >= from && h[j].at < until && h[j].agency == h[i].agency &&
			      h[j].unit == h[i].unit && strcmp(other, name) == 0);
		}
		if (!first)
			continue;
		for (int j = i; j < count; j++) {
			bool latest = true;

			period_name(h[j].at, unit, other);
			if (h[j].at < from || h[j].at >= until || h[j].agency != h[i].agency ||
			    h[j].unit != h[i].unit || strcmp(other, name) != 0)
				continue;
			for (int k = 0; k < count; k++)
				if (h[k].person == h[j].person &&
				    (h[k].at > h[j].at || (h[k].at == h[j].at && k > j)))
					latest = false;
			counts[0] += latest && h[j].after == WF_ACTION_COUNT;
			counts[1] += h[j].type == WF_REQUEST_NEW;
			counts[2] += h[j].type == WF_REQUEST_RENEWAL;
			counts[3] += h[j].after == WF_ACTION_REVOKE;
			counts[4] += h[j].after == WF_ACTION_REPORT_LOST;
			counts[5] += h[j].after == WF_ACTION_EXPIRE;
		}
		long row = find_holders(report, office_agencies[h[i].agency],
					office_units[h[i].unit], name);
		static const char *const keys[] = {"holders", "new",  "renewed",
						   "revoked", "lost", "expired"};
		expected_rows++;
		for (int c = 0; c < 6 && ok; c++)
			if (!(ok = row >= 0 && number_at(report, row, keys[c]) == counts[c]))
				fprintf(stderr, "# %s %s %s: %s %lld, expected %lld\n",
					office_agencies[h[i].agency], office_units[h[i].unit], name,
					keys[c], (long long)number_at(report, row, keys[c]),
					(long long)counts[c]);
	}
	if (ok && data_rows != expected_rows)
		fprintf(stderr, "# %zu rows, expected %zu\n", data_rows, expected_rows);
	ok = ok && data_rows == expected_rows;
	wf_report_free(report);
	return ok;
}

/*
 * Handovers at random times over fifteen months in a zone half an hour off UTC, so that
 * the summary's UTC days straddle every local midnight and month: for every grouping and
 * for periods cut at random seconds, at local midnights and open, the report is what the
 * handovers themselves give. People come back for a second token; some tokens leave
 * active afterwards.
 */
static void
tte_holders_from_the_summary_are_those_of_the_handovers_themselves(void)
{
	enum { COUNT = 48 };
	char *saved_tz = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
	struct handed h[COUNT];
	struct wf_actor kasi = {"kasi", NULL, NULL};
	struct wf_error err = {0};
	unsigned seed = 20261201;

	setenv("TZ", "Asia/Kolkata", 1);
	tzset();
	struct wf_store *store = office_store("random-holders.db");
	int64_t start = wft_local_time(2025, 12, 31, 0);
	for (int i = 0; i < COUNT; i++) {
		char number[WF_NUMBER_MAX];

		h[i].person = rand_r(&seed) % 30;
		h[i].agency = rand_r(&seed) % 2;
		h[i].unit = rand_r(&seed) % 2;
		h[i].type = rand_r(&seed) % 3 == 0 ? WF_REQUEST_RENEWAL : WF_REQUEST_NEW;
		h[i].after =
		    rand_r(&seed) % 4 == 0 ? afterwards[rand_r(&seed) % 3] : WF_ACTION_COUNT;
		/* Half within ten minutes of a month's first local midnight, half anywhere. */
		int64_t at = wft_local_time(2026, 1 + rand_r(&seed) % 15, 1, 0);
		at += rand_r(&seed) % 2 ? rand_r(&seed) % 600 - 600 + (rand_r(&seed) % 2) * 600
					: rand_r(&seed) % (28 * 86400);
		wft_now = at - 7 * MINUTE;
		request(store, 100 + h[i].person, office_agencies[h[i].agency],
			office_units[h[i].unit], h[i].type, number);
		advance(store, number, TO_ACTIVE, 1);
		h[i].at = wft_now;
		if (h[i].after != WF_ACTION_COUNT)
			must(wf_act(store, number, h[i].after, &kasi, "noted", &err), &err,
			     "afterwards");
	}
	for (int unit = WF_PERIOD_MONTH; unit <= WF_PERIOD_ALL; unit++) {
		struct wf_period all = {0, 0}, months = {wft_local_time(2026, 2, 1, 0),
							 wft_local_time(2026, 11, 1, 0)};

		check(holders_as_recorded(store, h, COUNT, &all, unit));
		check(holders_as_recorded(store, h, COUNT, &months, unit));
		for (int cut = 0; cut < 6; cut++) {
			int64_t a = start + rand_r(&seed) % (460 * 86400),
				b = start + rand_r(&seed) % (460 * 86400);
			struct wf_period p = {a < b ? a : b, a < b ? b : a};

			check(holders_as_recorded(store, h, COUNT, &p, unit));
		}
	}
	wf_store_close(store);
	if (saved_tz)
		setenv("TZ", saved_tz, 1);
	else
		unsetenv("TZ");
	free(saved_tz);
	tzset();
}

static void
step_times_over_several_days_add_whole_days_and_cut_ends(void)
{
	struct wf_store *store = office_store("days.db");
	int64_t day1 = wft_local_time(2026, 10, 5, 8);
	struct wf_period middle = {day1 + 4 * 3600, day1 + 2 * 86400 + 2 * 60 + 30};
	struct wf_report *report = NULL;
	struct wf_error err = {0};
	char n[3][WF_NUMBER_MAX];

	/* One disposition a day at 08:00 + 1, 2 and 3 minutes, on three days. */
	for (int d = 0; d < 3; d++) {
		wft_now = day1 + d * 86400;
		submit(store, "Dinas Pertanian", n[d]);
		act(store, n[d], WF_ACTION_DISPOSE, "kadis", d + 1);
	}
	/* Noon on day 1 to 08:02:30 on day 3 (before its act ended): only day 2's act. */
	check_int(wf_report_step_times(store, &middle, &report, &err), WF_OK);
	check_int(number_at(report, 1, "acts"), 1);
	check_int(number_at(report, 1, "worst_minutes"), 2);
	wf_report_free(report);
	middle.until += 86400; /* to the next morning: days 2 and 3 */
	check_int(wf_report_step_times(store, &middle, &report, &err), WF_OK);
	check_int(number_at(report, 1, "acts"), 2);
	check_int(number_at(report, 1, "median_minutes"), 2);
	check_int(number_at(report, 1, "worst_minutes"), 3);
	wf_report_free(report);
	middle.from = day1; /* from the first act's own start: all three */
	check_int(wf_report_step_times(store, &middle, &report, &err), WF_OK);
	check_int(number_at(report, 1, "acts"), 3);
	check_int(number_at(report, 0, "acts"), 3);
	wf_report_free(report);
	wf_store_close(store);
}

static void
acts_longer_than_a_week_count_in_median_and_worst(void)
{
	struct wf_store *store = office_store("long.db");
	struct wf_report *report = NULL;
	struct wf_error err = {0};
	char n[3][WF_NUMBER_MAX];

	for (int i = 0; i < 3; i++)
		submit(store, "Dinas Perikanan", n[i]);
	act(store, n[0], WF_ACTION_DISPOSE, "kadis", 20000);
	act(store, n[1], WF_ACTION_DISPOSE, "kadis", 10000);
	act(store, n[2], WF_ACTION_DISPOSE, "kadis", 1);
	check_int(wf_report_step_times(store, NULL, &report, &err), WF_OK);
	check_int(number_at(report, 1, "acts"), 3);
	check_int(number_at(report, 1, "median_minutes"), 30000);
	check_int(number_at(report, 1, "worst_minutes"), 30001);
	check_int(number_at(report, 1, "over_standard"), 3);
	wf_report_free(report);
	wf_store_close(store);
}

static void
report_cells_are_typed_text_is_never_null(void)
{
	struct wf_store *store = holders_office();
	struct wf_report *reports[4] = {NULL};
	struct wf_error err = {0};
	bool all_text = true;

	check_int(wf_report_holders(store, NULL, WF_PERIOD_MONTH, &reports[0], &err), WF_OK);
	check_int(wf_report_states(store, NULL, &reports[1], &err), WF_OK);
	check_int(wf_report_step_times(store, NULL, &reports[2], &err), WF_OK);
	check_int(wf_report_overdue(store, wft_local_time(2027, 1, 1, 0), 0, &reports[3], &err),
		  WF_OK);
	check_int(reports[3]->total, 1); /* the one left in sent */
	for (int i = 0; i < 4; i++) {
		const struct wf_report *r = reports[i];

		check(r->column_count > 0 && r->title_id != NULL && r->title_en != NULL);
		for (size_t row = 0; row < r->row_count; row++)
			for (size_t c = 0; c < r->column_count; c++)
				if (wf_report_cell(r, row, c)->text == NULL)
					all_text = false;
		check(wf_report_cell(r, r->row_count, 0) == NULL);
		check(wf_report_cell(r, 0, r->column_count) == NULL);
		wf_report_free(reports[i]);
	}
	check(all_text);
	wf_store_close(store);
}

static void
every_report_of_the_table_runs_with_its_own_columns(void)
{
	static const char *const names[] = {"holders", "states", "steps", "overdue"};
	struct wf_store *store = holders_office();
	struct wf_report_request request = {.unit = WF_PERIOD_MONTH};
	const struct wf_report_kind *kinds;
	struct wf_report *report = NULL;
	struct wf_error err = {0};
	size_t count;

	kinds = wf_reports(&count);
	check_int(count, 4);
	for (size_t i = 0; i < count; i++) {
		check_str(kinds[i].name, names[i]);
		check(kinds[i].summary != NULL && kinds[i].summary[0] != '\0');
		check(wf_report_find(names[i]) == &kinds[i]);
		check_int(kinds[i].run(store, &request, &report, &err), WF_OK);
		check(report->columns == kinds[i].columns);
		check_int(report->column_count, kinds[i].column_count);
		wf_report_free(report);
	}
	check(wf_report_find("holder") == NULL);
	/* The holders' request reaches the report: all of it in one group of periods. */
	request.unit = WF_PERIOD_ALL;
	check_int(wf_reports(&count)[0].run(store, &request, &report, &err), WF_OK);
	check(find_holders(report, KES, SEK, "") >= 0);
	wf_report_free(report);
	wf_store_close(store);
}

int
main(void)
{
	TAP_TEST(tte_holders_are_counted_by_agency_work_unit_and_month);
	TAP_TEST(a_renewal_keeps_its_person_one_holder_throughout);
	TAP_TEST(every_report_of_the_table_runs_with_its_own_columns);
	TAP_TEST(tte_holders_group_by_quarter_year_or_not_at_all);
	TAP_TEST(tte_holders_in_a_period_count_only_handovers_within_it);
	TAP_TEST(applications_by_state_list_every_state_with_its_count);
	TAP_TEST(step_times_give_median_and_worst_against_the_standard);
	TAP_TEST(median_of_an_even_number_of_acts_is_the_lower_middle);
	TAP_TEST(overdue_lists_applications_past_their_step_standard_longest_first);
	TAP_TEST(reports_of_an_empty_office_are_empty_but_complete);
	TAP_TEST(report_cells_are_typed_text_is_never_null);
	TAP_TEST(tte_holders_in_a_period_cut_mid_day_are_exact);
	TAP_TEST(tte_holders_from_the_summary_are_those_of_the_handovers_themselves);
	TAP_TEST(step_times_over_several_days_add_whole_days_and_cut_ends);
	TAP_TEST(acts_longer_than_a_week_count_in_median_and_worst);
	return tap_done();
}
