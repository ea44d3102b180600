/* Unit tests of tr069/tls.c: the TLS context kept between connections (reused while the trust is
 * unchanged; rebuilt when a trust file changes on disk, the conf names other files or the
 * context is too old), the host name set for each connection, and the TLS session kept only after
 * a connection that did its work, offered once, and forgotten with the context. The server is an
 * OpenSSL TLS server in a thread of this process on 127.0.0.1; the certificates are made with the
 * openssl command (TEST_KEEP=1 keeps their folder).
 */
#include "config.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "session.h"
#include "stdsoap2.h"
#include "testutil.h"
#include "tls.h"

static char *dir; /* the certificates' folder */
static char ca_pem[128], other_pem[128];

/* ------------------------------------------------------------------------------- fixtures */

static int run(const char *cmd)
{
	return system(cmd) ? -1 : 0;
}

#define EC "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"

static int make_pki(void)
{
	char cmd[2048];

	dir = tu_mkdtemp();
	if (!dir)
		return -1;
	snprintf(ca_pem, sizeof(ca_pem), "%s/ca.pem", dir);
	snprintf(other_pem, sizeof(other_pem), "%s/other.pem", dir);
	const char *cas[] = { "ca", "other" };
	for (int i = 0; i < 2; i++) {
		snprintf(cmd, sizeof(cmd),
			 "openssl req -x509 " EC " -keyout %s/%s.key -out %s/%s.pem -days 2 "
			 "-subj /CN=test-%s -addext basicConstraints=critical,CA:TRUE "
			 "-addext keyUsage=critical,keyCertSign >/dev/null 2>&1",
			 dir, cas[i], dir, cas[i], cas[i]);
		if (run(cmd))
			return -1;
	}
	snprintf(cmd, sizeof(cmd),
		 "cd %s && openssl req " EC " -keyout srv.key -out srv.csr -subj /CN=srv >/dev/null 2>&1 && "
		 "printf 'subjectAltName=IP:127.0.0.1\\nextendedKeyUsage=serverAuth\\n' >srv.ext && "
		 "openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem "
		 "-days 2 -extfile srv.ext >/dev/null 2>&1", dir);
	return run(cmd);
}

static void conf_with(struct cwmp_conf *c, const char *ca_file, const char *ca_path)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->ca_file, sizeof(c->ca_file), "%s", ca_file);
	snprintf(c->ca_path, sizeof(c->ca_path), "%s", ca_path);
}

/* a new modification time for path (an edit in place) */
static void touch_later(const char *path, long sec)
{
	struct timespec ts[2] = { { .tv_sec = 1700000000 + sec }, { .tv_sec = 1700000000 + sec } };
	CU_ASSERT_EQUAL(utimensat(AT_FDCWD, path, ts, 0), 0);
}

static struct soap *new_soap(void)
{
	struct soap *s = soap_new1(SOAP_IO_KEEPALIVE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	s->connect_timeout = 5;
	s->recv_timeout = 5;
	s->send_timeout = 5;
	return s;
}

static struct cwmp_tls_stats stats(const struct cwmp_tls_cache *c)
{
	struct cwmp_tls_stats st;
	cwmp_tls_cache_stats(c, &st);
	return st;
}

/* ------------------------------------------------------------------------------- server */

#define SRV_MAX 16

struct srv {
	int lfd, port;
	SSL_CTX *ctx;
	int n;                /* connections to take */
	int handshakes;       /* completed */
	int resumed[SRV_MAX]; /* per completed handshake */
	pthread_t th;
};

static void *srv_run(void *arg)
{
	struct srv *v = arg;

	for (int i = 0; i < v->n; i++) {
		int fd = accept(v->lfd, NULL, NULL);
		if (fd < 0)
			break;
		SSL *ssl = SSL_new(v->ctx);
		SSL_set_fd(ssl, fd);
		if (SSL_accept(ssl) == 1) {
			v->resumed[v->handshakes++] = SSL_session_reused(ssl);
			char b[64];
			/* one byte, so that the client reads the session tickets sent before it */
			if (SSL_write(ssl, "x", 1) == 1)
				while (SSL_read(ssl, b, sizeof(b)) > 0)
					;
		}
		SSL_free(ssl);
		close(fd);
	}
	return NULL;
}

static int srv_start(struct srv *v, int n)
{
	char crt[128], key[128];
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);

