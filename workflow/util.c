/*
 * util.c: the small helpers every file of workflow/ uses: errors in one shape, the
 * transaction frame (writers queue, one at a time; acts on one application beside each
 * other where the engine can), and the calls of the storage seam
 * (db.h), each handed to the statement's or the store's driver.
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

int
wf_fail_db(struct wf_error *err, struct wf_store *store, const char *doing)
{
	if (!store || !store->db)
		return wf_fail(err, WF_ERR_DB, _("%s: %s"), doing, _("no database"));
	return store->driver->fail(store->db, err, doing);
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
	return wf_tx_begin_act(store, NULL, err);
}

int
wf_tx_begin_act(struct wf_store *store, const char *number, struct wf_error *err)
{
	if (!store->driver->begin(store->db, number ? WF_TX_ACT : WF_TX_WRITE, number))
		return wf_fail_db(err, store, _("begin transaction"));
	return wf_store_guard_write(store, err);
}

int
wf_tx_commit(struct wf_store *store, struct wf_error *err)
{
	if (!store->driver->commit(store->db)) {
		int r = wf_fail_db(err, store, _("commit"));
		wf_tx_rollback(store);
		return r;
	}
	return WF_OK;
}

void
wf_tx_rollback(struct wf_store *store)
{
	store->driver->rollback(store->db);
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
wf_read_begin(struct wf_store *store, struct wf_error *err)
{
	/* Inside a transaction already (a copy checking what it wrote): that one's view serves. */
	if (store->driver->in_transaction(store->db)) {
		store->nested_reads++;
		return WF_OK;
	}
	if (!store->driver->begin(store->db, WF_TX_READ, NULL))
		return wf_fail_db(err, store, _("begin"));
	return WF_OK;
}

void
wf_read_end(struct wf_store *store)
{
	if (store->nested_reads > 0) {
		store->nested_reads--;
		return;
	}
	/* A read changed nothing worth keeping: its temporary tables go with the snapshot. */
	store->driver->rollback(store->db);
}

int
wf_exec(struct wf_store *store, const char *sql, const char *doing, struct wf_error *err)
{
	if (!store->driver->exec(store->db, sql))
		return wf_fail_db(err, store, doing);
	return WF_OK;
}

const char *
wf_query_sql(struct wf_store *store, enum wf_query query)
{
	return store->driver->queries[query];
}

int
wf_prepare(struct wf_store *store, const char *sql, struct wf_stmt **stmt, struct wf_error *err)
{
	if (!(*stmt = store->driver->prepare(store->db, sql)))
		return wf_fail_db(err, store, _("prepare"));
	return WF_OK;
}

int
wf_bind_text(struct wf_stmt *stmt, int index, const char *text)
{
	stmt->driver->bind_text(stmt, index, text);
	return WF_OK;
}

void
wf_bind_int64(struct wf_stmt *stmt, int index, int64_t value)
{
	stmt->driver->bind_int64(stmt, index, value);
}

void
wf_bind_null(struct wf_stmt *stmt, int index)
{
	stmt->driver->bind_null(stmt, index);
}

void
wf_bind_blob(struct wf_stmt *stmt, int index, const void *data, size_t size)
{
	stmt->driver->bind_blob(stmt, index, data, size);
}

const void *
wf_column_blob(struct wf_stmt *stmt, int column, size_t *size)
{
	return stmt->driver->column_blob(stmt, column, size);
}

int
wf_next(struct wf_stmt *stmt)
{
	return stmt->driver->step(stmt);
}

int64_t
wf_column_int64(struct wf_stmt *stmt, int column)
{
	return stmt->driver->column_int64(stmt, column);
}

int
wf_column_int(struct wf_stmt *stmt, int column)
{
	return (int)stmt->driver->column_int64(stmt, column);
}

const char *
wf_column_text(struct wf_stmt *stmt, int column)
{
	return stmt->driver->column_text(stmt, column);
}

int64_t
wf_changes(struct wf_stmt *stmt)
{
	return stmt->driver->changes(stmt);
}

void
wf_reset(struct wf_stmt *stmt)
{
	stmt->driver->reset(stmt);
}

void
wf_finalize(struct wf_stmt *stmt)
{
	if (stmt)
		stmt->driver->finalize(stmt);
}

void
wf_column_copy(struct wf_stmt *stmt, int column, char *buf, size_t size)
{
	const char *text = wf_column_text(stmt, column);

	snprintf(buf, size, "%s", text ? text : "");
}

char *
wf_column_dup(struct wf_stmt *stmt, int column)
{
	const char *text = wf_column_text(stmt, column);

	return text ? strdup(text) : NULL;
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
wf_collect_rows(struct wf_store *store, struct wf_stmt *stmt, size_t size, wf_read_row_fn read_row,
		const char *what, void **out, size_t *count, struct wf_error *err)
{
	unsigned char *list = NULL, *bigger;
	size_t n = 0, cap = 0;
	int r = WF_OK, rc;

	while ((rc = wf_next(stmt)) == WF_ROW) {
		if ((bigger = wf_array_reserve(list, n, &cap, size, err)) == NULL) {
			r = WF_ERR_INTERNAL;
			goto out;
		}
		list = bigger;
		memset(list + n * size, 0, size);
		read_row(stmt, list + n++ * size);
	}
	if (rc != WF_DONE)
		r = wf_fail_db(err, store, what);
out:
	wf_finalize(stmt);
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
	char parent[4096];
	struct stat st;

	/* The parents that do not exist yet, this user's (a station's state directory). */
	if (snprintf(parent, sizeof(parent), "%s", path) >= (int)sizeof(parent))
		return wf_fail(err, WF_ERR_IO, _("%s: %s"), path, strerror(ENAMETOOLONG));
	for (char *p = parent + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(parent, 0700) != 0 && errno != EEXIST)
				return wf_fail(err, WF_ERR_IO, _("%s: %s"), parent,
					       strerror(errno));
			*p = '/';
		}
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return wf_fail(err, WF_ERR_IO, _("%s: %s"), path, strerror(errno));
	if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return wf_fail(err, WF_ERR_UNSAFE, _("%s is not a directory"), path);
	if (st.st_uid != getuid() || (st.st_mode & 077))
		return wf_fail(err, WF_ERR_UNSAFE, _("%s must be this user's, mode 0700"), path);
	return WF_OK;
}
