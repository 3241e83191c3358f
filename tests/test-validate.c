/*
 * test-validate.c: the applicant's identifiers as the operator types them. NIK and NIP
 * carry dates, so "today" is pinned to 24 November 2026 (local time) for these tests.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tap.h"
#include "workflow.h"

static int64_t
local_date(int year, int month, int day)
{
	struct tm tm = {.tm_year = year - 1900,
			.tm_mon = month - 1,
			.tm_mday = day,
			.tm_hour = 12,
			.tm_isdst = -1};

	return (int64_t)mktime(&tm);
}

#define TODAY local_date(2026, 11, 24)

/* A case that must be refused: the error names the field and the message the reason. */
struct refused {
	const char *input;
	const char *reason; /* a word the message must contain */
};

static void
check_refused(int r, const struct wf_error *err, const char *field, const struct refused *c)
{
	check_int(r, WF_ERR_INVALID);
	check_int(err->code, WF_ERR_INVALID);
	check_str(err->field, field);
	if (!check(strstr(err->message, c->reason) != NULL))
		tap_diag("    input \"%s\": message \"%s\" lacks \"%s\"",
			 c->input ? c->input : "(null)", err->message, c->reason);
}

/* ---------------------------------------------------------------- NIK */

static void
nik_of_a_singkawang_man_gives_region_birth_date_and_sex(void)
{
	struct wf_nik_info info;
	struct wf_error err = {0};

	check_int(wf_validate_nik_at("6172011501900001", TODAY, &info, &err), WF_OK);
	check_str(info.region, "617201");
	check_str(info.province, "Kalimantan Barat");
	check(info.is_city);
	check_int(info.birth_year, 1990);
	check_int(info.birth_year2, 90);
	check_int(info.birth_month, 1);
	check_int(info.birth_day, 15);
	check(!info.female);
	check_int(info.serial, 1);
}

static void
nik_of_a_woman_carries_the_day_plus_40(void)
{
	struct wf_nik_info info;
	struct wf_error err = {0};

	check_int(wf_validate_nik_at("6107025501900002", TODAY, &info, &err), WF_OK);
	check(info.female);
	check_int(info.birth_day, 15);
	check(!info.is_city);
	/* Day 41 is the 1st, day 71 the 31st. */
	check_int(wf_validate_nik_at("3273014101850001", TODAY, &info, &err), WF_OK);
	check_int(info.birth_day, 1);
	check(info.female);
	check_int(wf_validate_nik_at("3273017112850001", TODAY, &info, &err), WF_OK);
	check_int(info.birth_day, 31);
	check_int(info.birth_month, 12);
	check_int(info.birth_year, 1985);
}

static void
nik_accepts_29_february_only_in_leap_years(void)
{
	struct wf_nik_info info;
	struct wf_error err = {0};

	check_int(wf_validate_nik_at("3171012902000003", TODAY, &info, &err), WF_OK);
	check_int(info.birth_year, 2000);
	check_int(wf_validate_nik_at("3171016902000004", TODAY, &info, &err), WF_OK);
	check(info.female);
	check_int(wf_validate_nik_at("3171012902240005", TODAY, &info, &err), WF_OK);
	check_int(info.birth_year, 2024);
	check_int(wf_validate_nik_at("3171012902010001", TODAY, NULL, &err), WF_ERR_INVALID);
	check(strstr(err.message, "has no day 29") != NULL);
	check_int(wf_validate_nik_at("3171016902230001", TODAY, NULL, &err), WF_ERR_INVALID);
	check(strstr(err.message, "removing the 40") != NULL);
}

static void
nik_century_is_the_latest_not_after_today(void)
{
	struct wf_nik_info info;
	struct wf_error err = {0};

	/* Born today: this century. Born tomorrow's date: a hundred years ago. */
	check_int(wf_validate_nik_at("1101012411260001", TODAY, &info, &err), WF_OK);
	check_int(info.birth_year, 2026);
	check_int(wf_validate_nik_at("1101012511260001", TODAY, &info, &err), WF_OK);
	check_int(info.birth_year, 1926);
	check_int(wf_validate_nik_at("9601014112260001", TODAY, &info, &err), WF_OK);
	check_int(info.birth_year, 1926);
	check_int(wf_validate_nik_at("1101010101250001", TODAY, &info, &err), WF_OK);
	check_int(info.birth_year, 2025);
	check_int(wf_validate_nik_at("1101010101270001", TODAY, &info, &err), WF_OK);
	check_int(info.birth_year, 1927);
}

