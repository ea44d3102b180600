/* Private declarations shared by the store's source files; not installed, not for callers.
 * The handle layout, SQL helpers and the functions one store file offers another. */
#ifndef PHONESEC_STORE_INTERNAL_H
#define PHONESEC_STORE_INTERNAL_H

#include <sqlite3.h>
#include <stdarg.h>
#include <sys/types.h>

#include "store.h"

#define STORE_SCHEMA_VERSION 4
#define STORE_BUSY_TIMEOUT_MS 15000
#define STORE_AUDIT_KEEP 10000 /* audit entries kept; older ones are pruned */
#define STORE_ERRMSG_MAX 512

/* Statements prepared once per handle (store_stmt), in the order of store.c's table. */
enum store_q {
	STORE_Q_BEGIN_WRITE,
	STORE_Q_BEGIN_READ,
	STORE_Q_COMMIT,
	STORE_Q_ROLLBACK,
	STORE_Q_AUDIT_INSERT,
	STORE_Q_AUDIT_SINCE,
	STORE_Q_AUDIT_LAST,
	STORE_Q_STATE_GET,
	STORE_Q_STATE_SET,
	STORE_Q_STATE_DELETE,
	STORE_Q_SNAPSHOT,
	STORE_Q_CURRENT,
	STORE_Q_UPDATE_RUNNING,
	STORE_Q_UPDATE_BOTH,
	STORE_Q_LOCK_UPDATE,
	STORE_Q_LOCK_GET,
	STORE_Q_SYNC_NORMAL,
	STORE_Q_SYNC_FULL,
	STORE_Q_COUNT
};

struct store {
	sqlite3 *db;
	char *path;
	char *dir;   /* folder of the store file, watched by the feed */
	char *base;  /* file name of the store */
	int feed_fd; /* inotify fd, -1 until store_feed_fd() */
	int feed_wd; /* its watch on "<path>-feed", -1 before */
	dev_t feed_dev; /* the watched companion's identity, to see it replaced */
	ino_t feed_ino;
	int notify_fd; /* "<path>-feed", written after each commit; -1 until the first */
	bool quiet;    /* store_create's temporary store: no feed notification */
	sqlite3_stmt *q_get;       /* SELECT running FROM settings WHERE key=? */
	sqlite3_stmt *q_get_saved; /* SELECT saved FROM settings WHERE key=? */
	sqlite3_stmt *q_head;      /* SELECT max(seq) FROM audit */
	sqlite3_stmt *stmts[STORE_Q_COUNT]; /* store_stmt()'s cache */
	unsigned read_depth; /* store_read_begin() nesting */
	unsigned busy_ms;    /* the busy timeout set on db */
	char errmsg[STORE_ERRMSG_MAX];
};

/* Records a message on st and returns code. */
int store_fail(struct store *st, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Maps a SQLite result code to a store error and records "what: sqlite message". */
int store_fail_sql(struct store *st, int rc, const char *what);
/* Writes "fmt..." into buf (may be NULL) and returns code. */
int store_msg(char *buf, size_t len, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The handle's prepared statement id, prepared on first use, reset and without bindings. NULL on
 * failure (message recorded on st). Callers end each use with store_stmt_done(), which ends the
 * statement's read so no lock is held between calls. */
sqlite3_stmt *store_stmt(struct store *st, enum store_q id);
void store_stmt_done(sqlite3_stmt *q);
/* Runs one cached statement without results (BEGIN, COMMIT...): SQLite result code. */
int store_stmt_run(struct store *st, enum store_q id);

/* Runs SQL without results. */
int store_exec(struct store *st, const char *sql);
/* STORE_OK, or STORE_E_INVALID (message recorded) while a read is held (store_read_begin):
 * every write path checks it first, so a write is never folded into a held read. */
int store_write_allowed(struct store *st);
/* BEGIN IMMEDIATE / COMMIT / ROLLBACK with busy handling. */
int store_write_begin(struct store *st);
int store_write_commit(struct store *st);
/* COMMIT; notify false: no change-feed wake-up (a commit of daemon state alone). */
int store_write_commit_as(struct store *st, bool notify);
void store_write_rollback(struct store *st);

/* After a commit that replaced a secret record: a TRUNCATE checkpoint, waiting a short while for
 * readers, so no copy of the old record stays in the WAL (secure_delete zeroes it in the file).
 * Best effort: the commit stands whatever happens. */
void store_secret_scrub(struct store *st);

/* feed.c: tells followers a commit is visible (best effort: the commit stands regardless). */
void store_feed_notify(struct store *st);

/* schema.c: creates or migrates the schema inside an open write transaction. */
int store_schema_apply(struct store *st, int from_version);
int store_schema_version(struct store *st, int *version);

/* audit.c: appends one entry in the current write transaction; *seq gets its number. */
int store_audit_append(struct store *st, enum store_action act, const struct store_actor *who,
		       bool both, const char *keys, uint64_t *seq);

/* profile.c: a loaded and validated profile. */
struct store_profile {
	size_t count;        /* == store_registry_count() */
	char **values;       /* per registry row: canonical value, or NULL for "@random" */
	bool *random;        /* per row: secret to generate */
	enum store_lock *locked; /* per row: lock state */
};
int store_profile_load(struct store_profile *out, const char *path, char *err, size_t errlen);
void store_profile_clear(struct store_profile *p);

/* Writes the profile to both layers and every lock, in the current write transaction; keys gets
 * the list of changed keys. generated: as store_create. */
int store_profile_apply(struct store *st, const struct store_profile *p,
			const struct store_actor *who, char **generated);

/* secret.c: record helpers. The record is the text kept in the settings table. */
/* Encodes clear for setting s; factory marks a value that came in clear from a profile. */
int store_secret_record(char **out, const struct store_setting *s, const char *clear,
			const char *user, bool factory);
bool store_secret_record_is_set(const char *record);
bool store_secret_record_is_factory(const char *record);
bool store_secret_record_policy(const char *record);
int store_secret_record_ha1(char *out, size_t outlen, const char *record, const char *alg);
int store_secret_record_reveal(char **out, const char *record);
/* Random secret for s: PIN digits for STORE_CS_DIGITS, else 16 unambiguous characters. */
int store_secret_generate(char **out, const struct store_setting *s);

/* txn.c: the whole-set consistency rules, over one value per registry row. */
struct store_view {
	const char **val;  /* canonical running values ("" for secrets) */
	bool *secret_set;  /* SECRET rows: a secret is (or will be) set */
	bool *touched;     /* the row is written by this change */
};
/* Allocates the three arrays for n rows (zeroed); store_view_free releases them. */
int store_view_alloc(struct store_view *v, size_t n);
void store_view_free(struct store_view *v);
/* Returns STORE_OK or STORE_E_INCONSISTENT with msg and *badkey set. */
int store_consistency(const struct store_view *v, char *msg, size_t msglen, const char **badkey);

/* value.c */
const char *store_charset_name(enum store_charset cs);

/* Small string helpers. */
char *store_strdup(const char *s);
char *store_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Appends key to the comma-separated list *keys of length *len (grown with realloc). */
int store_keys_append(char **keys, size_t *len, const char *key);

#endif
