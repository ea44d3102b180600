/* lib/connguard: the connection guard of the evhttp servers (the connection-request listener,
 * the web UI): counts their connections, bounds time and numbers, evicts idle ones at the cap.
 *
 * evhttp has no connection cap and only idle timeouts. The server's evhttp_set_bevcb callback
 * creates each accepted connection's bufferevent (plain or bufferevent_openssl) and hands it to
 * connguard_track(), which holds a reference on it: evhttp clears its callbacks when it lets go,
 * and the guard then drops it. A sweep every 250 ms, while connections are open, ends those past
 * their first-request deadline or whole life and those over their source's cap. At the global
 * cap a new connection evicts an idle one (see connguard_state), from the source holding the
 * most, oldest first; only when none can go are the listeners paused (params.listen).
 *
 * A source is an IPv4 address, an IPv6 /64. Everything runs in the loop thread of the
 * event_base given; nothing is logged but addresses and counts, rate-limited under a flood.
 */
#ifndef PHONESEC_CONNGUARD_H
#define PHONESEC_CONNGUARD_H

#include <stdbool.h>
#include <stddef.h>

struct bufferevent;
struct event_base;
struct evhttp_bound_socket;
struct evhttp_request;

/* What a connection is doing, set by the request handler (connguard_set()). A connection is
 * idle when it is NEW or IDLE and nothing waits in it: nothing unread (in the socket, in TLS
 * or in evhttp's buffer), nothing to send, and it was accepted fresh_ms ago or more. Only idle
 * connections are evicted for a newcomer; those in an exchange (WAITING, or NEW with a TLS
 * handshake under way) only for their source's cap when they alone are above it. */
enum connguard_state {
	CONNGUARD_NEW,     /* accepted, no complete request yet: ended first_ms after the accept */
	CONNGUARD_WAITING, /* answered with a request for credentials: the next request within
	                      wait_ms of that answer */
	CONNGUARD_IDLE,    /* answered, kept alive for the next request */
	CONNGUARD_CLOSING, /* answered for good (Connection: close): never evicted */
};

struct connguard_params {
	unsigned max_conns;      /* open at once (>= 1) */
	unsigned max_per_source; /* of one source; its oldest idle ones are closed above it */
	unsigned first_ms;       /* NEW: a complete request within this of the accept */
	unsigned wait_ms;        /* WAITING: the next request within this of the answer */
	unsigned life_ms;        /* any connection's whole life, whatever it sends */
	unsigned fresh_ms;       /* a connection this young is never evicted: a client that
	                            connects sends its request (or TLS hello) at once */
	const char *log_prefix;  /* "cwmp": the log lines' prefix */
	const char *log_what;    /* "connection-request": "... 16 connection-request connections" */
	/* Pauses (on false) or resumes the listeners; called on each change only. */
	void (*listen)(void *arg, bool on);
	void *arg;
};

struct connguard;

/* A guard on base with p (copied; the strings must outlive the guard). 0, or -1 when out of
 * memory or p is invalid. */
int connguard_new(struct connguard **out, struct event_base *base, const struct connguard_params *p);
/* Drops the guard's references (evhttp closes what it still holds); never calls listen. */
void connguard_free(struct connguard *g);
/* From the bevcb, with the bufferevent just created for an accepted connection (its socket
 * comes later, from evhttp): makes room at the cap, tracks bev (a reference is taken), pauses
 * the listeners when the cap is reached and nothing can be evicted. -1 when it could not be
 * tracked (more accepts than the listeners' pause allows; logged): bev is returned untouched. */
int connguard_track(struct connguard *g, struct bufferevent *bev);
/* The state of req's connection (nothing when it is not tracked). */
void connguard_set(struct connguard *g, struct evhttp_request *req, enum connguard_state st);
/* Whether the listeners are paused: a listener opened meanwhile must start paused. */
bool connguard_paused(const struct connguard *g);
/* For the listen callback: pauses (on false) or resumes the listener of sock (may be NULL),
 * with *paused its state (libevent 2.1 cannot tell whether a listener is enabled). */
void connguard_listener_set(struct evhttp_bound_socket *sock, bool *paused, bool on);
/* Connections tracked that evhttp still holds. */
size_t connguard_count(const struct connguard *g);

#endif
