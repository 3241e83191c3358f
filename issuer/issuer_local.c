/*
 * issuer_local.c: a local test CA standing in for BSrE in the demo and the tests. Its
 * names say plainly that it is not BSrE; its user profile mimics BSrE's (two years,
 * SHA-256, digitalSignature + nonRepudiation) so that what passes here passes there.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "issuer-int.h"

#define ROOT_CN "Enroll LOCAL TEST Root CA - NOT BSrE"
#define ISSUING_CN "Enroll LOCAL TEST Issuing CA - NOT BSrE"
#define CA_KEY_BITS 2048
#define SERIAL_BYTES 16
#define ISSUED_MAX (64 * 1024)

/* The CA directory's layout. */
#define LOCAL_ROOT_KEY "root.key"
#define LOCAL_ROOT_CERT "root.pem"
#define LOCAL_CA_KEY "ca.key"
#define LOCAL_CA_CERT "ca.pem"
#define LOCAL_ISSUED_DIR "issued"

enum local_kind { LOCAL_ROOT, LOCAL_ISSUING, LOCAL_USER };

struct extension {
	int nid;
	const char *value;
};

/* What each kind of certificate gets; SKI before AKI, so a root's AKI finds its SKI. */
static const struct extension root_extensions[] = {
    {NID_basic_constraints, "critical,CA:TRUE"},
    {NID_key_usage, "critical,keyCertSign,cRLSign"},
    {NID_subject_key_identifier, "hash"},
    {0, NULL},
};
static const struct extension issuing_extensions[] = {
    {NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
    {NID_key_usage, "critical,keyCertSign,cRLSign"},
    {NID_subject_key_identifier, "hash"},
    {NID_authority_key_identifier, "keyid:always"},
    {0, NULL},
};
static const struct extension user_extensions[] = {
    {NID_basic_constraints, "critical,CA:FALSE"},
    {NID_key_usage, "critical,digitalSignature,nonRepudiation"},
    {NID_ext_key_usage, "emailProtection"},
    {NID_subject_key_identifier, "hash"},
    {NID_authority_key_identifier, "keyid:always"},
    {0, NULL},
};

static const struct {
	int years;
	const struct extension *extensions;
} profiles[] = {
    [LOCAL_ROOT] = {20, root_extensions},
    [LOCAL_ISSUING] = {10, issuing_extensions},
    [LOCAL_USER] = {2, user_extensions}, /* BSrE: exactly two years */
};

/* A positive 16-byte serial with its top byte non-zero, so it always encodes in 16 bytes. */
static int
set_random_serial(X509 *cert, struct iss_error *err)
{
	unsigned char bytes[SERIAL_BYTES];
	ASN1_INTEGER *serial = NULL;
	BIGNUM *bn = NULL;
	int r = ISS_ERR_INTERNAL;

	if (RAND_bytes(bytes, sizeof(bytes)) != 1)
		return iss_error_set(err, ISS_ERR_INTERNAL, _("RAND_bytes failed"));
	bytes[0] = (unsigned char)((bytes[0] & 0x7f) | 0x40);
	if ((bn = BN_bin2bn(bytes, sizeof(bytes), NULL)) == NULL ||
	    (serial = BN_to_ASN1_INTEGER(bn, NULL)) == NULL || !X509_set_serialNumber(cert, serial))
		r = iss_error_set(err, ISS_ERR_INTERNAL, _("setting the serial failed"));
	else
		r = ISS_OK;
	ASN1_INTEGER_free(serial);
	BN_free(bn);
	return r;
}

/* From now (to the second) to the same moment years later, calendar years. */
static int
set_validity(X509 *cert, int years, struct iss_error *err)
{
	time_t now = time(NULL), end;
	struct tm tm;

	gmtime_r(&now, &tm);
	tm.tm_year += years;
	end = timegm(&tm);
	if (X509_time_adj_ex(X509_getm_notBefore(cert), 0, 0, &now) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(cert), 0, 0, &end) == NULL)
		return iss_error_set(err, ISS_ERR_INTERNAL, _("setting the validity failed"));
	return ISS_OK;
}

