/*
 * report.c: what the office reports from its records: the SOP's record duty (TTE
 * holders by work unit and period), applications by state, the time each step takes
 * against its standard, and applications waiting past their step's standard time.
 * Each report is a table of data; the command prints it as a table, CSV or JSON.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "workflow-int.h"

/* ---------------------------------------------------------------- the table itself */

static struct wf_report *
report_new(const char *key, const char *title_id, const char *title_en,
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

/* Append an empty row; its text cells are set by row_text(). NULL if out of memory. */
static struct wf_report_cell *
row_add(struct wf_report *report)
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

static int
out_of_memory(struct wf_error *err)
{
	return wf_fail(err, WF_ERR_INTERNAL, "out of memory building a report");
}

static int
row_text(struct wf_report_cell *cell, const char *text, struct wf_error *err)
{
	if ((cell->text = strdup(text != NULL ? text : "")) == NULL)
		return out_of_memory(err);
	return WF_OK;
}

/*
 * Text columns are always allocated (the printer never sees NULL): fill the integer
 * columns' text with "" once a row is complete.
 */
static int
row_finish(const struct wf_report *report, struct wf_report_cell *row, struct wf_error *err)
{
	for (size_t c = 0; c < report->column_count; c++)
		if (row[c].text == NULL && row_text(&row[c], "", err) != WF_OK)
			return WF_ERR_INTERNAL;
	return WF_OK;
}

static void
period_bounds(const struct wf_period *period, int64_t *from, int64_t *until)
{
	*from = period != NULL && period->from != 0 ? period->from : INT64_MIN;
	*until = period != NULL && period->until != 0 ? period->until : INT64_MAX;
}

/* ---------------------------------------------------------------- holders */

static const struct wf_report_column holder_columns[] = {
	{ "work_unit", "Unit kerja", "Work unit", WF_CELL_TEXT },
	{ "period", "Periode", "Period", WF_CELL_TEXT },
	{ "holders", "Pemegang TTE", "TTE holders", WF_CELL_INTEGER },
};

/*
 * An active application changes only by leaving active, so its updated_at is the time
 * of its handover; the (state, updated_at) index serves the period filter.
 */
#define HOLDERS_SQL(period_expression)                                                           \
	"SELECT ap.work_unit, " period_expression ", count(*) FROM applications a"               \
	" JOIN applicants ap ON ap.id = a.applicant_id"                                         \
	" WHERE a.state = 'active' AND a.updated_at >= ?1 AND a.updated_at < ?2"              \
	" GROUP BY 1, 2 ORDER BY 1, 2"
#define LOCAL_TIME "a.updated_at, 'unixepoch', 'localtime'"
static const char *const holders_sql[] = {
	[WF_PERIOD_MONTH] = HOLDERS_SQL("strftime('%Y-%m', " LOCAL_TIME ")"),
	[WF_PERIOD_QUARTER] = HOLDERS_SQL("strftime('%Y', " LOCAL_TIME ") || '-Q' || "
					  "((CAST(strftime('%m', " LOCAL_TIME ") AS INTEGER) + 2) / 3)"),
	[WF_PERIOD_YEAR] = HOLDERS_SQL("strftime('%Y', " LOCAL_TIME ")"),
	[WF_PERIOD_ALL] = HOLDERS_SQL("''"),
};

int
wf_report_holders(struct wf_store *store, const struct wf_period *period,
		  enum wf_period_unit unit, struct wf_report **out, struct wf_error *err)
{
	struct wf_report *report = NULL;
	struct wf_report_cell *row;
	sqlite3_stmt *stmt = NULL;
	int64_t from, until;
	int r = WF_ERR_INTERNAL, rc;

	if (store == NULL || out == NULL || (unsigned)unit > WF_PERIOD_ALL)
		return wf_fail(err, WF_ERR_INTERNAL, "wf_report_holders: bad arguments");
	report = report_new("holders", "Jumlah pemegang TTE", "TTE holders", holder_columns,
			    sizeof(holder_columns) / sizeof(holder_columns[0]));
	if (report == NULL) {
		r = out_of_memory(err);
		goto out;
	}
	if ((r = wf_prepare(store, holders_sql[unit], &stmt, err)) != WF_OK)
		goto out;
	period_bounds(period, &from, &until);
	sqlite3_bind_int64(stmt, 1, from);
	sqlite3_bind_int64(stmt, 2, until);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if ((row = row_add(report)) == NULL) {
			r = out_of_memory(err);
			goto out;
		}
		row[2].number = sqlite3_column_int64(stmt, 2);
		report->total += row[2].number;
		if ((r = row_text(&row[0], (const char *)sqlite3_column_text(stmt, 0), err)) ||
		    (r = row_text(&row[1], (const char *)sqlite3_column_text(stmt, 1), err)) ||
		    (r = row_finish(report, row, err)))
			goto out;
	}
	if (rc != SQLITE_DONE) {
		r = wf_fail_db(err, wf_store_db(store), "counting TTE holders");
		goto out;
	}
	*out = report;
	report = NULL;
	r = WF_OK;
out:
	sqlite3_finalize(stmt);
	wf_report_free(report);
	return r;
}

