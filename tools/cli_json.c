/* phonesec command line: a small streaming JSON writer for --json output. It places the commas,
 * escapes strings (RFC 8259) and replaces bytes that are not valid UTF-8 with U+FFFD. */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "cli.h"

void cli_json_init(struct cli_json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	j->first[0] = true;
}

/* Writes the separator a new value or key needs at the current level. */
static void json_sep(struct cli_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (!j->first[j->depth])
		fputc(',', j->f);
	j->first[j->depth] = false;
}

static void json_open(struct cli_json *j, char c)
{
	json_sep(j);
	fputc(c, j->f);
	/* Deeper nesting than CLI_JSON_DEPTH is a programming error; stay in bounds regardless. */
	if (j->depth + 1 < CLI_JSON_DEPTH)
		j->depth++;
	j->first[j->depth] = true;
}

static void json_close(struct cli_json *j, char c)
{
	fputc(c, j->f);
	if (j->depth > 0)
		j->depth--;
}

void cli_json_object_begin(struct cli_json *j)
{
	json_open(j, '{');
}

void cli_json_object_end(struct cli_json *j)
{
	json_close(j, '}');
}

void cli_json_array_begin(struct cli_json *j)
{
	json_open(j, '[');
}

void cli_json_array_end(struct cli_json *j)
{
	json_close(j, ']');
}

/* Length of the valid UTF-8 sequence at p (1..4), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *p)
{
	size_t n;
	unsigned cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80) /* also stops at the terminating NUL */
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static void json_quoted(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	fputc('"', f);
	while (*p) {
		size_t n;

		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				fprintf(f, "\\u%04x", *p);
				break;
			}
			n = utf8_len(p);
			if (n == 0) {
				fputs("\\ufffd", f);
				break;
			}
			fwrite(p, 1, n, f);
			p += n;
			continue;
		}
		p++;
	}
	fputc('"', f);
}

void cli_json_key(struct cli_json *j, const char *key)
{
	json_sep(j);
	json_quoted(j->f, key);
	fputc(':', j->f);
	j->after_key = true;
}

void cli_json_string(struct cli_json *j, const char *s)
{
	json_sep(j);
	json_quoted(j->f, s);
}

void cli_json_uint(struct cli_json *j, uint64_t v)
{
	json_sep(j);
	fprintf(j->f, "%" PRIu64, v);
}

void cli_json_int(struct cli_json *j, int64_t v)
{
	json_sep(j);
	fprintf(j->f, "%" PRId64, v);
}

void cli_json_bool(struct cli_json *j, bool v)
{
	json_sep(j);
	fputs(v ? "true" : "false", j->f);
}

void cli_json_finish(struct cli_json *j)
{
	fputc('\n', j->f);
}
