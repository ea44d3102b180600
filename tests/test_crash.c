/* Crash-safety tests: writers killed with SIGKILL at random moments, in a commit loop or in the
 * middle of store_create, never leave a store that loses a confirmed commit or fails to open. */
#include "config.h"

#include <CUnit/CUnit.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store.h"
#include "testutil.h"

#define CRASH_ROUNDS 50
#define CRASH_MAX_DELAY_US 30000
#define CRASH_CREATE_ROUNDS 20
#define CRASH_PRINCIPAL "crash-writer"

static uint32_t crash_rng; /* xorshift32 state, seeded once in main() */

static uint32_t crash_random(void)
{
	crash_rng ^= crash_rng << 13;
	crash_rng ^= crash_rng >> 17;
	crash_rng ^= crash_rng << 5;
	return crash_rng;
}

static int64_t crash_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Waits for pid and returns its exit status, or 128 + signal, or -1. */
static int crash_wait(pid_t pid)
{
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

/* One commit: tr69_periodic_interval and the state "counter" both set to v. */
static int crash_commit(struct store *st, uint32_t v, const char *principal)
{
	struct store_actor who = { STORE_SRC_CLI, STORE_ROLE_ADMIN, principal };
	struct store_txn *t = NULL;
	char num[16];
	int rc;
	snprintf(num, sizeof(num), "%" PRIu32, v);
	rc = store_txn_begin(&t, st, STORE_TXN_RUNNING, &who);
	if (rc == STORE_OK)
		rc = store_txn_set(t, "tr69_periodic_interval", num);
	if (rc == STORE_OK)
		rc = store_txn_set_state(t, "counter", num);
	if (rc == STORE_OK)
		rc = store_txn_commit(t, NULL);
	store_txn_free(t);
	return rc;
}

/* Child body: commits start, start+1, ... and reports each value once its commit returned.
 * Runs until killed; returns only on failure. */
static int crash_writer(const char *path, uint32_t start, int out)
{
	struct store *st = NULL;
	char err[512];
	if (store_open(&st, path, err, sizeof(err))) {
		fprintf(stderr, "writer: store_open: %s\n", err);
		return 2;
	}
	for (uint32_t v = start;; v++) {
		char line[16];
		int len, rc = crash_commit(st, v, CRASH_PRINCIPAL);
		if (rc) {
			fprintf(stderr, "writer: commit %" PRIu32 ": %s\n", v, store_errmsg(st));
			store_close(st);
			return 3;
		}
		len = snprintf(line, sizeof(line), "%" PRIu32 "\n", v);
		if (write(out, line, (size_t)len) != len)
			return 4;
	}
}

/* Reads everything until EOF; returns a malloc'd NUL-terminated buffer. */
static char *crash_slurp(int fd)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	while (buf) {
		ssize_t n;
		if (cap - len < 1024) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	if (buf)
		buf[len] = '\0';
	return buf;
}

/* Parses the reported lines; checks they are start, start+1, ...; returns how many there were
 * (complete lines only), or -1 when the sequence is broken. */
static long crash_parse(const char *text, uint32_t start)
{
	long count = 0;
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		char *end;
		unsigned long v;
		if (!nl)
			break; /* a partial line cannot happen (pipe writes are atomic), but be safe */
		v = strtoul(p, &end, 10);
		if (end != nl || v != (unsigned long)start + (unsigned long)count)
			return -1;
		count++;
		p = nl + 1;
	}
	return count;
}

/* PRAGMA integrity_check through SQLite directly; true when it answers exactly "ok". */
static bool crash_integrity_ok(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	bool ok = false;
	int rows = 0;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, NULL) == SQLITE_OK) {
		while (sqlite3_step(q) == SQLITE_ROW) {
			const char *r = (const char *)sqlite3_column_text(q, 0);
			if (rows++ == 0)
				ok = r && strcmp(r, "ok") == 0;
			else
				ok = false;
			if (!ok)
				fprintf(stderr, "integrity_check: %s\n", r ? r : "(null)");
		}
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
	return ok && rows == 1;
}

/* Reads the committed counter: the setting and the state written in the same transaction. */
static void crash_read(struct store *st, uint32_t *value, uint32_t *state)
{
	char *s = NULL;
	*value = *state = 0;
	CU_ASSERT_EQUAL(store_get_uint(value, st, "tr69_periodic_interval"), STORE_OK);
	CU_ASSERT_EQUAL(store_state_get(&s, st, "counter"), STORE_OK);
	if (s)
		*state = (uint32_t)strtoul(s, NULL, 10);
	free(s);
}

/* One round: a writer from *next, killed after delay_us; then the store is checked. Returns
 * false when the store could not be opened (the caller stops). */
