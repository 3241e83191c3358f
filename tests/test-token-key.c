/*
 * test-token-key.c: key pairs generated on fresh SoftHSM2 tokens: the template read back
 * from the token, the id, finding and deleting, the pre-flight, the CSR; and what
 * pkcs11-tool and openssl, independently, say of the result.
 * ENROLL_TEST_KEY_TYPE (default rsa2048) is the type the generic tests use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "fixture.h"
#include "tap.h"
#include "token-int.h"

static struct tok_ctx *ctx;

static enum tok_key_type
test_key_type(void)
{
	const char *name = getenv("ENROLL_TEST_KEY_TYPE");
	enum tok_key_type type = TOK_KEY_RSA2048;

	if (name != NULL && tok_key_type_parse(name, &type) != TOK_OK)
		tap_diag("unknown ENROLL_TEST_KEY_TYPE %s, using rsa2048", name);
	return type;
}

/* A fresh store with token "Alpha", opened and logged in as user. */
static struct tok_token *
logged_in_token(void)
{
	return fixture_open_token("Alpha", true, &ctx);
}

static void
finish(struct tok_token *token, struct tok_key *key)
{
	tok_key_free(key);
	tok_close(token);
	tok_ctx_free(ctx);
	ctx = NULL;
}

static CK_OBJECT_HANDLE
object_of(struct tok_token *token, CK_OBJECT_CLASS class, const struct tok_key_id *id)
{
	CK_ATTRIBUTE template[] = {
	    {CKA_CLASS, &class, sizeof(class)},
	    {CKA_ID, (void *)id->bytes, id->length},
	};
	CK_OBJECT_HANDLE *handles = NULL, handle = CK_INVALID_HANDLE;
	size_t found = 0;

	if (tok_find_objects(token, template, 2, &handles, &found, NULL) == TOK_OK && found == 1)
		handle = handles[0];
	free(handles);
	return handle;
}

static int
bool_attribute(struct tok_token *token, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type)
{
	CK_BBOOL value = CK_FALSE;
	CK_ATTRIBUTE attribute = {type, &value, sizeof(value)};

	if (token->ctx->fn->C_GetAttributeValue(token->session, object, &attribute, 1) != CKR_OK)
		return -1;
	return value == CK_TRUE;
}

static size_t
object_count(struct tok_token *token)
{
	CK_OBJECT_HANDLE *handles = NULL;
	size_t found = 0;

	tok_find_objects(token, NULL, 0, &handles, &found, NULL);
	free(handles);
	return found;
}

/* SHA-1 of the public key computed by OpenSSL alone, from the PEM the library gives. */
static bool
id_is_sha1_of_public_key(const struct tok_key *key)
{
	unsigned char raw[1024], digest[SHA_DIGEST_LENGTH];
	char *pem = NULL;
	EVP_PKEY *public_key = NULL;
	BIGNUM *n = NULL;
	BIO *bio;
	size_t length = 0;
	bool same = false;

	if (tok_key_public_pem(key, &pem, NULL) != TOK_OK)
		return false;
	bio = BIO_new_mem_buf(pem, -1);
	public_key = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	if (public_key != NULL && EVP_PKEY_get_base_id(public_key) == EVP_PKEY_RSA &&
	    EVP_PKEY_get_bn_param(public_key, OSSL_PKEY_PARAM_RSA_N, &n) == 1)
		length = (size_t)BN_bn2bin(n, raw);
	else if (public_key != NULL)
		EVP_PKEY_get_octet_string_param(public_key, OSSL_PKEY_PARAM_PUB_KEY, raw,
						sizeof(raw), &length);
	if (length > 0) {
		SHA1(raw, length, digest);
		same = tok_key_get_id(key)->length == SHA_DIGEST_LENGTH &&
		       memcmp(tok_key_get_id(key)->bytes, digest, SHA_DIGEST_LENGTH) == 0;
	}
	BN_free(n);
	EVP_PKEY_free(public_key);
	BIO_free(bio);
	free(pem);
	return same;
}