static void
nik_knows_every_province_including_the_new_papua_ones(void)
{
	static const char *codes[] = {"11", "12", "13", "14", "15", "16", "17", "18", "19", "21",
				      "31", "32", "33", "34", "35", "36", "51", "52", "53", "61",
				      "62", "63", "64", "65", "71", "72", "73", "74", "75", "76",
				      "81", "82", "91", "92", "93", "94", "95", "96"};
	struct wf_nik_info info;
	struct wf_error err = {0};
	char nik[17];
	int accepted = 0;

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		snprintf(nik, sizeof(nik), "%s01011501900001", codes[i]);
		if (wf_validate_nik_at(nik, TODAY, &info, &err) == WF_OK && info.province)
			accepted++;
		else
			tap_diag("    province %s refused: %s", codes[i], err.message);
	}
	check_int(accepted, 38);
	check_int(wf_validate_nik_at("9401011501900001", TODAY, &info, &err), WF_OK);
	check_str(info.province, "Papua Tengah");
	check_int(wf_validate_nik_at("9501011501900001", TODAY, &info, &err), WF_OK);
	check_str(info.province, "Papua Pegunungan");
}

static void
nik_malformed_or_impossible_is_refused_naming_the_part(void)
{
	static const struct refused cases[] = {
	    {NULL, "empty"},
	    {"", "empty"},
	    {"617201150190000", "15 digits"},
	    {"61720115019000011", "17 digits"},
	    {"6172 0115 0190 01", "only digits"},
	    {"6172O11501900001", "only digits"},
	    {"2001011501900001", "province"},
	    {"0001011501900001", "province"},
	    {"5401011501900001", "province"}, /* Timor Timur, no longer */
	    {"9701011501900001", "province"},
	    {"6100011501900001", "regency"},
	    {"6172001501900001", "district"},
	    {"6172010001900001", "day of birth"},
	    {"6172013201900001", "has no day 32"},
	    {"6172014001900001", "has no day 40"},
	    {"6172017201900001", "has no day 32"}, /* woman: 72 - 40 */
	    {"6172011513900001", "month of birth"},
	    {"6172011500900001", "month of birth"},
	    {"6172013104900001", "has no day 31"},
	    {"6172013002000001", "has no day 30"},
	    {"6172017002000001", "has no day 30"},
	    {"6172011501900000", "sequence"},
	};
	struct wf_error err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&err, 0, sizeof(err));
		check_refused(wf_validate_nik_at(cases[i].input, TODAY, NULL, &err), &err, "nik",
			      &cases[i]);
	}
}

static void
nik_validated_against_the_real_clock_accepts_a_past_birth(void)
{
	struct wf_error err = {0};

	check_int(wf_validate_nik("6172011501900001", NULL, &err), WF_OK);
	check_int(wf_validate_nik("6172011501900000", NULL, &err), WF_ERR_INVALID);
}

/* ---------------------------------------------------------------- NIP */

static void
nip_gives_birth_date_appointment_and_sex(void)
{
	struct wf_nip_info info;
	struct wf_error err = {0};

	check_int(wf_validate_nip_at("199001152015031001", TODAY, &info, &err), WF_OK);
	check_int(info.birth_year, 1990);
	check_int(info.birth_month, 1);
	check_int(info.birth_day, 15);
	check_int(info.appointment_year, 2015);
	check_int(info.appointment_month, 3);
	check(!info.female);
	check_int(info.sequence, 1);
	check_int(wf_validate_nip_at("198402292010012002", TODAY, &info, &err), WF_OK);
	check(info.female);
	check_int(info.birth_day, 29);
	check_int(info.sequence, 2);
}

