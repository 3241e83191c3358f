#!/bin/sh
# test-hostile.sh: hostile input (issue 12), table by table. Each case states the input,
# the exit status and a fragment of the message it must show; each then checks that
# nothing was lost or changed: the application's record (enroll --json show), the
# database's integrity (PRAGMA integrity_check), the audit chain (enroll audit verify)
# and, for documents, the scans in the data directory with their SHA-256. The cases on a
# token (certificate files, misleading messages, PINs, token faults) are in
# test-hostile-token.sh; what both use is in hostile-lib.sh.
. "$top_srcdir/tests/enroll-lib.sh"
. "$top_srcdir/tests/hostile-lib.sh"

t_station || { echo "Bail out! the station cannot be set up"; exit 1; }

# ---------------------------------------------------------------- applicant data
# Each value is one byte past its field's room, or not what it claims to be; apply is
# given it after a valid set of options (the last one given wins), and must refuse it
# whole: exit 8, the field and its limit named, and no applicant recorded.

# case name | option | value (expanded) | fragment
apply_cases() {
	cat <<'EOF'
nik_of_17_digits_is_refused_not_cut|--nik|61720155048500011|nik is 17 bytes long: at most 16
nip_of_19_digits_is_refused_not_cut|--nip|1985041520100120011|nip is 19 bytes long: at most 18
phone_longer_than_its_field_is_refused_not_normalized|--phone|0812 3456 7890          ;rm -rf /|phone is 33 bytes long: at most 23
phone_with_a_shell_command_past_its_room_is_refused_not_normalized|--phone|0812 3456 7890 ;rm -rf /|phone is 24 bytes long: at most 23
phone_with_a_shell_command_is_refused_not_normalized|--phone|0812 3456 7890;rm -rf /|phone number contains ';'
name_of_256_bytes_is_refused_not_cut|--name|$(long 256)|full_name is 256 bytes long: at most 255
name_of_128_two_byte_letters_is_refused_not_cut|--name|$(long 128 é)|full_name is 256 bytes long: at most 255
unit_of_256_bytes_is_refused_not_cut|--unit|$(long 256)|work_unit is 256 bytes long: at most 255
position_of_300_bytes_is_refused_not_cut|--position|$(long 300)|position is 300 bytes long: at most 255
agency_of_256_bytes_is_refused_not_cut|--agency|$(long 256)|agency is 256 bytes long: at most 255
email_of_256_bytes_is_refused_not_cut|--email|$(long 240)@singkawangkota.go.id|email is 261 bytes long: at most 255
rank_of_64_bytes_is_refused_not_cut|--rank|$(long 64)|rank_grade is 64 bytes long: at most 63
city_of_256_bytes_is_refused_not_cut|--city|$(long 256)|city is 256 bytes long: at most 255
province_of_256_bytes_is_refused_not_cut|--province|$(long 256)|province is 256 bytes long: at most 255
name_longer_than_a_certificate_cn_is_refused_at_apply|--name|$(long 65 é)|full_name is 65 characters long: the certificate's CN holds at most 64
unit_longer_than_a_certificate_ou_is_refused_at_apply|--unit|$(long 65)|work_unit is 65 characters long: the certificate's OU holds at most 64
name_with_a_newline_is_refused|--name|$(printf 'Siti\n2026-12-01 10:00 forged line')|full_name contains a control character (U+000A, character 5)
name_with_an_escape_sequence_is_refused|--name|$(printf 'Siti\033[2J')|full_name contains a control character (U+001B, character 5)
unit_with_a_tab_is_refused|--unit|$(printf '\t=1+1')|work_unit contains a control character (U+0009, character 1)
name_with_a_right_to_left_override_is_refused|--name|$(printf 'Siti\342\200\256ilA')|full_name contains an invisible formatting character (U+202E, character 5)
name_with_a_zero_width_space_is_refused|--name|$(printf 'Si\342\200\213ti')|full_name contains an invisible formatting character (U+200B, character 3)
name_of_invalid_utf8_is_refused|--name|$(printf 'Siti \377')|full_name is not valid UTF-8 (at byte 6)
name_with_an_overlong_utf8_slash_is_refused|--name|$(printf 'Siti \300\257')|full_name is not valid UTF-8 (at byte 6)
position_with_a_c1_control_is_refused|--position|$(printf 'Analis \302\233')|position contains a control character (U+009B, character 8)
nip_of_another_birth_date_is_refused|--nip|198504162010012001|NIP date of birth 1985-04-16 differs from the NIK's (day 15, month 04, year ..85)
nip_of_another_sex_is_refused|--nip|198504152010011001|NIP sex (male) differs from the NIK's (female)
nik_of_15_digits_is_refused|--nik|617201550485009|NIK has 15 digits: it must be exactly 16
nik_with_a_letter_is_refused|--nik|61720155048500X9|NIK must contain only digits (no spaces or dots)
nik_with_spaces_is_refused_not_squeezed|--nik|6172 0155 0485 0099|nik is 19 bytes long: at most 16 are allowed
nik_with_day_32_is_refused|--nik|6172017204850099|1985-04 has no day 32 (after removing the 40 added for women)
nik_with_month_13_is_refused|--nik|6172015513850099|NIK digits 9-10 (month of birth) must be 01-12, not 13
nik_of_zeros_is_refused|--nik|0000000000000000|NIK digits 1-2 (province code) 00 is not an Indonesian province
nip_of_17_digits_is_refused|--nip|19850415201001200|NIP has 17 digits: it must be exactly 18
nip_with_a_letter_is_refused|--nip|19850415201001200X|NIP must contain only digits (no spaces or dots)
nip_with_month_13_is_refused|--nip|198513152010012001|19851315 is not a calendar date
email_without_an_at_is_refused|--email|uji-singkawangkota.go.id|email has no @
email_with_a_space_is_refused|--email|uji @singkawangkota.go.id|email contains a character not allowed before the @ (0x20)
email_with_a_header_injected_is_refused|--email|$(printf 'uji@singkawangkota.go.id\nBcc: x@y')|email has more than one @
email_with_nothing_before_the_at_is_refused|--email|@singkawangkota.go.id|email has nothing before the @
phone_with_letters_is_refused|--phone|0812abcd7890|phone number contains 'a': only digits, spaces, dashes and a leading + are allowed
phone_too_short_is_refused|--phone|0812|phone number has 3 digits after 0: a mobile number has 9 to 12
name_of_spaces_only_is_refused|--name|   |full_name is required
name_with_a_delete_character_is_refused|--name|$(printf 'Siti\177')|full_name contains a control character (U+007F, character 5)
name_with_a_byte_order_mark_is_refused|--name|$(printf '\357\273\277Siti')|full_name contains an invisible formatting character (U+FEFF, character 1)
name_with_a_left_to_right_embedding_is_refused|--name|$(printf 'Siti\342\200\252x')|full_name contains an invisible formatting character (U+202A, character 5)
name_with_a_line_separator_is_refused|--name|$(printf 'Siti\342\200\250x')|full_name contains an invisible formatting character (U+2028, character 5)
name_with_a_soft_hyphen_is_refused|--name|$(printf 'Siti\302\255x')|full_name contains an invisible formatting character (U+00AD, character 5)
name_with_a_zero_width_joiner_is_refused|--name|$(printf 'Si\342\200\215ti')|full_name contains an invisible formatting character (U+200D, character 3)
unit_with_a_terminal_title_sequence_is_refused|--unit|$(printf 'Umum\033]0;title\007')|work_unit contains a control character (U+001B, character 5)
agency_with_a_newline_is_refused|--agency|$(printf 'Setda\nDinas')|agency contains a control character (U+000A, character 6)
city_with_a_carriage_return_is_refused|--city|$(printf 'Singkawang\r')|city contains a control character (U+000D, character 11)
province_with_a_directional_isolate_is_refused|--province|$(printf 'Kalbar\342\201\246')|province contains an invisible formatting character (U+2066, character 7)
rank_with_a_backspace_is_refused|--rank|$(printf 'III/a\010')|rank_grade contains a control character (U+0008, character 6)
name_with_a_utf16_surrogate_is_refused|--name|$(printf 'Siti \355\240\200')|full_name is not valid UTF-8 (at byte 6)
name_past_the_last_code_point_is_refused|--name|$(printf 'Siti \364\220\200\200')|full_name is not valid UTF-8 (at byte 6)
name_with_an_overlong_three_byte_slash_is_refused|--name|$(printf 'Siti \340\200\257')|full_name is not valid UTF-8 (at byte 6)
name_cut_inside_a_character_is_refused|--name|$(printf 'Siti \303')|full_name is not valid UTF-8 (at byte 6)
employment_status_unknown_is_refused|--status|contractor|employment status is pns, pppk or other
EOF
}

