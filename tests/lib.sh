# lib.sh: shared helper for the shell tests. Sourced, never run. Gives each test its own
# temporary directory (removed at exit), a private SoftHSM2 store, a sqlite path, a
# pcscd with the vpcd virtual reader when asked, and TAP output.
# Test PINs are fixture constants for throwaway tokens; the command under test reads
# them only from file descriptors, never argv.

set -u
T_SO_PIN=51928374
T_USER_PIN=830571
T_MODULE=${SOFTHSM_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
T_COUNT=0
T_FAILED=0
T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/enroll-test.XXXXXX")
T_PIDS=""

t_cleanup() {
	for pid in $T_PIDS; do
		kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	rm -rf "$T_DIR"
}
trap t_cleanup EXIT
trap 'exit 130' INT TERM

# t_ok NAME COMMAND...: run the command; one TAP line named NAME.
t_ok() {
	t_name=$1
	shift
	T_COUNT=$((T_COUNT + 1))
	if "$@" >"$T_DIR/last.out" 2>&1; then
		echo "ok $T_COUNT - $t_name"
	else
		T_FAILED=$((T_FAILED + 1))
		echo "not ok $T_COUNT - $t_name"
		sed 's/^/# /' "$T_DIR/last.out" | tail -n 30
	fi
}

# t_done: print the plan; exit status says whether all passed.
t_done() {
	echo "1..$T_COUNT"
	[ "$T_FAILED" -eq 0 ]
}

# t_softhsm: a fresh SoftHSM2 store of this test's own; exports SOFTHSM2_CONF.
t_softhsm() {
	store=$T_DIR/softhsm.$$.${1:-0}
	mkdir -p "$store"
	printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' \
		"$store" >"$store.conf"
	export SOFTHSM2_CONF=$store.conf
}

# t_softhsm_token LABEL: initialize a token with the fixture PINs.
t_softhsm_token() {
	softhsm2-util --init-token --free --label "$1" --so-pin "$T_SO_PIN" \
		--pin "$T_USER_PIN" >/dev/null
}

# t_pcscd_start: take the machine's single pcscd slot (tests take turns through a lock
# that tests/test-pcsc.c takes too), start pcscd with a private reader configuration holding
# only vpcd, and wait until it is this pcscd that answers. Sets T_PCSCD_PID; t_cleanup
# stops it. The vpcd readers are "Virtual PCD 00 00" (port 35963) and "... 00 01".
t_pcscd_start() {
	exec 9>"${TMPDIR:-/tmp}/enroll-pcscd.lock"
	flock 9
	if pgrep -x pcscd >/dev/null; then
		echo "# pcscd already running outside the tests: stop it first" >&2
		return 1
	fi
	mkdir -p "$T_DIR/reader.conf.d"
	cp /etc/reader.conf.d/vpcd "$T_DIR/reader.conf.d/"
	pcscd -f -c "$T_DIR/reader.conf.d" >"$T_DIR/pcscd.log" 2>&1 &
	T_PCSCD_PID=$!
	T_PIDS="$T_PIDS $T_PCSCD_PID"
	# a socket left by a killed pcscd is no sign of life: wait for our pid file
	for _ in $(seq 100); do
		if [ -S /run/pcscd/pcscd.comm ] &&
			[ "$(cat /run/pcscd/pcscd.pid 2>/dev/null)" = "$T_PCSCD_PID" ]; then
			sleep 0.2	# vpcd's readers are added just after the socket opens
			return 0
		fi
		sleep 0.05
	done
	echo "# pcscd did not start:" >&2
	sed 's/^/# /' "$T_DIR/pcscd.log" >&2
	return 1
}

# t_vcard_insert "ATR HEX": put a virtual card with this ATR into "Virtual PCD 00 00"
# (tests/vcard connects to vpcd). Sets T_VCARD_PID; t_vcard_remove or t_cleanup takes it out.
t_vcard_insert() {
	"${top_builddir:-..}/tests/vcard" --atr "$1" >>"$T_DIR/vcard.log" 2>&1 &
	T_VCARD_PID=$!
	T_PIDS="$T_VCARD_PID $T_PIDS"
}

# t_vcard_remove: take the card out (the program exits cleanly on SIGTERM).
t_vcard_remove() {
	kill -TERM "$T_VCARD_PID" 2>/dev/null && wait "$T_VCARD_PID" 2>/dev/null
	T_VCARD_PID=""
}

# t_engine_conf FILE [MODULE]: an OpenSSL configuration that loads libp11's pkcs11 engine
# for the module under test (or MODULE).
t_engine_conf() {
	sh "$top_srcdir/scripts/engine-conf.sh" "$1" "${2:-$T_MODULE}"
}

# t_card_insert [ARGS...]: the emulated SmartCard-HSM (tests/sc-hsm-card.py) into "Virtual
# PCD 00 00", its state in $T_DIR/card.json (the same card each time: pulled out and put
# back), and wait until OpenSC shows its token. Needs t_card_station and t_pcscd_start; ARGS go to the card
# (--die-before INS, --pinpad PIN, --keygen-delay-ms N, ...). Sets T_CARD_PID. The serial
# is $T_CARD_SERIAL: 11 characters, as a real card's (its CV holder name is 16).
t_card_insert() {
	/usr/bin/python3 "$top_srcdir/tests/sc-hsm-card.py" --state "$T_DIR/card.json" \
		--serial "${T_CARD_SERIAL:-ENRL0000001}" "$@" >>"$T_DIR/card.log" 2>&1 &
	T_CARD_PID=$!
	T_PIDS="$T_CARD_PID $T_PIDS"
	for _ in $(seq 100); do
		pkcs11-tool --module "$T_OPENSC" --list-token-slots 2>/dev/null |
			grep -q "serial num *: ${T_CARD_SERIAL:-ENRL0000001}\$" && return 0
		sleep 0.1
	done
	echo "# the emulated card did not appear:" >&2
	sed 's/^/# /' "$T_DIR/card.log" >&2
	return 1
}

# t_card_remove: pull the card out (a card that died on its own is gone already).
t_card_remove() {
	kill -TERM "$T_CARD_PID" 2>/dev/null
	wait "$T_CARD_PID" 2>/dev/null
	T_CARD_PID=""
}

# t_card_station: what a station with OpenSC sees: p11-kit's proxy with no SoftHSM token
# (the test machine registers SoftHSM too: with a token directory that does not exist it
# fails to start and p11-kit leaves it out), OpenSC's file cache off (the card changes
# under it). T_OPENSC is OpenSC's module, for the tools that check what enroll did.
t_card_station() {
	printf 'directories.tokendir = %s/no-softhsm\nlog.level = ERROR\n' "$T_DIR" \
		>"$T_DIR/no-softhsm.conf"
	printf 'app default {\n\tframework pkcs15 { use_file_caching = no; }\n}\n' \
		>"$T_DIR/opensc.conf"
	export SOFTHSM2_CONF="$T_DIR/no-softhsm.conf" OPENSC_CONF="$T_DIR/opensc.conf"
	export ENROLL_DEVICES_CONF="$top_srcdir/pkcs11/devices.conf"
	T_OPENSC=$(find /usr/lib -name opensc-pkcs11.so -path '*-linux-gnu/opensc-pkcs11.so' | head -n 1)
}
