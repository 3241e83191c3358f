/*
 * test-officials.c: the office's officials over time. Only the kasi changes them, every
 * change and refusal audited; an edit or a deactivation keeps the old records as they
 * were (a Kepala Dinas who leaves stays in them); one person holds one role at a time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "wf-fixture.h"

static struct wf_store *store;

static const char *
db(void)
{
	return wft_db_path("officials.db");
}

static struct wf_official
official(const char *name, const char *nip, enum wf_role role, const char *login)
{
	struct wf_official o = {.role = role, .active = true};

	snprintf(o.name, sizeof(o.name), "%s", name);
	snprintf(o.nip, sizeof(o.nip), "%s", nip);
	snprintf(o.login, sizeof(o.login), "%s", login);
	return o;
}

/* A new application disposed at step 2 by whoever is the Kepala Dinas as login. */
static int
disposed_by(const char *login, char number[WF_NUMBER_MAX])
{
	struct wf_actor actor = wft_actor(login);
	struct wf_error err;
	int r = wft_create(store, number);

	if (r == WF_OK)
		r = wf_act(store, number, WF_ACTION_DISPOSE, &actor, "ke Kabid", &err);
	return r;
}

/* The name and login of the official who did the application's event i. */
static void
check_actor(const char *number, size_t i, const char *login, const char *name)
{
	struct wf_application *app = NULL;
	struct wf_error err;

	check_int(wf_application_get(store, number, &app, &err), WF_OK);
	if (app && check(app->event_count > i)) {
		check_str(app->events[i].actor_login, login);
		check_str(app->events[i].actor_name, name);
	}
	wf_application_free(app);
}

static void
first_official_is_the_kasi_registering_themself(void)
{
	struct wf_store *fresh = wft_store("first.db");
	struct wf_official kadis =
	    official("Evan", "197803122005011003", WF_ROLE_KEPALA_DINAS, "kadis");
	struct wf_official kasi = official("Budi", "199001152015031001", WF_ROLE_KASI, "kasi");
	struct wf_error err;

	check_int(wf_official_add(fresh, &kadis, "kadis", NULL, &err), WF_ERR_ROLE);
	/*
	 * On a server the test's session is the administrator, who may register the Kasi for
	 * them (test-pg-roles.sh: an official's login may not).
	 */
	if (!wft_pg()) {
		check_int(wf_official_add(fresh, &kasi, "mallory", NULL, &err), WF_ERR_ROLE);
		check(strstr(err.message, "first official is its kasi") != NULL);
		check_int(
		    wft_audit_count(wft_db_path("first.db"), "refusal", "official_add", "mallory"),
		    1);
	}
	check_int(wf_official_add(fresh, &kasi, "kasi", NULL, &err), WF_OK);
	/* and from then on the kasi adds */
	check_int(wf_official_add(fresh, &kadis, "kadis", NULL, &err), WF_ERR_ROLE);
	check_int(wf_official_add(fresh, &kadis, "kasi", NULL, &err), WF_OK);
	wf_store_close(fresh);
}

static void
only_an_active_kasi_changes_the_officials_and_refusals_are_audited(void)
{
	struct wf_official newcomer = official("Andi", "198505052010011005", WF_ROLE_KABID, "andi");
	struct wf_official_change change = {"Sri Wahyuni, S.E.", NULL, NULL};
	struct wf_official found;
	struct wf_error err;

	check_int(wf_official_add(store, &newcomer, WFT_KABID, NULL, &err), WF_ERR_ROLE);
	check(strstr(err.message, "only the kasi manages the officials; kabid is kabid") != NULL);
	check_int(wf_official_edit(store, WFT_KABID, &change, WFT_KADIS, NULL, &err), WF_ERR_ROLE);
	check_int(wf_official_deactivate(store, WFT_KADIS, NULL, "mallory", &err), WF_ERR_ROLE);
	check_int(wft_audit_count(db(), "refusal", "official_add", WFT_KABID), 1);
	check_int(wft_audit_count(db(), "refusal", "official_edit", WFT_KADIS), 1);
	check_int(wft_audit_count(db(), "refusal", "official_deactivate", "mallory"), 1);
	check_int(wf_official_find(store, "andi", &found, &err), WF_ERR_NOT_FOUND);
	check_int(wf_official_find(store, WFT_KABID, &found, &err), WF_OK);
	check_str(found.name, "Sri Wahyuni");
	check(found.active);
	check_int(wf_audit_verify(store, NULL, NULL, &err), WF_OK);
}

