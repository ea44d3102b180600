/* CWMP connection-request server: an evhttp listener in the daemon's event-loop thread that
 * answers HTTP GET on a random path with Digest (lib/digest) and asks the daemon for a session.
 *
 * Everything runs in the loop thread; the store handle given is that thread's. The callbacks
 * are called from the loop thread. Never logs credentials.
 */
#ifndef PHONESEC_TR069_CR_H
#define PHONESEC_TR069_CR_H

#include <stdbool.h>
#include <stddef.h>

struct event_base;
struct store;

#define CWMP_CR_PATH_STATE "cwmp.cr_path"
#define CWMP_CR_REALM "phonesec-cr"   /* the realm of tr69_cr_pass's stored HA1s */
#define CWMP_CR_RATE_WINDOW_S 10      /* rate limit: at most ... */
#define CWMP_CR_RATE_MAX 20           /* ... authenticated requests per window, then 503 */
#define CWMP_CR_FAIL_MAX 10           /* failed authentications per window and source address,
                                         then 503 for that address until the window ends */
#define CWMP_CR_SOURCES 64            /* source addresses whose failures are counted at once */
#define CWMP_CR_TIMEOUT_S 10          /* a request must arrive within this (idle timeout) */
#define CWMP_CR_HEADER_MS 2000        /* a complete request within this of the accept (or of
                                         the 401 that asked for credentials), else closed */
#define CWMP_CR_MAX_CONNS 16          /* connections open at once: at the cap a new one evicts
                                         one that has not sent a request; when none can go,
                                         more wait in the backlog */
#define CWMP_CR_MAX_PER_SOURCE 4      /* connections of one source address; its oldest idle ones
                                         are closed above it */
#define CWMP_CR_FRESH_MS 100         /* a connection this young is not evicted: a client sends
                                         its request at once (lib/connguard) */
#define CWMP_CR_CONN_MAX_S 10         /* a connection's whole life (evhttp's timeouts are idle
                                         timeouts: a slow client could otherwise stay forever) */

struct cwmp_cr_ops {
	/* true while a session runs or is about to start: the request gets 503 */
	bool (*busy)(void *arg);
	/* an authenticated request: start a session with 6 CONNECTION REQUEST */
	void (*trigger)(void *arg);
	void *arg;
};

struct cwmp_cr;

/* Listens on bind:port (port 0: the kernel chooses). The path (16 hex digits) is read from the
 * store state, or drawn at random and saved there on first use (later, through
 * cwmp_cr_save_path(), when the store is busy). host: the name put in the URL
 * ("" = bind). Errors go to err. */
int cwmp_cr_new(struct cwmp_cr **out, struct event_base *base, struct store *st, const char *bind,
		unsigned port, const char *host, const struct cwmp_cr_ops *ops, char *err,
		size_t errlen);
void cwmp_cr_free(struct cwmp_cr *cr);
/* Moves the listener to another port (bound before the old one is closed: on failure the old
 * one stays). The URL changes with it. */
int cwmp_cr_rebind(struct cwmp_cr *cr, unsigned port, char *err, size_t errlen);
/* Changes the host name put in the URL ("" = the bind address). */
void cwmp_cr_set_host(struct cwmp_cr *cr, const char *host);
/* "http://host:port/path". Owned by cr. */
const char *cwmp_cr_url(const struct cwmp_cr *cr);
/* The port actually bound. */
unsigned cwmp_cr_port(const struct cwmp_cr *cr);
/* Saves the path drawn at cwmp_cr_new() when the store was busy then (the path is used
 * meanwhile): 0 when it is saved (or was), -1 while the store stays busy. */
int cwmp_cr_save_path(struct cwmp_cr *cr);

#endif
