/* libphonesec-store: the one transactional settings store every phonesec program shares.
 * Public API: registry, store handle, transactions, secrets, audit, change feed, compliance, lock-out.
 *
 * Conventions (apply to every function below unless its comment says otherwise):
 * - Functions return 0 (STORE_OK) or a negative enum store_err. Out-parameters come first.
 * - A human-readable message for the last failure on a handle is kept per handle:
 *   store_errmsg(st) for the store, store_txn_errmsg(txn) for a transaction. The message never
 *   contains a secret's value. It is owned by the handle and valid until the next call on it.
 * - Strings returned through `char **out` are allocated with malloc(); the caller frees them with
 *   free(). Structures returned through `T **out` have a matching *_free() function.
 * - Pointers into the registry (struct store_setting, enum tables, help texts) are static and live
 *   for the whole program.
 * - A struct store handle is not thread-safe: use one handle per thread. Several handles, in one or
 *   many processes, may use the same store file at once; writers wait for each other (busy timeout)
 *   instead of failing.
 * - Values cross the API as canonical text: bool "on"/"off" (accepted on input also: true/false,
 *   1/0, yes/no, any case), enum by its key name ("digest"), uint in decimal, strings as is.
 *   Secrets are written in clear text and can never be read back: every read path returns "".
 */
#ifndef PHONESEC_STORE_H
#define PHONESEC_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------- */
/* Errors                                                                                       */

enum store_err {
	STORE_OK = 0,
	STORE_E_UNKNOWN = -1,       /* no setting of that name */
	STORE_E_NOT_WRITABLE = -2,  /* read-only setting */
	STORE_E_TYPE = -3,          /* value not of the setting's type ("abc" for a number) */
	STORE_E_VALUE = -4,         /* right type, bad value (out of range, too long, bad charset) */
	STORE_E_INCONSISTENT = -5,  /* every value valid, the combination is not */
	STORE_E_LOCKED = -6,        /* the provider locked the setting against the subscriber */
	STORE_E_INVALID = -7,       /* caller error: NULL argument, bad flag, transaction misuse */
	STORE_E_NOMEM = -8,
	STORE_E_IO = -9,            /* file system or database error */
	STORE_E_CORRUPT = -10,      /* the store file is damaged or not a store */
	STORE_E_BUSY = -11,         /* another writer held the store longer than the busy timeout */
	STORE_E_EXISTS = -12,       /* create: the store already exists */
	STORE_E_NOT_FOUND = -13,    /* open: no store at that path */
	STORE_E_SCHEMA = -14,       /* the store was written by a newer phonesec */
	STORE_E_PROFILE = -15,      /* a factory profile or configuration file is unusable */
	STORE_E_DENIED = -16,       /* verification failed (wrong secret) */
};

/* Static English description of an error code. Never NULL. */
const char *store_strerror(int err);

/* ------------------------------------------------------------------------------------------- */
/* Registry: one row per setting, the single source of truth for every way in.                */

enum store_type {
	STORE_TYPE_BOOL = 1,
	STORE_TYPE_ENUM,
	STORE_TYPE_UINT,
	STORE_TYPE_STRING,
	STORE_TYPE_SECRET,
};

/* Character classes for STRING and SECRET values. */
enum store_charset {
	STORE_CS_PRINTABLE = 1, /* printable ASCII 0x20..0x7e */
	STORE_CS_USERNAME,      /* printable ASCII without ':' '"' '\\' and space (HTTP user names) */
	STORE_CS_DIGITS,        /* 0-9 */
	STORE_CS_DIALLIST,      /* dial strings 0-9 * # + separated by single commas ("112,110") */
	STORE_CS_URL,           /* empty, or an http(s) URL lib/url.c accepts (scheme in any case,
	                           port 1..65535, no user information) */
	STORE_CS_DATETIME,      /* any xs:dateTime; kept as UTC "YYYY-MM-DDThh:mm:ssZ" */
};

