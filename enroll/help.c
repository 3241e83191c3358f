/*
 * help.c: everything that describes the commands, generated from the dispatch table and the
 * option tables: usage lines, --help, the top-level help, and the hidden interface that bash
 * completion and the man page test read (--list-commands, --list-options, ...).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define USAGE_MAX 1024

static void
format_name(const struct cli_command *command, char *out, size_t size)
{
	snprintf(out, size, "%s%s%s", command->name, command->subname ? " " : "",
		 command->subname ? command->subname : "");
}

static int
compare_steps(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

size_t
cli_command_steps(const struct cli_command *command, int steps[], size_t max)
{
	size_t count = 0, ntransitions, nsteps;
	const struct wf_transition *t = wf_transitions(&ntransitions);

	if (command->action == CLI_CREATES_APPLICATION && max > 0) {
		steps[0] = wf_steps(&nsteps)[0].number;
		return 1;
	}
	/* The forward path only: a return or a rejection at step 3 is not "doing" step 3. */
	for (size_t i = 0; i < ntransitions; i++) {
		bool seen = false;

		if ((int)t[i].action != command->action || t[i].step <= 0 ||
		    t[i].to > WF_STATE_ACTIVE)
			continue;
		for (size_t j = 0; j < count; j++)
			seen = seen || steps[j] == t[i].step;
		if (!seen && count < max)
			steps[count++] = t[i].step;
	}
	qsort(steps, count, sizeof(steps[0]), compare_steps);
	return count;
}

/* "step 6" or "steps 2, 3" (the top-level help), "SOP steps 2, 3" (a command's help). */
static void
format_steps(const struct cli_command *command, bool sop, char *out, size_t size)
{
	int steps[WF_ACTION_COUNT];
	size_t n = cli_command_steps(command, steps, WF_ACTION_COUNT), used;

	out[0] = '\0';
	if (n == 0)
		return;
	used = (size_t)snprintf(out, size, "%s ",
				sop ? ngettext("SOP step", "SOP steps", n)
				    : ngettext("step", "steps", n));
	for (size_t i = 0; i < n && used < size; i++)
		used += (size_t)snprintf(out + used, size - used, "%s%d", i ? ", " : "", steps[i]);
}

static void
append(char *out, size_t size, const char *text)
{
	size_t used = strlen(out);

	snprintf(out + used, size - used, "%s", text);
}

void
cli_format_usage(const struct cli_command *command, char *out, size_t size)
{
	char item[128];

	format_name(command, out, size);
	if (command->operands != NULL) {
		append(out, size, " ");
		append(out, size, command->operands);
	}
	for (const struct cli_option *o = command->options; o != NULL && o->name != NULL; o++) {
		snprintf(item, sizeof(item), " %s--%s%s%s%s%s", o->required ? "" : "[", o->name,
			 o->argument ? " " : "", o->argument ? o->argument : "",
			 o->required ? "" : "]", o->kind == OPT_LIST ? "..." : "");
		append(out, size, item);
	}
}

static void
print_option(const struct cli_option *o)
{
	char left[64];

	snprintf(left, sizeof(left), "--%s%s%s", o->name, o->argument ? " " : "",
		 o->argument ? o->argument : "");
	printf("  %-28s %s\n", left, _(o->help));
}

static void
print_globals(void)
{
	printf("\n%s:\n", _("Global options"));
	for (const struct cli_option *o = cli_global_options(); o->name != NULL; o++)
		print_option(o);
}

void
cli_print_help(const struct cli_command *command)
{
	char usage[USAGE_MAX], steps[64];

	cli_format_usage(command, usage, sizeof(usage));
	format_steps(command, true, steps, sizeof(steps));
	printf("%s: enroll %s\n%s", _("Usage"), usage, _(command->summary));
	if (steps[0] != '\0')
		printf(" (%s)", steps);
	if (command->options != NULL && command->options[0].name != NULL) {
		printf("\n\n%s:\n", _("Options"));
		for (const struct cli_option *o = command->options; o->name != NULL; o++)
			print_option(o);
	}
	print_globals();
}

void
cli_print_usage(void)
{
	size_t n, nexit;
	const struct cli_command *commands = cli_commands(&n);
	const struct cli_exit_code *codes = cli_exit_codes(&nexit);

	printf("%s: enroll [%s] %s [%s]\n\n", _("Usage"), _("OPTIONS"), _("COMMAND"), _("ARGS"));
	printf("%s\n\n%s:\n",
	       _("Issue electronic-signature (TTE) certificates on tokens, "
		 "following the SOP of the Persandian section."),
	       _("Commands"));
	for (size_t i = 0; i < n; i++) {
		char name[40], steps[64];

		format_name(&commands[i], name, sizeof(name));
		format_steps(&commands[i], false, steps, sizeof(steps));
		printf("  %-18s %s%s%s\n", name, steps, steps[0] ? ": " : "",
		       _(commands[i].summary));
	}
	print_globals();
	printf("\n%s:\n", _("Exit status"));
	for (size_t i = 0; i < nexit; i++)
		printf("  %3d  %s\n", codes[i].status, _(codes[i].meaning));
}

int
cli_fail_usage_line(const struct cli_command *command)
{
	char usage[USAGE_MAX];

	cli_format_usage(command, usage, sizeof(usage));
	return cli_fail_usage(_("usage: enroll %s"), usage);
}

int
cli_list_subcommands(const char *name, bool help)
{
	size_t n;
	const struct cli_command *commands = cli_commands(&n);
	FILE *out = help ? stdout : stderr;

	fprintf(out, _("enroll: %s needs a subcommand:\n"), name);
	for (size_t i = 0; i < n; i++)
		if (strcmp(commands[i].name, name) == 0 && commands[i].subname != NULL)
			fprintf(out, "  enroll %s %-12s %s\n", name, commands[i].subname,
				_(commands[i].summary));
	return help ? EXIT_OK : EXIT_USAGE;
}