apply_refused() {
	option=$1 value=$2 fragment=$3
	count=$(applicants)
	refused 8 "$fragment" e kasi apply --name "Uji Coba" --nik 6172015504850099 \
		--nip 198504152010012001 --email uji@singkawangkota.go.id --phone 081234567890 \
		--position Analis --unit "Bagian Umum" --agency Setda "$option" "$value" || return 1
	[ "$(applicants)" -eq "$count" ] || { echo "an applicant was recorded"; return 1; }
	store_intact
}

apply_cases >"$T_DIR/apply.cases"
while IFS='|' read -r name option value fragment; do
	value=$(eval "printf '%s' \"$value\"")
	t_ok "$name" apply_refused "$option" "$value" "$fragment"
done <"$T_DIR/apply.cases"

# At the limit, the value is stored exactly as typed: a name as long as the certificate's
# CN holds (64 characters, here 128 bytes).
name_of_64_two_byte_letters_is_stored_whole() {
	name=$(long 64 é)
	number=$(t_apply "$name") &&
	e kasi --json show "$number" | grep -qF "\"full_name\":\"$name\"" &&
	[ "$(sqlite3 "$ENROLL_DB" "SELECT length(CAST(full_name AS BLOB)) FROM applicants ORDER BY id DESC LIMIT 1")" -eq 128 ]
}
t_ok "name_of_64_two_byte_letters_is_stored_whole" name_of_64_two_byte_letters_is_stored_whole

