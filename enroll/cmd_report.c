/*
 * cmd_report.c: the reports (TTE holders, states, step times, overdue) and the one printer
 * that shows any of them as a table, CSV or JSON.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

/* The text output fits a terminal of this many columns. */
#define REPORT_WIDTH 100
/* A text column is never cut narrower than this. */
#define COLUMN_MIN 8
/* Nor a number column's label narrower than this. */
#define INTEGER_LABEL_MIN 6
#define ELLIPSIS "\u2026"

/* Code points a terminal shows in no column or in two (combining marks; CJK, emoji). */
static const struct {
	unsigned first, last;
	int width;
} wide_or_zero[] = {
    {0x0300, 0x036f, 0},   {0x200b, 0x200f, 0}, {0xfe00, 0xfe0f, 0},   {0x1100, 0x115f, 2},
    {0x2e80, 0xa4cf, 2},   {0xac00, 0xd7a3, 2}, {0xf900, 0xfaff, 2},   {0xfe30, 0xfe4f, 2},
    {0xff00, 0xff60, 2},   {0xffe0, 0xffe6, 2}, {0x1f300, 0x1f64f, 2}, {0x1f900, 0x1f9ff, 2},
    {0x20000, 0x3fffd, 2},
};

/* The code point at text (UTF-8), its length in *len; a stray byte is one column. */
static unsigned
utf8_next(const char *text, size_t *len)
{
	const unsigned char *u = (const unsigned char *)text;
	size_t n = u[0] >= 0xf0 ? 4 : u[0] >= 0xe0 ? 3 : u[0] >= 0xc0 ? 2 : 1;
	unsigned cp = n == 1 ? u[0] : u[0] & (0x3f >> (n - 1));

	for (size_t i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80) {
			*len = 1;
			return u[0];
		}
		cp = (cp << 6) | (u[i] & 0x3f);
	}
	*len = n;
	return cp;
}

static int
code_point_width(unsigned cp)
{
	for (size_t i = 0; i < sizeof(wide_or_zero) / sizeof(wide_or_zero[0]); i++)
		if (cp >= wide_or_zero[i].first && cp <= wide_or_zero[i].last)
			return wide_or_zero[i].width;
	return 1;
}

/* Columns text takes on a terminal. */
static int
display_width(const char *text)
{
	int width = 0;
	size_t len;

	for (; *text != '\0'; text += len)
		width += code_point_width(utf8_next(text, &len));
	return width;
}

/* Print text in width columns: left- or right-aligned, cut with an ellipsis if longer. */
static void
print_cell(const char *text, int width, bool right)
{
	int used = display_width(text);
	size_t len;

	if (used <= width) {
		printf("%*s%s%*s", right ? width - used : 0, "", text, right ? 0 : width - used,
		       "");
		return;
	}
	used = 0;
	for (; *text != '\0'; text += len) {
		int w = code_point_width(utf8_next(text, &len));

		if (used + w > width - 1)
			break;
		fwrite(text, 1, len, stdout);
		used += w;
	}
	printf("%s%*s", ELLIPSIS, width - 1 - used, "");
}

/* A row of a subtotal or the total names itself in its first empty text cell. */
static const char *
cell_text(const struct wf_report *report, size_t row, size_t column, char *number, size_t size)
{
	const struct wf_report_cell *cell = wf_report_cell(report, row, column);
	size_t c;

	if (report->columns[column].type == WF_CELL_INTEGER) {
		snprintf(number, size, "%lld", (long long)cell->number);
		return number;
	}
	if (wf_report_row_kind(report, row) == WF_ROW_DATA || cell->text[0] != '\0')
		return cell->text;
	for (c = 0; c < column; c++)
		if (report->columns[c].type == WF_CELL_TEXT &&
		    wf_report_cell(report, row, c)->text[0] == '\0')
			return "";
	return _("Total");
}

static const char *
column_label(const struct wf_report_column *column, bool indonesian)
{
	return indonesian ? column->label_id : column->label_en;
}

