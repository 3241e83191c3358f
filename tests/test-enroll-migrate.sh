#!/bin/sh
# test-enroll-migrate.sh: a sqlite station walked through the SOP (a holder with key and
# certificate, applications returned, rejected and waiting, an official edited and one
# deactivated, a refusal audited, a scan) moves to a fresh PostgreSQL database with
# enroll migrate: every table row for row, the scans with their hashes, the audit head,
# show and the holders report the same, numbering and acts going on there. A target
# that fails midway, or a scan changed behind its record, leaves the target empty; a
# second migrate is refused and changes nothing. The server's store goes back to a file.
. "$top_srcdir/tests/enroll-lib.sh"

# The source is a sqlite file whatever backend the suite runs on. The target: the test
# cluster's database (ENROLL_TEST_PG), or one of a cluster this test starts and stops.
export ENROLL_DB="$T_DIR/enroll.db" ENROLL_STATE_DIR="$T_DIR/state"
t_pg_database
TARGET="postgresql:///$PG_DB?host=$PG"
TARGET_FILES=$ENROLL_STATE_DIR/$(printf '%s' "$TARGET" | tr -c 'A-Za-z0-9.-' '_')

. "$top_srcdir/tests/store-dump.sh"

# target_is_empty: no row in any table of the target, no file in its data directory.
target_is_empty() {
	dump "$TARGET" >"$T_DIR/target.dump" &&
	[ ! -s "$T_DIR/target.dump" ] || { echo "the target holds:"; head "$T_DIR/target.dump"; return 1; }
	[ -z "$(find "$TARGET_FILES" -type f 2>/dev/null)" ] ||
		{ echo "files left:"; find "$TARGET_FILES" -type f; return 1; }
	[ "$(psql -d "$TARGET" -qAtX -c "SELECT count(*) FROM scans" 2>/dev/null || echo 0)" -eq 0 ] ||
		{ echo "scans left in the target"; return 1; }
}

# The station: a holder, a returned, a rejected and a waiting application.
printf '%%PDF-1.4\nktp\n%%%%EOF\n' >"$T_DIR/ktp.pdf"
t_station && t_softhsm 1 &&
HOLDER=$(e kasi apply --name "Siti Rahmawati" --nik 6172015505900001 --nip 199005152015032001 \
	--email siti@singkawangkota.go.id --phone 081234567890 --position Analis \
	--unit "Bagian Umum" --agency Setda --document "ktp=$T_DIR/ktp.pdf" --document letter \
	--document form --document sk) &&
t_to_sent "$HOLDER" && t_keygen "$HOLDER" "" >/dev/null && t_import "$HOLDER" >/dev/null &&
e kasi handover "$HOLDER" --receipt "$T_DIR/receipt.pdf" >/dev/null &&
RETURNED=$(t_apply "Hadi") && e kadis return "$RETURNED" --reason "SK belum dilampirkan" >/dev/null &&
REJECTED=$(t_apply "Joko") && e kadis reject "$REJECTED" --reason "bukan pegawai" >/dev/null &&
e kasi official edit kadis --name "Evan Ernanda, S.Kom." >/dev/null &&
WAITING=$(t_apply "Wati") && t_expect_status 6 e kabid dispose "$WAITING" 2>/dev/null &&
e kasi official deactivate kabid --reason "mutasi" >/dev/null &&
[ "$(sqlite3 "$ENROLL_DB" "SELECT state FROM applications WHERE number = '$HOLDER'")" = active ] ||
	{ echo "Bail out! the station cannot be walked through the SOP"; exit 1; }
SCAN=$(sqlite3 "$ENROLL_DB" "SELECT scan_path FROM documents WHERE scan_path <> ''")
cp "$SCAN" "$T_DIR/scan.kept"

a_scan_changed_behind_its_record_stops_the_migrate_and_leaves_the_target_empty() {
	echo changed >>"$SCAN"
	t_expect_status 22 e kasi migrate --to "$TARGET" >/dev/null 2>"$T_DIR/err"
	got=$?
	cp "$T_DIR/scan.kept" "$SCAN"
	[ "$got" -eq 0 ] && grep -q "SHA-256" "$T_DIR/err" && target_is_empty
}
t_ok "a_scan_changed_behind_its_record_stops_the_migrate_and_leaves_the_target_empty" \
	a_scan_changed_behind_its_record_stops_the_migrate_and_leaves_the_target_empty

