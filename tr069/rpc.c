/* CWMP RPC handlers: one handler per ACS request in a table indexed by enum cwmp_rpc, answering
 * from the data model; responses are built in a per-answer arena, faults through one path. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rpc.h"

#define RPC_KEY_MAX 32        /* CommandKey, ParameterKey: string(32) */
#define RPC_RESULTS_MAX 4096  /* names or values in one answer */
#define RPC_UNKNOWN_TIME "0001-01-01T00:00:00Z"

struct rpc_ctx {
	struct cwmp_model *model;
	const struct cwmp_msg_in *req;
	const char *principal;
	struct cwmp_rpc_result *res;
	/* the answer */
	enum cwmp_rpc resp;
	void *body;
	char fault_msg[256];
	struct cwmp_param_fault *pfaults;
	size_t npfaults;
	/* arena: every block is freed after the answer was written */
	void **blocks;
	size_t nblocks, capblocks;
};

static const char *const rpc_method_names[] = {
	"GetRPCMethods", "SetParameterValues", "GetParameterValues", "GetParameterNames",
	"SetParameterAttributes", "GetParameterAttributes", "AddObject", "DeleteObject", "Reboot",
	"Download", "Upload", "FactoryReset", "ScheduleInform", NULL,
};

const char *const *cwmp_rpc_methods(void)
{
	return rpc_method_names;
}

/* ------------------------------------------------------------------------------- arena */

static void *rpc_keep(struct rpc_ctx *c, void *p)
{
	if (!p)
		return NULL;
	if (c->nblocks == c->capblocks) {
		size_t nc = c->capblocks ? c->capblocks * 2 : 32;
		void **n = realloc(c->blocks, nc * sizeof(*n));
		if (!n) {
			free(p);
			return NULL;
		}
		c->blocks = n;
		c->capblocks = nc;
	}
	c->blocks[c->nblocks++] = p;
	return p;
}

static void *rpc_alloc(struct rpc_ctx *c, size_t n)
{
	return rpc_keep(c, calloc(1, n ? n : 1));
}

static char *rpc_strdup(struct rpc_ctx *c, const char *s)
{
	return rpc_keep(c, strdup(s ? s : ""));
}

static void rpc_arena_free(struct rpc_ctx *c)
{
	for (size_t i = 0; i < c->nblocks; i++)
		free(c->blocks[i]);
	free(c->blocks);
	c->blocks = NULL;
	c->nblocks = c->capblocks = 0;
}

static unsigned rpc_fail(struct rpc_ctx *c, unsigned code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static unsigned rpc_fail(struct rpc_ctx *c, unsigned code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->fault_msg, sizeof(c->fault_msg), fmt, ap);
	va_end(ap);
	return code;
}

static unsigned rpc_nomem(struct rpc_ctx *c)
{
	return rpc_fail(c, CWMP_FAULT_RESOURCES_EXCEEDED, "out of memory");
}

/* Copies s into dst[size]; false when it does not fit. */
static bool rpc_copy(char *dst, size_t size, const char *s)
{
	size_t n = strlen(s ? s : "");
	if (n >= size)
		return false;
	memcpy(dst, s ? s : "", n + 1);
	return true;
}

/* ------------------------------------------------------------------------------- lists */

struct rpc_names {
	struct rpc_ctx *c;
	struct cwmp__ParameterInfoStruct *items;
	size_t n, cap;
};

static int rpc_names_add(void *vctx, const char *name, bool writable)
{
	struct rpc_names *l = vctx;

	if (l->n >= RPC_RESULTS_MAX)
		return (int)rpc_fail(l->c, CWMP_FAULT_RESOURCES_EXCEEDED, "too many names");
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 64;
		void *n = realloc(l->items, nc * sizeof(*l->items));
		if (!n)
			return (int)rpc_nomem(l->c);
		l->items = n;
		l->cap = nc;
	}
	l->items[l->n].Name = (char *)name; /* owned by the model */
	l->items[l->n].Writable = writable ? xsd__boolean__true_ : xsd__boolean__false_;
	l->n++;
	return 0;
}

