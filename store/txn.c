/* Transactions: values checked at set, the whole set checked for consistency at commit, then one
 * SQLite transaction writes values, daemon state and the audit entry, or nothing at all. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct txn_item {
	int idx;
	char *canon;  /* canonical value; for secrets the clear text (wiped on free) */
	char *record; /* secrets: encoded record, computed before the write lock */
	char *record_user; /* the user name the record's HA1s were made for */
};

struct txn_state {
	char *name;
	char *value;
};

struct store_txn {
	struct store *st;
	unsigned flags;
	enum store_source source;
	enum store_role role;
	char *principal;
	struct txn_item *items;
	size_t nitems;
	struct txn_state *state;
	size_t nstate, capstate;
	int *lock_idx;   /* provider lock changes: registry rows ... */
	enum store_lock *lock_val; /* ... and their new lock state */
	size_t nlocks;
	struct store_param_error *errs;
	size_t nerrs;
	bool done;
	bool restart;
	bool secret_changed; /* a committed value was a secret: scrub the WAL */
	char errmsg[STORE_ERRMSG_MAX];
};

#define TXN_STATE_MAX 256

/* ------------------------------------------------------------------------------------------- */
/* Consistency rules                                                                            */

static int idx(const char *key)
{
	return store_registry_index(key);
}

static const char *val(const struct store_view *v, const char *key)
{
	int i = idx(key);
	return i >= 0 && v->val[i] ? v->val[i] : "";
}

static bool touched(const struct store_view *v, const char *key)
{
	int i = idx(key);
	return i >= 0 && v->touched[i];
}

static bool secret_set(const struct store_view *v, const char *key)
{
	int i = idx(key);
	return i >= 0 && v->secret_set[i];
}

/* The key to blame: the first of the candidates this change touched, else the first. */
static const char *blame(const struct store_view *v, const char *a, const char *b, const char *c)
{
	if (touched(v, a))
		return a;
	if (b && touched(v, b))
		return b;
	if (c && touched(v, c))
		return c;
	return a;
}

int store_view_alloc(struct store_view *v, size_t n)
{
	v->val = calloc(n ? n : 1, sizeof(char *));
	v->secret_set = calloc(n ? n : 1, sizeof(bool));
	v->touched = calloc(n ? n : 1, sizeof(bool));
	if (v->val && v->secret_set && v->touched)
		return STORE_OK;
	store_view_free(v);
	return STORE_E_NOMEM;
}

void store_view_free(struct store_view *v)
{
	free(v->val);
	free(v->secret_set);
	free(v->touched);
	v->val = NULL;
	v->secret_set = v->touched = NULL;
}

