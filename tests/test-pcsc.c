/*
 * test-pcsc.c: readers and card events against a real pcscd with the vpcd virtual reader,
 * and the vcard program as the card (its connecting is the insertion, its exit the
 * removal). One pcscd per machine: this test takes the same lock as lib.sh's
 * t_pcscd_start, and kills and reaps pcscd and every vcard at exit.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fixture.h"
#include "pcsc.h"
#include "tap.h"

#define READER "Virtual PCD 00 00" /* vpcd's first slot: port 35963 */
#define EPASS2003_ATR "3B 9F 95 81 31 FE 9F 00 66 46 53 05 01 00 11 71 DF 00 00 03 6A 82 F8"
#define EPASS3000_ATR "3B 0F 00 65 46 53 05 16 05 71 DF 00 00 00 80 6A 82"

static pid_t pcscd_pid = -1;
static pid_t vcard_pid = -1;

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
stop_child(pid_t *pid)
{
	if (*pid <= 0)
		return;
	kill(*pid, SIGTERM);
	waitpid(*pid, NULL, 0);
	*pid = -1;
}

static void
stop_children(void)
{
	stop_child(&vcard_pid);
	stop_child(&pcscd_pid);
}

static void
on_fatal_signal(int sig)
{
	/* kill() and waitpid() are async-signal-safe; the harness must not leave pcscd */
	if (vcard_pid > 0)
		kill(vcard_pid, SIGTERM);
	if (pcscd_pid > 0) {
		kill(pcscd_pid, SIGTERM);
		waitpid(pcscd_pid, NULL, 0);
	}
	_exit(128 + sig);
}

static pid_t
spawn(char *const argv[], const char *log)
{
	pid_t pid = fork();
	int fd;

	if (pid == 0) {
		if ((fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600)) >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* Take the machine's pcscd turn (the lock lib.sh uses too); refuse a foreign pcscd. */
static bool
pcscd_lock(void)
{
	const char *base = getenv("TMPDIR");
	char path[4096];
	int fd;

	snprintf(path, sizeof path, "%s/enroll-pcscd.lock", base ? base : "/tmp");
	if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0666)) < 0 || flock(fd, LOCK_EX) != 0)
		return false;
	/* held until exit; the descriptor is deliberately never closed */
	return fixture_run("pgrep -x pcscd >/dev/null") != 0;
}

/* Start pcscd with only vpcd configured; wait until it lists the reader. */
static bool
pcscd_start(void)
{
	char *confdir = fixture_tmp_path("reader.conf.d"), *command;
	char *argv[] = {"pcscd", "-f", "-c", confdir, NULL};
	struct pcsc_reader *readers = NULL;
	struct tok_error err;
	struct pcsc_ctx *ctx;
	size_t count = 0;
	int i;

	bool copied;

	if (asprintf(&command, "mkdir -p '%s' && cp /etc/reader.conf.d/vpcd '%s'/", confdir,
		     confdir) < 0)
		return false;
	copied = fixture_run(command) == 0;
	free(command);
	if (!copied)
		return false;
	pcscd_pid = spawn(argv, fixture_tmp_path("pcscd.log"));
	for (i = 0; i < 100 && count == 0; i++) {
		usleep(50 * 1000);
		if ((ctx = pcsc_ctx_new(&err)) == NULL)
			continue;
		if (pcsc_list_readers(ctx, &readers, &count, &err) != 0)
			count = 0;
		free(readers);
		pcsc_ctx_free(ctx);
	}
	return count > 0;
}

/* Insert a card: vcard connects to vpcd after delay_ms and stamps when it did. */
static void
card_insert(const char *atr, int delay_ms)
{
	char delay[16];
	char *argv[] = {VCARD,
			"--atr",
			(char *)atr,
			"--delay-ms",
			delay,
			"--stamp",
			fixture_tmp_path("vcard.stamp"),
			NULL};

	snprintf(delay, sizeof delay, "%d", delay_ms);
	unlink(argv[6]);
	vcard_pid = spawn(argv, fixture_tmp_path("vcard.log"));
}

/* When vcard connected (CLOCK_MONOTONIC ms, system-wide), -1 if it has not. */
static long long
card_inserted_at(void)
{
	long long at = -1;
	FILE *f = fopen(fixture_tmp_path("vcard.stamp"), "r");

	if (f) {
		if (fscanf(f, "%lld", &at) != 1)
			at = -1;
		fclose(f);
	}
	return at;
}

