#!/bin/sh
# End to end: an honest store. The station's real database file is damaged or edited
# behind enroll's back (its bytes, or the sqlite3 CLI); audit verify names the file or
# the row with its own exit status, and a damaged file takes no further writes.
. "$top_srcdir/tests/enroll-lib.sh"

t_station || { echo "Bail out! the station cannot be set up"; exit 1; }

# overwrite_page DB NAME: 4 KB of garbage over the page holding b-tree NAME's root.
overwrite_page() {
	python3 - "$1" "$2" <<'EOF'
import sqlite3, sys
path, name = sys.argv[1], sys.argv[2]
db = sqlite3.connect(path)
size = db.execute("PRAGMA page_size").fetchone()[0]
root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0]
db.close()
with open(path, "r+b") as f:
    f.seek((root - 1) * size)
    f.write(b"\x5a" * 4096)
EOF
}

damaged_file_fails_verify_and_takes_no_writes() {
	db=$T_DIR/damaged.db
	number=$(t_apply "Rahmat") && cp "$ENROLL_DB" "$db" &&
	[ "$(sqlite3 "$db" "PRAGMA integrity_check")" = ok ] &&
	overwrite_page "$db" token_events_serial &&
	# reading still works: the records can be looked at, and copied out
	e kasi --db "$db" show "$number" >/dev/null && e kasi --db "$db" list >/dev/null &&
	t_expect_status 3 e kasi --db "$db" audit verify 2>"$T_DIR/err" &&
	grep -q "damaged.db is damaged (integrity_check" "$T_DIR/err" &&
	grep -q "restore the last backup" "$T_DIR/err" &&
	t_expect_status 3 e kasi --db "$db" cancel "$number" --reason "uji" 2>"$T_DIR/err" &&
	grep -q "nothing was written to it" "$T_DIR/err" &&
	t_expect_status 3 e kasi --db "$db" official add --name "Andi" \
		--nip 198505052010011005 --role kabid --login andi 2>/dev/null &&
	[ "$(sqlite3 "$db" "SELECT state FROM applications WHERE number = '$number'")" = submitted ] &&
	[ "$(sqlite3 "$db" "SELECT count(*) FROM officials")" -eq 3 ]
}
t_ok "damaged_file_fails_audit_verify_and_takes_no_writes" \
	damaged_file_fails_verify_and_takes_no_writes

intact_store_verifies() {
	e kasi audit verify >"$T_DIR/out" && grep -q "intact" "$T_DIR/out"
}
t_ok "intact_store_verifies" intact_store_verifies

state_changed_in_the_file_is_named_by_audit_verify() {
	number=$(t_apply "Wulan") && e kadis reject "$number" --reason "bukan pegawai" >/dev/null &&
	e kasi audit verify >/dev/null &&
	id=$(sqlite3 "$ENROLL_DB" "SELECT id FROM applications WHERE number = '$number'") &&
	sqlite3 "$ENROLL_DB" "UPDATE applications SET state = 'active' WHERE number = '$number'" &&
	t_expect_status 22 e kasi audit verify 2>"$T_DIR/err" &&
	grep -q "^enroll: applications row $id ($number): state is active, but the audit log says rejected" "$T_DIR/err" &&
	grep -q "records that disagree with the audit log: 1;" "$T_DIR/err" &&
	# put back as the chain says: intact again
	sqlite3 "$ENROLL_DB" "UPDATE applications SET state = 'rejected' WHERE number = '$number'" &&
	e kasi audit verify >/dev/null
}
t_ok "state_changed_in_the_file_is_named_by_audit_verify" \
	state_changed_in_the_file_is_named_by_audit_verify

t_done
