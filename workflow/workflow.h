/*
 * workflow.h: the office's procedure for issuing TTE certificates (SOP "Penerbitan
 * Sertifikat Elektronik") as data, the application state machine over one store (a
 * sqlite file, or a PostgreSQL database: db.h), the records kept about each application,
 * and the hash-chained audit log.
 * Knows nothing of tokens or the command line; never prints, never exits.
 */
#ifndef ENROLL_WORKFLOW_H
#define ENROLL_WORKFLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Status codes: 0 success, negative on failure. wf_status_name() gives the symbol. */
enum wf_status {
	WF_OK = 0,
	WF_ERR_INTERNAL = -1,	/* a bug or an unexpected library failure (out of memory) */
	WF_ERR_DB = -2,		/* the database failed; message has its words */
	WF_ERR_NOT_FOUND = -3,	/* no such application, official, setting, key record */
	WF_ERR_STATE = -4,	/* illegal transition; message lists what is allowed now */
	WF_ERR_ROLE = -5,	/* actor lacks the step's role; the refusal is audited */
	WF_ERR_CONFLICT = -6,	/* lost a race: another process changed it first */
	WF_ERR_INVALID = -7,	/* validation failed; message names the field */
	WF_ERR_INCOMPLETE = -8, /* documents missing; message lists them */
	WF_ERR_EXISTS = -9,	/* already there (login, open key intent, ...) */
	WF_ERR_AUDIT = -10,	/* the audit chain is broken (wf_audit_verify) */
	WF_ERR_UNSAFE = -11,	/* db file not ours or not 0600, its dir other-writable */
	WF_ERR_SCHEMA = -12,	/* the database is newer than this program */
	WF_ERR_IO = -13,	/* copying a scan or writing a backup failed */
	WF_ERR_BUSY = -14,	/* another run of enroll holds the application or token (wf_lock) */
	WF_ERR_NO_DATABASE = -15, /* no database at the path, or an empty file (wf_store_open) */
	WF_ERR_CORRUPT = -16,	  /* fails its engine's integrity check: nothing is written */
	WF_ERR_BACKUP = -17,	  /* a backup differs from its manifest (wf_backup_check) */
	WF_ERR_REFUSED = -18, /* the database server refused this login the act: nothing written */
};

/*
 * Filled by every function that can fail. message is English, one line, for logs and
 * for the command to show after its localized summary. field names the offending input
 * after WF_ERR_INVALID ("nik", "paper_reference", ...), "" otherwise.
 */
struct wf_error {
	int code;
	char field[32];
	char message[512];
};

/* The symbol of a status, e.g. "WF_ERR_STATE". Never NULL. */
const char *wf_status_name(int code);

/* ---------------------------------------------------------------- the procedure */

/* Who executes a step. The applicant is not an official; see wf_actor. */
enum wf_role {
	WF_ROLE_APPLICANT,    /* "pemohon" */
	WF_ROLE_KEPALA_DINAS, /* "kepala_dinas" */
	WF_ROLE_KABID,	      /* "kabid": Kabid Statistik dan Persandian */
	WF_ROLE_KASI,	      /* "kasi": Kasi Persandian, the verifier and station operator */
	WF_ROLE_COUNT
};
/* "pemohon", "kepala_dinas", "kabid", "kasi"; "?" if out of range. */
const char *wf_role_name(enum wf_role role);
/* The role's title in Indonesian or English, for people (wf_role_name is the code). */
const char *wf_role_label(enum wf_role role, bool indonesian);
/* Parse a role name; returns the role or -1. */
int wf_role_parse(const char *name);

/* One step of the SOP, exactly as the office's table. Static data, never freed. */
struct wf_step {
	int number; /* 1..7 */
	const char *activity_id;
	const char *activity_en;
	enum wf_role role;
	const char *inputs; /* kelengkapan */
	int standard_minutes;
	const char *output;
};
/* The seven steps in order; *count set to 7. */
const struct wf_step *wf_steps(size_t *count);
/* Step by number (1..7), NULL otherwise. */
const struct wf_step *wf_step(int number);

/*
 * Application states. The forward path is SUBMITTED .. ACTIVE; RETURNED, REJECTED and
 * CANCELLED leave it; LOST, REVOKED, EXPIRED, RENEWED are the token's lifecycle after
 * handover.
 */
enum wf_state {
	WF_STATE_SUBMITTED,	       /* step 1 done: letter at the Kepala Dinas */
	WF_STATE_DISPOSED_KADIS,       /* step 2 done: disposed to the Kabid */
	WF_STATE_DISPOSED_KABID,       /* step 3 done: disposed to the Kasi */
	WF_STATE_REGISTERED,	       /* step 4 done: data recorded, registered */
	WF_STATE_SENT,		       /* step 5 done: sent to BSrE */
	WF_STATE_KEY_GENERATED,	       /* step 6 done: key on the token, CSR */
	WF_STATE_CERTIFICATE_IMPORTED, /* step 7a: certificate on the token */
	WF_STATE_ACTIVE,	       /* step 7b: handed over; a TTE holder */
	WF_STATE_RETURNED,	       /* back to the applicant: documents incomplete */
	WF_STATE_REJECTED,
	WF_STATE_CANCELLED,
	WF_STATE_LOST,
	WF_STATE_REVOKED,
	WF_STATE_EXPIRED,
	WF_STATE_RENEWED,
	WF_STATE_COUNT
};
/* "submitted", "disposed_kadis", ...; "?" if out of range. */
const char *wf_state_name(enum wf_state state);
/* Human label in Indonesian (indonesian = true) or English. Never NULL. */
const char *wf_state_label(enum wf_state state, bool indonesian);
/* Parse a state name; returns the state or -1. */
int wf_state_parse(const char *name);
/* True if no action leads out of the state. */
bool wf_state_is_final(enum wf_state state);

enum wf_action {
	WF_ACTION_DISPOSE,	      /* steps 2 and 3 */
	WF_ACTION_REGISTER,	      /* step 4 */
	WF_ACTION_SEND,		      /* step 5: needs the four documents received */
	WF_ACTION_RECORD_KEY,	      /* step 6: wf_key_complete() */
	WF_ACTION_IMPORT_CERTIFICATE, /* step 7: wf_certificate_record() */
	WF_ACTION_HANDOVER,	      /* step 7: the token leaves the station */
	WF_ACTION_RETURN,	      /* needs a note: the missing items */
	WF_ACTION_RESUBMIT,	      /* the applicant brings the missing items */
	WF_ACTION_REJECT,	      /* needs a note: the reason */
	WF_ACTION_CANCEL,	      /* the applicant withdraws */
	WF_ACTION_REPORT_LOST,
	WF_ACTION_REVOKE,
	WF_ACTION_EXPIRE,
	WF_ACTION_RENEW,
	WF_ACTION_COUNT
};
/* "dispose", "register", "send", "record_key", ...; "?" if out of range. */
const char *wf_action_name(enum wf_action action);
/* Human label in Indonesian or English. Never NULL. */
const char *wf_action_label(enum wf_action action, bool indonesian);
/* Parse an action name; returns the action or -1. */
int wf_action_parse(const char *name);

