/* The TR-181 data model over the store: a table of rows (standard objects, the registry's tr069
 * paths, compliance) built once per model in tree order, one generic read and one write path. */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/sysinfo.h>

#include "model.h"
#include "msg.h"

#define XSD_STRING "xsd:string"
#define XSD_BOOL "xsd:boolean"
#define XSD_UINT "xsd:unsignedInt"
#define XSD_DATETIME "xsd:dateTime"

#define MODEL_ROOT "Device."
#define MODEL_PATH_MAX 256
#define MODEL_STATE_PARAMETER_KEY "cwmp.parameter_key"
#define MODEL_STATE_PROVISIONING "cwmp.provisioning_code"
#define MODEL_STATE_WUI_ACCESS "cwmp.wui_access"
#define MODEL_STATE_ATTR "cwmp.attr."
#define MODEL_WUI_KEY "webserver_type"

/* The daemon state the model reads, kept in its read cache. Only the model writes these rows
 * (SetParameterValues) and a factory reset deletes them (an audited change), so a cache checked
 * against the audit head and dropped at our own commits stays exact. */
static const char *const model_cached_state[] = {
	MODEL_STATE_PARAMETER_KEY, MODEL_STATE_PROVISIONING, MODEL_STATE_WUI_ACCESS,
};
#define MODEL_NCACHED (sizeof(model_cached_state) / sizeof(model_cached_state[0]))

/* How a parameter gets its value. */
enum model_kind {
	MK_SETTING = 1, /* a registry row of the store */
	MK_CONST,       /* fixed text, read-only */
	MK_FIXED,       /* fixed text, writable to that same value only (TR-181 readWrite) */
	MK_CONF,        /* a field of struct cwmp_conf */
	MK_STATE,       /* a store daemon-state row */
	MK_UPTIME,
	MK_CR_URL,
	MK_WUI_ENABLE,  /* UserInterface.Enable (index 0), HTTPAccess.{index}.Enable */
	MK_WUI_STATUS,  /* HTTPAccess.{index}.Status */
	MK_RULE,        /* X_<VENDOR>_Compliance.Rule.{index+1}.<field> */
	MK_HARDENED,
};

/* TR-181 activeNotify, plus forced inform. */
enum model_notify {
	MN_NORMAL = 0,
	MN_DENY_ACTIVE,    /* canDeny, and forced-inform parameters: active notification refused */
	MN_FORCE_ENABLED,  /* always active */
	MN_DEFAULT_ACTIVE, /* active unless the ACS turns it off */
};

enum rule_field { RF_ID, RF_TITLE, RF_STATUS, RF_HINT };

/* A static row; paths below "Device." with X_{VENDOR}_ placeholders. */
struct model_row {
	const char *path;
	enum model_kind kind;
	const char *xsd;
	bool writable;
	bool forced;
	enum model_notify notify;
	const char *text;  /* CONST/FIXED: the value; STATE: the state row's name */
	size_t conf_off;   /* CONF */
	int index;         /* WUI_* */
	size_t maxlen;     /* writable STATE */
};

#define CONF_FIELD(f) .kind = MK_CONF, .xsd = XSD_STRING, .conf_off = offsetof(struct cwmp_conf, f)

static const struct model_row model_rows[] = {
	{ .path = "RootDataModelVersion", .kind = MK_CONST, .xsd = XSD_STRING, .text = "2.17",
	  .forced = true },
	{ .path = "DeviceInfo.Manufacturer", CONF_FIELD(manufacturer) },
	{ .path = "DeviceInfo.ManufacturerOUI", CONF_FIELD(oui) },
	{ .path = "DeviceInfo.ModelName", CONF_FIELD(model_name) },
	{ .path = "DeviceInfo.ProductClass", CONF_FIELD(product_class) },
	{ .path = "DeviceInfo.SerialNumber", CONF_FIELD(serial) },
	{ .path = "DeviceInfo.HardwareVersion", CONF_FIELD(hw_version), .forced = true },
	{ .path = "DeviceInfo.SoftwareVersion", CONF_FIELD(sw_version), .forced = true,
	  .notify = MN_FORCE_ENABLED },
	{ .path = "DeviceInfo.ProvisioningCode", .kind = MK_STATE, .xsd = XSD_STRING,
	  .writable = true, .forced = true, .notify = MN_FORCE_ENABLED,
	  .text = MODEL_STATE_PROVISIONING, .maxlen = 64 },
	{ .path = "DeviceInfo.UpTime", .kind = MK_UPTIME, .xsd = XSD_UINT, .notify = MN_DENY_ACTIVE },
	{ .path = "ManagementServer.ParameterKey", .kind = MK_STATE, .xsd = XSD_STRING,
	  .forced = true, .text = MODEL_STATE_PARAMETER_KEY },
	{ .path = "ManagementServer.ConnectionRequestURL", .kind = MK_CR_URL, .xsd = XSD_STRING,
	  .forced = true, .notify = MN_DEFAULT_ACTIVE },
	{ .path = "ManagementServer.AliasBasedAddressing", .kind = MK_CONST, .xsd = XSD_BOOL,
	  .text = "false", .forced = true },
	{ .path = "UserInterface.Enable", .kind = MK_WUI_ENABLE, .xsd = XSD_BOOL, .writable = true,
	  .index = 0 },
	{ .path = "UserInterface.HTTPAccessSupportedProtocols", .kind = MK_CONST,
	  .xsd = XSD_STRING, .text = "HTTP,HTTPS" },
	{ .path = "UserInterface.HTTPAccessNumberOfEntries", .kind = MK_CONST, .xsd = XSD_UINT,
	  .text = "2" },
	{ .path = "UserInterface.HTTPAccess.1.Enable", .kind = MK_WUI_ENABLE, .xsd = XSD_BOOL,
	  .writable = true, .index = 1 },
	{ .path = "UserInterface.HTTPAccess.1.Status", .kind = MK_WUI_STATUS, .xsd = XSD_STRING,
	  .index = 1 },
	{ .path = "UserInterface.HTTPAccess.1.Protocol", .kind = MK_FIXED, .xsd = XSD_STRING,
	  .writable = true, .text = "HTTP" },
	{ .path = "UserInterface.HTTPAccess.2.Enable", .kind = MK_WUI_ENABLE, .xsd = XSD_BOOL,
	  .writable = true, .index = 2 },
	{ .path = "UserInterface.HTTPAccess.2.Status", .kind = MK_WUI_STATUS, .xsd = XSD_STRING,
	  .index = 2 },
	{ .path = "UserInterface.HTTPAccess.2.Protocol", .kind = MK_FIXED, .xsd = XSD_STRING,
	  .writable = true, .text = "HTTPS" },
	{ .path = "Users.UserNumberOfEntries", .kind = MK_CONST, .xsd = XSD_UINT, .text = "2" },
	{ .path = "Users.User.1.Enable", .kind = MK_FIXED, .xsd = XSD_BOOL, .writable = true,
	  .text = "true" },
	{ .path = "Users.User.1.Username", .kind = MK_FIXED, .xsd = XSD_STRING, .writable = true,
	  .text = "admin" },
	{ .path = "Users.User.1.StaticUser", .kind = MK_CONST, .xsd = XSD_BOOL, .text = "true" },
	{ .path = "Users.User.2.Enable", .kind = MK_FIXED, .xsd = XSD_BOOL, .writable = true,
	  .text = "true" },
	{ .path = "Users.User.2.StaticUser", .kind = MK_CONST, .xsd = XSD_BOOL, .text = "true" },
	{ .path = "X_{VENDOR}_Compliance.Hardened", .kind = MK_HARDENED, .xsd = XSD_BOOL },
};
#define MODEL_NROWS (sizeof(model_rows) / sizeof(model_rows[0]))

