/* The floor of bench/cwmp.sh: a minimal CWMP client (plain sockets, no gSOAP, no data model) that
 * replays the request bytes phonesec-cwmpd sent in one recorded session, over the same kind of
 * connection (one HTTP/1.1 keep-alive connection per session, the Digest 401 round trip on it).
 *
 * usage: cwmp_floor -r RECORD -p ACS_PORT -u USER -w PASS [-n SESSIONS] [-t CA_FILE] [-d DB]
 * -t: over TLS as phonesec-cwmpd with an https ACS: the server's chain and IP address verified
 * against CA_FILE, TLS 1.2 minimum, one context for all sessions and each session resuming the
 * previous one's TLS session.
 * -d: after each session, the least a durable SetParameterValues must write: the 10 values updated
 * in one SQLite transaction in DB (WAL, synchronous=FULL, as the store), values alternating
 * between sessions. Not part of the benchmark's goal: it shows what that commit alone costs.
 * Only what a real client must compute per request is recomputed: Host (the ACS's port),
 * Content-Length, the Digest answer (new nonce, nc, cnonce, response), the session cookie and
 * the cwmp:ID echoed from the ACS's last message; every other byte is the recording's. Prints one
 * line of key=value: CPU of the sessions (utime+stime from /proc/self/stat in clock ticks, and
 * CLOCK_PROCESS_CPUTIME_ID in ns), anonymous memory and VmHWM after them.
 *
 * Built a second time as cwmp_gfloor (CWMP_FLOOR_GSOAP): the same recorded request bodies sent
 * through what any client on gSOAP must use, and nothing else: gSOAP's HTTP client on one kept
 * context, the httpda plugin answering the Digest challenge and signing every later POST, and
 * every ACS message parsed by gSOAP's XML deserializer (tr069/msg.c) for the cwmp:ID to echo. No
 * data model, no store, no XML written. Plain http only. It shows how much of the goal's budget
 * the mandated library takes before phonesec does anything of its own.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <sqlite3.h>

#include "digest.h"

#ifdef CWMP_FLOOR_GSOAP
#pragma GCC diagnostic push /* httpda.h declares functions without prototypes */
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include "httpda.h"
#pragma GCC diagnostic pop
#include "msg.h"
#endif

#define FLOOR_MAX_REQS 64
#define FLOOR_MAX_MSG (1024u * 1024u)

struct floor_req {
	const char *head; /* request line and header lines, without the blank line */
	size_t head_len;
	const char *body;
	size_t body_len;
};

struct floor {
	struct floor_req reqs[FLOOR_MAX_REQS];
	size_t n_reqs;
	unsigned short port;
	const char *user, *pass;
	SSL_CTX *ctx;      /* -t: TLS */
	SSL_SESSION *sess; /* the last session's, offered for resumption */
	/* per session */
	int fd;
	SSL *ssl;
	long resumed;      /* sessions whose TLS session was resumed */
	sqlite3 *db;       /* -d */
	sqlite3_stmt *upd;
	long commits;
	char nonce[DIGEST_FIELD_MAX], realm[DIGEST_FIELD_MAX], opaque[DIGEST_FIELD_MAX];
	enum digest_alg alg;
	bool challenged;
	unsigned nc, cnonce_seq;
	char cookie[1024];
	char acs_id[256];
	/* buffers, allocated once */
	char *out, *in;
	size_t in_len;
	char *body; /* the last response's body (points into in) */
	size_t body_len;
	int status;
#ifdef CWMP_FLOOR_GSOAP
	struct soap *soap; /* kept for every session */
	struct cwmp_msg *codec;
	int (*inner_posthdr)(struct soap *, const char *, const char *);
	int (*inner_parsehdr)(struct soap *, const char *, const char *);
	bool soap_body;    /* the request being sent has a body */
#endif
};

static void floor_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void floor_die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "cwmp_floor: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

/* ------------------------------------------------------------------------------- record */

