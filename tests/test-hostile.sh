#!/bin/sh
# test-hostile.sh: hostile input (issue 12), table by table. Each case states the input,
# the exit status and a fragment of the message it must show; each then checks that
# nothing was lost or changed: the application's record (enroll --json show), the
# database's integrity (PRAGMA integrity_check), the audit chain (enroll audit verify)
# and, for documents, the scans in the data directory with their SHA-256.
. "$top_srcdir/tests/enroll-lib.sh"

t_station || { echo "Bail out! the station cannot be set up"; exit 1; }

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
# with its SHA-256, to compare with a later snapshot.
snapshot() {
	e kasi --json show "$2" >"$T_DIR/$1.show" || return 1
	(cd "$ENROLL_DB.files" && find . -type f ! -path './ca/*' -exec sha256sum {} + | sort) \
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
# An application with its four scans recorded, then sent: its documents are closed.
scan() {
	printf '%%PDF-1.4\n%s\n' "$1" >"$T_DIR/$1.pdf"
	echo "$T_DIR/$1.pdf"
}

sent_with_scans() {
	T_SEQ=$(($(cat "$T_DIR/seq") + 1))
	echo "$T_SEQ" >"$T_DIR/seq"
	number=$(e kasi apply --name "$1" --nik "617201550485$(printf %04d "$T_SEQ")" \
		--nip 198504152010012001 --email "scan$T_SEQ@singkawangkota.go.id" \
		--phone 081234567890 --position Analis --unit "Bagian Umum" --agency Setda \
		--document "letter=$(scan "letter-$T_SEQ")" --document "form=$(scan "form-$T_SEQ")" \
		--document "ktp=$(scan "ktp-$T_SEQ")" --document "sk=$(scan "sk-$T_SEQ")") &&
	t_to_sent "$number" && echo "$number"
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

refused_document_keeps_the_recorded_scan() {
	kind=$1 option=$2
	number=$(sent_with_scans "Dokumen $kind") && seq=$(cat "$T_DIR/seq") &&
	snapshot before "$number" &&
	refused 5 "documents of $number are closed in state sent" \
		e kasi document "$number" --document "$option=$(scan "$option-new-$seq")" &&
	unchanged "$number" && scan_is_kept "$number" "$kind" "$T_DIR/$option-$seq.pdf" &&
	[ "$(t_state "$number")" = sent ]
}
t_ok "refused_ktp_after_send_keeps_the_recorded_scan_and_its_file" \
	refused_document_keeps_the_recorded_scan ktp_copy ktp
t_ok "refused_sk_after_send_keeps_the_recorded_scan_and_its_file" \
	refused_document_keeps_the_recorded_scan sk_copy sk

# Before send a new scan replaces the old one: the record and the file agree, and the
# scan of the other kinds stay as they were.
new_scan_before_send_replaces_the_old_one() {
	number=$(t_apply "Ganti Pindaian") && e kasi document "$number" --document "ktp=$(scan ktp-old)" >/dev/null &&
	set -- $(recorded_scan "$number" ktp_copy) && old=$1 &&
	e kasi document "$number" --document "ktp=$(scan ktp-new)" >/dev/null &&
	scan_is_kept "$number" ktp_copy "$T_DIR/ktp-new.pdf" &&
	[ ! -e "$old" ] || { echo "the replaced scan $old is still there"; return 1; }
	store_intact
}
t_ok "new_scan_before_send_replaces_the_old_one_and_record_and_file_agree" \
	new_scan_before_send_replaces_the_old_one

# The same scan twice is one file, kept.
same_scan_twice_is_kept() {
	number=$(t_apply "Pindaian Sama") &&
	e kasi document "$number" --document "ktp=$(scan ktp-same)" >/dev/null &&
	e kasi document "$number" --document "ktp=$T_DIR/ktp-same.pdf" >/dev/null &&
	scan_is_kept "$number" ktp_copy "$T_DIR/ktp-same.pdf" && store_intact
}
t_ok "the_same_scan_recorded_twice_is_kept" same_scan_twice_is_kept

t_done