/* Remove the card and wait until pcscd reports the reader empty: the next test starts quiet. */
static bool
card_remove_and_settle(struct pcsc_ctx *ctx)
{
	struct pcsc_reader *readers = NULL;
	struct tok_error err;
	size_t count = 0, i;
	bool empty = false;
	int tries;

	stop_child(&vcard_pid);
	for (tries = 0; tries < 40 && !empty; tries++, usleep(50 * 1000)) {
		if (pcsc_list_readers(ctx, &readers, &count, &err) != 0)
			break;
		for (i = 0; i < count; i++)
			if (strcmp(readers[i].name, READER) == 0)
				empty = readers[i].state == PCSC_READER_EMPTY;
		free(readers);
	}
	return empty;
}

static struct pcsc_ctx *
connect_pcscd(void)
{
	struct tok_error err;
	struct pcsc_ctx *ctx = pcsc_ctx_new(&err);

	if (ctx == NULL)
		tap_diag("pcsc_ctx_new: %s", err.message);
	return ctx;
}

static void
pcscd_not_running_is_reported_with_how_to_start_it(void)
{
	struct tok_error err;
	struct pcsc_ctx *ctx = pcsc_ctx_new(&err);

	check(ctx == NULL);
	check_int(err.code, TOK_ERR_PCSC_UNAVAILABLE);
	check(strstr(err.message, "systemctl start pcscd.socket") != NULL);
	pcsc_ctx_free(ctx);
}

static void
reader_without_card_is_reported_empty(void)
{
	struct pcsc_ctx *ctx = connect_pcscd();
	struct pcsc_reader *readers = NULL;
	struct tok_error err;
	size_t count = 0, i;
	bool seen = false;

	check(ctx != NULL);
	check_int(pcsc_list_readers(ctx, &readers, &count, &err), 0);
	for (i = 0; i < count; i++) {
		if (strcmp(readers[i].name, READER) != 0)
			continue;
		seen = true;
		check_str(pcsc_card_state_name(readers[i].state), "empty");
		check_int(readers[i].atr_len, 0);
	}
	check(seen);
	free(readers);
	pcsc_ctx_free(ctx);
}

static void
wait_with_timeout_ends_at_the_timeout(void)
{
	struct pcsc_ctx *ctx = connect_pcscd();
	struct pcsc_event event;
	struct tok_error err;
	long long start = now_ms(), elapsed;

	check_int(pcsc_wait_event(ctx, READER, 700, &event, &err), TOK_ERR_TIMEOUT);
	elapsed = now_ms() - start;
	tap_diag("timed out after %lld ms (asked 700)", elapsed);
	check(elapsed >= 690 && elapsed < 900);
	pcsc_ctx_free(ctx);
}

static void
insertion_is_seen_within_one_second_and_named_from_smartcard_list(void)
{
	struct pcsc_ctx *ctx = connect_pcscd();
	struct pcsc_event event;
	struct tok_error err;
	long long seen, latency;

	card_insert(EPASS3000_ATR, 300);
	check_int(pcsc_wait_event(ctx, NULL, 5000, &event, &err), 0);
	seen = now_ms();
	latency = seen - card_inserted_at();
	tap_diag("insertion seen %lld ms after the card connected", latency);
	check(card_inserted_at() > 0 && latency < 1000);
	check_int(event.kind, PCSC_EVENT_INSERTED);
	check_str(event.reader, READER);
	check_str(event.atr_hex, EPASS3000_ATR);
	check_int(event.model.source, PCSC_MODEL_SMARTCARD_LIST);
	check_str(event.model.name, "Feitian ePass3000, OpenSC formatted");
	pcsc_ctx_free(ctx);
}

static volatile long long removed_at;

/* The removal comes while the wait is under way, as the applicant pulls the token. */
static void
on_alarm_remove(int sig)
{
	removed_at = now_ms(); /* clock_gettime is async-signal-safe */
	if (vcard_pid > 0)
		kill(vcard_pid, SIGTERM);
}

static void
removal_is_seen_within_one_second(void)
{
	struct sigaction sa = {.sa_handler = on_alarm_remove};
	struct itimerval in_300ms = {.it_value = {0, 300 * 1000}};
	struct pcsc_ctx *ctx = connect_pcscd();
	struct pcsc_event event;
	struct tok_error err;
	long long latency;

	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &in_300ms, NULL);
	check_int(pcsc_wait_event(ctx, READER, 5000, &event, &err), 0);
	latency = now_ms() - removed_at;
	tap_diag("removal seen %lld ms after the card left", latency);
	check(removed_at > 0 && latency < 1000);
	check_int(event.kind, PCSC_EVENT_REMOVED);
	check_str(event.reader, READER);
	stop_child(&vcard_pid);
	pcsc_ctx_free(ctx);
}

