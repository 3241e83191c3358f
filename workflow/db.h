/*
 * db.h: the storage seam. Every statement of workflow/ goes through these few calls; one
 * driver per engine (driver-sqlite.c, driver-pgsql.c) implements them, with the SQL that
 * differs between the engines (the schema and its migrations, locking, the queries of
 * enum wf_query). SQL shared by both uses ?N parameters, RETURNING and ON CONFLICT.
 */
#ifndef ENROLL_DB_H
#define ENROLL_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wf_error;
struct wf_store;

/* What wf_next returns. */
enum wf_step_result {
	WF_STEP_ERROR = -1, /* the error is the connection's: wf_fail_db says it */
	WF_DONE = 0,
	WF_ROW = 1,
	WF_STEP_CONSTRAINT = 2, /* a UNIQUE, CHECK or foreign key refused the row */
};

/* Queries whose SQL differs by engine: each driver's queries[] gives their text. */
enum wf_query {
	WF_Q_HOLDERS_MONTH,   /* the TTE holders report's periods, by local time */
	WF_Q_HOLDERS_QUARTER, /* (report-holders.c) */
	WF_Q_HOLDERS_YEAR,
	WF_Q_GRANT_LOGIN, /* ?1 an official's login: let in to act (NULL: nothing to do) */
	WF_Q_IS_OWNER,	  /* one row, true when the session is the store's owner (NULL: never) */
	/*
	 * After a copy with its ids (copy.c): ?1 a table, ?2 the id its next row gets. NULL
	 * where the engine continues past the largest id by itself.
	 */
	WF_Q_CONTINUE_IDS,
	/* ?1 seq, ?2 hash of the row just appended: the chain's head. NULL: the engine moves it. */
	WF_Q_MOVE_AUDIT_HEAD,
	/*
	 * ?1 at, ?2 login, ?3 kind, ?4 application, ?5 action, ?6 result, ?7 detail: the row
	 * appended by the engine itself, in one round trip: it reads the chain's head under a
	 * lock held to the transaction's end (no other writer appends meanwhile) and hashes the
	 * row as audit.c does. NULL: audit.c reads the head (the writer's lock holds it),
	 * hashes the row and inserts it.
	 */
	WF_Q_AUDIT_APPEND,
	/*
	 * The summaries the triggers keep, kept as each row of this transaction goes in, for a
	 * transaction that reads them itself before it commits. NULL where they always are.
	 */
	WF_Q_SUMMARIES_NOW,
	WF_Q_COUNT
};

/* Each driver's handles start with these, then hold what the engine needs. */
struct wf_db {
	const struct wf_driver *driver;
};
struct wf_stmt {
	const struct wf_driver *driver;
};

enum wf_tx_kind {
	WF_TX_WRITE, /* writers queue, one at a time, for the whole transaction */
	WF_TX_READ,  /* one consistent snapshot for several reads */
	/*
	 * A writer that reads and writes only one application (scope: its number), the shared
	 * summaries and the audit chain: it queues behind the other writers' transactions and
	 * the acts on the same application. Where the engine can, acts on different
	 * applications run side by side up to their audit rows (WF_Q_AUDIT_APPEND).
	 */
	WF_TX_ACT,
};

