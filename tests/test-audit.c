/*
 * test-audit.c: the audit log is a hash chain. Whatever a tamperer with write access
 * to the file does to one row (edit any column, delete it, swap it with its neighbour,
 * cut the tail) the verifier finds it and names the first bad row.
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "fixture.h"
#include "tap.h"
#include "wf-fixture.h"

static struct wf_store *store;
static int64_t total_rows;

/* Run each statement of sql with ?1 = row and ?2 = other; rows changed into *changed. */
static int
tamper(sqlite3 *db, const char *sql, int64_t row, int64_t other, int *changed)
{
	const char *tail = sql;

	*changed = 0;
	while (tail && *tail) {
		sqlite3_stmt *stmt = NULL;
		if (sqlite3_prepare_v2(db, tail, -1, &stmt, &tail) != SQLITE_OK)
			return -1;
		if (!stmt)
			break;
		if (sqlite3_bind_parameter_count(stmt) >= 1)
			sqlite3_bind_int64(stmt, 1, row);
		if (sqlite3_bind_parameter_count(stmt) >= 2)
			sqlite3_bind_int64(stmt, 2, other);
		int rc = sqlite3_step(stmt);
		sqlite3_finalize(stmt);
		if (rc != SQLITE_DONE)
			return -1;
		*changed += sqlite3_changes(db);
	}
	return 0;
}

/* A copy of the pristine database, tampered with by raw SQL, then verified. */
static int
verify_after(const char *sql, int64_t row, int64_t other, int64_t *bad)
{
	static int copies;
	char name[64];
	struct wf_error err;
	sqlite3 *db = NULL;
	int r, changed = 0;

	snprintf(name, sizeof(name), "tampered-%d.db", ++copies);
	if (wf_backup(store, wft_db_path(name), &err) != WF_OK) {
		tap_diag("backup: %s", err.message);
		return -100;
	}
	/* The tamperer drops the append-only triggers first: that takes only DDL. */
	if (sqlite3_open(wft_db_path(name), &db) != SQLITE_OK ||
	    sqlite3_exec(db, "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;", NULL,
			 NULL, NULL) != SQLITE_OK ||
	    tamper(db, sql, row, other, &changed) != 0 || changed < 1) {
		tap_diag("tamper: %s", sqlite3_errmsg(db));
		sqlite3_close(db);
		return -101;
	}
	sqlite3_close(db);
	struct wf_store *copy = wf_store_open(wft_db_path(name), &err);
	if (!copy)
		return -102;
	r = wf_audit_verify(copy, bad, NULL, &err);
	wf_store_close(copy);
	return r;
}

static void
intact_chain_verifies(void)
{
	struct wf_error err;
	int64_t bad = -1;

	check_int(wf_audit_verify(store, &bad, &total_rows, &err), WF_OK);
	check_int(bad, 0);
	check(total_rows >= 15);
}

static void
editing_any_column_of_any_row_is_detected_and_named(void)
{
	static const char *const edits[] = {
	    "UPDATE audit SET detail = detail || '.' WHERE seq = ?1",
	    "UPDATE audit SET login = 'someone' WHERE seq = ?1",
	    "UPDATE audit SET at = at + 1 WHERE seq = ?1",
	    "UPDATE audit SET result = 'ok?' WHERE seq = ?1",
	    "UPDATE audit SET action = 'x' || action WHERE seq = ?1",
	    "UPDATE audit SET application = 'TTE/2026/9999' WHERE seq = ?1",
	    "UPDATE audit SET kind = 'other' WHERE seq = ?1",
	    "UPDATE audit SET hash = prev_hash WHERE seq = ?1",
	};
	int detected = 0;

	for (int64_t row = 1; row <= total_rows; row++) {
		int64_t bad = 0;
		const char *edit = edits[row % (sizeof(edits) / sizeof(edits[0]))];
		int r = verify_after(edit, row, 0, &bad);
		if (check(r == WF_ERR_AUDIT) && check(bad == row))
			detected++;
		else
			tap_diag("    row %lld (%s): %s, bad %lld", (long long)row, edit,
				 wf_status_name(r), (long long)bad);
	}
	check_int(detected, total_rows);
}

static void
deleting_any_row_is_detected_and_named(void)
{
	int detected = 0;

	for (int64_t row = 1; row <= total_rows; row++) {
		int64_t bad = 0;
		int r = verify_after("DELETE FROM audit WHERE seq = ?1", row, 0, &bad);
		if (check(r == WF_ERR_AUDIT) && check(bad == row))
			detected++;
	}
	check_int(detected, total_rows);
}

