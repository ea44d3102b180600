/* Fuzz target over the HTTP Digest server module (lib/digest.c): parsing of an Authorization
 * header, user match and verification, nonce checks and the nc replay table.
 *
 * Input: one flags byte, then the header text. "@N@" in the text becomes a nonce we issued (so
 * the fuzzer gets past the HMAC check) and "@R@" the correct response for the fields parsed, so
 * that verification, expiry and replay are reached too; the flags pick the clock (fresh, expired,
 * from the future) and how many more nonces to issue and use first (up to past the table size,
 * for slot eviction). A fresh server context per input keeps runs reproducible.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "fuzz.h"

#define FZ_REALM "phonesec-cr"
#define FZ_USER "acs"
#define FZ_URI "/0123456789abcdef"
#define FZ_T0 1700000000000LL
#define FZ_LIFETIME_S 300

static void fz_fail(const char *what, int err)
{
	fprintf(stderr, "fuzz_digest: %s: %s\n", what, digest_strerror(err));
	abort();
}

/* Copies src to dst replacing every "@N@" by nonce and "@R@" by resp; false if too long. */
static bool fz_subst(char *dst, size_t cap, const char *src, const char *nonce, const char *resp)
{
	size_t n = 0;

	for (const char *p = src; *p;) {
		const char *rep = NULL;
		if (!strncmp(p, "@N@", 3))
			rep = nonce;
		else if (!strncmp(p, "@R@", 3))
			rep = resp;
		size_t l = rep ? strlen(rep) : 1;
		if (n + l + 1 > cap)
			return false;
		memcpy(dst + n, rep ? rep : p, l);
		n += l;
		p += rep ? 3 : 1;
	}
	dst[n] = '\0';
	return true;
}

/* The nonce value of a challenge ("... nonce=\"HEX\"..."). */
static void fz_nonce_of(char *out, size_t cap, const char *challenge)
{
	const char *p = strstr(challenge, "nonce=\"");
	out[0] = '\0';
	if (!p)
		return;
	p += 7;
	size_t n = strcspn(p, "\"");
	if (n >= cap)
		return;
	memcpy(out, p, n);
	out[n] = '\0';
}

