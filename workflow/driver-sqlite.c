/*
 * driver-sqlite.c: the store in one sqlite file, for a single station. Its ownership and
 * permissions are checked before it is trusted, a new file is made mode 0600, every
 * connection gets its pragmas, and the schema is migrated by PRAGMA user_version (schema.c).
 * The only file of workflow/ that speaks sqlite.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "workflow-int.h"

#define BUSY_TIMEOUT_MS 10000

/*
 * Statements finished with are kept, reset, for the next prepare of the same SQL: the
 * schema's triggers make compiling an act's statements cost more than running them.
 */
#define IDLE_MAX 48

struct sqlite_stmt {
	struct wf_stmt base;
	sqlite3_stmt *stmt;
	struct sqlite_db *owner;
	int64_t changes;
};

struct sqlite_db {
	struct wf_db base;
	sqlite3 *db;
	const char *path;		    /* sqlite's own copy */
	struct sqlite_stmt *idle[IDLE_MAX]; /* oldest first */
	size_t idle_count;
};

static struct sqlite_db *
connection(struct wf_db *db)
{
	return (struct sqlite_db *)db;
}

static sqlite3 *
handle(struct wf_db *db)
{
	return connection(db)->db;
}

static struct sqlite_stmt *
statement(struct wf_stmt *stmt)
{
	return (struct sqlite_stmt *)stmt;
}

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

/* sqlite's own words are English: the results an operator meets, said in the catalogue. */
static const struct {
	int code;
	const char *text;
} sqlite_results[] = {
    {SQLITE_BUSY, N_("the database is busy with another program")},
    {SQLITE_LOCKED, N_("the database is locked")},
    {SQLITE_READONLY, N_("the database may not be written")},
    {SQLITE_IOERR, N_("the disk failed while reading or writing the database")},
    {SQLITE_CORRUPT, N_("the database file is damaged")},
    {SQLITE_NOTADB, N_("the file is not a database")},
    {SQLITE_FULL, N_("the disk is full")},
    {SQLITE_CANTOPEN, N_("the database file cannot be opened")},
    {SQLITE_PERM, N_("access to the database is denied")},
    {SQLITE_NOMEM, N_("out of memory")},
};

static const char *
result_text(sqlite3 *db)
{
	int code = sqlite3_errcode(db) & 0xff;

	for (size_t i = 0; i < sizeof(sqlite_results) / sizeof(sqlite_results[0]); i++)
		if (sqlite_results[i].code == code)
			return _(sqlite_results[i].text);
	return sqlite3_errmsg(db);
}

static int
sq_fail(struct wf_db *wdb, struct wf_error *err, const char *doing)
{
	sqlite3 *db = wdb ? handle(wdb) : NULL;
	int code = db ? sqlite3_errcode(db) : SQLITE_OK;

	/* A damaged file is not a passing database error: it needs its backup. */
	if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
		return wf_fail(err, WF_ERR_CORRUPT, _("%s is damaged: %s: %s"),
			       sqlite3_db_filename(db, "main"), doing, result_text(db));
	return wf_fail(err, WF_ERR_DB, _("%s: %s"), doing, db ? result_text(db) : _("no database"));
}

static bool
sq_exec(struct wf_db *db, const char *sql)
{
	return sqlite3_exec(handle(db), sql, NULL, NULL, NULL) == SQLITE_OK;
}

