/* Fuzz target: the web UI's handling of request text (wui/form): the input is a form body, a
 * Cookie header, an Accept-Language (and Host) header and a text to escape (and Origin),
 * separated by NUL bytes. Checks
 * besides crashes: a parsed form holds only [a-z0-9_] names, no name twice and printable ASCII
 * values, or nothing; a cookie value is alphanumeric; escaped text holds no markup character and
 * unescapes to the input. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "wui/form.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

static void check_form(const char *body, size_t len)
{
	static struct wui_form f;

	if (wui_form_parse(&f, body, len)) {
		if (f.n != 0)
			abort();
		return;
	}
	for (size_t i = 0; i < f.n; i++) {
		if (!f.f[i].name[0])
			abort();
		for (const char *c = f.f[i].name; *c; c++)
			if (!islower((unsigned char)*c) && !isdigit((unsigned char)*c) && *c != '_')
				abort();
		for (const char *c = f.f[i].value; *c; c++)
			if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
				abort();
		for (size_t j = 0; j < i; j++)
			if (strcmp(f.f[i].name, f.f[j].name) == 0)
				abort();
		if (wui_form_get(&f, f.f[i].name) != f.f[i].value)
			abort();
	}
}

static void check_escape(const char *s)
{
	static char out[4 * 4096 * 6 + 1], back[4 * 4096 + 1];
	int n = wui_form_escape(out, sizeof(out), s);

	if (n < 0 || (size_t)n != strlen(out) || strpbrk(out, "<>\"'"))
		abort();
	/* unescape */
	size_t o = 0;
	for (const char *p = out; *p; o++) {
		static const char *const ents[][2] = {
			{ "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" },
			{ "&#39;", "'" },
		};
		size_t k;
		for (k = 0; k < 5; k++)
			if (strncmp(p, ents[k][0], strlen(ents[k][0])) == 0)
				break;
		if (*p == '&' && k == 5)
			abort();
		back[o] = k < 5 ? ents[k][1][0] : *p;
		p += k < 5 ? strlen(ents[k][0]) : 1;
	}
	back[o] = '\0';
	if (strcmp(back, s) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	const char *part[4] = { "", "", "", "" };
	size_t plen[4] = { 0, 0, 0, 0 };
	char v[64];

	if (!buf || size > 4 * 4096)
		goto out;
	memcpy(buf, data, size);
	buf[size] = '\0';
	part[0] = buf;
	plen[0] = strlen(buf);
	for (int i = 1; i < 4; i++) {
		const char *prev_end = part[i - 1] + plen[i - 1];
		if (prev_end >= buf + size)
			break;
		part[i] = prev_end + 1;
		plen[i] = strlen(part[i]);
	}
	check_form(part[0], plen[0]);
	check_form((const char *)data, size); /* the whole input as a body, NUL bytes included */
	if (wui_form_cookie(v, sizeof(v), part[1], "wuisid") == 0)
		for (const char *c = v; *c; c++)
			if (!isalnum((unsigned char)*c))
				abort();
	enum wui_lang l = wui_form_lang(part[2]);
	if (l != WUI_LANG_EN && l != WUI_LANG_DE)
		abort();
	check_escape(part[3]);
	/* the fourth part as an Origin against the third as a Host: same origin only with the
	 * listener's scheme, and a Host is the same origin as its own http:// origin or not
	 * valid at all */
	bool tls = size & 1;
	if (wui_form_same_origin(part[3], part[2], tls) &&
	    strncasecmp(part[3], tls ? "https://" : "http://", tls ? 8 : 7) != 0)
		abort();
	/* a known host is an address or one of the names: never with a blank or a slash */
	if (wui_form_host_known(part[2], part[1]) && strpbrk(part[2], " /\t"))
		abort();
	if (plen[2] < 200) {
		char o[256];
		snprintf(o, sizeof(o), "http://%s", part[2]);
		if (wui_form_same_origin(o, part[2], true))
			abort();
	}
out:
	free(buf);
	return 0;
}
