/* Unit tests of the daemons' "key = value" configuration file reader (lib/conffile.c): the
 * file and line bounds, NUL bytes, comments, splitting, unknown or repeated keys, missing files. */
#include "config.h"

#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conffile.h"
#include "testutil.h"

/* A small struct and table like the daemons' own: a required word, an optional text, a
 * number 1..99 (the check reads kind, min and max; the reader only the rest). */
struct tconf {
	char word[16];
	char text[64];
	char num[4];
};

enum { T_WORD = 1, T_TEXT, T_NUM };

static const char *t_check(const struct conffile_key *k, const char *v)
{
	if (!*v)
		return k->min ? "value may not be empty" : NULL;
	if (k->kind == T_WORD)
		return strchr(v, ' ') ? "no blanks in a word" : NULL;
	if (k->kind == T_NUM) {
		unsigned long n = strtoul(v, NULL, 10);
		return n < k->min || n > k->max ? "number out of range" : NULL;
	}
	return NULL;
}

#define TKEY(n, kd, lo, hi, d) \
	{ .name = #n, .off = offsetof(struct tconf, n), .size = sizeof(((struct tconf *)0)->n), \
	  .kind = (kd), .min = (lo), .max = (hi), .def = (d) }

static const struct conffile_key t_keys[] = {
	TKEY(word, T_WORD, 1, 0, "dflt"),
	TKEY(text, T_TEXT, 0, 0, ""),
	TKEY(num, T_NUM, 1, 99, "7"),
};
static const struct conffile_table t_table = { t_keys, 3, t_check };

static char *dir;

/* Writes len bytes of text to dir/t.conf; returns the malloc'd path. */
static char *t_write(const char *text, size_t len)
{
	char *path = tu_path(dir, "t.conf");
	FILE *f = fopen(path, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fwrite(text, 1, len, f), len);
	fclose(f);
	return path;
}

/* Reads text onto the defaults; returns the result, the struct in *c and the error in err. */
static int t_read(const char *text, size_t len, struct tconf *c, char *err, size_t errlen)
{
	char *path = t_write(text, len);

	memset(c, 0, sizeof(*c));
	conffile_defaults(&t_table, c);
	int rc = conffile_read(&t_table, c, path, err, errlen);
	free(path);
	return rc;
}

/* text must be refused with an error that ends with want (after the folder's path). */
static void t_refused(const char *text, size_t len, const char *want)
{
	struct tconf c;
	char err[256];
	char *full = tu_path(dir, want);

	CU_ASSERT_EQUAL(t_read(text, len, &c, err, sizeof(err)), -1);
	if (strcmp(err, full) != 0)
		fprintf(stderr, "\nerror '%s', expected '%s'\n", err, full);
	CU_ASSERT_STRING_EQUAL(err, full);
	free(full);
}

#define REFUSED(lit, want) t_refused((lit), sizeof(lit) - 1, (want))

static void test_defaults(void)
{
	struct tconf c;
	struct conffile_key big[] = { TKEY(word, T_WORD, 0, 0, "a default longer than sixteen") };
	const struct conffile_table tb = { big, 1, t_check };

	memset(&c, 'x', sizeof(c));
	conffile_defaults(&t_table, &c);
	CU_ASSERT_STRING_EQUAL(c.word, "dflt");
	CU_ASSERT_STRING_EQUAL(c.text, "");
	CU_ASSERT_STRING_EQUAL(c.num, "7");
	conffile_defaults(&tb, &c); /* cut to the field */
	CU_ASSERT_STRING_EQUAL(c.word, "a default longe");
}

