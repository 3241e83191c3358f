#!/bin/sh
# The office's papers from the real command: a receipt for a realistic and for a nasty
# applicant (a 64-character name with diacritics, an agency of 200 characters) taken
# through all seven steps on SoftHSM, its QR code read back by zbarimg, verify-paper, a
# reprint, the return and rejection letters, the request sheet, and the holders report
# over 300 holders in 40 agencies, each checked with poppler's tools.
. "$top_srcdir/tests/enroll-lib.sh"

cd "$T_DIR" || exit 1
FILL="$top_builddir/tests/papers-fill"
NASTY="Ñyoman Ayu Kusumawardhani Setyaningrum Dwi Purnamasari Ésa Widyā"
LONG_AGENCY="Badan Perencanaan Pembangunan, Penelitian dan Pengembangan Daerah serta Pengelolaan Keuangan, Pendapatan dan Aset Daerah Kota Singkawang Provinsi Kalimantan Barat Republik Indonesia (BAPPEDA)"

t_station || { echo "Bail out! the station cannot be set up"; exit 1; }

# A 64x64 PNG logo, written with zlib alone.
python3 - "$T_DIR/logo.png" <<'EOP'
import struct, sys, zlib
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
rows = b"".join(b"\0" + bytes((x * 4, 80, 255 - x * 4) * 64) for x in range(64))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0))
png += chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
EOP
e kasi office set --address "Jalan Firdaus No. 1, Singkawang 79123" --phone "(0562) 631234" \
	--email diskominfo@singkawangkota.go.id --website https://diskominfo.singkawangkota.go.id \
	--logo "$T_DIR/logo.png" --zone WIB --number "800/<seq>/Persandian/<year>" >/dev/null ||
	{ echo "Bail out! office set failed"; exit 1; }

office_settings_are_the_kasis_checked_and_audited() {
	t_expect_status 6 e kabid office set --zone WITA 2>/dev/null &&
		t_expect_status 8 e kasi office set --zone CET 2>/dev/null &&
		t_expect_status 8 e kasi office set --logo "$top_srcdir/README.md" 2>/dev/null &&
		t_expect_status 8 e kasi office set --number "800/Persandian" 2>/dev/null &&
		[ "$(t_sql "SELECT value FROM settings WHERE key = 'office_zone'")" = WIB ] &&
		[ "$(t_sql "SELECT count(*) FROM audit WHERE action = 'office_set' AND result = 'ok' AND detail LIKE '%office_logo=%'")" -eq 1 ] &&
		e kasi office show | grep -q "Jalan Firdaus No. 1"
}
t_ok "office_settings_are_the_kasis_checked_before_stored_and_audited" \
	office_settings_are_the_kasis_checked_and_audited

# holder STORE NAME AGENCY: through all seven steps, the receipt written by the handover.
holder() {
	t_softhsm "$1"
	number=$(e kasi apply --name "$2" --nik "$(printf '617201550485%04d' "$1")" \
		--nip 198504152010012001 --email "pegawai$1@singkawangkota.go.id" \
		--phone 081234567890 --position "Analis Kebijakan Ahli Muda" --status pns \
		--unit "Bidang Statistik dan Persandian" --agency "$3" --city Singkawang \
		--province "Kalimantan Barat" --document letter --document form --document ktp \
		--document sk) && t_to_sent "$number" && t_keygen "$number" "" >/dev/null &&
	t_import "$number" >/dev/null && e kasi handover "$number" >"$T_DIR/handover.$1" &&
	echo "$number"
}
plain=$(holder 1 "Siti Rahmawati" "Dinas Komunikasi dan Informatika") &&
	nasty=$(holder 2 "$NASTY" "$LONG_AGENCY") ||
	{ echo "Bail out! the holders cannot be enrolled"; exit 1; }

