#!/bin/sh
# test-i18n-id.sh: with --lang id every command's failures are said in Indonesian, the
# libraries' details included: no English word of the libraries' messages (their msgids in
# po/enroll.pot) may appear in what a refused command prints. And the text output speaks in
# labels, the commands a person types and the officials' names; --json keeps the codes.
. "$top_srcdir/tests/enroll-lib.sh"

POT=$top_srcdir/po/enroll.pot
ID_PO=$top_srcdir/po/id.po
: "${ENROLL_LOCALEDIR:?the tests run the uninstalled command with ENROLL_LOCALEDIR}"
export ENROLL_LOCALEDIR

# words FILE...: the words of ordinary text, lowercased, one a line: codes (CKR_PIN_LOCKED,
# C_Login, kepala_dinas), acronyms (PIN, NIK, SO) and anything with a digit are not words.
words() {
	cat "$@" | tr -c 'A-Za-z0-9_' '\n' | grep -v '[0-9_]' | grep '[a-z]' | grep -v '^.$' |
		tr 'A-Z' 'a-z' | sort -u
}

# msg_texts SIDE: the msgid (or msgstr) texts of the libraries' messages, one a line.
lib_msgids() {
	awk '/^#: / { lib = ($0 ~ /(workflow|pkcs11)\//) }
	     /^msgid / { on = lib } /^msgstr/ { on = 0 }
	     on && /"/ { sub(/^msgid /, ""); print }' "$POT" | sed 's/%[-0-9.]*[a-z]*//g'
}
msgstrs() {
	awk '/^msgstr/ { on = 1 } /^(#|msgid)/ { on = 0 } on' "$ID_PO"
}

# The list: the libraries' English words that Indonesian does not share (a word that is
# also in some translation, as "token", "data", "login" or "status", is not evidence), less
# the proper names and program names the messages carry.
lib_msgids >"$T_DIR/msgids" && msgstrs >"$T_DIR/msgstrs"
words "$T_DIR/msgids" >"$T_DIR/en-words"
words "$T_DIR/msgstrs" >"$T_DIR/id-words"
printf '%s\n' enroll libp11 pcscd systemctl softhsm opensc bsre kabid kasi tte |
	sort >"$T_DIR/names"
comm -23 "$T_DIR/en-words" "$T_DIR/id-words" | comm -23 - "$T_DIR/names" >"$T_DIR/english"

word_list_holds_the_libraries_words() {
	for w in has digits must exactly allowed done cannot is run ascending; do
		grep -qx "$w" "$T_DIR/english" || { echo "not in the list: $w"; return 1; }
	done
	[ "$(wc -l <"$T_DIR/english")" -ge 150 ] || { echo "too few words"; return 1; }
}

# refused STATUS ARGS...: enroll --lang id as the kasi (ENROLL_TEST_LOGIN may be overridden
# with AS=login) fails with STATUS and prints no English word of the list.
refused() {
	want=$1
	shift
	ENROLL_TEST_LOGIN=${AS:-kasi} "$ENROLL" --lang id "$@" >"$T_DIR/out" 2>&1 </dev/null
	got=$?
	cat "$T_DIR/out"
	[ "$got" -eq "$want" ] || { echo "exit status $got, expected $want"; return 1; }
	[ -s "$T_DIR/out" ] || { echo "nothing said"; return 1; }
	# the test's own paths, the fixture's names, the options and the commands the operator
	# types are not the program's words
	sed -e "s|$T_DIR|DIR|g" -e 's/--[a-z][a-z0-9-]*//g' \
		-e 's/\(yang dapat dilakukan sekarang:\).*/\1/' "$T_DIR/out" >"$T_DIR/said"
	words "$T_DIR/said" | comm -12 - "$T_DIR/english" >"$T_DIR/found"
	[ ! -s "$T_DIR/found" ] || { echo "English: $(tr '\n' ' ' <"$T_DIR/found")"; return 1; }
}

t_station || { echo "Bail out! the station cannot be set up"; exit 1; }
t_softhsm 2
blank_store=$SOFTHSM2_CONF
t_softhsm 1
submitted=$(t_apply "Sari Wulandari") && sent=$(t_apply "Dewi Lestari") && t_to_sent "$sent" &&
	generated=$(t_apply "Rudi Hartono") && t_to_sent "$generated" &&
	t_keygen "$generated" >/dev/null ||
	{ echo "Bail out! the applications cannot be set up"; exit 1; }
label=$(sqlite3 "$ENROLL_DB" "SELECT substr(full_name, 1, 32) FROM applicants a JOIN applications p ON p.applicant_id = a.id WHERE p.number = '$generated'")
missing_db=$T_DIR/tiada/enroll.db
printf '%s\n' 111111 246810 246810 >"$T_DIR/wrong.pin"
printf '%s\n%s\n' 123456 123456 >"$T_DIR/run.pin"
printf '%s\n%s\n' 246810 246810 >"$T_DIR/new.pin"
printf '%s\n%s\n' "$T_SO_PIN" "$T_SO_PIN" >"$T_DIR/so2.pin"
printf 'not a certificate\n' >"$T_DIR/not-a-cert.pem"
yes 'bukan basis data' | head -c 8192 >"$T_DIR/rusak.db" && chmod 600 "$T_DIR/rusak.db"

