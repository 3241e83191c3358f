#!/bin/sh
# test-backup.sh: a backup holds everything the station needs (database, scans, local CA,
# manifest with every file's SHA-256 and the audit head), and a restore checks all of it
# before it moves anything: a changed, added or missing file, a changed database or a
# rewritten head refuses the restore and leaves the station there exactly as it was.
. "$top_srcdir/tests/enroll-lib.sh"

t_station || { echo "Bail out! the station cannot be set up"; exit 1; }
printf '%%PDF-1.4\nktp\n%%%%EOF\n' >"$T_DIR/ktp.pdf"
FIRST=$(e kasi apply --name "Siti Rahmawati" --nik 6172015505900001 --nip 199005152015032001 \
	--email siti@singkawangkota.go.id --phone 081234567890 --position Analis \
	--unit "Bagian Umum" --agency Setda --document "ktp=$T_DIR/ktp.pdf" --document letter \
	--document form --document sk) || { echo "Bail out! no application"; exit 1; }
e kasi backup "$T_DIR/backups/first" >"$T_DIR/backup.out" ||
	{ echo "Bail out! no backup"; exit 1; }
B=$T_DIR/backups/first

# station: the database's SHA-256 and every file of the data directory with its own.
station() {
	sha256sum "$ENROLL_DB"
	(cd "$ENROLL_DB.files" && find . -type f ! -path './locks/*' -exec sha256sum {} + | sort)
	ls -d "$ENROLL_DB"*
}

# copy_of NAME: a copy of the backup to tamper with.
copy_of() {
	rm -rf "$T_DIR/$1" && cp -a "$B" "$T_DIR/$1" && echo "$T_DIR/$1"
}

# refused_restore STATUS FRAGMENT DIR [ARGS]: restore fails so and the station is unchanged.
refused_restore() {
	want=$1 fragment=$2 dir=$3
	shift 3
	station >"$T_DIR/before"
	e kasi restore "$dir" "$@" >"$T_DIR/out" 2>"$T_DIR/err"
	got=$?
	[ "$got" -eq "$want" ] || { echo "exit status $got, expected $want"; cat "$T_DIR/err"; return 1; }
	grep -qF -- "$fragment" "$T_DIR/err" || { echo "missing: $fragment"; cat "$T_DIR/err"; return 1; }
	station >"$T_DIR/after"
	cmp -s "$T_DIR/before" "$T_DIR/after" || { diff "$T_DIR/before" "$T_DIR/after"; return 1; }
}

manifest_lists_every_file_with_its_sha256_and_the_audit_head() {
	head=$(sqlite3 "$ENROLL_DB" 'SELECT hash FROM audit_head')
	grep -qx "audit-head $head" "$B/MANIFEST" || { echo "head $head not in:"; cat "$B/MANIFEST"; return 1; }
	grep -qF "$head" "$T_DIR/backup.out" || { echo "head not printed"; return 1; }
	(cd "$B" && sed '1,/^$/d' MANIFEST | sha256sum -c --quiet) || return 1
	scan=$(sqlite3 "$ENROLL_DB" "SELECT scan_sha256 FROM documents WHERE kind = 'ktp_copy'")
	grep -q "^$scan  files/TTE-" "$B/MANIFEST" || { echo "the scan $scan is not listed"; return 1; }
	grep -q "  files/ca/ca.key$" "$B/MANIFEST" || { echo "the local CA is not listed"; return 1; }
	listed=$(sed '1,/^$/d' "$B/MANIFEST" | wc -l)
	found=$(cd "$B" && find . -type f ! -name MANIFEST | wc -l)
	[ "$listed" -eq "$found" ] || { echo "$listed listed, $found in the backup"; return 1; }
	! grep -q locks "$B/MANIFEST" || { echo "lock files backed up"; return 1; }
}
t_ok "manifest_lists_every_file_with_its_sha256_and_the_audit_head" \
	manifest_lists_every_file_with_its_sha256_and_the_audit_head

backup_is_private_and_makes_missing_parent_directories() {
	e kasi backup "$T_DIR/new/a/b/c" >/dev/null &&
	[ "$(stat -c %a "$T_DIR/new/a/b/c")" = 700 ] &&
	[ "$(stat -c %a "$T_DIR/new/a/b/c/enroll.db")" = 600 ] &&
	[ ! -e "$T_DIR/new/a/b/c.partial" ]
}
t_ok "backup_is_private_and_makes_missing_parent_directories" \
	backup_is_private_and_makes_missing_parent_directories

backup_onto_an_existing_directory_is_refused_and_leaves_it_alone() {
	mkdir -p "$T_DIR/taken" && echo mine >"$T_DIR/taken/note"
	t_expect_status 8 e kasi backup "$T_DIR/taken" 2>"$T_DIR/err" &&
	grep -q "already exists" "$T_DIR/err" &&
	[ "$(ls "$T_DIR/taken")" = note ] && [ "$(cat "$T_DIR/taken/note")" = mine ]
}
t_ok "backup_onto_an_existing_directory_is_refused_and_leaves_it_alone" \
	backup_onto_an_existing_directory_is_refused_and_leaves_it_alone

check_passes_an_intact_backup_and_changes_nothing() {
	(cd "$B" && find . -type f -exec sha256sum {} + | sort) >"$T_DIR/b.before"
	e kasi restore --check "$B" >"$T_DIR/out" && grep -q "intact" "$T_DIR/out" &&
	(cd "$B" && find . -type f -exec sha256sum {} + | sort) >"$T_DIR/b.after" &&
	cmp "$T_DIR/b.before" "$T_DIR/b.after"
}
t_ok "check_passes_an_intact_backup_and_changes_nothing" \
	check_passes_an_intact_backup_and_changes_nothing

