/*
 * main.c: the enroll command's entry point: language, global options, the dispatch
 * table of subcommands (help and completion read it), and the resources commands share.
 */
#include <locale.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "cli.h"

/* Operands by name (ID, EVENT, REPORT, FILE): the usage line shows them; completion reads them. */
static const struct cli_command commands[] = {
    {"init", NULL, CLI_NO_STEP, cmd_init, init_options, NULL,
     N_("create the database, the data directory and the issuer")},
    {"issuer", "set", CLI_NO_STEP, cmd_issuer_set, issuer_set_options, "KIND",
     N_("change the issuer new requests are sent through (Kasi; audited)")},
    {"issuer", "show", CLI_NO_STEP, cmd_issuer_show, NULL, NULL,
     N_("show the issuer, its settings and the connectors there are")},
    {"official", "add", CLI_NO_STEP, cmd_official_add, official_add_options, NULL,
     N_("register an official (kepala_dinas, kabid, kasi)")},
    {"official", "list", CLI_NO_STEP, cmd_official_list, official_list_options, NULL,
     N_("list the officials")},
    {"official", "edit", CLI_NO_STEP, cmd_official_edit, official_edit_options, "LOGIN|NIP",
     N_("correct an official's name, NIP or position (earlier records keep the old ones)")},
    {"official", "deactivate", CLI_NO_STEP, cmd_official_deactivate, official_deactivate_options,
     "LOGIN|NIP", N_("end an official's term: they can no longer act, their records stay")},
    {"apply", NULL, CLI_CREATES_APPLICATION, cmd_apply, apply_options, NULL,
     N_("record an application and the documents received")},
    {"edit", NULL, CLI_NO_STEP, cmd_edit, edit_options, "ID",
     N_("correct the applicant's data before the key is generated (Kasi; audited)")},
    {"station", "set", CLI_NO_STEP, cmd_station_set, station_set_options, NULL,
     N_("change a setting of the station: the largest scan (Kasi only; audited)")},
    {"document", NULL, CLI_NO_STEP, cmd_document, document_options, "ID",
     N_("record documents received later (before the request is sent)")},
    {"dispose", NULL, WF_ACTION_DISPOSE, cmd_dispose, dispose_options, "ID",
     N_("dispose the application (Kepala Dinas: step 2, Kabid: step 3)")},
    {"register", NULL, WF_ACTION_REGISTER, cmd_register, note_options, "ID",
     N_("record the data collection and registration through the verifier")},
    {"send", NULL, WF_ACTION_SEND, cmd_send, note_options, "ID",
     N_("check the documents are complete and hand the request to the issuer")},
    {"keygen", NULL, WF_ACTION_RECORD_KEY, cmd_keygen, keygen_options, "ID",
     N_("the passphrase step: PIN, key generated on the token, CSR to the issuer")},
    {"import", NULL, WF_ACTION_IMPORT_CERTIFICATE, cmd_import, import_options, "ID",
     N_("import the issued certificate onto the token and check it is ready")},
    {"handover", NULL, WF_ACTION_HANDOVER, cmd_handover, handover_options, "ID",
     N_("hand the token over to its owner and print the receipt")},
    {"return", NULL, CLI_NO_STEP, cmd_return, return_options, "ID",
     N_("return the application to the applicant (incomplete documents)")},
    {"resubmit", NULL, WF_ACTION_RESUBMIT, cmd_resubmit, resubmit_options, "ID",
     N_("record the applicant's resubmission after a return")},
    {"reject", NULL, CLI_NO_STEP, cmd_reject, reason_options, "ID", N_("reject the application")},
    {"cancel", NULL, CLI_NO_STEP, cmd_cancel, reason_options, "ID", N_("cancel the application")},
    {"lifecycle", NULL, CLI_NO_STEP, cmd_lifecycle, lifecycle_options, "ID EVENT",
     N_("record what happened to a handed-over token or certificate")},
    {"show", NULL, CLI_NO_STEP, cmd_show, NULL, "ID", N_("show an application with its history")},
    {"scan", NULL, CLI_NO_STEP, cmd_scan, scan_options, "ID DOCUMENT",
     N_("write a document's scan to a file, its SHA-256 checked against the record")},
    {"list", NULL, CLI_NO_STEP, cmd_list, list_options, NULL, N_("list applications")},
    {"report", NULL, CLI_NO_STEP, cmd_report, report_options, "[REPORT]",
     N_("reports: certificate holders, states, step times, overdue")},
    {"print", NULL, CLI_NO_STEP, cmd_print, paper_options, "PAPER [ID]",
     N_("print a paper as PDF: receipt, return, rejection, request ID; holders")},
    {"verify-paper", NULL, CLI_NO_STEP, cmd_verify_paper, NULL, "PAYLOAD",
     N_("check a receipt's QR code (or its text) against the record")},
    {"office", "set", CLI_NO_STEP, cmd_office_set, office_set_options, NULL,
     N_("set the office's letterhead, numbering and time zone for its papers (Kasi; audited)")},
    {"office", "show", CLI_NO_STEP, cmd_office_show, NULL, NULL,
     N_("show the office's settings for its papers")},
    {"audit", "verify", CLI_NO_STEP, cmd_audit_verify, audit_verify_options, NULL,
     N_("verify the audit log's hash chain")},
    {"backup", NULL, CLI_NO_STEP, cmd_backup, NULL, "DIR",
     N_("write a backup of the station (database, files, manifest) to the new DIR")},
    {"restore", NULL, CLI_NO_STEP, cmd_restore, restore_options, "DIR",
     N_("check a backup in full, then restore the station from it")},
    {"migrate", NULL, CLI_NO_STEP, cmd_migrate, migrate_options, NULL,
     N_("copy the whole store with its history and scans into an empty one (PostgreSQL)")},
    {"token", "list", CLI_NO_STEP, cmd_token_list, NULL, NULL, N_("list readers and tokens")},
    {"token", "info", CLI_NO_STEP, cmd_token_info, NULL, NULL, N_("show a token's details")},
    {"token", "wait", CLI_NO_STEP, cmd_token_wait, token_wait_options, NULL,
     N_("wait for a token to be inserted")},
    {"token", "change-pin", CLI_NO_STEP, cmd_token_change_pin, NULL, NULL,
     N_("change the token's user PIN")},
    {"token", "unblock", CLI_NO_STEP, cmd_token_unblock, NULL, NULL,
     N_("unblock the user PIN with the SO PIN")},
    {"token", "reset", CLI_NO_STEP, cmd_token_reset, token_reset_options, NULL,
     N_("clear a token for its next holder (SO PIN; audited)")},
    {"token", "history", CLI_NO_STEP, cmd_token_history, NULL, "[TOKEN]",
     N_("every application, key and certificate recorded on a token")},
};