struct rpc_sel {
	struct rpc_ctx *c;
	size_t *idx;
	size_t n, cap;
};

static int rpc_sel_add(void *vctx, size_t i)
{
	struct rpc_sel *s = vctx;

	if (s->n >= RPC_RESULTS_MAX)
		return (int)rpc_fail(s->c, CWMP_FAULT_RESOURCES_EXCEEDED, "too many parameters");
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 64;
		void *n = realloc(s->idx, nc * sizeof(*s->idx));
		if (!n)
			return (int)rpc_nomem(s->c);
		s->idx = n;
		s->cap = nc;
	}
	s->idx[s->n++] = i;
	return 0;
}

/* Selects the parameters of every name in names (GetParameterValues/Attributes). */
static unsigned rpc_select(struct rpc_ctx *c, const struct ParameterNames *names,
			   struct rpc_sel *sel)
{
	int n = names ? names->__size : 0;

	sel->c = c;
	for (int i = 0; i < n; i++) {
		const char *name = names->__ptrstring[i] ? names->__ptrstring[i] : "";
		int rc = cwmp_model_select(c->model, name, rpc_sel_add, sel);
		if (rc == CWMP_FAULT_INVALID_NAME)
			return rpc_fail(c, CWMP_FAULT_INVALID_NAME, "%.200s: no such parameter", name);
		if (rc)
			return (unsigned)rc;
	}
	return 0;
}

/* ------------------------------------------------------------------------------- handlers */

static unsigned rpc_get_rpc_methods(struct rpc_ctx *c)
{
	struct _cwmp__GetRPCMethodsResponse *r = rpc_alloc(c, sizeof(*r));
	struct MethodList *l = rpc_alloc(c, sizeof(*l));
	if (!r || !l)
		return rpc_nomem(c);
	size_t n = 0;
	while (rpc_method_names[n])
		n++;
	l->__ptrstring = (char **)rpc_method_names;
	l->__size = (int)n;
	r->MethodList = l;
	c->resp = CWMP_RPC_GET_RPC_METHODS_RESPONSE;
	c->body = r;
	return 0;
}

static unsigned rpc_get_parameter_names(struct rpc_ctx *c)
{
	const struct _cwmp__GetParameterNames *q = c->req->body;
	struct rpc_names l = { .c = c };
	const char *path = q->ParameterPath ? q->ParameterPath : "";

	int rc = cwmp_model_names(c->model, path, q->NextLevel == xsd__boolean__true_, rpc_names_add,
				  &l);
	if (rc) {
		free(l.items);
		if (rc == CWMP_FAULT_INVALID_NAME)
			return rpc_fail(c, (unsigned)rc, "%.200s: no such object or parameter", path);
		if (rc == CWMP_FAULT_INVALID_ARGUMENTS)
			return rpc_fail(c, (unsigned)rc, "NextLevel true needs a partial path");
		return (unsigned)rc;
	}
	rpc_keep(c, l.items);
	struct _cwmp__GetParameterNamesResponse *r = rpc_alloc(c, sizeof(*r));
	struct ParameterInfoList *pl = rpc_alloc(c, sizeof(*pl));
	if (!r || !pl || (l.n && !l.items))
		return rpc_nomem(c);
	pl->__ptrParameterInfoStruct = l.items;
	pl->__size = (int)l.n;
	r->ParameterList = pl;
	c->resp = CWMP_RPC_GET_PARAMETER_NAMES_RESPONSE;
	c->body = r;
	return 0;
}