/* Generate type on a fresh token and check everything the template promises. */
static void
check_generated(enum tok_key_type type)
{
	struct tok_token *token = logged_in_token();
	struct tok_key *key = NULL;
	struct tok_error err = {0};
	CK_OBJECT_HANDLE private, public;

	if (token == NULL || tok_generate_key(token, type, "Budi Santoso", &key, &err) != TOK_OK) {
		check(!"generated");
		tap_diag("%s: %s", tok_key_type_name(type), err.message);
		goto out;
	}
	check_int(tok_key_get_type(key), type);
	check(id_is_sha1_of_public_key(key));
	private = object_of(token, CKO_PRIVATE_KEY, tok_key_get_id(key));
	public = object_of(token, CKO_PUBLIC_KEY, tok_key_get_id(key));
	check(private != CK_INVALID_HANDLE && public != CK_INVALID_HANDLE);
	check_int(bool_attribute(token, private, CKA_TOKEN), 1);
	check_int(bool_attribute(token, private, CKA_PRIVATE), 1);
	check_int(bool_attribute(token, private, CKA_SENSITIVE), 1);
	check_int(bool_attribute(token, private, CKA_ALWAYS_SENSITIVE), 1);
	check_int(bool_attribute(token, private, CKA_EXTRACTABLE), 0);
	check_int(bool_attribute(token, private, CKA_NEVER_EXTRACTABLE), 1);
	check_int(bool_attribute(token, private, CKA_LOCAL), 1);
	check_int(bool_attribute(token, private, CKA_SIGN), 1);
	check_int(bool_attribute(token, private, CKA_DECRYPT), 0);
	check_int(bool_attribute(token, public, CKA_TOKEN), 1);
	check_int(bool_attribute(token, public, CKA_VERIFY), 1);
	check_int(bool_attribute(token, public, CKA_ENCRYPT), 0);
	check_int(object_count(token), 2);
out:
	finish(token, key);
}

static void
rsa2048_is_generated_private_sensitive_never_extractable(void)
{
	check_generated(TOK_KEY_RSA2048);
}

static void
rsa3072_is_generated_private_sensitive_never_extractable(void)
{
	check_generated(TOK_KEY_RSA3072);
}

static void
rsa4096_is_generated_private_sensitive_never_extractable(void)
{
	check_generated(TOK_KEY_RSA4096);
}

static void
ec_p256_is_generated_private_sensitive_never_extractable(void)
{
	check_generated(TOK_KEY_EC_P256);
}

static void
ec_p384_is_generated_private_sensitive_never_extractable(void)
{
	check_generated(TOK_KEY_EC_P384);
}

static void
key_type_names_round_trip_and_unknown_is_refused(void)
{
	enum tok_key_type type;

	for (int t = 0; t < TOK_KEY_TYPE_COUNT; t++) {
		check_int(tok_key_type_parse(tok_key_type_name(t), &type), TOK_OK);
		check_int(type, t);
	}
	check_str(tok_key_type_name(TOK_KEY_EC_P256), "ec-p256");
	check_int(tok_key_type_parse("rsa1024", &type), TOK_ERR_INVALID_ARGUMENT);
	check_int(tok_key_type_parse(NULL, &type), TOK_ERR_INVALID_ARGUMENT);
}

static void
key_id_hex_round_trips_and_bad_hex_is_refused(void)
{
	struct tok_key_id id, back;
	char hex[2 * TOK_KEY_ID_LEN + 1];

	check_int(tok_key_id_parse("00A1ff7e", &id), TOK_OK);
	check_int(id.length, 4);
	tok_key_id_hex(&id, hex);
	check_str(hex, "00a1ff7e");
	check_int(tok_key_id_parse(hex, &back), TOK_OK);
	check(back.length == 4 && memcmp(back.bytes, id.bytes, 4) == 0);
	check_int(tok_key_id_parse("abc", &id), TOK_ERR_INVALID_ARGUMENT);
	check_int(tok_key_id_parse("zz", &id), TOK_ERR_INVALID_ARGUMENT);
	check_int(tok_key_id_parse("", &id), TOK_ERR_INVALID_ARGUMENT);
	check_int(tok_key_id_parse("00112233445566778899aabbccddeeff0011223344", &id),
		  TOK_ERR_INVALID_ARGUMENT);
}

