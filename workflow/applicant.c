/*
 * applicant.c: the applicant's fields as one table (name, place, room in struct
 * wf_applicant), so that what is typed is stored whole or refused, never cut to fit.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "workflow-int.h"

/* One row: the member's name, where it is and its room in bytes (with the NUL). */
#define ROOM(member) sizeof(((struct wf_applicant *)0)->member)
#define FIELD(member) #member, offsetof(struct wf_applicant, member), ROOM(member)

static const struct {
	const char *name;
	size_t offset;
	size_t size; /* bytes, with the NUL */
} applicant_fields[] = {
    {FIELD(full_name)}, {FIELD(nik)},	   {FIELD(nip)},	{FIELD(email)},
    {FIELD(phone)},	{FIELD(position)}, {FIELD(rank_grade)}, {FIELD(work_unit)},
    {FIELD(agency)},	{FIELD(city)},	   {FIELD(province)},
};

#define FIELD_COUNT (sizeof(applicant_fields) / sizeof(applicant_fields[0]))

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
wf_applicant_set(struct wf_applicant *applicant, const char *field, const char *value,
		 struct wf_error *err)
{
	if (!applicant || !field)
		return wf_fail(err, WF_ERR_INTERNAL, _("wf_applicant_set: NULL argument"));
	for (size_t i = 0; i < FIELD_COUNT; i++)
		if (strcmp(applicant_fields[i].name, field) == 0)
			return wf_text_copy((char *)applicant + applicant_fields[i].offset,
					    applicant_fields[i].size, value, field, err);
	return wf_fail_field(err, "field", _("an applicant has no field %s"), field);
}

int
wf_applicant_check_terminated(const struct wf_applicant *applicant, struct wf_error *err)
{
	for (size_t i = 0; i < FIELD_COUNT; i++) {
		const char *text = (const char *)applicant + applicant_fields[i].offset;

		if (!memchr(text, '\0', applicant_fields[i].size))
			return wf_fail_field(
			    err, applicant_fields[i].name, _("%s does not end within its %zu bytes"),
			    applicant_fields[i].name, applicant_fields[i].size - 1);
	}
	return WF_OK;
}