static unsigned rpc_get_parameter_values(struct rpc_ctx *c)
{
	const struct _cwmp__GetParameterValues *q = c->req->body;
	struct rpc_sel sel = { 0 };
	unsigned fault = cwmp_model_read_begin(c->model);

	if (fault)
		return fault;
	fault = rpc_select(c, q->ParameterNames, &sel);
	rpc_keep(c, sel.idx);
	struct _cwmp__GetParameterValuesResponse *r = rpc_alloc(c, sizeof(*r));
	struct ParameterValueList *pl = rpc_alloc(c, sizeof(*pl));
	struct cwmp__ParameterValueStruct *items = rpc_alloc(c, sel.n * sizeof(*items));
	struct cwmp__Value *vals = rpc_alloc(c, sel.n * sizeof(*vals));
	if (!fault && (!r || !pl || !items || !vals))
		fault = rpc_nomem(c);
	for (size_t i = 0; !fault && i < sel.n; i++) {
		const struct cwmp_param_info *p = cwmp_model_param(c->model, sel.idx[i]);
		char *v = NULL;
		fault = (unsigned)cwmp_model_value(c->model, sel.idx[i], &v);
		if (fault || !rpc_keep(c, v)) {
			if (!fault)
				fault = rpc_nomem(c);
			else
				rpc_fail(c, fault, "%s: %s", p->path, cwmp_model_errmsg(c->model));
			break;
		}
		vals[i].__item = v;
		vals[i].xsi__type = (char *)p->xsd_type;
		items[i].Name = (char *)p->path;
		items[i].Value = &vals[i];
	}
	cwmp_model_read_end(c->model);
	if (fault)
		return fault;
	pl->__ptrParameterValueStruct = items;
	pl->__size = (int)sel.n;
	r->ParameterList = pl;
	c->resp = CWMP_RPC_GET_PARAMETER_VALUES_RESPONSE;
	c->body = r;
	return 0;
}

static unsigned rpc_set_parameter_values(struct rpc_ctx *c)
{
	const struct _cwmp__SetParameterValues *q = c->req->body;
	const struct ParameterValueList *in = q->ParameterList;
	size_t n = in && in->__size > 0 ? (size_t)in->__size : 0;
	const char *key = q->ParameterKey ? q->ParameterKey : "";

	if (strlen(key) > RPC_KEY_MAX)
		return rpc_fail(c, CWMP_FAULT_INVALID_ARGUMENTS, "ParameterKey longer than %d",
				RPC_KEY_MAX);
	struct cwmp_model_set_item *items = rpc_alloc(c, n * sizeof(*items));
	if (!items)
		return rpc_nomem(c);
	for (size_t i = 0; i < n; i++) {
		const struct cwmp__ParameterValueStruct *p = &in->__ptrParameterValueStruct[i];
		items[i].path = p->Name ? p->Name : "";
		items[i].value = p->Value && p->Value->__item ? p->Value->__item : "";
		items[i].xsi_type = p->Value ? p->Value->xsi__type : NULL;
	}
	/* TR-069 A.3.2.1: a name given twice is an invalid request */
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (strcmp(items[i].path, items[j].path) == 0)
				return rpc_fail(c, CWMP_FAULT_INVALID_ARGUMENTS,
						"%.200s: given more than once", items[i].path);
	int status = 0;
	uint64_t seq = 0;
	int rc = cwmp_model_set(c->model, items, n, key, c->principal, &status, &seq);
	if (rc == CWMP_FAULT_INVALID_ARGUMENTS) {
		c->pfaults = rpc_alloc(c, n * sizeof(*c->pfaults));
		if (!c->pfaults)
			return rpc_nomem(c);
		for (size_t i = 0; i < n; i++) {
			if (!items[i].fault)
				continue;
			struct cwmp_param_fault *f = &c->pfaults[c->npfaults++];
			f->name = rpc_strdup(c, items[i].path);
			f->code = items[i].fault;
			f->string = items[i].fault_msg ? rpc_strdup(c, items[i].fault_msg) : NULL;
			if (!f->name || (items[i].fault_msg && !f->string))
				return rpc_nomem(c);
		}
		return rpc_fail(c, CWMP_FAULT_INVALID_ARGUMENTS, "%s",
				cwmp_fault_string(CWMP_FAULT_INVALID_ARGUMENTS));
	}
	if (rc)
		return rpc_fail(c, (unsigned)rc, "%s", cwmp_model_errmsg(c->model));
	struct _cwmp__SetParameterValuesResponse *r = rpc_alloc(c, sizeof(*r));
	if (!r)
		return rpc_nomem(c);
	r->Status = status;
	if (status)
		c->res->wui_restart = true;
	if (seq)
		c->res->store_seq = seq;
	c->resp = CWMP_RPC_SET_PARAMETER_VALUES_RESPONSE;
	c->body = r;
	return 0;
}

