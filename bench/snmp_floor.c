/* bench/snmp_floor: the AgentX floor of bench/snmp.sh, the least an AgentX subagent can do: one
 * raw handler answering a constant Unsigned32 at BENCH_FLOOR_OID.0, in Net-SNMP's own loop. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

/* NET-SNMP-MIB's playpen (netSnmpPlaypen.1), outside PHONESEC-MIB so a walk of it does not see
 * the floor; bench/snmp.sh adds it to the read view of the shipped snmpd snippet. */
#define BENCH_FLOOR_OID 1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 1
#define BENCH_FLOOR_VALUE 80

static volatile sig_atomic_t floor_stop;

static void floor_on_signal(int sig)
{
	(void)sig;
	floor_stop = 1;
}

/* GET of the one instance, GETNEXT onto it from anything before it; nothing is writable.
 * The registration covers BENCH_FLOOR_OID only, so every varbind here lies under it. */
static int floor_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reginfo,
			 netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	static const oid inst[] = { BENCH_FLOOR_OID, 0 };
	const u_long value = BENCH_FLOOR_VALUE;

	(void)handler;
	(void)reginfo;
	for (netsnmp_request_info *r = requests; r; r = r->next) {
		netsnmp_variable_list *vb = r->requestvb;
		int cmp = snmp_oid_compare(vb->name, vb->name_length, inst, OID_LENGTH(inst));

		if (r->processed)
			continue;
		switch (reqinfo->mode) {
		case MODE_GET:
			if (cmp == 0)
				snmp_set_var_typed_value(vb, ASN_UNSIGNED, &value, sizeof(value));
			else
				netsnmp_set_request_error(reqinfo, r, SNMP_NOSUCHINSTANCE);
			break;
		case MODE_GETNEXT:
			if (cmp < 0) {
				snmp_set_var_objid(vb, inst, OID_LENGTH(inst));
				snmp_set_var_typed_value(vb, ASN_UNSIGNED, &value, sizeof(value));
			}
			break;
		default:
			netsnmp_set_request_error(reqinfo, r, SNMP_ERR_NOTWRITABLE);
			break;
		}
	}
	return SNMP_ERR_NOERROR;
}

int main(int argc, char **argv)
{
	static const oid root[] = { BENCH_FLOOR_OID };
	netsnmp_handler_registration *reg;
	struct sigaction sa;
	int opt;

	while ((opt = getopt(argc, argv, "x:h")) != -1) {
		switch (opt) {
		case 'x':
			netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET,
					      optarg);
			break;
		case 'h':
			printf("usage: bench/snmp_floor [-x AGENTX_SOCKET]\n");
			return 0;
		default:
			fprintf(stderr, "usage: bench/snmp_floor [-x AGENTX_SOCKET]\n");
			return 2;
		}
	}
	/* The same library settings as phonesec-agentx: no files, no MIB parsing. */
	setenv("MIBS", "", 1);
	setenv("MIBDIRS", "", 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	snmp_enable_stderrlog();
	if (init_agent("phonesec-bench-floor") != 0) {
		fprintf(stderr, "snmp_floor: init_agent failed\n");
		return 1;
	}
	reg = netsnmp_create_handler_registration("benchFloor", floor_handler, root,
						  OID_LENGTH(root), HANDLER_CAN_RONLY);
	if (!reg || netsnmp_register_handler(reg) != MIB_REGISTERED_OK) {
		fprintf(stderr, "snmp_floor: cannot register the floor object\n");
		return 1;
	}
	init_snmp("phonesec-bench-floor");

	/* No SA_RESTART: the signal ends the select() inside agent_check_and_process(). */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = floor_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	while (!floor_stop)
		agent_check_and_process(1);
	snmp_shutdown("phonesec-bench-floor");
	return 0;
}
