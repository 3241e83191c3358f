#!/bin/sh
# test-i18n.sh: the command speaks Indonesian with --lang id and English with --lang en, on a
# machine with no locales but C.UTF-8 (a fresh Debian 12); the catalogues are complete and
# current with the sources; every exit status in --help is documented in enroll(1).
. "${top_srcdir:-..}/tests/lib.sh"

PO=$top_srcdir/po
MAN=$top_srcdir/enroll/enroll.1
: "${ENROLL_LOCALEDIR:?the tests run the uninstalled command with ENROLL_LOCALEDIR}"

# run_in ENV... -- ARGS: the command with only the given environment (and the catalogues);
# stdout and stderr both go to $T_DIR/out, the exit status to $T_DIR/status.
run_in() {
	envs=""
	while [ "$1" != "--" ]; do
		envs="$envs $1"
		shift
	done
	shift
	# shellcheck disable=SC2086 # envs is a list of NAME=VALUE words
	env -i PATH="$PATH" ENROLL_LOCALEDIR="$ENROLL_LOCALEDIR" $envs "$ENROLL" "$@" \
		>"$T_DIR/out" 2>&1
	echo $? >"$T_DIR/status"
}

# output_has TEXT / output_lacks TEXT: fixed-string search in the last run's output.
output_has() {
	grep -qF -- "$1" "$T_DIR/out" || { echo "missing: $1"; cat "$T_DIR/out"; return 1; }
}
output_lacks() {
	! grep -qF -- "$1" "$T_DIR/out" || { echo "unexpected: $1"; cat "$T_DIR/out"; return 1; }
}
status_is() {
	[ "$(cat "$T_DIR/status")" = "$1" ] || { echo "exit status $(cat "$T_DIR/status"), not $1"; return 1; }
}

help_is_indonesian_with_lang_id() {
	run_in LANG=C.UTF-8 -- --lang id --help && status_is 0 &&
		output_has "Cara pakai: enroll [OPSI] PERINTAH [ARGUMEN]" &&
		output_has "tahap 6: tahap passphrase: PIN, kunci dibuat di token" &&
		output_has "Status keluar:" && output_has "PIN salah" &&
		output_lacks "Usage" && output_lacks "Exit status"
}

help_is_english_with_lang_en() {
	run_in LANG=C.UTF-8 LANGUAGE=id -- --lang en --help && status_is 0 &&
		output_has "Usage: enroll [OPTIONS] COMMAND [ARGS]" &&
		output_has "step 6: the passphrase step: PIN, key generated on the token" &&
		output_has "Exit status:" && output_lacks "Cara pakai" && output_lacks "tahap"
}

command_help_follows_lang() {
	run_in LANG=C.UTF-8 -- --lang=id apply --help && status_is 0 &&
		output_has "tahap SOP 1" && output_has "nama lengkap sesuai KTP" &&
		run_in LANG=C.UTF-8 -- --lang=en apply --help && status_is 0 &&
		output_has "SOP step 1" && output_has "full name as on the KTP"
}

unknown_command_error_is_indonesian_with_lang_id() {
	run_in LANG=C.UTF-8 -- --lang id frobnicate && status_is 1 &&
		output_has "enroll: perintah tidak dikenal: frobnicate" &&
		output_has "lihat 'enroll --help' atau 'enroll PERINTAH --help'" &&
		output_lacks "unknown command"
}

unknown_command_error_is_english_with_lang_en() {
	run_in LANG=C.UTF-8 -- --lang en frobnicate && status_is 1 &&
		output_has "enroll: unknown command: frobnicate" &&
		output_has "see 'enroll --help' or 'enroll COMMAND --help'" &&
		output_lacks "perintah"
}

