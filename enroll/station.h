/*
 * station.h: where the command joins the two libraries: the station's settings in the
 * workflow store, the issuer they name, and an application's data turned into a CSR
 * subject and the request the issuer (BSrE's portal) receives.
 */
#ifndef ENROLL_STATION_H
#define ENROLL_STATION_H

#include "cli.h"
#include "issuer.h"

/*
 * Keys of the settings 'enroll init' writes. The issuer's are its connector's name and,
 * under each option's name ('-' as '_': "ca_dir", "outbox", ...), that connector's settings.
 */
#define SETTING_ISSUER "issuer"
#define SETTING_KEY_TYPE "key_type"
#define SETTING_PROVINCE "province"
#define SETTING_ORGANIZATION "organization"
#define SETTING_EMAIL_DOMAIN "email_domain"

/* A setting's value (malloc'd) or NULL when unset. */
char *station_setting(struct cli *cli, const char *key);
/* A connector of issuer/'s table with its settings as the station has them. */
#define STATION_OPTIONS_MAX 8
struct station_connector {
	const struct iss_connector *connector;
	char *values[STATION_OPTIONS_MAX]; /* in the order of connector->options; NULL unset */
};
/*
 * The connector name (NULL: the configured one) with its settings: a value in given (a
 * NULL-ended option, value list; may be NULL), else the stored setting (once the store is
 * open), else the option's default in the station's data directory. Returns an exit status:
 * an unknown name is a usage error listing the known.
 */
int station_connector_load(struct cli *cli, const char *name, const char *const *given,
			   struct station_connector *out);
/* The iss_lookup_fn over a loaded station_connector. */
const char *station_connector_lookup(void *arg, const char *option);
/*
 * The settings to store for it, SETTING_ISSUER first, as a NULL-ended key, value list into
 * pairs (2 * STATION_OPTIONS_MAX + 3 entries), keys written into keys.
 */
void station_connector_pairs(const struct station_connector *sc, char keys[STATION_OPTIONS_MAX][32],
			     const char **pairs);
void station_connector_clear(struct station_connector *sc);
/*
 * The options of every connector in issuer/'s table, each once, appended to options (n rows
 * used, room for size, a NULL row ends them): the value of names[i] parsed into values[i].
 * Returns how many; names is NULL-ended.
 */
size_t station_issuer_options(struct cli_option *options, size_t n, size_t size,
			      const char **values, const char **names);
/* The options given (values[i] not NULL) as a NULL-ended option, value list. */
void station_issuer_given(const char *const *names, const char *const *values, size_t count,
			  const char **given);
/* The configured connector and its settings as text, for the send to record. */
int station_issuer_text(struct cli *cli, char **text);
/*
 * Open the issuer app's request was sent through, or the configured one for a request sent
 * before that was recorded. Returns an exit status.
 */
int station_issuer(struct cli *cli, const struct wf_application *app, struct issuer **out);

/* The CSR subject and the issuer request for an application; strings owned inside. */
struct station_request {
	struct tok_subject subject;
	struct iss_request request;
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
/*
 * Before step 7 writes anything: the certificate in data for app's key must name the
 * applicant (CN the full name in NFC, every email the application's, no control character).
 * Prints the refusal with both names and returns EXIT_CERT_MISMATCH; 0 when they agree or
 * when data holds no certificate for the key (the import refuses that itself).
 */
int station_check_subject(const struct wf_application *app, const unsigned char *data,
			  size_t length);

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