static size_t floor_content_length(const char *head, size_t len)
{
	for (const char *p = head; p < head + len;) {
		const char *eol = memchr(p, '\n', (size_t)(head + len - p));
		if (!eol)
			eol = head + len;
		if ((size_t)(eol - p) > 15 && !strncasecmp(p, "Content-Length:", 15))
			return (size_t)strtoul(p + 15, NULL, 10);
		p = eol + 1;
	}
	return 0;
}

static void floor_load(struct floor *f, const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		floor_die("cannot open %s", path);
	char *buf = malloc(FLOOR_MAX_MSG * 4);
	if (!buf)
		floor_die("%s", "out of memory");
	size_t len = fread(buf, 1, FLOOR_MAX_MSG * 4, fp);
	fclose(fp);
	for (size_t i = 0; i < len;) {
		const char *end = memmem(buf + i, len - i, "\r\n\r\n", 4);
		if (!end || f->n_reqs == FLOOR_MAX_REQS)
			floor_die("%s: not a sequence of HTTP requests", path);
		struct floor_req *r = &f->reqs[f->n_reqs++];
		r->head = buf + i;
		r->head_len = (size_t)(end - r->head) + 2; /* keeps the last header's CRLF */
		r->body = end + 4;
		r->body_len = floor_content_length(r->head, r->head_len);
		if (r->body + r->body_len > buf + len)
			floor_die("%s: truncated body", path);
		i = (size_t)(r->body - buf) + r->body_len;
	}
	if (!f->n_reqs)
		floor_die("%s: empty", path);
}

/* ------------------------------------------------------------------------------- HTTP */

