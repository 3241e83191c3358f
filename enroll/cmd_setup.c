/*
 * cmd_setup.c: setting the station up: the database and issuer (init), the officials
 * (added, corrected and deactivated by the Kasi; the first one registered at init).
 */
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "issuer.h"
#include "station.h"

/* mkdir -p with mode 0700 for what does not exist yet. */
static int
make_directories(const char *path)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

static int
save_settings(struct cli *cli, const char *const *pairs)
{
	struct wf_error err;

	for (; pairs[0] != NULL; pairs += 2)
		if (pairs[1] != NULL && wf_setting_set(cli->store, pairs[0], pairs[1], &err) != WF_OK)
			return cli_fail_wf(cli, &err);
	return 0;
}

/* Stored whole or refused: a 19-digit NIP must not become an 18-digit one. */
static int
fill_official(struct cli *cli, struct wf_official *official, const char *name, const char *nip,
	      const char *position, const char *login)
{
	struct wf_error err;

	if (wf_text_copy(official->name, sizeof(official->name), name, "name", &err) != WF_OK ||
	    wf_text_copy(official->nip, sizeof(official->nip), nip, "nip", &err) != WF_OK ||
	    wf_text_copy(official->position, sizeof(official->position), position, "position",
			 &err) != WF_OK ||
	    wf_text_copy(official->login, sizeof(official->login), login, "login", &err) != WF_OK)
		return cli_fail_wf(cli, &err);
	return 0;
}

