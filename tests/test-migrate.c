/*
 * test-migrate.c: a database written by the first version of the program (schema 1,
 * built here by hand from that version's SQL, kept verbatim in this file) is opened
 * by this one: it is upgraded in place, all its data kept, and work goes on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "fixture.h"
#include "tap.h"
#include "wf-fixture.h"

/* Schema 1 as the first release wrote it. */
static const char schema_v1[] =
    "CREATE TABLE office (id INTEGER PRIMARY KEY CHECK (id = 1), name TEXT NOT NULL,"
    " city TEXT NOT NULL);"
    "CREATE TABLE officials (id INTEGER PRIMARY KEY, name TEXT NOT NULL, nip TEXT NOT NULL,"
    " role TEXT NOT NULL CHECK (role IN ('kepala_dinas', 'kabid', 'kasi')),"
    " login TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL);"
    "CREATE TABLE applicants (id INTEGER PRIMARY KEY, full_name TEXT NOT NULL,"
    " nik TEXT NOT NULL, nip TEXT NOT NULL DEFAULT '', email TEXT NOT NULL,"
    " phone TEXT NOT NULL, position TEXT NOT NULL, employment TEXT NOT NULL CHECK"
    " (employment IN ('pns', 'pppk', 'other')), work_unit TEXT NOT NULL,"
    " agency TEXT NOT NULL, city TEXT NOT NULL, created_at INTEGER NOT NULL);"
    "CREATE TABLE applications (id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,"
    " year INTEGER NOT NULL, seq INTEGER NOT NULL, applicant_id INTEGER NOT NULL"
    " REFERENCES applicants(id), state TEXT NOT NULL, step INTEGER NOT NULL,"
    " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
    " step_started_at INTEGER NOT NULL, UNIQUE (year, seq));"
    "CREATE INDEX applications_state ON applications(state);"
    "CREATE TABLE documents (application_id INTEGER NOT NULL REFERENCES applications(id),"
    " kind TEXT NOT NULL CHECK (kind IN ('application_letter', 'bsre_form', 'ktp_copy',"
    " 'sk_copy')), received INTEGER NOT NULL DEFAULT 0, received_at INTEGER NOT NULL"
    " DEFAULT 0, scan_path TEXT NOT NULL DEFAULT '', scan_sha256 TEXT NOT NULL DEFAULT '',"
    " PRIMARY KEY (application_id, kind));"
    "CREATE TABLE events (id INTEGER PRIMARY KEY, application_id INTEGER NOT NULL"
    " REFERENCES applications(id), step INTEGER NOT NULL, action TEXT NOT NULL,"
    " from_state TEXT NOT NULL, to_state TEXT NOT NULL, actor_id INTEGER NOT NULL"
    " REFERENCES officials(id), role TEXT NOT NULL, started_at INTEGER NOT NULL,"
    " ended_at INTEGER NOT NULL, minutes INTEGER NOT NULL, standard_minutes INTEGER NOT NULL,"
    " note TEXT);"
    "CREATE INDEX events_application ON events(application_id);"
    "CREATE TABLE keys (id INTEGER PRIMARY KEY, application_id INTEGER NOT NULL REFERENCES"
    " applications(id), status TEXT NOT NULL CHECK (status IN ('intent', 'generated',"
    " 'complete', 'abandoned')), token_serial TEXT NOT NULL, token_model TEXT NOT NULL,"
    " key_type TEXT NOT NULL, key_label TEXT NOT NULL, key_id TEXT NOT NULL DEFAULT '',"
    " csr_pem TEXT, actor_id INTEGER NOT NULL REFERENCES officials(id), begun_at INTEGER"
    " NOT NULL, completed_at INTEGER NOT NULL DEFAULT 0, abandon_reason TEXT);"
    "CREATE UNIQUE INDEX keys_open ON keys(application_id) WHERE status IN ('intent',"
    " 'generated');"
    "CREATE TABLE certificates (id INTEGER PRIMARY KEY, application_id INTEGER NOT NULL"
    " REFERENCES applications(id), serial TEXT NOT NULL, issuer TEXT NOT NULL,"
    " subject TEXT NOT NULL, not_before INTEGER NOT NULL, not_after INTEGER NOT NULL,"
    " imported_at INTEGER NOT NULL);"
    "CREATE INDEX certificates_application ON certificates(application_id);"
    "CREATE TABLE audit (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, login TEXT NOT NULL,"
    " kind TEXT NOT NULL, application TEXT NOT NULL, action TEXT NOT NULL,"
    " result TEXT NOT NULL, detail TEXT NOT NULL, prev_hash TEXT NOT NULL,"
    " hash TEXT NOT NULL);"
    "CREATE TABLE audit_head (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL,"
    " hash TEXT NOT NULL);"
    "PRAGMA user_version = 1;";

