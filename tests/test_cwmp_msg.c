/* Golden tests of the CWMP message layer: every ACS request fixture in tests/cwmp/ parsed, every
 * message we write checked against the Broadband Forum schemas with xmllint, hostile input refused.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>

#include "cwmp_xsd.h"
#include "msg.h"

static struct cwmp_msg *codec;

/* ------------------------------------------------------------------------------- helpers */

static char *load_fixture(const char *name, size_t *len)
{
	const char *top = getenv("top_srcdir");
	char path[1024];

	if (!top || !*top)
		top = TOP_SRCDIR;
	snprintf(path, sizeof(path), "%s/tests/cwmp/%s", top, name);
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

/* Asserts that a message validates; prints xmllint's report when not. */
static void assert_valid(const char *what, const char *xml, size_t len)
{
	char report[2048];
	int rc = cwmp_xsd_validate(xml, len, report, sizeof(report));

	if (rc != 0)
		fprintf(stderr, "\n%s: schema validation %s:\n%s\n%.*s\n", what,
			rc < 0 ? "could not run" : "failed", report, (int)(len > 4000 ? 4000 : len),
			xml);
	CU_ASSERT_EQUAL(rc, 0);
}

static int parse_fixture(struct cwmp_msg_in *in, const char *name, bool validate)
{
	size_t len = 0;
	char *buf = load_fixture(name, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	if (validate)
		assert_valid(name, buf, len);
	int err = cwmp_msg_parse(in, codec, buf, len);
	if (err)
		fprintf(stderr, "\n%s: %s\n", name, cwmp_msg_errmsg(codec));
	free(buf);
	return err;
}

/* Writes rpc/body with ID "ack-1", validates it, parses it back and checks the kind. */
static const char *write_checked(enum cwmp_rpc rpc, const void *body, enum cwmp_ns ns)
{
	struct cwmp_msg_header hdr = { .id = "ack-1", .hold_requests = -1 };
	const char *xml = NULL;
	size_t len = 0;
	static char copy[64 * 1024];

	int err = cwmp_msg_write(&xml, &len, codec, ns, &hdr, rpc, body);
	if (err)
		fprintf(stderr, "\nwrite %s: %s\n", cwmp_rpc_name(rpc), cwmp_msg_errmsg(codec));
	CU_ASSERT_EQUAL_FATAL(err, CWMP_MSG_OK);
	CU_ASSERT_EQUAL(strlen(xml), len);
	assert_valid(cwmp_rpc_name(rpc), xml, len);
	CU_ASSERT_FATAL(len < sizeof(copy));
	memcpy(copy, xml, len + 1);

	struct cwmp_msg_in in;
	err = cwmp_msg_parse(&in, codec, copy, len);
	if (err)
		fprintf(stderr, "\nre-parse %s: %s\n", cwmp_rpc_name(rpc), cwmp_msg_errmsg(codec));
	CU_ASSERT_EQUAL(err, CWMP_MSG_OK);
	CU_ASSERT_EQUAL(in.rpc, rpc);
	CU_ASSERT_EQUAL(in.ns, ns);
	CU_ASSERT_PTR_NOT_NULL(in.hdr.id);
	if (in.hdr.id)
		CU_ASSERT_STRING_EQUAL(in.hdr.id, "ack-1");
	return copy;
}

/* ------------------------------------------------------------------------------- set-up */

static void test_reference_files(void)
{
	char msg[1400];
	int rc = cwmp_xsd_check_setup(msg, sizeof(msg));

	if (rc)
		fprintf(stderr, "\n%s\n", msg);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
}

static void test_names(void)
{
	for (int i = CWMP_RPC_UNKNOWN + 1; i < CWMP_RPC_COUNT; i++) {
		const char *n = cwmp_rpc_name((enum cwmp_rpc)i);
		CU_ASSERT_PTR_NOT_NULL_FATAL(n);
		if (i != CWMP_RPC_FAULT)
			CU_ASSERT_EQUAL(cwmp_rpc_from_name(n), i);
	}
	CU_ASSERT_EQUAL(cwmp_rpc_from_name("ScheduleDownload"), CWMP_RPC_UNKNOWN);
	CU_ASSERT_TRUE(cwmp_rpc_is_acs_request(CWMP_RPC_DOWNLOAD));
	CU_ASSERT_FALSE(cwmp_rpc_is_acs_request(CWMP_RPC_INFORM));
	CU_ASSERT_STRING_EQUAL(cwmp_ns_uri(CWMP_NS_1_0), "urn:dslforum-org:cwmp-1-0");
	for (unsigned c = 9000; c <= 9019; c++)
		CU_ASSERT_PTR_NOT_NULL(cwmp_fault_string(c));
	CU_ASSERT_PTR_NULL(cwmp_fault_string(9020));
	CU_ASSERT_STRING_EQUAL(cwmp_fault_soap_code(9005), "Client");
	CU_ASSERT_STRING_EQUAL(cwmp_fault_soap_code(9002), "Server");
}

/* ------------------------------------------------------------------------------- requests */

static void test_parse_get_rpc_methods(void)
{
	struct cwmp_msg_in in;
	CU_ASSERT_EQUAL_FATAL(parse_fixture(&in, "GetRPCMethods.xml", true), CWMP_MSG_OK);
	CU_ASSERT_EQUAL(in.rpc, CWMP_RPC_GET_RPC_METHODS);
	CU_ASSERT_EQUAL(in.ns, CWMP_NS_1_2);
	CU_ASSERT_STRING_EQUAL(in.hdr.id, "rpc-1");
	CU_ASSERT_EQUAL(in.hdr.hold_requests, -1);
	CU_ASSERT_PTR_NOT_NULL(in.body);
}

static void test_parse_spv(void)
{
	struct cwmp_msg_in in;
	CU_ASSERT_EQUAL_FATAL(parse_fixture(&in, "SetParameterValues.xml", true), CWMP_MSG_OK);
	CU_ASSERT_EQUAL_FATAL(in.rpc, CWMP_RPC_SET_PARAMETER_VALUES);
	CU_ASSERT_STRING_EQUAL(in.method, "SetParameterValues");
	struct _cwmp__SetParameterValues *r = in.body;
	CU_ASSERT_STRING_EQUAL(r->ParameterKey, "harden-1");
	CU_ASSERT_EQUAL_FATAL(r->ParameterList->__size, 3);
	struct cwmp__ParameterValueStruct *p = r->ParameterList->__ptrParameterValueStruct;
	CU_ASSERT_STRING_EQUAL(p[0].Name, "Device.ManagementServer.PeriodicInformInterval");
	CU_ASSERT_STRING_EQUAL(p[0].Value->__item, "600");
	CU_ASSERT_STRING_EQUAL(p[0].Value->xsi__type, "xsd:unsignedInt");
	CU_ASSERT_STRING_EQUAL(p[1].Value->__item, "false");
	CU_ASSERT_STRING_EQUAL(p[1].Value->xsi__type, "xsd:boolean");
	CU_ASSERT_STRING_EQUAL(p[2].Value->__item, "desk & user");
}

static void test_parse_spv_old_namespaces(void)
{
	struct cwmp_msg_in in;
	CU_ASSERT_EQUAL_FATAL(parse_fixture(&in, "SetParameterValues-1-0.xml", true), CWMP_MSG_OK);
	CU_ASSERT_EQUAL(in.rpc, CWMP_RPC_SET_PARAMETER_VALUES);
	CU_ASSERT_EQUAL(in.ns, CWMP_NS_1_0);
	CU_ASSERT_STRING_EQUAL(in.hdr.id, "old-7");
	CU_ASSERT_EQUAL(in.hdr.hold_requests, 1);
	struct _cwmp__SetParameterValues *r = in.body;
	CU_ASSERT_EQUAL_FATAL(r->ParameterList->__size, 1);
	CU_ASSERT_STRING_EQUAL(r->ParameterList->__ptrParameterValueStruct[0].Value->__item, "1");
	CU_ASSERT_TRUE(!r->ParameterKey || !*r->ParameterKey);

	/* the answer goes out in the ACS's namespace and validates against cwmp-1-0.xsd */
	struct _cwmp__SetParameterValuesResponse resp = { .Status = 0 };
	const char *xml = write_checked(CWMP_RPC_SET_PARAMETER_VALUES_RESPONSE, &resp, in.ns);
	CU_ASSERT_PTR_NOT_NULL(strstr(xml, "\"urn:dslforum-org:cwmp-1-0\""));
	CU_ASSERT_PTR_NULL(strstr(xml, "cwmp-1-2"));

	CU_ASSERT_EQUAL_FATAL(parse_fixture(&in, "SetParameterValues-1-1.xml", true), CWMP_MSG_OK);
	CU_ASSERT_EQUAL(in.ns, CWMP_NS_1_1);
	xml = write_checked(CWMP_RPC_SET_PARAMETER_VALUES_RESPONSE, &resp, in.ns);
	CU_ASSERT_PTR_NOT_NULL(strstr(xml, "\"urn:dslforum-org:cwmp-1-1\""));
	/* and the next message, without a request to answer, is cwmp-1-2 again */
	xml = write_checked(CWMP_RPC_SET_PARAMETER_VALUES_RESPONSE, &resp, CWMP_NS_1_2);
	CU_ASSERT_PTR_NOT_NULL(strstr(xml, "\"urn:dslforum-org:cwmp-1-2\""));
}

static void test_parse_gpv_gpn_gpa(void)
{
	struct cwmp_msg_in in;
	CU_ASSERT_EQUAL_FATAL(parse_fixture(&in, "GetParameterValues.xml", true), CWMP_MSG_OK);
	CU_ASSERT_EQUAL_FATAL(in.rpc, CWMP_RPC_GET_PARAMETER_VALUES);
	struct _cwmp__GetParameterValues *gpv = in.body;
	CU_ASSERT_EQUAL_FATAL(gpv->ParameterNames->__size, 2);
	CU_ASSERT_STRING_EQUAL(gpv->ParameterNames->__ptrstring[0], "Device.ManagementServer.");
	CU_ASSERT_STRING_EQUAL(gpv->ParameterNames->__ptrstring[1],
			       "Device.DeviceInfo.SoftwareVersion");

	CU_ASSERT_EQUAL_FATAL(parse_fixture(&in, "GetParameterNames.xml", true), CWMP_MSG_OK);
	CU_ASSERT_EQUAL_FATAL(in.rpc, CWMP_RPC_GET_PARAMETER_NAMES);
	struct _cwmp__GetParameterNames *gpn = in.body;
	CU_ASSERT_STRING_EQUAL(gpn->ParameterPath, "Device.Users.");
	CU_ASSERT_EQUAL(gpn->NextLevel, xsd__boolean__true_);

	CU_ASSERT_EQUAL_FATAL(parse_fixture(&in, "GetParameterAttributes.xml", true), CWMP_MSG_OK);
	CU_ASSERT_EQUAL_FATAL(in.rpc, CWMP_RPC_GET_PARAMETER_ATTRIBUTES);
	struct _cwmp__GetParameterAttributes *gpa = in.body;
	CU_ASSERT_EQUAL_FATAL(gpa->ParameterNames->__size, 1);
	CU_ASSERT_STRING_EQUAL(gpa->ParameterNames->__ptrstring[0], "Device.UserInterface.");
}

static void test_parse_empty_parameter_path(void)
{
	static const char xml[] =
		"<e:Envelope xmlns:e=\"http://schemas.xmlsoap.org/soap/envelope/\" "
		"xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\"><e:Body><cwmp:GetParameterNames>"
		"<ParameterPath/><NextLevel>0</NextLevel></cwmp:GetParameterNames></e:Body>"
		"</e:Envelope>";
	struct cwmp_msg_in in;

	CU_ASSERT_EQUAL_FATAL(cwmp_msg_parse(&in, codec, xml, sizeof(xml) - 1), CWMP_MSG_OK);
	CU_ASSERT_EQUAL_FATAL(in.rpc, CWMP_RPC_GET_PARAMETER_NAMES);
	struct _cwmp__GetParameterNames *gpn = in.body;
	/* NULL or "": both mean the whole tree */
	CU_ASSERT_TRUE(!gpn->ParameterPath || !*gpn->ParameterPath);
	CU_ASSERT_EQUAL(gpn->NextLevel, xsd__boolean__false_);
	CU_ASSERT_PTR_NULL(in.hdr.id);
}

static void test_parse_spa(void)
{
	struct cwmp_msg_in in;
	CU_ASSERT_EQUAL_FATAL(parse_fixture(&in, "SetParameterAttributes.xml", true), CWMP_MSG_OK);
	CU_ASSERT_EQUAL_FATAL(in.rpc, CWMP_RPC_SET_PARAMETER_ATTRIBUTES);
	struct _cwmp__SetParameterAttributes *r = in.body;
	CU_ASSERT_EQUAL_FATAL(r->ParameterList->__size, 2);
	struct cwmp__SetParameterAttributesStruct *a = r->ParameterList->__ptrSetParameterAttributesStruct;
	CU_ASSERT_STRING_EQUAL(a[0].Name, "Device.UserInterface.Enable");
	CU_ASSERT_EQUAL(a[0].NotificationChange, xsd__boolean__true_);
	CU_ASSERT_EQUAL(a[0].Notification, 2);
	CU_ASSERT_EQUAL(a[0].AccessListChange, xsd__boolean__true_);
	CU_ASSERT_TRUE(!a[0].AccessList || a[0].AccessList->__size == 0);
	CU_ASSERT_EQUAL(a[1].NotificationChange, xsd__boolean__false_);
	CU_ASSERT_EQUAL_FATAL(a[1].AccessList->__size, 1);
	CU_ASSERT_STRING_EQUAL(a[1].AccessList->__ptrstring[0], "Subscriber");
}

static void test_parse_objects_and_commands(void)
{
	struct cwmp_msg_in in;
	CU_ASSERT_EQUAL_FATAL(parse_fixture(&in, "AddObject.xml", true), CWMP_MSG_OK);
	CU_ASSERT_EQUAL_FATAL(in.rpc, CWMP_RPC_ADD_OBJECT);
	CU_ASSERT_STRING_EQUAL(((struct _cwmp__AddObject *)in.body)->ObjectName, "Device.Users.User.");
	CU_ASSERT_STRING_EQUAL(((struct _cwmp__AddObject *)in.body)->ParameterKey, "add-key");

	CU_ASSERT_EQUAL_FATAL(parse_fixture(&in, "DeleteObject.xml", true), CWMP_MSG_OK);
	CU_ASSERT_EQUAL_FATAL(in.rpc, CWMP_RPC_DELETE_OBJECT);
	CU_ASSERT_STRING_EQUAL(((struct _cwmp__DeleteObject *)in.body)->ObjectName,
			       "Device.Users.User.3.");

	CU_ASSERT_EQUAL_FATAL(parse_fixture(&in, "Reboot.xml", true), CWMP_MSG_OK);
	CU_ASSERT_EQUAL_FATAL(in.rpc, CWMP_RPC_REBOOT);
	CU_ASSERT_STRING_EQUAL(((struct _cwmp__Reboot *)in.body)->CommandKey, "reboot-ck");

	CU_ASSERT_EQUAL_FATAL(parse_fixture(&in, "FactoryReset.xml", true), CWMP_MSG_OK);
	CU_ASSERT_EQUAL(in.rpc, CWMP_RPC_FACTORY_RESET);

	CU_ASSERT_EQUAL_FATAL(parse_fixture(&in, "ScheduleInform.xml", true), CWMP_MSG_OK);
	CU_ASSERT_EQUAL_FATAL(in.rpc, CWMP_RPC_SCHEDULE_INFORM);
	CU_ASSERT_EQUAL(((struct _cwmp__ScheduleInform *)in.body)->DelaySeconds, 30);
	CU_ASSERT_STRING_EQUAL(((struct _cwmp__ScheduleInform *)in.body)->CommandKey, "si-ck");

	CU_ASSERT_EQUAL_FATAL(parse_fixture(&in, "Download.xml", true), CWMP_MSG_OK);
	CU_ASSERT_EQUAL_FATAL(in.rpc, CWMP_RPC_DOWNLOAD);
	struct _cwmp__Download *dl = in.body;
	CU_ASSERT_STRING_EQUAL(dl->FileType, "3 Vendor Configuration File");
	CU_ASSERT_STRING_EQUAL(dl->URL, "https://acs.example.net/files/phone.conf");
	CU_ASSERT_EQUAL(dl->FileSize, 1234);
	CU_ASSERT_TRUE(!dl->SuccessURL || !*dl->SuccessURL);

	CU_ASSERT_EQUAL_FATAL(parse_fixture(&in, "Upload.xml", true), CWMP_MSG_OK);
	CU_ASSERT_EQUAL_FATAL(in.rpc, CWMP_RPC_UPLOAD);
	CU_ASSERT_EQUAL(((struct _cwmp__Upload *)in.body)->DelaySeconds, 5);
}

static void test_parse_acs_responses(void)
{
	struct cwmp_msg_in in;
	CU_ASSERT_EQUAL_FATAL(parse_fixture(&in, "InformResponse.xml", true), CWMP_MSG_OK);
	CU_ASSERT_EQUAL_FATAL(in.rpc, CWMP_RPC_INFORM_RESPONSE);
	CU_ASSERT_EQUAL(((struct _cwmp__InformResponse *)in.body)->MaxEnvelopes, 1);

	CU_ASSERT_EQUAL_FATAL(parse_fixture(&in, "TransferCompleteResponse.xml", true), CWMP_MSG_OK);
	CU_ASSERT_EQUAL(in.rpc, CWMP_RPC_TRANSFER_COMPLETE_RESPONSE);

	CU_ASSERT_EQUAL_FATAL(parse_fixture(&in, "Fault-8005.xml", true), CWMP_MSG_OK);
	CU_ASSERT_EQUAL_FATAL(in.rpc, CWMP_RPC_FAULT);
	CU_ASSERT_STRING_EQUAL(in.hdr.id, "1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(in.body);
	CU_ASSERT_EQUAL(((struct _cwmp__Fault *)in.body)->FaultCode, 8005);
	CU_ASSERT_STRING_EQUAL(in.soap_faultstring, "CWMP fault");
}

static void test_parse_unknown_method(void)
{
	struct cwmp_msg_in in;
	CU_ASSERT_EQUAL_FATAL(parse_fixture(&in, "GetQueuedTransfers.xml", true), CWMP_MSG_OK);
	CU_ASSERT_EQUAL(in.rpc, CWMP_RPC_UNKNOWN);
	CU_ASSERT_STRING_EQUAL(in.method, "GetQueuedTransfers");
	CU_ASSERT_STRING_EQUAL(in.hdr.id, "gqt-1");
	CU_ASSERT_PTR_NULL(in.body);
}

/* ------------------------------------------------------------------------------- responses */

/* One codec for a request and its answer: the answer is written from the parsed request's own
 * strings, which stay valid through the write; the next parse frees both. */
static void test_keep_input(void)
{
	struct cwmp_msg_in in;
	cwmp_msg_keep_input(codec, true);
	CU_ASSERT_EQUAL_FATAL(parse_fixture(&in, "GetParameterValues.xml", true), CWMP_MSG_OK);
	struct _cwmp__GetParameterValues *req = in.body;
	CU_ASSERT_EQUAL_FATAL(req->ParameterNames->__size, 2);
	struct cwmp__Value v[2] = { { "x", "xsd:string" }, { "1.0", "xsd:string" } };
	struct cwmp__ParameterValueStruct pv[2] = {
		{ req->ParameterNames->__ptrstring[0], &v[0] },
		{ req->ParameterNames->__ptrstring[1], &v[1] },
	};
	struct ParameterValueList pl = { pv, 2 };
	struct _cwmp__GetParameterValuesResponse resp = { &pl };
	struct cwmp_msg_header hdr = { .id = in.hdr.id, .hold_requests = -1 };
	const char *xml = NULL;
	size_t len = 0;
	CU_ASSERT_EQUAL_FATAL(cwmp_msg_write(&xml, &len, codec, in.ns, &hdr,
					     CWMP_RPC_GET_PARAMETER_VALUES_RESPONSE, &resp),
			      CWMP_MSG_OK);
	assert_valid("GetParameterValuesResponse from the request", xml, len);
	CU_ASSERT_PTR_NOT_NULL(strstr(xml, "<Name>Device.DeviceInfo.SoftwareVersion</Name>"));
	/* the request is still there after the write (ASan/valgrind would see a freed one) */
	CU_ASSERT_STRING_EQUAL(req->ParameterNames->__ptrstring[0], "Device.ManagementServer.");
	CU_ASSERT_PTR_NOT_NULL_FATAL(in.hdr.id);
	CU_ASSERT_PTR_NOT_NULL(strstr(xml, in.hdr.id));
	/* a second write (a fault instead) also keeps it */
	struct cwmp_fault f = { .code = CWMP_FAULT_INTERNAL };
	CU_ASSERT_EQUAL(cwmp_msg_write_fault(&xml, &len, codec, in.ns, in.hdr.id, &f), CWMP_MSG_OK);
	CU_ASSERT_STRING_EQUAL(req->ParameterNames->__ptrstring[1], "Device.DeviceInfo.SoftwareVersion");
	cwmp_msg_keep_input(codec, false);
	CU_ASSERT_EQUAL(parse_fixture(&in, "Reboot.xml", true), CWMP_MSG_OK);
}

static void test_write_responses(void)
{
	char *methods[] = { "GetRPCMethods", "GetParameterValues", "SetParameterValues" };
	struct MethodList ml = { methods, 3 };
	struct _cwmp__GetRPCMethodsResponse rpcm = { &ml };
	write_checked(CWMP_RPC_GET_RPC_METHODS_RESPONSE, &rpcm, CWMP_NS_1_2);

	struct cwmp__Value v[3] = { { "true", "xsd:boolean" }, { "600", "xsd:unsignedInt" },
				    { "", "xsd:string" } };
	struct cwmp__ParameterValueStruct pv[3] = {
		{ "Device.UserInterface.Enable", &v[0] },
		{ "Device.ManagementServer.PeriodicInformInterval", &v[1] },
		{ "Device.Users.User.1.Password", &v[2] },
	};
	struct ParameterValueList pl = { pv, 3 };
	struct _cwmp__GetParameterValuesResponse gpv = { &pl };
	const char *xml = write_checked(CWMP_RPC_GET_PARAMETER_VALUES_RESPONSE, &gpv, CWMP_NS_1_2);
	CU_ASSERT_PTR_NOT_NULL(strstr(xml, "arrayType=\"cwmp:ParameterValueStruct[3]\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(xml, "<Value xsi:type=\"xsd:boolean\">true</Value>"));

	/* empty lists keep their arrayType (required by the schema) */
	struct _cwmp__GetParameterValuesResponse empty = { NULL };
	xml = write_checked(CWMP_RPC_GET_PARAMETER_VALUES_RESPONSE, &empty, CWMP_NS_1_2);
	CU_ASSERT_PTR_NOT_NULL(strstr(xml, "arrayType=\"cwmp:ParameterValueStruct[0]\""));

	struct cwmp__ParameterInfoStruct pi[2] = { { "Device.Users.User.", xsd__boolean__true_ },
						   { "Device.Users.UserNumberOfEntries",
						     xsd__boolean__false_ } };
	struct ParameterInfoList il = { pi, 2 };
	struct _cwmp__GetParameterNamesResponse gpn = { &il };
	xml = write_checked(CWMP_RPC_GET_PARAMETER_NAMES_RESPONSE, &gpn, CWMP_NS_1_2);
	CU_ASSERT_PTR_NOT_NULL(strstr(xml, "<Writable>true</Writable>"));

	char *sub[] = { "Subscriber" };
	struct AccessList al = { sub, 1 };
	struct cwmp__ParameterAttributeStruct pa[2] = {
		{ "Device.UserInterface.Enable", 2, NULL }, /* empty AccessList */
		{ "Device.Users.User.2.Password", 0, &al },
	};
	struct ParameterAttributeList pal = { pa, 2 };
	struct _cwmp__GetParameterAttributesResponse gpa = { &pal };
	xml = write_checked(CWMP_RPC_GET_PARAMETER_ATTRIBUTES_RESPONSE, &gpa, CWMP_NS_1_2);
	CU_ASSERT_PTR_NOT_NULL(strstr(xml, "arrayType=\"xsd:string[0]\""));
	CU_ASSERT_PTR_NULL(pa[0].AccessList); /* the caller's data is not modified */

	struct _cwmp__SetParameterValuesResponse spv = { .Status = 1 };
	write_checked(CWMP_RPC_SET_PARAMETER_VALUES_RESPONSE, &spv, CWMP_NS_1_2);
	write_checked(CWMP_RPC_SET_PARAMETER_ATTRIBUTES_RESPONSE, NULL, CWMP_NS_1_2);
	struct _cwmp__AddObjectResponse add = { .InstanceNumber = 3, .Status = 0 };
	xml = write_checked(CWMP_RPC_ADD_OBJECT_RESPONSE, &add, CWMP_NS_1_2);
	CU_ASSERT_PTR_NOT_NULL(strstr(xml, "<InstanceNumber>3</InstanceNumber>"));
	struct _cwmp__DeleteObjectResponse del = { .Status = 0 };
	write_checked(CWMP_RPC_DELETE_OBJECT_RESPONSE, &del, CWMP_NS_1_2);
	write_checked(CWMP_RPC_REBOOT_RESPONSE, NULL, CWMP_NS_1_2);
	write_checked(CWMP_RPC_FACTORY_RESET_RESPONSE, NULL, CWMP_NS_1_2);
	write_checked(CWMP_RPC_SCHEDULE_INFORM_RESPONSE, NULL, CWMP_NS_1_2);
	struct _cwmp__DownloadResponse dl = { .Status = 1, .StartTime = "0001-01-01T00:00:00Z",
					      .CompleteTime = "0001-01-01T00:00:00Z" };
	write_checked(CWMP_RPC_DOWNLOAD_RESPONSE, &dl, CWMP_NS_1_2);
	struct _cwmp__UploadResponse ul = { .Status = 0, .StartTime = "2025-01-02T03:04:05Z",
					    .CompleteTime = "2025-01-02T03:04:06Z" };
	write_checked(CWMP_RPC_UPLOAD_RESPONSE, &ul, CWMP_NS_1_2);
}

static void test_write_cpe_requests(void)
{
	struct cwmp__DeviceIdStruct dev = { "ACME Phones", "00D0F1", "Desk-9", "SN0001" };
	struct cwmp__EventStruct ev[2] = { { "0 BOOTSTRAP", "" }, { "1 BOOT", "" } };
	struct EventList el = { ev, 2 };
	struct cwmp__Value v = { "https://acs.example.net/", "xsd:string" };
	struct cwmp__ParameterValueStruct pv = { "Device.ManagementServer.URL", &v };
	struct ParameterValueList pl = { &pv, 1 };
	struct _cwmp__Inform inform = { .DeviceId = &dev, .Event = &el, .MaxEnvelopes = 1,
					.CurrentTime = "2025-01-02T03:04:05Z", .RetryCount = 0,
					.ParameterList = &pl };
	const char *xml = write_checked(CWMP_RPC_INFORM, &inform, CWMP_NS_1_2);
	CU_ASSERT_PTR_NOT_NULL(strstr(xml, "<cwmp:ID SOAP-ENV:mustUnderstand=\"1\">ack-1</cwmp:ID>"));
	CU_ASSERT_PTR_NULL(strstr(xml, "href="));

	struct cwmp__TransferCompleteFaultStruct fs = { 0, "" };
	struct _cwmp__TransferComplete tc = { "dl-ck", &fs, "2025-01-02T03:04:05Z",
					      "2025-01-02T03:04:09Z" };
	write_checked(CWMP_RPC_TRANSFER_COMPLETE, &tc, CWMP_NS_1_2);
	write_checked(CWMP_RPC_GET_RPC_METHODS, NULL, CWMP_NS_1_2);

	/* an ACS-side message too, for the test ACS: SetParameterValues with HoldRequests */
	struct cwmp_msg_header hdr = { .id = "h-1", .hold_requests = 1 };
	const char *out;
	size_t len;
	struct _cwmp__SetParameterValues spv = { &pl, "key" };
	CU_ASSERT_EQUAL_FATAL(cwmp_msg_write(&out, &len, codec, CWMP_NS_1_2, &hdr,
					     CWMP_RPC_SET_PARAMETER_VALUES, &spv), CWMP_MSG_OK);
	assert_valid("SetParameterValues", out, len);
	char copy[8192];
	CU_ASSERT_FATAL(len < sizeof(copy));
	memcpy(copy, out, len);
	struct cwmp_msg_in in;
	CU_ASSERT_EQUAL_FATAL(cwmp_msg_parse(&in, codec, copy, len), CWMP_MSG_OK);
	CU_ASSERT_EQUAL(in.hdr.hold_requests, 1);
}

static void test_write_faults(void)
{
	const char *xml;
	size_t len;
	struct cwmp_fault f = { .code = CWMP_FAULT_METHOD_NOT_SUPPORTED };

	CU_ASSERT_EQUAL_FATAL(cwmp_msg_write_fault(&xml, &len, codec, CWMP_NS_1_2, "sd-1", &f),
			      CWMP_MSG_OK);
	assert_valid("Fault 9000", xml, len);
	CU_ASSERT_PTR_NOT_NULL(strstr(xml, "<faultcode>Server</faultcode>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(xml, "<FaultCode>9000</FaultCode>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(xml, "Method not supported"));
	CU_ASSERT_PTR_NOT_NULL(strstr(xml, ">sd-1</cwmp:ID>"));

	struct cwmp_param_fault pf[2] = {
		{ "Device.ManagementServer.PeriodicInformInterval", CWMP_FAULT_INVALID_VALUE, NULL },
		{ "Device.Nope", CWMP_FAULT_INVALID_NAME, "no such parameter" },
	};
	struct cwmp_fault spv = { .code = CWMP_FAULT_INVALID_ARGUMENTS, .params = pf,
				  .n_params = 2 };
	CU_ASSERT_EQUAL_FATAL(cwmp_msg_write_fault(&xml, &len, codec, CWMP_NS_1_0, "x", &spv),
			      CWMP_MSG_OK);
	assert_valid("Fault 9003 cwmp-1-0", xml, len);
	CU_ASSERT_PTR_NOT_NULL(strstr(xml, "<faultcode>Client</faultcode>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(xml, "<ParameterName>Device.Nope</ParameterName>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(xml, "<FaultString>Invalid parameter value</FaultString>"));

	char copy[8192];
	CU_ASSERT_FATAL(len < sizeof(copy));
	memcpy(copy, xml, len);
	struct cwmp_msg_in in;
	CU_ASSERT_EQUAL_FATAL(cwmp_msg_parse(&in, codec, copy, len), CWMP_MSG_OK);
	CU_ASSERT_EQUAL_FATAL(in.rpc, CWMP_RPC_FAULT);
	CU_ASSERT_EQUAL(in.ns, CWMP_NS_1_0);
	struct _cwmp__Fault *cf = in.body;
	CU_ASSERT_PTR_NOT_NULL_FATAL(cf);
	CU_ASSERT_EQUAL(cf->FaultCode, 9003);
	CU_ASSERT_EQUAL_FATAL(cf->__sizeSetParameterValuesFault, 2);
	CU_ASSERT_EQUAL(cf->SetParameterValuesFault[1].FaultCode, 9005);

	/* every standard code builds a valid fault */
	for (unsigned c = 9000; c <= 9019; c++) {
		struct cwmp_fault g = { .code = c };
		CU_ASSERT_EQUAL_FATAL(cwmp_msg_write_fault(&xml, &len, codec, CWMP_NS_1_2, NULL, &g),
				      CWMP_MSG_OK);
		assert_valid("Fault 90xx", xml, len);
	}
}

static void test_write_limits(void)
{
	struct cwmp_msg *small = NULL;
	CU_ASSERT_EQUAL_FATAL(cwmp_msg_new(&small, 1024, 600), CWMP_MSG_OK);
	struct cwmp__Value v = { "x", "xsd:string" };
	struct cwmp__ParameterValueStruct pv[40];
	for (int i = 0; i < 40; i++)
		pv[i] = (struct cwmp__ParameterValueStruct){ "Device.DeviceInfo.Manufacturer", &v };
	struct ParameterValueList pl = { pv, 40 };
	struct _cwmp__GetParameterValuesResponse gpv = { &pl };
	const char *out = NULL;
	size_t len = 0;
	CU_ASSERT_EQUAL(cwmp_msg_write(&out, &len, small, CWMP_NS_1_2, NULL,
				       CWMP_RPC_GET_PARAMETER_VALUES_RESPONSE, &gpv),
			CWMP_MSG_E_TOO_BIG);
	CU_ASSERT_PTR_NULL(out);
	/* the codec stays usable */
	CU_ASSERT_EQUAL(cwmp_msg_write(&out, &len, small, CWMP_NS_1_2, NULL,
				       CWMP_RPC_REBOOT_RESPONSE, NULL), CWMP_MSG_OK);
	CU_ASSERT_EQUAL(cwmp_msg_write(&out, &len, small, CWMP_NS_1_2, NULL, CWMP_RPC_UNKNOWN, NULL),
			CWMP_MSG_E_INVALID);
	cwmp_msg_free(small);
}

/* ------------------------------------------------------------------------------- hostile */

static int parse_text(struct cwmp_msg_in *in, const char *text)
{
	return cwmp_msg_parse(in, codec, text, strlen(text));
}

static void test_hostile_fixtures(void)
{
	static const struct {
		const char *file;
		int err;
	} cases[] = {
		{ "hostile-soap12.xml", CWMP_MSG_E_NAMESPACE },
		{ "hostile-foreign-ns.xml", CWMP_MSG_E_NAMESPACE },
		{ "hostile-cwmp-1-5.xml", CWMP_MSG_E_NAMESPACE },
		{ "hostile-no-ns.xml", CWMP_MSG_E_NAMESPACE },
		{ "hostile-mustunderstand.xml", CWMP_MSG_E_HEADER },
		{ "hostile-arraysize.xml", CWMP_MSG_E_ARGS },
		{ "hostile-type.xml", CWMP_MSG_E_ARGS },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cwmp_msg_in in;
		int err = parse_fixture(&in, cases[i].file, false);
		if (err != cases[i].err)
			fprintf(stderr, "\n%s: got %d (%s), want %d\n", cases[i].file, err,
				cwmp_msg_errmsg(codec), cases[i].err);
		CU_ASSERT_EQUAL(err, cases[i].err);
	}
	/* a wrong argument still tells the session what to answer: fault 9003 to that ID */
	struct cwmp_msg_in in;
	CU_ASSERT_EQUAL(parse_fixture(&in, "hostile-type.xml", false), CWMP_MSG_E_ARGS);
	CU_ASSERT_EQUAL(in.rpc, CWMP_RPC_SCHEDULE_INFORM);
	CU_ASSERT_PTR_NOT_NULL_FATAL(in.hdr.id);
	CU_ASSERT_STRING_EQUAL(in.hdr.id, "si-1");

	/* no entity is expanded, no file is read */
	int err = parse_fixture(&in, "hostile-dtd.xml", false);
	if (err == CWMP_MSG_OK) {
		const char *ck = ((struct _cwmp__Reboot *)in.body)->CommandKey;
		CU_ASSERT_TRUE(!ck || (!strstr(ck, "lol") && !strstr(ck, "root:")));
	}
}

static void test_hostile_truncated(void)
{
	size_t len = 0;
	char *buf = load_fixture("SetParameterAttributes.xml", &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	const char *close = strstr(buf, "</soap-env:Envelope>");
	CU_ASSERT_PTR_NOT_NULL_FATAL(close);
	size_t complete = (size_t)(close - buf) + strlen("</soap-env:Envelope>");
	for (size_t n = 0; n < complete; n++) {
		char *cut = malloc(n ? n : 1); /* exact size: ASan sees any read past the cut */
		CU_ASSERT_PTR_NOT_NULL_FATAL(cut);
		memcpy(cut, buf, n);
		struct cwmp_msg_in in;
		int err = cwmp_msg_parse(&in, codec, cut, n);
		if (err == CWMP_MSG_OK)
			fprintf(stderr, "\ntruncated at %zu of %zu parsed\n", n, complete);
		CU_ASSERT_NOT_EQUAL(err, CWMP_MSG_OK);
		free(cut);
	}
	struct cwmp_msg_in in;
	CU_ASSERT_EQUAL(cwmp_msg_parse(&in, codec, buf, complete), CWMP_MSG_OK);
	free(buf);
}

static void test_hostile_oversized(void)
{
	size_t len = CWMP_MSG_DEFAULT_MAX_IN + 1;
	char *buf = malloc(len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	memset(buf, ' ', len);
	memcpy(buf, "<a>", 3);
	struct cwmp_msg_in in;
	CU_ASSERT_EQUAL(cwmp_msg_parse(&in, codec, buf, len), CWMP_MSG_E_TOO_BIG);
	free(buf);

	/* a long string value inside the limit is fine, one past a small codec's limit is not */
	struct cwmp_msg *small = NULL;
	CU_ASSERT_EQUAL_FATAL(cwmp_msg_new(&small, 2048, 0), CWMP_MSG_OK);
	size_t flen = 0;
	char *fx = load_fixture("Reboot.xml", &flen);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fx);
	CU_ASSERT_EQUAL(cwmp_msg_parse(&in, small, fx, flen), CWMP_MSG_OK);
	char *big = malloc(4096);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	const char *ck = strstr(fx, "reboot-ck");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ck);
	size_t head = (size_t)(ck - fx);
	memcpy(big, fx, head);
	memset(big + head, 'k', 2048);
	strcpy(big + head + 2048, ck + strlen("reboot-ck"));
	CU_ASSERT_EQUAL(cwmp_msg_parse(&in, small, big, strlen(big)), CWMP_MSG_E_TOO_BIG);
	free(big);
	free(fx);
	cwmp_msg_free(small);
}

static void test_hostile_deep(void)
{
	/* nesting inside the RPC, in the header and in an unknown element */
	static const char *const frames[][2] = {
		{ "<e:Envelope xmlns:e=\"http://schemas.xmlsoap.org/soap/envelope/\" "
		  "xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\"><e:Body><cwmp:Reboot><CommandKey>",
		  "</CommandKey></cwmp:Reboot></e:Body></e:Envelope>" },
		{ "<e:Envelope xmlns:e=\"http://schemas.xmlsoap.org/soap/envelope/\" "
		  "xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\"><e:Header><x:y xmlns:x=\"urn:x\">",
		  "</x:y></e:Header><e:Body><cwmp:FactoryReset/></e:Body></e:Envelope>" },
		{ "<e:Envelope xmlns:e=\"http://schemas.xmlsoap.org/soap/envelope/\" "
		  "xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\"><e:Body><cwmp:Reboot><Junk>",
		  "</Junk><CommandKey/></cwmp:Reboot></e:Body></e:Envelope>" },
	};
	enum { LEVELS = 20000 };
	for (size_t f = 0; f < sizeof(frames) / sizeof(frames[0]); f++) {
		size_t cap = strlen(frames[f][0]) + strlen(frames[f][1]) + LEVELS * 7 + 1;
		char *buf = malloc(cap);
		CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
		char *p = buf;
		p += sprintf(p, "%s", frames[f][0]);
		for (int i = 0; i < LEVELS; i++)
			p += sprintf(p, "<a>");
		for (int i = 0; i < LEVELS; i++)
			p += sprintf(p, "</a>");
		p += sprintf(p, "%s", frames[f][1]);
		struct cwmp_msg_in in;
		int err = cwmp_msg_parse(&in, codec, buf, (size_t)(p - buf));
		if (err != CWMP_MSG_E_DEPTH)
			fprintf(stderr, "\ndeep frame %zu: %d %s\n", f, err, cwmp_msg_errmsg(codec));
		CU_ASSERT_EQUAL(err, CWMP_MSG_E_DEPTH);
		free(buf);
	}
}

static void test_hostile_misc(void)
{
	struct cwmp_msg_in in;
	CU_ASSERT_EQUAL(cwmp_msg_parse(&in, codec, "", 0), CWMP_MSG_E_EMPTY);
	CU_ASSERT_EQUAL(parse_text(&in, " \r\n "), CWMP_MSG_E_EMPTY);
	CU_ASSERT_EQUAL(parse_text(&in, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n<a/>"),
			CWMP_MSG_E_SYNTAX);
	CU_ASSERT_EQUAL(cwmp_msg_parse(&in, codec, "\x1f\x8b\x08\x00\x00\x00", 6),
			CWMP_MSG_E_SYNTAX);
	CU_ASSERT_NOT_EQUAL(parse_text(&in, "<not-soap/>"), CWMP_MSG_OK);
	CU_ASSERT_NOT_EQUAL(parse_text(&in, "<e:Envelope xmlns:e=\"http://schemas.xmlsoap.org/soap/"
					    "envelope/\"><e:Body></e:Body></e:Envelope>"),
			    CWMP_MSG_OK);
	CU_ASSERT_NOT_EQUAL(parse_text(&in, "<<<>>>&&&"), CWMP_MSG_OK);
	static const char nul[] = "<e:Envelope xmlns:e=\"http://schemas.xmlsoap.org/soap/envelope/\" "
				  "xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\"><e:Body><cwmp:Reboot>"
				  "<CommandKey>a\0b</CommandKey></cwmp:Reboot></e:Body></e:Envelope>";
	int err = cwmp_msg_parse(&in, codec, nul, sizeof(nul) - 1);
	if (err == CWMP_MSG_OK)
		CU_ASSERT_STRING_EQUAL(((struct _cwmp__Reboot *)in.body)->CommandKey, "a");
	CU_ASSERT_EQUAL(cwmp_msg_parse(NULL, codec, "", 0), CWMP_MSG_E_INVALID);
	CU_ASSERT_EQUAL(cwmp_msg_parse(&in, NULL, "", 0), CWMP_MSG_E_INVALID);
	/* after all that, a good message still parses */
	CU_ASSERT_EQUAL(parse_fixture(&in, "GetRPCMethods.xml", false), CWMP_MSG_OK);
}

/* Character references to characters XML 1.0 forbids: the request is read whole (its RPC and ID
 * known, for the fault) and refused with CWMP_MSG_E_ARGS (9003), never cut at the NUL. */
#define REF_ENV(body) \
	"<e:Envelope xmlns:e=\"http://schemas.xmlsoap.org/soap/envelope/\" " \
	"xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" " \
	"xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" " \
	"xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\"><e:Header><cwmp:ID e:mustUnderstand=\"1\">ref-1" \
	"</cwmp:ID></e:Header><e:Body>" body "</e:Body></e:Envelope>"
#define REF_SPV(name, value, key) \
	REF_ENV("<cwmp:SetParameterValues><ParameterList><ParameterValueStruct><Name>" name \
		"</Name><Value xsi:type=\"xsd:unsignedInt\">" value "</Value></ParameterValueStruct>" \
		"</ParameterList><ParameterKey>" key "</ParameterKey></cwmp:SetParameterValues>")
#define PII "Device.ManagementServer.PeriodicInformInterval"

static void test_forbidden_char_refs(void)
{
	static const char *const bad[] = {
		REF_SPV(PII "&#0;junk", "112", "k"),
		REF_SPV(PII, "112&#0;x", "k"),
		REF_SPV(PII, "112", "key&#0;"),
		REF_SPV(PII, "112&#1;", "k"),
		REF_SPV(PII, "112", "&#8;"),
		REF_SPV(PII, "112", "a&#xB;"),
		REF_SPV(PII, "112", "a&#xc;"),
		REF_SPV(PII, "112", "a&#xE;"),
		REF_SPV(PII, "112", "a&#x1F;"),
		REF_SPV(PII, "112", "a&#31;"),
		REF_SPV(PII, "112", "a&#xFFFE;"),
		REF_SPV(PII, "112", "a&#xffff;"),
		REF_SPV(PII, "112", "a&#xD800;"),
		REF_SPV(PII, "112", "a&#xDFFF;"),
		REF_SPV(PII, "112", "a&#55296;"),
		REF_SPV(PII, "112", "a&#x110000;"),
		REF_SPV(PII, "112", "a&#x00000000000000000000;"),
		REF_SPV(PII, "112", "a&#99999999999999999999999999;"),
		REF_SPV(PII, "112", "a&#;"),
		REF_SPV(PII, "112", "a&#x;"),
		REF_SPV(PII, "112", "a&#12a;"),
		/* more digits than gSOAP reads: the rest would be left as text */
		REF_SPV(PII, "112", "a&#x10000;"),
		REF_SPV(PII, "112", "a&#x00041;"),
		REF_SPV(PII, "112", "a&#000065;"),
		REF_SPV(PII, "112", "a&#1114111;"),
		REF_ENV("<cwmp:Reboot><CommandKey>a&#0;b</CommandKey></cwmp:Reboot>"),
		REF_ENV("<cwmp:ScheduleInform><DelaySeconds>5</DelaySeconds><CommandKey>&#x0;"
			"</CommandKey></cwmp:ScheduleInform>"),
		REF_ENV("<cwmp:GetParameterValues><ParameterNames><string>Device.&#0;</string>"
			"</ParameterNames></cwmp:GetParameterValues>"),
		REF_ENV("<cwmp:Download><CommandKey>d</CommandKey><FileType>3 Vendor Configuration "
			"File</FileType><URL>http://a/&#0;b</URL><Username></Username><Password>"
			"</Password><FileSize>0</FileSize><TargetFileName></TargetFileName>"
			"<DelaySeconds>0</DelaySeconds><SuccessURL></SuccessURL><FailureURL>"
			"</FailureURL></cwmp:Download>"),
		/* the same characters as such (gSOAP would take them and write them back as
		 * references): a vertical tab, an escape, U+FFFE, a surrogate in UTF-8 */
		REF_SPV(PII, "112", "a\x0b"),
		REF_SPV(PII, "112\x1b", "k"),
		REF_SPV(PII, "112", "a\xef\xbf\xbe"),
		REF_SPV(PII, "112", "a\xed\xa0\x80"),
		/* UTF-8 forms gSOAP decodes to what it does not show: overlong ones ("\xc0\x96" is
		 * read as U+0016), beyond U+10FFFF, bytes UTF-8 never has */
		REF_SPV(PII, "112", "a\xc0\x96"),
		REF_SPV(PII, "112", "a\xc1\xbf"),
		REF_SPV(PII, "112", "a\xe0\x80\x96"),
		REF_SPV(PII, "112", "a\xf0\x80\x80\x96"),
		REF_SPV(PII, "112", "a\xf4\x90\x80\x80"),
		REF_SPV(PII, "112", "a\xff"),
		/* in an attribute value too */
		REF_ENV("<cwmp:Reboot x=\"&#0;\"><CommandKey>a</CommandKey></cwmp:Reboot>"),
		/* gSOAP reads markup inside a string as text, an end tag's references decoded */
		REF_SPV(PII, "112", "a<b>k</b&#x1F;c>"),
		REF_ENV("<cwmp:Reboot><CommandKey>a<b>k</b&#0;></CommandKey></cwmp:Reboot>"),
	};
	struct cwmp_msg_in in;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int err = parse_text(&in, bad[i]);
		if (err != CWMP_MSG_E_ARGS)
			fprintf(stderr, "\ncase %zu: got %d (%s)\n", i, err, cwmp_msg_errmsg(codec));
		CU_ASSERT_EQUAL(err, CWMP_MSG_E_ARGS);
		CU_ASSERT_NOT_EQUAL(in.rpc, CWMP_RPC_UNKNOWN);
		CU_ASSERT_TRUE(in.hdr.id && !strcmp(in.hdr.id, "ref-1"));
	}
	CU_ASSERT_EQUAL(parse_text(&in, REF_ENV("<cwmp:Reboot><CommandKey>a</CommandKey></cwmp:Reboot>")
				       ), CWMP_MSG_OK);
	/* an ID holding such a character cannot be echoed in a fault: unreadable */
	static const char bad_id[] =
		"<e:Envelope xmlns:e=\"http://schemas.xmlsoap.org/soap/envelope/\" "
		"xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\"><e:Header><cwmp:ID e:mustUnderstand=\"1\">"
		"a&#x1F;b</cwmp:ID></e:Header><e:Body><cwmp:Reboot><CommandKey>a</CommandKey>"
		"</cwmp:Reboot></e:Body></e:Envelope>";
	CU_ASSERT_EQUAL(parse_text(&in, bad_id), CWMP_MSG_E_SYNTAX);
	/* also for a method we do not know (answered 9000 otherwise) */
	static const char bad_id_unknown[] =
		"<e:Envelope xmlns:e=\"http://schemas.xmlsoap.org/soap/envelope/\" "
		"xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\"><e:Header><cwmp:ID e:mustUnderstand=\"1\">"
		"a\x1d</cwmp:ID></e:Header><e:Body><cwmp:NoSuchMethod/></e:Body></e:Envelope>";
	CU_ASSERT_EQUAL(parse_text(&in, bad_id_unknown), CWMP_MSG_E_SYNTAX);
	/* and for arguments that do not deserialize (9003 otherwise) */
	static const char bad_id_args[] =
		"<e:Envelope xmlns:e=\"http://schemas.xmlsoap.org/soap/envelope/\" "
		"xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\"><e:Header><cwmp:ID e:mustUnderstand=\"1\">"
		"a\x01</cwmp:ID></e:Header><e:Body><cwmp:ScheduleInform><DelaySeconds>abc"
		"</DelaySeconds><CommandKey>k</CommandKey></cwmp:ScheduleInform></e:Body></e:Envelope>";
	CU_ASSERT_EQUAL(parse_text(&in, bad_id_args), CWMP_MSG_E_SYNTAX);
	/* allowed references are decoded to UTF-8 (never their low byte alone: &#x100; is no NUL,
	 * &#x141; no "A"): tab, line ends, the BMP, beyond it in decimal; a CDATA section's "&#0;"
	 * is text, not a reference */
	CU_ASSERT_EQUAL(parse_text(&in, REF_ENV("<cwmp:Reboot><CommandKey>&#65;&#x9;&#xa;&#13;"
						"&#x20AC;&#xFFFD;&#x0042;&#65536;&#x100;&#x141;"
						"<![CDATA[&#0;]]></CommandKey></cwmp:Reboot>")),
			CWMP_MSG_OK);
	CU_ASSERT_STRING_EQUAL(((struct _cwmp__Reboot *)in.body)->CommandKey,
			       "A\t\n\r\xe2\x82\xac\xef\xbf\xbd" "B\xf0\x90\x80\x80\xc4\x80\xc5\x81&#0;");
	CU_ASSERT_EQUAL(parse_text(&in, REF_SPV(PII, "112", "a&amp;#0;")), CWMP_MSG_OK);
	/* a sequence cut by the next tag: gSOAP takes the '<' into it, the envelope breaks */
	CU_ASSERT_NOT_EQUAL(parse_text(&in, REF_SPV(PII, "112", "a\xe2\x82")), CWMP_MSG_OK);
	/* well-formed UTF-8 of every length, the last code points before the forbidden ones */
	CU_ASSERT_EQUAL(parse_text(&in, REF_SPV(PII, "112", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x9e "
					      "\xed\x9f\xbf \xef\xbf\xbd \xf4\x8f\xbf\xbf")), CWMP_MSG_OK);
	CU_ASSERT_EQUAL(parse_text(&in, REF_ENV("<!-- &#0; --><cwmp:Reboot><CommandKey>a</CommandKey>"
						"</cwmp:Reboot>")), CWMP_MSG_OK);
	/* not a request: the session fails rather than answer */
	CU_ASSERT_EQUAL(parse_text(&in, REF_ENV("<e:Fault><faultcode>Client</faultcode><faultstring>"
						"x&#0;</faultstring></e:Fault>")),
			CWMP_MSG_E_SYNTAX);
	/* a comment or processing instruction inside a string is dropped; a CDATA section inside
	 * markup read as text stays text */
	CU_ASSERT_EQUAL(parse_text(&in, REF_ENV("<cwmp:Reboot><CommandKey>a<!-- &#0; -->b<?x &#0; ?>"
						"</CommandKey></cwmp:Reboot>")), CWMP_MSG_OK);
	CU_ASSERT_STRING_EQUAL(((struct _cwmp__Reboot *)in.body)->CommandKey, "ab");
	CU_ASSERT_EQUAL(parse_text(&in, REF_ENV("<cwmp:Reboot><CommandKey>a<b>k<![CDATA[&#0;]]></b>"
						"</CommandKey></cwmp:Reboot>")), CWMP_MSG_OK);
	CU_ASSERT_STRING_EQUAL(((struct _cwmp__Reboot *)in.body)->CommandKey, "a<b>k&#0;</b>");
	/* the codec stays usable */
	CU_ASSERT_EQUAL(parse_fixture(&in, "GetRPCMethods.xml", false), CWMP_MSG_OK);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	if (cwmp_msg_new(&codec, 0, 0) != CWMP_MSG_OK)
		return 2;
	CU_pSuite s = CU_add_suite("cwmp_msg", NULL, NULL);
	CU_add_test(s, "reference files and xmllint", test_reference_files);
	CU_add_test(s, "names and fault strings", test_names);
	CU_add_test(s, "parse GetRPCMethods", test_parse_get_rpc_methods);
	CU_add_test(s, "parse SetParameterValues", test_parse_spv);
	CU_add_test(s, "cwmp-1-0 and cwmp-1-1 answered in kind", test_parse_spv_old_namespaces);
	CU_add_test(s, "parse GPV GPN GPA", test_parse_gpv_gpn_gpa);
	CU_add_test(s, "empty ParameterPath", test_parse_empty_parameter_path);
	CU_add_test(s, "parse SetParameterAttributes", test_parse_spa);
	CU_add_test(s, "parse objects and commands", test_parse_objects_and_commands);
	CU_add_test(s, "parse ACS responses and faults", test_parse_acs_responses);
	CU_add_test(s, "unknown method", test_parse_unknown_method);
	CU_add_test(s, "one codec for a request and its answer", test_keep_input);
	CU_add_test(s, "write responses", test_write_responses);
	CU_add_test(s, "write Inform TransferComplete", test_write_cpe_requests);
	CU_add_test(s, "write faults", test_write_faults);
	CU_add_test(s, "write limits", test_write_limits);
	CU_add_test(s, "hostile fixtures", test_hostile_fixtures);
	CU_add_test(s, "hostile truncated", test_hostile_truncated);
	CU_add_test(s, "hostile oversized", test_hostile_oversized);
	CU_add_test(s, "hostile deep", test_hostile_deep);
	CU_add_test(s, "hostile misc", test_hostile_misc);
	CU_add_test(s, "forbidden character references", test_forbidden_char_refs);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	cwmp_msg_free(codec);
	return failed ? 1 : 0;
}
