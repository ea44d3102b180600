/* HTTP Digest (RFC 7616) server module: stateless HMAC nonces with expiry, an nc table against
 * replay, uri checked against the request, constant-time comparison (see digest.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "digest.h"

#define DEFAULT_LIFETIME_S 300u
#define NONCE_TIME_BYTES 8
#define NONCE_RAND_BYTES 8
#define NONCE_MAC_BYTES 16
#define NONCE_BYTES (NONCE_TIME_BYTES + NONCE_RAND_BYTES + NONCE_MAC_BYTES)
#define FUTURE_SLACK_MS 5000 /* clock steps: a nonce "from the future" by more is forged */

/* Highest nc accepted per nonce. A nonce is identified by its MAC bytes. */
struct replay_slot {
	unsigned char mac[NONCE_MAC_BYTES];
	int64_t issued_ms; /* 0 = free */
	uint32_t nc;
};

struct digest {
	char realm[65];
	unsigned lifetime_s;
	unsigned char key[32];
	struct replay_slot slots[DIGEST_REPLAY_SLOTS];
	/* nonces issued at or before this time may have lost their slot: refused as stale */
	int64_t evicted_upto_ms;
};

const char *digest_strerror(int err)
{
	switch (err) {
	case DIGEST_OK: return "success";
	case DIGEST_E_INVALID: return "invalid argument";
	case DIGEST_E_NOMEM: return "out of memory";
	case DIGEST_E_PARSE: return "malformed Digest authorization";
	case DIGEST_E_STALE: return "nonce expired";
	case DIGEST_E_DENIED: return "authentication failed";
	case DIGEST_E_REPLAY: return "replayed request (nonce count)";
	case DIGEST_E_CRYPTO: return "cryptographic library failure";
	}
	return "unknown error";
}

const char *digest_alg_name(enum digest_alg alg)
{
	switch (alg) {
	case DIGEST_ALG_MD5: return "MD5";
	case DIGEST_ALG_SHA256: return "SHA-256";
	}
	return NULL;
}

enum digest_alg digest_alg_from_name(const char *name)
{
	if (!name)
		return 0;
	if (strcasecmp(name, "MD5") == 0)
		return DIGEST_ALG_MD5;
	if (strcasecmp(name, "SHA-256") == 0)
		return DIGEST_ALG_SHA256;
	return 0;
}

size_t digest_alg_hexlen(enum digest_alg alg)
{
	switch (alg) {
	case DIGEST_ALG_MD5: return 32;
	case DIGEST_ALG_SHA256: return 64;
	}
	return 0;
}

static const EVP_MD *digest_md(enum digest_alg alg)
{
	switch (alg) {
	case DIGEST_ALG_MD5: return EVP_md5();
	case DIGEST_ALG_SHA256: return EVP_sha256();
	}
	return NULL;
}

static void digest_hex(char *out, const unsigned char *in, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int digest_unhex(unsigned char *out, const char *in, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int v = 0;
		for (int k = 0; k < 2; k++) {
			char c = in[2 * i + k];
			int d;
			if (c >= '0' && c <= '9')
				d = c - '0';
			else if (c >= 'a' && c <= 'f')
				d = c - 'a' + 10;
			else if (c >= 'A' && c <= 'F')
				d = c - 'A' + 10;
			else
				return -1;
			v = v * 16 + d;
		}
		out[i] = (unsigned char)v;
	}
	return 0;
}

