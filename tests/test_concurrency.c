/* Concurrency tests of the store across processes: two writers committing at once lose and refuse
 * nothing, and the change feed wakes a follower in another process on commits and only on them. */
#include "config.h"

#include <CUnit/CUnit.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store.h"
#include "testutil.h"

#define CONC_COMMITS 1000        /* per writer process */
#define CONC_FEED_MAX_US 100000  /* commit return to feed readable */
#define CONC_QUIET_MS 200        /* how long the feed must stay silent */
#define CONC_PIPE_TIMEOUT_MS 20000

static const char *const conc_principal[2] = { "child-A", "child-B" };

/* The values writer w sets in its commit i; every commit differs from every other one. */
struct conc_values {
	unsigned logout;   /* web_logout_timer 1..1440 */
	unsigned kbd;      /* keyboard_lock_timeout 0..3600 */
	unsigned interval; /* tr69_periodic_interval, unique per (w, i) */
};

static struct conc_values conc_values_for(int w, int i)
{
	return (struct conc_values){
		.logout = 1 + (unsigned)(w * 700 + i % 700),
		.kbd = (unsigned)(w * 1800 + i % 1800),
		.interval = (unsigned)((w + 1) * 1000000 + i),
	};
}

static int64_t conc_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* A fresh folder with a store created from the built-in factory values. */
static int conc_store_new(char **dir, char **path)
{
	char err[512];
	int rc;
	*dir = tu_mkdtemp();
	*path = *dir ? tu_path(*dir, "settings.db") : NULL;
	if (!*path)
		return STORE_E_NOMEM;
	rc = store_create(*path, NULL, NULL, err, sizeof(err));
	if (rc)
		fprintf(stderr, "store_create: %s\n", err);
	return rc;
}

static void conc_store_free(char *dir, char *path)
{
	tu_rmtree(dir);
	free(dir);
	free(path);
}