/* Issues a nonce at t and has a well-formed request with it verified (fills the replay table). */
static void fz_use_nonce(struct digest *d, int64_t t, const char *ha1_md5)
{
	char ch[512], nonce[DIGEST_FIELD_MAX], resp[DIGEST_HEX_MAX];
	struct digest_creds c;

	int err = digest_challenge(ch, sizeof(ch), d, DIGEST_ALG_MD5, false, t);
	if (err)
		fz_fail("challenge", err);
	fz_nonce_of(nonce, sizeof(nonce), ch);
	memset(&c, 0, sizeof(c));
	c.alg = DIGEST_ALG_MD5;
	snprintf(c.username, sizeof(c.username), FZ_USER);
	snprintf(c.realm, sizeof(c.realm), FZ_REALM);
	snprintf(c.nonce, sizeof(c.nonce), "%s", nonce);
	snprintf(c.uri, sizeof(c.uri), FZ_URI);
	snprintf(c.cnonce, sizeof(c.cnonce), "c");
	snprintf(c.nc, sizeof(c.nc), "00000001");
	snprintf(c.qop, sizeof(c.qop), "auth");
	err = digest_response(resp, sizeof(resp), c.alg, ha1_md5, c.nonce, c.nc, c.cnonce, c.qop,
			      "GET", c.uri);
	if (err)
		fz_fail("response", err);
	snprintf(c.response, sizeof(c.response), "%s", resp);
	err = digest_verify(d, &c, ha1_md5, "GET", FZ_URI, t);
	if (err != DIGEST_OK)
		fz_fail("a fresh well-formed request was refused", err);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[DIGEST_HEADER_MAX + 2], hdr[2 * DIGEST_HEADER_MAX];
	char ch[512], nonce[DIGEST_FIELD_MAX], resp[DIGEST_HEX_MAX] = "0";
	char ha1[3][DIGEST_HEX_MAX];
	struct digest *d = NULL;
	struct digest_creds c;

	if (size < 1 || size - 1 > DIGEST_HEADER_MAX)
		return 0;
	unsigned flags = data[0];
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0'; /* a header is a C string: text stops at the first NUL */

	int err = digest_new(&d, FZ_REALM, FZ_LIFETIME_S);
	if (err)
		fz_fail("digest_new", err);
	if (digest_ha1(ha1[DIGEST_ALG_MD5], DIGEST_HEX_MAX, DIGEST_ALG_MD5, FZ_USER, FZ_REALM, "pw") ||
	    digest_ha1(ha1[DIGEST_ALG_SHA256], DIGEST_HEX_MAX, DIGEST_ALG_SHA256, FZ_USER, FZ_REALM,
		       "pw"))
		fz_fail("ha1", DIGEST_E_CRYPTO);
	snprintf(ha1[0], DIGEST_HEX_MAX, "%s", ha1[DIGEST_ALG_MD5]);

	/* bits 0-1: how many nonces were used before (0, 1, 3); with bit 3 too, past the table
	 * size (slot eviction; costly, so only for one input in eight) */
	static const int before[4] = { 0, 1, 3, 3 };
	int used = (flags & 0x0b) == 0x0b ? DIGEST_REPLAY_SLOTS + 4 : before[flags & 3];
	int64_t t = FZ_T0;
	for (int i = 0; i < used; i++)
		fz_use_nonce(d, t + i, ha1[DIGEST_ALG_MD5]);
	t += used;

	/* bit 2: the nonce is SHA-256's challenge, else MD5's; bit 3: the challenge says stale */
	enum digest_alg calg = flags & 4 ? DIGEST_ALG_SHA256 : DIGEST_ALG_MD5;
	err = digest_challenge(ch, sizeof(ch), d, calg, flags & 8, t);
	if (err)
		fz_fail("challenge", err);
	fz_nonce_of(nonce, sizeof(nonce), ch);

	/* first pass: parse with a placeholder response to learn the fields */
	if (fz_subst(hdr, sizeof(hdr), text, nonce, resp) && digest_parse(&c, hdr) == DIGEST_OK &&
	    digest_alg_hexlen(c.alg))
		digest_response(resp, sizeof(resp), c.alg, ha1[c.alg], c.nonce, c.nc, c.cnonce,
				c.qop, "GET", c.uri);

	if (!fz_subst(hdr, sizeof(hdr), text, nonce, resp))
		goto out;
	err = digest_parse(&c, hdr);
	if (err != DIGEST_OK && err != DIGEST_E_PARSE)
		fz_fail("parse: unexpected error", err);
	if (err)
		goto out;
	(void)digest_user_matches(d, &c, FZ_USER);
	/* bits 4-5: the clock at verification: fresh, just expired, far future, far past */
	static const int64_t at[4] = { 1000, FZ_LIFETIME_S * 1000 + 1, -86400000, 86400000LL * 365 };
	int64_t now = t + at[(flags >> 4) & 3];
	const char *h = c.alg ? ha1[c.alg] : ha1[0];
	err = digest_verify(d, &c, h, "GET", FZ_URI, now);
	if (err > 0 || err < DIGEST_E_CRYPTO)
		fz_fail("verify: error out of range", err);
	/* bit 6: the same request again must be refused (replay) */
	if (err == DIGEST_OK && (flags & 0x40)) {
		int again = digest_verify(d, &c, h, "GET", FZ_URI, now);
		if (again == DIGEST_OK)
			fz_fail("a replayed request was accepted", again);
	}
	/* bit 7: a higher nc with the same nonce must be accepted */
	if (err == DIGEST_OK && (flags & 0x80)) {
		unsigned long prev = strtoul(c.nc, NULL, 16); /* 8 hex digits: verified */
		snprintf(c.nc, sizeof(c.nc), "%08x", 0x10000000u);
		if (digest_response(c.response, sizeof(c.response), c.alg, h, c.nonce, c.nc, c.cnonce,
				    c.qop, "GET", c.uri))
			fz_fail("response", DIGEST_E_CRYPTO);
		int next = digest_verify(d, &c, h, "GET", FZ_URI, now);
		if (next != DIGEST_OK && prev < 0x10000000u)
			fz_fail("the next nc of an accepted nonce was refused", next);
	}
out:
	digest_free(d);
	return 0;
}
