/* wui/page: the web UI's pages (server-rendered HTML, English and German), their forms (Apply
 * writes the running layer, Save copies it to the saved one), the first-run page and unlock. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <openssl/crypto.h>

#include "internal.h"
#include "log.h"

/* ------------------------------------------------------------------------------- texts */

enum msg {
	M_TITLE, M_INFO, M_SECURITY_PAGE, M_NETWORK, M_PREFS, M_STATUS, M_APPLY, M_SAVE,
	M_LOGOUT, M_UNSAVED, M_INSECURE, M_LOCKED, M_UNCHANGED, M_CONFIRM,
	M_UNLOCK, M_UNLOCK_TEXT, M_ADMIN_PW, M_WRONG_PW, M_FIRSTRUN, M_FIRSTRUN_TEXT,
	M_WUI_USER, M_WUI_PW, M_MISMATCH, M_FIRSTRUN_DONE, M_APPLIED, M_SAVED, M_NOW_AT,
	M_NOW_OFF, M_NOT_APPLIED, M_MODEL, M_FIRMWARE, M_SERIAL, M_MAC, M_RULE, M_RESULT,
	M_AUDIT, M_LOGGED_OUT, M_RELOGIN, M_BACKUP, M_RESTORE, M_RESTORED, M_ADMIN_ONLY, M_LOCKED_OUT, M_TOKEN, M_HOST,
	M_PROVIDER_WUI, M_FIRSTRUN_REMOTE, M_FIRSTRUN_HOST, M_COUNT
};

static const char *const texts[M_COUNT][2] = {
	[M_TITLE] = { "Phone web UI", "Web-Oberfläche des Telefons" },
	[M_INFO] = { "Information: System Info", "Information: Systeminformation" },
	[M_SECURITY_PAGE] = { "Advanced: QoS/Security", "Erweitert: QoS/Sicherheit" },
	[M_NETWORK] = { "Advanced: Network", "Erweitert: Netzwerk" },
	[M_PREFS] = { "Preferences", "Präferenzen" },
	[M_STATUS] = { "Security", "Sicherheit" },
	[M_APPLY] = { "Apply", "Übernehmen" },
	[M_SAVE] = { "Save", "Speichern" },
	[M_LOGOUT] = { "Log out", "Abmelden" },
	[M_UNSAVED] = { "Changes not saved: press Save, or they are lost at the next restart.",
			"Änderungen nicht gespeichert: Speichern drücken, sonst gehen sie beim nächsten Neustart verloren." },
	[M_INSECURE] = { "The phone is not hardened: see Security.",
			 "Das Telefon ist nicht gehärtet: siehe Sicherheit." },
	[M_LOCKED] = { "set by your provider", "von Ihrem Anbieter festgelegt" },
	[M_UNCHANGED] = { "(empty: unchanged)", "(leer: unverändert)" },
	[M_CONFIRM] = { "Confirm", "Bestätigen" },
	[M_UNLOCK] = { "Admin pages", "Admin-Seiten" },
	[M_UNLOCK_TEXT] = { "User mode: enter the administrator password to open the admin pages for this session.",
			    "Benutzermodus: Administrator-Passwort eingeben, um die Admin-Seiten für diese Sitzung zu öffnen." },
	[M_ADMIN_PW] = { "Administrator password", "Administrator-Passwort" },
	[M_WRONG_PW] = { "Wrong password.", "Falsches Passwort." },
	[M_FIRSTRUN] = { "First start", "Erster Start" },
	[M_FIRSTRUN_TEXT] = { "Set the administrator password and the web UI's user and password. Digest and hidden tags will be on, unless your provider set them.",
			      "Administrator-Passwort sowie Benutzer und Passwort der Web-Oberfläche festlegen. Digest und versteckte Merkmale werden eingeschaltet, sofern Ihr Anbieter sie nicht festgelegt hat." },
	[M_WUI_USER] = { "HTTP server user", "HTTP-Server-Benutzer" },
	[M_WUI_PW] = { "HTTP server password", "HTTP-Server-Kennwort" },
	[M_MISMATCH] = { "The two passwords differ.", "Die beiden Passwörter unterscheiden sich." },
	[M_FIRSTRUN_DONE] = { "Done. Log in with the new user and password.",
			      "Fertig. Mit dem neuen Benutzer und Passwort anmelden." },
	[M_APPLIED] = { "Applied.", "Übernommen." },
	[M_SAVED] = { "Saved.", "Gespeichert." },
	[M_NOW_AT] = { "The web UI is now at", "Die Web-Oberfläche ist jetzt erreichbar unter" },
	[M_NOW_OFF] = { "The web UI is now off.", "Die Web-Oberfläche ist jetzt ausgeschaltet." },
	[M_NOT_APPLIED] = { "Nothing was changed:", "Nichts wurde geändert:" },
	[M_MODEL] = { "Model", "Modell" },
	[M_FIRMWARE] = { "Firmware", "Firmware" },
	[M_SERIAL] = { "Serial number", "Seriennummer" },
	[M_MAC] = { "MAC address", "MAC-Adresse" },
	[M_RULE] = { "Rule", "Regel" },
	[M_RESULT] = { "Result", "Ergebnis" },
	[M_AUDIT] = { "Last changes", "Letzte Änderungen" },
	[M_LOGGED_OUT] = { "Logged out.", "Abgemeldet." },
	[M_BACKUP] = { "Back up the configuration (no passwords)",
		       "Konfiguration sichern (ohne Passwörter)" },
	[M_RESTORE] = { "Restore a configuration (paste the file)",
			"Konfiguration wiederherstellen (Datei einfügen)" },
	[M_RESTORED] = { "Configuration restored (running; press Save to keep it).",
			 "Konfiguration wiederhergestellt (aktiv; Speichern drücken, um sie zu behalten)." },
	[M_RELOGIN] = { "Applied. The credentials changed: log in again.",
			"Übernommen. Die Zugangsdaten haben sich geändert: bitte neu anmelden." },
	[M_ADMIN_ONLY] = { "This page needs the administrator password.",
			   "Diese Seite braucht das Administrator-Passwort." },
	[M_LOCKED_OUT] = { "Too many wrong passwords: try again later.",
			   "Zu viele falsche Passwörter: später erneut versuchen." },
	[M_TOKEN] = { "The form has expired: reload the page.",
		      "Das Formular ist abgelaufen: Seite neu laden." },
	[M_HOST] = { "Address", "Adresse" },
	[M_PROVIDER_WUI] = { "Your provider sets the web UI's password: ask your provider for it.",
			     "Das Passwort der Web-Oberfläche legt Ihr Anbieter fest: fragen Sie Ihren Anbieter danach." },
	[M_FIRSTRUN_REMOTE] = { "The phone is not set up yet: open this page from a computer in the phone's own network.",
				"Das Telefon ist noch nicht eingerichtet: öffnen Sie diese Seite von einem Computer im Netz des Telefons." },
	[M_FIRSTRUN_HOST] = { "The phone is not set up yet: open this page by the phone's IP address.",
			      "Das Telefon ist noch nicht eingerichtet: öffnen Sie diese Seite über die IP-Adresse des Telefons." },
};