/* H(p1:p2:...:pn) in hex; parts may not be NULL. */
static int digest_hash_parts(char *out, size_t outlen, enum digest_alg alg, const char *const *parts,
			     size_t n)
{
	const EVP_MD *md = digest_md(alg);
	unsigned char buf[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	if (!md || outlen < digest_alg_hexlen(alg) + 1)
		return DIGEST_E_INVALID;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx)
		return DIGEST_E_NOMEM;
	int ok = EVP_DigestInit_ex(ctx, md, NULL);
	for (size_t i = 0; ok && i < n; i++) {
		if (i)
			ok = EVP_DigestUpdate(ctx, ":", 1);
		if (ok)
			ok = EVP_DigestUpdate(ctx, parts[i], strlen(parts[i]));
	}
	if (ok)
		ok = EVP_DigestFinal_ex(ctx, buf, &len);
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return DIGEST_E_CRYPTO;
	digest_hex(out, buf, len);
	OPENSSL_cleanse(buf, sizeof(buf));
	return DIGEST_OK;
}

int digest_ha1(char *out, size_t outlen, enum digest_alg alg, const char *user, const char *realm,
	       const char *password)
{
	if (!out || !user || !realm || !password)
		return DIGEST_E_INVALID;
	const char *parts[] = { user, realm, password };
	return digest_hash_parts(out, outlen, alg, parts, 3);
}

int digest_userhash(char *out, size_t outlen, enum digest_alg alg, const char *user,
		    const char *realm)
{
	if (!out || !user || !realm)
		return DIGEST_E_INVALID;
	const char *parts[] = { user, realm };
	return digest_hash_parts(out, outlen, alg, parts, 2);
}

int digest_response(char *out, size_t outlen, enum digest_alg alg, const char *ha1_hex,
		    const char *nonce, const char *nc, const char *cnonce, const char *qop,
		    const char *method, const char *uri)
{
	char ha2[DIGEST_HEX_MAX];

	if (!out || !ha1_hex || !nonce || !nc || !cnonce || !qop || !method || !uri)
		return DIGEST_E_INVALID;
	const char *a2[] = { method, uri };
	int err = digest_hash_parts(ha2, sizeof(ha2), alg, a2, 2);
	if (err)
		return err;
	const char *parts[] = { ha1_hex, nonce, nc, cnonce, qop, ha2 };
	return digest_hash_parts(out, outlen, alg, parts, 6);
}

/* ------------------------------------------------------------------------------- context */

static bool digest_realm_ok(const char *realm)
{
	size_t n = strlen(realm);

	if (n == 0 || n > 64)
		return false;
	for (const char *p = realm; *p; p++)
		if (*p < 0x20 || *p > 0x7e || *p == '"' || *p == '\\')
			return false;
	return true;
}

int digest_new(struct digest **out, const char *realm, unsigned lifetime_s)
{
	if (!out)
		return DIGEST_E_INVALID;
	*out = NULL;
	if (!realm || !digest_realm_ok(realm))
		return DIGEST_E_INVALID;
	struct digest *d = calloc(1, sizeof(*d));
	if (!d)
		return DIGEST_E_NOMEM;
	snprintf(d->realm, sizeof(d->realm), "%s", realm);
	d->lifetime_s = lifetime_s ? lifetime_s : DEFAULT_LIFETIME_S;
	if (RAND_bytes(d->key, sizeof(d->key)) != 1) {
		free(d);
		return DIGEST_E_CRYPTO;
	}
	*out = d;
	return DIGEST_OK;
}

void digest_free(struct digest *d)
{
	if (!d)
		return;
	OPENSSL_cleanse(d->key, sizeof(d->key));
	free(d);
}

const char *digest_realm(const struct digest *d)
{
	return d ? d->realm : NULL;
}

