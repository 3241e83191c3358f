/*
 * pcsc-wait.c: waiting for the applicant's token. SCardGetStatusChange on the readers
 * plus pcsc-lite's PnP pseudo-reader, so that a USB token (a reader and its card in one)
 * plugged in during the wait is seen as an insertion, and pulled out as a removal.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pcsc-int.h"

#define PNP_READER "\\\\?PnP?\\Notification"
/* Longest single SCardGetStatusChange: bounds how late a cancel that raced the call is. */
#define WAIT_SLICE_MS 250

/* The readers a wait watches, with what it last knew of each. */
struct watch {
	char *names; /* multi-string the states point into */
	SCARD_READERSTATE *states;
	size_t count; /* the PnP entry, when watched, is the last */
	bool pnp;
};

static void
watch_clear(struct watch *w)
{
	free(w->states);
	free(w->names);
	memset(w, 0, sizeof *w);
}

/* What old knew of this reader, or "empty" for a reader new to the wait. */
static DWORD
known_state(const struct watch *old, const char *name)
{
	size_t i;

	for (i = 0; old && i < old->count; i++)
		if (strcmp(old->states[i].szReader, name) == 0)
			return old->states[i].dwCurrentState;
	return SCARD_STATE_EMPTY;
}

static bool
names_contain(const char *names, const char *name)
{
	const char *p;

	for (p = names; p && *p; p += strlen(p) + 1)
		if (strcmp(p, name) == 0)
			return true;
	return false;
}

/*
 * The readers to watch: the one named, or all of them and the PnP entry. Without old, the
 * current state is read at once; with old (after a PnP change), readers old knew keep
 * their state and new readers start as empty so that a card in them counts as inserted.
 */
static int
watch_build(struct pcsc_ctx *ctx, const char *reader, const struct watch *old, struct watch *w,
	    struct tok_error *err)
{
	char *names = NULL, *p;
	size_t n = 0, i;
	LONG rv;
	int r;

	memset(w, 0, sizeof *w);
	if ((r = pcsc_reader_names(ctx, &names, &n, err)) != TOK_OK)
		return r;
	if (reader && !names_contain(names, reader)) {
		free(names);
		return tok_error_set(err, TOK_ERR_NO_TOKEN, _("no reader named \"%s\""), reader);
	}
	w->pnp = reader == NULL;
	w->count = reader ? 1 : n + 1;
	w->states = calloc(w->count, sizeof *w->states);
	if (w->states == NULL) {
		free(names);
		return tok_error_set(err, TOK_ERR_INTERNAL, _("out of memory"));
	}
	w->names = names;
	for (p = names, i = 0; !reader && i < n; p += strlen(p) + 1, i++)
		w->states[i].szReader = p;
	if (reader) {
		for (p = names; strcmp(p, reader) != 0; p += strlen(p) + 1)
			;
		w->states[0].szReader = p;
	} else
		w->states[n].szReader = PNP_READER;
	for (i = 0; i < w->count; i++)
		w->states[i].dwCurrentState =
		    old ? known_state(old, w->states[i].szReader) : SCARD_STATE_UNAWARE;
	if (old)
		return TOK_OK;
	rv = SCardGetStatusChange(ctx->context, 0, w->states, w->count);
	if (rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT) {
		watch_clear(w);
		return pcsc_error(err, rv, _("reading the readers' state"));
	}
	for (i = 0; i < w->count; i++)
		w->states[i].dwCurrentState = w->states[i].dwEventState & ~SCARD_STATE_CHANGED;
	return TOK_OK;
}

static bool
card_in(DWORD state)
{
	return (state & SCARD_STATE_PRESENT) &&
	       !(state & (SCARD_STATE_UNKNOWN | SCARD_STATE_IGNORE | SCARD_STATE_UNAVAILABLE));
}

static void
event_fill(struct pcsc_event *out, enum pcsc_event_kind kind, const SCARD_READERSTATE *s)
{
	memset(out, 0, sizeof *out);
	out->kind = kind;
	snprintf(out->reader, sizeof out->reader, "%s", s->szReader);
	if (kind != PCSC_EVENT_REMOVED)
		pcsc_describe_card(s->rgbAtr, s->cbAtr, out->atr, &out->atr_len, out->atr_hex,
				   &out->model);
}

/*
 * Look at what changed: an insertion (a card where there was none, or a new card: pcsc-lite
 * counts card events in the state's high 16 bits) or a removal fills out and returns true.
 * Every entry's known state moves on; *rebuild is set when readers came or went.
 */
