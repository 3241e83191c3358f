/*
 * workflow-int.h: what the files of workflow/ share and nobody else sees: the store's
 * insides, error helpers, the audit append, the transaction frame.
 */
#ifndef ENROLL_WORKFLOW_INT_H
#define ENROLL_WORKFLOW_INT_H

#include <libintl.h>

#include "config.h"
#include "db.h"
#include "workflow.h"

/* User-facing messages, in the command's catalogue; debug logs stay English. */
#define _(s) dgettext(PACKAGE, s)
#define N_(s) (s)

struct wf_store {
	const struct wf_driver *driver;
	struct wf_db *db;
	char *path;
	char *data_dir; /* "<path>.files": scans copied here */
	wf_clock_fn clock;
	void *clock_arg;
	bool
	    write_checked; /* the file passed PRAGMA quick_check before this handle's first write */
	int nested_reads;  /* wf_read_begin calls inside a transaction already open */
};

/* Now by the store's clock. */
int64_t wf_store_now(struct wf_store *store);

/* The SQL taking a file from from_version to from_version + 1, NULL past the end. */
const char *wf_schema_migration(int from_version);
/*
 * A store's schema version as found: 0 only when create (enroll init), never negative,
 * never newer than this program's. name is the store's, for the message.
 */
int wf_schema_check_version(const char *name, int version, bool create, struct wf_error *err);

