/* agent/set: SNMP SET over the store. One PDU is one store transaction: RESERVE1 checks each
 * varbind's type, length and value, RESERVE2 records them in a transaction, ACTION commits it
 * once, UNDO compensates, FREE cleans up. Settings and their psSettingLocked columns may share
 * a PDU (a value and its lock change together or not at all); psSave and psDiscard stand alone.
 * Store and SNMP errors meet in one table. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "log.h"

#define AGENT_SET_DATA "phonesec-set"   /* per-PDU context in the request info */
#define AGENT_SET_VALUE "phonesec-value" /* per-varbind canonical value */

/* Failures found by the agent itself, besides the store's enum store_err (all negative). */
enum agent_set_failure {
	AGENT_FAIL_ASN_TYPE = 1,   /* the varbind's ASN.1 type is not the object's */
	AGENT_FAIL_LENGTH,         /* outside the object's SIZE */
	AGENT_FAIL_NO_INSTANCE,    /* not an instance of a known object */
	AGENT_FAIL_READ_ONLY,      /* an instance that cannot be written */
	AGENT_FAIL_MIXED,          /* a trigger with anything else, or one object twice */
	AGENT_FAIL_COMMIT,         /* the store failed to write in ACTION */
	AGENT_FAIL_UNDO,           /* a committed change could not be taken back */
};

/* The one mapping of failures to SNMP error statuses (RFC 3416 4.2.5). */
static const struct {
	int code;
	int status;
} agent_set_errmap[] = {
	{ AGENT_FAIL_ASN_TYPE, SNMP_ERR_WRONGTYPE },
	{ AGENT_FAIL_LENGTH, SNMP_ERR_WRONGLENGTH },
	{ AGENT_FAIL_NO_INSTANCE, SNMP_ERR_NOCREATION },
	{ AGENT_FAIL_READ_ONLY, SNMP_ERR_NOTWRITABLE },
	{ AGENT_FAIL_MIXED, SNMP_ERR_INCONSISTENTVALUE },
	{ AGENT_FAIL_COMMIT, SNMP_ERR_COMMITFAILED },
	{ AGENT_FAIL_UNDO, SNMP_ERR_UNDOFAILED },
	{ STORE_E_UNKNOWN, SNMP_ERR_NOCREATION },
	{ STORE_E_NOT_WRITABLE, SNMP_ERR_NOTWRITABLE },
	{ STORE_E_TYPE, SNMP_ERR_WRONGTYPE },
	{ STORE_E_VALUE, SNMP_ERR_WRONGVALUE },
	{ STORE_E_INCONSISTENT, SNMP_ERR_INCONSISTENTVALUE },
	{ STORE_E_LOCKED, SNMP_ERR_NOTWRITABLE },
	{ STORE_E_INVALID, SNMP_ERR_INCONSISTENTVALUE }, /* e.g. the same object twice */
	{ STORE_E_NOMEM, SNMP_ERR_RESOURCEUNAVAILABLE },
	{ STORE_E_BUSY, SNMP_ERR_RESOURCEUNAVAILABLE },
	{ STORE_E_IO, SNMP_ERR_GENERR },
	{ STORE_E_CORRUPT, SNMP_ERR_GENERR },
};

static int agent_set_status(int code)
{
	for (size_t i = 0; i < sizeof(agent_set_errmap) / sizeof(agent_set_errmap[0]); i++)
		if (agent_set_errmap[i].code == code)
			return agent_set_errmap[i].status;
	return SNMP_ERR_GENERR;
}

enum agent_set_kind {
	AGENT_SET_NONE = 0,
	AGENT_SET_SETTINGS, /* psSettings scalars and psSettingLocked: one store transaction */
	AGENT_SET_TRIGGER,  /* psSave / psDiscard */
};

/* State of one SET PDU across its phases; hangs off the request info, freed with it. */
struct agent_set_ctx {
	struct agent *ag;
	enum agent_set_kind kind;
	struct store_txn *txn;
	bool committed;
	/* undo: previous running values of the settings written (NULL for secrets) */
	char **old;
	bool *touched;
	bool secret_touched;
	/* locks: registry rows, the values asked for and the values before (for UNDO) */
	size_t *lock_rows;
	bool *lock_vals;
	enum store_lock *lock_old; /* the states an UNDO puts back (the phone's own included) */
	size_t nlocks;
	/* triggers */
	enum agent_status_id trigger;
};

