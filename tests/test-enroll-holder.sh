#!/bin/sh
# One token, one holder: what the station leaves on a token, and what it refuses to touch.
# Each finding of the first slice's trials is reproduced here: same-name applicants on one
# token, two keygen runs at once, a refused import that wrote, a token already someone's,
# a renewal that left two identities; then reset, renewal for every client, and the history.
# Refusals are proven with the token's full object dump (tests/token-dump), not a count.
. "$top_srcdir/tests/enroll-lib.sh"

DUMP=${top_builddir:-..}/tests/token-dump
ROUNDS=${ENROLL_TEST_RACE_ROUNDS:-100}
printf '%s\n' "$T_USER_PIN" >"$T_DIR/pin"

t_station || { echo "Bail out! the station cannot be set up"; exit 1; }

# nik N: a valid NIK of its own for applicant N (a woman born 15-04-1985 in Singkawang).
nik() {
	printf '617201550485%04d' "$1"
}

# dump LABEL FILE: every object of the token with every attribute, logged in.
dump() {
	"$DUMP" "$T_MODULE" "$1" <"$T_DIR/pin" >"$2" || { echo "cannot dump $1"; return 1; }
}

# serial LABEL: the token's serial, as pkcs11-tool reads it.
serial() {
	pkcs11-tool --module "$T_MODULE" --list-token-slots 2>/dev/null |
		awk -v label="$1" '/token label/ { sub(/.*: */, ""); found = ($0 == label) }
			found && /serial num/ { sub(/.*: */, ""); print; exit }'
}

# recorded NUMBER: the key id the station recorded for an application.
recorded() {
	t_sql "SELECT k.key_id FROM keys k JOIN applications a ON a.id = k.application_id
		WHERE a.number = '$1' AND k.status != 'abandoned' ORDER BY k.id DESC LIMIT 1"
}

# keygen_without_pins NUMBER [ARGS]: keygen with no PIN anywhere (no --pin-fd, no terminal):
# a run that got as far as a PIN prompt fails there, so a refusal before it is visible.
keygen_without_pins() {
	number=$1
	shift
	e kasi "$@" keygen "$number" --key-type ec-p256 </dev/null 2>"$T_DIR/err"
}

# enrolled NAME NIK: an applicant through all seven steps on the blank token of this store.
enrolled() {
	number=$(t_apply "$1" "$2") && t_to_sent "$number" && t_keygen "$number" "" >/dev/null &&
		t_import "$number" >/dev/null && e kasi handover "$number" >/dev/null &&
		echo "$number"
}

# Finding 1: two applicants named alike at step 6 on one token. The second is refused before
# any PIN; the first's key, already with the issuer, stays, and so does everything else.
same_name_applicants_keep_their_keys() {
	t_softhsm 1
	a=$(t_apply "Siti Rahmawati" "$(nik 101)") && t_to_sent "$a" &&
	b=$(t_apply "Siti Rahmawati" "$(nik 102)") && t_to_sent "$b" &&
	t_keygen "$a" "" >/dev/null || return 1
	dump "Siti Rahmawati" "$T_DIR/before" || return 1
	t_expect_status 25 keygen_without_pins "$b" || { cat "$T_DIR/err"; return 1; }
	cat "$T_DIR/err"
	grep -q "$a (Siti Rahmawati" "$T_DIR/err" && grep -q "It holds:" "$T_DIR/err" &&
	t_expect_status 25 t_keygen "$b" "" 2>/dev/null &&
	dump "Siti Rahmawati" "$T_DIR/after" && cmp "$T_DIR/before" "$T_DIR/after" &&
	[ "$(recorded "$a")" = "$(t_sql "SELECT key_id FROM keys k JOIN applications p
		ON p.id = k.application_id WHERE p.number = '$a' AND k.status = 'complete'")" ] &&
	[ -z "$(recorded "$b")" ] && [ "$(t_state "$b")" = sent ] &&
	# on a token of her own the second Siti gets her key, and the first keeps hers
	t_softhsm 2 && t_keygen "$b" "" >/dev/null && [ "$(t_state "$b")" = key_generated ] &&
	t_softhsm 1 && t_import "$a" >/dev/null && [ "$(t_state "$a")" = certificate_imported ] &&
	e kasi audit verify >/dev/null
}
t_ok "same_name_applicants_on_one_token_are_refused_before_the_pin_and_keep_their_keys" \
	same_name_applicants_keep_their_keys

