/* phonesec-agentx: the PHONESEC-MIB AgentX subagent. Parses the command line, sets up logging
 * and the event loop, and runs libphonesec-agent until SIGTERM or SIGINT. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "agent.h"
#include "log.h"

static void main_usage(FILE *f)
{
	fprintf(f,
		"usage: phonesec-agentx [-s STORE] [-x AGENTX_SOCKET] [-p PING_SECONDS] [-w USER] [-f] [-d] [-D TOKENS]\n"
		"  -s STORE          settings store (default $PHONESEC_STORE or the built-in path)\n"
		"  -x AGENTX_SOCKET  master agent's AgentX socket (default /var/agentx/master)\n"
		"  -p PING_SECONDS   AgentX ping and reconnect interval (default %d)\n"
		"  -w USER           principal audited for writes (AgentX does not carry the SNMPv3\n"
		"                    user; default \"snmp\")\n"
		"  -f                stay in the foreground and log to stderr\n"
		"  -d                debug messages\n"
		"  -D TOKENS         Net-SNMP debug tokens (e.g. agentx/subagent,snmp_alarm)\n",
		AGENT_PING_DEFAULT_S);
}

static void main_on_signal(evutil_socket_t sig, short what, void *arg)
{
	log_msg(LOG_INFO, "signal %d: stopping", (int)sig);
	event_base_loopbreak(arg);
}

int main(int argc, char **argv)
{
	struct agent_config cfg = { 0 };
	bool foreground = false, debug = false;
	struct event_base *base = NULL;
	struct event *sigterm = NULL, *sigint = NULL;
	struct agent *ag = NULL;
	char err[512];
	int opt, rc = 1;

	while ((opt = getopt(argc, argv, "s:x:p:w:D:fdh")) != -1) {
		switch (opt) {
		case 's':
			cfg.store_path = optarg;
			break;
		case 'x':
			cfg.agentx_socket = optarg;
			break;
		case 'p': {
			char *end;
			unsigned long v;

			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || v < 1 || v > 3600) {
				fprintf(stderr, "phonesec-agentx: -p wants 1..3600 seconds\n");
				return 2;
			}
			cfg.ping_s = (unsigned)v;
			break;
		}
		case 'w':
			if (strlen(optarg) == 0 || strlen(optarg) > 32) {
				fprintf(stderr, "phonesec-agentx: -w wants 1..32 characters\n");
				return 2;
			}
			cfg.writer = optarg;
			break;
		case 'D':
			cfg.snmp_debug = optarg;
			break;
		case 'f':
			foreground = true;
			break;
		case 'd':
			debug = true;
			break;
		case 'h':
			main_usage(stdout);
			return 0;
		default:
			main_usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		main_usage(stderr);
		return 2;
	}

	log_init("phonesec-agentx", foreground, debug);
	signal(SIGPIPE, SIG_IGN); /* a master that went away must not kill us */
	if (!foreground && daemon(0, 0) < 0) {
		log_msg(LOG_ERR, "daemon: %s", strerror(errno));
		goto out;
	}
	base = event_base_new();
	if (!base) {
		log_msg(LOG_ERR, "cannot create the event base");
		goto out;
	}
	if (agent_new(&ag, base, &cfg, err, sizeof(err)) < 0) {
		log_msg(LOG_ERR, "%s", err);
		goto out;
	}
	sigterm = evsignal_new(base, SIGTERM, main_on_signal, base);
	sigint = evsignal_new(base, SIGINT, main_on_signal, base);
	if (!sigterm || !sigint || evsignal_add(sigterm, NULL) < 0 || evsignal_add(sigint, NULL) < 0) {
		log_msg(LOG_ERR, "cannot watch signals");
		goto out;
	}
	if (agent_start(ag) < 0)
		goto out;
	if (event_base_dispatch(base) < 0)
		log_msg(LOG_ERR, "event loop failed");
	else
		rc = 0;
out:
	agent_free(ag);
	if (sigterm)
		event_free(sigterm);
	if (sigint)
		event_free(sigint);
	if (base)
		event_base_free(base);
	log_close();
	return rc;
}