static void floor_send_all(struct floor *f, const char *p, size_t n)
{
	while (n) {
		if (f->ssl) {
			int w = SSL_write(f->ssl, p, (int)n);
			if (w <= 0)
				floor_die("SSL_write: error %d", SSL_get_error(f->ssl, w));
			p += w;
			n -= (size_t)w;
			continue;
		}
		ssize_t w = send(f->fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			floor_die("send: %s", strerror(errno));
		p += w;
		n -= (size_t)w;
	}
}

/* Reads until at least want bytes are in f->in. */
static void floor_fill(struct floor *f, size_t want)
{
	while (f->in_len < want) {
		if (want > FLOOR_MAX_MSG)
			floor_die("%s", "response too large");
		if (f->ssl) {
			int r = SSL_read(f->ssl, f->in + f->in_len, (int)(FLOOR_MAX_MSG - f->in_len));
			if (r <= 0)
				floor_die("SSL_read: error %d", SSL_get_error(f->ssl, r));
			f->in_len += (size_t)r;
			continue;
		}
		ssize_t r = recv(f->fd, f->in + f->in_len, FLOOR_MAX_MSG - f->in_len, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			floor_die("recv: %s", r ? strerror(errno) : "the ACS closed the connection");
		f->in_len += (size_t)r;
	}
}

/* Value of header name in head[0..len) (NUL-terminated copy), or false. */
static bool floor_header(char *out, size_t cap, const char *head, size_t len, const char *name)
{
	size_t nl = strlen(name);
	for (const char *p = head; p < head + len;) {
		const char *eol = memmem(p, (size_t)(head + len - p), "\r\n", 2);
		if (!eol)
			eol = head + len;
		if ((size_t)(eol - p) > nl && !strncasecmp(p, name, nl) && p[nl] == ':') {
			const char *v = p + nl + 1;
			while (*v == ' ')
				v++;
			size_t vl = (size_t)(eol - v);
			if (vl >= cap)
				vl = cap - 1;
			memcpy(out, v, vl);
			out[vl] = '\0';
			return true;
		}
		p = eol + 2;
	}
	return false;
}

/* The value of key="v" or key=v in a WWW-Authenticate header. */
static void floor_auth_param(char *out, size_t cap, const char *h, const char *key)
{
	size_t kl = strlen(key);
	out[0] = '\0';
	for (const char *p = h; (p = strstr(p, key)); p += kl) {
		if ((p != h && p[-1] != ' ' && p[-1] != ',') || p[kl] != '=')
			continue;
		const char *v = p + kl + 1;
		size_t n = *v == '"' ? strcspn(++v, "\"") : strcspn(v, ", ");
		if (n >= cap)
			n = cap - 1;
		memcpy(out, v, n);
		out[n] = '\0';
		return;
	}
}

/* Keeps name=value of a Set-Cookie in the jar (one cookie per name). */
static void floor_take_cookie(struct floor *f, const char *val)
{
	size_t n = strcspn(val, ";");
	const char *eq = memchr(val, '=', n);
	if (!eq)
		return;
	size_t nl = (size_t)(eq - val) + 1;
	/* drop an old value of the same name */
	for (char *p = f->cookie; *p;) {
		char *end = strstr(p, "; ");
		size_t l = end ? (size_t)(end - p) : strlen(p);
		if (l >= nl && !strncmp(p, val, nl)) {
			memmove(p, end ? end + 2 : p + l, strlen(end ? end + 2 : p + l) + 1);
			continue;
		}
		p += l + (end ? 2 : 0);
	}
	size_t cl = strlen(f->cookie);
	if (cl && f->cookie[cl - 1] != ' ')
		cl = (size_t)snprintf(f->cookie + cl, sizeof(f->cookie) - cl, "; ") + cl;
	snprintf(f->cookie + cl, sizeof(f->cookie) - cl, "%.*s", (int)n, val);
}

/* Reads one response: status, the headers we need, the body (Content-Length or chunked). */
static void floor_read_response(struct floor *f)
{
	char v[1024];

	f->in_len = 0;
	floor_fill(f, 4);
	char *end;
	while (!(end = memmem(f->in, f->in_len, "\r\n\r\n", 4)))
		floor_fill(f, f->in_len + 1);
	size_t hl = (size_t)(end - f->in) + 2;
	if (f->in_len < 12 || strncmp(f->in, "HTTP/1.", 7))
		floor_die("%s", "not an HTTP response");
	f->status = atoi(f->in + 9);
	/* every Set-Cookie line */
	for (const char *p = f->in; p < f->in + hl;) {
		const char *eol = memmem(p, (size_t)(f->in + hl - p), "\r\n", 2);
		if ((size_t)(eol - p) > 11 && !strncasecmp(p, "Set-Cookie:", 11)) {
			const char *c = p + 11;
			while (*c == ' ')
				c++;
			snprintf(v, sizeof(v), "%.*s", (int)(eol - c), c);
			floor_take_cookie(f, v);
		}
		p = eol + 2;
	}
	if (f->status == 401 && floor_header(v, sizeof(v), f->in, hl, "WWW-Authenticate")) {
		floor_auth_param(f->nonce, sizeof(f->nonce), v, "nonce");
		floor_auth_param(f->realm, sizeof(f->realm), v, "realm");
		floor_auth_param(f->opaque, sizeof(f->opaque), v, "opaque");
		char alg[32];
		floor_auth_param(alg, sizeof(alg), v, "algorithm");
		f->alg = alg[0] ? digest_alg_from_name(alg) : DIGEST_ALG_MD5;
		f->challenged = f->alg != 0;
		f->nc = 0;
	}
	size_t start = hl + 2;
	f->body = f->in + start;
	f->body_len = 0;
	if (floor_header(v, sizeof(v), f->in, hl, "Content-Length")) {
		f->body_len = (size_t)strtoul(v, NULL, 10);
		floor_fill(f, start + f->body_len);
	} else if (floor_header(v, sizeof(v), f->in, hl, "Transfer-Encoding") &&
		   !strcasecmp(v, "chunked")) {
		/* decoded in place: chunks are moved down to f->body */
		size_t pos = start, out = start;
		for (;;) {
			char *crlf;
			while (!(crlf = memmem(f->in + pos, f->in_len - pos, "\r\n", 2)))
				floor_fill(f, f->in_len + 1);
			size_t n = (size_t)strtoul(f->in + pos, NULL, 16);
			pos = (size_t)(crlf - f->in) + 2;
			floor_fill(f, pos + n + 2);
			memmove(f->in + out, f->in + pos, n);
			out += n;
			pos += n + 2;
			if (!n)
				break;
		}
		f->body_len = out - start;
	} else if (f->status != 204 && f->status != 304) {
		floor_die("%s", "response without a length");
	}
	/* the cwmp:ID of an ACS message, echoed in our answer to it */
	const char *id = f->body_len ? memmem(f->body, f->body_len, ":ID", 3) : NULL;
	if (id && (id = memchr(id, '>', (size_t)(f->body + f->body_len - id)))) {
		size_t n = strcspn(id + 1, "<");
		snprintf(f->acs_id, sizeof(f->acs_id), "%.*s", (int)n, id + 1);
	}
}

/* ------------------------------------------------------------------------------- requests */

/* Copies the recorded Authorization value with new nonce, nc, cnonce and response. */
static size_t floor_authorization(struct floor *f, char *out, size_t cap, const char *rec,
				  size_t rec_len)
{
	char uri[DIGEST_FIELD_MAX], qop[64], nc[9], cnonce[21], resp[DIGEST_HEX_MAX];
	char ha1[DIGEST_HEX_MAX], tmp[2048];

	snprintf(tmp, sizeof(tmp), "%.*s", (int)rec_len, rec);
	floor_auth_param(uri, sizeof(uri), tmp, "uri");
	floor_auth_param(qop, sizeof(qop), tmp, "qop");
	snprintf(nc, sizeof(nc), "%08x", ++f->nc);
	snprintf(cnonce, sizeof(cnonce), "%020x", ++f->cnonce_seq);
	if (digest_ha1(ha1, sizeof(ha1), f->alg, f->user, f->realm, f->pass) ||
	    digest_response(resp, sizeof(resp), f->alg, ha1, f->nonce, nc, cnonce, qop, "POST", uri))
		floor_die("%s", "digest computation failed");
	/* rewrite key by key: the recorded order and quoting are kept */
	static const char *const keys[] = { "nonce", "nc", "cnonce", "response", "opaque" };
	const char *vals[] = { f->nonce, nc, cnonce, resp, f->opaque };
	size_t o = 0;
	const char *p = tmp;
	while (*p) {
		size_t k;
		for (k = 0; k < 5; k++) {
			size_t kl = strlen(keys[k]);
			if (!strncmp(p, keys[k], kl) && p[kl] == '=' &&
			    (p == tmp || p[-1] == ' ' || p[-1] == ','))
				break;
		}
		if (k == 5) {
			if (o + 1 >= cap)
				floor_die("%s", "Authorization too long");
			out[o++] = *p++;
			continue;
		}
		size_t kl = strlen(keys[k]);
		const char *v = p + kl + 1;
		bool quoted = *v == '"';
		size_t vl = quoted ? strcspn(v + 1, "\"") + 2 : strcspn(v, ", ");
		int w = snprintf(out + o, cap - o, quoted ? "%s=\"%s\"" : "%s=%s", keys[k], vals[k]);
		if (w < 0 || (size_t)w >= cap - o)
			floor_die("%s", "Authorization too long");
		o += (size_t)w;
		p = v + vl;
	}
	return o;
}

/* Where the recorded body's echoed cwmp:ID is (*id_len 0: none, or no ACS ID to put there). */
static void floor_id_span(struct floor *f, const struct floor_req *r, size_t *id_start,
			  size_t *id_len)
{
	const char *body = r->body;
	const char *id = r->body_len && f->acs_id[0] ? memmem(body, r->body_len, ":ID", 3) : NULL;
	*id_start = *id_len = 0;
	if (id && (id = memchr(id, '>', (size_t)(body + r->body_len - id)))) {
		*id_start = (size_t)(id + 1 - body);
		*id_len = strcspn(id + 1, "<");
	}
}

/* Copies r's body to out with the ACS's current cwmp:ID in place of the recording's; returns
 * its length (out must hold r->body_len + the ID's length). */
static size_t floor_body(struct floor *f, const struct floor_req *r, char *out)
{
	size_t id_start, id_len, o = 0;

	floor_id_span(f, r, &id_start, &id_len);
	if (!id_len) {
		memcpy(out, r->body, r->body_len);
		return r->body_len;
	}
	memcpy(out, r->body, id_start);
	o += id_start;
	size_t il = strlen(f->acs_id);
	memcpy(out + o, f->acs_id, il);
	o += il;
	memcpy(out + o, r->body + id_start + id_len, r->body_len - id_start - id_len);
	return o + r->body_len - id_start - id_len;
}

/* Builds request r into f->out; returns its length. */
static size_t floor_build(struct floor *f, const struct floor_req *r)
{
	size_t id_start, id_len;
	floor_id_span(f, r, &id_start, &id_len);
	size_t new_body_len = id_len ? r->body_len - id_len + strlen(f->acs_id) : r->body_len;

	size_t o = 0;
	char *out = f->out;
	size_t cap = FLOOR_MAX_MSG;
	for (const char *p = r->head; p < r->head + r->head_len;) {
		const char *eol = memmem(p, (size_t)(r->head + r->head_len - p), "\r\n", 2);
		size_t l = (size_t)(eol - p);
		int w = 0;
		if (l > 5 && !strncasecmp(p, "Host:", 5)) {
			w = snprintf(out + o, cap - o, "Host: 127.0.0.1:%u\r\n", f->port);
		} else if (l > 15 && !strncasecmp(p, "Content-Length:", 15)) {
			w = snprintf(out + o, cap - o, "Content-Length: %zu\r\n", new_body_len);
		} else if (l > 7 && !strncasecmp(p, "Cookie:", 7)) {
			if (f->cookie[0])
				w = snprintf(out + o, cap - o, "Cookie: %s\r\n", f->cookie);
		} else if (l > 14 && !strncasecmp(p, "Authorization:", 14)) {
			if (f->challenged) {
				const char *v = p + 14;
				while (*v == ' ')
					v++;
				memcpy(out + o, "Authorization: ", 15);
				o += 15;
				o += floor_authorization(f, out + o, cap - o - 2, v, (size_t)(eol - v));
				memcpy(out + o, "\r\n", 2);
				o += 2;
			}
		} else {
			if (o + l + 2 > cap)
				floor_die("%s", "request too large");
			memcpy(out + o, p, l + 2);
			o += l + 2;
		}
		if (w < 0 || (size_t)w >= cap - o)
			floor_die("%s", "request too large");
		o += (size_t)w;
		p = eol + 2;
	}
	if (o + 2 + new_body_len > cap)
		floor_die("%s", "request too large");
	memcpy(out + o, "\r\n", 2);
	o += 2;
	return o + floor_body(f, r, out + o);
}

/* ------------------------------------------------------------------------------- commit */

#define FLOOR_SETTINGS 10

static void floor_db_exec(struct floor *f, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(f->db, sql, NULL, NULL, &err) != SQLITE_OK)
		floor_die("sqlite: %s: %s", sql, err ? err : sqlite3_errmsg(f->db));
}

static void floor_db_open(struct floor *f, const char *path)
{
	if (sqlite3_open(path, &f->db) != SQLITE_OK)
		floor_die("sqlite: cannot open %s", path);
	floor_db_exec(f, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
			 "CREATE TABLE IF NOT EXISTS kv(k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID");
	for (int i = 0; i < FLOOR_SETTINGS; i++) {
		char sql[96];
		snprintf(sql, sizeof(sql), "INSERT OR IGNORE INTO kv VALUES('setting%d', '')", i);
		floor_db_exec(f, sql);
	}
	if (sqlite3_prepare_v2(f->db, "UPDATE kv SET v = ?2 WHERE k = ?1", -1, &f->upd, NULL) !=
	    SQLITE_OK)
		floor_die("sqlite: %s", sqlite3_errmsg(f->db));
}

/* The 10 values of a SetParameterValues, durably: one transaction, one fsync of the WAL. */
static void floor_db_commit(struct floor *f)
{
	floor_db_exec(f, "BEGIN IMMEDIATE");
	for (int i = 0; i < FLOOR_SETTINGS; i++) {
		char k[32], v[32];
		snprintf(k, sizeof(k), "setting%d", i);
		snprintf(v, sizeof(v), "%s-%d", f->commits % 2 ? "b" : "a", i);
		sqlite3_bind_text(f->upd, 1, k, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(f->upd, 2, v, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(f->upd) != SQLITE_DONE)
			floor_die("sqlite: %s", sqlite3_errmsg(f->db));
		sqlite3_reset(f->upd);
	}
	floor_db_exec(f, "COMMIT");
	f->commits++;
}

/* One session: a new connection, the recorded requests in order, each answered. */
#ifdef CWMP_FLOOR_GSOAP
__attribute__((unused))
#endif
static void floor_session(struct floor *f)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(f->port) };
	int one = 1;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	f->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (f->fd < 0 || connect(f->fd, (struct sockaddr *)&sa, sizeof(sa)))
		floor_die("connect: %s", strerror(errno));
	setsockopt(f->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (f->ctx) {
		f->ssl = SSL_new(f->ctx);
		if (!f->ssl || SSL_set_fd(f->ssl, f->fd) != 1 ||
		    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(f->ssl), "127.0.0.1") != 1 ||
		    (f->sess && SSL_set_session(f->ssl, f->sess) != 1) || SSL_connect(f->ssl) != 1 ||
		    SSL_get_verify_result(f->ssl) != X509_V_OK)
			floor_die("TLS handshake failed: %s", ERR_reason_error_string(ERR_get_error()));
	}
	f->challenged = false;
	f->cookie[0] = '\0';
	f->acs_id[0] = '\0';
	for (size_t i = 0; i < f->n_reqs; i++) {
		size_t n = floor_build(f, &f->reqs[i]);
		floor_send_all(f, f->out, n);
		floor_read_response(f);
		bool last = i + 1 == f->n_reqs;
		if (f->status == 401 && i == 0)
			continue; /* the recording's next request is the answer to the challenge */
		if (f->status != 200 && !(last && f->status == 204))
			floor_die("unexpected HTTP status %d after request %zu", f->status, i + 1);
		if (last && f->status != 204)
			floor_die("%s", "the ACS did not end the session after the last request");
	}
	if (f->ssl) {
		if (f->sess)
			SSL_SESSION_free(f->sess);
		f->resumed += SSL_session_reused(f->ssl) == 1;
		f->sess = SSL_get1_session(f->ssl);
		SSL_shutdown(f->ssl); /* close_notify, as gSOAP sends */
		SSL_free(f->ssl);
		f->ssl = NULL;
	}
	close(f->fd);
	if (f->db)
		floor_db_commit(f);
}

