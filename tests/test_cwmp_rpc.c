/* Golden tests of the CWMP RPC handlers: each ACS request read from an XML fixture (tests/cwmp/
 * and tests/cwmp/rpc/) is answered against a fresh store; every answer is schema-validated with
 * xmllint, parsed back and checked, and the store is checked after the writes. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>

#include "conf.h"
#include "cwmp_xsd.h"
#include "model.h"
#include "msg.h"
#include "rpc.h"
#include "session.h"
#include "store.h"
#include "testutil.h"

#define VP "X_EXAMPLE-COM_"

/* The source tree: $top_srcdir (set by make check), else the configured one. */
static const char *srcdir(void)
{
	const char *top = getenv("top_srcdir");
	return top && *top ? top : TOP_SRCDIR;
}

static struct cwmp_conf conf;
static struct cwmp_msg *codec, *reader;
static char *dir;
static struct store *st;
static struct cwmp_model *model;
static struct cwmp_rpc_result res;
static char answer_copy[1024 * 1024];

static int suite_init(void)
{
	char err[256];
	if (cwmp_conf_load(&conf, NULL, err, sizeof(err)))
		return -1;
	snprintf(conf.vendor, sizeof(conf.vendor), "EXAMPLE-COM");
	if (cwmp_msg_new(&codec, 0, 0) || cwmp_msg_new(&reader, 0, 0))
		return -1;
	return 0;
}

static void fresh(void)
{
	cwmp_model_free(model);
	model = NULL;
	store_close(st);
	if (dir) {
		tu_rmtree(dir);
		free(dir);
	}
	st = tu_store_new(&dir, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL_FATAL(cwmp_model_new(&model, st, &conf), 0);
	memset(&res, 0, sizeof(res));
}

static int suite_clean(void)
{
	cwmp_model_free(model);
	store_close(st);
	if (dir)
		tu_rmtree(dir);
	free(dir);
	cwmp_msg_free(codec);
	cwmp_msg_free(reader);
	return 0;
}

static char *load(const char *name, size_t *len)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/tests/cwmp/%s", srcdir(), name);
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "cannot open fixture %s\n", path);
		return NULL;
	}
	char *buf = malloc(256 * 1024);
	size_t n = buf ? fread(buf, 1, 256 * 1024 - 1, f) : 0;
	fclose(f);
	if (buf)
		buf[n] = '\0';
	*len = n;
	return buf;
}

/* Answers the fixture's request against the current store; the answer must validate against
 * the BBF schema and echo the request's cwmp:ID. *out receives the parsed answer. */
