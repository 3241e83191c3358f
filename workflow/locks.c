/*
 * locks.c: one run per application, one writer per token. A lock is an flock(2) on a file
 * in the data directory's locks/ folder, so the kernel releases it when the process ends,
 * however it ends: a killed run never leaves a lock behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/file.h>
#include <unistd.h>

#include "workflow-int.h"

struct wf_lock {
	int fd;
};

/* kind-name with every byte but letters, digits and '-' written as %XX: no two names meet. */
static int
lock_path(struct wf_store *store, const char *kind, const char *name, char *out, size_t size)
{
	size_t used;
	int n = snprintf(out, size, "%s/locks/%s-", store->data_dir, kind);

	if (n < 0 || (size_t)n >= size)
		return -1;
	used = (size_t)n;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			     (*p >= '0' && *p <= '9') || *p == '-';

		n = plain ? snprintf(out + used, size - used, "%c", *p)
			  : snprintf(out + used, size - used, "%%%02X", *p);
		if (n < 0 || (size_t)n >= size - used)
			return -1;
		used += (size_t)n;
	}
	return 0;
}

/* The kinds of lock the command takes, in words for the message that names the holder. */
static const struct {
	const char *kind, *label;
} kind_labels[] = {
    {"application", N_("application")},
    {"token", N_("token")},
    {"reader", N_("reader")},
};

static const char *
kind_label(const char *kind)
{
	for (size_t i = 0; i < sizeof(kind_labels) / sizeof(kind_labels[0]); i++)
		if (strcmp(kind_labels[i].kind, kind) == 0)
			return _(kind_labels[i].label);
	return kind;
}

int
wf_lock(struct wf_store *store, const char *kind, const char *name, struct wf_lock **out,
	struct wf_error *err)
{
	char dir[4096], path[4400];
	struct wf_lock *lock;
	int fd;

	wf_error_clear(err);
	if (store == NULL || wf_text_empty(kind) || wf_text_empty(name) || out == NULL)
		return wf_fail(err, WF_ERR_INTERNAL, _("wf_lock: bad argument"));
	if ((size_t)snprintf(dir, sizeof(dir), "%s/locks", store->data_dir) >= sizeof(dir) ||
	    lock_path(store, kind, name, path, sizeof(path)) != 0)
		return wf_fail(err, WF_ERR_IO, _("the data directory's path is too long"));
	int r = wf_make_private_dir(store->data_dir, err);
	if (r == WF_OK)
		r = wf_make_private_dir(dir, err);
	if (r != WF_OK)
		return r;
	if ((fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
		return wf_fail(err, WF_ERR_IO, _("%s: %s"), path, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int saved = errno;

		close(fd);
		if (saved == EWOULDBLOCK)
			return wf_fail(err, WF_ERR_BUSY,
				       _("%s %s is in use by another run of enroll"),
				       kind_label(kind), name);
		return wf_fail(err, WF_ERR_IO, _("%s: %s"), path, strerror(saved));
	}
	if ((lock = malloc(sizeof(*lock))) == NULL) {
		close(fd);
		return wf_fail(err, WF_ERR_INTERNAL, _("out of memory"));
	}
	lock->fd = fd;
	*out = lock;
	return WF_OK;
}

void
wf_unlock(struct wf_lock *lock)
{
	if (lock == NULL)
		return;
	close(lock->fd);
	free(lock);
}