# A library error (here: the database cannot be created) goes through the error table: the
# Indonesian run shows the catalogue's translation of the English summary and hint, with the
# same exit status. Read from the English run so the test does not depend on which error.
database_error_follows_lang() {
	db=$T_DIR/no-such-dir/enroll.db
	run_in LANG=C.UTF-8 -- --lang en --db "$db" show TTE/2026/0001
	en_status=$(cat "$T_DIR/status")
	summary=$(sed -n '1s/^enroll: \([^:]*\).*/\1/p' "$T_DIR/out")
	hint=$(sed -n '2s/^  //p' "$T_DIR/out")
	if [ "$en_status" -eq 0 ] || [ -z "$summary" ] || [ -z "$hint" ]; then
		echo "no error with a hint:"
		cat "$T_DIR/out"
		return 1
	fi
	id_summary=$(id_text "$summary") && id_hint=$(id_text "$hint") || return 1
	run_in LANG=C.UTF-8 -- --lang id --db "$db" show TTE/2026/0001 && status_is "$en_status" &&
		output_has "enroll: $id_summary" && output_has "  $id_hint" &&
		output_lacks "$summary" && [ ! -e "$db" ]
}

# id_text MSGID: its Indonesian translation; fails if there is none.
id_text() {
	text=$(TEXTDOMAINDIR=$ENROLL_LOCALEDIR LANGUAGE=id LC_ALL=C.UTF-8 gettext -d enroll "$1")
	[ "$text" != "$1" ] || { echo "not translated: $1"; return 1; }
	echo "$text"
}

# --lang must work whatever locale the operator's session has, including none at all and
# locales that are not installed (a fresh Debian 12 has only C.UTF-8).
lang_id_works_in_every_locale_environment() {
	for envs in "LANG=C.UTF-8" "LC_ALL=C" "LC_ALL=POSIX" "LANG=en_US.UTF-8" \
		"LC_ALL=id_ID.UTF-8" "LC_MESSAGES=C" "LANGUAGE=en LANG=C.UTF-8" "PWD=/"; do
		# shellcheck disable=SC2086
		run_in $envs -- --lang id frobnicate
		output_has "perintah tidak dikenal" || { echo "in: $envs"; return 1; }
	done
}

# Without --lang the locale's language is used; the only one present is C: English.
default_language_in_c_locale_is_english() {
	run_in LC_ALL=C -- frobnicate && status_is 1 && output_has "unknown command: frobnicate"
}

# cli_indonesian() asks the catalogue for "en"; id.po must answer "id".
catalogue_names_its_language() {
	[ "$(TEXTDOMAINDIR=$ENROLL_LOCALEDIR LANGUAGE=id LC_ALL=C.UTF-8 gettext -d enroll en)" = id ] &&
		[ "$(TEXTDOMAINDIR=$ENROLL_LOCALEDIR LANGUAGE=en LC_ALL=C.UTF-8 gettext -d enroll en)" = en ]
}

# help_statuses: "N|meaning" for each exit status listed by --lang en --help.
help_statuses() {
	"$ENROLL" --lang en --help | sed -n '/^Exit status:/,$p' |
		sed -n 's/^ *\([0-9][0-9]*\)  \(.*\)$/\1|\2/p'
}

# man_statuses: "N|meaning" for each ".TP/.B N/meaning" in enroll.1's EXIT STATUS section.
man_statuses() {
	awk '/^\.SH /{ on = ($0 ~ /^\.SH "?EXIT STATUS/); next }
	     on && /^\.B [0-9]+ *$/ { n = $2; getline text; print n "|" text }' "$MAN"
}

every_exit_status_in_help_is_in_the_man_page() {
	help_statuses >"$T_DIR/help" && man_statuses >"$T_DIR/man" || return 1
	[ "$(wc -l <"$T_DIR/help")" -ge 20 ] || { echo "too few statuses parsed"; return 1; }
	cut -d'|' -f1 "$T_DIR/help" | sort -n >"$T_DIR/help.n"
	cut -d'|' -f1 "$T_DIR/man" | sort -n >"$T_DIR/man.n"
	diff "$T_DIR/help.n" "$T_DIR/man.n"
}

man_page_exit_statuses_say_what_help_says() {
	help_statuses | sort >"$T_DIR/help" && man_statuses | sort >"$T_DIR/man" &&
		diff "$T_DIR/help" "$T_DIR/man"
}

catalogues_compile_with_checked_formats() {
	for lang in id en; do
		msgfmt --check -o /dev/null "$PO/$lang.po" || return 1
	done
}