# The date in Indonesian words as the office (WIB) reads it today.
BULAN="Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"
today() {
	month=$(TZ=Asia/Jakarta date +%m)
	echo "$(TZ=Asia/Jakarta date +%-d) $(echo $BULAN | cut -d' ' -f"${month#0}") $(TZ=Asia/Jakarta date +%Y)"
}
file_of() { t_sql "SELECT seq, year FROM papers WHERE kind = '$2' AND subject = '$1'" | awk -F'|' -v k="$2" '{ printf "800-%s-Persandian-%s-%s.pdf\n", $1, $2, k }'; }
cert_sha256() {
	t_sql "SELECT c.sha256 FROM certificates c JOIN applications p ON p.id = c.application_id WHERE p.number = '$1'"
}

# pdf_ok FILE PAGES: A4, that many pages (at least, with a + after it), every font embedded.
pdf_ok() {
	pdfinfo "$1" >"$T_DIR/info" || return 1
	grep -q '^Page size: *595.27[0-9]* x 841.8[0-9]* pts (A4)' "$T_DIR/info" ||
		{ cat "$T_DIR/info"; return 1; }
	pages=$(awk '/^Pages:/ { print $2 }' "$T_DIR/info")
	case $2 in
	*+) [ "$pages" -ge "${2%+}" ] ;;
	*) [ "$pages" -eq "$2" ] ;;
	esac || { echo "$pages pages, expected $2"; return 1; }
	pdffonts "$1" | awk 'NR > 2 && $(NF - 4) != "yes" { bad = 1; print } END { exit bad }'
}

# has TEXT FILE: the text on the page, line breaks and runs of spaces as one space.
has() {
	tr '\n' ' ' <"$2" | tr -s ' ' | grep -qF -- "$1" || { echo "not on the page: $1"; return 1; }
}

# The fingerprint recorded is the certificate on the token's, hashed here by openssl.
fingerprint_is_the_tokens_certificate() {
	id=$(t_sql "SELECT k.key_id FROM keys k JOIN applications p ON p.id = k.application_id WHERE p.number = '$plain' AND k.status = 'complete'")
	t_softhsm 1
	label=$(pkcs11-tool --module "$T_MODULE" -L 2>/dev/null | awk -F': *' '/token label/ { print $2; exit }')
	pkcs11-tool --module "$T_MODULE" --token-label "$label" --read-object --type cert \
		--id "$id" -o "$T_DIR/cert.der" >/dev/null 2>&1 || return 1
	[ "$(sha256sum <"$T_DIR/cert.der" | cut -c1-64)" = "$(cert_sha256 "$plain")" ]
}
t_ok "the_recorded_fingerprint_is_the_sha256_of_the_certificate_on_the_token" \
	fingerprint_is_the_tokens_certificate

receipt_is_complete() {
	number=$1 name=$2 agency=$3 file=$(file_of "$1" receipt)
	grep -q "$file" "$T_DIR/handover.$4" || { cat "$T_DIR/handover.$4"; return 1; }
	pdf_ok "$file" 1 && pdftotext -layout "$file" "$T_DIR/text" || return 1
	serial=$(t_sql "SELECT c.serial FROM certificates c JOIN applications p ON p.id = c.application_id WHERE p.number = '$number'")
	token=$(t_sql "SELECT k.token_serial FROM keys k JOIN applications p ON p.id = k.application_id WHERE p.number = '$number' AND k.status = 'complete'")
	for text in "BERITA ACARA SERAH TERIMA" "$number" "$name" 198504152010012001 \
		"$agency" "Rina Kasi" 199001012015032003 "Budi Santoso" 198203152006041002 \
		"$serial" "$token" "$(cert_sha256 "$number")" "Singkawang, $(today)" " WIB" \
		"Jalan Firdaus No. 1" "Yang Menyerahkan" "Yang Menerima" "Mengetahui" \
		"LOCAL TEST" "PIN"; do
		has "$text" "$T_DIR/text" || return 1
	done
}
t_ok "receipt_of_a_realistic_applicant_has_every_field_on_one_a4_page" \
	receipt_is_complete "$plain" "Siti Rahmawati" "Dinas Komunikasi dan Informatika" 1
t_ok "receipt_of_a_64_character_name_and_a_200_character_agency_wraps_every_field" \
	receipt_is_complete "$nasty" "$NASTY" "$LONG_AGENCY" 2

qr_holds_the_record() {
	file=$(file_of "$1" receipt)
	pdftoppm -png -r 150 "$file" "$T_DIR/page" && zbarimg --raw -q "$T_DIR"/page-1.png >"$T_DIR/qr" ||
		return 1
	[ "$(cat "$T_DIR/qr")" = "BAST $1 SHA256:$(cert_sha256 "$1")" ] || { cat "$T_DIR/qr"; return 1; }
}
t_ok "receipt_qr_code_decodes_to_the_number_and_the_certificates_fingerprint" \
	qr_holds_the_record "$plain"

