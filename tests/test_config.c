/* Unit tests of configuration files (store_config_export / store_config_import): the round trip,
 * locks, secrets never exported, one transaction or nothing, the line named, roles and bounds. */
#include "config.h"

#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "testutil.h"

static const struct store_actor admin = { STORE_SRC_TR069, STORE_ROLE_ADMIN, "acs" };
static const struct store_actor desk = { STORE_SRC_WUI, STORE_ROLE_SUBSCRIBER, "user" };

static char *value(struct store *st, const char *key)
{
	static char buf[256];
	char *v = NULL;

	buf[0] = '\0';
	if (store_get(&v, st, key) == STORE_OK)
		snprintf(buf, sizeof(buf), "%s", v);
	free(v);
	return buf;
}

static int import(struct store *st, const char *text, const struct store_actor *who)
{
	return store_config_import(NULL, st, text, strlen(text), STORE_TXN_BOTH, who);
}

static void test_round_trip(void)
{
	char *dir = NULL, *dir2 = NULL, *text = NULL, *again = NULL;
	struct store *st = tu_store_new(&dir, NULL), *st2 = tu_store_new(&dir2, NULL);
	const char *keys[] = { "http_port", "web_logout_timer" };
	struct store_audit_entry *e = NULL;
	uint64_t h0 = 0, h1 = 0, seq = 1;
	size_t n = 0;
	bool locked = false;
	int rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st2);
	CU_ASSERT_EQUAL(tu_set(st, "http_port", "8080", "use_hidden_tags", "on", "tr69_acs_url",
			       "https://acs.example.net/cwmp", "admin_mode_password", "Secret-Admin-9",
			       "tr69_acs_passwd", "Acs-Secret-77", NULL), STORE_OK);
	CU_ASSERT_EQUAL(store_lock_set(st, keys, 2, true, &admin), STORE_OK);
	CU_ASSERT_EQUAL(store_config_export(&text, st), STORE_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nhttp_port = 8080\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "tr69_acs_url = https://acs.example.net/cwmp\n"));
	/* secrets: neither their names nor their values */
	CU_ASSERT_PTR_NULL(strstr(text, "admin_mode_password ="));
	CU_ASSERT_PTR_NULL(strstr(text, "Secret-Admin-9"));
	CU_ASSERT_PTR_NULL(strstr(text, "Acs-Secret-77"));
	/* the locks, as the profiles write them; secrets' locks are no secret */
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n@lock "));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n@unlock "));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, " web_logout_timer"));
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		CU_ASSERT_PTR_NOT_NULL_FATAL(nl);
		CU_ASSERT((size_t)(nl - p) <= 1024);
		p = nl + 1;
	}

	/* into another phone: the same file out again, one audit entry of values by who */
	CU_ASSERT_EQUAL(store_audit_head(&h0, st2), STORE_OK);
	rc = store_config_import(&seq, st2, text, strlen(text), STORE_TXN_BOTH, &admin);
	if (rc)
		fprintf(stderr, "\nimport: %s\n", store_errmsg(st2));
	CU_ASSERT_EQUAL(rc, STORE_OK);
	CU_ASSERT(seq > h0);
	CU_ASSERT_EQUAL(store_lock_get(&locked, st2, "web_logout_timer"), STORE_OK);
	CU_ASSERT_TRUE(locked);
	CU_ASSERT_EQUAL(store_config_export(&again, st2), STORE_OK);
	CU_ASSERT_STRING_EQUAL(again, text);
	free(again);
	CU_ASSERT_EQUAL(store_audit_head(&h1, st2), STORE_OK);
	CU_ASSERT_EQUAL(store_audit_since(&e, &n, st2, h0, 10), STORE_OK);
	/* the values' entry and the lock entry, both by who */
	CU_ASSERT_EQUAL(n, 2);
	for (size_t i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(e[i].source, STORE_SRC_TR069);
		CU_ASSERT_STRING_EQUAL(e[i].principal, "acs");
		CU_ASSERT(e[i].action == STORE_ACT_LOCK ||
			  (e[i].action == STORE_ACT_SET && e[i].both_layers));
	}
	store_audit_free(e, n);

	/* the same file again changes nothing: no audit entry */
	CU_ASSERT_EQUAL(store_config_import(&seq, st2, text, strlen(text), STORE_TXN_BOTH, &admin),
			STORE_OK);
	CU_ASSERT_EQUAL(seq, 0);
	CU_ASSERT_EQUAL(store_audit_head(&h0, st2), STORE_OK);
	CU_ASSERT_EQUAL(h0, h1);
	/* the running layer alone when asked */
	CU_ASSERT_EQUAL(store_config_import(NULL, st2, "http_port = 8181\n", 16, STORE_TXN_RUNNING,
					    &admin), STORE_OK);
	{
		char *saved = NULL;
		CU_ASSERT_EQUAL(store_get_saved(&saved, st2, "http_port"), STORE_OK);
		CU_ASSERT_STRING_EQUAL(saved, "8080");
		free(saved);
	}
	CU_ASSERT_STRING_EQUAL(value(st2, "http_port"), "8181");
	free(text);
	store_close(st);
	store_close(st2);
	tu_rmtree(dir);
	tu_rmtree(dir2);
	free(dir);
	free(dir2);
}

