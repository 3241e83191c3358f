/*
 * key.c: key pairs already on the token: found by id (through libp11, which gives the
 * private key as an EVP_PKEY that signs on the token), listed, deleted, exported as PEM.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "token-int.h"

void
tok_key_id_hex(const struct tok_key_id *id, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < id->length && i < TOK_KEY_ID_LEN; i++) {
		out[2 * i] = digits[id->bytes[i] >> 4];
		out[2 * i + 1] = digits[id->bytes[i] & 0x0f];
	}
	out[2 * i] = '\0';
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
tok_key_id_parse(const char *hex, struct tok_key_id *out)
{
	size_t length = hex ? strlen(hex) : 0;
	struct tok_key_id id = {{0}, 0};

	if (length == 0 || length % 2 != 0 || length / 2 > TOK_KEY_ID_LEN)
		return TOK_ERR_INVALID_ARGUMENT;
	for (size_t i = 0; i < length / 2; i++) {
		int high = hex_value(hex[2 * i]), low = hex_value(hex[2 * i + 1]);

		if (high < 0 || low < 0)
			return TOK_ERR_INVALID_ARGUMENT;
		id.bytes[i] = (unsigned char)(high << 4 | low);
	}
	id.length = length / 2;
	*out = id;
	return TOK_OK;
}

/* Every object matching template, through our session. *handles malloc'd. */
int
tok_find_objects(struct tok_token *token, CK_ATTRIBUTE *template, CK_ULONG count,
		 CK_OBJECT_HANDLE **handles, size_t *found, struct tok_error *err)
{
	CK_FUNCTION_LIST_PTR fn = token->ctx->fn;
	CK_OBJECT_HANDLE batch[32], *list = NULL, *grown;
	CK_ULONG got;
	size_t total = 0;
	CK_RV rv;
	int r = TOK_ERR_INTERNAL;

	if ((rv = fn->C_FindObjectsInit(token->session, template, count)) != CKR_OK)
		return tok_error_ckr(err, TOK_ERR_INTERNAL, rv, _("C_FindObjectsInit failed"));
	for (;;) {
		if ((rv = fn->C_FindObjects(token->session, batch, 32, &got)) != CKR_OK) {
			r = tok_error_ckr(err, TOK_ERR_INTERNAL, rv, _("C_FindObjects failed"));
			goto out;
		}
		if (got == 0)
			break;
		if ((grown = realloc(list, (total + got) * sizeof(*list))) == NULL) {
			r = tok_error_set(err, TOK_ERR_INTERNAL, _("out of memory"));
			goto out;
		}
		list = grown;
		memcpy(list + total, batch, got * sizeof(*list));
		total += got;
	}
	*handles = list;
	*found = total;
	list = NULL;
	r = TOK_OK;
out:
	fn->C_FindObjectsFinal(token->session);
	free(list);
	return r;
}

/* Which of our key types is this public key? */
static int
key_type_of(EVP_PKEY *public_key, enum tok_key_type *type, struct tok_error *err)
{
	char group[64] = "";
	int bits = EVP_PKEY_get_bits(public_key);

	if (EVP_PKEY_get_base_id(public_key) == EVP_PKEY_RSA) {
		for (int t = TOK_KEY_RSA2048; t <= TOK_KEY_RSA4096; t++) {
			if ((unsigned long)bits == tok_key_spec(t)->bits) {
				*type = t;
				return TOK_OK;
			}
		}
	} else if (EVP_PKEY_get_base_id(public_key) == EVP_PKEY_EC &&
		   EVP_PKEY_get_utf8_string_param(public_key, OSSL_PKEY_PARAM_GROUP_NAME, group,
						  sizeof(group), NULL) == 1) {
		if (strcmp(group, "prime256v1") == 0) {
			*type = TOK_KEY_EC_P256;
			return TOK_OK;
		}
		if (strcmp(group, "secp384r1") == 0) {
			*type = TOK_KEY_EC_P384;
			return TOK_OK;
		}
	}
	return tok_error_set(err, TOK_ERR_UNSUPPORTED,
			     _("key is of a type the station does not use "
			       "(%d bits%s%s)"),
			     bits, group[0] ? _(", curve ") : "", group);
}

/*
 * A plain OpenSSL copy of the public half, via its DER encoding: PKCS11_get_public_key
 * leaks in libp11 0.4.12, and the copy must outlive nothing of libp11.
 */
static int
copy_public_key(EVP_PKEY *private_key, EVP_PKEY **out, struct tok_error *err)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	int length;

	if ((length = i2d_PUBKEY(private_key, &der)) <= 0) {
		tok_error_set(err, TOK_ERR_INTERNAL,
			      _("cannot encode the token key's public half"));
		tok_error_openssl(err);
		return TOK_ERR_INTERNAL;
	}
	p = der;
	*out = d2i_PUBKEY(NULL, &p, length);
	OPENSSL_free(der);
	if (*out == NULL) {
		tok_error_set(err, TOK_ERR_INTERNAL,
			      _("cannot decode the token key's public half"));
		tok_error_openssl(err);
		return TOK_ERR_INTERNAL;
	}
	return TOK_OK;
}

/*
 * libp11 0.4.12 caches the keys it has enumerated and never forgets a deleted one: ask
 * the token itself first whether the private key is there.
 */
