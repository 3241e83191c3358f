/*
 * letters.c: the two letters to an applicant: the return of the documents (what is
 * missing, why, what to bring; signed by the Kasi) and the rejection (the reason; signed as
 * the office's setting says, by the Kabid or the Kepala Dinas).
 */
#include <stdio.h>
#include <string.h>

#include "papers-int.h"

bool
pp_return_ready(const struct wf_application *app)
{
	return pp_event(app, "return") != NULL;
}

bool
pp_rejection_ready(const struct wf_application *app)
{
	return app->state == WF_STATE_REJECTED && pp_event(app, "reject") != NULL;
}

/* Place and date at the right, then "To:" and the applicant as the letter addresses them. */
static void
addressee(struct pp_page *page, const struct wf_application *app, int64_t when)
{
	const struct wf_applicant *a = &app->applicant;
	char date[64], line[2048];

	pp_date_words(when, page->office->zone, page->indonesian, date, sizeof(date));
	snprintf(line, sizeof(line), "%s, %s", page->office->place, date);
	pp_paragraph(page, line, PP_BODY, PP_RIGHT);
	snprintf(line, sizeof(line), "%s\n%s\n%s%s%s\n%s\n%s", _("To:"), a->full_name, a->position,
		 a->position[0] && a->work_unit[0] ? ", " : "", a->work_unit, a->agency, a->city);
	pp_paragraph(page, line, PP_BODY, PP_LEFT);
	pp_space(page, 6);
}

/* The date the application the letter answers was recorded, in words. */
static void
applied_on(struct pp_page *page, const struct wf_application *app, char *out, size_t size)
{
	pp_date_words(app->created_at, page->office->zone, page->indonesian, out, size);
}

static void
signed_by(struct pp_page *page, const struct wf_official *official, enum wf_role role)
{
	const struct pp_signer signer = {
	    page->office->name,
	    official->position[0] ? official->position : wf_role_label(role, page->indonesian),
	    official->name, official->nip};

	pp_space(page, 10);
	pp_need(page, 130);
	/* One block at the right half, as letters are signed. */
	const struct pp_signer blank = {"", "", "", ""};
	const struct pp_signer pair[] = {blank, signer};

	pp_signatures(page, pair, 2);
}

/* The documents not received, one a line, into out ("-" when all four are). */
static void
missing_documents(const struct wf_application *app, bool indonesian, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (int k = 0; k < WF_DOC_COUNT && used < size; k++)
		if (!app->documents[k].received)
			used += (size_t)snprintf(
			    out + used, size - used, "%s- %s", used ? "\n" : "",
			    wf_document_label((enum wf_document_kind)k, indonesian));
	if (out[0] == '\0')
		snprintf(out, size, "-");
}

int
pp_return_letter(struct pp_job *job, struct wf_error *err)
{
	const struct wf_event *returned = pp_event(job->app, "return");
	struct pp_page *page = job->page;
	struct wf_official kasi;
	char missing[1024], date[64], line[1024];

	/* The Kasi signs it, whoever returned the application at which step. */
	pp_official_of_role(job->store, WF_ROLE_KASI, &kasi);
	pp_error_clear(err);
	pp_letterhead(page, page->title, NULL);
	addressee(page, job->app, returned->ended_at);
	applied_on(page, job->app, date, sizeof(date));
	snprintf(line, sizeof(line),
		 _("Your application %s of %s for an electronic certificate is returned to you, "
		   "because it is not complete:"),
		 job->app->number, date);
	pp_paragraph(page, line, PP_BODY, PP_JUSTIFY);
	pp_paragraph(page, returned->note ? returned->note : "-", PP_BOLD, PP_LEFT);
	missing_documents(job->app, page->indonesian, missing, sizeof(missing));
	const struct pp_field fields[] = {{_("Documents not received"), missing, PP_BODY}};
	pp_fields(page, fields, 1);
	pp_space(page, 4);
	pp_paragraph(page,
		     _("Please bring what is missing above, with your KTP, to the office. The "
		       "application then continues where it stopped: nothing already received "
		       "needs to be brought again."),
		     PP_BODY, PP_JUSTIFY);
	signed_by(page, &kasi, WF_ROLE_KASI);
	return WF_OK;
}

int
pp_rejection_letter(struct pp_job *job, struct wf_error *err)
{
	const struct wf_event *rejected = pp_event(job->app, "reject");
	struct pp_page *page = job->page;
	enum wf_role role = strcmp(page->office->rejection_signer, "kabid") == 0
				? WF_ROLE_KABID
				: WF_ROLE_KEPALA_DINAS;
	struct wf_official signer;
	char date[64], line[1024];

	pp_official_of_role(job->store, role, &signer);
	pp_error_clear(err);
	pp_letterhead(page, page->title, NULL);
	addressee(page, job->app, rejected->ended_at);
	applied_on(page, job->app, date, sizeof(date));
	snprintf(line, sizeof(line),
		 _("Your application %s of %s for an electronic certificate cannot be granted, "
		   "for this reason:"),
		 job->app->number, date);
	pp_paragraph(page, line, PP_BODY, PP_JUSTIFY);
	pp_paragraph(page, rejected->note ? rejected->note : "-", PP_BOLD, PP_LEFT);
	pp_paragraph(page,
		     _("The documents you submitted stay on file at the office. You may submit a "
		       "new application once the reason above no longer holds."),
		     PP_BODY, PP_JUSTIFY);
	signed_by(page, &signer, role);
	return WF_OK;
}
