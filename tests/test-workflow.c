/*
 * test-workflow.c: the procedure as a state machine. Every state against every action,
 * generated from the transition table; who may do which step (and on whose behalf);
 * the return-and-resubmit path; the whole life of a certificate with its timings; the
 * applicant field table that validation, storage and reading go through.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "tap.h"
#include "wf-fixture.h"

static struct wf_store *store;

static void
procedure_table_has_the_seven_steps_of_the_sop(void)
{
	static const int minutes[] = {15, 15, 15, 15, 15, 10, 10};
	static const enum wf_role roles[] = {WF_ROLE_APPLICANT, WF_ROLE_KEPALA_DINAS, WF_ROLE_KABID,
					     WF_ROLE_KASI,	WF_ROLE_KASI,	      WF_ROLE_KASI,
					     WF_ROLE_KASI};
	size_t count = 0;
	const struct wf_step *steps = wf_steps(&count);

	check_int(count, 7);
	for (size_t i = 0; i < count && i < 7; i++) {
		check_int(steps[i].number, (int)i + 1);
		check_int(steps[i].standard_minutes, minutes[i]);
		check_int(steps[i].role, roles[i]);
		check(steps[i].activity_id && steps[i].activity_en && steps[i].inputs &&
		      steps[i].output);
		check(wf_step((int)i + 1) == &steps[i]);
	}
	check(wf_step(0) == NULL);
	check(wf_step(8) == NULL);
}

static void
names_parse_back_to_their_values(void)
{
	for (int s = 0; s < WF_STATE_COUNT; s++)
		check_int(wf_state_parse(wf_state_name((enum wf_state)s)), s);
	for (int a = 0; a < WF_ACTION_COUNT; a++)
		check_int(wf_action_parse(wf_action_name((enum wf_action)a)), a);
	for (int r = 0; r < WF_ROLE_COUNT; r++)
		check_int(wf_role_parse(wf_role_name((enum wf_role)r)), r);
	check_str(wf_role_name(WF_ROLE_APPLICANT), "pemohon");
	check_str(wf_role_name(WF_ROLE_KEPALA_DINAS), "kepala_dinas");
	check_int(wf_state_parse("nonsense"), -1);
	check_str(wf_status_name(WF_ERR_CONFLICT), "WF_ERR_CONFLICT");
}

static void
transition_table_is_consistent(void)
{
	size_t count = 0;
	const struct wf_transition *t = wf_transitions(&count);

	check(count > 20);
	for (size_t i = 0; i < count; i++) {
		/* (from, action) is unique: the state machine finds exactly one row */
		check(wf_transition_find(t[i].from, t[i].action) == &t[i]);
		check(t[i].step >= 0 && t[i].step <= 7);
		if (t[i].step > 0 && t[i].action != WF_ACTION_CANCEL &&
		    t[i].from != WF_STATE_RETURNED)
			check_int(t[i].role, wf_step(t[i].step)->role);
	}
	/* every state is reachable from submitted, and the final ones are final */
	check(wf_state_is_final(WF_STATE_REJECTED));
	check(wf_state_is_final(WF_STATE_REVOKED));
	check(!wf_state_is_final(WF_STATE_ACTIVE));
}

/*
 * The SOP's path written out by hand, independently of the table, so that an edit of
 * the table that breaks the procedure fails here and not only in review.
 */
