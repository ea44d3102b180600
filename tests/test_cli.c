/* Tests of the phonesec command line: runs the built tools/phonesec (fork/exec, no shell) on stores
 * in a fresh temporary folder and checks exit codes, stdout, stderr and that secrets never show. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "testutil.h"

#define MAX_ARGS 32
#define MAX_OUTPUT (1u << 20)
#define RUN_TIMEOUT_MS 120000 /* a hang, not a slow run: valgrind on a loaded machine */
#define SECRET "S3cretValue!"

/* What one run of the program produced. status: exit code, 128+signal when killed, -1 when it
 * could not be run. */
struct run {
	int status;
	bool signaled;
	char *out;
	char *err;
	char *tty;    /* what a pseudo-terminal on stdin showed (its echo) */
	size_t steps; /* dialogue steps answered */
};

static char *tmpdir;  /* this run's temporary folder */
static char *program; /* $top_builddir/tools/phonesec */
static char *store;   /* the store of the current test, fresh per test */
static unsigned store_serial;

/* ---------------------------------------------------------------- running the program */

struct sink {
	char *buf;
	size_t len, cap;
};

static void sink_add(struct sink *s, const char *data, size_t n)
{
	if (s->len + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 4096;

		while (cap < s->len + n + 1)
			cap *= 2;
		if (cap > MAX_OUTPUT)
			return;
		s->buf = realloc(s->buf, cap);
		if (!s->buf)
			abort();
		s->cap = cap;
	}
	memcpy(s->buf + s->len, data, n);
	s->len += n;
	s->buf[s->len] = '\0';
}

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
	free(r->tty);
	memset(r, 0, sizeof(*r));
}

/* A dialogue on a terminal: when stderr shows expect (after the previous match), type send. */
struct tty_step {
	const char *expect;
	const char *send;
	size_t send_len; /* bytes of send when it holds NUL bytes; 0: strlen */
};

/* Runs program with argv (NULL-terminated) in a new session. Without steps, stdin is a pipe fed
 * with input (NULL: empty) and there is no controlling terminal. With steps, stdin is a
 * pseudo-terminal driven by the steps and what the terminal shows (its echo) goes to r->tty. */
/* When non-zero, the length of the next run's input, which may then hold NUL bytes. */
static size_t next_input_len;

static void run_argv(struct run *r, const char *input, const struct tty_step *steps,
		     size_t nsteps, char *const argv[])
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 }, master = -1;
	struct sink so = { 0 }, se = { 0 }, st = { 0 };
	size_t in_len = input ? (next_input_len ? next_input_len : strlen(input)) : 0;
	size_t in_off = 0, step = 0, seen = 0;
	const char *slave = NULL;
	pid_t pid;
	int wstatus = 0;
	struct timespec start, now;

	memset(r, 0, sizeof(*r));
	r->status = -1;
	if (pipe(in) < 0 || pipe(out) < 0 || pipe(err) < 0)
		goto out;
	if (steps) {
		master = posix_openpt(O_RDWR | O_NOCTTY);
		if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0 ||
		    !(slave = ptsname(master)))
			goto out;
	}
	pid = fork();
	if (pid < 0)
		goto out;
	if (pid == 0) {
		setsid();
		if (slave) {
			int fd = open(slave, O_RDWR); /* becomes the controlling terminal */

			if (fd < 0)
				_exit(126);
			dup2(fd, STDIN_FILENO);
			close(fd);
			close(master);
		} else {
			dup2(in[0], STDIN_FILENO);
		}
		dup2(out[1], STDOUT_FILENO);
		dup2(err[1], STDERR_FILENO);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		close(err[0]);
		close(err[1]);
		execv(program, argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	close(err[1]);
	in[0] = out[1] = err[1] = -1;
	if (in_len == 0 || steps) {
		close(in[1]);
		in[1] = -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (out[0] >= 0 || err[0] >= 0) {
		struct pollfd p[4] = {
			{ .fd = out[0], .events = POLLIN },
			{ .fd = err[0], .events = POLLIN },
			{ .fd = in[1], .events = POLLOUT },
			{ .fd = master, .events = POLLIN },
		};
		char buf[4096];
		long elapsed;

		clock_gettime(CLOCK_MONOTONIC, &now);
		elapsed = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
		if (elapsed > RUN_TIMEOUT_MS) {
			kill(pid, SIGKILL);
			fprintf(stderr, "test_cli: %s timed out, killed\n", argv[1]);
			break;
		}
		if (poll(p, 4, 500) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < 2; i++) {
			int *fd = i == 0 ? &out[0] : &err[0];
			ssize_t n;

			if (*fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(*fd, buf, sizeof(buf));
			if (n > 0) {
				sink_add(i == 0 ? &so : &se, buf, (size_t)n);
			} else if (n == 0 || errno != EINTR) {
				close(*fd);
				*fd = -1;
			}
		}
		/* The terminal's output; EIO once the child closed the slave side. */
		if (master >= 0 && (p[3].revents & (POLLIN | POLLHUP | POLLERR))) {
			ssize_t n = read(master, buf, sizeof(buf));

			if (n > 0)
				sink_add(&st, buf, (size_t)n);
			else if (n == 0 || errno != EINTR) {
				close(master);
				master = -1;
			}
		}
		/* Type the next answer once its prompt showed (prompts come after echo is off). */
		while (step < nsteps && se.buf && strstr(se.buf + seen, steps[step].expect)) {
			seen = (size_t)(strstr(se.buf + seen, steps[step].expect) - se.buf) +
			       strlen(steps[step].expect);
			size_t n = steps[step].send_len ? steps[step].send_len
							: strlen(steps[step].send);
			if (master >= 0 && write(master, steps[step].send, n) < 0)
				break;
			step++;
		}
		if (in[1] >= 0 && (p[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t n = write(in[1], input + in_off, in_len - in_off);

			if (n > 0)
				in_off += (size_t)n;
			if (n < 0 || in_off == in_len) {
				close(in[1]);
				in[1] = -1;
			}
		}
	}
	while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(wstatus)) {
		r->status = WEXITSTATUS(wstatus);
	} else if (WIFSIGNALED(wstatus)) {
		r->status = 128 + WTERMSIG(wstatus);
		r->signaled = true;
	}
out:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (out[i] >= 0)
			close(out[i]);
		if (err[i] >= 0)
			close(err[i]);
	}
	if (master >= 0) {
		/* What the terminal still holds (non-blocking: the child is gone). */
		char buf[4096];
		ssize_t n;

		fcntl(master, F_SETFL, O_NONBLOCK);
		while ((n = read(master, buf, sizeof(buf))) > 0)
			sink_add(&st, buf, (size_t)n);
		close(master);
	}
	r->out = so.buf ? so.buf : strdup("");
	r->err = se.buf ? se.buf : strdup("");
	r->tty = st.buf ? st.buf : strdup("");
	r->steps = step;
}

/* Runs "phonesec [-s STORE] ARGS..." (args NULL-terminated; -s STORE names the current test's
 * store) with input on stdin, or with a terminal answering steps when steps is not NULL, and
 * checks that no signal ended it and that every step was answered. */
static void run_args(struct run *r, bool with_store, const char *input,
		     const struct tty_step *steps, size_t nsteps, const char *const args[])
{
	char *argv[MAX_ARGS + 4];
	int n = 0;

	argv[n++] = "phonesec";
	if (with_store) {
		argv[n++] = "-s";
		argv[n++] = store;
	}
	for (size_t i = 0; n < MAX_ARGS && args[i]; i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;
	run_argv(r, input, steps, nsteps, argv);
	CU_ASSERT_FALSE(r->signaled);
	if (steps)
		CU_ASSERT_EQUAL(r->steps, nsteps);
}

/* run_args with the NULL-terminated arguments that ap holds, and stdin fed with input. */
static void run_va(struct run *r, bool with_store, const char *input, va_list ap)
{
	const char *args[MAX_ARGS + 1];
	size_t n = 0;

	for (const char *a; n < MAX_ARGS && (a = va_arg(ap, const char *)) != NULL;)
		args[n++] = a;
	args[n] = NULL;
	run_args(r, with_store, input, NULL, 0, args);
}

/* Runs "phonesec ARGS..." (NULL-terminated) without adding -s. */
static void run_raw(struct run *r, const char *input, ...)
{
	va_list ap;

	va_start(ap, input);
	run_va(r, false, input, ap);
	va_end(ap);
}

/* Runs "phonesec -s STORE ARGS..." on the current test's store. */
static void run_ps(struct run *r, const char *input, ...)
{
	va_list ap;

	va_start(ap, input);
	run_va(r, true, input, ap);
	va_end(ap);
}

/* Prints what a run produced when an expectation fails, to make the failure readable. */
static void run_dump(const struct run *r, const char *what)
{
	fprintf(stderr, "\n--- %s: exit %d\n--- stdout:\n%s--- stderr:\n%s---\n", what, r->status,
		r->out, r->err);
}

#define EXPECT_EXIT(r, code, what)                                                 \
	do {                                                                       \
		CU_ASSERT_EQUAL((r)->status, (code));                              \
		if ((r)->status != (code))                                         \
			run_dump((r), (what));                                     \
	} while (0)

/* A new store for the current test, created with `init` (profile NULL = built-in). */
static void fresh_store(const char *profile)
{
	struct run r;
	char name[32];
	char *prof = NULL;

	free(store);
	snprintf(name, sizeof(name), "store-%u.db", ++store_serial);
	store = tu_path(tmpdir, name);
	if (profile) {
		char *conf = tu_path(tu_srcdir(), "conf");

		prof = tu_path(conf, profile);
		free(conf);
		run_ps(&r, NULL, "init", "--profile", prof, NULL);
	} else {
		run_ps(&r, NULL, "init", NULL);
	}
	EXPECT_EXIT(&r, 0, "init");
	run_free(&r);
	free(prof);
}

/* The value of "key=" in a "key=value" line of text, malloc'd; NULL when absent. */
static char *line_value(const char *text, const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, key, klen) == 0 && p[klen] == '=')
			return strndup(p + klen + 1, strcspn(p + klen + 1, "\n"));
	return NULL;
}

/* The line of `list` output that starts with key (followed by a space), malloc'd. */
static char *list_line(const char *text, const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, key, klen) == 0 && p[klen] == ' ')
			return strndup(p, strcspn(p, "\n"));
	return NULL;
}

