/* TLS client set-up of gSOAP contexts and the per-thread context and session cache (tls.h). */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "stdsoap2.h"
#include "session.h"
#include "tls.h"

/* The identity of a file the context was built from (exists false: it did not). */
struct tls_fid {
	bool exists;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
};

enum { FID_CA_FILE, FID_CA_PATH, FID_CERT, FID_KEY, FID_SYS_FILE, FID_SYS_DIR, FID_N };

struct cwmp_tls_cache {
	SSL_CTX *ctx;              /* NULL: none built yet (or dropped) */
	unsigned short ssl_flags;  /* gSOAP's flags for that context */
	char *paths[4];            /* conf's ca_file, ca_path, client_cert, client_key it was built from */
	struct tls_fid fid[FID_N];
	int64_t built_ms;          /* monotonic */
	int64_t max_age_ms;
	SSL_SESSION *sess;         /* kept session, for sess_host:sess_port only */
	char sess_host[SOAP_TAGLEN];
	int sess_port;
	struct cwmp_tls_stats stats;
};

static int64_t tls_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sets the name (or IP address) the server's certificate must carry on ctx; either check
 * replaces the other. 1 on success. */
static int tls_expect_host(SSL_CTX *ctx, const char *host)
{
	X509_VERIFY_PARAM *vp = SSL_CTX_get0_param(ctx);
	ASN1_OCTET_STRING *ip = a2i_IPADDRESS(host);
	int ok;

	if (ip) {
		ok = X509_VERIFY_PARAM_set1_host(vp, NULL, 0) == 1 &&
		     X509_VERIFY_PARAM_set1_ip(vp, ASN1_STRING_get0_data(ip),
					       (size_t)ASN1_STRING_length(ip)) == 1;
		ASN1_OCTET_STRING_free(ip);
	} else {
		ok = X509_VERIFY_PARAM_set1_ip(vp, NULL, 0) == 1 &&
		     X509_VERIFY_PARAM_set1_host(vp, host, 0) == 1;
	}
	return ok;
}

/* gSOAP names the URL's host in the ClientHello's server_name even when it is an IP address,
 * which RFC 6066 3 forbids (and which some TLS front ends refuse): dropped before the
 * ClientHello is written. A host name stays (TR-069 3.3: SNI with the ACS URL's host). */
static void tls_info(const SSL *ssl, int where, int ret)
{
	(void)ret;
	if (!(where & SSL_CB_HANDSHAKE_START))
		return;
	const char *name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
	ASN1_OCTET_STRING *ip = name ? a2i_IPADDRESS(name) : NULL;
	if (ip) {
		ASN1_OCTET_STRING_free(ip);
		SSL_set_tlsext_host_name((SSL *)ssl, NULL);
	}
}

int cwmp_tls_setup(struct soap *soap, const struct cwmp_conf *c, const char *url, char *err,
		   size_t errlen)
{
	/* chain and host name verified (SOAP_SSL_DEFAULT), TLS 1.2 and 1.3 only; a configured
	 * ca_file or ca_path is the whole trust (gSOAP would add the system's CAs to it) */
	unsigned short flags = SOAP_SSL_DEFAULT | SOAP_TLSv1_2 | SOAP_TLSv1_3;
	char host[256];

	if (c->ca_file[0] || c->ca_path[0])
		flags |= SOAP_SSL_NO_DEFAULT_CA_PATH;
	/* a trust file that cannot be read: said by name (gSOAP would only say "SSL error") */
	if (c->ca_file[0] && access(c->ca_file, R_OK)) {
		snprintf(err, errlen, "TLS setup failed: ca_file %s: %s", c->ca_file, strerror(errno));
		return -1;
	}
	if (c->ca_path[0] && access(c->ca_path, R_OK | X_OK)) {
		snprintf(err, errlen, "TLS setup failed: ca_path %s: %s", c->ca_path, strerror(errno));
		return -1;
	}

	if (soap_ssl_client_context(soap, flags, NULL, NULL, c->ca_file[0] ? c->ca_file : NULL,
				    c->ca_path[0] ? c->ca_path : NULL, NULL)) {
		snprintf(err, errlen, "TLS setup failed (gSOAP error %d)", soap->error);
		return -1;
	}
	SSL_CTX *ctx = soap->ctx;
	cwmp_url_host_port(url, host, sizeof(host), NULL, 0);
	if (!ctx || !host[0]) {
		snprintf(err, errlen, "TLS setup failed (no context or no host in the URL)");
		return -1;
	}
	/* Besides gSOAP's own check after the handshake, the host (or IP address) is part of the
	 * chain verification itself, and nothing older than TLS 1.2 is offered. */
	SSL_CTX_set_info_callback(ctx, tls_info);
	if (tls_expect_host(ctx, host) != 1 ||
	    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) {
		snprintf(err, errlen, "TLS setup failed (host name check)");
		return -1;
	}
	if (c->client_cert[0]) {
		const char *key = c->client_key[0] ? c->client_key : c->client_cert;
		if (SSL_CTX_use_certificate_chain_file(ctx, c->client_cert) != 1 ||
		    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
		    SSL_CTX_check_private_key(ctx) != 1) {
			snprintf(err, errlen, "TLS client certificate %s unusable", c->client_cert);
			return -1;
		}
	}
	return 0;
}

