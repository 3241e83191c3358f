/*
 * validate.c: the applicant's identifiers as BSrE's registration asks for them: NIK (KTP
 * number), NIP (civil servant number), corporate email and mobile phone. Each validator
 * says which field is wrong and why, so the operator can correct it before BSrE refuses it.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "workflow-int.h"

/*
 * Province codes as Kemendagri assigns them (Permendagri 72/2019, Kepmendagri
 * 100.1.1-6117/2022 for the four Papua provinces created in 2022: 93-96). A NIK keeps
 * the code of the region that issued it, so 91 and 92 stay valid for all of Papua.
 */
static const struct {
	int code;
	const char *name;
} provinces[] = {
    {11, "Aceh"},
    {12, "Sumatera Utara"},
    {13, "Sumatera Barat"},
    {14, "Riau"},
    {15, "Jambi"},
    {16, "Sumatera Selatan"},
    {17, "Bengkulu"},
    {18, "Lampung"},
    {19, "Kepulauan Bangka Belitung"},
    {21, "Kepulauan Riau"},
    {31, "DKI Jakarta"},
    {32, "Jawa Barat"},
    {33, "Jawa Tengah"},
    {34, "DI Yogyakarta"},
    {35, "Jawa Timur"},
    {36, "Banten"},
    {51, "Bali"},
    {52, "Nusa Tenggara Barat"},
    {53, "Nusa Tenggara Timur"},
    {61, "Kalimantan Barat"},
    {62, "Kalimantan Tengah"},
    {63, "Kalimantan Selatan"},
    {64, "Kalimantan Timur"},
    {65, "Kalimantan Utara"},
    {71, "Sulawesi Utara"},
    {72, "Sulawesi Tengah"},
    {73, "Sulawesi Selatan"},
    {74, "Sulawesi Tenggara"},
    {75, "Gorontalo"},
    {76, "Sulawesi Barat"},
    {81, "Maluku"},
    {82, "Maluku Utara"},
    {91, "Papua"},
    {92, "Papua Barat"},
    {93, "Papua Selatan"},
    {94, "Papua Tengah"},
    {95, "Papua Pegunungan"},
    {96, "Papua Barat Daya"},
};

/*
 * Indonesian mobile numbers: 08 then the operator's second digit (81x Telkomsel/Indosat,
 * 82x Telkomsel, 83x Axis, 85x Telkomsel/Indosat, 87x XL, 88x Smartfren, 89x Tri). 80,
 * 84 and 86 are not mobile ranges. The national number after the 0 is 9 to 12 digits.
 */
static const char mobile_second_digits[] = "1235789";
#define PHONE_NATIONAL_MIN 9
#define PHONE_NATIONAL_MAX 12

/* RFC 5321 limits, and the characters RFC 5322 allows in an unquoted local part. */
#define EMAIL_MAX 254
#define EMAIL_LOCAL_MAX 64
#define EMAIL_LABEL_MAX 63
static const char email_local_specials[] = "!#$%&'*+/=?^_`{|}~-";

/* A NIP holder must have been at least this old when appointed (UU ASN's minimum age). */
#define NIP_MIN_AGE_YEARS 18