# Finding 2: two keygen runs for one application at the same moment, ROUNDS times: one
# wins and records its key, the other is refused (exit 7) before it touches the token.
race_round() {
	round=$1
	t_softhsm "race$round"
	number=$(t_apply "Lomba $round" "$(nik $((1000 + round)))") && t_to_sent "$number" || return 1
	# whoever takes the application first holds it a little longer, so the two overlap
	# even when one process starts late
	both_keygen "$number" "$number" keygen-locked
	statuses=$(sort "$T_DIR/status.1" "$T_DIR/status.2" | tr '\n' ' ')
	[ "$statuses" = "0 7 " ] || { echo "round $round: exit statuses $statuses"; cat "$T_DIR/race.1" "$T_DIR/race.2"; return 1; }
	grep -q "another operator is working" "$T_DIR/race.1" "$T_DIR/race.2" || return 1
	keys=$(pkcs11-tool --module "$T_MODULE" --login --pin "$T_USER_PIN" --list-objects \
		--type privkey 2>/dev/null | awk '/ID:/ { print $2 }')
	[ "$keys" = "$(recorded "$number")" ] || { echo "round $round: keys '$keys', recorded '$(recorded "$number")'"; return 1; }
	[ "$(t_state "$number")" = key_generated ]
}
# both_keygen NUMBER1 NUMBER2 HOLD_POINT: two keygen runs started together, each with its own
# PIN files; exit statuses in $T_DIR/status.1 and .2, stderr in race.1 and .2.
both_keygen() {
	for who in 1 2; do
		printf '%s\n%s\n' "$T_SO_PIN" "$T_SO_PIN" >"$T_DIR/so.$who"
		printf '%s\n%s\n' "$T_USER_PIN" "$T_USER_PIN" >"$T_DIR/user.$who"
	done
	(ENROLL_TEST_HOLD=$3:100 e kasi --so-pin-fd 3 --pin-fd 4 keygen "$1" --key-type ec-p256 \
		3<"$T_DIR/so.1" 4<"$T_DIR/user.1" >/dev/null 2>"$T_DIR/race.1"; echo $? >"$T_DIR/status.1") &
	(ENROLL_TEST_HOLD=$3:100 e kasi --so-pin-fd 3 --pin-fd 4 keygen "$2" --key-type ec-p256 \
		3<"$T_DIR/so.2" 4<"$T_DIR/user.2" >/dev/null 2>"$T_DIR/race.2"; echo $? >"$T_DIR/status.2") &
	wait
}

race() {
	i=1
	while [ "$i" -le "$ROUNDS" ]; do
		race_round "$i" || return 1
		i=$((i + 1))
	done
	echo "$ROUNDS rounds"
}
t_ok "two_keygen_runs_at_once_leave_exactly_one_recorded_key_and_the_loser_exits_7" race

# One writer per token: two applicants' keygen on one blank token at once. One gets the
# token; the other is refused (exit 7) before it touches it, and its application has no key.
two_applications_race_for_one_token() {
	t_softhsm race-token
	a=$(t_apply "Rina" "$(nik 150)") && t_to_sent "$a" &&
	b=$(t_apply "Dodi" "$(nik 151)") && t_to_sent "$b" || return 1
	both_keygen "$a" "$b" keygen-token-locked
	statuses=$(sort "$T_DIR/status.1" "$T_DIR/status.2" | tr '\n' ' ')
	[ "$statuses" = "0 7 " ] || { echo "exit statuses $statuses"; cat "$T_DIR/race.1" "$T_DIR/race.2"; return 1; }
	keys=$(pkcs11-tool --module "$T_MODULE" --login --pin "$T_USER_PIN" --list-objects \
		--type privkey 2>/dev/null | awk '/ID:/ { print $2 }')
	[ -n "$keys" ] && [ "$keys" = "$(recorded "$a")$(recorded "$b")" ] &&
	[ "$(t_sql "SELECT count(*) FROM keys k JOIN applications p ON p.id = k.application_id
		WHERE p.number IN ('$a', '$b')")" -eq 1 ]
}
t_ok "two_applicants_at_once_on_one_token_one_is_refused_with_7_before_touching_it" \
	two_applications_race_for_one_token

