/* gSOAP header (input of soapcpp2 -c, not a C header) for the CWMP 1.0-1.4 messages a CPE sends
 * and receives, written after reference/bbf/cwmp-1-2.xsd (namespace cwmp-1-2, protocol 1.4).
 *
 * Conventions: every RPC is an element struct `_cwmp__Name` with unqualified children in schema
 * order. SOAP-encoded arrays are structs WITHOUT a namespace prefix holding `T *__ptrItem; int
 * __size`: only unqualified struct names make soapcpp2 write SOAP-ENC:arrayType, and __ptrItem
 * names the items as the schema does. gSOAP omits arrayType when __ptr is NULL, so an empty array
 * must point at something with __size 0. Strings stay `char *` and may arrive as NULL (an empty
 * element): users of msg.h treat NULL as "".
 * xsd:dateTime is kept as text because TR-069 uses 0001-01-01T00:00:00Z for "unknown".
 * The namespace table is not generated from here but defined in msg.c, so that it can match
 * every cwmp-1-* namespace and answer an ACS in the namespace it used.
 */

//gsoap SOAP-ENV schema namespace: http://schemas.xmlsoap.org/soap/envelope/
//gsoap SOAP-ENC schema namespace: http://schemas.xmlsoap.org/soap/encoding/
//gsoap cwmp schema namespace: urn:dslforum-org:cwmp-1-2
//gsoap cwmp schema elementForm: unqualified
//gsoap cwmp schema attributeForm: unqualified

/* ------------------------------------------------------------------ built-in types */
typedef char *xsd__string;
typedef char *xsd__anySimpleType;
typedef char *xsd__dateTime;
typedef unsigned int xsd__unsignedInt;
typedef int xsd__int;
enum xsd__boolean { xsd__boolean__false_, xsd__boolean__true_ };

/* <Value xsi:type="xsd:boolean">true</Value>: simple content with the type as an attribute,
 * because the value's type is chosen per parameter at run time. */
struct cwmp__Value {
	char *__item;
	@char *xsi__type;
};

/* ------------------------------------------------------------------ SOAP header */
/* cwmp:ID and cwmp:HoldRequests carry mustUnderstand="1"; SessionTimeout (1.3) and
 * SupportedCWMPVersions (1.4) are optional, UseCWMPVersion (1.4) is mustUnderstand. */
struct SOAP_ENV__Header {
	mustUnderstand char *cwmp__ID;
	mustUnderstand enum xsd__boolean *cwmp__HoldRequests;
	enum xsd__boolean *cwmp__NoMoreRequests;             /* CWMP 1.0, deprecated */
	unsigned int *cwmp__SessionTimeout;                 /* CWMP 1.3 */
	char *cwmp__SupportedCWMPVersions;                  /* CWMP 1.4, mustUnderstand 0 */
	mustUnderstand char *cwmp__UseCWMPVersion;          /* CWMP 1.4 */
};

/* ------------------------------------------------------------------ arrays and structs */
struct ParameterNames {
	char **__ptrstring;
	int __size;
};

struct MethodList {
	char **__ptrstring;
	int __size;
};

struct cwmp__ParameterValueStruct {
	char *Name;
	struct cwmp__Value *Value;
};

struct ParameterValueList {
	struct cwmp__ParameterValueStruct *__ptrParameterValueStruct;
	int __size;
};

struct cwmp__DeviceIdStruct {
	char *Manufacturer;
	char *OUI;
	char *ProductClass;
	char *SerialNumber;
};

struct cwmp__EventStruct {
	char *EventCode;
	char *CommandKey;
};

struct EventList {
	struct cwmp__EventStruct *__ptrEventStruct;
	int __size;
};

struct cwmp__ParameterInfoStruct {
	char *Name;
	enum xsd__boolean Writable;
};

struct ParameterInfoList {
	struct cwmp__ParameterInfoStruct *__ptrParameterInfoStruct;
	int __size;
};

struct AccessList {
	char **__ptrstring;
	int __size;
};

struct cwmp__SetParameterAttributesStruct {
	char *Name;
	enum xsd__boolean NotificationChange;
	int Notification;
	enum xsd__boolean AccessListChange;
	struct AccessList *AccessList;
};

struct SetParameterAttributesList {
	struct cwmp__SetParameterAttributesStruct *__ptrSetParameterAttributesStruct;
	int __size;
};

