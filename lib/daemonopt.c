/* lib/daemonopt: the shared command line and start of phonesec-cwmpd and phonesec-wuid (see
 * daemonopt.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "daemonopt.h"
#include "log.h"

int daemonopt_parse(struct daemonopt *o, int argc, char **argv, const struct daemonopt_own *own,
		    void (*usage)(FILE *f))
{
	char optstring[64];
	int c;

	*o = (struct daemonopt){ 0 };
	snprintf(optstring, sizeof(optstring), "s:c:fdh%s", own ? own->letters : "");
	while ((c = getopt(argc, argv, optstring)) != -1) {
		switch (c) {
		case 's':
			o->store_path = optarg;
			break;
		case 'c':
			o->conf_path = optarg;
			break;
		case 'f':
			o->foreground = true;
			break;
		case 'd':
			o->debug = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case '?':
		case ':':
			usage(stderr);
			return 2;
		default:
			if (!own || own->fn(own->arg, c, optarg))
				return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	return -1;
}

int daemonopt_start(const struct daemonopt *o, const char *name)
{
	log_init(name, o->foreground, o->debug);
	if (!o->foreground && daemon(0, 0) != 0) {
		log_msg(LOG_ERR, "daemon: %s", strerror(errno));
		return -1;
	}
	return 0;
}
