/* Configuration files: the settings as "key = value" lines, the provider locks as "@lock" and
 * "@unlock" lines (the factory profiles' format); exported without secrets, imported as one change. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define CONFIG_LINE_MAX 1024
/* A lock line is wrapped before this many bytes: far below CONFIG_LINE_MAX whatever the keys. */
#define CONFIG_LOCK_WRAP 160

static const char config_head[] =
	"# phonesec configuration file: key = value; secrets are not exported.\n"
	"# @lock/@unlock: the settings the provider locks against the desk user, or leaves to it;\n"
	"# @phone: the phone's own, left to its administrator in the web UI.\n";

/* Appends "@lock k1 k2 ..." (@unlock, @phone) lines for the rows in lock state state. */
static size_t config_lock_lines(char *buf, size_t cap, size_t len, const struct store_snapshot *snap,
				enum store_lock state)
{
	const char *word = state == STORE_LOCK_PROVIDER ? "@lock"
			   : state == STORE_LOCK_PHONE  ? "@phone"
							: "@unlock";
	size_t line = 0; /* bytes of the open line, 0 when none is open */

	for (size_t i = 0; i < snap->count && len < cap; i++) {
		const struct store_row *r = &snap->rows[i];

		if ((r->setting->flags & STORE_F_READONLY) || r->lock != state)
			continue;
		if (line && line + 1 + strlen(r->setting->key) > CONFIG_LOCK_WRAP) {
			len += (size_t)snprintf(buf + len, cap - len, "\n");
			line = 0;
		}
		int n = snprintf(buf + len, cap - len, "%s%s", line ? " " : word, line ? "" : " ");
		len += (size_t)n;
		line += (size_t)n;
		if (len < cap) {
			n = snprintf(buf + len, cap - len, "%s", r->setting->key);
			len += (size_t)n;
			line += (size_t)n;
		}
	}
	if (line && len < cap)
		len += (size_t)snprintf(buf + len, cap - len, "\n");
	return len;
}

int store_config_export(char **text, struct store *st)
{
	struct store_snapshot *snap = NULL;
	size_t cap = sizeof(config_head) + 16, len;
	char *buf;
	int rc;

	if (text)
		*text = NULL;
	if (!text || !st)
		return STORE_E_INVALID;
	rc = store_snapshot_take(&snap, st);
	if (rc)
		return rc;
	/* each row at most once in a value line and once in a lock line, plus the wrapped lines'
	 * keywords */
	for (size_t i = 0; i < snap->count; i++)
		cap += 2 * strlen(snap->rows[i].setting->key) + strlen(snap->rows[i].running) + 24;
	buf = malloc(cap);
	if (!buf) {
		store_snapshot_free(snap);
		return store_fail(st, STORE_E_NOMEM, "out of memory");
	}
	len = (size_t)snprintf(buf, cap, "%s", config_head);
	for (size_t i = 0; i < snap->count && len < cap; i++) {
		const struct store_row *r = &snap->rows[i];

		if (r->setting->type == STORE_TYPE_SECRET || (r->setting->flags & STORE_F_READONLY))
			continue;
		len += (size_t)snprintf(buf + len, cap - len, "%s = %s\n", r->setting->key,
					r->running);
	}
	len = config_lock_lines(buf, cap, len, snap, STORE_LOCK_PROVIDER);
	len = config_lock_lines(buf, cap, len, snap, STORE_LOCK_OPEN);
	len = config_lock_lines(buf, cap, len, snap, STORE_LOCK_PHONE);
	store_snapshot_free(snap);
	if (len >= cap) {
		free(buf);
		return store_fail(st, STORE_E_NOMEM, "configuration export: buffer too small");
	}
	*text = buf;
	return STORE_OK;
}

/* Blanks (space, tab) and a line's trailing CR: what the profiles' format ignores around words. */
static char *config_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* The keys of an "@lock"/"@unlock"/"@phone" line into the transaction. */
static int config_lock_line(struct store_txn *txn, char *args, enum store_lock state)
{
	char *save = NULL;
	int rc = STORE_OK, n = 0;

	for (char *k = strtok_r(args, " \t", &save); k && !rc; k = strtok_r(NULL, " \t", &save)) {
		rc = store_txn_lock_state(txn, k, state);
		n++;
	}
	return rc ? rc : n ? STORE_OK : STORE_E_PROFILE;
}

/* One line (NUL-terminated, may be changed) into the transaction. STORE_OK for a blank or comment
 * line; on an error, the transaction's message, or *syntax for a line that is no statement. */