struct cwmp_tls_cache *cwmp_tls_cache_new(void)
{
	struct cwmp_tls_cache *c = calloc(1, sizeof(*c));

	if (c)
		c->max_age_ms = (int64_t)CWMP_TLS_CTX_MAX_AGE_S * 1000;
	return c;
}

void cwmp_tls_cache_set_max_age(struct cwmp_tls_cache *c, unsigned seconds)
{
	if (c)
		c->max_age_ms = (int64_t)seconds * 1000;
}

static void tls_forget_session(struct cwmp_tls_cache *c)
{
	if (c->sess)
		SSL_SESSION_free(c->sess);
	c->sess = NULL;
	c->sess_host[0] = '\0';
	c->sess_port = 0;
}

static void tls_drop(struct cwmp_tls_cache *c)
{
	tls_forget_session(c);
	if (c->ctx)
		SSL_CTX_free(c->ctx);
	c->ctx = NULL;
	for (size_t i = 0; i < 4; i++) {
		free(c->paths[i]);
		c->paths[i] = NULL;
	}
}

void cwmp_tls_cache_free(struct cwmp_tls_cache *c)
{
	if (!c)
		return;
	tls_drop(c);
	free(c);
}

static void tls_fid_of(struct tls_fid *f, const char *path)
{
	struct stat st;

	memset(f, 0, sizeof(*f));
	if (!path || !path[0] || stat(path, &st))
		return;
	f->exists = true;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->size = st.st_size;
	f->mtime = st.st_mtim;
}

static bool tls_fid_same(const struct tls_fid *a, const struct tls_fid *b)
{
	if (a->exists != b->exists)
		return false;
	return !a->exists || (a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
			      a->mtime.tv_sec == b->mtime.tv_sec &&
			      a->mtime.tv_nsec == b->mtime.tv_nsec);
}

/* The files a context for conf is built from, as they are now. The system trust is OpenSSL's
 * default file and folder (or the ones SSL_CERT_FILE and SSL_CERT_DIR name). */
static void tls_fids(struct tls_fid fid[FID_N], const struct cwmp_conf *conf)
{
	const char *sys_file = getenv(X509_get_default_cert_file_env());
	const char *sys_dir = getenv(X509_get_default_cert_dir_env());

	tls_fid_of(&fid[FID_CA_FILE], conf->ca_file);
	tls_fid_of(&fid[FID_CA_PATH], conf->ca_path);
	tls_fid_of(&fid[FID_CERT], conf->client_cert);
	tls_fid_of(&fid[FID_KEY], conf->client_key[0] ? conf->client_key : conf->client_cert);
	tls_fid_of(&fid[FID_SYS_FILE], sys_file ? sys_file : X509_get_default_cert_file());
	tls_fid_of(&fid[FID_SYS_DIR], sys_dir ? sys_dir : X509_get_default_cert_dir());
}