static void agent_set_ctx_free(void *p)
{
	struct agent_set_ctx *ctx = p;

	if (!ctx)
		return;
	store_txn_free(ctx->txn);
	if (ctx->old)
		for (size_t i = 0; i < store_registry_count(); i++)
			free(ctx->old[i]);
	free(ctx->old);
	free(ctx->touched);
	free(ctx->lock_rows);
	free(ctx->lock_vals);
	free(ctx->lock_old);
	free(ctx);
}

/* Frees a canonical value that may be a secret's clear text. */
static void agent_set_value_free(void *p)
{
	store_secret_wipe(p);
}

/* Marks req failed with the status of code; returns -1 for the caller to return. */
static int agent_set_fail(netsnmp_agent_request_info *reqinfo, netsnmp_request_info *req,
			  int code)
{
	netsnmp_set_request_error(reqinfo, req, agent_set_status(code));
	return -1;
}

/* The ASN.1 type and SIZE a writable instance takes; false when it is not writable. */
static bool agent_set_writable(const struct agent_obj *o, u_char *type)
{
	switch (o->kind) {
	case AGENT_OBJ_SETTING: {
		const struct store_setting *s = store_registry_at(o->row);

		if (s->flags & STORE_F_READONLY)
			return false;
		*type = (s->type == STORE_TYPE_BOOL || s->type == STORE_TYPE_ENUM) ? ASN_INTEGER
		      : s->type == STORE_TYPE_UINT ? ASN_UNSIGNED
						   : ASN_OCTET_STR;
		return true;
	}
	case AGENT_OBJ_STATUS:
		*type = ASN_INTEGER;
		return o->sub == AGENT_STATUS_SAVE || o->sub == AGENT_STATUS_DISCARD;
	case AGENT_OBJ_SETTING_COL:
		*type = ASN_INTEGER;
		return o->sub == AGENT_SCOL_LOCKED;
	default:
		return false;
	}
}

/* SIZE of a string setting as the MIB declares it: (min..max), plus 0 when "" may be written
 * or read back (secrets). */
static bool agent_set_size_ok(const struct store_setting *s, size_t len)
{
	bool zero = s->min == 0 || (s->flags & STORE_F_EMPTY_OK) || s->type == STORE_TYPE_SECRET;

	if (len == 0)
		return zero;
	return len >= s->min && len <= s->max;
}

/* RESERVE1 for one varbind: checks and converts the value to the store's canonical text,
 * attached to the request. Returns 0 or a failure code. */
static int agent_set_reserve1(struct agent *ag, netsnmp_request_info *req)
{
	netsnmp_variable_list *vb = req->requestvb;
	const struct agent_obj *o = agent_mib_find(ag, vb->name, vb->name_length);
	u_char type;
	char *text = NULL, *canon = NULL;
	int rc;

	if (!o)
		return AGENT_FAIL_NO_INSTANCE;
	if (!agent_set_writable(o, &type))
		return AGENT_FAIL_READ_ONLY;
	if (vb->type != type)
		return AGENT_FAIL_ASN_TYPE;
	if (type == ASN_INTEGER || type == ASN_UNSIGNED)
		if (vb->val_len != sizeof(long) || !vb->val.integer)
			return AGENT_FAIL_LENGTH;

	if (o->kind != AGENT_OBJ_SETTING) {
		long v = *vb->val.integer;

		if (o->kind == AGENT_OBJ_SETTING_COL)
			return (v == AGENT_TRUE || v == AGENT_FALSE) ? 0 : STORE_E_VALUE;
		return (v == AGENT_TRIGGER_IDLE || v == AGENT_TRIGGER_GO) ? 0 : STORE_E_VALUE;
	}

	const struct store_setting *s = store_registry_at(o->row);

	switch (s->type) {
	case STORE_TYPE_BOOL:
		if (*vb->val.integer != AGENT_TRUE && *vb->val.integer != AGENT_FALSE)
			return STORE_E_VALUE;
		text = strdup(*vb->val.integer == AGENT_TRUE ? "on" : "off");
		break;
	case STORE_TYPE_ENUM: {
		long v = *vb->val.integer;
		const struct store_enum *e =
			(v > 0 && v <= 0x7fffffff) ? store_enum_by_number(s, (int)v) : NULL;

		if (!e)
			return STORE_E_VALUE;
		text = strdup(e->key);
		break;
	}
	case STORE_TYPE_UINT: {
		unsigned long v = (unsigned long)*vb->val.integer & 0xffffffffUL;

		if (asprintf(&text, "%lu", v) < 0)
			text = NULL;
		break;
	}
	case STORE_TYPE_STRING:
	case STORE_TYPE_SECRET:
		if (!agent_set_size_ok(s, vb->val_len))
			return AGENT_FAIL_LENGTH;
		if (vb->val_len && memchr(vb->val.string, '\0', vb->val_len))
			return STORE_E_VALUE;
		text = malloc(vb->val_len + 1);
		if (text) {
			if (vb->val_len)
				memcpy(text, vb->val.string, vb->val_len);
			text[vb->val_len] = '\0';
		}
		break;
	}
	if (!text)
		return STORE_E_NOMEM;
	rc = store_value_check(&canon, s, text, NULL, 0);
	store_secret_wipe(text);
	if (rc != STORE_OK)
		return rc;
	netsnmp_request_add_list_data(req, netsnmp_create_data_list(AGENT_SET_VALUE, canon,
								       agent_set_value_free));
	return 0;
}

