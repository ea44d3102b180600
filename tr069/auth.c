/* WWW-Authenticate per RFC 7235 (challenge lists over several fields, quoted strings, token68)
 * and the one rule deciding what a 401 of the ACS or of a file server may get (see auth.h). */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "auth.h"

#define AUTH_VALUE_MAX 255 /* the longest parameter value kept (nonce, opaque) */

/* One challenge while it is read. */
struct auth_chal {
	enum { AUTH_SCHEME_OTHER, AUTH_SCHEME_DIGEST, AUTH_SCHEME_BASIC } scheme;
	bool token68;
	bool bad;           /* a parameter repeated or too long */
	bool has_realm, has_nonce, has_opaque, has_alg, has_qop;
	char realm[CWMP_AUTH_REALM_MAX + 1];
	char nonce[CWMP_AUTH_NONCE_MAX + 1];
	char opaque[CWMP_AUTH_OPAQUE_MAX + 1];
	char alg[24];
	char qop[64];
};

void cwmp_auth_reset(struct cwmp_auth *a)
{
	memset(a, 0, sizeof(*a));
}

/* RFC 7230 3.2.6 tchar */
static bool auth_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* RFC 7235 2.1 token68 characters (before its trailing '=') */
static bool auth_t68char(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c && strchr("-._~+/", c));
}

static const char *auth_ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* A token68 at p, alone up to the next comma or the end: returns its end, NULL when p holds
 * something else (auth-params). */
static const char *auth_token68(const char *p)
{
	const char *q = p;

	while (auth_t68char((unsigned char)*q))
		q++;
	if (q == p)
		return NULL;
	while (*q == '=')
		q++;
	const char *r = auth_ows(q);
	return *r == ',' || !*r ? q : NULL;
}

/* Reads a parameter value (token or quoted-string, escapes undone) at p into out[outlen];
 * *toolong is set when it does not fit. Returns the end, NULL when the syntax is broken. */
static const char *auth_value(const char *p, char *out, size_t outlen, bool *toolong)
{
	size_t n = 0;

	if (*p != '"') {
		const char *q = p;
		while (auth_tchar((unsigned char)*q))
			q++;
		if (q == p)
			return NULL;
		n = (size_t)(q - p);
		if (n >= outlen) {
			*toolong = true;
			n = 0;
		}
		memcpy(out, p, n);
		out[n] = '\0';
		return q;
	}
	for (p++;; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"')
			break;
		if (c == '\\') {
			c = (unsigned char)*++p;
			/* quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text ) */
			if (c != '\t' && (c < 0x20 || c == 0x7f))
				return NULL;
		} else if (c != '\t' && (c < 0x20 || c == 0x7f)) {
			return NULL; /* a control, or the end before the closing quote */
		}
		if (n + 1 < outlen)
			out[n++] = (char)c;
		else
			*toolong = true;
	}
	out[n] = '\0';
	return p + 1;
}

/* A value we write back between quotes (realm, nonce, opaque): printable ASCII and no quote or
 * backslash, so that httpda's header and ours cannot be bent by the server. */
static bool auth_plain(const char *v)
{
	for (; *v; v++)
		if ((unsigned char)*v < 0x20 || (unsigned char)*v >= 0x7f || *v == '"' || *v == '\\')
			return false;
	return true;
}

/* qop="auth,auth-int": "auth" when offered, else "auth-int", else NULL. */
static const char *auth_qop(const char *list)
{
	bool auth = false, auth_int = false;
	const char *p = list;

	while (*p) {
		p = auth_ows(p);
		size_t n = strcspn(p, ", \t");
		if (n == 4 && !strncasecmp(p, "auth", 4))
			auth = true;
		else if (n == 8 && !strncasecmp(p, "auth-int", 8))
			auth_int = true;
		p = auth_ows(p + n);
		if (*p == ',')
			p++;
		else if (*p)
			return NULL;
	}
	return auth ? "auth" : auth_int ? "auth-int" : NULL;
}

/* The algorithms httpda computes (RFC 7616 3.3: absent means MD5), with their preference. */
static const char *auth_alg(const struct auth_chal *c, int *rank)
{
	static const struct { const char *name; int rank; } algs[] = {
		{ "MD5", 1 }, { "MD5-sess", 1 }, { "SHA-256", 2 }, { "SHA-256-sess", 2 },
	};

	if (!c->has_alg) {
		*rank = 1;
		return "MD5";
	}
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (!strcasecmp(c->alg, algs[i].name)) {
			*rank = algs[i].rank;
			return algs[i].name;
		}
	return NULL;
}

/* The end of a challenge: a whole Digest one may be kept. */
static void auth_finish(struct cwmp_auth *a, const struct auth_chal *c)
{
	const char *alg, *qop = NULL;
	int rank = 0;

	if (c->scheme == AUTH_SCHEME_BASIC) {
		a->basic = true;
		return;
	}
	if (c->scheme == AUTH_SCHEME_OTHER) {
		a->other++;
		return;
	}
	if (c->token68 || c->bad || !c->has_realm || !c->has_nonce || !c->nonce[0] || !c->has_qop ||
	    !(qop = auth_qop(c->qop)) || !(alg = auth_alg(c, &rank)) || !auth_plain(c->realm) ||
	    !auth_plain(c->nonce) || (c->has_opaque && !auth_plain(c->opaque))) {
		a->digest_refused++;
		return;
	}
	if (a->have_digest && rank <= a->rank)
		return;
	a->have_digest = true;
	a->rank = rank;
	a->algorithm = alg;
	a->qop = qop;
	a->has_opaque = c->has_opaque;
	memcpy(a->realm, c->realm, sizeof(a->realm));
	memcpy(a->nonce, c->nonce, sizeof(a->nonce));
	memcpy(a->opaque, c->opaque, sizeof(a->opaque));
}

