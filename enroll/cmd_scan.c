/*
 * cmd_scan.c: a document's scan written out for the one who needs to see it, from the
 * station's data directory or, on a PostgreSQL store, from the store itself (any
 * station), its SHA-256 checked against the record first.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char *output;

const struct cli_option scan_options[] = {
    {"output", OPT_STRING, &output, "FILE", N_("the new file to write the scan to"), true},
    {NULL},
};

int
cmd_scan(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	enum wf_document_kind kind;
	char number[WF_NUMBER_MAX], **rest;
	struct wf_error err;
	int nrest, r;

	if ((r = cli_parse(cli, self, argc, argv, &rest, &nrest)) != 0)
		return r;
	if (nrest != 2)
		return cli_fail_usage_line(self);
	if ((r = cli_normalize_number(rest[0], number)) != 0 ||
	    (r = cli_document_kind(rest[1], &kind)) != 0 || (r = cli_store(cli)) != 0)
		return r;
	if (wf_document_scan_save(cli->store, number, kind, output, &err) != WF_OK)
		return cli_fail_wf(cli, &err);
	printf(_("%s: the scan of the %s, its SHA-256 as recorded, is in %s.\n"), number,
	       wf_document_label(kind, cli_indonesian()), output);
	return 0;
}
