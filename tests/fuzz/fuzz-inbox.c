/*
 * fuzz-inbox.c: libFuzzer harness for the file connector's inbox matching
 * (issuer/issuer_file.c): an inbox holding one fuzzed file, fetched for one key id. The id is
 * that of the seed certificates' key (tests/fuzz/corpus/inbox), so that mutations of a file
 * that matches are explored as well as files that do not.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "issuer.h"

/* SHA-1 of the EC point of the seeds' key: our key id convention (pkcs11/cert.h). */
#define SEED_KEY_ID "d610c0a54caa8c4d13d3f541b654e1f30c1e35b8"

static char dir[] = "/tmp/fuzz-inbox-XXXXXX";
static char inbox[64], outbox[64], answer[80];
static struct issuer *issuer;

static const char *
lookup(void *arg, const char *option)
{
	(void)arg;
	if (strcmp(option, "inbox") == 0)
		return inbox;
	if (strcmp(option, "outbox") == 0)
		return outbox;
	return strcmp(option, "trust-anchors") == 0 ? answer : NULL;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct iss_error err;

	(void)argc;
	(void)argv;
	if (mkdtemp(dir) == NULL)
		return 0;
	snprintf(inbox, sizeof(inbox), "%s/inbox", dir);
	snprintf(outbox, sizeof(outbox), "%s/outbox", dir);
	snprintf(answer, sizeof(answer), "%s/answer.pem", inbox);
	if (mkdir(inbox, 0700) != 0 || mkdir(outbox, 0700) != 0 ||
	    iss_open("file", lookup, NULL, &issuer, &err) != ISS_OK)
		issuer = NULL;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct iss_request request = {.reference = "TTE/2026/0001",
					    .key_id_hex = SEED_KEY_ID};
	unsigned char *found = NULL;
	size_t length = 0;
	struct iss_error err;
	FILE *f;

	if (issuer == NULL || (f = fopen(answer, "wb")) == NULL)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	/* A match hands back the file whole: what was written, NUL-ended. */
	if (iss_fetch(issuer, &request, &found, &length, &err) == ISS_OK &&
	    (length != size || memcmp(found, data, size) != 0 || found[length] != '\0'))
		abort();
	free(found);
	return 0;
}