changed_scan_refuses_the_restore() {
	d=$(copy_of changed) && f=$(find "$d/files/TTE-"* -type f | head -1) &&
	printf 'forged' >>"$f" &&
	refused_restore 22 "differ from its manifest" "$d" --replace &&
	refused_restore 22 "differ from its manifest" "$d" --check
}
t_ok "a_changed_scan_refuses_the_restore_and_the_station_is_unchanged" changed_scan_refuses_the_restore

added_file_refuses_the_restore() {
	d=$(copy_of added) && echo extra >"$d/files/ca/extra.pem" &&
	refused_restore 22 "differ from its manifest" "$d" --replace &&
	d=$(copy_of added-top) && echo extra >"$d/notes.txt" &&
	refused_restore 22 "notes.txt is not in the backup's manifest" "$d" --replace
}
t_ok "an_added_file_refuses_the_restore" added_file_refuses_the_restore

missing_file_refuses_the_restore() {
	d=$(copy_of missing) && rm "$d/files/ca/root.pem" &&
	refused_restore 22 "differ from its manifest" "$d" --replace &&
	d=$(copy_of nomanifest) && rm "$d/MANIFEST" &&
	refused_restore 23 "MANIFEST" "$d" --replace
}
t_ok "a_missing_file_or_manifest_refuses_the_restore" missing_file_refuses_the_restore

changed_database_refuses_the_restore() {
	d=$(copy_of db) &&
	sqlite3 "$d/enroll.db" "UPDATE applicants SET full_name = 'Forged' WHERE id = 1" &&
	refused_restore 22 "enroll.db differs from its manifest" "$d" --replace
}
t_ok "a_changed_database_refuses_the_restore" changed_database_refuses_the_restore

rewritten_chain_refuses_the_restore() {
	# An edited record with its manifest line recomputed: the audit chain catches it.
	d=$(copy_of chain) &&
	sqlite3 "$d/enroll.db" "DROP TRIGGER audit_no_update;
		UPDATE audit SET detail = 'forged' WHERE seq = 2" &&
	sum=$(sha256sum "$d/enroll.db" | cut -d' ' -f1) &&
	sed -i "s/^[0-9a-f]\{64\}  enroll.db$/$sum  enroll.db/" "$d/MANIFEST" &&
	refused_restore 22 "audit chain" "$d" --replace &&
	# A manifest whose head is not the database's.
	d=$(copy_of head) &&
	sed -i "s/^audit-head .*/audit-head $(printf '%064d' 0)/" "$d/MANIFEST" &&
	refused_restore 22 "audit head" "$d" --replace
}
t_ok "a_rewritten_chain_or_head_refuses_the_restore" rewritten_chain_refuses_the_restore

restore_over_a_station_needs_replace() {
	refused_restore 8 "--replace" "$B" &&
	[ ! -e "$ENROLL_DB.restoring" ] && [ ! -e "$ENROLL_DB.files.restoring" ]
}
t_ok "restore_over_a_station_needs_replace_and_leaves_it_alone" restore_over_a_station_needs_replace

restore_elsewhere_is_refused() {
	ENROLL_DB=$T_DIR/elsewhere/enroll.db refused_restore 8 "restore it there" "$B" &&
	[ ! -e "$T_DIR/elsewhere/enroll.db" ] && [ ! -e "$T_DIR/elsewhere/enroll.db.files" ]
}
t_ok "restore_to_another_path_is_refused" restore_elsewhere_is_refused

replace_sets_the_station_aside_and_restores() {
	later=$(e kasi apply --name "Budi Santoso" --nik 6172011505900001 --nip 199005152015031001 \
		--email budi@singkawangkota.go.id --phone 081234567891 --position Analis \
		--unit "Bagian Umum" --agency Setda) &&
	sha256sum "$ENROLL_DB" | cut -d' ' -f1 >"$T_DIR/live.sum" &&
	e kasi restore --replace "$B" >"$T_DIR/out" &&
	e kasi show "$FIRST" >/dev/null &&
	t_expect_status 4 e kasi show "$later" 2>/dev/null &&
	e kasi audit verify >/dev/null &&
	aside=$(ls -d "$ENROLL_DB".replaced-* | grep -v -e -wal -e -shm -e files) &&
	sqlite3 "$aside" "SELECT number FROM applications" | grep -qx "$later" &&
	ls -d "$ENROLL_DB".files.replaced-* >/dev/null
}
t_ok "replace_sets_the_station_aside_and_brings_back_the_backup" \
	replace_sets_the_station_aside_and_restores

restore_after_loss_brings_back_the_scans() {
	rm -rf "$ENROLL_DB" "$ENROLL_DB"-* "$ENROLL_DB".files "$ENROLL_DB".replaced-* "$ENROLL_DB".files.* &&
	e kasi restore "$B" >/dev/null &&
	e kasi audit verify >/dev/null &&
	sqlite3 -separator ' ' "$ENROLL_DB" "SELECT scan_sha256, scan_path FROM documents
		WHERE kind = 'ktp_copy'" >"$T_DIR/scan" &&
	read -r sum path <"$T_DIR/scan" &&
	[ "$(sha256sum "$path" | cut -d' ' -f1)" = "$sum" ] &&
	[ "$(stat -c %a "$ENROLL_DB")" = 600 ]
}
t_ok "restore_after_a_loss_brings_back_the_database_and_the_scans" \
	restore_after_loss_brings_back_the_scans

t_done