static bool crash_round(const char *path, uint32_t *next, uint32_t delay_us, long *reported)
{
	struct store *st = NULL;
	struct store_audit_entry *e = NULL;
	char err[512], *text;
	uint32_t start = *next, last = start - 1, value, state;
	uint64_t head = 0;
	size_t n = 0;
	int p[2], status, rc;
	long count;
	pid_t pid;

	rc = store_open(&st, path, err, sizeof(err));
	CU_ASSERT_EQUAL_FATAL(rc, STORE_OK);
	CU_ASSERT_EQUAL(store_audit_head(&head, st), STORE_OK);
	store_close(st);
	st = NULL;

	CU_ASSERT_FATAL(pipe(p) == 0);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		_exit(crash_writer(path, start, p[1]));
	}
	close(p[1]);
	CU_ASSERT_FATAL(pid > 0);
	usleep(delay_us);
	kill(pid, SIGKILL);
	status = crash_wait(pid);
	CU_ASSERT_EQUAL(status, 128 + SIGKILL); /* the writer never stopped by itself */
	text = crash_slurp(p[0]);
	close(p[0]);
	CU_ASSERT_FATAL(text != NULL);
	count = crash_parse(text, start);
	free(text);
	CU_ASSERT(count >= 0);
	if (count > 0)
		last = start + (uint32_t)count - 1;
	*reported += count > 0 ? count : 0;

	rc = store_open(&st, path, err, sizeof(err));
	CU_ASSERT_EQUAL(rc, STORE_OK);
	if (rc) {
		fprintf(stderr, "store_open after kill: %s\n", err);
		return false;
	}
	CU_ASSERT(crash_integrity_ok(path));
	crash_read(st, &value, &state);
	/* every reported commit is there; at most the one in flight besides */
	CU_ASSERT(value == last || value == last + 1);
	CU_ASSERT_EQUAL(state, value); /* values and state in one transaction */
	/* and so is its audit entry, one per commit */
	CU_ASSERT_EQUAL(store_audit_since(&e, &n, st, head, 100000), STORE_OK);
	CU_ASSERT_EQUAL(n, (size_t)(value - (start - 1)));
	for (size_t i = 0; i < n; i++)
		CU_ASSERT_STRING_EQUAL(e[i].principal, CRASH_PRINCIPAL);
	store_audit_free(e, n);
	if (value != last && value != last + 1)
		fprintf(stderr, "round from %" PRIu32 ": stored %" PRIu32 ", last reported %" PRIu32
				"\n", start, value, last);
	store_close(st);
	*next = value + 1;
	return true;
}

static void test_kill_writer(void)
{
	char *dir = tu_mkdtemp(), *path = dir ? tu_path(dir, "settings.db") : NULL, err[512];
	struct store *st = NULL;
	uint32_t next = 2;
	long reported = 0;
	int64_t t0 = crash_now_us();

	CU_ASSERT_FATAL(path != NULL);
	CU_ASSERT_FATAL(store_create(path, NULL, NULL, err, sizeof(err)) == STORE_OK);
	CU_ASSERT_FATAL(store_open(&st, path, err, sizeof(err)) == STORE_OK);
	CU_ASSERT_FATAL(crash_commit(st, 1, "parent") == STORE_OK);
	store_close(st);
	for (int r = 0; r < CRASH_ROUNDS; r++)
		if (!crash_round(path, &next, crash_random() % (CRASH_MAX_DELAY_US + 1), &reported))
			break;
	printf("\n    %d kills, %ld commits reported, %" PRIu32 " stored, %.2f s\n", CRASH_ROUNDS,
	       reported, next - 2, (double)(crash_now_us() - t0) / 1e6);
	tu_rmtree(dir);
	free(path);
	free(dir);
}

/* ------------------------------------------------------------------------------------------- */
/* Killed in the middle of store_create                                                         */

/* The profile the second create test uses: values and a lock that differ from the built-in
 * factory values, as a provider's hardening profile does. */
static const char crash_profile_text[] = "admin_mode = off\n"
					 "webserver_type = https\n"
					 "web_logout_timer = 17\n"
					 "@lock web_logout_timer\n";

/* A store that opened after an interrupted create must be the complete store the create was
 * asked for: every value from the profile (or the built-in factory values), nothing else. */
static void crash_check_complete(struct store *st, bool custom)
{
	struct store_snapshot *snap = NULL;
	const struct store_row *r;
	bool locked = false;

	CU_ASSERT_FATAL(store_snapshot_take(&snap, st) == STORE_OK);
	for (size_t i = 0; i < snap->count; i++) {
		r = &snap->rows[i];
		CU_ASSERT_PTR_NOT_NULL(r->setting);
		CU_ASSERT(r->is_factory || custom);
		if (!custom && r->setting && r->setting->type != STORE_TYPE_SECRET)
			CU_ASSERT_STRING_EQUAL(r->running, r->setting->factory);
	}
	if (custom) {
		r = store_snapshot_find(snap, "admin_mode");
		CU_ASSERT(r && strcmp(r->running, "off") == 0);
		r = store_snapshot_find(snap, "webserver_type");
		CU_ASSERT(r && strcmp(r->running, "https") == 0);
		r = store_snapshot_find(snap, "web_logout_timer");
		CU_ASSERT(r && strcmp(r->running, "17") == 0 && strcmp(r->saved, "17") == 0);
		CU_ASSERT(store_lock_get(&locked, st, "web_logout_timer") == STORE_OK && locked);
		if (r && strcmp(r->running, "17") != 0)
			printf("\n    opened a store without the profile's values "
			       "(web_logout_timer=%s, admin_mode=%s)",
			       r->running, store_snapshot_find(snap, "admin_mode")->running);
	}
	CU_ASSERT_EQUAL(store_secret_verify(st, "admin_mode_password", "0000"), STORE_OK);
	store_snapshot_free(snap);
}