/* Multi-instance tables and their fixed instances ({i} of registry paths expands over them);
 * add_fault: the AddObject answer (full table, or read-only table). */
static const struct model_table {
	const char *path; /* below "Device." */
	unsigned instances;
	unsigned add_fault;
} model_tables[] = {
	{ "UserInterface.HTTPAccess.", 2, CWMP_FAULT_RESOURCES_EXCEEDED },
	{ "Users.User.", 2, CWMP_FAULT_RESOURCES_EXCEEDED },
	{ "X_{VENDOR}_Compliance.Rule.", 0, CWMP_FAULT_REQUEST_DENIED },
};
#define MODEL_NTABLES (sizeof(model_tables) / sizeof(model_tables[0]))

static const char *const rule_fields[] = {
	[RF_ID] = "Id", [RF_TITLE] = "Title", [RF_STATUS] = "Status", [RF_HINT] = "Hint",
};

/* The one table from store errors to CWMP faults (DESIGN.md "Transactions"). */
static const struct {
	int store_err;
	unsigned fault;
} fault_map[] = {
	{ STORE_E_UNKNOWN, CWMP_FAULT_INVALID_NAME },
	{ STORE_E_NOT_WRITABLE, CWMP_FAULT_NOT_WRITABLE },
	{ STORE_E_TYPE, CWMP_FAULT_INVALID_TYPE },
	{ STORE_E_VALUE, CWMP_FAULT_INVALID_VALUE },
	{ STORE_E_INCONSISTENT, CWMP_FAULT_INVALID_VALUE },
	{ STORE_E_LOCKED, CWMP_FAULT_NOT_WRITABLE },
	{ STORE_E_INVALID, CWMP_FAULT_INVALID_ARGUMENTS },
	{ STORE_E_NOMEM, CWMP_FAULT_RESOURCES_EXCEEDED },
};

struct model_param {
	struct cwmp_param_info info; /* info.path malloc'd */
	enum model_kind kind;
	bool forced;
	enum model_notify notify;
	const struct store_setting *setting; /* SETTING; the lock target of WUI rows */
	const char *text;
	char own[24];                        /* CONST text made at build time */
	size_t conf_off;
	int index;
	enum rule_field field;
	size_t maxlen;
};

struct model_node {       /* GetParameterNames: objects and parameters in tree order */
	const char *path;     /* owned by objects[] or params[] */
	bool object;
	bool writable;
};

struct cwmp_model {
	struct store *st;
	const struct cwmp_conf *conf;
	char cr_url[1100];
	struct model_param *params;
	size_t nparams;
	char **objects;
	size_t nobjects;
	struct model_node *nodes;
	size_t nnodes;
	const char **forced;
	size_t nforced;
	/* The read cache: a snapshot of the settings and the daemon state the model reads, kept
	 * across read_begin/read_end pairs while it is current (the store's audit head has not
	 * moved and we committed nothing since), so that a session reads the store once. */
	struct store_snapshot *snap;
	char *state[MODEL_NCACHED];    /* values of model_cached_state[], "" when absent */
	bool reading;                  /* between read_begin and read_end: values come from snap */
	bool stale;                    /* we committed since snap was taken */
	struct store_compliance comp;  /* valid while comp_ok, with snap */
	bool comp_ok;
	char **msgs;                   /* fault messages of the last set */
	size_t nmsgs;
	char errmsg[256];
};

/* ------------------------------------------------------------------------------- helpers */

static void model_cache_drop(struct cwmp_model *m);

static void model_err(struct cwmp_model *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void model_err(struct cwmp_model *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->errmsg, sizeof(m->errmsg), fmt, ap);
	va_end(ap);
}

unsigned cwmp_model_fault_of(int store_err)
{
	for (size_t i = 0; i < sizeof(fault_map) / sizeof(fault_map[0]); i++)
		if (fault_map[i].store_err == store_err)
			return fault_map[i].fault;
	return CWMP_FAULT_INTERNAL;
}

const struct cwmp_conf *cwmp_model_conf(const struct cwmp_model *m)
{
	return m ? m->conf : NULL;
}

const char *cwmp_model_errmsg(const struct cwmp_model *m)
{
	return m ? m->errmsg : "no model";
}

/* "Device." + tmpl with X_{VENDOR}_ -> X_<vendor>_ and {i} -> inst. NULL when too long. */
static char *model_expand(const char *tmpl, const char *vendor, unsigned inst)
{
	char buf[MODEL_PATH_MAX];
	size_t n = 0;
	const char *p = tmpl;

	n = (size_t)snprintf(buf, sizeof(buf), "%s", MODEL_ROOT);
	while (*p && n < sizeof(buf) - 1) {
		int w = 0;
		if (strncmp(p, "{VENDOR}", 8) == 0) {
			w = snprintf(buf + n, sizeof(buf) - n, "%s", vendor);
			p += 8;
		} else if (strncmp(p, "{i}", 3) == 0) {
			w = snprintf(buf + n, sizeof(buf) - n, "%u", inst);
			p += 3;
		} else {
			buf[n] = *p++;
			w = 1;
		}
		if (w < 0 || (size_t)w >= sizeof(buf) - n)
			return NULL;
		n += (size_t)w;
	}
	if (*p)
		return NULL;
	buf[n] = '\0';
	return strdup(buf);
}

/* Length of the parent object's path ("A.B." of "A.B.C" and of "A.B.C."); 0 for "Device.". */
static size_t model_parent_len(const char *path)
{
	size_t n = strlen(path);

	if (n && path[n - 1] == '.')
		n--;
	while (n && path[n - 1] != '.')
		n--;
	return n;
}

static bool model_is_parent(const char *parent, const char *path)
{
	size_t pl = model_parent_len(path);
	return pl && strlen(parent) == pl && strncmp(parent, path, pl) == 0;
}

static const char *xsd_local(const char *t)
{
	const char *c = t ? strchr(t, ':') : NULL;
	return c ? c + 1 : t;
}

/* xsd:boolean lexical space -> 1/0; -1 when not a boolean. */
static int model_parse_bool(const char *v)
{
	if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
		return 1;
	if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
		return 0;
	return -1;
}

/* ------------------------------------------------------------------------------- building */

static int model_add(struct cwmp_model *m, size_t *cap, char *path, const char *xsd, bool writable,
		     enum model_kind kind, struct model_param **out)
{
	if (!path)
		return -1;
	if (m->nparams == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		struct model_param *n = realloc(m->params, nc * sizeof(*n));
		if (!n) {
			free(path);
			return -1;
		}
		m->params = n;
		*cap = nc;
	}
	struct model_param *p = &m->params[m->nparams++];
	memset(p, 0, sizeof(*p));
	p->info.path = path;
	p->info.xsd_type = xsd;
	p->info.writable = writable;
	p->kind = kind;
	*out = p;
	return 0;
}

static const char *model_setting_xsd(const struct store_setting *s)
{
	switch (s->type) {
	case STORE_TYPE_BOOL:
		return XSD_BOOL;
	case STORE_TYPE_UINT:
		return XSD_UINT;
	case STORE_TYPE_STRING:
		return s->charset == STORE_CS_DATETIME ? XSD_DATETIME : XSD_STRING;
	default:
		return XSD_STRING;
	}
}