/* German labels of the settings (the registry's wui_label is English). */
static const char *const labels_de[][2] = {
	{ "admin_mode_password", "Administrator-Passwort" },
	{ "admin_mode", "Admin-Modus" },
	{ "http_user", "HTTP-Server-Benutzer" },
	{ "http_pass", "HTTP-Server-Kennwort" },
	{ "http_scheme", "Authentifizierungsschema" },
	{ "use_hidden_tags", "Versteckte Merkmale" },
	{ "webserver_type", "Webserver-Verbindungstyp" },
	{ "http_port", "HTTP-Port" },
	{ "https_port", "HTTPS-Port" },
	{ "web_logout_timer", "Automatisch abmelden nach (Minuten)" },
	{ "enable_keyboard_lock", "Tastatur sperren" },
	{ "keyboard_lock_pw", "PIN der Tastatursperre" },
	{ "keyboard_lock_timeout", "Tastatursperre nach (Sekunden)" },
	{ "keyboard_lock_emergency", "Notrufnummern" },
};

/* German labels of enumeration values (the registry's label is English). */
static const char *const enums_de[][2] = {
	{ "http_https", "HTTP und HTTPS" },
	{ "https", "nur HTTPS" },
	{ "http", "nur HTTP" },
	{ "off", "Aus (keine Web-Oberfläche)" },
};

static const char *page_enum_label(const struct wui_req *r, const struct store_enum *e)
{
	if (r->lang == WUI_LANG_DE)
		for (size_t i = 0; i < sizeof(enums_de) / sizeof(enums_de[0]); i++)
			if (strcmp(enums_de[i][0], e->key) == 0)
				return enums_de[i][1];
	return e->label ? e->label : e->key;
}

static const char *T(const struct wui_req *r, enum msg m)
{
	return texts[m][r->lang == WUI_LANG_DE];
}

static const char *page_label(const struct wui_req *r, const struct store_setting *s)
{
	if (r->lang == WUI_LANG_DE)
		for (size_t i = 0; i < sizeof(labels_de) / sizeof(labels_de[0]); i++)
			if (strcmp(labels_de[i][0], s->key) == 0)
				return labels_de[i][1];
	return s->wui_label ? s->wui_label : s->key;
}

/* ------------------------------------------------------------------------------- output */

/* Appends s HTML-escaped. */
static void E(struct wui_req *r, const char *s)
{
	char in[257], out[257 * 6 + 1];

	while (*s) {
		size_t n = strnlen(s, 256);
		memcpy(in, s, n);
		in[n] = '\0';
		if (wui_form_escape(out, sizeof(out), in) >= 0)
			evbuffer_add(r->out, out, strlen(out));
		s += n;
	}
}

static void P(struct wui_req *r, const char *s)
{
	evbuffer_add(r->out, s, strlen(s));
}

/* The pages, their menu text and whether they need admin rights. */
struct page {
	const char *path;
	enum msg title;
	const char *settings; /* the registry's wui_page whose settings the page edits, or NULL */
	bool admin;
};

static const struct page pages[] = {
	{ "/", M_INFO, NULL, false },
	{ "/security", M_SECURITY_PAGE, "security", true },
	{ "/network", M_NETWORK, "network", true },
	{ "/preferences", M_PREFS, "preferences", false },
	{ "/status", M_STATUS, NULL, false },
};
#define NPAGES (sizeof(pages) / sizeof(pages[0]))

static bool page_admin_mode(struct wui_req *r)
{
	const struct store_row *row = store_snapshot_find(wui_snapshot(r->w), "admin_mode");
	return row && strcmp(row->running, "on") == 0;
}

static bool page_may_admin(struct wui_req *r)
{
	return page_admin_mode(r) || (r->s && r->s->admin);
}

static bool page_hidden_tags(struct wui_req *r)
{
	const struct store_row *row = store_snapshot_find(wui_snapshot(r->w), "use_hidden_tags");
	return row && strcmp(row->running, "on") == 0;
}

static void page_token_field(struct wui_req *r)
{
	if (r->s && page_hidden_tags(r)) {
		P(r, "<input type=\"hidden\" name=\"token\" value=\"");
		E(r, r->s->token);
		P(r, "\">");
	}
}

