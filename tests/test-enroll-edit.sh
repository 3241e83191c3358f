#!/bin/sh
# test-enroll-edit.sh: the applicant's data corrected before step 6 (enroll edit): by the
# Kasi, validated as at step 1, audited with each field's old and new value, and refused
# once the key's request carries the data; every refusal leaves the record as it was.
. "$top_srcdir/tests/enroll-lib.sh"

t_station || { echo "Bail out! the station cannot be set up"; exit 1; }
number=$(t_apply "Siti Rahmawat" 6172015504850001) || { echo "Bail out! no application"; exit 1; }

record() {
	e kasi --json show "$number" | jq -S .applicant
}

# refused STATUS FRAGMENT ARGS...: edit fails so, says so, and the record is unchanged.
refused() {
	want=$1 fragment=$2
	shift 2
	record >"$T_DIR/before" &&
	t_expect_status "$want" "$@" 2>"$T_DIR/err" || { cat "$T_DIR/err"; return 1; }
	grep -qF -- "$fragment" "$T_DIR/err" || { echo "missing: $fragment"; cat "$T_DIR/err"; return 1; }
	record >"$T_DIR/after" && cmp "$T_DIR/before" "$T_DIR/after"
}

corrected_by_the_kasi_and_audited() {
	e kasi edit "$number" --name "Siti Rahmawati" --unit "Bagian Umum dan Kepegawaian" >/dev/null &&
	[ "$(record | jq -r .full_name)" = "Siti Rahmawati" ] &&
	[ "$(record | jq -r .work_unit)" = "Bagian Umum dan Kepegawaian" ] &&
	detail=$(t_sql "SELECT detail FROM audit WHERE action = 'edit_applicant'
		AND result = 'ok' AND login = 'kasi'") &&
	echo "$detail" | grep -qF "full_name 'Siti Rahmawat' -> 'Siti Rahmawati'" &&
	echo "$detail" | grep -qF "work_unit 'Bagian Umum' -> 'Bagian Umum dan Kepegawaian'" &&
	e kasi audit verify >/dev/null
}
t_ok "the_kasi_corrects_the_data_and_the_audit_log_keeps_old_and_new" corrected_by_the_kasi_and_audited

t_ok "nothing_to_correct_is_a_usage_error" refused 1 "say what to correct" e kasi edit "$number"
t_ok "the_same_value_again_is_refused" refused 8 "nothing to correct" \
	e kasi edit "$number" --name "Siti Rahmawati"
t_ok "a_nip_of_another_birth_date_is_refused" refused 8 "differs from the NIK" \
	e kasi --lang en edit "$number" --nip 198504162010012001
t_ok "a_name_too_long_for_the_certificate_is_refused" refused 8 "holds at most 64" \
	e kasi --lang en edit "$number" --name "$(printf '%065d' 0)"

not_the_kasi_is_refused_and_audited() {
	refused 6 "correcting an applicant's data is done by the" e kabid --lang en edit "$number" --name "Siti R." && ! grep -q "step 0" "$T_DIR/err" &&
	[ "$(t_sql "SELECT count(*) FROM audit WHERE action = 'edit_applicant'
		AND login = 'kabid' AND result != 'ok'")" -eq 1 ]
}
t_ok "an_official_other_than_the_kasi_is_refused_and_the_refusal_audited" \
	not_the_kasi_is_refused_and_audited

after_the_key_is_refused() {
	t_softhsm 1 && t_to_sent "$number" && t_keygen "$number" "" >/dev/null &&
	refused 5 "can no longer be corrected" e kasi --lang en edit "$number" --name "Siti R."
}
t_ok "after_the_key_and_its_request_exist_the_data_is_refused" after_the_key_is_refused

t_done
