/*
 * papers.c: the record of every paper the station prints (receipt, letters, request sheet,
 * holders report): its number's sequence in its year and its date, fixed at the first
 * printing so that a reprint is the same paper; each printing audited with its SHA-256.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "workflow-int.h"

static int
find_paper(struct wf_store *store, const char *kind, const char *subject, struct wf_paper *out,
	   struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	int r, rc;

	if ((r = wf_prepare(store,
			    "SELECT year, seq, issued_at, prints, audit_rows FROM papers"
			    " WHERE kind = ?1 AND subject = ?2",
			    &stmt, err)) != WF_OK)
		return r;
	wf_bind_text(stmt, 1, kind);
	wf_bind_text(stmt, 2, subject);
	if ((rc = wf_next(stmt)) == WF_ROW) {
		out->year = wf_column_int(stmt, 0);
		out->seq = wf_column_int64(stmt, 1);
		out->issued_at = wf_column_int64(stmt, 2);
		out->prints = wf_column_int64(stmt, 3);
		out->audit_rows = wf_column_int64(stmt, 4);
	} else if (rc == WF_DONE) {
		r = wf_fail(err, WF_ERR_NOT_FOUND, _("no paper %s of %s was printed"), kind,
			    subject);
	} else {
		r = wf_fail_db(err, store, _("read papers"));
	}
	wf_finalize(stmt);
	return r;
}

/* A new paper: the next sequence of the year it is issued in (the office's numbering). */
static int
insert_paper(struct wf_store *store, const char *kind, const char *subject, struct wf_paper *out,
	     struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	time_t now = (time_t)wf_store_now(store);
	struct tm tm;
	int r;

	localtime_r(&now, &tm);
	if ((r = wf_prepare(store,
			    "INSERT INTO papers (kind, subject, year, seq, issued_at, audit_rows)"
			    " VALUES (?1, ?2, ?3,"
			    " (SELECT COALESCE(MAX(seq), 0) + 1 FROM papers WHERE year = ?3), ?4,"
			    " (SELECT COALESCE(MAX(seq), 0) FROM audit))",
			    &stmt, err)) != WF_OK)
		return r;
	wf_bind_text(stmt, 1, kind);
	wf_bind_text(stmt, 2, subject);
	wf_bind_int64(stmt, 3, tm.tm_year + 1900);
	wf_bind_int64(stmt, 4, (int64_t)now);
	if (wf_next(stmt) != WF_DONE)
		r = wf_fail_db(err, store, _("record paper"));
	wf_finalize(stmt);
	return r == WF_OK ? find_paper(store, kind, subject, out, err) : r;
}

int
wf_paper_issue(struct wf_store *store, const struct wf_actor *actor, const char *kind,
	       const char *subject, struct wf_paper *out, struct wf_error *err)
{
	struct wf_acting acting;
	bool keep;
	int r;

	wf_error_clear(err);
	if (wf_text_empty(kind) || wf_text_empty(subject))
		return wf_fail_field(err, "paper", _("a paper needs its kind and subject"));
	if ((r = wf_tx_begin(store, err)) != WF_OK)
		return r;
	r = wf_authorize(store, actor, WF_ROLE_APPLICANT, 0, "", "print", &acting, err);
	keep = r == WF_ERR_ROLE || r == WF_ERR_INVALID;
	if (r == WF_OK && (r = find_paper(store, kind, subject, out, err)) == WF_ERR_NOT_FOUND)
		r = insert_paper(store, kind, subject, out, err);
	return wf_tx_end(store, r, keep, err);
}

int
wf_paper_printed(struct wf_store *store, const struct wf_actor *actor, const char *kind,
		 const char *subject, const char *sha256, struct wf_error *err)
{
	struct wf_acting acting;
	struct wf_stmt *stmt = NULL;
	char detail[256];
	bool keep;
	int r;

	wf_error_clear(err);
	if ((r = wf_tx_begin(store, err)) != WF_OK)
		return r;
	r = wf_authorize(store, actor, WF_ROLE_APPLICANT, 0, "", "print", &acting, err);
	keep = r == WF_ERR_ROLE || r == WF_ERR_INVALID;
	if (r != WF_OK ||
	    (r = wf_prepare(
		 store, "UPDATE papers SET prints = prints + 1 WHERE kind = ?1 AND subject = ?2",
		 &stmt, err)) != WF_OK)
		goto out;
	wf_bind_text(stmt, 1, kind);
	wf_bind_text(stmt, 2, subject);
	if (wf_next(stmt) != WF_DONE || wf_changes(stmt) != 1) {
		r = wf_fail(err, WF_ERR_NOT_FOUND, _("no paper %s of %s was issued"), kind,
			    subject);
		goto out;
	}
	snprintf(detail, sizeof(detail), "%s %s sha256 %s", kind, subject, sha256);
	struct wf_audit_entry entry = {acting.actor.login, "admin", "", "print", "ok", detail};
	/* An application's paper is found among its rows (enroll show, audit list). */
	if (wf_application_lookup(store, subject, &(struct wf_app_ref){0}, err) == WF_OK)
		entry.application = subject;
	wf_error_clear(err);
	r = wf_audit_append(store, &entry, err);
out:
	wf_finalize(stmt);
	return wf_tx_end(store, r, keep, err);
}

int
wf_paper_get(struct wf_store *store, const char *kind, const char *subject, struct wf_paper *out,
	     struct wf_error *err)
{
	wf_error_clear(err);
	return find_paper(store, kind, subject, out, err);
}

int
wf_audit_head_at(struct wf_store *store, int64_t upto, char hash[65], int64_t *rows,
		 struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	int r;

	wf_error_clear(err);
	if ((r = wf_prepare(store,
			    "SELECT seq, hash FROM audit WHERE ?1 = 0 OR seq <= ?1"
			    " ORDER BY seq DESC LIMIT 1",
			    &stmt, err)) != WF_OK)
		return r;
	wf_bind_int64(stmt, 1, upto);
	hash[0] = '\0';
	*rows = 0;
	if (wf_next(stmt) == WF_ROW) {
		*rows = wf_column_int64(stmt, 0);
		wf_column_copy(stmt, 1, hash, 65);
	}
	wf_finalize(stmt);
	return r;
}
