/*
 * holder.c: one token, one holder. Before any PIN is typed the operator and the applicant
 * are shown which token it is and what it visibly holds; a token that holds another
 * person's key or certificate, or one the station did not make, is refused until it is
 * reset. Only one run of enroll writes to a token at a time.
 */
#include <stdlib.h>
#include <string.h>

#include "holder.h"

static const char *
kind_label(enum tok_object_kind kind)
{
	switch (kind) {
	case TOK_OBJECT_PRIVATE_KEY:
		return _("private key");
	case TOK_OBJECT_PUBLIC_KEY:
		return _("public key");
	case TOK_OBJECT_CERTIFICATE:
		return _("certificate");
	case TOK_OBJECT_SECRET_KEY:
		return _("secret key");
	default:
		return _("other object");
	}
}

/* A CA certificate on the token carries this id: a public key with it is that CA's. */
static bool
is_authority_id(const char *id_hex, const struct tok_object *objects, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (objects[i].kind == TOK_OBJECT_CERTIFICATE && objects[i].authority &&
		    strcmp(objects[i].id_hex, id_hex) == 0)
			return true;
	return false;
}

/*
 * A person's object: keys and end-entity certificates, not a chain's CA certificates nor
 * the public keys OpenSC shows for them.
 */
static bool
is_personal(const struct tok_object *o, const struct tok_object *objects, size_t count)
{
	if (o->kind == TOK_OBJECT_OTHER)
		return false;
	if (o->kind == TOK_OBJECT_CERTIFICATE && o->authority)
		return false;
	return !(o->kind == TOK_OBJECT_PUBLIC_KEY && o->id_hex[0] != '\0' &&
		 is_authority_id(o->id_hex, objects, count));
}

void
holder_print_object(const struct tok_object *o)
{
	fprintf(stderr, "    %-14s %s", kind_label(o->kind), o->subject[0] ? o->subject : o->label);
	fprintf(stderr, " (%s %s)\n", _("id"), o->id_hex[0] ? o->id_hex : "-");
}

void
holder_show(const struct tok_info *info, const struct tok_object *objects, size_t count)
{
	size_t shown = 0;

	if (!info->initialized) {
		fprintf(stderr, _("Token: %s %s, blank (not initialized yet)\n"),
			info->manufacturer, info->model);
		return;
	}
	fprintf(stderr, _("Token: %s %s, serial %s, label \"%s\"\n"), info->manufacturer,
		info->model, info->serial, info->label);
	/* Keys and certificates; the profile and data objects drivers add say nothing of whose. */
	for (size_t i = 0; i < count; i++) {
		if (objects[i].kind == TOK_OBJECT_OTHER)
			continue;
		if (shown++ == 0)
			fprintf(stderr, "  %s\n", _("It holds:"));
		holder_print_object(&objects[i]);
	}
	if (shown == 0)
		fprintf(stderr, "  %s\n", _("It holds nothing that can be seen without the PIN."));
}

/* Is this key record on the token still its application's? (Not abandoned, not ended.) */
bool
holder_use_is_open(const struct wf_token_use *use)
{
	if (use->key_status == WF_KEY_ABANDONED)
		return false;
	if (use->key_status == WF_KEY_COMPLETE)
		return wf_state_holds_key(use->state);
	return use->state == WF_STATE_SENT; /* a key generation under way */
}

bool
holder_is_renewal(const struct wf_application *app, const struct wf_token_use *use)
{
	return (app->request_type == WF_REQUEST_RENEWAL ||
		app->request_type == WF_REQUEST_DATA_CHANGE) &&
	       strcmp(use->number, app->number) != 0 && strcmp(use->nik, app->applicant.nik) == 0 &&
	       use->key_status == WF_KEY_COMPLETE &&
	       (use->state == WF_STATE_ACTIVE || use->state == WF_STATE_EXPIRED);
}

static bool
same_id(const char *a, const char *b)
{
	return a[0] != '\0' && strcasecmp(a, b) == 0;
}

/* The key record an object carries the id (or marker) of, NULL if the station has none. */
static const struct wf_token_use *
owner_of(const struct tok_object *o, const struct wf_token_use *uses, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (same_id(o->id_hex, uses[i].key_id_hex) ||
		    same_id(o->id_hex, uses[i].marker_hex))
			return &uses[i];
	return NULL;
}