# Officials and the office: the same rule.
official_cases() {
	cat <<'EOF'
official_nip_of_19_digits_is_refused_not_cut|--nip|1980010120050110011|nip is 19 bytes long: at most 18
official_name_of_256_bytes_is_refused_not_cut|--name|$(long 256)|name is 256 bytes long: at most 255
official_login_of_64_bytes_is_refused_not_cut|--login|$(long 64 l)|login is 64 bytes long: at most 63
EOF
}

official_refused() {
	option=$1 value=$2 fragment=$3
	count=$(sqlite3 "$ENROLL_DB" 'SELECT count(*) FROM officials')
	refused 8 "$fragment" e kasi official add --name "Pejabat Baru" \
		--nip 198001012005011001 --role kabid --login baru "$option" "$value" &&
	[ "$(sqlite3 "$ENROLL_DB" 'SELECT count(*) FROM officials')" -eq "$count" ] &&
	store_intact
}

official_cases >"$T_DIR/official.cases"
while IFS='|' read -r name option value fragment; do
	value=$(eval "printf '%s' \"$value\"")
	t_ok "$name" official_refused "$option" "$value" "$fragment"
done <"$T_DIR/official.cases"

init_with_an_office_name_too_long_creates_nothing() {
	db=$T_DIR/long-office/enroll.db
	refused 8 "office is 256 bytes long: at most 255" \
		e kasi --db "$db" init --office "$(long 256)" --city Singkawang &&
	[ ! -e "$db" ]
}
t_ok "init_with_an_office_name_too_long_creates_nothing" \
	init_with_an_office_name_too_long_creates_nothing


# sent_with_scans NAME: an application with its four scans recorded, then sent: its
# documents are closed. Prints its number.
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



