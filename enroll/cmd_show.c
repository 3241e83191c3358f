/*
 * cmd_show.c: reading the records: one application with its history, lists, the audit
 * chain check, and the online backup.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

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

	cli_json_add_string(o, "number", app->number);
	cli_json_add_string(o, "state", wf_state_name(app->state));
	json_object_object_add(o, "step", json_object_new_int(app->step));
	cli_json_add_string(o, "request_type", wf_request_type_name(app->request_type));
	cli_json_add_string(p, "name", a->full_name);
	cli_json_add_string(p, "nik", a->nik);
	cli_json_add_string(p, "nip", a->nip);
	cli_json_add_string(p, "email", a->email);
	cli_json_add_string(p, "phone", a->phone);
	cli_json_add_string(p, "position", a->position);
	cli_json_add_string(p, "rank_grade", a->rank_grade);
	cli_json_add_string(p, "employment", wf_employment_name(a->employment));
	cli_json_add_string(p, "work_unit", a->work_unit);
	cli_json_add_string(p, "agency", a->agency);
	cli_json_add_string(p, "city", a->city);
	cli_json_add_string(p, "province", a->province);
	json_object_object_add(o, "applicant", p);
	for (int k = 0; k < WF_DOC_COUNT; k++) {
		struct json_object *d = json_object_new_object();

		cli_json_add_string(d, "kind", wf_document_name(k));
		json_object_object_add(d, "received", json_object_new_boolean(app->documents[k].received));
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
		json_object_object_add(c, "not_before", json_object_new_int64(app->certificate.not_before));
		json_object_object_add(c, "not_after", json_object_new_int64(app->certificate.not_after));
		json_object_object_add(o, "certificate", c);
	}
	for (size_t i = 0; i < app->event_count; i++)
		json_object_array_add(events, event_json(&app->events[i]));
	json_object_object_add(o, "events", events);
	return o;
}

static void
print_application(const struct wf_application *app)
{
	bool id = cli_indonesian();
	char when[32], allowed[256];

	printf("%s  %s  (%s)\n", app->number, app->applicant.full_name, wf_state_label(app->state, id));
	printf("  %-14s %s / %s\n", _("Work unit:"), app->applicant.work_unit, app->applicant.agency);
	printf("  %-14s %s, %s\n", _("Contact:"), app->applicant.email, app->applicant.phone);
	printf("  %-14s", _("Documents:"));
	for (int k = 0; k < WF_DOC_COUNT; k++)
		printf(" %s[%s]", wf_document_label(k, id), app->documents[k].received ? "x" : " ");
	printf("\n");
	if (app->has_key)
		printf("  %-14s %s %s, token %s (%s)\n", _("Key:"), app->key.key_type,
		       app->key.key_id_hex, app->key.token_serial, wf_key_status_name(app->key.status));
	if (app->has_certificate)
		printf("  %-14s %s, %s\n", _("Certificate:"), app->certificate.serial,
		       app->certificate.subject);
	printf("  %-14s %s\n", _("Next:"), wf_allowed_actions(app->state, allowed, sizeof(allowed)));
	printf("  %s\n", _("History:"));
	for (size_t i = 0; i < app->event_count; i++) {
		const struct wf_event *e = &app->events[i];

		cli_format_time(e->ended_at, when, sizeof(when));
		printf("    %s  %d  %-18s %-12s %-12s %3d/%-3d min%s%s%s%s\n", when, e->step, e->action,
		       e->actor_login, wf_role_name(e->role), e->minutes, e->standard_minutes,
		       e->on_behalf_login[0] ? _("  on behalf of ") : "", e->on_behalf_login,
		       e->note ? "  " : "", e->note ? e->note : "");
	}
}

int
cmd_show(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct wf_application *app = NULL;
	struct wf_error err;
	const char *number;
	int r;

	if ((r = cli_parse_id(cli, self, argc, argv, NULL, &number)) != 0 || (r = cli_store(cli)) != 0)
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

int
cmd_list(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const char *state_name = NULL;
	int limit = 0;
	const struct cli_option options[] = {
		{ "state", OPT_STRING, &state_name, "STATE", N_("only applications in this state") },
		{ "limit", OPT_INT, &limit, "N", N_("at most N applications") },
		{ NULL },
	};
	struct wf_summary *list = NULL;
	struct wf_error err;
	struct json_object *array;
	char **rest, when[32];
	size_t n = 0;
	int nrest, r, state = -1;

	if ((r = cli_parse(cli, self, argc, argv, options, &rest, &nrest)) != 0)
		return r;
	if (state_name != NULL && (state = wf_state_parse(state_name)) < 0)
		return cli_fail_usage(_("unknown state: %s"), state_name);
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
		printf("%-15s %-22s %s  %s (%s)\n", list[i].number, wf_state_name(list[i].state), when,
		       list[i].full_name, list[i].work_unit);
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

int
cmd_audit_verify(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct wf_error err;
	int64_t bad = 0, rows = 0;
	char **rest;
	int nrest, r;

	if ((r = cli_parse(cli, self, argc, argv, NULL, &rest, &nrest)) != 0 || (r = cli_store(cli)) != 0)
		return r;
	if (wf_audit_verify(cli->store, &bad, &rows, &err) != WF_OK) {
		if (err.code == WF_ERR_AUDIT)
			fprintf(stderr, _("enroll: audit row %lld is the first that does not verify\n"),
				(long long)bad);
		return cli_fail_wf(cli, &err);
	}
	if ((r = audit_verify_records(cli)) != 0)
		return r;
	printf(_("Audit log intact: %lld rows verified.\n"), (long long)rows);
	return 0;
}

int
cmd_backup(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct wf_error err;
	char **rest;
	int nrest, r;

	if ((r = cli_parse(cli, self, argc, argv, NULL, &rest, &nrest)) != 0)
		return r;
	if (nrest != 1)
		return cli_fail_usage(_("give the file to write the backup to"));
	if ((r = cli_store(cli)) != 0)
		return r;
	const char *path = rest[0];
	if (wf_backup(cli->store, path, &err) != WF_OK)
		return cli_fail_wf(cli, &err);
	printf(_("Backup written to %s.\n"), path);
	return 0;
}
