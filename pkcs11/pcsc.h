/*
 * pcsc.h: the station's view of PC/SC (pcsc-lite): readers and their cards, waiting for
 * the applicant's token to arrive or leave, naming it from its ATR, pinpad readers.
 * Part of the token layer's library; errors are struct tok_error from token.h.
 */
#ifndef ENROLL_PCSC_H
#define ENROLL_PCSC_H

#include <stdbool.h>
#include <stddef.h>

#include "token.h"

#define PCSC_READER_NAME_MAX 128
#define PCSC_ATR_MAX 33			    /* ISO 7816-3: at most 33 bytes */
#define PCSC_ATR_HEX_MAX (PCSC_ATR_MAX * 3) /* "3B 9F ..." with a NUL */

/* What a model is called and what the station must know of it. Plain data. */
enum pcsc_model_source {
	PCSC_MODEL_UNKNOWN,	   /* in neither table */
	PCSC_MODEL_DEVICE_TABLE,   /* our devices.conf: driver, quirks, key types known */
	PCSC_MODEL_SMARTCARD_LIST, /* pcsc-tools' smartcard_list.txt: a name only */
};
struct pcsc_model {
	enum pcsc_model_source source;
	char id[32];		/* devices.conf block id, e.g. "epass2003"; "" otherwise */
	char name[128];		/* "" when unknown */
	char driver[32];	/* OpenSC card driver, "" if not known */
	char quirks[256];	/* space-separated quirk words, e.g. "needs-pkcs15-init" */
	char blank_label[33];	/* the label the driver shows for a card never initialized */
	char note[256];		/* one line for the operator, "" if none */
	unsigned int key_types; /* bit (1u << enum tok_key_type) per type; 0 if unknown */
};

/* Does the model carry this quirk word? */
bool pcsc_model_has_quirk(const struct pcsc_model *model, const char *quirk);

/*
 * Name the model of a card from its ATR: our device table first, then smartcard_list.txt
 * (both read at run time). An ATR found in neither is success with source
 * PCSC_MODEL_UNKNOWN. TOK_ERR_IO if the device table cannot be read; a missing
 * smartcard_list.txt is not an error (pcsc-tools is optional at run time).
 */
int pcsc_atr_name(const unsigned char *atr, size_t atr_len, struct pcsc_model *out,
		  struct tok_error *err);
/*
 * Override the data files (tests, or a site's own table). NULL restores the default:
 * ENROLL_DATADIR "/devices.conf" and /usr/share/pcsc/smartcard_list.txt, or the paths in
 * $ENROLL_DEVICES_CONF and $ENROLL_SMARTCARD_LIST when set. Strings are copied.
 */
void pcsc_set_data_files(const char *devices_conf, const char *smartcard_list);
/* "3B 9F 95 ..." (upper case, single spaces) into out of at least PCSC_ATR_HEX_MAX bytes. */
void pcsc_atr_hex(const unsigned char *atr, size_t atr_len, char *out);
/*
 * Look a USB device up in the device table: its block id and name. TOK_ERR_NOT_FOUND if it
 * is not there. is_reader is set for a reader block (as opposed to a token).
 */
int pcsc_usb_lookup(unsigned int vendor, unsigned int product, struct pcsc_model *out,
		    bool *is_reader, struct tok_error *err);

/* A connection to pcscd. One per process (pcsc_cancel() reaches the newest). */
struct pcsc_ctx;
/*
 * Connect to pcscd. TOK_ERR_PCSC_UNAVAILABLE when it is not running: the message says how
 * to start it. Free with pcsc_ctx_free().
 */
struct pcsc_ctx *pcsc_ctx_new(struct tok_error *err);
/* NULL is a no-op. */
void pcsc_ctx_free(struct pcsc_ctx *ctx);

enum pcsc_card_state {
	PCSC_READER_EMPTY,
	PCSC_CARD_PRESENT,
	PCSC_CARD_IN_USE, /* another program holds it exclusively */
	PCSC_CARD_MUTE,	  /* a card that does not answer: upside down, broken */
	PCSC_READER_UNAVAILABLE,
};
/* "empty", "present", "in-use", "mute", "unavailable". Never NULL. */
const char *pcsc_card_state_name(enum pcsc_card_state state);

struct pcsc_reader {
	char name[PCSC_READER_NAME_MAX];
	enum pcsc_card_state state;
	unsigned char atr[PCSC_ATR_MAX];
	size_t atr_len; /* 0 when no card */
	char atr_hex[PCSC_ATR_HEX_MAX];
	struct pcsc_model model; /* named from the ATR when there is a card */
};

/*
 * The readers pcscd knows now, with their cards. *out is a malloc'd array of *count entries
 * (free() it); no reader is success with *count 0.
 */
int pcsc_list_readers(struct pcsc_ctx *ctx, struct pcsc_reader **out, size_t *count,
		      struct tok_error *err);

enum pcsc_event_kind { PCSC_EVENT_INSERTED, PCSC_EVENT_REMOVED, PCSC_EVENT_PRESENT };
/* What a wait saw. For a removal only reader is set. */
struct pcsc_event {
	enum pcsc_event_kind kind; /* PRESENT: the card was already there */
	char reader[PCSC_READER_NAME_MAX];
	unsigned char atr[PCSC_ATR_MAX];
	size_t atr_len;
	char atr_hex[PCSC_ATR_HEX_MAX];
	struct pcsc_model model;
};

/*
 * Wait for the next card insertion or removal in reader (NULL: any reader, including
 * readers plugged in during the wait). timeout_ms < 0 waits for ever. TOK_ERR_TIMEOUT when
 * nothing happened in time, TOK_ERR_CANCELLED after pcsc_cancel(), TOK_ERR_NO_TOKEN when a
 * named reader does not exist.
 */
int pcsc_wait_event(struct pcsc_ctx *ctx, const char *reader, int timeout_ms,
		    struct pcsc_event *out, struct tok_error *err);
/*
 * What `enroll token wait` calls: a card in reader (NULL: any reader). Returns at once
 * with kind PCSC_EVENT_PRESENT if a card is already there, else waits for an insertion
 * as pcsc_wait_event() does (removals are ignored).
 */
int pcsc_wait_card(struct pcsc_ctx *ctx, const char *reader, int timeout_ms, struct pcsc_event *out,
		   struct tok_error *err);
/*
 * Cancel a wait in progress (or the next one) with TOK_ERR_CANCELLED. Async-signal-safe:
 * it only write()s to a self-pipe; a thread of the context calls SCardCancel. Meant for
 * the command's SIGINT handler.
 */
void pcsc_cancel(void);

/*
 * Whether a reader has a pinpad: PC/SC part 10 FEATURE_VERIFY_PIN_DIRECT and
 * FEATURE_MODIFY_PIN_DIRECT. Works with or without a card (direct connection).
 */
int pcsc_reader_pinpad(struct pcsc_ctx *ctx, const char *reader, bool *verify, bool *modify,
		       struct tok_error *err);

/*
 * Whether a PKCS#11 slot description names this PC/SC reader. OpenSC describes a slot by
 * its reader's name, space-padded to 64 bytes and so possibly truncated; "Reader (Token
 * label)" variants are accepted too.
 */
bool pcsc_reader_matches_slot(const char *reader, const char *slot_description);

#endif