refused_document_keeps_the_recorded_scan() {
	kind=$1 option=$2
	number=$(sent_with_scans "Dokumen $kind") && seq=$(cat "$T_DIR/seq") &&
	snapshot before "$number" &&
	refused 5 "documents of $number are closed in state Sent to BSrE" \
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

# What may be a scan: a regular file, at most the station's limit (20 MiB), a PDF, JPEG or
# PNG by its content. Each bad scan is given to `document` for an application whose KTP
# scan is recorded, under `timeout` so that a hang fails: refused with the status and the
# words, the record, the data directory (no temporary file left) and the store unchanged;
# then to `apply`, which records no applicant.
# case name | how the scan is made (a function below) | exit status | fragment
scan_cases() {
	cat <<'EOF'
a_fifo_as_a_scan_is_refused_without_waiting|bad_fifo|8|is a FIFO, not a regular file
dev_zero_as_a_scan_is_refused_without_copying|bad_dev_zero|8|is a character device, not a regular file
dev_null_as_a_scan_is_refused|bad_dev_null|8|is a character device, not a regular file
a_directory_as_a_scan_is_refused|bad_directory|8|is a directory, not a regular file
a_socket_as_a_scan_is_refused|bad_socket|8|is a socket, not a regular file
a_symlink_to_etc_shadow_is_refused_not_copied|bad_link_shadow|8|is a symbolic link, not a regular file
a_symlink_to_proc_self_environ_is_refused_not_copied|bad_link_environ|8|is a symbolic link, not a regular file
a_symlink_to_a_good_scan_is_refused|bad_link_good|8|is a symbolic link, not a regular file
a_dangling_symlink_is_refused|bad_link_dangling|8|is a symbolic link, not a regular file
proc_self_environ_itself_is_refused|bad_proc_environ|8|is empty
a_sparse_file_of_2_gib_is_refused_without_copying|bad_sparse_2g|8|is 2147483648 bytes long: the station takes at most 20971520
a_pdf_one_byte_over_the_limit_is_refused|bad_pdf_over_limit|8|is 20971521 bytes long: the station takes at most 20971520
an_empty_file_is_refused|bad_empty|8|is empty
a_text_file_named_pdf_is_refused|bad_text_pdf|8|is not a PDF, JPEG or PNG file
a_pdf_without_its_eof_marker_is_refused|bad_pdf_truncated|8|is not a PDF, JPEG or PNG file
a_pdf_header_alone_is_refused|bad_pdf_header_only|8|is not a PDF, JPEG or PNG file
a_jpeg_cut_before_its_end_marker_is_refused|bad_jpeg_truncated|8|is not a PDF, JPEG or PNG file
a_png_without_ihdr_is_refused|bad_png_no_ihdr|8|is not a PDF, JPEG or PNG file
a_png_signature_alone_is_refused|bad_png_signature_only|8|is not a PDF, JPEG or PNG file
an_executable_named_pdf_is_refused|bad_elf_pdf|8|is not a PDF, JPEG or PNG file
a_zip_named_pdf_is_refused|bad_zip_pdf|8|is not a PDF, JPEG or PNG file
an_html_page_named_pdf_is_refused|bad_html_pdf|8|is not a PDF, JPEG or PNG file
a_missing_file_is_refused|bad_missing|23|No such file or directory
an_unreadable_file_is_refused|bad_unreadable|23|Permission denied
EOF
}

# Each prints the path to give as the scan.
bad_fifo() { rm -f "$T_DIR/fifo.pdf" && mkfifo "$T_DIR/fifo.pdf" && echo "$T_DIR/fifo.pdf"; }
bad_dev_zero() { echo /dev/zero; }
bad_dev_null() { echo /dev/null; }
bad_directory() { mkdir -p "$T_DIR/dir.pdf" && echo "$T_DIR/dir.pdf"; }
bad_socket() {
	rm -f "$T_DIR/socket.pdf" &&
	python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' \
		"$T_DIR/socket.pdf" && echo "$T_DIR/socket.pdf"
}
bad_link_shadow() { bad_link /etc/shadow shadow.pdf; }
bad_link_environ() { bad_link /proc/self/environ environ.pdf; }
bad_link_good() { bad_link "$(scan linked-good)" linked.pdf; }
bad_link_dangling() { bad_link "$T_DIR/nothing-here.pdf" dangling.pdf; }
bad_proc_environ() { echo /proc/self/environ; }
bad_sparse_2g() { sparse_pdf 2147483648 sparse-2g.pdf; }
bad_pdf_over_limit() { sparse_pdf 20971521 over-limit.pdf; }
bad_empty() { bytes empty.pdf ''; }
bad_text_pdf() { bytes text.pdf 'not a scan at all\n'; }
bad_pdf_truncated() { bytes cut.pdf '%%PDF-1.4\n1 0 obj\n'; }
bad_pdf_header_only() { bytes head.pdf '%%PDF-'; }
bad_jpeg_truncated() { bytes cut.jpg '\377\330\377\340\000\020JFIF'; }
bad_png_no_ihdr() { bytes noihdr.png '\211PNG\r\n\032\n\000\000\000\015IDAT'; }
bad_png_signature_only() { bytes sig.png '\211PNG\r\n\032\n'; }
bad_elf_pdf() { cp "$ENROLL" "$T_DIR/elf.pdf" && echo "$T_DIR/elf.pdf"; }
bad_zip_pdf() { bytes zip.pdf 'PK\003\004%%PDF-1.4 %%%%EOF'; }
bad_html_pdf() { bytes page.pdf '<html>%%PDF-1.4 %%%%EOF</html>\n'; }
bad_missing() { echo "$T_DIR/no-such-scan.pdf"; }
bad_unreadable() { bytes unreadable.pdf '%%PDF-1.4\n%%%%EOF\n' && chmod 000 "$T_DIR/unreadable.pdf"; }


bad_scan_is_refused() {
	make=$1 want=$2 fragment=$3
	number=$(with_ktp_scan "Pindaian $make") && snapshot before "$number" &&
	path=$($make) || return 1
	refused "$want" "$fragment" timeout 20 env ENROLL_TEST_LOGIN=kasi "$ENROLL" \
		document "$number" --document "ktp=$path" &&
	unchanged "$number" || return 1
	count=$(applicants)
	refused "$want" "$fragment" timeout 20 env ENROLL_TEST_LOGIN=kasi "$ENROLL" apply \
		--name "Uji Pindaian" --nik 6172015504850099 --nip 198504152010012001 \
		--email uji@singkawangkota.go.id --phone 081234567890 --document "ktp=$path" &&
	[ "$(applicants)" -eq "$count" ] || { echo "an applicant was recorded"; return 1; }
}

scan_cases >"$T_DIR/scan.cases"
while IFS='|' read -r name make want fragment; do
	# root reads a file of mode 000: the case is another user's
	[ "$make" = bad_unreadable ] && [ "$(id -u)" -eq 0 ] && make=bad_link_shadow want=8 \
		fragment="is a symbolic link, not a regular file"
	t_ok "$name" bad_scan_is_refused "$make" "$want" "$fragment"
done <"$T_DIR/scan.cases"

# Content decides, not the name: each good shape is recorded, whatever it is called.
# case name | file name | bytes (printf format)
good_scan_cases() {
	cat <<'EOF'
a_png_named_pdf_is_recorded|png-named.pdf|\211PNG\r\n\032\n\000\000\000\015IHDR\000\000\000\001
a_jpeg_is_recorded|photo.jpg|\377\330\377\340\000\020JFIF\000\377\331
a_pdf_with_whitespace_after_its_eof_is_recorded|trailing.pdf|%%PDF-1.7\n1 0 obj\nendobj\n%%%%EOF\r\n\n
a_pdf_without_an_extension_is_recorded|scan-no-extension|%%PDF-1.4\n%%%%EOF
EOF
}

good_scan_is_recorded() {
	path=$(bytes "$1" "$2") && number=$(t_apply "Pindaian Baik") &&
	e kasi document "$number" --document "ktp=$path" >/dev/null &&
	scan_is_kept "$number" ktp_copy "$path" && store_intact
}

good_scan_cases >"$T_DIR/good-scan.cases"
while IFS='|' read -r name file format; do
	t_ok "$name" good_scan_is_recorded "$file" "$format"
done <"$T_DIR/good-scan.cases"

a_pdf_of_exactly_the_limit_is_recorded() {
	path=$(sparse_pdf 20971520 at-limit.pdf) && number=$(t_apply "Batas Pindaian") &&
	e kasi document "$number" --document "ktp=$path" >/dev/null &&
	scan_is_kept "$number" ktp_copy "$path" && store_intact
}
t_ok "a_pdf_of_exactly_the_limit_is_recorded" a_pdf_of_exactly_the_limit_is_recorded

# The limit is the Kasi's to change, audited; no one else's, and never outside 1 to 1024 MiB.
scan_limit() { sqlite3 "$ENROLL_DB" "SELECT value FROM settings WHERE key = 'scan_max_bytes'"; }

the_kasi_changes_the_scan_limit_and_scans_follow_it() {
	e kasi station set --scan-max-mib 1 >/dev/null && [ "$(scan_limit)" = 1048576 ] &&
	number=$(with_ktp_scan "Batas Baru") && snapshot before "$number" &&
	path=$(sparse_pdf 1048577 over-new-limit.pdf) &&
	refused 8 "is 1048577 bytes long: the station takes at most 1048576" \
		e kasi document "$number" --document "ktp=$path" &&
	unchanged "$number" &&
	e kasi document "$number" --document "ktp=$(sparse_pdf 1048576 at-new-limit.pdf)" \
		>/dev/null &&
	scan_is_kept "$number" ktp_copy "$T_DIR/at-new-limit.pdf" &&
	sqlite3 "$ENROLL_DB" "SELECT detail FROM audit WHERE action = 'scan_limit_set' AND result = 'ok'" |
		grep -qF "scan limit 1048576 bytes"
	r=$?
	e kasi station set --scan-max-mib 20 >/dev/null
	[ "$r" -eq 0 ] && store_intact
}
t_ok "the_kasi_changes_the_scan_limit_and_scans_follow_it" \
	the_kasi_changes_the_scan_limit_and_scans_follow_it

# case name | login | option value | exit status | fragment
scan_limit_cases() {
	cat <<'EOF'
the_kabid_cannot_change_the_scan_limit|kabid|5|6|is done by the Head of Cryptography Section (Kasi)
a_scan_limit_of_zero_is_a_usage_error|kasi|0|1|usage: enroll station set [--scan-max-mib MIB]
a_negative_scan_limit_is_a_usage_error|kasi|-1|1|--scan-max-mib is from 1 to 1024
a_scan_limit_over_1024_mib_is_a_usage_error|kasi|1025|1|--scan-max-mib is from 1 to 1024
a_scan_limit_that_is_not_a_number_is_a_usage_error|kasi|20MB|1|--scan-max-mib
EOF
}

scan_limit_refused() {
	who=$1 value=$2 want=$3 fragment=$4
	before=$(scan_limit)
	refused "$want" "$fragment" e "$who" station set --scan-max-mib "$value" || return 1
	[ "$(scan_limit)" = "$before" ] || { echo "the limit changed"; return 1; }
	store_intact
}

scan_limit_cases >"$T_DIR/scan-limit.cases"
while IFS='|' read -r name login value want fragment; do
	t_ok "$name" scan_limit_refused "$login" "$value" "$want" "$fragment"
done <"$T_DIR/scan-limit.cases"

# The disk fills while the scan is copied. A file-size limit makes the copy's write fail
# with EFBIG on the real path, as a full disk does with ENOSPC: the system's words (not a
# stale "File exists"), exit 23, and nothing left behind.
a_full_disk_while_copying_is_said_and_leaves_nothing() {
	number=$(with_ktp_scan "Disk Penuh") && snapshot before "$number" &&
	path=$(sparse_pdf 1048576 big.pdf) || return 1
	refused 23 "File too large" sh -c 'trap "" XFSZ; ulimit -f 256; exec "$@"' sh \
		env ENROLL_TEST_LOGIN=kasi "$ENROLL" document "$number" --document "ktp=$path" &&
	! grep -qF "File exists" "$T_DIR/err" && unchanged "$number"
}
t_ok "a_full_disk_while_copying_a_scan_is_said_and_leaves_nothing" \
	a_full_disk_while_copying_is_said_and_leaves_nothing

# ---------------------------------------------------------------- workflow abuse
# Steps out of order, by the wrong official, without what they need: each refused with its
# status and words, the application's record and the store as they were.
# case name | state to start from | login | command (ID: the application) | exit | fragment
abuse_cases() {
	cat <<'EOF'
the_kabid_cannot_dispose_at_step_2|submitted|kabid|dispose ID --note x|6|is done by the Head of Dinas
the_kadis_cannot_dispose_at_step_3|disposed_kadis|kadis|dispose ID --note x|6|is done by the Head of Statistics and Cryptography (Kabid)
register_before_the_dispositions_is_refused|submitted|kasi|register ID|5|Register is not possible: application ID is in state Submitted
send_before_register_is_refused|submitted|kasi|send ID|5|Send to BSrE is not possible
keygen_before_send_is_refused|submitted|kasi|keygen ID|5|is not possible: application ID is in state Submitted
import_before_a_key_is_refused|submitted|kasi|import ID|5|Import certificate is not possible
handover_before_anything_is_refused|submitted|kasi|handover ID|5|Hand over is not possible
resubmit_of_an_application_not_returned_is_refused|submitted|kasi|resubmit ID|5|Resubmit is not possible
on_behalf_without_the_paper_reference_is_refused|submitted|kasi|dispose ID --on-behalf kadis --note x|8|needs the paper disposition's reference
reject_without_a_reason_is_a_usage_error|submitted|kasi|reject ID|1|missing option: --reason TEXT
lifecycle_without_a_reason_is_a_usage_error|submitted|kasi|lifecycle ID lost|1|missing option: --reason TEXT
register_after_send_is_refused|sent|kasi|register ID|5|Register is not possible: application ID is in state Sent to BSrE
send_twice_is_refused|sent|kasi|send ID|5|Send to BSrE is not possible
a_disposition_after_send_is_refused|sent|kadis|dispose ID --note x|5|is not possible: application ID is in state Sent to BSrE
documents_after_send_are_refused|sent|kasi|document ID --document ktp|5|documents of ID are closed in state Sent to BSrE
handover_at_sent_is_refused|sent|kasi|handover ID|5|Hand over is not possible
the_kabid_cannot_add_officials|submitted|kabid|official add --name Pejabat --nip 198001012005011009 --role kasi --login xy|6|only the kasi manages the officials
the_last_kasi_cannot_be_deactivated|submitted|kasi|official deactivate kasi --reason x|5|kasi is the only active kasi
the_kabid_cannot_change_the_issuer|submitted|kabid|issuer set local|6|is done by the Head of Cryptography Section (Kasi)
a_number_that_does_not_exist_is_not_found|submitted|kasi|show TTE/2026/9999|4|no application TTE/2026/9999
a_number_with_a_path_in_it_is_not_found|submitted|kasi|show abc/../../etc|4|no application ABC/../../ETC
documents_of_a_number_that_does_not_exist_are_not_found|submitted|kasi|document TTE/2026/9999 --document ktp|4|no application TTE/2026/9999
EOF
}

abuse_is_refused() {
	# not "login": e() sets that
	state=$1 who=$2 command=$3 want=$4 fragment=$5
	number=$(t_apply "Alur $T_COUNT") || return 1
	case $state in
	disposed_kadis) e kadis dispose "$number" --note "ke Kabid" >/dev/null ;;
	sent) t_to_sent "$number" ;;
	esac || return 1
	snapshot before "$number" && officials=$(sqlite3 "$ENROLL_DB" 'SELECT * FROM officials') &&
	settings=$(sqlite3 "$ENROLL_DB" 'SELECT * FROM settings') || return 1
	# shellcheck disable=SC2046 # the command's words, ID the application's number
	refused "$want" "$(echo "$fragment" | sed "s|ID|$number|")" e "$who" \
		$(echo "$command" | sed "s|ID|$number|") || return 1
	[ "$(sqlite3 "$ENROLL_DB" 'SELECT * FROM officials')" = "$officials" ] &&
	[ "$(sqlite3 "$ENROLL_DB" 'SELECT * FROM settings')" = "$settings" ] ||
		{ echo "officials or settings changed"; return 1; }
	unchanged "$number"
}

