/* Unit tests of the compliance rules: each rule's pass, fail and n/a, and the overall verdict. */
#include "config.h"

#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "testutil.h"

static struct store *st;
static char *dir;

static int setup(void)
{
	st = tu_store_new(&dir, NULL);
	return st ? 0 : 1;
}

static int teardown(void)
{
	store_close(st);
	tu_rmtree(dir);
	free(dir);
	return 0;
}

static size_t rule_index(const char *id)
{
	for (size_t i = 0; i < store_compliance_count(); i++)
		if (strcmp(store_compliance_rule(i)->id, id) == 0)
			return i;
	CU_FAIL_FATAL("no such rule");
	return 0;
}

/* Evaluates the store and returns the status of rule id; *hardened gets the verdict. */
static enum store_rule_status status(const char *id, bool *hardened)
{
	struct store_snapshot *snap = NULL;
	struct store_compliance c = { 0 };
	enum store_rule_status s;
	CU_ASSERT_EQUAL_FATAL(store_snapshot_take(&snap, st), STORE_OK);
	CU_ASSERT_EQUAL_FATAL(store_compliance_eval(&c, snap), STORE_OK);
	CU_ASSERT_EQUAL(c.count, store_compliance_count());
	s = c.status[rule_index(id)];
	if (hardened)
		*hardened = c.hardened;
	store_compliance_clear(&c);
	store_snapshot_free(snap);
	return s;
}

static void test_rule_table(void)
{
	const char *ids[] = { "admin-password", "wui-credentials", "hidden-tags", "digest",
			      "user-mode", "https-only", "keypad-lock", "acs-https" };
	CU_ASSERT_EQUAL(store_compliance_count(), sizeof(ids) / sizeof(ids[0]));
	for (size_t i = 0; i < store_compliance_count(); i++) {
		const struct store_rule *r = store_compliance_rule(i);
		CU_ASSERT_STRING_EQUAL(r->id, ids[i]);
		CU_ASSERT(strlen(r->title) > 5);
		CU_ASSERT(strlen(r->hint) > 5);
	}
	CU_ASSERT_PTR_NULL(store_compliance_rule(store_compliance_count()));
	CU_ASSERT_STRING_EQUAL(store_rule_status_name(STORE_RULE_NA), "n/a");
	CU_ASSERT_EQUAL(store_compliance_eval(NULL, NULL), STORE_E_INVALID);
}

static void test_factory_fails(void)
{
	bool hardened = true;
	CU_ASSERT_EQUAL(status("admin-password", &hardened), STORE_RULE_FAIL);
	CU_ASSERT_FALSE(hardened);
	CU_ASSERT_EQUAL(status("wui-credentials", NULL), STORE_RULE_FAIL);
	CU_ASSERT_EQUAL(status("hidden-tags", NULL), STORE_RULE_FAIL);
	CU_ASSERT_EQUAL(status("digest", NULL), STORE_RULE_FAIL);
	CU_ASSERT_EQUAL(status("user-mode", NULL), STORE_RULE_FAIL);
	CU_ASSERT_EQUAL(status("https-only", NULL), STORE_RULE_FAIL);
	CU_ASSERT_EQUAL(status("keypad-lock", NULL), STORE_RULE_FAIL);
	CU_ASSERT_EQUAL(status("acs-https", NULL), STORE_RULE_NA);
}

