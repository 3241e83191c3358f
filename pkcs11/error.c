/*
 * error.c: status names, CKR_ names, and filling struct tok_error. PKCS#11 return values
 * are turned into statuses here, once, at the library's boundary.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

#include "cert.h"
#include "token-int.h"

static const struct {
	int code;
	const char *name;
} status_names[] = {
    {TOK_OK, "TOK_OK"},
    {TOK_ERR_INTERNAL, "TOK_ERR_INTERNAL"},
    {TOK_ERR_MODULE, "TOK_ERR_MODULE"},
    {TOK_ERR_NO_TOKEN, "TOK_ERR_NO_TOKEN"},
    {TOK_ERR_AMBIGUOUS, "TOK_ERR_AMBIGUOUS"},
    {TOK_ERR_PIN_INCORRECT, "TOK_ERR_PIN_INCORRECT"},
    {TOK_ERR_PIN_LOCKED, "TOK_ERR_PIN_LOCKED"},
    {TOK_ERR_PIN_POLICY, "TOK_ERR_PIN_POLICY"},
    {TOK_ERR_UNSUPPORTED, "TOK_ERR_UNSUPPORTED"},
    {TOK_ERR_NOT_FOUND, "TOK_ERR_NOT_FOUND"},
    {TOK_ERR_MALFORMED, "TOK_ERR_MALFORMED"},
    {TOK_ERR_CERT_MISMATCH, "TOK_ERR_CERT_MISMATCH"},
    {TOK_ERR_CERT_EXPIRED, "TOK_ERR_CERT_EXPIRED"},
    {TOK_ERR_CERT_NOT_YET_VALID, "TOK_ERR_CERT_NOT_YET_VALID"},
    {TOK_ERR_CERT_KEY_USAGE, "TOK_ERR_CERT_KEY_USAGE"},
    {TOK_ERR_CERT_UNTRUSTED, "TOK_ERR_CERT_UNTRUSTED"},
    {TOK_ERR_TOKEN_REMOVED, "TOK_ERR_TOKEN_REMOVED"},
    {TOK_ERR_NOT_LOGGED_IN, "TOK_ERR_NOT_LOGGED_IN"},
    {TOK_ERR_NOT_READY, "TOK_ERR_NOT_READY"},
    {TOK_ERR_IO, "TOK_ERR_IO"},
    {TOK_ERR_CANCELLED, "TOK_ERR_CANCELLED"},
    {TOK_ERR_TIMEOUT, "TOK_ERR_TIMEOUT"},
    {TOK_ERR_PCSC_UNAVAILABLE, "TOK_ERR_PCSC_UNAVAILABLE"},
    {TOK_ERR_PCSC, "TOK_ERR_PCSC"},
    {TOK_ERR_INVALID_ARGUMENT, "TOK_ERR_INVALID_ARGUMENT"},
    {TOK_ERR_TOKEN_NOT_INITIALIZED, "TOK_ERR_TOKEN_NOT_INITIALIZED"},
    {TOK_ERR_SO_PIN_INCORRECT, "TOK_ERR_SO_PIN_INCORRECT"},
    {TOK_ERR_SO_PIN_LOCKED, "TOK_ERR_SO_PIN_LOCKED"},
    {TOK_ERR_TOKEN_FAULT, "TOK_ERR_TOKEN_FAULT"},
    {TOK_ERR_CERT_IS_CA, "TOK_ERR_CERT_IS_CA"},
    {TOK_ERR_UNSAFE, "TOK_ERR_UNSAFE"},
};

/* The return values a token can give us, with the status each one means. */
#define CKR_ENTRY(rv, code)                                                                        \
	{                                                                                          \
		rv, #rv, code                                                                      \
	}
