/*
 * sent.c: where an application's request went. The send (step 5) records the issuer
 * connector it goes through, in its own transaction, so that the certificate is fetched
 * from there even after the station's issuer setting has changed; and that setting is
 * changed only by a Kasi, with an audit row.
 */
#include <stdio.h>
#include <stdlib.h>

#include "workflow-int.h"

static int
record_issuer(struct wf_store *store, const struct wf_app_ref *app, const struct wf_acting *acting,
	      void *arg, struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	int r;

	(void)acting;
	if ((r = wf_prepare(store, "UPDATE applications SET issuer = ?1 WHERE id = ?2", &stmt,
			    err)) != WF_OK)
		return r;
	wf_bind_text(stmt, 1, arg);
	wf_bind_int64(stmt, 2, app->id);
	if (wf_next(stmt) != WF_DONE)
		r = wf_fail_db(err, store, _("record the issuer"));
	wf_finalize(stmt);
	return r;
}

int
wf_send(struct wf_store *store, const char *number, const struct wf_actor *actor, const char *note,
	const char *issuer, struct wf_error *err)
{
	struct wf_hook hook = {record_issuer, (void *)issuer};

	wf_error_clear(err);
	if (wf_text_empty(issuer))
		return wf_fail_field(err, "issuer", _("a request is sent through an issuer"));
	return wf_transition_run(store, number, WF_ACTION_SEND, actor, note, &hook, err);
}

int
wf_sent_issuer(struct wf_store *store, const char *number, char **issuer, struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	char *copy = NULL;
	int r;

	wf_error_clear(err);
	if ((r = wf_prepare(store, "SELECT issuer FROM applications WHERE number = ?1", &stmt,
			    err)) != WF_OK)
		return r;
	wf_bind_text(stmt, 1, number);
	int rc = wf_next(stmt);
	if (rc == WF_ROW && wf_column_text(stmt, 0) && *wf_column_text(stmt, 0)) {
		if (!(copy = wf_column_dup(stmt, 0)))
			r = wf_fail(err, WF_ERR_INTERNAL, _("out of memory"));
	} else if (rc == WF_ROW || rc == WF_DONE) {
		r = wf_fail(err, WF_ERR_NOT_FOUND, _("no issuer recorded for %s"), number);
	} else {
		r = wf_fail_db(err, store, _("read the issuer"));
	}
	wf_finalize(stmt);
	if (r == WF_OK)
		*issuer = copy;
	return r;
}

static int
set_settings(struct wf_store *store, const char *const *pairs, struct wf_error *err)
{
	int r = WF_OK;

	for (; pairs[0] != NULL && r == WF_OK; pairs += 2)
		if (pairs[1] != NULL)
			r = wf_setting_set(store, pairs[0], pairs[1], err);
	return r;
}

int
wf_settings_change(struct wf_store *store, const struct wf_actor *actor, const char *action,
		   const char *const *pairs, const char *detail, struct wf_error *err)
{
	struct wf_acting acting;
	bool keep;
	int r;

	wf_error_clear(err);
	if (wf_text_empty(action) || wf_text_empty(detail))
		return wf_fail_field(err, "detail", _("say which setting changed and to what"));
	if ((r = wf_tx_begin(store, err)) != WF_OK)
		return r;
	r = wf_authorize(store, actor, WF_ROLE_KASI, 0, "", action, &acting, err);
	keep = r == WF_ERR_ROLE || r == WF_ERR_INVALID;
	if (r != WF_OK || (r = set_settings(store, pairs, err)) != WF_OK)
		goto out;
	struct wf_audit_entry entry = {acting.actor.login, "admin", "", action, "ok", detail};
	r = wf_audit_append(store, &entry, err);
out:
	return wf_tx_end(store, r, keep, err);
}