/* How a SECRET is kept. */
enum store_secret_kind {
	STORE_SECRET_VERIFY = 1, /* salted PBKDF2-HMAC-SHA256 only; verify-only */
	STORE_SECRET_DIGEST,     /* PBKDF2 plus RFC 7616 HA1 (MD5, SHA-256) for user_key and realm */
	STORE_SECRET_REVEAL,     /* kept as is, for credentials the phone must send out (ACS);
	                            readable only through store_secret_reveal() */
};

/* Setting flags. */
enum {
	STORE_F_RESTART = 1u << 0,       /* a change needs the owning daemon to re-open sockets */
	STORE_F_SUBSCRIBER = 1u << 1,    /* the desk user may write it unless the provider locks it */
	STORE_F_READONLY = 1u << 2,      /* nobody writes it through a transaction */
	STORE_F_FORCED_INFORM = 1u << 3, /* TR-069: always sent in Inform */
	STORE_F_EMPTY_OK = 1u << 4,      /* STRING/SECRET: "" is allowed besides the length range */
};

struct store_enum {
	const char *key;   /* canonical value ("digest") */
	int number;        /* SNMP enumeration number (1..) */
	const char *tr069; /* TR-069 string ("Digest"), NULL when not mapped */
	const char *snmp;  /* SNMP enumeration label in PHONESEC-MIB ("digest") */
	const char *label; /* WUI label */
};

struct store_setting {
	const char *key;                 /* e.g. "http_port" */
	enum store_type type;
	const char *factory;             /* built-in factory value (canonical text) */
	unsigned flags;                  /* STORE_F_* */
	uint32_t min, max;               /* UINT: range; STRING/SECRET: length range */
	enum store_charset charset;      /* STRING/SECRET */
	const struct store_enum *enums;  /* ENUM: table ending with a {NULL} row */
	enum store_secret_kind secret;   /* SECRET */
	const char *user_key;            /* SECRET DIGEST: the setting holding the user name */
	const char *realm;               /* SECRET DIGEST: the HTTP realm the HA1s are made for */
	const char *tr069;               /* TR-069 path below "Device." (with "X_{VENDOR}_" placeholders),
	                                    NULL when the setting is mapped by hand (webserver_type) */
	const char *snmp;                /* SNMP object name in PHONESEC-MIB */
	unsigned snmp_id;                /* last sub-identifier below its MIB group */
	const char *wui_page;            /* WUI page ("security", "network", "preferences", "tr069") */
	const char *wui_label;
	const char *help;                /* one line */
};

/* Number of settings and the row at index i (0..count-1); NULL past the end. */
size_t store_registry_count(void);
const struct store_setting *store_registry_at(size_t i);
/* Row by key, NULL when unknown. */
const struct store_setting *store_registry_find(const char *key);
/* Row index by key, -1 when unknown. */
int store_registry_index(const char *key);
/* Enumeration helpers: NULL when not found. */
const struct store_enum *store_enum_by_key(const struct store_setting *s, const char *key);
const struct store_enum *store_enum_by_number(const struct store_setting *s, int number);

/* Checks one value against its row without any store. On success and when canon is non-NULL,
 * *canon receives the canonical text (malloc'd; for a secret, the clear text itself).
 * On failure msg (if non-NULL, size msglen) receives e.g. "http_port: 70000 is out of range
 * 1..65535". Returns STORE_E_TYPE or STORE_E_VALUE. Secrets' values never appear in msg. */
int store_value_check(char **canon, const struct store_setting *s, const char *value,
		      char *msg, size_t msglen);

/* Length of a date-time's canonical text (whole-second UTC "YYYY-MM-DDThh:mm:ssZ"), and
 * TR-069's "unknown time" as that text and as Unix seconds. */
#define STORE_DATETIME_LEN 20
#define STORE_DATETIME_UNKNOWN "0001-01-01T00:00:00Z"
#define STORE_DATETIME_UNKNOWN_S INT64_C(-62135596800)