static void answer_buf(const char *fixture, char *buf, size_t len, struct cwmp_msg_in *out);
static void answer(const char *fixture, struct cwmp_msg_in *out)
{
	size_t len = 0;
	char *buf = load(fixture, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	answer_buf(fixture, buf, len, out);
}

/* answer() of a request given as text. */
static void answer_text(const char *what, const char *text, struct cwmp_msg_in *out)
{
	char *buf = strdup(text);

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	answer_buf(what, buf, strlen(buf), out);
}

/* answer() of buf[0..len) (malloc'd, freed here). */
static void answer_buf(const char *fixture, char *buf, size_t len, struct cwmp_msg_in *out)
{
	struct cwmp_msg_in in;
	char id[128];

	int rc = cwmp_msg_parse(&in, codec, buf, len);
	if (rc)
		fprintf(stderr, "\n%s: %s\n", fixture, cwmp_msg_errmsg(codec));
	CU_ASSERT_EQUAL_FATAL(rc, CWMP_MSG_OK);
	snprintf(id, sizeof(id), "%s", in.hdr.id ? in.hdr.id : "");

	const char *xml = NULL;
	size_t xlen = 0;
	/* same codec as the request: the handlers must not use the request after writing */
	rc = cwmp_rpc_answer(&xml, &xlen, codec, model, &in, "https://acs.example.net/cwmp", &res);
	free(buf);
	CU_ASSERT_EQUAL_FATAL(rc, CWMP_MSG_OK);
	CU_ASSERT_FATAL(xlen < sizeof(answer_copy));
	memcpy(answer_copy, xml, xlen + 1);

	char report[4096];
	int v = cwmp_xsd_validate(answer_copy, xlen, report, sizeof(report));
	if (v != 0)
		fprintf(stderr, "\n%s: answer fails schema validation:\n%s\n%.3000s\n", fixture, report,
			answer_copy);
	CU_ASSERT_EQUAL(v, 0);

	rc = cwmp_msg_parse(out, reader, answer_copy, xlen);
	if (rc)
		fprintf(stderr, "\n%s: answer unreadable: %s\n", fixture, cwmp_msg_errmsg(reader));
	CU_ASSERT_EQUAL_FATAL(rc, CWMP_MSG_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out->hdr.id);
	CU_ASSERT_STRING_EQUAL(out->hdr.id, id);
}

static unsigned fault_code(const struct cwmp_msg_in *a)
{
	const struct _cwmp__Fault *f = a->body;
	CU_ASSERT_EQUAL_FATAL(a->rpc, CWMP_RPC_FAULT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	return f->FaultCode;
}

static void expect_fault(const char *fixture, unsigned code)
{
	struct cwmp_msg_in a;
	answer(fixture, &a);
	unsigned got = fault_code(&a);
	if (got != code)
		fprintf(stderr, "\n%s: fault %u, expected %u\n", fixture, got, code);
	CU_ASSERT_EQUAL(got, code);
}

static char *setting(const char *key)
{
	static char buf[512];
	char *v = NULL;
	CU_ASSERT_EQUAL(store_get(&v, st, key), STORE_OK);
	snprintf(buf, sizeof(buf), "%s", v ? v : "(null)");
	free(v);
	return buf;
}

static char *state(const char *name)
{
	static char buf[512];
	char *v = NULL;
	int rc = store_state_get(&v, st, name);
	snprintf(buf, sizeof(buf), "%s", rc == STORE_OK && v ? v : "(none)");
	free(v);
	return buf;
}

/* Index of name in a GetParameterValues answer, -1 when absent. */
static int gpv_find(const struct _cwmp__GetParameterValuesResponse *r, const char *name)
{
	for (int i = 0; r->ParameterList && i < r->ParameterList->__size; i++)
		if (strcmp(r->ParameterList->__ptrParameterValueStruct[i].Name, name) == 0)
			return i;
	return -1;
}

/* ------------------------------------------------------------------------------- tests */

static void test_setup(void)
{
	char msg[1400];
	int rc = cwmp_xsd_check_setup(msg, sizeof(msg));
	if (rc)
		fprintf(stderr, "\n%s\n", msg);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
}

static void test_get_rpc_methods(void)
{
	struct cwmp_msg_in a;

	fresh();
	answer("GetRPCMethods.xml", &a);
	CU_ASSERT_EQUAL_FATAL(a.rpc, CWMP_RPC_GET_RPC_METHODS_RESPONSE);
	const struct _cwmp__GetRPCMethodsResponse *r = a.body;
	CU_ASSERT_EQUAL_FATAL(r->MethodList->__size, 13);
	bool found = false;
	for (int i = 0; i < r->MethodList->__size; i++)
		found |= strcmp(r->MethodList->__ptrstring[i], "SetParameterAttributes") == 0;
	CU_ASSERT_TRUE(found);
	expect_fault("GetQueuedTransfers.xml", CWMP_FAULT_METHOD_NOT_SUPPORTED);
}

static void test_get_parameter_values(void)
{
	struct cwmp_msg_in a;

	fresh();
	CU_ASSERT_EQUAL(tu_set(st, "tr69_acs_passwd", "acs-secret", "http_user", "desk", NULL), STORE_OK);
	answer("GetParameterValues.xml", &a);
	CU_ASSERT_EQUAL_FATAL(a.rpc, CWMP_RPC_GET_PARAMETER_VALUES_RESPONSE);
	const struct _cwmp__GetParameterValuesResponse *r = a.body;
	int i = gpv_find(r, "Device.DeviceInfo.SoftwareVersion");
	CU_ASSERT_FATAL(i >= 0);
	CU_ASSERT_STRING_EQUAL(r->ParameterList->__ptrParameterValueStruct[i].Value->__item,
			       conf.sw_version);
	i = gpv_find(r, "Device.ManagementServer.PeriodicInformEnable");
	CU_ASSERT_FATAL(i >= 0);
	CU_ASSERT_STRING_EQUAL(r->ParameterList->__ptrParameterValueStruct[i].Value->__item, "true");
	CU_ASSERT_STRING_EQUAL(r->ParameterList->__ptrParameterValueStruct[i].Value->xsi__type,
			       "xsd:boolean");
	i = gpv_find(r, "Device.ManagementServer.Password");
	CU_ASSERT_FATAL(i >= 0);
	CU_ASSERT_TRUE(!r->ParameterList->__ptrParameterValueStruct[i].Value->__item ||
		       !*r->ParameterList->__ptrParameterValueStruct[i].Value->__item);
	CU_ASSERT_PTR_NULL(strstr(answer_copy, "acs-secret"));
	CU_ASSERT_EQUAL(gpv_find(r, "Device.DeviceInfo.Manufacturer"), -1);

	answer("rpc/GetParameterValues-all.xml", &a);
	CU_ASSERT_EQUAL_FATAL(a.rpc, CWMP_RPC_GET_PARAMETER_VALUES_RESPONSE);
	r = a.body;
	CU_ASSERT_EQUAL(r->ParameterList->__size, (int)cwmp_model_count(model));
	i = gpv_find(r, "Device.Users.User.2.Username");
	CU_ASSERT_FATAL(i >= 0);
	CU_ASSERT_STRING_EQUAL(r->ParameterList->__ptrParameterValueStruct[i].Value->__item, "desk");
	i = gpv_find(r, "Device." VP "Compliance.Rule.1.Status");
	CU_ASSERT(i >= 0);

	expect_fault("rpc/GetParameterValues-unknown.xml", CWMP_FAULT_INVALID_NAME);
}

static void test_get_parameter_names(void)
{
	struct cwmp_msg_in a;

	fresh();
	answer("GetParameterNames.xml", &a); /* Device.Users., NextLevel true */
	CU_ASSERT_EQUAL_FATAL(a.rpc, CWMP_RPC_GET_PARAMETER_NAMES_RESPONSE);
	const struct _cwmp__GetParameterNamesResponse *r = a.body;
	CU_ASSERT_EQUAL_FATAL(r->ParameterList->__size, 2);
	CU_ASSERT_STRING_EQUAL(r->ParameterList->__ptrParameterInfoStruct[0].Name,
			       "Device.Users.UserNumberOfEntries");
	CU_ASSERT_EQUAL(r->ParameterList->__ptrParameterInfoStruct[0].Writable, xsd__boolean__false_);
	CU_ASSERT_STRING_EQUAL(r->ParameterList->__ptrParameterInfoStruct[1].Name,
			       "Device.Users.User.");

	answer("rpc/GetParameterNames-all.xml", &a);
	CU_ASSERT_EQUAL_FATAL(a.rpc, CWMP_RPC_GET_PARAMETER_NAMES_RESPONSE);
	r = a.body;
	CU_ASSERT(r->ParameterList->__size > (int)cwmp_model_count(model));
	CU_ASSERT_STRING_EQUAL(r->ParameterList->__ptrParameterInfoStruct[0].Name, "Device.");
	expect_fault("rpc/GetParameterNames-param-nextlevel.xml", CWMP_FAULT_INVALID_ARGUMENTS);
}

static void test_spv_harden(void)
{
	struct cwmp_msg_in a;
	uint64_t head0 = 0, head1 = 0;

	fresh();
	store_audit_head(&head0, st);
	answer("rpc/SetParameterValues-harden.xml", &a);
	CU_ASSERT_EQUAL_FATAL(a.rpc, CWMP_RPC_SET_PARAMETER_VALUES_RESPONSE);
	const struct _cwmp__SetParameterValuesResponse *r = a.body;
	/* phonesec-wuid closes its HTTP listener live: applied, no restart (Status 0) */
	CU_ASSERT_EQUAL(r->Status, 0);
	CU_ASSERT_FALSE(res.wui_restart);
	CU_ASSERT_STRING_EQUAL(setting("webserver_type"), "https");
	CU_ASSERT_STRING_EQUAL(setting("http_scheme"), "digest");
	CU_ASSERT_STRING_EQUAL(setting("use_hidden_tags"), "on");
	CU_ASSERT_STRING_EQUAL(setting("http_user"), "desk");
	CU_ASSERT_STRING_EQUAL(setting("tr69_periodic_interval"), "600");
	CU_ASSERT_EQUAL(store_secret_verify(st, "http_pass", "Desk-Pass-1"), STORE_OK);
	CU_ASSERT_STRING_EQUAL(state("cwmp.parameter_key"), "harden-1");
	/* one audit entry, source tr069, principal the ACS, both layers, and reported to the session */
	store_audit_head(&head1, st);
	CU_ASSERT_EQUAL(head1, head0 + 1);
	CU_ASSERT_EQUAL(res.store_seq, head1);
	struct store_audit_entry *e = NULL;
	size_t n = 0;
	CU_ASSERT_EQUAL(store_audit_last(&e, &n, st, 1), STORE_OK);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_EQUAL(e[0].source, STORE_SRC_TR069);
	CU_ASSERT_TRUE(e[0].both_layers);
	CU_ASSERT_STRING_EQUAL(e[0].principal, "https://acs.example.net/cwmp");
	CU_ASSERT_PTR_NOT_NULL(strstr(e[0].keys, "webserver_type"));
	store_audit_free(e, n);
	char *saved = NULL;
	CU_ASSERT_EQUAL(store_get_saved(&saved, st, "webserver_type"), STORE_OK);
	CU_ASSERT_STRING_EQUAL(saved, "https");
	free(saved);

	/* ParameterKey is read back through the model */
	char *v = NULL;
	CU_ASSERT_EQUAL(cwmp_model_get(model, "Device.ManagementServer.ParameterKey", &v, NULL), 0);
	CU_ASSERT_STRING_EQUAL(v, "harden-1");
	free(v);

	/* the CWMP 1.0 namespace is answered in kind */
	answer("SetParameterValues-1-0.xml", &a);
	CU_ASSERT_EQUAL(a.rpc, CWMP_RPC_SET_PARAMETER_VALUES_RESPONSE);
	CU_ASSERT_EQUAL(a.ns, CWMP_NS_1_0);
	CU_ASSERT_STRING_EQUAL(state("cwmp.parameter_key"), "");
}

static void test_spv_bad(void)
{
	struct cwmp_msg_in a;
	uint64_t head0 = 0, head1 = 0;

	fresh();
	store_audit_head(&head0, st);
	answer("rpc/SetParameterValues-bad.xml", &a);
	CU_ASSERT_EQUAL_FATAL(fault_code(&a), CWMP_FAULT_INVALID_ARGUMENTS);
	const struct _cwmp__Fault *f = a.body;
	static const struct { const char *name; unsigned code; } want[] = {
		{ "Device.ManagementServer.PeriodicInformInterval", CWMP_FAULT_INVALID_VALUE },
		{ "Device.Nope.Nothing", CWMP_FAULT_INVALID_NAME },
		{ "Device.ManagementServer.ParameterKey", CWMP_FAULT_NOT_WRITABLE },
		{ "Device.UserInterface.HTTPAccess.1.Port", CWMP_FAULT_INVALID_TYPE },
		{ "Device." VP "Security.HiddenTags", CWMP_FAULT_INVALID_TYPE },
	};
	CU_ASSERT_EQUAL_FATAL(f->__sizeSetParameterValuesFault, 5);
	for (size_t i = 0; i < 5; i++) {
		CU_ASSERT_STRING_EQUAL(f->SetParameterValuesFault[i].ParameterName, want[i].name);
		CU_ASSERT_EQUAL(f->SetParameterValuesFault[i].FaultCode, want[i].code);
	}
	/* nothing changed: no audit entry, no ParameterKey */
	store_audit_head(&head1, st);
	CU_ASSERT_EQUAL(head1, head0);
	CU_ASSERT_STRING_EQUAL(state("cwmp.parameter_key"), "(none)");
	CU_ASSERT_STRING_EQUAL(setting("tr69_periodic_interval"), "3600");
	CU_ASSERT_EQUAL(res.store_seq, 0);

	/* the shared fixture: a user name with a blank is refused, the rest not applied */
	answer("SetParameterValues.xml", &a);
	CU_ASSERT_EQUAL_FATAL(fault_code(&a), CWMP_FAULT_INVALID_ARGUMENTS);
	f = a.body;
	CU_ASSERT_EQUAL_FATAL(f->__sizeSetParameterValuesFault, 1);
	CU_ASSERT_STRING_EQUAL(f->SetParameterValuesFault[0].ParameterName,
			       "Device.Users.User.2.Username");
	CU_ASSERT_EQUAL(f->SetParameterValuesFault[0].FaultCode, CWMP_FAULT_INVALID_VALUE);
	CU_ASSERT_STRING_EQUAL(setting("webserver_type"), "http_https");
	CU_ASSERT_STRING_EQUAL(setting("tr69_periodic_interval"), "3600");

	/* duplicates: 9003 without parameter entries */
	answer("rpc/SetParameterValues-dup.xml", &a);
	CU_ASSERT_EQUAL_FATAL(fault_code(&a), CWMP_FAULT_INVALID_ARGUMENTS);
	f = a.body;
	CU_ASSERT_EQUAL(f->__sizeSetParameterValuesFault, 0);
	CU_ASSERT_STRING_EQUAL(setting("tr69_periodic_interval"), "3600");
	store_audit_head(&head1, st);
	CU_ASSERT_EQUAL(head1, head0);
}

/* The AuthScheme alone, with no web UI user or password yet: ACSs set one parameter at a time,
 * and Digest takes effect once the credentials exist. */
static void test_spv_auth_scheme_alone(void)
{
	struct cwmp_msg_in a;

	fresh();
	CU_ASSERT_STRING_EQUAL(setting("http_user"), "");
	answer("rpc/SetParameterValues-authscheme.xml", &a);
	CU_ASSERT_EQUAL_FATAL(a.rpc, CWMP_RPC_SET_PARAMETER_VALUES_RESPONSE);
	const struct _cwmp__SetParameterValuesResponse *r = a.body;
	CU_ASSERT_EQUAL(r->Status, 0);
	CU_ASSERT_STRING_EQUAL(setting("http_scheme"), "digest");
	CU_ASSERT_STRING_EQUAL(state("cwmp.parameter_key"), "scheme-1");
}

/* SetParameterValues requests as text: SPV(items, count, ParameterKey) of PVS(name, type, value) */
#define PVS(name, type, value) \
	"<ParameterValueStruct><Name>" name "</Name><Value xsi:type=\"xsd:" type "\">" value \
	"</Value></ParameterValueStruct>"
#define SPV(items, n, key) \
	"<soap-env:Envelope xmlns:soap-env=\"http://schemas.xmlsoap.org/soap/envelope/\" " \
	"xmlns:soap-enc=\"http://schemas.xmlsoap.org/soap/encoding/\" " \
	"xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" " \
	"xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" " \
	"xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\"><soap-env:Header><cwmp:ID " \
	"soap-env:mustUnderstand=\"1\">spv-k</cwmp:ID></soap-env:Header><soap-env:Body>" \
	"<cwmp:SetParameterValues><ParameterList soap-enc:arrayType=\"cwmp:ParameterValueStruct[" \
	n "]\">" items "</ParameterList><ParameterKey>" key "</ParameterKey>" \
	"</cwmp:SetParameterValues></soap-env:Body></soap-env:Envelope>"
#define PII "Device.ManagementServer.PeriodicInformInterval"
#define KEY32 "0123456789abcdef0123456789ABCDEF"

/* Every setting (running and saved layers, lock, secret set) of snap equals the store's now. */
static void expect_unchanged(const struct store_snapshot *snap, const char *what)
{
	struct store_snapshot *now = NULL;

	CU_ASSERT_EQUAL_FATAL(store_snapshot_take(&now, st), STORE_OK);
	for (size_t i = 0; i < snap->count; i++) {
		const struct store_row *a = &snap->rows[i], *b = &now->rows[i];
		bool same = !strcmp(a->running, b->running) && !strcmp(a->saved, b->saved) &&
			    a->locked == b->locked && a->secret_set == b->secret_set;
		if (!same)
			fprintf(stderr, "\n%s changed %s: %s -> %s\n", what, a->setting->key,
				a->running, b->running);
		CU_ASSERT_TRUE(same);
	}
	CU_ASSERT_EQUAL(now->head_seq, snap->head_seq);
	store_snapshot_free(now);
}

/* A SetParameterValues refused for one fixed value (a read-only parameter, an invalid value)
 * leaves the ParameterKey and every value as they were, the valid items included. */
static void test_spv_refused_keeps_all(void)
{
	static const struct {
		const char *what, *xml, *name;
		unsigned code;
	} cases[] = {
		{ "a read-only parameter",
		  SPV(PVS(PII, "unsignedInt", "777") PVS("Device." VP "Security.HiddenTags", "boolean",
							  "true")
		      PVS("Device.DeviceInfo.SoftwareVersion", "string", "9.9"), "3", "pk-after"),
		  "Device.DeviceInfo.SoftwareVersion", CWMP_FAULT_NOT_WRITABLE },
		{ "an invalid value",
		  SPV(PVS("Device." VP "Security.HiddenTags", "boolean", "true")
		      PVS("Device.ManagementServer.PeriodicInformEnable", "boolean", "false")
		      PVS(PII, "unsignedInt", "0"), "3", "pk-after"),
		  PII, CWMP_FAULT_INVALID_VALUE },
	};
	struct cwmp_msg_in a;
	struct store_snapshot *snap = NULL;

	fresh();
	answer_text("accepted", SPV(PVS(PII, "unsignedInt", "1234")
				    PVS("Device.ManagementServer.PeriodicInformEnable", "boolean",
					"true"), "2", "pk-before"), &a);
	CU_ASSERT_EQUAL_FATAL(a.rpc, CWMP_RPC_SET_PARAMETER_VALUES_RESPONSE);
	CU_ASSERT_STRING_EQUAL(state("cwmp.parameter_key"), "pk-before");
	CU_ASSERT_STRING_EQUAL(setting("tr69_periodic_interval"), "1234");
	CU_ASSERT_EQUAL_FATAL(store_snapshot_take(&snap, st), STORE_OK);
	CU_ASSERT_STRING_EQUAL(store_snapshot_find(snap, "use_hidden_tags")->running, "off");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&res, 0, sizeof(res));
		answer_text(cases[i].what, cases[i].xml, &a);
		CU_ASSERT_EQUAL_FATAL(fault_code(&a), CWMP_FAULT_INVALID_ARGUMENTS);
		const struct _cwmp__Fault *f = a.body;
		CU_ASSERT_EQUAL_FATAL(f->__sizeSetParameterValuesFault, 1);
		CU_ASSERT_STRING_EQUAL(f->SetParameterValuesFault[0].ParameterName, cases[i].name);
		CU_ASSERT_EQUAL(f->SetParameterValuesFault[0].FaultCode, cases[i].code);
		CU_ASSERT_STRING_EQUAL(state("cwmp.parameter_key"), "pk-before");
		CU_ASSERT_STRING_EQUAL(setting("tr69_periodic_interval"), "1234");
		CU_ASSERT_STRING_EQUAL(setting("use_hidden_tags"), "off");
		CU_ASSERT_EQUAL(res.store_seq, 0);
		expect_unchanged(snap, cases[i].what);
	}
	store_snapshot_free(snap);
}