static enum agent_set_kind agent_set_kind_of(const struct agent_obj *o)
{
	switch (o->kind) {
	case AGENT_OBJ_SETTING:
		return AGENT_SET_SETTINGS;
	case AGENT_OBJ_SETTING_COL:
		return AGENT_SET_SETTINGS; /* a lock goes in the settings' transaction */
	case AGENT_OBJ_STATUS:
		return AGENT_SET_TRIGGER;
	default:
		return AGENT_SET_NONE;
	}
}

/* The SNMPv3 user of the request when the PDU carries one (never over AgentX, RFC 2741 has no
 * field for it), else the configured writer. */
static void agent_set_actor(struct agent *ag, netsnmp_agent_request_info *reqinfo,
			    struct store_actor *who, char *buf, size_t buflen)
{
	netsnmp_pdu *pdu = reqinfo->asp ? reqinfo->asp->pdu : NULL;

	who->source = STORE_SRC_SNMP;
	who->role = STORE_ROLE_ADMIN;
	if (pdu && pdu->securityName && pdu->securityNameLen > 0) {
		size_t n = pdu->securityNameLen < buflen - 1 ? pdu->securityNameLen : buflen - 1;

		memcpy(buf, pdu->securityName, n);
		buf[n] = '\0';
		who->principal = buf;
	} else {
		who->principal = ag->writer;
	}
}

/* Finds the request whose setting is key. */
static netsnmp_request_info *agent_set_request_of(struct agent *ag, netsnmp_request_info *requests,
						  const char *key)
{
	for (netsnmp_request_info *r = requests; r; r = r->next) {
		const struct agent_obj *o =
			agent_mib_find(ag, r->requestvb->name, r->requestvb->name_length);

		if (o && o->kind == AGENT_OBJ_SETTING && key &&
		    strcmp(store_registry_at(o->row)->key, key) == 0)
			return r;
	}
	return NULL;
}

