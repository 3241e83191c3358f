/*
 * cli.h: what the enroll command's files share: the invocation, option tables, prompts,
 * output, and the one place where library errors become localized messages and exit codes.
 */
#ifndef ENROLL_CLI_H
#define ENROLL_CLI_H

#include "config.h"

#include <stdbool.h>
#include <stdio.h>

#include <json-c/json.h>
#include <libintl.h>

#include "issuer.h"
#include "token.h"
#include "workflow.h"

#define _(s) gettext(s)
#define N_(s) (s)

/* Exit statuses, documented in enroll(1); cli_exit_codes() lists them for the man page test. */
enum cli_exit {
	EXIT_OK = 0,
	EXIT_USAGE = 1,
	EXIT_INTERNAL = 2,
	EXIT_DATABASE = 3,
	EXIT_NOT_FOUND = 4,
	EXIT_STATE = 5,
	EXIT_ROLE = 6,
	EXIT_CONFLICT = 7,
	EXIT_INVALID = 8,
	EXIT_INCOMPLETE = 9,
	EXIT_TOKEN = 10,
	EXIT_PIN_INCORRECT = 11,
	EXIT_PIN_LOCKED = 12,
	EXIT_PIN_POLICY = 13,
	EXIT_UNSUPPORTED = 14,
	EXIT_CERT_MISMATCH = 15,
	EXIT_CERT_VALIDITY = 16,
	EXIT_CERT_UNTRUSTED = 17,
	EXIT_CERT_USAGE = 18,
	EXIT_ISSUER = 19,
	EXIT_PCSC = 20,
	EXIT_CANCELLED = 21,
	EXIT_AUDIT = 22,
	EXIT_FILE = 23,
	EXIT_NOT_READY = 24,
	EXIT_TOKEN_HELD = 25,
};

/* The invocation: global options and what the commands open on demand. */
struct cli {
	const char *db_path;
	const char *module_path;
	const char *token_selector;
	bool json;
	int pin_fd; /* -1: prompt on the terminal */
	int so_pin_fd;
	char login[64];	   /* the OS login acting */
	bool so_pin_hex16; /* this token's SO PIN is 16 hexadecimal digits (device table) */
	struct wf_store *store;
	struct tok_ctx *tok;
	const char *lang; /* --lang as given, NULL if not: papers default to Indonesian */
};

/*
 * One option of a command: parsed into *target (static storage of the command's file, one
 * command runs per process); the usage line, --help, the man page and completion read it.
 */
enum cli_option_kind { OPT_FLAG, OPT_STRING, OPT_INT, OPT_LIST };
struct cli_option {
	const char *name;
	enum cli_option_kind kind;
	void *target;	      /* bool *, const char **, int *, struct cli_list * */
	const char *argument; /* e.g. "FILE"; NULL for flags */
	const char *help;     /* N_() text */
	bool required; /* a string or list: cli_parse refuses it left out; no brackets in usage */
};
#define CLI_LIST_MAX 16
struct cli_list {
	const char *items[CLI_LIST_MAX];
	int count;
};

/* A command's place in the procedure, besides an enum wf_action of the transition table. */
enum { CLI_NO_STEP = -1, CLI_CREATES_APPLICATION = -2 };

/* A subcommand: the dispatch table in main.c; help, the man page and completion read it. */
struct cli_command {
	const char *name;
	const char *subname; /* "add" for "official add", NULL otherwise */
	int action;	     /* enum wf_action: its steps are the table's; or the two above */
	int (*run)(struct cli *cli, const struct cli_command *self, int argc, char **argv);
	const struct cli_option *options; /* NULL-terminated; NULL for none */
	const char *operands; /* after the options in the usage line, e.g. "ID"; NULL for none */
	const char *summary;  /* N_() text */
};
const struct cli_command *cli_commands(size_t *count);
/* The global options (NULL-terminated), accepted before or after the command name. */
const struct cli_option *cli_global_options(void);
/* The SOP steps a command does, ascending, into steps[]; returns how many (0 for none). */
size_t cli_command_steps(const struct cli_command *command, int steps[], size_t max);

/*
 * Parse argv (argv[0] is the command name) against the command's options and the global
 * options; names are matched in full, never abbreviated. Positional arguments are returned
 * in *positional / *npositional. Returns -1 after printing help for --help (the caller
 * returns EXIT_OK), an exit status > 0 on error.
 */