/* MAC over issue time, random bytes and realm, truncated. */
static int digest_nonce_mac(unsigned char mac[NONCE_MAC_BYTES], const struct digest *d,
			    const unsigned char *time_rand)
{
	unsigned char full[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	unsigned char msg[NONCE_TIME_BYTES + NONCE_RAND_BYTES + 64];
	size_t rl = strlen(d->realm);

	memcpy(msg, time_rand, NONCE_TIME_BYTES + NONCE_RAND_BYTES);
	memcpy(msg + NONCE_TIME_BYTES + NONCE_RAND_BYTES, d->realm, rl);
	if (!HMAC(EVP_sha256(), d->key, sizeof(d->key), msg, NONCE_TIME_BYTES + NONCE_RAND_BYTES + rl,
		  full, &len) || len < NONCE_MAC_BYTES)
		return DIGEST_E_CRYPTO;
	memcpy(mac, full, NONCE_MAC_BYTES);
	return DIGEST_OK;
}

int digest_challenge(char *out, size_t outlen, struct digest *d, enum digest_alg alg, bool stale,
		     int64_t now_ms)
{
	unsigned char raw[NONCE_BYTES];
	char nonce[2 * NONCE_BYTES + 1];

	if (!out || !d || !digest_alg_name(alg) || now_ms < 0)
		return DIGEST_E_INVALID;
	uint64_t t = (uint64_t)now_ms;
	for (int i = 0; i < NONCE_TIME_BYTES; i++)
		raw[i] = (unsigned char)(t >> (8 * (NONCE_TIME_BYTES - 1 - i)));
	if (RAND_bytes(raw + NONCE_TIME_BYTES, NONCE_RAND_BYTES) != 1)
		return DIGEST_E_CRYPTO;
	int err = digest_nonce_mac(raw + NONCE_TIME_BYTES + NONCE_RAND_BYTES, d, raw);
	if (err)
		return err;
	digest_hex(nonce, raw, NONCE_BYTES);
	int n = snprintf(out, outlen, "Digest realm=\"%s\", qop=\"auth\", algorithm=%s, nonce=\"%s\"%s",
			 d->realm, digest_alg_name(alg), nonce, stale ? ", stale=true" : "");
	if (n < 0 || (size_t)n >= outlen)
		return DIGEST_E_INVALID;
	return DIGEST_OK;
}

/* ------------------------------------------------------------------------------- parsing */

static const char *digest_skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* Reads a token or quoted-string value at p into out; returns the position after it or NULL. */
static const char *digest_read_value(const char *p, char *out, size_t outlen)
{
	size_t n = 0;

	if (*p == '"') {
		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && p[1])
				p++;
			if ((unsigned char)*p < 0x20 && *p != '\t')
				return NULL;
			if (n + 1 >= outlen)
				return NULL;
			out[n++] = *p;
		}
		if (*p != '"')
			return NULL;
		p++;
	} else {
		for (; *p && *p != ',' && *p != ' ' && *p != '\t'; p++) {
			if ((unsigned char)*p < 0x21 || *p == '"' || n + 1 >= outlen)
				return NULL;
			out[n++] = *p;
		}
	}
	out[n] = '\0';
	return p;
}

