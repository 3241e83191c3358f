/*
 * errors.c: the one place where library statuses become a localized line, a hint on what
 * to do next, and a documented exit status. One table per library, read by the code.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "cli.h"

struct error_entry {
	int code;
	int status;
	const char *summary; /* what went wrong */
	const char *hint;    /* what to do next, or NULL */
};

static const struct error_entry token_errors[] = {
    {TOK_ERR_MODULE, EXIT_TOKEN, N_("the PKCS#11 module cannot be loaded"),
     N_("check --module (or ENROLL_MODULE) and that OpenSC or p11-kit is installed")},
    {TOK_ERR_NO_TOKEN, EXIT_TOKEN, N_("no token found"),
     N_("insert the applicant's token, or name it with --token (see 'enroll token list')")},
    {TOK_ERR_AMBIGUOUS, EXIT_TOKEN, N_("more than one token matches"),
     N_("name one with --token SERIAL (see 'enroll token list')")},
    {TOK_ERR_PIN_INCORRECT, EXIT_PIN_INCORRECT, N_("wrong PIN"),
     N_("ask the token's owner to type the PIN again; the token locks after too many tries")},
    {TOK_ERR_PIN_LOCKED, EXIT_PIN_LOCKED, N_("the PIN is blocked"),
     N_("unblock it with the SO PIN: 'enroll token unblock'")},
    {TOK_ERR_PIN_POLICY, EXIT_PIN_POLICY, N_("this PIN is not allowed"),
     N_("choose a longer PIN that is not a run or a repeated digit")},
    {TOK_ERR_UNSUPPORTED, EXIT_UNSUPPORTED, N_("the token cannot do this"),
     N_("choose another --key-type (see 'enroll token info')")},
    {TOK_ERR_NOT_FOUND, EXIT_NOT_FOUND, N_("the key is not on this token"),
     N_("check that this is the applicant's token")},
    {TOK_ERR_MALFORMED, EXIT_FILE, N_("the file is not a certificate"),
     N_("use the certificate file (PEM, DER or PKCS#7) issued for this application")},
    {TOK_ERR_CERT_MISMATCH, EXIT_CERT_MISMATCH,
     N_("the certificate does not match the key on the token"),
     N_("this certificate was issued for another key: get the one issued for this application's "
	"CSR")},
    {TOK_ERR_CERT_EXPIRED, EXIT_CERT_VALIDITY, N_("the certificate has expired"),
     N_("request a new certificate from the issuer")},
    {TOK_ERR_CERT_NOT_YET_VALID, EXIT_CERT_VALIDITY, N_("the certificate is not valid yet"),
     N_("check the station's clock, or wait until the certificate's start date")},
    {TOK_ERR_CERT_KEY_USAGE, EXIT_CERT_USAGE, N_("the certificate may not be used for signing"),
     N_("ask the issuer for a signing certificate (digitalSignature, nonRepudiation)")},
    {TOK_ERR_CERT_IS_CA, EXIT_CERT_USAGE, N_("the certificate is a CA certificate"),
     N_("get the person's signing certificate issued for this application's CSR, not a CA's")},
    {TOK_ERR_CERT_UNTRUSTED, EXIT_CERT_UNTRUSTED, N_("the certificate's issuer is not trusted"),
     N_("check the trust anchors given to 'enroll init' and the chain in the file")},
    {TOK_ERR_TOKEN_REMOVED, EXIT_TOKEN, N_("the token was removed"),
     N_("insert the token again and run the same command again")},
    {TOK_ERR_NOT_LOGGED_IN, EXIT_TOKEN, N_("not logged in to the token"), NULL},
    {TOK_ERR_NOT_READY, EXIT_NOT_READY, N_("the token failed the readiness check"),
     N_("do not hand the token over; import the matching certificate again")},
    {TOK_ERR_IO, EXIT_FILE, N_("a file could not be read or written"), NULL},
    {TOK_ERR_UNSAFE, EXIT_FILE, N_("a file the station trusts is not safe"),
     N_("make it the station user's (or root's) and writable by no one else: chmod go-w FILE")},
    {TOK_ERR_CANCELLED, EXIT_CANCELLED, N_("cancelled"), NULL},
    {TOK_ERR_TIMEOUT, EXIT_CANCELLED, N_("timed out waiting"),
     N_("insert the token and try again")},
    {TOK_ERR_PCSC_UNAVAILABLE, EXIT_PCSC, N_("the smart card service (pcscd) is not running"),
     N_("start it: systemctl start pcscd.socket (or run pcscd)")},
    {TOK_ERR_PCSC, EXIT_PCSC, N_("smart card reader error"), NULL},
    {TOK_ERR_INVALID_ARGUMENT, EXIT_USAGE, N_("invalid argument"), NULL},
    {TOK_ERR_TOKEN_NOT_INITIALIZED, EXIT_TOKEN, N_("the token is not initialized"),
     N_("run 'enroll keygen', which initializes a blank token")},
    {TOK_ERR_SO_PIN_INCORRECT, EXIT_PIN_INCORRECT, N_("wrong SO PIN"),
     N_("the operator types the token's SO PIN again (not the applicant's PIN); it locks after too "
	"many tries")},
    {TOK_ERR_SO_PIN_LOCKED, EXIT_PIN_LOCKED, N_("the SO PIN is blocked"),
     N_("the token can no longer be initialized or unblocked: set it aside and use another token")},
    {TOK_ERR_TOKEN_FAULT, EXIT_TOKEN,
     N_("the token failed: it may be write-protected, full or faulty"),
     N_("take the token out and put it back, then run the command again; if it fails again, use "
	"another token")},
};

