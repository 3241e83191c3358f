/*
 * scan-store.c: a scan's bytes where its store keeps them. On a server they are rows of
 * the table scans, by their SHA-256, so that every station sees them, and a document
 * records "scans/<sha256>"; in a sqlite station they are files of its data directory,
 * whose path the document records. Either way they are read back only with their hash
 * checked against the record.
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

#define STORED "scans/"

bool
wf_scan_in_store(const char *recorded)
{
	return recorded && strncmp(recorded, STORED, strlen(STORED)) == 0;
}

static int
hash(const unsigned char *data, size_t size, char sha256[65], struct wf_error *err)
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	if (!EVP_Digest(data, size, digest, &len, EVP_sha256(), NULL) || len != 32)
		return wf_fail(err, WF_ERR_INTERNAL, _("SHA-256 failed"));
	for (unsigned int i = 0; i < len; i++)
		snprintf(sha256 + 2 * i, 3, "%02x", digest[i]);
	return WF_OK;
}

int
wf_scan_read_fd(int fd, int64_t limit, unsigned char **data, size_t *size, char sha256[65],
		struct wf_error *err)
{
	size_t cap = 65536, used = 0;
	unsigned char *buf = malloc(cap), *bigger;
	ssize_t n = 0;
	int r = WF_OK;

	*data = NULL;
	if (!buf)
		return wf_fail(err, WF_ERR_INTERNAL, _("out of memory"));
	for (;;) {
		if (used == cap) {
			if ((bigger = realloc(buf, 2 * cap)) == NULL) {
				r = wf_fail(err, WF_ERR_INTERNAL, _("out of memory"));
				break;
			}
			buf = bigger;
			cap *= 2;
		}
		if ((n = read(fd, buf + used, cap - used)) < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		used += (size_t)n;
		/* a file that grew after it was checked is not read on without end */
		if (limit > 0 && (int64_t)used > limit) {
			r = wf_fail_field(err, "scan",
					  _("the scan grew past %lld bytes while copied"),
					  (long long)limit);
			break;
		}
	}
	if (r == WF_OK && n < 0)
		r = wf_fail(err, WF_ERR_IO, _("copying the scan: %s"), strerror(errno));
	if (r == WF_OK)
		r = hash(buf, used, sha256, err);
	if (r != WF_OK) {
		free(buf);
		return r;
	}
	*data = buf;
	*size = used;
	return WF_OK;
}

static int
load_stored(struct wf_store *store, const char *sha256, unsigned char **data, size_t *size,
	    struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	const void *blob;
	int r;

	if ((r = wf_prepare(store, "SELECT content FROM scans WHERE sha256 = ?1", &stmt, err)) !=
	    WF_OK)
		return r;
	wf_bind_text(stmt, 1, sha256);
	int rc = wf_next(stmt);
	if (rc == WF_ROW && (blob = wf_column_blob(stmt, 0, size)) != NULL) {
		if ((*data = malloc(*size ? *size : 1)) != NULL)
			memcpy(*data, blob, *size);
		else
			r = wf_fail(err, WF_ERR_INTERNAL, _("out of memory"));
	} else if (rc == WF_ROW || rc == WF_DONE) {
		r = wf_fail(err, WF_ERR_NOT_FOUND, _("the store holds no scan %s"), sha256);
	} else {
		r = wf_fail_db(err, store, _("read a scan"));
	}
	wf_finalize(stmt);
	return r;
}

