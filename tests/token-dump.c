/*
 * token-dump.c: every object on a token with every attribute it will show, in a stable
 * order, read straight through the module's function list (not through the token layer
 * under test), so that a test can prove a refusal left the token byte for byte as it was.
 *
 *   token-dump MODULE TOKEN_LABEL        (user PIN on stdin; an empty line: no login)
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <p11-kit/pkcs11.h>

static const CK_ATTRIBUTE_TYPE attributes[] = {
    CKA_CLASS,
    CKA_TOKEN,
    CKA_PRIVATE,
    CKA_LABEL,
    CKA_APPLICATION,
    CKA_VALUE,
    CKA_OBJECT_ID,
    CKA_CERTIFICATE_TYPE,
    CKA_ISSUER,
    CKA_SERIAL_NUMBER,
    CKA_TRUSTED,
    CKA_CERTIFICATE_CATEGORY,
    CKA_KEY_TYPE,
    CKA_SUBJECT,
    CKA_ID,
    CKA_SENSITIVE,
    CKA_ENCRYPT,
    CKA_DECRYPT,
    CKA_WRAP,
    CKA_UNWRAP,
    CKA_SIGN,
    CKA_SIGN_RECOVER,
    CKA_VERIFY,
    CKA_VERIFY_RECOVER,
    CKA_DERIVE,
    CKA_START_DATE,
    CKA_END_DATE,
    CKA_MODULUS,
    CKA_MODULUS_BITS,
    CKA_PUBLIC_EXPONENT,
    CKA_EXTRACTABLE,
    CKA_LOCAL,
    CKA_NEVER_EXTRACTABLE,
    CKA_ALWAYS_SENSITIVE,
    CKA_KEY_GEN_MECHANISM,
    CKA_MODIFIABLE,
    CKA_EC_PARAMS,
    CKA_EC_POINT,
    CKA_ALWAYS_AUTHENTICATE,
    CKA_WRAP_WITH_TRUSTED,
    CKA_COPYABLE,
    CKA_DESTROYABLE,
};

/* One object as lines "attribute=hex" in one malloc'd string. */
static char *
dump_object(CK_FUNCTION_LIST_PTR fn, CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object)
{
	size_t size = 1, used = 0;
	char *text = calloc(1, 1), *grown;

	for (size_t i = 0; text && i < sizeof(attributes) / sizeof(attributes[0]); i++) {
		CK_ATTRIBUTE a = {attributes[i], NULL, 0};
		unsigned char *value;

		if (fn->C_GetAttributeValue(session, object, &a, 1) != CKR_OK ||
		    a.ulValueLen == CK_UNAVAILABLE_INFORMATION ||
		    (value = malloc(a.ulValueLen + 1)) == NULL)
			continue;
		a.pValue = value;
		if (fn->C_GetAttributeValue(session, object, &a, 1) == CKR_OK &&
		    (grown = realloc(text, size += 24 + 2 * a.ulValueLen)) != NULL) {
			text = grown;
			used += (size_t)sprintf(text + used, "  0x%08lx=", (unsigned long)a.type);
			for (CK_ULONG j = 0; j < a.ulValueLen; j++)
				used += (size_t)sprintf(text + used, "%02x", value[j]);
			used += (size_t)sprintf(text + used, "\n");
		}
		free(value);
	}
	return text;
}

static int
compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static CK_SLOT_ID
find_slot(CK_FUNCTION_LIST_PTR fn, const char *label)
{
	CK_SLOT_ID slots[64];
	CK_ULONG count = 64;
	CK_TOKEN_INFO info;

	if (fn->C_GetSlotList(CK_TRUE, slots, &count) != CKR_OK)
		return (CK_SLOT_ID)-1;
	for (CK_ULONG i = 0; i < count; i++) {
		size_t n = 32;

		if (fn->C_GetTokenInfo(slots[i], &info) != CKR_OK)
			continue;
		while (n > 0 && info.label[n - 1] == ' ')
			n--;
		if (n == strlen(label) && memcmp(info.label, label, n) == 0)
			return slots[i];
	}
	return (CK_SLOT_ID)-1;
}

int
main(int argc, char **argv)
{
	CK_RV (*get_list)(CK_FUNCTION_LIST_PTR_PTR);
	CK_FUNCTION_LIST_PTR fn;
	CK_SESSION_HANDLE session;
	CK_OBJECT_HANDLE objects[256];
	CK_ULONG found = 0;
	CK_SLOT_ID slot;
	char pin[128] = "", *lines[256];
	void *module;

	if (argc != 3)
		return fprintf(stderr, "usage: token-dump MODULE TOKEN_LABEL\n"), 2;
	if ((module = dlopen(argv[1], RTLD_NOW)) == NULL ||
	    (get_list = (CK_RV(*)(CK_FUNCTION_LIST_PTR_PTR))dlsym(module, "C_GetFunctionList")) ==
		NULL ||
	    get_list(&fn) != CKR_OK || fn->C_Initialize(NULL) != CKR_OK)
		return fprintf(stderr, "token-dump: cannot load %s\n", argv[1]), 1;
	if ((slot = find_slot(fn, argv[2])) == (CK_SLOT_ID)-1 ||
	    fn->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &session) != CKR_OK)
		return fprintf(stderr, "token-dump: no token %s\n", argv[2]), 1;
	if (fgets(pin, sizeof(pin), stdin) == NULL)
		pin[0] = '\0';
	pin[strcspn(pin, "\n")] = '\0';
	if (pin[0] != '\0' &&
	    fn->C_Login(session, CKU_USER, (CK_UTF8CHAR_PTR)pin, strlen(pin)) != CKR_OK)
		return fprintf(stderr, "token-dump: login failed\n"), 1;
	if (fn->C_FindObjectsInit(session, NULL, 0) != CKR_OK ||
	    fn->C_FindObjects(session, objects, 256, &found) != CKR_OK)
		return fprintf(stderr, "token-dump: cannot list objects\n"), 1;
	fn->C_FindObjectsFinal(session);
	for (CK_ULONG i = 0; i < found; i++)
		lines[i] = dump_object(fn, session, objects[i]);
	qsort(lines, found, sizeof(lines[0]), compare);
	for (CK_ULONG i = 0; i < found; i++) {
		printf("object\n%s", lines[i] ? lines[i] : "");
		free(lines[i]);
	}
	fn->C_CloseSession(session);
	fn->C_Finalize(NULL);
	return 0;
}
