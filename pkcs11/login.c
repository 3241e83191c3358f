/*
 * login.c: PINs on the token: the office's PIN policy, login (typed or on a pinpad),
 * token and PIN initialization, change and unblock. After a wrong PIN the token's own
 * flags say how close it is to blocking; we report that, never a guess.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "token-int.h"

static CK_ULONG
pin_length(const struct tok_pin *pin)
{
	return pin ? (CK_ULONG)tok_pin_length(pin) : 0;
}

static CK_UTF8CHAR_PTR
pin_bytes(const struct tok_pin *pin)
{
	return pin ? (CK_UTF8CHAR_PTR)tok_pin_value(pin) : NULL;
}

/* A run: every character one more (step 1) or one less (step -1) than the one before. */
static bool
is_run(const char *value, size_t length, int step)
{
	for (size_t i = 1; i < length; i++)
		if ((unsigned char)value[i] != (unsigned char)value[i - 1] + step)
			return false;
	return true;
}

static bool
all_one_character(const char *value, size_t length)
{
	for (size_t i = 1; i < length; i++)
		if (value[i] != value[0])
			return false;
	return true;
}

int
tok_check_pin_policy(struct tok_token *token, const struct tok_pin *pin, size_t office_min,
		     struct tok_error *err)
{
	CK_TOKEN_INFO ti;
	const char *value;
	size_t length, minimum;
	int r;

	if (token == NULL || pin == NULL)
		return tok_error_set(err, TOK_ERR_INVALID_ARGUMENT, _("no token or no PIN"));
	if ((r = tok_slot_token_info(token->ctx, tok_token_slot_id(token), &ti, err)) != TOK_OK)
		return r;
	value = tok_pin_value(pin);
	length = tok_pin_length(pin);
	minimum = office_min > ti.ulMinPinLen ? office_min : ti.ulMinPinLen;
	if (length < minimum)
		return tok_error_set(err, TOK_ERR_PIN_POLICY,
				     _("PIN too short: %zu characters, at least %zu needed"),
				     length, minimum);
	/* CK_UNAVAILABLE_INFORMATION (all ones) and 0 both mean: no stated maximum. */
	if (ti.ulMaxPinLen != 0 && ti.ulMaxPinLen != CK_UNAVAILABLE_INFORMATION &&
	    length > ti.ulMaxPinLen)
		return tok_error_set(err, TOK_ERR_PIN_POLICY,
				     _("PIN too long: the token takes at most %lu characters"),
				     (unsigned long)ti.ulMaxPinLen);
	if (length > 1 && all_one_character(value, length))
		return tok_error_set(err, TOK_ERR_PIN_POLICY, _("PIN is one character repeated"));
	if (length > 2 && (is_run(value, length, 1) || is_run(value, length, -1)))
		return tok_error_set(err, TOK_ERR_PIN_POLICY,
				     _("PIN is an ascending or descending run"));
	if ((token->label[0] != '\0' && strcasecmp(value, token->label) == 0) ||
	    (token->serial[0] != '\0' && strcasecmp(value, token->serial) == 0))
		return tok_error_set(err, TOK_ERR_PIN_POLICY,
				     _("PIN is the token's label or serial number"));
	return TOK_OK;
}

int
tok_check_so_pin(const struct tok_pin *pin, bool hex16, struct tok_error *err)
{
	const char *value = tok_pin_value(pin);
	size_t length = tok_pin_length(pin);

	if (hex16 && (length != 16 || strspn(value, "0123456789abcdefABCDEF") != 16))
		return tok_error_set(
		    err, TOK_ERR_PIN_POLICY,
		    _("this token's SO PIN is exactly 16 hexadecimal digits (0-9, A-F)"));
	if (length < 6)
		return tok_error_set(err, TOK_ERR_PIN_POLICY,
				     _("SO PIN too short: %zu characters, at least 6 needed"),
				     length);
	if (all_one_character(value, length))
		return tok_error_set(err, TOK_ERR_PIN_POLICY,
				     _("SO PIN is one character repeated"));
	if (is_run(value, length, 1) || is_run(value, length, -1))
		return tok_error_set(err, TOK_ERR_PIN_POLICY,
				     _("SO PIN is an ascending or descending run"));
	return TOK_OK;
}

