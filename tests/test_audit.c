/* Unit tests of the audit log (no secret value anywhere), the change feed's file descriptor and
 * the store file's permissions. */
#include "config.h"

#include <CUnit/CUnit.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store.h"
#include "testutil.h"

#define SECRET "S3cretValue!"

static bool file_contains(const char *path, const char *needle)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;
	bool found = false;
	if (!f)
		return false;
	buf = malloc(8 << 20);
	n = buf ? fread(buf, 1, 8 << 20, f) : 0;
	fclose(f);
	for (size_t i = 0; buf && i + strlen(needle) <= n && !found; i++)
		found = memcmp(buf + i, needle, strlen(needle)) == 0;
	free(buf);
	return found;
}

static void test_audit_entries(void)
{
	char *dir = NULL, *path = NULL, *wal;
	struct store *st = tu_store_new(&dir, &path);
	struct store_audit_entry *e = NULL;
	struct store_actor snmp = { STORE_SRC_SNMP, STORE_ROLE_ADMIN, "nms-user" };
	struct store_txn *t = NULL;
	uint64_t h0 = 0, h1 = 0;
	size_t n = 0;
	struct stat sb;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(store_audit_head(&h0, st), STORE_OK);
	CU_ASSERT_EQUAL(h0, 1); /* the factory entry */
	CU_ASSERT_EQUAL_FATAL(store_txn_begin(&t, st, STORE_TXN_BOTH, &snmp), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set(t, "http_user", "admin"), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set(t, "http_pass", SECRET), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set(t, "admin_mode_password", SECRET "x"), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set(t, "tr69_acs_passwd", SECRET "y"), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set(t, "keyboard_lock_pw", "97531"), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_commit(t, &h1), STORE_OK);
	store_txn_free(t);
	CU_ASSERT_EQUAL(h1, h0 + 1);
	CU_ASSERT_EQUAL(tu_set(st, "http_port", "8080", NULL), STORE_OK);
	CU_ASSERT_EQUAL(store_audit_since(&e, &n, st, h0, 10), STORE_OK);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_EQUAL(e[0].seq, h1);
	CU_ASSERT_EQUAL(e[0].action, STORE_ACT_SET);
	CU_ASSERT_EQUAL(e[0].source, STORE_SRC_SNMP);
	CU_ASSERT_TRUE(e[0].both_layers);
	CU_ASSERT_STRING_EQUAL(e[0].principal, "nms-user");
	CU_ASSERT_STRING_EQUAL(e[0].keys,
			       "http_user,http_pass,admin_mode_password,tr69_acs_passwd,keyboard_lock_pw");
	CU_ASSERT(e[0].time_ms > 1700000000000LL);
	CU_ASSERT_EQUAL(e[1].seq, h1 + 1);
	CU_ASSERT_FALSE(e[1].both_layers);
	CU_ASSERT_STRING_EQUAL(e[1].principal, "test");
	for (size_t i = 0; i < n; i++) {
		CU_ASSERT_PTR_NULL(strstr(e[i].keys, SECRET));
		CU_ASSERT_PTR_NULL(strstr(e[i].principal, SECRET));
	}
	store_audit_free(e, n);
	/* last N, oldest first */
	CU_ASSERT_EQUAL(store_audit_last(&e, &n, st, 2), STORE_OK);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT(e[0].seq < e[1].seq);
	store_audit_free(e, n);
	CU_ASSERT_EQUAL(store_audit_since(&e, &n, st, h1 + 1, 10), STORE_OK);
	CU_ASSERT_EQUAL(n, 0);
	store_audit_free(e, n);

	/* no read path returns a secret, and hashed secrets are nowhere in the files */
	{
		char *v = NULL;
		struct store_snapshot *snap = NULL;
		CU_ASSERT_EQUAL(store_get(&v, st, "http_pass"), STORE_OK);
		CU_ASSERT_STRING_EQUAL(v, "");
		free(v);
		CU_ASSERT_EQUAL(store_get_saved(&v, st, "admin_mode_password"), STORE_OK);
		CU_ASSERT_STRING_EQUAL(v, "");
		free(v);
		CU_ASSERT_EQUAL(store_snapshot_take(&snap, st), STORE_OK);
		for (size_t i = 0; i < snap->count; i++)
			if (snap->rows[i].setting->type == STORE_TYPE_SECRET) {
				CU_ASSERT_STRING_EQUAL(snap->rows[i].running, "");
				CU_ASSERT_STRING_EQUAL(snap->rows[i].saved, "");
			}
		CU_ASSERT_TRUE(store_snapshot_find(snap, "http_pass")->secret_set);
		store_snapshot_free(snap);
	}
	wal = tu_path(dir, "settings.db-wal");
	CU_ASSERT_FALSE(file_contains(path, SECRET));
	CU_ASSERT_FALSE(file_contains(wal, SECRET));
	CU_ASSERT_FALSE(file_contains(wal, "97531"));
	/* the store holds the ACS password: readable by the service user alone */
	CU_ASSERT_EQUAL(stat(path, &sb), 0);
	CU_ASSERT_EQUAL(sb.st_mode & 0777, 0600);
	CU_ASSERT_EQUAL(stat(wal, &sb), 0);
	CU_ASSERT_EQUAL(sb.st_mode & 0777, 0600);
	free(wal);
	store_close(st);
	tu_rmtree(dir);
	free(dir);
	free(path);
}

