/*
 * station.c: settings, the issuer connectors as the station configures them (through
 * issuer/'s table, never by name here), and an application's data as the CSR
 * subject and the request for BSrE's portal (JSON by json-c, and a sheet for people).
 * The NIK stays out of the subject: it is personal data, sent only in the request.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "pcsc.h"
#include "station.h"

char *
station_setting(struct cli *cli, const char *key)
{
	struct wf_error err;
	char *value = NULL;

	if (wf_setting_get(cli->store, key, &value, &err) != WF_OK)
		return NULL;
	return value;
}

/* The setting that keeps an option: its name with '-' as '_' ("ca-dir": "ca_dir"). */
static void
setting_key(const char *option, char *key, size_t size)
{
	size_t i;

	for (i = 0; option[i] != '\0' && i + 1 < size; i++)
		key[i] = option[i] == '-' ? '_' : option[i];
	key[i] = '\0';
}

static const char *
given_value(const char *const *given, const char *option)
{
	for (; given != NULL && given[0] != NULL; given += 2)
		if (given[1] != NULL && strcmp(given[0], option) == 0)
			return given[1];
	return NULL;
}

/* The option's value: given, stored, or its default beside the database. */
static char *
option_value(struct cli *cli, const struct iss_option *option, const char *const *given)
{
	const char *value = given_value(given, option->name);
	char key[32], *text = NULL;

	if (value != NULL)
		return strdup(value);
	setting_key(option->name, key, sizeof(key));
	if (cli->store != NULL && (text = station_setting(cli, key)) != NULL)
		return text;
	char *files = option->default_name ? wf_target_files(cli->db_path) : NULL;
	if (files == NULL || asprintf(&text, "%s/%s", files, option->default_name) < 0)
		text = NULL;
	free(files);
	return text;
}

int
station_connector_load(struct cli *cli, const char *name, const char *const *given,
		       struct station_connector *out)
{
	struct iss_error err;
	char *configured = NULL;
	size_t i = 0;

	memset(out, 0, sizeof(*out));
	if (name == NULL && (name = configured = station_setting(cli, SETTING_ISSUER)) == NULL) {
		fprintf(stderr, "enroll: %s\n  %s\n", _("no issuer configured"),
			_("run 'enroll init' first"));
		return EXIT_DATABASE;
	}
	out->connector = iss_connector_find(name, &err);
	free(configured);
	if (out->connector == NULL)
		return cli_fail_iss(cli, &err);
	for (const struct iss_option *o = out->connector->options;
	     o->name != NULL && i < STATION_OPTIONS_MAX; o++, i++)
		out->values[i] = option_value(cli, o, given);
	return 0;
}

const char *
station_connector_lookup(void *arg, const char *option)
{
	const struct station_connector *sc = arg;
	size_t i = 0;

	for (const struct iss_option *o = sc->connector->options;
	     o->name != NULL && i < STATION_OPTIONS_MAX; o++, i++)
		if (strcmp(o->name, option) == 0)
			return sc->values[i];
	return NULL;
}

void
station_connector_pairs(const struct station_connector *sc, char keys[STATION_OPTIONS_MAX][32],
			const char **pairs)
{
	size_t i = 0, n = 0;

	pairs[n++] = SETTING_ISSUER;
	pairs[n++] = sc->connector->name;
	for (const struct iss_option *o = sc->connector->options;
	     o->name != NULL && i < STATION_OPTIONS_MAX; o++, i++) {
		setting_key(o->name, keys[i], sizeof(keys[i]));
		pairs[n++] = keys[i];
		pairs[n++] = sc->values[i];
	}
	pairs[n++] = NULL;
	pairs[n] = NULL;
}

void
station_connector_clear(struct station_connector *sc)
{
	for (size_t i = 0; i < STATION_OPTIONS_MAX; i++)
		free(sc->values[i]);
	memset(sc, 0, sizeof(*sc));
}

