/*
 * audit.c: the append-only audit log. Each row's hash is SHA-256 over the previous
 * row's hash and the row's own canonical content, its sequence number included, so an
 * edited, deleted, inserted or reordered row breaks the chain from there on; the head
 * row (last seq and hash) catches a cut-off tail.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "workflow-int.h"

#define HASH_HEX WF_AUDIT_HASH_HEX
static const char genesis[] = "0000000000000000000000000000000000000000000000000000000000000000";

struct audit_row {
	int64_t seq;
	int64_t at;
	const char *fields[6]; /* login, kind, application, action, result, detail */
};

/* Length-prefixed fields: no separator inside a field can fake another split. */
static int
digest_field(EVP_MD_CTX *md, const char *text)
{
	char prefix[32];
	size_t len = strlen(text);
	int n = snprintf(prefix, sizeof(prefix), "%zu:", len);

	return EVP_DigestUpdate(md, prefix, (size_t)n) && EVP_DigestUpdate(md, text, len) &&
	       EVP_DigestUpdate(md, "\n", 1);
}

static int
row_hash(const char *prev_hash, const struct audit_row *row, char out[HASH_HEX],
	 struct wf_error *err)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	char numbers[64];
	int ok;

	if (!md)
		return wf_fail(err, WF_ERR_INTERNAL, _("out of memory"));
	snprintf(numbers, sizeof(numbers), "%" PRId64 " %" PRId64, row->seq, row->at);
	ok = EVP_DigestInit_ex(md, EVP_sha256(), NULL) && digest_field(md, prev_hash) &&
	     digest_field(md, numbers);
	for (size_t i = 0; ok && i < 6; i++)
		ok = digest_field(md, row->fields[i] ? row->fields[i] : "");
	ok = ok && EVP_DigestFinal_ex(md, digest, &len);
	EVP_MD_CTX_free(md);
	if (!ok || len != 32)
		return wf_fail(err, WF_ERR_INTERNAL, _("SHA-256 failed"));
	for (unsigned int i = 0; i < len; i++)
		snprintf(out + 2 * i, 3, "%02x", digest[i]);
	return WF_OK;
}

static int
read_head(struct wf_store *store, int64_t *seq, char hash[HASH_HEX], struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	int r;

	if ((r = wf_prepare(store, "SELECT seq, hash FROM audit_head WHERE id = 1", &stmt, err)) !=
	    WF_OK)
		return r;
	int rc = wf_next(stmt);
	if (rc == WF_ROW) {
		*seq = wf_column_int64(stmt, 0);
		wf_column_copy(stmt, 1, hash, HASH_HEX);
	} else if (rc == WF_DONE) {
		*seq = 0;
		memcpy(hash, genesis, HASH_HEX);
	} else {
		r = wf_fail_db(err, store, _("read audit head"));
	}
	wf_finalize(stmt);
	return r;
}

int
wf_audit_head(struct wf_store *store, int64_t *seq, char hash[WF_AUDIT_HASH_HEX],
	      struct wf_error *err)
{
	wf_error_clear(err);
	return read_head(store, seq, hash, err);
}

/* The row appended by the engine, which chains it itself (WF_Q_AUDIT_APPEND's sql). */
static int
append_by_engine(struct wf_store *store, const char *sql, const struct audit_row *row,
		 struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	int r;

	if ((r = wf_prepare(store, sql, &stmt, err)) != WF_OK)
		return r;
	wf_bind_int64(stmt, 1, row->at);
	for (int i = 0; i < 6; i++)
		wf_bind_text(stmt, 2 + i, row->fields[i]);
	if (wf_next(stmt) != WF_ROW)
		r = wf_fail_db(err, store, _("append audit row"));
	wf_finalize(stmt);
	return r;
}

/* An entry's row at seq and time at, its unset fields as the chain stores them. */
static void
entry_row(struct audit_row *row, int64_t seq, int64_t at, const struct wf_audit_entry *entry)
{
	row->seq = seq;
	row->at = at;
	row->fields[0] = entry->login ? entry->login : "";
	row->fields[1] = entry->kind;
	row->fields[2] = entry->application ? entry->application : "";
	row->fields[3] = entry->action ? entry->action : "";
	row->fields[4] = entry->result ? entry->result : "ok";
	row->fields[5] = entry->detail ? entry->detail : "";
}

int
wf_audit_entry_hash(const char *prev_hash, int64_t seq, int64_t at,
		    const struct wf_audit_entry *entry, char hash[WF_AUDIT_HASH_HEX],
		    struct wf_error *err)
{
	struct audit_row row;

	entry_row(&row, seq, at, entry);
	return row_hash(prev_hash, &row, hash, err);
}