/* ---------------------------------------------------------------- states */

static const struct wf_report_column state_columns[] = {
	{ "state", "Status", "State", WF_CELL_TEXT },
	{ "label_id", "Keterangan", "Label (Indonesian)", WF_CELL_TEXT },
	{ "label_en", "Keterangan (Inggris)", "Label", WF_CELL_TEXT },
	{ "applications", "Permohonan", "Applications", WF_CELL_INTEGER },
};

/* Without a period the (state, updated_at) index alone answers. */
static const char states_sql[] = "SELECT state, count(*) FROM applications GROUP BY state";
static const char states_period_sql[] =
	"SELECT state, count(*) FROM applications"
	" WHERE created_at >= ?1 AND created_at < ?2 GROUP BY state";

static int
count_states(struct wf_store *store, const struct wf_period *period,
	     int64_t counts[WF_STATE_COUNT], struct wf_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int64_t from, until;
	int r, rc, state;

	r = wf_prepare(store, period != NULL ? states_period_sql : states_sql, &stmt, err);
	if (r != WF_OK)
		return r;
	if (period != NULL) {
		period_bounds(period, &from, &until);
		sqlite3_bind_int64(stmt, 1, from);
		sqlite3_bind_int64(stmt, 2, until);
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		state = wf_state_parse((const char *)sqlite3_column_text(stmt, 0));
		if (state < 0) {
			r = wf_fail(err, WF_ERR_DB, "an application is in an unknown state \"%s\"",
				    (const char *)sqlite3_column_text(stmt, 0));
			break;
		}
		counts[state] = sqlite3_column_int64(stmt, 1);
	}
	if (r == WF_OK && rc != SQLITE_DONE)
		r = wf_fail_db(err, wf_store_db(store), "counting applications by state");
	sqlite3_finalize(stmt);
	return r;
}

int
wf_report_states(struct wf_store *store, const struct wf_period *period,
		 struct wf_report **out, struct wf_error *err)
{
	int64_t counts[WF_STATE_COUNT] = { 0 };
	struct wf_report *report = NULL;
	struct wf_report_cell *row;
	int r;

	if (store == NULL || out == NULL)
		return wf_fail(err, WF_ERR_INTERNAL, "wf_report_states: bad arguments");
	if ((r = count_states(store, period, counts, err)) != WF_OK)
		goto out;
	report = report_new("states", "Permohonan menurut status", "Applications by state",
			    state_columns, sizeof(state_columns) / sizeof(state_columns[0]));
	for (int s = 0; s < WF_STATE_COUNT && r == WF_OK; s++) {
		if (report == NULL || (row = row_add(report)) == NULL) {
			r = out_of_memory(err);
			goto out;
		}
		row[3].number = counts[s];
		report->total += counts[s];
		if ((r = row_text(&row[0], wf_state_name(s), err)) ||
		    (r = row_text(&row[1], wf_state_label(s, true), err)) ||
		    (r = row_text(&row[2], wf_state_label(s, false), err)))
			goto out;
		r = row_finish(report, row, err);
	}
	if (r != WF_OK)
		goto out;
	*out = report;
	report = NULL;
out:
	wf_report_free(report);
	return r;
}

/* ---------------------------------------------------------------- step times */

