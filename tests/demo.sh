#!/bin/sh
# demo.sh ENROLL: a fictional applicant through all seven steps of the SOP on a throwaway
# SoftHSM2 token, with the local test CA standing in for BSrE. Everything lives in a
# temporary directory removed at the end. The PINs are the demo's own, given on file
# descriptors as a script would; at a real station the applicant types them.
set -eu
enroll=${1:?usage: demo.sh PATH-TO-ENROLL}
module=${SOFTHSM_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
dir=$(mktemp -d "${TMPDIR:-/tmp}/enroll-demo.XXXXXX")
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/tokens"
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\n' "$dir" >"$dir/softhsm2.conf"
export SOFTHSM2_CONF="$dir/softhsm2.conf" ENROLL_DB="$dir/enroll.db" ENROLL_MODULE="$module"
me=$(id -un)
so_pin=51928374
user_pin=830571

step() {
	printf '\n\033[1m== %s\033[0m\n' "$*"
}
run() {
	printf '$ enroll %s\n' "$*"
	"$enroll" "$@"
}

step "Setup: database, local test CA (NOT BSrE), the officials"
run init --office "Dinas Komunikasi dan Informatika" --city Singkawang --province "Kalimantan Barat" --issuer local \
	--kasi-name "Operator Persandian" --kasi-nip 199001012015031003
run official add --name "Evan Ernanda" --nip 198001012005011001 --role kepala_dinas --login kadis
run official add --name "Budi Santoso" --nip 198203152006041002 --role kabid --login kabid

step "Step 1: the applicant's letter, BSrE form, KTP and SK are received"
number=$("$enroll" apply --name "Siti Rahmawati" --nik 6172015504850001 --nip 198504152010012001 \
	--email siti.rahmawati@singkawangkota.go.id --phone 0812-3456-7890 --position "Analis Kebijakan" \
	--rank "Penata / III c" --status pns --unit "Bagian Organisasi" --agency "Sekretariat Daerah" \
	--city Singkawang --province "Kalimantan Barat" --request new \
	--document letter --document form --document ktp --document sk)
echo "$number"

step "Step 2: the Kepala Dinas disposes to the Kabid (recorded by the Kasi from the paper disposition)"
run dispose "$number" --on-behalf kadis --reference "045/123/DKI-2026, 24-11-2026" --note "Proses sesuai SOP"
step "Step 3: the Kabid disposes to the Kasi Persandian (recorded from the paper disposition)"
run dispose "$number" --on-behalf kabid --reference "045/124/SP-2026, 24-11-2026" --note "Tindak lanjuti"
step "Step 4: the Kasi records the data and registers through the verifier"
run register "$number" --note "Data dicatat"
step "Step 5: completeness checked, request sent to the issuer"
run send "$number"
step "Step 6: the applicant sets the token PIN; the key is generated ON the token; CSR made"
run --so-pin-fd 3 --pin-fd 4 keygen "$number" --key-type ec-p256 3<<SO 4<<PIN
$so_pin
$so_pin
SO
$user_pin
$user_pin
PIN
step "Step 7: the certificate is imported onto the token and checked"
run --pin-fd 3 import "$number" 3<<PIN
$user_pin
PIN
step "Step 7: the token is handed over"
run handover "$number" --note "Diserahkan langsung kepada pemilik" --receipt "$dir/receipt.pdf"

step "On the token now, as pkcs11-tool sees it without the PIN: the certificates and the public key
(the private key is shown only after login; the import's readiness check signed with it)"
pkcs11-tool --module "$module" --list-objects 2>/dev/null | sed 's/^/  /'
step "The application's record"
run show "$number"
run audit verify
