#!/bin/sh
# End to end: the enroll command through the seven steps for several applicants on
# SoftHSM2 tokens, and its error paths: each refusal gives its documented exit status and
# leaves the database and the token as they were.
. "$top_srcdir/tests/enroll-lib.sh"

t_station || { echo "Bail out! the station cannot be set up"; exit 1; }

# An applicant from the letter to the handover, on a blank token in a store of its own.
full_enrollment() {
	store=$1 type=$2 name=$3
	t_softhsm "$store"
	number=$(t_apply "$name") && t_to_sent "$number" &&
	t_keygen "$number" "" "$type" && [ "$(t_state "$number")" = key_generated ] &&
	label=$(t_sql "SELECT substr(full_name, 1, 32) FROM applicants a JOIN applications p ON p.applicant_id = a.id WHERE p.number = '$number'") &&
	t_import "$number" && [ "$(t_state "$number")" = certificate_imported ] &&
	e kasi handover "$number" >"$T_DIR/receipt" && [ "$(t_state "$number")" = active ] &&
	grep -q "$number" "$T_DIR/receipt" && grep -q "$name" "$T_DIR/receipt" &&
	[ "$(t_objects "$label" privkey)" -eq 1 ] && [ "$(t_objects "$label" cert)" -eq 3 ] &&
	e kasi audit verify >/dev/null
}
t_ok "ec_p256_applicant_goes_through_all_seven_steps" full_enrollment 1 ec-p256 "Siti Rahmawati"
t_ok "rsa2048_applicant_goes_through_all_seven_steps" full_enrollment 2 rsa2048 "Budi"
t_ok "ec_p384_applicant_with_a_long_utf8_name_goes_through_all_seven_steps" \
	full_enrollment 3 ec-p384 "Ni Made Ayu Kusumawardhani Setyaningrum Ésa"

# After handover, tools other than enroll pair key and certificate and sign with the key.
independent_tools_pair_key_and_certificate() {
	t_softhsm 1
	pkcs11-tool --module "$T_MODULE" --login --pin "$T_USER_PIN" --list-objects \
		>"$T_DIR/objects" 2>/dev/null || return 1
	key_id=$(awk '/Private Key Object/ { k = 1 } k && /ID:/ { print $2; exit }' "$T_DIR/objects")
	cert_id=$(awk '/label: *Siti Rahmawati/ { c = 1 } c && /ID:/ { print $2; exit }' "$T_DIR/objects")
	[ -n "$key_id" ] && [ "$key_id" = "$cert_id" ] || { cat "$T_DIR/objects"; return 1; }
	echo "signed at the station" >"$T_DIR/message"
	openssl dgst -sha256 -binary "$T_DIR/message" >"$T_DIR/digest" &&
	pkcs11-tool --module "$T_MODULE" --login --pin "$T_USER_PIN" --sign --id "$key_id" \
		-m ECDSA --signature-format openssl -i "$T_DIR/digest" \
		-o "$T_DIR/signature" 2>/dev/null &&
	pkcs11-tool --module "$T_MODULE" --read-object --type cert --id "$key_id" \
		-o "$T_DIR/cert.der" 2>/dev/null &&
	openssl x509 -inform DER -in "$T_DIR/cert.der" -pubkey -noout >"$T_DIR/pub.pem" &&
	openssl dgst -sha256 -verify "$T_DIR/pub.pem" -signature "$T_DIR/signature" "$T_DIR/message"
}
t_ok "after_handover_pkcs11_tool_and_openssl_pair_key_and_certificate" \
	independent_tools_pair_key_and_certificate

# Roles: only the holder of a step's role may do it; the refusal is in the audit log.
kabid_cannot_do_step_2() {
	number=$(t_apply "Andi") || return 1
	refusals=$(t_sql "SELECT count(*) FROM audit WHERE result != 'ok'")
	t_expect_status 6 e kabid dispose "$number" 2>"$T_DIR/err" &&
	grep -q "role" "$T_DIR/err" && [ "$(t_state "$number")" = submitted ] &&
	[ "$(t_sql "SELECT count(*) FROM audit WHERE result != 'ok'")" -gt "$refusals" ] &&
	e kasi audit verify >/dev/null
}
t_ok "kabid_cannot_do_step_2_and_the_refusal_is_audited" kabid_cannot_do_step_2

