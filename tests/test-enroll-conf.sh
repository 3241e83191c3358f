#!/bin/sh
# End to end: the station's configuration file names its default store, so that officials
# need not type a PostgreSQL URI. --db, then ENROLL_DB, then the file; a file anyone else
# may write, or with a line this version does not know, is refused before any store opens.
. "$top_srcdir/tests/enroll-lib.sh"

t_station || { echo "Bail out! the station cannot be set up"; exit 1; }
station_db=$ENROLL_DB
number=$(t_apply "Siti") || { echo "Bail out! no application"; exit 1; }
export ENROLL_CONF="$T_DIR/enroll.conf"

# conf TEXT: the configuration file holds TEXT, mode 0644.
conf() {
	printf '%s\n' "$1" >"$ENROLL_CONF" && chmod 644 "$ENROLL_CONF"
}

the_file_names_the_store_when_nothing_else_does() {
	conf "# the station's store
db = $station_db" &&
	(unset ENROLL_DB && e kasi show "$number" | grep -q Siti)
}
t_ok "the_file_names_the_store_when_nothing_else_does" the_file_names_the_store_when_nothing_else_does

enroll_db_and_then_db_come_before_the_file() {
	conf "db = $T_DIR/elsewhere.db" &&
	e kasi show "$number" | grep -q Siti &&
	(unset ENROLL_DB && e kasi --db "$station_db" show "$number" | grep -q Siti) &&
	(unset ENROLL_DB && t_expect_status 3 e kasi show "$number" 2>"$T_DIR/err") &&
	grep -q "elsewhere.db" "$T_DIR/err" && [ ! -e "$T_DIR/elsewhere.db" ]
}
t_ok "enroll_db_and_then_db_come_before_the_file" enroll_db_and_then_db_come_before_the_file

a_file_others_may_write_is_refused() {
	conf "db = $station_db" && chmod 664 "$ENROLL_CONF" &&
	(unset ENROLL_DB && t_expect_status 3 e kasi show "$number" 2>"$T_DIR/err") &&
	grep -q "writable by no one else" "$T_DIR/err" &&
	chmod 644 "$ENROLL_CONF" && chown nobody "$ENROLL_CONF" &&
	(unset ENROLL_DB && t_expect_status 3 e kasi show "$number" 2>"$T_DIR/err") &&
	grep -q "root's or yours" "$T_DIR/err" && rm -f "$ENROLL_CONF" &&
	ln -s "$T_DIR/elsewhere.conf" "$ENROLL_CONF" && printf 'db = x\n' >"$T_DIR/elsewhere.conf" &&
	(unset ENROLL_DB && t_expect_status 23 e kasi show "$number" 2>/dev/null)
}
t_ok "a_file_others_may_write_or_a_link_is_refused" a_file_others_may_write_is_refused

a_line_this_version_does_not_know_is_refused_with_its_number() {
	rm -f "$ENROLL_CONF" && conf "db = $station_db
database = $T_DIR/typo.db" &&
	(unset ENROLL_DB && t_expect_status 1 e kasi show "$number" 2>"$T_DIR/err") &&
	grep -q "enroll.conf:2:" "$T_DIR/err" &&
	conf "db =" && (unset ENROLL_DB && t_expect_status 1 e kasi show "$number" 2>/dev/null) &&
	(unset ENROLL_DB && t_expect_status 1 e kasi --lang id show "$number" 2>"$T_DIR/err") &&
	grep -q "enroll.conf:1:" "$T_DIR/err" && ! grep -q "not a setting" "$T_DIR/err"
}
t_ok "a_line_this_version_does_not_know_is_refused_with_its_number" \
	a_line_this_version_does_not_know_is_refused_with_its_number

no_file_is_the_built_in_default() {
	rm -f "$ENROLL_CONF" && e kasi show "$number" | grep -q Siti
}
t_ok "no_file_leaves_the_store_as_before" no_file_is_the_built_in_default

t_done