static int
add_extensions(X509 *cert, X509 *issuer_cert, const struct extension *extensions,
	       STACK_OF(X509_EXTENSION) * extra, struct iss_error *err)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;

	X509V3_set_ctx(&ctx, issuer_cert != NULL ? issuer_cert : cert, cert, NULL, NULL, 0);
	for (const struct extension *e = extensions; e->value != NULL; e++) {
		if ((ext = X509V3_EXT_conf_nid(NULL, &ctx, e->nid, e->value)) == NULL ||
		    !X509_add_ext(cert, ext, -1)) {
			X509_EXTENSION_free(ext);
			iss_error_set(err, ISS_ERR_INTERNAL, _("adding %s failed"),
				      OBJ_nid2sn(e->nid));
			iss_error_openssl(err);
			return ISS_ERR_INTERNAL;
		}
		X509_EXTENSION_free(ext);
	}
	for (int i = 0; extra != NULL && i < sk_X509_EXTENSION_num(extra); i++)
		if (!X509_add_ext(cert, sk_X509_EXTENSION_value(extra, i), -1))
			return iss_error_set(err, ISS_ERR_INTERNAL,
					     _("copying an extension failed"));
	return ISS_OK;
}

static int
build_certificate(enum local_kind kind, const X509_NAME *subject, EVP_PKEY *public_key,
		  X509 *issuer_cert, EVP_PKEY *issuer_key, STACK_OF(X509_EXTENSION) * extra,
		  X509 **out, struct iss_error *err)
{
	const X509_NAME *issuer_name;
	X509 *cert = NULL;
	int r = ISS_ERR_INTERNAL;

	issuer_name = issuer_cert != NULL ? X509_get_subject_name(issuer_cert) : subject;
	if ((cert = X509_new()) == NULL || !X509_set_version(cert, X509_VERSION_3) ||
	    !X509_set_subject_name(cert, subject) || !X509_set_issuer_name(cert, issuer_name) ||
	    !X509_set_pubkey(cert, public_key)) {
		r = iss_error_set(err, ISS_ERR_INTERNAL, _("building the certificate failed"));
		goto out;
	}
	if ((r = set_random_serial(cert, err)) != ISS_OK ||
	    (r = set_validity(cert, profiles[kind].years, err)) != ISS_OK ||
	    (r = add_extensions(cert, issuer_cert, profiles[kind].extensions, extra, err)) !=
		ISS_OK)
		goto out;
	if (X509_sign(cert, issuer_key, EVP_sha256()) <= 0) {
		r = iss_error_set(err, ISS_ERR_INTERNAL, _("signing the certificate failed"));
		iss_error_openssl(err);
		goto out;
	}
	*out = cert;
	cert = NULL;
	r = ISS_OK;
out:
	X509_free(cert);
	ERR_clear_error();
	return r;
}

static X509_NAME *
ca_name(const char *common_name, const char *office)
{
	X509_NAME *name = X509_NAME_new();

	if (name == NULL ||
	    !X509_NAME_add_entry_by_txt(name, "C", MBSTRING_UTF8, (const unsigned char *)"ID", -1,
					-1, 0) ||
	    !X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, (const unsigned char *)office, -1,
					-1, 0) ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
					(const unsigned char *)common_name, -1, -1, 0)) {
		X509_NAME_free(name);
		return NULL;
	}
	return name;
}

/* dir/name, malloc'd; NULL only when out of memory. */
static char *
path_in(const char *dir, const char *name)
{
	char *path = NULL;

	return asprintf(&path, "%s/%s", dir, name) < 0 ? NULL : path;
}

/* Write a key (0600) or certificate (0644) PEM to dir/name. */
static int
write_pem(const char *dir, const char *name, EVP_PKEY *key, X509 *cert, struct iss_error *err)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *path = path_in(dir, name), *data;
	long length;
	int r = ISS_ERR_INTERNAL;

	if (bio == NULL || path == NULL) {
		r = iss_error_set(err, ISS_ERR_INTERNAL, _("out of memory"));
		goto out;
	}
	if ((key != NULL && !PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL)) ||
	    (cert != NULL && !PEM_write_bio_X509(bio, cert))) {
		r = iss_error_set(err, ISS_ERR_INTERNAL, _("PEM encoding failed"));
		goto out;
	}
	length = BIO_get_mem_data(bio, &data);
	r = iss_write_file(path, data, (size_t)length, key != NULL ? 0600 : 0644, err);
