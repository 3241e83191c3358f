/*
 * scan.c: what a document's scan may be. Only a regular file (never a FIFO, a device, a
 * directory or a symbolic link, which could hang the station or copy a file not meant to
 * leave its place), no larger than the station's limit, and a PDF, JPEG or PNG by content.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "workflow-int.h"

#define SCAN_HEAD 16
#define SCAN_TAIL 1024 /* a PDF's %%EOF may be followed by a little whitespace */

/* What a file that is not a regular one is, in words. */
static const struct {
	mode_t type;
	const char *words;
} file_types[] = {
    {S_IFDIR, N_("a directory")},	 {S_IFIFO, N_("a FIFO")},
    {S_IFCHR, N_("a character device")}, {S_IFBLK, N_("a block device")},
    {S_IFSOCK, N_("a socket")},		 {S_IFLNK, N_("a symbolic link")},
};

static bool
pdf_shape(const unsigned char *head, size_t head_length, const unsigned char *tail,
	  size_t tail_length)
{
	return head_length >= 5 && memcmp(head, "%PDF-", 5) == 0 && tail_length >= 5 &&
	       memmem(tail, tail_length, "%%EOF", 5) != NULL;
}

static bool
jpeg_shape(const unsigned char *head, size_t head_length, const unsigned char *tail,
	   size_t tail_length)
{
	return head_length >= 3 && memcmp(head, "\xff\xd8\xff", 3) == 0 && tail_length >= 2 &&
	       memcmp(tail + tail_length - 2, "\xff\xd9", 2) == 0;
}

static bool
png_shape(const unsigned char *head, size_t head_length, const unsigned char *tail,
	  size_t tail_length)
{
	(void)tail;
	(void)tail_length;
	/* the signature, then the IHDR chunk, which is always 13 bytes long */
	return head_length >= 16 && memcmp(head, "\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR", 16) == 0;
}

static bool (*const scan_shapes[])(const unsigned char *, size_t, const unsigned char *,
				   size_t) = {pdf_shape, jpeg_shape, png_shape};

/* The station's limit for one scan, in bytes. */
static int64_t
scan_max_bytes(struct wf_store *store)
{
	struct wf_error ignored;
	char *value = NULL, *end;
	int64_t max = WF_SCAN_MAX_DEFAULT;
	long long n;

	/* unset (or unreadable): the default, so that a scan is never without a limit */
	if (wf_setting_get(store, WF_SETTING_SCAN_MAX, &value, &ignored) == WF_OK) {
		errno = 0;
		n = strtoll(value, &end, 10);
		if (errno == 0 && end != value && *end == '\0' && n > 0)
			max = n;
	}
	free(value);
	return max;
}

static int
refuse_type(const char *path, mode_t mode, struct wf_error *err)
{
	const char *words = N_("not a regular file");

	for (size_t i = 0; i < sizeof(file_types) / sizeof(file_types[0]); i++)
		if ((mode & S_IFMT) == file_types[i].type)
			words = file_types[i].words;
	return wf_fail_field(err, "scan", _("scan %s is %s, not a regular file"), path, _(words));
}

static int
check_content(int fd, const char *path, off_t size, struct wf_error *err)
{
	unsigned char head[SCAN_HEAD], tail[SCAN_TAIL];
	size_t tail_length = size < SCAN_TAIL ? (size_t)size : SCAN_TAIL;
	ssize_t head_length = pread(fd, head, sizeof(head), 0);
	ssize_t got = pread(fd, tail, tail_length, size - (off_t)tail_length);

	if (head_length < 0 || got < 0)
		return wf_fail(err, WF_ERR_IO, _("reading %s: %s"), path, strerror(errno));
	for (size_t i = 0; i < sizeof(scan_shapes) / sizeof(scan_shapes[0]); i++)
		if (scan_shapes[i](head, (size_t)head_length, tail, (size_t)got))
			return WF_OK;
	return wf_fail_field(err, "scan", _("scan %s is not a PDF, JPEG or PNG file"), path);
}

int
wf_scan_open(struct wf_store *store, const char *path, int *fd, int64_t *size, struct wf_error *err)
{
	int64_t max = scan_max_bytes(store);
	struct stat st;
	int in, r;

	/*
	 * O_NONBLOCK: opening a FIFO must not wait for a writer. A symbolic link (ELOOP) or a
	 * socket (ENXIO) cannot be opened so: say what it is.
	 */
	if ((in = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) < 0) {
		if ((errno == ELOOP || errno == ENXIO) && lstat(path, &st) == 0)
			return refuse_type(path, st.st_mode, err);
		return wf_fail(err, WF_ERR_IO, _("%s: %s"), path, strerror(errno));
	}
	if (fstat(in, &st) != 0)
		r = wf_fail(err, WF_ERR_IO, _("%s: %s"), path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		r = refuse_type(path, st.st_mode, err);
	else if (st.st_size == 0)
		r = wf_fail_field(err, "scan", _("scan %s is empty"), path);
	else if (st.st_size > max)
		r = wf_fail_field(err, "scan",
				  _("scan %s is %lld bytes long: the station takes at most %lld"),
				  path, (long long)st.st_size, (long long)max);
	else
		r = check_content(in, path, st.st_size, err);
	if (r != WF_OK) {
		close(in);
		return r;
	}
	*fd = in;
	*size = st.st_size;
	return WF_OK;
}

int
wf_scan_check(struct wf_store *store, const char *path, struct wf_error *err)
{
	int64_t size;
	int fd, r;

	wf_error_clear(err);
	if ((r = wf_scan_open(store, path, &fd, &size, err)) == WF_OK)
		close(fd);
	return r;
}