static void page_head(struct wui_req *r, const char *title)
{
	const struct store_snapshot *snap = wui_snapshot(r->w);

	P(r, "<!DOCTYPE html>\n<html lang=\"");
	P(r, r->lang == WUI_LANG_DE ? "de" : "en");
	P(r, "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
	     "content=\"width=device-width, initial-scale=1\"><title>");
	E(r, title);
	P(r, "</title><link rel=\"stylesheet\" href=\"/style.css\"></head><body>\n<header><h1>");
	E(r, T(r, M_TITLE));
	P(r, "</h1><nav class=\"lang\"><a href=\"?lang=en\">English</a> <a href=\"?lang=de\">Deutsch</a></nav>");
	if (r->s) {
		P(r, "<nav class=\"menu\">");
		for (size_t i = 0; i < NPAGES; i++) {
			if (pages[i].admin && !page_may_admin(r))
				continue;
			P(r, "<a href=\"");
			P(r, pages[i].path);
			P(r, "\">");
			E(r, T(r, pages[i].title));
			P(r, "</a> ");
		}
		if (!page_may_admin(r)) {
			P(r, "<a href=\"/unlock\">");
			E(r, T(r, M_UNLOCK));
			P(r, "</a>");
		}
		P(r, "</nav><form method=\"post\" action=\"/save\" class=\"save\">");
		page_token_field(r);
		P(r, "<button name=\"save\" value=\"1\">");
		E(r, T(r, M_SAVE));
		P(r, "</button></form><form method=\"post\" action=\"/logout\" class=\"save\">");
		page_token_field(r);
		P(r, "<button name=\"logout\" value=\"1\">");
		E(r, T(r, M_LOGOUT));
		P(r, "</button></form>");
		if (snap && snap->unsaved) {
			P(r, "<p class=\"banner unsaved\">");
			E(r, T(r, M_UNSAVED));
			P(r, "</p>");
		}
		struct store_compliance c;
		if (snap && !store_compliance_eval(&c, snap)) {
			if (!c.hardened) {
				P(r, "<p class=\"banner insecure\">");
				E(r, T(r, M_INSECURE));
				P(r, "</p>");
			}
			store_compliance_clear(&c);
		}
	}
	P(r, "</header>\n<main><h2>");
	E(r, title);
	P(r, "</h2>\n");
}

static void page_send(struct wui_req *r, int code, const char *reason)
{
	P(r, "</main></body></html>\n");
	wui_reply(r, code, reason, "text/html; charset=utf-8");
}

static void page_note(struct wui_req *r, const char *cls, const char *text)
{
	P(r, "<p class=\"");
	P(r, cls);
	P(r, "\">");
	E(r, text);
	P(r, "</p>\n");
}

/* ------------------------------------------------------------------------------- settings */

/* Read-only for everyone in the WUI: the provider's lock (the phone's own settings, locked
 * against the desk user alone, are the admin rights holder's; see DESIGN.md). */
static bool page_locked(const struct store_row *row)
{
	return row->lock == STORE_LOCK_PROVIDER;
}

/* Whether this request may change the row: not provider-locked, and without admin rights only
 * what the store lets the desk user write. */
static bool page_read_only(struct wui_req *r, const struct store_row *row)
{
	return page_locked(row) || (row->locked && !page_may_admin(r));
}

struct field_error {
	char key[48];     /* copies: the transaction that named them is gone when the page is drawn */
	char msg[256];
};

static void page_field(struct wui_req *r, const struct store_row *row, const struct field_error *errs,
		       size_t nerr)
{
	const struct store_setting *s = row->setting;
	bool ro = page_read_only(r, row);

	P(r, "<div class=\"field\"><label for=\"");
	P(r, s->key);
	P(r, "\">");
	E(r, page_label(r, s));
	P(r, "</label> ");
	if (s->type == STORE_TYPE_BOOL || s->type == STORE_TYPE_ENUM) {
		P(r, "<select id=\"");
		P(r, s->key);
		P(r, "\" name=\"");
		P(r, s->key);
		P(r, ro ? "\" disabled>" : "\">");
		if (s->type == STORE_TYPE_BOOL) {
			bool on = strcmp(row->running, "on") == 0;
			P(r, on ? "<option value=\"on\" selected>on</option><option value=\"off\">off</option>"
				: "<option value=\"on\">on</option><option value=\"off\" selected>off</option>");
		} else {
			for (const struct store_enum *e = s->enums; e->key; e++) {
				P(r, "<option value=\"");
				E(r, e->key);
				P(r, strcmp(e->key, row->running) == 0 ? "\" selected>" : "\">");
				E(r, page_enum_label(r, e));
				P(r, "</option>");
			}
		}
		P(r, "</select>");
	} else if (s->type == STORE_TYPE_SECRET) {
		P(r, "<input type=\"password\" autocomplete=\"new-password\" id=\"");
		P(r, s->key);
		P(r, "\" name=\"");
		P(r, s->key);
		P(r, ro ? "\" disabled> " : "\"> ");
		E(r, T(r, M_UNCHANGED));
		if (strcmp(s->key, "admin_mode_password") == 0 && !ro) {
			P(r, "</div><div class=\"field\"><label for=\"admin_mode_password2\">");
			E(r, T(r, M_CONFIRM));
			P(r, "</label> <input type=\"password\" autocomplete=\"new-password\" "
			     "id=\"admin_mode_password2\" name=\"admin_mode_password2\">");
		}
	} else {
		P(r, "<input type=\"text\" id=\"");
		P(r, s->key);
		P(r, "\" name=\"");
		P(r, s->key);
		P(r, "\" value=\"");
		E(r, row->running);
		P(r, ro ? "\" readonly>" : "\">");
	}
	if (ro) {
		P(r, " <span class=\"locked\">");
		E(r, T(r, M_LOCKED));
		P(r, "</span>");
	}
	for (size_t i = 0; i < nerr; i++)
		if (strcmp(errs[i].key, s->key) == 0) {
			P(r, " <span class=\"error\">");
			E(r, errs[i].msg);
			P(r, "</span>");
		}
	P(r, "</div>\n");
}

static void page_settings_form(struct wui_req *r, const struct page *pg,
			       const struct field_error *errs, size_t nerr)
{
	const struct store_snapshot *snap = wui_snapshot(r->w);

	P(r, "<form method=\"post\" action=\"");
	P(r, pg->path);
	P(r, "\">");
	page_token_field(r);
	for (size_t i = 0; i < snap->count; i++) {
		const struct store_row *row = &snap->rows[i];
		if (row->setting->wui_page && strcmp(row->setting->wui_page, pg->settings) == 0)
			page_field(r, row, errs, nerr);
	}
	P(r, "<button name=\"apply\" value=\"1\">");
	E(r, T(r, M_APPLY));
	P(r, "</button></form>\n");
}

