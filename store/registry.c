/* The settings registry: one row per setting, the single source of truth for the store, the MIB,
 * the TR-069 data model, the web UI and the CLI. Adding a setting means adding a row here. */
#include "config.h"

#include <string.h>

#include "store.h"

static const struct store_enum scheme_enums[] = {
	{ .key = "basic", .number = 1, .tr069 = "Basic", .snmp = "basic", .label = "Basic" },
	{ .key = "digest", .number = 2, .tr069 = "Digest", .snmp = "digest", .label = "Digest" },
	{ 0 },
};

static const struct store_enum webserver_enums[] = {
	{ .key = "http_https", .number = 1, .snmp = "httpAndHttps", .label = "HTTP and HTTPS" },
	{ .key = "https", .number = 2, .snmp = "httpsOnly", .label = "HTTPS only" },
	{ .key = "http", .number = 3, .snmp = "httpOnly", .label = "HTTP only" },
	{ .key = "off", .number = 4, .snmp = "off", .label = "Off (no web UI)" },
	{ 0 },
};

/* Keep snmp_id unique: it is the sub-identifier of the object in phonesecSettings. */
static const struct store_setting registry[] = {
	{
		.key = "admin_mode_password", .type = STORE_TYPE_SECRET, .factory = "0000",
		.min = 4, .max = 64, .charset = STORE_CS_PRINTABLE, .secret = STORE_SECRET_VERIFY,
		.tr069 = "Users.User.1.Password", .snmp = "psAdminPassword", .snmp_id = 1,
		.wui_page = "security", .wui_label = "Administrator password",
		.help = "Password for admin mode on the phone and admin pages of the web UI (factory 0000)",
	},
	{
		.key = "admin_mode", .type = STORE_TYPE_BOOL, .factory = "on",
		.tr069 = "X_{VENDOR}_Security.AdminMode", .snmp = "psAdminMode", .snmp_id = 2,
		.wui_page = "security", .wui_label = "Admin mode",
		.help = "on: every user has the full menus; off: user mode, admin settings need the admin password",
	},
	{
		.key = "http_user", .type = STORE_TYPE_STRING, .factory = "", .flags = STORE_F_SUBSCRIBER,
		.min = 0, .max = 32, .charset = STORE_CS_USERNAME,
		.tr069 = "Users.User.2.Username", .snmp = "psHttpUser", .snmp_id = 3,
		.wui_page = "security", .wui_label = "HTTP server user",
		.help = "User name for the web UI (empty: no login asked)",
	},
	{
		.key = "http_pass", .type = STORE_TYPE_SECRET, .factory = "",
		.flags = STORE_F_SUBSCRIBER | STORE_F_EMPTY_OK, .min = 1, .max = 64,
		.charset = STORE_CS_PRINTABLE, .secret = STORE_SECRET_DIGEST, .user_key = "http_user",
		.realm = "phonesec",
		.tr069 = "Users.User.2.Password", .snmp = "psHttpPassword", .snmp_id = 4,
		.wui_page = "security", .wui_label = "HTTP server password",
		.help = "Password for the web UI; kept as PBKDF2 and RFC 7616 digest hashes",
	},
	{
		.key = "http_scheme", .type = STORE_TYPE_ENUM, .factory = "basic", .enums = scheme_enums,
		.tr069 = "UserInterface.HTTPAccess.{i}.X_{VENDOR}_AuthScheme",
		.snmp = "psHttpAuthScheme", .snmp_id = 5,
		.wui_page = "security", .wui_label = "Authentication scheme",
		.help = "HTTP authentication of the web UI: basic (over https; plain http always asks "
			"for digest) or digest (RFC 7616)",
	},
	{
		.key = "use_hidden_tags", .type = STORE_TYPE_BOOL, .factory = "off",
		.tr069 = "X_{VENDOR}_Security.HiddenTags", .snmp = "psHiddenTags", .snmp_id = 6,
		.wui_page = "security", .wui_label = "Hidden tags",
		.help = "on: every web UI form carries a per-session token against cross-site request forgery",
	},
	{
		.key = "webserver_type", .type = STORE_TYPE_ENUM, .factory = "http_https",
		.enums = webserver_enums, /* phonesec-wuid re-binds live: no restart */
		.tr069 = NULL, .snmp = "psWebServerType", .snmp_id = 7,
		.wui_page = "network", .wui_label = "Webserver connection type",
		.help = "Which web UI listeners are open: http_https, https (only), http (only) or off",
	},
	{
		.key = "http_port", .type = STORE_TYPE_UINT, .factory = "80",
		.min = 1, .max = 65535,
		.tr069 = "UserInterface.HTTPAccess.1.Port", .snmp = "psHttpPort", .snmp_id = 8,
		.wui_page = "network", .wui_label = "HTTP port",
		.help = "TCP port of the web UI over HTTP",
	},
	{
		.key = "https_port", .type = STORE_TYPE_UINT, .factory = "443",
		.min = 1, .max = 65535,
		.tr069 = "UserInterface.HTTPAccess.2.Port", .snmp = "psHttpsPort", .snmp_id = 9,
		.wui_page = "network", .wui_label = "HTTPS port",
		.help = "TCP port of the web UI over HTTPS",
	},
	{
		.key = "web_logout_timer", .type = STORE_TYPE_UINT, .factory = "5",
		.flags = STORE_F_SUBSCRIBER, .min = 1, .max = 1440,
		.tr069 = "X_{VENDOR}_Security.WebLogoutTimer", .snmp = "psWebLogoutTimer", .snmp_id = 10,
		.wui_page = "security", .wui_label = "Web logout timer (minutes)",
		.help = "Minutes of inactivity after which a web UI session ends",
	},
	{
		.key = "enable_keyboard_lock", .type = STORE_TYPE_BOOL, .factory = "off",
		.flags = STORE_F_SUBSCRIBER,
		.tr069 = "X_{VENDOR}_Phone.KeypadLock.Enable", .snmp = "psKeypadLockEnable", .snmp_id = 11,
		.wui_page = "preferences", .wui_label = "Lock keyboard",
		.help = "on: the keypad locks and needs the PIN (emergency numbers stay dialable)",
	},
	{
		.key = "keyboard_lock_pw", .type = STORE_TYPE_SECRET, .factory = "",
		.flags = STORE_F_SUBSCRIBER | STORE_F_EMPTY_OK, .min = 4, .max = 8,
		.charset = STORE_CS_DIGITS, .secret = STORE_SECRET_VERIFY,
		.tr069 = "X_{VENDOR}_Phone.KeypadLock.PIN", .snmp = "psKeypadLockPin", .snmp_id = 12,
		.wui_page = "preferences", .wui_label = "Keypad lock PIN",
		.help = "PIN of 4 to 8 digits that unlocks the keypad",
	},
	{
		.key = "keyboard_lock_timeout", .type = STORE_TYPE_UINT, .factory = "60",
		.flags = STORE_F_SUBSCRIBER, .min = 0, .max = 3600,
		.tr069 = "X_{VENDOR}_Phone.KeypadLock.Timeout", .snmp = "psKeypadLockTimeout",
		.snmp_id = 13, .wui_page = "preferences", .wui_label = "Keypad lock after (seconds)",
		.help = "Seconds of inactivity before the keypad locks (0: only when locked by hand)",
	},
	{
		.key = "keyboard_lock_emergency", .type = STORE_TYPE_STRING, .factory = "112,110,911",
		.min = 0, .max = 128, .charset = STORE_CS_DIALLIST,
		.tr069 = "X_{VENDOR}_Phone.KeypadLock.EmergencyNumbers",
		.snmp = "psKeypadLockEmergency", .snmp_id = 14,
		.wui_page = "preferences", .wui_label = "Emergency numbers",
		.help = "Comma-separated numbers that stay dialable while the keypad is locked",
	},
	{
		.key = "tr69_enable", .type = STORE_TYPE_BOOL, .factory = "on", .flags = STORE_F_RESTART,
		.tr069 = "ManagementServer.EnableCWMP", .snmp = "psCwmpEnable", .snmp_id = 15,
		.wui_page = "tr069", .wui_label = "TR-069 enabled",
		.help = "on: the phone contacts its ACS (TR-069 / CWMP)",
	},
	{
		.key = "tr69_acs_url", .type = STORE_TYPE_STRING, .factory = "",
		.flags = STORE_F_FORCED_INFORM, .min = 0, .max = 256, .charset = STORE_CS_URL,
		.tr069 = "ManagementServer.URL", .snmp = "psAcsUrl", .snmp_id = 16,
		.wui_page = "tr069", .wui_label = "ACS URL",
		.help = "URL of the ACS (https:// recommended); a change triggers a BOOTSTRAP inform",
	},
	{
		.key = "tr69_acs_user", .type = STORE_TYPE_STRING, .factory = "",
		.min = 0, .max = 256, .charset = STORE_CS_PRINTABLE,
		.tr069 = "ManagementServer.Username", .snmp = "psAcsUser", .snmp_id = 17,
		.wui_page = "tr069", .wui_label = "ACS user",
		.help = "User name the phone authenticates with at the ACS",
	},
	{
		.key = "tr69_acs_passwd", .type = STORE_TYPE_SECRET, .factory = "",
		.flags = STORE_F_EMPTY_OK, .min = 1, .max = 256, .charset = STORE_CS_PRINTABLE,
		.secret = STORE_SECRET_REVEAL,
		.tr069 = "ManagementServer.Password", .snmp = "psAcsPassword", .snmp_id = 18,
		.wui_page = "tr069", .wui_label = "ACS password",
		.help = "Password the phone authenticates with at the ACS (kept in the store, never shown)",
	},
	{
		.key = "tr69_periodic_enable", .type = STORE_TYPE_BOOL, .factory = "on",
		.tr069 = "ManagementServer.PeriodicInformEnable", .snmp = "psPeriodicInformEnable",
		.snmp_id = 19, .wui_page = "tr069", .wui_label = "Periodic inform",
		.help = "on: the phone contacts the ACS every periodic inform interval",
	},
	{
		.key = "tr69_periodic_interval", .type = STORE_TYPE_UINT, .factory = "3600",
		.min = 1, .max = 4294967295u,
		.tr069 = "ManagementServer.PeriodicInformInterval", .snmp = "psPeriodicInformInterval",
		.snmp_id = 20, .wui_page = "tr069", .wui_label = "Periodic inform interval (seconds)",
		.help = "Seconds between periodic informs",
	},
	{
		.key = "tr69_periodic_time", .type = STORE_TYPE_STRING, .factory = "0001-01-01T00:00:00Z",
		.min = 19, .max = 64, .charset = STORE_CS_DATETIME,
		.tr069 = "ManagementServer.PeriodicInformTime", .snmp = "psPeriodicInformTime",
		.snmp_id = 21, .wui_page = "tr069", .wui_label = "Periodic inform time",
		.help = "Reference time of periodic informs (0001-01-01T00:00:00Z: none)",
	},
	{
		.key = "tr69_cr_user", .type = STORE_TYPE_STRING, .factory = "",
		.min = 0, .max = 256, .charset = STORE_CS_USERNAME,
		.tr069 = "ManagementServer.ConnectionRequestUsername", .snmp = "psConnReqUser",
		.snmp_id = 22, .wui_page = "tr069", .wui_label = "Connection request user",
		.help = "User name the ACS must give to make the phone connect",
	},
	{
		.key = "tr69_cr_pass", .type = STORE_TYPE_SECRET, .factory = "",
		.flags = STORE_F_EMPTY_OK, .min = 1, .max = 256, .charset = STORE_CS_PRINTABLE,
		.secret = STORE_SECRET_DIGEST, .user_key = "tr69_cr_user", .realm = "phonesec-cr",
		.tr069 = "ManagementServer.ConnectionRequestPassword", .snmp = "psConnReqPassword",
		.snmp_id = 23, .wui_page = "tr069", .wui_label = "Connection request password",
		.help = "Password the ACS must give to make the phone connect (Digest only)",
	},
	{
		.key = "tr69_cr_port", .type = STORE_TYPE_UINT, .factory = "7547",
		.flags = STORE_F_RESTART, .min = 1, .max = 65535,
		.tr069 = "ManagementServer.X_{VENDOR}_ConnectionRequestPort", .snmp = "psConnReqPort",
		.snmp_id = 24, .wui_page = "tr069", .wui_label = "Connection request port",
		.help = "TCP port of the connection request listener",
	},
	{
		.key = "tr69_retry_min_wait", .type = STORE_TYPE_UINT, .factory = "5",
		.min = 1, .max = 65535,
		.tr069 = "ManagementServer.CWMPRetryMinimumWaitInterval", .snmp = "psRetryMinWait",
		.snmp_id = 25, .wui_page = "tr069", .wui_label = "Retry minimum wait (seconds)",
		.help = "m of TR-069 3.2.1.1: first session retry waits m to m*k/1000 seconds",
	},
	{
		.key = "tr69_retry_multiplier", .type = STORE_TYPE_UINT, .factory = "2000",
		.min = 1000, .max = 65535,
		.tr069 = "ManagementServer.CWMPRetryIntervalMultiplier", .snmp = "psRetryMultiplier",
		.snmp_id = 26, .wui_page = "tr069", .wui_label = "Retry interval multiplier",
		.help = "k of TR-069 3.2.1.1, in thousandths (2000: the wait doubles)",
	},
};

size_t store_registry_count(void)
{
	return sizeof(registry) / sizeof(registry[0]);
}

const struct store_setting *store_registry_at(size_t i)
{
	return i < store_registry_count() ? &registry[i] : NULL;
}

int store_registry_index(const char *key)
{
	if (!key)
		return -1;
	for (size_t i = 0; i < store_registry_count(); i++)
		if (strcmp(registry[i].key, key) == 0)
			return (int)i;
	return -1;
}

const struct store_setting *store_registry_find(const char *key)
{
	int i = store_registry_index(key);
	return i < 0 ? NULL : &registry[i];
}

const struct store_enum *store_enum_by_key(const struct store_setting *s, const char *key)
{
	if (!s || s->type != STORE_TYPE_ENUM || !key)
		return NULL;
	for (const struct store_enum *e = s->enums; e->key; e++)
		if (strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

const struct store_enum *store_enum_by_number(const struct store_setting *s, int number)
{
	if (!s || s->type != STORE_TYPE_ENUM)
		return NULL;
	for (const struct store_enum *e = s->enums; e->key; e++)
		if (e->number == number)
			return e;
	return NULL;
}
