/*
 * papers-int.h: what the papers' files share: the page context (cairo surface, pango, the
 * running position), the layout primitives every paper is built of, the office's settings
 * as read, and dates and numbers in words.
 */
#ifndef ENROLL_PAPERS_INT_H
#define ENROLL_PAPERS_INT_H

#include "config.h"

#include <libintl.h>
#include <stdint.h>

#include <cairo.h>
#include <pango/pangocairo.h>

#include "papers.h"

#define _(s) dgettext(PACKAGE, s)
#define N_(s) (s)

/* Errors are the workflow's: a papers error is filled as wf_ functions fill theirs. */
void pp_error_clear(struct wf_error *err);
int pp_fail(struct wf_error *err, int code, const char *field, const char *format, ...)
    __attribute__((format(printf, 4, 5)));

/* A4 in PostScript points, and the margins of the office's letters. */
#define PP_PAGE_WIDTH 595.276
#define PP_PAGE_HEIGHT 841.890
#define PP_MARGIN_LEFT 62.0
#define PP_MARGIN_RIGHT 50.0
#define PP_MARGIN_TOP 34.0
#define PP_MARGIN_BOTTOM 52.0
#define PP_TEXT_WIDTH (PP_PAGE_WIDTH - PP_MARGIN_LEFT - PP_MARGIN_RIGHT)

/* The office as its settings describe it; every member malloc'd, "" when unset. */
struct pp_office {
	char *organization; /* "Pemerintah Kota Singkawang" */
	char *name;	    /* "Dinas Komunikasi dan Informatika" */
	char *address, *phone, *email, *website, *logo;
	char *place;		/* the city the papers are dated in */
	char *zone;		/* WIB, WITA, WIT */
	char *pattern;		/* "800/<seq>/Persandian/<year>" */
	char *rejection_signer; /* "kabid" or "kepala_dinas" */
};
int pp_office_read(struct wf_store *store, struct pp_office *out, struct wf_error *err);
void pp_office_clear(struct pp_office *office);

/* A signature block: heading ("Yang Menyerahkan"), position, name, NIP (may be ""). */
struct pp_signer {
	const char *heading;
	const char *position;
	const char *name;
	const char *nip;
};
/* The active official of a role into official (zeroed, name "" when there is none). */
void pp_official_of_role(struct wf_store *store, enum wf_role role, struct wf_official *official);

/* The page context of one paper being rendered. */
struct pp_page {
	cairo_surface_t *surface;
	cairo_t *cr;
	PangoContext *pango; /* the paper's own font map's */
	double y;	     /* where the next block starts */
	int page;
	const struct pp_office *office;
	const char *title;  /* for the running header of later pages */
	const char *number; /* the paper's number */
	char footer[192];   /* an extra footer line (the audit head), "" for none */
	bool reprint;
	bool indonesian;
	int64_t issued_at;
	int64_t audit_rows;  /* the audit log's length at the first printing */
	unsigned char *data; /* the PDF written so far */
	size_t length, size;
	bool failed; /* out of memory while writing */
};

/* Text styles of the layout. */
enum pp_style { PP_BODY, PP_BOLD, PP_SMALL, PP_TITLE, PP_HEADING, PP_MONO, PP_NAME };
enum pp_align { PP_LEFT, PP_CENTER, PP_RIGHT, PP_JUSTIFY };

int pp_page_open(struct pp_page *page, const char *title, struct wf_error *err);
/* Finish the document into out (data, SHA-256); the page is closed either way. */
int pp_page_close(struct pp_page *page, struct pp_document *out, struct wf_error *err);
/*
 * The letterhead (kop surat), the title and the number: the first page's top. qr (may be
 * NULL) is a QR code's payload, drawn at the right of the letterhead as the logo at its left.
 */
void pp_letterhead(struct pp_page *page, const char *title, const char *qr);
/* A new page when less than height is left; later pages repeat a running header. */
bool pp_need(struct pp_page *page, double height);
void pp_new_page(struct pp_page *page);
/* Text wrapped into width at x, from y; returns its height. Draws nothing when measure. */
double pp_text_at(struct pp_page *page, double x, double y, double width, const char *text,
		  enum pp_style style, enum pp_align align, bool measure);
/* A paragraph across the text width, on a new page when it does not fit. */
void pp_paragraph(struct pp_page *page, const char *text, enum pp_style style, enum pp_align align);
void pp_space(struct pp_page *page, double points);
/* Label : value rows, values wrapped in their column, never beyond it. */
struct pp_field {
	const char *label;
	const char *value;
	enum pp_style style; /* the value's; PP_BODY when left out */
};
void pp_fields(struct pp_page *page, const struct pp_field *fields, size_t count);
/* Signature blocks side by side (one to three), kept on one page. */
void pp_signatures(struct pp_page *page, const struct pp_signer *signers, size_t count);
/* A QR code of payload, size points wide, at x, y. False if it cannot be encoded. */
bool pp_qr(struct pp_page *page, const char *payload, double x, double y, double size);

/* A table: columns with relative widths; the header repeated on each page it runs to. */
struct pp_column {
	const char *label;
	double width; /* share of the text width */
	enum pp_align align;
};
void pp_table_header(struct pp_page *page, const struct pp_column *columns, size_t count);
/*
 * One row (cells as text), shaded for subtotals and totals. Where it starts a page the
 * header comes again and the row is on_new_page's cells instead (NULL: the same), so that
 * what a group's first row names is named again at the top of the page.
 */
void pp_table_row(struct pp_page *page, const struct pp_column *columns, size_t count,
		  const char *const *cells, const char *const *on_new_page, bool shaded);

/* "Singkawang, 1 Desember 2026"-style words for a time in the office's zone. */
void pp_date_words(int64_t when, const char *zone, bool indonesian, char *out, size_t size);
/* The day of the week ("Selasa", "Tuesday"). */
const char *pp_weekday(int64_t when, const char *zone, bool indonesian);
/* "10.15 WIB" (Indonesian) or "10:15 WIB". */
void pp_time_words(int64_t when, const char *zone, bool indonesian, char *out, size_t size);
/* The zone's offset from UTC in seconds (WIB 7 h); WIB for an unknown zone. */
long pp_zone_offset(const char *zone);
bool pp_zone_known(const char *zone);
/* The office's number pattern filled: <seq>, <year>, <month> (Roman), <kind>. */
void pp_number(const char *pattern, const struct wf_paper *paper, const char *kind, char *out,
	       size_t size);

/* The papers, one function each: lay out the paper on page from the records, letterhead first. */
struct pp_job {
	struct wf_store *store;
	const struct pp_request *request;
	const struct wf_application *app; /* NULL for the holders report */
	struct pp_page *page;
};
bool pp_receipt_ready(const struct wf_application *app);
bool pp_return_ready(const struct wf_application *app);
bool pp_rejection_ready(const struct wf_application *app);
bool pp_request_ready(const struct wf_application *app);
int pp_receipt(struct pp_job *job, struct wf_error *err);
int pp_return_letter(struct pp_job *job, struct wf_error *err);
int pp_rejection_letter(struct pp_job *job, struct wf_error *err);
int pp_request_sheet(struct pp_job *job, struct wf_error *err);
int pp_holders_report(struct pp_job *job, struct wf_error *err);
/* The receipt's QR payload: "BAST <number> SHA256:<fingerprint>". */
void pp_receipt_payload(const struct wf_application *app, char *out, size_t size);
/* The latest event of an action ("handover", "return", ...), NULL if none. */
const struct wf_event *pp_event(const struct wf_application *app, const char *action);

#endif
