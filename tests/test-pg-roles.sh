#!/bin/sh
# End to end on PostgreSQL: three OS accounts (kadis, kabid, kasi) act from their own
# logins through the whole SOP, the server authenticating each by peer authentication over
# the local socket; the database administrator (this test, root) sets the store up. A
# Kabid's step 2 is refused as a role error and recorded; the same act and worse written
# by hand with psql as the Kabid's role is refused by the server and changes nothing.
# Runs as root (it makes the accounts); the cluster is ENROLL_TEST_PG's, or its own.
set -u
if [ "$(id -u)" -ne 0 ]; then
	echo "Bail out! test-pg-roles.sh makes OS accounts: run it as root"
	exit 1
fi
own_cluster=
if [ -z "${ENROLL_TEST_PG:-}" ]; then
	own_cluster=$(mktemp -d /tmp/enroll-pg.XXXXXX)
	sh "$top_srcdir/scripts/pg-cluster.sh" start "$own_cluster" ||
		{ echo "Bail out! no PostgreSQL cluster"; exit 1; }
	export ENROLL_TEST_PG=$own_cluster
fi
. "$top_srcdir/tests/enroll-lib.sh"
trap 't_pg_drop; t_cleanup; [ -z "$own_cluster" ] ||
	{ sh "$top_srcdir/scripts/pg-cluster.sh" stop "$own_cluster"; rm -rf "$own_cluster"; }' EXIT

for login in kadis kabid kasi; do
	id "$login" >/dev/null 2>&1 || useradd -M -N -s /usr/sbin/nologin "$login" ||
		{ echo "Bail out! cannot make the account $login"; exit 1; }
	mkdir -p "$T_DIR/state-$login" && chown "$login" "$T_DIR/state-$login" &&
		chmod 700 "$T_DIR/state-$login"
done
chmod 711 "$T_DIR"
# The accounts may not read the checkout: the command is copied where they can. Under
# the sanitizers their runs check no leaks: LeakSanitizer cannot look into a process of
# another user made non-dumpable (before a PIN is read); the runs as root check them.
cp "$ENROLL" "$T_DIR/enroll" && chmod 755 "$T_DIR/enroll" && ENROLL=$T_DIR/enroll
as_account_asan=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0

# e LOGIN ARGS...: enroll run by that OS account itself (no test hook names the login).
e() {
	login=$1
	shift
	runuser -u "$login" -- env ENROLL_STATE_DIR="$T_DIR/state-$login" \
		ASAN_OPTIONS="$as_account_asan" "$ENROLL" "$@"
}

# as_psql LOGIN SQL: one statement by hand, as that login's database role.
as_psql() {
	runuser -u "$1" -- psql -d "$ENROLL_DB" -qAtX -v ON_ERROR_STOP=1 -c "$2"
}

# dump: every row of every table, as the administrator sees them.
dump() {
	pg_dump -d "$ENROLL_DB" --data-only --inserts --no-owner 2>/dev/null | grep '^INSERT' | sort
}

set_up_by_the_administrator_for_the_kasi() {
	ENROLL_STATE_DIR=$T_DIR/state-admin "$ENROLL" init --office "Dinas Komunikasi dan Informatika" \
		--city Singkawang --province "Kalimantan Barat" --issuer local --ca-dir "$T_DIR/ca" \
		--kasi-name "Rina Kasi" --kasi-nip 199001012015032003 --kasi-login kasi >/dev/null &&
	chown -R kasi "$T_DIR/ca" &&
	[ "$(t_sql "SELECT login || ' ' || role FROM officials")" = "kasi kasi" ] &&
	# the Kasi's own login is let in, a member of enroll_official and not of the owner
	[ "$(t_sql "SELECT pg_has_role('kasi', 'enroll_official', 'MEMBER'),
		pg_has_role('kasi', 'enroll_owner', 'MEMBER')")" = "t|f" ] &&
	e kasi official add --name "Evan Ernanda" --nip 198001012005011001 --role kepala_dinas \
		--login kadis >/dev/null &&
	e kasi official add --name "Budi Santoso" --nip 198203152006041002 --role kabid \
		--login kabid >/dev/null &&
	[ "$(t_sql "SELECT count(*) FROM pg_roles WHERE rolname IN ('kadis', 'kabid')
		AND pg_has_role(rolname, 'enroll_official', 'MEMBER')")" -eq 2 ]
}
t_ok "the_administrator_sets_the_store_up_and_the_kasi_lets_the_officials_in" \
	set_up_by_the_administrator_for_the_kasi

