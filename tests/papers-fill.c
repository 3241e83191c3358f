/*
 * papers-fill.c: holders for the papers' tests that no token could give in time: N
 * applicants across M agencies (the first agency's name 200 characters long, names with
 * diacritics) walked to handover along the transition table, in a station made by
 * 'enroll init'. Usage: papers-fill DB N M. The same arguments give the same holders.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wf-fixture.h"

static int64_t
fill_clock(void *arg)
{
	(void)arg;
	return wft_now;
}

static const char *const given[] = {"Siti", "Budi", "Ni Made", "Dewi", "Agus", "Rina", "Yohanes"};
static const char *const family[] = {"Rahmawati", "Santoso",	  "Ayu Kusumawardhani", "Lestari",
				     "Pratama",	  "Żaneta Ōkubo", "Tan Siu Lîan"};

/* Agency a: the first one has a 200-character name, the others a plain one. */
static void
agency_name(int a, char *out, size_t size)
{
	if (a == 0) {
		snprintf(
		    out, size, "%s",
		    "Badan Perencanaan Pembangunan, Penelitian dan Pengembangan Daerah serta "
		    "Pengelolaan Keuangan, Pendapatan dan Aset Daerah Kota Singkawang Provinsi "
		    "Kalimantan Barat Republik Indonesia (BAPPEDA)");
		return;
	}
	snprintf(out, size, "Dinas Nomor %02d Kota Singkawang", a);
}

static int
fill_one(struct wf_store *store, int i, int agencies)
{
	struct wf_applicant a;
	struct wf_actor kasi = wft_actor(WFT_KASI);
	struct wf_error err;
	char number[WF_NUMBER_MAX];

	wft_applicant(&a, i);
	snprintf(a.full_name, sizeof(a.full_name), "%s %s %d", given[i % 7], family[(i / 7) % 7],
		 i);
	/* One person each: the NIK's last four digits are its serial. */
	snprintf(a.nik, sizeof(a.nik), "617201150190%04d", (i + 1) % 10000);
	agency_name(i % agencies, a.agency, sizeof(a.agency));
	snprintf(a.work_unit, sizeof(a.work_unit), "%s", i % 3 ? "Sekretariat" : "Bidang Umum");
	if (wf_application_create(store, &a, WF_REQUEST_NEW, &kasi, "letter", number, &err) !=
	    WF_OK)
		goto fail;
	for (int kind = 0; kind < WF_DOC_COUNT; kind++)
		if (wf_document_set(store, number, (enum wf_document_kind)kind, true, NULL, &kasi,
				    &err) != WF_OK)
			goto fail;
	if (wft_drive_to(store, number, WF_STATE_ACTIVE, &err) == WF_OK)
		return 0;
fail:
	fprintf(stderr, "papers-fill: applicant %d: %s\n", i, err.message);
	return 1;
}

int
main(int argc, char **argv)
{
	struct wf_store *store;
	struct wf_error err;
	int n, agencies, r = 0;

	if (argc != 4 || (n = atoi(argv[2])) <= 0 || (agencies = atoi(argv[3])) <= 0) {
		fprintf(stderr, "usage: papers-fill DB N AGENCIES\n");
		return 2;
	}
	if ((store = wf_store_open(argv[1], &err)) == NULL) {
		fprintf(stderr, "papers-fill: %s\n", err.message);
		return 1;
	}
	wft_now = wft_local_time(2025, 12, 1, 8);
	wf_store_set_clock(store, fill_clock, NULL);
	for (int i = 0; i < n && r == 0; i++) {
		r = fill_one(store, i, agencies);
		/* A day between handovers: the holders spread over the months before today. */
		wft_now += 24 * 3600;
	}
	wf_store_close(store);
	return r;
}
