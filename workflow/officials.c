/*
 * officials.c: the office and its officials, and the one place that decides whether
 * an OS login may perform a step: by the official's role, or for steps 2-3 by the Kasi
 * on behalf of the Kepala Dinas or Kabid with the paper disposition's reference. Each
 * official's terms are kept: an edit or a deactivation ends a row, never rewrites it.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workflow-int.h"

/* The admin audit row, in the change's own transaction: the two go together. */
static int
audit_admin(struct wf_store *store, const char *by_login, const char *action, const char *detail,
	    struct wf_error *err)
{
	struct wf_audit_entry entry = {by_login, "admin", "", action, "ok", detail};

	return wf_audit_append(store, &entry, err);
}

int
wf_office_set(struct wf_store *store, const struct wf_office *office, const char *by_login,
	      struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	int r;

	wf_error_clear(err);
	if (wf_text_empty(office->name))
		return wf_fail_field(err, "name", _("the office needs a name"));
	if (wf_text_empty(office->city))
		return wf_fail_field(err, "city", _("the office needs a city"));
	if ((r = wf_tx_begin(store, err)) != WF_OK)
		return r;
	if ((r = wf_prepare(
		 store,
		 "INSERT INTO office (id, name, city) VALUES (1, ?1, ?2) ON CONFLICT (id)"
		 " DO UPDATE SET name = excluded.name, city = excluded.city",
		 &stmt, err)) != WF_OK)
		goto out;
	wf_bind_text(stmt, 1, office->name);
	wf_bind_text(stmt, 2, office->city);
	if (wf_next(stmt) != WF_DONE) {
		r = wf_fail_db(err, store, _("set office"));
		goto out;
	}
	char detail[2 * WF_NAME_MAX + 8];
	snprintf(detail, sizeof(detail), "%s, %s", office->name, office->city);
	if ((r = audit_admin(store, by_login, "office_set", detail, err)) == WF_OK)
		r = wf_tx_commit(store, err);
out:
	wf_finalize(stmt);
	if (r != WF_OK)
		wf_tx_rollback(store);
	return r;
}

int
wf_office_get(struct wf_store *store, struct wf_office *out, struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	int r;

	wf_error_clear(err);
	if ((r = wf_prepare(store, "SELECT name, city FROM office WHERE id = 1", &stmt, err)) !=
	    WF_OK)
		return r;
	int rc = wf_next(stmt);
	if (rc == WF_ROW) {
		wf_column_copy(stmt, 0, out->name, sizeof(out->name));
		wf_column_copy(stmt, 1, out->city, sizeof(out->city));
	} else if (rc == WF_DONE) {
		r = wf_fail(err, WF_ERR_NOT_FOUND, _("the office is not set up yet"));
	} else {
		r = wf_fail_db(err, store, _("read office"));
	}
	wf_finalize(stmt);
	return r;
}

static int
check_official(const struct wf_official *official, struct wf_error *err)
{
	if (wf_text_empty(official->name))
		return wf_fail_field(err, "name", _("the official needs a name"));
	if (wf_text_empty(official->login))
		return wf_fail_field(err, "login",
				     _("the official needs the OS login they act from"));
	if (official->role != WF_ROLE_KEPALA_DINAS && official->role != WF_ROLE_KABID &&
	    official->role != WF_ROLE_KASI)
		return wf_fail_field(err, "role", _("an official is kepala_dinas, kabid or kasi"));
	return wf_validate_nip(official->nip, NULL, err);
}

#define OFFICIAL_COLUMNS                                                                           \
	"id, name, nip, role, login, active, position, created_at, ended_at, end_reason"

static void
read_official(struct wf_stmt *stmt, void *row)
{
	struct wf_official *out = row;

	memset(out, 0, sizeof(*out));
	out->id = wf_column_int64(stmt, 0);
	wf_column_copy(stmt, 1, out->name, sizeof(out->name));
	wf_column_copy(stmt, 2, out->nip, sizeof(out->nip));
	out->role = (enum wf_role)wf_role_parse(wf_column_text(stmt, 3));
	wf_column_copy(stmt, 4, out->login, sizeof(out->login));
	out->active = wf_column_int(stmt, 5) != 0;
	wf_column_copy(stmt, 6, out->position, sizeof(out->position));
	out->created_at = wf_column_int64(stmt, 7);
	out->ended_at = wf_column_int64(stmt, 8);
	wf_column_copy(stmt, 9, out->end_reason, sizeof(out->end_reason));
}