static const struct model_table *model_table_of(const char *tmpl)
{
	const char *i = strstr(tmpl, "{i}");
	for (size_t t = 0; i && t < MODEL_NTABLES; t++)
		if (strlen(model_tables[t].path) == (size_t)(i - tmpl) &&
		    strncmp(model_tables[t].path, tmpl, (size_t)(i - tmpl)) == 0)
			return &model_tables[t];
	return NULL;
}

static int model_build_params(struct cwmp_model *m)
{
	const char *vendor = m->conf->vendor;
	size_t cap = 0;
	struct model_param *p;

	for (size_t r = 0; r < MODEL_NROWS; r++) {
		const struct model_row *row = &model_rows[r];
		if (model_add(m, &cap, model_expand(row->path, vendor, 0), row->xsd, row->writable,
			      row->kind, &p))
			return -1;
		p->forced = row->forced;
		p->notify = row->notify;
		p->text = row->text;
		p->conf_off = row->conf_off;
		p->index = row->index;
		p->maxlen = row->maxlen;
		if (row->kind == MK_WUI_ENABLE || row->kind == MK_WUI_STATUS)
			p->setting = store_registry_find(MODEL_WUI_KEY);
	}
	for (size_t k = 0; k < store_registry_count(); k++) {
		const struct store_setting *s = store_registry_at(k);
		if (!s->tr069)
			continue;
		const struct model_table *t = model_table_of(s->tr069);
		unsigned n = t ? t->instances : 1;
		if (strstr(s->tr069, "{i}") && !t) {
			model_err(m, "%s: no table for its path", s->key);
			return -1;
		}
		for (unsigned i = 1; i <= n; i++) {
			if (model_add(m, &cap, model_expand(s->tr069, vendor, i), model_setting_xsd(s),
				      !(s->flags & STORE_F_READONLY), MK_SETTING, &p))
				return -1;
			p->setting = s;
			p->info.hidden = s->type == STORE_TYPE_SECRET;
			p->forced = s->flags & STORE_F_FORCED_INFORM;
			if (p->forced)
				p->notify = MN_DENY_ACTIVE;
		}
	}
	if (model_add(m, &cap, model_expand("X_{VENDOR}_Compliance.RuleNumberOfEntries", vendor, 0),
		      XSD_UINT, false, MK_CONST, &p))
		return -1;
	/* kept in the row itself (p->text would dangle when the array moves) */
	snprintf(p->own, sizeof(p->own), "%zu", store_compliance_count());
	for (size_t r = 0; r < store_compliance_count(); r++) {
		for (int f = RF_ID; f <= RF_HINT; f++) {
			char tmpl[96];
			snprintf(tmpl, sizeof(tmpl), "X_{VENDOR}_Compliance.Rule.%zu.%s", r + 1,
				 rule_fields[f]);
			if (model_add(m, &cap, model_expand(tmpl, vendor, 0), XSD_STRING, false, MK_RULE,
				      &p))
				return -1;
			p->index = (int)r;
			p->field = (enum rule_field)f;
		}
	}
	/* Forced-inform parameters keep their own notify rule; the rest of them refuse active. */
	for (size_t i = 0; i < m->nparams; i++)
		if (m->params[i].forced && m->params[i].notify == MN_NORMAL)
			m->params[i].notify = MN_DENY_ACTIVE;
	return 0;
}

static int model_add_object(struct cwmp_model *m, size_t *cap, const char *path, size_t len)
{
	for (size_t i = 0; i < m->nobjects; i++)
		if (strlen(m->objects[i]) == len && strncmp(m->objects[i], path, len) == 0)
			return 0;
	if (m->nobjects == *cap) {
		size_t nc = *cap ? *cap * 2 : 32;
		char **n = realloc(m->objects, nc * sizeof(*n));
		if (!n)
			return -1;
		m->objects = n;
		*cap = nc;
	}
	m->objects[m->nobjects] = strndup(path, len);
	return m->objects[m->nobjects] ? (int)(m->nobjects++, 0) : -1;
}

/* Emits obj, its parameters, then its child objects, depth first: the tree order of
 * GetParameterNames and GetParameterValues. */
static void model_walk(struct cwmp_model *m, const char *obj, struct model_param *sorted,
		       size_t *np, unsigned depth)
{
	m->nodes[m->nnodes++] = (struct model_node){ .path = obj, .object = true };
	for (size_t i = 0; i < m->nparams; i++)
		if (model_is_parent(obj, m->params[i].info.path)) {
			sorted[*np] = m->params[i];
			m->nodes[m->nnodes++] = (struct model_node){
				.path = m->params[i].info.path, .writable = m->params[i].info.writable
			};
			(*np)++;
		}
	if (depth > 16)
		return;
	for (size_t o = 0; o < m->nobjects; o++)
		if (model_is_parent(obj, m->objects[o]))
			model_walk(m, m->objects[o], sorted, np, depth + 1);
}

static int model_build_tree(struct cwmp_model *m)
{
	size_t cap = 0;

	if (model_add_object(m, &cap, MODEL_ROOT, strlen(MODEL_ROOT)))
		return -1;
	for (size_t i = 0; i < m->nparams; i++) {
		const char *path = m->params[i].info.path;
		for (const char *d = strchr(path, '.'); d; d = strchr(d + 1, '.'))
			if (model_add_object(m, &cap, path, (size_t)(d - path + 1)))
				return -1;
	}
	struct model_param *sorted = calloc(m->nparams ? m->nparams : 1, sizeof(*sorted));
	m->nodes = calloc(m->nparams + m->nobjects, sizeof(*m->nodes));
	if (!sorted || !m->nodes) {
		free(sorted);
		return -1;
	}
	size_t np = 0;
	model_walk(m, m->objects[0], sorted, &np, 0);
	if (np != m->nparams) {
		free(sorted);
		model_err(m, "data model tree lost parameters");
		return -1;
	}
	/* the path strings move with the structs; only the array is replaced */
	free(m->params);
	m->params = sorted;
	return 0;
}

static int model_build_forced(struct cwmp_model *m)
{
	m->forced = calloc(m->nparams ? m->nparams : 1, sizeof(*m->forced));
	if (!m->forced)
		return -1;
	for (size_t i = 0; i < m->nparams; i++)
		if (m->params[i].forced)
			m->forced[m->nforced++] = m->params[i].info.path;
	return 0;
}

int cwmp_model_new(struct cwmp_model **out, struct store *st, const struct cwmp_conf *conf)
{
	if (!out)
		return CWMP_FAULT_INTERNAL;
	*out = NULL;
	if (!st || !conf)
		return CWMP_FAULT_INTERNAL;
	struct cwmp_model *m = calloc(1, sizeof(*m));
	if (!m)
		return CWMP_FAULT_RESOURCES_EXCEEDED;
	m->st = st;
	m->conf = conf;
	if (model_build_params(m) || model_build_tree(m) || model_build_forced(m)) {
		cwmp_model_free(m);
		return CWMP_FAULT_INTERNAL;
	}
	*out = m;
	return 0;
}

static void model_free_msgs(struct cwmp_model *m)
{
	for (size_t i = 0; i < m->nmsgs; i++)
		free(m->msgs[i]);
	free(m->msgs);
	m->msgs = NULL;
	m->nmsgs = 0;
}

