/*
 * wf-fixture.c: the workflow tests' shared setup. Real sqlite files in the fixture's
 * temporary directory; the driver finds its path through the library's own transition
 * table, so a change to the table changes what the tests walk.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

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
wft_db_path(const char *name)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s", fixture_tmpdir(), name);
	return path;
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
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	long n = -1;

	if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db,
			       "SELECT COUNT(*) FROM audit WHERE (?1 IS NULL OR kind = ?1)"
			       " AND (?2 IS NULL OR action = ?2) AND (?3 IS NULL OR login = ?3)",
			       -1, &stmt, NULL) == SQLITE_OK) {
		sqlite3_bind_text(stmt, 1, kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 2, action, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 3, login, -1, SQLITE_STATIC);
		if (sqlite3_step(stmt) == SQLITE_ROW)
			n = sqlite3_column_int64(stmt, 0);
	}
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return n;
}