/*
 * A PIN-related failure: name the return value, then read the token's flags to say
 * whether the PIN is now blocked or on its last try.
 */
static int
pin_failure(struct tok_token *token, enum tok_user user, CK_RV rv, const char *what,
	    struct tok_error *err)
{
	CK_FLAGS locked = user == TOK_SO ? CKF_SO_PIN_LOCKED : CKF_USER_PIN_LOCKED;
	CK_FLAGS final_try = user == TOK_SO ? CKF_SO_PIN_FINAL_TRY : CKF_USER_PIN_FINAL_TRY;
	CK_FLAGS count_low = user == TOK_SO ? CKF_SO_PIN_COUNT_LOW : CKF_USER_PIN_COUNT_LOW;
	const char *who = user == TOK_SO ? "SO PIN" : _("user PIN");
	CK_TOKEN_INFO ti;
	int r;

	r = tok_error_ckr(err, TOK_ERR_INTERNAL, rv, _("%s failed"), what);
	if (r != TOK_ERR_PIN_INCORRECT && r != TOK_ERR_PIN_LOCKED)
		return r;
	/* The operator's secret, not the applicant's: the command says whose fault it is. */
	if (user == TOK_SO)
		r = tok_error_ckr(
		    err, r == TOK_ERR_PIN_LOCKED ? TOK_ERR_SO_PIN_LOCKED : TOK_ERR_SO_PIN_INCORRECT,
		    rv, _("%s failed: wrong SO PIN"), what);
	if (tok_slot_token_info(token->ctx, tok_token_slot_id(token), &ti, NULL) != TOK_OK)
		return r;
	if (ti.flags & locked) {
		r = tok_error_ckr(err, user == TOK_SO ? TOK_ERR_SO_PIN_LOCKED : TOK_ERR_PIN_LOCKED,
				  rv, _("%s failed: the %s is blocked"), what, who);
		if (err != NULL)
			err->retries_left = 0;
	} else if (ti.flags & final_try) {
		r = tok_error_ckr(err, r, rv,
				  _("%s failed: wrong %s, one try left before it is "
				    "blocked"),
				  what, who);
		if (err != NULL)
			err->retries_left = 1;
	} else if (ti.flags & count_low) {
		r = tok_error_ckr(err, r, rv, _("%s failed: wrong %s, few tries left"), what, who);
	}
	/* Debug only: the command says it once, in the operator's language. */
	tok_log(TOK_LOG_DEBUG, "%s", err ? err->message : "wrong PIN");
	return r;
}

static int
require_pinpad(struct tok_token *token, struct tok_error *err)
{
	CK_TOKEN_INFO ti;
	int r = tok_slot_token_info(token->ctx, tok_token_slot_id(token), &ti, err);

	if (r != TOK_OK)
		return r;
	if (!(ti.flags & CKF_PROTECTED_AUTHENTICATION_PATH))
		return tok_error_set(err, TOK_ERR_INVALID_ARGUMENT,
				     _("no PIN given and the token has no pinpad"));
	return TOK_OK;
}

/*
 * The PIN, kept for as long as the login lasts, in a tok_pin of its own (locked in memory,
 * out of core dumps, wiped when freed): the login is the PIN's use, and a card that forgets
 * it mid-command is logged in again with it rather than failing the step.
 */
static int
keep_pin(struct tok_token *token, const struct tok_pin *pin, struct tok_error *err)
{
	const char *value = tok_pin_value(pin);

	tok_login_forget(token);
	if ((token->kept_pin = tok_pin_new()) == NULL)
		return tok_error_set(err, TOK_ERR_INTERNAL, _("out of memory"));
	for (size_t i = 0; i < tok_pin_length(pin); i++)
		tok_pin_append(token->kept_pin, value[i]);
	return TOK_OK;
}