/*
 * SoftHSM generates every station type, so the refusal is shown on the pre-flight's own
 * path: a size above the token's stated maximum, and a mechanism it does not have.
 */
static void
unsupported_size_or_mechanism_is_refused_before_generating(void)
{
	struct tok_token *token = logged_in_token();
	struct tok_error err = {0};

	check_int(tok_check_mechanism(ctx, tok_token_slot_id(token), CKM_RSA_PKCS_KEY_PAIR_GEN,
				      65536, &err),
		  TOK_ERR_UNSUPPORTED);
	check(strstr(err.message, "65536") != NULL);
	check_int(tok_check_mechanism(ctx, tok_token_slot_id(token), CKM_RSA_PKCS_KEY_PAIR_GEN, 256,
				      &err),
		  TOK_ERR_UNSUPPORTED);
	check_int(tok_check_mechanism(ctx, tok_token_slot_id(token), CKM_VENDOR_DEFINED | 0x4242,
				      2048, &err),
		  TOK_ERR_UNSUPPORTED);
	check_str(err.ckr_name, "CKR_MECHANISM_INVALID");
	check_int(tok_check_key_support(token, test_key_type(), &err), TOK_OK);
	check_int(tok_check_key_support(token, TOK_KEY_TYPE_COUNT, &err), TOK_ERR_INVALID_ARGUMENT);
	check_int(object_count(token), 0);
	finish(token, NULL);
}

static void
generation_without_login_is_refused_and_leaves_nothing(void)
{
	struct tok_token *token = logged_in_token();
	struct tok_key *key = NULL;
	struct tok_error err = {0};

	token->ctx->fn->C_Logout(token->session);
	token->logged_in = false;
	check_int(tok_generate_key(token, test_key_type(), "Budi", &key, &err),
		  TOK_ERR_NOT_LOGGED_IN);
	check(key == NULL);
	check_int(object_count(token), 0);
	finish(token, key);
}

static void
a_key_is_found_again_by_id_after_reopening(void)
{
	struct tok_token *token = logged_in_token();
	struct tok_key *key = NULL, *again = NULL;
	struct tok_key_id id = {{0}, 0};
	struct tok_pin *pin = fixture_pin(FIXTURE_USER_PIN);
	struct tok_error err = {0};
	char *pem = NULL, *pem_again = NULL;

	check_int(tok_generate_key(token, test_key_type(), "Budi", &key, &err), TOK_OK);
	if (key != NULL)
		id = *tok_key_get_id(key);
	check_int(tok_key_public_pem(key, &pem, &err), TOK_OK);
	tok_key_free(key);
	key = NULL;
	tok_close(token);
	token = tok_open(ctx, "Alpha", &err);
	check_int(tok_find_key(token, &id, &again, &err), TOK_ERR_NOT_FOUND); /* not logged in */
	check_int(tok_login(token, TOK_USER, pin, &err), TOK_OK);
	check_int(tok_find_key(token, &id, &again, &err), TOK_OK);
	check_int(tok_key_public_pem(again, &pem_again, &err), TOK_OK);
	check(pem != NULL && pem_again != NULL && strcmp(pem, pem_again) == 0);
	check(strncmp(pem_again ? pem_again : "", "-----BEGIN PUBLIC KEY-----", 26) == 0);
	check_int(tok_key_get_type(again), test_key_type());
	free(pem);
	free(pem_again);
	tok_pin_free(pin);
	finish(token, again);
}

/* How many listed objects are of this kind and carry this id. */
static size_t
listed(const struct tok_object *objects, size_t count, enum tok_object_kind kind,
       const struct tok_key_id *id)
{
	char hex[2 * TOK_KEY_ID_LEN + 1];
	size_t n = 0;

	tok_key_id_hex(id, hex);
	for (size_t i = 0; i < count; i++)
		n += objects[i].kind == kind && strcmp(objects[i].id_hex, hex) == 0;
	return n;
}