/* HTTP status of a store error, one table for the whole UI. */
static int page_status(int err, const char **reason)
{
	static const struct { int err, code; const char *reason; } map[] = {
		{ STORE_E_UNKNOWN, 400, "Bad Request" },
		{ STORE_E_TYPE, 400, "Bad Request" },
		{ STORE_E_VALUE, 400, "Bad Request" },
		{ STORE_E_NOT_WRITABLE, 403, "Forbidden" },
		{ STORE_E_LOCKED, 403, "Forbidden" },
		{ STORE_E_INCONSISTENT, 409, "Conflict" },
		{ STORE_E_BUSY, 503, "Service Unavailable" },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].err == err) {
			*reason = map[i].reason;
			return map[i].code;
		}
	*reason = "Internal Server Error";
	return 500;
}

/* The URL of the UI after a change of the listeners, from the Host the browser used. */
static void page_where(struct wui_req *r)
{
	const struct store_snapshot *snap = wui_snapshot(r->w);
	const char *type = store_snapshot_find(snap, "webserver_type")->running;
	const char *host = evhttp_find_header(evhttp_request_get_input_headers(r->req), "Host");
	char h[300];

	snprintf(h, sizeof(h), "%s", host ? host : "phone");
	char *colon = strrchr(h, ':');
	if (colon && !strchr(colon, ']'))
		*colon = '\0';
	if (strcmp(type, "off") == 0) {
		page_note(r, "moved", T(r, M_NOW_OFF));
		return;
	}
	bool https = strcmp(type, "http") != 0;
	const char *port = store_snapshot_find(snap, https ? "https_port" : "http_port")->running;
	char url[400];
	snprintf(url, sizeof(url), "%s://%s:%s/", https ? "https" : "http", h, port);
	P(r, "<p class=\"moved\">");
	E(r, T(r, M_NOW_AT));
	P(r, " <a href=\"");
	E(r, url);
	P(r, "\">");
	E(r, url);
	P(r, "</a></p>\n");
}

/* Apply: the page's settings from the form as one transaction of the running layer. */
static void page_apply(struct wui_req *r, const struct page *pg, const struct wui_form *f)
{
	const struct store_snapshot *snap = wui_snapshot(r->w);
	struct field_error errs[WUI_FORM_FIELDS_MAX];
	size_t nerr = 0;
	int status = 200;
	const char *reason = "OK";
	bool moved = false;
	struct store_txn *txn = NULL;
	/* with admin rights (admin mode, or the admin password given) the phone's administrator
	 * writes: the phone's own settings too, never the provider's (the store refuses them to
	 * this role as well, should a lock come between this page and the commit) */
	struct store_actor who = { .source = STORE_SRC_WUI,
				   .role = page_may_admin(r) ? STORE_ROLE_LOCAL_ADMIN
							     : STORE_ROLE_SUBSCRIBER,
				   .principal = r->user };

	if (store_txn_begin(&txn, wui_store(r->w), STORE_TXN_RUNNING, &who)) {
		status = 503;
		reason = "Service Unavailable";
		goto render;
	}
	size_t nset = 0;
	for (size_t i = 0; i < snap->count; i++) {
		const struct store_row *row = &snap->rows[i];
		const struct store_setting *s = row->setting;
		if (!s->wui_page || strcmp(s->wui_page, pg->settings) != 0)
			continue;
		const char *v = wui_form_get(f, s->key);
		if (!v || (s->type == STORE_TYPE_SECRET && !v[0]))
			continue;
		if (page_read_only(r, row)) {
			if (s->type == STORE_TYPE_SECRET || strcmp(v, row->running) != 0) {
				snprintf(errs[nerr].key, sizeof(errs[0].key), "%s", s->key);
				snprintf(errs[nerr++].msg, sizeof(errs[0].msg), "%s: %s", s->key,
					 T(r, M_LOCKED));
				status = 403;
				reason = "Forbidden";
			}
			continue;
		}
		if (strcmp(s->key, "admin_mode_password") == 0) {
			const char *v2 = wui_form_get(f, "admin_mode_password2");
			if (!v2 || strcmp(v, v2) != 0) {
				snprintf(errs[nerr].key, sizeof(errs[0].key), "%s", s->key);
				snprintf(errs[nerr++].msg, sizeof(errs[0].msg), "%s", T(r, M_MISMATCH));
				if (status == 200) {
					status = 400;
					reason = "Bad Request";
				}
				continue;
			}
		}
		store_txn_set(txn, s->key, v);
		nset++;
	}
	if (!nerr && nset) {
		uint64_t seq = 0;
		int rc = store_txn_commit(txn, &seq);
		if (rc) {
			status = page_status(rc, &reason);
			for (size_t i = 0; i < store_txn_error_count(txn) && nerr < WUI_FORM_FIELDS_MAX; i++) {
				const struct store_param_error *e = store_txn_error(txn, i);
				snprintf(errs[nerr].key, sizeof(errs[0].key), "%s", e->key ? e->key : "");
				snprintf(errs[nerr++].msg, sizeof(errs[0].msg), "%s", e->msg);
			}
			if (!nerr)
				log_msg(LOG_WARNING, "wui: apply failed: %s", store_txn_errmsg(txn));
		} else if (seq) {
			log_msg(LOG_INFO, "wui: %s applied by %s (audit %llu)", pg->path, r->user,
				(unsigned long long)seq);
			moved = strcmp(pg->path, "/network") == 0;
			wui_refresh(r->w);
			wui_listeners_later(r->w);
			if (!r->s->used) /* new credentials ended the session with the others */
				r->s = NULL;
		}
	}
render:
	store_txn_free(txn);
	page_head(r, T(r, pg->title));
	if (!r->s) {
		page_note(r, "ok", T(r, M_RELOGIN));
		page_send(r, 200, "OK");
		return;
	}
	if (status == 200)
		page_note(r, "ok", T(r, M_APPLIED));
	else
		page_note(r, "error", T(r, M_NOT_APPLIED));
	if (moved)
		page_where(r);
	page_settings_form(r, pg, errs, nerr);
	page_send(r, status, reason);
}

/* ------------------------------------------------------------------------------- pages */

