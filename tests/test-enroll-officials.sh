#!/bin/sh
# End to end: the office's officials through the real command. The Kasi registered at
# init adds, corrects and deactivates officials; no one else may, and each refusal is
# audited; a Kepala Dinas who leaves stays in the old records, and a replacement acts.
. "$top_srcdir/tests/enroll-lib.sh"

t_station || { echo "Bail out! the station cannot be set up"; exit 1; }

officials() {
	t_sql "SELECT count(*) FROM officials"
}

refusals() {
	t_sql "SELECT count(*) FROM audit WHERE kind = 'refusal' AND action = '$1' AND login = '$2'"
}

# actor_name NUMBER INDEX: the name of the official who did the application's event INDEX.
actor_name() {
	e kasi --json show "$1" | jq -r ".events[$2].actor_name"
}

init_registers_the_kasi_running_it_as_the_first_official() {
	e kasi official list >"$T_DIR/list" &&
	grep -q "^kasi .*199001012015032003 .*Kasi.* Rina Kasi$" "$T_DIR/list" &&
	[ "$(t_sql "SELECT login FROM officials ORDER BY id LIMIT 1")" = kasi ] &&
	[ "$(t_sql "SELECT count(*) FROM audit WHERE action = 'official_add' AND login = 'kasi'")" -eq 3 ]
}
t_ok "init_registers_the_kasi_running_it_as_the_first_official" \
	init_registers_the_kasi_running_it_as_the_first_official

init_with_a_bad_kasi_nip_creates_nothing() {
	db=$T_DIR/bad-kasi/enroll.db
	t_expect_status 8 e kasi --db "$db" init --office "Dinas Kominfo" --city Singkawang \
		--kasi-name "Rina Kasi" --kasi-nip 1990010120150320 2>"$T_DIR/err" &&
	grep -q "NIP has 16 digits" "$T_DIR/err" && [ ! -e "$db" ] &&
	t_expect_status 1 e kasi --db "$db" init --office "Dinas Kominfo" --city Singkawang \
		--kasi-name "Rina Kasi" 2>/dev/null && [ ! -e "$db" ]
}
t_ok "init_with_a_bad_kasi_nip_creates_nothing" init_with_a_bad_kasi_nip_creates_nothing

kasi_login_for_a_file_or_alone_creates_nothing() {
	db=$T_DIR/kasi-login/enroll.db
	t_expect_status 1 e kasi --db "$db" init --office "Dinas Kominfo" --city Singkawang \
		--kasi-name "Rina Kasi" --kasi-nip 199001012015032003 --kasi-login rina 2>"$T_DIR/err" &&
	grep -q "for a PostgreSQL store" "$T_DIR/err" && [ ! -e "$db" ] && [ ! -e "$db.files" ] &&
	t_expect_status 1 e kasi --db "$db" init --office "Dinas Kominfo" --city Singkawang \
		--kasi-login kasi 2>"$T_DIR/err" &&
	grep -q "goes with --kasi-name" "$T_DIR/err" && [ ! -e "$db" ] && [ ! -e "$db.files" ]
}
t_ok "kasi_login_for_a_database_file_or_without_the_kasi_creates_nothing" \
	kasi_login_for_a_file_or_alone_creates_nothing

only_the_kasi_adds_officials_and_each_refusal_is_audited() {
	before=$(officials)
	t_expect_status 6 e kabid official add --name "Andi" --nip 198505052010011005 \
		--role kabid --login andi 2>"$T_DIR/err" &&
	grep -q "^enroll: you may not change the officials: only the kasi manages the officials; kabid is kabid" "$T_DIR/err" &&
	t_expect_status 6 e mallory official add --name "Mallory" --nip 198505052010011005 \
		--role kasi --login mallory 2>/dev/null &&
	t_expect_status 6 e kadis official deactivate kasi 2>/dev/null &&
	t_expect_status 6 e kabid official edit kabid --name "Budi S." 2>/dev/null &&
	[ "$(officials)" -eq "$before" ] &&
	[ "$(refusals official_add kabid)" -eq 1 ] && [ "$(refusals official_add mallory)" -eq 1 ] &&
	[ "$(refusals official_deactivate kadis)" -eq 1 ] &&
	[ "$(refusals official_edit kabid)" -eq 1 ] &&
	e kasi audit verify >/dev/null
}
t_ok "only_the_kasi_adds_edits_or_deactivates_officials_and_each_refusal_is_audited" \
	only_the_kasi_adds_officials_and_each_refusal_is_audited

