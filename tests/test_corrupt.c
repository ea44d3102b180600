/* Damaged-file tests: garbage, empty, truncated, bit-flipped, foreign, newer and missing stores
 * give one exact error code with a message naming the path, never a crash, and stay untouched. */
#include "config.h"

#include <CUnit/CUnit.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store.h"
#include "testutil.h"

static char *corrupt_dir; /* one folder for the whole suite */

static int corrupt_init(void)
{
	corrupt_dir = tu_mkdtemp();
	return corrupt_dir ? 0 : -1;
}

static int corrupt_clean(void)
{
	tu_rmtree(corrupt_dir);
	free(corrupt_dir);
	corrupt_dir = NULL;
	return 0;
}

/* The whole regular file in a malloc'd buffer (NULL with *len 0 when unreadable or no file). */
static unsigned char *corrupt_slurp(const char *path, size_t *len)
{
	unsigned char *buf = NULL;
	struct stat sb;
	long size;
	FILE *f;
	*len = 0;
	if (stat(path, &sb) < 0 || !S_ISREG(sb.st_mode) || !(f = fopen(path, "rb")))
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)size + 1);
		if (buf && fread(buf, 1, (size_t)size, f) != (size_t)size) {
			free(buf);
			buf = NULL;
		}
		if (buf)
			*len = (size_t)size;
	}
	fclose(f);
	return buf;
}

static void corrupt_spill(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT(len == 0 || fwrite(buf, 1, len, f) == len);
	CU_ASSERT(fclose(f) == 0);
}

static bool corrupt_exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0;
}

static char *corrupt_companion(const char *path, const char *suffix)
{
	char *p = NULL;
	if (asprintf(&p, "%s%s", path, suffix) < 0)
		return NULL;
	return p;
}

/* A valid, closed store: created, one change committed, checkpointed (no -wal left). */
static char *corrupt_valid_store(const char *name)
{
	struct store_actor who = { STORE_SRC_CLI, STORE_ROLE_ADMIN, "test" };
	char *path = tu_path(corrupt_dir, name), *wal, err[512];
	struct store *st = NULL;
	struct store_txn *t = NULL;

	CU_ASSERT_FATAL(path != NULL);
	CU_ASSERT_FATAL(store_create(path, NULL, NULL, err, sizeof(err)) == STORE_OK);
	CU_ASSERT_FATAL(store_open(&st, path, err, sizeof(err)) == STORE_OK);
	CU_ASSERT_FATAL(store_txn_begin(&t, st, STORE_TXN_BOTH, &who) == STORE_OK);
	CU_ASSERT(store_txn_set(t, "web_logout_timer", "33") == STORE_OK);
	CU_ASSERT(store_txn_commit(t, NULL) == STORE_OK);
	store_txn_free(t);
	store_close(st);
	wal = corrupt_companion(path, "-wal");
	CU_ASSERT_FALSE(corrupt_exists(wal));
	free(wal);
	return path;
}

/* A copy of src, cut to len bytes (len larger than the file: whole copy). */
static char *corrupt_copy(const char *src, const char *name, size_t len)
{
	char *path = tu_path(corrupt_dir, name);
	size_t n = 0;
	unsigned char *buf = corrupt_slurp(src, &n);
	CU_ASSERT_FATAL(path != NULL && buf != NULL);
	corrupt_spill(path, buf, len < n ? len : n);
	free(buf);
	return path;
}

/* store_open must fail with exactly code, a message naming the path (and needle, if given), no
 * handle, and leave the file byte for byte as it was, and its -wal there or absent as it was.
 * (The -shm is an index SQLite rebuilds from the -wal; it is not checked.) */
