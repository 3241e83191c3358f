/*
 * cmd_import.c: step 7. The certificate the issuer returned goes onto the token only after
 * the token layer's checks, then the readiness check; the handover writes the receipt (PDF).
 * Importing is idempotent, so a run that dies anywhere is finished by running it again.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cert.h"
#include "holder.h"
#include "papers.h"
#include "station.h"

/*
 * A certificate file: a regular file of at most TOK_CERT_FILE_MAX bytes, opened without
 * following a symbolic link or waiting on a FIFO, so that no path makes import hang.
 */
static int
refuse_certificate_file(const char *path, const char *why)
{
	fprintf(stderr, "enroll: %s: %s: %s\n", _("cannot read file"), path, why);
	return EXIT_FILE;
}

static int
read_file(const char *path, unsigned char **data, size_t *length)
{
	unsigned char *buf = NULL;
	struct stat st;
	size_t used = 0;
	ssize_t n;
	int fd, r = EXIT_FILE;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) < 0)
		return errno == ELOOP ? refuse_certificate_file(
					    path, _("a symbolic link: give the file itself"))
				      : cli_fail_file(path, errno);
	if (fstat(fd, &st) != 0)
		r = cli_fail_file(path, errno);
	else if (S_ISDIR(st.st_mode))
		r = refuse_certificate_file(path, _("a directory, not a certificate file"));
	else if (!S_ISREG(st.st_mode))
		r = refuse_certificate_file(path, _("not a regular file (a FIFO, a device?)"));
	else if (st.st_size > TOK_CERT_FILE_MAX)
		r = refuse_certificate_file(path, _("larger than a certificate file can be"));
	else if ((buf = malloc((size_t)st.st_size + 1)) == NULL)
		r = cli_fail_file(path, ENOMEM);
	else
		r = 0;
	while (r == 0 && used < (size_t)st.st_size &&
	       (n = read(fd, buf + used, (size_t)st.st_size - used)) != 0) {
		if (n < 0 && errno != EINTR)
			r = cli_fail_file(path, errno);
		else if (n > 0)
			used += (size_t)n;
	}
	close(fd);
	if (r != 0) {
		free(buf);
		return r;
	}
	*data = buf;
	*length = used;
	return 0;
}

/* The certificate: --cert FILE, or whatever the issuer has for this request. */
static int
fetch_certificate(struct cli *cli, const struct wf_application *app, struct issuer *issuer,
		  const char *path, unsigned char **data, size_t *length)
{
	struct station_request req;
	struct iss_error err;
	int r;

	if (path != NULL)
		return read_file(path, data, length);
	station_request_init(cli, app, &req);
	if ((r = station_request_add_csr(cli, app, app->key.key_id_hex, app->key.csr_pem, &req)) ==
		0 &&
	    iss_fetch(issuer, &req.request, data, length, &err) != ISS_OK)
		r = cli_fail_iss(cli, &err);
	station_request_clear(&req);
	return r;
}

/* The chain must end at the roots of the issuer the request was sent to. */
static int
import_onto_token(struct cli *cli, struct tok_token *token, const struct wf_application *app,
		  const char *anchors, const unsigned char *data, size_t length,
		  struct tok_cert_info *info)
{
	struct tok_key_id expected;
	struct tok_error err;
	int r = 0;

	if (tok_key_id_parse(app->key.key_id_hex, &expected) != TOK_OK) {
		fprintf(stderr, "enroll: %s\n", _("no key is recorded for this application"));
		r = EXIT_NOT_FOUND;
		goto out;
	}
	/* Every check, that it is this application's key included, before the first write. */
	if (tok_import_certificate(token, data, length, anchors, &expected, info, &err) != TOK_OK) {
		r = cli_fail_tok(cli, &err);
		goto out;
	}
	cli_crash_point("import-after-write");
	if (tok_check_ready(token, &expected, &err) != TOK_OK)
		r = cli_fail_tok(cli, &err);
out:
	return r;
}

/*
 * A renewal on this token keeps one identity: the same person's earlier pair goes (the
 * removal recorded first), then the earlier application is recorded renewed. Each part is
 * skipped when done, so a run that dies in between is finished by running it again.
 */