/* A text kept in both languages shows in the output's language only. */
static bool
column_shown(const struct wf_report_column *column, bool indonesian)
{
	return column->language == WF_COLUMN_ANY ||
	       (column->language == WF_COLUMN_ID) == indonesian;
}

/*
 * Each column as wide as its widest cell and label. To fit, the widest column that can
 * gives way, one column at a time: a text column down to COLUMN_MIN, a number column's
 * label down to its widest number (and INTEGER_LABEL_MIN), both cut with an ellipsis.
 */
static void
measure(const struct wf_report *report, bool indonesian, int *widths, int *floors)
{
	char number[32];

	for (size_t c = 0; c < report->column_count; c++) {
		bool integer = report->columns[c].type == WF_CELL_INTEGER;

		if (!column_shown(&report->columns[c], indonesian)) {
			widths[c] = floors[c] = -2; /* no room, no separator */
			continue;
		}
		widths[c] = display_width(column_label(&report->columns[c], indonesian));
		floors[c] = integer ? INTEGER_LABEL_MIN : COLUMN_MIN;
		for (size_t r = 0; r < report->row_count; r++) {
			int w = display_width(cell_text(report, r, c, number, sizeof(number)));

			widths[c] = w > widths[c] ? w : widths[c];
			floors[c] = integer && w > floors[c] ? w : floors[c];
		}
	}
	for (;;) {
		size_t widest = report->column_count;
		int total = 0;

		for (size_t c = 0; c < report->column_count; c++) {
			total += widths[c] + 2;
			if (widths[c] > floors[c] &&
			    (widest == report->column_count || widths[c] > widths[widest]))
				widest = c;
		}
		if (total - 2 <= REPORT_WIDTH || widest == report->column_count)
			return;
		widths[widest]--;
	}
}

static void
print_table(const struct wf_report *report, bool indonesian)
{
	int *widths = calloc(2 * report->column_count, sizeof(*widths));
	char number[32];

	if (widths == NULL)
		return;
	measure(report, indonesian, widths, widths + report->column_count);
	for (size_t r = 0; r <= report->row_count; r++) {
		bool first = true;

		for (size_t c = 0; c < report->column_count; c++) {
			if (!column_shown(&report->columns[c], indonesian))
				continue;
			printf("%s", first ? "" : "  ");
			first = false;
			/* Row 0 is the header, then the report's rows. */
			print_cell(r == 0 ? column_label(&report->columns[c], indonesian)
					  : cell_text(report, r - 1, c, number, sizeof(number)),
				   widths[c], report->columns[c].type == WF_CELL_INTEGER);
		}
		printf("\n");
	}
	free(widths);
}

/*
 * A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(...),
 * +cmd|...): such a cell is written with a leading single quote, which makes it text.
 */
static const char csv_formula_starts[] = "=+-@\t\r";

/* How the CSV is written: a spreadsheet set to Indonesian splits on ';' and wants a BOM. */
struct csv_style {
	char separator;
	bool bom;
};

static void
print_csv_text(const char *text, const struct csv_style *style)
{
	bool formula = text[0] != '\0' && strchr(csv_formula_starts, text[0]) != NULL;
	const char special[] = {style->separator, '"', '\n', '\r', '\0'};

	if (strpbrk(text, special) == NULL) {
		printf("%s%s", formula ? "'" : "", text);
		return;
	}
	putchar('"');
	if (formula)
		putchar('\'');
	for (; *text != '\0'; text++) {
		if (*text == '"')
			putchar('"');
		putchar(*text);
	}
	putchar('"');
}

static void
print_csv(const struct wf_report *report, bool indonesian, const struct csv_style *style)
{
	char number[32];

	if (style->bom)
		printf("\xef\xbb\xbf");
	for (size_t r = 0; r <= report->row_count; r++) {
		bool first = true;

		for (size_t c = 0; c < report->column_count; c++) {
			if (!column_shown(&report->columns[c], indonesian))
				continue;
			if (!first)
				putchar(style->separator);
			first = false;
			print_csv_text(r == 0 ? column_label(&report->columns[c], indonesian)
					      : cell_text(report, r - 1, c, number, sizeof(number)),
				       style);
		}
		printf("\n");
	}
}