/* ParameterKey is a string(32): 32 characters are kept, 33 refused with 9003 and nothing set. */
static void test_spv_parameter_key_length(void)
{
	struct cwmp_msg_in a;
	struct store_snapshot *snap = NULL;

	fresh();
	answer_text("32-character key", SPV(PVS(PII, "unsignedInt", "999"), "1", KEY32), &a);
	CU_ASSERT_EQUAL_FATAL(a.rpc, CWMP_RPC_SET_PARAMETER_VALUES_RESPONSE);
	CU_ASSERT_STRING_EQUAL(state("cwmp.parameter_key"), KEY32);
	CU_ASSERT_STRING_EQUAL(setting("tr69_periodic_interval"), "999");
	CU_ASSERT_EQUAL_FATAL(store_snapshot_take(&snap, st), STORE_OK);
	answer_text("33-character key", SPV(PVS(PII, "unsignedInt", "998"), "1", KEY32 "X"), &a);
	CU_ASSERT_EQUAL(fault_code(&a), CWMP_FAULT_INVALID_ARGUMENTS);
	CU_ASSERT_STRING_EQUAL(state("cwmp.parameter_key"), KEY32);
	CU_ASSERT_STRING_EQUAL(setting("tr69_periodic_interval"), "999");
	expect_unchanged(snap, "a 33-character ParameterKey");
	store_snapshot_free(snap);
	/* an XML-forbidden character is no way around it: the session refuses it (9003) before */
	struct cwmp_msg_in in;
	const char *cut = SPV(PVS(PII, "unsignedInt", "112&#0;x"), "1", "k");
	CU_ASSERT_EQUAL(cwmp_msg_parse(&in, codec, cut, strlen(cut)), CWMP_MSG_E_ARGS);
}