void
tok_login_forget(struct tok_token *token)
{
	tok_pin_free(token->kept_pin);
	token->kept_pin = NULL;
}

bool
tok_login_again(struct tok_token *token, CK_RV rv)
{
	CK_RV again;

	if (rv != CKR_USER_NOT_LOGGED_IN || !token->logged_in || token->kept_pin == NULL)
		return false;
	tok_log(TOK_LOG_INFO, "the token forgot its login (another program reset it or "
			      "selected its application): logging in again");
	tok_info_stale(token);
	/* The module still counts us logged in and would answer "already": log out first. */
	token->ctx->fn->C_Logout(token->session);
	again = token->ctx->fn->C_Login(token->session, CKU_USER, pin_bytes(token->kept_pin),
					pin_length(token->kept_pin));
	token->logged_in = again == CKR_OK || again == CKR_USER_ALREADY_LOGGED_IN;
	if (!token->logged_in)
		tok_login_forget(token);
	return token->logged_in;
}

int
tok_login(struct tok_token *token, enum tok_user user, const struct tok_pin *pin,
	  struct tok_error *err)
{
	CK_RV rv;
	int r;

	if (token == NULL)
		return tok_error_set(err, TOK_ERR_INVALID_ARGUMENT, _("tok_login: no token"));
	if (token->session == CK_INVALID_HANDLE)
		return tok_error_set(err, TOK_ERR_TOKEN_NOT_INITIALIZED,
				     _("the token is not initialized"));
	if (pin == NULL && (r = require_pinpad(token, err)) != TOK_OK)
		return r;
	tok_info_stale(token); /* the PIN's flags change with a try, right or wrong */
	/* Our session first: it tells us the return value, libp11 would not. */
	rv = token->ctx->fn->C_Login(token->session, user == TOK_SO ? CKU_SO : CKU_USER,
				     pin_bytes(pin), pin_length(pin));
	if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN)
		return pin_failure(token, user, rv, _("login"), err);
	token->logged_in = true;
	/* Only a PIN the token checked is kept ("already logged in" checked none). */
	if (user == TOK_USER && pin != NULL && rv == CKR_OK &&
	    (r = keep_pin(token, pin, err)) != TOK_OK)
		return r;
	/*
	 * Login is per application, so libp11's sessions are logged in already; telling
	 * libp11 lets it log in again by itself where a token forgets (after a fork).
	 */
	if (user == TOK_USER &&
	    PKCS11_login(token->slot, 0, pin ? tok_pin_value(pin) : NULL) != 0) {
		tok_error_set(err, TOK_ERR_INTERNAL,
			      _("libp11 refused a login the token accepted"));
		tok_error_openssl(err);
		return TOK_ERR_INTERNAL;
	}
	return TOK_OK;
}

static void
logout(struct tok_token *token)
{
	tok_info_stale(token);
	token->ctx->fn->C_Logout(token->session);
	token->logged_in = false;
	tok_login_forget(token);
}

/* Log out whoever is logged in, and log in as SO (the user's state would refuse it). */
static int
login_so(struct tok_token *token, const struct tok_pin *so_pin, struct tok_error *err)
{
	if (token->logged_in)
		logout(token);
	return tok_login(token, TOK_SO, so_pin, err);
}

int
tok_init_token(struct tok_token *token, const struct tok_pin *so_pin, const char *label,
	       struct tok_error *err)
{
	CK_UTF8CHAR padded[32];
	CK_SLOT_ID slot_id;
	char old_serial[17];
	CK_RV rv;
	int r;

