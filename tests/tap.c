/*
 * tap.c: the TAP harness behind tap.h. Output goes to stdout for automake's tap-driver.sh.
 */
#include <stdarg.h>
#include <stdio.h>

#include "tap.h"

static int tests_run;
static int tests_failed;
static bool current_failed;

void
tap_run(const char *name, void (*fn)(void))
{
	current_failed = false;
	fn();
	tests_run++;
	if (current_failed)
		tests_failed++;
	printf("%s %d - %s\n", current_failed ? "not ok" : "ok", tests_run, name);
	fflush(stdout);
}

int
tap_done(void)
{
	printf("1..%d\n", tests_run);
	return tests_failed == 0 ? 0 : 1;
}

bool
tap_check(bool passed, const char *file, int line, const char *expression)
{
	if (!passed) {
		current_failed = true;
		printf("# %s:%d: check failed: %s\n", file, line, expression);
	}
	return passed;
}

void
tap_diag(const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	printf("# ");
	vprintf(format, ap);
	printf("\n");
	va_end(ap);
}