/* Parses any xs:dateTime lexical form (XML Schema 1.0 section 3.2.7): an optional fraction of
 * any length, a zone "Z", "+hh:mm" or "-hh:mm" (at most 14:00), or none (taken as UTC), hour 24
 * at the end of a day, surrounding XML white space. *secs (may be NULL) receives the instant in
 * Unix seconds, the fraction dropped (rounded towards the past). Years 0001..9999 in UTC only.
 * Returns STORE_OK, or STORE_E_VALUE with the reason in msg (e.g. "February 2026 has 28 days").
 * Pure and thread-safe. */
int store_value_parse_datetime(int64_t *secs, const char *text, char *msg, size_t msglen);
/* Writes the canonical text of Unix seconds secs (years 0001..9999) into out (at least
 * STORE_DATETIME_LEN + 1 bytes). Returns STORE_OK or STORE_E_VALUE for a year out of range. */
int store_value_format_datetime(char *out, size_t outlen, int64_t secs);

/* ------------------------------------------------------------------------------------------- */
/* The store handle                                                                             */

struct store;

enum store_source {
	STORE_SRC_FACTORY = 1,
	STORE_SRC_WUI,
	STORE_SRC_CLI,
	STORE_SRC_SNMP,
	STORE_SRC_TR069,
	STORE_SRC_BOOT,
	STORE_SRC_KEYPAD,
};
/* "factory", "wui", "cli", "snmp", "tr069", "boot", "keypad"; NULL for an unknown value. */
const char *store_source_name(enum store_source src);
/* 0 when not known. */
enum store_source store_source_from_name(const char *name);

/* Who may write a setting (one state per setting; the factory profile gives STORE_LOCK_OPEN to
 * the STORE_F_SUBSCRIBER settings, STORE_LOCK_PHONE to the others). */
enum store_lock {
	STORE_LOCK_OPEN = 0,     /* the desk user may write it */
	STORE_LOCK_PHONE = 1,    /* the phone's own: its administrator in the web UI may, the desk
	                            user may not */
	STORE_LOCK_PROVIDER = 2, /* locked by the provider: only the administrator role (TR-069,
	                            SNMP, CLI) may write it */
};

enum store_role {
	STORE_ROLE_ADMIN = 1,  /* provider tooling, ACS, NMS: ignores subscriber locks */
	STORE_ROLE_SUBSCRIBER, /* the desk user: locked settings are refused with STORE_E_LOCKED, and
	                          so are save, discard, boot and factory reset */
	STORE_ROLE_LOCAL_ADMIN, /* the phone's administrator in the web UI: writes the settings
	                           in STORE_LOCK_OPEN and STORE_LOCK_PHONE, gets STORE_E_LOCKED
	                           for STORE_LOCK_PROVIDER; may save, but not discard, boot,
	                           factory reset, change locks, nor import a lock change */
};
/* "administrator", "subscriber", "phone admin"; "unknown" for any other value (an entry older
 * than roles). */
const char *store_role_name(enum store_role role);

/* Who makes a change. principal is copied; may be NULL or "" (recorded as ""). The audit log keeps
 * at most STORE_PRINCIPAL_MAX bytes of it, control bytes written as '?'. */
#define STORE_PRINCIPAL_MAX 256
struct store_actor {
	enum store_source source;
	enum store_role role;
	const char *principal;
};

/* Default store path: $PHONESEC_STORE, else PHONESEC_DEFAULT_STORE (/var/lib/phonesec/settings.db).
 * Static or environment storage: do not free. */
const char *store_default_path(void);

/* Creates a new store at path (mode 0600) from a factory profile (NULL = the built-in factory
 * values of the registry) and commits it as source "factory". Refuses with STORE_E_EXISTS when a
 * file is there. Profile errors (STORE_E_PROFILE) name file:line. If generated is non-NULL, it
 * receives a malloc'd text "key=value\n..." of the secrets the profile asked to generate
 * ("@random"), to be shown once; NULL when none. errbuf (may be NULL) receives the message. */
int store_create(const char *path, const char *profile, char **generated, char *errbuf,
		 size_t errlen);

