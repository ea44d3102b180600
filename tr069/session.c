/* One CWMP session over gSOAP as the HTTP client: raw POSTs of envelopes written by msg.c, Digest
 * by gSOAP's httpda on one kept-alive connection, our own cookie jar and TR-069 3.4.1 headers. */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* httpda.h declares its digest selectors without prototypes */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include "httpda.h"
#pragma GCC diagnostic pop
#include "auth.h"
#include "log.h"
#include "msg.h"
#include "session.h"
#include "tls.h"
#include "transfer.h"
#include "url.h"

struct sess_cookie {
	char name[65];
	char value[513];
};

struct sess {
	const struct cwmp_session_params *p;
	struct cwmp_session_result *res;
	struct soap *soap;          /* the HTTP transport */
	struct cwmp_msg *in, *out;  /* the codec (one, both names): ACS messages in, ours out; it
	                               keeps a parsed request while its answer is written */
	struct http_da_info da;
	bool da_saved;
	bool soap_body;             /* the POST being sent carries an envelope */
	int (*inner_posthdr)(struct soap *, const char *, const char *);
	int (*inner_parsehdr)(struct soap *, const char *, const char *);
	SOAP_SOCKET (*inner_open)(struct soap *, const char *, const char *, int);
	struct sess_cookie cookies[CWMP_SESSION_MAX_COOKIES];
	size_t n_cookies;
	bool cookie_overflow;
	int64_t deadline_ms;
	unsigned next_id;
	char id[24];
	/* TR-069 3.4.5: the ACS may redirect the Inform; the new URL holds for the rest of the
	 * session (the next one starts at ManagementServer.URL again) */
	char url[CWMP_SESSION_URL_MAX + 1];
	char location[CWMP_SESSION_URL_MAX + 1]; /* Location of the last response ("" none) */
	bool redirectable;          /* the POST being made carries the Inform */
	struct cwmp_auth auth;      /* the challenges of the last response (WWW-Authenticate) */
	bool basic;                 /* answer with Basic (https, the ACS offered nothing else) */
	unsigned redirects;
};

void cwmp_session_global_init(void)
{
	soap_ssl_init();
}

