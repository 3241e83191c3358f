/*
 * report-holders.c: the SOP's record duty, the number of TTE holders, by agency (OPD),
 * work unit and the period of their handover, with a subtotal per agency and the total.
 * Two agencies' units of the same name ("Sekretariat") stay two rows; a person counts once.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report-int.h"

const struct wf_report_column wf_holders_columns[WF_HOLDERS_COLUMN_COUNT] = {
    [WF_HOLDERS_AGENCY] = {"agency", "Instansi (OPD)", "Agency", WF_CELL_TEXT, WF_COLUMN_ANY},
    [WF_HOLDERS_WORK_UNIT] = {"work_unit", "Unit kerja", "Work unit", WF_CELL_TEXT, WF_COLUMN_ANY},
    [WF_HOLDERS_PERIOD] = {"period", "Periode", "Period", WF_CELL_TEXT, WF_COLUMN_ANY},
    [WF_HOLDERS_HOLDERS] = {"holders", "Pemegang TTE", "TTE holders", WF_CELL_INTEGER,
			    WF_COLUMN_ANY},
    [WF_HOLDERS_NEW] = {"new", "Baru", "New", WF_CELL_INTEGER, WF_COLUMN_ANY},
    [WF_HOLDERS_RENEWED] = {"renewed", "Pembaruan", "Renewals", WF_CELL_INTEGER, WF_COLUMN_ANY},
    [WF_HOLDERS_REVOKED] = {"revoked", "Dicabut", "Revoked", WF_CELL_INTEGER, WF_COLUMN_ANY},
    [WF_HOLDERS_LOST] = {"lost", "Hilang", "Lost", WF_CELL_INTEGER, WF_COLUMN_ANY},
    [WF_HOLDERS_EXPIRED] = {"expired", "Kedaluwarsa", "Expired", WF_CELL_INTEGER, WF_COLUMN_ANY},
};

/* The counted columns: the query returns them in this order after the three texts. */
#define FIRST_COUNT WF_HOLDERS_HOLDERS

/*
 * Every application whose token was handed over, at the time of its handover (an active
 * one changes only by leaving active, so its updated_at serves where no event says it).
 * A person holds a TTE through the latest token handed to them while it is active, or
 * renewed: its renewal is on the way and the person stays a holder through it.
 */
#define HOLDERS_SQL(period_expression)                                                             \
	"WITH handed AS (SELECT a.id, a.state, a.request_type, ap.nik, ap.agency, ap.work_unit,"   \
	" COALESCE((SELECT max(e.ended_at) FROM events e WHERE e.application_id = a.id"            \
	" AND e.action = 'handover'), a.updated_at) AS at"                                         \
	" FROM applications a JOIN applicants ap ON ap.id = a.applicant_id"                        \
	" WHERE a.state IN ('active', 'renewed', 'revoked', 'lost', 'expired')),"                  \
	" ranked AS (SELECT *, row_number() OVER"                                                  \
	" (PARTITION BY nik ORDER BY at DESC, id DESC) AS latest FROM handed)"                     \
	" SELECT agency, work_unit, " period_expression ","                                        \
	" sum(latest = 1 AND state IN ('active', 'renewed')), sum(request_type = 'new'),"          \
	" sum(request_type IN ('renewal', 'data_change')), sum(state = 'revoked'),"                \
	" sum(state = 'lost'), sum(state = 'expired')"                                             \
	" FROM ranked WHERE at >= ?1 AND at < ?2 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
#define LOCAL_TIME "at, 'unixepoch', 'localtime'"
static const char *const holders_sql[] = {
    [WF_PERIOD_MONTH] = HOLDERS_SQL("strftime('%Y-%m', " LOCAL_TIME ")"),
    [WF_PERIOD_QUARTER] =
	HOLDERS_SQL("strftime('%Y', " LOCAL_TIME ") || '-Q' || "
		    "((CAST(strftime('%m', " LOCAL_TIME ") AS INTEGER) + 2) / 3)"),
    [WF_PERIOD_YEAR] = HOLDERS_SQL("strftime('%Y', " LOCAL_TIME ")"),
    [WF_PERIOD_ALL] = HOLDERS_SQL("''"),
};

/* Sums of the counted columns for an agency and for all. */
struct holder_sums {
	int64_t counts[WF_HOLDERS_COLUMN_COUNT];
};

