# store-dump.sh: every table of a store as text, read by sqlite3 or psql, not by enroll:
# what two stores are compared by. Sourced, never run.

# Every column but scan_path (the copy names its own file), in a fixed order.
TABLES='office|id, name, city|id
settings|key, value|key
officials|id, name, nip, role, login, created_at, active, position, ended_at, end_reason, superseded_by|id
applicants|id, full_name, nik, nip, email, phone, position, employment, work_unit, agency, city, created_at, rank_grade, province|id
applications|id, number, year, seq, applicant_id, state, step, created_at, updated_at, step_started_at, request_type, issuer|id
documents|application_id, kind, received, received_at, scan_sha256|application_id, kind
events|id, application_id, step, action, from_state, to_state, actor_id, role, started_at, ended_at, minutes, standard_minutes, note, on_behalf_id, paper_reference|id
keys|id, application_id, status, token_serial, token_model, key_type, key_label, key_id, csr_pem, actor_id, begun_at, completed_at, abandon_reason, marker|id
certificates|id, application_id, serial, issuer, subject, not_before, not_after, imported_at, sha256|id
token_events|id, token_serial, application_id, action, key_id, detail, actor_id, at|id
papers|id, kind, subject, year, seq, issued_at, prints, audit_rows|id
audit|seq, at, login, kind, application, action, result, detail, prev_hash, hash|seq
audit_head|id, seq, hash|id
step_time_days|day, step, action, minutes, acts|day, step, action, minutes
holdings|application_id, nik, at, agency, work_unit, state, request_type, latest|application_id
unsupported|application_id, nik, number|application_id'

# dump STORE: TABLES' rows as text (a line of TABLES: table|columns|order[|where]).
dump() {
	printf '%s\n' "$TABLES" | while IFS='|' read -r table columns order where; do
		sql="SELECT '$table', $columns FROM $table ${where:+WHERE $where }ORDER BY $order"
		case $1 in
		postgresql://*) psql -d "$1" -qAtX -F '|' -c "$sql" ;;
		*) sqlite3 "$1" "$sql" ;;
		esac || echo "dump of $table failed"
	done
}