static void page_info(struct wui_req *r)
{
	const struct wui_conf *c = wui_conf(r->w);
	const char *host = evhttp_find_header(evhttp_request_get_input_headers(r->req), "Host");
	const struct { enum msg m; const char *v; } rows[] = {
		{ M_MODEL, c->model }, { M_FIRMWARE, c->sw_version }, { M_SERIAL, c->serial },
		{ M_MAC, c->mac }, { M_HOST, host ? host : "" },
	};

	page_head(r, T(r, M_INFO));
	P(r, "<table>");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		P(r, "<tr><th>");
		E(r, T(r, rows[i].m));
		P(r, "</th><td>");
		E(r, rows[i].v);
		P(r, "</td></tr>");
	}
	P(r, "</table>\n");
	page_send(r, 200, "OK");
}

static void page_security_status(struct wui_req *r)
{
	const struct store_snapshot *snap = wui_snapshot(r->w);
	struct store_compliance c;
	struct store_audit_entry *ae = NULL;
	size_t n = 0;

	page_head(r, T(r, M_STATUS));
	if (!store_compliance_eval(&c, snap)) {
		P(r, "<table><tr><th>");
		E(r, T(r, M_RULE));
		P(r, "</th><th>");
		E(r, T(r, M_RESULT));
		P(r, "</th></tr>");
		for (size_t i = 0; i < c.count; i++) {
			const struct store_rule *rule = store_compliance_rule(i);
			P(r, "<tr><td>");
			E(r, rule->title);
			if (c.status[i] == STORE_RULE_FAIL) {
				P(r, "<br><small>");
				E(r, rule->hint);
				P(r, "</small>");
			}
			P(r, "</td><td class=\"");
			P(r, c.status[i] == STORE_RULE_FAIL ? "fail" : "pass");
			P(r, "\">");
			E(r, store_rule_status_name(c.status[i]));
			P(r, "</td></tr>");
		}
		P(r, "</table>\n");
		store_compliance_clear(&c);
	}
	P(r, "<h3>");
	E(r, T(r, M_AUDIT));
	P(r, "</h3><table>");
	if (!store_audit_last(&ae, &n, wui_store(r->w), 20)) {
		for (size_t i = n; i-- > 0;) {
			char when[32];
			time_t t = (time_t)(ae[i].time_ms / 1000);
			struct tm tm;
			gmtime_r(&t, &tm);
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%SZ", &tm);
			evbuffer_add_printf(r->out, "<tr><td>%llu</td><td>%s</td><td>",
					    (unsigned long long)ae[i].seq, when);
			E(r, store_action_name(ae[i].action));
			P(r, "</td><td>");
			E(r, store_source_name(ae[i].source) ? store_source_name(ae[i].source) : "?");
			P(r, "</td><td>");
			E(r, ae[i].principal);
			P(r, "</td><td>");
			E(r, ae[i].keys);
			P(r, "</td></tr>");
		}
		store_audit_free(ae, n);
	}
	P(r, "</table>\n");
#ifdef WUI_BACKUP
	if (page_may_admin(r)) {
		P(r, "<h3>");
		E(r, T(r, M_BACKUP));
		P(r, "</h3><p><a href=\"/backup\">phonesec.conf</a></p><h3>");
		E(r, T(r, M_RESTORE));
		P(r, "</h3><form method=\"post\" action=\"/restore\">");
		page_token_field(r);
		P(r, "<textarea name=\"config\" rows=\"8\" cols=\"40\"></textarea><br><button>");
		E(r, T(r, M_APPLY));
		P(r, "</button></form>\n");
	}
#endif
	page_send(r, 200, "OK");
}

#ifdef WUI_BACKUP
/* GET /backup: the configuration file (store_config_export: no secret in it). */
static void page_backup(struct wui_req *r)
{
	char *text = NULL;

	if (store_config_export(&text, wui_store(r->w))) {
		wui_reply_error(r, 503, "Service Unavailable", store_errmsg(wui_store(r->w)));
		return;
	}
	evbuffer_add(r->out, text, strlen(text));
	free(text);
	evhttp_add_header(evhttp_request_get_output_headers(r->req), "Content-Disposition",
			  "attachment; filename=\"phonesec.conf\"");
	wui_reply(r, 200, "OK", "text/plain; charset=utf-8");
}

/* POST /restore: one import of the pasted file into the running layer, or nothing. */
static void page_restore(struct wui_req *r)
{
	struct evbuffer *b = evhttp_request_get_input_buffer(r->req);
	size_t len = evbuffer_get_length(b);
	const char *body = len ? (const char *)evbuffer_pullup(b, (ev_ssize_t)len) : "";
	char *tok = NULL, *text = NULL;
	const char *reason = "OK";
	int code = 200;

	if (!body || wui_form_field(&tok, body, len, "token", WUI_TOKEN_HEX) < 0 ||
	    wui_form_field(&text, body, len, "config", STORE_CONFIG_MAX) != 0) {
		wui_reply_error(r, 400, "Bad Request", "malformed form");
		goto out;
	}
	if (page_hidden_tags(r) && (!tok || strlen(tok) != WUI_TOKEN_HEX ||
				    CRYPTO_memcmp(tok, r->s->token, WUI_TOKEN_HEX) != 0)) {
		wui_reply_error(r, 403, "Forbidden", T(r, M_TOKEN));
		goto out;
	}
	/* the phone's administrator: the provider's settings and the locks stay as they are */
	struct store_actor who = { .source = STORE_SRC_WUI, .role = STORE_ROLE_LOCAL_ADMIN,
				   .principal = r->user };
	uint64_t seq = 0;
	int rc = store_config_import(&seq, wui_store(r->w), text, strlen(text), STORE_TXN_RUNNING,
				     &who);
	char msg[300];
	snprintf(msg, sizeof(msg), "%s", rc ? store_errmsg(wui_store(r->w)) : "");
	if (rc) {
		code = page_status(rc, &reason);
	} else {
		log_msg(LOG_INFO, "wui: configuration restored by %s (audit %llu)", r->user,
			(unsigned long long)seq);
		wui_refresh(r->w);
		wui_listeners_later(r->w);
		if (!r->s->used)
			r->s = NULL;
	}
	page_head(r, T(r, M_STATUS));
	page_note(r, rc ? "error" : "ok", rc ? msg : T(r, M_RESTORED));
	page_send(r, code, reason);
out:
	free(tok);
	free(text);
}
#endif