only_the_kasi_lets_a_login_in() {
	before=$(dump)
	t_expect_status 6 e kabid official add --name "Mallory" --nip 198001012005011009 \
		--role kabid --login mallory 2>"$T_DIR/err" &&
	! as_psql kabid "SELECT enroll_grant_login('mallory')" 2>>"$T_DIR/err" &&
	grep -q "not the Kasi" "$T_DIR/err" &&
	[ "$(t_sql "SELECT count(*) FROM pg_roles WHERE rolname = 'mallory'")" -eq 0 ] &&
	[ "$(t_sql "SELECT count(*) FROM audit WHERE kind = 'refusal' AND login = 'kabid'")" -eq 1 ] &&
	[ "$(dump | grep -vc 'INTO public.audit')" -eq "$(echo "$before" | grep -vc 'INTO public.audit')" ]
}
t_ok "only_the_kasi_lets_a_login_in_even_through_the_server_function" only_the_kasi_lets_a_login_in

whole_sop_from_own_logins() {
	t_softhsm 1
	chown -R kasi "$T_DIR"/softhsm.* && chmod 755 "$T_DIR"/softhsm.*.conf 2>/dev/null
	cp "$SOFTHSM2_CONF" "$T_DIR/state-kasi/softhsm.conf" && chown kasi "$T_DIR/state-kasi/softhsm.conf"
	export SOFTHSM2_CONF=$T_DIR/state-kasi/softhsm.conf
	number=$(t_apply "Siti Rahmawati") && t_to_sent "$number" &&
	t_keygen "$number" "" ec-p256 >/dev/null && t_import "$number" >/dev/null &&
	e kasi handover "$number" --receipt "$T_DIR/state-kasi/receipt.pdf" >/dev/null &&
	[ "$(t_state "$number")" = active ] &&
	# each act is the acting official's, as the server authenticated them
	[ "$(t_sql "SELECT string_agg(o.login, ' ' ORDER BY e.id) FROM events e
		JOIN officials o ON o.id = e.actor_id JOIN applications a ON a.id = e.application_id
		WHERE a.number = '$number'")" = "kasi kadis kabid kasi kasi kasi kasi kasi" ] &&
	e kadis audit verify >/dev/null && e kabid audit verify >/dev/null
}
t_ok "kadis_kabid_and_kasi_act_from_their_own_logins_through_the_whole_sop" whole_sop_from_own_logins

kabid_step_two_is_a_role_error() {
	number=$(t_apply "Agus") || return 1
	refusals=$(t_sql "SELECT count(*) FROM audit WHERE kind = 'refusal' AND login = 'kabid'")
	t_expect_status 6 e kabid dispose "$number" --note "saya saja" 2>"$T_DIR/err" &&
	[ "$(t_state "$number")" = submitted ] &&
	[ "$(t_sql "SELECT count(*) FROM audit WHERE kind = 'refusal' AND login = 'kabid'")" -eq $((refusals + 1)) ]
}
t_ok "a_kabid_disposing_step_two_is_refused_as_a_role_error_and_recorded" kabid_step_two_is_a_role_error

