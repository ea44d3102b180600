/* TLS client side of the CWMP connections: the gSOAP context set-up (trust, host name check, TLS
 * 1.2 minimum, client certificate) and a cache that keeps the OpenSSL context and the last TLS
 * session from one connection to the next.
 *
 * Why a cache: building a context loads the trust store (the system's ~140 CA certificates take
 * about 20 ms of CPU on an x86 VM, several times a whole provisioning session), and a resumed TLS
 * session spares the certificate chain's verification on both ends. What keeps it safe:
 * - the context is used again only while conf's ca_file, ca_path, client_cert and client_key
 *   (and the system trust OpenSSL would load) name the same files with the same identity
 *   (device, inode, size, modification time) and for at most CWMP_TLS_CTX_MAX_AGE_S; anything
 *   else builds a new one, which forgets the kept session too (a resumption skips the chain's
 *   verification, so it must never outlive the trust it was verified with);
 * - the host name (or IP address) to verify is set on the context for each connection;
 * - a session is offered only to the host and port it was made with (gSOAP compares them), and
 *   kept only when the caller says the connection did its work (the ACS answered the Inform).
 * One cache belongs to one thread (the daemon's worker); it takes no lock.
 */
#ifndef PHONESEC_TR069_TLS_H
#define PHONESEC_TR069_TLS_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"

#define CWMP_TLS_CTX_MAX_AGE_S (24 * 3600) /* a context is built again at least daily */

struct soap;
struct cwmp_tls_cache;

/* TLS client set-up of a gSOAP context for url (https://), built from scratch: chain verified
 * against conf's ca_file and ca_path alone when either is set, else against the system trust
 * (OpenSSL's default file and folder, SSL_CERT_FILE and SSL_CERT_DIR), the URL's host name or IP address
 * verified against the certificate, TLS 1.2 minimum, conf's client certificate presented when
 * set. Returns 0, or -1 with the reason in err. */
int cwmp_tls_setup(struct soap *soap, const struct cwmp_conf *conf, const char *url, char *err,
		   size_t errlen);

struct cwmp_tls_cache *cwmp_tls_cache_new(void); /* NULL: out of memory */
void cwmp_tls_cache_free(struct cwmp_tls_cache *c);

/* As cwmp_tls_setup, through the cache c (c NULL: cwmp_tls_setup itself): the cached context
 * when still valid for conf, else a new one; the kept session offered when there is one. */
int cwmp_tls_attach(struct cwmp_tls_cache *c, struct soap *soap, const struct cwmp_conf *conf,
		    const char *url, char *err, size_t errlen);

/* Call once soap's connection is done with and before soap is freed: when it made a TLS
 * connection, keeps that TLS session for the next connection if keep is true (and the session
 * can be resumed), else forgets any kept session. c NULL: nothing. */
void cwmp_tls_detach(struct cwmp_tls_cache *c, struct soap *soap, bool keep);

/* What the cache did so far (logs and tests). */
struct cwmp_tls_stats {
	unsigned builds;   /* contexts built */
	unsigned reuses;   /* connections set up with the cached context */
	unsigned offered;  /* kept sessions offered for resumption */
	unsigned kept;     /* TLS sessions kept after a connection */
	bool holding;      /* a session is kept now */
};
void cwmp_tls_cache_stats(const struct cwmp_tls_cache *c, struct cwmp_tls_stats *out);

/* How long a context serves (CWMP_TLS_CTX_MAX_AGE_S unless set; 0: one connection). */
void cwmp_tls_cache_set_max_age(struct cwmp_tls_cache *c, unsigned seconds);

#endif
