/*
 * test-integrity.c: an honest store. A real database file is damaged or edited behind
 * the library's back (sqlite directly, or its bytes): audit verify says so, naming the
 * file or the row, and a damaged file takes no further writes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "tap.h"
#include "wf-fixture.h"

/* A store with the officials and one application at "submitted"; closed, path returned. */
static const char *
station(const char *name, char number[WF_NUMBER_MAX])
{
	struct wf_store *store = wft_store(name);

	wft_officials(store);
	if (wft_create(store, number) != WF_OK)
		tap_diag("cannot create the application");
	wf_store_close(store);
	return wft_db_path(name);
}

/* One integer from sql in the file at path, -1 if it fails. */
static long long
sql_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	long long v = -1;

	if (sqlite3_open(path, &db) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
	    sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return v;
}

/* Overwrite the 4 KB page holding the root of b-tree name with garbage. */
static int
overwrite_page_of(const char *path, const char *name)
{
	char sql[128];
	long long page_size = sql_int(path, "PRAGMA page_size");
	unsigned char garbage[4096];
	FILE *f;
	int ok;

	snprintf(sql, sizeof(sql), "SELECT rootpage FROM sqlite_master WHERE name = '%s'", name);
	long long root = sql_int(path, sql);
	if (root <= 1 || page_size != (long long)sizeof(garbage) || !(f = fopen(path, "r+b")))
		return -1;
	memset(garbage, 0x5a, sizeof(garbage));
	ok = fseek(f, (long)((root - 1) * page_size), SEEK_SET) == 0 &&
	     fwrite(garbage, sizeof(garbage), 1, f) == 1;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static void
damaged_file_fails_audit_verify_and_takes_no_writes(void)
{
	char number[WF_NUMBER_MAX], second[WF_NUMBER_MAX];
	const char *path = station("damaged.db", number);
	struct wf_applicant applicant;
	struct wf_actor kasi = wft_actor(WFT_KASI);
	struct wf_summary *list = NULL;
	struct wf_error err;
	size_t n = 0;

	check_int(
	    sql_int(path,
		    "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"),
	    1);
	/* an index no application's record touches: only the check can see it */
	check_int(overwrite_page_of(path, "certificates_application"), 0);
	struct wf_store *store = wf_store_open(path, &err);
	if (!check(store != NULL)) {
		tap_diag("    %s", err.message);
		return;
	}
	check_int(wf_list(store, -1, 0, 0, &list, &n, &err), WF_OK); /* reading still works */
	check_int(n, 1);
	free(list);
	check_int(wf_store_check(store, &err), WF_ERR_CORRUPT);
	check_int(wf_audit_verify(store, NULL, NULL, &err), WF_ERR_CORRUPT);
	check(strstr(err.message, path) != NULL);
	check(strstr(err.message, "integrity_check") != NULL);
	wft_applicant(&applicant, 2);
	check_int(
	    wf_application_create(store, &applicant, WF_REQUEST_NEW, &kasi, NULL, second, &err),
	    WF_ERR_CORRUPT);
	check(strstr(err.message, "nothing was written") != NULL);
	check_int(wf_act(store, number, WF_ACTION_CANCEL, &kasi, "test", &err), WF_ERR_CORRUPT);
	wf_store_close(store);
	check_int(sql_int(path, "SELECT count(*) FROM applications"), 1);
	check_int(sql_int(path, "SELECT count(*) FROM applications WHERE state = 'submitted'"), 1);
}

static void
intact_file_passes_and_takes_writes(void)
{
	char number[WF_NUMBER_MAX];
	const char *path = station("intact.db", number);
	struct wf_actor kasi = wft_actor(WFT_KASI);
	struct wf_error err;
	int64_t rows = 0;
	struct wf_store *store = wf_store_open(path, &err);

	if (!check(store != NULL))
		return;
	check_int(wf_store_check(store, &err), WF_OK);
	check_int(wf_audit_verify(store, NULL, &rows, &err), WF_OK);
	check(rows > 0);
	check_int(wf_act(store, number, WF_ACTION_CANCEL, &kasi, "test", &err), WF_OK);
	wf_store_close(store);
}

/* An application in every state the table reaches, all by the library: nothing to name. */
static const char *
every_state(const char *name, char numbers[WF_STATE_COUNT][WF_NUMBER_MAX])
{
	struct wf_store *store = wft_store(name);
	struct wf_error err;

	wft_officials(store);
	for (int s = 0; s < WF_STATE_COUNT; s++)
		if (wft_create(store, numbers[s]) != WF_OK ||
		    wft_drive_to(store, numbers[s], (enum wf_state)s, &err) != WF_OK)
			tap_diag("cannot drive %s to %s: %s", numbers[s],
				 wf_state_name((enum wf_state)s), err.message);
	wf_store_close(store);
	return wft_db_path(name);
}

static int
sql_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open(path, &db);

	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		tap_diag("%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_close(db);
	return rc;
}

/* The problem list names table row (of application) with a message holding words. */
static bool
named(const struct wf_record_problem *list, size_t n, const char *table, const char *number,
      const char *words)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i].table, table) == 0 && strcmp(list[i].application, number) == 0 &&
		    strstr(list[i].message, words))
			return true;
	return false;
}

