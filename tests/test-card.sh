#!/bin/sh
# The real card path: the SOP's steps 6 and 7 with enroll on an emulated SmartCard-HSM
# (tests/sc-hsm-card.py) behind pcscd and vpcd, driven by OpenSC's own opensc-pkcs11.so,
# reached through p11-kit's proxy as a station does (and once with --module). What OpenSC
# does differently from SoftHSM is what these tests are for: a blank card reported
# initialized, "LABEL (UserPIN)", a 16-hex-digit SO PIN checked only at C_InitPIN, PINs that
# block, a PIN typed on the device, a card pulled out in the middle.
. "$top_srcdir/tests/enroll-lib.sh"

SO_CODE=3537363231383830
unset ENROLL_MODULE
t_card_station
t_pcscd_start || { echo "Bail out! pcscd does not start"; exit 1; }
t_station || { echo "Bail out! the station cannot be set up"; exit 1; }

# card_keygen NUMBER [KEYTYPE] [ARGS]: step 6 on a blank card: SO code twice, PIN twice.
card_keygen() {
	printf '%s\n%s\n' "$SO_CODE" "$SO_CODE" >"$T_DIR/so.pin"
	printf '%s\n%s\n' "$T_USER_PIN" "$T_USER_PIN" >"$T_DIR/user.pin"
	number=$1 type=${2:-ec-p256}
	shift 2 2>/dev/null || shift $#
	e kasi --so-pin-fd 3 --pin-fd 4 keygen "$number" --key-type "$type" "$@" \
		3<"$T_DIR/so.pin" 4<"$T_DIR/user.pin"
}

# new_card SERIAL [ARGS...]: a factory-fresh card of this serial in the reader.
new_card() {
	rm -f "$T_DIR/card.json"
	T_CARD_SERIAL=$1
	shift
	t_card_insert "$@"
}

# card_objects TYPE: how many objects of TYPE (privkey, cert) OpenSC shows, logged in.
card_objects() {
	pkcs11-tool --module "$T_OPENSC" --login --pin "$T_USER_PIN" --list-objects --type "$1" \
		2>/dev/null | grep -c '^[A-Z][a-z]* [A-Za-z ]*Object'
}

# A blank card through steps 6 and 7: initialized by enroll with the SO code, one key and
# its certificate under one id and label, and OpenSSL's engine signs with it by URI.
sop_on_a_blank_card() {
	type=$1 name=$2
	new_card "$3" || return 1
	number=$(t_apply "$name") && t_to_sent "$number" || return 1
	card_keygen "$number" "$type" 2>"$T_DIR/err" >/dev/null || { cat "$T_DIR/err"; return 1; }
	grep -q "blank" "$T_DIR/err" && grep -q "16 hexadecimal digits" "$T_DIR/err" &&
	t_import "$number" >/dev/null && e kasi handover "$number" >/dev/null &&
	[ "$(t_state "$number")" = active ] || return 1
	pkcs11-tool --module "$T_OPENSC" --login --pin "$T_USER_PIN" --list-objects \
		>"$T_DIR/objects" 2>/dev/null
	id=$(sqlite3 "$ENROLL_DB" "SELECT k.key_id FROM keys k JOIN applications a ON a.id = k.application_id WHERE a.number = '$number' AND k.status = 'complete'")
	[ "$(card_objects privkey)" -eq 1 ] &&
	[ "$(grep -c "ID: *$id\$" "$T_DIR/objects")" -ge 3 ] &&
	[ "$(awk -v id="$id" '/^Certificate Object/ { c = 1 } c && /label:/ { l = $0 } c && /ID:/ { if ($2 == id) print l; c = 0 }' "$T_DIR/objects" | grep -c "label: *$name\$")" -eq 1 ] ||
		{ cat "$T_DIR/objects"; return 1; }
	engine_signs "$id"
}