	memset(v, 0, sizeof(*v));
	v->n = n;
	snprintf(crt, sizeof(crt), "%s/srv.pem", dir);
	snprintf(key, sizeof(key), "%s/srv.key", dir);
	v->ctx = SSL_CTX_new(TLS_server_method());
	if (!v->ctx || SSL_CTX_use_certificate_chain_file(v->ctx, crt) != 1 ||
	    SSL_CTX_use_PrivateKey_file(v->ctx, key, SSL_FILETYPE_PEM) != 1)
		return -1;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	v->lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (v->lfd < 0 || bind(v->lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(v->lfd, 8) ||
	    getsockname(v->lfd, (struct sockaddr *)&sa, &len))
		return -1;
	v->port = ntohs(sa.sin_port);
	return pthread_create(&v->th, NULL, srv_run, v) ? -1 : 0;
}

static void srv_stop(struct srv *v)
{
	shutdown(v->lfd, SHUT_RDWR); /* accept() returns when fewer connections came */
	pthread_join(v->th, NULL);
	close(v->lfd);
	SSL_CTX_free(v->ctx);
}

/* A port nobody listens on (bound, then closed). */
static int dead_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CU_ASSERT_FATAL(fd >= 0 && !bind(fd, (struct sockaddr *)&sa, sizeof(sa)) &&
			!getsockname(fd, (struct sockaddr *)&sa, &len));
	close(fd);
	return ntohs(sa.sin_port);
}

/* One connection through the cache: attach, connect, read the server's byte, detach(keep).
 * Returns 1 when the handshake succeeded, 0 when it failed, -1 when attach failed. */
static int one_connection(struct cwmp_tls_cache *c, const struct cwmp_conf *conf, int port,
			  bool keep)
{
	char url[64], err[200];
	struct soap *s = new_soap();
	int rc = -1;

	snprintf(url, sizeof(url), "https://127.0.0.1:%d/acs", port);
	if (!cwmp_tls_attach(c, s, conf, url, err, sizeof(err))) {
		soap_set_endpoint(s, url);
		s->socket = s->fopen(s, url, s->host, s->port);
		rc = 0;
		if (soap_valid_socket(s->socket) && s->ssl) {
			char b;
			int r;
			/* gSOAP leaves the socket non-blocking (it waits with select itself) */
			struct pollfd p = { .fd = s->socket, .events = POLLIN };
			while ((r = SSL_read(s->ssl, &b, 1)) <= 0 &&
			       SSL_get_error(s->ssl, r) == SSL_ERROR_WANT_READ && poll(&p, 1, 5000) == 1)
				;
			rc = r == 1;
		}
	}
	cwmp_tls_detach(c, s, keep);
	soap_destroy(s);
	soap_end(s);
	soap_free(s);
	return rc;
}

/* ------------------------------------------------------------------------------- tests */

