/*
 * cmd_token.c: the operator's token commands: list, info, wait, change-pin, unblock
 * (reset and history are in cmd_token_reset.c).
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "holder.h"
#include "pcsc.h"
#include "station.h"

static struct json_object *
token_json(const struct tok_info *t)
{
	struct json_object *o = json_object_new_object(), *types = json_object_new_array();

	cli_json_add_string(o, "uri", t->uri);
	cli_json_add_string(o, "label", t->label);
	cli_json_add_string(o, "manufacturer", t->manufacturer);
	cli_json_add_string(o, "model", t->model);
	cli_json_add_string(o, "serial", t->serial);
	cli_json_add_string(o, "slot", t->slot_description);
	json_object_object_add(o, "initialized", json_object_new_boolean(t->initialized));
	json_object_object_add(o, "user_pin_initialized",
			       json_object_new_boolean(t->user_pin_initialized));
	json_object_object_add(o, "user_pin_locked", json_object_new_boolean(t->user_pin_locked));
	json_object_object_add(o, "user_pin_count_low",
			       json_object_new_boolean(t->user_pin_count_low));
	json_object_object_add(o, "user_pin_final_try",
			       json_object_new_boolean(t->user_pin_final_try));
	json_object_object_add(o, "protected_authentication_path",
			       json_object_new_boolean(t->protected_auth_path));
	json_object_object_add(o, "min_pin_length", json_object_new_int64((int64_t)t->min_pin_len));
	json_object_object_add(o, "max_pin_length", json_object_new_int64((int64_t)t->max_pin_len));
	for (int k = 0; k < TOK_KEY_TYPE_COUNT; k++)
		if (t->key_types & (1u << k))
			json_object_array_add(types, json_object_new_string(tok_key_type_name(k)));
	json_object_object_add(o, "key_types", types);
	return o;
}

static void
print_token(const struct tok_info *t, bool details)
{
	printf("%-32s %s %s, %s %s\n", t->label[0] ? t->label : _("(blank token)"), t->manufacturer,
	       t->model, _("serial"), t->serial);
	if (!details)
		return;
	printf("  %-22s %s\n", _("URI:"), t->uri);
	printf("  %-22s %s\n", _("Slot:"), t->slot_description);
	printf("  %-22s %s\n", _("Initialized:"), t->initialized ? _("yes") : _("no"));
	printf("  %-22s %s\n", _("User PIN set:"), t->user_pin_initialized ? _("yes") : _("no"));
	printf("  %-22s %s\n", _("User PIN blocked:"), t->user_pin_locked ? _("yes") : _("no"));
	if (t->user_pin_final_try)
		printf("  %s\n", _("Warning: one PIN try left"));
	else if (t->user_pin_count_low)
		printf("  %s\n", _("Warning: the PIN was typed wrong before"));
	printf("  %-22s %s\n", _("PIN pad:"), t->protected_auth_path ? _("yes") : _("no"));
	printf("  %-22s %lu-%lu\n", _("PIN length:"), t->min_pin_len, t->max_pin_len);
	printf("  %-22s", _("Key types:"));
	for (int k = 0; k < TOK_KEY_TYPE_COUNT; k++)
		if (t->key_types & (1u << k))
			printf(" %s", tok_key_type_name(k));
	printf("\n");
}

/* Readers and their cards over PC/SC, each with the PKCS#11 tokens in it (OpenSC names
 * slots after readers). Without pcscd only the tokens are listed (SoftHSM needs none). */
static struct json_object *
list_readers(const struct tok_info *tokens, size_t n, bool print)
{
	struct pcsc_ctx *pcsc;
	struct pcsc_reader *readers = NULL;
	struct tok_error err;
	struct json_object *array = json_object_new_array();
	size_t nreaders = 0;

	if ((pcsc = pcsc_ctx_new(&err)) == NULL ||
	    pcsc_list_readers(pcsc, &readers, &nreaders, &err) != TOK_OK) {
		if (print)
			printf("%s\n",
			       _("Smart card readers: pcscd is not running (tokens below only)."));
		pcsc_ctx_free(pcsc);
		return array;
	}
	for (size_t i = 0; i < nreaders; i++) {
		struct json_object *o = json_object_new_object(),
				   *serials = json_object_new_array();

		cli_json_add_string(o, "reader", readers[i].name);
		cli_json_add_string(o, "state", pcsc_card_state_name(readers[i].state));
		cli_json_add_string(o, "atr", readers[i].atr_hex);
		cli_json_add_string(o, "model", readers[i].model.name);
		if (print)
			printf("%s: %s%s%s\n", readers[i].name,
			       pcsc_card_state_name(readers[i].state),
			       readers[i].model.name[0] ? ", " : "", readers[i].model.name);
		for (size_t t = 0; t < n; t++) {
			if (!pcsc_reader_matches_slot(readers[i].name, tokens[t].slot_description))
				continue;
			json_object_array_add(serials, json_object_new_string(tokens[t].serial));
			if (print)
				printf("  %s %s (%s %s)\n", _("token"), tokens[t].label,
				       _("serial"), tokens[t].serial);
		}
		json_object_object_add(o, "tokens", serials);
		json_object_array_add(array, o);
	}
	free(readers);
	pcsc_ctx_free(pcsc);
	return array;
}