static int invalid(struct wf_error *err, const char *field, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* Fills err: WF_ERR_INVALID, the field's name ("nik", "email", ...), the reason. */
static int
invalid(struct wf_error *err, const char *field, const char *format, ...)
{
	va_list ap;

	if (err != NULL) {
		err->code = WF_ERR_INVALID;
		snprintf(err->field, sizeof(err->field), "%s", field);
		va_start(ap, format);
		vsnprintf(err->message, sizeof(err->message), format, ap);
		va_end(ap);
	}
	return WF_ERR_INVALID;
}

static bool
is_leap_year(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int
days_in_month(int year, int month)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (month == 2 && is_leap_year(year))
		return 29;
	return days[month - 1];
}

static bool
is_calendar_date(int year, int month, int day)
{
	return month >= 1 && month <= 12 && day >= 1 && day <= days_in_month(year, month);
}

/* A date as one comparable number, YYYYMMDD. */
static long
date_key(int year, int month, int day)
{
	return (long)year * 10000 + month * 100 + day;
}

/* The office works in local time (WIB for Singkawang): "today" is the local date. */
static void
today_of(int64_t now, int *year, int *month, int *day)
{
	time_t t = (time_t)now;
	struct tm tm;

	localtime_r(&t, &tm);
	*year = tm.tm_year + 1900;
	*month = tm.tm_mon + 1;
	*day = tm.tm_mday;
}

/* The value of n decimal digits at s; the caller has checked they are digits. */
static int
digits_value(const char *s, size_t n)
{
	int value = 0;

	for (size_t i = 0; i < n; i++)
		value = value * 10 + (s[i] - '0');
	return value;
}

static bool
all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

static const char *
province_name(int code)
{
	for (size_t i = 0; i < sizeof(provinces) / sizeof(provinces[0]); i++)
		if (provinces[i].code == code)
			return provinces[i].name;
	return NULL;
}

/* Checks the length and that every character is a digit; names the field when not. */
static int
check_digit_string(const char *field, const char *label, const char *value, size_t length,
		   struct wf_error *err)
{
	size_t n;

	if (value == NULL || *value == '\0')
		return invalid(err, field, _("%s is empty: it must be %zu digits"), label, length);
	n = strlen(value);
	if (!all_digits(value, n))
		return invalid(err, field, _("%s must contain only digits (no spaces or dots)"),
			       label);
	if (n != length)
		return invalid(err, field, _("%s has %zu digits: it must be exactly %zu"), label, n,
			       length);
	return WF_OK;
}

/*
 * A NIK's two-digit year has no century: take the latest century in which the birth
 * date is not after today (a NIK is issued from birth, so babies have one too).
 */
static int
nik_birth_year(int two_digit_year, int month, int day, int64_t now)
{
	int year, this_year, this_month, this_day;

	today_of(now, &this_year, &this_month, &this_day);
	year = (this_year / 100) * 100 + two_digit_year;
	if (date_key(year, month, day) > date_key(this_year, this_month, this_day))
		year -= 100;
	return year;
}

static int
check_nik_region(const char *nik, struct wf_nik_info *out, struct wf_error *err)
{
	int province = digits_value(nik, 2);
	const char *name = province_name(province);

	if (name == NULL)
		return invalid(err, "nik",
			       _("NIK digits 1-2 (province code) %02d is not an Indonesian "
				 "province"),
			       province);
	if (digits_value(nik + 2, 2) == 0)
		return invalid(err, "nik", _("NIK digits 3-4 (regency/city code) must not be 00"));
	if (digits_value(nik + 4, 2) == 0)
		return invalid(err, "nik", _("NIK digits 5-6 (district code) must not be 00"));
	out->province = name;
	memcpy(out->region, nik, 6);
	out->region[6] = '\0';
	/* Kemendagri numbers cities (kota) from 71, regencies (kabupaten) below. */
	out->is_city = digits_value(nik + 2, 2) >= 71;
	return WF_OK;
}

static int
check_nik_birth(const char *nik, int64_t now, struct wf_nik_info *out, struct wf_error *err)
{
	int day = digits_value(nik + 6, 2);
	int month = digits_value(nik + 8, 2);
	int year;
	bool female = false;

	/* Women's NIKs carry the day of birth plus 40. */
	if (day > 40) {
		day -= 40;
		female = true;
	}
	if (day == 0)
		return invalid(err, "nik",
			       _("NIK digits 7-8 (day of birth, +40 for women) must be 01-31 "
				 "or 41-71, not %.2s"),
			       nik + 6);
	if (month < 1 || month > 12)
		return invalid(err, "nik",
			       _("NIK digits 9-10 (month of birth) must be 01-12, not %.2s"),
			       nik + 8);
	year = nik_birth_year(digits_value(nik + 10, 2), month, day, now);
	if (!is_calendar_date(year, month, day))
		return invalid(err, "nik",
			       _("NIK digits 7-12 (date of birth) %.6s: %04d-%02d has no day "
				 "%d%s"),
			       nik + 6, year, month, day,
			       female ? _(" (after removing the 40 added for women)") : "");
	out->birth_year = year;
	out->birth_month = month;
	out->birth_day = day;
	out->birth_year2 = digits_value(nik + 10, 2);
	out->female = female;
	return WF_OK;
}

int
wf_validate_nik_at(const char *nik, int64_t now, struct wf_nik_info *out, struct wf_error *err)
{
	struct wf_nik_info info;
	int r;

	memset(&info, 0, sizeof(info));
	if ((r = check_digit_string("nik", "NIK", nik, 16, err)) != WF_OK)
		return r;
	if ((r = check_nik_region(nik, &info, err)) != WF_OK)
		return r;
	if ((r = check_nik_birth(nik, now, &info, err)) != WF_OK)
		return r;
	if ((info.serial = digits_value(nik + 12, 4)) == 0)
		return invalid(err, "nik",
			       _("NIK digits 13-16 (sequence number) must not be 0000"));
	if (out != NULL)
		*out = info;
	return WF_OK;
}

int
wf_validate_nik(const char *nik, struct wf_nik_info *out, struct wf_error *err)
{
	return wf_validate_nik_at(nik, time(NULL), out, err);
}

static int
check_nip_birth(const char *nip, long today, struct wf_nip_info *out, struct wf_error *err)
{
	int year = digits_value(nip, 4);
	int month = digits_value(nip + 4, 2);
	int day = digits_value(nip + 6, 2);

	if (year < 1900 || !is_calendar_date(year, month, day))
		return invalid(err, "nip",
			       _("NIP digits 1-8 (date of birth, YYYYMMDD) %.8s is not a "
				 "calendar date"),
			       nip);
	if (date_key(year, month, day) > today)
		return invalid(err, "nip",
			       _("NIP digits 1-8 (date of birth) %.8s is in the future"), nip);
	out->birth_year = year;
	out->birth_month = month;
	out->birth_day = day;
	return WF_OK;
}

static int
check_nip_appointment(const char *nip, long today, struct wf_nip_info *out, struct wf_error *err)
{
	int year = digits_value(nip + 8, 4);
	int month = digits_value(nip + 12, 2);
	long appointed = (long)year * 100 + month;
	long adult = (long)(out->birth_year + NIP_MIN_AGE_YEARS) * 100 + out->birth_month;

	if (month < 1 || month > 12)
		return invalid(err, "nip",
			       _("NIP digits 13-14 (month of appointment) must be 01-12, "
				 "not %.2s"),
			       nip + 12);
	if (appointed > today / 100)
		return invalid(err, "nip",
			       _("NIP digits 9-14 (appointment, YYYYMM) %.6s is in the future"),
			       nip + 8);
	if (appointed < adult)
		return invalid(err, "nip",
			       _("NIP digits 9-14 (appointment) %.6s is before the holder "
				 "turned %d (born %.8s)"),
			       nip + 8, NIP_MIN_AGE_YEARS, nip);
	out->appointment_year = year;
	out->appointment_month = month;
	return WF_OK;
}

int
wf_validate_nip_at(const char *nip, int64_t now, struct wf_nip_info *out, struct wf_error *err)
{
	struct wf_nip_info info;
	int year, month, day, r;
	long today;

	memset(&info, 0, sizeof(info));
	if ((r = check_digit_string("nip", "NIP", nip, 18, err)) != WF_OK)
		return r;
	today_of(now, &year, &month, &day);
	today = date_key(year, month, day);
	if ((r = check_nip_birth(nip, today, &info, err)) != WF_OK)
		return r;
	if ((r = check_nip_appointment(nip, today, &info, err)) != WF_OK)
		return r;
	if (nip[14] != '1' && nip[14] != '2')
		return invalid(err, "nip",
			       _("NIP digit 15 (sex) must be 1 (male) or 2 (female), not %c"),
			       nip[14]);
	if ((info.sequence = digits_value(nip + 15, 3)) == 0)
		return invalid(err, "nip", _("NIP digits 16-18 (sequence number) must not be 000"));
	info.female = nip[14] == '2';
	if (out != NULL)
		*out = info;
	return WF_OK;
}

int
wf_validate_nip(const char *nip, struct wf_nip_info *out, struct wf_error *err)
{
	return wf_validate_nip_at(nip, time(NULL), out, err);
}

static int
check_email_local(const char *local, size_t n, struct wf_error *err)
{
	if (n == 0)
		return invalid(err, "email", _("email has nothing before the @"));
	if (n > EMAIL_LOCAL_MAX)
		return invalid(err, "email",
			       _("email's part before the @ is %zu characters: at most %d"), n,
			       EMAIL_LOCAL_MAX);
	if (local[0] == '.' || local[n - 1] == '.')
		return invalid(err, "email",
			       _("email's part before the @ must not start or end with a dot"));
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)local[i];

		if (c == '.' && local[i + 1] == '.')
			return invalid(err, "email", _("email must not contain two dots in a row"));
		if (!isalnum(c) && c != '.' && strchr(email_local_specials, c) == NULL)
			return invalid(err, "email",
				       _("email contains a character not allowed before the "
					 "@ (0x%02x)"),
				       c);
	}
	return WF_OK;
}

