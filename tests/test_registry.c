/* Unit tests of the settings registry, of every type's validation edges, and of factory profiles
 * (the shipped default and secure profiles, and broken ones). */
#include "config.h"

#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "testutil.h"

static void test_rows_well_formed(void)
{
	size_t n = store_registry_count();
	CU_ASSERT_FATAL(n >= 26);
	CU_ASSERT_PTR_NULL(store_registry_at(n));
	for (size_t i = 0; i < n; i++) {
		const struct store_setting *s = store_registry_at(i);
		char *canon = NULL;
		char msg[256];
		CU_ASSERT_PTR_NOT_NULL_FATAL(s->key);
		CU_ASSERT(strlen(s->help) > 10);
		CU_ASSERT_PTR_NOT_NULL(s->wui_label);
		CU_ASSERT_PTR_NOT_NULL(s->snmp);
		CU_ASSERT(strlen(s->snmp) <= 32);
		CU_ASSERT(s->snmp_id > 0);
		CU_ASSERT_EQUAL(store_registry_index(s->key), (int)i);
		CU_ASSERT_PTR_EQUAL(store_registry_find(s->key), s);
		for (size_t j = i + 1; j < n; j++) {
			const struct store_setting *o = store_registry_at(j);
			CU_ASSERT(strcmp(s->key, o->key) != 0);
			CU_ASSERT(strcmp(s->snmp, o->snmp) != 0);
			CU_ASSERT(s->snmp_id != o->snmp_id);
		}
		/* the built-in factory value is valid and canonical */
		if (store_value_check(&canon, s, s->factory, msg, sizeof(msg)) != STORE_OK) {
			fprintf(stderr, "factory value of %s: %s\n", s->key, msg);
			CU_FAIL("factory value invalid");
		} else {
			CU_ASSERT_STRING_EQUAL(canon, s->factory);
		}
		free(canon);
		if (s->type == STORE_TYPE_ENUM) {
			CU_ASSERT_PTR_NOT_NULL_FATAL(s->enums);
			for (const struct store_enum *e = s->enums; e->key; e++) {
				CU_ASSERT(e->number > 0);
				CU_ASSERT_PTR_EQUAL(store_enum_by_number(s, e->number), e);
				CU_ASSERT_PTR_EQUAL(store_enum_by_key(s, e->key), e);
				CU_ASSERT_PTR_NOT_NULL(e->snmp);
			}
		}
		if (s->type == STORE_TYPE_SECRET) {
			CU_ASSERT(s->secret >= STORE_SECRET_VERIFY && s->secret <= STORE_SECRET_REVEAL);
			if (s->secret == STORE_SECRET_DIGEST) {
				CU_ASSERT_PTR_NOT_NULL(store_registry_find(s->user_key));
				CU_ASSERT_PTR_NOT_NULL(s->realm);
			}
		}
	}
	CU_ASSERT_PTR_NULL(store_registry_find("no_such_setting"));
	CU_ASSERT_PTR_NULL(store_registry_find(NULL));
	CU_ASSERT_EQUAL(store_registry_index("no_such_setting"), -1);
}

/* Checks key=value and expects rc; when rc is OK, also the canonical text. */
static void expect(const char *key, const char *value, int rc, const char *canon_or_msg)
{
	const struct store_setting *s = store_registry_find(key);
	char *canon = NULL;
	char msg[256] = "";
	int got;
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	got = store_value_check(&canon, s, value, msg, sizeof(msg));
	if (got != rc)
		fprintf(stderr, "%s=%s: expected %d, got %d (%s)\n", key, value, rc, got, msg);
	CU_ASSERT_EQUAL(got, rc);
	if (rc == STORE_OK && canon_or_msg) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(canon);
		CU_ASSERT_STRING_EQUAL(canon, canon_or_msg);
	} else if (rc != STORE_OK) {
		CU_ASSERT_PTR_NULL(canon);
		CU_ASSERT(strncmp(msg, key, strlen(key)) == 0); /* messages name the key */
		if (canon_or_msg && !strstr(msg, canon_or_msg)) {
			fprintf(stderr, "message '%s' lacks '%s'\n", msg, canon_or_msg);
			CU_FAIL("message");
		}
	}
	free(canon);
}

