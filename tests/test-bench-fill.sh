#!/bin/sh
# test-bench-fill.sh: the benchmark's store is one an office could have. bench/wf-bench's
# fill, given the same size and clock, makes the same store on both engines, table for
# table: the summaries sqlite's triggers keep row by row are those PostgreSQL's bulk load
# makes once at its end. Each store passes enroll audit verify, and acts go on in it. Its
# chain is longer than the page audit verify reads at a time (10,000 rows): a row altered
# or removed past the first page, or at a page's end, is found.
. "$top_srcdir/tests/enroll-lib.sh"
. "$top_srcdir/tests/store-dump.sh"

BENCH=$top_builddir/bench/wf-bench
NOW=1796000000 # 2026-11-28, a fixed clock for both fills
N=1300 # about 10,700 audit rows

export ENROLL_STATE_DIR="$T_DIR/state"
t_pg_database
SERVER="postgresql:///$PG_DB?host=$PG"
FILE=$T_DIR/fill.db

# Beside the tables a copy compares: the summaries the copy's target makes itself. A day's
# row of the holders' sums left all zero counts nothing (holdings.h): not compared.
TABLES="$TABLES
chain_states|number, state, seq|number
holding_days|day, agency, work_unit, handed, holders, new_requests, renewals, revoked, lost, expired|day, agency, work_unit|handed <> 0 OR holders <> 0 OR new_requests <> 0 OR renewals <> 0 OR revoked <> 0 OR lost <> 0 OR expired <> 0"

t_ok "the fill makes a sqlite store" "$BENCH" fill "$FILE" "$N" "$NOW"
t_ok "the fill makes a PostgreSQL store" "$BENCH" fill "$SERVER" "$N" "$NOW"
t_ok "the sqlite store passes audit verify" "$ENROLL" audit verify --db "$FILE"
t_ok "the PostgreSQL store passes audit verify" "$ENROLL" audit verify --db "$SERVER"

# Every table the fill writes or summarises has rows to compare.
has_rows() {
	dump "$FILE" >"$T_DIR/file.dump" || return 1
	for table in applicants applications events documents certificates audit step_time_days \
		holdings chain_states holding_days; do
		grep -q "^$table|" "$T_DIR/file.dump" || { echo "no rows in $table"; return 1; }
	done
}
t_ok "the store has rows in every table the fill writes or sums up" has_rows

same_rows() {
	dump "$FILE" >"$T_DIR/file.dump" && dump "$SERVER" >"$T_DIR/server.dump" &&
	diff "$T_DIR/file.dump" "$T_DIR/server.dump" | head -20 &&
	cmp -s "$T_DIR/file.dump" "$T_DIR/server.dump"
}
t_ok "both engines hold the same rows, summaries and audit chain included" same_rows

# After a bulk load the server's triggers are on again and its numbering goes on.
t_ok "acts go on in the PostgreSQL store" "$BENCH" transitions "$SERVER" 10 2
t_ok "its audit still verifies after them" "$ENROLL" audit verify --db "$SERVER"

# sql SQL: as the cluster's superuser, past the server's triggers (session_replication_role).
sql() {
	psql -h "$PG" -d "$PG_DB" -qAtX -v ON_ERROR_STOP=1 \
		-c "SET session_replication_role = replica" -c "$1" >/dev/null
}
# refused_naming MESSAGE: audit verify fails with the audit status, naming what it found.
refused_naming() {
	"$ENROLL" audit verify --db "$SERVER" >"$T_DIR/verify.out" 2>&1
	status=$?
	[ "$status" -eq 22 ] || { echo "status $status, not 22"; cat "$T_DIR/verify.out"; return 1; }
	grep -F "$1" "$T_DIR/verify.out" || { cat "$T_DIR/verify.out"; return 1; }
}
altered_past_the_first_page() {
	sql "UPDATE audit SET detail = detail || '.' WHERE seq = 10005" &&
	refused_naming "audit row 10005 was altered" &&
	sql "UPDATE audit SET detail = left(detail, -1) WHERE seq = 10005" &&
	"$ENROLL" audit verify --db "$SERVER" >/dev/null
}
t_ok "a row altered past the first page is found, and only it" altered_past_the_first_page
state_past_the_first_page() {
	number=$(psql -h "$PG" -d "$PG_DB" -qAtX -c "SELECT number FROM chain_states
		WHERE state = 'active' AND seq > 10000 ORDER BY seq LIMIT 1") &&
	[ -n "$number" ] &&
	sql "UPDATE applications SET state = 'revoked' WHERE number = '$number'" &&
	refused_naming "$number"
}
t_ok "a state set by hand past the chain's first page is found" state_past_the_first_page
removed_at_a_page_end() {
	sql "DELETE FROM audit WHERE seq = 10000" &&
	refused_naming "audit row 10000 is missing (found 10001 in its place)"
}
t_ok "a row removed at a page's end is found, the next page's first in its place" \
	removed_at_a_page_end
t_done
