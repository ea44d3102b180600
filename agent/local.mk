# agent/: phonesec-agentx, the PHONESEC-MIB AgentX subagent (library + thin main), its config
# and its tests.
noinst_LIBRARIES += agent/libphonesec-agent.a
agent_libphonesec_agent_a_SOURCES = agent/agent.h agent/internal.h agent/agent.c agent/mib.c \
	agent/set.c agent/loop.c agent/notify.c
agent_libphonesec_agent_a_CFLAGS = $(AM_CFLAGS) $(NETSNMP_CFLAGS) $(EVENT_CFLAGS)
AGENT_LIBS = agent/libphonesec-agent.a $(UTIL_LIBS) $(STORE_LIBS) $(NETSNMP_LIBS) $(EVENT_LIBS)

sbin_PROGRAMS += agent/phonesec-agentx
agent_phonesec_agentx_SOURCES = agent/main.c
agent_phonesec_agentx_CFLAGS = $(AM_CFLAGS) $(EVENT_CFLAGS)
agent_phonesec_agentx_LDADD = $(AGENT_LIBS)

dist_phonesecconf_DATA += conf/snmpd.conf.phonesec
EXTRA_DIST += conf/phonesec-agentx.service

# Integration test with real snmpd, snmptrapd and the Net-SNMP tools.
script_tests += tests/snmp_agent.sh
dist_check_SCRIPTS += tests/snmp_agent.sh

# The handler called directly with fixture varbinds (no snmpd).
unit_tests += tests/test_agent
check_PROGRAMS += tests/test_agent
tests_test_agent_CFLAGS = $(AM_CFLAGS) $(NETSNMP_CFLAGS) $(EVENT_CFLAGS) $(CUNIT_CFLAGS)
tests_test_agent_LDADD = $(AGENT_LIBS) $(CUNIT_LIBS)
