/*
 * holder.h: one token, one holder (holder.c): what a token visibly holds, shown before
 * any PIN; whether an application may put its key there; one writer per token.
 */
#ifndef ENROLL_HOLDER_H
#define ENROLL_HOLDER_H

#include "cli.h"

/* The token's info and every object this session sees (*objects malloc'd). Exit status. */
int holder_list(struct cli *cli, struct tok_token *token, struct tok_info *info,
		struct tok_object **objects, size_t *count);
/* Print (stderr) which token it is and what it holds. */
void holder_show(const struct tok_info *info, const struct tok_object *objects, size_t count);
void holder_print_object(const struct tok_object *object);
/* The station's lock on the token, unless *lock is held already (exit 7 if another run holds it).
 */
int holder_lock_token(struct cli *cli, const struct tok_info *info, struct wf_lock **lock);
/*
 * May app's key be on this token? Refused (EXIT_TOKEN_HELD, with whose objects they are
 * and what to do) when another application holds the token by the records, or the token
 * holds a key or certificate that is neither app's nor the same person's handed-over
 * one being renewed. The chain's CA certificates belong to nobody.
 */
int holder_check(struct cli *cli, const struct wf_application *app, const struct tok_info *info,
		 const struct tok_object *objects, size_t count);
/*
 * Everything above for an open token: list, lock (unless *lock is held already; the
 * caller wf_unlock()s it), show (when show), check. Exit status.
 */
int holder_guard(struct cli *cli, struct tok_token *token, const struct wf_application *app,
		 bool show, struct wf_lock **lock);
/* Does this key record still hold its token (a key generation under way, or a key kept)? */
bool holder_use_is_open(const struct wf_token_use *use);
/* Say whose the token is and what to do (stderr); returns EXIT_TOKEN_HELD. */
int holder_refuse(const struct wf_token_use *use);
/*
 * Remove the key pair (and certificate) with this recorded id from the token, and record
 * the removal with why; *removed false (and nothing recorded) if it was not there.
 */
int holder_remove_key(struct cli *cli, struct tok_token *token, const char *serial,
		      const char *number, const char *key_id_hex, const char *why, bool *removed);
/*
 * One run per application: take its lock (exit 7 if another run holds it) and read the
 * application as it is under the lock (*app: wf_application_free(); *lock: wf_unlock()).
 */
int holder_lock_application(struct cli *cli, const char *number, struct wf_lock **lock,
			    struct wf_application **app);
/* Is use the same person's handed-over (or expired) key, which app renews? */
bool holder_is_renewal(const struct wf_application *app, const struct wf_token_use *use);

#endif
