/*
 * tokens.c: what the station recorded on each token, found by its serial: the keys begun
 * there with their applications, holders and certificates, and what was removed from it
 * outside a transition (an interrupted run's key, a renewed pair, a reset). The command
 * reads it to keep one token to one holder, and to tell a token's history.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workflow-int.h"

/* The states in which an application has a key on its token that is still its own. */
bool
wf_state_holds_key(enum wf_state state)
{
	static const enum wf_state holding[] = {
	    WF_STATE_KEY_GENERATED,
	    WF_STATE_CERTIFICATE_IMPORTED,
	    WF_STATE_ACTIVE,
	};

	for (size_t i = 0; i < sizeof(holding) / sizeof(holding[0]); i++)
		if (holding[i] == state)
			return true;
	return false;
}

static void
read_use(struct wf_stmt *stmt, void *row)
{
	struct wf_token_use *use = row;

	wf_column_copy(stmt, 0, use->number, sizeof(use->number));
	use->state = wf_state_parse(wf_column_text(stmt, 1));
	wf_column_copy(stmt, 2, use->full_name, sizeof(use->full_name));
	wf_column_copy(stmt, 3, use->nik, sizeof(use->nik));
	use->key_status = wf_key_status_parse(wf_column_text(stmt, 4));
	wf_column_copy(stmt, 5, use->key_type, sizeof(use->key_type));
	wf_column_copy(stmt, 6, use->key_id_hex, sizeof(use->key_id_hex));
	wf_column_copy(stmt, 7, use->marker_hex, sizeof(use->marker_hex));
	use->begun_at = wf_column_int64(stmt, 8);
	use->completed_at = wf_column_int64(stmt, 9);
	wf_column_copy(stmt, 10, use->certificate_serial, sizeof(use->certificate_serial));
	use->not_before = wf_column_int64(stmt, 11);
	use->not_after = wf_column_int64(stmt, 12);
	wf_column_copy(stmt, 13, use->token_serial, sizeof(use->token_serial));
}

/*
 * Key records with their applications, holders and certificates, by token or by person. A
 * certificate is the completed key's: an abandoned attempt of the same application shows none.
 */
#define USES_SELECT                                                                                \
	"SELECT a.number, a.state, ap.full_name, ap.nik, k.status, k.key_type, k.key_id,"          \
	" k.marker, k.begun_at, k.completed_at, c.serial, c.not_before, c.not_after,"              \
	" k.token_serial FROM keys k JOIN applications a ON a.id = k.application_id"               \
	" JOIN applicants ap ON ap.id = a.applicant_id LEFT JOIN certificates c"                   \
	" ON k.status = 'complete' AND c.id ="                                                     \
	" (SELECT max(id) FROM certificates WHERE application_id = a.id)"

static int
collect_uses(struct wf_store *store, bool by_token, const char *value, struct wf_token_use **out,
	     size_t *count, struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	void *rows = NULL;
	int r;

	wf_error_clear(err);
	if (wf_text_empty(value))
		return wf_fail_field(err, by_token ? "token_serial" : "nik", _("%s is required"),
				     by_token ? _("the token's serial") : _("the NIK"));
	if ((r = wf_prepare(store,
			    by_token ? USES_SELECT " WHERE k.token_serial = ?1 ORDER BY k.id"
				     : USES_SELECT " WHERE ap.nik = ?1 ORDER BY k.id",
			    &stmt, err)) != WF_OK)
		return r;
	wf_bind_text(stmt, 1, value);
	if ((r = wf_collect_rows(store, stmt, sizeof(struct wf_token_use), read_use,
				 _("read the key records"), &rows, count, err)) == WF_OK)
		*out = rows;
	return r;
}

int
wf_token_history(struct wf_store *store, const char *token_serial, struct wf_token_use **out,
		 size_t *count, struct wf_error *err)
{
	return collect_uses(store, true, token_serial, out, count, err);
}

int
wf_person_keys(struct wf_store *store, const char *nik, struct wf_token_use **out, size_t *count,
	       struct wf_error *err)
{
	return collect_uses(store, false, nik, out, count, err);
}

static void
read_event(struct wf_stmt *stmt, void *row)
{
	struct wf_token_event *event = row;

	event->at = wf_column_int64(stmt, 0);
	wf_column_copy(stmt, 1, event->action, sizeof(event->action));
	wf_column_copy(stmt, 2, event->number, sizeof(event->number));
	wf_column_copy(stmt, 3, event->key_id_hex, sizeof(event->key_id_hex));
	wf_column_copy(stmt, 4, event->detail, sizeof(event->detail));
	wf_column_copy(stmt, 5, event->actor_login, sizeof(event->actor_login));
	wf_column_copy(stmt, 6, event->actor_name, sizeof(event->actor_name));
}

