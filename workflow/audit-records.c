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

/*
 * One statement per effect, in the order of the bits: ?1 number, ?2 audit seq, ?3 value;
 * the first one (EFFECT_COUNT) makes the application's row.
 */
static const char *const effect_sql[EFFECT_COUNT + 1] = {
    "UPDATE chain_records SET state = 'submitted', state_seq = ?2 WHERE number = ?1",
    "UPDATE chain_records SET state = ?3, state_seq = ?2 WHERE number = ?1",
    "UPDATE chain_records SET keys = keys + 1, key_status = 'intent', key_id = '',"
    " token_serial = ?3, key_seq = ?2 WHERE number = ?1",
    "UPDATE chain_records SET key_status = 'generated', key_id = ?3, key_seq = ?2"
    " WHERE number = ?1",
    "UPDATE chain_records SET key_status = 'complete', key_seq = ?2 WHERE number = ?1",
    "UPDATE chain_records SET key_status = 'abandoned', key_seq = ?2 WHERE number = ?1",
    "UPDATE chain_records SET certificates = certificates + 1 WHERE number = ?1",
    "INSERT INTO chain_records (number) VALUES (?1) ON CONFLICT DO NOTHING",
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

static int
apply_effect(struct wf_stmt *stmt, const char *number, int64_t seq, const char *value,
	     struct wf_store *store, struct wf_error *err)
{
	wf_reset(stmt);
	wf_bind_text(stmt, 1, number);
	wf_bind_int64(stmt, 2, seq);
	wf_bind_text(stmt, 3, value);
	if (wf_next(stmt) != WF_DONE)
		return wf_fail_db(err, store, _("replay audit row"));
	return WF_OK;
}

/* One audit row's effects on chain_records. */
static int
replay_row(struct wf_store *store, struct wf_stmt *const *effect_stmts, struct wf_stmt *row,
	   struct wf_error *err)
{
	int64_t seq = wf_column_int64(row, 0);
	const char *kind = wf_column_text(row, 1);
	const char *number = wf_column_text(row, 2);
	const char *action = wf_column_text(row, 3);
	const char *detail = wf_column_text(row, 4);
	unsigned effects = effects_of(kind ? kind : "", action ? action : "");
	char value[256];
	int r = WF_OK;

	if (effects != 0)
		r = apply_effect(effect_stmts[EFFECT_COUNT], number, seq, NULL, store, err);
	for (int bit = 0; r == WF_OK && bit < EFFECT_COUNT; bit++) {
		unsigned effect = 1u << bit;
		if ((effects & effect) &&
		    effect_value(effect, detail ? detail : "", value, sizeof(value)))
			r = apply_effect(effect_stmts[bit], number, seq, value, store, err);
	}
	return r;
}

/*
 * Replay the chain's rows into temp.chain_records (number, state, keys, key_status,
 * key_id, token_serial, certificates): what each application's record must be. Run inside
 * a read transaction; the table is read before that transaction ends.
 */
static int
audit_replay(struct wf_store *store, struct wf_error *err)
{
	struct wf_stmt *effect_stmts[EFFECT_COUNT + 1] = {NULL}, *rows = NULL;
	int r, rc = WF_DONE;

	if ((r = wf_exec(store, create_sql, _("prepare the replay"), err)) != WF_OK)
		return r;
	for (int i = 0; i <= EFFECT_COUNT; i++)
		if ((r = wf_prepare(store, effect_sql[i], &effect_stmts[i], err)) != WF_OK)
			goto out;
	if ((r = wf_prepare(store,
			    "SELECT seq, kind, application, action, detail FROM audit"
			    " WHERE result = 'ok' AND application <> '' ORDER BY seq",
			    &rows, err)) != WF_OK)
		goto out;
	while (r == WF_OK && (rc = wf_next(rows)) == WF_ROW)
		r = replay_row(store, effect_stmts, rows, err);
	if (r == WF_OK && rc != WF_DONE)
		r = wf_fail_db(err, store, _("read audit"));
out:
	wf_finalize(rows);
	for (int i = 0; i <= EFFECT_COUNT; i++)
		wf_finalize(effect_stmts[i]);
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
