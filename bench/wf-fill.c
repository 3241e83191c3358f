/*
 * wf-fill.c: wf-bench's fill: a new database with N applications whose states follow the
 * office's likely mix, each with the history the transition table gives its state, the
 * same N (and clock) always giving the same database, on either engine.
 *
 * A bulk load: the events, documents and audit rows go many to a statement (workflow/rows.c), and
 * the fill writes the audit chain itself, hashed as the library hashes it. On sqlite every
 * trigger keeps its summary row by row. On PostgreSQL the triggers are off for the load
 * (session_replication_role: the cluster's superuser) and the summaries they keep are made
 * once at the end from the records, as a migration makes them. enroll audit verify passes
 * on the store, and tests/test-bench-fill.sh finds the same rows on both engines.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "holdings.h"
#include "wf-bench.h"
#include "workflow-int.h"

/* Applications per transaction of the fill. */
#define FILL_BATCH 200

static const char *const work_units[] = {
    "Sekretariat Daerah",
    "Dinas Pendidikan dan Kebudayaan",
    "Dinas Kesehatan",
    "Dinas Pekerjaan Umum dan Penataan Ruang",
    "Dinas Perumahan Rakyat dan Kawasan Permukiman",
    "Satuan Polisi Pamong Praja",
    "Dinas Sosial",
    "Dinas Tenaga Kerja",
    "Dinas Lingkungan Hidup",
    "Dinas Kependudukan dan Pencatatan Sipil",
    "Dinas Perhubungan",
    "Dinas Komunikasi dan Informatika",
    "Dinas Koperasi dan UKM",
    "Dinas Penanaman Modal dan PTSP",
    "Dinas Kepemudaan dan Olahraga",
    "Dinas Pariwisata",
    "Dinas Perpustakaan dan Kearsipan",
    "Dinas Perikanan",
    "Dinas Pertanian",
    "Dinas Perdagangan",
    "Badan Perencanaan Pembangunan Daerah",
    "Badan Keuangan Daerah",
    "Badan Kepegawaian dan Pengembangan SDM",
    "Inspektorat",
    "RSUD Abdul Aziz",
    "Kecamatan Singkawang Barat",
    "Kecamatan Singkawang Timur",
    "Kecamatan Singkawang Utara",
    "Kecamatan Singkawang Selatan",
    "Kecamatan Singkawang Tengah",
    "Sekretariat DPRD",
    "Badan Kesatuan Bangsa dan Politik",
    "Badan Penanggulangan Bencana Daerah",
};
#define WORK_UNIT_COUNT (sizeof(work_units) / sizeof(work_units[0]))

/*
 * Where a million applications end up, in tenths of a percent: most certificates are
 * in use or past their two years; a few applications are still on their way.
 */
static const struct {
	enum wf_state state;
	int per_mille;
} state_mix[] = {
    {WF_STATE_ACTIVE, 600},	  {WF_STATE_EXPIRED, 200},	{WF_STATE_RENEWED, 100},
    {WF_STATE_REVOKED, 26},	  {WF_STATE_LOST, 15},		{WF_STATE_REJECTED, 20},
    {WF_STATE_CANCELLED, 20},	  {WF_STATE_RETURNED, 5},	{WF_STATE_SUBMITTED, 2},
    {WF_STATE_DISPOSED_KADIS, 2}, {WF_STATE_DISPOSED_KABID, 2}, {WF_STATE_REGISTERED, 2},
    {WF_STATE_SENT, 3},		  {WF_STATE_KEY_GENERATED, 2},	{WF_STATE_CERTIFICATE_IMPORTED, 1},
};

/* A small deterministic generator: the same N gives the same database. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static int
rng_below(int n)
{
	return (int)(rng() % (uint64_t)n);
}

static enum wf_state
pick_state(void)
{
	int x = rng_below(1000);

	for (size_t i = 0; i < sizeof(state_mix) / sizeof(state_mix[0]); i++) {
		if (x < state_mix[i].per_mille)
			return state_mix[i].state;
		x -= state_mix[i].per_mille;
	}
	return WF_STATE_ACTIVE;
}

/* Most acts keep to the standard; some take a few times longer; a few wait for days. */
static int
pick_minutes(int standard)
{
	int x = rng_below(100);

	if (x < 70)
		return 1 + rng_below(standard);
	if (x < 95)
		return standard + 1 + rng_below(3 * standard);
	return 60 + rng_below(3 * 24 * 60);
}