static size_t count_substr(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* ---------------------------------------------------------------- a tiny JSON checker */

struct jp {
	const char *p;
	int depth;
};

static bool jp_value(struct jp *j);

static void jp_ws(struct jp *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
		j->p++;
}

static bool jp_string(struct jp *j)
{
	if (*j->p != '"')
		return false;
	j->p++;
	while (*j->p != '"') {
		unsigned char c = (unsigned char)*j->p;

		if (c == '\0' || c < 0x20)
			return false;
		if (c == '\\') {
			j->p++;
			if (*j->p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF", j->p[i]) || !j->p[i])
						return false;
				j->p += 4;
			} else if (!*j->p || !strchr("\"\\/bfnrt", *j->p)) {
				return false;
			}
		}
		j->p++;
	}
	j->p++;
	return true;
}

static bool jp_number(struct jp *j)
{
	const char *s = j->p;

	if (*j->p == '-')
		j->p++;
	if (*j->p == '0')
		j->p++;
	else if (*j->p >= '1' && *j->p <= '9')
		while (*j->p >= '0' && *j->p <= '9')
			j->p++;
	else
		return false;
	if (*j->p == '.') {
		j->p++;
		if (*j->p < '0' || *j->p > '9')
			return false;
		while (*j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	if (*j->p == 'e' || *j->p == 'E') {
		j->p++;
		if (*j->p == '+' || *j->p == '-')
			j->p++;
		if (*j->p < '0' || *j->p > '9')
			return false;
		while (*j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	return j->p > s;
}

static bool jp_container(struct jp *j, char open, char close, bool object)
{
	if (*j->p != open || ++j->depth > 64)
		return false;
	j->p++;
	jp_ws(j);
	if (*j->p == close) {
		j->p++;
		j->depth--;
		return true;
	}
	for (;;) {
		jp_ws(j);
		if (object) {
			if (!jp_string(j))
				return false;
			jp_ws(j);
			if (*j->p++ != ':')
				return false;
		}
		if (!jp_value(j))
			return false;
		jp_ws(j);
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		if (*j->p++ != close)
			return false;
		j->depth--;
		return true;
	}
}

static bool jp_value(struct jp *j)
{
	jp_ws(j);
	switch (*j->p) {
	case '{':
		return jp_container(j, '{', '}', true);
	case '[':
		return jp_container(j, '[', ']', false);
	case '"':
		return jp_string(j);
	case 't':
		return strncmp(j->p, "true", 4) == 0 ? (j->p += 4, true) : false;
	case 'f':
		return strncmp(j->p, "false", 5) == 0 ? (j->p += 5, true) : false;
	case 'n':
		return strncmp(j->p, "null", 4) == 0 ? (j->p += 4, true) : false;
	default:
		return jp_number(j);
	}
}

/* True when text is exactly one JSON value (with surrounding white space). */
static bool json_valid(const char *text)
{
	struct jp j = { .p = text };

	if (!jp_value(&j))
		return false;
	jp_ws(&j);
	return *j.p == '\0';
}

static void test_json_checker(void)
{
	/* The checker itself must be able to say no, or the --json tests prove nothing. */
	CU_ASSERT_TRUE(json_valid("{\"a\":[1,-2.5e3,true,false,null,\"x\\\"y\\u00e9\"]}\n"));
	CU_ASSERT_TRUE(json_valid("[]"));
	CU_ASSERT_FALSE(json_valid("{\"a\":1,}"));
	CU_ASSERT_FALSE(json_valid("{\"a\" 1}"));
	CU_ASSERT_FALSE(json_valid("[\"a\nb\"]"));
	CU_ASSERT_FALSE(json_valid("[\"a\\qb\"]"));
	CU_ASSERT_FALSE(json_valid("[1] [2]"));
	CU_ASSERT_FALSE(json_valid(""));
}

/* ---------------------------------------------------------------- cases */

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define CASE_ARGS 8  /* a case's arguments, the NULL that ends them included */
#define CASE_TEXTS 4 /* texts a case looks for in one output */
#define ANY_EXIT INT_MIN

/* One run of the program and what it must show. Lists of texts end at the first NULL; a
 * field left out checks nothing, except status: 0 unless told otherwise. */
struct cli_case {
	const char *what;                  /* what is tested, named when a check fails */
	const char *args[CASE_ARGS];       /* after "phonesec -s STORE", NULL-terminated */
	bool no_store;                     /* run "phonesec ARGS..." without -s STORE */
	const char *input;                 /* stdin; NULL: empty */
	const struct tty_step *steps;      /* not NULL: stdin is a terminal answering these */
	size_t nsteps;
	int status;                        /* the exit status; ANY_EXIT: not checked */
	const char *out;                   /* not NULL: what stdout must be, exactly */
	const char *err;                   /* not NULL: what stderr must be, exactly */
	bool json;                         /* stdout must be one JSON value */
	const char *out_has[CASE_TEXTS];   /* texts stdout must contain */
	const char *out_lacks[CASE_TEXTS]; /* texts stdout must not contain */
	const char *err_has[CASE_TEXTS];
	const char *err_lacks[CASE_TEXTS];
	const char *tty_lacks[CASE_TEXTS]; /* texts the terminal must not show */
	size_t input_len;                  /* bytes of input when it holds NUL bytes; 0: strlen */
};

/* Checks that each of texts is in text (present) or is not. */
static void expect_texts(const char *text, const char *const texts[], bool present)
{
	for (size_t i = 0; i < CASE_TEXTS && texts[i]; i++) {
		if (present) {
			CU_ASSERT_PTR_NOT_NULL(strstr(text, texts[i]));
		} else {
			CU_ASSERT_PTR_NULL(strstr(text, texts[i]));
		}
	}
}

/* Runs one case and checks it, printing the run when a check failed. The run is handed back
 * in keep for more checks when keep is not NULL, and freed otherwise. */
static void run_case(const struct cli_case *c, struct run *keep)
{
	struct run r;
	unsigned int failures = CU_get_number_of_failures();

	next_input_len = c->input_len;
	run_args(&r, !c->no_store, c->input, c->steps, c->nsteps, c->args);
	next_input_len = 0;
	if (c->status != ANY_EXIT)
		CU_ASSERT_EQUAL(r.status, c->status);
	if (c->out)
		CU_ASSERT_STRING_EQUAL(r.out, c->out);
	if (c->err)
		CU_ASSERT_STRING_EQUAL(r.err, c->err);
	if (c->json)
		CU_ASSERT_TRUE(json_valid(r.out));
	expect_texts(r.out, c->out_has, true);
	expect_texts(r.out, c->out_lacks, false);
	expect_texts(r.err, c->err_has, true);
	expect_texts(r.err, c->err_lacks, false);
	expect_texts(r.tty, c->tty_lacks, false);
	if (CU_get_number_of_failures() != failures)
		run_dump(&r, c->what);
	if (keep)
		*keep = r;
	else
		run_free(&r);
}

/* Runs the cases in order, on the same store. */
static void run_cases(const struct cli_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++)
		run_case(&cases[i], NULL);
}

#define RUN_CASES(cases) run_cases((cases), COUNT_OF(cases))

/* Checks that `verify key` accepts value typed on stdin (with a newline). */
static void expect_verify(const char *key, const char *value, const char *what)
{
	char *line = NULL;

	CU_ASSERT(asprintf(&line, "%s\n", value) > 0);
	{
		const struct cli_case c = { what, { "verify", key }, .input = line };

		run_case(&c, NULL);
	}
	free(line);
}

/* Whether `list` output has a line for key that contains text ("": whether it has the line). */
static bool list_line_has(const char *out, const char *key, const char *text)
{
	char *line = list_line(out, key);
	bool has = line && strstr(line, text);

	free(line);
	return has;
}

/* Runs each command (up to three words) on the current store: it must succeed, or end with 1
 * for `check` (not hardened), and its run must pass check. */
static void run_reads(const char *const cmds[][3], size_t n,
		      void (*check)(const struct run *r, const char *what))
{
	struct run r;

	for (size_t i = 0; i < n; i++) {
		run_ps(&r, NULL, cmds[i][0], cmds[i][1], cmds[i][2], NULL);
		CU_ASSERT(r.status == 0 || (r.status == 1 && strcmp(cmds[i][0], "check") == 0));
		check(&r, cmds[i][0]);
		run_free(&r);
	}
}

/* Checks that SECRET shows neither on stdout nor on stderr. */
static void expect_no_secret(const struct run *r, const char *what)
{
	CU_ASSERT_PTR_NULL(strstr(r->out, SECRET));
	CU_ASSERT_PTR_NULL(strstr(r->err, SECRET));
}

/* Checks that stdout is one JSON value. */
static void expect_json(const struct run *r, const char *what)
{
	CU_ASSERT_TRUE(json_valid(r->out));
	if (!json_valid(r->out))
		run_dump(r, what);
}

/* ---------------------------------------------------------------- tests */

static const char *const all_commands[] = {
	"init", "get", "set", "list", "save", "discard", "boot", "lock", "unlock",
	"audit", "check", "harden", "factory-reset", "verify", "help",
};

static void test_help(void)
{
	static const struct cli_case help = {
		"--help", { "--help" }, .no_store = true,
		.out_has = { "usage: phonesec", "Exit codes" },
	};
	static const struct cli_case cases[] = {
		{ "help set", { "help", "set" }, .no_store = true, .out_has = { "KEY=VALUE" } },
		{ "--version", { "--version" }, .no_store = true, .out_has = { "phonesec" } },
	};
	struct run r;

	run_case(&help, &r);
	for (size_t i = 0; i < COUNT_OF(all_commands); i++)
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, all_commands[i]));
	run_free(&r);

	for (size_t i = 0; i < COUNT_OF(all_commands); i++) {
		/* No store needed for help: the path does not exist. */
		const struct cli_case c = {
			all_commands[i], { "-s", "/nonexistent/x.db", all_commands[i], "--help" },
			.no_store = true, .out_has = { "usage: phonesec", all_commands[i] },
			.err = "",
		};

		run_case(&c, NULL);
	}
	RUN_CASES(cases);
}

static void test_usage_errors(void)
{
	static const struct cli_case cases[] = {
		{ "no command", { NULL }, .no_store = true, .status = 2,
		  .err_has = { "no command" } },
		{ "unknown command", { "frobnicate" }, .status = 2,
		  .err_has = { "unknown command 'frobnicate'" } },
		{ "unknown global option", { "--bogus", "list" }, .status = 2,
		  .err_has = { "--bogus" } },
		{ "unknown command option", { "list", "--bogus" }, .status = 2,
		  .err_has = { "unknown option '--bogus'" } },
		{ "audit -n without value", { "audit", "-n" }, .status = 2,
		  .err_has = { "needs a value" } },
		{ "audit -n abc", { "audit", "-n", "abc" }, .status = 2 },
		{ "bad role", { "--role", "king", "list" }, .status = 2, .err_has = { "king" } },
		{ "--json on save", { "--json", "save" }, .status = 2 },
		{ "get without key", { "get" }, .status = 2 },
		{ "lock without key", { "lock" }, .status = 2 },
		{ "verify without key", { "verify" }, .status = 2 },
		{ "verify of a non-secret", { "verify", "http_port" }, .input = "x\n", .status = 2,
		  .err_has = { "http_port: not a secret" } },
		{ "save with an argument", { "save", "extra" }, .status = 2 },
	};

	fresh_store(NULL);
	RUN_CASES(cases);
}

static void test_init(void)
{
	static const struct cli_case missing_profile = {
		"init with a missing profile",
		{ "init", "--profile", "/nonexistent/profile.conf" },
		.status = 2, .err_has = { "/nonexistent/profile.conf" },
	};
	static const struct cli_case check = {
		"check on the secure profile", { "check" }, .status = 0,
	};
	struct run r;
	char *prof, *conf, *admin, *pin, *http;

	fresh_store(NULL);
	{
		const struct cli_case cases[] = {
			{ "init over an existing store", { "init" }, .status = 3,
			  .err_has = { store }, .out = "" },
			/* The store is still the first one and usable. */
			{ "get after refused init", { "get", "http_port" }, .out = "80\n" },
		};

		RUN_CASES(cases);
	}

	/* A missing profile is bad input, and no store is left behind. */
	free(store);
	store = tu_path(tmpdir, "never.db");
	run_case(&missing_profile, NULL);
	CU_ASSERT_NOT_EQUAL(access(store, F_OK), 0);

	/* The secure profile generates three secrets, printed once. */
	free(store);
	store = tu_path(tmpdir, "secure.db");
	conf = tu_path(tu_srcdir(), "conf");
	prof = tu_path(conf, "factory-secure.conf");
	run_ps(&r, NULL, "init", "--profile", prof, NULL);
	EXPECT_EXIT(&r, 0, "init --profile factory-secure.conf");
	admin = line_value(r.out, "admin_mode_password");
	pin = line_value(r.out, "keyboard_lock_pw");
	CU_ASSERT_PTR_NOT_NULL(admin);
	CU_ASSERT_PTR_NOT_NULL(pin);
	http = line_value(r.out, "http_pass");
	CU_ASSERT_PTR_NOT_NULL(http);
	free(http);
	run_free(&r);
	if (admin && pin) {
		expect_verify("admin_mode_password", admin, "verify the generated admin password");
		expect_verify("keyboard_lock_pw", pin, "verify the generated PIN");
	}
	run_case(&check, NULL);
	free(admin);
	free(pin);
	free(prof);
	free(conf);
}

static void test_get(void)
{
	static const struct cli_case cases[] = {
		{ "get http_port", { "get", "http_port" }, .out = "80\n" },
		{ "get a secret and two enums",
		  { "get", "admin_mode_password", "http_scheme", "webserver_type" },
		  .out = "\nbasic\nhttp_https\n", .out_lacks = { "0000" } },
		{ "get an unknown key", { "get", "http_port", "no_such_key" }, .status = 2,
		  .err_has = { "no_such_key: unknown setting" }, .out = "" },
		{ "get a key twice", { "get", "http_port", "http_port" }, .status = 2,
		  .err_has = { "http_port: given twice" } },
	};

	fresh_store(NULL);
	RUN_CASES(cases);
}

static void test_set(void)
{
	static const struct cli_case cases[] = {
		{ "set http_port=8080", { "set", "http_port=8080" }, .out = "" },
		{ "get http_port", { "get", "http_port" }, .status = ANY_EXIT, .out = "8080\n" },
		{ "set http_port=70000", { "set", "http_port=70000" }, .status = 2,
		  .err_has = { "phonesec: http_port: 70000 is out of range 1..65535" } },
		{ "get http_port", { "get", "http_port" }, .status = ANY_EXIT, .out = "8080\n" },
		/* One bad value among good ones: nothing changes, and every bad one is
		 * reported. */
		{ "multi-key set with bad values",
		  { "set", "https_port=8443", "http_port=abc", "web_logout_timer=0",
		    "use_hidden_tags=on" },
		  .status = 2, .err_has = { "http_port", "web_logout_timer" },
		  .err_lacks = { "https_port" } },
		{ "get after a refused set",
		  { "get", "https_port", "http_port", "web_logout_timer", "use_hidden_tags" },
		  .status = ANY_EXIT, .out = "443\n8080\n5\noff\n" },
		{ "set an unknown key", { "set", "https_port=8443", "no_such_key=1" }, .status = 2,
		  .err_has = { "no_such_key" } },
		{ "set without =", { "set", "https_port=8443", "http_port" }, .status = 2,
		  .err_has = { "'http_port': expected KEY=VALUE" } },
		{ "set with an empty key", { "set", "=5" }, .status = 2 },
		{ "set a key twice", { "set", "https_port=8443", "https_port=8444" }, .status = 2,
		  .err_has = { "https_port: given twice" } },
		{ "set without arguments", { "set" }, .status = 2 },
		{ "get https_port", { "get", "https_port" }, .status = ANY_EXIT, .out = "443\n" },
		/* Values may contain '=' and the option may follow the arguments. */
		{ "set a value with =", { "set", "tr69_acs_user=a=b", "--save" }, .status = 0 },
		{ "get tr69_acs_user", { "get", "tr69_acs_user" }, .status = ANY_EXIT,
		  .out = "a=b\n" },
	};

	fresh_store(NULL);
	RUN_CASES(cases);
}

static void test_list(void)
{
	static const struct cli_case list = { "list", { "list" }, .out_lacks = { "0000" } };
	static const struct cli_case set = {
		"set before list", { "set", "http_port=81", "admin_mode_password=" SECRET },
		.status = 0,
	};
	static const struct cli_case list_again = {
		"list after set", { "list" }, .status = ANY_EXIT, .out_lacks = { SECRET },
	};
	struct run r;

	fresh_store(NULL);
	run_case(&list, &r);
	CU_ASSERT_TRUE(list_line_has(r.out, "admin_mode_password", ""));
	CU_ASSERT_TRUE(list_line_has(r.out, "admin_mode_password", "(default)"));
	CU_ASSERT_TRUE(list_line_has(r.out, "http_pass", "(empty)"));
	CU_ASSERT_TRUE(list_line_has(r.out, "http_port", ""));
	CU_ASSERT_FALSE(list_line_has(r.out, "http_port", "*"));
	run_free(&r);

	run_case(&set, NULL);
	run_case(&list_again, &r);
	CU_ASSERT_TRUE(list_line_has(r.out, "http_port", "81"));
	CU_ASSERT_TRUE(list_line_has(r.out, "http_port", "cli"));
	CU_ASSERT_TRUE(list_line_has(r.out, "http_port", "*"));
	CU_ASSERT_TRUE(list_line_has(r.out, "admin_mode_password", "(set)"));
	run_free(&r);
}

static void test_layers(void)
{
	static const struct cli_case saving[] = {
		{ "set http_port=81", { "set", "http_port=81" }, .status = ANY_EXIT },
		{ "save", { "save" }, .status = 0 },
	};
	static const struct cli_case layers[] = {
		{ "set http_port=82", { "set", "http_port=82" }, .status = ANY_EXIT },
		{ "discard", { "discard" }, .status = 0 },
		{ "get after discard", { "get", "http_port" }, .status = ANY_EXIT, .out = "81\n" },
		{ "set http_port=83", { "set", "http_port=83" }, .status = ANY_EXIT },
		{ "boot", { "boot" }, .status = 0 },
		{ "get after boot", { "get", "http_port" }, .status = ANY_EXIT, .out = "81\n" },
		{ "set --save", { "set", "--save", "http_port=84" }, .status = 0 },
		{ "boot after set --save", { "boot" }, .status = ANY_EXIT },
		{ "get after set --save and boot", { "get", "http_port" }, .status = ANY_EXIT,
		  .out = "84\n" },
		{ "audit after layers", { "audit" },
		  .out_has = { "save", "discard", "boot", "set+save" } },
	};
	/* The last boot changed nothing, so it left no entry: the last one is the set --save. */
	static const struct cli_case last = {
		"audit -n 1", { "audit", "-n", "1" }, .out_has = { "set+save" },
	};
	struct run r;

	fresh_store(NULL);
	RUN_CASES(saving);
	/* Saved: the running value no longer differs from the saved one. */
	run_ps(&r, NULL, "list", NULL);
	CU_ASSERT_TRUE(list_line_has(r.out, "http_port", "") &&
		       !list_line_has(r.out, "http_port", "*"));
	run_free(&r);

	RUN_CASES(layers);
	run_case(&last, &r);
	CU_ASSERT_EQUAL(count_substr(r.out, "\n"), 2); /* header and one entry */
	run_free(&r);
}

static void test_lock_role(void)
{
	static const struct cli_case locking[] = {
		/* The desk user may change http_user until the provider locks it. */
		{ "subscriber sets an unlocked setting",
		  { "--role", "subscriber", "set", "http_user=alice" }, .status = 0 },
		{ "lock http_user", { "lock", "http_user" }, .status = 0 },
	};
	static const struct cli_case locked[] = {
		{ "subscriber sets a locked setting",
		  { "--role", "subscriber", "set", "http_user=bob" }, .status = 2,
		  .err_has = { "http_user: locked by your provider" } },
		{ "get the locked setting", { "get", "http_user" }, .status = ANY_EXIT,
		  .out = "alice\n" },
		/* webserver_type is the provider's from the factory. */
		{ "subscriber sets webserver_type",
		  { "--role", "subscriber", "set", "webserver_type=off" }, .status = 2,
		  .err_has = { "webserver_type: locked by your provider" } },
		{ "subscriber unlocks", { "--role", "subscriber", "unlock", "http_user" },
		  .status = 2 },
		{ "lock an unknown key", { "lock", "no_such_key" }, .status = 2 },
		{ "unlock http_user", { "unlock", "http_user" }, .status = 0 },
		{ "subscriber sets after unlock",
		  { "--role", "subscriber", "set", "http_user=bob" }, .status = 0 },
		{ "get after unlock", { "get", "http_user" }, .status = ANY_EXIT, .out = "bob\n" },
	};
	struct run r;

	fresh_store(NULL);
	RUN_CASES(locking);
	run_ps(&r, NULL, "list", NULL);
	CU_ASSERT_TRUE(list_line_has(r.out, "http_user", "locked"));
	run_free(&r);
	RUN_CASES(locked);
}

/* Everything a command could change, as the CLI shows it: every setting, lock and source, and
 * the audit head. malloc'd. */
static char *store_state_text(void)
{
	struct run l, a;
	char *text = NULL;

	run_ps(&l, NULL, "list", NULL);
	run_ps(&a, NULL, "audit", "-n", "1", NULL);
	CU_ASSERT(asprintf(&text, "%s%s", l.out, a.out) > 0);
	run_free(&l);
	run_free(&a);
	return text;
}

/* The desk user may not save, discard, boot or factory-reset: a discard reverted a locked
 * setting, a factory reset brought back the factory admin password and erased the ACS. */
static void test_subscriber_provider_only(void)
{
	static const struct cli_case provider[] = {
		{ "admin sets a locked setting and the ACS, unsaved",
		  { "set", "webserver_type=https", "tr69_acs_url=https://acs.example.net/",
		    "admin_mode_password=" SECRET },
		  .status = 0 },
	};
	static const struct cli_case refused[] = {
		{ "subscriber discard", { "--role", "subscriber", "discard" }, .status = 2,
		  .err_has = { "discard: only the provider" } },
		{ "subscriber save", { "--role", "subscriber", "save" }, .status = 2,
		  .err_has = { "save: only the provider" } },
		{ "subscriber boot", { "--role", "subscriber", "boot" }, .status = 2,
		  .err_has = { "boot: only the provider" } },
		{ "subscriber factory-reset", { "--role", "subscriber", "factory-reset", "--yes" },
		  .status = 2, .err_has = { "factory reset: only the provider" } },
	};
	static const struct cli_case after[] = {
		{ "the locked setting kept", { "get", "webserver_type", "tr69_acs_url" },
		  .status = 0, .out = "https\nhttps://acs.example.net/\n" },
		{ "a subscriber's set", { "--role", "subscriber", "set", "web_logout_timer=9" },
		  .status = 0 },
		{ "audit shows the roles", { "audit", "-n", "2" }, .status = 0,
		  .out_has = { "ROLE", "administrator", "subscriber" } },
		{ "audit --json shows the role", { "audit", "--json", "-n", "1" }, .status = 0,
		  .json = true, .out_has = { "\"role\":\"subscriber\"" },
		  .out_lacks = { "administrator" } },
	};

	fresh_store(NULL);
	RUN_CASES(provider);
	for (size_t i = 0; i < COUNT_OF(refused); i++) {
		char *before = store_state_text(), *now;

		run_case(&refused[i], NULL);
		now = store_state_text();
		CU_ASSERT_STRING_EQUAL(now, before);
		free(before);
		free(now);
	}
	expect_verify("admin_mode_password", SECRET, "the admin password kept");
	RUN_CASES(after);
}

static void test_secrets_hidden(void)
{
	static const char *const reads[][3] = {
		{ "get", "admin_mode_password", "http_pass" },
		{ "get", "--json", "admin_mode_password" },
		{ "list", NULL, NULL },
		{ "list", "--json", NULL },
		{ "audit", NULL, NULL },
		{ "audit", "--json", NULL },
		{ "check", NULL, NULL },
		{ "check", "--json", NULL },
	};
	static const struct cli_case set = {
		"set secrets",
		{ "set", "admin_mode_password=" SECRET, "http_user=carol", "http_pass=" SECRET },
		.out_lacks = { SECRET }, .err_lacks = { SECRET },
	};
	static const struct cli_case cases[] = {
		{ "audit names what changed", { "audit" }, .status = ANY_EXIT,
		  .out_has = { "admin_mode_password", "cli" } },
		/* A bad secret's error names the key, never the value. */
		{ "set a PIN with letters", { "set", "keyboard_lock_pw=" SECRET }, .status = 2,
		  .err_has = { "keyboard_lock_pw" }, .err_lacks = { SECRET } },
		{ "verify the right password", { "verify", "admin_mode_password" },
		  .input = SECRET "\n" },
		{ "verify without a final newline", { "verify", "http_pass" }, .input = SECRET },
		{ "verify a wrong password", { "verify", "admin_mode_password" },
		  .input = "S3cretValue\n", .status = 1,
		  .err_has = { "admin_mode_password: does not match" } },
		{ "verify an empty input", { "verify", "admin_mode_password" }, .status = 1 },
		/* KEY=- reads a secret from stdin, one line each in argument order */
		{ "set two secrets from stdin",
		  { "set", "http_pass=-", "http_user=dave", "admin_mode_password=-" },
		  .input = "Stdin-Http-1\nStdin-Admin-2\n", .out_lacks = { "Stdin-" },
		  .err_lacks = { "Stdin-" } },
		{ "verify the first one read", { "verify", "http_pass" }, .input = "Stdin-Http-1\n" },
		{ "verify the second one read", { "verify", "admin_mode_password" },
		  .input = "Stdin-Admin-2\n" },
		{ "get http_user after set from stdin", { "get", "http_user" }, .out = "dave\n" },
		/* nothing on stdin: refused, nothing written (the password stays) */
		{ "set a secret from an empty stdin", { "set", "http_pass=-", "http_user=erin" },
		  .status = 2, .err_has = { "http_pass: no value" } },
		{ "get http_user after the refusal", { "get", "http_user" }, .out = "dave\n" },
		{ "verify the password kept", { "verify", "http_pass" }, .input = "Stdin-Http-1\n" },
		/* a NUL byte read is refused, never cut: "Stdin-Http-1\0x" is not "Stdin-Http-1" */
		{ "verify a line with a NUL byte", { "verify", "http_pass" },
		  .input = "Stdin-Http-1\0x\n", .input_len = 15, .status = 2,
		  .err_has = { "http_pass: the line read contains a NUL byte" } },
		{ "set a secret with a NUL byte", { "set", "http_pass=-", "http_user=erin" },
		  .input = "New-Pass-3\0x\n", .input_len = 13, .status = 2,
		  .err_has = { "http_pass: the line read contains a NUL byte" } },
		{ "get http_user after the NUL refusal", { "get", "http_user" }, .out = "dave\n" },
		{ "verify the password kept after the NUL", { "verify", "http_pass" },
		  .input = "Stdin-Http-1\n" },
		{ "the cut value was not stored", { "verify", "http_pass" },
		  .input = "New-Pass-3\n", .status = 1 },
		/* "-" means stdin for secrets alone: a user name may be "-" */
		{ "a user name of -", { "set", "tr69_acs_user=-" }, .status = 0 },
		{ "get it back", { "get", "tr69_acs_user" }, .out = "-\n" },
	};

	fresh_store(NULL);
	run_case(&set, NULL);
	run_reads(reads, COUNT_OF(reads), expect_no_secret);
	RUN_CASES(cases);
}

static void test_check_harden(void)
{
	static const struct cli_case cases[] = {
		{ "check on factory values", { "check" }, .status = 1,
		  .out_has = { "fail", "not hardened" } },
		/* Without passwords and without a terminal harden refuses and writes nothing. */
		{ "harden without passwords nor terminal", { "harden" }, .status = 2,
		  .err_has = { "--admin-password" } },
		{ "harden with a short admin password",
		  { "harden", "--admin-password", "short", "--http-password", "HttpPass123",
		    "--pin", "123456" },
		  .status = 2, .err_has = { "at least 8" } },
		{ "harden with a bad PIN",
		  { "harden", "--admin-password", "Adm1nPassw0rd", "--http-password",
		    "HttpPass123", "--pin", "12ab" },
		  .status = 2, .err_has = { "keyboard_lock_pw" }, .err_lacks = { "12ab" } },
		{ "get after a refused harden", { "get", "webserver_type", "admin_mode" },
		  .status = ANY_EXIT, .out = "http_https\non\n" },
		{ "harden with options",
		  { "harden", "--admin-password", "Adm1nPassw0rd", "--http-password",
		    "HttpPass123", "--pin", "123456" },
		  .out_lacks = { "Adm1nPassw0rd", "HttpPass123" },
		  .err_lacks = { "Adm1nPassw0rd", "HttpPass123" } },
		{ "get after harden",
		  { "get", "use_hidden_tags", "http_scheme", "admin_mode", "webserver_type",
		    "enable_keyboard_lock", "http_user" },
		  .status = ANY_EXIT, .out = "on\ndigest\noff\nhttps\non\nadmin\n" },
		{ "check after harden", { "check" }, .out_has = { "hardened: every rule" } },
		{ "verify the hardened admin password", { "verify", "admin_mode_password" },
		  .input = "Adm1nPassw0rd\n" },
		/* One transaction: one audit entry with every key. */
		{ "audit -n 1 after harden", { "audit", "-n", "1" }, .status = ANY_EXIT,
		  .out_has = { "admin_mode_password", "keyboard_lock_pw", "webserver_type" } },
		/* factory-reset: refused without a terminal and without --yes, then done with
		 * --yes. */
		{ "factory-reset without --yes nor terminal", { "factory-reset" }, .status = 2,
		  .err_has = { "--yes" } },
		{ "check after a refused factory-reset", { "check" }, .status = 0 },
		{ "factory-reset --yes", { "factory-reset", "--yes" }, .status = 0 },
		{ "check after factory-reset", { "check" }, .status = 1 },
		{ "get after factory-reset", { "get", "webserver_type", "http_user" },
		  .status = ANY_EXIT, .out = "http_https\n\n" },
		{ "factory admin password after reset", { "verify", "admin_mode_password" },
		  .input = "0000\n" },
	};

	fresh_store(NULL);
	RUN_CASES(cases);
}

static void test_harden_generate(void)
{
	static const struct cli_case wrong = {
		"verify a wrong admin password", { "verify", "admin_mode_password" },
		.input = "wrong-password\n", .status = 1,
	};
	/* --save wrote both layers: boot keeps the hardening. */
	static const struct cli_case rebooted[] = {
		{ "boot", { "boot" }, .status = ANY_EXIT },
		{ "check after harden --generate --save and boot", { "check" }, .status = 0 },
		{ "get http_user", { "get", "http_user" }, .status = ANY_EXIT, .out = "desk\n" },
	};
	struct run r;
	char *admin, *http, *pin, *line;

	fresh_store(NULL);
	run_ps(&r, NULL, "harden", "--generate", "--http-user", "desk", "--save", NULL);
	EXPECT_EXIT(&r, 0, "harden --generate");
	admin = line_value(r.out, "admin_mode_password");
	http = line_value(r.out, "http_pass");
	pin = line_value(r.out, "keyboard_lock_pw");
	CU_ASSERT_PTR_NOT_NULL_FATAL(admin);
	CU_ASSERT_PTR_NOT_NULL_FATAL(http);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pin);
	CU_ASSERT_EQUAL(strlen(admin), 16);
	CU_ASSERT_EQUAL(strlen(http), 16);
	CU_ASSERT_EQUAL(strlen(pin), 6);
	CU_ASSERT_EQUAL(strspn(pin, "0123456789"), 6);
	CU_ASSERT_EQUAL(strcspn(admin, "0O1lI"), 16);
	CU_ASSERT_STRING_NOT_EQUAL(admin, http);
	/* Shown once, on stdout only. */
	CU_ASSERT_EQUAL(count_substr(r.out, admin), 1);
	CU_ASSERT_PTR_NULL(strstr(r.err, admin));
	CU_ASSERT_PTR_NULL(strstr(r.err, http));
	run_free(&r);

	expect_verify("admin_mode_password", admin, "verify the generated admin password");
	run_case(&wrong, NULL);
	expect_verify("keyboard_lock_pw", pin, "verify the generated PIN");
	RUN_CASES(rebooted);

	/* A second run generates different secrets. */
	run_ps(&r, NULL, "harden", "--generate", NULL);
	EXPECT_EXIT(&r, 0, "harden --generate again");
	line = line_value(r.out, "admin_mode_password");
	CU_ASSERT_PTR_NOT_NULL(line);
	CU_ASSERT(line && strcmp(line, admin) != 0);
	free(line);
	run_free(&r);
	free(admin);
	free(http);
	free(pin);
}

/* Prompts on a terminal: harden asks twice without echo and asks again after a mistake,
 * factory-reset asks for confirmation, verify asks without echo. */
static void test_terminal(void)
{
	static const struct tty_step harden[] = {
		{ "New admin_mode_password: ", "Abcdefgh1\n", 0 },
		{ "Repeat admin_mode_password: ", "Different1\n", 0 }, /* mismatch: asked again */
		{ "New admin_mode_password: ", "Short12\n", 0 },       /* 7 characters: again */
		{ "New admin_mode_password: ", "Adm1nPassw0rd\n", 0 },
		{ "Repeat admin_mode_password: ", "Adm1nPassw0rd\n", 0 },
		/* a NUL byte: refused, not cut to "4711", asked again */
		{ "New keyboard_lock_pw: ", "4711\0\n", 6 },
		{ "New keyboard_lock_pw: ", "4711\n", 0 },
		{ "Repeat keyboard_lock_pw: ", "4711\n", 0 },
	};
	static const struct tty_step verify[] = { { "admin_mode_password: ", "Adm1nPassw0rd\n", 0 } };
	static const struct tty_step decline[] = { { "Type 'yes'", "no\n", 0 } };
	static const struct tty_step accept[] = { { "Type 'yes'", "yes\n", 0 } };
	static const struct cli_case cases[] = {
		/* Nothing typed is echoed or printed. */
		{ "harden on a terminal", { "harden", "--http-password", "HttpPass123" },
		  .steps = harden, .nsteps = COUNT_OF(harden),
		  .err_has = { "differ", "at least 8", "keyboard_lock_pw: the line read contains a NUL" },
		  .tty_lacks = { "Adm1nPassw0rd", "Different1", "4711" },
		  .out_lacks = { "Adm1nPassw0rd" }, .err_lacks = { "Adm1nPassw0rd", "Short12" } },
		{ "check after harden on a terminal", { "check" }, .status = 0 },
		{ "verify the PIN typed on the terminal", { "verify", "keyboard_lock_pw" },
		  .input = "4711\n" },
		{ "verify on a terminal", { "verify", "admin_mode_password" }, .steps = verify,
		  .nsteps = COUNT_OF(verify), .tty_lacks = { "Adm1nPassw0rd" } },
		{ "factory-reset declined", { "factory-reset" }, .steps = decline,
		  .nsteps = COUNT_OF(decline), .status = 1, .err_has = { "not confirmed" } },
		{ "check after a declined factory-reset", { "check" }, .status = 0 },
		{ "factory-reset confirmed", { "factory-reset" }, .steps = accept,
		  .nsteps = COUNT_OF(accept) },
		{ "check after a confirmed factory-reset", { "check" }, .status = 1 },
	};
	int probe = posix_openpt(O_RDWR | O_NOCTTY);

	if (probe < 0) {
		/* A container without /dev/pts: nothing to drive a terminal with. */
		fprintf(stderr, "test_cli: no pseudo-terminal (%s), terminal tests skipped\n",
			strerror(errno));
		return;
	}
	close(probe);
	fresh_store(NULL);
	RUN_CASES(cases);
}

static void test_json(void)
{
	static const char *const cmds[][3] = {
		{ "get", "--json", "http_port" },
		{ "list", "--json", NULL },
		{ "audit", "--json", NULL },
		{ "check", "--json", NULL },
	};
	/* Quotes and backslashes in a value must come out escaped. */
	static const struct cli_case set = {
		"set a value to escape", { "set", "tr69_acs_user=a\"b\\c d", "http_port=8080" },
		.status = 0,
	};
	static const struct cli_case cases[] = {
		{ "get --json",
		  { "get", "--json", "tr69_acs_user", "http_port", "admin_mode_password" },
		  .json = true,
		  .out = "{\"tr69_acs_user\":\"a\\\"b\\\\c d\",\"http_port\":\"8080\","
			 "\"admin_mode_password\":\"\"}\n" },
		/* --json also works as a global option. */
		{ "--json list", { "--json", "list" }, .json = true,
		  .out_has = { "\"key\":\"admin_mode_password\"", "\"state\":\"default\"" } },
		{ "check --json on factory values", { "check", "--json" }, .status = 1,
		  .out_has = { "\"hardened\":false", "\"hint\"" } },
	};

	fresh_store(NULL);
	run_case(&set, NULL);
	run_reads(cmds, COUNT_OF(cmds), expect_json);
	RUN_CASES(cases);
}

static void test_store_errors(void)
{
	static const char *const cmds[] = { "get", "list", "check", "audit", "set" };
	struct run r;
	char *missing = tu_path(tmpdir, "missing.db");
	char *garbage = tu_path(tmpdir, "garbage.db");
	const struct cli_case missing_get = {
		"missing store", { "-s", missing, "get", "http_port" }, .no_store = true,
		.status = 3, .err_has = { missing }, .out = "",
	};
	const struct cli_case missing_list = {
		"list on a missing store", { "-s", missing, "list" }, .no_store = true,
		.status = 3,
	};
	const struct cli_case env_get = {
		"get with PHONESEC_STORE", { "get", "http_port" }, .no_store = true, .out = "80\n",
	};
	const struct cli_case env_missing = {
		"get with PHONESEC_STORE missing", { "get", "http_port" }, .no_store = true,
		.status = 3, .err_has = { missing },
	};
	FILE *f;

	run_case(&missing_get, NULL);
	CU_ASSERT_NOT_EQUAL(access(missing, F_OK), 0); /* reading never creates a store */
	run_case(&missing_list, NULL);

	f = fopen(garbage, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	for (int i = 0; i < 4096; i++)
		fputc("garbage\x01\xff"[i % 9], f);
	fclose(f);
	for (size_t i = 0; i < COUNT_OF(cmds); i++) {
		run_raw(&r, NULL, "-s", garbage, cmds[i],
			strcmp(cmds[i], "set") == 0 ? "http_port=81" :
			strcmp(cmds[i], "get") == 0 ? "http_port" : NULL,
			NULL);
		EXPECT_EXIT(&r, 3, cmds[i]);
		CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "phonesec: "));
		run_free(&r);
	}

	/* PHONESEC_STORE names the store when -s is not given. */
	fresh_store(NULL);
	setenv("PHONESEC_STORE", store, 1);
	run_case(&env_get, NULL);
	setenv("PHONESEC_STORE", missing, 1);
	run_case(&env_missing, NULL);
	unsetenv("PHONESEC_STORE");
	free(missing);
	free(garbage);
}