/* Opens an existing store (migrating an older schema and adding settings new to the registry).
 * On failure *out is NULL and errbuf (may be NULL) holds the reason, e.g.
 * "/x/settings.db: store is corrupt (file is not a database)". */
int store_open(struct store **out, const char *path, char *errbuf, size_t errlen);
/* Sets how long a write waits for other writers before STORE_E_BUSY (default 15000 ms). A
 * daemon answering a protocol with its own timeout (AgentX) sets it below that timeout. */
void store_set_busy_timeout(struct store *st, unsigned ms);
/* Closes the handle; NULL is allowed. */
void store_close(struct store *st);
/* Message of the last failure on st. Never NULL. */
const char *store_errmsg(const struct store *st);
/* The path st was opened with. Owned by st. */
const char *store_path(const struct store *st);

/* Reads one setting's running value (canonical text, "" for a secret). */
int store_get(char **out, struct store *st, const char *key);
/* Reads the saved layer instead. */
int store_get_saved(char **out, struct store *st, const char *key);
/* Convenience typed reads of the running layer (bool: on/off; uint: number; enum: number). */
int store_get_bool(bool *out, struct store *st, const char *key);
int store_get_uint(uint32_t *out, struct store *st, const char *key);
int store_get_enum(int *out, struct store *st, const char *key);

/* One row of a snapshot. Strings are owned by the snapshot. */
struct store_row {
	const struct store_setting *setting;
	const char *running;   /* canonical text; "" for secrets */
	const char *saved;     /* canonical text; "" for secrets */
	bool secret_set;       /* SECRET: a non-empty secret is stored (running layer) */
	bool unsaved;          /* running differs from saved */
	bool locked;           /* the desk user may not write it (lock != STORE_LOCK_OPEN) */
	enum store_lock lock;  /* who may write it */
	bool is_factory;       /* the running value is the one the factory profile set */
	bool secret_strong;    /* SECRET: had STORE_ADMIN_PASSWORD_MIN characters or more when set */
	enum store_source source; /* who changed it last */
	uint64_t changed_seq;  /* audit sequence of the last change */
	int64_t changed_ms;    /* time of the last change, Unix ms */
};

struct store_snapshot {
	size_t count;          /* == store_registry_count(), in registry order */
	struct store_row *rows;
	uint64_t head_seq;     /* audit sequence the snapshot reflects */
	bool unsaved;          /* any row unsaved */
};

/* Reads every setting in one consistent read transaction (the held one, if any). */
int store_snapshot_take(struct store_snapshot **out, struct store *st);
void store_snapshot_free(struct store_snapshot *snap);
/* Row by key or NULL. Owned by snap. */
const struct store_row *store_snapshot_find(const struct store_snapshot *snap, const char *key);

/* Holds one read transaction over the reads that follow until the matching store_read_end():
 * they see one state of the store and cost one transaction (locks, WAL index, page cache check)
 * instead of one each. Calls nest. Only reads may come in between: a write there is refused
 * (STORE_E_INVALID) rather than folded into the read. */
int store_read_begin(struct store *st);
void store_read_end(struct store *st);

/* Layers. Each is one transaction and one audit entry (no entry when nothing changed). They are
 * the provider's: a STORE_ROLE_SUBSCRIBER actor gets STORE_E_LOCKED and nothing changes (a discard
 * or boot would revert locked settings, and what the desk user may keep is the provider's call).
 * STORE_ROLE_LOCAL_ADMIN may save (the web UI's Save button), not discard nor boot. */
int store_save(struct store *st, const struct store_actor *who);    /* running -> saved */
int store_discard(struct store *st, const struct store_actor *who); /* saved -> running */
/* saved -> running at phone start, recorded as source boot (who->source is not used) with
 * who's role and principal. */
int store_boot(struct store *st, const struct store_actor *who);
/* Restores every value, both layers, and every lock from the profile the store was created with
 * (or profile when non-NULL). generated: as for store_create. Refused to the subscriber
 * (STORE_E_LOCKED): it would undo the provider's locks and credentials. */
