/* Tests of the phonesec command line: runs the built tools/phonesec (fork/exec, no shell) on stores
 * in a fresh temporary folder and checks exit codes, stdout, stderr and that secrets never show. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
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
#define RUN_TIMEOUT_MS 30000
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
};

/* Runs program with argv (NULL-terminated) in a new session. Without steps, stdin is a pipe fed
 * with input (NULL: empty) and there is no controlling terminal. With steps, stdin is a
 * pseudo-terminal driven by the steps and what the terminal shows (its echo) goes to r->tty. */
static void run_argv(struct run *r, const char *input, const struct tty_step *steps,
		     size_t nsteps, char *const argv[])
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 }, master = -1;
	struct sink so = { 0 }, se = { 0 }, st = { 0 };
	size_t in_len = input ? strlen(input) : 0, in_off = 0, step = 0, seen = 0;
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
			if (master >= 0 &&
			    write(master, steps[step].send, strlen(steps[step].send)) < 0)
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

/* Runs "phonesec ARGS..." (NULL-terminated) without adding -s. */
static void run_raw(struct run *r, const char *input, ...)
{
	char *argv[MAX_ARGS + 2];
	va_list ap;
	int n = 0;

	argv[n++] = "phonesec";
	va_start(ap, input);
	for (char *a; n < MAX_ARGS && (a = va_arg(ap, char *)) != NULL;)
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	run_argv(r, input, NULL, 0, argv);
	CU_ASSERT_FALSE(r->signaled);
}

/* Runs "phonesec -s STORE ARGS..." on the current test's store. */
static void run_ps(struct run *r, const char *input, ...)
{
	char *argv[MAX_ARGS + 4];
	va_list ap;
	int n = 0;

	argv[n++] = "phonesec";
	argv[n++] = "-s";
	argv[n++] = store;
	va_start(ap, input);
	for (char *a; n < MAX_ARGS && (a = va_arg(ap, char *)) != NULL;)
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	run_argv(r, input, NULL, 0, argv);
	CU_ASSERT_FALSE(r->signaled);
}

/* Runs "phonesec -s STORE ARGS..." with a terminal on stdin answering the steps. */
static void run_tty(struct run *r, const struct tty_step *steps, size_t nsteps, ...)
{
	char *argv[MAX_ARGS + 4];
	va_list ap;
	int n = 0;

	argv[n++] = "phonesec";
	argv[n++] = "-s";
	argv[n++] = store;
	va_start(ap, nsteps);
	for (char *a; n < MAX_ARGS && (a = va_arg(ap, char *)) != NULL;)
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	run_argv(r, NULL, steps, nsteps, argv);
	CU_ASSERT_FALSE(r->signaled);
	CU_ASSERT_EQUAL(r->steps, nsteps);
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

/* ---------------------------------------------------------------- tests */

static const char *const all_commands[] = {
	"init", "get", "set", "list", "save", "discard", "boot", "lock", "unlock",
	"audit", "check", "harden", "factory-reset", "verify", "help",
};

static void test_help(void)
{
	struct run r;

	run_raw(&r, NULL, "--help", NULL);
	EXPECT_EXIT(&r, 0, "--help");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "usage: phonesec"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "Exit codes"));
	for (size_t i = 0; i < sizeof(all_commands) / sizeof(all_commands[0]); i++)
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, all_commands[i]));
	run_free(&r);

	for (size_t i = 0; i < sizeof(all_commands) / sizeof(all_commands[0]); i++) {
		/* No store needed for help: the path does not exist. */
		run_raw(&r, NULL, "-s", "/nonexistent/x.db", all_commands[i], "--help", NULL);
		EXPECT_EXIT(&r, 0, all_commands[i]);
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "usage: phonesec"));
		CU_ASSERT_PTR_NOT_NULL(strstr(r.out, all_commands[i]));
		CU_ASSERT_STRING_EQUAL(r.err, "");
		run_free(&r);
	}
	run_raw(&r, NULL, "help", "set", NULL);
	EXPECT_EXIT(&r, 0, "help set");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "KEY=VALUE"));
	run_free(&r);

	run_raw(&r, NULL, "--version", NULL);
	EXPECT_EXIT(&r, 0, "--version");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "phonesec"));
	run_free(&r);
}

