/* Unit test of the subagent's generic handler, called directly with fixture varbinds (no snmpd):
 * GET/GETNEXT over the instance table, SET phases, error statuses and UNDO against a real store. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "agent/internal.h"

static char dir[] = "/tmp/phonesec-test-agent-XXXXXX";
static char path[256];
static struct agent *ag;
static netsnmp_mib_handler *handler;

static const oid root[] = { AGENT_OID_ROOT };

/* Instance name: root + arcs. */
static size_t name_of(oid *out, const oid *arcs, size_t n)
{
	memcpy(out, root, sizeof(root));
	if (n)
		memcpy(out + AGENT_OID_ROOT_LEN, arcs, n * sizeof(oid));
	return AGENT_OID_ROOT_LEN + n;
}

/* A PDU in the making: requests with varbinds, freed by pdu_free(). */
struct pdu {
	netsnmp_agent_request_info info;
	netsnmp_request_info *reqs;
	netsnmp_variable_list *vars;
};

static netsnmp_request_info *pdu_add(struct pdu *p, const oid *arcs, size_t n, u_char type,
				     const void *val, size_t len)
{
	oid name[AGENT_OID_MAX];
	size_t nl = name_of(name, arcs, n);
	netsnmp_variable_list *vb = snmp_varlist_add_variable(&p->vars, name, nl, type, val, len);
	netsnmp_request_info *r = calloc(1, sizeof(*r)), **tail = &p->reqs;

	r->requestvb = vb;
	while (*tail)
		tail = &(*tail)->next;
	*tail = r;
	return r;
}

static void pdu_free(struct pdu *p)
{
	netsnmp_request_info *r = p->reqs;

	while (r) {
		netsnmp_request_info *next = r->next;

		netsnmp_free_request_data_sets(r);
		free(r);
		r = next;
	}
	netsnmp_free_all_list_data(p->info.agent_data);
	snmp_free_varbind(p->vars);
	memset(p, 0, sizeof(*p));
}

static int run(struct pdu *p, int mode)
{
	p->info.mode = mode;
	return agent_mib_handler(handler, NULL, &p->info, p->reqs);
}

/* Runs the SET phases the way the agent does; returns the first error status and its index
 * (1-based) in *index, 0 when the PDU was applied. */
/* Phase (0 RESERVE1, 1 RESERVE2, 2 ACTION) at which the last set_pdu() failed, -1 for none. */
static int failed_phase = -1;

static int set_pdu(struct pdu *p, int *index, bool undo_after_action)
{
	failed_phase = -1;
	static const int phases[] = { MODE_SET_RESERVE1, MODE_SET_RESERVE2, MODE_SET_ACTION };

	for (size_t ph = 0; ph < 3; ph++) {
		int i = 1;

		run(p, phases[ph]);
		for (netsnmp_request_info *r = p->reqs; r; r = r->next, i++)
			if (r->status != SNMP_ERR_NOERROR) {
				*index = i;
				int st = r->status;

				failed_phase = (int)ph;
				if (ph == 2)
					run(p, MODE_SET_UNDO);
				run(p, MODE_SET_FREE);
				return st;
			}
	}
	if (undo_after_action) {
		run(p, MODE_SET_UNDO);
		int st = SNMP_ERR_NOERROR;

		for (netsnmp_request_info *r = p->reqs; r; r = r->next)
			if (r->status != SNMP_ERR_NOERROR)
				st = r->status;
		run(p, MODE_SET_FREE);
		*index = 0;
		return st;
	}
	run(p, MODE_SET_COMMIT);
	run(p, MODE_SET_FREE);
	*index = 0;
	return SNMP_ERR_NOERROR;
}

static char *get_key(const char *key)
{
	struct store *st;
	char *v = NULL;

	CU_ASSERT_FATAL(store_open(&st, path, NULL, 0) == STORE_OK);
	CU_ASSERT(store_get(&v, st, key) == STORE_OK);
	store_close(st);
	return v;
}

