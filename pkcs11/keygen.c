/*
 * keygen.c: key pairs generated on the token with a template we write ourselves (libp11
 * 0.4.12 generates RSA only, with a fixed template). The pair's CKA_ID is the SHA-1 of
 * the public key, the convention NSS and OpenSC's mozilla id style use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "token-int.h"

/* DER OBJECT IDENTIFIERs of the curves: prime256v1 (1.2.840.10045.3.1.7), secp384r1. */
static const unsigned char oid_p256[] = {0x06, 0x08, 0x2a, 0x86, 0x48,
					 0xce, 0x3d, 0x03, 0x01, 0x07};
static const unsigned char oid_p384[] = {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22};

static const struct tok_key_spec key_specs[TOK_KEY_TYPE_COUNT] = {
    {TOK_KEY_RSA2048, "rsa2048", CKK_RSA, CKM_RSA_PKCS_KEY_PAIR_GEN, 2048, NULL, 0},
    {TOK_KEY_RSA3072, "rsa3072", CKK_RSA, CKM_RSA_PKCS_KEY_PAIR_GEN, 3072, NULL, 0},
    {TOK_KEY_RSA4096, "rsa4096", CKK_RSA, CKM_RSA_PKCS_KEY_PAIR_GEN, 4096, NULL, 0},
    {TOK_KEY_EC_P256, "ec-p256", CKK_EC, CKM_EC_KEY_PAIR_GEN, 256, oid_p256, sizeof(oid_p256)},
    {TOK_KEY_EC_P384, "ec-p384", CKK_EC, CKM_EC_KEY_PAIR_GEN, 384, oid_p384, sizeof(oid_p384)},
};

const struct tok_key_spec *
tok_key_spec(enum tok_key_type type)
{
	if ((unsigned int)type >= TOK_KEY_TYPE_COUNT)
		return NULL;
	return &key_specs[type];
}

const char *
tok_key_type_name(enum tok_key_type type)
{
	const struct tok_key_spec *spec = tok_key_spec(type);

	return spec ? spec->name : "unknown";
}

int
tok_key_type_parse(const char *name, enum tok_key_type *out)
{
	for (size_t i = 0; name != NULL && i < TOK_KEY_TYPE_COUNT; i++) {
		if (strcmp(name, key_specs[i].name) == 0) {
			*out = key_specs[i].type;
			return TOK_OK;
		}
	}
	return TOK_ERR_INVALID_ARGUMENT;
}

int
tok_check_mechanism(struct tok_ctx *ctx, CK_SLOT_ID slot_id, CK_MECHANISM_TYPE mechanism,
		    unsigned long bits, struct tok_error *err)
{
	CK_MECHANISM_INFO info;
	unsigned long min, max;
	CK_RV rv;

	rv = ctx->fn->C_GetMechanismInfo(slot_id, mechanism, &info);
	if (rv == CKR_MECHANISM_INVALID)
		return tok_error_ckr(err, TOK_ERR_UNSUPPORTED, rv,
				     _("the token has no key-pair generation mechanism 0x%lx"),
				     (unsigned long)mechanism);
	if (rv != CKR_OK)
		return tok_error_ckr(err, TOK_ERR_INTERNAL, rv, _("C_GetMechanismInfo failed"));
	if (!(info.flags & CKF_GENERATE_KEY_PAIR))
		return tok_error_set(err, TOK_ERR_UNSUPPORTED,
				     _("mechanism 0x%lx cannot generate key pairs on this token"),
				     (unsigned long)mechanism);
	min = info.ulMinKeySize;
	max = info.ulMaxKeySize;
	/* Some EC tokens give sizes in bytes, as older versions of the standard said. */
	if (mechanism == CKM_EC_KEY_PAIR_GEN && max > 0 && max <= 66) {
		min *= 8;
		max *= 8;
	}
	if (bits < min || (max > 0 && bits > max))
		return tok_error_set(err, TOK_ERR_UNSUPPORTED,
				     _("the token generates keys of %lu to %lu bits, not %lu"), min,
				     max, bits);
	return TOK_OK;
}