static void test_usage_errors(void)
{
	struct run r;

	fresh_store(NULL);
	run_raw(&r, NULL, NULL);
	EXPECT_EXIT(&r, 2, "no command");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "no command"));
	run_free(&r);

	run_ps(&r, NULL, "frobnicate", NULL);
	EXPECT_EXIT(&r, 2, "unknown command");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "unknown command 'frobnicate'"));
	run_free(&r);

	run_ps(&r, NULL, "--bogus", "list", NULL);
	EXPECT_EXIT(&r, 2, "unknown global option");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "--bogus"));
	run_free(&r);

	run_ps(&r, NULL, "list", "--bogus", NULL);
	EXPECT_EXIT(&r, 2, "unknown command option");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "unknown option '--bogus'"));
	run_free(&r);

	run_ps(&r, NULL, "audit", "-n", NULL);
	EXPECT_EXIT(&r, 2, "audit -n without value");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "needs a value"));
	run_free(&r);

	run_ps(&r, NULL, "audit", "-n", "abc", NULL);
	EXPECT_EXIT(&r, 2, "audit -n abc");
	run_free(&r);

	run_ps(&r, NULL, "--role", "king", "list", NULL);
	EXPECT_EXIT(&r, 2, "bad role");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "king"));
	run_free(&r);

	run_ps(&r, NULL, "--json", "save", NULL);
	EXPECT_EXIT(&r, 2, "--json on save");
	run_free(&r);

	run_ps(&r, NULL, "get", NULL);
	EXPECT_EXIT(&r, 2, "get without key");
	run_free(&r);

	run_ps(&r, NULL, "lock", NULL);
	EXPECT_EXIT(&r, 2, "lock without key");
	run_free(&r);

	run_ps(&r, NULL, "verify", NULL);
	EXPECT_EXIT(&r, 2, "verify without key");
	run_free(&r);

	run_ps(&r, "x\n", "verify", "http_port", NULL);
	EXPECT_EXIT(&r, 2, "verify of a non-secret");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "http_port: not a secret"));
	run_free(&r);

	run_ps(&r, NULL, "save", "extra", NULL);
	EXPECT_EXIT(&r, 2, "save with an argument");
	run_free(&r);
}

static void test_init(void)
{
	struct run r;
	char *prof, *conf, *admin, *pin, *http;

	fresh_store(NULL);
	run_ps(&r, NULL, "init", NULL);
	EXPECT_EXIT(&r, 3, "init over an existing store");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, store));
	CU_ASSERT_STRING_EQUAL(r.out, "");
	run_free(&r);

	/* The store is still the first one and usable. */
	run_ps(&r, NULL, "get", "http_port", NULL);
	EXPECT_EXIT(&r, 0, "get after refused init");
	CU_ASSERT_STRING_EQUAL(r.out, "80\n");
	run_free(&r);

	/* A missing profile is bad input, and no store is left behind. */
	free(store);
	store = tu_path(tmpdir, "never.db");
	run_ps(&r, NULL, "init", "--profile", "/nonexistent/profile.conf", NULL);
	EXPECT_EXIT(&r, 2, "init with a missing profile");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "/nonexistent/profile.conf"));
	run_free(&r);
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
		char *line = NULL;

		CU_ASSERT(asprintf(&line, "%s\n", admin) > 0);
		run_ps(&r, line, "verify", "admin_mode_password", NULL);
		EXPECT_EXIT(&r, 0, "verify the generated admin password");
		run_free(&r);
		free(line);
		CU_ASSERT(asprintf(&line, "%s\n", pin) > 0);
		run_ps(&r, line, "verify", "keyboard_lock_pw", NULL);
		EXPECT_EXIT(&r, 0, "verify the generated PIN");
		run_free(&r);
		free(line);
	}
	run_ps(&r, NULL, "check", NULL);
	EXPECT_EXIT(&r, 0, "check on the secure profile");
	run_free(&r);
	free(admin);
	free(pin);
	free(prof);
	free(conf);
}

