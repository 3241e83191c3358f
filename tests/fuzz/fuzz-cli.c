/*
 * fuzz-cli.c: libFuzzer harness for the command's option parsing (enroll/options.c) over the
 * real command table: the command's sources are linked in whole (scripts/fuzz.sh renames
 * its main), nothing stubbed. Input: one byte picking a command (its top bit: the global
 * options before the command instead), then the arguments, separated by NUL bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define ARGS_MAX 64

/* Each run parses into the options' static targets afresh, as each process of enroll does. */
static void
reset_options(const struct cli_command *command)
{
	for (const struct cli_option *o = command->options; o != NULL && o->name != NULL; o++) {
		if (o->kind == OPT_FLAG)
			*(bool *)o->target = false;
		else if (o->kind == OPT_STRING)
			*(const char **)o->target = NULL;
		else if (o->kind == OPT_INT)
			*(int *)o->target = 0;
		else
			((struct cli_list *)o->target)->count = 0;
	}
}

/* What the parser stored must point into the arguments: read every byte of it. */
static size_t
read_targets(const struct cli_command *command, char **rest, int nrest)
{
	size_t sum = 0;

	for (const struct cli_option *o = command->options; o != NULL && o->name != NULL; o++) {
		const char *text = o->kind == OPT_STRING ? *(const char **)o->target : NULL;
		const struct cli_list *list = o->target;

		if (text != NULL)
			sum += strlen(text);
		for (int i = 0; o->kind == OPT_LIST && i < list->count; i++)
			sum += strlen(list->items[i]);
	}
	for (int i = 0; i < nrest; i++)
		sum += strlen(rest[i]);
	return sum;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/*
	 * Refusals and --help are printed: into /dev/null, so that the fuzzer's log stays
	 * readable. libFuzzer keeps its own copy of stderr and the sanitizers write to fd 2.
	 */
	stdout = fopen("/dev/null", "w");
	stderr = fopen("/dev/null", "w");
	cli_init_options_fill();
	cli_issuer_set_options_fill();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cli cli = {.pin_fd = -1, .so_pin_fd = -1};
	const struct cli_command *commands, *command;
	char *args, *argv[ARGS_MAX + 1], **rest = NULL;
	int argc = 1, nrest = 0;
	size_t count;

	if (size < 1 || (args = malloc(size)) == NULL)
		return 0;
	commands = cli_commands(&count);
	command = &commands[(data[0] & 0x7f) % count];
	memcpy(args, data + 1, size - 1);
	args[size - 1] = '\0';
	argv[0] = "enroll";
	for (char *p = args; argc < ARGS_MAX && p < args + size - 1; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	reset_options(command);
	if (data[0] & 0x80)
		cli_parse_globals(&cli, argc, argv);
	else if (cli_parse(&cli, command, argc, argv, &rest, &nrest) == 0)
		read_targets(command, rest, nrest);
	free(args);
	return 0;
}