unsigned int
tok_slot_key_types(struct tok_ctx *ctx, CK_SLOT_ID slot_id)
{
	unsigned int types = 0;

	for (size_t i = 0; i < TOK_KEY_TYPE_COUNT; i++)
		if (tok_check_mechanism(ctx, slot_id, key_specs[i].mechanism, key_specs[i].bits,
					NULL) == TOK_OK)
			types |= 1u << key_specs[i].type;
	return types;
}

int
tok_check_key_support(struct tok_token *token, enum tok_key_type type, struct tok_error *err)
{
	const struct tok_key_spec *spec = tok_key_spec(type);
	int r;

	if (token == NULL || spec == NULL)
		return tok_error_set(err, TOK_ERR_INVALID_ARGUMENT,
				     _("no token or unknown key type"));
	r = tok_check_mechanism(token->ctx, tok_token_slot_id(token), spec->mechanism, spec->bits,
				err);
	if (r == TOK_ERR_UNSUPPORTED && err != NULL) {
		size_t used = strlen(err->message);

		snprintf(err->message + used, sizeof(err->message) - used, " (%s requested)",
			 spec->name);
	}
	return r;
}

/*
 * Read one attribute into a malloc'd, NUL-terminated buffer. An attribute the object lacks
 * or keeps secret is TOK_ERR_NOT_FOUND; its length is checked before anything is allocated.
 */
int
tok_read_attribute(struct tok_token *token, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type,
		   unsigned char **value, size_t *length, struct tok_error *err)
{
	CK_ATTRIBUTE attribute = {type, NULL, 0};
	CK_RV rv;

	rv = token->ctx->fn->C_GetAttributeValue(token->session, object, &attribute, 1);
	if (rv == CKR_ATTRIBUTE_TYPE_INVALID || rv == CKR_ATTRIBUTE_SENSITIVE ||
	    (rv == CKR_OK && attribute.ulValueLen == CK_UNAVAILABLE_INFORMATION))
		return tok_error_ckr(err, TOK_ERR_NOT_FOUND, rv, _("attribute 0x%lx not available"),
				     (unsigned long)type);
	if (rv != CKR_OK)
		return tok_error_ckr(err, TOK_ERR_INTERNAL, rv, _("cannot read attribute 0x%lx"),
				     (unsigned long)type);
	if ((attribute.pValue = malloc(attribute.ulValueLen + 1)) == NULL)
		return tok_error_set(err, TOK_ERR_INTERNAL, _("out of memory"));
	rv = token->ctx->fn->C_GetAttributeValue(token->session, object, &attribute, 1);
	if (rv != CKR_OK) {
		free(attribute.pValue);
		return tok_error_ckr(err, TOK_ERR_INTERNAL, rv, _("cannot read attribute 0x%lx"),
				     (unsigned long)type);
	}
	((unsigned char *)attribute.pValue)[attribute.ulValueLen] = '\0';
	*value = attribute.pValue;
	*length = attribute.ulValueLen;
	return TOK_OK;
}

/*
 * The id: SHA-1 of the modulus (RSA) or of the EC point's raw octets (CKA_EC_POINT is a
 * DER OCTET STRING; a few tokens give the raw point, which we take as it is).
 */
static int
compute_id(struct tok_token *token, CK_KEY_TYPE key_type, CK_OBJECT_HANDLE public,
	   struct tok_key_id *id, struct tok_error *err)
{
	unsigned char *value = NULL;
	const unsigned char *p;
	ASN1_OCTET_STRING *point = NULL;
	size_t length;
	int r;

