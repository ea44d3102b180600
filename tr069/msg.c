/* CWMP message layer: one gSOAP context per codec reading envelopes from a bounded buffer and
 * writing them to a bounded buffer; the session moves the bytes (see msg.h for the contract).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"

#define NS_PREFIX "urn:dslforum-org:cwmp-1-"

/* libgsoap's soap_init() refers to a global table of this exact name; every codec replaces it
 * with its own copy (soap_set_namespaces) so the cwmp row can follow the ACS's namespace. The
 * pattern in the third column makes any cwmp-1-* namespace match the prefix "cwmp" on input. */
struct Namespace namespaces[] = {
	{ "SOAP-ENV", "http://schemas.xmlsoap.org/soap/envelope/", NULL, NULL },
	{ "SOAP-ENC", "http://schemas.xmlsoap.org/soap/encoding/", NULL, NULL },
	{ "xsi", "http://www.w3.org/2001/XMLSchema-instance", "http://www.w3.org/*/XMLSchema-instance",
	  NULL },
	{ "xsd", "http://www.w3.org/2001/XMLSchema", "http://www.w3.org/*/XMLSchema", NULL },
	{ "cwmp", NS_PREFIX "2", NS_PREFIX "*", NULL },
	{ NULL, NULL, NULL, NULL },
};
#define NS_ROWS (sizeof(namespaces) / sizeof(namespaces[0]))
#define NS_CWMP_ROW 4

static const char *const ns_uris[CWMP_NS_COUNT] = {
	[CWMP_NS_1_0] = NS_PREFIX "0",
	[CWMP_NS_1_1] = NS_PREFIX "1",
	[CWMP_NS_1_2] = NS_PREFIX "2",
};

struct cwmp_msg {
	struct soap *soap;
	struct Namespace nstab[NS_ROWS];
	size_t max_in, max_out;
	/* input of the current parse */
	const char *in;
	size_t in_len, in_pos;
	/* output buffer: malloc'd, grows up to max_out + 1 */
	char *out;
	size_t out_len, out_cap;
	bool out_overflow;
	bool keep_input; /* a write does not free the last parsed message */
	char errmsg[160];
};

/* ------------------------------------------------------------------------------- tables */

struct rpc_row {
	const char *name;
	int type;     /* SOAP_TYPE_ of the element struct */
	size_t size;  /* sizeof the element struct */
	bool acs_request;
};

#define ROW(rpc, el, req) \
	[rpc] = { .name = #el, .type = SOAP_TYPE__cwmp__##el, .size = sizeof(struct _cwmp__##el), \
		  .acs_request = (req) }

static const struct rpc_row rpc_table[CWMP_RPC_COUNT] = {
	ROW(CWMP_RPC_GET_RPC_METHODS, GetRPCMethods, true),
	ROW(CWMP_RPC_GET_RPC_METHODS_RESPONSE, GetRPCMethodsResponse, false),
	ROW(CWMP_RPC_SET_PARAMETER_VALUES, SetParameterValues, true),
	ROW(CWMP_RPC_SET_PARAMETER_VALUES_RESPONSE, SetParameterValuesResponse, false),
	ROW(CWMP_RPC_GET_PARAMETER_VALUES, GetParameterValues, true),
	ROW(CWMP_RPC_GET_PARAMETER_VALUES_RESPONSE, GetParameterValuesResponse, false),
	ROW(CWMP_RPC_GET_PARAMETER_NAMES, GetParameterNames, true),
	ROW(CWMP_RPC_GET_PARAMETER_NAMES_RESPONSE, GetParameterNamesResponse, false),
	ROW(CWMP_RPC_SET_PARAMETER_ATTRIBUTES, SetParameterAttributes, true),
	ROW(CWMP_RPC_SET_PARAMETER_ATTRIBUTES_RESPONSE, SetParameterAttributesResponse, false),
	ROW(CWMP_RPC_GET_PARAMETER_ATTRIBUTES, GetParameterAttributes, true),
	ROW(CWMP_RPC_GET_PARAMETER_ATTRIBUTES_RESPONSE, GetParameterAttributesResponse, false),
	ROW(CWMP_RPC_ADD_OBJECT, AddObject, true),
	ROW(CWMP_RPC_ADD_OBJECT_RESPONSE, AddObjectResponse, false),
	ROW(CWMP_RPC_DELETE_OBJECT, DeleteObject, true),
	ROW(CWMP_RPC_DELETE_OBJECT_RESPONSE, DeleteObjectResponse, false),
	ROW(CWMP_RPC_REBOOT, Reboot, true),
	ROW(CWMP_RPC_REBOOT_RESPONSE, RebootResponse, false),
	ROW(CWMP_RPC_DOWNLOAD, Download, true),
	ROW(CWMP_RPC_DOWNLOAD_RESPONSE, DownloadResponse, false),
	ROW(CWMP_RPC_UPLOAD, Upload, true),
	ROW(CWMP_RPC_UPLOAD_RESPONSE, UploadResponse, false),
	ROW(CWMP_RPC_FACTORY_RESET, FactoryReset, true),
	ROW(CWMP_RPC_FACTORY_RESET_RESPONSE, FactoryResetResponse, false),
	ROW(CWMP_RPC_SCHEDULE_INFORM, ScheduleInform, true),
	ROW(CWMP_RPC_SCHEDULE_INFORM_RESPONSE, ScheduleInformResponse, false),
	ROW(CWMP_RPC_INFORM, Inform, false),
	ROW(CWMP_RPC_INFORM_RESPONSE, InformResponse, false),
	ROW(CWMP_RPC_TRANSFER_COMPLETE, TransferComplete, false),
	ROW(CWMP_RPC_TRANSFER_COMPLETE_RESPONSE, TransferCompleteResponse, false),
	[CWMP_RPC_FAULT] = { .name = "Fault", .type = SOAP_TYPE__cwmp__Fault,
			     .size = sizeof(struct _cwmp__Fault) },
};