static int
check_email_label(const char *label, size_t n, bool last, struct wf_error *err)
{
	if (n == 0)
		return invalid(err, "email",
			       _("email's domain has an empty part (a dot at the start, the "
				 "end, or two in a row)"));
	if (n > EMAIL_LABEL_MAX)
		return invalid(err, "email",
			       _("email's domain has a part longer than %d characters"),
			       EMAIL_LABEL_MAX);
	if (label[0] == '-' || label[n - 1] == '-')
		return invalid(err, "email",
			       _("email's domain has a part starting or ending with '-'"));
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)label[i];

		if (!isalnum(c) && c != '-')
			return invalid(err, "email",
				       _("email's domain contains a character not allowed "
					 "(0x%02x)"),
				       c);
		if (last && !isalpha(c))
			return invalid(err, "email",
				       _("email's top-level domain must be letters only"));
	}
	if (last && n < 2)
		return invalid(err, "email",
			       _("email's top-level domain must be at least two letters"));
	return WF_OK;
}

static int
check_email_domain(const char *domain, struct wf_error *err)
{
	const char *label = domain, *dot;
	int r;

	if (strchr(domain, '.') == NULL)
		return invalid(err, "email", _("email's domain \"%s\" has no dot"), domain);
	for (;;) {
		dot = strchr(label, '.');
		r = check_email_label(label, dot ? (size_t)(dot - label) : strlen(label),
				      dot == NULL, err);
		if (r != WF_OK || dot == NULL)
			return r;
		label = dot + 1;
	}
}