static void test_context_reused(void)
{
	struct cwmp_tls_cache *c = cwmp_tls_cache_new();
	struct cwmp_conf conf;
	char err[200];

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	conf_with(&conf, ca_pem, "");
	struct soap *a = new_soap(), *b = new_soap();
	CU_ASSERT_EQUAL(cwmp_tls_attach(c, a, &conf, "https://127.0.0.1:7548/acs", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(cwmp_tls_attach(c, b, &conf, "https://127.0.0.1:7548/acs", err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL(a->ctx);
	CU_ASSERT_PTR_EQUAL(a->ctx, b->ctx);
	CU_ASSERT_EQUAL(stats(c).builds, 1);
	CU_ASSERT_EQUAL(stats(c).reuses, 1);
	/* ca_file set: the whole trust, the system's CAs are not added */
	CU_ASSERT_EQUAL(sk_X509_OBJECT_num(X509_STORE_get0_objects(SSL_CTX_get_cert_store(a->ctx))), 1);
	soap_free(a);
	soap_free(b); /* the cache holds its own reference */
	struct soap *d = new_soap();
	CU_ASSERT_EQUAL(cwmp_tls_attach(c, d, &conf, "https://127.0.0.1:7548/acs", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(stats(c).builds, 1);
	soap_free(d);
	/* no cache: a context of its own each time */
	struct soap *e = new_soap(), *f = new_soap();
	CU_ASSERT_EQUAL(cwmp_tls_attach(NULL, e, &conf, "https://127.0.0.1/", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(cwmp_tls_attach(NULL, f, &conf, "https://127.0.0.1/", err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_EQUAL(e->ctx, f->ctx);
	soap_free(e);
	soap_free(f);
	cwmp_tls_cache_free(c);
	cwmp_tls_cache_free(NULL);
}

static void test_host_per_connection(void)
{
	struct cwmp_tls_cache *c = cwmp_tls_cache_new();
	struct cwmp_conf conf;
	char err[200];

	conf_with(&conf, ca_pem, "");
	const char *urls[] = { "https://127.0.0.1:7548/", "https://acs.example.net/cwmp",
			       "https://[::1]:7548/", "https://127.0.0.1/" };
	const char *host[] = { NULL, "acs.example.net", NULL, NULL };
	const char *ip[] = { "127.0.0.1", NULL, "0:0:0:0:0:0:0:1", "127.0.0.1" };
	for (size_t i = 0; i < 4; i++) {
		struct soap *s = new_soap();
		CU_ASSERT_EQUAL_FATAL(cwmp_tls_attach(c, s, &conf, urls[i], err, sizeof(err)), 0);
		X509_VERIFY_PARAM *vp = SSL_CTX_get0_param(s->ctx);
		const char *h = X509_VERIFY_PARAM_get0_host(vp, 0);
		char *a = X509_VERIFY_PARAM_get1_ip_asc(vp);
		if (host[i]) {
			CU_ASSERT(h && !strcmp(h, host[i]));
		} else {
			CU_ASSERT_PTR_NULL(h);
		}
		if (ip[i]) {
			CU_ASSERT(a && !strcasecmp(a, ip[i]));
		} else {
			CU_ASSERT_PTR_NULL(a);
		}
		OPENSSL_free(a);
		soap_free(s);
	}
	CU_ASSERT_EQUAL(stats(c).builds, 1);
	/* a URL without a host: refused, not a context that checks nothing */
	struct soap *s = new_soap();
	CU_ASSERT_EQUAL(cwmp_tls_attach(c, s, &conf, "https:///acs", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "host"));
	soap_free(s);
	cwmp_tls_cache_free(c);
}

static void test_rebuilt_when_trust_changes(void)
{
	struct cwmp_tls_cache *c = cwmp_tls_cache_new();
	struct cwmp_conf conf;
	char err[200];
	unsigned builds = 0;

#define ATTACH_EXPECT(n)                                                                       \
	do {                                                                                   \
		struct soap *s_ = new_soap();                                                  \
		CU_ASSERT_EQUAL(cwmp_tls_attach(c, s_, &conf, "https://127.0.0.1/", err,       \
						sizeof(err)), 0);                              \
		soap_free(s_);                                                                 \
		builds += (n);                                                                 \
		CU_ASSERT_EQUAL(stats(c).builds, builds);                                      \
	} while (0)

	conf_with(&conf, ca_pem, "");
	ATTACH_EXPECT(1);
	ATTACH_EXPECT(0);
	touch_later(ca_pem, 10); /* the CA file edited in place */
	ATTACH_EXPECT(1);
	ATTACH_EXPECT(0);
	conf_with(&conf, other_pem, ""); /* the conf names another file */
	ATTACH_EXPECT(1);
	conf_with(&conf, other_pem, dir); /* and a folder */
	ATTACH_EXPECT(1);
	touch_later(dir, 20); /* a file added to the folder */
	ATTACH_EXPECT(1);
	ATTACH_EXPECT(0);
	cwmp_tls_cache_set_max_age(c, 0); /* too old at once */
	ATTACH_EXPECT(1);
	ATTACH_EXPECT(1);
	cwmp_tls_cache_set_max_age(c, 3600); /* the last one is fresh */
	ATTACH_EXPECT(0);
	ATTACH_EXPECT(0);
	/* a trust file or folder that cannot be read: refused by name, nothing cached */
	const char *bad[][2] = { { "/nonexistent/ca.pem", "" }, { "", "/nonexistent/certs" } };
	for (size_t i = 0; i < 2; i++) {
		conf_with(&conf, bad[i][0], bad[i][1]);
		struct soap *s = new_soap();
		CU_ASSERT_EQUAL(cwmp_tls_attach(c, s, &conf, "https://127.0.0.1/", err, sizeof(err)), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/"));
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "No such file"));
		soap_free(s);
	}
	/* an unusable client certificate: refused, and nothing is cached */
	conf_with(&conf, ca_pem, "");
	snprintf(conf.client_cert, sizeof(conf.client_cert), "%s/missing.pem", dir);
	struct soap *s = new_soap();
	CU_ASSERT_EQUAL(cwmp_tls_attach(c, s, &conf, "https://127.0.0.1/", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "client certificate"));
	soap_free(s);
	conf.client_cert[0] = '\0';
	ATTACH_EXPECT(1);
#undef ATTACH_EXPECT
	cwmp_tls_cache_free(c);
}

static void test_session_kept_and_resumed(void)
{
	struct srv v;
	struct cwmp_conf conf;
	struct cwmp_tls_cache *c = cwmp_tls_cache_new();

	CU_ASSERT_EQUAL_FATAL(srv_start(&v, 7), 0);
	conf_with(&conf, ca_pem, "");
	/* 1: full handshake, kept */
	CU_ASSERT_EQUAL(one_connection(c, &conf, v.port, true), 1);
	CU_ASSERT_EQUAL(stats(c).kept, 1);
	CU_ASSERT_TRUE(stats(c).holding);
	/* 2: resumed; the connection did not do its work: not kept */
	CU_ASSERT_EQUAL(one_connection(c, &conf, v.port, false), 1);
	CU_ASSERT_EQUAL(stats(c).offered, 1);
	CU_ASSERT_FALSE(stats(c).holding);
	/* 3: nothing to offer: full handshake, kept */
	CU_ASSERT_EQUAL(one_connection(c, &conf, v.port, true), 1);
	CU_ASSERT_EQUAL(stats(c).offered, 1);
	CU_ASSERT_TRUE(stats(c).holding);
	/* 4: resumed again, kept */
	CU_ASSERT_EQUAL(one_connection(c, &conf, v.port, true), 1);
	CU_ASSERT_EQUAL(stats(c).offered, 2);
	/* 5: the CA file changes: a new context and the kept session forgotten, even when the
	 * connection that built it never reached TLS; the next one is a full handshake */
	touch_later(ca_pem, 30);
	CU_ASSERT_EQUAL(one_connection(c, &conf, dead_port(), true), 0);
	CU_ASSERT_FALSE(stats(c).holding);
	CU_ASSERT_EQUAL(one_connection(c, &conf, v.port, true), 1);
	CU_ASSERT_EQUAL(stats(c).offered, 2);
	CU_ASSERT_TRUE(stats(c).holding);
	/* 6: trust in another CA alone: the kept session is not offered, the handshake fails */
	conf_with(&conf, other_pem, "");
	CU_ASSERT_EQUAL(one_connection(c, &conf, v.port, true), 0);
	CU_ASSERT_EQUAL(stats(c).offered, 2);
	CU_ASSERT_FALSE(stats(c).holding);
	/* 7: the right CA again: verified in full */
	conf_with(&conf, ca_pem, "");
	CU_ASSERT_EQUAL(one_connection(c, &conf, v.port, true), 1);
	srv_stop(&v);
	CU_ASSERT_EQUAL(v.handshakes, 6);
	int want[] = { 0, 1, 0, 1, 0, 0 };
	for (int i = 0; i < 6 && i < v.handshakes; i++)
		CU_ASSERT_EQUAL(v.resumed[i], want[i]);
	cwmp_tls_cache_free(c);
}

/* The host and port phonesec-cwmpd connects to and verifies, through lib/url: the scheme in any
 * case; a port outside 1..65535 gives no host at all (it connected to 99999 mod 65536). */
static void test_url_host_port(void)
{
	static const struct {
		const char *url, *host, *port;
	} cases[] = {
		{ "HTTPS://acs.example.net/cwmp", "acs.example.net", "443" },
		{ "Http://acs.example.net:7547", "acs.example.net", "7547" },
		{ "https://[2001:db8::5]:8443/x", "2001:db8::5", "8443" },
		{ "https://user:pw@files.example/f", "files.example", "443" },
		{ "https://acs.example.net:99999/", "", "80" },
		{ "https://acs.example.net:0/", "", "80" },
		{ "ftp://acs.example.net/", "", "80" },
	};
	char host[256], port[8];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cwmp_url_host_port(cases[i].url, host, sizeof(host), port, sizeof(port));
		CU_ASSERT_STRING_EQUAL(host, cases[i].host);
		CU_ASSERT_STRING_EQUAL(port, cases[i].port);
	}
	cwmp_url_host_port("https://h/", host, sizeof(host), NULL, 0);
	CU_ASSERT_STRING_EQUAL(host, "h");
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN); /* a peer that closed: an error, not the end of the test */
	cwmp_session_global_init();
	if (make_pki()) {
		fprintf(stderr, "test_cwmp_tls: openssl could not make the certificates\n");
		return 99;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("cwmp tls", NULL, NULL);
	CU_add_test(s, "context reused", test_context_reused);
	CU_add_test(s, "URL host and port", test_url_host_port);
	CU_add_test(s, "host name per connection", test_host_per_connection);
	CU_add_test(s, "context rebuilt when the trust changes", test_rebuilt_when_trust_changes);
	CU_add_test(s, "session kept, offered once, forgotten", test_session_kept_and_resumed);
	int rc = tu_run();
	if (!getenv("TEST_KEEP"))
		tu_rmtree(dir);
	free(dir);
	return rc;
}
