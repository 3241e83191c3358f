/*
 * cmd_show.c: reading the records: one application with its history, lists, the audit
 * chain check.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

/* Room for a record's text with every byte escaped (\\xNN: four bytes each). */
#define SAFE_MAX (4 * 1024 + 1)

static struct json_object *
event_json(const struct wf_event *e)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "step", json_object_new_int(e->step));
	cli_json_add_string(o, "action", e->action);
	cli_json_add_string(o, "from", e->from_state);
	cli_json_add_string(o, "to", e->to_state);
	cli_json_add_string(o, "actor", e->actor_login);
	cli_json_add_string(o, "actor_name", e->actor_name);
	cli_json_add_string(o, "role", wf_role_name(e->role));
	cli_json_add_string(o, "on_behalf_of", e->on_behalf_login);
	cli_json_add_string(o, "paper_reference", e->paper_reference);
	json_object_object_add(o, "started_at", json_object_new_int64(e->started_at));
	json_object_object_add(o, "ended_at", json_object_new_int64(e->ended_at));
	json_object_object_add(o, "minutes", json_object_new_int(e->minutes));
	json_object_object_add(o, "standard_minutes", json_object_new_int(e->standard_minutes));
	cli_json_add_string(o, "note", e->note);
	return o;
}

static struct json_object *
application_json(const struct wf_application *app)
{
	const struct wf_applicant *a = &app->applicant;
	struct json_object *o = json_object_new_object(), *p = json_object_new_object();
	struct json_object *docs = json_object_new_array(), *events = json_object_new_array();
	const struct wf_applicant_field *fields;
	size_t count;

	cli_json_add_string(o, "number", app->number);
	cli_json_add_string(o, "state", wf_state_name(app->state));
	json_object_object_add(o, "step", json_object_new_int(app->step));
	cli_json_add_string(o, "request_type", wf_request_type_name(app->request_type));
	fields = wf_applicant_fields(&count);
	for (size_t i = 0; i < count; i++)
		cli_json_add_string(p, fields[i].key, wf_applicant_value(a, &fields[i]));
	json_object_object_add(o, "applicant", p);
	for (int k = 0; k < WF_DOC_COUNT; k++) {
		struct json_object *d = json_object_new_object();

		cli_json_add_string(d, "kind", wf_document_name(k));
		json_object_object_add(d, "received",
				       json_object_new_boolean(app->documents[k].received));
		cli_json_add_string(d, "scan_sha256", app->documents[k].scan_sha256);
		json_object_array_add(docs, d);
	}
	json_object_object_add(o, "documents", docs);
	if (app->has_key) {
		struct json_object *k = json_object_new_object();

		cli_json_add_string(k, "status", wf_key_status_name(app->key.status));
		cli_json_add_string(k, "token_serial", app->key.token_serial);
		cli_json_add_string(k, "token_model", app->key.token_model);
		cli_json_add_string(k, "key_type", app->key.key_type);
		cli_json_add_string(k, "key_id", app->key.key_id_hex);
		cli_json_add_string(k, "csr", app->key.csr_pem);
		json_object_object_add(o, "key", k);
	}
	if (app->has_certificate) {
		struct json_object *c = json_object_new_object();

		cli_json_add_string(c, "serial", app->certificate.serial);
		cli_json_add_string(c, "issuer", app->certificate.issuer);
		cli_json_add_string(c, "subject", app->certificate.subject);
		json_object_object_add(c, "not_before",
				       json_object_new_int64(app->certificate.not_before));
		json_object_object_add(c, "not_after",
				       json_object_new_int64(app->certificate.not_after));
		json_object_object_add(o, "certificate", c);
	}
	for (size_t i = 0; i < app->event_count; i++)
		json_object_array_add(events, event_json(&app->events[i]));
	json_object_object_add(o, "events", events);
	return o;
}

/* Every field of the table that holds something, under its label in the output language. */
static void
print_applicant(const struct wf_applicant *a)
{
	const struct wf_applicant_field *fields;
	size_t count;
	char label[64], safe[SAFE_MAX];

	fields = wf_applicant_fields(&count);
	for (size_t i = 0; i < count; i++) {
		const char *value = wf_applicant_value(a, &fields[i]);

		if (value[0] == '\0')
			continue;
		snprintf(label, sizeof(label), "%s:", _(fields[i].label));
		printf("  %-14s %s\n", label, cli_printable(value, safe, sizeof(safe)));
	}
}

