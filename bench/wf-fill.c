/*
 * wf-fill.c: wf-bench's fill: a new database with N applications whose states follow the
 * office's likely mix, each with the history the transition table gives its state, the
 * same N always giving the same database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wf-bench.h"
#include "workflow-int.h"

/* Applications per transaction of the fill. */
#define FILL_BATCH 20

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
	struct wf_store *store; /* the audit chain is written through the library */
	struct wf_stmt *applicant, *application, *event, *document;
	int64_t officials[WF_ROLE_COUNT]; /* by role; the kasi records the applicant's acts */
	const char *logins[WF_ROLE_COUNT];
	int64_t now;
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
static const char event_sql[] =
    "INSERT INTO events (application_id, step, action, from_state, to_state, actor_id,"
    " role, started_at, ended_at, minutes, standard_minutes, note)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, NULL)";
static const char document_sql[] =
    "INSERT INTO documents (application_id, kind, received, received_at) VALUES (?1, ?2, 1, ?3)";

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
	struct wf_stmt *e = f->event;

	wf_bind_int64(e, 1, app);
	wf_bind_int64(e, 2, step);
	wf_bind_text(e, 3, action);
	wf_bind_text(e, 4, from);
	wf_bind_text(e, 5, to);
	wf_bind_int64(e, 6, f->officials[role == WF_ROLE_APPLICANT ? WF_ROLE_KASI : role]);
	wf_bind_text(e, 7, wf_role_name(role));
	wf_bind_int64(e, 8, started);
	wf_bind_int64(e, 9, started + (int64_t)minutes * 60);
	wf_bind_int64(e, 10, minutes);
	wf_bind_int64(e, 11, s != NULL ? s->standard_minutes : 0);
	if (wf_next(e) != WF_DONE)
		return -1;
	wf_reset(e);
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
	if (wf_next(a) != WF_ROW)
		return -1;
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
	if (wf_next(a) != WF_ROW)
		return -1;
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
	char detail[96];
	struct wf_error err;
	const struct wf_audit_entry entry = {
	    f->logins[role == WF_ROLE_APPLICANT ? WF_ROLE_KASI : role],
	    "act",
	    number,
	    action,
	    "ok",
	    detail};

	snprintf(detail, sizeof(detail), "%s -> %s, step %d", from, to, step);
	return wf_audit_append(f->store, &entry, &err) == WF_OK ? 0 : -1;
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
		    put_audit(f, number, action, from, to, p.acts[i]->step, p.acts[i]->role) != 0)
			return -1;
	}
	for (int kind = 0; kind < WF_DOC_COUNT; kind++) {
		wf_bind_int64(f->document, 1, app);
		wf_bind_text(f->document, 2, wf_document_name(kind));
		wf_bind_int64(f->document, 3, created);
		if (wf_next(f->document) != WF_DONE)
			return -1;
		wf_reset(f->document);
	}
	return 0;
}

static int
prepare_filler(struct filler *f, struct wf_store *store)
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
	struct wf_error err = {0};
	struct wf_official o;

	for (size_t i = 0; i < sizeof(officials) / sizeof(officials[0]); i++) {
		memset(&o, 0, sizeof(o));
		snprintf(o.name, sizeof(o.name), "%s", officials[i].name);
		snprintf(o.nip, sizeof(o.nip), "%s", officials[i].nip);
		snprintf(o.login, sizeof(o.login), "%s", officials[i].login);
		o.role = officials[i].role;
		f->logins[o.role] = officials[i].login;
		if (wf_official_add(store, &o, "kasi", &f->officials[o.role], &err) != WF_OK) {
			fprintf(stderr, "wf-bench: %s\n", err.message);
			return -1;
		}
	}
	f->store = store;
	f->now = (int64_t)time(NULL);
	/* A bulk load of a new store: nothing to lose if it stops halfway. */
	if (store->driver == &wf_driver_sqlite &&
	    wf_exec(store,
		    "PRAGMA journal_mode = DELETE; PRAGMA synchronous = OFF;"
		    "PRAGMA cache_size = -262144",
		    "bulk load", &err) != WF_OK)
		goto fail;
	/* The server's commits need not wait for the disk either (fsync stays on). */
	if (store->driver == &wf_driver_pgsql &&
	    wf_exec(store, "SET synchronous_commit = off", "bulk load", &err) != WF_OK)
		goto fail;
	if (wf_exec(store, "BEGIN", "bulk load", &err) != WF_OK ||
	    wf_prepare(store, applicant_sql, &f->applicant, &err) != WF_OK ||
	    wf_prepare(store, application_sql, &f->application, &err) != WF_OK ||
	    wf_prepare(store, event_sql, &f->event, &err) != WF_OK ||
	    wf_prepare(store, document_sql, &f->document, &err) != WF_OK)
		goto fail;
	return 0;
fail:
	fprintf(stderr, "wf-bench: %s\n", err.message);
	return -1;
}

int
bench_fill(const char *path, long count)
{
	struct filler f;
	struct wf_error err = {0};
	struct wf_store *store = wf_store_create(path, &err);
	struct timespec start;
	int r = -1;

	memset(&f, 0, sizeof(f));
	if (store == NULL) {
		fprintf(stderr, "wf-bench: %s\n", err.message);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	if (prepare_filler(&f, store) != 0)
		goto out;
	for (long n = 1; n <= count; n++) {
		if (put_application(&f, n) != 0) {
			wf_fail_db(&err, store, "insert");
			fprintf(stderr, "wf-bench: application %ld: %s\n", n, err.message);
			goto out;
		}
		/*
		 * PostgreSQL keeps every version of the audit head a transaction wrote until it
		 * commits, and each append reads the head through them all: one transaction
		 * for the whole fill takes time quadratic in its size.
		 */
		if (n % FILL_BATCH == 0 && n < count &&
		    wf_exec(store, "COMMIT; BEGIN", "bulk load", &err) != WF_OK) {
			fprintf(stderr, "wf-bench: %s\n", err.message);
			goto out;
		}
	}
	if (wf_exec(store, "COMMIT", "bulk load", &err) != WF_OK ||
	    (store->driver == &wf_driver_sqlite &&
	     wf_exec(store, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL", "bulk load",
		     &err) != WF_OK)) {
		fprintf(stderr, "wf-bench: %s\n", err.message);
		goto out;
	}
	printf("fill %.3f %ld\n", bench_seconds_since(&start), count);
	r = 0;
out:
	wf_finalize(f.applicant);
	wf_finalize(f.application);
	wf_finalize(f.event);
	wf_finalize(f.document);
	wf_store_close(store);
	return r == 0 ? 0 : 1;
}