static int
read_user_version(struct wf_db *db, int *version, struct wf_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int r = WF_OK;

	if (sqlite3_prepare_v2(handle(db), "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK ||
	    sqlite3_step(stmt) != SQLITE_ROW)
		r = sq_fail(db, err, _("read schema version"));
	else
		*version = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return r;
}

/* After a rebuild: every reference still finds its row, or the migration is undone. */
static int
check_foreign_keys(struct wf_db *db, struct wf_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int r = WF_OK, rc = SQLITE_ERROR;

	if (sqlite3_prepare_v2(handle(db), "PRAGMA foreign_key_check", -1, &stmt, NULL) ==
	    SQLITE_OK)
		rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		r = wf_fail(err, WF_ERR_DB,
			    _("after the migration, a row of %s refers to a missing row"),
			    (const char *)sqlite3_column_text(stmt, 0));
	else if (rc != SQLITE_DONE)
		r = sq_fail(db, err, _("check foreign keys"));
	sqlite3_finalize(stmt);
	return r;
}

static int
run_migrations(struct wf_db *db, const char *path, bool create, struct wf_error *err)
{
	int version = 0, r, target = wf_schema_version();
	char sql[64];

	/* Up to date: no write lock taken, so readers of a damaged file still read. */
	if ((r = read_user_version(db, &version, err)) != WF_OK ||
	    (r = wf_schema_check_version(path, version, create, err)) != WF_OK || version == target)
		return r;
	if (!sq_exec(db, "BEGIN IMMEDIATE"))
		return sq_fail(db, err, _("begin transaction"));
	/* Again under the lock: another process may have migrated meanwhile. */
	if ((r = read_user_version(db, &version, err)) != WF_OK ||
	    (r = wf_schema_check_version(path, version, create, err)) != WF_OK)
		goto out;
	for (int v = version; v < target; v++) {
		if (!sq_exec(db, wf_schema_migration(v))) {
			r = wf_fail(err, WF_ERR_DB, _("migration %d -> %d: %s"), v, v + 1,
				    sqlite3_errmsg(handle(db)));
			goto out;
		}
	}
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", target);
	if (version != target && !sq_exec(db, sql)) {
		r = sq_fail(db, err, _("set schema version"));
		goto out;
	}
	if (version != target && (r = check_foreign_keys(db, err)) != WF_OK)
		goto out;
	if (!sq_exec(db, "COMMIT"))
		r = sq_fail(db, err, _("commit"));
out:
	if (!sqlite3_get_autocommit(handle(db)))
		sq_exec(db, "ROLLBACK");
	return r;
}

/*
 * One transaction for all steps: a failed migration leaves the file as it was. Foreign
 * keys are off meanwhile, as sqlite's own procedure for rebuilding a table asks (a DROP
 * of a referenced table would fail), and checked as a whole before the commit.
 */
static int
migrate(struct wf_db *db, const char *path, bool create, struct wf_error *err)
{
	int r;

	if (!sq_exec(db, "PRAGMA foreign_keys = OFF"))
		return sq_fail(db, err, _("configure connection"));
	r = run_migrations(db, path, create, err);
	if (!sq_exec(db, "PRAGMA foreign_keys = ON") && r == WF_OK)
		r = sq_fail(db, err, _("configure connection"));
	return r;
}

static int
configure_connection(struct wf_db *db, struct wf_error *err)
{
	/*
	 * synchronous=FULL: a transition reported done survives a power cut. WAL lets the
	 * readers (lists, reports) run while a transition writes.
	 */
	static const char pragmas[] = "PRAGMA foreign_keys = ON;"
				      "PRAGMA journal_mode = WAL;"
				      "PRAGMA synchronous = FULL;";

	if (sqlite3_busy_timeout(handle(db), BUSY_TIMEOUT_MS) != SQLITE_OK || !sq_exec(db, pragmas))
		return sq_fail(db, err, _("configure connection"));
	return WF_OK;
}

static void
sq_close(struct wf_db *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < connection(db)->idle_count; i++) {
		sqlite3_finalize(connection(db)->idle[i]->stmt);
		free(connection(db)->idle[i]);
	}
	sqlite3_close_v2(handle(db));
	free(db);
}

static int
sq_open(const char *path, bool create, struct wf_db **out, struct wf_error *err)
{
	struct sqlite_db *db;
	off_t size = -1;
	int r;

	if ((r = check_safe_path(path, create, &size, err)) != WF_OK)
		return r;
	/* A typo in --db must not become a new, empty station. */
	if (size <= 0 && !create)
		return wf_fail(err, WF_ERR_NO_DATABASE,
			       size < 0 ? _("%s does not exist") : _("%s is empty"), path);
	if (size < 0 && (r = create_private_file(path, err)) != WF_OK && r != WF_ERR_EXISTS)
		return r;
	if (!(db = calloc(1, sizeof(*db))))
		return wf_fail(err, WF_ERR_INTERNAL, _("out of memory"));
	db->base.driver = &wf_driver_sqlite;
	if (sqlite3_open_v2(path, &db->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL) !=
	    SQLITE_OK)
		r = sq_fail(&db->base, err, path);
	else if ((r = configure_connection(&db->base, err)) == WF_OK)
		r = migrate(&db->base, path, create, err);
	if (r != WF_OK) {
		sq_close(&db->base);
		return r;
	}
	*out = &db->base;
	return WF_OK;
}

/* An idle statement of this SQL, taken out of the list; NULL if none. */
static struct sqlite_stmt *
take_idle(struct sqlite_db *db, const char *sql)
{
	for (size_t i = db->idle_count; i-- > 0;) {
		struct sqlite_stmt *s = db->idle[i];

		if (strcmp(sqlite3_sql(s->stmt), sql) == 0) {
			memmove(&db->idle[i], &db->idle[i + 1],
				(db->idle_count - i - 1) * sizeof(db->idle[0]));
			db->idle_count--;
			s->changes = 0;
			return s;
		}
	}
	return NULL;
}