void cwmp_session_now(char *out, size_t outlen)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int64_t sess_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int sess_fail(struct sess *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int sess_fail(struct sess *s, const char *fmt, ...)
{
	va_list ap;

	if (!s->res->error[0]) {
		va_start(ap, fmt);
		vsnprintf(s->res->error, sizeof(s->res->error), fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* ------------------------------------------------------------------------------- HTTP hooks */

/* TR-069 3.4.1: an envelope goes with `SOAPAction:` (no value) and a text/xml Content-Type; the
 * empty POST carries neither. gSOAP's own values of both are dropped and ours are written at
 * the end of the header block, with the session's cookies. */
static int sess_posthdr(struct soap *soap, const char *key, const char *val)
{
	struct sess *s = soap->user;

	if (key && (!strcasecmp(key, "SOAPAction") || !strcasecmp(key, "Content-Type")))
		return SOAP_OK;
	if (!key) {
		int err = SOAP_OK;
		if (s->soap_body) {
			err = s->inner_posthdr(soap, "Content-Type", "text/xml; charset=\"utf-8\"");
			if (!err)
				err = s->inner_posthdr(soap, "SOAPAction", "");
		}
		if (!err && s->n_cookies) {
			char line[CWMP_SESSION_MAX_COOKIES * (65 + 513 + 2)];
			size_t pos = 0;
			for (size_t i = 0; i < s->n_cookies; i++)
				pos += (size_t)snprintf(line + pos, sizeof(line) - pos, "%s%s=%s",
							i ? "; " : "", s->cookies[i].name,
							s->cookies[i].value);
			err = s->inner_posthdr(soap, "Cookie", line);
		}
		if (err)
			return err;
	}
	return s->inner_posthdr(soap, key, val);
}

/* Keeps the name=value of every Set-Cookie (attributes ignored: one ACS, one session). */
static void sess_take_cookie(struct sess *s, const char *val)
{
	const char *eq = strchr(val, '=');
	const char *end = strchr(val, ';');

	if (!end)
		end = val + strlen(val);
	if (!eq || eq > end)
		return;
	while (*val == ' ')
		val++;
	size_t nlen = (size_t)(eq - val), vlen = (size_t)(end - eq - 1);
	if (!nlen || nlen >= sizeof(s->cookies[0].name) || vlen >= sizeof(s->cookies[0].value)) {
		s->cookie_overflow = true;
		return;
	}
	struct sess_cookie *c = NULL;
	for (size_t i = 0; i < s->n_cookies && !c; i++)
		if (strlen(s->cookies[i].name) == nlen && !memcmp(s->cookies[i].name, val, nlen))
			c = &s->cookies[i];
	if (!c) {
		if (s->n_cookies >= CWMP_SESSION_MAX_COOKIES) {
			s->cookie_overflow = true;
			return;
		}
		c = &s->cookies[s->n_cookies++];
		memcpy(c->name, val, nlen);
		c->name[nlen] = '\0';
	}
	memcpy(c->value, eq + 1, vlen);
	c->value[vlen] = '\0';
}

static int sess_parsehdr(struct soap *soap, const char *key, const char *val)
{
	struct sess *s = soap->user;

	/* Set-Cookie is ours alone: libgsoapssl 2.8.124 keeps cookies itself too and sends them
	 * back RFC 2965 style (`name=v;$Path="/"`), a second Cookie header besides ours */
	if (key && val && !strcasecmp(key, "Set-Cookie")) {
		sess_take_cookie(s, val);
		return SOAP_OK;
	}
	/* the challenges are ours alone too: httpda gets the one we choose
	 * (cwmp_session_auth_arm); gSOAP never sees a Basic one it would answer in clear */
	if (key && val && !strcasecmp(key, "WWW-Authenticate")) {
		cwmp_auth_add(&s->auth, val);
		return SOAP_OK;
	}
	if (key && val && !strcasecmp(key, "Location"))
		cwmp_location_take(s->location, val);
	return s->inner_parsehdr(soap, key, val);
}

static SOAP_SOCKET sess_open(struct soap *soap, const char *endpoint, const char *host, int port)
{
	struct sess *s = soap->user;

	s->res->connections++;
	SOAP_SOCKET fd = s->inner_open(soap, endpoint, host, port);
	if (soap_valid_socket(fd))
		s->res->connected = true;
	return fd;
}

/* ------------------------------------------------------------------------------- transport */

int cwmp_session_auth_arm(struct soap *soap,
			  int (*parsehdr)(struct soap *, const char *, const char *),
			  const struct cwmp_auth *a, struct http_da_info *da, const char *user,
			  const char *pass)
{
	char hdr[CWMP_AUTH_HEADER_MAX];

	if (cwmp_auth_digest_header(a, hdr, sizeof(hdr)))
		return -1;
	/* httpda takes a challenge only for a realm other than the one it holds */
	soap->authrealm = NULL;
	if (parsehdr(soap, "WWW-Authenticate", hdr) || !soap->authrealm)
		return -1;
	http_da_save(soap, da, soap->authrealm, user, pass);
	return 0;
}

void cwmp_url_host_port(const char *url, char *host, size_t hostlen, char *port, size_t portlen)
{
	struct url u;
	int rc = url_parse(&u, url, URL_USERINFO_SKIP);

	host[0] = '\0';
	if (rc == URL_OK)
		snprintf(host, hostlen, "%s", u.host);
	if (port && portlen)
		snprintf(port, portlen, "%u", rc == URL_OK ? u.port : 80u);
}

static int sess_tls_setup(struct sess *s)
{
	char err[200];

	if (cwmp_tls_attach(s->p->tls, s->soap, s->p->conf, s->url, err, sizeof(err)))
		return sess_fail(s, "%s", err);
	return 0;
}

static int sess_transport_new(struct sess *s)
{
	struct soap *soap = soap_new1(SOAP_IO_KEEPALIVE);

	if (!soap)
		return sess_fail(s, "out of memory");
	s->soap = soap;
	soap->user = s;
	if (soap_register_plugin(soap, http_da))
		return sess_fail(s, "httpda plugin failed");
	/* ours wrap gSOAP's and httpda's hooks */
	s->inner_posthdr = soap->fposthdr;
	soap->fposthdr = sess_posthdr;
	s->inner_parsehdr = soap->fparsehdr;
	soap->fparsehdr = sess_parsehdr;
	s->inner_open = soap->fopen;
	soap->fopen = sess_open;
	soap->connect_timeout = 10;
	soap->send_timeout = CWMP_SESSION_IO_TIMEOUT_S;
	soap->recv_timeout = CWMP_SESSION_IO_TIMEOUT_S;
	soap->transfer_timeout = CWMP_SESSION_IO_TIMEOUT_S * 2;
	soap->recv_maxlength = CWMP_SESSION_MAX_BODY;
	soap->maxlength = CWMP_SESSION_MAX_BODY;
	struct url u;
	int rc = url_parse(&u, s->url, 0);
	if (rc)
		return sess_fail(s, "ACS URL refused: %s", url_strerror(rc));
	/* the scheme in lower case from here on: "HTTPS://" is https like "https://" */
	memcpy(s->url, u.https ? "https" : "http", u.https ? 5 : 4);
	if (u.https)
		return sess_tls_setup(s);
	return 0;
}

static void sess_transport_free(struct sess *s)
{
	if (!s->soap)
		return;
	if (s->da_saved)
		http_da_release(s->soap, &s->da);
	/* the TLS session is kept when this connection carried the Inform to its answer */
	cwmp_tls_detach(s->p->tls, s->soap, s->res->inform_delivered);
	soap_destroy(s->soap);
	soap_end(s->soap);
	soap_free(s->soap);
	s->soap = NULL;
}

void cwmp_location_take(char *out, const char *val)
{
	size_t n = strlen(val);

	if (n > CWMP_SESSION_URL_MAX)
		n = 0;
	memcpy(out, val, n);
	out[n] = '\0';
}

int cwmp_redirect_target(char *out, size_t outlen, const char *current, const char *location,
			 char *why, size_t whylen)
{
	char abs[CWMP_SESSION_URL_MAX + 1];
	const char *loc = location;
	const char *reason = NULL;

	if (!loc || !loc[0])
		reason = "without a usable Location";
	for (const char *c = loc; !reason && *c; c++)
		if ((unsigned char)*c <= ' ' || *c == 0x7f)
			reason = "to a Location with spaces or controls";
	/* RFC 9110 10.2.2: a reference relative to the current URL, "//host/path" or "/path" */
	const char *auth = strstr(current, "://");
	if (!reason && loc[0] == '/' && auth) {
		auth += 3;
		size_t keep = loc[1] == '/' ? (size_t)(auth - 2 - current)
					    : (size_t)(auth - current) + strcspn(auth, "/?#");
		if ((size_t)snprintf(abs, sizeof(abs), "%.*s%s", (int)keep, current, loc) >= sizeof(abs))
			reason = "to a Location that is too long";
		loc = abs;
	}
	bool https = !reason && !strncasecmp(loc, "https://", 8);
	if (!reason && !https && strncasecmp(loc, "http://", 7))
		reason = "to a Location that is not an http(s) URL";
	if (!reason && !https && !strncasecmp(current, "https://", 8))
		reason = "from https to http: refused";
	if (!reason && (size_t)snprintf(out, outlen, "%s%s", https ? "https://" : "http://",
					loc + (https ? 8 : 7)) >= outlen)
		reason = "to a Location that is too long";
	if (reason) {
		snprintf(why, whylen, "%s", reason);
		return -1;
	}
	return 0;
}

/* scheme://host[:port] of an http(s) URL, lower-cased, the default port made explicit. */
static void sess_origin(char *out, size_t outlen, const char *url)
{
	bool https = !strncasecmp(url, "https://", 8);
	const char *auth = strstr(url, "://");
	size_t n, i, j = 0;

	auth = auth ? auth + 3 : url;
	n = strcspn(auth, "/?#");
	j = (size_t)snprintf(out, outlen, "%s://", https ? "https" : "http");
	const size_t host = j;
	for (i = 0; i < n && j + 1 < outlen; i++)
		out[j++] = (char)tolower((unsigned char)auth[i]);
	out[j] = '\0';
	/* no port after the host (an IPv6 literal ends with ']'): the scheme's */
	const char *colon = strrchr(out + host, ':'), *bracket = strrchr(out + host, ']');
	if (!colon || (bracket && bracket > colon))
		snprintf(out + j, outlen - j, ":%s", https ? "443" : "80");
}

bool cwmp_same_origin(const char *a, const char *b)
{
	char oa[CWMP_SESSION_URL_MAX + 8], ob[CWMP_SESSION_URL_MAX + 8];

	sess_origin(oa, sizeof(oa), a);
	sess_origin(ob, sizeof(ob), b);
	return strcmp(oa, ob) == 0;
}

/* A redirect of the Inform (301, 302, 307, 308) to s->location: checked by
 * cwmp_redirect_target() and taken for the rest of the session, on a new connection. Refused as
 * well: a redirect of any other message and more than CWMP_SESSION_MAX_REDIRECTS. */
static int sess_redirect(struct sess *s, int status)
{
	char shown[CWMP_SESSION_URL_MAX + 1], next[CWMP_SESSION_URL_MAX + 1], why[80];

	if (!s->redirectable)
		return sess_fail(s, "the ACS redirected (HTTP %d) a message other than the Inform",
				 status);
	if (s->redirects >= CWMP_SESSION_MAX_REDIRECTS)
		return sess_fail(s, "more than %d redirects of the Inform", CWMP_SESSION_MAX_REDIRECTS);
	if (cwmp_redirect_target(next, sizeof(next), s->url,
				 s->location, why, sizeof(why)))
		return sess_fail(s, "the ACS redirected (HTTP %d) %s", status, why);
	cwmp_transfer_url_for_log(shown, sizeof(shown), next);
	log_msg(LOG_NOTICE, "cwmp: the ACS redirected the session (HTTP %d) to %s", status, shown);
	memcpy(s->url, next, strlen(next) + 1);
	s->redirects++;
	s->res->redirects = s->redirects;
	/* a new connection, with nothing of the old server's: cookies, Digest state, TLS context */
	sess_transport_free(s);
	s->da_saved = false;
	s->basic = false;
	s->n_cookies = 0;
	s->cookie_overflow = false;
	s->location[0] = '\0';
	return sess_transport_new(s);
}

/* One POST of body[0..len) (len 0: the empty POST) and its response. On success *rbody and
 * *rlen hold the response body (owned by the transport until the next POST); *rlen 0 means the ACS
 * ended the session (204 or an empty 200). */
static int sess_post(struct sess *s, const char *body, size_t len, const char **rbody, size_t *rlen)
{
	struct soap *soap = s->soap;
	bool retried_auth = false;

	*rbody = NULL;
	*rlen = 0;
	for (;; soap = s->soap) {
		if (sess_now_ms() > s->deadline_ms)
			return sess_fail(s, "session time limit reached");
		soap_end(soap); /* the previous response's memory; the connection stays */
		s->soap_body = len > 0;
		s->location[0] = '\0';
		cwmp_auth_reset(&s->auth);
		if (s->da_saved) {
			http_da_restore(soap, &s->da);
		} else if (s->basic) {
			soap->authrealm = NULL;
			soap->userid = s->p->user;
			soap->passwd = s->p->pass;
		}
		soap->keep_alive = 1;
		if (soap_POST(soap, s->url, NULL, NULL) ||
		    (len && soap_send_raw(soap, body, len)) || soap_end_send(soap)) {
			if (soap->error == SOAP_SSL_ERROR)
				return sess_fail(s, "TLS to the ACS failed (handshake, certificate or host "
						 "name verification)");
			return sess_fail(s, "sending to the ACS failed (gSOAP error %d)", soap->error);
		}
		if (soap_begin_recv(soap)) {
			int err = soap->error;
			/* TR-069 3.4.4: without TLS the ACS must use Digest. Credentials go only to a
			 * Digest challenge read whole, or to Basic over https: anything else (from a
			 * man in the middle as much as from an ACS) gets nothing. */
			bool tls = !strncasecmp(s->url, "https://", 8);
			enum cwmp_auth_choice how = cwmp_auth_choose(&s->auth, tls);
			if (err == 401 && !retried_auth && s->p->user[0] && how == CWMP_AUTH_NONE) {
				s->res->auth_failed = true;
				return sess_fail(s, "the ACS's 401: %s", cwmp_auth_why(&s->auth, tls));
			}
			if (err == 401 && !retried_auth && s->p->user[0]) {
				/* the answer goes on this very connection: gSOAP dropped keep-alive
				 * on the 401, so it is turned on again */
				if (s->da_saved)
					http_da_release(soap, &s->da);
				s->da_saved = false;
				s->basic = how == CWMP_AUTH_BASIC;
				if (how == CWMP_AUTH_DIGEST) {
					if (cwmp_session_auth_arm(soap, s->inner_parsehdr, &s->auth,
								  &s->da, s->p->user, s->p->pass))
						return sess_fail(s, "the ACS's Digest challenge could "
								 "not be answered");
					s->da_saved = true;
				}
				soap->keep_alive = 1;
				retried_auth = true;
				continue;
			}
			if (err == 401) {
				s->res->auth_failed = true;
				return sess_fail(s, "the ACS refused our credentials (HTTP 401)");
			}
			int st = soap->status;
			if (st == 301 || st == 302 || st == 307 || st == 308) {
				if (sess_redirect(s, st))
					return -1;
				retried_auth = false;
				continue;
			}
			if (err == 200 || soap->status == 204)
				return 0; /* empty 200: the ACS has nothing more */
			return sess_fail(s, "no response from the ACS (gSOAP error %d, HTTP %d)", err,
					 soap->status);
		}
		if (soap->status == 204) {
			soap_end_recv(soap);
			return 0;
		}
		size_t n = 0;
		char *b = soap_http_get_body(soap, &n);
		if (!b && soap->error)
			return sess_fail(s, "reading the ACS's response failed (gSOAP error %d)",
					 soap->error);
		soap_end_recv(soap);
		if (n > CWMP_SESSION_MAX_BODY)
			return sess_fail(s, "ACS message larger than %u bytes", CWMP_SESSION_MAX_BODY);
		*rbody = b;
		*rlen = n;
		if (s->cookie_overflow)
			log_msg(LOG_WARNING, "cwmp: ACS cookie ignored (too many or too long)");
		return 0;
	}
}

/* ------------------------------------------------------------------------------- messages */

static const char *sess_new_id(struct sess *s)
{
	snprintf(s->id, sizeof(s->id), "cpe-%u", ++s->next_id);
	return s->id;
}

#define SESS_VERSIONS "1.0,1.1,1.2,1.3,1.4" /* CWMP versions we speak (SupportedCWMPVersions) */

static bool sess_version_offered(const char *v)
{
	size_t n = strlen(v);
	const char *p = SESS_VERSIONS;

	while (*p) {
		size_t k = strcspn(p, ",");
		if (k == n && !memcmp(p, v, n))
			return true;
		p += k + (p[k] == ',');
	}
	return false;
}

/* The Inform: DeviceId, events, MaxEnvelopes 1, CurrentTime, RetryCount, the forced parameters
 * and the changed ones. The values are malloc'd and freed here once the envelope is written. */
static int sess_write_inform(struct sess *s, const char **out, size_t *len)
{
	const struct cwmp_session_params *p = s->p;
	const struct cwmp_events *q = p->events;
	const char *const *forced = NULL;
	size_t n_forced = cwmp_model_forced(p->model, &forced);
	size_t cap = n_forced + q->n_params;
	struct cwmp__ParameterValueStruct *pv = calloc(cap ? cap : 1, sizeof(*pv));
	struct cwmp__Value *vals = calloc(cap ? cap : 1, sizeof(*vals));
	char **owned = calloc(cap ? cap : 1, sizeof(*owned));
	struct cwmp__EventStruct ev[CWMP_EVENTS_MAX];
	int rc = -1;
	size_t n = 0;

	if (!pv || !vals || !owned) {
		sess_fail(s, "out of memory");
		goto out;
	}
	/* one snapshot for every value (a store failure leaves the reads one by one) */
	cwmp_model_read_begin(p->model);
	for (size_t i = 0; i < cap; i++) {
		const char *path = i < n_forced ? forced[i] : q->params[i - n_forced];
		bool dup = false;
		for (size_t j = 0; j < n && !dup; j++)
			dup = !strcmp(pv[j].Name, path);
		char *value = NULL;
		const char *type = NULL;
		if (dup || cwmp_model_get(p->model, path, &value, &type)) {
			free(value); /* a changed parameter that no longer exists is left out */
			continue;
		}
		owned[n] = value;
		vals[n].__item = value;
		vals[n].xsi__type = (char *)type;
		pv[n].Name = (char *)path;
		pv[n].Value = &vals[n];
		n++;
	}
	cwmp_model_read_end(p->model);
	for (size_t i = 0; i < q->n; i++) {
		ev[i].EventCode = (char *)cwmp_events_code_name(q->ev[i].code);
		ev[i].CommandKey = (char *)q->ev[i].command_key;
	}
	char now[32];
	cwmp_session_now(now, sizeof(now));
	struct cwmp__DeviceIdStruct dev = {
		.Manufacturer = (char *)p->conf->manufacturer,
		.OUI = (char *)p->conf->oui,
		.ProductClass = (char *)p->conf->product_class,
		.SerialNumber = (char *)p->conf->serial,
	};
	struct EventList el = { .__ptrEventStruct = ev, .__size = (int)q->n };
	struct ParameterValueList pl = { .__ptrParameterValueStruct = pv, .__size = (int)n };
	struct _cwmp__Inform inf = {
		.DeviceId = &dev,
		.Event = &el,
		.MaxEnvelopes = 1,
		.CurrentTime = now,
		.RetryCount = p->retry_count,
		.ParameterList = &pl,
	};
	/* CWMP 1.4 version negotiation (TR-069 A.3.1.4): the versions we speak */
	struct cwmp_msg_header hdr = { .id = sess_new_id(s), .hold_requests = -1,
				       .supported_versions = SESS_VERSIONS };
	int err = cwmp_msg_write(out, len, s->out, CWMP_NS_1_2, &hdr, CWMP_RPC_INFORM, &inf);
	if (err)
		sess_fail(s, "writing the Inform failed: %s", cwmp_msg_errmsg(s->out));
	else
		rc = 0;
out:
	for (size_t i = 0; owned && i < n; i++)
		free(owned[i]);
	free(owned);
	free(vals);
	free(pv);
	return rc;
}

static int sess_write_transfer(struct sess *s, enum cwmp_ns ns, const char **out, size_t *len)
{
	const struct cwmp_transfer_done *t = s->p->transfer;
	struct cwmp__TransferCompleteFaultStruct fs = {
		.FaultCode = t->fault_code,
		.FaultString = (char *)(t->fault_code ? (t->fault_string[0] ? t->fault_string
								: cwmp_fault_string(t->fault_code))
						    : ""),
	};
	struct _cwmp__TransferComplete tc = {
		.CommandKey = (char *)t->command_key,
		.FaultStruct = &fs,
		.StartTime = (char *)(t->start_time[0] ? t->start_time : "0001-01-01T00:00:00Z"),
		.CompleteTime = (char *)(t->complete_time[0] ? t->complete_time : "0001-01-01T00:00:00Z"),
	};
	if (!fs.FaultString)
		fs.FaultString = "";
	struct cwmp_msg_header hdr = { .id = sess_new_id(s), .hold_requests = -1 };
	if (cwmp_msg_write(out, len, s->out, ns, &hdr, CWMP_RPC_TRANSFER_COMPLETE, &tc))
		return sess_fail(s, "writing TransferComplete failed: %s", cwmp_msg_errmsg(s->out));
	return 0;
}

/* Parses an ACS message that must be a response of kind want. */
static int sess_expect(struct sess *s, const char *body, size_t len, enum cwmp_rpc want,
		       struct cwmp_msg_in *msg)
{
	const char *what = cwmp_rpc_name(want);

	if (!len)
		return sess_fail(s, "the ACS ended the session instead of sending %s", what);
	int err = cwmp_msg_parse(msg, s->in, body, len);
	if (err)
		return sess_fail(s, "bad %s: %s", what, cwmp_msg_errmsg(s->in));
	if (msg->rpc == CWMP_RPC_FAULT) {
		const struct _cwmp__Fault *f = msg->body;
		return sess_fail(s, "the ACS answered with fault %u (%s)", f ? f->FaultCode : 0,
				 f && f->FaultString ? f->FaultString : "no detail");
	}
	if (msg->rpc != want)
		return sess_fail(s, "expected %s, got %s", what, msg->method);
	return 0;
}

static void sess_merge(struct cwmp_rpc_result *acc, const struct cwmp_rpc_result *r)
{
	if (r->reboot) {
		acc->reboot = true;
		memcpy(acc->reboot_key, r->reboot_key, sizeof(acc->reboot_key));
	}
	if (r->factory_reset)
		acc->factory_reset = true;
	if (r->schedule_inform) {
		acc->schedule_inform = true;
		acc->schedule_delay_s = r->schedule_delay_s;
		memcpy(acc->schedule_key, r->schedule_key, sizeof(acc->schedule_key));
	}
	if (r->transfer_pending) {
		acc->transfer_pending = true;
		acc->transfer = r->transfer;
	}
	if (r->wui_restart)
		acc->wui_restart = true;
	if (r->store_seq > acc->store_seq)
		acc->store_seq = r->store_seq;
}

/* Answers one parsed ACS message; *out and *len: the envelope to post. */
static int sess_answer(struct sess *s, const struct cwmp_msg_in *req, int parse_err,
		       const char **out, size_t *len)
{
	if (parse_err == CWMP_MSG_E_ARGS || parse_err == CWMP_MSG_E_HEADER) {
		/* a known request we cannot read: fault 9003 in its namespace, with its ID */
		struct cwmp_fault f = { .code = CWMP_FAULT_INVALID_ARGUMENTS };
		log_msg(LOG_NOTICE, "cwmp: ACS %s refused: %s", req->method, cwmp_msg_errmsg(s->in));
		if (cwmp_msg_write_fault(out, len, s->out, req->ns, req->hdr.id, &f))
			return sess_fail(s, "writing a fault failed: %s", cwmp_msg_errmsg(s->out));
		return 0;
	}
	if (parse_err)
		return sess_fail(s, "unreadable ACS message: %s", cwmp_msg_errmsg(s->in));
	if (req->rpc != CWMP_RPC_UNKNOWN && !cwmp_rpc_is_acs_request(req->rpc))
		return sess_fail(s, "unexpected %s from the ACS", req->method);
	struct cwmp_rpc_result r;
	memset(&r, 0, sizeof(r));
	/* one transfer at a time: rpc.c answers a Download or Upload with 9004 while one is queued
	 * in this session or still waits for its TransferComplete */
	bool busy = s->p->transfer_busy || s->res->effects.transfer_pending;
	r.transfer_pending = busy;
	int err = cwmp_rpc_answer(out, len, s->out, s->p->model, req, s->url, &r);
	if (err || !*out) {
		explicit_bzero(&r.transfer, sizeof(r.transfer));
		return sess_fail(s, "answering %s failed (%d)", req->method, err);
	}
	if (busy)
		r.transfer_pending = false;
	sess_merge(&s->res->effects, &r);
	explicit_bzero(&r.transfer, sizeof(r.transfer));
	log_msg(LOG_INFO, "cwmp: answered %s", req->method);
	return 0;
}

static int sess_run(struct sess *s)
{
	const char *out, *body;
	size_t len, blen;
	struct cwmp_msg_in msg;

	if (sess_transport_new(s))
		return -1;
	if (cwmp_msg_new(&s->in, CWMP_SESSION_MAX_BODY, 0))
		return sess_fail(s, "out of memory");
	cwmp_msg_keep_input(s->in, true);
	s->out = s->in;

	/* 1. Inform (the one message the ACS may redirect) */
	s->redirectable = true;
	if (sess_write_inform(s, &out, &len) || sess_post(s, out, len, &body, &blen))
		return -1;
	s->redirectable = false;
	if (sess_expect(s, body, blen, CWMP_RPC_INFORM_RESPONSE, &msg))
		return -1;
	s->res->inform_delivered = true;
	enum cwmp_ns ns = msg.ns;
	bool hold = msg.hdr.hold_requests == 1;
	/* CWMP 1.4 (A.3.1.4): the ACS picks one of the versions we offered */
	if (msg.hdr.use_version) {
		if (!sess_version_offered(msg.hdr.use_version))
			return sess_fail(s, "the ACS asked for CWMP %.8s, which we did not offer",
					 msg.hdr.use_version);
		log_msg(LOG_DEBUG, "cwmp: ACS uses CWMP %.8s", msg.hdr.use_version);
	}
	/* CWMP 1.3 SessionTimeout: how long we wait for each ACS response from now on */
	if (msg.hdr.session_timeout) {
		unsigned t = msg.hdr.session_timeout;
		if (t > CWMP_SESSION_TIMEOUT_S)
			t = CWMP_SESSION_TIMEOUT_S;
		s->soap->recv_timeout = (int)t;
		s->soap->transfer_timeout = (int)t * 2;
	}

	/* 2. TransferComplete, unless the ACS holds our requests */
	if (s->p->transfer && !hold) {
		if (sess_write_transfer(s, ns, &out, &len) || sess_post(s, out, len, &body, &blen) ||
		    sess_expect(s, body, blen, CWMP_RPC_TRANSFER_COMPLETE_RESPONSE, &msg))
			return -1;
		s->res->transfer_delivered = true;
	}

	/* 3. the empty POST, then the ACS's requests until it ends the session */
	if (sess_post(s, NULL, 0, &body, &blen))
		return -1;
	while (blen) {
		if (s->res->requests >= CWMP_SESSION_MAX_REQUESTS)
			return sess_fail(s, "more than %d ACS requests in one session",
					 CWMP_SESSION_MAX_REQUESTS);
		int perr = cwmp_msg_parse(&msg, s->in, body, blen);
		if (perr == CWMP_MSG_E_EMPTY)
			break;
		s->res->requests++; /* a request answered with a fault counts as much */
		if (sess_answer(s, &msg, perr, &out, &len) || sess_post(s, out, len, &body, &blen))
			return -1;
	}
	s->res->completed = true;
	return 0;
}

int cwmp_session_run(struct cwmp_session_result *res, const struct cwmp_session_params *p)
{
	struct sess s;

	memset(res, 0, sizeof(*res));
	memset(&s, 0, sizeof(s));
	s.p = p;
	s.res = res;
	if (strlen(p->url) >= sizeof(s.url)) {
		snprintf(res->error, sizeof(res->error), "ACS URL longer than %d bytes",
			 CWMP_SESSION_URL_MAX);
		return -1;
	}
	memcpy(s.url, p->url, strlen(p->url) + 1);
	s.deadline_ms = sess_now_ms() + (int64_t)(p->timeout_s ? p->timeout_s : CWMP_SESSION_TIMEOUT_S) * 1000;
	int rc = sess_run(&s);
	sess_transport_free(&s);
	cwmp_msg_free(s.in);
	if (rc == 0)
		res->error[0] = '\0';
	return rc;
}