/* Reads exactly len bytes within timeout_ms; 0 on success, -1 on timeout, EOF or error. */
static int conc_read_full(int fd, void *buf, size_t len, int timeout_ms)
{
	int64_t deadline = conc_now_us() + (int64_t)timeout_ms * 1000;
	size_t got = 0;
	while (got < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int64_t left = deadline - conc_now_us();
		ssize_t n;
		if (left <= 0 || poll(&p, 1, (int)(left / 1000) + 1) <= 0)
			return -1;
		n = read(fd, (char *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

static int conc_write_full(int fd, const void *buf, size_t len)
{
	size_t done = 0;
	while (done < len) {
		ssize_t n = write(fd, (const char *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

/* Waits for pid and returns its exit status, or 128 + signal, or -1. */
static int conc_wait(pid_t pid)
{
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

/* Whether fd becomes readable within ms. */
static bool conc_readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int n;
	while ((n = poll(&p, 1, ms)) < 0 && errno == EINTR)
		;
	return n > 0 && (p.revents & POLLIN);
}

/* ------------------------------------------------------------------------------------------- */
/* Two writers                                                                                  */

/* Child body: opens its own handle, waits for the gate to open (EOF), then commits
 * CONC_COMMITS transactions. Returns the exit status: 0 when every commit returned STORE_OK. */
static int conc_writer(const char *path, int w, int gate)
{
	struct store_actor who = { STORE_SRC_CLI, STORE_ROLE_ADMIN, conc_principal[w] };
	struct store *st = NULL;
	char err[512], c;
	int failures = 0;
	int64_t worst = 0;

	if (store_open(&st, path, err, sizeof(err))) {
		fprintf(stderr, "%s: store_open: %s\n", conc_principal[w], err);
		return 2;
	}
	while (read(gate, &c, 1) < 0 && errno == EINTR)
		;
	for (int i = 0; i < CONC_COMMITS; i++) {
		struct conc_values v = conc_values_for(w, i);
		struct store_txn *t = NULL;
		char a[16], b[16], d[16];
		int64_t t0 = conc_now_us();
		int rc;
		snprintf(a, sizeof(a), "%u", v.logout);
		snprintf(b, sizeof(b), "%u", v.kbd);
		snprintf(d, sizeof(d), "%u", v.interval);
		rc = store_txn_begin(&t, st, STORE_TXN_RUNNING, &who);
		if (rc == STORE_OK)
			rc = store_txn_set(t, "web_logout_timer", a);
		if (rc == STORE_OK)
			rc = store_txn_set(t, "keyboard_lock_timeout", b);
		if (rc == STORE_OK)
			rc = store_txn_set(t, "tr69_periodic_interval", d);
		if (rc == STORE_OK)
			rc = store_txn_commit(t, NULL);
		if (rc != STORE_OK) {
			if (failures++ < 5)
				fprintf(stderr, "%s: commit %d: %s: %s\n", conc_principal[w], i,
					store_strerror(rc), t ? store_txn_errmsg(t) : "");
		}
		store_txn_free(t);
		if (conc_now_us() - t0 > worst)
			worst = conc_now_us() - t0;
	}
	store_close(st);
	printf("    %s: longest commit %.1f ms\n", conc_principal[w], (double)worst / 1e3);
	fflush(stdout);
	if (failures)
		fprintf(stderr, "%s: %d of %d commits failed\n", conc_principal[w], failures,
			CONC_COMMITS);
	return failures ? 1 : 0;
}

static void conc_check_final(struct store *st, const struct store_audit_entry *last)
{
	int w = strcmp(last->principal, conc_principal[1]) == 0;
	struct conc_values want = conc_values_for(w, CONC_COMMITS - 1);
	uint32_t logout = 0, kbd = 0, interval = 0;

	CU_ASSERT_EQUAL(store_get_uint(&logout, st, "web_logout_timer"), STORE_OK);
	CU_ASSERT_EQUAL(store_get_uint(&kbd, st, "keyboard_lock_timeout"), STORE_OK);
	CU_ASSERT_EQUAL(store_get_uint(&interval, st, "tr69_periodic_interval"), STORE_OK);
	CU_ASSERT_EQUAL(logout, want.logout);
	CU_ASSERT_EQUAL(kbd, want.kbd);
	CU_ASSERT_EQUAL(interval, want.interval);
	if (interval != want.interval)
		fprintf(stderr, "final tr69_periodic_interval %" PRIu32 ", want %u (last commit by %s)\n",
			interval, want.interval, last->principal);
}

static void test_two_writers(void)
{
	char *dir = NULL, *path = NULL, err[512];
	struct store *st = NULL;
	struct store_audit_entry *e = NULL;
	size_t n = 0, per[2] = { 0, 0 }, switches = 0;
	uint64_t head = 0, head_after = 0;
	pid_t pid[2] = { -1, -1 };
	int gate[2], status[2];
	int64_t t0, t1;

	CU_ASSERT_FATAL(conc_store_new(&dir, &path) == STORE_OK);
	CU_ASSERT_FATAL(store_open(&st, path, err, sizeof(err)) == STORE_OK);
	CU_ASSERT_FATAL(store_audit_head(&head, st) == STORE_OK);
	CU_ASSERT_FATAL(pipe(gate) == 0);

	fflush(NULL);
	for (int w = 0; w < 2; w++) {
		pid[w] = fork();
		if (pid[w] == 0) {
			close(gate[1]);
			_exit(conc_writer(path, w, gate[0]));
		}
		CU_ASSERT(pid[w] > 0);
	}
	close(gate[0]);
	usleep(200000); /* let both children open their handles, so the commits overlap */
	t0 = conc_now_us();
	close(gate[1]); /* opens the gate: both children read EOF */
	for (int w = 0; w < 2; w++)
		status[w] = pid[w] > 0 ? conc_wait(pid[w]) : -1;
	t1 = conc_now_us();
	printf("\n    2 x %d commits in %.2f s (%.2f ms per commit)\n", CONC_COMMITS,
	       (double)(t1 - t0) / 1e6, (double)(t1 - t0) / 1e3 / (2 * CONC_COMMITS));
	CU_ASSERT_EQUAL(status[0], 0);
	CU_ASSERT_EQUAL(status[1], 0);

	CU_ASSERT_FATAL(store_audit_since(&e, &n, st, head, 3 * CONC_COMMITS) == STORE_OK);
	CU_ASSERT_EQUAL(n, 2 * CONC_COMMITS);
	for (size_t i = 0; i < n; i++) {
		int w = strcmp(e[i].principal, conc_principal[0]) == 0   ? 0
			: strcmp(e[i].principal, conc_principal[1]) == 0 ? 1
									 : -1;
		CU_ASSERT(w >= 0);
		if (w >= 0)
			per[w]++;
		CU_ASSERT_EQUAL(e[i].action, STORE_ACT_SET);
		CU_ASSERT_EQUAL(e[i].source, STORE_SRC_CLI);
		CU_ASSERT_STRING_EQUAL(e[i].keys,
				       "web_logout_timer,keyboard_lock_timeout,tr69_periodic_interval");
		CU_ASSERT(e[i].seq > (i ? e[i - 1].seq : head)); /* strictly increasing, no duplicate */
		switches += i && strcmp(e[i].principal, e[i - 1].principal) != 0;
	}
	printf("    writers took turns %zu times\n", switches); /* the commits did overlap */
	CU_ASSERT_EQUAL(per[0], CONC_COMMITS);
	CU_ASSERT_EQUAL(per[1], CONC_COMMITS);
	CU_ASSERT(store_audit_head(&head_after, st) == STORE_OK);
	if (n > 0) {
		CU_ASSERT_EQUAL(head_after, e[n - 1].seq);
		conc_check_final(st, &e[n - 1]);
	}
	store_audit_free(e, n);
	store_close(st);
	conc_store_free(dir, path);
}

/* ------------------------------------------------------------------------------------------- */
/* The change feed across processes                                                            */

/* What the committing child reports after its commit returned. */
struct conc_report {
	int rc;
	uint64_t seq;
	int64_t done_us; /* CLOCK_MONOTONIC when store_txn_commit returned */
};

/* Child body: opens, says 'R', waits for 'G', commits once, reports, closes. */
static int conc_feed_writer(const char *path, int in, int out)
{
	struct store_actor who = { STORE_SRC_CLI, STORE_ROLE_ADMIN, "child-C" };
	struct conc_report rep = { .rc = STORE_E_IO };
	struct store *st = NULL;
	struct store_txn *t = NULL;
	char err[512], c = 'R';

	if (store_open(&st, path, err, sizeof(err))) {
		fprintf(stderr, "child-C: store_open: %s\n", err);
		return 2;
	}
	if (conc_write_full(out, &c, 1) || conc_read_full(in, &c, 1, CONC_PIPE_TIMEOUT_MS) ||
	    c != 'G') {
		store_close(st);
		return 3;
	}
	rep.rc = store_txn_begin(&t, st, STORE_TXN_RUNNING, &who);
	if (rep.rc == STORE_OK)
		rep.rc = store_txn_set(t, "tr69_periodic_interval", "424242");
	if (rep.rc == STORE_OK)
		rep.rc = store_txn_commit(t, &rep.seq);
	rep.done_us = conc_now_us();
	store_txn_free(t);
	conc_write_full(out, &rep, sizeof(rep));
	store_close(st);
	return rep.rc == STORE_OK ? 0 : 1;
}

static void test_feed_other_process(void)
{
	char *dir = NULL, *path = NULL, err[512], c;
	struct store *st = NULL;
	struct store_audit_entry *e = NULL;
	struct conc_report rep = { .rc = STORE_E_IO };
	size_t n = 0, got = 0;
	uint64_t head = 0;
	int64_t ready_us = -1, deadline;
	int to_child[2], from_child[2], fd;
	pid_t pid;

	CU_ASSERT_FATAL(conc_store_new(&dir, &path) == STORE_OK);
	CU_ASSERT_FATAL(store_open(&st, path, err, sizeof(err)) == STORE_OK);
	fd = store_feed_fd(st);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(store_audit_head(&head, st) == STORE_OK);
	CU_ASSERT_FATAL(pipe(to_child) == 0 && pipe(from_child) == 0);

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(to_child[1]);
		close(from_child[0]);
		_exit(conc_feed_writer(path, to_child[0], from_child[1]));
	}
	close(to_child[0]);
	close(from_child[1]);
	CU_ASSERT_FATAL(pid > 0);

	CU_ASSERT(conc_read_full(from_child[0], &c, 1, CONC_PIPE_TIMEOUT_MS) == 0 && c == 'R');
	store_feed_drain(st);
	CU_ASSERT_FALSE(conc_readable(fd, 0)); /* the child's open did not wake us */
	c = 'G';
	CU_ASSERT(conc_write_full(to_child[1], &c, 1) == 0);

	/* Watch both: the feed (first readable moment) and the child's report of its commit. */
	deadline = conc_now_us() + (int64_t)CONC_PIPE_TIMEOUT_MS * 1000;
	while (conc_now_us() < deadline && (ready_us < 0 || got < sizeof(rep))) {
		struct pollfd p[2] = {
			{ .fd = ready_us < 0 ? fd : -1, .events = POLLIN },
			{ .fd = got < sizeof(rep) ? from_child[0] : -1, .events = POLLIN },
		};
		int64_t left = deadline - conc_now_us();
		if (poll(p, 2, (int)(left / 1000) + 1) < 0 && errno != EINTR)
			break;
		if (p[0].revents & POLLIN)
			ready_us = conc_now_us();
		if (p[1].revents & (POLLIN | POLLHUP)) {
			ssize_t r = read(from_child[0], (char *)&rep + got, sizeof(rep) - got);
			if (r <= 0)
				break;
			got += (size_t)r;
			if (got == sizeof(rep))
				deadline = rep.done_us + CONC_FEED_MAX_US;
		}
	}
	CU_ASSERT_FATAL(got == sizeof(rep));
	CU_ASSERT_EQUAL(rep.rc, STORE_OK);
	CU_ASSERT(ready_us >= 0);
	if (ready_us >= 0) {
		int64_t lat = ready_us > rep.done_us ? ready_us - rep.done_us : 0;
		printf("\n    feed readable %" PRId64 " us after the other process's commit returned\n",
		       lat);
		CU_ASSERT(lat <= CONC_FEED_MAX_US);
	}
	CU_ASSERT(store_feed_drain(st) > 0);
	CU_ASSERT_FATAL(store_audit_since(&e, &n, st, head, 10) == STORE_OK);
	CU_ASSERT_EQUAL(n, 1);
	if (n == 1) {
		CU_ASSERT_EQUAL(e[0].seq, rep.seq);
		CU_ASSERT_EQUAL(e[0].action, STORE_ACT_SET);
		CU_ASSERT_STRING_EQUAL(e[0].principal, "child-C");
		CU_ASSERT_STRING_EQUAL(e[0].keys, "tr69_periodic_interval");
	}
	store_audit_free(e, n);
	close(to_child[1]);
	close(from_child[0]);
	CU_ASSERT_EQUAL(conc_wait(pid), 0);
	store_close(st);
	conc_store_free(dir, path);
}

/* The feed's companion unlinked and created again while a follower watches it (the follower holds
 * the old file open too, as a daemon that also commits does): the next commit of a new process
 * still wakes it. */
static void test_feed_replaced(void)
{
	struct store_actor who = { STORE_SRC_CLI, STORE_ROLE_ADMIN, "follower" };
	char *dir = NULL, *path = NULL, *feed = NULL, err[512], c;
	struct store *st = NULL;
	struct store_txn *t = NULL;
	struct store_audit_entry *e = NULL;
	struct conc_report rep = { .rc = STORE_E_IO };
	size_t n = 0;
	uint64_t head = 0;
	int to_child[2], from_child[2], fd, f;
	pid_t pid;

	CU_ASSERT_FATAL(conc_store_new(&dir, &path) == STORE_OK);
	CU_ASSERT_FATAL(asprintf(&feed, "%s-feed", path) > 0);
	CU_ASSERT_FATAL(store_open(&st, path, err, sizeof(err)) == STORE_OK);
	fd = store_feed_fd(st);
	CU_ASSERT_FATAL(fd >= 0);
	/* the follower's own commit: it now holds the companion open */
	CU_ASSERT_FATAL(store_txn_begin(&t, st, STORE_TXN_RUNNING, &who) == STORE_OK);
	CU_ASSERT(store_txn_set(t, "web_logout_timer", "11") == STORE_OK);
	CU_ASSERT(store_txn_commit(t, NULL) == STORE_OK);
	store_txn_free(t);
	CU_ASSERT(conc_readable(fd, CONC_PIPE_TIMEOUT_MS));
	store_feed_drain(st);
	CU_ASSERT_FATAL(store_audit_head(&head, st) == STORE_OK);

	/* replaced: unlinked, created again (as a cleaner or an admin might) */
	CU_ASSERT_FATAL(unlink(feed) == 0);
	f = open(feed, O_WRONLY | O_CREAT | O_EXCL, 0600);
	CU_ASSERT_FATAL(f >= 0);
	close(f);
	/* the follower handles what that caused, as its loop would */
	if (conc_readable(fd, 1000))
		store_feed_drain(st);
	CU_ASSERT_FALSE(conc_readable(fd, 0));

	CU_ASSERT_FATAL(pipe(to_child) == 0 && pipe(from_child) == 0);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(to_child[1]);
		close(from_child[0]);
		_exit(conc_feed_writer(path, to_child[0], from_child[1]));
	}
	close(to_child[0]);
	close(from_child[1]);
	CU_ASSERT_FATAL(pid > 0);
	CU_ASSERT(conc_read_full(from_child[0], &c, 1, CONC_PIPE_TIMEOUT_MS) == 0 && c == 'R');
	c = 'G';
	CU_ASSERT(conc_write_full(to_child[1], &c, 1) == 0);
	CU_ASSERT(conc_read_full(from_child[0], (char *)&rep, sizeof(rep), CONC_PIPE_TIMEOUT_MS) ==
		  0);
	CU_ASSERT_EQUAL(rep.rc, STORE_OK);
	/* the wake-up, with a deadline far beyond the feed's usual microseconds */
	CU_ASSERT(conc_readable(fd, CONC_PIPE_TIMEOUT_MS));
	CU_ASSERT(store_feed_drain(st) > 0);
	CU_ASSERT_FATAL(store_audit_since(&e, &n, st, head, 10) == STORE_OK);
	CU_ASSERT_EQUAL(n, 1);
	if (n == 1)
		CU_ASSERT_STRING_EQUAL(e[0].principal, "child-C");
	store_audit_free(e, n);

	/* and the follower's own next commit goes to the new companion: a second follower that
	 * opened after the replacement sees it */
	{
		struct store *other = NULL;
		int ofd;
		CU_ASSERT_FATAL(store_open(&other, path, err, sizeof(err)) == STORE_OK);
		ofd = store_feed_fd(other);
		CU_ASSERT_FATAL(ofd >= 0);
		store_feed_drain(other);
		CU_ASSERT_FATAL(store_txn_begin(&t, st, STORE_TXN_RUNNING, &who) == STORE_OK);
		CU_ASSERT(store_txn_set(t, "web_logout_timer", "12") == STORE_OK);
		CU_ASSERT(store_txn_commit(t, NULL) == STORE_OK);
		store_txn_free(t);
		CU_ASSERT(conc_readable(ofd, CONC_PIPE_TIMEOUT_MS));
		store_close(other);
	}
	close(to_child[1]);
	close(from_child[0]);
	CU_ASSERT_EQUAL(conc_wait(pid), 0);
	store_close(st);
	free(feed);
	conc_store_free(dir, path);
}

static void test_feed_quiet(void)
{
	char *dir = NULL, *path = NULL, *v = NULL, err[512];
	struct store *st = NULL;
	int fd;

	CU_ASSERT_FATAL(conc_store_new(&dir, &path) == STORE_OK);
	CU_ASSERT_FATAL(store_open(&st, path, err, sizeof(err)) == STORE_OK);
	fd = store_feed_fd(st);
	CU_ASSERT_FATAL(fd >= 0);
	store_feed_drain(st);
	CU_ASSERT(store_get(&v, st, "http_port") == STORE_OK); /* our own reads do not wake us */
	free(v);
	CU_ASSERT_FALSE(conc_readable(fd, CONC_QUIET_MS));
	CU_ASSERT_EQUAL(store_feed_drain(st), 0);
	store_close(st);
	conc_store_free(dir, path);
}

/* Child body: reads in every way a follower or the CLI does; no commit. */
static int conc_reader_ops(struct store *st)
{
	struct store_snapshot *snap = NULL;
	struct store_audit_entry *e = NULL;
	size_t n = 0;
	uint64_t head = 0;
	char *v = NULL;
	int rc = STORE_OK;

	for (int i = 0; i < 100 && rc == STORE_OK; i++) {
		rc = store_get(&v, st, "tr69_periodic_interval");
		free(v);
		v = NULL;
	}
	if (rc == STORE_OK)
		rc = store_get_saved(&v, st, "http_port");
	free(v);
	if (rc == STORE_OK)
		rc = store_snapshot_take(&snap, st);
	store_snapshot_free(snap);
	if (rc == STORE_OK)
		rc = store_audit_head(&head, st);
	if (rc == STORE_OK)
		rc = store_audit_last(&e, &n, st, 10);
	store_audit_free(e, n);
	return rc;
}

/* Child body: opens, says 'R', waits for 'G', reads, says 'D', waits for 'Q' (or EOF), closes. */
static int conc_feed_reader(const char *path, int in, int out)
{
	struct store *st = NULL;
	char err[512], c = 'R';
	int rc;

	if (store_open(&st, path, err, sizeof(err))) {
		fprintf(stderr, "reader: store_open: %s\n", err);
		return 2;
	}
	if (conc_write_full(out, &c, 1) || conc_read_full(in, &c, 1, CONC_PIPE_TIMEOUT_MS)) {
		store_close(st);
		return 3;
	}
	rc = conc_reader_ops(st);
	c = rc == STORE_OK ? 'D' : 'F';
	conc_write_full(out, &c, 1);
	conc_read_full(in, &c, 1, CONC_PIPE_TIMEOUT_MS);
	store_close(st);
	return rc == STORE_OK ? 0 : 1;
}

/* A reader in another process, between its open and its close, never wakes the follower. */
static void test_feed_reader_process(void)
{
	char *dir = NULL, *path = NULL, err[512], c;
	struct store *st = NULL;
	int to_child[2], from_child[2], fd;
	pid_t pid;

	CU_ASSERT_FATAL(conc_store_new(&dir, &path) == STORE_OK);
	CU_ASSERT_FATAL(store_open(&st, path, err, sizeof(err)) == STORE_OK);
	fd = store_feed_fd(st);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(pipe(to_child) == 0 && pipe(from_child) == 0);

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(to_child[1]);
		close(from_child[0]);
		_exit(conc_feed_reader(path, to_child[0], from_child[1]));
	}
	close(to_child[0]);
	close(from_child[1]);
	CU_ASSERT_FATAL(pid > 0);

	CU_ASSERT(conc_read_full(from_child[0], &c, 1, CONC_PIPE_TIMEOUT_MS) == 0 && c == 'R');
	store_feed_drain(st);
	c = 'G';
	CU_ASSERT(conc_write_full(to_child[1], &c, 1) == 0);
	CU_ASSERT(conc_read_full(from_child[0], &c, 1, CONC_PIPE_TIMEOUT_MS) == 0 && c == 'D');
	CU_ASSERT_FALSE(conc_readable(fd, CONC_QUIET_MS));
	CU_ASSERT_EQUAL(store_feed_drain(st), 0);
	c = 'Q';
	CU_ASSERT(conc_write_full(to_child[1], &c, 1) == 0);
	close(to_child[1]);
	close(from_child[0]);
	CU_ASSERT_EQUAL(conc_wait(pid), 0);
	store_close(st);
	conc_store_free(dir, path);
}

/* A whole read-only session in another process (what 'phonesec get' does: open, read, close)
 * does not wake the follower either. */
static void test_feed_reader_session(void)
{
	char *dir = NULL, *path = NULL, err[512];
	struct store *st = NULL;
	int fd, hits;
	pid_t pid;

	CU_ASSERT_FATAL(conc_store_new(&dir, &path) == STORE_OK);
	CU_ASSERT_FATAL(store_open(&st, path, err, sizeof(err)) == STORE_OK);
	fd = store_feed_fd(st);
	CU_ASSERT_FATAL(fd >= 0);
	store_feed_drain(st);

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		struct store *rd = NULL;
		int rc = store_open(&rd, path, err, sizeof(err));
		if (rc == STORE_OK)
			rc = conc_reader_ops(rd);
		store_close(rd);
		_exit(rc == STORE_OK ? 0 : 1);
	}
	CU_ASSERT_FATAL(pid > 0);
	CU_ASSERT_EQUAL(conc_wait(pid), 0);
	CU_ASSERT_FALSE(conc_readable(fd, CONC_QUIET_MS));
	hits = store_feed_drain(st);
	CU_ASSERT_EQUAL(hits, 0);
	if (hits)
		fprintf(stderr, "\n    a read-only session in another process woke the feed (%d events)\n",
			hits);
	store_close(st);
	conc_store_free(dir, path);
}

int main(void)
{
	CU_pSuite s;
	signal(SIGPIPE, SIG_IGN);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 99;
	s = CU_add_suite("concurrency", NULL, NULL);
	CU_add_test(s, "two processes x 1000 commits", test_two_writers);
	s = CU_add_suite("feed across processes", NULL, NULL);
	CU_add_test(s, "commit in another process wakes the feed", test_feed_other_process);
	CU_add_test(s, "no wake-up without commits", test_feed_quiet);
	CU_add_test(s, "the feed's file replaced while followed", test_feed_replaced);
	CU_add_test(s, "reads in another process do not wake", test_feed_reader_process);
	CU_add_test(s, "read-only session in another process does not wake", test_feed_reader_session);
	return tu_run();
}