	r = tok_read_attribute(token, public, key_type == CKK_RSA ? CKA_MODULUS : CKA_EC_POINT,
			       &value, &length, err);
	if (r != TOK_OK)
		return r;
	p = value;
	if (key_type == CKK_EC && (point = d2i_ASN1_OCTET_STRING(NULL, &p, (long)length)) != NULL &&
	    p == value + length)
		SHA1(ASN1_STRING_get0_data(point), (size_t)ASN1_STRING_length(point), id->bytes);
	else
		SHA1(value, length, id->bytes);
	id->length = TOK_KEY_ID_LEN; /* set together with the bytes, never half */
	ASN1_OCTET_STRING_free(point);
	free(value);
	return TOK_OK;
}

static int
set_id(struct tok_token *token, CK_OBJECT_HANDLE object, const struct tok_key_id *id,
       struct tok_error *err)
{
	CK_ATTRIBUTE attribute = {CKA_ID, (void *)id->bytes, id->length};
	CK_RV rv = token->ctx->fn->C_SetAttributeValue(token->session, object, &attribute, 1);

	if (tok_login_again(token, rv))
		rv = token->ctx->fn->C_SetAttributeValue(token->session, object, &attribute, 1);
	if (rv != CKR_OK)
		return tok_error_ckr(err, TOK_ERR_INTERNAL, rv, _("cannot set the key's CKA_ID"));
	return TOK_OK;
}

static CK_BBOOL ck_true = CK_TRUE, ck_false = CK_FALSE;

#define ATTR(type, value)                                                                          \
	{                                                                                          \
		type, (void *)&(value), sizeof(value)                                              \
	}
#define ATTR_BYTES(type, pointer, length)                                                          \
	{                                                                                          \
		type, (void *)(pointer), length                                                    \
	}

static CK_RV
generate_pair(struct tok_token *token, const struct tok_key_spec *spec, const char *label,
	      const struct tok_key_id *marker, CK_OBJECT_HANDLE *public, CK_OBJECT_HANDLE *private)
{
	static const unsigned char exponent[] = {0x01, 0x00, 0x01}; /* 65537 */
	CK_OBJECT_CLASS public_class = CKO_PUBLIC_KEY, private_class = CKO_PRIVATE_KEY;
	CK_KEY_TYPE key_type = spec->key_type;
	CK_ULONG modulus_bits = spec->bits;
	CK_MECHANISM mechanism = {spec->mechanism, NULL, 0};
	CK_ATTRIBUTE public_template[] = {
	    ATTR(CKA_CLASS, public_class),
	    ATTR(CKA_KEY_TYPE, key_type),
	    ATTR(CKA_TOKEN, ck_true),
	    ATTR(CKA_PRIVATE, ck_false),
	    ATTR(CKA_VERIFY, ck_true),
	    ATTR(CKA_ENCRYPT, ck_false),
	    ATTR(CKA_WRAP, ck_false),
	    ATTR_BYTES(CKA_LABEL, label, strlen(label)),
	    ATTR_BYTES(CKA_ID, marker->bytes, marker->length),
	    /* last: the RSA or the EC parameters */
	    ATTR(CKA_MODULUS_BITS, modulus_bits),
	    ATTR_BYTES(CKA_PUBLIC_EXPONENT, exponent, sizeof(exponent)),
	};
	CK_ATTRIBUTE private_template[] = {
	    ATTR(CKA_CLASS, private_class),
	    ATTR(CKA_KEY_TYPE, key_type),
	    ATTR(CKA_TOKEN, ck_true),
	    ATTR(CKA_PRIVATE, ck_true),
	    ATTR(CKA_SENSITIVE, ck_true),
	    ATTR(CKA_EXTRACTABLE, ck_false),
	    ATTR(CKA_SIGN, ck_true),
	    ATTR(CKA_DECRYPT, ck_false),
	    ATTR(CKA_UNWRAP, ck_false),
	    ATTR(CKA_DERIVE, ck_false),
	    ATTR_BYTES(CKA_LABEL, label, strlen(label)),
	    ATTR_BYTES(CKA_ID, marker->bytes, marker->length),
	};
	CK_ULONG public_count = sizeof(public_template) / sizeof(public_template[0]);

	if (spec->key_type == CKK_EC) {
		public_template[public_count - 2] = (CK_ATTRIBUTE)ATTR_BYTES(
		    CKA_EC_PARAMS, spec->ec_params, spec->ec_params_length);
		public_count--;
	}
	return token->ctx->fn->C_GenerateKeyPair(
	    token->session, &mechanism, public_template, public_count, private_template,
	    sizeof(private_template) / sizeof(private_template[0]), public, private);
}

