# hostile-lib.sh: what the hostile-input tests share (issue 12): a refusal with its status
# and words, the checks that nothing was lost (the record, the data directory's files with
# their hashes, PRAGMA integrity_check, audit verify, the token's objects), and the files
# the cases are made of. Sourced after enroll-lib.sh, never run.

# long N [CHAR]: N bytes of CHAR (default x).
long() {
	awk -v n="$1" -v c="${2:-x}" 'BEGIN { while (n-- > 0) printf "%s", c }'
}

# refused STATUS FRAGMENT COMMAND...: the command fails with exactly STATUS and says
# FRAGMENT (a fixed string) on stderr; stdout and stderr are kept in $T_DIR/out, err.
refused() {
	want=$1 fragment=$2
	shift 2
	"$@" >"$T_DIR/out" 2>"$T_DIR/err"
	got=$?
	[ "$got" -eq "$want" ] || { echo "exit status $got, expected $want"; cat "$T_DIR/err"; return 1; }
	grep -qF -- "$fragment" "$T_DIR/err" || { echo "missing: $fragment"; cat "$T_DIR/err"; return 1; }
}

# store_intact: the file passes sqlite's own check and the audit chain verifies.
store_intact() {
	check=$(sqlite3 "$ENROLL_DB" 'PRAGMA integrity_check') &&
	[ "$check" = ok ] || { echo "integrity_check: $check"; return 1; }
	e kasi audit verify >/dev/null || { echo "audit verify failed"; return 1; }
}

# snapshot NAME NUMBER: the application's record and every file of the data directory
# with its SHA-256, to compare with a later snapshot (not the local CA's, nor the empty
# lock files a run takes on an application or a reader).
snapshot() {
	e kasi --json show "$2" >"$T_DIR/$1.show" || return 1
	(cd "$ENROLL_DB.files" && find . -type f ! -path './ca/*' ! -path './locks/*' -exec sha256sum {} + | sort) \
		>"$T_DIR/$1.files"
}

# unchanged NUMBER: nothing differs from the snapshot "before".
unchanged() {
	snapshot after "$1" &&
	cmp -s "$T_DIR/before.show" "$T_DIR/after.show" || { echo "record changed:"; diff "$T_DIR/before.show" "$T_DIR/after.show"; return 1; }
	cmp -s "$T_DIR/before.files" "$T_DIR/after.files" || { echo "files changed:"; diff "$T_DIR/before.files" "$T_DIR/after.files"; return 1; }
	store_intact
}

applicants() {
	sqlite3 "$ENROLL_DB" 'SELECT count(*) FROM applicants'
}

# ---------------------------------------------------------------- documents
# scan NAME: a small PDF named NAME.pdf in the test's directory; prints its path.
scan() {
	printf '%%PDF-1.4\n%s\n%%%%EOF\n' "$1" >"$T_DIR/$1.pdf"
	echo "$T_DIR/$1.pdf"
}

# recorded_scan NUMBER KIND: "PATH SHA256" as the database has them.
recorded_scan() {
	sqlite3 -separator ' ' "$ENROLL_DB" "SELECT d.scan_path, d.scan_sha256 FROM documents d
		JOIN applications a ON a.id = d.application_id
		WHERE a.number = '$1' AND d.kind = '$2'"
}

# The recorded file exists and its SHA-256 is the recorded one and the original's.
scan_is_kept() {
	set -- $(recorded_scan "$1" "$2") "$3"
	[ -f "$1" ] || { echo "recorded scan $1 is gone"; return 1; }
	[ "$(sha256sum <"$1" | cut -d' ' -f1)" = "$2" ] || { echo "$1 does not match its record"; return 1; }
	[ "$(sha256sum <"$3" | cut -d' ' -f1)" = "$2" ] || { echo "$1 is not the scan received"; return 1; }
}

bad_link() { ln -sf "$1" "$T_DIR/$2" && echo "$T_DIR/$2"; }

# sparse_pdf SIZE NAME: a PDF's head and tail around SIZE bytes, mostly holes.
sparse_pdf() {
	printf '%%PDF-1.4\n' >"$T_DIR/$2" && truncate -s "$1" "$T_DIR/$2" &&
	printf '%%%%EOF\n' | dd of="$T_DIR/$2" bs=1 seek=$(($1 - 6)) conv=notrunc 2>/dev/null &&
	echo "$T_DIR/$2"
}

# bytes NAME FORMAT: a file of the printf FORMAT's bytes.
bytes() {
	# shellcheck disable=SC2059 # the format is the content
	printf "$2" >"$T_DIR/$1" && echo "$T_DIR/$1"
}

# with_ktp_scan NAME: an application before send with its KTP scan recorded; its number.
with_ktp_scan() {
	number=$(t_apply "$1") &&
	e kasi document "$number" --document "ktp=$(scan "ktp-$(cat "$T_DIR/seq")")" >/dev/null &&
	echo "$number"
}

# token_dump: every object on the token with its attributes, as pkcs11-tool lists them.
token_dump() {
	pkcs11-tool --module "$T_MODULE" --login --pin "$T_USER_PIN" --list-objects 2>/dev/null
}
