/* lib/connguard: counts an evhttp server's connections, ends them at their deadlines, evicts
 * idle ones at the global and per-source caps, pauses the listeners when nothing can go. */
#include "config.h"

#include <arpa/inet.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <openssl/ssl.h>

#include "connguard.h"
#include "log.h"

#define GUARD_SWEEP_US 250000
#define GUARD_LOG_WINDOW_MS 10000 /* one line per window and reason under a flood */
#define GUARD_SLACK 16            /* accepts beyond the cap before a pause takes effect */

enum guard_class {
	GUARD_BUSY,     /* never evicted (closed, closing, answering, unread, fresh) */
	GUARD_IDLE,     /* may go for a newcomer or its source's cap */
	GUARD_EXCHANGE, /* may go for its source's cap, when exchanges alone are above it */
};

enum guard_log { GUARD_LOG_CAP, GUARD_LOG_SOURCE, GUARD_LOG_PAUSE, GUARD_LOG_LIFE, GUARD_LOG_N };

struct guard_conn {
	struct bufferevent *bev;
	int64_t born_ms;
	int64_t deadline_ms;     /* NEW, WAITING: a complete request by then (monotonic) */
	enum connguard_state state;
	int src;                 /* index in sources, -1 until the peer is known */
};

struct guard_source {
	char addr[64];           /* "" while free */
	unsigned refs;           /* tracked connections naming it */
	unsigned open, exch;     /* open ones, those in an exchange (counted at each sweep) */
};

struct connguard {
	struct connguard_params p;
	struct event *sweep;
	struct guard_conn *conns;    /* in order of accept: the oldest first */
	size_t n, cap;
	struct guard_source *sources;
	enum guard_class *cls;       /* each connection's class in a sweep (cap entries) */
	int64_t logged_ms[GUARD_LOG_N];
	bool paused;
};

static int64_t guard_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* True once a window per reason: a flood would fill the log. */
static bool guard_log_due(struct connguard *g, enum guard_log why)
{
	return log_due(&g->logged_ms[why], GUARD_LOG_WINDOW_MS);
}

static const char *guard_peer(const struct connguard *g, const struct guard_conn *c)
{
	return c->src >= 0 ? g->sources[c->src].addr : "?";
}

static void guard_listen(struct connguard *g, bool on)
{
	if (on == !g->paused)
		return;
	g->paused = !on;
	if (g->p.listen)
		g->p.listen(g->p.arg, on);
}

/* Whether evhttp still has the connection (it clears the callbacks when it lets go). */
static bool guard_open(const struct guard_conn *c)
{
	bufferevent_data_cb rcb = NULL;
	bufferevent_event_cb ecb = NULL;

	bufferevent_getcb(c->bev, &rcb, NULL, &ecb, NULL);
	return rcb || ecb;
}

/* Ends the connection as an evhttp timeout would: evhttp frees it at once. */
static void guard_end(struct guard_conn *c)
{
	bufferevent_trigger_event(c->bev, BEV_EVENT_READING | BEV_EVENT_TIMEOUT, 0);
}

/* Bytes wait in the connection either way: unread in the socket, in TLS or in evhttp's buffer,
 * or not yet sent (our buffer or the socket's send queue). A client that connects to make a
 * request sends it at once, so a connection accepted among many keeps its request. */
static bool guard_bytes_wait(const struct guard_conn *c, SSL *ssl)
{
	evutil_socket_t fd = bufferevent_getfd(c->bev);
	int in = 0, out = 0;

	if (evbuffer_get_length(bufferevent_get_input(c->bev)) ||
	    evbuffer_get_length(bufferevent_get_output(c->bev)) || (ssl && SSL_has_pending(ssl)))
		return true;
	if (fd < 0)
		return false;
	return ioctl(fd, FIONREAD, &in) != 0 || in > 0 || ioctl(fd, SIOCOUTQ, &out) != 0 || out > 0;
}

