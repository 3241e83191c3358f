# enroll-lib.sh: what the command's end-to-end tests share, on top of lib.sh: a station
# (database, local CA, officials) in the test's directory, applicants walked to a given
# step, and the token's objects counted by pkcs11-tool, independently of enroll.
# ENROLL_TEST_LOGIN (read only by test builds) picks the official acting.

. "$top_srcdir/tests/lib.sh"

export ENROLL_DB="$T_DIR/enroll.db" ENROLL_MODULE="$T_MODULE"
echo 0 >"$T_DIR/seq"

# e AS LOGIN ARGS...: run enroll as an official.
e() {
	login=$1
	shift
	ENROLL_TEST_LOGIN=$login "$ENROLL" "$@"
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

# t_state NUMBER: the application's state, from the database itself.
t_state() {
	sqlite3 "$ENROLL_DB" "SELECT state FROM applications WHERE number = '$1'"
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