static bool
watch_scan(struct watch *w, bool want_removals, struct pcsc_event *out, bool *rebuild)
{
	bool found = false, was, now;
	SCARD_READERSTATE *s;
	size_t i;

	for (i = 0; i < w->count; i++) {
		s = &w->states[i];
		if (!(s->dwEventState & SCARD_STATE_CHANGED))
			continue;
		if (w->pnp && i == w->count - 1) {
			*rebuild = true;
		} else if (!found) {
			was = card_in(s->dwCurrentState);
			now = card_in(s->dwEventState);
			if (now && (!was || (s->dwCurrentState ^ s->dwEventState) >> 16)) {
				event_fill(out, PCSC_EVENT_INSERTED, s);
				found = true;
			} else if (was && !now && want_removals) {
				event_fill(out, PCSC_EVENT_REMOVED, s);
				found = true;
			}
		}
		s->dwCurrentState = s->dwEventState & ~SCARD_STATE_CHANGED;
		if (s->dwEventState & (SCARD_STATE_UNKNOWN | SCARD_STATE_IGNORE))
			*rebuild = true;
	}
	return found;
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* After a PnP change: the same wait over the readers there are now. */
static int
watch_rebuild(struct pcsc_ctx *ctx, const char *reader, struct watch *w, struct tok_error *err)
{
	struct watch fresh;
	int r;

	if ((r = watch_build(ctx, reader, w, &fresh, err)) != TOK_OK)
		return r;
	watch_clear(w);
	*w = fresh;
	return TOK_OK;
}

/* The loop behind both waits; the watch has been built. */
static int
wait_loop(struct pcsc_ctx *ctx, const char *reader, struct watch *w, int timeout_ms,
	  bool want_removals, struct pcsc_event *out, struct tok_error *err)
{
	long long deadline = now_ms() + timeout_ms, remaining;
	bool rebuild;
	DWORD slice;
	LONG rv;
	int r;

	for (;;) {
		if (atomic_exchange(&ctx->cancel_requested, 0))
			return tok_error_set(err, TOK_ERR_CANCELLED,
					     _("waiting for a card: cancelled"));
		remaining = timeout_ms < 0 ? WAIT_SLICE_MS : deadline - now_ms();
		if (remaining <= 0)
			return tok_error_set(err, TOK_ERR_TIMEOUT,
					     _("no card arrived or left within %d ms"), timeout_ms);
		slice = remaining < WAIT_SLICE_MS ? (DWORD)remaining : WAIT_SLICE_MS;
		rv = SCardGetStatusChange(ctx->context, slice, w->states, w->count);
		if (rv == SCARD_E_TIMEOUT || rv == SCARD_E_CANCELLED)
			continue; /* a cancel is seen through the flag at the top */
		rebuild = rv == SCARD_E_UNKNOWN_READER || rv == SCARD_E_READER_UNAVAILABLE;
		if (rv != SCARD_S_SUCCESS && !rebuild)
			return pcsc_error(err, rv, _("waiting for a card"));
		if (rv == SCARD_S_SUCCESS && watch_scan(w, want_removals, out, &rebuild))
			return TOK_OK;
		if (rebuild && (r = watch_rebuild(ctx, reader, w, err)) != TOK_OK)
			return r;
	}
}

int
pcsc_wait_event(struct pcsc_ctx *ctx, const char *reader, int timeout_ms, struct pcsc_event *out,
		struct tok_error *err)
{
	struct watch w;
	int r;

	if (ctx == NULL || out == NULL)
		return tok_error_set(err, TOK_ERR_INVALID_ARGUMENT, _("no context or event"));
	if ((r = watch_build(ctx, reader, NULL, &w, err)) != TOK_OK)
		return r;
	r = wait_loop(ctx, reader, &w, timeout_ms, true, out, err);
	watch_clear(&w);
	return r;
}

int
pcsc_wait_card(struct pcsc_ctx *ctx, const char *reader, int timeout_ms, struct pcsc_event *out,
	       struct tok_error *err)
{
	struct watch w;
	size_t i;
	int r;

	if (ctx == NULL || out == NULL)
		return tok_error_set(err, TOK_ERR_INVALID_ARGUMENT, _("no context or event"));
	if ((r = watch_build(ctx, reader, NULL, &w, err)) != TOK_OK)
		return r;
	for (i = 0; i < w.count; i++) {
		if (w.pnp && i == w.count - 1)
			break;
		if (card_in(w.states[i].dwCurrentState) &&
		    !(w.states[i].dwCurrentState & SCARD_STATE_MUTE)) {
			w.states[i].dwEventState = w.states[i].dwCurrentState;
			event_fill(out, PCSC_EVENT_PRESENT, &w.states[i]);
			goto out;
		}
	}
	r = wait_loop(ctx, reader, &w, timeout_ms, false, out, err);
out:
	watch_clear(&w);
	return r;
}
