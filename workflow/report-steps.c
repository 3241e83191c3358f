/*
 * report-steps.c: the reports on time: how long each SOP step takes against its standard
 * minutes, and which applications wait past their current step's standard right now.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report-int.h"

/* ---------------------------------------------------------------- step times */

const struct wf_report_column wf_steps_columns[WF_STEPS_COLUMN_COUNT] = {
    [WF_STEPS_STEP] = {"step", "Tahap", "Step", WF_CELL_INTEGER, WF_COLUMN_ANY},
    [WF_STEPS_ACTIVITY_ID] = {"activity_id", "Aktivitas", "Activity", WF_CELL_TEXT, WF_COLUMN_ID},
    [WF_STEPS_ACTIVITY_EN] = {"activity_en", "Aktivitas", "Activity", WF_CELL_TEXT, WF_COLUMN_EN},
    [WF_STEPS_ACTS] = {"acts", "Jumlah", "Acts", WF_CELL_INTEGER, WF_COLUMN_ANY},
    [WF_STEPS_MEDIAN_MINUTES] = {"median_minutes", "Median (menit)", "Median (minutes)",
				 WF_CELL_INTEGER, WF_COLUMN_ANY},
    [WF_STEPS_WORST_MINUTES] = {"worst_minutes", "Terlama (menit)", "Worst (minutes)",
				WF_CELL_INTEGER, WF_COLUMN_ANY},
    [WF_STEPS_STANDARD_MINUTES] = {"standard_minutes", "Standar (menit)", "Standard (minutes)",
				   WF_CELL_INTEGER, WF_COLUMN_ANY},
    [WF_STEPS_OVER_STANDARD] = {"over_standard", "Melebihi standar", "Over standard",
				WF_CELL_INTEGER, WF_COLUMN_ANY},
};

/*
 * Whole UTC days come from the step_time_days summary the schema's trigger keeps; the
 * partial days at a period's ends from the events themselves (step IN (...) lets the
 * (step, ended_at) index serve each step's time range).
 */
static const char step_days_sql[] =
    "SELECT step, action, minutes, acts FROM step_time_days WHERE day >= ?1 AND day < ?2";
static const char step_events_sql[] =
    "SELECT step, action, minutes, count(*) FROM events"
    " WHERE step IN (1, 2, 3, 4, 5, 6, 7) AND ended_at >= ?1 AND ended_at < ?2"
    " GROUP BY step, action, minutes";

#define DAY_SECONDS 86400
#define STEP_MAX 7
/* Acts up to a week long are counted in an array indexed by minutes; longer ones listed. */
#define MINUTES_DIRECT (7 * 24 * 60)

struct minutes_bucket {
	int64_t minutes;
	int64_t acts;
};

/* The minutes taken by one step's acts, as counts per minute value. */
struct step_histogram {
	int64_t *direct; /* MINUTES_DIRECT counts, allocated on first use */
	struct minutes_bucket *overflow;
	size_t overflow_count;
};

struct step_reader {
	struct step_histogram steps[STEP_MAX + 1];
	char last_action[32]; /* rows come grouped by action: remember the last verdict */
	bool last_completes;
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

	if (minutes >= 0 && minutes < MINUTES_DIRECT) {
		if (h->direct == NULL &&
		    (h->direct = calloc(MINUTES_DIRECT, sizeof(int64_t))) == NULL)
			return WF_ERR_INTERNAL;
		h->direct[minutes] += acts;
		return WF_OK;
	}
	for (size_t i = 0; i < h->overflow_count; i++)
		if (h->overflow[i].minutes == minutes) {
			h->overflow[i].acts += acts;
			return WF_OK;
		}
	if ((b = realloc(h->overflow, (h->overflow_count + 1) * sizeof(*b))) == NULL)
		return WF_ERR_INTERNAL;
	h->overflow = b;
	h->overflow[h->overflow_count].minutes = minutes;
	h->overflow[h->overflow_count++].acts = acts;
	return WF_OK;
}

