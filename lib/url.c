/* The one http(s) URL parser (lib/url.h): scheme in any case, host as a DNS name, IPv4 or [IPv6],
 * port 1..65535, no user information unless asked, no blanks or control bytes anywhere. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

#include "url.h"

/* A byte no URL of ours may hold: blanks, controls, non-ASCII and the characters that end a
 * quoted string or an XML attribute. */
static bool url_byte_bad(unsigned char c)
{
	return c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\';
}

/* A DNS name (RFC 1123 letters, digits, '-' and '_' in labels of 1..63, no empty label except one
 * final dot), or a dotted IPv4 address when it is made of digits and dots only. */
static bool url_host_name_ok(const char *h, size_t n)
{
	bool numeric = true;
	size_t label = 0;

	if (n == 0 || n > URL_HOST_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)h[i];
		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return false;
		if (c < '0' || c > '9')
			numeric = false;
		if (++label > 63)
			return false;
	}
	if (numeric) {
		/* "1.2.3", "999.1.1.1", "010.1.1.1": not a name and not an address inet_pton takes */
		char a[16];
		struct in_addr in;
		if (n >= sizeof(a))
			return false;
		memcpy(a, h, n);
		a[n] = '\0';
		return inet_pton(AF_INET, a, &in) == 1;
	}
	return true;
}

static bool url_host_v6_ok(const char *h, size_t n)
{
	char a[INET6_ADDRSTRLEN];
	struct in6_addr in6;

	if (n == 0 || n >= sizeof(a))
		return false;
	memcpy(a, h, n);
	a[n] = '\0';
	return inet_pton(AF_INET6, a, &in6) == 1; /* no zone id: "%" is refused */
}

int url_parse(struct url *out, const char *text, unsigned flags)
{
	const char *auth, *end, *host, *port = NULL, *host_end;
	size_t len;

	if (!out || !text)
		return URL_E_INVALID;
	memset(out, 0, sizeof(*out));
	len = strnlen(text, URL_MAX + 1);
	if (len > URL_MAX)
		return URL_E_LONG;
	for (size_t i = 0; i < len; i++)
		if (url_byte_bad((unsigned char)text[i]))
			return URL_E_CHAR;
	if (strncasecmp(text, "https://", 8) == 0) {
		out->https = true;
		auth = text + 8;
	} else if (strncasecmp(text, "http://", 7) == 0) {
		auth = text + 7;
	} else {
		return URL_E_SCHEME;
	}
	end = auth + strcspn(auth, "/?#");
	host = auth;
	{
		const char *at = memchr(auth, '@', (size_t)(end - auth));
		if (at) {
			if (!(flags & URL_USERINFO_SKIP))
				return URL_E_USERINFO;
			/* the last '@' ends the user information ("a@b:c@host" is user "a@b") */
			while ((at = memchr(host, '@', (size_t)(end - host))))
				host = at + 1;
			out->has_userinfo = true;
		}
	}
	if (*host == '[') {
		const char *rb = memchr(host, ']', (size_t)(end - host));
		if (!rb || !url_host_v6_ok(host + 1, (size_t)(rb - host - 1)))
			return URL_E_HOST;
		memcpy(out->host, host + 1, (size_t)(rb - host - 1));
		out->ipv6 = true;
		host_end = rb + 1;
		if (host_end < end && *host_end != ':')
			return URL_E_HOST; /* "[::1]x" */
		if (host_end < end)
			port = host_end + 1;
	} else {
		const char *colon = memchr(host, ':', (size_t)(end - host));
		host_end = colon ? colon : end;
		if (!url_host_name_ok(host, (size_t)(host_end - host)))
			return URL_E_HOST;
		memcpy(out->host, host, (size_t)(host_end - host));
		if (colon)
			port = colon + 1;
	}
	if (port) {
		unsigned long v = 0;
		size_t digits = (size_t)(end - port);
		if (digits == 0 || digits > 5)
			return URL_E_PORT;
		for (const char *p = port; p < end; p++) {
			if (*p < '0' || *p > '9')
				return URL_E_PORT;
			v = v * 10 + (unsigned long)(*p - '0');
		}
		if (v < 1 || v > 65535)
			return URL_E_PORT;
		out->port = (uint16_t)v;
		out->port_given = true;
	} else {
		out->port = out->https ? 443 : 80;
	}
	out->rest = (size_t)(end - text);
	return URL_OK;
}

const char *url_strerror(int err)
{
	switch (err) {
	case URL_OK: return "no error";
	case URL_E_INVALID: return "no URL";
	case URL_E_SCHEME: return "not an http:// or https:// URL";
	case URL_E_USERINFO: return "a user or password in the URL";
	case URL_E_HOST: return "no valid host (a name, an IPv4 address or an [IPv6] address)";
	case URL_E_PORT: return "the port is not a number in 1..65535";
	case URL_E_CHAR: return "spaces, control or non-ASCII bytes, or one of \" < > \\ in the URL";
	case URL_E_LONG: return "the URL is too long";
	default: return "unknown URL error";
	}
}
