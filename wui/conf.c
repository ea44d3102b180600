/* wui/conf: the phonesec-wuid configuration file; one table row per key (field, check, default)
 * drives defaults and checks; lib/conffile reads the file (bounds, file:line errors, keys). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conffile.h"
#include "netacl.h"

enum conf_check {
	CONF_TEXT = 1, /* printable ASCII */
	CONF_TOKEN,    /* printable ASCII without blanks */
	CONF_NAMES,    /* host names separated by blanks: [A-Za-z0-9.-] */
	CONF_PATH,     /* "" or an absolute path */
	CONF_NUMBER,   /* min..max */
	CONF_NETS,     /* "local", "any" or networks (wui/netacl) */
};

/* .min set (not a number): the key may not be set to "" */
#define KEY(n, chk, lo, hi, d) \
	{ .name = #n, .off = offsetof(struct wui_conf, n), \
	  .size = sizeof(((struct wui_conf *)0)->n), .kind = (chk), .min = (lo), .max = (hi), \
	  .def = (d) }

static const struct conffile_key conf_keys[] = {
	KEY(bind, CONF_TOKEN, 1, 0, "0.0.0.0"),
	KEY(names, CONF_NAMES, 0, 0, "localhost"),
	KEY(cert_file, CONF_PATH, 0, 0, ""),
	KEY(key_file, CONF_PATH, 0, 0, ""),
	KEY(cert_dir, CONF_PATH, 0, 0, ""),
	KEY(max_conns, CONF_NUMBER, 8, 4096, "256"),
	KEY(conn_life, CONF_NUMBER, 2, 3600, "60"),
	KEY(idle_timeout, CONF_NUMBER, 1, 3600, "15"),
	KEY(max_conns_per_source, CONF_NUMBER, 1, 4096, "16"),
	KEY(request_timeout, CONF_NUMBER, 1, 3600, "10"),
	KEY(firstrun_from, CONF_NETS, 1, 0, "local"),
	KEY(model, CONF_TEXT, 1, 0, "DeskPhone"),
	KEY(sw_version, CONF_TEXT, 1, 0, PACKAGE_VERSION),
	KEY(serial, CONF_TOKEN, 1, 0, "000000000000"),
	KEY(mac, CONF_TOKEN, 1, 0, "00:00:00:00:00:00"),
};
#define CONF_NKEYS (sizeof(conf_keys) / sizeof(conf_keys[0]))

static bool conf_printable(const char *v, bool blanks)
{
	for (; *v; v++)
		if ((unsigned char)*v < 0x20 || (unsigned char)*v > 0x7e || (!blanks && *v == ' '))
			return false;
	return true;
}

/* NULL when v is acceptable for k, else the reason (conffile_check_fn). */
static const char *conf_check_value(const struct conffile_key *k, const char *v)
{
	if (!*v)
		return k->min && k->kind != CONF_NUMBER ? "value may not be empty"
		       : k->kind == CONF_NUMBER ? "a number is needed" : NULL;
	switch ((enum conf_check)k->kind) {
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
	case CONF_NETS: {
		static char why[128]; /* the loop thread alone reads the configuration */
		struct wui_netacl acl;
		return wui_netacl_parse(&acl, v, why, sizeof(why)) ? why : NULL;
	}
	}
	return "bad table row";
}

static const struct conffile_table conf_table = { conf_keys, CONF_NKEYS, conf_check_value };

static void conf_finish(struct wui_conf *out)
{
	out->max_conns_n = (unsigned)strtoul(out->max_conns, NULL, 10);
	out->conn_life_s = (unsigned)strtoul(out->conn_life, NULL, 10);
	out->idle_timeout_s = (unsigned)strtoul(out->idle_timeout, NULL, 10);
	out->max_conns_per_source_n = (unsigned)strtoul(out->max_conns_per_source, NULL, 10);
	out->request_timeout_s = (unsigned)strtoul(out->request_timeout, NULL, 10);
	/* checked when read: the default and any value that got here parse */
	(void)wui_netacl_parse(&out->firstrun_acl, out->firstrun_from, NULL, 0);
}

int wui_conf_load(struct wui_conf *out, const char *path, char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = '\0';
	memset(out, 0, sizeof(*out));
	conffile_defaults(&conf_table, out);
	if (path) {
		if (conffile_read(&conf_table, out, path, err, errlen))
			return -1;
		if (!out->cert_file[0] != !out->key_file[0])
			return conffile_fail(err, errlen, "%s: cert_file and key_file go together",
					     path);
	}
	conf_finish(out);
	return 0;
}
