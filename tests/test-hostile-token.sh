#!/bin/sh
# test-hostile-token.sh: hostile input on a token (issue 12), table by table: certificate
# files for import, messages that misled (each now in the right words with the right exit
# status), PINs, and token faults (a write-protected or full token store in a private
# mount namespace). Each case states the input, the exit status and a fragment of the
# message, then checks that nothing was lost: the record, the data directory, the store
# and, where the token is used, its full object dump.
. "$top_srcdir/tests/enroll-lib.sh"
. "$top_srcdir/tests/hostile-lib.sh"

t_station || { echo "Bail out! the station cannot be set up"; exit 1; }

# ---------------------------------------------------------------- certificate files
# import --cert takes a regular file of at most a certificate file's size (1 MiB), opened
# without following a link or waiting on a FIFO. Each case is refused under `timeout`
# before the token is written: the record, the data directory, the store and the token's
# full object dump stay as they were, and the application waits at its key.
t_softhsm certificates
cert_number=$(t_apply "Sertifikat Buruk") && t_to_sent "$cert_number" &&
	t_keygen "$cert_number" >/dev/null 2>&1 ||
	{ echo "Bail out! no application with a key for the certificate cases"; exit 1; }

# case name | how the file is made (a function below) | exit status | fragment
cert_cases() {
	cat <<'EOF'
cert_that_is_a_directory_says_so|cert_directory|23|a directory, not a certificate file
cert_that_is_a_fifo_is_refused_without_waiting|cert_fifo|23|not a regular file
cert_that_is_dev_zero_is_refused_without_reading|cert_dev_zero|23|not a regular file
cert_that_is_a_sparse_2_gib_file_is_refused_without_reading|cert_sparse|23|larger than a certificate file can be
cert_one_byte_over_a_certificate_file_is_refused|cert_over_limit|23|larger than a certificate file can be
cert_that_is_a_symlink_is_refused|cert_symlink|23|a symbolic link: give the file itself
cert_that_is_missing_is_named|cert_missing|23|No such file or directory
cert_that_is_empty_is_not_a_certificate|cert_empty|23|the file is not a certificate
cert_that_is_text_is_not_a_certificate|cert_text|23|the file is not a certificate
cert_that_is_a_pdf_scan_is_not_a_certificate|cert_pdf|23|the file is not a certificate
cert_that_is_a_ca_certificate_for_the_key_says_so|cert_ca_for_the_key|18|is a CA certificate (CA:TRUE), not a person's signing certificate
EOF
}

cert_directory() { mkdir -p "$T_DIR/cert.d" && echo "$T_DIR/cert.d"; }
cert_fifo() { rm -f "$T_DIR/cert.fifo" && mkfifo "$T_DIR/cert.fifo" && echo "$T_DIR/cert.fifo"; }
cert_dev_zero() { echo /dev/zero; }
cert_sparse() { truncate -s 2G "$T_DIR/cert-2g.pem" && echo "$T_DIR/cert-2g.pem"; }
cert_over_limit() { truncate -s 1048577 "$T_DIR/cert-big.pem" && echo "$T_DIR/cert-big.pem"; }
cert_symlink() { bad_link "$(scan cert-target)" cert-link.pem; }
cert_missing() { echo "$T_DIR/no-such-cert.pem"; }
cert_empty() { bytes cert-empty.pem ''; }
cert_text() { bytes cert-text.pem 'not a certificate\n'; }
cert_pdf() { scan cert-scan; }
# A CA:TRUE certificate for the application's own key, from its CSR.
cert_ca_for_the_key() {
	sqlite3 "$ENROLL_DB" "SELECT k.csr_pem FROM keys k JOIN applications a
		ON a.id = k.application_id WHERE a.number = '$cert_number' AND k.csr_pem IS NOT NULL
		ORDER BY k.id DESC LIMIT 1" >"$T_DIR/ca.csr" &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=Fake CA" \
		-keyout "$T_DIR/fake-ca.key" -days 30 -out "$T_DIR/fake-ca.pem" 2>/dev/null &&
	printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=keyCertSign,digitalSignature\n' \
		>"$T_DIR/ca.ext" &&
	openssl x509 -req -in "$T_DIR/ca.csr" -CA "$T_DIR/fake-ca.pem" -CAkey "$T_DIR/fake-ca.key" \
		-CAcreateserial -days 30 -extfile "$T_DIR/ca.ext" -out "$T_DIR/ca-for-key.pem" \
		2>/dev/null &&
	echo "$T_DIR/ca-for-key.pem"
}