# by_hand NAME SQL [WORDS]: the Kabid's role writes SQL with psql; the server refuses (with
# WORDS, when given), nothing changes.
by_hand() {
	number=$(t_sql "SELECT number FROM applications WHERE state = 'submitted' LIMIT 1")
	[ -n "$number" ] || { echo "no submitted application to try it on"; return 1; }
	sql=$(printf '%s' "$2" | sed "s#NUMBER#$number#g")
	before=$(dump)
	if as_psql kabid "$sql" >"$T_DIR/psql.out" 2>&1; then
		echo "the server took: $sql"
		return 1
	fi
	cat "$T_DIR/psql.out"
	[ -z "${3:-}" ] || grep -q "$3" "$T_DIR/psql.out" || { echo "refused, but not for: $3"; return 1; }
	[ "$(dump)" = "$before" ] && e kasi audit verify >/dev/null
}
kadis_id="(SELECT id FROM officials WHERE login = 'kadis')"
kabid_id="(SELECT id FROM officials WHERE login = 'kabid')"
app_id="(SELECT id FROM applications WHERE number = 'NUMBER')"
t_ok "psql_as_the_kabid_cannot_set_a_state" \
	by_hand state "UPDATE applications SET state = 'disposed_kadis', step = 3 WHERE number = 'NUMBER'"
t_ok "psql_as_the_kabid_cannot_record_the_kepala_dinas_step_as_themself" \
	by_hand event "INSERT INTO events (application_id, step, action, from_state, to_state,
	actor_id, role, started_at, ended_at, minutes, standard_minutes)
	VALUES ($app_id, 2, 'dispose', 'submitted', 'disposed_kadis', $kabid_id, 'kepala_dinas', 0, 0, 0, 0)"
t_ok "psql_as_the_kabid_cannot_record_an_act_in_the_kepala_dinas_name" \
	by_hand forged "INSERT INTO events (application_id, step, action, from_state, to_state,
	actor_id, role, started_at, ended_at, minutes, standard_minutes)
	VALUES ($app_id, 2, 'dispose', 'submitted', 'disposed_kadis', $kadis_id, 'kepala_dinas', 0, 0, 0, 0)"
t_ok "psql_as_the_kabid_cannot_move_an_application_even_with_an_event" \
	by_hand both "BEGIN; INSERT INTO events (application_id, step, action, from_state, to_state,
	actor_id, role, started_at, ended_at, minutes, standard_minutes)
	VALUES ($app_id, 2, 'dispose', 'submitted', 'disposed_kadis', $kabid_id, 'kabid', 0, 0, 0, 0);
	UPDATE applications SET state = 'disposed_kadis' WHERE number = 'NUMBER'; COMMIT"
t_ok "psql_as_the_kabid_cannot_delete_the_audit_log" by_hand delete "DELETE FROM audit"
t_ok "psql_as_the_kabid_cannot_edit_the_audit_log" \
	by_hand edit "UPDATE audit SET detail = 'nothing happened' WHERE seq = 1"
t_ok "psql_as_the_kabid_cannot_delete_an_event" by_hand event-delete "DELETE FROM events"
t_ok "psql_as_the_kabid_cannot_write_an_audit_row_as_the_kasi" \
	by_hand audit "INSERT INTO audit VALUES (999, 0, 'kasi', 'act', 'NUMBER', 'dispose', 'ok', '', '', '')"
t_ok "psql_as_the_kabid_cannot_append_an_audit_row_off_the_chain_even_as_themself" \
	by_hand off-chain "INSERT INTO audit VALUES (999, 0, 'kabid', 'act', 'NUMBER', 'dispose', 'ok', '', '', '')" \
	"audit row 999 does not follow the chain's head"
t_ok "psql_as_the_kabid_cannot_move_the_audit_head" \
	by_hand head "UPDATE audit_head SET seq = seq - 1" "permission denied for table audit_head"
t_ok "psql_as_the_kabid_cannot_write_the_chains_summary" \
	by_hand summary "UPDATE chain_states SET state = 'active'" \
	"permission denied for table chain_states"
t_ok "psql_as_the_kabid_cannot_write_the_holders_summary" \
	by_hand holdings "UPDATE holdings SET latest = 1 - latest" \
	"permission denied for table holdings"