int store_consistency(const struct store_view *v, char *msg, size_t msglen, const char **badkey)
{
	const char *web = val(v, "webserver_type");
	bool web_on = strcmp(web, "off") != 0;
	bool http_on = strcmp(web, "http_https") == 0 || strcmp(web, "http") == 0;
	bool https_on = strcmp(web, "http_https") == 0 || strcmp(web, "https") == 0;

	/* Digest without a user or password is no rule here: ACSs and NMSs write one setting at a
	 * time, and the scheme takes effect once the credentials exist (the compliance rule
	 * wui-credentials reports the missing ones meanwhile). */
	if (http_on && https_on && strcmp(val(v, "http_port"), val(v, "https_port")) == 0) {
		*badkey = blame(v, "https_port", "http_port", "webserver_type");
		return store_msg(msg, msglen, STORE_E_INCONSISTENT,
				 "%s: http_port and https_port must differ while both listeners are open",
				 *badkey);
	}
	if (web_on && strcmp(val(v, "tr69_enable"), "on") == 0 &&
	    ((http_on && strcmp(val(v, "tr69_cr_port"), val(v, "http_port")) == 0) ||
	     (https_on && strcmp(val(v, "tr69_cr_port"), val(v, "https_port")) == 0))) {
		*badkey = blame(v, "tr69_cr_port", "http_port", "https_port");
		return store_msg(msg, msglen, STORE_E_INCONSISTENT,
				 "%s: the connection request port must differ from the web UI's ports",
				 *badkey);
	}
	if (strcmp(val(v, "enable_keyboard_lock"), "on") == 0 && !secret_set(v, "keyboard_lock_pw")) {
		*badkey = blame(v, "enable_keyboard_lock", "keyboard_lock_pw", NULL);
		return store_msg(msg, msglen, STORE_E_INCONSISTENT,
				 "%s: the keypad lock needs a PIN (keyboard_lock_pw)", *badkey);
	}
	/* Still needed: the kept password's HA1s bind the user name, and the clear text to make
	 * new ones is gone, so a new user name beside a kept password would leave hashes no Digest
	 * login can match. With no password kept (first provisioning) the user may come alone. */
	for (size_t i = 0; i < store_registry_count(); i++) {
		const struct store_setting *s = store_registry_at(i);
		if (s->type != STORE_TYPE_SECRET || s->secret != STORE_SECRET_DIGEST)
			continue;
		if (touched(v, s->user_key) && !v->touched[i] && v->secret_set[i]) {
			*badkey = s->user_key;
			return store_msg(msg, msglen, STORE_E_INCONSISTENT,
					 "%s: a new user name needs its password (%s) in the same "
					 "change, since the digest hashes bind both",
					 s->user_key, s->key);
		}
	}
	return STORE_OK;
}

/* ------------------------------------------------------------------------------------------- */

static int add_error(struct store_txn *t, const char *key, int code, const char *msg)
{
	struct store_param_error *n;
	char *k, *m;
	if (t->nerrs >= store_registry_count() + 8)
		return code; /* bounded: the first errors tell enough */
	n = realloc(t->errs, (t->nerrs + 1) * sizeof(*n));
	if (!n)
		return STORE_E_NOMEM;
	t->errs = n;
	k = strdup(key ? key : "");
	m = strdup(msg);
	if (!k || !m) {
		free(k);
		free(m);
		return STORE_E_NOMEM;
	}
	n[t->nerrs].key = k;
	n[t->nerrs].code = code;
	n[t->nerrs].msg = m;
	if (t->nerrs == 0)
		snprintf(t->errmsg, sizeof(t->errmsg), "%s", msg);
	t->nerrs++;
	return code;
}