bad_cert_is_refused() {
	make=$1 want=$2 fragment=$3
	snapshot before "$cert_number" && token_dump >"$T_DIR/token.before" &&
	path=$($make) || return 1
	printf '%s\n' "$T_USER_PIN" >"$T_DIR/login.pin"
	refused "$want" "$fragment" timeout 20 env ENROLL_TEST_LOGIN=kasi "$ENROLL" --pin-fd 3 \
		import "$cert_number" --cert "$path" 3<"$T_DIR/login.pin" &&
	unchanged "$cert_number" && [ "$(t_state "$cert_number")" = key_generated ] &&
	token_dump >"$T_DIR/token.after" || return 1
	cmp -s "$T_DIR/token.before" "$T_DIR/token.after" || { echo "the token changed"; return 1; }
}

cert_cases >"$T_DIR/cert.cases"
while IFS='|' read -r name make want fragment; do
	t_ok "$name" bad_cert_is_refused "$make" "$want" "$fragment"
done <"$T_DIR/cert.cases"

# Trust anchors others may write are refused with what to do, not "a file could not be
# read or written" and no hint; the token and the record stay as they were.
# case name | mode of the trust anchors file
anchor_mode_cases() {
	cat <<'EOF'
world_writable_trust_anchors_are_called_unsafe_with_what_to_do|666
group_writable_trust_anchors_are_called_unsafe_with_what_to_do|664
EOF
}

unsafe_anchors_are_said() {
	anchors=$ENROLL_DB.files/ca/trust-anchors.pem
	snapshot before "$cert_number" && token_dump >"$T_DIR/token.before" &&
	chmod "$1" "$anchors" || return 1
	printf '%s\n' "$T_USER_PIN" >"$T_DIR/login.pin"
	refused 23 "a file the station trusts is not safe" e kasi --pin-fd 3 import "$cert_number" \
		3<"$T_DIR/login.pin"
	r=$?
	chmod 644 "$anchors"
	[ "$r" -eq 0 ] && grep -qF "chmod go-w" "$T_DIR/err" && unchanged "$cert_number" &&
	[ "$(t_state "$cert_number")" = key_generated ] && token_dump >"$T_DIR/token.after" &&
	cmp -s "$T_DIR/token.before" "$T_DIR/token.after" || { echo "refused otherwise, or changed"; return 1; }
}

anchor_mode_cases >"$T_DIR/anchor-mode.cases"
while IFS='|' read -r name mode; do
	t_ok "$name" unsafe_anchors_are_said "$mode"
done <"$T_DIR/anchor-mode.cases"

# Two runs at once on one application: the second is told who holds it (exit 7), not that
# the module cannot be loaded; the first, stopped while it waits for its PIN, leaves the
# store, the record and the token as they were.
concurrent_run_is_told_the_application_is_in_use() {
	snapshot before "$cert_number" && token_dump >"$T_DIR/token.before" || return 1
	rm -f "$T_DIR/held.pin" && mkfifo "$T_DIR/held.pin" || return 1
	ENROLL_TEST_LOGIN=kasi "$ENROLL" --pin-fd 3 import "$cert_number" 3<>"$T_DIR/held.pin" \
		>/dev/null 2>&1 &
	holder=$!
	for _ in $(seq 50); do
		[ -n "$(find "$ENROLL_DB.files/locks" -newer "$T_DIR/held.pin" 2>/dev/null)" ] && break
		sleep 0.1
	done
	printf '%s\n' "$T_USER_PIN" >"$T_DIR/login.pin"
	refused 7 "is in use by another run of enroll" timeout 20 env ENROLL_TEST_LOGIN=kasi \
		"$ENROLL" --pin-fd 3 import "$cert_number" 3<"$T_DIR/login.pin"
	r=$?
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null
	[ "$r" -eq 0 ] && ! grep -qF "module cannot be loaded" "$T_DIR/err" &&
	unchanged "$cert_number" && [ "$(t_state "$cert_number")" = key_generated ] &&
	token_dump >"$T_DIR/token.after" && cmp -s "$T_DIR/token.before" "$T_DIR/token.after"
}
t_ok "a_concurrent_run_on_one_application_is_told_it_is_in_use" \
	concurrent_run_is_told_the_application_is_in_use

