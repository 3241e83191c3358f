/*
 * output.c: printing helpers shared by the commands: JSON through json-c, times, and text
 * from the records made safe for a terminal.
 */
#include <string.h>
#include <time.h>

#include "cli.h"

void
cli_print_json(struct json_object *value)
{
	printf("%s\n", json_object_to_json_string_ext(value, JSON_C_TO_STRING_PRETTY |
								 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(value);
}

void
cli_json_add_string(struct json_object *object, const char *key, const char *value)
{
	if (value != NULL && value[0] != '\0')
		json_object_object_add(object, key, json_object_new_string(value));
}

void
cli_format_time(long long when, char *out, size_t size)
{
	time_t t = (time_t)when;
	struct tm tm;

	if (when <= 0 || localtime_r(&t, &tm) == NULL ||
	    strftime(out, size, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(out, size, "-");
}

const char *
cli_printable(const char *text, char *buf, size_t size)
{
	size_t used = 0, n;
	uint32_t cp;
	bool clean = true;

	for (const char *p = text; *p != '\0' && clean; p += n)
		clean = (n = wf_utf8_next(p, &cp)) != 0 && !wf_char_hidden(cp);
	if (clean || size == 0)
		return text;
	buf[0] = '\0';
	for (const char *p = text; *p != '\0' && used + 1 < size; p += n) {
		int w;

		if ((n = wf_utf8_next(p, &cp)) == 0) {
			w = snprintf(buf + used, size - used, "\\x%02X", (unsigned char)*p);
			n = 1;
		} else if (wf_char_hidden(cp)) {
			w = snprintf(buf + used, size - used, cp < 0x100 ? "\\x%02X" : "\\u%04X",
				     (unsigned)cp);
		} else {
			w = snprintf(buf + used, size - used, "%.*s", (int)n, p);
		}
		if (w < 0 || (size_t)w >= size - used)
			break;
		used += (size_t)w;
	}
	return buf;
}