static void test_get(void)
{
	struct run r;

	fresh_store(NULL);
	run_ps(&r, NULL, "get", "http_port", NULL);
	EXPECT_EXIT(&r, 0, "get http_port");
	CU_ASSERT_STRING_EQUAL(r.out, "80\n");
	run_free(&r);

	run_ps(&r, NULL, "get", "admin_mode_password", "http_scheme", "webserver_type", NULL);
	EXPECT_EXIT(&r, 0, "get a secret and two enums");
	CU_ASSERT_STRING_EQUAL(r.out, "\nbasic\nhttp_https\n");
	CU_ASSERT_PTR_NULL(strstr(r.out, "0000"));
	run_free(&r);

	run_ps(&r, NULL, "get", "http_port", "no_such_key", NULL);
	EXPECT_EXIT(&r, 2, "get an unknown key");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "no_such_key: unknown setting"));
	CU_ASSERT_STRING_EQUAL(r.out, "");
	run_free(&r);

	run_ps(&r, NULL, "get", "http_port", "http_port", NULL);
	EXPECT_EXIT(&r, 2, "get a key twice");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "http_port: given twice"));
	run_free(&r);
}

static void test_set(void)
{
	struct run r;

	fresh_store(NULL);
	run_ps(&r, NULL, "set", "http_port=8080", NULL);
	EXPECT_EXIT(&r, 0, "set http_port=8080");
	CU_ASSERT_STRING_EQUAL(r.out, "");
	run_free(&r);
	run_ps(&r, NULL, "get", "http_port", NULL);
	CU_ASSERT_STRING_EQUAL(r.out, "8080\n");
	run_free(&r);

	run_ps(&r, NULL, "set", "http_port=70000", NULL);
	EXPECT_EXIT(&r, 2, "set http_port=70000");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "phonesec: http_port: 70000 is out of range 1..65535"));
	run_free(&r);
	run_ps(&r, NULL, "get", "http_port", NULL);
	CU_ASSERT_STRING_EQUAL(r.out, "8080\n");
	run_free(&r);

	/* One bad value among good ones: nothing changes, and every bad one is reported. */
	run_ps(&r, NULL, "set", "https_port=8443", "http_port=abc", "web_logout_timer=0",
	       "use_hidden_tags=on", NULL);
	EXPECT_EXIT(&r, 2, "multi-key set with bad values");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "http_port"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "web_logout_timer"));
	CU_ASSERT_PTR_NULL(strstr(r.err, "https_port"));
	run_free(&r);
	run_ps(&r, NULL, "get", "https_port", "http_port", "web_logout_timer", "use_hidden_tags",
	       NULL);
	CU_ASSERT_STRING_EQUAL(r.out, "443\n8080\n5\noff\n");
	run_free(&r);

	run_ps(&r, NULL, "set", "https_port=8443", "no_such_key=1", NULL);
	EXPECT_EXIT(&r, 2, "set an unknown key");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "no_such_key"));
	run_free(&r);

	run_ps(&r, NULL, "set", "https_port=8443", "http_port", NULL);
	EXPECT_EXIT(&r, 2, "set without =");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "'http_port': expected KEY=VALUE"));
	run_free(&r);

	run_ps(&r, NULL, "set", "=5", NULL);
	EXPECT_EXIT(&r, 2, "set with an empty key");
	run_free(&r);

	run_ps(&r, NULL, "set", "https_port=8443", "https_port=8444", NULL);
	EXPECT_EXIT(&r, 2, "set a key twice");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "https_port: given twice"));
	run_free(&r);

	run_ps(&r, NULL, "set", NULL);
	EXPECT_EXIT(&r, 2, "set without arguments");
	run_free(&r);

	run_ps(&r, NULL, "get", "https_port", NULL);
	CU_ASSERT_STRING_EQUAL(r.out, "443\n");
	run_free(&r);

	/* Values may contain '=' and the option may follow the arguments. */
	run_ps(&r, NULL, "set", "tr69_acs_user=a=b", "--save", NULL);
	EXPECT_EXIT(&r, 0, "set a value with =");
	run_free(&r);
	run_ps(&r, NULL, "get", "tr69_acs_user", NULL);
	CU_ASSERT_STRING_EQUAL(r.out, "a=b\n");
	run_free(&r);
}