static const struct wf_report_column step_columns[] = {
	{ "step", "Langkah", "Step", WF_CELL_INTEGER },
	{ "activity_id", "Aktivitas", "Activity (Indonesian)", WF_CELL_TEXT },
	{ "activity_en", "Aktivitas (Inggris)", "Activity", WF_CELL_TEXT },
	{ "acts", "Jumlah", "Acts", WF_CELL_INTEGER },
	{ "median_minutes", "Median (menit)", "Median (minutes)", WF_CELL_INTEGER },
	{ "worst_minutes", "Terlama (menit)", "Worst (minutes)", WF_CELL_INTEGER },
	{ "standard_minutes", "Standar (menit)", "Standard (minutes)", WF_CELL_INTEGER },
	{ "over_standard", "Melebihi standar", "Over standard", WF_CELL_INTEGER },
};

/*
 * Minutes are few distinct values: the database returns a histogram per step in index
 * order, and the median is read off it here instead of sorting every act.
 */
static const char step_times_sql[] =
	"SELECT step, action, minutes, count(*) FROM events"
	" WHERE step BETWEEN 1 AND 7 AND ended_at >= ?1 AND ended_at < ?2"
	" GROUP BY step, action, minutes";

/* One bucket of a step's histogram. */
struct minutes_bucket {
	int64_t minutes;
	int64_t acts;
};

struct step_histogram {
	struct minutes_bucket *buckets;
	size_t count;
};

/*
 * Whether an event's action completes its step (the submission, and every action of the
 * transition table that does not leave the procedure) rather than return, reject or
 * cancel the application.
 */
static bool
action_completes_step(const char *name)
{
	size_t count;
	const struct wf_transition *t = wf_transitions(&count);
	int action = wf_action_parse(name);
	bool found = false;

	if (name != NULL && strcmp(name, "submit") == 0)
		return true;
	for (size_t i = 0; action >= 0 && i < count; i++) {
		if ((int)t[i].action != action)
			continue;
		if (t[i].to == WF_STATE_RETURNED || t[i].to == WF_STATE_REJECTED ||
		    t[i].to == WF_STATE_CANCELLED || t[i].step == 0)
			return false;
		found = true;
	}
	return found;
}

static int
histogram_add(struct step_histogram *h, int64_t minutes, int64_t acts)
{
	struct minutes_bucket *b;

	for (size_t i = 0; i < h->count; i++)
		if (h->buckets[i].minutes == minutes) {
			h->buckets[i].acts += acts;
			return WF_OK;
		}
	if ((b = realloc(h->buckets, (h->count + 1) * sizeof(*b))) == NULL)
		return WF_ERR_INTERNAL;
	h->buckets = b;
	h->buckets[h->count].minutes = minutes;
	h->buckets[h->count++].acts = acts;
	return WF_OK;
}

static int
compare_buckets(const void *a, const void *b)
{
	int64_t x = ((const struct minutes_bucket *)a)->minutes;
	int64_t y = ((const struct minutes_bucket *)b)->minutes;

	return (x > y) - (x < y);
}

static int
read_histograms(struct wf_store *store, const struct wf_period *period,
		struct step_histogram histograms[8], struct wf_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int64_t from, until;
	int r, rc, step;

	if ((r = wf_prepare(store, step_times_sql, &stmt, err)) != WF_OK)
		return r;
	period_bounds(period, &from, &until);
	sqlite3_bind_int64(stmt, 1, from);
	sqlite3_bind_int64(stmt, 2, until);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		step = sqlite3_column_int(stmt, 0);
		if (!action_completes_step((const char *)sqlite3_column_text(stmt, 1)))
			continue;
		if (histogram_add(&histograms[step], sqlite3_column_int64(stmt, 2),
				  sqlite3_column_int64(stmt, 3)) != WF_OK) {
			r = out_of_memory(err);
			break;
		}
	}
	if (r == WF_OK && rc != SQLITE_DONE)
		r = wf_fail_db(err, wf_store_db(store), "reading the time taken by each step");
	sqlite3_finalize(stmt);
	return r;
}