/* Any error: nothing changes, and the message names the line (never a secret). */
static void test_bad_files(void)
{
	char *dir = NULL, *before = NULL, *after = NULL, big[STORE_CONFIG_MAX + 64];
	struct store *st = tu_store_new(&dir, NULL);
	static const struct {
		const char *text;
		int code;
		const char *msg;
	} bad[] = {
		{ "http_port = 81\ncolour = blue\n", STORE_E_UNKNOWN, "line 2: " },
		{ "http_port = 81\n\n# twice\nhttp_port = 82\n", STORE_E_PROFILE, "line 4: " },
		{ "http_port = 81\nwebserver_type = sometimes\n", STORE_E_VALUE, "line 2: webserver_type" },
		{ "http_port = abc\n", STORE_E_TYPE, "line 1: http_port" },
		/* the same port as https while both listeners are open: the combination names the line */
		{ "# ports\nweb_logout_timer = 6\nhttp_port = 443\n", STORE_E_INCONSISTENT, "line 3: " },
		{ "http_port 81\n", STORE_E_PROFILE, "line 1: expected" },
		{ "web_logout_timer = 6\n= 5\n", STORE_E_PROFILE, "line 2: expected" },
		{ "@lock\n", STORE_E_PROFILE, "line 1: @lock names no setting" },
		{ "@lock http_port colour\n", STORE_E_UNKNOWN, "line 1: " },
		{ "@lock http_port\n@unlock http_port\n", STORE_E_PROFILE, "line 2: " },
		{ "@locked http_port\n", STORE_E_PROFILE, "line 1: expected" },
		/* a secret's bad value: the message names the setting, never the value */
		{ "http_port = 81\nkeyboard_lock_pw = 12ab-Hidden\n", STORE_E_VALUE, "line 2: " },
	};
	char msg[512];

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(tu_set(st, "http_port", "8080", NULL), STORE_OK);
	CU_ASSERT_EQUAL(store_config_export(&before, st), STORE_OK);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = import(st, bad[i].text, &admin);
		snprintf(msg, sizeof(msg), "%s", store_errmsg(st));
		CU_ASSERT_EQUAL(rc, bad[i].code);
		if (strncmp(msg, bad[i].msg, strlen(bad[i].msg)))
			fprintf(stderr, "\nfile %zu: \"%s\"\n", i, msg);
		CU_ASSERT_EQUAL(strncmp(msg, bad[i].msg, strlen(bad[i].msg)), 0);
		CU_ASSERT_PTR_NULL(strstr(msg, "Hidden"));
		CU_ASSERT_STRING_EQUAL(value(st, "http_port"), "8080");
	}
	/* a line longer than 1024 bytes, a NUL byte, a file above the bound */
	memset(big, 'x', sizeof(big));
	memcpy(big, "tr69_acs_url = ", 15);
	CU_ASSERT_EQUAL(store_config_import(NULL, st, big, 1100, STORE_TXN_BOTH, &admin),
			STORE_E_PROFILE);
	CU_ASSERT_PTR_NOT_NULL(strstr(store_errmsg(st), "line 1: longer than"));
	CU_ASSERT_EQUAL(store_config_import(NULL, st, "http_port = 81\0\n", 16, STORE_TXN_BOTH,
					    &admin), STORE_E_PROFILE);
	CU_ASSERT_PTR_NOT_NULL(strstr(store_errmsg(st), "NUL"));
	for (size_t i = 0; i + 1 < sizeof(big); i += 16)
		memcpy(big + i, "# comment line \n", 16);
	CU_ASSERT_EQUAL(store_config_import(NULL, st, big, STORE_CONFIG_MAX + 1, STORE_TXN_BOTH,
					    &admin), STORE_E_PROFILE);
	CU_ASSERT_PTR_NOT_NULL(strstr(store_errmsg(st), "larger than"));
	/* at the bound itself: accepted (comments only change nothing) */
	CU_ASSERT_EQUAL(store_config_import(NULL, st, big, STORE_CONFIG_MAX, STORE_TXN_BOTH, &admin),
			STORE_OK);
	/* caller errors */
	CU_ASSERT_EQUAL(store_config_import(NULL, st, NULL, 3, STORE_TXN_BOTH, &admin),
			STORE_E_INVALID);
	CU_ASSERT_EQUAL(store_config_import(NULL, st, "", 0, STORE_TXN_LAZY, &admin), STORE_E_INVALID);
	CU_ASSERT_EQUAL(store_config_import(NULL, st, "", 0, STORE_TXN_BOTH, NULL), STORE_E_INVALID);
	CU_ASSERT_EQUAL(store_config_import(NULL, NULL, "", 0, STORE_TXN_BOTH, &admin),
			STORE_E_INVALID);
	CU_ASSERT_EQUAL(store_config_export(NULL, st), STORE_E_INVALID);
	CU_ASSERT_EQUAL(store_config_export(&after, NULL), STORE_E_INVALID);
	CU_ASSERT_EQUAL(store_config_export(&after, st), STORE_OK);
	CU_ASSERT_STRING_EQUAL(after, before);
	free(before);
	free(after);
	store_close(st);
	tu_rmtree(dir);
	free(dir);
}

