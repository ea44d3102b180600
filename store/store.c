/* The store handle: create, open (with integrity check and migration), reads, snapshots, the
 * running/saved layers, provider locks, daemon state and secret access. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#ifndef PHONESEC_DEFAULT_STORE
#define PHONESEC_DEFAULT_STORE "/var/lib/phonesec/settings.db"
#endif

const char *store_default_path(void)
{
	const char *env = getenv("PHONESEC_STORE");
	return env && *env ? env : PHONESEC_DEFAULT_STORE;
}

int store_fail(struct store *st, int code, const char *fmt, ...)
{
	va_list ap;
	if (!st)
		return code;
	va_start(ap, fmt);
	vsnprintf(st->errmsg, sizeof(st->errmsg), fmt, ap);
	va_end(ap);
	return code;
}

static int map_sql(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return STORE_OK;
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
	case SQLITE_FORMAT:
		return STORE_E_CORRUPT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return STORE_E_BUSY;
	case SQLITE_NOMEM:
		return STORE_E_NOMEM;
	default:
		return STORE_E_IO;
	}
}

int store_fail_sql(struct store *st, int rc, const char *what)
{
	int code = map_sql(rc);
	const char *detail = st && st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc);
	if (code == STORE_OK)
		code = STORE_E_IO;
	if (code == STORE_E_CORRUPT)
		return store_fail(st, code, "%s: store is corrupt (%s)", st ? st->path : "?", detail);
	return store_fail(st, code, "%s: %s: %s", st ? st->path : "?", what, detail);
}

void store_set_busy_timeout(struct store *st, unsigned ms)
{
	if (st && st->db) {
		st->busy_ms = ms > 0x7fffffff ? 0x7fffffff : ms;
		sqlite3_busy_timeout(st->db, (int)st->busy_ms);
	}
}

const char *store_errmsg(const struct store *st)
{
	return st ? st->errmsg : "no store";
}

const char *store_path(const struct store *st)
{
	return st ? st->path : NULL;
}

static const char *const stmt_sql[STORE_Q_COUNT] = {
	[STORE_Q_BEGIN_WRITE] = "BEGIN IMMEDIATE",
	[STORE_Q_BEGIN_READ] = "BEGIN",
	[STORE_Q_COMMIT] = "COMMIT",
	[STORE_Q_ROLLBACK] = "ROLLBACK",
	[STORE_Q_AUDIT_INSERT] = "INSERT INTO audit(time_ms, action, source, both_layers, principal, "
				 "keys, role) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[STORE_Q_AUDIT_SINCE] = "SELECT seq, time_ms, action, source, both_layers, principal, keys, "
				"role FROM audit WHERE seq > ?1 ORDER BY seq LIMIT ?2",
	[STORE_Q_AUDIT_LAST] = "SELECT seq, time_ms, action, source, both_layers, principal, keys, "
			       "role FROM audit WHERE ?1 = ?1 ORDER BY seq DESC LIMIT ?2",
	[STORE_Q_STATE_GET] = "SELECT value FROM state WHERE name=?1",
	[STORE_Q_STATE_SET] = "INSERT OR REPLACE INTO state(name, value) VALUES(?1, ?2)",
	[STORE_Q_STATE_DELETE] = "DELETE FROM state WHERE name=?1",
	[STORE_Q_SNAPSHOT] = "SELECT key, running, saved, locked, source, changed_seq, changed_ms "
			     "FROM settings",
	[STORE_Q_CURRENT] = "SELECT key, running, saved, locked FROM settings",
	[STORE_Q_UPDATE_RUNNING] = "UPDATE settings SET running=?1, source=?2, changed_seq=?3, "
				   "changed_ms=?4 WHERE key=?5",
	[STORE_Q_UPDATE_BOTH] = "UPDATE settings SET running=?1, saved=?1, source=?2, "
				"changed_seq=?3, changed_ms=?4 WHERE key=?5",
	[STORE_Q_LOCK_UPDATE] = "UPDATE settings SET locked=?1 WHERE key=?2 AND locked!=?1",
	[STORE_Q_LOCK_GET] = "SELECT locked FROM settings WHERE key=?1",
	[STORE_Q_SYNC_NORMAL] = "PRAGMA synchronous=NORMAL",
	[STORE_Q_SYNC_FULL] = "PRAGMA synchronous=FULL",
};

sqlite3_stmt *store_stmt(struct store *st, enum store_q id)
{
	sqlite3_stmt **q;
	int rc;
	if ((unsigned)id >= STORE_Q_COUNT)
		return NULL;
	q = &st->stmts[id];
	if (!*q) {
		rc = sqlite3_prepare_v3(st->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT, q,
					NULL);
		if (rc != SQLITE_OK) {
			store_fail_sql(st, rc, "preparing a statement");
			sqlite3_finalize(*q);
			*q = NULL;
			return NULL;
		}
	} else {
		sqlite3_reset(*q);
		sqlite3_clear_bindings(*q);
	}
	/* the last guard: a write statement while a read is held */
	if (!sqlite3_stmt_readonly(*q) && store_write_allowed(st))
		return NULL;
	return *q;
}

void store_stmt_done(sqlite3_stmt *q)
{
	if (q) {
		sqlite3_reset(q);
		sqlite3_clear_bindings(q);
	}
}

