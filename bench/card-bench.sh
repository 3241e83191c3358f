#!/bin/bash
# card-bench.sh: steps 6 and 7 on the emulated SmartCard-HSM (tests/sc-hsm-card.py) behind
# pcscd + vpcd and OpenSC, with a per-APDU delay as a real card has: `enroll keygen` +
# `enroll import` against the pipeline an operator would otherwise run on the same card in
# the same run (pkcs11-tool --keypairgen, openssl req through the pkcs11 engine, the CA's
# openssl x509 -req, pkcs11-tool --write-object). Prints APDUs, bytes exchanged and wall
# seconds per enrollment, the card's key generation time taken out, and the ratios
# (enroll / pipeline). The card is initialized beforehand with pkcs11-tool for both.
# Needs no pcscd running (it starts its own, as the tests do).
#   bench/card-bench.sh [BUILDDIR] [ENROLLMENTS] [APDU_DELAY_MS] [KEYGEN_DELAY_MS] [KEY TYPE]
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$here/..
build=${1:-$top/_build}
count=${2:-5}
apdu_delay=${3:-15}
keygen_delay=${4:-2000}
type=${5:-ec-p256}
enroll=$build/enroll/enroll
card=$top/tests/sc-hsm-card.py
so=3537363231383830
pin=830571
opensc=$(find /usr/lib -name opensc-pkcs11.so -path '*-linux-gnu/opensc-pkcs11.so' | head -n 1)
for need in pcscd pkcs11-tool openssl sqlite3 /usr/bin/python3; do
	command -v "$need" >/dev/null || { echo "card-bench: $need missing" >&2; exit 1; }
done
if pgrep -x pcscd >/dev/null; then
	echo "card-bench: stop the running pcscd first (systemctl stop pcscd.socket pcscd)" >&2
	exit 1
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/card-bench.XXXXXX")
card_pid="" pcscd_pid=""
cleanup() {
	[ -z "$card_pid" ] || kill "$card_pid" 2>/dev/null || true
	[ -z "$pcscd_pid" ] || kill "$pcscd_pid" 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM
mkdir -p "$dir/reader.conf.d"
cp /etc/reader.conf.d/vpcd "$dir/reader.conf.d/"
printf "app default {\n\tframework pkcs15 { use_file_caching = ${CARD_BENCH_FILE_CACHE:-yes}; }\n}\n" >"$dir/opensc.conf"
printf 'directories.tokendir = %s/none\n' "$dir" >"$dir/softhsm2.conf"
# OpenSC caches a card's files under $HOME/.cache by its serial: each card has its own.
export HOME=$dir OPENSC_CONF=$dir/opensc.conf SOFTHSM2_CONF=$dir/softhsm2.conf
export ENROLL_DB=$dir/enroll.db ENROLL_TEST_LOGIN=kasi
export ENROLL_DEVICES_CONF=$top/pkcs11/devices.conf
pcscd -f -c "$dir/reader.conf.d" >"$dir/pcscd.log" 2>&1 &
pcscd_pid=$!
sleep 1
printf '%s\n' "$pin" >"$dir/pin"
sh "$top/scripts/engine-conf.sh" "$dir/openssl.cnf" "$opensc"
printf 'keyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=emailProtection\n' >"$dir/ext"

as() {
	login=$1
	shift
	ENROLL_TEST_LOGIN=$login "$enroll" "$@"
}
as kasi init --office "Dinas Komunikasi dan Informatika" --city Bench --province "Kalimantan Barat" \
	--issuer local --kasi-name "Rina Kasi" --kasi-nip 199001012015032003 >/dev/null
as kasi official add --name "Evan Ernanda" --nip 198001012005011001 --role kepala_dinas --login kadis >/dev/null
as kasi official add --name "Budi Santoso" --nip 198203152006041002 --role kabid --login kabid >/dev/null
ca=$(sqlite3 "$ENROLL_DB" "SELECT value FROM settings WHERE key = 'ca_dir'")
seq=0

# A card of its own, initialized with pkcs11-tool (SO code, user PIN), in the reader.
fresh_card() {
	rm -f "$dir/card.json" "$dir/stats"
	serial=$(printf 'BENCH%06d' "$seq")
	start_card
	pkcs11-tool --module "$opensc" --init-token --label Bench --so-pin $so >/dev/null 2>&1
	pkcs11-tool --module "$opensc" --login --login-type so --so-pin $so --init-pin --pin $pin \
		>/dev/null 2>&1
	stop_card
	rm -f "$dir/stats"
	start_card
}
start_card() {
	/usr/bin/python3 "$card" --state "$dir/card.json" --serial "$serial" \
		--apdu-delay-ms "$apdu_delay" --keygen-delay-ms "$keygen_delay" --stats "$dir/stats" \
		>>"$dir/card.log" 2>&1 &
	card_pid=$!
	for _ in $(seq 100); do
		pkcs11-tool --module "$opensc" --list-token-slots 2>/dev/null | grep -q "$serial" &&
			break
		sleep 0.1
	done
	rm -f "$dir/stats"	# what the readiness poll sent is not the enrollment's
}
stop_card() {
	kill "$card_pid" 2>/dev/null || true
	wait "$card_pid" 2>/dev/null || true
	card_pid=""
}

# An application at step 6 (not measured); prints its number.
application() {
	seq=$((seq + 1))
	number=$(as kasi apply --name "Bench $seq" --nik "$(printf '617201550485%04d' "$seq")" \
		--nip 198504152010012001 --email "bench$seq@benchkota.go.id" --phone 081234567890 \
		--position Analis --status pns --unit Umum --agency Setda --city Bench \
		--province "Kalimantan Barat" --document letter --document form --document ktp \
		--document sk)
	as kadis dispose "$number" >/dev/null
	as kabid dispose "$number" >/dev/null
	as kasi register "$number" >/dev/null
	as kasi send "$number" >/dev/null
	echo "$number"
}

ours() {
	printf '%s\n' "$pin" >"$dir/keygen.pin"
	as kasi --module "$opensc" --pin-fd 3 keygen "$1" --key-type "$type" 3<"$dir/keygen.pin" \
		>/dev/null 2>"$dir/keygen.err" || { cat "$dir/keygen.err" >&2; return 1; }
	as kasi --module "$opensc" --pin-fd 3 import "$1" 3<"$dir/pin" >/dev/null 2>"$dir/import.err" || { cat "$dir/import.err" >&2; return 1; }
}

pipeline() {
	case $type in
	ec-p256) spec=EC:prime256v1 ;;
	ec-p384) spec=EC:secp384r1 ;;
	rsa*) spec=RSA:${type#rsa} ;;
	esac
	pkcs11-tool --module "$opensc" --login --pin $pin --keypairgen --key-type "$spec" --id 01 \
		--label "Bench Applicant" >/dev/null 2>&1
	OPENSSL_CONF=$dir/openssl.cnf openssl req -new -engine pkcs11 -keyform engine \
		-key "pkcs11:serial=$serial;id=%01;type=private" -passin "file:$dir/pin" \
		-subj "/CN=Bench Applicant/O=Pemerintah Kota Bench/C=ID" -sha256 \
		-out "$dir/req.pem" 2>/dev/null
	openssl x509 -req -in "$dir/req.pem" -CA "$ca/ca.pem" -CAkey "$ca/ca.key" -CAcreateserial \
		-days 730 -sha256 -extfile "$dir/ext" -outform DER -out "$dir/cert.der" 2>/dev/null
	pkcs11-tool --module "$opensc" --login --pin $pin --write-object "$dir/cert.der" --type cert \
		--id 01 --label "Bench Applicant" >/dev/null 2>&1
}

