#!/bin/sh
# token-bench.sh: steps 6 and 7 on SoftHSM2 tokens, our token layer against the
# command-line pipeline an operator would otherwise run, in the same run on the same
# machine: pkcs11-tool --keypairgen, openssl req through the pkcs11 engine, the CA's
# openssl x509 -req, pkcs11-tool --write-object. Prints seconds per enrollment and the
# ratio (ours / pipeline; below 1 is faster).
#   bench/token-bench.sh [BUILDDIR] [ENROLLMENTS] [KEY TYPES...]
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../_build}
count=${2:-10}
shift 2 2>/dev/null || shift $#
types=${*:-ec-p256 rsa2048}
module=${SOFTHSM_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
engine=$(openssl version -e | sed -n 's/^ENGINESDIR: "\(.*\)"$/\1/p')/pkcs11.so
tool=$build/tests/token-tool
make -C "$build/tests" token-tool >/dev/null
for need in pkcs11-tool openssl softhsm2-util; do
	command -v $need >/dev/null || { echo "token-bench: $need missing (apt-get install opensc softhsm2)" >&2; exit 1; }
done
[ -f "$engine" ] || { echo "token-bench: install libengine-pkcs11-openssl" >&2; exit 1; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/token-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM
so_pin=51928374
pin=830571
printf '%s\n' "$pin" >"$dir/pin"
"$tool" create-ca "$dir/ca" >/dev/null
sh "$here/../scripts/engine-conf.sh" "$dir/openssl.cnf" "$module"
printf 'keyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=emailProtection\n' >"$dir/ext"

# A fresh store with one token per enrollment, so both sides start from the same state.
fresh_token() {
	rm -rf "$dir/tokens" && mkdir "$dir/tokens"
	printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\n' "$dir" >"$dir/softhsm2.conf"
	export SOFTHSM2_CONF="$dir/softhsm2.conf"
	softhsm2-util --init-token --free --label bench --so-pin $so_pin --pin $pin >/dev/null
}

ours() {
	"$tool" enroll "$module" bench "$dir/ca" "$1" "Bench Applicant" <"$dir/pin" >/dev/null
}

pipeline() {
	case $1 in
	ec-p256) spec=EC:prime256v1 ;;
	ec-p384) spec=EC:secp384r1 ;;
	rsa*) spec=RSA:${1#rsa} ;;
	esac
	pkcs11-tool --module "$module" --token-label bench --login --pin $pin --keypairgen \
		--key-type "$spec" --id 01 --label "Bench Applicant" >/dev/null 2>&1
	OPENSSL_CONF=$dir/openssl.cnf openssl req -new -engine pkcs11 -keyform engine \
		-key "pkcs11:token=bench;id=%01;type=private" -passin "file:$dir/pin" \
		-subj "/CN=Bench Applicant/O=Pemerintah Kota Bench/C=ID" -sha256 -out "$dir/req.pem" 2>/dev/null
	openssl x509 -req -in "$dir/req.pem" -CA "$dir/ca/ca.pem" -CAkey "$dir/ca/ca.key" \
		-CAcreateserial -days 730 -sha256 -extfile "$dir/ext" -outform DER -out "$dir/cert.der" 2>/dev/null
	pkcs11-tool --module "$module" --token-label bench --login --pin $pin --write-object \
		"$dir/cert.der" --type cert --id 01 --label "Bench Applicant" >/dev/null 2>&1
}

# seconds for COUNT runs of FUNCTION TYPE, each on a fresh token (setup not timed).
measure() {
	total=0
	for _ in $(seq "$count"); do
		fresh_token
		start=$(date +%s.%N)
		"$1" "$2"
		end=$(date +%s.%N)
		total=$(echo "$total $start $end" | awk '{ printf "%.6f", $1 + $3 - $2 }')
	done
	echo "$total"
}

printf '%-10s %12s %12s %8s\n' "key type" "ours s/enr" "CLI s/enr" "ratio"
for type in $types; do
	a=$(measure ours "$type")
	b=$(measure pipeline "$type")
	echo "$type $a $b $count" | awk '{ printf "%-10s %12.4f %12.4f %8.2f\n", $1, $2 / $4, $3 / $4, $2 / $3 }'
done
