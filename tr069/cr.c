/* CWMP connection-request server: evhttp on the loop thread, GET on a random path, Digest from
 * the stored HA1s of tr69_cr_pass, 503 while busy or over the rate limits (see cr.h). */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <openssl/rand.h>

#include "connguard.h"
#include "cr.h"
#include "digest.h"
#include "log.h"
#include "store.h"

/* Failed authentications of one source address in its current window. */
struct cr_source {
	char addr[64];
	int64_t window_ms;
	unsigned fails;
};

struct cwmp_cr {
	struct evhttp *http;
	struct evhttp_bound_socket *sock;
	struct event_base *base;
	struct connguard *guard;   /* connections: deadlines, caps, eviction (lib/connguard) */
	struct cr_source sources[CWMP_CR_SOURCES];
	bool paused;               /* the listener stopped accepting at the cap */
	char bind[64], host[256];
	struct store *st;
	struct digest *dg;
	struct cwmp_cr_ops ops;
	char path[24];   /* "/" and 16 hex digits */
	bool path_unsaved; /* drawn while the store was busy: cwmp_cr_save_path() saves it */
	char url[400];
	unsigned port;
	int64_t window_ms;
	unsigned window_count;
};

static void cr_reply(struct evhttp_request *req, int code, const char *reason)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);

	evhttp_add_header(h, "Content-Length", "0");
	evhttp_send_reply(req, code, reason, NULL);
}

/* 401 with one challenge per algorithm, SHA-256 first (RFC 7616 3.7). */
static void cr_challenge(struct cwmp_cr *cr, struct evhttp_request *req, bool stale, int64_t now)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	char ch[512];

	if (!digest_challenge(ch, sizeof(ch), cr->dg, DIGEST_ALG_SHA256, stale, now))
		evhttp_add_header(h, "WWW-Authenticate", ch);
	if (!digest_challenge(ch, sizeof(ch), cr->dg, DIGEST_ALG_MD5, stale, now))
		evhttp_add_header(h, "WWW-Authenticate", ch);
	cr_reply(req, 401, "Unauthorized");
}

static const char *cr_peer(struct evhttp_request *req, char *buf, size_t len)
{
	struct evhttp_connection *c = evhttp_request_get_connection(req);
	const char *addr = NULL;
	ev_uint16_t port = 0;

	if (c)
		evhttp_connection_get_peer(c, (char **)&addr, &port);
	snprintf(buf, len, "%s", addr ? addr : "?");
	return buf;
}

static int64_t cr_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Checks the Authorization header as Digest for tr69_cr_user: DIGEST_OK, DIGEST_E_STALE for an
 * expired nonce of ours, another digest_err otherwise (also for no header, an unknown user, or
 * no password set: nobody gets in). */
static int cr_authorized(struct cwmp_cr *cr, struct evhttp_request *req, const char *uri,
			 int64_t now)
{
	const char *hdr = evhttp_find_header(evhttp_request_get_input_headers(req), "Authorization");
	struct digest_creds c;
	char *user = NULL;
	char ha1[DIGEST_HEX_MAX];
	int err = DIGEST_E_DENIED;

	if (!hdr || strlen(hdr) > DIGEST_HEADER_MAX || digest_parse(&c, hdr) || !c.alg)
		return DIGEST_E_PARSE;
	if (store_get(&user, cr->st, "tr69_cr_user") || !user[0] ||
	    !digest_user_matches(cr->dg, &c, user))
		goto out;
	if (store_secret_ha1(ha1, sizeof(ha1), cr->st, "tr69_cr_pass", digest_alg_name(c.alg)))
		goto out; /* no password set: nobody gets in */
	err = digest_verify(cr->dg, &c, ha1, "GET", uri, now);
	OPENSSL_cleanse(ha1, sizeof(ha1));
out:
	free(user);
	return err;
}

/* The failure count of addr, in a window that has not ended; a new entry takes the place of the
 * one whose window is oldest (an address counted there lost a window at most). */
static struct cr_source *cr_source_get(struct cwmp_cr *cr, const char *addr, int64_t now)
{
	struct cr_source *old = &cr->sources[0];

	for (size_t i = 0; i < CWMP_CR_SOURCES; i++) {
		struct cr_source *s = &cr->sources[i];
		if (s->addr[0] && !strcmp(s->addr, addr)) {
			old = s;
			break;
		}
		if (!s->addr[0] || s->window_ms < old->window_ms)
			old = s;
	}
	if (strcmp(old->addr, addr)) {
		snprintf(old->addr, sizeof(old->addr), "%s", addr);
		old->window_ms = now;
		old->fails = 0;
	}
	if (now - old->window_ms >= CWMP_CR_RATE_WINDOW_S * 1000) {
		old->window_ms = now;
		old->fails = 0;
	}
	return old;
}

static void cr_refuse(struct evhttp_request *req, const char *retry)
{
	evhttp_add_header(evhttp_request_get_output_headers(req), "Retry-After", retry);
	cr_reply(req, 503, "Service Unavailable");
}

