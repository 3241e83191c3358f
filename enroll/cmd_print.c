/*
 * cmd_print.c: the office's papers: print one as PDF (a file, or stdout) and record its
 * SHA-256 in the audit log, check a receipt's QR code against the record, and set the
 * office's letterhead and numbering (Kasi; audited). The layout is papers/' work.
 */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "papers.h"
#include "station.h"

/* gettext's counter: bumped so that a changed LANGUAGE is read again (glibc). */
extern int _nl_msg_cat_cntr;

/*
 * Papers are in Indonesian unless --lang asks otherwise: the catalogue switched for the
 * paper alone, so that the operator's messages stay in their language.
 */
static char *
paper_language_begin(bool indonesian)
{
	const char *was = getenv("LANGUAGE");
	char *saved = was != NULL ? strdup(was) : NULL;

	if (!indonesian || cli_indonesian())
		return saved;
	setenv("LANGUAGE", "id", 1);
	if (strcmp(setlocale(LC_MESSAGES, NULL), "C") == 0)
		setlocale(LC_MESSAGES, "C.UTF-8");
	++_nl_msg_cat_cntr;
	return saved;
}

static void
paper_language_end(char *saved)
{
	if (saved != NULL)
		setenv("LANGUAGE", saved, 1);
	else
		unsetenv("LANGUAGE");
	++_nl_msg_cat_cntr;
	free(saved);
}

static int
write_all(int fd, const unsigned char *data, size_t length)
{
	while (length > 0) {
		ssize_t n = write(fd, data, length);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		length -= (size_t)n;
	}
	return 0;
}

/* The PDF into path ("-": stdout), mode 0600: papers carry personal data. */
static int
write_paper(const char *path, const struct pp_document *doc)
{
	bool out = strcmp(path, "-") == 0;
	int fd = out ? STDOUT_FILENO : open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int saved;

	if (fd < 0 || write_all(fd, doc->data, doc->length) != 0 || (!out && close(fd) != 0)) {
		saved = errno;
		if (fd >= 0 && !out)
			close(fd);
		fprintf(stderr, "enroll: %s: %s: %s\n", _("cannot write file"), path,
			strerror(saved));
		return EXIT_FILE;
	}
	return 0;
}

static void
report_printed(struct cli *cli, const char *path, const struct pp_document *doc)
{
	struct json_object *o;

	if (cli->json) {
		o = json_object_new_object();
		cli_json_add_string(o, "file", path);
		cli_json_add_string(o, "number", doc->number);
		cli_json_add_string(o, "sha256", doc->sha256);
		json_object_object_add(o, "reprint", json_object_new_boolean(doc->reprint));
		cli_print_json(o);
		return;
	}
	/* With the PDF on stdout, what was done goes to stderr. */
	fprintf(strcmp(path, "-") == 0 ? stderr : stdout,
		doc->reprint ? _("Reprinted %s to %s (SHA-256 %s).\n")
			     : _("Printed %s to %s (SHA-256 %s).\n"),
		doc->number, path, doc->sha256);
}

int
cli_print_paper(struct cli *cli, const struct pp_request *request, const char *output,
		char *written, size_t size)
{
	struct pp_document doc;
	struct wf_error err;
	char *language = paper_language_begin(request->indonesian);
	const char *path;
	int r;

	r = pp_render(cli->store, request, &doc, &err);
	paper_language_end(language);
	if (r != WF_OK)
		return cli_fail_wf(cli, &err);
	path = output != NULL ? output : doc.file_name;
	if ((r = write_paper(path, &doc)) == 0) {
		if (pp_printed(cli->store, request->actor, &doc, &err) != WF_OK)
			r = cli_fail_wf(cli, &err);
		else if (written != NULL)
			snprintf(written, size, "%s", path);
		else
			report_printed(cli, path, &doc);
	}
	pp_document_clear(&doc);
	return r;
}

bool
cli_paper_indonesian(const struct cli *cli)
{
	return cli->lang == NULL || strcmp(cli->lang, "id") == 0;
}

