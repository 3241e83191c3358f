/*
 * fuzz-validate.c: libFuzzer harness for the applicant data validators: NIK, NIP (and
 * whether they agree), email, phone, and every text field through wf_applicant_set.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "workflow.h"

/* A fixed "today" so that a run is reproducible: 1 December 2026, 00:00 UTC. */
#define FUZZ_NOW 1796083200

static const char *const fields[] = {
    "full_name",  "nik",       "nip",	 "email", "phone",    "position",
    "rank_grade", "work_unit", "agency", "city",  "province",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wf_applicant applicant;
	struct wf_nik_info nik;
	struct wf_nip_info nip;
	struct wf_error err;
	char phone[32];
	char *text;
	bool nik_ok, nip_ok;

	if (size == 0)
		return 0;
	/* The first byte picks the field; the rest is the value, as a C string. */
	if ((text = malloc(size)) == NULL)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	nik_ok = wf_validate_nik_at(text, FUZZ_NOW, &nik, &err) == WF_OK;
	nip_ok = wf_validate_nip_at(text, FUZZ_NOW, &nip, &err) == WF_OK;
	if (nik_ok && nip_ok)
		wf_validate_nik_nip_agree(&nik, &nip, &err);
	wf_validate_email(text, &err);
	wf_validate_email_domain(text, ".go.id", &err);
	wf_validate_phone(text, phone, sizeof(phone), &err);
	wf_validate_text(text, "full_name", wf_subject_bound("CN"), "CN", &err);
	memset(&applicant, 0, sizeof(applicant));
	wf_applicant_set(&applicant, fields[data[0] % (sizeof(fields) / sizeof(fields[0]))], text,
			 &err);
	free(text);
	return 0;
}