static int errorf(struct store_txn *t, const char *key, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int errorf(struct store_txn *t, const char *key, int code, const char *fmt, ...)
{
	char msg[STORE_ERRMSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return add_error(t, key, code, msg);
}

/* Whether a setting in lock state keeps role from writing it: the desk user writes the open
 * settings alone, the phone's administrator all but the provider's. */
static bool txn_lock_binds(enum store_role role, enum store_lock state)
{
	if (role == STORE_ROLE_ADMIN)
		return false;
	if (role == STORE_ROLE_LOCAL_ADMIN)
		return state == STORE_LOCK_PROVIDER;
	return state != STORE_LOCK_OPEN;
}

int store_txn_begin(struct store_txn **out, struct store *st, unsigned flags,
		    const struct store_actor *who)
{
	struct store_txn *t;
	if (!out || !st || !who || (flags & ~(STORE_TXN_BOTH | STORE_TXN_LAZY)) || !store_source_name(who->source) ||
	    (who->role != STORE_ROLE_ADMIN && who->role != STORE_ROLE_SUBSCRIBER &&
	     who->role != STORE_ROLE_LOCAL_ADMIN))
		return STORE_E_INVALID;
	*out = NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return STORE_E_NOMEM;
	t->items = calloc(store_registry_count(), sizeof(*t->items));
	t->lock_idx = calloc(store_registry_count(), sizeof(*t->lock_idx));
	t->lock_val = calloc(store_registry_count(), sizeof(*t->lock_val));
	t->principal = strdup(who->principal ? who->principal : "");
	if (!t->items || !t->lock_idx || !t->lock_val || !t->principal) {
		free(t->items);
		free(t->lock_idx);
		free(t->lock_val);
		free(t->principal);
		free(t);
		return STORE_E_NOMEM;
	}
	t->st = st;
	t->flags = flags;
	t->source = who->source;
	t->role = who->role;
	*out = t;
	return STORE_OK;
}

int store_txn_set(struct store_txn *t, const char *key, const char *value)
{
	const struct store_setting *s;
	char msg[STORE_ERRMSG_MAX];
	char *canon = NULL;
	int i, rc;

	if (!t || t->done)
		return STORE_E_INVALID;
	if (!key || !value)
		return errorf(t, key, STORE_E_INVALID, "%s: no value", key ? key : "(no name)");
	i = store_registry_index(key);
	if (i < 0) {
		char shown[80];
		size_t k;
		for (k = 0; key[k] && k < 64; k++)
			shown[k] = key[k] >= 0x20 && key[k] < 0x7f ? key[k] : '?';
		shown[k] = '\0';
		return errorf(t, shown, STORE_E_UNKNOWN, "%s: unknown setting", shown);
	}
	s = store_registry_at((size_t)i);
	for (size_t k = 0; k < t->nitems; k++)
		if (t->items[k].idx == i)
			return errorf(t, key, STORE_E_INVALID, "%s: given more than once", key);
	if (s->flags & STORE_F_READONLY)
		return errorf(t, key, STORE_E_NOT_WRITABLE, "%s: read-only", key);
	if (t->role != STORE_ROLE_ADMIN) {
		enum store_lock state = STORE_LOCK_PROVIDER;
		rc = store_lock_state_get(&state, t->st, key);
		if (rc)
			return add_error(t, key, rc, store_errmsg(t->st));
		if (txn_lock_binds(t->role, state))
			return errorf(t, key, STORE_E_LOCKED, "%s: locked by your provider", key);
	}
	rc = store_value_check(&canon, s, value, msg, sizeof(msg));
	if (rc)
		return add_error(t, key, rc, msg);
	t->items[t->nitems].idx = i;
	t->items[t->nitems].canon = canon;
	t->nitems++;
	return STORE_OK;
}

int store_txn_set_state(struct store_txn *t, const char *name, const char *value)
{
	if (!t || t->done || !name)
		return STORE_E_INVALID;
	if (t->nstate >= TXN_STATE_MAX)
		return errorf(t, name, STORE_E_INVALID, "%s: too many state entries", name);
	if (t->nstate == t->capstate) {
		size_t cap = t->capstate ? t->capstate * 2 : 4;
		struct txn_state *n = realloc(t->state, cap * sizeof(*n));
		if (!n)
			return STORE_E_NOMEM;
		t->state = n;
		t->capstate = cap;
	}
	t->state[t->nstate].name = strdup(name);
	t->state[t->nstate].value = value ? strdup(value) : NULL; /* NULL: delete */
	if (!t->state[t->nstate].name || (value && !t->state[t->nstate].value)) {
		free(t->state[t->nstate].name);
		free(t->state[t->nstate].value);
		return STORE_E_NOMEM;
	}
	t->nstate++;
	return STORE_OK;
}

int store_txn_lock(struct store_txn *t, const char *key, bool locked)
{
	return store_txn_lock_state(t, key, locked ? STORE_LOCK_PROVIDER : STORE_LOCK_OPEN);
}

int store_txn_lock_state(struct store_txn *t, const char *key, enum store_lock state)
{
	int i;
	if (!t || t->done || !key || (state != STORE_LOCK_OPEN && state != STORE_LOCK_PHONE &&
				      state != STORE_LOCK_PROVIDER))
		return STORE_E_INVALID;
	i = store_registry_index(key);
	if (i < 0)
		return errorf(t, key, STORE_E_UNKNOWN, "%.64s: unknown setting", key);
	if (t->role == STORE_ROLE_SUBSCRIBER)
		return errorf(t, key, STORE_E_LOCKED, "%s: only the provider may change locks", key);
	if (t->role == STORE_ROLE_LOCAL_ADMIN) {
		/* the state it has already (a backup of this phone); checked again at commit */
		enum store_lock now = STORE_LOCK_OPEN;
		int rc = store_lock_state_get(&now, t->st, key);
		if (rc)
			return add_error(t, key, rc, store_errmsg(t->st));
		if (now != state)
			return errorf(t, key, STORE_E_LOCKED,
				      "%s: only the provider may change locks", key);
	}
	for (size_t k = 0; k < t->nlocks; k++)
		if (t->lock_idx[k] == i)
			return errorf(t, key, STORE_E_INVALID, "%s: lock given more than once", key);
	t->lock_idx[t->nlocks] = i;
	t->lock_val[t->nlocks] = state;
	t->nlocks++;
	return STORE_OK;
}

size_t store_txn_error_count(const struct store_txn *t)
{
	return t ? t->nerrs : 0;
}

const struct store_param_error *store_txn_error(const struct store_txn *t, size_t i)
{
	return t && i < t->nerrs ? &t->errs[i] : NULL;
}

const char *store_txn_errmsg(const struct store_txn *t)
{
	return t ? t->errmsg : "no transaction";
}

bool store_txn_needs_restart(const struct store_txn *t)
{
	return t && t->restart;
}

void store_txn_free(struct store_txn *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nitems; i++) {
		store_secret_wipe(t->items[i].canon);
		store_secret_wipe(t->items[i].record);
		free(t->items[i].record_user);
	}
	for (size_t i = 0; i < t->nstate; i++) {
		free(t->state[i].name);
		free(t->state[i].value);
	}
	for (size_t i = 0; i < t->nerrs; i++) {
		free((char *)t->errs[i].key);
		free((char *)t->errs[i].msg);
	}
	free(t->errs);
	free(t->state);
	free(t->items);
	free(t->lock_idx);
	free(t->lock_val);
	free(t->principal);
	free(t);
}

/* Current running/saved values and locks of every row, in registry order. */
struct current {
	char **running; /* raw stored text (secret records included) */
	char **saved;
	enum store_lock *locked;
};

static void current_free(struct current *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (c->running)
			store_secret_wipe(c->running[i]);
		if (c->saved)
			store_secret_wipe(c->saved[i]);
	}
	free(c->running);
	free(c->saved);
	free(c->locked);
}