static void
keys_are_listed_as_objects_and_deleted_with_every_object(void)
{
	struct tok_token *token = logged_in_token();
	struct tok_key *first = NULL, *second = NULL, *gone = NULL;
	struct tok_object *objects = NULL;
	struct tok_key_id id;
	struct tok_error err = {0};
	size_t count = 0;

	check_int(tok_generate_key(token, test_key_type(), "Budi", &first, &err), TOK_OK);
	check_int(tok_generate_key(token, test_key_type(), "Sari", &second, &err), TOK_OK);
	if (first == NULL || second == NULL)
		goto out;
	check_int(tok_list_objects(token, &objects, &count, &err), TOK_OK);
	check_int(count, 4);
	check_int(listed(objects, count, TOK_OBJECT_PRIVATE_KEY, tok_key_get_id(second)), 1);
	check_int(listed(objects, count, TOK_OBJECT_PUBLIC_KEY, tok_key_get_id(second)), 1);
	for (size_t i = 0; i < count; i++)
		check(strcmp(objects[i].label, "Budi") == 0 ||
		      strcmp(objects[i].label, "Sari") == 0);
	free(objects);
	id = *tok_key_get_id(first);
	tok_key_free(first);
	first = NULL;
	check_int(object_count(token), 4);
	check_int(tok_delete_key(token, &id, &err), TOK_OK);
	check_int(object_count(token), 2);
	check_int(tok_find_key(token, &id, &gone, &err), TOK_ERR_NOT_FOUND);
	check_int(tok_delete_key(token, &id, &err), TOK_ERR_NOT_FOUND);
	check(object_of(token, CKO_PRIVATE_KEY, tok_key_get_id(second)) != CK_INVALID_HANDLE);
out:
	tok_key_free(first);
	finish(token, second);
}

static void
a_pending_key_carries_its_marker_until_finished_with_its_own_id(void)
{
	struct tok_token *token = logged_in_token();
	struct tok_key *key = NULL;
	struct tok_key_id marker, id, other;
	struct tok_error err = {0};

	check_int(tok_key_id_random(&marker), TOK_OK);
	check_int(tok_generate_pending_key(token, test_key_type(), "Budi", &marker, &id, &err),
		  TOK_OK);
	check(object_of(token, CKO_PRIVATE_KEY, &marker) != CK_INVALID_HANDLE);
	check(object_of(token, CKO_PUBLIC_KEY, &marker) != CK_INVALID_HANDLE);
	check_int(tok_find_key(token, &id, &key, &err), TOK_ERR_NOT_FOUND);
	/* another id than its public key gives is refused, and nothing changes */
	other = id;
	other.bytes[0] ^= 1;
	check_int(tok_finish_pending_key(token, &marker, &other, &err), TOK_ERR_INVALID_ARGUMENT);
	check(object_of(token, CKO_PRIVATE_KEY, &marker) != CK_INVALID_HANDLE);
	check_int(tok_finish_pending_key(token, &marker, &id, &err), TOK_OK);
	check(object_of(token, CKO_PRIVATE_KEY, &marker) == CK_INVALID_HANDLE);
	check(object_of(token, CKO_PUBLIC_KEY, &id) != CK_INVALID_HANDLE);
	check_int(tok_find_key(token, &id, &key, &err), TOK_OK);
	check(key != NULL && id_is_sha1_of_public_key(key));
	/* finishing again changes nothing; a pair nobody made is not found */
	check_int(tok_finish_pending_key(token, &marker, &id, &err), TOK_OK);
	check(object_of(token, CKO_PRIVATE_KEY, &id) != CK_INVALID_HANDLE);
	check_int(tok_finish_pending_key(token, &other, &other, &err), TOK_ERR_NOT_FOUND);
	finish(token, key);
}

/* A run that died between giving the public key its id and the private key: finished again. */
static void
a_half_finished_pending_key_is_finished_by_a_rerun(void)
{
	struct tok_token *token = logged_in_token();
	struct tok_key *key = NULL;
	struct tok_key_id marker, id;
	struct tok_error err = {0};
	CK_OBJECT_HANDLE public;

	check_int(tok_key_id_random(&marker), TOK_OK);
	check_int(tok_generate_pending_key(token, test_key_type(), "Budi", &marker, &id, &err),
		  TOK_OK);
	public = object_of(token, CKO_PUBLIC_KEY, &marker);
	CK_ATTRIBUTE attribute = {CKA_ID, id.bytes, id.length};
	check(token->ctx->fn->C_SetAttributeValue(token->session, public, &attribute, 1) == CKR_OK);
	check(object_of(token, CKO_PRIVATE_KEY, &marker) != CK_INVALID_HANDLE);
	check_int(tok_finish_pending_key(token, &marker, &id, &err), TOK_OK);
	check(object_of(token, CKO_PRIVATE_KEY, &marker) == CK_INVALID_HANDLE);
	check_int(tok_find_key(token, &id, &key, &err), TOK_OK);
	finish(token, key);
}

