/*
 * page.c: the layout every paper is built of: an A4 PDF surface written into memory, text
 * wrapped by pango into the width it is given (a long name wraps, never overflows its box),
 * label-value rows, signature blocks, QR codes, and a new page with a running header and
 * the footer (number, page, reprint note) when what comes next does not fit.
 */
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <openssl/evp.h>
#include <qrencode.h>

#include "papers-int.h"

/* The fonts are DejaVu's (fonts-dejavu-core): cairo embeds the subsets used. */
static const struct {
	const char *font;
	bool underline;
} styles[] = {
    [PP_BODY] = {"DejaVu Serif 9.5", false},	    [PP_BOLD] = {"DejaVu Serif Bold 9.5", false},
    [PP_SMALL] = {"DejaVu Sans 7", false},	    [PP_TITLE] = {"DejaVu Serif Bold 13", true},
    [PP_HEADING] = {"DejaVu Serif Bold 11", false}, [PP_MONO] = {"DejaVu Sans Mono 7.5", false},
    [PP_NAME] = {"DejaVu Serif Bold 9.5", true},
};

static cairo_status_t
write_memory(void *closure, const unsigned char *data, unsigned int length)
{
	struct pp_page *page = closure;
	unsigned char *grown;

	if (page->length + length > page->size) {
		size_t size = page->size ? page->size : 65536;

		while (size < page->length + length)
			size *= 2;
		if ((grown = realloc(page->data, size)) == NULL) {
			page->failed = true;
			return CAIRO_STATUS_WRITE_ERROR;
		}
		page->data = grown;
		page->size = size;
	}
	memcpy(page->data + page->length, data, length);
	page->length += length;
	return CAIRO_STATUS_SUCCESS;
}

/* The date is the first printing's, so that a reprint carries the same metadata. */
static void
set_metadata(struct pp_page *page, const char *title)
{
	time_t when = (time_t)(page->issued_at + pp_zone_offset(page->office->zone));
	int offset = (int)(pp_zone_offset(page->office->zone) / 3600);
	char date[64];
	struct tm tm;

	gmtime_r(&when, &tm);
	snprintf(date, sizeof(date), "%04d-%02d-%02dT%02d:%02d:%02d+%02d:00", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, offset);
	cairo_pdf_surface_set_metadata(page->surface, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(page->surface, CAIRO_PDF_METADATA_AUTHOR,
				       page->office->name);
	cairo_pdf_surface_set_metadata(page->surface, CAIRO_PDF_METADATA_CREATOR, PACKAGE_STRING);
	cairo_pdf_surface_set_metadata(page->surface, CAIRO_PDF_METADATA_CREATE_DATE, date);
}

/*
 * The paper's own font map and context, freed with it: the fonts it loaded go with them.
 * One point of text is one unit of the page, with glyphs where the font puts them: metrics
 * rounded to whole points would widen a 64-digit fingerprint past its box.
 */
static PangoContext *
text_context(cairo_t *cr)
{
	PangoFontMap *map = pango_cairo_font_map_new();
	PangoContext *context = pango_font_map_create_context(map);
	cairo_font_options_t *options = cairo_font_options_create();

	g_object_unref(map);
	pango_cairo_context_set_resolution(context, 72.0);
	cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(context, options);
	cairo_font_options_destroy(options);
	pango_context_set_round_glyph_positions(context, FALSE);
	pango_cairo_update_context(cr, context);
	return context;
}

int
pp_page_open(struct pp_page *page, const char *title, struct wf_error *err)
{
	page->surface =
	    cairo_pdf_surface_create_for_stream(write_memory, page, PP_PAGE_WIDTH, PP_PAGE_HEIGHT);
	if (cairo_surface_status(page->surface) != CAIRO_STATUS_SUCCESS) {
		cairo_status_t status = cairo_surface_status(page->surface);

		cairo_surface_destroy(page->surface);
		page->surface = NULL;
		return pp_fail(err, WF_ERR_IO, "", _("cannot start the PDF: %s"),
			       cairo_status_to_string(status));
	}
	set_metadata(page, title);
	page->cr = cairo_create(page->surface);
	page->pango = text_context(page->cr);
	page->title = title;
	page->page = 1;
	page->y = PP_MARGIN_TOP;
	return WF_OK;
}

static void
footer(struct pp_page *page)
{
	char line[320], first[64];
	double y = PP_PAGE_HEIGHT - PP_MARGIN_BOTTOM + 10;

	cairo_set_line_width(page->cr, 0.5);
	cairo_move_to(page->cr, PP_MARGIN_LEFT, y - 4);
	cairo_line_to(page->cr, PP_PAGE_WIDTH - PP_MARGIN_RIGHT, y - 4);
	cairo_stroke(page->cr);
	snprintf(line, sizeof(line), _("%s. Page %d"), page->number, page->page);
	y += pp_text_at(page, PP_MARGIN_LEFT, y, PP_TEXT_WIDTH, line, PP_SMALL, PP_LEFT, false);
	if (page->footer[0] != '\0')
		y += pp_text_at(page, PP_MARGIN_LEFT, y, PP_TEXT_WIDTH, page->footer, PP_SMALL,
				PP_LEFT, false);
	if (page->reprint) {
		pp_date_words(page->issued_at, page->office->zone, page->indonesian, first,
			      sizeof(first));
		snprintf(line, sizeof(line), _("Reprint of the paper first printed on %s."), first);
		pp_text_at(page, PP_MARGIN_LEFT, y, PP_TEXT_WIDTH, line, PP_SMALL, PP_LEFT, false);
	}
}

int
pp_page_close(struct pp_page *page, struct pp_document *out, struct wf_error *err)
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	cairo_status_t status;
	int r = WF_OK;

	footer(page);
	g_object_unref(page->pango);
	page->pango = NULL;
	cairo_destroy(page->cr);
	cairo_surface_finish(page->surface);
	status = cairo_surface_status(page->surface);
	cairo_surface_destroy(page->surface);
	page->cr = NULL;
	page->surface = NULL;
	if (status != CAIRO_STATUS_SUCCESS || page->failed) {
		r = pp_fail(err, WF_ERR_IO, "", _("cannot write the PDF: %s"),
			    page->failed ? _("out of memory") : cairo_status_to_string(status));
		goto out;
	}
	if (EVP_Digest(page->data, page->length, digest, &n, EVP_sha256(), NULL) != 1) {
		r = pp_fail(err, WF_ERR_INTERNAL, "", _("cannot hash the PDF"));
		goto out;
	}
	for (unsigned int i = 0; i < n && i < 32; i++)
		snprintf(out->sha256 + 2 * i, 3, "%02x", digest[i]);
	out->data = page->data;
	out->length = page->length;
	page->data = NULL;
out:
	free(page->data);
	page->data = NULL;
	return r;
}

