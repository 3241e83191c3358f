/*
 * token.h: the station's PKCS#11 token layer. Module loading, token discovery and
 * selection, PINs, key generation on the token, CSRs, certificate import, readiness.
 * Knows nothing of the procedure or the command line; never prints, never exits.
 */
#ifndef ENROLL_TOKEN_H
#define ENROLL_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Status codes: 0 success, negative on failure. tok_status_name() gives the symbol. */
enum tok_status {
	TOK_OK = 0,
	TOK_ERR_INTERNAL = -1,	     /* a bug or an unexpected library failure */
	TOK_ERR_MODULE = -2,	     /* the PKCS#11 module cannot be loaded or initialized */
	TOK_ERR_NO_TOKEN = -3,	     /* no token matches the selection */
	TOK_ERR_AMBIGUOUS = -4,	     /* more than one token matches; message lists them */
	TOK_ERR_PIN_INCORRECT = -5,  /* wrong PIN; tok_error.retries_left if known */
	TOK_ERR_PIN_LOCKED = -6,     /* PIN blocked: unblock with the SO PIN */
	TOK_ERR_PIN_POLICY = -7,     /* PIN too short/long or trivial */
	TOK_ERR_UNSUPPORTED = -8,    /* the token cannot do this mechanism or key size */
	TOK_ERR_NOT_FOUND = -9,	     /* no such key or object on the token */
	TOK_ERR_MALFORMED = -10,     /* input is not a certificate / not parseable */
	TOK_ERR_CERT_MISMATCH = -11, /* no certificate matches a key on the token */
	TOK_ERR_CERT_EXPIRED = -12,
	TOK_ERR_CERT_NOT_YET_VALID = -13,
	TOK_ERR_CERT_KEY_USAGE = -14, /* key usage does not allow signing */
	TOK_ERR_CERT_UNTRUSTED = -15, /* chain does not verify against the trust anchors */
	TOK_ERR_TOKEN_REMOVED = -16,  /* token pulled out during the operation */
	TOK_ERR_NOT_LOGGED_IN = -17,
	TOK_ERR_NOT_READY = -18, /* readiness check failed: key and certificate disagree */
	TOK_ERR_IO = -19,	 /* reading or writing a file failed */
	TOK_ERR_CANCELLED = -20, /* the user cancelled (Ctrl-C, pinpad cancel) */
	TOK_ERR_TIMEOUT = -21,
	TOK_ERR_PCSC_UNAVAILABLE = -22, /* pcscd is not running */
	TOK_ERR_PCSC = -23,		/* other PC/SC failure */
	TOK_ERR_INVALID_ARGUMENT = -24,
	TOK_ERR_TOKEN_NOT_INITIALIZED = -25,
	TOK_ERR_SO_PIN_INCORRECT =
	    -27,		     /* the SO PIN is wrong (some cards tell only at C_InitPIN) */
	TOK_ERR_SO_PIN_LOCKED = -28, /* the SO PIN is blocked: only the vendor can help */
	TOK_ERR_TOKEN_FAULT = -29,   /* the token failed: write-protected, full, or faulty */
	TOK_ERR_CERT_IS_CA = -30,    /* the certificate for the key is a CA's (CA:TRUE) */
	TOK_ERR_UNSAFE = -31,	     /* a file to trust is writable by others or not ours */
};

/*
 * Filled by every function that can fail. message is English, one line, for logs and
 * for the command to show after its localized summary. ckr_name is the CKR_ symbol of
 * the PKCS#11 return value when one caused the failure, "" otherwise.
 */
struct tok_error {
	int code;
	unsigned long ckr;
	char ckr_name[48];
	int retries_left; /* after TOK_ERR_PIN_INCORRECT: tries left, -1 if unknown */
	char message[512];
};

/* The symbol of a status, e.g. "TOK_ERR_PIN_INCORRECT". Never NULL. */
const char *tok_status_name(int code);
/* The CKR_ symbol of a PKCS#11 return value, e.g. "CKR_PIN_INCORRECT". Never NULL. */
const char *tok_ckr_name(unsigned long rv);

/* Log levels for the callback the command installs; the library never writes to stderr. */
enum tok_log_level { TOK_LOG_ERROR, TOK_LOG_WARNING, TOK_LOG_INFO, TOK_LOG_DEBUG };
typedef void (*tok_log_fn)(void *arg, enum tok_log_level level, const char *message);
/* Install the process-wide log callback (NULL: discard). Never receives a PIN. */
void tok_set_log(tok_log_fn fn, void *arg);