static void
swapping_neighbouring_rows_is_detected_and_named(void)
{
	/* Everything but seq moves: the rows appear in each other's place. */
	static const char swap[] =
	    "CREATE TEMP TABLE t AS SELECT * FROM audit WHERE seq IN (?1, ?2);"
	    "UPDATE audit SET (at, login, kind, application, action, result, detail, prev_hash,"
	    " hash) = (SELECT at, login, kind, application, action, result, detail, prev_hash,"
	    " hash FROM t WHERE t.seq = CASE audit.seq WHEN ?1 THEN ?2 ELSE ?1"
	    " END) WHERE seq IN (SELECT seq FROM t);";
	int detected = 0;

	for (int64_t row = 1; row < total_rows; row++) {
		int64_t bad = 0;
		int r = verify_after(swap, row, row + 1, &bad);
		if (check(r == WF_ERR_AUDIT) && check(bad == row))
			detected++;
		else
			tap_diag("    swap %lld: %s, bad %lld", (long long)row, wf_status_name(r),
				 (long long)bad);
	}
	check_int(detected, total_rows - 1);
}

static void
appending_a_forged_row_is_detected(void)
{
	int64_t bad = 0;
	int r = verify_after("INSERT INTO audit SELECT seq + 1, at, login, kind, application,"
			     " action, result, detail, hash, hash FROM audit WHERE seq = ?1",
			     total_rows, 0, &bad);

	check_int(r, WF_ERR_AUDIT);
	check_int(bad, total_rows + 1);
}

static void
audit_rows_cannot_be_changed_by_plain_sql(void)
{
	sqlite3 *db = NULL;

	check_int(sqlite3_open(wft_db_path("audit.db"), &db), SQLITE_OK);
	check(sqlite3_exec(db, "UPDATE audit SET detail = 'x' WHERE seq = 1", NULL, NULL, NULL) !=
	      SQLITE_OK);
	check(strstr(sqlite3_errmsg(db), "append-only") != NULL);
	check(sqlite3_exec(db, "DELETE FROM audit WHERE seq = 1", NULL, NULL, NULL) != SQLITE_OK);
	sqlite3_close(db);
}

static void
every_act_and_refusal_leaves_a_row(void)
{
	char number[WF_NUMBER_MAX];
	struct wf_actor kabid = wft_actor(WFT_KABID), kadis = wft_actor(WFT_KADIS);
	struct wf_error err;
	int64_t before = 0, after = 0;

	check_int(wft_create(store, number), WF_OK);
	check_int(wf_audit_verify(store, NULL, &before, &err), WF_OK);
	check_int(wf_act(store, number, WF_ACTION_DISPOSE, &kabid, NULL, &err), WF_ERR_ROLE);
	check_int(wf_act(store, number, WF_ACTION_HANDOVER, &kadis, NULL, &err), WF_ERR_STATE);
	check_int(wf_act(store, number, WF_ACTION_DISPOSE, &kadis, NULL, &err), WF_OK);
	check_int(wf_audit_verify(store, NULL, &after, &err), WF_OK);
	check_int(after, before + 3);
	struct wf_audit_row *rows = NULL;
	size_t count = 0;
	check_int(wf_audit_list(store, before, 0, number, &rows, &count, &err), WF_OK);
	check_int(count, 3);
	if (count == 3) {
		check_str(rows[0].kind, "refusal");
		check_str(rows[0].login, WFT_KABID);
		check_str(rows[0].result, "WF_ERR_ROLE");
		check_str(rows[1].result, "WF_ERR_STATE");
		check_str(rows[2].kind, "act");
		check_str(rows[2].action, "dispose");
		check_int(rows[2].seq, before + 3);
		check(rows[2].detail && strstr(rows[2].detail, "disposed_kadis"));
	}
	wf_audit_rows_free(rows, count);
	/* the key acts without an actor name the official who began the generation */
	check_int(wf_audit_list(store, 0, 0, NULL, &rows, &count, &err), WF_OK);
	int key_rows = 0;
	for (size_t i = 0; i < count; i++)
		if (strcmp(rows[i].action, "key_set_id") == 0) {
			key_rows++;
			check_str(rows[i].login, WFT_KASI);
		}
	check_int(key_rows, 1);
	wf_audit_rows_free(rows, count);
}

int
main(void)
{
	char number[WF_NUMBER_MAX];
	struct wf_actor kabid = wft_actor(WFT_KABID);
	struct wf_error err;

	store = wft_store("audit.db");
	wft_officials(store);
	/* Some history: acts, a refusal, a whole enrollment. */
	if (wft_create(store, number) != WF_OK ||
	    wf_act(store, number, WF_ACTION_DISPOSE, &kabid, NULL, &err) != WF_ERR_ROLE ||
	    wft_drive_to(store, number, WF_STATE_ACTIVE, &err) != WF_OK) {
		fprintf(stderr, "setup failed: %s\n", err.message);
		return 1;
	}
	TAP_TEST(intact_chain_verifies);
	TAP_TEST(editing_any_column_of_any_row_is_detected_and_named);
	TAP_TEST(deleting_any_row_is_detected_and_named);
	TAP_TEST(swapping_neighbouring_rows_is_detected_and_named);
	TAP_TEST(appending_a_forged_row_is_detected);
	TAP_TEST(audit_rows_cannot_be_changed_by_plain_sql);
	TAP_TEST(every_act_and_refusal_leaves_a_row);
	wf_store_close(store);
	return tap_done();
}
