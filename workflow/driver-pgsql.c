/*
 * driver-pgsql.c: the store on a PostgreSQL server, through libpq, for several stations and
 * officials acting from their own logins. The shared SQL's ?N parameters become $N; a
 * statement runs on its first step and its rows are read from the result. Writers take one
 * transaction-scoped advisory lock first, so that they queue as sqlite's do, the audit chain
 * is extended by one writer at a time and no two writers can deadlock; a serialization
 * failure or deadlock met all the same (a hand-written transaction beside ours) is retried.
 * An act on one application (WF_TX_ACT) shares that lock with the other acts and takes its
 * application's own: acts on different applications run side by side, and queue only for
 * the audit chain's head (enroll_audit_append, schema-pgsql.c) and their commits.
 * No deadlock, by the order every transaction takes its locks in: the writers' lock
 * (shared for an act), its application's, its rows of that application, the audit head's
 * lock, the head's and the chain state's rows; at the commit, the step times' day row.
 * Nothing taken after the head's lock is held by a transaction without it.
 * The schema, its grants and the server's own checks of the procedure: schema-pgsql.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "workflow-int.h"

/* pg_advisory_xact_lock's key for the store's writers: "enroll" in ASCII. */
#define WRITER_KEY "111546413229164"
/* An act's application: the two-key form (never the writers' key), first key "enro". */
#define ACT_CLASS "1701737071"
/* Type OIDs of the parameters: bound as int8 or as text, as sqlite binds them. */
#define INT8_OID 20
#define TEXT_OID 25
#define BYTEA_OID 17
#define RETRIES 20
/* Statements kept prepared per connection; past these, each runs parsed afresh. */
#define PREPARED_MAX 512

/* A statement prepared on the connection, by its SQL and the types of its parameters. */
struct pg_prepared {
	uint64_t hash;
	char *sql;
	unsigned int *types;
	int nparams;
};

struct pg_db {
	struct wf_db base;
	PGconn *conn;
	char sqlstate[6];
	char *message;		      /* the last error's primary message, malloc'd */
	struct pg_prepared *prepared; /* named "e<index>" */
	size_t nprepared;
};

struct pg_stmt {
	struct wf_stmt base;
	struct pg_db *db;
	char *sql; /* with $N */
	int nparams;
	char **values;
	unsigned int *types;
	int *lengths, *formats; /* of the binary parameters (blobs); 0 for text */
	unsigned char *blob;	/* the last blob column read, unescaped */
	PGresult *result;
	int row, rows;
	int64_t changes;
};

static struct pg_db *
database(struct wf_db *db)
{
	return (struct pg_db *)db;
}

static struct pg_stmt *
statement(struct wf_stmt *stmt)
{
	return (struct pg_stmt *)stmt;
}

static void
keep_error(struct pg_db *db, const PGresult *result)
{
	const char *state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : NULL;
	const char *text = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : NULL;

	snprintf(db->sqlstate, sizeof(db->sqlstate), "%s", state ? state : "08000");
	free(db->message);
	db->message = strdup(text ? text : PQerrorMessage(db->conn));
	if (db->message) /* libpq's own messages end in a newline */
		db->message[strcspn(db->message, "\n")] = '\0';
}

/* The server's refusals and failures an operator meets, in the catalogue's words. */
static const struct {
	const char *sqlstate; /* a class ("08") or a full state */
	int code;
	const char *text;
} pg_results[] = {
    /* the procedure's own refusal (schema-pgsql.c): its words (refusals-pgsql.c) */
    {"EN001", WF_ERR_REFUSED, NULL},
    /* an audit row off the chain's head: a writer that did not queue (schema-pgsql.c) */
    {"EN002", WF_ERR_CONFLICT, NULL},
    {"42501", WF_ERR_REFUSED, N_("the database refuses this login that act")},
    {"08", WF_ERR_DB, N_("the database server cannot be reached")},
    {"53", WF_ERR_DB, N_("the database server is out of resources")},
    {"57P", WF_ERR_DB, N_("the database server is shutting down or restarting")},
    {"XX001", WF_ERR_CORRUPT, N_("the database server reports damaged data")},
    {"XX002", WF_ERR_CORRUPT, N_("the database server reports a damaged index")},
};

