/* Unit tests of secrets: records never hold the clear text, verification, RFC 7616 HA1 (checked
 * through the RFC's own example responses), the ACS password's reveal path, constant-time compare. */
#include "config.h"

#include <CUnit/CUnit.h>
#include <openssl/evp.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "testutil.h"

/* H(data) in hex with the named digest. */
static void hexdigest(char *out, const char *alg, const char *data)
{
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	EVP_Digest(data, strlen(data), h, &n, strcmp(alg, "MD5") == 0 ? EVP_md5() : EVP_sha256(),
		   NULL);
	for (unsigned i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", h[i]);
}

/* RFC 7616 section 3.9.1: user Mufasa, password "Circle of Life", realm http-auth@example.org. */
static void rfc7616_response(char *out, const char *alg, const char *ha1)
{
	char ha2[65], buf[512];
	hexdigest(ha2, alg, "GET:/dir/index.html");
	snprintf(buf, sizeof(buf), "%s:%s:%s:%s:%s:%s", ha1,
		 "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "00000001",
		 "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", "auth", ha2);
	hexdigest(out, alg, buf);
}

static void test_rfc7616_example(void)
{
	char ha1[65], resp[65];
	CU_ASSERT_EQUAL_FATAL(store_secret_digest_ha1(ha1, sizeof(ha1), "MD5", "Mufasa",
						      "http-auth@example.org", "Circle of Life"),
			      STORE_OK);
	rfc7616_response(resp, "MD5", ha1);
	CU_ASSERT_STRING_EQUAL(resp, "8ca523f5e9506fed4657c9700eebdbec");
	CU_ASSERT_EQUAL_FATAL(store_secret_digest_ha1(ha1, sizeof(ha1), "SHA-256", "Mufasa",
						      "http-auth@example.org", "Circle of Life"),
			      STORE_OK);
	rfc7616_response(resp, "SHA-256", ha1);
	CU_ASSERT_STRING_EQUAL(resp,
			       "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
	CU_ASSERT_EQUAL(store_secret_digest_ha1(ha1, sizeof(ha1), "SHA-512", "a", "b", "c"),
			STORE_E_INVALID);
	CU_ASSERT_EQUAL(store_secret_digest_ha1(ha1, 32, "SHA-256", "a", "b", "c"), STORE_E_INVALID);
}

static void test_records(void)
{
	const struct store_setting *admin = store_registry_find("admin_mode_password");
	const struct store_setting *web = store_registry_find("http_pass");
	char *r1 = NULL, *r2 = NULL;
	CU_ASSERT_EQUAL_FATAL(store_secret_encode(&r1, admin, "Tr0ub4dor&3", NULL, NULL), STORE_OK);
	CU_ASSERT_EQUAL_FATAL(store_secret_encode(&r2, admin, "Tr0ub4dor&3", NULL, NULL), STORE_OK);
	CU_ASSERT_PTR_NULL(strstr(r1, "Tr0ub4dor"));
	CU_ASSERT(strcmp(r1, r2) != 0); /* fresh salt every time */
	CU_ASSERT_TRUE(store_secret_check(r1, "Tr0ub4dor&3"));
	CU_ASSERT_TRUE(store_secret_check(r2, "Tr0ub4dor&3"));
	CU_ASSERT_FALSE(store_secret_check(r1, "Tr0ub4dor&4"));
	CU_ASSERT_FALSE(store_secret_check(r1, ""));
	CU_ASSERT_FALSE(store_secret_check(r1, NULL));
	CU_ASSERT_FALSE(store_secret_check("", ""));
	CU_ASSERT_FALSE(store_secret_check("garbage", "x"));
	CU_ASSERT_FALSE(store_secret_check("ps1;k=v;pbkdf2=1:zz:zz", "x"));
	CU_ASSERT_FALSE(store_secret_check("ps1;k=v;pbkdf2=100000:00:00", "x"));
	/* a tampered hash does not verify */
	{
		char *p = strstr(r1, "pbkdf2=");
		char *last = r1 + strlen(r1) - 1;
		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		*last = *last == '0' ? '1' : '0';
		CU_ASSERT_FALSE(store_secret_check(r1, "Tr0ub4dor&3"));
	}
	store_secret_wipe(r1);
	store_secret_wipe(r2);
	/* digest records carry HA1s for their user and realm */
	CU_ASSERT_EQUAL_FATAL(store_secret_encode(&r1, web, "Circle of Life", "Mufasa",
						  "http-auth@example.org"),
			      STORE_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(r1, ";md5="));
	CU_ASSERT_TRUE(store_secret_check(r1, "Circle of Life"));
	store_secret_wipe(r1);
	CU_ASSERT_EQUAL(store_secret_encode(&r1, store_registry_find("http_port"), "x", NULL, NULL),
			STORE_E_INVALID);
	CU_ASSERT_EQUAL(store_secret_encode(&r1, admin, "", NULL, NULL), STORE_OK);
	CU_ASSERT_STRING_EQUAL(r1, "");
	free(r1);
	CU_ASSERT_TRUE(store_secret_equal("abc", "abc", 3));
	CU_ASSERT_FALSE(store_secret_equal("abc", "abd", 3));
	store_secret_wipe(NULL);
}

static void test_store_secrets(void)
{
	char *dir = NULL, *v = NULL;
	struct store *st = tu_store_new(&dir, NULL);
	char ha1[65], want[65];
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	/* factory: the admin password is 0000, no WUI password */
	CU_ASSERT_EQUAL(store_secret_verify(st, "admin_mode_password", "0000"), STORE_OK);
	CU_ASSERT_EQUAL(store_secret_verify(st, "admin_mode_password", "0001"), STORE_E_DENIED);
	CU_ASSERT_EQUAL(store_secret_verify(st, "http_pass", ""), STORE_E_DENIED);
	CU_ASSERT_EQUAL(store_secret_ha1(ha1, sizeof(ha1), st, "http_pass", "MD5"), STORE_E_NOT_FOUND);
	CU_ASSERT_EQUAL(store_secret_verify(st, "http_port", "80"), STORE_E_TYPE);
	CU_ASSERT_EQUAL(store_secret_verify(st, "nope", "80"), STORE_E_UNKNOWN);

	CU_ASSERT_EQUAL(tu_set(st, "http_user", "Mufasa", "http_pass", "Circle of Life", NULL),
			STORE_OK);
	CU_ASSERT_EQUAL(store_secret_verify(st, "http_pass", "Circle of Life"), STORE_OK);
	CU_ASSERT_EQUAL(store_secret_ha1(ha1, sizeof(ha1), st, "http_pass", "SHA-256"), STORE_OK);
	store_secret_digest_ha1(want, sizeof(want), "SHA-256", "Mufasa", "phonesec", "Circle of Life");
	CU_ASSERT_STRING_EQUAL(ha1, want);
	CU_ASSERT_EQUAL(store_secret_ha1(ha1, sizeof(ha1), st, "http_pass", "MD5"), STORE_OK);
	store_secret_digest_ha1(want, sizeof(want), "MD5", "Mufasa", "phonesec", "Circle of Life");
	CU_ASSERT_STRING_EQUAL(ha1, want);
	CU_ASSERT_EQUAL(store_secret_ha1(ha1, sizeof(ha1), st, "admin_mode_password", "MD5"),
			STORE_E_TYPE);
	/* a new user with a new password: the HA1s follow the user */
	CU_ASSERT_EQUAL(tu_set(st, "http_user", "Simba", "http_pass", "Hakuna", NULL), STORE_OK);
	CU_ASSERT_EQUAL(store_secret_ha1(ha1, sizeof(ha1), st, "http_pass", "MD5"), STORE_OK);
	store_secret_digest_ha1(want, sizeof(want), "MD5", "Simba", "phonesec", "Hakuna");
	CU_ASSERT_STRING_EQUAL(ha1, want);

	/* the ACS password can be revealed to the daemon that sends it, nothing else can */
	CU_ASSERT_EQUAL(tu_set(st, "tr69_acs_passwd", "acs:pass;word=1", NULL), STORE_OK);
	CU_ASSERT_EQUAL(store_secret_reveal(&v, st, "tr69_acs_passwd"), STORE_OK);
	CU_ASSERT_STRING_EQUAL(v, "acs:pass;word=1");
	store_secret_wipe(v);
	CU_ASSERT_EQUAL(store_secret_verify(st, "tr69_acs_passwd", "acs:pass;word=1"), STORE_OK);
	CU_ASSERT_EQUAL(store_secret_verify(st, "tr69_acs_passwd", "acs:pass;word=2"), STORE_E_DENIED);
	CU_ASSERT_EQUAL(store_secret_reveal(&v, st, "http_pass"), STORE_E_NOT_WRITABLE);
	CU_ASSERT_PTR_NULL(v);
	CU_ASSERT_EQUAL(store_get(&v, st, "tr69_acs_passwd"), STORE_OK);
	CU_ASSERT_STRING_EQUAL(v, "");
	free(v);
	store_close(st);
	tu_rmtree(dir);
	free(dir);
}

/* A kept credential checked against its prefix, or with characters appended, is denied: for
 * each kind of record (PBKDF2 alone, with HA1s, and the ACS password's reveal record). */
static void test_prefix_and_suffix(void)
{
	static const char *const keys[] = { "admin_mode_password", "http_pass", "tr69_acs_passwd" };
	char *dir = NULL;
	struct store *st = tu_store_new(&dir, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL_FATAL(tu_set(st, "http_user", "desk", "admin_mode_password", "Kept-Secret-9",
				     "http_pass", "Kept-Secret-9", "tr69_acs_passwd", "Kept-Secret-9",
				     NULL),
			      STORE_OK);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct store_setting *s = store_registry_find(keys[i]);
		char *record = NULL;

		CU_ASSERT_EQUAL(store_secret_verify(st, keys[i], "Kept-Secret-9"), STORE_OK);
		CU_ASSERT_EQUAL(store_secret_verify(st, keys[i], "Kept-Secret-"), STORE_E_DENIED);
		CU_ASSERT_EQUAL(store_secret_verify(st, keys[i], "K"), STORE_E_DENIED);
		CU_ASSERT_EQUAL(store_secret_verify(st, keys[i], "Kept-Secret-9x"), STORE_E_DENIED);
		CU_ASSERT_EQUAL(store_secret_verify(st, keys[i], "Kept-Secret-9 "), STORE_E_DENIED);
		CU_ASSERT_EQUAL(store_secret_verify(st, keys[i], ""), STORE_E_DENIED);
		CU_ASSERT_EQUAL_FATAL(store_secret_encode(&record, s, "Kept-Secret-9", "desk",
							  s->realm),
				      STORE_OK);
		CU_ASSERT_TRUE(store_secret_check(record, "Kept-Secret-9"));
		CU_ASSERT_FALSE(store_secret_check(record, "Kept-Secret-"));
		CU_ASSERT_FALSE(store_secret_check(record, "Kept-Secret-9!"));
		store_secret_wipe(record);
	}
	store_close(st);
	tu_rmtree(dir);
	free(dir);
}

/* The whole content of path (empty when it does not exist); *len gets its size. */
static char *file_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0;

	*len = 0;
	if (!f)
		return calloc(1, 1);
	for (;;) {
		if (*len + 65536 > cap) {
			cap = cap ? cap * 2 : 1 << 20;
			buf = realloc(buf, cap);
			CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
		}
		size_t n = fread(buf + *len, 1, cap - *len, f);
		if (n == 0)
			break;
		*len += n;
	}
	fclose(f);
	return buf ? buf : calloc(1, 1);
}

/* Whether the store file or its -wal or -shm companion holds needle. */
static bool store_files_hold(const char *path, const char *needle)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	bool found = false;

	for (size_t i = 0; i < 3; i++) {
		char name[4096];
		size_t len = 0;
		char *data;

		snprintf(name, sizeof(name), "%s%s", path, suffix[i]);
		data = file_slurp(name, &len);
		if (memmem(data, len, needle, strlen(needle))) {
			fprintf(stderr, "\n%s holds %s\n", name, needle);
			found = true;
		}
		free(data);
	}
	return found;
}