/* TR-069 Table A.5: standard strings of the CPE fault codes 9000-9019. */
static const char *const fault_strings[] = {
	"Method not supported",
	"Request denied",
	"Internal error",
	"Invalid arguments",
	"Resources exceeded",
	"Invalid parameter name",
	"Invalid parameter type",
	"Invalid parameter value",
	"Attempt to set a non-writable parameter",
	"Notification request rejected",
	"Download failure",
	"Upload failure",
	"File transfer server authentication failure",
	"Unsupported protocol for file transfer",
	"File transfer failure: unable to join multicast group",
	"File transfer failure: unable to contact file server",
	"File transfer failure: unable to access file",
	"File transfer failure: unable to complete download",
	"File transfer failure: file corrupted",
	"File transfer failure: file authentication failure",
};

const char *cwmp_msg_strerror(int err)
{
	switch (err) {
	case CWMP_MSG_OK: return "success";
	case CWMP_MSG_E_INVALID: return "invalid argument";
	case CWMP_MSG_E_NOMEM: return "out of memory";
	case CWMP_MSG_E_TOO_BIG: return "message too large";
	case CWMP_MSG_E_SYNTAX: return "malformed or truncated SOAP envelope";
	case CWMP_MSG_E_DEPTH: return "XML nesting too deep";
	case CWMP_MSG_E_NAMESPACE: return "not a CWMP message (namespace)";
	case CWMP_MSG_E_ARGS: return "invalid RPC arguments";
	case CWMP_MSG_E_HEADER: return "unknown mandatory SOAP header";
	case CWMP_MSG_E_EMPTY: return "empty message";
	}
	return "unknown error";
}

const char *cwmp_ns_uri(enum cwmp_ns ns)
{
	return (unsigned)ns < CWMP_NS_COUNT ? ns_uris[ns] : NULL;
}

const char *cwmp_rpc_name(enum cwmp_rpc rpc)
{
	if (rpc <= CWMP_RPC_UNKNOWN || rpc >= CWMP_RPC_COUNT)
		return NULL;
	return rpc_table[rpc].name;
}

enum cwmp_rpc cwmp_rpc_from_name(const char *name)
{
	if (!name)
		return CWMP_RPC_UNKNOWN;
	for (int i = CWMP_RPC_UNKNOWN + 1; i < CWMP_RPC_COUNT; i++)
		if (i != CWMP_RPC_FAULT && strcmp(rpc_table[i].name, name) == 0)
			return (enum cwmp_rpc)i;
	return CWMP_RPC_UNKNOWN;
}

bool cwmp_rpc_is_acs_request(enum cwmp_rpc rpc)
{
	return rpc > CWMP_RPC_UNKNOWN && rpc < CWMP_RPC_COUNT && rpc_table[rpc].acs_request;
}

const char *cwmp_fault_string(unsigned code)
{
	if (code < 9000 || code >= 9000 + sizeof(fault_strings) / sizeof(fault_strings[0]))
		return NULL;
	return fault_strings[code - 9000];
}

const char *cwmp_fault_soap_code(unsigned code)
{
	if (code == CWMP_FAULT_INVALID_ARGUMENTS ||
	    (code >= CWMP_FAULT_INVALID_NAME && code <= CWMP_FAULT_NOT_WRITABLE))
		return "Client";
	return "Server";
}

/* ------------------------------------------------------------------------------- I/O hooks */

static size_t msg_frecv(struct soap *soap, char *buf, size_t len)
{
	struct cwmp_msg *m = soap->user;
	size_t left = m->in_len - m->in_pos;
	size_t n = len < left ? len : left;

	memcpy(buf, m->in + m->in_pos, n);
	m->in_pos += n;
	return n;
}

static int msg_fsend(struct soap *soap, const char *buf, size_t len)
{
	struct cwmp_msg *m = soap->user;

	if (len > m->max_out - m->out_len) {
		m->out_overflow = true;
		return SOAP_EOF;
	}
	if (m->out_len + len + 1 > m->out_cap) {
		size_t cap = m->out_cap ? m->out_cap : 4096;
		while (cap < m->out_len + len + 1)
			cap *= 2;
		if (cap > m->max_out + 1)
			cap = m->max_out + 1;
		char *p = realloc(m->out, cap);
		if (!p)
			return SOAP_EOM;
		m->out = p;
		m->out_cap = cap;
	}
	memcpy(m->out + m->out_len, buf, len);
	m->out_len += len;
	m->out[m->out_len] = '\0';
	return SOAP_OK;
}

/* ------------------------------------------------------------------------------- codec */

int cwmp_msg_new(struct cwmp_msg **out, size_t max_in, size_t max_out)
{
	if (!out)
		return CWMP_MSG_E_INVALID;
	*out = NULL;
	struct cwmp_msg *m = calloc(1, sizeof(*m));
	if (!m)
		return CWMP_MSG_E_NOMEM;
	m->max_in = max_in ? max_in : CWMP_MSG_DEFAULT_MAX_IN;
	m->max_out = max_out ? max_out : CWMP_MSG_DEFAULT_MAX_OUT;
	memcpy(m->nstab, namespaces, sizeof(m->nstab));
	/* XML_TREE: no id/href on output, ignored on input (no multi-ref graphs from the ACS).
	 * C_UTFSTRING: strings stay UTF-8 both ways, a character reference becomes its UTF-8 bytes
	 * (without it gSOAP keeps the low byte alone: "&#x100;" a NUL, "&#x16C;" an "l"). */
	m->soap = soap_new1(SOAP_XML_TREE | SOAP_C_UTFSTRING);
	if (!m->soap) {
		free(m);
		return CWMP_MSG_E_NOMEM;
	}
	m->soap->user = m;
	m->soap->frecv = msg_frecv;
	m->soap->fsend = msg_fsend;
	m->soap->maxlevel = CWMP_MSG_MAX_DEPTH;
	m->soap->maxoccurs = CWMP_MSG_MAX_ITEMS;
	m->soap->maxlength = (long)m->max_in;
	m->soap->recv_maxlength = m->max_in;
	soap_set_namespaces(m->soap, m->nstab);
	*out = m;
	return CWMP_MSG_OK;
}

