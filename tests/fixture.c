/*
 * fixture.c: per-test temporary directories and SoftHSM2 stores. Never touches the
 * system token store: SOFTHSM2_CONF always names a file in our own directory.
 */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"
#include "tap.h"

static char tmpdir[4096];
static pid_t owner;

static int
remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void
remove_tmpdir(void)
{
	if (tmpdir[0] != '\0' && getpid() == owner)
		nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

const char *
fixture_tmpdir(void)
{
	const char *base = getenv("TMPDIR");

	if (tmpdir[0] != '\0')
		return tmpdir;
	snprintf(tmpdir, sizeof(tmpdir), "%s/enroll-test.XXXXXX", base ? base : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		abort();
	}
	owner = getpid();
	atexit(remove_tmpdir);
	return tmpdir;
}

char *
fixture_path(const char *name)
{
	char *path = NULL;

	if (asprintf(&path, "%s/%s", fixture_tmpdir(), name) < 0)
		abort();
	return path;
}

char *
fixture_tmp_path(const char *name)
{
	/* A ring, not one buffer: a call may name several paths at once (argv, redirects). */
	static char paths[4][4096];
	static unsigned int next;
	char *path = paths[next++ % 4];

	snprintf(path, sizeof(paths[0]), "%s/%s", fixture_tmpdir(), name);
	return path;
}

const char *
fixture_softhsm(void)
{
	static unsigned int counter;
	static char store[4096];
	char conf[4200], name[64];
	FILE *f;

	snprintf(name, sizeof(name), "softhsm-%u", counter++);
	snprintf(store, sizeof(store), "%s/%s", fixture_tmpdir(), name);
	snprintf(conf, sizeof(conf), "%s.conf", store);
	if (mkdir(store, 0700) != 0 || (f = fopen(conf, "w")) == NULL) {
		perror(store);
		abort();
	}
	fprintf(f, "directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n",
		store);
	fclose(f);
	setenv("SOFTHSM2_CONF", conf, 1);
	return store;
}

int
fixture_run(const char *command)
{
	int status = system(command);

	if (status == -1 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

int
fixture_softhsm_token(const char *label)
{
	char command[1024];

	snprintf(command, sizeof(command),
		 "softhsm2-util --init-token --free --label '%s' --so-pin %s --pin %s >/dev/null",
		 label, FIXTURE_SO_PIN, FIXTURE_USER_PIN);
	return fixture_run(command);
}

const char *
fixture_module(void)
{
	return SOFTHSM_MODULE;
}
