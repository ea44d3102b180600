/* phonesec command line: reading secrets from stdin or the terminal (no echo, termios) and
 * generating them with OpenSSL's RAND_bytes. Every buffer that held a secret is wiped. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "cli.h"

/* Characters of generated passwords: no 0/O, 1/l/I look-alikes, nothing a shell or a URL quotes. */
static const char alphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
static const char digits[] = "0123456789";

#define CLI_TEXT_(x) #x
#define CLI_TEXT(x) CLI_TEXT_(x)
#define CLI_SECRET_MAX_TEXT CLI_TEXT(CLI_SECRET_MAX)

/* Set by the handler while echo is off, so a signal ends the prompt and the terminal is restored
 * before the program goes on (the default action would leave the terminal without echo). */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

static const int prompt_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP };
#define PROMPT_SIGNALS (sizeof(prompt_signals) / sizeof(prompt_signals[0]))

int cli_secret_read(char **out, const char *prompt)
{
	struct termios saved, quiet;
	struct sigaction sa, old[PROMPT_SIGNALS];
	bool echo_off = false, too_long = false, nul = false;
	char *buf = NULL;
	size_t len = 0;
	int err = STORE_OK;

	*out = NULL;
	buf = malloc(CLI_SECRET_MAX + 1);
	if (!buf)
		return STORE_E_NOMEM;
	if (isatty(STDIN_FILENO) == 1 && tcgetattr(STDIN_FILENO, &saved) == 0) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal; /* no SA_RESTART: read() returns EINTR */
		sigemptyset(&sa.sa_mask);
		interrupted = 0;
		for (size_t i = 0; i < PROMPT_SIGNALS; i++)
			sigaction(prompt_signals[i], &sa, &old[i]);
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
		echo_off = true;
		if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) != 0) {
			err = STORE_E_IO;
			goto out;
		}
		if (prompt) {
			fputs(prompt, stderr);
			fflush(stderr);
		}
	}
	for (;;) {
		char c;
		ssize_t r = read(STDIN_FILENO, &c, 1);

		if (r < 0 && errno == EINTR && !interrupted)
			continue;
		if (r < 0) {
			err = STORE_E_IO;
			break;
		}
		if (r == 0 || c == '\n')
			break;
		if (c == '\0')
			nul = true; /* the C string would end there: refused below, never cut */
		if (len < CLI_SECRET_MAX)
			buf[len++] = c;
		else
			too_long = true; /* read on to the end of the line, keep nothing more */
	}
	if (err == STORE_OK && too_long)
		err = STORE_E_VALUE;
	else if (err == STORE_OK && nul)
		err = STORE_E_TYPE;
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	buf[len] = '\0';
	if (err == STORE_OK) {
		*out = strdup(buf);
		if (!*out)
			err = STORE_E_NOMEM;
	}
out:
	if (echo_off) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
		fputc('\n', stderr);
		for (size_t i = 0; i < PROMPT_SIGNALS; i++)
			sigaction(prompt_signals[i], &old[i], NULL);
		/* The terminal is sane again: let the signal take its usual effect now. */
		if (interrupted)
			raise(interrupted);
	}
	explicit_bzero(buf, CLI_SECRET_MAX + 1);
	free(buf);
	return err;
}

const char *cli_secret_read_problem(int err)
{
	switch (err) {
	case STORE_E_VALUE: return "the line read is longer than " CLI_SECRET_MAX_TEXT " characters";
	case STORE_E_TYPE: return "the line read contains a NUL byte (refused, not cut)";
	case STORE_E_NOMEM: return "out of memory";
	default: return "cannot read stdin";
	}
}

int cli_secret_ask_new(char **out, const struct store_setting *s, size_t min_len)
{
	char *first = NULL, *second = NULL, msg[256];
	char prompt[128];
	int err = STORE_E_VALUE;

	*out = NULL;
	for (int attempt = 0; attempt < 3; attempt++) {
		char *canon = NULL;

		snprintf(prompt, sizeof(prompt), "New %s: ", s->key);
		err = cli_secret_read(&first, prompt);
		if (err == STORE_E_TYPE || err == STORE_E_VALUE) {
			cli_error("%s: %s", s->key, cli_secret_read_problem(err));
			continue;
		}
		if (err != STORE_OK)
			goto out;
		err = store_value_check(&canon, s, first, msg, sizeof(msg));
		store_secret_wipe(canon);
		if (err != STORE_OK) {
			cli_error("%s", msg);
		} else if (strlen(first) < min_len) {
			cli_error("%s: must have at least %zu characters", s->key, min_len);
			err = STORE_E_VALUE;
		} else {
			snprintf(prompt, sizeof(prompt), "Repeat %s: ", s->key);
			err = cli_secret_read(&second, prompt);
			if (err == STORE_E_TYPE || err == STORE_E_VALUE) {
				cli_error("%s: %s", s->key, cli_secret_read_problem(err));
				store_secret_wipe(first);
				first = NULL;
				continue;
			}
			if (err != STORE_OK)
				goto out;
			if (strcmp(first, second) == 0) {
				*out = first;
				first = NULL;
				goto out;
			}
			cli_error("%s: the two entries differ", s->key);
			err = STORE_E_VALUE;
		}
		store_secret_wipe(first);
		store_secret_wipe(second);
		first = second = NULL;
	}
out:
	store_secret_wipe(first);
	store_secret_wipe(second);
	return err;
}

int cli_secret_generate(char **out, size_t len, bool digits_only)
{
	const char *set = digits_only ? digits : alphabet;
	size_t n = strlen(set), have = 0;
	/* Bytes at or above limit are dropped, so every character is equally likely. */
	unsigned limit = 256 - 256 % (unsigned)n;
	unsigned char rnd[64];
	char *s;
	int err = STORE_OK;

	*out = NULL;
	s = malloc(len + 1);
	if (!s)
		return STORE_E_NOMEM;
	while (have < len) {
		if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
			err = STORE_E_IO;
			goto out;
		}
		for (size_t i = 0; i < sizeof(rnd) && have < len; i++)
			if (rnd[i] < limit)
				s[have++] = set[rnd[i] % n];
	}
	s[len] = '\0';
	*out = s;
	s = NULL;
out:
	explicit_bzero(rnd, sizeof(rnd));
	if (s) {
		explicit_bzero(s, len + 1);
		free(s);
	}
	return err;
}