/* A history line's act in words: the action's label, or the state reached (submission). */
static const char *
event_label(const struct wf_event *e, bool id)
{
	int action = wf_action_parse(e->action), state = wf_state_parse(e->to_state);

	if (action >= 0)
		return wf_action_label(action, id);
	return state >= 0 ? wf_state_label(state, id) : e->action;
}

static void
print_event(const struct wf_event *e, bool id)
{
	char when[32], who[2 * WF_NAME_MAX + 32], safe[SAFE_MAX];

	cli_format_time(e->ended_at, when, sizeof(when));
	if (e->on_behalf_login[0] != '\0')
		snprintf(who, sizeof(who), _("%s on behalf of %s"), e->actor_name,
			 e->on_behalf_name);
	else
		snprintf(who, sizeof(who), "%s", e->actor_name);
	printf("    %s  %d  %-24s %s, %s  %d/%d %s", when, e->step, event_label(e, id),
	       cli_printable(who, safe, sizeof(safe)), wf_role_label(e->role, id), e->minutes,
	       e->standard_minutes, _("min"));
	/* A note or a reference is free text: a newline in it must not forge a history line. */
	if (e->paper_reference != NULL)
		printf(_("  paper disposition: %s"),
		       cli_printable(e->paper_reference, safe, sizeof(safe)));
	if (e->note != NULL)
		printf("  %s", cli_printable(e->note, safe, sizeof(safe)));
	printf("\n");
}

static void
print_application(const struct wf_application *app)
{
	bool id = cli_indonesian();
	char next[256], safe[SAFE_MAX];

	printf("%s  %s  (%s)\n", app->number,
	       cli_printable(app->applicant.full_name, safe, sizeof(safe)),
	       wf_state_label(app->state, id));
	print_applicant(&app->applicant);
	printf("  %-14s", _("Documents:"));
	for (int k = 0; k < WF_DOC_COUNT; k++)
		printf(" %s[%s]", wf_document_label(k, id), app->documents[k].received ? "x" : " ");
	printf("\n");
	if (app->has_key)
		printf(_("  %-14s %s %s, token %s, %s\n"), _("Key:"), app->key.key_type,
		       app->key.key_id_hex, app->key.token_serial,
		       wf_key_status_label(app->key.status, id));
	if (app->has_certificate)
		printf("  %-14s %s, %s\n", _("Certificate:"), app->certificate.serial,
		       cli_printable(app->certificate.subject, safe, sizeof(safe)));
	printf("  %-14s %s\n", _("Next:"), cli_next_commands(app->state, next, sizeof(next)));
	printf("  %s\n", _("History:"));
	for (size_t i = 0; i < app->event_count; i++)
		print_event(&app->events[i], id);
}

int
cmd_show(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct wf_application *app = NULL;
	struct wf_error err;
	char number[WF_NUMBER_MAX];
	int r;

	if ((r = cli_parse_id(cli, self, argc, argv, number)) != 0 || (r = cli_store(cli)) != 0)
		return r;
	if (wf_application_get(cli->store, number, &app, &err) != WF_OK)
		return cli_fail_wf(cli, &err);
	if (cli->json)
		cli_print_json(application_json(app));
	else
		print_application(app);
	wf_application_free(app);
	return 0;
}

static const char *state_name;
static int limit;

const struct cli_option list_options[] = {
    {"state", OPT_STRING, &state_name, "STATE", N_("only applications in this state"), false},
    {"limit", OPT_INT, &limit, "N", N_("at most N applications"), false},
    {NULL},
};

/* An unknown --state: the valid ones listed, so the operator need not guess again. */
static int
fail_state(const char *typed)
{
	char valid[512] = "";

	for (int s = 0; s < WF_STATE_COUNT; s++)
		snprintf(valid + strlen(valid), sizeof(valid) - strlen(valid), "%s%s",
			 s ? ", " : "", wf_state_name((enum wf_state)s));
	return cli_fail_usage(_("unknown state: %s; the states are: %s"), typed, valid);
}