static void
nip_valid_edges_are_accepted(void)
{
	static const char *valid[] = {
	    "200002292020011001", /* 29 Feb 2000: a leap century */
	    "197512312000121003", /* 31 December, appointed in December */
	    "199005202008051001", /* appointed in the month of the 18th birthday */
	    "200801012026111001", /* appointed this very month */
	    "196512311990032999", /* sequence 999 */
	};
	struct wf_error err = {0};

	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
		if (!check(wf_validate_nip_at(valid[i], TODAY, NULL, &err) == WF_OK))
			tap_diag("    %s: %s", valid[i], err.message);
}

static void
nip_malformed_or_impossible_is_refused_naming_the_part(void)
{
	static const struct refused cases[] = {
	    {NULL, "empty"},
	    {"", "empty"},
	    {"19900115201503100", "17 digits"},
	    {"1990011520150310011", "19 digits"},
	    {"19900115 201503 1 001", "only digits"},
	    {"199002302015031001", "calendar date"}, /* 30 February */
	    {"190002292000011001", "calendar date"}, /* 1900 is not leap */
	    {"198502292010011001", "calendar date"}, /* 1985 is not leap */
	    {"199013012015031001", "calendar date"}, /* month 13 */
	    {"199000012015031001", "calendar date"}, /* month 00 */
	    {"199001002015031001", "calendar date"}, /* day 00 */
	    {"189912312015031001", "calendar date"}, /* before 1900 */
	    {"202612012045011001", "future"},	     /* born next week */
	    {"199001152015131001", "month of appointment"},
	    {"199001152015001001", "month of appointment"},
	    {"199001152026121001", "future"}, /* appointed next month */
	    {"199005202008041001", "turned 18"},
	    {"199001151990011001", "turned 18"},
	    {"199001152015030001", "digit 15"},
	    {"199001152015033001", "digit 15"},
	    {"199001152015031000", "sequence"},
	};
	struct wf_error err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&err, 0, sizeof(err));
		check_refused(wf_validate_nip_at(cases[i].input, TODAY, NULL, &err), &err, "nip",
			      &cases[i]);
	}
}

/* ---------------------------------------------------------------- email */

static void
email_valid_addresses_are_accepted(void)
{
	static const char *valid[] = {
	    "budi.santoso@singkawangkota.go.id",
	    "a@b.co",
	    "x_y+tag@mail.example.org",
	    "o'brien@dinas.id",
	    "1@x-y.id",
	    "persandian-01@diskominfo.singkawangkota.go.id",
	    "Siti.Aminah@SingkawangKota.Go.Id",
	    /* 64 characters before the @: the limit */
	    "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij1234@x.id",
	};
	struct wf_error err = {0};

	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
		if (!check(wf_validate_email(valid[i], &err) == WF_OK))
			tap_diag("    %s: %s", valid[i], err.message);
}

static void
email_malformed_is_refused_saying_why(void)
{
	static const struct refused cases[] = {
	    {NULL, "empty"},
	    {"", "empty"},
	    {"budi.singkawangkota.go.id", "no @"},
	    {"a@b@c.id", "more than one @"},
	    {"budi@localhost", "no dot"},
	    {"budi santoso@x.go.id", "not allowed"},
	    {"budi@x .go.id", "not allowed"},
	    {"budi@x.go.id ", "not allowed"},
	    {".budi@x.id", "start or end with a dot"},
	    {"budi.@x.id", "start or end with a dot"},
	    {"bu..di@x.id", "two dots"},
	    {"@x.id", "nothing before the @"},
	    {"budi@", "no dot"},
	    {"budi@x..id", "empty part"},
	    {"budi@.x.id", "empty part"},
	    {"budi@x.id.", "empty part"},
	    {"budi@-x.id", "'-'"},
	    {"budi@x-.id", "'-'"},
	    {"budi@x.123", "letters only"},
	    {"budi@x.i", "at least two letters"},
	    {"bud\xc3\xad@x.id", "not allowed"},
	    {"budi@x_y.id", "not allowed"},
	    {"abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij12345@x.id", "65"},
	    {"budi@abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij1234.id",
	     "longer than 63"},
	};
	struct wf_error err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&err, 0, sizeof(err));
		check_refused(wf_validate_email(cases[i].input, &err), &err, "email", &cases[i]);
	}
}