static int current_read(struct current *c, struct store *st)
{
	size_t n = store_registry_count();
	sqlite3_stmt *q = NULL;
	int rc;
	c->running = calloc(n, sizeof(char *));
	c->saved = calloc(n, sizeof(char *));
	c->locked = calloc(n, sizeof(*c->locked));
	if (!c->running || !c->saved || !c->locked)
		return store_fail(st, STORE_E_NOMEM, "out of memory");
	q = store_stmt(st, STORE_Q_CURRENT);
	if (!q)
		return STORE_E_IO;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int i = store_registry_index((const char *)sqlite3_column_text(q, 0));
		if (i < 0 || c->running[i])
			continue;
		c->running[i] = strdup((const char *)sqlite3_column_text(q, 1));
		c->saved[i] = strdup((const char *)sqlite3_column_text(q, 2));
		c->locked[i] = (enum store_lock)sqlite3_column_int(q, 3);
		if (!c->running[i] || !c->saved[i]) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	store_stmt_done(q);
	if (rc != SQLITE_DONE)
		return store_fail_sql(st, rc, "read");
	for (size_t i = 0; i < n; i++)
		if (!c->running[i])
			return store_fail(st, STORE_E_CORRUPT, "%s: store is corrupt (%s missing)",
					  st->path, store_registry_at(i)->key);
	return STORE_OK;
}

/* The user name a DIGEST secret's hashes are made for: this change's, else the stored one. */
static const char *digest_user(const struct store_txn *t, const struct current *c,
			       const struct store_setting *s)
{
	int u = store_registry_index(s->user_key);
	for (size_t k = 0; k < t->nitems; k++)
		if (t->items[k].idx == u)
			return t->items[k].canon;
	return u >= 0 && c->running[u] ? c->running[u] : "";
}

