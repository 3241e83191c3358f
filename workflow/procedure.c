/*
 * procedure.c: the SOP as data: the seven steps, the roles, the states, the actions and
 * the one transition table that the state machine, its checks, the help text, the
 * reports and the tests all read. Plus the names of the small enums of the records.
 */
#include <stdio.h>
#include <string.h>

#include "workflow-int.h"

#define LETTER_AND_FORMS "BSrE form (filled, signed), copy of KTP, copy of latest SK"

static const struct wf_step steps[] = {
    {1, "Menyampaikan surat permohonan sertifikat elektronik kepada Kepala Dinas",
     "Submit the application letter to the Head of Dinas", WF_ROLE_APPLICANT,
     "application letter, " LETTER_AND_FORMS, 15, "letter"},
    {2,
     "Menerima dan menelaah surat permohonan, mendisposisikan ke Kabid Statistik dan "
     "Persandian",
     "Receive, review, dispose to the Kabid", WF_ROLE_KEPALA_DINAS,
     "disposition, " LETTER_AND_FORMS, 15, "disposed"},
    {3, "Menerima dan menelaah disposisi Kepala Dinas, mendisposisikan ke Kasi Persandian",
     "Receive, review, dispose to the Kasi", WF_ROLE_KABID, "disposition, " LETTER_AND_FORMS, 15,
     "disposed"},
    {4, "Menerima disposisi, mendata pemohon dan mendaftarkan melalui verifikator",
     "Record the applicant's data, register through the verifier", WF_ROLE_KASI,
     "disposition, " LETTER_AND_FORMS, 15, "registered"},
    {5, "Memeriksa kelengkapan berkas dan mengirimkan ke Layanan BSrE",
     "Check completeness, send to the BSrE service", WF_ROLE_KASI,
     "incoming letter, " LETTER_AND_FORMS, 15, "sent"},
    {6, "Pemohon hadir, menginput passphrase; kunci dibuat di token, CSR",
     "Applicant present: passphrase (PIN) entered, key generated on the token, CSR", WF_ROLE_KASI,
     "station, applicant, token", 10, "token with key, CSR"},
    {7, "Mengunduh sertifikat elektronik, memasang di token, menyerahkan ke pemilik",
     "Download the certificate, import it onto the token, hand it over", WF_ROLE_KASI,
     "station, applicant, token", 10, "token handed over"},
};

const struct wf_step *
wf_steps(size_t *count)
{
	if (count)
		*count = sizeof(steps) / sizeof(steps[0]);
	return steps;
}

const struct wf_step *
wf_step(int number)
{
	if (number < 1 || number > (int)(sizeof(steps) / sizeof(steps[0])))
		return NULL;
	return &steps[number - 1];
}

static const char *const role_names[WF_ROLE_COUNT] = {"pemohon", "kepala_dinas", "kabid", "kasi"};
/* The office's own titles; the English labels say what the Indonesian ones abbreviate. */
static const char *const role_labels_id[WF_ROLE_COUNT] = {
    "Pemohon", "Kepala Dinas", "Kabid Statistik dan Persandian", "Kasi Persandian"};
static const char *const role_labels_en[WF_ROLE_COUNT] = {
    "Applicant", "Head of Dinas", "Head of Statistics and Cryptography (Kabid)",
    "Head of Cryptography Section (Kasi)"};

/* Generic name lookups over the string tables below. */
static const char *
name_of(const char *const *names, int count, int value)
{
	if (value < 0 || value >= count || !names[value])
		return "?";
	return names[value];
}

static int
parse_name(const char *const *names, int count, const char *name)
{
	if (!name)
		return -1;
	for (int i = 0; i < count; i++)
		if (names[i] && strcmp(names[i], name) == 0)
			return i;
	return -1;
}

const char *
wf_role_name(enum wf_role role)
{
	return name_of(role_names, WF_ROLE_COUNT, (int)role);
}

const char *
wf_role_label(enum wf_role role, bool indonesian)
{
	return name_of(indonesian ? role_labels_id : role_labels_en, WF_ROLE_COUNT, (int)role);
}

bool
wf_indonesian(void)
{
	/* The catalogue names its language: id.po translates "en" as "id" (as the command asks). */
	return strcmp(_("en"), "id") == 0;
}

int
wf_role_parse(const char *name)
{
	return parse_name(role_names, WF_ROLE_COUNT, name);
}

