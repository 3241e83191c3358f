#!/bin/sh
# Crash safety of steps 6 and 7: enroll keygen / import is killed (SIGKILL, injected by the
# test build at ENROLL_TEST_CRASH_AT) at each point where it touches the token or the
# database; the state left behind is consistent, and running the same command again ends
# with exactly one key on the token, recorded, with its CSR and certificate.
. "$top_srcdir/tests/enroll-lib.sh"

t_station || { echo "Bail out! the station cannot be set up"; exit 1; }

# crash_at POINT COMMAND...: run the command, killed at POINT; returns its exit status.
crash_at() {
	export ENROLL_TEST_CRASH_AT=$1
	shift
	"$@" >/dev/null 2>&1
	crash_status=$?
	unset ENROLL_TEST_CRASH_AT
	return $crash_status
}

# The key record of an application, from the database: "status marker key_id".
key_record() {
	sqlite3 -separator ' ' "$ENROLL_DB" "SELECT k.status, k.marker, k.key_id FROM keys k
		JOIN applications a ON a.id = k.application_id WHERE a.number = '$1'
		ORDER BY k.id DESC LIMIT 1"
}

# The ids of the private keys on the token (one per line).
token_key_ids() {
	pkcs11-tool --module "$T_MODULE" --token-label "$1" --login --pin "$T_USER_PIN" \
		--list-objects --type privkey 2>/dev/null | awk '/ID:/ { print $2 }'
}

# Consistent: at most one key on the token, and it is the recorded one: by its id, or (killed
# between recording the id and giving it to the key) by the marker of the same record; a key
# on the token that is not recorded carries the open intent's marker.
consistent() {
	number=$1 label=$2
	set -- $(key_record "$number")
	status=${1:-none} marker=${2:-} recorded=${3:-}
	keys=$(token_key_ids "$label" | wc -l)
	on_token=$(token_key_ids "$label")
	[ "$keys" -le 1 ] || { echo "$keys keys on the token"; return 1; }
	if [ -n "$recorded" ]; then
		[ "$on_token" = "$recorded" ] || [ "$on_token" = "$marker" ] ||
			{ echo "recorded $recorded not on token"; return 1; }
	elif [ "$keys" -eq 1 ]; then
		[ "$on_token" = "$marker" ] || { echo "key $on_token on the token is not provably ours"; return 1; }
	fi
	case $status in
	none | intent | generated | abandoned) [ "$(t_state "$number")" = sent ] ;;
	complete) [ "$(t_state "$number")" = key_generated ] && [ "$keys" -eq 1 ] ;;
	*) echo "unknown key status $status"; return 1 ;;
	esac
}

# Finished: step 6 complete with one key, recorded, and a CSR for exactly that key.
finished() {
	number=$1 label=$2
	set -- $(key_record "$number")
	[ "$1" = complete ] && [ "$(t_state "$number")" = key_generated ] &&
	[ "$(token_key_ids "$label")" = "$3" ] &&
	[ "$(sqlite3 "$ENROLL_DB" "SELECT count(*) FROM keys k JOIN applications a ON a.id = k.application_id
		WHERE a.number = '$number' AND k.status != 'abandoned'")" -eq 1 ]
}

crash_during_keygen_then_rerun() {
	point=$1 store=$2 name=$3
	t_softhsm "$store"
	number=$(t_apply "$name") && t_to_sent "$number" || return 1
	crash_at "$point" t_keygen "$number" ""
	status=$?
	[ "$status" -eq 137 ] || { echo "not killed at $point (status $status)"; return 1; }
	consistent "$number" "$name" || return 1
	t_keygen "$number" "" >/dev/null 2>"$T_DIR/err" || { cat "$T_DIR/err"; return 1; }
	finished "$number" "$name" &&
	t_import "$number" >/dev/null && [ "$(t_state "$number")" = certificate_imported ]
}
n=0
for point in keygen-after-intent keygen-after-generate keygen-after-record-id keygen-after-submit; do
	n=$((n + 1))
	t_ok "killed_at_${point}_leaves_a_consistent_state_and_rerun_finishes_with_one_key" \
		crash_during_keygen_then_rerun "$point" "$n" "Korban$n"
done

# The key killed after generation, before its id was recorded, is removed by its marker alone,
# and the removal is in the records with that key's id (from its public key) and the marker.
interrupted_key_removal_is_recorded() {
	number=$(sqlite3 "$ENROLL_DB" "SELECT a.number FROM applications a JOIN applicants p ON p.id = a.applicant_id WHERE p.full_name = 'Korban2'")
	marker=$(sqlite3 "$ENROLL_DB" "SELECT k.marker FROM keys k JOIN applications a ON a.id = k.application_id WHERE a.number = '$number'")
	[ -n "$marker" ] &&
	[ "$(sqlite3 "$ENROLL_DB" "SELECT count(*) FROM token_events WHERE action = 'key_removed' AND detail LIKE '%marker $marker%' AND length(key_id) = 40 AND key_id != '$marker'")" -eq 1 ] &&
	[ "$(sqlite3 "$ENROLL_DB" "SELECT count(*) FROM audit WHERE action = 'key_removed' AND application = '$number' AND detail LIKE '%$marker%'")" -eq 1 ]
}
t_ok "the_interrupted_runs_key_is_removed_by_its_marker_and_the_removal_recorded" \
	interrupted_key_removal_is_recorded

crash_during_import_then_rerun() {
	t_softhsm 10
	number=$(t_apply "Impor") && t_to_sent "$number" && t_keygen "$number" "" >/dev/null || return 1
	crash_at import-after-write t_import "$number"
	[ $? -eq 137 ] && [ "$(t_state "$number")" = key_generated ] || return 1
	t_import "$number" >"$T_DIR/out" && grep -q "already there" "$T_DIR/out" &&
	[ "$(t_state "$number")" = certificate_imported ] && [ "$(t_objects Impor cert)" -eq 3 ] &&
	[ "$(t_objects Impor privkey)" -eq 1 ]
}
t_ok "killed_after_writing_the_certificate_then_rerun_records_it_without_a_duplicate" \
	crash_during_import_then_rerun

# The token is pulled after the key was made and another one is presented: refused, the
# record untouched; with the right token back, the run finishes.
token_swapped_after_a_crash() {
	t_softhsm 20
	number=$(t_apply "Tukar") && t_to_sent "$number" || return 1
	crash_at keygen-after-record-id t_keygen "$number" ""
	before=$(key_record "$number")
	t_softhsm 21
	t_softhsm_token other || return 1
	t_expect_status 10 t_keygen "$number" "other" 2>"$T_DIR/err" &&
	grep -q "begun on token" "$T_DIR/err" && [ "$(key_record "$number")" = "$before" ] &&
	[ "$(t_objects other privkey)" -eq 0 ] &&
	t_softhsm 20 && t_keygen "$number" "" >/dev/null && finished "$number" Tukar
}
t_ok "another_token_after_a_crash_is_refused_and_the_right_one_finishes_the_job" \
	token_swapped_after_a_crash

t_done