/* "x.go.id" ends with ".go.id"; a suffix without its leading dot also matches exactly. */
static bool
domain_has_suffix(const char *domain, const char *suffix)
{
	size_t d = strlen(domain), s = strlen(suffix);

	if (suffix[0] == '.' && d == s - 1 && strcasecmp(domain, suffix + 1) == 0)
		return true;
	if (d < s || strcasecmp(domain + d - s, suffix) != 0)
		return false;
	return suffix[0] == '.' || d == s || domain[d - s - 1] == '.';
}

int
wf_validate_email(const char *email, struct wf_error *err)
{
	return wf_validate_email_domain(email, NULL, err);
}

int
wf_validate_email_domain(const char *email, const char *domain_suffix, struct wf_error *err)
{
	const char *at;
	size_t n;
	int r;

	if (email == NULL || *email == '\0')
		return invalid(err, "email", _("email is empty"));
	n = strlen(email);
	if (n > EMAIL_MAX)
		return invalid(err, "email", _("email is %zu characters: at most %d"), n,
			       EMAIL_MAX);
	at = strchr(email, '@');
	if (at == NULL)
		return invalid(err, "email", _("email has no @"));
	if (strchr(at + 1, '@') != NULL)
		return invalid(err, "email", _("email has more than one @"));
	if ((r = check_email_local(email, (size_t)(at - email), err)) != WF_OK)
		return r;
	if ((r = check_email_domain(at + 1, err)) != WF_OK)
		return r;
	if (domain_suffix != NULL && *domain_suffix != '\0' &&
	    !domain_has_suffix(at + 1, domain_suffix))
		return invalid(err, "email",
			       _("email's domain \"%s\" is not the office's (must end with "
				 "\"%s\")"),
			       at + 1, domain_suffix);
	return WF_OK;
}

