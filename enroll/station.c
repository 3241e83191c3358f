/*
 * station.c: settings, the configured issuer, and an application's data as the CSR
 * subject and the request for BSrE's portal (JSON by json-c, and a sheet for people).
 * The NIK stays out of the subject: it is personal data, sent only in the request.
 */
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

int
station_issuer(struct cli *cli, struct issuer **out)
{
	char *kind = station_setting(cli, SETTING_ISSUER);
	char *ca = station_setting(cli, SETTING_CA_DIR);
	char *outbox = station_setting(cli, SETTING_OUTBOX);
	char *inbox = station_setting(cli, SETTING_INBOX);
	struct tok_error err;
	int r = 0;

	if (kind == NULL) {
		fprintf(stderr, "enroll: %s\n  %s\n", _("no issuer configured"),
			_("run 'enroll init' first"));
		r = EXIT_DATABASE;
	} else if (strcmp(kind, "local") == 0) {
		*out = issuer_local_open(ca, &err);
	} else {
		*out = issuer_file_open(outbox, inbox, &err);
	}
	if (r == 0 && *out == NULL)
		r = cli_fail_tok(cli, &err);
	free(kind);
	free(ca);
	free(outbox);
	free(inbox);
	return r;
}

/* The applicant's data as BSrE's registration form asks for it. */
static char *
applicant_json(const struct wf_application *app, const char *organization, const char *csr)
{
	const struct wf_applicant *a = &app->applicant;
	struct json_object *o = json_object_new_object();
	char *text;

	cli_json_add_string(o, "nomor_permohonan", app->number);
	cli_json_add_string(o, "jenis_permohonan", wf_request_type_name(app->request_type));
	cli_json_add_string(o, "nik", a->nik);
	cli_json_add_string(o, "nama", a->full_name);
	cli_json_add_string(o, "nip", a->nip);
	cli_json_add_string(o, "email", a->email);
	cli_json_add_string(o, "jabatan", a->position);
	cli_json_add_string(o, "pangkat_golongan", a->rank_grade);
	cli_json_add_string(o, "status_kepegawaian", wf_employment_name(a->employment));
	cli_json_add_string(o, "nomor_telepon", a->phone);
	cli_json_add_string(o, "unit_kerja", a->work_unit);
	cli_json_add_string(o, "instansi", a->agency[0] ? a->agency : organization);
	cli_json_add_string(o, "kota", a->city);
	cli_json_add_string(o, "provinsi", a->province);
	cli_json_add_string(o, "csr", csr);
	text = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							   JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return text;
}

static char *
applicant_sheet(const struct wf_application *app)
{
	const struct wf_applicant *a = &app->applicant;
	char *text = NULL;

	if (asprintf(&text,
		     "Permohonan Sertifikat Elektronik / Electronic certificate request\n"
		     "Nomor: %s (%s)\n\n"
		     "Nama          : %s\nNIK           : %s\nNIP           : %s\n"
		     "Email         : %s\nJabatan       : %s\nPangkat/Gol.  : %s\n"
		     "Status        : %s\nTelepon       : %s\nUnit kerja    : %s\n"
		     "Instansi      : %s\nKota          : %s\nProvinsi      : %s\n",
		     app->number, wf_request_type_name(app->request_type), a->full_name, a->nik,
		     a->nip[0] ? a->nip : "-", a->email, a->position, a->rank_grade,
		     wf_employment_name(a->employment), a->phone, a->work_unit, a->agency, a->city,
		     a->province) < 0)
		return NULL;
	return text;
}

void
station_request_init(struct cli *cli, const struct wf_application *app,
		     struct station_request *out)
{
	memset(out, 0, sizeof(*out));
	out->organization = station_setting(cli, SETTING_ORGANIZATION);
	out->province = station_setting(cli, SETTING_PROVINCE);
	out->subject = (struct tok_subject){
		.common_name = app->applicant.full_name,
		.organizational_unit = app->applicant.work_unit[0] ? app->applicant.work_unit : NULL,
		.organization = out->organization,
		.locality = app->applicant.city[0] ? app->applicant.city : NULL,
		.state = app->applicant.province[0] ? app->applicant.province : out->province,
		.country = "ID",
		.email = app->applicant.email,
	};
}

int
station_request_add_csr(struct cli *cli, const struct wf_application *app, const char *key_id_hex,
			const char *csr_pem, struct station_request *request)
{
	struct wf_office office = { 0 };
	struct wf_error err;

	if (request->organization == NULL)
		wf_office_get(cli->store, &office, &err);
	request->json = applicant_json(app, request->organization ? request->organization : office.name,
				       csr_pem);
	request->sheet = applicant_sheet(app);
	if (request->json == NULL || request->sheet == NULL)
		return EXIT_INTERNAL;
	request->request = (struct issuer_request){
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