static void
email_over_254_characters_is_refused(void)
{
	char email[300];
	struct wf_error err = {0};

	/* Labels of 50 letters keep each part legal: only the total is too long. */
	snprintf(email, sizeof(email), "budi@%.50s.%.50s.%.50s.%.50s.%.50s.id",
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
		 "cccccccccccccccccccccccccccccccccccccccccccccccccc",
		 "dddddddddddddddddddddddddddddddddddddddddddddddddd",
		 "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee");
	check(strlen(email) > 254);
	check_int(wf_validate_email(email, &err), WF_ERR_INVALID);
	check(strstr(err.message, "at most 254") != NULL);
	email[240] = '\0';
	email[239] = 'd';
	email[238] = 'i';
	email[237] = '.';
	check_int(wf_validate_email(email, &err), WF_OK);
}

static void
email_outside_the_office_domain_is_refused(void)
{
	struct wf_error err = {0};

	check_int(wf_validate_email_domain("budi@singkawangkota.go.id", ".go.id", &err), WF_OK);
	check_int(wf_validate_email_domain("budi@DISKOMINFO.SINGKAWANGKOTA.GO.ID", ".go.id", &err),
		  WF_OK);
	check_int(
	    wf_validate_email_domain("budi@singkawangkota.go.id", "singkawangkota.go.id", &err),
	    WF_OK);
	check_int(wf_validate_email_domain("budi@mail.singkawangkota.go.id", "singkawangkota.go.id",
					   &err),
		  WF_OK);
	check_int(wf_validate_email_domain("budi@gmail.com", ".go.id", &err), WF_ERR_INVALID);
	check_str(err.field, "email");
	check(strstr(err.message, "not the office's") != NULL);
	check_int(wf_validate_email_domain("budi@evilgo.id", ".go.id", &err), WF_ERR_INVALID);
	check_int(
	    wf_validate_email_domain("budi@notsingkawangkota.go.id", "singkawangkota.go.id", &err),
	    WF_ERR_INVALID);
	check_int(wf_validate_email_domain("budi@gmail.com", NULL, &err), WF_OK);
	check_int(wf_validate_email_domain("budi@gmail.com", "", &err), WF_OK);
}

/* ---------------------------------------------------------------- phone */

static void
phone_numbers_as_typed_are_normalized_to_plus_62(void)
{
	static const struct {
		const char *typed, *normalized;
	} cases[] = {
	    {"081234567890", "+6281234567890"},
	    {"0812-3456-7890", "+6281234567890"},
	    {"0812 3456 789", "+628123456789"},
	    {"+62 812 3456 7890", "+6281234567890"},
	    {"6281234567890", "+6281234567890"},
	    {"+62 0812 3456 7890", "+6281234567890"},
	    {"(0812) 3456.7890", "+6281234567890"},
	    {"0895-1234-5678", "+6289512345678"},
	    {"0881-2345-678", "+628812345678"},
	    {"0838 1234 5678", "+6283812345678"},
	    {"0877 1234 5678", "+6287712345678"},
	    {"0821 1234 5678", "+6282112345678"},
	    {"0852 1234 5678", "+6285212345678"},
	    {"0812345678", "+62812345678"},	  /* 9 digits after 0: shortest */
	    {"0812345678901", "+62812345678901"}, /* 12 digits after 0: longest */
	};
	struct wf_error err = {0};
	char out[24];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(out, 0, sizeof(out));
		if (!check(wf_validate_phone(cases[i].typed, out, sizeof(out), &err) == WF_OK))
			tap_diag("    %s: %s", cases[i].typed, err.message);
		check_str(out, cases[i].normalized);
	}
	check_int(wf_validate_phone("081234567890", NULL, 0, &err), WF_OK);
}