static void page_unlock(struct wui_req *r, const struct wui_form *f, bool wrong, bool locked)
{
	page_head(r, T(r, M_UNLOCK));
	if (wrong)
		page_note(r, "error", T(r, M_WRONG_PW));
	if (locked)
		page_note(r, "error", T(r, M_LOCKED_OUT));
	page_note(r, "", T(r, M_UNLOCK_TEXT));
	P(r, "<form method=\"post\" action=\"/unlock\">");
	page_token_field(r);
	P(r, "<div class=\"field\"><label for=\"admin_password\">");
	E(r, T(r, M_ADMIN_PW));
	P(r, "</label> <input type=\"password\" id=\"admin_password\" name=\"admin_password\"></div>"
	     "<button>OK</button></form>\n");
	page_send(r, wrong ? 403 : locked ? 429 : 200,
		  wrong ? "Forbidden" : locked ? "Too Many Requests" : "OK");
}

static void page_redirect(struct wui_req *r, const char *to)
{
	evhttp_add_header(evhttp_request_get_output_headers(r->req), "Location", to);
	P(r, "<!DOCTYPE html><p><a href=\"");
	P(r, to);
	P(r, "\">continue</a></p>\n");
	wui_reply(r, 303, "See Other", "text/html; charset=utf-8");
}

/* The request's form (POST bodies only). -1 after a 400 reply. */
static int page_form(struct wui_req *r, struct wui_form *f)
{
	struct evbuffer *b = evhttp_request_get_input_buffer(r->req);
	size_t len = evbuffer_get_length(b);
	const char *ct = evhttp_find_header(evhttp_request_get_input_headers(r->req), "Content-Type");

	if (len && (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0)) {
		wui_reply_error(r, 400, "Bad Request", "a form is application/x-www-form-urlencoded");
		return -1;
	}
	const char *body = len ? (const char *)evbuffer_pullup(b, (ev_ssize_t)len) : "";
	if (!body || wui_form_parse(f, body, len)) {
		wui_reply_error(r, 400, "Bad Request", "malformed form");
		return -1;
	}
	return 0;
}

