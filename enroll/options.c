/*
 * options.c: option parsing from each command's table and the global options every command
 * accepts. Names are matched in full: an abbreviation is refused, never guessed, so that
 * "--pin 739164" is an unknown option and not --pin-fd with a PIN for its value.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

enum global_option {
	GLOBAL_DB,
	GLOBAL_MODULE,
	GLOBAL_TOKEN,
	GLOBAL_JSON,
	GLOBAL_PIN_FD,
	GLOBAL_SO_PIN_FD,
	GLOBAL_LANG,
	GLOBAL_HELP,
};

/* In enum global_option's order; set_global() stores them into struct cli. */
static const struct cli_option globals[] = {
    {"db", OPT_STRING, NULL, "FILE", N_("database file (default: ENROLL_DB or the system's)"),
     false},
    {"module", OPT_STRING, NULL, "PATH",
     N_("PKCS#11 module (default: ENROLL_MODULE or p11-kit's proxy)"), false},
    {"token", OPT_STRING, NULL, "URI|SERIAL|LABEL", N_("which token to use"), false},
    {"json", OPT_FLAG, NULL, NULL, N_("machine-readable output"), false},
    {"pin-fd", OPT_STRING, NULL, "N", N_("read the user PIN from file descriptor N"), false},
    {"so-pin-fd", OPT_STRING, NULL, "N", N_("read the SO PIN from file descriptor N"), false},
    {"lang", OPT_STRING, NULL, "id|en", N_("language of messages"), false},
    {"help", OPT_FLAG, NULL, NULL, N_("show this help"), false},
    {NULL},
};

const struct cli_option *
cli_global_options(void)
{
	return globals;
}

/* Optimal string alignment distance: a swap of two letters ("lsit") counts as one edit. */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), d[33][33];

	if (la > 32 || lb > 32)
		return (size_t)-1;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1], best = d[i - 1][j - 1] + cost;

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

const char *
cli_nearest(const char *word, const char *const *candidates, size_t count)
{
	/* Close: one edit in a short word, two in a longer one, or the start of a name. */
	size_t len = strlen(word), limit = len <= 4 ? 1 : 2, best = (size_t)-1;
	const char *nearest = NULL;

	for (size_t i = 0; i < count; i++) {
		size_t d = edit_distance(word, candidates[i]);

		if (len >= 2 && strncmp(candidates[i], word, len) == 0 && d > limit)
			d = limit;
		if (d <= limit && d < best) {
			best = d;
			nearest = candidates[i];
		}
	}
	return nearest;
}

static const struct cli_option *
find_option(const struct cli_option *table, const char *name, size_t len)
{
	for (const struct cli_option *o = table; o != NULL && o->name != NULL; o++)
		if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o;
	return NULL;
}

/* Only the option's name is shown, never a value typed with it (it may be a PIN). */
static int
fail_unknown_option(const struct cli_option *local, const char *name, size_t len)
{
	const char *names[128];
	char typed[64];
	size_t n = 0;
	const char *nearest;

	snprintf(typed, sizeof(typed), "%.*s", (int)len, name);
	for (const struct cli_option *o = local; o != NULL && o->name != NULL && n < 64; o++)
		names[n++] = o->name;
	for (const struct cli_option *o = globals; o->name != NULL; o++)
		names[n++] = o->name;
	if ((nearest = cli_nearest(typed, names, n)) != NULL)
		return cli_fail_usage(_("unknown option: --%s (did you mean --%s?)"), typed,
				      nearest);
	return cli_fail_usage(_("unknown option: --%s"), typed);
}

/* The value is not shown: --pin-fd and --so-pin-fd are where a PIN typed by mistake lands. */
static int
parse_fd(const char *option, const char *text, int *out)
{
	char *end;
	long v = strtol(text, &end, 10);

	if (*text == '\0' || *end != '\0' || v < 0 || v > 1024)
		return cli_fail_usage(_("--%s takes a file descriptor number (0 to 1024)"), option);
	*out = (int)v;
	return 0;
}

static int
set_global(struct cli *cli, enum global_option which, const char *arg)
{
	switch (which) {
	case GLOBAL_DB:
		cli->db_path = arg;
		return 0;
	case GLOBAL_MODULE:
		cli->module_path = arg;
		return 0;
	case GLOBAL_TOKEN:
		cli->token_selector = arg;
		return 0;
	case GLOBAL_JSON:
		cli->json = true;
		return 0;
	case GLOBAL_PIN_FD:
		return parse_fd(globals[which].name, arg, &cli->pin_fd);
	case GLOBAL_SO_PIN_FD:
		return parse_fd(globals[which].name, arg, &cli->so_pin_fd);
	case GLOBAL_LANG:
		/* main() checked it and applied the language before any message was printed. */
		return 0;
	case GLOBAL_HELP:
		break;
	}
	return EXIT_INTERNAL;
}

static int
set_option(const struct cli_option *o, const char *arg)
{
	char *end;
	struct cli_list *list;

	switch (o->kind) {
	case OPT_FLAG:
		*(bool *)o->target = true;
		return 0;
	case OPT_STRING:
		*(const char **)o->target = arg;
		return 0;
	case OPT_INT:
		*(int *)o->target = (int)strtol(arg, &end, 10);
		if (*arg == '\0' || *end != '\0')
			return cli_fail_usage(_("--%s needs a number, not '%s'"), o->name, arg);
		return 0;
	case OPT_LIST:
		list = o->target;
		if (list->count >= CLI_LIST_MAX)
			return cli_fail_usage(_("--%s given too many times"), o->name);
		list->items[list->count++] = arg;
		return 0;
	}
	return EXIT_INTERNAL;
}

