/* phonesec-wuid's daemon: the listeners webserver_type asks for (one evhttp each, HTTPS through
 * bufferevent_openssl) under lib/connguard's connection limits, the store's change feed, login by
 * Basic or Digest with the persistent lock-out, sessions; pages are in page.c. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libgen.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "connguard.h"
#include "digest.h"
#include "internal.h"
#include "log.h"
#include "tls.h"
#include "wui.h"

#define WUI_HEADERS_MAX 8192
#define WUI_NONCE_LIFE_S 300
#define WUI_CONN_FRESH_MS 100 /* a connection this young is not evicted: a client sends its
                                 request or TLS hello at once */

enum { LIS_HTTP = 0, LIS_HTTPS = 1 };

struct wui_listener {
	struct wuid *w;
	bool tls;
	struct evhttp *http;                /* NULL while closed */
	struct evhttp_bound_socket *sock;
	unsigned port;
	struct evhttp *draining[4];         /* closed ones, freed a second later (oldest first) */
	bool paused;
	unsigned failed_port;               /* the port it could not bind (0: none), retried */
	int64_t failed_log_ms;              /* when that was last logged (monotonic) */
};

struct wuid {
	struct event_base *base;
	int64_t cross_site_logged_ms;       /* a cross-site form last logged (log_due) */
	struct store *st;
	struct wui_conf conf;
	SSL_CTX *tls;
	struct digest *dg;
	struct wui_listener lis[2];
	struct connguard *guard;            /* connections of both listeners (lib/connguard) */
	int listen_first;                   /* the listener resumed first (alternates) */
	struct event *feed, *later, *drain, *sigterm, *sigint;
	struct store_snapshot *snap;
	uint64_t cred_seq;                  /* changed_seq of the credentials the sessions hold */
	struct wui_session sessions[WUI_SESSIONS_MAX];
	struct store_lockout login_lo, admin_lo;
	char ha1[2][DIGEST_HEX_MAX];        /* http_pass's HA1s (MD5, SHA-256), read once per */
	uint64_t ha1_seq;                   /* ... change of the credentials (cred_seq); 0: none */
	unsigned char basic_key[32];        /* HMAC key of the Basic cache */
	unsigned char basic_ok[32];         /* HMAC of the last Authorization that verified */
	bool basic_valid;
	uint64_t feed_seq;                  /* the last audit entry followed */
	bool stale;                         /* following failed: try again */
	struct event *retry;                /* a listener could not bind: try again */
};

/* ------------------------------------------------------------------------------- helpers */

static int64_t wuid_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int wui_random_hex(char *out, size_t hexlen)
{
	unsigned char b[64];

	if (hexlen / 2 > sizeof(b) || RAND_bytes(b, (int)(hexlen / 2)) != 1)
		return -1;
	for (size_t i = 0; i < hexlen / 2; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	return 0;
}

const struct wui_conf *wui_conf(const struct wuid *w)
{
	return &w->conf;
}

struct store *wui_store(const struct wuid *w)
{
	return w->st;
}

/* ------------------------------------------------------------------------------- follow */

static const char *wuid_value(const struct wuid *w, const char *key)
{
	const struct store_row *r = w->snap ? store_snapshot_find(w->snap, key) : NULL;
	return r ? r->running : "";
}

/* The sequence of the last change of the WUI credentials: a change ends every session. */
static uint64_t wuid_cred_seq(const struct store_snapshot *snap)
{
	static const char *const keys[] = { "http_user", "http_pass", "admin_mode_password" };
	uint64_t seq = 0;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct store_row *r = store_snapshot_find(snap, keys[i]);
		if (r && r->changed_seq > seq)
			seq = r->changed_seq;
	}
	return seq;
}

void wui_sessions_clear(struct wuid *w)
{
	memset(w->sessions, 0, sizeof(w->sessions));
	w->basic_valid = false;
	OPENSSL_cleanse(w->ha1, sizeof(w->ha1));
	w->ha1_seq = 0;
}

/* The stored HA1 of http_pass for alg, read from the store once per change of the credentials
 * (a Digest request then costs no store access for it). -1 when no password is set. */
static int wuid_ha1(struct wuid *w, enum digest_alg alg, const char **out)
{
	int i = alg == DIGEST_ALG_SHA256;

	if (w->ha1_seq != w->cred_seq || !w->cred_seq) {
		OPENSSL_cleanse(w->ha1, sizeof(w->ha1));
		w->ha1_seq = 0;
		if (store_secret_ha1(w->ha1[0], sizeof(w->ha1[0]), w->st, "http_pass", "MD5") ||
		    store_secret_ha1(w->ha1[1], sizeof(w->ha1[1]), w->st, "http_pass", "SHA-256")) {
			OPENSSL_cleanse(w->ha1, sizeof(w->ha1));
			return -1;
		}
		w->ha1_seq = w->cred_seq;
	}
	*out = w->ha1[i];
	return 0;
}