struct cwmp__ParameterAttributeStruct {
	char *Name;
	int Notification;
	struct AccessList *AccessList;
};

struct ParameterAttributeList {
	struct cwmp__ParameterAttributeStruct *__ptrParameterAttributeStruct;
	int __size;
};

struct cwmp__TransferCompleteFaultStruct {
	unsigned int FaultCode;
	char *FaultString;
};

/* ------------------------------------------------------------------ faults */
struct cwmp__SetParameterValuesFault {
	char *ParameterName;
	unsigned int FaultCode;
	char *FaultString;
};

struct _cwmp__Fault {
	unsigned int FaultCode;
	char *FaultString;
	int __sizeSetParameterValuesFault 0;
	struct cwmp__SetParameterValuesFault *SetParameterValuesFault;
};

struct SOAP_ENV__Detail {
	struct _cwmp__Fault *cwmp__Fault;
	int __type;
	void *fault;
	char *__any;
};

/* ------------------------------------------------------------------ ACS -> CPE requests */
struct _cwmp__GetRPCMethods { };
struct _cwmp__GetRPCMethodsResponse {
	struct MethodList *MethodList;
};

struct _cwmp__SetParameterValues {
	struct ParameterValueList *ParameterList;
	char *ParameterKey;
};
struct _cwmp__SetParameterValuesResponse {
	int Status;
};

struct _cwmp__GetParameterValues {
	struct ParameterNames *ParameterNames;
};
struct _cwmp__GetParameterValuesResponse {
	struct ParameterValueList *ParameterList;
};

struct _cwmp__GetParameterNames {
	char *ParameterPath;
	enum xsd__boolean NextLevel;
};
struct _cwmp__GetParameterNamesResponse {
	struct ParameterInfoList *ParameterList;
};

struct _cwmp__SetParameterAttributes {
	struct SetParameterAttributesList *ParameterList;
};
struct _cwmp__SetParameterAttributesResponse { };

struct _cwmp__GetParameterAttributes {
	struct ParameterNames *ParameterNames;
};
struct _cwmp__GetParameterAttributesResponse {
	struct ParameterAttributeList *ParameterList;
};

struct _cwmp__AddObject {
	char *ObjectName;
	char *ParameterKey;
};
struct _cwmp__AddObjectResponse {
	unsigned int InstanceNumber;
	int Status;
};

struct _cwmp__DeleteObject {
	char *ObjectName;
	char *ParameterKey;
};
struct _cwmp__DeleteObjectResponse {
	int Status;
};

struct _cwmp__Reboot {
	char *CommandKey;
};
struct _cwmp__RebootResponse { };

struct _cwmp__FactoryReset { };
struct _cwmp__FactoryResetResponse { };

struct _cwmp__ScheduleInform {
	unsigned int DelaySeconds;
	char *CommandKey;
};
struct _cwmp__ScheduleInformResponse { };

struct _cwmp__Download {
	char *CommandKey;
	char *FileType;
	char *URL;
	char *Username;
	char *Password;
	unsigned int FileSize;
	char *TargetFileName;
	unsigned int DelaySeconds;
	char *SuccessURL;
	char *FailureURL;
};
struct _cwmp__DownloadResponse {
	int Status;
	xsd__dateTime StartTime;
	xsd__dateTime CompleteTime;
};

struct _cwmp__Upload {
	char *CommandKey;
	char *FileType;
	char *URL;
	char *Username;
	char *Password;
	unsigned int DelaySeconds;
};
struct _cwmp__UploadResponse {
	int Status;
	xsd__dateTime StartTime;
	xsd__dateTime CompleteTime;
};

/* ------------------------------------------------------------------ CPE -> ACS requests */
struct _cwmp__Inform {
	struct cwmp__DeviceIdStruct *DeviceId;
	struct EventList *Event;
	unsigned int MaxEnvelopes;
	xsd__dateTime CurrentTime;
	unsigned int RetryCount;
	struct ParameterValueList *ParameterList;
};
struct _cwmp__InformResponse {
	unsigned int MaxEnvelopes;
};

struct _cwmp__TransferComplete {
	char *CommandKey;
	struct cwmp__TransferCompleteFaultStruct *FaultStruct;
	xsd__dateTime StartTime;
	xsd__dateTime CompleteTime;
};
struct _cwmp__TransferCompleteResponse { };
