/*
 * test-token.c: the token core against fresh SoftHSM2 tokens: listing, selection, PINs
 * and PIN policy. Each test makes its own token store.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "tap.h"
#include "token-int.h"

static struct tok_ctx *
softhsm_ctx(void)
{
	struct tok_error err = {0};
	struct tok_ctx *ctx = tok_ctx_new(fixture_module(), &err);

	if (ctx == NULL)
		tap_diag("tok_ctx_new: %s", err.message);
	return ctx;
}

/* A store with tokens of these labels (NULL-terminated), and a context on it. */
static struct tok_ctx *
store_with(const char *first, ...)
{
	const char *labels[4] = {first, NULL};
	va_list ap;

	va_start(ap, first);
	for (int i = 1; i < 3 && labels[i - 1] != NULL; i++)
		labels[i] = va_arg(ap, const char *);
	va_end(ap);
	fixture_softhsm();
	for (int i = 0; labels[i] != NULL; i++)
		if (fixture_softhsm_token(labels[i]) != 0)
			tap_diag("softhsm2-util could not make token %s", labels[i]);
	return softhsm_ctx();
}

static const struct tok_info *
find_info(const struct tok_info *infos, size_t count, const char *label)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(infos[i].label, label) == 0)
			return &infos[i];
	return NULL;
}

static void
tokens_are_listed_with_every_field(void)
{
	struct tok_ctx *ctx = store_with("Alpha", NULL);
	struct tok_error err = {0};
	struct tok_info *infos = NULL;
	const struct tok_info *alpha, *blank;
	size_t count = 0;

	check_int(tok_list(ctx, &infos, &count, &err), TOK_OK);
	check_int(count, 2); /* Alpha and SoftHSM's blank slot */
	alpha = find_info(infos, count, "Alpha");
	blank = find_info(infos, count, "");
	check(alpha != NULL && blank != NULL);
	if (alpha != NULL) {
		check_str(alpha->manufacturer, "SoftHSM project");
		check_str(alpha->model, "SoftHSM v2");
		check(strlen(alpha->serial) == 16);
		check(strncmp(alpha->uri, "pkcs11:", 7) == 0);
		check(strstr(alpha->uri, "token=Alpha") != NULL);
		check(strstr(alpha->uri, alpha->serial) != NULL);
		check(strlen(alpha->slot_description) > 0);
		check(alpha->initialized && alpha->user_pin_initialized);
		check(!alpha->user_pin_locked && !alpha->user_pin_count_low);
		check(!alpha->user_pin_final_try && !alpha->so_pin_locked);
		check(!alpha->protected_auth_path && !alpha->write_protected);
		check_int(alpha->min_pin_len, 4);
		check_int(alpha->max_pin_len, 255);
		check_int(alpha->key_types, (1u << TOK_KEY_TYPE_COUNT) - 1);
	}
	if (blank != NULL)
		check(!blank->initialized && !blank->user_pin_initialized);
	free(infos);
	tok_ctx_free(ctx);
}

static void
an_empty_store_lists_only_the_blank_slot(void)
{
	struct tok_ctx *ctx = store_with(NULL);
	struct tok_info *infos = NULL;
	size_t count = 99;

	check_int(tok_list(ctx, &infos, &count, NULL), TOK_OK);
	check_int(count, 1);
	check(count == 1 && !infos[0].initialized);
	free(infos);
	tok_ctx_free(ctx);
}

/* Open with selector and say which label was opened ("" on failure). */
static int
open_label(struct tok_ctx *ctx, const char *selector, char *label, struct tok_error *err)
{
	struct tok_token *token = tok_open(ctx, selector, err);
	struct tok_info info;

	label[0] = '\0';
	if (token == NULL)
		return err->code;
	if (tok_get_info(token, &info, err) == TOK_OK)
		strcpy(label, info.label);
	tok_close(token);
	return TOK_OK;
}

static void
token_is_selected_by_uri_serial_or_label(void)
{
	struct tok_ctx *ctx = store_with("Alpha", "Beta", NULL);
	struct tok_error err = {0};
	struct tok_info *infos = NULL;
	const struct tok_info *alpha, *beta;
	char label[33];
	size_t count = 0;

	check_int(tok_list(ctx, &infos, &count, &err), TOK_OK);
	alpha = find_info(infos, count, "Alpha");
	beta = find_info(infos, count, "Beta");
	check(alpha != NULL && beta != NULL);
	if (alpha == NULL || beta == NULL)
		goto out;
	check_int(open_label(ctx, "Beta", label, &err), TOK_OK);
	check_str(label, "Beta");
	check_int(open_label(ctx, alpha->serial, label, &err), TOK_OK);
	check_str(label, "Alpha");
	check_int(open_label(ctx, beta->uri, label, &err), TOK_OK);
	check_str(label, "Beta");
	check_int(open_label(ctx, "pkcs11:token=Alpha", label, &err), TOK_OK);
	check_str(label, "Alpha");
	check_int(open_label(ctx, "pkcs11:model=SoftHSM%20v2;token=Beta", label, &err), TOK_OK);
	check_str(label, "Beta");
out:
	free(infos);
	tok_ctx_free(ctx);
}