# A private key only the logged-in session sees, made by another tool: refused after the PIN,
# before anything is written.
foreign_private_key_seen_after_login_is_refused() {
	t_softhsm 9
	t_softhsm_token Rahasia &&
	pkcs11-tool --module "$T_MODULE" --token-label Rahasia --login --pin "$T_USER_PIN" \
		--keypairgen --key-type EC:prime256v1 --label "Lain" --id 0a0b >/dev/null 2>&1 &&
	pkcs11-tool --module "$T_MODULE" --token-label Rahasia --login --pin "$T_USER_PIN" \
		--delete-object --type pubkey --id 0a0b >/dev/null 2>&1 || return 1
	n=$(t_apply "Wulan" "$(nik 160)") && t_to_sent "$n" && dump Rahasia "$T_DIR/before" || return 1
	printf '%s\n' "$T_USER_PIN" >"$T_DIR/login.pin"
	t_expect_status 25 e kasi --pin-fd 3 keygen "$n" --key-type ec-p256 3<"$T_DIR/login.pin" \
		2>"$T_DIR/err" || { cat "$T_DIR/err"; return 1; }
	grep -q "It holds nothing" "$T_DIR/err" && grep -q "private key .*(id 0a0b)" "$T_DIR/err" &&
	dump Rahasia "$T_DIR/after" && cmp "$T_DIR/before" "$T_DIR/after" && [ -z "$(recorded "$n")" ]
}
t_ok "a_foreign_private_key_seen_only_after_login_is_refused_before_any_write" \
	foreign_private_key_seen_after_login_is_refused

# An attempt abandoned with --restart leaves its pending key on the first token: offered to
# someone else, that token is refused as holding that application's leftover (reset it), not
# with advice to revoke the certificate the application got on its other token.
abandoned_attempt_is_named_as_such() {
	t_softhsm 10
	first=$(t_apply "Yusuf" "$(nik 170)") && t_to_sent "$first" || return 1
	ENROLL_TEST_CRASH_AT=keygen-after-generate t_keygen "$first" "" >/dev/null 2>&1
	t_softhsm 11
	t_keygen "$first" "" >/dev/null 2>&1
	printf '%s\n%s\n' "$T_SO_PIN" "$T_SO_PIN" >"$T_DIR/so.pin"
	printf '%s\n%s\n' "$T_USER_PIN" "$T_USER_PIN" >"$T_DIR/user.pin"
	e kasi --so-pin-fd 3 --pin-fd 4 keygen "$first" --key-type ec-p256 --restart \
		3<"$T_DIR/so.pin" 4<"$T_DIR/user.pin" >/dev/null 2>&1 &&
	t_import "$first" >/dev/null && e kasi handover "$first" >/dev/null || return 1
	other=$(t_apply "Zahra" "$(nik 171)") && t_to_sent "$other" || return 1
	t_softhsm 10
	t_expect_status 25 t_keygen "$other" "" 2>"$T_DIR/err" &&
	grep -q "still holds a key of $first" "$T_DIR/err" && grep -q "token reset" "$T_DIR/err" &&
	! grep -q "lifecycle" "$T_DIR/err"
}
t_ok "an_abandoned_attempts_leftover_is_named_as_such_not_as_a_live_certificate" \
	abandoned_attempt_is_named_as_such