/* Append a row of texts and counts, marked kind. */
static int
add_row(struct wf_report *report, const char *const texts[FIRST_COUNT],
	const struct holder_sums *sums, enum wf_row_kind kind, struct wf_error *err)
{
	struct wf_report_cell *row = wf_report_row_add(report);
	int r;

	if (row == NULL)
		return wf_report_oom(err);
	wf_report_row_mark(report, kind);
	for (int c = 0; c < FIRST_COUNT; c++)
		if ((r = wf_report_text(&row[c], texts[c], err)) != WF_OK)
			return r;
	for (int c = FIRST_COUNT; c < WF_HOLDERS_COLUMN_COUNT; c++)
		row[c].number = sums->counts[c];
	return wf_report_row_finish(report, row, err);
}

static void
sums_add(struct holder_sums *to, const struct holder_sums *from)
{
	for (int c = FIRST_COUNT; c < WF_HOLDERS_COLUMN_COUNT; c++)
		to->counts[c] += from->counts[c];
}

/* The agency's subtotal row, then its sums start again. */
static int
close_agency(struct wf_report *report, const char *agency, struct holder_sums *agency_sums,
	     struct wf_error *err)
{
	const char *const texts[FIRST_COUNT] = {agency, "", ""};
	int r = add_row(report, texts, agency_sums, WF_ROW_SUBTOTAL, err);

	memset(agency_sums, 0, sizeof(*agency_sums));
	return r;
}

/* The rows of the bound statement, a subtotal where the agency changes, and the total. */
static int
collect(struct wf_store *store, struct wf_report *report, sqlite3_stmt *stmt, struct wf_error *err)
{
	struct holder_sums agency_sums = {{0}}, all = {{0}}, row;
	char agency[WF_NAME_MAX] = "";
	bool any = false;
	int r = WF_OK, rc;

	while (r == WF_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *texts[FIRST_COUNT];

		for (int c = 0; c < FIRST_COUNT; c++)
			texts[c] = (const char *)sqlite3_column_text(stmt, c);
		if (any && strcmp(agency, texts[WF_HOLDERS_AGENCY]) != 0 &&
		    (r = close_agency(report, agency, &agency_sums, err)) != WF_OK)
			return r;
		any = true;
		snprintf(agency, sizeof(agency), "%s", texts[WF_HOLDERS_AGENCY]);
		for (int c = FIRST_COUNT; c < WF_HOLDERS_COLUMN_COUNT; c++)
			row.counts[c] = sqlite3_column_int64(stmt, c);
		sums_add(&agency_sums, &row);
		sums_add(&all, &row);
		r = add_row(report, texts, &row, WF_ROW_DATA, err);
	}
	if (r == WF_OK && rc != SQLITE_DONE)
		return wf_fail_db(err, wf_store_db(store), _("counting TTE holders"));
	if (r == WF_OK && any)
		r = close_agency(report, agency, &agency_sums, err);
	if (r == WF_OK) {
		const char *const texts[FIRST_COUNT] = {"", "", ""};

		report->total = all.counts[WF_HOLDERS_HOLDERS];
		r = add_row(report, texts, &all, WF_ROW_TOTAL, err);
	}
	return r;
}

int
wf_report_holders(struct wf_store *store, const struct wf_period *period, enum wf_period_unit unit,
		  struct wf_report **out, struct wf_error *err)
{
	struct wf_report *report = NULL;
	sqlite3_stmt *stmt = NULL;
	int64_t from, until;
	int r;

	if (store == NULL || out == NULL || (unsigned)unit > WF_PERIOD_ALL)
		return wf_fail(err, WF_ERR_INTERNAL, _("wf_report_holders: bad arguments"));
	report = wf_report_new("holders", "Jumlah pemegang TTE", "TTE holders", wf_holders_columns,
			       WF_HOLDERS_COLUMN_COUNT);
	if (report == NULL)
		return wf_report_oom(err);
	if ((r = wf_prepare(store, holders_sql[unit], &stmt, err)) != WF_OK)
		goto out;
	wf_report_bounds(period, &from, &until);
	sqlite3_bind_int64(stmt, 1, from);
	sqlite3_bind_int64(stmt, 2, until);
	if ((r = collect(store, report, stmt, err)) != WF_OK)
		goto out;
	*out = report;
	report = NULL;
out:
	sqlite3_finalize(stmt);
	wf_report_free(report);
	return r;
}
