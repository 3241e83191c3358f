/*
 * copy.c: a whole store copied into an empty one of either engine (enroll migrate): every
 * record with its ids and all its history, read from one snapshot of the source and written
 * in one transaction on the target, the scans copied with their hashes checked. The target
 * commits only once its audit chain verifies, its records agree with the chain, its head is
 * the source's and the summaries its triggers filled are the source's.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "workflow-int.h"

#define COLUMNS_MAX 16
#define SQL_MAX 1024

struct copy_column {
	const char *name;
	bool integer; /* bound as int64, or as an untyped NULL */
};

struct copy_table {
	const char *name;
	struct copy_column columns[COLUMNS_MAX]; /* up to the first without a name */
	const char *order;
	bool identity;	 /* its id comes from a sequence the target must move past the copy */
	int scan_column; /* the documents' scan_path (scan_sha256 next to it); 0: none */
};

#define INT(name)                                                                                  \
	{                                                                                          \
		name, true                                                                         \
	}
#define TEXT(name)                                                                                 \
	{                                                                                          \
		name, false                                                                        \
	}

/*
 * In an order the foreign keys accept. An edited official's successor has the larger id
 * and the old row points at it (superseded_by): the officials go in from the newest.
 * step_time_days, chain_states and the holdings are not here: the target's triggers fill
 * them. The audit head follows the audit rows (copy_all).
 */
static const struct copy_table tables[] = {
    {"office", {INT("id"), TEXT("name"), TEXT("city")}, "id", false, 0},
    {"settings", {TEXT("key"), TEXT("value")}, "key", false, 0},
    {"officials",
     {INT("id"), TEXT("name"), TEXT("nip"), TEXT("role"), TEXT("login"), INT("created_at"),
      INT("active"), TEXT("position"), INT("ended_at"), TEXT("end_reason"), INT("superseded_by")},
     "id DESC",
     true,
     0},
    {"applicants",
     {INT("id"), TEXT("full_name"), TEXT("nik"), TEXT("nip"), TEXT("email"), TEXT("phone"),
      TEXT("position"), TEXT("employment"), TEXT("work_unit"), TEXT("agency"), TEXT("city"),
      INT("created_at"), TEXT("rank_grade"), TEXT("province")},
     "id",
     true,
     0},
    {"applications",
     {INT("id"), TEXT("number"), INT("year"), INT("seq"), INT("applicant_id"), TEXT("state"),
      INT("step"), INT("created_at"), INT("updated_at"), INT("step_started_at"),
      TEXT("request_type"), TEXT("issuer")},
     "id",
     true,
     0},
    {"documents",
     {INT("application_id"), TEXT("kind"), INT("received"), INT("received_at"), TEXT("scan_path"),
      TEXT("scan_sha256")},
     "application_id, kind",
     false,
     4},
    {"events",
     {INT("id"), INT("application_id"), INT("step"), TEXT("action"), TEXT("from_state"),
      TEXT("to_state"), INT("actor_id"), TEXT("role"), INT("started_at"), INT("ended_at"),
      INT("minutes"), INT("standard_minutes"), TEXT("note"), INT("on_behalf_id"),
      TEXT("paper_reference")},
     "id",
     true,
     0},
    {"keys",
     {INT("id"), INT("application_id"), TEXT("status"), TEXT("token_serial"), TEXT("token_model"),
      TEXT("key_type"), TEXT("key_label"), TEXT("key_id"), TEXT("csr_pem"), INT("actor_id"),
      INT("begun_at"), INT("completed_at"), TEXT("abandon_reason"), TEXT("marker")},
     "id",
     true,
     0},
    {"certificates",
     {INT("id"), INT("application_id"), TEXT("serial"), TEXT("issuer"), TEXT("subject"),
      INT("not_before"), INT("not_after"), INT("imported_at"), TEXT("sha256")},
     "id",
     true,
     0},
    {"token_events",
     {INT("id"), TEXT("token_serial"), INT("application_id"), TEXT("action"), TEXT("key_id"),
      TEXT("detail"), INT("actor_id"), INT("at")},
     "id",
     true,
     0},
    {"papers",
     {INT("id"), TEXT("kind"), TEXT("subject"), INT("year"), INT("seq"), INT("issued_at"),
      INT("prints"), INT("audit_rows")},
     "id",
     true,
     0},
    {"audit",
     {INT("seq"), INT("at"), TEXT("login"), TEXT("kind"), TEXT("application"), TEXT("action"),
      TEXT("result"), TEXT("detail"), TEXT("prev_hash"), TEXT("hash")},
     "seq",
     false,
     0},
};

