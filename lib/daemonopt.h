/* lib/daemonopt: the command line phonesec-cwmpd and phonesec-wuid share (-s STORE, -c CONF, -f,
 * -d, -h) and their start (the log set up, detached from the terminal unless -f). */
#ifndef PHONESEC_DAEMONOPT_H
#define PHONESEC_DAEMONOPT_H

#include <stdbool.h>
#include <stdio.h>

struct daemonopt {
	const char *store_path; /* -s; NULL: $PHONESEC_STORE or the built-in path */
	const char *conf_path;  /* -c; NULL: built-in defaults */
	bool foreground;        /* -f: stay in the foreground, log to stderr */
	bool debug;             /* -d */
};

/* A daemon's own options: getopt letters (as in a getopt string, "p:"), and fn called with each
 * (arg, the letter, its argument), returning 0, or -1 after printing why the value is refused. */
struct daemonopt_own {
	const char *letters;
	int (*fn)(void *arg, int c, const char *optarg);
	void *arg;
};

/* Parses argv with getopt(3) into o (zeroed first) and through own (NULL: none); usage(f) prints
 * the daemon's usage. Returns -1 to go on, or the status main() exits with: 0 after -h (usage on
 * stdout), 2 for an unknown option, a refused value or an operand (usage on stderr). */
int daemonopt_parse(struct daemonopt *o, int argc, char **argv, const struct daemonopt_own *own,
		    void (*usage)(FILE *f));

/* log_init(name) after o, then daemon(3) unless o->foreground. 0, or -1 (logged). */
int daemonopt_start(const struct daemonopt *o, const char *name);

#endif