/* What a transition needs besides the state and the role (bit set). */
enum wf_need {
	WF_NEED_NOTE = 1 << 0,	      /* a non-empty note (reason, missing items) */
	WF_NEED_DOCUMENTS = 1 << 1,   /* the four documents received */
	WF_NEED_KEY = 1 << 2,	      /* a key intent with its key id (wf_key_set_id) */
	WF_NEED_CERTIFICATE = 1 << 3, /* only through wf_certificate_record() */
};

/*
 * The one transition table: the state machine, the checks, the help text and the
 * tests all read it. step is the SOP step (1..7) or 0 for the lifecycle after handover;
 * role is who may do it (WF_ROLE_APPLICANT: any registered official records it for
 * the applicant, who has no login). (from, action) is unique.
 */
struct wf_transition {
	enum wf_state from;
	enum wf_action action;
	enum wf_state to;
	int step;
	enum wf_role role;
	unsigned needs; /* enum wf_need bits */
};
/* The whole table (static, never freed); *count set to its length. */
const struct wf_transition *wf_transitions(size_t *count);
/* The transition for (from, action), NULL if the action is not allowed there. */
const struct wf_transition *wf_transition_find(enum wf_state from, enum wf_action action);
/*
 * Write the labels of the actions allowed from a state, comma separated, in the
 * catalogue's language, into buf ("Dispose, Return, Reject, Cancel"; "none" for a final
 * state). Returns buf.
 */
char *wf_allowed_actions(enum wf_state from, char *buf, size_t size);

/* ---------------------------------------------------------------- the store */

struct wf_store;

/*
 * Open the existing database at path and bring its schema to the current version.
 * Only wf_store_create() makes a database: a path where nothing is, an empty (0-byte)
 * file or a file no version of this program set up is WF_ERR_NO_DATABASE. Refuses
 * (WF_ERR_UNSAFE) a file owned by another user or open to group or others in any way
 * (it holds personal data: mode 0600 only), a directory owned by another user (other
 * than root) or writable by group or others, as OpenSSH's safe_path() does. WAL, foreign
 * keys on, a 10 s busy timeout. WF_ERR_SCHEMA if the file is newer than this program.
 * Scans go into the data directory "<path>.files/". path may instead be a PostgreSQL URI
 * (wf_target_is_server): no password in it, sslmode=verify-full over a network
 * (WF_ERR_UNSAFE), the scans kept in the database. Returns NULL on failure with err
 * filled. Free with wf_store_close().
 */
struct wf_store *wf_store_open(const char *path, struct wf_error *err);
/*
 * The same, creating the file (mode 0600) and its schema if there is none or it is
 * empty: for "enroll init" only. An existing database is opened as wf_store_open does.
 */
struct wf_store *wf_store_create(const char *path, struct wf_error *err);
/* True when target names a PostgreSQL server's database (postgresql:// or postgres://). */
bool wf_target_is_server(const char *target);
/*
 * The directory of the station's own files (scans, locks, the local CA) for a --db
 * target, malloc'd (NULL when out of memory): "<file>.files" beside a sqlite file; for a
 * server's database, one directory per database in the station's state directory
 * (ENROLL_STATE_DIR, else $XDG_STATE_HOME/enroll or ~/.local/state/enroll). Only named:
 * nothing is made until something is written there.
 */
char *wf_target_files(const char *target);
/* Close and free. NULL is a no-op. */
void wf_store_close(struct wf_store *store);
/* The schema version this program writes (PRAGMA user_version). */
int wf_schema_version(void);

/*
 * The clock the store stamps records with (Unix seconds). Default: time(). Tests and
 * the benchmark install their own; fn NULL restores the default.
 */
typedef int64_t (*wf_clock_fn)(void *arg);
void wf_store_set_clock(struct wf_store *store, wf_clock_fn fn, void *arg);

/*
 * Check the store (a sqlite file with PRAGMA quick_check): WF_ERR_CORRUPT naming it and the
 * first problem. A handle does this before its first write anyway, and takes no writes to a
 * damaged file; it reads the whole file (about 1.7 s per 100,000 applications), so a
 * long-running caller may call it first to keep that out of its first transition.
 */
int wf_store_check(struct wf_store *store, struct wf_error *err);

/*
 * Copy the whole database into a new file at path (sqlite online backup, mode 0600);
 * WF_ERR_INVALID for a PostgreSQL store, whose backup is the server's (pg_dump).
 */
int wf_backup(struct wf_store *store, const char *path, struct wf_error *err);

/* What a backup holds: its audit head, and how many files beside the database. */
struct wf_backup_info {
	int64_t audit_rows;
	char audit_head[65];
	size_t files;
};
/*
 * Write a backup the station can be restored from into the new directory dir (its parents
 * made, mode 0700): the database, every file of the data directory under files/, and a
 * MANIFEST with the database's path, the audit head and each file's SHA-256 (the lines
 * sha256sum(1) writes). Made as <dir>.partial, renamed when complete. WF_ERR_EXISTS if
 * dir is there; WF_ERR_IO. info (may be NULL) on success.
 */
int wf_backup_create(struct wf_store *store, const char *dir, struct wf_backup_info *info,
		     struct wf_error *err);
/*
 * Check a backup in full, changing nothing: every file listed with its hash and none
 * more, the database's audit chain intact and its head the manifest's. WF_ERR_AUDIT names
 * what differs; WF_ERR_IO.
 */
int wf_backup_check(const char *dir, struct wf_backup_info *info, struct wf_error *err);
/*
 * Restore the backup in dir to the station at db_path, which must be the path it was
 * taken from (the records name their scans by absolute path: WF_ERR_INVALID otherwise).
 * Everything is checked as wf_backup_check does while being copied beside the database;
 * only then is a station already there (with replace; WF_ERR_EXISTS without) moved aside
 * to <db>.replaced-<date> (nothing is deleted) and the restored one moved in.
 */
int wf_restore(const char *dir, const char *db_path, bool replace, struct wf_backup_info *info,
	       struct wf_error *err);

