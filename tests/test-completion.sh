#!/bin/sh
# test-completion.sh: bash completion (issue 11) driven for real: a non-interactive bash loads
# bash-completion and enroll's completion file, is given the words typed, runs the function
# "complete -p enroll" names, and its COMPREPLY is checked: commands, subcommands, options,
# option values, and application numbers read from a real store.
. "$top_srcdir/tests/enroll-lib.sh"

BASH_COMPLETION=/usr/share/bash-completion/bash_completion
COMPLETION=$top_srcdir/enroll/enroll.bash-completion
[ -r "$BASH_COMPLETION" ] || { echo "Bail out! bash-completion is not installed"; exit 1; }

# The command under test as "enroll" on the PATH, as completion finds it.
mkdir "$T_DIR/bin" &&
	printf '#!/bin/sh\nexec "%s" "$@"\n' "$ENROLL" >"$T_DIR/bin/enroll" && chmod +x "$T_DIR/bin/enroll"

# completes WORDS...: what bash offers for the last word (give "" to complete an empty one),
# one per line, sorted, in $T_DIR/out.
completes() {
	PATH="$T_DIR/bin:$PATH" bash --norc --noprofile -c '
		. "$1" && . "$2" || exit 1
		shift 2
		spec=$(complete -p enroll) || exit 1
		function=${spec#*-F }
		function=${function%% *}
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		"$function" enroll "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' bash "$BASH_COMPLETION" "$COMPLETION" enroll "$@" |
		sed "/^$/d" | LC_ALL=C sort >"$T_DIR/out"
}

# offers WORD...: each WORD is among the completions; lacks WORD: it is not.
offers() {
	for word in "$@"; do
		grep -qxF -- "$word" "$T_DIR/out" || { echo "not offered: $word; offered:"; cat "$T_DIR/out"; return 1; }
	done
}
lacks() {
	! grep -qxF -- "$1" "$T_DIR/out" || { echo "offered: $1"; cat "$T_DIR/out"; return 1; }
}
exactly() {
	[ "$(tr '\n' ' ' <"$T_DIR/out")" = "$1" ] || { echo "offered: $(tr '\n' ' ' <"$T_DIR/out"), not $1"; return 1; }
}

the_completion_function_is_registered() {
	PATH="$T_DIR/bin:$PATH" bash --norc --noprofile -c '. "$1" && . "$2" && complete -p enroll' \
		bash "$BASH_COMPLETION" "$COMPLETION" | grep -q -- '-F _enroll enroll$'
}

command_names_are_completed() {
	completes "" && offers apply dispose keygen official token report lifecycle && lacks add &&
		completes ap && exactly "apply " &&
		completes --db "$ENROLL_DB" re && exactly "register reject report restore resubmit return "
}

subcommands_are_completed() {
	completes official "" && exactly "add deactivate edit list " &&
		completes token "" && offers list info wait change-pin unblock reset history &&
		completes token re && exactly "reset " && completes audit v && exactly "verify "
}

options_of_a_command_are_completed() {
	completes keygen TTE/2026/0001 --r && exactly "--restart " &&
		completes keygen --w && exactly "--wait= " &&
		completes report --cs && exactly "--csv --csv-separator= " &&
		completes return x --m && exactly "--missing= --module= " &&
		completes official add --n && exactly "--name= --nip= " &&
		completes list -- && offers --state= --limit= --db= --json --help && lacks --pin= &&
		completes --js && exactly "--json "
}

application_numbers_come_from_the_store() {
	first=$(t_apply "Sari Dewi") && second=$(t_apply "Ahmad Fauzi") || return 1
	completes show "" && exactly "$first $second " &&
		completes dispose TTE && offers "$first" "$second" &&
		completes lifecycle "$first" "" && exactly "expire lost renew revoke " &&
		# another store, named on the line: its numbers, and none from a store that is not there
		completes --db "$T_DIR/none.db" show "" && exactly "" && [ ! -e "$T_DIR/none.db" ]
}

values_of_options_are_completed() {
	completes list --state "" && offers submitted disposed_kadis active returned renewed &&
		completes list --state=dis && exactly "disposed_kabid disposed_kadis " &&
		completes report "" && exactly "holders overdue states steps " &&
		completes report --by "" && exactly "all month quarter year " &&
		completes keygen x --key-type "" && exactly "ec-p256 ec-p384 rsa2048 rsa3072 rsa4096 " &&
		completes --lang "" && exactly "en id " &&
		completes official add --role "" && exactly "kabid kasi kepala_dinas " &&
		completes init --issuer "" && exactly "file local " &&
		completes apply --document "" && exactly "form ktp letter sk "
}

t_station || { echo "Bail out! the station cannot be set up"; exit 1; }
t_ok the_completion_function_is_registered the_completion_function_is_registered
t_ok command_names_are_completed command_names_are_completed
t_ok subcommands_are_completed subcommands_are_completed
t_ok options_of_a_command_are_completed options_of_a_command_are_completed
t_ok application_numbers_come_from_the_store application_numbers_come_from_the_store
t_ok values_of_options_are_completed values_of_options_are_completed
t_done
