/*
 * cmd_keygen.c: step 6, the passphrase step. The intent is recorded before any key is
 * made; a run that dies anywhere is finished or rolled back by running it again, so an
 * application never has two keys, a key without a record, or a record without a key.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "holder.h"
#include "pcsc.h"
#include "station.h"

struct keygen_job {
	struct tok_token *token;
	enum tok_key_type type;
	const char *label;
	struct tok_key_id marker; /* the CKA_ID the key carries until its id is recorded */
	struct tok_key_id id;
	struct tok_key *key;
	struct tok_error err;
};

static int
generate(void *arg)
{
	struct keygen_job *job = arg;

	return tok_generate_pending_key(job->token, job->type, job->label, &job->marker, &job->id,
					&job->err);
}

/* Copy text into out (size bytes) without cutting a UTF-8 character in two. */
static void
utf8_truncate(char *out, size_t size, const char *text)
{
	size_t n = strlen(text);

	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(out, text, n);
	out[n] = '\0';
}

/* The token: --token, the only one present, or the next one inserted (--wait). */
static int
find_token(struct cli *cli, int wait_seconds, struct tok_token **out)
{
	struct pcsc_ctx *pcsc;
	struct pcsc_event event;
	struct tok_error err;
	int r;

	if ((r = cli_tokens(cli)) != 0)
		return r;
	if ((*out = tok_open(cli->tok, cli->token_selector, &err)) != NULL)
		return 0;
	if (err.code != TOK_ERR_NO_TOKEN || wait_seconds <= 0)
		return cli_fail_tok(cli, &err);
	if ((pcsc = pcsc_ctx_new(&err)) == NULL)
		return cli_fail_tok(cli, &err);
	fprintf(stderr, "%s\n", _("Insert the applicant's token..."));
	r = pcsc_wait_card(pcsc, NULL, wait_seconds * 1000, &event, &err);
	pcsc_ctx_free(pcsc);
	if (r != TOK_OK)
		return cli_fail_tok(cli, &err);
	fprintf(stderr, _("Token inserted in %s: %s\n"), event.reader,
		event.model.name[0] ? event.model.name : event.atr_hex);
	/* The module sees a new card on its next slot listing. */
	for (int i = 0; i < 10 && (*out = tok_open(cli->tok, cli->token_selector, &err)) == NULL;
	     i++)
		sleep(1);
	return *out != NULL ? 0 : cli_fail_tok(cli, &err);
}

/*
 * A blank token gets an SO PIN from the operator (in the card's format) and the
 * applicant's name as label. Some drivers report a blank card initialized: the device
 * table names the label it shows then.
 */
static int
initialize_blank(struct cli *cli, struct tok_token *token, const char *name, struct tok_pin *so_pin)
{
	struct tok_error err;
	char label[33];
	int r;

	fprintf(stderr, "%s\n", _("The token is blank: the operator sets its SO PIN."));
	if (cli->so_pin_hex16)
		fprintf(stderr, "  %s\n",
			_("This card's SO PIN is 16 hexadecimal digits (0-9, A-F); keep it with "
			  "the station's records."));
	utf8_truncate(label, sizeof(label), name);
	if ((r = cli_read_new_pin(cli, true, token, so_pin)) != 0)
		return r;
	if (tok_init_token(token, so_pin, label, &err) != TOK_OK)
		return cli_fail_tok(cli, &err);
	return 0;
}

/*
 * A blank token is initialized; a token without a user PIN gets the applicant's new PIN,
 * typed twice, under the operator's SO PIN. Then log in.
 */
