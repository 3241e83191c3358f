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
	free(report->row_kinds);
	free(report->left_out);
	free(report);
}

const struct wf_report_cell *
wf_report_cell(const struct wf_report *report, size_t row, size_t column)
{
	if (report == NULL || row >= report->row_count || column >= report->column_count)
		return NULL;
	return &report->cells[row * report->column_count + column];
}

enum wf_row_kind
wf_report_row_kind(const struct wf_report *report, size_t row)
{
	if (report == NULL || row >= report->row_count)
		return WF_ROW_DATA;
	return report->row_kinds[row];
}

/* Append an empty row; its text cells are set by wf_report_text(). NULL if out of memory. */
struct wf_report_cell *
wf_report_row_add(struct wf_report *report)
{
	size_t n = report->column_count, rows = report->row_count + 1;
	struct wf_report_cell *cells;
	enum wf_row_kind *kinds;

	if ((kinds = realloc(report->row_kinds, rows * sizeof(*kinds))) == NULL)
		return NULL;
	report->row_kinds = kinds;
	cells = realloc(report->cells, rows * n * sizeof(*cells));
	if (cells == NULL)
		return NULL;
	memset(&cells[(rows - 1) * n], 0, n * sizeof(*cells));
	kinds[rows - 1] = WF_ROW_DATA;
	report->cells = cells;
	report->row_count = rows;
	return &cells[(rows - 1) * n];
}

void
wf_report_row_mark(struct wf_report *report, enum wf_row_kind kind)
{
	if (report->row_count > 0)
		report->row_kinds[report->row_count - 1] = kind;
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

const struct wf_report_column wf_states_columns[WF_STATES_COLUMN_COUNT] = {
    [WF_STATES_STATE] = {"state", "Status", "State", WF_CELL_TEXT, WF_COLUMN_ANY},
    [WF_STATES_LABEL_ID] = {"label_id", "Keterangan", "Label", WF_CELL_TEXT, WF_COLUMN_ID},
    [WF_STATES_LABEL_EN] = {"label_en", "Keterangan", "Label", WF_CELL_TEXT, WF_COLUMN_EN},
    [WF_STATES_APPLICATIONS] = {"applications", "Permohonan", "Applications", WF_CELL_INTEGER,
				WF_COLUMN_ANY},
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
	struct wf_stmt *stmt = NULL;
	int64_t from, until;
	int r, rc, state;

	r = wf_prepare(store, period != NULL ? states_period_sql : states_sql, &stmt, err);
	if (r != WF_OK)
		return r;
	if (period != NULL) {
		wf_report_bounds(period, &from, &until);
		wf_bind_int64(stmt, 1, from);
		wf_bind_int64(stmt, 2, until);
	}
	while ((rc = wf_next(stmt)) == WF_ROW) {
		state = wf_state_parse(wf_column_text(stmt, 0));
		if (state < 0) {
			r = wf_fail(err, WF_ERR_DB,
				    _("an application is in an unknown state \"%s\""),
				    wf_column_text(stmt, 0));
			break;
		}
		counts[state] = wf_column_int64(stmt, 1);
	}
	if (r == WF_OK && rc != WF_DONE)
		r = wf_fail_db(err, store, _("counting applications by state"));
	wf_finalize(stmt);
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
			       wf_states_columns, WF_STATES_COLUMN_COUNT);
	for (int s = 0; s < WF_STATE_COUNT; s++) {
		if (report == NULL || (row = wf_report_row_add(report)) == NULL) {
			r = wf_report_oom(err);
			goto out;
		}
		row[WF_STATES_APPLICATIONS].number = counts[s];
		report->total += counts[s];
		if ((r = wf_report_text(&row[WF_STATES_STATE], wf_state_name(s), err)) != WF_OK ||
		    (r = wf_report_text(&row[WF_STATES_LABEL_ID], wf_state_label(s, true), err)) !=
			WF_OK ||
		    (r = wf_report_text(&row[WF_STATES_LABEL_EN], wf_state_label(s, false), err)) !=
			WF_OK ||
		    (r = wf_report_row_finish(report, row, err)) != WF_OK)
			goto out;
	}
	*out = report;
	report = NULL;
out:
	wf_report_free(report);
	return r;
}

/* ---------------------------------------------------------------- the reports as a table */

static const struct wf_period *
request_period(const struct wf_report_request *request)
{
	return request->period.from != 0 || request->period.until != 0 ? &request->period : NULL;
}

static int
run_holders(struct wf_store *store, const struct wf_report_request *request, struct wf_report **out,
	    struct wf_error *err)
{
	return wf_report_holders(store, request_period(request), request->unit, out, err);
}

static int
run_states(struct wf_store *store, const struct wf_report_request *request, struct wf_report **out,
	   struct wf_error *err)
{
	return wf_report_states(store, request_period(request), out, err);
}

static int
run_steps(struct wf_store *store, const struct wf_report_request *request, struct wf_report **out,
	  struct wf_error *err)
{
	return wf_report_step_times(store, request_period(request), out, err);
}

static int
run_overdue(struct wf_store *store, const struct wf_report_request *request, struct wf_report **out,
	    struct wf_error *err)
{
	return wf_report_overdue(store, request->now, request->limit, out, err);
}

static const struct wf_report_kind reports[] = {
    {"holders", N_("TTE holders by agency, work unit and period of handover"), wf_holders_columns,
     WF_HOLDERS_COLUMN_COUNT, run_holders},
    {"states", N_("applications by state"), wf_states_columns, WF_STATES_COLUMN_COUNT, run_states},
    {"steps", N_("time taken per SOP step against its standard"), wf_steps_columns,
     WF_STEPS_COLUMN_COUNT, run_steps},
    {"overdue", N_("applications waiting past their step's standard time"), wf_overdue_columns,
     WF_OVERDUE_COLUMN_COUNT, run_overdue},
};

const struct wf_report_kind *
wf_reports(size_t *count)
{
	*count = sizeof(reports) / sizeof(reports[0]);
	return reports;
}

const struct wf_report_kind *
wf_report_find(const char *name)
{
	for (size_t i = 0; name != NULL && i < sizeof(reports) / sizeof(reports[0]); i++)
		if (strcmp(reports[i].name, name) == 0)
			return &reports[i];
	return NULL;
}
