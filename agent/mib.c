/* agent/mib: PHONESEC-MIB's instances as one sorted table over the registry and the compliance
 * rules, the read cache, and the one generic handler for GET, GETNEXT (and GETBULK) and SET. */
#include "config.h"

#include <poll.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "log.h"

static const oid agent_mib_root[] = { AGENT_OID_ROOT };

/* Appends one instance: root, then the n sub-identifiers of arcs. */
static void agent_mib_add(struct agent *ag, enum agent_obj_kind kind, unsigned sub, size_t row,
			  const oid *arcs, size_t n, size_t instlen)
{
	struct agent_obj *o = &ag->objs[ag->nobjs++];

	memcpy(o->name, agent_mib_root, sizeof(agent_mib_root));
	memcpy(o->name + AGENT_OID_ROOT_LEN, arcs, n * sizeof(oid));
	o->len = AGENT_OID_ROOT_LEN + n;
	o->objlen = o->len - instlen;
	o->kind = kind;
	o->sub = sub;
	o->row = row;
}

static int agent_mib_cmp(const void *a, const void *b)
{
	const struct agent_obj *x = a, *y = b;

	return snmp_oid_compare(x->name, x->len, y->name, y->len);
}

int agent_mib_build(struct agent *ag)
{
	size_t nset = store_registry_count(), nrule = store_compliance_count();
	size_t max = nset + 6 + 5 * nset + 1 + 4 * nrule;

	ag->objs = calloc(max, sizeof(*ag->objs));
	if (!ag->objs)
		return -1;
	ag->nobjs = 0;
	for (size_t i = 0; i < nset; i++) {
		const struct store_setting *s = store_registry_at(i);
		oid arcs[] = { AGENT_ARC_OBJECTS, AGENT_ARC_SETTINGS, s->snmp_id, 0 };

		agent_mib_add(ag, AGENT_OBJ_SETTING, 0, i, arcs, 4, 1);
		for (unsigned col = AGENT_SCOL_KEY; col <= AGENT_SCOL_SOURCE; col++) {
			oid c[] = { AGENT_ARC_OBJECTS, AGENT_ARC_SETTING_TABLE, 1, col, s->snmp_id };

			agent_mib_add(ag, AGENT_OBJ_SETTING_COL, col, i, c, 5, 1);
		}
	}
	for (unsigned id = AGENT_STATUS_UNSAVED; id <= AGENT_STATUS_COUNTER; id++) {
		oid arcs[] = { AGENT_ARC_OBJECTS, AGENT_ARC_STATUS, id, 0 };

		agent_mib_add(ag, AGENT_OBJ_STATUS, id, 0, arcs, 4, 1);
	}
	{
		oid arcs[] = { AGENT_ARC_OBJECTS, AGENT_ARC_COMPLIANCE, 1, 0 };

		agent_mib_add(ag, AGENT_OBJ_HARDENED, 0, 0, arcs, 4, 1);
	}
	for (size_t r = 0; r < nrule; r++)
		for (unsigned col = AGENT_RCOL_ID; col <= AGENT_RCOL_HINT; col++) {
			oid c[] = { AGENT_ARC_OBJECTS, AGENT_ARC_COMPLIANCE, 2, 1, col, r + 1 };

			agent_mib_add(ag, AGENT_OBJ_RULE_COL, col, r, c, 6, 1);
		}
	qsort(ag->objs, ag->nobjs, sizeof(*ag->objs), agent_mib_cmp);
	return 0;
}

void agent_mib_clear(struct agent *ag)
{
	free(ag->objs);
	ag->objs = NULL;
	ag->nobjs = 0;
	agent_cache_invalidate(ag);
}

