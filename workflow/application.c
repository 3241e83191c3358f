/*
 * application.c: step 1 (an application is recorded with its applicant, validated as
 * BSrE's registration will check it) and the four documents, with scans copied into
 * the data directory beside the database and fingerprinted with SHA-256.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "workflow-int.h"

static int
need_text(const char *text, const char *field, struct wf_error *err)
{
	if (wf_text_empty(text))
		return wf_fail_field(err, field, _("%s is required"), field);
	return WF_OK;
}

static int
check_nip_for_employment(const struct wf_applicant *a, int64_t now, struct wf_error *err)
{
	if ((int)a->employment < 0 || a->employment >= WF_EMPLOYMENT_COUNT)
		return wf_fail_field(err, "employment", _("employment status is pns, pppk or other"));
	if (a->employment == WF_EMPLOYMENT_OTHER) {
		if (a->nip[0])
			return wf_fail_field(err, "nip",
					     _("an applicant with employment status"
					       " 'other' has no NIP"));
		return WF_OK;
	}
	if (!a->nip[0])
		return wf_fail_field(err, "nip", _("a %s needs a NIP"),
				     a->employment == WF_EMPLOYMENT_PNS ? "PNS" : "PPPK");
	return wf_validate_nip_at(a->nip, now, NULL, err);
}

/* Validate and normalize (the phone into +62 form) into *clean. */
static int
check_applicant(struct wf_store *store, const struct wf_applicant *a, struct wf_applicant *clean,
		int64_t now, struct wf_error *err)
{
	static const struct {
		const char *field;
		size_t offset;
	} required[] = {
	    {"full_name", offsetof(struct wf_applicant, full_name)},
	    {"position", offsetof(struct wf_applicant, position)},
	    {"work_unit", offsetof(struct wf_applicant, work_unit)},
	    {"agency", offsetof(struct wf_applicant, agency)},
	    {"city", offsetof(struct wf_applicant, city)},
	    {"province", offsetof(struct wf_applicant, province)},
	};
	char *domain = NULL;
	int r;

	if ((r = wf_applicant_check_terminated(a, err)) != WF_OK)
		return r;
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if ((r = need_text((const char *)a + required[i].offset, required[i].field, err)))
			return r;
	if ((r = wf_validate_nik_at(a->nik, now, NULL, err)) != WF_OK ||
	    (r = check_nip_for_employment(a, now, err)) != WF_OK)
		return r;
	/* The office may require its own mail domain ("corporate email"). */
	r = wf_setting_get(store, "email_domain", &domain, err);
	if (r != WF_OK && r != WF_ERR_NOT_FOUND)
		return r;
	r = wf_validate_email_domain(a->email, domain, err);
	free(domain);
	if (r != WF_OK)
		return r;
	*clean = *a;
	return wf_validate_phone(a->phone, clean->phone, sizeof(clean->phone), err);
}

static int
insert_applicant(struct wf_store *store, const struct wf_applicant *a, int64_t now, int64_t *id,
		 struct wf_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int r;

	if ((r = wf_prepare(
		 store,
		 "INSERT INTO applicants (full_name, nik, nip, email, phone, position,"
		 " rank_grade, employment, work_unit, agency, city, province, created_at)"
		 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
		 &stmt, err)) != WF_OK)
		return r;
	const char *texts[] = {
	    a->full_name, a->nik,      a->nip,	      a->email,
	    a->phone,	  a->position, a->rank_grade, wf_employment_name(a->employment),
	    a->work_unit, a->agency,   a->city,	      a->province};
	for (int i = 0; i < 12; i++)
		wf_bind_text(stmt, i + 1, texts[i]);
	sqlite3_bind_int64(stmt, 13, now);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		r = wf_fail_db(err, store->db, _("record applicant"));
	else
		*id = sqlite3_last_insert_rowid(store->db);
	sqlite3_finalize(stmt);
	return r;
}

/* Next number of the year, inside the write transaction so two clerks never share one. */
static int
next_number(struct wf_store *store, int64_t now, int *year, int *seq, char number[WF_NUMBER_MAX],
	    struct wf_error *err)
{
	sqlite3_stmt *stmt = NULL;
	time_t t = (time_t)now;
	struct tm tm;
	int r;

	if (!localtime_r(&t, &tm))
		return wf_fail(err, WF_ERR_INTERNAL, _("localtime failed"));
	*year = tm.tm_year + 1900;
	if ((r = wf_prepare(store,
			    "SELECT COALESCE(MAX(seq), 0) + 1 FROM applications"
			    " WHERE year = ?1",
			    &stmt, err)) != WF_OK)
		return r;
	sqlite3_bind_int(stmt, 1, *year);
	if (sqlite3_step(stmt) != SQLITE_ROW)
		r = wf_fail_db(err, store->db, _("number application"));
	else
		*seq = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	if (r == WF_OK)
		snprintf(number, WF_NUMBER_MAX, "TTE/%04d/%04d", *year, *seq);
	return r;
}

