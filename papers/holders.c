/*
 * holders.c: the Laporan Jumlah Pemegang Sertifikat Elektronik, the SOP's record duty: the
 * workflow's holders report (by agency, unit and period, subtotals and the total) as a table
 * that runs to as many pages as it needs, a bar chart of the holders per period drawn with
 * cairo, the audit head in every page's footer, and the Kabid's and Kepala Dinas' blocks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "papers-int.h"

#define CHART_BARS_MAX 60

/* The table's columns: the report's, with the widths of the page. */
static const double widths[WF_HOLDERS_COLUMN_COUNT] = {0.23, 0.15,  0.085, 0.09, 0.065,
						       0.10, 0.085, 0.075, 0.12};

static void
period_words(struct pp_page *page, const struct wf_period *period, char *out, size_t size)
{
	char from[64], until[64];

	if (period->from == 0 && period->until == 0) {
		snprintf(out, size, "%s", _("Period: all time"));
		return;
	}
	snprintf(from, sizeof(from), "...");
	snprintf(until, sizeof(until), "...");
	if (period->from != 0)
		pp_date_words(period->from, page->office->zone, page->indonesian, from,
			      sizeof(from));
	/* The period ends before its until: the last day is the one before. */
	if (period->until != 0)
		pp_date_words(period->until - 1, page->office->zone, page->indonesian, until,
			      sizeof(until));
	snprintf(out, size, _("Period: %s to %s"), from, until);
}

static void
table(struct pp_page *page, const struct wf_report *report)
{
	struct pp_column columns[WF_HOLDERS_COLUMN_COUNT];
	char numbers[WF_HOLDERS_COLUMN_COUNT][24];
	const char *agency = NULL;

	for (size_t c = 0; c < WF_HOLDERS_COLUMN_COUNT; c++)
		columns[c] = (struct pp_column){
		    page->indonesian ? report->columns[c].label_id : report->columns[c].label_en,
		    widths[c], report->columns[c].type == WF_CELL_INTEGER ? PP_RIGHT : PP_LEFT};
	pp_table_header(page, columns, WF_HOLDERS_COLUMN_COUNT);
	for (size_t r = 0; r < report->row_count; r++) {
		const char *cells[WF_HOLDERS_COLUMN_COUNT];
		enum wf_row_kind kind = wf_report_row_kind(report, r);

		for (size_t c = 0; c < WF_HOLDERS_COLUMN_COUNT; c++) {
			const struct wf_report_cell *cell = wf_report_cell(report, r, c);

			cells[c] = cell->text;
			if (report->columns[c].type == WF_CELL_INTEGER) {
				snprintf(numbers[c], sizeof(numbers[c]), "%lld",
					 (long long)cell->number);
				cells[c] = numbers[c];
			}
		}
		if (kind == WF_ROW_SUBTOTAL)
			cells[WF_HOLDERS_WORK_UNIT] = _("Subtotal");
		else if (kind == WF_ROW_TOTAL)
			cells[WF_HOLDERS_AGENCY] = _("Total");
		/* An agency is named on its first row, and again at the top of a page. */
		const char *named[WF_HOLDERS_COLUMN_COUNT];

		memcpy(named, cells, sizeof(named));
		if (kind == WF_ROW_DATA && agency != NULL && strcmp(agency, cells[0]) == 0)
			cells[WF_HOLDERS_AGENCY] = "";
		else if (kind == WF_ROW_SUBTOTAL)
			cells[WF_HOLDERS_AGENCY] = "";
		agency = named[WF_HOLDERS_AGENCY];
		pp_table_row(page, columns, WF_HOLDERS_COLUMN_COUNT, cells, named,
			     kind != WF_ROW_DATA);
	}
	pp_space(page, 12);
}

/* The holders of the data rows summed by period, in the order periods come (ascending). */
struct bar {
	char period[16];
	int64_t holders;
};

static size_t
bars_of(const struct wf_report *report, struct bar *bars)
{
	size_t n = 0;

	for (size_t r = 0; r < report->row_count; r++) {
		const char *period = wf_report_cell(report, r, WF_HOLDERS_PERIOD)->text;
		size_t i = 0;

		if (wf_report_row_kind(report, r) != WF_ROW_DATA)
			continue;
		while (i < n && strcmp(bars[i].period, period) != 0)
			i++;
		if (i == n && n < CHART_BARS_MAX) {
			/* Periods sort as text ("2026-01" < "2026-Q1" never mix in one report). */
			while (i > 0 && strcmp(bars[i - 1].period, period) > 0) {
				bars[i] = bars[i - 1];
				i--;
			}
			snprintf(bars[i].period, sizeof(bars[i].period), "%s", period);
			bars[i].holders = 0;
			n++;
		}
		if (i < n)
			bars[i].holders += wf_report_cell(report, r, WF_HOLDERS_HOLDERS)->number;
	}
	return n;
}