/*
 * Keeps the digits of a phone number as typed, allowing spaces, dashes, dots and
 * parentheses between them and one leading '+'. Fails on anything else.
 */
static int
phone_digits(const char *input, char *digits, size_t size, bool *plus, struct wf_error *err)
{
	size_t n = 0;

	*plus = false;
	for (const char *p = input; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '+' && n == 0 && !*plus)
			*plus = true;
		else if (isdigit(c)) {
			if (n + 1 >= size)
				return invalid(err, "phone", _("phone number has too many digits"));
			digits[n++] = (char)c;
		} else if (strchr(" -.()", c) == NULL)
			return invalid(err, "phone",
				       _("phone number contains '%c': only digits, spaces, "
					 "dashes and a leading + are allowed"),
				       c);
	}
	digits[n] = '\0';
	return WF_OK;
}

/* From what was typed to the national number after the country code or trunk 0. */
static int
phone_national(const char *digits, bool plus, const char **national, struct wf_error *err)
{
	if (strncmp(digits, "62", 2) == 0) {
		*national = digits + 2;
		/* "+62 0812..." is a common way of writing it: the trunk 0 is dropped. */
		if (**national == '0')
			(*national)++;
	} else if (plus)
		return invalid(err, "phone", _("phone number must be Indonesian (+62), not +%.3s"),
			       digits);
	else if (digits[0] == '0')
		*national = digits + 1;
	else
		return invalid(err, "phone", _("phone number must start with 08, 628 or +628"));
	return WF_OK;
}

int
wf_validate_phone(const char *input, char *normalized, size_t size, struct wf_error *err)
{
	char digits[32];
	const char *national = digits;
	size_t n;
	bool plus;
	int r;

	if (input == NULL || *input == '\0')
		return invalid(err, "phone", _("phone number is empty"));
	if ((r = phone_digits(input, digits, sizeof(digits), &plus, err)) != WF_OK)
		return r;
	if (digits[0] == '\0')
		return invalid(err, "phone", _("phone number has no digits"));
	if ((r = phone_national(digits, plus, &national, err)) != WF_OK)
		return r;
	if (national[0] != '8' || national[1] == '\0' ||
	    strchr(mobile_second_digits, national[1]) == NULL)
		return invalid(err, "phone",
			       _("phone number must be a mobile number (08 then 1, 2, 3, "
				 "5, 7, 8 or 9)"));
	n = strlen(national);
	if (n < PHONE_NATIONAL_MIN || n > PHONE_NATIONAL_MAX)
		return invalid(err, "phone",
			       _("phone number has %zu digits after 0: a mobile number has "
				 "%d to %d"),
			       n, PHONE_NATIONAL_MIN, PHONE_NATIONAL_MAX);
	if (normalized != NULL && size < 4 + n)
		return invalid(err, "phone", _("phone number does not fit the %zu bytes given"),
			       size);
	if (normalized != NULL)
		snprintf(normalized, size, "+62%s", national);
	return WF_OK;
}

int
wf_validate_nik_nip_agree(const struct wf_nik_info *nik, const struct wf_nip_info *nip,
			  struct wf_error *err)
{
	if (nik == NULL || nip == NULL)
		return invalid(err, "nip", _("NIP cannot be compared: NIK or NIP missing"));
	/* The NIK holds only two digits of the year. */
	if (nik->birth_year2 != nip->birth_year % 100 || nik->birth_month != nip->birth_month ||
	    nik->birth_day != nip->birth_day)
		return invalid(err, "nip",
			       _("NIP date of birth %04d-%02d-%02d differs from the NIK's "
				 "(day %02d, month %02d, year ..%02d)"),
			       nip->birth_year, nip->birth_month, nip->birth_day, nik->birth_day,
			       nik->birth_month, nik->birth_year2);
	if (nik->female != nip->female)
		return invalid(err, "nip", _("NIP sex (%s) differs from the NIK's (%s)"),
			       nip->female ? _("female") : _("male"),
			       nik->female ? _("female") : _("male"));
	return WF_OK;
}