# msgfmt --statistics: "N translated messages." and nothing fuzzy or untranslated.
indonesian_catalogue_has_no_untranslated_or_fuzzy_message() {
	stats=$(LC_ALL=C msgfmt --statistics -o /dev/null "$PO/id.po" 2>&1) || return 1
	echo "$stats"
	case $stats in
	*fuzzy* | *untranslated*) return 1 ;;
	*" translated message"*) ;;
	*) return 1 ;;
	esac
	# and it holds every message of the template, none obsolete
	msgcmp -N "$PO/id.po" "$PO/enroll.pot" && ! grep -q '^#~' "$PO/id.po"
}

# en.po: each msgstr is its msgid (or the plural msgid), or empty.
english_catalogue_translates_each_message_to_itself() {
	msgcmp -N --use-untranslated "$PO/en.po" "$PO/enroll.pot" || return 1
	! grep -q '^#~' "$PO/en.po" || return 1
	# shellcheck disable=SC2016 # the script is expanded by the inner shell, per message
	msgexec -i "$PO/en.po" sh -c '
		[ -n "$MSGEXEC_MSGID" ] || exit 0
		cat >"$0"
		[ -s "$0" ] || exit 0
		want=$MSGEXEC_MSGID
		[ "${MSGEXEC_PLURAL_FORM:-0}" = 0 ] || want=$MSGEXEC_MSGID_PLURAL
		printf "%s" "$want" | cmp -s - "$0" || { echo "differs: $want"; exit 1; }
	' "$T_DIR/msgstr"
}

# Every source of the command and the libraries that marks messages is in POTFILES, and
# every listed file exists.
potfiles_lists_every_source_with_messages() {
	(cd "$top_srcdir" && grep -lE '(^|[^A-Za-z0-9_])(N?_|n?gettext)\(' enroll/*.c workflow/*.c \
		pkcs11/*.c issuer/*.c papers/*.c) |
		sort >"$T_DIR/marked"
	[ -s "$T_DIR/marked" ] || return 1
	grep -v '^#' "$PO/POTFILES" | sed '/^$/d' | sort >"$T_DIR/listed"
	comm -23 "$T_DIR/marked" "$T_DIR/listed" | sed 's/^/not in POTFILES: /' >"$T_DIR/missing"
	cat "$T_DIR/missing"
	[ ! -s "$T_DIR/missing" ] || return 1
	while read -r f; do
		[ -f "$top_srcdir/$f" ] || { echo "listed but missing: $f"; return 1; }
	done <"$T_DIR/listed"
}

# enroll.pot holds exactly the messages the sources hold now (regenerated and compared
# both ways, so a new, changed or removed message fails until 'make -C po update-po').
template_is_current_with_the_sources() {
	(cd "$top_srcdir" && xgettext --from-code=UTF-8 -k_ -kN_ -o "$T_DIR/fresh.pot" \
		-f po/POTFILES) || return 1
	msgcmp -N --use-untranslated "$T_DIR/fresh.pot" "$PO/enroll.pot" &&
		msgcmp -N --use-untranslated "$PO/enroll.pot" "$T_DIR/fresh.pot"
}

# glossary_rows: "english;indonesian;never" for each row of po/GLOSSARY.md's table (an
# escaped \| inside a cell is an alternation of the regular expression).
glossary_rows() {
	sed -n '/^| English/,/^$/p' "$PO/GLOSSARY.md" | sed '1,2d; /^$/d; s/\\|/\a/g' |
		awk -F'|' '{ for (i = 2; i <= 4; i++) { gsub(/^ +| +$/, "", $i); gsub(/\a/, "|", $i) }
			     print $2 ";" $3 ";" $4 }'
}

# po_pairs FILE: "msgid<TAB>msgstr" for each message but the header, one a line, lowercased.
po_pairs() {
	msgcat --no-wrap --no-location "$1" | awk '
		function flush() {
			if (id != "") { gsub(/""/, "", id); gsub(/""/, "", str); print tolower(id "\t" str) }
			id = ""; str = ""; part = ""
		}
		/^msgid / { flush(); id = substr($0, 7); part = "id"; next }
		/^msgid_plural / { part = ""; next }
		/^msgstr/ { sub(/^msgstr(\[[0-9]+\])? /, ""); str = str $0; part = "str"; next }
		/^"/ { if (part == "id") id = id $0; else if (part == "str") str = str $0; next }
		{ flush() }
		END { flush() }' | grep -v '^""'"$(printf '\t')"
}

# offenders TITLE: fail with the messages read from stdin, if there are any.
offenders() {
	cat >"$T_DIR/offenders"
	[ -s "$T_DIR/offenders" ] || return 0
	echo "$1:"
	cat "$T_DIR/offenders"
	return 1
}

# The catalogue follows the glossary: the term's Indonesian word wherever the English has it,
# and none of the words the glossary rejects.
catalogue_follows_the_glossary() {
	glossary_rows >"$T_DIR/rows" && [ "$(wc -l <"$T_DIR/rows")" -ge 10 ] || return 1
	po_pairs "$PO/id.po" >"$T_DIR/pairs" && [ -s "$T_DIR/pairs" ] || return 1
	status=0
	while IFS=';' read -r english indonesian never; do
		# the codes in a msgid (wf_application_get, lost|revoke|expire) are not its words
		awk -F'\t' -v en="(^|[^a-z])($english)" -v id="$indonesian" '{
			text = $1; gsub(/[a-z_]+(\|[a-z_]+)+/, "", text); gsub(/[a-z]*_[a-z_]*/, "", text)
			if (text ~ en && $2 !~ id) print }' "$T_DIR/pairs" |
			offenders "'$english' without '$indonesian'" || status=1
		echo "$never" | tr ',' '\n' | sed 's/^ *//; s/ *$//; /^$/d' >"$T_DIR/never"
		while read -r word; do
			cut -f2 "$T_DIR/pairs" | grep -iF -- "$word" |
				offenders "'$word', which the glossary rejects" || status=1
		done <"$T_DIR/never"
	done <"$T_DIR/rows"
	return $status
}