struct filler {
	struct wf_store *store;
	struct wf_stmt *applicant, *application;
	struct wf_rows *events, *documents, *certificates, *audit;
	int64_t officials[WF_ROLE_COUNT]; /* by role; the kasi records the applicant's acts */
	const char *logins[WF_ROLE_COUNT];
	int64_t now;
	int64_t audit_seq; /* the chain's head as the fill has written it */
	char audit_hash[WF_AUDIT_HASH_HEX];
	struct wf_error err;
	int seq_by_year[3000];
};

static const char applicant_sql[] =
    "INSERT INTO applicants (full_name, nik, nip, email, phone, position, employment,"
    " work_unit, agency, city, created_at, rank_grade, province)"
    " VALUES (?1, ?2, ?3, ?4, ?5, 'Analis', 'pns', ?6, 'Pemerintah Kota Singkawang',"
    " 'Singkawang', ?7, 'Penata Muda / III-a', 'Kalimantan Barat') RETURNING id";
static const char application_sql[] =
    "INSERT INTO applications (number, year, seq, applicant_id, state, step, created_at,"
    " updated_at, step_started_at, request_type) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8,"
    " 'new') RETURNING id";
static const char events_insert[] =
    "INSERT INTO events (application_id, step, action, from_state, to_state, actor_id,"
    " role, started_at, ended_at, minutes, standard_minutes)";
static const char documents_insert[] =
    "INSERT INTO documents (application_id, kind, received, received_at)";
static const char certificates_insert[] =
    "INSERT INTO certificates (application_id, serial, issuer, subject, not_before, not_after,"
    " imported_at, sha256)";
static const char audit_insert[] =
    "INSERT INTO audit (seq, at, login, kind, application, action, result, detail, prev_hash,"
    " hash)";
static const char head_sql[] = "INSERT INTO audit_head (id, seq, hash) VALUES (1, ?1, ?2)"
			       " ON CONFLICT (id) DO UPDATE SET seq = excluded.seq,"
			       " hash = excluded.hash";
/* What PostgreSQL's triggers would have kept, made from the records (schema-pgsql.c). */
static const char pgsql_summaries[] =
    "INSERT INTO chain_states SELECT DISTINCT ON (number) number, state, seq"
    " FROM audit_states ORDER BY number, seq DESC;"
    "INSERT INTO step_time_days SELECT ended_at / 86400, step, action, minutes, count(*)"
    " FROM events WHERE step BETWEEN 1 AND 7 GROUP BY 1, 2, 3, 4;" WF_HOLDINGS_FILL;

/* The forward transition out of a state, NULL at the end of the path. */
static const struct wf_transition *
forward_from(enum wf_state state)
{
	size_t count;
	const struct wf_transition *t = wf_transitions(&count);

	for (size_t i = 0; i < count; i++)
		if (t[i].from == state && t[i].step >= 1 && t[i].to != WF_STATE_RETURNED &&
		    t[i].to != WF_STATE_REJECTED && t[i].to != WF_STATE_CANCELLED)
			return &t[i];
	return NULL;
}

/* The transition from a state that lands in target, NULL if there is none. */
static const struct wf_transition *
leading_to(enum wf_state from, enum wf_state target)
{
	size_t count;
	const struct wf_transition *t = wf_transitions(&count);

	for (size_t i = 0; i < count; i++)
		if (t[i].from == from && t[i].to == target)
			return &t[i];
	return NULL;
}

static int
put_event(struct filler *f, int64_t app, int step, const char *action, const char *from,
	  const char *to, enum wf_role role, int64_t started, int minutes)
{
	const struct wf_step *s = wf_step(step);
	int64_t standard = s != NULL ? s->standard_minutes : 0;

	if (wf_rows_add(f->events, &f->err, app, (int64_t)step, action, from, to,
			f->officials[role == WF_ROLE_APPLICANT ? WF_ROLE_KASI : role],
			wf_role_name(role), started, started + (int64_t)minutes * 60,
			(int64_t)minutes, standard) != WF_OK)
		return -1;
	return 0;
}