int store_stmt_run(struct store *st, enum store_q id)
{
	sqlite3_stmt *q = store_stmt(st, id);
	int rc;
	if (!q)
		return SQLITE_ERROR;
	rc = sqlite3_step(q);
	store_stmt_done(q);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int store_exec(struct store *st, const char *sql)
{
	int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? STORE_OK : store_fail_sql(st, rc, "write");
}

int store_read_begin(struct store *st)
{
	if (!st || !st->db)
		return STORE_E_INVALID;
	if (st->read_depth == 0) {
		int rc = store_stmt_run(st, STORE_Q_BEGIN_READ); /* the read starts with the first step */
		if (rc != SQLITE_OK)
			return store_fail_sql(st, rc, "read");
	}
	st->read_depth++;
	return STORE_OK;
}

int store_write_allowed(struct store *st)
{
	if (st->read_depth)
		return store_fail(st, STORE_E_INVALID, "a write while a read is held");
	return STORE_OK;
}

void store_read_end(struct store *st)
{
	if (!st || !st->read_depth)
		return;
	if (--st->read_depth == 0 && !sqlite3_get_autocommit(st->db) &&
	    store_stmt_run(st, STORE_Q_COMMIT) != SQLITE_OK)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

int store_write_begin(struct store *st)
{
	int rc = store_write_allowed(st);
	if (rc)
		return rc;
	rc = store_stmt_run(st, STORE_Q_BEGIN_WRITE);
	return rc == SQLITE_OK ? STORE_OK : store_fail_sql(st, rc, "starting a transaction");
}

int store_write_commit(struct store *st)
{
	return store_write_commit_as(st, true);
}

int store_write_commit_as(struct store *st, bool notify)
{
	int rc = store_stmt_run(st, STORE_Q_COMMIT);
	if (rc == SQLITE_OK) {
		if (notify)
			store_feed_notify(st);
		return STORE_OK;
	}
	rc = store_fail_sql(st, rc, "commit");
	store_write_rollback(st);
	return rc;
}

void store_write_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db) && store_stmt_run(st, STORE_Q_ROLLBACK) != SQLITE_OK)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

static struct store *handle_new(const char *path)
{
	struct store *st = calloc(1, sizeof(*st));
	char *tmp1 = NULL, *tmp2 = NULL;
	if (!st)
		return NULL;
	st->feed_fd = -1;
	st->feed_wd = -1;
	st->notify_fd = -1;
	st->busy_ms = STORE_BUSY_TIMEOUT_MS;
	st->path = strdup(path);
	tmp1 = strdup(path);
	tmp2 = strdup(path);
	if (!st->path || !tmp1 || !tmp2)
		goto fail;
	st->dir = strdup(dirname(tmp1));
	st->base = strdup(basename(tmp2));
	if (!st->dir || !st->base)
		goto fail;
	free(tmp1);
	free(tmp2);
	return st;
fail:
	free(tmp1);
	free(tmp2);
	store_close(st);
	return NULL;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	sqlite3_finalize(st->q_get);
	sqlite3_finalize(st->q_get_saved);
	sqlite3_finalize(st->q_head);
	for (size_t i = 0; i < STORE_Q_COUNT; i++)
		sqlite3_finalize(st->stmts[i]);
	if (st->db)
		sqlite3_close_v2(st->db);
	if (st->feed_fd >= 0)
		close(st->feed_fd);
	if (st->notify_fd >= 0)
		close(st->notify_fd);
	free(st->path);
	free(st->dir);
	free(st->base);
	free(st);
}

/* Connection settings every handle uses. */
static int configure_db(struct store *st)
{
	sqlite3_stmt *q = NULL;
	int rc;
	sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(st->db, 0);
	rc = sqlite3_prepare_v2(st->db, "PRAGMA journal_mode=WAL", -1, &q, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(q);
	if (rc == SQLITE_ROW &&
	    strcmp((const char *)sqlite3_column_text(q, 0), "wal") != 0)
		rc = SQLITE_CANTOPEN;
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW)
		return store_fail_sql(st, rc, "enabling WAL");
	rc = store_exec(st, "PRAGMA synchronous=FULL");
	/* the store is small: a bounded page cache keeps every daemon's memory low */
	if (rc == STORE_OK)
		rc = store_exec(st, "PRAGMA cache_size=-64");
	if (rc == STORE_OK)
		rc = store_exec(st, "PRAGMA trusted_schema=OFF");
	/* a replaced secret record is zeroed where it lay (in its page, or a freed page), not
	 * left for a reader of the file; store_secret_scrub() then clears the WAL's copies */
	if (rc == STORE_OK)
		rc = store_exec(st, "PRAGMA secure_delete=ON");
	return rc;
}

/* Readers hold the WAL for a few milliseconds at a time; the scrub waits this long for them. */
#define STORE_SCRUB_WAIT_MS 250

void store_secret_scrub(struct store *st)
{
	int log = 0, done = 0;
	int rc;

	if (st->quiet || st->read_depth || !sqlite3_get_autocommit(st->db))
		return;
	/* TRUNCATE copies every frame into the file (whose freed space secure_delete zeroed) and
	 * empties the WAL, so no frame holding an old record is left behind. It waits for readers
	 * through the busy handler: a shorter wait than a writer's, as the commit is done already. */
	sqlite3_busy_timeout(st->db, STORE_SCRUB_WAIT_MS);
	rc = sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log, &done);
	sqlite3_busy_timeout(st->db, (int)st->busy_ms);
	(void)rc; /* busy: the commit stands; the next scrub or checkpoint empties the WAL */
}

