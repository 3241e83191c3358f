#!/bin/sh
# test-interop.sh: after the library generated a key, made a CSR, had the local CA issue
# and imported the certificate (tests/token-tool), independent tools must agree:
# pkcs11-tool, OpenSSL through the pkcs11 engine, NSS's certutil, GnuTLS's p11tool.
. "${top_srcdir:-..}/tests/lib.sh"

TOOL=${top_builddir:-..}/tests/token-tool
LABEL="Siti Rahayu"
PINFILE=$T_DIR/pin
printf '%s\n' "$T_USER_PIN" >"$PINFILE"
chmod 600 "$PINFILE"
t_softhsm
t_softhsm_token station-ec
t_softhsm_token station-rsa
"$TOOL" create-ca "$T_DIR/ca" || exit 1

# enroll TOKEN KEY_TYPE: the whole of steps 6 and 7 through the library; the key id in $T_DIR/id.
enroll() {
	"$TOOL" enroll "$T_MODULE" "$1" "$T_DIR/ca" "$2" "$LABEL" <"$PINFILE" >"$T_DIR/id" &&
		[ -s "$T_DIR/id" ]
}

# pkcs11-tool's listing of one object class: the block from its header line to the next.
object_block() {
	awk -v kind="$1" '/^[A-Z][a-z]+ (Key )?Object/ { show = index($0, kind) == 1 } show' \
		"$T_DIR/objects"
}

pkcs11_tool_sees_one_id_and_label_and_a_sensitive_local_key() {
	id=$(cat "$T_DIR/id")
	pkcs11-tool --module "$T_MODULE" --token-label station-ec --login --pin "$T_USER_PIN" \
		--list-objects \
		>"$T_DIR/objects" 2>/dev/null || return 1
	cat "$T_DIR/objects"
	for kind in "Private Key Object" "Public Key Object" "Certificate Object"; do
		block=$(object_block "$kind")
		echo "$block" | grep -q "label:      $LABEL\$" || { echo "$kind: label"; return 1; }
		echo "$block" | grep -q "ID:         $id\$" || { echo "$kind: id"; return 1; }
	done
	object_block "Private Key Object" |
		grep -q "Access:     sensitive, always sensitive, never extractable, local" ||
		{ echo "private key access flags"; return 1; }
	[ "$(grep -c '^Certificate Object' "$T_DIR/objects")" -eq 3 ] ||
		{ echo "expected the user certificate and two CA certificates"; return 1; }
}

# The imported certificate as the token holds it, read back by pkcs11-tool.
read_certificate() {
	pkcs11-tool --module "$T_MODULE" --token-label "$TOKEN" --read-object --type cert \
		--id "$(cat "$T_DIR/id")" \
		-o "$T_DIR/cert.der" >/dev/null 2>&1 &&
		openssl x509 -inform DER -in "$T_DIR/cert.der" -out "$T_DIR/cert.pem" &&
		openssl x509 -in "$T_DIR/cert.pem" -noout -pubkey >"$T_DIR/cert-pubkey.pem"
}

# %-encoded id for a PKCS#11 URI.
uri_id() {
	sed 's/\(..\)/%\1/g' "$T_DIR/id"
}

# openssl_engine_signs_by_uri_and_the_certificate_verifies TOKEN
openssl_engine_signs_by_uri_and_the_certificate_verifies() {
	read_certificate || return 1
	t_engine_conf "$T_DIR/openssl.cnf"
	head -c 1000 /dev/urandom >"$T_DIR/message"
	OPENSSL_CONF=$T_DIR/openssl.cnf openssl dgst -sha256 -engine pkcs11 -keyform engine \
		-sign "pkcs11:token=$1;id=$(uri_id);type=private" -passin "file:$PINFILE" \
		-out "$T_DIR/signature" "$T_DIR/message" || return 1
	openssl dgst -sha256 -verify "$T_DIR/cert-pubkey.pem" -signature "$T_DIR/signature" \
		"$T_DIR/message" || return 1
	# and a signature over other bytes must not verify: the check above can fail
	echo tampered >>"$T_DIR/message"
	! openssl dgst -sha256 -verify "$T_DIR/cert-pubkey.pem" -signature "$T_DIR/signature" \
		"$T_DIR/message"
}

nss_lists_a_user_certificate_with_its_private_key() {
	mkdir -p "$T_DIR/nssdb"
	certutil -N -d "sql:$T_DIR/nssdb" --empty-password || return 1
	modutil -dbdir "sql:$T_DIR/nssdb" -add softhsm -libfile "$T_MODULE" -force </dev/null ||
		return 1
	certutil -L -d "sql:$T_DIR/nssdb" -h all >"$T_DIR/nss-certs" || return 1
	cat "$T_DIR/nss-certs"
	grep -q "^station-ec:$LABEL  *u,u,u\$" "$T_DIR/nss-certs" || return 1
	certutil -K -d "sql:$T_DIR/nssdb" -h station-ec -f "$PINFILE" >"$T_DIR/nss-keys" || return 1
	cat "$T_DIR/nss-keys"
	# "< 0> ec   <CKA_ID in hex>   <label>": the key NSS pairs with the certificate
	grep -Eq "> [a-z]+ +$(cat "$T_DIR/id") +$LABEL\$" "$T_DIR/nss-keys"
}

gnutls_lists_certificate_and_private_key_with_one_id() {
	p11tool --provider "$T_MODULE" --list-all --login --set-pin "$T_USER_PIN" \
		"pkcs11:token=station-ec" >"$T_DIR/p11tool" 2>/dev/null || return 1
	cat "$T_DIR/p11tool"
	id=$(sed 's/\(..\)/\1:/g; s/:$//' "$T_DIR/id")
	# Each object is a block of lines; keep the Type and ID of those with our label.
	awk -v label="$LABEL" '
		/^Object [0-9]+:/ { type = ""; mine = 0 }
		/^\tLabel: / { mine = ($0 == "\tLabel: " label) }
		/^\tType: / { type = $0 }
		/^\tID: / && mine { sub(/^\tID: /, ""); print type "|" $0 }' \
		"$T_DIR/p11tool" >"$T_DIR/p11tool-ours"
	cat "$T_DIR/p11tool-ours"
	grep -q "Type: Private key.*|$id\$" "$T_DIR/p11tool-ours" &&
		grep -q "Type: X.509 Certificate.*|$id\$" "$T_DIR/p11tool-ours"
}

TOKEN=station-ec
t_ok "library generates, requests, imports and finds the token ready (EC P-256)" \
	enroll station-ec ec-p256
t_ok "pkcs11-tool sees one id and label and a sensitive, local key" \
	pkcs11_tool_sees_one_id_and_label_and_a_sensitive_local_key
t_ok "OpenSSL's pkcs11 engine signs by URI and the certificate verifies" \
	openssl_engine_signs_by_uri_and_the_certificate_verifies station-ec
t_ok "NSS lists a user certificate (u,u,u) with its private key" \
	nss_lists_a_user_certificate_with_its_private_key
t_ok "GnuTLS p11tool lists certificate and private key with one id" \
	gnutls_lists_certificate_and_private_key_with_one_id
TOKEN=station-rsa
t_ok "library enrolls an RSA 2048 key on a second token" enroll station-rsa rsa2048
t_ok "OpenSSL's pkcs11 engine signs with the RSA key by URI and the certificate verifies" \
	openssl_engine_signs_by_uri_and_the_certificate_verifies station-rsa
t_done
