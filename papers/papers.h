/*
 * papers.h: the office's papers as A4 PDF (cairo + pango, QR codes by libqrencode): the
 * handover receipt (Berita Acara Serah Terima), the return and rejection letters, the
 * request sheet for BSrE and the holders report. Reads the workflow's records through
 * workflow.h and knows nothing of tokens; never prints, never exits. Errors are the
 * workflow's (struct wf_error, WF_ codes): papers are a view of its records.
 */
#ifndef ENROLL_PAPERS_H
#define ENROLL_PAPERS_H

#include <stdbool.h>
#include <stddef.h>

#include "workflow.h"

/* What a paper is asked for. */
struct pp_request {
	const char *kind;	      /* "receipt", "return", "rejection", "request", "holders" */
	const char *number;	      /* the application's number; NULL for "holders" */
	struct wf_period period;      /* holders: both ends 0 for all time */
	enum wf_period_unit unit;     /* holders: rows and bars per month, quarter or year */
	bool indonesian;	      /* the paper's language */
	const struct wf_actor *actor; /* who prints: any active official */
};

/* A rendered paper: the PDF in memory, owned by the caller (pp_document_clear). */
struct pp_document {
	unsigned char *data;
	size_t length;
	char sha256[65];     /* of data, lowercase hex: the audit log records it */
	char number[128];    /* the office's number, e.g. "800/12/Persandian/2026" */
	char file_name[160]; /* "<number>-<kind>.pdf" with '/' as '-' */
	bool reprint;	     /* printed before: the paper says so in small print */
	char kind[16];	     /* the request's kind and the paper's subject, for pp_printed */
	char subject[96];
};

/* One kind of paper; the command's operands and help read the table. */
struct pp_kind {
	const char *name;
	bool needs_application; /* takes an application number */
	const char *summary;	/* English, marked N_() */
};
/* The kinds (static); *count set to their number. */
const struct pp_kind *pp_kinds(size_t *count);
/* The kind of that name, NULL if none. */
const struct pp_kind *pp_kind_find(const char *name);

/*
 * Lay out and render the paper asked for, from the records and the office's settings
 * (pp_settings). The paper's number and date are fixed at its first printing
 * (wf_paper_issue), so a reprint has the same content. WF_ERR_NOT_FOUND for an unknown
 * application, WF_ERR_STATE when it has no such paper (no certificate for a receipt, not
 * returned for a return letter, ...), WF_ERR_INVALID for an unknown kind, WF_ERR_IO when
 * rendering fails. The printing is recorded by the caller once it is written
 * (wf_paper_printed with out->sha256).
 */
int pp_render(struct wf_store *store, const struct pp_request *request, struct pp_document *out,
	      struct wf_error *err);
/* Record one printing of the document, once it is written (wf_paper_printed). */
int pp_printed(struct wf_store *store, const struct wf_actor *actor,
	       const struct pp_document *document, struct wf_error *err);
/* Free what a document owns; safe on a zeroed one. */
void pp_document_clear(struct pp_document *document);

/* The office's settings papers read (station settings), as one table. */
struct pp_setting {
	const char *key;    /* the station setting, e.g. "office_address" */
	const char *option; /* the command's option, e.g. "address" */
	const char *argument;
	const char *help; /* English, marked N_() */
};
/* The table (static); *count set to its length. */
const struct pp_setting *pp_settings(size_t *count);
/*
 * Check a value for a setting before it is stored: a logo must be a readable PNG, the
 * zone WIB, WITA or WIT, the rejection signer kabid or kepala_dinas, the number pattern
 * must hold "<seq>". WF_ERR_INVALID naming the option.
 */
int pp_setting_check(const struct pp_setting *setting, const char *value, struct wf_error *err);

/* What a receipt's QR code says, checked against the records. */
struct pp_verdict {
	char number[WF_NUMBER_MAX];
	char full_name[WF_NAME_MAX]; /* the holder on record, "" if the number is unknown */
	enum wf_state state;
	bool matches; /* the fingerprint is the recorded certificate's */
};
/*
 * Read a receipt's payload (as the QR code holds it, or its text typed from the paper)
 * and compare it with the records. WF_OK with out->matches telling; WF_ERR_INVALID for
 * text that is no payload; WF_ERR_NOT_FOUND for an unknown application.
 */
int pp_verify(struct wf_store *store, const char *payload, struct pp_verdict *out,
	      struct wf_error *err);

#endif
