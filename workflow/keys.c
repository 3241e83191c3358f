/*
 * keys.c: steps 6 and 7 as the token layer reports them. Key generation is recorded as
 * an intent before the token is touched, then the key id, then the completion with the
 * CSR (the transition), so a crash in between leaves a record the command can resolve
 * by looking at the token. The certificate import is the step-7 transition.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workflow-int.h"

void
wf_key_record_clear(struct wf_key_record *record)
{
	if (!record)
		return;
	free(record->csr_pem);
	free(record->abandon_reason);
	memset(record, 0, sizeof(*record));
}

/* One statement inside the caller's transaction, with the open intent's id bound at ?1. */
static int
exec_on_open_key(struct wf_store *store, int64_t app_id, const char *sql, const char *text,
		 struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	int r;

	if ((r = wf_prepare(store, sql, &stmt, err)) != WF_OK)
		return r;
	wf_bind_int64(stmt, 1, app_id);
	wf_bind_text(stmt, 2, text);
	wf_bind_int64(stmt, 3, wf_store_now(store));
	if (wf_next(stmt) != WF_DONE)
		r = wf_fail_db(err, store, _("update key record"));
	else if (wf_changes(stmt) == 0)
		r = wf_fail(err, WF_ERR_NOT_FOUND,
			    _("no open key generation for this application"));
	wf_finalize(stmt);
	return r;
}

static int
insert_intent(struct wf_store *store, int64_t app_id, const struct wf_acting *acting,
	      const char *const texts[5], struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	int r;

	if ((r = wf_prepare(store,
			    "INSERT INTO keys (application_id, status, token_serial, token_model,"
			    " key_type, key_label, marker, actor_id, begun_at)"
			    " VALUES (?1, 'intent', ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
			    &stmt, err)) != WF_OK)
		return r;
	wf_bind_int64(stmt, 1, app_id);
	for (int i = 0; i < 5; i++)
		wf_bind_text(stmt, 2 + i, texts[i]);
	wf_bind_int64(stmt, 7, acting->actor.id);
	wf_bind_int64(stmt, 8, wf_store_now(store));
	int rc = wf_next(stmt);
	if (rc == WF_STEP_CONSTRAINT)
		r = wf_fail(err, WF_ERR_EXISTS,
			    _("a key generation is already open for this application"));
	else if (rc != WF_DONE)
		r = wf_fail_db(err, store, _("record key intent"));
	wf_finalize(stmt);
	return r;
}

static bool
is_hex(const char *text)
{
	if (!text || !*text || strlen(text) % 2 || strlen(text) > 128)
		return false;
	for (; *text; text++)
		if (!strchr("0123456789abcdefABCDEF", *text))
			return false;
	return true;
}

int
wf_key_begin(struct wf_store *store, const char *number, const struct wf_actor *actor,
	     const char *token_serial, const char *token_model, const char *key_type,
	     const char *key_label, const char *marker_hex, struct wf_error *err)
{
	const char *const texts[5] = {token_serial, token_model ? token_model : "", key_type,
				      key_label, marker_hex};
	struct wf_app_ref app;
	struct wf_acting acting;
	char allowed[256], detail[600];
	bool keep = false;
	int r;

	wf_error_clear(err);
	if (wf_text_empty(token_serial))
		return wf_fail_field(err, "token_serial", _("the token's serial is required"));
	if (wf_text_empty(key_type))
		return wf_fail_field(err, "key_type", _("the key type is required"));
	if (wf_text_empty(key_label))
		return wf_fail_field(err, "key_label", _("the key label is required"));
	if (!is_hex(marker_hex))
		return wf_fail_field(err, "marker", _("the key's marker is 1 to 64 bytes in hex"));
	if ((r = wf_tx_begin(store, err)) != WF_OK)
		return r;
	if ((r = wf_application_lookup(store, number, &app, err)) != WF_OK)
		goto out;
	r = wf_authorize(store, actor, WF_ROLE_KASI, 6, number, "key_begin", &acting, err);
	keep = r == WF_ERR_ROLE || r == WF_ERR_INVALID;
	if (r != WF_OK)
		goto out;
	if (app.state != WF_STATE_SENT) {
		r = wf_fail(err, WF_ERR_STATE,
			    _("a key is generated for an application in state %s; %s is %s;"
			      " allowed: %s"),
			    wf_state_label(WF_STATE_SENT, wf_indonesian()), number,
			    wf_state_label(app.state, wf_indonesian()),
			    wf_allowed_actions(app.state, allowed, sizeof(allowed)));
		goto out;
	}
	if ((r = insert_intent(store, app.id, &acting, texts, err)) != WF_OK)
		goto out;
	snprintf(detail, sizeof(detail), "token %s (%s), %s, label %s, marker %s", token_serial,
		 texts[1], key_type, key_label, marker_hex);
	struct wf_audit_entry entry = {acting.actor.login, "key", number,
				       "key_begin",	   "ok",  detail};
	r = wf_audit_append(store, &entry, err);
out:
	return wf_tx_end(store, r, keep, err);
}

