/*
 * documents.c: the four documents of an application: received or not, and a scan
 * copied into the data directory beside the database ("<db>.files/<number>/"), or kept
 * in a server's store itself (scan-store.c), with its SHA-256, so the record still
 * proves what was received if the original moves.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "workflow-int.h"

/* Documents may change while the file is still on its way to BSrE. */
static const enum wf_state document_states[] = {
    WF_STATE_SUBMITTED,	 WF_STATE_DISPOSED_KADIS, WF_STATE_DISPOSED_KABID,
    WF_STATE_REGISTERED, WF_STATE_RETURNED,
};

static bool
documents_open(enum wf_state state)
{
	for (size_t i = 0; i < sizeof(document_states) / sizeof(document_states[0]); i++)
		if (document_states[i] == state)
			return true;
	return false;
}

int
wf_write_all(int fd, const unsigned char *buf, size_t length)
{
	ssize_t n;

	while (length > 0) {
		if ((n = write(fd, buf, length)) < 0 && errno != EINTR)
			return -1;
		if (n > 0) {
			buf += n;
			length -= (size_t)n;
		}
	}
	return 0;
}

int
wf_copy_hashing(int in, int out, int64_t limit, char sha256[65], struct wf_error *err)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char buf[16384], digest[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	int64_t total = 0;
	ssize_t n;
	int r = WF_ERR_INTERNAL;

	if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL))
		goto out;
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		/* a file that grew after it was checked is not copied on without end */
		if (limit > 0 && (total += n) > limit) {
			r = wf_fail_field(err, "scan",
					  _("the scan grew past %lld bytes while copied"),
					  (long long)limit);
			goto out;
		}
		if (!EVP_DigestUpdate(md, buf, (size_t)n) ||
		    (out >= 0 && wf_write_all(out, buf, (size_t)n) != 0)) {
			r = wf_fail(err, WF_ERR_IO, _("copying the scan: %s"), strerror(errno));
			goto out;
		}
	}
	if (n < 0 || (out >= 0 && fsync(out) != 0)) {
		r = wf_fail(err, WF_ERR_IO, _("copying the scan: %s"), strerror(errno));
		goto out;
	}
	if (!EVP_DigestFinal_ex(md, digest, &len) || len != 32)
		goto out;
	for (unsigned int i = 0; i < len; i++)
		snprintf(sha256 + 2 * i, 3, "%02x", digest[i]);
	r = WF_OK;
out:
	EVP_MD_CTX_free(md);
	if (r == WF_ERR_INTERNAL)
		wf_fail(err, r, _("SHA-256 failed"));
	return r;
}

/*
 * A scan copied into the data directory, not yet (or now) named by the record; or, for a
 * store that keeps its scans (a server), its bytes, kept in the record's transaction.
 */
struct scan_copy {
	char path[4096];
	char sha256[65];
	bool created; /* false if a file of the same name, hence content, was there already */
	unsigned char *content;
	size_t size;
};

/* The scan checked as copy_scan checks it, read whole for the store to keep. */
static int
load_scan(struct wf_store *store, const char *source, struct scan_copy *copy, struct wf_error *err)
{
	int64_t size;
	int in = -1, r;

	if ((r = wf_scan_open(store, source, &in, &size, err)) != WF_OK)
		return r;
	r = wf_scan_read_fd(in, size, &copy->content, &copy->size, copy->sha256, err);
	close(in);
	return r;
}

/*
 * The copy is written under a temporary name, then linked to a name of its own: the kind,
 * the first 16 hex digits of its SHA-256 and the source's extension
 * ("ktp_copy-ba7816bf8f01cfea.pdf"). link() never replaces a file, so the scan the
 * record names stays as it is until the record names the new one.
 */