static PangoLayout *
layout_for(struct pp_page *page, double width, const char *text, enum pp_style style,
	   enum pp_align align)
{
	static const PangoAlignment alignments[] = {[PP_LEFT] = PANGO_ALIGN_LEFT,
						    [PP_CENTER] = PANGO_ALIGN_CENTER,
						    [PP_RIGHT] = PANGO_ALIGN_RIGHT,
						    [PP_JUSTIFY] = PANGO_ALIGN_LEFT};
	PangoLayout *layout = pango_layout_new(page->pango);
	PangoFontDescription *font = pango_font_description_from_string(styles[style].font);

	pango_layout_set_font_description(layout, font);
	pango_font_description_free(font);
	pango_layout_set_width(layout, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(layout, alignments[align]);
	pango_layout_set_justify(layout, align == PP_JUSTIFY);
	pango_layout_set_text(layout, text, -1);
	if (styles[style].underline) {
		PangoAttrList *attrs = pango_attr_list_new();

		pango_attr_list_insert(attrs, pango_attr_underline_new(PANGO_UNDERLINE_SINGLE));
		pango_layout_set_attributes(layout, attrs);
		pango_attr_list_unref(attrs);
	}
	return layout;
}

double
pp_text_at(struct pp_page *page, double x, double y, double width, const char *text,
	   enum pp_style style, enum pp_align align, bool measure)
{
	PangoLayout *layout = layout_for(page, width, text, style, align);
	int w, h;