static void test_attributes(void)
{
	struct cwmp_msg_in a;
	bool locked = true;

	fresh();
	CU_ASSERT_EQUAL(store_lock_get(&locked, st, "http_pass"), STORE_OK);
	CU_ASSERT_FALSE(locked); /* the registry lets the desk user change it */
	answer("SetParameterAttributes.xml", &a);
	CU_ASSERT_EQUAL_FATAL(a.rpc, CWMP_RPC_SET_PARAMETER_ATTRIBUTES_RESPONSE);
	CU_ASSERT_EQUAL(store_lock_get(&locked, st, "webserver_type"), STORE_OK);
	CU_ASSERT_TRUE(locked);
	CU_ASSERT_EQUAL(store_lock_get(&locked, st, "http_pass"), STORE_OK);
	CU_ASSERT_FALSE(locked);
	CU_ASSERT_STRING_EQUAL(state("cwmp.attr.Device.UserInterface.Enable"), "2");

	/* persisted: a new model instance reads them back */
	cwmp_model_free(model);
	CU_ASSERT_EQUAL_FATAL(cwmp_model_new(&model, st, &conf), 0);
	answer("GetParameterAttributes.xml", &a); /* Device.UserInterface. */
	CU_ASSERT_EQUAL_FATAL(a.rpc, CWMP_RPC_GET_PARAMETER_ATTRIBUTES_RESPONSE);
	const struct _cwmp__GetParameterAttributesResponse *r = a.body;
	bool seen_enable = false, seen_port = false;
	for (int i = 0; i < r->ParameterList->__size; i++) {
		const struct cwmp__ParameterAttributeStruct *p =
			&r->ParameterList->__ptrParameterAttributeStruct[i];
		if (strcmp(p->Name, "Device.UserInterface.Enable") == 0) {
			seen_enable = true;
			CU_ASSERT_EQUAL(p->Notification, 2);
			CU_ASSERT_EQUAL(p->AccessList->__size, 0);
		}
		if (strcmp(p->Name, "Device.UserInterface.HTTPAccess.1.Port") == 0) {
			seen_port = true;
			CU_ASSERT_EQUAL(p->Notification, 0);
			CU_ASSERT_EQUAL(p->AccessList->__size, 0);
		}
	}
	CU_ASSERT_TRUE(seen_enable && seen_port);

	/* forced-inform parameter refuses active notification: 9009, nothing changed */
	expect_fault("rpc/SetParameterAttributes-forced.xml", CWMP_FAULT_NOTIFICATION_REJECTED);
	CU_ASSERT_STRING_EQUAL(state("cwmp.attr.Device.ManagementServer.PeriodicInformInterval"),
			       "(none)");
}