/* name, Indonesian label, English label, the SOP step completed on reaching it (0: none) */
static const struct {
	const char *name, *label_id, *label_en;
} states[WF_STATE_COUNT] = {
    [WF_STATE_SUBMITTED] = {"submitted", "Diajukan", "Submitted"},
    [WF_STATE_DISPOSED_KADIS] = {"disposed_kadis", "Didisposisi Kepala Dinas",
				 "Disposed by the Head of Dinas"},
    [WF_STATE_DISPOSED_KABID] = {"disposed_kabid", "Didisposisi Kabid", "Disposed by the Kabid"},
    [WF_STATE_REGISTERED] = {"registered", "Didaftarkan", "Registered"},
    [WF_STATE_SENT] = {"sent", "Dikirim ke BSrE", "Sent to BSrE"},
    [WF_STATE_KEY_GENERATED] = {"key_generated", "Kunci dibuat", "Key generated"},
    [WF_STATE_CERTIFICATE_IMPORTED] = {"certificate_imported", "Sertifikat dipasang",
				       "Certificate imported"},
    [WF_STATE_ACTIVE] = {"active", "Aktif, sudah diserahkan", "Active, handed over"},
    [WF_STATE_RETURNED] = {"returned", "Dikembalikan", "Returned"},
    [WF_STATE_REJECTED] = {"rejected", "Ditolak", "Rejected"},
    [WF_STATE_CANCELLED] = {"cancelled", "Dibatalkan", "Cancelled"},
    [WF_STATE_LOST] = {"lost", "Hilang", "Lost"},
    [WF_STATE_REVOKED] = {"revoked", "Dicabut", "Revoked"},
    [WF_STATE_EXPIRED] = {"expired", "Kedaluwarsa", "Expired"},
    [WF_STATE_RENEWED] = {"renewed", "Diperbarui", "Renewed"},
};

const char *
wf_state_name(enum wf_state state)
{
	if ((int)state < 0 || state >= WF_STATE_COUNT)
		return "?";
	return states[state].name;
}

const char *
wf_state_label(enum wf_state state, bool indonesian)
{
	if ((int)state < 0 || state >= WF_STATE_COUNT)
		return "?";
	return indonesian ? states[state].label_id : states[state].label_en;
}

int
wf_state_parse(const char *name)
{
	for (int i = 0; name && i < WF_STATE_COUNT; i++)
		if (strcmp(states[i].name, name) == 0)
			return i;
	return -1;
}

static const struct {
	const char *name, *label_id, *label_en;
} actions[WF_ACTION_COUNT] = {
    [WF_ACTION_DISPOSE] = {"dispose", "Disposisi", "Dispose"},
    [WF_ACTION_REGISTER] = {"register", "Daftarkan", "Register"},
    [WF_ACTION_SEND] = {"send", "Kirim ke BSrE", "Send to BSrE"},
    [WF_ACTION_RECORD_KEY] = {"record_key", "Catat kunci", "Record key"},
    [WF_ACTION_IMPORT_CERTIFICATE] = {"import_certificate", "Pasang sertifikat",
				      "Import certificate"},
    [WF_ACTION_HANDOVER] = {"handover", "Serahkan", "Hand over"},
    [WF_ACTION_RETURN] = {"return", "Kembalikan", "Return"},
    [WF_ACTION_RESUBMIT] = {"resubmit", "Ajukan ulang", "Resubmit"},
    [WF_ACTION_REJECT] = {"reject", "Tolak", "Reject"},
    [WF_ACTION_CANCEL] = {"cancel", "Batalkan", "Cancel"},
    [WF_ACTION_REPORT_LOST] = {"report_lost", "Lapor hilang", "Report lost"},
    [WF_ACTION_REVOKE] = {"revoke", "Cabut", "Revoke"},
    [WF_ACTION_EXPIRE] = {"expire", "Kedaluwarsa", "Expire"},
    [WF_ACTION_RENEW] = {"renew", "Perbarui", "Renew"},
};

const char *
wf_action_name(enum wf_action action)
{
	if ((int)action < 0 || action >= WF_ACTION_COUNT)
		return "?";
	return actions[action].name;
}

const char *
wf_action_label(enum wf_action action, bool indonesian)
{
	if ((int)action < 0 || action >= WF_ACTION_COUNT)
		return "?";
	return indonesian ? actions[action].label_id : actions[action].label_en;
}

int
wf_action_parse(const char *name)
{
	for (int i = 0; name && i < WF_ACTION_COUNT; i++)
		if (strcmp(actions[i].name, name) == 0)
			return i;
	return -1;
}

#define S(x) WF_STATE_##x
#define A(x) WF_ACTION_##x
#define R(x) WF_ROLE_##x

/*
 * The procedure. A return or reject is done by whoever holds the application at that
 * stage, as the step they would have done next; the applicant's own acts (resubmit,
 * cancel) are recorded by any official. Step 0: outside the SOP's seven steps.
 */