_Static_assert(sizeof(tables) / sizeof(tables[0]) <= WF_COPY_TABLES_MAX,
	       "wf_copy_info has room for every table");

/*
 * What the triggers keep, compared row by row in an order both engines sort alike; the day
 * sums of holdings are checked against the copy's own rows by wf_audit_check_records.
 */
static const char *const summaries[] = {
    "SELECT day, step, action, minutes, acts FROM step_time_days"
    " ORDER BY day, step, action, minutes",
    "SELECT number, state, seq FROM chain_states ORDER BY number",
    "SELECT application_id, nik, at, agency, work_unit, state, request_type, latest"
    " FROM holdings ORDER BY application_id",
    "SELECT application_id, nik, number FROM unsupported ORDER BY application_id",
};

/* One copy under way: the scans made so far, removed again if it fails. */
struct copy_run {
	struct wf_store *from, *to;
	char **made;
	size_t made_count, made_cap;
	struct wf_copy_info *info;
};

static int
build_sql(const struct copy_table *t, char select[SQL_MAX], char insert[SQL_MAX], int *count,
	  struct wf_error *err)
{
	char names[SQL_MAX] = "", params[SQL_MAX] = "";
	size_t n = 0, p = 0;
	int i;

	for (i = 0; i < COLUMNS_MAX && t->columns[i].name; i++) {
		n += (size_t)snprintf(names + n, n < SQL_MAX ? SQL_MAX - n : 0, "%s%s",
				      i ? ", " : "", t->columns[i].name);
		p += (size_t)snprintf(params + p, p < SQL_MAX ? SQL_MAX - p : 0, "%s?%d",
				      i ? ", " : "", i + 1);
	}
	*count = i;
	if (n >= SQL_MAX || p >= SQL_MAX ||
	    (size_t)snprintf(select, SQL_MAX, "SELECT %s FROM %s ORDER BY %s", names, t->name,
			     t->order) >= SQL_MAX ||
	    (size_t)snprintf(insert, SQL_MAX, "INSERT INTO %s (%s) VALUES (%s)", t->name, names,
			     params) >= SQL_MAX)
		return wf_fail(err, WF_ERR_INTERNAL, _("the copy's SQL for %s is too long"),
			       t->name);
	return WF_OK;
}

static int
remember(struct copy_run *run, const char *path, struct wf_error *err)
{
	char **bigger =
	    wf_array_reserve(run->made, run->made_count, &run->made_cap, sizeof(*run->made), err);

	if (!bigger)
		return WF_ERR_INTERNAL;
	run->made = bigger;
	if (!(run->made[run->made_count] = strdup(path)))
		return wf_fail(err, WF_ERR_INTERNAL, _("out of memory"));
	run->made_count++;
	return WF_OK;
}

/* A failed copy leaves no scan behind: the files it made, and their folders once empty. */
static void
forget_made(struct copy_run *run, bool remove)
{
	for (size_t i = 0; i < run->made_count; i++) {
		if (remove) {
			unlink(run->made[i]);
			char *slash = strrchr(run->made[i], '/');
			if (slash) {
				*slash = '\0';
				rmdir(run->made[i]);
			}
		}
		free(run->made[i]);
	}
	free(run->made);
}

/*
 * The target's name of a scan: its folder (the application's) and file name under the
 * target's data directory, wherever the source's data directory was.
 */
static int
target_scan_path(struct copy_run *run, const char *source, char dir[4096], char path[4096],
		 struct wf_error *err)
{
	const char *name = strrchr(source, '/'), *folder = name;

