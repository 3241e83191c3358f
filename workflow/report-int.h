/*
 * report-int.h: what the report files share: building a report table row by row, and
 * a period's bounds. Internal to workflow/.
 */
#ifndef ENROLL_REPORT_INT_H
#define ENROLL_REPORT_INT_H

#include "workflow-int.h"

/* A report with no rows yet; NULL if out of memory. columns are static data. */
struct wf_report *wf_report_new(const char *key, const char *title_id, const char *title_en,
				const struct wf_report_column *columns, size_t column_count);
/* Append a zeroed row and return its first cell; NULL if out of memory. */
struct wf_report_cell *wf_report_row_add(struct wf_report *report);
/* Set a text cell to a copy of text (NULL as ""). WF_ERR_INTERNAL if out of memory. */
int wf_report_text(struct wf_report_cell *cell, const char *text, struct wf_error *err);
/* Mark the last row added as an agency's subtotal or the total. */
void wf_report_row_mark(struct wf_report *report, enum wf_row_kind kind);
/* Give the row's integer cells "" as text, so that no cell's text is ever NULL. */
int wf_report_row_finish(const struct wf_report *report, struct wf_report_cell *row,
			 struct wf_error *err);
/* Fill err for running out of memory; returns WF_ERR_INTERNAL. */
int wf_report_oom(struct wf_error *err);
/* A period's ends, open ends as INT64_MIN / INT64_MAX. period may be NULL. */
void wf_report_bounds(const struct wf_period *period, int64_t *from, int64_t *until);

/* Each report's columns (static data, indexed by its enum in workflow.h). */
extern const struct wf_report_column wf_holders_columns[WF_HOLDERS_COLUMN_COUNT];
extern const struct wf_report_column wf_states_columns[WF_STATES_COLUMN_COUNT];
extern const struct wf_report_column wf_steps_columns[WF_STEPS_COLUMN_COUNT];
extern const struct wf_report_column wf_overdue_columns[WF_OVERDUE_COLUMN_COUNT];

#endif