# Finding 4: a handed-over token comes back into the station for someone else.
token_of_another_holder_is_refused_before_the_pin() {
	t_softhsm 4
	siti=$(enrolled "Siti" "$(nik 201)") || return 1
	ahmad=$(t_apply "Ahmad" "$(nik 202)") && t_to_sent "$ahmad" || return 1
	dump Siti "$T_DIR/before" || return 1
	t_expect_status 25 keygen_without_pins "$ahmad" || { cat "$T_DIR/err"; return 1; }
	cat "$T_DIR/err"
	grep -q "certificate .*CN=Siti" "$T_DIR/err" && grep -q "$siti (Siti" "$T_DIR/err" &&
	grep -q "enroll lifecycle $siti" "$T_DIR/err" &&
	dump Siti "$T_DIR/after" && cmp "$T_DIR/before" "$T_DIR/after" &&
	[ "$(t_state "$ahmad")" = sent ] && [ -z "$(recorded "$ahmad")" ]
}
t_ok "a_token_holding_another_applicants_certificate_is_refused_before_the_pin_and_unchanged" \
	token_of_another_holder_is_refused_before_the_pin

# A key the station did not make (another tool, another office) is never touched.
foreign_key_is_refused_and_kept() {
	t_softhsm 5
	t_softhsm_token Asing &&
	pkcs11-tool --module "$T_MODULE" --token-label Asing --login --pin "$T_USER_PIN" \
		--keypairgen --key-type EC:prime256v1 --label "Budi" --id 0102 >/dev/null 2>&1 || return 1
	budi=$(t_apply "Budi" "$(nik 301)") && t_to_sent "$budi" || return 1
	dump Asing "$T_DIR/before" || return 1
	t_expect_status 25 keygen_without_pins "$budi" || { cat "$T_DIR/err"; return 1; }
	grep -q "did not make" "$T_DIR/err" && grep -q "public key .*Budi (id 0102)" "$T_DIR/err" &&
	dump Asing "$T_DIR/after" && cmp "$T_DIR/before" "$T_DIR/after"
}
t_ok "a_key_the_station_did_not_make_is_refused_and_left_alone" foreign_key_is_refused_and_kept

# Clearing a token: refused while its holder's certificate is alive; after the lifecycle
# ended, the operator types the serial, the SO PIN clears it, and the record says what went.
reset_clears_after_confirmation() {
	t_softhsm 4
	siti=$(t_sql "SELECT a.number FROM applications a JOIN applicants p ON p.id = a.applicant_id WHERE p.nik = '$(nik 201)'")
	ahmad=$(t_sql "SELECT a.number FROM applications a JOIN applicants p ON p.id = a.applicant_id WHERE p.nik = '$(nik 202)'")
	sn=$(serial Siti)
	printf '%s\n' "$T_SO_PIN" >"$T_DIR/so.reset"
	dump Siti "$T_DIR/before" || return 1
	t_expect_status 25 e kasi --so-pin-fd 3 token reset --confirm "$sn" 3<"$T_DIR/so.reset" 2>"$T_DIR/err" &&
	grep -q "enroll lifecycle $siti" "$T_DIR/err" &&
	dump Siti "$T_DIR/after" && cmp "$T_DIR/before" "$T_DIR/after" &&
	# an official other than the Kasi is refused before the token is opened, and audited
	t_expect_status 6 e kabid --so-pin-fd 3 token reset --confirm "$sn" 3<"$T_DIR/so.reset" 2>/dev/null &&
	[ "$(t_sql "SELECT count(*) FROM audit WHERE action = 'token_reset' AND result != 'ok'")" -eq 1 ] &&
	e kasi lifecycle "$siti" revoke --reason "pindah tugas" >/dev/null &&
	t_expect_status 21 e kasi --so-pin-fd 3 token reset --confirm 0000 3<"$T_DIR/so.reset" 2>/dev/null &&
	dump Siti "$T_DIR/after" && cmp "$T_DIR/before" "$T_DIR/after" &&
	e kasi --so-pin-fd 3 token reset --confirm "$sn" 3<"$T_DIR/so.reset" >"$T_DIR/out" 2>&1 &&
	grep -q "cleared" "$T_DIR/out" && [ -n "$(serial TTE)" ] &&
	[ "$(t_sql "SELECT count(*) FROM audit WHERE action = 'token_reset' AND detail LIKE '%$sn%CN=Siti%'")" -eq 1 ] &&
	e kasi audit verify >/dev/null &&
	# and the next holder's key goes onto the cleared token
	t_keygen "$ahmad" "" >/dev/null && t_import "$ahmad" >/dev/null &&
	[ "$(t_objects TTE privkey)" -eq 1 ] &&
	e kasi --json token history "$sn" >"$T_DIR/history" &&
	jq -e --arg s "$siti" --arg a "$ahmad" '[.keys[].number] == [$s, $a] and
		.keys[0].state == "revoked" and .keys[1].state == "certificate_imported" and
		(.events | map(.action) == ["token_reset"])' "$T_DIR/history" >/dev/null &&
	e kasi token history "$sn" | grep -q "token reset by Rina Kasi"
}
t_ok "reset_is_refused_while_the_holder_is_active_then_clears_after_confirmation_and_is_audited" \
	reset_clears_after_confirmation