void cwmp_model_free(struct cwmp_model *m)
{
	if (!m)
		return;
	model_cache_drop(m);
	for (size_t i = 0; i < m->nparams; i++)
		free((char *)m->params[i].info.path);
	free(m->params);
	for (size_t i = 0; i < m->nobjects; i++)
		free(m->objects[i]);
	free(m->objects);
	free(m->nodes);
	free(m->forced);
	model_free_msgs(m);
	free(m);
}

void cwmp_model_set_cr_url(struct cwmp_model *m, const char *url)
{
	if (m)
		snprintf(m->cr_url, sizeof(m->cr_url), "%s", url ? url : "");
}

size_t cwmp_model_forced(const struct cwmp_model *m, const char *const **paths)
{
	if (!m || !paths)
		return 0;
	*paths = m->forced;
	return m->nforced;
}

size_t cwmp_model_count(const struct cwmp_model *m)
{
	return m ? m->nparams : 0;
}

const struct cwmp_param_info *cwmp_model_param(const struct cwmp_model *m, size_t i)
{
	return m && i < m->nparams ? &m->params[i].info : NULL;
}

static int model_find(const struct cwmp_model *m, const char *path)
{
	for (size_t i = 0; path && i < m->nparams; i++)
		if (strcmp(m->params[i].info.path, path) == 0)
			return (int)i;
	return -1;
}

static bool model_is_object(const struct cwmp_model *m, const char *path)
{
	for (size_t i = 0; i < m->nobjects; i++)
		if (strcmp(m->objects[i], path) == 0)
			return true;
	return false;
}

/* ------------------------------------------------------------------------------- reading */

static void model_cache_drop(struct cwmp_model *m)
{
	if (m->comp_ok)
		store_compliance_clear(&m->comp);
	m->comp_ok = false;
	store_snapshot_free(m->snap);
	m->snap = NULL;
	for (size_t i = 0; i < MODEL_NCACHED; i++) {
		free(m->state[i]);
		m->state[i] = NULL;
	}
	m->reading = false;
}

/* After each commit of ours: the next read_begin takes a new snapshot. */
static void model_cache_stale(struct cwmp_model *m)
{
	m->stale = true;
}

int cwmp_model_read_begin(struct cwmp_model *m)
{
	uint64_t head = 0;

	m->reading = false;
	/* the head, and when it moved the settings and the state rows, in one read transaction */
	int rc = store_read_begin(m->st);
	if (rc) {
		model_err(m, "%s", store_errmsg(m->st));
		return CWMP_FAULT_INTERNAL;
	}
	if (m->snap && !m->stale && store_audit_head(&head, m->st) == STORE_OK &&
	    head == m->snap->head_seq) {
		store_read_end(m->st);
		m->reading = true;
		return 0;
	}
	model_cache_drop(m);
	m->stale = false;
	rc = store_snapshot_take(&m->snap, m->st);
	for (size_t i = 0; !rc && i < MODEL_NCACHED; i++) {
		rc = store_state_get(&m->state[i], m->st, model_cached_state[i]);
		if (rc == STORE_E_NOT_FOUND)
			rc = (m->state[i] = strdup("")) ? STORE_OK : STORE_E_NOMEM;
	}
	store_read_end(m->st);
	if (rc) {
		model_err(m, "%s", store_errmsg(m->st));
		model_cache_drop(m);
		return rc == STORE_E_NOMEM ? CWMP_FAULT_RESOURCES_EXCEEDED : CWMP_FAULT_INTERNAL;
	}
	m->reading = true;
	return 0;
}

void cwmp_model_read_end(struct cwmp_model *m)
{
	if (m)
		m->reading = false;
}

/* Running value (canonical text) of a setting: malloc'd. */
static int model_setting_text(struct cwmp_model *m, const char *key, char **out)
{
	if (m->reading) {
		const struct store_row *r = store_snapshot_find(m->snap, key);
		*out = strdup(r && r->running ? r->running : "");
		return *out ? 0 : CWMP_FAULT_RESOURCES_EXCEEDED;
	}
	int rc = store_get(out, m->st, key);
	if (rc) {
		model_err(m, "%s", store_errmsg(m->st));
		return CWMP_FAULT_INTERNAL;
	}
	return 0;
}

static int model_state_text(struct cwmp_model *m, const char *name, char **out)
{
	for (size_t i = 0; m->reading && i < MODEL_NCACHED; i++)
		if (strcmp(name, model_cached_state[i]) == 0) {
			*out = strdup(m->state[i]);
			return *out ? 0 : CWMP_FAULT_RESOURCES_EXCEEDED;
		}
	int rc = store_state_get(out, m->st, name);
	if (rc == STORE_E_NOT_FOUND) {
		*out = strdup("");
		return *out ? 0 : CWMP_FAULT_RESOURCES_EXCEEDED;
	}
	if (rc) {
		model_err(m, "%s", store_errmsg(m->st));
		return CWMP_FAULT_INTERNAL;
	}
	return 0;
}

/* Canonical store text -> CWMP text (malloc'd). */
static char *model_to_cwmp(const struct store_setting *s, const char *canon)
{
	if (s->type == STORE_TYPE_SECRET)
		return strdup("");
	if (s->type == STORE_TYPE_BOOL)
		return strdup(strcmp(canon, "on") == 0 ? "true" : "false");
	if (s->type == STORE_TYPE_ENUM) {
		const struct store_enum *e = store_enum_by_key(s, canon);
		return strdup(e && e->tr069 ? e->tr069 : canon);
	}
	return strdup(canon);
}

/* The web UI triple: e[0] UserInterface.Enable, e[1] HTTP access, e[2] HTTPS access. */
static int model_wui_read(struct cwmp_model *m, bool e[3])
{
	char *wt = NULL, *mem = NULL;
	int rc = model_setting_text(m, MODEL_WUI_KEY, &wt);
	if (!rc)
		rc = model_state_text(m, MODEL_STATE_WUI_ACCESS, &mem);
	if (rc) {
		free(wt);
		return rc;
	}
	e[0] = strcmp(wt, "off") != 0;
	const char *acc = e[0] ? wt : (*mem ? mem : "http_https");
	e[1] = strcmp(acc, "http_https") == 0 || strcmp(acc, "http") == 0;
	e[2] = strcmp(acc, "http_https") == 0 || strcmp(acc, "https") == 0;
	free(wt);
	free(mem);
	return 0;
}

static int model_compliance(struct cwmp_model *m, const struct store_compliance **out)
{
	bool own = !m->reading;
	int rc;

	if (own && (rc = cwmp_model_read_begin(m)))
		return rc;
	if (!m->comp_ok) {
		if (store_compliance_eval(&m->comp, m->snap)) {
			if (own)
				cwmp_model_read_end(m);
			return CWMP_FAULT_INTERNAL;
		}
		m->comp_ok = true;
	}
	*out = &m->comp;
	if (own) {
		/* the caller copies what it needs right away, then ends the read */
		return 1;
	}
	return 0;
}

