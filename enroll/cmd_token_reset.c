/*
 * cmd_token_reset.c: a token's life at the station. `token reset` clears a token for its
 * next holder (after showing what is on it and the operator typing its serial), refused
 * while an application still holds a key on it; `token history` tells every application,
 * key, certificate and removal the station recorded on a token.
 */
#include <stdlib.h>
#include <string.h>

#include "holder.h"

/* Which application still holds a key on this token, NULL if none. */
static const struct wf_token_use *
current_holder(const struct wf_token_use *uses, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (holder_use_is_open(&uses[i]))
			return &uses[i];
	return NULL;
}

/* The operator types the token's serial (or gives --confirm SERIAL). */
static int
confirm_serial(const char *given, const char *serial)
{
	char line[128];
	FILE *tty;

	if (given == NULL) {
		if ((tty = fopen("/dev/tty", "r+")) == NULL)
			return cli_fail_usage(
			    _("give --confirm SERIAL to reset a token without a terminal"));
		fprintf(
		    tty,
		    _("Everything on this token will be erased. Type its serial (%s) to go on: "),
		    serial);
		fflush(tty);
		given = fgets(line, sizeof(line), tty) ? line : "";
		line[strcspn(line, "\r\n")] = '\0';
		fclose(tty);
	}
	if (strcmp(given, serial) != 0) {
		fprintf(stderr, "enroll: %s\n",
			_("the serial typed is not this token's: nothing was erased"));
		return EXIT_CANCELLED;
	}
	return 0;
}

/* What was on the token, for the record: one line per object it showed. */
static void
describe_objects(const struct tok_object *objects, size_t count, char *out, size_t size)
{
	size_t used = (size_t)snprintf(out, size, "%zu object(s) visible without the PIN", count);

	for (size_t i = 0; i < count && used < size; i++)
		used +=
		    (size_t)snprintf(out + used, size - used, "; %s id %s",
				     objects[i].subject[0] ? objects[i].subject : objects[i].label,
				     objects[i].id_hex[0] ? objects[i].id_hex : "-");
}

/* Checks done: the SO PIN, the re-initialization, the record of what was removed. */
static int
erase(struct cli *cli, struct tok_token *token, const struct tok_info *info, const char *label,
      const char *detail)
{
	const struct wf_actor actor = {.login = cli->login};
	struct tok_pin *so_pin = tok_pin_new();
	struct tok_error terr;
	struct wf_error werr;
	int r;

	if (so_pin == NULL)
		return EXIT_INTERNAL;
	if ((r = cli_read_pin(cli, true, _("SO PIN: "), so_pin)) != 0)
		goto out;
	if (tok_init_token(token, so_pin, label, &terr) != TOK_OK) {
		r = cli_fail_tok(cli, &terr);
		goto out;
	}
	if (wf_token_record(cli->store, &actor, info->serial, NULL, "token_reset", NULL, detail,
			    &werr) != WF_OK) {
		r = cli_fail_wf(cli, &werr);
		goto out;
	}
	printf(_("Token %s is cleared; its next holder chooses a new PIN at 'enroll keygen'.\n"),
	       info->serial);
out:
	tok_pin_free(so_pin);
	return r;
}

static const char *confirm, *label = "TTE";

const struct cli_option token_reset_options[] = {
    {"confirm", OPT_STRING, &confirm, "SERIAL", N_("the token's serial, instead of typing it"),
     false},
    {"label", OPT_STRING, &label, "LABEL", N_("the token's new label (default TTE)"), false},
    {NULL},
};

int
cmd_token_reset(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct tok_token *token = NULL;
	struct tok_object *objects = NULL;
	struct wf_token_use *uses = NULL;
	const struct wf_token_use *holder;
	const struct wf_actor actor = {.login = cli->login};
	struct tok_info info;
	struct holder_lock lock = {0};
	struct wf_error err;
	char detail[1024], **rest;
	size_t count = 0, n = 0;
	int nrest, r;

	if ((r = cli_parse(cli, self, argc, argv, &rest, &nrest)) != 0 || (r = cli_store(cli)) != 0)
		goto out;
	/* Only the Kasi clears a token: refused (and audited) before it is even opened. */
	if (wf_kasi_check(cli->store, &actor, "token_reset", &err) != WF_OK) {
		r = cli_fail_wf(cli, &err);
		goto out;
	}
	if ((r = cli_open_token(cli, &token)) != 0 ||
	    (r = holder_inspect(cli, token, &lock, &info, &objects, &count)) != 0)
		goto out;
	holder_show(&info, objects, count);
	if (!info.initialized) {
		printf("%s\n", _("The token is blank: there is nothing to clear; 'enroll keygen' "
				 "initializes it."));
		goto out;
	}
	if (wf_token_history(cli->store, info.serial, &uses, &n, &err) != WF_OK) {
		r = cli_fail_wf(cli, &err);
		goto out;
	}
	if ((holder = current_holder(uses, n)) != NULL) {
		r = holder_refuse(holder);
		goto out;
	}
	describe_objects(objects, count, detail, sizeof(detail));
	if ((r = confirm_serial(confirm, info.serial)) == 0)
		r = erase(cli, token, &info, label, detail);
out:
	tok_close(token);
	holder_unlock(&lock);
	free(uses);
	free(objects);
	return r;
}