static bool lock_is(const char *key)
{
	struct store *st;
	bool locked = false;

	CU_ASSERT_FATAL(store_open(&st, path, NULL, 0) == STORE_OK);
	CU_ASSERT(store_lock_get(&locked, st, key) == STORE_OK);
	store_close(st);
	return locked;
}

static bool key_is(const char *key, const char *want)
{
	char *v = get_key(key);
	bool eq = v && strcmp(v, want) == 0;

	if (!eq)
		fprintf(stderr, "%s = %s, want %s\n", key, v ? v : "(null)", want);
	free(v);
	return eq;
}

static const oid http_port[] = { 1, 1, 8, 0 };
static const oid http_user[] = { 1, 1, 3, 0 };
static const oid http_pass[] = { 1, 1, 4, 0 };
static const oid http_scheme[] = { 1, 1, 5, 0 };
static const oid hidden_tags[] = { 1, 1, 6, 0 };
static const oid admin_pw[] = { 1, 1, 1, 0 };
static const oid hardened[] = { 1, 4, 1, 0 };
static const oid locked10[] = { 1, 3, 1, 4, 10 };
static const oid locked11[] = { 1, 3, 1, 4, 11 };
static const oid locked13[] = { 1, 3, 1, 4, 13 };
static const oid kbd_timeout[] = { 1, 1, 13, 0 };
static const oid save_trigger[] = { 1, 2, 2, 0 };
static const oid discard_trigger[] = { 1, 2, 3, 0 };

static void test_get(void)
{
	struct pdu p = { 0 };
	netsnmp_request_info *port = pdu_add(&p, http_port, 4, ASN_NULL, NULL, 0);
	netsnmp_request_info *pw = pdu_add(&p, admin_pw, 4, ASN_NULL, NULL, 0);
	netsnmp_request_info *scheme = pdu_add(&p, http_scheme, 4, ASN_NULL, NULL, 0);
	const oid bad_inst[] = { 1, 1, 8, 1 }, bad_obj[] = { 1, 9, 0 };
	netsnmp_request_info *inst = pdu_add(&p, bad_inst, 4, ASN_NULL, NULL, 0);
	netsnmp_request_info *obj = pdu_add(&p, bad_obj, 3, ASN_NULL, NULL, 0);

	run(&p, MODE_GET);
	CU_ASSERT_EQUAL(port->requestvb->type, ASN_UNSIGNED);
	CU_ASSERT_EQUAL(*port->requestvb->val.integer, 80);
	CU_ASSERT_EQUAL(pw->requestvb->type, ASN_OCTET_STR);
	CU_ASSERT_EQUAL(pw->requestvb->val_len, 0);
	CU_ASSERT_EQUAL(scheme->requestvb->type, ASN_INTEGER);
	CU_ASSERT_EQUAL(*scheme->requestvb->val.integer, 1);
	CU_ASSERT_EQUAL(inst->requestvb->type, SNMP_NOSUCHINSTANCE);
	CU_ASSERT_EQUAL(obj->requestvb->type, SNMP_NOSUCHOBJECT);
	pdu_free(&p);
}

/* GETNEXT from the root visits every instance once, in order, and stops. */
static void test_getnext_walk(void)
{
	oid cur[AGENT_OID_MAX];
	size_t len = name_of(cur, NULL, 0), n = 0;

	for (;;) {
		struct pdu p = { 0 };
		netsnmp_request_info *r = pdu_add(&p, cur + AGENT_OID_ROOT_LEN,
						  len - AGENT_OID_ROOT_LEN, ASN_NULL, NULL, 0);

		run(&p, MODE_GETNEXT);
		if (r->requestvb->type == ASN_NULL) {
			pdu_free(&p);
			break;
		}
		CU_ASSERT(snmp_oid_compare(r->requestvb->name, r->requestvb->name_length, cur, len) > 0);
		len = r->requestvb->name_length;
		memcpy(cur, r->requestvb->name, len * sizeof(oid));
		n++;
		pdu_free(&p);
		if (n > 10000)
			break;
	}
	CU_ASSERT_EQUAL(n, ag->nobjs);
	CU_ASSERT_EQUAL(n, 6 * store_registry_count() + 6 + 1 + 4 * store_compliance_count());
}

