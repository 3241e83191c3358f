#!/bin/sh
# enroll token wait over a real pcscd with the vpcd virtual reader: the arriving token is
# printed and named from the device table; a wait with no card ends at its timeout.
. "$top_srcdir/tests/enroll-lib.sh"
export ENROLL_DEVICES_CONF="$top_srcdir/pkcs11/devices.conf"
EPASS2003_ATR="3B 9F 95 81 31 FE 9F 00 66 46 53 05 10 00 11 71 DF 00 00 00 00 00 00"

t_softhsm
t_pcscd_start || { echo "Bail out! pcscd does not start"; exit 1; }

wait_times_out_without_a_card() {
	t_expect_status 21 "$ENROLL" token wait --timeout 1 2>"$T_DIR/err" && grep -q "timed out" "$T_DIR/err"
}
t_ok "token_wait_without_a_card_ends_at_its_timeout" wait_times_out_without_a_card

wait_prints_the_arriving_token() {
	"$ENROLL" token wait --timeout 20 >"$T_DIR/wait.out" 2>&1 &
	waiter=$!
	sleep 0.5
	t_vcard_insert "$EPASS2003_ATR"
	wait "$waiter" || { cat "$T_DIR/wait.out"; return 1; }
	t_vcard_remove
	grep -q "Virtual PCD" "$T_DIR/wait.out" && grep -q "ePass2003" "$T_DIR/wait.out" &&
	grep -q "3B 9F 95 81" "$T_DIR/wait.out"
}
t_ok "token_wait_prints_the_arriving_token_named_from_the_device_table" wait_prints_the_arriving_token

json_wait_for_a_card_already_present() {
	t_vcard_insert "$EPASS2003_ATR"
	sleep 1
	"$ENROLL" --json token wait --timeout 5 >"$T_DIR/wait.json" &&
	jq -e '.reader and .atr and (.model | test("ePass2003"))' "$T_DIR/wait.json" >/dev/null
	status=$?
	t_vcard_remove
	return $status
}
t_ok "token_wait_reports_a_card_already_present_as_json" json_wait_for_a_card_already_present

token_list_shows_readers_with_their_cards() {
	t_vcard_insert "$EPASS2003_ATR"
	"$ENROLL" token wait --timeout 10 >/dev/null 2>&1
	"$ENROLL" --json token list >"$T_DIR/list.json" 2>"$T_DIR/err"
	status=$?
	t_vcard_remove
	[ $status -eq 0 ] || { cat "$T_DIR/err" "$T_DIR/list.json"; return 1; }
	jq -e '[.readers[] | select(.reader == "Virtual PCD 00 00")][0] | .state == "present" and (.model | test("ePass2003"))' \
		"$T_DIR/list.json" >/dev/null &&
	jq -e '[.readers[] | select(.reader == "Virtual PCD 00 01")][0].state == "empty"' "$T_DIR/list.json" >/dev/null ||
	{ jq .readers "$T_DIR/list.json"; return 1; }
}
t_ok "token_list_shows_the_readers_with_their_cards_and_an_empty_reader_as_empty" \
	token_list_shows_readers_with_their_cards

t_done