static int model_read(struct cwmp_model *m, const struct model_param *p, char **value)
{
	char *raw = NULL;
	int rc = 0;

	*value = NULL;
	switch (p->kind) {
	case MK_SETTING:
		if (p->info.hidden) {
			*value = strdup("");
			break;
		}
		rc = model_setting_text(m, p->setting->key, &raw);
		if (!rc)
			*value = model_to_cwmp(p->setting, raw);
		free(raw);
		break;
	case MK_CONST:
	case MK_FIXED:
		*value = strdup(p->own[0] ? p->own : p->text);
		break;
	case MK_CONF:
		*value = strdup((const char *)m->conf + p->conf_off);
		break;
	case MK_STATE:
		return model_state_text(m, p->text, value);
	case MK_UPTIME: {
		struct sysinfo si;
		char buf[24];
		snprintf(buf, sizeof(buf), "%lu", sysinfo(&si) == 0 ? (unsigned long)si.uptime : 0ul);
		*value = strdup(buf);
		break;
	}
	case MK_CR_URL:
		*value = strdup(m->cr_url);
		break;
	case MK_WUI_ENABLE:
	case MK_WUI_STATUS: {
		bool e[3];
		if ((rc = model_wui_read(m, e)))
			return rc;
		bool on = p->index == 0 ? e[0] : e[0] && e[p->index];
		if (p->kind == MK_WUI_ENABLE)
			on = e[p->index];
		*value = strdup(p->kind == MK_WUI_ENABLE ? (on ? "true" : "false") : (on ? "Up" : "Down"));
		break;
	}
	case MK_RULE:
	case MK_HARDENED: {
		const struct store_compliance *c = NULL;
		rc = model_compliance(m, &c);
		if (rc < 0 || rc > 1)
			return rc;
		bool own = rc == 1;
		rc = 0;
		if (p->kind == MK_HARDENED) {
			*value = strdup(c->hardened ? "true" : "false");
		} else {
			const struct store_rule *r = store_compliance_rule((size_t)p->index);
			const char *t = "";
			if (r && p->field == RF_ID)
				t = r->id;
			else if (r && p->field == RF_TITLE)
				t = r->title;
			else if (r && p->field == RF_HINT)
				t = r->hint;
			else if ((size_t)p->index < c->count)
				t = c->status[p->index] == STORE_RULE_PASS   ? "Pass"
				    : c->status[p->index] == STORE_RULE_FAIL ? "Fail"
									     : "NotApplicable";
			*value = strdup(t ? t : "");
		}
		if (own)
			cwmp_model_read_end(m);
		break;
	}
	}
	if (!rc && !*value)
		return CWMP_FAULT_RESOURCES_EXCEEDED;
	return rc;
}

int cwmp_model_value(struct cwmp_model *m, size_t i, char **value)
{
	if (!m || !value || i >= m->nparams)
		return CWMP_FAULT_INTERNAL;
	return model_read(m, &m->params[i], value);
}

int cwmp_model_get(struct cwmp_model *m, const char *path, char **value, const char **xsd_type)
{
	if (value)
		*value = NULL;
	if (!m || !path || !value)
		return CWMP_FAULT_INTERNAL;
	int i = model_find(m, path);
	if (i < 0)
		return CWMP_FAULT_INVALID_NAME;
	if (xsd_type)
		*xsd_type = m->params[i].info.xsd_type;
	return model_read(m, &m->params[i], value);
}

size_t cwmp_model_paths_for_key(struct cwmp_model *m, const char *key, const char **paths,
				size_t max)
{
	size_t n = 0;

	for (size_t i = 0; m && key && i < m->nparams; i++) {
		const struct model_param *p = &m->params[i];
		if (!p->setting || strcmp(p->setting->key, key) != 0)
			continue;
		if (n < max && paths)
			paths[n] = p->info.path;
		n++;
	}
	return n < max ? n : max;
}

/* ------------------------------------------------------------------------------- selection */

int cwmp_model_select(struct cwmp_model *m, const char *path, int (*cb)(void *ctx, size_t i),
		      void *ctx)
{
	if (!m || !cb)
		return CWMP_FAULT_INTERNAL;
	if (!path)
		path = "";
	size_t len = strlen(path);
	if (len && path[len - 1] != '.') {
		int i = model_find(m, path);
		return i < 0 ? (int)CWMP_FAULT_INVALID_NAME : cb(ctx, (size_t)i);
	}
	if (len && !model_is_object(m, path))
		return CWMP_FAULT_INVALID_NAME;
	for (size_t i = 0; i < m->nparams; i++)
		if (strncmp(m->params[i].info.path, path, len) == 0) {
			int rc = cb(ctx, i);
			if (rc)
				return rc;
		}
	return 0;
}

int cwmp_model_names(struct cwmp_model *m, const char *path, bool next_level,
		     int (*cb)(void *ctx, const char *name, bool writable), void *ctx)
{
	int rc;

	if (!m || !cb)
		return CWMP_FAULT_INTERNAL;
	if (!path)
		path = "";
	size_t len = strlen(path);
	if (len == 0) {
		if (next_level)
			return cb(ctx, MODEL_ROOT, false);
		for (size_t n = 0; n < m->nnodes; n++)
			if ((rc = cb(ctx, m->nodes[n].path, m->nodes[n].writable)))
				return rc;
		return 0;
	}
	if (path[len - 1] != '.') {
		int i = model_find(m, path);
		if (i < 0)
			return CWMP_FAULT_INVALID_NAME;
		if (next_level)
			return CWMP_FAULT_INVALID_ARGUMENTS;
		return cb(ctx, m->params[i].info.path, m->params[i].info.writable);
	}
	if (!model_is_object(m, path))
		return CWMP_FAULT_INVALID_NAME;
	for (size_t n = 0; n < m->nnodes; n++) {
		const struct model_node *node = &m->nodes[n];
		bool take = next_level ? model_is_parent(path, node->path)
				       : strncmp(node->path, path, len) == 0;
		if (take && (rc = cb(ctx, node->path, node->writable)))
			return rc;
	}
	return 0;
}

/* ------------------------------------------------------------------------------- writing */

static const char *model_keep_msg(struct cwmp_model *m, const char *msg)
{
	char **n = realloc(m->msgs, (m->nmsgs + 1) * sizeof(*n));
	if (!n)
		return NULL;
	m->msgs = n;
	m->msgs[m->nmsgs] = strdup(msg);
	return m->msgs[m->nmsgs] ? m->msgs[m->nmsgs++] : NULL;
}

static void model_item_fault(struct cwmp_model *m, struct cwmp_model_set_item *it, unsigned fault,
			     const char *msg)
{
	if (it->fault)
		return; /* the first reason found is the one reported */
	it->fault = fault;
	it->fault_msg = msg ? model_keep_msg(m, msg) : NULL;
}

/* CWMP value -> canonical store text for setting s (malloc'd in *out); a fault code. */
static unsigned model_from_cwmp(const struct store_setting *s, const char *v, char **out,
				const char **why)
{
	*out = NULL;
	if (s->type == STORE_TYPE_BOOL) {
		int b = model_parse_bool(v);
		if (b < 0) {
			*why = "not an xsd:boolean (true, false, 1 or 0)";
			return CWMP_FAULT_INVALID_TYPE;
		}
		*out = strdup(b ? "on" : "off");
	} else if (s->type == STORE_TYPE_ENUM) {
		const struct store_enum *e;
		for (e = s->enums; e->key; e++)
			if (e->tr069 && strcmp(e->tr069, v) == 0)
				break;
		if (!e->key) {
			*why = "not one of the enumerated values";
			return CWMP_FAULT_INVALID_VALUE;
		}
		*out = strdup(e->key);
	} else {
		*out = strdup(v);
	}
	return *out ? 0 : CWMP_FAULT_RESOURCES_EXCEEDED;
}

struct model_plan {
	char **kval;      /* per registry row: the value to set, NULL = not set */
	char *state_name[4];
	char *state_value[4];
	size_t nstate;
	bool wui_given[3], wui_val[3];
	int wui_item[3];
};

