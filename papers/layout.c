/*
 * layout.c: the parts of a paper above and around its body: the letterhead (kop surat)
 * with the logo, the title with the number, and tables whose header is repeated on every
 * page a long table runs to.
 */
#include <stdio.h>
#include <string.h>

#include "papers-int.h"

/* The logo scaled to the letterhead's height at its left; nothing if it cannot be read. */
static void
logo(struct pp_page *page, double y, double height)
{
	cairo_surface_t *image;
	double scale;

	if (page->office->logo[0] == '\0')
		return;
	image = cairo_image_surface_create_from_png(page->office->logo);
	if (cairo_surface_status(image) == CAIRO_STATUS_SUCCESS &&
	    cairo_image_surface_get_height(image) > 0) {
		scale = height / cairo_image_surface_get_height(image);
		cairo_save(page->cr);
		cairo_translate(page->cr, PP_MARGIN_LEFT, y);
		cairo_scale(page->cr, scale, scale);
		cairo_set_source_surface(page->cr, image, 0, 0);
		cairo_paint(page->cr);
		cairo_restore(page->cr);
	}
	cairo_surface_destroy(image);
}

/* "Label value | Label value" of the parts that are set, into out. */
static void
contact_line(const char *const *labels, const char *const *parts, size_t count, char *out,
	     size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < count && used < size; i++)
		if (parts[i][0] != '\0')
			used +=
			    (size_t)snprintf(out + used, size - used, "%s%s%s%s", used ? " | " : "",
					     labels[i], labels[i][0] ? " " : "", parts[i]);
}

void
pp_letterhead(struct pp_page *page, const char *title, const char *qr)
{
	const struct pp_office *o = page->office;
	const double logo_size = 64, x = PP_MARGIN_LEFT + logo_size + 8;
	const double width = PP_TEXT_WIDTH - 2 * (logo_size + 8);
	double y = page->y, top = page->y;
	char contact[768], number[192];

	logo(page, top, logo_size);
	if (o->organization[0] != '\0')
		y += pp_text_at(page, x, y, width, o->organization, PP_HEADING, PP_CENTER, false);
	y += pp_text_at(page, x, y, width, o->name, PP_HEADING, PP_CENTER, false);
	/* Address and telephone on one line, email and website on the next. */
	const char *const first[] = {"", page->indonesian ? "Telp." : "Phone"};
	const char *const first_parts[] = {o->address, o->phone};
	const char *const second[] = {"Email", "Website"};
	const char *const second_parts[] = {o->email, o->website};

	contact_line(first, first_parts, 2, contact, sizeof(contact));
	if (contact[0] != '\0')
		y += pp_text_at(page, x, y, width, contact, PP_SMALL, PP_CENTER, false);
	contact_line(second, second_parts, 2, contact, sizeof(contact));
	if (contact[0] != '\0')
		y += pp_text_at(page, x, y, width, contact, PP_SMALL, PP_CENTER, false);
	if (qr != NULL)
		pp_qr(page, qr, PP_PAGE_WIDTH - PP_MARGIN_RIGHT - logo_size, top, logo_size);
	if (y < top + logo_size)
		y = top + logo_size;
	/* The double rule under the letterhead of an Indonesian office's letters. */
	cairo_set_line_width(page->cr, 2);
	cairo_move_to(page->cr, PP_MARGIN_LEFT, y + 4);
	cairo_line_to(page->cr, PP_PAGE_WIDTH - PP_MARGIN_RIGHT, y + 4);
	cairo_stroke(page->cr);
	cairo_set_line_width(page->cr, 0.6);
	cairo_move_to(page->cr, PP_MARGIN_LEFT, y + 7);
	cairo_line_to(page->cr, PP_PAGE_WIDTH - PP_MARGIN_RIGHT, y + 7);
	cairo_stroke(page->cr);
	page->y = y + 14;
	pp_paragraph(page, title, PP_TITLE, PP_CENTER);
	snprintf(number, sizeof(number), _("Number: %s"), page->number);
	pp_paragraph(page, number, PP_BODY, PP_CENTER);
	pp_space(page, 4);
}

/* The row's height: its tallest cell wrapped in its column. */
static double
row_height(struct pp_page *page, const struct pp_column *columns, size_t count,
	   const char *const *cells, enum pp_style style)
{
	double height = 0;

	for (size_t i = 0; i < count; i++) {
		double h = pp_text_at(page, 0, 0, columns[i].width * PP_TEXT_WIDTH - 6, cells[i],
				      style, columns[i].align, true);

		height = h > height ? h : height;
	}
	return height + 4;
}

static void
draw_row(struct pp_page *page, const struct pp_column *columns, size_t count,
	 const char *const *cells, enum pp_style style, double height, bool shaded)
{
	double x = PP_MARGIN_LEFT;

	if (shaded) {
		cairo_set_source_rgb(page->cr, 0.88, 0.88, 0.88);
		cairo_rectangle(page->cr, PP_MARGIN_LEFT, page->y, PP_TEXT_WIDTH, height);
		cairo_fill(page->cr);
	}
	cairo_set_source_rgb(page->cr, 0, 0, 0);
	cairo_set_line_width(page->cr, 0.4);
	for (size_t i = 0; i < count; i++) {
		double w = columns[i].width * PP_TEXT_WIDTH;

		cairo_rectangle(page->cr, x, page->y, w, height);
		cairo_stroke(page->cr);
		pp_text_at(page, x + 3, page->y + 2, w - 6, cells[i], style, columns[i].align,
			   false);
		x += w;
	}
	page->y += height;
}

void
pp_table_header(struct pp_page *page, const struct pp_column *columns, size_t count)
{
	const char *labels[16];
	double height;

	for (size_t i = 0; i < count && i < 16; i++)
		labels[i] = columns[i].label;
	height = row_height(page, columns, count, labels, PP_SMALL);
	/* A header alone at the foot of a page helps no one: with at least one row. */
	pp_need(page, height * 2 + 12);
	draw_row(page, columns, count, labels, PP_SMALL, height, true);
}

void
pp_table_row(struct pp_page *page, const struct pp_column *columns, size_t count,
	     const char *const *cells, const char *const *on_new_page, bool shaded)
{
	double height = row_height(page, columns, count, cells, PP_SMALL);

	if (pp_need(page, height)) {
		pp_table_header(page, columns, count);
		if (on_new_page != NULL) {
			cells = on_new_page;
			height = row_height(page, columns, count, cells, PP_SMALL);
		}
	}
	draw_row(page, columns, count, cells, PP_SMALL, height, shaded);
}