static int check_integrity(struct store *st)
{
	sqlite3_stmt *q = NULL;
	int rc = sqlite3_prepare_v2(st->db, "PRAGMA quick_check", -1, &q, NULL);
	const unsigned char *res;
	if (rc != SQLITE_OK)
		return store_fail_sql(st, rc, "integrity check");
	rc = sqlite3_step(q);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(q);
		return store_fail_sql(st, rc, "integrity check");
	}
	res = sqlite3_column_text(q, 0);
	if (!res || strcmp((const char *)res, "ok") != 0) {
		rc = store_fail(st, STORE_E_CORRUPT, "%s: store is corrupt (integrity check: %.120s)",
				st->path, res ? (const char *)res : "?");
		sqlite3_finalize(q);
		return rc;
	}
	sqlite3_finalize(q);
	return STORE_OK;
}

static int check_magic(struct store *st)
{
	sqlite3_stmt *q = NULL;
	int rc = sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE name='magic'", -1, &q,
				    NULL);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(q);
		return store_fail(st, STORE_E_CORRUPT, "%s: not a phonesec store", st->path);
	}
	rc = sqlite3_step(q);
	if (rc != SQLITE_ROW || strcmp((const char *)sqlite3_column_text(q, 0), "phonesec-store")) {
		sqlite3_finalize(q);
		return store_fail(st, STORE_E_CORRUPT, "%s: not a phonesec store", st->path);
	}
	sqlite3_finalize(q);
	return STORE_OK;
}

/* Adds settings that are new in the registry since the store was written (factory values). */
static int add_new_settings(struct store *st)
{
	sqlite3_stmt *q = NULL;
	int rc, count = 0;
	uint64_t seq = 0;
	char *keys = NULL;
	size_t klen = 0;
	struct store_actor who = { STORE_SRC_FACTORY, STORE_ROLE_ADMIN, "upgrade" };

	rc = sqlite3_prepare_v2(st->db, "SELECT count(*) FROM settings", -1, &q, NULL);
	if (rc == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
		count = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	if (rc != SQLITE_OK)
		return store_fail_sql(st, rc, "reading settings");
	if ((size_t)count >= store_registry_count())
		return STORE_OK;

	rc = store_write_begin(st);
	if (rc)
		return rc;
	rc = sqlite3_prepare_v2(st->db,
				"INSERT OR IGNORE INTO settings(key, running, saved, locked, source, "
				"changed_seq, changed_ms) VALUES(?1, ?2, ?2, ?3, ?4, 0, ?5)",
				-1, &q, NULL);
	if (rc != SQLITE_OK) {
		rc = store_fail_sql(st, rc, "adding settings");
		goto out;
	}
	for (size_t i = 0; i < store_registry_count(); i++) {
		const struct store_setting *s = store_registry_at(i);
		char *val = NULL;
		rc = STORE_OK;
		if (s->type == STORE_TYPE_SECRET)
			rc = store_secret_record(&val, s, s->factory, "", true);
		if (rc)
			goto out;
		sqlite3_reset(q);
		sqlite3_bind_text(q, 1, s->key, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, val ? val : s->factory, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(q, 3,
				 s->flags & STORE_F_SUBSCRIBER ? STORE_LOCK_OPEN : STORE_LOCK_PHONE);
		sqlite3_bind_int(q, 4, STORE_SRC_FACTORY);
		sqlite3_bind_int64(q, 5, store_now_ms());
		store_secret_wipe(val);
		rc = sqlite3_step(q);
		if (rc != SQLITE_DONE) {
			rc = store_fail_sql(st, rc, "adding settings");
			goto out;
		}
		rc = sqlite3_changes(st->db) > 0 ? store_keys_append(&keys, &klen, s->key) : STORE_OK;
		if (rc)
			goto out;
	}
	rc = store_audit_append(st, STORE_ACT_FACTORY, &who, true, keys ? keys : "", &seq);
	if (rc == STORE_OK)
		rc = store_write_commit(st);
out:
	sqlite3_finalize(q);
	free(keys);
	if (rc)
		store_write_rollback(st);
	return rc;
}

static int prepare_reads(struct store *st)
{
	int rc = sqlite3_prepare_v3(st->db, "SELECT running FROM settings WHERE key=?1", -1,
				    SQLITE_PREPARE_PERSISTENT, &st->q_get, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v3(st->db, "SELECT saved FROM settings WHERE key=?1", -1,
					SQLITE_PREPARE_PERSISTENT, &st->q_get_saved, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v3(st->db, "SELECT coalesce(max(seq), 0) FROM audit", -1,
					SQLITE_PREPARE_PERSISTENT, &st->q_head, NULL);
	return rc == SQLITE_OK ? STORE_OK : store_fail_sql(st, rc, "preparing reads");
}

/* Every table of the current schema must be there: a store with one dropped is damaged. */
static int check_tables(struct store *st)
{
	sqlite3_stmt *q = NULL;
	int rc, n = 0;
	rc = sqlite3_prepare_v2(st->db,
				"SELECT count(*) FROM sqlite_master WHERE type='table' AND name IN "
				"('meta', 'settings', 'audit', 'state', 'lockout')",
				-1, &q, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW)
		n = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW)
		return store_fail_sql(st, rc, "reading the schema");
	if (n != 5)
		return store_fail(st, STORE_E_CORRUPT, "%s: store is corrupt (tables missing)",
				  st->path);
	return STORE_OK;
}

/* Opens the database file. fresh (store_create): the file is new and empty, and the caller
 * writes the schema in the same transaction as the profile, so a create that is interrupted
 * leaves no half store. Otherwise the file is checked before anything is written to it: a file
 * that is not a phonesec store of this or an older schema is refused and left as it was. */
static int open_db(struct store *st, bool fresh)
{
	int rc, version = 0;

	/* a handle belongs to one thread at a time (store.h): no per-call connection mutex */
	rc = sqlite3_open_v2(st->path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK)
		return store_fail_sql(st, rc, "open");
	/* no lookaside slab (about 120 KiB a connection): every daemon holds two or three
	 * connections, and the store's statements are few and cached */
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_LOOKASIDE, NULL, 0, 0);
	if (fresh)
		return configure_db(st);
	sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(st->db, 0);
	rc = check_integrity(st);
	if (rc == STORE_OK)
		rc = store_schema_version(st, &version);
	if (rc)
		return rc;
	if (version > STORE_SCHEMA_VERSION)
		return store_fail(st, STORE_E_SCHEMA,
				  "%s: store schema %d is newer than this phonesec's (%d)", st->path,
				  version, STORE_SCHEMA_VERSION);
	if (version == 0)
		return store_fail(st, STORE_E_CORRUPT, "%s: not a phonesec store", st->path);
	rc = check_magic(st); /* there since version 1 */
	if (rc == STORE_OK)
		rc = configure_db(st);
	if (rc)
		return rc;
	if (version < STORE_SCHEMA_VERSION) {
		rc = store_write_begin(st);
		if (rc)
			return rc;
		rc = store_schema_apply(st, version);
		if (rc == STORE_OK)
			rc = store_write_commit(st);
		else
			store_write_rollback(st);
		if (rc)
			return rc;
	}
	return check_tables(st);
}

/* Whether path has a non-empty "-wal" companion (frames a killed writer left). */
static bool wal_present(const char *path)
{
	char buf[4096];
	struct stat sb;
	snprintf(buf, sizeof(buf), "%s-wal", path);
	return stat(buf, &sb) == 0 && sb.st_size > 0;
}

int store_open(struct store **out, const char *path, char *errbuf, size_t errlen)
{
	struct store *st;
	struct stat sb;
	bool had_wal;
	int rc;

	if (!out || !path || !*path)
		return store_msg(errbuf, errlen, STORE_E_INVALID, "no store path");
	*out = NULL;
	if (stat(path, &sb) < 0) {
		if (errno == ENOENT)
			return store_msg(errbuf, errlen, STORE_E_NOT_FOUND,
					 "%s: no store there (create one with 'phonesec init')", path);
		return store_msg(errbuf, errlen, STORE_E_IO, "%s: %s", path, strerror(errno));
	}
	if (!S_ISREG(sb.st_mode))
		return store_msg(errbuf, errlen, STORE_E_CORRUPT, "%s: not a regular file", path);
	st = handle_new(path);
	if (!st)
		return store_msg(errbuf, errlen, STORE_E_NOMEM, "out of memory");
	had_wal = wal_present(path);
	rc = open_db(st, false);
	if (rc == STORE_OK)
		rc = add_new_settings(st);
	if (rc == STORE_OK)
		rc = prepare_reads(st);
	if (rc) {
		store_msg(errbuf, errlen, rc, "%s", st->errmsg);
		/* A leftover WAL stays as it was: never merge it into a file we refused. */
		if (st->db && had_wal)
			sqlite3_db_config(st->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)NULL);
		store_close(st);
		return rc;
	}
	*out = st;
	return STORE_OK;
}

static void unlink_store(const char *path)
{
	char buf[4096];
	unlink(path);
	snprintf(buf, sizeof(buf), "%s-wal", path);
	unlink(buf);
	snprintf(buf, sizeof(buf), "%s-shm", path);
	unlink(buf);
	snprintf(buf, sizeof(buf), "%s-feed", path);
	unlink(buf);
}

static int meta_set(struct store *st, const char *name, const char *value)
{
	sqlite3_stmt *q = NULL;
	int rc = sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO meta(name, value) VALUES(?1,?2)",
				    -1, &q, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, value, -1, SQLITE_STATIC);
		rc = sqlite3_step(q);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : store_fail_sql(st, rc, "meta");
}

