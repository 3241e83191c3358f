/*
 * cmd_setup.c: setting the station up: the database and issuer (init), the officials.
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

/* The issuer connectors init sets up: the local test CA, or BSrE by file exchange. */
static const char *const issuers[] = { "local", "file" };

const char *
cli_issuer_name(size_t i)
{
	return i < sizeof(issuers) / sizeof(issuers[0]) ? issuers[i] : NULL;
}

static const char *office, *city, *province, *issuer_kind = "local", *anchors, *outbox, *inbox;
static const char *key_type = "rsa2048", *email_domain, *organization;

const struct cli_option init_options[] = {
	{ "office", OPT_STRING, &office, "NAME", N_("the office, e.g. 'Dinas Komunikasi dan Informatika'"), true },
	{ "organization", OPT_STRING, &organization, "NAME", N_("O= of certificates (default: 'Pemerintah Kota CITY')"), false },
	{ "city", OPT_STRING, &city, "CITY", N_("the city (L= of certificates)"), true },
	{ "province", OPT_STRING, &province, "NAME", N_("the province (ST= of certificates)"), false },
	{ "issuer", OPT_STRING, &issuer_kind, "local|file", N_("local test CA, or file exchange with BSrE"), false },
	{ "trust-anchors", OPT_STRING, &anchors, "FILE", N_("BSrE root certificates (PEM), for --issuer file"), false },
	{ "outbox", OPT_STRING, &outbox, "DIR", N_("where requests for the BSrE portal are written"), false },
	{ "inbox", OPT_STRING, &inbox, "DIR", N_("where certificates from BSrE are picked up"), false },
	{ "key-type", OPT_STRING, &key_type, "TYPE", N_("default key type (rsa2048)"), false },
	{ "email-domain", OPT_STRING, &email_domain, "DOMAIN", N_("applicants' email must be in this domain"), false },
	{ NULL },
};

int
cmd_init(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct wf_office record = { 0 }, existing;
	struct wf_error werr;
	struct tok_error terr;
	enum tok_key_type type;
	char **rest, dir[4096], default_org[WF_NAME_MAX + 32], ca[4200], ta[4300], out[4200], in[4200];
	int nrest, r;

	if ((r = cli_parse(cli, self, argc, argv, &rest, &nrest)) != 0)
		return r;
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
	printf(_("Initialized %s for %s, %s (issuer: %s).\n"), cli->db_path, office, city,
	       strcmp(issuer_kind, "local") == 0 ? _("local test CA, NOT BSrE") : _("BSrE by file exchange"));
	return 0;
}

static const char *name, *nip, *role, *login;

const struct cli_option official_add_options[] = {
	{ "name", OPT_STRING, &name, "NAME", N_("the official's full name"), true },
	{ "nip", OPT_STRING, &nip, "NIP", N_("the official's NIP (18 digits)"), true },
	{ "role", OPT_STRING, &role, "ROLE", N_("kepala_dinas, kabid or kasi"), true },
	{ "login", OPT_STRING, &login, "LOGIN", N_("the OS login they act from"), true },
	{ NULL },
};

int
cmd_official_add(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct wf_official official = { .active = true };
	struct wf_error err;
	char **rest;
	int nrest, r, parsed;

	if ((r = cli_parse(cli, self, argc, argv, &rest, &nrest)) != 0)
		return r;
	if ((parsed = wf_role_parse(role)) < 0 || parsed == WF_ROLE_APPLICANT)
		return cli_fail_usage(_("--role is kepala_dinas, kabid or kasi"));
	if ((r = cli_store(cli)) != 0)
		return r;
	/* Stored whole or refused: a 19-digit NIP must not become an 18-digit one. */
	if (wf_text_copy(official.name, sizeof(official.name), name, "name", &err) != WF_OK ||
	    wf_text_copy(official.nip, sizeof(official.nip), nip, "nip", &err) != WF_OK ||
	    wf_text_copy(official.login, sizeof(official.login), login, "login", &err) != WF_OK)
		return cli_fail_wf(cli, &err);
	official.role = (enum wf_role)parsed;
	if (wf_official_add(cli->store, &official, cli->login, NULL, &err) != WF_OK)
		return cli_fail_wf(cli, &err);
	printf(_("Official registered: %s (%s), login %s.\n"), name,
	       wf_role_label(official.role, cli_indonesian()), login);
	return 0;
}

int
cmd_official_list(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct wf_official *officials = NULL;
	struct wf_error err;
	struct json_object *array, *o;
	char **rest;
	size_t n = 0;
	int nrest, r;

	if ((r = cli_parse(cli, self, argc, argv, &rest, &nrest)) != 0 ||
	    (r = cli_store(cli)) != 0)
		return r;
	if (wf_official_list(cli->store, &officials, &n, &err) != WF_OK)
		return cli_fail_wf(cli, &err);
	array = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		o = json_object_new_object();
		cli_json_add_string(o, "name", officials[i].name);
		cli_json_add_string(o, "nip", officials[i].nip);
		cli_json_add_string(o, "role", wf_role_name(officials[i].role));
		cli_json_add_string(o, "login", officials[i].login);
		json_object_object_add(o, "active", json_object_new_boolean(officials[i].active));
		json_object_array_add(array, o);
		if (!cli->json)
			printf("%-14s %-18s %-30s %s%s\n", officials[i].login, officials[i].nip,
			       wf_role_label(officials[i].role, cli_indonesian()), officials[i].name,
			       officials[i].active ? "" : _(" (inactive)"));
	}
	if (cli->json)
		cli_print_json(array);
	else
		json_object_put(array);
	free(officials);
	return 0;
}