/* What wf_store_copy copied: the rows of each table in the order copied, the scans. */
#define WF_COPY_TABLES_MAX 16
struct wf_copy_info {
	struct {
		const char *table; /* static: the table's name */
		int64_t rows;
	} tables[WF_COPY_TABLES_MAX];
	size_t table_count;
	size_t files;	    /* scans copied into the target's data directory */
	int64_t audit_rows; /* the audit head both stores now hold */
	char audit_head[65];
};
/*
 * Copy every record of from, with its ids and all its history, into to, a store of either
 * engine that holds no office, official, application or audit row (WF_ERR_EXISTS otherwise,
 * nothing written): one read snapshot of from, one transaction on to. The scans are copied
 * into to's data directory, each checked against its recorded SHA-256 (WF_ERR_AUDIT), and
 * the records name the copies; locks are not copied. to commits only if its audit chain
 * verifies, its records agree with the chain and its head and trigger-kept summaries are
 * from's (WF_ERR_AUDIT otherwise); on any failure to keeps nothing, not even a scan.
 * info (may be NULL) on success.
 */
int wf_store_copy(struct wf_store *from, struct wf_store *to, struct wf_copy_info *info,
		  struct wf_error *err);

/* ---------------------------------------------------------------- office, settings */

#define WF_NAME_MAX 256 /* bytes of UTF-8, including the NUL */

struct wf_office {
	char name[WF_NAME_MAX]; /* "Dinas Komunikasi dan Informatika" */
	char city[WF_NAME_MAX]; /* "Singkawang" */
};
/* Set the office's name and city (audited as by_login). */
int wf_office_set(struct wf_store *store, const struct wf_office *office, const char *by_login,
		  struct wf_error *err);
/* WF_ERR_NOT_FOUND until wf_office_set() was called. */
int wf_office_get(struct wf_store *store, struct wf_office *out, struct wf_error *err);

/*
 * Key/value settings the command keeps (issuer kind, directories, default key type).
 * wf_setting_get: *value is malloc'd, the caller frees it; WF_ERR_NOT_FOUND if unset.
 */
int wf_setting_set(struct wf_store *store, const char *key, const char *value,
		   struct wf_error *err);
int wf_setting_get(struct wf_store *store, const char *key, char **value, struct wf_error *err);

/* ---------------------------------------------------------------- officials */

/*
 * One term of an official: one person in one role under one name. An edit ends the row
 * and starts its successor, so older events keep the name the official had then.
 */
struct wf_official {
	int64_t id; /* set by the store */
	char name[WF_NAME_MAX];
	char nip[19];		    /* 18 digits, checked with wf_validate_nip() */
	char position[WF_NAME_MAX]; /* jabatan, "" if not given */
	enum wf_role role;	    /* kepala_dinas, kabid or kasi */
	char login[64];		    /* the OS login the official acts from */
	bool active;
	int64_t created_at;
	int64_t ended_at;	      /* 0 while active */
	char end_reason[WF_NAME_MAX]; /* the deactivation's reason, "" */
};
/*
 * Register an official, audited as by_login. The office's first official is its kasi,
 * registering themself (official->login equal to by_login: at init); after that only an
 * active kasi adds (WF_ERR_ROLE otherwise, the refusal audited). One person holds one
 * role at a time: WF_ERR_EXISTS if the login or the NIP belongs to an active official
 * (to change a role, deactivate, then add). WF_ERR_INVALID (field names what) for a bad
 * NIP, role applicant, empty name or login. out_id may be NULL.
 */
int wf_official_add(struct wf_store *store, const struct wf_official *official,
		    const char *by_login, int64_t *out_id, struct wf_error *err);
/*
 * The officials' current terms (active or not; the rows edits ended are left out), in id
 * order. *out is malloc'd (free() it); *count its length.
 */
int wf_official_list(struct wf_store *store, struct wf_official **out, size_t *count,
		     struct wf_error *err);
/* The official acting from an OS login (the active term, else the latest); WF_ERR_NOT_FOUND. */
int wf_official_find_by_login(struct wf_store *store, const char *login, struct wf_official *out,
			      struct wf_error *err);
/* As wf_official_find_by_login, by login or by NIP (18 digits). */
int wf_official_find(struct wf_store *store, const char *login_or_nip, struct wf_official *out,
		     struct wf_error *err);

/* What an edit changes: NULL keeps the field. */
struct wf_official_change {
	const char *name;
	const char *nip;
	const char *position;
};
/*
 * Correct an active official's name, NIP or position (by login or NIP), audited. The old
 * row stays, ended, for the events it signed; *out (may be NULL) gets the new term. Only
 * an active kasi (WF_ERR_ROLE, audited); WF_ERR_STATE for a deactivated official;
 * WF_ERR_INVALID if nothing changes or a value is bad; WF_ERR_EXISTS for a NIP another
 * active official holds. The role is not edited: deactivate, then add.
 */
int wf_official_edit(struct wf_store *store, const char *login_or_nip,
		     const struct wf_official_change *change, const char *by_login,
		     struct wf_official *out, struct wf_error *err);
/*
 * End an official's term (by login or NIP) with a reason (may be NULL): they can no longer
 * act, their records stay. Only an active kasi (WF_ERR_ROLE, audited); WF_ERR_STATE if
 * already inactive, or if they are the last active kasi (no one could manage the officials).
 */
int wf_official_deactivate(struct wf_store *store, const char *login_or_nip, const char *reason,
			   const char *by_login, struct wf_error *err);

/* ---------------------------------------------------------------- applicants */

enum wf_employment {
	WF_EMPLOYMENT_PNS,
	WF_EMPLOYMENT_PPPK,
	WF_EMPLOYMENT_OTHER,
	WF_EMPLOYMENT_COUNT
};
/* "pns", "pppk", "other"; parse returns -1 if unknown. */
const char *wf_employment_name(enum wf_employment employment);
int wf_employment_parse(const char *name);

enum wf_request_type {
	WF_REQUEST_NEW,
	WF_REQUEST_RENEWAL,
	WF_REQUEST_DATA_CHANGE,
	WF_REQUEST_REVOCATION,
	WF_REQUEST_COUNT
};
/* "new", "renewal", "data_change", "revocation"; parse returns -1 if unknown. */
const char *wf_request_type_name(enum wf_request_type type);
int wf_request_type_parse(const char *name);

/* The applicant's data as BSrE's registration asks for it. All strings UTF-8. */
struct wf_applicant {
	char full_name[WF_NAME_MAX]; /* as on the KTP; a single name is fine */
	char nik[17];		     /* 16 digits, wf_validate_nik() */
	char nip[19];		     /* 18 digits; "" for WF_EMPLOYMENT_OTHER */
	char email[WF_NAME_MAX];     /* corporate email */
	char phone[24];		     /* stored as +62... (normalized) */
	char position[WF_NAME_MAX];  /* jabatan */
	char rank_grade[64];	     /* pangkat/golongan, e.g. "Penata Muda / III-a"; may be "" */
	enum wf_employment employment;
	char work_unit[WF_NAME_MAX]; /* unit kerja */
	char agency[WF_NAME_MAX];    /* instansi / OPD */
	char city[WF_NAME_MAX];
	char province[WF_NAME_MAX];
};