int digest_parse(struct digest_creds *out, const char *header)
{
	static const struct {
		const char *name;
		size_t off;
	} fields[] = {
		{ "username", offsetof(struct digest_creds, username) },
		{ "realm", offsetof(struct digest_creds, realm) },
		{ "nonce", offsetof(struct digest_creds, nonce) },
		{ "uri", offsetof(struct digest_creds, uri) },
		{ "response", offsetof(struct digest_creds, response) },
		{ "cnonce", offsetof(struct digest_creds, cnonce) },
		{ "nc", offsetof(struct digest_creds, nc) },
		{ "qop", offsetof(struct digest_creds, qop) },
		{ "opaque", offsetof(struct digest_creds, opaque) },
	};
	unsigned seen = 0;
	char name[32], value[DIGEST_FIELD_MAX], algorithm[32] = "", userhash[8] = "";
	bool have_alg = false, have_userhash = false;

	if (!out || !header)
		return DIGEST_E_INVALID;
	memset(out, 0, sizeof(*out));
	if (strlen(header) > DIGEST_HEADER_MAX)
		return DIGEST_E_PARSE;
	const char *p = digest_skip_ws(header);
	if (strncasecmp(p, "Digest", 6) != 0 || (p[6] != ' ' && p[6] != '\t'))
		return DIGEST_E_PARSE;
	p = digest_skip_ws(p + 6);
	while (*p) {
		size_t n = 0;
		while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '-' || *p == '*') {
			if (n + 1 >= sizeof(name))
				return DIGEST_E_PARSE;
			name[n++] = *p++;
		}
		name[n] = '\0';
		p = digest_skip_ws(p);
		if (n == 0 || *p != '=')
			return DIGEST_E_PARSE;
		p = digest_read_value(digest_skip_ws(p + 1), value, sizeof(value));
		if (!p)
			return DIGEST_E_PARSE;
		bool known = false;
		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
			if (strcasecmp(name, fields[i].name) != 0)
				continue;
			if (seen & (1u << i))
				return DIGEST_E_PARSE; /* duplicate */
			seen |= 1u << i;
			memcpy((char *)out + fields[i].off, value, strlen(value) + 1);
			known = true;
		}
		if (!known && strcasecmp(name, "algorithm") == 0) {
			if (have_alg || strlen(value) >= sizeof(algorithm))
				return DIGEST_E_PARSE;
			memcpy(algorithm, value, strlen(value) + 1);
			have_alg = true;
		} else if (!known && strcasecmp(name, "userhash") == 0) {
			if (have_userhash || strlen(value) >= sizeof(userhash))
				return DIGEST_E_PARSE;
			memcpy(userhash, value, strlen(value) + 1);
			have_userhash = true;
		} else if (!known && strcasecmp(name, "username*") == 0) {
			return DIGEST_E_PARSE; /* RFC 5987 user names: ours are ASCII */
		}
		p = digest_skip_ws(p);
		if (*p == ',')
			p = digest_skip_ws(p + 1);
		else if (*p)
			return DIGEST_E_PARSE;
	}
	out->alg = have_alg ? digest_alg_from_name(algorithm) : DIGEST_ALG_MD5;
	out->userhash = have_userhash && strcasecmp(userhash, "true") == 0;
	/* username, realm, nonce, uri and response are required */
	if ((seen & 0x1f) != 0x1f)
		return DIGEST_E_PARSE;
	return DIGEST_OK;
}

/* ------------------------------------------------------------------------------- verify */

static bool digest_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	/* the length of a hash or of a uri is not a secret; the content is compared in full */
	return la == lb && CRYPTO_memcmp(a, b, la) == 0;
}

bool digest_user_matches(const struct digest *d, const struct digest_creds *c, const char *user)
{
	if (!d || !c || !user)
		return false;
	if (!c->userhash)
		return digest_equal(c->username, user);
	char h[DIGEST_HEX_MAX];
	if (digest_userhash(h, sizeof(h), c->alg, user, d->realm))
		return false;
	return digest_equal(c->username, h);
}

/* Checks our nonce; on success *issued_ms and mac are set. */
static int digest_nonce_check(const struct digest *d, const char *nonce, int64_t now_ms,
			      int64_t *issued_ms, unsigned char mac[NONCE_MAC_BYTES])
{
	unsigned char raw[NONCE_BYTES], want[NONCE_MAC_BYTES];

	if (strlen(nonce) != 2 * NONCE_BYTES || digest_unhex(raw, nonce, NONCE_BYTES))
		return DIGEST_E_DENIED;
	int err = digest_nonce_mac(want, d, raw);
	if (err)
		return err;
	if (CRYPTO_memcmp(want, raw + NONCE_TIME_BYTES + NONCE_RAND_BYTES, NONCE_MAC_BYTES) != 0)
		return DIGEST_E_DENIED;
	uint64_t t = 0;
	for (int i = 0; i < NONCE_TIME_BYTES; i++)
		t = (t << 8) | raw[i];
	if (t > (uint64_t)INT64_MAX || (int64_t)t > now_ms + FUTURE_SLACK_MS)
		return DIGEST_E_DENIED;
	*issued_ms = (int64_t)t;
	memcpy(mac, want, NONCE_MAC_BYTES);
	if (now_ms - *issued_ms > (int64_t)d->lifetime_s * 1000)
		return DIGEST_E_STALE;
	return DIGEST_OK;
}

