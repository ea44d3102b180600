/* The TR-181 (Device:2) data model of phonesec-cwmpd: parameter paths mapped onto the store's
 * registry, device identity from conf, and the few values that live elsewhere (ParameterKey,
 * ConnectionRequestURL, compliance). One table of rows, one generic read and write path.
 *
 * Contract:
 * - A struct cwmp_model borrows st and conf: both must outlive it. Not thread-safe; one per
 *   session thread (it uses st, which is not thread-safe either).
 * - Paths are full TR-069 names ("Device.ManagementServer.URL"); X_{VENDOR}_ of the registry is
 *   written X_<conf.vendor>_. Partial paths end in '.'.
 * - Functions returning CWMP fault codes return 0 on success, else 9001..9019 (msg.h).
 * - Pointers to paths (forced list, paths_for_key, cwmp_model_param) are owned by the model and
 *   live as long as it.
 *
 * Mapping of the setting without a one-to-one parameter:
 * webserver_type <-> UserInterface.Enable (E) and UserInterface.HTTPAccess.{1 HTTP, 2 HTTPS}.Enable
 * (A1, A2):
 *   E=1 A1=1 A2=1 -> http_https   E=1 A1=0 A2=1 -> https   E=1 A1=1 A2=0 -> http
 *   E=1 A1=0 A2=0 -> refused (9007: an enabled web UI needs one listener)
 *   E=0 (any A1, A2) -> off, and A1/A2 are kept in store state "cwmp.wui_access" so that they
 *   read back as written while the web UI is off (and come back when E is set to 1 again).
 * Every accepted combination reads back exactly as written. HTTPAccess.{i}.Status is "Up" when
 * that listener is open (E and Ai), else "Down".
 */
#ifndef PHONESEC_TR069_MODEL_H
#define PHONESEC_TR069_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "store.h"

struct cwmp_model;

/* ------------------------------------------------------------------ used by the session and daemon */

int cwmp_model_new(struct cwmp_model **out, struct store *st, const struct cwmp_conf *conf);
void cwmp_model_free(struct cwmp_model *m);
/* Copied. Read back by ManagementServer.ConnectionRequestURL ("" until set). */
void cwmp_model_set_cr_url(struct cwmp_model *m, const char *url);
/* Forced inform parameters: Device.RootDataModelVersion, DeviceInfo.HardwareVersion,
 * SoftwareVersion, ProvisioningCode, ManagementServer.ParameterKey, ConnectionRequestURL,
 * AliasBasedAddressing, and the registry's STORE_F_FORCED_INFORM rows (ManagementServer.URL). */
size_t cwmp_model_forced(const struct cwmp_model *m, const char *const **paths);
/* Value of one full parameter path: *value malloc'd ("" for hidden/secured), *xsd_type static
 * ("xsd:string", "xsd:boolean", "xsd:unsignedInt", "xsd:dateTime", "xsd:int"). Returns the CWMP
 * fault code: 0, 9005 unknown or partial path, 9002 store failure. */
int cwmp_model_get(struct cwmp_model *m, const char *path, char **value, const char **xsd_type);
/* Parameter paths a store key appears as (for value-change notification), at most max of
 * them; returns how many. webserver_type gives UserInterface.Enable and HTTPAccess.{i}.Enable
 * and .Status. Derived values (X_<VENDOR>_Compliance.*) are not listed: they may change with any
 * key, so a follower that watches them compares cwmp_model_get() before and after. */
size_t cwmp_model_paths_for_key(struct cwmp_model *m, const char *key, const char **paths,
				size_t max);
/* Notification attribute of a path as set by SetParameterAttributes: 0 off, 1 passive,
 * 2 active (kept in store state "cwmp.attr.<path>"). SoftwareVersion and ProvisioningCode are
 * always 2, ConnectionRequestURL defaults to 2 (TR-181 activeNotify). 0 for unknown paths. */
int cwmp_model_notification(struct cwmp_model *m, const char *path);
/* Vendor configuration file (Download/Upload FileType "3 Vendor Configuration File"): the
 * store's configuration file (store_config_export / store_config_import: "key = value" lines,
 * "@lock"/"@unlock" lines, secrets never exported). export: *text malloc'd. import: ONE store
 * transaction (STORE_TXN_BOTH, source tr069, administrator role, principal); nothing changes on
 * any error. Both return 0 or a CWMP fault code: 9018 (file corrupted: too large, syntax, unknown
 * key, invalid value or combination; cwmp_model_errmsg() says which, with the line), 9002 (store
 * failure), 9004 (export: out of memory). */