static void test_list(void)
{
	struct run r;
	char *line;

	fresh_store(NULL);
	run_ps(&r, NULL, "list", NULL);
	EXPECT_EXIT(&r, 0, "list");
	line = list_line(r.out, "admin_mode_password");
	CU_ASSERT_PTR_NOT_NULL(line);
	CU_ASSERT_PTR_NOT_NULL(line ? strstr(line, "(default)") : NULL);
	free(line);
	line = list_line(r.out, "http_pass");
	CU_ASSERT_PTR_NOT_NULL(line ? strstr(line, "(empty)") : NULL);
	free(line);
	line = list_line(r.out, "http_port");
	CU_ASSERT_PTR_NOT_NULL(line);
	CU_ASSERT_PTR_NULL(line ? strchr(line, '*') : NULL);
	free(line);
	CU_ASSERT_PTR_NULL(strstr(r.out, "0000"));
	run_free(&r);

	run_ps(&r, NULL, "set", "http_port=81", "admin_mode_password=" SECRET, NULL);
	EXPECT_EXIT(&r, 0, "set before list");
	run_free(&r);
	run_ps(&r, NULL, "list", NULL);
	line = list_line(r.out, "http_port");
	CU_ASSERT_PTR_NOT_NULL(line ? strstr(line, "81") : NULL);
	CU_ASSERT_PTR_NOT_NULL(line ? strstr(line, "cli") : NULL);
	CU_ASSERT_PTR_NOT_NULL(line ? strchr(line, '*') : NULL);
	free(line);
	line = list_line(r.out, "admin_mode_password");
	CU_ASSERT_PTR_NOT_NULL(line ? strstr(line, "(set)") : NULL);
	free(line);
	CU_ASSERT_PTR_NULL(strstr(r.out, SECRET));
	run_free(&r);
}

static void test_layers(void)
{
	struct run r;
	char *line;

	fresh_store(NULL);
	run_ps(&r, NULL, "set", "http_port=81", NULL);
	run_free(&r);
	run_ps(&r, NULL, "save", NULL);
	EXPECT_EXIT(&r, 0, "save");
	run_free(&r);
	run_ps(&r, NULL, "list", NULL);
	line = list_line(r.out, "http_port");
	CU_ASSERT_PTR_NULL(line ? strchr(line, '*') : "no line");
	free(line);
	run_free(&r);

	run_ps(&r, NULL, "set", "http_port=82", NULL);
	run_free(&r);
	run_ps(&r, NULL, "discard", NULL);
	EXPECT_EXIT(&r, 0, "discard");
	run_free(&r);
	run_ps(&r, NULL, "get", "http_port", NULL);
	CU_ASSERT_STRING_EQUAL(r.out, "81\n");
	run_free(&r);

	run_ps(&r, NULL, "set", "http_port=83", NULL);
	run_free(&r);
	run_ps(&r, NULL, "boot", NULL);
	EXPECT_EXIT(&r, 0, "boot");
	run_free(&r);
	run_ps(&r, NULL, "get", "http_port", NULL);
	CU_ASSERT_STRING_EQUAL(r.out, "81\n");
	run_free(&r);

	run_ps(&r, NULL, "set", "--save", "http_port=84", NULL);
	EXPECT_EXIT(&r, 0, "set --save");
	run_free(&r);
	run_ps(&r, NULL, "boot", NULL);
	run_free(&r);
	run_ps(&r, NULL, "get", "http_port", NULL);
	CU_ASSERT_STRING_EQUAL(r.out, "84\n");
	run_free(&r);

	run_ps(&r, NULL, "audit", NULL);
	EXPECT_EXIT(&r, 0, "audit after layers");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "save"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "discard"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "boot"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "set+save"));
	run_free(&r);

	/* The last boot changed nothing, so it left no entry: the last one is the set --save. */
	run_ps(&r, NULL, "audit", "-n", "1", NULL);
	EXPECT_EXIT(&r, 0, "audit -n 1");
	CU_ASSERT_EQUAL(count_substr(r.out, "\n"), 2); /* header and one entry */
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "set+save"));
	run_free(&r);
}

