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
    {"letter", WF_DOC_LETTER},
    {"form", WF_DOC_BSRE_FORM},
    {"ktp", WF_DOC_KTP},
    {"sk", WF_DOC_SK},
};

const char *
cli_document_name(size_t i)
{
	return i < sizeof(document_names) / sizeof(document_names[0]) ? document_names[i].name
								      : NULL;
}

int
cli_document_kind(const char *name, enum wf_document_kind *kind)
{
	int parsed;

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

static int
parse_document(const char *text, enum wf_document_kind *kind, const char **scan)
{
	const char *eq = strchr(text, '=');
	size_t len = eq ? (size_t)(eq - text) : strlen(text);
	char name[64];

	*scan = eq ? eq + 1 : NULL;
	snprintf(name, sizeof(name), "%.*s", (int)len, text);
	return cli_document_kind(name, kind);
}

/*
 * Check every --document before anything is recorded, so a typo or a scan the station
 * refuses (a FIFO, a device, too large, not a PDF, JPEG or PNG) loses nothing. The store
 * is opened here: the scan limit is a station setting.
 */
static int
check_documents(struct cli *cli, const struct cli_list *documents)
{
	enum wf_document_kind kind;
	struct wf_error err;
	const char *scan;
	int r;

	for (int i = 0; i < documents->count; i++)
		if ((r = parse_document(documents->items[i], &kind, &scan)) != 0)
			return r;
	if ((r = cli_store(cli)) != 0)
		return r;
	for (int i = 0; i < documents->count; i++) {
		parse_document(documents->items[i], &kind, &scan);
		if (scan != NULL && wf_scan_check(cli->store, scan, &err) != WF_OK)
			return cli_fail_wf(cli, &err);
	}
	return 0;
}

static int
record_documents(struct cli *cli, const char *number, const struct cli_list *documents,
		 bool received)
{
	const struct wf_actor actor = {.login = cli->login};
	enum wf_document_kind kind;
	struct wf_error err;
	const char *scan;

	for (int i = 0; i < documents->count; i++) {
		parse_document(documents->items[i], &kind, &scan);
		if (wf_document_set(cli->store, number, kind, received, received ? scan : NULL,
				    &actor, &err) != WF_OK)
			return cli_fail_wf(cli, &err);
	}
	return 0;
}

/* City and province default to the office's: most applicants work in the city itself. */
static void
default_place(struct cli *cli, struct wf_office *office, char **configured, const char **city,
	      const char **province)
{
	struct wf_error err;

	if ((*city)[0] == '\0' && wf_office_get(cli->store, office, &err) == WF_OK)
		*city = office->city;
	if ((*province)[0] == '\0' &&
	    (*configured = station_setting(cli, SETTING_PROVINCE)) != NULL)
		*province = *configured;
}

/* An option's value for the field of the table it fills (key as wf_applicant_fields()). */
struct applicant_input {
	const char *key;
	const char *value;
};

/*
 * What was typed, whole, through the field table: a value too long for its field is
 * refused, never cut to fit; the workflow's checks (required, NIK, NIP, ...) follow.
 */
static int
fill_applicant(struct cli *cli, struct wf_applicant *a, const struct applicant_input *input,
	       size_t count, bool given_only)
{
	struct wf_error err;

	for (size_t i = 0; i < count; i++)
		if ((!given_only || input[i].value != NULL) &&
		    wf_applicant_set(a, input[i].key, input[i].value, &err) != WF_OK)
			return cli_fail_wf(cli, &err);
	return 0;
}

/* What the options were given as: one command runs per process. */
static struct {
	const char *name, *nik, *nip, *email, *phone, *position, *rank, *status, *unit, *agency;
	const char *city, *province, *request, *note, *reason, *on_behalf, *reference;
	struct cli_list documents, missing;
} arg;

/* The options that fill the applicant's fields, by the field table's keys; NULL unset. */
static size_t
applicant_inputs(struct applicant_input *input, const char *city, const char *province)
{
	const struct applicant_input all[] = {
	    {"full_name", arg.name},  {"nik", arg.nik},
	    {"nip", arg.nip},	      {"email", arg.email},
	    {"phone", arg.phone},     {"position", arg.position},
	    {"rank_grade", arg.rank}, {"employment", arg.status},
	    {"work_unit", arg.unit},  {"agency", arg.agency},
	    {"city", city},	      {"province", province},
	};

	memcpy(input, all, sizeof(all));
	return sizeof(all) / sizeof(all[0]);
}

/* The applicant's options: apply requires four of them, edit none. */
#define APPLICANT_OPTIONS(required)                                                                 \
	{"name", OPT_STRING, &arg.name, "NAME", N_("full name as on the KTP"), required},           \
	    {"nik", OPT_STRING, &arg.nik, "NIK", N_("NIK, 16 digits"), required},                   \
	    {"nip", OPT_STRING, &arg.nip, "NIP", N_("NIP, 18 digits (none for status 'other')"),    \
	     false},                                                                                \
	    {"email", OPT_STRING, &arg.email, "EMAIL", N_("corporate email"), required},            \
	    {"phone", OPT_STRING, &arg.phone, "PHONE", N_("phone, e.g. 0812-3456-7890"), required}, \
	    {"position", OPT_STRING, &arg.position, "TEXT", N_("position (jabatan)"), false},       \
	    {"rank", OPT_STRING, &arg.rank, "TEXT", N_("pangkat/golongan"), false},                 \
	    {"status", OPT_STRING, &arg.status, "pns|pppk|other", N_("employment status"), false},  \
	    {"unit", OPT_STRING, &arg.unit, "TEXT", N_("work unit (unit kerja)"), false},           \
	    {"agency", OPT_STRING, &arg.agency, "TEXT", N_("agency (instansi/OPD)"), false},        \
	    {"city", OPT_STRING, &arg.city, "TEXT", N_("city (default: the office's)"), false},     \
	{                                                                                           \
		"province", OPT_STRING, &arg.province, "TEXT",                                      \
		    N_("province (default: the office's)"), false                                   \
	}

const struct cli_option apply_options[] = {
    APPLICANT_OPTIONS(true),
    {"request", OPT_STRING, &arg.request, "TYPE", N_("new, renewal, data_change or revocation"),
     false},
    {"document", OPT_LIST, &arg.documents, "KIND[=SCAN]",
     N_("a document received: letter, form, ktp, sk"), false},
    {"note", OPT_STRING, &arg.note, "TEXT", N_("a note"), false},
    {NULL},
};

int
cmd_apply(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const struct wf_actor actor = {.login = cli->login};
	const char *city, *province;
	struct wf_applicant a = {0};
	struct wf_office office = {0};
	struct wf_error err;
	char **rest, number[WF_NUMBER_MAX], *configured = NULL;
	struct applicant_input input[16];
	int nrest, r, type;

	if ((r = cli_parse(cli, self, argc, argv, &rest, &nrest)) != 0)
		return r;
	if ((type = wf_request_type_parse(arg.request ? arg.request : "new")) < 0)
		return cli_fail_usage(_("--request is new, renewal, data_change or revocation"));
	if ((r = check_documents(cli, &arg.documents)) != 0)
		return r;
	city = arg.city ? arg.city : "";
	province = arg.province ? arg.province : "";
	if (arg.status == NULL)
		arg.status = "pns";
	default_place(cli, &office, &configured, &city, &province);
	r = fill_applicant(cli, &a, input, applicant_inputs(input, city, province), false);
	free(configured);
	if (r != 0)
		return r;
	if (wf_application_create(cli->store, &a, (enum wf_request_type)type, &actor, arg.note,
				  number, &err) != WF_OK)
		return cli_fail_wf(cli, &err);
	r = record_documents(cli, number, &arg.documents, true);
	if (cli->json) {
		struct json_object *o = json_object_new_object();

		cli_json_add_string(o, "number", number);
		cli_print_json(o);
	} else {
		printf("%s\n", number);
	}
	return r;
}

const struct cli_option edit_options[] = {
    APPLICANT_OPTIONS(false),
    {NULL},
};

/* Step 1's data corrected before the key's request carries it: the Kasi, audited. */
int
cmd_edit(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const struct wf_actor actor = {.login = cli->login};
	struct applicant_input input[16];
	struct wf_application *app = NULL;
	struct wf_applicant a;
	struct wf_error err;
	char number[WF_NUMBER_MAX];
	size_t count, given = 0;
	enum wf_state state;
	int r;

	if ((r = cli_parse_id(cli, self, argc, argv, number)) != 0)
		return r;
	count = applicant_inputs(input, arg.city, arg.province);
	for (size_t i = 0; i < count; i++)
		given += input[i].value != NULL;
	if (given == 0)
		return cli_fail_usage(_("say what to correct, e.g. --name NAME"));
	if ((r = cli_store(cli)) != 0)
		return r;
	if (wf_application_get(cli->store, number, &app, &err) != WF_OK)
		return cli_fail_wf(cli, &err);
	a = app->applicant;
	state = app->state;
	wf_application_free(app);
	if ((r = fill_applicant(cli, &a, input, count, true)) != 0)
		return r;
	if (wf_applicant_edit(cli->store, number, &a, &actor, &err) != WF_OK)
		return cli_fail_wf(cli, &err);
	printf(_("%s: the applicant's data is corrected (recorded in the audit log).\n"), number);
	if (state == WF_STATE_REGISTERED || state == WF_STATE_SENT)
		printf("  %s\n",
		       _("the registration on BSrE's portal must be corrected the same way"));
	return 0;
}

const struct cli_option document_options[] = {
    {"document", OPT_LIST, &arg.documents, "KIND[=SCAN]",
     N_("a document received: letter, form, ktp, sk"), true},
    {NULL},
};

int
cmd_document(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	char number[WF_NUMBER_MAX];
	int r;

	if ((r = cli_parse_id(cli, self, argc, argv, number)) != 0)
		return r;
	if ((r = check_documents(cli, &arg.documents)) != 0)
		return r;
	if ((r = record_documents(cli, number, &arg.documents, true)) == 0)
		printf(_("%s: %d document(s) recorded as received.\n"), number,
		       arg.documents.count);
	return r;
}

/* The largest scan the station takes: a setting of the Kasi's, audited as a refusal is. */
#define SCAN_LIMIT_ACTION "scan_limit_set"
#define SCAN_MAX_MIB 1024
static int scan_max_mib;

const struct cli_option station_set_options[] = {
    {"scan-max-mib", OPT_INT, &scan_max_mib, "MIB",
     N_("the largest scan a document may have, in MiB (1 to 1024; 20 unless set)"), false},
    {NULL},
};

int
cmd_station_set(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const struct wf_actor actor = {.login = cli->login};
	char bytes[32], detail[64];
	struct wf_error err;
	char **rest;
	int nrest, r;

	if ((r = cli_parse(cli, self, argc, argv, &rest, &nrest)) != 0)
		return r;
	if (nrest != 0 || scan_max_mib == 0)
		return cli_fail_usage_line(self);
	if (scan_max_mib < 0 || scan_max_mib > SCAN_MAX_MIB)
		return cli_fail_usage(_("--scan-max-mib is from 1 to %d"), SCAN_MAX_MIB);
	if ((r = cli_store(cli)) != 0)
		return r;
	snprintf(bytes, sizeof(bytes), "%lld", (long long)scan_max_mib * 1024 * 1024);
	snprintf(detail, sizeof(detail), "scan limit %s bytes", bytes);
	const char *pairs[] = {WF_SETTING_SCAN_MAX, bytes, NULL};
	if (wf_settings_change(cli->store, &actor, SCAN_LIMIT_ACTION, pairs, detail, &err) != WF_OK)
		return cli_fail_wf(cli, &err);
	printf(_("A scan may now have at most %d MiB.\n"), scan_max_mib);
	return 0;
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

/* A refusal in the application's state also says what the operator can type now. */
static int
fail_act(struct cli *cli, const char *number, const struct wf_error *err)
{
	struct wf_application *app = NULL;
	struct wf_error ignored;
	char next[256];
	int r = cli_fail_wf(cli, err);

	if (err->code == WF_ERR_STATE &&
	    wf_application_get(cli->store, number, &app, &ignored) == WF_OK) {
		fprintf(stderr, "  %s %s\n", _("what can be done now:"),
			cli_next_commands(app->state, next, sizeof(next)));
		wf_application_free(app);
	}
	return r;
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
		return fail_act(cli, number, &err);
	return print_moved(cli, number, action);
}

/* The register, send, reject and cancel commands: one action with its note (or reason). */
const struct cli_option note_options[] = {
    {"note", OPT_STRING, &arg.note, "TEXT", N_("a note"), false},
    {NULL},
};

const struct cli_option reason_options[] = {
    {"reason", OPT_STRING, &arg.reason, "TEXT", N_("the reason (required)"), true},
    {NULL},
};

const struct cli_option return_options[] = {
    {"reason", OPT_STRING, &arg.reason, "TEXT", N_("the reason (required)"), true},
    {"missing", OPT_LIST, &arg.missing, "KIND", N_("a document missing: letter, form, ktp, sk"),
     false},
    {NULL},
};

const struct cli_option resubmit_options[] = {
    {"document", OPT_LIST, &arg.documents, "KIND[=SCAN]",
     N_("a document brought: letter, form, ktp, sk"), false},
    {"note", OPT_STRING, &arg.note, "TEXT", N_("a note"), false},
    {NULL},
};

static int
simple_action(struct cli *cli, const struct cli_command *self, int argc, char **argv,
	      enum wf_action action)
{
	const struct wf_actor actor = {.login = cli->login};
	char number[WF_NUMBER_MAX];
	int r;

	if ((r = cli_parse_id(cli, self, argc, argv, number)) != 0)
		return r;
	return act(cli, number, action, &actor,
		   self->options == reason_options ? arg.reason : arg.note);
}

const struct cli_option dispose_options[] = {
    {"note", OPT_STRING, &arg.note, "TEXT", N_("the disposition's instruction"), false},
    {"on-behalf", OPT_STRING, &arg.on_behalf, "LOGIN",
     N_("record it for this official (Kasi only)"), false},
    {"reference", OPT_STRING, &arg.reference, "REF", N_("the paper disposition's number and date"),
     false},
    {NULL},
};

int
cmd_dispose(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct wf_actor actor = {.login = cli->login};
	char number[WF_NUMBER_MAX];
	int r;

	if ((r = cli_parse_id(cli, self, argc, argv, number)) != 0)
		return r;
	actor.on_behalf_login = arg.on_behalf;
	actor.paper_reference = arg.reference;
	return act(cli, number, WF_ACTION_DISPOSE, &actor, arg.note);
}

int
cmd_register(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	return simple_action(cli, self, argc, argv, WF_ACTION_REGISTER);
}

/* Step 5 records the issuer the request goes through: step 7 fetches from the same one. */
int
cmd_send(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const struct wf_actor actor = {.login = cli->login};
	char number[WF_NUMBER_MAX], *issuer = NULL;
	struct wf_error err;
	int r;

	if ((r = cli_parse_id(cli, self, argc, argv, number)) != 0 || (r = cli_store(cli)) != 0 ||
	    (r = station_issuer_text(cli, &issuer)) != 0)
		return r;
	if (wf_send(cli->store, number, &actor, arg.note, issuer, &err) != WF_OK)
		r = fail_act(cli, number, &err);
	else
		r = print_moved(cli, number, WF_ACTION_SEND);
	free(issuer);
	return r;
}

/* Returned, the documents are open again: the missing ones are marked not received. */
int
cmd_return(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const struct wf_actor actor = {.login = cli->login};
	char number[WF_NUMBER_MAX];
	int r;

	if ((r = cli_parse_id(cli, self, argc, argv, number)) != 0 ||
	    (r = check_documents(cli, &arg.missing)) != 0)
		return r;
	if ((r = act(cli, number, WF_ACTION_RETURN, &actor, arg.reason)) != 0)
		return r;
	return record_documents(cli, number, &arg.missing, false);
}

/* The documents brought are recorded first: the application is back only with them. */
int
cmd_resubmit(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const struct wf_actor actor = {.login = cli->login};
	char number[WF_NUMBER_MAX];
	int r;

	if ((r = cli_parse_id(cli, self, argc, argv, number)) != 0 ||
	    (r = check_documents(cli, &arg.documents)) != 0 ||
	    (r = record_documents(cli, number, &arg.documents, true)) != 0)
		return r;
	return act(cli, number, WF_ACTION_RESUBMIT, &actor, arg.note);
}

int
cmd_reject(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	return simple_action(cli, self, argc, argv, WF_ACTION_REJECT);
}

int
cmd_cancel(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	return simple_action(cli, self, argc, argv, WF_ACTION_CANCEL);
}

/*
 * What the operator types for each action: the command, and for the token's life after
 * handover the event word of 'enroll lifecycle ID EVENT'.
 */
static const struct {
	enum wf_action action;
	const char *command;
	const char *event;
} action_commands[] = {
    {WF_ACTION_DISPOSE, "dispose", NULL},
    {WF_ACTION_REGISTER, "register", NULL},
    {WF_ACTION_SEND, "send", NULL},
    {WF_ACTION_RECORD_KEY, "keygen", NULL},
    {WF_ACTION_IMPORT_CERTIFICATE, "import", NULL},
    {WF_ACTION_HANDOVER, "handover", NULL},
    {WF_ACTION_RETURN, "return", NULL},
    {WF_ACTION_RESUBMIT, "resubmit", NULL},
    {WF_ACTION_REJECT, "reject", NULL},
    {WF_ACTION_CANCEL, "cancel", NULL},
    {WF_ACTION_REPORT_LOST, "lifecycle", "lost"},
    {WF_ACTION_REVOKE, "lifecycle", "revoke"},
    {WF_ACTION_EXPIRE, "lifecycle", "expire"},
    {WF_ACTION_RENEW, "lifecycle", "renew"},
};

/* The lifecycle event words, in the table's order; NULL past the last. */
const char *
cli_lifecycle_event(size_t i)
{
	for (size_t k = 0; k < sizeof(action_commands) / sizeof(action_commands[0]); k++)
		if (action_commands[k].event != NULL && i-- == 0)
			return action_commands[k].event;
	return NULL;
}

const struct cli_option lifecycle_options[] = {
    {"reason", OPT_STRING, &arg.reason, "TEXT", N_("what happened (required)"), true},
    {NULL},
};

char *
cli_next_commands(enum wf_state state, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(action_commands) / sizeof(action_commands[0]); i++) {
		int n;

		if (wf_transition_find(state, action_commands[i].action) == NULL)
			continue;
		n = snprintf(buf + used, size - used, "%s%s%s%s", used ? ", " : "",
			     action_commands[i].command, action_commands[i].event ? " " : "",
			     action_commands[i].event ? action_commands[i].event : "");
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
	if (used == 0)
		snprintf(buf, size, "%s", _("none"));
	return buf;
}

int
cmd_lifecycle(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const struct wf_actor actor = {.login = cli->login};
	char **rest, number[WF_NUMBER_MAX];
	int nrest, r;

	if ((r = cli_parse(cli, self, argc, argv, &rest, &nrest)) != 0)
		return r;
	if (nrest != 2)
		return cli_fail_usage_line(self);
	if ((r = cli_normalize_number(rest[0], number)) != 0)
		return r;
	for (size_t i = 0; i < sizeof(action_commands) / sizeof(action_commands[0]); i++)
		if (action_commands[i].event && strcmp(action_commands[i].event, rest[1]) == 0)
			return act(cli, number, action_commands[i].action, &actor, arg.reason);
	return cli_fail_usage(_("unknown lifecycle event '%s': lost, revoke, expire or renew"),
			      rest[1]);
}