static struct json_object *
report_json(const struct wf_report *report)
{
	struct json_object *o = json_object_new_object(), *rows = json_object_new_array();

	cli_json_add_string(o, "report", report->key);
	json_object_object_add(o, "total", json_object_new_int64(report->total));
	for (size_t r = 0; r < report->row_count; r++) {
		struct json_object *row = json_object_new_object();

		for (size_t c = 0; c < report->column_count; c++) {
			const struct wf_report_cell *cell = wf_report_cell(report, r, c);

			json_object_object_add(row, report->columns[c].key,
					       report->columns[c].type == WF_CELL_INTEGER
						   ? json_object_new_int64(cell->number)
						   : json_object_new_string(cell->text));
		}
		if (wf_report_row_kind(report, r) != WF_ROW_DATA)
			cli_json_add_string(
			    row, "row",
			    wf_report_row_kind(report, r) == WF_ROW_TOTAL ? "total" : "subtotal");
		json_object_array_add(rows, row);
	}
	json_object_object_add(o, "rows", rows);
	return o;
}

/*
 * Applications the holders report did not count (their records disagree with the audit
 * chain): on the report itself in text, on stderr beside CSV and JSON (JSON names them in
 * "left_out", present only when there are any).
 */
static void
print_left_out(const struct wf_report *report, FILE *to)
{
	if (report->left_out_count == 0)
		return;
	fprintf(to, "%s", to == stderr ? "enroll: " : "");
	fprintf(to,
		ngettext("%zu application not counted: its records disagree with the audit log "
			 "(see 'enroll audit verify'):",
			 "%zu applications not counted: their records disagree with the audit log "
			 "(see 'enroll audit verify'):",
			 (unsigned long)report->left_out_count),
		report->left_out_count);
	for (size_t i = 0; i < report->left_out_count; i++)
		fprintf(to, " %s", report->left_out[i]);
	fprintf(to, "\n");
}

static void
json_add_left_out(struct json_object *o, const struct wf_report *report)
{
	struct json_object *numbers;

	if (report->left_out_count == 0)
		return;
	numbers = json_object_new_array();
	for (size_t i = 0; i < report->left_out_count; i++)
		json_object_array_add(numbers, json_object_new_string(report->left_out[i]));
	json_object_object_add(o, "left_out", numbers);
}

/* "2026-11-24" as local midnight; 0 for NULL. */
static int
parse_date(const char *text, int64_t *out)
{
	struct tm tm = {0};
	char *end;

	*out = 0;
	if (text == NULL)
		return 0;
	end = strptime(text, "%Y-%m-%d", &tm);
	if (end == NULL || *end != '\0')
		return cli_fail_usage(_("not a date (YYYY-MM-DD): %s"), text);
	tm.tm_isdst = -1;
	*out = (int64_t)mktime(&tm);
	return 0;
}

static const struct {
	const char *name;
	enum wf_period_unit unit;
} period_units[] = {
    {"month", WF_PERIOD_MONTH},
    {"quarter", WF_PERIOD_QUARTER},
    {"year", WF_PERIOD_YEAR},
    {"all", WF_PERIOD_ALL},
};

const char *
cli_period_name(size_t i)
{
	return i < sizeof(period_units) / sizeof(period_units[0]) ? period_units[i].name : NULL;
}

const char *
cli_report_name(size_t i)
{
	size_t count;
	const struct wf_report_kind *reports = wf_reports(&count);

	return i < count ? reports[i].name : NULL;
}

/* "holders, states, steps or overdue", from the report table. */
static void
report_names(char *buf, size_t size)
{
	const struct wf_report_kind *reports;
	size_t count, used = 0;

	reports = wf_reports(&count);
	buf[0] = '\0';
	for (size_t i = 0; i < count && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s",
					 i == 0		 ? ""
					 : i + 1 < count ? ", "
							 : _(" or "),
					 reports[i].name);
}

