/* Unit tests of transactions: all-or-nothing commits, per-parameter error codes, consistency,
 * running/saved layers, provider locks, daemon state and factory reset. */
#include "config.h"

#include <CUnit/CUnit.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "internal.h" /* the connection's synchronous setting after a lazy commit */
#include "store.h"
#include "testutil.h"

static struct store *st;
static char *dir, *path;

static int setup(void)
{
	st = tu_store_new(&dir, &path);
	return st ? 0 : 1;
}

static int teardown(void)
{
	store_close(st);
	tu_rmtree(dir);
	free(dir);
	free(path);
	return 0;
}

static const struct store_actor admin = { STORE_SRC_CLI, STORE_ROLE_ADMIN, "tester" };
static const struct store_actor desk = { STORE_SRC_WUI, STORE_ROLE_SUBSCRIBER, "desk" };

static void expect_value(const char *key, const char *want)
{
	char *v = NULL;
	CU_ASSERT_EQUAL_FATAL(store_get(&v, st, key), STORE_OK);
	if (strcmp(v, want) != 0)
		fprintf(stderr, "%s: '%s', expected '%s'\n", key, v, want);
	CU_ASSERT_STRING_EQUAL(v, want);
	free(v);
}

static void expect_saved(const char *key, const char *want)
{
	char *v = NULL;
	CU_ASSERT_EQUAL_FATAL(store_get_saved(&v, st, key), STORE_OK);
	CU_ASSERT_STRING_EQUAL(v, want);
	free(v);
}

static uint64_t head(void)
{
	uint64_t h = 0;
	CU_ASSERT_EQUAL(store_audit_head(&h, st), STORE_OK);
	return h;
}

/* A transaction of daemon state alone on h (flags: STORE_TXN_BOTH, | STORE_TXN_LAZY): name set to
 * value (NULL deletes); returns the commit's result, *seq its audit sequence when seq is given. */
static int state_commit(struct store *h, unsigned flags, const char *name, const char *value,
			uint64_t *seq)
{
	struct store_txn *t = NULL;
	CU_ASSERT_EQUAL_FATAL(store_txn_begin(&t, h, flags, &admin), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set_state(t, name, value), STORE_OK);
	int rc = store_txn_commit(t, seq);
	store_txn_free(t);
	return rc;
}

/* The state row name as read through h: want, or absent when want is NULL. */
static void expect_state(struct store *h, const char *name, const char *want)
{
	char *v = NULL;
	if (!want) {
		CU_ASSERT_EQUAL(store_state_get(&v, h, name), STORE_E_NOT_FOUND);
		return;
	}
	CU_ASSERT_EQUAL_FATAL(store_state_get(&v, h, name), STORE_OK);
	CU_ASSERT_STRING_EQUAL(v, want);
	free(v);
}

static void test_all_or_nothing(void)
{
	struct store_txn *t = NULL;
	uint64_t before = head(), seq = 42;
	CU_ASSERT_EQUAL_FATAL(store_txn_begin(&t, st, STORE_TXN_RUNNING, &admin), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set(t, "web_logout_timer", "10"), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set(t, "http_port", "70000"), STORE_E_VALUE);
	CU_ASSERT_EQUAL(store_txn_set(t, "use_hidden_tags", "on"), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set(t, "https_port", "x"), STORE_E_TYPE);
	CU_ASSERT_EQUAL(store_txn_set(t, "bogus_key", "1"), STORE_E_UNKNOWN);
	CU_ASSERT_EQUAL(store_txn_set(t, "web_logout_timer", "11"), STORE_E_INVALID);
	CU_ASSERT_EQUAL(store_txn_set(t, NULL, "1"), STORE_E_INVALID);
	CU_ASSERT_EQUAL(store_txn_set(t, "http_user", NULL), STORE_E_INVALID);
	CU_ASSERT_EQUAL(store_txn_commit(t, &seq), STORE_E_VALUE);
	CU_ASSERT_EQUAL(seq, 0);
	CU_ASSERT_EQUAL_FATAL(store_txn_error_count(t), 6);
	CU_ASSERT_STRING_EQUAL(store_txn_error(t, 0)->key, "http_port");
	CU_ASSERT_EQUAL(store_txn_error(t, 0)->code, STORE_E_VALUE);
	CU_ASSERT_STRING_EQUAL(store_txn_error(t, 0)->msg, "http_port: 70000 is out of range 1..65535");
	CU_ASSERT_STRING_EQUAL(store_txn_errmsg(t), "http_port: 70000 is out of range 1..65535");
	CU_ASSERT_EQUAL(store_txn_error(t, 1)->code, STORE_E_TYPE);
	CU_ASSERT_STRING_EQUAL(store_txn_error(t, 2)->key, "bogus_key");
	CU_ASSERT_EQUAL(store_txn_error(t, 2)->code, STORE_E_UNKNOWN);
	CU_ASSERT_PTR_NOT_NULL(strstr(store_txn_error(t, 3)->msg, "more than once"));
	CU_ASSERT_PTR_NULL(store_txn_error(t, 6));
	store_txn_free(t);
	expect_value("web_logout_timer", "5");
	expect_value("use_hidden_tags", "off");
	CU_ASSERT_EQUAL(head(), before);
}

