/*
 * fixture.h: what each test gets of its own: a temporary directory (removed at exit),
 * a SoftHSM2 token store there with a private configuration, a sqlite file path.
 */
#ifndef ENROLL_FIXTURE_H
#define ENROLL_FIXTURE_H

#include <stdbool.h>

#include "token.h"

/* The PINs of fixture tokens: they pass the office's PIN policy. */
#define FIXTURE_SO_PIN "51928374"
#define FIXTURE_USER_PIN "830571"

/* A fresh temporary directory under $TMPDIR, removed with everything in it at exit. */
const char *fixture_tmpdir(void);
/*
 * A fresh SoftHSM2 token store in its own directory with SOFTHSM2_CONF pointing at it:
 * it holds one blank slot. Call before tok_ctx_new(). Returns the store's directory.
 */
const char *fixture_softhsm(void);
/* Initialize a token in the store (SO PIN, user PIN as above) with this label. 0 on success. */
int fixture_softhsm_token(const char *label);
/*
 * A fresh store with a token of this label (NULL: only the blank slot), a context on it
 * in *ctx and the token opened, logged in as user if login. NULL with a TAP diagnostic if
 * any of it fails; *ctx is then what was made (NULL or a context), for tok_ctx_free().
 */
struct tok_token *fixture_open_token(const char *label, bool login, struct tok_ctx **ctx);
/* The SoftHSM2 module path. */
const char *fixture_module(void);
/* A PIN buffer holding text; abort()s on failure. */
struct tok_pin *fixture_pin(const char *text);
/* The path of name in the fixture directory, malloc'd (free()). */
char *fixture_path(const char *name);
/* The same path in one of four static buffers, reused in turn: nothing to free. */
char *fixture_tmp_path(const char *name);
/* Run a shell command; returns its exit status (-1 if it could not run). */
int fixture_run(const char *command);

#endif