/* The stored record of key, read with a connection of its own (closed again). malloc'd. */
static char *record_read(const char *path, const char *key)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	char *r = NULL;

	CU_ASSERT_EQUAL_FATAL(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	CU_ASSERT_EQUAL(sqlite3_prepare_v2(db, "SELECT running FROM settings WHERE key=?1", -1, &q,
					   NULL),
			SQLITE_OK);
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW)
		r = strdup((const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	sqlite3_close(db);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	return r;
}

/* The value of one ";name=" field of a record, or its n-th ':'-separated part. malloc'd. */
static char *record_field(const char *record, const char *name, int part)
{
	char tag[32];
	const char *v;
	size_t len;
	char *out;

	snprintf(tag, sizeof(tag), ";%s=", name);
	v = strstr(record, tag);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	v += strlen(tag);
	for (int i = 0; i < part; i++) {
		v = strchr(v, ':');
		CU_ASSERT_PTR_NOT_NULL_FATAL(v);
		v++;
	}
	len = strcspn(v, ";:");
	out = strndup(v, len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	return out;
}

static void hex_of(char *out, const char *clear)
{
	for (size_t i = 0; clear[i]; i++)
		sprintf(out + 2 * i, "%02x", (unsigned char)clear[i]);
}

/* A replaced secret leaves nothing behind in the store file, its WAL or its shared memory: not
 * the old record's salt, key or HA1s, not the ACS password's clear text nor its hex. */
static void test_replaced_secrets_gone(void)
{
	char *dir = NULL, *path = NULL, *http, *acs, *needles[6], *fresh;
	char hex[64];
	struct store *st = tu_store_new(&dir, &path);

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL_FATAL(tu_set(st, "http_user", "desk", "http_pass", "Old-Http-Marker-1",
				     "tr69_acs_passwd", "Old-Acs-Marker-2", NULL),
			      STORE_OK);
	http = record_read(path, "http_pass");
	acs = record_read(path, "tr69_acs_passwd");
	needles[0] = record_field(http, "pbkdf2", 1); /* salt */
	needles[1] = record_field(http, "pbkdf2", 2); /* key */
	needles[2] = record_field(http, "md5", 0);
	needles[3] = record_field(http, "sha256", 0);
	needles[4] = record_field(acs, "clear", 0);
	needles[5] = strdup(acs); /* the whole reveal record */
	hex_of(hex, "Old-Acs-Marker-2");
	CU_ASSERT_STRING_EQUAL(needles[4], hex);
	/* the check can see them: they are in the files now */
	CU_ASSERT_TRUE(store_files_hold(path, needles[0]) && store_files_hold(path, needles[4]));

	CU_ASSERT_EQUAL_FATAL(tu_set(st, "http_pass", "New-Http-Marker-3", "tr69_acs_passwd",
				     "New-Acs-Marker-4", NULL),
			      STORE_OK);
	for (size_t i = 0; i < 6; i++)
		CU_ASSERT_FALSE(store_files_hold(path, needles[i]));
	CU_ASSERT_FALSE(store_files_hold(path, "Old-Http-Marker-1"));
	CU_ASSERT_FALSE(store_files_hold(path, "Old-Acs-Marker-2"));
	/* the new ones are there (the files were read), and still verify */
	fresh = record_read(path, "http_pass");
	free(needles[0]);
	needles[0] = record_field(fresh, "pbkdf2", 1);
	CU_ASSERT_TRUE(store_files_hold(path, needles[0]));
	CU_ASSERT_EQUAL(store_secret_verify(st, "http_pass", "New-Http-Marker-3"), STORE_OK);
	CU_ASSERT_EQUAL(store_secret_verify(st, "tr69_acs_passwd", "New-Acs-Marker-4"), STORE_OK);

	/* the same through discard: running's secret replaced by the saved (factory) one */
	store_secret_wipe(http);
	http = record_read(path, "http_pass");
	free(needles[1]);
	needles[1] = record_field(http, "pbkdf2", 2);
	{
		const struct store_actor admin = { STORE_SRC_CLI, STORE_ROLE_ADMIN, "tester" };
		CU_ASSERT_EQUAL(store_discard(st, &admin), STORE_OK);
	}
	CU_ASSERT_FALSE(store_files_hold(path, needles[1]));

	for (size_t i = 0; i < 6; i++)
		free(needles[i]);
	store_secret_wipe(http);
	store_secret_wipe(acs);
	store_secret_wipe(fresh);
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
	s = CU_add_suite("secret", NULL, NULL);
	CU_add_test(s, "RFC 7616 example", test_rfc7616_example);
	CU_add_test(s, "records", test_records);
	CU_add_test(s, "store secrets", test_store_secrets);
	CU_add_test(s, "a prefix or a longer candidate is denied", test_prefix_and_suffix);
	CU_add_test(s, "replaced secrets leave no trace in the files", test_replaced_secrets_gone);
	return tu_run();
}
