/*
 * report.c: what the office reports from its records (report-holders.c: the SOP's record
 * duty, TTE holders; report-steps.c: step times and overdue; here: applications by
 * state). Each report is a table of data; the command prints it as a table, CSV or JSON.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report-int.h"

/* ---------------------------------------------------------------- the table itself */

struct wf_report *
wf_report_new(const char *key, const char *title_id, const char *title_en,
	      const struct wf_report_column *columns, size_t column_count)
{
	struct wf_report *report = calloc(1, sizeof(*report));

	if (report == NULL)
		return NULL;
	report->key = key;
	report->title_id = title_id;
	report->title_en = title_en;
	report->columns = columns;
	report->column_count = column_count;
	return report;
}

void
wf_report_free(struct wf_report *report)
{
	if (report == NULL)
		return;
	for (size_t r = 0; r < report->row_count; r++)
		for (size_t c = 0; c < report->column_count; c++)
			free(report->cells[r * report->column_count + c].text);
	free(report->cells);
	free(report);
}

const struct wf_report_cell *
wf_report_cell(const struct wf_report *report, size_t row, size_t column)
{
	if (report == NULL || row >= report->row_count || column >= report->column_count)
		return NULL;
	return &report->cells[row * report->column_count + column];
}

/* Append an empty row; its text cells are set by wf_report_text(). NULL if out of memory. */
struct wf_report_cell *
wf_report_row_add(struct wf_report *report)
{
	size_t n = report->column_count, rows = report->row_count + 1;
	struct wf_report_cell *cells;

	cells = realloc(report->cells, rows * n * sizeof(*cells));
	if (cells == NULL)
		return NULL;
	memset(&cells[(rows - 1) * n], 0, n * sizeof(*cells));
	report->cells = cells;
	report->row_count = rows;
	return &cells[(rows - 1) * n];
}

int
wf_report_oom(struct wf_error *err)
{
	return wf_fail(err, WF_ERR_INTERNAL, _("out of memory building a report"));
}

int
wf_report_text(struct wf_report_cell *cell, const char *text, struct wf_error *err)
{
	if ((cell->text = strdup(text != NULL ? text : "")) == NULL)
		return wf_report_oom(err);
	return WF_OK;
}

/*
 * Text columns are always allocated (the printer never sees NULL): fill the integer
 * columns' text with "" once a row is complete.
 */
int
wf_report_row_finish(const struct wf_report *report, struct wf_report_cell *row,
		     struct wf_error *err)
{
	for (size_t c = 0; c < report->column_count; c++)
		if (row[c].text == NULL && wf_report_text(&row[c], "", err) != WF_OK)
			return WF_ERR_INTERNAL;
	return WF_OK;
}

void
wf_report_bounds(const struct wf_period *period, int64_t *from, int64_t *until)
{
	*from = period != NULL && period->from != 0 ? period->from : INT64_MIN;
	*until = period != NULL && period->until != 0 ? period->until : INT64_MAX;
}

/* ---------------------------------------------------------------- states */

static const struct wf_report_column state_columns[] = {
    {"state", "Status", "State", WF_CELL_TEXT},
    {"label_id", "Keterangan", "Label (Indonesian)", WF_CELL_TEXT},
    {"label_en", "Keterangan (Inggris)", "Label", WF_CELL_TEXT},
    {"applications", "Permohonan", "Applications", WF_CELL_INTEGER},
};

/* Without a period the (state, updated_at) index alone answers. */
static const char states_sql[] = "SELECT state, count(*) FROM applications GROUP BY state";
static const char states_period_sql[] =
    "SELECT state, count(*) FROM applications"
    " WHERE created_at >= ?1 AND created_at < ?2 GROUP BY state";

static int
count_states(struct wf_store *store, const struct wf_period *period, int64_t counts[WF_STATE_COUNT],
	     struct wf_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int64_t from, until;
	int r, rc, state;

	r = wf_prepare(store, period != NULL ? states_period_sql : states_sql, &stmt, err);
	if (r != WF_OK)
		return r;
	if (period != NULL) {
		wf_report_bounds(period, &from, &until);
		sqlite3_bind_int64(stmt, 1, from);
		sqlite3_bind_int64(stmt, 2, until);
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		state = wf_state_parse((const char *)sqlite3_column_text(stmt, 0));
		if (state < 0) {
			r = wf_fail(err, WF_ERR_DB, _("an application is in an unknown state \"%s\""),
				    (const char *)sqlite3_column_text(stmt, 0));
			break;
		}
		counts[state] = sqlite3_column_int64(stmt, 1);
	}
	if (r == WF_OK && rc != SQLITE_DONE)
		r = wf_fail_db(err, wf_store_db(store), _("counting applications by state"));
	sqlite3_finalize(stmt);
	return r;
}

int
wf_report_states(struct wf_store *store, const struct wf_period *period, struct wf_report **out,
		 struct wf_error *err)
{
	int64_t counts[WF_STATE_COUNT] = {0};
	struct wf_report *report = NULL;
	struct wf_report_cell *row;
	int r;

	if (store == NULL || out == NULL)
		return wf_fail(err, WF_ERR_INTERNAL, _("wf_report_states: bad arguments"));
	if ((r = count_states(store, period, counts, err)) != WF_OK)
		goto out;
	report = wf_report_new("states", "Permohonan menurut status", "Applications by state",
			       state_columns, sizeof(state_columns) / sizeof(state_columns[0]));
	for (int s = 0; s < WF_STATE_COUNT; s++) {
		if (report == NULL || (row = wf_report_row_add(report)) == NULL) {
			r = wf_report_oom(err);
			goto out;
		}
		row[3].number = counts[s];
		report->total += counts[s];
		if ((r = wf_report_text(&row[0], wf_state_name(s), err)) ||
		    (r = wf_report_text(&row[1], wf_state_label(s, true), err)) ||
		    (r = wf_report_text(&row[2], wf_state_label(s, false), err)) ||
		    (r = wf_report_row_finish(report, row, err)))
			goto out;
	}
	*out = report;
	report = NULL;
out:
	wf_report_free(report);
	return r;
}