kasi_records_a_disposition_only_with_the_paper_reference() {
	number=$(t_apply "Dewi") || return 1
	t_expect_status 8 e kasi dispose "$number" --on-behalf kadis 2>/dev/null &&
	[ "$(t_state "$number")" = submitted ] &&
	e kasi dispose "$number" --on-behalf kadis --reference "045/9/2026 — Surat Kadis №9" \
		>/dev/null &&
	e kasi --json show "$number" | grep -q '"on_behalf_of":"kadis"' &&
	# The reference is in the audit row: on a server, the server hashed it, as UTF-8.
	e kasi audit verify >/dev/null
}
t_ok "kasi_records_a_disposition_for_the_kepala_dinas_only_with_the_paper_reference" \
	kasi_records_a_disposition_only_with_the_paper_reference

# Wrong state: nothing is generated on a token for an application not yet sent.
keygen_before_send_is_refused_and_the_token_untouched() {
	t_softhsm 10
	number=$(t_apply "Rudi") || return 1
	t_expect_status 5 t_keygen "$number" "" 2>"$T_DIR/err" &&
	grep -q "allowed" "$T_DIR/err" && [ "$(t_state "$number")" = submitted ] &&
	softhsm2-util --show-slots | grep -q "Initialized: *no"
}
t_ok "keygen_before_send_is_refused_and_the_token_is_untouched" \
	keygen_before_send_is_refused_and_the_token_untouched

# Import before step 6: refused before the token is touched, and the refusal audited.
import_before_keygen_is_refused_and_audited() {
	t_softhsm 11
	t_softhsm_token early || return 1
	number=$(t_apply "Eka") && t_to_sent "$number" || return 1
	refusals=$(t_sql "SELECT count(*) FROM audit WHERE result != 'ok'")
	t_expect_status 5 t_import "$number" --token early 2>"$T_DIR/err" &&
	grep -q "allowed" "$T_DIR/err" && [ "$(t_state "$number")" = sent ] &&
	[ "$(t_objects early cert)" -eq 0 ] &&
	[ "$(t_sql "SELECT count(*) FROM audit WHERE result != 'ok'")" -gt "$refusals" ]
}
t_ok "import_before_keygen_is_refused_before_the_token_is_touched_and_audited" \
	import_before_keygen_is_refused_and_audited

# Missing documents: send names them; once received, send goes through.
send_refuses_missing_documents_then_accepts() {
	number=$(e kasi apply --name "Yanti" --nik 6172014101900002 --email yanti@singkawangkota.go.id \
		--phone +6281311112222 --position Staf --unit Umum --agency Setda --status other --document letter --document ktp) || return 1
	e kadis dispose "$number" >/dev/null && e kabid dispose "$number" >/dev/null &&
	e kasi register "$number" >/dev/null &&
	t_expect_status 9 e kasi send "$number" 2>"$T_DIR/err" && grep -q "Copy of latest SK" "$T_DIR/err" &&
	grep -q "BSrE form (filled and signed)" "$T_DIR/err" &&
	[ "$(t_state "$number")" = registered ] &&
	e kasi document "$number" --document form --document sk >/dev/null &&
	e kasi send "$number" >/dev/null && [ "$(t_state "$number")" = sent ]
}
t_ok "send_refuses_missing_documents_naming_them_and_accepts_once_received" \
	send_refuses_missing_documents_then_accepts

# Bad applicant data: no application is recorded.
invalid_nik_records_nothing() {
	before=$(t_sql "SELECT count(*) FROM applications")
	t_expect_status 8 e kasi apply --name "Salah" --nik 6172013202900001 --email s@singkawangkota.go.id \
		--phone 081234567890 --position Staf --unit Umum --agency Setda 2>"$T_DIR/err" && grep -qi "nik" "$T_DIR/err" &&
	[ "$(t_sql "SELECT count(*) FROM applications")" -eq "$before" ]
}
t_ok "invalid_nik_is_refused_and_nothing_is_recorded" invalid_nik_records_nothing

