/* Private declarations of libphonesec-agent shared by its files: the agent handle, the MIB's
 * instance table, the read cache and the functions one file offers another. Not for callers. */
#ifndef PHONESEC_AGENT_INTERNAL_H
#define PHONESEC_AGENT_INTERNAL_H

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "agent.h"
#include "store.h"

/* PHONESEC-MIB's root. Re-rooting the MIB (see mibs/PHONESEC-MIB.txt) changes only this. */
#define AGENT_OID_ROOT 1, 3, 6, 1, 4, 1, 32473
#define AGENT_OID_ROOT_LEN 7
#define AGENT_OID_MAX 16
#define AGENT_STORE_BUSY_MS 500 /* store busy timeout, below the AgentX timeout (1 s) */

/* Sub-identifiers below the root, as in the MIB. */
enum {
	AGENT_ARC_NOTIFICATIONS = 0,
	AGENT_ARC_OBJECTS = 1,
	AGENT_ARC_SETTINGS = 1,      /* psObjects.1 */
	AGENT_ARC_STATUS = 2,        /* psObjects.2 */
	AGENT_ARC_SETTING_TABLE = 3, /* psObjects.3 */
	AGENT_ARC_COMPLIANCE = 4,    /* psObjects.4 */
};

/* psStatus scalars. */
enum agent_status_id {
	AGENT_STATUS_UNSAVED = 1,
	AGENT_STATUS_SAVE = 2,
	AGENT_STATUS_DISCARD = 3,
	AGENT_STATUS_LAST_TIME = 4,
	AGENT_STATUS_LAST_SOURCE = 5,
	AGENT_STATUS_COUNTER = 6,
};

/* psSettingEntry and psComplianceEntry columns. */
enum {
	AGENT_SCOL_KEY = 2,
	AGENT_SCOL_OBJECT = 3,
	AGENT_SCOL_LOCKED = 4,
	AGENT_SCOL_UNSAVED = 5,
	AGENT_SCOL_SOURCE = 6,
	AGENT_RCOL_ID = 2,
	AGENT_RCOL_TITLE = 3,
	AGENT_RCOL_STATUS = 4,
	AGENT_RCOL_HINT = 5,
};

/* TruthValue. */
#define AGENT_TRUE 1
#define AGENT_FALSE 2
/* psSave / psDiscard values. */
#define AGENT_TRIGGER_IDLE 1
#define AGENT_TRIGGER_GO 2

enum agent_obj_kind {
	AGENT_OBJ_SETTING = 1, /* psSettings.<snmp_id>.0, row = registry index */
	AGENT_OBJ_STATUS,      /* psStatus.<id>.0, sub = enum agent_status_id */
	AGENT_OBJ_SETTING_COL, /* psSettingEntry.<col>.<snmp_id>, sub = column, row = registry index */
	AGENT_OBJ_HARDENED,    /* psHardened.0 */
	AGENT_OBJ_RULE_COL,    /* psComplianceEntry.<col>.<n>, sub = column, row = rule index */
};

/* One instance of the MIB: the instance table is sorted by name, so GET is a binary search and
 * GETNEXT the following entry. objlen: length of the object part (without the instance). */
struct agent_obj {
	oid name[AGENT_OID_MAX];
	size_t len;
	size_t objlen;
	enum agent_obj_kind kind;
	unsigned sub;
	size_t row;
};

/* Values read from the store, valid for one audit sequence number. */
struct agent_cache {
	bool valid;
	uint64_t head;                 /* audit head it reflects */
	struct store_snapshot *snap;
	struct store_compliance comp;
	int64_t last_ms;               /* newest audit entry: time and source (0 when none) */
	enum store_source last_source;
};

struct agent_loop; /* loop.c */

struct agent {
	struct store *st;
	struct event_base *base;
	struct agent_config cfg;
	char writer[64];

	struct agent_obj *objs; /* sorted instance table */
	size_t nobjs;
	struct agent_cache cache;

	struct agent_loop *loop;     /* Net-SNMP sockets and timer in the event base */
	struct event *feed_ev;       /* the store's change feed */
	uint64_t feed_seq;           /* last audit entry notified */
	int hardened;                /* last compliance verdict notified: -1 unknown, 0, 1 */
	bool started;
};

/* mib.c */
int agent_mib_build(struct agent *ag);
void agent_mib_clear(struct agent *ag);
const struct agent_obj *agent_mib_find(const struct agent *ag, const oid *name, size_t len);
const struct agent_obj *agent_mib_next(const struct agent *ag, const oid *name, size_t len);
/* True when name lies inside an object of the MIB (an instance could exist there). */
bool agent_mib_in_object(const struct agent *ag, const oid *name, size_t len);
/* Brings the cache up to date with the store; -1 on a store error (logged). */
int agent_cache_refresh(struct agent *ag);
void agent_cache_invalidate(struct agent *ag);
/* The generic handler over psObjects: GET, GETNEXT (GETBULK through bulk_to_next) and SET. */
Netsnmp_Node_Handler agent_mib_handler;

/* set.c: the SET phases for the requests of one PDU. */
int agent_set_handle(struct agent *ag, netsnmp_agent_request_info *reqinfo,
		     netsnmp_request_info *requests);

/* loop.c: Net-SNMP's sockets and timers as events of the base. */
int agent_loop_new(struct agent *ag);
void agent_loop_update(struct agent *ag);
void agent_loop_free(struct agent *ag);

/* notify.c: follows the store's change feed and sends the notifications. */
int agent_notify_start(struct agent *ag);
/* Processes the feed now (reads audit entries after feed_seq). */
void agent_notify_process(struct agent *ag);
void agent_notify_stop(struct agent *ag);

#endif