# "apdus bytes seconds" summed over COUNT enrollments by FUNCTION, each on a fresh card.
measure() {
	apdus=0 bytes=0 seconds=0
	for _ in $(seq "$count"); do
		application >"$dir/number"
		number=$(cat "$dir/number")
		fresh_card
		start=$(date +%s.%N)
		"$1" "$number"
		end=$(date +%s.%N)
		stop_card
		cp "$dir/stats" "$dir/stats.$1"
		set -- "$1" $(awk '/^apdus/ { a = $2 } /^bytes/ { b = $2 } END { print a + 0, b + 0 }' "$dir/stats")
		apdus=$((apdus + $2)) bytes=$((bytes + $3))
		seconds=$(echo "$seconds $start $end $keygen_delay" |
			awk '{ printf "%.6f", $1 + $3 - $2 - $4 / 1000 }')
	done
	echo "$apdus $bytes $seconds"
}

a=$(measure ours)
b=$(measure pipeline)
[ -z "${CARD_BENCH_DETAIL:-}" ] || for who in ours pipeline; do
	echo "$who (last enrollment), APDUs by instruction:"
	sed -n 's/^ins /  /p' "$dir/stats.$who"
done
printf 'card-bench: %s, %d enrollments, %s ms per APDU, %s ms per key generation (taken out)\n' \
	"$type" "$count" "$apdu_delay" "$keygen_delay"
printf '%-10s %10s %12s %12s\n' "" "APDUs/enr" "KB/enr" "s/enr"
echo "$a $count" | awk '{ printf "%-10s %10.1f %12.2f %12.3f\n", "enroll", $1 / $4, $2 / $4 / 1024, $3 / $4 }'
echo "$b $count" | awk '{ printf "%-10s %10.1f %12.2f %12.3f\n", "pipeline", $1 / $4, $2 / $4 / 1024, $3 / $4 }'
echo "$a $b" | awk '{ printf "%-10s %10.2f %12.2f %12.2f\n", "ratio", $1 / $4, $2 / $5, $3 / $6 }'