static enum guard_class guard_class_of(const struct connguard *g, const struct guard_conn *c,
				       int64_t now)
{
	SSL *ssl = bufferevent_openssl_get_ssl(c->bev);

	if (c->state == CONNGUARD_CLOSING || now - c->born_ms < (int64_t)g->p.fresh_ms ||
	    !guard_open(c) || guard_bytes_wait(c, ssl))
		return GUARD_BUSY;
	if (c->state == CONNGUARD_WAITING)
		return GUARD_EXCHANGE;
	/* a TLS client that sent its hello is in the handshake we answered: an exchange */
	if (c->state == CONNGUARD_NEW && ssl && !SSL_is_init_finished(ssl) &&
	    SSL_get_state(ssl) != TLS_ST_BEFORE)
		return GUARD_EXCHANGE;
	return GUARD_IDLE;
}

/* The source of an address: IPv4 (also mapped into IPv6) whole, IPv6 by its /64 (one site
 * has a /64 to draw addresses from). */
static void guard_source_name(char *out, size_t len, const struct sockaddr_storage *ss)
{
	char a[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET6) {
		const struct in6_addr *in6 = &((const struct sockaddr_in6 *)ss)->sin6_addr;
		if (IN6_IS_ADDR_V4MAPPED(in6)) {
			inet_ntop(AF_INET, &in6->s6_addr[12], a, sizeof(a));
			snprintf(out, len, "%s", a);
			return;
		}
		struct in6_addr net = *in6;
		memset(&net.s6_addr[8], 0, 8);
		inet_ntop(AF_INET6, &net, a, sizeof(a));
		snprintf(out, len, "%s/64", a);
	} else if (ss->ss_family == AF_INET) {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, a, sizeof(a));
		snprintf(out, len, "%s", a);
	} else {
		snprintf(out, len, "?");
	}
}

/* The source of connections that have their socket by now (the bevcb comes before evhttp
 * sets it). */
static void guard_peers(struct connguard *g)
{
	for (size_t i = 0; i < g->n; i++) {
		struct guard_conn *c = &g->conns[i];
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		evutil_socket_t fd = bufferevent_getfd(c->bev);
		char name[64];
		if (c->src >= 0 || fd < 0 || getpeername(fd, (struct sockaddr *)&ss, &sl))
			continue;
		guard_source_name(name, sizeof(name), &ss);
		int free_slot = -1;
		for (size_t s = 0; s < g->cap && c->src < 0; s++) {
			if (!g->sources[s].refs)
				free_slot = free_slot < 0 ? (int)s : free_slot;
			else if (!strcmp(g->sources[s].addr, name))
				c->src = (int)s;
		}
		if (c->src < 0 && free_slot >= 0) { /* always: a slot per tracked connection */
			c->src = free_slot;
			snprintf(g->sources[free_slot].addr, sizeof(g->sources[0].addr), "%s", name);
		}
		if (c->src >= 0)
			g->sources[c->src].refs++;
	}
}

static size_t guard_source_open(const struct connguard *g, const struct guard_conn *c)
{
	return c->src >= 0 ? g->sources[c->src].open : 0;
}

/* The idle connection to evict for a newcomer: of the source holding the most, the oldest;
 * -1 when none may go. The costly checks are made only for a better candidate. */
static ssize_t guard_victim(const struct connguard *g, int64_t now)
{
	ssize_t best = -1;
	size_t best_n = 0;

	for (size_t i = 0; i < g->n; i++) {
		const struct guard_conn *c = &g->conns[i];
		size_t n = guard_source_open(g, c);
		if ((best >= 0 && n <= best_n) || c->state == CONNGUARD_CLOSING ||
		    c->state == CONNGUARD_WAITING)
			continue;
		if (guard_class_of(g, c, now) == GUARD_IDLE) {
			best = (ssize_t)i;
			best_n = n;
		}
	}
	return best;
}

/* Drops the connections evhttp has let go of (keeping the order of accept) and counts the
 * open ones of each source. */
static void guard_reap(struct connguard *g)
{
	size_t k = 0;

	guard_peers(g);
	for (size_t i = 0; i < g->n; i++) {
		struct guard_conn *c = &g->conns[i];
		if (guard_open(c)) {
			g->conns[k++] = *c;
			continue;
		}
		if (c->src >= 0 && !--g->sources[c->src].refs)
			g->sources[c->src].addr[0] = '\0';
		bufferevent_decref(c->bev); /* the last reference: the socket is closed */
	}
	g->n = k;
	for (size_t s = 0; s < g->cap; s++)
		g->sources[s].open = g->sources[s].exch = 0;
	for (size_t i = 0; i < g->n; i++)
		if (g->conns[i].src >= 0)
			g->sources[g->conns[i].src].open++;
}