# engine_signs ID: OpenSSL's pkcs11 engine (through OpenSC) signs by URI; the certificate
# read back from the card verifies it, and not a signature over other bytes.
engine_signs() {
	pkcs11-tool --module "$T_OPENSC" --read-object --type cert --id "$1" -o "$T_DIR/cert.der" \
		>/dev/null 2>&1 &&
	openssl x509 -inform DER -in "$T_DIR/cert.der" -noout -pubkey >"$T_DIR/pub.pem" || return 1
	t_engine_conf "$T_DIR/openssl.cnf" "$T_OPENSC"
	printf '%s\n' "$T_USER_PIN" >"$T_DIR/pin"
	head -c 500 /dev/urandom >"$T_DIR/message"
	OPENSSL_CONF=$T_DIR/openssl.cnf openssl dgst -sha256 -engine pkcs11 -keyform engine \
		-sign "pkcs11:serial=$T_CARD_SERIAL;id=$(echo "$1" | sed 's/\(..\)/%\1/g');type=private" \
		-passin "file:$T_DIR/pin" -out "$T_DIR/signature" "$T_DIR/message" 2>"$T_DIR/openssl.err" ||
		{ cat "$T_DIR/openssl.err"; return 1; }
	openssl dgst -sha256 -verify "$T_DIR/pub.pem" -signature "$T_DIR/signature" "$T_DIR/message" &&
	echo other >>"$T_DIR/message" &&
	! openssl dgst -sha256 -verify "$T_DIR/pub.pem" -signature "$T_DIR/signature" "$T_DIR/message"
}

n=0
# ENROLL_TEST_CARD_KEY_TYPES: fewer for the slow passes (valgrind).
for type in ${ENROLL_TEST_CARD_KEY_TYPES:-ec-p256 ec-p384 rsa2048 rsa3072 rsa4096}; do
	n=$((n + 1))
	t_ok "the_sop_on_a_blank_smartcard_hsm_with_${type}_through_p11_kit" \
		sop_on_a_blank_card "$type" "Kartu $type" "ENRL000000$n"
	t_card_remove
done

# enrolled_card SERIAL NAME: a fresh card through steps 6 and 7 (EC P-256); the number.
enrolled_card() {
	new_card "$1" || return 1
	number=$(t_apply "$2") && t_to_sent "$number" && card_keygen "$number" >/dev/null 2>&1 &&
		t_import "$number" >/dev/null && echo "$number"
}

# change_pin OLD NEW: enroll token change-pin with the old PIN and the new one twice.
change_pin() {
	printf '%s\n%s\n%s\n' "$1" "$2" "$2" >"$T_DIR/change.pin"
	e kasi --pin-fd 3 token change-pin 3<"$T_DIR/change.pin"
}

# unblock SO NEW: enroll token unblock with the SO code and the new PIN twice.
unblock() {
	printf '%s\n' "$1" >"$T_DIR/unblock.so"
	printf '%s\n%s\n' "$2" "$2" >"$T_DIR/unblock.pin"
	e kasi --so-pin-fd 3 --pin-fd 4 token unblock 3<"$T_DIR/unblock.so" 4<"$T_DIR/unblock.pin"
}

# A PIN that blocks: the tries left said, the final try warned, blocked with what to do; a
# wrong SO code blamed on the SO code; unblocked with the right one; the new PIN changed.
pins_block_and_unblock() {
	enrolled_card ENRL0000011 "Pin Blok" >/dev/null || return 1
	t_expect_status 11 change_pin 111111 246810 2>"$T_DIR/err1" &&
	t_expect_status 11 change_pin 111111 246810 2>"$T_DIR/err2" &&
	grep -qi "one try left\|1 try left" "$T_DIR/err2" &&
	t_expect_status 12 change_pin 111111 246810 2>"$T_DIR/err3" &&
	grep -q "last try" "$T_DIR/err3" && grep -q "enroll token unblock" "$T_DIR/err3" &&
	t_expect_status 11 unblock 0000000000000001 246810 2>"$T_DIR/err4" &&
	grep -q "wrong SO PIN" "$T_DIR/err4" && grep -q "not the applicant's PIN" "$T_DIR/err4" &&
	unblock "$SO_CODE" 246810 >/dev/null 2>&1 &&
	change_pin 246810 975318 >/dev/null 2>&1 &&
	printf '%s\n' 975318 >"$T_DIR/pin" &&
	pkcs11-tool --module "$T_OPENSC" --login --pin 975318 --list-objects --type privkey 2>/dev/null |
		grep -q "Private Key Object" || { cat "$T_DIR/err1" "$T_DIR/err2" "$T_DIR/err3" "$T_DIR/err4"; return 1; }
}
t_ok "a_wrong_pin_counts_down_warns_of_the_final_try_blocks_and_the_so_code_unblocks_it" \
	pins_block_and_unblock
