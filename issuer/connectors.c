/*
 * connectors.c: the table of connectors and the settings each takes, opening one by name,
 * and a connector with its settings as one text, so that what was sent through a connector
 * is fetched from the same one after the station's setting has changed.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "issuer-int.h"

#define CONFIG_CONNECTOR "connector"
#define CONFIG_OPTIONS_MAX 8

static const struct iss_option local_options[] = {
    {"ca-dir", "DIR", N_("the local test CA's directory"), "ca", LOCAL_TRUST_ANCHORS},
    {NULL},
};

static const struct iss_option file_options[] = {
    {"outbox", "DIR", N_("where requests for the BSrE portal are written"), "outbox", NULL},
    {"inbox", "DIR", N_("where certificates from BSrE are picked up"), "inbox", NULL},
    {"trust-anchors", "FILE", N_("BSrE's root certificates (PEM)"), NULL, ""},
    {NULL},
};

static const struct iss_connector connectors[] = {
    {"local", N_("local test CA, NOT BSrE: issues at once, for the demo and the tests"),
     local_options, iss_local_prepare, iss_local_open},
    {"file", N_("BSrE by file exchange: outbox for its portal, inbox for its answers"),
     file_options, iss_file_prepare, iss_file_open},
};

#define CONNECTOR_COUNT (sizeof(connectors) / sizeof(connectors[0]))

const struct iss_connector *
iss_connectors(size_t *count)
{
	*count = CONNECTOR_COUNT;
	return connectors;
}

const struct iss_connector *
iss_connector_find(const char *name, struct iss_error *err)
{
	char known[128] = "";
	size_t used = 0;

	for (size_t i = 0; i < CONNECTOR_COUNT; i++)
		if (name != NULL && strcmp(connectors[i].name, name) == 0)
			return &connectors[i];
	for (size_t i = 0; i < CONNECTOR_COUNT && used < sizeof(known); i++)
		used += (size_t)snprintf(known + used, sizeof(known) - used, "%s%s",
					 i > 0 ? ", " : "", connectors[i].name);
	iss_error_set(err, ISS_ERR_UNKNOWN_CONNECTOR, _("no connector \"%s\"; known: %s"),
		      name != NULL ? name : "", known);
	return NULL;
}

/* The connector, with a value for each of its settings. */
static int
find_complete(const char *name, iss_lookup_fn lookup, void *arg, const struct iss_connector **out,
	      struct iss_error *err)
{
	const struct iss_connector *connector = NULL;
	const char *value;

	if ((connector = iss_connector_find(name, err)) == NULL)
		return ISS_ERR_UNKNOWN_CONNECTOR;
	for (const struct iss_option *o = connector->options; o->name != NULL; o++)
		if ((value = lookup(arg, o->name)) == NULL || *value == '\0')
			return iss_error_set(err, ISS_ERR_MISSING_SETTING,
					     _("the %s connector needs its setting %s"), name,
					     o->name);
	*out = connector;
	return ISS_OK;
}

/*
 * Whoever can write the trust anchors, or the directory they are in, decides which CA the
 * station believes (the import refuses such anchors; so does the setting). Not there yet
 * is fine: what the connector makes is made private.
 */
static int
check_safe(const char *path, struct iss_error *err)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return errno == ENOENT ? ISS_OK
				       : iss_error_set(err, ISS_ERR_IO, _("cannot read %s: %s"),
						       path, strerror(errno));
	if (st.st_uid != 0 && st.st_uid != getuid())
		return iss_error_set(err, ISS_ERR_UNSAFE_ANCHORS,
				     _("%s belongs to another user (uid %u): trust anchors must "
				       "be yours or root's"),
				     path, (unsigned)st.st_uid);
	if ((st.st_mode & 022) != 0)
		return iss_error_set(err, ISS_ERR_UNSAFE_ANCHORS,
				     _("%s is writable by others: chmod go-w %s"), path, path);
	return ISS_OK;
}

/* Each setting that holds trust anchors: the file and the directory it is in. */
static int
check_anchors(const struct iss_connector *connector, iss_lookup_fn lookup, void *arg,
	      struct iss_error *err)
{
	char *path = NULL, *dir = NULL;
	int r = ISS_OK;

	for (const struct iss_option *o = connector->options; o->name != NULL && r == ISS_OK; o++) {
		if (o->anchors == NULL)
			continue;
		if (asprintf(&path, "%s%s%s", lookup(arg, o->name), o->anchors[0] ? "/" : "",
			     o->anchors) < 0 ||
		    (dir = strdup(path)) == NULL)
			r = iss_error_set(err, ISS_ERR_INTERNAL, _("out of memory"));
		else if ((r = check_safe(path, err)) == ISS_OK)
			r = check_safe(dirname(dir), err);
		free(dir);
		free(path);
		dir = path = NULL;
	}
	return r;
}