static int
prepare_token(struct cli *cli, struct tok_token *token, const char *name)
{
	struct tok_pin *so_pin = tok_pin_new(), *pin = tok_pin_new();
	struct pcsc_model model;
	struct tok_info info;
	struct tok_error err;
	bool blank;
	int r = EXIT_INTERNAL;

	if (so_pin == NULL || pin == NULL)
		goto out;
	if (tok_get_info(token, &info, &err) != TOK_OK) {
		r = cli_fail_tok(cli, &err);
		goto out;
	}
	station_token_model(&info, &model);
	cli->so_pin_hex16 = pcsc_model_has_quirk(&model, "so-pin-hex16");
	blank = station_token_is_blank(&info, &model);
	if (!blank && info.user_pin_initialized) {
		r = cli_login(cli, token);
		goto out;
	}
	if (blank && (r = station_vendor_step(&model)) != 0)
		goto out;
	if (blank)
		r = initialize_blank(cli, token, name, so_pin);
	else
		r = cli_read_pin(cli, true, _("SO PIN: "), so_pin);
	if (r != 0)
		goto out;
	fprintf(stderr, "%s\n", _("The applicant now chooses the token PIN (passphrase)."));
	if ((r = cli_read_new_pin(cli, false, token, pin)) != 0)
		goto out;
	if (tok_init_user_pin(token, so_pin, pin, &err) != TOK_OK ||
	    tok_login(token, TOK_USER, pin, &err) != TOK_OK) {
		r = cli_fail_tok(cli, &err);
		goto out;
	}
	r = 0;
out:
	tok_pin_free(so_pin);
	tok_pin_free(pin);
	return r;
}

/* The pending key of this application's interrupted run, which never got its id recorded. */
static int
remove_pending_key(struct cli *cli, struct tok_token *token, const struct wf_application *app,
		   const struct tok_key_id *marker)
{
	struct tok_key_id id;
	struct tok_error err;
	char marker_hex[2 * TOK_KEY_ID_LEN + 1], id_hex[2 * TOK_KEY_ID_LEN + 1], why[160];
	bool removed;
	int r;

	tok_key_id_hex(marker, marker_hex);
	snprintf(why, sizeof(why),
		 _("left by an interrupted key generation (marker %s) before its id was recorded"),
		 marker_hex);
	/* Recorded by the id the key would have had; a half-made pair has none, then the marker. */
	if (tok_pending_key_id(token, marker, &id, &err) == TOK_OK)
		tok_key_id_hex(&id, id_hex);
	else
		memcpy(id_hex, marker_hex, sizeof(id_hex));
	r = holder_remove_key(cli, token, app->key.token_serial, app->number, marker_hex, id_hex,
			      why, &removed);
	if (removed)
		fprintf(stderr, _("Removed key %s, left by this application's interrupted run.\n"),
			id_hex);
	return r;
}

/* The recorded key, once the pending key that carries the marker has its recorded id. */
static int
find_recorded_key(struct cli *cli, struct tok_token *token, const struct tok_key_id *marker,
		  const struct tok_key_id *id, struct tok_key **key)
{
	struct tok_error err;

	if (marker->length > 0 && tok_finish_pending_key(token, marker, id, &err) != TOK_OK &&
	    err.code != TOK_ERR_NOT_FOUND)
		return cli_fail_tok(cli, &err);
	if (tok_find_key(token, id, key, &err) == TOK_OK)
		return 0;
	return err.code == TOK_ERR_NOT_FOUND ? 0 : cli_fail_tok(cli, &err);
}

/*
 * Bring the key record and the token into agreement: *key is the key of an earlier run
 * that got as far as recording it, NULL if one must be generated carrying *marker (the
 * intent is open).
 */
static int
resume_or_begin(struct cli *cli, struct tok_token *token, const struct wf_application *app,
		enum tok_key_type type, bool restart, struct tok_key **key,
		struct tok_key_id *marker)
{
	const struct wf_actor actor = {.login = cli->login};
	const struct wf_key_record *rec = &app->key;
	struct tok_info info;
	struct tok_key_id id;
	struct tok_error terr;
	struct wf_error werr;
	char marker_hex[2 * TOK_KEY_ID_LEN + 1];
	bool open =
	    app->has_key && (rec->status == WF_KEY_INTENT || rec->status == WF_KEY_GENERATED);
	int r;