static const struct error_entry issuer_errors[] = {
    {ISS_ERR_INTERNAL, EXIT_INTERNAL, N_("internal error in the issuer connector"), NULL},
    {ISS_ERR_INVALID_ARGUMENT, EXIT_INVALID, N_("the issuer cannot take this request or setting"),
     NULL},
    {ISS_ERR_UNKNOWN_CONNECTOR, EXIT_USAGE, N_("unknown issuer connector"),
     N_("see 'enroll issuer show' for the connectors and their settings")},
    {ISS_ERR_MISSING_SETTING, EXIT_USAGE, N_("a setting of the issuer connector is missing"),
     N_("give it as an option of the same name, e.g. --trust-anchors FILE")},
    {ISS_ERR_IO, EXIT_FILE, N_("an issuer file or directory could not be read or written"),
     N_("check the issuer's directories (see 'enroll issuer show') and the free disk space")},
    {ISS_ERR_MALFORMED, EXIT_FILE, N_("the issuer's data cannot be read"), NULL},
    {ISS_ERR_NOT_ISSUED, EXIT_ISSUER, N_("the issuer has no certificate for this application yet"),
     N_("wait for the issuer, or give the file with --cert FILE")},
    {ISS_ERR_EXISTS, EXIT_INVALID, N_("the directory already holds a CA"), NULL},
    {ISS_ERR_UNSAFE, EXIT_FILE, N_("the local CA's key is not private"),
     N_("chmod 600 the key file named above")},
    {ISS_ERR_UNSAFE_ANCHORS, EXIT_FILE,
     N_("the trust anchors are not safe: someone else could choose the CA the station trusts"),
     N_("make the file named above, and its directory, yours or root's and writable by the "
	"owner alone (chmod go-w), then run the command again")},
};

static const struct error_entry workflow_errors[] = {
    {WF_ERR_DB, EXIT_DATABASE, N_("database error"),
     N_("check --db (or ENROLL_DB) and the disk; the database was left unchanged")},
    {WF_ERR_NOT_FOUND, EXIT_NOT_FOUND, N_("not found"), N_("check the number with 'enroll list'")},
    {WF_ERR_STATE, EXIT_STATE, N_("not allowed in the application's current state"),
     N_("see 'enroll show ID' for the state and what may be done next")},
    {WF_ERR_ROLE, EXIT_ROLE, N_("you do not hold the role for this step"),
     N_("the official holding the step's role must do it (this refusal was recorded)")},
    {WF_ERR_REFUSED, EXIT_ROLE, N_("the database server refuses this login that act"),
     N_("nothing was recorded; the server's words above say why (its check of the procedure "
	"and of the officials' logins, or an act only its administrator may do)")},
    {WF_ERR_CONFLICT, EXIT_CONFLICT, N_("another operator changed this application first"),
     N_("see 'enroll show ID' and continue from its current state")},
    {WF_ERR_INVALID, EXIT_INVALID, N_("invalid data"), N_("correct the field and try again")},
    {WF_ERR_INCOMPLETE, EXIT_INCOMPLETE, N_("documents are missing"),
     N_("return the application to the applicant: 'enroll return ID --reason ...'")},
    {WF_ERR_EXISTS, EXIT_INVALID, N_("already there"), NULL},
    {WF_ERR_AUDIT, EXIT_AUDIT, N_("the audit log has been tampered with"),
     N_("stop using this database and report it; restore from a backup")},
    {WF_ERR_UNSAFE, EXIT_DATABASE, N_("the database is not safe to use"),
     N_("a database file must belong to you and be readable and writable by you alone (chmod "
	"600 FILE), in a directory others cannot write to; a server's URI holds no password "
	"and crosses a network only with sslmode=verify-full")},
    {WF_ERR_NO_DATABASE, EXIT_DATABASE, N_("there is no database"),
     N_("run `enroll init` to create one, or check --db (or ENROLL_DB)")},
    {WF_ERR_IO, EXIT_FILE, N_("a file could not be copied or written"),
     N_("check the path and the free disk space")},
    {WF_ERR_SCHEMA, EXIT_DATABASE, N_("the database is newer than this program"),
     N_("install the newer version of enroll")},
    {WF_ERR_CORRUPT, EXIT_DATABASE, N_("the database file is damaged"),
     N_("stop working with it: restore the last backup (see 'enroll backup') and check the disk")},
    {WF_ERR_BACKUP, EXIT_AUDIT, N_("the backup is not intact"),
     N_("do not restore from it: take another backup, or report it")},
    {WF_ERR_BUSY, EXIT_CONFLICT, N_("another operator is working on this application or token now"),
     N_("wait until their command has finished, then run yours again")},
};

