/*
 * cert.c: importing the issued certificate and its chain onto the token (SOP step 7).
 * Every check runs before the first write, so a refusal leaves the token as it was; a
 * write that fails half-way is rolled back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "cert-int.h"

/* Private keys are only visible to a logged-in user: say so rather than "no match". */
static int
check_logged_in(struct tok_token *token, struct tok_error *err)
{
	CK_SESSION_INFO session;
	CK_RV rv;

	if ((rv = token->ctx->fn->C_GetSessionInfo(token->session, &session)) != CKR_OK)
		return tok_error_ckr(err, TOK_ERR_INTERNAL, rv, _("C_GetSessionInfo failed"));
	if (session.state != CKS_RO_USER_FUNCTIONS && session.state != CKS_RW_USER_FUNCTIONS)
		return tok_error_set(err, TOK_ERR_NOT_LOGGED_IN,
				     _("log in as the token's user before importing"));
	return TOK_OK;
}

static bool
same_id(const struct tok_key_id *a, const struct tok_key_id *b)
{
	return a->length == b->length && memcmp(a->bytes, b->bytes, a->length) == 0;
}

/*
 * Is cert's key on the token (and the expected one, when named)? TOK_OK with *found, or
 * TOK_ERR_NOT_FOUND; the id of another key of the token goes into other.
 */
static int
key_on_token(struct tok_token *token, X509 *cert, const struct tok_key_id *expected,
	     struct tok_cert_key *found, char other[2 * TOK_KEY_ID_LEN + 1], struct tok_error *err)
{
	int r = tok_cert_find_key(token, X509_get0_pubkey(cert), found, err);

	if (r == TOK_ERR_NOT_FOUND && expected != NULL)
		r = tok_cert_find_key_by_id(token, X509_get0_pubkey(cert), expected, found, err);
	if (r == TOK_OK && expected != NULL && !same_id(&found->id, expected)) {
		tok_key_id_hex(&found->id, other);
		return TOK_ERR_NOT_FOUND;
	}
	return r;
}

/*
 * The first certificate in the input that is not a CA and whose key is on the token, and
 * is the expected key when one is named; certificates for other keys are passed over, and
 * named in the refusal if none is for the expected key. A CA certificate for the key is
 * refused as what it is. Nothing is written before this.
 */
static int
select_end_entity(struct tok_token *token, STACK_OF(X509) * certs,
		  const struct tok_key_id *expected, X509 **cert, struct tok_cert_key *key,
		  struct tok_error *err)
{
	char want[2 * TOK_KEY_ID_LEN + 1], other[2 * TOK_KEY_ID_LEN + 1] = "";
	struct tok_cert_key found;
	bool ca_for_key = false;
	int r;

	for (int i = 0; i < sk_X509_num(certs); i++) {
		X509 *candidate = sk_X509_value(certs, i);

		r = key_on_token(token, candidate, expected, &found, other, err);
		if (r != TOK_OK && r != TOK_ERR_NOT_FOUND)
			return r;
		if (r == TOK_OK && X509_check_ca(candidate) != 0)
			ca_for_key = true;
		else if (r == TOK_OK) {
			*cert = candidate;
			*key = found;
			return TOK_OK;
		}
	}
	if (ca_for_key)
		return tok_error_set(err, TOK_ERR_CERT_IS_CA,
				     _("the certificate for this key is a CA certificate (CA:TRUE),"
				       " not a person's signing certificate"));
	if (other[0] != '\0') {
		tok_key_id_hex(expected, want);
		return tok_error_set(
		    err, TOK_ERR_CERT_MISMATCH,
		    _("the certificate belongs to key %s on this token, not to key %s"), other,
		    want);
	}
	return tok_error_set(err, TOK_ERR_CERT_MISMATCH,
			     _("none of the %d certificate(s) belongs to a key on this token"),
			     sk_X509_num(certs));
}