/* ---------------------------------------------------------------- suite */

static int suite_init(void)
{
	program = tu_path(tu_builddir(), "tools/phonesec");
	tmpdir = tu_mkdtemp();
	if (!program || !tmpdir || access(program, X_OK) != 0) {
		fprintf(stderr, "test_cli: no program at %s or no temporary folder\n",
			program ? program : "?");
		return -1;
	}
	return 0;
}

static int suite_clean(void)
{
	tu_rmtree(tmpdir);
	free(tmpdir);
	free(program);
	free(store);
	return 0;
}

int main(void)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{ "json checker", test_json_checker },
		{ "help", test_help },
		{ "usage errors", test_usage_errors },
		{ "init", test_init },
		{ "get", test_get },
		{ "set", test_set },
		{ "list", test_list },
		{ "save, discard, boot, audit", test_layers },
		{ "lock and subscriber role", test_lock_role },
		{ "subscriber: no save, discard, boot, factory-reset", test_subscriber_provider_only },
		{ "secrets never shown, verify", test_secrets_hidden },
		{ "check, harden, factory-reset", test_check_harden },
		{ "harden --generate", test_harden_generate },
		{ "prompts on a terminal", test_terminal },
		{ "json output", test_json },
		{ "store errors", test_store_errors },
	};
	CU_pSuite suite;

	/* The program may exit before reading its stdin. */
	signal(SIGPIPE, SIG_IGN);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	suite = CU_add_suite("cli", suite_init, suite_clean);
	if (!suite)
		return 1;
	/* PHONESEC_CLI_TESTS="name|name...": only those (the valgrind pass runs a cross-section,
	 * each program run there costs most of a second) */
	const char *only = getenv("PHONESEC_CLI_TESTS");
	size_t added = 0;
	for (size_t i = 0; i < COUNT_OF(tests); i++) {
		if (only && *only) {
			const char *p = strstr(only, tests[i].name);
			size_t n = strlen(tests[i].name);
			if (!p || (p != only && p[-1] != '|') || (p[n] && p[n] != '|'))
				continue;
		}
		if (!CU_add_test(suite, tests[i].name, tests[i].fn))
			return 1;
		added++;
	}
	if (!added) {
		fprintf(stderr, "test_cli: PHONESEC_CLI_TESTS names no test\n");
		return 1;
	}
	return tu_run();
}