static void
table_holds_the_sop_path_and_the_way_back(void)
{
	static const struct wf_transition expected[] = {
	    {WF_STATE_SUBMITTED, WF_ACTION_DISPOSE, WF_STATE_DISPOSED_KADIS, 2,
	     WF_ROLE_KEPALA_DINAS, 0},
	    {WF_STATE_DISPOSED_KADIS, WF_ACTION_DISPOSE, WF_STATE_DISPOSED_KABID, 3, WF_ROLE_KABID,
	     0},
	    {WF_STATE_DISPOSED_KABID, WF_ACTION_REGISTER, WF_STATE_REGISTERED, 4, WF_ROLE_KASI, 0},
	    {WF_STATE_REGISTERED, WF_ACTION_SEND, WF_STATE_SENT, 5, WF_ROLE_KASI,
	     WF_NEED_DOCUMENTS},
	    {WF_STATE_SENT, WF_ACTION_RECORD_KEY, WF_STATE_KEY_GENERATED, 6, WF_ROLE_KASI,
	     WF_NEED_KEY},
	    {WF_STATE_KEY_GENERATED, WF_ACTION_IMPORT_CERTIFICATE, WF_STATE_CERTIFICATE_IMPORTED, 7,
	     WF_ROLE_KASI, WF_NEED_CERTIFICATE},
	    {WF_STATE_CERTIFICATE_IMPORTED, WF_ACTION_HANDOVER, WF_STATE_ACTIVE, 7, WF_ROLE_KASI,
	     0},
	    {WF_STATE_SENT, WF_ACTION_RETURN, WF_STATE_RETURNED, 5, WF_ROLE_KASI, WF_NEED_NOTE},
	    {WF_STATE_RETURNED, WF_ACTION_RESUBMIT, WF_STATE_SUBMITTED, 1, WF_ROLE_APPLICANT, 0},
	    {WF_STATE_ACTIVE, WF_ACTION_REPORT_LOST, WF_STATE_LOST, 0, WF_ROLE_KASI, WF_NEED_NOTE},
	    {WF_STATE_LOST, WF_ACTION_REVOKE, WF_STATE_REVOKED, 0, WF_ROLE_KASI, WF_NEED_NOTE},
	    {WF_STATE_EXPIRED, WF_ACTION_RENEW, WF_STATE_RENEWED, 0, WF_ROLE_KASI, 0},
	};

	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		const struct wf_transition *e = &expected[i];
		const struct wf_transition *t = wf_transition_find(e->from, e->action);
		if (!check(t != NULL))
			continue;
		check_int(t->to, e->to);
		check_int(t->step, e->step);
		check_int(t->role, e->role);
		check_int(t->needs, e->needs);
	}
	/* nothing skips a step, and nothing leaves the final states */
	check(wf_transition_find(WF_STATE_SUBMITTED, WF_ACTION_REGISTER) == NULL);
	check(wf_transition_find(WF_STATE_REGISTERED, WF_ACTION_RECORD_KEY) == NULL);
	check(wf_transition_find(WF_STATE_SENT, WF_ACTION_HANDOVER) == NULL);
	check(wf_transition_find(WF_STATE_REVOKED, WF_ACTION_RENEW) == NULL);
	check(wf_transition_find(WF_STATE_ACTIVE, WF_ACTION_CANCEL) == NULL);
}

/* Try the action the way the command would: through its own function. */
static int
attempt(const char *number, enum wf_action action, struct wf_error *err)
{
	struct wf_actor kasi = wft_actor(WFT_KASI);

	if (action == WF_ACTION_RECORD_KEY)
		return wf_key_complete(store, number, &kasi,
				       "-----BEGIN CERTIFICATE REQUEST-----\n", err);
	if (action == WF_ACTION_IMPORT_CERTIFICATE)
		return wf_certificate_record(store, number, &kasi, "01", "CN=CA", "CN=X", 1, 2,
					     NULL, err);
	return wf_act(store, number, action, &kasi, "a note", err);
}

static void
check_refusal(enum wf_state s, enum wf_action a, int r, const struct wf_error *err,
	      const char *number)
{
	char allowed[256];

	if (!check(r == WF_ERR_STATE))
		tap_diag("    %s from %s: got %s (%s)", wf_action_name(a), wf_state_name(s),
			 wf_status_name(r), err->message);
	check_int(wft_state(store, number), s);
	/* the message says what is allowed instead */
	wf_allowed_actions(s, allowed, sizeof(allowed));
	check(strstr(err->message, allowed) != NULL);
	if (wf_state_is_final(s))
		check_str(allowed, "none");
}

static void
every_state_and_action_follows_the_transition_table(void)
{
	int cases = 0, moved = 0;

	for (int s = 0; s < WF_STATE_COUNT; s++) {
		for (int a = 0; a < WF_ACTION_COUNT; a++) {
			char number[WF_NUMBER_MAX];
			struct wf_error err;
			const struct wf_transition *t =
			    wf_transition_find((enum wf_state)s, (enum wf_action)a);
			int r;

			if (!check(wft_create(store, number) == WF_OK) ||
			    !check(wft_drive_to(store, number, (enum wf_state)s, &err) == WF_OK)) {
				tap_diag("    cannot reach %s: %s", wf_state_name(s), err.message);
				continue;
			}
			check_int(wft_state(store, number), s);
			cases++;
			if (t) {
				r = wft_perform(store, number, t, &err);
				if (!check(r == WF_OK))
					tap_diag("    %s from %s: %s", wf_action_name(a),
						 wf_state_name(s), err.message);
				check_int(wft_state(store, number), t->to);
				moved++;
			} else {
				r = attempt(number, (enum wf_action)a, &err);
				check_refusal((enum wf_state)s, (enum wf_action)a, r, &err, number);
			}
		}
	}
	check_int(cases, WF_STATE_COUNT * WF_ACTION_COUNT);
	size_t count;
	wf_transitions(&count);
	check_int(moved, count);
}