static void wuid_listeners_apply(struct wuid *w);

/* What the entries handed by one store_feed_follow() call changed. */
struct wuid_changes {
	size_t entries;
	bool listeners;       /* webserver_type, http_port or https_port (or a whole-store action) */
	char by[64];          /* source of the last credentials change, for the log */
};

static void wuid_on_change(void *arg, const struct store_change *c)
{
	static const char *const creds[] = { "http_user", "http_pass", "admin_mode_password" };
	struct wuid_changes *ch = arg;

	ch->entries++;
	if (c->action != STORE_ACT_SET || c->count == 0)
		ch->listeners = true; /* save, discard, boot, factory reset: any setting may differ */
	for (size_t i = 0; i < c->count; i++) {
		const char *k = c->settings[i]->key;
		if (!strcmp(k, "webserver_type") || !strcmp(k, "http_port") || !strcmp(k, "https_port"))
			ch->listeners = true;
		for (size_t j = 0; j < sizeof(creds) / sizeof(creds[0]); j++)
			if (!strcmp(k, creds[j]))
				snprintf(ch->by, sizeof(ch->by), "%s", store_source_name(c->source));
	}
}

static void wuid_on_later(evutil_socket_t fd, short what, void *arg);

/* A read of the store failed (another program keeps readers out): the old snapshot stays, and
 * the store is read again at the next request or in half a second, whichever comes first; a
 * change missed meanwhile (webserver_type off from the ACS) would otherwise wait for the next
 * request or commit. Logged once per failure. */
static void wuid_stale(struct wuid *w, const char *what)
{
	if (!w->stale)
		log_msg(LOG_WARNING, "wui: %s: %s (read again every 500 ms)", what, store_errmsg(w->st));
	w->stale = true;
	struct timeval tv = { .tv_sec = 0, .tv_usec = 500000 };
	if (w->later && !evtimer_pending(w->later, NULL))
		evtimer_add(w->later, &tv);
}

/* Follows the store with store_feed_follow(): the one place that reads what changed. Any new
 * entry re-reads the snapshot the pages render from (a resync hands one); a change of the WUI
 * credentials ends every session; the listeners follow webserver_type and the ports. On a store
 * error the old snapshot stays and w->stale makes the next request or wuid_stale's timer try
 * again. */
static void wuid_follow(struct wuid *w)
{
	struct wuid_changes ch = { 0 };
	struct store_snapshot *snap = NULL;

	if (store_feed_follow(&w->feed_seq, &snap, w->st, wuid_on_change, &ch) != STORE_OK) {
		wuid_stale(w, "following the store");
		if (!ch.entries)
			return;
	}
	if (snap) {
		log_msg(LOG_NOTICE, "wui: fell behind the audit log, settings re-read");
		ch.listeners = true;
	} else if (ch.entries || !w->snap || w->stale) {
		/* at the start, or after a failed read (entries may be missing): the listeners are
		 * looked at whatever the entries named */
		if (!w->snap || w->stale)
			ch.listeners = true;
		if (store_snapshot_take(&snap, w->st)) {
			wuid_stale(w, "reading the store");
			return;
		}
	} else {
		return;
	}
	if (w->stale)
		log_msg(LOG_NOTICE, "wui: the store read again");
	w->stale = false;
	store_snapshot_free(w->snap);
	w->snap = snap;
	uint64_t cs = wuid_cred_seq(snap);
	if (cs != w->cred_seq) {
		if (w->cred_seq)
			log_msg(LOG_INFO, "wui: web UI credentials changed (%s), sessions ended",
				ch.by[0] ? ch.by : "store");
		w->cred_seq = cs;
		wui_sessions_clear(w);
	}
	if (ch.listeners)
		wuid_listeners_apply(w);
}

const struct store_snapshot *wui_snapshot(struct wuid *w)
{
	return w->snap;
}

void wui_refresh(struct wuid *w)
{
	wuid_follow(w);
}

static void wuid_on_feed(evutil_socket_t fd, short what, void *arg)
{
	wuid_follow(arg); /* store_feed_follow() drains the feed */
}

/* ------------------------------------------------------------------------------- connections */

/* The guard's listen callback: pauses or resumes both listeners. */
static void wuid_listen_all(void *arg, bool on)
{
	struct wuid *w = arg;

	/* each resume lets the other listener accept first: the first to run takes the room
	 * there is, and the other's backlog would wait behind it under a flood */
	if (on)
		w->listen_first ^= 1;
	for (int k = 0; k < 2; k++) {
		struct wui_listener *l = &w->lis[k ^ w->listen_first];
		connguard_listener_set(l->sock, &l->paused, on);
	}
}

