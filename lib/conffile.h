/* The one reader of the daemons' "key = value" configuration files (phonesec-cwmpd's
 * conf/phonesec.conf, phonesec-wuid's conf/phonesec-wuid.conf), driven by a key table.
 *
 * Format: one "key = value" per line; blanks around key and value are dropped, a value may be
 * empty; blank lines and lines starting with '#' are skipped. Keys are [A-Za-z0-9_]+.
 * Bounds: the file holds at most CONFFILE_MAX_BYTES, a line at most CONFFILE_LINE_MAX characters
 * (a NUL byte counts as an over-long line). Refused with "file:line: reason": a line that is not
 * "key = value", an unknown key, a key given twice, a value not shorter than its field, a value
 * the table's check refuses. No allocation; the caller owns everything.
 */
#ifndef PHONESEC_CONFFILE_H
#define PHONESEC_CONFFILE_H

#include <stddef.h>

#define CONFFILE_MAX_BYTES (64u * 1024u)
#define CONFFILE_LINE_MAX 4200
#define CONFFILE_KEYS_MAX 64 /* rows of a table */

/* One key: a char array of the caller's struct (offset and size) and its default text. kind,
 * min and max are the caller's own: only its check function reads them. */
struct conffile_key {
	const char *name;
	size_t off, size;
	int kind;
	unsigned min, max;
	const char *def;
};

/* NULL when value (shorter than k->size, possibly "") is acceptable for k, else the reason,
 * a static string put after "file:line: key: ". */
typedef const char *(*conffile_check_fn)(const struct conffile_key *k, const char *value);

struct conffile_table {
	const struct conffile_key *keys;
	size_t nkeys; /* at most CONFFILE_KEYS_MAX */
	conffile_check_fn check;
};

/* Writes every key's default into its field of out (text cut to the field's size). */
void conffile_defaults(const struct conffile_table *t, void *out);

/* Reads path onto out (which holds the defaults): each accepted value is copied into its field.
 * Returns 0, or -1 with "file:line: reason" or "file: reason" in err (may be NULL). On error out
 * holds the values of the lines read before the bad one: do not use it. */
int conffile_read(const struct conffile_table *t, void *out, const char *path, char *err,
		  size_t errlen);

/* Splits one "key = value" line in place. Blank lines and "#" comments give 0 with *key NULL.
 * Returns -1 when the line has no '=' or the key is empty or not [A-Za-z0-9_]. */
int conffile_split_line(char *line, char **key, char **value);

/* Formats the reason into err (when err and errlen are non-zero); returns -1. */
int conffile_fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