/* Encodes secrets (PBKDF2 is slow) before taking the write lock. */
static int encode_secrets(struct store_txn *t, const struct current *c)
{
	for (size_t k = 0; k < t->nitems; k++) {
		struct txn_item *it = &t->items[k];
		const struct store_setting *s = store_registry_at((size_t)it->idx);
		const char *user;
		int rc;
		if (s->type != STORE_TYPE_SECRET)
			continue;
		user = s->secret == STORE_SECRET_DIGEST ? digest_user(t, c, s) : "";
		if (it->record && it->record_user && strcmp(it->record_user, user) == 0)
			continue;
		store_secret_wipe(it->record);
		free(it->record_user);
		it->record = NULL;
		it->record_user = strdup(user);
		if (!it->record_user)
			return STORE_E_NOMEM;
		rc = store_secret_record(&it->record, s, it->canon, user, false);
		if (rc)
			return errorf(t, s->key, rc, "%s: cannot encode the secret", s->key);
	}
	return STORE_OK;
}

static int check_set(struct store_txn *t, const struct current *c)
{
	size_t n = store_registry_count();
	struct store_view v = { 0 };
	const char *bad = NULL;
	char msg[STORE_ERRMSG_MAX];
	int rc = store_view_alloc(&v, n);

	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++) {
		const struct store_setting *s = store_registry_at(i);
		bool secret = s->type == STORE_TYPE_SECRET;
		v.val[i] = secret ? "" : c->running[i];
		v.secret_set[i] = secret && store_secret_record_is_set(c->running[i]);
	}
	for (size_t k = 0; k < t->nitems; k++) {
		int i = t->items[k].idx;
		const struct store_setting *s = store_registry_at((size_t)i);
		/* a setting written with the value it has is no change to the rules: a restored
		 * configuration file repeats the user name without the password it cannot carry */
		v.touched[i] = s->type == STORE_TYPE_SECRET || strcmp(t->items[k].canon, c->running[i]);
		if (s->type == STORE_TYPE_SECRET)
			v.secret_set[i] = *t->items[k].canon != '\0';
		else
			v.val[i] = t->items[k].canon;
		if (txn_lock_binds(t->role, c->locked[i]))
			errorf(t, s->key, STORE_E_LOCKED, "%s: locked by your provider", s->key);
	}
	/* the phone's administrator only repeats the states the settings have */
	for (size_t k = 0; t->role != STORE_ROLE_ADMIN && k < t->nlocks; k++)
		if (c->locked[t->lock_idx[k]] != t->lock_val[k])
			errorf(t, store_registry_at((size_t)t->lock_idx[k])->key, STORE_E_LOCKED,
			       "%s: only the provider may change locks",
			       store_registry_at((size_t)t->lock_idx[k])->key);
	if (t->nerrs) {
		rc = t->errs[0].code;
		goto out;
	}
	rc = store_consistency(&v, msg, sizeof(msg), &bad);
	if (rc)
		add_error(t, bad, rc, msg);
out:
	store_view_free(&v);
	return rc;
}

