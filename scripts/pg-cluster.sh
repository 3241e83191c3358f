#!/bin/sh
# A private PostgreSQL cluster for the tests, never the machine's own: initdb in DIR, its
# Unix socket there and no TCP, peer authentication for local logins, run by the postgres
# user (PostgreSQL refuses root). The login running this becomes a superuser of it.
#   scripts/pg-cluster.sh start DIR    then ENROLL_TEST_PG=DIR for the tests
#   scripts/pg-cluster.sh stop DIR
set -eu
action=$1
dir=$2
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_postgres() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}
case "$action" in
start)
	mkdir -p "$dir"
	# Its socket is there: every login may reach it (peer authentication decides who).
	chmod 755 "$dir"
	[ "$(id -u)" -ne 0 ] || chown postgres "$dir"
	as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth-local=peer --auth-host=reject \
		--no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
	# fsync stays on: the durable-transition figures of bench/ are real ones.
	as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
		-o "-k $dir -c listen_addresses='' -c max_connections=200" start >/dev/null
	me=$(id -un)
	if [ "$me" != postgres ]; then
		as_postgres "$bin/psql" -h "$dir" -U postgres -d postgres -qAt \
			-c "CREATE ROLE \"$me\" LOGIN SUPERUSER" >/dev/null
	fi
	;;
stop)
	as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
	;;
*)
	echo "usage: $0 start|stop DIR" >&2
	exit 2
	;;
esac