static void
edit_keeps_the_name_the_official_had_in_the_old_records(void)
{
	struct wf_official_change change = {"Evan Ernanda, S.Kom., M.T.", NULL, "Kepala Dinas"};
	char before[WF_NUMBER_MAX], after[WF_NUMBER_MAX];
	struct wf_official edited, found;
	struct wf_error err;

	check_int(disposed_by(WFT_KADIS, before), WF_OK);
	check_int(wf_official_edit(store, WFT_KADIS, &change, WFT_KASI, &edited, &err), WF_OK);
	check_str(edited.name, "Evan Ernanda, S.Kom., M.T.");
	check_str(edited.position, "Kepala Dinas");
	check_int(disposed_by(WFT_KADIS, after), WF_OK);
	check_actor(before, 1, WFT_KADIS, "Evan Ernanda, S.Kom");
	check_actor(after, 1, WFT_KADIS, "Evan Ernanda, S.Kom., M.T.");
	/* found by NIP too; the list shows the current term only */
	check_int(wf_official_find(store, "197803122005011003", &found, &err), WF_OK);
	check_int(found.id, edited.id);
	check_int(wft_audit_count(db(), "admin", "official_edit", WFT_KASI), 1);
	check_int(wf_audit_verify(store, NULL, NULL, &err), WF_OK);
}

static void
edit_is_refused_whole_when_nothing_changes_or_a_value_is_bad(void)
{
	struct wf_official_change same = {"Sri Wahyuni", NULL, NULL};
	struct wf_official_change bad_nip = {NULL, "19820425200801200", NULL};
	struct wf_official_change taken = {NULL, "199001152015031001", NULL}; /* the kasi's */
	struct wf_official_change none = {NULL, NULL, NULL};
	struct wf_official found;
	struct wf_error err;

	check_int(wf_official_edit(store, WFT_KABID, &same, WFT_KASI, NULL, &err), WF_ERR_INVALID);
	check(strstr(err.message, "nothing changes") != NULL);
	check_int(wf_official_edit(store, WFT_KABID, &none, WFT_KASI, NULL, &err), WF_ERR_INVALID);
	check_int(wf_official_edit(store, WFT_KABID, &bad_nip, WFT_KASI, NULL, &err),
		  WF_ERR_INVALID);
	check_str(err.field, "nip");
	check_int(wf_official_edit(store, WFT_KABID, &taken, WFT_KASI, NULL, &err), WF_ERR_EXISTS);
	check(strstr(err.message, "Budi Santoso") != NULL);
	check_int(wf_official_edit(store, "nobody", &same, WFT_KASI, NULL, &err), WF_ERR_NOT_FOUND);
	check_int(wf_official_find(store, WFT_KABID, &found, &err), WF_OK);
	check_str(found.nip, "198204252008012004");
	check_int(wft_audit_count(db(), "admin", "official_edit", NULL), 1); /* the one above */
}

