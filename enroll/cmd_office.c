/*
 * cmd_office.c: the office as its papers show it: the letterhead (address, phone, email,
 * website, logo), where and in which time zone papers are dated, the numbering and who
 * signs rejections. Station settings, from papers/' table; changed by the Kasi, audited.
 */
#include <stdlib.h>
#include <string.h>

#include "papers.h"
#include "station.h"

#define OFFICE_OPTIONS_MAX 16

/* The settings' options, filled from papers/' table before any command line is read. */
struct cli_option office_set_options[OFFICE_OPTIONS_MAX + 1];
static const char *values[OFFICE_OPTIONS_MAX];

void
cli_office_set_options_fill(void)
{
	size_t count;
	const struct pp_setting *settings = pp_settings(&count);
	size_t n = 0;

	for (; n < count && n < OFFICE_OPTIONS_MAX; n++)
		office_set_options[n] =
		    (struct cli_option){settings[n].option,   OPT_STRING,	&values[n],
					settings[n].argument, settings[n].help, false};
	office_set_options[n] = (struct cli_option){NULL};
}

/* "office_zone=WITA, ..." for the audit row: what changed and to what. */
static int
change(struct cli *cli, const struct pp_setting *settings, size_t count)
{
	const struct wf_actor actor = {.login = cli->login};
	const char *pairs[2 * OFFICE_OPTIONS_MAX + 2];
	char detail[2048];
	size_t n = 0, used = 0;
	struct wf_error err;

	detail[0] = '\0';
	for (size_t i = 0; i < count && i < OFFICE_OPTIONS_MAX; i++) {
		if (values[i] == NULL)
			continue;
		if (pp_setting_check(&settings[i], values[i], &err) != WF_OK)
			return cli_fail_wf(cli, &err);
		pairs[n++] = settings[i].key;
		pairs[n++] = values[i];
		if (used < sizeof(detail))
			used += (size_t)snprintf(detail + used, sizeof(detail) - used, "%s%s=%s",
						 used ? ", " : "", settings[i].key, values[i]);
	}
	pairs[n++] = NULL;
	pairs[n] = NULL;
	if (n == 1)
		return cli_fail_usage(_("office set needs at least one setting (see --help)"));
	if (wf_settings_change(cli->store, &actor, "office_set", pairs, detail, &err) != WF_OK)
		return cli_fail_wf(cli, &err);
	return 0;
}

int
cmd_office_set(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	size_t count;
	const struct pp_setting *settings = pp_settings(&count);
	char **rest;
	int nrest, r;

	if ((r = cli_parse(cli, self, argc, argv, &rest, &nrest)) != 0)
		return r;
	if (nrest != 0)
		return cli_fail_usage_line(self);
	if ((r = cli_store(cli)) != 0 || (r = change(cli, settings, count)) != 0)
		return r;
	printf("%s\n", _("The office's settings for its papers are changed."));
	return 0;
}

int
cmd_office_show(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	size_t count;
	const struct pp_setting *settings = pp_settings(&count);
	struct json_object *o = json_object_new_object();
	char **rest;
	int nrest, r;

	if ((r = cli_parse(cli, self, argc, argv, &rest, &nrest)) != 0 ||
	    (r = nrest != 0 ? cli_fail_usage_line(self) : cli_store(cli)) != 0) {
		json_object_put(o);
		return r;
	}
	for (size_t i = 0; i < count; i++) {
		char *value = station_setting(cli, settings[i].key);

		if (cli->json)
			cli_json_add_string(o, settings[i].option, value);
		else
			printf("  %-18s %s\n", settings[i].option, value ? value : "-");
		free(value);
	}
	if (cli->json)
		cli_print_json(o);
	else
		json_object_put(o);
	return 0;
}
