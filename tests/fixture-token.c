/*
 * fixture-token.c: the fixture's parts that open tokens, apart from fixture.c so that a test
 * of the workflow library links no token layer: a static archive pulls this object only
 * into the tests that call it.
 */
#include <stdlib.h>

#include "fixture.h"
#include "tap.h"

struct tok_token *
fixture_open_token(const char *label, bool login, struct tok_ctx **ctx)
{
	struct tok_error err = {0};
	struct tok_pin *pin = fixture_pin(FIXTURE_USER_PIN);
	struct tok_token *token = NULL;

	*ctx = NULL;
	fixture_softhsm();
	if (label != NULL && fixture_softhsm_token(label) != 0)
		tap_diag("softhsm2-util could not make token %s", label);
	else if ((*ctx = tok_ctx_new(fixture_module(), &err)) == NULL ||
		 (token = tok_open(*ctx, label, &err)) == NULL ||
		 (login && tok_login(token, TOK_USER, pin, &err) != TOK_OK)) {
		tap_diag("setup: %s", err.message);
		tok_close(token);
		token = NULL;
	}
	tok_pin_free(pin);
	return token;
}

struct tok_pin *
fixture_pin(const char *text)
{
	struct tok_pin *pin = tok_pin_new();

	if (pin == NULL)
		abort();
	for (; *text != '\0'; text++)
		if (tok_pin_append(pin, *text) != 0)
			abort();
	return pin;
}