# apply ARGS...: an application with valid fields, ARGS overriding them.
apply_with() {
	refused "$1" apply --name "Ayu Lestari" --nik 6172015504850001 --nip 198504152010012001 \
		--email ayu@singkawangkota.go.id --phone 081234567890 --position Analis --status pns \
		--unit "Bagian Umum" --agency Setda --city Singkawang --province "Kalimantan Barat" \
		"$@"
}

# said_in_id ARGS...: enroll --lang id as the kasi, succeeding; the output in $T_DIR/out,
# each run of blanks one blank.
said_in_id() {
	ENROLL_TEST_LOGIN=kasi "$ENROLL" --lang id "$@" >"$T_DIR/said" 2>&1 ||
		{ cat "$T_DIR/said"; return 1; }
	tr -s ' ' <"$T_DIR/said" >"$T_DIR/out"
}
has() { grep -qF -- "$1" "$T_DIR/out" || { echo "missing: $1"; cat "$T_DIR/out"; return 1; }; }
lacks() { ! grep -qF -- "$1" "$T_DIR/out" || { echo "unexpected: $1"; cat "$T_DIR/out"; return 1; }; }

# A disposition the kasi records from the paper: the history names the officials, with the
# paper's number and date; what may be done next is what the operator types.
show_names_the_officials_and_the_paper() {
	number=$(t_apply "Lina Marlina") &&
		e kasi dispose "$number" --on-behalf kadis --reference "045/DISP/2026, 1 Desember 2026" \
			--note "ke Kabid" >/dev/null &&
		said_in_id show "$number" && has "(Didisposisi Kepala Dinas)" &&
		has "Rina Kasi atas nama Evan Ernanda, Kepala Dinas" &&
		has "disposisi kertas: 045/DISP/2026, 1 Desember 2026" && has " menit" &&
		has "Berikutnya: dispose, return, reject, cancel" && lacks "kadis" && lacks " min " &&
		e kasi --json show "$number" >"$T_DIR/out" && has '"state":"disposed_kadis"' &&
		has '"on_behalf_of":"kadis"' && has '"action":"dispose"'
}

# After step 6 the key's status is a word of the language; list shows the states' labels.
show_and_list_speak_in_labels() {
	said_in_id show "$generated" && has ", selesai" && lacks "(complete)" &&
		has "Berikutnya: import, cancel" &&
		said_in_id list && has "Diajukan" && has "Kunci dibuat" && lacks "submitted" &&
		lacks "key_generated" &&
		e kasi --json list >"$T_DIR/out" && has '"state":"key_generated"'
}

# A handed-over token's next acts are the lifecycle events as the command takes them.
next_acts_after_handover_are_the_lifecycle_commands() {
	t_import "$generated" >/dev/null && e kasi handover "$generated" >/dev/null &&
		said_in_id show "$generated" && has "(Aktif, sudah diserahkan)" &&
		has "Berikutnya: lifecycle lost, lifecycle revoke, lifecycle expire, lifecycle renew" &&
		lacks "report_lost"
}

# Only the letter received: step 5 names the form, the KTP and the SK missing, in words.
send_with_documents_missing() {
	partial=$(e kasi apply --name "Ayu Lestari" --nik 6172015504850009 \
		--nip 198504152010012001 --email ayu@singkawangkota.go.id --phone 081234567890 \
		--position Analis --status pns --unit "Bagian Umum" --agency Setda \
		--city Singkawang --province "Kalimantan Barat" --document letter) &&
		e kadis dispose "$partial" >/dev/null && e kabid dispose "$partial" >/dev/null &&
		e kasi register "$partial" >/dev/null && refused 9 send "$partial" &&
		grep -qF "Fotokopi KTP" "$T_DIR/out" && ! grep -qF "ktp_copy" "$T_DIR/out"
}

t_ok word_list_holds_the_libraries_words word_list_holds_the_libraries_words
t_ok show_names_the_officials_and_the_paper show_names_the_officials_and_the_paper
t_ok show_and_list_speak_in_labels show_and_list_speak_in_labels
t_ok apply_nik_of_12_digits apply_with 8 --nik 617201550485
t_ok apply_nik_of_an_unknown_province apply_with 8 --nik 9972015504850001
t_ok apply_nip_in_the_future apply_with 8 --nip 209904152010012001
t_ok apply_email_without_at apply_with 8 --email ayu.singkawangkota.go.id
t_ok apply_email_with_two_at_signs apply_with 8 --email ayu@kantor@singkawangkota.go.id
t_ok apply_phone_not_mobile apply_with 8 --phone 0215551234
t_ok apply_phone_with_letters apply_with 8 --phone 0812abc
t_ok apply_nip_for_other_employment apply_with 8 --status other
t_ok apply_without_a_database apply_with 3 --db "$missing_db"
t_ok init_with_an_empty_office_name refused 1 --db "$T_DIR/baru.db" init --office "" \
	--city Singkawang --province "Kalimantan Barat" --issuer local
