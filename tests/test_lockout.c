/* Unit tests of the PIN rule and the login lock-out: three failures lock for a minute, each
 * further lock-out doubles, a success resets, and the state survives a re-open. */
#include "config.h"

#include <CUnit/CUnit.h>
#include <stdlib.h>

#include "store.h"
#include "testutil.h"

static void test_pin(void)
{
	CU_ASSERT_TRUE(store_pin_valid("1234"));
	CU_ASSERT_TRUE(store_pin_valid("12345678"));
	CU_ASSERT_FALSE(store_pin_valid("123"));
	CU_ASSERT_FALSE(store_pin_valid("123456789"));
	CU_ASSERT_FALSE(store_pin_valid("12a4"));
	CU_ASSERT_FALSE(store_pin_valid(""));
	CU_ASSERT_FALSE(store_pin_valid(NULL));
}

static void test_doubling(void)
{
	struct store_lockout lo;
	int64_t t = 1000000;
	uint32_t left = 0;
	store_lockout_init(&lo);
	CU_ASSERT_FALSE(store_lockout_fail(&lo, t));
	CU_ASSERT_FALSE(store_lockout_fail(&lo, t));
	CU_ASSERT_FALSE(store_lockout_active(&lo, t, &left));
	CU_ASSERT_EQUAL(left, 0);
	CU_ASSERT_TRUE(store_lockout_fail(&lo, t)); /* the third failure locks */
	CU_ASSERT_TRUE(store_lockout_active(&lo, t, &left));
	CU_ASSERT_EQUAL(left, 60);
	CU_ASSERT_TRUE(store_lockout_active(&lo, t + 59999, &left));
	CU_ASSERT_EQUAL(left, 1);
	/* failures while locked neither count nor extend */
	CU_ASSERT_FALSE(store_lockout_fail(&lo, t + 30000));
	CU_ASSERT_FALSE(store_lockout_active(&lo, t + 60000, NULL));
	t += 60000;
	CU_ASSERT_FALSE(store_lockout_fail(&lo, t));
	CU_ASSERT_FALSE(store_lockout_fail(&lo, t));
	CU_ASSERT_TRUE(store_lockout_fail(&lo, t));
	CU_ASSERT_TRUE(store_lockout_active(&lo, t, &left));
	CU_ASSERT_EQUAL(left, 120); /* doubled */
	/* a success resets failures and the doubling */
	store_lockout_success(&lo);
	CU_ASSERT_FALSE(store_lockout_active(&lo, t, NULL));
	CU_ASSERT_EQUAL(lo.failures, 0);
	CU_ASSERT_EQUAL(lo.next_lock_s, 60);
	/* the doubling is capped */
	for (int i = 0; i < 40; i++) {
		t += (int64_t)STORE_LOCKOUT_MAX_S * 1000 + 1;
		store_lockout_fail(&lo, t);
		store_lockout_fail(&lo, t);
		store_lockout_fail(&lo, t);
	}
	CU_ASSERT_TRUE(store_lockout_active(&lo, t, &left));
	CU_ASSERT_EQUAL(left, STORE_LOCKOUT_MAX_S);
}

static void test_persisted(void)
{
	char *dir = NULL, *path = NULL, err[256];
	struct store *st = tu_store_new(&dir, &path), *again = NULL;
	struct store_lockout lo, back;
	int64_t now = store_now_ms();
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(store_lockout_load(&back, st, "wui:admin"), STORE_OK);
	CU_ASSERT_EQUAL(back.failures, 0);
	CU_ASSERT_EQUAL(back.until_ms, 0);
	store_lockout_init(&lo);
	store_lockout_fail(&lo, now);
	store_lockout_fail(&lo, now);
	store_lockout_fail(&lo, now);
	CU_ASSERT_EQUAL(store_lockout_save(st, "wui:admin", &lo), STORE_OK);
	store_close(st);
	CU_ASSERT_EQUAL_FATAL(store_open(&again, path, err, sizeof(err)), STORE_OK);
	CU_ASSERT_EQUAL(store_lockout_load(&back, again, "wui:admin"), STORE_OK);
	CU_ASSERT_TRUE(store_lockout_active(&back, now + 1000, NULL));
	CU_ASSERT_EQUAL(back.next_lock_s, 120);
	CU_ASSERT_EQUAL(store_lockout_load(&back, again, "keypad"), STORE_OK);
	CU_ASSERT_FALSE(store_lockout_active(&back, now, NULL));
	CU_ASSERT_EQUAL(store_lockout_load(&back, again, NULL), STORE_E_INVALID);
	store_close(again);
	tu_rmtree(dir);
	free(dir);
	free(path);
}

/* The failure count itself survives a restart, not only a lock-out: 1 or 2 failures, a new
 * handle, and the third failure locks. */
static void test_count_persisted(void)
{
	char *dir = NULL, *path = NULL, err[256];
	struct store *st = tu_store_new(&dir, &path);
	int64_t now = store_now_ms();

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	store_close(st);
	for (uint32_t before = 1; before <= 2; before++) {
		struct store_lockout lo, back;
		struct store *h = NULL;
		char name[32];

		snprintf(name, sizeof(name), "wui:user%u", before);
		CU_ASSERT_EQUAL_FATAL(store_open(&h, path, err, sizeof(err)), STORE_OK);
		store_lockout_init(&lo);
		for (uint32_t i = 0; i < before; i++)
			CU_ASSERT_FALSE(store_lockout_fail(&lo, now));
		CU_ASSERT_EQUAL(store_lockout_save(h, name, &lo), STORE_OK);
		store_close(h);
		/* the restart */
		CU_ASSERT_EQUAL_FATAL(store_open(&h, path, err, sizeof(err)), STORE_OK);
		CU_ASSERT_EQUAL(store_lockout_load(&back, h, name), STORE_OK);
		CU_ASSERT_EQUAL(back.failures, before);
		CU_ASSERT_FALSE(store_lockout_active(&back, now, NULL));
		for (uint32_t i = before; i + 1 < STORE_LOCKOUT_THRESHOLD; i++)
			CU_ASSERT_FALSE(store_lockout_fail(&back, now));
		CU_ASSERT_TRUE(store_lockout_fail(&back, now)); /* the third in all locks */
		CU_ASSERT_TRUE(store_lockout_active(&back, now + 1000, NULL));
		store_close(h);
	}
	tu_rmtree(dir);
	free(dir);
	free(path);
}

int main(void)
{
	CU_pSuite s;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 99;
	s = CU_add_suite("lockout", NULL, NULL);
	CU_add_test(s, "pin", test_pin);
	CU_add_test(s, "doubling", test_doubling);
	CU_add_test(s, "persisted", test_persisted);
	CU_add_test(s, "failure count persisted before a lock-out", test_count_persisted);
	return tu_run();
}