static int meta_get(char **out, struct store *st, const char *name)
{
	sqlite3_stmt *q = NULL;
	int rc = sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE name=?1", -1, &q, NULL);
	*out = NULL;
	if (rc != SQLITE_OK)
		return store_fail_sql(st, rc, "meta");
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		*out = strdup((const char *)sqlite3_column_text(q, 0));
		rc = *out ? STORE_OK : STORE_E_NOMEM;
	} else if (rc == SQLITE_DONE) {
		rc = STORE_E_NOT_FOUND;
	} else {
		rc = store_fail_sql(st, rc, "meta");
	}
	sqlite3_finalize(q);
	return rc;
}

/* fsync of a file or folder by path; 0 or -1. */
static int sync_path(const char *path, bool dir)
{
	int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
	int rc;
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Makes the complete store at tmp appear at path, atomically and durably; refuses to replace
 * a store another process created meanwhile. */
static int publish(const char *tmp, const char *path, char *errbuf, size_t errlen)
{
	char *copy = strdup(path);
	int rc = STORE_OK;
	if (!copy)
		return store_msg(errbuf, errlen, STORE_E_NOMEM, "out of memory");
	if (sync_path(tmp, false) < 0)
		rc = store_msg(errbuf, errlen, STORE_E_IO, "%s: %s", path, strerror(errno));
	else if (link(tmp, path) < 0)
		rc = store_msg(errbuf, errlen, errno == EEXIST ? STORE_E_EXISTS : STORE_E_IO,
			       "%s: %s", path,
			       errno == EEXIST ? "a store already exists (use factory-reset to reset it)"
					       : strerror(errno));
	else if (sync_path(dirname(copy), true) < 0)
		rc = store_msg(errbuf, errlen, STORE_E_IO, "%s: %s", path, strerror(errno));
	free(copy);
	return rc;
}

int store_create(const char *path, const char *profile, char **generated, char *errbuf,
		 size_t errlen)
{
	struct store_profile prof = { 0 };
	struct store *st = NULL;
	char *abs_profile = NULL, *tmp = NULL;
	const struct store_actor factory = { STORE_SRC_FACTORY, STORE_ROLE_ADMIN, "profile" };
	int fd, rc;

	if (generated)
		*generated = NULL;
	if (!path || !*path)
		return store_msg(errbuf, errlen, STORE_E_INVALID, "no store path");
	rc = store_profile_load(&prof, profile, errbuf, errlen);
	if (rc)
		return rc;
	if (profile) {
		abs_profile = realpath(profile, NULL);
		if (!abs_profile) {
			rc = store_msg(errbuf, errlen, STORE_E_PROFILE, "%s: %s", profile,
				       strerror(errno));
			goto out;
		}
	}
	if (access(path, F_OK) == 0) {
		rc = store_msg(errbuf, errlen, STORE_E_EXISTS,
			       "%s: a store already exists (use factory-reset to reset it)", path);
		goto out;
	}
	/* Built under a temporary name in the same folder and linked into place when complete:
	 * a create that is interrupted never leaves a half store at path. */
	if (asprintf(&tmp, "%s.new-XXXXXX", path) < 0) {
		tmp = NULL;
		rc = store_msg(errbuf, errlen, STORE_E_NOMEM, "out of memory");
		goto out;
	}
	fd = mkostemp(tmp, O_CLOEXEC); /* mode 0600 */
	if (fd < 0) {
		rc = store_msg(errbuf, errlen, STORE_E_IO, "%s: %s", path, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	close(fd);
	st = handle_new(tmp);
	if (!st) {
		rc = store_msg(errbuf, errlen, STORE_E_NOMEM, "out of memory");
		goto out;
	}
	st->quiet = true;
	rc = open_db(st, true);
	if (rc == STORE_OK) {
		rc = store_write_begin(st);
		if (rc == STORE_OK) {
			rc = store_schema_apply(st, 0);
			if (rc == STORE_OK)
				rc = meta_set(st, "profile", abs_profile ? abs_profile : "");
			if (rc == STORE_OK)
				rc = store_profile_apply(st, &prof, &factory, generated);
			if (rc == STORE_OK)
				rc = store_write_commit(st);
			else
				store_write_rollback(st);
		}
	}
	if (rc)
		store_msg(errbuf, errlen, rc, "%s", st->errmsg);
	store_close(st); /* the last connection checkpoints the WAL into the file */
	st = NULL;
	if (rc == STORE_OK)
		rc = publish(tmp, path, errbuf, errlen);
	if (rc && generated) {
		store_secret_wipe(*generated);
		*generated = NULL;
	}
out:
	store_close(st);
	if (tmp)
		unlink_store(tmp);
	free(tmp);
	free(abs_profile);
	store_profile_clear(&prof);
	return rc;
}

/* The layer operations and the factory reset are the provider's: the desk user could revert a
 * locked setting with them, or bring back the factory credentials. */
static int provider_only(struct store *st, const struct store_actor *who, const char *what)
{
	if (who->role == STORE_ROLE_ADMIN)
		return STORE_OK;
	return store_fail(st, STORE_E_LOCKED, "%s: only the provider (administrator role) may do "
			  "this", what);
}

int store_factory_reset(struct store *st, const char *profile, const struct store_actor *who,
			char **generated)
{
	struct store_profile prof = { 0 };
	char *stored = NULL;
	char err[STORE_ERRMSG_MAX];
	int rc;

	if (generated)
		*generated = NULL;
	if (!st || !who)
		return STORE_E_INVALID;
	rc = provider_only(st, who, "factory reset");
	if (rc)
		return rc;
	if (!profile) {
		rc = meta_get(&stored, st, "profile");
		if (rc && rc != STORE_E_NOT_FOUND)
			return rc;
		profile = stored && *stored ? stored : NULL;
	}
	rc = store_profile_load(&prof, profile, err, sizeof(err));
	if (rc) {
		store_fail(st, rc, "%s", err);
		goto out;
	}
	rc = store_write_begin(st);
	if (rc)
		goto out;
	rc = store_profile_apply(st, &prof, who, generated);
	if (rc == STORE_OK)
		rc = sqlite3_exec(st->db, "DELETE FROM state; DELETE FROM lockout", NULL, NULL, NULL) ==
				     SQLITE_OK
			     ? STORE_OK
			     : store_fail_sql(st, SQLITE_ERROR, "factory reset");
	if (rc == STORE_OK)
		rc = store_write_commit(st);
	else
		store_write_rollback(st);
	if (rc == STORE_OK)
		store_secret_scrub(st); /* every secret was replaced */
	if (rc && generated) {
		store_secret_wipe(*generated);
		*generated = NULL;
	}
out:
	free(stored);
	store_profile_clear(&prof);
	return rc;
}

/* ------------------------------------------------------------------------------------------- */

static int get_layer(char **out, struct store *st, sqlite3_stmt *q, const char *key)
{
	const struct store_setting *s;
	int rc;
	if (!out || !st || !key)
		return STORE_E_INVALID;
	*out = NULL;
	s = store_registry_find(key);
	if (!s)
		return store_fail(st, STORE_E_UNKNOWN, "%s: unknown setting", key);
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		const char *v = s->type == STORE_TYPE_SECRET ? "" : (const char *)sqlite3_column_text(q, 0);
		*out = strdup(v ? v : "");
		rc = *out ? STORE_OK : STORE_E_NOMEM;
	} else if (rc == SQLITE_DONE) {
		rc = store_fail(st, STORE_E_CORRUPT, "%s: store is corrupt (%s missing)", st->path, key);
	} else {
		rc = store_fail_sql(st, rc, "read");
	}
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc;
}

int store_get(char **out, struct store *st, const char *key)
{
	return get_layer(out, st, st ? st->q_get : NULL, key);
}

int store_get_saved(char **out, struct store *st, const char *key)
{
	return get_layer(out, st, st ? st->q_get_saved : NULL, key);
}

/* A typed read: the running text of key, checked to be of type want, turned into *out by conv. */
typedef int (*typed_conv)(struct store *st, const struct store_setting *s, const char *text,
			  void *out);

static int get_typed(struct store *st, const char *key, enum store_type want, typed_conv conv,
		     void *out)
{
	const struct store_setting *s = store_registry_find(key);
	char *v = NULL;
	int rc;
	if (!s)
		return store_fail(st, STORE_E_UNKNOWN, "%s: unknown setting", key);
	if (s->type != want)
		return store_fail(st, STORE_E_TYPE, "%s: not of the requested type", key);
	rc = store_get(&v, st, key);
	if (rc == STORE_OK)
		rc = conv(st, s, v, out);
	free(v);
	return rc;
}

static int conv_bool(struct store *st, const struct store_setting *s, const char *text, void *out)
{
	(void)st;
	(void)s;
	*(bool *)out = strcmp(text, "on") == 0;
	return STORE_OK;
}

static int conv_uint(struct store *st, const struct store_setting *s, const char *text, void *out)
{
	(void)st;
	(void)s;
	*(uint32_t *)out = (uint32_t)strtoul(text, NULL, 10);
	return STORE_OK;
}

static int conv_enum(struct store *st, const struct store_setting *s, const char *text, void *out)
{
	const struct store_enum *e = store_enum_by_key(s, text);
	if (!e)
		return store_fail(st, STORE_E_CORRUPT, "%s: stored value is not valid", s->key);
	*(int *)out = e->number;
	return STORE_OK;
}

int store_get_bool(bool *out, struct store *st, const char *key)
{
	return get_typed(st, key, STORE_TYPE_BOOL, conv_bool, out);
}

int store_get_uint(uint32_t *out, struct store *st, const char *key)
{
	return get_typed(st, key, STORE_TYPE_UINT, conv_uint, out);
}

int store_get_enum(int *out, struct store *st, const char *key)
{
	return get_typed(st, key, STORE_TYPE_ENUM, conv_enum, out);
}

void store_snapshot_free(struct store_snapshot *snap)
{
	if (!snap)
		return;
	for (size_t i = 0; snap->rows && i < snap->count; i++) {
		free((char *)snap->rows[i].running);
		free((char *)snap->rows[i].saved);
	}
	free(snap->rows);
	free(snap);
}

const struct store_row *store_snapshot_find(const struct store_snapshot *snap, const char *key)
{
	int i = store_registry_index(key);
	if (!snap || i < 0 || (size_t)i >= snap->count)
		return NULL;
	return &snap->rows[i];
}

int store_snapshot_take(struct store_snapshot **out, struct store *st)
{
	struct store_snapshot *snap = NULL;
	sqlite3_stmt *q = NULL;
	size_t n = store_registry_count(), found = 0;
	int rc;

	if (!out || !st)
		return STORE_E_INVALID;
	*out = NULL;
	snap = calloc(1, sizeof(*snap));
	if (!snap || !(snap->rows = calloc(n, sizeof(*snap->rows)))) {
		free(snap);
		return store_fail(st, STORE_E_NOMEM, "out of memory");
	}
	snap->count = n;
	rc = store_read_begin(st);
	if (rc) {
		store_snapshot_free(snap);
		return rc;
	}
	q = store_stmt(st, STORE_Q_SNAPSHOT);
	if (!q) {
		rc = STORE_E_IO;
		goto out;
	}
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int i = store_registry_index((const char *)sqlite3_column_text(q, 0));
		const char *run = (const char *)sqlite3_column_text(q, 1);
		const char *sav = (const char *)sqlite3_column_text(q, 2);
		struct store_row *r;
		if (i < 0)
			continue; /* a setting this phonesec no longer knows */
		r = &snap->rows[i];
		if (r->setting)
			continue;
		r->setting = store_registry_at((size_t)i);
		found++;
		r->unsaved = strcmp(run ? run : "", sav ? sav : "") != 0;
		if (r->setting->type == STORE_TYPE_SECRET) {
			r->secret_set = store_secret_record_is_set(run);
			r->secret_strong = store_secret_record_policy(run);
			r->is_factory = store_secret_record_is_factory(run) ||
					(!r->secret_set && !*r->setting->factory);
			run = sav = "";
		} else {
			r->is_factory = run && strcmp(run, r->setting->factory) == 0;
		}
		r->running = strdup(run ? run : "");
		r->saved = strdup(sav ? sav : "");
		r->lock = (enum store_lock)sqlite3_column_int(q, 3);
		r->locked = r->lock != STORE_LOCK_OPEN;
		r->source = (enum store_source)sqlite3_column_int(q, 4);
		r->changed_seq = (uint64_t)sqlite3_column_int64(q, 5);
		r->changed_ms = sqlite3_column_int64(q, 6);
		if (!r->running || !r->saved) {
			rc = store_fail(st, STORE_E_NOMEM, "out of memory");
			goto out;
		}
		snap->unsaved |= r->unsaved;
	}
	if (rc != SQLITE_DONE) {
		rc = store_fail_sql(st, rc, "read");
		goto out;
	}
	if (found != n) {
		rc = store_fail(st, STORE_E_CORRUPT, "%s: store is corrupt (settings missing)",
				st->path);
		goto out;
	}
	rc = store_audit_head(&snap->head_seq, st);
out:
	store_stmt_done(q);
	store_read_end(st);
	if (rc) {
		store_snapshot_free(snap);
		return rc;
	}
	*out = snap;
	return STORE_OK;
}

/* ------------------------------------------------------------------------------------------- */
/* Layers                                                                                       */

/* Collects the keys whose running and saved differ, comma-separated ("" when none). */
static int differing_keys(char **out, struct store *st)
{
	sqlite3_stmt *q = NULL;
	char *keys = NULL;
	size_t len = 0;
	int rc = sqlite3_prepare_v2(st->db, "SELECT key FROM settings WHERE running != saved "
					    "ORDER BY key",
				    -1, &q, NULL);
	*out = NULL;
	if (rc != SQLITE_OK)
		return store_fail_sql(st, rc, "read");
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (store_keys_append(&keys, &len, (const char *)sqlite3_column_text(q, 0))) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		free(keys);
		return store_fail_sql(st, rc, "read");
	}
	*out = keys ? keys : strdup("");
	return *out ? STORE_OK : STORE_E_NOMEM;
}