/* The serial a history is asked for: given as it is, or read off the token a URI names. */
static int
history_serial(struct cli *cli, const char *given, char *serial, size_t size)
{
	struct tok_token *token = NULL;
	struct tok_info info;
	struct tok_error err;
	int r;

	if (given != NULL && strncmp(given, "pkcs11:", 7) != 0) {
		snprintf(serial, size, "%s", given);
		return 0;
	}
	if (given != NULL)
		cli->token_selector = given;
	if ((r = cli_open_token(cli, &token)) != 0)
		return r;
	if (tok_get_info(token, &info, &err) != TOK_OK)
		r = cli_fail_tok(cli, &err);
	else
		snprintf(serial, size, "%s", info.serial);
	tok_close(token);
	return r;
}

static struct json_object *
use_json(const struct wf_token_use *u)
{
	struct json_object *o = json_object_new_object();

	cli_json_add_string(o, "number", u->number);
	cli_json_add_string(o, "holder", u->full_name);
	cli_json_add_string(o, "state", wf_state_name(u->state));
	cli_json_add_string(o, "key_status", wf_key_status_name(u->key_status));
	cli_json_add_string(o, "key_type", u->key_type);
	cli_json_add_string(o, "key_id", u->key_id_hex);
	json_object_object_add(o, "begun_at", json_object_new_int64(u->begun_at));
	json_object_object_add(o, "completed_at", json_object_new_int64(u->completed_at));
	cli_json_add_string(o, "certificate_serial", u->certificate_serial);
	if (u->certificate_serial[0] != '\0') {
		json_object_object_add(o, "not_before", json_object_new_int64(u->not_before));
		json_object_object_add(o, "not_after", json_object_new_int64(u->not_after));
	}
	return o;
}

static struct json_object *
event_json(const struct wf_token_event *e)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "at", json_object_new_int64(e->at));
	cli_json_add_string(o, "action", e->action);
	cli_json_add_string(o, "number", e->number);
	cli_json_add_string(o, "key_id", e->key_id_hex);
	cli_json_add_string(o, "detail", e->detail);
	cli_json_add_string(o, "by", e->actor_login);
	return o;
}

/* An application's acts at steps 6-7 and after the handover. */
static void
print_lifecycle(struct cli *cli, const char *number)
{
	struct wf_application *app = NULL;
	struct wf_error err;
	char when[32];

	if (wf_application_get(cli->store, number, &app, &err) != WF_OK)
		return;
	for (size_t i = 0; i < app->event_count; i++) {
		const struct wf_event *e = &app->events[i];
		int action = wf_action_parse(e->action);

		if (e->step != 0 && e->step < 6)
			continue;
		cli_format_time(e->ended_at, when, sizeof(when));
		printf("      %s  %s (%s)\n", when,
		       action >= 0 ? wf_action_label(action, cli_indonesian()) : e->action,
		       e->actor_name);
	}
	wf_application_free(app);
}

static void
print_history(struct cli *cli, const char *serial, const struct wf_token_use *uses, size_t n,
	      const struct wf_token_event *events, size_t m)
{
	char begun[32], from[32], until[32];

	printf(_("Token %s: %zu key record(s)\n"), serial, n);
	for (size_t i = 0; i < n; i++) {
		const struct wf_token_use *u = &uses[i];

		cli_format_time(u->begun_at, begun, sizeof(begun));
		printf("  %s  %s  %s\n", u->number, u->full_name,
		       wf_state_label(u->state, cli_indonesian()));
		printf(_("    key %s (%s), %s, begun %s\n"), u->key_id_hex[0] ? u->key_id_hex : "-",
		       u->key_type, wf_key_status_label(u->key_status, cli_indonesian()), begun);
		if (u->certificate_serial[0] != '\0') {
			cli_format_time(u->not_before, from, sizeof(from));
			cli_format_time(u->not_after, until, sizeof(until));
			printf(_("    certificate %s, valid %s - %s\n"), u->certificate_serial,
			       from, until);
		}
		if (i + 1 == n || strcmp(uses[i + 1].number, u->number) != 0)
			print_lifecycle(cli, u->number);
	}
	for (size_t i = 0; i < m; i++) {
		cli_format_time(events[i].at, begun, sizeof(begun));
		printf(_("  %s  %s by %s: %s\n"), begun,
		       strcmp(events[i].action, "token_reset") == 0 ? _("token reset")
								    : _("key removed"),
		       events[i].actor_name, events[i].detail);
	}
}

int
cmd_token_history(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct wf_token_use *uses = NULL;
	struct wf_token_event *events = NULL;
	struct json_object *o, *list;
	struct wf_error err;
	char serial[64], **rest;
	size_t n = 0, m = 0;
	int nrest, r;

	if ((r = cli_parse(cli, self, argc, argv, &rest, &nrest)) != 0)
		return r;
	if (nrest > 1)
		return cli_fail_usage_line(self);
	if ((r = cli_store(cli)) != 0 ||
	    (r = history_serial(cli, nrest ? rest[0] : NULL, serial, sizeof(serial))) != 0)
		return r;
	if (wf_token_history(cli->store, serial, &uses, &n, &err) != WF_OK ||
	    wf_token_events(cli->store, serial, &events, &m, &err) != WF_OK) {
		r = cli_fail_wf(cli, &err);
		goto out;
	}
	if (!cli->json) {
		print_history(cli, serial, uses, n, events, m);
		goto out;
	}
	o = json_object_new_object();
	cli_json_add_string(o, "serial", serial);
	json_object_object_add(o, "keys", list = json_object_new_array());
	for (size_t i = 0; i < n; i++)
		json_object_array_add(list, use_json(&uses[i]));
	json_object_object_add(o, "events", list = json_object_new_array());
	for (size_t i = 0; i < m; i++)
		json_object_array_add(list, event_json(&events[i]));
	cli_print_json(o);
out:
	free(uses);
	free(events);
	return r;
}
