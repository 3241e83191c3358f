/*
 * fuzz-cert.c: libFuzzer harness for certificate files (PEM bundles, DER, PKCS#7) as
 * the inbox, --cert and a token's objects hand them to the token layer.
 */
#include <stdint.h>

#include "cert-int.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	STACK_OF(X509) *certs = NULL;
	struct tok_error err;
	struct tok_key_id id;
	char text[512];

	if (tok_cert_parse(data, size, &certs, &err) != TOK_OK)
		return 0;
	for (int i = 0; i < sk_X509_num(certs); i++) {
		X509 *cert = sk_X509_value(certs, i);
		EVP_PKEY *pkey = X509_get0_pubkey(cert);

		tok_name_text(X509_get_subject_name(cert), text, sizeof(text));
		tok_serial_hex(cert, text, sizeof(text));
		if (pkey != NULL)
			tok_public_key_id(pkey, &id, &err);
	}
	sk_X509_pop_free(certs, X509_free);
	return 0;
}