static void test_bool(void)
{
	expect("admin_mode", "on", STORE_OK, "on");
	expect("admin_mode", "OFF", STORE_OK, "off");
	expect("admin_mode", "true", STORE_OK, "on");
	expect("admin_mode", "False", STORE_OK, "off");
	expect("admin_mode", "1", STORE_OK, "on");
	expect("admin_mode", "0", STORE_OK, "off");
	expect("admin_mode", "yes", STORE_OK, "on");
	expect("admin_mode", "no", STORE_OK, "off");
	expect("admin_mode", "", STORE_E_TYPE, "not a boolean");
	expect("admin_mode", "2", STORE_E_TYPE, NULL);
	expect("admin_mode", "onn", STORE_E_TYPE, NULL);
	expect("admin_mode", " on", STORE_E_TYPE, NULL);
}

static void test_uint(void)
{
	expect("http_port", "1", STORE_OK, "1");
	expect("http_port", "65535", STORE_OK, "65535");
	expect("http_port", "080", STORE_OK, "80");
	expect("http_port", "0", STORE_E_VALUE, "out of range 1..65535");
	expect("http_port", "65536", STORE_E_VALUE, NULL);
	expect("http_port", "70000", STORE_E_VALUE, "http_port: 70000 is out of range 1..65535");
	expect("http_port", "99999999999999999999999", STORE_E_VALUE, NULL);
	expect("http_port", "-1", STORE_E_TYPE, "not an unsigned number");
	expect("http_port", "+1", STORE_E_TYPE, NULL);
	expect("http_port", " 1", STORE_E_TYPE, NULL);
	expect("http_port", "1a", STORE_E_TYPE, NULL);
	expect("http_port", "0x10", STORE_E_TYPE, NULL);
	expect("http_port", "", STORE_E_TYPE, NULL);
	expect("http_port", "abc", STORE_E_TYPE, "'abc'");
	expect("tr69_periodic_interval", "4294967295", STORE_OK, "4294967295");
	expect("tr69_periodic_interval", "4294967296", STORE_E_VALUE, NULL);
	expect("tr69_periodic_interval", "0", STORE_E_VALUE, NULL);
	expect("keyboard_lock_timeout", "0", STORE_OK, "0");
	expect("keyboard_lock_timeout", "3601", STORE_E_VALUE, NULL);
	expect("tr69_retry_multiplier", "999", STORE_E_VALUE, NULL);
	expect("web_logout_timer", "1440", STORE_OK, "1440");
	expect("web_logout_timer", "1441", STORE_E_VALUE, NULL);
}

static void test_enum(void)
{
	expect("http_scheme", "digest", STORE_OK, "digest");
	expect("http_scheme", "basic", STORE_OK, "basic");
	expect("http_scheme", "Digest", STORE_E_VALUE, "not one of basic, digest");
	expect("http_scheme", "", STORE_E_VALUE, NULL);
	expect("webserver_type", "https", STORE_OK, "https");
	expect("webserver_type", "off", STORE_OK, "off");
	expect("webserver_type", "ftp", STORE_E_VALUE, "http_https, https, http, off");
}