void cwmp_msg_reset(struct cwmp_msg *m)
{
	if (!m)
		return;
	soap_destroy(m->soap);
	soap_end(m->soap);
	m->out_len = 0;
	if (m->out)
		m->out[0] = '\0';
}

void cwmp_msg_keep_input(struct cwmp_msg *m, bool keep)
{
	if (m)
		m->keep_input = keep;
}

void cwmp_msg_free(struct cwmp_msg *m)
{
	if (!m)
		return;
	soap_destroy(m->soap);
	soap_end(m->soap);
	soap_free(m->soap);
	free(m->out);
	free(m);
}

const char *cwmp_msg_errmsg(const struct cwmp_msg *m)
{
	return m ? m->errmsg : "no codec";
}

struct soap *cwmp_msg_soap(struct cwmp_msg *m)
{
	return m ? m->soap : NULL;
}

static int msg_fail(struct cwmp_msg *m, int err, const char *what)
{
	const char *detail = NULL;

	if (m->soap->error != SOAP_OK)
		detail = soap_fault_string(m->soap);
	if (detail)
		snprintf(m->errmsg, sizeof(m->errmsg), "%s: %s (gSOAP error %d)", what, detail,
			 m->soap->error);
	else
		snprintf(m->errmsg, sizeof(m->errmsg), "%s: %s", what, cwmp_msg_strerror(err));
	return err;
}

/* Maps a gSOAP error of a parse to our error; in_rpc: while reading the RPC's arguments. */
static int msg_parse_err(const struct cwmp_msg *m, bool in_rpc)
{
	switch (m->soap->error) {
	case SOAP_LEVEL:
		return CWMP_MSG_E_DEPTH;
	case SOAP_EOM:
		return CWMP_MSG_E_NOMEM;
	case SOAP_MUSTUNDERSTAND:
		return CWMP_MSG_E_HEADER;
	case SOAP_VERSIONMISMATCH:
		return CWMP_MSG_E_NAMESPACE;
	case SOAP_EOF:
	case SOAP_SYNTAX_ERROR:
	case SOAP_UTF_ERROR:
	case SOAP_TAG_MISMATCH:
	case SOAP_NAMESPACE:
		return CWMP_MSG_E_SYNTAX;
	default:
		return in_rpc ? CWMP_MSG_E_ARGS : CWMP_MSG_E_SYNTAX;
	}
}

/* ------------------------------------------------------------------------------- parse */

/* gSOAP sizes a SOAP array from its arrayType and leaves the items that did not come as
 * defaults: drop such trailing items so callers see only what the ACS sent. */
#define TRIM_TRAILING(list, ptr, field) \
	do { \
		if ((list)) \
			while ((list)->__size > 0 && !(list)->ptr[(list)->__size - 1].field) \
				(list)->__size--; \
	} while (0)

static void msg_trim_strings(struct ParameterNames *names)
{
	if (!names)
		return;
	while (names->__size > 0 && !names->__ptrstring[names->__size - 1])
		names->__size--;
}

static void msg_trim(enum cwmp_rpc rpc, void *body)
{
	switch (rpc) {
	case CWMP_RPC_SET_PARAMETER_VALUES: {
		struct _cwmp__SetParameterValues *r = body;
		TRIM_TRAILING(r->ParameterList, __ptrParameterValueStruct, Name);
		break;
	}
	case CWMP_RPC_GET_PARAMETER_VALUES:
		msg_trim_strings(((struct _cwmp__GetParameterValues *)body)->ParameterNames);
		break;
	case CWMP_RPC_GET_PARAMETER_ATTRIBUTES:
		msg_trim_strings(((struct _cwmp__GetParameterAttributes *)body)->ParameterNames);
		break;
	case CWMP_RPC_SET_PARAMETER_ATTRIBUTES: {
		struct _cwmp__SetParameterAttributes *r = body;
		TRIM_TRAILING(r->ParameterList, __ptrSetParameterAttributesStruct, Name);
		break;
	}
	case CWMP_RPC_INFORM: {
		struct _cwmp__Inform *r = body;
		TRIM_TRAILING(r->ParameterList, __ptrParameterValueStruct, Name);
		TRIM_TRAILING(r->Event, __ptrEventStruct, EventCode);
		break;
	}
	default:
		break;
	}
}