static void
without_login_only_the_public_objects_are_listed(void)
{
	struct tok_token *token = logged_in_token();
	struct tok_key *key = NULL;
	struct tok_object *objects = NULL;
	struct tok_key_id id;
	struct tok_error err = {0};
	size_t count = 0;

	check_int(tok_generate_key(token, test_key_type(), "Budi", &key, &err), TOK_OK);
	if (key == NULL)
		goto out;
	id = *tok_key_get_id(key);
	tok_key_free(key);
	key = NULL;
	tok_close(token);
	token = tok_open(ctx, "Alpha", &err);
	check_int(tok_list_objects(token, &objects, &count, &err), TOK_OK);
	check_int(count, 1);
	check_int(listed(objects, count, TOK_OBJECT_PUBLIC_KEY, &id), 1);
	check(count == 1 && strcmp(objects[0].label, "Budi") == 0 && !objects[0].authority);
	free(objects);
out:
	finish(token, key);
}

/* Run a command, return the first line of its output that contains needle ("" if none). */
static bool
output_contains(const char *command, const char *needle)
{
	char line[512];
	bool found = false;
	FILE *p = popen(command, "r");

	if (p == NULL)
		return false;
	while (fgets(line, sizeof(line), p) != NULL)
		if (strstr(line, needle) != NULL)
			found = true;
	return pclose(p) == 0 && found;
}

static void
pkcs11_tool_sees_the_key_private_sensitive_never_extractable_local(void)
{
	struct tok_token *token = logged_in_token();
	struct tok_key *key = NULL;
	struct tok_error err = {0};
	char command[1024], hex[2 * TOK_KEY_ID_LEN + 1] = "";

	check_int(tok_generate_key(token, test_key_type(), "Budi Santoso", &key, &err), TOK_OK);
	if (key != NULL)
		tok_key_id_hex(tok_key_get_id(key), hex);
	snprintf(command, sizeof(command),
		 "pkcs11-tool --module %s --token-label Alpha --login --pin %s --list-objects "
		 "--type privkey 2>&1",
		 fixture_module(), FIXTURE_USER_PIN);
	check(output_contains(command,
			      "Access:     sensitive, always sensitive, never extractable, local"));
	check(output_contains(command, "label:      Budi Santoso"));
	check(output_contains(command, hex));
	check(output_contains(command, "Usage:      sign"));
	snprintf(command, sizeof(command),
		 "pkcs11-tool --module %s --token-label Alpha --list-objects --type pubkey 2>&1",
		 fixture_module());
	check(output_contains(command, hex));
	finish(token, key);
}

