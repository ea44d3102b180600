/* Unit tests of the connection guard (lib/connguard.c) on a real event loop: an evhttp server on
 * 127.0.0.1 and client sockets bound to 127.0.0.2.. as distinct sources. */
#include "config.h"

#include <CUnit/CUnit.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "connguard.h"
#include "testutil.h"

#define MAXC 32

struct fx {
	struct event_base *base;
	struct evhttp *http;
	struct evhttp_bound_socket *sock;
	struct connguard *g;
	unsigned port;
	int pauses, resumes;
	SSL_CTX *tls;              /* set: the listener speaks TLS */
	int fds[MAXC];
	size_t nfds;
};

static void fx_listen(void *arg, bool on)
{
	struct fx *f = arg;
	struct evconnlistener *l = evhttp_bound_socket_get_listener(f->sock);

	if (on) {
		evconnlistener_enable(l);
		f->resumes++;
	} else {
		evconnlistener_disable(l);
		f->pauses++;
	}
}

static struct bufferevent *fx_bevcb(struct event_base *base, void *arg)
{
	struct fx *f = arg;
	struct bufferevent *bev;

	if (f->tls) {
		SSL *ssl = SSL_new(f->tls);
		bev = ssl ? bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING,
							   BEV_OPT_CLOSE_ON_FREE)
			  : NULL;
	} else {
		bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	}
	if (bev)
		CU_ASSERT_EQUAL(connguard_track(f->g, bev), 0);
	return bev;
}

/* "/wait": a 401 asking for credentials (WAITING); "/close": answered for good; else kept
 * alive (IDLE). */
static void fx_handle(struct evhttp_request *req, void *arg)
{
	struct fx *f = arg;
	const char *uri = evhttp_request_get_uri(req);

	if (!strcmp(uri, "/wait")) {
		connguard_set(f->g, req, CONNGUARD_WAITING);
		evhttp_send_reply(req, 401, "Unauthorized", NULL);
	} else if (!strcmp(uri, "/close")) {
		connguard_set(f->g, req, CONNGUARD_CLOSING);
		evhttp_add_header(evhttp_request_get_output_headers(req), "Connection", "close");
		evhttp_send_reply(req, 200, "OK", NULL);
	} else {
		connguard_set(f->g, req, CONNGUARD_IDLE);
		evhttp_send_reply(req, 200, "OK", NULL);
	}
}

static void fx_init(struct fx *f, const struct connguard_params *p0)
{
	struct connguard_params p = *p0;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	SSL_CTX *tls = f->tls;

	memset(f, 0, sizeof(*f));
	f->tls = tls;
	f->base = event_base_new();
	CU_ASSERT_PTR_NOT_NULL_FATAL(f->base);
	p.listen = fx_listen;
	p.arg = f;
	p.log_prefix = "test";
	p.log_what = "test";
	CU_ASSERT_EQUAL_FATAL(connguard_new(&f->g, f->base, &p), 0);
	f->http = evhttp_new(f->base);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f->http);
	evhttp_set_bevcb(f->http, fx_bevcb, f);
	evhttp_set_gencb(f->http, fx_handle, f);
	f->sock = evhttp_bind_socket_with_handle(f->http, "127.0.0.1", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f->sock);
	CU_ASSERT_EQUAL_FATAL(getsockname(evhttp_bound_socket_get_fd(f->sock),
					  (struct sockaddr *)&ss, &sl), 0);
	f->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static void fx_done(struct fx *f)
{
	for (size_t i = 0; i < f->nfds; i++)
		close(f->fds[i]);
	evhttp_free(f->http);
	connguard_free(f->g);
	event_base_free(f->base);
	SSL_CTX_free(f->tls);
}

/* A server context with a fresh self-signed P-256 certificate. */
static SSL_CTX *fx_tls_ctx(void)
{
	EVP_PKEY *pk = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	CU_ASSERT_FATAL(pk && x && ctx);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, pk);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
				   (const unsigned char *)"test", -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	CU_ASSERT_FATAL(X509_sign(x, pk, EVP_sha256()) > 0);
	CU_ASSERT_FATAL(SSL_CTX_use_certificate(ctx, x) == 1 && SSL_CTX_use_PrivateKey(ctx, pk) == 1);
	X509_free(x);
	EVP_PKEY_free(pk);
	return ctx;
}

/* Sends a TLS ClientHello on client i and nothing more: a handshake left half-way. */
static void fx_client_hello(struct fx *f, size_t i)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	SSL *ssl = ctx ? SSL_new(ctx) : NULL;
	BIO *rb = BIO_new(BIO_s_mem()), *wb = BIO_new(BIO_s_mem());
	char *data = NULL;

	CU_ASSERT_FATAL(ssl && rb && wb);
	SSL_set_bio(ssl, rb, wb);
	SSL_set_connect_state(ssl);
	CU_ASSERT_EQUAL(SSL_do_handshake(ssl), -1); /* wants the server's answer */
	long n = BIO_get_mem_data(wb, &data);
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL(send(f->fds[i], data, (size_t)n, 0), n);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
}

