/*
 * paper.c: the papers as one table (kind, what it needs, the function that lays it out),
 * the office's settings papers read, and the one entry point that issues a paper's number
 * and renders it. A reprint is rendered from the same records, number and date.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>

#include "papers-int.h"

static const struct {
	struct pp_kind kind;
	const char *title_id, *title_en;
	int (*layout)(struct pp_job *job, struct wf_error *err);
	bool (*ready)(const struct wf_application *app); /* has the application this paper? */
	const char *not_ready;				 /* English, marked N_(), if not */
} papers[] = {
    {{"receipt", true, N_("Berita Acara Serah Terima: the token and certificate handed over")},
     "BERITA ACARA SERAH TERIMA TOKEN DAN SERTIFIKAT ELEKTRONIK",
     "RECORD OF HANDOVER OF THE TOKEN AND ELECTRONIC CERTIFICATE",
     pp_receipt,
     pp_receipt_ready,
     N_("its token has not been handed over")},
    {{"return", true, N_("Surat Pengembalian Berkas: the documents returned, what to bring")},
     "SURAT PENGEMBALIAN BERKAS PERMOHONAN",
     "LETTER RETURNING THE APPLICATION'S DOCUMENTS",
     pp_return_letter,
     pp_return_ready,
     N_("it was never returned")},
    {{"rejection", true, N_("Surat Penolakan Permohonan: the application rejected, why")},
     "SURAT PENOLAKAN PERMOHONAN SERTIFIKAT ELEKTRONIK",
     "LETTER REJECTING THE APPLICATION FOR AN ELECTRONIC CERTIFICATE",
     pp_rejection_letter,
     pp_rejection_ready,
     N_("it is not rejected")},
    {{"request", true, N_("Lembar Data Permohonan: the request's data for BSrE's portal")},
     "LEMBAR DATA PERMOHONAN SERTIFIKAT ELEKTRONIK",
     "ELECTRONIC CERTIFICATE REQUEST DATA SHEET",
     pp_request_sheet,
     pp_request_ready,
     N_("it has no certificate request yet")},
    {{"holders", false, N_("Laporan Jumlah Pemegang Sertifikat Elektronik: the holders")},
     "LAPORAN JUMLAH PEMEGANG SERTIFIKAT ELEKTRONIK",
     "REPORT ON THE NUMBER OF ELECTRONIC CERTIFICATE HOLDERS",
     pp_holders_report,
     NULL,
     NULL},
};
#define PAPER_COUNT (sizeof(papers) / sizeof(papers[0]))

void
pp_error_clear(struct wf_error *err)
{
	memset(err, 0, sizeof(*err));
}

int
pp_fail(struct wf_error *err, int code, const char *field, const char *format, ...)
{
	va_list ap;

	err->code = code;
	snprintf(err->field, sizeof(err->field), "%s", field);
	va_start(ap, format);
	vsnprintf(err->message, sizeof(err->message), format, ap);
	va_end(ap);
	return code;
}

const struct pp_kind *
pp_kinds(size_t *count)
{
	static struct pp_kind kinds[PAPER_COUNT];

	for (size_t i = 0; i < PAPER_COUNT; i++)
		kinds[i] = papers[i].kind;
	*count = PAPER_COUNT;
	return kinds;
}

static int
paper_index(const char *name)
{
	for (size_t i = 0; name != NULL && i < PAPER_COUNT; i++)
		if (strcmp(papers[i].kind.name, name) == 0)
			return (int)i;
	return -1;
}

const struct pp_kind *
pp_kind_find(const char *name)
{
	size_t count;
	int i = paper_index(name);

	return i < 0 ? NULL : &pp_kinds(&count)[i];
}