# Return, resubmit, reject, cancel.
return_and_resubmit() {
	number=$(t_apply "Hadi") || return 1
	t_expect_status 1 e kasi return "$number" 2>/dev/null &&
	e kadis return "$number" --reason "SK belum dilampirkan" >/dev/null &&
	[ "$(t_state "$number")" = returned ] &&
	e kasi resubmit "$number" >/dev/null && [ "$(t_state "$number")" = submitted ] &&
	e kadis reject "$number" --reason "bukan pegawai" >/dev/null &&
	[ "$(t_state "$number")" = rejected ] &&
	t_expect_status 5 e kadis dispose "$number" 2>/dev/null
}
t_ok "returned_application_is_resubmitted_then_rejected_and_then_final" return_and_resubmit

# Token errors.
no_token_and_ambiguous_token() {
	t_softhsm 20
	number=$(t_apply "Lina") && t_to_sent "$number" || return 1
	t_expect_status 10 t_keygen "$number" "no-such-token" 2>"$T_DIR/err" &&
	grep -q "token" "$T_DIR/err" && [ "$(t_state "$number")" = sent ] &&
	t_softhsm_token first && t_softhsm_token second &&
	t_expect_status 10 e kasi --pin-fd 3 keygen "$number" 3</dev/null 2>"$T_DIR/err" &&
	grep -q "first" "$T_DIR/err" && grep -q "second" "$T_DIR/err" &&
	[ "$(t_state "$number")" = sent ] &&
	[ "$(t_objects first privkey)" -eq 0 ] && [ "$(t_objects second privkey)" -eq 0 ]
}
t_ok "missing_or_ambiguous_token_is_refused_naming_the_tokens_present" no_token_and_ambiguous_token

wrong_pin_reports_tries_left_and_changes_nothing() {
	t_softhsm 21
	number=$(t_apply "Joko") && t_to_sent "$number" && t_keygen "$number" "" || return 1
	echo 000000 >"$T_DIR/wrong.pin"
	t_expect_status 11 e kasi --pin-fd 3 import "$number" 3<"$T_DIR/wrong.pin" 2>"$T_DIR/err" &&
	grep -q "wrong PIN" "$T_DIR/err" && grep -q "tr[iy].* left" "$T_DIR/err" &&
	[ "$(t_state "$number")" = key_generated ] &&
	label=Joko && [ "$(t_objects "$label" cert)" -eq 0 ] &&
	t_import "$number" >/dev/null && [ "$(t_state "$number")" = certificate_imported ]
}
t_ok "wrong_pin_reports_tries_left_changes_nothing_and_the_step_can_be_retried" \
	wrong_pin_reports_tries_left_and_changes_nothing

pin_policy_refuses_trivial_pins() {
	t_softhsm 22
	number=$(t_apply "Tono") && t_to_sent "$number" || return 1
	printf '%s\n%s\n' "$T_SO_PIN" "$T_SO_PIN" >"$T_DIR/so.pin"
	printf '123456\n123456\n' >"$T_DIR/user.pin"
	t_expect_status 13 e kasi --so-pin-fd 3 --pin-fd 4 keygen "$number" 3<"$T_DIR/so.pin" \
		4<"$T_DIR/user.pin" 2>"$T_DIR/err" && [ "$(t_state "$number")" = sent ] &&
	printf '830571\n830572\n' >"$T_DIR/user.pin" &&
	t_expect_status 13 e kasi --so-pin-fd 3 --pin-fd 4 keygen "$number" 3<"$T_DIR/so.pin" \
		4<"$T_DIR/user.pin" 2>"$T_DIR/err" && grep -q "differ" "$T_DIR/err" &&
	[ "$(t_state "$number")" = sent ]
}
t_ok "trivial_or_mismatched_pins_are_refused_and_the_application_stays_sent" \
	pin_policy_refuses_trivial_pins

