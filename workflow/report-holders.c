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
 * The holdings summary (holdings.h): whole UTC days from holding_days, summed. A day that
 * a period's end cuts (the report's, or a local month's, quarter's or year's: PERIOD of its
 * first and last second differ) is counted from its holdings rows instead, each in its own
 * period. PERIOD reads a column named at.
 */
#define HOLDERS_SQL(period_expression)                                                             \
	"WITH days AS (SELECT DISTINCT day FROM holding_days WHERE day + 86400 > ?1 AND day < "    \
	"?2),"                                                                                     \
	" firsts AS (SELECT day, " period_expression " AS period FROM (SELECT day, day AS at"      \
	" FROM days) AS d),"                                                                       \
	" lasts AS (SELECT day, " period_expression " AS period FROM (SELECT day,"                 \
	" day + 86399 AS at FROM days) AS d),"                                                     \
	" cut AS (SELECT f.day FROM firsts f JOIN lasts l ON l.day = f.day"                        \
	" WHERE f.day < ?1 OR f.day + 86400 > ?2 OR f.period <> l.period),"                        \
	" counted AS (SELECT agency, work_unit, " period_expression " AS period, handed, holders," \
	" new_requests, renewals, revoked, lost, expired FROM (SELECT w.*, w.day AS at"            \
	" FROM holding_days w WHERE w.day + 86400 > ?1 AND w.day < ?2"                             \
	" AND w.day NOT IN (SELECT day FROM cut)) AS whole"                                        \
	" UNION ALL SELECT agency, work_unit, " period_expression ", 1,"                           \
	" CASE WHEN latest = 1 AND state IN ('active', 'renewed') THEN 1 ELSE 0 END,"              \
	" CASE WHEN request_type = 'new' THEN 1 ELSE 0 END,"                                       \
	" CASE WHEN request_type IN ('renewal', 'data_change') THEN 1 ELSE 0 END,"                 \
	" CASE WHEN state = 'revoked' THEN 1 ELSE 0 END,"                                          \
	" CASE WHEN state = 'lost' THEN 1 ELSE 0 END,"                                             \
	" CASE WHEN state = 'expired' THEN 1 ELSE 0 END"                                           \
	" FROM holdings h JOIN cut c ON h.at >= c.day AND h.at < c.day + 86400"                    \
	" WHERE h.at >= ?1 AND h.at < ?2)"                                                         \
	" SELECT agency, work_unit, period, sum(holders), sum(new_requests), sum(renewals),"       \
	" sum(revoked), sum(lost), sum(expired) FROM counted GROUP BY 1, 2, 3"                     \
	" HAVING sum(handed) > 0 ORDER BY 1, 2, 3"
/* The period of a handover by local time: its expression in the engine's SQL. */
static const enum wf_query period_query[] = {
    [WF_PERIOD_MONTH] = WF_Q_HOLDERS_MONTH,
    [WF_PERIOD_QUARTER] = WF_Q_HOLDERS_QUARTER,
    [WF_PERIOD_YEAR] = WF_Q_HOLDERS_YEAR,
};

static int
holders_sql(struct wf_store *store, enum wf_period_unit unit, char *sql, size_t size,
	    struct wf_error *err)
{
	const char *period = unit == WF_PERIOD_ALL ? "''" : wf_query_sql(store, period_query[unit]);
	int n = snprintf(sql, size, HOLDERS_SQL("%1$s"), period);

	if (n < 0 || (size_t)n >= size)
		return wf_fail(err, WF_ERR_INTERNAL, _("the report's SQL does not fit"));
	return WF_OK;
}

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
collect(struct wf_store *store, struct wf_report *report, struct wf_stmt *stmt,
	struct wf_error *err)
{
	struct holder_sums agency_sums = {{0}}, all = {{0}}, row;
	char agency[WF_NAME_MAX] = "";
	bool any = false;
	int r = WF_OK, rc;