abuse_cases >"$T_DIR/abuse.cases"
while IFS='|' read -r name state who command want fragment; do
	t_ok "$name" abuse_is_refused "$state" "$who" "$command" "$want" "$fragment"
done <"$T_DIR/abuse.cases"

# ---------------------------------------------------------------- the store
# Only init creates a database. case name | how the path is prepared | command
store_cases() {
	cat <<'EOF'
show_with_a_mistyped_db_creates_nothing|missing|show TTE/2026/0001
list_with_a_mistyped_db_creates_nothing|missing|list
apply_with_a_mistyped_db_creates_nothing|missing|apply --name X --nik 6172015504850001 --email x@singkawangkota.go.id --phone 081234567890
audit_verify_with_a_mistyped_db_creates_nothing|missing|audit verify
report_with_a_mistyped_db_creates_nothing|missing|report holders --csv
official_add_with_a_mistyped_db_creates_nothing|missing|official add --name X --nip 198001012005011001 --role kasi --login x
backup_with_a_mistyped_db_creates_nothing|missing|backup BACKUP
show_in_a_missing_directory_creates_nothing|nodir|show TTE/2026/0001
show_with_an_empty_db_file_leaves_it_empty|empty|show TTE/2026/0001
list_with_an_empty_db_file_leaves_it_empty|empty|list
apply_with_an_empty_db_file_leaves_it_empty|empty|apply --name X --nik 6172015504850001 --email x@singkawangkota.go.id --phone 081234567890
official_add_with_an_empty_db_file_leaves_it_empty|empty|official add --name X --nip 198001012005011001 --role kasi --login x
EOF
}

