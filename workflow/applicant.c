/*
 * applicant.c: the applicant's fields as one table (key, label, column, room, checks, and
 * where each goes in the CSR subject and BSrE's data), so that what is typed is stored
 * whole or refused, never cut to fit, and every reader of the record lists the same fields.
 */
#include <stddef.h>
#include <stdint.h>
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

/* The subject attributes' upper bounds in characters (X.520, RFC 5280 appendix A). */
static const struct {
	const char *attribute;
	size_t max;
} subject_bounds[] = {
    {"CN", 64}, {"OU", 64}, {"O", 64}, {"L", 128}, {"ST", 128}, {"emailAddress", 255},
};

size_t
wf_subject_bound(const char *attribute)
{
	for (size_t i = 0; attribute && i < sizeof(subject_bounds) / sizeof(subject_bounds[0]); i++)
		if (strcmp(subject_bounds[i].attribute, attribute) == 0)
			return subject_bounds[i].max;
	return 0;
}

size_t
wf_utf8_next(const char *text, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)text;
	static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
	size_t n = s[0] < 0x80	     ? 1
		   : s[0] >> 5 == 6  ? 2
		   : s[0] >> 4 == 14 ? 3
		   : s[0] >> 3 == 30 ? 4
				     : 0;

	if (n == 0)
		return 0;
	*cp = n == 1 ? s[0] : s[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if (s[i] >> 6 != 2)
			return 0;
		*cp = *cp << 6 | (s[i] & 0x3f);
	}
	if (*cp < min[n] || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return n;
}

bool
wf_char_hidden(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return true;
	return cp == 0xad || cp == 0x61c || cp == 0x180e || (cp >= 0x200b && cp <= 0x200f) ||
	       (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff ||
	       (cp >= 0xfff9 && cp <= 0xfffb) || (cp >= 0xe0000 && cp <= 0xe007f);
}

int
wf_validate_text(const char *text, const char *field, size_t max_chars, const char *attribute,
		 struct wf_error *err)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t chars = 0, n;
	uint32_t cp;

	for (; *s != '\0'; s += n, chars++) {
		if ((n = wf_utf8_next((const char *)s, &cp)) == 0)
			return wf_fail_field(err, field, _("%s is not valid UTF-8 (at byte %zu)"),
					     field, (size_t)(s - (const unsigned char *)text) + 1);
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			return wf_fail_field(err, field,
					     _("%s contains a control character (U+%04X, character "
					       "%zu)"),
					     field, (unsigned)cp, chars + 1);
		if (wf_char_hidden(cp))
			return wf_fail_field(
			    err, field,
			    _("%s contains an invisible formatting character (U+%04X, "
			      "character %zu): type it again without it"),
			    field, (unsigned)cp, chars + 1);
	}
	if (max_chars > 0 && chars > max_chars)
		return wf_fail_field(err, field,
				     _("%s is %zu characters long: the certificate's %s holds at "
				       "most %zu"),
				     field, chars, attribute, max_chars);
	return WF_OK;
}

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
		return wf_fail(err, WF_ERR_INTERNAL, _("wf_text_copy: NULL argument"));
	if (!value)
		value = "";
	/* A value one byte too long is refused like one a kilobyte too long. */
	if ((n = strnlen(value, size)) >= size)
		return wf_fail_field(err, field, _("%s is %zu bytes long: at most %zu are allowed"),
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
		return wf_fail(err, WF_ERR_INTERNAL, _("wf_applicant_set: NULL argument"));
	if (field == NULL)
		return wf_fail_field(err, "field", _("an applicant has no field %s"), key);
	at = (char *)applicant + field->offset;
	if (field->check != WF_CHECK_EMPLOYMENT)
		return wf_text_copy(at, field->limit + 1, value, field->key, err);
	if ((employment = wf_employment_parse(value != NULL ? value : "")) < 0)
		return wf_fail_field(err, field->key, _("employment status is pns, pppk or other"));
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
			return wf_fail_field(err, f->key, _("%s does not end within its %zu bytes"),
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
			return wf_fail(err, WF_ERR_INTERNAL, _("applicant columns do not fit"));
		used += (size_t)n;
	}
	return WF_OK;
}

/* Bind every field, in the table's order, from parameter first on. */
void
wf_applicant_bind(struct wf_stmt *stmt, int first, const struct wf_applicant *applicant)
{
	for (size_t i = 0; i < FIELD_COUNT; i++)
		wf_bind_text(stmt, first + (int)i,
			     wf_applicant_value(applicant, &applicant_fields[i]));
}

/* Read every field, in the table's order, from result column first on. */
void
wf_applicant_read(struct wf_stmt *stmt, int first, struct wf_applicant *applicant)
{
	for (size_t i = 0; i < FIELD_COUNT; i++) {
		const struct wf_applicant_field *f = &applicant_fields[i];
		const char *text = wf_column_text(stmt, first + (int)i);

		if (f->check == WF_CHECK_EMPLOYMENT)
			applicant->employment = wf_employment_parse(text != NULL ? text : "");
		else
			wf_column_copy(stmt, first + (int)i, (char *)applicant + f->offset,
				       f->limit + 1);
	}
}