/* One application's history before it is written. */
struct plan {
	const struct wf_transition *acts[16];
	size_t count;
	enum wf_state state;
};

static void
plan_add(struct plan *p, const struct wf_transition *t)
{
	if (t != NULL && p->count < sizeof(p->acts) / sizeof(p->acts[0])) {
		p->acts[p->count++] = t;
		p->state = t->to;
	}
}

bool
bench_state_before_handover(enum wf_state s)
{
	return s <= WF_STATE_CERTIFICATE_IMPORTED;
}

/* The acts that bring a new application to target, taken from the transition table. */
static void
plan_path(struct plan *p, enum wf_state target)
{
	const struct wf_transition *t;
	int stop = rng_below(6);

	p->count = 0;
	p->state = WF_STATE_SUBMITTED;
	if (target == WF_STATE_RETURNED || target == WF_STATE_REJECTED ||
	    target == WF_STATE_CANCELLED) {
		while (stop-- > 0 && (t = forward_from(p->state)) != NULL &&
		       leading_to(t->to, target) != NULL)
			plan_add(p, t);
		plan_add(p, leading_to(p->state, target));
		return;
	}
	while (p->state != target && bench_state_before_handover(p->state) &&
	       (t = forward_from(p->state)) != NULL)
		plan_add(p, t);
	if (target == WF_STATE_REVOKED && rng_below(3) == 0)
		plan_add(p, leading_to(p->state, WF_STATE_LOST));
	if (target == WF_STATE_RENEWED && rng_below(2) == 0)
		plan_add(p, leading_to(p->state, WF_STATE_EXPIRED));
	if (p->state != target)
		plan_add(p, leading_to(p->state, target));
}

/* When an application was created, so that its history fits the state it is in. */
static int64_t
pick_created(struct filler *f, enum wf_state target)
{
	switch (target) {
	case WF_STATE_EXPIRED:
	case WF_STATE_RENEWED:
		return f->now - 7 * (int64_t)YEAR + rng_below(5 * YEAR - 30 * DAY);
	case WF_STATE_ACTIVE:
	case WF_STATE_REVOKED:
	case WF_STATE_LOST:
		return f->now - 700 * (int64_t)DAY + rng_below(690 * DAY);
	default:
		if (bench_state_before_handover(target))
			return f->now - 5 * DAY + rng_below(5 * DAY - 3600);
		return f->now - 7 * (int64_t)YEAR + rng_below(7 * YEAR - 10 * DAY);
	}
}

/* Lifecycle acts happen long after the handover: expiry exactly two years later. */
static int64_t
lifecycle_time(struct filler *f, const struct wf_transition *t, int64_t clock)
{
	if (t->action == WF_ACTION_EXPIRE)
		clock += 2 * (int64_t)YEAR;
	else if (t->action == WF_ACTION_RENEW && t->from == WF_STATE_ACTIVE)
		clock += 2 * (int64_t)YEAR - rng_below(30 * DAY);
	else
		clock += rng_below(300 * DAY);
	return clock < f->now ? clock : f->now - 60;
}

static int
put_applicant(struct filler *f, int64_t n, int64_t created, int64_t *id)
{
	struct wf_stmt *a = f->applicant;
	char name[64], nik[17], nip[19], email[80], phone[24];

	snprintf(name, sizeof(name), "Pegawai %07lld", (long long)n);
	snprintf(nik, sizeof(nik), "6172%02d%02d%02d%02d%04d", 1 + rng_below(5),
		 1 + rng_below(28) + 40 * rng_below(2), 1 + rng_below(12), rng_below(100),
		 1 + rng_below(9999));
	snprintf(nip, sizeof(nip), "19%02d0101%04d01%d%03d", 60 + rng_below(40),
		 2000 + rng_below(20), 1 + rng_below(2), 1 + rng_below(999));
	snprintf(email, sizeof(email), "pegawai%07lld@singkawangkota.go.id", (long long)n);
	snprintf(phone, sizeof(phone), "+62812%08d", rng_below(100000000));
	wf_bind_text(a, 1, name);
	wf_bind_text(a, 2, nik);
	wf_bind_text(a, 3, nip);
	wf_bind_text(a, 4, email);
	wf_bind_text(a, 5, phone);
	wf_bind_text(a, 6, work_units[rng_below(WORK_UNIT_COUNT)]);
	wf_bind_int64(a, 7, created);
	if (wf_next(a) != WF_ROW) {
		wf_fail_db(&f->err, f->store, "insert applicant");
		return -1;
	}
	*id = wf_column_int64(a, 0);
	wf_reset(a);
	return 0;
}

