/* CWMP event queue: the events of TR-069 section 3.7.1.5 with their delivery, reboot, ACS-change
 * and retry rules, plus the parameters whose value change is to be reported, persisted in the store.
 *
 * struct cwmp_events is a plain value (no heap): the pure functions below change it, and
 * cwmp_events_load()/cwmp_events_save() move it to and from the store state "cwmp.events". Not
 * thread-safe; the daemon guards its copy with its lock.
 */
#ifndef PHONESEC_TR069_EVENTS_H
#define PHONESEC_TR069_EVENTS_H

#include <stdbool.h>
#include <stddef.h>

struct store;

enum cwmp_event_code {
	CWMP_EV_BOOTSTRAP = 0,      /* "0 BOOTSTRAP": first start, factory reset, ACS URL change */
	CWMP_EV_BOOT,               /* "1 BOOT" */
	CWMP_EV_PERIODIC,           /* "2 PERIODIC" */
	CWMP_EV_SCHEDULED,          /* "3 SCHEDULED" */
	CWMP_EV_VALUE_CHANGE,       /* "4 VALUE CHANGE" */
	CWMP_EV_CONNECTION_REQUEST, /* "6 CONNECTION REQUEST": never retried */
	CWMP_EV_TRANSFER_COMPLETE,  /* "7 TRANSFER COMPLETE": until TransferCompleteResponse */
	CWMP_EV_M_REBOOT,           /* "M Reboot" */
	CWMP_EV_M_SCHEDULE_INFORM,  /* "M ScheduleInform" */
	CWMP_EV_M_DOWNLOAD,         /* "M Download": until TransferCompleteResponse */
	CWMP_EV_M_UPLOAD,           /* "M Upload": until TransferCompleteResponse */
	CWMP_EV_COUNT
};

enum cwmp_events_err {
	CWMP_EVENTS_OK = 0,
	CWMP_EVENTS_E_INVALID = -1, /* bad code or argument */
	CWMP_EVENTS_E_FULL = -2,    /* the queue or the parameter list is full */
	CWMP_EVENTS_E_STORE = -3,   /* the store failed */
	CWMP_EVENTS_E_SYNTAX = -4,  /* the persisted text is damaged (what could be read is kept) */
};

#define CWMP_EVENTS_MAX 64          /* TR-069 A.3.3.1: at most 64 EventStructs in an Inform */
#define CWMP_EVENTS_KEY_MAX 32      /* CommandKey: string(32) */
#define CWMP_EVENTS_PARAMS_MAX 64   /* parameters waiting to be reported as changed */
#define CWMP_EVENTS_PATH_MAX 256    /* a parameter path: string(256) */
#define CWMP_EVENTS_STATE "cwmp.events"
/* Longest text cwmp_events_format() can produce (every field percent-encoded). */
#define CWMP_EVENTS_TEXT_MAX \
	(8 + CWMP_EVENTS_MAX * (4 + 20 + 3 * CWMP_EVENTS_KEY_MAX) + \
	 CWMP_EVENTS_PARAMS_MAX * (4 + 3 * CWMP_EVENTS_PATH_MAX))

struct cwmp_event {
	enum cwmp_event_code code;
	char command_key[CWMP_EVENTS_KEY_MAX + 1]; /* "" for the events without one */
};

struct cwmp_events {
	size_t n;
	struct cwmp_event ev[CWMP_EVENTS_MAX];
	size_t n_params;
	char params[CWMP_EVENTS_PARAMS_MAX][CWMP_EVENTS_PATH_MAX + 1];
};

/* "0 BOOTSTRAP", "M Reboot"...; NULL when out of range. */
const char *cwmp_events_code_name(enum cwmp_event_code code);
/* By TR-069 string; -1 when unknown. */
int cwmp_events_code_from_name(const char *name);

void cwmp_events_init(struct cwmp_events *q);
/* Adds an event. Single events (all but M ScheduleInform, M Download, M Upload) are kept once:
 * adding one again only updates its CommandKey. key may be NULL (""), longer keys are refused. */
int cwmp_events_add(struct cwmp_events *q, enum cwmp_event_code code, const char *key);
bool cwmp_events_has(const struct cwmp_events *q, enum cwmp_event_code code);
/* Records a parameter whose change is to be reported (adds 4 VALUE CHANGE too). Duplicates are
 * kept once. */
int cwmp_events_add_param(struct cwmp_events *q, const char *path);

/* The InformResponse arrived: every event is delivered except 7 TRANSFER COMPLETE, M Download and
 * M Upload (those wait for the TransferCompleteResponse); the changed parameters are delivered. */
void cwmp_events_inform_delivered(struct cwmp_events *q);
/* The TransferCompleteResponse arrived. */
void cwmp_events_transfer_delivered(struct cwmp_events *q);
/* The session failed before the InformResponse: 6 CONNECTION REQUEST is not retried. */
void cwmp_events_session_failed(struct cwmp_events *q);
/* The device rebooted: keeps BOOTSTRAP, TRANSFER COMPLETE, M Reboot, M Download, M Upload, drops
 * the rest (and the changed parameters), adds 1 BOOT. */
void cwmp_events_rebooted(struct cwmp_events *q);
/* The ACS URL changed (or a factory reset): everything is discarded, 0 BOOTSTRAP queued. */
void cwmp_events_acs_changed(struct cwmp_events *q);

/* Text form: "v1\n" then "E <code name>\t<key>\n" and "P <path>\n" lines, key and path
 * percent-encoded. out gets a NUL-terminated text; CWMP_EVENTS_E_FULL when outlen is too small. */
int cwmp_events_format(char *out, size_t outlen, const struct cwmp_events *q);
/* Parses the text form into q (initialised first). Unknown lines are skipped and reported as
 * CWMP_EVENTS_E_SYNTAX after everything readable was taken. */
int cwmp_events_parse(struct cwmp_events *q, const char *text);

/* Loads q from the store state (an empty queue when absent; *first_start, when non-NULL, is set
 * to true then). Saves it (one state write). */
int cwmp_events_load(struct cwmp_events *q, bool *first_start, struct store *st);
int cwmp_events_save(struct store *st, const struct cwmp_events *q);
struct store_txn;
/* Adds the queue to a store transaction (daemon state only), so that it is written atomically
 * with other state (the daemon's transfer records). */
int cwmp_events_txn_save(struct store_txn *txn, const struct cwmp_events *q);

#endif
