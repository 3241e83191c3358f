/*
 * receipt.c: the Berita Acara Serah Terima of the token and certificate (step 7): both
 * parties with name, NIP and position, the token, the certificate with its fingerprint, the
 * holder's duties, signature blocks and a QR code that checks the paper against the record.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "papers-int.h"

/* The holder's duties: PP 71/2019 art. 59(3), 61(3)-(4) in plain words. */
static const char *const duties[] = {
    N_("The PIN (passphrase) of the token is known only to the holder; no one else may "
       "learn or use it, the office's staff included."),
    N_("The holder keeps the token safe and does not lend it to anyone."),
    N_("A lost or stolen token is reported to the office at once, so that the certificate "
       "is revoked."),
    N_("Only the public certificate may be sent by email or WhatsApp; never the token's PIN, "
       "a key or a passphrase."),
};

bool
pp_receipt_ready(const struct wf_application *app)
{
	return app->has_certificate && pp_event(app, "handover") != NULL;
}

void
pp_receipt_payload(const struct wf_application *app, char *out, size_t size)
{
	snprintf(out, size, "BAST %s SHA256:%s", app->number, app->certificate.sha256);
}

/* The issuer's name in words: its CN, and its O when there is one ("BSRE CA DS G1, BSSN"). */
static void
issuer_words(const char *dn, char *out, size_t size)
{
	const char *keys[] = {"CN=", "O="};
	size_t used = 0;

	out[0] = '\0';
	for (size_t k = 0; k < 2; k++) {
		const char *p = strstr(dn, keys[k]);

		while (p != NULL && p != dn && p[-1] != ' ' && p[-1] != ',' && p[-1] != '/')
			p = strstr(p + 1, keys[k]);
		if (p == NULL || used >= size)
			continue;
		p += strlen(keys[k]);
		used += (size_t)snprintf(out + used, size - used, "%s%.*s", used ? ", " : "",
					 (int)strcspn(p, ",/"), p);
	}
	if (out[0] == '\0')
		snprintf(out, size, "%s", dn);
}

static void
opening(struct pp_page *page, const struct wf_application *app, int64_t when)
{
	char date[64], time[32], text[1024];
	const char *zone = page->office->zone;

	pp_date_words(when, zone, page->indonesian, date, sizeof(date));
	pp_time_words(when, zone, page->indonesian, time, sizeof(time));
	snprintf(text, sizeof(text),
		 _("On %s, %s, at %s, at the %s in %s, the undersigned have handed over and "
		   "received the token and electronic certificate of application %s:"),
		 pp_weekday(when, zone, page->indonesian), date, time, page->office->name,
		 page->office->place, app->number);
	pp_paragraph(page, text, PP_BODY, PP_JUSTIFY);
}

static void
parties(struct pp_page *page, const struct wf_application *app, const struct wf_official *kasi)
{
	const struct wf_applicant *a = &app->applicant;
	const struct pp_field giver[] = {
	    {_("Name"), kasi->name, PP_BODY},
	    {_("NIP"), kasi->nip, PP_BODY},
	    {_("Position"),
	     kasi->position[0] ? kasi->position : wf_role_label(WF_ROLE_KASI, page->indonesian),
	     PP_BODY},
	};
	const struct pp_field taker[] = {
	    {_("Name"), a->full_name, PP_BODY},	   {_("NIP"), a->nip, PP_BODY},
	    {_("Position"), a->position, PP_BODY}, {_("Work unit"), a->work_unit, PP_BODY},
	    {_("Agency"), a->agency, PP_BODY},
	};

	pp_paragraph(page, _("I. The party handing over (first party)"), PP_BOLD, PP_LEFT);
	pp_fields(page, giver, sizeof(giver) / sizeof(giver[0]));
	pp_space(page, 4);
	pp_paragraph(page, _("II. The party receiving (second party)"), PP_BOLD, PP_LEFT);
	pp_fields(page, taker, sizeof(taker) / sizeof(taker[0]));
	pp_space(page, 4);
}

static void
handed_over(struct pp_page *page, const struct wf_application *app)
{
	const struct wf_certificate *c = &app->certificate;
	char from[64], until[64], issuer[512];

	pp_date_words(c->not_before, page->office->zone, page->indonesian, from, sizeof(from));
	pp_date_words(c->not_after, page->office->zone, page->indonesian, until, sizeof(until));
	issuer_words(c->issuer, issuer, sizeof(issuer));
	const struct pp_field fields[] = {
	    {_("Token model"), app->key.token_model, PP_BODY},
	    {_("Token serial"), app->key.token_serial, PP_BODY},
	    {_("Certificate serial"), c->serial, PP_MONO},
	    {_("SHA-256 fingerprint"), c->sha256, PP_MONO},
	    {_("Valid from"), from, PP_BODY},
	    {_("Valid until"), until, PP_BODY},
	    {_("Issuer"), issuer, PP_BODY},
	};

	pp_paragraph(page, _("The first party hands over to the second party:"), PP_BOLD, PP_LEFT);
	pp_fields(page, fields, sizeof(fields) / sizeof(fields[0]));
	pp_space(page, 4);
}