/* One official by key (?1); the active term first, then the latest. */
static int
find_one(struct wf_store *store, const char *sql, const char *key, struct wf_official *out,
	 struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	int r;

	wf_error_clear(err);
	if (wf_text_empty(key))
		return wf_fail_field(err, "login", _("no login given"));
	if ((r = wf_prepare(store, sql, &stmt, err)) != WF_OK)
		return r;
	wf_bind_text(stmt, 1, key);
	int rc = wf_next(stmt);
	if (rc == WF_ROW)
		read_official(stmt, out);
	else if (rc == WF_DONE)
		r = wf_fail(err, WF_ERR_NOT_FOUND, _("no official has the login or NIP %s"), key);
	else
		r = wf_fail_db(err, store, _("find official"));
	wf_finalize(stmt);
	return r;
}

int
wf_official_find_by_login(struct wf_store *store, const char *login, struct wf_official *out,
			  struct wf_error *err)
{
	return find_one(store,
			"SELECT " OFFICIAL_COLUMNS " FROM officials WHERE login = ?1"
			" ORDER BY active DESC, id DESC LIMIT 1",
			login, out, err);
}

int
wf_official_find(struct wf_store *store, const char *login_or_nip, struct wf_official *out,
		 struct wf_error *err)
{
	/* A NIP is 18 digits; no login is. */
	if (!login_or_nip || strlen(login_or_nip) != 18 || strspn(login_or_nip, "0123456789") != 18)
		return wf_official_find_by_login(store, login_or_nip, out, err);
	return find_one(store,
			"SELECT " OFFICIAL_COLUMNS " FROM officials WHERE nip = ?1"
			" ORDER BY active DESC, id DESC LIMIT 1",
			login_or_nip, out, err);
}

int
wf_official_list(struct wf_store *store, struct wf_official **out, size_t *count,
		 struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	void *rows = NULL;
	int r;

	wf_error_clear(err);
	if ((r = wf_prepare(store,
			    "SELECT " OFFICIAL_COLUMNS " FROM officials"
			    " WHERE superseded_by IS NULL ORDER BY id",
			    &stmt, err)) != WF_OK)
		return r;
	if ((r = wf_collect_rows(store, stmt, sizeof(**out), read_official, "list officials", &rows,
				 count, err)) == WF_OK)
		*out = rows;
	return r;
}

/* A refused change to the officials: audited in the caller's transaction, which commits. */
static int
refuse_admin(struct wf_store *store, const char *by_login, const char *action, struct wf_error *err)
{
	struct wf_audit_entry entry = {
	    by_login, "refusal", "", action, wf_status_name(WF_ERR_ROLE), err->message};
	struct wf_error audit_err;

	if (wf_audit_append(store, &entry, &audit_err) != WF_OK) {
		*err = audit_err;
		return audit_err.code;
	}
	return WF_ERR_ROLE;
}

/* Only an active kasi adds, edits or deactivates officials. */
static int
authorize_admin(struct wf_store *store, const char *by_login, const char *action,
		struct wf_error *err)
{
	struct wf_official actor;
	int r = wf_official_find_by_login(store, by_login, &actor, err);

	if (r == WF_ERR_NOT_FOUND || r == WF_ERR_INVALID)
		r = wf_fail(
		    err, WF_ERR_ROLE,
		    _("only the kasi manages the officials; %s is not a registered official"),
		    by_login ? by_login : "(none)");
	else if (r == WF_OK && !actor.active)
		r = wf_fail(err, WF_ERR_ROLE,
			    _("only the kasi manages the officials; %s is no longer active"),
			    by_login);
	else if (r == WF_OK && actor.role != WF_ROLE_KASI)
		r = wf_fail(err, WF_ERR_ROLE, _("only the kasi manages the officials; %s is %s"),
			    by_login, wf_role_name(actor.role));
	return r == WF_ERR_ROLE ? refuse_admin(store, by_login, action, err) : r;
}

