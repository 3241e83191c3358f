/*
 * module.c: loading the PKCS#11 module, once, in two ways that share one instance: libp11
 * (slots, login, keys as EVP_PKEY) and our own dlopen of the same file for the calls
 * libp11 0.4.12 does not offer with full control (C_GenerateKeyPair, C_CreateObject).
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>

#include "token-int.h"

/*
 * dlopen of the path libp11 already loaded returns the same library instance, so the
 * function list we get is the one libp11 initialized: sessions and login are shared.
 */
static int
module_bind(struct tok_ctx *ctx, struct tok_error *err)
{
	CK_C_GetFunctionList get_function_list;
	CK_C_INITIALIZE_ARGS args;
	CK_RV rv;

	/* Never unmapped: a module's threads and exit handlers (OpenSC's, p11-kit's) outlive
	 * C_Finalize, and what it leaves stays attributable to it in leak reports. */
	ctx->module_handle = dlopen(ctx->module_path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (ctx->module_handle == NULL)
		return tok_error_set(err, TOK_ERR_MODULE, _("cannot load %s: %s"), ctx->module_path,
				     dlerror());
	*(void **)&get_function_list = dlsym(ctx->module_handle, "C_GetFunctionList");
	if (get_function_list == NULL)
		return tok_error_set(err, TOK_ERR_MODULE, _("%s is not a PKCS#11 module"),
				     ctx->module_path);
	rv = get_function_list(&ctx->fn);
	if (rv != CKR_OK || ctx->fn == NULL)
		return tok_error_ckr(err, TOK_ERR_MODULE, rv, _("C_GetFunctionList of %s failed"),
				     ctx->module_path);
	/* libp11 has initialized it; "already initialized" is the answer we expect. */
	memset(&args, 0, sizeof(args));
	args.flags = CKF_OS_LOCKING_OK;
	rv = ctx->fn->C_Initialize(&args);
	if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED)
		return tok_error_ckr(err, TOK_ERR_MODULE, rv, _("C_Initialize of %s failed"),
				     ctx->module_path);
	/* p11-kit's proxy gives each C_GetFunctionList an instance of its own: ours. */
	ctx->own_initialize = rv == CKR_OK;
	return TOK_OK;
}

struct tok_ctx *
tok_ctx_new(const char *module_path, struct tok_error *err)
{
	struct tok_ctx *ctx = NULL, *result = NULL;

	if (module_path == NULL)
		module_path = ENROLL_DEFAULT_MODULE;
	if ((ctx = calloc(1, sizeof(*ctx))) == NULL ||
	    (ctx->module_path = strdup(module_path)) == NULL) {
		tok_error_set(err, TOK_ERR_INTERNAL, _("out of memory"));
		goto out;
	}
	/* Checked first: libp11 would write its own dlopen error to stderr. */
	if (access(module_path, R_OK) != 0) {
		tok_error_set(err, TOK_ERR_MODULE, _("cannot load PKCS#11 module %s: %s"),
			      module_path, strerror(errno));
		goto out;
	}
	if ((ctx->p11 = PKCS11_CTX_new()) == NULL) {
		tok_error_set(err, TOK_ERR_INTERNAL, _("PKCS11_CTX_new failed"));
		goto out;
	}
	if (PKCS11_CTX_load(ctx->p11, module_path) != 0) {
		tok_error_set(err, TOK_ERR_MODULE, _("cannot load PKCS#11 module %s"), module_path);
		tok_error_openssl(err);
		PKCS11_CTX_free(ctx->p11);
		ctx->p11 = NULL;
		goto out;
	}
	if (module_bind(ctx, err) != TOK_OK)
		goto out;
	tok_log(TOK_LOG_DEBUG, "loaded PKCS#11 module %s", module_path);
	result = ctx;
	ctx = NULL;
out:
	tok_ctx_free(ctx);
	return result;
}

void
tok_ctx_free(struct tok_ctx *ctx)
{
	if (ctx == NULL)
		return;
	/*
	 * C_Finalize through our own handle only when it was initialized for us (p11-kit's
	 * proxy); otherwise libp11 owns the initialization and finalizes in PKCS11_CTX_unload.
	 */
	if (ctx->own_initialize)
		ctx->fn->C_Finalize(NULL);
	if (ctx->p11 != NULL) {
		PKCS11_CTX_unload(ctx->p11);
		PKCS11_CTX_free(ctx->p11);
	}
	if (ctx->module_handle != NULL)
		dlclose(ctx->module_handle);
	free(ctx->module_path);
	free(ctx);
}