/* Every record of the file at path agrees with its audit chain (opening it migrates it). */
static void
check_file_agrees(const char *path)
{
	struct wf_record_problem *list = NULL;
	struct wf_error err;
	size_t n = 99;
	struct wf_store *store = wf_store_open(path, &err);

	if (!check(store != NULL))
		return;
	check_int(wf_audit_check_records(store, &list, &n, &err), WF_OK);
	check_int(n, 0);
	for (size_t i = 0; i < n; i++)
		tap_diag("%s row %lld (%s): %s", list[i].table, (long long)list[i].row,
			 list[i].application, list[i].message);
	free(list);
	wf_store_close(store);
}

static void
records_of_every_state_agree_with_the_chain(void)
{
	char numbers[WF_STATE_COUNT][WF_NUMBER_MAX];

	check_file_agrees(every_state("every-state.db", numbers));
}

static void
an_abandoned_key_generation_and_a_second_one_agree_with_the_chain(void)
{
	char number[WF_NUMBER_MAX];
	struct wf_store *store = wft_store("abandoned.db");
	struct wf_actor kasi = wft_actor(WFT_KASI);
	struct wf_record_problem *list = NULL;
	struct wf_error err;
	size_t n = 0;

	wft_officials(store);
	check_int(wft_create(store, number), WF_OK);
	check_int(wft_drive_to(store, number, WF_STATE_SENT, &err), WF_OK);
	check_int(wf_key_begin(store, number, &kasi, "A1", "SoftHSM", "ec-p256", "TTE", "01", &err),
		  WF_OK);
	check_int(wf_key_abandon(store, number, "token pulled out", &err), WF_OK);
	check_int(wf_key_begin(store, number, &kasi, "B2", "SoftHSM", "ec-p256", "TTE", "02", &err),
		  WF_OK);
	check_int(wf_key_set_id(store, number, "beef", &err), WF_OK);
	/* a name as long as a CN holds, in four-byte letters, makes the longest submission row */
	struct wf_applicant long_name;
	char other[WF_NUMBER_MAX];
	wft_applicant(&long_name, 3);
	long_name.full_name[0] = '\0';
	for (int i = 0; i < 63; i++)
		strcat(long_name.full_name, "\xf0\x9d\x92\x9c");
	strcat(long_name.full_name, "a");
	check_int(
	    wf_application_create(store, &long_name, WF_REQUEST_NEW, &kasi, NULL, other, &err),
	    WF_OK);
	check_int(wf_audit_check_records(store, &list, &n, &err), WF_OK);
	check_int(n, 0);
	free(list);
	/* the abandoned one's token written over the open one's: named */
	check_int(sql_exec(wft_db_path("abandoned.db"),
			   "UPDATE keys SET token_serial = 'A1' WHERE status = 'generated'"),
		  SQLITE_OK);
	check_int(wf_audit_check_records(store, &list, &n, &err), WF_ERR_AUDIT);
	check(n == 1 &&
	      named(list, n, "keys", number,
		    "on token A1 (id 'beef'), but the audit log says generated on token B2"));
	free(list);
	wf_store_close(store);
}

static void
records_changed_behind_the_library_are_named(void)
{
	char numbers[WF_STATE_COUNT][WF_NUMBER_MAX], sql[1024];
	const char *path = every_state("forged.db", numbers);
	const char *rejected = numbers[WF_STATE_REJECTED], *active = numbers[WF_STATE_ACTIVE];
	const char *generated = numbers[WF_STATE_KEY_GENERATED];
	struct wf_record_problem *list = NULL;
	struct wf_error err;
	size_t n = 0;

	/* a rejected applicant made a holder; another key recorded; a certificate gone; a copy */
	snprintf(sql, sizeof(sql),
		 "UPDATE applications SET state = 'active' WHERE number = '%s';"
		 "UPDATE keys SET key_id = 'ff' WHERE application_id ="
		 " (SELECT id FROM applications WHERE number = '%s');"
		 "DELETE FROM certificates WHERE application_id ="
		 " (SELECT id FROM applications WHERE number = '%s');"
		 "INSERT INTO applications (number, year, seq, applicant_id, state, step,"
		 " created_at, updated_at, step_started_at) SELECT 'TTE/2026/9999', year, 9999,"
		 " applicant_id, state, step, created_at, updated_at, step_started_at"
		 " FROM applications WHERE number = '%s';",
		 rejected, generated, active, active);
	check_int(sql_exec(path, sql), SQLITE_OK);
	struct wf_store *store = wf_store_open(path, &err);
	if (!check(store != NULL))
		return;
	check_int(wf_audit_verify(store, NULL, NULL, &err), WF_OK); /* the chain itself is intact */
	check_int(wf_audit_check_records(store, &list, &n, &err), WF_ERR_AUDIT);
	check_int(n, 4);
	check(named(list, n, "applications", rejected,
		    "state is active, but the audit log says rejected"));
	check(named(list, n, "keys", generated, "id 'ff'"));
	check(named(list, n, "certificates", active,
		    "0 certificates recorded, but the audit log imports 1"));
	check(named(list, n, "applications", "TTE/2026/9999", "the audit log says -"));
	check(strstr(err.message, "records that disagree with the audit log: 4;") != NULL);
	free(list);
	wf_store_close(store);
}