/* CRASH_CREATE_ROUNDS creates from profile (NULL: built-in values), each killed at a random
 * moment of the first 1.5 create durations, then opened. */
static void crash_create_rounds(const char *dir, const char *profile)
{
	char *path, err[512];
	int none = 0, refused = 0, complete = 0, stuck = 0;
	int64_t t0, create_us;

	path = tu_path(dir, "timing.db");
	CU_ASSERT_FATAL(path != NULL);
	t0 = crash_now_us();
	CU_ASSERT_FATAL(store_create(path, profile, NULL, err, sizeof(err)) == STORE_OK);
	create_us = crash_now_us() - t0;
	unlink(path);
	free(path);

	for (int r = 0; r < CRASH_CREATE_ROUNDS; r++) {
		uint32_t delay = crash_random() % (uint32_t)(create_us * 3 / 2 + 1000);
		struct store *st = NULL;
		struct stat sb;
		char name[32];
		pid_t pid;
		int rc;

		snprintf(name, sizeof(name), "create-%d.db", r);
		path = tu_path(dir, name);
		CU_ASSERT_FATAL(path != NULL);
		fflush(NULL);
		pid = fork();
		if (pid == 0)
			_exit(store_create(path, profile, NULL, NULL, 0) == STORE_OK ? 0 : 1);
		CU_ASSERT_FATAL(pid > 0);
		usleep(delay);
		kill(pid, SIGKILL);
		rc = crash_wait(pid);
		CU_ASSERT(rc == 0 || rc == 128 + SIGKILL);

		if (stat(path, &sb) < 0 && errno == ENOENT) {
			none++;
		} else {
			err[0] = '\0';
			rc = store_open(&st, path, err, sizeof(err));
			if (rc == STORE_OK) {
				complete++;
				crash_check_complete(st, profile != NULL);
				store_close(st);
			} else {
				refused++;
				CU_ASSERT(rc < 0 && rc >= STORE_E_DENIED);
				CU_ASSERT_PTR_NULL(st);
				CU_ASSERT(err[0] != '\0');
				CU_ASSERT_PTR_NOT_NULL(strstr(err, path));
				if (store_create(path, profile, NULL, NULL, 0) == STORE_E_EXISTS)
					stuck++;
				printf("\n    killed after %" PRIu32 " us: %s (%s)", delay,
				       store_strerror(rc), err);
			}
		}
		free(path);
	}
	printf("\n    %s: store_create takes %.1f ms; %d kills: %d left no file, %d a store that "
	       "opens, %d a file store_open refuses (%d of them also refused by store_create)\n",
	       profile ? "custom profile" : "built-in values", (double)create_us / 1e3,
	       CRASH_CREATE_ROUNDS, none, complete, refused, stuck);
}

static void test_kill_create(void)
{
	char *dir = tu_mkdtemp();
	CU_ASSERT_FATAL(dir != NULL);
	crash_create_rounds(dir, NULL);
	tu_rmtree(dir);
	free(dir);
}

static void test_kill_create_profile(void)
{
	char *dir = tu_mkdtemp(), *profile = dir ? tu_path(dir, "provider.conf") : NULL, *sub;
	FILE *f;

	CU_ASSERT_FATAL(profile != NULL);
	f = fopen(profile, "w");
	CU_ASSERT_FATAL(f != NULL);
	fputs(crash_profile_text, f);
	fclose(f);
	sub = tu_path(dir, "stores");
	CU_ASSERT_FATAL(sub != NULL && mkdir(sub, 0700) == 0);
	crash_create_rounds(sub, profile);
	tu_rmtree(dir);
	free(sub);
	free(profile);
	free(dir);
}

int main(void)
{
	const char *env = getenv("PHONESEC_TEST_SEED");
	CU_pSuite s;

	crash_rng = env && *env ? (uint32_t)strtoul(env, NULL, 0)
				: (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16);
	if (crash_rng == 0)
		crash_rng = 1;
	printf("test_crash: seed %" PRIu32 " (set PHONESEC_TEST_SEED to repeat)\n", crash_rng);
	signal(SIGPIPE, SIG_IGN);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 99;
	s = CU_add_suite("crash", NULL, NULL);
	CU_add_test(s, "writer killed at random points", test_kill_writer);
	CU_add_test(s, "store_create killed at random points", test_kill_create);
	CU_add_test(s, "store_create from a profile killed at random points",
		    test_kill_create_profile);
	return tu_run();
}