/* evhttp asks for the bufferevent of each accepted connection (TLS on the HTTPS listener): the
 * guard counts it, and at max_conns an idle connection makes room (when none can, both
 * listeners pause until one can). */
static struct bufferevent *wuid_bevcb(struct event_base *base, void *arg)
{
	struct wui_listener *l = arg;
	struct wuid *w = l->w;
	struct bufferevent *bev;

	if (l->tls) {
		SSL *ssl = SSL_new(w->tls);
		bev = ssl ? bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING,
							   BEV_OPT_CLOSE_ON_FREE)
			  : NULL;
		if (!bev)
			SSL_free(ssl);
	} else {
		bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	}
	if (bev)
		connguard_track(w->guard, bev);
	return bev;
}

/* ------------------------------------------------------------------------------- listeners */

static void wuid_handle(struct evhttp_request *req, void *arg);

static void wuid_on_drain(evutil_socket_t fd, short what, void *arg)
{
	struct wuid *w = arg;

	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 4; j++)
			if (w->lis[i].draining[j]) {
				evhttp_free(w->lis[i].draining[j]);
				w->lis[i].draining[j] = NULL;
			}
}

/* Closes a listener's port at once; its open connections get a second to finish the answer
 * that closed it. */
static void wuid_listener_close(struct wuid *w, struct wui_listener *l)
{
	struct timeval tv = { .tv_sec = 1, .tv_usec = 0 };

	if (!l->http)
		return;
	if (l->draining[3])
		evhttp_free(l->draining[3]); /* four closes within a second: the oldest goes now */
	memmove(&l->draining[1], &l->draining[0], 3 * sizeof(l->draining[0]));
	evhttp_del_accept_socket(l->http, l->sock);
	l->draining[0] = l->http;
	l->http = NULL;
	l->sock = NULL;
	l->paused = false;
	evtimer_add(w->drain, &tv);
	log_msg(LOG_NOTICE, "wui: %s listener on port %u closed", l->tls ? "https" : "http", l->port);
	l->port = 0;
}

