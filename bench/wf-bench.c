/*
 * wf-bench.c: the workflow store at a scale the office will never reach, to show that
 * lists and reports stay interactive and that transitions are durable yet quick.
 *   wf-bench fill DB N [NOW]    fill a new database with N applications in realistic states
 *                               (its clock at NOW, seconds since 1970, if given)
 *   wf-bench measure DB         time listing by state and each report
 *   wf-bench transitions DB K [C]  time C clients (processes, 1 if not given) doing K durable
 *                                  transitions each (steps 2 and 3 of their own applications)
 * DB is a sqlite path or a postgresql:// URI, as enroll's --db.
 * Output: one "name seconds [count]" line per measurement, for bench/workflow-bench.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wf-bench.h"

double
bench_seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (now.tv_nsec - start->tv_nsec) / 1e9;
}

/* ---------------------------------------------------------------- measure */

static int
measure_lists(struct wf_store *store)
{
	struct wf_summary *rows = NULL;
	struct wf_error err = {0};
	struct timespec start;
	size_t count;

	for (int s = -1; s < WF_STATE_COUNT; s++) {
		for (int whole = 0; whole < 2; whole++) {
			/* Whole lists only of the states an operator works through. */
			if (whole && (s < 0 || !bench_state_before_handover(s)))
				continue;
			clock_gettime(CLOCK_MONOTONIC, &start);
			if (wf_list(store, s, whole ? 0 : 100, 0, &rows, &count, &err) != WF_OK) {
				fprintf(stderr, "wf-bench: list: %s\n", err.message);
				return -1;
			}
			printf("list_%s%s %.6f %zu\n", s < 0 ? "all" : wf_state_name(s),
			       whole ? "_whole" : "_first100", bench_seconds_since(&start), count);
			free(rows);
		}
	}
	return 0;
}

static int
measure_report(const char *name, struct wf_store *store, int which, const struct wf_period *p)
{
	struct wf_report *report = NULL;
	struct wf_error err = {0};
	struct timespec start;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &start);
	switch (which) {
	case 0:
		r = wf_report_holders(store, p, WF_PERIOD_MONTH, &report, &err);
		break;
	case 1:
		r = wf_report_states(store, p, &report, &err);
		break;
	case 2:
		r = wf_report_step_times(store, p, &report, &err);
		break;
	default:
		r = wf_report_overdue(store, 0, 100, &report, &err);
		break;
	}
	if (r != WF_OK) {
		fprintf(stderr, "wf-bench: report %s: %s\n", name, err.message);
		return -1;
	}
	printf("report_%s %.6f %lld\n", name, bench_seconds_since(&start),
	       (long long)report->total);
	wf_report_free(report);
	return 0;
}

static int
measure_reports(struct wf_store *store)
{
	int64_t now = (int64_t)time(NULL);
	struct wf_period last_year = {now - YEAR, 0};
	static const char *const names[] = {"holders", "states", "step_times", "overdue"};

	for (int which = 0; which < 4; which++) {
		char name[64];

		if (measure_report(names[which], store, which, NULL) != 0)
			return -1;
		if (which == 3)
			break;
		snprintf(name, sizeof(name), "%s_last_year", names[which]);
		if (measure_report(name, store, which, &last_year) != 0)
			return -1;
	}
	return 0;
}

static int
measure(const char *path)
{
	struct wf_error err = {0};
	struct wf_store *store = wf_store_open(path, &err);
	int r;

	if (store == NULL) {
		fprintf(stderr, "wf-bench: %s\n", err.message);
		return 1;
	}
	r = measure_lists(store) || measure_reports(store);
	wf_store_close(store);
	return r == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	if ((argc == 4 || argc == 5) && strcmp(argv[1], "fill") == 0 && atol(argv[3]) > 0)
		return bench_fill(argv[2], atol(argv[3]), argc == 5 ? atoll(argv[4]) : 0);
	if (argc == 3 && strcmp(argv[1], "measure") == 0)
		return measure(argv[2]);
	if ((argc == 4 || argc == 5) && strcmp(argv[1], "transitions") == 0 && atol(argv[3]) > 0 &&
	    (argc == 4 || (atoi(argv[4]) > 0 && atoi(argv[4]) <= 64)))
		return bench_clients(argv[2], (size_t)atol(argv[3]), argc == 5 ? atoi(argv[4]) : 1);
	fprintf(stderr,
		"usage: wf-bench fill DB N [NOW] | measure DB | transitions DB K [CLIENTS]\n");
	return 2;
}
