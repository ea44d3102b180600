/* phonesec-cwmpd: the TR-069 CPE client of phonesec. Parses the command line and runs the
 * daemon library (cwmpd.c), so tests link the same code. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cwmpd.h"
#include "daemonopt.h"
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

/* -p CR_PORT */
static int own_option(void *arg, int c, const char *optarg)
{
	int *cr_port = arg;
	char *end;

	(void)c;
	errno = 0;
	long v = strtol(optarg, &end, 10);
	if (errno || end == optarg || *end || v < 0 || v > 65535) {
		fprintf(stderr, "phonesec-cwmpd: bad port %s\n", optarg);
		return -1;
	}
	*cr_port = (int)v;
	return 0;
}

int main(int argc, char **argv)
{
	struct daemonopt d;
	int cr_port = -1;
	const struct daemonopt_own own = { .letters = "p:", .fn = own_option, .arg = &cr_port };
	int rc = daemonopt_parse(&d, argc, argv, &own, usage);

	if (rc >= 0)
		return rc;
	if (daemonopt_start(&d, "phonesec-cwmpd"))
		return 1;
	const struct cwmpd_options o = { .store_path = d.store_path, .conf_path = d.conf_path,
					 .foreground = d.foreground, .debug = d.debug,
					 .cr_port = cr_port };
	rc = cwmpd_run(&o);
	log_close();
	return rc;
}