static void test_lock_role(void)
{
	struct run r;
	char *line;

	fresh_store(NULL);
	/* The desk user may change http_user until the provider locks it. */
	run_ps(&r, NULL, "--role", "subscriber", "set", "http_user=alice", NULL);
	EXPECT_EXIT(&r, 0, "subscriber sets an unlocked setting");
	run_free(&r);

	run_ps(&r, NULL, "lock", "http_user", NULL);
	EXPECT_EXIT(&r, 0, "lock http_user");
	run_free(&r);
	run_ps(&r, NULL, "list", NULL);
	line = list_line(r.out, "http_user");
	CU_ASSERT_PTR_NOT_NULL(line ? strstr(line, "locked") : NULL);
	free(line);
	run_free(&r);

	run_ps(&r, NULL, "--role", "subscriber", "set", "http_user=bob", NULL);
	EXPECT_EXIT(&r, 2, "subscriber sets a locked setting");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "http_user: locked by your provider"));
	run_free(&r);
	run_ps(&r, NULL, "get", "http_user", NULL);
	CU_ASSERT_STRING_EQUAL(r.out, "alice\n");
	run_free(&r);

	/* webserver_type is the provider's from the factory. */
	run_ps(&r, NULL, "--role", "subscriber", "set", "webserver_type=off", NULL);
	EXPECT_EXIT(&r, 2, "subscriber sets webserver_type");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "webserver_type: locked by your provider"));
	run_free(&r);

	run_ps(&r, NULL, "--role", "subscriber", "unlock", "http_user", NULL);
	EXPECT_EXIT(&r, 2, "subscriber unlocks");
	run_free(&r);

	run_ps(&r, NULL, "lock", "no_such_key", NULL);
	EXPECT_EXIT(&r, 2, "lock an unknown key");
	run_free(&r);

	run_ps(&r, NULL, "unlock", "http_user", NULL);
	EXPECT_EXIT(&r, 0, "unlock http_user");
	run_free(&r);
	run_ps(&r, NULL, "--role", "subscriber", "set", "http_user=bob", NULL);
	EXPECT_EXIT(&r, 0, "subscriber sets after unlock");
	run_free(&r);
	run_ps(&r, NULL, "get", "http_user", NULL);
	CU_ASSERT_STRING_EQUAL(r.out, "bob\n");
	run_free(&r);
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
	struct run r;

	fresh_store(NULL);
	run_ps(&r, NULL, "set", "admin_mode_password=" SECRET, "http_user=carol",
	       "http_pass=" SECRET, NULL);
	EXPECT_EXIT(&r, 0, "set secrets");
	CU_ASSERT_PTR_NULL(strstr(r.out, SECRET));
	CU_ASSERT_PTR_NULL(strstr(r.err, SECRET));
	run_free(&r);
	for (size_t i = 0; i < sizeof(reads) / sizeof(reads[0]); i++) {
		run_ps(&r, NULL, reads[i][0], reads[i][1], reads[i][2], NULL);
		CU_ASSERT(r.status == 0 || (r.status == 1 && strcmp(reads[i][0], "check") == 0));
		CU_ASSERT_PTR_NULL(strstr(r.out, SECRET));
		CU_ASSERT_PTR_NULL(strstr(r.err, SECRET));
		run_free(&r);
	}
	run_ps(&r, NULL, "audit", NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "admin_mode_password"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "cli"));
	run_free(&r);

	/* A bad secret's error names the key, never the value. */
	run_ps(&r, NULL, "set", "keyboard_lock_pw=" SECRET, NULL);
	EXPECT_EXIT(&r, 2, "set a PIN with letters");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "keyboard_lock_pw"));
	CU_ASSERT_PTR_NULL(strstr(r.err, SECRET));
	run_free(&r);

	run_ps(&r, SECRET "\n", "verify", "admin_mode_password", NULL);
	EXPECT_EXIT(&r, 0, "verify the right password");
	run_free(&r);
	run_ps(&r, SECRET, "verify", "http_pass", NULL); /* no newline at the end */
	EXPECT_EXIT(&r, 0, "verify without a final newline");
	run_free(&r);
	run_ps(&r, "S3cretValue\n", "verify", "admin_mode_password", NULL);
	EXPECT_EXIT(&r, 1, "verify a wrong password");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "admin_mode_password: does not match"));
	run_free(&r);
	run_ps(&r, NULL, "verify", "admin_mode_password", NULL);
	EXPECT_EXIT(&r, 1, "verify an empty input");
	run_free(&r);
}