static void test_set_errors(void)
{
	static const struct {
		const oid *arcs;
		size_t n;
		u_char type;
		const char *sval;
		long ival;
		int want;
	} cases[] = {
		{ http_port, 4, ASN_OCTET_STR, "80", 0, SNMP_ERR_WRONGTYPE },
		{ http_port, 4, ASN_UNSIGNED, NULL, 70000, SNMP_ERR_WRONGVALUE },
		{ http_port, 4, ASN_UNSIGNED, NULL, 0, SNMP_ERR_WRONGVALUE },
		{ http_scheme, 4, ASN_INTEGER, NULL, 3, SNMP_ERR_WRONGVALUE },
		{ hidden_tags, 4, ASN_INTEGER, NULL, 0, SNMP_ERR_WRONGVALUE },
		{ http_user, 4, ASN_OCTET_STR, "a-name-that-is-longer-than-32-octets", 0,
		  SNMP_ERR_WRONGLENGTH },
		{ http_user, 4, ASN_OCTET_STR, "with space", 0, SNMP_ERR_WRONGVALUE },
		{ admin_pw, 4, ASN_OCTET_STR, "abc", 0, SNMP_ERR_WRONGLENGTH },
		{ hardened, 4, ASN_INTEGER, NULL, 1, SNMP_ERR_NOTWRITABLE },
		{ locked10, 5, ASN_INTEGER, NULL, 3, SNMP_ERR_WRONGVALUE },
	};
	static const oid bad_inst[] = { 1, 1, 8, 1 };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pdu p = { 0 };
		int index = -1, st;

		if (cases[i].sval)
			pdu_add(&p, cases[i].arcs, cases[i].n, cases[i].type, cases[i].sval,
				strlen(cases[i].sval));
		else
			pdu_add(&p, cases[i].arcs, cases[i].n, cases[i].type, &cases[i].ival,
				sizeof(long));
		st = set_pdu(&p, &index, false);
		if (st != cases[i].want)
			fprintf(stderr, "case %zu: status %d, want %d\n", i, st, cases[i].want);
		CU_ASSERT_EQUAL(st, cases[i].want);
		CU_ASSERT_EQUAL(index, 1);
		pdu_free(&p);
	}
	struct pdu p = { 0 };
	long v = 80;
	int index;

	pdu_add(&p, bad_inst, 4, ASN_UNSIGNED, &v, sizeof(v));
	CU_ASSERT_EQUAL(set_pdu(&p, &index, false), SNMP_ERR_NOCREATION);
	pdu_free(&p);
	/* A NUL inside a string is refused, not cut. */
	pdu_add(&p, http_user, 4, ASN_OCTET_STR, "ab\0cd", 5);
	CU_ASSERT_EQUAL(set_pdu(&p, &index, false), SNMP_ERR_WRONGVALUE);
	pdu_free(&p);
	CU_ASSERT(key_is("http_port", "80"));
	CU_ASSERT(key_is("http_user", ""));
}