static int model_plan_state(struct model_plan *pl, const char *name, const char *value)
{
	if (pl->nstate >= sizeof(pl->state_name) / sizeof(pl->state_name[0]))
		return -1;
	pl->state_name[pl->nstate] = strdup(name);
	pl->state_value[pl->nstate] = strdup(value);
	pl->nstate++;
	return pl->state_name[pl->nstate - 1] && pl->state_value[pl->nstate - 1] ? 0 : -1;
}

static void model_plan_free(struct model_plan *pl)
{
	for (size_t k = 0; pl->kval && k < store_registry_count(); k++) {
		const struct store_setting *s = store_registry_at(k);
		if (s->type == STORE_TYPE_SECRET)
			store_secret_wipe(pl->kval[k]);
		else
			free(pl->kval[k]);
	}
	free(pl->kval);
	for (size_t i = 0; i < pl->nstate; i++) {
		free(pl->state_name[i]);
		free(pl->state_value[i]);
	}
}

/* Plans one item; faults go into the item. */
static void model_plan_item(struct cwmp_model *m, struct model_plan *pl,
			    struct cwmp_model_set_item *it, size_t idx, int *item_key)
{
	const char *v = it->value ? it->value : "";
	const char *why = NULL;
	int i = model_find(m, it->path);

	item_key[idx] = -1;
	if (i < 0)
		return model_item_fault(m, it, CWMP_FAULT_INVALID_NAME, NULL);
	const struct model_param *p = &m->params[i];
	if (!p->info.writable)
		return model_item_fault(m, it, CWMP_FAULT_NOT_WRITABLE, NULL);
	if (it->xsi_type && strcmp(xsd_local(it->xsi_type), xsd_local(p->info.xsd_type)) != 0) {
		char msg[128];
		snprintf(msg, sizeof(msg), "parameter type is %s", p->info.xsd_type);
		return model_item_fault(m, it, CWMP_FAULT_INVALID_TYPE, msg);
	}
	if (p->setting)
		item_key[idx] = store_registry_index(p->setting->key);
	switch (p->kind) {
	case MK_SETTING: {
		char *canon = NULL;
		unsigned f = model_from_cwmp(p->setting, v, &canon, &why);
		if (f)
			return model_item_fault(m, it, f, why);
		int k = item_key[idx];
		if (pl->kval[k]) {
			bool same = strcmp(pl->kval[k], canon) == 0;
			if (p->setting->type == STORE_TYPE_SECRET)
				store_secret_wipe(canon);
			else
				free(canon);
			if (!same)
				model_item_fault(m, it, CWMP_FAULT_INVALID_VALUE,
						 "another parameter of this request sets the same "
						 "setting to a different value");
			return;
		}
		pl->kval[k] = canon;
		return;
	}
	case MK_FIXED: {
		bool ok;
		if (strcmp(p->info.xsd_type, XSD_BOOL) == 0)
			ok = model_parse_bool(v) == model_parse_bool(p->text) && model_parse_bool(v) >= 0;
		else
			ok = strcmp(v, p->text) == 0;
		if (!ok) {
			char msg[96];
			snprintf(msg, sizeof(msg), "fixed on this phone: only \"%s\" is accepted", p->text);
			model_item_fault(m, it, model_parse_bool(v) < 0 && strcmp(p->info.xsd_type, XSD_BOOL) == 0
						       ? CWMP_FAULT_INVALID_TYPE
						       : CWMP_FAULT_INVALID_VALUE,
					 msg);
		}
		return;
	}
	case MK_STATE: {
		size_t n = strlen(v);
		bool ok = n <= p->maxlen;
		for (size_t c = 0; ok && c < n; c++)
			ok = (unsigned char)v[c] >= 0x20 && (unsigned char)v[c] < 0x7f;
		if (!ok)
			return model_item_fault(m, it, CWMP_FAULT_INVALID_VALUE,
						"printable ASCII of at most 64 characters");
		if (model_plan_state(pl, p->text, v))
			model_item_fault(m, it, CWMP_FAULT_RESOURCES_EXCEEDED, NULL);
		return;
	}
	case MK_WUI_ENABLE: {
		int b = model_parse_bool(v);
		if (b < 0)
			return model_item_fault(m, it, CWMP_FAULT_INVALID_TYPE,
						"not an xsd:boolean (true, false, 1 or 0)");
		pl->wui_given[p->index] = true;
		pl->wui_val[p->index] = b;
		pl->wui_item[p->index] = (int)idx;
		return;
	}
	default:
		return model_item_fault(m, it, CWMP_FAULT_NOT_WRITABLE, NULL);
	}
}

/* Folds the web UI triple into webserver_type and the remembered listeners. */
static int model_plan_wui(struct cwmp_model *m, struct model_plan *pl,
			  struct cwmp_model_set_item *items)
{
	bool e[3];

	if (!pl->wui_given[0] && !pl->wui_given[1] && !pl->wui_given[2])
		return 0;
	int rc = model_wui_read(m, e);
	if (rc)
		return rc;
	for (int k = 0; k < 3; k++)
		if (pl->wui_given[k])
			e[k] = pl->wui_val[k];
	const char *acc = e[1] && e[2] ? "http_https" : e[1] ? "http" : e[2] ? "https" : "none";
	if (e[0] && !e[1] && !e[2]) {
		for (int k = 0; k < 3; k++)
			if (pl->wui_given[k])
				model_item_fault(m, &items[pl->wui_item[k]], CWMP_FAULT_INVALID_VALUE,
						 "an enabled web UI needs HTTPAccess.1 or .2 enabled");
		return 0;
	}
	int key = store_registry_index(MODEL_WUI_KEY);
	pl->kval[key] = strdup(e[0] ? acc : "off");
	if (!pl->kval[key] || model_plan_state(pl, MODEL_STATE_WUI_ACCESS, acc))
		return CWMP_FAULT_RESOURCES_EXCEEDED;
	return 0;
}

/* Puts a store error on every item mapped to its key; returns how many items got it. */
static size_t model_blame(struct cwmp_model *m, struct cwmp_model_set_item *items, size_t n,
			  const int *item_key, const struct store_param_error *e)
{
	int k = store_registry_index(e->key);
	size_t hit = 0;

	for (size_t i = 0; k >= 0 && i < n; i++)
		if (item_key[i] == k) {
			model_item_fault(m, &items[i], cwmp_model_fault_of(e->code), e->msg);
			hit++;
		}
	return hit;
}

