/*
 * token-tool.c: a test driver that runs SOP steps 6 and 7 through the library alone, so
 * that test-interop.sh can ask independent tools (pkcs11-tool, OpenSSL's engine, NSS,
 * GnuTLS) whether they agree with what it did. Never installed.
 *
 *   token-tool create-ca DIR
 *   token-tool enroll MODULE TOKEN_LABEL CA_DIR KEY_TYPE LABEL   (user PIN on stdin)
 *
 * enroll prints the new key's id in hex.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "issuer.h"
#include "token.h"

struct enrollment {
	const char *module, *token_label, *ca_dir, *key_type, *label;
	struct tok_ctx *ctx;
	struct tok_token *token;
	struct tok_key *key;
	struct issuer *ca;
	char *csr;
	unsigned char *issued;
	size_t issued_length;
	char key_id[2 * TOK_KEY_ID_LEN + 1];
};

static int
fail(const char *what, const struct tok_error *err)
{
	fprintf(stderr, "token-tool: %s: %s: %s\n", what, tok_status_name(err->code), err->message);
	return 1;
}

static int
fail_issuer(const char *what, const struct iss_error *err)
{
	fprintf(stderr, "token-tool: %s: %s (%s)\n", what, err->message,
		iss_status_name(err->code));
	return 1;
}

/* The local CA's settings: NULL-ended name, value pairs. */
static const char *
lookup_setting(void *arg, const char *option)
{
	const char *const *pairs = arg;

	for (; pairs[0] != NULL; pairs += 2)
		if (strcmp(pairs[0], option) == 0)
			return pairs[1];
	return NULL;
}

static int
log_in(struct enrollment *e, struct tok_error *err)
{
	struct tok_pin *pin = tok_pin_new();
	int r;

	if (pin == NULL)
		return -1;
	r = tok_pin_read_fd(pin, 0, err);
	if (r == 0)
		r = tok_login(e->token, TOK_USER, pin, err);
	tok_pin_free(pin);
	return r;
}

/* Key on the token, CSR, local CA issues, import with the CA's anchors, readiness. */
static int
enroll(struct enrollment *e)
{
	struct tok_subject subject = {.common_name = e->label,
				      .organizational_unit = "Dinas Komunikasi dan Informatika",
				      .organization = "Pemerintah Kota Contoh",
				      .locality = "Contoh",
				      .state = "Jawa Barat",
				      .email = "persandian@contoh.go.id"};
	struct iss_request request = {.reference = "TTE/2026/0001"};
	const char *settings[] = {"ca-dir", e->ca_dir, NULL};
	struct tok_cert_info info;
	struct tok_error err = {0};
	struct iss_error iss_err = {0};
	enum tok_key_type type;

	if (tok_key_type_parse(e->key_type, &type) != 0)
		return fprintf(stderr, "token-tool: unknown key type %s\n", e->key_type), 1;
	if ((e->ctx = tok_ctx_new(e->module, &err)) == NULL)
		return fail("module", &err);
	if ((e->token = tok_open(e->ctx, e->token_label, &err)) == NULL)
		return fail("open", &err);
	if (log_in(e, &err) != 0)
		return fail("login", &err);
	if (tok_generate_key(e->token, type, e->label, &e->key, &err) != 0)
		return fail("generate", &err);
	if (tok_make_csr(e->key, &subject, &e->csr, &err) != 0)
		return fail("csr", &err);
	tok_key_id_hex(tok_key_get_id(e->key), e->key_id);
	request.key_id_hex = e->key_id;
	request.csr_pem = e->csr;
	if (iss_open("local", lookup_setting, settings, &e->ca, &iss_err) != ISS_OK ||
	    iss_submit(e->ca, &request, &iss_err) != ISS_OK ||
	    iss_fetch(e->ca, &request, &e->issued, &e->issued_length, &iss_err) != ISS_OK)
		return fail_issuer("issue", &iss_err);
	if (tok_import_certificate(e->token, e->issued, e->issued_length, iss_trust_anchors(e->ca),
				   NULL, &info, &err) != 0)
		return fail("import", &err);
	if (tok_check_ready(e->token, tok_key_get_id(e->key), &err) != 0)
		return fail("ready", &err);
	printf("%s\n", e->key_id);
	return 0;
}

static void
enrollment_free(struct enrollment *e)
{
	free(e->issued);
	free(e->csr);
	iss_free(e->ca);
	tok_key_free(e->key);
	tok_close(e->token);
	tok_ctx_free(e->ctx);
}

int
main(int argc, char **argv)
{
	struct iss_error err = {0};
	struct enrollment e = {0};
	int status;

	if (argc == 3 && strcmp(argv[1], "create-ca") == 0) {
		const char *settings[] = {"ca-dir", argv[2], NULL};

		if (iss_prepare("local", lookup_setting, settings, "Pemerintah Kota Contoh",
				&err) != ISS_OK)
			return fail_issuer("create-ca", &err);
		return 0;
	}
	if (argc != 7 || strcmp(argv[1], "enroll") != 0) {
		fprintf(stderr,
			"usage: token-tool create-ca DIR\n"
			"       token-tool enroll MODULE TOKEN_LABEL CA_DIR KEY_TYPE LABEL\n");
		return 2;
	}
	e.module = argv[2];
	e.token_label = argv[3];
	e.ca_dir = argv[4];
	e.key_type = argv[5];
	e.label = argv[6];
	status = enroll(&e);
	enrollment_free(&e);
	return status;
}
