/*
 * cert-token.c: the certificate import's raw PKCS#11 side: finding the private key a
 * certificate belongs to by its public key value, finding certificates already present,
 * and writing certificate objects with the full template consumers rely on.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/err.h>

#include "cert-int.h"

/* Tokens store CKA_EC_POINT DER-wrapped (the standard) or raw (some older ones): try both. */
static bool
ec_point_equal(const unsigned char *stored, size_t stored_length, const unsigned char *point,
	       size_t point_length)
{
	const unsigned char *p = stored;
	ASN1_OCTET_STRING *inner;
	bool same = false;

	if (stored_length == point_length && memcmp(stored, point, point_length) == 0)
		return true;
	if ((inner = d2i_ASN1_OCTET_STRING(NULL, &p, (long)stored_length)) != NULL) {
		same = p == stored + stored_length &&
		       (size_t)ASN1_STRING_length(inner) == point_length &&
		       memcmp(ASN1_STRING_get0_data(inner), point, point_length) == 0;
		ASN1_OCTET_STRING_free(inner);
	}
	ERR_clear_error();
	return same;
}

/* Does the key pair with this private key handle have the public value wanted? */
static bool
key_matches(struct tok_token *token, CK_OBJECT_HANDLE private_key, const unsigned char *id,
	    size_t id_length, bool is_rsa, const unsigned char *value, size_t value_length)
{
	CK_OBJECT_CLASS public_class = CKO_PUBLIC_KEY;
	CK_ATTRIBUTE template[] = {
	    {CKA_CLASS, &public_class, sizeof(public_class)},
	    {CKA_ID, (void *)id, id_length},
	};
	CK_OBJECT_HANDLE *publics = NULL;
	unsigned char *stored = NULL;
	size_t count = 0, length;
	bool same = false;

	if (is_rsa) {
		/* The modulus is public on the private key object itself. */
		if (tok_read_attribute(token, private_key, CKA_MODULUS, &stored, &length, NULL) ==
		    TOK_OK)
			same = length == value_length && memcmp(stored, value, length) == 0;
		free(stored);
		return same;
	}
	if (tok_find_objects(token, template, 2, &publics, &count, NULL) != TOK_OK)
		return false;
	for (size_t i = 0; i < count && !same; i++) {
		if (tok_read_attribute(token, publics[i], CKA_EC_POINT, &stored, &length, NULL) !=
		    TOK_OK)
			continue;
		same = ec_point_equal(stored, length, value, value_length);
		free(stored);
		stored = NULL;
	}
	free(publics);
	return same;
}

static void
copy_label(struct tok_token *token, CK_OBJECT_HANDLE handle, char *label, size_t size)
{
	unsigned char *value = NULL;
	size_t length = 0;

	label[0] = '\0';
	if (tok_read_attribute(token, handle, CKA_LABEL, &value, &length, NULL) != TOK_OK)
		return;
	if (length >= size)
		length = size - 1;
	memcpy(label, value, length);
	label[length] = '\0';
	free(value);
}

int
tok_cert_find_key(struct tok_token *token, EVP_PKEY *pkey, struct tok_cert_key *out,
		  struct tok_error *err)
{
	CK_OBJECT_CLASS private_class = CKO_PRIVATE_KEY;
	CK_ATTRIBUTE template[] = {{CKA_CLASS, &private_class, sizeof(private_class)}};
	CK_OBJECT_HANDLE *keys = NULL;
	unsigned char value[1024], *id = NULL;
	size_t value_length, count = 0, id_length = 0;
	bool is_rsa = EVP_PKEY_is_a(pkey, "RSA");
	int r;

	if ((value_length = tok_public_key_value(pkey, value, sizeof(value))) == 0)
		return tok_error_set(err, TOK_ERR_CERT_MISMATCH,
				     _("certificate key is neither RSA nor EC"));
	if ((r = tok_find_objects(token, template, 1, &keys, &count, err)) != TOK_OK)
		return r;
	r = TOK_ERR_NOT_FOUND;
	for (size_t i = 0; i < count && r != TOK_OK; i++) {
		if (tok_read_attribute(token, keys[i], CKA_ID, &id, &id_length, NULL) != TOK_OK)
			continue;
		if (id_length <= TOK_KEY_ID_LEN &&
		    key_matches(token, keys[i], id, id_length, is_rsa, value, value_length)) {
			out->handle = keys[i];
			memcpy(out->id.bytes, id, id_length);
			out->id.length = id_length;
			copy_label(token, keys[i], out->label, sizeof(out->label));
			r = TOK_OK;
		}
		free(id);
		id = NULL;
	}
	free(keys);
	if (r != TOK_OK)
		tok_error_set(err, r, _("no key on the token matches the certificate"));
	return r;
}

