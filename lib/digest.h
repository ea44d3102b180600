/* HTTP Digest access authentication (RFC 7616), server side, shared by the web UI and the CWMP
 * connection-request server: challenges, parsing of Authorization, verification from a stored HA1.
 *
 * Nonces are stateless: hex of issue time, random bytes and an HMAC-SHA256 over both under a key
 * drawn at digest_new(), so any nonce we did not issue, or issued longer ago than the lifetime,
 * is refused without a table. Replay is refused with a bounded table of the highest nc seen per
 * nonce. A struct digest is not thread-safe: one per event-loop thread. Nothing here logs, and
 * no function puts a secret into a message.
 */
#ifndef PHONESEC_LIB_DIGEST_H
#define PHONESEC_LIB_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum digest_err {
	DIGEST_OK = 0,
	DIGEST_E_INVALID = -1, /* caller error: NULL, bad realm, buffer too small */
	DIGEST_E_NOMEM = -2,
	DIGEST_E_PARSE = -3,   /* Authorization header malformed, not Digest, a field too long */
	DIGEST_E_STALE = -4,   /* a nonce of ours that expired: challenge again with stale=true */
	DIGEST_E_DENIED = -5,  /* wrong nonce, realm, uri, algorithm, qop or response */
	DIGEST_E_REPLAY = -6,  /* nc not above the last one accepted for this nonce */
	DIGEST_E_CRYPTO = -7,  /* OpenSSL failed */
};

/* Static English text of an error code. Never NULL. */
const char *digest_strerror(int err);

enum digest_alg {
	DIGEST_ALG_MD5 = 1,
	DIGEST_ALG_SHA256 = 2,
};

/* "MD5" / "SHA-256" (the RFC 7616 tokens, also the names store_secret_ha1() takes). */
const char *digest_alg_name(enum digest_alg alg);
/* By token, case-insensitive; 0 when unknown (also for the -sess variants we do not offer). */
enum digest_alg digest_alg_from_name(const char *name);
/* Length of a hash in hex: 32 or 64; 0 for an unknown algorithm. */
size_t digest_alg_hexlen(enum digest_alg alg);

#define DIGEST_HEX_MAX 65          /* 64 hex digits and NUL */
#define DIGEST_NONCE_LEN 64        /* hex digits of our nonces */
#define DIGEST_FIELD_MAX 256       /* longest accepted field of an Authorization header */
#define DIGEST_HEADER_MAX 4096     /* longest accepted Authorization header */
#define DIGEST_REPLAY_SLOTS 256    /* nonces whose nc is tracked at once */

struct digest;

/* Creates a server context for realm (printable ASCII without '"' and '\\', 1..64 chars) with
 * nonces valid for lifetime_s seconds (0 = 300). */
int digest_new(struct digest **out, const char *realm, unsigned lifetime_s);
void digest_free(struct digest *d);
const char *digest_realm(const struct digest *d);

/* Writes the value of one WWW-Authenticate header for alg with a fresh nonce issued at now_ms:
 *   Digest realm="r", qop="auth", algorithm=SHA-256, nonce="...", stale=true
 * A 401 carries one header per algorithm, SHA-256 first (RFC 7616 section 3.7). */
int digest_challenge(char *out, size_t outlen, struct digest *d, enum digest_alg alg, bool stale,
		     int64_t now_ms);

/* The fields of an Authorization: Digest header. Strings are NUL-terminated copies. */
struct digest_creds {
	char username[DIGEST_FIELD_MAX];
	char realm[DIGEST_FIELD_MAX];
	char nonce[DIGEST_FIELD_MAX];
	char uri[DIGEST_FIELD_MAX];
	char response[DIGEST_FIELD_MAX];
	char cnonce[DIGEST_FIELD_MAX];
	char nc[DIGEST_FIELD_MAX];
	char qop[DIGEST_FIELD_MAX];
	char opaque[DIGEST_FIELD_MAX];
	enum digest_alg alg; /* MD5 when the header names no algorithm; 0 when unknown */
	bool userhash;       /* username is H(user:realm) (RFC 7616 section 3.4.4) */
};

/* Parses an Authorization header value ("Digest username=..., ..."). */
int digest_parse(struct digest_creds *out, const char *header);

/* Whether the credentials name user (plain or hashed with userhash=true), in constant time for
 * a given length. */
bool digest_user_matches(const struct digest *d, const struct digest_creds *c, const char *user);

/* Verifies parsed credentials for one request: realm, our nonce (HMAC, age), algorithm, qop
 * "auth", nc replay, uri equal to request_uri (the request-target as received), and the
 * response computed from ha1_hex (the stored HA1 of the user for c->alg), compared in constant
 * time. Only a success records the nc. The caller has checked the user name. */
int digest_verify(struct digest *d, const struct digest_creds *c, const char *ha1_hex,
		  const char *method, const char *request_uri, int64_t now_ms);

/* Primitives (also the client side). Hex output in lower case, NUL-terminated, outlen >= 65. */
/* HA1 = H(user:realm:password). */
int digest_ha1(char *out, size_t outlen, enum digest_alg alg, const char *user, const char *realm,
	       const char *password);
/* userhash = H(user:realm) (RFC 7616 section 3.4.4). */
int digest_userhash(char *out, size_t outlen, enum digest_alg alg, const char *user,
		    const char *realm);
/* response = H(HA1:nonce:nc:cnonce:qop:H(method:uri)) (qop "auth"). */
int digest_response(char *out, size_t outlen, enum digest_alg alg, const char *ha1_hex,
		    const char *nonce, const char *nc, const char *cnonce, const char *qop,
		    const char *method, const char *uri);

#endif
