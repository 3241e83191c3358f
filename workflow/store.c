/*
 * store.c: opening the one database file: ownership and permission checks before it is
 * trusted, creation with mode 0600 (by wf_store_create only), the pragmas every connection
 * needs, the forward migrations, the online backup, and the office and settings records.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "workflow-int.h"

#define BUSY_TIMEOUT_MS 10000

/*
 * As OpenSSH's safe_path(): ours (or root's, for the directory) and not writable by others.
 * The file itself holds personal data (NIK, NIP, addresses): no one else may even read it.
 */
static int
check_owner_mode(const char *path, const struct stat *st, bool directory, struct wf_error *err)
{
	uid_t uid = getuid();

	if (st->st_uid != uid && !(directory && st->st_uid == 0))
		return wf_fail(err, WF_ERR_UNSAFE, _("%s is owned by uid %lu, not by this user"),
			       path, (unsigned long)st->st_uid);
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return wf_fail(err, WF_ERR_UNSAFE,
			       _("%s is writable by group or others (mode %03o)"), path,
			       (unsigned)(st->st_mode & 0777));
	if (!directory && (st->st_mode & 077))
		return wf_fail(err, WF_ERR_UNSAFE,
			       _("%s is open to group or others (mode %03o), but it holds personal"
				 " data: chmod 600 %s"),
			       path, (unsigned)(st->st_mode & 0777), path);
	return WF_OK;
}

/* *size gets the file's size, -1 if there is no file at path. */
static int
check_safe_path(const char *path, bool create, off_t *size, struct wf_error *err)
{
	struct stat st;
	char *copy = strdup(path);
	int r;

	if (!copy)
		return wf_fail(err, WF_ERR_INTERNAL, _("out of memory"));
	const char *dir = dirname(copy);
	if (stat(dir, &st) != 0) {
		if (errno == ENOENT && !create)
			r = wf_fail(err, WF_ERR_NO_DATABASE, _("%s does not exist"), path);
		else
			r = wf_fail(err, WF_ERR_IO, _("%s: %s"), dir, strerror(errno));
		goto out;
	}
	if ((r = check_owner_mode(dir, &st, true, err)) != WF_OK)
		goto out;
	*size = -1;
	if (lstat(path, &st) != 0) {
		if (errno != ENOENT)
			r = wf_fail(err, WF_ERR_IO, _("%s: %s"), path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = wf_fail(err, WF_ERR_UNSAFE, _("%s is not a regular file"), path);
		goto out;
	}
	*size = st.st_size;
	r = check_owner_mode(path, &st, false, err);
out:
	free(copy);
	return r;
}

static int
create_private_file(const char *path, struct wf_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0)
		return wf_fail(err, errno == EEXIST ? WF_ERR_EXISTS : WF_ERR_IO, _("%s: %s"), path,
			       strerror(errno));
	close(fd);
	return WF_OK;
}

static int
read_user_version(struct wf_store *store, int *version, struct wf_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int r;

	if ((r = wf_prepare(store, "PRAGMA user_version", &stmt, err)) != WF_OK)
		return r;
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		r = wf_fail_db(err, store->db, _("read schema version"));
	} else {
		*version = sqlite3_column_int(stmt, 0);
		r = WF_OK;
	}
	sqlite3_finalize(stmt);
	return r;
}

/* After a rebuild: every reference still finds its row, or the migration is undone. */
static int
check_foreign_keys(struct wf_store *store, struct wf_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int r;

	if ((r = wf_prepare(store, "PRAGMA foreign_key_check", &stmt, err)) != WF_OK)
		return r;
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		r = wf_fail(err, WF_ERR_DB,
			    _("after the migration, a row of %s refers to a missing row"),
			    (const char *)sqlite3_column_text(stmt, 0));
	else if (rc != SQLITE_DONE)
		r = wf_fail_db(err, store->db, _("check foreign keys"));
	sqlite3_finalize(stmt);
	return r;
}

