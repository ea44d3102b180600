/* wui/conf: phonesec-wuid's configuration file (conf/phonesec-wuid.conf, "key = value" lines):
 * listener address, TLS certificate and key, the phone's names, connection limits, identity.
 *
 * Contract: wui_conf_load() fills a caller-owned struct (nothing to free). Unknown keys,
 * duplicates, over-long lines or values and invalid values are refused with "file:line: reason"
 * (the file is read by lib/conffile, which bounds it).
 */
#ifndef PHONESEC_WUI_CONF_H
#define PHONESEC_WUI_CONF_H

#include <stddef.h>

#include "netacl.h"

struct wui_conf {
	char bind[64];          /* address of both listeners (default 0.0.0.0) */
	char names[512];        /* host names of the phone, blank-separated: the generated
				   certificate's SANs and the address shown after a move */
	char cert_file[4096];   /* PEM certificate (chain) of the HTTPS listener; with key_file */
	char key_file[4096];    /* its private key; both empty: a generated pair in cert_dir */
	char cert_dir[4096];    /* where the generated pair is kept (default: the store's folder) */
	char max_conns[8];      /* connections open at once, both listeners (default 256) */
	char conn_life[8];      /* seconds a connection may live, whatever it does (default 60) */
	char idle_timeout[8];   /* seconds a connection may stay silent (default 15) */
	char max_conns_per_source[8]; /* connections of one address (IPv6: /64) (default 16) */
	char request_timeout[8]; /* seconds from the accept (or a 401) to a complete request
				    (default 10) */
	char firstrun_from[512]; /* who gets the first-run page: "local" (the networks of the
				    phone's interfaces, default), "any", or networks (wui/netacl) */
	char model[65], sw_version[65], serial[65], mac[32]; /* System Info (after login only) */
	unsigned max_conns_n, conn_life_s, idle_timeout_s;
	unsigned max_conns_per_source_n, request_timeout_s;
	struct wui_netacl firstrun_acl;
};

/* Defaults, then (path non-NULL) the file. Returns 0, or -1 with the reason in err. */
int wui_conf_load(struct wui_conf *out, const char *path, char *err, size_t errlen);

#endif
