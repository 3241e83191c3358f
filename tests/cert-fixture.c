/*
 * cert-fixture.c: CAs and certificates for the import tests (see cert-fixture.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "cert-fixture.h"
#include "fixture.h"
#include "issuer.h"
#include "tap.h"

#define OFFICE "Pemerintah Kota Contoh"

static struct cert_ca cas[2];

static void
free_cas(void)
{
	for (size_t i = 0; i < 2; i++) {
		free(cas[i].dir);
		free(cas[i].anchors);
		X509_free(cas[i].root);
		X509_free(cas[i].issuing);
		EVP_PKEY_free(cas[i].issuing_key);
	}
}

static void *
read_pem(const char *dir, const char *name, bool key)
{
	char path[4096];
	void *object;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "r")) == NULL)
		abort();
	object = key ? (void *)PEM_read_PrivateKey(f, NULL, NULL, NULL)
		     : (void *)PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (object == NULL)
		abort();
	return object;
}

static const char *
settings_lookup(void *arg, const char *option)
{
	const char *const *pairs = arg;

	return strcmp(pairs[0], option) == 0 ? pairs[1] : NULL;
}

static const struct cert_ca *
make_ca(size_t which, const char *name)
{
	struct cert_ca *ca = &cas[which];
	struct iss_error err = {0};

	if (ca->dir != NULL)
		return ca;
	if (cas[0].dir == NULL && cas[1].dir == NULL)
		atexit(free_cas);
	ca->dir = fixture_path(name);
	const char *settings[] = {"ca-dir", ca->dir, NULL};
	if (iss_prepare("local", settings_lookup, settings, OFFICE, &err) != ISS_OK) {
		fprintf(stderr, "iss_prepare local: %s\n", err.message);
		abort();
	}
	if (asprintf(&ca->anchors, "%s/trust-anchors.pem", ca->dir) < 0)
		abort();
	ca->root = read_pem(ca->dir, "root.pem", false);
	ca->issuing = read_pem(ca->dir, "ca.pem", false);
	ca->issuing_key = read_pem(ca->dir, "ca.key", true);
	return ca;
}

const struct cert_ca *
cert_fixture_ca(void)
{
	return make_ca(0, "ca-trusted");
}

const struct cert_ca *
cert_fixture_other_ca(void)
{
	return make_ca(1, "ca-unknown");
}

static void
add_extension(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;

	X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL ||
	    !X509_add_ext(cert, ext, -1))
		abort();
	X509_EXTENSION_free(ext);
}

X509 *
cert_fixture_issue(const struct cert_ca *ca, EVP_PKEY *key, long start_days, long end_days,
		   const char *key_usage)
{
	X509 *cert = X509_new();
	X509_NAME *name = X509_NAME_new();
	unsigned char serial[16];
	BIGNUM *bn;
	time_t now = time(NULL);

	if (RAND_bytes(serial, sizeof(serial)) != 1)
		abort();
	serial[0] &= 0x7f;
	bn = BN_bin2bn(serial, sizeof(serial), NULL);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)"Siti Rahayu",
				   -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, (const unsigned char *)OFFICE, -1, -1,
				   0);
	X509_NAME_add_entry_by_txt(name, "C", MBSTRING_UTF8, (const unsigned char *)"ID", -1, -1,
				   0);
	if (!X509_set_version(cert, X509_VERSION_3) ||
	    !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) ||
	    !X509_set_subject_name(cert, name) ||
	    !X509_set_issuer_name(cert, X509_get_subject_name(ca->issuing)) ||
	    !X509_time_adj_ex(X509_getm_notBefore(cert), (int)start_days, 0, &now) ||
	    !X509_time_adj_ex(X509_getm_notAfter(cert), (int)end_days, 0, &now) ||
	    !X509_set_pubkey(cert, key))
		abort();
	add_extension(cert, ca->issuing, NID_basic_constraints, "critical,CA:FALSE");
	add_extension(cert, ca->issuing, NID_key_usage, key_usage);
	add_extension(cert, ca->issuing, NID_authority_key_identifier, "keyid:always");
	if (X509_sign(cert, ca->issuing_key, EVP_sha256()) <= 0)
		abort();
	BN_free(bn);
	X509_NAME_free(name);
	return cert;
}

char *
cert_fixture_pem(X509 *first, ...)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data, *text;
	long length;
	va_list ap;

	va_start(ap, first);
	for (X509 *cert = first; cert != NULL; cert = va_arg(ap, X509 *))
		if (!PEM_write_bio_X509(bio, cert))
			abort();
	va_end(ap);
	length = BIO_get_mem_data(bio, &data);
	text = strndup(data, (size_t)length);
	BIO_free(bio);
	return text;
}

unsigned char *
cert_fixture_der(X509 *cert, size_t *length)
{
	unsigned char *der = NULL, *copy;
	int n = i2d_X509(cert, &der);

	if (n <= 0 || (copy = malloc((size_t)n)) == NULL)
		abort();
	memcpy(copy, der, (size_t)n);
	OPENSSL_free(der);
	*length = (size_t)n;
	return copy;
}

char *
cert_fixture_write(const char *name, const void *data, size_t length)
{
	char *path = fixture_path(name);
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(data, 1, length, f) != length || fclose(f) != 0)
		abort();
	return path;
}

unsigned char *
cert_fixture_read(const char *path, size_t *length)
{
	unsigned char *data = NULL;
	FILE *f = fopen(path, "rb");
	long size;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (data = malloc((size_t)size + 1)) != NULL) {
		*length = fread(data, 1, (size_t)size, f);
		data[*length] = '\0';
	}
	fclose(f);
	return data;
}

char *
cert_fixture_object_list(void)
{
	char *path = fixture_path("objects.txt"), command[8400];
	unsigned char *text;
	size_t length;

	snprintf(command, sizeof(command),
		 "pkcs11-tool --module %s --login --pin %s --list-objects >'%s' 2>/dev/null",
		 fixture_module(), FIXTURE_USER_PIN, path);
	if (fixture_run(command) != 0)
		abort();
	text = cert_fixture_read(path, &length);
	free(path);
	return (char *)text;
}

EVP_PKEY *
cert_fixture_public_key(const struct tok_key *key)
{
	struct tok_error err = {0};
	EVP_PKEY *pkey;
	char *pem = NULL;
	BIO *bio;

	if (tok_key_public_pem(key, &pem, &err) != 0)
		abort();
	bio = BIO_new_mem_buf(pem, -1);
	pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	BIO_free(bio);
	free(pem);
	if (pkey == NULL)
		abort();
	return pkey;
}

struct tok_key *
cert_bench_generate(struct cert_bench *b, enum tok_key_type type, const char *label)
{
	struct tok_error err = {0};
	struct tok_key *key = NULL;

	if (tok_generate_key(b->token, type, label, &key, &err) != 0) {
		fprintf(stderr, "tok_generate_key: %s\n", err.message);
		abort();
	}
	return key;
}

void
cert_bench_open(struct cert_bench *b, enum tok_key_type type)
{
	b->cert = NULL;
	b->pem = NULL;
	if ((b->token = fixture_open_token("cert-test", true, &b->ctx)) == NULL)
		abort();
	b->key = cert_bench_generate(b, type, "Siti Rahayu");
	b->public_key = cert_fixture_public_key(b->key);
}

X509 *
cert_bench_issue(struct cert_bench *b, const struct cert_ca *ca, char **pem)
{
	if (b->cert != NULL)
		abort();
	b->cert = cert_fixture_issue(ca, b->public_key, 0, 730, CERT_SIGNING);
	b->pem = cert_fixture_pem(b->cert, ca->issuing, NULL);
	if (pem != NULL)
		*pem = b->pem;
	return b->cert;
}

void
cert_bench_close(struct cert_bench *b)
{
	free(b->pem);
	X509_free(b->cert);
	EVP_PKEY_free(b->public_key);
	tok_key_free(b->key);
	tok_close(b->token);
	tok_ctx_free(b->ctx);
}

int
cert_bench_import(struct cert_bench *b, const void *data, size_t length, const char *anchors,
		  struct tok_cert_info *info)
{
	struct tok_error err = {0};
	int r = tok_import_certificate(b->token, data, length, anchors, NULL, info, &err);

	if (r != 0)
		tap_diag("import: %s: %s", tok_status_name(r), err.message);
	return r;
}