static void
kabid_cannot_do_step_2(void)
{
	char number[WF_NUMBER_MAX];
	struct wf_actor kabid = wft_actor(WFT_KABID);
	struct wf_error err;
	long before = wft_audit_count(wft_db_path("workflow.db"), "refusal", "dispose", WFT_KABID);

	check_int(wft_create(store, number), WF_OK);
	check_int(wf_act(store, number, WF_ACTION_DISPOSE, &kabid, NULL, &err), WF_ERR_ROLE);
	/* the role in words, not its code: the message is for a person */
	check(strstr(err.message, wf_role_label(WF_ROLE_KEPALA_DINAS, false)) != NULL);
	check(strstr(err.message, "kepala_dinas") == NULL);
	check_int(wft_state(store, number), WF_STATE_SUBMITTED);
	check_int(wft_audit_count(wft_db_path("workflow.db"), "refusal", "dispose", WFT_KABID),
		  before + 1);
	int64_t bad = -1;
	check_int(wf_audit_verify(store, &bad, NULL, &err), WF_OK);
}

static void
kasi_cannot_do_steps_2_and_3_in_own_name(void)
{
	char number[WF_NUMBER_MAX];
	struct wf_actor kasi = wft_actor(WFT_KASI);
	struct wf_actor kadis = wft_actor(WFT_KADIS);
	struct wf_error err;

	check_int(wft_create(store, number), WF_OK);
	check_int(wf_act(store, number, WF_ACTION_DISPOSE, &kasi, NULL, &err), WF_ERR_ROLE);
	check_int(wf_act(store, number, WF_ACTION_DISPOSE, &kadis, NULL, &err), WF_OK);
	check_int(wf_act(store, number, WF_ACTION_DISPOSE, &kasi, NULL, &err), WF_ERR_ROLE);
	check_int(wf_act(store, number, WF_ACTION_DISPOSE, &kadis, NULL, &err), WF_ERR_ROLE);
	/* and the Kepala Dinas does not do the Kasi's step 4 */
	struct wf_actor kabid = wft_actor(WFT_KABID);
	check_int(wf_act(store, number, WF_ACTION_DISPOSE, &kabid, NULL, &err), WF_OK);
	check_int(wf_act(store, number, WF_ACTION_REGISTER, &kadis, NULL, &err), WF_ERR_ROLE);
	check_int(wft_state(store, number), WF_STATE_DISPOSED_KABID);
}

static void
kasi_records_disposition_on_behalf_with_paper_reference(void)
{
	char number[WF_NUMBER_MAX];
	struct wf_actor by_kasi = {WFT_KASI, WFT_KADIS, "B/123/DISKOMINFO/2026, 24-11-2026"};
	struct wf_application *app = NULL;
	struct wf_error err;

	check_int(wft_create(store, number), WF_OK);
	check_int(wf_act(store, number, WF_ACTION_DISPOSE, &by_kasi, NULL, &err), WF_OK);
	check_int(wf_application_get(store, number, &app, &err), WF_OK);
	if (!app)
		return;
	check_int(app->state, WF_STATE_DISPOSED_KADIS);
	struct wf_event *e = &app->events[app->event_count - 1];
	check_int(e->step, 2);
	check_str(e->actor_login, WFT_KASI);
	check_str(e->on_behalf_login, WFT_KADIS);
	check_int(e->role, WF_ROLE_KEPALA_DINAS);
	check_str(e->paper_reference, "B/123/DISKOMINFO/2026, 24-11-2026");
	wf_application_free(app);
}

