/*
 * cmd_steps.c: the paper part of the procedure: the application (step 1), its documents,
 * the dispositions (2, 3), registration (4), sending (5), and leaving the forward path.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "station.h"

/* Document kinds as the operator types them, with the workflow's names accepted too. */
static const struct {
	const char *name;
	enum wf_document_kind kind;
} document_names[] = {
	{ "letter", WF_DOC_LETTER },
	{ "form", WF_DOC_BSRE_FORM },
	{ "ktp", WF_DOC_KTP },
	{ "sk", WF_DOC_SK },
};

static int
parse_document(const char *text, enum wf_document_kind *kind, const char **scan)
{
	const char *eq = strchr(text, '=');
	size_t len = eq ? (size_t)(eq - text) : strlen(text);
	char name[64];
	int parsed;

	*scan = eq ? eq + 1 : NULL;
	snprintf(name, sizeof(name), "%.*s", (int)len, text);
	for (size_t i = 0; i < sizeof(document_names) / sizeof(document_names[0]); i++) {
		if (strcmp(document_names[i].name, name) == 0) {
			*kind = document_names[i].kind;
			return 0;
		}
	}
	if ((parsed = wf_document_parse(name)) >= 0) {
		*kind = (enum wf_document_kind)parsed;
		return 0;
	}
	return cli_fail_usage(_("unknown document '%s': use letter, form, ktp or sk"), name);
}

/* Check every --document before anything is recorded, so a typo loses nothing. */
static int
check_documents(const struct cli_list *documents)
{
	enum wf_document_kind kind;
	const char *scan;
	int r;

	for (int i = 0; i < documents->count; i++) {
		if ((r = parse_document(documents->items[i], &kind, &scan)) != 0)
			return r;
		if (scan != NULL && access(scan, R_OK) != 0)
			return cli_fail_file(scan, errno);
	}
	return 0;
}

static int
record_documents(struct cli *cli, const char *number, const struct cli_list *documents)
{
	const struct wf_actor actor = { .login = cli->login };
	enum wf_document_kind kind;
	struct wf_error err;
	const char *scan;

	for (int i = 0; i < documents->count; i++) {
		parse_document(documents->items[i], &kind, &scan);
		if (wf_document_set(cli->store, number, kind, true, scan, &actor, &err) != WF_OK)
			return cli_fail_wf(cli, &err);
	}
	return 0;
}

/* City and province default to the office's: most applicants work in the city itself. */
static int
fill_place(struct cli *cli, struct wf_applicant *a, const char *city, const char *province)
{
	struct wf_office office = { 0 };
	struct wf_error err;
	char *configured = NULL;
	int r = 0;

	if (city[0] == '\0' && wf_office_get(cli->store, &office, &err) == WF_OK)
		city = office.city;
	if (province[0] == '\0' && (configured = station_setting(cli, SETTING_PROVINCE)) != NULL)
		province = configured;
	if (wf_applicant_set(a, "city", city, &err) != WF_OK ||
	    wf_applicant_set(a, "province", province, &err) != WF_OK)
		r = cli_fail_wf(cli, &err);
	free(configured);
	return r;
}

/* What was typed, whole: a value too long for its field is refused, never cut to fit. */
struct applicant_input {
	const char *field;
	const char *value;
};

static int
fill_applicant(struct cli *cli, struct wf_applicant *a, const struct applicant_input *input,
	       size_t count)
{
	struct wf_error err;

	for (size_t i = 0; i < count; i++)
		if (wf_applicant_set(a, input[i].field, input[i].value, &err) != WF_OK)
			return cli_fail_wf(cli, &err);
	return 0;
}