int store_factory_reset(struct store *st, const char *profile, const struct store_actor *who,
			char **generated);

/* Access control (the provider lock). keys: n setting names, one transaction; administrator role
 * only. locked sets STORE_LOCK_PROVIDER, unlocked STORE_LOCK_OPEN. */
int store_lock_set(struct store *st, const char *const *keys, size_t n, bool locked,
		   const struct store_actor *who);
/* *locked: whether the desk user may not write the setting (any state but STORE_LOCK_OPEN). */
int store_lock_get(bool *locked, struct store *st, const char *key);
/* The setting's lock state. */
int store_lock_state_get(enum store_lock *state, struct store *st, const char *key);

/* ------------------------------------------------------------------------------------------- */
/* Transactions: begin -> set... -> commit. Every value is checked at set; the whole set is    */
/* checked for consistency at commit. Nothing is written unless everything is valid.          */

struct store_txn;

enum {
	STORE_TXN_RUNNING = 0,  /* write the running layer only (WUI Apply, CLI set) */
	STORE_TXN_BOTH = 1u << 0, /* write running and saved (SNMP, TR-069, CLI set --save) */
	/* Daemon state alone (no setting, no lock): committed without waiting for the disk. A power
	 * loss may undo it (never half of it, and never a later durable commit without it), so it
	 * is for records that can be re-derived or whose loss only repeats work: an event queue
	 * already delivered, a queue reset the daemon makes again at start. Refused at commit
	 * (STORE_E_INVALID) with settings or locks in the transaction. */
	STORE_TXN_LAZY = 1u << 1,
};

/* A failure bound to one parameter. key and msg are owned by the transaction. */
struct store_param_error {
	const char *key;
	int code; /* STORE_E_UNKNOWN .. STORE_E_LOCKED */
	const char *msg; /* "http_port: 70000 is out of range 1..65535" */
};

int store_txn_begin(struct store_txn **out, struct store *st, unsigned flags,
		    const struct store_actor *who);
/* Records key=value after validating it. Returns the parameter's error code; the error is also
 * kept in the transaction, which then refuses to commit. Setting the same key twice in one
 * transaction is STORE_E_INVALID ("duplicate"). */
int store_txn_set(struct store_txn *txn, const char *key, const char *value);
/* Extra, non-setting state written atomically with the values (e.g. TR-069 ParameterKey):
 * name/value in the store's daemon state table; value NULL deletes the entry. State alone adds
 * no audit entry (it is no setting). */
int store_txn_set_state(struct store_txn *txn, const char *name, const char *value);
/* Changes a provider lock in the same transaction (administrator role only; audited as lock or
 * unlock entries beside the values' entry). */
int store_txn_lock(struct store_txn *txn, const char *key, bool locked);
/* The same with a state: locked is STORE_LOCK_PROVIDER, unlocked STORE_LOCK_OPEN. For
 * STORE_ROLE_LOCAL_ADMIN a state equal to the current one is accepted and changes nothing (a
 * restored backup of the same phone), any other is STORE_E_LOCKED. */
int store_txn_lock_state(struct store_txn *txn, const char *key, enum store_lock state);
/* Checks consistency, writes, appends the audit entry. A transaction of daemon state alone
 * writes it and nothing else: no audit entry and no change-feed wake-up (nothing another program
 * follows changed). On STORE_OK and seq non-NULL, *seq is the
 * audit sequence of the values' entry (else of the last lock entry; 0 when no setting or lock
 * changed). Any error leaves the store untouched. A transaction can
 * be committed once. */
int store_txn_commit(struct store_txn *txn, uint64_t *seq);
/* Runs the commit-time checks (provider locks, whole-set consistency) against the current values
 * without writing anything, e.g. for SNMP's RESERVE2. Errors are kept as for a commit, and a
 * transaction that failed its check refuses to commit. A passed check does not reserve anything:
 * commit checks again under the write lock. */