static unsigned rpc_get_parameter_attributes(struct rpc_ctx *c)
{
	static char *subscriber[] = { "Subscriber" };
	static struct AccessList with = { .__ptrstring = subscriber, .__size = 1 };
	const struct _cwmp__GetParameterAttributes *q = c->req->body;
	struct rpc_sel sel = { 0 };

	unsigned fault = rpc_select(c, q->ParameterNames, &sel);
	rpc_keep(c, sel.idx);
	if (fault)
		return fault;
	struct _cwmp__GetParameterAttributesResponse *r = rpc_alloc(c, sizeof(*r));
	struct ParameterAttributeList *pl = rpc_alloc(c, sizeof(*pl));
	struct cwmp__ParameterAttributeStruct *items = rpc_alloc(c, sel.n * sizeof(*items));
	struct AccessList *empty = rpc_alloc(c, sizeof(*empty));
	if (!r || !pl || !items || !empty)
		return rpc_nomem(c);
	for (size_t i = 0; i < sel.n; i++) {
		int notification = 0;
		bool sub = false;
		fault = (unsigned)cwmp_model_attr_get(c->model, sel.idx[i], &notification, &sub);
		if (fault)
			return rpc_fail(c, fault, "%s", cwmp_model_errmsg(c->model));
		items[i].Name = (char *)cwmp_model_param(c->model, sel.idx[i])->path;
		items[i].Notification = notification;
		items[i].AccessList = sub ? &with : empty;
	}
	pl->__ptrParameterAttributeStruct = items;
	pl->__size = (int)sel.n;
	r->ParameterList = pl;
	c->resp = CWMP_RPC_GET_PARAMETER_ATTRIBUTES_RESPONSE;
	c->body = r;
	return 0;
}

static unsigned rpc_set_parameter_attributes(struct rpc_ctx *c)
{
	const struct _cwmp__SetParameterAttributes *q = c->req->body;
	const struct SetParameterAttributesList *in = q->ParameterList;
	size_t n = in && in->__size > 0 ? (size_t)in->__size : 0;
	struct cwmp_model_attr_item *items = rpc_alloc(c, n * sizeof(*items));

	if (!items)
		return rpc_nomem(c);
	for (size_t i = 0; i < n; i++) {
		const struct cwmp__SetParameterAttributesStruct *p =
			&in->__ptrSetParameterAttributesStruct[i];
		items[i].path = p->Name ? p->Name : "";
		items[i].notification_change = p->NotificationChange == xsd__boolean__true_;
		items[i].notification = p->Notification;
		items[i].access_change = p->AccessListChange == xsd__boolean__true_;
		for (int k = 0; p->AccessList && k < p->AccessList->__size; k++) {
			const char *who = p->AccessList->__ptrstring[k] ? p->AccessList->__ptrstring[k] : "";
			if (strcmp(who, "Subscriber") != 0)
				return rpc_fail(c, CWMP_FAULT_INVALID_ARGUMENTS,
						"AccessList entry '%.64s' unknown (only Subscriber)", who);
			items[i].subscriber = true;
		}
	}
	int rc = cwmp_model_attr_set(c->model, items, n, c->principal);
	if (rc)
		return rpc_fail(c, (unsigned)rc, "%s", cwmp_model_errmsg(c->model));
	c->resp = CWMP_RPC_SET_PARAMETER_ATTRIBUTES_RESPONSE;
	c->body = NULL;
	return 0;
}

