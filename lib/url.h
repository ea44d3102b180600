/* The one parser of http and https URLs: the store's URL settings, the compliance rules and
 * phonesec-cwmpd all read a URL through it, so none accepts a URL another refuses.
 *
 * Accepted: scheme "http" or "https" in any case, "://", a host (a DNS name, a dotted IPv4 address
 * or a bracketed IPv6 address without a zone), an optional port 1..65535 (at most 5 digits), then
 * an optional path, query or fragment starting with '/', '?' or '#'. Refused: anything else,
 * among it user information ("user:pass@host", unless URL_USERINFO_SKIP), spaces, control bytes,
 * bytes >= 0x7f and the characters " < > \ anywhere. Pure functions: no allocation, no I/O,
 * thread-safe. */
#ifndef PHONESEC_URL_H
#define PHONESEC_URL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum url_err {
	URL_OK = 0,
	URL_E_INVALID = -1,  /* NULL argument */
	URL_E_SCHEME = -2,   /* not "http://" or "https://" */
	URL_E_USERINFO = -3, /* "user[:password]@" before the host */
	URL_E_HOST = -4,     /* no host, or not a DNS name, IPv4 or [IPv6] address */
	URL_E_PORT = -5,     /* port empty, not digits, or outside 1..65535 */
	URL_E_CHAR = -6,     /* a space, control byte, non-ASCII byte or one of " < > \ */
	URL_E_LONG = -7,     /* longer than URL_MAX */
};

#define URL_MAX 2048      /* longest URL parsed */
#define URL_HOST_MAX 253  /* longest host (a DNS name; an IPv6 literal is shorter) */

/* Parse flags. */
enum {
	/* Skip "user[:password]@" (has_userinfo is then set) instead of refusing it: for URLs an
	 * ACS hands over (Download), where the credentials are kept out of logs by the caller. */
	URL_USERINFO_SKIP = 1u << 0,
};

struct url {
	bool https;              /* the scheme, whatever its case */
	char host[URL_HOST_MAX + 1]; /* as written, IPv6 without its brackets */
	bool ipv6;               /* host is an IPv6 address (bracketed in the URL) */
	uint16_t port;           /* the given one, else 443 or 80 */
	bool port_given;
	bool has_userinfo;       /* only with URL_USERINFO_SKIP */
	size_t rest;             /* offset of the path, query or fragment in the text ("" at end) */
};

/* Parses text into *out (zeroed first). Returns URL_OK or a negative enum url_err. */
int url_parse(struct url *out, const char *text, unsigned flags);
/* Static English text of an error ("the port is outside 1..65535"). Never NULL. */
const char *url_strerror(int err);

#endif
