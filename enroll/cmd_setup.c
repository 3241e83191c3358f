/*
 * cmd_setup.c: setting the station up: the database, the issuer and the first official,
 * the Kasi running it (init).
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
static const char *kasi_name, *kasi_nip, *kasi_position;

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
	{ "kasi-name", OPT_STRING, &kasi_name, "NAME", N_("the Kasi running the station (your login), the first official"), false },
	{ "kasi-nip", OPT_STRING, &kasi_nip, "NIP", N_("the Kasi's NIP (18 digits)"), false },
	{ "kasi-position", OPT_STRING, &kasi_position, "TEXT", N_("the Kasi's position (jabatan)"), false },
	{ NULL },
};

/* The first official, checked before anything exists: init succeeds whole or not at all. */
static int
check_first_kasi(struct cli *cli, struct wf_official *kasi)
{
	struct wf_error err;
	int r;

	if ((kasi_name == NULL) != (kasi_nip == NULL))
		return cli_fail_usage(_("--kasi-name and --kasi-nip go together"));
	if (kasi_name == NULL)
		return 0;
	if ((r = cli_fill_official(cli, kasi, kasi_name, kasi_nip, kasi_position, cli->login)) != 0)
		return r;
	if (wf_validate_nip(kasi->nip, NULL, &err) != WF_OK)
		return cli_fail_wf(cli, &err);
	return 0;
}

int
cmd_init(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct wf_official kasi = { .role = WF_ROLE_KASI, .active = true };
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
	if ((r = check_first_kasi(cli, &kasi)) != 0)
		return r;
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