static unsigned rpc_add_object(struct rpc_ctx *c)
{
	const struct _cwmp__AddObject *q = c->req->body;
	unsigned instance = 0;
	const char *path = q->ObjectName ? q->ObjectName : "";

	int rc = cwmp_model_add_object(c->model, path, &instance);
	if (rc)
		return rpc_fail(c, (unsigned)rc, "%s", cwmp_model_errmsg(c->model));
	struct _cwmp__AddObjectResponse *r = rpc_alloc(c, sizeof(*r));
	if (!r)
		return rpc_nomem(c);
	r->InstanceNumber = instance;
	c->resp = CWMP_RPC_ADD_OBJECT_RESPONSE;
	c->body = r;
	return 0;
}

static unsigned rpc_delete_object(struct rpc_ctx *c)
{
	const struct _cwmp__DeleteObject *q = c->req->body;
	int rc = cwmp_model_delete_object(c->model, q->ObjectName ? q->ObjectName : "");

	if (rc)
		return rpc_fail(c, (unsigned)rc, "%s", cwmp_model_errmsg(c->model));
	struct _cwmp__DeleteObjectResponse *r = rpc_alloc(c, sizeof(*r));
	if (!r)
		return rpc_nomem(c);
	c->resp = CWMP_RPC_DELETE_OBJECT_RESPONSE;
	c->body = r;
	return 0;
}

static unsigned rpc_reboot(struct rpc_ctx *c)
{
	const struct _cwmp__Reboot *q = c->req->body;

	if (!rpc_copy(c->res->reboot_key, sizeof(c->res->reboot_key), q->CommandKey))
		return rpc_fail(c, CWMP_FAULT_INVALID_ARGUMENTS, "CommandKey longer than %d",
				RPC_KEY_MAX);
	c->res->reboot = true;
	c->resp = CWMP_RPC_REBOOT_RESPONSE;
	c->body = NULL;
	return 0;
}

static unsigned rpc_factory_reset(struct rpc_ctx *c)
{
	c->res->factory_reset = true;
	c->resp = CWMP_RPC_FACTORY_RESET_RESPONSE;
	c->body = NULL;
	return 0;
}

static unsigned rpc_schedule_inform(struct rpc_ctx *c)
{
	const struct _cwmp__ScheduleInform *q = c->req->body;
	char key[RPC_KEY_MAX + 1];

	if (q->DelaySeconds == 0)
		return rpc_fail(c, CWMP_FAULT_INVALID_ARGUMENTS, "DelaySeconds must be at least 1");
	if (!rpc_copy(key, sizeof(key), q->CommandKey))
		return rpc_fail(c, CWMP_FAULT_INVALID_ARGUMENTS, "CommandKey longer than %d",
				RPC_KEY_MAX);
	c->res->schedule_inform = true;
	c->res->schedule_delay_s = q->DelaySeconds;
	memcpy(c->res->schedule_key, key, sizeof(key));
	c->resp = CWMP_RPC_SCHEDULE_INFORM_RESPONSE;
	c->body = NULL;
	return 0;
}

/* A transfer URL: http or https only (9013 for other schemes), bounded, no blanks. */
static unsigned rpc_check_url(struct rpc_ctx *c, const char *url)
{
	const char *host = NULL;

	if (strncasecmp(url, "http://", 7) == 0)
		host = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		host = url + 8;
	else if (strstr(url, "://"))
		return rpc_fail(c, CWMP_FAULT_UNSUPPORTED_PROTOCOL, "only http and https transfers");
	else
		return rpc_fail(c, CWMP_FAULT_INVALID_ARGUMENTS, "URL is not an absolute URL");
	if (!*host || *host == '/')
		return rpc_fail(c, CWMP_FAULT_INVALID_ARGUMENTS, "URL without a host");
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return rpc_fail(c, CWMP_FAULT_INVALID_ARGUMENTS, "URL with blanks or non-ASCII");
	return 0;
}