static void
on_behalf_without_paper_reference_is_refused_and_audited(void)
{
	char number[WF_NUMBER_MAX];
	struct wf_actor no_ref = {WFT_KASI, WFT_KADIS, NULL};
	struct wf_actor blank_ref = {WFT_KASI, WFT_KADIS, "  "};
	struct wf_error err;
	const char *db = wft_db_path("workflow.db");
	long before = wft_audit_count(db, "refusal", "dispose", WFT_KASI);

	check_int(wft_create(store, number), WF_OK);
	check_int(wf_act(store, number, WF_ACTION_DISPOSE, &no_ref, NULL, &err), WF_ERR_INVALID);
	check_str(err.field, "paper_reference");
	check_int(wf_act(store, number, WF_ACTION_DISPOSE, &blank_ref, NULL, &err), WF_ERR_INVALID);
	check_int(wft_state(store, number), WF_STATE_SUBMITTED);
	check_int(wft_audit_count(db, "refusal", "dispose", WFT_KASI), before + 2);
}

static void
on_behalf_is_only_for_dispositions_by_the_kasi_for_the_right_official(void)
{
	char number[WF_NUMBER_MAX];
	struct wf_actor wrong_official = {WFT_KASI, WFT_KABID, "ref 1"}; /* step 2 is kadis' */
	struct wf_actor not_kasi = {WFT_KABID, WFT_KADIS, "ref 2"};
	struct wf_actor right = {WFT_KASI, WFT_KADIS, "ref 3"};
	struct wf_actor step4 = {WFT_KASI2, WFT_KASI, "ref 4"};
	struct wf_actor kabid = wft_actor(WFT_KABID);
	struct wf_error err;

	check_int(wft_create(store, number), WF_OK);
	check_int(wf_act(store, number, WF_ACTION_DISPOSE, &wrong_official, NULL, &err),
		  WF_ERR_ROLE);
	check_int(wf_act(store, number, WF_ACTION_DISPOSE, &not_kasi, NULL, &err), WF_ERR_ROLE);
	check_int(wf_act(store, number, WF_ACTION_DISPOSE, &right, NULL, &err), WF_OK);
	check_int(wf_act(store, number, WF_ACTION_DISPOSE, &kabid, NULL, &err), WF_OK);
	check_int(wf_act(store, number, WF_ACTION_REGISTER, &step4, NULL, &err), WF_ERR_ROLE);
	check_int(wft_state(store, number), WF_STATE_DISPOSED_KABID);
}

static void
unknown_and_inactive_logins_are_refused_and_audited(void)
{
	char number[WF_NUMBER_MAX];
	struct wf_actor stranger = wft_actor("mallory");
	struct wf_actor kasi2 = wft_actor(WFT_KASI2);
	struct wf_official term;
	struct wf_error err;
	const char *db = wft_db_path("workflow.db");

	check_int(wft_create(store, number), WF_OK);
	check_int(wf_act(store, number, WF_ACTION_CANCEL, &stranger, NULL, &err), WF_ERR_ROLE);
	check_int(wft_audit_count(db, "refusal", "cancel", "mallory"), 1);
	check_int(wf_official_find_by_login(store, WFT_KASI2, &term, &err), WF_OK);
	check_int(wf_official_deactivate(store, WFT_KASI2, "mutasi", WFT_KASI, &err), WF_OK);
	check_int(wf_act(store, number, WF_ACTION_CANCEL, &kasi2, NULL, &err), WF_ERR_ROLE);
	check(strstr(err.message, "no longer active") != NULL);
	/* back for the tests that follow: a new term, the same person */
	check_int(wf_official_add(store, &term, WFT_KASI, NULL, &err), WF_OK);
	check_int(wft_state(store, number), WF_STATE_SUBMITTED);
}