static void guard_evict(struct connguard *g, struct guard_conn *c, bool per_source)
{
	if (per_source && guard_log_due(g, GUARD_LOG_SOURCE))
		log_msg(LOG_NOTICE, "%s: over %u %s connections from %s: an idle one closed",
			g->p.log_prefix, g->p.max_per_source, g->p.log_what, guard_peer(g, c));
	else if (!per_source && guard_log_due(g, GUARD_LOG_CAP))
		log_msg(LOG_NOTICE, "%s: %u %s connections open: an idle one from %s closed for a "
				    "new one", g->p.log_prefix, g->p.max_conns, g->p.log_what,
			guard_peer(g, c));
	guard_end(c);
}

/* The deadlines, then each source's cap: its idle connections above it, oldest first, and its
 * exchanges only when they alone are above it (a client sharing its address with idle
 * attackers keeps its exchange). */
static void guard_expire(struct connguard *g, int64_t now)
{
	for (size_t i = 0; i < g->n; i++) {
		struct guard_conn *c = &g->conns[i];
		if (!guard_open(c))
			continue;
		if ((c->state == CONNGUARD_NEW || c->state == CONNGUARD_WAITING) &&
		    now >= c->deadline_ms) {
			log_msg(LOG_DEBUG, "%s: %s connection from %s sent no complete request in "
					   "time, closed", g->p.log_prefix, g->p.log_what, guard_peer(g, c));
			guard_end(c);
		} else if (now - c->born_ms >= (int64_t)g->p.life_ms) {
			if (guard_log_due(g, GUARD_LOG_LIFE))
				log_msg(LOG_INFO, "%s: %s connection from %s open too long, closed",
					g->p.log_prefix, g->p.log_what, guard_peer(g, c));
			guard_end(c);
		}
	}
	guard_reap(g);
	enum guard_class *cls = g->cls;
	for (size_t i = 0; i < g->n; i++) {
		cls[i] = guard_class_of(g, &g->conns[i], now);
		if (cls[i] == GUARD_EXCHANGE && g->conns[i].src >= 0)
			g->sources[g->conns[i].src].exch++;
	}
	for (size_t i = 0; i < g->n; i++) {
		struct guard_conn *c = &g->conns[i];
		struct guard_source *s = c->src >= 0 ? &g->sources[c->src] : NULL;
		if (s && cls[i] == GUARD_IDLE && s->open > g->p.max_per_source) {
			guard_evict(g, c, true);
			s->open--;
		}
	}
	for (size_t i = 0; i < g->n; i++) {
		struct guard_conn *c = &g->conns[i];
		struct guard_source *s = c->src >= 0 ? &g->sources[c->src] : NULL;
		if (s && cls[i] == GUARD_EXCHANGE && s->exch > g->p.max_per_source) {
			guard_evict(g, c, true);
			s->exch--;
		}
	}
	guard_reap(g);
}

/* Accepts while a newcomer has room or an idle connection to take the place of. */
static void guard_admit(struct connguard *g, int64_t now)
{
	bool room = g->n < g->p.max_conns || guard_victim(g, now) >= 0;

	if (!room && !g->paused && guard_log_due(g, GUARD_LOG_PAUSE))
		log_msg(LOG_NOTICE, "%s: %u %s connections busy, accepting later", g->p.log_prefix,
			g->p.max_conns, g->p.log_what);
	guard_listen(g, room);
	if (room)
		return;
	/* the sweep looks again when the first fresh connection may go (the backlog waits for
	 * that alone), if that comes before its next round */
	int64_t wake = INT64_MAX;
	for (size_t i = 0; i < g->n; i++) {
		const struct guard_conn *c = &g->conns[i];
		int64_t aged = c->born_ms + (int64_t)g->p.fresh_ms;
		if (aged > now && aged < wake && c->state != CONNGUARD_CLOSING &&
		    c->state != CONNGUARD_WAITING)
			wake = aged;
	}
	if (wake == INT64_MAX)
		return;
	int64_t ms = wake - now + 1;
	struct timeval left, tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
	struct timeval at, now_tv;
	if (evtimer_pending(g->sweep, &at)) {
		event_base_gettimeofday_cached(event_get_base(g->sweep), &now_tv);
		evutil_timersub(&at, &now_tv, &left);
		if (!evutil_timercmp(&tv, &left, <))
			return;
	}
	evtimer_add(g->sweep, &tv);
}