void wui_page_handle(struct wui_req *r)
{
	struct wui_form *f = NULL;
	const struct page *pg = NULL;

#ifdef WUI_BACKUP
	if (strcmp(r->path, "/backup") == 0 || strcmp(r->path, "/restore") == 0) {
		bool restore = r->path[1] == 'r';
		if (!page_may_admin(r)) {
			wui_reply_error(r, 403, "Forbidden", T(r, M_ADMIN_ONLY));
		} else if (restore != (r->method == EVHTTP_REQ_POST)) {
			evhttp_add_header(evhttp_request_get_output_headers(r->req), "Allow",
					  restore ? "POST" : "GET, HEAD");
			wui_reply_error(r, 405, "Method Not Allowed", "wrong method");
		} else if (restore) {
			page_restore(r);
		} else {
			page_backup(r);
		}
		return;
	}
#endif
	if (r->method == EVHTTP_REQ_POST) {
		f = malloc(sizeof(*f));
		if (!f) {
			wui_reply_error(r, 503, "Service Unavailable", "out of memory");
			return;
		}
		if (page_form(r, f))
			goto out;
		if (page_hidden_tags(r)) {
			const char *tok = wui_form_get(f, "token");
			if (!tok || strlen(tok) != WUI_TOKEN_HEX ||
			    CRYPTO_memcmp(tok, r->s->token, WUI_TOKEN_HEX) != 0) {
				log_msg(LOG_NOTICE, "wui: form without a valid token refused");
				wui_reply_error(r, 403, "Forbidden", T(r, M_TOKEN));
				goto out;
			}
		}
	}
	for (size_t i = 0; i < NPAGES; i++)
		if (strcmp(r->path, pages[i].path) == 0)
			pg = &pages[i];
	if (strcmp(r->path, "/unlock") == 0) {
		if (r->method != EVHTTP_REQ_POST) {
			page_unlock(r, NULL, false, false);
			goto out;
		}
		uint32_t left = 0;
		if (!wui_admin_try_allowed(r->w, &left)) {
			page_unlock(r, f, false, true);
			goto out;
		}
		const char *pw = wui_form_get(f, "admin_password");
		bool ok = pw && store_secret_verify(wui_store(r->w), "admin_mode_password", pw) == STORE_OK;
		wui_admin_outcome(r->w, ok);
		if (!ok) {
			page_unlock(r, f, true, false);
			goto out;
		}
		r->s->admin = true;
		log_msg(LOG_INFO, "wui: admin pages unlocked by %s", r->user);
		page_redirect(r, "/security");
		goto out;
	}
	if (strcmp(r->path, "/save") == 0 || strcmp(r->path, "/logout") == 0) {
		if (r->method != EVHTTP_REQ_POST) {
			evhttp_add_header(evhttp_request_get_output_headers(r->req), "Allow", "POST");
			wui_reply_error(r, 405, "Method Not Allowed", "use the button");
			goto out;
		}
		if (r->path[1] == 'l') {
			memset(r->s, 0, sizeof(*r->s));
			r->s = NULL;
			evhttp_add_header(evhttp_request_get_output_headers(r->req), "Set-Cookie",
					  "wuisid=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
			page_head(r, T(r, M_LOGOUT));
			page_note(r, "ok", T(r, M_LOGGED_OUT));
			page_send(r, 200, "OK");
			goto out;
		}
		char err[256];
		int rc = wui_save(r->w, r->user, err, sizeof(err));
		page_head(r, T(r, M_SAVE));
		page_note(r, rc ? "error" : "ok", rc ? err : T(r, M_SAVED));
		const char *reason = "OK";
		page_send(r, rc ? page_status(rc, &reason) : 200, reason);
		goto out;
	}
	if (!pg) {
		wui_reply_error(r, 404, "Not Found", "no such page");
		goto out;
	}
	if (pg->admin && !page_may_admin(r)) {
		page_head(r, T(r, pg->title));
		page_note(r, "error", T(r, M_ADMIN_ONLY));
		P(r, "<p><a href=\"/unlock\">");
		E(r, T(r, M_UNLOCK));
		P(r, "</a></p>");
		page_send(r, 403, "Forbidden");
		goto out;
	}
	if (r->method == EVHTTP_REQ_POST) {
		if (!pg->settings) {
			evhttp_add_header(evhttp_request_get_output_headers(r->req), "Allow", "GET, HEAD");
			wui_reply_error(r, 405, "Method Not Allowed", "nothing to change here");
			goto out;
		}
		page_apply(r, pg, f);
		goto out;
	}
	if (pg->settings) {
		page_head(r, T(r, pg->title));
		page_settings_form(r, pg, NULL, 0);
		page_send(r, 200, "OK");
	} else if (strcmp(pg->path, "/") == 0) {
		page_info(r);
	} else {
		page_security_status(r);
	}
out:
	free(f);
}

/* ------------------------------------------------------------------------------- first run */

/* Whether the provider locked key: the first run leaves such a setting as the provider set it. */
static bool page_provider_locked(struct wui_req *r, const char *key)
{
	const struct store_row *row = store_snapshot_find(wui_snapshot(r->w), key);
	return !row || row->lock == STORE_LOCK_PROVIDER;
}

/* The first-run form's token from the request's cookie into tok (WUI_TOKEN_HEX + 1 bytes):
 * true when there is one of the right length. */
static bool page_firstrun_cookie(struct wui_req *r, char *tok)
{
	const char *cookies = evhttp_find_header(evhttp_request_get_input_headers(r->req), "Cookie");

	return cookies && wui_form_cookie(tok, WUI_TOKEN_HEX + 1, cookies, "wuifr") == 0 &&
	       strlen(tok) == WUI_TOKEN_HEX;
}

static void page_firstrun_form(struct wui_req *r, const char *error, int code, const char *reason)
{
	static const struct { const char *name, *key; enum msg label; bool pw; } fields[] = {
		{ "admin_pass", "admin_mode_password", M_ADMIN_PW, true },
		{ "admin_pass2", "admin_mode_password", M_CONFIRM, true },
		{ "user", "http_user", M_WUI_USER, false },
		{ "pass", "http_pass", M_WUI_PW, true },
		{ "pass2", "http_pass", M_CONFIRM, true },
	};

	page_head(r, T(r, M_FIRSTRUN));
	if (error)
		page_note(r, "error", error);
	if (page_provider_locked(r, "http_pass")) {
		page_note(r, "error", T(r, M_PROVIDER_WUI));
		page_send(r, code == 200 ? 403 : code, code == 200 ? "Forbidden" : reason);
		return;
	}
	/* no session yet: the form's token is also a SameSite=Strict cookie (double submit), so
	 * a page elsewhere that makes a browser on the phone's network post this form sends no
	 * cookie and is refused */
	char tok[WUI_TOKEN_HEX + 1], ck[128];
	if (!page_firstrun_cookie(r, tok)) { /* kept while the browser has it (its other requests,
						the favicon, get this page too) */
		if (wui_random_hex(tok, WUI_TOKEN_HEX)) {
			wui_reply_error(r, 503, "Service Unavailable", "no random numbers");
			return;
		}
		snprintf(ck, sizeof(ck), "wuifr=%s; Path=/; HttpOnly; SameSite=Strict%s", tok,
			 r->tls ? "; Secure" : "");
		evhttp_add_header(evhttp_request_get_output_headers(r->req), "Set-Cookie", ck);
	}
	page_note(r, "", T(r, M_FIRSTRUN_TEXT));
	P(r, "<form method=\"post\" action=\"/\"><input type=\"hidden\" name=\"token\" value=\"");
	P(r, tok);
	P(r, "\">");
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		evbuffer_add_printf(r->out, "<div class=\"field\"><label for=\"%s\">", fields[i].name);
		E(r, T(r, fields[i].label));
		if (page_provider_locked(r, fields[i].key)) {
			/* shown, not offered: the provider's value (never a secret) and why */
			P(r, "</label> <span class=\"locked\">");
			if (!fields[i].pw) {
				const struct store_row *row =
					store_snapshot_find(wui_snapshot(r->w), fields[i].key);
				E(r, row ? row->running : "");
				P(r, " (");
			}
			E(r, T(r, M_LOCKED));
			P(r, fields[i].pw ? "</span></div>" : ")</span></div>");
			if (fields[i].pw)
				i++; /* its confirmation with it */
			continue;
		}
		evbuffer_add_printf(r->out, "</label> <input type=\"%s\" id=\"%s\" name=\"%s\"%s></div>",
				    fields[i].pw ? "password" : "text", fields[i].name, fields[i].name,
				    fields[i].pw ? " autocomplete=\"new-password\"" : "");
	}
	P(r, "<button name=\"apply\" value=\"1\">");
	E(r, T(r, M_APPLY));
	P(r, "</button></form>\n");
	page_send(r, code, reason);
}

/* Sets key to value in txn unless the provider locked it (the commit checks the locks again). */
static void page_firstrun_set(struct wui_req *r, struct store_txn *txn, const char *key,
			      const char *value)
{
	if (!page_provider_locked(r, key))
		store_txn_set(txn, key, value);
}

/* Whether r's client may use the first-run page (firstrun_from); a refusal is logged. */
static bool page_firstrun_peer_ok(struct wui_req *r)
{
	static int64_t logged_ms;
	struct evhttp_connection *c = evhttp_request_get_connection(r->req);
	const struct sockaddr *sa = c ? evhttp_connection_get_addr(c) : NULL;

	if (wui_netacl_allows(&wui_conf(r->w)->firstrun_acl, sa))
		return true;
	if (log_due(&logged_ms, WUI_LOG_WINDOW_MS)) {
		char addr[INET6_ADDRSTRLEN] = "?";
		if (sa && sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
				  addr, sizeof(addr));
		else if (sa && sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
				  addr, sizeof(addr));
		log_msg(LOG_NOTICE, "wui: first-run page refused to %s (not in firstrun_from)", addr);
	}
	return false;
}

