/*
 * token-int.h: what the token layer's files share and nobody else sees: the structures
 * behind the opaque types, error and log helpers, raw PKCS#11 access.
 */
#ifndef ENROLL_TOKEN_INT_H
#define ENROLL_TOKEN_INT_H

#include "config.h"

#include <libintl.h>
#include <libp11.h>
#include <p11-kit/pkcs11.h>

#include "token.h"

/* User-facing messages, in the command's catalogue; debug logs stay English. */
#define _(s) dgettext(PACKAGE, s)
#define N_(s) (s)

struct tok_ctx {
	PKCS11_CTX *p11;	 /* libp11: slots, login, keys as EVP_PKEY, objects */
	void *module_handle;	 /* our own dlopen of the same module ... */
	CK_FUNCTION_LIST_PTR fn; /* ... for C_GenerateKeyPair, C_CreateObject etc. */
	bool own_initialize;	 /* fn was initialized for us, not shared with libp11's */
	char *module_path;
};

struct tok_token {
	struct tok_ctx *ctx;
	PKCS11_SLOT *slots; /* libp11's enumeration this handle was opened from */
	unsigned int slot_count;
	PKCS11_SLOT *slot; /* the selected token's slot in that enumeration */
	char serial[17];   /* identity, to find the token again after C_InitToken */
	char label[33];
	CK_SESSION_HANDLE session; /* our raw read-write session on the same slot */
	bool logged_in;
	struct tok_pin *kept_pin; /* the user PIN of that login, while it lasts (see below) */
	struct tok_info info;	  /* what tok_get_info read last ... */
	bool info_fresh;	  /* ... still true: no login or PIN change since */
};

struct tok_key {
	struct tok_key_id id;
	enum tok_key_type type;
	EVP_PKEY *private_key; /* libp11-backed: signs on the token */
	EVP_PKEY *public_key;  /* plain OpenSSL copy (via i2d/d2i_PUBKEY) */
};

/* Fill err (may be NULL) with code and a formatted message; returns code. */
int tok_error_set(struct tok_error *err, int code, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
/* As tok_error_set, for a failed PKCS#11 call: records rv and its CKR_ name, and maps
 * rv to a status (CKR_PIN_INCORRECT -> TOK_ERR_PIN_INCORRECT, CKR_TOKEN_NOT_PRESENT and
 * CKR_DEVICE_REMOVED -> TOK_ERR_TOKEN_REMOVED, ...) when code is TOK_ERR_INTERNAL. */
int tok_error_ckr(struct tok_error *err, int code, unsigned long rv, const char *format, ...)
    __attribute__((format(printf, 4, 5)));
/* Append OpenSSL's error queue to err->message and clear the queue. */
void tok_error_openssl(struct tok_error *err);
/* Log through the installed callback. */
void tok_log(enum tok_log_level level, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* The PIN's bytes, for the PKCS#11 calls that need them. Only inside the library. */
const char *tok_pin_value(const struct tok_pin *pin);

/* Added by the token core (slot.c, keygen.c, login.c): shared between its files. */

/* What each key type needs from the token: mechanism, size, EC curve (DER OID). */
struct tok_key_spec {
	enum tok_key_type type;
	const char *name;
	CK_KEY_TYPE key_type;		/* CKK_RSA or CKK_EC */
	CK_MECHANISM_TYPE mechanism;	/* key-pair generation */
	unsigned long bits;		/* modulus or field size */
	const unsigned char *ec_params; /* DER OBJECT IDENTIFIER of the curve, NULL for RSA */
	size_t ec_params_length;
};
/* The spec of a type, NULL if out of range. */
const struct tok_key_spec *tok_key_spec(enum tok_key_type type);
/* Can the token on slot_id generate a key pair with this mechanism and size? */
int tok_check_mechanism(struct tok_ctx *ctx, CK_SLOT_ID slot_id, CK_MECHANISM_TYPE mechanism,
			unsigned long bits, struct tok_error *err);
/* Bits (1u << enum tok_key_type) of the types the token on slot_id can generate. */
unsigned int tok_slot_key_types(struct tok_ctx *ctx, CK_SLOT_ID slot_id);
/* C_GetTokenInfo / the full struct tok_info of the token on slot_id. */
int tok_slot_token_info(struct tok_ctx *ctx, CK_SLOT_ID slot_id, CK_TOKEN_INFO *out,
			struct tok_error *err);
int tok_slot_info(struct tok_ctx *ctx, CK_SLOT_ID slot_id, struct tok_info *out,
		  struct tok_error *err);
/*
 * Enumerate slots, select the token (selector as tok_open, or with label_only an
 * initialized token with exactly this label), open our R/W session.
 */
int tok_slot_attach(struct tok_token *token, const char *selector, bool label_only,
		    struct tok_error *err);
/* Log out, close our session, release the enumeration. */
void tok_slot_detach(struct tok_token *token);
/*
 * Read one attribute of an object through our session into a malloc'd, NUL-terminated
 * buffer (free()). TOK_ERR_NOT_FOUND if the object lacks it or keeps it secret.
 */
int tok_read_attribute(struct tok_token *token, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type,
		       unsigned char **value, size_t *length, struct tok_error *err);
/* Every object matching template, through our session. *handles malloc'd, free(). */
int tok_find_objects(struct tok_token *token, CK_ATTRIBUTE *template, CK_ULONG count,
		     CK_OBJECT_HANDLE **handles, size_t *found, struct tok_error *err);
/*
 * After a command failed with code: TOK_ERR_TOKEN_REMOVED (err rewritten) if the token is
 * no longer in its reader, else code. An unexplained failure (TOK_ERR_INTERNAL) waits up
 * to 1.5 s for the reader to notice a card pulled out.
 */
int tok_removed_or(struct tok_token *token, int code, struct tok_error *err);
/* After a login, a PIN or a token change: tok_get_info asks the token again. */
void tok_info_stale(struct tok_token *token);
/*
 * A card forgets its login when another program resets it or selects its application
 * (a SmartCard-HSM does on SELECT, and OpenSC selects it whenever it looks at the card):
 * our next command fails with CKR_USER_NOT_LOGGED_IN although we are logged in. True if
 * that is what rv says and the PIN kept since tok_login logged in again: run the command
 * once more. False for any other rv, or a pinpad login (no PIN is kept).
 */
bool tok_login_again(struct tok_token *token, CK_RV rv);
/* Wipe and free the kept PIN (logout, close). */
void tok_login_forget(struct tok_token *token);
/* The slot id of the open token. */
CK_SLOT_ID tok_token_slot_id(const struct tok_token *token);

#endif