static void test_each_rule(void)
{
	bool hardened = true;
	/* admin password: "0000" again or too short fails, a long new one passes */
	CU_ASSERT_EQUAL(tu_set(st, "admin_mode_password", "0000", NULL), STORE_OK);
	CU_ASSERT_EQUAL(status("admin-password", NULL), STORE_RULE_FAIL);
	CU_ASSERT_EQUAL(tu_set(st, "admin_mode_password", "short7!", NULL), STORE_OK);
	CU_ASSERT_EQUAL(status("admin-password", NULL), STORE_RULE_FAIL);
	CU_ASSERT_EQUAL(tu_set(st, "admin_mode_password", "long enough pw", NULL), STORE_OK);
	CU_ASSERT_EQUAL(status("admin-password", NULL), STORE_RULE_PASS);

	CU_ASSERT_EQUAL(tu_set(st, "http_user", "admin", NULL), STORE_OK);
	CU_ASSERT_EQUAL(status("wui-credentials", NULL), STORE_RULE_FAIL);
	CU_ASSERT_EQUAL(tu_set(st, "http_user", "admin", "http_pass", "web pass 1", NULL), STORE_OK);
	CU_ASSERT_EQUAL(status("wui-credentials", NULL), STORE_RULE_PASS);
	/* a password without a user fails too */
	CU_ASSERT_EQUAL(tu_set(st, "http_user", "", "http_pass", "web pass 2", NULL), STORE_OK);
	CU_ASSERT_EQUAL(status("wui-credentials", NULL), STORE_RULE_FAIL);
	CU_ASSERT_EQUAL(tu_set(st, "http_user", "admin", "http_pass", "web pass 1", NULL), STORE_OK);
	CU_ASSERT_EQUAL(status("wui-credentials", NULL), STORE_RULE_PASS);

	CU_ASSERT_EQUAL(tu_set(st, "use_hidden_tags", "on", NULL), STORE_OK);
	CU_ASSERT_EQUAL(status("hidden-tags", NULL), STORE_RULE_PASS);
	CU_ASSERT_EQUAL(tu_set(st, "http_scheme", "digest", NULL), STORE_OK);
	CU_ASSERT_EQUAL(status("digest", NULL), STORE_RULE_PASS);
	CU_ASSERT_EQUAL(tu_set(st, "admin_mode", "off", NULL), STORE_OK);
	CU_ASSERT_EQUAL(status("user-mode", NULL), STORE_RULE_PASS);
	CU_ASSERT_EQUAL(tu_set(st, "webserver_type", "http", NULL), STORE_OK);
	CU_ASSERT_EQUAL(status("https-only", NULL), STORE_RULE_FAIL);
	CU_ASSERT_EQUAL(tu_set(st, "webserver_type", "https", NULL), STORE_OK);
	CU_ASSERT_EQUAL(status("https-only", NULL), STORE_RULE_PASS);
	CU_ASSERT_EQUAL(tu_set(st, "keyboard_lock_pw", "4711", NULL), STORE_OK);
	CU_ASSERT_EQUAL(status("keypad-lock", &hardened), STORE_RULE_FAIL);
	CU_ASSERT_FALSE(hardened);
	CU_ASSERT_EQUAL(tu_set(st, "enable_keyboard_lock", "on", NULL), STORE_OK);
	CU_ASSERT_EQUAL(status("keypad-lock", &hardened), STORE_RULE_PASS);
	CU_ASSERT_TRUE(hardened);

	/* the ACS rule applies only when an ACS is configured */
	CU_ASSERT_EQUAL(tu_set(st, "tr69_acs_url", "http://acs.example.com/", NULL), STORE_OK);
	CU_ASSERT_EQUAL(status("acs-https", &hardened), STORE_RULE_FAIL);
	CU_ASSERT_FALSE(hardened);
	CU_ASSERT_EQUAL(tu_set(st, "tr69_enable", "off", NULL), STORE_OK);
	CU_ASSERT_EQUAL(status("acs-https", NULL), STORE_RULE_NA);
	CU_ASSERT_EQUAL(tu_set(st, "tr69_enable", "on", "tr69_acs_url", "https://acs.example.com/",
			       NULL),
			STORE_OK);
	CU_ASSERT_EQUAL(status("acs-https", &hardened), STORE_RULE_PASS);
	CU_ASSERT_TRUE(hardened);
}

static void test_wui_off(void)
{
	bool hardened = false;
	/* with the web UI off, its rules do not apply, even with weak WUI settings */
	CU_ASSERT_EQUAL(tu_set(st, "http_scheme", "basic", "use_hidden_tags", "off", "webserver_type",
			       "off", NULL),
			STORE_OK);
	CU_ASSERT_EQUAL(status("hidden-tags", &hardened), STORE_RULE_NA);
	CU_ASSERT_EQUAL(status("digest", NULL), STORE_RULE_NA);
	CU_ASSERT_EQUAL(status("wui-credentials", NULL), STORE_RULE_NA);
	CU_ASSERT_EQUAL(status("https-only", NULL), STORE_RULE_PASS);
	CU_ASSERT_TRUE(hardened);
	CU_ASSERT_EQUAL(tu_set(st, "webserver_type", "https", NULL), STORE_OK);
	CU_ASSERT_EQUAL(status("hidden-tags", &hardened), STORE_RULE_FAIL);
	CU_ASSERT_FALSE(hardened);
}

int main(void)
{
	CU_pSuite s;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 99;
	s = CU_add_suite("compliance", setup, teardown);
	CU_add_test(s, "rule table", test_rule_table);
	CU_add_test(s, "factory fails", test_factory_fails);
	CU_add_test(s, "each rule", test_each_rule);
	CU_add_test(s, "web UI off", test_wui_off);
	return tu_run();
}
