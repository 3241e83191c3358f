/*
 * complete.c: the hidden interface bash completion and the man page test ask the program
 * through, so that neither keeps a copy of the tables: the commands, a command's options and
 * operands, and the values an option or operand takes (application numbers from the store).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *
state_at(size_t i)
{
	return i < WF_STATE_COUNT ? wf_state_name((enum wf_state)i) : NULL;
}

/* The officials' roles: the applicant is not one (--role). */
static const char *
role_at(size_t i)
{
	return i + 1 < WF_ROLE_COUNT ? wf_role_name((enum wf_role)(i + 1)) : NULL;
}

static const char *
key_type_at(size_t i)
{
	return i < TOK_KEY_TYPE_COUNT ? tok_key_type_name((enum tok_key_type)i) : NULL;
}

static const char *
language_at(size_t i)
{
	const char *const *languages = cli_languages();

	for (size_t j = 0; j < i; j++)
		if (languages[j] == NULL)
			return NULL;
	return languages[i];
}

static const char *
request_at(size_t i)
{
	return i < WF_REQUEST_COUNT ? wf_request_type_name((enum wf_request_type)i) : NULL;
}

static const char *
employment_at(size_t i)
{
	return i < WF_EMPLOYMENT_COUNT ? wf_employment_name((enum wf_employment)i) : NULL;
}

/* Only an existing database is read: completion never creates one. */
static int
print_numbers(struct cli *cli)
{
	struct wf_summary *list = NULL;
	struct wf_error err;
	size_t n = 0;

	if (cli->db_path == NULL || cli->db_path[0] == '\0' ||
	    (cli->store = wf_store_open(cli->db_path, &err)) == NULL)
		return EXIT_DATABASE;
	if (wf_list(cli->store, -1, 0, 0, &list, &n, &err) != WF_OK)
		return EXIT_DATABASE;
	for (size_t i = 0; i < n; i++)
		printf("%s\n", list[i].number);
	free(list);
	return 0;
}

static const struct {
	const char *kind;
	const char *(*value_at)(size_t i); /* NULL past the last */
	int (*print)(struct cli *cli);	   /* instead, for values read from the store */
} value_kinds[] = {
    {"numbers", NULL, print_numbers},	    {"states", state_at, NULL},
    {"reports", cli_report_name, NULL},	    {"papers", cli_paper_name, NULL},
    {"periods", cli_period_name, NULL},	    {"events", cli_lifecycle_event, NULL},
    {"documents", cli_document_name, NULL}, {"key-types", key_type_at, NULL},
    {"languages", language_at, NULL},	    {"roles", role_at, NULL},
    {"issuers", cli_issuer_name, NULL},	    {"requests", request_at, NULL},
    {"employment", employment_at, NULL},
};
#define VALUE_KINDS (sizeof(value_kinds) / sizeof(value_kinds[0]))

static int
list_values(struct cli *cli, const char *kind)
{
	for (size_t k = 0; k < VALUE_KINDS; k++) {
		const char *value;

		if (strcmp(value_kinds[k].kind, kind) != 0)
			continue;
		if (value_kinds[k].print != NULL)
			return value_kinds[k].print(cli);
		for (size_t i = 0; (value = value_kinds[k].value_at(i)) != NULL; i++)
			printf("%s\n", value);
		return 0;
	}
	return EXIT_USAGE;
}

static const struct cli_command *
lookup(int argc, char **argv)
{
	size_t n;
	const struct cli_command *commands = cli_commands(&n);

	for (size_t i = 0; i < n && argc > 0; i++)
		if (strcmp(commands[i].name, argv[0]) == 0 &&
		    (commands[i].subname == NULL ||
		     (argc > 1 && strcmp(commands[i].subname, argv[1]) == 0)))
			return &commands[i];
	return NULL;
}

static int
list_commands(void)
{
	size_t n;
	const struct cli_command *commands = cli_commands(&n);

	for (size_t i = 0; i < n; i++)
		printf("%s%s%s\n", commands[i].name, commands[i].subname ? " " : "",
		       commands[i].subname ? commands[i].subname : "");
	return 0;
}

/* A command's options (none without a command), then the global ones: "--name" for a
 * flag, "--name=" for one that takes a value. */
static int
print_options(const struct cli_command *command)
{
	const struct cli_option *tables[] = {command ? command->options : NULL,
					     cli_global_options()};

	for (size_t t = 0; t < 2; t++)
		for (const struct cli_option *o = tables[t]; o != NULL && o->name != NULL; o++)
			printf("--%s%s\n", o->name, o->kind == OPT_FLAG ? "" : "=");
	return 0;
}

/* The operands' names, one a line: "ID", "EVENT", "[REPORT]" as --list-values reads them. */
static int
print_operands(const struct cli_command *command)
{
	char copy[128], *save = NULL;

	snprintf(copy, sizeof(copy), "%s", command->operands ? command->operands : "");
	for (char *word = strtok_r(copy, " ", &save); word; word = strtok_r(NULL, " ", &save))
		printf("%.*s\n", (int)strcspn(word + (word[0] == '['), "]."),
		       word + (word[0] == '['));
	return 0;
}

/* A usage line as a man page's .B line: "-" escaped, metavariables (upper case) in italics. */
static void
print_roff(const char *usage)
{
	printf(".B ");
	for (const char *p = usage; *p != '\0'; p++) {
		size_t run = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_");

		if (run > 0) {
			printf("\\fI%.*s\\fB", (int)run, p);
			p += run - 1;
		} else if (*p == '-') {
			printf("\\-");
		} else {
			putchar(*p);
		}
	}
	putchar('\n');
}

/* The synopsis and every command's usage line, as enroll(1) must show them (the man test). */
static int
print_man_usage(void)
{
	char line[1024] = "enroll";
	size_t n;
	const struct cli_command *commands = cli_commands(&n);

	for (const struct cli_option *o = cli_global_options(); o->name != NULL; o++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), " [--%s%s%s]", o->name,
			 o->argument ? " " : "", o->argument ? o->argument : "");
	snprintf(line + strlen(line), sizeof(line) - strlen(line), " COMMAND [ARGS]");
	print_roff(line);
	for (size_t i = 0; i < n; i++) {
		cli_format_usage(&commands[i], line, sizeof(line));
		print_roff(line);
	}
	return 0;
}

static const char *const queries[] = {"--list-commands", "--list-options", "--list-operands",
				      "--list-values", "--man-usage"};

bool
cli_is_query(const char *arg)
{
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++)
		if (strcmp(arg, queries[i]) == 0)
			return true;
	return false;
}

int
cli_query(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *command;

	if (argc < 1 || !cli_is_query(argv[0]))
		return -1;
	if (strcmp(argv[0], "--list-commands") == 0)
		return list_commands();
	if (strcmp(argv[0], "--man-usage") == 0)
		return print_man_usage();
	if (strcmp(argv[0], "--list-values") == 0)
		return argc == 2 ? list_values(cli, argv[1]) : EXIT_USAGE;
	if (strcmp(argv[0], "--list-options") == 0 && argc == 1)
		return print_options(NULL);
	if ((command = lookup(argc - 1, argv + 1)) == NULL)
		return EXIT_USAGE;
	return strcmp(argv[0], "--list-options") == 0 ? print_options(command)
						      : print_operands(command);
}
