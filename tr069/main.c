/* phonesec-cwmpd: the TR-069 CPE client of phonesec. Parses the command line and runs the
 * daemon library (cwmpd.c), so tests link the same code. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cwmpd.h"
#include "log.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: phonesec-cwmpd [-s STORE] [-c CONF] [-f] [-d] [-p CR_PORT]\n"
		   "  -s STORE    settings store (default $PHONESEC_STORE or the built-in path)\n"
		   "  -c CONF     configuration file (device identity, TLS trust, listener)\n"
		   "  -f          stay in the foreground and log to stderr\n"
		   "  -d          debug logging\n"
		   "  -p CR_PORT  connection-request port instead of tr69_cr_port (0: any free port)\n");
}

int main(int argc, char **argv)
{
	struct cwmpd_options o = { .cr_port = -1 };
	int c;

	while ((c = getopt(argc, argv, "s:c:fdp:h")) != -1) {
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
		case 'p': {
			char *end;
			errno = 0;
			long v = strtol(optarg, &end, 10);
			if (errno || *end || v < 0 || v > 65535) {
				fprintf(stderr, "phonesec-cwmpd: bad port %s\n", optarg);
				return 2;
			}
			o.cr_port = (int)v;
			break;
		}
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
	log_init("phonesec-cwmpd", o.foreground, o.debug);
	if (!o.foreground && daemon(0, 0) != 0) {
		log_msg(LOG_ERR, "daemon: %s", strerror(errno));
		return 1;
	}
	int rc = cwmpd_run(&o);
	log_close();
	return rc;
}
