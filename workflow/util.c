/*
 * util.c: the small helpers every file of workflow/ uses: errors in one shape, the
 * transaction frame (BEGIN IMMEDIATE, so that writers queue on the busy timeout
 * instead of failing), and the sqlite binding and column copies.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <unistd.h>

#include "workflow-int.h"

static int fail_v(struct wf_error *err, int code, const char *field, const char *format, va_list ap)
    __attribute__((format(printf, 4, 0)));

static int
fail_v(struct wf_error *err, int code, const char *field, const char *format, va_list ap)
{
	if (!err)
		return code;
	err->code = code;
	snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
	vsnprintf(err->message, sizeof(err->message), format, ap);
	return code;
}

int
wf_fail(struct wf_error *err, int code, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	fail_v(err, code, NULL, format, ap);
	va_end(ap);
	return code;
}

int
wf_fail_field(struct wf_error *err, const char *field, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	fail_v(err, WF_ERR_INVALID, field, format, ap);
	va_end(ap);
	return WF_ERR_INVALID;
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
sqlite_result_text(sqlite3 *db)
{
	int code = sqlite3_errcode(db) & 0xff;

	for (size_t i = 0; i < sizeof(sqlite_results) / sizeof(sqlite_results[0]); i++)
		if (sqlite_results[i].code == code)
			return _(sqlite_results[i].text);
	return sqlite3_errmsg(db);
}

int
wf_fail_db(struct wf_error *err, sqlite3 *db, const char *doing)
{
	int code = db ? sqlite3_errcode(db) : SQLITE_OK;

	/* A damaged file is not a passing database error: it needs its backup. */
	if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
		return wf_fail(err, WF_ERR_CORRUPT, _("%s is damaged: %s: %s"),
			       sqlite3_db_filename(db, "main"), doing, sqlite_result_text(db));
	return wf_fail(err, WF_ERR_DB, _("%s: %s"), doing,
		       db ? sqlite_result_text(db) : _("no database"));
}

void
wf_error_clear(struct wf_error *err)
{
	if (!err)
		return;
	err->code = WF_OK;
	err->field[0] = '\0';
	err->message[0] = '\0';
}

int
wf_tx_begin(struct wf_store *store, struct wf_error *err)
{
	/* IMMEDIATE takes the write lock now: no deadlock-prone read-to-write upgrade. */
	if (sqlite3_exec(store->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return wf_fail_db(err, store->db, _("begin transaction"));
	return wf_store_guard_write(store, err);
}

int
wf_tx_commit(struct wf_store *store, struct wf_error *err)
{
	if (sqlite3_exec(store->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		int r = wf_fail_db(err, store->db, _("commit"));
		wf_tx_rollback(store);
		return r;
	}
	return WF_OK;
}

void
wf_tx_rollback(struct wf_store *store)
{
	if (!sqlite3_get_autocommit(store->db))
		sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
}

int
wf_tx_end(struct wf_store *store, int r, bool keep, struct wf_error *err)
{
	struct wf_error commit_err;

	if (r != WF_OK && !keep) {
		wf_tx_rollback(store);
		return r;
	}
	if (wf_tx_commit(store, &commit_err) != WF_OK) {
		if (err)
			*err = commit_err;
		return commit_err.code;
	}
	return r;
}

int
wf_prepare(struct wf_store *store, const char *sql, sqlite3_stmt **stmt, struct wf_error *err)
{
	*stmt = NULL;
	if (sqlite3_prepare_v2(store->db, sql, -1, stmt, NULL) != SQLITE_OK) {
		sqlite3_finalize(*stmt);
		*stmt = NULL;
		return wf_fail_db(err, store->db, _("prepare"));
	}
	return WF_OK;
}

int
wf_bind_text(sqlite3_stmt *stmt, int index, const char *text)
{
	if (!text)
		return sqlite3_bind_null(stmt, index);
	return sqlite3_bind_text(stmt, index, text, -1, SQLITE_TRANSIENT);
}

void
wf_column_copy(sqlite3_stmt *stmt, int column, char *buf, size_t size)
{
	const unsigned char *text = sqlite3_column_text(stmt, column);

	snprintf(buf, size, "%s", text ? (const char *)text : "");
}

char *
wf_column_dup(sqlite3_stmt *stmt, int column)
{
	const unsigned char *text = sqlite3_column_text(stmt, column);

	return text ? strdup((const char *)text) : NULL;
}

void *
wf_array_reserve(void *array, size_t count, size_t *cap, size_t size, struct wf_error *err)
{
	if (count < *cap)
		return array;
	size_t grown = *cap ? 2 * *cap : 16;
	/* Doubling keeps a list read row by row linear; refuse a size that would wrap. */
	void *bigger = grown <= SIZE_MAX / size ? realloc(array, grown * size) : NULL;
	if (!bigger) {
		wf_fail(err, WF_ERR_INTERNAL, _("out of memory"));
		return NULL;
	}
	*cap = grown;
	return bigger;
}

int
wf_collect_rows(struct wf_store *store, sqlite3_stmt *stmt, size_t size, wf_read_row_fn read_row,
		const char *what, void **out, size_t *count, struct wf_error *err)
{
	unsigned char *list = NULL, *bigger;
	size_t n = 0, cap = 0;
	int r = WF_OK, rc;

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if ((bigger = wf_array_reserve(list, n, &cap, size, err)) == NULL) {
			r = WF_ERR_INTERNAL;
			goto out;
		}
		list = bigger;
		memset(list + n * size, 0, size);
		read_row(stmt, list + n++ * size);
	}
	if (rc != SQLITE_DONE)
		r = wf_fail_db(err, store->db, what);
out:
	sqlite3_finalize(stmt);
	if (r != WF_OK) {
		free(list);
		return r;
	}
	*out = list;
	*count = n;
	return WF_OK;
}

bool
wf_text_empty(const char *text)
{
	if (!text)
		return true;
	for (; *text; text++)
		if (*text != ' ' && *text != '\t' && *text != '\n' && *text != '\r')
			return false;
	return true;
}

int
wf_make_private_dir(const char *path, struct wf_error *err)
{
	struct stat st;

	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return wf_fail(err, WF_ERR_IO, _("%s: %s"), path, strerror(errno));
	if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return wf_fail(err, WF_ERR_UNSAFE, _("%s is not a directory"), path);
	if (st.st_uid != getuid() || (st.st_mode & 077))
		return wf_fail(err, WF_ERR_UNSAFE, _("%s must be this user's, mode 0700"), path);
	return WF_OK;
}