#ifdef CWMP_FLOOR_GSOAP
/* ------------------------------------------------------------------------------- gSOAP */

/* Content-Type and SOAPAction as TR-069 3.4.1 wants, and the session's cookies. */
static int gfloor_posthdr(struct soap *soap, const char *key, const char *val)
{
	struct floor *f = soap->user;

	if (key && (!strcasecmp(key, "SOAPAction") || !strcasecmp(key, "Content-Type")))
		return SOAP_OK;
	if (!key) {
		int err = SOAP_OK;
		if (f->soap_body) {
			err = f->inner_posthdr(soap, "Content-Type", "text/xml; charset=\"utf-8\"");
			if (!err)
				err = f->inner_posthdr(soap, "SOAPAction", "");
		}
		if (!err && f->cookie[0])
			err = f->inner_posthdr(soap, "Cookie", f->cookie);
		if (err)
			return err;
	}
	return f->inner_posthdr(soap, key, val);
}

static int gfloor_parsehdr(struct soap *soap, const char *key, const char *val)
{
	struct floor *f = soap->user;

	if (key && val && !strcasecmp(key, "Set-Cookie")) {
		floor_take_cookie(f, val);
		return SOAP_OK;
	}
	return f->inner_parsehdr(soap, key, val);
}

static void gfloor_init(struct floor *f)
{
	f->soap = soap_new1(SOAP_IO_KEEPALIVE);
	if (!f->soap || soap_register_plugin(f->soap, http_da))
		floor_die("%s", "gSOAP context or httpda plugin failed");
	f->soap->user = f;
	f->inner_posthdr = f->soap->fposthdr;
	f->soap->fposthdr = gfloor_posthdr;
	f->inner_parsehdr = f->soap->fparsehdr;
	f->soap->fparsehdr = gfloor_parsehdr;
	if (cwmp_msg_new(&f->codec, 0, 0))
		floor_die("%s", "codec failed");
}