out:
	free(path);
	BIO_free(bio);
	return r;
}

/* One CA: a fresh key, a certificate signed by issuer (self-signed if NULL). */
static int
make_ca(enum local_kind kind, const char *common_name, const char *office, X509 *issuer_cert,
	EVP_PKEY *issuer_key, EVP_PKEY **key, X509 **cert, struct iss_error *err)
{
	X509_NAME *name = ca_name(common_name, office);
	int r;

	if (name == NULL || (*key = EVP_RSA_gen(CA_KEY_BITS)) == NULL) {
		X509_NAME_free(name);
		return iss_error_set(err, ISS_ERR_INTERNAL, _("making the CA key failed"));
	}
	r = build_certificate(kind, name, *key, issuer_cert, issuer_key != NULL ? issuer_key : *key,
			      NULL, cert, err);
	X509_NAME_free(name);
	return r;
}

static int
prepare_dir(const char *dir, struct iss_error *err)
{
	char *anchors = path_in(dir, LOCAL_TRUST_ANCHORS), *issued = path_in(dir, LOCAL_ISSUED_DIR);
	struct stat st;
	int r = ISS_ERR_IO;

	if (anchors == NULL || issued == NULL)
		r = iss_error_set(err, ISS_ERR_INTERNAL, _("out of memory"));
	else if (lstat(anchors, &st) == 0)
		r = iss_error_set(err, ISS_ERR_EXISTS, _("%s already holds a CA"), dir);
	else if (mkdir(issued, 0700) != 0 && errno != EEXIST)
		r = iss_error_set(err, ISS_ERR_IO, _("cannot create %s: %s"), issued,
				  strerror(errno));
	else
		r = ISS_OK;
	free(issued);
	free(anchors);
	return r;
}

/* Root and issuing CA in dir; ISS_ERR_EXISTS if dir already holds a CA. */
static int
create_ca(const char *dir, const char *office, struct iss_error *err)
{
	EVP_PKEY *root_key = NULL, *issuing_key = NULL;
	X509 *root = NULL, *issuing = NULL;
	int r;

	if ((r = prepare_dir(dir, err)) != ISS_OK ||
	    (r = make_ca(LOCAL_ROOT, ROOT_CN, office, NULL, NULL, &root_key, &root, err)) !=
		ISS_OK ||
	    (r = make_ca(LOCAL_ISSUING, ISSUING_CN, office, root, root_key, &issuing_key, &issuing,
			 err)) != ISS_OK)
		goto out;
	if ((r = write_pem(dir, LOCAL_ROOT_KEY, root_key, NULL, err)) != ISS_OK ||
	    (r = write_pem(dir, LOCAL_CA_KEY, issuing_key, NULL, err)) != ISS_OK ||
	    (r = write_pem(dir, LOCAL_ROOT_CERT, NULL, root, err)) != ISS_OK ||
	    (r = write_pem(dir, LOCAL_CA_CERT, NULL, issuing, err)) != ISS_OK ||
	    (r = write_pem(dir, LOCAL_TRUST_ANCHORS, NULL, root, err)) != ISS_OK)
		goto out;
	iss_log(_("local test CA (not BSrE) created in %s"), dir);
out:
	X509_free(issuing);
	X509_free(root);
	EVP_PKEY_free(issuing_key);
	EVP_PKEY_free(root_key);
	return r;
}

/* A CA already in the directory is the one kept: switching back to it loses nothing. */
int
iss_local_prepare(iss_lookup_fn lookup, void *arg, const char *organization, struct iss_error *err)
{
	int r;

	if (organization == NULL || *organization == '\0')
		return iss_error_set(err, ISS_ERR_INVALID_ARGUMENT,
				     _("a new CA needs the organization it names"));
	if ((r = iss_make_directories(lookup(arg, "ca-dir"), err)) != ISS_OK)
		return r;
	r = create_ca(lookup(arg, "ca-dir"), organization, err);
	return r == ISS_ERR_EXISTS ? ISS_OK : r;
}