static void corrupt_expect(const char *path, int code, const char *needle)
{
	struct store *st = NULL;
	unsigned char *before, *after;
	size_t blen = 0, alen = 0;
	char err[512], *wal;
	bool wal_before;
	int rc;

	wal = corrupt_companion(path, "-wal");
	wal_before = corrupt_exists(wal);
	before = corrupt_slurp(path, &blen);
	memset(err, 0, sizeof(err));
	rc = store_open(&st, path, err, sizeof(err));
	CU_ASSERT_EQUAL(rc, code);
	CU_ASSERT_PTR_NULL(st);
	store_close(st);
	CU_ASSERT(err[0] != '\0');
	CU_ASSERT_PTR_NOT_NULL(strstr(err, path));
	if (needle)
		CU_ASSERT_PTR_NOT_NULL(strstr(err, needle));
	if (rc != code || !strstr(err, path) || (needle && !strstr(err, needle)))
		printf("\n    %s: got %d (%s), want %d%s%s", path, rc, err, code,
		       needle ? " with " : "", needle ? needle : "");
	after = corrupt_slurp(path, &alen);
	CU_ASSERT(blen == alen && (blen == 0 || memcmp(before, after, blen) == 0));
	if (blen != alen || (blen && memcmp(before, after, blen) != 0))
		printf("\n    %s: failed open changed the file (%zu -> %zu bytes)", path, blen, alen);
	CU_ASSERT_EQUAL(corrupt_exists(wal), wal_before);
	free(before);
	free(after);
	free(wal);
}

/* Runs SQL on a file through SQLite directly. */
static void corrupt_sql(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	char *msg = NULL;
	CU_ASSERT_FATAL(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) ==
			SQLITE_OK);
	CU_ASSERT(sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK);
	if (msg)
		printf("\n    %s: %s", sql, msg);
	sqlite3_free(msg);
	sqlite3_close(db);
}

static int corrupt_user_version(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	int v = -1;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
	return v;
}

/* ------------------------------------------------------------------------------------------- */

static void test_garbage(void)
{
	unsigned char buf[3 * 4096];
	uint32_t x = 0x9e3779b9u; /* fixed seed: the same garbage every run */
	char *path = tu_path(corrupt_dir, "garbage.db");
	for (size_t i = 0; i < sizeof(buf); i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = (unsigned char)x;
	}
	corrupt_spill(path, buf, sizeof(buf));
	corrupt_expect(path, STORE_E_CORRUPT, "corrupt");
	free(path);
}

static void test_empty(void)
{
	char *path = tu_path(corrupt_dir, "empty.db");
	corrupt_spill(path, "", 0);
	corrupt_expect(path, STORE_E_CORRUPT, "not a phonesec store");
	free(path);
}

static void test_truncated(void)
{
	char *valid = corrupt_valid_store("whole.db"), *half, *head, *page;
	struct stat sb;
	CU_ASSERT_FATAL(stat(valid, &sb) == 0);
	CU_ASSERT_FATAL(sb.st_size >= 4 * 4096); /* several pages, so a cut loses tables */
	half = corrupt_copy(valid, "half.db", (size_t)sb.st_size / 2);
	head = corrupt_copy(valid, "first100.db", 100);
	page = corrupt_copy(valid, "onepage.db", 4096);
	corrupt_expect(half, STORE_E_CORRUPT, "corrupt");
	corrupt_expect(head, STORE_E_CORRUPT, "corrupt");
	corrupt_expect(page, STORE_E_CORRUPT, "corrupt");
	free(valid);
	free(half);
	free(head);
	free(page);
}

/* A store with a leftover -wal (a writer killed before the last checkpoint): intact, it opens
 * and shows the WAL's commit; with its main file cut in half, it is refused. */
