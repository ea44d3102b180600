/* phonesec-wuid: the phone's web UI daemon as a library (wuid.c), so that tests link the code
 * main.c runs. One libevent loop: the HTTP and HTTPS listeners, the store's change feed, timers.
 */
#ifndef PHONESEC_WUI_H
#define PHONESEC_WUI_H

#include <stdbool.h>

struct wui_options {
	const char *store_path; /* NULL: store_default_path() */
	const char *conf_path;  /* NULL: built-in defaults */
	bool foreground, debug;
};

/* Runs until SIGTERM or SIGINT. Returns the process exit status: 0, 1 for a start-up failure
 * (store, configuration, TLS). */
int wui_run(const struct wui_options *o);

#endif