/* Whether the comma-separated list names a SECRET setting. */
static bool keys_have_secret(const char *keys)
{
	while (keys && *keys) {
		size_t len = strcspn(keys, ",");
		char key[128];
		const struct store_setting *s;

		snprintf(key, sizeof(key), "%.*s", (int)len, keys);
		s = store_registry_find(key);
		if (s && s->type == STORE_TYPE_SECRET)
			return true;
		keys += len;
		if (*keys == ',')
			keys++;
	}
	return false;
}

static int copy_layer(struct store *st, const struct store_actor *who, enum store_action act)
{
	char *keys = NULL;
	uint64_t seq = 0;
	int rc;
	char sql[200];

	if (!st || !who)
		return STORE_E_INVALID;
	/* the phone's administrator may keep what the running layer holds: the provider's
	 * settings in it were written by the provider */
	rc = act == STORE_ACT_SAVE && who->role == STORE_ROLE_LOCAL_ADMIN
		     ? STORE_OK
		     : provider_only(st, who, store_action_name(act));
	if (rc)
		return rc;
	rc = store_write_begin(st);
	if (rc)
		return rc;
	rc = differing_keys(&keys, st);
	if (rc || !*keys)
		goto out;
	rc = store_audit_append(st, act, who, act == STORE_ACT_SAVE, keys, &seq);
	if (rc)
		goto out;
	if (act == STORE_ACT_SAVE)
		snprintf(sql, sizeof(sql), "UPDATE settings SET saved=running WHERE running != saved");
	else
		snprintf(sql, sizeof(sql),
			 "UPDATE settings SET running=saved, source=%d, changed_seq=%llu, "
			 "changed_ms=%lld WHERE running != saved",
			 (int)who->source, (unsigned long long)seq, (long long)store_now_ms());
	rc = store_exec(st, sql);
out:
	if (rc == STORE_OK) {
		bool secret = keys_have_secret(keys);
		rc = store_write_commit(st);
		if (rc == STORE_OK && secret)
			store_secret_scrub(st);
	} else {
		store_write_rollback(st);
	}
	free(keys);
	return rc;
}