/* The store at path after sql ran on it behind the library, and what audit verify names. */
static struct wf_store *
forged(const char *path, const char *sql, struct wf_record_problem **list, size_t *n)
{
	struct wf_store *store;
	struct wf_error err;

	check_int(sql_exec(path, sql), SQLITE_OK);
	if (!check((store = wf_store_open(path, &err)) != NULL))
		return NULL;
	check_int(wf_audit_check_records(store, list, n, &err), WF_ERR_AUDIT);
	return store;
}

/* An application's state as its chain leaves it, kept for the holders report (version 8). */
static void
a_forged_chain_summary_is_named(void)
{
	char numbers[WF_STATE_COUNT][WF_NUMBER_MAX], sql[1024];
	const char *path = every_state("summary.db", numbers);
	const char *rejected = numbers[WF_STATE_REJECTED], *active = numbers[WF_STATE_ACTIVE];
	struct wf_record_problem *list = NULL;
	size_t n = 0;

	check(sql_int(path, "SELECT count(*) FROM chain_states") >= WF_STATE_COUNT - 2);
	snprintf(sql, sizeof(sql),
		 "UPDATE chain_states SET state = 'active' WHERE number = '%s';"
		 "DELETE FROM chain_states WHERE number = '%s';"
		 "INSERT INTO chain_states VALUES ('TTE/2026/9998', 'active', 1);",
		 rejected, active);
	struct wf_store *store = forged(path, sql, &list, &n);
	if (store == NULL)
		return;
	check_int(n, 3);
	check(named(list, n, "chain_states", rejected,
		    "the chain's summary says active, but the audit log says rejected"));
	check(named(list, n, "chain_states", active,
		    "the chain's summary says -, but the audit log says active"));
	check(named(list, n, "chain_states", "TTE/2026/9998", "the audit log sets no state"));
	free(list);
	wf_store_close(store);
}

/* A state of 256 bytes or more is none, to the replay and to the summary alike. */
static void
a_state_too_long_in_bytes_is_no_state_to_either(void)
{
	char numbers[WF_STATE_COUNT][WF_NUMBER_MAX], state[300] = "", sql[1024];
	const char *path = every_state("long-state.db", numbers);

	for (int i = 0; i < 130; i++) /* 130 letters, 260 bytes */
		strcat(state, "\xc3\xa9");
	snprintf(sql, sizeof(sql),
		 "INSERT INTO audit SELECT max(seq) + 1, 0, 'kasi', 'act', '%s', 'dispose', 'ok',"
		 " 'submitted -> %s, step 2', '', '' FROM audit",
		 numbers[WF_STATE_SUBMITTED], state);
	check_int(sql_exec(path, sql), SQLITE_OK);
	check_file_agrees(path);
}

/* The holders summary written by hand (version 9): each kind of forgery is named. */
static void
a_forged_holders_summary_is_named(void)
{
	char numbers[WF_STATE_COUNT][WF_NUMBER_MAX], sql[1024];
	const char *path = every_state("holdings.db", numbers);
	const char *active = numbers[WF_STATE_ACTIVE], *lost = numbers[WF_STATE_LOST];
	struct wf_record_problem *list = NULL;
	size_t n = 0;

	snprintf(sql, sizeof(sql),
		 "UPDATE holdings SET state = 'revoked' WHERE application_id ="
		 " (SELECT id FROM applications WHERE number = '%s');"
		 "DELETE FROM holdings WHERE application_id ="
		 " (SELECT id FROM applications WHERE number = '%s');"
		 "UPDATE holding_days SET holders = holders + 5;"
		 "INSERT INTO unsupported SELECT id, 'x', number FROM applications"
		 " WHERE number = '%s';",
		 active, lost, active);
	struct wf_store *store = forged(path, sql, &list, &n);
	if (store == NULL)
		return;
	check(named(list, n, "holdings", active, "the holders summary has revoked"));
	check(named(list, n, "holdings", lost, "the holders summary has -"));
	check(named(list, n, "holding_days", "", "are not those of the summary's rows"));
	check(named(list, n, "unsupported", active, "but it is not"));
	free(list);
	wf_store_close(store);
}