static void
chart(struct pp_page *page, const struct wf_report *report)
{
	struct bar bars[CHART_BARS_MAX];
	size_t n = bars_of(report, bars);
	const double height = 150, base_gap = 26;
	int64_t most = 1;
	char value[24];

	pp_need(page, height + base_gap + 40);
	pp_paragraph(page, _("TTE holders per period"), PP_BOLD, PP_LEFT);
	for (size_t i = 0; i < n; i++)
		most = bars[i].holders > most ? bars[i].holders : most;
	double base = page->y + height + 12, slot = PP_TEXT_WIDTH / (double)(n ? n : 1);
	double bar_width = slot * 0.6 > 60 ? 60 : slot * 0.6;

	cairo_set_source_rgb(page->cr, 0, 0, 0);
	cairo_set_line_width(page->cr, 0.6);
	cairo_move_to(page->cr, PP_MARGIN_LEFT, base);
	cairo_line_to(page->cr, PP_PAGE_WIDTH - PP_MARGIN_RIGHT, base);
	cairo_stroke(page->cr);
	for (size_t i = 0; i < n; i++) {
		double h = height * (double)bars[i].holders / (double)most;
		double x = PP_MARGIN_LEFT + slot * (double)i + (slot - bar_width) / 2;

		cairo_set_source_rgb(page->cr, 0.18, 0.36, 0.62);
		cairo_rectangle(page->cr, x, base - h, bar_width, h);
		cairo_fill(page->cr);
		snprintf(value, sizeof(value), "%lld", (long long)bars[i].holders);
		pp_text_at(page, x - 10, base - h - 11, bar_width + 20, value, PP_SMALL, PP_CENTER,
			   false);
		pp_text_at(page, PP_MARGIN_LEFT + slot * (double)i, base + 3, slot,
			   bars[i].period[0] ? bars[i].period : _("all time"), PP_SMALL, PP_CENTER,
			   false);
	}
	page->y = base + base_gap;
}

static void
signatures(struct pp_page *page, struct wf_store *store)
{
	struct wf_official kabid, kadis;
	char date[64], dated[384];

	pp_official_of_role(store, WF_ROLE_KABID, &kabid);
	pp_official_of_role(store, WF_ROLE_KEPALA_DINAS, &kadis);
	const struct pp_signer signers[] = {
	    {_("Acknowledged by,"),
	     kadis.position[0] ? kadis.position
			       : wf_role_label(WF_ROLE_KEPALA_DINAS, page->indonesian),
	     kadis.name, kadis.nip},
	    {_("Made by,"),
	     kabid.position[0] ? kabid.position : wf_role_label(WF_ROLE_KABID, page->indonesian),
	     kabid.name, kabid.nip},
	};

	pp_need(page, 150);
	pp_date_words(page->issued_at, page->office->zone, page->indonesian, date, sizeof(date));
	snprintf(dated, sizeof(dated), "%s, %s", page->office->place, date);
	pp_paragraph(page, dated, PP_BODY, PP_RIGHT);
	pp_signatures(page, signers, 2);
}

int
pp_holders_report(struct pp_job *job, struct wf_error *err)
{
	struct pp_page *page = job->page;
	struct wf_report *report = NULL;
	char line[256], head[65];
	int64_t rows = 0;
	int r;

	if ((r = wf_report_holders(job->store, &job->request->period, job->request->unit, &report,
				   err)) != WF_OK ||
	    (r = wf_audit_head_at(job->store, page->audit_rows, head, &rows, err)) != WF_OK)
		goto out;
	/* Every page names the audit log's head at the first printing: the record it reports. */
	snprintf(page->footer, sizeof(page->footer), _("Audit log: %lld rows, head %s"),
		 (long long)rows, head);
	pp_letterhead(page, page->title, NULL);
	period_words(page, &job->request->period, line, sizeof(line));
	pp_paragraph(page, line, PP_BODY, PP_CENTER);
	snprintf(line, sizeof(line), _("TTE holders in all: %lld"), (long long)report->total);
	pp_paragraph(page, line, PP_BOLD, PP_CENTER);
	pp_space(page, 6);
	table(page, report);
	chart(page, report);
	signatures(page, job->store);
out:
	wf_report_free(report);
	return r;
}