static int
pg_fail(struct wf_db *wdb, struct wf_error *err, const char *doing)
{
	struct pg_db *db = database(wdb);
	const char *message = db->message ? db->message : PQerrorMessage(db->conn);
	char words[512];

	if (strncmp(db->sqlstate, "EN00", 4) == 0)
		message = wf_pgsql_refusal_words(message, words, sizeof(words));

	for (size_t i = 0; i < sizeof(pg_results) / sizeof(pg_results[0]); i++)
		if (strncmp(db->sqlstate, pg_results[i].sqlstate, strlen(pg_results[i].sqlstate)) ==
		    0)
			return pg_results[i].text
				   ? wf_fail(err, pg_results[i].code, _("%s: %s (%s)"), doing,
					     _(pg_results[i].text), message)
				   : wf_fail(err, pg_results[i].code, _("%s: %s"), doing, message);
	return wf_fail(err, WF_ERR_DB, _("%s: %s"), doing, message);
}

static bool
retryable(const struct pg_db *db)
{
	return strcmp(db->sqlstate, "40001") == 0 || strcmp(db->sqlstate, "40P01") == 0;
}

static bool
pg_exec(struct wf_db *wdb, const char *sql)
{
	struct pg_db *db = database(wdb);
	PGresult *result = PQexec(db->conn, sql);
	ExecStatusType status = PQresultStatus(result);
	bool ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;

	if (!ok)
		keep_error(db, result);
	PQclear(result);
	return ok;
}

static bool
pg_in_transaction(struct wf_db *db)
{
	return PQtransactionStatus(database(db)->conn) != PQTRANS_IDLE;
}

static void
pg_rollback(struct wf_db *db)
{
	if (pg_in_transaction(db)) {
		PGresult *result = PQexec(database(db)->conn, "ROLLBACK");
		PQclear(result);
	}
}

/*
 * An application's number as the second key of its lock (FNV-1a, 31 bits): equal numbers,
 * equal keys; two numbers that share a key only queue for each other.
 */
static int32_t
scope_key(const char *scope)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)scope; *p; p++)
		h = (h ^ *p) * 16777619u;
	return (int32_t)(h >> 1);
}

static bool
pg_begin(struct wf_db *db, enum wf_tx_kind kind, const char *scope)
{
	char sql[256];

	if (kind == WF_TX_READ)
		return pg_exec(db, "BEGIN ISOLATION LEVEL REPEATABLE READ");
	if (kind == WF_TX_ACT && scope)
		snprintf(sql, sizeof(sql),
			 "BEGIN ISOLATION LEVEL READ COMMITTED;"
			 " SELECT pg_advisory_xact_lock_shared(" WRITER_KEY ");"
			 " SELECT pg_advisory_xact_lock(" ACT_CLASS ", %" PRId32 ")",
			 scope_key(scope));
	else
		snprintf(sql, sizeof(sql),
			 "BEGIN ISOLATION LEVEL READ COMMITTED;"
			 " SELECT pg_advisory_xact_lock(" WRITER_KEY ")");
	/* The locks come first: nothing read before them can be stale, so no retry is needed. */
	for (int attempt = 0; attempt < RETRIES; attempt++) {
		/* One round trip for all: the locks are held from the transaction's start. */
		if (pg_exec(db, sql))
			return true;
		pg_rollback(db);
		if (!retryable(database(db)))
			return false;
	}
	return false;
}

static bool
pg_commit(struct wf_db *db)
{
	return pg_exec(db, "COMMIT");
}