# A wrong SO PIN is the operator's to type again, not the token's owner's.
wrong_so_pin_hint_addresses_the_operator() {
	token_dump >"$T_DIR/token.before" &&
	printf '99999999\n' >"$T_DIR/wrong-so.pin" &&
	printf '%s\n%s\n' 246813 246813 >"$T_DIR/new.pin" &&
	refused 11 "the operator types the token's SO PIN again" e kasi --so-pin-fd 3 --pin-fd 4 \
		token unblock 3<"$T_DIR/wrong-so.pin" 4<"$T_DIR/new.pin" &&
	! grep -qF "owner" "$T_DIR/err" &&
	printf '%s\n' "$T_USER_PIN" >"$T_DIR/login.pin" && token_dump >"$T_DIR/token.after" &&
	cmp -s "$T_DIR/token.before" "$T_DIR/token.after" && store_intact
}
t_ok "a_wrong_so_pin_hint_addresses_the_operator" wrong_so_pin_hint_addresses_the_operator

# ---------------------------------------------------------------- messages that mislead
# Each refusal in the right words, with the right status, and nothing lost.

# A database whose schema version no enroll writes is damaged, not "table office already
# exists" from a migration run again; the file stays as it was. case name | version
user_version_cases() {
	cat <<'EOF'
a_negative_schema_version_is_called_damage_not_a_migration|-1
a_very_negative_schema_version_is_called_damage|-2147483648
EOF
}

negative_user_version_is_damage() {
	db=$T_DIR/version$1.db
	cp "$ENROLL_DB" "$db" && chmod 600 "$db" && sqlite3 "$db" "PRAGMA user_version = $1" &&
	sum=$(sha256sum <"$db") || return 1
	refused 3 "has schema version $1, which no enroll writes" e kasi --db "$db" list &&
	grep -qF "the database file is damaged" "$T_DIR/err" &&
	! grep -qF "already exists" "$T_DIR/err" &&
	[ "$(sha256sum <"$db")" = "$sum" ] || { echo "the file was written"; return 1; }
}

user_version_cases >"$T_DIR/user-version.cases"
while IFS='|' read -r name version; do
	t_ok "$name" negative_user_version_is_damage "$version"
done <"$T_DIR/user-version.cases"

# "allowed:" names what may be done in the operator's words, never the table's names.
allowed_actions_are_named_in_words() {
	snapshot before "$cert_number" &&
	refused 5 "allowed: Import certificate, Cancel" \
		e kasi document "$cert_number" --document "ktp=$(scan allowed-ktp)" &&
	! grep -qE "import_certificate|record_key|[a-z]+_[a-z]+," "$T_DIR/err" &&
	unchanged "$cert_number"
}
t_ok "allowed_actions_are_named_in_words_not_internal_names" allowed_actions_are_named_in_words

# A blank token with no terminal and no --so-pin-fd: the hint names --so-pin-fd (it named
# --pin-fd, which was given); the token stays blank and the application where it was.
blank_token_without_so_pin_fd_names_it() {
	t_softhsm blank-hint
	number=$(t_apply "Token Kosong") && t_to_sent "$number" && snapshot before "$number" ||
		return 1
	printf '%s\n%s\n' "$T_USER_PIN" "$T_USER_PIN" >"$T_DIR/user.pin"
	refused 1 "give the SO PIN with --so-pin-fd N" setsid -w env ENROLL_TEST_LOGIN=kasi \
		"$ENROLL" --pin-fd 4 keygen "$number" 4<"$T_DIR/user.pin" </dev/null &&
	grep -qF "no terminal to ask for the SO PIN" "$T_DIR/err" &&
	! grep -qF -- "--pin-fd N" "$T_DIR/err" &&
	! pkcs11-tool --module "$T_MODULE" -L 2>/dev/null | grep -q "token initialized" &&
	[ "$(t_state "$number")" = sent ] && unchanged "$number"
}
t_ok "a_blank_token_without_so_pin_fd_names_so_pin_fd" blank_token_without_so_pin_fd_names_it