static void test_check_harden(void)
{
	struct run r;

	fresh_store(NULL);
	run_ps(&r, NULL, "check", NULL);
	EXPECT_EXIT(&r, 1, "check on factory values");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "fail"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "not hardened"));
	run_free(&r);

	/* Without passwords and without a terminal harden refuses and writes nothing. */
	run_ps(&r, NULL, "harden", NULL);
	EXPECT_EXIT(&r, 2, "harden without passwords nor terminal");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "--admin-password"));
	run_free(&r);

	run_ps(&r, NULL, "harden", "--admin-password", "short", "--http-password", "HttpPass123",
	       "--pin", "123456", NULL);
	EXPECT_EXIT(&r, 2, "harden with a short admin password");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "at least 8"));
	run_free(&r);

	run_ps(&r, NULL, "harden", "--admin-password", "Adm1nPassw0rd", "--http-password",
	       "HttpPass123", "--pin", "12ab", NULL);
	EXPECT_EXIT(&r, 2, "harden with a bad PIN");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "keyboard_lock_pw"));
	CU_ASSERT_PTR_NULL(strstr(r.err, "12ab"));
	run_free(&r);
	run_ps(&r, NULL, "get", "webserver_type", "admin_mode", NULL);
	CU_ASSERT_STRING_EQUAL(r.out, "http_https\non\n");
	run_free(&r);

	run_ps(&r, NULL, "harden", "--admin-password", "Adm1nPassw0rd", "--http-password",
	       "HttpPass123", "--pin", "123456", NULL);
	EXPECT_EXIT(&r, 0, "harden with options");
	CU_ASSERT_PTR_NULL(strstr(r.out, "Adm1nPassw0rd"));
	CU_ASSERT_PTR_NULL(strstr(r.err, "Adm1nPassw0rd"));
	CU_ASSERT_PTR_NULL(strstr(r.out, "HttpPass123"));
	CU_ASSERT_PTR_NULL(strstr(r.err, "HttpPass123"));
	run_free(&r);
	run_ps(&r, NULL, "get", "use_hidden_tags", "http_scheme", "admin_mode", "webserver_type",
	       "enable_keyboard_lock", "http_user", NULL);
	CU_ASSERT_STRING_EQUAL(r.out, "on\ndigest\noff\nhttps\non\nadmin\n");
	run_free(&r);
	run_ps(&r, NULL, "check", NULL);
	EXPECT_EXIT(&r, 0, "check after harden");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "hardened: every rule"));
	run_free(&r);
	run_ps(&r, "Adm1nPassw0rd\n", "verify", "admin_mode_password", NULL);
	EXPECT_EXIT(&r, 0, "verify the hardened admin password");
	run_free(&r);

	/* One transaction: one audit entry with every key. */
	run_ps(&r, NULL, "audit", "-n", "1", NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "admin_mode_password"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "keyboard_lock_pw"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "webserver_type"));
	run_free(&r);

	/* factory-reset: refused without a terminal and without --yes, then done with --yes. */
	run_ps(&r, NULL, "factory-reset", NULL);
	EXPECT_EXIT(&r, 2, "factory-reset without --yes nor terminal");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "--yes"));
	run_free(&r);
	run_ps(&r, NULL, "check", NULL);
	EXPECT_EXIT(&r, 0, "check after a refused factory-reset");
	run_free(&r);
	run_ps(&r, NULL, "factory-reset", "--yes", NULL);
	EXPECT_EXIT(&r, 0, "factory-reset --yes");
	run_free(&r);
	run_ps(&r, NULL, "check", NULL);
	EXPECT_EXIT(&r, 1, "check after factory-reset");
	run_free(&r);
	run_ps(&r, NULL, "get", "webserver_type", "http_user", NULL);
	CU_ASSERT_STRING_EQUAL(r.out, "http_https\n\n");
	run_free(&r);
	run_ps(&r, "0000\n", "verify", "admin_mode_password", NULL);
	EXPECT_EXIT(&r, 0, "factory admin password after reset");
	run_free(&r);
}

