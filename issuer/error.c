/*
 * error.c: the issuer library's statuses as names, its error struct filled in one way,
 * and its log, which goes only where the command points it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "issuer-int.h"

static const struct {
	int code;
	const char *name;
} status_names[] = {
    {ISS_OK, "ISS_OK"},
    {ISS_ERR_INTERNAL, "ISS_ERR_INTERNAL"},
    {ISS_ERR_INVALID_ARGUMENT, "ISS_ERR_INVALID_ARGUMENT"},
    {ISS_ERR_UNKNOWN_CONNECTOR, "ISS_ERR_UNKNOWN_CONNECTOR"},
    {ISS_ERR_MISSING_SETTING, "ISS_ERR_MISSING_SETTING"},
    {ISS_ERR_IO, "ISS_ERR_IO"},
    {ISS_ERR_MALFORMED, "ISS_ERR_MALFORMED"},
    {ISS_ERR_NOT_ISSUED, "ISS_ERR_NOT_ISSUED"},
    {ISS_ERR_EXISTS, "ISS_ERR_EXISTS"},
    {ISS_ERR_UNSAFE, "ISS_ERR_UNSAFE"},
    {ISS_ERR_UNSAFE_ANCHORS, "ISS_ERR_UNSAFE_ANCHORS"},
};

const char *
iss_status_name(int code)
{
	for (size_t i = 0; i < sizeof(status_names) / sizeof(status_names[0]); i++)
		if (status_names[i].code == code)
			return status_names[i].name;
	return "ISS_ERR_UNKNOWN";
}

int
iss_error_set(struct iss_error *err, int code, const char *format, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->code = code;
	va_start(ap, format);
	vsnprintf(err->message, sizeof(err->message), format, ap);
	va_end(ap);
	return code;
}

int
iss_error_from_tok(struct iss_error *err, int code, const struct tok_error *tok)
{
	return iss_error_set(err, code, "%s", tok->message);
}

void
iss_error_openssl(struct iss_error *err)
{
	tok_openssl_errors_append(err ? err->message : NULL, err ? sizeof(err->message) : 0);
}

static iss_log_fn log_fn;
static void *log_arg;

void
iss_set_log(iss_log_fn fn, void *arg)
{
	log_fn = fn;
	log_arg = arg;
}

void
iss_log(const char *format, ...)
{
	char message[1024];
	va_list ap;

	if (log_fn == NULL)
		return;
	va_start(ap, format);
	vsnprintf(message, sizeof(message), format, ap);
	va_end(ap);
	log_fn(log_arg, message);
}