/* The open CA: its issuing key and certificate; the root is only needed for creating. */
struct local_issuer {
	struct issuer base;
	char *dir;
	EVP_PKEY *ca_key;
	X509 *ca_cert;
	char *ca_pem; /* appended to every issued certificate: the chain to the anchor */
};

static void
local_free(struct issuer *issuer)
{
	struct local_issuer *local = (struct local_issuer *)issuer;

	EVP_PKEY_free(local->ca_key);
	X509_free(local->ca_cert);
	free(local->ca_pem);
	free(local->dir);
	free(local);
}

/* The subjectAltName the applicant asked for, if any: BSrE copies the email. */
static STACK_OF(X509_EXTENSION) * requested_alt_name(X509_REQ *csr)
{
	STACK_OF(X509_EXTENSION) *requested = X509_REQ_get_extensions(csr), *kept;
	int i;

	if ((kept = sk_X509_EXTENSION_new_null()) == NULL)
		goto out;
	for (i = 0; requested != NULL && i < sk_X509_EXTENSION_num(requested); i++) {
		X509_EXTENSION *ext = sk_X509_EXTENSION_value(requested, i);

		if (OBJ_obj2nid(X509_EXTENSION_get_object(ext)) == NID_subject_alt_name &&
		    sk_X509_EXTENSION_push(kept, ext))
			sk_X509_EXTENSION_set(requested, i, NULL);
	}
out:
	sk_X509_EXTENSION_pop_free(requested, X509_EXTENSION_free);
	return kept;
}

static void
lower_hex(const char *hex, char *out, size_t size)
{
	size_t i;

	for (i = 0; hex[i] != '\0' && i + 1 < size; i++)
		out[i] = (char)tolower((unsigned char)hex[i]);
	out[i] = '\0';
}

/* Issued certificate plus chain, as PEM, into dir/issued/<key id>.pem. */
static int
store_issued(struct local_issuer *local, X509 *cert, const char *key_id_hex, struct iss_error *err)
{
	char name[sizeof(LOCAL_ISSUED_DIR) + 2 * TOK_KEY_ID_LEN + 8], hex[2 * TOK_KEY_ID_LEN + 1];
	BIO *bio = BIO_new(BIO_s_mem());
	char *path = NULL, *data;
	long length;
	int r = ISS_ERR_INTERNAL;

	lower_hex(key_id_hex, hex, sizeof(hex));
	snprintf(name, sizeof(name), LOCAL_ISSUED_DIR "/%s.pem", hex);
	if (bio == NULL || (path = path_in(local->dir, name)) == NULL ||
	    !PEM_write_bio_X509(bio, cert) || BIO_puts(bio, local->ca_pem) < 0) {
		r = iss_error_set(err, ISS_ERR_INTERNAL,
				  _("encoding the issued certificate failed"));
		goto out;
	}
	length = BIO_get_mem_data(bio, &data);
	r = iss_write_file(path, data, (size_t)length, 0644, err);
out:
	free(path);
	BIO_free(bio);
	return r;
}

static int
local_submit(struct issuer *issuer, const struct iss_request *request, struct iss_error *err)
{
	struct local_issuer *local = (struct local_issuer *)issuer;
	STACK_OF(X509_EXTENSION) *alt_name = NULL;
	X509_REQ *csr = NULL;
	X509 *cert = NULL;
	BIO *bio = NULL;
	int r;

	/* issuer_submit has checked that the CSR verifies and is for the request's key. */
	if ((bio = BIO_new_mem_buf(request->csr_pem, -1)) == NULL ||
	    (csr = PEM_read_bio_X509_REQ(bio, NULL, NULL, NULL)) == NULL ||
	    (alt_name = requested_alt_name(csr)) == NULL) {
		r = iss_error_set(err, ISS_ERR_MALFORMED, _("CSR unreadable"));
		goto out;
	}
	if ((r = build_certificate(LOCAL_USER, X509_REQ_get_subject_name(csr),
				   X509_REQ_get0_pubkey(csr), local->ca_cert, local->ca_key,
				   alt_name, &cert, err)) != ISS_OK ||
	    (r = store_issued(local, cert, request->key_id_hex, err)) != ISS_OK)
		goto out;
	iss_log(_("local test CA issued a certificate for %s (%s)"), request->reference,
		request->key_id_hex);
out:
	X509_free(cert);
	sk_X509_EXTENSION_pop_free(alt_name, X509_EXTENSION_free);
	X509_REQ_free(csr);
	BIO_free(bio);
	ERR_clear_error();
	return r;
}