static void gfloor_done(struct floor *f)
{
	cwmp_msg_free(f->codec);
	soap_destroy(f->soap);
	soap_end(f->soap);
	soap_free(f->soap);
}

/* One session through gSOAP: the recorded bodies POSTed on one connection, httpda answering the
 * first 401 (the recording's second request is the Inform again) and signing the rest; each
 * ACS message parsed for its cwmp:ID. */
static void gfloor_session(struct floor *f)
{
	struct soap *soap = f->soap;
	struct http_da_info da;
	bool da_saved = false;
	char url[64];

	snprintf(url, sizeof(url), "http://127.0.0.1:%u/acs", f->port);
	f->cookie[0] = '\0';
	f->acs_id[0] = '\0';
	for (size_t i = 0; i < f->n_reqs; i++) {
		const struct floor_req *r = &f->reqs[i];
		size_t len = floor_body(f, r, f->out);
		bool last = i + 1 == f->n_reqs;

		soap_end(soap);
		f->soap_body = len > 0;
		if (da_saved)
			http_da_restore(soap, &da);
		soap->keep_alive = 1;
		if (soap_POST(soap, url, NULL, NULL) || (len && soap_send_raw(soap, f->out, len)) ||
		    soap_end_send(soap))
			floor_die("sending request %zu failed (gSOAP error %d)", i + 1, soap->error);
		if (soap_begin_recv(soap)) {
			if (soap->error == 401 && i == 0 && soap->authrealm) {
				http_da_save(soap, &da, soap->authrealm, f->user, f->pass);
				da_saved = true;
				soap->keep_alive = 1;
				continue;
			}
			if (last && soap->status == 204)
				break;
			floor_die("request %zu: gSOAP error %d, HTTP %d", i + 1, soap->error,
				  soap->status);
		}
		if (soap->status == 204) {
			soap_end_recv(soap);
			if (!last)
				floor_die("the ACS ended the session after request %zu", i + 1);
			break;
		}
		size_t n = 0;
		char *b = soap_http_get_body(soap, &n);
		if (!b)
			floor_die("request %zu: no response body", i + 1);
		soap_end_recv(soap);
		if (last)
			floor_die("%s", "the ACS did not end the session after the last request");
		struct cwmp_msg_in in;
		cwmp_msg_reset(f->codec);
		int err = cwmp_msg_parse(&in, f->codec, b, n);
		if (err)
			floor_die("the ACS's answer to request %zu: %s", i + 1, cwmp_msg_strerror(err));
		snprintf(f->acs_id, sizeof(f->acs_id), "%s", in.hdr.id ? in.hdr.id : "");
	}
	if (da_saved)
		http_da_release(soap, &da);
	soap_force_closesock(soap); /* a new connection for each session, as the daemon */
}
#endif

