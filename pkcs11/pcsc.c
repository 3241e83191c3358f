/*
 * pcsc.c: readers and cards through pcsc-lite. The context, its cancel thread (so that a
 * signal handler can stop a wait without calling into pcsc-lite), listing readers with
 * their state, pinpad detection and matching a reader to an OpenSC slot. Waiting for
 * cards is in pcsc-wait.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pcsc-int.h"

/* The write end of the newest context's self-pipe: all a signal handler may touch. */
static volatile sig_atomic_t cancel_fd = -1;

int
pcsc_error(struct tok_error *err, LONG rv, const char *what)
{
	switch (rv) {
	case SCARD_E_NO_SERVICE:
	case SCARD_E_SERVICE_STOPPED:
		return tok_error_set(
		    err, TOK_ERR_PCSC_UNAVAILABLE,
		    _("%s: pcscd is not running; start it with `systemctl start pcscd.socket` "
		      "(or run `pcscd` as root)"),
		    what);
	case SCARD_E_TIMEOUT:
		return tok_error_set(err, TOK_ERR_TIMEOUT, _("%s: timed out"), what);
	case SCARD_E_CANCELLED:
		return tok_error_set(err, TOK_ERR_CANCELLED, _("%s: cancelled"), what);
	case SCARD_E_UNKNOWN_READER:
	case SCARD_E_READER_UNAVAILABLE:
		return tok_error_set(err, TOK_ERR_NO_TOKEN, _("%s: no such reader (%s)"), what,
				     pcsc_stringify_error(rv));
	case SCARD_E_NO_SMARTCARD:
	case SCARD_W_REMOVED_CARD:
		return tok_error_set(err, TOK_ERR_TOKEN_REMOVED, _("%s: %s"), what,
				     pcsc_stringify_error(rv));
	default:
		return tok_error_set(err, TOK_ERR_PCSC, _("%s: %s (0x%08lX)"), what,
				     pcsc_stringify_error(rv), (unsigned long)rv);
	}
}

/* The cancel thread: turns bytes on the self-pipe into SCardCancel(). 'q' ends it. */
static void *
cancel_thread_main(void *arg)
{
	struct pcsc_ctx *ctx = arg;
	char c;
	ssize_t n;

	for (;;) {
		n = read(ctx->cancel_pipe[0], &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n != 1 || c == 'q')
			break;
		atomic_store(&ctx->cancel_requested, 1);
		SCardCancel(ctx->context);
	}
	return NULL;
}

void
pcsc_cancel(void)
{
	int saved_errno = errno;
	int fd = cancel_fd;

	if (fd >= 0 && write(fd, "c", 1) < 0) {
		/* a full pipe already holds a cancel request */
	}
	errno = saved_errno;
}

static int
cancel_thread_start(struct pcsc_ctx *ctx, struct tok_error *err)
{
	int flags;

	if (pipe2(ctx->cancel_pipe, O_CLOEXEC) != 0)
		return tok_error_set(err, TOK_ERR_INTERNAL, _("pipe: %s"), strerror(errno));
	flags = fcntl(ctx->cancel_pipe[1], F_GETFL);
	fcntl(ctx->cancel_pipe[1], F_SETFL, flags | O_NONBLOCK);
	if (pthread_create(&ctx->cancel_thread, NULL, cancel_thread_main, ctx) != 0) {
		close(ctx->cancel_pipe[0]);
		close(ctx->cancel_pipe[1]);
		ctx->cancel_pipe[0] = ctx->cancel_pipe[1] = -1;
		return tok_error_set(err, TOK_ERR_INTERNAL, _("cannot start the cancel thread"));
	}
	ctx->thread_running = true;
	cancel_fd = ctx->cancel_pipe[1];
	return TOK_OK;
}

struct pcsc_ctx *
pcsc_ctx_new(struct tok_error *err)
{
	struct pcsc_ctx *ctx = NULL, *ret = NULL;
	LONG rv;

	if ((ctx = calloc(1, sizeof *ctx)) == NULL) {
		tok_error_set(err, TOK_ERR_INTERNAL, _("out of memory"));
		goto out;
	}
	ctx->cancel_pipe[0] = ctx->cancel_pipe[1] = -1;
	atomic_init(&ctx->cancel_requested, 0);
	rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx->context);
	if (rv != SCARD_S_SUCCESS) {
		pcsc_error(err, rv, _("connecting to pcscd"));
		goto out;
	}
	ctx->have_context = true;
	if (cancel_thread_start(ctx, err) != TOK_OK)
		goto out;
	ret = ctx;
	ctx = NULL;
