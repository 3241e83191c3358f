/*
 * cmd_official.c: the officials: registered, corrected and deactivated by the Kasi (the
 * first one at init), listed with their terms; earlier records keep the earlier details.
 */
#include <stdlib.h>

#include "cli.h"

int
cli_fill_official(struct cli *cli, struct wf_official *official, const char *name, const char *nip,
		  const char *position, const char *login)
{
	struct wf_error err;

	/* Stored whole or refused: a 19-digit NIP must not become an 18-digit one. */
	if (wf_text_copy(official->name, sizeof(official->name), name, "name", &err) != WF_OK ||
	    wf_text_copy(official->nip, sizeof(official->nip), nip, "nip", &err) != WF_OK ||
	    wf_text_copy(official->position, sizeof(official->position), position, "position",
			 &err) != WF_OK ||
	    wf_text_copy(official->login, sizeof(official->login), login, "login", &err) != WF_OK)
		return cli_fail_wf(cli, &err);
	return 0;
}

/*
 * The officials' own words for the refusals whose general ones speak of steps and
 * applications; everything else as every command reports it.
 */
static int
official_fail(struct cli *cli, const struct wf_error *err)
{
	static const struct {
		int code, status;
		const char *summary, *hint;
	} refusals[] = {
	    {WF_ERR_ROLE, EXIT_ROLE, N_("you may not change the officials"),
	     N_("the Kasi registers, corrects and deactivates officials (this refusal was "
		"recorded)")},
	    {WF_ERR_STATE, EXIT_STATE, N_("not possible for this official now"),
	     N_("see 'enroll official list --all'")},
	};

	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++)
		if (refusals[i].code == err->code) {
			fprintf(stderr, "enroll: %s: %s\n  %s\n", _(refusals[i].summary),
				err->message, _(refusals[i].hint));
			return refusals[i].status;
		}
	return cli_fail_wf(cli, err);
}

static const char *name, *nip, *role, *login, *position, *reason;
static bool all;

const struct cli_option official_add_options[] = {
    {"name", OPT_STRING, &name, "NAME", N_("the official's full name"), true},
    {"nip", OPT_STRING, &nip, "NIP", N_("the official's NIP (18 digits)"), true},
    {"role", OPT_STRING, &role, "ROLE", N_("kepala_dinas, kabid or kasi"), true},
    {"login", OPT_STRING, &login, "LOGIN", N_("the OS login they act from"), true},
    {"position", OPT_STRING, &position, "TEXT", N_("the official's position (jabatan)"), false},
    {NULL},
};

int
cmd_official_add(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct wf_official official = {.active = true};
	struct wf_error err;
	char **rest;
	int nrest, r, parsed;

	if ((r = cli_parse(cli, self, argc, argv, &rest, &nrest)) != 0)
		return r;
	if ((parsed = wf_role_parse(role)) < 0 || parsed == WF_ROLE_APPLICANT)
		return cli_fail_usage(_("--role is kepala_dinas, kabid or kasi"));
	if ((r = cli_store(cli)) != 0 ||
	    (r = cli_fill_official(cli, &official, name, nip, position, login)) != 0)
		return r;
	official.role = (enum wf_role)parsed;
	if (wf_official_add(cli->store, &official, cli->login, NULL, &err) != WF_OK)
		return official_fail(cli, &err);
	printf(_("Official registered: %s (%s), login %s.\n"), name,
	       wf_role_label(official.role, cli_indonesian()), login);
	return 0;
}

const struct cli_option official_edit_options[] = {
    {"name", OPT_STRING, &name, "NAME", N_("the official's full name"), false},
    {"nip", OPT_STRING, &nip, "NIP", N_("the official's NIP (18 digits)"), false},
    {"position", OPT_STRING, &position, "TEXT", N_("the official's position (jabatan)"), false},
    {NULL},
};