static void
holder_duties(struct pp_page *page)
{
	char line[512];

	pp_paragraph(page, _("The second party, as the certificate's holder, undertakes that:"),
		     PP_BOLD, PP_LEFT);
	for (size_t i = 0; i < sizeof(duties) / sizeof(duties[0]); i++) {
		snprintf(line, sizeof(line), "%zu. %s", i + 1, _(duties[i]));
		pp_paragraph(page, line, PP_BODY, PP_JUSTIFY);
	}
	pp_paragraph(page, _("This record is made in two copies, one for each party."), PP_BODY,
		     PP_LEFT);
}

/* Place and date, then the two parties and the Kabid's "Mengetahui" in one row. */
static void
signatures(struct pp_page *page, const struct wf_application *app, const struct wf_official *kasi,
	   const struct wf_official *kabid, int64_t when)
{
	char date[64], dated[384];
	const struct pp_signer signers[] = {
	    {_("The second party,"), _("Received by"), app->applicant.full_name,
	     app->applicant.nip},
	    {_("Acknowledged by,"),
	     kabid->position[0] ? kabid->position : wf_role_label(WF_ROLE_KABID, page->indonesian),
	     kabid->name, kabid->nip},
	    {_("The first party,"), _("Handed over by"), kasi->name, kasi->nip},
	};

	pp_date_words(when, page->office->zone, page->indonesian, date, sizeof(date));
	snprintf(dated, sizeof(dated), "%s, %s", page->office->place, date);
	pp_need(page, 150);
	pp_space(page, 4);
	pp_paragraph(page, dated, PP_BODY, PP_RIGHT);
	pp_signatures(page, signers, 3);
}

/* What the QR code at the top right says, and how to check it. */
static void
check_note(struct pp_page *page, const char *payload)
{
	char note[512];

	snprintf(note, sizeof(note),
		 _("The code at the top right checks this paper against the station's record "
		   "('enroll verify-paper'): %s"),
		 payload);
	pp_paragraph(page, note, PP_SMALL, PP_LEFT);
}

int
pp_receipt(struct pp_job *job, struct wf_error *err)
{
	const struct wf_application *app = job->app;
	const struct wf_event *handover = pp_event(app, "handover");
	struct wf_official kasi, kabid;
	char payload[160];

	/* The Kasi who handed it over, as named then; the Kabid in office. */
	if (wf_official_find_by_login(job->store, handover->actor_login, &kasi, err) != WF_OK)
		pp_official_of_role(job->store, WF_ROLE_KASI, &kasi);
	snprintf(kasi.name, sizeof(kasi.name), "%s", handover->actor_name);
	pp_official_of_role(job->store, WF_ROLE_KABID, &kabid);
	pp_error_clear(err);
	pp_receipt_payload(app, payload, sizeof(payload));
	pp_letterhead(job->page, job->page->title, payload);
	opening(job->page, app, handover->ended_at);
	parties(job->page, app, &kasi);
	handed_over(job->page, app);
	holder_duties(job->page);
	signatures(job->page, app, &kasi, &kabid, handover->ended_at);
	check_note(job->page, payload);
	return WF_OK;
}

int
pp_verify(struct wf_store *store, const char *payload, struct pp_verdict *out, struct wf_error *err)
{
	struct wf_application *app = NULL;
	char number[WF_NUMBER_MAX], fingerprint[65];
	int r, used = 0;

	memset(out, 0, sizeof(*out));
	pp_error_clear(err);
	/* Typed from the paper: spaces around and the case of the hex digits do not matter. */
	if (sscanf(payload, " BAST %23s SHA256:%64[0-9a-fA-F] %n", number, fingerprint, &used) !=
		2 ||
	    payload[used] != '\0' || strlen(fingerprint) != 64)
		return pp_fail(err, WF_ERR_INVALID, "payload",
			       _("not a receipt's code: expected \"BAST <number> SHA256:<64 hex "
				 "digits>\""));
	snprintf(out->number, sizeof(out->number), "%s", number);
	if ((r = wf_application_get(store, number, &app, err)) != WF_OK)
		return r;
	snprintf(out->full_name, sizeof(out->full_name), "%s", app->applicant.full_name);
	out->state = app->state;
	out->matches = app->has_certificate && pp_event(app, "handover") != NULL &&
		       strcasecmp(app->certificate.sha256, fingerprint) == 0;
	wf_application_free(app);
	return WF_OK;
}