int
cmd_init(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const char *office = NULL, *city = NULL, *province = NULL, *issuer_kind = "local";
	const char *anchors = NULL, *outbox = NULL, *inbox = NULL, *key_type = "rsa2048";
	const char *email_domain = NULL, *organization = NULL;
	const char *kasi_name = NULL, *kasi_nip = NULL, *kasi_position = NULL;
	const struct cli_option options[] = {
		{ "office", OPT_STRING, &office, "NAME", N_("the office, e.g. 'Dinas Komunikasi dan Informatika'") },
		{ "organization", OPT_STRING, &organization, "NAME", N_("O= of certificates (default: 'Pemerintah Kota CITY')") },
		{ "city", OPT_STRING, &city, "CITY", N_("the city (L= of certificates)") },
		{ "province", OPT_STRING, &province, "NAME", N_("the province (ST= of certificates)") },
		{ "issuer", OPT_STRING, &issuer_kind, "local|file", N_("local test CA, or file exchange with BSrE") },
		{ "trust-anchors", OPT_STRING, &anchors, "FILE", N_("BSrE root certificates (PEM), for --issuer file") },
		{ "outbox", OPT_STRING, &outbox, "DIR", N_("where requests for the BSrE portal are written") },
		{ "inbox", OPT_STRING, &inbox, "DIR", N_("where certificates from BSrE are picked up") },
		{ "key-type", OPT_STRING, &key_type, "TYPE", N_("default key type (rsa2048)") },
		{ "email-domain", OPT_STRING, &email_domain, "DOMAIN", N_("applicants' email must be in this domain") },
		{ "kasi-name", OPT_STRING, &kasi_name, "NAME", N_("the Kasi running the station (your login), the first official") },
		{ "kasi-nip", OPT_STRING, &kasi_nip, "NIP", N_("the Kasi's NIP (18 digits)") },
		{ "kasi-position", OPT_STRING, &kasi_position, "TEXT", N_("the Kasi's position (jabatan)") },
		{ NULL },
	};
	struct wf_official kasi = { .role = WF_ROLE_KASI, .active = true };
	struct wf_office record = { 0 }, existing;
	struct wf_error werr;
	struct tok_error terr;
	enum tok_key_type type;
	char **rest, dir[4096], default_org[WF_NAME_MAX + 32], ca[4200], ta[4300], out[4200], in[4200];
	int nrest, r;

	if ((r = cli_parse(cli, self, argc, argv, options, &rest, &nrest)) != 0)
		return r;
	if (office == NULL || city == NULL)
		return cli_fail_usage(_("init needs --office and --city"));
	if (strcmp(issuer_kind, "local") != 0 && strcmp(issuer_kind, "file") != 0)
		return cli_fail_usage(_("--issuer is 'local' or 'file'"));
	if (strcmp(issuer_kind, "file") == 0 && anchors == NULL)
		return cli_fail_usage(_("--issuer file needs --trust-anchors FILE (BSrE's root certificates)"));
	if (tok_key_type_parse(key_type, &type) != TOK_OK)
		return cli_fail_usage(_("unknown key type: %s"), key_type);
	/* Before anything is created: a name too long is refused, never cut to fit. */
	if (wf_text_copy(record.name, sizeof(record.name), office, "office", &werr) != WF_OK ||
	    wf_text_copy(record.city, sizeof(record.city), city, "city", &werr) != WF_OK)
		return cli_fail_wf(cli, &werr);
	if ((kasi_name == NULL) != (kasi_nip == NULL))
		return cli_fail_usage(_("--kasi-name and --kasi-nip go together"));
	/* The first official is checked before anything exists: init succeeds whole or not at all. */
	if (kasi_name != NULL) {
		if ((r = fill_official(cli, &kasi, kasi_name, kasi_nip, kasi_position, cli->login)) != 0)
			return r;
		if (wf_validate_nip(kasi.nip, NULL, &werr) != WF_OK)
			return cli_fail_wf(cli, &werr);
	}
	snprintf(dir, sizeof(dir), "%s", cli->db_path);
	if (make_directories(dirname(dir)) != 0)
		return cli_fail_file(dir, errno);
	if ((r = cli_store_create(cli)) != 0)
		return r;
	if (wf_office_get(cli->store, &existing, &werr) == WF_OK) {
		fprintf(stderr, "enroll: %s %s\n", _("already initialized:"), cli->db_path);
		return EXIT_INVALID;
	}
	snprintf(default_org, sizeof(default_org), "Pemerintah Kota %s", city);
	snprintf(ca, sizeof(ca), "%s.files/ca", cli->db_path);
	snprintf(out, sizeof(out), "%s", outbox ? outbox : "");
	snprintf(in, sizeof(in), "%s", inbox ? inbox : "");
	if (outbox == NULL)
		snprintf(out, sizeof(out), "%s.files/outbox", cli->db_path);
	if (inbox == NULL)
		snprintf(in, sizeof(in), "%s.files/inbox", cli->db_path);
	if (strcmp(issuer_kind, "local") == 0) {
		snprintf(ta, sizeof(ta), "%s/trust-anchors.pem", ca);
		anchors = ta;
		if (make_directories(ca) != 0)
			return cli_fail_file(ca, errno);
		if (issuer_local_create(ca, organization ? organization : default_org, &terr) != TOK_OK)
			return cli_fail_tok(cli, &terr);
	} else if (make_directories(out) != 0 || make_directories(in) != 0) {
		return cli_fail_file(out, errno);
	}
	const char *const settings[] = {
		SETTING_ISSUER, issuer_kind, SETTING_CA_DIR, ca, SETTING_TRUST_ANCHORS, anchors,
		SETTING_OUTBOX, out, SETTING_INBOX, in, SETTING_KEY_TYPE, key_type,
		SETTING_PROVINCE, province, SETTING_ORGANIZATION, organization ? organization : default_org,
		SETTING_EMAIL_DOMAIN, email_domain, NULL, NULL,
	};
	if ((r = save_settings(cli, settings)) != 0)
		return r;
	if (wf_office_set(cli->store, &record, cli->login, &werr) != WF_OK)
		return cli_fail_wf(cli, &werr);
	if (kasi_name != NULL && wf_official_add(cli->store, &kasi, cli->login, NULL, &werr) != WF_OK)
		return cli_fail_wf(cli, &werr);
	printf(_("Initialized %s for %s, %s (issuer: %s).\n"), cli->db_path, office, city,
	       strcmp(issuer_kind, "local") == 0 ? _("local test CA, NOT BSrE") : _("BSrE by file exchange"));
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
		{ WF_ERR_ROLE, EXIT_ROLE, N_("you may not change the officials"),
		  N_("the Kasi registers, corrects and deactivates officials (this refusal was recorded)") },
		{ WF_ERR_STATE, EXIT_STATE, N_("not possible for this official now"),
		  N_("see 'enroll official list --all'") },
	};

	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++)
		if (refusals[i].code == err->code) {
			fprintf(stderr, "enroll: %s: %s\n  %s\n", _(refusals[i].summary), err->message,
				_(refusals[i].hint));
			return refusals[i].status;
		}
	return cli_fail_wf(cli, err);
}