static int
renew_one(struct cli *cli, struct tok_token *token, const struct wf_application *app,
	  const struct wf_token_use *old)
{
	const struct wf_actor actor = {.login = cli->login};
	struct wf_error err;
	char why[160], note[64];
	bool removed = false;
	int r = 0;

	/* Refused (and audited) before anything is removed if it may not be renewed now. */
	if (wf_check(cli->store, old->number, WF_ACTION_RENEW, &actor, &err) != WF_OK)
		return cli_fail_wf(cli, &err);
	/* Notes are read back in the history: in the acting operator's language, as typed ones. */
	snprintf(why, sizeof(why),
		 _("renewed by %s: the new certificate passed the readiness check"), app->number);
	if (strcmp(old->token_serial, app->key.token_serial) == 0 &&
	    strcmp(old->key_id_hex, app->key.key_id_hex) != 0)
		r = holder_remove_key(cli, token, old->token_serial, old->number, old->key_id_hex,
				      old->key_id_hex, why, &removed);
	if (removed)
		fprintf(stderr,
			_("Removed the renewed key %s and certificate of %s from the token.\n"),
			old->key_id_hex, old->number);
	snprintf(note, sizeof(note), _("renewed by %s"), app->number);
	if (r == 0 && wf_act(cli->store, old->number, WF_ACTION_RENEW, &actor, note, &err) != WF_OK)
		r = cli_fail_wf(cli, &err);
	return r;
}

/*
 * After the new certificate passed the readiness check, for a renewal: the same person's
 * handed-over (or expired) applications on this token, or else the latest one on another
 * token, are renewed.
 */
static int
renew_previous(struct cli *cli, struct tok_token *token, const struct wf_application *app)
{
	struct wf_token_use *uses = NULL;
	const struct wf_token_use *latest = NULL;
	struct wf_error err;
	bool on_this_token = false;
	size_t n = 0;
	int r = 0;

	if (wf_person_keys(cli->store, app->applicant.nik, &uses, &n, &err) != WF_OK)
		return cli_fail_wf(cli, &err);
	for (size_t i = 0; i < n; i++) {
		if (!holder_is_renewal(app, &uses[i]))
			continue;
		if (strcmp(uses[i].token_serial, app->key.token_serial) == 0)
			on_this_token = true;
		else
			latest = &uses[i];
	}
	for (size_t i = 0; i < n && r == 0 && on_this_token; i++)
		if (holder_is_renewal(app, &uses[i]) &&
		    strcmp(uses[i].token_serial, app->key.token_serial) == 0)
			r = renew_one(cli, token, app, &uses[i]);
	if (on_this_token)
		latest = NULL;
	if (r == 0 && latest != NULL)
		r = renew_one(cli, token, app, latest);
	free(uses);
	return r;
}

static const char *cert_path;

const struct cli_option import_options[] = {
    {"cert", OPT_STRING, &cert_path, "FILE",
     N_("the certificate (PEM, DER, PKCS#7); default: from the issuer"), false},
    {NULL},
};