int store_save(struct store *st, const struct store_actor *who)
{
	return copy_layer(st, who, STORE_ACT_SAVE);
}

int store_discard(struct store *st, const struct store_actor *who)
{
	return copy_layer(st, who, STORE_ACT_DISCARD);
}

int store_boot(struct store *st, const struct store_actor *who)
{
	struct store_actor boot;
	if (!who)
		return STORE_E_INVALID;
	boot = (struct store_actor){ STORE_SRC_BOOT, who->role, who->principal };
	return copy_layer(st, &boot, STORE_ACT_BOOT);
}

/* ------------------------------------------------------------------------------------------- */
/* Provider locks                                                                               */

int store_lock_set(struct store *st, const char *const *keys, size_t n, bool locked,
		   const struct store_actor *who)
{
	sqlite3_stmt *q = NULL;
	char *changed = NULL;
	size_t len = 0;
	uint64_t seq = 0;
	int rc;

	if (!st || !keys || !who || n == 0)
		return STORE_E_INVALID;
	if (who->role != STORE_ROLE_ADMIN)
		return store_fail(st, STORE_E_LOCKED, "only the provider may change locks");
	for (size_t i = 0; i < n; i++)
		if (!store_registry_find(keys[i]))
			return store_fail(st, STORE_E_UNKNOWN, "%s: unknown setting",
					  keys[i] ? keys[i] : "(null)");
	rc = store_write_begin(st);
	if (rc)
		return rc;
	q = store_stmt(st, STORE_Q_LOCK_UPDATE);
	if (!q) {
		rc = STORE_E_IO;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		sqlite3_reset(q);
		sqlite3_bind_int(q, 1, locked ? STORE_LOCK_PROVIDER : STORE_LOCK_OPEN);
		sqlite3_bind_text(q, 2, keys[i], -1, SQLITE_STATIC);
		rc = sqlite3_step(q);
		if (rc != SQLITE_DONE) {
			rc = store_fail_sql(st, rc, "lock");
			goto out;
		}
		rc = sqlite3_changes(st->db) > 0 ? store_keys_append(&changed, &len, keys[i])
						 : STORE_OK;
		if (rc)
			goto out;
	}
	rc = STORE_OK;
	if (changed)
		rc = store_audit_append(st, locked ? STORE_ACT_LOCK : STORE_ACT_UNLOCK, who, true,
					changed, &seq);
out:
	store_stmt_done(q);
	free(changed);
	if (rc == STORE_OK)
		return store_write_commit(st);
	store_write_rollback(st);
	return rc;
}