/* The settings, with the member of struct pp_office each fills. */
static const struct {
	struct pp_setting setting;
	size_t offset;
	const char *fallback; /* when unset; NULL: "" */
} settings[] = {
    {{"office_address", "address", "TEXT", N_("the office's address on the letterhead")},
     offsetof(struct pp_office, address),
     NULL},
    {{"office_phone", "phone", "TEXT", N_("the office's telephone")},
     offsetof(struct pp_office, phone),
     NULL},
    {{"office_email", "email", "ADDRESS", N_("the office's email address")},
     offsetof(struct pp_office, email),
     NULL},
    {{"office_website", "website", "URL", N_("the office's website")},
     offsetof(struct pp_office, website),
     NULL},
    {{"office_logo", "logo", "FILE", N_("the logo on the letterhead (PNG)")},
     offsetof(struct pp_office, logo),
     NULL},
    {{"office_place", "place", "CITY", N_("where papers are dated; default: the office's city")},
     offsetof(struct pp_office, place),
     NULL},
    {{"office_zone", "zone", "WIB|WITA|WIT", N_("the office's time zone (default WIB)")},
     offsetof(struct pp_office, zone),
     "WIB"},
    {{"paper_number", "number", "PATTERN",
      N_("the papers' numbers: <seq>, <year>, <month> (Roman), <kind>")},
     offsetof(struct pp_office, pattern),
     "800/<seq>/Persandian/<year>"},
    {{"rejection_signer", "rejection-signer", "kabid|kepala_dinas",
      N_("who signs rejection letters (default kepala_dinas)")},
     offsetof(struct pp_office, rejection_signer),
     "kepala_dinas"},
};
#define SETTING_COUNT (sizeof(settings) / sizeof(settings[0]))

const struct pp_setting *
pp_settings(size_t *count)
{
	static struct pp_setting table[SETTING_COUNT];

	for (size_t i = 0; i < SETTING_COUNT; i++)
		table[i] = settings[i].setting;
	*count = SETTING_COUNT;
	return table;
}

int
pp_setting_check(const struct pp_setting *setting, const char *value, struct wf_error *err)
{
	cairo_surface_t *image;
	bool ok = true;

	pp_error_clear(err);
	if (strcmp(setting->key, "office_logo") == 0) {
		image = cairo_image_surface_create_from_png(value);
		ok = cairo_surface_status(image) == CAIRO_STATUS_SUCCESS;
		cairo_surface_destroy(image);
	} else if (strcmp(setting->key, "office_zone") == 0) {
		ok = pp_zone_known(value);
	} else if (strcmp(setting->key, "rejection_signer") == 0) {
		ok = strcmp(value, "kabid") == 0 || strcmp(value, "kepala_dinas") == 0;
	} else if (strcmp(setting->key, "paper_number") == 0) {
		ok = strstr(value, "<seq>") != NULL && strlen(value) < 80;
	}
	if (!ok)
		return pp_fail(err, WF_ERR_INVALID, setting->option, _("--%s: '%s' is not a %s"),
			       setting->option, value, setting->argument);
	return wf_validate_text(value, setting->option, 0, NULL, err);
}

static char *
setting_or(struct wf_store *store, const char *key, const char *fallback)
{
	struct wf_error err;
	char *value = NULL;

	if (wf_setting_get(store, key, &value, &err) == WF_OK && value[0] != '\0')
		return value;
	free(value);
	return strdup(fallback != NULL ? fallback : "");
}

int
pp_office_read(struct wf_store *store, struct pp_office *out, struct wf_error *err)
{
	struct wf_office office;

	memset(&office, 0, sizeof(office));
	memset(out, 0, sizeof(*out));
	if (wf_office_get(store, &office, err) != WF_OK)
		pp_error_clear(err);
	out->name = strdup(office.name);
	out->organization = setting_or(store, "organization", NULL);
	for (size_t i = 0; i < SETTING_COUNT; i++)
		*(char **)((char *)out + settings[i].offset) =
		    setting_or(store, settings[i].setting.key, settings[i].fallback);
	if (out->place != NULL && out->place[0] == '\0') {
		free(out->place);
		out->place = strdup(office.city);
	}
	for (size_t i = 0; i < sizeof(*out) / sizeof(char *); i++)
		if (((char **)out)[i] == NULL)
			return pp_fail(err, WF_ERR_INTERNAL, "", _("out of memory"));
	return WF_OK;
}

void
pp_office_clear(struct pp_office *office)
{
	for (size_t i = 0; i < sizeof(*office) / sizeof(char *); i++)
		free(((char **)office)[i]);
	memset(office, 0, sizeof(*office));
}