const char *
cli_paper_name(size_t i)
{
	size_t count;
	const struct pp_kind *kinds = pp_kinds(&count);

	return i < count ? kinds[i].name : NULL;
}

static const char *output, *from, *to, *by = "month";

const struct cli_option paper_options[] = {
    {"output", OPT_STRING, &output, "FILE",
     N_("write the PDF here ('-': standard output); default <number>-<kind>.pdf"), false},
    {"from", OPT_STRING, &from, "DATE", N_("holders: from this date (YYYY-MM-DD)"), false},
    {"to", OPT_STRING, &to, "DATE", N_("holders: until this date (YYYY-MM-DD)"), false},
    {"by", OPT_STRING, &by, "month|quarter|year|all", N_("holders: rows and bars by period"),
     false},
    {NULL},
};

static int
fail_kind(const char *kind)
{
	char names[256];
	size_t count, used = 0;
	const struct pp_kind *kinds = pp_kinds(&count);

	names[0] = '\0';
	for (size_t i = 0; i < count && used < sizeof(names); i++)
		used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s", i ? ", " : "",
					 kinds[i].name);
	return cli_fail_usage(_("no paper is called '%s'; the papers are: %s"), kind, names);
}

int
cmd_print(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const struct wf_actor actor = {.login = cli->login};
	struct pp_request request = {.actor = &actor, .indonesian = cli_paper_indonesian(cli)};
	struct wf_report_request period;
	const struct pp_kind *kind;
	char number[WF_NUMBER_MAX], **rest;
	int nrest, r;

	memset(&period, 0, sizeof(period));
	if ((r = cli_parse(cli, self, argc, argv, &rest, &nrest)) != 0)
		return r;
	if (nrest < 1)
		return cli_fail_usage_line(self);
	if ((kind = pp_kind_find(rest[0])) == NULL)
		return fail_kind(rest[0]);
	if (nrest != (kind->needs_application ? 2 : 1))
		return cli_fail_usage_line(self);
	if (kind->needs_application && (r = cli_normalize_number(rest[1], number)) != 0)
		return r;
	if ((r = cli_parse_report_request(from, to, by, &period)) != 0 || (r = cli_store(cli)) != 0)
		return r;
	request.kind = kind->name;
	request.number = kind->needs_application ? number : NULL;
	request.period = period.period;
	request.unit = period.unit;
	return cli_print_paper(cli, &request, output, NULL, 0);
}

int
cmd_verify_paper(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct pp_verdict verdict;
	struct wf_error err;
	char payload[512], **rest;
	size_t used = 0;
	int nrest, r;

	if ((r = cli_parse(cli, self, argc, argv, &rest, &nrest)) != 0)
		return r;
	if (nrest < 1)
		return cli_fail_usage_line(self);
	/* The code's text typed as one argument or as its three words. */
	payload[0] = '\0';
	for (int i = 0; i < nrest && used < sizeof(payload); i++)
		used += (size_t)snprintf(payload + used, sizeof(payload) - used, "%s%s",
					 i ? " " : "", rest[i]);
	if ((r = cli_store(cli)) != 0)
		return r;
	if (pp_verify(cli->store, payload, &verdict, &err) != WF_OK)
		return cli_fail_wf(cli, &err);
	if (cli->json) {
		struct json_object *o = json_object_new_object();

		cli_json_add_string(o, "number", verdict.number);
		cli_json_add_string(o, "holder", verdict.full_name);
		cli_json_add_string(o, "state", wf_state_name(verdict.state));
		json_object_object_add(o, "matches", json_object_new_boolean(verdict.matches));
		cli_print_json(o);
	} else if (verdict.matches) {
		printf(_("%s: the paper matches the record: the certificate of %s (%s).\n"),
		       verdict.number, verdict.full_name,
		       wf_state_label(verdict.state, cli_indonesian()));
	} else {
		fprintf(stderr,
			_("enroll: %s: the paper does NOT match the record: its fingerprint is not "
			  "the certificate handed over to %s.\n"),
			verdict.number, verdict.full_name);
	}
	return verdict.matches ? EXIT_OK : EXIT_CERT_MISMATCH;
}