static void test_harden_generate(void)
{
	struct run r;
	char *admin, *http, *pin, *line = NULL;

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

	CU_ASSERT(asprintf(&line, "%s\n", admin) > 0);
	run_ps(&r, line, "verify", "admin_mode_password", NULL);
	EXPECT_EXIT(&r, 0, "verify the generated admin password");
	run_free(&r);
	free(line);
	run_ps(&r, "wrong-password\n", "verify", "admin_mode_password", NULL);
	EXPECT_EXIT(&r, 1, "verify a wrong admin password");
	run_free(&r);
	CU_ASSERT(asprintf(&line, "%s\n", pin) > 0);
	run_ps(&r, line, "verify", "keyboard_lock_pw", NULL);
	EXPECT_EXIT(&r, 0, "verify the generated PIN");
	run_free(&r);
	free(line);

	/* --save wrote both layers: boot keeps the hardening. */
	run_ps(&r, NULL, "boot", NULL);
	run_free(&r);
	run_ps(&r, NULL, "check", NULL);
	EXPECT_EXIT(&r, 0, "check after harden --generate --save and boot");
	run_free(&r);
	run_ps(&r, NULL, "get", "http_user", NULL);
	CU_ASSERT_STRING_EQUAL(r.out, "desk\n");
	run_free(&r);

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
		{ "New admin_mode_password: ", "Abcdefgh1\n" },
		{ "Repeat admin_mode_password: ", "Different1\n" }, /* mismatch: asked again */
		{ "New admin_mode_password: ", "Short12\n" },       /* 7 characters: again */
		{ "New admin_mode_password: ", "Adm1nPassw0rd\n" },
		{ "Repeat admin_mode_password: ", "Adm1nPassw0rd\n" },
		{ "New keyboard_lock_pw: ", "4711\n" },
		{ "Repeat keyboard_lock_pw: ", "4711\n" },
	};
	static const struct tty_step verify[] = { { "admin_mode_password: ", "Adm1nPassw0rd\n" } };
	static const struct tty_step decline[] = { { "Type 'yes'", "no\n" } };
	static const struct tty_step accept[] = { { "Type 'yes'", "yes\n" } };
	struct run r;
	int probe = posix_openpt(O_RDWR | O_NOCTTY);

	if (probe < 0) {
		/* A container without /dev/pts: nothing to drive a terminal with. */
		fprintf(stderr, "test_cli: no pseudo-terminal (%s), terminal tests skipped\n",
			strerror(errno));
		return;
	}
	close(probe);
	fresh_store(NULL);
	run_tty(&r, harden, sizeof(harden) / sizeof(harden[0]), "harden", "--http-password",
		"HttpPass123", NULL);
	EXPECT_EXIT(&r, 0, "harden on a terminal");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "differ"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "at least 8"));
	/* Nothing typed is echoed or printed. */
	CU_ASSERT_PTR_NULL(strstr(r.tty, "Adm1nPassw0rd"));
	CU_ASSERT_PTR_NULL(strstr(r.tty, "Different1"));
	CU_ASSERT_PTR_NULL(strstr(r.tty, "4711"));
	CU_ASSERT_PTR_NULL(strstr(r.out, "Adm1nPassw0rd"));
	CU_ASSERT_PTR_NULL(strstr(r.err, "Adm1nPassw0rd"));
	CU_ASSERT_PTR_NULL(strstr(r.err, "Short12"));
	run_free(&r);
	run_ps(&r, NULL, "check", NULL);
	EXPECT_EXIT(&r, 0, "check after harden on a terminal");
	run_free(&r);
	run_ps(&r, "4711\n", "verify", "keyboard_lock_pw", NULL);
	EXPECT_EXIT(&r, 0, "verify the PIN typed on the terminal");
	run_free(&r);

	run_tty(&r, verify, 1, "verify", "admin_mode_password", NULL);
	EXPECT_EXIT(&r, 0, "verify on a terminal");
	CU_ASSERT_PTR_NULL(strstr(r.tty, "Adm1nPassw0rd"));
	run_free(&r);

	run_tty(&r, decline, 1, "factory-reset", NULL);
	EXPECT_EXIT(&r, 1, "factory-reset declined");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "not confirmed"));
	run_free(&r);
	run_ps(&r, NULL, "check", NULL);
	EXPECT_EXIT(&r, 0, "check after a declined factory-reset");
	run_free(&r);

	run_tty(&r, accept, 1, "factory-reset", NULL);
	EXPECT_EXIT(&r, 0, "factory-reset confirmed");
	run_free(&r);
	run_ps(&r, NULL, "check", NULL);
	EXPECT_EXIT(&r, 1, "check after a confirmed factory-reset");
	run_free(&r);
}

