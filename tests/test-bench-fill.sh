#!/bin/sh
# test-bench-fill.sh: the benchmark's store is one an office could have. bench/wf-bench's
# fill, given the same size and clock, makes the same store on both engines, table for
# table: the summaries sqlite's triggers keep row by row are those PostgreSQL's bulk load
# makes once at its end. Each store passes enroll audit verify, and acts go on in it.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/store-dump.sh"

BENCH=$top_builddir/bench/wf-bench
NOW=1796000000 # 2026-11-28, a fixed clock for both fills
N=400
export ENROLL_STATE_DIR="$T_DIR/state"

# The test cluster's database (ENROLL_TEST_PG), or one of a cluster this test starts.
DB=t_$(basename "$T_DIR" | tr 'A-Z.-' 'a-z__')
if [ -n "${ENROLL_TEST_PG:-}" ]; then
	PG=$ENROLL_TEST_PG
	trap 'psql -h "$PG" -d postgres -qAt -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" \
		>/dev/null 2>&1; t_cleanup' EXIT
else
	PG=$T_DIR/pg
	chmod 711 "$T_DIR" # the server runs as postgres and reaches its directory through it
	sh "$top_srcdir/scripts/pg-cluster.sh" start "$PG" ||
		{ echo "Bail out! no PostgreSQL cluster (scripts/pg-cluster.sh)"; exit 1; }
	trap 'sh "$top_srcdir/scripts/pg-cluster.sh" stop "$PG"; t_cleanup' EXIT
fi
psql -h "$PG" -d postgres -qAt -c "CREATE DATABASE $DB" >/dev/null ||
	{ echo "Bail out! no test database"; exit 1; }
SERVER="postgresql:///$DB?host=$PG"
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
t_done
