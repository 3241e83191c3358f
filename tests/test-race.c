/*
 * test-race.c: operators (two Kasi logins, one process each) race to register the same
 * application (step 4), 1,000 times: two on sqlite, eight stations on PostgreSQL. Each time
 * exactly one wins; the others are told they lost (WF_ERR_STATE or WF_ERR_CONFLICT), never
 * "database is locked" or a serialization failure. Then they all record applications at
 * once: the numbers run from 1 without a gap or a duplicate, and the audit chain holds.
 * Last, each returns or cancels applications of its own while one records new ones, as
 * stations on one day do: every act lands once, and the chain and the records agree.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db.h"
#include "fixture.h"
#include "tap.h"
#include "wf-fixture.h"

#define ROUNDS 1000
#define RACERS_MAX 8
/* Applications each racer records in the numbering race. */
#define CREATES 60

static int racers = 2;

struct result {
	int code;
	char message[512];
};

static char numbers[ROUNDS][WF_NUMBER_MAX];

static int
read_full(int fd, void *buf, size_t size)
{
	size_t done = 0;

	while (done < size) {
		ssize_t n = read(fd, (char *)buf + done, size - done);
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

/*
 * The application racer k of racers moves in round i (go 's'); racer 0 records instead. A
 * cancellation counts no step time: it shares nothing with the others but the chain's head.
 */
static const char *
own_application(int k, int i)
{
	return numbers[i * (racers - 1) + k - 1];
}

/*
 * One racer, the k-th: waits for the start signal of each round, registers (go 'r') or
 * records an application and tells its number (go 'c'), or returns (odd k) or cancels
 * (even k) an application of its own (go 's'), reports.
 */
static void
racer(int go, int report, const char *login, int k)
{
	struct wf_error err;
	struct wf_store *store = wft_store("race.db"); /* opened again, with the fixture's clock */
	struct wf_actor kasi = wft_actor(login);
	struct wf_applicant a;
	char token;
	int moved = 0;

	wft_applicant(&a, 2);
	for (int i = 0; read_full(go, &token, 1) == 0; i++) {
		struct result res = {WF_ERR_INTERNAL, "store did not open"};
		if (store && token == 'r') {
			res.code = wf_act(store, numbers[i], WF_ACTION_REGISTER, &kasi, NULL, &err);
			snprintf(res.message, sizeof(res.message), "%s", err.message);
		} else if (store && token == 's' && k > 0) {
			res.code = wf_act(store, own_application(k, moved++),
					  k % 2 ? WF_ACTION_RETURN : WF_ACTION_CANCEL, &kasi,
					  "berkas kurang", &err);
			snprintf(res.message, sizeof(res.message), "%s", err.message);
		} else if (store) {
			char number[WF_NUMBER_MAX] = "";
			res.code = wf_application_create(store, &a, WF_REQUEST_NEW, &kasi, NULL,
							 number, &err);
			snprintf(res.message, sizeof(res.message), "%s",
				 res.code == WF_OK ? number : err.message);
		}
		if (write(report, &res, sizeof(res)) != (ssize_t)sizeof(res))
			break;
	}
	wf_store_close(store);
	_exit(0);
}

struct tally {
	int rounds, one_winner, conflicts, states, locked, other;
};

static void
judge(const struct result res[RACERS_MAX], void *tally)
{
	struct tally *t = tally;
	int winners = 0;

	for (int k = 0; k < racers; k++)
		winners += res[k].code == WF_OK;
	t->rounds++;
	if (winners == 1)
		t->one_winner++;
	for (int k = 0; k < racers; k++) {
		if (res[k].code == WF_ERR_CONFLICT)
			t->conflicts++;
		else if (res[k].code == WF_ERR_STATE)
			t->states++;
		else if (res[k].code != WF_OK)
			t->other++;
		if (strstr(res[k].message, "locked") || strstr(res[k].message, "busy"))
			t->locked++;
		if (res[k].code != WF_OK && res[k].code != WF_ERR_CONFLICT &&
		    res[k].code != WF_ERR_STATE && t->other < 5)
			tap_diag("    unexpected %s: %s", wf_status_name(res[k].code),
				 res[k].message);
	}
}

struct racers {
	int go[RACERS_MAX][2], report[RACERS_MAX][2];
	pid_t pids[RACERS_MAX];
};

static void
start_racers(struct racers *r)
{
	for (int k = 0; k < racers; k++) {
		if (pipe(r->go[k]) != 0 || pipe(r->report[k]) != 0)
			abort();
		if ((r->pids[k] = fork()) == 0) {
			/* Only its own pipes: an earlier racer's must see its end when we close. */
			for (int j = 0; j < k; j++) {
				close(r->go[j][1]);
				close(r->report[j][0]);
			}
			close(r->go[k][1]);
			close(r->report[k][0]);
			racer(r->go[k][0], r->report[k][1], k % 2 ? WFT_KASI2 : WFT_KASI, k);
		}
		close(r->go[k][0]);
		close(r->report[k][1]);
	}
}

/* All start together, in an order that turns each round; every result read. */
static int
round_of(struct racers *r, char what, int i, struct result res[RACERS_MAX])
{
	for (int k = 0; k < racers; k++)
		if (write(r->go[(i + k) % racers][1], &what, 1) != 1)
			return -1;
	for (int k = 0; k < racers; k++)
		if (read_full(r->report[k][0], &res[k], sizeof(res[k])) != 0)
			return -1;
	return 0;
}

static void
stop_racers(struct racers *r)
{
	for (int k = 0; k < racers; k++) {
		close(r->go[k][1]);
		close(r->report[k][0]);
	}
	for (int k = 0; k < racers; k++) {
		int status = 0;
		waitpid(r->pids[k], &status, 0);
		check(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
}

/* rounds rounds of what, the racers started anew; each round's results go to see. */
static void
race(char what, int rounds, void (*see)(const struct result res[RACERS_MAX], void *arg), void *arg)
{
	struct racers r;

	start_racers(&r);
	for (int i = 0; i < rounds; i++) {
		struct result res[RACERS_MAX];
		if (round_of(&r, what, i, res) != 0) {
			check(!"a racer died");
			break;
		}
		see(res, arg);
	}
	stop_racers(&r);
}

static void
racing_the_same_transition_has_exactly_one_winner(void)
{
	struct tally t = {0};

	race('r', ROUNDS, judge, &t);
	check_int(t.rounds, ROUNDS);
	check_int(t.one_winner, ROUNDS);
	check_int(t.conflicts + t.states, (racers - 1) * ROUNDS);
	check_int(t.locked, 0);
	check_int(t.other, 0);
	tap_diag("%d racers, %d rounds: %d lost on the state check, %d on the guarded update",
		 racers, t.rounds, t.states, t.conflicts);
}

struct numbering {
	bool seen[ROUNDS + RACERS_MAX * CREATES + 1];
	int recorded, duplicates, outside;
};

static void
count_numbers(const struct result res[RACERS_MAX], void *numbering)
{
	struct numbering *n = numbering;
	int year = 0, seq = 0;

	for (int k = 0; k < racers; k++) {
		if (res[k].code != WF_OK || sscanf(res[k].message, "TTE/%d/%d", &year, &seq) != 2) {
			tap_diag("    %s", res[k].message);
			continue;
		}
		n->recorded++;
		if (seq <= ROUNDS || seq > ROUNDS + racers * CREATES)
			n->outside++;
		else if (n->seen[seq])
			n->duplicates++;
		else
			n->seen[seq] = true;
	}
}

static void
numbers_recorded_at_once_have_no_gap_and_no_duplicate(void)
{
	static struct numbering n;

	race('c', CREATES, count_numbers, &n);
	/* The setup recorded 1 to ROUNDS; these take the next ones, each exactly once. */
	check_int(n.recorded, racers * CREATES);
	check_int(n.duplicates, 0);
	check_int(n.outside, 0);
}

/* The audit chain verifies, and every record agrees with it. */
static void
chain_and_records_hold(struct wf_store *store)
{
	struct wf_record_problem *problems = NULL;
	size_t disagreeing = 0;
	int64_t rows = 0, bad = -1;
	struct wf_error err;

	check_int(wf_audit_verify(store, &bad, &rows, &err), WF_OK);
	check_int(wf_audit_check_records(store, &problems, &disagreeing, &err), WF_OK);
	check_int(disagreeing, 0);
	free(problems);
}

static void
every_application_moved_once_and_the_audit_holds(void)
{
	struct wf_error err;
	struct wf_store *store = wft_store("race.db");
	struct wf_summary *list = NULL;
	size_t count = 0;
	int once = 0;

	check_int(wf_list(store, WF_STATE_REGISTERED, 0, 0, &list, &count, &err), WF_OK);
	check_int(count, ROUNDS);
	free(list);
	for (int i = 0; i < ROUNDS; i++) {
		struct wf_application *app = NULL;
		if (wf_application_get(store, numbers[i], &app, &err) != WF_OK)
			continue;
		if (app->event_count == 4) /* submit, dispose, dispose, one register */
			once++;
		wf_application_free(app);
	}
	check_int(once, ROUNDS);
	chain_and_records_hold(store);
	wf_store_close(store);
}

static void
count_failures(const struct result res[RACERS_MAX], void *failed)
{
	for (int k = 0; k < racers; k++)
		if (res[k].code != WF_OK && (*(int *)failed)++ < 5)
			tap_diag("    racer %d: %s", k, res[k].message);
}

/* One number the store gives for sql; -1 if none. */
static int64_t
store_count(struct wf_store *store, const char *sql)
{
	struct wf_stmt *stmt = NULL;
	struct wf_error err;
	int64_t n = -1;

	if (wf_prepare(store, sql, &stmt, &err) == WF_OK && wf_next(stmt) == WF_ROW)
		n = wf_column_int64(stmt, 0);
	wf_finalize(stmt);
	return n;
}

/* Acts on applications of their own go side by side with new applications: none is lost. */
static void
acts_on_different_applications_beside_new_ones_all_land(void)
{
	int rounds = ROUNDS / (racers - 1), failed = 0, moved = 0;
	struct wf_store *store;
	struct wf_error err;

	race('s', rounds, count_failures, &failed);
	check_int(failed, 0);
	store = wft_store("race.db");
	for (int i = 0; i < rounds; i++)
		for (int k = 1; k < racers; k++) {
			struct wf_application *app = NULL;
			if (wf_application_get(store, own_application(k, i), &app, &err) != WF_OK)
				continue;
			/* submit, dispose, dispose, register, return or cancel */
			moved += app->state == (k % 2 ? WF_STATE_RETURNED : WF_STATE_CANCELLED) &&
				 app->event_count == 5;
			wf_application_free(app);
		}
	check_int(moved, rounds * (racers - 1));
	/* The returns' step times, summed by the day's one row as they committed together. */
	check_int(
	    store_count(store, "SELECT sum(acts) FROM step_time_days"
			       " WHERE step = 5 AND action = 'return'"),
	    store_count(store, "SELECT count(*) FROM events WHERE step = 5 AND action = 'return'"));
	check_int(store_count(store, "SELECT count(*) FROM events WHERE action = 'return'"),
		  rounds * (racers / 2)); /* the odd racers of 1 to racers - 1 */
	chain_and_records_hold(store);
	wf_store_close(store);
}

int
main(void)
{
	struct wf_store *store = wft_store("race.db");
	struct wf_actor kasi = wft_actor(WFT_KASI);
	struct wf_applicant a;
	struct wf_error err;

	/* On a server, the stations of an enrollment day. */
	if (wft_pg())
		racers = RACERS_MAX;
	wft_officials(store);
	wft_applicant(&a, 1);
	struct wf_actor kadis = wft_actor(WFT_KADIS), kabid = wft_actor(WFT_KABID);
	for (int i = 0; i < ROUNDS; i++)
		if (wf_application_create(store, &a, WF_REQUEST_NEW, &kasi, NULL, numbers[i],
					  &err) != WF_OK ||
		    wf_act(store, numbers[i], WF_ACTION_DISPOSE, &kadis, NULL, &err) != WF_OK ||
		    wf_act(store, numbers[i], WF_ACTION_DISPOSE, &kabid, NULL, &err) != WF_OK) {
			fprintf(stderr, "setup: %s\n", err.message);
			return 1;
		}
	/* No connection crosses the fork: each racer opens its own. */
	wf_store_close(store);
	TAP_TEST(racing_the_same_transition_has_exactly_one_winner);
	TAP_TEST(numbers_recorded_at_once_have_no_gap_and_no_duplicate);
	TAP_TEST(every_application_moved_once_and_the_audit_holds);
	TAP_TEST(acts_on_different_applications_beside_new_ones_all_land);
	return tap_done();
}
