/*
 * issuer-int.h: what the issuer connectors share: the common head of every connector,
 * careful file reading and writing, and checks on names that become file names.
 */
#ifndef ENROLL_ISSUER_INT_H
#define ENROLL_ISSUER_INT_H

#include <stdbool.h>
#include <sys/types.h>

#include "issuer.h"

/* Every connector's state starts with this. */
struct issuer {
	const struct issuer_ops *ops;
};

/* Read a whole regular file (no symlinks), at most max bytes. *data malloc'd, NUL-ended. */
int issuer_read_file(const char *path, size_t max, unsigned char **data, size_t *length,
		     struct tok_error *err);
/* Write a file atomically (temporary file, then rename) with this mode. */
int issuer_write_file(const char *path, const void *data, size_t length, mode_t mode,
		      struct tok_error *err);

#endif