int
holder_refuse(const struct wf_token_use *use)
{
	const char *state = wf_state_label(use->state, cli_indonesian());

	if (!holder_use_is_open(use)) {
		fprintf(stderr,
			_("enroll: this token still holds a key of %s (%s, %s), which no longer "
			  "belongs on it\n"),
			use->number, use->full_name, state);
		fprintf(stderr, "  %s\n",
			_("clear the token with 'enroll token reset' before it is given to someone "
			  "else"));
		return EXIT_TOKEN_HELD;
	}
	fprintf(stderr,
		_("enroll: this token belongs to %s (%s, %s): one token holds one person's key\n"),
		use->number, use->full_name, state);
	if (use->state == WF_STATE_ACTIVE)
		fprintf(
		    stderr,
		    _("  end that certificate's life first (enroll lifecycle %s lost|revoke|expire "
		      "--reason ...), then clear the token with 'enroll token reset'\n"),
		    use->number);
	else if (use->state == WF_STATE_SENT)
		fprintf(stderr,
			_("  a key generation for %s is under way on it: finish it (enroll keygen "
			  "%s), or use another token\n"),
			use->number, use->number);
	else
		fprintf(stderr, _("  finish or cancel %s first, or use another token\n"),
			use->number);
	return EXIT_TOKEN_HELD;
}

static int
refuse_unknown(const struct tok_object *o)
{
	fprintf(stderr, "enroll: %s\n",
		_("this token holds a key or certificate the station did not make:"));
	holder_print_object(o);
	fprintf(stderr, "  %s\n",
		_("if it may be erased, clear the token with 'enroll token reset'; otherwise use "
		  "another token"));
	return EXIT_TOKEN_HELD;
}

/* Is this object app's own: its recorded key, or the marker of its key generation? */
static bool
is_own(const struct wf_application *app, const char *serial, const struct tok_object *o)
{
	const struct wf_key_record *key = &app->key;

	return app->has_key && key->status != WF_KEY_ABANDONED &&
	       strcmp(key->token_serial, serial) == 0 &&
	       (same_id(o->id_hex, key->key_id_hex) || same_id(o->id_hex, key->marker_hex));
}

int
holder_check(struct cli *cli, const struct wf_application *app, const struct tok_info *info,
	     const struct tok_object *objects, size_t count)
{
	struct wf_token_use *uses = NULL;
	const struct wf_token_use *owner;
	struct wf_error err;
	size_t n = 0;
	int r = 0;

	/* A blank token has no serial yet, and nothing on it. */
	if (info->serial[0] != '\0' &&
	    wf_token_history(cli->store, info->serial, &uses, &n, &err) != WF_OK)
		return cli_fail_wf(cli, &err);
	/* What the records say, even of a token emptied outside the station. */
	for (size_t i = 0; i < n && r == 0; i++)
		if (strcmp(uses[i].number, app->number) != 0 && holder_use_is_open(&uses[i]) &&
		    !holder_is_renewal(app, &uses[i]))
			r = holder_refuse(&uses[i]);
	/* What the token shows. */
	for (size_t i = 0; i < count && r == 0; i++) {
		if (!is_personal(&objects[i], objects, count) ||
		    is_own(app, info->serial, &objects[i]))
			continue;
		if ((owner = owner_of(&objects[i], uses, n)) == NULL)
			r = refuse_unknown(&objects[i]);
		else if (strcmp(owner->number, app->number) != 0 && !holder_is_renewal(app, owner))
			r = holder_refuse(owner);
	}
	free(uses);
	return r;
}

/* One lock per name the token has had: its reader (a blank token has no serial yet), its serial. */
int
holder_lock_token(struct cli *cli, const struct tok_info *info, struct holder_lock *lock)
{
	struct wf_error err;

	if (lock->reader == NULL &&
	    wf_lock(cli->store, "reader", info->slot_description, &lock->reader, &err) != WF_OK)
		return cli_fail_wf(cli, &err);
	if (lock->token == NULL && info->serial[0] != '\0' &&
	    wf_lock(cli->store, "token", info->serial, &lock->token, &err) != WF_OK)
		return cli_fail_wf(cli, &err);
	return 0;
}

void
holder_unlock(struct holder_lock *lock)
{
	wf_unlock(lock->token);
	wf_unlock(lock->reader);
	lock->token = lock->reader = NULL;
}

int
holder_inspect(struct cli *cli, struct tok_token *token, struct holder_lock *lock,
	       struct tok_info *info, struct tok_object **objects, size_t *count)
{
	struct tok_error err;
	int r;