/* Fill acts, median (the lower middle act), worst and over-standard from a histogram. */
static void
histogram_summary(struct step_histogram *h, int standard, struct wf_report_cell *row)
{
	int64_t acts = 0, seen = 0, over = 0;

	qsort(h->buckets, h->count, sizeof(h->buckets[0]), compare_buckets);
	for (size_t i = 0; i < h->count; i++) {
		acts += h->buckets[i].acts;
		if (h->buckets[i].minutes > standard)
			over += h->buckets[i].acts;
	}
	row[3].number = acts;
	for (size_t i = 0; i < h->count && acts > 0; i++) {
		seen += h->buckets[i].acts;
		if (seen > (acts - 1) / 2) {
			row[4].number = h->buckets[i].minutes;
			break;
		}
	}
	row[5].number = h->count > 0 ? h->buckets[h->count - 1].minutes : 0;
	row[6].number = standard;
	row[7].number = over;
}

int
wf_report_step_times(struct wf_store *store, const struct wf_period *period,
		     struct wf_report **out, struct wf_error *err)
{
	struct step_histogram histograms[8] = { { NULL, 0 } };
	const struct wf_step *steps;
	struct wf_report *report = NULL;
	struct wf_report_cell *row;
	size_t step_count;
	int r;

	if (store == NULL || out == NULL)
		return wf_fail(err, WF_ERR_INTERNAL, "wf_report_step_times: bad arguments");
	if ((r = read_histograms(store, period, histograms, err)) != WF_OK)
		goto out;
	steps = wf_steps(&step_count);
	report = report_new("step_times", "Waktu per langkah", "Time taken per step",
			    step_columns, sizeof(step_columns) / sizeof(step_columns[0]));
	for (size_t i = 0; i < step_count && r == WF_OK; i++) {
		if (report == NULL || (row = row_add(report)) == NULL) {
			r = out_of_memory(err);
			goto out;
		}
		row[0].number = steps[i].number;
		histogram_summary(&histograms[steps[i].number], steps[i].standard_minutes, row);
		report->total += row[3].number;
		if ((r = row_text(&row[1], steps[i].activity_id, err)) ||
		    (r = row_text(&row[2], steps[i].activity_en, err)))
			goto out;
		r = row_finish(report, row, err);
	}
	if (r != WF_OK)
		goto out;
	*out = report;
	report = NULL;
out:
	for (size_t i = 0; i < 8; i++)
		free(histograms[i].buckets);
	wf_report_free(report);
	return r;
}

/* ---------------------------------------------------------------- overdue */

static const struct wf_report_column overdue_columns[] = {
	{ "number", "Nomor", "Number", WF_CELL_TEXT },
	{ "state", "Status", "State", WF_CELL_TEXT },
	{ "step", "Langkah", "Step", WF_CELL_INTEGER },
	{ "role", "Pelaksana", "Role", WF_CELL_TEXT },
	{ "waiting_minutes", "Menunggu (menit)", "Waiting (minutes)", WF_CELL_INTEGER },
	{ "standard_minutes", "Standar (menit)", "Standard (minutes)", WF_CELL_INTEGER },
	{ "full_name", "Nama", "Name", WF_CELL_TEXT },
	{ "work_unit", "Unit kerja", "Work unit", WF_CELL_TEXT },
};
enum { OVERDUE_WAITING = 4 };

static const char overdue_sql[] =
	"SELECT a.number, a.step_started_at, ap.full_name, ap.work_unit FROM applications a"
	" JOIN applicants ap ON ap.id = a.applicant_id"
	" WHERE a.state = ?1 AND a.step_started_at < ?2"
	" ORDER BY a.step_started_at LIMIT ?3";
static const char overdue_count_sql[] =
	"SELECT count(*) FROM applications WHERE state = ?1 AND step_started_at < ?2";

/* The SOP step an application in this state waits for; 0 if it waits for none. */
static int
waiting_step(enum wf_state state)
{
	size_t count;
	const struct wf_transition *t = wf_transitions(&count);

	for (size_t i = 0; i < count; i++)
		if (t[i].from == state && t[i].step >= 1 && t[i].to != WF_STATE_RETURNED &&
		    t[i].to != WF_STATE_REJECTED && t[i].to != WF_STATE_CANCELLED)
			return t[i].step;
	return 0;
}

