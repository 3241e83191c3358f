/*
 * cmd_setup.c: setting the station up: the database and issuer (init), the officials.
 * The issuer's options come from issuer/'s connector table, not from a list kept here.
 */
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
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

/* The connector init sets up: its settings checked before anything is created. */
static int
init_issuer(struct cli *cli, const char *kind, const char *const *given,
	    struct station_connector *sc)
{
	struct iss_error err;
	size_t count;
	int r;

	/* The table's first connector, the local test CA, unless another is named. */
	if (kind == NULL)
		kind = iss_connectors(&count)[0].name;
	if ((r = station_connector_load(cli, kind, given, sc)) != 0)
		return r;
	if (iss_check(sc->connector->name, station_connector_lookup, sc, &err) != ISS_OK)
		return cli_fail_iss(cli, &err);
	return 0;
}

/* The database and the directory it is in; refused if it holds a station already. */
static int
create_store(struct cli *cli)
{
	struct wf_office existing;
	struct wf_error err;
	char dir[4096];
	int r;

	snprintf(dir, sizeof(dir), "%s", cli->db_path);
	if (make_directories(dirname(dir)) != 0)
		return cli_fail_file(dir, errno);
	if ((r = cli_store_create(cli)) != 0)
		return r;
	if (wf_office_get(cli->store, &existing, &err) == WF_OK) {
		fprintf(stderr, "enroll: %s %s\n", _("already initialized:"), cli->db_path);
		return EXIT_INVALID;
	}
	return 0;
}

/* What the connector needs made (a new CA names the organization), then its settings. */
static int
save_issuer(struct cli *cli, const struct station_connector *sc, const char *organization)
{
	const char *settings[2 * STATION_OPTIONS_MAX + 3];
	char keys[STATION_OPTIONS_MAX][32];
	struct iss_error err;

	if (iss_prepare(sc->connector->name, station_connector_lookup, (void *)sc, organization,
			&err) != ISS_OK)
		return cli_fail_iss(cli, &err);
	station_connector_pairs(sc, keys, settings);
	return save_settings(cli, settings);
}

int
cmd_init(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const char *office = NULL, *city = NULL, *province = NULL, *issuer_kind = NULL;
	const char *key_type = "rsa2048", *email_domain = NULL, *organization = NULL;
	const char *values[STATION_OPTIONS_MAX] = { 0 }, *names[STATION_OPTIONS_MAX + 1];
	const char *given[2 * STATION_OPTIONS_MAX + 1];
	struct cli_option options[7 + STATION_OPTIONS_MAX + 1] = {
		{ "office", OPT_STRING, &office, "NAME", N_("the office, e.g. 'Dinas Komunikasi dan Informatika'") },
		{ "organization", OPT_STRING, &organization, "NAME", N_("O= of certificates (default: 'Pemerintah Kota CITY')") },
		{ "city", OPT_STRING, &city, "CITY", N_("the city (L= of certificates)") },
		{ "province", OPT_STRING, &province, "NAME", N_("the province (ST= of certificates)") },
		{ "issuer", OPT_STRING, &issuer_kind, "KIND", N_("the issuer connector (default: the local test CA; see 'enroll issuer show')") },
		{ "key-type", OPT_STRING, &key_type, "TYPE", N_("default key type (rsa2048)") },
		{ "email-domain", OPT_STRING, &email_domain, "DOMAIN", N_("applicants' email must be in this domain") },
	};
	struct station_connector sc = { 0 };
	struct wf_office record = { 0 };
	struct wf_error werr;
	enum tok_key_type type;
	char **rest, default_org[WF_NAME_MAX + 32];
	size_t nissuer = station_issuer_options(options, 7, sizeof(options) / sizeof(options[0]), values,
					names);
	int nrest, r;

	if ((r = cli_parse(cli, self, argc, argv, options, &rest, &nrest)) != 0)
		return r;
	if (office == NULL || city == NULL)
		return cli_fail_usage(_("init needs --office and --city"));
	if (tok_key_type_parse(key_type, &type) != TOK_OK)
		return cli_fail_usage(_("unknown key type: %s"), key_type);
	station_issuer_given(names, values, nissuer, given);
	/* Before anything is created: the issuer's settings complete, a name too long refused. */
	if ((r = init_issuer(cli, issuer_kind, given, &sc)) != 0)
		goto out;
	if (wf_text_copy(record.name, sizeof(record.name), office, "office", &werr) != WF_OK ||
	    wf_text_copy(record.city, sizeof(record.city), city, "city", &werr) != WF_OK) {
		r = cli_fail_wf(cli, &werr);
		goto out;
	}
	snprintf(default_org, sizeof(default_org), "Pemerintah Kota %s", city);
	if (organization == NULL)
		organization = default_org;
	if ((r = create_store(cli)) != 0 || (r = save_issuer(cli, &sc, organization)) != 0)
		goto out;
	const char *const station[] = {
		SETTING_KEY_TYPE, key_type, SETTING_PROVINCE, province,
		SETTING_ORGANIZATION, organization, SETTING_EMAIL_DOMAIN, email_domain, NULL, NULL,
	};
	if ((r = save_settings(cli, station)) != 0)
		goto out;
	if (wf_office_set(cli->store, &record, cli->login, &werr) != WF_OK) {
		r = cli_fail_wf(cli, &werr);
		goto out;
	}
	printf(_("Initialized %s for %s, %s (issuer: %s).\n"), cli->db_path, office, city,
	       _(sc.connector->summary));
out:
	station_connector_clear(&sc);
	return r;
}

int
cmd_official_add(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const char *name = NULL, *nip = NULL, *role = NULL, *login = NULL;
	const struct cli_option options[] = {
		{ "name", OPT_STRING, &name, "NAME", N_("the official's full name") },
		{ "nip", OPT_STRING, &nip, "NIP", N_("the official's NIP (18 digits)") },
		{ "role", OPT_STRING, &role, "ROLE", N_("kepala_dinas, kabid or kasi") },
		{ "login", OPT_STRING, &login, "LOGIN", N_("the OS login they act from") },
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
	printf(_("Official registered: %s (%s), login %s.\n"), name, role, login);
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

	if ((r = cli_parse(cli, self, argc, argv, NULL, &rest, &nrest)) != 0 ||
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
			printf("%-14s %-18s %-12s %s%s\n", officials[i].login, officials[i].nip,
			       wf_role_name(officials[i].role), officials[i].name,
			       officials[i].active ? "" : _(" (inactive)"));
	}
	if (cli->json)
		cli_print_json(array);
	else
		json_object_put(array);
	free(officials);
	return 0;
}
