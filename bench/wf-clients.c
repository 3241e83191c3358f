/*
 * wf-clients.c: durable transitions by several clients at once, each a process of its own
 * with its own connection, as stations and officials are. Each client disposes its own
 * applications (steps 2 and 3), so that the clients share the store (on a server, acts on
 * different applications run side by side up to the audit chain's head), not only lose
 * races to each other; the applications are made before the clock starts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wf-bench.h"

/* The acts each application takes, in order: the Kepala Dinas's, then the Kabid's. */
static const struct {
	const char *login;
	enum wf_action action;
} acts[] = {
    {"kadis", WF_ACTION_DISPOSE},
    {"kabid", WF_ACTION_DISPOSE},
};
#define ACT_COUNT (sizeof(acts) / sizeof(acts[0]))

/* What a client reports to the parent through its pipe. */
struct client_result {
	size_t done;
	int failed;
};

static void
bench_applicant(struct wf_applicant *a, size_t i)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->full_name, sizeof(a->full_name), "Pemohon Uji %zu", i);
	snprintf(a->nik, sizeof(a->nik), "6172011501900001");
	snprintf(a->nip, sizeof(a->nip), "199001152015031001");
	snprintf(a->email, sizeof(a->email), "uji%zu@singkawangkota.go.id", i);
	snprintf(a->phone, sizeof(a->phone), "+6281234567890");
	snprintf(a->position, sizeof(a->position), "Analis");
	a->employment = WF_EMPLOYMENT_PNS;
	snprintf(a->work_unit, sizeof(a->work_unit), "Dinas Komunikasi dan Informatika");
	snprintf(a->agency, sizeof(a->agency), "Pemerintah Kota Singkawang");
	snprintf(a->city, sizeof(a->city), "Singkawang");
	snprintf(a->province, sizeof(a->province), "Kalimantan Barat");
}

/* count new submitted applications, their numbers into numbers[]: not timed. */
static int
prepare_applications(const char *path, size_t count, char (*numbers)[WF_NUMBER_MAX])
{
	struct wf_actor kasi = {"kasi", NULL, NULL};
	struct wf_error err = {0};
	struct wf_store *store = wf_store_open(path, &err);
	struct wf_applicant a;
	int r = 0;

	if (store == NULL) {
		fprintf(stderr, "wf-bench: %s\n", err.message);
		return -1;
	}
	for (size_t i = 0; r == 0 && i < count; i++) {
		bench_applicant(&a, i);
		if (wf_application_create(store, &a, WF_REQUEST_NEW, &kasi, NULL, numbers[i],
					  &err) != WF_OK) {
			fprintf(stderr, "wf-bench: prepare: %s\n", err.message);
			r = -1;
		}
	}
	wf_store_close(store);
	return r;
}

/* The client's acts on applications first, first + step, ...: its share of them. */
static struct client_result
run_client(const char *path, char (*numbers)[WF_NUMBER_MAX], size_t count, size_t first,
	   size_t step, int ready, int go)
{
	struct client_result result = {0, 1};
	struct wf_error err = {0};
	struct wf_store *store = wf_store_open(path, &err);
	char byte = 0;

	/* The file's check before a handle's first write reads it whole: not a transition. */
	if (store == NULL || wf_store_check(store, &err) != WF_OK) {
		fprintf(stderr, "wf-bench: client: %s\n", err.message);
		wf_store_close(store);
		return result;
	}
	if (write(ready, &byte, 1) != 1 || read(go, &byte, 1) != 0) {
		wf_store_close(store);
		return result;
	}
	result.failed = 0;
	for (size_t k = 0; k < ACT_COUNT && !result.failed; k++) {
		struct wf_actor actor = {acts[k].login, NULL, NULL};

		for (size_t i = first; i < count; i += step) {
			if (wf_act(store, numbers[i], acts[k].action, &actor, NULL, &err) !=
			    WF_OK) {
				fprintf(stderr, "wf-bench: %s: %s\n", numbers[i], err.message);
				result.failed = 1;
				break;
			}
			result.done++;
		}
	}
	wf_store_close(store);
	return result;
}

/* Start the clients; each reports on its own pipe in results[]. 0, or -1 if a fork failed. */
static int
start_clients(const char *path, char (*numbers)[WF_NUMBER_MAX], size_t count, int clients,
	      int ready[2], int go[2], int *results)
{
	for (int c = 0; c < clients; c++) {
		int out[2];
		pid_t pid;

		if (pipe(out) != 0 || (pid = fork()) < 0)
			return -1;
		if (pid == 0) {
			struct client_result r;

			close(out[0]);
			close(ready[0]);
			close(go[1]);
			r = run_client(path, numbers, count, (size_t)c, (size_t)clients, ready[1],
				       go[0]);
			_exit(write(out[1], &r, sizeof(r)) == sizeof(r) && !r.failed ? 0 : 1);
		}
		close(out[1]);
		results[c] = out[0];
	}
	return 0;
}

/* Every client's result and exit; the transitions done into *done; 0 if all succeeded. */
static int
collect_clients(int clients, const int *results, size_t *done)
{
	int failed = 0, status;
	pid_t pid;

	*done = 0;
	for (int c = 0; c < clients; c++) {
		struct client_result r = {0, 1};

		if (read(results[c], &r, sizeof(r)) != sizeof(r))
			r.failed = 1;
		close(results[c]);
		*done += r.done;
		failed |= r.failed;
	}
	while ((pid = wait(&status)) > 0 || (pid < 0 && errno == EINTR))
		if (pid > 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
			failed = 1;
	return failed ? -1 : 0;
}

/* Wait until all clients are connected and checked, then let them go together. */
static int
release_clients(int clients, int ready[2], int go[2], struct timespec *start)
{
	char byte;
	int r = 0;

	close(ready[1]);
	for (int c = 0; c < clients && r == 0; c++)
		if (read(ready[0], &byte, 1) != 1)
			r = -1;
	close(ready[0]);
	clock_gettime(CLOCK_MONOTONIC, start);
	close(go[1]); /* end of file: go */
	close(go[0]);
	return r;
}

int
bench_clients(const char *path, size_t per_client, int clients)
{
	size_t count = (size_t)clients * ((per_client + ACT_COUNT - 1) / ACT_COUNT), done = 0;
	char(*numbers)[WF_NUMBER_MAX] = calloc(count, WF_NUMBER_MAX);
	int ready[2] = {-1, -1}, go[2] = {-1, -1}, *results = calloc((size_t)clients, sizeof(int));
	struct timespec start;
	int r = -1;

	if (numbers == NULL || results == NULL || prepare_applications(path, count, numbers) != 0)
		goto out;
	fflush(stdout);
	if (pipe(ready) != 0 || pipe(go) != 0 ||
	    start_clients(path, numbers, count, clients, ready, go, results) != 0) {
		fprintf(stderr, "wf-bench: clients: %s\n", strerror(errno));
		goto out;
	}
	int released = release_clients(clients, ready, go, &start);
	int collected = collect_clients(clients, results, &done);
	double seconds = bench_seconds_since(&start);

	printf("transitions_%dclients %.6f %zu\n", clients, seconds, done);
	printf("transitions_per_second_%dclients %.1f %zu\n", clients,
	       seconds > 0 ? done / seconds : 0.0, done);
	r = released == 0 && collected == 0 ? 0 : -1;
out:
	free(numbers);
	free(results);
	return r == 0 ? 0 : 1;
}
