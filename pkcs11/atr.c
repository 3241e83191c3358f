/*
 * atr.c: naming a token from its ATR and its USB ids. Two tables, both data read at run
 * time: our devices.conf (models whose behaviour the station must know) and pcsc-tools'
 * smartcard_list.txt (the ecosystem's list of thousands of ATRs, names only).
 */
#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcsc.h"
#include "token-int.h"

#ifndef ENROLL_DATADIR
#define ENROLL_DATADIR "/usr/share/enroll"
#endif
#define DEFAULT_DEVICES_CONF ENROLL_DATADIR "/devices.conf"
#define DEFAULT_SMARTCARD_LIST "/usr/share/pcsc/smartcard_list.txt"

static char *devices_conf_override;
static char *smartcard_list_override;

void
pcsc_set_data_files(const char *devices_conf, const char *smartcard_list)
{
	free(devices_conf_override);
	free(smartcard_list_override);
	devices_conf_override = devices_conf ? strdup(devices_conf) : NULL;
	smartcard_list_override = smartcard_list ? strdup(smartcard_list) : NULL;
}

static const char *
devices_conf_path(void)
{
	const char *env = getenv("ENROLL_DEVICES_CONF");

	if (devices_conf_override)
		return devices_conf_override;
	return env && *env ? env : DEFAULT_DEVICES_CONF;
}

static const char *
smartcard_list_path(void)
{
	const char *env = getenv("ENROLL_SMARTCARD_LIST");

	if (smartcard_list_override)
		return smartcard_list_override;
	return env && *env ? env : DEFAULT_SMARTCARD_LIST;
}

void
pcsc_atr_hex(const unsigned char *atr, size_t atr_len, char *out)
{
	char *p = out;
	size_t i;

	*p = '\0';
	if (atr_len > PCSC_ATR_MAX)
		atr_len = PCSC_ATR_MAX;
	for (i = 0; i < atr_len; i++)
		p += sprintf(p, i ? " %02X" : "%02X", atr[i]);
}

static char *
trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/*
 * Both tables write ATRs as regular expressions over the upper-case hex text: ".." is any
 * byte, "[...]" a class of nibbles. Most lines are plain hex, compared without regcomp().
 */
/*
 * What the tables' patterns use: hex digits, spaces, "." for any nibble, "[...]" classes and
 * ".*" for any rest (smartcard_list.txt has two). Anything else (a "+" repeated a hundred
 * times, "{1000}") could make regcomp() build an exponential automaton: such a line is
 * never compiled and matches nothing.
 */
static bool
atr_pattern_safe(const char *pattern)
{
	int stars = 0;

	for (const char *p = pattern; *p != '\0'; p++) {
		if (*p == '*' && (p == pattern || p[-1] != '.' || ++stars > 4))
			return false;
		if (*p != '*' && !isxdigit((unsigned char)*p) && strchr(" .[],-", *p) == NULL)
			return false;
	}
	return true;
}

static bool
atr_pattern_matches(const char *pattern, const char *atr_hex)
{
	char anchored[512];
	regex_t re;
	bool match;

	if (strpbrk(pattern, ".[]()|*+?") == NULL)
		return strcasecmp(pattern, atr_hex) == 0;
	if (!atr_pattern_safe(pattern))
		return false;
	if (snprintf(anchored, sizeof anchored, "^%s$", pattern) >= (int)sizeof anchored)
		return false;
	if (regcomp(&re, anchored, REG_EXTENDED | REG_ICASE | REG_NOSUB) != 0)
		return false;
	match = regexec(&re, atr_hex, 0, NULL, 0) == 0;
	regfree(&re);
	return match;
}

/* Key type words in devices.conf are the token layer's names (tok_key_type_parse()). */
static unsigned int
parse_key_types(char *value)
{
	enum tok_key_type type;
	unsigned int bits = 0;
	char *save = NULL, *word;

	for (word = strtok_r(value, " \t,", &save); word; word = strtok_r(NULL, " \t,", &save))
		if (tok_key_type_parse(word, &type) == TOK_OK)
			bits |= 1u << type;
	return bits;
}

/* One block of devices.conf as the parser fills it. */
struct device_block {
	struct pcsc_model model;
	bool is_reader;
	bool matched;
};

static void
block_start(struct device_block *block, char *header)
{
	char *kind = trim(header), *id;

	memset(block, 0, sizeof *block);
	block->model.source = PCSC_MODEL_DEVICE_TABLE;
	id = strpbrk(kind, " \t");
	if (id) {
		*id++ = '\0';
		snprintf(block->model.id, sizeof block->model.id, "%s", trim(id));
	}
	block->is_reader = strcmp(kind, "reader") == 0;
}