int
wf_audit_append(struct wf_store *store, const struct wf_audit_entry *entry, struct wf_error *err)
{
	const char *engine_sql = wf_query_sql(store, WF_Q_AUDIT_APPEND);
	struct wf_stmt *stmt = NULL;
	char prev[HASH_HEX], hash[HASH_HEX];
	struct audit_row row;
	int r;

	entry_row(&row, 0, wf_store_now(store), entry);
	if (engine_sql)
		return append_by_engine(store, engine_sql, &row, err);
	if ((r = read_head(store, &row.seq, prev, err)) != WF_OK)
		return r;
	row.seq++;
	if ((r = row_hash(prev, &row, hash, err)) != WF_OK)
		return r;
	if ((r = wf_prepare(
		 store,
		 "INSERT INTO audit (seq, at, login, kind, application, action, result,"
		 " detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
		 &stmt, err)) != WF_OK)
		return r;
	wf_bind_int64(stmt, 1, row.seq);
	wf_bind_int64(stmt, 2, row.at);
	for (int i = 0; i < 6; i++)
		wf_bind_text(stmt, 3 + i, row.fields[i]);
	wf_bind_text(stmt, 9, prev);
	wf_bind_text(stmt, 10, hash);
	if (wf_next(stmt) != WF_DONE)
		r = wf_fail_db(err, store, _("append audit row"));
	wf_finalize(stmt);
	if (r != WF_OK)
		return r;
	return wf_audit_move_head(store, row.seq, hash, err);
}

int
wf_audit_move_head(struct wf_store *store, int64_t seq, const char *hash, struct wf_error *err)
{
	const char *sql = wf_query_sql(store, WF_Q_MOVE_AUDIT_HEAD);
	struct wf_stmt *stmt = NULL;
	int r;

	if (!sql)
		return WF_OK;
	if ((r = wf_prepare(store, sql, &stmt, err)) != WF_OK)
		return r;
	wf_bind_int64(stmt, 1, seq);
	wf_bind_text(stmt, 2, hash);
	if (wf_next(stmt) != WF_DONE)
		r = wf_fail_db(err, store, _("move audit head"));
	wf_finalize(stmt);
	return r;
}

/* Check one row against the running chain; the first bad seq goes to *bad. */
static int
verify_row(struct wf_stmt *stmt, int64_t expected_seq, char running[HASH_HEX], int64_t *bad,
	   struct wf_error *err)
{
	struct audit_row row = {0};
	char prev[HASH_HEX], stored[HASH_HEX], computed[HASH_HEX];
	int r;

	row.seq = wf_column_int64(stmt, 0);
	row.at = wf_column_int64(stmt, 1);
	for (int i = 0; i < 6; i++)
		row.fields[i] = wf_column_text(stmt, 2 + i);
	wf_column_copy(stmt, 8, prev, sizeof(prev));
	wf_column_copy(stmt, 9, stored, sizeof(stored));
	if (row.seq != expected_seq) {
		/* A row is missing or moved: the first wrong place is the expected one. */
		*bad = expected_seq;
		return wf_fail(
		    err, WF_ERR_AUDIT,
		    _("audit row %" PRId64 " is missing (found %" PRId64 " in its place)"),
		    expected_seq, row.seq);
	}
	if (strcmp(prev, running) != 0) {
		*bad = row.seq;
		return wf_fail(err, WF_ERR_AUDIT,
			       _("audit row %" PRId64 " does not follow the row before it"),
			       row.seq);
	}
	if ((r = row_hash(running, &row, computed, err)) != WF_OK)
		return r;
	if (strcmp(computed, stored) != 0) {
		*bad = row.seq;
		return wf_fail(err, WF_ERR_AUDIT, _("audit row %" PRId64 " was altered"), row.seq);
	}
	memcpy(running, stored, HASH_HEX);
	return WF_OK;
}

/* Rows to a page: a server's result holds this many, not the whole chain. */
#define AUDIT_PAGE 10000

void
wf_audit_pages_open(struct wf_audit_pages *pages, struct wf_store *store, const char *columns,
		    const char *where)
{
	memset(pages, 0, sizeof(*pages));
	pages->store = store;
	pages->columns = columns;
	pages->where = where;
}

/* The next page's statement: from the first row, or after the last one read. */
static int
audit_page(struct wf_audit_pages *pages, struct wf_error *err)
{
	char sql[512];
	bool after = pages->stmt != NULL;

	wf_finalize(pages->stmt);
	pages->stmt = NULL;
	snprintf(sql, sizeof(sql), "SELECT %s FROM audit%s%s%s%s%s%s ORDER BY seq LIMIT %d",
		 pages->columns, pages->where || after ? " WHERE " : "", pages->where ? "(" : "",
		 pages->where ? pages->where : "", pages->where ? ")" : "",
		 pages->where && after ? " AND " : "", after ? "seq > ?1" : "", AUDIT_PAGE);
	if (wf_prepare(pages->store, sql, &pages->stmt, err) != WF_OK)
		return WF_ERR_DB;
	if (after)
		wf_bind_int64(pages->stmt, 1, pages->last);
	pages->in_page = 0;
	return WF_OK;
}