static void cr_handle(struct evhttp_request *req, void *arg)
{
	struct cwmp_cr *cr = arg;
	int64_t now = store_now_ms(), mono = cr_mono_ms();
	char peer[64];

	/* every answer but a request for credentials ends the connection: a client holds a slot
	 * only for a request or a Digest exchange */
	connguard_set(cr->guard, req, CONNGUARD_CLOSING);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Connection", "close");
	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", "GET");
		cr_reply(req, 405, "Method Not Allowed");
		return;
	}
	const char *uri = evhttp_request_get_uri(req);
	if (!uri || strcmp(uri, cr->path) != 0) {
		cr_reply(req, 404, "Not Found");
		return;
	}
	struct cr_source *src = cr_source_get(cr, cr_peer(req, peer, sizeof(peer)), mono);
	if (src->fails >= CWMP_CR_FAIL_MAX) {
		cr_refuse(req, "10");
		return;
	}
	int err = cr_authorized(cr, req, uri, now);
	if (err != DIGEST_OK) {
		bool creds = evhttp_find_header(evhttp_request_get_input_headers(req),
						"Authorization") != NULL;
		if (creds && err != DIGEST_E_STALE) {
			/* a failed attempt (a replay too) costs its address, not everybody */
			log_msg(LOG_NOTICE, "cwmp: connection request from %s refused (authentication)",
				peer);
			if (++src->fails == CWMP_CR_FAIL_MAX)
				log_msg(LOG_NOTICE, "cwmp: %d failed connection-request authentications "
						    "from %s: its requests refused for up to %d s",
					CWMP_CR_FAIL_MAX, peer, CWMP_CR_RATE_WINDOW_S);
		} else {
			/* the first leg of a Digest exchange (or a stale nonce): the credentials
			 * come on this connection, soon */
			evhttp_remove_header(evhttp_request_get_output_headers(req), "Connection");
			connguard_set(cr->guard, req, CONNGUARD_WAITING);
		}
		cr_challenge(cr, req, err == DIGEST_E_STALE, now);
		return;
	}
	/* only authenticated requests count: the 401 of an exchange and strangers cost nothing */
	if (mono - cr->window_ms >= CWMP_CR_RATE_WINDOW_S * 1000 || !cr->window_ms) {
		cr->window_ms = mono;
		cr->window_count = 0;
	}
	if (++cr->window_count > CWMP_CR_RATE_MAX) {
		cr_refuse(req, "10");
		return;
	}
	if (cr->ops.busy && cr->ops.busy(cr->ops.arg)) {
		cr_refuse(req, "5");
		return;
	}
	log_msg(LOG_INFO, "cwmp: connection request from %s", peer);
	cr_reply(req, 200, "OK");
	if (cr->ops.trigger)
		cr->ops.trigger(cr->ops.arg);
}

/* ------------------------------------------------------------------------------- connections */

/* The guard's listen callback: pauses or resumes the listener. */
static void cr_listen(void *arg, bool on)
{
	struct cwmp_cr *cr = arg;

	connguard_listener_set(cr->sock, &cr->paused, on);
}

/* evhttp asks for the bufferevent of each accepted connection: the guard counts it, and at the
 * cap an idle connection makes room (when none can, the listener pauses until one can). */
static struct bufferevent *cr_bevcb(struct event_base *base, void *arg)
{
	struct cwmp_cr *cr = arg;
	struct bufferevent *bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);

	if (bev)
		connguard_track(cr->guard, bev);
	return bev;
}

/* ------------------------------------------------------------------------------- listener */

/* Binds bind:port; TCP_NODELAY on the listening socket (accepted sockets inherit it). */
static struct evhttp_bound_socket *cr_bind(struct cwmp_cr *cr, unsigned port)
{
	struct evhttp_bound_socket *s = evhttp_bind_socket_with_handle(cr->http, cr->bind,
								       (ev_uint16_t)port);
	int one = 1;

	if (s && setsockopt(evhttp_bound_socket_get_fd(s), IPPROTO_TCP, TCP_NODELAY, &one,
			    sizeof(one)))
		log_msg(LOG_WARNING, "cwmp: TCP_NODELAY on the connection-request socket failed");
	return s;
}

/* Port actually bound and the URL. */
static void cr_set_url(struct cwmp_cr *cr)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	const char *host = cr->host[0] ? cr->host : cr->bind;

	if (getsockname(evhttp_bound_socket_get_fd(cr->sock), (struct sockaddr *)&ss, &sl) == 0)
		cr->port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
							  : ((struct sockaddr_in *)&ss)->sin_port);
	snprintf(cr->url, sizeof(cr->url), strchr(host, ':') ? "http://[%s]:%u%s" : "http://%s:%u%s",
		 host, cr->port, cr->path);
}