/*
 * argv[*i] is "--NAME" or "--NAME=VALUE": find it in local (then the globals), take its
 * value and store it. *help is set for --help. Returns an exit status, 0 when taken.
 */
static int
take_option(struct cli *cli, const struct cli_option *local, int argc, char **argv, int *i,
	    bool *help)
{
	const char *name = argv[*i] + 2, *eq = strchr(name, '='), *value = NULL;
	size_t len = eq != NULL ? (size_t)(eq - name) : strlen(name);
	const struct cli_option *o = find_option(local, name, len);
	bool global = o == NULL;

	if (global && (o = find_option(globals, name, len)) == NULL)
		return fail_unknown_option(local, name, len);
	if (o->kind == OPT_FLAG && eq != NULL)
		return cli_fail_usage(_("option takes no value: --%s"), o->name);
	if (o->kind != OPT_FLAG) {
		if (eq == NULL && *i + 1 >= argc)
			return cli_fail_usage(_("option needs a value: --%s"), o->name);
		value = eq != NULL ? eq + 1 : argv[++*i];
	}
	if (global && o - globals == GLOBAL_HELP) {
		*help = true;
		return 0;
	}
	return global ? set_global(cli, (enum global_option)(o - globals), value)
		      : set_option(o, value);
}

/* A required option left out is named as the usage line shows it; an empty value counts as none. */
static int
check_required(const struct cli_command *command)
{
	for (const struct cli_option *o = command->options; o != NULL && o->name != NULL; o++) {
		const char *text = o->kind == OPT_STRING ? *(const char **)o->target : NULL;
		bool given = o->kind == OPT_LIST
				 ? ((const struct cli_list *)o->target)->count > 0
				 : o->kind != OPT_STRING || (text != NULL && text[0] != '\0');

		if (o->required && !given)
			return cli_fail_usage(_("missing option: --%s %s"), o->name, o->argument);
	}
	return 0;
}

int
cli_parse(struct cli *cli, const struct cli_command *command, int argc, char **argv,
	  char ***positional, int *npositional)
{
	int n = 0, r;
	bool help = false;

	/* Positional arguments are moved to argv[1..n], over arguments already read. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			while (++i < argc)
				argv[1 + n++] = argv[i];
			break;
		}
		if (strncmp(argv[i], "--", 2) != 0) {
			if (argv[i][0] == '-' && argv[i][1] != '\0')
				return cli_fail_usage(_("unknown option: %.2s"), argv[i]);
			argv[1 + n++] = argv[i];
			continue;
		}
		if ((r = take_option(cli, command->options, argc, argv, &i, &help)) != 0)
			return r;
		if (help) {
			cli_print_help(command);
			return -1;
		}
	}
	if ((r = check_required(command)) != 0)
		return r;
	*positional = argv + 1;
	*npositional = n;
	return 0;
}

/* "tte/2026/0003" is TTE/2026/0003; a bare "3" is this year's TTE/<year>/0003. */
int
cli_normalize_number(const char *text, char number[WF_NUMBER_MAX])
{
	size_t len = strlen(text), digits = strspn(text, "0123456789");
	time_t now = time(NULL);
	struct tm tm;

	if (len == 0 || len >= WF_NUMBER_MAX)
		return cli_fail_usage(_("not an application number (e.g. TTE/2026/0001 or 1)"));
	if (digits == len) {
		int seq = (int)strtol(text, NULL, 10);

		if (len > 6 || seq <= 0 || localtime_r(&now, &tm) == NULL)
			return cli_fail_usage(
			    _("not an application number (e.g. TTE/2026/0001 or 1)"));
		snprintf(number, WF_NUMBER_MAX, "TTE/%04d/%04d", (tm.tm_year + 1900) % 10000, seq);
		return 0;
	}
	for (size_t i = 0; i <= len; i++)
		number[i] = (char)toupper((unsigned char)text[i]);
	return 0;
}

int
cli_parse_id(struct cli *cli, const struct cli_command *command, int argc, char **argv,
	     char number[WF_NUMBER_MAX])
{
	char **rest;
	int nrest, r;

	if ((r = cli_parse(cli, command, argc, argv, &rest, &nrest)) != 0)
		return r;
	if (nrest != 1)
		return cli_fail_usage(_("give one application number, e.g. TTE/2026/0001"));
	return cli_normalize_number(rest[0], number);
}

int
cli_parse_operand(struct cli *cli, const struct cli_command *command, int argc, char **argv,
		  const char **operand)
{
	char **rest;
	int nrest, r;

	if ((r = cli_parse(cli, command, argc, argv, &rest, &nrest)) != 0)
		return r;
	if (nrest != 1)
		return cli_fail_usage_line(command);
	*operand = rest[0];
	return 0;
}

int
cli_parse_globals(struct cli *cli, int argc, char **argv)
{
	int i = 1, r;
	bool help = false;

	while (i < argc && strncmp(argv[i], "--", 2) == 0 && argv[i][2] != '\0' &&
	       strcmp(argv[i], "--help") != 0 && !cli_is_query(argv[i])) {
		if ((r = take_option(cli, NULL, argc, argv, &i, &help)) != 0)
			return -r;
		i++;
	}
	return i;
}
