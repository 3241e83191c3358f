/*
 * test-race.c: two operators (two Kasi logins, two processes) race to register the
 * same application (step 4), 1,000 times. Each time exactly one wins; the other is told it lost
 * (WF_ERR_STATE or WF_ERR_CONFLICT), never "database is locked".
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"
#include "tap.h"
#include "wf-fixture.h"

#define ROUNDS 1000

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

/* One racer: waits for the start signal of each round, disposes, reports. */
static void
racer(int go, int report, const char *login)
{
	struct wf_error err;
	struct wf_store *store = wf_store_open(wft_db_path("race.db"), &err);
	struct wf_actor kasi = wft_actor(login);
	char token;

	for (int i = 0; i < ROUNDS; i++) {
		struct result res = {WF_ERR_INTERNAL, "store did not open"};
		if (read_full(go, &token, 1) != 0)
			break;
		if (store) {
			res.code = wf_act(store, numbers[i], WF_ACTION_REGISTER, &kasi, NULL, &err);
			snprintf(res.message, sizeof(res.message), "%s", err.message);
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
judge(const struct result res[2], struct tally *t)
{
	int winners = (res[0].code == WF_OK) + (res[1].code == WF_OK);

	t->rounds++;
	if (winners == 1)
		t->one_winner++;
	for (int k = 0; k < 2; k++) {
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

static void
two_processes_racing_the_same_transition_have_exactly_one_winner(void)
{
	int go[2][2], report[2][2];
	pid_t pids[2];
	struct tally t = {0};

	for (int k = 0; k < 2; k++) {
		if (pipe(go[k]) != 0 || pipe(report[k]) != 0)
			abort();
		if ((pids[k] = fork()) == 0) {
			close(go[k][1]);
			close(report[k][0]);
			racer(go[k][0], report[k][1], k ? WFT_KASI2 : WFT_KASI);
		}
		close(go[k][0]);
		close(report[k][1]);
	}
	for (int i = 0; i < ROUNDS; i++) {
		struct result res[2];
		/* Both start together; the order of the two writes alternates. */
		if (write(go[i % 2][1], "g", 1) != 1 || write(go[1 - i % 2][1], "g", 1) != 1 ||
		    read_full(report[0][0], &res[0], sizeof(res[0])) != 0 ||
		    read_full(report[1][0], &res[1], sizeof(res[1])) != 0) {
			check(!"a racer died");
			break;
		}
		judge(res, &t);
	}
	for (int k = 0; k < 2; k++) {
		int status = 0;
		close(go[k][1]);
		close(report[k][0]);
		waitpid(pids[k], &status, 0);
		check(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	check_int(t.rounds, ROUNDS);
	check_int(t.one_winner, ROUNDS);
	check_int(t.conflicts + t.states, ROUNDS);
	check_int(t.locked, 0);
	check_int(t.other, 0);
	tap_diag("%d rounds: %d lost on the state check, %d on the guarded update", t.rounds,
		 t.states, t.conflicts);
}

static void
every_application_moved_once_and_the_audit_holds(void)
{
	struct wf_error err;
	struct wf_store *store = wft_store("race.db");
	struct wf_summary *list = NULL;
	size_t count = 0;
	int64_t rows = 0, bad = -1;
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
	check_int(wf_audit_verify(store, &bad, &rows, &err), WF_OK);
	wf_store_close(store);
}

int
main(void)
{
	struct wf_store *store = wft_store("race.db");
	struct wf_actor kasi = wft_actor(WFT_KASI);
	struct wf_applicant a;
	struct wf_error err;

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
	TAP_TEST(two_processes_racing_the_same_transition_have_exactly_one_winner);
	TAP_TEST(every_application_moved_once_and_the_audit_holds);
	return tap_done();
}