/* One bad varbind among good ones: its index, nothing written. */
static void test_set_atomic(void)
{
	struct pdu p = { 0 };
	long port = 8080, bad = 9, on = AGENT_TRUE;
	int index;

	pdu_add(&p, http_port, 4, ASN_UNSIGNED, &port, sizeof(port));
	pdu_add(&p, http_scheme, 4, ASN_INTEGER, &bad, sizeof(bad));
	pdu_add(&p, hidden_tags, 4, ASN_INTEGER, &on, sizeof(on));
	CU_ASSERT_EQUAL(set_pdu(&p, &index, false), SNMP_ERR_WRONGVALUE);
	CU_ASSERT_EQUAL(index, 2);
	pdu_free(&p);
	CU_ASSERT(key_is("http_port", "80"));
	CU_ASSERT(key_is("use_hidden_tags", "off"));

	/* The keypad lock without a PIN: inconsistent as a whole, reported on the lock. */
	static const oid kbd_lock[] = { 1, 1, 11, 0 };
	long digest = 2;

	pdu_add(&p, hidden_tags, 4, ASN_INTEGER, &on, sizeof(on));
	pdu_add(&p, kbd_lock, 4, ASN_INTEGER, &on, sizeof(on));
	CU_ASSERT_EQUAL(set_pdu(&p, &index, false), SNMP_ERR_INCONSISTENTVALUE);
	CU_ASSERT_EQUAL(index, 2);
	CU_ASSERT_EQUAL(failed_phase, 1); /* found in RESERVE2, before anything is committed */
	pdu_free(&p);
	CU_ASSERT(key_is("enable_keyboard_lock", "off"));
	CU_ASSERT(key_is("use_hidden_tags", "off"));

	/* Digest alone, without a user or password yet: NMSs set one object at a time. */
	pdu_add(&p, http_scheme, 4, ASN_INTEGER, &digest, sizeof(digest));
	CU_ASSERT_EQUAL(set_pdu(&p, &index, false), SNMP_ERR_NOERROR);
	pdu_free(&p);
	CU_ASSERT(key_is("http_scheme", "digest"));

	/* With user and password in the same PDU it is applied, as one audit entry by the
	 * configured writer. */
	pdu_add(&p, http_user, 4, ASN_OCTET_STR, "admin", 5);
	pdu_add(&p, http_pass, 4, ASN_OCTET_STR, "Pass-word-1", 11);
	pdu_add(&p, http_scheme, 4, ASN_INTEGER, &digest, sizeof(digest));
	CU_ASSERT_EQUAL(set_pdu(&p, &index, false), SNMP_ERR_NOERROR);
	pdu_free(&p);
	CU_ASSERT(key_is("http_scheme", "digest"));

	struct store *st;
	struct store_audit_entry *e = NULL;
	size_t n = 0;

	CU_ASSERT_FATAL(store_open(&st, path, NULL, 0) == STORE_OK);
	CU_ASSERT(store_audit_last(&e, &n, st, 1) == STORE_OK);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_EQUAL(e[0].source, STORE_SRC_SNMP);
	CU_ASSERT_STRING_EQUAL(e[0].principal, "test-nms");
	CU_ASSERT(e[0].both_layers);
	CU_ASSERT_STRING_EQUAL(e[0].keys, "http_user,http_pass"); /* the scheme was digest */
	CU_ASSERT(store_secret_verify(st, "http_pass", "Pass-word-1") == STORE_OK);
	store_audit_free(e, n);
	store_close(st);
}

/* UNDO after ACTION (another subagent failed the PDU) writes the old values back; a secret
 * cannot be taken back: undoFailed. */
static void test_set_undo(void)
{
	struct pdu p = { 0 };
	long port = 8081, on = AGENT_TRUE;
	int index;

	pdu_add(&p, http_port, 4, ASN_UNSIGNED, &port, sizeof(port));
	pdu_add(&p, hidden_tags, 4, ASN_INTEGER, &on, sizeof(on));
	CU_ASSERT_EQUAL(set_pdu(&p, &index, true), SNMP_ERR_NOERROR);
	pdu_free(&p);
	CU_ASSERT(key_is("http_port", "80"));
	CU_ASSERT(key_is("use_hidden_tags", "off"));

	pdu_add(&p, admin_pw, 4, ASN_OCTET_STR, "New-admin-pw-1", 14);
	CU_ASSERT_EQUAL(set_pdu(&p, &index, true), SNMP_ERR_UNDOFAILED);
	pdu_free(&p);
}