static int wuid_listener_open(struct wuid *w, struct wui_listener *l, unsigned port)
{
	int one = 1;

	if (!l->http) {
		l->http = evhttp_new(w->base);
		if (!l->http)
			return -1;
		evhttp_set_allowed_methods(l->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD);
		evhttp_set_max_headers_size(l->http, WUI_HEADERS_MAX);
		evhttp_set_max_body_size(l->http, WUI_BODY_MAX);
		evhttp_set_timeout(l->http, (int)w->conf.idle_timeout_s);
		evhttp_set_bevcb(l->http, wuid_bevcb, l);
		evhttp_set_gencb(l->http, wuid_handle, l);
	}
	struct evhttp_bound_socket *s = evhttp_bind_socket_with_handle(l->http, w->conf.bind,
								       (ev_uint16_t)port);
	if (!s) {
		/* logged once, then once a minute while it is retried every second */
		int64_t now = wuid_mono_ms();
		if (l->failed_port != port || now - l->failed_log_ms >= 60000) {
			log_msg(LOG_ERR, "wui: cannot listen on %s port %u (%s), retrying every second",
				w->conf.bind, port, l->tls ? "https" : "http");
			l->failed_log_ms = now;
		}
		l->failed_port = port;
		if (!l->sock) {
			evhttp_free(l->http);
			l->http = NULL;
		}
		return -1;
	}
	if (setsockopt(evhttp_bound_socket_get_fd(s), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		log_msg(LOG_WARNING, "wui: TCP_NODELAY on the listening socket failed");
	if (l->sock)
		evhttp_del_accept_socket(l->http, l->sock);
	l->sock = s;
	l->port = port;
	l->failed_port = 0;
	l->paused = false;
	if (connguard_paused(w->guard))
		wuid_listen_all(w, false);
	log_msg(LOG_NOTICE, "wui: %s listener on %s port %u", l->tls ? "https" : "http", w->conf.bind,
		port);
	return 0;
}

/* Opens, moves or closes the two listeners after webserver_type, http_port and https_port. */
static void wuid_listeners_apply(struct wuid *w)
{
	const char *type = wuid_value(w, "webserver_type");
	bool want[2] = {
		strcmp(type, "http_https") == 0 || strcmp(type, "http") == 0,
		strcmp(type, "http_https") == 0 || strcmp(type, "https") == 0,
	};
	unsigned port[2] = {
		(unsigned)strtoul(wuid_value(w, "http_port"), NULL, 10),
		(unsigned)strtoul(wuid_value(w, "https_port"), NULL, 10),
	};

	bool retry = false;

	for (int i = 0; i < 2; i++) {
		struct wui_listener *l = &w->lis[i];
		if (!want[i] || !port[i]) {
			wuid_listener_close(w, l);
			l->failed_port = 0;
		} else if (!l->http || l->port != port[i]) {
			retry |= wuid_listener_open(w, l, port[i]) != 0;
		}
	}
	/* a port another program holds (or one not free yet after a restart) opens once it can */
	struct timeval tv = { .tv_sec = 1, .tv_usec = 0 };
	if (retry)
		evtimer_add(w->retry, &tv);
	else
		evtimer_del(w->retry);
}

static void wuid_on_retry(evutil_socket_t fd, short what, void *arg)
{
	wuid_listeners_apply(arg);
}


static void wuid_on_later(evutil_socket_t fd, short what, void *arg)
{
	wuid_follow(arg);
	wuid_listeners_apply(arg);
}

void wui_listeners_later(struct wuid *w)
{
	/* after the answer has been handed to the connection: closing its listener now would
	 * close the connection before the answer is written */
	struct timeval tv = { .tv_sec = 0, .tv_usec = 100000 };
	evtimer_add(w->later, &tv);
}

/* ------------------------------------------------------------------------------- replies */

void wui_reply(struct wui_req *r, int code, const char *reason, const char *ctype)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(r->req);

	evhttp_add_header(h, "Content-Type", ctype);
	evhttp_add_header(h, "Content-Security-Policy",
			  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
			  "frame-ancestors 'none'; base-uri 'none'");
	evhttp_add_header(h, "X-Frame-Options", "DENY");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	/* not no-referrer: under it a browser sends "Origin: null" with our own forms */
	evhttp_add_header(h, "Referrer-Policy", "same-origin");
	if (strncmp(ctype, "text/css", 8) != 0)
		evhttp_add_header(h, "Cache-Control", "no-store");
	if (r->tls)
		evhttp_add_header(h, "Strict-Transport-Security", "max-age=31536000");
	if (r->lang_cookie[0]) {
		char c[96];
		snprintf(c, sizeof(c), "wuilang=%s; Path=/; HttpOnly; SameSite=Strict%s",
			 r->lang_cookie, r->tls ? "; Secure" : "");
		evhttp_add_header(h, "Set-Cookie", c);
	}
	struct evhttp_connection *evc = evhttp_request_get_connection(r->req);
	struct bufferevent *bev = evc ? evhttp_connection_get_bufferevent(evc) : NULL;
	evhttp_send_reply(r->req, code, reason, r->out);
	/* bufferevent_openssl makes one TLS record, and one write(2), of each chain of the output
	 * (here the status line, the headers and the page): one chain makes one record up to
	 * its 16 KB, one wake-up of the browser, half the daemon's time per page. The answer sits
	 * in the output until the loop writes it. */
	struct evbuffer *ob = bev && r->tls ? bufferevent_get_output(bev) : NULL;
	if (ob && evbuffer_get_length(ob) <= 16384)
		evbuffer_pullup(ob, -1);
}

void wui_reply_error(struct wui_req *r, int code, const char *reason, const char *text)
{
	evbuffer_drain(r->out, evbuffer_get_length(r->out));
	evbuffer_add_printf(r->out, "%d %s: %s\n", code, reason, text);
	wui_reply(r, code, reason, "text/plain; charset=utf-8");
}

/* ------------------------------------------------------------------------------- login */

/* Digest after http_scheme, and always over plain http: Basic would have the browser send the
 * password in clear, so the owner's choice of Basic holds over https only. */
static bool wuid_digest(const struct wui_req *r)
{
	return !r->tls || strcmp(wuid_value(r->w, "http_scheme"), "digest") == 0;
}

static void wuid_challenge(struct wui_req *r, bool stale)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(r->req);
	struct wuid *w = r->w;
	char ch[512];

	if (wuid_digest(r)) {
		int64_t now = store_now_ms();
		if (!digest_challenge(ch, sizeof(ch), w->dg, DIGEST_ALG_SHA256, stale, now))
			evhttp_add_header(h, "WWW-Authenticate", ch);
		if (!digest_challenge(ch, sizeof(ch), w->dg, DIGEST_ALG_MD5, stale, now))
			evhttp_add_header(h, "WWW-Authenticate", ch);
	} else {
		evhttp_add_header(h, "WWW-Authenticate", "Basic realm=\"" WUI_REALM "\", charset=\"UTF-8\"");
	}
	connguard_set(w->guard, r->req, CONNGUARD_WAITING);
	wui_reply_error(r, 401, "Unauthorized", "log in with the web UI's user and password");
}

static void wuid_lockout_save(struct wuid *w, const char *name, const struct store_lockout *lo)
{
	if (store_lockout_save(w->st, name, lo))
		log_msg(LOG_WARNING, "wui: keeping the lock-out state: %s", store_errmsg(w->st));
}

