/*
 * audit-records.c: the records against the audit chain. The chain's rows are replayed
 * (submissions, transitions, key acts, certificate imports) into what each application's
 * record must be, and every row of applications, keys and certificates that disagrees is
 * named: a state set from rejected to active with the sqlite3 CLI fires no audit row.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "holdings.h"
#include "workflow-int.h"

/* What an audit row does to the record its chain describes. */
enum replay_effect {
	SET_SUBMITTED = 1 << 0,
	SET_STATE = 1 << 1, /* the "from -> to" that opens a transition's detail */
	KEY_BEGIN = 1 << 2,
	KEY_ID = 1 << 3,
	KEY_COMPLETE = 1 << 4,
	KEY_ABANDON = 1 << 5,
	CERTIFICATE = 1 << 6,
	EFFECT_COUNT = 7,
};

/* By kind and action; a NULL action is every other action of the kind. */
static const struct {
	const char *kind, *action;
	unsigned effects;
} replay_rules[] = {
    {"act", "submit", SET_SUBMITTED},
    {"act", "document", 0},
    {"act", "record_key", SET_STATE | KEY_COMPLETE},
    {"act", "import_certificate", SET_STATE | CERTIFICATE},
    {"act", NULL, SET_STATE},
    {"key", "key_begin", KEY_BEGIN},
    {"key", "key_set_id", KEY_ID},
    {"key", "key_abandon", KEY_ABANDON},
    {"key", NULL, 0}, /* removals from a token: no record of the application changes */
};

static const char create_sql[] = "CREATE TEMP TABLE IF NOT EXISTS chain_records ("
				 "  number TEXT PRIMARY KEY,"
				 "  state TEXT,"
				 "  state_seq INTEGER NOT NULL DEFAULT 0,"
				 "  keys INTEGER NOT NULL DEFAULT 0,"
				 "  key_status TEXT,"
				 "  key_id TEXT NOT NULL DEFAULT '',"
				 "  token_serial TEXT NOT NULL DEFAULT '',"
				 "  key_seq INTEGER NOT NULL DEFAULT 0,"
				 "  certificates INTEGER NOT NULL DEFAULT 0);"
				 "DELETE FROM chain_records;";

static unsigned
effects_of(const char *kind, const char *action)
{
	for (size_t i = 0; i < sizeof(replay_rules) / sizeof(replay_rules[0]); i++)
		if (strcmp(replay_rules[i].kind, kind) == 0 &&
		    (!replay_rules[i].action || strcmp(replay_rules[i].action, action) == 0))
			return replay_rules[i].effects;
	return 0;
}

/*
 * The effect's value out of the row's detail into buf (the new state, the token serial,
 * the key id; "" for the effects that take none); false if the detail has none.
 */
static bool
effect_value(unsigned effect, const char *detail, char *buf, size_t size)
{
	const char *start = "", *end = NULL;

	if (effect == SET_STATE && (start = strstr(detail, " -> ")) != NULL) {
		start += 4;
		end = strchr(start, ',');
	} else if (effect == KEY_BEGIN && strncmp(detail, "token ", 6) == 0) {
		start = detail + 6;
		end = strstr(start, " (");
	} else if (effect == KEY_ID) {
		start = detail;
		end = start + strlen(start);
	} else if (effect != SET_STATE && effect != KEY_BEGIN) {
		end = start;
	}
	if (!start || !end || (size_t)(end - start) >= size)
		return false;
	memcpy(buf, start, (size_t)(end - start));
	buf[end - start] = '\0';
	return true;
}

/* What one application's record must be, as the chain's rows so far make it. */
struct chain_record {
	char *number;
	char *state; /* NULL until a row sets one */
	int64_t state_seq, keys, key_seq, certificates;
	const char *key_status; /* NULL until a key act */
	char *key_id, *token_serial;
};

/* The records by number: an open-addressed table of indexes into the array. */
struct replay {
	struct chain_record *records;
	size_t count, cap;
	size_t *slots; /* index + 1; 0 empty */
	size_t nslots;
};