int
cmd_list(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct wf_summary *list = NULL;
	struct wf_error err;
	struct json_object *array;
	char **rest, when[32], safe[SAFE_MAX];
	size_t n = 0;
	int nrest, r, state = -1;

	if ((r = cli_parse(cli, self, argc, argv, &rest, &nrest)) != 0)
		return r;
	if (state_name != NULL && (state = wf_state_parse(state_name)) < 0)
		return fail_state(state_name);
	if ((r = cli_store(cli)) != 0)
		return r;
	if (wf_list(cli->store, state, limit > 0 ? (size_t)limit : 0, 0, &list, &n, &err) != WF_OK)
		return cli_fail_wf(cli, &err);
	array = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();

		cli_json_add_string(o, "number", list[i].number);
		cli_json_add_string(o, "state", wf_state_name(list[i].state));
		json_object_object_add(o, "step", json_object_new_int(list[i].step));
		cli_json_add_string(o, "name", list[i].full_name);
		cli_json_add_string(o, "work_unit", list[i].work_unit);
		json_object_object_add(o, "updated_at", json_object_new_int64(list[i].updated_at));
		json_object_array_add(array, o);
		if (cli->json)
			continue;
		cli_format_time(list[i].updated_at, when, sizeof(when));
		printf("%-15s %-26s %s  %s", list[i].number,
		       wf_state_label(list[i].state, cli_indonesian()), when,
		       cli_printable(list[i].full_name, safe, sizeof(safe)));
		printf(" (%s)\n", cli_printable(list[i].work_unit, safe, sizeof(safe)));
	}
	if (cli->json)
		cli_print_json(array);
	else
		json_object_put(array);
	free(list);
	return 0;
}

/* Every record the chain does not support, named; then the summary and exit status. */
static int
audit_verify_records(struct cli *cli)
{
	struct wf_record_problem *problems = NULL;
	struct wf_error err;
	size_t n = 0;

	if (wf_audit_check_records(cli->store, &problems, &n, &err) == WF_OK)
		return 0;
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, _("enroll: %s row %lld (%s): %s\n"), problems[i].table,
			(long long)problems[i].row, problems[i].application, problems[i].message);
	free(problems);
	return cli_fail_wf(cli, &err);
}

static const char *expect_head;

const struct cli_option audit_verify_options[] = {
    {"expect", OPT_STRING, &expect_head, "HASH",
     N_("the head recorded elsewhere (a report, a backup): its first 16 or more hex digits"),
     false},
    {NULL},
};

/*
 * A chain rewritten as a whole verifies in itself: only a head recorded outside the file
 * catches it. A prefix of 16 hex digits (64 bits) is what an operator copies from paper.
 */
static int
audit_check_expected(const char *head)
{
	size_t length = strlen(expect_head);

	if (length < 16 || length > 64 || strspn(expect_head, "0123456789abcdefABCDEF") != length)
		return cli_fail_usage(_("--expect takes 16 to 64 hex digits of an audit head"));
	if (strncasecmp(expect_head, head, length) == 0)
		return 0;
	fprintf(stderr, _("enroll: the audit head is %s, not the %s recorded elsewhere\n"), head,
		expect_head);
	fprintf(stderr, "  %s\n",
		_("The chain in this file is not the one that head was taken from: it was "
		  "rewritten or replaced. Restore the station from a backup whose manifest has "
		  "the expected head, and report the incident."));
	return EXIT_AUDIT;
}

int
cmd_audit_verify(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct wf_error err;
	int64_t bad = 0, rows = 0, head_row = 0;
	char head[WF_AUDIT_HASH_HEX];
	char **rest;
	int nrest, r;

	if ((r = cli_parse(cli, self, argc, argv, &rest, &nrest)) != 0 || (r = cli_store(cli)) != 0)
		return r;
	if (wf_audit_verify(cli->store, &bad, &rows, &err) != WF_OK) {
		if (err.code == WF_ERR_AUDIT)
			fprintf(stderr,
				_("enroll: audit row %lld is the first that does not verify\n"),
				(long long)bad);
		return cli_fail_wf(cli, &err);
	}
	if ((r = audit_verify_records(cli)) != 0)
		return r;
	if (wf_audit_head(cli->store, &head_row, head, &err) != WF_OK)
		return cli_fail_wf(cli, &err);
	if (expect_head != NULL && (r = audit_check_expected(head)) != 0)
		return r;
	printf(_("Audit log intact: %lld rows verified.\n"), (long long)rows);
	printf(_("Audit head: row %lld, %s\n"), (long long)head_row, head);
	return 0;
}