static int
reader_add(struct step_reader *reader, struct wf_stmt *stmt, struct wf_error *err)
{
	int step = wf_column_int(stmt, 0);
	const char *action = wf_column_text(stmt, 1);

	if (action == NULL || step < 1 || step > STEP_MAX)
		return WF_OK;
	if (strcmp(action, reader->last_action) != 0) {
		snprintf(reader->last_action, sizeof(reader->last_action), "%s", action);
		reader->last_completes = action_completes_step(action);
	}
	if (!reader->last_completes)
		return WF_OK;
	if (histogram_add(&reader->steps[step], wf_column_int64(stmt, 2),
			  wf_column_int64(stmt, 3)) != WF_OK)
		return wf_report_oom(err);
	return WF_OK;
}

/* Run one of the two queries over [from, until) and add what it returns. */
static int
read_range(struct wf_store *store, const char *sql, int64_t from, int64_t until,
	   struct step_reader *reader, struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	int r, rc;

	if (from >= until)
		return WF_OK;
	if ((r = wf_prepare(store, sql, &stmt, err)) != WF_OK)
		return r;
	wf_bind_int64(stmt, 1, from);
	wf_bind_int64(stmt, 2, until);
	while ((rc = wf_next(stmt)) == WF_ROW)
		if ((r = reader_add(reader, stmt, err)) != WF_OK)
			break;
	if (r == WF_OK && rc != WF_DONE)
		r = wf_fail_db(err, store, _("reading the time taken by each step"));
	wf_finalize(stmt);
	return r;
}

static int64_t
day_floor(int64_t t)
{
	return t / DAY_SECONDS - (t % DAY_SECONDS < 0);
}

/* Whole days from the summary, the partial first and last day from the events. */
static int
read_histograms(struct wf_store *store, const struct wf_period *period, struct step_reader *reader,
		struct wf_error *err)
{
	int64_t from, until, first_day, end_day;
	int r;

	wf_report_bounds(period, &from, &until);
	first_day = from == INT64_MIN ? INT64_MIN : day_floor(from - 1) + 1;
	end_day = until == INT64_MAX ? INT64_MAX : day_floor(until);
	if (first_day >= end_day)
		return read_range(store, step_events_sql, from, until, reader, err);
	if ((r = read_range(store, step_days_sql, first_day, end_day, reader, err)) != WF_OK)
		return r;
	if (first_day != INT64_MIN &&
	    (r = read_range(store, step_events_sql, from, first_day * DAY_SECONDS, reader, err)) !=
		WF_OK)
		return r;
	if (end_day != INT64_MAX)
		r = read_range(store, step_events_sql, end_day * DAY_SECONDS, until, reader, err);
	return r;
}

static int
compare_buckets(const void *a, const void *b)
{
	int64_t x = ((const struct minutes_bucket *)a)->minutes;
	int64_t y = ((const struct minutes_bucket *)b)->minutes;

	return (x > y) - (x < y);
}

/* The minutes of the act at rank (0-based, in order of minutes taken). */
static int64_t
histogram_rank(const struct step_histogram *h, int64_t rank)
{
	int64_t seen = 0;

	for (int64_t m = 0; h->direct != NULL && m < MINUTES_DIRECT; m++)
		if ((seen += h->direct[m]) > rank)
			return m;
	for (size_t i = 0; i < h->overflow_count; i++)
		if ((seen += h->overflow[i].acts) > rank)
			return h->overflow[i].minutes;
	return 0;
}

/* Fill acts, median (the lower middle act), worst and over-standard from a histogram. */
static void
histogram_summary(struct step_histogram *h, int standard, struct wf_report_cell *row)
{
	int64_t acts = 0, over = 0;

	if (h->overflow_count > 1) /* qsort must not see a NULL array */
		qsort(h->overflow, h->overflow_count, sizeof(h->overflow[0]), compare_buckets);
	for (int64_t m = 0; h->direct != NULL && m < MINUTES_DIRECT; m++) {
		acts += h->direct[m];
		over += m > standard ? h->direct[m] : 0;
	}
	for (size_t i = 0; i < h->overflow_count; i++) {
		acts += h->overflow[i].acts;
		over += h->overflow[i].minutes > standard ? h->overflow[i].acts : 0;
	}
	row[WF_STEPS_ACTS].number = acts;
	row[WF_STEPS_MEDIAN_MINUTES].number = acts > 0 ? histogram_rank(h, (acts - 1) / 2) : 0;
	row[WF_STEPS_WORST_MINUTES].number = acts > 0 ? histogram_rank(h, acts - 1) : 0;
	row[WF_STEPS_STANDARD_MINUTES].number = standard;
	row[WF_STEPS_OVER_STANDARD].number = over;
}