/* What version 9 adds, taken out again: the file is as version 8 left it. */
static const char undo_version_9[] =
    "DROP TRIGGER holdings_application_insert; DROP TRIGGER holdings_application;"
    "DROP TRIGGER holdings_application_moved; DROP TRIGGER holdings_applicant;"
    "DROP TRIGGER holdings_handover; DROP TRIGGER holdings_chain_insert;"
    "DROP TRIGGER holdings_chain_update; DROP TRIGGER holdings_chain_delete;"
    "DROP VIEW holdings_recomputed; DROP VIEW handed_rows;"
    "DROP TABLE holdings; DROP TABLE holding_days; DROP TABLE unsupported;"
    "DROP INDEX applicants_nik; DROP INDEX applications_applicant;";

/* A file of version 8 gets the holders summary its records make, once, when it is opened. */
static void
a_version_8_file_gets_its_holders_summary_from_its_records(void)
{
	char numbers[WF_STATE_COUNT][WF_NUMBER_MAX], sql[1024];
	const char *path = every_state("v8.db", numbers);
	const char *const tables[] = {"holdings", "holding_days", "unsupported"};

	check_int(sql_exec(path, "CREATE TABLE saved_holdings AS SELECT * FROM holdings;"
				 "CREATE TABLE saved_holding_days AS SELECT * FROM holding_days;"
				 "CREATE TABLE saved_unsupported AS SELECT * FROM unsupported;"),
		  SQLITE_OK);
	check_int(sql_exec(path, undo_version_9), SQLITE_OK);
	check_int(sql_exec(path, "PRAGMA user_version = 8"), SQLITE_OK);
	check_file_agrees(path);
	check_int(sql_int(path, "PRAGMA user_version"), wf_schema_version());
	check(sql_int(path, "SELECT count(*) FROM holdings") >= 5);
	for (size_t i = 0; i < 2 * sizeof(tables) / sizeof(tables[0]); i++) {
		const char *t = tables[i / 2];

		snprintf(sql, sizeof(sql),
			 "SELECT count(*) FROM (SELECT * FROM %s%s EXCEPT SELECT * FROM %s%s)",
			 i % 2 ? "saved_" : "", t, i % 2 ? "" : "saved_", t);
		check_int(sql_int(path, sql), 0);
	}
}

/* A file of version 7 gets the summary its audit log replays to, once, when it is opened. */
static void
a_version_7_file_is_summed_up_from_its_audit_log(void)
{
	char numbers[WF_STATE_COUNT][WF_NUMBER_MAX];
	const char *path = every_state("v7.db", numbers);

	check_int(sql_exec(path, undo_version_9), SQLITE_OK);
	check_int(sql_exec(path, "CREATE TABLE saved AS SELECT * FROM chain_states;"
				 "DROP TRIGGER audit_chain_state; DROP TABLE chain_states;"
				 "DROP VIEW audit_states; DROP INDEX events_handover;"
				 "PRAGMA user_version = 7;"),
		  SQLITE_OK);
	check_file_agrees(path);
	check_int(sql_int(path, "PRAGMA user_version"), wf_schema_version());
	check(sql_int(path, "SELECT count(*) FROM saved") >= WF_STATE_COUNT - 2);
	check_int(sql_int(path, "SELECT count(*) FROM (SELECT * FROM saved EXCEPT"
				" SELECT * FROM chain_states)"),
		  0);
	check_int(sql_int(path, "SELECT count(*) FROM (SELECT * FROM chain_states EXCEPT"
				" SELECT * FROM saved)"),
		  0);
}

int
main(void)
{
	TAP_TEST(intact_file_passes_and_takes_writes);
	TAP_TEST(damaged_file_fails_audit_verify_and_takes_no_writes);
	TAP_TEST(records_of_every_state_agree_with_the_chain);
	TAP_TEST(an_abandoned_key_generation_and_a_second_one_agree_with_the_chain);
	TAP_TEST(records_changed_behind_the_library_are_named);
	TAP_TEST(a_forged_chain_summary_is_named);
	TAP_TEST(a_state_too_long_in_bytes_is_no_state_to_either);
	TAP_TEST(a_forged_holders_summary_is_named);
	TAP_TEST(a_version_7_file_is_summed_up_from_its_audit_log);
	TAP_TEST(a_version_8_file_gets_its_holders_summary_from_its_records);
	return tap_done();
}