static void
phone_not_an_indonesian_mobile_is_refused_saying_why(void)
{
	static const struct refused cases[] = {
	    {NULL, "empty"},
	    {"", "empty"},
	    {" - ", "no digits"},
	    {"081234567", "8 digits"},
	    {"08123456789012", "13 digits"},
	    {"0212345678", "mobile"},  /* Jakarta landline */
	    {"0562 631234", "mobile"}, /* Singkawang landline */
	    {"0801234567", "mobile"},
	    {"0841234567890", "mobile"},
	    {"0861234567890", "mobile"},
	    {"+6581234567", "+62"}, /* Singapore */
	    {"+1 212 555 0100", "+62"},
	    {"81234567890", "start with 08"},
	    {"0812a4567890", "'a'"},
	    {"0812+34567890", "'+'"},
	    {"++6281234567890", "'+'"},
	    {"0812/3456/7890", "'/'"},
	    {"+62", "mobile"},
	    {"62", "mobile"},
	    {"0", "mobile"},
	    {"08123456789012345678901234567890123", "too many digits"},
	};
	struct wf_error err;
	char out[24];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&err, 0, sizeof(err));
		check_refused(wf_validate_phone(cases[i].input, out, sizeof(out), &err), &err,
			      "phone", &cases[i]);
	}
}

static void
phone_does_not_overflow_a_small_buffer(void)
{
	struct wf_error err = {0};
	char out[8] = "xxxxxxx";

	check_int(wf_validate_phone("081234567890", out, sizeof(out), &err), WF_ERR_INVALID);
	check_str(out, "xxxxxxx");
}

static void
nik_and_nip_of_one_person_agree_on_birth_date_and_sex(void)
{
	struct wf_nik_info nik;
	struct wf_nip_info nip;
	struct wf_error err = {0};

	check_int(wf_validate_nik_at("6172011501900001", TODAY, &nik, &err), WF_OK);
	check_int(wf_validate_nip_at("199001152015031001", TODAY, &nip, &err), WF_OK);
	check_int(wf_validate_nik_nip_agree(&nik, &nip, &err), WF_OK);
	/* One digit off in the NIP's day of birth. */
	check_int(wf_validate_nip_at("199001162015031001", TODAY, &nip, &err), WF_OK);
	check_int(wf_validate_nik_nip_agree(&nik, &nip, &err), WF_ERR_INVALID);
	check_str(err.field, "nip");
	check(strstr(err.message, "date of birth") != NULL);
	/* Same date, but the NIK is a woman's (day + 40) and the NIP a man's. */
	check_int(wf_validate_nik_at("6172015501900001", TODAY, &nik, &err), WF_OK);
	check_int(wf_validate_nip_at("199001152015031001", TODAY, &nip, &err), WF_OK);
	check_int(wf_validate_nik_nip_agree(&nik, &nip, &err), WF_ERR_INVALID);
	check(strstr(err.message, "sex") != NULL);
	check_int(wf_validate_nip_at("199001152015032001", TODAY, &nip, &err), WF_OK);
	check_int(wf_validate_nik_nip_agree(&nik, &nip, &err), WF_OK);
	check_int(wf_validate_nik_nip_agree(NULL, &nip, &err), WF_ERR_INVALID);
}