/* Basic: "Basic base64(user:pass)" against http_user and http_pass (PBKDF2: slow, so the last
 * header that verified is remembered as an HMAC until the credentials change). */
static int wuid_check_basic(struct wuid *w, const char *hdr, const char *user)
{
	unsigned char mac[32], dec[400];
	unsigned maclen = sizeof(mac);
	int rc = -1;

	if (strncasecmp(hdr, "Basic ", 6) != 0)
		return 1;
	const char *b64 = hdr + 6;
	while (*b64 == ' ')
		b64++;
	size_t len = strlen(b64);
	if (!len || len % 4 || len > 4 * (sizeof(dec) - 1) / 3)
		return 1;
	HMAC(EVP_sha256(), w->basic_key, sizeof(w->basic_key), (const unsigned char *)b64, len, mac,
	     &maclen);
	if (w->basic_valid && CRYPTO_memcmp(mac, w->basic_ok, sizeof(mac)) == 0)
		return 0;
	int n = EVP_DecodeBlock(dec, (const unsigned char *)b64, (int)len);
	if (n < 0)
		return 1;
	while (len && b64[len - 1] == '=' && n > 0) {
		len--;
		n--;
	}
	dec[n] = '\0';
	if (memchr(dec, '\0', (size_t)n))
		goto out;
	char *colon = strchr((char *)dec, ':');
	if (!colon)
		goto out;
	*colon = '\0';
	size_t ul = strlen(user);
	if (strlen((char *)dec) != ul || CRYPTO_memcmp(dec, user, ul) != 0)
		goto out;
	if (store_secret_verify(w->st, "http_pass", colon + 1) == STORE_OK) {
		memcpy(w->basic_ok, mac, sizeof(mac));
		w->basic_valid = true;
		rc = 0;
	}
out:
	OPENSSL_cleanse(dec, sizeof(dec));
	return rc;
}

/* Digest (RFC 7616) from the stored HA1s. 0 ok, 1 stale/replay/unparsable (no failure counted),
 * -1 wrong credentials. */
static int wuid_check_digest(struct wui_req *r, const char *hdr, const char *user, bool *stale)
{
	struct wuid *w = r->w;
	struct digest_creds c;
	const char *ha1 = NULL;
	const char *method = r->method == EVHTTP_REQ_POST ? "POST"
			     : r->method == EVHTTP_REQ_HEAD ? "HEAD" : "GET";

	if (strncasecmp(hdr, "Digest ", 7) != 0 || strlen(hdr) > DIGEST_HEADER_MAX ||
	    digest_parse(&c, hdr) || !c.alg)
		return 1;
	if (!digest_user_matches(w->dg, &c, user))
		return -1;
	if (wuid_ha1(w, c.alg, &ha1))
		return -1;
	int err = digest_verify(w->dg, &c, ha1, method, evhttp_request_get_uri(r->req),
				store_now_ms());
	*stale = err == DIGEST_E_STALE;
	if (err == DIGEST_OK)
		return 0;
	if (err == DIGEST_E_STALE || err == DIGEST_E_REPLAY) {
		log_msg(LOG_NOTICE, "wui: digest %s", digest_strerror(err));
		return 1;
	}
	return -1;
}

static const char *wuid_peer(struct evhttp_request *req, char *buf, size_t len)
{
	struct evhttp_connection *c = evhttp_request_get_connection(req);
	const char *addr = NULL;
	ev_uint16_t port = 0;

	if (c)
		evhttp_connection_get_peer(c, (char **)&addr, &port);
	snprintf(buf, len, "%s", addr ? addr : "?");
	return buf;
}

/* Authenticates r; replies (401, 429) and returns false when it may not go on. */
static bool wuid_login(struct wui_req *r)
{
	struct wuid *w = r->w;
	const char *hdr = evhttp_find_header(evhttp_request_get_input_headers(r->req),
					     "Authorization");
	const char *user = wuid_value(w, "http_user");
	int64_t now = store_now_ms();
	uint32_t left = 0;
	bool stale = false;
	char peer[64];

	if (store_lockout_active(&w->login_lo, now, &left)) {
		char ra[16];
		snprintf(ra, sizeof(ra), "%u", left);
		evhttp_add_header(evhttp_request_get_output_headers(r->req), "Retry-After", ra);
		wui_reply_error(r, 429, "Too Many Requests",
				"too many failed logins: the web UI is locked for a while");
		return false;
	}
	if (!hdr) {
		wuid_challenge(r, false);
		return false;
	}
	int rc = wuid_digest(r) ? wuid_check_digest(r, hdr, user, &stale)
				: wuid_check_basic(w, hdr, user);
	if (rc == 0) {
		if (w->login_lo.failures || w->login_lo.until_ms) {
			store_lockout_success(&w->login_lo);
			wuid_lockout_save(w, WUI_LOCKOUT_LOGIN, &w->login_lo);
		}
		snprintf(r->user_buf, sizeof(r->user_buf), "%s", user);
		r->user = r->user_buf;
		return true;
	}
	if (rc < 0) {
		bool locked = store_lockout_fail(&w->login_lo, now);
		wuid_lockout_save(w, WUI_LOCKOUT_LOGIN, &w->login_lo);
		log_msg(LOG_NOTICE, "wui: login from %s refused%s", wuid_peer(r->req, peer, sizeof(peer)),
			locked ? ": locked out" : "");
	}
	wuid_challenge(r, stale);
	return false;
}

