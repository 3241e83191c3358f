#!/bin/sh
# The holders report of the real command, over applicants taken through all seven steps on
# tokens of their own: two agencies each with a unit named "Sekretariat", a renewal, the
# subtotals and the total; a table that fits 100 columns with a long unit name; CSV for a
# spreadsheet set to Indonesian (';' and a BOM) and the stable keys of --json.
. "$top_srcdir/tests/enroll-lib.sh"

KES="Dinas Kesehatan"
DIK="Dinas Pendidikan dan Kebudayaan"
LONG="Bidang Pencegahan dan Pengendalian Penyakit serta Kesehatan Jiwa"

t_station || { echo "Bail out! the station cannot be set up"; exit 1; }

# holder N AGENCY UNIT [REQUEST]: applicant N (a NIK of their own) through all seven steps
# on the blank token of SoftHSM store N; prints the application number.
holder() {
	t_softhsm "$1"
	number=$(e kasi apply --name "Pegawai $1" --nik "$(printf '617201550485%04d' "$1")" \
		--nip 198504152010012001 --email "pegawai$1@singkawangkota.go.id" \
		--phone 081234567890 --position Analis --status pns --unit "$3" --agency "$2" \
		--request "${4:-new}" --document letter --document form --document ktp --document sk) &&
	t_to_sent "$number" && t_keygen "$number" "" >/dev/null && t_import "$number" >/dev/null &&
	e kasi handover "$number" >/dev/null && echo "$number"
}

# Holder 1 renews on the same token: the old application ends renewed, the person stays one.
first=$(holder 1 "$KES" Sekretariat) && holder 2 "$KES" "$LONG" >/dev/null &&
	holder 3 "$DIK" Sekretariat >/dev/null && holder 1 "$KES" Sekretariat renewal >/dev/null ||
	{ echo "Bail out! the holders cannot be enrolled"; exit 1; }

rows_and_totals_by_agency_and_unit() {
	[ "$(t_state "$first")" = renewed ] || { echo "the first token is $(t_state "$first")"; return 1; }
	e kasi --json report holders --by all >"$T_DIR/json" || return 1
	jq -r '.total, (.rows[] | [.row // "data", .agency, .work_unit, .holders, .new, .renewed,
		.revoked, .lost, .expired] | join("|"))' "$T_DIR/json" >"$T_DIR/rows"
	cat >"$T_DIR/expected" <<EOR
3
data|$KES|$LONG|1|1|0|0|0|0
data|$KES|Sekretariat|1|1|1|0|0|0
subtotal|$KES||2|2|1|0|0|0
data|$DIK|Sekretariat|1|1|0|0|0|0
subtotal|$DIK||1|1|0|0|0|0
total|||3|3|1|0|0|0
EOR
	diff "$T_DIR/expected" "$T_DIR/rows"
}
t_ok "holders_are_counted_by_agency_and_unit_with_a_renewal_counted_once_and_totals" \
	rows_and_totals_by_agency_and_unit

# Every line as wide as the header and at most 100 columns (the ellipsis is one column);
# the audit head follows the table after a blank line.
table_fits_100_columns_and_aligns() {
	e kasi --lang en report holders --by all >"$T_DIR/table" || return 1
	sed '1d; /^$/,$d' "$T_DIR/table" | sed 's/\xe2\x80\xa6/./g' | awk '
		NR == 1 { width = length($0) }
		length($0) != width || length($0) > 100 { bad = 1; print "line " NR ": " length($0) }
		END { exit bad }' || { cat "$T_DIR/table"; return 1; }
	grep -q "Bidang Pencegahan.*…" "$T_DIR/table" &&
	grep -q "^$KES  *Total  .* 2 " "$T_DIR/table" &&
	grep -q "^Total  .* 3 " "$T_DIR/table" &&
	grep -q "^TTE holders (3)$" "$T_DIR/table" || { cat "$T_DIR/table"; return 1; }
}
t_ok "holders_table_is_aligned_and_fits_100_columns_cutting_a_long_name_with_an_ellipsis" \
	table_fits_100_columns_and_aligns

csv_for_an_indonesian_spreadsheet() {
	e kasi --lang id report holders --by all --csv --csv-separator ';' --bom >"$T_DIR/csv" ||
		return 1
	[ "$(head -c 3 "$T_DIR/csv" | od -An -tx1 | tr -d ' ')" = efbbbf ] || { echo "no BOM"; return 1; }
	tail -c +4 "$T_DIR/csv" >"$T_DIR/csv.body"
	cat >"$T_DIR/expected" <<EOR
Instansi (OPD);Unit kerja;Periode;Pemegang TTE;Baru;Pembaruan;Dicabut;Hilang;Kedaluwarsa
$KES;$LONG;;1;1;0;0;0;0
$KES;Sekretariat;;1;1;1;0;0;0
$KES;Jumlah;;2;2;1;0;0;0
$DIK;Sekretariat;;1;1;0;0;0;0
$DIK;Jumlah;;1;1;0;0;0;0
Jumlah;;;3;3;1;0;0;0
EOR
	diff "$T_DIR/expected" "$T_DIR/csv.body"
}
t_ok "holders_csv_for_an_indonesian_spreadsheet_has_a_bom_semicolons_and_indonesian_headers" \
	csv_for_an_indonesian_spreadsheet

csv_defaults_and_refusals() {
	e kasi --lang en report holders --by all --csv >"$T_DIR/csv" &&
	head -1 "$T_DIR/csv" | grep -qx "Agency,Work unit,Period,TTE holders,New,Renewals,Revoked,Lost,Expired" &&
	[ "$(head -c 1 "$T_DIR/csv")" = A ] &&
	grep -qx "Total,,,3,3,1,0,0,0" "$T_DIR/csv" || { cat "$T_DIR/csv"; return 1; }
	t_expect_status 1 e kasi report holders --csv --csv-separator '|' 2>/dev/null &&
	t_expect_status 1 e kasi report holder 2>"$T_DIR/err" &&
	grep -q "holders, states, steps or overdue" "$T_DIR/err"
}
t_ok "holders_csv_defaults_to_commas_without_bom_and_a_bad_separator_or_report_is_refused" \
	csv_defaults_and_refusals

t_done
