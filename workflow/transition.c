/*
 * transition.c: the state machine. Every transition is one writer's transaction (sqlite's
 * BEGIN IMMEDIATE): read the state, find (state, action) in the table, check the actor's
 * role, the transition's needs, run the caller's extra writes, move the state with a
 * guarded UPDATE, write the event and the audit row. Refusals are audited and committed.
 * An action with no extra writes none of whose transitions makes or ends a TTE holding
 * touches only its application: it runs as an act (wf_tx_begin_act), beside acts on others.
 */
#include <stdio.h>
#include <string.h>

#include "holdings.h"
#include "workflow-int.h"

static int
refuse(struct wf_store *store, const struct wf_actor *actor, const char *number, const char *action,
       int code, struct wf_error *err)
{
	struct wf_audit_entry entry = {actor && actor->login ? actor->login : "",
				       "refusal",
				       number,
				       action,
				       wf_status_name(code),
				       err ? err->message : ""};
	struct wf_error audit_err;
	int r = wf_audit_append(store, &entry, &audit_err);

	if (r != WF_OK) {
		if (err)
			*err = audit_err;
		return r;
	}
	return code;
}

static int
find_active(struct wf_store *store, const char *login, struct wf_official *out,
	    struct wf_error *err)
{
	int r = wf_official_find_by_login(store, login, out, err);

	if (r == WF_ERR_NOT_FOUND || r == WF_ERR_INVALID)
		return wf_fail(err, WF_ERR_ROLE, _("login %s is not a registered official"),
			       login ? login : _("(none)"));
	if (r == WF_OK && !out->active)
		return wf_fail(err, WF_ERR_ROLE, _("official %s is no longer active"), login);
	return r;
}

static int
check_on_behalf(struct wf_store *store, const struct wf_actor *actor, enum wf_role role, int step,
		struct wf_acting *out, struct wf_error *err)
{
	int r;

	if (role != WF_ROLE_KEPALA_DINAS && role != WF_ROLE_KABID)
		return wf_fail(err, WF_ERR_ROLE,
			       _("only dispositions (steps 2-3) may be recorded on behalf of an"
				 " official; step %d is not one"),
			       step);
	if (out->actor.role != WF_ROLE_KASI)
		return wf_fail(err, WF_ERR_ROLE, _("only the %s records on behalf; %s is %s"),
			       wf_role_label(WF_ROLE_KASI, wf_indonesian()), out->actor.name,
			       wf_role_label(out->actor.role, wf_indonesian()));
	if ((r = find_active(store, actor->on_behalf_login, &out->on_behalf, err)) != WF_OK)
		return r;
	if (out->on_behalf.role != role)
		return wf_fail(err, WF_ERR_ROLE, _("step %d is done by the %s; %s is %s"), step,
			       wf_role_label(role, wf_indonesian()), out->on_behalf.name,
			       wf_role_label(out->on_behalf.role, wf_indonesian()));
	if (wf_text_empty(actor->paper_reference))
		return wf_fail_field(err, "paper_reference",
				     _("recording on behalf of %s needs the paper disposition's"
				       " reference (number and date, or a scan)"),
				     out->on_behalf.name);
	out->paper_reference = actor->paper_reference;
	return WF_OK;
}

/* The step's activity in the messages' language; the action's name outside the seven steps. */
static const char *
step_activity(int step, const char *action)
{
	const struct wf_step *s = wf_step(step);

	if (s == NULL)
		return action;
	return wf_indonesian() ? s->activity_id : s->activity_en;
}

/* The Kasi's acts outside the seven steps, as a refusal names them. */
static const struct {
	const char *action;
	const char *label;
} kasi_acts[] = {
    {"edit_applicant", N_("correcting an applicant's data")},
    {"key_removed", N_("removing a key from a token")},
    {"token_reset", N_("resetting a token")},
    {"issuer_set", N_("changing the issuer")},
    {"scan_limit_set", N_("changing the largest scan")},
};

static int
refuse_role(int step, const char *action, enum wf_role role, const struct wf_acting *out,
	    struct wf_error *err)
{
	const char *act = action;

	if (step > 0)
		return wf_fail(err, WF_ERR_ROLE, _("step %d (%s) is done by the %s; %s is %s"),
			       step, step_activity(step, action),
			       wf_role_label(role, wf_indonesian()), out->actor.name,
			       wf_role_label(out->actor.role, wf_indonesian()));
	for (size_t i = 0; i < sizeof(kasi_acts) / sizeof(kasi_acts[0]); i++)
		if (strcmp(kasi_acts[i].action, action) == 0)
			act = _(kasi_acts[i].label);
	return wf_fail(err, WF_ERR_ROLE, _("%s is done by the %s; %s is %s"), act,
		       wf_role_label(role, wf_indonesian()), out->actor.name,
		       wf_role_label(out->actor.role, wf_indonesian()));
}

