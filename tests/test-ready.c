/*
 * test-ready.c: the readiness check before handover. The token is ready only when its
 * key signs and the certificate stored under the key's id verifies that signature.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "cert-fixture.h"
#include "fixture.h"
#include "tap.h"

static void
import_for(struct cert_bench *b, EVP_PKEY *public_key)
{
	const struct cert_ca *ca = cert_fixture_ca();
	struct tok_cert_info info = {0};
	X509 *cert = cert_fixture_issue(ca, public_key, 0, 730, CERT_SIGNING);
	char *pem = cert_fixture_pem(cert, ca->issuing, NULL);

	check_int(cert_bench_import(b, pem, strlen(pem), ca->anchors, &info), 0);
	free(pem);
	X509_free(cert);
}

static void
check_ready(enum tok_key_type type)
{
	struct tok_error err = {0};
	struct cert_bench b;

	cert_bench_open(&b, type);
	import_for(&b, b.public_key);
	if (!check(tok_check_ready(b.token, tok_key_get_id(b.key), &err) == 0))
		tap_diag("    %s", err.message);
	cert_bench_close(&b);
}

static void
token_is_ready_when_ec_key_and_certificate_agree(void)
{
	check_ready(TOK_KEY_EC_P256);
}

static void
token_is_ready_when_rsa_key_and_certificate_agree(void)
{
	check_ready(TOK_KEY_RSA2048);
}

static void
token_is_not_ready_without_a_certificate(void)
{
	struct tok_error err = {0};
	struct cert_bench b;

	cert_bench_open(&b, TOK_KEY_EC_P256);
	check_int(tok_check_ready(b.token, tok_key_get_id(b.key), &err), TOK_ERR_NOT_READY);
	cert_bench_close(&b);
}

/* Another tool wrote key B's certificate under key A's id: A cannot sign for it. */
static void
token_is_not_ready_when_the_stored_certificate_belongs_to_another_key(void)
{
	const struct cert_ca *ca = cert_fixture_ca();
	struct tok_error err = {0};
	struct cert_bench b;
	struct tok_key *other;
	EVP_PKEY *other_public;
	X509 *cert;
	unsigned char *der;
	size_t length;
	char *path, command[8400], hex[41];

	cert_bench_open(&b, TOK_KEY_EC_P256);
	other = cert_bench_generate(&b, TOK_KEY_EC_P256, "Budi Santoso");
	other_public = cert_fixture_public_key(other);
	cert = cert_fixture_issue(ca, other_public, 0, 730, CERT_SIGNING);
	der = cert_fixture_der(cert, &length);
	path = cert_fixture_write("other.der", der, length);
	tok_key_id_hex(tok_key_get_id(b.key), hex);
	snprintf(command, sizeof(command),
		 "pkcs11-tool --module %s --login --pin %s --write-object '%s' --type cert "
		 "--id %s --label 'Siti Rahayu' >/dev/null 2>&1",
		 fixture_module(), FIXTURE_USER_PIN, path, hex);
	check_int(fixture_run(command), 0);
	check_int(tok_check_ready(b.token, tok_key_get_id(b.key), &err), TOK_ERR_NOT_READY);
	check(strstr(err.message, "does not verify") != NULL);
	free(path);
	free(der);
	X509_free(cert);
	EVP_PKEY_free(other_public);
	tok_key_free(other);
	cert_bench_close(&b);
}

/* A key pkcs11-tool made, with an id of its own choosing, is found by its public key. */
static void
key_made_by_another_tool_gets_its_certificate_under_its_own_id(void)
{
	const struct cert_ca *ca = cert_fixture_ca();
	struct tok_cert_info info = {0};
	struct tok_error err = {0};
	struct tok_key_id id = {{0x01, 0x02}, 2};
	struct cert_bench b;
	struct tok_key *key = NULL;
	EVP_PKEY *public_key;
	char command[8400], *pem;
	X509 *cert;

	cert_bench_open(&b, TOK_KEY_EC_P256);
	snprintf(command, sizeof(command),
		 "pkcs11-tool --module %s --login --pin %s --keypairgen --key-type EC:prime256v1 "
		 "--id 0102 --label 'Agus Salim' >/dev/null 2>&1",
		 fixture_module(), FIXTURE_USER_PIN);
	check_int(fixture_run(command), 0);
	check_int(tok_find_key(b.token, &id, &key, &err), 0);
	if (key == NULL)
		goto out;
	public_key = cert_fixture_public_key(key);
	cert = cert_fixture_issue(ca, public_key, 0, 730, CERT_SIGNING);
	pem = cert_fixture_pem(cert, ca->issuing, NULL);
	check_int(cert_bench_import(&b, pem, strlen(pem), ca->anchors, &info), 0);
	check_int(info.key_id.length, 2);
	check(memcmp(info.key_id.bytes, id.bytes, 2) == 0);
	check_int(tok_check_ready(b.token, &id, &err), 0);
	free(pem);
	X509_free(cert);
	EVP_PKEY_free(public_key);
out:
	tok_key_free(key);
	cert_bench_close(&b);
}

int
main(void)
{
	TAP_TEST(token_is_ready_when_ec_key_and_certificate_agree);
	TAP_TEST(token_is_ready_when_rsa_key_and_certificate_agree);
	TAP_TEST(token_is_not_ready_without_a_certificate);
	TAP_TEST(token_is_not_ready_when_the_stored_certificate_belongs_to_another_key);
	TAP_TEST(key_made_by_another_tool_gets_its_certificate_under_its_own_id);
	return tap_done();
}
