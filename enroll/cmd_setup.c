/*
 * cmd_setup.c: setting the station up: the database, the issuer and the first official,
 * the Kasi running it (init). The issuer's options come from issuer/'s connector table.
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
		if (pairs[1] != NULL &&
		    wf_setting_set(cli->store, pairs[0], pairs[1], &err) != WF_OK)
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
	if (!wf_target_is_server(cli->db_path) && make_directories(dirname(dir)) != 0)
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

static const char *office, *city, *province, *issuer_kind, *key_type = "rsa2048";
static const char *email_domain, *organization, *kasi_name, *kasi_nip, *kasi_position;
static const char *kasi_login;
static const char *issuer_values[STATION_OPTIONS_MAX], *issuer_names[STATION_OPTIONS_MAX + 1];
static size_t issuer_count;

#define INIT_OPTIONS 11
/* The options of init, then each connector's settings (cli_init_options_fill). */
struct cli_option init_options[INIT_OPTIONS + STATION_OPTIONS_MAX + 1] = {
    {"office", OPT_STRING, &office, "NAME",
     N_("the office, e.g. 'Dinas Komunikasi dan Informatika'"), true},
    {"organization", OPT_STRING, &organization, "NAME",
     N_("O= of certificates (default: 'Pemerintah Kota CITY')"), false},
    {"city", OPT_STRING, &city, "CITY", N_("the city (L= of certificates)"), true},
    {"province", OPT_STRING, &province, "NAME", N_("the province (ST= of certificates)"), false},
    {"issuer", OPT_STRING, &issuer_kind, "KIND",
     N_("the issuer connector (default: the local test CA; see 'enroll issuer show')"), false},
    {"key-type", OPT_STRING, &key_type, "TYPE", N_("default key type (rsa2048)"), false},
    {"email-domain", OPT_STRING, &email_domain, "DOMAIN",
     N_("applicants' email must be in this domain"), false},
    {"kasi-name", OPT_STRING, &kasi_name, "NAME",
     N_("the Kasi running the station (your login), the first official"), false},
    {"kasi-nip", OPT_STRING, &kasi_nip, "NIP", N_("the Kasi's NIP (18 digits)"), false},
    {"kasi-position", OPT_STRING, &kasi_position, "TEXT", N_("the Kasi's position (jabatan)"),
     false},
    {"kasi-login", OPT_STRING, &kasi_login, "LOGIN",
     N_("the Kasi's login, when a PostgreSQL store is set up for them (default: yours)"), false},
};

void
cli_init_options_fill(void)
{
	issuer_count = station_issuer_options(init_options, INIT_OPTIONS,
					      sizeof(init_options) / sizeof(init_options[0]),
					      issuer_values, issuer_names);
}

/* The first official, checked before anything exists: init succeeds whole or not at all. */
static int
check_first_kasi(struct cli *cli, struct wf_official *kasi)
{
	struct wf_error err;
	int r;

	if ((kasi_name == NULL) != (kasi_nip == NULL))
		return cli_fail_usage(_("--kasi-name and --kasi-nip go together"));
	if (kasi_login != NULL && kasi_name == NULL)
		return cli_fail_usage(_("--kasi-login goes with --kasi-name and --kasi-nip"));
	/* A file is its user's alone: only a server's store is set up for someone else. */
	if (kasi_login != NULL && strcmp(kasi_login, cli->login) != 0 &&
	    !wf_target_is_server(cli->db_path))
		return cli_fail_usage(_("--kasi-login is for a PostgreSQL store: a database file"
					" belongs to the login running enroll"));
	if (kasi_name == NULL)
		return 0;
	if ((r = cli_fill_official(cli, kasi, kasi_name, kasi_nip, kasi_position,
				   kasi_login ? kasi_login : cli->login)) != 0)
		return r;
	if (wf_validate_nip(kasi->nip, NULL, &err) != WF_OK)
		return cli_fail_wf(cli, &err);
	return 0;
}

/* What init records once the store exists: the issuer, the station's settings, the office. */
static int
record_station(struct cli *cli, const struct station_connector *sc,
	       const struct wf_office *office_record, const struct wf_official *kasi)
{
	struct wf_error err;
	int r;

	if ((r = save_issuer(cli, sc, organization)) != 0)
		return r;
	const char *const station[] = {
	    SETTING_KEY_TYPE,
	    key_type,
	    SETTING_PROVINCE,
	    province,
	    SETTING_ORGANIZATION,
	    organization,
	    SETTING_EMAIL_DOMAIN,
	    email_domain,
	    NULL,
	    NULL,
	};
	if ((r = save_settings(cli, station)) != 0)
		return r;
	if (wf_office_set(cli->store, office_record, cli->login, &err) != WF_OK ||
	    (kasi_name != NULL &&
	     wf_official_add(cli->store, kasi, cli->login, NULL, &err) != WF_OK))
		return cli_fail_wf(cli, &err);
	return 0;
}

int
cmd_init(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct wf_official kasi = {.role = WF_ROLE_KASI, .active = true};
	const char *given[2 * STATION_OPTIONS_MAX + 1];
	struct station_connector sc = {0};
	struct wf_office record = {0};
	struct wf_error werr;
	enum tok_key_type type;
	char **rest, default_org[WF_NAME_MAX + 32];
	int nrest, r;

	if ((r = cli_parse(cli, self, argc, argv, &rest, &nrest)) != 0)
		return r;
	if (tok_key_type_parse(key_type, &type) != TOK_OK)
		return cli_fail_usage(_("unknown key type: %s"), key_type);
	station_issuer_given(issuer_names, issuer_values, issuer_count, given);
	/* Before anything is created: the issuer's settings complete, a name too long refused. */
	if ((r = init_issuer(cli, issuer_kind, given, &sc)) != 0)
		goto out;
	if (wf_text_copy(record.name, sizeof(record.name), office, "office", &werr) != WF_OK ||
	    wf_text_copy(record.city, sizeof(record.city), city, "city", &werr) != WF_OK) {
		r = cli_fail_wf(cli, &werr);
		goto out;
	}
	if ((r = check_first_kasi(cli, &kasi)) != 0)
		goto out;
	snprintf(default_org, sizeof(default_org), "Pemerintah Kota %s", city);
	if (organization == NULL)
		organization = default_org;
	if ((r = create_store(cli)) != 0 || (r = record_station(cli, &sc, &record, &kasi)) != 0)
		goto out;
	printf(_("Initialized %s for %s, %s (issuer: %s).\n"), cli->db_path, office, city,
	       _(sc.connector->summary));
out:
	station_connector_clear(&sc);
	return r;
}