static void test_leftover_wal(void)
{
	struct store_actor who = { STORE_SRC_CLI, STORE_ROLE_ADMIN, "test" };
	char *path = corrupt_valid_store("walsrc.db"), *wal = corrupt_companion(path, "-wal");
	char *copy = tu_path(corrupt_dir, "wal.db"), *cwal = corrupt_companion(copy, "-wal");
	char *cut = tu_path(corrupt_dir, "walcut.db"), *cutwal = corrupt_companion(cut, "-wal");
	unsigned char *db, *w;
	size_t dlen = 0, wlen = 0;
	struct store *st = NULL;
	struct store_txn *t = NULL;
	uint32_t v = 0;
	char err[512];

	/* Freeze a copy of both files while a handle keeps the WAL (frames not checkpointed). */
	CU_ASSERT_FATAL(store_open(&st, path, err, sizeof(err)) == STORE_OK);
	CU_ASSERT_FATAL(store_txn_begin(&t, st, STORE_TXN_BOTH, &who) == STORE_OK);
	CU_ASSERT(store_txn_set(t, "web_logout_timer", "44") == STORE_OK);
	CU_ASSERT(store_txn_commit(t, NULL) == STORE_OK);
	store_txn_free(t);
	db = corrupt_slurp(path, &dlen);
	w = corrupt_slurp(wal, &wlen);
	store_close(st);
	st = NULL;
	CU_ASSERT_FATAL(db && w && wlen > 32);
	corrupt_spill(copy, db, dlen);
	corrupt_spill(cwal, w, wlen);
	corrupt_spill(cut, db, dlen / 2);
	corrupt_spill(cutwal, w, wlen);

	CU_ASSERT_EQUAL(store_open(&st, copy, err, sizeof(err)), STORE_OK);
	CU_ASSERT(st && store_get_uint(&v, st, "web_logout_timer") == STORE_OK && v == 44);
	store_close(st);

	corrupt_expect(cut, STORE_E_CORRUPT, "corrupt");
	free(db);
	free(w);
	free(path);
	free(wal);
	free(copy);
	free(cwal);
	free(cut);
	free(cutwal);
}

/* Page header of a b-tree page from the middle of the file XOR-ed: a structural error. */
static void test_flipped_page(void)
{
	char *valid = corrupt_valid_store("flipsrc.db"), *path = tu_path(corrupt_dir, "flip.db");
	size_t len = 0, ps, pages, off = 0;
	unsigned char *buf = corrupt_slurp(valid, &len);

	CU_ASSERT_FATAL(buf != NULL && len >= 4096);
	ps = (size_t)buf[16] << 8 | buf[17];
	if (ps == 1)
		ps = 65536;
	pages = len / ps;
	for (size_t p = pages / 2 + 1; p <= pages && !off; p++) {
		unsigned char type = buf[(p - 1) * ps];
		if (p > 1 && (type == 2 || type == 5 || type == 10 || type == 13))
			off = (p - 1) * ps;
	}
	CU_ASSERT_FATAL(off != 0);
	for (size_t i = 0; i < 8; i++)
		buf[off + i] ^= 0xff;
	corrupt_spill(path, buf, len);
	corrupt_expect(path, STORE_E_CORRUPT, "corrupt");
	free(buf);
	free(valid);
	free(path);
}

/* Bytes flipped in the middle of the file, wherever they land: no crash; either a clean refusal
 * or a store whose reads work or fail with an error. */
static void test_flipped_middle(void)
{
	char *valid = corrupt_valid_store("midsrc.db"), *path = tu_path(corrupt_dir, "mid.db");
	size_t len = 0;
	unsigned char *buf = corrupt_slurp(valid, &len);
	struct store *st = NULL;
	struct store_snapshot *snap = NULL;
	char err[512];
	int rc;

	CU_ASSERT_FATAL(buf != NULL && len >= 4096);
	for (size_t i = len / 2 - 32; i < len / 2 + 32; i++)
		buf[i] ^= 0x5a;
	corrupt_spill(path, buf, len);
	rc = store_open(&st, path, err, sizeof(err));
	CU_ASSERT(rc == STORE_OK || rc == STORE_E_CORRUPT);
	if (rc == STORE_OK) {
		rc = store_snapshot_take(&snap, st);
		CU_ASSERT(rc == STORE_OK || rc == STORE_E_CORRUPT);
		store_snapshot_free(snap);
	} else {
		CU_ASSERT_PTR_NOT_NULL(strstr(err, path));
	}
	store_close(st);
	free(buf);
	free(valid);
	free(path);
}

