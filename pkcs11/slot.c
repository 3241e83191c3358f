/*
 * slot.c: finding tokens and opening them. Tokens are named by RFC 7512 URI, serial or
 * label, never by slot id: slot ids change when readers come and go (and SoftHSM moves
 * a token to a new slot when it is initialized).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <p11-kit/uri.h>

#include "token-int.h"

/* PKCS#11 strings are blank-padded and not terminated. */
static void
copy_padded(char *out, size_t size, const unsigned char *in, size_t length)
{
	while (length > 0 && (in[length - 1] == ' ' || in[length - 1] == '\0'))
		length--;
	if (length >= size)
		length = size - 1;
	memcpy(out, in, length);
	out[length] = '\0';
}

static int
format_uri(const CK_TOKEN_INFO *token_info, char *out, size_t size, struct tok_error *err)
{
	P11KitUri *uri = p11_kit_uri_new();
	char *text = NULL;
	int r = TOK_ERR_INTERNAL;

	if (uri == NULL)
		return tok_error_set(err, TOK_ERR_INTERNAL, _("out of memory"));
	memcpy(p11_kit_uri_get_token_info(uri), token_info, sizeof(*token_info));
	if (p11_kit_uri_format(uri, P11_KIT_URI_FOR_TOKEN, &text) != P11_KIT_URI_OK) {
		tok_error_set(err, TOK_ERR_INTERNAL, _("cannot format a PKCS#11 URI"));
		goto out;
	}
	snprintf(out, size, "%s", text);
	r = TOK_OK;
out:
	free(text);
	p11_kit_uri_free(uri);
	return r;
}

static void
fill_from_token_info(struct tok_info *out, const CK_TOKEN_INFO *ti)
{
	copy_padded(out->label, sizeof(out->label), ti->label, sizeof(ti->label));
	copy_padded(out->manufacturer, sizeof(out->manufacturer), ti->manufacturerID,
		    sizeof(ti->manufacturerID));
	copy_padded(out->model, sizeof(out->model), ti->model, sizeof(ti->model));
	copy_padded(out->serial, sizeof(out->serial), ti->serialNumber, sizeof(ti->serialNumber));
	out->initialized = (ti->flags & CKF_TOKEN_INITIALIZED) != 0;
	out->user_pin_initialized = (ti->flags & CKF_USER_PIN_INITIALIZED) != 0;
	out->user_pin_locked = (ti->flags & CKF_USER_PIN_LOCKED) != 0;
	out->user_pin_count_low = (ti->flags & CKF_USER_PIN_COUNT_LOW) != 0;
	out->user_pin_final_try = (ti->flags & CKF_USER_PIN_FINAL_TRY) != 0;
	out->so_pin_locked = (ti->flags & CKF_SO_PIN_LOCKED) != 0;
	out->protected_auth_path = (ti->flags & CKF_PROTECTED_AUTHENTICATION_PATH) != 0;
	out->write_protected = (ti->flags & CKF_WRITE_PROTECTED) != 0;
	out->min_pin_len = ti->ulMinPinLen;
	out->max_pin_len = ti->ulMaxPinLen;
}

int
tok_slot_token_info(struct tok_ctx *ctx, CK_SLOT_ID slot_id, CK_TOKEN_INFO *out,
		    struct tok_error *err)
{
	CK_RV rv = ctx->fn->C_GetTokenInfo(slot_id, out);

	if (rv != CKR_OK)
		return tok_error_ckr(err, TOK_ERR_INTERNAL, rv, _("C_GetTokenInfo failed"));
	return TOK_OK;
}

int
tok_slot_info(struct tok_ctx *ctx, CK_SLOT_ID slot_id, struct tok_info *out, struct tok_error *err)
{
	CK_SLOT_INFO slot_info;
	CK_TOKEN_INFO token_info;
	CK_RV rv;
	int r;

	memset(out, 0, sizeof(*out));
	if ((rv = ctx->fn->C_GetSlotInfo(slot_id, &slot_info)) != CKR_OK)
		return tok_error_ckr(err, TOK_ERR_INTERNAL, rv, _("C_GetSlotInfo failed"));
	copy_padded(out->slot_description, sizeof(out->slot_description), slot_info.slotDescription,
		    sizeof(slot_info.slotDescription));
	if ((r = tok_slot_token_info(ctx, slot_id, &token_info, err)) != TOK_OK)
		return r;
	fill_from_token_info(out, &token_info);
	if ((r = format_uri(&token_info, out->uri, sizeof(out->uri), err)) != TOK_OK)
		return r;
	out->key_types = tok_slot_key_types(ctx, slot_id);
	return TOK_OK;
}