/* Reads the RPC element the parser is positioned on. */
static void *msg_read_rpc(struct soap *soap, enum cwmp_rpc rpc)
{
	switch (rpc) {
#define IN(r, el) \
	case r: \
		return soap_in__cwmp__##el(soap, "cwmp:" #el, NULL, NULL)
	IN(CWMP_RPC_GET_RPC_METHODS, GetRPCMethods);
	IN(CWMP_RPC_GET_RPC_METHODS_RESPONSE, GetRPCMethodsResponse);
	IN(CWMP_RPC_SET_PARAMETER_VALUES, SetParameterValues);
	IN(CWMP_RPC_SET_PARAMETER_VALUES_RESPONSE, SetParameterValuesResponse);
	IN(CWMP_RPC_GET_PARAMETER_VALUES, GetParameterValues);
	IN(CWMP_RPC_GET_PARAMETER_VALUES_RESPONSE, GetParameterValuesResponse);
	IN(CWMP_RPC_GET_PARAMETER_NAMES, GetParameterNames);
	IN(CWMP_RPC_GET_PARAMETER_NAMES_RESPONSE, GetParameterNamesResponse);
	IN(CWMP_RPC_SET_PARAMETER_ATTRIBUTES, SetParameterAttributes);
	IN(CWMP_RPC_SET_PARAMETER_ATTRIBUTES_RESPONSE, SetParameterAttributesResponse);
	IN(CWMP_RPC_GET_PARAMETER_ATTRIBUTES, GetParameterAttributes);
	IN(CWMP_RPC_GET_PARAMETER_ATTRIBUTES_RESPONSE, GetParameterAttributesResponse);
	IN(CWMP_RPC_ADD_OBJECT, AddObject);
	IN(CWMP_RPC_ADD_OBJECT_RESPONSE, AddObjectResponse);
	IN(CWMP_RPC_DELETE_OBJECT, DeleteObject);
	IN(CWMP_RPC_DELETE_OBJECT_RESPONSE, DeleteObjectResponse);
	IN(CWMP_RPC_REBOOT, Reboot);
	IN(CWMP_RPC_REBOOT_RESPONSE, RebootResponse);
	IN(CWMP_RPC_DOWNLOAD, Download);
	IN(CWMP_RPC_DOWNLOAD_RESPONSE, DownloadResponse);
	IN(CWMP_RPC_UPLOAD, Upload);
	IN(CWMP_RPC_UPLOAD_RESPONSE, UploadResponse);
	IN(CWMP_RPC_FACTORY_RESET, FactoryReset);
	IN(CWMP_RPC_FACTORY_RESET_RESPONSE, FactoryResetResponse);
	IN(CWMP_RPC_SCHEDULE_INFORM, ScheduleInform);
	IN(CWMP_RPC_SCHEDULE_INFORM_RESPONSE, ScheduleInformResponse);
	IN(CWMP_RPC_INFORM, Inform);
	IN(CWMP_RPC_INFORM_RESPONSE, InformResponse);
	IN(CWMP_RPC_TRANSFER_COMPLETE, TransferComplete);
	IN(CWMP_RPC_TRANSFER_COMPLETE_RESPONSE, TransferCompleteResponse);
#undef IN
	default:
		return NULL;
	}
}

static void msg_copy_header(struct cwmp_msg_header *hdr, const struct SOAP_ENV__Header *h)
{
	if (!h)
		return;
	hdr->id = h->cwmp__ID;
	if (h->cwmp__HoldRequests)
		hdr->hold_requests = *h->cwmp__HoldRequests == xsd__boolean__true_;
	hdr->no_more_requests = h->cwmp__NoMoreRequests &&
				*h->cwmp__NoMoreRequests == xsd__boolean__true_;
	hdr->session_timeout = h->cwmp__SessionTimeout ? *h->cwmp__SessionTimeout : 0;
	hdr->supported_versions = h->cwmp__SupportedCWMPVersions;
	hdr->use_version = h->cwmp__UseCWMPVersion;
}

/* Which cwmp-1-N the element the parser is on belongs to; -1 when none of ours. gSOAP resolves
 * the tag's prefix to the canonical URI of the matching table row and keeps the URI the
 * document really used in local_namespaces[row].out (set when the row's pattern matched). */
static int msg_tag_ns(struct soap *soap)
{
	const char *uri = soap_current_namespace_tag(soap, soap->tag);

	if (!uri || !soap->local_namespaces || strcmp(uri, soap->local_namespaces[NS_CWMP_ROW].ns))
		return -1;
	const char *used = soap->local_namespaces[NS_CWMP_ROW].out;
	if (!used)
		used = uri;
	for (int i = 0; i < CWMP_NS_COUNT; i++)
		if (strcmp(used, ns_uris[i]) == 0)
			return i;
	return -1;
}

/* The cwmp namespace the message declared (for a Fault, whose element is SOAP-ENV's). */
static enum cwmp_ns msg_table_ns(const struct soap *soap)
{
	const char *uri = NULL;

	if (soap->local_namespaces) {
		uri = soap->local_namespaces[NS_CWMP_ROW].out;
		if (!uri)
			uri = soap->local_namespaces[NS_CWMP_ROW].ns;
	}
	for (int i = 0; uri && i < CWMP_NS_COUNT; i++)
		if (strcmp(uri, ns_uris[i]) == 0)
			return (enum cwmp_ns)i;
	return CWMP_NS_1_2;
}

static void msg_set_method(struct cwmp_msg_in *out, const char *tag)
{
	const char *colon = strchr(tag, ':');
	const char *local = colon ? colon + 1 : tag;
	size_t n = strnlen(local, sizeof(out->method) - 1); /* longer names are cut: not ours */

	/* CWMP's method names are ASCII; anything else in a name we do not know is shown as '?'
	 * (the name goes into the 9000 fault's FaultString, and the rest of such a message is not
	 * read, so nothing else checks it) */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)local[i];
		out->method[i] = c > 0x20 && c < 0x7F ? (char)c : '?';
	}
	out->method[n] = '\0';
}

/* Finds the end of a construct opened at p (after "<"): returns the index just past `close`,
 * or 0 when the input ends first. */
static size_t msg_skip_to(const char *buf, size_t len, size_t p, const char *close)
{
	size_t cl = strlen(close);

	for (; p + cl <= len; p++)
		if (memcmp(buf + p, close, cl) == 0)
			return p + cl;
	return 0;
}

