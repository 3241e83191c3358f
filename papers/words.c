/*
 * words.c: what papers say in words: dates in Indonesian ("1 Desember 2026") or English,
 * the time with the office's zone (WIB, WITA, WIT: the zones of Indonesia as one table),
 * and the office's document number pattern filled in.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "papers-int.h"

static const struct {
	const char *name;
	long offset; /* seconds east of UTC */
} zones[] = {
    {"WIB", 7 * 3600},	/* Sumatra, Java, West and Central Kalimantan */
    {"WITA", 8 * 3600}, /* Bali, Nusa Tenggara, South, East and North Kalimantan, Sulawesi */
    {"WIT", 9 * 3600},	/* Maluku, Papua */
};

static const char *const months_id[12] = {"Januari",   "Februari", "Maret",    "April",
					  "Mei",       "Juni",	   "Juli",     "Agustus",
					  "September", "Oktober",  "November", "Desember"};
static const char *const months_en[12] = {"January",   "February", "March",    "April",
					  "May",       "June",	   "July",     "August",
					  "September", "October",  "November", "December"};
static const char *const days_id[7] = {"Minggu", "Senin", "Selasa", "Rabu",
				       "Kamis",	 "Jumat", "Sabtu"};
static const char *const days_en[7] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
				       "Thursday", "Friday", "Saturday"};
static const char *const roman[12] = {"I",   "II",   "III", "IV", "V",	"VI",
				      "VII", "VIII", "IX",  "X",  "XI", "XII"};

long
pp_zone_offset(const char *zone)
{
	for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
		if (zone != NULL && strcmp(zones[i].name, zone) == 0)
			return zones[i].offset;
	return zones[0].offset;
}

bool
pp_zone_known(const char *zone)
{
	for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
		if (strcmp(zones[i].name, zone) == 0)
			return true;
	return false;
}

/* The calendar in the office's zone, whatever the machine's TZ says. */
static void
office_tm(int64_t when, const char *zone, struct tm *tm)
{
	time_t t = (time_t)(when + pp_zone_offset(zone));

	gmtime_r(&t, tm);
}

void
pp_date_words(int64_t when, const char *zone, bool indonesian, char *out, size_t size)
{
	struct tm tm;

	office_tm(when, zone, &tm);
	snprintf(out, size, "%d %s %d", tm.tm_mday, (indonesian ? months_id : months_en)[tm.tm_mon],
		 tm.tm_year + 1900);
}

const char *
pp_weekday(int64_t when, const char *zone, bool indonesian)
{
	struct tm tm;

	office_tm(when, zone, &tm);
	return (indonesian ? days_id : days_en)[tm.tm_wday];
}

void
pp_time_words(int64_t when, const char *zone, bool indonesian, char *out, size_t size)
{
	struct tm tm;

	office_tm(when, zone, &tm);
	/* Indonesian writes the hour with a dot (10.15 WIB). */
	snprintf(out, size, "%02d%s%02d %s", tm.tm_hour, indonesian ? "." : ":", tm.tm_min,
		 pp_zone_known(zone) ? zone : "WIB");
}

/* Append text to out, cut at its size (a pattern is the office's, of bounded length). */
static size_t
append(char *out, size_t size, size_t used, const char *text)
{
	int n = snprintf(out + used, used < size ? size - used : 0, "%s", text);

	return used + (size_t)(n > 0 ? n : 0);
}

void
pp_number(const char *pattern, const struct wf_paper *paper, const char *kind, char *out,
	  size_t size)
{
	struct tm tm;
	char seq[24], year[8];
	size_t used = 0;

	office_tm(paper->issued_at, "WIB", &tm);
	snprintf(seq, sizeof(seq), "%lld", (long long)paper->seq);
	snprintf(year, sizeof(year), "%d", paper->year);
	out[0] = '\0';
	for (const char *p = pattern; *p != '\0' && used < size;) {
		const struct {
			const char *word, *value;
		} words[] = {{"<seq>", seq},
			     {"<year>", year},
			     {"<month>", roman[tm.tm_mon]},
			     {"<kind>", kind}};
		size_t i = 0;

		while (i < 4 && strncmp(p, words[i].word, strlen(words[i].word)) != 0)
			i++;
		if (i < 4) {
			used = append(out, size, used, words[i].value);
			p += strlen(words[i].word);
		} else {
			char one[2] = {*p++, '\0'};

			used = append(out, size, used, one);
		}
	}
}
