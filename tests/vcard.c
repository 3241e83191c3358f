/*
 * vcard.c: a virtual card for the PC/SC tests. It connects to the vpcd reader driver on
 * 127.0.0.1 (its connecting is the insertion, its exiting the removal) and answers vpcd:
 * the ATR it was given, and a refusal to every APDU (it holds no application).
 *
 * usage: vcard --atr "3B 9F ..." [--port 35963] [--delay-ms N] [--lifetime-ms N]
 *              [--stamp FILE]
 * --stamp writes the CLOCK_MONOTONIC millisecond at which the card was connected, so that
 * a test can measure how long PC/SC took to see it. SIGTERM removes the card and exits 0.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* vpcd's control messages: a one-byte payload. Anything longer is a command APDU. */
enum { VPCD_POWER_OFF = 0, VPCD_POWER_ON = 1, VPCD_RESET = 2, VPCD_GET_ATR = 4 };

static volatile sig_atomic_t stop_requested;

static void
on_term(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static size_t
parse_hex(const char *text, unsigned char *out, size_t max)
{
	size_t n = 0;
	unsigned int byte;
	int used;

	while (n < max && sscanf(text, " %2x%n", &byte, &used) == 1) {
		out[n++] = (unsigned char)byte;
		text += used;
	}
	return n;
}

static int
connect_vpcd(int port, long long give_up_at)
{
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int fd;

	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	while (!stop_requested && now_ms() < give_up_at) {
		if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
			return -1;
		if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0)
			return fd;
		close(fd);
		usleep(50 * 1000); /* vpcd listens only once pcscd has loaded it */
	}
	return -1;
}

/* Read exactly n bytes; 0 on success, -1 at EOF, error or stop. */
static int
read_full(int fd, unsigned char *buf, size_t n, long long deadline)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	size_t got = 0;
	ssize_t r;
	int wait;

	while (got < n) {
		if (stop_requested)
			return -1;
		wait = deadline < 0 ? 200 : (int)(deadline - now_ms());
		if (deadline >= 0 && wait <= 0)
			return -1;
		if (poll(&pfd, 1, wait > 200 ? 200 : wait) <= 0)
			continue;
		r = read(fd, buf + got, n - got);
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

static int
send_message(int fd, const unsigned char *payload, size_t n)
{
	unsigned char frame[2 + 300];

	frame[0] = (unsigned char)(n >> 8);
	frame[1] = (unsigned char)n;
	memcpy(frame + 2, payload, n);
	return write(fd, frame, n + 2) == (ssize_t)(n + 2) ? 0 : -1;
}

/* One message from vpcd and our answer. -1 ends the card. */
static int
serve_one(int fd, const unsigned char *atr, size_t atr_len, long long deadline)
{
	static const unsigned char file_not_found[] = {0x6A, 0x82};
	static const unsigned char ins_not_supported[] = {0x6D, 0x00};
	unsigned char header[2], payload[65536];
	size_t n;

	if (read_full(fd, header, 2, deadline) != 0)
		return -1;
	n = (size_t)header[0] << 8 | header[1];
	if (read_full(fd, payload, n, deadline) != 0)
		return -1;
	if (n == 1)
		return payload[0] == VPCD_GET_ATR ? send_message(fd, atr, atr_len) : 0;
	if (n >= 4 && payload[1] == 0xA4) /* SELECT: we hold no application */
		return send_message(fd, file_not_found, sizeof file_not_found);
	return send_message(fd, ins_not_supported, sizeof ins_not_supported);
}

int
main(int argc, char **argv)
{
	unsigned char atr[33];
	size_t atr_len = 0;
	long long delay = 0, lifetime = -1, deadline = -1;
	const char *stamp = NULL;
	struct sigaction sa = {.sa_handler = on_term};
	int port = 35963, fd, i;
	FILE *f;

	for (i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--atr") == 0)
			atr_len = parse_hex(argv[i + 1], atr, sizeof atr);
		else if (strcmp(argv[i], "--port") == 0)
			port = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--delay-ms") == 0)
			delay = atoll(argv[i + 1]);
		else if (strcmp(argv[i], "--lifetime-ms") == 0)
			lifetime = atoll(argv[i + 1]);
		else if (strcmp(argv[i], "--stamp") == 0)
			stamp = argv[i + 1];
	}
	if (atr_len < 2) {
		fprintf(stderr, "vcard: --atr \"3B ...\" is required\n");
		return 2;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (delay > 0)
		usleep((useconds_t)delay * 1000);
	if ((fd = connect_vpcd(port, now_ms() + 10000)) < 0)
		return stop_requested ? 0 : 1;
	if (stamp && (f = fopen(stamp, "w")) != NULL) {
		fprintf(f, "%lld\n", now_ms());
		fclose(f);
	}
	if (lifetime >= 0)
		deadline = now_ms() + lifetime;
	while (!stop_requested && serve_one(fd, atr, atr_len, deadline) == 0)
		;
	close(fd);
	return 0;
}
