/*
 * issuer_file.c: BSrE by file exchange. The verifier uploads what we put in the outbox
 * to BSrE's portal and drops what BSrE sends back into the inbox; we pick out the answer
 * to a request by the public key in it, whatever the file is called.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "issuer-int.h"

#define REFERENCE_MAX 100

struct file_issuer {
	struct issuer base;
	char *outbox;
	char *inbox;
};

/* What BSrE and browsers name certificate files. */
static const char *const certificate_suffixes[] = {
    ".pem", ".crt", ".cer", ".der", ".p7b", ".p7c",
};

static void
file_free(struct issuer *issuer)
{
	struct file_issuer *file = (struct file_issuer *)issuer;

	free(file->outbox);
	free(file->inbox);
	free(file);
}

/*
 * The reference as a file name: '/' becomes '-'; anything but letters, digits, '.', '-'
 * and '_' is refused, and so is a leading '.', so a name never leaves the outbox.
 */
static int
reference_file_name(const char *reference, char *out, size_t size, struct iss_error *err)
{
	size_t length = strlen(reference);

	if (length == 0 || length > REFERENCE_MAX || length >= size || reference[0] == '.' ||
	    reference[0] == '/')
		return iss_error_set(err, ISS_ERR_INVALID_ARGUMENT,
				     _("reference \"%.*s\" cannot name a file"), REFERENCE_MAX,
				     reference);
	for (size_t i = 0; i <= length; i++) {
		char c = reference[i];

		if (c == '/')
			c = '-';
		else if (c != '\0' && strchr("._-", c) == NULL &&
			 !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			   (c >= '0' && c <= '9')))
			return iss_error_set(err, ISS_ERR_INVALID_ARGUMENT,
					     _("reference holds a character a file name cannot"));
		out[i] = c;
	}
	return ISS_OK;
}

static int
write_outbox(struct file_issuer *file, const char *name, const char *suffix, const char *text,
	     mode_t mode, struct iss_error *err)
{
	char *path = NULL;
	int r;

	if (asprintf(&path, "%s/%s%s", file->outbox, name, suffix) < 0)
		return iss_error_set(err, ISS_ERR_INTERNAL, _("out of memory"));
	r = iss_write_file(path, text, strlen(text), mode, err);
	free(path);
	return r;
}

static int
file_submit(struct issuer *issuer, const struct iss_request *request, struct iss_error *err)
{
	struct file_issuer *file = (struct file_issuer *)issuer;
	char name[REFERENCE_MAX + 1];
	int r;

	if ((r = reference_file_name(request->reference, name, sizeof(name), err)) != ISS_OK)
		return r;
	/* The applicant's data is personal (NIK, phone): readable by the operator only. */
	if ((r = write_outbox(file, name, ".csr.pem", request->csr_pem, 0644, err)) != ISS_OK ||
	    (request->applicant_json != NULL &&
	     (r = write_outbox(file, name, ".json", request->applicant_json, 0600, err)) !=
		 ISS_OK) ||
	    (request->applicant_sheet != NULL &&
	     (r = write_outbox(file, name, ".txt", request->applicant_sheet, 0600, err)) != ISS_OK))
		return r;
	iss_log(_("request %s written to %s for BSrE's portal"), request->reference, file->outbox);
	return ISS_OK;
}

static int
is_certificate_file(const struct dirent *entry)
{
	size_t length = strlen(entry->d_name), suffix_length;

	if (entry->d_name[0] == '.')
		return 0;
	for (size_t i = 0; i < sizeof(certificate_suffixes) / sizeof(certificate_suffixes[0]);
	     i++) {
		suffix_length = strlen(certificate_suffixes[i]);
		if (length > suffix_length && strcasecmp(entry->d_name + length - suffix_length,
							 certificate_suffixes[i]) == 0)
			return 1;
	}
	return 0;
}

/* Does any certificate in data carry the key with this id? */
static bool
holds_key(const unsigned char *data, size_t length, const char *key_id_hex)
{
	STACK_OF(X509) *certs = NULL;
	struct tok_key_id id;
	char hex[2 * TOK_KEY_ID_LEN + 1];
	bool found = false;

	if (tok_cert_parse(data, length, &certs, NULL) != TOK_OK)
		return false;
	for (int i = 0; i < sk_X509_num(certs) && !found; i++) {
		if (tok_public_key_id(X509_get0_pubkey(sk_X509_value(certs, i)), &id, NULL) !=
		    TOK_OK)
			continue;
		tok_key_id_hex(&id, hex);
		found = strcasecmp(hex, key_id_hex) == 0;
	}
	sk_X509_pop_free(certs, X509_free);
	return found;
}

/* Files are tried in name order: the same inbox always gives the same answer. */
static int
file_fetch(struct issuer *issuer, const struct iss_request *request, unsigned char **data,
	   size_t *length, struct iss_error *err)
{
	struct file_issuer *file = (struct file_issuer *)issuer;
	struct dirent **entries = NULL;
	unsigned char *content = NULL;
	size_t content_length = 0;
	char *path = NULL;
	int n, r = ISS_ERR_NOT_ISSUED;

	if ((n = scandir(file->inbox, &entries, is_certificate_file, alphasort)) < 0)
		return iss_error_set(err, ISS_ERR_IO, _("cannot read the inbox %s"), file->inbox);
	for (int i = 0; i < n && r != ISS_OK; i++) {
		if (asprintf(&path, "%s/%s", file->inbox, entries[i]->d_name) < 0) {
			path = NULL;
			continue;
		}
		if (iss_read_file(path, TOK_CERT_FILE_MAX, &content, &content_length, NULL) ==
			ISS_OK &&
		    holds_key(content, content_length, request->key_id_hex)) {
			iss_log(_("certificate for %s found in %s"), request->reference, path);
			*data = content;
			*length = content_length;
			content = NULL;
			r = ISS_OK;
		}
		free(content);
		content = NULL;
		free(path);
		path = NULL;
	}
	for (int i = 0; i < n; i++)
		free(entries[i]);
	free(entries);
	if (r != ISS_OK)
		r = iss_error_set(err, ISS_ERR_NOT_ISSUED, _("no certificate for key %s in %s yet"),
				  request->key_id_hex, file->inbox);
	return r;
}

static const struct iss_ops file_ops = {
    .name = "file",
    .submit = file_submit,
    .fetch = file_fetch,
    .free = file_free,
};

/* The exchange directories are the verifier's: made if missing, never emptied. */
int
iss_file_prepare(iss_lookup_fn lookup, void *arg, const char *organization, struct iss_error *err)
{
	int r;

	(void)organization;
	if ((r = iss_make_directories(lookup(arg, "outbox"), err)) != ISS_OK)
		return r;
	return iss_make_directories(lookup(arg, "inbox"), err);
}

int
iss_file_open(iss_lookup_fn lookup, void *arg, struct issuer **out, struct iss_error *err)
{
	struct file_issuer *file;

	if ((file = calloc(1, sizeof(*file))) == NULL)
		return iss_error_set(err, ISS_ERR_INTERNAL, _("out of memory"));
	file->base.ops = &file_ops;
	if ((file->outbox = strdup(lookup(arg, "outbox"))) == NULL ||
	    (file->inbox = strdup(lookup(arg, "inbox"))) == NULL ||
	    (file->base.trust_anchors = strdup(lookup(arg, "trust-anchors"))) == NULL) {
		iss_free(&file->base);
		return iss_error_set(err, ISS_ERR_INTERNAL, _("out of memory"));
	}
	*out = &file->base;
	return ISS_OK;
}