void wui_page_firstrun(struct wui_req *r)
{
	struct wui_form *f = NULL;

	if (!page_firstrun_peer_ok(r)) {
		page_head(r, T(r, M_FIRSTRUN));
		page_note(r, "error", T(r, M_FIRSTRUN_REMOTE));
		page_send(r, 403, "Forbidden");
		return;
	}
	/* by the phone's address or one of its names only: a name of another site that its DNS
	 * points at the phone (DNS rebinding) makes that site's page the first-run page's origin */
	const char *host = evhttp_find_header(evhttp_request_get_input_headers(r->req), "Host");
	if (!wui_form_host_known(host, wui_conf(r->w)->names) &&
	    !wui_form_host_known(host, "localhost")) {
		static int64_t logged_ms;
		if (log_due(&logged_ms, WUI_LOG_WINDOW_MS))
			log_msg(LOG_NOTICE, "wui: first-run page refused for a host name not the phone's");
		page_head(r, T(r, M_FIRSTRUN));
		page_note(r, "error", T(r, M_FIRSTRUN_HOST));
		page_send(r, 403, "Forbidden");
		return;
	}
	if (r->method != EVHTTP_REQ_POST) {
		page_firstrun_form(r, NULL, 200, "OK");
		return;
	}
	if (strcmp(r->path, "/") != 0) {
		wui_reply_error(r, 403, "Forbidden", "finish the first-run page first");
		return;
	}
	if (page_provider_locked(r, "http_pass")) {
		page_firstrun_form(r, NULL, 200, "OK"); /* 403: the provider sets the password */
		return;
	}
	f = malloc(sizeof(*f));
	if (!f) {
		wui_reply_error(r, 503, "Service Unavailable", "out of memory");
		return;
	}
	if (page_form(r, f))
		goto out;
	const char *tok = wui_form_get(f, "token");
	char ck[WUI_TOKEN_HEX + 1];
	if (!tok || strlen(tok) != WUI_TOKEN_HEX || !page_firstrun_cookie(r, ck) ||
	    CRYPTO_memcmp(tok, ck, WUI_TOKEN_HEX) != 0) {
		static int64_t logged_ms;
		if (log_due(&logged_ms, WUI_LOG_WINDOW_MS))
			log_msg(LOG_NOTICE, "wui: first-run form without its token refused");
		page_firstrun_form(r, T(r, M_TOKEN), 403, "Forbidden");
		goto out;
	}
	const bool admin_locked = page_provider_locked(r, "admin_mode_password");
	const bool user_locked = page_provider_locked(r, "http_user");
	const char *ap = wui_form_get(f, "admin_pass"), *ap2 = wui_form_get(f, "admin_pass2");
	const char *u = wui_form_get(f, "user"), *p = wui_form_get(f, "pass"),
		   *p2 = wui_form_get(f, "pass2");
	if (user_locked) {
		const struct store_row *row = store_snapshot_find(wui_snapshot(r->w), "http_user");
		u = row ? row->running : "";
	}
	if ((!admin_locked && (!ap || !ap2 || strcmp(ap, ap2) != 0)) || !u || !p || !p2 ||
	    strcmp(p, p2) != 0 || !u[0] || !p[0]) {
		page_firstrun_form(r, T(r, M_MISMATCH), 400, "Bad Request");
		goto out;
	}
	/* both layers: a first run undone by the next restart would leave the phone open. As the
	 * phone's administrator: what the provider locked stays as the provider set it. */
	char principal[sizeof(r->user_buf)];
	snprintf(principal, sizeof(principal), "%s", u);
	struct store_actor who = { .source = STORE_SRC_WUI, .role = STORE_ROLE_LOCAL_ADMIN,
				   .principal = principal };
	struct store_txn *txn = NULL;
	int rc = store_txn_begin(&txn, wui_store(r->w), STORE_TXN_BOTH, &who);
	if (!rc) {
		page_firstrun_set(r, txn, "admin_mode_password", ap);
		page_firstrun_set(r, txn, "http_user", u);
		store_txn_set(txn, "http_pass", p);
		page_firstrun_set(r, txn, "http_scheme", "digest");
		page_firstrun_set(r, txn, "use_hidden_tags", "on");
		rc = store_txn_commit(txn, NULL);
	}
	if (rc) {
		const char *reason = "Error";
		char msg[300];
		snprintf(msg, sizeof(msg), "%s", txn ? store_txn_errmsg(txn) : store_errmsg(wui_store(r->w)));
		store_txn_free(txn);
		page_firstrun_form(r, msg, page_status(rc, &reason), reason);
		goto out;
	}
	store_txn_free(txn);
	log_msg(LOG_NOTICE, "wui: first run done, web UI user %s", principal);
	wui_refresh(r->w);
	evhttp_add_header(evhttp_request_get_output_headers(r->req), "Set-Cookie",
			  "wuifr=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
	page_head(r, T(r, M_FIRSTRUN));
	page_note(r, "ok", T(r, M_FIRSTRUN_DONE));
	P(r, "<p><a href=\"/\">OK</a></p>");
	page_send(r, 200, "OK");
out:
	free(f);
}

void wui_page_style(struct wui_req *r)
{
	P(r, "body{font-family:sans-serif;margin:0;max-width:40em}"
	     "header{background:#234;color:#fff;padding:.5em}header a{color:#fff;margin-right:.6em}"
	     "h1{font-size:1.2em;margin:.2em 0}main{padding:.5em}"
	     ".field{margin:.4em 0}.field label{display:inline-block;min-width:12em}"
	     "input,select{font-size:1em;max-width:100%}form.save{display:inline}"
	     ".banner{padding:.3em;margin:.3em 0}.unsaved{background:#fd6;color:#000}"
	     ".insecure{background:#c33;color:#fff}.error{color:#c00}.ok{color:#070}"
	     ".locked{color:#666;font-style:italic}.fail{color:#c00}.pass{color:#070}"
	     "table{border-collapse:collapse}td,th{border-bottom:1px solid #ccc;padding:.2em;"
	     "text-align:left;vertical-align:top}\n");
	wui_reply(r, 200, "OK", "text/css; charset=utf-8");
}