static void test_json(void)
{
	static const char *const cmds[][3] = {
		{ "get", "--json", "http_port" },
		{ "list", "--json", NULL },
		{ "audit", "--json", NULL },
		{ "check", "--json", NULL },
	};
	struct run r;

	fresh_store(NULL);
	/* Quotes and backslashes in a value must come out escaped. */
	run_ps(&r, NULL, "set", "tr69_acs_user=a\"b\\c d", "http_port=8080", NULL);
	EXPECT_EXIT(&r, 0, "set a value to escape");
	run_free(&r);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		run_ps(&r, NULL, cmds[i][0], cmds[i][1], cmds[i][2], NULL);
		CU_ASSERT(r.status == 0 || (r.status == 1 && strcmp(cmds[i][0], "check") == 0));
		CU_ASSERT_TRUE(json_valid(r.out));
		if (!json_valid(r.out))
			run_dump(&r, cmds[i][0]);
		run_free(&r);
	}
	run_ps(&r, NULL, "get", "--json", "tr69_acs_user", "http_port", "admin_mode_password",
	       NULL);
	EXPECT_EXIT(&r, 0, "get --json");
	CU_ASSERT_TRUE(json_valid(r.out));
	CU_ASSERT_STRING_EQUAL(r.out, "{\"tr69_acs_user\":\"a\\\"b\\\\c d\",\"http_port\":\"8080\","
				      "\"admin_mode_password\":\"\"}\n");
	run_free(&r);

	/* --json also works as a global option. */
	run_ps(&r, NULL, "--json", "list", NULL);
	EXPECT_EXIT(&r, 0, "--json list");
	CU_ASSERT_TRUE(json_valid(r.out));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\"key\":\"admin_mode_password\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\"state\":\"default\""));
	run_free(&r);

	run_ps(&r, NULL, "check", "--json", NULL);
	EXPECT_EXIT(&r, 1, "check --json on factory values");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\"hardened\":false"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\"hint\""));
	run_free(&r);
}

static void test_store_errors(void)
{
	struct run r;
	char *missing = tu_path(tmpdir, "missing.db");
	char *garbage = tu_path(tmpdir, "garbage.db");
	FILE *f;

	run_raw(&r, NULL, "-s", missing, "get", "http_port", NULL);
	EXPECT_EXIT(&r, 3, "missing store");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, missing));
	CU_ASSERT_STRING_EQUAL(r.out, "");
	run_free(&r);
	CU_ASSERT_NOT_EQUAL(access(missing, F_OK), 0); /* reading never creates a store */

	run_raw(&r, NULL, "-s", missing, "list", NULL);
	EXPECT_EXIT(&r, 3, "list on a missing store");
	run_free(&r);

	f = fopen(garbage, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	for (int i = 0; i < 4096; i++)
		fputc("garbage\x01\xff"[i % 9], f);
	fclose(f);
	{
		static const char *const cmds[] = { "get", "list", "check", "audit", "set" };

		for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
			run_raw(&r, NULL, "-s", garbage, cmds[i],
				strcmp(cmds[i], "set") == 0 ? "http_port=81" :
				strcmp(cmds[i], "get") == 0 ? "http_port" : NULL,
				NULL);
			EXPECT_EXIT(&r, 3, cmds[i]);
			CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "phonesec: "));
			run_free(&r);
		}
	}

	/* PHONESEC_STORE names the store when -s is not given. */
	fresh_store(NULL);
	setenv("PHONESEC_STORE", store, 1);
	run_raw(&r, NULL, "get", "http_port", NULL);
	EXPECT_EXIT(&r, 0, "get with PHONESEC_STORE");
	CU_ASSERT_STRING_EQUAL(r.out, "80\n");
	run_free(&r);
	setenv("PHONESEC_STORE", missing, 1);
	run_raw(&r, NULL, "get", "http_port", NULL);
	EXPECT_EXIT(&r, 3, "get with PHONESEC_STORE missing");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, missing));
	run_free(&r);
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
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (!CU_add_test(suite, tests[i].name, tests[i].fn))
			return 1;
	return tu_run();
}
