/* The audit log, which is also the change feed: one row per commit with its sequence, time,
 * action, source, role, principal and the names of the settings it touched (never their values). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The principal as the log keeps it: at most STORE_PRINCIPAL_MAX bytes, control bytes as '?', so
 * that every reader can print it on one line, whoever wrote it. */
static void audit_principal(char *out, const char *p)
{
	size_t i = 0;

	for (; p && p[i] && i < STORE_PRINCIPAL_MAX; i++)
		out[i] = (unsigned char)p[i] < 0x20 || p[i] == 0x7f ? '?' : p[i];
	out[i] = '\0';
}

int store_audit_append(struct store *st, enum store_action act, const struct store_actor *who,
		       bool both, const char *keys, uint64_t *seq)
{
	sqlite3_stmt *q = store_stmt(st, STORE_Q_AUDIT_INSERT);
	char principal[STORE_PRINCIPAL_MAX + 1];
	int rc;
	if (!q)
		return STORE_E_IO;
	audit_principal(principal, who->principal);
	sqlite3_bind_int64(q, 1, store_now_ms());
	sqlite3_bind_int(q, 2, act);
	sqlite3_bind_int(q, 3, who->source);
	sqlite3_bind_int(q, 4, both);
	sqlite3_bind_text(q, 5, principal, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 6, keys, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 7, who->role);
	rc = sqlite3_step(q);
	store_stmt_done(q);
	if (rc != SQLITE_DONE)
		return store_fail_sql(st, rc, "audit");
	*seq = (uint64_t)sqlite3_last_insert_rowid(st->db);
	/* keep the log bounded; followers that fall further behind re-read a snapshot */
	if (*seq % 100 == 0 && *seq > STORE_AUDIT_KEEP) {
		rc = sqlite3_prepare_v2(st->db, "DELETE FROM audit WHERE seq <= ?1", -1, &q, NULL);
		if (rc != SQLITE_OK)
			return store_fail_sql(st, rc, "audit");
		sqlite3_bind_int64(q, 1, (sqlite3_int64)(*seq - STORE_AUDIT_KEEP));
		rc = sqlite3_step(q);
		sqlite3_finalize(q);
		if (rc != SQLITE_DONE)
			return store_fail_sql(st, rc, "audit");
	}
	return STORE_OK;
}

void store_audit_free(struct store_audit_entry *e, size_t n)
{
	for (size_t i = 0; e && i < n; i++) {
		free(e[i].principal);
		free(e[i].keys);
	}
	free(e);
}

static int collect(struct store_audit_entry **out, size_t *n, struct store *st, sqlite3_stmt *q,
		   size_t max, bool reverse)
{
	struct store_audit_entry *e = calloc(max ? max : 1, sizeof(*e));
	size_t k = 0;
	int rc;
	if (!e)
		return store_fail(st, STORE_E_NOMEM, "out of memory");
	while (k < max && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *p = (const char *)sqlite3_column_text(q, 5);
		const char *keys = (const char *)sqlite3_column_text(q, 6);
		e[k].seq = (uint64_t)sqlite3_column_int64(q, 0);
		e[k].time_ms = sqlite3_column_int64(q, 1);
		e[k].action = (enum store_action)sqlite3_column_int(q, 2);
		e[k].source = (enum store_source)sqlite3_column_int(q, 3);
		e[k].both_layers = sqlite3_column_int(q, 4) != 0;
		e[k].role = (enum store_role)sqlite3_column_int(q, 7);
		e[k].principal = strdup(p ? p : "");
		e[k].keys = strdup(keys ? keys : "");
		k++;
		if (!e[k - 1].principal || !e[k - 1].keys) {
			store_audit_free(e, k);
			return store_fail(st, STORE_E_NOMEM, "out of memory");
		}
	}
	if (k < max && rc != SQLITE_DONE) {
		store_audit_free(e, k);
		return store_fail_sql(st, rc, "audit");
	}
	if (reverse)
		for (size_t i = 0; i < k / 2; i++) {
			struct store_audit_entry t = e[i];
			e[i] = e[k - 1 - i];
			e[k - 1 - i] = t;
		}
	*out = e;
	*n = k;
	return STORE_OK;
}

static int query(struct store_audit_entry **out, size_t *n, struct store *st, enum store_q id,
		 int64_t arg, size_t max, bool reverse)
{
	sqlite3_stmt *q;
	int rc;
	if (!out || !n || !st)
		return STORE_E_INVALID;
	*out = NULL;
	*n = 0;
	if (max > 100000)
		max = 100000;
	q = store_stmt(st, id);
	if (!q)
		return STORE_E_IO;
	sqlite3_bind_int64(q, 1, arg);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)max);
	rc = collect(out, n, st, q, max, reverse);
	store_stmt_done(q);
	return rc;
}

int store_audit_since(struct store_audit_entry **out, size_t *n, struct store *st, uint64_t after,
		      size_t max)
{
	return query(out, n, st, STORE_Q_AUDIT_SINCE, (int64_t)after, max, false);
}

int store_audit_last(struct store_audit_entry **out, size_t *n, struct store *st, size_t max)
{
	return query(out, n, st, STORE_Q_AUDIT_LAST, 0, max, true);
}

int store_audit_head(uint64_t *out, struct store *st)
{
	sqlite3_stmt *q;
	int rc;
	if (!out || !st)
		return STORE_E_INVALID;
	q = st->q_head; /* prepared once per handle */
	if (!q)
		return store_fail(st, STORE_E_INVALID, "store not open");
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		*out = (uint64_t)sqlite3_column_int64(q, 0);
		rc = STORE_OK;
	} else {
		rc = store_fail_sql(st, rc, "audit");
	}
	sqlite3_reset(q);
	return rc;
}
