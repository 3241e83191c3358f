/*
 * output.c: printing helpers shared by the commands: JSON through json-c, times.
 */
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