size_t
station_issuer_options(struct cli_option *options, size_t n, size_t size, const char **values,
		       const char **names)
{
	const struct iss_connector *table;
	size_t count, used = 0;

	table = iss_connectors(&count);
	for (size_t c = 0; c < count; c++)
		for (const struct iss_option *o = table[c].options; o->name != NULL; o++) {
			size_t i = 0;

			while (i < used && strcmp(names[i], o->name) != 0)
				i++;
			if (i < used || n + 1 >= size)
				continue;
			names[used] = o->name;
			options[n++] = (struct cli_option){o->name,	OPT_STRING, &values[used],
							   o->argument, o->help,    false};
			used++;
		}
	options[n] = (struct cli_option){NULL};
	names[used] = NULL;
	return used;
}

void
station_issuer_given(const char *const *names, const char *const *values, size_t count,
		     const char **given)
{
	size_t n = 0;

	for (size_t i = 0; i < count; i++)
		if (values[i] != NULL) {
			given[n++] = names[i];
			given[n++] = values[i];
		}
	given[n] = NULL;
}

int
station_issuer_text(struct cli *cli, char **text)
{
	struct station_connector sc;
	struct iss_error err;
	int r;

	if ((r = station_connector_load(cli, NULL, NULL, &sc)) == 0 &&
	    iss_config_text(sc.connector->name, station_connector_lookup, &sc, text, &err) !=
		ISS_OK)
		r = cli_fail_iss(cli, &err);
	station_connector_clear(&sc);
	return r;
}

int
station_issuer(struct cli *cli, const struct wf_application *app, struct issuer **out)
{
	struct station_connector sc;
	struct iss_error err;
	struct wf_error werr;
	char *sent = NULL;
	int r;

	if ((r = wf_sent_issuer(cli->store, app->number, &sent, &werr)) == WF_OK) {
		r = iss_open_config(sent, out, &err) != ISS_OK ? cli_fail_iss(cli, &err) : 0;
		free(sent);
		return r;
	}
	if (r != WF_ERR_NOT_FOUND)
		return cli_fail_wf(cli, &werr);
	if ((r = station_connector_load(cli, NULL, NULL, &sc)) == 0 &&
	    iss_open(sc.connector->name, station_connector_lookup, &sc, out, &err) != ISS_OK)
		r = cli_fail_iss(cli, &err);
	station_connector_clear(&sc);
	return r;
}

/* The applicant's data as BSrE's registration form asks for it: the field table's. */
static char *
applicant_json(const struct wf_application *app, const char *csr)
{
	const struct wf_applicant_field *fields;
	struct json_object *o = json_object_new_object();
	size_t count;
	char *text;

	cli_json_add_string(o, "nomor_permohonan", app->number);
	cli_json_add_string(o, "jenis_permohonan", wf_request_type_name(app->request_type));
	fields = wf_applicant_fields(&count);
	for (size_t i = 0; i < count; i++)
		cli_json_add_string(o, fields[i].bsre_key,
				    wf_applicant_value(&app->applicant, &fields[i]));
	cli_json_add_string(o, "csr", csr);
	text = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return text;
}

/* The same for people: one "Label : value" line a field, "-" for an empty one. */
static char *
applicant_sheet(const struct wf_application *app)
{
	const struct wf_applicant_field *fields;
	char *text = NULL, *longer;
	size_t count;

	if (asprintf(&text,
		     "Permohonan Sertifikat Elektronik / Electronic certificate request\n"
		     "Nomor: %s (%s)\n\n",
		     app->number, wf_request_type_name(app->request_type)) < 0)
		return NULL;
	fields = wf_applicant_fields(&count);
	for (size_t i = 0; i < count; i++) {
		const char *value = wf_applicant_value(&app->applicant, &fields[i]);

		if (asprintf(&longer, "%s%-14s: %s\n", text, fields[i].bsre_label,
			     value[0] ? value : "-") < 0) {
			free(text);
			return NULL;
		}
		free(text);
		text = longer;
	}
	return text;
}

/* Where each attribute the field table names goes in the token layer's subject. */
static const struct {
	const char *attribute;
	size_t offset;
} subject_members[] = {
    {"CN", offsetof(struct tok_subject, common_name)},
    {"OU", offsetof(struct tok_subject, organizational_unit)},
    {"L", offsetof(struct tok_subject, locality)},
    {"ST", offsetof(struct tok_subject, state)},
    {"emailAddress", offsetof(struct tok_subject, email)},
};

