/* libphonesec-agent: the PHONESEC-MIB AgentX subagent as a library (phonesec-agentx is a thin
 * main.c over it; tests link the same code and call the MIB handler with fixture varbinds).
 *
 * Lifetime: agent_new() opens the store and builds the MIB's instance table; agent_start()
 * initialises Net-SNMP as an AgentX subagent, registers the MIB and joins the event base;
 * agent_free() undoes both. One agent per process (Net-SNMP's state is global).
 */
#ifndef PHONESEC_AGENT_H
#define PHONESEC_AGENT_H

#include <stdbool.h>
#include <stddef.h>

struct event_base;
struct agent;

struct agent_config {
	const char *store_path;    /* NULL: store_default_path() */
	const char *agentx_socket; /* NULL: Net-SNMP's default (/var/agentx/master) */
	unsigned ping_s;           /* AgentX ping and reconnect interval in seconds (>= 1) */
	const char *writer;        /* principal recorded for SNMP writes when the request carries
	                              no SNMPv3 user (AgentX never does); NULL: "snmp" */
	const char *snmp_debug;    /* Net-SNMP debug tokens ("agentx,snmp_alarm"), NULL: none */
};

#define AGENT_PING_DEFAULT_S 10

/* Opens the store and prepares the MIB. base is borrowed (must outlive the agent). On failure
 * *out is NULL and errbuf holds the reason. Returns 0 or -1. */
int agent_new(struct agent **out, struct event_base *base, const struct agent_config *cfg,
	      char *errbuf, size_t errlen);
/* Starts the AgentX subagent: connects to the master now or, while it is absent, every ping
 * interval. Returns 0 or -1 (Net-SNMP could not be initialised). */
int agent_start(struct agent *ag);
/* Stops the subagent (if started), closes the store, frees everything. NULL allowed. */
void agent_free(struct agent *ag);

#endif