int cli_parse(struct cli *cli, const struct cli_command *command, int argc, char **argv,
	      char ***positional, int *npositional);
/*
 * Exactly one positional argument, the application number, or a usage error. The number is
 * normalized into number: "tte/2026/0003" is TTE/2026/0003, a bare "3" this year's.
 */
int cli_parse_id(struct cli *cli, const struct cli_command *command, int argc, char **argv,
		 char number[WF_NUMBER_MAX]);
/* Exactly one positional argument (a directory, a login, a connector) or the usage line. */
int cli_parse_operand(struct cli *cli, const struct cli_command *command, int argc, char **argv,
		      const char **operand);
/* The same normalization, for a command whose number is one of several operands. */
int cli_normalize_number(const char *text, char number[WF_NUMBER_MAX]);
/* "did you mean": the candidate nearest to word when it is close, NULL otherwise. */
const char *cli_nearest(const char *word, const char *const *candidates, size_t count);

/*
 * Open the store / the PKCS#11 module on first use. Return an exit status. Only init
 * creates the database (cli_store_create); every other command needs one there already.
 */
int cli_store(struct cli *cli);
int cli_store_create(struct cli *cli);
int cli_tokens(struct cli *cli);
/* Open the selected token (--token), or the only one present. */
int cli_open_token(struct cli *cli, struct tok_token **out);

/* Errors: print one localized line (and a hint) to stderr; return the exit status. */
int cli_fail_tok(struct cli *cli, const struct tok_error *err);
int cli_fail_wf(struct cli *cli, const struct wf_error *err);
int cli_fail_iss(struct cli *cli, const struct iss_error *err);
int cli_fail_usage(const char *format, ...) __attribute__((format(printf, 1, 2)));
int cli_fail_file(const char *path, int errnum);
/*
 * The station's default store from its configuration file (ENROLL_CONF, else
 * $(sysconfdir)/enroll.conf): *db malloc'd, NULL when the file or its setting is absent.
 * 0, or the exit status of a refusal already said (an unsafe file, an unknown line).
 */
int cli_conf_db(char **db);
/* Exit statuses with their meaning, for help and the man page test. */
struct cli_exit_code {
	int status;
	const char *meaning;
};
const struct cli_exit_code *cli_exit_codes(size_t *count);

/* PINs. Read from --pin-fd / --so-pin-fd or prompt on the terminal without echo. */
int cli_read_pin(struct cli *cli, bool so, const char *prompt, struct tok_pin *pin);
/* A new PIN: typed twice until both agree (terminal), checked against the token's policy. */
int cli_read_new_pin(struct cli *cli, bool so, struct tok_token *token, struct tok_pin *pin);
/*
 * Before a user PIN is used: warn when the token says it is the last try, or (when it is
 * typed now, on the terminal or pinpad) that few are left. A PIN from --pin-fd is not
 * typed now: a wrong one's refusal says "few tries left" once.
 */
void cli_warn_tries(const struct cli *cli, const struct tok_info *info);
/* Log in as user, asking for the PIN (or using the pinpad). */
int cli_login(struct cli *cli, struct tok_token *token);
/* No core dumps and no ptrace from now on: called before any PIN is read. */
void cli_protect_process(void);

/* Output: a JSON value printed (and released) when --json, a message otherwise. */
void cli_print_json(struct json_object *value);
/* Add a string member only when value is non-NULL and non-empty. */
void cli_json_add_string(struct json_object *object, const char *key, const char *value);
/* "2026-11-24 10:15" in local time. */
void cli_format_time(long long when, char *out, size_t size);
/*
 * text as it may reach a terminal: control characters and invisible formatting characters
 * (a newline that would forge a history line, an escape sequence, a bidi override) and
 * bytes that are not UTF-8 written as \xNN or \uNNNN. text itself when it is clean, else buf.
 */
const char *cli_printable(const char *text, char *buf, size_t size);
/* Progress line with elapsed seconds while fn runs (on-card key generation). */
int cli_with_progress(const char *what, int (*fn)(void *arg), void *arg);

/*
 * Test builds only: die here (SIGKILL) when ENROLL_TEST_CRASH_AT names this point; wait here
 * MS milliseconds when ENROLL_TEST_HOLD is "NAME:MS".
 */
void cli_crash_point(const char *name);