/* ?N to $N; the shared SQL holds no question mark in a literal. */
static char *
translate(const char *sql, int *nparams)
{
	char *out = malloc(strlen(sql) + 1), *o = out;

	if (!out)
		return NULL;
	*nparams = 0;
	for (const char *p = sql; *p; p++) {
		*o++ = *p == '?' ? '$' : *p;
		if (*p == '?') {
			int n = atoi(p + 1);
			if (n > *nparams)
				*nparams = n;
		}
	}
	*o = '\0';
	return out;
}

static void
clear_values(struct pg_stmt *s)
{
	for (int i = 0; i < s->nparams; i++) {
		free(s->values[i]);
		s->values[i] = NULL;
	}
}

static void
pg_finalize(struct wf_stmt *stmt)
{
	struct pg_stmt *s = statement(stmt);

	PQclear(s->result);
	if (s->values)
		clear_values(s);
	free(s->values);
	free(s->types);
	free(s->lengths);
	free(s->formats);
	PQfreemem(s->blob);
	free(s->sql);
	free(s);
}

static struct wf_stmt *
pg_prepare(struct wf_db *db, const char *sql)
{
	struct pg_stmt *s = calloc(1, sizeof(*s));

	if (!s || !(s->sql = translate(sql, &s->nparams)) ||
	    !(s->values = calloc((size_t)s->nparams + 1, sizeof(*s->values))) ||
	    !(s->types = calloc((size_t)s->nparams + 1, sizeof(*s->types))) ||
	    !(s->lengths = calloc((size_t)s->nparams + 1, sizeof(*s->lengths))) ||
	    !(s->formats = calloc((size_t)s->nparams + 1, sizeof(*s->formats)))) {
		if (s)
			pg_finalize(&s->base);
		snprintf(database(db)->sqlstate, 6, "53200");
		return NULL;
	}
	s->base.driver = &wf_driver_pgsql;
	s->db = database(db);
	return &s->base;
}

static void
bind(struct pg_stmt *s, int index, char *value, unsigned int type)
{
	if (index < 1 || index > s->nparams) {
		free(value);
		return;
	}
	free(s->values[index - 1]);
	s->values[index - 1] = value;
	s->types[index - 1] = type;
	s->formats[index - 1] = 0;
}

static void
pg_bind_text(struct wf_stmt *stmt, int index, const char *text)
{
	bind(statement(stmt), index, text ? strdup(text) : NULL, TEXT_OID);
}

static void
pg_bind_int64(struct wf_stmt *stmt, int index, int64_t value)
{
	char *text = malloc(24);

	if (text)
		snprintf(text, 24, "%" PRId64, value);
	bind(statement(stmt), index, text, INT8_OID);
}

/* Unspecified (OID 0): the server takes the column's type, as for a NULL in an int8 column. */
static void
pg_bind_null(struct wf_stmt *stmt, int index)
{
	bind(statement(stmt), index, NULL, 0);
}

/* Sent as it is (binary format): a scan's bytes need no escaping. */
static void
pg_bind_blob(struct wf_stmt *stmt, int index, const void *data, size_t size)
{
	struct pg_stmt *s = statement(stmt);
	char *copy = size <= INT32_MAX ? malloc(size ? size : 1) : NULL;

	if (copy)
		memcpy(copy, data, size);
	bind(s, index, copy, BYTEA_OID);
	if (copy && index >= 1 && index <= s->nparams) {
		s->formats[index - 1] = 1;
		s->lengths[index - 1] = (int)size;
	}
}

/* FNV-1a over the SQL and its parameters' types. */
static uint64_t
statement_hash(const struct pg_stmt *s)
{
	uint64_t h = 14695981039346656037u;

	for (const unsigned char *p = (const unsigned char *)s->sql; *p; p++)
		h = (h ^ *p) * 1099511628211u;
	for (int i = 0; i < s->nparams; i++)
		h = (h ^ s->types[i]) * 1099511628211u;
	return h;
}

/*
 * The name of s prepared on its connection (parsed and planned once, not at each run: the
 * writers' lock is held for less), prepared now if it is new; "" when the connection keeps
 * no more, NULL when the server refused to prepare it (its error kept).
 */