/* XML 1.0 production [2] Char: what a character reference may stand for. */
static bool msg_xml_char(unsigned long c)
{
	return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
	       (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

/* True when buf[0..len) holds a character reference ("&#N;", "&#xH;") to a character XML 1.0
 * forbids (NUL, C0 controls but tab and line ends, surrogates, U+FFFE, U+FFFF, beyond
 * U+10FFFF) or one without digits or ';'. gSOAP decodes such a reference into the string it
 * builds, where a NUL cuts the value short ("112&#0;x" read as "112"): refused before. So is a
 * reference gSOAP cannot read whole: it takes at most 6 characters between '&' and ';' (4 hex
 * or 5 decimal digits) and leaves the rest as text ("&#x10000;" read as U+1000 and ";"). */
static bool msg_bad_refs(const char *buf, size_t len)
{
	for (const char *p = buf, *end = buf + len; (p = memchr(p, '&', (size_t)(end - p)));) {
		p++;
		if (p >= end || *p != '#')
			continue;
		p++;
		bool hex = p < end && (*p == 'x' || *p == 'X');
		p += hex;
		unsigned long c = 0;
		size_t digits = 0;
		for (; p < end && *p != ';'; p++, digits++) {
			int d = *p >= '0' && *p <= '9' ? *p - '0'
				: hex && *p >= 'a' && *p <= 'f' ? *p - 'a' + 10
				: hex && *p >= 'A' && *p <= 'F' ? *p - 'A' + 10 : -1;
			if (d < 0)
				return true;
			if (c <= 0x10FFFF) /* beyond stays beyond: no overflow */
				c = c * (hex ? 16 : 10) + (unsigned long)d;
		}
		if (p >= end || !digits || digits > (hex ? 4u : 5u) || !msg_xml_char(c))
			return true;
	}
	return false;
}

/* True when buf[0..len) holds, as a literal, a character XML 1.0 forbids (a C0 control other
 * than tab and line ends, U+FFFE, U+FFFF, a surrogate), or a UTF-8 form gSOAP decodes to a code
 * point it does not show: an overlong form ("\xC0\x96" is read as U+0016), or one beyond
 * U+10FFFF. gSOAP would take such a character and write it back as a reference: refused like a
 * reference to it. (Other bytes that are not UTF-8 gSOAP keeps as they are.) */
static bool msg_bad_literals(const char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)buf;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = p[i], c1 = i + 1 < len ? p[i + 1] : 0;
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			return true;
		if (c == 0xC0 || c == 0xC1 || c >= 0xF5)
			return true; /* overlong two-byte forms; beyond U+10FFFF */
		if ((c == 0xE0 && c1 < 0xA0) || (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F))
			return true; /* overlong three- and four-byte forms; beyond U+10FFFF */
		if (c == 0xED && c1 >= 0xA0 && c1 <= 0xBF)
			return true; /* U+D800..U+DFFF */
		if (c == 0xEF && c1 == 0xBF && i + 2 < len && (p[i + 2] == 0xBE || p[i + 2] == 0xBF))
			return true; /* U+FFFE, U+FFFF */
	}
	return false;
}

/* A linear pass before gSOAP sees the input: gSOAP skips unknown content without counting its
 * depth and would accept a DOCTYPE, so nesting, DTDs (forbidden in SOAP 1.1 section 3), NUL
 * bytes and truncation inside markup are refused here. Not a full XML check: gSOAP does that.
 * *bad_ref is set when text or a tag (its attribute values) holds a forbidden character reference
 * (msg_bad_refs) or anything holds a forbidden character as such (msg_bad_literals); comments,
 * CDATA and processing instructions hold no reference. */
static int msg_prescan(const char *buf, size_t len, bool *bad_ref)
{
	size_t depth = 0, i = 0;

	if (memchr(buf, '\0', len))
		return CWMP_MSG_E_SYNTAX;
	*bad_ref = msg_bad_literals(buf, len);
	while (i < len) {
		const char *lt = memchr(buf + i, '<', len - i);
		if (!lt) {
			*bad_ref = *bad_ref || msg_bad_refs(buf + i, len - i);
			break;
		}
		*bad_ref = *bad_ref || msg_bad_refs(buf + i, (size_t)(lt - buf) - i);
		i = (size_t)(lt - buf) + 1;
		if (i >= len)
			return CWMP_MSG_E_SYNTAX;
		if (buf[i] == '?') {
			i = msg_skip_to(buf, len, i, "?>");
		} else if (buf[i] == '!') {
			if (len - i >= 3 && memcmp(buf + i, "!--", 3) == 0)
				i = msg_skip_to(buf, len, i + 3, "-->");
			else if (len - i >= 8 && memcmp(buf + i, "![CDATA[", 8) == 0)
				i = msg_skip_to(buf, len, i + 8, "]]>");
			else
				return CWMP_MSG_E_SYNTAX; /* DOCTYPE and other declarations */
		} else if (buf[i] == '/') {
			if (depth == 0)
				return CWMP_MSG_E_SYNTAX;
			depth--;
			const size_t tag = i;
			i = msg_skip_to(buf, len, i, ">");
			/* gSOAP reads an end tag inside a string's content as text, references decoded */
			if (i)
				*bad_ref = *bad_ref || msg_bad_refs(buf + tag, i - tag);
		} else {
			char quote = 0;
			const size_t tag = i;
			for (; i < len; i++) {
				char c = buf[i];
				if (quote) {
					if (c == quote)
						quote = 0;
				} else if (c == '"' || c == '\'') {
					quote = c;
				} else if (c == '>') {
					break;
				}
			}
			if (i >= len)
				return CWMP_MSG_E_SYNTAX;
			*bad_ref = *bad_ref || msg_bad_refs(buf + tag, i - tag);
			if (buf[i - 1] != '/' && ++depth > CWMP_MSG_MAX_DEPTH)
				return CWMP_MSG_E_DEPTH;
			i++;
		}
		if (i == 0)
			return CWMP_MSG_E_SYNTAX; /* unterminated comment, PI, CDATA or end tag */
	}
	return CWMP_MSG_OK;
}