static void test_accepted(void)
{
	static const char text[] = "# a comment\n\n   \n\t# indented comment\nword=abc\n"
				   "  text \t=  two words \t\r\nnum = 42";
	struct tconf c;
	char err[256] = "untouched";

	CU_ASSERT_EQUAL(t_read(text, sizeof(text) - 1, &c, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	CU_ASSERT_STRING_EQUAL(c.word, "abc");
	CU_ASSERT_STRING_EQUAL(c.text, "two words");
	CU_ASSERT_STRING_EQUAL(c.num, "42");
	/* keys not given keep their defaults; an optional value may be empty */
	CU_ASSERT_EQUAL(t_read("text =\r\n", 8, &c, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(c.word, "dflt");
	CU_ASSERT_STRING_EQUAL(c.text, "");
	/* an empty file; err may be NULL */
	CU_ASSERT_EQUAL(t_read("", 0, &c, NULL, 0), 0);
	CU_ASSERT_EQUAL(t_read("word = x\n", 9, &c, NULL, 0), 0);
	CU_ASSERT_STRING_EQUAL(c.word, "x");
	CU_ASSERT_EQUAL(t_read("word = a b\n", 11, &c, NULL, 0), -1);
	/* the longest value its field holds */
	CU_ASSERT_EQUAL(t_read("word = 0123456789abcde\n", 23, &c, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(c.word, "0123456789abcde");
}

static void test_refused(void)
{
	REFUSED("word = a\n# fine\ncolour = blue\n", "t.conf:3: unknown key 'colour'");
	/* the key named in the error is cut to 64 characters */
	char line[200], want[120];
	snprintf(line, sizeof(line), "%0100d = 1\n", 0);
	snprintf(want, sizeof(want), "t.conf:1: unknown key '%064d'", 0);
	t_refused(line, strlen(line), want);
	REFUSED("num = 1\n\nnum = 2\n", "t.conf:3: 'num' given twice");
	REFUSED("word = a\njust words\n", "t.conf:2: expected \"key = value\"");
	REFUSED(" = value\n", "t.conf:1: expected \"key = value\"");
	REFUSED("wo-rd = value\n", "t.conf:1: expected \"key = value\"");
	REFUSED("word x = value\n", "t.conf:1: expected \"key = value\"");
	/* a value must be shorter than its field, then pass the table's check */
	REFUSED("word = 0123456789abcdef\n", "t.conf:1: word: value too long");
	REFUSED("num = 100\n", "t.conf:1: num: number out of range");
	REFUSED("text = ok\nword =\n", "t.conf:2: word: value may not be empty");
	REFUSED("word = a b\n", "t.conf:1: word: no blanks in a word");
}

static void test_missing(void)
{
	struct tconf c;
	char err[256];
	char *path = tu_path(dir, "absent.conf");
	char *want = tu_path(dir, "absent.conf: No such file or directory");

	CU_ASSERT_EQUAL(conffile_read(&t_table, &c, path, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, want);
	CU_ASSERT_EQUAL(conffile_read(&t_table, &c, path, NULL, 0), -1);
	free(want);
	/* a folder opens but cannot be read */
	CU_ASSERT_EQUAL(conffile_read(&t_table, &c, dir, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, dir));
	free(path);
}

/* Lines of CONFFILE_LINE_MAX characters pass, one more is refused; the same at the end of a
 * file without a newline. */
static void test_line_bound(void)
{
	size_t max = CONFFILE_LINE_MAX;
	char *text = malloc(max + 16);
	struct tconf c;
	char err[256];
	char want[80];

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	text[0] = '#';
	memset(text + 1, 'x', max + 8);
	text[max] = '\n';
	memcpy(text + max + 1, "num=3\n", 6);
	CU_ASSERT_EQUAL(t_read(text, max + 7, &c, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(c.num, "3");
	CU_ASSERT_EQUAL(t_read(text, max, &c, err, sizeof(err)), 0); /* no newline at the end */

	snprintf(want, sizeof(want), "t.conf:2: line longer than %d characters", CONFFILE_LINE_MAX);
	memcpy(text, "num=3\n#", 7);
	memset(text + 7, 'x', max + 8);
	text[6 + max + 1] = '\n';
	t_refused(text, 6 + max + 2, want);
	t_refused(text, 6 + max + 1, want); /* no newline at the end */
	free(text);
}

/* A NUL byte anywhere in a line is refused, not read as the end of the line. */
static void test_nul(void)
{
	REFUSED("word = a\0b\nnum = 3\n", "t.conf:1: line longer than 4200 characters");
	REFUSED("num = 3\nword = ab\0\n", "t.conf:2: line longer than 4200 characters");
	REFUSED("num = 3\n\0colour = blue\n", "t.conf:2: line longer than 4200 characters");
	REFUSED("\0\n", "t.conf:1: line longer than 4200 characters");
	/* in a last line without a newline, before or after the value */
	REFUSED("num = 3\nword = ab\0cd", "t.conf:2: line longer than 4200 characters");
	REFUSED("num = 3\nword = ab\0", "t.conf:2: line longer than 4200 characters");
	REFUSED("num = 3\n\0", "t.conf:2: line longer than 4200 characters");
}

/* A file of CONFFILE_MAX_BYTES passes, one byte more is refused at the line that crosses it. */
static void test_file_bound(void)
{
	size_t max = CONFFILE_MAX_BYTES;
	char *text = malloc(max + 2);
	struct tconf c;
	char err[256];
	char want[80];

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	/* lines of 100 bytes: comments, then "num = 5" padded with blanks */
	for (size_t i = 0; i < max + 1; i++)
		text[i] = i % 100 == 99 ? '\n' : i % 100 == 0 ? '#' : 'x';
	memcpy(text, "num = 5", 7);
	memset(text + 7, ' ', 92);
	CU_ASSERT_EQUAL(t_read(text, max, &c, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(c.num, "5");
	snprintf(want, sizeof(want), "t.conf:%zu: file larger than %u bytes", max / 100 + 1,
		 CONFFILE_MAX_BYTES);
	t_refused(text, max + 1, want);
	free(text);
}

static void test_misuse(void)
{
	struct conffile_key many[CONFFILE_KEYS_MAX + 1];
	const struct conffile_table too_many = { many, CONFFILE_KEYS_MAX + 1, t_check };
	const struct conffile_table no_check = { t_keys, 3, NULL };
	struct tconf c;
	char err[256];
	char *path = t_write("num = 3\n", 8);

	memset(many, 0, sizeof(many));
	CU_ASSERT_EQUAL(conffile_read(&too_many, &c, path, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "configuration reader misused");
	CU_ASSERT_EQUAL(conffile_read(&no_check, &c, path, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(conffile_read(&t_table, NULL, path, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(conffile_read(&t_table, &c, NULL, err, sizeof(err)), -1);
	free(path);
}

static void test_split(void)
{
	char l1[] = "  key_1 \t= \tv a l \r\n", l2[] = "#k = v\n", l3[] = "k=\n", l4[] = "=v\n";
	char l5[] = "k v\n", l6[] = "\r\n", l7[] = "k.x = v\n";
	char *k, *v;

	CU_ASSERT_EQUAL(conffile_split_line(l1, &k, &v), 0);
	CU_ASSERT_STRING_EQUAL(k, "key_1");
	CU_ASSERT_STRING_EQUAL(v, "v a l");
	CU_ASSERT_EQUAL(conffile_split_line(l2, &k, &v), 0);
	CU_ASSERT_PTR_NULL(k);
	CU_ASSERT_EQUAL(conffile_split_line(l3, &k, &v), 0);
	CU_ASSERT_STRING_EQUAL(k, "k");
	CU_ASSERT_STRING_EQUAL(v, "");
	CU_ASSERT_EQUAL(conffile_split_line(l4, &k, &v), -1);
	CU_ASSERT_EQUAL(conffile_split_line(l5, &k, &v), -1);
	CU_ASSERT_EQUAL(conffile_split_line(l6, &k, &v), 0);
	CU_ASSERT_PTR_NULL(k);
	CU_ASSERT_EQUAL(conffile_split_line(l7, &k, &v), -1);
}

static int setup(void)
{
	dir = tu_mkdtemp();
	return dir ? 0 : -1;
}

static int teardown(void)
{
	tu_rmtree(dir);
	free(dir);
	return 0;
}

int main(void)
{
	CU_pSuite s;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 99;
	s = CU_add_suite("conffile", setup, teardown);
	CU_add_test(s, "defaults, cut to their field", test_defaults);
	CU_add_test(s, "comments, blanks, key = value", test_accepted);
	CU_add_test(s, "refused lines name file:line", test_refused);
	CU_add_test(s, "missing or unreadable file", test_missing);
	CU_add_test(s, "line length bound", test_line_bound);
	CU_add_test(s, "NUL bytes", test_nul);
	CU_add_test(s, "file size bound", test_file_bound);
	CU_add_test(s, "misused reader", test_misuse);
	CU_add_test(s, "splitting a line", test_split);
	return tu_run();
}
