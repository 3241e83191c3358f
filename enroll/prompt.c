/*
 * prompt.c: PIN entry (hidden on the terminal, or one line per PIN from --pin-fd as gpg
 * does), the process protections that come before it, and the key-generation progress line.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define OFFICE_MIN_PIN 6
#define NEW_PIN_ATTEMPTS 3

void
cli_protect_process(void)
{
	struct rlimit none = {0, 0};

	setrlimit(RLIMIT_CORE, &none);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/*
 * Read a line from the terminal without echo, byte by byte into the locked PIN buffer.
 * Without a terminal the hint names the option of the PIN asked for (so: the SO PIN's).
 */
static int
read_tty_pin(bool so, const char *prompt, struct tok_pin *pin)
{
	struct termios saved, quiet;
	int fd, status = 0;
	char c;
	ssize_t n;

	tok_pin_clear(pin);
	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) < 0) {
		fprintf(stderr, "enroll: %s\n  %s\n",
			so ? _("no terminal to ask for the SO PIN")
			   : _("no terminal to ask for the PIN"),
			so ? _("run it on a terminal, or give the SO PIN with --so-pin-fd N")
			   : _("run it on a terminal, or give the PIN with --pin-fd N"));
		return EXIT_USAGE;
	}
	if (tcgetattr(fd, &saved) != 0) {
		close(fd);
		return EXIT_INTERNAL;
	}
	/* Echo goes off before the prompt shows, so nothing typed after it is ever echoed. */
	quiet = saved;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	if (tcsetattr(fd, TCSANOW, &quiet) != 0 || write(fd, prompt, strlen(prompt)) < 0) {
		tcsetattr(fd, TCSANOW, &saved);
		close(fd);
		return EXIT_INTERNAL;
	}
	while ((n = read(fd, &c, 1)) == 1 || (n < 0 && errno == EINTR)) {
		if (n < 0)
			continue;
		if (c == '\n' || c == '\r')
			break;
		if (tok_pin_append(pin, c) != TOK_OK) {
			status = EXIT_PIN_POLICY;
			break;
		}
	}
	c = 0;
	tcsetattr(fd, TCSANOW, &saved);
	if (write(fd, "\n", 1) < 0)
		status = EXIT_INTERNAL;
	close(fd);
	if (n == 0 && tok_pin_length(pin) == 0)
		status = EXIT_CANCELLED;
	if (status != 0)
		tok_pin_clear(pin);
	return status;
}

int
cli_read_pin(struct cli *cli, bool so, const char *prompt, struct tok_pin *pin)
{
	struct tok_error err;
	int fd = so ? cli->so_pin_fd : cli->pin_fd;

	cli_protect_process();
	if (fd < 0)
		return read_tty_pin(so, prompt, pin);
	if (tok_pin_read_fd(pin, fd, &err) != TOK_OK)
		return cli_fail_tok(cli, &err);
	return 0;
}

int
cli_read_new_pin(struct cli *cli, bool so, struct tok_token *token, struct tok_pin *pin)
{
	struct tok_pin *again = tok_pin_new();
	struct tok_error err;
	bool interactive = (so ? cli->so_pin_fd : cli->pin_fd) < 0;
	int r = EXIT_PIN_POLICY;

	if (again == NULL)
		return EXIT_INTERNAL;
	for (int attempt = 0; attempt < NEW_PIN_ATTEMPTS; attempt++) {
		if ((r = cli_read_pin(cli, so,
				      !so ? _("New PIN: ")
				      : cli->so_pin_hex16
					  ? _("New SO PIN (16 hexadecimal digits): ")
					  : _("New SO PIN: "),
				      pin)) != 0 ||
		    (r = cli_read_pin(cli, so, so ? _("New SO PIN again: ") : _("New PIN again: "),
				      again)) != 0)
			break;
		if (!tok_pin_equal(pin, again)) {
			fprintf(stderr, "enroll: %s\n", _("the two PINs differ"));
			r = EXIT_PIN_POLICY;
		} else if (!so &&
			   tok_check_pin_policy(token, pin, OFFICE_MIN_PIN, &err) != TOK_OK) {
			r = cli_fail_tok(cli, &err);
		} else if (so && tok_check_so_pin(pin, cli->so_pin_hex16, &err) != TOK_OK) {
			r = cli_fail_tok(cli, &err);
		} else {
			r = 0;
			break;
		}
		if (!interactive)
			break;
		fprintf(stderr, "  %s\n", _("Please type the PIN again."));
	}
	tok_pin_free(again);
	if (r != 0)
		tok_pin_clear(pin);
	return r;
}

