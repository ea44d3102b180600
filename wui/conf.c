/* wui/conf: the phonesec-wuid configuration file; one table row per key (field, check, default)
 * drives defaults, parsing and checks. Errors name file:line; unknown keys are refused. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

enum conf_check {
	CONF_TEXT = 1, /* printable ASCII */
	CONF_TOKEN,    /* printable ASCII without blanks */
	CONF_NAMES,    /* host names separated by blanks: [A-Za-z0-9.-] */
	CONF_PATH,     /* "" or an absolute path */
	CONF_NUMBER,   /* min..max */
};

struct conf_key {
	const char *name;
	size_t off, size;
	enum conf_check check;
	unsigned min, max;
	const char *def;
};

#define KEY(n, chk, lo, hi, d) \
	{ .name = #n, .off = offsetof(struct wui_conf, n), \
	  .size = sizeof(((struct wui_conf *)0)->n), .check = (chk), .min = (lo), .max = (hi), \
	  .def = (d) }

static const struct conf_key conf_keys[] = {
	KEY(bind, CONF_TOKEN, 1, 0, "0.0.0.0"),
	KEY(names, CONF_NAMES, 0, 0, "localhost"),
	KEY(cert_file, CONF_PATH, 0, 0, ""),
	KEY(key_file, CONF_PATH, 0, 0, ""),
	KEY(cert_dir, CONF_PATH, 0, 0, ""),
	KEY(max_conns, CONF_NUMBER, 8, 4096, "256"),
	KEY(conn_life, CONF_NUMBER, 2, 3600, "60"),
	KEY(idle_timeout, CONF_NUMBER, 1, 3600, "15"),
	KEY(model, CONF_TEXT, 1, 0, "DeskPhone"),
	KEY(sw_version, CONF_TEXT, 1, 0, PACKAGE_VERSION),
	KEY(serial, CONF_TOKEN, 1, 0, "000000000000"),
	KEY(mac, CONF_TOKEN, 1, 0, "00:00:00:00:00:00"),
};
#define CONF_NKEYS (sizeof(conf_keys) / sizeof(conf_keys[0]))

static int conf_fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int conf_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static bool conf_printable(const char *v, bool blanks)
{
	for (; *v; v++)
		if ((unsigned char)*v < 0x20 || (unsigned char)*v > 0x7e || (!blanks && *v == ' '))
			return false;
	return true;
}

/* NULL when v is acceptable for k, else the reason. */
static const char *conf_check_value(const struct conf_key *k, const char *v)
{
	if (strlen(v) >= k->size)
		return "value too long";
	if (!*v)
		return k->min && k->check != CONF_NUMBER ? "value may not be empty"
		       : k->check == CONF_NUMBER ? "a number is needed" : NULL;
	switch (k->check) {
	case CONF_TEXT:
		return conf_printable(v, true) ? NULL : "value must be printable ASCII";
	case CONF_TOKEN:
		return conf_printable(v, false) ? NULL : "value must be printable ASCII without blanks";
	case CONF_NAMES:
		for (; *v; v++)
			if (!isalnum((unsigned char)*v) && *v != '.' && *v != '-' && *v != ' ')
				return "host names are letters, digits, '.' and '-', separated by blanks";
		return NULL;
	case CONF_PATH:
		if (!conf_printable(v, true))
			return "a path must be printable ASCII";
		return v[0] == '/' ? NULL : "a path must be absolute";
	case CONF_NUMBER: {
		char *end = NULL;
		errno = 0;
		unsigned long n = strtoul(v, &end, 10);
		if (!isdigit((unsigned char)v[0]) || *end || errno || n < k->min || n > k->max)
			return "number out of range";
		return NULL;
	}
	}
	return "bad table row";
}

/* Splits "key = value" in place; blank and '#' lines give *key NULL. */
static int conf_split(char *line, char **key, char **value)
{
	char *p = line, *e;

	*key = *value = NULL;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p || *p == '#' || *p == '\r' || *p == '\n')
		return 0;
	char *eq = strchr(p, '=');
	if (!eq)
		return -1;
	for (e = eq; e > p && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	*e = '\0';
	if (!*p)
		return -1;
	for (char *c = p; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_')
			return -1;
	char *v = eq + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	for (e = v + strlen(v); e > v && strchr(" \t\r\n", e[-1]); e--)
		;
	*e = '\0';
	*key = p;
	*value = v;
	return 0;
}

static void conf_finish(struct wui_conf *out)
{
	out->max_conns_n = (unsigned)strtoul(out->max_conns, NULL, 10);
	out->conn_life_s = (unsigned)strtoul(out->conn_life, NULL, 10);
	out->idle_timeout_s = (unsigned)strtoul(out->idle_timeout, NULL, 10);
}

int wui_conf_load(struct wui_conf *out, const char *path, char *err, size_t errlen)
{
	bool seen[CONF_NKEYS] = { false };
	char line[WUI_CONF_LINE_MAX + 2];
	unsigned lineno = 0;
	size_t total = 0;
	int rc = -1;

	if (err && errlen)
		err[0] = '\0';
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < CONF_NKEYS; i++)
		snprintf((char *)out + conf_keys[i].off, conf_keys[i].size, "%s", conf_keys[i].def);
	if (!path) {
		conf_finish(out);
		return 0;
	}
	FILE *f = fopen(path, "r");
	if (!f)
		return conf_fail(err, errlen, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);
		char *key, *value;

		lineno++;
		total += n;
		if (total > WUI_CONF_MAX_BYTES) {
			conf_fail(err, errlen, "%s:%u: file larger than %u bytes", path, lineno,
				  WUI_CONF_MAX_BYTES);
			goto out;
		}
		if (n && line[n - 1] != '\n' && !feof(f)) {
			conf_fail(err, errlen, "%s:%u: line longer than %d characters", path, lineno,
				  WUI_CONF_LINE_MAX);
			goto out;
		}
		if (conf_split(line, &key, &value)) {
			conf_fail(err, errlen, "%s:%u: expected \"key = value\"", path, lineno);
			goto out;
		}
		if (!key)
			continue;
		size_t i;
		for (i = 0; i < CONF_NKEYS && strcmp(conf_keys[i].name, key) != 0; i++)
			;
		if (i == CONF_NKEYS) {
			conf_fail(err, errlen, "%s:%u: unknown key '%.64s'", path, lineno, key);
			goto out;
		}
		if (seen[i]) {
			conf_fail(err, errlen, "%s:%u: '%s' given twice", path, lineno, key);
			goto out;
		}
		seen[i] = true;
		const char *why = conf_check_value(&conf_keys[i], value);
		if (why) {
			conf_fail(err, errlen, "%s:%u: %s: %s", path, lineno, key, why);
			goto out;
		}
		snprintf((char *)out + conf_keys[i].off, conf_keys[i].size, "%s", value);
	}
	if (ferror(f)) {
		conf_fail(err, errlen, "%s: read error", path);
		goto out;
	}
	if (!out->cert_file[0] != !out->key_file[0]) {
		conf_fail(err, errlen, "%s: cert_file and key_file go together", path);
		goto out;
	}
	conf_finish(out);
	rc = 0;
out:
	fclose(f);
	return rc;
}
