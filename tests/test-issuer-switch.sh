#!/bin/sh
# End to end: the issuer changed after init. One application is sent through the local
# test CA, the setting is switched to the file exchange with BSrE, a second is sent through
# it; each is imported from the issuer it was sent to. The switch is audited and Kasi's
# alone; an unknown connector is refused with the list of known ones and changes nothing.
. "$top_srcdir/tests/enroll-lib.sh"

t_station || { echo "Bail out! the station cannot be set up"; exit 1; }

BSRE=$T_DIR/bsre
OUTBOX=$T_FILES/outbox
INBOX=$T_FILES/inbox

# A stand-in for BSrE's CA, made outside enroll (its O= is "Pemerintah Kota Contoh", the
# station's own local CA's "Pemerintah Kota Singkawang"): the file connector trusts its roots.
"${top_builddir:-..}/tests/token-tool" create-ca "$BSRE" ||
	{ echo "Bail out! no CA for BSrE's side"; exit 1; }

# bsre_issue CSR OUT: what BSrE returns for a CSR: the certificate and its chain, in PEM.
bsre_issue() {
	printf '%s\n' "basicConstraints=critical,CA:FALSE" \
		"keyUsage=critical,digitalSignature,nonRepudiation" \
		"subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid" >"$T_DIR/user.ext"
	openssl x509 -req -in "$1" -CA "$BSRE/ca.pem" -CAkey "$BSRE/ca.key" \
		-set_serial "0x$(openssl rand -hex 12)" -days 730 -sha256 \
		-extfile "$T_DIR/user.ext" -out "$T_DIR/issued.pem" 2>/dev/null &&
		cat "$T_DIR/issued.pem" "$BSRE/ca.pem" >"$2"
}

setting() {
	t_sql "SELECT value FROM settings WHERE key = '$1'"
}

audit_rows() {
	t_sql "SELECT count(*) FROM audit WHERE action = 'issuer_set'$1"
}

unknown_connector_is_refused_with_the_list_and_changes_nothing() {
	rows=$(t_sql "SELECT count(*) FROM audit")
	t_expect_status 1 e kasi issuer set cmp --outbox "$T_DIR/x" 2>"$T_DIR/err" &&
	grep -q '"cmp"' "$T_DIR/err" && grep -q "local, file" "$T_DIR/err" &&
	[ "$(setting issuer)" = local ] && [ ! -e "$T_DIR/x" ] &&
	[ "$(t_sql "SELECT count(*) FROM audit")" -eq "$rows" ] &&
	t_expect_status 1 e kasi issuer set local --outbox "$T_DIR/x" 2>"$T_DIR/err" &&
	grep -q -- "--outbox" "$T_DIR/err" && [ "$(setting issuer)" = local ] &&
	t_expect_status 1 e kasi issuer set file 2>"$T_DIR/err" &&
	grep -q "trust-anchors" "$T_DIR/err" && [ "$(setting issuer)" = local ]
}
t_ok "unknown_connector_is_refused_with_the_list_and_changes_nothing" \
	unknown_connector_is_refused_with_the_list_and_changes_nothing

init_refuses_an_incomplete_or_unknown_issuer_and_creates_nothing() {
	other=$T_DIR/other/enroll.db
	ENROLL_DB=$other t_expect_status 1 e kasi init --office Kominfo --city Singkawang \
		--issuer smtp 2>"$T_DIR/err" &&
	grep -q "local, file" "$T_DIR/err" &&
	ENROLL_DB=$other t_expect_status 1 e kasi init --office Kominfo --city Singkawang \
		--issuer file 2>"$T_DIR/err" &&
	grep -q "trust-anchors" "$T_DIR/err" && [ ! -e "$T_DIR/other" ]
}
t_ok "init_refuses_an_incomplete_or_unknown_issuer_and_creates_nothing" \
	init_refuses_an_incomplete_or_unknown_issuer_and_creates_nothing