/*
 * Copy value ("" for NULL) into dst, a buffer of size bytes with its NUL, as it is, or
 * refuse it: WF_ERR_INVALID naming field and its limit in bytes, dst untouched. Input
 * is never cut: what does not fit is refused, never stored as something shorter.
 */
int wf_text_copy(char *dst, size_t size, const char *value, const char *field,
		 struct wf_error *err);
/* What is checked of an applicant field when an application is recorded. */
enum wf_field_check {
	WF_CHECK_TEXT,	     /* any text that fits its room */
	WF_CHECK_NIK,	     /* wf_validate_nik() */
	WF_CHECK_NIP,	     /* wf_validate_nip(); none, and only none, for employment "other" */
	WF_CHECK_EMAIL,	     /* wf_validate_email_domain() with the office's "email_domain" */
	WF_CHECK_PHONE,	     /* wf_validate_phone(): stored in its +62 form */
	WF_CHECK_EMPLOYMENT, /* one of wf_employment_name()'s names */
};

/*
 * The one applicant field table: validation, storage, `show`, --json, the BSrE data file
 * and the CSR subject all read it, in this order. Static data, never freed.
 */
struct wf_applicant_field {
	const char *key;    /* "full_name": wf_applicant_set()'s name and the JSON member */
	const char *label;  /* English, marked N_(): the command translates it */
	const char *column; /* the applicants table's column */
	size_t offset;	    /* where it is in struct wf_applicant */
	size_t limit;	    /* bytes at most (without the NUL); 0 for the employment enum */
	bool required;	    /* refused empty */
	enum wf_field_check check;
	const char *subject;	/* the CSR subject's attribute ("CN", "OU"), NULL: not in it */
	const char *bsre_key;	/* the member in BSrE's data file ("nama") */
	const char *bsre_label; /* the line's label on the sheet for BSrE's portal ("Nama") */
};
/* The table; *count set to its length. */
const struct wf_applicant_field *wf_applicant_fields(size_t *count);
/*
 * One code point of strict UTF-8 at text (no overlong forms, no surrogates, nothing past
 * U+10FFFF) into *cp: its length in bytes, 0 if text does not start with one.
 */
size_t wf_utf8_next(const char *text, uint32_t *cp);
/*
 * A character that must not reach a terminal or a record as it is: a control character
 * (C0, DEL, C1) or one that changes how text reads without being seen (bidi controls,
 * zero widths, soft hyphen, tags).
 */
bool wf_char_hidden(uint32_t cp);
/* A CSR subject attribute's upper bound in characters ("CN": 64), 0 if none is known. */
size_t wf_subject_bound(const char *attribute);
/*
 * Check text a person typed: strict UTF-8, no control characters, no invisible
 * formatting characters (bidi overrides, zero widths), and at most max_chars characters
 * (0: no bound) because the certificate's attribute (named in the message) holds no more.
 * WF_ERR_INVALID naming field.
 */
int wf_validate_text(const char *text, const char *field, size_t max_chars, const char *attribute,
		     struct wf_error *err);
/* The field of that key, NULL if an applicant has none. */
const struct wf_applicant_field *wf_applicant_field(const char *key);
/* A field's value as text (employment by wf_employment_name()). Never NULL. */
const char *wf_applicant_value(const struct wf_applicant *applicant,
			       const struct wf_applicant_field *field);
/*
 * Set one field of an applicant by its key (the table's keys; "employment" takes
 * wf_employment_name()'s names) by wf_text_copy's rule. WF_ERR_INVALID also for a key
 * that is not a field and an unknown employment status.
 */
int wf_applicant_set(struct wf_applicant *applicant, const char *field, const char *value,
		     struct wf_error *err);

/* ---------------------------------------------------------------- acting */

/*
 * Who acts. login is the OS login running the command (the command passes it), mapped
 * to an active official. A Kasi may record steps 2-3 on behalf of the Kepala Dinas or
 * the Kabid: on_behalf_login names that official and paper_reference the paper
 * disposition (number and date, or a scan's name), both then shown in the event.
 * on_behalf_login and paper_reference are NULL otherwise.
 */
struct wf_actor {
	const char *login;
	const char *on_behalf_login;
	const char *paper_reference;
};

#define WF_NUMBER_MAX 24 /* "TTE/2026/0001" + NUL; sequences past 9999 grow */

/*
 * Step 1: record an application (the letter as received) for an applicant, validated
 * with the wf_validate_* functions (WF_ERR_INVALID names the field). Any active official
 * may record it. The number is TTE/<year>/<4-digit sequence per year>, written into
 * number. The four documents start as not received.
 */
int wf_application_create(struct wf_store *store, const struct wf_applicant *applicant,
			  enum wf_request_type type, const struct wf_actor *actor, const char *note,
			  char number[WF_NUMBER_MAX], struct wf_error *err);

enum wf_document_kind {
	WF_DOC_LETTER,	  /* "application_letter": surat permohonan */
	WF_DOC_BSRE_FORM, /* "bsre_form": BSrE form, filled and signed */
	WF_DOC_KTP,	  /* "ktp_copy": copy of the KTP */
	WF_DOC_SK,	  /* "sk_copy": copy of the latest SK */
	WF_DOC_COUNT
};
const char *wf_document_name(enum wf_document_kind kind);
const char *wf_document_label(enum wf_document_kind kind, bool indonesian);
int wf_document_parse(const char *name);

/*
 * Mark a document received (or not). scan_path, if not NULL, is copied into the data
 * directory (mode 0600) and its SHA-256 recorded. Any active official; audited.
 * WF_ERR_STATE once the application has left the document stage (after send).
 */
int wf_document_set(struct wf_store *store, const char *number, enum wf_document_kind kind,
		    bool received, const char *scan_path, const struct wf_actor *actor,
		    struct wf_error *err);

/*
 * Scans: a regular file (opened without following a symbolic link or waiting on a FIFO)
 * of at most the station's limit (setting WF_SETTING_SCAN_MAX, in bytes; 20 MiB when
 * unset), holding a PDF, JPEG or PNG. wf_scan_check: WF_OK, WF_ERR_INVALID (field "scan",
 * the message says what the file is) or WF_ERR_IO (it cannot be opened). wf_document_set
 * checks the same; this is for checking every scan before anything is recorded.
 */
#define WF_SETTING_SCAN_MAX "scan_max_bytes"
#define WF_SCAN_MAX_DEFAULT (20 * 1024 * 1024)
int wf_scan_check(struct wf_store *store, const char *path, struct wf_error *err);
/*
 * Write the scan a document records into the new file out_path (mode 0600; WF_ERR_EXISTS
 * if something is there), from the store or the station's data directory, its SHA-256
 * checked against the record first (WF_ERR_AUDIT). WF_ERR_NOT_FOUND without a scan.
 */
int wf_document_scan_save(struct wf_store *store, const char *number, enum wf_document_kind kind,
			  const char *out_path, struct wf_error *err);

