/* wui/form: parsing of forms, cookies, Accept-Language and Origin from the request, and HTML
 * escaping; bounded, all-or-nothing (see form.h). */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "form.h"

static int form_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decodes s[0..len) into out (outlen bytes with the NUL): '+' is a blank, %XX a byte; lines:
 * tab, CR and LF are allowed too. */
static int form_decode_text(char *out, size_t outlen, const char *s, size_t len, bool lines)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)s[i];
		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			if (i + 2 >= len)
				return -1;
			int h = form_hex((unsigned char)s[i + 1]), l = form_hex((unsigned char)s[i + 2]);
			if (h < 0 || l < 0)
				return -1;
			c = h * 16 + l;
			i += 2;
		}
		bool ok = (c >= 0x20 && c <= 0x7e) || (lines && (c == '\t' || c == '\r' || c == '\n'));
		if (!ok || o + 1 >= outlen)
			return -1;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return 0;
}

static int form_decode(char *out, size_t outlen, const char *s, size_t len)
{
	return form_decode_text(out, outlen, s, len, false);
}

int wui_form_field(char **out, const char *body, size_t len, const char *name, size_t max)
{
	size_t i = 0, nl = strlen(name);
	int rc = 1;

	*out = NULL;
	while (i < len) {
		size_t end = i, eq;
		while (end < len && body[end] != '&')
			end++;
		for (eq = i; eq < end && body[eq] != '='; eq++)
			;
		if (end > i && eq == i)
			return -1;
		if (eq - i == nl && memcmp(body + i, name, nl) == 0) {
			if (*out) {
				free(*out);
				*out = NULL;
				return -1; /* twice */
			}
			size_t vl = eq < end ? end - eq - 1 : 0;
			*out = malloc(max + 1);
			if (!*out || form_decode_text(*out, max + 1, body + eq + 1, vl, true)) {
				free(*out);
				*out = NULL;
				return -1;
			}
			rc = 0;
		}
		i = end + 1;
	}
	return rc;
}

int wui_form_parse(struct wui_form *out, const char *body, size_t len)
{
	size_t i = 0;

	out->n = 0;
	if (len > WUI_FORM_BODY_MAX)
		return -1;
	while (i < len) {
		size_t end = i;
		while (end < len && body[end] != '&')
			end++;
		if (end > i) {
			size_t eq = i;
			while (eq < end && body[eq] != '=')
				eq++;
			if (out->n >= WUI_FORM_FIELDS_MAX || eq == i)
				goto bad;
			char *name = out->f[out->n].name;
			if (form_decode(name, WUI_FORM_NAME_MAX, body + i, eq - i))
				goto bad;
			for (const char *c = name; *c; c++)
				if (!islower((unsigned char)*c) && !isdigit((unsigned char)*c) && *c != '_')
					goto bad;
			if (wui_form_get(out, name))
				goto bad;
			if (form_decode(out->f[out->n].value, WUI_FORM_VALUE_MAX, body + eq + (eq < end),
					end - eq - (eq < end)))
				goto bad;
			out->n++;
		}
		i = end + 1;
	}
	return 0;
bad:
	out->n = 0;
	return -1;
}

const char *wui_form_get(const struct wui_form *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->f[i].name, name) == 0)
			return f->f[i].value;
	return NULL;
}

int wui_form_cookie(char *out, size_t outlen, const char *header, const char *name)
{
	size_t nl = strlen(name);
	const char *p = header;

	if (!outlen)
		return -1;
	out[0] = '\0';
	while (p && *p) {
		while (*p == ' ' || *p == ';')
			p++;
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
			const char *v = p + nl + 1;
			size_t vl = len - nl - 1;
			while (vl && v[vl - 1] == ' ')
				vl--;
			if (!vl || vl >= outlen)
				return -1;
			for (size_t i = 0; i < vl; i++)
				if (!isalnum((unsigned char)v[i]))
					return -1;
			memcpy(out, v, vl);
			out[vl] = '\0';
			return 0;
		}
		p = end;
	}
	return -1;
}

/* q value of one Accept-Language item's parameters (";q=0.5"), 1000 when absent. */
static int form_q(const char *p, size_t len)
{
	const char *q = NULL;

	for (size_t i = 0; i + 2 <= len; i++)
		if (p[i] == 'q' && p[i + 1] == '=') {
			q = p + i + 2;
			break;
		}
	if (!q)
		return 1000;
	int v = 0, scale = 1000;
	if (*q == '1')
		return 1000;
	if (*q != '0')
		return 0;
	q++;
	if (*q == '.')
		for (q++; isdigit((unsigned char)*q) && scale > 1; q++) {
			scale /= 10;
			v += (*q - '0') * scale;
		}
	return v;
}