int
tok_key_id_random(struct tok_key_id *out)
{
	if (RAND_bytes(out->bytes, TOK_KEY_ID_LEN) != 1)
		return TOK_ERR_INTERNAL;
	out->length = TOK_KEY_ID_LEN;
	return TOK_OK;
}

/* Does any object carry this CKA_ID? (An unreadable token: yes, to be safe.) */
static bool
has_objects(struct tok_token *token, const struct tok_key_id *id)
{
	CK_ATTRIBUTE template[] = {ATTR_BYTES(CKA_ID, id->bytes, id->length)};
	CK_OBJECT_HANDLE *handles = NULL;
	size_t found = 0;
	int r = tok_find_objects(token, template, 1, &handles, &found, NULL);

	free(handles);
	return r != TOK_OK || found > 0;
}

int
tok_generate_pending_key(struct tok_token *token, enum tok_key_type type, const char *label,
			 const struct tok_key_id *marker, struct tok_key_id *id,
			 struct tok_error *err)
{
	const struct tok_key_spec *spec = tok_key_spec(type);
	CK_OBJECT_HANDLE public = CK_INVALID_HANDLE, private = CK_INVALID_HANDLE;
	CK_RV rv;
	int r;

	if (token == NULL || spec == NULL || label == NULL || marker == NULL ||
	    marker->length == 0 || id == NULL)
		return tok_error_set(err, TOK_ERR_INVALID_ARGUMENT,
				     _("tok_generate_pending_key: bad argument"));
	if ((r = tok_check_key_support(token, type, err)) != TOK_OK)
		return r;
	tok_log(TOK_LOG_INFO, "generating a %s key pair on token '%s'", spec->name, token->label);
	rv = generate_pair(token, spec, label, marker, &public, &private);
	/* Again only if the refused attempt left nothing carrying the marker behind. */
	if (tok_login_again(token, rv) && !has_objects(token, marker))
		rv = generate_pair(token, spec, label, marker, &public, &private);
	if (rv != CKR_OK)
		return tok_removed_or(token,
				      tok_error_ckr(err, TOK_ERR_INTERNAL, rv,
						    _("C_GenerateKeyPair (%s) failed"), spec->name),
				      err);
	if ((r = compute_id(token, spec->key_type, public, id, err)) != TOK_OK) {
		/* Half a key pair is worse than none: roll back what was made. */
		token->ctx->fn->C_DestroyObject(token->session, private);
		token->ctx->fn->C_DestroyObject(token->session, public);
	}
	return r;
}

/* The one public key with this CKA_ID, and its key type. */
static int
public_key_by_id(struct tok_token *token, const struct tok_key_id *id, CK_OBJECT_HANDLE *public,
		 CK_KEY_TYPE *key_type, struct tok_error *err)
{
	CK_OBJECT_CLASS public_class = CKO_PUBLIC_KEY;
	CK_ATTRIBUTE template[] = {
	    ATTR(CKA_CLASS, public_class),
	    ATTR_BYTES(CKA_ID, id->bytes, id->length),
	};
	CK_OBJECT_HANDLE *handles = NULL;
	unsigned char *value = NULL;
	size_t found = 0, length = 0;
	int r;

	if ((r = tok_find_objects(token, template, 2, &handles, &found, err)) != TOK_OK)
		return r;
	if (found != 1)
		r = tok_error_set(err, TOK_ERR_NOT_FOUND, _("%zu public keys carry this id"),
				  found);
	else if ((r = tok_read_attribute(token, handles[0], CKA_KEY_TYPE, &value, &length, err)) ==
		     TOK_OK &&
		 length != sizeof(*key_type))
		r = tok_error_set(err, TOK_ERR_INTERNAL, _("unreadable key type"));
	if (r == TOK_OK) {
		memcpy(key_type, value, sizeof(*key_type));
		*public = handles[0];
	}
	free(value);
	free(handles);
	return r;
}

