/* The hardening guide's checklist, rule by rule, computed from a snapshot of the settings.
 * The same table feeds `phonesec check`, the MIB's compliance table, TR-069 and the web UI. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "url.h"

typedef enum store_rule_status (*rule_eval)(const struct store_snapshot *snap);

struct rule {
	struct store_rule pub;
	rule_eval eval;
};

static const char *running(const struct store_snapshot *snap, const char *key)
{
	const struct store_row *r = store_snapshot_find(snap, key);
	return r && r->running ? r->running : "";
}

static bool on(const struct store_snapshot *snap, const char *key)
{
	return strcmp(running(snap, key), "on") == 0;
}

static bool wui_off(const struct store_snapshot *snap)
{
	return strcmp(running(snap, "webserver_type"), "off") == 0;
}

static enum store_rule_status admin_password(const struct store_snapshot *snap)
{
	const struct store_row *r = store_snapshot_find(snap, "admin_mode_password");
	if (!r || !r->secret_set || r->is_factory || !r->secret_strong)
		return STORE_RULE_FAIL;
	return STORE_RULE_PASS;
}

static enum store_rule_status wui_credentials(const struct store_snapshot *snap)
{
	const struct store_row *pw = store_snapshot_find(snap, "http_pass");
	if (wui_off(snap))
		return STORE_RULE_NA;
	return *running(snap, "http_user") && pw && pw->secret_set ? STORE_RULE_PASS : STORE_RULE_FAIL;
}

static enum store_rule_status hidden_tags(const struct store_snapshot *snap)
{
	if (wui_off(snap))
		return STORE_RULE_NA;
	return on(snap, "use_hidden_tags") ? STORE_RULE_PASS : STORE_RULE_FAIL;
}

static enum store_rule_status digest(const struct store_snapshot *snap)
{
	if (wui_off(snap))
		return STORE_RULE_NA;
	return strcmp(running(snap, "http_scheme"), "digest") == 0 ? STORE_RULE_PASS
								  : STORE_RULE_FAIL;
}

static enum store_rule_status user_mode(const struct store_snapshot *snap)
{
	return on(snap, "admin_mode") ? STORE_RULE_FAIL : STORE_RULE_PASS;
}

static enum store_rule_status https_only(const struct store_snapshot *snap)
{
	const char *t = running(snap, "webserver_type");
	return strcmp(t, "https") == 0 || strcmp(t, "off") == 0 ? STORE_RULE_PASS : STORE_RULE_FAIL;
}

static enum store_rule_status keypad_lock(const struct store_snapshot *snap)
{
	const struct store_row *pin = store_snapshot_find(snap, "keyboard_lock_pw");
	return on(snap, "enable_keyboard_lock") && pin && pin->secret_set ? STORE_RULE_PASS
									  : STORE_RULE_FAIL;
}

static enum store_rule_status acs_https(const struct store_snapshot *snap)
{
	const char *url = running(snap, "tr69_acs_url");
	if (!on(snap, "tr69_enable") || !*url)
		return STORE_RULE_NA;
	struct url u;
	return url_parse(&u, url, 0) == URL_OK && u.https ? STORE_RULE_PASS : STORE_RULE_FAIL;
}

static const struct rule rules[] = {
	{ { "admin-password", "Administrator password changed from the factory default",
	    "set admin_mode_password to a new password of at least 8 characters" },
	  admin_password },
	{ { "wui-credentials", "Web UI user and password set",
	    "set http_user and http_pass (or webserver_type=off)" },
	  wui_credentials },
	{ { "hidden-tags", "Hidden tags (CSRF tokens) on", "set use_hidden_tags=on" }, hidden_tags },
	{ { "digest", "Web UI uses Digest authentication", "set http_scheme=digest" }, digest },
	{ { "user-mode", "Phone in user mode", "set admin_mode=off" }, user_mode },
	{ { "https-only", "Web UI over HTTPS only, or off",
	    "set webserver_type=https (or off when the phone is provisioned remotely)" },
	  https_only },
	{ { "keypad-lock", "Keypad lock with a PIN",
	    "set keyboard_lock_pw to a PIN of 4-8 digits and enable_keyboard_lock=on" },
	  keypad_lock },
	{ { "acs-https", "ACS reached over HTTPS", "use an https:// tr69_acs_url" }, acs_https },
};

size_t store_compliance_count(void)
{
	return sizeof(rules) / sizeof(rules[0]);
}

const struct store_rule *store_compliance_rule(size_t i)
{
	return i < store_compliance_count() ? &rules[i].pub : NULL;
}

int store_compliance_eval(struct store_compliance *out, const struct store_snapshot *snap)
{
	size_t n = store_compliance_count();
	if (!out || !snap)
		return STORE_E_INVALID;
	out->status = calloc(n, sizeof(*out->status));
	if (!out->status)
		return STORE_E_NOMEM;
	out->count = n;
	out->hardened = true;
	for (size_t i = 0; i < n; i++) {
		out->status[i] = rules[i].eval(snap);
		if (out->status[i] == STORE_RULE_FAIL)
			out->hardened = false;
	}
	return STORE_OK;
}

void store_compliance_clear(struct store_compliance *c)
{
	if (!c)
		return;
	free(c->status);
	c->status = NULL;
	c->count = 0;
	c->hardened = false;
}
