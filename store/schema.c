/* The store's SQL schema and its migrations, one step per version (PRAGMA user_version).
 * A store opened by an older phonesec is migrated in one transaction; a newer one is refused. */
#include "config.h"

#include <stdio.h>

#include "internal.h"

/* migrations[i] takes a store from version i to i+1. Never edit a released step: add one. */
static const char *const migrations[STORE_SCHEMA_VERSION] = {
	/* 0 -> 1: settings with their two layers, provider locks, the audit log */
	"CREATE TABLE meta(name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE settings("
	"  key TEXT PRIMARY KEY,"
	"  running TEXT NOT NULL,"
	"  saved TEXT NOT NULL,"
	"  locked INTEGER NOT NULL DEFAULT 0,"
	"  source INTEGER NOT NULL,"
	"  changed_seq INTEGER NOT NULL DEFAULT 0,"
	"  changed_ms INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
	"CREATE TABLE audit("
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  time_ms INTEGER NOT NULL,"
	"  action INTEGER NOT NULL,"
	"  source INTEGER NOT NULL,"
	"  both_layers INTEGER NOT NULL,"
	"  principal TEXT NOT NULL,"
	"  keys TEXT NOT NULL);"
	"INSERT INTO meta(name, value) VALUES('magic', 'phonesec-store');",
	/* 1 -> 2: daemon state (TR-069 events, ParameterKey...) and login lock-out counters */
	"CREATE TABLE state(name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE lockout(name TEXT PRIMARY KEY, failures INTEGER NOT NULL,"
	"  until_ms INTEGER NOT NULL, next_s INTEGER NOT NULL) WITHOUT ROWID;",
	/* 2 -> 3: the role of every change (enum store_role; 0 for entries written before) */
	"ALTER TABLE audit ADD COLUMN role INTEGER NOT NULL DEFAULT 0;",
	/* 3 -> 4: locked holds enum store_lock (0 open, 1 the phone's own, 2 the provider's). A
	 * store before could not tell the provider's lock from the registry's default: every lock
	 * it holds is taken for the provider's, which binds the phone's administrator too, until
	 * the provider gives settings back ("@phone" lines of an import, or a factory reset). */
	"UPDATE settings SET locked=2 WHERE locked!=0;",
};

int store_schema_version(struct store *st, int *version)
{
	sqlite3_stmt *q = NULL;
	int rc = sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &q, NULL);
	if (rc != SQLITE_OK)
		return store_fail_sql(st, rc, "reading the schema version");
	rc = sqlite3_step(q);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(q);
		return store_fail_sql(st, rc, "reading the schema version");
	}
	*version = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	return STORE_OK;
}

int store_schema_apply(struct store *st, int from_version)
{
	char sql[64];
	int rc;
	if (from_version < 0 || from_version > STORE_SCHEMA_VERSION)
		return store_fail(st, STORE_E_SCHEMA, "%s: unknown schema version %d", st->path,
				  from_version);
	for (int v = from_version; v < STORE_SCHEMA_VERSION; v++) {
		rc = store_exec(st, migrations[v]);
		if (rc != STORE_OK)
			return rc;
	}
	snprintf(sql, sizeof(sql), "PRAGMA user_version=%d", STORE_SCHEMA_VERSION);
	return store_exec(st, sql);
}