/* RESERVE2: groups the PDU by kind and opens the store transaction with every value. */
static int agent_set_reserve2(struct agent *ag, netsnmp_agent_request_info *reqinfo,
			      netsnmp_request_info *requests)
{
	struct agent_set_ctx *ctx = calloc(1, sizeof(*ctx));
	size_t nset = store_registry_count(), nreq = 0;
	struct store_actor who;
	char principal[64];

	if (!ctx)
		return agent_set_fail(reqinfo, requests, STORE_E_NOMEM);
	ctx->ag = ag;
	netsnmp_agent_add_list_data(reqinfo, netsnmp_create_data_list(AGENT_SET_DATA, ctx,
								      agent_set_ctx_free));
	for (netsnmp_request_info *r = requests; r; r = r->next)
		nreq++;
	ctx->old = calloc(nset, sizeof(*ctx->old));
	ctx->touched = calloc(nset, sizeof(*ctx->touched));
	ctx->lock_rows = calloc(nreq, sizeof(*ctx->lock_rows));
	ctx->lock_vals = calloc(nreq, sizeof(*ctx->lock_vals));
	ctx->lock_old = calloc(nreq, sizeof(*ctx->lock_old));
	if (!ctx->old || !ctx->touched || !ctx->lock_rows || !ctx->lock_vals || !ctx->lock_old)
		return agent_set_fail(reqinfo, requests, STORE_E_NOMEM);

	for (netsnmp_request_info *r = requests; r; r = r->next) {
		const struct agent_obj *o =
			agent_mib_find(ag, r->requestvb->name, r->requestvb->name_length);
		enum agent_set_kind k = agent_set_kind_of(o);
		/* RESERVE1 checked the type: locks and triggers are INTEGERs. */
		long v = o->kind == AGENT_OBJ_SETTING ? 0 : *r->requestvb->val.integer;

		/* a trigger stands alone; settings and locks go together */
		if (ctx->kind == AGENT_SET_NONE)
			ctx->kind = k;
		if (k != ctx->kind)
			return agent_set_fail(reqinfo, r, AGENT_FAIL_MIXED);
		if (o->kind == AGENT_OBJ_SETTING_COL) {
			for (size_t i = 0; i < ctx->nlocks; i++)
				if (ctx->lock_rows[i] == o->row) /* the same lock twice */
					return agent_set_fail(reqinfo, r, AGENT_FAIL_MIXED);
			ctx->lock_rows[ctx->nlocks] = o->row;
			ctx->lock_vals[ctx->nlocks++] = v == AGENT_TRUE;
		} else if (k == AGENT_SET_TRIGGER && v == AGENT_TRIGGER_GO) {
			if (ctx->trigger)
				return agent_set_fail(reqinfo, r, AGENT_FAIL_MIXED);
			ctx->trigger = (enum agent_status_id)o->sub;
		}
	}
	if (ctx->kind != AGENT_SET_SETTINGS)
		return 0;

	if (agent_cache_refresh(ag) < 0)
		return agent_set_fail(reqinfo, requests, STORE_E_IO);
	agent_set_actor(ag, reqinfo, &who, principal, sizeof(principal));
	int rc = store_txn_begin(&ctx->txn, ag->st, STORE_TXN_BOTH, &who);

	if (rc != STORE_OK) {
		log_msg(LOG_ERR, "SET: %s", store_errmsg(ag->st));
		return agent_set_fail(reqinfo, requests, rc);
	}
	for (size_t i = 0; i < ctx->nlocks; i++) {
		ctx->lock_old[i] = ag->cache.snap->rows[ctx->lock_rows[i]].lock;
		rc = store_txn_lock(ctx->txn, store_registry_at(ctx->lock_rows[i])->key,
				    ctx->lock_vals[i]);
		if (rc != STORE_OK) {
			log_msg(LOG_INFO, "SET refused: %s", store_txn_errmsg(ctx->txn));
			return agent_set_fail(reqinfo, requests, rc);
		}
	}
	for (netsnmp_request_info *r = requests; r; r = r->next) {
		const struct agent_obj *o =
			agent_mib_find(ag, r->requestvb->name, r->requestvb->name_length);
		if (o->kind != AGENT_OBJ_SETTING)
			continue; /* a lock, in the transaction above */
		const struct store_setting *s = store_registry_at(o->row);
		const char *canon = netsnmp_request_get_list_data(r, AGENT_SET_VALUE);

		rc = store_txn_set(ctx->txn, s->key, canon ? canon : "");
		if (rc != STORE_OK) {
			log_msg(LOG_INFO, "SET refused: %s", store_txn_errmsg(ctx->txn));
			return agent_set_fail(reqinfo, r, rc);
		}
		if (!ctx->touched[o->row]) {
			ctx->touched[o->row] = true;
			if (s->type == STORE_TYPE_SECRET)
				ctx->secret_touched = true;
			else
				ctx->old[o->row] = strdup(ag->cache.snap->rows[o->row].running);
		}
	}
	/* consistency across the whole PDU, before ACTION: nothing is written here */
	rc = store_txn_check(ctx->txn);
	if (rc != STORE_OK) {
		const struct store_param_error *pe =
			store_txn_error_count(ctx->txn) ? store_txn_error(ctx->txn, 0) : NULL;
		netsnmp_request_info *r = pe ? agent_set_request_of(ag, requests, pe->key) : NULL;

		log_msg(LOG_INFO, "SET refused: %s", store_txn_errmsg(ctx->txn));
		return agent_set_fail(reqinfo, r ? r : requests, rc);
	}
	return 0;
}