t_ok "psql_as_the_kabid_cannot_write_the_holders_day_sums" \
	by_hand holding-days "INSERT INTO holding_days VALUES (0, 'x', 'x', 1, 1, 1, 0, 0, 0, 0)" \
	"permission denied for table holding_days"
t_ok "psql_as_the_kabid_cannot_count_a_person_again_by_hand" \
	by_hand refresh "SELECT enroll_refresh_holdings('6172015504850001')" \
	"permission denied for function enroll_refresh_holdings"
t_ok "psql_as_the_kabid_cannot_record_a_key" \
	by_hand key "INSERT INTO keys (application_id, status, token_serial, token_model, key_type,
	key_label, actor_id, begun_at) VALUES ($app_id, 'intent', 'x', 'x', 'ec-p256', 'x', $kabid_id, 0)"
t_ok "psql_as_the_kabid_cannot_make_themself_the_kasi" \
	by_hand promote "UPDATE officials SET role = 'kasi' WHERE login = 'kabid'"
t_ok "psql_as_the_kabid_cannot_change_an_applicants_nik" \
	by_hand nik "UPDATE applicants SET nik = '6172015504850999' WHERE id = 1"
t_ok "psql_as_the_kabid_cannot_renumber_an_application" \
	by_hand renumber "UPDATE applications SET issuer = 'file' WHERE number = 'NUMBER'"
t_ok "psql_as_the_kabid_cannot_change_the_stations_settings" \
	by_hand settings "DELETE FROM settings"
t_ok "psql_as_the_kabid_cannot_change_the_procedure" \
	by_hand procedure "UPDATE procedure_transitions SET role = 'kabid' WHERE step = 2"