static int config_line(struct store_txn *txn, char *line, const char **syntax, unsigned *at,
		       unsigned lineno, const struct store_snapshot *kept)
{
	char *s = config_trim(line), *eq;
	int i;

	*syntax = NULL;
	if (!*s || *s == '#')
		return STORE_OK;
	if (!strncmp(s, "@lock", 5) && (s[5] == ' ' || s[5] == '\t' || !s[5])) {
		int rc = config_lock_line(txn, s + 5, STORE_LOCK_PROVIDER);
		if (rc == STORE_E_PROFILE)
			*syntax = "@lock names no setting";
		return rc;
	}
	if (!strncmp(s, "@unlock", 7) && (s[7] == ' ' || s[7] == '\t' || !s[7])) {
		int rc = config_lock_line(txn, s + 7, STORE_LOCK_OPEN);
		if (rc == STORE_E_PROFILE)
			*syntax = "@unlock names no setting";
		return rc;
	}
	if (!strncmp(s, "@phone", 6) && (s[6] == ' ' || s[6] == '\t' || !s[6])) {
		int rc = config_lock_line(txn, s + 6, STORE_LOCK_PHONE);
		if (rc == STORE_E_PROFILE)
			*syntax = "@phone names no setting";
		return rc;
	}
	eq = strchr(s, '=');
	if (!eq || eq == s) {
		*syntax = "expected \"key = value\", \"@lock key...\", \"@unlock key...\" or "
			  "\"@phone key...\"";
		return STORE_E_PROFILE;
	}
	*eq = '\0';
	s = config_trim(s);
	i = store_registry_index(s);
	if (i >= 0 && !at[i])
		at[i] = lineno;
	eq = config_trim(eq + 1);
	/* the phone's administrator restores a backup of this phone: the provider's settings it
	 * repeats unchanged are left out (a changed one is refused by the transaction) */
	if (kept && i >= 0) {
		const struct store_row *r = &kept->rows[i];
		if (r->lock == STORE_LOCK_PROVIDER && strcmp(r->running, eq) == 0 &&
		    r->setting->type != STORE_TYPE_SECRET)
			return STORE_OK;
	}
	return store_txn_set(txn, s, eq);
}

int store_config_import(uint64_t *seq, struct store *st, const char *text, size_t len,
			unsigned flags, const struct store_actor *who)
{
	struct store_txn *txn = NULL;
	char line[CONFIG_LINE_MAX + 2];
	unsigned lineno = 0, *at = NULL; /* per registry row: the line that set it */
	const struct store_param_error *pe;
	struct store_snapshot *kept = NULL; /* the phone's administrator: the provider's values */
	int rc;

	if (seq)
		*seq = 0;
	if (!st || (!text && len) || !who || (flags & ~(unsigned)STORE_TXN_BOTH))
		return STORE_E_INVALID;
	/* the desk user restores nothing wholesale: a file sets any setting and the locks; the
	 * phone's administrator only what it may write, with the locks as they are */
	if (who->role != STORE_ROLE_ADMIN && who->role != STORE_ROLE_LOCAL_ADMIN)
		return store_fail(st, STORE_E_LOCKED, "importing a configuration needs the "
				  "administrator role; the desk user may not import");
	if (len > STORE_CONFIG_MAX)
		return store_fail(st, STORE_E_PROFILE, "configuration file larger than %u bytes",
				  STORE_CONFIG_MAX);
	if (len && memchr(text, '\0', len))
		return store_fail(st, STORE_E_PROFILE, "configuration file contains a NUL byte");
	at = calloc(store_registry_count() + 1, sizeof(*at));
	if (!at)
		return store_fail(st, STORE_E_NOMEM, "out of memory");
	if (who->role == STORE_ROLE_LOCAL_ADMIN) {
		rc = store_snapshot_take(&kept, st);
		if (rc)
			goto out;
	}
	rc = store_txn_begin(&txn, st, flags, who);
	if (rc)
		goto out;
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - text - pos) : len - pos;
		const char *syntax = NULL;

		lineno++;
		if (n > CONFIG_LINE_MAX) {
			rc = store_fail(st, STORE_E_PROFILE, "line %u: longer than %d characters",
					lineno, CONFIG_LINE_MAX);
			goto out;
		}
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos += n + 1;
		rc = config_line(txn, line, &syntax, at, lineno, kept);
		if (rc == STORE_E_INVALID)
			rc = STORE_E_PROFILE; /* a key or lock given twice */
		if (rc) {
			/* the transaction's messages never hold a secret's value */
			store_fail(st, rc, "line %u: %s", lineno,
				   syntax ? syntax : store_txn_errmsg(txn));
			goto out;
		}
	}
	rc = store_txn_commit(txn, seq);
	/* a combination refused at commit names one setting: point at its line */
	pe = rc ? store_txn_error(txn, 0) : NULL;
	if (pe && pe->key && store_registry_index(pe->key) >= 0 &&
	    at[store_registry_index(pe->key)])
		store_fail(st, rc, "line %u: %s", at[store_registry_index(pe->key)], pe->msg);
	else if (rc)
		store_fail(st, rc, "%s", store_txn_errmsg(txn));
out:
	/* the line may have held a secret in clear */
	explicit_bzero(line, sizeof(line));
	store_txn_free(txn);
	store_snapshot_free(kept);
	free(at);
	return rc;
}