	while (folder && folder > source && folder[-1] != '/')
		folder--;
	/* Nothing that could climb out of the data directory ("..") or name a hidden file. */
	if (!name || !folder || folder == name || name[1] == '\0' || name[1] == '.' ||
	    folder[0] == '.')
		return wf_fail(err, WF_ERR_INVALID,
			       _("scan %s is not in a station's data directory"), source);
	if ((size_t)snprintf(dir, 4096, "%s/%.*s", run->to->data_dir, (int)(name - folder),
			     folder) >= 4096 ||
	    (size_t)snprintf(path, 4096, "%s%s", dir, name) >= 4096)
		return wf_fail(err, WF_ERR_IO, _("the data directory's path is too long"));
	return WF_OK;
}

static int
check_hash(const char *source, const char *sha256, const char *recorded, struct wf_error *err)
{
	if (recorded && strcmp(sha256, recorded) == 0)
		return WF_OK;
	return wf_fail(err, WF_ERR_AUDIT,
		       _("scan %s is not the one its record holds (SHA-256 %s, recorded %s)"),
		       source, sha256, recorded ? recorded : "");
}

/* A new file of the target's data directory for a scan; remembered to go if the copy fails. */
static int
open_target(struct copy_run *run, const char *source, char path[4096], int *out,
	    struct wf_error *err)
{
	char dir[4096];
	int r;