int
tok_list(struct tok_ctx *ctx, struct tok_info **out, size_t *count, struct tok_error *err)
{
	CK_SLOT_ID *slots = NULL;
	CK_ULONG slot_count = 0;
	struct tok_info *infos = NULL;
	size_t found = 0;
	CK_RV rv;
	int r = TOK_ERR_INTERNAL;

	if (ctx == NULL || out == NULL || count == NULL)
		return tok_error_set(err, TOK_ERR_INVALID_ARGUMENT, _("tok_list: NULL argument"));
	if ((rv = ctx->fn->C_GetSlotList(CK_TRUE, NULL, &slot_count)) != CKR_OK) {
		r = tok_error_ckr(err, TOK_ERR_INTERNAL, rv, _("C_GetSlotList failed"));
		goto out;
	}
	slots = calloc(slot_count + 1, sizeof(*slots));
	infos = calloc(slot_count + 1, sizeof(*infos));
	if (slots == NULL || infos == NULL) {
		r = tok_error_set(err, TOK_ERR_INTERNAL, _("out of memory"));
		goto out;
	}
	if ((rv = ctx->fn->C_GetSlotList(CK_TRUE, slots, &slot_count)) != CKR_OK) {
		r = tok_error_ckr(err, TOK_ERR_INTERNAL, rv, _("C_GetSlotList failed"));
		goto out;
	}
	for (CK_ULONG i = 0; i < slot_count; i++) {
		/* A token pulled out between the two calls is simply not listed. */
		if (tok_slot_info(ctx, slots[i], &infos[found], NULL) == TOK_OK)
			found++;
	}
	*out = infos;
	*count = found;
	infos = NULL;
	r = TOK_OK;
out:
	free(slots);
	free(infos);
	return r;
}

enum select_by { SELECT_ANY, SELECT_URI, SELECT_SERIAL, SELECT_LABEL, SELECT_NEW_LABEL };

static bool
slot_matches(enum select_by by, const char *selector, P11KitUri *uri, const CK_TOKEN_INFO *ti)
{
	char text[33];

	switch (by) {
	case SELECT_ANY:
		return true;
	case SELECT_URI:
		return p11_kit_uri_match_token_info(uri, ti) == 1;
	case SELECT_SERIAL:
		copy_padded(text, sizeof(text), ti->serialNumber, sizeof(ti->serialNumber));
		return strcmp(text, selector) == 0;
	case SELECT_LABEL:
		copy_padded(text, sizeof(text), ti->label, sizeof(ti->label));
		return strcmp(text, selector) == 0;
	case SELECT_NEW_LABEL:
		/* OpenSC names an emulated card's token after its PIN too: "LABEL (UserPIN)",
		 * cut at 32 bytes. */
		copy_padded(text, sizeof(text), ti->label, sizeof(ti->label));
		return strcmp(text, selector) == 0 ||
		       (strncmp(text, selector, strlen(selector)) == 0 &&
			strncmp(text + strlen(selector), " (", 2) == 0);
	}
	return false;
}

