/*
 * pin.c: the PIN buffer. One page, locked in memory where the system allows, wiped with
 * OPENSSL_cleanse before release. Nothing here formats or copies the PIN elsewhere.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "token-int.h"

struct tok_pin {
	size_t length;
	bool locked;
	char value[TOK_PIN_MAX + 1];
};

struct tok_pin *
tok_pin_new(void)
{
	struct tok_pin *pin;
	long page = sysconf(_SC_PAGESIZE);

	if (page < (long)sizeof(*pin))
		page = 4096;
	pin = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pin == MAP_FAILED)
		return NULL;
	/* Keep it out of swap and core dumps; failure to lock is not fatal (RLIMIT_MEMLOCK). */
	pin->locked = mlock(pin, (size_t)page) == 0;
	madvise(pin, (size_t)page, MADV_DONTDUMP);
	pin->length = 0;
	return pin;
}

void
tok_pin_free(struct tok_pin *pin)
{
	long page = sysconf(_SC_PAGESIZE);

	if (pin == NULL)
		return;
	if (page < (long)sizeof(*pin))
		page = 4096;
	OPENSSL_cleanse(pin, sizeof(*pin));
	munlock(pin, (size_t)page);
	munmap(pin, (size_t)page);
}

int
tok_pin_append(struct tok_pin *pin, char c)
{
	if (pin->length >= TOK_PIN_MAX)
		return TOK_ERR_PIN_POLICY;
	pin->value[pin->length++] = c;
	pin->value[pin->length] = '\0';
	return TOK_OK;
}

void
tok_pin_backspace(struct tok_pin *pin)
{
	if (pin->length > 0)
		pin->value[--pin->length] = '\0';
}

void
tok_pin_clear(struct tok_pin *pin)
{
	OPENSSL_cleanse(pin->value, sizeof(pin->value));
	pin->length = 0;
}

int
tok_pin_read_fd(struct tok_pin *pin, int fd, struct tok_error *err)
{
	char c;
	ssize_t n;

	tok_pin_clear(pin);
	/* Byte by byte: nothing past the newline is consumed, so the next PIN stays in fd. */
	for (;;) {
		n = read(fd, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			tok_pin_clear(pin);
			return tok_error_set(err, TOK_ERR_IO, _("cannot read PIN from fd %d: %s"),
					     fd, strerror(errno));
		}
		if (n == 0 && pin->length == 0)
			return tok_error_set(err, TOK_ERR_IO, _("no PIN on fd %d (end of input)"),
					     fd);
		if (n == 0 || c == '\n')
			break;
		if (c == '\r')
			continue;
		if (tok_pin_append(pin, c) != TOK_OK) {
			c = 0;
			tok_pin_clear(pin);
			return tok_error_set(err, TOK_ERR_PIN_POLICY,
					     _("PIN longer than %d characters"), TOK_PIN_MAX);
		}
	}
	c = 0;
	return TOK_OK;
}

size_t
tok_pin_length(const struct tok_pin *pin)
{
	return pin->length;
}

bool
tok_pin_equal(const struct tok_pin *a, const struct tok_pin *b)
{
	if (a->length != b->length)
		return false;
	return CRYPTO_memcmp(a->value, b->value, a->length) == 0;
}

const char *
tok_pin_value(const struct tok_pin *pin)
{
	return pin->value;
}