/* ACTION: the one commit. A consistency failure names its setting's varbind. */
static void agent_set_action(struct agent *ag, netsnmp_agent_request_info *reqinfo,
			     netsnmp_request_info *requests, struct agent_set_ctx *ctx)
{
	struct store_actor who;
	char principal[64];
	uint64_t seq = 0;
	int rc = STORE_OK;

	agent_set_actor(ag, reqinfo, &who, principal, sizeof(principal));
	switch (ctx->kind) {
	case AGENT_SET_SETTINGS:
		rc = store_txn_commit(ctx->txn, &seq);
		if (rc != STORE_OK) {
			const struct store_param_error *pe =
				store_txn_error_count(ctx->txn) ? store_txn_error(ctx->txn, 0) : NULL;
			netsnmp_request_info *r = pe ? agent_set_request_of(ag, requests, pe->key)
						     : NULL;

			log_msg(LOG_INFO, "SET refused at commit: %s", store_txn_errmsg(ctx->txn));
			agent_set_fail(reqinfo, r ? r : requests,
				       (rc == STORE_E_IO || rc == STORE_E_CORRUPT) ? AGENT_FAIL_COMMIT
										   : rc);
			return;
		}
		log_msg(LOG_INFO, "SET committed by %s (audit %llu)", who.principal,
			(unsigned long long)seq);
		break;
	case AGENT_SET_TRIGGER:
		if (ctx->trigger == AGENT_STATUS_SAVE)
			rc = store_save(ag->st, &who);
		else if (ctx->trigger == AGENT_STATUS_DISCARD)
			rc = store_discard(ag->st, &who);
		break;
	case AGENT_SET_NONE:
		break;
	}
	if (rc != STORE_OK) {
		log_msg(LOG_ERR, "SET failed: %s", store_errmsg(ag->st));
		agent_set_fail(reqinfo, requests, AGENT_FAIL_COMMIT);
		return;
	}
	ctx->committed = true;
	agent_cache_invalidate(ag);
}

/* UNDO after a successful ACTION (another part of the PDU failed): writes the old values back.
 * Secrets, Save and Discard cannot be taken back: undoFailed, as RFC 3416 foresees. */
static void agent_set_undo(struct agent *ag, netsnmp_agent_request_info *reqinfo,
			   netsnmp_request_info *requests, struct agent_set_ctx *ctx)
{
	struct store_actor who;
	char principal[64];
	struct store_txn *txn = NULL;
	int rc = STORE_OK;

	if (!ctx->committed)
		return;
	agent_set_actor(ag, reqinfo, &who, principal, sizeof(principal));
	switch (ctx->kind) {
	case AGENT_SET_SETTINGS:
		rc = store_txn_begin(&txn, ag->st, STORE_TXN_BOTH, &who);
		for (size_t i = 0; rc == STORE_OK && i < store_registry_count(); i++)
			if (ctx->touched[i] && ctx->old[i])
				rc = store_txn_set(txn, store_registry_at(i)->key, ctx->old[i]);
		for (size_t i = 0; rc == STORE_OK && i < ctx->nlocks; i++)
			rc = store_txn_lock_state(txn, store_registry_at(ctx->lock_rows[i])->key,
						  ctx->lock_old[i]);
		if (rc == STORE_OK)
			rc = store_txn_commit(txn, NULL);
		store_txn_free(txn);
		if (rc == STORE_OK && ctx->secret_touched)
			rc = STORE_E_INVALID;
		break;
	case AGENT_SET_TRIGGER:
		rc = ctx->trigger ? STORE_E_INVALID : STORE_OK;
		break;
	case AGENT_SET_NONE:
		break;
	}
	ctx->committed = false;
	agent_cache_invalidate(ag);
	if (rc != STORE_OK) {
		log_msg(LOG_WARNING, "SET undo incomplete (secrets, save and discard stay)");
		agent_set_fail(reqinfo, requests, AGENT_FAIL_UNDO);
	}
}

int agent_set_handle(struct agent *ag, netsnmp_agent_request_info *reqinfo,
		     netsnmp_request_info *requests)
{
	struct agent_set_ctx *ctx = netsnmp_agent_get_list_data(reqinfo, AGENT_SET_DATA);

	switch (reqinfo->mode) {
	case MODE_SET_RESERVE1:
		for (netsnmp_request_info *r = requests; r; r = r->next) {
			int code = agent_set_reserve1(ag, r);

			if (code != 0) {
				agent_set_fail(reqinfo, r, code);
				break;
			}
		}
		break;
	case MODE_SET_RESERVE2:
		agent_set_reserve2(ag, reqinfo, requests);
		break;
	case MODE_SET_ACTION:
		if (ctx)
			agent_set_action(ag, reqinfo, requests, ctx);
		break;
	case MODE_SET_UNDO:
		if (ctx)
			agent_set_undo(ag, reqinfo, requests, ctx);
		break;
	case MODE_SET_COMMIT:
	case MODE_SET_FREE:
		/* The context and the values are freed with the request info. */
		break;
	default:
		break;
	}
	return SNMP_ERR_NOERROR;
}
