#!/bin/sh
# workflow-bench.sh: the workflow store at 100,000 and 1,000,000 applications, on sqlite and
# on PostgreSQL side by side. For each engine and size: a fresh store filled through the
# bench/wf-bench fill (a bulk load: the same store on both engines), every list and report
# the command offers timed, enroll audit verify timed (the whole chain hashed, every record
# checked against it), and durable transitions per second by 1 and by 8 clients at once
# (each a process with its own connection, acting on applications of its own, with the
# store's normal durability: sqlite WAL + synchronous=FULL, PostgreSQL fsync and
# synchronous_commit on). PostgreSQL runs in a private cluster of its own
# (scripts/pg-cluster.sh), stopped at the end.
#
#   bench/workflow-bench.sh [--backend sqlite|postgresql|both] [--sizes "N1 N2"]
#                           [--transitions K] [BUILDDIR]
#
# Defaults: both engines, sizes "100000 1000000", K = 500 transitions per client, BUILDDIR
# _build. Prints one line per figure with its value at each size, the growth from the
# first size to the last (last/first), PASS or FAIL against its target, and the ratio
# PostgreSQL/sqlite at each size. Targets: every list and report under 1 s; at least 500
# transitions/s by one client; at least 1,000/s in total by 8 clients on PostgreSQL (sqlite,
# one writer at a time, is shown beside it without a target).
# A million applications take a few minutes to fill on either engine: try small sizes first
# (--sizes "10000 100000"); run the big ones on an otherwise idle machine.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
backend=both
sizes="100000 1000000"
transitions=500
while [ $# -gt 0 ]; do
	case "$1" in
	--backend) backend=$2; shift 2 ;;
	--sizes) sizes=$2; shift 2 ;;
	--transitions) transitions=$2; shift 2 ;;
	-*) echo "usage: $0 [--backend sqlite|postgresql|both] [--sizes \"N1 N2\"] [--transitions K] [BUILDDIR]" >&2; exit 2 ;;
	*) break ;;
	esac
done
build=${1:-$here/../_build}
case "$backend" in
sqlite) engines=sqlite ;;
postgresql) engines=postgresql ;;
both) engines="sqlite postgresql" ;;
*) echo "workflow-bench: --backend takes sqlite, postgresql or both" >&2; exit 2 ;;
esac
bench=$build/bench/wf-bench
enroll=$build/enroll/enroll
for program in "$bench" "$enroll"; do
	[ -x "$program" ] || { echo "workflow-bench: $program not built (make -C $build)" >&2; exit 1; }
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/workflow-bench.XXXXXX")
# The cluster's server runs as postgres when this runs as root: it must reach its directory.
chmod 711 "$dir"
cluster=$dir/pg
results=$dir/results
export ENROLL_STATE_DIR="$dir/state"
cleanup() {
	[ ! -f "$cluster/data/postmaster.pid" ] || sh "$here/../scripts/pg-cluster.sh" stop "$cluster" || true
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
: >"$results"

case " $engines " in
*" postgresql "*)
	echo "# starting a private PostgreSQL cluster in $cluster"
	sh "$here/../scripts/pg-cluster.sh" start "$cluster"
	;;
esac

# A fresh store for engine and size: its --db target on stdout.
new_store() {
	if [ "$1" = sqlite ]; then
		echo "$dir/enroll-$2.db"
	else
		psql -h "$cluster" -d postgres -qAt -c "CREATE DATABASE enroll_$2" >/dev/null
		echo "postgresql:///enroll_$2?host=$cluster"
	fi
}

store_megabytes() {
	if [ "$1" = sqlite ]; then
		ls -l "$2" | awk '{ printf "%.0f", $5 / 1048576 }'
	else
		psql -h "$cluster" -d "enroll_$3" -qAt -c \
			"SELECT round(pg_database_size(current_database()) / 1048576.0)"
	fi
}

# Run wf-bench for engine and size; its "name value [count]" lines go into results as
# "engine size name value count".
run() {
	e=$1
	n=$2
	shift 2
	"$bench" "$@" >"$dir/out" || { echo "workflow-bench: wf-bench $1 failed ($e, $n)" >&2; exit 1; }
	awk -v e="$e" -v n="$n" '{ print e, n, $1, $2, $3 }' "$dir/out" | tee -a "$results"
}