int
wf_token_events(struct wf_store *store, const char *token_serial, struct wf_token_event **out,
		size_t *count, struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	void *rows = NULL;
	int r;

	wf_error_clear(err);
	if ((r = wf_prepare(
		 store,
		 "SELECT t.at, t.action, coalesce(a.number, ''), t.key_id, t.detail,"
		 " o.login, o.name FROM token_events t JOIN officials o ON o.id = t.actor_id"
		 " LEFT JOIN applications a ON a.id = t.application_id"
		 " WHERE t.token_serial = ?1 ORDER BY t.id",
		 &stmt, err)) != WF_OK)
		return r;
	wf_bind_text(stmt, 1, token_serial);
	if ((r = wf_collect_rows(store, stmt, sizeof(struct wf_token_event), read_event,
				 _("read the token's events"), &rows, count, err)) == WF_OK)
		*out = rows;
	return r;
}

static int
insert_event(struct wf_store *store, const char *token_serial, const struct wf_app_ref *app,
	     const char *action, const char *key_id_hex, const char *detail,
	     const struct wf_acting *acting, struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	int r;

	if ((r = wf_prepare(
		 store,
		 "INSERT INTO token_events (token_serial, application_id, action, key_id,"
		 " detail, actor_id, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
		 &stmt, err)) != WF_OK)
		return r;
	wf_bind_text(stmt, 1, token_serial);
	if (app != NULL)
		wf_bind_int64(stmt, 2, app->id);
	wf_bind_text(stmt, 3, action);
	wf_bind_text(stmt, 4, key_id_hex ? key_id_hex : "");
	wf_bind_text(stmt, 5, detail);
	wf_bind_int64(stmt, 6, acting->actor.id);
	wf_bind_int64(stmt, 7, wf_store_now(store));
	if (wf_next(stmt) != WF_DONE)
		r = wf_fail_db(err, store, _("record the token event"));
	wf_finalize(stmt);
	return r;
}

int
wf_token_record(struct wf_store *store, const struct wf_actor *actor, const char *token_serial,
		const char *number, const char *action, const char *key_id_hex, const char *detail,
		struct wf_error *err)
{
	struct wf_app_ref app;
	struct wf_acting acting;
	char line[1200];
	bool keep = false;
	int r;

	wf_error_clear(err);
	if (wf_text_empty(token_serial))
		return wf_fail_field(err, "token_serial", _("the token's serial is required"));
	if (action == NULL ||
	    (strcmp(action, "key_removed") != 0 && strcmp(action, "token_reset") != 0))
		return wf_fail_field(err, "action",
				     _("a token event is key_removed or token_reset"));
	if (wf_text_empty(detail))
		return wf_fail_field(err, "detail", _("say what was removed and why"));
	if ((r = wf_tx_begin(store, err)) != WF_OK)
		return r;
	if (number != NULL && (r = wf_application_lookup(store, number, &app, err)) != WF_OK)
		goto out;
	r = wf_authorize(store, actor, WF_ROLE_KASI, 0, number ? number : "", action, &acting, err);
	keep = r == WF_ERR_ROLE || r == WF_ERR_INVALID;
	if (r != WF_OK || (r = insert_event(store, token_serial, number ? &app : NULL, action,
					    key_id_hex, detail, &acting, err)) != WF_OK)
		goto out;
	snprintf(line, sizeof(line), "token %s%s%s: %s", token_serial, key_id_hex ? ", key " : "",
		 key_id_hex ? key_id_hex : "", detail);
	struct wf_audit_entry entry = {
	    acting.actor.login, "key", number ? number : "", action, "ok", line};
	r = wf_audit_append(store, &entry, err);
out:
	return wf_tx_end(store, r, keep, err);
}

int
wf_kasi_check(struct wf_store *store, const struct wf_actor *actor, const char *action,
	      struct wf_error *err)
{
	struct wf_acting acting;
	int r;

	wf_error_clear(err);
	if ((r = wf_tx_begin(store, err)) != WF_OK)
		return r;
	r = wf_authorize(store, actor, WF_ROLE_KASI, 0, "", action, &acting, err);
	if (r == WF_OK) {
		/* Nothing to write: the act is recorded later, its role checked again then. */
		wf_tx_rollback(store);
		return WF_OK;
	}
	return wf_tx_end(store, r, r == WF_ERR_ROLE || r == WF_ERR_INVALID, err);
}
