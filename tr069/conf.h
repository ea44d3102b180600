/* phonesec-cwmpd configuration: device identity, vendor prefix, TLS trust, connection-request
 * listener and firmware hook, read from conf/phonesec.conf ("key = value" lines).
 *
 * Contract: cwmp_conf_load() fills a caller-owned struct (no allocation, nothing to free).
 * Unknown keys, duplicates, over-long lines or values and invalid values are refused with
 * "file:line: reason" in err. The file is read by lib/conffile (bounded to CONFFILE_MAX_BYTES).
 */
#ifndef PHONESEC_TR069_CONF_H
#define PHONESEC_TR069_CONF_H

#include <stddef.h>

struct cwmp_conf {                /* from conf/phonesec.conf (-c CONF); defaults when absent */
	char manufacturer[65], oui[7], product_class[65], serial[65], hw_version[65], sw_version[65];
	char vendor[65];          /* the <VENDOR> of X_<VENDOR>_ names (TR-106: an OUI or a domain) */
	char ca_file[4096], ca_path[4096];        /* trust for the ACS's certificate */
	char client_cert[4096], client_key[4096]; /* optional TLS client certificate */
	char cr_bind[64];         /* address of the connection-request listener (default 127.0.0.1) */
	char cr_host[256];        /* host put in ConnectionRequestURL (default cr_bind) */
	char firmware_hook[4096]; /* program that installs a firmware image; "" = no firmware Download */
	char firmware_hook_timeout[8]; /* seconds (1..3600, default 120), then the hook is killed */
	char reboot_hook[4096];   /* program that reboots the phone; "" = Reboot restarts the CWMP state only */
	char reboot_hook_timeout[8]; /* seconds (1..3600, default 60) */
	unsigned firmware_hook_timeout_s, reboot_hook_timeout_s; /* the two above as numbers */
	char model_name[65];      /* DeviceInfo.ModelName (default: product_class) */
};

/* Fills *out with the defaults, then (path non-NULL) the file's values. Returns 0, or -1 with
 * "file:line: reason" (or "file: reason") in err (may be NULL). On error *out holds the
 * defaults plus the lines read before the error: do not use it. */
int cwmp_conf_load(struct cwmp_conf *out, const char *path, char *err, size_t errlen);

#endif
