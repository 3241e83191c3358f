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

static const struct cli_command commands[] = {
	{ "init", NULL, 0, cmd_init, "--office NAME --city CITY [--issuer KIND [--SETTING VALUE]...] ...",
	  N_("create the database, the data directory and the issuer") },
	{ "issuer", "set", 0, cmd_issuer_set, "KIND [--SETTING VALUE]...",
	  N_("change the issuer new requests are sent through (Kasi; audited)") },
	{ "issuer", "show", 0, cmd_issuer_show, "",
	  N_("show the issuer, its settings and the connectors there are") },
	{ "official", "add", 0, cmd_official_add, "--name NAME --nip NIP --role ROLE --login LOGIN",
	  N_("register an official (kepala_dinas, kabid, kasi)") },
	{ "official", "list", 0, cmd_official_list, "", N_("list the officials") },
	{ "apply", NULL, 1, cmd_apply, "--name NAME --nik NIK ... [--document KIND[=SCAN]]...",
	  N_("record an application and the documents received") },
	{ "document", NULL, 1, cmd_document, "ID --document KIND[=SCAN]...",
	  N_("record documents received later (before the request is sent)") },
	{ "dispose", NULL, 2, cmd_dispose, "ID [--note TEXT] [--on-behalf LOGIN --reference REF]",
	  N_("dispose the application (Kepala Dinas: step 2, Kabid: step 3)") },
	{ "register", NULL, 4, cmd_register, "ID [--note TEXT]",
	  N_("record the data collection and registration through the verifier") },
	{ "send", NULL, 5, cmd_send, "ID [--note TEXT]",
	  N_("check the documents are complete and hand the request to the issuer") },
	{ "keygen", NULL, 6, cmd_keygen, "ID [--key-type TYPE] [--token T] [--wait SECONDS] [--restart]",
	  N_("the passphrase step: PIN, key generated on the token, CSR to the issuer") },
	{ "import", NULL, 7, cmd_import, "ID [--cert FILE]",
	  N_("import the issued certificate onto the token and check it is ready") },
	{ "handover", NULL, 7, cmd_handover, "ID [--note TEXT]",
	  N_("hand the token over to its owner and print the receipt") },
	{ "return", NULL, 0, cmd_return, "ID --reason TEXT [--missing KIND]...",
	  N_("return the application to the applicant (incomplete documents)") },
	{ "resubmit", NULL, 0, cmd_resubmit, "ID [--document KIND[=SCAN]]...",
	  N_("record the applicant's resubmission after a return") },
	{ "reject", NULL, 0, cmd_reject, "ID --reason TEXT", N_("reject the application") },
	{ "cancel", NULL, 0, cmd_cancel, "ID --reason TEXT", N_("cancel the application") },
	{ "lifecycle", NULL, 0, cmd_lifecycle, "ID lost|revoke|expire|renew --reason TEXT",
	  N_("record what happened to a handed-over token or certificate") },
	{ "show", NULL, 0, cmd_show, "ID", N_("show an application with its history") },
	{ "list", NULL, 0, cmd_list, "[--state STATE]", N_("list applications") },
	{ "report", NULL, 0, cmd_report, "[holders|states|steps|overdue] [--from DATE --to DATE]",
	  N_("reports: certificate holders, states, step times, overdue") },
	{ "audit", "verify", 0, cmd_audit_verify, "", N_("verify the audit log's hash chain") },
	{ "backup", NULL, 0, cmd_backup, "FILE", N_("copy the database online to FILE") },
	{ "token", "list", 0, cmd_token_list, "", N_("list readers and tokens") },
	{ "token", "info", 0, cmd_token_info, "[--token T]", N_("show a token's details") },
	{ "token", "wait", 0, cmd_token_wait, "[--timeout SECONDS]",
	  N_("wait for a token to be inserted") },
	{ "token", "change-pin", 0, cmd_token_change_pin, "[--token T]",
	  N_("change the token's user PIN") },
	{ "token", "unblock", 0, cmd_token_unblock, "[--token T]",
	  N_("unblock the user PIN with the SO PIN") },
	{ "token", "reset", 0, cmd_token_reset, "[--token T] [--confirm SERIAL] [--label LABEL]",
	  N_("clear a token for its next holder (SO PIN; audited)") },
	{ "token", "history", 0, cmd_token_history, "[SERIAL|URI]",
	  N_("every application, key and certificate recorded on a token") },
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

/* --lang before anything is printed: LANGUAGE picks the catalogue. */
static void
set_language(int argc, char **argv)
{
	const char *lang = NULL, *dir = getenv("ENROLL_LOCALEDIR");

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc)
			lang = argv[i + 1];
		else if (strncmp(argv[i], "--lang=", 7) == 0)
			lang = argv[i] + 7;
	}
	setlocale(LC_ALL, "");
	if (lang != NULL) {
		setenv("LANGUAGE", lang, 1);
		/* gettext ignores LANGUAGE in the "C" locale. */
		if (strcmp(setlocale(LC_MESSAGES, NULL), "C") == 0)
			setlocale(LC_MESSAGES, "C.UTF-8");
	}
	bindtextdomain(PACKAGE, dir != NULL ? dir : LOCALEDIR);
	bind_textdomain_codeset(PACKAGE, "UTF-8");
	textdomain(PACKAGE);
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

/* What the issuer wrote, found or issued: as the token layer's information. */
static void
log_issuer(void *arg, const char *message)
{
	log_to_stderr(arg, TOK_LOG_INFO, message);
}

int
main(int argc, char **argv)
{
	struct cli cli = { .pin_fd = -1, .so_pin_fd = -1 };
	const struct cli_command *command;
	int first, consumed = 0, r;

	set_language(argc, argv);
	cli.db_path = getenv("ENROLL_DB") ? getenv("ENROLL_DB") : ENROLL_DEFAULT_DB;
	cli.module_path = getenv("ENROLL_MODULE");
	set_login(&cli);
	tok_set_log(log_to_stderr, NULL);
	iss_set_log(log_issuer, NULL);
	if ((first = cli_parse_globals(&cli, argc, argv)) < 0)
		return -first;
	if (first >= argc || strcmp(argv[first], "--help") == 0 || strcmp(argv[first], "help") == 0) {
		cli_print_usage();
		return first >= argc ? EXIT_USAGE : EXIT_OK;
	}
	if (strcmp(argv[first], "--list-commands") == 0) {
		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			printf("%s%s%s\n", commands[i].name, commands[i].subname ? " " : "",
			       commands[i].subname ? commands[i].subname : "");
		return EXIT_OK;
	}
	if ((command = find_command(argc - first, argv + first, &consumed)) == NULL)
		return cli_fail_usage(_("unknown command: %s"), argv[first]);
	/* The command sees its own name as argv[0], then its options and arguments. */
	r = command->run(&cli, command, argc - first - consumed + 1, argv + first + consumed - 1);
	if (r < 0)
		r = EXIT_OK;
	wf_store_close(cli.store);
	tok_ctx_free(cli.tok);
	return r;
}