static int
count_officials(struct wf_store *store, const char *sql, int64_t *count, struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	int r;

	if ((r = wf_prepare(store, sql, &stmt, err)) != WF_OK)
		return r;
	if (wf_next(stmt) == WF_ROW)
		*count = wf_column_int64(stmt, 0);
	else
		r = wf_fail_db(err, store, _("count officials"));
	wf_finalize(stmt);
	return r;
}

/* The first official is the station's kasi registering themself (at init); then the kasi. */
/* The session is the store's owner: on a server, the administrator who ran init. */
bool
wf_session_is_owner(struct wf_store *store)
{
	const char *sql = wf_query_sql(store, WF_Q_IS_OWNER);
	struct wf_stmt *stmt = NULL;
	bool owner = false;

	if (sql && wf_prepare(store, sql, &stmt, NULL) == WF_OK)
		owner = wf_next(stmt) == WF_ROW && wf_column_int64(stmt, 0) == 1;
	wf_finalize(stmt);
	return owner;
}

static int
authorize_add(struct wf_store *store, const struct wf_official *official, const char *by_login,
	      struct wf_error *err)
{
	int64_t count = 0;
	int r;

	if ((r = count_officials(store, "SELECT count(*) FROM officials", &count, err)) != WF_OK)
		return r;
	if (count > 0)
		return authorize_admin(store, by_login, "official_add", err);
	/* On a server, the database's administrator may set the store up for its Kasi. */
	if (official->role == WF_ROLE_KASI && by_login &&
	    (strcmp(by_login, official->login) == 0 || wf_session_is_owner(store)))
		return WF_OK;
	wf_fail(err, WF_ERR_ROLE,
		_("the office's first official is its kasi, registered by themself (enroll init)"));
	return refuse_admin(store, by_login, "official_add", err);
}

/* One person, one role at a time: no other active term with this login or NIP. */
static int
check_one_role(struct wf_store *store, const struct wf_official *official, int64_t except_id,
	       struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	struct wf_official other;
	int r;

	if ((r = wf_prepare(store,
			    "SELECT " OFFICIAL_COLUMNS " FROM officials WHERE active = 1"
			    " AND id <> ?3 AND (login = ?1 OR nip = ?2) LIMIT 1",
			    &stmt, err)) != WF_OK)
		return r;
	wf_bind_text(stmt, 1, official->login);
	wf_bind_text(stmt, 2, official->nip);
	wf_bind_int64(stmt, 3, except_id);
	int rc = wf_next(stmt);
	if (rc == WF_ROW) {
		read_official(stmt, &other);
		r = wf_fail(err, WF_ERR_EXISTS,
			    _("%s (NIP %s, login %s) already holds the role %s: one person holds"
			      " one role at a time (to change it, deactivate them, then add)"),
			    other.name, other.nip, other.login, wf_role_name(other.role));
	} else if (rc != WF_DONE) {
		r = wf_fail_db(err, store, _("check official"));
	}
	wf_finalize(stmt);
	return r;
}

static int
insert_official(struct wf_store *store, const struct wf_official *official, int64_t *id,
		struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	int r;

	if ((r = wf_prepare(store,
			    "INSERT INTO officials (name, nip, role, login, created_at, active,"
			    " position) VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6) RETURNING id",
			    &stmt, err)) != WF_OK)
		return r;
	wf_bind_text(stmt, 1, official->name);
	wf_bind_text(stmt, 2, official->nip);
	wf_bind_text(stmt, 3, wf_role_name(official->role));
	wf_bind_text(stmt, 4, official->login);
	wf_bind_int64(stmt, 5, wf_store_now(store));
	wf_bind_text(stmt, 6, official->position);
	if (wf_next(stmt) == WF_ROW)
		*id = wf_column_int64(stmt, 0);
	else
		r = wf_fail_db(err, store, _("add official"));
	wf_finalize(stmt);
	return r;
}

int
wf_official_grant_login(struct wf_store *store, const char *login, struct wf_error *err)
{
	const char *sql = wf_query_sql(store, WF_Q_GRANT_LOGIN);
	struct wf_stmt *stmt = NULL;
	int r;

	if (!sql)
		return WF_OK;
	if ((r = wf_prepare(store, sql, &stmt, err)) != WF_OK)
		return r;
	wf_bind_text(stmt, 1, login);
	if (wf_next(stmt) != WF_ROW)
		r = wf_fail_db(err, store, _("let the official's login into the database"));
	wf_finalize(stmt);
	return r;
}

