/*
 * applicant.c: the applicant's fields as one table (key, label, column, room, checks, and
 * where each goes in the CSR subject and BSrE's data), so that what is typed is stored
 * whole or refused, never cut to fit, and every reader of the record lists the same fields.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "workflow-int.h"

#define ROOM(member) sizeof(((struct wf_applicant *)0)->member)
/* A text field: its key is its member's and its column's name; limit without the NUL. */
/* clang-format off */
#define TEXT(member, label, required, check, subject, bsre_key, bsre_label) \
	{#member, label, #member, offsetof(struct wf_applicant, member), ROOM(member) - 1, \
	 required, check, subject, bsre_key, bsre_label}
/* clang-format on */

static const struct wf_applicant_field applicant_fields[] = {
    TEXT(full_name, N_("Name"), true, WF_CHECK_TEXT, "CN", "nama", "Nama"),
    TEXT(nik, N_("NIK"), true, WF_CHECK_NIK, NULL, "nik", "NIK"),
    TEXT(nip, N_("NIP"), false, WF_CHECK_NIP, NULL, "nip", "NIP"),
    TEXT(email, N_("Email"), true, WF_CHECK_EMAIL, "emailAddress", "email", "Email"),
    TEXT(phone, N_("Phone"), true, WF_CHECK_PHONE, NULL, "nomor_telepon", "Telepon"),
    TEXT(position, N_("Position"), true, WF_CHECK_TEXT, NULL, "jabatan", "Jabatan"),
    TEXT(rank_grade, N_("Rank/grade"), false, WF_CHECK_TEXT, NULL, "pangkat_golongan",
	 "Pangkat/Gol."),
    {"employment", N_("Employment"), "employment", offsetof(struct wf_applicant, employment), 0,
     true, WF_CHECK_EMPLOYMENT, NULL, "status_kepegawaian", "Status"},
    TEXT(work_unit, N_("Work unit"), true, WF_CHECK_TEXT, "OU", "unit_kerja", "Unit kerja"),
    TEXT(agency, N_("Agency"), true, WF_CHECK_TEXT, NULL, "instansi", "Instansi"),
    TEXT(city, N_("City"), true, WF_CHECK_TEXT, "L", "kota", "Kota"),
    TEXT(province, N_("Province"), true, WF_CHECK_TEXT, "ST", "provinsi", "Provinsi"),
};

#define FIELD_COUNT (sizeof(applicant_fields) / sizeof(applicant_fields[0]))

const struct wf_applicant_field *
wf_applicant_fields(size_t *count)
{
	*count = FIELD_COUNT;
	return applicant_fields;
}

const struct wf_applicant_field *
wf_applicant_field(const char *key)
{
	for (size_t i = 0; key != NULL && i < FIELD_COUNT; i++)
		if (strcmp(applicant_fields[i].key, key) == 0)
			return &applicant_fields[i];
	return NULL;
}

const char *
wf_applicant_value(const struct wf_applicant *applicant, const struct wf_applicant_field *field)
{
	const char *at = (const char *)applicant + field->offset;

	if (field->check == WF_CHECK_EMPLOYMENT)
		return wf_employment_name(*(const enum wf_employment *)(const void *)at);
	return at;
}

int
wf_text_copy(char *dst, size_t size, const char *value, const char *field, struct wf_error *err)
{
	size_t n;

	if (!dst || size == 0 || !field)
		return wf_fail(err, WF_ERR_INTERNAL, "wf_text_copy: NULL argument");
	if (!value)
		value = "";
	/* A value one byte too long is refused like one a kilobyte too long. */
	if ((n = strnlen(value, size)) >= size)
		return wf_fail_field(err, field, "%s is %zu bytes long: at most %zu are allowed",
				     field, strlen(value), size - 1);
	memcpy(dst, value, n + 1);
	return WF_OK;
}

int
wf_applicant_set(struct wf_applicant *applicant, const char *key, const char *value,
		 struct wf_error *err)
{
	const struct wf_applicant_field *field = wf_applicant_field(key);
	char *at;
	int employment;

	if (!applicant || !key)
		return wf_fail(err, WF_ERR_INTERNAL, "wf_applicant_set: NULL argument");
	if (field == NULL)
		return wf_fail_field(err, "field", "an applicant has no field %s", key);
	at = (char *)applicant + field->offset;
	if (field->check != WF_CHECK_EMPLOYMENT)
		return wf_text_copy(at, field->limit + 1, value, field->key, err);
	if ((employment = wf_employment_parse(value != NULL ? value : "")) < 0)
		return wf_fail_field(err, field->key, "employment status is pns, pppk or other");
	applicant->employment = (enum wf_employment)employment;
	return WF_OK;
}

int
wf_applicant_check_terminated(const struct wf_applicant *applicant, struct wf_error *err)
{
	for (size_t i = 0; i < FIELD_COUNT; i++) {
		const struct wf_applicant_field *f = &applicant_fields[i];

		if (f->check != WF_CHECK_EMPLOYMENT &&
		    !memchr((const char *)applicant + f->offset, '\0', f->limit + 1))
			return wf_fail_field(err, f->key, "%s does not end within its %zu bytes",
					     f->key, f->limit);
	}
	return WF_OK;
}

/* The table's columns, comma separated, each with prefix ("a."): for the SQL that reads it. */
int
wf_applicant_columns(const char *prefix, char *buf, size_t size, struct wf_error *err)
{
	size_t used = 0;

	for (size_t i = 0; i < FIELD_COUNT; i++) {
		int n = snprintf(buf + used, size - used, "%s%s%s", i ? ", " : "", prefix,
				 applicant_fields[i].column);
		if (n < 0 || (size_t)n >= size - used)
			return wf_fail(err, WF_ERR_INTERNAL, "applicant columns do not fit");
		used += (size_t)n;
	}
	return WF_OK;
}

/* Bind every field, in the table's order, from parameter first on. */
void
wf_applicant_bind(sqlite3_stmt *stmt, int first, const struct wf_applicant *applicant)
{
	for (size_t i = 0; i < FIELD_COUNT; i++)
		wf_bind_text(stmt, first + (int)i,
			     wf_applicant_value(applicant, &applicant_fields[i]));
}

/* Read every field, in the table's order, from result column first on. */
void
wf_applicant_read(sqlite3_stmt *stmt, int first, struct wf_applicant *applicant)
{
	for (size_t i = 0; i < FIELD_COUNT; i++) {
		const struct wf_applicant_field *f = &applicant_fields[i];
		const char *text = (const char *)sqlite3_column_text(stmt, first + (int)i);

		if (f->check == WF_CHECK_EMPLOYMENT)
			applicant->employment = wf_employment_parse(text != NULL ? text : "");
		else
			wf_column_copy(stmt, first + (int)i, (char *)applicant + f->offset,
				       f->limit + 1);
	}
}