int
cli_parse_report_request(const char *from, const char *to, const char *by,
			 struct wf_report_request *request)
{
	size_t u;
	int r;

	for (u = 0; u < sizeof(period_units) / sizeof(period_units[0]); u++)
		if (strcmp(period_units[u].name, by) == 0)
			break;
	if (u == sizeof(period_units) / sizeof(period_units[0]))
		return cli_fail_usage(_("--by is month, quarter, year or all"));
	request->unit = period_units[u].unit;
	if ((r = parse_date(from, &request->period.from)) != 0 ||
	    (r = parse_date(to, &request->period.until)) != 0)
		return r;
	return 0;
}

static int
parse_csv_style(const char *separator, bool bom, struct csv_style *style)
{
	if (strcmp(separator, ",") != 0 && strcmp(separator, ";") != 0)
		return cli_fail_usage(_("--csv-separator is ',' or ';'"));
	style->separator = separator[0];
	style->bom = bom;
	return 0;
}

static const char *from, *to, *by = "month", *separator = ",";
static bool csv, bom;

const struct cli_option report_options[] = {
    {"from", OPT_STRING, &from, "DATE", N_("from this date (YYYY-MM-DD)"), false},
    {"to", OPT_STRING, &to, "DATE", N_("up to this date, exclusive"), false},
    {"by", OPT_STRING, &by, "month|quarter|year|all", N_("group holders by period"), false},
    {"csv", OPT_FLAG, &csv, NULL, N_("CSV output"), false},
    {"csv-separator", OPT_STRING, &separator, "SEP",
     N_("CSV field separator: ',' or ';' (for a spreadsheet set to Indonesian)"), false},
    {"bom", OPT_FLAG, &bom, NULL, N_("begin the CSV with a UTF-8 byte order mark"), false},
    {NULL},
};

int
cmd_report(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	const struct wf_report_kind *kind;
	struct wf_report_request request = {0};
	struct wf_report *report = NULL;
	struct csv_style style = {',', false};
	struct wf_error err;
	struct json_object *json;
	char **rest, names[128], head[WF_AUDIT_HASH_HEX];
	int64_t head_row = 0;
	int nrest, r;

	if ((r = cli_parse(cli, self, argc, argv, &rest, &nrest)) != 0)
		return r;
	kind = wf_report_find(nrest == 1 ? rest[0] : "holders");
	if (nrest > 1 || kind == NULL) {
		report_names(names, sizeof(names));
		return cli_fail_usage(_("which report: %s"), names);
	}
	if ((r = cli_parse_report_request(from, to, by, &request)) != 0 ||
	    (r = parse_csv_style(separator, bom, &style)) != 0 || (r = cli_store(cli)) != 0)
		return r;
	/* The head names the chain the figures come from: checked later by audit verify --expect.
	 */
	if (kind->run(cli->store, &request, &report, &err) != WF_OK ||
	    wf_audit_head(cli->store, &head_row, head, &err) != WF_OK) {
		wf_report_free(report);
		return cli_fail_wf(cli, &err);
	}
	if (cli->json) {
		json = report_json(report);
		cli_json_add_string(json, "audit_head", head);
		json_add_left_out(json, report);
		cli_print_json(json);
		print_left_out(report, stderr);
	} else if (csv) {
		/* CSV stays data only, for a spreadsheet; the text and JSON forms carry the head.
		 */
		print_csv(report, cli_indonesian(), &style);
		print_left_out(report, stderr);
	} else {
		printf("%s (%lld)\n", cli_indonesian() ? report->title_id : report->title_en,
		       (long long)report->total);
		print_table(report, cli_indonesian());
		printf("\n");
		print_left_out(report, stdout);
		printf(_("Audit head: row %lld, %s\n"), (long long)head_row, head);
	}
	wf_report_free(report);
	return 0;
}