int
tok_cert_find_key_by_id(struct tok_token *token, EVP_PKEY *pkey, const struct tok_key_id *id,
			struct tok_cert_key *out, struct tok_error *err)
{
	CK_OBJECT_CLASS private_class = CKO_PRIVATE_KEY;
	CK_ATTRIBUTE template[] = {
	    {CKA_CLASS, &private_class, sizeof(private_class)},
	    {CKA_ID, (void *)id->bytes, id->length},
	};
	CK_OBJECT_HANDLE *keys = NULL;
	struct tok_key_id computed;
	size_t count = 0;
	int r;

	/* The id is the SHA-1 of the public key: the certificate's key gives it, or not. */
	if ((r = tok_public_key_id(pkey, &computed, err)) != TOK_OK)
		return r;
	if (computed.length != id->length || memcmp(computed.bytes, id->bytes, id->length) != 0)
		return tok_error_set(err, TOK_ERR_NOT_FOUND,
				     _("the certificate's key is not this id's"));
	if ((r = tok_find_objects(token, template, 2, &keys, &count, err)) != TOK_OK)
		return r;
	if (count == 1) {
		out->handle = keys[0];
		out->id = *id;
		copy_label(token, keys[0], out->label, sizeof(out->label));
	} else {
		r = tok_error_set(err, TOK_ERR_NOT_FOUND, _("%zu private keys with this id"),
				  count);
	}
	free(keys);
	return r;
}

int
tok_cert_present(struct tok_token *token, const unsigned char *der, size_t length,
		 struct tok_error *err)
{
	CK_OBJECT_CLASS cert_class = CKO_CERTIFICATE;
	CK_ATTRIBUTE template[] = {{CKA_CLASS, &cert_class, sizeof(cert_class)}};
	CK_OBJECT_HANDLE *certs = NULL;
	unsigned char *value = NULL;
	size_t count = 0, value_length;
	int r, present = 0;

	/* Compared here rather than by a CKA_VALUE template: not every token matches on it. */
	if ((r = tok_find_objects(token, template, 1, &certs, &count, err)) != TOK_OK)
		return r;
	for (size_t i = 0; i < count && !present; i++) {
		if (tok_read_attribute(token, certs[i], CKA_VALUE, &value, &value_length, NULL) !=
		    TOK_OK)
			continue;
		present = value_length == length && memcmp(value, der, length) == 0;
		free(value);
	}
	free(certs);
	return present;
}

void
tok_cert_destroy(struct tok_token *token, CK_OBJECT_HANDLE handle)
{
	CK_RV rv = token->ctx->fn->C_DestroyObject(token->session, handle);

	if (rv != CKR_OK)
		/* Errors and warnings reach the operator: in the catalogue, unlike the debug log.
		 */
		tok_log(TOK_LOG_ERROR, _("rolling back a certificate write failed (%s)"),
			tok_ckr_name(rv));
}

int
tok_read_certificate(struct tok_token *token, const struct tok_key_id *id, unsigned char **der,
		     size_t *length, struct tok_error *err)
{
	CK_OBJECT_CLASS cert_class = CKO_CERTIFICATE;
	CK_ATTRIBUTE template[2] = {{CKA_CLASS, &cert_class, sizeof(cert_class)}};
	CK_OBJECT_HANDLE *certs = NULL;
	size_t count = 0;
	int r;

	if (token == NULL || id == NULL || der == NULL || length == NULL)
		return tok_error_set(err, TOK_ERR_INVALID_ARGUMENT, _("missing argument"));
	template[1].type = CKA_ID;
	template[1].pValue = (void *)id->bytes;
	template[1].ulValueLen = id->length;
	if ((r = tok_find_objects(token, template, 2, &certs, &count, err)) != TOK_OK)
		return r;
	if (count == 0)
		r = tok_error_set(err, TOK_ERR_NOT_FOUND, _("no certificate under this key id"));
	else
		r = tok_read_attribute(token, certs[0], CKA_VALUE, der, length, err);
	free(certs);
	return r;
}