int
wf_report_step_times(struct wf_store *store, const struct wf_period *period, struct wf_report **out,
		     struct wf_error *err)
{
	struct step_reader reader;
	const struct wf_step *steps;
	struct wf_report *report = NULL;
	struct wf_report_cell *row;
	size_t step_count;
	int r;

	if (store == NULL || out == NULL)
		return wf_fail(err, WF_ERR_INTERNAL, _("wf_report_step_times: bad arguments"));
	memset(&reader, 0, sizeof(reader));
	if ((r = read_histograms(store, period, &reader, err)) != WF_OK)
		goto out;
	steps = wf_steps(&step_count);
	report = wf_report_new("step_times", "Waktu per tahap", "Time taken per step",
			       wf_steps_columns, WF_STEPS_COLUMN_COUNT);
	for (size_t i = 0; i < step_count; i++) {
		if (report == NULL || (row = wf_report_row_add(report)) == NULL) {
			r = wf_report_oom(err);
			goto out;
		}
		row[WF_STEPS_STEP].number = steps[i].number;
		histogram_summary(&reader.steps[steps[i].number], steps[i].standard_minutes, row);
		report->total += row[WF_STEPS_ACTS].number;
		if ((r = wf_report_text(&row[WF_STEPS_ACTIVITY_ID], steps[i].activity_id, err)) !=
			WF_OK ||
		    (r = wf_report_text(&row[WF_STEPS_ACTIVITY_EN], steps[i].activity_en, err)) !=
			WF_OK ||
		    (r = wf_report_row_finish(report, row, err)) != WF_OK)
			goto out;
	}
	*out = report;
	report = NULL;
out:
	for (size_t i = 0; i <= STEP_MAX; i++) {
		free(reader.steps[i].direct);
		free(reader.steps[i].overflow);
	}
	wf_report_free(report);
	return r;
}

/* ---------------------------------------------------------------- overdue */

const struct wf_report_column wf_overdue_columns[WF_OVERDUE_COLUMN_COUNT] = {
    [WF_OVERDUE_NUMBER] = {"number", "Nomor", "Number", WF_CELL_TEXT, WF_COLUMN_ANY},
    [WF_OVERDUE_STATE] = {"state", "Status", "State", WF_CELL_TEXT, WF_COLUMN_ANY},
    [WF_OVERDUE_STEP] = {"step", "Tahap", "Step", WF_CELL_INTEGER, WF_COLUMN_ANY},
    [WF_OVERDUE_ROLE] = {"role", "Pelaksana", "Role", WF_CELL_TEXT, WF_COLUMN_ANY},
    [WF_OVERDUE_WAITING_MINUTES] = {"waiting_minutes", "Menunggu (menit)", "Waiting (minutes)",
				    WF_CELL_INTEGER, WF_COLUMN_ANY},
    [WF_OVERDUE_STANDARD_MINUTES] = {"standard_minutes", "Standar (menit)", "Standard (minutes)",
				     WF_CELL_INTEGER, WF_COLUMN_ANY},
    [WF_OVERDUE_FULL_NAME] = {"full_name", "Nama", "Name", WF_CELL_TEXT, WF_COLUMN_ANY},
    [WF_OVERDUE_WORK_UNIT] = {"work_unit", "Unit kerja", "Work unit", WF_CELL_TEXT, WF_COLUMN_ANY},
};