static void test_string(void)
{
	char long_user[40];
	memset(long_user, 'u', sizeof(long_user));
	long_user[32] = '\0';
	expect("http_user", long_user, STORE_OK, long_user);
	long_user[32] = 'u';
	long_user[33] = '\0';
	expect("http_user", long_user, STORE_E_VALUE, "length 33 is out of range 0..32");
	expect("http_user", "", STORE_OK, "");
	expect("http_user", "a:b", STORE_E_VALUE, "':'");
	expect("http_user", "a b", STORE_E_VALUE, NULL);
	expect("http_user", "a\"b", STORE_E_VALUE, NULL);
	expect("http_user", "a\x01z", STORE_E_VALUE, "0x01");
	expect("http_user", "caf\xc3\xa9", STORE_E_VALUE, "0xc3");
	expect("tr69_acs_user", "any user: name", STORE_OK, NULL);
	expect("tr69_acs_url", "https://acs.example.com:7548/cwmp", STORE_OK, NULL);
	expect("tr69_acs_url", "http://10.0.0.1/", STORE_OK, NULL);
	expect("tr69_acs_url", "", STORE_OK, "");
	expect("tr69_acs_url", "ftp://acs.example.com", STORE_E_VALUE, "URL");
	expect("tr69_acs_url", "http://", STORE_E_VALUE, NULL);
	expect("tr69_acs_url", "https:///path", STORE_E_VALUE, NULL);
	expect("tr69_acs_url", "http://a b/", STORE_E_VALUE, NULL);
	expect("tr69_acs_url", "http://a/<script>", STORE_E_VALUE, NULL);
	expect("tr69_acs_url", "https://cpe:secret@acs.example.com/cwmp", STORE_E_VALUE,
	       "no user or password in the URL");
	expect("tr69_acs_url", "http://@acs.example.com/", STORE_E_VALUE, "no user");
	expect("tr69_acs_url", "https://acs.example.com/a@b?c=d@e#f@g", STORE_OK, NULL);
	/* lib/url: the scheme in any case (kept as given), ports 1..65535, real hosts */
	expect("tr69_acs_url", "HTTPS://ACS.example.com/cwmp", STORE_OK, NULL);
	expect("tr69_acs_url", "hTTp://[2001:db8::1]:7547/", STORE_OK, NULL);
	expect("tr69_acs_url", "https://acs.example.com:65535/", STORE_OK, NULL);
	expect("tr69_acs_url", "https://acs.example.com:99999/", STORE_E_VALUE, "port");
	expect("tr69_acs_url", "https://acs.example.com:0/", STORE_E_VALUE, "port");
	expect("tr69_acs_url", "https://acs.example.com:/", STORE_E_VALUE, "port");
	expect("tr69_acs_url", "https://300.1.1.1/", STORE_E_VALUE, "host");
	expect("tr69_acs_url", "https://[::1/", STORE_E_VALUE, "host");
	expect("tr69_periodic_time", "2026-02-28T23:59:59Z", STORE_OK, NULL);
	expect("tr69_periodic_time", "2024-02-29T00:00:00Z", STORE_OK, NULL);
	expect("tr69_periodic_time", "2026-02-30T00:00:00Z", STORE_E_VALUE, NULL);
	expect("tr69_periodic_time", "2026-02-28T24:00:00Z", STORE_OK, "2026-03-01T00:00:00Z");
	expect("tr69_periodic_time", "2026-02-28 23:59:59Z", STORE_E_VALUE, NULL);
	expect("tr69_periodic_time", "2026-02-28T23:59:59", STORE_OK, "2026-02-28T23:59:59Z");
	expect("keyboard_lock_emergency", "112,110,911", STORE_OK, NULL);
	expect("keyboard_lock_emergency", "+4930*1#", STORE_OK, NULL);
	expect("keyboard_lock_emergency", "", STORE_OK, "");
	expect("keyboard_lock_emergency", "112,,110", STORE_E_VALUE, NULL);
	expect("keyboard_lock_emergency", ",112", STORE_E_VALUE, NULL);
	expect("keyboard_lock_emergency", "112,", STORE_E_VALUE, NULL);
	expect("keyboard_lock_emergency", "11a", STORE_E_VALUE, NULL);
	expect("keyboard_lock_emergency", "112, 110", STORE_E_VALUE, NULL);
	/* one number has at most 32 dial characters */
	expect("keyboard_lock_emergency", "12345678901234567890123456789012", STORE_OK, NULL);
	expect("keyboard_lock_emergency", "112,+2345678901234567890123456789012", STORE_OK, NULL);
	expect("keyboard_lock_emergency", "123456789012345678901234567890123", STORE_E_VALUE, NULL);
	expect("keyboard_lock_emergency", "112,+23456789012345678901234567890123", STORE_E_VALUE,
	       NULL);
}

static void test_secret_values(void)
{
	char msg[256];
	const struct store_setting *pin = store_registry_find("keyboard_lock_pw");
	expect("admin_mode_password", "", STORE_E_VALUE, "must not be empty");
	expect("admin_mode_password", "abc", STORE_E_VALUE, "length 3 is out of range 4..64");
	expect("admin_mode_password", "abcd", STORE_OK, NULL);
	expect("keyboard_lock_pw", "", STORE_OK, "");
	expect("keyboard_lock_pw", "1234", STORE_OK, NULL);
	expect("keyboard_lock_pw", "12345678", STORE_OK, NULL);
	expect("keyboard_lock_pw", "123", STORE_E_VALUE, NULL);
	expect("keyboard_lock_pw", "123456789", STORE_E_VALUE, NULL);
	expect("keyboard_lock_pw", "12a4", STORE_E_VALUE, "digits");
	/* a secret's value never appears in the message */
	CU_ASSERT_EQUAL(store_value_check(NULL, pin, "98x7", msg, sizeof(msg)), STORE_E_VALUE);
	CU_ASSERT_PTR_NULL(strstr(msg, "98x7"));
	CU_ASSERT_PTR_NULL(strstr(msg, "x"));
	CU_ASSERT_EQUAL(store_value_check(NULL, store_registry_find("http_pass"), "pass\x07word", msg,
					  sizeof(msg)),
			STORE_E_VALUE);
	CU_ASSERT_PTR_NULL(strstr(msg, "pass\x07"));
	CU_ASSERT_EQUAL(store_value_check(NULL, NULL, "x", msg, sizeof(msg)), STORE_E_INVALID);
	CU_ASSERT_EQUAL(store_value_check(NULL, pin, NULL, msg, sizeof(msg)), STORE_E_INVALID);
}