/*
 * Perform one transition of the table on an application, in one BEGIN IMMEDIATE
 * transaction with an audit row: WF_ERR_STATE (message lists the allowed actions),
 * WF_ERR_ROLE (refusal audited and committed), WF_ERR_INVALID (note or paper_reference
 * missing), WF_ERR_INCOMPLETE (documents missing, listed), WF_ERR_CONFLICT (another
 * process changed the state in between). record_key and import_certificate are refused
 * here (WF_ERR_INVALID): use wf_key_complete() and wf_certificate_record().
 */
int wf_act(struct wf_store *store, const char *number, enum wf_action action,
	   const struct wf_actor *actor, const char *note, struct wf_error *err);

/*
 * Step 5 as wf_act(WF_ACTION_SEND), recording in the same transaction the issuer the
 * request goes through (the command's connector settings as text, never empty).
 */
int wf_send(struct wf_store *store, const char *number, const struct wf_actor *actor,
	    const char *note, const char *issuer, struct wf_error *err);
/* The issuer recorded at the send (*issuer malloc'd); WF_ERR_NOT_FOUND if none was. */
int wf_sent_issuer(struct wf_store *store, const char *number, char **issuer, struct wf_error *err);
/*
 * Change settings (NULL-ended key, value pairs; a NULL value is left as it is) in one
 * transaction with an audit row of this action and detail. Role: kasi; a refusal is
 * audited (WF_ERR_ROLE).
 */
int wf_settings_change(struct wf_store *store, const struct wf_actor *actor, const char *action,
		       const char *const *pairs, const char *detail, struct wf_error *err);
/*
 * May actor do this act of the Kasi (a settings change, "key_removed", "token_reset")? The
 * role check of wf_settings_change or wf_token_record alone, before what the act needs is
 * made or a token is touched; nothing is written but a refusal's audit row (WF_ERR_ROLE).
 */
int wf_kasi_check(struct wf_store *store, const struct wf_actor *actor, const char *action,
		  struct wf_error *err);

/*
 * Would wf_act() (or wf_key_begin/wf_key_complete, wf_certificate_record) let actor do
 * action on the application now? The state and role checks only, nothing written but a
 * refusal's audit row: the command asks before it touches a token. Errors as wf_act.
 */
int wf_check(struct wf_store *store, const char *number, enum wf_action action,
	     const struct wf_actor *actor, struct wf_error *err);

/* ---------------------------------------------------------------- keys (step 6) */

/*
 * Crash safety: the command records its intent BEFORE touching the token, then the key
 * id once the key exists, then completes. After a crash wf_key_get() shows an open
 * intent; the command looks on the token and completes or abandons it.
 */
enum wf_key_status {
	WF_KEY_INTENT,	  /* recorded, key maybe not generated yet */
	WF_KEY_GENERATED, /* key id known: the key exists on the token */
	WF_KEY_COMPLETE,  /* CSR recorded, application in key_generated */
	WF_KEY_ABANDONED, /* rolled back; reason in abandon_reason */
	WF_KEY_STATUS_COUNT
};
const char *wf_key_status_name(enum wf_key_status status);
/* The status in words, Indonesian or English ("started", "complete", ...). */
const char *wf_key_status_label(enum wf_key_status status, bool indonesian);

struct wf_key_record {
	enum wf_key_status status;
	char token_serial[64];
	char token_model[64];
	char key_type[32]; /* "rsa2048", "ec-p256", ... as the command names them */
	char key_label[128];
	char key_id_hex[130]; /* CKA_ID in hex, "" until wf_key_set_id() */
	char marker_hex[130]; /* the CKA_ID the key carries until its id is set: proof it is ours */
	char actor_login[64];
	int64_t begun_at;
	int64_t completed_at; /* 0 unless complete or abandoned */
	char *csr_pem;	      /* malloc'd, NULL until complete */
	char *abandon_reason; /* malloc'd, NULL unless abandoned */
};
/* Free what a wf_key_record owns (not the struct). Safe on a zeroed record. */
void wf_key_record_clear(struct wf_key_record *record);

/*
 * Record the intent to generate a key for an application in state sent (no state
 * change). Role: kasi. marker_hex is the random CKA_ID the key is generated with and
 * carries until its real id is recorded, so that what a crash leaves is provably this
 * intent's. WF_ERR_EXISTS if an intent is already open (not complete or abandoned).
 */
int wf_key_begin(struct wf_store *store, const char *number, const struct wf_actor *actor,
		 const char *token_serial, const char *token_model, const char *key_type,
		 const char *key_label, const char *marker_hex, struct wf_error *err);
/* Record the CKA_ID (hex) of the generated key on the open intent. WF_ERR_NOT_FOUND if none. */
int wf_key_set_id(struct wf_store *store, const char *number, const char *key_id_hex,
		  struct wf_error *err);
/* Step 6 transition sent -> key_generated with the CSR; needs the key id recorded. */
int wf_key_complete(struct wf_store *store, const char *number, const struct wf_actor *actor,
		    const char *csr_pem, struct wf_error *err);
/* Roll back an open intent (reason required). No state change. */
int wf_key_abandon(struct wf_store *store, const char *number, const char *reason,
		   struct wf_error *err);
/* The latest key record of an application (any status). Clear it with wf_key_record_clear. */
int wf_key_get(struct wf_store *store, const char *number, struct wf_key_record *out,
	       struct wf_error *err);

/* ---------------------------------------------------------------- tokens */

/* True in the states whose application still has its key on its token as its own. */
bool wf_state_holds_key(enum wf_state state);

/* One key record on a token, with its application, holder and certificate. */
struct wf_token_use {
	char number[WF_NUMBER_MAX];
	enum wf_state state;
	char full_name[WF_NAME_MAX];
	char nik[17];
	enum wf_key_status key_status;
	char key_type[32];
	char key_id_hex[130]; /* "" until the id was recorded */
	char marker_hex[130];
	int64_t begun_at;
	int64_t completed_at;
	char certificate_serial[130]; /* "" unless the key is complete and has one */
	int64_t not_before, not_after;
	char token_serial[64];
};
/*
 * Every key record the station made on the token with this serial, oldest first.
 * *out malloc'd (free() it), *count may be 0.
 */
int wf_token_history(struct wf_store *store, const char *token_serial, struct wf_token_use **out,
		     size_t *count, struct wf_error *err);
/* The same for every key the station made for one person (NIK), on any token. */
int wf_person_keys(struct wf_store *store, const char *nik, struct wf_token_use **out,
		   size_t *count, struct wf_error *err);

/* What was removed from a token outside a transition. */
struct wf_token_event {
	int64_t at;
	char action[16];	    /* "key_removed", "token_reset" */
	char number[WF_NUMBER_MAX]; /* "" if it belonged to no application */
	char key_id_hex[130];
	char detail[1024];
	char actor_login[64];
	char actor_name[WF_NAME_MAX];
};
/* The token's events, oldest first. *out malloc'd (free() it). */
int wf_token_events(struct wf_store *store, const char *token_serial, struct wf_token_event **out,
		    size_t *count, struct wf_error *err);