out:
	pcsc_ctx_free(ctx);
	return ret;
}

void
pcsc_ctx_free(struct pcsc_ctx *ctx)
{
	if (ctx == NULL)
		return;
	if (ctx->thread_running) {
		if (cancel_fd == ctx->cancel_pipe[1])
			cancel_fd = -1;
		while (write(ctx->cancel_pipe[1], "q", 1) < 0 && errno == EAGAIN)
			usleep(1000);
		pthread_join(ctx->cancel_thread, NULL);
	}
	if (ctx->cancel_pipe[0] >= 0)
		close(ctx->cancel_pipe[0]);
	if (ctx->cancel_pipe[1] >= 0)
		close(ctx->cancel_pipe[1]);
	if (ctx->have_context)
		SCardReleaseContext(ctx->context);
	free(ctx);
}

static const char *const state_names[] = {
    [PCSC_READER_EMPTY] = "empty",
    [PCSC_CARD_PRESENT] = "present",
    [PCSC_CARD_IN_USE] = "in-use",
    [PCSC_CARD_MUTE] = "mute",
    [PCSC_READER_UNAVAILABLE] = "unavailable",
};

const char *
pcsc_card_state_name(enum pcsc_card_state state)
{
	if ((size_t)state >= sizeof state_names / sizeof state_names[0])
		return "unknown";
	return state_names[state];
}

enum pcsc_card_state
pcsc_state_from_flags(DWORD flags)
{
	if (flags & (SCARD_STATE_UNAVAILABLE | SCARD_STATE_IGNORE | SCARD_STATE_UNKNOWN))
		return PCSC_READER_UNAVAILABLE;
	if (flags & SCARD_STATE_MUTE)
		return PCSC_CARD_MUTE;
	if (flags & SCARD_STATE_EXCLUSIVE)
		return PCSC_CARD_IN_USE;
	if (flags & SCARD_STATE_PRESENT)
		return PCSC_CARD_PRESENT;
	return PCSC_READER_EMPTY;
}

int
pcsc_reader_names(struct pcsc_ctx *ctx, char **out, size_t *count, struct tok_error *err)
{
	char *names = NULL, *p;
	DWORD length = 0;
	LONG rv;
	int r = TOK_ERR_INTERNAL;

	*out = NULL;
	*count = 0;
	rv = SCardListReaders(ctx->context, NULL, NULL, &length);
	if (rv == SCARD_E_NO_READERS_AVAILABLE)
		return TOK_OK;
	if (rv != SCARD_S_SUCCESS)
		return pcsc_error(err, rv, _("listing readers"));
	if ((names = calloc(1, length + 1)) == NULL) {
		tok_error_set(err, r, _("out of memory"));
		goto out;
	}
	rv = SCardListReaders(ctx->context, NULL, names, &length);
	if (rv == SCARD_E_NO_READERS_AVAILABLE) {
		r = TOK_OK;
		goto out;
	}
	if (rv != SCARD_S_SUCCESS) {
		r = pcsc_error(err, rv, _("listing readers"));
		goto out;
	}
	for (p = names; *p; p += strlen(p) + 1)
		(*count)++;
	*out = names;
	names = NULL;
	r = TOK_OK;
out:
	free(names);
	return r;
}

void
pcsc_describe_card(const unsigned char *atr, size_t atr_len, unsigned char *atr_out,
		   size_t *atr_len_out, char *hex_out, struct pcsc_model *model)
{
	struct tok_error err;

	memset(model, 0, sizeof *model);
	if (atr_len > PCSC_ATR_MAX)
		atr_len = PCSC_ATR_MAX;
	memcpy(atr_out, atr, atr_len);
	*atr_len_out = atr_len;
	pcsc_atr_hex(atr, atr_len, hex_out);
	if (atr_len && pcsc_atr_name(atr, atr_len, model, &err) != TOK_OK)
		tok_log(TOK_LOG_WARNING, _("naming the card failed: %s"), err.message);
}

int
pcsc_list_readers(struct pcsc_ctx *ctx, struct pcsc_reader **out, size_t *count,
		  struct tok_error *err)
{
	SCARD_READERSTATE *states = NULL;
	struct pcsc_reader *readers = NULL;
	char *names = NULL, *p;
	size_t n = 0, i;
	LONG rv;
	int r = TOK_ERR_INTERNAL;

