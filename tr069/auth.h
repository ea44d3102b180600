/* The client side of HTTP authentication for ACS sessions and file transfers: WWW-Authenticate
 * parsed per RFC 7235, the choice of the challenge credentials may answer, and its hand-over to
 * gSOAP's httpda plugin.
 *
 * Contract: every WWW-Authenticate field of a 401 goes to cwmp_auth_add() and to nobody else
 * (gSOAP and httpda never see one); cwmp_auth_choose() then says what may be answered. Credentials
 * go only to a Digest challenge that was parsed whole (realm, nonce, an algorithm httpda computes,
 * qop auth or auth-int), or to Basic over https; over plain http a Basic challenge, a Digest one
 * lacking any of these, a malformed header or an unknown scheme gets nothing.
 * cwmp_session_auth_arm() (session.h) gives httpda the chosen Digest challenge and nothing else.
 * No gSOAP here (the fuzz target links this file alone); buffers are bounded, nothing allocated.
 */
#ifndef PHONESEC_TR069_AUTH_H
#define PHONESEC_TR069_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#define CWMP_AUTH_REALM_MAX 127  /* longer realms, nonces or opaques: the challenge is refused */
#define CWMP_AUTH_NONCE_MAX 255
#define CWMP_AUTH_OPAQUE_MAX 255
#define CWMP_AUTH_HEADER_MAX 1024 /* cwmp_auth_digest_header()'s output, with its NUL */

enum cwmp_auth_choice {
	CWMP_AUTH_NONE = 0, /* nothing may be answered: no credentials are sent */
	CWMP_AUTH_DIGEST,   /* the Digest challenge of struct cwmp_auth */
	CWMP_AUTH_BASIC,    /* Basic (https only) */
};

/* The challenges of one 401, gathered over all its WWW-Authenticate fields. */
struct cwmp_auth {
	bool have_digest;            /* a whole Digest challenge is kept below */
	bool basic;                  /* a Basic challenge was offered */
	unsigned digest_refused;     /* Digest challenges not whole (missing, repeated, too long or
	                                unknown parameters' values) */
	unsigned malformed;          /* field values not per RFC 7235 (their challenges ignored) */
	unsigned other;              /* challenges of other schemes */
	int rank;                    /* the kept Digest's algorithm preference */
	char realm[CWMP_AUTH_REALM_MAX + 1];
	char nonce[CWMP_AUTH_NONCE_MAX + 1];
	char opaque[CWMP_AUTH_OPAQUE_MAX + 1];
	bool has_opaque;
	const char *algorithm;       /* static: "MD5", "MD5-sess", "SHA-256", "SHA-256-sess" */
	const char *qop;             /* static: "auth" when offered, else "auth-int" */
};

/* Forgets every challenge (before each response). */
void cwmp_auth_reset(struct cwmp_auth *a);

/* Reads one WWW-Authenticate field value (a list of challenges). Returns 0, or -1 when the value
 * is malformed: then none of its challenges counts, and a->malformed is incremented. Of several
 * whole Digest challenges the strongest algorithm (SHA-256 before MD5) is kept, the first of
 * equals. */
int cwmp_auth_add(struct cwmp_auth *a, const char *value);

/* What may be answered: tls says the connection is https. */
enum cwmp_auth_choice cwmp_auth_choose(const struct cwmp_auth *a, bool tls);

/* Why cwmp_auth_choose() gave CWMP_AUTH_NONE, for a log or a fault string (static text). */
const char *cwmp_auth_why(const struct cwmp_auth *a, bool tls);

/* The kept Digest challenge as one WWW-Authenticate value httpda reads (no quote or backslash
 * can be inside: such values were refused). Returns 0, or -1 without a whole Digest challenge or
 * when out is too small. */
int cwmp_auth_digest_header(const struct cwmp_auth *a, char *out, size_t outlen);

#endif