int
cmd_token_list(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct tok_info *tokens = NULL;
	struct tok_error err;
	struct json_object *readers, *array, *o;
	char **rest;
	size_t n = 0;
	int nrest, r;

	if ((r = cli_parse(cli, self, argc, argv, &rest, &nrest)) != 0 ||
	    (r = cli_tokens(cli)) != 0)
		return r;
	if (tok_list(cli->tok, &tokens, &n, &err) != TOK_OK)
		return cli_fail_tok(cli, &err);
	readers = list_readers(tokens, n, !cli->json);
	array = json_object_new_array();
	if (!cli->json)
		printf("%s\n", n == 0 ? _("No token present.") : _("Tokens:"));
	for (size_t i = 0; i < n; i++) {
		json_object_array_add(array, token_json(&tokens[i]));
		if (!cli->json)
			print_token(&tokens[i], false);
	}
	if (cli->json) {
		o = json_object_new_object();
		json_object_object_add(o, "readers", readers);
		json_object_object_add(o, "tokens", array);
		cli_print_json(o);
	} else {
		json_object_put(readers);
		json_object_put(array);
	}
	free(tokens);
	return 0;
}

int
cmd_token_info(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct tok_token *token = NULL;
	struct tok_info info;
	struct tok_error err;
	char **rest;
	int nrest, r;

	if ((r = cli_parse(cli, self, argc, argv, &rest, &nrest)) != 0 ||
	    (r = cli_open_token(cli, &token)) != 0)
		return r;
	if (tok_get_info(token, &info, &err) != TOK_OK) {
		r = cli_fail_tok(cli, &err);
	} else if (cli->json) {
		cli_print_json(token_json(&info));
	} else {
		print_token(&info, true);
	}
	tok_close(token);
	return r;
}

/* change-pin and unblock: an old secret (user or SO PIN), then a new user PIN twice. */
static int
replace_pin(struct cli *cli, const struct cli_command *self, int argc, char **argv, bool unblock)
{
	struct tok_token *token = NULL;
	struct tok_pin *old_pin = tok_pin_new(), *new_pin = tok_pin_new();
	struct tok_object *objects = NULL;
	struct tok_info info;
	struct holder_lock lock = {0};
	struct pcsc_model model;
	struct tok_error err;
	size_t count = 0;
	char **rest;
	int nrest, r;

	if (old_pin == NULL || new_pin == NULL) {
		r = EXIT_INTERNAL;
		goto out;
	}
	/* Whose token it is, shown before any PIN; nobody else's run writes to it meanwhile. */
	if ((r = cli_parse(cli, self, argc, argv, &rest, &nrest)) != 0 ||
	    (r = cli_store(cli)) != 0 || (r = cli_open_token(cli, &token)) != 0 ||
	    (r = holder_inspect(cli, token, &lock, &info, &objects, &count)) != 0)
		goto out;
	holder_show(&info, objects, count);
	station_token_model(&info, &model);
	cli->so_pin_hex16 = pcsc_model_has_quirk(&model, "so-pin-hex16");
	if (!unblock)
		cli_warn_tries(cli, &info);
	r = cli_read_pin(cli, unblock, unblock ? _("SO PIN: ") : _("Current PIN: "), old_pin);
	if (r != 0 || (r = cli_read_new_pin(cli, false, token, new_pin)) != 0)
		goto out;
	if (unblock)
		r = tok_unblock_pin(token, old_pin, new_pin, &err);
	else
		r = tok_change_pin(token, old_pin, new_pin, &err);
	if (r != TOK_OK) {
		r = cli_fail_tok(cli, &err);
		goto out;
	}
	printf("%s\n", unblock ? _("The PIN is unblocked and set.") : _("The PIN is changed."));
out:
	tok_close(token);
	holder_unlock(&lock);
	free(objects);
	tok_pin_free(old_pin);
	tok_pin_free(new_pin);
	return r;
}

int
cmd_token_change_pin(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	return replace_pin(cli, self, argc, argv, false);
}

int
cmd_token_unblock(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	return replace_pin(cli, self, argc, argv, true);
}

static volatile sig_atomic_t interrupted;

static void
on_interrupt(int signo)
{
	interrupted = 1;
	pcsc_cancel();
}

static int timeout = 60;

const struct cli_option token_wait_options[] = {
    {"timeout", OPT_INT, &timeout, "SECONDS", N_("give up after this long (default 60; 0: never)"),
     false},
    {NULL},
};

int
cmd_token_wait(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct sigaction sa = {.sa_handler = on_interrupt}, old;
	struct pcsc_ctx *pcsc;
	struct pcsc_event event;
	struct tok_error err;
	struct json_object *o;
	char **rest;
	int nrest, r;

	if ((r = cli_parse(cli, self, argc, argv, &rest, &nrest)) != 0)
		return r;
	if ((pcsc = pcsc_ctx_new(&err)) == NULL)
		return cli_fail_tok(cli, &err);
	sigaction(SIGINT, &sa, &old);
	if (!cli->json)
		fprintf(stderr, "%s\n", _("Waiting for a token (Ctrl-C to stop)..."));
	r = pcsc_wait_card(pcsc, NULL, timeout > 0 ? timeout * 1000 : -1, &event, &err);
	sigaction(SIGINT, &old, NULL);
	pcsc_ctx_free(pcsc);
	if (r != TOK_OK)
		return cli_fail_tok(cli, &err);
	if (cli->json) {
		o = json_object_new_object();
		cli_json_add_string(o, "reader", event.reader);
		cli_json_add_string(o, "atr", event.atr_hex);
		cli_json_add_string(o, "model", event.model.name);
		cli_json_add_string(o, "driver", event.model.driver);
		cli_json_add_string(o, "quirks", event.model.quirks);
		cli_print_json(o);
	} else {
		printf(_("Token in %s: %s\n  ATR %s\n"), event.reader,
		       event.model.name[0] ? event.model.name : _("unknown model"), event.atr_hex);
		if (event.model.quirks[0] != '\0')
			printf(_("  Notes: %s\n"), event.model.quirks);
	}
	return 0;
}