/* "'label' (serial S), ..." of every token present, for the selection errors. */
static void
describe_present(struct tok_token *token, char *out, size_t size)
{
	CK_TOKEN_INFO ti;
	char label[33], serial[17];
	size_t used = 0;
	int n;

	out[0] = '\0';
	for (unsigned int i = 0; i < token->slot_count; i++) {
		if (token->slots[i].token == NULL ||
		    tok_slot_token_info(token->ctx, PKCS11_get_slotid_from_slot(&token->slots[i]),
					&ti, NULL) != TOK_OK)
			continue;
		copy_padded(label, sizeof(label), ti.label, sizeof(ti.label));
		copy_padded(serial, sizeof(serial), ti.serialNumber, sizeof(ti.serialNumber));
		n = snprintf(out + used, size - used, _("%s'%s' (serial %s%s)"), used ? ", " : "",
			     label, serial[0] ? serial : _("none"),
			     (ti.flags & CKF_TOKEN_INITIALIZED) ? "" : _(", not initialized"));
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
	if (used == 0)
		snprintf(out, size, "%s", _("none"));
}

/*
 * Count the tokens the selector names and remember the last. With no selector, an
 * uninitialized token only counts when no initialized one is present: SoftHSM always
 * offers a blank slot, and a station with one card must not call that ambiguous.
 */
static int
count_matches(struct tok_token *token, enum select_by by, const char *selector, P11KitUri *uri,
	      bool initialized_only, PKCS11_SLOT **match)
{
	CK_TOKEN_INFO ti;
	int matches = 0;

	for (unsigned int i = 0; i < token->slot_count; i++) {
		PKCS11_SLOT *slot = &token->slots[i];

		if (slot->token == NULL ||
		    tok_slot_token_info(token->ctx, PKCS11_get_slotid_from_slot(slot), &ti, NULL) !=
			TOK_OK)
			continue;
		if (initialized_only && !(ti.flags & CKF_TOKEN_INITIALIZED))
			continue;
		if (slot_matches(by, selector, uri, &ti)) {
			*match = slot;
			matches++;
		}
	}
	return matches;
}

static int
select_slot(struct tok_token *token, const char *selector, bool label_only, struct tok_error *err)
{
	P11KitUri *uri = NULL;
	PKCS11_SLOT *match = NULL;
	char present[400];
	int matches, r = TOK_ERR_INTERNAL;

	if (label_only) {
		matches = count_matches(token, SELECT_NEW_LABEL, selector, NULL, true, &match);
	} else if (selector == NULL) {
		matches = count_matches(token, SELECT_ANY, NULL, NULL, true, &match);
		if (matches == 0)
			matches = count_matches(token, SELECT_ANY, NULL, NULL, false, &match);
	} else if (strncmp(selector, "pkcs11:", 7) == 0) {
		if ((uri = p11_kit_uri_new()) == NULL) {
			r = tok_error_set(err, TOK_ERR_INTERNAL, _("out of memory"));
			goto out;
		}
		if (p11_kit_uri_parse(selector, P11_KIT_URI_FOR_TOKEN, uri) != P11_KIT_URI_OK) {
			r = tok_error_set(err, TOK_ERR_INVALID_ARGUMENT,
					  _("not a valid PKCS#11 URI: %s"), selector);
			goto out;
		}
		matches = count_matches(token, SELECT_URI, selector, uri, false, &match);
	} else {
		matches = count_matches(token, SELECT_SERIAL, selector, NULL, false, &match);
		if (matches == 0)
			matches = count_matches(token, SELECT_LABEL, selector, NULL, false, &match);
	}
	if (matches != 1) {
		describe_present(token, present, sizeof(present));
		r = tok_error_set(err, matches == 0 ? TOK_ERR_NO_TOKEN : TOK_ERR_AMBIGUOUS,
				  matches == 0 ? _("no token matches %s; present: %s")
					       : _("more than one token matches %s; present: %s"),
				  selector ? selector : _("(any)"), present);
		goto out;
	}
	token->slot = match;
	r = TOK_OK;
out:
	p11_kit_uri_free(uri);
	return r;
}

static int
open_sessions(struct tok_token *token, struct tok_error *err)
{
	CK_SLOT_ID slot_id = PKCS11_get_slotid_from_slot(token->slot);
	CK_RV rv;

	/* libp11's sessions read-write too: an R/O session would refuse an SO login. */
	if (PKCS11_open_session(token->slot, 1) != 0) {
		tok_error_set(err, TOK_ERR_INTERNAL, _("cannot open a session on the token"));
		tok_error_openssl(err);
		return TOK_ERR_INTERNAL;
	}
	rv = token->ctx->fn->C_OpenSession(slot_id, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL,
					   &token->session);
	if (rv != CKR_OK)
		return tok_error_ckr(err, TOK_ERR_INTERNAL, rv, _("C_OpenSession failed"));
	return TOK_OK;
}

/* Select within a fresh libp11 enumeration and open our session; token->slots is reset. */
int
tok_slot_attach(struct tok_token *token, const char *selector, bool label_only,
		struct tok_error *err)
{
	CK_TOKEN_INFO ti;
	int r;

	token->session = CK_INVALID_HANDLE;
	token->logged_in = false;
	tok_info_stale(token);
	/* A reader whose card just left may fail a listing for a moment (OpenSC: "device
	 * removed"): asked again for up to 2 s. */
	int listed = PKCS11_enumerate_slots(token->ctx->p11, &token->slots, &token->slot_count);
	for (int i = 0; i < 10 && listed != 0; i++) {
		struct timespec pause = {0, 200 * 1000 * 1000};

		nanosleep(&pause, NULL);
		listed = PKCS11_enumerate_slots(token->ctx->p11, &token->slots, &token->slot_count);
	}
	if (listed != 0) {
		tok_error_set(err, TOK_ERR_MODULE, _("cannot list the module's slots"));
		tok_error_openssl(err);
		return TOK_ERR_MODULE;
	}
	if ((r = select_slot(token, selector, label_only, err)) != TOK_OK)
		return r;
	r = tok_slot_token_info(token->ctx, PKCS11_get_slotid_from_slot(token->slot), &ti, err);
	if (r != TOK_OK)
		return r;
	copy_padded(token->serial, sizeof(token->serial), ti.serialNumber, sizeof(ti.serialNumber));
	copy_padded(token->label, sizeof(token->label), ti.label, sizeof(ti.label));
	/* A blank token refuses sessions (CKR_TOKEN_NOT_RECOGNIZED); it can be initialized. */
	if (!(ti.flags & CKF_TOKEN_INITIALIZED))
		return TOK_OK;
	return open_sessions(token, err);
}

/* Close our session and release libp11's enumeration (which closes its sessions). */
void
tok_slot_detach(struct tok_token *token)
{
	if (token->session != CK_INVALID_HANDLE) {
		if (token->logged_in)
			token->ctx->fn->C_Logout(token->session);
		token->ctx->fn->C_CloseSession(token->session);
	}
	token->session = CK_INVALID_HANDLE;
	token->logged_in = false;
	tok_login_forget(token);
	if (token->slots != NULL)
		PKCS11_release_all_slots(token->ctx->p11, token->slots, token->slot_count);
	token->slots = NULL;
	token->slot = NULL;
	token->slot_count = 0;
}

struct tok_token *
tok_open(struct tok_ctx *ctx, const char *selector, struct tok_error *err)
{
	struct tok_token *token = NULL, *result = NULL;

	if (ctx == NULL) {
		tok_error_set(err, TOK_ERR_INVALID_ARGUMENT, _("tok_open: no module context"));
		return NULL;
	}
	if ((token = calloc(1, sizeof(*token))) == NULL) {
		tok_error_set(err, TOK_ERR_INTERNAL, _("out of memory"));
		goto out;
	}
	token->ctx = ctx;
	if (tok_slot_attach(token, selector, false, err) != TOK_OK)
		goto out;
	tok_log(TOK_LOG_DEBUG, "opened token '%s' (serial %s)", token->label, token->serial);
	result = token;
	token = NULL;
out:
	tok_close(token);
	return result;
}

void
tok_close(struct tok_token *token)
{
	if (token == NULL)
		return;
	tok_slot_detach(token);
	free(token);
}

int
tok_get_info(struct tok_token *token, struct tok_info *out, struct tok_error *err)
{
	int r;

	if (token == NULL || token->slot == NULL || out == NULL)
		return tok_error_set(err, TOK_ERR_INVALID_ARGUMENT, _("tok_get_info: no token"));
	/* Each C_GetTokenInfo costs a card a PIN status command: ask once until it changes. */
	if (!token->info_fresh) {
		r = tok_slot_info(token->ctx, PKCS11_get_slotid_from_slot(token->slot),
				  &token->info, err);
		if (r != TOK_OK)
			return r;
		token->info_fresh = true;
	}
	*out = token->info;
	return TOK_OK;
}

void
tok_info_stale(struct tok_token *token)
{
	token->info_fresh = false;
}

CK_SLOT_ID
tok_token_slot_id(const struct tok_token *token)
{
	return PKCS11_get_slotid_from_slot(token->slot);
}

int
tok_removed_or(struct tok_token *token, int code, struct tok_error *err)
{
	CK_SLOT_INFO info;

	/* A card that left in the middle of a command shows as a failed command first; the
	 * reader notices it is gone a moment later (pcscd polls some readers). */
	for (int i = 0; i < 15; i++) {
		if (token->ctx->fn->C_GetSlotInfo(tok_token_slot_id(token), &info) == CKR_OK &&
		    !(info.flags & CKF_TOKEN_PRESENT))
			return tok_error_set(err, TOK_ERR_TOKEN_REMOVED,
					     _("the token was removed in the middle of a command"));
		if (code != TOK_ERR_INTERNAL)
			break;
		struct timespec pause = {0, 100 * 1000 * 1000};
		nanosleep(&pause, NULL);
	}
	return code;
}
