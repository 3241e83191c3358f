/*
 * issuer-int.h: what the issuer connectors share: the common head of every connector,
 * errors and log, careful file reading and writing, and the connectors' own entry points.
 */
#ifndef ENROLL_ISSUER_INT_H
#define ENROLL_ISSUER_INT_H

#include "config.h"

#include <libintl.h>
#include <stdbool.h>
#include <sys/types.h>

#include "cert.h"
#include "issuer.h"

/* Messages in the command's catalogue. */
#define _(s) dgettext(PACKAGE, s)
#define N_(s) (s)

/* Connector operations: a new connector fills one of these. */
struct iss_ops {
	const char *name;
	int (*submit)(struct issuer *issuer, const struct iss_request *request,
		      struct iss_error *err);
	int (*fetch)(struct issuer *issuer, const struct iss_request *request, unsigned char **data,
		     size_t *length, struct iss_error *err);
	void (*free)(struct issuer *issuer);
};

/* Every connector's state starts with this. */
struct issuer {
	const struct iss_ops *ops;
	char *trust_anchors; /* owned; iss_free releases it */
};

/* Fill err (may be NULL) with code and a formatted message; returns code. */
int iss_error_set(struct iss_error *err, int code, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
/* The token layer's error as ours: the code given, its message kept. */
int iss_error_from_tok(struct iss_error *err, int code, const struct tok_error *tok);
/* Append OpenSSL's error queue to err->message and clear the queue. */
void iss_error_openssl(struct iss_error *err);
/* Log through the installed callback. */
void iss_log(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* Read a whole regular file (no symlinks), at most max bytes. *data malloc'd, NUL-ended. */
int iss_read_file(const char *path, size_t max, unsigned char **data, size_t *length,
		  struct iss_error *err);
/* Write a file atomically (temporary file, then rename) with this mode. */
int iss_write_file(const char *path, const void *data, size_t length, mode_t mode,
		   struct iss_error *err);
/* mkdir -p, mode 0700 for what it makes. */
int iss_make_directories(const char *path, struct iss_error *err);

/* The roots the local test CA's certificates chain to, inside its directory. */
#define LOCAL_TRUST_ANCHORS "trust-anchors.pem"
/* The local test CA (issuer_local.c): create it in dir, open it. */
int iss_local_prepare(iss_lookup_fn lookup, void *arg, const char *organization,
		      struct iss_error *err);
int iss_local_open(iss_lookup_fn lookup, void *arg, struct issuer **out, struct iss_error *err);
/* File exchange with BSrE's portal (issuer_file.c). */
int iss_file_prepare(iss_lookup_fn lookup, void *arg, const char *organization,
		     struct iss_error *err);
int iss_file_open(iss_lookup_fn lookup, void *arg, struct issuer **out, struct iss_error *err);

#endif
