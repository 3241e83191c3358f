/*
 * issuer.c: the connector interface (dispatch through struct iss_ops) and what the
 * connectors share: files written atomically and privately, names checked before they
 * become paths, the CSR checked against the key id of its request.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "issuer-int.h"

const char *
iss_name(const struct issuer *issuer)
{
	return issuer != NULL ? issuer->ops->name : "";
}

const char *
iss_trust_anchors(const struct issuer *issuer)
{
	return issuer != NULL ? issuer->trust_anchors : NULL;
}

/* The key id (hex, lower case) of the public key in a PEM CSR; the CSR must verify. */
static int
csr_key_id(const char *csr_pem, char *hex, size_t size, struct iss_error *err)
{
	struct tok_error tok_err;
	struct tok_key_id id;
	X509_REQ *csr = NULL;
	EVP_PKEY *key;
	BIO *bio;
	int r = ISS_ERR_INTERNAL;

	if (size < 2 * TOK_KEY_ID_LEN + 1)
		return iss_error_set(err, ISS_ERR_INTERNAL, _("key id buffer too small"));
	if ((bio = BIO_new_mem_buf(csr_pem, -1)) == NULL)
		return iss_error_set(err, ISS_ERR_INTERNAL, _("out of memory"));
	if ((csr = PEM_read_bio_X509_REQ(bio, NULL, NULL, NULL)) == NULL ||
	    (key = X509_REQ_get0_pubkey(csr)) == NULL || X509_REQ_verify(csr, key) != 1) {
		r = iss_error_set(err, ISS_ERR_MALFORMED,
				  _("CSR unreadable or its signature wrong"));
		goto out;
	}
	if (tok_public_key_id(key, &id, &tok_err) != TOK_OK) {
		r = iss_error_from_tok(err, ISS_ERR_MALFORMED, &tok_err);
		goto out;
	}
	tok_key_id_hex(&id, hex);
	r = ISS_OK;
out:
	X509_REQ_free(csr);
	BIO_free(bio);
	ERR_clear_error();
	return r;
}

/*
 * The answer to a request is filed and found under its key id: every connector gets only
 * requests whose CSR is for the key they name.
 */
int
iss_submit(struct issuer *issuer, const struct iss_request *request, struct iss_error *err)
{
	char csr_id[2 * TOK_KEY_ID_LEN + 1];
	struct tok_key_id id;
	int r;

	if (issuer == NULL || request == NULL || request->reference == NULL ||
	    request->key_id_hex == NULL || request->csr_pem == NULL)
		return iss_error_set(err, ISS_ERR_INVALID_ARGUMENT,
				     _("a request needs a reference, a key id and a CSR"));
	if (tok_key_id_parse(request->key_id_hex, &id) != TOK_OK)
		return iss_error_set(err, ISS_ERR_INVALID_ARGUMENT, _("key id is not hex"));
	if ((r = csr_key_id(request->csr_pem, csr_id, sizeof(csr_id), err)) != ISS_OK)
		return r;
	if (strcasecmp(csr_id, request->key_id_hex) != 0)
		return iss_error_set(err, ISS_ERR_INVALID_ARGUMENT,
				     _("the CSR is for key %s, the request names %s"), csr_id,
				     request->key_id_hex);
	return issuer->ops->submit(issuer, request, err);
}

int
iss_fetch(struct issuer *issuer, const struct iss_request *request, unsigned char **data,
	  size_t *length, struct iss_error *err)
{
	struct tok_key_id id;

	if (issuer == NULL || request == NULL || request->key_id_hex == NULL || data == NULL ||
	    length == NULL)
		return iss_error_set(err, ISS_ERR_INVALID_ARGUMENT,
				     _("fetching needs a request with a key id"));
	if (tok_key_id_parse(request->key_id_hex, &id) != TOK_OK)
		return iss_error_set(err, ISS_ERR_INVALID_ARGUMENT, _("key id is not hex"));
	return issuer->ops->fetch(issuer, request, data, length, err);
}

void
iss_free(struct issuer *issuer)
{
	if (issuer == NULL)
		return;
	free(issuer->trust_anchors);
	issuer->ops->free(issuer);
}

int
iss_read_file(const char *path, size_t max, unsigned char **data, size_t *length,
	      struct iss_error *err)
{
	unsigned char *buf = NULL;
	struct stat st;
	size_t used = 0;
	ssize_t n;
	int fd, r = ISS_ERR_IO;

	/* O_NONBLOCK: a FIFO in the inbox must not hold the station waiting for a writer */
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) < 0)
		return iss_error_set(err, ISS_ERR_IO, _("cannot open %s: %s"), path,
				     strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > max) {
		r = iss_error_set(err, ISS_ERR_IO,
				  _("%s is not a regular file of at most %zu bytes"), path, max);
		goto out;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		r = iss_error_set(err, ISS_ERR_INTERNAL, _("out of memory"));
		goto out;
	}
	while (used < (size_t)st.st_size &&
	       (n = read(fd, buf + used, (size_t)st.st_size - used)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = iss_error_set(err, ISS_ERR_IO, _("reading %s: %s"), path,
					  strerror(errno));
			goto out;
		}
		used += (size_t)n;
	}
	buf[used] = '\0';
	*data = buf;
	*length = used;
	buf = NULL;
	r = ISS_OK;
out:
	free(buf);
	close(fd);
	return r;
}

static int
write_all_fd(int fd, const unsigned char *data, size_t length)
{
	ssize_t n;

	while (length > 0) {
		if ((n = write(fd, data, length)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		length -= (size_t)n;
	}
	return 0;
}

int
iss_write_file(const char *path, const void *data, size_t length, mode_t mode,
	       struct iss_error *err)
{
	char *temporary = NULL;
	int fd = -1, r = ISS_ERR_IO;

	if (asprintf(&temporary, "%s.XXXXXX", path) < 0)
		return iss_error_set(err, ISS_ERR_INTERNAL, _("out of memory"));
	if ((fd = mkostemp(temporary, O_CLOEXEC)) < 0) {
		r = iss_error_set(err, ISS_ERR_IO, _("cannot create %s: %s"), temporary,
				  strerror(errno));
		goto out;
	}
	if (fchmod(fd, mode) != 0 || write_all_fd(fd, data, length) != 0 || fsync(fd) != 0 ||
	    close(fd) != 0) {
		fd = -1;
		r = iss_error_set(err, ISS_ERR_IO, _("writing %s: %s"), path, strerror(errno));
		unlink(temporary);
		goto out;
	}
	fd = -1;
	if (rename(temporary, path) != 0) {
		r = iss_error_set(err, ISS_ERR_IO, _("renaming to %s: %s"), path, strerror(errno));
		unlink(temporary);
		goto out;
	}
	r = ISS_OK;
out:
	if (fd >= 0) {
		close(fd);
		unlink(temporary);
	}
	free(temporary);
	return r;
}

int
iss_make_directories(const char *path, struct iss_error *err)
{
	char *copy = strdup(path);
	int r = ISS_OK;

	if (copy == NULL)
		return iss_error_set(err, ISS_ERR_INTERNAL, _("out of memory"));
	for (char *p = copy + 1; *p != '\0' && r == ISS_OK; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0700) != 0 && errno != EEXIST)
			r = iss_error_set(err, ISS_ERR_IO, _("cannot create %s: %s"), copy,
					  strerror(errno));
		*p = '/';
	}
	if (r == ISS_OK && mkdir(copy, 0700) != 0 && errno != EEXIST)
		r = iss_error_set(err, ISS_ERR_IO, _("cannot create %s: %s"), copy,
				  strerror(errno));
	free(copy);
	return r;
}