/* These acts take no actor: the row names the official who began the intent. */
static int
audit_key_act(struct wf_store *store, int64_t app_id, const char *number, const char *action,
	      const char *detail, struct wf_error *err)
{
	struct wf_key_record key;
	int r = wf_key_read(store, app_id, &key, err);

	if (r == WF_OK) {
		struct wf_audit_entry entry = {key.actor_login, "key", number,
					       action,		"ok",  detail};
		r = wf_audit_append(store, &entry, err);
	}
	wf_key_record_clear(&key);
	return r;
}

int
wf_key_set_id(struct wf_store *store, const char *number, const char *key_id_hex,
	      struct wf_error *err)
{
	struct wf_app_ref app;
	int r;

	wf_error_clear(err);
	if (!is_hex(key_id_hex))
		return wf_fail_field(err, "key_id", _("the key id is 1 to 64 bytes in hex"));
	if ((r = wf_tx_begin(store, err)) != WF_OK)
		return r;
	if ((r = wf_application_lookup(store, number, &app, err)) != WF_OK ||
	    (r = exec_on_open_key(store, app.id,
				  "UPDATE keys SET status = 'generated', key_id = ?2"
				  " WHERE application_id = ?1 AND status IN ('intent', 'generated')"
				  "",
				  key_id_hex, err)) != WF_OK)
		goto out;
	r = audit_key_act(store, app.id, number, "key_set_id", key_id_hex, err);
out:
	return wf_tx_end(store, r, false, err);
}

/* Inside the step-6 transition: the open intent must know its key; it becomes complete. */
static int
complete_key(struct wf_store *store, const struct wf_app_ref *app, const struct wf_acting *acting,
	     void *arg, struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	int r;

	(void)acting;
	if ((r = exec_on_open_key(store, app->id,
				  "UPDATE keys SET status = 'complete', csr_pem = ?2,"
				  " completed_at = ?3 WHERE application_id = ?1"
				  " AND status = 'generated'",
				  arg, err)) != WF_ERR_NOT_FOUND)
		return r;
	/* Say which: nothing begun, or begun but the key id never recorded. */
	if ((r = wf_prepare(store,
			    "SELECT 1 FROM keys WHERE application_id = ?1"
			    " AND status = 'intent'",
			    &stmt, err)) != WF_OK)
		return r;
	wf_bind_int64(stmt, 1, app->id);
	bool intent = wf_next(stmt) == WF_ROW;
	wf_finalize(stmt);
	return wf_fail(err, WF_ERR_INCOMPLETE, _("%s"),
		       intent ? "the key's id was not recorded (wf_key_set_id)"
			      : "no key generation was begun (wf_key_begin)");
}