static void test_foreign_db(void)
{
	char *path = tu_path(corrupt_dir, "foreign.db");
	corrupt_sql(path, "CREATE TABLE contacts(name TEXT, number TEXT);"
			  "INSERT INTO contacts VALUES('alice', '100');");
	corrupt_expect(path, STORE_E_CORRUPT, "not a phonesec store");
	free(path);
}

static void test_no_magic(void)
{
	char *path = corrupt_valid_store("nomagic.db");
	corrupt_sql(path, "DELETE FROM meta WHERE name='magic'");
	corrupt_expect(path, STORE_E_CORRUPT, "not a phonesec store");
	free(path);
}

/* The right schema version with a table gone is a damaged store, not an I/O error. */
static void test_missing_table(void)
{
	char *path = corrupt_valid_store("notable.db");
	corrupt_sql(path, "DROP TABLE settings");
	corrupt_expect(path, STORE_E_CORRUPT, "corrupt");
	free(path);
}

static void test_newer_schema(void)
{
	char *path = corrupt_valid_store("newer.db");
	corrupt_sql(path, "PRAGMA user_version=99");
	corrupt_expect(path, STORE_E_SCHEMA, "99");
	free(path);
}

static void test_schema_v1(void)
{
	char *path = corrupt_valid_store("v1.db"), *v = NULL, err[512];
	struct store *st = NULL;
	struct store_lockout lo, back;
	uint32_t timer = 0;

	corrupt_sql(path, "DROP TABLE state; DROP TABLE lockout; ALTER TABLE audit DROP COLUMN role; "
			  "PRAGMA user_version=1");
	CU_ASSERT_EQUAL(corrupt_user_version(path), 1);
	CU_ASSERT_EQUAL_FATAL(store_open(&st, path, err, sizeof(err)), STORE_OK);
	CU_ASSERT(store_get_uint(&timer, st, "web_logout_timer") == STORE_OK && timer == 33);
	CU_ASSERT_EQUAL(store_state_get(&v, st, "ParameterKey"), STORE_E_NOT_FOUND);
	CU_ASSERT_EQUAL(store_state_set(st, "ParameterKey", "pk-1"), STORE_OK);
	CU_ASSERT(store_state_get(&v, st, "ParameterKey") == STORE_OK && v && !strcmp(v, "pk-1"));
	free(v);
	store_lockout_init(&lo);
	store_lockout_fail(&lo, 1000);
	CU_ASSERT_EQUAL(store_lockout_save(st, "keypad", &lo), STORE_OK);
	CU_ASSERT_EQUAL(store_lockout_load(&back, st, "keypad"), STORE_OK);
	CU_ASSERT_EQUAL(back.failures, 1);
	store_close(st);
	CU_ASSERT_EQUAL(corrupt_user_version(path), 4);
	free(path);
}

/* Version 2 gains the audit's role column: older entries have no role, new ones theirs. */
static void test_schema_v2(void)
{
	static const struct store_actor desk = { STORE_SRC_WUI, STORE_ROLE_SUBSCRIBER, "desk" };
	char *path = corrupt_valid_store("v2.db"), err[512];
	struct store *st = NULL;
	struct store_txn *t = NULL;
	struct store_audit_entry *e = NULL;
	size_t n = 0;

	corrupt_sql(path, "ALTER TABLE audit DROP COLUMN role; PRAGMA user_version=2");
	CU_ASSERT_EQUAL(corrupt_user_version(path), 2);
	CU_ASSERT_EQUAL_FATAL(store_open(&st, path, err, sizeof(err)), STORE_OK);
	CU_ASSERT_EQUAL(corrupt_user_version(path), 4);
	CU_ASSERT_EQUAL_FATAL(store_txn_begin(&t, st, STORE_TXN_RUNNING, &desk), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set(t, "web_logout_timer", "21"), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_commit(t, NULL), STORE_OK);
	store_txn_free(t);
	CU_ASSERT_EQUAL(store_audit_last(&e, &n, st, 2), STORE_OK);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_EQUAL(e[0].role, 0); /* written before the column */
	CU_ASSERT_STRING_EQUAL(store_role_name(e[0].role), "unknown");
	CU_ASSERT_EQUAL(e[1].role, STORE_ROLE_SUBSCRIBER);
	CU_ASSERT_STRING_EQUAL(store_role_name(e[1].role), "subscriber");
	store_audit_free(e, n);
	store_close(st);
	free(path);
}