static void guard_on_sweep(evutil_socket_t fd, short what, void *arg)
{
	struct connguard *g = arg;
	struct timeval tv = { .tv_sec = 0, .tv_usec = GUARD_SWEEP_US };
	int64_t now = guard_mono_ms();

	guard_expire(g, now);
	if (g->n)
		evtimer_add(g->sweep, &tv);
	guard_admit(g, now); /* may bring the next round forward */
}

int connguard_track(struct connguard *g, struct bufferevent *bev)
{
	struct timeval tv = { .tv_sec = 0, .tv_usec = GUARD_SWEEP_US };
	int64_t now = guard_mono_ms();

	guard_reap(g);
	if (g->n >= g->p.max_conns) {
		ssize_t v = guard_victim(g, now);
		if (v >= 0) {
			guard_evict(g, &g->conns[v], false);
			guard_reap(g);
		}
	}
	if (g->n >= g->cap) {
		if (guard_log_due(g, GUARD_LOG_PAUSE))
			log_msg(LOG_WARNING, "%s: %zu %s connections: one not counted",
				g->p.log_prefix, g->n, g->p.log_what);
		return -1;
	}
	bufferevent_incref(bev);
	g->conns[g->n++] = (struct guard_conn){ .bev = bev, .born_ms = now,
						.deadline_ms = now + g->p.first_ms,
						.state = CONNGUARD_NEW, .src = -1 };
	if (!evtimer_pending(g->sweep, NULL))
		evtimer_add(g->sweep, &tv);
	if (g->n >= g->p.max_conns)
		guard_admit(g, now);
	return 0;
}

void connguard_set(struct connguard *g, struct evhttp_request *req, enum connguard_state st)
{
	struct evhttp_connection *ec = evhttp_request_get_connection(req);
	struct bufferevent *bev = ec ? evhttp_connection_get_bufferevent(ec) : NULL;

	for (size_t i = 0; bev && i < g->n; i++) {
		struct guard_conn *c = &g->conns[i];
		if (c->bev != bev)
			continue;
		c->state = st;
		if (st == CONNGUARD_WAITING)
			c->deadline_ms = guard_mono_ms() + g->p.wait_ms;
		return;
	}
}

void connguard_listener_set(struct evhttp_bound_socket *sock, bool *paused, bool on)
{
	struct evconnlistener *l = sock ? evhttp_bound_socket_get_listener(sock) : NULL;

	if (!l || on == !*paused)
		return;
	if (on)
		evconnlistener_enable(l);
	else
		evconnlistener_disable(l);
	*paused = !on;
}

bool connguard_paused(const struct connguard *g)
{
	return g->paused;
}

size_t connguard_count(const struct connguard *g)
{
	size_t n = 0;

	for (size_t i = 0; i < g->n; i++)
		n += guard_open(&g->conns[i]);
	return n;
}

int connguard_new(struct connguard **out, struct event_base *base, const struct connguard_params *p)
{
	struct connguard *g = NULL;

	*out = NULL;
	if (!p->max_conns || !p->max_per_source || !p->log_prefix || !p->log_what)
		return -1;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -1;
	g->p = *p;
	g->cap = (size_t)p->max_conns + GUARD_SLACK;
	g->conns = calloc(g->cap, sizeof(*g->conns));
	g->sources = calloc(g->cap, sizeof(*g->sources));
	g->cls = calloc(g->cap, sizeof(*g->cls));
	g->sweep = evtimer_new(base, guard_on_sweep, g);
	if (!g->conns || !g->sources || !g->cls || !g->sweep) {
		connguard_free(g);
		return -1;
	}
	*out = g;
	return 0;
}

void connguard_free(struct connguard *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n; i++)
		bufferevent_decref(g->conns[i].bev);
	if (g->sweep)
		event_free(g->sweep);
	free(g->conns);
	free(g->sources);
	free(g->cls);
	free(g);
}