void
cli_warn_tries(const struct cli *cli, const struct tok_info *info)
{
	if (info->user_pin_final_try)
		fprintf(stderr, "enroll: %s\n",
			_("warning: this is the last try before the PIN is blocked"));
	else if (info->user_pin_count_low && cli->pin_fd < 0)
		fprintf(stderr, "enroll: %s\n",
			_("warning: the PIN was typed wrong before; few tries are left"));
}

int
cli_login(struct cli *cli, struct tok_token *token)
{
	struct tok_info info;
	struct tok_error err;
	struct tok_pin *pin = NULL;
	int r;

	if (tok_get_info(token, &info, &err) != TOK_OK)
		return cli_fail_tok(cli, &err);
	cli_warn_tries(cli, &info);
	if (info.protected_auth_path && cli->pin_fd < 0) {
		fprintf(stderr, "%s\n",
			_("Type the PIN on the reader's pinpad, or on the token itself."));
	} else {
		if ((pin = tok_pin_new()) == NULL)
			return EXIT_INTERNAL;
		if ((r = cli_read_pin(cli, false, _("Token PIN: "), pin)) != 0)
			goto out;
	}
	r = tok_login(token, TOK_USER, pin, &err) == TOK_OK ? 0 : cli_fail_tok(cli, &err);
out:
	tok_pin_free(pin);
	return r;
}

/* Progress: a thread prints elapsed seconds while the main thread waits on the token. */
struct progress {
	const char *what;
	pthread_mutex_t lock;
	pthread_cond_t done_cond;
	bool done;
};

static void *
progress_thread(void *arg)
{
	struct progress *p = arg;
	struct timespec start, deadline;
	bool tty = isatty(STDERR_FILENO);

	clock_gettime(CLOCK_REALTIME, &start);
	deadline = start;
	pthread_mutex_lock(&p->lock);
	while (!p->done) {
		deadline.tv_sec++;
		if (pthread_cond_timedwait(&p->done_cond, &p->lock, &deadline) == ETIMEDOUT && tty)
			fprintf(stderr, "\r%s %lds ", p->what,
				(long)(deadline.tv_sec - start.tv_sec));
	}
	pthread_mutex_unlock(&p->lock);
	clock_gettime(CLOCK_REALTIME, &deadline);
	fprintf(stderr, "%s%s %lds\n", tty ? "\r" : "", p->what,
		(long)(deadline.tv_sec - start.tv_sec));
	return NULL;
}

int
cli_with_progress(const char *what, int (*fn)(void *arg), void *arg)
{
	struct progress p = {.what = what, .done = false};
	pthread_t thread;
	bool started;
	int r;

	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.done_cond, NULL);
	if (!isatty(STDERR_FILENO))
		fprintf(stderr, "%s\n", what);
	started = pthread_create(&thread, NULL, progress_thread, &p) == 0;
	r = fn(arg);
	pthread_mutex_lock(&p.lock);
	p.done = true;
	pthread_cond_signal(&p.done_cond);
	pthread_mutex_unlock(&p.lock);
	if (started)
		pthread_join(thread, NULL);
	pthread_cond_destroy(&p.done_cond);
	pthread_mutex_destroy(&p.lock);
	return r;
}

void
cli_crash_point(const char *name)
{
#ifdef ENROLL_TEST_HOOKS
	const char *hold = getenv("ENROLL_TEST_HOLD");
	size_t n = strlen(name);

	/* "NAME:MS": stay here that long, holding whatever is held (for the race tests). */
	if (hold != NULL && strncmp(hold, name, n) == 0 && hold[n] == ':')
		usleep((useconds_t)strtoul(hold + n + 1, NULL, 10) * 1000);
	const char *at = getenv("ENROLL_TEST_CRASH_AT");

	if (at != NULL && strcmp(at, name) == 0)
		raise(SIGKILL);
#else
	(void)name;
#endif
}
