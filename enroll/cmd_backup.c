/*
 * cmd_backup.c: a backup the station can be restored from (database, files, manifest
 * with the audit head), its check, and the restore that checks it before moving anything.
 */
#include <inttypes.h>

#include "cli.h"

static void
print_backup(const struct wf_backup_info *info)
{
	printf(_("  %zu files beside the database; audit head at row %" PRId64 ":\n  %s\n"),
	       info->files, info->audit_rows, info->audit_head);
}

int
cmd_backup(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct wf_backup_info info;
	struct wf_error err;
	const char *dir = NULL;
	int r;

	if ((r = cli_parse_operand(cli, self, argc, argv, &dir)) != 0 || (r = cli_store(cli)) != 0)
		return r;
	if (wf_backup_create(cli->store, dir, &info, &err) != WF_OK)
		return cli_fail_wf(cli, &err);
	printf(_("Backup written to %s.\n"), dir);
	print_backup(&info);
	return 0;
}

static bool replace, check;

const struct cli_option restore_options[] = {
    {"replace", OPT_FLAG, &replace, NULL,
     N_("set the station there aside (kept as DB.replaced-DATE) and restore"), false},
    {"check", OPT_FLAG, &check, NULL, N_("only check the backup, change nothing"), false},
    {NULL},
};

int
cmd_restore(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct wf_backup_info info;
	struct wf_error err;
	const char *dir = NULL;
	int r;

	if ((r = cli_parse_operand(cli, self, argc, argv, &dir)) != 0)
		return r;
	if (check) {
		if (wf_backup_check(dir, &info, &err) != WF_OK)
			return cli_fail_wf(cli, &err);
		printf(_("The backup in %s is intact.\n"), dir);
		print_backup(&info);
		return 0;
	}
	if (cli->db_path == NULL || *cli->db_path == '\0')
		return cli_fail_usage(_("the database path is empty: give a file with --db FILE"));
	if (wf_restore(dir, cli->db_path, replace, &info, &err) != WF_OK)
		return cli_fail_wf(cli, &err);
	printf(_("The station at %s is restored from %s.\n"), cli->db_path, dir);
	print_backup(&info);
	return 0;
}
