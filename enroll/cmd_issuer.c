/*
 * cmd_issuer.c: the issuer new requests are sent through, changed after init (Kasi,
 * audited) and shown with every connector of issuer/'s table and the settings it takes.
 * A request already sent keeps the issuer it was sent through.
 */
#include <stdlib.h>
#include <string.h>

#include "station.h"

#define ISSUER_SET_ACTION "issuer_set"

/* Every option given must be a setting of this connector. */
static int
check_given(const struct iss_connector *connector, const char *const *given)
{
	const struct iss_option *o;

	for (; given[0] != NULL; given += 2) {
		for (o = connector->options; o->name != NULL && strcmp(o->name, given[0]) != 0; o++)
			;
		if (o->name == NULL)
			return cli_fail_usage(_("the %s connector takes no --%s"), connector->name,
					      given[0]);
	}
	return 0;
}

/* The audit row's words: the connector and each of its settings. */
static char *
change_detail(const struct station_connector *sc)
{
	char *text = NULL;
	size_t size = 0, i = 0;
	FILE *f = open_memstream(&text, &size);

	if (f == NULL)
		return NULL;
	fprintf(f, "issuer %s", sc->connector->name);
	for (const struct iss_option *o = sc->connector->options; o->name != NULL; o++, i++)
		fprintf(f, "; %s=%s", o->name, sc->values[i]);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* Made ready (a new CA, the exchange directories) only once the Kasi's role is checked. */
static int
change_issuer(struct cli *cli, struct station_connector *sc)
{
	const struct wf_actor actor = {.login = cli->login};
	const char *pairs[2 * STATION_OPTIONS_MAX + 3];
	char keys[STATION_OPTIONS_MAX][32], *organization = NULL, *detail = NULL;
	struct iss_error ierr;
	struct wf_error werr;
	int r = 0;

	if (iss_check(sc->connector->name, station_connector_lookup, sc, &ierr) != ISS_OK)
		return cli_fail_iss(cli, &ierr);
	if (wf_kasi_check(cli->store, &actor, ISSUER_SET_ACTION, &werr) != WF_OK)
		return cli_fail_wf(cli, &werr);
	organization = station_setting(cli, SETTING_ORGANIZATION);
	if (iss_prepare(sc->connector->name, station_connector_lookup, sc, organization, &ierr) !=
	    ISS_OK) {
		r = cli_fail_iss(cli, &ierr);
		goto out;
	}
	station_connector_pairs(sc, keys, pairs);
	if ((detail = change_detail(sc)) == NULL) {
		r = EXIT_INTERNAL;
		goto out;
	}
	if (wf_settings_change(cli->store, &actor, ISSUER_SET_ACTION, pairs, detail, &werr) !=
	    WF_OK)
		r = cli_fail_wf(cli, &werr);
out:
	free(detail);
	free(organization);
	return r;
}

const char *
cli_issuer_name(size_t i)
{
	size_t count;
	const struct iss_connector *table = iss_connectors(&count);

	return i < count ? table[i].name : NULL;
}

static const char *values[STATION_OPTIONS_MAX], *names[STATION_OPTIONS_MAX + 1];
static size_t count;

/* Every connector's settings, from issuer/'s table (cli_issuer_set_options_fill). */
struct cli_option issuer_set_options[STATION_OPTIONS_MAX + 1];

void
cli_issuer_set_options_fill(void)
{
	count = station_issuer_options(issuer_set_options, 0,
				       sizeof(issuer_set_options) / sizeof(issuer_set_options[0]),
				       values, names);
}

int
cmd_issuer_set(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const char *given[2 * STATION_OPTIONS_MAX + 1], *kind = NULL;
	struct station_connector sc = {0};
	int r;

	if ((r = cli_parse_operand(cli, self, argc, argv, &kind)) != 0)
		return r;
	station_issuer_given(names, values, count, given);
	if ((r = cli_store(cli)) != 0 || (r = station_connector_load(cli, kind, given, &sc)) != 0 ||
	    (r = check_given(sc.connector, given)) != 0 || (r = change_issuer(cli, &sc)) != 0)
		goto out;
	printf(_("Issuer set to %s: %s.\n"), sc.connector->name, _(sc.connector->summary));
	printf("  %s\n", _("requests already sent keep the issuer they were sent through"));
out:
	station_connector_clear(&sc);
	return r;
}

static struct json_object *
connector_json(const struct iss_connector *connector)
{
	struct json_object *o = json_object_new_object(), *options = json_object_new_array();

	cli_json_add_string(o, "name", connector->name);
	cli_json_add_string(o, "summary", _(connector->summary));
	for (const struct iss_option *opt = connector->options; opt->name != NULL; opt++) {
		struct json_object *option = json_object_new_object();

		cli_json_add_string(option, "name", opt->name);
		cli_json_add_string(option, "argument", opt->argument);
		cli_json_add_string(option, "help", _(opt->help));
		json_object_object_add(option, "required",
				       json_object_new_boolean(opt->default_name == NULL));
		json_object_array_add(options, option);
	}
	json_object_object_add(o, "options", options);
	return o;
}

static void
print_connector(const struct iss_connector *connector)
{
	char left[64];

	printf("  %-26s %s\n", connector->name, _(connector->summary));
	for (const struct iss_option *o = connector->options; o->name != NULL; o++) {
		snprintf(left, sizeof(left), "--%s %s", o->name, o->argument);
		printf("    %-24s %s%s\n", left, _(o->help),
		       o->default_name == NULL ? _(" (required)") : "");
	}
}

int
cmd_issuer_show(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const struct iss_connector *table;
	struct station_connector sc = {0};
	struct json_object *o, *settings, *list;
	size_t connectors, i = 0;
	char **rest;
	int nrest, r;

	if ((r = cli_parse(cli, self, argc, argv, &rest, &nrest)) != 0 ||
	    (r = cli_store(cli)) != 0 || (r = station_connector_load(cli, NULL, NULL, &sc)) != 0)
		goto out;
	table = iss_connectors(&connectors);
	o = json_object_new_object();
	settings = json_object_new_object();
	list = json_object_new_array();
	cli_json_add_string(o, "issuer", sc.connector->name);
	if (!cli->json)
		printf("%s %s (%s)\n", _("Issuer:"), sc.connector->name, _(sc.connector->summary));
	for (const struct iss_option *opt = sc.connector->options; opt->name != NULL; opt++, i++) {
		cli_json_add_string(settings, opt->name, sc.values[i]);
		if (!cli->json)
			printf("  %-26s %s\n", opt->name, sc.values[i] ? sc.values[i] : "-");
	}
	json_object_object_add(o, "settings", settings);
	if (!cli->json)
		printf("%s\n", _("Connectors ('enroll issuer set NAME --SETTING VALUE ...'):"));
	for (size_t c = 0; c < connectors; c++) {
		json_object_array_add(list, connector_json(&table[c]));
		if (!cli->json)
			print_connector(&table[c]);
	}
	json_object_object_add(o, "connectors", list);
	if (cli->json)
		cli_print_json(o);
	else
		json_object_put(o);
out:
	station_connector_clear(&sc);
	return r;
}