static const struct wf_transition transitions[] = {
    /* the forward path, steps 2..7 (step 1 is wf_application_create) */
    {S(SUBMITTED), A(DISPOSE), S(DISPOSED_KADIS), 2, R(KEPALA_DINAS), 0},
    {S(DISPOSED_KADIS), A(DISPOSE), S(DISPOSED_KABID), 3, R(KABID), 0},
    {S(DISPOSED_KABID), A(REGISTER), S(REGISTERED), 4, R(KASI), 0},
    {S(REGISTERED), A(SEND), S(SENT), 5, R(KASI), WF_NEED_DOCUMENTS},
    {S(SENT), A(RECORD_KEY), S(KEY_GENERATED), 6, R(KASI), WF_NEED_KEY},
    {S(KEY_GENERATED), A(IMPORT_CERTIFICATE), S(CERTIFICATE_IMPORTED), 7, R(KASI),
     WF_NEED_CERTIFICATE},
    {S(CERTIFICATE_IMPORTED), A(HANDOVER), S(ACTIVE), 7, R(KASI), 0},
    /* back to the applicant for missing items, and back in */
    {S(SUBMITTED), A(RETURN), S(RETURNED), 2, R(KEPALA_DINAS), WF_NEED_NOTE},
    {S(DISPOSED_KADIS), A(RETURN), S(RETURNED), 3, R(KABID), WF_NEED_NOTE},
    {S(DISPOSED_KABID), A(RETURN), S(RETURNED), 4, R(KASI), WF_NEED_NOTE},
    {S(REGISTERED), A(RETURN), S(RETURNED), 5, R(KASI), WF_NEED_NOTE},
    {S(SENT), A(RETURN), S(RETURNED), 5, R(KASI), WF_NEED_NOTE},
    {S(RETURNED), A(RESUBMIT), S(SUBMITTED), 1, R(APPLICANT), 0},
    /* refusal */
    {S(SUBMITTED), A(REJECT), S(REJECTED), 2, R(KEPALA_DINAS), WF_NEED_NOTE},
    {S(DISPOSED_KADIS), A(REJECT), S(REJECTED), 3, R(KABID), WF_NEED_NOTE},
    {S(DISPOSED_KABID), A(REJECT), S(REJECTED), 4, R(KASI), WF_NEED_NOTE},
    {S(REGISTERED), A(REJECT), S(REJECTED), 5, R(KASI), WF_NEED_NOTE},
    {S(SENT), A(REJECT), S(REJECTED), 5, R(KASI), WF_NEED_NOTE},
    {S(RETURNED), A(REJECT), S(REJECTED), 0, R(KASI), WF_NEED_NOTE},
    /* the applicant withdraws, at any point before handover */
    {S(SUBMITTED), A(CANCEL), S(CANCELLED), 0, R(APPLICANT), 0},
    {S(DISPOSED_KADIS), A(CANCEL), S(CANCELLED), 0, R(APPLICANT), 0},
    {S(DISPOSED_KABID), A(CANCEL), S(CANCELLED), 0, R(APPLICANT), 0},
    {S(REGISTERED), A(CANCEL), S(CANCELLED), 0, R(APPLICANT), 0},
    {S(SENT), A(CANCEL), S(CANCELLED), 0, R(APPLICANT), 0},
    {S(KEY_GENERATED), A(CANCEL), S(CANCELLED), 0, R(APPLICANT), 0},
    {S(CERTIFICATE_IMPORTED), A(CANCEL), S(CANCELLED), 0, R(APPLICANT), 0},
    {S(RETURNED), A(CANCEL), S(CANCELLED), 0, R(APPLICANT), 0},
    /* the token's life after handover */
    {S(ACTIVE), A(REPORT_LOST), S(LOST), 0, R(KASI), WF_NEED_NOTE},
    {S(ACTIVE), A(REVOKE), S(REVOKED), 0, R(KASI), WF_NEED_NOTE},
    {S(LOST), A(REVOKE), S(REVOKED), 0, R(KASI), WF_NEED_NOTE},
    {S(ACTIVE), A(EXPIRE), S(EXPIRED), 0, R(KASI), 0},
    {S(ACTIVE), A(RENEW), S(RENEWED), 0, R(KASI), 0},
    {S(EXPIRED), A(RENEW), S(RENEWED), 0, R(KASI), 0},
};

#undef S
#undef A
#undef R

const struct wf_transition *
wf_transitions(size_t *count)
{
	if (count)
		*count = sizeof(transitions) / sizeof(transitions[0]);
	return transitions;
}