static void test_objects_and_commands(void)
{
	struct cwmp_msg_in a;

	fresh();
	expect_fault("AddObject.xml", CWMP_FAULT_RESOURCES_EXCEEDED);
	expect_fault("DeleteObject.xml", CWMP_FAULT_INVALID_NAME);
	expect_fault("rpc/DeleteObject-1.xml", CWMP_FAULT_REQUEST_DENIED);
	CU_ASSERT_STRING_EQUAL(state("cwmp.parameter_key"), "(none)");

	answer("Reboot.xml", &a);
	CU_ASSERT_EQUAL(a.rpc, CWMP_RPC_REBOOT_RESPONSE);
	CU_ASSERT_TRUE(res.reboot);
	CU_ASSERT_STRING_EQUAL(res.reboot_key, "reboot-ck");

	answer("FactoryReset.xml", &a);
	CU_ASSERT_EQUAL(a.rpc, CWMP_RPC_FACTORY_RESET_RESPONSE);
	CU_ASSERT_TRUE(res.factory_reset);

	answer("ScheduleInform.xml", &a);
	CU_ASSERT_EQUAL(a.rpc, CWMP_RPC_SCHEDULE_INFORM_RESPONSE);
	CU_ASSERT_TRUE(res.schedule_inform);
	CU_ASSERT_EQUAL(res.schedule_delay_s, 30);
	CU_ASSERT_STRING_EQUAL(res.schedule_key, "si-ck");
	expect_fault("rpc/ScheduleInform-0.xml", CWMP_FAULT_INVALID_ARGUMENTS);
}