static bool readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

/* A principal is kept on one line and bounded, whoever gives it. */
static void test_audit_principal(void)
{
	char *dir = NULL;
	struct store *st = tu_store_new(&dir, NULL);
	struct store_audit_entry *e = NULL;
	char long_name[STORE_PRINCIPAL_MAX + 50];
	size_t n = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	memset(long_name, 'p', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	const char *names[] = { "eve\n42 2026-01-01 set cli root http_port\r\x1b[2J", long_name,
				"del\x7fname\x7f" };
	for (size_t i = 0; i < 3; i++) {
		struct store_txn *t = NULL;
		struct store_actor who = { STORE_SRC_WUI, STORE_ROLE_SUBSCRIBER, names[i] };
		CU_ASSERT_EQUAL_FATAL(store_txn_begin(&t, st, STORE_TXN_BOTH, &who), STORE_OK);
		CU_ASSERT_EQUAL(store_txn_set(t, "web_logout_timer", i == 0 ? "8" : i == 1 ? "9" : "10"),
				STORE_OK);
		CU_ASSERT_EQUAL(store_txn_commit(t, NULL), STORE_OK);
		store_txn_free(t);
	}
	CU_ASSERT_EQUAL(store_audit_last(&e, &n, st, 3), STORE_OK);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_STRING_EQUAL(e[0].principal, "eve?42 2026-01-01 set cli root http_port??[2J");
	CU_ASSERT_EQUAL(strlen(e[1].principal), STORE_PRINCIPAL_MAX);
	CU_ASSERT_EQUAL(strspn(e[1].principal, "p"), STORE_PRINCIPAL_MAX);
	CU_ASSERT_STRING_EQUAL(e[2].principal, "del?name?"); /* DEL is a control byte too */
	store_audit_free(e, n);
	store_close(st);
	tu_rmtree(dir);
	free(dir);
}

static void test_feed_fd(void)
{
	char *dir = NULL, *path = NULL, err[256];
	struct store *st = tu_store_new(&dir, &path), *other = NULL;
	struct store_audit_entry *e = NULL;
	size_t n = 0;
	uint64_t h = 0;
	int fd;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL_FATAL(store_open(&other, path, err, sizeof(err)), STORE_OK);
	fd = store_feed_fd(st);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(store_feed_fd(st), fd); /* one fd per handle */
	store_feed_drain(st);
	CU_ASSERT_EQUAL(store_audit_head(&h, st), STORE_OK);
	/* reads do not wake followers */
	{
		char *v = NULL;
		struct store_snapshot *snap = NULL;
		CU_ASSERT_EQUAL(store_get(&v, other, "http_port"), STORE_OK);
		free(v);
		CU_ASSERT_EQUAL(store_snapshot_take(&snap, other), STORE_OK);
		store_snapshot_free(snap);
	}
	CU_ASSERT_FALSE(readable(fd, 50));
	CU_ASSERT_EQUAL(tu_set(other, "web_logout_timer", "6", NULL), STORE_OK);
	CU_ASSERT_TRUE(readable(fd, 100));
	CU_ASSERT(store_feed_drain(st) > 0);
	CU_ASSERT_FALSE(readable(fd, 20));
	CU_ASSERT_EQUAL(store_audit_since(&e, &n, st, h, 100), STORE_OK);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_STRING_EQUAL(e[0].keys, "web_logout_timer");
	store_audit_free(e, n);
	CU_ASSERT_EQUAL(store_feed_drain(NULL), 0);
	CU_ASSERT_EQUAL(store_feed_fd(NULL), -1);
	store_close(other);
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
	s = CU_add_suite("audit", NULL, NULL);
	CU_add_test(s, "entries without secrets", test_audit_entries);
	CU_add_test(s, "principal on one line, bounded", test_audit_principal);
	CU_add_test(s, "feed fd", test_feed_fd);
	return tu_run();
}