# A store of schema version 7 (before chain_states, the server's audit head, the holders
# summary, the head's lock for appending and the step times summed at the commit): an
# official's login cannot migrate it, the administrator's does, summing up the chain and the
# holdings again as they were.
version_7_is_migrated_by_the_administrator() {
	saved=$(t_sql "SELECT string_agg(number || ' ' || state || ' ' || seq, ',' ORDER BY number)
		FROM chain_states") && [ -n "$saved" ] &&
	held=$(t_sql "SELECT string_agg(h::text, ',' ORDER BY application_id) FROM holdings h") &&
	[ -n "$held" ] &&
	t_sql "DROP FUNCTION enroll_holdings_application(), enroll_holdings_applicant(),
			enroll_holdings_handover(), enroll_holdings_chain() CASCADE;
		DROP FUNCTION enroll_refresh_holdings(text);
		DROP VIEW holdings_recomputed, handed_rows;
		DROP TABLE holdings, holding_days, unsupported;
		DROP INDEX applicants_nik, applications_applicant;
		DROP TRIGGER audit_row ON audit; DROP FUNCTION enroll_audit_row();
		DROP TABLE chain_states; DROP VIEW audit_states; DROP INDEX events_handover;
		DROP FUNCTION enroll_audit_state(text, text, text, text, text);
		DROP FUNCTION enroll_audit_append(bigint, text, text, text, text, text, text);
		DROP FUNCTION enroll_audit_field(text);
		DROP TRIGGER events_step_time_days ON events;
		CREATE TRIGGER events_step_time_days AFTER INSERT ON events
			FOR EACH ROW EXECUTE FUNCTION enroll_step_time();
		GRANT INSERT, UPDATE ON audit_head TO enroll_official;
		UPDATE enroll_schema SET version = 7" >/dev/null &&
	t_expect_status 6 e kasi list 2>"$T_DIR/err" && grep -q "owner" "$T_DIR/err" &&
	[ "$(t_sql "SELECT version FROM enroll_schema")" -eq 7 ] &&
	ENROLL_STATE_DIR=$T_DIR/state-admin "$ENROLL" list >/dev/null &&
	[ "$(t_sql "SELECT version FROM enroll_schema")" -eq 10 ] &&
	[ "$(t_sql "SELECT string_agg(number || ' ' || state || ' ' || seq, ',' ORDER BY number)
		FROM chain_states")" = "$saved" ] &&
	[ "$(t_sql "SELECT string_agg(h::text, ',' ORDER BY application_id) FROM holdings h")" = \
		"$held" ] &&
	e kasi audit verify >/dev/null && number=$(t_apply "Sesudah Migrasi") &&
	e kadis dispose "$number" >/dev/null && e kasi audit verify >/dev/null
}
t_ok "a_version_7_store_is_migrated_by_the_administrator_not_by_an_official" \
	version_7_is_migrated_by_the_administrator

# The server's own refusal reaches the operator in their language: the Kabid's login,
# which a test hook has the command take for the Kepala Dinas's, passes the command's
# checks, and the server refuses it.
server_refusal_in_the_operators_language() {
	number=$(t_sql "SELECT number FROM applications WHERE state = 'submitted' LIMIT 1") &&
	[ -n "$number" ] && before=$(dump) &&
	t_expect_status 6 runuser -u kabid -- env ENROLL_TEST_LOGIN=kadis \
		ENROLL_STATE_DIR="$T_DIR/state-kabid" ASAN_OPTIONS="$as_account_asan" \
		"$ENROLL" --lang id dispose "$number" 2>"$T_DIR/err" &&
	grep -q "kabid tidak boleh mencatat tindakan sebagai pejabat [0-9]" "$T_DIR/err" &&
	grep -q "tidak ada yang dicatat" "$T_DIR/err" && ! grep -q "sudah dicatat" "$T_DIR/err" &&
	! grep -q "may not" "$T_DIR/err" && [ "$(dump)" = "$before" ]
}
t_ok "the_servers_refusal_reaches_the_operator_in_indonesian" server_refusal_in_the_operators_language

# Each text the driver translates is one the server's functions raise, word for word.
refusal_texts_are_the_servers() {
	sed -n '/^static const char \*const refusals/,/NULL,/s/^ *N_("\(.*\)"),$/\1/p' \
		"$top_srcdir/workflow/refusals-pgsql.c" >"$T_DIR/refusals" &&
	[ "$(wc -l <"$T_DIR/refusals")" -ge 14 ] || return 1
	while IFS= read -r text; do
		quoted=$(printf '%s' "$text" | sed "s/'/''/g")
		[ "$(t_sql "SELECT count(*) FROM pg_proc WHERE strpos(prosrc, \$q\$'$quoted'\$q\$) > 0")" -ge 1 ] ||
			{ echo "no function of the schema raises: $text"; return 1; }
	done <"$T_DIR/refusals"
}
t_ok "every_refusal_the_driver_translates_is_raised_by_the_server" refusal_texts_are_the_servers

# A station's state directory is made when something is first written there, not read.
reading_makes_no_state_directory() {
	ENROLL_STATE_DIR=$T_DIR/fresh/state "$ENROLL" report states >/dev/null &&
	ENROLL_STATE_DIR=$T_DIR/fresh/state "$ENROLL" issuer show >/dev/null &&
	[ ! -e "$T_DIR/fresh" ]
}
t_ok "reading_a_server_store_makes_no_state_directory" reading_makes_no_state_directory

a_password_in_the_uri_is_refused_unsent() {
	uri=$(printf '%s' "$ENROLL_DB" | sed 's#postgresql:///#postgresql://kasi:rahasia@/#')
	t_expect_status 3 e kasi --db "$uri" list 2>"$T_DIR/err" &&
	grep -q "holds a password" "$T_DIR/err" && ! grep -q rahasia "$T_DIR/err" &&
	t_expect_status 3 e kasi --db "postgresql://kasi@example.invalid/enroll" list 2>"$T_DIR/err" &&
	grep -q "sslmode=verify-full" "$T_DIR/err"
}
t_ok "a_password_in_the_uri_or_a_network_store_without_verify_full_is_refused" \
	a_password_in_the_uri_is_refused_unsent

t_done