/*
 * Record (and audit) a removal: action "key_removed" (key_id_hex the key's id, number the
 * application it belonged to, or NULL) or "token_reset" (detail lists what was on it).
 * Role: kasi; a refusal is audited (WF_ERR_ROLE).
 */
int wf_token_record(struct wf_store *store, const struct wf_actor *actor, const char *token_serial,
		    const char *number, const char *action, const char *key_id_hex,
		    const char *detail, struct wf_error *err);

/*
 * One run per application, one writer per token: hold the station's lock named kind
 * ("application", "token") and name for as long as the work lasts. WF_ERR_BUSY if another
 * process holds it. The lock ends with wf_unlock() or with the process, however it ends.
 */
struct wf_lock;
int wf_lock(struct wf_store *store, const char *kind, const char *name, struct wf_lock **out,
	    struct wf_error *err);
/* Release. NULL is a no-op. */
void wf_unlock(struct wf_lock *lock);

/* ---------------------------------------------------------------- certificates (step 7) */

struct wf_certificate {
	char serial[130]; /* hex */
	char *issuer;	  /* malloc'd, one-line DN */
	char *subject;	  /* malloc'd */
	int64_t not_before;
	int64_t not_after;
	int64_t imported_at;
	char sha256[65]; /* SHA-256 of the DER in hex, "" if imported before it was recorded */
};

/*
 * Step 7 transition key_generated -> certificate_imported, recording the certificate
 * the command imported onto the token (after its key-match and chain checks). sha256 (may
 * be NULL) is its fingerprint, 64 hex digits.
 */
int wf_certificate_record(struct wf_store *store, const char *number, const struct wf_actor *actor,
			  const char *serial_hex, const char *issuer, const char *subject,
			  int64_t not_before, int64_t not_after, const char *sha256,
			  struct wf_error *err);

/* ---------------------------------------------------------------- reading */

struct wf_document {
	enum wf_document_kind kind;
	bool received;
	int64_t received_at;  /* 0 if not received */
	char scan_path[4096]; /* "" if no scan */
	char scan_sha256[65]; /* hex, "" if no scan */
};

/* One recorded transition (or the submission, action "submit"). */
struct wf_event {
	int64_t id;
	int step; /* 1..7, 0 for lifecycle */
	char action[24];
	char from_state[24]; /* "" for the submission */
	char to_state[24];
	char actor_login[64];
	char actor_name[WF_NAME_MAX];
	enum wf_role role;	  /* the role the step is done in */
	char on_behalf_login[64]; /* "" unless recorded on behalf */
	char on_behalf_name[WF_NAME_MAX];
	char *paper_reference; /* malloc'd or NULL */
	int64_t started_at;    /* when the previous step ended */
	int64_t ended_at;
	int minutes;	      /* taken, rounded up */
	int standard_minutes; /* the step's standard, 0 for lifecycle */
	char *note;	      /* malloc'd or NULL */
};

/* Everything recorded about one application. */
struct wf_application {
	int64_t id;
	char number[WF_NUMBER_MAX];
	enum wf_state state;
	int step; /* last SOP step completed, 1..7 */
	enum wf_request_type request_type;
	struct wf_applicant applicant;
	int64_t created_at;
	int64_t updated_at;
	struct wf_document documents[WF_DOC_COUNT]; /* indexed by kind */
	struct wf_event *events;		    /* in order */
	size_t event_count;
	bool has_key;
	struct wf_key_record key; /* latest attempt */
	bool has_certificate;
	struct wf_certificate certificate;
};
/* Read an application by number. *out is owned by the caller: wf_application_free(). */
int wf_application_get(struct wf_store *store, const char *number, struct wf_application **out,
		       struct wf_error *err);
/* Free an application and all it owns. NULL is a no-op. */
void wf_application_free(struct wf_application *application);
/*
 * Correct the applicant's data of an application (the whole record as it is to be, e.g.
 * from wf_application_get() with fields changed by wf_applicant_set()), validated as at
 * step 1. Only until the key is generated: the CSR carries the data (WF_ERR_STATE after).
 * Role kasi; audited with each changed field's old and new value; WF_ERR_INVALID
 * (field "applicant") when nothing differs.
 */
int wf_applicant_edit(struct wf_store *store, const char *number,
		      const struct wf_applicant *applicant, const struct wf_actor *actor,
		      struct wf_error *err);

/* One line of a list. */
struct wf_summary {
	char number[WF_NUMBER_MAX];
	enum wf_state state;
	int step;
	char full_name[WF_NAME_MAX];
	char work_unit[WF_NAME_MAX];
	int64_t created_at;
	int64_t updated_at;
};
/*
 * Applications in a state (state -1: all), newest first, at most limit (0: no limit)
 * after skipping offset. *out malloc'd (free() it), *count its length.
 */
int wf_list(struct wf_store *store, int state, size_t limit, size_t offset, struct wf_summary **out,
	    size_t *count, struct wf_error *err);

/* ---------------------------------------------------------------- audit */

/*
 * Check the file (PRAGMA integrity_check: WF_ERR_CORRUPT naming the first problem), then
 * the whole hash chain. WF_OK if intact; WF_ERR_AUDIT if any row was edited,
 * deleted, inserted or reordered, with *first_bad_row the sequence number of the first
 * row that does not verify (for a deleted tail: the first missing sequence number).
 * first_bad_row may be NULL. *rows (may be NULL) gets the number of rows checked.
 */
int wf_audit_verify(struct wf_store *store, int64_t *first_bad_row, int64_t *rows,
		    struct wf_error *err);

/*
 * The audit chain's head: its last row's sequence number and hash (64 hex digits and the
 * NUL into hash); row 0 and the genesis hash for an empty chain. What a printed report or
 * a backup carries, so that a chain rewritten as a whole is caught (audit verify --expect).
 */
#define WF_AUDIT_HASH_HEX 65
int wf_audit_head(struct wf_store *store, int64_t *seq, char hash[WF_AUDIT_HASH_HEX],
		  struct wf_error *err);

/* A record that disagrees with what the audit chain says it must be. */
struct wf_record_problem {
	char table[16]; /* "applications", "keys", "certificates", "chain_states" */
	int64_t row;	/* its id there; 0 for a record the chain has but the table lacks */
	char application[WF_NUMBER_MAX];
	char message[512]; /* what differs, the record's value first, translated */
};
/*
 * Replay the audit chain (check it first with wf_audit_verify) into every application's
 * state, key generations (count; the latest one's status, token and id) and certificate
 * count, and compare them with the records. WF_OK if all agree; WF_ERR_AUDIT if any row
 * disagrees (err names the first), with *out (malloc'd, free() it; out may be NULL) and
 * *count listing them all.
 */