int store_txn_check(struct store_txn *txn);
/* Number and access of the per-parameter errors gathered by set and commit. */
size_t store_txn_error_count(const struct store_txn *txn);
const struct store_param_error *store_txn_error(const struct store_txn *txn, size_t i);
/* Message of the last failure (first parameter error, or the store error). Never NULL. */
const char *store_txn_errmsg(const struct store_txn *txn);
/* Whether the committed values include a STORE_F_RESTART setting. */
bool store_txn_needs_restart(const struct store_txn *txn);
/* Frees an uncommitted (discarded) or committed transaction; NULL allowed. */
void store_txn_free(struct store_txn *txn);

/* Daemon state (key/value outside the registry: TR-069 events, ParameterKey, attributes...).
 * store_state_get returns STORE_E_NOT_FOUND when absent. */
int store_state_get(char **out, struct store *st, const char *name);
int store_state_set(struct store *st, const char *name, const char *value); /* value NULL = delete */

/* ------------------------------------------------------------------------------------------- */
/* Secrets                                                                                      */

/* Verifies a clear-text candidate against the running value of a SECRET setting in constant
 * time. Returns STORE_OK on match, STORE_E_DENIED otherwise (also when the secret is empty and the
 * candidate is not). */
int store_secret_verify(struct store *st, const char *key, const char *candidate);
/* Copies the stored RFC 7616 HA1 (hex) of a DIGEST secret for algorithm "MD5" or "SHA-256" into
 * out (size outlen >= 65). STORE_E_NOT_FOUND when no password is set. */
int store_secret_ha1(char *out, size_t outlen, struct store *st, const char *key, const char *alg);
/* Returns the clear text of a REVEAL secret (the ACS password) for the daemon that sends it.
 * Caller must wipe (store_secret_wipe) and free it. Refused for other kinds. */
int store_secret_reveal(char **out, struct store *st, const char *key);

/* Secret primitives, usable without a store. */
/* Encodes a new record for clear (fresh random salt). user/realm used for DIGEST. */
int store_secret_encode(char **out, const struct store_setting *s, const char *clear,
			const char *user, const char *realm);
/* Constant-time check of clear against an encoded record. */
bool store_secret_check(const char *record, const char *clear);
/* RFC 7616 HA1 = H(user:realm:password) in lower-case hex; alg "MD5" or "SHA-256". */
int store_secret_digest_ha1(char *out, size_t outlen, const char *alg, const char *user,
			    const char *realm, const char *password);
/* Constant-time comparison of two byte strings of length n. */
bool store_secret_equal(const void *a, const void *b, size_t n);
/* Zeroes and frees a string that held a secret. NULL allowed. */
void store_secret_wipe(char *s);

/* ------------------------------------------------------------------------------------------- */
/* Audit log and change feed                                                                    */

enum store_action {
	STORE_ACT_SET = 1,
	STORE_ACT_SAVE,
	STORE_ACT_DISCARD,
	STORE_ACT_BOOT,
	STORE_ACT_LOCK,
	STORE_ACT_UNLOCK,
	STORE_ACT_FACTORY,
};
const char *store_action_name(enum store_action a);

struct store_audit_entry {
	uint64_t seq;
	int64_t time_ms;         /* Unix ms */
	enum store_action action;
	enum store_source source;
	bool both_layers;        /* SET written to running and saved */
	enum store_role role;    /* who made it; 0 for entries older than the role's column */
	char *principal;         /* never NULL */
	char *keys;              /* comma-separated setting names, never values; never NULL */
};

/* Entries with seq > after, oldest first, at most max. *out is an array of *n entries, freed with
 * store_audit_free(*out, *n). */
int store_audit_since(struct store_audit_entry **out, size_t *n, struct store *st, uint64_t after,
		      size_t max);
/* The last n entries, oldest first. */
int store_audit_last(struct store_audit_entry **out, size_t *n, struct store *st, size_t max);
void store_audit_free(struct store_audit_entry *entries, size_t n);
/* Highest sequence number committed so far (0 for none). */
int store_audit_head(uint64_t *out, struct store *st);