int
tok_pending_key_id(struct tok_token *token, const struct tok_key_id *marker, struct tok_key_id *id,
		   struct tok_error *err)
{
	CK_OBJECT_HANDLE public;
	CK_KEY_TYPE key_type;
	struct tok_key_id computed;
	int r;

	if (token == NULL || marker == NULL || id == NULL || marker->length == 0)
		return tok_error_set(err, TOK_ERR_INVALID_ARGUMENT,
				     _("tok_pending_key_id: bad argument"));
	if ((r = public_key_by_id(token, marker, &public, &key_type, err)) != TOK_OK ||
	    (r = compute_id(token, key_type, public, &computed, err)) != TOK_OK)
		return r;
	*id = computed;
	return TOK_OK;
}

/*
 * Idempotent: the pair's public key carries the marker, or already the id (a run that died
 * half-way through); either way its public key must give the id, and every object still
 * carrying the marker gets it.
 */
int
tok_finish_pending_key(struct tok_token *token, const struct tok_key_id *marker,
		       const struct tok_key_id *id, struct tok_error *err)
{
	CK_ATTRIBUTE template[] = {ATTR_BYTES(CKA_ID, marker->bytes, marker->length)};
	CK_OBJECT_HANDLE *handles = NULL, public;
	CK_KEY_TYPE key_type;
	struct tok_key_id computed;
	size_t found = 0;
	int r;

	if (token == NULL || marker == NULL || id == NULL || marker->length == 0)
		return tok_error_set(err, TOK_ERR_INVALID_ARGUMENT,
				     _("tok_finish_pending_key: bad argument"));
	r = public_key_by_id(token, marker, &public, &key_type, err);
	if (r == TOK_ERR_NOT_FOUND)
		r = public_key_by_id(token, id, &public, &key_type, err);
	if (r != TOK_OK || (r = compute_id(token, key_type, public, &computed, err)) != TOK_OK)
		return r;
	if (computed.length != id->length || memcmp(computed.bytes, id->bytes, id->length) != 0)
		return tok_error_set(err, TOK_ERR_INVALID_ARGUMENT,
				     _("the pending key's public key does not give this id"));
	if ((r = tok_find_objects(token, template, 1, &handles, &found, err)) != TOK_OK)
		return r;
	for (size_t i = 0; i < found && r == TOK_OK; i++)
		r = set_id(token, handles[i], id, err);
	free(handles);
	return r;
}

int
tok_generate_key(struct tok_token *token, enum tok_key_type type, const char *label,
		 struct tok_key **out, struct tok_error *err)
{
	struct tok_key_id marker, id;
	int r;

	if (out == NULL)
		return tok_error_set(err, TOK_ERR_INVALID_ARGUMENT,
				     _("tok_generate_key: bad argument"));
	if (tok_key_id_random(&marker) != TOK_OK)
		return tok_error_set(err, TOK_ERR_INTERNAL, _("no random bytes for the marker"));
	if ((r = tok_generate_pending_key(token, type, label, &marker, &id, err)) != TOK_OK)
		return r;
	if ((r = tok_finish_pending_key(token, &marker, &id, err)) != TOK_OK ||
	    (r = tok_find_key(token, &id, out, err)) != TOK_OK) {
		tok_delete_key(token, &marker, NULL);
		tok_delete_key(token, &id, NULL);
	}
	return r;
}