const struct wf_transition *
wf_transition_find(enum wf_state from, enum wf_action action)
{
	for (size_t i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++)
		if (transitions[i].from == from && transitions[i].action == action)
			return &transitions[i];
	return NULL;
}

bool
wf_state_is_final(enum wf_state state)
{
	for (size_t i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++)
		if (transitions[i].from == state)
			return false;
	return true;
}

char *
wf_allowed_actions(enum wf_state from, char *buf, size_t size)
{
	size_t used = 0;

	if (!buf || size == 0)
		return buf;
	buf[0] = '\0';
	/* In action order, each once (dispose appears for two states, never twice for one). */
	for (int a = 0; a < WF_ACTION_COUNT; a++) {
		if (!wf_transition_find(from, (enum wf_action)a))
			continue;
		int n = snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
				 wf_action_label((enum wf_action)a, wf_indonesian()));
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
	if (used == 0)
		snprintf(buf, size, "%s", _("none"));
	return buf;
}

static const char *const employment_names[WF_EMPLOYMENT_COUNT] = {"pns", "pppk", "other"};
static const char *const request_names[WF_REQUEST_COUNT] = {"new", "renewal", "data_change",
							    "revocation"};
static const char *const document_names[WF_DOC_COUNT] = {"application_letter", "bsre_form",
							 "ktp_copy", "sk_copy"};
static const char *const document_labels_id[WF_DOC_COUNT] = {
    "Surat permohonan", "Formulir BSrE (diisi dan ditandatangani)", "Fotokopi KTP",
    "Fotokopi SK terakhir"};
static const char *const document_labels_en[WF_DOC_COUNT] = {
    "Application letter", "BSrE form (filled and signed)", "Copy of KTP", "Copy of latest SK"};
static const char *const key_status_names[WF_KEY_STATUS_COUNT] = {"intent", "generated", "complete",
								  "abandoned"};
static const char *const key_status_labels_id[WF_KEY_STATUS_COUNT] = {"dimulai", "dibuat",
								      "selesai", "ditinggalkan"};
static const char *const key_status_labels_en[WF_KEY_STATUS_COUNT] = {"started", "generated",
								      "complete", "abandoned"};

const char *
wf_employment_name(enum wf_employment employment)
{
	return name_of(employment_names, WF_EMPLOYMENT_COUNT, (int)employment);
}

int
wf_employment_parse(const char *name)
{
	return parse_name(employment_names, WF_EMPLOYMENT_COUNT, name);
}

const char *
wf_request_type_name(enum wf_request_type type)
{
	return name_of(request_names, WF_REQUEST_COUNT, (int)type);
}

int
wf_request_type_parse(const char *name)
{
	return parse_name(request_names, WF_REQUEST_COUNT, name);
}

const char *
wf_document_name(enum wf_document_kind kind)
{
	return name_of(document_names, WF_DOC_COUNT, (int)kind);
}

const char *
wf_document_label(enum wf_document_kind kind, bool indonesian)
{
	return name_of(indonesian ? document_labels_id : document_labels_en, WF_DOC_COUNT,
		       (int)kind);
}

int
wf_document_parse(const char *name)
{
	return parse_name(document_names, WF_DOC_COUNT, name);
}

const char *
wf_key_status_name(enum wf_key_status status)
{
	return name_of(key_status_names, WF_KEY_STATUS_COUNT, (int)status);
}

const char *
wf_key_status_label(enum wf_key_status status, bool indonesian)
{
	return name_of(indonesian ? key_status_labels_id : key_status_labels_en,
		       WF_KEY_STATUS_COUNT, (int)status);
}

int
wf_key_status_parse(const char *name)
{
	return parse_name(key_status_names, WF_KEY_STATUS_COUNT, name);
}

static const char *const status_names[] = {
    "WF_OK",
    "WF_ERR_INTERNAL",
    "WF_ERR_DB",
    "WF_ERR_NOT_FOUND",
    "WF_ERR_STATE",
    "WF_ERR_ROLE",
    "WF_ERR_CONFLICT",
    "WF_ERR_INVALID",
    "WF_ERR_INCOMPLETE",
    "WF_ERR_EXISTS",
    "WF_ERR_AUDIT",
    "WF_ERR_UNSAFE",
    "WF_ERR_SCHEMA",
    "WF_ERR_IO",
    "WF_ERR_BUSY",
    "WF_ERR_NO_DATABASE",
    "WF_ERR_CORRUPT",
    "WF_ERR_BACKUP",
    "WF_ERR_REFUSED",
};

const char *
wf_status_name(int code)
{
	if (code > 0 || -code >= (int)(sizeof(status_names) / sizeof(status_names[0])))
		return "WF_ERR_UNKNOWN";
	return status_names[-code];
}