static uint64_t
number_hash(const char *number)
{
	uint64_t h = 14695981039346656037u;

	for (const unsigned char *p = (const unsigned char *)number; *p; p++)
		h = (h ^ *p) * 1099511628211u;
	return h;
}

/* The slots twice as many, the records placed again. */
static int
replay_grow(struct replay *rp, struct wf_error *err)
{
	size_t nslots = rp->nslots ? 2 * rp->nslots : 1024;
	size_t *slots = calloc(nslots, sizeof(*slots));

	if (!slots)
		return wf_fail(err, WF_ERR_INTERNAL, _("out of memory"));
	for (size_t i = 0; i < rp->count; i++) {
		size_t at = number_hash(rp->records[i].number) & (nslots - 1);
		while (slots[at])
			at = (at + 1) & (nslots - 1);
		slots[at] = i + 1;
	}
	free(rp->slots);
	rp->slots = slots;
	rp->nslots = nslots;
	return WF_OK;
}

/* The record of number, made empty if it is new; NULL with err set if out of memory. */
static struct chain_record *
replay_record(struct replay *rp, const char *number, struct wf_error *err)
{
	size_t at;

	if (2 * (rp->count + 1) > rp->nslots && replay_grow(rp, err) != WF_OK)
		return NULL;
	for (at = number_hash(number) & (rp->nslots - 1); rp->slots[at];
	     at = (at + 1) & (rp->nslots - 1))
		if (strcmp(rp->records[rp->slots[at] - 1].number, number) == 0)
			return &rp->records[rp->slots[at] - 1];
	struct chain_record *bigger =
	    wf_array_reserve(rp->records, rp->count, &rp->cap, sizeof(*rp->records), err);
	if (!bigger)
		return NULL;
	rp->records = bigger;
	struct chain_record *c = &bigger[rp->count];
	memset(c, 0, sizeof(*c));
	if (!(c->number = strdup(number)) || !(c->key_id = strdup("")) ||
	    !(c->token_serial = strdup(""))) {
		free(c->number);
		free(c->key_id);
		wf_fail(err, WF_ERR_INTERNAL, _("out of memory"));
		return NULL;
	}
	rp->slots[at] = ++rp->count;
	return c;
}

static void
replay_free(struct replay *rp)
{
	for (size_t i = 0; i < rp->count; i++) {
		free(rp->records[i].number);
		free(rp->records[i].state);
		free(rp->records[i].key_id);
		free(rp->records[i].token_serial);
	}
	free(rp->records);
	free(rp->slots);
}

/* *field, a malloc'd text, replaced by value; false if out of memory. */
static bool
replace_text(char **field, const char *value)
{
	char *copy = strdup(value);

	if (!copy)
		return false;
	free(*field);
	*field = copy;
	return true;
}

/* One effect of the row at seq on its record; false if out of memory. */
static bool
apply_effect(struct chain_record *c, unsigned effect, int64_t seq, const char *value)
{
	switch (effect) {
	case SET_SUBMITTED:
		value = "submitted";
		/* fall through */
	case SET_STATE:
		c->state_seq = seq;
		return replace_text(&c->state, value);
	case KEY_BEGIN:
		c->keys++;
		c->key_status = "intent";
		c->key_seq = seq;
		return replace_text(&c->key_id, "") && replace_text(&c->token_serial, value);
	case KEY_ID:
		c->key_status = "generated";
		c->key_seq = seq;
		return replace_text(&c->key_id, value);
	case KEY_COMPLETE:
		c->key_status = "complete";
		c->key_seq = seq;
		return true;
	case KEY_ABANDON:
		c->key_status = "abandoned";
		c->key_seq = seq;
		return true;
	default: /* CERTIFICATE */
		c->certificates++;
		return true;
	}
}