t_card_remove

# The PIN typed on the device itself: the applicant is told to type it there; a wrong
# entry is a wrong PIN and changes nothing, the right one lets the import go on.
pin_on_the_device() {
	new_card ENRL0000012 || return 1
	number=$(t_apply "Pin Pad") && t_to_sent "$number" && card_keygen "$number" >/dev/null 2>&1 ||
		return 1
	t_card_remove
	t_card_insert --pinpad 999999 || return 1
	t_expect_status 11 e kasi import "$number" </dev/null 2>"$T_DIR/err" &&
	grep -q "pinpad" "$T_DIR/err" && [ "$(t_state "$number")" = key_generated ] || { cat "$T_DIR/err"; return 1; }
	t_card_remove
	t_card_insert --pinpad "$T_USER_PIN" || return 1
	e kasi import "$number" </dev/null >/dev/null 2>"$T_DIR/err" &&
	[ "$(t_state "$number")" = certificate_imported ] || { cat "$T_DIR/err"; return 1; }
}
t_ok "the_pin_typed_on_the_device_is_asked_for_there_wrong_refused_right_accepted" pin_on_the_device
t_card_remove

# key_count: the private keys OpenSC shows on the card.
key_count() {
	card_objects privkey
}

# The card pulled out in the middle of step 6 and of step 7: exit 10, nothing half-recorded;
# put back, the same command again finishes with exactly one key and one certificate.
pulled_out_mid_command() {
	new_card ENRL0000013 --die-before 46 || return 1
	number=$(t_apply "Cabut") && t_to_sent "$number" || return 1
	t_expect_status 10 card_keygen "$number" 2>"$T_DIR/err" || { cat "$T_DIR/err"; return 1; }
	[ "$(t_state "$number")" = sent ] || return 1
	t_card_remove
	t_card_insert || return 1
	card_keygen "$number" >/dev/null 2>"$T_DIR/err" || { cat "$T_DIR/err"; return 1; }
	[ "$(t_state "$number")" = key_generated ] && [ "$(key_count)" -eq 1 ] || return 1
	t_card_remove
	# pulled out at the import's first write: nothing changed, the rerun finishes
	t_card_insert --die-before E4 || return 1
	t_expect_status 10 t_import "$number" 2>"$T_DIR/err" || { cat "$T_DIR/err"; return 1; }
	[ "$(t_state "$number")" = key_generated ] || return 1
	t_card_remove
	t_card_insert || return 1
	t_import "$number" >/dev/null 2>"$T_DIR/err" || { cat "$T_DIR/err"; return 1; }
	[ "$(t_state "$number")" = certificate_imported ] && [ "$(key_count)" -eq 1 ] &&
	[ "$(card_objects cert)" -eq 3 ]
}
t_ok "a_card_pulled_out_during_keygen_or_import_exits_10_and_the_rerun_finishes_with_one_key" \
	pulled_out_mid_command
t_card_remove