/* What an office had recorded with version 1: one application waiting at step 6. */
static const char data_v1[] =
    "INSERT INTO office VALUES (1, 'Dinas Komunikasi dan Informatika', 'Singkawang');"
    "INSERT INTO officials VALUES (1, 'Evan Ernanda', '197803122005011003', 'kepala_dinas',"
    " 'kadis', 1700000000);"
    "INSERT INTO officials VALUES (2, 'Sri Wahyuni', '198204252008012004', 'kabid', 'kabid',"
    " 1700000000);"
    "INSERT INTO officials VALUES (3, 'Budi Santoso', '199001152015031001', 'kasi', 'kasi',"
    " 1700000000);"
    "INSERT INTO applicants VALUES (1, 'Sukarno', '6172011501900001', '199001152015031001',"
    " 'sukarno@singkawangkota.go.id', '+6281234567890', 'Lurah', 'pns', 'Kelurahan Pasiran',"
    " 'Kecamatan Singkawang Barat', 'Singkawang', 1700000100);"
    "INSERT INTO applications VALUES (1, 'TTE/2025/0007', 2025, 7, 1, 'sent', 5, 1700000100,"
    " 1700003000, 1700003000);"
    "INSERT INTO documents VALUES (1, 'application_letter', 1, 1700000100, '', ''),"
    " (1, 'bsre_form', 1, 1700000100, '', ''), (1, 'ktp_copy', 1, 1700000100,"
    " '/old/ktp.pdf', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'),"
    " (1, 'sk_copy', 1, 1700000100, '', '');"
    "INSERT INTO events VALUES (1, 1, 1, 'submit', '', 'submitted', 3, 'pemohon', 1700000100,"
    " 1700000100, 0, 15, 'surat diterima');"
    "INSERT INTO events VALUES (2, 1, 2, 'dispose', 'submitted', 'disposed_kadis', 1,"
    " 'kepala_dinas', 1700000100, 1700000700, 10, 15, NULL);"
    "INSERT INTO events VALUES (3, 1, 3, 'dispose', 'disposed_kadis', 'disposed_kabid', 2,"
    " 'kabid', 1700000700, 1700001500, 14, 15, NULL);"
    "INSERT INTO events VALUES (4, 1, 4, 'register', 'disposed_kabid', 'registered', 3,"
    " 'kasi', 1700001500, 1700002400, 15, 15, NULL);"
    "INSERT INTO events VALUES (5, 1, 5, 'send', 'registered', 'sent', 3, 'kasi', 1700002400,"
    " 1700003000, 10, 15, NULL);"
    "INSERT INTO keys VALUES (1, 1, 'generated', 'A1B2C3', 'ePass2003', 'rsa2048', 'TTE',"
    " 'c0ffee', NULL, 3, 1700003100, 0, NULL);";

static int
build_v1(const char *path)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open(path, &db);

	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, schema_v1, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, data_v1, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		tap_diag("build v1: %s", sqlite3_errmsg(db));
	sqlite3_close(db);
	/* sqlite3_open() follows the umask; the store is refused unless it is 0600. */
	if (rc == SQLITE_OK && chmod(path, 0600) != 0)
		rc = SQLITE_CANTOPEN;
	return rc;
}

static int
user_version(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	int v = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
	    sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return v;
}