int cwmp_model_set(struct cwmp_model *m, struct cwmp_model_set_item *items, size_t n,
		   const char *parameter_key, const char *principal, int *status, uint64_t *seq)
{
	struct model_plan pl = { 0 };
	struct store_txn *txn = NULL;
	int *item_key = NULL;
	int fault = 0;

	if (status)
		*status = 0;
	if (seq)
		*seq = 0;
	if (!m || (n && !items))
		return CWMP_FAULT_INTERNAL;
	model_free_msgs(m);
	m->errmsg[0] = '\0';
	pl.kval = calloc(store_registry_count(), sizeof(*pl.kval));
	item_key = calloc(n ? n : 1, sizeof(*item_key));
	if (!pl.kval || !item_key) {
		fault = CWMP_FAULT_RESOURCES_EXCEEDED;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		items[i].fault = 0;
		items[i].fault_msg = NULL;
	}
	for (size_t i = 0; i < n; i++)
		model_plan_item(m, &pl, &items[i], i, item_key);
	if ((fault = model_plan_wui(m, &pl, items)))
		goto out;

	struct store_actor who = { STORE_SRC_TR069, STORE_ROLE_ADMIN, principal };
	int rc = store_txn_begin(&txn, m->st, STORE_TXN_BOTH, &who);
	if (rc) {
		model_err(m, "%s", store_strerror(rc));
		fault = cwmp_model_fault_of(rc);
		goto out;
	}
	/* every value goes to the store even after a fault, so the answer lists every bad one */
	for (size_t k = 0; k < store_registry_count(); k++)
		if (pl.kval[k])
			store_txn_set(txn, store_registry_at(k)->key, pl.kval[k]);
	for (size_t e = 0; e < store_txn_error_count(txn); e++)
		model_blame(m, items, n, item_key, store_txn_error(txn, e));
	for (size_t i = 0; i < n; i++)
		if (items[i].fault)
			fault = CWMP_FAULT_INVALID_ARGUMENTS;
	if (fault)
		goto out;
	if (store_txn_error_count(txn)) { /* an error bound to no item: should not happen */
		model_err(m, "%s", store_txn_errmsg(txn));
		fault = CWMP_FAULT_INTERNAL;
		goto out;
	}
	rc = store_txn_set_state(txn, MODEL_STATE_PARAMETER_KEY, parameter_key ? parameter_key : "");
	for (size_t s = 0; !rc && s < pl.nstate; s++)
		rc = store_txn_set_state(txn, pl.state_name[s], pl.state_value[s]);
	model_cache_stale(m);
	if (!rc)
		rc = store_txn_commit(txn, seq);
	if (rc) {
		size_t hit = 0;
		for (size_t e = 0; e < store_txn_error_count(txn); e++)
			hit += model_blame(m, items, n, item_key, store_txn_error(txn, e));
		model_err(m, "%s", store_txn_errmsg(txn));
		fault = hit ? CWMP_FAULT_INVALID_ARGUMENTS : (int)cwmp_model_fault_of(rc);
		if (!hit && fault != CWMP_FAULT_RESOURCES_EXCEEDED)
			fault = CWMP_FAULT_INTERNAL;
		goto out;
	}
	if (status)
		*status = store_txn_needs_restart(txn) ? 1 : 0;
out:
	store_txn_free(txn);
	model_plan_free(&pl);
	free(item_key);
	return fault;
}

/* ------------------------------------------------------------------------------- attributes */

static int model_notify_default(const struct model_param *p)
{
	return p->notify == MN_FORCE_ENABLED || p->notify == MN_DEFAULT_ACTIVE ? 2 : 0;
}

static int model_notification_of(struct cwmp_model *m, const struct model_param *p)
{
	char name[MODEL_PATH_MAX + 16];
	char *v = NULL;

	if (p->notify == MN_FORCE_ENABLED)
		return 2;
	snprintf(name, sizeof(name), "%s%s", MODEL_STATE_ATTR, p->info.path);
	if (store_state_get(&v, m->st, name) != STORE_OK || !v) {
		free(v);
		return model_notify_default(p);
	}
	int n = v[0] >= '0' && v[0] <= '2' && !v[1] ? v[0] - '0' : model_notify_default(p);
	free(v);
	return n;
}

int cwmp_model_notification(struct cwmp_model *m, const char *path)
{
	int i = m ? model_find(m, path) : -1;
	return i < 0 ? 0 : model_notification_of(m, &m->params[i]);
}

int cwmp_model_attr_get(struct cwmp_model *m, size_t i, int *notification, bool *subscriber)
{
	if (!m || i >= m->nparams)
		return CWMP_FAULT_INTERNAL;
	const struct model_param *p = &m->params[i];
	if (notification)
		*notification = model_notification_of(m, p);
	if (subscriber) {
		bool locked = true;
		*subscriber = false;
		if (p->setting && p->info.writable) {
			if (store_lock_get(&locked, m->st, p->setting->key)) {
				model_err(m, "%s", store_errmsg(m->st));
				return CWMP_FAULT_INTERNAL;
			}
			*subscriber = !locked;
		}
	}
	return 0;
}

/* Whether notification value n may be set on p (TR-069 A.3.2.4, TR-181 activeNotify). */
static bool model_notify_allowed(const struct model_param *p, int n)
{
	if (p->notify == MN_FORCE_ENABLED)
		return n == 2;
	if (p->notify == MN_DENY_ACTIVE)
		return n != 2;
	return true;
}

struct attr_ctx {
	struct cwmp_model *m;
	const struct cwmp_model_attr_item *it;
	bool partial;
	signed char *notif;   /* per param: new value or -1 */
	signed char *lock;    /* per registry row: 1 lock, 0 unlock, -1 unchanged */
	unsigned fault;
};

static int model_attr_one(void *vctx, size_t i)
{
	struct attr_ctx *c = vctx;
	const struct model_param *p = &c->m->params[i];

	if (c->it->notification_change) {
		if (model_notify_allowed(p, c->it->notification))
			c->notif[i] = (signed char)c->it->notification;
		else if (!c->partial)
			return (int)(c->fault = CWMP_FAULT_NOTIFICATION_REJECTED);
	}
	if (c->it->access_change) {
		if (p->setting && p->info.writable)
			c->lock[store_registry_index(p->setting->key)] = c->it->subscriber ? 0 : 1;
		else if (c->it->subscriber && !c->partial)
			return (int)(c->fault = CWMP_FAULT_INVALID_ARGUMENTS);
	}
	return 0;
}

static int model_lock_apply(struct cwmp_model *m, const signed char *lock, bool locked,
			    const struct store_actor *who)
{
	const char *keys[64];
	size_t n = 0;

	for (size_t k = 0; k < store_registry_count() && n < 64; k++)
		if (lock[k] == (locked ? 1 : 0))
			keys[n++] = store_registry_at(k)->key;
	if (!n)
		return 0;
	model_cache_stale(m);
	int rc = store_lock_set(m->st, keys, n, locked, who);
	if (rc) {
		model_err(m, "%s", store_errmsg(m->st));
		return CWMP_FAULT_INTERNAL;
	}
	return 0;
}

int cwmp_model_attr_set(struct cwmp_model *m, const struct cwmp_model_attr_item *items, size_t n,
			const char *principal)
{
	struct attr_ctx c = { .m = m };
	struct store_txn *txn = NULL;
	int fault = 0, rc;

	if (!m || (n && !items))
		return CWMP_FAULT_INTERNAL;
	c.notif = malloc(m->nparams ? m->nparams : 1);
	c.lock = malloc(store_registry_count());
	if (!c.notif || !c.lock) {
		fault = CWMP_FAULT_RESOURCES_EXCEEDED;
		goto out;
	}
	memset(c.notif, -1, m->nparams);
	memset(c.lock, -1, store_registry_count());
	for (size_t i = 0; i < n; i++) {
		const char *path = items[i].path ? items[i].path : "";
		if (items[i].notification_change &&
		    (items[i].notification < 0 || items[i].notification > 2)) {
			model_err(m, "%s: notification %d is not supported (0, 1 or 2)", path,
				  items[i].notification);
			fault = CWMP_FAULT_INVALID_ARGUMENTS;
			goto out;
		}
		c.it = &items[i];
		c.partial = !*path || path[strlen(path) - 1] == '.';
		c.fault = 0;
		rc = cwmp_model_select(m, path, model_attr_one, &c);
		if (rc) {
			model_err(m, "%.200s: %s", path,
				  rc == CWMP_FAULT_NOTIFICATION_REJECTED
					  ? "active notification is not available for it"
				  : rc == CWMP_FAULT_INVALID_ARGUMENTS
					  ? "not writable: the subscriber cannot be given access"
					  : "no such parameter");
			fault = rc;
			goto out;
		}
	}
	struct store_actor who = { STORE_SRC_TR069, STORE_ROLE_ADMIN, principal };
	if ((fault = model_lock_apply(m, c.lock, true, &who)) ||
	    (fault = model_lock_apply(m, c.lock, false, &who)))
		goto out;
	bool any = false;
	for (size_t i = 0; i < m->nparams; i++)
		any |= c.notif[i] >= 0;
	if (!any)
		goto out;
	rc = store_txn_begin(&txn, m->st, STORE_TXN_BOTH, &who);
	for (size_t i = 0; !rc && i < m->nparams; i++) {
		if (c.notif[i] < 0)
			continue;
		char name[MODEL_PATH_MAX + 16], val[8];
		snprintf(name, sizeof(name), "%s%s", MODEL_STATE_ATTR, m->params[i].info.path);
		snprintf(val, sizeof(val), "%d", c.notif[i]);
		rc = store_txn_set_state(txn, name, val);
	}
	model_cache_stale(m);
	if (!rc)
		rc = store_txn_commit(txn, NULL);
	if (rc) {
		model_err(m, "%s", txn ? store_txn_errmsg(txn) : store_strerror(rc));
		fault = CWMP_FAULT_INTERNAL;
	}
out:
	store_txn_free(txn);
	free(c.notif);
	free(c.lock);
	return fault;
}