/* Index of the first entry whose name is >= name (binary search). */
static size_t agent_mib_lower_bound(const struct agent *ag, const oid *name, size_t len)
{
	size_t lo = 0, hi = ag->nobjs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (snmp_oid_compare(ag->objs[mid].name, ag->objs[mid].len, name, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct agent_obj *agent_mib_find(const struct agent *ag, const oid *name, size_t len)
{
	size_t i = agent_mib_lower_bound(ag, name, len);

	if (i < ag->nobjs &&
	    snmp_oid_compare(ag->objs[i].name, ag->objs[i].len, name, len) == 0)
		return &ag->objs[i];
	return NULL;
}

const struct agent_obj *agent_mib_next(const struct agent *ag, const oid *name, size_t len)
{
	size_t i = agent_mib_lower_bound(ag, name, len);

	if (i < ag->nobjs &&
	    snmp_oid_compare(ag->objs[i].name, ag->objs[i].len, name, len) == 0)
		i++;
	return i < ag->nobjs ? &ag->objs[i] : NULL;
}

bool agent_mib_in_object(const struct agent *ag, const oid *name, size_t len)
{
	/* Objects are few (about 50): a linear scan over the table is cheap enough for errors. */
	for (size_t i = 0; i < ag->nobjs; i++) {
		const struct agent_obj *o = &ag->objs[i];

		if (len >= o->objlen && snmp_oid_compare(o->name, o->objlen, name, o->objlen) == 0)
			return true;
	}
	return false;
}

/* ------------------------------------------------------------------------------------------ */

void agent_cache_invalidate(struct agent *ag)
{
	store_snapshot_free(ag->cache.snap);
	ag->cache.snap = NULL;
	store_compliance_clear(&ag->cache.comp);
	memset(&ag->cache.comp, 0, sizeof(ag->cache.comp));
	ag->cache.valid = false;
}

/* The cache is keyed by the audit head: every change (set, save, lock...) appends an entry, so
 * one cheap query tells whether the snapshot is still current, whatever process wrote. */
/* Whether another commit may have happened since the cache was filled. The store's feed fd turns
 * readable as soon as any commit is visible (before the committer returns), so while it is not
 * readable the cache is current and no query is needed; the feed callback drains it and
 * invalidates the cache. Without a feed fd, compare the audit head. */
static bool agent_cache_stale(struct agent *ag)
{
	int fd = store_feed_fd(ag->st);
	uint64_t head = 0;

	if (!ag->cache.valid)
		return true;
	if (fd >= 0) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		return poll(&p, 1, 0) != 0;
	}
	return store_audit_head(&head, ag->st) != STORE_OK || head != ag->cache.head;
}

int agent_cache_refresh(struct agent *ag)
{
	struct store_audit_entry *last = NULL;
	size_t n = 0;
	int rc;

	if (!agent_cache_stale(ag))
		return 0;
	agent_cache_invalidate(ag);
	rc = store_snapshot_take(&ag->cache.snap, ag->st);
	if (rc == STORE_OK)
		rc = store_compliance_eval(&ag->cache.comp, ag->cache.snap);
	if (rc == STORE_OK)
		rc = store_audit_last(&last, &n, ag->st, 1);
	if (rc != STORE_OK) {
		log_msg(LOG_ERR, "store: %s", store_errmsg(ag->st));
		agent_cache_invalidate(ag);
		return -1;
	}
	ag->cache.last_ms = n ? last[0].time_ms : 0;
	ag->cache.last_source = n ? last[0].source : STORE_SRC_FACTORY;
	store_audit_free(last, n);
	/* The snapshot's own head is authoritative: a commit between the two reads is seen next
	 * time. */
	ag->cache.head = ag->cache.snap->head_seq;
	ag->cache.valid = true;
	return 0;
}

/* ------------------------------------------------------------------------------------------ */

static void agent_mib_set_int(netsnmp_variable_list *vb, long v)
{
	snmp_set_var_typed_value(vb, ASN_INTEGER, &v, sizeof(v));
}

static void agent_mib_set_str(netsnmp_variable_list *vb, const char *s)
{
	snmp_set_var_typed_value(vb, ASN_OCTET_STR, s, strlen(s));
}

static long agent_mib_truth(bool b)
{
	return b ? AGENT_TRUE : AGENT_FALSE;
}

static long agent_mib_source(enum store_source src)
{
	return store_source_name(src) ? (long)src : (long)STORE_SRC_FACTORY;
}

/* DateAndTime (RFC 2579) in UTC with the explicit "+0:0" offset: 11 octets. */
static void agent_mib_set_datetime(netsnmp_variable_list *vb, int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	u_char d[11];

	if (!gmtime_r(&t, &tm))
		memset(&tm, 0, sizeof(tm));
	d[0] = (u_char)((tm.tm_year + 1900) >> 8);
	d[1] = (u_char)((tm.tm_year + 1900) & 0xff);
	d[2] = (u_char)(tm.tm_mon + 1);
	d[3] = (u_char)tm.tm_mday;
	d[4] = (u_char)tm.tm_hour;
	d[5] = (u_char)tm.tm_min;
	d[6] = (u_char)(tm.tm_sec > 59 ? 59 : tm.tm_sec);
	d[7] = (u_char)((ms % 1000) / 100);
	d[8] = '+';
	d[9] = 0;
	d[10] = 0;
	snmp_set_var_typed_value(vb, ASN_OCTET_STR, d, sizeof(d));
}

/* Fills vb's value for instance o from the cache. Returns an SNMP error status. */
static int agent_mib_value(struct agent *ag, const struct agent_obj *o, netsnmp_variable_list *vb)
{
	const struct agent_cache *c = &ag->cache;

	switch (o->kind) {
	case AGENT_OBJ_SETTING: {
		const struct store_row *row = &c->snap->rows[o->row];
		const struct store_setting *s = row->setting;

		switch (s->type) {
		case STORE_TYPE_BOOL:
			agent_mib_set_int(vb, agent_mib_truth(strcmp(row->running, "on") == 0));
			return SNMP_ERR_NOERROR;
		case STORE_TYPE_ENUM: {
			const struct store_enum *e = store_enum_by_key(s, row->running);

			if (!e) {
				log_msg(LOG_ERR, "store holds unknown value for %s", s->key);
				return SNMP_ERR_GENERR;
			}
			agent_mib_set_int(vb, e->number);
			return SNMP_ERR_NOERROR;
		}
		case STORE_TYPE_UINT: {
			u_long v = strtoul(row->running, NULL, 10);

			snmp_set_var_typed_value(vb, ASN_UNSIGNED, &v, sizeof(v));
			return SNMP_ERR_NOERROR;
		}
		case STORE_TYPE_STRING:
			agent_mib_set_str(vb, row->running);
			return SNMP_ERR_NOERROR;
		case STORE_TYPE_SECRET:
			/* Never leaves the store: always the zero-length string (RFC 3414 style). */
			snmp_set_var_typed_value(vb, ASN_OCTET_STR, "", 0);
			return SNMP_ERR_NOERROR;
		}
		return SNMP_ERR_GENERR;
	}
	case AGENT_OBJ_STATUS:
		switch ((enum agent_status_id)o->sub) {
		case AGENT_STATUS_UNSAVED:
			agent_mib_set_int(vb, agent_mib_truth(c->snap->unsaved));
			break;
		case AGENT_STATUS_SAVE:
		case AGENT_STATUS_DISCARD:
			agent_mib_set_int(vb, AGENT_TRIGGER_IDLE);
			break;
		case AGENT_STATUS_LAST_TIME:
			agent_mib_set_datetime(vb, c->last_ms);
			break;
		case AGENT_STATUS_LAST_SOURCE:
			agent_mib_set_int(vb, agent_mib_source(c->last_source));
			break;
		case AGENT_STATUS_COUNTER: {
			u_long v = (u_long)(c->head & 0xffffffffu); /* Counter32 wraps */

			snmp_set_var_typed_value(vb, ASN_COUNTER, &v, sizeof(v));
			break;
		}
		}
		return SNMP_ERR_NOERROR;
	case AGENT_OBJ_SETTING_COL: {
		const struct store_row *row = &c->snap->rows[o->row];

		switch (o->sub) {
		case AGENT_SCOL_KEY:
			agent_mib_set_str(vb, row->setting->key);
			break;
		case AGENT_SCOL_OBJECT: {
			oid name[AGENT_OID_ROOT_LEN + 3] = { AGENT_OID_ROOT, AGENT_ARC_OBJECTS,
							      AGENT_ARC_SETTINGS,
							      row->setting->snmp_id };

			snmp_set_var_typed_value(vb, ASN_OBJECT_ID, name, sizeof(name));
			break;
		}
		case AGENT_SCOL_LOCKED:
			agent_mib_set_int(vb, agent_mib_truth(row->locked));
			break;
		case AGENT_SCOL_UNSAVED:
			agent_mib_set_int(vb, agent_mib_truth(row->unsaved));
			break;
		case AGENT_SCOL_SOURCE:
			agent_mib_set_int(vb, agent_mib_source(row->source));
			break;
		}
		return SNMP_ERR_NOERROR;
	}
	case AGENT_OBJ_HARDENED:
		agent_mib_set_int(vb, agent_mib_truth(c->comp.hardened));
		return SNMP_ERR_NOERROR;
	case AGENT_OBJ_RULE_COL: {
		const struct store_rule *r = store_compliance_rule(o->row);

		switch (o->sub) {
		case AGENT_RCOL_ID:
			agent_mib_set_str(vb, r->id);
			break;
		case AGENT_RCOL_TITLE:
			agent_mib_set_str(vb, r->title);
			break;
		case AGENT_RCOL_STATUS:
			agent_mib_set_int(vb, o->row < c->comp.count ? (long)c->comp.status[o->row]
								     : (long)STORE_RULE_NA);
			break;
		case AGENT_RCOL_HINT:
			agent_mib_set_str(vb, r->hint ? r->hint : "");
			break;
		}
		return SNMP_ERR_NOERROR;
	}
	}
	return SNMP_ERR_GENERR;
}

static void agent_mib_get(struct agent *ag, netsnmp_agent_request_info *reqinfo,
			  netsnmp_request_info *req)
{
	netsnmp_variable_list *vb = req->requestvb;
	const struct agent_obj *o = agent_mib_find(ag, vb->name, vb->name_length);
	int err;

	if (!o) {
		netsnmp_set_request_error(reqinfo, req,
					  agent_mib_in_object(ag, vb->name, vb->name_length)
						  ? SNMP_NOSUCHINSTANCE
						  : SNMP_NOSUCHOBJECT);
		return;
	}
	err = agent_mib_value(ag, o, vb);
	if (err != SNMP_ERR_NOERROR)
		netsnmp_set_request_error(reqinfo, req, err);
}

/* Leaves the varbind unanswered when nothing follows in the MIB: the agent then moves on to
 * the next registered subtree. */
static void agent_mib_getnext(struct agent *ag, netsnmp_agent_request_info *reqinfo,
			      netsnmp_request_info *req)
{
	netsnmp_variable_list *vb = req->requestvb;
	const struct agent_obj *o = agent_mib_next(ag, vb->name, vb->name_length);
	int err;

	if (!o)
		return;
	snmp_set_var_objid(vb, o->name, o->len);
	err = agent_mib_value(ag, o, vb);
	if (err != SNMP_ERR_NOERROR)
		netsnmp_set_request_error(reqinfo, req, err);
}

int agent_mib_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reginfo,
		      netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	struct agent *ag = handler->myvoid;

	switch (reqinfo->mode) {
	case MODE_GET:
	case MODE_GETNEXT:
		if (agent_cache_refresh(ag) < 0) {
			for (netsnmp_request_info *r = requests; r; r = r->next)
				netsnmp_set_request_error(reqinfo, r, SNMP_ERR_GENERR);
			return SNMP_ERR_NOERROR;
		}
		for (netsnmp_request_info *r = requests; r; r = r->next) {
			if (r->processed)
				continue;
			if (reqinfo->mode == MODE_GET)
				agent_mib_get(ag, reqinfo, r);
			else
				agent_mib_getnext(ag, reqinfo, r);
		}
		return SNMP_ERR_NOERROR;
	default:
		return agent_set_handle(ag, reqinfo, requests);
	}
}
