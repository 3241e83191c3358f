/*
 * request.c: the Lembar Data Permohonan the verifikator uploads to BSrE's portal: the
 * applicant's data as the portal asks for it (the workflow's field table), the documents
 * received with their SHA-256, the CSR's key type and fingerprint, and its PEM appended.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "papers-int.h"

bool
pp_request_ready(const struct wf_application *app)
{
	return app->has_key && app->key.status == WF_KEY_COMPLETE && app->key.csr_pem != NULL;
}

/* The SHA-256 of the CSR's DER, as `openssl req -outform DER | sha256sum` gives it. */
static void
csr_fingerprint(const char *pem, char out[65])
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	X509_REQ *req = bio ? PEM_read_bio_X509_REQ(bio, NULL, NULL, NULL) : NULL;
	unsigned char *der = NULL, digest[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	int length = req ? i2d_X509_REQ(req, &der) : -1;

	snprintf(out, 65, "-");
	if (length > 0 && EVP_Digest(der, (size_t)length, digest, &n, EVP_sha256(), NULL) == 1)
		for (unsigned int i = 0; i < n && i < 32; i++)
			snprintf(out + 2 * i, 3, "%02x", digest[i]);
	OPENSSL_free(der);
	X509_REQ_free(req);
	BIO_free(bio);
}

static void
applicant_data(struct pp_page *page, const struct wf_application *app)
{
	const struct wf_applicant_field *fields;
	struct pp_field rows[32];
	size_t count, n = 0;

	fields = wf_applicant_fields(&count);
	rows[n++] = (struct pp_field){_("Application number"), app->number, PP_BODY};
	rows[n++] =
	    (struct pp_field){_("Request type"), wf_request_type_name(app->request_type), PP_BODY};
	for (size_t i = 0; i < count && n < 32; i++)
		rows[n++] = (struct pp_field){
		    fields[i].bsre_label, wf_applicant_value(&app->applicant, &fields[i]), PP_BODY};
	pp_paragraph(page, _("A. The applicant's data, as BSrE's portal asks for it"), PP_BOLD,
		     PP_LEFT);
	pp_fields(page, rows, n);
	pp_space(page, 6);
}

static void
documents(struct pp_page *page, const struct wf_application *app)
{
	const struct pp_column columns[] = {
	    {_("Document"), 0.34, PP_LEFT},
	    {_("Received"), 0.16, PP_LEFT},
	    {_("SHA-256 of the scan"), 0.50, PP_LEFT},
	};
	char date[WF_DOC_COUNT][64];

	pp_paragraph(page, _("B. The documents received"), PP_BOLD, PP_LEFT);
	pp_table_header(page, columns, 3);
	for (int k = 0; k < WF_DOC_COUNT; k++) {
		const struct wf_document *d = &app->documents[k];

		if (d->received)
			pp_date_words(d->received_at, page->office->zone, page->indonesian, date[k],
				      sizeof(date[k]));
		else
			snprintf(date[k], sizeof(date[k]), "%s", _("not received"));
		const char *cells[] = {
		    wf_document_label((enum wf_document_kind)k, page->indonesian), date[k],
		    d->scan_sha256[0] ? d->scan_sha256 : "-"};
		pp_table_row(page, columns, 3, cells, NULL, false);
	}
	pp_space(page, 10);
}

int
pp_request_sheet(struct pp_job *job, struct wf_error *err)
{
	const struct wf_application *app = job->app;
	struct pp_page *page = job->page;
	char fingerprint[65];

	pp_error_clear(err);
	csr_fingerprint(app->key.csr_pem, fingerprint);
	pp_letterhead(page, page->title, NULL);
	applicant_data(page, app);
	documents(page, app);
	const struct pp_field csr[] = {
	    {_("Key type"), app->key.key_type, PP_BODY},
	    {_("Token serial"), app->key.token_serial, PP_BODY},
	    {_("CSR SHA-256 fingerprint"), fingerprint, PP_MONO},
	};
	pp_paragraph(page, _("C. The certificate signing request (CSR), made on the token"),
		     PP_BOLD, PP_LEFT);
	pp_fields(page, csr, sizeof(csr) / sizeof(csr[0]));
	pp_paragraph(page, _("The CSR itself is on the appendix page."), PP_SMALL, PP_LEFT);
	pp_new_page(page);
	pp_paragraph(page, _("Appendix: the CSR (PEM)"), PP_HEADING, PP_LEFT);
	pp_paragraph(page, app->key.csr_pem, PP_MONO, PP_LEFT);
	return WF_OK;
}