no_database_is_refused() {
	how=$1
	shift
	case $how in
	missing) db=$T_DIR/typo-$T_COUNT.db ;;
	nodir) db=$T_DIR/no-such-dir-$T_COUNT/enroll.db ;;
	empty) db=$T_DIR/empty-$T_COUNT.db && : >"$db" && chmod 600 "$db" ;;
	esac
	# shellcheck disable=SC2046 # the command's words, with BACKUP a path of the test's
	refused 3 "run \`enroll init\` to create one" \
		e kasi --db "$db" $(echo "$@" | sed "s|BACKUP|$T_DIR/backup-$T_COUNT.db|") &&
	grep -qF "$db" "$T_DIR/err" || { echo "the path is not named"; return 1; }
	case $how in
	empty) [ -f "$db" ] && [ ! -s "$db" ] || { echo "$db was written"; return 1; } ;;
	*) [ ! -e "$db" ] || { echo "$db was created"; return 1; } ;;
	esac
	[ ! -e "$T_DIR/backup-$T_COUNT.db" ] && [ ! -e "$db-wal" ] && [ ! -e "$db.files" ]
}

store_cases >"$T_DIR/store.cases"
while IFS='|' read -r name how command; do
	t_ok "$name" no_database_is_refused "$how" $command
done <"$T_DIR/store.cases"