static void
returned_application_is_resubmitted_and_goes_round_again(void)
{
	char number[WF_NUMBER_MAX];
	struct wf_actor kadis = wft_actor(WFT_KADIS), kasi = wft_actor(WFT_KASI);
	struct wf_application *app = NULL;
	struct wf_error err;

	check_int(wft_create(store, number), WF_OK);
	check_int(wf_act(store, number, WF_ACTION_RETURN, &kadis, NULL, &err), WF_ERR_INVALID);
	check_str(err.field, "note");
	check_int(
	    wf_act(store, number, WF_ACTION_RETURN, &kadis, "SK terakhir belum dilampirkan", &err),
	    WF_OK);
	check_int(wf_document_set(store, number, WF_DOC_SK, true, NULL, &kasi, &err), WF_OK);
	check_int(wf_act(store, number, WF_ACTION_RESUBMIT, &kasi, NULL, &err), WF_OK);
	check_int(wf_act(store, number, WF_ACTION_DISPOSE, &kadis, NULL, &err), WF_OK);
	check_int(wf_application_get(store, number, &app, &err), WF_OK);
	if (!app)
		return;
	check_int(app->state, WF_STATE_DISPOSED_KADIS);
	check_int(app->step, 2);
	check_int(app->event_count, 4); /* submit, return, resubmit, dispose */
	check_str(app->events[1].action, "return");
	check_str(app->events[1].note, "SK terakhir belum dilampirkan");
	check_str(app->events[2].action, "resubmit");
	check_int(app->events[2].role, WF_ROLE_APPLICANT);
	wf_application_free(app);
}

static void
sending_without_the_four_documents_lists_what_is_missing(void)
{
	char number[WF_NUMBER_MAX];
	struct wf_actor kasi = wft_actor(WFT_KASI);
	struct wf_error err;

	check_int(wft_create(store, number), WF_OK);
	check_int(wf_document_set(store, number, WF_DOC_KTP, false, NULL, &kasi, &err), WF_OK);
	check_int(wf_document_set(store, number, WF_DOC_SK, false, NULL, &kasi, &err), WF_OK);
	check_int(wft_drive_to(store, number, WF_STATE_REGISTERED, &err), WF_OK);
	check_int(wf_act(store, number, WF_ACTION_SEND, &kasi, NULL, &err), WF_ERR_INCOMPLETE);
	/* named as a person reads them */
	check(strstr(err.message, wf_document_label(WF_DOC_KTP, false)) &&
	      strstr(err.message, wf_document_label(WF_DOC_SK, false)));
	check(!strstr(err.message, wf_document_label(WF_DOC_BSRE_FORM, false)));
	check(!strstr(err.message, "ktp_copy"));
	check_int(wft_state(store, number), WF_STATE_REGISTERED);
	check_int(wf_document_set(store, number, WF_DOC_KTP, true, NULL, &kasi, &err), WF_OK);
	check_int(wf_document_set(store, number, WF_DOC_SK, true, NULL, &kasi, &err), WF_OK);
	check_int(wf_act(store, number, WF_ACTION_SEND, &kasi, NULL, &err), WF_OK);
	/* once sent, the file is closed */
	check_int(wf_document_set(store, number, WF_DOC_SK, false, NULL, &kasi, &err),
		  WF_ERR_STATE);
}

static void
key_intent_is_recorded_before_the_token_and_resolved_after(void)
{
	char number[WF_NUMBER_MAX];
	struct wf_actor kasi = wft_actor(WFT_KASI), kabid = wft_actor(WFT_KABID);
	struct wf_key_record key = {0};
	struct wf_error err;
	const char *csr = "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n";

	check_int(wft_create(store, number), WF_OK);
	check_int(
	    wf_key_begin(store, number, &kasi, "SER1", "SoftHSM", "rsa2048", "k", "00aa11bb", &err),
	    WF_ERR_STATE);
	check_int(wft_drive_to(store, number, WF_STATE_SENT, &err), WF_OK);
	check_int(wf_key_begin(store, number, &kabid, "SER1", "SoftHSM", "rsa2048", "k", "00aa11bb",
			       &err),
		  WF_ERR_ROLE);
	check_int(wf_key_complete(store, number, &kasi, csr, &err), WF_ERR_INCOMPLETE);
	check_int(
	    wf_key_begin(store, number, &kasi, "SER1", "SoftHSM", "rsa2048", "k", "00aa11bb", &err),
	    WF_OK);
	/* a crash here: the intent is there for the command to find */
	check_int(wf_key_get(store, number, &key, &err), WF_OK);
	check_int(key.status, WF_KEY_INTENT);
	check_str(key.token_serial, "SER1");
	wf_key_record_clear(&key);
	check_int(
	    wf_key_begin(store, number, &kasi, "SER2", "SoftHSM", "rsa2048", "k", "00aa11bb", &err),
	    WF_ERR_EXISTS);
	check_int(wf_key_complete(store, number, &kasi, csr, &err), WF_ERR_INCOMPLETE);
	check_int(wf_act(store, number, WF_ACTION_RETURN, &kasi, "x", &err), WF_ERR_EXISTS);
	check_int(wf_key_abandon(store, number, NULL, &err), WF_ERR_INVALID);
	check_int(wf_key_abandon(store, number, "token removed during generation", &err), WF_OK);
	check_int(wf_key_get(store, number, &key, &err), WF_OK);
	check_int(key.status, WF_KEY_ABANDONED);
	check_str(key.abandon_reason, "token removed during generation");
	wf_key_record_clear(&key);
	check_int(wft_state(store, number), WF_STATE_SENT);
	/* second attempt goes through */
	check_int(wf_key_begin(store, number, &kasi, "SER2", "SoftHSM", "ec-p256", "TTE",
			       "00aa11bb", &err),
		  WF_OK);
	check_int(wf_key_set_id(store, number, "zz", &err), WF_ERR_INVALID);
	check_int(wf_key_set_id(store, number, "0102a0ff", &err), WF_OK);
	check_int(wf_key_complete(store, number, &kasi, csr, &err), WF_OK);
	check_int(wf_key_get(store, number, &key, &err), WF_OK);
	check_int(key.status, WF_KEY_COMPLETE);
	check_str(key.key_id_hex, "0102a0ff");
	check_str(key.key_type, "ec-p256");
	check(key.csr_pem && strstr(key.csr_pem, "CERTIFICATE REQUEST"));
	wf_key_record_clear(&key);
	check_int(wft_state(store, number), WF_STATE_KEY_GENERATED);
	check_int(wf_key_abandon(store, number, "late", &err), WF_ERR_NOT_FOUND);
}