const struct cli_command *
cli_commands(size_t *count)
{
	*count = sizeof(commands) / sizeof(commands[0]);
	return commands;
}

bool
cli_indonesian(void)
{
	/* Translators: the language code of this catalogue ("id" in id.po). */
	return strcmp(gettext("en"), "id") == 0;
}

static const char *const languages[] = {"en", "id", NULL};

const char *const *
cli_languages(void)
{
	return languages;
}

static bool
known_language(const char *lang, size_t len)
{
	for (size_t i = 0; languages[i] != NULL; i++)
		if (strlen(languages[i]) == len && strncmp(languages[i], lang, len) == 0)
			return true;
	return false;
}

/*
 * LANG=id_ID.UTF-8 on a machine where that locale is not generated: setlocale() fails and
 * gettext would stay in English; the language part picks the catalogue, as LANGUAGE=id does.
 */
static void
language_from_environment(void)
{
	const char *names[] = {"LC_ALL", "LC_MESSAGES", "LANG"}, *value = NULL;

	for (size_t i = 0; i < 3 && (value == NULL || value[0] == '\0'); i++)
		value = getenv(names[i]);
	if (value == NULL || !known_language(value, strcspn(value, "_.@")))
		return;
	if (getenv("LANGUAGE") == NULL || getenv("LANGUAGE")[0] == '\0')
		setenv("LANGUAGE", value, 1);
	setlocale(LC_ALL, "C.UTF-8");
}