static int
put_application_row(struct filler *f, int64_t applicant, const struct plan *p, int step,
		    int64_t created, int64_t updated, int64_t *id, char number[40])
{
	struct wf_stmt *a = f->application;
	time_t t = (time_t)created;
	struct tm tm;
	int year, seq;

	localtime_r(&t, &tm);
	year = tm.tm_year + 1900;
	seq = ++f->seq_by_year[year % 3000];
	snprintf(number, 40, "TTE/%d/%04d", year, seq);
	wf_bind_text(a, 1, number);
	wf_bind_int64(a, 2, year);
	wf_bind_int64(a, 3, seq);
	wf_bind_int64(a, 4, applicant);
	wf_bind_text(a, 5, wf_state_name(p->state));
	wf_bind_int64(a, 6, step);
	wf_bind_int64(a, 7, created);
	wf_bind_int64(a, 8, updated);
	if (wf_next(a) != WF_ROW) {
		wf_fail_db(&f->err, f->store, "insert application");
		return -1;
	}
	*id = wf_column_int64(a, 0);
	wf_reset(a);
	return 0;
}

/* Times of the acts, the last one clipped to now: the bench's clock is the real one. */
static void
plan_times(struct filler *f, const struct plan *p, int64_t created, int64_t started[],
	   int minutes[])
{
	int64_t clock = created;

	for (size_t i = 0; i < p->count; i++) {
		const struct wf_step *s = wf_step(p->acts[i]->step);

		if (p->acts[i]->step == 0 && !bench_state_before_handover(p->acts[i]->from))
			clock = lifecycle_time(f, p->acts[i], clock);
		minutes[i] = pick_minutes(s != NULL ? s->standard_minutes : 15);
		if (clock + (int64_t)minutes[i] * 60 > f->now)
			minutes[i] = (int)((f->now - clock) / 60);
		if (minutes[i] < 0)
			minutes[i] = 0;
		started[i] = clock;
		clock += (int64_t)minutes[i] * 60;
	}
}

/*
 * The act's audit row, as a transition writes it ("from -> to, step N"): the holders report
 * counts only what the chain replays to, so the benchmark's chain must be there to count.
 */
static int
put_audit(struct filler *f, const char *number, const char *action, const char *from,
	  const char *to, int step, enum wf_role role)
{
	char detail[96], hash[WF_AUDIT_HASH_HEX];
	int64_t at = wf_store_now(f->store);
	const struct wf_audit_entry entry = {
	    f->logins[role == WF_ROLE_APPLICANT ? WF_ROLE_KASI : role],
	    "act",
	    number,
	    action,
	    "ok",
	    detail};

	snprintf(detail, sizeof(detail), "%s -> %s, step %d", from, to, step);
	if (wf_audit_entry_hash(f->audit_hash, ++f->audit_seq, at, &entry, hash, &f->err) !=
		WF_OK ||
	    wf_rows_add(f->audit, &f->err, f->audit_seq, at, entry.login, entry.kind,
			entry.application, entry.action, entry.result, entry.detail, f->audit_hash,
			hash) != WF_OK)
		return -1;
	memcpy(f->audit_hash, hash, sizeof(hash));
	return 0;
}

/*
 * The certificate step 7 imports, valid for two years from then, so that the records agree
 * with the chain (audit verify). There is no certificate itself: no hash of one.
 */