int
wf_audit_pages_next(struct wf_audit_pages *pages, struct wf_error *err)
{
	int rc;

	if (!pages->stmt && audit_page(pages, err) != WF_OK)
		return WF_ERR_DB;
	while ((rc = wf_next(pages->stmt)) == WF_DONE && pages->in_page == AUDIT_PAGE)
		if (audit_page(pages, err) != WF_OK)
			return WF_ERR_DB;
	if (rc == WF_DONE)
		return WF_DONE;
	if (rc != WF_ROW)
		return wf_fail_db(err, pages->store, _("read audit"));
	pages->in_page++;
	pages->last = wf_column_int64(pages->stmt, 0);
	return WF_ROW;
}

void
wf_audit_pages_close(struct wf_audit_pages *pages)
{
	wf_finalize(pages->stmt);
	pages->stmt = NULL;
}

int
wf_audit_verify(struct wf_store *store, int64_t *first_bad_row, int64_t *rows, struct wf_error *err)
{
	struct wf_audit_pages pages;
	char running[HASH_HEX], head_hash[HASH_HEX];
	int64_t seq = 0, head_seq = 0, bad = 0;
	int r, rc;

	wf_error_clear(err);
	wf_audit_pages_open(&pages, store,
			    "seq, at, login, kind, application, action, result, detail, prev_hash,"
			    " hash",
			    NULL);
	/* One read transaction: a snapshot, so appends running meanwhile do not confuse us. */
	if ((r = wf_read_begin(store, err)) != WF_OK)
		return r;
	/* A chain in a damaged file proves nothing: the file itself first. */
	if ((r = wf_store_check_integrity(store, true, err)) != WF_OK)
		goto out;
	if ((r = read_head(store, &head_seq, head_hash, err)) != WF_OK)
		goto out;
	memcpy(running, genesis, HASH_HEX);
	while ((rc = wf_audit_pages_next(&pages, err)) == WF_ROW) {
		if ((r = verify_row(pages.stmt, seq + 1, running, &bad, err)) != WF_OK)
			goto out;
		seq++;
	}
	if (rc != WF_DONE) {
		r = rc;
		goto out;
	}
	if (seq != head_seq || strcmp(running, head_hash) != 0) {
		bad = seq < head_seq ? seq + 1 : seq > head_seq ? head_seq + 1 : seq;
		r = wf_fail(
		    err, WF_ERR_AUDIT,
		    _("audit log ends at row %" PRId64 " but its head records row %" PRId64), seq,
		    head_seq);
		goto out;
	}
	r = WF_OK;
out:
	wf_audit_pages_close(&pages);
	wf_read_end(store);
	if (first_bad_row)
		*first_bad_row = r == WF_ERR_AUDIT ? bad : 0;
	if (rows)
		*rows = seq;
	return r;
}

void
wf_audit_rows_free(struct wf_audit_row *rows, size_t count)
{
	if (!rows)
		return;
	for (size_t i = 0; i < count; i++)
		free(rows[i].detail);
	free(rows);
}

static void
read_audit_row(struct wf_stmt *stmt, struct wf_audit_row *row)
{
	memset(row, 0, sizeof(*row));
	row->seq = wf_column_int64(stmt, 0);
	row->at = wf_column_int64(stmt, 1);
	wf_column_copy(stmt, 2, row->login, sizeof(row->login));
	wf_column_copy(stmt, 3, row->kind, sizeof(row->kind));
	wf_column_copy(stmt, 4, row->application, sizeof(row->application));
	wf_column_copy(stmt, 5, row->action, sizeof(row->action));
	wf_column_copy(stmt, 6, row->result, sizeof(row->result));
	row->detail = wf_column_dup(stmt, 7);
	wf_column_copy(stmt, 8, row->hash, sizeof(row->hash));
}

int
wf_audit_list(struct wf_store *store, int64_t after_seq, size_t limit, const char *application,
	      struct wf_audit_row **out, size_t *count, struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	struct wf_audit_row *rows = NULL;
	size_t n = 0, cap = 0;
	int r, rc;

	wf_error_clear(err);
	if ((r = wf_prepare(store,
			    application
				? "SELECT seq, at, login, kind, application, action, result,"
				  " detail, hash FROM audit WHERE seq > ?1 AND application = ?3"
				  " ORDER BY seq LIMIT ?2"
				: "SELECT seq, at, login, kind, application, action, result,"
				  " detail, hash FROM audit WHERE seq > ?1 ORDER BY seq LIMIT ?2",
			    &stmt, err)) != WF_OK)
		return r;
	wf_bind_int64(stmt, 1, after_seq);
	wf_bind_int64(stmt, 2, limit ? (int64_t)limit : INT64_MAX);
	if (application)
		wf_bind_text(stmt, 3, application);
	while ((rc = wf_next(stmt)) == WF_ROW) {
		struct wf_audit_row *bigger = wf_array_reserve(rows, n, &cap, sizeof(*rows), err);
		if (!bigger) {
			r = WF_ERR_INTERNAL;
			goto out;
		}
		rows = bigger;
		read_audit_row(stmt, &rows[n++]);
	}
	if (rc != WF_DONE)
		r = wf_fail_db(err, store, _("list audit"));
out:
	wf_finalize(stmt);
	if (r != WF_OK) {
		wf_audit_rows_free(rows, n);
		return r;
	}
	*out = rows;
	*count = n;
	return WF_OK;
}