static const struct cli_exit_code exit_codes[] = {
    {EXIT_OK, N_("success")},
    {EXIT_USAGE, N_("wrong usage: unknown command or option, missing argument")},
    {EXIT_INTERNAL, N_("internal error")},
    {EXIT_DATABASE, N_("database missing, unsafe, newer or failing")},
    {EXIT_NOT_FOUND, N_("application, official or key not found")},
    {EXIT_STATE, N_("not allowed in the application's current state")},
    {EXIT_ROLE,
     N_("the acting official does not hold the step's role, or the server refused the act")},
    {EXIT_CONFLICT, N_("another operator changed the application first")},
    {EXIT_INVALID, N_("invalid data (NIK, NIP, email, phone, ...)")},
    {EXIT_INCOMPLETE, N_("documents missing")},
    {EXIT_TOKEN, N_("token missing, ambiguous, removed or not usable")},
    {EXIT_PIN_INCORRECT, N_("wrong PIN")},
    {EXIT_PIN_LOCKED, N_("PIN blocked")},
    {EXIT_PIN_POLICY, N_("PIN refused by the PIN policy, or the two entries differ")},
    {EXIT_UNSUPPORTED, N_("the token cannot generate this key type")},
    {EXIT_CERT_MISMATCH, N_("certificate does not match the token's key")},
    {EXIT_CERT_VALIDITY, N_("certificate expired or not yet valid")},
    {EXIT_CERT_UNTRUSTED, N_("certificate chain not trusted")},
    {EXIT_CERT_USAGE, N_("certificate key usage does not allow signing")},
    {EXIT_ISSUER, N_("the issuer has not issued the certificate yet")},
    {EXIT_PCSC, N_("smart card service (pcscd) unavailable or failing")},
    {EXIT_CANCELLED, N_("cancelled or timed out")},
    {EXIT_AUDIT, N_("audit log verification failed")},
    {EXIT_FILE, N_("a file could not be read, written or parsed")},
    {EXIT_NOT_READY, N_("token failed the readiness check")},
    {EXIT_TOKEN_HELD,
     N_("the token holds another person's key or certificate, or one the station did not make")},
};

const struct cli_exit_code *
cli_exit_codes(size_t *count)
{
	*count = sizeof(exit_codes) / sizeof(exit_codes[0]);
	return exit_codes;
}

static int
report(const struct error_entry *table, size_t n, int code, const char *detail)
{
	const struct error_entry *e = NULL;

	for (size_t i = 0; i < n && e == NULL; i++)
		if (table[i].code == code)
			e = &table[i];
	if (e == NULL) {
		fprintf(stderr, "enroll: %s: %s\n", _("internal error"), detail);
		return EXIT_INTERNAL;
	}
	if (detail != NULL && detail[0] != '\0')
		fprintf(stderr, "enroll: %s: %s\n", _(e->summary), detail);
	else
		fprintf(stderr, "enroll: %s\n", _(e->summary));
	if (e->hint != NULL)
		fprintf(stderr, "  %s\n", _(e->hint));
	return e->status;
}

int
cli_fail_tok(struct cli *cli, const struct tok_error *err)
{
	int status = report(token_errors, sizeof(token_errors) / sizeof(token_errors[0]), err->code,
			    err->message);

	if (err->code == TOK_ERR_PIN_INCORRECT && err->retries_left >= 0) {
		fprintf(stderr, "  ");
		fprintf(stderr,
			ngettext("%d try left before the PIN is blocked.",
				 "%d tries left before the PIN is blocked.",
				 (unsigned long)err->retries_left),
			err->retries_left);
		fprintf(stderr, "\n");
	}
	return status;
}

int
cli_fail_iss(struct cli *cli, const struct iss_error *err)
{
	return report(issuer_errors, sizeof(issuer_errors) / sizeof(issuer_errors[0]), err->code,
		      err->message);
}

int
cli_fail_wf(struct cli *cli, const struct wf_error *err)
{
	return report(workflow_errors, sizeof(workflow_errors) / sizeof(workflow_errors[0]),
		      err->code, err->message);
}

int
cli_fail_usage(const char *format, ...)
{
	va_list ap;

	fprintf(stderr, "enroll: ");
	va_start(ap, format);
	vfprintf(stderr, format, ap);
	va_end(ap);
	fprintf(stderr, "\n  %s\n", _("see 'enroll --help' or 'enroll COMMAND --help'"));
	return EXIT_USAGE;
}

int
cli_fail_file(const char *path, int errnum)
{
	fprintf(stderr, "enroll: %s: %s: %s\n", _("cannot read file"), path, strerror(errnum));
	return EXIT_FILE;
}