int cwmp_cr_rebind(struct cwmp_cr *cr, unsigned port, char *err, size_t errlen)
{
	struct evhttp_bound_socket *s = cr_bind(cr, port);

	if (!s) {
		snprintf(err, errlen, "cannot listen on %s port %u", cr->bind, port);
		return -1;
	}
	evhttp_del_accept_socket(cr->http, cr->sock);
	cr->sock = s;
	cr->paused = false;
	if (connguard_paused(cr->guard))
		cr_listen(cr, false);
	cr_set_url(cr);
	return 0;
}

void cwmp_cr_set_host(struct cwmp_cr *cr, const char *host)
{
	snprintf(cr->host, sizeof(cr->host), "%s", host ? host : "");
	cr_set_url(cr);
}

/* The random path, kept in the store so the URL the ACS knows stays valid across restarts. */
static int cr_path(struct cwmp_cr *cr)
{
	char *p = NULL;

	if (!store_state_get(&p, cr->st, CWMP_CR_PATH_STATE) && strlen(p) == 16 &&
	    strspn(p, "0123456789abcdef") == 16) {
		snprintf(cr->path, sizeof(cr->path), "/%s", p);
		free(p);
		return 0;
	}
	free(p);
	unsigned char rnd[8];
	char hex[17];
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return -1;
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
	snprintf(cr->path, sizeof(cr->path), "/%s", hex);
	cr->path_unsaved = true;
	if (cwmp_cr_save_path(cr))
		log_msg(LOG_WARNING, "cwmp: the connection-request path is saved later: %s",
			store_errmsg(cr->st));
	return 0;
}

int cwmp_cr_save_path(struct cwmp_cr *cr)
{
	if (!cr->path_unsaved)
		return 0;
	if (store_state_set(cr->st, CWMP_CR_PATH_STATE, cr->path + 1))
		return -1;
	cr->path_unsaved = false;
	return 0;
}

int cwmp_cr_new(struct cwmp_cr **out, struct event_base *base, struct store *st, const char *bind,
		unsigned port, const char *host, const struct cwmp_cr_ops *ops, char *err,
		size_t errlen)
{
	struct cwmp_cr *cr = calloc(1, sizeof(*cr));

	*out = NULL;
	if (!cr) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	cr->st = st;
	if (ops)
		cr->ops = *ops;
	if (cr_path(cr)) {
		snprintf(err, errlen, "connection request path: %s", store_errmsg(st));
		goto fail;
	}
	/* tests shorten the nonces' life to see stale ones */
	const char *life = getenv("PHONESEC_CR_NONCE_S");
	if (digest_new(&cr->dg, CWMP_CR_REALM, life && *life ? (unsigned)strtoul(life, NULL, 10) : 300)) {
		snprintf(err, errlen, "digest setup failed");
		goto fail;
	}
	cr->base = base;
	snprintf(cr->bind, sizeof(cr->bind), "%s", bind);
	snprintf(cr->host, sizeof(cr->host), "%s", host ? host : "");
	cr->http = evhttp_new(base);
	const struct connguard_params gp = {
		.max_conns = CWMP_CR_MAX_CONNS, .max_per_source = CWMP_CR_MAX_PER_SOURCE,
		.first_ms = CWMP_CR_HEADER_MS, .wait_ms = CWMP_CR_HEADER_MS,
		.life_ms = CWMP_CR_CONN_MAX_S * 1000, .fresh_ms = CWMP_CR_FRESH_MS,
		.log_prefix = "cwmp", .log_what = "connection-request", .listen = cr_listen, .arg = cr,
	};
	if (!cr->http || connguard_new(&cr->guard, base, &gp)) {
		snprintf(err, errlen, "evhttp_new failed");
		goto fail;
	}
	/* GET is the request; POST gets our 405, anything else evhttp's 501 */
	evhttp_set_allowed_methods(cr->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD);
	evhttp_set_max_headers_size(cr->http, 8192);
	evhttp_set_max_body_size(cr->http, 1024);
	evhttp_set_timeout(cr->http, CWMP_CR_TIMEOUT_S);
	evhttp_set_bevcb(cr->http, cr_bevcb, cr);
	evhttp_set_gencb(cr->http, cr_handle, cr);
	cr->sock = cr_bind(cr, port);
	if (!cr->sock) {
		snprintf(err, errlen, "cannot listen on %s port %u", bind, port);
		goto fail;
	}
	cr_set_url(cr);
	*out = cr;
	return 0;
fail:
	cwmp_cr_free(cr);
	return -1;
}

void cwmp_cr_free(struct cwmp_cr *cr)
{
	if (!cr)
		return;
	if (cr->http)
		evhttp_free(cr->http); /* closes every connection: our references are the last */
	connguard_free(cr->guard);
	digest_free(cr->dg);
	free(cr);
}

const char *cwmp_cr_url(const struct cwmp_cr *cr)
{
	return cr->url;
}

unsigned cwmp_cr_port(const struct cwmp_cr *cr)
{
	return cr->port;
}