static PKCS11_KEY *
find_libp11_key(struct tok_token *token, const struct tok_key_id *id, struct tok_error *err)
{
	CK_OBJECT_CLASS class = CKO_PRIVATE_KEY;
	CK_ATTRIBUTE template[] = {
	    {CKA_CLASS, &class, sizeof(class)},
	    {CKA_ID, (void *)id->bytes, id->length},
	};
	CK_OBJECT_HANDLE *handles = NULL;
	PKCS11_KEY *keys = NULL;
	unsigned int count = 0;
	size_t found = 0;

	if (tok_find_objects(token, template, 2, &handles, &found, err) != TOK_OK)
		return NULL;
	free(handles);
	if (found == 0)
		return NULL;

	if (PKCS11_enumerate_keys(token->slot->token, &keys, &count) != 0) {
		tok_error_set(err, TOK_ERR_INTERNAL, _("cannot list the token's keys"));
		tok_error_openssl(err);
		return NULL;
	}
	for (unsigned int i = 0; i < count; i++)
		if (keys[i].isPrivate && keys[i].id_len == id->length &&
		    memcmp(keys[i].id, id->bytes, id->length) == 0)
			return &keys[i];
	return NULL;
}

int
tok_find_key(struct tok_token *token, const struct tok_key_id *id, struct tok_key **out,
	     struct tok_error *err)
{
	struct tok_key *key = NULL;
	PKCS11_KEY *found;
	char hex[2 * TOK_KEY_ID_LEN + 1];
	int r = TOK_ERR_INTERNAL;

	if (token == NULL || id == NULL || out == NULL || id->length == 0)
		return tok_error_set(err, TOK_ERR_INVALID_ARGUMENT,
				     _("tok_find_key: bad argument"));
	tok_error_set(err, TOK_ERR_NOT_FOUND, _("no key"));
	if ((found = find_libp11_key(token, id, err)) == NULL) {
		tok_key_id_hex(id, hex);
		if (err == NULL || err->code == TOK_ERR_NOT_FOUND)
			r = tok_error_set(err, TOK_ERR_NOT_FOUND,
					  _("no private key with id %s "
					    "on the token (logged in?)"),
					  hex);
		else
			r = err->code;
		goto out;
	}
	if ((key = calloc(1, sizeof(*key))) == NULL) {
		r = tok_error_set(err, TOK_ERR_INTERNAL, _("out of memory"));
		goto out;
	}
	key->id = *id;
	if ((key->private_key = PKCS11_get_private_key(found)) == NULL) {
		r = tok_error_set(err, TOK_ERR_INTERNAL, _("libp11 cannot use the private key"));
		tok_error_openssl(err);
		goto out;
	}
	if ((r = copy_public_key(key->private_key, &key->public_key, err)) != TOK_OK ||
	    (r = key_type_of(key->public_key, &key->type, err)) != TOK_OK)
		goto out;
	*out = key;
	key = NULL;
	r = TOK_OK;
out:
	tok_key_free(key);
	return r;
}

int
tok_delete_key(struct tok_token *token, const struct tok_key_id *id, struct tok_error *err)
{
	CK_ATTRIBUTE template[] = {{CKA_ID, NULL, 0}};
	CK_OBJECT_HANDLE *handles = NULL;
	char hex[2 * TOK_KEY_ID_LEN + 1];
	size_t found = 0;
	CK_RV rv;
	int r;

	if (token == NULL || id == NULL || id->length == 0)
		return tok_error_set(err, TOK_ERR_INVALID_ARGUMENT,
				     _("tok_delete_key: bad argument"));
	template[0].pValue = (void *)id->bytes;
	template[0].ulValueLen = id->length;
	tok_key_id_hex(id, hex);
	if ((r = tok_find_objects(token, template, 1, &handles, &found, err)) != TOK_OK)
		goto out;
	if (found == 0) {
		r = tok_error_set(err, TOK_ERR_NOT_FOUND, _("no object with id %s on the token"),
				  hex);
		goto out;
	}
	for (size_t i = 0; i < found; i++) {
		rv = token->ctx->fn->C_DestroyObject(token->session, handles[i]);
		if (tok_login_again(token, rv))
			rv = token->ctx->fn->C_DestroyObject(token->session, handles[i]);
		if (rv != CKR_OK) {
			r = tok_error_ckr(err, TOK_ERR_INTERNAL, rv,
					  _("cannot delete object %zu of "
					    "%zu with id %s"),
					  i + 1, found, hex);
			goto out;
		}
	}
	tok_log(TOK_LOG_INFO, "deleted %zu objects with id %s", found, hex);
	r = TOK_OK;
out:
	free(handles);
	return r;
}

void
tok_key_free(struct tok_key *key)
{
	if (key == NULL)
		return;
	/* libp11's EVP_PKEY refers to its slot: free it before the token is closed. */
	EVP_PKEY_free(key->private_key);
	EVP_PKEY_free(key->public_key);
	free(key);
}

const struct tok_key_id *
tok_key_get_id(const struct tok_key *key)
{
	return &key->id;
}

enum tok_key_type
tok_key_get_type(const struct tok_key *key)
{
	return key->type;
}

int
tok_key_public_pem(const struct tok_key *key, char **pem, struct tok_error *err)
{
	BIO *bio = NULL;
	char *data, *copy;
	long length;
	int r = TOK_ERR_INTERNAL;

	if (key == NULL || pem == NULL)
		return tok_error_set(err, TOK_ERR_INVALID_ARGUMENT,
				     _("tok_key_public_pem: no key"));
	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_PUBKEY(bio, key->public_key) != 1 ||
	    (length = BIO_get_mem_data(bio, &data)) <= 0) {
		r = tok_error_set(err, TOK_ERR_INTERNAL, _("cannot write the public key as PEM"));
		tok_error_openssl(err);
		goto out;
	}
	if ((copy = strndup(data, (size_t)length)) == NULL) {
		r = tok_error_set(err, TOK_ERR_INTERNAL, _("out of memory"));
		goto out;
	}
	*pem = copy;
	r = TOK_OK;
out:
	BIO_free(bio);
	return r;
}