bool wui_admin_try_allowed(struct wuid *w, uint32_t *remaining_s)
{
	return !store_lockout_active(&w->admin_lo, store_now_ms(), remaining_s);
}

void wui_admin_outcome(struct wuid *w, bool ok)
{
	if (ok) {
		if (!w->admin_lo.failures && !w->admin_lo.until_ms)
			return;
		store_lockout_success(&w->admin_lo);
	} else {
		store_lockout_fail(&w->admin_lo, store_now_ms());
		log_msg(LOG_NOTICE, "wui: wrong admin password");
	}
	wuid_lockout_save(w, WUI_LOCKOUT_ADMIN, &w->admin_lo);
}

int wui_save(struct wuid *w, const char *user, char *err, size_t errlen)
{
	/* the phone's Save button: allowed to whoever is logged in, as on the phone; the phone's
	 * administrator role may save but not discard nor change locks */
	struct store_actor who = { .source = STORE_SRC_WUI, .role = STORE_ROLE_LOCAL_ADMIN,
				   .principal = user };
	int rc = store_save(w->st, &who);

	if (rc)
		snprintf(err, errlen, "%s", store_errmsg(w->st));
	wuid_follow(w);
	return rc;
}

/* ------------------------------------------------------------------------------- sessions */

/* The session of the request's cookie, a new one (cookie set), or NULL after a reply: a cookie
 * that names no live session of this user is a logout (idle, explicit or new credentials), so
 * the browser is asked to log in again. */
static struct wui_session *wuid_session(struct wui_req *r)
{
	struct wuid *w = r->w;
	const char *ck = evhttp_find_header(evhttp_request_get_input_headers(r->req), "Cookie");
	int64_t now = wuid_mono_ms();
	int64_t idle = (int64_t)strtoul(wuid_value(w, "web_logout_timer"), NULL, 10) * 60000;
	char id[WUI_TOKEN_HEX + 1];
	struct wui_session *s = NULL, *old = NULL;

