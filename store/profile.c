/* Factory profiles: "key = value" files in conf/ validated against the registry when loaded, and
 * written to both layers at store creation and factory reset. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define PROFILE_MAX_BYTES (64 * 1024)
#define PROFILE_LINE_MAX 1024

void store_profile_clear(struct store_profile *p)
{
	if (!p)
		return;
	for (size_t i = 0; p->values && i < p->count; i++)
		store_secret_wipe(p->values[i]);
	free(p->values);
	free(p->random);
	free(p->locked);
	memset(p, 0, sizeof(*p));
}

static char *trim(char *s)
{
	char *e;
	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

static int lock_line(struct store_profile *p, char *args, enum store_lock locked, const char *path,
		     unsigned line, char *err, size_t errlen)
{
	char *save = NULL;
	for (char *k = strtok_r(args, " \t", &save); k; k = strtok_r(NULL, " \t", &save)) {
		int i = store_registry_index(k);
		if (i < 0)
			return store_msg(err, errlen, STORE_E_PROFILE, "%s:%u: unknown setting '%.64s'",
					 path, line, k);
		p->locked[i] = locked;
	}
	return STORE_OK;
}

static int parse(struct store_profile *p, const char *path, char *text, char *err, size_t errlen)
{
	bool *seen = calloc(p->count, sizeof(bool));
	char *save = NULL;
	unsigned line = 0;
	int rc = STORE_OK;

	if (!seen)
		return store_msg(err, errlen, STORE_E_NOMEM, "out of memory");
	for (char *ln = text; ln; ln = save) {
		char *nl = strchr(ln, '\n');
		char *s, *eq, *key, *value, msg[STORE_ERRMSG_MAX];
		const struct store_setting *row;
		char *canon = NULL;
		int i;

		save = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		line++;
		if (strlen(ln) > PROFILE_LINE_MAX) {
			rc = store_msg(err, errlen, STORE_E_PROFILE, "%s:%u: line too long", path, line);
			goto out;
		}
		s = trim(ln);
		if (!*s || *s == '#')
			continue;
		if (strncmp(s, "@lock", 5) == 0 && (s[5] == ' ' || s[5] == '\t')) {
			rc = lock_line(p, s + 5, STORE_LOCK_PROVIDER, path, line, err, errlen);
		} else if (strncmp(s, "@unlock", 7) == 0 && (s[7] == ' ' || s[7] == '\t')) {
			rc = lock_line(p, s + 7, STORE_LOCK_OPEN, path, line, err, errlen);
		} else if (strncmp(s, "@phone", 6) == 0 && (s[6] == ' ' || s[6] == '\t')) {
			rc = lock_line(p, s + 6, STORE_LOCK_PHONE, path, line, err, errlen);
		} else if (!(eq = strchr(s, '='))) {
			rc = store_msg(err, errlen, STORE_E_PROFILE,
				       "%s:%u: expected 'key = value' or '@lock key...'", path, line);
		} else {
			*eq = '\0';
			key = trim(s);
			value = trim(eq + 1);
			i = store_registry_index(key);
			if (i < 0) {
				rc = store_msg(err, errlen, STORE_E_PROFILE,
					       "%s:%u: unknown setting '%.64s'", path, line, key);
				goto out;
			}
			row = store_registry_at((size_t)i);
			if (seen[i]) {
				rc = store_msg(err, errlen, STORE_E_PROFILE, "%s:%u: %s given twice",
					       path, line, key);
				goto out;
			}
			seen[i] = true;
			if (strcmp(value, "@random") == 0) {
				if (row->type != STORE_TYPE_SECRET) {
					rc = store_msg(err, errlen, STORE_E_PROFILE,
						       "%s:%u: %s: @random is only for secrets", path,
						       line, key);
					goto out;
				}
				store_secret_wipe(p->values[i]);
				p->values[i] = NULL;
				p->random[i] = true;
				continue;
			}
			rc = store_value_check(&canon, row, value, msg, sizeof(msg));
			if (rc) {
				rc = store_msg(err, errlen, STORE_E_PROFILE, "%s:%u: %s", path, line, msg);
				goto out;
			}
			store_secret_wipe(p->values[i]);
			p->values[i] = canon;
			p->random[i] = false;
		}
		if (rc)
			goto out;
	}
out:
	free(seen);
	return rc;
}

static int check_profile(const struct store_profile *p, const char *path, char *err,
			 size_t errlen)
{
	size_t n = p->count;
	struct store_view v = { 0 };
	const char *bad = NULL;
	char msg[STORE_ERRMSG_MAX];
	int rc;

	if (store_view_alloc(&v, n))
		return store_msg(err, errlen, STORE_E_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		bool secret = store_registry_at(i)->type == STORE_TYPE_SECRET;
		v.val[i] = secret ? "" : p->values[i];
		v.secret_set[i] = secret && (p->random[i] || *p->values[i]);
		v.touched[i] = true;
	}
	rc = store_consistency(&v, msg, sizeof(msg), &bad);
	if (rc)
		rc = store_msg(err, errlen, STORE_E_PROFILE, "%s: %s", path, msg);
	store_view_free(&v);
	return rc;
}

static int read_file(char **out, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	char *buf;
	size_t n;
	*out = NULL;
	if (!f)
		return store_msg(err, errlen, STORE_E_PROFILE, "%s: %s", path, strerror(errno));
	buf = malloc(PROFILE_MAX_BYTES + 1);
	if (!buf) {
		fclose(f);
		return store_msg(err, errlen, STORE_E_NOMEM, "out of memory");
	}
	n = fread(buf, 1, PROFILE_MAX_BYTES + 1, f);
	if (ferror(f) || n > PROFILE_MAX_BYTES) {
		fclose(f);
		free(buf);
		return store_msg(err, errlen, STORE_E_PROFILE, "%s: %s", path,
				 n > PROFILE_MAX_BYTES ? "larger than 64 KiB" : "read error");
	}
	fclose(f);
	if (memchr(buf, '\0', n)) {
		free(buf);
		return store_msg(err, errlen, STORE_E_PROFILE, "%s: not a text file", path);
	}
	buf[n] = '\0';
	*out = buf;
	return STORE_OK;
}

int store_profile_load(struct store_profile *p, const char *path, char *err, size_t errlen)
{
	size_t n = store_registry_count();
	char *text = NULL;
	int rc;

	memset(p, 0, sizeof(*p));
	p->count = n;
	p->values = calloc(n, sizeof(char *));
	p->random = calloc(n, sizeof(bool));
	p->locked = calloc(n, sizeof(*p->locked));
	if (!p->values || !p->random || !p->locked) {
		store_profile_clear(p);
		return store_msg(err, errlen, STORE_E_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		const struct store_setting *s = store_registry_at(i);
		p->values[i] = strdup(s->factory);
		p->locked[i] = s->flags & STORE_F_SUBSCRIBER ? STORE_LOCK_OPEN : STORE_LOCK_PHONE;
		if (!p->values[i]) {
			store_profile_clear(p);
			return store_msg(err, errlen, STORE_E_NOMEM, "out of memory");
		}
	}
	if (path) {
		rc = read_file(&text, path, err, errlen);
		if (rc == STORE_OK)
			rc = parse(p, path, text, err, errlen);
		free(text);
		if (rc) {
			store_profile_clear(p);
			return rc;
		}
	}
	rc = check_profile(p, path ? path : "built-in profile", err, errlen);
	if (rc)
		store_profile_clear(p);
	return rc;
}

static int append(char **buf, size_t *len, const char *key, const char *value)
{
	size_t add = strlen(key) + strlen(value) + 2;
	char *n = malloc(*len + add + 1);
	if (!n)
		return STORE_E_NOMEM;
	if (*buf)
		memcpy(n, *buf, *len);
	snprintf(n + *len, add + 1, "%s=%s\n", key, value);
	store_secret_wipe(*buf);
	*buf = n;
	*len += add;
	return STORE_OK;
}

int store_profile_apply(struct store *st, const struct store_profile *p,
			const struct store_actor *who, char **generated)
{
	enum store_source src = who->source;
	size_t n = p->count, glen = 0, klen = 0;
	char **clear = calloc(n, sizeof(char *));
	char *gen = NULL, *keys = NULL;
	sqlite3_stmt *q = NULL;
	uint64_t seq = 0;
	int64_t now = store_now_ms();
	int rc = STORE_OK;

	if (!clear)
		return store_fail(st, STORE_E_NOMEM, "out of memory");
	for (size_t i = 0; i < n && rc == STORE_OK; i++) {
		const struct store_setting *s = store_registry_at(i);
		if (p->random[i]) {
			rc = store_secret_generate(&clear[i], s);
			if (rc == STORE_OK)
				rc = append(&gen, &glen, s->key, clear[i]);
		}
		if (rc == STORE_OK)
			rc = store_keys_append(&keys, &klen, s->key);
	}
	if (rc == STORE_OK)
		rc = store_audit_append(st, STORE_ACT_FACTORY, who, true, keys, &seq);
	if (rc == STORE_OK) {
		rc = sqlite3_prepare_v2(st->db,
					"INSERT INTO settings(key, running, saved, locked, source, "
					"changed_seq, changed_ms) VALUES(?1, ?2, ?2, ?3, ?4, ?5, ?6) "
					"ON CONFLICT(key) DO UPDATE SET running=?2, saved=?2, "
					"locked=?3, source=?4, changed_seq=?5, changed_ms=?6",
					-1, &q, NULL);
		rc = rc == SQLITE_OK ? STORE_OK : store_fail_sql(st, rc, "factory values");
	}
	for (size_t i = 0; i < n && rc == STORE_OK; i++) {
		const struct store_setting *s = store_registry_at(i);
		char *record = NULL;
		const char *value = p->values[i];
		if (s->type == STORE_TYPE_SECRET) {
			const char *user = "";
			if (s->secret == STORE_SECRET_DIGEST) {
				int u = store_registry_index(s->user_key);
				user = u >= 0 && p->values[u] ? p->values[u] : "";
			}
			rc = store_secret_record(&record, s, p->random[i] ? clear[i] : value, user,
						 !p->random[i]);
			if (rc) {
				rc = store_fail(st, rc, "%s: cannot encode the secret", s->key);
				break;
			}
			value = record;
		}
		sqlite3_reset(q);
		sqlite3_bind_text(q, 1, s->key, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, value, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(q, 3, p->locked[i]);
		sqlite3_bind_int(q, 4, src);
		sqlite3_bind_int64(q, 5, (sqlite3_int64)seq);
		sqlite3_bind_int64(q, 6, now);
		store_secret_wipe(record);
		rc = sqlite3_step(q);
		rc = rc == SQLITE_DONE ? STORE_OK : store_fail_sql(st, rc, "factory values");
	}
	sqlite3_finalize(q);
	for (size_t i = 0; i < n; i++)
		store_secret_wipe(clear[i]);
	free(clear);
	free(keys);
	if (rc == STORE_OK && generated)
		*generated = gen;
	else
		store_secret_wipe(gen);
	return rc;
}
