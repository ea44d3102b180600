/* phonesec-wuid: the phone's web UI daemon. Parses the command line and runs the daemon library
 * (wuid.c), so tests link the same code. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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
	struct wui_options o = { 0 };
	int c;

	while ((c = getopt(argc, argv, "s:c:fdh")) != -1) {
		switch (c) {
		case 's':
			o.store_path = optarg;
			break;
		case 'c':
			o.conf_path = optarg;
			break;
		case 'f':
			o.foreground = true;
			break;
		case 'd':
			o.debug = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	log_init("phonesec-wuid", o.foreground, o.debug);
	if (!o.foreground && daemon(0, 0) != 0) {
		log_msg(LOG_ERR, "daemon: %s", strerror(errno));
		return 1;
	}
	int rc = wui_run(&o);
	log_close();
	return rc;
}
