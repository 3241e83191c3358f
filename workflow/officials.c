/*
 * officials.c: the office and its officials, and the one place that decides whether
 * an OS login may perform a step: by the official's role, or for steps 2-3 by the Kasi
 * on behalf of the Kepala Dinas or Kabid with the paper disposition's reference.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workflow-int.h"

/* The admin audit row, then COMMIT: a change to the office and its record go together. */
static int
commit_admin(struct wf_store *store, const char *by_login, const char *action, const char *detail,
	     struct wf_error *err)
{
	struct wf_audit_entry entry = {by_login, "admin", "", action, "ok", detail};
	int r;

	if ((r = wf_audit_append(store, &entry, err)) != WF_OK)
		return r;
	return wf_tx_commit(store, err);
}

int
wf_office_set(struct wf_store *store, const struct wf_office *office, const char *by_login,
	      struct wf_error *err)
{
	sqlite3_stmt *stmt = NULL;
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
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		r = wf_fail_db(err, store->db, _("set office"));
		goto out;
	}
	char detail[2 * WF_NAME_MAX + 8];
	snprintf(detail, sizeof(detail), "%s, %s", office->name, office->city);
	r = commit_admin(store, by_login, "office_set", detail, err);
out:
	sqlite3_finalize(stmt);
	if (r != WF_OK)
		wf_tx_rollback(store);
	return r;
}

int
wf_office_get(struct wf_store *store, struct wf_office *out, struct wf_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int r;

	wf_error_clear(err);
	if ((r = wf_prepare(store, "SELECT name, city FROM office WHERE id = 1", &stmt, err)) !=
	    WF_OK)
		return r;
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		wf_column_copy(stmt, 0, out->name, sizeof(out->name));
		wf_column_copy(stmt, 1, out->city, sizeof(out->city));
	} else if (rc == SQLITE_DONE) {
		r = wf_fail(err, WF_ERR_NOT_FOUND, _("the office is not set up yet"));
	} else {
		r = wf_fail_db(err, store->db, _("read office"));
	}
	sqlite3_finalize(stmt);
	return r;
}

static int
check_official(const struct wf_official *official, struct wf_error *err)
{
	if (wf_text_empty(official->name))
		return wf_fail_field(err, "name", _("the official needs a name"));
	if (wf_text_empty(official->login))
		return wf_fail_field(err, "login", _("the official needs the OS login they act from"));
	if (official->role != WF_ROLE_KEPALA_DINAS && official->role != WF_ROLE_KABID &&
	    official->role != WF_ROLE_KASI)
		return wf_fail_field(err, "role", _("an official is kepala_dinas, kabid or kasi"));
	return wf_validate_nip(official->nip, NULL, err);
}

int
wf_official_add(struct wf_store *store, const struct wf_official *official, const char *by_login,
		int64_t *out_id, struct wf_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int64_t id = 0;
	int r;

	wf_error_clear(err);
	if ((r = check_official(official, err)) != WF_OK)
		return r;
	if ((r = wf_tx_begin(store, err)) != WF_OK)
		return r;
	if ((r = wf_prepare(store,
			    "INSERT INTO officials (name, nip, role, login, created_at, active)"
			    " VALUES (?1, ?2, ?3, ?4, ?5, 1)",
			    &stmt, err)) != WF_OK)
		goto out;
	wf_bind_text(stmt, 1, official->name);
	wf_bind_text(stmt, 2, official->nip);
	wf_bind_text(stmt, 3, wf_role_name(official->role));
	wf_bind_text(stmt, 4, official->login);
	sqlite3_bind_int64(stmt, 5, wf_store_now(store));
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_CONSTRAINT) {
		r = wf_fail(err, WF_ERR_EXISTS, _("login %s already belongs to an official"),
			    official->login);
		goto out;
	} else if (rc != SQLITE_DONE) {
		r = wf_fail_db(err, store->db, _("add official"));
		goto out;
	}
	id = sqlite3_last_insert_rowid(store->db);
	char detail[WF_NAME_MAX + 128];
	snprintf(detail, sizeof(detail), "%s (%s), %s, NIP %s", official->login,
		 wf_role_name(official->role), official->name, official->nip);
	r = commit_admin(store, by_login, "official_add", detail, err);
out:
	sqlite3_finalize(stmt);
	if (r != WF_OK)
		wf_tx_rollback(store);
	else if (out_id)
		*out_id = id;
	return r;
}

static void
read_official(sqlite3_stmt *stmt, struct wf_official *out)
{
	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(stmt, 0);
	wf_column_copy(stmt, 1, out->name, sizeof(out->name));
	wf_column_copy(stmt, 2, out->nip, sizeof(out->nip));
	out->role = (enum wf_role)wf_role_parse((const char *)sqlite3_column_text(stmt, 3));
	wf_column_copy(stmt, 4, out->login, sizeof(out->login));
	out->active = sqlite3_column_int(stmt, 5) != 0;
}

#define OFFICIAL_COLUMNS "id, name, nip, role, login, active"

static void
read_official_row(sqlite3_stmt *stmt, void *row)
{
	read_official(stmt, row);
}

int
wf_official_list(struct wf_store *store, struct wf_official **out, size_t *count,
		 struct wf_error *err)
{
	sqlite3_stmt *stmt = NULL;
	void *rows = NULL;
	int r;

	wf_error_clear(err);
	if ((r = wf_prepare(store, "SELECT " OFFICIAL_COLUMNS " FROM officials ORDER BY id", &stmt,
			    err)) != WF_OK)
		return r;
	if ((r = wf_collect_rows(store, stmt, sizeof(**out), read_official_row, _("list officials"),
			       &rows, count, err)) == WF_OK)
		*out = rows;
	return r;
}

int
wf_official_find_by_login(struct wf_store *store, const char *login, struct wf_official *out,
			  struct wf_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int r;

	wf_error_clear(err);
	if (wf_text_empty(login))
		return wf_fail_field(err, "login", _("no login given"));
	if ((r = wf_prepare(store, "SELECT " OFFICIAL_COLUMNS " FROM officials WHERE login = ?1",
			    &stmt, err)) != WF_OK)
		return r;
	wf_bind_text(stmt, 1, login);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		read_official(stmt, out);
	else if (rc == SQLITE_DONE)
		r = wf_fail(err, WF_ERR_NOT_FOUND, _("login %s is not a registered official"), login);
	else
		r = wf_fail_db(err, store->db, _("find official"));
	sqlite3_finalize(stmt);
	return r;
}

int
wf_official_set_active(struct wf_store *store, const char *login, bool active, const char *by_login,
		       struct wf_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int r;

	wf_error_clear(err);
	if ((r = wf_tx_begin(store, err)) != WF_OK)
		return r;
	if ((r = wf_prepare(store, "UPDATE officials SET active = ?1 WHERE login = ?2", &stmt,
			    err)) != WF_OK)
		goto out;
	sqlite3_bind_int(stmt, 1, active ? 1 : 0);
	wf_bind_text(stmt, 2, login);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		r = wf_fail_db(err, store->db, _("update official"));
		goto out;
	}
	if (sqlite3_changes(store->db) == 0) {
		r = wf_fail(err, WF_ERR_NOT_FOUND, _("login %s is not a registered official"), login);
		goto out;
	}
	r = commit_admin(store, by_login, active ? "official_activate" : "official_deactivate",
			 login, err);
out:
	sqlite3_finalize(stmt);
	if (r != WF_OK)
		wf_tx_rollback(store);
	return r;
}