/* Fill err (if not NULL) and return code. */
int wf_fail(struct wf_error *err, int code, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
/* WF_ERR_INVALID naming a field. */
int wf_fail_field(struct wf_error *err, const char *field, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
/* WF_ERR_DB (WF_ERR_CORRUPT for a damaged store) with the engine's words and what we were doing. */
int wf_fail_db(struct wf_error *err, struct wf_store *store, const char *doing);
/* True for NULL, "" or only blanks. */
bool wf_text_empty(const char *text);
/* Parse a key status name; -1 if unknown. */
int wf_key_status_parse(const char *name);
/* True when the messages speak Indonesian: the labels in them follow the catalogue. */
bool wf_indonesian(void);
/* Reset err to success. */
void wf_error_clear(struct wf_error *err);

/* WF_ERR_INVALID naming the first text field of applicant that lacks its NUL. */
int wf_applicant_check_terminated(const struct wf_applicant *applicant, struct wf_error *err);
/*
 * The field table's columns in its order, comma separated, each after prefix ("a."), into
 * buf (WF_ERR_INTERNAL if it does not fit): the SQL that stores and reads an applicant.
 */
int wf_applicant_columns(const char *prefix, char *buf, size_t size, struct wf_error *err);
/* Bind every field in the table's order to the parameters from first on. */
void wf_applicant_bind(struct wf_stmt *stmt, int first, const struct wf_applicant *applicant);
/* Read every field in the table's order from the result columns from first on. */
void wf_applicant_read(struct wf_stmt *stmt, int first, struct wf_applicant *applicant);
/* Room for the SQL column list of the applicant fields. */
#define WF_APPLICANT_COLUMNS_MAX 512

/*
 * Copy in to out while hashing (out -1: only hash), out then synced; the hex SHA-256 into
 * sha256. WF_ERR_IO with the system's words when reading or writing fails; WF_ERR_INVALID
 * (field "scan") when in holds more than limit bytes (limit 0: no limit).
 */
int wf_copy_hashing(int in, int out, int64_t limit, char sha256[65], struct wf_error *err);

/* All of buf, or -1 with errno set: a short write (a full disk) is retried to get its errno. */
int wf_write_all(int fd, const unsigned char *buf, size_t length);

/* A document's recorded scan is kept in the store ("scans/<sha256>"), not as a file. */
bool wf_scan_in_store(const char *recorded);
/* All of fd (at most limit bytes, 0: no limit) into *data (malloc'd), hashed. */
int wf_scan_read_fd(int fd, int64_t limit, unsigned char **data, size_t *size, char sha256[65],
		    struct wf_error *err);
/* The bytes of a recorded scan (a file, or the store's), hashed; *data malloc'd. */
int wf_scan_load(struct wf_store *store, const char *recorded, unsigned char **data, size_t *size,
		 char sha256[65], struct wf_error *err);
/* Keep a scan's bytes in the store (once per content); its recorded name into name. */
int wf_scan_put(struct wf_store *store, const unsigned char *data, size_t size, const char *sha256,
		char name[4096], struct wf_error *err);

/*
 * Open a scan for copying (wf_scan_check's checks); *fd is the caller's to close and
 * *size its length when checked.
 */
int wf_scan_open(struct wf_store *store, const char *path, int *fd, int64_t *size,
		 struct wf_error *err);

/*
 * Make (or accept) a directory of this user's, mode 0700, and its missing parents (0700);
 * WF_ERR_UNSAFE if it is not one.
 */
int wf_make_private_dir(const char *path, struct wf_error *err);

/*
 * The engine's check of its storage (sqlite: PRAGMA integrity_check when full, else
 * quick_check): WF_ERR_CORRUPT naming the store and the first problem found.
 */
int wf_store_check_integrity(struct wf_store *store, bool full, struct wf_error *err);
/*
 * Inside a write transaction just begun: a damaged file takes no writes (WF_ERR_CORRUPT,
 * the transaction rolled back). Checked once per handle, before its first write.
 */
int wf_store_guard_write(struct wf_store *store, struct wf_error *err);

/* Begin a write transaction (then wf_store_guard_write) / commit / roll back. */
int wf_tx_begin(struct wf_store *store, struct wf_error *err);
/*
 * Begin a write transaction that reads and writes only the application number (and the
 * summaries and the audit chain): an act of WF_TX_ACT (db.h). NULL: wf_tx_begin's.
 */
int wf_tx_begin_act(struct wf_store *store, const char *number, struct wf_error *err);
int wf_tx_commit(struct wf_store *store, struct wf_error *err);
void wf_tx_rollback(struct wf_store *store);
/*
 * End the transaction for an act that returned r: commit on success, and also on a
 * refusal when keep is set (its audit row must stay, err keeps the refusal's words);
 * otherwise roll back. Returns r, or the commit's error.
 */
int wf_tx_end(struct wf_store *store, int r, bool keep, struct wf_error *err);

/* Copy column text into a buffer ("" for NULL), truncating. */
void wf_column_copy(struct wf_stmt *stmt, int column, char *buf, size_t size);
/* Column text malloc'd, NULL for SQL NULL. */
char *wf_column_dup(struct wf_stmt *stmt, int column);
/*
 * Room for element count of a growable array of size-byte elements holding *cap:
 * returns the array, moved and *cap raised when full; on out of memory NULL with
 * WF_ERR_INTERNAL in err, the old array still the caller's to free.
 */
void *wf_array_reserve(void *array, size_t count, size_t *cap, size_t size, struct wf_error *err);

/*
 * Step stmt to the end, reading each row into a new element of size bytes with read_row,
 * then finalize stmt. *out (malloc'd, the caller frees it) and *count are set only on
 * success; what names the query in a database error. For rows that own no memory.
 */
typedef void (*wf_read_row_fn)(struct wf_stmt *stmt, void *row);
int wf_collect_rows(struct wf_store *store, struct wf_stmt *stmt, size_t size,
		    wf_read_row_fn read_row, const char *what, void **out, size_t *count,
		    struct wf_error *err);

/*
 * Rows of one table written many to a statement (rows.c): insert is "INSERT INTO table
 * (columns)", types a letter a column ('i' an int64_t, 't' a string, NULL for NULL).
 * wf_rows_add takes a row's values in that order and writes the rows when there are enough
 * for a statement; wf_rows_flush writes those waiting. Both WF_OK or an error in err.
 */
struct wf_rows;
struct wf_rows *wf_rows_new(struct wf_store *store, const char *insert, const char *types);
int wf_rows_add(struct wf_rows *t, struct wf_error *err, ...);
int wf_rows_flush(struct wf_rows *t, struct wf_error *err);
void wf_rows_free(struct wf_rows *t);

/* On a server, an official's own login is let in to act (made if it is not there). */
int wf_official_grant_login(struct wf_store *store, const char *login, struct wf_error *err);

/* One audit row; appended inside the caller's transaction. */
struct wf_audit_entry {
	const char *login;
	const char *kind;	 /* "act", "refusal", "admin", "key" */
	const char *application; /* number or "" */
	const char *action;
	const char *result; /* "ok" or a status name */
	const char *detail;
};
int wf_audit_append(struct wf_store *store, const struct wf_audit_entry *entry,
		    struct wf_error *err);
/*
 * The hash of entry as row seq at time at, after a row of hash prev_hash: for a bulk load
 * (bench/) that writes the rows of the chain itself.
 */
int wf_audit_entry_hash(const char *prev_hash, int64_t seq, int64_t at,
			const struct wf_audit_entry *entry, char hash[WF_AUDIT_HASH_HEX],
			struct wf_error *err);
/*
 * The audit rows of columns (seq first) that where (an SQL condition, NULL: all) keeps, in
 * order of seq, read a page at a time: a server's result never holds the whole chain.
 * wf_audit_pages_next: WF_ROW with the row in pages->stmt, WF_DONE, or an error in err.
 * Close even after an error; open only fills the struct.
 */
struct wf_audit_pages {
	struct wf_store *store;
	const char *columns, *where;
	struct wf_stmt *stmt;
	int64_t last;	/* the seq of the row read last */
	size_t in_page; /* rows read of this page */
};
void wf_audit_pages_open(struct wf_audit_pages *pages, struct wf_store *store, const char *columns,
			 const char *where);
int wf_audit_pages_next(struct wf_audit_pages *pages, struct wf_error *err);
void wf_audit_pages_close(struct wf_audit_pages *pages);
/* The session is the store's owner (a server's administrator); never on sqlite. */
bool wf_session_is_owner(struct wf_store *store);
/* The chain's head to row seq, of that hash, where the engine does not move it itself. */
int wf_audit_move_head(struct wf_store *store, int64_t seq, const char *hash, struct wf_error *err);

/* What a transition needs to know of an application. */
struct wf_app_ref {
	int64_t id;
	enum wf_state state;
	int step;
	int64_t step_started_at;
};
/* Application by number; WF_ERR_NOT_FOUND. */
int wf_application_lookup(struct wf_store *store, const char *number, struct wf_app_ref *out,
			  struct wf_error *err);

/* The acting official after the checks, kept for the event row. */
struct wf_acting {
	struct wf_official actor;
	struct wf_official on_behalf; /* id 0 if none */
	const char *paper_reference;  /* NULL unless on behalf */
};
/*
 * Inside a transaction: may actor perform a step done by role (on-behalf rules
 * included)? On refusal an audit row is appended in the same transaction, which the
 * caller commits, and WF_ERR_ROLE or WF_ERR_INVALID is returned.
 */
int wf_authorize(struct wf_store *store, const struct wf_actor *actor, enum wf_role role, int step,
		 const char *number, const char *action, struct wf_acting *out,
		 struct wf_error *err);

/* One events row. */
struct wf_event_row {
	int64_t app_id;
	int step;
	const char *action, *from_state, *to_state;
	enum wf_role role;
	const struct wf_acting *acting;
	int64_t started_at, ended_at;
	const char *note;
};
int wf_event_insert(struct wf_store *store, const struct wf_event_row *row, struct wf_error *err);

/* Extra writes a transition makes inside its transaction (key, certificate). */
struct wf_hook {
	int (*fn)(struct wf_store *store, const struct wf_app_ref *app,
		  const struct wf_acting *acting, void *arg, struct wf_error *err);
	void *arg;
};
/* The state machine: one transition in one transaction (see transition.c). */
int wf_transition_run(struct wf_store *store, const char *number, enum wf_action action,
		      const struct wf_actor *actor, const char *note, const struct wf_hook *hook,
		      struct wf_error *err);

/* The latest key record of an application by id. */
int wf_key_read(struct wf_store *store, int64_t app_id, struct wf_key_record *out,
		struct wf_error *err);

#endif