/* One audit row's effects on its application's record. */
static int
replay_row(struct replay *rp, struct wf_stmt *row, struct wf_error *err)
{
	int64_t seq = wf_column_int64(row, 0);
	const char *kind = wf_column_text(row, 1);
	const char *number = wf_column_text(row, 2);
	const char *action = wf_column_text(row, 3);
	const char *detail = wf_column_text(row, 4);
	unsigned effects = effects_of(kind ? kind : "", action ? action : "");
	struct chain_record *c;
	char value[256];

	if (effects == 0)
		return WF_OK;
	if (!(c = replay_record(rp, number ? number : "", err)))
		return WF_ERR_INTERNAL;
	for (int bit = 0; bit < EFFECT_COUNT; bit++) {
		unsigned effect = 1u << bit;
		if ((effects & effect) &&
		    effect_value(effect, detail ? detail : "", value, sizeof(value)) &&
		    !apply_effect(c, effect, seq, value))
			return wf_fail(err, WF_ERR_INTERNAL, _("out of memory"));
	}
	return WF_OK;
}

/* The records into temp.chain_records, many rows to a statement. */
static int
replay_write(struct wf_store *store, const struct replay *rp, struct wf_error *err)
{
	struct wf_rows *rows =
	    wf_rows_new(store,
			"INSERT INTO chain_records (number, state, state_seq, keys, key_status,"
			" key_id, token_serial, key_seq, certificates)",
			"ttiitttii");
	int r = WF_OK;

	if (!rows)
		return wf_fail(err, WF_ERR_INTERNAL, _("out of memory"));
	for (size_t i = 0; r == WF_OK && i < rp->count; i++) {
		const struct chain_record *c = &rp->records[i];
		r = wf_rows_add(rows, err, c->number, c->state, c->state_seq, c->keys,
				c->key_status, c->key_id, c->token_serial, c->key_seq,
				c->certificates);
	}
	if (r == WF_OK)
		r = wf_rows_flush(rows, err);
	wf_rows_free(rows);
	return r;
}

/*
 * Replay the chain's rows into temp.chain_records (number, state, keys, key_status,
 * key_id, token_serial, certificates): what each application's record must be. Run inside
 * a read transaction; the table is read before that transaction ends. The rows are read a
 * page at a time and replayed in memory: a statement per row would be a round trip each
 * to a server.
 */
static int
audit_replay(struct wf_store *store, struct wf_error *err)
{
	struct replay rp = {0};
	struct wf_audit_pages pages;
	int r, rc = WF_DONE;

	if ((r = wf_exec(store, create_sql, _("prepare the replay"), err)) != WF_OK)
		return r;
	wf_audit_pages_open(&pages, store, "seq, kind, application, action, detail",
			    "result = 'ok' AND application <> ''");
	while (r == WF_OK && (rc = wf_audit_pages_next(&pages, err)) == WF_ROW)
		r = replay_row(&rp, pages.stmt, err);
	if (r == WF_OK && rc != WF_DONE)
		r = rc;
	wf_audit_pages_close(&pages);
	if (r == WF_OK)
		r = replay_write(store, &rp, err);
	replay_free(&rp);
	return r;
}

/*
 * Each query yields the disagreeing rows as (row id in table, application number, the
 * problem in words): SQL's format() takes the message, translated, as ?1
 * (only %s: PostgreSQL's format() knows no other).
 */