	*key = NULL;
	if (tok_get_info(token, &info, &terr) != TOK_OK)
		return cli_fail_tok(cli, &terr);
	if (open && strcmp(rec->token_serial, info.serial) != 0) {
		if (!restart) {
			fprintf(stderr,
				_("enroll: this application's key was begun on token %s, not %s\n"),
				rec->token_serial, info.serial);
			fprintf(stderr, "  %s\n",
				_("insert that token, or run again with --restart to abandon it"));
			return EXIT_TOKEN;
		}
		if (wf_key_abandon(cli->store, app->number, "restarted on another token", &werr) !=
		    WF_OK)
			return cli_fail_wf(cli, &werr);
		open = false;
	}
	/* An intent of this station's always has a marker; one from before markers has none. */
	if (open && tok_key_id_parse(rec->marker_hex, marker) != TOK_OK)
		marker->length = 0;
	if (open && rec->key_id_hex[0] != '\0' &&
	    tok_key_id_parse(rec->key_id_hex, &id) == TOK_OK) {
		if ((r = find_recorded_key(cli, token, marker, &id, key)) != 0 || *key != NULL)
			return r;
		if (wf_key_abandon(cli->store, app->number, "recorded key not on the token",
				   &werr) != WF_OK)
			return cli_fail_wf(cli, &werr);
		open = false;
	}
	if (open && marker->length > 0)
		return remove_pending_key(cli, token, app, marker);
	if (open && wf_key_abandon(
			cli->store, app->number,
			"begun before keys carried a marker: nothing on the token is provably its",
			&werr) != WF_OK)
		return cli_fail_wf(cli, &werr);
	if (tok_key_id_random(marker) != TOK_OK)
		return EXIT_INTERNAL;
	tok_key_id_hex(marker, marker_hex);
	if (wf_key_begin(cli->store, app->number, &actor, info.serial, info.model,
			 tok_key_type_name(type), app->applicant.full_name, marker_hex,
			 &werr) != WF_OK)
		return cli_fail_wf(cli, &werr);
	cli_crash_point("keygen-after-intent");
	return 0;
}

/* The key pair, generated carrying the marker, its id recorded, then given that id. */
static int
generate_and_record(struct cli *cli, struct keygen_job *job, const char *number)
{
	struct tok_error terr;
	struct wf_error werr;
	char id_hex[2 * TOK_KEY_ID_LEN + 1];

	if (tok_check_key_support(job->token, job->type, &terr) != TOK_OK) {
		wf_key_abandon(cli->store, number, "token cannot generate this key type", &werr);
		return cli_fail_tok(cli, &terr);
	}
	if (cli_with_progress(_("Generating the key on the token..."), generate, job) != TOK_OK)
		return cli_fail_tok(cli, &job->err);
	cli_crash_point("keygen-after-generate");
	tok_key_id_hex(&job->id, id_hex);
	if (wf_key_set_id(cli->store, number, id_hex, &werr) != WF_OK)
		return cli_fail_wf(cli, &werr);
	cli_crash_point("keygen-after-record-id");
	if (tok_finish_pending_key(job->token, &job->marker, &job->id, &terr) != TOK_OK ||
	    tok_find_key(job->token, &job->id, &job->key, &terr) != TOK_OK)
		return cli_fail_tok(cli, &terr);
	return 0;
}

/* Generate (pre-flight first), record the id, make the CSR, hand it over, complete step 6. */
static int
make_key_and_csr(struct cli *cli, struct tok_token *token, const struct wf_application *app,
		 enum tok_key_type type, struct tok_key *key, const struct tok_key_id *marker)
{
	const struct wf_actor actor = {.login = cli->login};
	struct keygen_job job = {
	    .token = token, .type = type, .label = app->applicant.full_name, .marker = *marker};
	struct station_request req = {0};
	struct issuer *issuer = NULL;
	struct iss_error ierr;
	struct tok_error terr;
	struct wf_error werr;
	char id_hex[2 * TOK_KEY_ID_LEN + 1], *csr = NULL;
	int r;

