# enroll-lib.sh: what the command's end-to-end tests share, on top of lib.sh: a station
# (database, local CA, officials) in the test's directory, applicants walked to a given
# step, and the token's objects counted by pkcs11-tool, independently of enroll.
# ENROLL_TEST_LOGIN (read only by test builds) picks the official acting. With
# ENROLL_TEST_PG naming a test cluster's socket directory (scripts/pg-cluster.sh), the
# store is a fresh PostgreSQL database of that server instead of a sqlite file.

. "$top_srcdir/tests/lib.sh"

export ENROLL_MODULE="$T_MODULE"
if [ -n "${ENROLL_TEST_PG:-}" ]; then
	T_PG_DB=t_$(basename "$T_DIR" | tr 'A-Z.-' 'a-z__')
	psql -h "$ENROLL_TEST_PG" -d postgres -qAt -c "CREATE DATABASE $T_PG_DB" >/dev/null ||
		{ echo "Bail out! no test database on $ENROLL_TEST_PG"; exit 1; }
	export ENROLL_DB="postgresql:///$T_PG_DB?host=$ENROLL_TEST_PG" ENROLL_STATE_DIR="$T_DIR/state"
	t_pg_drop() {
		psql -h "$ENROLL_TEST_PG" -d postgres -qAt \
			-c "DROP DATABASE IF EXISTS $T_PG_DB WITH (FORCE)" >/dev/null 2>&1
	}
	trap 't_pg_drop; t_cleanup' EXIT
	# The station's files: one directory per database under the state directory.
	T_FILES=$ENROLL_STATE_DIR/$(printf '%s' "$ENROLL_DB" | tr -c 'A-Za-z0-9.-' '_')
else
	export ENROLL_DB="$T_DIR/enroll.db"
	T_FILES=$ENROLL_DB.files
fi
echo 0 >"$T_DIR/seq"

# e AS LOGIN ARGS...: run enroll as an official.
e() {
	login=$1
	shift
	ENROLL_TEST_LOGIN=$login "$ENROLL" "$@"
}

# t_pg_database: PG (a socket directory) and PG_DB, a database of the test's own: on the
# suite's cluster (ENROLL_TEST_PG; T_PG_DB, dropped at exit), else on a cluster the test
# starts in its directory and stops at exit.
t_pg_database() {
	if [ -n "${ENROLL_TEST_PG:-}" ]; then
		PG=$ENROLL_TEST_PG PG_DB=$T_PG_DB
		return
	fi
	PG=$T_DIR/pg PG_DB=enroll
	chmod 711 "$T_DIR" # the server runs as postgres and reaches its directory through it
	sh "$top_srcdir/scripts/pg-cluster.sh" start "$PG" ||
		{ echo "Bail out! no PostgreSQL cluster (scripts/pg-cluster.sh)"; exit 1; }
	trap 'sh "$top_srcdir/scripts/pg-cluster.sh" stop "$PG"; t_cleanup' EXIT
	psql -h "$PG" -d postgres -qAt -c "CREATE DATABASE $PG_DB" >/dev/null ||
		{ echo "Bail out! no database on the test's cluster"; exit 1; }
}

# t_station: database, local test CA, a Kasi (registered at init), a Kepala Dinas and a Kabid.
t_station() {
	e kasi init --office "Dinas Komunikasi dan Informatika" --city Singkawang \
		--province "Kalimantan Barat" --issuer local \
		--kasi-name "Rina Kasi" --kasi-nip 199001012015032003 >/dev/null &&
	e kasi official add --name "Evan Ernanda" --nip 198001012005011001 --role kepala_dinas --login kadis >/dev/null &&
	e kasi official add --name "Budi Santoso" --nip 198203152006041002 --role kabid --login kabid >/dev/null
}

# t_apply NAME [NIK]: step 1 with every document; prints the application number.
t_apply() {
	T_SEQ=$(($(cat "$T_DIR/seq") + 1))
	echo "$T_SEQ" >"$T_DIR/seq"
	e kasi apply --name "$1" --nik "${2:-617201550485$(printf %04d "$T_SEQ")}" --nip 198504152010012001 \
		--email "applicant$T_SEQ@singkawangkota.go.id" --phone 081234567890 \
		--position Analis --status pns --unit "Bagian Umum" --agency Setda \
		--city Singkawang --province "Kalimantan Barat" \
		--document letter --document form --document ktp --document sk
}

# t_to_sent NUMBER: steps 2 to 5 by the officials holding them.
t_to_sent() {
	e kadis dispose "$1" --note "ke Kabid" >/dev/null &&
	e kabid dispose "$1" --note "ke Kasi" >/dev/null &&
	e kasi register "$1" >/dev/null &&
	e kasi send "$1" >/dev/null
}

# t_keygen NUMBER TOKEN [KEYTYPE]: step 6 on a blank token: SO PIN twice, user PIN twice.
t_keygen() {
	printf '%s\n%s\n' "$T_SO_PIN" "$T_SO_PIN" >"$T_DIR/so.pin"
	printf '%s\n%s\n' "$T_USER_PIN" "$T_USER_PIN" >"$T_DIR/user.pin"
	e kasi ${2:+--token "$2"} --so-pin-fd 3 --pin-fd 4 keygen "$1" --key-type "${3:-ec-p256}" \
		3<"$T_DIR/so.pin" 4<"$T_DIR/user.pin"
}

# t_import NUMBER [ARGS...]: step 7 import with the user PIN on fd 3.
t_import() {
	number=$1
	shift
	printf '%s\n' "$T_USER_PIN" >"$T_DIR/login.pin"
	e kasi --pin-fd 3 import "$number" "$@" 3<"$T_DIR/login.pin"
}

# t_sql SQL: one query on the store itself (not through enroll), its rows as text.
t_sql() {
	if [ -n "${ENROLL_TEST_PG:-}" ]; then
		psql -d "$ENROLL_DB" -qAtX -F '|' -c "$1"
	else
		sqlite3 "$ENROLL_DB" "$1"
	fi
}

# t_sqlite_ok NAME COMMAND...: a case about the sqlite file itself (its copy, a tampered
# file): run as t_ok on sqlite; on PostgreSQL, which has no such file, a diagnostic line.
t_sqlite_ok() {
	if [ -n "${ENROLL_TEST_PG:-}" ]; then
		echo "# about the sqlite file, not run on PostgreSQL: $1"
	else
		t_ok "$@"
	fi
}

# t_state NUMBER: the application's state, from the database itself.
t_state() {
	t_sql "SELECT state FROM applications WHERE number = '$1'"
}

# t_objects LABEL TYPE: how many objects of TYPE (privkey, pubkey, cert) the token holds.
t_objects() {
	pkcs11-tool --module "$T_MODULE" --token-label "$1" --login --pin "$T_USER_PIN" \
		--list-objects --type "$2" 2>/dev/null | grep -c '^[A-Z][a-z]* [A-Za-z ]*Object'
}

# t_expect_status STATUS COMMAND...: the command fails with exactly this exit status.
t_expect_status() {
	want=$1
	shift
	"$@"
	got=$?
	[ "$got" -eq "$want" ] || { echo "exit status $got, expected $want"; return 1; }
}