# A sqlite file this program never set up is not a station either.
foreign_sqlite_file_is_refused() {
	db=$T_DIR/foreign.db
	sqlite3 "$db" 'CREATE TABLE notes (x); INSERT INTO notes VALUES (1)' && chmod 600 "$db" &&
	refused 3 "run \`enroll init\` to create one" e kasi --db "$db" list &&
	[ "$(sqlite3 "$db" "SELECT count(*) FROM sqlite_master")" -eq 1 ]
}
t_ok "a_sqlite_file_enroll_never_set_up_is_refused_and_left_alone" foreign_sqlite_file_is_refused

empty_db_path_is_a_usage_error() {
	refused 1 "--db" e kasi --db '' list &&
	refused 1 "--db" e kasi list --db '' &&
	refused 1 "--db" e kasi --db '' init --office X --city Y &&
	refused 1 "--db" env ENROLL_DB= ENROLL_TEST_LOGIN=kasi "$ENROLL" show TTE/2026/0001
}
t_ok "an_empty_db_path_is_a_usage_error" empty_db_path_is_a_usage_error

init_creates_the_database_private() {
	db=$T_DIR/fresh/enroll.db
	e kasi --db "$db" init --office "Dinas Kominfo" --city Singkawang >/dev/null &&
	[ "$(stat -c %a "$db")" = 600 ] && e kasi --db "$db" list >/dev/null
}
t_ok "init_creates_the_database_mode_600_and_other_commands_then_open_it" \
	init_creates_the_database_private

# The database holds personal data: any access by group or others is refused.
# case name | mode
mode_cases() {
	cat <<'EOF'
database_readable_by_group_is_refused|640
database_readable_by_others_is_refused|604
database_readable_by_all_is_refused|644
database_executable_by_group_is_refused|610
database_writable_by_group_is_refused|620
EOF
}

open_database_is_refused() {
	mode=$1
	number=$(sqlite3 "$ENROLL_DB" 'SELECT number FROM applications LIMIT 1') &&
	snapshot before "$number" && chmod "$mode" "$ENROLL_DB" &&
	refused 3 "chmod 600" e kasi show "$number" &&
	refused 3 "chmod 600" e kasi apply --name X --nik 6172015504850001 \
		--email x@singkawangkota.go.id --phone 081234567890
	r=$?
	chmod 600 "$ENROLL_DB"
	[ "$r" -eq 0 ] && unchanged "$number"
}

mode_cases >"$T_DIR/mode.cases"
while IFS='|' read -r name mode; do
	t_ok "$name" open_database_is_refused "$mode"
done <"$T_DIR/mode.cases"

# A backup never goes onto something already there: "already there", not "already
# recorded", and what was there is left alone. case name | what is at the target
backup_target_cases() {
	cat <<'EOF'
backup_onto_an_existing_file_is_refused_and_leaves_it|file
backup_onto_a_symlink_is_refused_and_leaves_it|link
backup_onto_a_device_is_refused|device
EOF
}

backup_target_refused() {
	case $1 in
	file) target=$T_DIR/backup-file && echo mine >"$target" ;;
	link) target=$T_DIR/backup-link && ln -sf "$T_DIR/elsewhere" "$target" ;;
	device) target=/dev/null ;;
	esac
	before=$(ls -l "$target") &&
	refused 8 "already there: $target already exists: give a new directory" \
		e kasi backup "$target" &&
	! grep -qF "already recorded" "$T_DIR/err" &&
	[ "$(ls -l "$target")" = "$before" ] && [ ! -e "$T_DIR/elsewhere" ] &&
	{ [ "$1" != file ] || [ "$(cat "$target")" = mine ]; } && store_intact
}

backup_target_cases >"$T_DIR/backup-target.cases"
while IFS='|' read -r name what; do
	t_ok "$name" backup_target_refused "$what"
done <"$T_DIR/backup-target.cases"