	for (size_t i = 0; i < WUI_SESSIONS_MAX; i++)
		if (w->sessions[i].used && now - w->sessions[i].last_ms > idle)
			memset(&w->sessions[i], 0, sizeof(w->sessions[i]));
	if (ck && wui_form_cookie(id, sizeof(id), ck, "wuisid") == 0) {
		for (size_t i = 0; i < WUI_SESSIONS_MAX; i++)
			if (w->sessions[i].used && strlen(id) == WUI_TOKEN_HEX &&
			    CRYPTO_memcmp(w->sessions[i].id, id, WUI_TOKEN_HEX) == 0 &&
			    strcmp(w->sessions[i].user, r->user) == 0)
				s = &w->sessions[i];
		if (!s) {
			evhttp_add_header(evhttp_request_get_output_headers(r->req), "Set-Cookie",
					  "wuisid=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
			wuid_challenge(r, false);
			return NULL;
		}
		s->last_ms = now;
		return s;
	}
	for (size_t i = 0; i < WUI_SESSIONS_MAX && !s; i++)
		if (!w->sessions[i].used)
			s = &w->sessions[i];
		else if (!old || w->sessions[i].last_ms < old->last_ms)
			old = &w->sessions[i];
	if (!s)
		s = old;
	memset(s, 0, sizeof(*s));
	if (wui_random_hex(s->id, WUI_TOKEN_HEX) || wui_random_hex(s->token, WUI_TOKEN_HEX)) {
		memset(s, 0, sizeof(*s));
		wui_reply_error(r, 500, "Internal Server Error", "no random numbers");
		return NULL;
	}
	s->used = true;
	s->last_ms = now;
	snprintf(s->user, sizeof(s->user), "%s", r->user);
	char c[128];
	snprintf(c, sizeof(c), "wuisid=%s; Path=/; HttpOnly; SameSite=Strict%s", s->id,
		 r->tls ? "; Secure" : "");
	evhttp_add_header(evhttp_request_get_output_headers(r->req), "Set-Cookie", c);
	return s;
}

/* ------------------------------------------------------------------------------- requests */

static void wuid_handle(struct evhttp_request *req, void *arg)
{
	struct wui_listener *l = arg;
	struct wuid *w = l->w;
	struct wui_req r = { .w = w, .req = req, .tls = l->tls, .user = "" };
	const struct evhttp_uri *u = evhttp_request_get_evhttp_uri(req);
	struct evkeyvalq *in = evhttp_request_get_input_headers(req);
	char lang[8];

	/* answered and kept alive, unless a 401 below asks for credentials (then WAITING) */
	connguard_set(w->guard, req, CONNGUARD_IDLE);
	r.out = evbuffer_new();
	if (!r.out) {
		evhttp_send_error(req, 500, NULL);
		return;
	}
	r.method = evhttp_request_get_command(req);
	r.path = u ? evhttp_uri_get_path(u) : NULL;
	r.lang = wui_form_lang(evhttp_find_header(in, "Accept-Language"));
	const char *ck = evhttp_find_header(in, "Cookie");
	if (ck && wui_form_cookie(lang, sizeof(lang), ck, "wuilang") == 0)
		r.lang = strcmp(lang, "de") == 0 ? WUI_LANG_DE : WUI_LANG_EN;
	const char *query = u ? evhttp_uri_get_query(u) : NULL;
	if (!r.path || !r.path[0] || strlen(r.path) > 64 || evhttp_uri_get_fragment(u)) {
		wui_reply_error(&r, 400, "Bad Request", "bad request target");
		goto out;
	}
	if (query) {
		if (strcmp(query, "lang=de") == 0 || strcmp(query, "lang=en") == 0) {
			snprintf(r.lang_cookie, sizeof(r.lang_cookie), "%s", query + 5);
			r.lang = query[5] == 'd' ? WUI_LANG_DE : WUI_LANG_EN;
		} else {
			wui_reply_error(&r, 400, "Bad Request", "unknown query");
			goto out;
		}
	}
	/* a form a browser posts from another site changes nothing, whatever use_hidden_tags
	 * says: Sec-Fetch-Site other than same-origin or none (typed), or an Origin that is not
	 * this listener's ("null" included: our pages' referrer policy has the browser send the
	 * real one). Clients that send neither are not browsers. */
	if (r.method == EVHTTP_REQ_POST) {
		const char *sfs = evhttp_find_header(in, "Sec-Fetch-Site");
		const char *origin = evhttp_find_header(in, "Origin");
		if ((sfs && strcasecmp(sfs, "same-origin") != 0 && strcasecmp(sfs, "none") != 0) ||
		    (origin && !wui_form_same_origin(origin, evhttp_find_header(in, "Host"), r.tls))) {
			if (log_due(&w->cross_site_logged_ms, WUI_LOG_WINDOW_MS))
				log_msg(LOG_NOTICE, "wui: a form from another site refused");
			wui_reply_error(&r, 403, "Forbidden", "a form from another site is refused");
			goto out;
		}
	}
	if (strcmp(r.path, "/style.css") == 0) {
		wui_page_style(&r);
		goto out;
	}
	/* a commit whose wake-up is still queued behind this request is seen all the same; a
	 * drain that finds nothing costs one read(2) and no store access */
	if (store_feed_drain(w->st) != 0 || !w->snap || w->stale)
		wuid_follow(w);
	const struct store_snapshot *snap = w->snap;
	const struct store_row *pass = snap ? store_snapshot_find(snap, "http_pass") : NULL;
	if (!pass) {
		wui_reply_error(&r, 503, "Service Unavailable", "the settings cannot be read");
		goto out;
	}
	if (!pass->secret_set) {
		wui_page_firstrun(&r);
		goto out;
	}
	if (!wuid_login(&r))
		goto out;
	r.s = wuid_session(&r);
	if (!r.s)
		goto out;
	wui_page_handle(&r);
out:
	evbuffer_free(r.out);
}

/* ------------------------------------------------------------------------------- life */

static void wuid_on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct wuid *w = arg;

	log_msg(LOG_NOTICE, "wui: signal %d, stopping", (int)sig);
	event_base_loopbreak(w->base);
}

static void wuid_free(struct wuid *w)
{
	for (int i = 0; i < 2; i++) {
		if (w->lis[i].http)
			evhttp_free(w->lis[i].http);
		for (int j = 0; j < 4; j++)
			if (w->lis[i].draining[j])
				evhttp_free(w->lis[i].draining[j]);
	}
	connguard_free(w->guard);
	struct event *evs[] = { w->feed, w->later, w->drain, w->retry, w->sigterm, w->sigint };
	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		if (evs[i])
			event_free(evs[i]);
	digest_free(w->dg);
	SSL_CTX_free(w->tls);
	store_snapshot_free(w->snap);
	store_close(w->st);
	if (w->base)
		event_base_free(w->base);
	OPENSSL_cleanse(w->basic_key, sizeof(w->basic_key));
	OPENSSL_cleanse(w->ha1, sizeof(w->ha1));
	free(w);
}