/* Download and Upload share their checks; they differ in FileType and in what they record. */
static unsigned rpc_transfer(struct rpc_ctx *c, bool upload, const char *command_key,
			     const char *file_type, const char *url, const char *user,
			     const char *pass, const char *target, unsigned delay, uint64_t size)
{
	struct cwmp_transfer t = { .upload = upload, .delay_s = delay, .file_size = size };
	bool config = strcmp(file_type, CWMP_FILETYPE_CONFIG) == 0 ||
		      (upload && strcmp(file_type, "1 Vendor Configuration File") == 0);
	bool firmware = !upload && strcmp(file_type, CWMP_FILETYPE_FIRMWARE) == 0;
	bool log = upload && cwmp_filetype_is_log(file_type);
	const struct cwmp_conf *conf = cwmp_model_conf(c->model);

	if (firmware && (!conf || !conf->firmware_hook[0]))
		return rpc_fail(c, CWMP_FAULT_DOWNLOAD_FAILURE,
				"firmware upgrades are not available on this phone (no firmware hook)");
	if (!config && !firmware && !log)
		return rpc_fail(c, CWMP_FAULT_INVALID_ARGUMENTS, "FileType '%.64s' not supported",
				file_type);
	if (c->res->transfer_pending)
		return rpc_fail(c, CWMP_FAULT_RESOURCES_EXCEEDED, "a transfer is already queued");
	unsigned f = rpc_check_url(c, url);
	if (f)
		return f;
	if (!rpc_copy(t.command_key, sizeof(t.command_key), command_key) ||
	    !rpc_copy(t.file_type, sizeof(t.file_type), file_type) ||
	    !rpc_copy(t.url, sizeof(t.url), url) ||
	    !rpc_copy(t.username, sizeof(t.username), user) ||
	    !rpc_copy(t.password, sizeof(t.password), pass) ||
	    !rpc_copy(t.target, sizeof(t.target), target))
		return rpc_fail(c, CWMP_FAULT_INVALID_ARGUMENTS, "an argument is too long");
	c->res->transfer = t;
	c->res->transfer_pending = true;
	explicit_bzero(t.password, sizeof(t.password));
	return 0;
}

static unsigned rpc_download(struct rpc_ctx *c)
{
	const struct _cwmp__Download *q = c->req->body;
	unsigned f = rpc_transfer(c, false, q->CommandKey, q->FileType ? q->FileType : "",
				  q->URL ? q->URL : "", q->Username, q->Password, q->TargetFileName,
				  q->DelaySeconds, q->FileSize);
	if (f)
		return f;
	struct _cwmp__DownloadResponse *r = rpc_alloc(c, sizeof(*r));
	if (!r)
		return rpc_nomem(c);
	r->Status = 1; /* done after the session; TransferComplete reports the outcome */
	r->StartTime = RPC_UNKNOWN_TIME;
	r->CompleteTime = RPC_UNKNOWN_TIME;
	c->resp = CWMP_RPC_DOWNLOAD_RESPONSE;
	c->body = r;
	return 0;
}

static unsigned rpc_upload(struct rpc_ctx *c)
{
	const struct _cwmp__Upload *q = c->req->body;
	unsigned f = rpc_transfer(c, true, q->CommandKey, q->FileType ? q->FileType : "",
				  q->URL ? q->URL : "", q->Username, q->Password, "",
				  q->DelaySeconds, 0);
	if (f)
		return f;
	struct _cwmp__UploadResponse *r = rpc_alloc(c, sizeof(*r));
	if (!r)
		return rpc_nomem(c);
	r->Status = 1;
	r->StartTime = RPC_UNKNOWN_TIME;
	r->CompleteTime = RPC_UNKNOWN_TIME;
	c->resp = CWMP_RPC_UPLOAD_RESPONSE;
	c->body = r;
	return 0;
}