int cwmp_model_export(struct cwmp_model *m, char **text);
/* Vendor log file (Upload FileType "4 Vendor Log File", or "2 Vendor Log File" of CWMP 1.0):
 * the last CWMP_MODEL_LOG_ENTRIES entries of the store's audit log, oldest first, one a line:
 * "seq time action[+save] source principal keys" (keys are names, values never appear).
 * *text malloc'd. Returns 0 or a fault code (9002). */
#define CWMP_MODEL_LOG_ENTRIES 1000
int cwmp_model_export_log(struct cwmp_model *m, char **text);
int cwmp_model_import(struct cwmp_model *m, const char *text, size_t len, const char *principal);

/* ------------------------------------------------------------------ used by rpc.c */

#define CWMP_MODEL_IMPORT_MAX STORE_CONFIG_MAX

/* The configuration the model was made with (firmware hook, identity). */
const struct cwmp_conf *cwmp_model_conf(const struct cwmp_model *m);
/* Message of the last failure (never a secret). Owned by m. */
const char *cwmp_model_errmsg(const struct cwmp_model *m);
/* The one table mapping store errors to CWMP fault codes. */
unsigned cwmp_model_fault_of(int store_err);

/* Batched reads: between begin and end, values come from one store snapshot (consistent and
 * cheaper for a whole GetParameterValues or Inform). Nesting is not supported. Returns a fault
 * code. The snapshot is kept after end and used again by the next begin while it is current:
 * the store's audit head has not moved and this model committed nothing since (the daemon state
 * it reads is written by this model alone; a factory reset, which deletes it, is audited). */
int cwmp_model_read_begin(struct cwmp_model *m);
void cwmp_model_read_end(struct cwmp_model *m);

/* The parameters, in tree order. */
struct cwmp_param_info {
	const char *path;
	const char *xsd_type;
	bool writable;
	bool hidden;   /* a secret: reads back as "" (TR-069 hidden/secured) */
};
size_t cwmp_model_count(const struct cwmp_model *m);
const struct cwmp_param_info *cwmp_model_param(const struct cwmp_model *m, size_t i);
/* Value of parameter i (*value malloc'd). Fault code. */
int cwmp_model_value(struct cwmp_model *m, size_t i, char **value);

/* Parameters selected by a path: a full name selects itself; a partial path ("...X.") every
 * parameter below it; "" every parameter. cb is called for each, in tree order; a non-zero
 * return of cb stops and is returned. 9005 when the path names nothing. */
int cwmp_model_select(struct cwmp_model *m, const char *path,
		      int (*cb)(void *ctx, size_t i), void *ctx);
/* GetParameterNames (TR-069 A.3.2.2): objects (ending in '.') and parameters for path and
 * next_level; cb gets each name and its Writable flag. 9005 unknown path, 9003 next_level on a
 * full parameter name. */
int cwmp_model_names(struct cwmp_model *m, const char *path, bool next_level,
		     int (*cb)(void *ctx, const char *name, bool writable), void *ctx);

/* SetParameterValues. The caller has refused duplicate names. Each item gets its fault (0 when
 * fine). Returns 0 when applied (status: 1 when a daemon must restart listeners, seq: audit
 * sequence of the commit, 0 when nothing changed), 9003 when items carry faults, or another
 * fault code for the whole request (9002). Nothing is written unless everything is valid. */
struct cwmp_model_set_item {
	const char *path;
	const char *value;      /* NULL = "" */
	const char *xsi_type;   /* NULL = not given */
	unsigned fault;         /* out */
	const char *fault_msg;  /* out, static or owned by m until the next call; may be NULL */
};
int cwmp_model_set(struct cwmp_model *m, struct cwmp_model_set_item *items, size_t n,
		   const char *parameter_key, const char *principal, int *status, uint64_t *seq);

/* Attributes. */
int cwmp_model_attr_get(struct cwmp_model *m, size_t i, int *notification, bool *subscriber);
struct cwmp_model_attr_item {
	const char *path;       /* full or partial */
	bool notification_change;
	int notification;
	bool access_change;
	bool subscriber;        /* AccessList contains "Subscriber" */
};
/* All items checked first (9005, 9003 bad notification, 9009 rejected notification); then
 * notifications in one store transaction of daemon state, locks in one transaction per
 * direction. Returns a fault code. */
int cwmp_model_attr_set(struct cwmp_model *m, const struct cwmp_model_attr_item *items, size_t n,
			const char *principal);

/* AddObject / DeleteObject: the tables have fixed instances (Users.User.1 admin, .2 web UI;
 * UserInterface.HTTPAccess.1 HTTP, .2 HTTPS). AddObject on a table: 9004; on anything else
 * 9005. DeleteObject of an existing instance: 9001; else 9005. */
int cwmp_model_add_object(struct cwmp_model *m, const char *path, unsigned *instance);
int cwmp_model_delete_object(struct cwmp_model *m, const char *path);

#endif
