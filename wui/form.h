/* wui/form: the web UI's handling of untrusted request text: urlencoded forms, cookies,
 * Accept-Language, Origin against Host, and HTML escaping of everything a page prints. No I/O,
 * no allocation.
 *
 * Contract: every function bounds its output; input that does not fit or is malformed is refused
 * as a whole (the caller answers 400), never cut. Decoded values are printable ASCII only.
 */
#ifndef PHONESEC_WUI_FORM_H
#define PHONESEC_WUI_FORM_H

#include <stdbool.h>
#include <stddef.h>

#define WUI_FORM_FIELDS_MAX 32   /* fields of one form */
#define WUI_FORM_NAME_MAX 48     /* a field name, NUL included */
#define WUI_FORM_VALUE_MAX 320   /* a decoded value, NUL included */
#define WUI_FORM_BODY_MAX 16384  /* the largest body a form may have */

struct wui_form {
	size_t n;
	struct {
		char name[WUI_FORM_NAME_MAX];
		char value[WUI_FORM_VALUE_MAX];
	} f[WUI_FORM_FIELDS_MAX];
};

/* Parses application/x-www-form-urlencoded text (len bytes, not necessarily NUL-terminated).
 * Returns 0, or -1 for: a bad %-escape, a decoded byte outside printable ASCII, a name that is
 * not [a-z0-9_], a field given twice, too many or too long fields. *out is then empty. */
int wui_form_parse(struct wui_form *out, const char *body, size_t len);
/* Value of field name, or NULL when absent. Owned by f. */
const char *wui_form_get(const struct wui_form *f, const char *name);

/* The decoded value of field name of a urlencoded body (len bytes), for one large field such as
 * a configuration file: printable ASCII, tab, CR and LF allowed; at most max bytes decoded.
 * *out is malloc'd (the caller frees it). Returns 0, 1 when the field is absent, -1 when the
 * body is malformed (as for wui_form_parse, except that fields may be long), the value too
 * large, or out of memory. */
int wui_form_field(char **out, const char *body, size_t len, const char *name, size_t max);

/* Copies the value of cookie name from a Cookie header into out (outlen bytes). Returns 0, or -1
 * when the cookie is absent, empty or does not fit (a value is [A-Za-z0-9] only). */
int wui_form_cookie(char *out, size_t outlen, const char *header, const char *name);

enum wui_lang {
	WUI_LANG_EN = 0,
	WUI_LANG_DE = 1,
};
/* The language of an Accept-Language header (NULL allowed): the one of highest q among en and
 * de, English when neither is named. */
enum wui_lang wui_form_lang(const char *accept_language);

/* Whether an Origin header ("scheme://host[:port]") names the origin of a request with Host
 * header host (NULL: none) on the http (tls false) or https listener: same scheme, host (case
 * ignored) and port (the scheme's default when omitted). "null", a path or anything malformed
 * is another origin. */
bool wui_form_same_origin(const char *origin, const char *host, bool tls);

/* Whether a Host header names the phone itself, not a name an attacker's DNS points at it (DNS
 * rebinding): an IPv4 or bracketed IPv6 address, or one of names (blank-separated, case
 * ignored), with an optional port. NULL or malformed: false. */
bool wui_form_host_known(const char *host, const char *names);

/* Writes s HTML-escaped (& < > " ' escaped) into out. Returns the length written, or -1 when it
 * does not fit (out then holds ""). */
int wui_form_escape(char *out, size_t outlen, const char *s);

#endif