static void test_transfers(void)
{
	struct cwmp_msg_in a;

	fresh();
	expect_fault("rpc/Download-firmware.xml", CWMP_FAULT_DOWNLOAD_FAILURE);
	expect_fault("rpc/Download-ftp.xml", CWMP_FAULT_UNSUPPORTED_PROTOCOL);
	expect_fault("rpc/Download-webcontent.xml", CWMP_FAULT_INVALID_ARGUMENTS);
	CU_ASSERT_FALSE(res.transfer_pending);

	answer("Download.xml", &a);
	CU_ASSERT_EQUAL_FATAL(a.rpc, CWMP_RPC_DOWNLOAD_RESPONSE);
	const struct _cwmp__DownloadResponse *r = a.body;
	CU_ASSERT_EQUAL(r->Status, 1);
	CU_ASSERT_TRUE(res.transfer_pending);
	CU_ASSERT_FALSE(res.transfer.upload);
	CU_ASSERT_STRING_EQUAL(res.transfer.command_key, "dl-ck");
	CU_ASSERT_STRING_EQUAL(res.transfer.url, "https://acs.example.net/files/phone.conf");
	CU_ASSERT_STRING_EQUAL(res.transfer.username, "fetch");
	CU_ASSERT_STRING_EQUAL(res.transfer.password, "fetch-secret");
	CU_ASSERT_EQUAL(res.transfer.file_size, 1234);
	/* one transfer at a time */
	expect_fault("Upload.xml", CWMP_FAULT_RESOURCES_EXCEEDED);

	memset(&res, 0, sizeof(res));
	answer("Upload.xml", &a);
	CU_ASSERT_EQUAL_FATAL(a.rpc, CWMP_RPC_UPLOAD_RESPONSE);
	CU_ASSERT_TRUE(res.transfer_pending);
	CU_ASSERT_TRUE(res.transfer.upload);
	CU_ASSERT_EQUAL(res.transfer.delay_s, 5);
	CU_ASSERT_STRING_EQUAL(res.transfer.file_type, CWMP_FILETYPE_CONFIG);

	/* with a firmware hook the firmware Download is accepted */
	memset(&res, 0, sizeof(res));
	snprintf(conf.firmware_hook, sizeof(conf.firmware_hook), "/usr/libexec/phonesec-fw");
	answer("rpc/Download-firmware.xml", &a);
	conf.firmware_hook[0] = '\0';
	CU_ASSERT_EQUAL(a.rpc, CWMP_RPC_DOWNLOAD_RESPONSE);
	CU_ASSERT_STRING_EQUAL(res.transfer.file_type, CWMP_FILETYPE_FIRMWARE);
}