int
cmd_apply(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const char *name = NULL, *nik = NULL, *nip = "", *email = NULL, *phone = NULL;
	const char *position = "", *rank = "", *status = "pns", *unit = "", *agency = "";
	const char *city = "", *province = "", *request = "new", *note = NULL;
	struct cli_list documents = { 0 };
	const struct cli_option options[] = {
		{ "name", OPT_STRING, &name, "NAME", N_("full name as on the KTP") },
		{ "nik", OPT_STRING, &nik, "NIK", N_("NIK, 16 digits") },
		{ "nip", OPT_STRING, &nip, "NIP", N_("NIP, 18 digits (none for status 'other')") },
		{ "email", OPT_STRING, &email, "EMAIL", N_("corporate email") },
		{ "phone", OPT_STRING, &phone, "PHONE", N_("phone, e.g. 0812-3456-7890") },
		{ "position", OPT_STRING, &position, "TEXT", N_("position (jabatan)") },
		{ "rank", OPT_STRING, &rank, "TEXT", N_("pangkat/golongan") },
		{ "status", OPT_STRING, &status, "pns|pppk|other", N_("employment status") },
		{ "unit", OPT_STRING, &unit, "TEXT", N_("work unit (unit kerja)") },
		{ "agency", OPT_STRING, &agency, "TEXT", N_("agency (instansi/OPD)") },
		{ "city", OPT_STRING, &city, "TEXT", N_("city (default: the office's)") },
		{ "province", OPT_STRING, &province, "TEXT", N_("province (default: the office's)") },
		{ "request", OPT_STRING, &request, "TYPE", N_("new, renewal, data_change or revocation") },
		{ "document", OPT_LIST, &documents, "KIND[=SCAN]", N_("a document received: letter, form, ktp, sk") },
		{ "note", OPT_STRING, &note, "TEXT", N_("a note") },
		{ NULL },
	};
	const struct wf_actor actor = { .login = cli->login };
	struct wf_applicant a = { 0 };
	struct wf_error err;
	char **rest, number[WF_NUMBER_MAX];
	int nrest, r, employment, type;

	if ((r = cli_parse(cli, self, argc, argv, options, &rest, &nrest)) != 0)
		return r;
	if (name == NULL || nik == NULL || email == NULL || phone == NULL)
		return cli_fail_usage(_("apply needs at least --name, --nik, --email and --phone"));
	if ((employment = wf_employment_parse(status)) < 0)
		return cli_fail_usage(_("--status is pns, pppk or other"));
	if ((type = wf_request_type_parse(request)) < 0)
		return cli_fail_usage(_("--request is new, renewal, data_change or revocation"));
	const struct applicant_input input[] = {
		{ "full_name", name }, { "nik", nik }, { "nip", nip }, { "email", email },
		{ "phone", phone }, { "position", position }, { "rank_grade", rank },
		{ "work_unit", unit }, { "agency", agency },
	};
	if ((r = fill_applicant(cli, &a, input, sizeof(input) / sizeof(input[0]))) != 0 ||
	    (r = check_documents(&documents)) != 0 || (r = cli_store(cli)) != 0 ||
	    (r = fill_place(cli, &a, city, province)) != 0)
		return r;
	a.employment = (enum wf_employment)employment;
	if (wf_application_create(cli->store, &a, (enum wf_request_type)type, &actor, note, number,
				  &err) != WF_OK)
		return cli_fail_wf(cli, &err);
	r = record_documents(cli, number, &documents);
	if (cli->json) {
		struct json_object *o = json_object_new_object();

		cli_json_add_string(o, "number", number);
		cli_print_json(o);
	} else {
		printf("%s\n", number);
	}
	return r;
}

int
cmd_document(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct cli_list documents = { 0 };
	const struct cli_option options[] = {
		{ "document", OPT_LIST, &documents, "KIND[=SCAN]", N_("a document received: letter, form, ktp, sk") },
		{ NULL },
	};
	const char *number;
	int r;

	if ((r = cli_parse_id(cli, self, argc, argv, options, &number)) != 0)
		return r;
	if (documents.count == 0)
		return cli_fail_usage(_("name the documents received with --document KIND[=SCAN]"));
	if ((r = check_documents(&documents)) != 0 || (r = cli_store(cli)) != 0)
		return r;
	if ((r = record_documents(cli, number, &documents)) == 0)
		printf(_("%s: %d document(s) recorded as received.\n"), number, documents.count);
	return r;
}

/* After a transition: where the application is now. */
static int
print_moved(struct cli *cli, const char *number, enum wf_action action)
{
	struct wf_application *app = NULL;
	struct wf_error err;

	if (wf_application_get(cli->store, number, &app, &err) != WF_OK)
		return cli_fail_wf(cli, &err);
	printf(_("%s: %s -> %s\n"), number, wf_action_label(action, cli_indonesian()),
	       wf_state_label(app->state, cli_indonesian()));
	wf_application_free(app);
	return 0;
}

/* One transition of the table: the command names the action, the workflow does the rest. */
static int
act(struct cli *cli, const char *number, enum wf_action action, const struct wf_actor *actor,
    const char *note)
{
	struct wf_error err;
	int r;

	if ((r = cli_store(cli)) != 0)
		return r;
	if (wf_act(cli->store, number, action, actor, note, &err) != WF_OK)
		return cli_fail_wf(cli, &err);
	return print_moved(cli, number, action);
}

