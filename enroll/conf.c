/*
 * conf.c: the station's configuration file ($(sysconfdir)/enroll.conf, or ENROLL_CONF), so
 * that the officials of a station on a PostgreSQL store need not type its URI. Lines
 * "db = TARGET"; '#' begins a comment. Trusted only as the database file is: a regular file
 * of root's or this user's that no one else may write. Any other line is refused with its
 * number: a typo must not send a station to the wrong store.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define CONF_LINE_MAX 4096

static char *
trim(char *s)
{
	char *end = s + strlen(s);

	while (*s == ' ' || *s == '\t')
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

static int
check_conf_file(const char *path, int fd)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return cli_fail_file(path, errno);
	if (!S_ISREG(st.st_mode)) {
		fprintf(stderr, "enroll: %s: %s\n", path, _("not a regular file"));
		return EXIT_DATABASE;
	}
	if ((st.st_uid != 0 && st.st_uid != getuid()) || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		fprintf(
		    stderr, "enroll: %s: %s\n", path,
		    _("the station's configuration must be root's or yours and writable by no one"
		      " else (chmod go-w)"));
		return EXIT_DATABASE;
	}
	return 0;
}

/* One "key = value" line into *db; a refusal names the line. */
static int
parse_line(const char *path, int number, char *line, char **db)
{
	char *text = trim(line), *eq = strchr(text, '=');

	if (*text == '\0' || *text == '#')
		return 0;
	if (eq != NULL) {
		*eq = '\0';
		char *key = trim(text), *value = trim(eq + 1);
		if (strcmp(key, "db") == 0 && *value != '\0') {
			free(*db);
			if ((*db = strdup(value)) == NULL)
				return cli_fail_file(path, ENOMEM);
			return 0;
		}
	}
	fprintf(stderr, "enroll: %s:%d: %s\n", path, number,
		_("not a setting this version knows (the one setting is 'db = FILE or URI')"));
	return EXIT_USAGE;
}

int
cli_conf_db(char **db)
{
	const char *path = getenv("ENROLL_CONF") ? getenv("ENROLL_CONF") : ENROLL_CONF_FILE;
	char line[CONF_LINE_MAX];
	int fd, r, number = 0;

	*db = NULL;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return errno == ENOENT ? 0 : cli_fail_file(path, errno);
	FILE *f = (r = check_conf_file(path, fd)) == 0 ? fdopen(fd, "r") : NULL;
	if (f == NULL) {
		close(fd);
		return r ? r : cli_fail_file(path, errno);
	}
	while (r == 0 && fgets(line, sizeof(line), f) != NULL) {
		number++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			fprintf(stderr, "enroll: %s:%d: %s\n", path, number, _("line too long"));
			r = EXIT_USAGE;
		} else {
			r = parse_line(path, number, line, db);
		}
	}
	fclose(f);
	if (r != 0) {
		free(*db);
		*db = NULL;
	}
	return r;
}