/* A field at its limit is stored whole; one byte more is refused whole, never cut. */
static void
applicant_fields_are_stored_whole_or_refused_naming_the_limit(void)
{
	static const struct {
		const char *field;
		size_t limit; /* bytes without the NUL */
	} fields[] = {
	    {"full_name", WF_NAME_MAX - 1},
	    {"nik", 16},
	    {"nip", 18},
	    {"email", WF_NAME_MAX - 1},
	    {"phone", 23},
	    {"position", WF_NAME_MAX - 1},
	    {"rank_grade", 63},
	    {"work_unit", WF_NAME_MAX - 1},
	    {"agency", WF_NAME_MAX - 1},
	    {"city", WF_NAME_MAX - 1},
	    {"province", WF_NAME_MAX - 1},
	};
	char value[WF_NAME_MAX + 8], limit[48];
	struct wf_applicant a;
	struct wf_error err;

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		memset(&a, 0, sizeof(a));
		memset(value, '7', fields[i].limit);
		value[fields[i].limit] = '\0';
		check_int(wf_applicant_set(&a, fields[i].field, value, &err), WF_OK);
		strcat(value, "8");
		memset(&err, 0, sizeof(err));
		struct wf_applicant before = a;
		snprintf(limit, sizeof(limit), "at most %zu", fields[i].limit);
		struct refused c = {value, limit};
		check_refused(wf_applicant_set(&a, fields[i].field, value, &err), &err,
			      fields[i].field, &c);
		/* the value stored before is still there, unchanged */
		if (!check(memcmp(&a, &before, sizeof(a)) == 0))
			tap_diag("    field %s was changed by a refused value", fields[i].field);
	}
	check_int(wf_applicant_set(&a, "password", "x", &err), WF_ERR_INVALID);
}

/* The issue's cases: what BSrE would be sent must be what the operator typed. */
static void
overlong_identifiers_and_phones_are_refused_not_shortened(void)
{
	struct wf_applicant a = {0};
	struct wf_error err = {0};
	char out[24];

	check_int(wf_applicant_set(&a, "nik", "61720115019000011", &err), WF_ERR_INVALID);
	check_str(a.nik, "");
	check(strstr(err.message, "17 bytes") != NULL && strstr(err.message, "16") != NULL);
	check_int(wf_applicant_set(&a, "nip", "1990011520150310011", &err), WF_ERR_INVALID);
	check_str(a.nip, "");
	check_int(wf_applicant_set(&a, "phone", "0812 3456 7890          ;rm -rf /", &err),
		  WF_ERR_INVALID);
	check_str(err.field, "phone");
	check_str(a.phone, "");
	/* short enough to fit, and still refused: it is not a phone number */
	check_int(wf_applicant_set(&a, "phone", "0812 3456 7890 ;rm -rf /", &err), WF_ERR_INVALID);
	check_int(wf_applicant_set(&a, "phone", "0812 3456 7890;rm -rf /", &err), WF_OK);
	check_int(wf_validate_phone(a.phone, out, sizeof(out), &err), WF_ERR_INVALID);
	check(strstr(err.message, "';'") != NULL);
	check_int(wf_text_copy(out, sizeof(out), "", "x", &err), WF_OK);
	check_str(out, "");
}

int
main(void)
{
	TAP_TEST(nik_of_a_singkawang_man_gives_region_birth_date_and_sex);
	TAP_TEST(nik_of_a_woman_carries_the_day_plus_40);
	TAP_TEST(nik_accepts_29_february_only_in_leap_years);
	TAP_TEST(nik_century_is_the_latest_not_after_today);
	TAP_TEST(nik_knows_every_province_including_the_new_papua_ones);
	TAP_TEST(nik_malformed_or_impossible_is_refused_naming_the_part);
	TAP_TEST(nik_validated_against_the_real_clock_accepts_a_past_birth);
	TAP_TEST(nip_gives_birth_date_appointment_and_sex);
	TAP_TEST(nip_valid_edges_are_accepted);
	TAP_TEST(nip_malformed_or_impossible_is_refused_naming_the_part);
	TAP_TEST(email_valid_addresses_are_accepted);
	TAP_TEST(email_malformed_is_refused_saying_why);
	TAP_TEST(email_over_254_characters_is_refused);
	TAP_TEST(email_outside_the_office_domain_is_refused);
	TAP_TEST(phone_numbers_as_typed_are_normalized_to_plus_62);
	TAP_TEST(phone_not_an_indonesian_mobile_is_refused_saying_why);
	TAP_TEST(phone_does_not_overflow_a_small_buffer);
	TAP_TEST(nik_and_nip_of_one_person_agree_on_birth_date_and_sex);
	TAP_TEST(applicant_fields_are_stored_whole_or_refused_naming_the_limit);
	TAP_TEST(overlong_identifiers_and_phones_are_refused_not_shortened);
	return tap_done();
}