/* Parse the global options before the command name; returns the command's index or -status. */
int cli_parse_globals(struct cli *cli, int argc, char **argv);
/* Global help generated from the dispatch table and the exit statuses. */
void cli_print_usage(void);
/* "dispose ID [--note TEXT] ...": the command's usage line, from its tables, into out. */
void cli_format_usage(const struct cli_command *command, char *out, size_t size);
/* A command's help: its usage line, summary, steps and options, from its table. */
void cli_print_help(const struct cli_command *command);
/* Wrong operands: the command's generated usage line, as a usage error (exit 1). */
int cli_fail_usage_line(const struct cli_command *command);
/* "official" alone: its subcommands, as a usage error (exit 1); for --help on stdout (exit 0). */
int cli_list_subcommands(const char *name, bool help);
/*
 * The hidden interface of completion and the man page test (--list-commands, ...): when argv
 * names one, answer it and return the exit status; -1 when it names none.
 */
int cli_query(struct cli *cli, int argc, char **argv);
/* True when argv[i] names a hidden query. */
bool cli_is_query(const char *arg);
/* True when messages are shown in Indonesian (picks the workflow's labels). */
bool cli_indonesian(void);
/* The languages of messages (NULL-terminated): --lang takes one of them. */
const char *const *cli_languages(void);

/* The words a command takes, from its file's table, by index; NULL past the last. */
const char *cli_report_name(size_t i);
const char *cli_period_name(size_t i);
const char *cli_lifecycle_event(size_t i);
const char *cli_document_name(size_t i);
const char *cli_issuer_name(size_t i);

/* Option tables of the commands (NULL-terminated), in the files of their commands. */
extern const struct cli_option official_add_options[], apply_options[], edit_options[],
    document_options[], dispose_options[], note_options[], return_options[], resubmit_options[],
    reason_options[], lifecycle_options[], keygen_options[], import_options[], handover_options[],
    list_options[], report_options[], token_wait_options[], token_reset_options[],
    restore_options[], official_list_options[], official_edit_options[],
    official_deactivate_options[], paper_options[], station_set_options[];
extern const struct cli_option audit_verify_options[], migrate_options[];

/*
 * The option tables that end with each issuer connector's settings, from issuer/'s table:
 * filled once, before any command line is read.
 */
extern struct cli_option init_options[], issuer_set_options[], office_set_options[];
void cli_init_options_fill(void);
void cli_issuer_set_options_fill(void);
void cli_office_set_options_fill(void);

/* --from, --to and --by of the reports into request (an exit status, 0 if fine). */
int cli_parse_report_request(const char *from, const char *to, const char *by,
			     struct wf_report_request *request);

/*
 * The papers (cmd_print.c). cli_print_paper renders the paper asked for (struct
 * pp_request of papers.h) in its language, writes it to output (NULL: its default name in
 * the current directory; "-": stdout), records the printing and says where it went, or,
 * with written, only copies the path there. Returns an exit status.
 */
struct pp_request;
int cli_print_paper(struct cli *cli, const struct pp_request *request, const char *output,
		    char *written, size_t size);
/* Papers are Indonesian unless --lang asks for another language. */
bool cli_paper_indonesian(const struct cli *cli);
const char *cli_paper_name(size_t i);

/* An official's texts into official, each stored whole or refused (exit status, 0 if done). */
int cli_fill_official(struct cli *cli, struct wf_official *official, const char *name,
		      const char *nip, const char *position, const char *login);

/* What the operator may type next for an application in state ("dispose, return, ..."). */
char *cli_next_commands(enum wf_state state, char *buf, size_t size);

/* Commands. */
int cmd_init(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_official_add(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_official_list(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_official_edit(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_official_deactivate(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_apply(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_edit(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_document(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_station_set(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_dispose(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_register(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_send(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_return(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_resubmit(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_reject(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_cancel(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_keygen(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_import(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_handover(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_lifecycle(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_show(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_scan(struct cli *cli, const struct cli_command *self, int argc, char **argv);
extern const struct cli_option scan_options[];
/* A document kind as the operator types it (letter, form, ktp, sk), or a usage error. */
int cli_document_kind(const char *name, enum wf_document_kind *kind);
int cmd_list(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_report(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_audit_verify(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_backup(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_restore(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_migrate(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_token_list(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_token_info(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_token_wait(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_token_change_pin(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_token_unblock(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_token_reset(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_issuer_set(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_issuer_show(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_token_history(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_print(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_verify_paper(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_office_set(struct cli *cli, const struct cli_command *self, int argc, char **argv);
int cmd_office_show(struct cli *cli, const struct cli_command *self, int argc, char **argv);

#endif