static int
check_version(struct wf_store *store, int version, bool create, struct wf_error *err)
{
	/* Version 0 is a file this program never set up: only "enroll init" may. */
	if (version == 0 && !create)
		return wf_fail(err, WF_ERR_NO_DATABASE,
			       _("%s is not an enroll database (no schema)"), store->path);
	/* No enroll writes a negative version: the file was changed outside it. */
	if (version < 0)
		return wf_fail(err, WF_ERR_CORRUPT,
			       _("%s has schema version %d, which no enroll writes: the file was "
				 "changed outside enroll"),
			       store->path, version);
	if (version > wf_schema_version())
		return wf_fail(err, WF_ERR_SCHEMA,
			       _("%s has schema version %d; this program knows up to %d"),
			       store->path, version, wf_schema_version());
	return WF_OK;
}

static int
run_migrations(struct wf_store *store, bool create, struct wf_error *err)
{
	int version = 0, r, target = wf_schema_version();
	char sql[64];

	/* Up to date: no write lock taken, so readers of a damaged file still read. */
	if ((r = read_user_version(store, &version, err)) != WF_OK ||
	    (r = check_version(store, version, create, err)) != WF_OK || version == target)
		return r;
	if ((r = wf_tx_begin(store, err)) != WF_OK)
		return r;
	/* Again under the lock: another process may have migrated meanwhile. */
	if ((r = read_user_version(store, &version, err)) != WF_OK ||
	    (r = check_version(store, version, create, err)) != WF_OK)
		goto out;
	for (int v = version; v < target; v++) {
		if (sqlite3_exec(store->db, wf_schema_migration(v), NULL, NULL, NULL) !=
		    SQLITE_OK) {
			r = wf_fail(err, WF_ERR_DB, _("migration %d -> %d: %s"), v, v + 1,
				    sqlite3_errmsg(store->db));
			goto out;
		}
	}
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", target);
	if (version != target && sqlite3_exec(store->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		r = wf_fail_db(err, store->db, _("set schema version"));
		goto out;
	}
	if (version != target && (r = check_foreign_keys(store, err)) != WF_OK)
		goto out;
	r = wf_tx_commit(store, err);
out:
	if (r != WF_OK)
		wf_tx_rollback(store);
	return r;
}

/*
 * One transaction for all steps: a failed migration leaves the file as it was. Foreign
 * keys are off meanwhile, as sqlite's own procedure for rebuilding a table asks (a DROP
 * of a referenced table would fail), and checked as a whole before the commit.
 */
static int
migrate(struct wf_store *store, bool create, struct wf_error *err)
{
	int r;

	if (sqlite3_exec(store->db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL) != SQLITE_OK)
		return wf_fail_db(err, store->db, _("configure connection"));
	r = run_migrations(store, create, err);
	if (sqlite3_exec(store->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK &&
	    r == WF_OK)
		r = wf_fail_db(err, store->db, _("configure connection"));
	return r;
}

int
wf_store_check_integrity(struct wf_store *store, bool full, struct wf_error *err)
{
	const char *pragma = full ? "PRAGMA integrity_check" : "PRAGMA quick_check";
	sqlite3_stmt *stmt = NULL;
	int r;

	wf_error_clear(err);
	if ((r = wf_prepare(store, pragma, &stmt, err)) != WF_OK)
		return r;
	int rc = sqlite3_step(stmt);
	const char *first = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(stmt, 0) : NULL;
	if (rc == SQLITE_ROW && first && strcmp(first, "ok") == 0)
		r = WF_OK;
	else if (rc == SQLITE_ROW)
		r = wf_fail(err, WF_ERR_CORRUPT, _("%s is damaged (%s: %s)"), store->path,
			    pragma + strlen("PRAGMA "), first ? first : "?");
	else
		r = wf_fail_db(err, store->db, pragma);
	sqlite3_finalize(stmt);
	return r;
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

static int
configure_connection(struct wf_store *store, struct wf_error *err)
{
	/*
	 * synchronous=FULL: a transition reported done survives a power cut. WAL lets the
	 * readers (lists, reports) run while a transition writes.
	 */
	static const char pragmas[] = "PRAGMA foreign_keys = ON;"
				      "PRAGMA journal_mode = WAL;"
				      "PRAGMA synchronous = FULL;";

	if (sqlite3_busy_timeout(store->db, BUSY_TIMEOUT_MS) != SQLITE_OK ||
	    sqlite3_exec(store->db, pragmas, NULL, NULL, NULL) != SQLITE_OK)
		return wf_fail_db(err, store->db, _("configure connection"));
	return WF_OK;
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

static struct wf_store *
store_open(const char *path, bool create, struct wf_error *err)
{
	struct wf_store *store = NULL, *ret = NULL;
	off_t size = -1;
	int r;

	wf_error_clear(err);
	if (!path || !*path) {
		wf_fail_field(err, "path", _("no database path"));
		return NULL;
	}
	if (check_safe_path(path, create, &size, err) != WF_OK)
		return NULL;
	/* A typo in --db must not become a new, empty station. */
	if (size <= 0 && !create) {
		wf_fail(err, WF_ERR_NO_DATABASE,
			size < 0 ? _("%s does not exist") : _("%s is empty"), path);
		return NULL;
	}
	if (size < 0 && (r = create_private_file(path, err)) != WF_OK && r != WF_ERR_EXISTS)
		return NULL;
	if (!(store = calloc(1, sizeof(*store))) || !(store->path = strdup(path)) ||
	    !(store->data_dir = join(path, ".files"))) {
		wf_fail(err, WF_ERR_INTERNAL, _("out of memory"));
		goto out;
	}
	if (sqlite3_open_v2(path, &store->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL) !=
	    SQLITE_OK) {
		wf_fail_db(err, store->db, path);
		goto out;
	}
	if (configure_connection(store, err) != WF_OK || migrate(store, create, err) != WF_OK)
		goto out;
	ret = store;
	store = NULL;
out:
	wf_store_close(store);
	return ret;
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
	sqlite3_close_v2(store->db);
	free(store->path);
	free(store->data_dir);
	free(store);
}

sqlite3 *
wf_store_db(struct wf_store *store)
{
	return store ? store->db : NULL;
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
	sqlite3 *dest = NULL;
	sqlite3_backup *backup = NULL;
	int r;

	wf_error_clear(err);
	if (!store || !path)
		return wf_fail(err, WF_ERR_INTERNAL, _("wf_backup: NULL argument"));
	if ((r = create_private_file(path, err)) != WF_OK)
		return r;
	if (sqlite3_open_v2(path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL) !=
	    SQLITE_OK) {
		r = wf_fail_db(err, dest, path);
		goto out;
	}
	sqlite3_busy_timeout(dest, BUSY_TIMEOUT_MS);
	if (!(backup = sqlite3_backup_init(dest, "main", store->db, "main"))) {
		r = wf_fail_db(err, dest, _("backup"));
		goto out;
	}
	/* All at once: the source is locked only for the copy, readers keep going (WAL). */
	int rc = sqlite3_backup_step(backup, -1);
	sqlite3_backup_finish(backup);
	if (rc != SQLITE_DONE) {
		r = wf_fail(err, WF_ERR_IO, _("backup to %s: %s"), path, sqlite3_errstr(rc));
		goto out;
	}
	r = WF_OK;
out:
	sqlite3_close_v2(dest);
	if (r != WF_OK)
		unlink(path);
	return r;
}

int
wf_setting_set(struct wf_store *store, const char *key, const char *value, struct wf_error *err)
{
	sqlite3_stmt *stmt = NULL;
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
	r = sqlite3_step(stmt) == SQLITE_DONE ? WF_OK
					      : wf_fail_db(err, store->db, _("set setting"));
	sqlite3_finalize(stmt);
	return r;
}

int
wf_setting_get(struct wf_store *store, const char *key, char **value, struct wf_error *err)
{
	sqlite3_stmt *stmt = NULL;
	char *copy = NULL;
	int r;

	wf_error_clear(err);
	if ((r = wf_prepare(store, "SELECT value FROM settings WHERE key = ?1", &stmt, err)) !=
	    WF_OK)
		return r;
	wf_bind_text(stmt, 1, key);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		if (!(copy = wf_column_dup(stmt, 0)))
			r = wf_fail(err, WF_ERR_INTERNAL, _("out of memory"));
	} else if (rc == SQLITE_DONE) {
		r = wf_fail(err, WF_ERR_NOT_FOUND, _("setting %s is not set"),
			    key ? key : "(null)");
	} else {
		r = wf_fail_db(err, store->db, _("get setting"));
	}
	sqlite3_finalize(stmt);
	if (r == WF_OK)
		*value = copy;
	return r;
}