static void test_commit_and_misuse(void)
{
	struct store_txn *t = NULL;
	uint64_t before = head(), seq = 0;
	CU_ASSERT_EQUAL(store_txn_begin(&t, st, 0x80, &admin), STORE_E_INVALID);
	CU_ASSERT_EQUAL(store_txn_begin(&t, NULL, 0, &admin), STORE_E_INVALID);
	CU_ASSERT_EQUAL_FATAL(store_txn_begin(&t, st, STORE_TXN_RUNNING, &admin), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set(t, "web_logout_timer", "7"), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set(t, "keyboard_lock_timeout", "30"), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_commit(t, &seq), STORE_OK);
	CU_ASSERT_EQUAL(seq, before + 1);
	CU_ASSERT_FALSE(store_txn_needs_restart(t));
	CU_ASSERT_EQUAL(store_txn_commit(t, &seq), STORE_E_INVALID); /* once only */
	CU_ASSERT_EQUAL(store_txn_set(t, "web_logout_timer", "8"), STORE_E_INVALID);
	store_txn_free(t);
	expect_value("web_logout_timer", "7");
	expect_value("keyboard_lock_timeout", "30");

	/* the same values again: nothing changes, no audit entry */
	CU_ASSERT_EQUAL_FATAL(store_txn_begin(&t, st, STORE_TXN_RUNNING, &admin), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set(t, "web_logout_timer", "007"), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_commit(t, &seq), STORE_OK);
	CU_ASSERT_EQUAL(seq, 0);
	store_txn_free(t);
	CU_ASSERT_EQUAL(head(), before + 1);

	/* a restart-needing setting is flagged; the web UI's port, applied live, is not */
	CU_ASSERT_EQUAL_FATAL(store_txn_begin(&t, st, STORE_TXN_RUNNING, &admin), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set(t, "http_port", "8080"), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_commit(t, NULL), STORE_OK);
	CU_ASSERT_FALSE(store_txn_needs_restart(t));
	store_txn_free(t);
	CU_ASSERT_EQUAL(tu_set(st, "http_port", "80", NULL), STORE_OK);
	CU_ASSERT_EQUAL_FATAL(store_txn_begin(&t, st, STORE_TXN_RUNNING, &admin), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set(t, "tr69_cr_port", "17547"), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_commit(t, NULL), STORE_OK);
	CU_ASSERT_TRUE(store_txn_needs_restart(t));
	store_txn_free(t);
	CU_ASSERT_EQUAL(tu_set(st, "tr69_cr_port", "7547", NULL), STORE_OK);
}

static void expect_inconsistent(const char *bad, const char *fragment, ...)
{
	struct store_txn *t = NULL;
	va_list ap;
	uint64_t before = head();
	CU_ASSERT_EQUAL_FATAL(store_txn_begin(&t, st, STORE_TXN_RUNNING, &admin), STORE_OK);
	va_start(ap, fragment);
	for (const char *k; (k = va_arg(ap, const char *));)
		CU_ASSERT_EQUAL(store_txn_set(t, k, va_arg(ap, const char *)), STORE_OK);
	va_end(ap);
	CU_ASSERT_EQUAL(store_txn_commit(t, NULL), STORE_E_INCONSISTENT);
	CU_ASSERT_EQUAL_FATAL(store_txn_error_count(t), 1);
	CU_ASSERT_STRING_EQUAL(store_txn_error(t, 0)->key, bad);
	CU_ASSERT_EQUAL(store_txn_error(t, 0)->code, STORE_E_INCONSISTENT);
	if (!strstr(store_txn_error(t, 0)->msg, fragment)) {
		fprintf(stderr, "'%s' lacks '%s'\n", store_txn_error(t, 0)->msg, fragment);
		CU_FAIL("message");
	}
	store_txn_free(t);
	CU_ASSERT_EQUAL(head(), before);
}

static void test_consistency(void)
{
	/* Digest alone, then the user, then the password: one setting at a time, as ACSs and NMSs
	 * write them (the scheme takes effect once the credentials exist) */
	CU_ASSERT_EQUAL(tu_set(st, "http_scheme", "digest", NULL), STORE_OK);
	expect_value("http_scheme", "digest");
	CU_ASSERT_EQUAL(tu_set(st, "http_user", "carol", NULL), STORE_OK); /* no password kept yet */
	CU_ASSERT_EQUAL(tu_set(st, "http_pass", "pw-for-carol", NULL), STORE_OK);
	CU_ASSERT_EQUAL(store_secret_verify(st, "http_pass", "pw-for-carol"), STORE_OK);
	/* the password cleared while Digest is on: accepted too (the checklist reports it) */
	CU_ASSERT_EQUAL(tu_set(st, "http_pass", "", NULL), STORE_OK);
	CU_ASSERT_EQUAL(tu_set(st, "http_scheme", "basic", "http_user", "", NULL), STORE_OK);
	expect_inconsistent("https_port", "must differ", "https_port", "80", NULL);
	expect_inconsistent("http_port", "must differ", "http_port", "443", NULL);
	expect_inconsistent("tr69_cr_port", "connection request port", "tr69_cr_port", "443",
			    NULL);
	/* the http listener's port too, while it is open; https only or off frees it */
	expect_inconsistent("tr69_cr_port", "connection request port", "tr69_cr_port", "80", NULL);
	expect_inconsistent("tr69_cr_port", "connection request port", "webserver_type", "http",
			    "tr69_cr_port", "80", NULL);
	expect_inconsistent("http_port", "connection request port", "http_port", "7547", NULL);
	CU_ASSERT_EQUAL(tu_set(st, "webserver_type", "https", "tr69_cr_port", "80", NULL), STORE_OK);
	expect_value("tr69_cr_port", "80");
	expect_inconsistent("tr69_cr_port", "connection request port", "webserver_type", "http",
			    NULL);
	CU_ASSERT_EQUAL(tu_set(st, "webserver_type", "off", "tr69_cr_port", "443", NULL), STORE_OK);
	CU_ASSERT_EQUAL(tu_set(st, "webserver_type", "http_https", "tr69_cr_port", "7547", NULL),
			STORE_OK);
	expect_inconsistent("enable_keyboard_lock", "needs a PIN", "enable_keyboard_lock", "on",
			    NULL);
	expect_value("http_scheme", "basic");
	/* https only: the http port may then equal the https port */
	CU_ASSERT_EQUAL(tu_set(st, "webserver_type", "https", "http_port", "443", NULL), STORE_OK);
	CU_ASSERT_EQUAL(tu_set(st, "webserver_type", "http_https", "http_port", "80", NULL),
			STORE_OK);
	/* digest with user and password in one change */
	CU_ASSERT_EQUAL(tu_set(st, "http_scheme", "digest", "http_user", "bob", "http_pass",
			       "pw-for-bob", NULL),
			STORE_OK);
	/* a new user name without its password would leave stale digest hashes */
	expect_inconsistent("http_user", "same change", "http_user", "alice", NULL);
	CU_ASSERT_EQUAL(tu_set(st, "http_user", "alice", "http_pass", "pw-for-alice", NULL), STORE_OK);
	/* the same user name again (a configuration restored) is no new user name */
	CU_ASSERT_EQUAL(tu_set(st, "http_user", "alice", "web_logout_timer", "7", NULL), STORE_OK);
	CU_ASSERT_EQUAL(store_secret_verify(st, "http_pass", "pw-for-alice"), STORE_OK);
	expect_inconsistent("http_user", "same change", "http_user", "alice2", NULL);
	CU_ASSERT_EQUAL(tu_set(st, "http_scheme", "basic", NULL), STORE_OK);
	CU_ASSERT_EQUAL(tu_set(st, "keyboard_lock_pw", "2468", "enable_keyboard_lock", "on", NULL),
			STORE_OK);
	expect_inconsistent("keyboard_lock_pw", "needs a PIN", "keyboard_lock_pw", "", NULL);
	CU_ASSERT_EQUAL(tu_set(st, "enable_keyboard_lock", "off", NULL), STORE_OK);
}