# Certificates that must not go onto the token.
foreign_and_untrusted_certificates_are_refused() {
	t_softhsm 23
	a=$(t_apply "Wati") && t_to_sent "$a" && t_keygen "$a" "" || return 1
	# Another application's certificate: issued for a key on another token.
	t_softhsm 24
	b=$(t_apply "Sari") && t_to_sent "$b" && t_keygen "$b" "" && t_import "$b" >/dev/null || return 1
	pkcs11-tool --module "$T_MODULE" --read-object --type cert --label Sari -o "$T_DIR/sari.der" 2>/dev/null
	t_softhsm 23
	t_expect_status 15 t_import "$a" --cert "$T_DIR/sari.der" 2>"$T_DIR/err" || return 1
	[ "$(t_state "$a")" = key_generated ] && [ "$(t_objects Wati cert)" -eq 0 ] || return 1
	# The right key, but signed by a CA that is not a trust anchor.
	e kasi --json show "$a" | sed -n 's/.*"csr":"\(.*\)",*$/\1/p' | sed 's/\\n/\n/g' >"$T_DIR/wati.csr"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=Rogue CA" \
		-keyout "$T_DIR/rogue.key" -out "$T_DIR/rogue.pem" -days 30 2>/dev/null &&
	printf 'keyUsage=critical,digitalSignature,nonRepudiation\n' >"$T_DIR/ext" &&
	openssl x509 -req -in "$T_DIR/wati.csr" -CA "$T_DIR/rogue.pem" -CAkey "$T_DIR/rogue.key" \
		-CAcreateserial -days 30 -extfile "$T_DIR/ext" -out "$T_DIR/rogue-issued.pem" 2>/dev/null || return 1
	t_expect_status 17 t_import "$a" --cert "$T_DIR/rogue-issued.pem" 2>"$T_DIR/err" &&
	[ "$(t_state "$a")" = key_generated ] && [ "$(t_objects Wati cert)" -eq 0 ] &&
	echo "garbage" >"$T_DIR/garbage.pem" &&
	t_expect_status 23 t_import "$a" --cert "$T_DIR/garbage.pem" 2>/dev/null &&
	[ "$(t_objects Wati cert)" -eq 0 ] &&
	t_import "$a" >/dev/null && [ "$(t_state "$a")" = certificate_imported ]
}
t_ok "foreign_untrusted_or_malformed_certificates_are_refused_and_the_token_unchanged" \
	foreign_and_untrusted_certificates_are_refused

# Issued by the station's own CA for the right key, but no longer valid.
expired_certificate_is_refused() {
	t_softhsm 25
	a=$(t_apply "Lama") && t_to_sent "$a" && t_keygen "$a" "" || return 1
	ca="$T_FILES/ca"
	e kasi --json show "$a" | jq -r .key.csr >"$T_DIR/lama.csr"
	mkdir -p "$T_DIR/oldca" && : >"$T_DIR/oldca/index.txt" && echo 01 >"$T_DIR/oldca/serial"
	cat >"$T_DIR/oldca.cnf" <<CNF
[ca]
default_ca = old
[old]
database = $T_DIR/oldca/index.txt
new_certs_dir = $T_DIR/oldca
serial = $T_DIR/oldca/serial
default_md = sha256
policy = any
x509_extensions = ext
[any]
commonName = supplied
[ext]
keyUsage = critical, digitalSignature, nonRepudiation
CNF
	openssl ca -batch -config "$T_DIR/oldca.cnf" -cert "$ca/ca.pem" -keyfile "$ca/ca.key" \
		-in "$T_DIR/lama.csr" -startdate 20200101000000Z -enddate 20220101000000Z \
		-out "$T_DIR/expired.pem" 2>/dev/null || return 1
	cat "$ca/ca.pem" >>"$T_DIR/expired.pem"
	t_expect_status 16 t_import "$a" --cert "$T_DIR/expired.pem" 2>"$T_DIR/err" &&
	grep -q "expired" "$T_DIR/err" && [ "$(t_state "$a")" = key_generated ] &&
	[ "$(t_objects Lama cert)" -eq 0 ]
}
t_ok "expired_certificate_from_the_right_ca_is_refused_and_the_token_unchanged" \
	expired_certificate_is_refused

json_listing_and_reports() {
	e kasi --json list | grep -q '"state":"active"' &&
	e kasi --json report holders | grep -q '"holders":' &&
	e kasi report states | grep -q active &&
	# a text kept in both languages shows once, in the output's language
	[ "$(e kasi --lang en report steps --csv | head -1)" = \
		"Step,Activity,Acts,Median (minutes),Worst (minutes),Standard (minutes),Over standard" ] &&
	[ "$(e kasi --lang id report states --csv | head -1)" = "Status,Keterangan,Permohonan" ]
}
t_ok "listings_and_reports_come_as_json_csv_and_tables" json_listing_and_reports

