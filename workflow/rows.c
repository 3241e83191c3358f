/*
 * rows.c: rows of one table written many to a statement (INSERT ... VALUES (...), (...)):
 * one round trip to a server for a thousand rows instead of one each. The audit replay's
 * records (audit-records.c) and bench/'s bulk load write through it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workflow-int.h"

/* Rows to a statement: 11 columns of 1,000 are within sqlite's 32,766 parameters. */
#define ROWS_MAX 1000

struct cell {
	char *text; /* malloc'd; NULL: the number, or NULL */
	int64_t number;
	bool null;
};

struct wf_rows {
	struct wf_store *store;
	const char *insert; /* "INSERT INTO table (columns...)" */
	const char *types;  /* a letter a column: 'i' a number, 't' a text */
	int columns;
	size_t count;
	struct cell *cells; /* count rows of columns cells */
	char *sql;	    /* the statement for ROWS_MAX rows, its VALUES cut for fewer */
	size_t *row_end;    /* where the statement ends after each row */
};

struct wf_rows *
wf_rows_new(struct wf_store *store, const char *insert, const char *types)
{
	struct wf_rows *t = calloc(1, sizeof(*t));
	size_t size = strlen(insert) + 16 + (size_t)ROWS_MAX * strlen(types) * 12, at;

	if (!t)
		return NULL;
	t->store = store;
	t->insert = insert;
	t->types = types;
	t->columns = (int)strlen(types);
	t->cells = calloc((size_t)ROWS_MAX * (size_t)t->columns, sizeof(*t->cells));
	t->sql = malloc(size);
	t->row_end = calloc(ROWS_MAX, sizeof(*t->row_end));
	if (!t->cells || !t->sql || !t->row_end) {
		wf_rows_free(t);
		return NULL;
	}
	at = (size_t)snprintf(t->sql, size, "%s VALUES ", insert);
	for (int row = 0, n = 1; row < ROWS_MAX; row++) {
		for (int c = 0; c < t->columns; c++, n++)
			at += (size_t)snprintf(t->sql + at, size - at, "%s?%d%s",
					       c == 0 ? (row == 0 ? "(" : ", (") : ", ", n,
					       c == t->columns - 1 ? ")" : "");
		t->row_end[row] = at;
	}
	return t;
}

/* The rows waiting, written in one statement, then let go. */
int
wf_rows_flush(struct wf_rows *t, struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	size_t end;
	char saved;
	int r;

	if (t->count == 0)
		return WF_OK;
	end = t->row_end[t->count - 1];
	saved = t->sql[end];
	t->sql[end] = '\0';
	r = wf_prepare(t->store, t->sql, &stmt, err);
	t->sql[end] = saved;
	for (size_t i = 0; r == WF_OK && i < t->count * (size_t)t->columns; i++) {
		if (t->cells[i].text)
			wf_bind_text(stmt, (int)i + 1, t->cells[i].text);
		else if (t->cells[i].null)
			wf_bind_null(stmt, (int)i + 1);
		else
			wf_bind_int64(stmt, (int)i + 1, t->cells[i].number);
	}
	if (r == WF_OK && wf_next(stmt) != WF_DONE)
		r = wf_fail_db(err, t->store, _("write rows"));
	wf_finalize(stmt);
	for (size_t i = 0; i < t->count * (size_t)t->columns; i++) {
		free(t->cells[i].text);
		t->cells[i].text = NULL;
	}
	t->count = 0;
	return r;
}

/* One row, its values in the order and of the types of wf_rows_new's; written when full. */
int
wf_rows_add(struct wf_rows *t, struct wf_error *err, ...)
{
	struct cell *row = t->cells + t->count * (size_t)t->columns;
	va_list values;
	int r = WF_OK;

	va_start(values, err);
	for (int c = 0; c < t->columns; c++) {
		const char *text;

		if (t->types[c] == 'i') {
			row[c].number = va_arg(values, int64_t);
		} else if (!(row[c].null = !(text = va_arg(values, const char *))) &&
			   !(row[c].text = strdup(text))) {
			r = wf_fail(err, WF_ERR_INTERNAL, _("out of memory"));
			break;
		}
	}
	va_end(values);
	if (r != WF_OK)
		return r;
	return ++t->count == ROWS_MAX ? wf_rows_flush(t, err) : WF_OK;
}

void
wf_rows_free(struct wf_rows *t)
{
	if (!t)
		return;
	for (size_t i = 0; t->cells && i < ROWS_MAX * (size_t)t->columns; i++)
		free(t->cells[i].text);
	free(t->cells);
	free(t->sql);
	free(t->row_end);
	free(t);
}
