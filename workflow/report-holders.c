/*
 * report-holders.c: the SOP's record duty, the number of TTE holders (applications in
 * state active) by work unit and by the period of their handover. Whole local days are
 * read from the holder_days summary the schema's triggers keep; the partial days at a
 * period's ends from the applications themselves, so any period is counted exactly.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report-int.h"

static const struct wf_report_column holder_columns[] = {
    {"work_unit", "Unit kerja", "Work unit", WF_CELL_TEXT},
    {"period", "Periode", "Period", WF_CELL_TEXT},
    {"holders", "Pemegang TTE", "TTE holders", WF_CELL_INTEGER},
};

/*
 * An active application changes only by leaving active, so its updated_at is the time
 * of its handover; the (state, updated_at) index serves the period's ends.
 */
#define HOLDERS_SQL(period_expression)                                                             \
	"SELECT ap.work_unit, " period_expression ", count(*) FROM applications a"                 \
	" JOIN applicants ap ON ap.id = a.applicant_id"                                            \
	" WHERE a.state = 'active' AND a.updated_at >= ?1 AND a.updated_at < ?2 GROUP BY 1, 2"
#define LOCAL_TIME "a.updated_at, 'unixepoch', 'localtime'"
static const char *const holders_rows_sql[] = {
    [WF_PERIOD_MONTH] = HOLDERS_SQL("strftime('%Y-%m', " LOCAL_TIME ")"),
    [WF_PERIOD_QUARTER] =
	HOLDERS_SQL("strftime('%Y', " LOCAL_TIME ") || '-Q' || "
		    "((CAST(strftime('%m', " LOCAL_TIME ") AS INTEGER) + 2) / 3)"),
    [WF_PERIOD_YEAR] = HOLDERS_SQL("strftime('%Y', " LOCAL_TIME ")"),
    [WF_PERIOD_ALL] = HOLDERS_SQL("''"),
};

/* The same periods from the summary's local dates, "YYYY-MM-DD". */
#define HOLDER_DAYS_SQL(period_expression)                                                         \
	"SELECT work_unit, " period_expression ", sum(holders) FROM holder_days"                   \
	" WHERE day >= ?1 AND day < ?2 GROUP BY 1, 2"
static const char *const holders_days_sql[] = {
    [WF_PERIOD_MONTH] = HOLDER_DAYS_SQL("substr(day, 1, 7)"),
    [WF_PERIOD_QUARTER] = HOLDER_DAYS_SQL("substr(day, 1, 4) || '-Q' || "
					  "((CAST(substr(day, 6, 2) AS INTEGER) + 2) / 3)"),
    [WF_PERIOD_YEAR] = HOLDER_DAYS_SQL("substr(day, 1, 4)"),
    [WF_PERIOD_ALL] = HOLDER_DAYS_SQL("''"),
};

/* Dates sort as text; these bound every date. */
#define DATE_FIRST ""
#define DATE_LAST "~"