static int
put_certificate(struct filler *f, int64_t n, int64_t app, int64_t imported)
{
	char serial[24], subject[96];

	snprintf(serial, sizeof(serial), "%016" PRIX64, (uint64_t)n * UINT64_C(0x9e3779b97f4a7c15));
	snprintf(subject, sizeof(subject), "CN=Pegawai %07lld,O=Pemerintah Kota Singkawang,C=ID",
		 (long long)n);
	if (wf_rows_add(f->certificates, &f->err, app, serial,
			"CN=OSD BSrE 2023,O=Badan Siber dan Sandi Negara,C=ID", subject, imported,
			imported + 2 * (int64_t)YEAR, imported, "") != WF_OK)
		return -1;
	return 0;
}

static int
put_application(struct filler *f, int64_t n)
{
	enum wf_state target = pick_state();
	int64_t created = pick_created(f, target), started[16], applicant, app;
	int minutes[16], step = 1, submit_minutes = pick_minutes(15);
	char number[40];
	struct plan p;

	plan_path(&p, target);
	plan_times(f, &p, created, started, minutes);
	for (size_t i = 0; i < p.count; i++)
		if (p.acts[i]->step > step && forward_from(p.acts[i]->from) == p.acts[i])
			step = p.acts[i]->step;
	if (put_applicant(f, n, created, &applicant) != 0 ||
	    put_application_row(f, applicant, &p, step, created,
				p.count > 0 ? started[p.count - 1] + minutes[p.count - 1] * 60
					    : created,
				&app, number) != 0 ||
	    put_event(f, app, 1, "submit", "", "submitted", WF_ROLE_APPLICANT,
		      created - submit_minutes * 60, submit_minutes) != 0 ||
	    put_audit(f, number, "submit", "", "submitted", 1, WF_ROLE_APPLICANT) != 0)
		return -1;
	for (size_t i = 0; i < p.count; i++) {
		const char *action = wf_action_name(p.acts[i]->action);
		const char *from = wf_state_name(p.acts[i]->from),
			   *to = wf_state_name(p.acts[i]->to);

		if (put_event(f, app, p.acts[i]->step, action, from, to, p.acts[i]->role,
			      started[i], minutes[i]) != 0 ||
		    put_audit(f, number, action, from, to, p.acts[i]->step, p.acts[i]->role) != 0 ||
		    (p.acts[i]->action == WF_ACTION_IMPORT_CERTIFICATE &&
		     put_certificate(f, n, app, started[i] + (int64_t)minutes[i] * 60) != 0))
			return -1;
	}
	for (int kind = 0; kind < WF_DOC_COUNT; kind++)
		if (wf_rows_add(f->documents, &f->err, app, wf_document_name(kind), (int64_t)1,
				created) != WF_OK)
			return -1;
	return 0;
}

/* The rows waiting, and the chain's head moved to the last audit row written. */
static int
flush(struct filler *f)
{
	struct wf_stmt *head = NULL;
	int r;

	if (wf_rows_flush(f->events, &f->err) != WF_OK ||
	    wf_rows_flush(f->documents, &f->err) != WF_OK ||
	    wf_rows_flush(f->certificates, &f->err) != WF_OK ||
	    wf_rows_flush(f->audit, &f->err) != WF_OK ||
	    wf_prepare(f->store, head_sql, &head, &f->err) != WF_OK)
		return -1;
	wf_bind_int64(head, 1, f->audit_seq);
	wf_bind_text(head, 2, f->audit_hash);
	r = wf_next(head) == WF_DONE ? 0 : -1;
	if (r != 0)
		wf_fail_db(&f->err, f->store, "bulk load");
	wf_finalize(head);
	return r;
}

/* SQL of the bulk load itself: 0, or -1 with f->err set. */
static int
exec(struct filler *f, const char *sql)
{
	return wf_exec(f->store, sql, "bulk load", &f->err) == WF_OK ? 0 : -1;
}

static int64_t
fixed_clock(void *now)
{
	return *(const int64_t *)now;
}

