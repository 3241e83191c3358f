/*
 * test-token-pin.c: PINs on fresh SoftHSM2 tokens: the office's policy, initializing a
 * blank token and its user PIN, changing and unblocking, and what the token says after
 * wrong PINs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "tap.h"
#include "token-int.h"

static struct tok_ctx *ctx;

/* A fresh store with token label (or only the blank slot if label is NULL), opened. */
static struct tok_token *
open_token(const char *label)
{
	return fixture_open_token(label, false, &ctx);
}

static void
finish(struct tok_token *token)
{
	tok_close(token);
	tok_ctx_free(ctx);
	ctx = NULL;
}

static int
login_with(struct tok_token *token, enum tok_user user, const char *text, struct tok_error *err)
{
	struct tok_pin *pin = fixture_pin(text);
	int r = tok_login(token, user, pin, err);

	tok_pin_free(pin);
	if (r == TOK_OK) {
		token->ctx->fn->C_Logout(token->session);
		token->logged_in = false;
	}
	return r;
}

static int
policy(struct tok_token *token, const char *text, size_t office_min, struct tok_error *err)
{
	struct tok_pin *pin = fixture_pin(text);
	int r = tok_check_pin_policy(token, pin, office_min, err);

	tok_pin_free(pin);
	return r;
}

static void
pin_policy_refuses_short_trivial_and_identifying_pins(void)
{
	struct tok_token *token = open_token("Alpha");
	struct tok_error err = {0};

	check_int(policy(token, "830571", 6, &err), TOK_OK);
	check_int(policy(token, "83057", 6, &err), TOK_ERR_PIN_POLICY);
	check(strstr(err.message, "too short") != NULL);
	check_int(policy(token, "8305", 4, &err), TOK_OK);
	check_int(policy(token, "830", 0, &err), TOK_ERR_PIN_POLICY); /* SoftHSM's minimum: 4 */
	check_int(policy(token, "777777", 6, &err), TOK_ERR_PIN_POLICY);
	check(strstr(err.message, "repeated") != NULL);
	check_int(policy(token, "123456", 6, &err), TOK_ERR_PIN_POLICY);
	check(strstr(err.message, "run") != NULL);
	check_int(policy(token, "987654", 6, &err), TOK_ERR_PIN_POLICY);
	check_int(policy(token, "456789", 6, &err), TOK_ERR_PIN_POLICY);
	check_int(policy(token, "123457", 6, &err), TOK_OK);
	check_int(policy(token, "alpha", 4, &err), TOK_ERR_PIN_POLICY);
	check(strstr(err.message, "label") != NULL);
	check_int(policy(token, token->serial, 6, &err), TOK_ERR_PIN_POLICY);
	check(strstr(err.message, "serial") != NULL);
	/* "Too long for the token" is not shown here: SoftHSM takes 255 bytes, more than the
	 * 64 a struct tok_pin holds, so that refusal happens in tok_pin_append. */
	finish(token);
}

/*
 * SoftHSM 2.6.1 raises "count low" after a wrong PIN but never blocks one (checked: 20
 * wrong tries), so the blocked and final-try paths cannot be shown on it.
 */
/* so_pin_check TEXT HEX16: tok_check_so_pin on a PIN of this text. */
static int
so_pin_check(const char *text, bool hex16, struct tok_error *err)
{
	struct tok_pin *pin = fixture_pin(text);
	int r = tok_check_so_pin(pin, hex16, err);

	tok_pin_free(pin);
	return r;
}

static void
so_pin_policy_refuses_trivial_pins_and_a_hex16_card_takes_only_16_hex_digits(void)
{
	struct tok_error err = {0};

	check_int(so_pin_check("51928374", false, &err), TOK_OK);
	check_int(so_pin_check("12345", false, &err), TOK_ERR_PIN_POLICY);
	check(strstr(err.message, "too short") != NULL);
	check_int(so_pin_check("00000000", false, &err), TOK_ERR_PIN_POLICY);
	check_int(so_pin_check("12345678", false, &err), TOK_ERR_PIN_POLICY);
	check_int(so_pin_check("3537363231383830", true, &err), TOK_OK);
	check_int(so_pin_check("51928374", true, &err), TOK_ERR_PIN_POLICY);
	check(strstr(err.message, "16 hexadecimal") != NULL);
	check_int(so_pin_check("353736323138383G", true, &err), TOK_ERR_PIN_POLICY);
	check_int(so_pin_check("AAAAAAAAAAAAAAAA", true, &err), TOK_ERR_PIN_POLICY);
	check(strstr(err.message, "repeated") != NULL);
}

static void
a_wrong_pin_is_reported_with_the_tokens_count_low_flag(void)
{
	struct tok_token *token = open_token("Alpha");
	struct tok_error err = {0};
	struct tok_info info;

	check_int(login_with(token, TOK_USER, "000111", &err), TOK_ERR_PIN_INCORRECT);
	check(strstr(err.message, "few tries left") != NULL);
	check_int(err.retries_left, -1);
	check_int(tok_get_info(token, &info, &err), TOK_OK);
	check(info.user_pin_count_low && !info.user_pin_locked);
	check_int(login_with(token, TOK_USER, FIXTURE_USER_PIN, &err), TOK_OK);
	check_int(tok_get_info(token, &info, &err), TOK_OK);
	check(!info.user_pin_count_low);
	finish(token);
}

