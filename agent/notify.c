/* agent/notify: follows the store's change feed (inotify fd in the event loop, audit entries
 * by sequence) and sends psSettingChanged per changed setting and psComplianceChanged on flips. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "internal.h"
#include "log.h"

static const oid agent_notify_trap_oid[] = { 1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0 }; /* snmpTrapOID.0 */

static void agent_notify_add_oid(netsnmp_variable_list **vars, const oid *name, size_t len,
				 u_char type, const void *val, size_t vlen)
{
	snmp_varlist_add_variable(vars, name, len, type, val, vlen);
}

/* psSettingChanged: psSettingKey.<id>, psSettingSource.<id>, psChangeCounter.0. Never a value. */
static void agent_notify_setting(const struct store_setting *s, enum store_source src,
				 uint64_t seq)
{
	const oid trap[] = { AGENT_OID_ROOT, AGENT_ARC_NOTIFICATIONS, 1 };
	oid key[] = { AGENT_OID_ROOT, AGENT_ARC_OBJECTS, AGENT_ARC_SETTING_TABLE, 1,
		      AGENT_SCOL_KEY, s->snmp_id };
	oid source[] = { AGENT_OID_ROOT, AGENT_ARC_OBJECTS, AGENT_ARC_SETTING_TABLE, 1,
			 AGENT_SCOL_SOURCE, s->snmp_id };
	const oid counter[] = { AGENT_OID_ROOT, AGENT_ARC_OBJECTS, AGENT_ARC_STATUS,
				AGENT_STATUS_COUNTER, 0 };
	u_long c32 = (u_long)(seq & 0xffffffffu); /* psChangeCounter is a Counter32 */
	long srcv = store_source_name(src) ? (long)src : (long)STORE_SRC_FACTORY;
	netsnmp_variable_list *vars = NULL;

	agent_notify_add_oid(&vars, agent_notify_trap_oid, OID_LENGTH(agent_notify_trap_oid),
			     ASN_OBJECT_ID, trap, sizeof(trap));
	agent_notify_add_oid(&vars, key, OID_LENGTH(key), ASN_OCTET_STR, s->key, strlen(s->key));
	agent_notify_add_oid(&vars, source, OID_LENGTH(source), ASN_INTEGER, &srcv, sizeof(srcv));
	agent_notify_add_oid(&vars, counter, OID_LENGTH(counter), ASN_COUNTER, &c32, sizeof(c32));
	send_v2trap(vars);
	snmp_free_varbind(vars);
	log_msg(LOG_DEBUG, "notification psSettingChanged %s source %s seq %llu", s->key,
		store_source_name(src) ? store_source_name(src) : "?", (unsigned long long)seq);
}

static void agent_notify_compliance(bool hardened, uint64_t seq)
{
	const oid trap[] = { AGENT_OID_ROOT, AGENT_ARC_NOTIFICATIONS, 2 };
	const oid hard[] = { AGENT_OID_ROOT, AGENT_ARC_OBJECTS, AGENT_ARC_COMPLIANCE, 1, 0 };
	const oid counter[] = { AGENT_OID_ROOT, AGENT_ARC_OBJECTS, AGENT_ARC_STATUS,
				AGENT_STATUS_COUNTER, 0 };
	u_long c32 = (u_long)(seq & 0xffffffffu); /* psChangeCounter is a Counter32 */
	long v = hardened ? AGENT_TRUE : AGENT_FALSE;
	netsnmp_variable_list *vars = NULL;

	agent_notify_add_oid(&vars, agent_notify_trap_oid, OID_LENGTH(agent_notify_trap_oid),
			     ASN_OBJECT_ID, trap, sizeof(trap));
	agent_notify_add_oid(&vars, hard, OID_LENGTH(hard), ASN_INTEGER, &v, sizeof(v));
	agent_notify_add_oid(&vars, counter, OID_LENGTH(counter), ASN_COUNTER, &c32, sizeof(c32));
	send_v2trap(vars);
	snmp_free_varbind(vars);
	log_msg(LOG_INFO, "notification psComplianceChanged: %s", hardened ? "hardened" : "not hardened");
}

/* One audit entry: psSettingChanged per changed setting. Save and lock changes leave the running
 * values as they are. */
static void agent_notify_change(void *arg, const struct store_change *c)
{
	bool *values_changed = arg;

	if (c->action == STORE_ACT_SAVE || c->action == STORE_ACT_LOCK ||
	    c->action == STORE_ACT_UNLOCK)
		return;
	for (size_t i = 0; i < c->count; i++)
		agent_notify_setting(c->settings[i], c->source, c->seq);
	*values_changed = true;
}

/* Current verdict; -1 on a store error. */
static int agent_notify_hardened(struct agent *ag)
{
	if (agent_cache_refresh(ag) < 0)
		return -1;
	return ag->cache.comp.hardened ? 1 : 0;
}

void agent_notify_process(struct agent *ag)
{
	struct store_snapshot *resync = NULL;
	bool values_changed = false;
	uint64_t last = ag->feed_seq;

	agent_cache_invalidate(ag);
	if (store_feed_follow(&ag->feed_seq, &resync, ag->st, agent_notify_change,
			      &values_changed) != STORE_OK)
		log_msg(LOG_ERR, "change feed: %s", store_errmsg(ag->st));
	if (resync) {
		/* the entries since the last one handled are no longer kept: each setting changed
		 * since then is notified once, with the source of its last change */
		log_msg(LOG_WARNING, "change feed: fell behind the audit log, %llu -> %llu",
			(unsigned long long)last, (unsigned long long)ag->feed_seq);
		for (size_t i = 0; i < resync->count; i++)
			if (resync->rows[i].changed_seq > last) {
				agent_notify_setting(resync->rows[i].setting, resync->rows[i].source,
						     resync->rows[i].changed_seq);
				values_changed = true;
			}
		store_snapshot_free(resync);
	}
	if (values_changed) {
		int h = agent_notify_hardened(ag);

		if (h >= 0 && ag->hardened >= 0 && h != ag->hardened)
			agent_notify_compliance(h == 1, ag->feed_seq);
		if (h >= 0)
			ag->hardened = h;
	}
	if (ag->feed_seq != last)
		log_msg(LOG_DEBUG, "change feed: up to audit %llu",
			(unsigned long long)ag->feed_seq);
	/* send_v2trap may have queued output on the AgentX session. */
	agent_loop_update(ag);
}

/* The store's feed fd turns readable once a commit is visible (the committer signals after its
 * COMMIT returned), so one read of the audit log per wake-up sees it. */
static void agent_notify_cb(evutil_socket_t fd, short what, void *arg)
{
	agent_notify_process(arg);
}

int agent_notify_start(struct agent *ag)
{
	int fd = store_feed_fd(ag->st);

	if (fd < 0) {
		log_msg(LOG_ERR, "change feed: %s", store_errmsg(ag->st));
		return -1;
	}
	if (store_audit_head(&ag->feed_seq, ag->st) != STORE_OK) {
		log_msg(LOG_ERR, "change feed: %s", store_errmsg(ag->st));
		return -1;
	}
	ag->hardened = agent_notify_hardened(ag);
	ag->feed_ev = event_new(ag->base, fd, EV_READ | EV_PERSIST, agent_notify_cb, ag);
	if (!ag->feed_ev || event_add(ag->feed_ev, NULL) < 0) {
		log_msg(LOG_ERR, "change feed: cannot watch fd %d", fd);
		return -1;
	}
	return 0;
}

void agent_notify_stop(struct agent *ag)
{
	if (ag->feed_ev)
		event_free(ag->feed_ev);
	ag->feed_ev = NULL;
}