/* A file descriptor that becomes readable when any process commits to the store. Every
 * committer writes the store's "-feed" companion file (created 0600 when missing) after its
 * commit is visible; this is an inotify watch on that file. Owned by st; do not close it.
 * Level-triggered: call store_feed_follow() (or store_feed_drain(), then store_audit_since())
 * after it became readable.
 * -1 with an error on failure. */
int store_feed_fd(struct store *st);
/* Consumes pending notifications without blocking. Returns the number of relevant events. */
int store_feed_drain(struct store *st);

/* Following changes: one audit entry as store_feed_follow() hands it to a follower. Everything it
 * points to is owned by the store and valid during the callback only; the rows are the
 * registry's own (static). */
struct store_change {
	uint64_t seq;
	int64_t time_ms;         /* Unix ms */
	enum store_action action;
	enum store_source source;
	bool both_layers;        /* SET written to running and saved */
	const char *principal;   /* never NULL */
	const struct store_setting *const *settings; /* the settings the entry names, in its order */
	size_t count;            /* number of settings */
	size_t unknown;          /* names no registry row has any more (a setting since removed, or a
	                            newer phonesec's): skipped, counted here */
};

/* Called once per entry, oldest first. It runs outside any read transaction of the store's own
 * (one the caller holds around store_feed_follow() stays held), so it may write to st. */
typedef void (*store_feed_fn)(void *arg, const struct store_change *change);

/* Follows the change feed from the caller's position *seq (the last sequence it handled; at start
 * store_audit_head()): drains the feed fd (store_feed_drain(), so a commit from here on makes it
 * readable again), then hands fn each entry after *seq, advancing *seq to it before the call. The
 * head and the first entries are read in one read transaction, ended before fn runs; further
 * entries are read in batches, so memory stays bounded however far the caller is behind. A
 * commit made while entries are handed (by fn too) is handed by this call or, once the fd turned
 * readable again, by the next one: never twice, never lost.
 * Fell behind: when entries after *seq are no longer kept (the log keeps the last 10,000), or
 * *seq is past the head (another store file was put in place), fn is not called for the missing
 * ones; *resync receives a snapshot read in the same read transaction as the head, *seq becomes
 * its head_seq, and the call returns STORE_OK. Rows whose changed_seq is above the old position
 * changed since (the last change of each, by row->source); anything else the caller derives
 * from the settings must be re-read from it. Free it with store_snapshot_free(). Otherwise
 * *resync is NULL. On an error (message on st), *seq names the last entry handed and the next
 * call goes on from there. resync must not be NULL; fn may be NULL (only *seq advances). */
int store_feed_follow(uint64_t *seq, struct store_snapshot **resync, struct store *st,
		      store_feed_fn fn, void *arg);

/* ------------------------------------------------------------------------------------------- */
/* Configuration files (backup/restore: the CLI's export/import, TR-069's "3 Vendor             */
/* Configuration File", the web UI): the factory profiles' format.                              */

/* Largest configuration file store_config_import() accepts, bytes. */
#define STORE_CONFIG_MAX (64u * 1024u)

/* Writes the running values of every setting that is neither a secret nor read-only as
 * "key = value" lines, in registry order, after three '#' comment lines, then the lock states
 * as "@lock key..." (STORE_LOCK_PROVIDER), "@unlock key..." (OPEN) and "@phone key..." (PHONE)
 * lines (every setting that is not read-only, so an import restores the states exactly).
 * Secrets are never exported. *text is malloc'd; the caller frees it. All of it is read in one
 * read transaction (one state of the store). */
int store_config_export(char **text, struct store *st);