issuer_show_lists_the_connectors_from_the_table() {
	e kasi issuer show >"$T_DIR/show" &&
	grep -q "^Issuer: local" "$T_DIR/show" && grep -q "ca-dir .*$T_FILES/ca" "$T_DIR/show" &&
	grep -q -- "--trust-anchors" "$T_DIR/show" &&
	e kasi --json issuer show | grep -q '"name":"file"' &&
	e kasi init --help | grep -q -- "--inbox"
}
t_ok "issuer_show_lists_the_connectors_from_the_table" issuer_show_lists_the_connectors_from_the_table

# Sent through the local CA before the switch.
t_softhsm 1
FIRST=$(t_apply "Siti Rahmawati") && t_to_sent "$FIRST" ||
	{ echo "Bail out! the first application cannot be sent"; exit 1; }

kabid_cannot_switch_the_issuer_and_the_refusal_is_audited() {
	refusals=$(audit_rows " AND result != 'ok'")
	t_expect_status 6 e kabid issuer set file --trust-anchors "$BSRE/trust-anchors.pem" \
		2>/dev/null &&
	[ "$(setting issuer)" = local ] && [ "$(audit_rows " AND result != 'ok'")" -gt "$refusals" ] &&
	[ "$(audit_rows " AND result = 'ok'")" -eq 0 ]
}
t_ok "kabid_cannot_switch_the_issuer_and_the_refusal_is_audited" \
	kabid_cannot_switch_the_issuer_and_the_refusal_is_audited

kasi_switches_to_the_file_exchange_and_it_is_audited() {
	e kasi issuer set file --trust-anchors "$BSRE/trust-anchors.pem" >"$T_DIR/out" &&
	grep -q "file" "$T_DIR/out" && [ "$(setting issuer)" = file ] &&
	[ "$(setting trust_anchors)" = "$BSRE/trust-anchors.pem" ] &&
	[ -d "$OUTBOX" ] && [ -d "$INBOX" ] &&
	[ "$(audit_rows " AND result = 'ok' AND detail LIKE 'issuer file;%trust-anchors=$BSRE/trust-anchors.pem'")" -eq 1 ] &&
	e kasi audit verify >/dev/null
}
t_ok "kasi_switches_to_the_file_exchange_and_it_is_audited" \
	kasi_switches_to_the_file_exchange_and_it_is_audited

# The first was sent before the switch: the local CA issues it and it is imported from there.
first_application_is_issued_and_imported_by_the_local_ca() {
	t_softhsm 1
	t_keygen "$FIRST" "" >"$T_DIR/out" && grep -q "(local)" "$T_DIR/out" &&
	[ -z "$(ls -A "$OUTBOX")" ] &&
	t_import "$FIRST" && [ "$(t_state "$FIRST")" = certificate_imported ] &&
	e kasi --json show "$FIRST" | grep -q '"issuer":"[^"]*Issuing CA[^"]*Singkawang' 
}
t_ok "first_application_is_issued_and_imported_by_the_local_ca" \
	first_application_is_issued_and_imported_by_the_local_ca

# The second goes out through the file exchange, and comes back through its inbox.
second_application_goes_through_the_file_exchange() {
	t_softhsm 2
	second=$(t_apply "Budi Santoso") && t_to_sent "$second" &&
	t_keygen "$second" "" >"$T_DIR/out" && grep -q "(file)" "$T_DIR/out" &&
	csr="$OUTBOX/$(echo "$second" | tr / -).csr.pem" && [ -f "$csr" ] &&
	t_expect_status 19 t_import "$second" 2>/dev/null &&
	[ "$(t_state "$second")" = key_generated ] &&
	bsre_issue "$csr" "$INBOX/sertifikat-budi.pem" &&
	t_import "$second" && [ "$(t_state "$second")" = certificate_imported ] &&
	e kasi --json show "$second" | grep -q '"issuer":"[^"]*Issuing CA[^"]*Contoh' &&
	[ "$(t_sql "SELECT issuer FROM applications WHERE number = '$second'" | head -n 1)" = "connector=file" ] &&
	[ "$(t_sql "SELECT issuer FROM applications WHERE number = '$FIRST'" | head -n 1)" = "connector=local" ]
}
t_ok "second_application_goes_through_the_file_exchange_and_each_imports_from_its_own" \
	second_application_goes_through_the_file_exchange

t_done