static void
csr_is_signed_on_the_token_with_subject_and_email_san(void)
{
	struct tok_token *token = logged_in_token();
	struct tok_key *key = NULL;
	struct tok_error err = {0};
	struct tok_subject subject = {
	    .common_name = "Budi Santoso",
	    .organizational_unit = "Dinas Kominfo",
	    .organization = "Pemerintah Kota Singkawang",
	    .locality = "Singkawang",
	    .state = "Kalimantan Barat",
	    .email = "budi@singkawangkota.go.id",
	};
	char *pem = NULL, *path = fixture_path("request.pem"), command[1024], dn[512] = "";
	X509_REQ *req = NULL;
	STACK_OF(X509_EXTENSION) *extensions = NULL;
	GENERAL_NAMES *names = NULL;
	BIO *bio = NULL;
	FILE *f;
	int nid;

	check_int(tok_generate_key(token, test_key_type(), "Budi Santoso", &key, &err), TOK_OK);
	check_int(tok_make_csr(key, &subject, &pem, &err), TOK_OK);
	if (pem == NULL)
		goto out;
	if ((f = fopen(path, "w")) != NULL) {
		fputs(pem, f);
		fclose(f);
	}
	snprintf(command, sizeof(command), "openssl req -verify -in %s -noout 2>/dev/null", path);
	check_int(fixture_run(command), 0);
	bio = BIO_new_mem_buf(pem, -1);
	req = PEM_read_bio_X509_REQ(bio, NULL, NULL, NULL);
	check(req != NULL);
	if (req == NULL)
		goto out;
	check_int(X509_REQ_verify(req, key->public_key), 1);
	nid = X509_REQ_get_signature_nid(req);
	check(nid == NID_sha256WithRSAEncryption || nid == NID_ecdsa_with_SHA256);
	check_int(nid == NID_ecdsa_with_SHA256, tok_key_get_type(key) >= TOK_KEY_EC_P256);
	BIO_free(bio);
	bio = BIO_new(BIO_s_mem());
	X509_NAME_print_ex(bio, X509_REQ_get_subject_name(req), 0, XN_FLAG_RFC2253);
	BIO_read(bio, dn, sizeof(dn) - 1);
	check_str(dn, "emailAddress=budi@singkawangkota.go.id,CN=Budi Santoso,OU=Dinas Kominfo,"
		      "O=Pemerintah Kota Singkawang,L=Singkawang,ST=Kalimantan Barat,C=ID");
	extensions = X509_REQ_get_extensions(req);
	names = X509V3_get_d2i(extensions, NID_subject_alt_name, NULL, NULL);
	check(names != NULL && sk_GENERAL_NAME_num(names) == 1);
	if (names != NULL && sk_GENERAL_NAME_num(names) == 1) {
		GENERAL_NAME *name = sk_GENERAL_NAME_value(names, 0);

		check_int(name->type, GEN_EMAIL);
		check_str((const char *)ASN1_STRING_get0_data(name->d.rfc822Name),
			  "budi@singkawangkota.go.id");
	}
out:
	GENERAL_NAMES_free(names);
	sk_X509_EXTENSION_pop_free(extensions, X509_EXTENSION_free);
	X509_REQ_free(req);
	BIO_free(bio);
	free(pem);
	free(path);
	finish(token, key);
}

static void
csr_without_a_common_name_is_refused(void)
{
	struct tok_token *token = logged_in_token();
	struct tok_key *key = NULL;
	struct tok_error err = {0};
	struct tok_subject subject = {.organization = "Pemerintah Kota Singkawang"};
	char *pem = NULL;

	check_int(tok_generate_key(token, test_key_type(), "Budi", &key, &err), TOK_OK);
	check_int(tok_make_csr(key, &subject, &pem, &err), TOK_ERR_INVALID_ARGUMENT);
	check(pem == NULL);
	finish(token, key);
}

int
main(void)
{
	TAP_TEST(key_type_names_round_trip_and_unknown_is_refused);
	TAP_TEST(key_id_hex_round_trips_and_bad_hex_is_refused);
	TAP_TEST(rsa2048_is_generated_private_sensitive_never_extractable);
	TAP_TEST(rsa3072_is_generated_private_sensitive_never_extractable);
	TAP_TEST(rsa4096_is_generated_private_sensitive_never_extractable);
	TAP_TEST(ec_p256_is_generated_private_sensitive_never_extractable);
	TAP_TEST(ec_p384_is_generated_private_sensitive_never_extractable);
	TAP_TEST(unsupported_size_or_mechanism_is_refused_before_generating);
	TAP_TEST(generation_without_login_is_refused_and_leaves_nothing);
	TAP_TEST(a_key_is_found_again_by_id_after_reopening);
	TAP_TEST(keys_are_listed_as_objects_and_deleted_with_every_object);
	TAP_TEST(a_pending_key_carries_its_marker_until_finished_with_its_own_id);
	TAP_TEST(a_half_finished_pending_key_is_finished_by_a_rerun);
	TAP_TEST(without_login_only_the_public_objects_are_listed);
	TAP_TEST(pkcs11_tool_sees_the_key_private_sensitive_never_extractable_local);
	TAP_TEST(csr_is_signed_on_the_token_with_subject_and_email_san);
	TAP_TEST(csr_without_a_common_name_is_refused);
	return tap_done();
}