/* One auth-param of a Digest challenge; the others are read and ignored. */
static void auth_param(struct auth_chal *c, const char *name, size_t n, const char *v, bool toolong)
{
	static const struct { const char *name; size_t off, size, seen; } known[] = {
#define K(f) { #f, offsetof(struct auth_chal, f), sizeof(((struct auth_chal *)0)->f), \
	       offsetof(struct auth_chal, has_##f) }
		K(realm), K(nonce), K(opaque), { "algorithm", offsetof(struct auth_chal, alg),
		sizeof(((struct auth_chal *)0)->alg), offsetof(struct auth_chal, has_alg) }, K(qop),
#undef K
	};

	if (c->scheme != AUTH_SCHEME_DIGEST)
		return;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (strlen(known[i].name) != n || strncasecmp(name, known[i].name, n))
			continue;
		bool *seen = (bool *)((char *)c + known[i].seen);
		if (*seen || toolong || strlen(v) >= known[i].size) {
			c->bad = true; /* RFC 7235 2.2: each name once per challenge */
			return;
		}
		*seen = true;
		memcpy((char *)c + known[i].off, v, strlen(v) + 1);
		return;
	}
}

/* Parses value into a; returns 0 or -1 (a is then partly written: the caller works on a copy). */
static int auth_parse(struct cwmp_auth *a, const char *value)
{
	struct auth_chal c;
	char v[AUTH_VALUE_MAX + 1];
	const char *p = value;
	bool open = false;     /* a challenge is being read */
	bool sep = true;       /* at the start or after a comma: a new list element may begin */
	bool params = false;   /* an auth-param of the open challenge may begin */
	bool must_param = false; /* right after "scheme SP": only an auth-param may follow */

	memset(&c, 0, sizeof(c));

	for (;;) {
		p = auth_ows(p);
		if (!*p)
			break;
		if (*p == ',') {
			p++;
			sep = true;
			params = open && !c.token68;
			if (must_param)
				return -1;
			continue;
		}
		if (!sep)
			return -1;
		const char *tok = p;
		while (auth_tchar((unsigned char)*p))
			p++;
		size_t n = (size_t)(p - tok);
		if (!n)
			return -1;
		const char *eq = auth_ows(p);
		if (*eq == '=' && params) {
			bool toolong = false;
			p = auth_value(auth_ows(eq + 1), v, sizeof(v), &toolong);
			if (!p)
				return -1;
			auth_param(&c, tok, n, v, toolong);
			sep = false;
			must_param = false;
			continue;
		}
		if (must_param)
			return -1;
		/* a new challenge: auth-scheme [ 1*SP ( token68 / #auth-param ) ] */
		if (open)
			auth_finish(a, &c);
		memset(&c, 0, sizeof(c));
		open = true;
		c.scheme = n == 6 && !strncasecmp(tok, "Digest", 6)  ? AUTH_SCHEME_DIGEST
			   : n == 5 && !strncasecmp(tok, "Basic", 5) ? AUTH_SCHEME_BASIC
								     : AUTH_SCHEME_OTHER;
		sep = false;
		params = false;
		if (*p != ' ' && *p != '\t')
			continue; /* a comma, the end, or junk the next round refuses */
		p = auth_ows(p);
		if (!*p || *p == ',')
			continue;
		const char *end = auth_token68(p);
		if (end) {
			c.token68 = true;
			p = end;
			continue;
		}
		sep = params = must_param = true;
	}
	if (must_param)
		return -1;
	if (open)
		auth_finish(a, &c);
	return 0;
}

int cwmp_auth_add(struct cwmp_auth *a, const char *value)
{
	struct cwmp_auth next = *a;

	if (!value || auth_parse(&next, value)) {
		a->malformed++;
		return -1;
	}
	*a = next;
	return 0;
}

enum cwmp_auth_choice cwmp_auth_choose(const struct cwmp_auth *a, bool tls)
{
	if (a->have_digest)
		return CWMP_AUTH_DIGEST;
	if (a->basic && tls)
		return CWMP_AUTH_BASIC;
	return CWMP_AUTH_NONE;
}

const char *cwmp_auth_why(const struct cwmp_auth *a, bool tls)
{
	if (cwmp_auth_choose(a, tls) != CWMP_AUTH_NONE)
		return "credentials may be sent";
	if (a->digest_refused)
		return "the server's Digest challenge is incomplete or unusable (realm, nonce, a known "
		       "algorithm and qop needed): credentials not sent";
	if (a->basic)
		return "Basic authentication over plain http: refused, credentials not sent (Digest "
		       "or https needed)";
	if (a->malformed)
		return "malformed WWW-Authenticate header: credentials not sent";
	return "no authentication scheme we answer (Digest, or Basic over https): credentials not "
	       "sent";
}

int cwmp_auth_digest_header(const struct cwmp_auth *a, char *out, size_t outlen)
{
	if (!a->have_digest)
		return -1;
	int n = snprintf(out, outlen, "Digest realm=\"%s\", nonce=\"%s\", qop=\"%s\", algorithm=%s%s%s%s",
			 a->realm, a->nonce, a->qop, a->algorithm, a->has_opaque ? ", opaque=\"" : "",
			 a->has_opaque ? a->opaque : "", a->has_opaque ? "\"" : "");
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}