# certificates come after the officials, applications, documents and keys: midway.
a_target_failing_midway_keeps_nothing() {
	psql -d "$TARGET" -qAtX -c "CREATE FUNCTION t_refuse() RETURNS trigger LANGUAGE plpgsql
		AS \$\$ BEGIN RAISE EXCEPTION 'certificates may not be written'; END \$\$;
		CREATE TRIGGER t_refuse BEFORE INSERT ON certificates
		FOR EACH ROW EXECUTE FUNCTION t_refuse()" >/dev/null || return 1
	t_expect_status 3 e kasi migrate --to "$TARGET" >/dev/null 2>"$T_DIR/err"
	got=$?
	psql -d "$TARGET" -qAtX -c "DROP TRIGGER t_refuse ON certificates" >/dev/null
	[ "$got" -eq 0 ] && grep -q "certificates may not be written" "$T_DIR/err" && target_is_empty
}
t_ok "a_target_failing_midway_keeps_nothing" a_target_failing_midway_keeps_nothing

every_table_is_on_the_server_row_for_row() {
	dump "$ENROLL_DB" >"$T_DIR/source.dump" &&
	e kasi migrate --to "$TARGET" >"$T_DIR/migrate.out" &&
	grep -q "$(sqlite3 "$ENROLL_DB" 'SELECT hash FROM audit_head')" "$T_DIR/migrate.out" &&
	dump "$TARGET" >"$T_DIR/target.dump" &&
	diff "$T_DIR/source.dump" "$T_DIR/target.dump" &&
	[ "$(grep -c '^certificates|' "$T_DIR/target.dump")" -eq 1 ] &&
	[ "$(grep -c '^keys|' "$T_DIR/target.dump")" -eq 1 ] &&
	# the active officials' logins are let in to act from their own logins
	[ "$(psql -d "$TARGET" -qAtX -c "SELECT count(*) FROM officials o WHERE o.active = 1
		AND pg_has_role(o.login, 'enroll_official', 'MEMBER')")" -eq \
		"$(sqlite3 "$ENROLL_DB" "SELECT count(*) FROM officials WHERE active = 1")" ]
}
t_ok "every_table_is_on_the_server_row_for_row" every_table_is_on_the_server_row_for_row

the_scans_are_in_the_servers_store_with_their_hashes() {
	psql -d "$TARGET" -qAtX -F ' ' -c \
		"SELECT d.scan_sha256, d.scan_path, a.number FROM documents d
		JOIN applications a ON a.id = d.application_id WHERE d.scan_path <> ''" >"$T_DIR/scans" &&
	[ "$(wc -l <"$T_DIR/scans")" -eq 1 ] &&
	read -r sha path number <"$T_DIR/scans" &&
	# in the database, by their hash (every station sees them), no file of the station
	[ "$path" = "scans/$sha" ] &&
	[ "$(psql -d "$TARGET" -qAtX -c "SELECT count(*) FROM scans WHERE sha256 = '$sha'")" -eq 1 ] &&
	[ -z "$(find "$TARGET_FILES" -type f 2>/dev/null)" ] &&
	e kasi --db "$TARGET" scan "$number" ktp --output "$T_DIR/scan.back" >/dev/null &&
	cmp -s "$T_DIR/scan.back" "$T_DIR/scan.kept" && cmp -s "$SCAN" "$T_DIR/scan.kept"
}
t_ok "the_scans_are_in_the_servers_store_with_their_hashes" \
	the_scans_are_in_the_servers_store_with_their_hashes

audit_verify_passes_on_the_server_with_the_stations_head() {
	e kasi --db "$TARGET" audit verify >"$T_DIR/verify" &&
	grep -q "$(sqlite3 "$ENROLL_DB" 'SELECT hash FROM audit_head')" "$T_DIR/verify" &&
	[ "$(psql -d "$TARGET" -qAtX -c "SELECT count(*) FROM audit WHERE kind = 'refusal' AND login = 'kabid'")" -ge 1 ]
}
t_ok "audit_verify_passes_on_the_server_with_the_stations_head" \
	audit_verify_passes_on_the_server_with_the_stations_head