static const struct {
	unsigned long rv;
	const char *name;
	int code;
} ckr_table[] = {
    CKR_ENTRY(CKR_OK, TOK_OK),
    CKR_ENTRY(CKR_CANCEL, TOK_ERR_CANCELLED),
    CKR_ENTRY(CKR_HOST_MEMORY, TOK_ERR_INTERNAL),
    CKR_ENTRY(CKR_SLOT_ID_INVALID, TOK_ERR_TOKEN_REMOVED),
    /* the token's own failures, not ours: SoftHSM says GENERAL_ERROR on a read-only store
       and FUNCTION_FAILED when its store is full */
    CKR_ENTRY(CKR_GENERAL_ERROR, TOK_ERR_TOKEN_FAULT),
    CKR_ENTRY(CKR_FUNCTION_FAILED, TOK_ERR_TOKEN_FAULT),
    CKR_ENTRY(CKR_ARGUMENTS_BAD, TOK_ERR_INVALID_ARGUMENT),
    CKR_ENTRY(CKR_ATTRIBUTE_READ_ONLY, TOK_ERR_INTERNAL),
    CKR_ENTRY(CKR_ATTRIBUTE_SENSITIVE, TOK_ERR_INTERNAL),
    CKR_ENTRY(CKR_ATTRIBUTE_TYPE_INVALID, TOK_ERR_UNSUPPORTED),
    CKR_ENTRY(CKR_ATTRIBUTE_VALUE_INVALID, TOK_ERR_UNSUPPORTED),
    CKR_ENTRY(CKR_DATA_INVALID, TOK_ERR_INVALID_ARGUMENT),
    CKR_ENTRY(CKR_DATA_LEN_RANGE, TOK_ERR_INVALID_ARGUMENT),
    CKR_ENTRY(CKR_DEVICE_ERROR, TOK_ERR_TOKEN_REMOVED),
    CKR_ENTRY(CKR_DEVICE_MEMORY, TOK_ERR_TOKEN_FAULT),
    CKR_ENTRY(CKR_DEVICE_REMOVED, TOK_ERR_TOKEN_REMOVED),
    CKR_ENTRY(CKR_FUNCTION_CANCELED, TOK_ERR_CANCELLED),
    CKR_ENTRY(CKR_FUNCTION_NOT_SUPPORTED, TOK_ERR_UNSUPPORTED),
    CKR_ENTRY(CKR_KEY_HANDLE_INVALID, TOK_ERR_NOT_FOUND),
    CKR_ENTRY(CKR_KEY_SIZE_RANGE, TOK_ERR_UNSUPPORTED),
    CKR_ENTRY(CKR_KEY_TYPE_INCONSISTENT, TOK_ERR_UNSUPPORTED),
    CKR_ENTRY(CKR_MECHANISM_INVALID, TOK_ERR_UNSUPPORTED),
    CKR_ENTRY(CKR_MECHANISM_PARAM_INVALID, TOK_ERR_UNSUPPORTED),
    CKR_ENTRY(CKR_OBJECT_HANDLE_INVALID, TOK_ERR_NOT_FOUND),
    CKR_ENTRY(CKR_OPERATION_ACTIVE, TOK_ERR_INTERNAL),
    CKR_ENTRY(CKR_OPERATION_NOT_INITIALIZED, TOK_ERR_INTERNAL),
    CKR_ENTRY(CKR_PIN_INCORRECT, TOK_ERR_PIN_INCORRECT),
    CKR_ENTRY(CKR_PIN_INVALID, TOK_ERR_PIN_POLICY),
    CKR_ENTRY(CKR_PIN_LEN_RANGE, TOK_ERR_PIN_POLICY),
    CKR_ENTRY(CKR_PIN_EXPIRED, TOK_ERR_PIN_LOCKED),
    CKR_ENTRY(CKR_PIN_LOCKED, TOK_ERR_PIN_LOCKED),
    CKR_ENTRY(CKR_SESSION_CLOSED, TOK_ERR_TOKEN_REMOVED),
    CKR_ENTRY(CKR_SESSION_COUNT, TOK_ERR_INTERNAL),
    CKR_ENTRY(CKR_SESSION_HANDLE_INVALID, TOK_ERR_TOKEN_REMOVED),
    CKR_ENTRY(CKR_SESSION_READ_ONLY, TOK_ERR_INTERNAL),
    CKR_ENTRY(CKR_SESSION_EXISTS, TOK_ERR_INTERNAL),
    CKR_ENTRY(CKR_SESSION_READ_ONLY_EXISTS, TOK_ERR_INTERNAL),
    CKR_ENTRY(CKR_SESSION_READ_WRITE_SO_EXISTS, TOK_ERR_INTERNAL),
    CKR_ENTRY(CKR_SIGNATURE_INVALID, TOK_ERR_NOT_READY),
    CKR_ENTRY(CKR_SIGNATURE_LEN_RANGE, TOK_ERR_NOT_READY),
    CKR_ENTRY(CKR_TEMPLATE_INCOMPLETE, TOK_ERR_INTERNAL),
    CKR_ENTRY(CKR_TEMPLATE_INCONSISTENT, TOK_ERR_UNSUPPORTED),
    CKR_ENTRY(CKR_TOKEN_NOT_PRESENT, TOK_ERR_TOKEN_REMOVED),
    CKR_ENTRY(CKR_TOKEN_NOT_RECOGNIZED, TOK_ERR_NO_TOKEN),
    CKR_ENTRY(CKR_TOKEN_WRITE_PROTECTED, TOK_ERR_TOKEN_FAULT),
    CKR_ENTRY(CKR_USER_ALREADY_LOGGED_IN, TOK_OK),
    CKR_ENTRY(CKR_USER_NOT_LOGGED_IN, TOK_ERR_NOT_LOGGED_IN),
    CKR_ENTRY(CKR_USER_PIN_NOT_INITIALIZED, TOK_ERR_TOKEN_NOT_INITIALIZED),
    CKR_ENTRY(CKR_USER_TYPE_INVALID, TOK_ERR_INVALID_ARGUMENT),
    CKR_ENTRY(CKR_USER_ANOTHER_ALREADY_LOGGED_IN, TOK_ERR_INTERNAL),
    CKR_ENTRY(CKR_USER_TOO_MANY_TYPES, TOK_ERR_INTERNAL),
    CKR_ENTRY(CKR_DOMAIN_PARAMS_INVALID, TOK_ERR_UNSUPPORTED),
    CKR_ENTRY(CKR_CURVE_NOT_SUPPORTED, TOK_ERR_UNSUPPORTED),
    CKR_ENTRY(CKR_BUFFER_TOO_SMALL, TOK_ERR_INTERNAL),
    CKR_ENTRY(CKR_CRYPTOKI_NOT_INITIALIZED, TOK_ERR_MODULE),
    CKR_ENTRY(CKR_CRYPTOKI_ALREADY_INITIALIZED, TOK_OK),
    CKR_ENTRY(CKR_FUNCTION_REJECTED, TOK_ERR_CANCELLED),
};