bool
pcsc_model_has_quirk(const struct pcsc_model *model, const char *quirk)
{
	size_t n = strlen(quirk);

	for (const char *p = model->quirks; (p = strstr(p, quirk)) != NULL; p += n)
		if ((p == model->quirks || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return true;
	return false;
}

/* What a lookup in devices.conf asks for: an ATR or a USB id. */
struct device_query {
	const char *atr_hex;
	unsigned int vendor, product;
};

static void
block_line(struct device_block *block, const char *key, char *value,
	   const struct device_query *query)
{
	unsigned int vendor, product;

	if (strcmp(key, "name") == 0)
		snprintf(block->model.name, sizeof block->model.name, "%s", value);
	else if (strcmp(key, "driver") == 0)
		snprintf(block->model.driver, sizeof block->model.driver, "%s", value);
	else if (strcmp(key, "quirks") == 0)
		snprintf(block->model.quirks, sizeof block->model.quirks, "%s", value);
	else if (strcmp(key, "blank_label") == 0)
		snprintf(block->model.blank_label, sizeof block->model.blank_label, "%s", value);
	else if (strcmp(key, "note") == 0)
		snprintf(block->model.note, sizeof block->model.note, "%s", value);
	else if (strcmp(key, "keys") == 0)
		block->model.key_types = parse_key_types(value);
	else if (strcmp(key, "atr") == 0 && query->atr_hex)
		block->matched |= atr_pattern_matches(value, query->atr_hex);
	else if (strcmp(key, "usb") == 0 && !query->atr_hex &&
		 sscanf(value, "%x:%x", &vendor, &product) == 2)
		block->matched |= vendor == query->vendor && product == query->product;
}

/*
 * Scan devices.conf for the first block matching the query. 0 and *found set when one
 * matches; TOK_ERR_IO when the file cannot be read.
 */
static int
device_table_find(const struct device_query *query, struct device_block *out, bool *found,
		  struct tok_error *err)
{
	struct device_block block;
	char line[512], *key, *value, *text;
	const char *path = devices_conf_path();
	bool in_block = false;
	FILE *f;

	*found = false;
	if ((f = fopen(path, "r")) == NULL)
		return tok_error_set(err, TOK_ERR_IO, _("cannot read the device table %s: %s"),
				     path, strerror(errno));
	memset(&block, 0, sizeof block);
	while (fgets(line, sizeof line, f)) {
		text = trim(line);
		if (*text == '#' || *text == '\0')
			continue;
		if (*text == '[') {
			if (in_block && block.matched)
				break;
			text[strcspn(text, "]")] = '\0';
			block_start(&block, text + 1);
			in_block = true;
			continue;
		}
		if (!in_block || (value = strchr(text, '=')) == NULL)
			continue;
		*value++ = '\0';
		key = trim(text);
		block_line(&block, key, trim(value), query);
	}
	fclose(f);
	if (in_block && block.matched) {
		*out = block;
		*found = true;
	}
	return TOK_OK;
}

/* Scan smartcard_list.txt: an ATR line, then tab-indented description lines. */
static void
smartcard_list_find(const char *atr_hex, struct pcsc_model *out)
{
	char line[1024], *text;
	bool matched = false;
	FILE *f;

	if ((f = fopen(smartcard_list_path(), "r")) == NULL)
		return;
	while (fgets(line, sizeof line, f)) {
		if (line[0] == '\t') {
			if (matched) {
				snprintf(out->name, sizeof out->name, "%s", trim(line));
				out->source = PCSC_MODEL_SMARTCARD_LIST;
				break;
			}
			continue;
		}
		text = trim(line);
		if (*text == '#' || *text == '\0')
			continue;
		matched = atr_pattern_matches(text, atr_hex);
	}
	fclose(f);
}

int
pcsc_atr_name(const unsigned char *atr, size_t atr_len, struct pcsc_model *out,
	      struct tok_error *err)
{
	struct device_query query = {0};
	struct device_block block;
	char hex[PCSC_ATR_HEX_MAX];
	bool found;
	int r;

	memset(out, 0, sizeof *out);
	if (atr == NULL || atr_len == 0 || atr_len > PCSC_ATR_MAX)
		return tok_error_set(err, TOK_ERR_INVALID_ARGUMENT, _("no ATR to name"));
	pcsc_atr_hex(atr, atr_len, hex);
	query.atr_hex = hex;
	if ((r = device_table_find(&query, &block, &found, err)) != TOK_OK)
		return r;
	if (found && !block.is_reader) {
		*out = block.model;
		return TOK_OK;
	}
	smartcard_list_find(hex, out);
	return TOK_OK;
}

int
pcsc_usb_lookup(unsigned int vendor, unsigned int product, struct pcsc_model *out, bool *is_reader,
		struct tok_error *err)
{
	struct device_query query = {NULL, vendor, product};
	struct device_block block;
	bool found;
	int r;

	if ((r = device_table_find(&query, &block, &found, err)) != TOK_OK)
		return r;
	if (!found)
		return tok_error_set(err, TOK_ERR_NOT_FOUND,
				     _("USB device %04x:%04x is not in the device table"), vendor,
				     product);
	*out = block.model;
	if (is_reader)
		*is_reader = block.is_reader;
	return TOK_OK;
}