# A wrong PIN given on a file descriptor is said once: no warning before it that repeats
# what the refusal says. The token keeps its objects, the application its state.
wrong_pin_is_said_once() {
	t_softhsm wrong-pin && t_softhsm_token "PIN Salah" &&
	number=$(t_apply "PIN Salah") && t_to_sent "$number" && snapshot before "$number" ||
		return 1
	printf '000000\n' >"$T_DIR/wrong.pin"
	for _ in 1 2; do
		refused 11 "wrong PIN" e kasi --pin-fd 3 keygen "$number" 3<"$T_DIR/wrong.pin" ||
			return 1
	done
	[ "$(grep -c "few tries" "$T_DIR/err")" -eq 1 ] && ! grep -qF "warning" "$T_DIR/err" ||
		{ echo "said more than once:"; cat "$T_DIR/err"; return 1; }
	[ "$(t_state "$number")" = sent ] && unchanged "$number"
}
t_ok "a_wrong_pin_from_a_file_descriptor_is_said_once" wrong_pin_is_said_once

# The applicant's new PIN against the policy, on a blank token each: refused with the
# rule it breaks (exit 13), the application still sent, its record and the store intact.
# case name | new user PIN | fragment
pin_policy_cases() {
	cat <<'EOF'
an_ascending_pin_is_refused|123456|PIN is an ascending or descending run
a_descending_pin_is_refused|987654|PIN is an ascending or descending run
a_repeated_digit_pin_is_refused|111111|PIN is one character repeated
a_two_digit_pin_is_refused|12|PIN too short: 2 characters, at least 6 needed
an_empty_pin_is_refused|-|PIN too short: 0 characters, at least 6 needed
EOF
}

pin_policy_refused() {
	pin=$1 fragment=$2
	[ "$pin" = - ] && pin=""
	t_softhsm "policy-$T_COUNT" &&
	number=$(t_apply "Kebijakan PIN") && t_to_sent "$number" && snapshot before "$number" ||
		return 1
	printf '%s\n%s\n' "$T_SO_PIN" "$T_SO_PIN" >"$T_DIR/so.pin"
	printf '%s\n%s\n' "$pin" "$pin" >"$T_DIR/user.pin"
	refused 13 "$fragment" e kasi --so-pin-fd 3 --pin-fd 4 keygen "$number" \
		3<"$T_DIR/so.pin" 4<"$T_DIR/user.pin" &&
	[ "$(t_state "$number")" = sent ] && unchanged "$number"
}

pin_policy_cases >"$T_DIR/pin-policy.cases"
while IFS='|' read -r name pin fragment; do
	t_ok "$name" pin_policy_refused "$pin" "$fragment"
done <"$T_DIR/pin-policy.cases"

# PINs never come from argv: --pin is no abbreviation of --pin-fd, and its value is not
# echoed. A --pin-fd that is not a number is a usage error.
# case name | option | value | fragment
pin_option_cases() {
	cat <<'EOF'
a_pin_in_argv_is_refused_and_not_echoed|--pin|739164|unknown option: --pin (did you mean --pin-fd?)
a_so_pin_fd_that_is_not_a_number_is_refused|--so-pin-fd|abc|--so-pin-fd takes a file descriptor number (0 to 1024)
a_pin_fd_that_is_not_a_number_is_not_echoed|--pin-fd|739164x|--pin-fd takes a file descriptor number (0 to 1024)
EOF
}

pin_option_refused() {
	option=$1 value=$2 fragment=$3
	snapshot before "$cert_number" &&
	refused 1 "$fragment" e kasi import "$cert_number" "$option" "$value" &&
	! grep -qF "$value" "$T_DIR/err" && ! grep -qF "$value" "$T_DIR/out" &&
	unchanged "$cert_number"
}

pin_option_cases >"$T_DIR/pin-option.cases"
while IFS='|' read -r name option value fragment; do
	t_ok "$name" pin_option_refused "$option" "$value" "$fragment"
done <"$T_DIR/pin-option.cases"