/* A fault echoes the cwmp:ID: one holding a character XML forbids cannot be answered. */
static bool msg_bad_id(const struct cwmp_msg_in *out)
{
	return out->hdr.id && msg_bad_literals(out->hdr.id, strlen(out->hdr.id));
}

static int msg_parse(struct cwmp_msg_in *out, struct cwmp_msg *m, const char *buf, size_t len)
{
	if (!out || !m || (!buf && len))
		return CWMP_MSG_E_INVALID;
	memset(out, 0, sizeof(*out));
	out->hdr.hold_requests = -1;
	out->ns = CWMP_NS_1_2;
	m->errmsg[0] = '\0';
	cwmp_msg_reset(m);

	if (len > m->max_in)
		return msg_fail(m, CWMP_MSG_E_TOO_BIG, "parse");
	size_t i = 0;
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
		i++;
	if (i == len)
		return msg_fail(m, CWMP_MSG_E_EMPTY, "parse");
	/* Only XML: anything else would make gSOAP look for an HTTP header or gzip data. */
	if (buf[i] != '<')
		return msg_fail(m, CWMP_MSG_E_SYNTAX, "parse: not XML");

	bool bad_ref = false;
	int err = msg_prescan(buf + i, len - i, &bad_ref);
	if (err)
		return msg_fail(m, err, "parse");

	struct soap *soap = m->soap;
	m->in = buf;
	m->in_len = len;
	m->in_pos = 0;
	m->nstab[NS_CWMP_ROW].ns = ns_uris[CWMP_NS_1_2];
	soap_set_namespaces(soap, m->nstab);
	soap_set_version(soap, 1);
	soap->header = NULL;
	soap->fault = NULL;
	soap_begin(soap);

	if (soap_begin_recv(soap) || soap_envelope_begin_in(soap))
		return msg_fail(m, msg_parse_err(m, false), "parse: envelope");
	if (soap->version != 1) {
		soap->error = SOAP_VERSIONMISMATCH;
		return msg_fail(m, CWMP_MSG_E_NAMESPACE, "parse: not a SOAP 1.1 envelope");
	}
	if (soap_recv_header(soap)) {
		msg_copy_header(&out->hdr, soap->header);
		return msg_fail(m, msg_parse_err(m, false), "parse: header");
	}
	msg_copy_header(&out->hdr, soap->header);
	if (soap_body_begin_in(soap))
		return msg_fail(m, msg_parse_err(m, false), "parse: body");
	if (soap_peek_element(soap)) {
		err = soap->error == SOAP_NO_TAG ? CWMP_MSG_E_SYNTAX : msg_parse_err(m, false);
		return msg_fail(m, err, "parse: no RPC in the body");
	}
	msg_set_method(out, soap->tag);

	if (!soap_match_tag(soap, soap->tag, "SOAP-ENV:Fault")) {
		struct SOAP_ENV__Fault *f = soap_in_SOAP_ENV__Fault(soap, "SOAP-ENV:Fault", NULL, NULL);
		if (!f)
			return msg_fail(m, msg_parse_err(m, true), "parse: Fault");
		out->rpc = CWMP_RPC_FAULT;
		out->soap_faultcode = f->faultcode;
		out->soap_faultstring = f->faultstring;
		out->body = f->detail ? f->detail->cwmp__Fault : NULL;
		out->ns = msg_table_ns(soap);
	} else {
		int ns = msg_tag_ns(soap);
		if (ns < 0)
			return msg_fail(m, CWMP_MSG_E_NAMESPACE, "parse: Body child not in a cwmp namespace");
		out->ns = (enum cwmp_ns)ns;
		out->rpc = cwmp_rpc_from_name(out->method);
		if (out->rpc == CWMP_RPC_UNKNOWN)
			return CWMP_MSG_OK; /* the caller answers 9000; the rest is not read */
		out->body = msg_read_rpc(soap, out->rpc);
		if (!out->body)
			return msg_fail(m, msg_parse_err(m, true), "parse: arguments");
		msg_trim(out->rpc, out->body);
	}
	if (soap_body_end_in(soap) || soap_envelope_end_in(soap) || soap_end_recv(soap))
		return msg_fail(m, msg_parse_err(m, false), "parse: end of envelope");
	/* read whole, so that the session knows the RPC and its ID for the fault (9003) */
	if (bad_ref) {
		snprintf(m->errmsg, sizeof(m->errmsg), "parse: a character XML forbids (&#0; ...)");
		return out->rpc == CWMP_RPC_FAULT ? CWMP_MSG_E_SYNTAX : CWMP_MSG_E_ARGS;
	}
	return CWMP_MSG_OK;
}

int cwmp_msg_parse(struct cwmp_msg_in *out, struct cwmp_msg *m, const char *buf, size_t len)
{
	int err = msg_parse(out, m, buf, len);

	/* every answer the caller makes (9003, 9000) echoes the cwmp:ID */
	if ((err == CWMP_MSG_E_ARGS || err == CWMP_MSG_E_HEADER ||
	     (err == CWMP_MSG_OK && out->rpc == CWMP_RPC_UNKNOWN)) && msg_bad_id(out)) {
		snprintf(m->errmsg, sizeof(m->errmsg), "parse: a character XML forbids in cwmp:ID");
		return CWMP_MSG_E_SYNTAX;
	}
	return err;
}

/* ------------------------------------------------------------------------------- write */

/* gSOAP writes SOAP-ENC:arrayType only when __ptr is not NULL: an empty array must point
 * somewhere. Returns a pointer to use instead of list (a fixed copy when needed), NULL on
 * allocation failure. */
static void *msg_nonnull(struct soap *soap, void *ptr)
{
	return ptr ? ptr : soap_malloc(soap, 1);
}