int
wf_official_add(struct wf_store *store, const struct wf_official *official, const char *by_login,
		int64_t *out_id, struct wf_error *err)
{
	char detail[2 * WF_NAME_MAX + 128];
	int64_t id = 0;
	int r;

	wf_error_clear(err);
	if ((r = check_official(official, err)) != WF_OK)
		return r;
	if ((r = wf_tx_begin(store, err)) != WF_OK)
		return r;
	if ((r = authorize_add(store, official, by_login, err)) == WF_OK &&
	    (r = check_one_role(store, official, 0, err)) == WF_OK &&
	    (r = insert_official(store, official, &id, err)) == WF_OK &&
	    (r = wf_official_grant_login(store, official->login, err)) == WF_OK) {
		snprintf(detail, sizeof(detail), "%s (%s), %s, NIP %s%s%s", official->login,
			 wf_role_name(official->role), official->name, official->nip,
			 official->position[0] ? ", " : "", official->position);
		r = audit_admin(store, by_login, "official_add", detail, err);
	}
	r = wf_tx_end(store, r, r == WF_ERR_ROLE, err);
	if (r == WF_OK && out_id)
		*out_id = id;
	return r;
}

/* The official's current term, which must still be active. */
static int
find_active_term(struct wf_store *store, const char *login_or_nip, struct wf_official *out,
		 struct wf_error *err)
{
	int r = wf_official_find(store, login_or_nip, out, err);

	if (r == WF_OK && !out->active)
		r = wf_fail(err, WF_ERR_STATE,
			    _("%s (login %s) is no longer active; their records stay as they are"),
			    out->name, out->login);
	return r;
}

/* End a term: as an edit's predecessor (successor set) or a deactivation (reason). */
static int
end_term(struct wf_store *store, int64_t id, const char *reason, struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	int r;

	if ((r = wf_prepare(store,
			    "UPDATE officials SET active = 0, ended_at = ?2, end_reason = ?3"
			    " WHERE id = ?1 AND active = 1",
			    &stmt, err)) != WF_OK)
		return r;
	wf_bind_int64(stmt, 1, id);
	wf_bind_int64(stmt, 2, wf_store_now(store));
	wf_bind_text(stmt, 3, reason ? reason : "");
	if (wf_next(stmt) != WF_DONE)
		r = wf_fail_db(err, store, _("end official's term"));
	else if (wf_changes(stmt) != 1)
		r = wf_fail(err, WF_ERR_CONFLICT, _("the official was changed meanwhile"));
	wf_finalize(stmt);
	return r;
}

static int
link_successor(struct wf_store *store, int64_t id, int64_t successor, struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	int r;

	if ((r = wf_prepare(store, "UPDATE officials SET superseded_by = ?2 WHERE id = ?1", &stmt,
			    err)) != WF_OK)
		return r;
	wf_bind_int64(stmt, 1, id);
	wf_bind_int64(stmt, 2, successor);
	if (wf_next(stmt) != WF_DONE)
		r = wf_fail_db(err, store, _("link official's terms"));
	wf_finalize(stmt);
	return r;
}

/* The edited term from the old one; refused whole if a value does not fit or is bad. */
static int
apply_change(const struct wf_official *old, const struct wf_official_change *change,
	     struct wf_official *next, struct wf_error *err)
{
	int r;

	*next = *old;
	if ((change->name && (r = wf_text_copy(next->name, sizeof(next->name), change->name, "name",
					       err)) != WF_OK) ||
	    (change->nip &&
	     (r = wf_text_copy(next->nip, sizeof(next->nip), change->nip, "nip", err)) != WF_OK) ||
	    (change->position && (r = wf_text_copy(next->position, sizeof(next->position),
						   change->position, "position", err)) != WF_OK))
		return r;
	if ((r = check_official(next, err)) != WF_OK)
		return r;
	if (strcmp(next->name, old->name) == 0 && strcmp(next->nip, old->nip) == 0 &&
	    strcmp(next->position, old->position) == 0)
		return wf_fail_field(
		    err, "name", _("nothing changes: %s already has these details"), old->login);
	return WF_OK;
}