static const char *
prepared_name(struct pg_stmt *s, char name[24])
{
	struct pg_db *db = s->db;
	uint64_t hash = statement_hash(s);
	size_t types = (size_t)s->nparams * sizeof(*s->types);
	size_t i;

	for (i = 0; i < db->nprepared; i++) {
		const struct pg_prepared *p = &db->prepared[i];
		if (p->hash == hash && p->nparams == s->nparams && strcmp(p->sql, s->sql) == 0 &&
		    (types == 0 || memcmp(p->types, s->types, types) == 0))
			break;
	}
	snprintf(name, 24, "e%zu", i);
	if (i < db->nprepared)
		return name;
	if (i == PREPARED_MAX)
		return "";
	if (!db->prepared && !(db->prepared = calloc(PREPARED_MAX, sizeof(*db->prepared))))
		return "";
	struct pg_prepared *p = &db->prepared[i];
	if (!(p->sql = strdup(s->sql)) || !(p->types = malloc(types ? types : 1))) {
		free(p->sql);
		p->sql = NULL;
		return "";
	}
	memcpy(p->types, s->types, types);
	PGresult *result = PQprepare(db->conn, name, s->sql, s->nparams, s->types);
	bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
	if (!ok)
		keep_error(db, result);
	PQclear(result);
	if (!ok) {
		free(p->sql);
		free(p->types);
		p->sql = NULL;
		return NULL;
	}
	p->hash = hash;
	p->nparams = s->nparams;
	db->nprepared++;
	return name;
}

static int
pg_step(struct wf_stmt *stmt)
{
	struct pg_stmt *s = statement(stmt);

	if (!s->result) {
		char buffer[24];
		const char *name = prepared_name(s, buffer);

		if (!name)
			return WF_STEP_ERROR;
		s->result =
		    *name
			? PQexecPrepared(s->db->conn, name, s->nparams,
					 (const char *const *)s->values, s->lengths, s->formats, 0)
			: PQexecParams(s->db->conn, s->sql, s->nparams, s->types,
				       (const char *const *)s->values, s->lengths, s->formats, 0);
		ExecStatusType status = PQresultStatus(s->result);
		if (status == PGRES_COMMAND_OK) {
			s->changes = strtoll(PQcmdTuples(s->result), NULL, 10);
			s->rows = 0;
		} else if (status == PGRES_TUPLES_OK) {
			s->changes = strtoll(PQcmdTuples(s->result), NULL, 10);
			s->rows = PQntuples(s->result);
		} else {
			keep_error(s->db, s->result);
			PQclear(s->result);
			s->result = NULL;
			return strncmp(s->db->sqlstate, "23", 2) == 0 ? WF_STEP_CONSTRAINT
								      : WF_STEP_ERROR;
		}
		s->row = -1;
	}
	if (++s->row < s->rows)
		return WF_ROW;
	s->row = s->rows;
	return WF_DONE;
}

static const char *
pg_column_text(struct wf_stmt *stmt, int column)
{
	struct pg_stmt *s = statement(stmt);

	if (!s->result || s->row < 0 || s->row >= s->rows || column >= PQnfields(s->result) ||
	    PQgetisnull(s->result, s->row, column))
		return NULL;
	return PQgetvalue(s->result, s->row, column);
}

/* bytea comes as text ("\\x" and hex digits): unescaped into the statement's buffer. */
static const void *
pg_column_blob(struct wf_stmt *stmt, int column, size_t *size)
{
	struct pg_stmt *s = statement(stmt);
	const char *text = pg_column_text(stmt, column);

	PQfreemem(s->blob);
	s->blob = text ? PQunescapeBytea((const unsigned char *)text, size) : NULL;
	if (!s->blob)
		*size = 0;
	return s->blob;
}

