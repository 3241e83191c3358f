/*
 * station.h: where the command joins the two libraries: the station's settings in the
 * workflow store, the issuer they name, and an application's data turned into a CSR
 * subject and the request the issuer (BSrE's portal) receives.
 */
#ifndef ENROLL_STATION_H
#define ENROLL_STATION_H

#include "cli.h"
#include "issuer.h"

/* Keys of the settings 'enroll init' writes. */
#define SETTING_ISSUER "issuer"		  /* "local" or "file" */
#define SETTING_CA_DIR "ca_dir"		  /* the local test CA */
#define SETTING_TRUST_ANCHORS "trust_anchors" /* PEM file of root certificates */
#define SETTING_OUTBOX "outbox"
#define SETTING_INBOX "inbox"
#define SETTING_KEY_TYPE "key_type"
#define SETTING_PROVINCE "province"
#define SETTING_ORGANIZATION "organization"
#define SETTING_EMAIL_DOMAIN "email_domain"

/* A setting's value (malloc'd) or NULL when unset. */
char *station_setting(struct cli *cli, const char *key);
/* Open the issuer 'enroll init' configured. Returns an exit status. */
int station_issuer(struct cli *cli, struct issuer **out);

/* The CSR subject and the issuer request for an application; strings owned inside. */
struct station_request {
	struct tok_subject subject;
	struct issuer_request request;
	char *organization;
	char *province;
	char *json;
	char *sheet;
};
/* The CSR subject for app, from its data and the station's settings. */
void station_request_init(struct cli *cli, const struct wf_application *app,
			  struct station_request *out);
/* Then the issuer request: the CSR and the applicant's data (JSON, sheet) for the portal. */
int station_request_add_csr(struct cli *cli, const struct wf_application *app,
			    const char *key_id_hex, const char *csr_pem,
			    struct station_request *request);
void station_request_clear(struct station_request *request);

struct pcsc_model;
/*
 * What the device table says of the card in the reader this token's slot names, by its
 * ATR over PC/SC: quirks, blank label, note. All zero when there is no reader (SoftHSM),
 * pcscd is not running or the card is not in the table.
 */
void station_token_model(const struct tok_info *info, struct pcsc_model *out);
/*
 * A blank token of a model that needs a step outside enroll (device table quirks
 * needs-pkcs15-init, piv-management-key, vendor-middleware): say which and why, with the
 * table's note, and return EXIT_TOKEN; 0 when enroll can initialize it itself.
 */
int station_vendor_step(const struct pcsc_model *model);
/* Blank: not initialized, or (where the driver cannot tell) showing its factory label. */
bool station_token_is_blank(const struct tok_info *info, const struct pcsc_model *model);

#endif