/*
 * A PIN held in one page locked in memory, wiped before it is freed. It is never
 * formatted into a string or logged. Maximum length TOK_PIN_MAX bytes.
 */
#define TOK_PIN_MAX 64
struct tok_pin;
struct tok_pin *tok_pin_new(void);
/* Wipes and frees. NULL is a no-op. */
void tok_pin_free(struct tok_pin *pin);
/* Append one byte; -1 (TOK_ERR_PIN_POLICY) if the PIN would be too long. */
int tok_pin_append(struct tok_pin *pin, char c);
/* Remove the last byte (for backspace at a prompt). */
void tok_pin_backspace(struct tok_pin *pin);
/* Wipe the contents, keep the buffer. */
void tok_pin_clear(struct tok_pin *pin);
/* Read one line (without its newline) from fd, as gpg's --pin-fd. TOK_ERR_IO at EOF. */
int tok_pin_read_fd(struct tok_pin *pin, int fd, struct tok_error *err);
size_t tok_pin_length(const struct tok_pin *pin);
/* Constant-time comparison of two PINs (for "type it again"). */
bool tok_pin_equal(const struct tok_pin *a, const struct tok_pin *b);

/* Key types the station generates. */
enum tok_key_type {
	TOK_KEY_RSA2048,
	TOK_KEY_RSA3072,
	TOK_KEY_RSA4096,
	TOK_KEY_EC_P256,
	TOK_KEY_EC_P384,
	TOK_KEY_TYPE_COUNT
};
/* "rsa2048", "ec-p256", ... */
const char *tok_key_type_name(enum tok_key_type type);
/* Parse a name as above; TOK_ERR_INVALID_ARGUMENT if unknown. */
int tok_key_type_parse(const char *name, enum tok_key_type *out);

/* A loaded PKCS#11 module. One per process. */
struct tok_ctx;
/*
 * Load and initialize the module at module_path (NULL: p11-kit's proxy module).
 * Returns NULL and fills err (TOK_ERR_MODULE) on failure. Free with tok_ctx_free().
 */
struct tok_ctx *tok_ctx_new(const char *module_path, struct tok_error *err);
/* Finalize and unload. Every tok_token of the context must be closed first. */
void tok_ctx_free(struct tok_ctx *ctx);

/* What a token says of itself. Plain data, strings trimmed of PKCS#11 padding. */
struct tok_info {
	char uri[512]; /* RFC 7512 URI naming this token */
	char label[33];
	char manufacturer[33];
	char model[17];
	char serial[17];
	char slot_description[65]; /* OpenSC names slots after PC/SC readers */
	bool initialized;
	bool user_pin_initialized;
	bool user_pin_locked;
	bool user_pin_count_low;
	bool user_pin_final_try;
	bool so_pin_locked;
	bool protected_auth_path; /* PIN is entered on a pinpad */
	bool write_protected;
	unsigned long min_pin_len;
	unsigned long max_pin_len;
	unsigned int key_types; /* bit (1u << enum tok_key_type) per supported type */
};

/*
 * List the tokens present. *out is a malloc'd array of *count entries (free() it);
 * an empty list is success with *count 0.
 */
int tok_list(struct tok_ctx *ctx, struct tok_info **out, size_t *count, struct tok_error *err);

/* An open session on one token. */
struct tok_token;
/*
 * Open the token named by selector: a PKCS#11 URI ("pkcs11:token=..."), a serial number
 * or a label, tried in that order; NULL selects the only token present. TOK_ERR_NO_TOKEN
 * or TOK_ERR_AMBIGUOUS list what is present in err->message. Never selects by slot id.
 */
struct tok_token *tok_open(struct tok_ctx *ctx, const char *selector, struct tok_error *err);
/* Log out and close. NULL is a no-op. */
void tok_close(struct tok_token *token);
/* Refresh and return what the token says of itself now (flags change after a wrong PIN). */
int tok_get_info(struct tok_token *token, struct tok_info *out, struct tok_error *err);

/*
 * PIN policy: length within the token's limits and at least office_min, not all one digit,
 * not an ascending or descending run, not the token's label or serial.
 * TOK_ERR_PIN_POLICY with the reason in err->message.
 */