# "dicabut" is a revoked certificate only: a token leaves its reader "dilepas".
cabut_is_said_of_revocation_only() {
	po_pairs "$PO/id.po" | awk -F'\t' '$2 ~ /cabut/ && $1 !~ /revo/' |
		offenders "'cabut' for something not revoked"
}

# No parenthesis inside a parenthesis, in either language.
no_doubled_parentheses() {
	for lang in id en; do
		po_pairs "$PO/$lang.po" | cut -f2 | grep -E '\([^)]*\(' |
			offenders "doubled parentheses in $lang.po" || return 1
	done
}

t_ok help_is_indonesian_with_lang_id help_is_indonesian_with_lang_id
t_ok help_is_english_with_lang_en help_is_english_with_lang_en
t_ok command_help_follows_lang command_help_follows_lang
t_ok unknown_command_error_is_indonesian_with_lang_id unknown_command_error_is_indonesian_with_lang_id
t_ok unknown_command_error_is_english_with_lang_en unknown_command_error_is_english_with_lang_en
t_ok database_error_follows_lang database_error_follows_lang
t_ok lang_id_works_in_every_locale_environment lang_id_works_in_every_locale_environment
t_ok default_language_in_c_locale_is_english default_language_in_c_locale_is_english
t_ok catalogue_names_its_language catalogue_names_its_language
t_ok every_exit_status_in_help_is_in_the_man_page every_exit_status_in_help_is_in_the_man_page
t_ok man_page_exit_statuses_say_what_help_says man_page_exit_statuses_say_what_help_says
t_ok catalogues_compile_with_checked_formats catalogues_compile_with_checked_formats
t_ok indonesian_catalogue_has_no_untranslated_or_fuzzy_message \
	indonesian_catalogue_has_no_untranslated_or_fuzzy_message
t_ok english_catalogue_translates_each_message_to_itself \
	english_catalogue_translates_each_message_to_itself
t_ok potfiles_lists_every_source_with_messages potfiles_lists_every_source_with_messages
t_ok template_is_current_with_the_sources template_is_current_with_the_sources
t_ok catalogue_follows_the_glossary catalogue_follows_the_glossary
t_ok cabut_is_said_of_revocation_only cabut_is_said_of_revocation_only
t_ok no_doubled_parentheses no_doubled_parentheses
t_done