	if (key == NULL && (r = generate_and_record(cli, &job, app->number)) != 0)
		goto out;
	if (key == NULL)
		key = job.key;
	job.key = NULL;
	tok_key_id_hex(tok_key_get_id(key), id_hex);
	station_request_init(cli, app, &req);
	if (tok_make_csr(key, &req.subject, &csr, &terr) != TOK_OK) {
		r = cli_fail_tok(cli, &terr);
		goto out;
	}
	if ((r = station_request_add_csr(cli, app, id_hex, csr, &req)) != 0 ||
	    (r = station_issuer(cli, app, &issuer)) != 0)
		goto out;
	if (iss_submit(issuer, &req.request, &ierr) != ISS_OK) {
		r = cli_fail_iss(cli, &ierr);
		goto out;
	}
	cli_crash_point("keygen-after-submit");
	if (wf_key_complete(cli->store, app->number, &actor, csr, &werr) != WF_OK) {
		r = cli_fail_wf(cli, &werr);
		goto out;
	}
	printf(_("%s: key %s generated on the token; request sent to the issuer (%s).\n"),
	       app->number, id_hex, iss_name(issuer));
out:
	iss_free(issuer);
	station_request_clear(&req);
	free(csr);
	tok_key_free(job.key);
	tok_key_free(key);
	return r;
}

static const char *type_name;
static int wait_seconds;
static bool restart;

const struct cli_option keygen_options[] = {
    {"key-type", OPT_STRING, &type_name, "TYPE",
     N_("rsa2048, rsa3072, rsa4096, ec-p256 or ec-p384"), false},
    {"wait", OPT_INT, &wait_seconds, "SECONDS", N_("wait this long for the token to be inserted"),
     false},
    {"restart", OPT_FLAG, &restart, NULL, N_("abandon a key begun on another token"), false},
    {NULL},
};

int
cmd_keygen(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	char number[WF_NUMBER_MAX];
	const struct wf_actor actor = {.login = cli->login};
	struct wf_application *app = NULL;
	struct wf_lock *app_lock = NULL;
	struct holder_lock token_lock = {0};
	struct tok_token *token = NULL;
	struct tok_key *key = NULL;
	struct tok_key_id marker = {.length = 0};
	enum tok_key_type type;
	struct wf_error err;
	char *configured = NULL;
	int r;

	if ((r = cli_parse_id(cli, self, argc, argv, number)) != 0 || (r = cli_store(cli)) != 0)
		return r;
	if (type_name == NULL)
		type_name = configured = station_setting(cli, SETTING_KEY_TYPE);
	if (tok_key_type_parse(type_name ? type_name : "rsa2048", &type) != TOK_OK) {
		r = cli_fail_usage(_("unknown key type: %s"), type_name);
		goto out;
	}
	/* One run per application: a second one is refused before anything is written. */
	if ((r = holder_lock_application(cli, number, &app_lock, &app)) != 0)
		goto out;
	cli_crash_point("keygen-locked");
	/* Refused (and audited) before the token is touched when step 6 is not allowed now. */
	if (wf_check(cli->store, number, WF_ACTION_RECORD_KEY, &actor, &err) != WF_OK) {
		r = cli_fail_wf(cli, &err);
		goto out;
	}
	/* The token shown and checked before any PIN, checked again once logged in (private
	 * keys show only then), and nobody else's run writes to it meanwhile. */
	if ((r = find_token(cli, wait_seconds, &token)) != 0 ||
	    (r = holder_guard(cli, token, app, true, &token_lock)) != 0)
		goto out;
	cli_crash_point("keygen-token-locked");
	if ((r = prepare_token(cli, token, app->applicant.full_name)) != 0 ||
	    (r = holder_guard(cli, token, app, false, &token_lock)) != 0 ||
	    (r = holder_remove_abandoned(cli, token, app)) != 0 ||
	    (r = resume_or_begin(cli, token, app, type, restart, &key, &marker)) != 0)
		goto out;
	r = make_key_and_csr(cli, token, app, type, key, &marker);
out:
	tok_close(token);
	holder_unlock(&token_lock);
	wf_unlock(app_lock);
	wf_application_free(app);
	free(configured);
	return r;
}