	if (token == NULL || label == NULL || label[0] == '\0' || strlen(label) > sizeof(padded))
		return tok_error_set(err, TOK_ERR_INVALID_ARGUMENT,
				     _("a token label has 1 to 32 characters"));
	if (so_pin == NULL && (r = require_pinpad(token, err)) != TOK_OK)
		return r;
	memset(padded, ' ', sizeof(padded));
	memcpy(padded, label, strlen(label));
	slot_id = tok_token_slot_id(token);
	snprintf(old_serial, sizeof(old_serial), "%s", token->serial);
	/* C_InitToken refuses while any session is open: close ours and libp11's. */
	tok_slot_detach(token);
	rv = token->ctx->fn->C_InitToken(slot_id, pin_bytes(so_pin), pin_length(so_pin), padded);
	if (rv != CKR_OK) {
		/* Unchanged token: open it again as it was, so the handle stays usable. */
		tok_slot_attach(token, old_serial[0] ? old_serial : NULL, false, NULL);
		return tok_error_ckr(err, TOK_ERR_INTERNAL, rv, _("C_InitToken failed"));
	}
	tok_log(TOK_LOG_INFO, "initialized token '%s'", label);
	/* SoftHSM (and others) move the token to a new slot: find it again by its label. */
	return tok_slot_attach(token, label, true, err);
}

static int
set_user_pin_as_so(struct tok_token *token, const struct tok_pin *so_pin,
		   const struct tok_pin *user_pin, const char *what, struct tok_error *err)
{
	CK_RV rv;
	int r;

	if (token == NULL)
		return tok_error_set(err, TOK_ERR_INVALID_ARGUMENT, _("%s: no token"), what);
	if (user_pin != NULL && (r = tok_check_pin_policy(token, user_pin, 0, err)) != TOK_OK)
		return r;
	if ((r = login_so(token, so_pin, err)) != TOK_OK)
		return r;
	rv = token->ctx->fn->C_InitPIN(token->session, pin_bytes(user_pin), pin_length(user_pin));
	logout(token);
	/* OpenSC's SmartCard-HSM takes any SO login and checks the SO PIN only here. */
	if (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_LOCKED)
		return pin_failure(token, TOK_SO, rv, what, err);
	if (rv != CKR_OK)
		return tok_error_ckr(err, TOK_ERR_INTERNAL, rv, _("%s: C_InitPIN failed"), what);
	return TOK_OK;
}

int
tok_init_user_pin(struct tok_token *token, const struct tok_pin *so_pin,
		  const struct tok_pin *user_pin, struct tok_error *err)
{
	return set_user_pin_as_so(token, so_pin, user_pin, _("setting the user PIN"), err);
}

int
tok_unblock_pin(struct tok_token *token, const struct tok_pin *so_pin,
		const struct tok_pin *new_pin, struct tok_error *err)
{
	return set_user_pin_as_so(token, so_pin, new_pin, _("unblocking the user PIN"), err);
}

int
tok_change_pin(struct tok_token *token, const struct tok_pin *old_pin,
	       const struct tok_pin *new_pin, struct tok_error *err)
{
	CK_RV rv;
	int r;

	if (token == NULL)
		return tok_error_set(err, TOK_ERR_INVALID_ARGUMENT, _("tok_change_pin: no token"));
	if (new_pin != NULL && (r = tok_check_pin_policy(token, new_pin, 0, err)) != TOK_OK)
		return r;
	if ((old_pin == NULL || new_pin == NULL) && (r = require_pinpad(token, err)) != TOK_OK)
		return r;
	tok_info_stale(token);
	rv = token->ctx->fn->C_SetPIN(token->session, pin_bytes(old_pin), pin_length(old_pin),
				      pin_bytes(new_pin), pin_length(new_pin));
	if (rv != CKR_OK)
		return pin_failure(token, TOK_USER, rv, _("changing the PIN"), err);
	/* A login that outlives the change logs in again with the new PIN (none: a pinpad). */
	if (token->kept_pin != NULL && new_pin != NULL)
		return keep_pin(token, new_pin, err);
	tok_login_forget(token);
	return TOK_OK;
}