static void
a_blank_token_is_initialized_and_given_a_user_pin(void)
{
	struct tok_token *token = open_token(NULL);
	struct tok_pin *so = fixture_pin(FIXTURE_SO_PIN), *user = fixture_pin("402915");
	struct tok_error err = {0};
	struct tok_info info;

	check_int(tok_get_info(token, &info, &err), TOK_OK);
	check(!info.initialized);
	check_int(tok_init_token(token, so, "Dinas Kominfo 01", &err), TOK_OK);
	check_int(tok_get_info(token, &info, &err), TOK_OK);
	check_str(info.label, "Dinas Kominfo 01");
	check(info.initialized && !info.user_pin_initialized);
	check_int(login_with(token, TOK_USER, "402915", &err), TOK_ERR_TOKEN_NOT_INITIALIZED);
	check_int(tok_init_user_pin(token, so, user, &err), TOK_OK);
	check_int(tok_get_info(token, &info, &err), TOK_OK);
	check(info.user_pin_initialized);
	check_int(login_with(token, TOK_USER, "402915", &err), TOK_OK);
	check_int(login_with(token, TOK_SO, FIXTURE_SO_PIN, &err), TOK_OK);
	tok_pin_free(so);
	tok_pin_free(user);
	finish(token);
}

static void
a_trivial_user_pin_is_refused_when_set(void)
{
	struct tok_token *token = open_token("Alpha");
	struct tok_pin *so = fixture_pin(FIXTURE_SO_PIN), *trivial = fixture_pin("111111");
	struct tok_pin *old = fixture_pin(FIXTURE_USER_PIN);
	struct tok_error err = {0};

	check_int(tok_init_user_pin(token, so, trivial, &err), TOK_ERR_PIN_POLICY);
	check_int(tok_change_pin(token, old, trivial, &err), TOK_ERR_PIN_POLICY);
	check_int(login_with(token, TOK_USER, FIXTURE_USER_PIN, &err), TOK_OK);
	tok_pin_free(so);
	tok_pin_free(trivial);
	tok_pin_free(old);
	finish(token);
}

static void
the_user_pin_is_changed_with_the_old_one(void)
{
	struct tok_token *token = open_token("Alpha");
	struct tok_pin *old = fixture_pin(FIXTURE_USER_PIN), *wrong = fixture_pin("000111");
	struct tok_pin *new = fixture_pin("592037");
	struct tok_error err = {0};

	check_int(tok_change_pin(token, wrong, new, &err), TOK_ERR_PIN_INCORRECT);
	check_int(login_with(token, TOK_USER, FIXTURE_USER_PIN, &err), TOK_OK);
	check_int(tok_change_pin(token, old, new, &err), TOK_OK);
	check_int(login_with(token, TOK_USER, FIXTURE_USER_PIN, &err), TOK_ERR_PIN_INCORRECT);
	check_int(login_with(token, TOK_USER, "592037", &err), TOK_OK);
	tok_pin_free(old);
	tok_pin_free(wrong);
	tok_pin_free(new);
	finish(token);
}

static void
the_so_unblocks_with_a_new_user_pin_and_a_wrong_so_pin_changes_nothing(void)
{
	struct tok_token *token = open_token("Alpha");
	struct tok_pin *so = fixture_pin(FIXTURE_SO_PIN), *wrong = fixture_pin("000111");
	struct tok_pin *new = fixture_pin("716203");
	struct tok_error err = {0};

	check_int(tok_unblock_pin(token, wrong, new, &err), TOK_ERR_SO_PIN_INCORRECT);
	check(strstr(err.message, "SO PIN") != NULL);
	check_int(login_with(token, TOK_USER, FIXTURE_USER_PIN, &err), TOK_OK);
	check_int(tok_unblock_pin(token, so, new, &err), TOK_OK);
	check_int(login_with(token, TOK_USER, FIXTURE_USER_PIN, &err), TOK_ERR_PIN_INCORRECT);
	check_int(login_with(token, TOK_USER, "716203", &err), TOK_OK);
	tok_pin_free(so);
	tok_pin_free(wrong);
	tok_pin_free(new);
	finish(token);
}

int
main(void)
{
	TAP_TEST(pin_policy_refuses_short_trivial_and_identifying_pins);
	TAP_TEST(so_pin_policy_refuses_trivial_pins_and_a_hex16_card_takes_only_16_hex_digits);
	TAP_TEST(a_wrong_pin_is_reported_with_the_tokens_count_low_flag);
	TAP_TEST(a_blank_token_is_initialized_and_given_a_user_pin);
	TAP_TEST(a_trivial_user_pin_is_refused_when_set);
	TAP_TEST(the_user_pin_is_changed_with_the_old_one);
	TAP_TEST(the_so_unblocks_with_a_new_user_pin_and_a_wrong_so_pin_changes_nothing);
	return tap_done();
}