int tok_check_pin_policy(struct tok_token *token, const struct tok_pin *pin, size_t office_min,
			 struct tok_error *err);

/*
 * An SO PIN as the operator chooses it: not one repeated character, not a run, 6 to 64
 * characters; hex16 (the SmartCard-HSM's 8-byte code): exactly 16 hexadecimal digits.
 * TOK_ERR_PIN_POLICY with the reason.
 */
int tok_check_so_pin(const struct tok_pin *pin, bool hex16, struct tok_error *err);

enum tok_user { TOK_USER, TOK_SO };
/*
 * Log in. pin NULL: the token's protected authentication path (pinpad) takes it.
 * Wrong PIN: TOK_ERR_PIN_INCORRECT with err->retries_left when the token tells;
 * TOK_ERR_PIN_LOCKED when blocked.
 */
int tok_login(struct tok_token *token, enum tok_user user, const struct tok_pin *pin,
	      struct tok_error *err);
/*
 * Initialize a token (erases it): SO PIN and label. The token is reopened under the
 * same handle afterwards (SoftHSM moves it to another slot).
 */
int tok_init_token(struct tok_token *token, const struct tok_pin *so_pin, const char *label,
		   struct tok_error *err);
/* Set the user PIN of an initialized token, logging in as SO. */
int tok_init_user_pin(struct tok_token *token, const struct tok_pin *so_pin,
		      const struct tok_pin *user_pin, struct tok_error *err);
/* Change the user PIN (old PIN required). */
int tok_change_pin(struct tok_token *token, const struct tok_pin *old_pin,
		   const struct tok_pin *new_pin, struct tok_error *err);
/* Unblock: log in as SO and set a new user PIN. */
int tok_unblock_pin(struct tok_token *token, const struct tok_pin *so_pin,
		    const struct tok_pin *new_pin, struct tok_error *err);

/* Key-pair ids are the SHA-1 of the public key (DER SubjectPublicKeyInfo's key bits). */
#define TOK_KEY_ID_LEN 20
struct tok_key_id {
	unsigned char bytes[TOK_KEY_ID_LEN];
	size_t length;
};
/* Lower-case hex of an id into out (2 * TOK_KEY_ID_LEN + 1 bytes). */
void tok_key_id_hex(const struct tok_key_id *id, char *out);
/* Parse hex into an id; TOK_ERR_INVALID_ARGUMENT if not hex or too long. */
int tok_key_id_parse(const char *hex, struct tok_key_id *out);

/* Pre-flight: can this token generate this key type? TOK_ERR_UNSUPPORTED otherwise. */
int tok_check_key_support(struct tok_token *token, enum tok_key_type type, struct tok_error *err);

/* A key pair on the token (private key + public key), for signing. */
struct tok_key;
/*
 * Generate a key pair on the token (user must be logged in): private key token, private,
 * sensitive, never extractable, sign; public key verify. Both get CKA_ID = SHA-1 of the
 * public key and CKA_LABEL = label. *out owned by the caller: tok_key_free().
 */
int tok_generate_key(struct tok_token *token, enum tok_key_type type, const char *label,
		     struct tok_key **out, struct tok_error *err);
/*
 * The same in two steps, so that a crash in between is provably resolved: the pair is
 * generated carrying marker as its CKA_ID (a random id the caller chose and recorded
 * before), and *id gets the id it is to have. tok_finish_pending_key then gives the pair
 * carrying marker its id, after checking that its public key gives that id (it may carry the
 * id already, from a run that died half-way); TOK_ERR_NOT_FOUND if no public key carries either.
 * Objects carrying a marker nobody recorded were not made by this station.
 */
int tok_generate_pending_key(struct tok_token *token, enum tok_key_type type, const char *label,
			     const struct tok_key_id *marker, struct tok_key_id *id,
			     struct tok_error *err);
int tok_finish_pending_key(struct tok_token *token, const struct tok_key_id *marker,
			   const struct tok_key_id *id, struct tok_error *err);
/* The id the pending key carrying marker is to have (from its public key). NOT_FOUND if none. */
int tok_pending_key_id(struct tok_token *token, const struct tok_key_id *marker,
		       struct tok_key_id *id, struct tok_error *err);