static int
insert_application(struct wf_store *store, int64_t applicant_id, enum wf_request_type type,
		   int64_t now, char number[WF_NUMBER_MAX], int64_t *id, struct wf_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int year = 0, seq = 0, r;

	if ((r = next_number(store, now, &year, &seq, number, err)) != WF_OK)
		return r;
	if ((r = wf_prepare(
		 store,
		 "INSERT INTO applications (number, year, seq, applicant_id, state, step,"
		 " created_at, updated_at, step_started_at, request_type)"
		 " VALUES (?1, ?2, ?3, ?4, 'submitted', 1, ?5, ?5, ?5, ?6)",
		 &stmt, err)) != WF_OK)
		return r;
	wf_bind_text(stmt, 1, number);
	sqlite3_bind_int(stmt, 2, year);
	sqlite3_bind_int(stmt, 3, seq);
	sqlite3_bind_int64(stmt, 4, applicant_id);
	sqlite3_bind_int64(stmt, 5, now);
	wf_bind_text(stmt, 6, wf_request_type_name(type));
	if (sqlite3_step(stmt) != SQLITE_DONE)
		r = wf_fail_db(err, store->db, _("record application"));
	else
		*id = sqlite3_last_insert_rowid(store->db);
	sqlite3_finalize(stmt);
	if (r != WF_OK)
		return r;
	if ((r = wf_prepare(store, "INSERT INTO documents (application_id, kind) VALUES (?1, ?2)",
			    &stmt, err)) != WF_OK)
		return r;
	for (int kind = 0; r == WF_OK && kind < WF_DOC_COUNT; kind++) {
		sqlite3_reset(stmt);
		sqlite3_bind_int64(stmt, 1, *id);
		wf_bind_text(stmt, 2, wf_document_name((enum wf_document_kind)kind));
		if (sqlite3_step(stmt) != SQLITE_DONE)
			r = wf_fail_db(err, store->db, _("record documents"));
	}
	sqlite3_finalize(stmt);
	return r;
}

static int
record_submission(struct wf_store *store, const struct wf_applicant *a, enum wf_request_type type,
		  const struct wf_actor *actor, const char *note, char number[WF_NUMBER_MAX],
		  bool *keep, struct wf_error *err)
{
	struct wf_acting acting;
	int64_t now = wf_store_now(store), applicant_id = 0, app_id = 0;
	int r;

	r = wf_authorize(store, actor, WF_ROLE_APPLICANT, 1, "", "submit", &acting, err);
	if (r == WF_ERR_ROLE || r == WF_ERR_INVALID)
		*keep = true;
	if (r != WF_OK)
		return r;
	if ((r = insert_applicant(store, a, now, &applicant_id, err)) != WF_OK ||
	    (r = insert_application(store, applicant_id, type, now, number, &app_id, err)) != WF_OK)
		return r;
	struct wf_event_row row = {
	    app_id,  1,	  "submit", "",	 wf_state_name(WF_STATE_SUBMITTED), WF_ROLE_APPLICANT,
	    &acting, now, now,	    note};
	if ((r = wf_event_insert(store, &row, err)) != WF_OK)
		return r;
	char detail[WF_NAME_MAX + 64];
	snprintf(detail, sizeof(detail), "%s, %s request", a->full_name,
		 wf_request_type_name(type));
	struct wf_audit_entry entry = {acting.actor.login, "act", number, "submit", "ok", detail};
	return wf_audit_append(store, &entry, err);
}

int
wf_application_create(struct wf_store *store, const struct wf_applicant *applicant,
		      enum wf_request_type type, const struct wf_actor *actor, const char *note,
		      char number[WF_NUMBER_MAX], struct wf_error *err)
{
	struct wf_applicant clean;
	char made[WF_NUMBER_MAX] = "";
	bool keep = false;
	int r;

	wf_error_clear(err);
	if (!store || !applicant || !number)
		return wf_fail(err, WF_ERR_INTERNAL, _("wf_application_create: NULL argument"));
	if ((int)type < 0 || type >= WF_REQUEST_COUNT)
		return wf_fail_field(err, "request_type", _("unknown request type"));
	if ((r = check_applicant(store, applicant, &clean, wf_store_now(store), err)) != WF_OK)
		return r;
	if ((r = wf_tx_begin(store, err)) != WF_OK)
		return r;
	r = record_submission(store, &clean, type, actor, note, made, &keep, err);
	if ((r = wf_tx_end(store, r, keep, err)) == WF_OK)
		memcpy(number, made, WF_NUMBER_MAX);
	return r;
}
