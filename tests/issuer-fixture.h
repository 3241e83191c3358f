/*
 * issuer-fixture.h: what the issuer connector tests share: an applicant with a software
 * key (the issuer never sees the difference from a token key) and its CSR, one local test
 * CA per process, bundle parsing.
 */
#ifndef ENROLL_ISSUER_FIXTURE_H
#define ENROLL_ISSUER_FIXTURE_H

#include <sys/types.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "issuer.h"

#define OFFICE "Pemerintah Kota Contoh"

struct applicant {
	EVP_PKEY *key;
	char key_id[41]; /* our convention, computed independently of the library */
	char *csr_pem;
};

void applicant_init(struct applicant *a, const char *cn, const char *email);
void applicant_free(struct applicant *a);
/* Our key-id convention, computed here independently: SHA-1 of the EC point octets. */
void compute_key_id(EVP_PKEY *key, char *hex);
char *make_csr(EVP_PKEY *key, const char *cn, const char *email);
/* The directory of this process's local test CA, created on first use. */
const char *test_ca(void);
/* Settings for iss_open: arg is a NULL-ended array of name, value pairs. */
const char *pairs_lookup(void *arg, const char *option);
/* This process's local test CA, opened through the connector table; NULL on failure. */
struct issuer *open_test_ca(void);
/* The certificates of a PEM bundle, in order. */
STACK_OF(X509) * parse_bundle(const unsigned char *data, size_t length);
/* Permission bits of dir/name, (mode_t)-1 if absent. */
mode_t file_mode(const char *dir, const char *name);

#endif
