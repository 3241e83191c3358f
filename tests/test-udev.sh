#!/bin/sh
# test-udev.sh: the udev rules file is valid for udev and names exactly the USB devices of
# our device table. udev 253+ checks rules offline (udevadm verify); Debian 12's udev 252
# cannot, so every rule is also parsed here against udev's syntax (udev(7)).
. "${top_srcdir:-..}/tests/lib.sh"

RULES=$top_srcdir/udev/60-enroll-tokens.rules
DEVICES=$top_srcdir/pkcs11/devices.conf

# check_rules FILE: every line a comment, blank, or comma-separated KEY op "value" pairs
# with keys and operators udev knows; MODE octal; every GOTO has its LABEL.
check_rules() {
	awk '
	function fail(msg) { printf "%s:%d: %s: %s\n", FILENAME, FNR, msg, $0; bad = 1 }
	BEGIN {
		# match keys take == and !=; assignment keys = += -= :=; some keys both
		split("ACTION DEVPATH KERNEL KERNELS NAME SYMLINK SUBSYSTEM SUBSYSTEMS DRIVER " \
		      "DRIVERS ATTR ATTRS SYSCTL ENV CONST TAG TAGS TEST PROGRAM RESULT", m)
		split("NAME SYMLINK OWNER GROUP MODE SECLABEL ATTR SYSCTL ENV TAG RUN LABEL " \
		      "GOTO IMPORT OPTIONS", a)
		for (i in m) match_key[m[i]] = 1
		for (i in a) assign_key[a[i]] = 1
	}
	/^[ \t]*(#|$)/ { next }
	{
		line = $0
		while (line != "") {
			if (!match(line, /^[ \t]*[A-Z]+(\{[^}]+\})?[ \t]*(==|!=|\+=|-=|:=|=)[ \t]*"[^"]*"[ \t]*/)) {
				fail("not KEY op \"value\""); break
			}
			pair = substr(line, 1, RLENGTH); line = substr(line, RLENGTH + 1)
			match(pair, /[A-Z]+/); key = substr(pair, RSTART, RLENGTH)
			match(pair, /(==|!=|\+=|-=|:=|=)/); op = substr(pair, RSTART, RLENGTH)
			match(pair, /"[^"]*"/); value = substr(pair, RSTART + 1, RLENGTH - 2)
			if (op == "==" || op == "!=") { if (!(key in match_key)) fail(key " cannot be matched") }
			else if (!(key in assign_key)) fail(key " cannot be assigned")
			if (key == "MODE" && value !~ /^0[0-7][0-7][0-7]$/) fail("MODE not octal")
			if ((key == "ATTR" || key == "ATTRS" || key == "ENV") && pair !~ /\{/) fail(key " without {name}")
			if (key == "GOTO") gotos[value] = FNR
			if (key == "LABEL") labels[value] = 1
			if (line == "") break
			if (line !~ /^,/) { fail("pairs not separated by commas"); break }
			line = substr(line, 2)
		}
	}
	END {
		for (g in gotos) if (!(g in labels)) { printf "GOTO \"%s\" has no LABEL\n", g; bad = 1 }
		exit bad
	}' "$1"
}

udev_accepts_the_rules() {
	if udevadm verify --help >/dev/null 2>&1; then
		udevadm verify --no-style "$RULES" || return 1
	else
		echo "udevadm $(udevadm --version) has no verify: parsing against udev(7)"
	fi
	check_rules "$RULES"
}

the_syntax_check_rejects_broken_rules() {
	printf '%s\n' 'ATTR{idVendor}=="096e", GROUP=="enroll"' >"$T_DIR/bad1.rules"
	printf '%s\n' 'ATTR{idVendor}=="096e" MODE="0660"' >"$T_DIR/bad2.rules"
	printf '%s\n' 'IDVENDOR=="096e", MODE="660"' >"$T_DIR/bad3.rules"
	printf '%s\n' 'SUBSYSTEM!="usb", GOTO="nowhere"' >"$T_DIR/bad4.rules"
	printf '%s\n' 'ATTR{idVendor}==096e, MODE="0660"' >"$T_DIR/bad5.rules"
	for n in 1 2 3 4 5; do
		if check_rules "$T_DIR/bad$n.rules"; then
			echo "bad$n.rules was accepted"
			return 1
		fi
	done
}

rules_ids() {
	sed -n 's/.*ATTR{idVendor}=="\([0-9a-fA-F]\{4\}\)", *ATTR{idProduct}=="\([0-9a-fA-F]\{4\}\)".*/\1:\2/p' \
		"$RULES" | tr 'A-F' 'a-f' | sort -u
}

table_ids() {
	sed -n 's/^usb *= *\([0-9a-fA-F]\{4\}:[0-9a-fA-F]\{4\}\) *$/\1/p' "$DEVICES" |
		tr 'A-F' 'a-f' | sort -u
}

every_rules_id_is_in_the_device_table_and_back() {
	rules_ids >"$T_DIR/rules.ids"
	table_ids >"$T_DIR/table.ids"
	[ -s "$T_DIR/rules.ids" ] || { echo "no ids in $RULES"; return 1; }
	echo "rules: $(wc -l <"$T_DIR/rules.ids") ids, table: $(wc -l <"$T_DIR/table.ids") ids"
	diff -u "$T_DIR/table.ids" "$T_DIR/rules.ids"
}

every_device_rule_grants_seat_and_group_access() {
	grep 'ATTR{idVendor}' "$RULES" >"$T_DIR/device.rules"
	! grep -v 'TAG+="uaccess", GROUP="enroll", MODE="0660"' "$T_DIR/device.rules"
}

t_ok udev_accepts_the_rules udev_accepts_the_rules
t_ok the_syntax_check_rejects_broken_rules the_syntax_check_rejects_broken_rules
t_ok every_rules_id_is_in_the_device_table_and_back every_rules_id_is_in_the_device_table_and_back
t_ok every_device_rule_grants_seat_and_group_access every_device_rule_grants_seat_and_group_access
t_done
