/*
 * wf-fixture.c: the workflow tests' shared setup. Real sqlite files in the fixture's
 * temporary directory, or, with ENROLL_TEST_PG naming a test cluster's socket directory
 * (scripts/pg-cluster.sh), a fresh database of that PostgreSQL server per store; the
 * driver finds its path through the library's own transition table, so a change to the
 * table changes what the tests walk.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <errno.h>
#include <libpq-fe.h>

#include "db.h"
#include "fixture.h"
#include "wf-fixture.h"

int64_t wft_now;

static int64_t
fixture_clock(void *arg)
{
	(void)arg;
	return wft_now;
}

const char *
wft_pg(void)
{
	const char *dir = getenv("ENROLL_TEST_PG");

	return dir && *dir ? dir : NULL;
}

/* The database of a store's name: the program's and the name's letters, lower case. */
static void
pg_database(const char *name, char *out, size_t size)
{
	size_t n = (size_t)snprintf(out, size, "t_%s_%s", program_invocation_short_name, name);

	for (size_t i = 0; i < n && i < size; i++)
		if ((out[i] >= 'A' && out[i] <= 'Z'))
			out[i] = (char)(out[i] - 'A' + 'a');
		else if (!((out[i] >= 'a' && out[i] <= 'z') || (out[i] >= '0' && out[i] <= '9')))
			out[i] = '_';
}

const char *
wft_db_path(const char *name)
{
	static char path[4096];
	char database[64];

	if (!wft_pg()) {
		snprintf(path, sizeof(path), "%s/%s", fixture_tmpdir(), name);
		return path;
	}
	pg_database(name, database, sizeof(database));
	snprintf(path, sizeof(path), "postgresql:///%s?host=%s", database, wft_pg());
	return path;
}

/*
 * As a sqlite file is made once and then opened: the first store of a name in this
 * program gets a new, empty database (one left by an earlier run dropped), later ones
 * open it.
 */
static void
pg_fresh(const char *name)
{
	static char made[64][64];
	static size_t count;
	char conninfo[4200], database[64], sql[200];

	pg_database(name, database, sizeof(database));
	for (size_t i = 0; i < count; i++)
		if (strcmp(made[i], database) == 0)
			return;
	if (count < sizeof(made) / sizeof(made[0]))
		snprintf(made[count++], sizeof(made[0]), "%s", database);
	snprintf(conninfo, sizeof(conninfo), "host=%s dbname=postgres", wft_pg());
	PGconn *conn = PQconnectdb(conninfo);
	PQclear(PQexec(conn, "SET client_min_messages = warning"));
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", database);
	PGresult *result = PQexec(conn, sql);
	PQclear(result);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", database);
	result = PQexec(conn, sql);
	if (PQresultStatus(result) != PGRES_COMMAND_OK) {
		fprintf(stderr, "%s: %s", sql, PQerrorMessage(conn));
		abort();
	}
	PQclear(result);
	PQfinish(conn);
	/* The station's files (scans, locks) in the fixture's directory. */
	setenv("ENROLL_STATE_DIR", fixture_tmpdir(), 1);
}

int64_t
wft_local_time(int year, int month, int day, int hour)
{
	struct tm tm = {.tm_year = year - 1900,
			.tm_mon = month - 1,
			.tm_mday = day,
			.tm_hour = hour,
			.tm_isdst = -1};

	return (int64_t)mktime(&tm);
}

struct wf_store *
wft_store(const char *name)
{
	struct wf_error err;
	struct wf_store *store;

	if (wft_now == 0)
		wft_now = wft_local_time(2026, 11, 24, 8);
	if (wft_pg())
		pg_fresh(name);
	store = wf_store_create(wft_db_path(name), &err);
	if (!store) {
		fprintf(stderr, "wf_store_create: %s\n", err.message);
		abort();
	}
	wf_store_set_clock(store, fixture_clock, NULL);
	return store;
}

void
wft_officials(struct wf_store *store)
{
	static const struct {
		const char *name, *nip, *login;
		enum wf_role role;
	} officials[] = {
	    /* The kasi first: the office's first official, who then adds the others. */
	    {"Budi Santoso", "199001152015031001", WFT_KASI, WF_ROLE_KASI},
	    {"Evan Ernanda, S.Kom", "197803122005011003", WFT_KADIS, WF_ROLE_KEPALA_DINAS},
	    {"Sri Wahyuni", "198204252008012004", WFT_KABID, WF_ROLE_KABID},
	    {"Lim Mei Hua", "199205102019032002", WFT_KASI2, WF_ROLE_KASI},
	};
	struct wf_error err;

	for (size_t i = 0; i < sizeof(officials) / sizeof(officials[0]); i++) {
		struct wf_official o = {.role = officials[i].role, .active = true};
		snprintf(o.name, sizeof(o.name), "%s", officials[i].name);
		snprintf(o.nip, sizeof(o.nip), "%s", officials[i].nip);
		snprintf(o.login, sizeof(o.login), "%s", officials[i].login);
		if (wf_official_add(store, &o, WFT_KASI, NULL, &err) != WF_OK) {
			fprintf(stderr, "wf_official_add %s: %s\n", o.login, err.message);
			abort();
		}
	}
}

void
wft_applicant(struct wf_applicant *a, int i)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->full_name, sizeof(a->full_name), "Siti Nurhaliza %d", i);
	snprintf(a->nik, sizeof(a->nik), "6172011501900001");
	snprintf(a->nip, sizeof(a->nip), "199001152015031001");
	snprintf(a->email, sizeof(a->email), "siti%d@singkawangkota.go.id", i);
	snprintf(a->phone, sizeof(a->phone), "0812-3456-7890");
	snprintf(a->position, sizeof(a->position), "Analis Kebijakan");
	snprintf(a->rank_grade, sizeof(a->rank_grade), "Penata Muda / III-a");
	a->employment = WF_EMPLOYMENT_PNS;
	snprintf(a->work_unit, sizeof(a->work_unit), "Bidang Statistik dan Persandian");
	snprintf(a->agency, sizeof(a->agency), "Dinas Komunikasi dan Informatika");
	snprintf(a->city, sizeof(a->city), "Singkawang");
	snprintf(a->province, sizeof(a->province), "Kalimantan Barat");
}

