/*
 * wf-bench.h: what wf-bench's files share: the fill (wf-fill.c), the concurrent clients
 * (wf-clients.c) and the timing and state helpers the measurements (wf-bench.c) use as well.
 */
#ifndef ENROLL_WF_BENCH_H
#define ENROLL_WF_BENCH_H

#include <stdbool.h>
#include <time.h>

#include "workflow.h"

#define DAY (24 * 60 * 60)
#define YEAR (365 * DAY)

/*
 * Fill a new database at path with count applications, its clock at now (0: the system's);
 * 0, or 1 with a message on stderr.
 */
int bench_fill(const char *path, long count, int64_t now);

/*
 * Durable transitions by clients processes at once, per_client each, on applications made
 * for them first; prints the seconds and the rate in total. 0, or 1 with a message on stderr.
 */
int bench_clients(const char *path, size_t per_client, int clients);
/* Seconds on the monotonic clock since start. */
double bench_seconds_since(const struct timespec *start);
/* States an operator still works through (the applications before the handover). */
bool bench_state_before_handover(enum wf_state s);

#endif