static int64_t
pg_column_int64(struct wf_stmt *stmt, int column)
{
	const char *text = pg_column_text(stmt, column);

	/* A boolean reads as sqlite's 0 or 1. */
	if (!text)
		return 0;
	if (strcmp(text, "t") == 0 || strcmp(text, "f") == 0)
		return *text == 't';
	return strtoll(text, NULL, 10);
}

static int64_t
pg_changes(struct wf_stmt *stmt)
{
	return statement(stmt)->changes;
}

static void
pg_reset(struct wf_stmt *stmt)
{
	struct pg_stmt *s = statement(stmt);

	PQclear(s->result);
	s->result = NULL;
	s->row = s->rows = 0;
}

static void
pg_close(struct wf_db *wdb)
{
	struct pg_db *db = database(wdb);

	if (!db)
		return;
	PQfinish(db->conn);
	for (size_t i = 0; i < db->nprepared; i++) {
		free(db->prepared[i].sql);
		free(db->prepared[i].types);
	}
	free(db->prepared);
	free(db->message);
	free(db);
}

/*
 * The reports count by the station's local day: the session's time zone is the one this
 * process runs in (TZ, else /etc/localtime's zone), UTC when neither names one.
 */
static bool
set_time_zone(struct pg_db *db)
{
	const char *tz = getenv("TZ");
	char link[512] = "", *zone = NULL;
	ssize_t n;

	if (tz && *tz)
		zone = strdup(*tz == ':' ? tz + 1 : tz);
	else if ((n = readlink("/etc/localtime", link, sizeof(link) - 1)) > 0) {
		link[n] = '\0';
		char *z = strstr(link, "zoneinfo/");
		zone = strdup(z ? z + strlen("zoneinfo/") : "UTC");
	} else
		zone = strdup("UTC");
	if (!zone)
		return false;
	const char *values[1] = {zone};
	PGresult *result = PQexecParams(db->conn, "SELECT set_config('TimeZone', $1, false)", 1,
					NULL, values, NULL, NULL, 0);
	bool ok = PQresultStatus(result) == PGRES_TUPLES_OK;
	if (!ok)
		keep_error(db, result);
	PQclear(result);
	free(zone);
	return ok;
}

/*
 * A password in the URI has been in argv or the environment; the network is crossed only
 * encrypted with the server's certificate checked (sslmode verify-full): the store holds
 * NIKs and the audit chain. Checked on the URI before anything is sent, and again on what
 * the connection used (a service file or PGHOST may have named the host).
 */
static int
check_options(PQconninfoOption *options, const char *target, struct wf_error *err)
{
	const char *host = NULL, *mode = NULL;
	bool password = false;

	if (!options)
		return wf_fail(err, WF_ERR_INVALID, _("%s is not a PostgreSQL connection URI"),
			       target);
	for (PQconninfoOption *o = options; o->keyword; o++) {
		if (strcmp(o->keyword, "password") == 0 && o->val && *o->val)
			password = true;
		else if (strcmp(o->keyword, "host") == 0 || strcmp(o->keyword, "hostaddr") == 0)
			host = o->val && *o->val && *o->val != '/' ? o->val : host;
		else if (strcmp(o->keyword, "sslmode") == 0)
			mode = o->val;
	}
	bool verified = !host || (mode && strcmp(mode, "verify-full") == 0);
	PQconninfoFree(options);
	if (password)
		return wf_fail(err, WF_ERR_UNSAFE,
			       _("the database URI holds a password, which the command line and the"
				 " environment show to others: remove it and keep it in ~/.pgpass"
				 " (PGPASSFILE) or a libpq service file"));
	if (!verified)
		return wf_fail(
		    err, WF_ERR_UNSAFE,
		    _("%s reaches the database over the network without sslmode=verify-full:"
		      " add ?sslmode=verify-full, or use the local socket"),
		    target);
	return WF_OK;
}

/* What the connection used: its host, and no password in the URI (it came from .pgpass). */
static int
check_connection(struct pg_db *db, const char *target, struct wf_error *err)
{
	PQconninfoOption *options = PQconninfo(db->conn);

	for (PQconninfoOption *o = options; o && o->keyword; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val) {
			PQfreemem(o->val);
			o->val = NULL;
		}
	return check_options(options, target, err);
}

