/* phonesec-wuid: the phone's web UI daemon. Parses the command line and runs the daemon library
 * (wuid.c), so tests link the same code. */
#include "config.h"

#include <stdio.h>

#include "daemonopt.h"
#include "log.h"
#include "wui.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: phonesec-wuid [-s STORE] [-c CONF] [-f] [-d]\n"
		   "  -s STORE  settings store (default $PHONESEC_STORE or the built-in path)\n"
		   "  -c CONF   configuration file (listener address, certificate, limits)\n"
		   "  -f        stay in the foreground and log to stderr\n"
		   "  -d        debug logging\n");
}

int main(int argc, char **argv)
{
	struct daemonopt d;
	int rc = daemonopt_parse(&d, argc, argv, NULL, usage);

	if (rc >= 0)
		return rc;
	if (daemonopt_start(&d, "phonesec-wuid"))
		return 1;
	const struct wui_options o = { .store_path = d.store_path, .conf_path = d.conf_path,
				       .foreground = d.foreground, .debug = d.debug };
	rc = wui_run(&o);
	log_close();
	return rc;
}