static void test_check_without_commit(void)
{
	struct store_txn *t = NULL;
	uint64_t before = head();
	/* a passing check writes nothing; the commit then succeeds */
	CU_ASSERT_EQUAL_FATAL(store_txn_begin(&t, st, STORE_TXN_BOTH, &admin), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set(t, "web_logout_timer", "12"), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_check(t), STORE_OK);
	CU_ASSERT_EQUAL(head(), before);
	expect_value("web_logout_timer", "7");
	CU_ASSERT_EQUAL(store_txn_commit(t, NULL), STORE_OK);
	store_txn_free(t);
	expect_value("web_logout_timer", "12");
	/* an inconsistent set fails the check, names the key, and can no longer commit */
	CU_ASSERT_EQUAL(tu_set(st, "keyboard_lock_pw", "", NULL), STORE_OK);
	CU_ASSERT_EQUAL_FATAL(store_txn_begin(&t, st, STORE_TXN_BOTH, &admin), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set(t, "enable_keyboard_lock", "on"), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_check(t), STORE_E_INCONSISTENT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(store_txn_error(t, 0));
	CU_ASSERT_STRING_EQUAL(store_txn_error(t, 0)->key, "enable_keyboard_lock");
	CU_ASSERT_EQUAL(store_txn_commit(t, NULL), STORE_E_INCONSISTENT);
	store_txn_free(t);
	expect_value("enable_keyboard_lock", "off");
	CU_ASSERT_EQUAL(store_txn_check(NULL), STORE_E_INVALID);
	store_set_busy_timeout(st, 500);
	store_set_busy_timeout(st, 15000);
}

static void test_layers(void)
{
	struct store_snapshot *snap = NULL;
	struct store_txn *t = NULL;
	CU_ASSERT_EQUAL(tu_set(st, "web_logout_timer", "7", NULL), STORE_OK);
	CU_ASSERT_EQUAL_FATAL(store_save(st, &admin), STORE_OK);
	CU_ASSERT_EQUAL(tu_set(st, "web_logout_timer", "15", NULL), STORE_OK);
	expect_value("web_logout_timer", "15");
	expect_saved("web_logout_timer", "7");
	CU_ASSERT_EQUAL_FATAL(store_snapshot_take(&snap, st), STORE_OK);
	CU_ASSERT_TRUE(snap->unsaved);
	CU_ASSERT_TRUE(store_snapshot_find(snap, "web_logout_timer")->unsaved);
	CU_ASSERT_FALSE(store_snapshot_find(snap, "http_port")->unsaved);
	CU_ASSERT_EQUAL(store_snapshot_find(snap, "web_logout_timer")->source, STORE_SRC_CLI);
	store_snapshot_free(snap);

	/* discard: running back to saved */
	CU_ASSERT_EQUAL(store_discard(st, &admin), STORE_OK);
	expect_value("web_logout_timer", "7");

	/* save: running becomes saved */
	CU_ASSERT_EQUAL(tu_set(st, "web_logout_timer", "20", NULL), STORE_OK);
	CU_ASSERT_EQUAL(store_save(st, &admin), STORE_OK);
	expect_saved("web_logout_timer", "20");

	/* boot: an unsaved change is gone after a restart */
	CU_ASSERT_EQUAL(tu_set(st, "web_logout_timer", "30", NULL), STORE_OK);
	CU_ASSERT_EQUAL(store_boot(st, &admin), STORE_OK);
	expect_value("web_logout_timer", "20");
	CU_ASSERT_EQUAL_FATAL(store_snapshot_take(&snap, st), STORE_OK);
	CU_ASSERT_FALSE(snap->unsaved);
	CU_ASSERT_EQUAL(store_snapshot_find(snap, "web_logout_timer")->source, STORE_SRC_BOOT);
	store_snapshot_free(snap);

	/* remote managers write both layers */
	CU_ASSERT_EQUAL_FATAL(store_txn_begin(&t, st, STORE_TXN_BOTH, &admin), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set(t, "web_logout_timer", "25"), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_commit(t, NULL), STORE_OK);
	store_txn_free(t);
	expect_value("web_logout_timer", "25");
	expect_saved("web_logout_timer", "25");

	/* nothing to save: no audit entry */
	{
		uint64_t h = head();
		CU_ASSERT_EQUAL(store_save(st, &admin), STORE_OK);
		CU_ASSERT_EQUAL(store_boot(st, &admin), STORE_OK);
		CU_ASSERT_EQUAL(head(), h);
	}
}

static void test_locks(void)
{
	struct store_txn *t = NULL;
	bool locked = false;
	const char *keys[] = { "http_user", "web_logout_timer" };
	const char *bogus[] = { "http_user", "nope" };

	/* registry defaults: the security core is provider-only, the login is the desk user's */
	CU_ASSERT_EQUAL(store_lock_get(&locked, st, "admin_mode"), STORE_OK);
	CU_ASSERT_TRUE(locked);
	CU_ASSERT_EQUAL(store_lock_get(&locked, st, "http_user"), STORE_OK);
	CU_ASSERT_FALSE(locked);
	CU_ASSERT_EQUAL(store_lock_get(&locked, st, "nope"), STORE_E_UNKNOWN);

	/* the desk user is refused a locked setting, with a message saying so */
	CU_ASSERT_EQUAL_FATAL(store_txn_begin(&t, st, STORE_TXN_RUNNING, &desk), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set(t, "webserver_type", "http"), STORE_E_LOCKED);
	CU_ASSERT_EQUAL(store_txn_set(t, "web_logout_timer", "9"), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_commit(t, NULL), STORE_E_LOCKED);
	CU_ASSERT_STRING_EQUAL(store_txn_errmsg(t), "webserver_type: locked by your provider");
	store_txn_free(t);
	expect_value("web_logout_timer", "25");

	/* the provider locks two more; the desk user loses them, the admin keeps them */
	CU_ASSERT_EQUAL(store_lock_set(st, keys, 2, true, &desk), STORE_E_LOCKED);
	CU_ASSERT_EQUAL(store_lock_set(st, bogus, 2, true, &admin), STORE_E_UNKNOWN);
	CU_ASSERT_EQUAL(store_lock_get(&locked, st, "http_user"), STORE_OK);
	CU_ASSERT_FALSE(locked); /* the failed call changed nothing */
	CU_ASSERT_EQUAL(store_lock_set(st, keys, 2, true, &admin), STORE_OK);
	CU_ASSERT_EQUAL_FATAL(store_txn_begin(&t, st, STORE_TXN_RUNNING, &desk), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set(t, "web_logout_timer", "9"), STORE_E_LOCKED);
	store_txn_free(t);
	CU_ASSERT_EQUAL(tu_set(st, "web_logout_timer", "9", NULL), STORE_OK);

	/* unlocked again: the desk user may */
	CU_ASSERT_EQUAL(store_lock_set(st, keys, 2, false, &admin), STORE_OK);
	CU_ASSERT_EQUAL_FATAL(store_txn_begin(&t, st, STORE_TXN_RUNNING, &desk), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set(t, "web_logout_timer", "10"), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_commit(t, NULL), STORE_OK);
	store_txn_free(t);
	expect_value("web_logout_timer", "10");

	/* locking twice records one entry only */
	{
		uint64_t h;
		CU_ASSERT_EQUAL(store_lock_set(st, keys, 1, true, &admin), STORE_OK);
		h = head();
		CU_ASSERT_EQUAL(store_lock_set(st, keys, 1, true, &admin), STORE_OK);
		CU_ASSERT_EQUAL(head(), h);
		CU_ASSERT_EQUAL(store_lock_set(st, keys, 1, false, &admin), STORE_OK);
	}
}

static void test_state(void)
{
	struct store_txn *t = NULL;
	expect_state(st, "cwmp.parameter_key", NULL);
	/* state commits with the values, or not at all */
	CU_ASSERT_EQUAL_FATAL(store_txn_begin(&t, st, STORE_TXN_BOTH, &admin), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set_state(t, "cwmp.parameter_key", "key-1"), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set(t, "http_port", "0"), STORE_E_VALUE);
	CU_ASSERT_NOT_EQUAL(store_txn_commit(t, NULL), STORE_OK);
	store_txn_free(t);
	expect_state(st, "cwmp.parameter_key", NULL);
	CU_ASSERT_EQUAL_FATAL(store_txn_begin(&t, st, STORE_TXN_BOTH, &admin), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set_state(t, "cwmp.parameter_key", "key-2"), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set(t, "http_port", "81"), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_commit(t, NULL), STORE_OK);
	store_txn_free(t);
	expect_state(st, "cwmp.parameter_key", "key-2");
	CU_ASSERT_EQUAL(store_state_set(st, "x", "1"), STORE_OK);
	CU_ASSERT_EQUAL(store_state_set(st, "x", NULL), STORE_OK);
	expect_state(st, "x", NULL);
}

static void test_locks_and_state_in_txn(void)
{
	struct store_txn *t = NULL;
	struct store_audit_entry *e = NULL;
	size_t n = 0;
	bool locked = true;
	uint64_t h = head(), seq = 0;

	/* a value and two locks in one transaction: one SET and one LOCK/UNLOCK entry each */
	CU_ASSERT_EQUAL_FATAL(store_txn_begin(&t, st, STORE_TXN_BOTH, &admin), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set(t, "web_logout_timer", "33"), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_lock(t, "web_logout_timer", true), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_lock(t, "admin_mode", false), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_commit(t, &seq), STORE_OK);
	store_txn_free(t);
	CU_ASSERT_EQUAL(seq, h + 3);
	CU_ASSERT_EQUAL(store_audit_since(&e, &n, st, h, 10), STORE_OK);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_EQUAL(e[0].action, STORE_ACT_UNLOCK);
	CU_ASSERT_STRING_EQUAL(e[0].keys, "admin_mode");
	CU_ASSERT_EQUAL(e[1].action, STORE_ACT_LOCK);
	CU_ASSERT_STRING_EQUAL(e[1].keys, "web_logout_timer");
	CU_ASSERT_EQUAL(e[2].action, STORE_ACT_SET);
	store_audit_free(e, n);
	CU_ASSERT_EQUAL(store_lock_get(&locked, st, "web_logout_timer"), STORE_OK);
	CU_ASSERT_TRUE(locked);
	CU_ASSERT_EQUAL(store_lock_get(&locked, st, "admin_mode"), STORE_OK);
	CU_ASSERT_FALSE(locked);

	/* a failing value takes the locks down with it */
	h = head();
	CU_ASSERT_EQUAL_FATAL(store_txn_begin(&t, st, STORE_TXN_BOTH, &admin), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_lock(t, "admin_mode", true), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_lock(t, "admin_mode", true), STORE_E_INVALID);
	CU_ASSERT_EQUAL(store_txn_lock(t, "nope", true), STORE_E_UNKNOWN);
	CU_ASSERT_NOT_EQUAL(store_txn_commit(t, NULL), STORE_OK);
	store_txn_free(t);
	CU_ASSERT_EQUAL(store_lock_get(&locked, st, "admin_mode"), STORE_OK);
	CU_ASSERT_FALSE(locked);
	CU_ASSERT_EQUAL(head(), h);

	/* the desk user may not change locks */
	CU_ASSERT_EQUAL_FATAL(store_txn_begin(&t, st, STORE_TXN_RUNNING, &desk), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_lock(t, "admin_mode", true), STORE_E_LOCKED);
	store_txn_free(t);

	/* daemon state alone: written, no audit entry; NULL deletes */
	CU_ASSERT_EQUAL(state_commit(st, STORE_TXN_BOTH, "cwmp.attr.x", "2", &seq), STORE_OK);
	CU_ASSERT_EQUAL(seq, 0);
	CU_ASSERT_EQUAL(head(), h);
	expect_state(st, "cwmp.attr.x", "2");
	CU_ASSERT_EQUAL(state_commit(st, STORE_TXN_BOTH, "cwmp.attr.x", NULL, NULL), STORE_OK);
	expect_state(st, "cwmp.attr.x", NULL);
	CU_ASSERT_EQUAL(tu_set(st, "web_logout_timer", "25", NULL), STORE_OK);
	{
		const char *k[] = { "web_logout_timer", "admin_mode" };
		CU_ASSERT_EQUAL(store_lock_set(st, k, 1, false, &admin), STORE_OK);
		CU_ASSERT_EQUAL(store_lock_set(st, k + 1, 1, true, &admin), STORE_OK);
	}
}

static int synchronous_mode(struct store *h)
{
	sqlite3_stmt *q = NULL;
	int mode = -1;
	if (sqlite3_prepare_v2(h->db, "PRAGMA synchronous", -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		mode = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	return mode;
}

/* Daemon state alone: nothing audited, nobody woken; STORE_TXN_LAZY only for it. */
static void test_state_alone(void)
{
	struct store_txn *t = NULL;
	struct store *other = NULL;
	char err[256];
	uint64_t h = head(), seq = 1;
	int fd;

	CU_ASSERT_EQUAL_FATAL(store_open(&other, store_path(st), err, sizeof(err)), STORE_OK);
	fd = store_feed_fd(other);
	CU_ASSERT_FATAL(fd >= 0);
	store_feed_drain(other);
	CU_ASSERT_EQUAL(synchronous_mode(st), 2); /* FULL */

	/* lazy state commit: visible to another handle, no audit entry, no wake-up, and the
	 * handle is durable again afterwards */
	CU_ASSERT_EQUAL_FATAL(store_txn_begin(&t, st, STORE_TXN_BOTH | STORE_TXN_LAZY, &admin),
			      STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set_state(t, "cwmp.events", "0 BOOTSTRAP"), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set_state(t, "cwmp.acs", "http://acs.example/"), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_commit(t, &seq), STORE_OK);
	store_txn_free(t);
	CU_ASSERT_EQUAL(seq, 0);
	CU_ASSERT_EQUAL(head(), h);
	CU_ASSERT_EQUAL(synchronous_mode(st), 2);
	CU_ASSERT_EQUAL(store_feed_drain(other), 0);
	expect_state(other, "cwmp.events", "0 BOOTSTRAP");
	expect_state(other, "cwmp.acs", "http://acs.example/");

	/* a durable state commit does not wake either */
	CU_ASSERT_EQUAL(state_commit(st, STORE_TXN_BOTH, "cwmp.acs", NULL, NULL), STORE_OK);
	CU_ASSERT_EQUAL(store_feed_drain(other), 0);
	expect_state(other, "cwmp.acs", NULL);

	/* a setting (or a lock) is never committed lazily: refused, nothing written */
	CU_ASSERT_EQUAL_FATAL(store_txn_begin(&t, st, STORE_TXN_BOTH | STORE_TXN_LAZY, &admin),
			      STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set(t, "web_logout_timer", "41"), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set_state(t, "cwmp.events", "1 BOOT"), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_commit(t, NULL), STORE_E_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(store_txn_errmsg(t), "lazy"));
	store_txn_free(t);
	CU_ASSERT_EQUAL_FATAL(store_txn_begin(&t, st, STORE_TXN_LAZY, &admin), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_lock(t, "web_logout_timer", true), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_commit(t, NULL), STORE_E_INVALID);
	store_txn_free(t);
	expect_value("web_logout_timer", "25");
	expect_state(st, "cwmp.events", "0 BOOTSTRAP");
	CU_ASSERT_EQUAL(head(), h);
	CU_ASSERT_EQUAL(store_feed_drain(other), 0);
	CU_ASSERT_EQUAL(synchronous_mode(st), 2);

	/* unknown flags are refused */
	t = NULL;
	CU_ASSERT_EQUAL(store_txn_begin(&t, st, 1u << 7, &admin), STORE_E_INVALID);
	CU_ASSERT_PTR_NULL(t);

	/* a setting's commit still wakes the followers */
	CU_ASSERT_EQUAL(tu_set(st, "web_logout_timer", "26", NULL), STORE_OK);
	CU_ASSERT(store_feed_drain(other) > 0);
	CU_ASSERT_EQUAL(tu_set(st, "web_logout_timer", "25", NULL), STORE_OK);
	CU_ASSERT_EQUAL(store_state_set(st, "cwmp.events", NULL), STORE_OK);
	store_close(other);
}

/* store_read_begin: one read transaction over several reads, nested; writes refused meanwhile. */
static void test_read_held(void)
{
	struct store *other = NULL;
	struct store_snapshot *snap = NULL;
	struct store_lockout lo;
	char err[256], *before = NULL;

	CU_ASSERT_FATAL(store_open(&other, path, err, sizeof(err)) == STORE_OK);
	CU_ASSERT_EQUAL_FATAL(store_get(&before, st, "http_port"), STORE_OK);
	CU_ASSERT_EQUAL_FATAL(tu_set(st, "http_port", "8080", NULL), STORE_OK);
	uint64_t h0 = head();
	CU_ASSERT_EQUAL_FATAL(store_read_begin(st), STORE_OK);
	expect_value("http_port", "8080");
	/* another handle commits: the held read still sees the state it started with */
	CU_ASSERT_EQUAL(tu_set(other, "http_port", "8081", NULL), STORE_OK);
	expect_value("http_port", "8080");
	CU_ASSERT_EQUAL(head(), h0);
	CU_ASSERT_EQUAL_FATAL(store_read_begin(st), STORE_OK); /* nested */
	CU_ASSERT_EQUAL_FATAL(store_snapshot_take(&snap, st), STORE_OK);
	const struct store_row *r = store_snapshot_find(snap, "http_port");
	CU_ASSERT_STRING_EQUAL(r ? r->running : "", "8080");
	CU_ASSERT_EQUAL(snap->head_seq, h0);
	store_snapshot_free(snap);
	store_read_end(st);
	expect_value("http_port", "8080"); /* the outer read goes on */
	/* no write while the read is held: not folded into it, not committed */
	CU_ASSERT_EQUAL(tu_set(st, "http_port", "8082", NULL), STORE_E_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(store_errmsg(st), "read is held"));
	CU_ASSERT_EQUAL(store_state_set(st, "held", "1"), STORE_E_INVALID);
	store_lockout_init(&lo);
	CU_ASSERT_EQUAL(store_lockout_save(st, "held", &lo), STORE_E_INVALID);
	store_read_end(st);
	store_read_end(st); /* one too many: nothing */
	/* released: the other handle's commit is seen, the refused writes never happened */
	expect_value("http_port", "8081");
	CU_ASSERT_EQUAL(head(), h0 + 1);
	expect_state(st, "held", NULL);
	CU_ASSERT_EQUAL(store_lockout_load(&lo, st, "held"), STORE_OK);
	CU_ASSERT_EQUAL(lo.failures, 0);
	CU_ASSERT_EQUAL(tu_set(st, "http_port", before, NULL), STORE_OK);
	expect_value("http_port", before);
	free(before);
	CU_ASSERT_EQUAL(store_read_begin(NULL), STORE_E_INVALID);
	store_read_end(NULL);
	store_close(other);
}

static void test_typed_reads(void)
{
	bool b = true;
	uint32_t u = 0;
	int e = 0;
	char *v = NULL;
	CU_ASSERT_EQUAL(store_get_bool(&b, st, "use_hidden_tags"), STORE_OK);
	CU_ASSERT_FALSE(b);
	CU_ASSERT_EQUAL(store_get_uint(&u, st, "http_port"), STORE_OK);
	CU_ASSERT_EQUAL(u, 81);
	CU_ASSERT_EQUAL(store_get_enum(&e, st, "webserver_type"), STORE_OK);
	CU_ASSERT_EQUAL(e, 1);
	CU_ASSERT_EQUAL(store_get_uint(&u, st, "admin_mode"), STORE_E_TYPE);
	CU_ASSERT_EQUAL(store_get_bool(&b, st, "nope"), STORE_E_UNKNOWN);
	CU_ASSERT_EQUAL(store_get(&v, st, "nope"), STORE_E_UNKNOWN);
	CU_ASSERT_PTR_NULL(v);
	CU_ASSERT_PTR_NOT_NULL(strstr(store_errmsg(st), "nope"));
}

static void test_factory_reset(void)
{
	struct store_snapshot *snap = NULL;
	struct store_audit_entry *e = NULL;
	size_t n = 0;
	const char *keys[] = { "http_user" };
	char *v = NULL;
	CU_ASSERT_EQUAL(store_lock_set(st, keys, 1, true, &admin), STORE_OK);
	CU_ASSERT_EQUAL(tu_set(st, "admin_mode_password", "a-new-password", "admin_mode", "off",
			       NULL),
			STORE_OK);
	CU_ASSERT_EQUAL(store_factory_reset(st, NULL, &admin, NULL), STORE_OK);
	CU_ASSERT_EQUAL_FATAL(store_snapshot_take(&snap, st), STORE_OK);
	for (size_t i = 0; i < snap->count; i++) {
		const struct store_setting *s = snap->rows[i].setting;
		if (s->type != STORE_TYPE_SECRET)
			CU_ASSERT_STRING_EQUAL(snap->rows[i].running, s->factory);
		CU_ASSERT_EQUAL(snap->rows[i].locked, !(s->flags & STORE_F_SUBSCRIBER));
		CU_ASSERT_FALSE(snap->rows[i].unsaved);
	}
	store_snapshot_free(snap);
	CU_ASSERT_EQUAL(store_secret_verify(st, "admin_mode_password", "0000"), STORE_OK);
	CU_ASSERT_EQUAL(store_state_get(&v, st, "cwmp.parameter_key"), STORE_E_NOT_FOUND);
	CU_ASSERT_EQUAL_FATAL(store_audit_last(&e, &n, st, 1), STORE_OK);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_EQUAL(e[0].action, STORE_ACT_FACTORY);
	CU_ASSERT_EQUAL(e[0].source, STORE_SRC_CLI);
	store_audit_free(e, n);
	CU_ASSERT_EQUAL(store_factory_reset(st, "/no/such/profile", &admin, NULL), STORE_E_PROFILE);
	CU_ASSERT_PTR_NOT_NULL(strstr(store_errmsg(st), "/no/such/profile"));
}

/* Save, discard, boot and factory reset are the provider's: the desk user gets STORE_E_LOCKED and
 * nothing changes (a discard reverted a locked setting, a factory reset the admin password). */
static void test_subscriber_provider_only(void)
{
	struct store_audit_entry *e = NULL;
	size_t n = 0;
	uint64_t h;

	CU_ASSERT_EQUAL(tu_set(st, "admin_mode_password", "kept-password", NULL), STORE_OK);
	CU_ASSERT_EQUAL_FATAL(store_save(st, &admin), STORE_OK);
	CU_ASSERT_EQUAL(tu_set(st, "webserver_type", "https", NULL), STORE_OK); /* locked, unsaved */
	CU_ASSERT_EQUAL(store_state_set(st, "cwmp.parameter_key", "pk-kept"), STORE_OK);
	h = head();
	CU_ASSERT_EQUAL(store_discard(st, &desk), STORE_E_LOCKED);
	CU_ASSERT_PTR_NOT_NULL(strstr(store_errmsg(st), "discard: only the provider"));
	CU_ASSERT_EQUAL(store_save(st, &desk), STORE_E_LOCKED);
	CU_ASSERT_PTR_NOT_NULL(strstr(store_errmsg(st), "save: only the provider"));
	CU_ASSERT_EQUAL(store_boot(st, &desk), STORE_E_LOCKED);
	CU_ASSERT_PTR_NOT_NULL(strstr(store_errmsg(st), "boot: only the provider"));
	CU_ASSERT_EQUAL(store_factory_reset(st, NULL, &desk, NULL), STORE_E_LOCKED);
	CU_ASSERT_PTR_NOT_NULL(strstr(store_errmsg(st), "factory reset: only the provider"));
	CU_ASSERT_EQUAL(store_boot(st, NULL), STORE_E_INVALID);
	CU_ASSERT_EQUAL(head(), h);
	expect_value("webserver_type", "https");
	expect_saved("webserver_type", "http_https");
	CU_ASSERT_EQUAL(store_secret_verify(st, "admin_mode_password", "kept-password"), STORE_OK);
	expect_state(st, "cwmp.parameter_key", "pk-kept");

	/* the audit records the role of every change; boot keeps its source */
	CU_ASSERT_EQUAL(store_boot(st, &admin), STORE_OK);
	{
		struct store_txn *t = NULL;
		CU_ASSERT_EQUAL_FATAL(store_txn_begin(&t, st, STORE_TXN_RUNNING, &desk), STORE_OK);
		CU_ASSERT_EQUAL(store_txn_set(t, "web_logout_timer", "14"), STORE_OK);
		CU_ASSERT_EQUAL(store_txn_commit(t, NULL), STORE_OK);
		store_txn_free(t);
	}
	CU_ASSERT_EQUAL_FATAL(store_audit_last(&e, &n, st, 2), STORE_OK);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_EQUAL(e[0].action, STORE_ACT_BOOT);
	CU_ASSERT_EQUAL(e[0].source, STORE_SRC_BOOT);
	CU_ASSERT_EQUAL(e[0].role, STORE_ROLE_ADMIN);
	CU_ASSERT_STRING_EQUAL(e[0].principal, "tester");
	CU_ASSERT_EQUAL(e[1].action, STORE_ACT_SET);
	CU_ASSERT_EQUAL(e[1].role, STORE_ROLE_SUBSCRIBER);
	CU_ASSERT_STRING_EQUAL(store_role_name(e[1].role), "subscriber");
	CU_ASSERT_STRING_EQUAL(store_role_name(STORE_ROLE_ADMIN), "administrator");
	store_audit_free(e, n);
	expect_value("webserver_type", "http_https");
	CU_ASSERT_EQUAL(store_state_set(st, "cwmp.parameter_key", NULL), STORE_OK);
}

/* A provider lock committed on another handle between the desk user's set and its commit: the
 * commit checks the locks again under the write lock and is refused, nothing changes. */
static void test_lock_between_set_and_commit(void)
{
	struct store *other = NULL;
	struct store_txn *t = NULL;
	const char *keys[] = { "web_logout_timer" };
	uint64_t h;
	char err[256];

	CU_ASSERT_EQUAL(tu_set(st, "web_logout_timer", "16", NULL), STORE_OK);
	CU_ASSERT_EQUAL_FATAL(store_open(&other, path, err, sizeof(err)), STORE_OK);
	CU_ASSERT_EQUAL_FATAL(store_txn_begin(&t, st, STORE_TXN_RUNNING, &desk), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set(t, "web_logout_timer", "17"), STORE_OK); /* unlocked now */
	CU_ASSERT_EQUAL(store_lock_set(other, keys, 1, true, &admin), STORE_OK);
	h = head();
	CU_ASSERT_EQUAL(store_txn_commit(t, NULL), STORE_E_LOCKED);
	CU_ASSERT_STRING_EQUAL(store_txn_errmsg(t), "web_logout_timer: locked by your provider");
	store_txn_free(t);
	CU_ASSERT_EQUAL(head(), h);
	expect_value("web_logout_timer", "16");
	CU_ASSERT_EQUAL(store_lock_set(other, keys, 1, false, &admin), STORE_OK);
	store_close(other);
}

/* The three lock states: the desk user writes the open settings, the phone's administrator the
 * phone's own too, the provider's lock binds both (at set and again at commit). */
static const struct store_actor phone = { STORE_SRC_WUI, STORE_ROLE_LOCAL_ADMIN, "padmin" };

static enum store_lock lock_state(struct store *s, const char *key)
{
	enum store_lock state = (enum store_lock)-1;
	CU_ASSERT_EQUAL(store_lock_state_get(&state, s, key), STORE_OK);
	return state;
}

static int set_as(const struct store_actor *who, const char *key, const char *value)
{
	struct store_txn *t = NULL;
	int rc = store_txn_begin(&t, st, STORE_TXN_RUNNING, who);
	if (rc == STORE_OK)
		rc = store_txn_set(t, key, value);
	if (rc == STORE_OK)
		rc = store_txn_commit(t, NULL);
	store_txn_free(t);
	return rc;
}

static void test_phone_admin(void)
{
	const char *keys[] = { "webserver_type" };
	struct store *other = NULL;
	struct store_txn *t = NULL;
	bool locked = false;
	uint64_t h;
	char err[256];

	CU_ASSERT_STRING_EQUAL(store_role_name(STORE_ROLE_LOCAL_ADMIN), "phone admin");
	/* the registry's defaults: the phone's own, and the desk user's */
	CU_ASSERT_EQUAL(lock_state(st, "webserver_type"), STORE_LOCK_PHONE);
	CU_ASSERT_EQUAL(lock_state(st, "http_user"), STORE_LOCK_OPEN);
	CU_ASSERT_EQUAL(store_lock_get(&locked, st, "webserver_type"), STORE_OK);
	CU_ASSERT_TRUE(locked); /* locked against the desk user, as readers see it */
	CU_ASSERT_EQUAL(set_as(&desk, "webserver_type", "https"), STORE_E_LOCKED);
	CU_ASSERT_EQUAL(set_as(&phone, "webserver_type", "https"), STORE_OK);
	expect_value("webserver_type", "https");
	CU_ASSERT_EQUAL(set_as(&phone, "web_logout_timer", "12"), STORE_OK);

	/* the provider's lock: refused at set, nothing written */
	CU_ASSERT_EQUAL(store_lock_set(st, keys, 1, true, &admin), STORE_OK);
	CU_ASSERT_EQUAL(lock_state(st, "webserver_type"), STORE_LOCK_PROVIDER);
	CU_ASSERT_EQUAL(store_lock_get(&locked, st, "webserver_type"), STORE_OK);
	CU_ASSERT_TRUE(locked);
	h = head();
	CU_ASSERT_EQUAL_FATAL(store_txn_begin(&t, st, STORE_TXN_RUNNING, &phone), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set(t, "webserver_type", "http_https"), STORE_E_LOCKED);
	CU_ASSERT_STRING_EQUAL(store_txn_errmsg(t), "webserver_type: locked by your provider");
	CU_ASSERT_EQUAL(store_txn_commit(t, NULL), STORE_E_LOCKED);
	store_txn_free(t);
	CU_ASSERT_EQUAL(head(), h);
	expect_value("webserver_type", "https");
	CU_ASSERT_EQUAL(set_as(&admin, "webserver_type", "http_https"), STORE_OK); /* the provider */

	/* unlocked: open to the desk user too */
	CU_ASSERT_EQUAL(store_lock_set(st, keys, 1, false, &admin), STORE_OK);
	CU_ASSERT_EQUAL(lock_state(st, "webserver_type"), STORE_LOCK_OPEN);
	CU_ASSERT_EQUAL(set_as(&desk, "webserver_type", "https"), STORE_OK);
	CU_ASSERT_EQUAL(set_as(&phone, "webserver_type", "http_https"), STORE_OK);

	/* a provider's lock committed on another handle between set and commit */
	CU_ASSERT_EQUAL_FATAL(store_open(&other, path, err, sizeof(err)), STORE_OK);
	CU_ASSERT_EQUAL_FATAL(store_txn_begin(&t, st, STORE_TXN_RUNNING, &phone), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set(t, "webserver_type", "https"), STORE_OK);
	CU_ASSERT_EQUAL(store_lock_set(other, keys, 1, true, &admin), STORE_OK);
	h = head();
	CU_ASSERT_EQUAL(store_txn_commit(t, NULL), STORE_E_LOCKED);
	CU_ASSERT_STRING_EQUAL(store_txn_errmsg(t), "webserver_type: locked by your provider");
	store_txn_free(t);
	CU_ASSERT_EQUAL(head(), h);
	expect_value("webserver_type", "http_https");
	store_close(other);

	/* locks: the provider's alone; the phone's administrator only repeats a state */
	CU_ASSERT_EQUAL(store_lock_set(st, keys, 1, false, &phone), STORE_E_LOCKED);
	CU_ASSERT_EQUAL(lock_state(st, "webserver_type"), STORE_LOCK_PROVIDER);
	CU_ASSERT_EQUAL_FATAL(store_txn_begin(&t, st, STORE_TXN_RUNNING, &phone), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_lock(t, "webserver_type", false), STORE_E_LOCKED);
	store_txn_free(t);
	CU_ASSERT_EQUAL_FATAL(store_txn_begin(&t, st, STORE_TXN_RUNNING, &phone), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_lock_state(t, "webserver_type", STORE_LOCK_PROVIDER), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_commit(t, NULL), STORE_OK);
	store_txn_free(t);
	/* ... as the state is at commit: a lock lifted meanwhile is not put back */
	CU_ASSERT_EQUAL_FATAL(store_txn_begin(&t, st, STORE_TXN_RUNNING, &phone), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_lock_state(t, "webserver_type", STORE_LOCK_PROVIDER), STORE_OK);
	CU_ASSERT_EQUAL(store_lock_set(st, keys, 1, false, &admin), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_commit(t, NULL), STORE_E_LOCKED);
	store_txn_free(t);
	CU_ASSERT_EQUAL(lock_state(st, "webserver_type"), STORE_LOCK_OPEN);

	/* save yes; discard, boot, factory reset no */
	CU_ASSERT_EQUAL(store_save(st, &phone), STORE_OK);
	expect_saved("webserver_type", "http_https");
	CU_ASSERT_EQUAL(store_discard(st, &phone), STORE_E_LOCKED);
	CU_ASSERT_EQUAL(store_boot(st, &phone), STORE_E_LOCKED);
	CU_ASSERT_EQUAL(store_factory_reset(st, NULL, &phone, NULL), STORE_E_LOCKED);

	/* a lock in the provider's transaction (SNMP's lock column) is the provider's too */
	CU_ASSERT_EQUAL_FATAL(store_txn_begin(&t, st, STORE_TXN_BOTH, &admin), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_lock(t, "https_port", true), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_commit(t, NULL), STORE_OK);
	store_txn_free(t);
	CU_ASSERT_EQUAL(lock_state(st, "https_port"), STORE_LOCK_PROVIDER);
	CU_ASSERT_EQUAL(set_as(&phone, "https_port", "8443"), STORE_E_LOCKED);
	CU_ASSERT_EQUAL_FATAL(store_txn_begin(&t, st, STORE_TXN_BOTH, &admin), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_lock_state(t, "https_port", STORE_LOCK_PHONE), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_commit(t, NULL), STORE_OK);
	store_txn_free(t);

	/* back to the defaults for the tests that follow */
	CU_ASSERT_EQUAL_FATAL(store_txn_begin(&t, st, STORE_TXN_BOTH, &admin), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_lock_state(t, "webserver_type", STORE_LOCK_PHONE), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set(t, "webserver_type", "http_https"), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_commit(t, NULL), STORE_OK);
	store_txn_free(t);
	CU_ASSERT_EQUAL(lock_state(st, "webserver_type"), STORE_LOCK_PHONE);
}

int main(void)
{
	CU_pSuite s;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 99;
	s = CU_add_suite("txn", setup, teardown);
	CU_add_test(s, "all or nothing", test_all_or_nothing);
	CU_add_test(s, "commit and misuse", test_commit_and_misuse);
	CU_add_test(s, "consistency", test_consistency);
	CU_add_test(s, "check without commit", test_check_without_commit);
	CU_add_test(s, "layers", test_layers);
	CU_add_test(s, "locks", test_locks);
	CU_add_test(s, "state", test_state);
	CU_add_test(s, "locks and state in a transaction", test_locks_and_state_in_txn);
	CU_add_test(s, "state alone: lazy and quiet", test_state_alone);
	CU_add_test(s, "a read held over several reads", test_read_held);
	CU_add_test(s, "typed reads", test_typed_reads);
	CU_add_test(s, "the subscriber may not save, discard, boot or reset",
		    test_subscriber_provider_only);
	CU_add_test(s, "a lock committed between set and commit", test_lock_between_set_and_commit);
	CU_add_test(s, "the phone's administrator and the three lock states", test_phone_admin);
	CU_add_test(s, "factory reset", test_factory_reset);
	return tu_run();
}