verify_paper_accepts_the_real_payload_and_refuses_an_altered_one() {
	payload=$(cat "$T_DIR/qr")
	e kasi verify-paper "$payload" >"$T_DIR/verdict" && grep -q "Siti Rahmawati" "$T_DIR/verdict" &&
		e kasi verify-paper $payload >/dev/null || return 1
	last=$(printf '%s' "$payload" | tail -c 1)
	altered=$(printf '%s' "$payload" | sed 's/.$//')$([ "$last" = 0 ] && echo 1 || echo 0)
	t_expect_status 15 e kasi verify-paper "$altered" 2>/dev/null &&
	t_expect_status 15 e kasi verify-paper "BAST $nasty SHA256:$(cert_sha256 "$plain")" 2>/dev/null &&
	t_expect_status 4 e kasi verify-paper "BAST TTE/2026/9999 SHA256:$(cert_sha256 "$plain")" 2>/dev/null &&
	t_expect_status 8 e kasi verify-paper "not a code" 2>/dev/null
}
t_ok "verify_paper_accepts_the_real_payload_and_refuses_an_altered_one" \
	verify_paper_accepts_the_real_payload_and_refuses_an_altered_one

reprint_is_the_same_paper_and_says_so() {
	first=$(file_of "$plain" receipt)
	pdftotext -layout "$first" "$T_DIR/first.txt"
	e kasi print receipt "$plain" --output "$T_DIR/again.pdf" >"$T_DIR/out" &&
		pdftotext -layout "$T_DIR/again.pdf" "$T_DIR/again.txt" || return 1
	grep -q "Cetak ulang" "$T_DIR/again.txt" && ! grep -q "Cetak ulang" "$T_DIR/first.txt" &&
		grep -q "$(file_of "$plain" receipt | cut -d- -f2)/Persandian" "$T_DIR/again.txt" ||
		{ echo "the reprint does not say so, or the first print does"; return 1; }
	if diff "$T_DIR/first.txt" "$T_DIR/again.txt" | grep '^[<>]' | grep -v "Cetak ulang" |
		grep -q .; then
		echo "the reprint differs beyond its note"
		return 1
	fi
	sum=$(sha256sum <"$T_DIR/again.pdf" | cut -c1-64)
	[ "$(t_sql "SELECT count(*) FROM audit WHERE action = 'print' AND detail LIKE '%$sum%' AND application = '$plain'")" -eq 1 ] &&
		[ "$(t_sql "SELECT count(*) FROM audit WHERE action = 'print' AND application = '$plain'")" -eq 2 ] &&
		e kasi audit verify >/dev/null
}
t_ok "a_reprint_has_the_same_number_and_content_says_so_and_is_audited_with_its_sha256" \
	reprint_is_the_same_paper_and_says_so

english_when_asked() {
	e kasi --lang en print receipt "$plain" --output - >"$T_DIR/en.pdf" 2>/dev/null &&
		pdftotext -layout "$T_DIR/en.pdf" "$T_DIR/en.txt" &&
		has "RECORD OF HANDOVER" "$T_DIR/en.txt" && ! grep -q "Yang Menerima" "$T_DIR/en.txt"
}
t_ok "a_paper_is_in_english_with_lang_en_and_goes_to_stdout_with_output_dash" english_when_asked