static void
whole_life_is_recorded_with_timings_against_the_standard(void)
{
	char number[WF_NUMBER_MAX];
	struct wf_application *app = NULL;
	struct wf_error err;

	check_int(wft_create(store, number), WF_OK);
	check_int(wft_drive_to(store, number, WF_STATE_RENEWED, &err), WF_OK);
	check_int(wf_application_get(store, number, &app, &err), WF_OK);
	if (!app)
		return;
	check_int(app->state, WF_STATE_RENEWED);
	check_int(app->step, 7);
	/* submit, 2, 3, 4, 5, 6, 7 import, 7 handover, renew */
	check_int(app->event_count, 9);
	for (size_t i = 1; i < app->event_count; i++) {
		struct wf_event *e = &app->events[i];
		check_int(e->started_at, app->events[i - 1].ended_at);
		check_int(e->minutes, 7); /* the fixture clock moves 7 minutes per act */
		check_int(e->standard_minutes, e->step ? wf_step(e->step)->standard_minutes : 0);
		check_str(e->from_state, app->events[i - 1].to_state);
	}
	check_str(app->events[0].action, "submit");
	check_int(app->events[6].step, 7);
	check_str(app->events[7].action, "handover");
	check(app->has_key && app->key.status == WF_KEY_COMPLETE);
	check(app->has_certificate);
	check_str(app->certificate.serial, "0a1b2c");
	check_str(app->certificate.issuer, "CN=Test CA (not BSrE), C=ID");
	check_str(app->applicant.phone, "+6281234567890");
	for (int k = 0; k < WF_DOC_COUNT; k++)
		check(app->documents[k].received);
	wf_application_free(app);
	int64_t bad = -1, rows = 0;
	check_int(wf_audit_verify(store, &bad, &rows, &err), WF_OK);
	check(rows > 9);
}

static void
certificates_past_their_end_are_expired_in_one_sweep(void)
{
	char number[WF_NUMBER_MAX];
	struct wf_actor kasi = wft_actor(WFT_KASI), kabid = wft_actor(WFT_KABID);
	struct wf_summary *active = NULL;
	size_t count = 0, expired = 99;
	struct wf_error err;
	int64_t saved = wft_now;

	check_int(wft_create(store, number), WF_OK);
	check_int(wft_drive_to(store, number, WF_STATE_ACTIVE, &err), WF_OK);
	check_int(wf_expire_due(store, &kasi, &expired, &err), WF_OK);
	check_int(expired, 0); /* two years of validity ahead */
	check_int(wf_list(store, WF_STATE_ACTIVE, 0, 0, &active, &count, &err), WF_OK);
	free(active);
	wft_now += 3 * 366 * 86400;
	check_int(wf_expire_due(store, &kabid, &expired, &err), WF_ERR_ROLE);
	check_int(wf_expire_due(store, &kasi, &expired, &err), WF_OK);
	check_int(expired, count);
	check_int(wft_state(store, number), WF_STATE_EXPIRED);
	check_int(wf_list(store, WF_STATE_ACTIVE, 0, 0, &active, &count, &err), WF_OK);
	check_int(count, 0);
	free(active);
	wft_now = saved;
}