static int
copy_scan(struct wf_store *store, const char *number, enum wf_document_kind kind,
	  const char *source, struct scan_copy *copy, struct wf_error *err)
{
	char dir[4096], temp[4200], name[WF_NUMBER_MAX];
	const char *dot = strrchr(source, '.'), *slash = strrchr(source, '/');
	int64_t size;
	int in = -1, out = -1, r;

	snprintf(name, sizeof(name), "%s", number);
	for (char *p = name; *p; p++)
		if (*p == '/')
			*p = '-';
	if (!dot || (slash && dot < slash) || strlen(dot) > 8)
		dot = "";
	int n1 = snprintf(dir, sizeof(dir), "%s/%s", store->data_dir, name);
	int n2 = snprintf(temp, sizeof(temp), "%s/.%s.XXXXXX", dir, wf_document_name(kind));
	if (n1 < 0 || n2 < 0 || (size_t)n1 >= sizeof(dir) || (size_t)n2 >= sizeof(temp))
		return wf_fail(err, WF_ERR_IO, _("the data directory's path is too long"));
	/* the scan is checked before the data directory is touched */
	if ((r = wf_scan_open(store, source, &in, &size, err)) != WF_OK)
		return r;
	if ((r = wf_make_private_dir(store->data_dir, err)) != WF_OK ||
	    (r = wf_make_private_dir(dir, err)) != WF_OK)
		goto out;
	if ((out = mkostemp(temp, O_CLOEXEC)) < 0) {
		r = wf_fail(err, WF_ERR_IO, _("%s: %s"), temp, strerror(errno));
		goto out;
	}
	if ((r = wf_copy_hashing(in, out, size, copy->sha256, err)) != WF_OK)
		goto out;
	n1 = snprintf(copy->path, sizeof(copy->path), "%s/%s-%.16s%s", dir, wf_document_name(kind),
		      copy->sha256, dot);
	if (n1 < 0 || (size_t)n1 >= sizeof(copy->path)) {
		r = wf_fail(err, WF_ERR_IO, _("the data directory's path is too long"));
		goto out;
	}
	copy->created = link(temp, copy->path) == 0;
	if (!copy->created && errno != EEXIST)
		r = wf_fail(err, WF_ERR_IO, _("%s: %s"), copy->path, strerror(errno));
out:
	if (in >= 0)
		close(in);
	if (out >= 0) {
		close(out);
		unlink(temp);
	}
	return r;
}

/* The scan the record names now ("" if none), to be removed once a new one replaced it. */
static int
recorded_scan(struct wf_store *store, int64_t app_id, enum wf_document_kind kind, char path[4096],
	      struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	int r;

	if ((r = wf_prepare(
		 store, "SELECT scan_path FROM documents WHERE application_id = ?1 AND kind = ?2",
		 &stmt, err)) != WF_OK)
		return r;
	wf_bind_int64(stmt, 1, app_id);
	wf_bind_text(stmt, 2, wf_document_name(kind));
	path[0] = '\0';
	if (wf_next(stmt) == WF_ROW)
		wf_column_copy(stmt, 0, path, 4096);
	else
		r = wf_fail(err, WF_ERR_DB, _("document row missing"));
	wf_finalize(stmt);
	return r;
}

static int
update_document(struct wf_store *store, int64_t app_id, enum wf_document_kind kind, bool received,
		const char *scan, const char *sha256, struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	int r;

	/* A new scan replaces the old; "not received" keeps the scan for the record. */
	if ((r = wf_prepare(store,
			    "UPDATE documents SET received = ?1, received_at = ?2,"
			    " scan_path = COALESCE(?3, scan_path),"
			    " scan_sha256 = COALESCE(?4, scan_sha256)"
			    " WHERE application_id = ?5 AND kind = ?6",
			    &stmt, err)) != WF_OK)
		return r;
	wf_bind_int64(stmt, 1, received ? 1 : 0);
	wf_bind_int64(stmt, 2, received ? wf_store_now(store) : 0);
	wf_bind_text(stmt, 3, scan);
	wf_bind_text(stmt, 4, sha256);
	wf_bind_int64(stmt, 5, app_id);
	wf_bind_text(stmt, 6, wf_document_name(kind));
	if (wf_next(stmt) != WF_DONE)
		r = wf_fail_db(err, store, _("record document"));
	else if (wf_changes(stmt) != 1)
		r = wf_fail(err, WF_ERR_DB, _("document row missing"));
	wf_finalize(stmt);
	return r;
}