const char *
tok_status_name(int code)
{
	for (size_t i = 0; i < sizeof(status_names) / sizeof(status_names[0]); i++)
		if (status_names[i].code == code)
			return status_names[i].name;
	return "TOK_ERR_UNKNOWN";
}

const char *
tok_ckr_name(unsigned long rv)
{
	for (size_t i = 0; i < sizeof(ckr_table) / sizeof(ckr_table[0]); i++)
		if (ckr_table[i].rv == rv)
			return ckr_table[i].name;
	return rv >= CKR_VENDOR_DEFINED ? "CKR_VENDOR_DEFINED" : "CKR_UNKNOWN";
}

static int
ckr_status(unsigned long rv)
{
	for (size_t i = 0; i < sizeof(ckr_table) / sizeof(ckr_table[0]); i++)
		if (ckr_table[i].rv == rv)
			return ckr_table[i].code;
	return TOK_ERR_INTERNAL;
}

static int error_vset(struct tok_error *err, int code, const char *format, va_list ap)
    __attribute__((format(printf, 3, 0)));

static int
error_vset(struct tok_error *err, int code, const char *format, va_list ap)
{
	if (err == NULL)
		return code;
	err->code = code;
	err->ckr = 0;
	err->ckr_name[0] = '\0';
	err->retries_left = -1;
	vsnprintf(err->message, sizeof(err->message), format, ap);
	return code;
}

int
tok_error_set(struct tok_error *err, int code, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	error_vset(err, code, format, ap);
	va_end(ap);
	return code;
}

int
tok_error_ckr(struct tok_error *err, int code, unsigned long rv, const char *format, ...)
{
	va_list ap;
	size_t used;

	if (code == TOK_ERR_INTERNAL)
		code = ckr_status(rv);
	va_start(ap, format);
	error_vset(err, code, format, ap);
	va_end(ap);
	if (err != NULL) {
		err->ckr = rv;
		snprintf(err->ckr_name, sizeof(err->ckr_name), "%s", tok_ckr_name(rv));
		used = strlen(err->message);
		snprintf(err->message + used, sizeof(err->message) - used, " (%s)", err->ckr_name);
	}
	return code;
}

void
tok_openssl_errors_append(char *buf, size_t size)
{
	unsigned long e;
	size_t used;

	while ((e = ERR_get_error()) != 0) {
		if (buf == NULL)
			continue;
		used = strlen(buf);
		if (used + 3 < size) {
			snprintf(buf + used, size - used, ": ");
			ERR_error_string_n(e, buf + used + 2, size - used - 2);
		}
	}
}

void
tok_error_openssl(struct tok_error *err)
{
	tok_openssl_errors_append(err ? err->message : NULL, err ? sizeof(err->message) : 0);
}

static tok_log_fn log_fn;
static void *log_arg;

void
tok_set_log(tok_log_fn fn, void *arg)
{
	log_fn = fn;
	log_arg = arg;
}

void
tok_log(enum tok_log_level level, const char *format, ...)
{
	char message[1024];
	va_list ap;

	if (log_fn == NULL)
		return;
	va_start(ap, format);
	vsnprintf(message, sizeof(message), format, ap);
	va_end(ap);
	log_fn(log_arg, level, message);
}