/* Applies the lock changes; one LOCK and one UNLOCK audit entry for the keys that changed. */
static int write_locks(struct store_txn *t, const struct store_actor *who, uint64_t *seq)
{
	sqlite3_stmt *q = NULL;
	char *keys[2] = { NULL, NULL };
	size_t len[2] = { 0, 0 };
	int rc = STORE_OK;

	if (t->nlocks == 0)
		return STORE_OK;
	q = store_stmt(t->st, STORE_Q_LOCK_UPDATE);
	if (!q)
		return STORE_E_IO;
	for (size_t k = 0; k < t->nlocks && rc == STORE_OK; k++) {
		const char *key = store_registry_at((size_t)t->lock_idx[k])->key;
		sqlite3_reset(q);
		sqlite3_bind_int(q, 1, t->lock_val[k]);
		sqlite3_bind_text(q, 2, key, -1, SQLITE_STATIC);
		rc = sqlite3_step(q);
		if (rc != SQLITE_DONE) {
			rc = store_fail_sql(t->st, rc, "lock");
			break;
		}
		/* "lock" for any state that keeps the desk user out */
		int l = t->lock_val[k] != STORE_LOCK_OPEN;
		rc = sqlite3_changes(t->st->db) > 0 ? store_keys_append(&keys[l], &len[l], key)
						    : STORE_OK;
	}
	store_stmt_done(q);
	for (int l = 0; l < 2 && rc == STORE_OK; l++)
		if (keys[l])
			rc = store_audit_append(t->st, l ? STORE_ACT_LOCK : STORE_ACT_UNLOCK, who, true,
						keys[l], seq);
	free(keys[0]);
	free(keys[1]);
	return rc;
}

static int write_items(struct store_txn *t, const struct current *c, uint64_t *seq)
{
	bool both = t->flags & STORE_TXN_BOTH;
	char *keys = NULL;
	size_t klen = 0;
	sqlite3_stmt *q = NULL;
	int rc = STORE_OK;
	bool *changed = calloc(t->nitems ? t->nitems : 1, sizeof(bool));
	struct store_actor who = { t->source, t->role, t->principal };
	int64_t now = store_now_ms();

	*seq = 0;
	if (!changed)
		return STORE_E_NOMEM;
	for (size_t k = 0; k < t->nitems; k++) {
		const struct txn_item *it = &t->items[k];
		const struct store_setting *s = store_registry_at((size_t)it->idx);
		const char *nv = s->type == STORE_TYPE_SECRET ? it->record : it->canon;
		changed[k] = strcmp(nv, c->running[it->idx]) != 0 ||
			     (both && strcmp(nv, c->saved[it->idx]) != 0);
		/* re-setting a secret always counts: the clear text cannot be compared cheaply */
		if (s->type == STORE_TYPE_SECRET && (*it->canon || *c->running[it->idx]))
			changed[k] = true;
		if (!changed[k])
			continue;
		if (s->flags & STORE_F_RESTART)
			t->restart = true;
		if (s->type == STORE_TYPE_SECRET)
			t->secret_changed = true;
		rc = store_keys_append(&keys, &klen, s->key);
		if (rc)
			goto out;
	}
	rc = STORE_OK;
	for (size_t k = 0; k < t->nstate && rc == STORE_OK; k++)
		rc = store_state_set(t->st, t->state[k].name, t->state[k].value);
	if (rc == STORE_OK)
		rc = write_locks(t, &who, seq);
	if (rc || !keys)
		goto out; /* daemon state and locks alone: no SET entry */
	rc = store_audit_append(t->st, STORE_ACT_SET, &who, both, keys, seq);
	if (rc)
		goto out;
	q = store_stmt(t->st, both ? STORE_Q_UPDATE_BOTH : STORE_Q_UPDATE_RUNNING);
	if (!q) {
		rc = STORE_E_IO;
		goto out;
	}
	for (size_t k = 0; k < t->nitems; k++) {
		const struct txn_item *it = &t->items[k];
		const struct store_setting *s = store_registry_at((size_t)it->idx);
		if (!changed[k])
			continue;
		sqlite3_reset(q);
		sqlite3_bind_text(q, 1, s->type == STORE_TYPE_SECRET ? it->record : it->canon, -1,
				  SQLITE_STATIC);
		sqlite3_bind_int(q, 2, t->source);
		sqlite3_bind_int64(q, 3, (sqlite3_int64)*seq);
		sqlite3_bind_int64(q, 4, now);
		sqlite3_bind_text(q, 5, s->key, -1, SQLITE_STATIC);
		rc = sqlite3_step(q);
		if (rc != SQLITE_DONE) {
			rc = store_fail_sql(t->st, rc, "write");
			goto out;
		}
	}
	rc = STORE_OK;
out:
	store_stmt_done(q);
	free(keys);
	free(changed);
	return rc;
}

