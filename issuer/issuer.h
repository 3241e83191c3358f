/*
 * issuer.h: connectors to the certificate issuer. BSrE is reached by file exchange
 * (outbox/inbox for its portal); a local test CA, plainly not BSrE, issues at once for
 * the demo and the tests. One table of connectors, each with the settings it takes, so a
 * protocol connector can be added as one more row. Never prints, never exits.
 */
#ifndef ENROLL_ISSUER_H
#define ENROLL_ISSUER_H

#include <stddef.h>

/* Status codes: 0 success, negative on failure. iss_status_name() gives the symbol. */
enum iss_status {
	ISS_OK = 0,
	ISS_ERR_INTERNAL = -1,		/* a bug or an unexpected library failure */
	ISS_ERR_INVALID_ARGUMENT = -2,	/* a request or a setting that cannot be used */
	ISS_ERR_UNKNOWN_CONNECTOR = -3, /* no connector of that name; message lists them */
	ISS_ERR_MISSING_SETTING = -4,	/* a setting the connector needs is not given */
	ISS_ERR_IO = -5,		/* reading or writing a file or directory failed */
	ISS_ERR_MALFORMED = -6,		/* a CSR or the CA's files cannot be read */
	ISS_ERR_NOT_ISSUED = -7,	/* the issuer has nothing for this request yet */
	ISS_ERR_EXISTS = -8,		/* the directory already holds a CA */
	ISS_ERR_UNSAFE = -9,		/* a CA key others can read */
	ISS_ERR_UNSAFE_ANCHORS = -10,	/* trust anchors others can write, or another user's */
};

/* Filled by every function that can fail: the status and one line of text (localized). */
struct iss_error {
	int code;
	char message[512];
};

/* The symbol of a status, e.g. "ISS_ERR_NOT_ISSUED". Never NULL. */
const char *iss_status_name(int code);

/* Install the process-wide log callback (NULL: discard). What was written, found, issued. */
typedef void (*iss_log_fn)(void *arg, const char *message);
void iss_set_log(iss_log_fn fn, void *arg);

/* What the issuer needs for one request. */
struct iss_request {
	const char *reference;	/* application number, e.g. "TTE/2026/0001" */
	const char *key_id_hex; /* the token key's id: matches the answer to the request */
	const char *csr_pem;
	const char *applicant_json;  /* the applicant's data as the BSrE portal asks for it */
	const char *applicant_sheet; /* the same, human-readable */
};

struct issuer;

/* A connector's settings, by option name: the value, or NULL when not set. */
typedef const char *(*iss_lookup_fn)(void *arg, const char *option);

/* One setting a connector takes. */
struct iss_option {
	const char *name;	  /* "ca-dir", "outbox", ... */
	const char *argument;	  /* "DIR", "FILE" */
	const char *help;	  /* N_() text */
	const char *default_name; /* a name in the station's data directory, NULL: required */
	/*
	 * Where the value holds the roots the station trusts: "" the value itself (a FILE),
	 * else the file's name inside the value (a DIR). NULL: no trust anchors.
	 */
	const char *anchors;
};

/* One row of the connector table. */
struct iss_connector {
	const char *name;		  /* what the operator types: "local", "file" */
	const char *summary;		  /* N_() text */
	const struct iss_option *options; /* ends with a NULL name */
	/*
	 * Make what the connector needs before its first use (the local CA, the exchange
	 * directories); organization names a new CA. Nothing is replaced that exists.
	 */
	int (*prepare)(iss_lookup_fn lookup, void *arg, const char *organization,
		       struct iss_error *err);
	/* Open it with these settings (all required ones present: iss_open checks). */
	int (*open)(iss_lookup_fn lookup, void *arg, struct issuer **out, struct iss_error *err);
};

/* The connector table, *count rows. */
const struct iss_connector *iss_connectors(size_t *count);
/* The row named name; NULL with ISS_ERR_UNKNOWN_CONNECTOR (naming the known) if none. */
const struct iss_connector *iss_connector_find(const char *name, struct iss_error *err);

/*
 * Is name a connector and does lookup give every setting it needs? ISS_ERR_UNKNOWN_CONNECTOR
 * (naming the known), ISS_ERR_MISSING_SETTING (naming the setting). Trust anchors already
 * there, and their directory, must be root's or ours and writable by the owner alone
 * (ISS_ERR_UNSAFE_ANCHORS naming the path), as the import demands. Touches nothing.
 */
int iss_check(const char *name, iss_lookup_fn lookup, void *arg, struct iss_error *err);
/*
 * Open the connector name with the settings lookup gives. ISS_ERR_UNKNOWN_CONNECTOR,
 * ISS_ERR_MISSING_SETTING (naming it), or the connector's own errors. *out: iss_free().
 */
int iss_open(const char *name, iss_lookup_fn lookup, void *arg, struct issuer **out,
	     struct iss_error *err);
/*
 * Check the settings as iss_check does, then make what the connector needs (for init and
 * for a changed setting). A CA or directory already there is kept as it is.
 */
int iss_prepare(const char *name, iss_lookup_fn lookup, void *arg, const char *organization,
		struct iss_error *err);

/*
 * A connector and its settings as one text ("connector=NAME", then "OPTION=VALUE" lines),
 * to be kept with what was sent through it. *text malloc'd. Errors as iss_open, and
 * ISS_ERR_INVALID_ARGUMENT for a value holding a line break.
 */
int iss_config_text(const char *name, iss_lookup_fn lookup, void *arg, char **text,
		    struct iss_error *err);
/* Open the connector such a text describes. ISS_ERR_MALFORMED if it is not one. */
int iss_open_config(const char *text, struct issuer **out, struct iss_error *err);

/* The connector's name ("local", "file"); "" for NULL. */
const char *iss_name(const struct issuer *issuer);
/* The PEM file of the roots its certificates chain to (for the import's check). */
const char *iss_trust_anchors(const struct issuer *issuer);
/*
 * Hand over a request. The CSR must verify and be for the request's key id
 * (ISS_ERR_INVALID_ARGUMENT, ISS_ERR_MALFORMED otherwise).
 */
int iss_submit(struct issuer *issuer, const struct iss_request *request, struct iss_error *err);
/*
 * Fetch the issued certificate (and chain) for a request: *data malloc'd, NUL-ended.
 * ISS_ERR_NOT_ISSUED when nothing has been issued yet.
 */
int iss_fetch(struct issuer *issuer, const struct iss_request *request, unsigned char **data,
	      size_t *length, struct iss_error *err);
/* NULL is a no-op. */
void iss_free(struct issuer *issuer);

#endif