/* Applies a configuration file: text of len bytes (at most STORE_CONFIG_MAX, no NUL byte), lines
 * "key = value" (secrets may be given in clear and are stored as always), "@lock key...",
 * "@unlock key..." and "@phone key..." (lock states), blank lines and lines starting with '#'.
 * Blanks around keys and values and a trailing CR are ignored. Settings not named keep their
 * values. Everything goes through ONE transaction of who (flags STORE_TXN_RUNNING or
 * STORE_TXN_BOTH): each value checked, the whole set checked for consistency, one audit entry
 * (plus the lock entries); nothing changes on any error. Refused for STORE_ROLE_SUBSCRIBER with
 * STORE_E_LOCKED: the desk user may not import (a file sets any setting and the locks). For
 * STORE_ROLE_LOCAL_ADMIN a lock line must repeat the setting's state, and a value line of a
 * provider-locked setting that repeats its running value is left out (STORE_E_LOCKED
 * otherwise). Errors: STORE_E_PROFILE (too large, NUL byte, a line that is no statement or
 * longer than 1024 bytes, a key or lock given twice), the setting's code (STORE_E_UNKNOWN,
 * _NOT_WRITABLE, _TYPE, _VALUE, _INCONSISTENT) or a store error; store_errmsg(st) says which, as
 * "line N: ..." when a line is to blame, and never holds a secret's value. On STORE_OK and seq
 * non-NULL, *seq is as for store_txn_commit() (0 when the file changed nothing). */
int store_config_import(uint64_t *seq, struct store *st, const char *text, size_t len,
			unsigned flags, const struct store_actor *who);

/* ------------------------------------------------------------------------------------------- */
/* Compliance: the guide's checklist computed from the settings.                               */

enum store_rule_status {
	STORE_RULE_PASS = 1,
	STORE_RULE_FAIL = 2,
	STORE_RULE_NA = 3,
};
const char *store_rule_status_name(enum store_rule_status s); /* "pass", "fail", "n/a" */

struct store_rule {
	const char *id;    /* "admin-password" */
	const char *title; /* "Admin password changed from the factory default" */
	const char *hint;  /* what to do when it fails */
};

size_t store_compliance_count(void);
const struct store_rule *store_compliance_rule(size_t i);

struct store_compliance {
	size_t count;
	enum store_rule_status *status; /* one per rule, in rule order */
	bool hardened;                  /* every rule pass or n/a */
};

/* Evaluates the rules on a snapshot (no store access). out->status is malloc'd; free with
 * store_compliance_clear(). */
int store_compliance_eval(struct store_compliance *out, const struct store_snapshot *snap);
void store_compliance_clear(struct store_compliance *c);

/* The admin-password policy: minimum length for the rule to pass. */
#define STORE_ADMIN_PASSWORD_MIN 8

/* ------------------------------------------------------------------------------------------- */
/* PIN and login lock-out helpers shared by the web UI and the keypad code.                   */

/* A keypad PIN: 4..8 digits. */
bool store_pin_valid(const char *pin);

struct store_lockout {
	uint32_t failures;      /* consecutive failures */
	int64_t until_ms;       /* locked out until this time (Unix ms), 0 = not locked */
	uint32_t next_lock_s;   /* duration of the next lock-out, seconds */
};

#define STORE_LOCKOUT_THRESHOLD 3      /* failures that trigger a lock-out */
#define STORE_LOCKOUT_FIRST_S 60       /* first lock-out, doubled each time */
#define STORE_LOCKOUT_MAX_S 86400      /* cap of the doubling */

void store_lockout_init(struct store_lockout *lo);
/* True when locked at now_ms; *remaining_s (may be NULL) gets the seconds left. */
bool store_lockout_active(const struct store_lockout *lo, int64_t now_ms, uint32_t *remaining_s);
/* Records a failure at now_ms; returns true when this failure started a lock-out. */
bool store_lockout_fail(struct store_lockout *lo, int64_t now_ms);
/* Records a success: clears failures and the doubling. */
void store_lockout_success(struct store_lockout *lo);
/* Persisted per name ("wui:admin", "keypad") in the store, so a restart does not reset it. */
int store_lockout_load(struct store_lockout *out, struct store *st, const char *name);
int store_lockout_save(struct store *st, const char *name, const struct store_lockout *lo);

/* Current time in Unix ms (CLOCK_REALTIME). */
int64_t store_now_ms(void);

#ifdef __cplusplus
}
#endif
#endif