static int
prepare_filler(struct filler *f, struct wf_store *store, int64_t now)
{
	static const struct {
		const char *name, *nip, *login;
		enum wf_role role;
	} officials[] = {
	    /* The kasi first: the office's first official, who adds the others. */
	    {"Kasi Persandian", "198003032005011003", "kasi", WF_ROLE_KASI},
	    {"Kepala Dinas", "197001011995031001", "kadis", WF_ROLE_KEPALA_DINAS},
	    {"Kabid Statistik dan Persandian", "197502022000032002", "kabid", WF_ROLE_KABID},
	};
	struct wf_official o;

	f->store = store;
	f->now = now != 0 ? now : (int64_t)time(NULL);
	if (now != 0)
		wf_store_set_clock(store, fixed_clock, &f->now);
	for (size_t i = 0; i < sizeof(officials) / sizeof(officials[0]); i++) {
		memset(&o, 0, sizeof(o));
		snprintf(o.name, sizeof(o.name), "%s", officials[i].name);
		snprintf(o.nip, sizeof(o.nip), "%s", officials[i].nip);
		snprintf(o.login, sizeof(o.login), "%s", officials[i].login);
		o.role = officials[i].role;
		f->logins[o.role] = officials[i].login;
		if (wf_official_add(store, &o, "kasi", &f->officials[o.role], &f->err) != WF_OK)
			return -1;
	}
	/* The chain goes on from the officials' rows. */
	if (wf_audit_head(store, &f->audit_seq, f->audit_hash, &f->err) != WF_OK)
		return -1;
	/* A bulk load of a new store: nothing to lose if it stops halfway. */
	if (store->driver == &wf_driver_sqlite &&
	    exec(f, "PRAGMA journal_mode = DELETE; PRAGMA synchronous = OFF;"
		    "PRAGMA cache_size = -262144") != 0)
		return -1;
	/* The server's commits need not wait for the disk either (fsync stays on). */
	if (store->driver == &wf_driver_pgsql &&
	    exec(f, "SET synchronous_commit = off; SET session_replication_role = replica") != 0)
		return -1;
	if (!(f->events = wf_rows_new(store, events_insert, "iitttitiiii")) ||
	    !(f->documents = wf_rows_new(store, documents_insert, "itii")) ||
	    !(f->certificates = wf_rows_new(store, certificates_insert, "itttiiit")) ||
	    !(f->audit = wf_rows_new(store, audit_insert, "iitttttttt"))) {
		wf_fail(&f->err, WF_ERR_INTERNAL, "out of memory");
		return -1;
	}
	if (exec(f, "BEGIN") != 0 ||
	    wf_prepare(store, applicant_sql, &f->applicant, &f->err) != WF_OK ||
	    wf_prepare(store, application_sql, &f->application, &f->err) != WF_OK)
		return -1;
	return 0;
}

/* The last rows and, on PostgreSQL, the summaries its triggers would have kept. */
static int
finish_filler(struct filler *f)
{
	bool server = f->store->driver == &wf_driver_pgsql;

	if (flush(f) != 0 || (server && exec(f, pgsql_summaries) != 0) || exec(f, "COMMIT") != 0)
		return -1;
	return exec(f, server ? "SET session_replication_role = origin"
			      : "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL");
}

int
bench_fill(const char *path, long count, int64_t now)
{
	struct filler f;
	struct wf_store *store;
	struct timespec start;
	long n = 0;
	int r = -1;

	memset(&f, 0, sizeof(f));
	if (!(store = wf_store_create(path, &f.err))) {
		fprintf(stderr, "wf-bench: %s\n", f.err.message);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	if (prepare_filler(&f, store, now) != 0)
		goto out;
	for (n = 1; n <= count; n++)
		if (put_application(&f, n) != 0 ||
		    (n % FILL_BATCH == 0 && n < count &&
		     (flush(&f) != 0 || exec(&f, "COMMIT; BEGIN") != 0)))
			goto out;
	if (finish_filler(&f) != 0)
		goto out;
	printf("fill %.3f %ld\n", bench_seconds_since(&start), count);
	r = 0;
out:
	if (r != 0)
		fprintf(stderr, "wf-bench: fill, application %ld of %ld: %s\n", n, count,
			f.err.message);
	wf_finalize(f.applicant);
	wf_finalize(f.application);
	wf_rows_free(f.events);
	wf_rows_free(f.documents);
	wf_rows_free(f.certificates);
	wf_rows_free(f.audit);
	wf_store_close(store);
	return r == 0 ? 0 : 1;
}