# Token faults are the token's, said so with what to do (exit 10), not "internal error"
# (exit 2). A private mount namespace (unshare) gives the token's store the fault: a
# read-only bind mount, or a tmpfs with no room left. The application stays sent and the
# store intact; a key intent recorded before the token failed is resumed by the next run.
# case name | fault | the CKR_ the token answers
token_fault_cases() {
	cat <<'EOF'
a_write_protected_token_is_the_tokens_fault_not_internal|read_only|CKR_GENERAL_ERROR
a_full_token_is_the_tokens_fault_not_internal|full|CKR_FUNCTION_FAILED
EOF
}

# with_fault FAULT STORE COMMAND...: run the command with the token's store so broken.
with_fault() {
	fault=$1 dir=$2
	shift 2
	case $fault in
	read_only) setup='mount --bind "$1" "$1" && mount -o remount,ro,bind "$1"' ;;
	full) setup='cp -a "$1" "$1.saved" && mount -t tmpfs -o size=128k none "$1" &&
		cp -a "$1.saved/." "$1/" && { dd if=/dev/zero of="$1/filler" bs=4k 2>/dev/null; true; }' ;;
	esac
	unshare -rm sh -c "$setup"' && shift && exec "$@"' sh "$dir" "$@"
}

token_fault_is_said() {
	fault=$1 ckr=$2
	t_softhsm "fault-$fault" && t_softhsm_token "Rusak $fault" &&
	number=$(t_apply "Rusak $fault") && t_to_sent "$number" && snapshot before "$number" ||
		return 1
	printf '%s\n' "$T_USER_PIN" >"$T_DIR/fault.pin"
	refused 10 "the token failed: it may be write-protected, full or faulty" \
		with_fault "$fault" "$store" env ENROLL_TEST_LOGIN=kasi "$ENROLL" --pin-fd 3 \
		keygen "$number" 3<"$T_DIR/fault.pin" &&
	grep -qF "($ckr)" "$T_DIR/err" && grep -qF "use another token" "$T_DIR/err" &&
	! grep -qF "internal error" "$T_DIR/err" &&
	[ "$(t_state "$number")" = sent ] && store_intact || return 1
	# the token mended, the next run generates the key: an intent left behind is resumed
	e kasi --pin-fd 3 keygen "$number" 3<"$T_DIR/fault.pin" >/dev/null 2>&1 &&
	[ "$(t_state "$number")" = key_generated ] && store_intact
}

token_fault_cases >"$T_DIR/token-fault.cases"
while IFS='|' read -r name fault ckr; do
	t_ok "$name" token_fault_is_said "$fault" "$ckr"
done <"$T_DIR/token-fault.cases"

# A key begun on a token that then failed, and another token given: the refusal names the
# token it was begun on and a command that exists (keygen --restart), which then abandons
# the old intent and generates the key on this token.
key_begun_on_another_token_names_a_real_way_on() {
	t_softhsm begun-a && t_softhsm_token "Token A" &&
	number=$(t_apply "Dua Token") && t_to_sent "$number" || return 1
	printf '%s\n' "$T_USER_PIN" >"$T_DIR/fault.pin"
	with_fault full "$store" env ENROLL_TEST_LOGIN=kasi "$ENROLL" --pin-fd 3 \
		keygen "$number" 3<"$T_DIR/fault.pin" >/dev/null 2>&1
	[ "$(sqlite3 "$ENROLL_DB" "SELECT k.status FROM keys k JOIN applications a
		ON a.id = k.application_id WHERE a.number = '$number'")" = intent ] ||
		{ echo "no key intent left by the failed run"; return 1; }
	t_softhsm begun-b && t_softhsm_token "Token B" && snapshot before "$number" || return 1
	refused 10 "insert that token, or run again with --restart to abandon it" \
		e kasi --pin-fd 3 keygen "$number" 3<"$T_DIR/fault.pin" &&
	unchanged "$number" &&
	e kasi keygen --help | grep -qF -- "--restart" &&
	e kasi --pin-fd 3 keygen "$number" --restart 3<"$T_DIR/fault.pin" >/dev/null 2>&1 &&
	[ "$(t_state "$number")" = key_generated ] && store_intact
}
t_ok "a_key_begun_on_another_token_names_keygen_restart_which_works" \
	key_begun_on_another_token_names_a_real_way_on

t_done
