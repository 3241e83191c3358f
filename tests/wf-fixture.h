/*
 * wf-fixture.h: what the workflow tests share: a fresh database with the office's three
 * officials, a valid applicant, a settable clock, and a driver that walks an
 * application to any state along the transition table itself.
 */
#ifndef ENROLL_WF_FIXTURE_H
#define ENROLL_WF_FIXTURE_H

#include "workflow.h"

/* Logins of the fixture's officials (one per role) and a second kasi. */
#define WFT_KADIS "kadis"
#define WFT_KABID "kabid"
#define WFT_KASI "kasi"
#define WFT_KASI2 "kasi2"

/* The fixture clock, Unix seconds; starts at 2026-11-24 08:00 local. Tests move it. */
extern int64_t wft_now;

/* Unix seconds of a local date and hour (daylight saving as the zone says). */
int64_t wft_local_time(int year, int month, int day, int hour);
/* A fresh database file in the fixture directory, named name; the clock installed. */
struct wf_store *wft_store(const char *name);
/* The store of that name: its file, or its PostgreSQL URI under ENROLL_TEST_PG. */
const char *wft_db_path(const char *name);
/* The test cluster's socket directory (ENROLL_TEST_PG), NULL when testing on sqlite. */
const char *wft_pg(void);
/* Register the fixture's officials. Aborts the test program on failure. */
void wft_officials(struct wf_store *store);
/* A valid applicant (i varies the name). */
void wft_applicant(struct wf_applicant *a, int i);
/* An actor struct for a login. */
struct wf_actor wft_actor(const char *login);
/* The login of an official holding role (kasi records the applicant's acts). */
const char *wft_login_for(enum wf_role role);
/* Record an application with all four documents received; number written. WF_OK or status. */
int wft_create(struct wf_store *store, char number[WF_NUMBER_MAX]);
/*
 * Perform transition t with everything it needs (right official, a note, the key intent
 * and id before record_key, certificate data for import_certificate).
 */
int wft_perform(struct wf_store *store, const char *number, const struct wf_transition *t,
		struct wf_error *err);
/* Walk an application from submitted to target by the shortest path in the table. */
int wft_drive_to(struct wf_store *store, const char *number, enum wf_state target,
		 struct wf_error *err);
/* Current state of an application, -1 on error. */
int wft_state(struct wf_store *store, const char *number);
/* Count audit rows matching kind/action/login (NULL: any), reading the store itself. */
long wft_audit_count(const char *db_path, const char *kind, const char *action, const char *login);

#endif