struct wf_actor
wft_actor(const char *login)
{
	struct wf_actor actor = {login, NULL, NULL};
	return actor;
}

const char *
wft_login_for(enum wf_role role)
{
	switch (role) {
	case WF_ROLE_KEPALA_DINAS:
		return WFT_KADIS;
	case WF_ROLE_KABID:
		return WFT_KABID;
	default:
		return WFT_KASI;
	}
}

int
wft_create(struct wf_store *store, char number[WF_NUMBER_MAX])
{
	static int serial;
	struct wf_applicant a;
	struct wf_actor kasi = wft_actor(WFT_KASI);
	struct wf_error err;
	int r;

	wft_applicant(&a, ++serial);
	if ((r = wf_application_create(store, &a, WF_REQUEST_NEW, &kasi, "letter received", number,
				       &err)) != WF_OK)
		return r;
	for (int kind = 0; kind < WF_DOC_COUNT; kind++)
		if ((r = wf_document_set(store, number, (enum wf_document_kind)kind, true, NULL,
					 &kasi, &err)) != WF_OK)
			return r;
	return WF_OK;
}

static const char csr[] = "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n"
			  "-----END CERTIFICATE REQUEST-----\n";

int
wft_perform(struct wf_store *store, const char *number, const struct wf_transition *t,
	    struct wf_error *err)
{
	struct wf_actor actor = wft_actor(wft_login_for(t->role));
	int r;

	wft_now += 60 * 7;
	if (t->action == WF_ACTION_RECORD_KEY) {
		if ((r = wf_key_begin(store, number, &actor, "0123456789abcdef", "SoftHSM v2",
				      "rsa2048", "TTE key", "5eed5eed", err)) != WF_OK ||
		    (r = wf_key_set_id(store, number, "a1b2c3d4", err)) != WF_OK)
			return r;
		return wf_key_complete(store, number, &actor, csr, err);
	}
	if (t->action == WF_ACTION_IMPORT_CERTIFICATE)
		return wf_certificate_record(store, number, &actor, "0a1b2c",
					     "CN=Test CA (not BSrE), C=ID", "CN=Siti Nurhaliza",
					     wft_now, wft_now + 2 * 365 * 86400, NULL, err);
	return wf_act(store, number, t->action, &actor, "reason or missing items", err);
}

/* Breadth-first over the table from submitted; path[] gets the transitions in order. */
static int
find_path(enum wf_state target, const struct wf_transition **path)
{
	size_t count;
	const struct wf_transition *all = wf_transitions(&count);
	const struct wf_transition *via[WF_STATE_COUNT] = {0};
	bool seen[WF_STATE_COUNT] = {0};
	enum wf_state queue[WF_STATE_COUNT];
	int head = 0, tail = 0, n = 0;

	queue[tail++] = WF_STATE_SUBMITTED;
	seen[WF_STATE_SUBMITTED] = true;
	while (head < tail) {
		enum wf_state s = queue[head++];
		for (size_t i = 0; i < count; i++) {
			if (all[i].from != s || seen[all[i].to])
				continue;
			seen[all[i].to] = true;
			via[all[i].to] = &all[i];
			queue[tail++] = all[i].to;
		}
	}
	if (!seen[target])
		return -1;
	for (enum wf_state s = target; s != WF_STATE_SUBMITTED; s = via[s]->from)
		n++;
	int k = n;
	for (enum wf_state s = target; s != WF_STATE_SUBMITTED; s = via[s]->from)
		path[--k] = via[s];
	return n;
}

int
wft_drive_to(struct wf_store *store, const char *number, enum wf_state target, struct wf_error *err)
{
	const struct wf_transition *path[WF_STATE_COUNT];
	int n = find_path(target, path), r;

	if (n < 0)
		return WF_ERR_STATE;
	for (int i = 0; i < n; i++)
		if ((r = wft_perform(store, number, path[i], err)) != WF_OK)
			return r;
	return WF_OK;
}

int
wft_state(struct wf_store *store, const char *number)
{
	struct wf_application *app = NULL;
	struct wf_error err;
	int state;

	if (wf_application_get(store, number, &app, &err) != WF_OK)
		return -1;
	state = (int)app->state;
	wf_application_free(app);
	return state;
}

long
wft_audit_count(const char *db_path, const char *kind, const char *action, const char *login)
{
	struct wf_error err;
	struct wf_store *store = wf_store_open(db_path, &err);
	struct wf_stmt *stmt = NULL;
	long n = -1;

	if (store &&
	    wf_prepare(store,
		       "SELECT COUNT(*) FROM audit WHERE (CAST(?1 AS TEXT) IS NULL OR kind = ?1)"
		       " AND (CAST(?2 AS TEXT) IS NULL OR action = ?2) AND (CAST(?3 AS TEXT) IS "
		       "NULL OR login = ?3)",
		       &stmt, &err) == WF_OK) {
		wf_bind_text(stmt, 1, kind);
		wf_bind_text(stmt, 2, action);
		wf_bind_text(stmt, 3, login);
		if (wf_next(stmt) == WF_ROW)
			n = (long)wf_column_int64(stmt, 0);
	}
	wf_finalize(stmt);
	wf_store_close(store);
	return n;
}