	while (r == WF_OK && (rc = wf_next(stmt)) == WF_ROW) {
		const char *texts[FIRST_COUNT];

		for (int c = 0; c < FIRST_COUNT; c++)
			texts[c] = wf_column_text(stmt, c);
		if (any && strcmp(agency, texts[WF_HOLDERS_AGENCY]) != 0 &&
		    (r = close_agency(report, agency, &agency_sums, err)) != WF_OK)
			return r;
		any = true;
		snprintf(agency, sizeof(agency), "%s", texts[WF_HOLDERS_AGENCY]);
		for (int c = FIRST_COUNT; c < WF_HOLDERS_COLUMN_COUNT; c++)
			row.counts[c] = wf_column_int64(stmt, c);
		sums_add(&agency_sums, &row);
		sums_add(&all, &row);
		r = add_row(report, texts, &row, WF_ROW_DATA, err);
	}
	if (r == WF_OK && rc != WF_DONE)
		return wf_fail_db(err, store, _("counting TTE holders"));
	if (r == WF_OK && any)
		r = close_agency(report, agency, &agency_sums, err);
	if (r == WF_OK) {
		const char *const texts[FIRST_COUNT] = {"", "", ""};

		report->total = all.counts[WF_HOLDERS_HOLDERS];
		r = add_row(report, texts, &all, WF_ROW_TOTAL, err);
	}
	return r;
}

/* Handed over by the records, but not by the chain: named, not counted. */
static const char left_out_sql[] = "SELECT number FROM unsupported ORDER BY application_id";

static int
collect_left_out(struct wf_store *store, struct wf_report *report, struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	size_t cap = 0;
	int r, rc;

	if ((r = wf_prepare(store, left_out_sql, &stmt, err)) != WF_OK)
		return r;
	while (r == WF_OK && (rc = wf_next(stmt)) == WF_ROW) {
		char(*bigger)[WF_NUMBER_MAX] = wf_array_reserve(
		    report->left_out, report->left_out_count, &cap, sizeof(*bigger), err);

		if (bigger == NULL) {
			r = WF_ERR_INTERNAL;
			break;
		}
		report->left_out = bigger;
		wf_column_copy(stmt, 0, bigger[report->left_out_count++], WF_NUMBER_MAX);
	}
	if (r == WF_OK && rc != WF_DONE)
		r = wf_fail_db(err, store, _("counting TTE holders"));
	wf_finalize(stmt);
	return r;
}

/* The counts and what was left out of them, from one snapshot. */
static int
count_holders(struct wf_store *store, struct wf_report *report, enum wf_period_unit unit,
	      const struct wf_period *period, struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	char sql[4096];
	int64_t from, until;
	int r;

	if ((r = holders_sql(store, unit, sql, sizeof(sql), err)) != WF_OK ||
	    (r = wf_read_begin(store, err)) != WF_OK)
		return r;
	if ((r = wf_prepare(store, sql, &stmt, err)) != WF_OK)
		goto out;
	wf_report_bounds(period, &from, &until);
	wf_bind_int64(stmt, 1, from);
	wf_bind_int64(stmt, 2, until);
	if ((r = collect(store, report, stmt, err)) == WF_OK)
		r = collect_left_out(store, report, err);
out:
	wf_finalize(stmt);
	wf_read_end(store);
	return r;
}

int
wf_report_holders(struct wf_store *store, const struct wf_period *period, enum wf_period_unit unit,
		  struct wf_report **out, struct wf_error *err)
{
	struct wf_report *report = NULL;
	int r;

	if (store == NULL || out == NULL || (unsigned)unit > WF_PERIOD_ALL)
		return wf_fail(err, WF_ERR_INTERNAL, _("wf_report_holders: bad arguments"));
	report = wf_report_new("holders", "Jumlah pemegang TTE", "TTE holders", wf_holders_columns,
			       WF_HOLDERS_COLUMN_COUNT);
	if (report == NULL)
		return wf_report_oom(err);
	if ((r = count_holders(store, report, unit, period, err)) == WF_OK) {
		*out = report;
		report = NULL;
	}
	wf_report_free(report);
	return r;
}
