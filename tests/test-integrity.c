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
	check_int(wf_audit_verify(store, NULL, &rows, &err), WF_OK);
	check(rows > 0);
	check_int(wf_act(store, number, WF_ACTION_CANCEL, &kasi, "test", &err), WF_OK);
	wf_store_close(store);
}

int
main(void)
{
	TAP_TEST(intact_file_passes_and_takes_writes);
	TAP_TEST(damaged_file_fails_audit_verify_and_takes_no_writes);
	return tap_done();
}
