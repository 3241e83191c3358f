/*
 * tap.h: a tiny TAP harness. Each test is a function named after the behaviour it
 * specifies; checks inside it record failures; the test prints one "ok"/"not ok" line.
 */
#ifndef ENROLL_TAP_H
#define ENROLL_TAP_H

#include <stdbool.h>
#include <string.h>

/* Run one test function and print its TAP line. */
void tap_run(const char *name, void (*fn)(void));
/* Print the plan and return the exit status for main(): 0 if every test passed. */
int tap_done(void);
/* Record a check; on failure print a diagnostic naming file, line and expression. */
bool tap_check(bool passed, const char *file, int line, const char *expression);
/* Print a diagnostic line ("# ...") for the current test. */
void tap_diag(const char *format, ...) __attribute__((format(printf, 1, 2)));

#define TAP_TEST(fn) tap_run(#fn, fn)
#define check(cond) tap_check((cond), __FILE__, __LINE__, #cond)
#define check_int(a, b)                                                                            \
	do {                                                                                       \
		long long check_a_ = (long long)(a), check_b_ = (long long)(b);                    \
		if (!tap_check(check_a_ == check_b_, __FILE__, __LINE__, #a " == " #b))            \
			tap_diag("    got %lld, expected %lld", check_a_, check_b_);               \
	} while (0)
#define check_str(a, b)                                                                            \
	do {                                                                                       \
		const char *check_a_ = (a), *check_b_ = (b);                                       \
		bool check_same_ = check_a_ && check_b_ && strcmp(check_a_, check_b_) == 0;        \
		if (!tap_check(check_same_, __FILE__, __LINE__, #a " equals " #b))                 \
			tap_diag("    got \"%s\", expected \"%s\"",                                \
				 check_a_ ? check_a_ : "(null)", check_b_ ? check_b_ : "(null)");  \
	} while (0)

#endif