backup_copies_everything() {
	e kasi backup "$T_DIR/backup" >/dev/null &&
	[ "$(sqlite3 "$T_DIR/backup/enroll.db" "SELECT count(*) FROM applications")" = \
		"$(t_sql "SELECT count(*) FROM applications")" ]
}
t_sqlite_ok "backup_copies_everything" backup_copies_everything

audit_tampering_is_detected() {
	cp "$ENROLL_DB" "$T_DIR/tampered.db"
	# An intruder with the file can drop the append-only triggers; the chain still tells.
	sqlite3 "$T_DIR/tampered.db" "DROP TRIGGER audit_no_update;
		UPDATE audit SET login = 'intruder' WHERE seq = 5" &&
	t_expect_status 22 e kasi --db "$T_DIR/tampered.db" audit verify 2>"$T_DIR/err" &&
	grep -q "5" "$T_DIR/err"
}
t_sqlite_ok "an_edited_audit_row_is_detected_and_named" audit_tampering_is_detected

# The scan a document records comes back whole, from the store itself on PostgreSQL.
a_scan_comes_back_as_recorded() {
	printf '%%PDF-1.4\nktp Dewi\n%%%%EOF\n' >"$T_DIR/ktp-dewi.pdf"
	number=$(t_apply "Dewi") &&
	e kasi document "$number" --document "ktp=$T_DIR/ktp-dewi.pdf" >/dev/null &&
	e kasi scan "$number" ktp --output "$T_DIR/ktp-back.pdf" >/dev/null &&
	cmp "$T_DIR/ktp-dewi.pdf" "$T_DIR/ktp-back.pdf" &&
	t_expect_status 8 e kasi scan "$number" ktp --output "$T_DIR/ktp-back.pdf" 2>/dev/null &&
	t_expect_status 4 e kasi scan "$number" sk --output "$T_DIR/sk.pdf" 2>/dev/null &&
	[ ! -e "$T_DIR/sk.pdf" ] &&
	path=$(t_sql "SELECT d.scan_path FROM documents d JOIN applications a ON a.id = d.application_id
		WHERE a.number = '$number' AND d.kind = 'ktp_copy'") &&
	if [ -n "${ENROLL_TEST_PG:-}" ]; then
		# in the database, by its hash: no file of the station holds it
		sha=$(sha256sum <"$T_DIR/ktp-dewi.pdf" | cut -d' ' -f1) &&
		[ "$path" = "scans/$sha" ] &&
		[ "$(t_sql "SELECT size FROM scans WHERE sha256 = '$sha'")" -eq "$(wc -c <"$T_DIR/ktp-dewi.pdf")" ] &&
		! grep -rlq "ktp Dewi" "$T_FILES" 2>/dev/null &&
		t_sql "UPDATE scans SET content = 'x'::bytea, size = 1 WHERE sha256 = '$sha'" >/dev/null
	else
		cmp "$path" "$T_DIR/ktp-dewi.pdf" && chmod u+w "$path" && printf 'x' >"$path"
	fi &&
	t_expect_status 22 e kasi scan "$number" ktp --output "$T_DIR/ktp-bad.pdf" 2>"$T_DIR/err" &&
	grep -q "not the one its record holds" "$T_DIR/err" && [ ! -e "$T_DIR/ktp-bad.pdf" ]
}
t_ok "a_scan_comes_back_as_recorded_and_a_changed_one_is_refused" a_scan_comes_back_as_recorded

usage_errors() {
	t_expect_status 1 "$ENROLL" frobnicate 2>/dev/null &&
	t_expect_status 1 "$ENROLL" show 2>/dev/null &&
	t_expect_status 1 "$ENROLL" apply --nope 2>/dev/null &&
	"$ENROLL" --help | grep -q keygen && "$ENROLL" keygen --help | grep -q -- --key-type
}
t_ok "unknown_commands_and_options_are_usage_errors_and_help_lists_them" usage_errors

t_done