int store_lock_get(bool *locked, struct store *st, const char *key)
{
	enum store_lock state = STORE_LOCK_PROVIDER;
	int rc;
	if (!locked)
		return STORE_E_INVALID;
	rc = store_lock_state_get(&state, st, key);
	if (rc == STORE_OK)
		*locked = state != STORE_LOCK_OPEN;
	return rc;
}

int store_lock_state_get(enum store_lock *state, struct store *st, const char *key)
{
	sqlite3_stmt *q = NULL;
	int rc;
	if (!state || !st || !key)
		return STORE_E_INVALID;
	if (!store_registry_find(key))
		return store_fail(st, STORE_E_UNKNOWN, "%s: unknown setting", key);
	q = store_stmt(st, STORE_Q_LOCK_GET);
	if (!q)
		return STORE_E_IO;
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		*state = (enum store_lock)sqlite3_column_int(q, 0);
		rc = STORE_OK;
	} else {
		rc = rc == SQLITE_DONE ? store_fail(st, STORE_E_CORRUPT, "%s missing", key)
				       : store_fail_sql(st, rc, "read");
	}
	store_stmt_done(q);
	return rc;
}

/* ------------------------------------------------------------------------------------------- */
/* Daemon state                                                                                 */

int store_state_get(char **out, struct store *st, const char *name)
{
	sqlite3_stmt *q = NULL;
	int rc;
	if (!out || !st || !name)
		return STORE_E_INVALID;
	*out = NULL;
	q = store_stmt(st, STORE_Q_STATE_GET);
	if (!q)
		return STORE_E_IO;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		*out = strdup((const char *)sqlite3_column_text(q, 0));
		rc = *out ? STORE_OK : STORE_E_NOMEM;
	} else if (rc == SQLITE_DONE) {
		rc = STORE_E_NOT_FOUND;
	} else {
		rc = store_fail_sql(st, rc, "state");
	}
	store_stmt_done(q);
	return rc;
}