/* The ACS requests we answer; everything else gets 9000. */
static unsigned (*const rpc_handlers[CWMP_RPC_COUNT])(struct rpc_ctx *c) = {
	[CWMP_RPC_GET_RPC_METHODS] = rpc_get_rpc_methods,
	[CWMP_RPC_GET_PARAMETER_NAMES] = rpc_get_parameter_names,
	[CWMP_RPC_GET_PARAMETER_VALUES] = rpc_get_parameter_values,
	[CWMP_RPC_SET_PARAMETER_VALUES] = rpc_set_parameter_values,
	[CWMP_RPC_GET_PARAMETER_ATTRIBUTES] = rpc_get_parameter_attributes,
	[CWMP_RPC_SET_PARAMETER_ATTRIBUTES] = rpc_set_parameter_attributes,
	[CWMP_RPC_ADD_OBJECT] = rpc_add_object,
	[CWMP_RPC_DELETE_OBJECT] = rpc_delete_object,
	[CWMP_RPC_REBOOT] = rpc_reboot,
	[CWMP_RPC_FACTORY_RESET] = rpc_factory_reset,
	[CWMP_RPC_SCHEDULE_INFORM] = rpc_schedule_inform,
	[CWMP_RPC_DOWNLOAD] = rpc_download,
	[CWMP_RPC_UPLOAD] = rpc_upload,
};

/* ------------------------------------------------------------------------------- entry */

int cwmp_rpc_answer(const char **out, size_t *len, struct cwmp_msg *codec, struct cwmp_model *model,
		    const struct cwmp_msg_in *req, const char *principal, struct cwmp_rpc_result *res)
{
	struct rpc_ctx c = { .model = model, .req = req, .principal = principal, .res = res };
	unsigned fault;
	int rc;

	if (!out || !codec || !model || !req || !res)
		return CWMP_MSG_E_INVALID;
	*out = NULL;
	if (len)
		*len = 0;
	/* the codec frees the request when it writes: keep the ID */
	char *id = req->hdr.id ? rpc_strdup(&c, req->hdr.id) : NULL;
	if (req->hdr.id && !id) {
		rpc_arena_free(&c);
		return CWMP_MSG_E_NOMEM;
	}
	enum cwmp_ns ns = (unsigned)req->ns < CWMP_NS_COUNT ? req->ns : CWMP_NS_1_2;

	if (req->rpc <= CWMP_RPC_UNKNOWN || req->rpc >= CWMP_RPC_COUNT || !rpc_handlers[req->rpc])
		fault = rpc_fail(&c, CWMP_FAULT_METHOD_NOT_SUPPORTED, "%.64s: method not supported",
				 req->method);
	else if (!req->body && req->rpc != CWMP_RPC_GET_RPC_METHODS &&
		 req->rpc != CWMP_RPC_FACTORY_RESET)
		fault = rpc_fail(&c, CWMP_FAULT_INVALID_ARGUMENTS, "no arguments");
	else
		fault = rpc_handlers[req->rpc](&c);

	if (fault) {
		struct cwmp_fault f = {
			.code = fault,
			.string = c.fault_msg[0] ? c.fault_msg : NULL,
			.params = c.npfaults ? c.pfaults : NULL,
			.n_params = c.npfaults,
		};
		rc = cwmp_msg_write_fault(out, len, codec, ns, id, &f);
	} else {
		struct cwmp_msg_header hdr = { .id = id, .hold_requests = -1 };
		rc = cwmp_msg_write(out, len, codec, ns, &hdr, c.resp, c.body);
	}
	rpc_arena_free(&c);
	return rc;
}
