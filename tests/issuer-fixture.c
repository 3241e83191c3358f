/*
 * issuer-fixture.c: applicants with software keys and CSRs, and one local test CA per
 * test process, for the issuer connector tests (see issuer-fixture.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>

#include "fixture.h"
#include "issuer-fixture.h"

/* Our key-id convention, computed here independently: SHA-1 of the EC point octets. */
void
compute_key_id(EVP_PKEY *key, char *hex)
{
	unsigned char point[256], digest[SHA_DIGEST_LENGTH];
	size_t length = 0;

	if (!EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point),
					     &length))
		abort();
	SHA1(point, length, digest);
	for (size_t i = 0; i < sizeof(digest); i++)
		sprintf(hex + 2 * i, "%02x", digest[i]);
}

char *
make_csr(EVP_PKEY *key, const char *cn, const char *email)
{
	X509_REQ *csr = X509_REQ_new();
	X509_NAME *name = X509_REQ_get_subject_name(csr);
	STACK_OF(X509_EXTENSION) *exts = sk_X509_EXTENSION_new_null();
	char san[256], *pem, *data;
	BIO *bio = BIO_new(BIO_s_mem());
	long length;

	snprintf(san, sizeof(san), "email:%s", email);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "OU", MBSTRING_UTF8,
				   (const unsigned char *)"Dinas Komunikasi dan Informatika", -1,
				   -1, 0);
	X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, (const unsigned char *)OFFICE, -1, -1,
				   0);
	X509_NAME_add_entry_by_txt(name, "C", MBSTRING_UTF8, (const unsigned char *)"ID", -1, -1,
				   0);
	sk_X509_EXTENSION_push(exts, X509V3_EXT_conf_nid(NULL, NULL, NID_subject_alt_name, san));
	X509_REQ_add_extensions(csr, exts);
	X509_REQ_set_pubkey(csr, key);
	if (X509_REQ_sign(csr, key, EVP_sha256()) <= 0 || !PEM_write_bio_X509_REQ(bio, csr))
		abort();
	length = BIO_get_mem_data(bio, &data);
	pem = strndup(data, (size_t)length);
	BIO_free(bio);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	X509_REQ_free(csr);
	return pem;
}

void
applicant_init(struct applicant *a, const char *cn, const char *email)
{
	if ((a->key = EVP_EC_gen("P-256")) == NULL)
		abort();
	compute_key_id(a->key, a->key_id);
	a->csr_pem = make_csr(a->key, cn, email);
}

void
applicant_free(struct applicant *a)
{
	EVP_PKEY_free(a->key);
	free(a->csr_pem);
}

const char *
pairs_lookup(void *arg, const char *option)
{
	const char *const *pairs = arg;

	for (; pairs[0] != NULL; pairs += 2)
		if (strcmp(pairs[0], option) == 0)
			return pairs[1];
	return NULL;
}

/* One CA for the whole file: RSA key generation is the slow part. */
const char *
test_ca(void)
{
	static char *dir;
	struct iss_error err = {0};

	if (dir == NULL) {
		dir = fixture_path("ca");
		const char *settings[] = {"ca-dir", dir, NULL};
		if (iss_prepare("local", pairs_lookup, settings, OFFICE, &err) != ISS_OK) {
			fprintf(stderr, "iss_prepare local: %s\n", err.message);
			abort();
		}
	}
	return dir;
}

struct issuer *
open_test_ca(void)
{
	const char *settings[] = {"ca-dir", test_ca(), NULL};
	struct issuer *ca = NULL;
	struct iss_error err = {0};

	if (iss_open("local", pairs_lookup, settings, &ca, &err) != ISS_OK)
		fprintf(stderr, "iss_open local: %s\n", err.message);
	return ca;
}

STACK_OF(X509) * parse_bundle(const unsigned char *data, size_t length)
{
	STACK_OF(X509) *certs = sk_X509_new_null();
	BIO *bio = BIO_new_mem_buf(data, (int)length);
	X509 *cert;

	while ((cert = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL)
		sk_X509_push(certs, cert);
	ERR_clear_error();
	BIO_free(bio);
	return certs;
}

mode_t
file_mode(const char *dir, const char *name)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0 ? st.st_mode & 07777 : (mode_t)-1;
}