/* ------------------------------------------------------------------------------- objects */

/* The table path ("Device.Users.User.") of a known table, with its row; NULL when none. */
static const struct model_table *model_table_at(struct cwmp_model *m, const char *path)
{
	for (size_t t = 0; t < MODEL_NTABLES; t++) {
		char *full = model_expand(model_tables[t].path, m->conf->vendor, 0);
		bool same = full && strcmp(full, path) == 0;
		free(full);
		if (same)
			return &model_tables[t];
	}
	return NULL;
}

int cwmp_model_add_object(struct cwmp_model *m, const char *path, unsigned *instance)
{
	if (instance)
		*instance = 0;
	if (!m || !path)
		return CWMP_FAULT_INTERNAL;
	const struct model_table *t = model_table_at(m, path);
	if (!t) {
		model_err(m, "%.200s: not a multi-instance object", path);
		return CWMP_FAULT_INVALID_NAME;
	}
	model_err(m, "%.200s: the instances of this table are fixed", path);
	return (int)t->add_fault;
}

int cwmp_model_delete_object(struct cwmp_model *m, const char *path)
{
	if (!m || !path)
		return CWMP_FAULT_INTERNAL;
	size_t len = strlen(path);
	size_t pl = model_parent_len(path);
	if (!len || path[len - 1] != '.' || !pl || !model_is_object(m, path) ||
	    !isdigit((unsigned char)path[pl])) {
		model_err(m, "%.200s: not an instance", path);
		return CWMP_FAULT_INVALID_NAME;
	}
	char *table = strndup(path, pl);
	const struct model_table *t = table ? model_table_at(m, table) : NULL;
	free(table);
	if (!t) {
		model_err(m, "%.200s: not an instance", path);
		return CWMP_FAULT_INVALID_NAME;
	}
	model_err(m, "%.200s: fixed instance, cannot be deleted", path);
	return CWMP_FAULT_REQUEST_DENIED;
}

/* ------------------------------------------------------------------------------- config file */

/* The store's configuration-file errors as CWMP faults: whatever is wrong with the file is 9018,
 * anything else a failure of the phone (9002). */
static int model_config_fault(int rc)
{
	switch (rc) {
	case STORE_OK:
		return 0;
	case STORE_E_PROFILE:
	case STORE_E_UNKNOWN:
	case STORE_E_NOT_WRITABLE:
	case STORE_E_TYPE:
	case STORE_E_VALUE:
	case STORE_E_INCONSISTENT:
	case STORE_E_LOCKED:
		return CWMP_FAULT_FILE_CORRUPTED;
	default:
		return CWMP_FAULT_INTERNAL;
	}
}

int cwmp_model_export(struct cwmp_model *m, char **text)
{
	if (!m || !text)
		return CWMP_FAULT_INTERNAL;
	int rc = store_config_export(text, m->st);
	if (rc) {
		model_err(m, "%s", store_errmsg(m->st));
		return rc == STORE_E_NOMEM ? CWMP_FAULT_RESOURCES_EXCEEDED : CWMP_FAULT_INTERNAL;
	}
	return 0;
}

/* s with every blank, control and non-ASCII byte as '_' (into out, cut to outlen): one log field
 * stays one field and one line, whoever wrote the principal. */
static const char *model_log_field(char *out, size_t outlen, const char *s)
{
	size_t i = 0;

	for (; s[i] && i + 1 < outlen; i++)
		out[i] = (unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f ? '_' : s[i];
	out[i] = '\0';
	return i ? out : "-";
}

int cwmp_model_export_log(struct cwmp_model *m, char **text)
{
	struct store_audit_entry *e = NULL;
	size_t n = 0;

	if (!m || !text)
		return CWMP_FAULT_INTERNAL;
	*text = NULL;
	if (store_audit_last(&e, &n, m->st, CWMP_MODEL_LOG_ENTRIES)) {
		model_err(m, "%s", store_errmsg(m->st));
		return CWMP_FAULT_INTERNAL;
	}
	static const char head[] = "# phonesec change log (TR-069 \"4 Vendor Log File\"), oldest "
				   "first: seq time action source principal keys; values are "
				   "never logged\n";
	size_t cap = sizeof(head);
	for (size_t i = 0; i < n; i++)
		cap += strlen(e[i].principal) + strlen(e[i].keys) + 96;
	char *buf = malloc(cap);
	if (!buf) {
		store_audit_free(e, n);
		return CWMP_FAULT_RESOURCES_EXCEEDED;
	}
	size_t len = (size_t)snprintf(buf, cap, "%s", head);
	for (size_t i = 0; i < n && len < cap; i++) {
		char when[32];
		time_t secs = (time_t)(e[i].time_ms / 1000);
		struct tm tm;
		gmtime_r(&secs, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
		const char *action = store_action_name(e[i].action);
		const char *source = store_source_name(e[i].source);
		char principal[256], keys[2048];
		len += (size_t)snprintf(buf + len, cap - len, "%llu %s.%03dZ %s%s %s %s %s\n",
					(unsigned long long)e[i].seq, when,
					(int)((e[i].time_ms % 1000 + 1000) % 1000), action ? action : "?",
					e[i].action == STORE_ACT_SET && e[i].both_layers ? "+save" : "",
					source ? source : "?",
					model_log_field(principal, sizeof(principal), e[i].principal),
					model_log_field(keys, sizeof(keys), e[i].keys));
	}
	store_audit_free(e, n);
	if (len >= cap) {
		free(buf);
		return CWMP_FAULT_INTERNAL;
	}
	*text = buf;
	return 0;
}

int cwmp_model_import(struct cwmp_model *m, const char *text, size_t len, const char *principal)
{
	if (!m || (!text && len))
		return CWMP_FAULT_INTERNAL;
	struct store_actor who = { STORE_SRC_TR069, STORE_ROLE_ADMIN, principal };
	model_cache_stale(m);
	int rc = store_config_import(NULL, m->st, text, len, STORE_TXN_BOTH, &who);
	if (rc)
		model_err(m, "%s", store_errmsg(m->st));
	return model_config_fault(rc);
}