static void
illegal_transition_message_lists_the_allowed_actions(void)
{
	char number[WF_NUMBER_MAX];
	struct wf_actor kasi = wft_actor(WFT_KASI);
	struct wf_error err;

	check_int(wft_create(store, number), WF_OK);
	check_int(wf_act(store, number, WF_ACTION_HANDOVER, &kasi, NULL, &err), WF_ERR_STATE);
	check(strstr(err.message, "Dispose, Return, Reject, Cancel") != NULL);
	check(strstr(err.message, wf_state_label(WF_STATE_SUBMITTED, false)) != NULL);
	check_int(wf_act(store, "TTE/1999/0001", WF_ACTION_CANCEL, &kasi, NULL, &err),
		  WF_ERR_NOT_FOUND);
}

/* Every field by its key through wf_applicant_set, stored and read back as it was typed. */
static void
applicant_fields_are_set_stored_and_read_back_by_the_table(void)
{
	struct wf_actor kasi = wft_actor(WFT_KASI);
	struct wf_applicant typed, a = {0};
	struct wf_application *app = NULL;
	struct wf_error err = {0};
	const struct wf_applicant_field *fields = NULL;
	char number[WF_NUMBER_MAX];
	size_t count = 0;

	wft_applicant(&typed, 40);
	fields = wf_applicant_fields(&count);
	check_int(count, 12);
	for (size_t i = 0; i < count; i++) {
		check_int(wf_applicant_set(&a, fields[i].key,
					   wf_applicant_value(&typed, &fields[i]), &err),
			  WF_OK);
		check(wf_applicant_field(fields[i].key) == &fields[i]);
		check(fields[i].label != NULL && fields[i].bsre_key != NULL);
	}
	check_int(wf_application_create(store, &a, WF_REQUEST_NEW, &kasi, NULL, number, &err),
		  WF_OK);
	check_int(wf_application_get(store, number, &app, &err), WF_OK);
	for (size_t i = 0; app != NULL && i < count; i++)
		if (strcmp(fields[i].key, "phone") != 0)
			check_str(wf_applicant_value(&app->applicant, &fields[i]),
				  wf_applicant_value(&typed, &fields[i]));
	check_str(app->applicant.phone, "+6281234567890"); /* stored normalized */
	wf_application_free(app);
	check(wf_applicant_field("name") == NULL);
	check_int(wf_applicant_set(&a, "name", "Siti", &err), WF_ERR_INVALID);
	check_int(wf_applicant_set(&a, "employment", "honorer", &err), WF_ERR_INVALID);
	check_str(err.field, "employment");
}

/* A required field left empty is refused naming it; a text at its limit fits, one more not. */
static void
applicant_fields_are_refused_by_their_table_row(void)
{
	struct wf_actor kasi = wft_actor(WFT_KASI);
	const struct wf_applicant_field *fields = NULL;
	struct wf_error err = {0};
	struct wf_applicant a;
	char number[WF_NUMBER_MAX], text[WF_NAME_MAX + 1];
	size_t count = 0, required = 0;

	fields = wf_applicant_fields(&count);
	for (size_t i = 0; i < count; i++) {
		wft_applicant(&a, 41);
		if (fields[i].check == WF_CHECK_EMPLOYMENT)
			continue;
		memset(text, 'x', fields[i].limit);
		text[fields[i].limit] = '\0';
		check_int(wf_applicant_set(&a, fields[i].key, text, &err), WF_OK);
		text[fields[i].limit] = 'x';
		text[fields[i].limit + 1] = '\0';
		check_int(wf_applicant_set(&a, fields[i].key, text, &err), WF_ERR_INVALID);
		check_str(err.field, fields[i].key);
		if (!fields[i].required)
			continue;
		required++;
		check_int(wf_applicant_set(&a, fields[i].key, "", &err), WF_OK);
		check_int(
		    wf_application_create(store, &a, WF_REQUEST_NEW, &kasi, NULL, number, &err),
		    WF_ERR_INVALID);
		check_str(err.field, fields[i].key);
	}
	check_int(required, 9);
}