int store_txn_check(struct store_txn *t)
{
	struct current cur = { 0 };
	int rc;
	if (!t || t->done)
		return STORE_E_INVALID;
	if (t->nerrs)
		return t->errs[0].code;
	rc = current_read(&cur, t->st);
	if (rc == STORE_OK)
		rc = check_set(t, &cur);
	else
		snprintf(t->errmsg, sizeof(t->errmsg), "%s", store_errmsg(t->st));
	current_free(&cur, store_registry_count());
	return rc;
}

/* A transaction of daemon state alone: no setting is read or checked, nothing is audited and
 * nobody is woken. STORE_TXN_LAZY: the commit does not wait for the disk (WAL, synchronous
 * NORMAL for this one commit; the next durable commit or checkpoint syncs it with the rest). */
static int commit_state(struct store_txn *t)
{
	struct store *st = t->st;
	bool lazy = t->flags & STORE_TXN_LAZY;
	int rc = STORE_OK;

	if (t->nstate == 0)
		return STORE_OK;
	if (lazy && store_stmt_run(st, STORE_Q_SYNC_NORMAL) != SQLITE_OK)
		lazy = false; /* durable then: slower, never weaker */
	rc = store_write_begin(st);
	for (size_t k = 0; k < t->nstate && rc == STORE_OK; k++)
		rc = store_state_set(st, t->state[k].name, t->state[k].value);
	if (rc == STORE_OK)
		rc = store_write_commit_as(st, false);
	else
		store_write_rollback(st);
	if (lazy && store_stmt_run(st, STORE_Q_SYNC_FULL) != SQLITE_OK)
		store_exec(st, "PRAGMA synchronous=FULL");
	if (rc)
		snprintf(t->errmsg, sizeof(t->errmsg), "%s", store_errmsg(st));
	return rc;
}

int store_txn_commit(struct store_txn *t, uint64_t *seq)
{
	struct current pre = { 0 }, cur = { 0 };
	size_t n = store_registry_count();
	uint64_t s = 0;
	int rc;

	if (seq)
		*seq = 0;
	if (!t || t->done)
		return STORE_E_INVALID;
	t->done = true;
	if (t->nerrs)
		return t->errs[0].code;
	if (t->nitems == 0 && t->nlocks == 0)
		return commit_state(t);
	if (t->flags & STORE_TXN_LAZY) {
		snprintf(t->errmsg, sizeof(t->errmsg), "a lazy commit carries daemon state only");
		return STORE_E_INVALID;
	}
	/* Secrets are hashed outside the write lock, from a first read of the user names. */
	for (size_t k = 0; k < t->nitems; k++)
		if (store_registry_at((size_t)t->items[k].idx)->type == STORE_TYPE_SECRET) {
			rc = current_read(&pre, t->st);
			if (rc == STORE_OK)
				rc = encode_secrets(t, &pre);
			current_free(&pre, n);
			if (rc)
				goto fail;
			break;
		}

	rc = store_write_begin(t->st);
	if (rc)
		goto fail;
	rc = current_read(&cur, t->st);
	if (rc == STORE_OK)
		rc = encode_secrets(t, &cur); /* no-op unless a user name changed meanwhile */
	if (rc == STORE_OK)
		rc = check_set(t, &cur);
	if (rc == STORE_OK)
		rc = write_items(t, &cur, &s);
	if (rc == STORE_OK)
		rc = store_write_commit(t->st);
	else
		store_write_rollback(t->st);
	current_free(&cur, n);
	if (rc)
		goto fail;
	if (t->secret_changed)
		store_secret_scrub(t->st);
	if (seq)
		*seq = s;
	return STORE_OK;
fail:
	t->restart = false;
	if (t->nerrs == 0)
		snprintf(t->errmsg, sizeof(t->errmsg), "%s", store_errmsg(t->st));
	return rc;
}