int
wf_authorize(struct wf_store *store, const struct wf_actor *actor, enum wf_role role, int step,
	     const char *number, const char *action, struct wf_acting *out, struct wf_error *err)
{
	int r;

	memset(out, 0, sizeof(*out));
	r = find_active(store, actor ? actor->login : NULL, &out->actor, err);
	if (r == WF_OK && actor->on_behalf_login && *actor->on_behalf_login)
		r = check_on_behalf(store, actor, role, step, out, err);
	else if (r == WF_OK && role != WF_ROLE_APPLICANT && out->actor.role != role)
		/* The applicant has no login: any official records the applicant's acts. */
		r = refuse_role(step, action, role, out, err);
	if (r == WF_ERR_ROLE || r == WF_ERR_INVALID)
		return refuse(store, actor, number, action, r, err);
	return r;
}

int
wf_application_lookup(struct wf_store *store, const char *number, struct wf_app_ref *out,
		      struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	int r;

	if (wf_text_empty(number))
		return wf_fail_field(err, "number", _("no application number"));
	if ((r = wf_prepare(store,
			    "SELECT id, state, step, step_started_at FROM applications"
			    " WHERE number = ?1",
			    &stmt, err)) != WF_OK)
		return r;
	wf_bind_text(stmt, 1, number);
	int rc = wf_next(stmt);
	if (rc == WF_ROW) {
		out->id = wf_column_int64(stmt, 0);
		out->state = wf_state_parse(wf_column_text(stmt, 1));
		out->step = wf_column_int(stmt, 2);
		out->step_started_at = wf_column_int64(stmt, 3);
		if ((int)out->state < 0)
			r = wf_fail(err, WF_ERR_DB, _("application %s has an unknown state"),
				    number);
	} else if (rc == WF_DONE) {
		r = wf_fail(err, WF_ERR_NOT_FOUND, _("no application %s"), number);
	} else {
		r = wf_fail_db(err, store, _("find application"));
	}
	wf_finalize(stmt);
	return r;
}

/* The documents not yet received, named in words in the message; WF_OK if none is missing. */
static int
check_documents(struct wf_store *store, int64_t app_id, struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	char missing[256] = "";
	size_t used = 0;
	int r, rc;

	if ((r = wf_prepare(store,
			    "SELECT kind FROM documents WHERE application_id = ?1 AND received = 0"
			    " ORDER BY kind",
			    &stmt, err)) != WF_OK)
		return r;
	wf_bind_int64(stmt, 1, app_id);
	while ((rc = wf_next(stmt)) == WF_ROW) {
		int kind = wf_document_parse(wf_column_text(stmt, 0));
		int n = snprintf(missing + used, sizeof(missing) - used, "%s%s", used ? ", " : "",
				 wf_document_label(kind, wf_indonesian()));
		if (n > 0 && (size_t)n < sizeof(missing) - used)
			used += (size_t)n;
	}
	if (rc != WF_DONE)
		r = wf_fail_db(err, store, _("check documents"));
	else if (used)
		r = wf_fail(err, WF_ERR_INCOMPLETE, _("documents not received: %s"), missing);
	wf_finalize(stmt);
	return r;
}

/* Leaving "sent" any other way than step 6 would orphan a key being made on a token. */
static int
check_no_open_key(struct wf_store *store, int64_t app_id, struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	int r;

	if ((r = wf_prepare(store,
			    "SELECT 1 FROM keys WHERE application_id = ?1"
			    " AND status IN ('intent', 'generated')",
			    &stmt, err)) != WF_OK)
		return r;
	wf_bind_int64(stmt, 1, app_id);
	int rc = wf_next(stmt);
	if (rc == WF_ROW)
		r = wf_fail(err, WF_ERR_EXISTS,
			    _("a key generation is open for this application: complete or abandon"
			      " it first"));
	else if (rc != WF_DONE)
		r = wf_fail_db(err, store, _("check key intent"));
	wf_finalize(stmt);
	return r;
}

static int
check_needs(struct wf_store *store, const struct wf_transition *t, const struct wf_app_ref *app,
	    const char *note, bool has_hook, struct wf_error *err)
{
	if ((t->needs & WF_NEED_NOTE) && wf_text_empty(note))
		return wf_fail_field(err, "note", _("%s needs a note: %s"),
				     wf_action_label(t->action, wf_indonesian()),
				     t->action == WF_ACTION_RETURN ? _("the missing items")
								   : _("the reason"));
	if ((t->needs & (WF_NEED_KEY | WF_NEED_CERTIFICATE)) && !has_hook)
		return wf_fail_field(
		    err, "action", _("%s is recorded with %s"), wf_action_name(t->action),
		    t->needs & WF_NEED_KEY ? "wf_key_complete()" : "wf_certificate_record()");
	if (t->needs & WF_NEED_DOCUMENTS)
		return check_documents(store, app->id, err);
	if (t->from == WF_STATE_SENT && t->action != WF_ACTION_RECORD_KEY)
		return check_no_open_key(store, app->id, err);
	return WF_OK;
}