# Pulled out after OpenSC deleted the key's request to put the certificate in its place: the
# card has lost the key's public half. The rerun still puts the certificate on (bound to the
# key by its id, the SHA-1 of its public key) but OpenSC cannot sign with the key until it
# reads the card anew: the readiness check says so (exit 24), and the next run finishes.
pulled_out_after_the_request_was_deleted() {
	new_card ENRL0000016 || return 1
	number=$(t_apply "Cabut Lagi") && t_to_sent "$number" && card_keygen "$number" >/dev/null 2>&1 ||
		return 1
	t_card_remove
	t_card_insert --die-before D7 || return 1
	t_expect_status 10 t_import "$number" 2>"$T_DIR/err" || { cat "$T_DIR/err"; return 1; }
	t_card_remove
	t_card_insert || return 1
	t_import "$number" >/dev/null 2>"$T_DIR/err"
	status=$?
	[ "$status" -eq 0 ] || { [ "$status" -eq 24 ] && grep -q "import the matching certificate again" "$T_DIR/err"; } ||
		{ cat "$T_DIR/err"; return 1; }
	[ "$status" -eq 0 ] || t_import "$number" >/dev/null 2>"$T_DIR/err" || { cat "$T_DIR/err"; return 1; }
	[ "$(t_state "$number")" = certificate_imported ] && [ "$(key_count)" -eq 1 ] &&
	[ "$(card_objects cert)" -eq 3 ]
}

t_ok "a_card_that_lost_its_key_request_gets_its_certificate_and_is_ready_on_the_next_run" \
	pulled_out_after_the_request_was_deleted
t_card_remove

# keygen --wait: the applicant's card goes in after the command started.
keygen_waits_for_the_card() {
	rm -f "$T_DIR/card.json"
	T_CARD_SERIAL=ENRL0000014
	number=$(t_apply "Tunggu") && t_to_sent "$number" || return 1
	card_keygen "$number" ec-p256 >"$T_DIR/out" 2>"$T_DIR/err" --wait 60 &
	keygen=$!
	# the card goes in once the command is waiting for it, however slowly it started
	for _ in $(seq 600); do
		grep -q "Insert the applicant's token" "$T_DIR/err" 2>/dev/null && break
		sleep 0.1
	done
	t_card_insert || return 1
	wait "$keygen" || { cat "$T_DIR/err"; return 1; }
	grep -q "Insert the applicant's token" "$T_DIR/err" && [ "$(t_state "$number")" = key_generated ]
}
t_ok "keygen_wait_takes_the_card_inserted_after_it_started" keygen_waits_for_the_card
t_card_remove

# Another program looks at the card between enroll's login and its next write (OpenSC selects
# the applet whenever it lists a card, and a SmartCard-HSM forgets its PIN then; the test's
# own polling with pkcs11-tool did it to the test above now and then): the write is refused
# CKR_USER_NOT_LOGGED_IN, enroll logs in again with the PIN it was given and the step goes on.
login_forgotten_mid_step() {
	: >"$T_DIR/card.log"
	new_card ENRL0000019 --forget-pin-before 46 || return 1
	number=$(t_apply "Lupa") && t_to_sent "$number" || return 1
	ENROLL_DEBUG=1 card_keygen "$number" >/dev/null 2>"$T_DIR/err" || { cat "$T_DIR/err"; return 1; }
	grep -q "forgot its login.*logging in again" "$T_DIR/err" &&
	[ "$(t_state "$number")" = key_generated ] && [ "$(key_count)" -eq 1 ] || return 1
	t_card_remove
	t_card_insert --forget-pin-before D7 || return 1
	ENROLL_DEBUG=1 t_import "$number" >/dev/null 2>"$T_DIR/err" || { cat "$T_DIR/err"; return 1; }
	grep -q "forgot its login.*logging in again" "$T_DIR/err" || return 1
	[ "$(t_state "$number")" = certificate_imported ] && [ "$(key_count)" -eq 1 ] &&
	[ "$(card_objects cert)" -eq 3 ] &&
	[ "$(grep -c "verification forgotten before INS" "$T_DIR/card.log")" -eq 2 ]
}
t_ok "a_card_that_forgets_its_login_mid_step_is_logged_in_again_and_the_step_finishes" \
	login_forgotten_mid_step
t_card_remove