# Time enroll audit verify on the store, as the office runs it.
audit_verify() {
	start=$(date +%s.%N)
	LC_ALL=C LANGUAGE= "$enroll" audit verify --db "$3" >"$dir/out" ||
		{ echo "workflow-bench: enroll audit verify failed ($1, $2)" >&2; exit 1; }
	end=$(date +%s.%N)
	awk -v e="$1" -v n="$2" -v s="$start" -v t="$end" '/rows verified/ {
		for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+$/) rows = $i
		print e, n, "audit_verify", t - s, rows }' "$dir/out" | tee -a "$results"
}

for engine in $engines; do
	for n in $sizes; do
		db=$(new_store "$engine" "$n")
		echo "# $engine: filling with $n applications"
		run "$engine" "$n" fill "$db" "$n"
		# What autovacuum does over the years a store grows, done at once after the
		# bulk load (untimed): dead row versions of the audit head cleared, statistics.
		[ "$engine" = sqlite ] ||
			psql -h "$cluster" -d "enroll_$n" -qAt -c "VACUUM ANALYZE" >/dev/null
		echo "# $engine $n: store of $(store_megabytes "$engine" "$db" "$n") MB"
		echo "# $engine $n: lists and reports"
		run "$engine" "$n" measure "$db"
		echo "# $engine $n: enroll audit verify"
		audit_verify "$engine" "$n" "$db"
		for clients in 1 8; do
			echo "# $engine $n: $transitions durable transitions by each of $clients client(s)"
			run "$engine" "$n" transitions "$db" "$transitions" "$clients"
		done
	done
done

echo
echo "# seconds (transitions_per_second_*: per second, all clients together);"
echo "# growth: value at the last size / at the first; pg/sqlite: PostgreSQL's value / sqlite's"
awk -v sizes="$sizes" -v engines="$engines" '
	function target(e, k) {
		if (k ~ /^(list|report)_/) return "< 1 s"
		if (k == "transitions_per_second_1clients") return ">= 500/s"
		if (k == "transitions_per_second_8clients" && e == "postgresql") return ">= 1000/s"
		return ""
	}
	function verdict(e, k, v) {
		if (k ~ /^(list|report)_/) return v < 1 ? "PASS" : "FAIL"
		if (k == "transitions_per_second_1clients") return v >= 500 ? "PASS" : "FAIL"
		return v >= 1000 ? "PASS" : "FAIL"
	}
	{ value[$1, $2, $3] = $4; if (!($3 in seen)) { seen[$3] = 1; order[++names] = $3 } }
	function short(e) { return e == "sqlite" ? "sq" : "pg" }
	END {
		ns = split(sizes, size, " ")
		ne = split(engines, engine, " ")
		printf "%-36s", "# figure"
		for (i = 1; i <= ne; i++) {
			for (j = 1; j <= ns; j++)
				printf " %12s", short(engine[i]) " " size[j]
			if (ns > 1)
				printf " %7s", "growth"
		}
		if (ne > 1)
			for (j = 1; j <= ns; j++)
				printf " %10s", "pg/sq " size[j] / 1000 "k"
		printf "  %s\n", "target, verdicts"
		for (o = 1; o <= names; o++) {
			k = order[o]
			printf "%-36s", k
			verdicts = ""
			for (i = 1; i <= ne; i++) {
				e = engine[i]
				for (j = 1; j <= ns; j++) {
					if (!((e, size[j], k) in value)) {
						printf " %12s", "-"
						continue
					}
					v = value[e, size[j], k]
					printf " %12.4f", v
					if (target(e, k) != "")
						verdicts = verdicts " " short(e) " " size[j] / 1000 "k " verdict(e, k, v)
				}
				first = value[e, size[1], k]
				last = value[e, size[ns], k]
				if (ns > 1)
					printf " %7s", (first > 0 && last > 0 ? sprintf("%.2f", last / first) : "-")
			}
			if (ne > 1)
				for (j = 1; j <= ns; j++) {
					s = value["sqlite", size[j], k]
					p = value["postgresql", size[j], k]
					printf " %10s", (s > 0 && p > 0 ? sprintf("%.2f", p / s) : "-")
				}
			t = target("postgresql", k) != "" ? target("postgresql", k) : target("sqlite", k)
			printf "  %s%s\n", t, verdicts
		}
	}' "$results"
awk '
	($3 ~ /^(list|report)_/) { total++; if ($4 >= 1) { missed++; slow = slow " " $1 "/" $2 "/" $3 } }
	END { printf "# lists and reports under 1 s: %d of %d%s\n", total - missed, total,
	      (missed ? "; over:" slow : "") }' "$results"