	pango_layout_get_size(layout, &w, &h);
	if (!measure) {
		cairo_set_source_rgb(page->cr, 0, 0, 0);
		cairo_move_to(page->cr, x, y);
		pango_cairo_show_layout(page->cr, layout);
	}
	g_object_unref(layout);
	return (double)h / PANGO_SCALE;
}

static void
running_header(struct pp_page *page)
{
	char line[512];
	double h;

	snprintf(line, sizeof(line), "%s. %s. %s", page->office->name, page->title, page->number);
	h = pp_text_at(page, PP_MARGIN_LEFT, page->y, PP_TEXT_WIDTH, line, PP_SMALL, PP_LEFT,
		       false);
	page->y += h + 2;
	cairo_set_line_width(page->cr, 0.5);
	cairo_move_to(page->cr, PP_MARGIN_LEFT, page->y);
	cairo_line_to(page->cr, PP_PAGE_WIDTH - PP_MARGIN_RIGHT, page->y);
	cairo_stroke(page->cr);
	page->y += 10;
}

void
pp_new_page(struct pp_page *page)
{
	footer(page);
	cairo_show_page(page->cr);
	page->page++;
	page->y = PP_MARGIN_TOP;
	running_header(page);
}

bool
pp_need(struct pp_page *page, double height)
{
	if (page->y + height <= PP_PAGE_HEIGHT - PP_MARGIN_BOTTOM)
		return false;
	pp_new_page(page);
	return true;
}

void
pp_space(struct pp_page *page, double points)
{
	page->y += points;
}

void
pp_paragraph(struct pp_page *page, const char *text, enum pp_style style, enum pp_align align)
{
	double h = pp_text_at(page, PP_MARGIN_LEFT, 0, PP_TEXT_WIDTH, text, style, align, true);

	pp_need(page, h);
	pp_text_at(page, PP_MARGIN_LEFT, page->y, PP_TEXT_WIDTH, text, style, align, false);
	page->y += h + 4;
}

void
pp_fields(struct pp_page *page, const struct pp_field *fields, size_t count)
{
	const double label_width = PP_TEXT_WIDTH * 0.32, colon = 10;
	const double value_x = PP_MARGIN_LEFT + label_width + colon;
	const double value_width = PP_TEXT_WIDTH - label_width - colon;

	for (size_t i = 0; i < count; i++) {
		const char *value = fields[i].value[0] ? fields[i].value : "-";
		double hl =
		    pp_text_at(page, 0, 0, label_width, fields[i].label, PP_BODY, PP_LEFT, true);
		double hv =
		    pp_text_at(page, 0, 0, value_width, value, fields[i].style, PP_LEFT, true);
		double h = hl > hv ? hl : hv;

		pp_need(page, h);
		pp_text_at(page, PP_MARGIN_LEFT, page->y, label_width, fields[i].label, PP_BODY,
			   PP_LEFT, false);
		pp_text_at(page, PP_MARGIN_LEFT + label_width, page->y, colon, ":", PP_BODY,
			   PP_LEFT, false);
		pp_text_at(page, value_x, page->y, value_width, value, fields[i].style, PP_LEFT,
			   false);
		page->y += h + 2;
	}
}

/* A block's heading and position: their height, drawn unless measure. */
static double
signature_top(struct pp_page *page, double x, double width, const struct pp_signer *s, bool measure)
{
	double y = page->y;

	y += pp_text_at(page, x, y, width, s->heading, PP_BODY, PP_CENTER, measure);
	y += pp_text_at(page, x, y, width, s->position, PP_BODY, PP_CENTER, measure);
	return y - page->y;
}

/* The name underlined and the NIP from y: their height, drawn unless measure. */
static double
signature_name(struct pp_page *page, double x, double y, double width, const struct pp_signer *s,
	       bool measure)
{
	double top = y;
	char nip[64];

	y += pp_text_at(page, x, y, width, s->name[0] ? s->name : "(.............................)",
			PP_NAME, PP_CENTER, measure);
	if (s->nip != NULL && s->nip[0] != '\0') {
		snprintf(nip, sizeof(nip), "NIP. %s", s->nip);
		y += pp_text_at(page, x, y, width, nip, PP_BODY, PP_CENTER, measure);
	}
	return y - top;
}

/* An empty block keeps its column free: a letter is signed at the right. */
static bool
signer_empty(const struct pp_signer *s)
{
	return s->heading[0] == '\0' && s->name[0] == '\0';
}

/*
 * Blocks side by side: headings from the same line, the names on one line after the room
 * to sign below the tallest heading, so that the names stand level however long they are.
 */
void
pp_signatures(struct pp_page *page, const struct pp_signer *signers, size_t count)
{
	const double gap = 12, room = 40;
	const double width = (PP_TEXT_WIDTH - gap * (double)(count - 1)) / (double)count;
	double top = 0, names = 0;

	for (size_t i = 0; i < count; i++) {
		double t, n;

		if (signer_empty(&signers[i]))
			continue;
		t = signature_top(page, 0, width, &signers[i], true);
		n = signature_name(page, 0, 0, width, &signers[i], true);
		top = t > top ? t : top;
		names = n > names ? n : names;
	}
	pp_need(page, top + room + names);
	for (size_t i = 0; i < count; i++) {
		double x = PP_MARGIN_LEFT + (width + gap) * (double)i;

		if (signer_empty(&signers[i]))
			continue;
		signature_top(page, x, width, &signers[i], false);
		signature_name(page, x, page->y + top + room, width, &signers[i], false);
	}
	page->y += top + room + names + 8;
}

bool
pp_qr(struct pp_page *page, const char *payload, double x, double y, double size)
{
	QRcode *code = QRcode_encodeString(payload, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	double module;

	if (code == NULL)
		return false;
	/* Four modules of quiet zone on each side, as scanners expect. */
	module = size / (code->width + 8);
	cairo_set_source_rgb(page->cr, 1, 1, 1);
	cairo_rectangle(page->cr, x, y, size, size);
	cairo_fill(page->cr);
	cairo_set_source_rgb(page->cr, 0, 0, 0);
	for (int row = 0; row < code->width; row++)
		for (int col = 0; col < code->width; col++)
			if (code->data[row * code->width + col] & 1)
				cairo_rectangle(page->cr, x + (col + 4) * module,
						y + (row + 4) * module, module, module);
	cairo_fill(page->cr);
	QRcode_free(code);
	return true;
}