/* The field's value into the subject member its attribute names; an empty one stays out. */
static void
subject_set(struct tok_subject *subject, const struct wf_applicant_field *field, const char *value)
{
	for (size_t i = 0; i < sizeof(subject_members) / sizeof(subject_members[0]); i++)
		if (value[0] != '\0' && strcmp(subject_members[i].attribute, field->subject) == 0)
			*(const char **)(void *)((char *)subject + subject_members[i].offset) =
			    value;
}

void
station_request_init(struct cli *cli, const struct wf_application *app, struct station_request *out)
{
	const struct wf_applicant_field *fields;
	size_t count;

	memset(out, 0, sizeof(*out));
	out->organization = station_setting(cli, SETTING_ORGANIZATION);
	out->province = station_setting(cli, SETTING_PROVINCE);
	out->subject = (struct tok_subject){
	    .organization = out->organization,
	    .state = out->province,
	    .country = "ID",
	};
	fields = wf_applicant_fields(&count);
	for (size_t i = 0; i < count; i++)
		if (fields[i].subject != NULL)
			subject_set(&out->subject, &fields[i],
				    wf_applicant_value(&app->applicant, &fields[i]));
}

int
station_request_add_csr(struct cli *cli, const struct wf_application *app, const char *key_id_hex,
			const char *csr_pem, struct station_request *request)
{
	request->json = applicant_json(app, csr_pem);
	request->sheet = applicant_sheet(app);
	if (request->json == NULL || request->sheet == NULL)
		return EXIT_INTERNAL;
	request->request = (struct iss_request){
	    .reference = app->number,
	    .key_id_hex = key_id_hex,
	    .csr_pem = csr_pem,
	    .applicant_json = request->json,
	    .applicant_sheet = request->sheet,
	};
	return 0;
}

void
station_request_clear(struct station_request *request)
{
	free(request->organization);
	free(request->province);
	free(request->json);
	free(request->sheet);
	memset(request, 0, sizeof(*request));
}

void
station_token_model(const struct tok_info *info, struct pcsc_model *out)
{
	struct pcsc_ctx *pcsc;
	struct pcsc_reader *readers = NULL;
	struct tok_error err;
	size_t n = 0;

	/* SoftHSM and other software tokens have no reader: nothing to know. */
	memset(out, 0, sizeof(*out));
	if ((pcsc = pcsc_ctx_new(&err)) == NULL)
		return;
	if (pcsc_list_readers(pcsc, &readers, &n, &err) == TOK_OK)
		for (size_t i = 0; i < n; i++)
			if (readers[i].atr_len > 0 &&
			    pcsc_reader_matches_slot(readers[i].name, info->slot_description))
				*out = readers[i].model;
	free(readers);
	pcsc_ctx_free(pcsc);
}

bool
station_token_is_blank(const struct tok_info *info, const struct pcsc_model *model)
{
	size_t n = strlen(model->blank_label);

	if (!info->initialized)
		return true;
	/* OpenSC shows "LABEL (UserPIN)" for a card whose label is LABEL. */
	return pcsc_model_has_quirk(model, "initialized-flag-unreliable") && n > 0 &&
	       strncmp(info->label, model->blank_label, n) == 0 &&
	       (info->label[n] == '\0' || strncmp(info->label + n, " (", 2) == 0);
}

/* The quirks that mean a blank token needs a step outside enroll, and why, in words. */
static const struct {
	const char *quirk;
	const char *why;
} vendor_steps[] = {
    {"needs-pkcs15-init", N_("OpenSC must first give it a PKCS#15 file system")},
    {"piv-management-key", N_("a PIV token is set up with its PIN, PUK and management key")},
    {"vendor-middleware", N_("only the vendor's software can initialize it")},
};

int
station_vendor_step(const struct pcsc_model *model)
{
	for (size_t i = 0; i < sizeof(vendor_steps) / sizeof(vendor_steps[0]); i++) {
		if (!pcsc_model_has_quirk(model, vendor_steps[i].quirk))
			continue;
		fprintf(stderr, _("enroll: a blank %s cannot be initialized by enroll: %s\n"),
			model->name, _(vendor_steps[i].why));
		if (model->note[0] != '\0')
			fprintf(stderr, "  %s\n", model->note);
		fprintf(stderr, "  %s\n", _("do that step, then run 'enroll keygen' again"));
		return EXIT_TOKEN;
	}
	return 0;
}