static int
refuse_closed(const char *number, enum wf_state state, struct wf_error *err)
{
	char allowed[256];

	return wf_fail(err, WF_ERR_STATE, _("documents of %s are closed in state %s; allowed: %s"),
		       number, wf_state_label(state, wf_indonesian()),
		       wf_allowed_actions(state, allowed, sizeof(allowed)));
}

/* Inside the transaction; old_scan gets the path the record named before. */
static int
record_document(struct wf_store *store, const char *number, enum wf_document_kind kind,
		bool received, struct scan_copy *scan, const struct wf_actor *actor,
		char old_scan[4096], bool *keep, struct wf_error *err)
{
	struct wf_app_ref app;
	struct wf_acting acting;
	char detail[4200];
	int r;

	if ((r = wf_application_lookup(store, number, &app, err)) != WF_OK)
		return r;
	r = wf_authorize(store, actor, WF_ROLE_APPLICANT, 0, number, "document", &acting, err);
	if (r == WF_ERR_ROLE || r == WF_ERR_INVALID)
		*keep = true;
	if (r != WF_OK)
		return r;
	if (!documents_open(app.state))
		return refuse_closed(number, app.state, err);
	if (scan && scan->content &&
	    (r = wf_scan_put(store, scan->content, scan->size, scan->sha256, scan->path, err)) !=
		WF_OK)
		return r;
	if ((r = recorded_scan(store, app.id, kind, old_scan, err)) != WF_OK ||
	    (r = update_document(store, app.id, kind, received, scan ? scan->path : NULL,
				 scan ? scan->sha256 : NULL, err)) != WF_OK)
		return r;
	snprintf(detail, sizeof(detail), "%s %s%s%s", wf_document_name(kind),
		 received ? "received" : "not received", scan ? ", scan sha256 " : "",
		 scan ? scan->sha256 : "");
	struct wf_audit_entry entry = {acting.actor.login, "act", number, "document", "ok", detail};
	return wf_audit_append(store, &entry, err);
}

/* Only a file of our own data directory is ever removed, whatever the row says. */
static void
remove_replaced(struct wf_store *store, const char *old_scan, const struct scan_copy *scan)
{
	size_t n = strlen(store->data_dir);

	if (old_scan[0] == '\0' || strcmp(old_scan, scan->path) == 0 ||
	    strncmp(old_scan, store->data_dir, n) != 0 || old_scan[n] != '/' ||
	    strstr(old_scan, "/../") != NULL)
		return;
	unlink(old_scan);
}

/*
 * Check the state before anything is copied, and again in the transaction (it may have
 * changed in between): a refused document leaves the recorded scan and its file as they
 * were. The new scan is written beside the old one; the old one goes only after the commit.
 */
int
wf_document_set(struct wf_store *store, const char *number, enum wf_document_kind kind,
		bool received, const char *scan_path, const struct wf_actor *actor,
		struct wf_error *err)
{
	struct wf_app_ref app;
	struct scan_copy scan = {"", "", false, NULL, 0};
	char old_scan[4096] = "";
	bool keep = false, copied = false;
	int r;

	wf_error_clear(err);
	if ((int)kind < 0 || kind >= WF_DOC_COUNT)
		return wf_fail_field(err, "kind", _("unknown document kind"));
	/* Look first so that no scan is copied for an application that does not exist. */
	if ((r = wf_application_lookup(store, number, &app, err)) != WF_OK)
		return r;
	if (!documents_open(app.state))
		return refuse_closed(number, app.state, err);
	if (scan_path) {
		if ((r = store->driver->scans_in_store
			     ? load_scan(store, scan_path, &scan, err)
			     : copy_scan(store, number, kind, scan_path, &scan, err)) != WF_OK)
			return r;
		copied = true;
	}
	if ((r = wf_tx_begin(store, err)) != WF_OK)
		goto out;
	r = record_document(store, number, kind, received, copied ? &scan : NULL, actor, old_scan,
			    &keep, err);
	r = wf_tx_end(store, r, keep, err);
out:
	if (r != WF_OK && copied && scan.created)
		unlink(scan.path);
	if (r == WF_OK && copied)
		remove_replaced(store, old_scan, &scan);
	free(scan.content);
	return r;
}