/* The applicant's data is corrected by the Kasi, audited, until the key's request exists. */
static void
applicant_data_is_corrected_until_the_key_exists(void)
{
	struct wf_actor kasi = wft_actor(WFT_KASI), kabid = wft_actor(WFT_KABID);
	struct wf_application *app = NULL;
	struct wf_error err = {0};
	struct wf_applicant a;
	char number[WF_NUMBER_MAX], nik[sizeof(a.nik)];

	check_int(wft_create(store, number), WF_OK);
	check_int(wf_application_get(store, number, &app, &err), WF_OK);
	a = app->applicant;
	memcpy(nik, a.nik, sizeof(nik));
	wf_application_free(app);
	check_int(wf_applicant_set(&a, "full_name", "Siti Rahmawati Corrected", &err), WF_OK);
	check_int(wf_applicant_edit(store, number, &a, &kabid, &err), WF_ERR_ROLE);
	check_int(wf_applicant_edit(store, number, &a, &kasi, &err), WF_OK);
	check_int(wf_application_get(store, number, &app, &err), WF_OK);
	check_str(app->applicant.full_name, "Siti Rahmawati Corrected");
	wf_application_free(app);
	check_int(wft_audit_count(wft_db_path("workflow.db"), "admin", "edit_applicant", WFT_KASI),
		  1);
	check_int(wf_applicant_edit(store, number, &a, &kasi, &err), WF_ERR_INVALID);
	check_str(err.field, "applicant");
	check_int(wf_applicant_set(&a, "nik", "1234567890123456", &err), WF_OK);
	check_int(wf_applicant_edit(store, number, &a, &kasi, &err), WF_ERR_INVALID);
	check_str(err.field, "nik");
	check_int(wft_drive_to(store, number, WF_STATE_KEY_GENERATED, &err), WF_OK);
	check_int(wf_applicant_set(&a, "nik", nik, &err), WF_OK);
	check_int(wf_applicant_set(&a, "full_name", "Too Late", &err), WF_OK);
	check_int(wf_applicant_edit(store, number, &a, &kasi, &err), WF_ERR_STATE);
	check_int(wf_application_get(store, number, &app, &err), WF_OK);
	check_str(app->applicant.full_name, "Siti Rahmawati Corrected");
	wf_application_free(app);
	check_int(wft_audit_count(wft_db_path("workflow.db"), "admin", "edit_applicant", WFT_KASI),
		  1);
}

int
main(void)
{
	store = wft_store("workflow.db");
	wft_officials(store);
	TAP_TEST(procedure_table_has_the_seven_steps_of_the_sop);
	TAP_TEST(names_parse_back_to_their_values);
	TAP_TEST(transition_table_is_consistent);
	TAP_TEST(table_holds_the_sop_path_and_the_way_back);
	TAP_TEST(every_state_and_action_follows_the_transition_table);
	TAP_TEST(kabid_cannot_do_step_2);
	TAP_TEST(kasi_cannot_do_steps_2_and_3_in_own_name);
	TAP_TEST(kasi_records_disposition_on_behalf_with_paper_reference);
	TAP_TEST(on_behalf_without_paper_reference_is_refused_and_audited);
	TAP_TEST(on_behalf_is_only_for_dispositions_by_the_kasi_for_the_right_official);
	TAP_TEST(unknown_and_inactive_logins_are_refused_and_audited);
	TAP_TEST(returned_application_is_resubmitted_and_goes_round_again);
	TAP_TEST(sending_without_the_four_documents_lists_what_is_missing);
	TAP_TEST(key_intent_is_recorded_before_the_token_and_resolved_after);
	TAP_TEST(whole_life_is_recorded_with_timings_against_the_standard);
	TAP_TEST(illegal_transition_message_lists_the_allowed_actions);
	TAP_TEST(certificates_past_their_end_are_expired_in_one_sweep);
	TAP_TEST(applicant_fields_are_set_stored_and_read_back_by_the_table);
	TAP_TEST(applicant_fields_are_refused_by_their_table_row);
	TAP_TEST(applicant_data_is_corrected_until_the_key_exists);
	wf_store_close(store);
	return tap_done();
}