/* key = value in the running layer alone, as the CLI's set writes it (unsaved). */
static void running_set(const char *key, const char *value)
{
	struct store_actor who = { .source = STORE_SRC_CLI, .role = STORE_ROLE_ADMIN,
				   .principal = "test" };
	struct store *st;
	struct store_txn *txn = NULL;

	CU_ASSERT_FATAL(store_open(&st, path, NULL, 0) == STORE_OK);
	CU_ASSERT_FATAL(store_txn_begin(&txn, st, STORE_TXN_RUNNING, &who) == STORE_OK);
	CU_ASSERT(store_txn_set(txn, key, value) == STORE_OK);
	CU_ASSERT(store_txn_commit(txn, NULL) == STORE_OK);
	store_txn_free(txn);
	store_close(st);
}

/* The running and saved values of key are both want (so nothing of it is unsaved). */
static bool layers_are(const char *key, const char *want)
{
	struct store_snapshot *snap = NULL;
	struct store *st;
	bool eq = false;

	CU_ASSERT_FATAL(store_open(&st, path, NULL, 0) == STORE_OK);
	CU_ASSERT_FATAL(store_snapshot_take(&snap, st) == STORE_OK);
	const struct store_row *r = store_snapshot_find(snap, key);

	if (r) {
		eq = strcmp(r->running, want) == 0 && strcmp(r->saved, want) == 0 && !r->unsaved;
		if (!eq)
			fprintf(stderr, "%s: running %s, saved %s, want %s in both\n", key, r->running,
				r->saved, want);
	}
	store_snapshot_free(snap);
	store_close(st);
	return eq;
}

/* UNDO after a committed psSave or psDiscard (another subagent failed the PDU): neither can be
 * taken back, so the answer is undoFailed, and the save or discard stays done. */
static void test_set_undo_trigger(void)
{
	struct pdu p = { 0 };
	long go = AGENT_TRIGGER_GO;
	int index;

	running_set("web_logout_timer", "21");
	CU_ASSERT_FALSE(layers_are("web_logout_timer", "21")); /* test premise: unsaved */
	pdu_add(&p, save_trigger, 4, ASN_INTEGER, &go, sizeof(go));
	CU_ASSERT_EQUAL(set_pdu(&p, &index, true), SNMP_ERR_UNDOFAILED);
	pdu_free(&p);
	CU_ASSERT(layers_are("web_logout_timer", "21"));

	running_set("web_logout_timer", "22");
	pdu_add(&p, discard_trigger, 4, ASN_INTEGER, &go, sizeof(go));
	CU_ASSERT_EQUAL(set_pdu(&p, &index, true), SNMP_ERR_UNDOFAILED);
	pdu_free(&p);
	CU_ASSERT(layers_are("web_logout_timer", "21"));

	/* the same PDUs without UNDO: applied, no error */
	running_set("web_logout_timer", "23");
	pdu_add(&p, discard_trigger, 4, ASN_INTEGER, &go, sizeof(go));
	CU_ASSERT_EQUAL(set_pdu(&p, &index, false), SNMP_ERR_NOERROR);
	pdu_free(&p);
	CU_ASSERT(layers_are("web_logout_timer", "21"));
}

