/* wui/internal: the daemon's state shared by wuid.c (listeners, follow, authentication,
 * sessions) and page.c (pages and forms). Everything runs in the one loop thread.
 */
#ifndef PHONESEC_WUI_INTERNAL_H
#define PHONESEC_WUI_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "conf.h"
#include "form.h"
#include "store.h"

#define WUI_REALM "phonesec"          /* the realm of http_pass's stored HA1s */
#define WUI_SESSIONS_MAX 64           /* sessions at once; the oldest idle one makes room */
#define WUI_TOKEN_HEX 32              /* session ids and form tokens: 128 random bits */
#define WUI_LOG_WINDOW_MS 10000       /* a refusal anyone may cause: one line per window (log_due) */
#define WUI_LOCKOUT_LOGIN "wui:login" /* lock-out of the HTTP login (store_lockout_*) */
#define WUI_LOCKOUT_ADMIN "wui:admin" /* lock-out of the admin password (unlock, first run) */
#ifdef STORE_CONFIG_MAX
#define WUI_BACKUP 1                  /* the store exports and imports configuration files */
#define WUI_BODY_MAX (3 * STORE_CONFIG_MAX + 1024) /* a restored file, %-encoded */
#else
#define WUI_BODY_MAX WUI_FORM_BODY_MAX
#endif

struct wui_session {
	bool used;
	char id[WUI_TOKEN_HEX + 1];
	char token[WUI_TOKEN_HEX + 1];   /* the form token (use_hidden_tags) */
	char user[64];                   /* the login it is bound to */
	int64_t last_ms;                 /* monotonic time of its last request */
	bool admin;                      /* admin pages unlocked by the admin password */
};

/* One request being answered. */
struct wui_req {
	struct wuid *w;
	struct evhttp_request *req;
	enum evhttp_cmd_type method;
	bool tls;
	enum wui_lang lang;
	const char *path;
	struct wui_session *s;           /* NULL on the first-run page */
	const char *user;                /* the authenticated user ("" on the first run) */
	char user_buf[64];               /* its copy: a snapshot it came from may be freed */
	struct evbuffer *out;
	char lang_cookie[8];             /* set when ?lang= switched the language */
};

/* hexlen random hex digits (hexlen even, <= 128) and a NUL into out: 0, or -1 (no entropy). */
int wui_random_hex(char *out, size_t hexlen);

/* Daemon-wide accessors for page.c. */
const struct wui_conf *wui_conf(const struct wuid *w);
struct store *wui_store(const struct wuid *w);
/* The current snapshot of the settings, read when a request starts and after each commit of
 * ours. Owned by w; valid until the next wui_refresh() or wui_save(), which free it. */
const struct store_snapshot *wui_snapshot(struct wuid *w);
/* Re-reads the snapshot now (after a commit of ours); may end sessions (r->s) whose
 * credentials changed. */
void wui_refresh(struct wuid *w);
/* Asks the loop to re-check the listeners once the current answer is on its way. */
void wui_listeners_later(struct wuid *w);
/* Commits the running layer to the saved one for the logged-in user. */
int wui_save(struct wuid *w, const char *user, char *err, size_t errlen);
/* Lock-out of the admin password: true when it may be tried now; record the outcome. */
bool wui_admin_try_allowed(struct wuid *w, uint32_t *remaining_s);
void wui_admin_outcome(struct wuid *w, bool ok);
/* Ends every session (credentials changed, first run done). */
void wui_sessions_clear(struct wuid *w);

/* Sends the answer in r->out with the security headers (CSP, frame-ancestors, nosniff, HSTS on
 * HTTPS, no-store) and the Content-Type given. */
void wui_reply(struct wui_req *r, int code, const char *reason, const char *ctype);
/* A short plain error page (status, reason, one line of text). */
void wui_reply_error(struct wui_req *r, int code, const char *reason, const char *text);

/* page.c: answers an authenticated request (r->s set), or the first-run flow (r->s NULL).
 * Returns nothing: every path sends exactly one reply. */
void wui_page_handle(struct wui_req *r);
void wui_page_firstrun(struct wui_req *r);
/* The stylesheet (served to anyone, no settings in it). */
void wui_page_style(struct wui_req *r);

#endif
