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
	e kasi --so-pin-fd 3 --pin-fd 4 "$@" keygen "$number" --key-type "$type" \
		3<"$T_DIR/so.pin" 4<"$T_DIR/user.pin"
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
	rm -f "$T_DIR/card.json"
	T_CARD_SERIAL=$3
	t_card_insert || return 1
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
	t_engine_conf "$T_DIR/openssl.cnf"
	sed -i "s|^MODULE_PATH = .*|MODULE_PATH = $T_OPENSC|" "$T_DIR/openssl.cnf"
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
for type in ec-p256 ec-p384 rsa2048 rsa3072 rsa4096; do
	n=$((n + 1))
	t_ok "the_sop_on_a_blank_smartcard_hsm_with_${type}_through_p11_kit" \
		sop_on_a_blank_card "$type" "Kartu $type" "ENRL000000$n"
	t_card_remove
done

t_done