int
wf_key_complete(struct wf_store *store, const char *number, const struct wf_actor *actor,
		const char *csr_pem, struct wf_error *err)
{
	struct wf_hook hook = {complete_key, (void *)csr_pem};

	wf_error_clear(err);
	if (wf_text_empty(csr_pem) || !strstr(csr_pem, "-----BEGIN CERTIFICATE REQUEST-----"))
		return wf_fail_field(err, "csr", _("the CSR in PEM is required"));
	return wf_transition_run(store, number, WF_ACTION_RECORD_KEY, actor, NULL, &hook, err);
}

int
wf_key_abandon(struct wf_store *store, const char *number, const char *reason, struct wf_error *err)
{
	struct wf_app_ref app;
	int r;

	wf_error_clear(err);
	if (wf_text_empty(reason))
		return wf_fail_field(err, "reason",
				     _("abandoning a key generation needs a reason"));
	if ((r = wf_tx_begin(store, err)) != WF_OK)
		return r;
	if ((r = wf_application_lookup(store, number, &app, err)) != WF_OK ||
	    (r = exec_on_open_key(store, app.id,
				  "UPDATE keys SET status = 'abandoned', abandon_reason = ?2,"
				  " completed_at = ?3 WHERE application_id = ?1"
				  " AND status IN ('intent', 'generated')",
				  reason, err)) != WF_OK)
		goto out;
	r = audit_key_act(store, app.id, number, "key_abandon", reason, err);
out:
	return wf_tx_end(store, r, false, err);
}

int
wf_key_read(struct wf_store *store, int64_t app_id, struct wf_key_record *out, struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = wf_prepare(
		 store,
		 "SELECT k.status, k.token_serial, k.token_model, k.key_type, k.key_label,"
		 " k.key_id, o.login, k.begun_at, k.completed_at, k.csr_pem,"
		 " k.abandon_reason, k.marker FROM keys k JOIN officials o ON o.id = k.actor_id"
		 " WHERE k.application_id = ?1 ORDER BY k.id DESC LIMIT 1",
		 &stmt, err)) != WF_OK)
		return r;
	wf_bind_int64(stmt, 1, app_id);
	int rc = wf_next(stmt);
	if (rc == WF_ROW) {
		out->status = wf_key_status_parse(wf_column_text(stmt, 0));
		wf_column_copy(stmt, 1, out->token_serial, sizeof(out->token_serial));
		wf_column_copy(stmt, 2, out->token_model, sizeof(out->token_model));
		wf_column_copy(stmt, 3, out->key_type, sizeof(out->key_type));
		wf_column_copy(stmt, 4, out->key_label, sizeof(out->key_label));
		wf_column_copy(stmt, 5, out->key_id_hex, sizeof(out->key_id_hex));
		wf_column_copy(stmt, 6, out->actor_login, sizeof(out->actor_login));
		out->begun_at = wf_column_int64(stmt, 7);
		out->completed_at = wf_column_int64(stmt, 8);
		out->csr_pem = wf_column_dup(stmt, 9);
		out->abandon_reason = wf_column_dup(stmt, 10);
		wf_column_copy(stmt, 11, out->marker_hex, sizeof(out->marker_hex));
	} else if (rc == WF_DONE) {
		r = wf_fail(err, WF_ERR_NOT_FOUND, _("no key recorded for this application"));
	} else {
		r = wf_fail_db(err, store, _("read key record"));
	}
	wf_finalize(stmt);
	return r;
}

int
wf_key_get(struct wf_store *store, const char *number, struct wf_key_record *out,
	   struct wf_error *err)
{
	struct wf_app_ref app;
	int r;

	wf_error_clear(err);
	if ((r = wf_application_lookup(store, number, &app, err)) != WF_OK)
		return r;
	return wf_key_read(store, app.id, out, err);
}

struct certificate_args {
	const char *serial, *issuer, *subject;
	int64_t not_before, not_after;
	const char *sha256;
};