/* The columns of overdue_sql. */
enum overdue_sql_column { SQL_NUMBER, SQL_STEP_STARTED_AT, SQL_FULL_NAME, SQL_WORK_UNIT };

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
overdue_row(struct wf_report *report, struct wf_stmt *stmt, enum wf_state state,
	    const struct wf_step *step, int64_t now, struct wf_error *err)
{
	struct wf_report_cell *row = wf_report_row_add(report);
	int r;

	if (row == NULL)
		return wf_report_oom(err);
	row[WF_OVERDUE_STEP].number = step->number;
	row[WF_OVERDUE_WAITING_MINUTES].number =
	    (now - wf_column_int64(stmt, SQL_STEP_STARTED_AT)) / 60;
	row[WF_OVERDUE_STANDARD_MINUTES].number = step->standard_minutes;
	if ((r = wf_report_text(&row[WF_OVERDUE_NUMBER], wf_column_text(stmt, SQL_NUMBER), err)) !=
		WF_OK ||
	    (r = wf_report_text(&row[WF_OVERDUE_STATE], wf_state_name(state), err)) != WF_OK ||
	    (r = wf_report_text(&row[WF_OVERDUE_ROLE], wf_role_name(step->role), err)) != WF_OK ||
	    (r = wf_report_text(&row[WF_OVERDUE_FULL_NAME], wf_column_text(stmt, SQL_FULL_NAME),
				err)) != WF_OK ||
	    (r = wf_report_text(&row[WF_OVERDUE_WORK_UNIT], wf_column_text(stmt, SQL_WORK_UNIT),
				err)) != WF_OK)
		return r;
	return wf_report_row_finish(report, row, err);
}

/* Count, then read at most limit of, the overdue applications in one state. */
static int
overdue_in_state(struct wf_store *store, struct wf_report *report, enum wf_state state, int64_t now,
		 size_t limit, struct wf_error *err)
{
	const struct wf_step *step = wf_step(waiting_step(state));
	struct wf_stmt *count = NULL, *rows = NULL;
	int r, rc = WF_DONE;

	if (step == NULL)
		return WF_OK;
	if ((r = wf_prepare(store, overdue_count_sql, &count, err)) != WF_OK ||
	    (r = wf_prepare(store, overdue_sql, &rows, err)) != WF_OK)
		goto out;
	for (int i = 0; i < 2; i++) {
		struct wf_stmt *stmt = i == 0 ? count : rows;

		wf_bind_text(stmt, 1, wf_state_name(state));
		wf_bind_int64(stmt, 2, now - (int64_t)step->standard_minutes * 60);
	}
	wf_bind_int64(rows, 3, limit > 0 ? (int64_t)limit : INT64_MAX);
	if ((rc = wf_next(count)) == WF_ROW) {
		report->total += wf_column_int64(count, 0);
		while ((rc = wf_next(rows)) == WF_ROW)
			if ((r = overdue_row(report, rows, state, step, now, err)) != WF_OK)
				goto out;
	}
	if (rc != WF_DONE)
		r = wf_fail_db(err, store, _("finding overdue applications"));
out:
	wf_finalize(count);
	wf_finalize(rows);
	return r;
}

static int
compare_waiting(const void *a, const void *b)
{
	int64_t x = ((const struct wf_report_cell *)a)[WF_OVERDUE_WAITING_MINUTES].number;
	int64_t y = ((const struct wf_report_cell *)b)[WF_OVERDUE_WAITING_MINUTES].number;

	return (x < y) - (x > y);
}

/* Longest waiting first, then keep limit rows. */
static void
overdue_sort_and_cut(struct wf_report *report, size_t limit)
{
	size_t n = report->column_count;

	if (report->row_count > 1)
		qsort(report->cells, report->row_count, n * sizeof(report->cells[0]),
		      compare_waiting);
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
		return wf_fail(err, WF_ERR_INTERNAL, _("wf_report_overdue: bad arguments"));
	if (now == 0)
		now = wf_store_now(store);
	report = wf_report_new("overdue", "Permohonan melewati waktu standar",
			       "Applications past their step's standard time", wf_overdue_columns,
			       WF_OVERDUE_COLUMN_COUNT);
	if (report == NULL)
		return wf_report_oom(err);
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