#define FIX_LIST(soap, list, ptr) \
	do { \
		if (!(list)) { \
			(list) = soap_malloc((soap), sizeof(*(list))); \
			if (!(list)) \
				return -1; \
			memset((list), 0, sizeof(*(list))); \
		} \
		(list)->ptr = msg_nonnull((soap), (list)->ptr); \
		if (!(list)->ptr) \
			return -1; \
	} while (0)

/* Fixes the arrays of body (a private copy) so that every one is written with arrayType. */
static int msg_fix_arrays(struct soap *soap, enum cwmp_rpc rpc, void *body)
{
	switch (rpc) {
	case CWMP_RPC_GET_RPC_METHODS_RESPONSE: {
		struct _cwmp__GetRPCMethodsResponse *r = body;
		FIX_LIST(soap, r->MethodList, __ptrstring);
		break;
	}
	case CWMP_RPC_SET_PARAMETER_VALUES: {
		struct _cwmp__SetParameterValues *r = body;
		FIX_LIST(soap, r->ParameterList, __ptrParameterValueStruct);
		break;
	}
	case CWMP_RPC_GET_PARAMETER_VALUES: {
		struct _cwmp__GetParameterValues *r = body;
		FIX_LIST(soap, r->ParameterNames, __ptrstring);
		break;
	}
	case CWMP_RPC_GET_PARAMETER_ATTRIBUTES: {
		struct _cwmp__GetParameterAttributes *r = body;
		FIX_LIST(soap, r->ParameterNames, __ptrstring);
		break;
	}
	case CWMP_RPC_GET_PARAMETER_VALUES_RESPONSE: {
		struct _cwmp__GetParameterValuesResponse *r = body;
		FIX_LIST(soap, r->ParameterList, __ptrParameterValueStruct);
		break;
	}
	case CWMP_RPC_GET_PARAMETER_NAMES_RESPONSE: {
		struct _cwmp__GetParameterNamesResponse *r = body;
		FIX_LIST(soap, r->ParameterList, __ptrParameterInfoStruct);
		break;
	}
	case CWMP_RPC_GET_PARAMETER_ATTRIBUTES_RESPONSE: {
		struct _cwmp__GetParameterAttributesResponse *r = body;
		FIX_LIST(soap, r->ParameterList, __ptrParameterAttributeStruct);
		int n = r->ParameterList->__size;
		if (n <= 0)
			break;
		/* the AccessList of every item, in a copy of the items */
		struct ParameterAttributeList *l = soap_malloc(soap, sizeof(*l));
		struct cwmp__ParameterAttributeStruct *items =
			soap_malloc(soap, sizeof(*items) * (size_t)n);
		if (!l || !items)
			return -1;
		memcpy(items, r->ParameterList->__ptrParameterAttributeStruct,
		       sizeof(*items) * (size_t)n);
		for (int i = 0; i < n; i++)
			FIX_LIST(soap, items[i].AccessList, __ptrstring);
		l->__ptrParameterAttributeStruct = items;
		l->__size = n;
		r->ParameterList = l;
		break;
	}
	case CWMP_RPC_SET_PARAMETER_ATTRIBUTES: {
		struct _cwmp__SetParameterAttributes *r = body;
		FIX_LIST(soap, r->ParameterList, __ptrSetParameterAttributesStruct);
		int n = r->ParameterList->__size;
		if (n <= 0)
			break;
		struct SetParameterAttributesList *l = soap_malloc(soap, sizeof(*l));
		struct cwmp__SetParameterAttributesStruct *items =
			soap_malloc(soap, sizeof(*items) * (size_t)n);
		if (!l || !items)
			return -1;
		memcpy(items, r->ParameterList->__ptrSetParameterAttributesStruct,
		       sizeof(*items) * (size_t)n);
		for (int i = 0; i < n; i++)
			FIX_LIST(soap, items[i].AccessList, __ptrstring);
		l->__ptrSetParameterAttributesStruct = items;
		l->__size = n;
		r->ParameterList = l;
		break;
	}
	case CWMP_RPC_INFORM: {
		struct _cwmp__Inform *r = body;
		FIX_LIST(soap, r->Event, __ptrEventStruct);
		FIX_LIST(soap, r->ParameterList, __ptrParameterValueStruct);
		break;
	}
	default:
		break;
	}
	return 0;
}

/* Prepares the context for one outgoing envelope in namespace ns with header hdr. */
static int msg_begin_write(struct cwmp_msg *m, enum cwmp_ns ns, const struct cwmp_msg_header *hdr)
{
	struct soap *soap = m->soap;

	if (m->keep_input) {
		/* soap_begin() below drops gSOAP's temporary tables, not the parsed data */
		m->out_len = 0;
		if (m->out)
			m->out[0] = '\0';
	} else {
		cwmp_msg_reset(m);
	}
	m->errmsg[0] = '\0';
	m->out_overflow = false;
	m->nstab[NS_CWMP_ROW].ns = ns_uris[ns];
	soap_set_namespaces(soap, m->nstab);
	/* after a non-SOAP exchange gSOAP may have left SOAP mode: force SOAP 1.1 every time */
	soap_set_version(soap, 1);
	soap_begin(soap);
	soap->header = NULL;
	if (!hdr)
		return CWMP_MSG_OK;

	struct SOAP_ENV__Header *h = soap_malloc(soap, sizeof(*h));
	if (!h)
		return CWMP_MSG_E_NOMEM;
	soap_default_SOAP_ENV__Header(soap, h);
	h->cwmp__ID = (char *)hdr->id;
	if (hdr->hold_requests >= 0) {
		h->cwmp__HoldRequests = soap_malloc(soap, sizeof(*h->cwmp__HoldRequests));
		if (!h->cwmp__HoldRequests)
			return CWMP_MSG_E_NOMEM;
		*h->cwmp__HoldRequests = hdr->hold_requests ? xsd__boolean__true_ : xsd__boolean__false_;
	}
	if (hdr->session_timeout) {
		h->cwmp__SessionTimeout = soap_malloc(soap, sizeof(*h->cwmp__SessionTimeout));
		if (!h->cwmp__SessionTimeout)
			return CWMP_MSG_E_NOMEM;
		*h->cwmp__SessionTimeout = hdr->session_timeout;
	}
	h->cwmp__SupportedCWMPVersions = (char *)hdr->supported_versions;
	h->cwmp__UseCWMPVersion = (char *)hdr->use_version;
	if (h->cwmp__ID || h->cwmp__HoldRequests || h->cwmp__SessionTimeout ||
	    h->cwmp__SupportedCWMPVersions || h->cwmp__UseCWMPVersion)
		soap->header = h;
	return CWMP_MSG_OK;
}