/* Commands that are one action with an optional (or required) note. */
static int
simple_action(struct cli *cli, const struct cli_command *self, int argc, char **argv,
	      enum wf_action action, bool reason_required)
{
	const char *note = NULL, *number;
	const struct cli_option options[] = {
		{ reason_required ? "reason" : "note", OPT_STRING, &note, "TEXT",
		  reason_required ? N_("the reason (required)") : N_("a note") },
		{ NULL },
	};
	const struct wf_actor actor = { .login = cli->login };
	int r;

	if ((r = cli_parse_id(cli, self, argc, argv, options, &number)) != 0)
		return r;
	if (reason_required && (note == NULL || note[0] == '\0'))
		return cli_fail_usage(_("give the reason with --reason TEXT"));
	return act(cli, number, action, &actor, note);
}

int
cmd_dispose(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const char *note = NULL, *on_behalf = NULL, *reference = NULL, *number;
	const struct cli_option options[] = {
		{ "note", OPT_STRING, &note, "TEXT", N_("the disposition's instruction") },
		{ "on-behalf", OPT_STRING, &on_behalf, "LOGIN", N_("record it for this official (Kasi only)") },
		{ "reference", OPT_STRING, &reference, "REF", N_("the paper disposition's number and date") },
		{ NULL },
	};
	struct wf_actor actor = { .login = cli->login };
	int r;

	if ((r = cli_parse_id(cli, self, argc, argv, options, &number)) != 0)
		return r;
	actor.on_behalf_login = on_behalf;
	actor.paper_reference = reference;
	return act(cli, number, WF_ACTION_DISPOSE, &actor, note);
}

int
cmd_register(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	return simple_action(cli, self, argc, argv, WF_ACTION_REGISTER, false);
}

/* Step 5 records the issuer the request goes through: step 7 fetches from the same one. */
int
cmd_send(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const char *note = NULL, *number;
	const struct cli_option options[] = {
		{ "note", OPT_STRING, &note, "TEXT", N_("a note") },
		{ NULL },
	};
	const struct wf_actor actor = { .login = cli->login };
	struct wf_error err;
	char *issuer = NULL;
	int r;

	if ((r = cli_parse_id(cli, self, argc, argv, options, &number)) != 0 ||
	    (r = cli_store(cli)) != 0 || (r = station_issuer_text(cli, &issuer)) != 0)
		return r;
	if (wf_send(cli->store, number, &actor, note, issuer, &err) != WF_OK)
		r = cli_fail_wf(cli, &err);
	else
		r = print_moved(cli, number, WF_ACTION_SEND);
	free(issuer);
	return r;
}

int
cmd_return(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	return simple_action(cli, self, argc, argv, WF_ACTION_RETURN, true);
}

int
cmd_resubmit(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	return simple_action(cli, self, argc, argv, WF_ACTION_RESUBMIT, false);
}

int
cmd_reject(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	return simple_action(cli, self, argc, argv, WF_ACTION_REJECT, true);
}

int
cmd_cancel(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	return simple_action(cli, self, argc, argv, WF_ACTION_CANCEL, true);
}

/* After handover: lost, revoke, expire, renew. */
static const struct {
	const char *word;
	enum wf_action action;
} lifecycle_words[] = {
	{ "lost", WF_ACTION_REPORT_LOST },
	{ "revoke", WF_ACTION_REVOKE },
	{ "expire", WF_ACTION_EXPIRE },
	{ "renew", WF_ACTION_RENEW },
};

int
cmd_lifecycle(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const char *note = NULL;
	const struct cli_option options[] = {
		{ "reason", OPT_STRING, &note, "TEXT", N_("what happened (required)") },
		{ NULL },
	};
	const struct wf_actor actor = { .login = cli->login };
	char **rest;
	int nrest, r;

	if ((r = cli_parse(cli, self, argc, argv, options, &rest, &nrest)) != 0)
		return r;
	if (nrest != 2 || note == NULL)
		return cli_fail_usage(_("usage: enroll lifecycle ID lost|revoke|expire|renew --reason TEXT"));
	for (size_t i = 0; i < sizeof(lifecycle_words) / sizeof(lifecycle_words[0]); i++)
		if (strcmp(lifecycle_words[i].word, rest[1]) == 0)
			return act(cli, rest[0], lifecycle_words[i].action, &actor, note);
	return cli_fail_usage(_("unknown lifecycle event '%s': lost, revoke, expire or renew"), rest[1]);
}