	if ((r = target_scan_path(run, source, dir, path, err)) != WF_OK ||
	    (r = wf_make_private_dir(run->to->data_dir, err)) != WF_OK ||
	    (r = wf_make_private_dir(dir, err)) != WF_OK)
		return r;
	if ((*out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
		return wf_fail(err, WF_ERR_IO, _("%s: %s"), path, strerror(errno));
	return remember(run, path, err);
}

/*
 * A scan a store keeps, or one going into a store that keeps them: its bytes, checked,
 * kept by the target's store or written as a file of its data directory.
 */
static int
copy_scan_bytes(struct copy_run *run, const char *source, const char *recorded, char path[4096],
		struct wf_error *err)
{
	unsigned char *data = NULL;
	char sha256[65];
	size_t size = 0;
	int out = -1, r;

	if ((r = wf_scan_load(run->from, source, &data, &size, sha256, err)) == WF_OK &&
	    (r = check_hash(source, sha256, recorded, err)) == WF_OK) {
		if (run->to->driver->scans_in_store)
			r = wf_scan_put(run->to, data, size, sha256, path, err);
		else if ((r = open_target(run, source, path, &out, err)) == WF_OK &&
			 (wf_write_all(out, data, size) != 0 || fsync(out) != 0))
			r = wf_fail(err, WF_ERR_IO, _("%s: %s"), path, strerror(errno));
	}
	if (out >= 0)
		close(out);
	if (r == WF_OK)
		run->info->files++;
	free(data);
	return r;
}

/* Copy one scan into the target's data directory; it must be the one its record hashed. */
static int
copy_scan(struct copy_run *run, const char *source, const char *recorded, char path[4096],
	  struct wf_error *err)
{
	char sha256[65];
	int in = -1, out = -1, r;

	if (wf_scan_in_store(source) || run->to->driver->scans_in_store)
		return copy_scan_bytes(run, source, recorded, path, err);
	if ((in = open(source, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return wf_fail(err, WF_ERR_IO, _("%s: %s"), source, strerror(errno));
	if ((r = open_target(run, source, path, &out, err)) == WF_OK &&
	    (r = wf_copy_hashing(in, out, 0, sha256, err)) == WF_OK &&
	    (r = check_hash(source, sha256, recorded, err)) == WF_OK)
		run->info->files++;
	if (out >= 0)
		close(out);
	close(in);
	return r;
}

static int
bind_row(struct copy_run *run, const struct copy_table *t, int count, struct wf_stmt *src,
	 struct wf_stmt *dst, struct wf_error *err)
{
	char scan[4096];
	int r;

	for (int i = 0; i < count; i++) {
		const char *text = wf_column_text(src, i);

		if (t->scan_column > 0 && i == t->scan_column && text && *text) {
			if ((r = copy_scan(run, text, wf_column_text(src, i + 1), scan, err)) !=
			    WF_OK)
				return r;
			wf_bind_text(dst, i + 1, scan);
		} else if (t->columns[i].integer && !text) {
			wf_bind_null(dst, i + 1);
		} else if (t->columns[i].integer) {
			wf_bind_int64(dst, i + 1, wf_column_int64(src, i));
		} else {
			wf_bind_text(dst, i + 1, text);
		}
	}
	return WF_OK;
}

/* The sequence of a table with generated ids continues past the copied ones. */
static int
continue_ids(struct copy_run *run, const struct copy_table *t, int64_t next, struct wf_error *err)
{
	const char *sql = wf_query_sql(run->to, WF_Q_CONTINUE_IDS);
	struct wf_stmt *stmt = NULL;
	int r;

	if (!t->identity || !sql)
		return WF_OK;
	if ((r = wf_prepare(run->to, sql, &stmt, err)) != WF_OK)
		return r;
	wf_bind_text(stmt, 1, t->name);
	wf_bind_int64(stmt, 2, next);
	if (wf_next(stmt) == WF_STEP_ERROR)
		r = wf_fail_db(err, run->to, _("continue the numbering"));
	wf_finalize(stmt);
	return r;
}

static int
copy_table(struct copy_run *run, const struct copy_table *t, int64_t *rows, struct wf_error *err)
{
	char select[SQL_MAX], insert[SQL_MAX], doing[128];
	struct wf_stmt *src = NULL, *dst = NULL;
	int64_t next = 1;
	int count, r, rc;

	snprintf(doing, sizeof(doing), _("copy %s"), t->name);
	if ((r = build_sql(t, select, insert, &count, err)) != WF_OK ||
	    (r = wf_prepare(run->from, select, &src, err)) != WF_OK ||
	    (r = wf_prepare(run->to, insert, &dst, err)) != WF_OK)
		goto out;
	while ((rc = wf_next(src)) == WF_ROW) {
		wf_reset(dst);
		if ((r = bind_row(run, t, count, src, dst, err)) != WF_OK)
			goto out;
		if (wf_next(dst) != WF_DONE) {
			r = wf_fail_db(err, run->to, doing);
			goto out;
		}
		if (wf_column_int64(src, 0) >= next)
			next = wf_column_int64(src, 0) + 1;
		(*rows)++;
	}
	if (rc != WF_DONE)
		r = wf_fail_db(err, run->from, doing);
	else
		r = continue_ids(run, t, next, err);
out:
	wf_finalize(src);
	wf_finalize(dst);
	return r;
}

/* Nothing of a station in the target: no office, official, application or audit row. */
static int
check_empty(struct wf_store *to, struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	int r;

	if ((r = wf_prepare(
		 to,
		 "SELECT (SELECT count(*) FROM office) + (SELECT count(*) FROM officials)"
		 " + (SELECT count(*) FROM applications) + (SELECT count(*) FROM audit)",
		 &stmt, err)) != WF_OK)
		return r;
	if (wf_next(stmt) != WF_ROW)
		r = wf_fail_db(err, to, _("read the target"));
	else if (wf_column_int64(stmt, 0) > 0)
		r = wf_fail(err, WF_ERR_EXISTS,
			    _("%s holds a station's records already: a copy goes only into an empty"
			      " store"),
			    to->path);
	wf_finalize(stmt);
	return r;
}

/* One summary's rows on both stores, column by column as text. */
static int
compare_summary(struct copy_run *run, const char *sql, struct wf_error *err)
{
	struct wf_stmt *a = NULL, *b = NULL;
	int r, ra = WF_ROW, rb = WF_ROW;

	if ((r = wf_prepare(run->from, sql, &a, err)) != WF_OK ||
	    (r = wf_prepare(run->to, sql, &b, err)) != WF_OK)
		goto out;
	while (r == WF_OK && (ra = wf_next(a)) == WF_ROW && (rb = wf_next(b)) == WF_ROW)
		for (int i = 0; r == WF_OK && wf_column_text(a, i); i++)
			if (!wf_column_text(b, i) ||
			    strcmp(wf_column_text(a, i), wf_column_text(b, i)) != 0)
				r = WF_ERR_AUDIT;
	if (r == WF_OK && ra == WF_DONE)
		rb = wf_next(b);
	if (r == WF_OK && (ra == WF_STEP_ERROR || rb == WF_STEP_ERROR))
		r = wf_fail_db(err, ra == WF_STEP_ERROR ? run->from : run->to,
			       _("compare the summaries"));
	else if (r != WF_OK || ra != WF_DONE || rb != WF_DONE)
		r = wf_fail(
		    err, WF_ERR_AUDIT,
		    _("after the copy, the target's summary (%s) differs from the source's"), sql);
out:
	wf_finalize(a);
	wf_finalize(b);
	return r;
}

/* The target as written, before it commits: chain, records, head, summaries. */
static int
check_copy(struct copy_run *run, struct wf_error *err)
{
	char head[WF_AUDIT_HASH_HEX];
	int64_t rows = 0;
	int r;

	if ((r = wf_audit_verify(run->to, NULL, NULL, err)) != WF_OK ||
	    (r = wf_audit_check_records(run->to, NULL, NULL, err)) != WF_OK ||
	    (r = wf_audit_head(run->from, &run->info->audit_rows, run->info->audit_head, err)) !=
		WF_OK ||
	    (r = wf_audit_head(run->to, &rows, head, err)) != WF_OK)
		return r;
	if (rows != run->info->audit_rows || strcmp(head, run->info->audit_head) != 0)
		return wf_fail(err, WF_ERR_AUDIT,
			       _("the copy's audit head (row %" PRId64 ") is not the source's"
				 " (row %" PRId64 ")"),
			       rows, run->info->audit_rows);
	for (size_t i = 0; r == WF_OK && i < sizeof(summaries) / sizeof(summaries[0]); i++)
		r = compare_summary(run, summaries[i], err);
	return r;
}

/* On a server, the active officials' logins are let in, as official add does. */
static int
grant_logins(struct wf_store *to, struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	int r, rc = WF_DONE;

	if (!wf_query_sql(to, WF_Q_GRANT_LOGIN))
		return WF_OK;
	if ((r = wf_prepare(to, "SELECT login FROM officials WHERE active = 1 ORDER BY id", &stmt,
			    err)) != WF_OK)
		return r;
	while (r == WF_OK && (rc = wf_next(stmt)) == WF_ROW)
		r = wf_official_grant_login(to, wf_column_text(stmt, 0), err);
	if (r == WF_OK && rc != WF_DONE)
		r = wf_fail_db(err, to, _("read the officials"));
	wf_finalize(stmt);
	return r;
}

static int
copy_all(struct copy_run *run, struct wf_error *err)
{
	char head[WF_AUDIT_HASH_HEX];
	int64_t head_rows = 0;
	int r;

	if ((r = check_empty(run->to, err)) != WF_OK)
		return r;
	/* Summed as each row goes in, not all at the commit: the copy reads them first. */
	if (wf_query_sql(run->to, WF_Q_SUMMARIES_NOW) &&
	    (r = wf_exec(run->to, wf_query_sql(run->to, WF_Q_SUMMARIES_NOW), _("sum up the copy"),
			 err)) != WF_OK)
		return r;
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		run->info->tables[i].table = tables[i].name;
		if ((r = copy_table(run, &tables[i], &run->info->tables[i].rows, err)) != WF_OK)
			return r;
		run->info->table_count = i + 1;
	}
	/* The source's head, where the target does not move its own as it takes the rows. */
	if ((r = wf_audit_head(run->from, &head_rows, head, err)) != WF_OK ||
	    (head_rows > 0 && (r = wf_audit_move_head(run->to, head_rows, head, err)) != WF_OK))
		return r;
	if ((r = grant_logins(run->to, err)) != WF_OK)
		return r;
	return check_copy(run, err);
}

int
wf_store_copy(struct wf_store *from, struct wf_store *to, struct wf_copy_info *info,
	      struct wf_error *err)
{
	struct wf_copy_info made = {0};
	struct copy_run run = {.from = from, .to = to, .info = &made};
	int r;

	wf_error_clear(err);
	if (!from || !to || from == to)
		return wf_fail(err, WF_ERR_INTERNAL, _("wf_store_copy: bad argument"));
	if ((r = wf_read_begin(from, err)) != WF_OK)
		return r;
	if ((r = wf_tx_begin(to, err)) == WF_OK) {
		r = copy_all(&run, err);
		r = wf_tx_end(to, r, false, err);
	}
	wf_read_end(from);
	forget_made(&run, r != WF_OK);
	if (r == WF_OK && info)
		*info = made;
	return r;
}
