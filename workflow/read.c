/*
 * read.c: reading applications back: one application with everything recorded about
 * it (the handover receipt is printed from this), and the lists by state.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workflow-int.h"

/* The application's own columns before the applicant's, in the SELECT of read_main. */
enum main_column {
	MAIN_ID,
	MAIN_NUMBER,
	MAIN_STATE,
	MAIN_STEP,
	MAIN_REQUEST_TYPE,
	MAIN_CREATED_AT,
	MAIN_UPDATED_AT,
	MAIN_APPLICANT /* the field table's columns from here on */
};

static int
read_main(struct wf_store *store, const char *number, struct wf_application *app,
	  struct wf_error *err)
{
	char columns[WF_APPLICANT_COLUMNS_MAX], sql[2 * WF_APPLICANT_COLUMNS_MAX];
	struct wf_stmt *stmt = NULL;
	int r;

	if ((r = wf_applicant_columns("a.", columns, sizeof(columns), err)) != WF_OK)
		return r;
	snprintf(sql, sizeof(sql),
		 "SELECT p.id, p.number, p.state, p.step, p.request_type, p.created_at,"
		 " p.updated_at, %s FROM applications p JOIN applicants a ON a.id = p.applicant_id"
		 " WHERE p.number = ?1",
		 columns);
	if ((r = wf_prepare(store, sql, &stmt, err)) != WF_OK)
		return r;
	wf_bind_text(stmt, 1, number);
	int rc = wf_next(stmt);
	if (rc != WF_ROW) {
		r = rc == WF_DONE ? wf_fail(err, WF_ERR_NOT_FOUND, _("no application %s"), number)
				  : wf_fail_db(err, store, _("read application"));
		goto out;
	}
	app->id = wf_column_int64(stmt, MAIN_ID);
	wf_column_copy(stmt, MAIN_NUMBER, app->number, sizeof(app->number));
	app->state = wf_state_parse(wf_column_text(stmt, MAIN_STATE));
	app->step = wf_column_int(stmt, MAIN_STEP);
	app->request_type = wf_request_type_parse(wf_column_text(stmt, MAIN_REQUEST_TYPE));
	app->created_at = wf_column_int64(stmt, MAIN_CREATED_AT);
	app->updated_at = wf_column_int64(stmt, MAIN_UPDATED_AT);
	wf_applicant_read(stmt, MAIN_APPLICANT, &app->applicant);
out:
	wf_finalize(stmt);
	return r;
}

static int
read_documents(struct wf_store *store, struct wf_application *app, struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	int r, rc;

	for (int kind = 0; kind < WF_DOC_COUNT; kind++)
		app->documents[kind].kind = (enum wf_document_kind)kind;
	if ((r = wf_prepare(store,
			    "SELECT kind, received, received_at, scan_path, scan_sha256"
			    " FROM documents WHERE application_id = ?1",
			    &stmt, err)) != WF_OK)
		return r;
	wf_bind_int64(stmt, 1, app->id);
	while ((rc = wf_next(stmt)) == WF_ROW) {
		int kind = wf_document_parse(wf_column_text(stmt, 0));
		if (kind < 0)
			continue;
		struct wf_document *d = &app->documents[kind];
		d->received = wf_column_int(stmt, 1) != 0;
		d->received_at = wf_column_int64(stmt, 2);
		wf_column_copy(stmt, 3, d->scan_path, sizeof(d->scan_path));
		wf_column_copy(stmt, 4, d->scan_sha256, sizeof(d->scan_sha256));
	}
	if (rc != WF_DONE)
		r = wf_fail_db(err, store, _("read documents"));
	wf_finalize(stmt);
	return r;
}

static void
read_event(struct wf_stmt *stmt, struct wf_event *e)
{
	e->id = wf_column_int64(stmt, 0);
	e->step = wf_column_int(stmt, 1);
	wf_column_copy(stmt, 2, e->action, sizeof(e->action));
	wf_column_copy(stmt, 3, e->from_state, sizeof(e->from_state));
	wf_column_copy(stmt, 4, e->to_state, sizeof(e->to_state));
	wf_column_copy(stmt, 5, e->actor_login, sizeof(e->actor_login));
	wf_column_copy(stmt, 6, e->actor_name, sizeof(e->actor_name));
	e->role = (enum wf_role)wf_role_parse(wf_column_text(stmt, 7));
	wf_column_copy(stmt, 8, e->on_behalf_login, sizeof(e->on_behalf_login));
	wf_column_copy(stmt, 9, e->on_behalf_name, sizeof(e->on_behalf_name));
	e->paper_reference = wf_column_dup(stmt, 10);
	e->started_at = wf_column_int64(stmt, 11);
	e->ended_at = wf_column_int64(stmt, 12);
	e->minutes = wf_column_int(stmt, 13);
	e->standard_minutes = wf_column_int(stmt, 14);
	e->note = wf_column_dup(stmt, 15);
}

static int
read_events(struct wf_store *store, struct wf_application *app, struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	size_t cap = 0;
	int r, rc;

	if ((r = wf_prepare(
		 store,
		 "SELECT e.id, e.step, e.action, e.from_state, e.to_state, o.login, o.name,"
		 " e.role, b.login, b.name, e.paper_reference, e.started_at, e.ended_at,"
		 " e.minutes, e.standard_minutes, e.note FROM events e"
		 " JOIN officials o ON o.id = e.actor_id"
		 " LEFT JOIN officials b ON b.id = e.on_behalf_id"
		 " WHERE e.application_id = ?1 ORDER BY e.id",
		 &stmt, err)) != WF_OK)
		return r;
	wf_bind_int64(stmt, 1, app->id);
	while ((rc = wf_next(stmt)) == WF_ROW) {
		struct wf_event *bigger = wf_array_reserve(app->events, app->event_count, &cap,
							   sizeof(*app->events), err);
		if (!bigger) {
			r = WF_ERR_INTERNAL;
			goto out;
		}
		app->events = bigger;
		struct wf_event *e = &app->events[app->event_count++];
		memset(e, 0, sizeof(*e));
		read_event(stmt, e);
	}
	if (rc != WF_DONE)
		r = wf_fail_db(err, store, _("read events"));
out:
	wf_finalize(stmt);
	return r;
}