static const struct {
	const char *table;
	const char *sql;
	const char *message;
} comparisons[] = {
    {"applications",
     "SELECT a.id, a.number, format(?1, a.state, coalesce(c.state, '-'), c.state_seq)"
     " FROM applications a LEFT JOIN chain_records c ON c.number = a.number"
     " WHERE c.state IS DISTINCT FROM a.state ORDER BY a.id",
     N_("state is %s, but the audit log says %s (audit row %s)")},
    {"applications",
     "SELECT 0, c.number, format(?1, c.state, c.state_seq) FROM chain_records c"
     " WHERE NOT EXISTS (SELECT 1 FROM applications a WHERE a.number = c.number)",
     N_("missing from the records, but the audit log says %s (audit row %s)")},
    {"keys",
     "SELECT coalesce(max(k.id), 0), a.number, format(?1, count(k.id), c.keys)"
     " FROM applications a JOIN chain_records c ON c.number = a.number"
     " LEFT JOIN keys k ON k.application_id = a.id GROUP BY a.id, c.number"
     " HAVING count(k.id) <> c.keys ORDER BY a.id",
     N_("%s key generations recorded, but the audit log begins %s")},
    {"keys",
     "SELECT k.id, a.number, format(?1, k.status, k.token_serial, k.key_id, c.key_status,"
     " c.token_serial, c.key_id, c.key_seq)"
     " FROM keys k JOIN applications a ON a.id = k.application_id"
     " JOIN chain_records c ON c.number = a.number"
     " WHERE k.id = (SELECT max(id) FROM keys WHERE application_id = a.id)"
     " AND (k.status IS DISTINCT FROM c.key_status OR k.token_serial <> c.token_serial"
     " OR k.key_id <> c.key_id) ORDER BY k.id",
     N_("key %s on token %s (id '%s'), but the audit log says %s on token %s (id '%s', audit"
	" row %s)")},
    {"certificates",
     "SELECT coalesce(max(t.id), 0), a.number, format(?1, count(t.id), c.certificates)"
     " FROM applications a JOIN chain_records c ON c.number = a.number"
     " LEFT JOIN certificates t ON t.application_id = a.id GROUP BY a.id, c.number"
     " HAVING count(t.id) <> c.certificates ORDER BY a.id",
     N_("%s certificates recorded, but the audit log imports %s")},
    /* The summary the holders report counts by (schema.c, version 8). */
    {"chain_states",
     "SELECT 0, c.number, format(?1, coalesce(s.state, '-'), c.state, c.state_seq)"
     " FROM chain_records c LEFT JOIN chain_states s ON s.number = c.number"
     " WHERE c.state IS NOT NULL AND (s.state IS DISTINCT FROM c.state OR s.seq <> c.state_seq)"
     " ORDER BY c.number",
     N_("the chain's summary says %s, but the audit log says %s (audit row %s)")},
    {"chain_states",
     "SELECT 0, s.number, format(?1, s.state, s.seq) FROM chain_states s"
     " LEFT JOIN chain_records c ON c.number = s.number WHERE c.state IS NULL"
     " ORDER BY s.number",
     N_("the chain's summary says %s (audit row %s), but the audit log sets no state")},
    /* The holders summary (holdings.h, version 9), against the records it is made of. */
    {"holdings",
     "SELECT r.application_id, a.number, format(?1, coalesce(h.state || ' ' || h.at || ' ' ||"
     " h.latest, '-'), r.state || ' ' || r.at || ' ' || r.latest)"
     " FROM holdings_recomputed r JOIN applications a ON a.id = r.application_id"
     " LEFT JOIN holdings h ON h.application_id = r.application_id"
     " WHERE h.application_id IS NULL OR h.nik <> r.nik OR h.at <> r.at"
     " OR h.agency <> r.agency OR h.work_unit <> r.work_unit OR h.state <> r.state"
     " OR h.request_type <> r.request_type OR h.latest <> r.latest ORDER BY r.application_id",
     N_("the holders summary has %s, but the records give %s (state, handover, latest)")},
    {"holdings",
     "SELECT h.application_id, coalesce(a.number, ''), format(?1, h.state)"
     " FROM holdings h LEFT JOIN applications a ON a.id = h.application_id"
     " WHERE NOT EXISTS (SELECT 1 FROM holdings_recomputed r"
     " WHERE r.application_id = h.application_id) ORDER BY h.application_id",
     N_("the holders summary counts a token %s, but the records hand over none")},
    {"holding_days",
     "SELECT 0, '', format(?1, day, agency, work_unit) FROM (SELECT day, agency, work_unit,"
     " handed, holders, new_requests, renewals, revoked, lost, expired FROM holding_days"
     " WHERE " WF_HOLDING_DAY_COUNTS_ANYTHING
     " EXCEPT SELECT " WF_DAY_OF("at") ", agency, work_unit, " WF_HOLDING_SUMS
				       " FROM holdings GROUP BY 1, 2, 3) AS d ORDER BY 3",
     N_("the holders' sums for day %s, %s, %s are not those of the summary's rows")},
    {"holding_days",
     "SELECT 0, '', format(?1, day, agency, work_unit) FROM (SELECT " WF_DAY_OF(
	 "at") " AS day, agency, work_unit, " WF_HOLDING_SUMS " FROM holdings GROUP BY 1, 2, 3"
	       " EXCEPT SELECT day, agency, work_unit, handed, holders, new_requests, renewals,"
	       " revoked, lost, expired FROM holding_days WHERE " WF_HOLDING_DAY_COUNTS_ANYTHING
	       ") AS d ORDER BY 3",
     N_("the holders' sums for day %s, %s, %s are missing")},
    {"unsupported",
     "SELECT u.application_id, u.number, format(?1, u.nik) FROM (SELECT application_id, nik,"
     " number FROM unsupported EXCEPT " WF_UNSUPPORTED_ROWS("") ") AS u ORDER BY 1",
     N_("named as held by the records alone (NIK %s), but it is not")},
    {"unsupported",
     "SELECT u.id, u.number, format(?1, u.nik) FROM (" WF_UNSUPPORTED_ROWS(
	 "") " EXCEPT SELECT application_id, nik, number FROM unsupported) AS u ORDER BY 1",
     N_("held by the records alone (NIK %s), but not named so")},
};

