/* phonesec-cwmpd configuration file: one table row per key (field, size, validator) drives
 * defaults and checks; lib/conffile reads the file (bounds, file:line errors, unknown keys). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conffile.h"

enum conf_check {
	CONF_TEXT = 1, /* printable ASCII */
	CONF_TOKEN,    /* printable ASCII without blanks (serial numbers, host names, addresses) */
	CONF_OUI,      /* six upper-case hexadecimal digits */
	CONF_VENDOR,   /* TR-106: an OUI, or a domain upper-cased with '.' written as '-' */
	CONF_PATH,     /* "" or an absolute path */
	CONF_SECONDS,  /* 1..3600 */
};

/* .min set: the key may not be set to "" */
#define KEY(n, chk, req, d) \
	{ .name = #n, .off = offsetof(struct cwmp_conf, n), \
	  .size = sizeof(((struct cwmp_conf *)0)->n), .kind = (chk), .min = (req), .def = (d) }

static const struct conffile_key conf_keys[] = {
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

/* Returns NULL when value is acceptable for k, else the reason (conffile_check_fn). */
static const char *conf_check_value(const struct conffile_key *k, const char *v)
{
	if (!*v)
		return k->min ? "value may not be empty" : NULL;
	switch ((enum conf_check)k->kind) {
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

static const struct conffile_table conf_table = { conf_keys, CONF_NKEYS, conf_check_value };

static void conf_defaults(struct cwmp_conf *out)
{
	memset(out, 0, sizeof(*out));
	conffile_defaults(&conf_table, out);
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
	if (err && errlen)
		err[0] = '\0';
	if (!out)
		return conffile_fail(err, errlen, "no configuration");
	conf_defaults(out);
	if (path && conffile_read(&conf_table, out, path, err, errlen))
		return -1;
	conf_finish(out);
	return 0;
}