	if ((r = pcsc_reader_names(ctx, &names, &n, err)) != TOK_OK || n == 0)
		goto out;
	r = TOK_ERR_INTERNAL;
	states = calloc(n, sizeof *states);
	readers = calloc(n, sizeof *readers);
	if (states == NULL || readers == NULL) {
		tok_error_set(err, r, _("out of memory"));
		goto out;
	}
	for (p = names, i = 0; i < n; p += strlen(p) + 1, i++) {
		states[i].szReader = p;
		states[i].dwCurrentState = SCARD_STATE_UNAWARE;
	}
	rv = SCardGetStatusChange(ctx->context, 0, states, n);
	if (rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT) {
		r = pcsc_error(err, rv, _("reading the readers' state"));
		goto out;
	}
	for (i = 0; i < n; i++) {
		snprintf(readers[i].name, sizeof readers[i].name, "%s", states[i].szReader);
		readers[i].state = pcsc_state_from_flags(states[i].dwEventState);
		if (states[i].dwEventState & SCARD_STATE_PRESENT)
			pcsc_describe_card(states[i].rgbAtr, states[i].cbAtr, readers[i].atr,
					   &readers[i].atr_len, readers[i].atr_hex,
					   &readers[i].model);
	}
	*out = readers;
	readers = NULL;
	r = TOK_OK;
out:
	if (r == TOK_OK && n == 0)
		*out = NULL;
	*count = r == TOK_OK ? n : 0;
	free(readers);
	free(states);
	free(names);
	return r;
}

/* PC/SC part 10: the reader lists its features as tag, length (4), big-endian ioctl. */
static void
parse_features(const unsigned char *buf, DWORD length, bool *verify, bool *modify)
{
	DWORD i;

	for (i = 0; i + 2 <= length; i += 2 + buf[i + 1]) {
		if (buf[i] == FEATURE_VERIFY_PIN_DIRECT)
			*verify = true;
		else if (buf[i] == FEATURE_MODIFY_PIN_DIRECT)
			*modify = true;
	}
}

int
pcsc_reader_pinpad(struct pcsc_ctx *ctx, const char *reader, bool *verify, bool *modify,
		   struct tok_error *err)
{
	unsigned char features[256];
	SCARDHANDLE card;
	DWORD protocol, length = 0;
	LONG rv;

	*verify = *modify = false;
	if (reader == NULL)
		return tok_error_set(err, TOK_ERR_INVALID_ARGUMENT, _("no reader named"));
	/* A direct connection reaches the reader itself, with or without a card in it. */
	rv = SCardConnect(ctx->context, reader, SCARD_SHARE_DIRECT, 0, &card, &protocol);
	if (rv != SCARD_S_SUCCESS)
		return pcsc_error(err, rv, _("connecting to the reader"));
	rv = SCardControl(card, CM_IOCTL_GET_FEATURE_REQUEST, NULL, 0, features, sizeof features,
			  &length);
	if (rv == SCARD_S_SUCCESS)
		parse_features(features, length, verify, modify);
	else
		tok_log(TOK_LOG_DEBUG, "reader %s lists no part 10 features: %s", reader,
			pcsc_stringify_error(rv));
	SCardDisconnect(card, SCARD_LEAVE_CARD);
	return TOK_OK;
}

/* Length of s without trailing blanks (PKCS#11 pads with spaces). */
static size_t
trimmed_length(const char *s, size_t max)
{
	size_t n = strnlen(s, max);

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\0'))
		n--;
	return n;
}

bool
pcsc_reader_matches_slot(const char *reader, const char *slot_description)
{
	size_t reader_len, slot_len;

	if (reader == NULL || slot_description == NULL)
		return false;
	/* CK_SLOT_INFO.slotDescription is 64 bytes: a long reader name arrives truncated. */
	reader_len = trimmed_length(reader, 64);
	slot_len = trimmed_length(slot_description, 64);
	if (reader_len == 0 || slot_len < reader_len)
		return false;
	if (strncmp(reader, slot_description, reader_len) != 0)
		return false;
	/* Exactly the reader, or the reader followed by " (token label)" as some modules do. */
	return slot_len == reader_len || strncmp(slot_description + reader_len, " (", 2) == 0;
}