static void
deactivated_kepala_dinas_cannot_act_and_the_replacement_keeps_the_old_records(void)
{
	struct wf_official successor =
	    official("Hendra Wijaya", "197506062000031006", WF_ROLE_KEPALA_DINAS, "hendra");
	struct wf_official_change change = {"Evan", NULL, NULL};
	char old[WF_NUMBER_MAX], waiting[WF_NUMBER_MAX], number[WF_NUMBER_MAX];
	struct wf_actor kadis = wft_actor(WFT_KADIS), hendra = wft_actor("hendra");
	struct wf_official *list = NULL;
	struct wf_official found;
	struct wf_error err;
	size_t n = 0;

	check_int(disposed_by(WFT_KADIS, old), WF_OK);
	check_int(wft_create(store, waiting), WF_OK);
	check_int(wf_official_deactivate(store, "197803122005011003", "pensiun", WFT_KASI, &err),
		  WF_OK);
	check_int(wf_act(store, waiting, WF_ACTION_DISPOSE, &kadis, NULL, &err), WF_ERR_ROLE);
	check(strstr(err.message, "no longer active") != NULL);
	check_int(wf_official_deactivate(store, WFT_KADIS, NULL, WFT_KASI, &err), WF_ERR_STATE);
	check_int(wf_official_edit(store, WFT_KADIS, &change, WFT_KASI, NULL, &err), WF_ERR_STATE);
	/* the replacement acts; the old records still name the one who left */
	check_int(wf_official_add(store, &successor, WFT_KASI, NULL, &err), WF_OK);
	check_int(wf_act(store, waiting, WF_ACTION_DISPOSE, &hendra, NULL, &err), WF_OK);
	check_actor(old, 1, WFT_KADIS, "Evan Ernanda, S.Kom., M.T.");
	check_actor(waiting, 1, "hendra", "Hendra Wijaya");
	check_int(disposed_by("hendra", number), WF_OK);
	check_int(wf_official_find(store, WFT_KADIS, &found, &err), WF_OK);
	check(!found.active);
	check_str(found.end_reason, "pensiun");
	check(found.ended_at == wft_now);
	check_int(wf_official_list(store, &list, &n, &err), WF_OK);
	size_t kadis_rows = 0;
	for (size_t i = 0; i < n; i++)
		kadis_rows += strcmp(list[i].login, WFT_KADIS) == 0;
	check_int(kadis_rows, 1); /* the edit's earlier row is history, not an official */
	free(list);
	check_int(wft_audit_count(db(), "admin", "official_deactivate", WFT_KASI), 1);
	check_int(wf_audit_verify(store, NULL, NULL, &err), WF_OK);
}

static void
one_person_holds_one_role_at_a_time(void)
{
	struct wf_official second_role =
	    official("Sri Wahyuni", "198204252008012004", WF_ROLE_KASI, WFT_KABID);
	struct wf_official same_nip =
	    official("Sri Wahyuni", "198204252008012004", WF_ROLE_KASI, "sri");
	struct wf_official found;
	struct wf_error err;
	int64_t id = 0;

	check_int(wf_official_add(store, &second_role, WFT_KASI, NULL, &err), WF_ERR_EXISTS);
	check(strstr(err.message, "one person holds one role at a time") != NULL);
	check_int(wf_official_add(store, &same_nip, WFT_KASI, NULL, &err), WF_ERR_EXISTS);
	/* to change the role: deactivate, then add */
	check_int(wf_official_deactivate(store, WFT_KABID, "now kasi", WFT_KASI, &err), WF_OK);
	check_int(wf_official_add(store, &second_role, WFT_KASI, &id, &err), WF_OK);
	check_int(wf_official_find(store, WFT_KABID, &found, &err), WF_OK);
	check_int(found.id, id);
	check_int(found.role, WF_ROLE_KASI);
	check(found.active);
}

static void
last_active_kasi_cannot_be_deactivated(void)
{
	struct wf_official found;
	struct wf_error err;

	/* kasi, kasi2 and kabid (now a kasi) */
	check_int(wf_official_deactivate(store, WFT_KASI2, NULL, WFT_KASI, &err), WF_OK);
	check_int(wf_official_deactivate(store, WFT_KABID, NULL, WFT_KASI, &err), WF_OK);
	check_int(wf_official_deactivate(store, WFT_KASI, NULL, WFT_KASI, &err), WF_ERR_STATE);
	check(strstr(err.message, "only active kasi") != NULL);
	check_int(wf_official_find(store, WFT_KASI, &found, &err), WF_OK);
	check(found.active);
	/* and a deactivated kasi manages nothing any more */
	check_int(wf_official_deactivate(store, WFT_KADIS, NULL, WFT_KASI2, &err), WF_ERR_ROLE);
	check(strstr(err.message, "no longer active") != NULL);
}

int
main(void)
{
	store = wft_store("officials.db");
	wft_officials(store);
	TAP_TEST(first_official_is_the_kasi_registering_themself);
	TAP_TEST(only_an_active_kasi_changes_the_officials_and_refusals_are_audited);
	TAP_TEST(edit_keeps_the_name_the_official_had_in_the_old_records);
	TAP_TEST(edit_is_refused_whole_when_nothing_changes_or_a_value_is_bad);
	TAP_TEST(deactivated_kepala_dinas_cannot_act_and_the_replacement_keeps_the_old_records);
	TAP_TEST(one_person_holds_one_role_at_a_time);
	TAP_TEST(last_active_kasi_cannot_be_deactivated);
	wf_store_close(store);
	return tap_done();
}