/* The step the application has completed after t: returns and refusals complete none. */
static int
step_after(const struct wf_transition *t, int current)
{
	if (t->step == 0 || t->action == WF_ACTION_RETURN || t->action == WF_ACTION_REJECT)
		return current;
	return t->step;
}

static int
move_state(struct wf_store *store, const struct wf_transition *t, const struct wf_app_ref *app,
	   int64_t now, struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	int r;

	if ((r = wf_prepare(store,
			    "UPDATE applications SET state = ?1, step = ?2, updated_at = ?3,"
			    " step_started_at = ?3 WHERE id = ?4 AND state = ?5",
			    &stmt, err)) != WF_OK)
		return r;
	wf_bind_text(stmt, 1, wf_state_name(t->to));
	wf_bind_int64(stmt, 2, step_after(t, app->step));
	wf_bind_int64(stmt, 3, now);
	wf_bind_int64(stmt, 4, app->id);
	wf_bind_text(stmt, 5, wf_state_name(t->from));
	if (wf_next(stmt) != WF_DONE)
		r = wf_fail_db(err, store, _("change state"));
	else if (wf_changes(stmt) != 1)
		r = wf_fail(err, WF_ERR_CONFLICT, _("the application left state %s meanwhile"),
			    wf_state_label(t->from, wf_indonesian()));
	wf_finalize(stmt);
	return r;
}

int
wf_event_insert(struct wf_store *store, const struct wf_event_row *row, struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	int r;
	int64_t taken = row->ended_at - row->started_at;

	if ((r = wf_prepare(
		 store,
		 "INSERT INTO events (application_id, step, action, from_state, to_state,"
		 " actor_id, role, started_at, ended_at, minutes, standard_minutes, note,"
		 " on_behalf_id, paper_reference)"
		 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, NULLIF(?13, 0), ?14)",
		 &stmt, err)) != WF_OK)
		return r;
	wf_bind_int64(stmt, 1, row->app_id);
	wf_bind_int64(stmt, 2, row->step);
	wf_bind_text(stmt, 3, row->action);
	wf_bind_text(stmt, 4, row->from_state);
	wf_bind_text(stmt, 5, row->to_state);
	wf_bind_int64(stmt, 6, row->acting->actor.id);
	wf_bind_text(stmt, 7, wf_role_name(row->role));
	wf_bind_int64(stmt, 8, row->started_at);
	wf_bind_int64(stmt, 9, row->ended_at);
	wf_bind_int64(stmt, 10, taken > 0 ? (taken + 59) / 60 : 0);
	wf_bind_int64(stmt, 11, wf_step(row->step) ? wf_step(row->step)->standard_minutes : 0);
	wf_bind_text(stmt, 12, wf_text_empty(row->note) ? NULL : row->note);
	wf_bind_int64(stmt, 13, row->acting->on_behalf.id); /* 0: none, NULLIF in the SQL */
	wf_bind_text(stmt, 14, row->acting->paper_reference);
	if (wf_next(stmt) != WF_DONE)
		r = wf_fail_db(err, store, _("record event"));
	wf_finalize(stmt);
	return r;
}

static int
record_act(struct wf_store *store, const struct wf_transition *t, const struct wf_app_ref *app,
	   const struct wf_acting *acting, const char *number, const char *note,
	   struct wf_error *err)
{
	int64_t now = wf_store_now(store);
	struct wf_event_row row = {app->id,
				   t->step,
				   wf_action_name(t->action),
				   wf_state_name(t->from),
				   wf_state_name(t->to),
				   t->role,
				   acting,
				   app->step_started_at,
				   now,
				   note};
	char detail[600];
	int r;

	if ((r = move_state(store, t, app, now, err)) != WF_OK ||
	    (r = wf_event_insert(store, &row, err)) != WF_OK)
		return r;
	snprintf(detail, sizeof(detail), "%s -> %s, step %d as %s%s%s%s%s%s", row.from_state,
		 row.to_state, t->step, wf_role_name(t->role),
		 acting->on_behalf.id ? " on behalf of " : "",
		 acting->on_behalf.id ? acting->on_behalf.login : "",
		 acting->paper_reference ? " ref " : "",
		 acting->paper_reference ? acting->paper_reference : "",
		 wf_text_empty(note) ? "" : "; note given");
	struct wf_audit_entry entry = {acting->actor.login, "act", number,
				       row.action,	    "ok",  detail};
	return wf_audit_append(store, &entry, err);
}