int
cmd_official_edit(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct wf_official edited;
	struct wf_error err;
	const char *who = NULL;
	int r;

	if ((r = cli_parse_operand(cli, self, argc, argv, &who)) != 0)
		return r;
	if (name == NULL && nip == NULL && position == NULL)
		return cli_fail_usage(_("official edit needs --name, --nip or --position"));
	if ((r = cli_store(cli)) != 0)
		return r;
	const struct wf_official_change change = {name, nip, position};
	if (wf_official_edit(cli->store, who, &change, cli->login, &edited, &err) != WF_OK)
		return official_fail(cli, &err);
	/* Translators: the earlier records keep the name the official had then. */
	printf(_("Official updated: %s (%s), login %s, NIP %s; earlier records keep the earlier "
		 "details.\n"),
	       edited.name, wf_role_label(edited.role, cli_indonesian()), edited.login, edited.nip);
	return 0;
}

const struct cli_option official_deactivate_options[] = {
    {"reason", OPT_STRING, &reason, "TEXT", N_("why, e.g. 'pensiun' or 'mutasi'"), false},
    {NULL},
};

int
cmd_official_deactivate(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct wf_official official;
	struct wf_error err;
	const char *who = NULL;
	int r;

	if ((r = cli_parse_operand(cli, self, argc, argv, &who)) != 0 || (r = cli_store(cli)) != 0)
		return r;
	if (wf_official_find(cli->store, who, &official, &err) != WF_OK ||
	    wf_official_deactivate(cli->store, who, reason, cli->login, &err) != WF_OK)
		return official_fail(cli, &err);
	printf(_("Official deactivated: %s (%s), login %s; their records stay as they are.\n"),
	       official.name, wf_role_label(official.role, cli_indonesian()), official.login);
	return 0;
}

static struct json_object *
official_json(const struct wf_official *official)
{
	struct json_object *o = json_object_new_object();

	cli_json_add_string(o, "name", official->name);
	cli_json_add_string(o, "nip", official->nip);
	cli_json_add_string(o, "role", wf_role_name(official->role));
	cli_json_add_string(o, "login", official->login);
	cli_json_add_string(o, "position", official->position);
	json_object_object_add(o, "active", json_object_new_boolean(official->active));
	json_object_object_add(o, "since", json_object_new_int64(official->created_at));
	if (!official->active) {
		json_object_object_add(o, "until", json_object_new_int64(official->ended_at));
		cli_json_add_string(o, "reason", official->end_reason);
	}
	return o;
}

static void
print_official(const struct wf_official *official)
{
	char until[64];

	printf("%-14s %-18s %-30s %s", official->login, official->nip,
	       wf_role_label(official->role, cli_indonesian()), official->name);
	if (official->position[0] != '\0')
		printf(", %s", official->position);
	if (!official->active) {
		cli_format_time(official->ended_at, until, sizeof(until));
		printf(_(" (inactive since %s%s%s)"), until, official->end_reason[0] ? ": " : "",
		       official->end_reason);
	}
	printf("\n");
}

const struct cli_option official_list_options[] = {
    {"all", OPT_FLAG, &all, NULL, N_("also the officials no longer active"), false},
    {NULL},
};

int
cmd_official_list(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct wf_official *officials = NULL;
	struct wf_error err;
	struct json_object *array;
	char **rest;
	size_t n = 0;
	int nrest, r;

	if ((r = cli_parse(cli, self, argc, argv, &rest, &nrest)) != 0 || (r = cli_store(cli)) != 0)
		return r;
	if (wf_official_list(cli->store, &officials, &n, &err) != WF_OK)
		return cli_fail_wf(cli, &err);
	array = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		if (!all && !officials[i].active)
			continue;
		json_object_array_add(array, official_json(&officials[i]));
		if (!cli->json)
			print_official(&officials[i]);
	}
	if (cli->json)
		cli_print_json(array);
	else
		json_object_put(array);
	free(officials);
	return 0;
}