/* ------------------------------------------------------------------------------- measures */

static long long floor_ticks(void)
{
	char buf[1024];
	FILE *fp = fopen("/proc/self/stat", "r");
	if (!fp)
		return -1;
	size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	const char *p = strrchr(buf, ')');
	unsigned long long ut = 0, st = 0;
	/* after "pid (comm)": state and 10 more fields, then utime and stime */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return -1;
	return (long long)(ut + st);
}

static long long floor_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long floor_kb(const char *path, const char *key)
{
	char line[256];
	long long v = -1;
	size_t kl = strlen(key);
	FILE *fp = fopen(path, "r");
	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp))
		if (!strncmp(line, key, kl) && line[kl] == ':') {
			v = atoll(line + kl + 1);
			break;
		}
	fclose(fp);
	return v;
}

int main(int argc, char **argv)
{
	static struct floor f;
	const char *record = NULL, *ca_file = NULL, *db = NULL;
	long sessions = 1;
	int c;

	while ((c = getopt(argc, argv, "r:p:u:w:n:t:d:")) != -1) {
		switch (c) {
		case 'r': record = optarg; break;
		case 'p': f.port = (unsigned short)atoi(optarg); break;
		case 'u': f.user = optarg; break;
		case 'w': f.pass = optarg; break;
		case 'n': sessions = atol(optarg); break;
		case 't': ca_file = optarg; break;
		case 'd': db = optarg; break;
		default:
			fprintf(stderr, "usage: cwmp_floor -r RECORD -p ACS_PORT -u USER -w PASS "
					"[-n SESSIONS] [-t CA_FILE] [-d DB]\n");
			return 2;
		}
	}
	if (!record || !f.port || !f.user || !f.pass || sessions < 1) {
		fprintf(stderr, "cwmp_floor: -r, -p, -u and -w are required\n");
		return 2;
	}
#ifdef CWMP_FLOOR_GSOAP
	if (ca_file || db) {
		fprintf(stderr, "cwmp_gfloor: plain http only, no -t or -d\n");
		return 2;
	}
#endif
	floor_load(&f, record);
	if (db)
		floor_db_open(&f, db);
	if (ca_file) {
		f.ctx = SSL_CTX_new(TLS_client_method());
		if (!f.ctx || SSL_CTX_set_min_proto_version(f.ctx, TLS1_2_VERSION) != 1 ||
		    SSL_CTX_load_verify_locations(f.ctx, ca_file, NULL) != 1)
			floor_die("TLS context from %s failed", ca_file);
		SSL_CTX_set_verify(f.ctx, SSL_VERIFY_PEER, NULL);
	}
	f.out = malloc(FLOOR_MAX_MSG);
	f.in = malloc(FLOOR_MAX_MSG);
	if (!f.out || !f.in)
		floor_die("%s", "out of memory");

	long long t0 = floor_ticks(), n0 = floor_cpu_ns();
	struct timespec w0, w1;
	clock_gettime(CLOCK_MONOTONIC, &w0);
#ifdef CWMP_FLOOR_GSOAP
	gfloor_init(&f);
	for (long i = 0; i < sessions; i++)
		gfloor_session(&f);
#else
	for (long i = 0; i < sessions; i++)
		floor_session(&f);
#endif
	long long t1 = floor_ticks(), n1 = floor_cpu_ns();
	clock_gettime(CLOCK_MONOTONIC, &w1);
	long long wall_ms = (w1.tv_sec - w0.tv_sec) * 1000LL + (w1.tv_nsec - w0.tv_nsec) / 1000000;
#ifdef CWMP_FLOOR_GSOAP
	gfloor_done(&f);
#endif
	if (f.sess)
		SSL_SESSION_free(f.sess);
	if (f.ctx)
		SSL_CTX_free(f.ctx);
	if (f.db) {
		sqlite3_finalize(f.upd);
		sqlite3_close(f.db);
	}
	printf("tls=%d resumed=%ld commits=%ld ", f.ctx != NULL, f.resumed, f.commits);
	printf("sessions=%ld requests=%zu cpu_ticks=%lld cpu_ns=%lld anon_kb=%lld hwm_kb=%lld "
	       "wall_ms=%lld\n",
	       sessions, f.n_reqs, t1 - t0, n1 - n0, floor_kb("/proc/self/smaps_rollup", "Anonymous"),
	       floor_kb("/proc/self/status", "VmHWM"), wall_ms);
	return 0;
}