/* Runs the loop for ms. */
static void fx_run(struct fx *f, int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };

	event_base_loopexit(f->base, &tv);
	event_base_dispatch(f->base);
}

/* A client from 127.0.0.<src>, sending text (NULL: nothing); its index in f->fds. */
static size_t fx_connect(struct fx *f, int src, const char *text)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	char ip[32];

	CU_ASSERT_FATAL(fd >= 0 && f->nfds < MAXC);
	snprintf(ip, sizeof(ip), "127.0.0.%d", src);
	inet_pton(AF_INET, ip, &a.sin_addr);
	CU_ASSERT_EQUAL_FATAL(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	a.sin_port = htons((uint16_t)f->port);
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	CU_ASSERT_EQUAL_FATAL(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	if (text)
		CU_ASSERT_EQUAL(send(fd, text, strlen(text), 0), (ssize_t)strlen(text));
	f->fds[f->nfds] = fd;
	return f->nfds++;
}

/* Whether the server closed client i (what it was sent is read and dropped). */
static bool fx_closed(struct fx *f, size_t i)
{
	char buf[4096];

	for (;;) {
		ssize_t n = recv(f->fds[i], buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0)
			continue;
		return n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
	}
}

/* Whether client i has bytes to read (an answer, the server's TLS flight). */
static bool fx_answered(struct fx *f, size_t i)
{
	char c;

	return recv(f->fds[i], &c, 1, MSG_DONTWAIT | MSG_PEEK) > 0;
}

static bool fx_is_closed(struct fx *f, size_t i)
{
	return fx_closed(f, i);
}

static bool fx_has_count(struct fx *f, size_t n)
{
	return connguard_count(f->g) == n;
}

static bool fx_has_paused(struct fx *f, size_t n)
{
	return f->pauses >= (int)n;
}

/* Runs the loop until pred(f, arg) holds, for at most ms (generous: the machine may be
 * loaded); whether it holds. */
static bool fx_until(struct fx *f, bool (*pred)(struct fx *, size_t), size_t arg, int ms)
{
	for (int t = 0; t < ms; t += 50) {
		if (pred(f, arg))
			return true;
		fx_run(f, 50);
	}
	return pred(f, arg);
}

#define WAIT_MS 10000

/* Deadlines far beyond what a test waits for, unless it tests them. */
static const struct connguard_params base_params = {
	.max_conns = 6, .max_per_source = 3, .first_ms = 30000, .wait_ms = 30000, .life_ms = 60000,
	.fresh_ms = 100,
};

/* Above its source's cap the oldest idle connections of an address are closed; the others
 * stay, and other sources are not touched. */
static void test_per_source(void)
{
	struct fx f = { .tls = NULL };

	fx_init(&f, &base_params);
	for (int i = 0; i < 5; i++)
		fx_connect(&f, 2, NULL);
	fx_connect(&f, 3, NULL);
	CU_ASSERT(fx_until(&f, fx_is_closed, 0, WAIT_MS));
	CU_ASSERT(fx_until(&f, fx_is_closed, 1, WAIT_MS));
	fx_run(&f, 600); /* two more sweeps: nothing else goes */
	for (size_t i = 2; i < 6; i++)
		CU_ASSERT(!fx_closed(&f, i));
	CU_ASSERT_EQUAL(connguard_count(f.g), 4);
	CU_ASSERT_EQUAL(f.pauses, f.resumes); /* paused at most while the six were fresh */
	fx_done(&f);
}

/* At the cap a newcomer evicts the oldest idle connection of the source holding the most,
 * never one in a Digest exchange (WAITING) nor one with unread input. */
static void test_cap_evicts(void)
{
	struct fx f = { .tls = NULL };

	fx_init(&f, &base_params);
	/* 127.0.0.2: 3 in a Digest exchange (the oldest); .3: 2 idle, then 1 with a partial line */
	for (int i = 0; i < 3; i++)
		fx_connect(&f, 2, "GET /wait HTTP/1.1\r\nHost: x\r\n\r\n");
	fx_connect(&f, 3, NULL);
	fx_connect(&f, 3, NULL);
	fx_connect(&f, 3, "GET / HTTP/1.1\r\nHost: x");
	for (size_t i = 0; i < 3; i++)
		CU_ASSERT(fx_until(&f, fx_answered, i, WAIT_MS));
	CU_ASSERT(fx_until(&f, fx_has_count, 6, WAIT_MS));
	fx_connect(&f, 4, NULL);
	CU_ASSERT(fx_until(&f, fx_is_closed, 3, WAIT_MS)); /* the oldest idle one, of .3 */
	fx_run(&f, 300);
	for (size_t i = 0; i < 7; i++)
		if (i != 3)
			CU_ASSERT(!fx_closed(&f, i));
	fx_connect(&f, 5, NULL);
	/* the next: .3 holds 2 (one idle), .4 one idle: .3's */
	CU_ASSERT(fx_until(&f, fx_is_closed, 4, WAIT_MS));
	CU_ASSERT(fx_until(&f, fx_has_count, 6, WAIT_MS));
	CU_ASSERT(!fx_closed(&f, 6));
	CU_ASSERT_EQUAL(f.pauses, f.resumes);
	fx_done(&f);
}

/* Nothing evictable at the cap: the listener pauses, the newcomer waits in the backlog; it is
 * accepted once the first-request deadline has closed the others. */
static void test_pause(void)
{
	struct connguard_params p = base_params;
	struct fx f = { .tls = NULL };

	p.first_ms = 3000;
	fx_init(&f, &p);
	for (int i = 0; i < 6; i++)
		fx_connect(&f, 2 + i, "GET / HTTP/1.1\r\nHost: x");
	CU_ASSERT(fx_until(&f, fx_has_paused, 1, WAIT_MS));
	size_t late = fx_connect(&f, 9, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
	fx_run(&f, 400);
	CU_ASSERT_EQUAL(connguard_count(f.g), 6);
	CU_ASSERT(!fx_answered(&f, late));
	CU_ASSERT(fx_until(&f, fx_answered, late, WAIT_MS));
	for (size_t i = 0; i < 6; i++)
		CU_ASSERT(fx_closed(&f, i));
	CU_ASSERT(f.resumes >= 1);
	char buf[64] = "";
	CU_ASSERT(recv(f.fds[late], buf, sizeof(buf) - 1, MSG_DONTWAIT) > 12);
	CU_ASSERT_NSTRING_EQUAL(buf, "HTTP/1.1 200", 12);
	fx_done(&f);
}

/* A connection without a complete request is closed after first_ms, one answered and kept
 * alive is not, but every one after life_ms. */
static void test_deadlines(void)
{
	struct connguard_params p = base_params;
	struct fx f = { .tls = NULL };

	p.first_ms = p.wait_ms = 2000;
	p.life_ms = 5000;
	fx_init(&f, &p);
	fx_connect(&f, 2, NULL);
	fx_connect(&f, 3, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
	fx_connect(&f, 4, "GET /wait HTTP/1.1\r\nHost: x\r\n\r\n");
	fx_run(&f, 1000); /* the deadlines count from the accept, made within this run */
	CU_ASSERT(!fx_closed(&f, 0));
	CU_ASSERT(fx_until(&f, fx_is_closed, 0, WAIT_MS));
	CU_ASSERT(fx_until(&f, fx_is_closed, 2, WAIT_MS));
	CU_ASSERT(!fx_closed(&f, 1));
	CU_ASSERT(fx_until(&f, fx_is_closed, 1, WAIT_MS));
	CU_ASSERT(fx_until(&f, fx_has_count, 0, WAIT_MS));
	fx_done(&f);
}

/* Exchanges (WAITING) of one source are closed for its cap only when they alone are above it,
 * the oldest first. */
static void test_waiting_cap(void)
{
	struct fx f = { .tls = NULL };

	fx_init(&f, &base_params);
	for (int i = 0; i < 5; i++)
		fx_connect(&f, 2, "GET /wait HTTP/1.1\r\nHost: x\r\n\r\n");
	CU_ASSERT(fx_until(&f, fx_is_closed, 0, WAIT_MS));
	CU_ASSERT(fx_until(&f, fx_is_closed, 1, WAIT_MS));
	fx_run(&f, 600);
	for (size_t i = 2; i < 5; i++)
		CU_ASSERT(!fx_closed(&f, i));
	fx_done(&f);
}

/* A connection younger than fresh_ms is never evicted: at the cap with only young ones the
 * listener pauses until they age. */
static void test_fresh(void)
{
	struct connguard_params p = base_params;
	struct fx f = { .tls = NULL };

	p.fresh_ms = 3000;
	fx_init(&f, &p);
	for (int i = 0; i < 6; i++)
		fx_connect(&f, 2 + i, NULL);
	fx_run(&f, 300);
	fx_connect(&f, 9, NULL);
	fx_run(&f, 800); /* 1.1 s after the accepts at most: all six still fresh */
	CU_ASSERT_EQUAL(f.pauses, 1);
	for (size_t i = 0; i < 7; i++)
		CU_ASSERT(!fx_closed(&f, i));
	CU_ASSERT(fx_until(&f, fx_is_closed, 0, WAIT_MS));
	CU_ASSERT(f.resumes >= 1);
	CU_ASSERT(fx_until(&f, fx_has_count, 6, WAIT_MS));
	fx_done(&f);
}

/* A connection answered and kept alive (IDLE) is idle once its answer is out: it goes for a
 * newcomer like one that never sent anything, from the source holding the most. */
static void test_keepalive(void)
{
	struct connguard_params p = base_params;
	struct fx f = { .tls = NULL };

	p.max_conns = 4;
	fx_init(&f, &p);
	fx_connect(&f, 2, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
	fx_connect(&f, 2, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
	fx_connect(&f, 3, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
	fx_connect(&f, 4, NULL);
	for (size_t i = 0; i < 3; i++)
		CU_ASSERT(fx_until(&f, fx_answered, i, WAIT_MS));
	char buf[64] = "";
	CU_ASSERT(recv(f.fds[0], buf, sizeof(buf) - 1, MSG_DONTWAIT) > 12);
	CU_ASSERT_NSTRING_EQUAL(buf, "HTTP/1.1 200", 12);
	CU_ASSERT(fx_until(&f, fx_has_count, 4, WAIT_MS));
	fx_connect(&f, 5, NULL);
	CU_ASSERT(fx_until(&f, fx_is_closed, 0, WAIT_MS));
	fx_run(&f, 300);
	for (size_t i = 1; i < 5; i++)
		CU_ASSERT(!fx_closed(&f, i));
	fx_done(&f);
}

/* A TLS client that sent its hello is in a handshake we answered: an exchange, never evicted for
 * a newcomer (even of the source holding the most), closed for its source's cap only when its
 * exchanges alone are above it. */
static void test_tls_handshake(void)
{
	struct connguard_params p = base_params;
	struct fx f = { .tls = fx_tls_ctx() };

	p.max_conns = 4;
	p.max_per_source = 2;
	fx_init(&f, &p);
	fx_client_hello(&f, fx_connect(&f, 2, NULL));
	fx_client_hello(&f, fx_connect(&f, 2, NULL));
	fx_connect(&f, 3, NULL);
	fx_connect(&f, 4, NULL);
	CU_ASSERT(fx_until(&f, fx_answered, 0, WAIT_MS)); /* the server's flight */
	CU_ASSERT(fx_until(&f, fx_answered, 1, WAIT_MS));
	CU_ASSERT(fx_until(&f, fx_has_count, 4, WAIT_MS));
	fx_connect(&f, 5, NULL);
	CU_ASSERT(fx_until(&f, fx_is_closed, 2, WAIT_MS)); /* .2 holds more, but in handshakes */
	fx_run(&f, 300);
	CU_ASSERT(!fx_closed(&f, 0));
	CU_ASSERT(!fx_closed(&f, 1));
	CU_ASSERT(!fx_closed(&f, 3));
	/* a third handshake from .2: above its cap of 2, the oldest goes */
	fx_client_hello(&f, fx_connect(&f, 2, NULL));
	CU_ASSERT(fx_until(&f, fx_is_closed, 0, WAIT_MS));
	fx_run(&f, 300);
	CU_ASSERT(!fx_closed(&f, 1));
	CU_ASSERT(!fx_closed(&f, 5));
	fx_done(&f);
}

static void test_params(void)
{
	struct connguard_params p = base_params;
	struct event_base *base = event_base_new();
	struct connguard *g = (struct connguard *)1;

	p.log_prefix = p.log_what = "x";
	p.max_conns = 0;
	CU_ASSERT_EQUAL(connguard_new(&g, base, &p), -1);
	CU_ASSERT_PTR_NULL(g);
	p.max_conns = 4;
	p.max_per_source = 0;
	CU_ASSERT_EQUAL(connguard_new(&g, base, &p), -1);
	p.max_per_source = 1;
	p.log_what = NULL;
	CU_ASSERT_EQUAL(connguard_new(&g, base, &p), -1);
	connguard_free(NULL);
	event_base_free(base);
}

int main(void)
{
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 99;
	s = CU_add_suite("connguard", NULL, NULL);
	CU_add_test(s, "per-source cap: the oldest idle ones closed", test_per_source);
	CU_add_test(s, "global cap: the oldest idle of the biggest source evicted", test_cap_evicts);
	CU_add_test(s, "nothing evictable: pause, resume after the deadline", test_pause);
	CU_add_test(s, "first-request, credentials and life deadlines", test_deadlines);
	CU_add_test(s, "Digest exchanges above the per-source cap", test_waiting_cap);
	CU_add_test(s, "fresh connections are not evicted", test_fresh);
	CU_add_test(s, "answered and kept alive: evictable", test_keepalive);
	CU_add_test(s, "TLS handshakes under way are exchanges", test_tls_handshake);
	CU_add_test(s, "invalid parameters refused", test_params);
	return tu_run();
}