/* --lang before anything is printed: LANGUAGE picks the catalogue. Returns --lang's value. */
static const char *
set_language(int argc, char **argv)
{
	const char *lang = NULL, *dir = getenv("ENROLL_LOCALEDIR");

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc)
			lang = argv[i + 1];
		else if (strncmp(argv[i], "--lang=", 7) == 0)
			lang = argv[i] + 7;
	}
	if (setlocale(LC_ALL, "") == NULL)
		language_from_environment();
	if (lang != NULL && known_language(lang, strlen(lang))) {
		setenv("LANGUAGE", lang, 1);
		/* gettext ignores LANGUAGE in the "C" locale. */
		if (strcmp(setlocale(LC_MESSAGES, NULL), "C") == 0)
			setlocale(LC_MESSAGES, "C.UTF-8");
	}
	bindtextdomain(PACKAGE, dir != NULL ? dir : LOCALEDIR);
	bind_textdomain_codeset(PACKAGE, "UTF-8");
	textdomain(PACKAGE);
	return lang;
}

static void
set_login(struct cli *cli)
{
	struct passwd *pw = getpwuid(getuid());
#ifdef ENROLL_TEST_HOOKS
	/* Test builds act as the officials of the test without creating OS accounts. */
	const char *test_login = getenv("ENROLL_TEST_LOGIN");

	if (test_login != NULL) {
		snprintf(cli->login, sizeof(cli->login), "%s", test_login);
		return;
	}
#endif
	snprintf(cli->login, sizeof(cli->login), "%s", pw ? pw->pw_name : "unknown");
}

static const struct cli_command *
find_command(int argc, char **argv, int *consumed)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(commands[i].name, argv[0]) != 0)
			continue;
		if (commands[i].subname == NULL) {
			*consumed = 1;
			return &commands[i];
		}
		if (argc > 1 && strcmp(commands[i].subname, argv[1]) == 0) {
			*consumed = 2;
			return &commands[i];
		}
	}
	return NULL;
}

/* An unknown command, a command without its subcommand, or a mistyped subcommand. */
static int
fail_command(int argc, char **argv)
{
	const char *names[sizeof(commands) / sizeof(commands[0])], *nearest;
	size_t n = 0;
	bool group = false;

	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		group = group || strcmp(commands[i].name, argv[0]) == 0;
		if (n == 0 || strcmp(names[n - 1], commands[i].name) != 0)
			names[n++] = commands[i].name;
	}
	if (group && (argc < 2 || strcmp(argv[1], "--help") == 0))
		return cli_list_subcommands(argv[0], argc >= 2);
	if (group) {
		n = 0;
		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			if (strcmp(commands[i].name, argv[0]) == 0)
				names[n++] = commands[i].subname;
		if ((nearest = cli_nearest(argv[1], names, n)) != NULL)
			return cli_fail_usage(_("unknown command: %s %s (did you mean %s %s?)"),
					      argv[0], argv[1], argv[0], nearest);
		cli_fail_usage(_("unknown command: %s %s"), argv[0], argv[1]);
		return cli_list_subcommands(argv[0], false);
	}
	if ((nearest = cli_nearest(argv[0], names, n)) != NULL)
		return cli_fail_usage(_("unknown command: %s (did you mean %s?)"), argv[0],
				      nearest);
	return cli_fail_usage(_("unknown command: %s"), argv[0]);
}