int
cmd_official_add(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const char *name = NULL, *nip = NULL, *role = NULL, *login = NULL, *position = NULL;
	const struct cli_option options[] = {
		{ "name", OPT_STRING, &name, "NAME", N_("the official's full name") },
		{ "nip", OPT_STRING, &nip, "NIP", N_("the official's NIP (18 digits)") },
		{ "role", OPT_STRING, &role, "ROLE", N_("kepala_dinas, kabid or kasi") },
		{ "login", OPT_STRING, &login, "LOGIN", N_("the OS login they act from") },
		{ "position", OPT_STRING, &position, "TEXT", N_("the official's position (jabatan)") },
		{ NULL },
	};
	struct wf_official official = { .active = true };
	struct wf_error err;
	char **rest;
	int nrest, r, parsed;

	if ((r = cli_parse(cli, self, argc, argv, options, &rest, &nrest)) != 0)
		return r;
	if (name == NULL || nip == NULL || role == NULL || login == NULL)
		return cli_fail_usage(_("official add needs --name, --nip, --role and --login"));
	if ((parsed = wf_role_parse(role)) < 0 || parsed == WF_ROLE_APPLICANT)
		return cli_fail_usage(_("--role is kepala_dinas, kabid or kasi"));
	if ((r = cli_store(cli)) != 0 ||
	    (r = fill_official(cli, &official, name, nip, position, login)) != 0)
		return r;
	official.role = (enum wf_role)parsed;
	if (wf_official_add(cli->store, &official, cli->login, NULL, &err) != WF_OK)
		return official_fail(cli, &err);
	printf(_("Official registered: %s (%s), login %s.\n"), name, role, login);
	return 0;
}

int
cmd_official_edit(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct wf_official_change change = { NULL, NULL, NULL };
	const struct cli_option options[] = {
		{ "name", OPT_STRING, &change.name, "NAME", N_("the official's full name") },
		{ "nip", OPT_STRING, &change.nip, "NIP", N_("the official's NIP (18 digits)") },
		{ "position", OPT_STRING, &change.position, "TEXT", N_("the official's position (jabatan)") },
		{ NULL },
	};
	struct wf_official edited;
	struct wf_error err;
	const char *who;
	int r;

	if ((r = cli_parse_id(cli, self, argc, argv, options, &who)) != 0)
		return r;
	if (change.name == NULL && change.nip == NULL && change.position == NULL)
		return cli_fail_usage(_("official edit needs --name, --nip or --position"));
	if ((r = cli_store(cli)) != 0)
		return r;
	if (wf_official_edit(cli->store, who, &change, cli->login, &edited, &err) != WF_OK)
		return official_fail(cli, &err);
	/* Translators: the earlier records keep the name the official had then. */
	printf(_("Official updated: %s (%s), login %s, NIP %s; earlier records keep the earlier details.\n"),
	       edited.name, wf_role_name(edited.role), edited.login, edited.nip);
	return 0;
}

int
cmd_official_deactivate(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const char *reason = NULL;
	const struct cli_option options[] = {
		{ "reason", OPT_STRING, &reason, "TEXT", N_("why, e.g. 'pensiun' or 'mutasi'") },
		{ NULL },
	};
	struct wf_official official;
	struct wf_error err;
	const char *who;
	int r;

	if ((r = cli_parse_id(cli, self, argc, argv, options, &who)) != 0 || (r = cli_store(cli)) != 0)
		return r;
	if (wf_official_find(cli->store, who, &official, &err) != WF_OK ||
	    wf_official_deactivate(cli->store, who, reason, cli->login, &err) != WF_OK)
		return official_fail(cli, &err);
	printf(_("Official deactivated: %s (%s), login %s; their records stay as they are.\n"),
	       official.name, wf_role_name(official.role), official.login);
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

	printf("%-14s %-18s %-12s %s", official->login, official->nip,
	       wf_role_name(official->role), official->name);
	if (official->position[0] != '\0')
		printf(", %s", official->position);
	if (!official->active) {
		cli_format_time(official->ended_at, until, sizeof(until));
		printf(_(" (inactive since %s%s%s)"), until, official->end_reason[0] ? ": " : "",
		       official->end_reason);
	}
	printf("\n");
}

int
cmd_official_list(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	bool all = false;
	const struct cli_option options[] = {
		{ "all", OPT_FLAG, &all, NULL, N_("also the officials no longer active") },
		{ NULL },
	};
	struct wf_official *officials = NULL;
	struct wf_error err;
	struct json_object *array;
	char **rest;
	size_t n = 0;
	int nrest, r;

	if ((r = cli_parse(cli, self, argc, argv, options, &rest, &nrest)) != 0 ||
	    (r = cli_store(cli)) != 0)
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