int
iss_check(const char *name, iss_lookup_fn lookup, void *arg, struct iss_error *err)
{
	const struct iss_connector *connector = NULL;
	int r;

	if ((r = find_complete(name, lookup, arg, &connector, err)) != ISS_OK)
		return r;
	return check_anchors(connector, lookup, arg, err);
}

int
iss_open(const char *name, iss_lookup_fn lookup, void *arg, struct issuer **out,
	 struct iss_error *err)
{
	const struct iss_connector *connector = NULL;
	int r;

	if ((r = find_complete(name, lookup, arg, &connector, err)) != ISS_OK)
		return r;
	return connector->open(lookup, arg, out, err);
}

int
iss_prepare(const char *name, iss_lookup_fn lookup, void *arg, const char *organization,
	    struct iss_error *err)
{
	const struct iss_connector *connector = NULL;
	int r;

	if ((r = find_complete(name, lookup, arg, &connector, err)) != ISS_OK ||
	    (r = check_anchors(connector, lookup, arg, err)) != ISS_OK)
		return r;
	return connector->prepare(lookup, arg, organization, err);
}

int
iss_config_text(const char *name, iss_lookup_fn lookup, void *arg, char **text,
		struct iss_error *err)
{
	const struct iss_connector *connector = NULL;
	char *buf = NULL;
	size_t size = 0;
	FILE *f;
	int r;

	if ((r = find_complete(name, lookup, arg, &connector, err)) != ISS_OK)
		return r;
	if ((f = open_memstream(&buf, &size)) == NULL)
		return iss_error_set(err, ISS_ERR_INTERNAL, _("out of memory"));
	fprintf(f, CONFIG_CONNECTOR "=%s\n", name);
	for (const struct iss_option *o = connector->options; o->name != NULL; o++) {
		const char *value = lookup(arg, o->name);

		if (strchr(value, '\n') != NULL)
			r = iss_error_set(err, ISS_ERR_INVALID_ARGUMENT,
					  _("the setting %s holds a line break"), o->name);
		fprintf(f, "%s=%s\n", o->name, value);
	}
	if (fclose(f) != 0 && r == ISS_OK)
		r = iss_error_set(err, ISS_ERR_INTERNAL, _("out of memory"));
	if (r == ISS_OK) {
		*text = buf;
		buf = NULL;
	}
	free(buf);
	return r;
}

/* A parsed configuration text: NAME=VALUE lines, cut in place. */
struct config {
	const char *names[CONFIG_OPTIONS_MAX + 1];
	const char *values[CONFIG_OPTIONS_MAX + 1];
	size_t count;
};

static const char *
config_lookup(void *arg, const char *option)
{
	const struct config *config = arg;

	for (size_t i = 0; i < config->count; i++)
		if (strcmp(config->names[i], option) == 0)
			return config->values[i];
	return NULL;
}

static int
config_parse(char *text, struct config *out, struct iss_error *err)
{
	char *line, *next, *equals;

	memset(out, 0, sizeof(*out));
	for (line = text; *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) == NULL)
			next = line + strlen(line);
		else
			*next++ = '\0';
		if ((equals = strchr(line, '=')) == NULL || out->count > CONFIG_OPTIONS_MAX)
			return iss_error_set(err, ISS_ERR_MALFORMED,
					     _("not a connector's settings: \"%.40s\""), line);
		*equals = '\0';
		out->names[out->count] = line;
		out->values[out->count++] = equals + 1;
	}
	return ISS_OK;
}

int
iss_open_config(const char *text, struct issuer **out, struct iss_error *err)
{
	struct config config;
	const char *name;
	char *copy;
	int r;

	if (text == NULL)
		return iss_error_set(err, ISS_ERR_MALFORMED, _("no connector's settings"));
	if ((copy = strdup(text)) == NULL)
		return iss_error_set(err, ISS_ERR_INTERNAL, _("out of memory"));
	if ((r = config_parse(copy, &config, err)) == ISS_OK) {
		if ((name = config_lookup(&config, CONFIG_CONNECTOR)) == NULL)
			r = iss_error_set(err, ISS_ERR_MALFORMED,
					  _("the settings do not name their connector"));
		else
			r = iss_open(name, config_lookup, &config, out, err);
	}
	free(copy);
	return r;
}