static int
check_validity(X509 *cert, struct tok_error *err)
{
	int before = X509_cmp_current_time(X509_get0_notBefore(cert));
	int after = X509_cmp_current_time(X509_get0_notAfter(cert));

	if (before == 0 || after == 0)
		return tok_error_set(err, TOK_ERR_MALFORMED, _("certificate dates unreadable"));
	if (before > 0)
		return tok_error_set(err, TOK_ERR_CERT_NOT_YET_VALID,
				     _("certificate is not valid yet"));
	if (after < 0)
		return tok_error_set(err, TOK_ERR_CERT_EXPIRED, _("certificate has expired"));
	return TOK_OK;
}

/* Without a keyUsage extension every use is allowed (RFC 5280 4.2.1.3). */
static int
check_key_usage(X509 *cert, struct tok_error *err)
{
	uint32_t usage = X509_get_key_usage(cert);

	if ((usage & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) == 0)
		return tok_error_set(err, TOK_ERR_CERT_KEY_USAGE,
				     _("key usage allows neither digitalSignature nor "
				       "nonRepudiation"));
	return TOK_OK;
}

/*
 * Whoever can write the trust anchors decides which CA the station believes: refuse a
 * file others may write, or one owned by another user who is not root (as OpenSSH does).
 */
static int
check_anchors_file(const char *path, struct tok_error *err)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return tok_error_set(err, TOK_ERR_IO, _("cannot read trust anchors %s"), path);
	if ((st.st_mode & 022) != 0 || (st.st_uid != 0 && st.st_uid != getuid()))
		return tok_error_set(err, TOK_ERR_UNSAFE,
				     _("trust anchors %s are writable by others or owned by "
				       "another user: not trusted"),
				     path);
	return TOK_OK;
}