static int
overdue_row(struct wf_report *report, sqlite3_stmt *stmt, enum wf_state state,
	    const struct wf_step *step, int64_t now, struct wf_error *err)
{
	struct wf_report_cell *row = row_add(report);
	int r;

	if (row == NULL)
		return out_of_memory(err);
	row[2].number = step->number;
	row[OVERDUE_WAITING].number = (now - sqlite3_column_int64(stmt, 1)) / 60;
	row[5].number = step->standard_minutes;
	if ((r = row_text(&row[0], (const char *)sqlite3_column_text(stmt, 0), err)) ||
	    (r = row_text(&row[1], wf_state_name(state), err)) ||
	    (r = row_text(&row[3], wf_role_name(step->role), err)) ||
	    (r = row_text(&row[6], (const char *)sqlite3_column_text(stmt, 2), err)) ||
	    (r = row_text(&row[7], (const char *)sqlite3_column_text(stmt, 3), err)))
		return r;
	return row_finish(report, row, err);
}

/* Count, then read at most limit of, the overdue applications in one state. */
static int
overdue_in_state(struct wf_store *store, struct wf_report *report, enum wf_state state,
		 int64_t now, size_t limit, struct wf_error *err)
{
	const struct wf_step *step = wf_step(waiting_step(state));
	sqlite3_stmt *count = NULL, *rows = NULL;
	int r, rc = SQLITE_DONE;

	if (step == NULL)
		return WF_OK;
	if ((r = wf_prepare(store, overdue_count_sql, &count, err)) != WF_OK ||
	    (r = wf_prepare(store, overdue_sql, &rows, err)) != WF_OK)
		goto out;
	for (int i = 0; i < 2; i++) {
		sqlite3_stmt *stmt = i == 0 ? count : rows;

		sqlite3_bind_text(stmt, 1, wf_state_name(state), -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 2, now - (int64_t)step->standard_minutes * 60);
	}
	sqlite3_bind_int64(rows, 3, limit > 0 ? (int64_t)limit : -1);
	if ((rc = sqlite3_step(count)) == SQLITE_ROW) {
		report->total += sqlite3_column_int64(count, 0);
		while ((rc = sqlite3_step(rows)) == SQLITE_ROW)
			if ((r = overdue_row(report, rows, state, step, now, err)) != WF_OK)
				goto out;
	}
	if (rc != SQLITE_DONE)
		r = wf_fail_db(err, wf_store_db(store), "finding overdue applications");
out:
	sqlite3_finalize(count);
	sqlite3_finalize(rows);
	return r;
}

static int
compare_waiting(const void *a, const void *b)
{
	int64_t x = ((const struct wf_report_cell *)a)[OVERDUE_WAITING].number;
	int64_t y = ((const struct wf_report_cell *)b)[OVERDUE_WAITING].number;

	return (x < y) - (x > y);
}

/* Longest waiting first, then keep limit rows. */
static void
overdue_sort_and_cut(struct wf_report *report, size_t limit)
{
	size_t n = report->column_count;

	qsort(report->cells, report->row_count, n * sizeof(report->cells[0]), compare_waiting);
	while (limit > 0 && report->row_count > limit) {
		report->row_count--;
		for (size_t c = 0; c < n; c++)
			free(report->cells[report->row_count * n + c].text);
	}
}

int
wf_report_overdue(struct wf_store *store, int64_t now, size_t limit, struct wf_report **out,
		  struct wf_error *err)
{
	struct wf_report *report = NULL;
	int r = WF_OK;

	if (store == NULL || out == NULL)
		return wf_fail(err, WF_ERR_INTERNAL, "wf_report_overdue: bad arguments");
	if (now == 0)
		now = wf_store_now(store);
	report = report_new("overdue", "Permohonan melewati waktu standar",
			    "Applications past their step's standard time", overdue_columns,
			    sizeof(overdue_columns) / sizeof(overdue_columns[0]));
	if (report == NULL)
		return out_of_memory(err);
	for (int s = 0; s < WF_STATE_COUNT && r == WF_OK; s++)
		r = overdue_in_state(store, report, s, now, limit, err);
	if (r != WF_OK) {
		wf_report_free(report);
		return r;
	}
	overdue_sort_and_cut(report, limit);
	*out = report;
	return WF_OK;
}