void
pp_official_of_role(struct wf_store *store, enum wf_role role, struct wf_official *official)
{
	struct wf_official *list = NULL;
	struct wf_error err;
	size_t count = 0;

	memset(official, 0, sizeof(*official));
	if (wf_official_list(store, &list, &count, &err) != WF_OK)
		return;
	for (size_t i = 0; i < count; i++)
		if (list[i].active && list[i].role == role) {
			*official = list[i];
			break;
		}
	free(list);
}

const struct wf_event *
pp_event(const struct wf_application *app, const char *action)
{
	for (size_t i = app->event_count; i > 0; i--)
		if (strcmp(app->events[i - 1].action, action) == 0)
			return &app->events[i - 1];
	return NULL;
}

/* The paper's subject: the application, or the holders report's period and grouping. */
static void
paper_subject(const struct pp_request *request, char *out, size_t size)
{
	if (request->number != NULL)
		snprintf(out, size, "%s", request->number);
	else
		snprintf(out, size, "%lld-%lld-%d", (long long)request->period.from,
			 (long long)request->period.until, (int)request->unit);
}

static void
file_name(const char *number, const char *kind, char *out, size_t size)
{
	snprintf(out, size, "%s-%s.pdf", number, kind);
	for (char *p = out; *p != '\0'; p++)
		if (*p == '/' || *p == ' ')
			*p = '-';
}

static int
render(struct wf_store *store, const struct pp_request *request, int index,
       const struct wf_application *app, struct pp_document *out, struct wf_error *err)
{
	struct pp_office office;
	struct wf_paper paper;
	struct pp_page page = {0};
	struct pp_job job = {store, request, app, &page};
	char subject[96];
	int r;

	if ((r = pp_office_read(store, &office, err)) != WF_OK)
		goto out;
	paper_subject(request, subject, sizeof(subject));
	snprintf(out->kind, sizeof(out->kind), "%s", papers[index].kind.name);
	snprintf(out->subject, sizeof(out->subject), "%s", subject);
	if ((r = wf_paper_issue(store, request->actor, papers[index].kind.name, subject, &paper,
				err)) != WF_OK)
		goto out;
	pp_number(office.pattern, &paper, papers[index].kind.name, out->number,
		  sizeof(out->number));
	file_name(out->number, papers[index].kind.name, out->file_name, sizeof(out->file_name));
	out->reprint = paper.prints > 0;
	page.office = &office;
	page.number = out->number;
	page.reprint = out->reprint;
	page.indonesian = request->indonesian;
	page.issued_at = paper.issued_at;
	page.audit_rows = paper.audit_rows;
	if ((r = pp_page_open(&page,
			      request->indonesian ? papers[index].title_id : papers[index].title_en,
			      err)) != WF_OK)
		goto out;
	r = papers[index].layout(&job, err);
	if (r == WF_OK)
		r = pp_page_close(&page, out, err);
	else
		pp_page_close(&page, &(struct pp_document){0}, &(struct wf_error){0});
out:
	pp_office_clear(&office);
	return r;
}

int
pp_render(struct wf_store *store, const struct pp_request *request, struct pp_document *out,
	  struct wf_error *err)
{
	struct wf_application *app = NULL;
	int index = paper_index(request->kind), r = WF_OK;

	memset(out, 0, sizeof(*out));
	pp_error_clear(err);
	if (index < 0)
		return pp_fail(err, WF_ERR_INVALID, "kind", _("no paper is called '%s'"),
			       request->kind ? request->kind : "");
	if (papers[index].kind.needs_application &&
	    (request->number == NULL ||
	     (r = wf_application_get(store, request->number, &app, err)) != WF_OK))
		return request->number == NULL ? pp_fail(err, WF_ERR_INVALID, "number",
							 _("this paper needs an application"))
					       : r;
	if (app != NULL && !papers[index].ready(app))
		r = pp_fail(err, WF_ERR_STATE, "", "%s: %s", app->number,
			    _(papers[index].not_ready));
	else
		r = render(store, request, index, app, out, err);
	wf_application_free(app);
	if (r != WF_OK)
		pp_document_clear(out);
	return r;
}

int
pp_printed(struct wf_store *store, const struct wf_actor *actor, const struct pp_document *document,
	   struct wf_error *err)
{
	return wf_paper_printed(store, actor, document->kind, document->subject, document->sha256,
				err);
}

void
pp_document_clear(struct pp_document *document)
{
	free(document->data);
	memset(document, 0, sizeof(*document));
}