static int
pg_open(const char *target, bool create, struct wf_db **out, struct wf_error *err)
{
	struct pg_db *db;
	int r;

	if ((r = check_options(PQconninfoParse(target, NULL), target, err)) != WF_OK)
		return r;
	if (!(db = calloc(1, sizeof(*db))))
		return wf_fail(err, WF_ERR_INTERNAL, _("out of memory"));
	db->base.driver = &wf_driver_pgsql;
	db->conn = PQconnectdb(target);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		keep_error(db, NULL);
		r = wf_fail(err, WF_ERR_NO_DATABASE, _("%s: %s"), target, db->message);
	} else if ((r = check_connection(db, target, err)) == WF_OK) {
		/*
		 * No JIT: the store's statements are short, and compiling one whose row
		 * estimates run high (the holders report's days cut by a period's end) took
		 * half a second, four times the report itself.
		 */
		if (!set_time_zone(db) ||
		    !pg_exec(&db->base, "SET client_min_messages = warning; SET jit = off"))
			r = pg_fail(&db->base, err, _("configure connection"));
		else
			r = wf_pgsql_migrate(&db->base, target, create, err);
	}
	if (r != WF_OK) {
		pg_close(&db->base);
		return r;
	}
	*out = &db->base;
	return WF_OK;
}

/* The server checks its own pages (data checksums): nothing an ordinary login can run. */
static int
pg_check_integrity(struct wf_db *db, bool full, struct wf_error *err)
{
	(void)full;
	if (!pg_exec(db, "SELECT 1 FROM audit_head LIMIT 1"))
		return pg_fail(db, err, _("check the database"));
	return WF_OK;
}

#define LOCAL_TIME "to_timestamp(at)"
static const char *const pgsql_queries[WF_Q_COUNT] = {
    [WF_Q_HOLDERS_MONTH] = "to_char(" LOCAL_TIME ", 'YYYY-MM')",
    [WF_Q_HOLDERS_QUARTER] = "to_char(" LOCAL_TIME ", 'YYYY-\"Q\"Q')",
    [WF_Q_HOLDERS_YEAR] = "to_char(" LOCAL_TIME ", 'YYYY')",
    [WF_Q_GRANT_LOGIN] = "SELECT enroll_grant_login(?1)",
    [WF_Q_IS_OWNER] = "SELECT enroll_is_owner()",
    /* A copy's explicit ids leave the identity's sequence behind: move it past them. */
    [WF_Q_CONTINUE_IDS] = "SELECT setval(pg_get_serial_sequence(?1, 'id'), ?2, false)",
    /* The server moves it as it takes the row (schema-pgsql.c, enroll_audit_row). */
    [WF_Q_MOVE_AUDIT_HEAD] = NULL,
    [WF_Q_AUDIT_APPEND] = "SELECT enroll_audit_append(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    /* The step times are summed at the commit (schema-pgsql.c, version 10). */
    [WF_Q_SUMMARIES_NOW] = "SET CONSTRAINTS events_step_time_days IMMEDIATE",
};

const struct wf_driver wf_driver_pgsql = {
    .name = "postgresql",
    .open = pg_open,
    .close = pg_close,
    .prepare = pg_prepare,
    .bind_text = pg_bind_text,
    .bind_int64 = pg_bind_int64,
    .bind_null = pg_bind_null,
    .bind_blob = pg_bind_blob,
    .step = pg_step,
    .column_int64 = pg_column_int64,
    .column_text = pg_column_text,
    .column_blob = pg_column_blob,
    .changes = pg_changes,
    .reset = pg_reset,
    .finalize = pg_finalize,
    .exec = pg_exec,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .in_transaction = pg_in_transaction,
    .fail = pg_fail,
    .check_integrity = pg_check_integrity,
    .queries = pgsql_queries,
    .scans_in_store = true,
};
