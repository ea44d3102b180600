/* agent/agent: the subagent's life cycle: opens the store, sets Net-SNMP up as an AgentX
 * subagent inside the caller's event base, registers PHONESEC-MIB, routes Net-SNMP's log. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "internal.h"
#include "log.h"

#define AGENT_APP_NAME "phonesec-agentx"

static int agent_log_callback(int major, int minor, void *serverarg, void *clientarg)
{
	const struct snmp_log_message *m = serverarg;
	char line[LOG_LINE_MAX];
	size_t n;

	if (!m || !m->msg)
		return 0;
	snprintf(line, sizeof(line), "%s", m->msg);
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	if (n > 0)
		log_msg(m->priority, "net-snmp: %s", line);
	return 0;
}

int agent_new(struct agent **out, struct event_base *base, const struct agent_config *cfg,
	      char *errbuf, size_t errlen)
{
	struct agent *ag = calloc(1, sizeof(*ag));
	const char *path;

	*out = NULL;
	if (!ag) {
		snprintf(errbuf, errlen, "out of memory");
		return -1;
	}
	ag->base = base;
	ag->cfg = *cfg;
	ag->hardened = -1;
	if (ag->cfg.ping_s == 0)
		ag->cfg.ping_s = AGENT_PING_DEFAULT_S;
	snprintf(ag->writer, sizeof(ag->writer), "%s", cfg->writer ? cfg->writer : "snmp");
	path = cfg->store_path ? cfg->store_path : store_default_path();
	if (store_open(&ag->st, path, errbuf, errlen) != STORE_OK) {
		free(ag);
		return -1;
	}
	/* a writer holding the store longer than this gets resourceUnavailable, before the
	 * master's AgentX timeout (1 s by default) gives up on us */
	store_set_busy_timeout(ag->st, AGENT_STORE_BUSY_MS);
	if (agent_mib_build(ag) < 0) {
		snprintf(errbuf, errlen, "out of memory");
		agent_free(ag);
		return -1;
	}
	*out = ag;
	return 0;
}

/* Net-SNMP library settings of a subagent that owns no files: no configuration files, no
 * persistent state, no MIB parsing, alarms without SIGALRM (they run from our event loop). */
static void agent_snmp_defaults(const struct agent *ag)
{
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_ALARM_DONT_USE_SIG, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	if (ag->cfg.agentx_socket)
		netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET,
				      ag->cfg.agentx_socket);
	/* The subagent needs no MIB text: an empty module list keeps init_snmp() from parsing
	 * (and complaining about) the system's MIB files. */
	setenv("MIBS", "", 1);
	setenv("MIBDIRS", "", 1);
	if (ag->cfg.snmp_debug) {
		debug_register_tokens(ag->cfg.snmp_debug);
		snmp_set_do_debugging(1);
	}
}

int agent_start(struct agent *ag)
{
	static const oid objects[] = { AGENT_OID_ROOT, AGENT_ARC_OBJECTS };
	netsnmp_mib_handler *h;
	netsnmp_handler_registration *reg;

	snmp_disable_log();
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, agent_log_callback,
			       NULL);
	snmp_enable_calllog();
	agent_snmp_defaults(ag);
	if (init_agent(AGENT_APP_NAME) != 0) {
		log_msg(LOG_ERR, "Net-SNMP init_agent failed");
		return -1;
	}
	/* After init_agent(), which sets the default interval of 15 s. */
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL,
			   (int)ag->cfg.ping_s);
	h = netsnmp_create_handler("phonesec", agent_mib_handler);
	if (!h)
		return -1;
	h->myvoid = ag;
	/* One registration over psObjects: every varbind of a PDU reaches the handler in one
	 * call, so a SET PDU is one store transaction. */
	reg = netsnmp_handler_registration_create("phonesecObjects", h, objects,
						  OID_LENGTH(objects), HANDLER_CAN_RWRITE);
	if (!reg || netsnmp_register_handler(reg) != MIB_REGISTERED_OK) {
		log_msg(LOG_ERR, "cannot register PHONESEC-MIB");
		return -1;
	}
	init_snmp(AGENT_APP_NAME);
	ag->started = true;
	if (agent_loop_new(ag) < 0 || agent_notify_start(ag) < 0)
		return -1;
	agent_loop_update(ag);
	log_msg(LOG_INFO, "serving PHONESEC-MIB for %s over AgentX %s (ping %us)",
		store_path(ag->st), ag->cfg.agentx_socket ? ag->cfg.agentx_socket : "(default)",
		ag->cfg.ping_s);
	return 0;
}

void agent_free(struct agent *ag)
{
	if (!ag)
		return;
	agent_notify_stop(ag);
	agent_loop_free(ag);
	if (ag->started) {
		/* As lldpd: snmp_shutdown() closes the AgentX session and frees the registrations
		 * (unregistering first makes Net-SNMP's callback lock assert). */
		snmp_shutdown(AGENT_APP_NAME);
	}
	agent_mib_clear(ag);
	store_close(ag->st);
	free(ag);
}