int wf_audit_check_records(struct wf_store *store, struct wf_record_problem **out, size_t *count,
			   struct wf_error *err);

/* One audit row as stored. */
struct wf_audit_row {
	int64_t seq;
	int64_t at;
	char login[64];
	char kind[16];			 /* "act", "refusal", "admin", "key" */
	char application[WF_NUMBER_MAX]; /* "" if none */
	char action[32];
	char result[32]; /* "ok" or the refusal's status name */
	char *detail;	 /* malloc'd */
	char hash[65];
};
/*
 * Audit rows with seq > after_seq, oldest first, at most limit (0: all). application
 * (may be NULL) keeps only that application's rows. Free with wf_audit_rows_free().
 */
int wf_audit_list(struct wf_store *store, int64_t after_seq, size_t limit, const char *application,
		  struct wf_audit_row **out, size_t *count, struct wf_error *err);
void wf_audit_rows_free(struct wf_audit_row *rows, size_t count);

/*
 * Lifecycle: move every active application whose certificate's not_after has passed
 * (by the store's clock) to expired, one transition each, as actor (a kasi). *expired
 * (may be NULL) gets how many moved. Stops at the first failure.
 */
int wf_expire_due(struct wf_store *store, const struct wf_actor *actor, size_t *expired,
		  struct wf_error *err);

/* ---------------------------------------------------------------- papers (papers.c) */

/* A paper the station printed: its number is the office's pattern filled with these. */
struct wf_paper {
	int year;	    /* of its first printing */
	int64_t seq;	    /* its sequence among the papers of that year, from 1 */
	int64_t issued_at;  /* first printed: the date every reprint carries */
	int64_t prints;	    /* printings so far (0 while only issued) */
	int64_t audit_rows; /* the audit log's length when it was issued */
};
/*
 * The paper of kind ("receipt", "holders", ...) about subject (an application number, a
 * report's period): the one issued before, or a new one with the year's next sequence.
 * Any active official (WF_ERR_ROLE, audited). Nothing is audited until it is printed.
 */
int wf_paper_issue(struct wf_store *store, const struct wf_actor *actor, const char *kind,
		   const char *subject, struct wf_paper *out, struct wf_error *err);
/*
 * Record one printing of an issued paper with the SHA-256 (hex) of what was written, in
 * the audit log (with the application when subject is one). WF_ERR_NOT_FOUND if not issued.
 */
int wf_paper_printed(struct wf_store *store, const struct wf_actor *actor, const char *kind,
		     const char *subject, const char *sha256, struct wf_error *err);
/* The paper as issued; WF_ERR_NOT_FOUND if it never was. */
int wf_paper_get(struct wf_store *store, const char *kind, const char *subject,
		 struct wf_paper *out, struct wf_error *err);
/*
 * The audit log's head as it was at sequence number upto (0: now): its last row's hash (""
 * for an empty log) and sequence number (rows). A reprint names the head its first
 * printing did (wf_paper's audit_rows).
 */
int wf_audit_head_at(struct wf_store *store, int64_t upto, char hash[65], int64_t *rows,
		     struct wf_error *err);

/* ---------------------------------------------------------------- validators (validate.c) */

/* What a NIK encodes: region (province, regency, district), birth date, sex, serial. */
struct wf_nik_info {
	char region[7]; /* 6 digits: PP KK CC */
	int birth_day;	/* 1..31, women's +40 removed */
	int birth_month;
	int birth_year2; /* two digits as written (the century is not encoded) */
	bool female;
	int serial; /* last four digits, 1..9999 */
	/* Added by validate.c: */
	int birth_year;	      /* full year: the latest century not after today */
	const char *province; /* province name (static), e.g. "Kalimantan Barat" */
	bool is_city;	      /* regency code 71..99: a kota, not a kabupaten */
};
/* Check a 16-digit NIK's structure. out may be NULL. WF_ERR_INVALID, field "nik". */
int wf_validate_nik(const char *nik, struct wf_nik_info *out, struct wf_error *err);
/* The same, with "today" taken from now (Unix seconds, local date) instead of the clock. */
int wf_validate_nik_at(const char *nik, int64_t now, struct wf_nik_info *out, struct wf_error *err);

/* What a NIP encodes: birth date, appointment (TMT CPNS) year and month, sex, sequence. */
struct wf_nip_info {
	int birth_year, birth_month, birth_day;
	int appointment_year, appointment_month;
	bool female;  /* digit 15: 1 male, 2 female */
	int sequence; /* last three digits, 1..999 */
};
/* Check an 18-digit NIP's structure. out may be NULL. WF_ERR_INVALID, field "nip". */
int wf_validate_nip(const char *nip, struct wf_nip_info *out, struct wf_error *err);
/* The same, with "today" taken from now (Unix seconds, local date) instead of the clock. */
int wf_validate_nip_at(const char *nip, int64_t now, struct wf_nip_info *out, struct wf_error *err);

/* Check an email address' syntax. WF_ERR_INVALID, field "email". */
int wf_validate_email(const char *email, struct wf_error *err);
/*
 * The same, and the domain must be the office's: domain_suffix ".go.id" accepts
 * "singkawangkota.go.id"; "singkawangkota.go.id" accepts it and its subdomains.
 * NULL or "" accepts any domain.
 */
int wf_validate_email_domain(const char *email, const char *domain_suffix, struct wf_error *err);

/*
 * Check an Indonesian phone number (08..., 62..., +62...) and write its +62 form into
 * normalized (size >= 16) if not NULL. WF_ERR_INVALID, field "phone".
 */
int wf_validate_phone(const char *phone, char *normalized, size_t size, struct wf_error *err);

/*
 * Check that a NIK and a NIP (both already validated) describe the same person: the
 * same date of birth and sex. A mismatch is almost always a typing error in one of them.
 * WF_ERR_INVALID, field "nip", the message says which part differs.
 */
int wf_validate_nik_nip_agree(const struct wf_nik_info *nik, const struct wf_nip_info *nip,
			      struct wf_error *err);

/* ---------------------------------------------------------------- reports (report.c) */

/*
 * Every report is one table: named columns (a stable key for CSV and JSON, labels in
 * both languages) and rows of cells, so that the command has one printer for tables,
 * CSV and JSON. Columns are static data; the report and its cells are owned by the
 * caller and freed with wf_report_free().
 */
enum wf_cell_type { WF_CELL_TEXT, WF_CELL_INTEGER };

/* Text output shows a column in every language, or a text's column only in its language. */
enum wf_column_language { WF_COLUMN_ANY, WF_COLUMN_ID, WF_COLUMN_EN };