static void test_locks(void)
{
	struct pdu p = { 0 };
	long t = AGENT_TRUE;
	int index;
	bool locked = false;
	struct store *st;

	pdu_add(&p, locked10, 5, ASN_INTEGER, &t, sizeof(t));
	CU_ASSERT_EQUAL(set_pdu(&p, &index, false), SNMP_ERR_NOERROR);
	pdu_free(&p);
	CU_ASSERT_FATAL(store_open(&st, path, NULL, 0) == STORE_OK);
	CU_ASSERT(store_lock_get(&locked, st, "web_logout_timer") == STORE_OK);
	CU_ASSERT(locked);
	store_close(st);

	/* A setting and its lock in one PDU: one transaction, both applied. (The factory profile
	 * locks most settings; web_logout_timer and the keypad lock's are open.) */
	long secs = 45, secs2 = 46, zero = 0, f = AGENT_FALSE, go = AGENT_TRIGGER_GO;
	pdu_add(&p, kbd_timeout, 4, ASN_UNSIGNED, &secs, sizeof(secs));
	pdu_add(&p, locked13, 5, ASN_INTEGER, &t, sizeof(t));
	CU_ASSERT_EQUAL(set_pdu(&p, &index, false), SNMP_ERR_NOERROR);
	pdu_free(&p);
	CU_ASSERT(key_is("keyboard_lock_timeout", "45"));
	CU_ASSERT(lock_is("keyboard_lock_timeout"));

	/* A bad value beside a lock: neither applied. */
	pdu_add(&p, locked11, 5, ASN_INTEGER, &t, sizeof(t));
	pdu_add(&p, http_port, 4, ASN_UNSIGNED, &zero, sizeof(zero));
	CU_ASSERT_EQUAL(set_pdu(&p, &index, false), SNMP_ERR_WRONGVALUE);
	CU_ASSERT_EQUAL(index, 2);
	pdu_free(&p);
	CU_ASSERT_FALSE(lock_is("enable_keyboard_lock"));
	CU_ASSERT(key_is("http_port", "80"));

	/* UNDO after ACTION (another subagent failed the PDU) takes back values and locks. */
	pdu_add(&p, kbd_timeout, 4, ASN_UNSIGNED, &secs2, sizeof(secs2));
	pdu_add(&p, locked13, 5, ASN_INTEGER, &f, sizeof(f));
	pdu_add(&p, locked11, 5, ASN_INTEGER, &t, sizeof(t));
	CU_ASSERT_EQUAL(set_pdu(&p, &index, true), SNMP_ERR_NOERROR);
	pdu_free(&p);
	CU_ASSERT(key_is("keyboard_lock_timeout", "45"));
	CU_ASSERT(lock_is("keyboard_lock_timeout"));
	CU_ASSERT_FALSE(lock_is("enable_keyboard_lock"));

	/* Locks alone, to different values: one transaction too. */
	pdu_add(&p, locked10, 5, ASN_INTEGER, &f, sizeof(f));
	pdu_add(&p, locked11, 5, ASN_INTEGER, &t, sizeof(t));
	CU_ASSERT_EQUAL(set_pdu(&p, &index, false), SNMP_ERR_NOERROR);
	pdu_free(&p);
	CU_ASSERT_FALSE(lock_is("web_logout_timer"));
	CU_ASSERT(lock_is("enable_keyboard_lock"));

	/* UNDO of locks alone restores each lock's own state, not the opposite of the request:
	 * enable_keyboard_lock was locked already, web_logout_timer was not. */
	pdu_add(&p, locked11, 5, ASN_INTEGER, &t, sizeof(t));
	pdu_add(&p, locked10, 5, ASN_INTEGER, &t, sizeof(t));
	CU_ASSERT_EQUAL(set_pdu(&p, &index, true), SNMP_ERR_NOERROR);
	pdu_free(&p);
	CU_ASSERT(lock_is("enable_keyboard_lock"));
	CU_ASSERT_FALSE(lock_is("web_logout_timer"));

	/* The same lock twice, and a trigger beside a lock: refused, nothing changed. */
	pdu_add(&p, locked10, 5, ASN_INTEGER, &t, sizeof(t));
	pdu_add(&p, locked10, 5, ASN_INTEGER, &f, sizeof(f));
	CU_ASSERT_EQUAL(set_pdu(&p, &index, false), SNMP_ERR_INCONSISTENTVALUE);
	pdu_free(&p);
	pdu_add(&p, locked10, 5, ASN_INTEGER, &t, sizeof(t));
	pdu_add(&p, save_trigger, 4, ASN_INTEGER, &go, sizeof(go));
	CU_ASSERT_EQUAL(set_pdu(&p, &index, false), SNMP_ERR_INCONSISTENTVALUE);
	CU_ASSERT_EQUAL(index, 2);
	pdu_free(&p);
	CU_ASSERT_FALSE(lock_is("web_logout_timer"));
}