int store_state_set(struct store *st, const char *name, const char *value)
{
	sqlite3_stmt *q = NULL;
	int rc;
	if (!st || !name)
		return STORE_E_INVALID;
	if ((rc = store_write_allowed(st)))
		return rc;
	q = store_stmt(st, value ? STORE_Q_STATE_SET : STORE_Q_STATE_DELETE);
	if (!q)
		return STORE_E_IO;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	if (value)
		sqlite3_bind_text(q, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	store_stmt_done(q);
	return rc == SQLITE_DONE ? STORE_OK : store_fail_sql(st, rc, "state");
}

/* ------------------------------------------------------------------------------------------- */
/* Secrets                                                                                      */

/* Reads the raw record of a SECRET setting (running layer). */
static int secret_record(char **out, struct store *st, const char *key,
			 const struct store_setting **row)
{
	sqlite3_stmt *q = st->q_get;
	int rc;
	*out = NULL;
	*row = store_registry_find(key);
	if (!*row)
		return store_fail(st, STORE_E_UNKNOWN, "%s: unknown setting", key);
	if ((*row)->type != STORE_TYPE_SECRET)
		return store_fail(st, STORE_E_TYPE, "%s: not a secret", key);
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		*out = strdup((const char *)sqlite3_column_text(q, 0));
		rc = *out ? STORE_OK : STORE_E_NOMEM;
	} else {
		rc = rc == SQLITE_DONE ? store_fail(st, STORE_E_CORRUPT, "%s missing", key)
				       : store_fail_sql(st, rc, "read");
	}
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc;
}

int store_secret_verify(struct store *st, const char *key, const char *candidate)
{
	const struct store_setting *s;
	char *rec = NULL;
	int rc;
	if (!st || !key || !candidate)
		return STORE_E_INVALID;
	rc = secret_record(&rec, st, key, &s);
	if (rc)
		return rc;
	rc = store_secret_check(rec, candidate) ? STORE_OK
						 : store_fail(st, STORE_E_DENIED, "%s: no match", key);
	store_secret_wipe(rec);
	return rc;
}

int store_secret_ha1(char *out, size_t outlen, struct store *st, const char *key, const char *alg)
{
	const struct store_setting *s;
	char *rec = NULL;
	int rc;
	if (!out || !st || !key || !alg)
		return STORE_E_INVALID;
	rc = secret_record(&rec, st, key, &s);
	if (rc)
		return rc;
	if (s->secret != STORE_SECRET_DIGEST)
		rc = store_fail(st, STORE_E_TYPE, "%s: no digest hashes kept", key);
	else
		rc = store_secret_record_ha1(out, outlen, rec, alg);
	store_secret_wipe(rec);
	return rc;
}

int store_secret_reveal(char **out, struct store *st, const char *key)
{
	const struct store_setting *s;
	char *rec = NULL;
	int rc;
	if (!out || !st || !key)
		return STORE_E_INVALID;
	*out = NULL;
	rc = secret_record(&rec, st, key, &s);
	if (rc)
		return rc;
	if (s->secret != STORE_SECRET_REVEAL)
		rc = store_fail(st, STORE_E_NOT_WRITABLE, "%s: cannot be revealed", key);
	else
		rc = store_secret_record_reveal(out, rec);
	store_secret_wipe(rec);
	return rc;
}