struct wf_driver {
	const char *name; /* "sqlite", "postgresql" */
	/*
	 * Connect to target (a path, a URI); create: a store may be set up there (enroll
	 * init). Checks the target is safe to trust, then migrates its schema forward.
	 */
	int (*open)(const char *target, bool create, struct wf_db **db, struct wf_error *err);
	void (*close)(struct wf_db *db);
	/* NULL on failure, the reason kept for fail(). */
	struct wf_stmt *(*prepare)(struct wf_db *db, const char *sql);
	void (*bind_text)(struct wf_stmt *stmt, int index, const char *text); /* NULL: NULL */
	void (*bind_int64)(struct wf_stmt *stmt, int index, int64_t value);
	void (*bind_null)(struct wf_stmt *stmt, int index); /* of any column's type */
	void (*bind_blob)(struct wf_stmt *stmt, int index, const void *data, size_t size);
	int (*step)(struct wf_stmt *stmt); /* enum wf_step_result */
	int64_t (*column_int64)(struct wf_stmt *stmt, int column);
	const char *(*column_text)(struct wf_stmt *stmt, int column); /* NULL for NULL */
	/* Valid until the next step; *size its length. NULL for NULL or no memory. */
	const void *(*column_blob)(struct wf_stmt *stmt, int column, size_t *size);
	int64_t (*changes)(struct wf_stmt *stmt); /* rows the finished statement changed */
	void (*reset)(struct wf_stmt *stmt);	  /* to run again; bindings kept */
	void (*finalize)(struct wf_stmt *stmt);
	bool (*exec)(struct wf_db *db, const char *sql); /* statements without results */
	bool (*begin)(struct wf_db *db, enum wf_tx_kind kind, const char *scope);
	bool (*commit)(struct wf_db *db);
	void (*rollback)(struct wf_db *db); /* nothing when no transaction is open */
	bool (*in_transaction)(struct wf_db *db);
	/* The connection's last error as a wf status, in the operator's words. */
	int (*fail)(struct wf_db *db, struct wf_error *err, const char *doing);
	/* The engine's own check of its storage: WF_ERR_CORRUPT naming what it found. */
	int (*check_integrity)(struct wf_db *db, bool full, struct wf_error *err);
	/*
	 * A consistent copy of the whole store into a new sqlite file at path, and the audit
	 * head (rows, hash) that copy holds. NULL where the engine's own tool does it.
	 */
	int (*backup)(struct wf_db *db, const char *path, int64_t *audit_rows, char audit_head[65],
		      struct wf_error *err);
	const char *const *queries; /* [WF_Q_COUNT] */
	/* The scans are kept in the store itself (every station sees them), not as files. */
	bool scans_in_store;
};

extern const struct wf_driver wf_driver_sqlite;
extern const struct wf_driver wf_driver_pgsql;

/* PostgreSQL's schema (schema-pgsql.c): set up or migrated when opened. */
int wf_pgsql_migrate(struct wf_db *db, const char *name, bool create, struct wf_error *err);
/*
 * A refusal of the server's own (refusals-pgsql.c) in the catalogue's words, into out;
 * any other message as it is.
 */
const char *wf_pgsql_refusal_words(const char *message, char *out, size_t size);

/* The driver for a --db target: PostgreSQL for a postgresql:// or postgres:// URI. */
const struct wf_driver *wf_driver_for(const char *target);

int wf_prepare(struct wf_store *store, const char *sql, struct wf_stmt **stmt,
	       struct wf_error *err);
/* Bind text, NULL as SQL NULL. */
int wf_bind_text(struct wf_stmt *stmt, int index, const char *text);
void wf_bind_int64(struct wf_stmt *stmt, int index, int64_t value);
/* SQL NULL where the column's type decides (an integer column's NULL). */
void wf_bind_null(struct wf_stmt *stmt, int index);
void wf_bind_blob(struct wf_stmt *stmt, int index, const void *data, size_t size);
const void *wf_column_blob(struct wf_stmt *stmt, int column, size_t *size);
int wf_next(struct wf_stmt *stmt);
int64_t wf_column_int64(struct wf_stmt *stmt, int column);
int wf_column_int(struct wf_stmt *stmt, int column);
const char *wf_column_text(struct wf_stmt *stmt, int column);
int64_t wf_changes(struct wf_stmt *stmt);
void wf_reset(struct wf_stmt *stmt);
void wf_finalize(struct wf_stmt *stmt);
/* Statements without results; WF_OK or the database's error with doing. */
int wf_exec(struct wf_store *store, const char *sql, const char *doing, struct wf_error *err);
/* A consistent snapshot for several reads (wf_read_end ends it). */
int wf_read_begin(struct wf_store *store, struct wf_error *err);
void wf_read_end(struct wf_store *store);
/* The engine's text of a query of enum wf_query. */
const char *wf_query_sql(struct wf_store *store, enum wf_query query);

#endif
