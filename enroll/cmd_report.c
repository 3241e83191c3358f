/*
 * cmd_report.c: the reports (TTE holders, states, step times, overdue) and the one printer
 * that shows any of them as a table, CSV or JSON.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

/*
 * A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(...),
 * +cmd|...): such a cell is written with a leading single quote, which makes it text.
 */
static const char csv_formula_starts[] = "=+-@\t\r";

static void
print_csv_text(const char *text)
{
	bool formula = text[0] != '\0' && strchr(csv_formula_starts, text[0]) != NULL;

	if (strpbrk(text, ",\"\n\r") == NULL) {
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
print_report(const struct wf_report *report, bool csv, bool indonesian)
{
	for (size_t c = 0; c < report->column_count; c++) {
		const char *label = indonesian ? report->columns[c].label_id : report->columns[c].label_en;

		if (csv)
			printf("%s%s", c ? "," : "", report->columns[c].key);
		else
			printf("%s%-*s", c ? "  " : "", c + 1 < report->column_count ? 20 : 0, label);
	}
	printf("\n");
	for (size_t r = 0; r < report->row_count; r++) {
		for (size_t c = 0; c < report->column_count; c++) {
			const struct wf_report_cell *cell = wf_report_cell(report, r, c);
			int width = c + 1 < report->column_count ? 20 : 0;

			if (c > 0)
				printf(csv ? "," : "  ");
			if (report->columns[c].type == WF_CELL_INTEGER)
				printf("%*lld", csv ? 0 : width, (long long)cell->number);
			else if (csv)
				print_csv_text(cell->text);
			else
				printf("%-*s", width, cell->text);
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
					       report->columns[c].type == WF_CELL_INTEGER ?
						       json_object_new_int64(cell->number) :
						       json_object_new_string(cell->text));
		}
		json_object_array_add(rows, row);
	}
	json_object_object_add(o, "rows", rows);
	return o;
}

/* "2026-11-24" as local midnight; 0 for NULL. */
static int
parse_date(const char *text, int64_t *out)
{
	struct tm tm = { 0 };
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
	{ "month", WF_PERIOD_MONTH },
	{ "quarter", WF_PERIOD_QUARTER },
	{ "year", WF_PERIOD_YEAR },
	{ "all", WF_PERIOD_ALL },
};

const char *
cli_period_name(size_t i)
{
	return i < sizeof(period_units) / sizeof(period_units[0]) ? period_units[i].name : NULL;
}

static int
report_holders(struct wf_store *store, const struct wf_period *period, enum wf_period_unit unit,
	       struct wf_report **report, struct wf_error *err)
{
	return wf_report_holders(store, period, unit, report, err);
}

static int
report_states(struct wf_store *store, const struct wf_period *period, enum wf_period_unit unit,
	      struct wf_report **report, struct wf_error *err)
{
	return wf_report_states(store, period, report, err);
}

static int
report_steps(struct wf_store *store, const struct wf_period *period, enum wf_period_unit unit,
	     struct wf_report **report, struct wf_error *err)
{
	return wf_report_step_times(store, period, report, err);
}

static int
report_overdue(struct wf_store *store, const struct wf_period *period, enum wf_period_unit unit,
	       struct wf_report **report, struct wf_error *err)
{
	return wf_report_overdue(store, 0, 0, report, err);
}

/* The reports the command offers; the first is the default. */
static const struct {
	const char *name;
	int (*make)(struct wf_store *store, const struct wf_period *period,
		    enum wf_period_unit unit, struct wf_report **report, struct wf_error *err);
} reports[] = {
	{ "holders", report_holders },
	{ "states", report_states },
	{ "steps", report_steps },
	{ "overdue", report_overdue },
};
#define REPORTS (sizeof(reports) / sizeof(reports[0]))

const char *
cli_report_name(size_t i)
{
	return i < REPORTS ? reports[i].name : NULL;
}

static const char *from, *to, *by = "month";
static bool csv;

const struct cli_option report_options[] = {
	{ "from", OPT_STRING, &from, "DATE", N_("from this date (YYYY-MM-DD)"), false },
	{ "to", OPT_STRING, &to, "DATE", N_("up to this date, exclusive"), false },
	{ "by", OPT_STRING, &by, "month|quarter|year|all", N_("group holders by period"), false },
	{ "csv", OPT_FLAG, &csv, NULL, N_("CSV output"), false },
	{ NULL },
};

int
cmd_report(struct cli *cli, const struct cli_command *self, int argc, char **argv)
{
	struct wf_period period;
	struct wf_report *report = NULL;
	struct wf_error err;
	enum wf_period_unit unit;
	char **rest;
	int nrest, r;
	size_t u, which = 0;

	if ((r = cli_parse(cli, self, argc, argv, &rest, &nrest)) != 0)
		return r;
	while (nrest == 1 && which < REPORTS && strcmp(reports[which].name, rest[0]) != 0)
		which++;
	if (nrest > 1 || which == REPORTS)
		return cli_fail_usage(_("which report: holders, states, steps or overdue"));
	for (u = 0; u < sizeof(period_units) / sizeof(period_units[0]); u++)
		if (strcmp(period_units[u].name, by) == 0)
			break;
	if (u == sizeof(period_units) / sizeof(period_units[0]))
		return cli_fail_usage(_("--by is month, quarter, year or all"));
	unit = period_units[u].unit;
	if ((r = parse_date(from, &period.from)) != 0 || (r = parse_date(to, &period.until)) != 0 ||
	    (r = cli_store(cli)) != 0)
		return r;
	if (reports[which].make(cli->store, &period, unit, &report, &err) != WF_OK)
		return cli_fail_wf(cli, &err);
	if (cli->json) {
		cli_print_json(report_json(report));
	} else {
		if (!csv)
			printf("%s (%lld)\n", cli_indonesian() ? report->title_id : report->title_en,
			       (long long)report->total);
		print_report(report, csv, cli_indonesian());
	}
	wf_report_free(report);
	return 0;
}