int
cmd_import(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	char number[WF_NUMBER_MAX];
	const struct wf_actor actor = {.login = cli->login};
	struct wf_application *app = NULL;
	struct wf_lock *app_lock = NULL;
	struct holder_lock token_lock = {0};
	struct tok_token *token = NULL;
	struct issuer *issuer = NULL;
	struct tok_cert_info info;
	struct wf_error err;
	unsigned char *data = NULL;
	size_t length = 0;
	char until[32];
	int r;

	if ((r = cli_parse_id(cli, self, argc, argv, number)) != 0 || (r = cli_store(cli)) != 0)
		return r;
	if ((r = holder_lock_application(cli, number, &app_lock, &app)) != 0)
		goto out;
	if (cli->token_selector == NULL)
		cli->token_selector = app->key.token_serial;
	/* Refused (and audited) before the token is touched when step 7 is not allowed now. */
	if (wf_check(cli->store, number, WF_ACTION_IMPORT_CERTIFICATE, &actor, &err) != WF_OK) {
		r = cli_fail_wf(cli, &err);
		goto out;
	}
	if ((r = station_issuer(cli, app, &issuer)) != 0 ||
	    (r = fetch_certificate(cli, app, issuer, cert_path, &data, &length)) != 0 ||
	    (r = station_check_subject(app, data, length)) != 0 ||
	    (r = cli_open_token(cli, &token)) != 0 ||
	    (r = holder_guard(cli, token, app, true, &token_lock)) != 0 ||
	    (r = cli_login(cli, token)) != 0 ||
	    (r = holder_guard(cli, token, app, false, &token_lock)) != 0 ||
	    (r = import_onto_token(cli, token, app, iss_trust_anchors(issuer), data, length,
				   &info)) != 0 ||
	    (r = renew_previous(cli, token, app)) != 0)
		goto out;
	if (wf_certificate_record(cli->store, number, &actor, info.serial_hex, info.issuer,
				  info.subject, (int64_t)info.not_before, (int64_t)info.not_after,
				  info.sha256, &err) != WF_OK) {
		r = cli_fail_wf(cli, &err);
		goto out;
	}
	cli_format_time(info.not_after, until, sizeof(until));
	printf(_("%s: certificate %s imported%s; valid until %s; the token is ready.\n"), number,
	       info.serial_hex, info.already_present ? _(" (it was already there)") : "", until);
out:
	iss_free(issuer);
	tok_close(token);
	holder_unlock(&token_lock);
	wf_unlock(app_lock);
	free(data);
	wf_application_free(app);
	return r;
}

static const char *note, *receipt_path;

const struct cli_option handover_options[] = {
    {"note", OPT_STRING, &note, "TEXT", N_("a note"), false},
    {"receipt", OPT_STRING, &receipt_path, "FILE",
     N_("write the receipt (PDF) here; default <number>-receipt.pdf"), false},
    {NULL},
};

/*
 * The receipt at once, in the paper's language. The token is handed over whatever befalls
 * the file: a failure says how to print it again and is not the handover's.
 */
static void
offer_receipt(struct cli *cli, const char *number, char *written, size_t size)
{
	const struct wf_actor actor = {.login = cli->login};
	const struct pp_request request = {.kind = "receipt",
					   .number = number,
					   .actor = &actor,
					   .indonesian = cli_paper_indonesian(cli)};

	if (cli_print_paper(cli, &request, receipt_path, written, size) != 0)
		fprintf(stderr,
			_("enroll: the token is handed over; print its receipt with "
			  "'enroll print receipt %s'\n"),
			number);
}

int
cmd_handover(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	char number[WF_NUMBER_MAX];
	const struct wf_actor actor = {.login = cli->login};
	struct wf_application *app = NULL;
	struct wf_official operator= {0};
	struct wf_error err;
	struct json_object *o;
	char receipt[256] = "";
	int r;

	if ((r = cli_parse_id(cli, self, argc, argv, number)) != 0 || (r = cli_store(cli)) != 0)
		return r;
	if (wf_act(cli->store, number, WF_ACTION_HANDOVER, &actor, note, &err) != WF_OK ||
	    wf_application_get(cli->store, number, &app, &err) != WF_OK ||
	    wf_official_find_by_login(cli->store, cli->login, &operator, & err) != WF_OK)
		return cli_fail_wf(cli, &err);
	if (cli->json) {
		o = json_object_new_object();
		cli_json_add_string(o, "number", app->number);
		cli_json_add_string(o, "owner", app->applicant.full_name);
		cli_json_add_string(o, "token_serial", app->key.token_serial);
		cli_json_add_string(o, "token_model", app->key.token_model);
		cli_json_add_string(o, "certificate_serial", app->certificate.serial);
		json_object_object_add(o, "not_before",
				       json_object_new_int64(app->certificate.not_before));
		json_object_object_add(o, "not_after",
				       json_object_new_int64(app->certificate.not_after));
		cli_json_add_string(o, "issuer", app->certificate.issuer);
		cli_json_add_string(o, "operator", operator.login);
		offer_receipt(cli, number, receipt, sizeof(receipt));
		cli_json_add_string(o, "receipt", receipt);
		cli_print_json(o);
	} else {
		printf(_("%s: token %s handed over to %s by %s.\n"), app->number,
		       app->key.token_serial, app->applicant.full_name, operator.name);
		offer_receipt(cli, number, NULL, 0);
	}
	wf_application_free(app);
	return 0;
}