# OpenSC's module named directly with --module, without p11-kit, on a card enroll made.
module_named_directly() {
	new_card ENRL0000015 || return 1
	number=$(t_apply "Modul") && t_to_sent "$number" &&
	card_keygen "$number" rsa2048 --module "$T_OPENSC" >/dev/null 2>"$T_DIR/err" &&
	t_import "$number" --module "$T_OPENSC" >/dev/null 2>>"$T_DIR/err" &&
	[ "$(t_state "$number")" = certificate_imported ] || { cat "$T_DIR/err"; return 1; }
	engine_signs "$(sqlite3 "$ENROLL_DB" "SELECT k.key_id FROM keys k JOIN applications a ON a.id = k.application_id WHERE a.number = '$number' AND k.status = 'complete'")"
}
t_ok "the_sop_with_opensc_named_by_module_without_p11_kit" module_named_directly
t_card_remove

# A model whose blank tokens need a step outside enroll (here the device table says so of
# this card): keygen names the step and why, and leaves the card as it was.
vendor_step_is_named_and_the_card_left_alone() {
	sed 's/^quirks = so-pin-hex16 initialized-flag-unreliable$/quirks = needs-pkcs15-init initialized-flag-unreliable/;
	     s/^note = The SO PIN is 16.*/note = Blank tokens: pkcs15-init --erase-card, then --create-pkcs15/' \
		"$top_srcdir/pkcs11/devices.conf" >"$T_DIR/devices.conf"
	new_card ENRL0000017 || return 1
	before=$(sha256sum <"$T_DIR/card.json")
	number=$(t_apply "Vendor") && t_to_sent "$number" || return 1
	ENROLL_DEVICES_CONF=$T_DIR/devices.conf t_expect_status 10 card_keygen "$number" 2>"$T_DIR/err" &&
	grep -q "cannot be initialized by enroll: OpenSC must first give it a PKCS#15 file system" "$T_DIR/err" &&
	grep -q "pkcs15-init --erase-card" "$T_DIR/err" &&
	[ "$(sha256sum <"$T_DIR/card.json")" = "$before" ] && [ "$(t_state "$number")" = sent ] ||
		{ cat "$T_DIR/err"; return 1; }
}
t_ok "a_blank_token_that_needs_a_vendor_step_is_refused_naming_it_and_left_alone" \
	vendor_step_is_named_and_the_card_left_alone
t_card_remove

# An SO PIN not in the card's format (16 hexadecimal digits) is refused before the card is
# initialized: the card's file is as it was, no key is recorded.
so_pin_in_the_wrong_format_is_refused() {
	new_card ENRL0000018 || return 1
	before=$(sha256sum <"$T_DIR/card.json")
	number=$(t_apply "Format") && t_to_sent "$number" || return 1
	printf '51928374\n51928374\n' >"$T_DIR/so.pin"
	printf '%s\n%s\n' "$T_USER_PIN" "$T_USER_PIN" >"$T_DIR/user.pin"
	t_expect_status 13 e kasi --so-pin-fd 3 --pin-fd 4 keygen "$number" --key-type ec-p256 \
		3<"$T_DIR/so.pin" 4<"$T_DIR/user.pin" 2>"$T_DIR/err" &&
	grep -q "16 hexadecimal digits" "$T_DIR/err" &&
	[ "$(sha256sum <"$T_DIR/card.json")" = "$before" ] && [ "$(t_state "$number")" = sent ] &&
	[ "$(sqlite3 "$ENROLL_DB" "SELECT count(*) FROM keys k JOIN applications a ON a.id = k.application_id WHERE a.number = '$number'")" -eq 0 ] ||
		{ cat "$T_DIR/err"; return 1; }
}
t_ok "an_so_pin_not_in_the_cards_format_is_refused_and_the_card_left_as_it_was" \
	so_pin_in_the_wrong_format_is_refused
t_card_remove

# Every quirk word of the device table is read by code that acts on it.
every_quirk_is_acted_on() {
	for quirk in $(sed -n 's/^quirks = //p' "$top_srcdir/pkcs11/devices.conf" | tr ' ' '\n' | sort -u); do
		grep -q "\"$quirk\"" "$top_srcdir"/enroll/*.c "$top_srcdir"/pkcs11/*.c ||
			{ echo "quirk $quirk is read by nothing"; return 1; }
	done
}
t_ok "every_quirk_word_in_the_device_table_is_read_by_code_that_acts_on_it" every_quirk_is_acted_on

t_done
