/*
 * holder.h: one token, one holder (holder.c): what a token visibly holds, shown before
 * any PIN; whether an application may put its key there; one writer per token.
 */
#ifndef ENROLL_HOLDER_H
#define ENROLL_HOLDER_H

#include "cli.h"

/* Print (stderr) which token it is and what it holds. */
void holder_show(const struct tok_info *info, const struct tok_object *objects, size_t count);
void holder_print_object(const struct tok_object *object);
/*
 * The station's locks on a token: by its reader (a blank token has no serial yet) and, once
 * it has one, by its serial; what is held already is kept (exit 7 if another run holds one).
 */
struct holder_lock {
	struct wf_lock *reader, *token;
};
int holder_lock_token(struct cli *cli, const struct tok_info *info, struct holder_lock *lock);
void holder_unlock(struct holder_lock *lock);
/*
 * May app's key be on this token? Refused (EXIT_TOKEN_HELD, with whose objects they are
 * and what to do) when another application holds the token by the records, or the token
 * holds a key or certificate that is neither app's nor the same person's handed-over
 * one being renewed. The chain's CA certificates belong to nobody.
 */
int holder_check(struct cli *cli, const struct wf_application *app, const struct tok_info *info,
		 const struct tok_object *objects, size_t count);
/* Lock the token (what is not held yet), then its info and objects (*objects malloc'd). */
int holder_inspect(struct cli *cli, struct tok_token *token, struct holder_lock *lock,
		   struct tok_info *info, struct tok_object **objects, size_t *count);
/*
 * Everything above for an open token: lock (what is not held yet; the caller
 * holder_unlock()s it), list, show (when show), check. Exit status.
 */
int holder_guard(struct cli *cli, struct tok_token *token, const struct wf_application *app,
		 bool show, struct holder_lock *lock);
/* Does this key record still hold its token (a key generation under way, or a key kept)? */
bool holder_use_is_open(const struct wf_token_use *use);
/* Say whose the token is and what to do (stderr); returns EXIT_TOKEN_HELD. */
int holder_refuse(const struct wf_token_use *use);
/*
 * Remove every object carrying id_hex (a recorded key id or marker) from the token, after
 * recording the removal of key key_id_hex with why; *removed false (and nothing recorded)
 * if nothing carries it.
 */
int holder_remove_key(struct cli *cli, struct tok_token *token, const char *serial,
		      const char *number, const char *id_hex, const char *key_id_hex,
		      const char *why, bool *removed);
/* Remove what app's own abandoned key generations left on this token (recorded). */
int holder_remove_abandoned(struct cli *cli, struct tok_token *token,
			    const struct wf_application *app);
/*
 * One run per application: take its lock (exit 7 if another run holds it) and read the
 * application as it is under the lock (*app: wf_application_free(); *lock: wf_unlock()).
 */
int holder_lock_application(struct cli *cli, const char *number, struct wf_lock **lock,
			    struct wf_application **app);
/* Is use the same person's handed-over (or expired) key, which app renews? */
bool holder_is_renewal(const struct wf_application *app, const struct wf_token_use *use);

#endif