edit_keeps_the_old_name_in_the_old_records() {
	old=$(t_apply "Sari") && e kadis dispose "$old" --note "ke Kabid" >/dev/null &&
	e kasi official edit kadis --name "Evan Ernanda, S.Kom." --position "Kepala Dinas" \
		>"$T_DIR/out" && grep -q "Evan Ernanda, S.Kom." "$T_DIR/out" &&
	new=$(t_apply "Tono") && e kadis dispose "$new" --note "ke Kabid" >/dev/null &&
	[ "$(actor_name "$old" 1)" = "Evan Ernanda" ] &&
	[ "$(actor_name "$new" 1)" = "Evan Ernanda, S.Kom." ] &&
	e kasi official list >"$T_DIR/list" &&
	grep -q "^kadis .*Evan Ernanda, S.Kom., Kepala Dinas$" "$T_DIR/list" &&
	[ "$(grep -c "^kadis " "$T_DIR/list")" -eq 1 ] &&
	e kasi audit verify >/dev/null
}
t_ok "edit_keeps_the_old_name_in_the_old_records" edit_keeps_the_old_name_in_the_old_records

edit_by_nip_is_refused_whole_for_a_bad_value() {
	t_expect_status 8 e kasi official edit 198203152006041002 --nip 1982031520060410021 \
		2>"$T_DIR/err" && grep -q "nip is 19 bytes long" "$T_DIR/err" &&
	t_expect_status 8 e kasi official edit 198203152006041002 --name "Budi Santoso" \
		2>"$T_DIR/err" && grep -q "nothing changes" "$T_DIR/err" &&
	t_expect_status 1 e kasi official edit kabid 2>/dev/null &&
	t_expect_status 4 e kasi official edit nobody --name X 2>/dev/null &&
	[ "$(t_sql "SELECT name || ' ' || nip FROM officials WHERE login = 'kabid' AND active = 1")" = \
		"Budi Santoso 198203152006041002" ]
}
t_ok "edit_by_nip_is_refused_whole_for_a_bad_value" edit_by_nip_is_refused_whole_for_a_bad_value

kepala_dinas_who_leaves_stays_in_the_old_records() {
	old=$(t_apply "Umar") && e kadis dispose "$old" --note "ke Kabid" >/dev/null &&
	waiting=$(t_apply "Vina") &&
	e kasi official deactivate kadis --reason "pensiun" >/dev/null &&
	t_expect_status 6 e kadis dispose "$waiting" 2>"$T_DIR/err" &&
	grep -q "no longer active" "$T_DIR/err" && [ "$(t_state "$waiting")" = submitted ] &&
	t_expect_status 5 e kasi official deactivate kadis 2>/dev/null &&
	e kasi official list >"$T_DIR/list" && ! grep -q "^kadis " "$T_DIR/list" &&
	e kasi official list --all >"$T_DIR/all" &&
	grep -q "^kadis .*Evan Ernanda, S.Kom.*(inactive since .*: pensiun)" "$T_DIR/all" &&
	[ "$(e kasi --json official list --all | jq -r '.[] | select(.login == "kadis") | .reason')" = pensiun ] &&
	e kasi official add --name "Hendra Wijaya" --nip 197506062000031006 \
		--role kepala_dinas --login hendra >/dev/null &&
	e hendra dispose "$waiting" --note "ke Kabid" >/dev/null &&
	[ "$(actor_name "$old" 1)" = "Evan Ernanda, S.Kom." ] &&
	[ "$(actor_name "$waiting" 1)" = "Hendra Wijaya" ] &&
	[ "$(e kasi --json show "$old" | jq -r '.events[1].actor')" = kadis ] &&
	e kasi audit verify >/dev/null
}
t_ok "kepala_dinas_who_leaves_stays_in_the_old_records_and_the_replacement_acts" \
	kepala_dinas_who_leaves_stays_in_the_old_records

one_person_holds_one_role_at_a_time() {
	before=$(officials)
	t_expect_status 8 e kasi official add --name "Budi Santoso" --nip 198203152006041002 \
		--role kasi --login kabid 2>"$T_DIR/err" &&
	grep -q "one person holds one role at a time" "$T_DIR/err" &&
	t_expect_status 8 e kasi official add --name "Budi Santoso" --nip 198203152006041002 \
		--role kasi --login budi 2>/dev/null &&
	[ "$(officials)" -eq "$before" ] &&
	e kasi official deactivate 198203152006041002 --reason "menjadi kasi" >/dev/null &&
	e kasi official add --name "Budi Santoso" --nip 198203152006041002 \
		--role kasi --login kabid >/dev/null &&
	[ "$(t_sql "SELECT role FROM officials WHERE login = 'kabid' AND active = 1")" = kasi ]
}
t_ok "one_person_holds_one_role_at_a_time" one_person_holds_one_role_at_a_time

last_kasi_cannot_be_deactivated() {
	e kasi official deactivate kabid >/dev/null &&
	t_expect_status 5 e kasi official deactivate kasi 2>"$T_DIR/err" &&
	grep -q "only active kasi" "$T_DIR/err" && grep -q "enroll official list --all" "$T_DIR/err" &&
	[ "$(t_sql "SELECT active FROM officials WHERE login = 'kasi'")" -eq 1 ]
}
t_ok "the_last_active_kasi_cannot_be_deactivated" last_kasi_cannot_be_deactivated

t_done