int
wf_scan_load(struct wf_store *store, const char *recorded, unsigned char **data, size_t *size,
	     char sha256[65], struct wf_error *err)
{
	int fd, r;

	*data = NULL;
	if (wf_scan_in_store(recorded)) {
		if ((r = load_stored(store, recorded + strlen(STORED), data, size, err)) != WF_OK)
			return r;
		if ((r = hash(*data, *size, sha256, err)) != WF_OK) {
			free(*data);
			*data = NULL;
		}
		return r;
	}
	if ((fd = open(recorded, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return wf_fail(err, WF_ERR_IO, _("%s: %s"), recorded, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		r = wf_fail(err, WF_ERR_IO, _("%s is not a regular file"), recorded);
	else
		r = wf_scan_read_fd(fd, 0, data, size, sha256, err);
	close(fd);
	return r;
}

int
wf_scan_put(struct wf_store *store, const unsigned char *data, size_t size, const char *sha256,
	    char name[4096], struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	int r;

	/* The same content is kept once, whichever document names it. */
	if ((r = wf_prepare(store,
			    "INSERT INTO scans (sha256, size, content) VALUES (?1, ?2, ?3)"
			    " ON CONFLICT (sha256) DO NOTHING",
			    &stmt, err)) != WF_OK)
		return r;
	wf_bind_text(stmt, 1, sha256);
	wf_bind_int64(stmt, 2, (int64_t)size);
	wf_bind_blob(stmt, 3, data, size);
	if (wf_next(stmt) != WF_DONE)
		r = wf_fail_db(err, store, _("keep the scan"));
	wf_finalize(stmt);
	if (r == WF_OK)
		snprintf(name, 4096, STORED "%s", sha256);
	return r;
}

/* The document's recorded scan and its hash. */
static int
recorded_scan(struct wf_store *store, const char *number, enum wf_document_kind kind,
	      char path[4096], char sha256[65], struct wf_error *err)
{
	struct wf_stmt *stmt = NULL;
	int r;

	if ((r = wf_prepare(store,
			    "SELECT d.scan_path, d.scan_sha256 FROM documents d"
			    " JOIN applications a ON a.id = d.application_id"
			    " WHERE a.number = ?1 AND d.kind = ?2",
			    &stmt, err)) != WF_OK)
		return r;
	wf_bind_text(stmt, 1, number);
	wf_bind_text(stmt, 2, wf_document_name(kind));
	int rc = wf_next(stmt);
	if (rc == WF_ROW) {
		wf_column_copy(stmt, 0, path, 4096);
		wf_column_copy(stmt, 1, sha256, 65);
		if (!path[0])
			r = wf_fail(err, WF_ERR_NOT_FOUND, _("%s has no scan of its %s"), number,
				    wf_document_label(kind, wf_indonesian()));
	} else if (rc == WF_DONE) {
		r = wf_fail(err, WF_ERR_NOT_FOUND, _("no application %s"), number);
	} else {
		r = wf_fail_db(err, store, _("read a scan"));
	}
	wf_finalize(stmt);
	return r;
}

int
wf_document_scan_save(struct wf_store *store, const char *number, enum wf_document_kind kind,
		      const char *out_path, struct wf_error *err)
{
	char path[4096], recorded[65], sha256[65];
	unsigned char *data = NULL;
	size_t size = 0;
	int fd, r;

	wf_error_clear(err);
	if ((int)kind < 0 || kind >= WF_DOC_COUNT)
		return wf_fail_field(err, "kind", _("unknown document kind"));
	if ((r = recorded_scan(store, number, kind, path, recorded, err)) != WF_OK ||
	    (r = wf_scan_load(store, path, &data, &size, sha256, err)) != WF_OK)
		return r;
	if (strcmp(sha256, recorded) != 0) {
		free(data);
		return wf_fail(err, WF_ERR_AUDIT,
			       _("the scan of %s is not the one its record holds (SHA-256 %s,"
				 " recorded %s)"),
			       number, sha256, recorded);
	}
	/* A new file of this user's alone: nothing already there is overwritten. */
	if ((fd = open(out_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
		r = wf_fail(err, errno == EEXIST ? WF_ERR_EXISTS : WF_ERR_IO, _("%s: %s"), out_path,
			    strerror(errno));
	else if (wf_write_all(fd, data, size) != 0 || fsync(fd) != 0)
		r = wf_fail(err, WF_ERR_IO, _("%s: %s"), out_path, strerror(errno));
	if (fd >= 0 && close(fd) != 0 && r == WF_OK)
		r = wf_fail(err, WF_ERR_IO, _("%s: %s"), out_path, strerror(errno));
	if (fd >= 0 && r != WF_OK)
		unlink(out_path);
	free(data);
	return r;
}