static void test_names(void)
{
	CU_ASSERT_STRING_EQUAL(store_source_name(STORE_SRC_TR069), "tr069");
	CU_ASSERT_EQUAL(store_source_from_name("snmp"), STORE_SRC_SNMP);
	CU_ASSERT_EQUAL(store_source_from_name("bogus"), 0);
	CU_ASSERT_PTR_NULL(store_source_name((enum store_source)99));
	CU_ASSERT_STRING_EQUAL(store_strerror(STORE_E_LOCKED), "locked by the provider");
	CU_ASSERT_STRING_EQUAL(store_strerror(-999), "unknown error");
	CU_ASSERT_STRING_EQUAL(store_action_name(STORE_ACT_SAVE), "save");
}

/* ------------------------------------------------------------------------------------------- */

static char *conf(const char *name)
{
	char *p = NULL;
	if (asprintf(&p, "%s/conf/%s", tu_srcdir(), name) < 0)
		return NULL;
	return p;
}

static void test_default_profile_matches_builtin(void)
{
	char *dir = tu_mkdtemp(), *a = tu_path(dir, "a.db"), *b = tu_path(dir, "b.db");
	char *prof = conf("factory-default.conf");
	char err[512] = "";
	struct store *sa = NULL, *sb = NULL;
	struct store_snapshot *x = NULL, *y = NULL;

	CU_ASSERT_EQUAL_FATAL(store_create(a, NULL, NULL, err, sizeof(err)), STORE_OK);
	if (store_create(b, prof, NULL, err, sizeof(err)) != STORE_OK)
		fprintf(stderr, "%s\n", err);
	CU_ASSERT_EQUAL_FATAL(store_open(&sa, a, err, sizeof(err)), STORE_OK);
	CU_ASSERT_EQUAL_FATAL(store_open(&sb, b, err, sizeof(err)), STORE_OK);
	CU_ASSERT_EQUAL_FATAL(store_snapshot_take(&x, sa), STORE_OK);
	CU_ASSERT_EQUAL_FATAL(store_snapshot_take(&y, sb), STORE_OK);
	for (size_t i = 0; i < x->count; i++) {
		CU_ASSERT_STRING_EQUAL(x->rows[i].running, y->rows[i].running);
		CU_ASSERT_EQUAL(x->rows[i].locked, y->rows[i].locked);
		CU_ASSERT_EQUAL(x->rows[i].secret_set, y->rows[i].secret_set);
		CU_ASSERT_EQUAL(x->rows[i].is_factory, y->rows[i].is_factory);
		CU_ASSERT_FALSE(x->rows[i].unsaved);
	}
	/* the guide's new phone: admin password 0000, no WUI password, Basic, http and https */
	CU_ASSERT_EQUAL(store_secret_verify(sb, "admin_mode_password", "0000"), STORE_OK);
	CU_ASSERT_FALSE(store_snapshot_find(y, "http_pass")->secret_set);
	CU_ASSERT_STRING_EQUAL(store_snapshot_find(y, "http_scheme")->running, "basic");
	CU_ASSERT_STRING_EQUAL(store_snapshot_find(y, "webserver_type")->running, "http_https");
	CU_ASSERT_STRING_EQUAL(store_snapshot_find(y, "admin_mode")->running, "on");
	store_snapshot_free(x);
	store_snapshot_free(y);
	store_close(sa);
	store_close(sb);
	tu_rmtree(dir);
	free(dir);
	free(a);
	free(b);
	free(prof);
}

