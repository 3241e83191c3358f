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
check_nip_for_employment(const struct wf_applicant *a, int64_t now, struct wf_error *err)
{
	if ((int)a->employment < 0 || a->employment >= WF_EMPLOYMENT_COUNT)
		return wf_fail_field(err, "employment",
				     _("employment status is pns, pppk or other"));
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

/* The office may require its own mail domain ("corporate email"). */
static int
check_email(struct wf_store *store, const struct wf_applicant *a, struct wf_error *err)
{
	char *domain = NULL;
	int r;

	r = wf_setting_get(store, "email_domain", &domain, err);
	if (r != WF_OK && r != WF_ERR_NOT_FOUND)
		return r;
	r = wf_validate_email_domain(a->email, domain, err);
	free(domain);
	return r;
}

/* A NIK and a NIP (both valid by now) must be one person's: birth date and sex. */
static int
check_nik_nip_agree(const struct wf_applicant *a, int64_t now, struct wf_error *err)
{
	struct wf_nik_info nik;
	struct wf_nip_info nip;
	int r;

	if (a->nip[0] == '\0')
		return WF_OK;
	if ((r = wf_validate_nik_at(a->nik, now, &nik, err)) != WF_OK ||
	    (r = wf_validate_nip_at(a->nip, now, &nip, err)) != WF_OK)
		return r;
	return wf_validate_nik_nip_agree(&nik, &nip, err);
}

/* One field's check of the table (the employment is checked with the NIP). */
static int
check_field(struct wf_store *store, const struct wf_applicant_field *f, struct wf_applicant *clean,
	    int64_t now, struct wf_error *err)
{
	const char *value = wf_applicant_value(clean, f);
	int r;

	if (f->required && f->check != WF_CHECK_EMPLOYMENT && wf_text_empty(value))
		return wf_fail_field(err, f->key, _("%s is required"), f->key);
	switch (f->check) {
	case WF_CHECK_NIK:
		return wf_validate_nik_at(value, now, NULL, err);
	case WF_CHECK_NIP:
		return check_nip_for_employment(clean, now, err);
	case WF_CHECK_EMAIL:
		if ((r = check_email(store, clean, err)) != WF_OK)
			return r;
		return wf_validate_text(value, f->key, wf_subject_bound(f->subject), f->subject,
					err);
	case WF_CHECK_PHONE:
		return wf_validate_phone(value, clean->phone, sizeof(clean->phone), err);
	case WF_CHECK_TEXT:
		return wf_validate_text(value, f->key, wf_subject_bound(f->subject), f->subject,
					err);
	case WF_CHECK_EMPLOYMENT:
		break;
	}
	return WF_OK;
}

/* Validate by the field table and normalize (the phone into +62 form) into *clean. */
static int
check_applicant(struct wf_store *store, const struct wf_applicant *a, struct wf_applicant *clean,
		int64_t now, struct wf_error *err)
{
	const struct wf_applicant_field *fields;
	size_t count;
	int r;

	if ((r = wf_applicant_check_terminated(a, err)) != WF_OK)
		return r;
	*clean = *a;
	fields = wf_applicant_fields(&count);
	for (size_t i = 0; i < count; i++)
		if ((r = check_field(store, &fields[i], clean, now, err)) != WF_OK)
			return r;
	return check_nik_nip_agree(clean, now, err);
}

/*
 * The applicants INSERT (update false) or UPDATE of every field of the table, prepared with
 * the applicant bound as ?1..?count; the caller binds ?count+1 (created_at, or the
 * application's id) into *stmt.
 */
static int
prepare_applicant_write(struct wf_store *store, bool update, const struct wf_applicant *a,
			struct wf_stmt **stmt, size_t *count, struct wf_error *err)
{
	char columns[WF_APPLICANT_COLUMNS_MAX], params[WF_APPLICANT_COLUMNS_MAX];
	char sql[3 * WF_APPLICANT_COLUMNS_MAX];
	size_t used = 0;
	int r, n;

	wf_applicant_fields(count);
	if ((r = wf_applicant_columns("", columns, sizeof(columns), err)) != WF_OK)
		return r;
	for (size_t i = 1; i <= *count && used < sizeof(params); i++)
		used += (size_t)snprintf(params + used, sizeof(params) - used, "%s?%zu",
					 i > 1 ? ", " : "", i);
	if (update)
		n = snprintf(sql, sizeof(sql),
			     "UPDATE applicants SET (%s) = (%s) WHERE id = (SELECT applicant_id"
			     " FROM applications WHERE id = ?%zu)",
			     columns, params, *count + 1);
	else
		n = snprintf(
		    sql, sizeof(sql),
		    "INSERT INTO applicants (%s, created_at) VALUES (%s, ?%zu) RETURNING id",
		    columns, params, *count + 1);
	if (used >= sizeof(params) || n < 0 || (size_t)n >= sizeof(sql))
		return wf_fail(err, WF_ERR_INTERNAL, _("the applicant's SQL does not fit"));
	if ((r = wf_prepare(store, sql, stmt, err)) != WF_OK)
		return r;
	wf_applicant_bind(*stmt, 1, a);
	return WF_OK;
}

static int
insert_applicant(struct wf_store *store, const struct wf_applicant *a, int64_t now, int64_t *id,
		 struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	size_t count;
	int r;

	if ((r = prepare_applicant_write(store, false, a, &stmt, &count, err)) != WF_OK)
		return r;
	wf_bind_int64(stmt, (int)count + 1, now);
	if (wf_next(stmt) != WF_ROW)
		r = wf_fail_db(err, store, _("record applicant"));
	else
		*id = wf_column_int64(stmt, 0);
	wf_finalize(stmt);
	return r;
}

/* Next number of the year, inside the write transaction so two clerks never share one. */
static int
next_number(struct wf_store *store, int64_t now, int *year, int *seq, char number[WF_NUMBER_MAX],
	    struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
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
	wf_bind_int64(stmt, 1, *year);
	if (wf_next(stmt) != WF_ROW)
		r = wf_fail_db(err, store, _("number application"));
	else
		*seq = wf_column_int(stmt, 0);
	wf_finalize(stmt);
	if (r == WF_OK)
		snprintf(number, WF_NUMBER_MAX, "TTE/%04d/%04d", *year, *seq);
	return r;
}

static int
insert_application(struct wf_store *store, int64_t applicant_id, enum wf_request_type type,
		   int64_t now, char number[WF_NUMBER_MAX], int64_t *id, struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	int year = 0, seq = 0, r;

	if ((r = next_number(store, now, &year, &seq, number, err)) != WF_OK)
		return r;
	if ((r = wf_prepare(
		 store,
		 "INSERT INTO applications (number, year, seq, applicant_id, state, step,"
		 " created_at, updated_at, step_started_at, request_type)"
		 " VALUES (?1, ?2, ?3, ?4, 'submitted', 1, ?5, ?5, ?5, ?6) RETURNING id",
		 &stmt, err)) != WF_OK)
		return r;
	wf_bind_text(stmt, 1, number);
	wf_bind_int64(stmt, 2, year);
	wf_bind_int64(stmt, 3, seq);
	wf_bind_int64(stmt, 4, applicant_id);
	wf_bind_int64(stmt, 5, now);
	wf_bind_text(stmt, 6, wf_request_type_name(type));
	if (wf_next(stmt) != WF_ROW)
		r = wf_fail_db(err, store, _("record application"));
	else
		*id = wf_column_int64(stmt, 0);
	wf_finalize(stmt);
	if (r != WF_OK)
		return r;
	if ((r = wf_prepare(store, "INSERT INTO documents (application_id, kind) VALUES (?1, ?2)",
			    &stmt, err)) != WF_OK)
		return r;
	for (int kind = 0; r == WF_OK && kind < WF_DOC_COUNT; kind++) {
		wf_reset(stmt);
		wf_bind_int64(stmt, 1, *id);
		wf_bind_text(stmt, 2, wf_document_name((enum wf_document_kind)kind));
		if (wf_next(stmt) != WF_DONE)
			r = wf_fail_db(err, store, _("record documents"));
	}
	wf_finalize(stmt);
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

/* Which states allow a correction: until the key and its CSR exist, the data is not in them. */
static bool
state_allows_edit(enum wf_state state)
{
	switch (state) {
	case WF_STATE_SUBMITTED:
	case WF_STATE_DISPOSED_KADIS:
	case WF_STATE_DISPOSED_KABID:
	case WF_STATE_REGISTERED:
	case WF_STATE_SENT:
	case WF_STATE_RETURNED:
		return true;
	default:
		return false;
	}
}

/* "full_name 'Siti' -> 'Siti Rahma'; ..." for each field that differs; "" if none. */
static void
describe_changes(const struct wf_applicant *before, const struct wf_applicant *after, char *out,
		 size_t size)
{
	const struct wf_applicant_field *fields;
	size_t count, used = 0;

	*out = '\0';
	fields = wf_applicant_fields(&count);
	for (size_t i = 0; i < count && used < size; i++) {
		const char *old = wf_applicant_value(before, &fields[i]);
		const char *new = wf_applicant_value(after, &fields[i]);

		if (strcmp(old, new) != 0)
			used += (size_t)snprintf(out + used, size - used, "%s%s '%s' -> '%s'",
						 used ? "; " : "", fields[i].key, old, new);
	}
}

static int
update_applicant(struct wf_store *store, int64_t app_id, const struct wf_applicant *a,
		 struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	size_t count;
	int r;

	if ((r = prepare_applicant_write(store, true, a, &stmt, &count, err)) != WF_OK)
		return r;
	wf_bind_int64(stmt, (int)count + 1, app_id);
	if (wf_next(stmt) != WF_DONE || wf_changes(stmt) != 1)
		r = wf_fail_db(err, store, _("correct applicant"));
	wf_finalize(stmt);
	return r;
}

/* The applicant of an application as recorded (inside the caller's transaction). */
static int
read_applicant(struct wf_store *store, int64_t app_id, struct wf_applicant *out,
	       struct wf_error *err)
{
	char columns[WF_APPLICANT_COLUMNS_MAX], sql[2 * WF_APPLICANT_COLUMNS_MAX];
	struct wf_stmt *stmt = NULL;
	int r;

	if ((r = wf_applicant_columns("p.", columns, sizeof(columns), err)) != WF_OK)
		return r;
	snprintf(sql, sizeof(sql),
		 "SELECT %s FROM applicants p JOIN applications a ON a.applicant_id = p.id"
		 " WHERE a.id = ?1",
		 columns);
	if ((r = wf_prepare(store, sql, &stmt, err)) != WF_OK)
		return r;
	wf_bind_int64(stmt, 1, app_id);
	memset(out, 0, sizeof(*out));
	if (wf_next(stmt) == WF_ROW)
		wf_applicant_read(stmt, 0, out);
	else
		r = wf_fail_db(err, store, _("read applicant"));
	wf_finalize(stmt);
	return r;
}

static int
record_edit(struct wf_store *store, const char *number, const struct wf_applicant *clean,
	    const struct wf_actor *actor, bool *keep, struct wf_error *err)
{
	struct wf_applicant current;
	struct wf_acting acting;
	struct wf_app_ref app;
	char detail[16 * WF_NAME_MAX];
	int r;

	if ((r = wf_application_lookup(store, number, &app, err)) != WF_OK)
		return r;
	r = wf_authorize(store, actor, WF_ROLE_KASI, 0, number, "edit_applicant", &acting, err);
	if ((*keep = r == WF_ERR_ROLE || r == WF_ERR_INVALID) || r != WF_OK)
		return r;
	if (!state_allows_edit(app.state))
		return wf_fail(err, WF_ERR_STATE,
			       _("%s is %s: its data is in the key's request already and can no "
				 "longer be corrected"),
			       number, wf_state_name(app.state));
	if ((r = read_applicant(store, app.id, &current, err)) != WF_OK)
		return r;
	describe_changes(&current, clean, detail, sizeof(detail));
	if (*detail == '\0')
		return wf_fail_field(err, "applicant",
				     _("nothing to correct: every value is as recorded"));
	if ((r = update_applicant(store, app.id, clean, err)) != WF_OK)
		return r;
	struct wf_audit_entry entry = {acting.actor.login, "admin", number,
				       "edit_applicant",   "ok",    detail};
	return wf_audit_append(store, &entry, err);
}

int
wf_applicant_edit(struct wf_store *store, const char *number, const struct wf_applicant *applicant,
		  const struct wf_actor *actor, struct wf_error *err)
{
	struct wf_applicant clean;
	bool keep = false;
	int r;

	wf_error_clear(err);
	if (!store || !number || !applicant)
		return wf_fail(err, WF_ERR_INTERNAL, _("wf_applicant_edit: NULL argument"));
	if ((r = check_applicant(store, applicant, &clean, wf_store_now(store), err)) != WF_OK)
		return r;
	if ((r = wf_tx_begin(store, err)) != WF_OK)
		return r;
	r = record_edit(store, number, &clean, actor, &keep, err);
	return wf_tx_end(store, r, keep, err);
}