# openssl_signs URI: OpenSSL's pkcs11 engine signs with the key the URI picks; the new
# certificate (read back by its id) verifies the signature.
openssl_signs() {
	t_engine_conf "$T_DIR/openssl.cnf"
	OPENSSL_CONF=$T_DIR/openssl.cnf openssl dgst -sha256 -engine pkcs11 -keyform engine \
		-sign "$1" -passin "file:$T_DIR/pin" -out "$T_DIR/signature" "$T_DIR/message" \
		2>/dev/null &&
	openssl dgst -sha256 -verify "$T_DIR/new.pub" -signature "$T_DIR/signature" "$T_DIR/message"
}

# Every client picks the new pair: by label and by id, OpenSSL, GnuTLS, pkcs11-tool, NSS.
clients_pick_the_new_pair() {
	id=$1 label=$2
	pkcs11-tool --module "$T_MODULE" --read-object --type cert --id "$id" -o "$T_DIR/new.der" \
		>/dev/null 2>&1 &&
	openssl x509 -inform DER -in "$T_DIR/new.der" -noout -pubkey >"$T_DIR/new.pub" || return 1
	head -c 1000 /dev/urandom >"$T_DIR/message"
	openssl_signs "pkcs11:token=$label;object=$label;type=private" ||
		{ echo "OpenSSL by label"; return 1; }
	openssl_signs "pkcs11:token=$label;id=$(echo "$id" | sed 's/\(..\)/%\1/g');type=private" ||
		{ echo "OpenSSL by id"; return 1; }
	p11tool --provider "$T_MODULE" --login --set-pin "$T_USER_PIN" --test-sign \
		"pkcs11:token=$label;object=$label" >"$T_DIR/p11tool" 2>&1 ||
		{ cat "$T_DIR/p11tool"; echo "GnuTLS by label"; return 1; }
	openssl dgst -sha256 -binary "$T_DIR/message" >"$T_DIR/digest" &&
	pkcs11-tool --module "$T_MODULE" --login --pin "$T_USER_PIN" --sign --label "$label" \
		-m ECDSA --signature-format openssl -i "$T_DIR/digest" -o "$T_DIR/signature" \
		>/dev/null 2>&1 &&
	openssl dgst -sha256 -verify "$T_DIR/new.pub" -signature "$T_DIR/signature" "$T_DIR/message" ||
		{ echo "pkcs11-tool by label"; return 1; }
	rm -rf "$T_DIR/nssdb" && mkdir "$T_DIR/nssdb" &&
	certutil -N -d "sql:$T_DIR/nssdb" --empty-password &&
	modutil -dbdir "sql:$T_DIR/nssdb" -add softhsm -libfile "$T_MODULE" -force </dev/null >/dev/null 2>&1 &&
	certutil -K -d "sql:$T_DIR/nssdb" -h "$label" -f "$T_DIR/pin" >"$T_DIR/nss-keys" 2>&1 &&
	[ "$(grep -c "$label\$" "$T_DIR/nss-keys")" -eq 1 ] && grep -q " $id  *$label\$" "$T_DIR/nss-keys" ||
		{ cat "$T_DIR/nss-keys"; echo "NSS"; return 1; }
}