static void test_secure_profile(void)
{
	char *dir = tu_mkdtemp(), *p = tu_path(dir, "s.db"), *prof = conf("factory-secure.conf");
	char err[512] = "", *gen = NULL;
	struct store *st = NULL;
	struct store_snapshot *snap = NULL;
	struct store_compliance c = { 0 };
	char *line, *save = NULL;
	int secrets = 0;

	if (store_create(p, prof, &gen, err, sizeof(err)) != STORE_OK)
		fprintf(stderr, "%s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(gen);
	CU_ASSERT_EQUAL_FATAL(store_open(&st, p, err, sizeof(err)), STORE_OK);
	for (line = strtok_r(gen, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');
		CU_ASSERT_PTR_NOT_NULL_FATAL(eq);
		*eq = '\0';
		CU_ASSERT_EQUAL(store_secret_verify(st, line, eq + 1), STORE_OK);
		CU_ASSERT_EQUAL(store_secret_verify(st, line, "wrong-guess"), STORE_E_DENIED);
		if (strcmp(line, "keyboard_lock_pw") == 0)
			CU_ASSERT(store_pin_valid(eq + 1));
		secrets++;
	}
	CU_ASSERT_EQUAL(secrets, 3);
	CU_ASSERT_EQUAL_FATAL(store_snapshot_take(&snap, st), STORE_OK);
	CU_ASSERT_EQUAL_FATAL(store_compliance_eval(&c, snap), STORE_OK);
	CU_ASSERT_TRUE(c.hardened);
	CU_ASSERT_TRUE(store_snapshot_find(snap, "webserver_type")->locked);
	CU_ASSERT_FALSE(store_snapshot_find(snap, "keyboard_lock_pw")->locked);
	store_compliance_clear(&c);
	store_snapshot_free(snap);
	store_close(st);
	store_secret_wipe(gen);
	tu_rmtree(dir);
	free(dir);
	free(p);
	free(prof);
}

/* Writes text as a profile and expects creation to fail with a message containing want. */
static void bad_profile(const char *text, const char *want)
{
	char *dir = tu_mkdtemp(), *p = tu_path(dir, "x.db"), *prof = tu_path(dir, "p.conf");
	char err[512] = "";
	FILE *f = fopen(prof, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
	CU_ASSERT_EQUAL(store_create(p, prof, NULL, err, sizeof(err)), STORE_E_PROFILE);
	if (!strstr(err, want)) {
		fprintf(stderr, "profile error '%s' lacks '%s'\n", err, want);
		CU_FAIL("profile message");
	}
	CU_ASSERT_NOT_EQUAL(access(p, F_OK), 0); /* nothing left behind */
	tu_rmtree(dir);
	free(dir);
	free(p);
	free(prof);
}

static void test_bad_profiles(void)
{
	bad_profile("# c\nnonsense_key = 1\n", "p.conf:2: unknown setting 'nonsense_key'");
	bad_profile("http_port = 70000\n", "p.conf:1: http_port: 70000 is out of range 1..65535");
	bad_profile("http_port = 81\nhttp_port = 82\n", "p.conf:2: http_port given twice");
	bad_profile("admin_mode = @random\n", "@random is only for secrets");
	bad_profile("just words\n", "p.conf:1: expected 'key = value'");
	bad_profile("@lock nothing_here\n", "p.conf:1: unknown setting 'nothing_here'");
	bad_profile("http_port = 443\n", "must differ");
	bad_profile("enable_keyboard_lock = on\n", "needs a PIN");
	bad_profile("admin_mode_password = 12\n", "admin_mode_password: length 2");
	{
		char err[512];
		char *dir = tu_mkdtemp(), *p = tu_path(dir, "y.db");
		CU_ASSERT_EQUAL(store_create(p, "/nonexistent/profile.conf", NULL, err, sizeof(err)),
				STORE_E_PROFILE);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/profile.conf"));
		CU_ASSERT_NOT_EQUAL(access(p, F_OK), 0);
		tu_rmtree(dir);
		free(dir);
		free(p);
	}
}

static void test_create_refuses_overwrite(void)
{
	char *dir = NULL, *path = NULL;
	char err[512] = "";
	struct store *st = tu_store_new(&dir, &path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(tu_set(st, "http_port", "8080", NULL), STORE_OK);
	CU_ASSERT_EQUAL(store_create(path, NULL, NULL, err, sizeof(err)), STORE_E_EXISTS);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "already exists"));
	{
		char *v = NULL;
		CU_ASSERT_EQUAL(store_get(&v, st, "http_port"), STORE_OK);
		CU_ASSERT_STRING_EQUAL(v, "8080"); /* the existing store is untouched */
		free(v);
	}
	store_close(st);
	tu_rmtree(dir);
	free(dir);
	free(path);
}

int main(void)
{
	CU_pSuite s;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 99;
	s = CU_add_suite("registry", NULL, NULL);
	CU_add_test(s, "rows well formed", test_rows_well_formed);
	CU_add_test(s, "bool", test_bool);
	CU_add_test(s, "uint", test_uint);
	CU_add_test(s, "enum", test_enum);
	CU_add_test(s, "string", test_string);
	CU_add_test(s, "secret values", test_secret_values);
	CU_add_test(s, "names", test_names);
	s = CU_add_suite("profiles", NULL, NULL);
	CU_add_test(s, "default profile = built-in", test_default_profile_matches_builtin);
	CU_add_test(s, "secure profile", test_secure_profile);
	CU_add_test(s, "bad profiles", test_bad_profiles);
	CU_add_test(s, "create refuses overwrite", test_create_refuses_overwrite);
	return tu_run();
}