/* Local midnight at or before t, and that day's date. */
static int64_t
local_midnight(int64_t t, int days_later, char date[16])
{
	time_t when = (time_t)t;
	struct tm tm;

	localtime_r(&when, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_mday += days_later;
	tm.tm_isdst = -1;
	when = mktime(&tm);
	localtime_r(&when, &tm);
	strftime(date, 16, "%Y-%m-%d", &tm);
	return (int64_t)when;
}

/* Append what a prepared, bound statement returns: work unit, period, holders. */
static int
collect(struct wf_store *store, struct wf_report *report, sqlite3_stmt *stmt, struct wf_error *err)
{
	struct wf_report_cell *row;
	int r = WF_OK, rc;

	while (r == WF_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if ((row = wf_report_row_add(report)) == NULL)
			return wf_report_oom(err);
		row[2].number = sqlite3_column_int64(stmt, 2);
		if ((r = wf_report_text(&row[0], (const char *)sqlite3_column_text(stmt, 0),
					err)) ||
		    (r = wf_report_text(&row[1], (const char *)sqlite3_column_text(stmt, 1), err)))
			return r;
		r = wf_report_row_finish(report, row, err);
	}
	if (r == WF_OK && rc != SQLITE_DONE)
		r = wf_fail_db(err, wf_store_db(store), _("counting TTE holders"));
	return r;
}

static int
collect_rows(struct wf_store *store, struct wf_report *report, enum wf_period_unit unit,
	     int64_t from, int64_t until, struct wf_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int r;

	if (from >= until)
		return WF_OK;
	if ((r = wf_prepare(store, holders_rows_sql[unit], &stmt, err)) != WF_OK)
		return r;
	sqlite3_bind_int64(stmt, 1, from);
	sqlite3_bind_int64(stmt, 2, until);
	r = collect(store, report, stmt, err);
	sqlite3_finalize(stmt);
	return r;
}

static int
collect_days(struct wf_store *store, struct wf_report *report, enum wf_period_unit unit,
	     const char *from_date, const char *until_date, struct wf_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int r;

	if ((r = wf_prepare(store, holders_days_sql[unit], &stmt, err)) != WF_OK)
		return r;
	sqlite3_bind_text(stmt, 1, from_date, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, until_date, -1, SQLITE_STATIC);
	r = collect(store, report, stmt, err);
	sqlite3_finalize(stmt);
	return r;
}

/* Whole days [first, end) from the summary; [from, first) and [end, until) from rows. */
static int
collect_period(struct wf_store *store, struct wf_report *report, enum wf_period_unit unit,
	       const struct wf_period *period, struct wf_error *err)
{
	char first_date[16] = DATE_FIRST, end_date[16] = DATE_LAST;
	int64_t from, until, first, end;
	int r;

	wf_report_bounds(period, &from, &until);
	first = from;
	end = until;
	if (from != INT64_MIN && (first = local_midnight(from, 0, first_date)) != from)
		first = local_midnight(from, 1, first_date);
	if (until != INT64_MAX)
		end = local_midnight(until, 0, end_date);
	if (strcmp(first_date, end_date) >= 0)
		return collect_rows(store, report, unit, from, until, err);
	if ((r = collect_days(store, report, unit, first_date, end_date, err)) != WF_OK ||
	    (from != INT64_MIN && (r = collect_rows(store, report, unit, from, first, err))) ||
	    (until != INT64_MAX && (r = collect_rows(store, report, unit, end, until, err))))
		return r;
	return WF_OK;
}

static int
compare_rows(const void *a, const void *b)
{
	const struct wf_report_cell *x = a, *y = b;
	int c = strcmp(x[0].text, y[0].text);

	return c != 0 ? c : strcmp(x[1].text, y[1].text);
}

/* Sort by work unit and period, add up the pieces of one period, drop empty ones. */
static void
merge_rows(struct wf_report *report)
{
	size_t n = report->column_count, kept = 0;
	struct wf_report_cell *cells = report->cells;

	if (report->row_count > 1) /* qsort must not see the NULL of an empty report */
		qsort(cells, report->row_count, n * sizeof(cells[0]), compare_rows);
	for (size_t r = 0; r < report->row_count; r++) {
		struct wf_report_cell *row = &cells[r * n];
		struct wf_report_cell *last = kept > 0 ? &cells[(kept - 1) * n] : NULL;

		if (last != NULL && compare_rows(last, row) == 0) {
			last[2].number += row[2].number;
		} else if (row[2].number != 0) {
			if (kept != r)
				memcpy(&cells[kept * n], row, n * sizeof(cells[0]));
			kept++;
			continue;
		}
		for (size_t c = 0; c < n; c++)
			free(row[c].text);
	}
	report->row_count = kept;
	report->total = 0;
	for (size_t r = 0; r < kept; r++)
		report->total += cells[r * n + 2].number;
}

int
wf_report_holders(struct wf_store *store, const struct wf_period *period, enum wf_period_unit unit,
		  struct wf_report **out, struct wf_error *err)
{
	struct wf_report *report;
	int r;

	if (store == NULL || out == NULL || (unsigned)unit > WF_PERIOD_ALL)
		return wf_fail(err, WF_ERR_INTERNAL, _("wf_report_holders: bad arguments"));
	report = wf_report_new("holders", "Jumlah pemegang TTE", "TTE holders", holder_columns,
			       sizeof(holder_columns) / sizeof(holder_columns[0]));
	if (report == NULL)
		return wf_report_oom(err);
	if ((r = collect_period(store, report, unit, period, err)) != WF_OK) {
		wf_report_free(report);
		return r;
	}
	merge_rows(report);
	*out = report;
	return WF_OK;
}