static struct wf_stmt *
sq_prepare(struct wf_db *db, const char *sql)
{
	struct sqlite_stmt *s = take_idle(connection(db), sql);

	if (s)
		return &s->base;
	if (!(s = calloc(1, sizeof(*s))))
		return NULL;
	s->base.driver = &wf_driver_sqlite;
	s->owner = connection(db);
	if (sqlite3_prepare_v2(s->owner->db, sql, -1, &s->stmt, NULL) != SQLITE_OK) {
		sqlite3_finalize(s->stmt);
		free(s);
		return NULL;
	}
	return &s->base;
}

static void
sq_bind_text(struct wf_stmt *stmt, int index, const char *text)
{
	if (!text)
		sqlite3_bind_null(statement(stmt)->stmt, index);
	else
		sqlite3_bind_text(statement(stmt)->stmt, index, text, -1, SQLITE_TRANSIENT);
}

static void
sq_bind_int64(struct wf_stmt *stmt, int index, int64_t value)
{
	sqlite3_bind_int64(statement(stmt)->stmt, index, value);
}

static void
sq_bind_null(struct wf_stmt *stmt, int index)
{
	sqlite3_bind_null(statement(stmt)->stmt, index);
}

static void
sq_bind_blob(struct wf_stmt *stmt, int index, const void *data, size_t size)
{
	sqlite3_bind_blob64(statement(stmt)->stmt, index, data, size, SQLITE_TRANSIENT);
}

static const void *
sq_column_blob(struct wf_stmt *stmt, int column, size_t *size)
{
	const void *data = sqlite3_column_blob(statement(stmt)->stmt, column);

	*size = (size_t)sqlite3_column_bytes(statement(stmt)->stmt, column);
	return data;
}

static int
sq_step(struct wf_stmt *stmt)
{
	struct sqlite_stmt *s = statement(stmt);
	int rc = sqlite3_step(s->stmt);

	if (rc == SQLITE_ROW)
		return WF_ROW;
	if (rc == SQLITE_DONE) {
		s->changes = sqlite3_changes(s->owner->db);
		return WF_DONE;
	}
	return (rc & 0xff) == SQLITE_CONSTRAINT ? WF_STEP_CONSTRAINT : WF_STEP_ERROR;
}

static int64_t
sq_column_int64(struct wf_stmt *stmt, int column)
{
	return sqlite3_column_int64(statement(stmt)->stmt, column);
}

static const char *
sq_column_text(struct wf_stmt *stmt, int column)
{
	return (const char *)sqlite3_column_text(statement(stmt)->stmt, column);
}

static int64_t
sq_changes(struct wf_stmt *stmt)
{
	return statement(stmt)->changes;
}

static void
sq_reset(struct wf_stmt *stmt)
{
	sqlite3_reset(statement(stmt)->stmt);
}

/* Kept for the next prepare of its SQL, the oldest idle one finalized to make room. */
static void
sq_finalize(struct wf_stmt *stmt)
{
	struct sqlite_stmt *s = statement(stmt);
	struct sqlite_db *db;

	if (!s)
		return;
	db = s->owner;
	if (!s->stmt) { /* SQL of no statement (a comment): nothing to keep */
		free(s);
		return;
	}
	sqlite3_reset(s->stmt);
	sqlite3_clear_bindings(s->stmt);
	if (db->idle_count == IDLE_MAX) {
		sqlite3_finalize(db->idle[0]->stmt);
		free(db->idle[0]);
		memmove(&db->idle[0], &db->idle[1], (IDLE_MAX - 1) * sizeof(db->idle[0]));
		db->idle_count--;
	}
	db->idle[db->idle_count++] = s;
}

/* A file has one writer at a time: an act queues as any writer does. */
static bool
sq_begin(struct wf_db *db, enum wf_tx_kind kind, const char *scope)
{
	(void)scope;
	/* IMMEDIATE takes the write lock now: no deadlock-prone read-to-write upgrade. */
	return sq_exec(db, kind == WF_TX_READ ? "BEGIN" : "BEGIN IMMEDIATE");
}

static bool
sq_commit(struct wf_db *db)
{
	return sq_exec(db, "COMMIT");
}

static bool
sq_in_transaction(struct wf_db *db)
{
	return !sqlite3_get_autocommit(handle(db));
}

static void
sq_rollback(struct wf_db *db)
{
	if (sq_in_transaction(db))
		sq_exec(db, "ROLLBACK");
}

