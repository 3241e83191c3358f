/*
 * refusals-pgsql.c: the server's own refusals in the operator's language. The schema's
 * functions refuse in the catalogue's English (a trigger cannot know the station's
 * language); a refusal that reads as one of these texts is put in the catalogue's words
 * with the same arguments (the login, the step, the states).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "workflow-int.h"

/*
 * The refusals the schema's functions raise (SQLSTATE EN001, EN002), word for word as in
 * schema-pgsql.c's SQL (an apostrophe there doubled).
 */
static const char *const refusals[] = {
    N_("the audit log is append-only"),
    N_("%s may not record an act as official %s"),
    N_("%s is not the Kasi: only the Kasi corrects the records"),
    N_("no step %s takes %s from %s by the %s"),
    N_("%s may not record step %s on behalf of official %s"),
    N_("%s is not the Kasi, who records the applicant's acts"),
    N_("%s is the %s; step %s is the %s's"),
    N_("a new application starts submitted"),
    N_("%s is not the Kasi: only the Kasi corrects an application"),
    N_("%s may not change %s from %s to %s without the act"),
    N_("%s is not the Kasi: %s are the Kasi's to record"),
    N_("%s may not write an audit row as %s"),
    N_("%s is not the Kasi: only the Kasi adds officials"),
    N_("audit row %s does not follow the chain's head, row %s"),
    NULL,
};

#define REFUSAL_ARGS 4

/*
 * Does message read as format (its %s standing for any text)? Each %s's text into args,
 * at most REFUSAL_ARGS of them, in buf.
 */
static bool
reads_as(const char *message, const char *format, char *buf, size_t size,
	 const char *args[REFUSAL_ARGS])
{
	const char *m = message, *f = format;
	size_t used = 0;
	int n = 0;

	for (int i = 0; i < REFUSAL_ARGS; i++)
		args[i] = "";
	while (*f) {
		if (strncmp(f, "%s", 2) != 0) {
			if (*m++ != *f++)
				return false;
			continue;
		}
		/* The text up to the format's next literal part (or to the end). */
		const char *next = f + 2, *stop = strstr(next, "%s");
		size_t part = stop ? (size_t)(stop - next) : strlen(next);
		const char *end = part == 0 ? (stop ? m : m + strlen(m)) : NULL;
		for (const char *p = m; !end && *p; p++)
			if (strncmp(p, next, part) == 0 && (stop || p[part] == '\0'))
				end = p;
		if (!end || n == REFUSAL_ARGS || used + (size_t)(end - m) + 1 > size)
			return false;
		memcpy(buf + used, m, (size_t)(end - m));
		buf[used + (size_t)(end - m)] = '\0';
		args[n++] = buf + used;
		used += (size_t)(end - m) + 1;
		m = end;
		f = next;
	}
	return *m == '\0';
}

/* text with its %s (or %N$s, as a translation may reorder them) standing for args. */
static void
fill_in(const char *text, const char *const args[REFUSAL_ARGS], char *out, size_t size)
{
	size_t used = 0;
	int next = 0;

	for (const char *t = text; *t && used + 1 < size; t++) {
		const char *arg = NULL;
		if (t[0] == '%' && t[1] == 's') {
			arg = next < REFUSAL_ARGS ? args[next++] : "";
			t++;
		} else if (t[0] == '%' && t[1] >= '1' && t[1] <= '0' + REFUSAL_ARGS &&
			   t[2] == '$' && t[3] == 's') {
			arg = args[t[1] - '1'];
			t += 3;
		}
		if (!arg) {
			out[used++] = *t;
			continue;
		}
		used += (size_t)snprintf(out + used, size - used, "%s", arg);
		if (used >= size)
			used = size - 1;
	}
	out[used] = '\0';
}

const char *
wf_pgsql_refusal_words(const char *message, char *out, size_t size)
{
	char buf[512];
	const char *args[REFUSAL_ARGS];

	for (size_t i = 0; refusals[i]; i++)
		if (reads_as(message, refusals[i], buf, sizeof(buf), args)) {
			fill_in(_(refusals[i]), args, out, size);
			return out;
		}
	return message;
}