show_and_the_holders_report_print_the_same() {
	for number in "$HOLDER" "$RETURNED" "$REJECTED" "$WAITING"; do
		e kasi show "$number" >"$T_DIR/show.sqlite" &&
		e kasi --db "$TARGET" show "$number" >"$T_DIR/show.pg" &&
		diff "$T_DIR/show.sqlite" "$T_DIR/show.pg" || return 1
	done
	e kasi report holders --by all >"$T_DIR/holders.sqlite" &&
	e kasi --db "$TARGET" report holders --by all >"$T_DIR/holders.pg" &&
	diff "$T_DIR/holders.sqlite" "$T_DIR/holders.pg" && grep -q "Bagian Umum" "$T_DIR/holders.pg"
}
t_ok "show_and_the_holders_report_print_the_same" show_and_the_holders_report_print_the_same

a_second_migrate_is_refused_and_changes_nothing() {
	dump "$TARGET" >"$T_DIR/before" &&
	t_expect_status 8 e kasi migrate --to "$TARGET" >/dev/null 2>"$T_DIR/err" &&
	grep -q "already" "$T_DIR/err" &&
	dump "$TARGET" >"$T_DIR/after" && diff "$T_DIR/before" "$T_DIR/after"
}
t_ok "a_second_migrate_is_refused_and_changes_nothing" a_second_migrate_is_refused_and_changes_nothing

the_server_takes_the_next_number_and_the_next_act() {
	last=$(sqlite3 "$ENROLL_DB" "SELECT max(seq) FROM applications")
	next=$(export ENROLL_DB="$TARGET" && t_apply "Xena") &&
	[ "$(printf '%s' "$next" | sed 's,.*/0*,,')" -eq $((last + 1)) ] &&
	e kadis --db "$TARGET" dispose "$WAITING" --note "ke Kabid" >/dev/null &&
	[ "$(psql -d "$TARGET" -qAtX -c "SELECT state FROM applications WHERE number = '$WAITING'")" = \
		disposed_kadis ] &&
	e kasi --db "$TARGET" audit verify >/dev/null
}
t_ok "the_server_takes_the_next_number_and_the_next_act" the_server_takes_the_next_number_and_the_next_act

the_servers_store_goes_back_to_a_new_file() {
	dump "$TARGET" >"$T_DIR/server.dump" &&
	e kasi --db "$TARGET" --json migrate --to "$T_DIR/export.db" >"$T_DIR/export.json" &&
	dump "$T_DIR/export.db" >"$T_DIR/export.dump" &&
	[ "$(jq -r .tables.applications "$T_DIR/export.json")" -eq \
		"$(grep -c '^applications|' "$T_DIR/export.dump")" ] &&
	[ "$(jq -r .audit_head "$T_DIR/export.json")" = \
		"$(sqlite3 "$T_DIR/export.db" 'SELECT hash FROM audit_head')" ] &&
	diff "$T_DIR/server.dump" "$T_DIR/export.dump" &&
	e kasi --db "$T_DIR/export.db" audit verify >/dev/null &&
	# the scan the server kept is a file of the new station again
	[ "$(find "$T_DIR/export.db.files" -type f | wc -l)" -eq 1 ] &&
	e kasi --db "$T_DIR/export.db" scan "$HOLDER" ktp --output "$T_DIR/scan.exported" >/dev/null &&
	cmp -s "$T_DIR/scan.exported" "$T_DIR/scan.kept"
}
t_ok "the_servers_store_goes_back_to_a_new_file" the_servers_store_goes_back_to_a_new_file

the_copy_is_reported_in_indonesian() {
	e kasi --lang id --db "$T_DIR/export.db" migrate --to "$T_DIR/again.db" >"$T_DIR/id.out" &&
	grep -q "^Penyimpanan disalin ke " "$T_DIR/id.out" && grep -q "masa jabatan pejabat" "$T_DIR/id.out" &&
	grep -q "hasil pindaian disalin" "$T_DIR/id.out" && ! grep -qi "copied\|audit rows" "$T_DIR/id.out"
}
t_ok "the_copy_is_reported_in_indonesian" the_copy_is_reported_in_indonesian

t_done
