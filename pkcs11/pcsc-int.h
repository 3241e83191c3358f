/*
 * pcsc-int.h: what pcsc.c and pcsc-wait.c share: the context behind struct pcsc_ctx and
 * the translation of PC/SC return values, done here once.
 */
#ifndef ENROLL_PCSC_INT_H
#define ENROLL_PCSC_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include <PCSC/reader.h>
#include <PCSC/winscard.h>

#include "pcsc.h"
#include "token-int.h"

struct pcsc_ctx {
	SCARDCONTEXT context;
	bool have_context;
	int cancel_pipe[2]; /* pcsc_cancel() writes, cancel thread reads */
	pthread_t cancel_thread;
	bool thread_running;
	atomic_int cancel_requested; /* set by the thread; the wait that sees it clears it */
};

/* Fill err from a PC/SC return value (SCARD_E_NO_SERVICE -> TOK_ERR_PCSC_UNAVAILABLE with
 * how to start pcscd, ...); returns the status. */
int pcsc_error(struct tok_error *err, LONG rv, const char *what);
/* The readers' names as a malloc'd multi-string ("a\0b\0\0"), *out NULL when none. */
int pcsc_reader_names(struct pcsc_ctx *ctx, char **out, size_t *count, struct tok_error *err);
enum pcsc_card_state pcsc_state_from_flags(DWORD flags);
/* Copy an ATR, its hex text, and name the model (a naming failure is only logged). */
void pcsc_describe_card(const unsigned char *atr, size_t atr_len, unsigned char *atr_out,
			size_t *atr_len_out, char *hex_out, struct pcsc_model *model);

#endif
