/* phonesec-cwmpd, the CWMP client daemon: one libevent loop (connection requests, timers,
 * signals, the store's change feed) and one worker thread running the blocking gSOAP sessions.
 *
 * The two threads share only struct cwmpd_shared (cwmpd.c), under its mutex; each has its own
 * store handle and data model. cwmpd_run() returns an exit status; nothing calls exit().
 */
#ifndef PHONESEC_TR069_CWMPD_H
#define PHONESEC_TR069_CWMPD_H

#include <stdbool.h>

struct cwmpd_options {
	const char *store_path; /* NULL = store_default_path() */
	const char *conf_path;  /* NULL = built-in defaults */
	bool foreground;        /* stay in the foreground, log to stderr */
	bool debug;
	int cr_port;            /* -1 = tr69_cr_port from the store; 0 = chosen by the kernel */
};

/* Runs until SIGTERM or SIGINT. Returns 0, or 1 after a startup error (logged). */
int cwmpd_run(const struct cwmpd_options *opt);

#endif