static const char *tls_conf_path(const struct cwmp_conf *conf, size_t i)
{
	const char *p[4] = { conf->ca_file, conf->ca_path, conf->client_cert, conf->client_key };
	return p[i];
}

/* The cached context may serve conf now. fid holds the files as they are. */
static bool tls_valid(const struct cwmp_tls_cache *c, const struct cwmp_conf *conf,
		      const struct tls_fid fid[FID_N])
{
	if (!c->ctx || tls_now_ms() - c->built_ms >= c->max_age_ms)
		return false;
	for (size_t i = 0; i < 4; i++)
		if (strcmp(c->paths[i], tls_conf_path(conf, i)))
			return false;
	for (size_t i = 0; i < FID_N; i++)
		if (!tls_fid_same(&c->fid[i], &fid[i]))
			return false;
	return true;
}

int cwmp_tls_attach(struct cwmp_tls_cache *c, struct soap *soap, const struct cwmp_conf *conf,
		    const char *url, char *err, size_t errlen)
{
	struct tls_fid fid[FID_N];
	char host[256];

	if (!c)
		return cwmp_tls_setup(soap, conf, url, err, errlen);
	tls_fids(fid, conf);
	if (!tls_valid(c, conf, fid)) {
		/* a new context: the kept session was verified against the old trust, forget it */
		tls_drop(c);
		if (cwmp_tls_setup(soap, conf, url, err, errlen))
			return -1;
		for (size_t i = 0; i < 4; i++) {
			c->paths[i] = strdup(tls_conf_path(conf, i));
			if (!c->paths[i]) {
				tls_drop(c);
				return 0; /* this connection has its context; the next one builds again */
			}
		}
		if (SSL_CTX_up_ref(soap->ctx) != 1) {
			tls_drop(c);
			return 0;
		}
		c->ctx = soap->ctx;
		c->ssl_flags = soap->ssl_flags;
		memcpy(c->fid, fid, sizeof(c->fid));
		c->built_ms = tls_now_ms();
		c->stats.builds++;
		return 0;
	}
	cwmp_url_host_port(url, host, sizeof(host), NULL, 0);
	if (!host[0] || tls_expect_host(c->ctx, host) != 1) {
		snprintf(err, errlen, "TLS setup failed (host name check)");
		return -1;
	}
	if (SSL_CTX_up_ref(c->ctx) != 1) {
		snprintf(err, errlen, "TLS setup failed (context)");
		return -1;
	}
	/* gSOAP builds a context only when it has none: it connects with this one, and checks
	 * the chain and host name after the handshake by these flags */
	soap->ctx = c->ctx;
	soap->ssl_flags = c->ssl_flags;
	c->stats.reuses++;
	if (c->sess) {
		/* gSOAP offers it only to the host and port it came from, and takes it over */
		soap->session = c->sess;
		memcpy(soap->session_host, c->sess_host, sizeof(soap->session_host));
		soap->session_port = c->sess_port;
		c->sess = NULL;
		c->stats.offered++;
	}
	return 0;
}

void cwmp_tls_detach(struct cwmp_tls_cache *c, struct soap *soap, bool keep)
{
	if (!c || !soap || !soap->ssl)
		return; /* no TLS connection was made: what is kept stays kept */
	/* the connection's session, with the tickets the server sent during it; gSOAP offers a
	 * session only where soap->session_host and session_port say it comes from */
	SSL_SESSION *s = SSL_get1_session(soap->ssl);
	if (s && (strlen(soap->host) >= sizeof(c->sess_host) || !soap->host[0])) {
		SSL_SESSION_free(s);
		s = NULL;
	}
	tls_forget_session(c);
	if (s && keep && c->ctx && soap->ctx == c->ctx && SSL_SESSION_is_resumable(s)) {
		c->sess = s;
		memcpy(c->sess_host, soap->host, strlen(soap->host) + 1);
		c->sess_port = soap->port;
		c->stats.kept++;
	} else if (s) {
		SSL_SESSION_free(s);
	}
}

void cwmp_tls_cache_stats(const struct cwmp_tls_cache *c, struct cwmp_tls_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (c) {
		*out = c->stats;
		out->holding = c->sess != NULL;
	}
}