t_ok official_add_with_a_bad_nip refused 8 official add --name "Tono" --nip 1234 \
	--role kabid --login tono
t_ok official_add_with_a_taken_login refused 8 official add --name "Tono" \
	--nip 198203152006041002 --role kabid --login kabid
t_ok official_list_without_a_database refused 3 --db "$missing_db" official list
t_ok document_of_an_unknown_application refused 4 document TTE/2026/9999 --document ktp
t_ok document_of_a_sent_application refused 5 document "$sent" --document ktp
t_ok dispose_by_the_wrong_role eval 'AS=kabid refused 6 dispose "$submitted"'
t_ok dispose_on_behalf_without_the_paper refused 8 dispose "$submitted" --on-behalf kadis
t_ok dispose_on_behalf_of_a_stranger refused 6 dispose "$submitted" --on-behalf nobody \
	--reference "123/2026"
t_ok register_in_the_wrong_state refused 5 register "$submitted"
t_ok send_in_the_wrong_state refused 5 send "$submitted"
t_ok send_with_documents_missing send_with_documents_missing
t_ok return_an_unknown_application refused 4 return TTE/2026/9999 --reason "kurang KTP"
t_ok resubmit_in_the_wrong_state refused 5 resubmit "$submitted"
t_ok reject_by_the_wrong_role eval 'AS=kabid refused 6 reject "$submitted" --reason "tidak"'
t_ok cancel_an_unknown_application refused 4 cancel TTE/2026/9999 --reason "batal"
t_ok lifecycle_lost_before_handover refused 5 lifecycle "$submitted" lost --reason "hilang"
t_ok keygen_in_the_wrong_state refused 5 --pin-fd 3 keygen "$submitted" 3<"$T_DIR/run.pin"
t_ok keygen_with_a_pin_that_is_a_run eval \
	'SOFTHSM2_CONF=$blank_store refused 13 --so-pin-fd 3 --pin-fd 4 keygen "$sent" \
		3<"$T_DIR/so2.pin" 4<"$T_DIR/run.pin"'
t_ok keygen_on_a_token_holding_another_key eval \
	'refused 25 --so-pin-fd 3 --pin-fd 4 keygen "$sent" 3<"$T_DIR/so2.pin" 4<"$T_DIR/run.pin"'
t_ok keygen_on_no_such_token refused 10 --token "Tidak Ada" keygen "$sent"
t_ok import_in_the_wrong_state refused 5 import "$sent" --cert "$T_DIR/not-a-cert.pem"
t_ok import_with_the_wrong_pin eval \
	'refused 11 --pin-fd 3 import "$generated" 3<"$T_DIR/wrong.pin"'
t_ok import_of_a_file_that_is_not_a_certificate eval \
	'printf "%s\n" "$T_USER_PIN" >"$T_DIR/user1.pin" &&
	refused 23 --pin-fd 3 import "$generated" --cert "$T_DIR/not-a-cert.pem" 3<"$T_DIR/user1.pin"'
t_ok handover_in_the_wrong_state refused 5 handover "$sent"
t_ok show_an_unknown_application refused 4 show TTE/2026/9999
t_ok show_on_a_file_that_is_not_a_database refused 3 --db "$T_DIR/rusak.db" show TTE/2026/0001
t_ok list_without_a_database refused 3 --db "$missing_db" list
t_ok report_without_a_database refused 3 --db "$missing_db" report states
t_ok audit_verify_without_a_database refused 3 --db "$missing_db" audit verify
t_ok backup_onto_an_existing_directory refused 8 backup "$T_DIR"
t_ok token_info_of_no_such_token refused 10 token info --token "Tidak Ada"
t_ok token_list_with_no_module refused 10 --module "$T_DIR/tiada.so" token list
t_ok token_change_pin_with_the_wrong_pin eval \
	'refused 11 --pin-fd 3 token change-pin --token "$label" 3<"$T_DIR/wrong.pin"'
t_ok token_unblock_with_the_wrong_so_pin eval \
	'refused 11 --so-pin-fd 3 --pin-fd 4 token unblock --token "$label" \
		3<"$T_DIR/wrong.pin" 4<"$T_DIR/new.pin"'
t_ok token_reset_of_no_such_token refused 10 token reset --token "Tidak Ada"
t_ok token_history_without_a_database refused 3 --db "$missing_db" token history 0000000000000000
t_ok token_wait_without_pcscd eval \
	'PCSCLITE_CSOCK_NAME=$T_DIR/no-pcscd refused 20 token wait --timeout 1'
t_ok next_acts_after_handover_are_the_lifecycle_commands \
	next_acts_after_handover_are_the_lifecycle_commands
t_done