# Return and rejection letters, and the request sheet, for applicants that stopped there.
letters() {
	returned=$(t_apply "Andi Pratama") && e kadis dispose "$returned" --note "ke Kabid" >/dev/null &&
		e kabid dispose "$returned" --note "ke Kasi" >/dev/null && e kasi return "$returned" \
		--reason "Salinan SK terakhir tidak terbaca" --missing sk >/dev/null &&
	rejected=$(t_apply "Yohanes Tan") && e kadis reject "$rejected" \
		--reason "Bukan pegawai Pemerintah Kota Singkawang" >/dev/null || return 1
	e kasi print return "$returned" >/dev/null && f=$(file_of "$returned" return) &&
		pdf_ok "$f" 1 && pdftotext -layout "$f" "$T_DIR/return.txt" &&
		has "SURAT PENGEMBALIAN BERKAS" "$T_DIR/return.txt" &&
		has "Salinan SK terakhir tidak terbaca" "$T_DIR/return.txt" &&
		has "Andi Pratama" "$T_DIR/return.txt" && has "Rina Kasi" "$T_DIR/return.txt" &&
		has "Salinan SK terakhir" "$T_DIR/return.txt" || return 1
	e kasi print rejection "$rejected" >/dev/null && f=$(file_of "$rejected" rejection) &&
		pdf_ok "$f" 1 && pdftotext -layout "$f" "$T_DIR/reject.txt" &&
		has "SURAT PENOLAKAN PERMOHONAN" "$T_DIR/reject.txt" &&
		has "Bukan pegawai Pemerintah Kota Singkawang" "$T_DIR/reject.txt" &&
		has "Evan Ernanda" "$T_DIR/reject.txt" || return 1
	e kasi office set --rejection-signer kabid >/dev/null &&
		e kasi print rejection "$rejected" --output "$T_DIR/kabid.pdf" >/dev/null &&
		pdftotext -layout "$T_DIR/kabid.pdf" - | tr '\n' ' ' | grep -q "Budi Santoso" &&
		t_expect_status 5 e kasi print rejection "$returned" 2>/dev/null
}
t_ok "return_and_rejection_letters_say_what_is_missing_and_why_signed_as_the_office_decides" \
	letters

request_sheet() {
	e kasi print request "$nasty" >/dev/null && f=$(file_of "$nasty" request) &&
		pdf_ok "$f" 2 && pdftotext -layout "$f" "$T_DIR/request.txt" || return 1
	csr=$(t_sql "SELECT k.csr_pem FROM keys k JOIN applications p ON p.id = k.application_id WHERE p.number = '$nasty' AND k.status = 'complete'")
	fp=$(printf '%s\n' "$csr" | openssl req -outform DER | sha256sum | cut -c1-64)
	for text in "LEMBAR DATA PERMOHONAN" "$NASTY" 617201550485 "$LONG_AGENCY" ec-p256 "$fp" \
		"BEGIN CERTIFICATE REQUEST"; do
		has "$text" "$T_DIR/request.txt" || return 1
	done
}
t_ok "request_sheet_has_the_bsre_data_the_csr_fingerprint_and_its_pem_appended" request_sheet

holders_report() {
	"$FILL" "$ENROLL_DB" 300 40 || return 1
	e kasi print holders --by month >"$T_DIR/out" || return 1
	f=$(ls 800-*-holders.pdf) && pdf_ok "$f" 3+ && pdftotext -layout "$f" "$T_DIR/holders.txt" ||
		return 1
	head=$(t_sql "SELECT hash FROM audit ORDER BY seq DESC LIMIT 1 OFFSET 0")
	for text in "LAPORAN JUMLAH PEMEGANG SERTIFIKAT ELEKTRONIK" "Pemegang" "Instansi" \
		"Dinas Nomor 39" "(BAPPEDA)" "Jumlah instansi" "Evan Ernanda" \
		"Budi Santoso" "Singkawang, $(today)" "Pemegang TTE per periode" "2025-12" "2026-09"; do
		has "$text" "$T_DIR/holders.txt" || return 1
	done
	grep -q "^Jumlah  .* 302  *302 " "$T_DIR/holders.txt" || { echo "no total of 302"; return 1; }
	# The table's header is repeated on every page it runs to.
	[ "$(grep -c "Instansi" "$T_DIR/holders.txt")" -ge 3 ] &&
		pages=$(pdfinfo "$f" | awk '/^Pages:/ { print $2 }') &&
		[ "$(grep -c "Log audit" "$T_DIR/holders.txt")" -eq "$pages" ] || return 1
	# A reprint names the audit head of the first printing, not the one it adds to.
	e kasi print holders --by month --output "$T_DIR/again.pdf" >/dev/null &&
		pdftotext -layout "$T_DIR/again.pdf" - | grep "Log audit" | sort -u >"$T_DIR/heads" &&
		grep "Log audit" "$T_DIR/holders.txt" | sort -u | diff - "$T_DIR/heads"
}
t_ok "holders_report_of_300_holders_in_40_agencies_runs_to_pages_with_header_totals_and_chart" \
	holders_report

t_done
