/* Store benchmark: commit latency and read rate of the store against bare SQLite doing the same
 * work with the same durability, in interleaved rounds of one run; prints medians and ratios. */
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store.h"

#define BENCH_KEYS 10
#define BENCH_COMMIT_GOAL 1.5 /* store commit <= 1.5 x bare SQLite commit of the same rows */
#define BENCH_READ_GOAL 2.0   /* store_get <= 2 x bare prepared SELECT */

/* The ten non-secret settings a commit writes; no consistency rule ties any two of them. */
static const char *const bench_keys[BENCH_KEYS] = {
	"web_logout_timer",     "keyboard_lock_timeout", "tr69_periodic_interval",
	"tr69_retry_min_wait",  "tr69_retry_multiplier", "keyboard_lock_emergency",
	"tr69_acs_url",         "tr69_acs_user",         "tr69_periodic_time",
	"use_hidden_tags",
};

struct bench_opts {
	const char *dir; /* folder for the files; NULL: a fresh one under $TMPDIR or /tmp */
	int rounds;
	int commits; /* per side and round */
	int reads;   /* per side and round */
};

/* Values of commit i: each differs from the one of commit i-1, so every row is written. */
static void bench_values(char vals[BENCH_KEYS][64], unsigned i)
{
	snprintf(vals[0], 64, "%u", 1 + i % 1440);
	snprintf(vals[1], 64, "%u", i % 3601);
	snprintf(vals[2], 64, "%u", 1 + i);
	snprintf(vals[3], 64, "%u", 1 + i % 65535);
	snprintf(vals[4], 64, "%u", 1000 + i % 64536);
	snprintf(vals[5], 64, "112,1%u", i % 100000);
	snprintf(vals[6], 64, "https://acs%u.example.net/cwmp", i);
	snprintf(vals[7], 64, "cpe-%u", i);
	snprintf(vals[8], 64, "2024-01-01T00:%02u:%02uZ", (i / 60) % 60, i % 60);
	snprintf(vals[9], 64, "%s", i % 2 ? "on" : "off");
}

static int64_t bench_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int bench_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Median of n values (sorts them). */
static double bench_median(int64_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), bench_cmp);
	return n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2;
}

/* ------------------------------------------------------------------------------------------- */
/* The floor: bare SQLite, a table shaped like the store's settings, the same pragmas.         */

struct bench_floor {
	sqlite3 *db;
	sqlite3_stmt *begin, *put, *commit;
};

static int bench_floor_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fprintf(stderr, "floor: %s: %s\n", sql, msg ? msg : sqlite3_errstr(rc));
	sqlite3_free(msg);
	return rc;
}