	/* The lock first, so that what is shown and checked is what stays. */
	if (tok_get_info(token, info, &err) != TOK_OK)
		return cli_fail_tok(cli, &err);
	if ((r = holder_lock_token(cli, info, lock)) != 0)
		return r;
	if (tok_list_objects(token, objects, count, &err) != TOK_OK)
		return cli_fail_tok(cli, &err);
	return 0;
}

int
holder_guard(struct cli *cli, struct tok_token *token, const struct wf_application *app, bool show,
	     struct holder_lock *lock)
{
	struct tok_object *objects = NULL;
	struct tok_info info;
	size_t count = 0;
	int r;

	if ((r = holder_inspect(cli, token, lock, &info, &objects, &count)) != 0)
		goto out;
	if (show)
		holder_show(&info, objects, count);
	r = holder_check(cli, app, &info, objects, count);
out:
	free(objects);
	return r;
}

/* Is an object with this id (hex) on the token, as this session sees it? */
static int
present(struct cli *cli, struct tok_token *token, const char *id_hex, bool *found)
{
	struct tok_object *objects = NULL;
	struct tok_error err;
	size_t count = 0;

	*found = false;
	if (tok_list_objects(token, &objects, &count, &err) != TOK_OK)
		return cli_fail_tok(cli, &err);
	for (size_t i = 0; i < count && !*found; i++)
		*found = same_id(objects[i].id_hex, id_hex);
	free(objects);
	return 0;
}

int
holder_remove_key(struct cli *cli, struct tok_token *token, const char *serial, const char *number,
		  const char *id_hex, const char *key_id_hex, const char *why, bool *removed)
{
	const struct wf_actor actor = {.login = cli->login};
	struct tok_key_id id;
	struct tok_error terr;
	struct wf_error werr;
	int r;

	/* Recorded before it is done: a removal is never left out of the records. */
	*removed = false;
	if (tok_key_id_parse(id_hex, &id) != TOK_OK ||
	    (r = present(cli, token, id_hex, removed)) != 0 || !*removed)
		return 0;
	*removed = false;
	if (wf_token_record(cli->store, &actor, serial, number, "key_removed", key_id_hex, why,
			    &werr) != WF_OK)
		return cli_fail_wf(cli, &werr);
	if (tok_delete_key(token, &id, &terr) != TOK_OK)
		return cli_fail_tok(cli, &terr);
	*removed = true;
	return 0;
}

/* A key this application began on this token and abandoned (by its marker or its id). */
static int
remove_abandoned(struct cli *cli, struct tok_token *token, const struct wf_token_use *use)
{
	const char *ids[] = {use->key_id_hex, use->marker_hex};
	bool removed;
	int r = 0;

	for (size_t i = 0; i < 2 && r == 0; i++) {
		r = holder_remove_key(cli, token, use->token_serial, use->number, ids[i],
				      use->key_id_hex[0] ? use->key_id_hex : ids[i],
				      "left by an abandoned key generation of this application",
				      &removed);
		if (r == 0 && removed)
			fprintf(
			    stderr,
			    _("Removed key %s, left by this application's abandoned attempt.\n"),
			    ids[i]);
	}
	return r;
}

int
holder_remove_abandoned(struct cli *cli, struct tok_token *token, const struct wf_application *app)
{
	struct wf_token_use *uses = NULL;
	struct tok_info info;
	struct tok_error terr;
	struct wf_error werr;
	size_t n = 0;
	int r = 0;

	if (tok_get_info(token, &info, &terr) != TOK_OK)
		return cli_fail_tok(cli, &terr);
	if (info.serial[0] == '\0')
		return 0;
	if (wf_token_history(cli->store, info.serial, &uses, &n, &werr) != WF_OK)
		return cli_fail_wf(cli, &werr);
	for (size_t i = 0; i < n && r == 0; i++)
		if (strcmp(uses[i].number, app->number) == 0 &&
		    uses[i].key_status == WF_KEY_ABANDONED)
			r = remove_abandoned(cli, token, &uses[i]);
	free(uses);
	return r;
}

int
holder_lock_application(struct cli *cli, const char *number, struct wf_lock **lock,
			struct wf_application **app)
{
	struct wf_error err;

	/* Only a recorded application gets a lock file; then it is read again under the lock. */
	if (wf_application_get(cli->store, number, app, &err) != WF_OK)
		return cli_fail_wf(cli, &err);
	wf_application_free(*app);
	*app = NULL;
	if (wf_lock(cli->store, "application", number, lock, &err) != WF_OK ||
	    wf_application_get(cli->store, number, app, &err) != WF_OK)
		return cli_fail_wf(cli, &err);
	return 0;
}