/* Where a redirect leads (the session's Inform and the file transfers share the rules). */
static void test_redirect_targets(void)
{
	static const struct {
		const char *current, *location, *want; /* want NULL: refused, why containing it */
		const char *why;
	} cases[] = {
		{ "http://acs.example.net:7547/cwmp", "http://b.example.net/x?y=1",
		  "http://b.example.net/x?y=1", NULL },
		{ "http://acs.example.net/cwmp", "HTTPS://B.example.net/x", "https://B.example.net/x",
		  NULL },
		{ "https://acs.example.net:8443/a/b?q", "/c/d", "https://acs.example.net:8443/c/d", NULL },
		{ "https://acs.example.net/a", "//cdn.example.net/f", "https://cdn.example.net/f", NULL },
		{ "http://[2001:db8::1]:80/a", "/b", "http://[2001:db8::1]:80/b", NULL },
		{ "https://acs.example.net/a", "http://acs.example.net/a", NULL, "from https to http" },
		{ "https://acs.example.net/a", "//x.example.net/a", "https://x.example.net/a", NULL },
		{ "http://acs.example.net/a", "ftp://acs.example.net/a", NULL, "not an http(s) URL" },
		{ "http://acs.example.net/a", "b/c", NULL, "not an http(s) URL" },
		{ "http://acs.example.net/a", "http://acs.example.net/a b", NULL, "spaces or controls" },
		{ "http://acs.example.net/a", "http://acs.example.net/a\tb", NULL, "spaces or controls" },
		{ "http://acs.example.net/a", "", NULL, "without a usable Location" },
		{ "http://acs.example.net/a", NULL, NULL, "without a usable Location" },
	};
	char out[64], why[80];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = cwmp_redirect_target(out, sizeof(out), cases[i].current, cases[i].location,
					      why, sizeof(why));
		if (cases[i].want) {
			CU_ASSERT_EQUAL(rc, 0);
			if (!rc)
				CU_ASSERT_STRING_EQUAL(out, cases[i].want);
		} else {
			CU_ASSERT_EQUAL(rc, -1);
			CU_ASSERT_PTR_NOT_NULL(strstr(why, cases[i].why));
		}
	}
	/* a result longer than the buffer is refused, not cut */
	CU_ASSERT_EQUAL(cwmp_redirect_target(out, sizeof(out), "http://a/",
					     "/0123456789012345678901234567890123456789"
					     "0123456789012345678901234567890123456789", why, sizeof(why)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "too long"));

	/* a Location header is kept up to CWMP_SESSION_URL_MAX bytes; a longer one is none */
	char hdr[CWMP_SESSION_URL_MAX + 2], kept[CWMP_SESSION_URL_MAX + 1];
	memset(hdr, 'a', sizeof(hdr) - 1);
	memcpy(hdr, "http://", 7);
	hdr[CWMP_SESSION_URL_MAX] = '\0';
	cwmp_location_take(kept, hdr);
	CU_ASSERT_STRING_EQUAL(kept, hdr);
	hdr[CWMP_SESSION_URL_MAX] = 'a';
	hdr[CWMP_SESSION_URL_MAX + 1] = '\0';
	cwmp_location_take(kept, hdr);
	CU_ASSERT_STRING_EQUAL(kept, "");
	CU_ASSERT_EQUAL(cwmp_redirect_target(out, sizeof(out), "http://a/", kept, why, sizeof(why)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "without a usable Location"));

	CU_ASSERT_TRUE(cwmp_same_origin("http://A.example.net/x", "http://a.example.NET:80/y"));
	CU_ASSERT_TRUE(cwmp_same_origin("https://a.example.net/x", "https://a.example.net:443"));
	CU_ASSERT_TRUE(cwmp_same_origin("http://[::1]/x", "http://[::1]:80/z"));
	CU_ASSERT_FALSE(cwmp_same_origin("http://a.example.net/x", "https://a.example.net/x"));
	CU_ASSERT_FALSE(cwmp_same_origin("http://a.example.net/x", "http://a.example.net:8080/x"));
	CU_ASSERT_FALSE(cwmp_same_origin("http://a.example.net/x", "http://b.example.net/x"));
	CU_ASSERT_FALSE(cwmp_same_origin("http://127.0.0.1:1000/x", "http://127.0.0.1:1001/x"));
	CU_ASSERT_TRUE(cwmp_same_origin("http:///x", "http://:80/y"));
	CU_ASSERT_FALSE(cwmp_same_origin("http://", "https://"));
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("cwmp_rpc", suite_init, suite_clean);
	CU_add_test(s, "reference files and xmllint", test_setup);
	CU_add_test(s, "redirect targets and origins", test_redirect_targets);
	CU_add_test(s, "GetRPCMethods, unknown method", test_get_rpc_methods);
	CU_add_test(s, "GetParameterValues", test_get_parameter_values);
	CU_add_test(s, "GetParameterNames", test_get_parameter_names);
	CU_add_test(s, "SetParameterValues: hardening", test_spv_harden);
	CU_add_test(s, "SetParameterValues: refused, nothing changes", test_spv_bad);
	CU_add_test(s, "SetParameterValues: AuthScheme alone", test_spv_auth_scheme_alone);
	CU_add_test(s, "SetParameterValues: a refused value keeps the key and every value",
		    test_spv_refused_keeps_all);
	CU_add_test(s, "SetParameterValues: ParameterKey of 32 and 33 characters",
		    test_spv_parameter_key_length);
	CU_add_test(s, "attributes and AccessList locks", test_attributes);
	CU_add_test(s, "objects, Reboot, FactoryReset, ScheduleInform", test_objects_and_commands);
	CU_add_test(s, "Download and Upload", test_transfers);
	return tu_run();
}