static int
local_fetch(struct issuer *issuer, const struct iss_request *request, unsigned char **data,
	    size_t *length, struct iss_error *err)
{
	struct local_issuer *local = (struct local_issuer *)issuer;
	char name[sizeof(LOCAL_ISSUED_DIR) + 2 * TOK_KEY_ID_LEN + 8], hex[2 * TOK_KEY_ID_LEN + 1];
	char *path;
	int r;

	lower_hex(request->key_id_hex, hex, sizeof(hex));
	snprintf(name, sizeof(name), LOCAL_ISSUED_DIR "/%s.pem", hex);
	if ((path = path_in(local->dir, name)) == NULL)
		return iss_error_set(err, ISS_ERR_INTERNAL, _("out of memory"));
	if (access(path, F_OK) != 0 && errno == ENOENT)
		r = iss_error_set(err, ISS_ERR_NOT_ISSUED, _("nothing issued yet for key %s"), hex);
	else
		r = iss_read_file(path, ISSUED_MAX, data, length, err);
	free(path);
	return r;
}

static const struct iss_ops local_ops = {
    .name = "local",
    .submit = local_submit,
    .fetch = local_fetch,
    .free = local_free,
};

/* Read dir/name; a private key must be private to its owner (as OpenSSH insists). */
static int
read_in(const char *dir, const char *name, bool secret, char **data, struct iss_error *err)
{
	char *path = path_in(dir, name);
	struct stat st;
	size_t length;
	int r;

	if (path == NULL)
		return iss_error_set(err, ISS_ERR_INTERNAL, _("out of memory"));
	if (secret && lstat(path, &st) == 0 && (st.st_mode & 077) != 0)
		r = iss_error_set(err, ISS_ERR_UNSAFE, _("%s is readable by others: chmod 600"),
				  path);
	else
		r = iss_read_file(path, ISSUED_MAX, (unsigned char **)data, &length, err);
	free(path);
	return r;
}

static EVP_PKEY *
parse_key(const char *pem)
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *key = bio != NULL ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;

	BIO_free(bio);
	return key;
}

static X509 *
parse_cert(const char *pem)
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	X509 *cert = bio != NULL ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;

	BIO_free(bio);
	return cert;
}

int
iss_local_open(iss_lookup_fn lookup, void *arg, struct issuer **out, struct iss_error *err)
{
	const char *dir = lookup(arg, "ca-dir");
	struct local_issuer *local = NULL;
	char *key_pem = NULL;
	int r = ISS_ERR_INTERNAL;

	if ((local = calloc(1, sizeof(*local))) == NULL)
		return iss_error_set(err, ISS_ERR_INTERNAL, _("out of memory"));
	local->base.ops = &local_ops;
	if ((local->dir = strdup(dir)) == NULL ||
	    (local->base.trust_anchors = path_in(dir, LOCAL_TRUST_ANCHORS)) == NULL) {
		r = iss_error_set(err, ISS_ERR_INTERNAL, _("out of memory"));
		goto out;
	}
	if ((r = read_in(dir, LOCAL_CA_KEY, true, &key_pem, err)) != ISS_OK ||
	    (r = read_in(dir, LOCAL_CA_CERT, false, &local->ca_pem, err)) != ISS_OK)
		goto out;
	if ((local->ca_key = parse_key(key_pem)) == NULL ||
	    (local->ca_cert = parse_cert(local->ca_pem)) == NULL) {
		r = iss_error_set(err, ISS_ERR_MALFORMED, _("the CA in %s is unreadable"), dir);
		goto out;
	}
	*out = &local->base;
	local = NULL;
	r = ISS_OK;
out:
	if (key_pem != NULL)
		explicit_bzero(key_pem, strlen(key_pem));
	free(key_pem);
	iss_free(local != NULL ? &local->base : NULL);
	ERR_clear_error();
	return r;
}