/* nc: exactly 8 hex digits, not 0. */
static int digest_parse_nc(uint32_t *out, const char *nc)
{
	uint32_t v = 0;

	if (strlen(nc) != 8)
		return -1;
	for (int i = 0; i < 8; i++) {
		char c = nc[i];
		unsigned dgt;
		if (c >= '0' && c <= '9')
			dgt = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			dgt = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			dgt = (unsigned)(c - 'A' + 10);
		else
			return -1;
		v = (v << 4) | dgt;
	}
	if (v == 0)
		return -1;
	*out = v;
	return 0;
}

/* Finds the slot of a nonce, or picks one for it (a free, expired or the oldest slot). */
static struct replay_slot *digest_slot(struct digest *d, const unsigned char *mac, int64_t now_ms,
				       bool *found)
{
	struct replay_slot *pick = NULL;
	int64_t lifetime_ms = (int64_t)d->lifetime_s * 1000;

	*found = false;
	for (size_t i = 0; i < DIGEST_REPLAY_SLOTS; i++) {
		struct replay_slot *s = &d->slots[i];
		if (s->issued_ms && CRYPTO_memcmp(s->mac, mac, NONCE_MAC_BYTES) == 0) {
			*found = true;
			return s;
		}
		bool free_slot = !s->issued_ms || now_ms - s->issued_ms > lifetime_ms;
		if (free_slot) {
			if (!pick || pick->issued_ms)
				pick = s;
		} else if (!pick || (pick->issued_ms && s->issued_ms < pick->issued_ms)) {
			pick = s;
		}
	}
	return pick;
}

int digest_verify(struct digest *d, const struct digest_creds *c, const char *ha1_hex,
		  const char *method, const char *request_uri, int64_t now_ms)
{
	char want[DIGEST_HEX_MAX];
	unsigned char mac[NONCE_MAC_BYTES];
	int64_t issued = 0;
	uint32_t nc = 0;

	if (!d || !c || !ha1_hex || !method || !request_uri)
		return DIGEST_E_INVALID;
	if (!c->alg || strlen(ha1_hex) != digest_alg_hexlen(c->alg))
		return DIGEST_E_DENIED;
	if (!digest_equal(c->realm, d->realm) || strcmp(c->qop, "auth") != 0 || !c->cnonce[0] ||
	    digest_parse_nc(&nc, c->nc))
		return DIGEST_E_DENIED;
	/* the uri must be the request-target the server received (RFC 7616 section 3.4.6) */
	if (!digest_equal(c->uri, request_uri))
		return DIGEST_E_DENIED;
	int err = digest_nonce_check(d, c->nonce, now_ms, &issued, mac);
	if (err)
		return err;
	err = digest_response(want, sizeof(want), c->alg, ha1_hex, c->nonce, c->nc, c->cnonce,
			      c->qop, method, c->uri);
	if (err)
		return err;
	if (!digest_equal(c->response, want))
		return DIGEST_E_DENIED;

	bool found = false;
	struct replay_slot *s = digest_slot(d, mac, now_ms, &found);
	if (found) {
		if (nc <= s->nc)
			return DIGEST_E_REPLAY;
		s->nc = nc;
		return DIGEST_OK;
	}
	/* a nonce whose slot may have been taken by a newer one cannot be told from a replay */
	if (issued <= d->evicted_upto_ms)
		return DIGEST_E_STALE;
	if (s->issued_ms && now_ms - s->issued_ms <= (int64_t)d->lifetime_s * 1000 &&
	    s->issued_ms > d->evicted_upto_ms)
		d->evicted_upto_ms = s->issued_ms;
	memcpy(s->mac, mac, NONCE_MAC_BYTES);
	s->issued_ms = issued ? issued : 1;
	s->nc = nc;
	return DIGEST_OK;
}