static int
add_problem(struct wf_record_problem **list, size_t *count, size_t *cap, const char *table,
	    struct wf_stmt *stmt, struct wf_error *err)
{
	struct wf_record_problem *bigger =
	    wf_array_reserve(*list, *count, cap, sizeof(**list), err);

	if (!bigger)
		return WF_ERR_INTERNAL;
	*list = bigger;
	struct wf_record_problem *p = &bigger[(*count)++];
	memset(p, 0, sizeof(*p));
	snprintf(p->table, sizeof(p->table), "%s", table);
	p->row = wf_column_int64(stmt, 0);
	wf_column_copy(stmt, 1, p->application, sizeof(p->application));
	wf_column_copy(stmt, 2, p->message, sizeof(p->message));
	return WF_OK;
}

static int
compare_records(struct wf_store *store, struct wf_record_problem **list, size_t *count,
		struct wf_error *err)
{
	size_t cap = 0;
	int r = WF_OK, rc = WF_DONE;

	for (size_t i = 0; r == WF_OK && i < sizeof(comparisons) / sizeof(comparisons[0]); i++) {
		struct wf_stmt *stmt = NULL;
		if ((r = wf_prepare(store, comparisons[i].sql, &stmt, err)) != WF_OK)
			break;
		wf_bind_text(stmt, 1, _(comparisons[i].message));
		while (r == WF_OK && (rc = wf_next(stmt)) == WF_ROW)
			r = add_problem(list, count, &cap, comparisons[i].table, stmt, err);
		if (r == WF_OK && rc != WF_DONE)
			r = wf_fail_db(err, store, _("compare records"));
		wf_finalize(stmt);
	}
	return r;
}

int
wf_audit_check_records(struct wf_store *store, struct wf_record_problem **out, size_t *count,
		       struct wf_error *err)
{
	struct wf_record_problem *list = NULL;
	size_t n = 0;
	int r;

	wf_error_clear(err);
	/* One snapshot for the replay and the comparison. */
	if ((r = wf_read_begin(store, err)) != WF_OK)
		return r;
	if ((r = audit_replay(store, err)) == WF_OK)
		r = compare_records(store, &list, &n, err);
	wf_read_end(store);
	if (r == WF_OK && n > 0)
		r = wf_fail(
		    err, WF_ERR_AUDIT,
		    _("records that disagree with the audit log: %zu; the first: %s row %" PRId64
		      " (%s): %s"),
		    n, list[0].table, list[0].row, list[0].application, list[0].message);
	if (r != WF_OK && r != WF_ERR_AUDIT) {
		free(list);
		return r;
	}
	if (out) {
		*out = list;
		*count = n;
	} else {
		free(list);
	}
	return r;
}