/* A fresh random 20-byte id for a marker. TOK_ERR_INTERNAL if no randomness. */
int tok_key_id_random(struct tok_key_id *out);
/* Find a key pair by id (user logged in). TOK_ERR_NOT_FOUND if absent. */
int tok_find_key(struct tok_token *token, const struct tok_key_id *id, struct tok_key **out,
		 struct tok_error *err);

/* What the token shows of an object: keys and certificates, visible to this session. */
enum tok_object_kind {
	TOK_OBJECT_PRIVATE_KEY,
	TOK_OBJECT_PUBLIC_KEY,
	TOK_OBJECT_CERTIFICATE,
	TOK_OBJECT_SECRET_KEY,
	TOK_OBJECT_OTHER, /* data objects, profiles, mechanisms, ... */
};
struct tok_object {
	enum tok_object_kind kind;
	char id_hex[129]; /* CKA_ID in hex ("" if none; up to 64 bytes) */
	char label[65];
	bool authority; /* a CA certificate by its basicConstraints (a chain's, not a person's) */
	char subject[256];    /* certificates: the subject, one line (RFC 2253) */
	char serial_hex[129]; /* certificates: the serial number */
};
/*
 * Every object this session sees: without login the public ones (certificates, public
 * keys), logged in the private keys too. *out malloc'd (free()); *count may be 0.
 */
int tok_list_objects(struct tok_token *token, struct tok_object **out, size_t *count,
		     struct tok_error *err);
/* Delete every object with this id (private key, public key, certificate). */
int tok_delete_key(struct tok_token *token, const struct tok_key_id *id, struct tok_error *err);
void tok_key_free(struct tok_key *key);
const struct tok_key_id *tok_key_get_id(const struct tok_key *key);
enum tok_key_type tok_key_get_type(const struct tok_key *key);
/* The public key as PEM (SubjectPublicKeyInfo). malloc'd, free(). */
int tok_key_public_pem(const struct tok_key *key, char **pem, struct tok_error *err);

/* CSR subject. NULL fields are left out; country defaults to "ID". */
struct tok_subject {
	const char *common_name;
	const char *organizational_unit;
	const char *organization;
	const char *locality;
	const char *state;
	const char *country;
	const char *email; /* emailAddress in the subject and subjectAltName email */
};
/*
 * A PKCS#10 request for key, SHA-256, signed on the token and verified after signing.
 * *pem malloc'd, free().
 */
int tok_make_csr(struct tok_key *key, const struct tok_subject *subject, char **pem,
		 struct tok_error *err);

/* What an import did. */
struct tok_cert_info {
	struct tok_key_id key_id;
	char serial_hex[129];
	char subject[512];
	char issuer[512];
	time_t not_before;
	time_t not_after;
	char sha256[65];      /* SHA-256 of the DER, lowercase hex */
	bool already_present; /* the same certificate was on the token: nothing written */
	int chain_written;    /* authority certificates written (not counting ones present) */
};
/*
 * Import a certificate (and its chain) onto the token: PEM, DER, PKCS#7 or PEM bundle in
 * data. Finds the end-entity certificate whose key matches a key on the token; refuses,
 * writing nothing, if none matches (TOK_ERR_CERT_MISMATCH), if not valid now, if its key
 * usage does not allow digitalSignature/nonRepudiation, or if its chain does not verify
 * against trust_anchors (a PEM file of CA certificates). expected (NULL: any key) is the
 * key it must belong to: a certificate for another key on the token is TOK_ERR_CERT_MISMATCH,
 * found before anything is written. Stored with the key's id and label. User must be
 * logged in.
 */
int tok_import_certificate(struct tok_token *token, const unsigned char *data, size_t length,
			   const char *trust_anchors, const struct tok_key_id *expected,
			   struct tok_cert_info *info, struct tok_error *err);
/*
 * Readiness: sign a test message with the key of this id and verify it with the
 * certificate stored under the same id. TOK_ERR_NOT_READY if they disagree.
 */
int tok_check_ready(struct tok_token *token, const struct tok_key_id *id, struct tok_error *err);
/* The certificate stored under id, DER, malloc'd. TOK_ERR_NOT_FOUND if none. */
int tok_read_certificate(struct tok_token *token, const struct tok_key_id *id, unsigned char **der,
			 size_t *length, struct tok_error *err);

#endif