int wui_run(const struct wui_options *o)
{
	struct wuid *w = calloc(1, sizeof(*w));
	char err[512];
	int rc = 1;

	if (!w) {
		log_msg(LOG_ERR, "out of memory");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	if (wui_conf_load(&w->conf, o->conf_path, err, sizeof(err))) {
		log_msg(LOG_ERR, "%s", err);
		goto out;
	}
	const char *path = o->store_path ? o->store_path : store_default_path();
	if (store_open(&w->st, path, err, sizeof(err))) {
		log_msg(LOG_ERR, "%s", err);
		goto out;
	}
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", w->conf.cert_dir[0] ? w->conf.cert_dir : path);
	const char *cdir = w->conf.cert_dir[0] ? dir : dirname(dir);
	w->tls = wui_tls_ctx_new(w->conf.cert_file, w->conf.key_file, cdir, w->conf.names, err,
				 sizeof(err));
	if (!w->tls) {
		log_msg(LOG_ERR, "wui: %s", err);
		goto out;
	}
	if (digest_new(&w->dg, WUI_REALM, WUI_NONCE_LIFE_S) ||
	    RAND_bytes(w->basic_key, sizeof(w->basic_key)) != 1) {
		log_msg(LOG_ERR, "wui: digest set-up failed");
		goto out;
	}
	if (store_lockout_load(&w->login_lo, w->st, WUI_LOCKOUT_LOGIN) ||
	    store_lockout_load(&w->admin_lo, w->st, WUI_LOCKOUT_ADMIN)) {
		log_msg(LOG_ERR, "wui: reading the lock-out state: %s", store_errmsg(w->st));
		goto out;
	}
	/* the changelist folds the read/write interest evhttp and bufferevent_openssl switch on
	 * and off within one pass of the loop into one epoll_ctl, or none */
	struct event_config *ec = event_config_new();
	if (ec)
		event_config_set_flag(ec, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
	w->base = ec ? event_base_new_with_config(ec) : NULL;
	event_config_free(ec);
	int ffd = store_feed_fd(w->st);
	const struct connguard_params gp = {
		.max_conns = w->conf.max_conns_n, .max_per_source = w->conf.max_conns_per_source_n,
		.first_ms = w->conf.request_timeout_s * 1000, .wait_ms = w->conf.request_timeout_s * 1000,
		.life_ms = w->conf.conn_life_s * 1000, .fresh_ms = WUI_CONN_FRESH_MS,
		.log_prefix = "wui", .log_what = "web UI", .listen = wuid_listen_all, .arg = w,
	};
	if (!w->base || ffd < 0 || connguard_new(&w->guard, w->base, &gp)) {
		log_msg(LOG_ERR, "wui: set-up failed: %s", ffd < 0 ? store_errmsg(w->st) : "no memory");
		goto out;
	}
	for (int i = 0; i < 2; i++)
		w->lis[i] = (struct wui_listener){ .w = w, .tls = i == LIS_HTTPS };
	w->later = evtimer_new(w->base, wuid_on_later, w);
	w->drain = evtimer_new(w->base, wuid_on_drain, w);
	w->retry = evtimer_new(w->base, wuid_on_retry, w);
	w->feed = event_new(w->base, ffd, EV_READ | EV_PERSIST, wuid_on_feed, w);
	w->sigterm = evsignal_new(w->base, SIGTERM, wuid_on_signal, w);
	w->sigint = evsignal_new(w->base, SIGINT, wuid_on_signal, w);
	if (!w->later || !w->drain || !w->retry || !w->feed || !w->sigterm || !w->sigint ||
	    event_add(w->feed, NULL) || event_add(w->sigterm, NULL) || event_add(w->sigint, NULL)) {
		log_msg(LOG_ERR, "wui: event set-up failed");
		goto out;
	}
	if (store_audit_head(&w->feed_seq, w->st)) {
		log_msg(LOG_ERR, "wui: reading the store: %s", store_errmsg(w->st));
		goto out;
	}
	wuid_follow(w);
	if (!w->snap) {
		log_msg(LOG_ERR, "wui: cannot read the settings");
		goto out;
	}
	log_msg(LOG_NOTICE, "wui: started (webserver_type %s)", wuid_value(w, "webserver_type"));
	event_base_dispatch(w->base);
	rc = 0;
out:
	wuid_free(w);
	return rc;
}