static void
epass2003_is_named_from_our_table_when_it_arrives(void)
{
	struct pcsc_ctx *ctx = connect_pcscd();
	struct pcsc_event event;
	struct tok_error err;

	card_insert(EPASS2003_ATR, 300);
	check_int(pcsc_wait_card(ctx, NULL, 5000, &event, &err), 0);
	check_int(event.kind, PCSC_EVENT_INSERTED);
	check_str(event.atr_hex, EPASS2003_ATR);
	check_int(event.model.source, PCSC_MODEL_DEVICE_TABLE);
	check_str(event.model.name, "Feitian ePass2003");
	check(strstr(event.model.quirks, "needs-pkcs15-init") != NULL);
	pcsc_ctx_free(ctx);
}

static void
card_already_present_is_listed_and_returned_at_once(void)
{
	struct pcsc_ctx *ctx = connect_pcscd();
	struct pcsc_reader *readers = NULL;
	struct pcsc_event event;
	struct tok_error err;
	size_t count = 0, i;
	long long start = now_ms();

	check_int(pcsc_wait_card(ctx, READER, 5000, &event, &err), 0);
	check(now_ms() - start < 200);
	check_int(event.kind, PCSC_EVENT_PRESENT);
	check_str(event.model.id, "epass2003");
	check_int(pcsc_list_readers(ctx, &readers, &count, &err), 0);
	for (i = 0; i < count; i++)
		if (strcmp(readers[i].name, READER) == 0) {
			check_str(pcsc_card_state_name(readers[i].state), "present");
			check_str(readers[i].atr_hex, EPASS2003_ATR);
			check_str(readers[i].model.id, "epass2003");
		}
	check(count > 0);
	free(readers);
	check(card_remove_and_settle(ctx));
	pcsc_ctx_free(ctx);
}

static void
on_alarm(int sig)
{
	pcsc_cancel();
}

static void
ctrl_c_cancels_a_wait_promptly(void)
{
	struct sigaction sa = {.sa_handler = on_alarm};
	struct itimerval in_300ms = {.it_value = {0, 300 * 1000}};
	struct pcsc_ctx *ctx = connect_pcscd();
	struct pcsc_event event;
	struct tok_error err;
	long long start = now_ms();

	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &in_300ms, NULL);
	check_int(pcsc_wait_event(ctx, NULL, 10000, &event, &err), TOK_ERR_CANCELLED);
	tap_diag("cancelled after %lld ms (signal at 300)", now_ms() - start);
	check(now_ms() - start < 700);
	/* the cancel is spent: the next wait runs to its own timeout */
	check_int(pcsc_wait_event(ctx, READER, 100, &event, &err), TOK_ERR_TIMEOUT);
	pcsc_ctx_free(ctx);
}

static void
virtual_reader_has_no_pinpad_and_unknown_reader_is_refused(void)
{
	struct pcsc_ctx *ctx = connect_pcscd();
	struct pcsc_event event;
	struct tok_error err;
	bool verify = true, modify = true;

	check_int(pcsc_reader_pinpad(ctx, READER, &verify, &modify, &err), 0);
	check(!verify && !modify);
	check_int(pcsc_wait_event(ctx, "No Such Reader 00 00", 100, &event, &err),
		  TOK_ERR_NO_TOKEN);
	check(strstr(err.message, "No Such Reader") != NULL);
	pcsc_ctx_free(ctx);
}

int
main(void)
{
	fixture_tmpdir(); /* its cleanup must run after ours */
	atexit(stop_children);
	signal(SIGTERM, on_fatal_signal);
	signal(SIGINT, on_fatal_signal);
	pcsc_set_data_files(DEVICES_CONF, NULL);
	if (!pcscd_lock()) {
		printf("Bail out! pcscd is already running outside the tests: stop it first\n");
		return 1;
	}
	TAP_TEST(pcscd_not_running_is_reported_with_how_to_start_it);
	if (!pcscd_start()) {
		printf("Bail out! pcscd with vpcd did not start (see %s)\n",
		       fixture_tmp_path("pcscd.log"));
		return 1;
	}
	TAP_TEST(reader_without_card_is_reported_empty);
	TAP_TEST(wait_with_timeout_ends_at_the_timeout);
	TAP_TEST(insertion_is_seen_within_one_second_and_named_from_smartcard_list);
	TAP_TEST(removal_is_seen_within_one_second);
	TAP_TEST(epass2003_is_named_from_our_table_when_it_arrives);
	TAP_TEST(card_already_present_is_listed_and_returned_at_once);
	TAP_TEST(ctrl_c_cancels_a_wait_promptly);
	TAP_TEST(virtual_reader_has_no_pinpad_and_unknown_reader_is_refused);
	pcsc_set_data_files(NULL, NULL);
	return tap_done();
}