# ---------------------------------------------------------------- CSV output
# Cells a spreadsheet would run as formulas are written as text (a leading quote).
# case name | name | work unit | the CSV cell expected
csv_cases() {
	cat <<'EOF'
csv_cell_starting_with_equals_is_neutralized|=HYPERLINK("http://x","y")|Bagian Umum|"'=HYPERLINK(""http://x"",""y"")"
csv_cell_starting_with_plus_is_neutralized|Ani|+cmd calc|'+cmd calc
csv_cell_starting_with_minus_is_neutralized|-2+3|Bagian Umum|'-2+3
csv_cell_starting_with_at_is_neutralized|Ana|@SUM(A1)|'@SUM(A1)
csv_cell_starting_with_a_tab_in_an_old_record_is_neutralized|Aji|	=1+1|'	=1+1
csv_cell_with_an_equals_inside_is_left_as_it_is|Ali = Ale|Bagian Umum|,Ali = Ale,
EOF
}

csv_neutralized() {
	name=$1 unit=$2 cell=$3
	T_SEQ=$(($(cat "$T_DIR/seq") + 1))
	echo "$T_SEQ" >"$T_DIR/seq"
	number=$(e kasi apply --name "$name" --nik "617201550485$(printf %04d "$T_SEQ")" \
		--nip 198504152010012001 --email "csv$T_SEQ@singkawangkota.go.id" \
		--phone 081234567890 --position Analis --unit "${unit#	}" --agency Setda) || return 1
	# A tab is refused at apply now; a record from before that may still hold one.
	[ "$unit" = "${unit#	}" ] ||
		sqlite3 "$ENROLL_DB" "UPDATE applicants SET work_unit = char(9) || '${unit#	}'
			WHERE id = (SELECT max(id) FROM applicants)" || return 1
	# two days waiting at step 2: overdue, so the report lists name and unit
	sqlite3 "$ENROLL_DB" "UPDATE applications SET step_started_at = step_started_at - 172800
		WHERE number = '$number'" &&
	e kasi report overdue --csv >"$T_DIR/csv" &&
	grep -F "$number" "$T_DIR/csv" | grep -qF -- "$cell" || { echo "no cell $cell in:"; grep -F "$number" "$T_DIR/csv"; return 1; }
	# and the value itself is stored as given
	[ "$(sqlite3 "$ENROLL_DB" "SELECT full_name FROM applicants a JOIN applications p
		ON p.applicant_id = a.id WHERE p.number = '$number'")" = "$name" ]
}

csv_cases >"$T_DIR/csv.cases"
while IFS='|' read -r name applicant unit cell; do
	t_ok "$name" csv_neutralized "$applicant" "$unit" "$cell"
done <"$T_DIR/csv.cases"

# ---------------------------------------------------------------- output
# What reaches the terminal is escaped: a newline in a note does not forge a history line,
# and a name written into the file before names were checked shows its ESC as \x1B.
note_with_a_newline_cannot_forge_a_history_line() {
	number=$(t_apply "Nur Aini" 6172015504850077) &&
	e kadis dispose "$number" --note "$(printf 'ok\n    2026-12-01 10:00  7  Hand over  forged')" >/dev/null &&
	e kasi show "$number" >"$T_DIR/out" &&
	grep -qF 'ok\x0A    2026-12-01 10:00  7  Hand over  forged' "$T_DIR/out" &&
	! grep -q '^    2026-12-01 10:00  7  Hand over  forged' "$T_DIR/out"
}
t_ok "a_note_with_a_newline_cannot_forge_a_history_line" note_with_a_newline_cannot_forge_a_history_line

escape_sequence_in_an_old_record_is_shown_escaped() {
	number=$(t_apply "Rudi Hartono" 6172015504850078) &&
	sqlite3 "$ENROLL_DB" "UPDATE applicants SET full_name = 'Rudi' || char(27) || '[2J' || char(8238) || 'x'
		WHERE id = (SELECT applicant_id FROM applications WHERE number = '$number')" &&
	e kasi show "$number" >"$T_DIR/out" && e kasi list >"$T_DIR/list" &&
	grep -qF 'Rudi\x1B[2J\u202Ex' "$T_DIR/out" && grep -qF 'Rudi\x1B[2J\u202Ex' "$T_DIR/list" &&
	! grep -q "$(printf '\033')" "$T_DIR/out" "$T_DIR/list"
}
t_ok "an_escape_sequence_in_an_old_record_is_shown_escaped" escape_sequence_in_an_old_record_is_shown_escaped

# A step refused in the application's state says what the operator can type instead.
refused_step_names_the_commands_to_type() {
	number=$(t_apply "Wati Susanti" 6172015504850079) &&
	refused 5 "what can be done now: dispose, return, reject, cancel" e kasi --lang en send "$number" &&
	refused 5 "what can be done now: dispose, return, reject, cancel" \
		e kasi --lang en lifecycle "$number" lost --reason "hilang" &&
	[ "$(t_state "$number")" = submitted ]
}
t_ok "a_step_refused_in_its_state_names_the_commands_to_type" refused_step_names_the_commands_to_type

t_done