/* "name 'A' -> 'B'; nip X -> Y" for the audit row. */
static void
describe_change(const struct wf_official *old, const struct wf_official *next, char *buf,
		size_t size)
{
	static const struct {
		const char *label;
		size_t offset;
	} fields[] = {
	    {"name", offsetof(struct wf_official, name)},
	    {"nip", offsetof(struct wf_official, nip)},
	    {"position", offsetof(struct wf_official, position)},
	};
	size_t used = (size_t)snprintf(buf, size, "%s (%s):", old->login, wf_role_name(old->role));

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]) && used < size; i++) {
		const char *from = (const char *)old + fields[i].offset;
		const char *to = (const char *)next + fields[i].offset;
		if (strcmp(from, to) != 0)
			used += (size_t)snprintf(buf + used, size - used, " %s '%s' -> '%s';",
						 fields[i].label, from, to);
	}
}

int
wf_official_edit(struct wf_store *store, const char *login_or_nip,
		 const struct wf_official_change *change, const char *by_login,
		 struct wf_official *out, struct wf_error *err)
{
	struct wf_official old, next;
	char detail[6 * WF_NAME_MAX + 128];
	int64_t id = 0;
	int r;

	wf_error_clear(err);
	if (!change || (!change->name && !change->nip && !change->position))
		return wf_fail_field(err, "name",
				     _("nothing to change: give a name, NIP or position"));
	if ((r = wf_tx_begin(store, err)) != WF_OK)
		return r;
	if ((r = authorize_admin(store, by_login, "official_edit", err)) == WF_OK &&
	    (r = find_active_term(store, login_or_nip, &old, err)) == WF_OK &&
	    (r = apply_change(&old, change, &next, err)) == WF_OK &&
	    (r = check_one_role(store, &next, old.id, err)) == WF_OK &&
	    (r = end_term(store, old.id, NULL, err)) == WF_OK &&
	    (r = insert_official(store, &next, &id, err)) == WF_OK &&
	    (r = link_successor(store, old.id, id, err)) == WF_OK) {
		describe_change(&old, &next, detail, sizeof(detail));
		r = audit_admin(store, by_login, "official_edit", detail, err);
	}
	r = wf_tx_end(store, r, r == WF_ERR_ROLE, err);
	if (r == WF_OK && out) {
		next.id = id;
		next.created_at = wf_store_now(store);
		*out = next;
	}
	return r;
}

/* Someone must remain to manage the officials. */
static int
check_not_last_kasi(struct wf_store *store, const struct wf_official *official,
		    struct wf_error *err)
{
	int64_t kasis = 0;
	int r;

	if (official->role != WF_ROLE_KASI)
		return WF_OK;
	if ((r = count_officials(
		 store, "SELECT count(*) FROM officials WHERE active = 1 AND role = 'kasi'", &kasis,
		 err)) != WF_OK)
		return r;
	if (kasis < 2)
		return wf_fail(err, WF_ERR_STATE,
			       _("%s is the only active kasi: add the next kasi first, or no one"
				 " could manage the officials"),
			       official->login);
	return WF_OK;
}

int
wf_official_deactivate(struct wf_store *store, const char *login_or_nip, const char *reason,
		       const char *by_login, struct wf_error *err)
{
	struct wf_official old;
	char detail[3 * WF_NAME_MAX + 128];
	int r;

	wf_error_clear(err);
	if ((r = wf_tx_begin(store, err)) != WF_OK)
		return r;
	if ((r = authorize_admin(store, by_login, "official_deactivate", err)) == WF_OK &&
	    (r = find_active_term(store, login_or_nip, &old, err)) == WF_OK &&
	    (r = check_not_last_kasi(store, &old, err)) == WF_OK &&
	    (r = end_term(store, old.id, reason, err)) == WF_OK) {
		snprintf(detail, sizeof(detail), "%s (%s), %s, NIP %s%s%s", old.login,
			 wf_role_name(old.role), old.name, old.nip, reason ? ": " : "",
			 reason ? reason : "");
		r = audit_admin(store, by_login, "official_deactivate", detail, err);
	}
	return wf_tx_end(store, r, r == WF_ERR_ROLE, err);
}