/* The verified chain, end entity first, root last. */
static int
verify_chain(X509 *cert, STACK_OF(X509) * untrusted, const char *trust_anchors,
	     STACK_OF(X509) * *chain, struct tok_error *err)
{
	X509_STORE *store = NULL;
	X509_STORE_CTX *ctx = NULL;
	int r = TOK_ERR_INTERNAL;

	if ((store = X509_STORE_new()) == NULL || (ctx = X509_STORE_CTX_new()) == NULL) {
		r = tok_error_set(err, TOK_ERR_INTERNAL, _("out of memory"));
		goto out;
	}
	if ((r = check_anchors_file(trust_anchors, err)) != TOK_OK)
		goto out;
	if (!X509_STORE_load_file(store, trust_anchors)) {
		r = tok_error_set(err, TOK_ERR_IO, _("cannot read trust anchors %s"),
				  trust_anchors);
		tok_error_openssl(err);
		goto out;
	}
	if (!X509_STORE_CTX_init(ctx, store, cert, untrusted)) {
		r = tok_error_set(err, TOK_ERR_INTERNAL, _("X509_STORE_CTX_init failed"));
		goto out;
	}
	if (X509_verify_cert(ctx) != 1) {
		r = tok_error_set(err, TOK_ERR_CERT_UNTRUSTED,
				  _("chain does not verify against %s: %s"), trust_anchors,
				  X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
		goto out;
	}
	if ((*chain = X509_STORE_CTX_get1_chain(ctx)) == NULL) {
		r = tok_error_set(err, TOK_ERR_INTERNAL, _("no verified chain"));
		goto out;
	}
	r = TOK_OK;
out:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	ERR_clear_error();
	return r;
}

/* Write one certificate unless present; remember its handle for rollback. */
static int
write_once(struct tok_token *token, X509 *cert, const struct tok_cert_key *key,
	   CK_OBJECT_HANDLE *written, size_t *count, bool *present, struct tok_error *err)
{
	unsigned char *der = NULL;
	int length, r;

	if ((length = i2d_X509(cert, &der)) <= 0)
		return tok_error_set(err, TOK_ERR_INTERNAL, _("i2d_X509 failed"));
	r = tok_cert_present(token, der, (size_t)length, err);
	OPENSSL_free(der);
	if (r < 0)
		return r;
	*present = r == 1;
	if (*present)
		return TOK_OK;
	if ((r = tok_cert_write(token, cert, key, &written[*count], err)) != TOK_OK)
		return r;
	(*count)++;
	return TOK_OK;
}

/* The end entity with its key's id and label, then the chain's CAs as authorities. */
static int
write_all(struct tok_token *token, STACK_OF(X509) * chain, const struct tok_cert_key *key,
	  struct tok_cert_info *info, struct tok_error *err)
{
	int n = sk_X509_num(chain);
	CK_OBJECT_HANDLE *written;
	size_t count = 0;
	bool present;
	int r = TOK_OK;

	if ((written = calloc((size_t)n, sizeof(*written))) == NULL)
		return tok_error_set(err, TOK_ERR_INTERNAL, _("out of memory"));
	r = write_once(token, sk_X509_value(chain, 0), key, written, &count, &present, err);
	info->already_present = present;
	for (int i = 1; i < n && r == TOK_OK; i++) {
		size_t before = count;

		r = write_once(token, sk_X509_value(chain, i), NULL, written, &count, &present,
			       err);
		info->chain_written += (int)(count - before);
	}
	if (r != TOK_OK)
		while (count > 0)
			tok_cert_destroy(token, written[--count]);
	free(written);
	return r == TOK_OK ? r : tok_removed_or(token, r, err);
}

static void
fill_info(X509 *cert, const struct tok_cert_key *key, struct tok_cert_info *info)
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int length = 0;
	struct tm tm;

	info->key_id = key->id;
	info->sha256[0] = '\0';
	/* The fingerprint the handover receipt prints and its QR code carries. */
	if (X509_digest(cert, EVP_sha256(), digest, &length) == 1)
		for (unsigned int i = 0; i < length && i < 32; i++)
			snprintf(info->sha256 + 2 * i, 3, "%02x", digest[i]);
	tok_serial_hex(cert, info->serial_hex, sizeof(info->serial_hex));
	tok_name_text(X509_get_subject_name(cert), info->subject, sizeof(info->subject));
	tok_name_text(X509_get_issuer_name(cert), info->issuer, sizeof(info->issuer));
	if (ASN1_TIME_to_tm(X509_get0_notBefore(cert), &tm))
		info->not_before = timegm(&tm);
	if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm))
		info->not_after = timegm(&tm);
}

int
tok_import_certificate(struct tok_token *token, const unsigned char *data, size_t length,
		       const char *trust_anchors, const struct tok_key_id *expected,
		       struct tok_cert_info *info, struct tok_error *err)
{
	STACK_OF(X509) *certs = NULL, *chain = NULL;
	struct tok_cert_info result = {0};
	struct tok_cert_key key = {0};
	X509 *cert = NULL;
	int r = TOK_ERR_INTERNAL;

	if (token == NULL || data == NULL || trust_anchors == NULL || info == NULL)
		return tok_error_set(err, TOK_ERR_INVALID_ARGUMENT,
				     _("token, data, trust anchors and info are required"));
	if ((r = check_logged_in(token, err)) != TOK_OK ||
	    (r = tok_cert_parse(data, length, &certs, err)) != TOK_OK ||
	    (r = select_end_entity(token, certs, expected, &cert, &key, err)) != TOK_OK ||
	    (r = check_validity(cert, err)) != TOK_OK ||
	    (r = check_key_usage(cert, err)) != TOK_OK ||
	    (r = verify_chain(cert, certs, trust_anchors, &chain, err)) != TOK_OK)
		goto out;
	if ((r = write_all(token, chain, &key, &result, err)) != TOK_OK)
		goto out;
	fill_info(cert, &key, &result);
	*info = result;
	r = TOK_OK;
out:
	sk_X509_pop_free(chain, X509_free);
	sk_X509_pop_free(certs, X509_free);
	ERR_clear_error();
	return r;
}
