/*
 * store.c: opening the store through its engine's driver (db.h), the check before the
 * first write, the clock, and the settings records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "workflow-int.h"

int
wf_store_check_integrity(struct wf_store *store, bool full, struct wf_error *err)
{
	wf_error_clear(err);
	return store->driver->check_integrity(store->db, full, err);
}

int
wf_store_check(struct wf_store *store, struct wf_error *err)
{
	int r = wf_store_check_integrity(store, false, err);

	store->write_checked = r == WF_OK;
	return r;
}

int
wf_store_guard_write(struct wf_store *store, struct wf_error *err)
{
	int r;

	if (store->write_checked)
		return WF_OK;
	if ((r = wf_store_check(store, err)) != WF_OK) {
		wf_tx_rollback(store);
		if (r == WF_ERR_CORRUPT && err)
			snprintf(err->message + strlen(err->message),
				 sizeof(err->message) - strlen(err->message), "%s",
				 _(": nothing was written to it"));
		return r;
	}
	store->write_checked = true;
	return WF_OK;
}

bool
wf_target_is_server(const char *target)
{
	return target && (strncmp(target, "postgresql://", 13) == 0 ||
			  strncmp(target, "postgres://", 11) == 0);
}

const struct wf_driver *
wf_driver_for(const char *target)
{
	return wf_target_is_server(target) ? &wf_driver_pgsql : &wf_driver_sqlite;
}

static char *
join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = malloc(la + lb + 1);

	if (s) {
		memcpy(s, a, la);
		memcpy(s + la, b, lb + 1);
	}
	return s;
}

char *
wf_target_files(const char *target)
{
	const char *base = getenv("ENROLL_STATE_DIR"), *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	char dir[4096], *name;

	if (!wf_target_is_server(target))
		return join(target, ".files");
	if (base && *base)
		snprintf(dir, sizeof(dir), "%s", base);
	else if (xdg && *xdg == '/')
		snprintf(dir, sizeof(dir), "%s/enroll", xdg);
	else
		snprintf(dir, sizeof(dir), "%s/.local/state/enroll", home && *home ? home : "/tmp");
	/* Only named: the first write makes it (wf_make_private_dir). */
	if (!(name = join(dir, "/")))
		return NULL;
	char *path = join(name, target);
	free(name);
	if (!path)
		return NULL;
	for (char *p = path + strlen(dir) + 1; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'))
			*p = '_';
	return path;
}

static struct wf_store *
store_open(const char *target, bool create, struct wf_error *err)
{
	struct wf_store *store = NULL;

	wf_error_clear(err);
	if (!target || !*target) {
		wf_fail_field(err, "path", _("no database path"));
		return NULL;
	}
	if (!(store = calloc(1, sizeof(*store))) || !(store->path = strdup(target)) ||
	    !(store->data_dir = wf_target_files(target))) {
		wf_fail(err, WF_ERR_INTERNAL, _("out of memory"));
		wf_store_close(store);
		return NULL;
	}
	store->driver = wf_driver_for(target);
	if (store->driver->open(target, create, &store->db, err) != WF_OK) {
		wf_store_close(store);
		return NULL;
	}
	return store;
}

struct wf_store *
wf_store_open(const char *path, struct wf_error *err)
{
	return store_open(path, false, err);
}

struct wf_store *
wf_store_create(const char *path, struct wf_error *err)
{
	return store_open(path, true, err);
}

void
wf_store_close(struct wf_store *store)
{
	if (!store)
		return;
	if (store->db)
		store->driver->close(store->db);
	free(store->path);
	free(store->data_dir);
	free(store);
}

static int64_t
system_clock(void *arg)
{
	(void)arg;
	return (int64_t)time(NULL);
}

void
wf_store_set_clock(struct wf_store *store, wf_clock_fn fn, void *arg)
{
	if (!store)
		return;
	store->clock = fn;
	store->clock_arg = arg;
}

int64_t
wf_store_now(struct wf_store *store)
{
	return store->clock ? store->clock(store->clock_arg) : system_clock(NULL);
}

int
wf_backup(struct wf_store *store, const char *path, struct wf_error *err)
{
	wf_error_clear(err);
	if (!store || !path)
		return wf_fail(err, WF_ERR_INTERNAL, _("wf_backup: NULL argument"));
	int64_t rows = 0;
	char head[65] = "";

	/* The server's store is backed up by the server's tool, with its roles and grants. */
	if (!store->driver->backup)
		return wf_fail(err, WF_ERR_INVALID,
			       _("%s is kept by a PostgreSQL server: back it up there with pg_dump"
				 " (pg_dump -Fc -f FILE DBNAME), and the station's scans with it"),
			       store->path);
	return store->driver->backup(store->db, path, &rows, head, err);
}

int
wf_setting_set(struct wf_store *store, const char *key, const char *value, struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	int r;

	wf_error_clear(err);
	if (wf_text_empty(key))
		return wf_fail_field(err, "key", _("empty setting name"));
	if (!value)
		return wf_fail_field(err, "value", _("no value for setting %s"), key);
	if ((r = wf_prepare(store,
			    "INSERT INTO settings (key, value) VALUES (?1, ?2)"
			    " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
			    &stmt, err)) != WF_OK)
		return r;
	wf_bind_text(stmt, 1, key);
	wf_bind_text(stmt, 2, value);
	r = wf_next(stmt) == WF_DONE ? WF_OK : wf_fail_db(err, store, _("set setting"));
	wf_finalize(stmt);
	return r;
}

int
wf_setting_get(struct wf_store *store, const char *key, char **value, struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	char *copy = NULL;
	int r;

	wf_error_clear(err);
	if ((r = wf_prepare(store, "SELECT value FROM settings WHERE key = ?1", &stmt, err)) !=
	    WF_OK)
		return r;
	wf_bind_text(stmt, 1, key);
	int rc = wf_next(stmt);
	if (rc == WF_ROW) {
		if (!(copy = wf_column_dup(stmt, 0)))
			r = wf_fail(err, WF_ERR_INTERNAL, _("out of memory"));
	} else if (rc == WF_DONE) {
		r = wf_fail(err, WF_ERR_NOT_FOUND, _("setting %s is not set"),
			    key ? key : "(null)");
	} else {
		r = wf_fail_db(err, store, _("get setting"));
	}
	wf_finalize(stmt);
	if (r == WF_OK)
		*value = copy;
	return r;
}
