/* phonesec-cwmpd configuration file: one table row per key (field, size, validator) drives
 * defaults, parsing and checks; errors name file:line, unknown keys are refused. */
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
	CONF_TOKEN,    /* printable ASCII without blanks (serial numbers, host names, addresses) */
	CONF_OUI,      /* six upper-case hexadecimal digits */
	CONF_VENDOR,   /* TR-106: an OUI, or a domain upper-cased with '.' written as '-' */
	CONF_PATH,     /* "" or an absolute path */
	CONF_SECONDS,  /* 1..3600 */
};

struct conf_key {
	const char *name;
	size_t off, size;
	enum conf_check check;
	bool required; /* may not be set to "" */
	const char *def;
};

#define KEY(n, chk, req, d) \
	{ .name = #n, .off = offsetof(struct cwmp_conf, n), \
	  .size = sizeof(((struct cwmp_conf *)0)->n), .check = (chk), .required = (req), .def = (d) }

static const struct conf_key conf_keys[] = {
	KEY(manufacturer, CONF_TEXT, true, "phonesec"),
	KEY(oui, CONF_OUI, true, "000000"),
	KEY(product_class, CONF_TEXT, true, "DeskPhone"),
	KEY(model_name, CONF_TEXT, false, ""),
	KEY(serial, CONF_TOKEN, true, "000000000000"),
	KEY(hw_version, CONF_TEXT, true, "1"),
	KEY(sw_version, CONF_TEXT, true, PACKAGE_VERSION),
	KEY(vendor, CONF_VENDOR, false, ""),
	KEY(ca_file, CONF_PATH, false, ""),
	KEY(ca_path, CONF_PATH, false, ""),
	KEY(client_cert, CONF_PATH, false, ""),
	KEY(client_key, CONF_PATH, false, ""),
	KEY(cr_bind, CONF_TOKEN, true, "127.0.0.1"),
	KEY(cr_host, CONF_TOKEN, false, ""),
	KEY(firmware_hook, CONF_PATH, false, ""),
	KEY(firmware_hook_timeout, CONF_SECONDS, true, "120"),
	KEY(reboot_hook, CONF_PATH, false, ""),
	KEY(reboot_hook_timeout, CONF_SECONDS, true, "60"),
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

static bool conf_is_oui(const char *v)
{
	if (strlen(v) != 6)
		return false;
	for (int i = 0; i < 6; i++)
		if (!isxdigit((unsigned char)v[i]) || islower((unsigned char)v[i]))
			return false;
	return true;
}

/* TR-106 3.3: <VENDOR> is an OUI or a domain name in upper case with '.' replaced by '-'. */
static bool conf_is_vendor(const char *v)
{
	if (conf_is_oui(v))
		return true;
	if (!*v || *v == '-' || v[strlen(v) - 1] == '-')
		return false;
	for (; *v; v++)
		if (!(isupper((unsigned char)*v) || isdigit((unsigned char)*v) || *v == '-'))
			return false;
	return true;
}

/* Returns NULL when value is acceptable for k, else the reason. */
static const char *conf_check_value(const struct conf_key *k, const char *v)
{
	if (strlen(v) >= k->size)
		return "value too long";
	if (!*v)
		return k->required ? "value may not be empty" : NULL;
	switch (k->check) {
	case CONF_TEXT:
		return conf_printable(v, true) ? NULL : "value must be printable ASCII";
	case CONF_TOKEN:
		return conf_printable(v, false) ? NULL : "value must be printable ASCII without blanks";
	case CONF_OUI:
		return conf_is_oui(v) ? NULL : "an OUI is six upper-case hexadecimal digits";
	case CONF_VENDOR:
		return conf_is_vendor(v) ? NULL
					 : "vendor must be an OUI or a domain in upper case with "
					   "'-' for '.' (TR-106), e.g. EXAMPLE-COM";
	case CONF_PATH:
		if (!conf_printable(v, true))
			return "a path must be printable ASCII";
		return v[0] == '/' ? NULL : "a path must be absolute";
	case CONF_SECONDS: {
		char *end = NULL;
		errno = 0;
		unsigned long n = strtoul(v, &end, 10);
		if (!isdigit((unsigned char)v[0]) || *end || errno || n < 1 || n > 3600)
			return "a number of seconds from 1 to 3600";
		return NULL;
	}
	}
	return "bad table row";
}

int cwmp_conf_split_line(char *line, char **key, char **value)
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
	e = eq;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*e = '\0';
	if (!*p)
		return -1;
	for (char *c = p; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_')
			return -1;
	char *v = eq + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	e = v + strlen(v);
	while (e > v && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		e--;
	*e = '\0';
	*key = p;
	*value = v;
	return 0;
}

static void conf_defaults(struct cwmp_conf *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < CONF_NKEYS; i++)
		snprintf((char *)out + conf_keys[i].off, conf_keys[i].size, "%s", conf_keys[i].def);
}

/* Fields derived from others when the file left them empty. */
static void conf_finish(struct cwmp_conf *out)
{
	if (!out->cr_host[0])
		snprintf(out->cr_host, sizeof(out->cr_host), "%s", out->cr_bind);
	if (!out->model_name[0])
		snprintf(out->model_name, sizeof(out->model_name), "%s", out->product_class);
	if (!out->vendor[0])
		snprintf(out->vendor, sizeof(out->vendor), "%s", out->oui);
	out->firmware_hook_timeout_s = (unsigned)strtoul(out->firmware_hook_timeout, NULL, 10);
	out->reboot_hook_timeout_s = (unsigned)strtoul(out->reboot_hook_timeout, NULL, 10);
}

int cwmp_conf_load(struct cwmp_conf *out, const char *path, char *err, size_t errlen)
{
	bool seen[CONF_NKEYS] = { false };
	char line[CWMP_CONF_LINE_MAX + 2];
	unsigned lineno = 0;
	size_t total = 0;
	int rc = -1;

	if (err && errlen)
		err[0] = '\0';
	if (!out)
		return conf_fail(err, errlen, "no configuration");
	conf_defaults(out);
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
		if (total > CWMP_CONF_MAX_BYTES) {
			conf_fail(err, errlen, "%s:%u: file larger than %u bytes", path, lineno,
				  CWMP_CONF_MAX_BYTES);
			goto out;
		}
		/* a NUL byte also ends up here: fgets' text then stops before the newline */
		if (n && line[n - 1] != '\n' && !feof(f)) {
			conf_fail(err, errlen, "%s:%u: line longer than %d characters", path, lineno,
				  CWMP_CONF_LINE_MAX);
			goto out;
		}
		if (cwmp_conf_split_line(line, &key, &value)) {
			conf_fail(err, errlen, "%s:%u: expected \"key = value\"", path, lineno);
			goto out;
		}
		if (!key)
			continue;
		size_t i;
		for (i = 0; i < CONF_NKEYS; i++)
			if (strcmp(conf_keys[i].name, key) == 0)
				break;
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
	conf_finish(out);
	rc = 0;
out:
	fclose(f);
	return rc;
}