static void test_missing_file(void)
{
	char *path = tu_path(corrupt_dir, "nowhere.db");
	corrupt_expect(path, STORE_E_NOT_FOUND, NULL);
	CU_ASSERT_FALSE(corrupt_exists(path)); /* open never creates */
	free(path);
}

static void test_directory(void)
{
	char *path = tu_path(corrupt_dir, "folder.db");
	CU_ASSERT_FATAL(mkdir(path, 0700) == 0);
	corrupt_expect(path, STORE_E_CORRUPT, "not a regular file");
	free(path);
}

/* Version 4 gives locks three states: a lock of an older store, which could not tell the
 * provider's from the default, becomes the provider's; open settings stay open. */
static void test_schema_v3(void)
{
	char *path = corrupt_valid_store("v3.db"), err[512];
	struct store *st = NULL;
	enum store_lock l = STORE_LOCK_OPEN;
	bool locked = false;

	corrupt_sql(path, "UPDATE settings SET locked=1 WHERE key IN ('webserver_type', "
			  "'web_logout_timer'); UPDATE settings SET locked=0 WHERE key='http_port'; "
			  "PRAGMA user_version=3");
	CU_ASSERT_EQUAL(corrupt_user_version(path), 3);
	CU_ASSERT_EQUAL_FATAL(store_open(&st, path, err, sizeof(err)), STORE_OK);
	CU_ASSERT_EQUAL(corrupt_user_version(path), 4);
	CU_ASSERT(store_lock_state_get(&l, st, "webserver_type") == STORE_OK &&
		  l == STORE_LOCK_PROVIDER);
	CU_ASSERT(store_lock_state_get(&l, st, "web_logout_timer") == STORE_OK &&
		  l == STORE_LOCK_PROVIDER);
	CU_ASSERT(store_lock_state_get(&l, st, "http_port") == STORE_OK && l == STORE_LOCK_OPEN);
	CU_ASSERT(store_lock_get(&locked, st, "webserver_type") == STORE_OK && locked);
	CU_ASSERT(store_lock_get(&locked, st, "http_port") == STORE_OK && !locked);
	store_close(st);
	free(path);
}

int main(void)
{
	CU_pSuite s;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 99;
	s = CU_add_suite("corrupt", corrupt_init, corrupt_clean);
	CU_add_test(s, "garbage file", test_garbage);
	CU_add_test(s, "empty file", test_empty);
	CU_add_test(s, "truncated to half, 100 bytes, one page", test_truncated);
	CU_add_test(s, "leftover -wal, intact and with a truncated file", test_leftover_wal);
	CU_add_test(s, "b-tree page header flipped", test_flipped_page);
	CU_add_test(s, "bytes flipped in the middle", test_flipped_middle);
	CU_add_test(s, "SQLite database that is not a store", test_foreign_db);
	CU_add_test(s, "store without its magic", test_no_magic);
	CU_add_test(s, "store with a table missing", test_missing_table);
	CU_add_test(s, "schema newer than this phonesec", test_newer_schema);
	CU_add_test(s, "schema version 1 is migrated", test_schema_v1);
	CU_add_test(s, "schema version 2 is migrated", test_schema_v2);
	CU_add_test(s, "schema version 3 is migrated: locks become the provider's",
		    test_schema_v3);
	CU_add_test(s, "missing file", test_missing_file);
	CU_add_test(s, "directory instead of a file", test_directory);
	return tu_run();
}