/* psPeriodicInformTime takes every xs:dateTime form and reads back as whole-second UTC; a
 * wrong date is wrongValue, a value beyond the MIB's SIZE wrongLength, both changing nothing. */
static void test_set_datetime(void)
{
	static const oid periodic_time[] = { 1, 1, 21, 0 };
	static const char *const in[] = { "2026-03-01T00:30:00.125+01:00",
					  "1970-01-01T15:56:27.404Z", "2026-03-01T04:05:06" };
	static const char *const kept[] = { "2026-02-28T23:30:00Z", "1970-01-01T15:56:27Z",
					    "2026-03-01T04:05:06Z" };
	static const char feb30[] = "2026-02-30T00:00:00Z";
	char longer[66];
	struct pdu p = { 0 };
	int index;

	for (size_t i = 0; i < 3; i++) {
		pdu_add(&p, periodic_time, 4, ASN_OCTET_STR, in[i], strlen(in[i]));
		CU_ASSERT_EQUAL(set_pdu(&p, &index, false), SNMP_ERR_NOERROR);
		pdu_free(&p);
		CU_ASSERT(key_is("tr69_periodic_time", kept[i]));
	}
	pdu_add(&p, periodic_time, 4, ASN_OCTET_STR, feb30, strlen(feb30));
	CU_ASSERT_EQUAL(set_pdu(&p, &index, false), SNMP_ERR_WRONGVALUE);
	pdu_free(&p);
	snprintf(longer, sizeof(longer), "2026-03-01T04:05:06.%044dZ", 0);
	pdu_add(&p, periodic_time, 4, ASN_OCTET_STR, longer, strlen(longer));
	CU_ASSERT_EQUAL(set_pdu(&p, &index, false), SNMP_ERR_WRONGLENGTH);
	pdu_free(&p);
	CU_ASSERT(key_is("tr69_periodic_time", "2026-03-01T04:05:06Z"));
}

static int suite_init(void)
{
	struct agent_config cfg = { .writer = "test-nms" };
	char err[256];

	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/settings.db", dir);
	if (store_create(path, NULL, NULL, err, sizeof(err)) != STORE_OK) {
		fprintf(stderr, "store_create: %s\n", err);
		return -1;
	}
	cfg.store_path = path;
	if (agent_new(&ag, NULL, &cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "agent_new: %s\n", err);
		return -1;
	}
	handler = netsnmp_create_handler("test", agent_mib_handler);
	if (!handler)
		return -1;
	handler->myvoid = ag;
	return 0;
}

static int suite_clean(void)
{
	char cmd[300];

	netsnmp_handler_free(handler);
	agent_free(ag);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 99;
	s = CU_add_suite("agent handler", suite_init, suite_clean);
	CU_add_test(s, "GET values, secrets empty, noSuchInstance/Object", test_get);
	CU_add_test(s, "GETNEXT walks every instance in order", test_getnext_walk);
	CU_add_test(s, "SET error statuses", test_set_errors);
	CU_add_test(s, "multi-varbind SET is all or nothing", test_set_atomic);
	CU_add_test(s, "UNDO after ACTION", test_set_undo);
	CU_add_test(s, "UNDO after psSave / psDiscard: undoFailed", test_set_undo_trigger);
	CU_add_test(s, "locks", test_locks);
	CU_add_test(s, "date-times in every xs:dateTime form", test_set_datetime);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