enum wui_lang wui_form_lang(const char *al)
{
	int best_en = -1, best_de = -1;
	const char *p = al;

	while (p && *p) {
		while (*p == ' ' || *p == ',')
			p++;
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		size_t tag = 0;
		while (tag < len && p[tag] != ';' && p[tag] != ' ')
			tag++;
		int q = form_q(p + tag, len - tag);
		if (tag >= 2 && strncasecmp(p, "de", 2) == 0 && (tag == 2 || p[2] == '-'))
			best_de = q > best_de ? q : best_de;
		else if (tag >= 2 && strncasecmp(p, "en", 2) == 0 && (tag == 2 || p[2] == '-'))
			best_en = q > best_en ? q : best_en;
		p = end;
	}
	return best_de > 0 && best_de > best_en ? WUI_LANG_DE : WUI_LANG_EN;
}

int wui_form_escape(char *out, size_t outlen, const char *s)
{
	size_t o = 0;

	if (!outlen)
		return -1;
	for (; *s; s++) {
		const char *rep = NULL;
		char one[2] = { *s, '\0' };
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: rep = one; break;
		}
		size_t rl = strlen(rep);
		if (o + rl >= outlen) {
			out[0] = '\0';
			return -1;
		}
		memcpy(out + o, rep, rl);
		o += rl;
	}
	out[o] = '\0';
	return (int)o;
}

/* host[:port] of an authority (Host header, or an Origin's after "://") into host (hostlen
 * bytes, lower case) and *port (def when omitted). An IPv6 address stays in brackets. 0, or -1
 * when malformed. */
static int form_authority(const char *a, size_t len, char *host, size_t hostlen, unsigned *port,
			  unsigned def)
{
	size_t h = 0;

	if (len && a[0] == '[') {
		const char *close = memchr(a, ']', len);
		if (!close)
			return -1;
		h = (size_t)(close - a) + 1;
	} else {
		while (h < len && a[h] != ':')
			h++;
	}
	if (h == 0 || h >= hostlen)
		return -1;
	for (size_t i = 0; i < h; i++) {
		unsigned char c = (unsigned char)a[i];
		if (!isalnum(c) && c != '.' && c != '-' && c != ':' && c != '[' && c != ']')
			return -1;
		host[i] = (char)tolower(c);
	}
	host[h] = '\0';
	*port = def;
	if (h == len)
		return 0;
	if (a[h] != ':' || h + 1 == len || len - h - 1 > 5)
		return -1;
	unsigned long p = 0;
	for (size_t i = h + 1; i < len; i++) {
		if (!isdigit((unsigned char)a[i]))
			return -1;
		p = p * 10 + (unsigned long)(a[i] - '0');
	}
	if (p == 0 || p > 65535)
		return -1;
	*port = (unsigned)p;
	return 0;
}

bool wui_form_same_origin(const char *origin, const char *host, bool tls)
{
	const char *scheme = tls ? "https://" : "http://";
	const size_t sl = strlen(scheme);
	const unsigned def = tls ? 443 : 80;
	char oh[256], hh[256];
	unsigned op = 0, hp = 0;

	if (!origin || !host || strncasecmp(origin, scheme, sl) != 0)
		return false;
	const char *a = origin + sl;
	if (form_authority(a, strlen(a), oh, sizeof(oh), &op, def) ||
	    form_authority(host, strlen(host), hh, sizeof(hh), &hp, def))
		return false;
	return strcmp(oh, hh) == 0 && op == hp;
}

bool wui_form_host_known(const char *host, const char *names)
{
	char h[256];
	unsigned port = 0;
	unsigned char addr[16];

	if (!host || form_authority(host, strlen(host), h, sizeof(h), &port, 0))
		return false;
	size_t hl = strlen(h);
	if (h[0] == '[') {
		h[hl - 1] = '\0';
		return inet_pton(AF_INET6, h + 1, addr) == 1;
	}
	if (inet_pton(AF_INET, h, addr) == 1)
		return true;
	for (const char *p = names ? names : ""; *p;) {
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, " ");
		if (n && n == hl && strncasecmp(p, h, n) == 0)
			return true;
		p += n;
	}
	return false;
}