static int
store_with(struct cli *cli, struct wf_store *(*open_fn)(const char *, struct wf_error *))
{
	struct wf_error err;

	if (cli->store != NULL)
		return 0;
	/* An empty path would be the current directory's business, never a database. */
	if (cli->db_path == NULL || cli->db_path[0] == '\0')
		return cli_fail_usage(_("the database path is empty: give a file with --db FILE"));
	if ((cli->store = open_fn(cli->db_path, &err)) == NULL)
		return cli_fail_wf(cli, &err);
	return 0;
}

int
cli_store(struct cli *cli)
{
	return store_with(cli, wf_store_open);
}

int
cli_store_create(struct cli *cli)
{
	return store_with(cli, wf_store_create);
}

int
cli_tokens(struct cli *cli)
{
	struct tok_error err;

	if (cli->tok != NULL)
		return 0;
	if ((cli->tok = tok_ctx_new(cli->module_path, &err)) == NULL)
		return cli_fail_tok(cli, &err);
	return 0;
}

int
cli_open_token(struct cli *cli, struct tok_token **out)
{
	struct tok_error err;
	int r;

	if ((r = cli_tokens(cli)) != 0)
		return r;
	if ((*out = tok_open(cli->tok, cli->token_selector, &err)) == NULL)
		return cli_fail_tok(cli, &err);
	return 0;
}

static void
log_to_stderr(void *arg, enum tok_log_level level, const char *message)
{
	if (level <= TOK_LOG_WARNING || getenv("ENROLL_DEBUG") != NULL)
		fprintf(stderr, "enroll: %s\n", message);
}

static int
fail_language(const char *lang)
{
	char list[64] = "";

	for (size_t i = 0; languages[i] != NULL; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
			 languages[i]);
	return cli_fail_usage(_("unknown language '%s'; the languages are: %s"), lang, list);
}

/* What the issuer wrote, found or issued: as the token layer's information. */
static void
log_issuer(void *arg, const char *message)
{
	log_to_stderr(arg, TOK_LOG_INFO, message);
}

int
main(int argc, char **argv)
{
	struct cli cli = {.pin_fd = -1, .so_pin_fd = -1};
	const struct cli_command *command;
	const char *lang;
	int first, consumed = 0, r;

	lang = set_language(argc, argv);
	cli.lang = lang;
	cli.db_path = getenv("ENROLL_DB");
	cli.module_path = getenv("ENROLL_MODULE");
	set_login(&cli);
	tok_set_log(log_to_stderr, NULL);
	iss_set_log(log_issuer, NULL);
	cli_init_options_fill();
	cli_issuer_set_options_fill();
	cli_office_set_options_fill();
	if (lang != NULL && !known_language(lang, strlen(lang)))
		return fail_language(lang);
	if ((first = cli_parse_globals(&cli, argc, argv)) < 0)
		return -first;
	/* --db, then ENROLL_DB, then the station's configuration, then the built-in path. */
	static char *conf_db; /* kept to the end: cli.db_path may be it */
	if (cli.db_path == NULL && (r = cli_conf_db(&conf_db)) != 0)
		return r;
	if (cli.db_path == NULL)
		cli.db_path = conf_db ? conf_db : ENROLL_DEFAULT_DB;
	if (first >= argc || strcmp(argv[first], "--help") == 0 ||
	    strcmp(argv[first], "help") == 0) {
		cli_print_usage();
		return first >= argc ? EXIT_USAGE : EXIT_OK;
	}
	if ((r = cli_query(&cli, argc - first, argv + first)) >= 0) {
		wf_store_close(cli.store);
		return r;
	}
	if ((command = find_command(argc - first, argv + first, &consumed)) == NULL)
		return fail_command(argc - first, argv + first);
	/* The command sees its own name as argv[0], then its options and arguments. */
	r = command->run(&cli, command, argc - first - consumed + 1, argv + first + consumed - 1);
	if (r < 0)
		r = EXIT_OK;
	wf_store_close(cli.store);
	tok_ctx_free(cli.tok);
	return r;
}