static int
insert_certificate(struct wf_store *store, const struct wf_app_ref *app,
		   const struct wf_acting *acting, void *arg, struct wf_error *err)
{
	const struct certificate_args *c = arg;
	struct wf_stmt *stmt = NULL;
	int r;

	(void)acting;
	if ((r = wf_prepare(store,
			    "INSERT INTO certificates (application_id, serial, issuer, subject,"
			    " not_before, not_after, imported_at, sha256) VALUES (?1, ?2, ?3, ?4, "
			    "?5, ?6, ?7, ?8)",
			    &stmt, err)) != WF_OK)
		return r;
	wf_bind_int64(stmt, 1, app->id);
	wf_bind_text(stmt, 2, c->serial);
	wf_bind_text(stmt, 3, c->issuer);
	wf_bind_text(stmt, 4, c->subject);
	wf_bind_int64(stmt, 5, c->not_before);
	wf_bind_int64(stmt, 6, c->not_after);
	wf_bind_int64(stmt, 7, wf_store_now(store));
	wf_bind_text(stmt, 8, c->sha256 != NULL ? c->sha256 : "");
	if (wf_next(stmt) != WF_DONE)
		r = wf_fail_db(err, store, _("record certificate"));
	wf_finalize(stmt);
	return r;
}

int
wf_certificate_record(struct wf_store *store, const char *number, const struct wf_actor *actor,
		      const char *serial_hex, const char *issuer, const char *subject,
		      int64_t not_before, int64_t not_after, const char *sha256,
		      struct wf_error *err)
{
	struct certificate_args args = {serial_hex, issuer, subject, not_before, not_after, sha256};
	struct wf_hook hook = {insert_certificate, &args};

	wf_error_clear(err);
	if (!is_hex(serial_hex))
		return wf_fail_field(err, "serial",
				     _("the certificate serial is required, in hex"));
	if (wf_text_empty(issuer))
		return wf_fail_field(err, "issuer", _("the certificate's issuer is required"));
	if (wf_text_empty(subject))
		return wf_fail_field(err, "subject", _("the certificate's subject is required"));
	if (not_after <= not_before)
		return wf_fail_field(err, "not_after", _("the validity period is empty"));
	if (sha256 != NULL && sha256[0] != '\0' && (strlen(sha256) != 64 || !is_hex(sha256)))
		return wf_fail_field(err, "sha256", _("the fingerprint is 64 hexadecimal digits"));
	return wf_transition_run(store, number, WF_ACTION_IMPORT_CERTIFICATE, actor, NULL, &hook,
				 err);
}

static void
read_number(struct wf_stmt *stmt, void *row)
{
	wf_column_copy(stmt, 0, row, WF_NUMBER_MAX);
}

/* Numbers of active applications whose certificate has run out, malloc'd. */
static int
collect_due(struct wf_store *store, char (**numbers)[WF_NUMBER_MAX], size_t *count,
	    struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	void *rows = NULL;
	int r;

	if ((r = wf_prepare(store,
			    "SELECT p.number FROM applications p WHERE p.state = 'active' AND"
			    " (SELECT c.not_after FROM certificates c WHERE c.application_id = p.id"
			    " ORDER BY c.id DESC LIMIT 1) <= ?1 ORDER BY p.id",
			    &stmt, err)) != WF_OK)
		return r;
	wf_bind_int64(stmt, 1, wf_store_now(store));
	if ((r = wf_collect_rows(store, stmt, WF_NUMBER_MAX, read_number,
				 _("find expired certificates"), &rows, count, err)) == WF_OK)
		*numbers = rows;
	return r;
}

int
wf_expire_due(struct wf_store *store, const struct wf_actor *actor, size_t *expired,
	      struct wf_error *err)
{
	char(*numbers)[WF_NUMBER_MAX] = NULL;
	size_t count = 0, done = 0;
	int r;

	wf_error_clear(err);
	if ((r = collect_due(store, &numbers, &count, err)) != WF_OK)
		return r;
	/* One transition each: a conflict on one (someone revoked it) stops with its error. */
	for (size_t i = 0; i < count; i++) {
		r = wf_act(store, numbers[i], WF_ACTION_EXPIRE, actor,
			   _("certificate validity ended"), err);
		if (r != WF_OK)
			break;
		done++;
	}
	free(numbers);
	if (expired)
		*expired = done;
	return r;
}
