/*
 * options.c: option parsing from each command's table, the global options every command
 * accepts, and the help text generated from the same tables.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Global options, accepted before or after the command name. */
enum { GLOBAL_DB = 1000, GLOBAL_MODULE, GLOBAL_TOKEN, GLOBAL_JSON, GLOBAL_PIN_FD,
       GLOBAL_SO_PIN_FD, GLOBAL_LANG, GLOBAL_HELP, GLOBAL_COUNT };

static const struct {
	const char *name;
	int has_arg;
	const char *argument;
	const char *help;
} globals[] = {
	{ "db", required_argument, "FILE", N_("database file (default: ENROLL_DB or the system's)") },
	{ "module", required_argument, "PATH", N_("PKCS#11 module (default: ENROLL_MODULE or p11-kit's proxy)") },
	{ "token", required_argument, "URI|SERIAL|LABEL", N_("which token to use") },
	{ "json", no_argument, NULL, N_("machine-readable output") },
	{ "pin-fd", required_argument, "N", N_("read the user PIN from file descriptor N") },
	{ "so-pin-fd", required_argument, "N", N_("read the SO PIN from file descriptor N") },
	{ "lang", required_argument, "id|en", N_("language of messages") },
	{ "help", no_argument, NULL, N_("show this help") },
};
#define GLOBAL_N (sizeof(globals) / sizeof(globals[0]))

static void
print_option(const char *name, const char *argument, const char *help)
{
	char left[64];

	snprintf(left, sizeof(left), "--%s%s%s", name, argument ? " " : "", argument ? argument : "");
	printf("  %-28s %s\n", left, _(help));
}

static void
print_help(const struct cli_command *command, const struct cli_option *options)
{
	printf("%s: enroll %s%s%s %s\n", _("Usage"), command->name, command->subname ? " " : "",
	       command->subname ? command->subname : "", command->usage);
	printf("%s", _(command->summary));
	if (command->step > 0)
		printf(" (%s %d)", _("SOP step"), command->step);
	printf("\n\n%s:\n", _("Options"));
	for (const struct cli_option *o = options; o && o->name; o++)
		print_option(o->name, o->argument, o->help);
	printf("\n%s:\n", _("Global options"));
	for (size_t i = 0; i < GLOBAL_N; i++)
		print_option(globals[i].name, globals[i].argument, globals[i].help);
}

static int
parse_fd(const char *text, int *out)
{
	char *end;
	long v = strtol(text, &end, 10);

	if (*text == '\0' || *end != '\0' || v < 0 || v > 1024)
		return cli_fail_usage(_("not a file descriptor: %s"), text);
	*out = (int)v;
	return 0;
}

static int
set_global(struct cli *cli, int which, const char *arg)
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
		return parse_fd(arg, &cli->pin_fd);
	case GLOBAL_SO_PIN_FD:
		return parse_fd(arg, &cli->so_pin_fd);
	case GLOBAL_LANG:
		/* The language was applied by main() before any message was printed. */
		return 0;
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

int
cli_parse(struct cli *cli, const struct cli_command *command, int argc, char **argv,
	  const struct cli_option *options, char ***positional, int *npositional)
{
	struct option longopts[GLOBAL_N + 64];
	size_t n = 0, nlocal = 0;
	int c, r;

	for (size_t i = 0; i < GLOBAL_N; i++)
		longopts[n++] = (struct option){ globals[i].name, globals[i].has_arg, NULL,
						 GLOBAL_DB + (int)i };
	for (const struct cli_option *o = options; o && o->name && nlocal < 60; o++, nlocal++)
		longopts[n++] = (struct option){ o->name, o->kind == OPT_FLAG ? no_argument :
						 required_argument, NULL, (int)nlocal };
	longopts[n] = (struct option){ NULL, 0, NULL, 0 };
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		if (c == '?')
			return cli_fail_usage(_("unknown option: %s"), argv[optind - 1]);
		if (c == ':')
			return cli_fail_usage(_("option needs a value: %s"), argv[optind - 1]);
		if (c == GLOBAL_HELP) {
			print_help(command, options);
			return -1;
		}
		r = c >= GLOBAL_DB ? set_global(cli, c, optarg) : set_option(&options[c], optarg);
		if (r != 0)
			return r;
	}
	*positional = argv + optind;
	*npositional = argc - optind;
	return 0;
}

int
cli_parse_id(struct cli *cli, const struct cli_command *command, int argc, char **argv,
	     const struct cli_option *options, const char **id)
{
	char **rest;
	int nrest, r;

	if ((r = cli_parse(cli, command, argc, argv, options, &rest, &nrest)) != 0)
		return r;
	if (nrest != 1)
		return cli_fail_usage(_("give one application number, e.g. TTE/2026/0001"));
	*id = rest[0];
	return 0;
}

int
cli_parse_globals(struct cli *cli, int argc, char **argv)
{
	int i = 1, r;

	while (i < argc && strncmp(argv[i], "--", 2) == 0 && strcmp(argv[i], "--help") != 0) {
		const char *name = argv[i] + 2, *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		size_t g;

		for (g = 0; g < GLOBAL_N; g++)
			if (strlen(globals[g].name) == len && strncmp(globals[g].name, name, len) == 0)
				break;
		if (g == GLOBAL_N || g == GLOBAL_HELP - GLOBAL_DB)
			return -cli_fail_usage(_("unknown option: %s"), argv[i]);
		if (globals[g].has_arg == no_argument) {
			r = set_global(cli, GLOBAL_DB + (int)g, NULL);
		} else if (eq != NULL) {
			r = set_global(cli, GLOBAL_DB + (int)g, eq + 1);
		} else if (i + 1 < argc) {
			r = set_global(cli, GLOBAL_DB + (int)g, argv[++i]);
		} else {
			return -cli_fail_usage(_("option needs a value: %s"), argv[i]);
		}
		if (r != 0)
			return -r;
		i++;
	}
	return i;
}

void
cli_print_usage(void)
{
	size_t n, nexit;
	const struct cli_command *commands = cli_commands(&n);
	const struct cli_exit_code *codes = cli_exit_codes(&nexit);

	printf("%s: enroll [%s] %s [%s]\n\n", _("Usage"), _("OPTIONS"), _("COMMAND"), _("ARGS"));
	printf("%s\n\n%s:\n", _("Issue electronic-signature (TTE) certificates on tokens, "
				"following the SOP of the Persandian section."),
	       _("Commands"));
	for (size_t i = 0; i < n; i++) {
		char name[40];

		snprintf(name, sizeof(name), "%s%s%s", commands[i].name,
			 commands[i].subname ? " " : "", commands[i].subname ? commands[i].subname : "");
		if (commands[i].step > 0)
			printf("  %-18s %s %d: %s\n", name, _("step"), commands[i].step,
			       _(commands[i].summary));
		else
			printf("  %-18s %s\n", name, _(commands[i].summary));
	}
	printf("\n%s:\n", _("Global options"));
	for (size_t i = 0; i < GLOBAL_N; i++)
		print_option(globals[i].name, globals[i].argument, globals[i].help);
	printf("\n%s:\n", _("Exit status"));
	for (size_t i = 0; i < nexit; i++)
		printf("  %3d  %s\n", codes[i].status, _(codes[i].meaning));
}