struct wf_report_column {
	const char *key; /* "work_unit", "holders", ...: CSV header, JSON member */
	const char *label_id;
	const char *label_en;
	enum wf_cell_type type;
	enum wf_column_language language; /* JSON keeps every column */
};

struct wf_report_cell {
	char *text;	/* WF_CELL_TEXT: malloc'd UTF-8, never NULL */
	int64_t number; /* WF_CELL_INTEGER */
};

/* What a row of a report is: a group's own counts, an agency's subtotal, the total. */
enum wf_row_kind { WF_ROW_DATA, WF_ROW_SUBTOTAL, WF_ROW_TOTAL };

struct wf_report {
	const char *key; /* "holders", "states", "step_times", "overdue" */
	const char *title_id;
	const char *title_en;
	const struct wf_report_column *columns;
	size_t column_count;
	struct wf_report_cell *cells; /* row-major: row r, column c at [r * column_count + c] */
	enum wf_row_kind *row_kinds;  /* one a row */
	size_t row_count;
	int64_t total; /* holders, applications or overdue counted; for step_times the acts */
	/* Applications not counted because their records disagree with the audit chain. */
	char (*left_out)[WF_NUMBER_MAX];
	size_t left_out_count;
};
/* The cell at (row, column); NULL if out of range. */
const struct wf_report_cell *wf_report_cell(const struct wf_report *report, size_t row,
					    size_t column);
/* What the row is; WF_ROW_DATA if out of range. */
enum wf_row_kind wf_report_row_kind(const struct wf_report *report, size_t row);
/* Free a report and its cells. NULL is a no-op. */
void wf_report_free(struct wf_report *report);

/* A half-open interval of Unix seconds [from, until); 0 leaves that end open. */
struct wf_period {
	int64_t from;
	int64_t until;
};

/* How holders are grouped in time (local calendar): "2026-11", "2026-Q4", "2026". */
enum wf_period_unit { WF_PERIOD_MONTH, WF_PERIOD_QUARTER, WF_PERIOD_YEAR, WF_PERIOD_ALL };

/* The columns of wf_report_holders(), in order. */
enum wf_holders_column {
	WF_HOLDERS_AGENCY,
	WF_HOLDERS_WORK_UNIT,
	WF_HOLDERS_PERIOD,
	WF_HOLDERS_HOLDERS,
	WF_HOLDERS_NEW,
	WF_HOLDERS_RENEWED,
	WF_HOLDERS_REVOKED,
	WF_HOLDERS_LOST,
	WF_HOLDERS_EXPIRED,
	WF_HOLDERS_COLUMN_COUNT
};

/*
 * The SOP's record duty: the TTE holders by agency (OPD), work unit and the period of
 * their handover (the handover event's time), within period (NULL: all time). Each person
 * (NIK) counts once, in the group of the latest token handed to them, while that token is
 * active or being renewed: a renewal keeps its person a holder. Besides the holders, the
 * tokens handed over in the group: of new requests, of renewals and data changes, and how
 * many of them are revoked, lost or expired now. Rows by agency, unit and period; after
 * each agency a WF_ROW_SUBTOTAL row (work unit and period ""), last a WF_ROW_TOTAL row
 * (agency too ""). total is the number of holders. Only what the audit chain supports is
 * counted: an application whose recorded state is not the one its chain replays to (set
 * in the file by hand) is left out and named in left_out. Reads the holders summary the
 * schema's triggers keep (whole days summed, cut days row by row), not every holder.
 */
int wf_report_holders(struct wf_store *store, const struct wf_period *period,
		      enum wf_period_unit unit, struct wf_report **out, struct wf_error *err);

/* The columns of wf_report_states(), in order. */
enum wf_states_column {
	WF_STATES_STATE,
	WF_STATES_LABEL_ID,
	WF_STATES_LABEL_EN,
	WF_STATES_APPLICATIONS,
	WF_STATES_COLUMN_COUNT
};

/*
 * Applications by state, every state listed (zero included), in the state table's
 * order; period (NULL: all) filters on when the application was created. total is the
 * number of applications.
 */
int wf_report_states(struct wf_store *store, const struct wf_period *period, struct wf_report **out,
		     struct wf_error *err);

/* The columns of wf_report_step_times(), in order. */
enum wf_steps_column {
	WF_STEPS_STEP,
	WF_STEPS_ACTIVITY_ID,
	WF_STEPS_ACTIVITY_EN,
	WF_STEPS_ACTS,
	WF_STEPS_MEDIAN_MINUTES,
	WF_STEPS_WORST_MINUTES,
	WF_STEPS_STANDARD_MINUTES,
	WF_STEPS_OVER_STANDARD,
	WF_STEPS_COLUMN_COUNT
};

/*
 * For each SOP step, over the acts that completed it (not returns, rejections or
 * cancellations) ending within period (NULL: all): acts, median and worst minutes
 * taken, the step's standard minutes and how many acts took longer than it. Step 7
 * counts its import and its handover as two acts, each against the step's standard.
 */
int wf_report_step_times(struct wf_store *store, const struct wf_period *period,
			 struct wf_report **out, struct wf_error *err);

/* The columns of wf_report_overdue(), in order. */
enum wf_overdue_column {
	WF_OVERDUE_NUMBER,
	WF_OVERDUE_STATE,
	WF_OVERDUE_STEP,
	WF_OVERDUE_ROLE,
	WF_OVERDUE_WAITING_MINUTES,
	WF_OVERDUE_STANDARD_MINUTES,
	WF_OVERDUE_FULL_NAME,
	WF_OVERDUE_WORK_UNIT,
	WF_OVERDUE_COLUMN_COUNT
};

/*
 * Applications whose current step has waited longer than its standard minutes at now
 * (Unix seconds; 0: the store's clock), longest waiting first, at most limit rows (0:
 * all); total counts them all. Waiting starts when the previous step ended.
 */
int wf_report_overdue(struct wf_store *store, int64_t now, size_t limit, struct wf_report **out,
		      struct wf_error *err);

/* What a report is asked for; each report reads the members it needs. */
struct wf_report_request {
	struct wf_period period;  /* both ends 0: all time */
	enum wf_period_unit unit; /* holders */
	int64_t now;		  /* overdue: 0 for the store's clock */
	size_t limit;		  /* overdue: at most this many rows, 0 all */
};

/* The reports as one table: the command lists, chooses and runs them from it. */
struct wf_report_kind {
	const char *name;    /* "holders", "states", "steps", "overdue": as the operator types */
	const char *summary; /* English, marked N_(): the command translates it */
	const struct wf_report_column *columns;
	size_t column_count;
	int (*run)(struct wf_store *store, const struct wf_report_request *request,
		   struct wf_report **out, struct wf_error *err);
};
/* The table (static); *count set to its length. */
const struct wf_report_kind *wf_reports(size_t *count);
/* The report of that name, NULL if none. */
const struct wf_report_kind *wf_report_find(const char *name);

#endif