/* Writes the envelope around the element (ptr, type) and hands out the buffer. */
static int msg_emit(const char **out, size_t *len, struct cwmp_msg *m, const void *ptr, int type)
{
	struct soap *soap = m->soap;

	if (soap_begin_send(soap) || soap_envelope_begin_out(soap) || soap_putheader(soap) ||
	    soap_body_begin_out(soap) ||
	    (type == SOAP_TYPE_SOAP_ENV__Fault
		     ? soap_out_SOAP_ENV__Fault(soap, "SOAP-ENV:Fault", -1, ptr, NULL)
		     : soap_putelement(soap, ptr, NULL, -1, type)) ||
	    soap_body_end_out(soap) || soap_envelope_end_out(soap) || soap_end_send(soap)) {
		if (m->out_overflow)
			return msg_fail(m, CWMP_MSG_E_TOO_BIG, "write");
		return msg_fail(m, soap->error == SOAP_EOM ? CWMP_MSG_E_NOMEM : CWMP_MSG_E_INVALID,
				"write");
	}
	if (!m->out)
		return msg_fail(m, CWMP_MSG_E_INVALID, "write: nothing written");
	*out = m->out;
	if (len)
		*len = m->out_len;
	return CWMP_MSG_OK;
}

int cwmp_msg_write(const char **out, size_t *len, struct cwmp_msg *m, enum cwmp_ns ns,
		   const struct cwmp_msg_header *hdr, enum cwmp_rpc rpc, const void *body)
{
	if (!out || !m || (unsigned)ns >= CWMP_NS_COUNT || rpc <= CWMP_RPC_UNKNOWN ||
	    rpc >= CWMP_RPC_COUNT || rpc == CWMP_RPC_FAULT)
		return CWMP_MSG_E_INVALID;
	*out = NULL;
	if (len)
		*len = 0;
	int err = msg_begin_write(m, ns, hdr);
	if (err)
		return msg_fail(m, err, "write");

	const struct rpc_row *row = &rpc_table[rpc];
	void *copy = soap_malloc(m->soap, row->size);
	if (!copy)
		return msg_fail(m, CWMP_MSG_E_NOMEM, "write");
	if (body)
		memcpy(copy, body, row->size);
	else
		memset(copy, 0, row->size);
	if (msg_fix_arrays(m->soap, rpc, copy))
		return msg_fail(m, CWMP_MSG_E_NOMEM, "write");
	return msg_emit(out, len, m, copy, row->type);
}

int cwmp_msg_write_fault(const char **out, size_t *len, struct cwmp_msg *m, enum cwmp_ns ns,
			 const char *id, const struct cwmp_fault *f)
{
	if (!out || !m || !f || (unsigned)ns >= CWMP_NS_COUNT || (f->n_params && !f->params))
		return CWMP_MSG_E_INVALID;
	*out = NULL;
	if (len)
		*len = 0;
	struct cwmp_msg_header hdr = { .id = id, .hold_requests = -1 };
	int err = msg_begin_write(m, ns, id ? &hdr : NULL);
	if (err)
		return msg_fail(m, err, "write fault");

	struct soap *soap = m->soap;
	struct SOAP_ENV__Fault *sf = soap_malloc(soap, sizeof(*sf));
	struct SOAP_ENV__Detail *detail = soap_malloc(soap, sizeof(*detail));
	struct _cwmp__Fault *cf = soap_malloc(soap, sizeof(*cf));
	struct cwmp__SetParameterValuesFault *pf = NULL;
	if (f->n_params) {
		if (f->n_params > CWMP_MSG_MAX_ITEMS)
			return msg_fail(m, CWMP_MSG_E_TOO_BIG, "write fault");
		pf = soap_malloc(soap, sizeof(*pf) * f->n_params);
	}
	if (!sf || !detail || !cf || (f->n_params && !pf))
		return msg_fail(m, CWMP_MSG_E_NOMEM, "write fault");
	soap_default_SOAP_ENV__Fault(soap, sf);
	soap_default_SOAP_ENV__Detail(soap, detail);
	soap_default__cwmp__Fault(soap, cf);

	cf->FaultCode = f->code;
	cf->FaultString = (char *)(f->string ? f->string : cwmp_fault_string(f->code));
	for (size_t i = 0; i < f->n_params; i++) {
		const struct cwmp_param_fault *p = &f->params[i];
		pf[i].ParameterName = (char *)(p->name ? p->name : "");
		pf[i].FaultCode = p->code;
		pf[i].FaultString = (char *)(p->string ? p->string : cwmp_fault_string(p->code));
	}
	cf->SetParameterValuesFault = pf;
	cf->__sizeSetParameterValuesFault = (int)f->n_params;
	detail->cwmp__Fault = cf;
	sf->faultcode = (char *)cwmp_fault_soap_code(f->code);
	sf->faultstring = "CWMP fault";
	sf->detail = detail;
	return msg_emit(out, len, m, sf, SOAP_TYPE_SOAP_ENV__Fault);
}