/*
 * Inside the caller's transaction: the application exists, the table allows the action
 * in its state, and the actor holds the step's role. A refusal appends its audit row and
 * sets *keep so that the caller commits that row.
 */
static int
check_transition(struct wf_store *store, const char *number, enum wf_action action,
		 const struct wf_actor *actor, struct wf_app_ref *app,
		 const struct wf_transition **t, struct wf_acting *acting, bool *keep,
		 struct wf_error *err)
{
	char allowed[256];
	int r;

	*keep = false;
	if ((r = wf_application_lookup(store, number, app, err)) != WF_OK)
		return r;
	if (!(*t = wf_transition_find(app->state, action))) {
		wf_fail(err, WF_ERR_STATE,
			_("%s is not possible: application %s is in state %s;"
			  " allowed: %s"),
			wf_action_label(action, wf_indonesian()), number,
			wf_state_label(app->state, wf_indonesian()),
			wf_allowed_actions(app->state, allowed, sizeof(allowed)));
		r = refuse(store, actor, number, wf_action_name(action), WF_ERR_STATE, err);
		*keep = r == WF_ERR_STATE;
		return r;
	}
	r = wf_authorize(store, actor, (*t)->role, (*t)->step, number, wf_action_name(action),
			 acting, err);
	*keep = r == WF_ERR_ROLE || r == WF_ERR_INVALID;
	return r;
}

/* A TTE holder's state, by the holders summary's own list (holdings.h): they cannot drift. */
static bool
held(enum wf_state state)
{
	char quoted[40];

	snprintf(quoted, sizeof(quoted), "'%s'", wf_state_name(state));
	return strstr(WF_HELD_STATES, quoted) != NULL;
}

/*
 * Whether action touches only its application: none of its transitions makes or ends a TTE
 * holding, whose summary (by the applicant's NIK) reaches the applicant's other ones.
 */
static bool
acts_alone(enum wf_action action)
{
	size_t count;
	const struct wf_transition *t = wf_transitions(&count);

	for (size_t i = 0; i < count; i++)
		if (t[i].action == action && (held(t[i].from) || held(t[i].to)))
			return false;
	return true;
}

int
wf_transition_run(struct wf_store *store, const char *number, enum wf_action action,
		  const struct wf_actor *actor, const char *note, const struct wf_hook *hook,
		  struct wf_error *err)
{
	struct wf_app_ref app;
	struct wf_acting acting;
	const struct wf_transition *t;
	bool keep; /* commit although refused: the refusal's audit row */
	/* A hook's writes may reach past the application (a token, a key): as a writer. */
	bool alone = !hook && !wf_text_empty(number) && acts_alone(action);
	int r;

	wf_error_clear(err);
	if ((r = wf_tx_begin_act(store, alone ? number : NULL, err)) != WF_OK)
		return r;
	if ((r = check_transition(store, number, action, actor, &app, &t, &acting, &keep, err)) ==
		WF_OK &&
	    (r = check_needs(store, t, &app, note, hook != NULL, err)) == WF_OK &&
	    (!hook || (r = hook->fn(store, &app, &acting, hook->arg, err)) == WF_OK))
		r = record_act(store, t, &app, &acting, number, note, err);
	return wf_tx_end(store, r, keep, err);
}

int
wf_check(struct wf_store *store, const char *number, enum wf_action action,
	 const struct wf_actor *actor, struct wf_error *err)
{
	struct wf_app_ref app;
	struct wf_acting acting;
	const struct wf_transition *t;
	bool keep;
	int r;

	wf_error_clear(err);
	if (!store || (int)action < 0 || action >= WF_ACTION_COUNT)
		return wf_fail(err, WF_ERR_INTERNAL, _("wf_check: bad argument"));
	if ((r = wf_tx_begin(store, err)) != WF_OK)
		return r;
	r = check_transition(store, number, action, actor, &app, &t, &acting, &keep, err);
	if (r == WF_OK) {
		/* Nothing to write: the act itself comes later, checked again. */
		wf_tx_rollback(store);
		return WF_OK;
	}
	return wf_tx_end(store, r, keep, err);
}

int
wf_act(struct wf_store *store, const char *number, enum wf_action action,
       const struct wf_actor *actor, const char *note, struct wf_error *err)
{
	if (!store || (int)action < 0 || action >= WF_ACTION_COUNT)
		return wf_fail(err, WF_ERR_INTERNAL, _("wf_act: bad argument"));
	return wf_transition_run(store, number, action, actor, note, NULL, err);
}
