#!/bin/sh
# workflow-bench.sh: the workflow store with a million applications. Fills a fresh
# database, times listing by state, each report and durable transitions through the
# library (bench/wf-bench), then the same queries and transitions with the sqlite3
# command-line tool on the same file, and prints both with their ratio.
#   bench/workflow-bench.sh [BUILDDIR] [APPLICATIONS] [TRANSITIONS]
# Targets: every list and report under 1 s; at least 500 transitions/s.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../_build}
count=${2:-1000000}
transitions=${3:-1000}
bench=$build/bench/wf-bench
[ -x "$bench" ] || { echo "workflow-bench: $bench not built (make -C $build)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "workflow-bench: sqlite3 not installed (apt-get install sqlite3)" >&2; exit 1; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/workflow-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM
chmod 700 "$dir"
db=$dir/enroll.db
results=$dir/results

now() { date +%s.%N; }
elapsed() { echo "$1 $2" | awk '{ printf "%.6f", $2 - $1 }'; }

# Time one query with the CLI: a process per query, as a shell pipeline would run it.
cli() {
	name=$1
	shift
	start=$(now)
	rows=$(sqlite3 "$db" "$@" | wc -l)
	echo "cli_$name $(elapsed "$start" "$(now)") $rows" >>"$results"
}

echo "# filling $db with $count applications"
"$bench" fill "$db" "$count" | tee "$results"
ls -l "$db" | awk '{ printf "# database: %.0f MB\n", $5 / 1048576 }'

echo "# library: lists and reports"
"$bench" measure "$db" | tee -a "$results"

# The summaries must agree with the rows they summarize.
holders_rows=$(sqlite3 "$db" "SELECT count(*) FROM applications WHERE state = 'active'")
acts_rows=$(sqlite3 "$db" "SELECT count(*) FROM events WHERE step BETWEEN 1 AND 7
 AND action NOT IN ('return', 'reject')")
awk -v h="$holders_rows" -v a="$acts_rows" '
	$1 == "report_holders" { printf "# check: holders %d by the report, %d active rows: %s\n", $3, h, ($3 == h ? "agree" : "DISAGREE") }
	$1 == "report_step_times" { printf "# check: acts %d by the report, %d event rows: %s\n", $3, a, ($3 == a ? "agree" : "DISAGREE") }
' "$results"

# The library's own statements, run by the CLI on the same file.
list_sql="SELECT p.number, p.state, p.step, a.full_name, a.work_unit, p.created_at, p.updated_at
 FROM applications p JOIN applicants a ON a.id = p.applicant_id WHERE p.state = :s
 ORDER BY p.updated_at DESC, p.id DESC LIMIT :l"
cli list_all_first100 "SELECT p.number, p.state, p.step, a.full_name, a.work_unit, p.created_at,
 p.updated_at FROM applications p JOIN applicants a ON a.id = p.applicant_id
 ORDER BY p.updated_at DESC, p.id DESC LIMIT 100"
for state in submitted sent active expired; do
	cli "list_${state}_first100" -cmd ".param set :s '$state'" -cmd ".param set :l 100" "$list_sql"
done
cli list_sent_whole -cmd ".param set :s 'sent'" -cmd ".param set :l -1" "$list_sql"

cli report_holders "SELECT work_unit, substr(day, 1, 7), sum(holders) FROM holder_days
 GROUP BY 1, 2"
cli report_states "SELECT state, count(*) FROM applications GROUP BY state"
last_year=$(( $(date +%s) - 365 * 86400 ))
cli report_states_last_year "SELECT state, count(*) FROM applications
 WHERE created_at >= $last_year AND created_at < 9223372036854775807 GROUP BY state"
cli report_step_times "SELECT step, action, minutes, acts FROM step_time_days"
t=$(date +%s)
cli report_overdue "SELECT a.number, a.state, a.step_started_at, ap.full_name, ap.work_unit
 FROM applications a JOIN applicants ap ON ap.id = a.applicant_id WHERE
 (a.state IN ('submitted', 'disposed_kadis', 'disposed_kabid', 'registered', 'returned')
  AND a.step_started_at < $t - 900) OR
 (a.state IN ('sent', 'key_generated', 'certificate_imported') AND a.step_started_at < $t - 600)
 ORDER BY a.step_started_at LIMIT 100"

# What a shell pipeline without the summaries would compute from the rows themselves.
cli raw_holders "SELECT ap.work_unit, strftime('%Y-%m', a.updated_at, 'unixepoch', 'localtime'),
 count(*) FROM applications a JOIN applicants ap ON ap.id = a.applicant_id
 WHERE a.state = 'active' GROUP BY 1, 2 ORDER BY 1, 2"
cli raw_step_times "SELECT step, action, minutes, count(*) FROM events
 WHERE step BETWEEN 1 AND 7 GROUP BY step, action, minutes"

# The same disposition from a shell: one sqlite3 process and one transaction each, with
# the guarded update and the event row (no audit chain: the CLI cannot hash).
cli_count=$((transitions / 5))
# The oldest submitted ones: the library below takes the newest.
numbers=$(sqlite3 "$db" "SELECT number FROM applications WHERE state = 'submitted'
 ORDER BY updated_at LIMIT $cli_count")
start=$(now)
done_count=0
for number in $numbers; do
	sqlite3 "$db" "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000; BEGIN IMMEDIATE;
UPDATE applications SET state = 'disposed_kadis', step = 2, updated_at = unixepoch(),
 step_started_at = unixepoch() WHERE number = '$number' AND state = 'submitted';
INSERT INTO events (application_id, step, action, from_state, to_state, actor_id, role,
 started_at, ended_at, minutes, standard_minutes)
 SELECT id, 2, 'dispose', 'submitted', 'disposed_kadis', 1, 'kepala_dinas', unixepoch(),
 unixepoch(), 0, 15 FROM applications WHERE number = '$number';
COMMIT;" >/dev/null
	done_count=$((done_count + 1))
done
seconds=$(elapsed "$start" "$(now)")
echo "$seconds $done_count" | awk '{ printf "cli_transitions_per_second %.1f %d\n", ($1 > 0 ? $2 / $1 : 0), $2 }' >>"$results"

echo "# library: $transitions durable transitions"
"$bench" transitions "$db" "$transitions" | tee -a "$results"

echo
echo "# measurement (seconds; for transitions_per_second the rates)   lib/cli < 1: library faster"
echo "# name                              library       cli    lib/cli   rows"
awk '
	/^cli_/ { name = substr($1, 5); cli[name] = $2; next }
	{ lib[$1] = $2; rows[$1] = $3; order[++n] = $1 }
	END {
		for (i = 1; i <= n; i++) {
			k = order[i]
			if (k in cli && cli[k] > 0)
				printf "%-34s %10.4f %9.4f %9.2f %7s\n", k, lib[k], cli[k], lib[k] / cli[k], rows[k]
			else
				printf "%-34s %10.4f %9s %9s %7s\n", k, lib[k], "-", "-", rows[k]
		}
		for (k in cli)
			if (!(k in lib))
				printf "%-34s %10s %9.4f %9s %7s\n", k " (cli only)", "-", cli[k], "-", ""
	}' "$results"
awk '
	/^transitions_per_second/ { tps = $2 }
	/^cli_transitions_per_second/ { ctps = $2 }
	/^(list|report)_/ && $2 > worst { worst = $2; which = $1 }
	END {
		printf "# slowest list/report: %s %.4f s (target < 1 s): %s\n", which, worst, ((worst < 1) ? "met" : "MISSED")
		printf "# transitions: %.1f/s (target >= 500/s): %s; sqlite3 CLI, a process each: %.1f/s\n", tps, ((tps >= 500) ? "met" : "MISSED"), ctps
	}' "$results"
