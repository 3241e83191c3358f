/*
 * cmd_migrate.c: moving a station's store to another (a sqlite station onto a PostgreSQL
 * server, or a server's store out to a file): the target's schema made on an empty
 * database, every record copied with its history, the copy's audit chain checked.
 */
#include <inttypes.h>
#include <string.h>

#include "cli.h"

static const char *target;

const struct cli_option migrate_options[] = {
    {"to", OPT_STRING, &target, "TARGET",
     N_("the empty store to copy into: a postgresql:// URI, or a new database file"), true},
    {NULL},
};

/* The tables as the operator reads them, in wf_store_copy's names. */
static const struct {
	const char *table, *label;
} table_labels[] = {
    {"office", N_("office")},
    {"settings", N_("settings")},
    {"officials", N_("officials' terms")},
    {"applicants", N_("applicants")},
    {"applications", N_("applications")},
    {"documents", N_("documents")},
    {"events", N_("steps done (events)")},
    {"keys", N_("key generations")},
    {"certificates", N_("certificates")},
    {"token_events", N_("token removals and resets")},
    {"papers", N_("papers issued")},
    {"audit", N_("audit rows")},
};

static const char *
table_label(const char *table)
{
	for (size_t i = 0; i < sizeof(table_labels) / sizeof(table_labels[0]); i++)
		if (strcmp(table_labels[i].table, table) == 0)
			return _(table_labels[i].label);
	return table;
}

static void
print_copy(const struct wf_copy_info *info)
{
	printf(_("The store is copied to %s.\n"), target);
	for (size_t i = 0; i < info->table_count; i++)
		printf("  %-28s %8" PRId64 "\n", table_label(info->tables[i].table),
		       info->tables[i].rows);
	printf(_("  %zu scans copied with their SHA-256 checked.\n"), info->files);
	printf(
	    _("Audit log verified on the target; its head is the source's: row %" PRId64 ", %s\n"),
	    info->audit_rows, info->audit_head);
}

/* For a script moving stations: the rows by table name, the scans, the audit head. */
static void
print_copy_json(const struct wf_copy_info *info)
{
	struct json_object *o = json_object_new_object(), *tables = json_object_new_object();

	for (size_t i = 0; i < info->table_count; i++)
		json_object_object_add(tables, info->tables[i].table,
				       json_object_new_int64(info->tables[i].rows));
	cli_json_add_string(o, "target", target);
	json_object_object_add(o, "tables", tables);
	json_object_object_add(o, "scans", json_object_new_int64((int64_t)info->files));
	json_object_object_add(o, "audit_rows", json_object_new_int64(info->audit_rows));
	cli_json_add_string(o, "audit_head", info->audit_head);
	cli_print_json(o);
}

int
cmd_migrate(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct wf_copy_info info;
	struct wf_store *to = NULL;
	struct wf_error err;
	char **rest;
	int nrest, r;

	if ((r = cli_parse(cli, self, argc, argv, &rest, &nrest)) != 0)
		return r;
	if (nrest != 0)
		return cli_fail_usage_line(self);
	if (target == NULL || *target == '\0')
		return cli_fail_usage(_("no target: give the empty store with --to TARGET"));
	if ((r = cli_store(cli)) != 0)
		return r;
	/* The target's schema, made here on an empty database; its records must be none. */
	if ((to = wf_store_create(target, &err)) == NULL)
		return cli_fail_wf(cli, &err);
	if (wf_store_copy(cli->store, to, &info, &err) != WF_OK)
		r = cli_fail_wf(cli, &err);
	else if (cli->json)
		print_copy_json(&info);
	else
		print_copy(&info);
	wf_store_close(to);
	return r;
}