# renewal NAME NIK: step 1 of a renewal for a holder; prints the number.
renewal() {
	e kasi apply --name "$1" --nik "$2" --nip 198504152010012001 \
		--email renewal@singkawangkota.go.id --phone 081234567890 --position Analis \
		--status pns --unit "Bagian Umum" --agency Setda --request renewal \
		--document letter --document form --document ktp --document sk
}

# Findings 3 and 5: a renewal on the same token. Importing it with the old certificate is
# refused before anything is written; the right one leaves one key pair and one certificate
# under the holder's label, the old application renewed, and every client on the new pair.
renewal_leaves_one_identity() {
	t_softhsm 6
	old=$(enrolled "Rahmawati" "$(nik 401)") || return 1
	old_id=$(recorded "$old")
	new=$(renewal Rahmawati "$(nik 401)") && t_to_sent "$new" && t_keygen "$new" "" >/dev/null ||
		return 1
	new_id=$(recorded "$new")
	pkcs11-tool --module "$T_MODULE" --read-object --type cert --id "$old_id" -o "$T_DIR/old.der" \
		>/dev/null 2>&1 && dump Rahmawati "$T_DIR/before" || return 1
	t_expect_status 15 t_import "$new" --cert "$T_DIR/old.der" 2>"$T_DIR/err" &&
	grep -q "not to key $new_id" "$T_DIR/err" &&
	dump Rahmawati "$T_DIR/after" && cmp "$T_DIR/before" "$T_DIR/after" || return 1
	t_import "$new" >/dev/null 2>"$T_DIR/err" && grep -q "Removed the renewed key $old_id" "$T_DIR/err" &&
	[ "$(t_state "$old")" = renewed ] && [ "$(t_state "$new")" = certificate_imported ] &&
	[ "$(t_objects Rahmawati privkey)" -eq 1 ] && [ "$(t_objects Rahmawati pubkey)" -eq 1 ] &&
	[ "$(t_objects Rahmawati cert)" -eq 3 ] &&
	[ "$(pkcs11-tool --module "$T_MODULE" --list-objects --type cert 2>/dev/null |
		grep -c "label: *Rahmawati\$")" -eq 1 ] &&
	[ "$(t_sql "SELECT count(*) FROM token_events WHERE action = 'key_removed' AND key_id = '$old_id'")" -eq 1 ] &&
	clients_pick_the_new_pair "$new_id" Rahmawati &&
	e kasi audit verify >/dev/null
}
t_ok "renewal_on_the_same_token_leaves_one_identity_that_every_client_picks" \
	renewal_leaves_one_identity

# A renewal on a new token: the old token is not touched, its application is recorded renewed.
renewal_on_a_new_token_records_the_old_one() {
	t_softhsm 7
	old=$(enrolled "Kurniasih" "$(nik 501)") && dump Kurniasih "$T_DIR/before" || return 1
	new=$(renewal Kurniasih "$(nik 501)") && t_to_sent "$new" || return 1
	t_softhsm 8
	t_keygen "$new" "" >/dev/null && t_import "$new" >/dev/null &&
	[ "$(t_state "$old")" = renewed ] && [ "$(t_state "$new")" = certificate_imported ] &&
	t_softhsm 7 && dump Kurniasih "$T_DIR/after" && cmp "$T_DIR/before" "$T_DIR/after"
}
t_ok "renewal_on_a_new_token_leaves_the_old_token_alone_and_records_it_renewed" \
	renewal_on_a_new_token_records_the_old_one

# A new application (not a renewal) of a holder who keeps her certificate: her first token
# is refused for it, and on a token of its own her first certificate stays active.
second_certificate_is_not_a_renewal() {
	t_softhsm 12
	old=$(enrolled "Purnama" "$(nik 601)") || return 1
	new=$(t_apply "Purnama" "$(nik 601)") && t_to_sent "$new" || return 1
	t_expect_status 25 t_keygen "$new" "" 2>/dev/null &&
	t_softhsm 13 && t_keygen "$new" "" >/dev/null && t_import "$new" >/dev/null &&
	[ "$(t_state "$old")" = active ]
}
t_ok "a_new_application_of_a_holder_is_not_a_renewal_and_ends_nothing" \
	second_certificate_is_not_a_renewal

t_done