/* Secrets may come in clear; a restored backup repeats the web user's name without the
 * password it cannot carry, and the password stays bound to that name. */
static void test_secrets(void)
{
	char *dir = NULL, *text = NULL;
	struct store *st = tu_store_new(&dir, NULL);
	const char *sec = "keyboard_lock_pw = 4711\r\nenable_keyboard_lock = on\r\n";
	int rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(import(st, sec, &admin), STORE_OK);
	CU_ASSERT_EQUAL(store_secret_verify(st, "keyboard_lock_pw", "4711"), STORE_OK);
	CU_ASSERT_STRING_EQUAL(value(st, "enable_keyboard_lock"), "on");
	CU_ASSERT_EQUAL(tu_set(st, "http_user", "desk", "http_pass", "Desk-Pass-1", NULL), STORE_OK);
	CU_ASSERT_EQUAL(store_config_export(&text, st), STORE_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(strstr(text, "http_user = desk\n"));
	CU_ASSERT_PTR_NULL(strstr(text, "Desk-Pass-1"));
	rc = import(st, text, &admin);
	if (rc)
		fprintf(stderr, "\nrestore: %s\n", store_errmsg(st));
	CU_ASSERT_EQUAL(rc, STORE_OK);
	CU_ASSERT_EQUAL(store_secret_verify(st, "http_pass", "Desk-Pass-1"), STORE_OK);
	/* another name without its password is still refused */
	CU_ASSERT_NOT_EQUAL(import(st, "http_user = someone\n", &admin), STORE_OK);
	CU_ASSERT_STRING_EQUAL(value(st, "http_user"), "desk");
	free(text);
	store_close(st);
	tu_rmtree(dir);
	free(dir);
}

/* The desk user may not import at all, whatever the file holds. */
static void test_roles(void)
{
	char *dir = NULL;
	struct store *st = tu_store_new(&dir, NULL);
	uint64_t h0 = 0, h1 = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(store_audit_head(&h0, st), STORE_OK);
	CU_ASSERT_EQUAL(import(st, "web_logout_timer = 6\n", &desk), STORE_E_LOCKED);
	CU_ASSERT_PTR_NOT_NULL(strstr(store_errmsg(st), "administrator role"));
	CU_ASSERT_EQUAL(import(st, "@unlock webserver_type\n", &desk), STORE_E_LOCKED);
	CU_ASSERT_EQUAL(import(st, "", &desk), STORE_E_LOCKED);
	CU_ASSERT_EQUAL(store_audit_head(&h1, st), STORE_OK);
	CU_ASSERT_EQUAL(h1, h0);
	CU_ASSERT_STRING_EQUAL(value(st, "web_logout_timer"), "5");
	store_close(st);
	tu_rmtree(dir);
	free(dir);
}

/* The three lock states survive an export and its import into another phone, the phone's own
 * ("@phone") included; the phone's administrator restores values but no lock and none of the
 * provider's settings. */
static void test_lock_states(void)
{
	static const struct store_actor phone = { STORE_SRC_WUI, STORE_ROLE_LOCAL_ADMIN, "padmin" };
	char *dir = NULL, *dir2 = NULL, *text = NULL, *again = NULL;
	struct store *st = tu_store_new(&dir, NULL), *st2 = tu_store_new(&dir2, NULL);
	const char *provider[] = { "webserver_type", "web_logout_timer" };
	const char *open[] = { "http_port" };
	uint64_t h0 = 0, h1 = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st2);
	CU_ASSERT_EQUAL(store_lock_set(st, provider, 2, true, &admin), STORE_OK);
	CU_ASSERT_EQUAL(store_lock_set(st, open, 1, false, &admin), STORE_OK);
	/* the other phone differs: its provider locked what the first leaves to the phone */
	const char *other[] = { "https_port" };
	CU_ASSERT_EQUAL(store_lock_set(st2, other, 1, true, &admin), STORE_OK);
	CU_ASSERT_EQUAL(store_config_export(&text, st), STORE_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n@phone "));
	CU_ASSERT_EQUAL(import(st2, text, &admin), STORE_OK);
	for (size_t i = 0; i < store_registry_count(); i++) {
		const char *key = store_registry_at(i)->key;
		enum store_lock a = STORE_LOCK_OPEN, b = STORE_LOCK_OPEN;
		CU_ASSERT_EQUAL(store_lock_state_get(&a, st, key), STORE_OK);
		CU_ASSERT_EQUAL(store_lock_state_get(&b, st2, key), STORE_OK);
		if (a != b)
			fprintf(stderr, "%s: lock state %d, imported %d\n", key, (int)a, (int)b);
		CU_ASSERT_EQUAL(a, b);
	}
	enum store_lock l = STORE_LOCK_OPEN;
	CU_ASSERT_EQUAL(store_lock_state_get(&l, st2, "https_port"), STORE_OK);
	CU_ASSERT_EQUAL(l, STORE_LOCK_PHONE);
	CU_ASSERT_EQUAL(store_lock_state_get(&l, st2, "webserver_type"), STORE_OK);
	CU_ASSERT_EQUAL(l, STORE_LOCK_PROVIDER);
	CU_ASSERT_EQUAL(store_lock_state_get(&l, st2, "http_port"), STORE_OK);
	CU_ASSERT_EQUAL(l, STORE_LOCK_OPEN);
	CU_ASSERT_EQUAL(store_config_export(&again, st2), STORE_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(again);
	CU_ASSERT_STRING_EQUAL(again, text);
	free(again);

	/* the phone's administrator: a backup of this phone comes back (the provider's settings it
	 * repeats unchanged are left alone) ... */
	CU_ASSERT_EQUAL(import(st, text, &phone), STORE_OK);
	CU_ASSERT_EQUAL(import(st, "https_port = 8443\n@phone https_port\n", &phone), STORE_OK);
	CU_ASSERT_STRING_EQUAL(value(st, "https_port"), "8443");
	/* ... but no lock changes and no provider's setting changes, and nothing is written */
	CU_ASSERT_EQUAL(store_audit_head(&h0, st), STORE_OK);
	CU_ASSERT_EQUAL(import(st, "https_port = 9443\n@unlock https_port\n", &phone),
			STORE_E_LOCKED);
	CU_ASSERT_EQUAL(import(st, "https_port = 9443\n@lock https_port\n", &phone), STORE_E_LOCKED);
	CU_ASSERT_EQUAL(import(st, "https_port = 9443\nweb_logout_timer = 9\n", &phone),
			STORE_E_LOCKED);
	CU_ASSERT_PTR_NOT_NULL(strstr(store_errmsg(st), "line 2: web_logout_timer: locked by your "
							"provider"));
	CU_ASSERT_EQUAL(store_audit_head(&h1, st), STORE_OK);
	CU_ASSERT_EQUAL(h1, h0);
	CU_ASSERT_STRING_EQUAL(value(st, "https_port"), "8443");
	CU_ASSERT_STRING_EQUAL(value(st, "web_logout_timer"), "5");
	CU_ASSERT_EQUAL(store_lock_state_get(&l, st, "https_port"), STORE_OK);
	CU_ASSERT_EQUAL(l, STORE_LOCK_PHONE);
	free(text);
	store_close(st);
	store_close(st2);
	tu_rmtree(dir);
	tu_rmtree(dir2);
	free(dir);
	free(dir2);
}

int main(void)
{
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("config", NULL, NULL);
	CU_add_test(s, "export and import round trip", test_round_trip);
	CU_add_test(s, "bad files change nothing", test_bad_files);
	CU_add_test(s, "secrets", test_secrets);
	CU_add_test(s, "roles", test_roles);
	CU_add_test(s, "three lock states, round trip and the phone's administrator",
		    test_lock_states);
	return tu_run();
}