static void
version_1_database_is_upgraded_with_all_its_data(void)
{
	const char *path = wft_db_path("v1.db");
	struct wf_application *app = NULL;
	struct wf_official *officials = NULL;
	struct wf_office office;
	size_t count = 0;
	struct wf_error err;

	check_int(build_v1(path), SQLITE_OK);
	check_int(user_version(path), 1);
	struct wf_store *store = wf_store_open(path, &err);
	if (!check(store != NULL)) {
		tap_diag("    %s", err.message);
		return;
	}
	check_int(user_version(path), wf_schema_version());
	check_int(wf_office_get(store, &office, &err), WF_OK);
	check_str(office.city, "Singkawang");
	check_int(wf_official_list(store, &officials, &count, &err), WF_OK);
	check_int(count, 3);
	for (size_t i = 0; i < count; i++)
		check(officials[i].active); /* the new column's default */
	if (count == 3)
		check_int(officials[1].role, WF_ROLE_KABID);
	free(officials);
	check_int(wf_application_get(store, "TTE/2025/0007", &app, &err), WF_OK);
	if (app) {
		check_int(app->state, WF_STATE_SENT);
		check_int(app->step, 5);
		check_int(app->request_type, WF_REQUEST_NEW);
		check_str(app->applicant.full_name, "Sukarno");
		check_str(app->applicant.work_unit, "Kelurahan Pasiran");
		check_str(app->applicant.province, "");
		check_int(app->event_count, 5);
		check_int(app->events[2].minutes, 14);
		check_str(app->events[2].actor_login, WFT_KABID);
		check_str(app->events[0].note, "surat diterima");
		check_str(app->events[4].on_behalf_login, "");
		check(app->documents[WF_DOC_KTP].received);
		check_str(app->documents[WF_DOC_KTP].scan_sha256,
			  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
		check(app->has_key && app->key.status == WF_KEY_GENERATED);
		check_str(app->key.key_id_hex, "c0ffee");
		check_str(app->key.token_model, "ePass2003");
	}
	wf_application_free(app);
	wf_store_close(store);
}

static void
upgraded_database_goes_on_with_the_procedure(void)
{
	struct wf_error err;
	struct wf_store *store = wf_store_open(wft_db_path("v1.db"), &err);
	struct wf_actor kasi = wft_actor(WFT_KASI);
	char *value = NULL;
	int64_t rows = 0;

	if (!check(store != NULL))
		return;
	/* the key generated before the upgrade is completed after it */
	check_int(wf_key_complete(store, "TTE/2025/0007", &kasi,
				  "-----BEGIN CERTIFICATE REQUEST-----\n", &err),
		  WF_OK);
	check_int(wft_state(store, "TTE/2025/0007"), WF_STATE_KEY_GENERATED);
	check_int(wf_setting_set(store, "issuer", "bsre-file", &err), WF_OK);
	check_int(wf_setting_get(store, "issuer", &value, &err), WF_OK);
	check_str(value, "bsre-file");
	free(value);
	check_int(wf_audit_verify(store, NULL, &rows, &err), WF_OK);
	check_int(rows, 1);
	wf_store_close(store);
	/* opening again changes nothing */
	store = wf_store_open(wft_db_path("v1.db"), &err);
	check(store != NULL);
	wf_store_close(store);
	check_int(user_version(wft_db_path("v1.db")), wf_schema_version());
}

/* Version 6: sent before the upgrade, so no issuer recorded; sent after, its own. */
static void
upgraded_application_has_no_issuer_until_it_is_sent_again(void)
{
	struct wf_error err;
	struct wf_store *store = wf_store_open(wft_db_path("v1.db"), &err);
	char *issuer = NULL;

	if (!check(store != NULL))
		return;
	check_int(wf_sent_issuer(store, "TTE/2025/0007", &issuer, &err), WF_ERR_NOT_FOUND);
	check(issuer == NULL);
	check_int(wf_sent_issuer(store, "TTE/2025/9999", &issuer, &err), WF_ERR_NOT_FOUND);
	wf_store_close(store);
}

static void
failed_migration_leaves_the_file_as_it_was(void)
{
	const char *path = wft_db_path("v1-broken.db");
	sqlite3 *db = NULL;
	struct wf_error err;

	check_int(build_v1(path), SQLITE_OK);
	/* someone made a table the upgrade wants to create */
	check_int(sqlite3_open(path, &db), SQLITE_OK);
	check_int(sqlite3_exec(db, "CREATE TABLE settings (x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	struct wf_store *store = wf_store_open(path, &err);
	check(store == NULL);
	check_int(err.code, WF_ERR_DB);
	check(strstr(err.message, "migration 1 -> 2") != NULL);
	wf_store_close(store);
	check_int(user_version(path), 1);
}

/* The number of rows sql yields in the file at path, -1 if it fails. */
static int
sql_rows(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	int n = -1;

	if (sqlite3_open(path, &db) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK)
		for (n = 0; sqlite3_step(stmt) == SQLITE_ROW; n++)
			;
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return n;
}

static int
sql_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open(path, &db);

	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

static void
officials_rebuilt_by_version_5_keep_their_ids_and_every_reference(void)
{
	const char *path = wft_db_path("v1-officials.db");
	struct wf_error err;

	check_int(build_v1(path), SQLITE_OK);
	struct wf_store *store = wf_store_open(path, &err);
	if (!check(store != NULL))
		return;
	wf_store_close(store);
	check_int(sql_rows(path, "PRAGMA foreign_key_check"), 0);
	/* every event and key still points at the official who did it, by the same id */
	check_int(sql_rows(path, "SELECT 1 FROM events e JOIN officials o ON o.id = e.actor_id"),
		  5);
	check_int(sql_rows(path, "SELECT 1 FROM officials WHERE id = 2 AND login = 'kabid'"
				 " AND active = 1 AND superseded_by IS NULL"),
		  1);
	check_int(sql_rows(path, "SELECT 1 FROM keys k JOIN officials o ON o.id = k.actor_id"
				 " WHERE o.login = 'kasi'"),
		  1);
	/* a login is unique among the active terms only: a former term may share it */
	check(sql_exec(path,
		       "INSERT INTO officials (name, nip, role, login, created_at)"
		       " VALUES ('X', '197001011995031001', 'kabid', 'kadis', 1)") != SQLITE_OK);
	check_int(sql_exec(path,
			   "INSERT INTO officials (name, nip, role, login, created_at, active)"
			   " VALUES ('X', '197803122005011003', 'kabid', 'kadis', 1, 0)"),
		  SQLITE_OK);
}

static void
migration_leaving_a_reference_to_nowhere_is_undone(void)
{
	const char *path = wft_db_path("v1-dangling.db");
	struct wf_error err;

	check_int(build_v1(path), SQLITE_OK);
	/* an event by an official the file does not hold (sqlite3_open: foreign keys off) */
	check_int(sql_exec(path, "UPDATE events SET actor_id = 99 WHERE id = 5"), SQLITE_OK);
	struct wf_store *store = wf_store_open(path, &err);
	check(store == NULL);
	check_int(err.code, WF_ERR_DB);
	check(strstr(err.message, "events refers to a missing row") != NULL);
	wf_store_close(store);
	check_int(user_version(path), 1);
}

static void
database_newer_than_the_program_is_refused(void)
{
	const char *path = wft_db_path("future.db");
	struct wf_error err;
	sqlite3 *db = NULL;
	char sql[64];

	struct wf_store *store = wf_store_create(path, &err);
	check(store != NULL);
	wf_store_close(store);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", wf_schema_version() + 1);
	check_int(sqlite3_open(path, &db), SQLITE_OK);
	check_int(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	store = wf_store_open(path, &err);
	check(store == NULL);
	check_int(err.code, WF_ERR_SCHEMA);
	wf_store_close(store);
	check_int(user_version(path), wf_schema_version() + 1);
}

int
main(void)
{
	TAP_TEST(version_1_database_is_upgraded_with_all_its_data);
	TAP_TEST(upgraded_database_goes_on_with_the_procedure);
	TAP_TEST(upgraded_application_has_no_issuer_until_it_is_sent_again);
	TAP_TEST(failed_migration_leaves_the_file_as_it_was);
	TAP_TEST(database_newer_than_the_program_is_refused);
	TAP_TEST(officials_rebuilt_by_version_5_keep_their_ids_and_every_reference);
	TAP_TEST(migration_leaving_a_reference_to_nowhere_is_undone);
	return tap_done();
}