static int bench_floor_open(struct bench_floor *f, const char *path)
{
	int rc = sqlite3_open_v2(path, &f->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc == SQLITE_OK)
		rc = bench_floor_exec(f->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
					     "CREATE TABLE settings(key TEXT PRIMARY KEY,"
					     " running TEXT NOT NULL, saved TEXT NOT NULL,"
					     " locked INTEGER NOT NULL DEFAULT 0, source INTEGER NOT NULL,"
					     " changed_seq INTEGER NOT NULL DEFAULT 0,"
					     " changed_ms INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;");
	if (rc == SQLITE_OK)
		sqlite3_busy_timeout(f->db, 15000);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v3(f->db, "BEGIN IMMEDIATE", -1, SQLITE_PREPARE_PERSISTENT,
					&f->begin, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v3(f->db,
					"INSERT OR REPLACE INTO settings(key, running, saved, source, "
					"changed_seq, changed_ms) VALUES(?1, ?2, ?2, 3, ?3, ?4)",
					-1, SQLITE_PREPARE_PERSISTENT, &f->put, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v3(f->db, "COMMIT", -1, SQLITE_PREPARE_PERSISTENT, &f->commit,
					NULL);
	if (rc != SQLITE_OK)
		fprintf(stderr, "floor: %s: %s\n", path, sqlite3_errmsg(f->db));
	return rc;
}

static void bench_floor_close(struct bench_floor *f)
{
	sqlite3_finalize(f->begin);
	sqlite3_finalize(f->put);
	sqlite3_finalize(f->commit);
	sqlite3_close(f->db);
}

static int bench_floor_commit(struct bench_floor *f, unsigned i)
{
	char vals[BENCH_KEYS][64];
	int rc;
	bench_values(vals, i);
	rc = sqlite3_step(f->begin);
	sqlite3_reset(f->begin);
	for (int k = 0; k < BENCH_KEYS && rc == SQLITE_DONE; k++) {
		sqlite3_bind_text(f->put, 1, bench_keys[k], -1, SQLITE_STATIC);
		sqlite3_bind_text(f->put, 2, vals[k], -1, SQLITE_STATIC);
		sqlite3_bind_int64(f->put, 3, i);
		sqlite3_bind_int64(f->put, 4, store_now_ms());
		rc = sqlite3_step(f->put);
		sqlite3_reset(f->put);
	}
	if (rc == SQLITE_DONE) {
		rc = sqlite3_step(f->commit);
		sqlite3_reset(f->commit);
	}
	return rc == SQLITE_DONE ? 0 : -1;
}

/* ------------------------------------------------------------------------------------------- */
/* The measured side                                                                             */

static int bench_store_commit(struct store *st, unsigned i)
{
	struct store_actor who = { STORE_SRC_CLI, STORE_ROLE_ADMIN, "bench" };
	struct store_txn *t = NULL;
	char vals[BENCH_KEYS][64];
	int rc;
	bench_values(vals, i);
	rc = store_txn_begin(&t, st, STORE_TXN_RUNNING, &who);
	for (int k = 0; k < BENCH_KEYS && rc == STORE_OK; k++)
		rc = store_txn_set(t, bench_keys[k], vals[k]);
	if (rc == STORE_OK)
		rc = store_txn_commit(t, NULL);
	if (rc)
		fprintf(stderr, "store commit %u: %s\n", i, t ? store_txn_errmsg(t) : store_strerror(rc));
	store_txn_free(t);
	return rc ? -1 : 0;
}

/* Times n reads of the ten keys through store_get; returns ns per read, -1 on error. */
static double bench_store_reads(struct store *st, int n)
{
	int64_t t0 = bench_now_ns();
	for (int i = 0; i < n; i++) {
		char *v = NULL;
		if (store_get(&v, st, bench_keys[i % BENCH_KEYS]) != STORE_OK)
			return -1;
		free(v);
	}
	return (double)(bench_now_ns() - t0) / n;
}

/* The same through a bare prepared SELECT on the store file; returns ns per read. */
static double bench_bare_reads(sqlite3_stmt *q, int n)
{
	int64_t t0 = bench_now_ns();
	size_t sink = 0;
	for (int i = 0; i < n; i++) {
		sqlite3_bind_text(q, 1, bench_keys[i % BENCH_KEYS], -1, SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_ROW)
			return -1;
		sink += (size_t)sqlite3_column_bytes(q, 0) + (sqlite3_column_text(q, 0) != NULL);
		sqlite3_reset(q);
	}
	if (sink == 0)
		return -1;
	return (double)(bench_now_ns() - t0) / n;
}

/* ------------------------------------------------------------------------------------------- */

static int bench_rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void bench_usage(FILE *to)
{
	fprintf(to, "usage: bench/store [-d folder] [-r rounds] [-c commits] [-n reads]\n"
		    "  -d  where to put the store and the baseline database (default: a new\n"
		    "      folder under $TMPDIR or /tmp, removed at the end); use the phone's\n"
		    "      store file system to measure its fsync\n"
		    "  -r  interleaved rounds (5)\n"
		    "  -c  commits per side and round (200)\n"
		    "  -n  reads per side and round (200000)\n");
}

static int bench_parse(struct bench_opts *o, int argc, char **argv)
{
	int c;
	*o = (struct bench_opts){ .rounds = 5, .commits = 200, .reads = 200000 };
	while ((c = getopt(argc, argv, "d:r:c:n:h")) != -1) {
		switch (c) {
		case 'd':
			o->dir = optarg;
			break;
		case 'r':
			o->rounds = atoi(optarg);
			break;
		case 'c':
			o->commits = atoi(optarg);
			break;
		case 'n':
			o->reads = atoi(optarg);
			break;
		case 'h':
			bench_usage(stdout);
			return 1;
		default:
			bench_usage(stderr);
			return 2;
		}
	}
	if (o->rounds < 1 || o->commits < 1 || o->reads < 1) {
		bench_usage(stderr);
		return 2;
	}
	return 0;
}

/* Runs the interleaved rounds; fills the commit latencies and per-round read times. */
static int bench_run(const struct bench_opts *o, struct store *st, struct bench_floor *f,
		     sqlite3_stmt *sel, int64_t *lat_store, int64_t *lat_floor, int64_t *rd_store,
		     int64_t *rd_bare)
{
	unsigned seq_store = 0, seq_floor = 0;
	for (int r = 0; r < o->rounds; r++) {
		/* alternate which side goes first, so drift (cache, WAL size) hits both alike */
		for (int side = 0; side < 2; side++) {
			bool floor_side = (side == 0) == (r % 2 == 0);
			for (int i = 0; i < o->commits; i++) {
				size_t at = (size_t)r * (size_t)o->commits + (size_t)i;
				int64_t t0 = bench_now_ns();
				if (floor_side ? bench_floor_commit(f, seq_floor++)
					       : bench_store_commit(st, seq_store++))
					return -1;
				(floor_side ? lat_floor : lat_store)[at] = bench_now_ns() - t0;
			}
		}
		for (int side = 0; side < 2; side++) {
			bool bare_side = (side == 0) == (r % 2 == 0);
			double ns = bare_side ? bench_bare_reads(sel, o->reads)
					      : bench_store_reads(st, o->reads);
			if (ns < 0)
				return -1;
			(bare_side ? rd_bare : rd_store)[r] = (int64_t)(ns * 1000); /* ps per read */
		}
	}
	return 0;
}

static void bench_report(const struct bench_opts *o, int64_t *lat_store, int64_t *lat_floor,
			 int64_t *rd_store, int64_t *rd_bare)
{
	size_t nc = (size_t)o->rounds * (size_t)o->commits;
	double ms = bench_median(lat_store, nc) / 1e6, mf = bench_median(lat_floor, nc) / 1e6;
	double rs = bench_median(rd_store, (size_t)o->rounds) / 1e3;
	double rb = bench_median(rd_bare, (size_t)o->rounds) / 1e3;
	double cr = ms / mf, rr = rs / rb;

	printf("commit of %d settings (median of %zu each, WAL, synchronous=FULL)\n", BENCH_KEYS, nc);
	printf("  store_txn_begin/set x%d/commit  %9.3f ms\n", BENCH_KEYS, ms);
	printf("  bare SQLite, same rows (floor)   %9.3f ms\n", mf);
	printf("  ratio %.2f (goal <= %.1f)  %s\n", cr, BENCH_COMMIT_GOAL,
	       cr <= BENCH_COMMIT_GOAL ? "OK" : "OVER");
	printf("reads (median of %d rounds x %d)\n", o->rounds, o->reads);
	printf("  store_get                        %9.1f ns  %6.2f M/s\n", rs, 1e3 / rs);
	printf("  bare prepared SELECT             %9.1f ns  %6.2f M/s\n", rb, 1e3 / rb);
	printf("  ratio %.2f (goal <= %.1f)  %s\n", rr, BENCH_READ_GOAL,
	       rr <= BENCH_READ_GOAL ? "OK" : "OVER");
}

int main(int argc, char **argv)
{
	struct bench_opts o;
	struct bench_floor f = { 0 };
	struct store *st = NULL;
	sqlite3 *ro = NULL;
	sqlite3_stmt *sel = NULL;
	int64_t *lat_store = NULL, *lat_floor = NULL, *rd_store = NULL, *rd_bare = NULL;
	char *dir = NULL, *spath = NULL, *fpath = NULL, err[512];
	int rc = bench_parse(&o, argc, argv);

	if (rc)
		return rc == 1 ? 0 : 2;
	if (o.dir) {
		dir = strdup(o.dir);
	} else {
		const char *tmp = getenv("TMPDIR");
		if (asprintf(&dir, "%s/phonesec-bench.XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0)
			dir = NULL;
		if (dir && !mkdtemp(dir)) {
			fprintf(stderr, "mkdtemp: %s\n", strerror(errno));
			free(dir);
			return 1;
		}
	}
	rc = 1;
	if (!dir || asprintf(&spath, "%s/bench-store.db", dir) < 0 ||
	    asprintf(&fpath, "%s/bench-floor.db", dir) < 0) {
		spath = fpath = NULL;
		goto out;
	}
	lat_store = calloc((size_t)o.rounds * (size_t)o.commits, sizeof(int64_t));
	lat_floor = calloc((size_t)o.rounds * (size_t)o.commits, sizeof(int64_t));
	rd_store = calloc((size_t)o.rounds, sizeof(int64_t));
	rd_bare = calloc((size_t)o.rounds, sizeof(int64_t));
	if (!lat_store || !lat_floor || !rd_store || !rd_bare)
		goto out;
	if (store_create(spath, NULL, NULL, err, sizeof(err)) ||
	    store_open(&st, spath, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		goto out;
	}
	if (bench_floor_open(&f, fpath) != SQLITE_OK)
		goto out;
	if (sqlite3_open_v2(spath, &ro, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(ro, "SELECT running FROM settings WHERE key=?1", -1,
			       SQLITE_PREPARE_PERSISTENT, &sel, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", spath, sqlite3_errmsg(ro));
		goto out;
	}
	/* warm-up: fill both tables with the rows, prime caches */
	if (bench_floor_commit(&f, 1000000) || bench_store_commit(st, 1000000))
		goto out;
	printf("phonesec store benchmark in %s (%d rounds, %d commits and %d reads per side)\n", dir,
	       o.rounds, o.commits, o.reads);
	if (bench_run(&o, st, &f, sel, lat_store, lat_floor, rd_store, rd_bare))
		goto out;
	bench_report(&o, lat_store, lat_floor, rd_store, rd_bare);
	rc = 0;
out:
	sqlite3_finalize(sel);
	sqlite3_close(ro);
	bench_floor_close(&f);
	store_close(st);
	if (dir && !o.dir)
		nftw(dir, bench_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	else if (spath) {
		char *p = NULL;
		const char *sfx[] = { "", "-wal", "-shm" };
		for (int k = 0; k < 3; k++) {
			if (asprintf(&p, "%s%s", spath, sfx[k]) >= 0)
				remove(p);
			free(p);
			if (asprintf(&p, "%s%s", fpath, sfx[k]) >= 0)
				remove(p);
			free(p);
		}
	}
	free(lat_store);
	free(lat_floor);
	free(rd_store);
	free(rd_bare);
	free(spath);
	free(fpath);
	free(dir);
	return rc;
}