static int
sq_check_integrity(struct wf_db *db, bool full, struct wf_error *err)
{
	const char *pragma = full ? "PRAGMA integrity_check" : "PRAGMA quick_check";
	sqlite3_stmt *stmt = NULL;
	int r, rc = SQLITE_ERROR;

	if (sqlite3_prepare_v2(handle(db), pragma, -1, &stmt, NULL) == SQLITE_OK)
		rc = sqlite3_step(stmt);
	const char *first = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(stmt, 0) : NULL;
	if (rc == SQLITE_ROW && first && strcmp(first, "ok") == 0)
		r = WF_OK;
	else if (rc == SQLITE_ROW)
		r = wf_fail(err, WF_ERR_CORRUPT, _("%s is damaged (%s: %s)"),
			    sqlite3_db_filename(handle(db), "main"), pragma + strlen("PRAGMA "),
			    first ? first : "?");
	else
		r = sq_fail(db, err, pragma);
	sqlite3_finalize(stmt);
	return r;
}

/*
 * All at once: the source is locked only for the copy, readers keep going (WAL). The copy
 * is one self-contained file: rollback journal, not WAL (a WAL database opened to read
 * leaves its -shm beside it).
 */
static int
sq_backup(struct wf_db *db, const char *path, int64_t *audit_rows, char audit_head[65],
	  struct wf_error *err)
{
	sqlite3 *dest = NULL;
	sqlite3_backup *backup = NULL;
	sqlite3_stmt *stmt = NULL;
	int r;

	if ((r = create_private_file(path, err)) != WF_OK)
		return r;
	if (sqlite3_open_v2(path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL) !=
	    SQLITE_OK) {
		r = wf_fail(err, WF_ERR_IO, _("%s: %s"), path, sqlite3_errmsg(dest));
		goto out;
	}
	sqlite3_busy_timeout(dest, BUSY_TIMEOUT_MS);
	if (!(backup = sqlite3_backup_init(dest, "main", handle(db), "main"))) {
		r = wf_fail(err, WF_ERR_IO, _("backup to %s: %s"), path, sqlite3_errmsg(dest));
		goto out;
	}
	int rc = sqlite3_backup_step(backup, -1);
	sqlite3_backup_finish(backup);
	if (rc != SQLITE_DONE)
		r = wf_fail(err, WF_ERR_IO, _("backup to %s: %s"), path, sqlite3_errstr(rc));
	else if (sqlite3_exec(dest, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) !=
		     SQLITE_OK ||
		 sqlite3_prepare_v2(dest, "SELECT seq, hash FROM audit_head WHERE id = 1", -1,
				    &stmt, NULL) != SQLITE_OK)
		r = wf_fail(err, WF_ERR_IO, _("backup to %s: %s"), path, sqlite3_errmsg(dest));
	else if (sqlite3_step(stmt) == SQLITE_ROW) {
		*audit_rows = sqlite3_column_int64(stmt, 0);
		snprintf(audit_head, 65, "%s", (const char *)sqlite3_column_text(stmt, 1));
	}
out:
	sqlite3_finalize(stmt);
	sqlite3_close_v2(dest);
	if (r != WF_OK)
		unlink(path);
	return r;
}

#define LOCAL_TIME "at, 'unixepoch', 'localtime'"
static const char *const sqlite_queries[WF_Q_COUNT] = {
    [WF_Q_HOLDERS_MONTH] = "strftime('%Y-%m', " LOCAL_TIME ")",
    [WF_Q_HOLDERS_QUARTER] = "strftime('%Y', " LOCAL_TIME ") || '-Q' || "
			     "((CAST(strftime('%m', " LOCAL_TIME ") AS INTEGER) + 2) / 3)",
    [WF_Q_HOLDERS_YEAR] = "strftime('%Y', " LOCAL_TIME ")",
    [WF_Q_CONTINUE_IDS] = NULL, /* a rowid continues past the largest one */
    [WF_Q_MOVE_AUDIT_HEAD] =
	"INSERT INTO audit_head (id, seq, hash) VALUES (1, ?1, ?2)"
	" ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
    [WF_Q_AUDIT_APPEND] = NULL,	 /* the writer's lock, taken at BEGIN, holds the head */
    [WF_Q_SUMMARIES_NOW] = NULL, /* the triggers keep them as each row goes in */
};

const struct wf_driver wf_driver_sqlite = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .prepare = sq_prepare,
    .bind_text = sq_bind_text,
    .bind_int64 = sq_bind_int64,
    .bind_null = sq_bind_null,
    .bind_blob = sq_bind_blob,
    .step = sq_step,
    .column_int64 = sq_column_int64,
    .column_text = sq_column_text,
    .column_blob = sq_column_blob,
    .changes = sq_changes,
    .reset = sq_reset,
    .finalize = sq_finalize,
    .exec = sq_exec,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .in_transaction = sq_in_transaction,
    .fail = sq_fail,
    .check_integrity = sq_check_integrity,
    .backup = sq_backup,
    .queries = sqlite_queries,
};