static int
read_certificate(struct wf_store *store, struct wf_application *app, struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	struct wf_certificate *c = &app->certificate;
	int r;

	if ((r = wf_prepare(
		 store,
		 "SELECT serial, issuer, subject, not_before, not_after, imported_at,"
		 " sha256 FROM certificates WHERE application_id = ?1 ORDER BY id DESC LIMIT 1",
		 &stmt, err)) != WF_OK)
		return r;
	wf_bind_int64(stmt, 1, app->id);
	int rc = wf_next(stmt);
	if (rc == WF_ROW) {
		app->has_certificate = true;
		wf_column_copy(stmt, 0, c->serial, sizeof(c->serial));
		c->issuer = wf_column_dup(stmt, 1);
		c->subject = wf_column_dup(stmt, 2);
		c->not_before = wf_column_int64(stmt, 3);
		c->not_after = wf_column_int64(stmt, 4);
		c->imported_at = wf_column_int64(stmt, 5);
		wf_column_copy(stmt, 6, c->sha256, sizeof(c->sha256));
		if (!c->issuer || !c->subject)
			r = wf_fail(err, WF_ERR_INTERNAL, _("out of memory"));
	} else if (rc != WF_DONE) {
		r = wf_fail_db(err, store, _("read certificate"));
	}
	wf_finalize(stmt);
	return r;
}

int
wf_application_get(struct wf_store *store, const char *number, struct wf_application **out,
		   struct wf_error *err)
{
	struct wf_application *app = NULL;
	int r;

	wf_error_clear(err);
	if (!store || !out)
		return wf_fail(err, WF_ERR_INTERNAL, _("wf_application_get: NULL argument"));
	if (!(app = calloc(1, sizeof(*app))))
		return wf_fail(err, WF_ERR_INTERNAL, _("out of memory"));
	/* One snapshot: all parts from the same moment even while others write. */
	if ((r = wf_read_begin(store, err)) != WF_OK)
		goto out;
	if ((r = read_main(store, number, app, err)) != WF_OK ||
	    (r = read_documents(store, app, err)) != WF_OK ||
	    (r = read_events(store, app, err)) != WF_OK ||
	    (r = read_certificate(store, app, err)) != WF_OK)
		goto out;
	r = wf_key_read(store, app->id, &app->key, err);
	app->has_key = r == WF_OK;
	if (r == WF_ERR_NOT_FOUND) {
		wf_error_clear(err);
		r = WF_OK;
	}
out:
	wf_read_end(store);
	if (r != WF_OK) {
		wf_application_free(app);
		return r;
	}
	*out = app;
	return WF_OK;
}

void
wf_application_free(struct wf_application *app)
{
	if (!app)
		return;
	for (size_t i = 0; i < app->event_count; i++) {
		free(app->events[i].paper_reference);
		free(app->events[i].note);
	}
	free(app->events);
	wf_key_record_clear(&app->key);
	free(app->certificate.issuer);
	free(app->certificate.subject);
	free(app);
}

static void
read_summary(struct wf_stmt *stmt, void *row)
{
	struct wf_summary *s = row;

	wf_column_copy(stmt, 0, s->number, sizeof(s->number));
	s->state = wf_state_parse(wf_column_text(stmt, 1));
	s->step = wf_column_int(stmt, 2);
	wf_column_copy(stmt, 3, s->full_name, sizeof(s->full_name));
	wf_column_copy(stmt, 4, s->work_unit, sizeof(s->work_unit));
	s->created_at = wf_column_int64(stmt, 5);
	s->updated_at = wf_column_int64(stmt, 6);
}

int
wf_list(struct wf_store *store, int state, size_t limit, size_t offset, struct wf_summary **out,
	size_t *count, struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	void *rows = NULL;
	int r;

	wf_error_clear(err);
	if (state < -1 || state >= WF_STATE_COUNT)
		return wf_fail_field(err, "state", _("unknown state %d"), state);
	/* Two statements, so that the filtered one is served by the (state, updated_at) index. */
	if ((r = wf_prepare(store,
			    state < 0
				? "SELECT p.number, p.state, p.step, a.full_name, a.work_unit,"
				  " p.created_at, p.updated_at FROM applications p"
				  " JOIN applicants a ON a.id = p.applicant_id"
				  " WHERE ?1 IS NULL"
				  " ORDER BY p.updated_at DESC, p.id DESC LIMIT ?2 OFFSET ?3"
				: "SELECT p.number, p.state, p.step, a.full_name, a.work_unit,"
				  " p.created_at, p.updated_at FROM applications p"
				  " JOIN applicants a ON a.id = p.applicant_id"
				  " WHERE p.state = ?1"
				  " ORDER BY p.updated_at DESC, p.id DESC LIMIT ?2 OFFSET ?3",
			    &stmt, err)) != WF_OK)
		return r;
	wf_bind_text(stmt, 1, state < 0 ? NULL : wf_state_name((enum wf_state)state));
	wf_bind_int64(stmt, 2, limit ? (int64_t)limit : INT64_MAX);
	wf_bind_int64(stmt, 3, (int64_t)offset);
	if ((r = wf_collect_rows(store, stmt, sizeof(**out), read_summary, _("list applications"),
				 &rows, count, err)) == WF_OK)
		*out = rows;
	return r;
}
