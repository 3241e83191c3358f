#!/bin/sh
# The applicant types the PIN at the station: enroll asks on the terminal (a real
# pseudo-terminal driven by expect), without echo, twice, and asks again when the two
# entries differ. The SO PIN comes from the operator's file descriptor.
. "$top_srcdir/tests/enroll-lib.sh"

t_station || { echo "Bail out! the station cannot be set up"; exit 1; }
t_softhsm 1
number=$(t_apply "Putri") && t_to_sent "$number" || { echo "Bail out! no application"; exit 1; }
printf '%s\n%s\n' "$T_SO_PIN" "$T_SO_PIN" >"$T_DIR/so.pin"

# expect SCRIPT: run an expect script with the test's variables; its exit status is ours.
run_expect() {
	ENROLL_TEST_LOGIN=kasi expect -f - "$ENROLL" "$number" "$T_DIR" "$T_USER_PIN" \
		>"$T_DIR/transcript" 2>&1
}

pin_typed_twice_with_a_mismatch_is_asked_again() {
	run_expect <<'EXPECT'
set enroll [lindex $argv 0]; set number [lindex $argv 1]; set dir [lindex $argv 2]; set pin [lindex $argv 3]
set timeout 60
spawn sh -c "exec $enroll --so-pin-fd 3 keygen $number --key-type ec-p256 3<$dir/so.pin"
expect "New PIN: " { send "$pin\r" } timeout { exit 2 }
expect "New PIN again: " { send "000000\r" } timeout { exit 3 }
expect "differ" {} timeout { exit 4 }
expect "New PIN: " { send "$pin\r" } timeout { exit 5 }
expect "New PIN again: " { send "$pin\r" } timeout { exit 6 }
expect "generated on the token" {} timeout { exit 7 }
expect eof
lassign [wait] pid spawnid os_error status
exit $status
EXPECT
	[ $? -eq 0 ] && [ "$(t_state "$number")" = key_generated ] &&
	! grep -q "$T_USER_PIN" "$T_DIR/transcript" || { sed 's/^/# /' "$T_DIR/transcript"; return 1; }
}
t_ok "pin_is_typed_hidden_twice_and_asked_again_after_a_mismatch" \
	pin_typed_twice_with_a_mismatch_is_asked_again

pin_typed_at_login_is_not_echoed() {
	run_expect <<'EXPECT'
set enroll [lindex $argv 0]; set number [lindex $argv 1]; set pin [lindex $argv 3]
set timeout 60
spawn $enroll import $number
expect "Token PIN: " { send "$pin\r" } timeout { exit 2 }
expect "ready" {} timeout { exit 3 }
expect eof
lassign [wait] pid spawnid os_error status
exit $status
EXPECT
	[ $? -eq 0 ] && [ "$(t_state "$number")" = certificate_imported ] &&
	! grep -q "$T_USER_PIN" "$T_DIR/transcript" || { sed 's/^/# /' "$T_DIR/transcript"; return 1; }
}
t_ok "pin_typed_for_the_import_is_not_echoed" pin_typed_at_login_is_not_echoed

t_done
