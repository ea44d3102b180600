/* The one "key = value" configuration file reader of the daemons (lib/conffile.h): bounds,
 * comments, splitting and key lookup here; each daemon keeps its key table and value checks. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "conffile.h"

int conffile_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

void conffile_defaults(const struct conffile_table *t, void *out)
{
	for (size_t i = 0; i < t->nkeys; i++)
		snprintf((char *)out + t->keys[i].off, t->keys[i].size, "%s", t->keys[i].def);
}

int conffile_split_line(char *line, char **key, char **value)
{
	char *p = line, *e;

	*key = *value = NULL;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p || *p == '#' || *p == '\r' || *p == '\n')
		return 0;
	char *eq = strchr(p, '=');
	if (!eq)
		return -1;
	e = eq;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*e = '\0';
	if (!*p)
		return -1;
	for (char *c = p; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_')
			return -1;
	char *v = eq + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	e = v + strlen(v);
	while (e > v && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		e--;
	*e = '\0';
	*key = p;
	*value = v;
	return 0;
}

/* Checks one split line against the table and stores its value. */
static int conffile_apply(const struct conffile_table *t, void *out, bool *seen, const char *path,
			  unsigned lineno, const char *key, const char *value, char *err,
			  size_t errlen)
{
	size_t i;

	for (i = 0; i < t->nkeys && strcmp(t->keys[i].name, key) != 0; i++)
		;
	if (i == t->nkeys)
		return conffile_fail(err, errlen, "%s:%u: unknown key '%.64s'", path, lineno, key);
	if (seen[i])
		return conffile_fail(err, errlen, "%s:%u: '%s' given twice", path, lineno, key);
	seen[i] = true;
	const struct conffile_key *k = &t->keys[i];
	const char *why = strlen(value) >= k->size ? "value too long" : t->check(k, value);
	if (why)
		return conffile_fail(err, errlen, "%s:%u: %s: %s", path, lineno, key, why);
	snprintf((char *)out + k->off, k->size, "%s", value);
	return 0;
}

/* True when the last line, which has no newline, held a NUL byte: the file position then
 * counts more bytes than the text read. Unknown (a pipe) counts as false. */
static bool conffile_nul_at_end(FILE *f, size_t total)
{
	off_t pos = ftello(f);

	return pos >= 0 && (uintmax_t)pos != total;
}

int conffile_read(const struct conffile_table *t, void *out, const char *path, char *err,
		  size_t errlen)
{
	bool seen[CONFFILE_KEYS_MAX] = { false };
	char line[CONFFILE_LINE_MAX + 2];
	unsigned lineno = 0;
	size_t total = 0;
	int rc = -1;

	if (err && errlen)
		err[0] = '\0';
	if (!t || !t->check || t->nkeys > CONFFILE_KEYS_MAX || !out || !path)
		return conffile_fail(err, errlen, "configuration reader misused");
	FILE *f = fopen(path, "re");
	if (!f)
		return conffile_fail(err, errlen, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);
		char *key, *value;

		lineno++;
		total += n;
		if (total > CONFFILE_MAX_BYTES) {
			conffile_fail(err, errlen, "%s:%u: file larger than %u bytes", path, lineno,
				      CONFFILE_MAX_BYTES);
			goto out;
		}
		/* a NUL byte also ends up here: fgets' text then stops before the newline (n is 0
		 * when the line starts with one) */
		if (!n || (line[n - 1] != '\n' && (!feof(f) || conffile_nul_at_end(f, total)))) {
			conffile_fail(err, errlen, "%s:%u: line longer than %d characters", path,
				      lineno, CONFFILE_LINE_MAX);
			goto out;
		}
		if (conffile_split_line(line, &key, &value)) {
			conffile_fail(err, errlen, "%s:%u: expected \"key = value\"", path, lineno);
			goto out;
		}
		if (key && conffile_apply(t, out, seen, path, lineno, key, value, err, errlen))
			goto out;
	}
	if (ferror(f)) {
		conffile_fail(err, errlen, "%s: read error", path);
		goto out;
	}
	rc = 0;
out:
	fclose(f);
	return rc;
}