static void
two_tokens_and_no_selector_is_ambiguous_and_lists_both(void)
{
	struct tok_ctx *ctx = store_with("Alpha", "Beta", NULL);
	struct tok_error err = {0};
	char label[33];

	check_int(open_label(ctx, NULL, label, &err), TOK_ERR_AMBIGUOUS);
	check(strstr(err.message, "'Alpha'") != NULL && strstr(err.message, "'Beta'") != NULL);
	check_int(open_label(ctx, "pkcs11:model=SoftHSM%20v2", label, &err), TOK_ERR_AMBIGUOUS);
	tok_ctx_free(ctx);
}

static void
a_missing_token_is_refused_listing_what_is_present(void)
{
	struct tok_ctx *ctx = store_with("Alpha", NULL);
	struct tok_error err = {0};
	char label[33];

	check_int(open_label(ctx, "Gamma", label, &err), TOK_ERR_NO_TOKEN);
	check(strstr(err.message, "Gamma") != NULL && strstr(err.message, "'Alpha'") != NULL);
	check_int(open_label(ctx, "pkcs11:token=Gamma", label, &err), TOK_ERR_NO_TOKEN);
	check_int(open_label(ctx, "pkcs11:token=%ZZ", label, &err), TOK_ERR_INVALID_ARGUMENT);
	tok_ctx_free(ctx);
}

static void
the_only_initialized_token_is_selected_without_selector(void)
{
	struct tok_ctx *ctx = store_with("Alpha", NULL);
	struct tok_error err = {0};
	char label[33];

	check_int(open_label(ctx, NULL, label, &err), TOK_OK);
	check_str(label, "Alpha");
	tok_ctx_free(ctx);
}

static void
a_module_that_does_not_exist_is_a_module_error(void)
{
	struct tok_error err = {0};
	struct tok_ctx *ctx = tok_ctx_new("/nonexistent/module.so", &err);

	check(ctx == NULL);
	check_int(err.code, TOK_ERR_MODULE);
	check(strstr(err.message, "/nonexistent/module.so") != NULL);
}

static void
user_login_with_the_right_pin_succeeds(void)
{
	struct tok_ctx *ctx;
	struct tok_token *token = fixture_open_token("Alpha", false, &ctx);
	struct tok_pin *pin = fixture_pin(FIXTURE_USER_PIN);
	struct tok_error err = {0};

	check_int(tok_login(token, TOK_USER, pin, &err), TOK_OK);
	check(token->logged_in);
	tok_pin_free(pin);
	tok_close(token);
	tok_ctx_free(ctx);
}

static void
a_wrong_pin_is_refused_with_its_ckr_name(void)
{
	struct tok_ctx *ctx;
	struct tok_token *token = fixture_open_token("Alpha", false, &ctx);
	struct tok_pin *pin = fixture_pin("000111");
	struct tok_error err = {0};

	check_int(tok_login(token, TOK_USER, pin, &err), TOK_ERR_PIN_INCORRECT);
	check_str(err.ckr_name, "CKR_PIN_INCORRECT");
	check(strstr(err.message, "CKR_PIN_INCORRECT") != NULL);
	check(!token->logged_in);
	tok_pin_free(pin);
	tok_close(token);
	tok_ctx_free(ctx);
}

static void
so_login_with_the_so_pin_succeeds_and_user_pin_is_refused(void)
{
	struct tok_ctx *ctx;
	struct tok_token *token = fixture_open_token("Alpha", false, &ctx);
	struct tok_pin *so = fixture_pin(FIXTURE_SO_PIN), *user = fixture_pin(FIXTURE_USER_PIN);
	struct tok_error err = {0};

	check_int(tok_login(token, TOK_SO, user, &err), TOK_ERR_SO_PIN_INCORRECT);
	check_int(tok_login(token, TOK_SO, so, &err), TOK_OK);
	tok_pin_free(so);
	tok_pin_free(user);
	tok_close(token);
	tok_ctx_free(ctx);
}

static void
login_without_pin_needs_a_pinpad(void)
{
	struct tok_ctx *ctx;
	struct tok_token *token = fixture_open_token("Alpha", false, &ctx);
	struct tok_error err = {0};

	/* SoftHSM has no protected authentication path: NULL must not reach C_Login. */
	check_int(tok_login(token, TOK_USER, NULL, &err), TOK_ERR_INVALID_ARGUMENT);
	check(strstr(err.message, "pinpad") != NULL);
	tok_close(token);
	tok_ctx_free(ctx);
}

int
main(void)
{
	TAP_TEST(tokens_are_listed_with_every_field);
	TAP_TEST(an_empty_store_lists_only_the_blank_slot);
	TAP_TEST(token_is_selected_by_uri_serial_or_label);
	TAP_TEST(two_tokens_and_no_selector_is_ambiguous_and_lists_both);
	TAP_TEST(a_missing_token_is_refused_listing_what_is_present);
	TAP_TEST(the_only_initialized_token_is_selected_without_selector);
	TAP_TEST(a_module_that_does_not_exist_is_a_module_error);
	TAP_TEST(user_login_with_the_right_pin_succeeds);
	TAP_TEST(a_wrong_pin_is_refused_with_its_ckr_name);
	TAP_TEST(so_login_with_the_so_pin_succeeds_and_user_pin_is_refused);
	TAP_TEST(login_without_pin_needs_a_pinpad);
	return tap_done();
}
