/* CWMP RPC handlers of phonesec-cwmpd: answers one ACS request (TR-069 Annex A) from the data
 * model and the store, and reports the effects the session carries out after the session.
 *
 * Contract: cwmp_rpc_answer() writes the response (or fault) with the codec; out and len are owned
 * by the codec as for cwmp_msg_write(). req may come from the same codec: everything needed
 * from it is copied before the codec is reused. Not thread-safe (one per session thread).
 */
#ifndef PHONESEC_TR069_RPC_H
#define PHONESEC_TR069_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "model.h"
#include "msg.h"

/* A Download or Upload the ACS asked for, done after the session. */
struct cwmp_transfer {
	bool upload;
	char command_key[33], file_type[65], url[1025], username[257], password[257], target[257];
	unsigned delay_s;
	uint64_t file_size;
};

/* Effects the session carries out after the session ends. Fields are set, never cleared, so
 * one result can gather a whole session's requests (zero it at session start). */
struct cwmp_rpc_result {
	bool reboot;
	char reboot_key[33];
	bool factory_reset;
	bool schedule_inform;
	unsigned schedule_delay_s;
	char schedule_key[33];
	bool transfer_pending;
	struct cwmp_transfer transfer;
	bool wui_restart;   /* SetParameterValues answered Status 1 */
	uint64_t store_seq; /* audit seq of our own last commit (not notified back to the ACS) */
};

/* FileType values of TR-069 A.3.2.8 / A.4.1.5. */
#define CWMP_FILETYPE_FIRMWARE "1 Firmware Upgrade Image"
#define CWMP_FILETYPE_CONFIG "3 Vendor Configuration File"
#define CWMP_FILETYPE_LOG "4 Vendor Log File"
#define CWMP_FILETYPE_LOG_OLD "2 Vendor Log File" /* CWMP 1.0's name, Upload only */
/* An Upload of the change log (either name). */
static inline bool cwmp_filetype_is_log(const char *ft)
{
	return !strcmp(ft, CWMP_FILETYPE_LOG) || !strcmp(ft, CWMP_FILETYPE_LOG_OLD);
}

/* Answers req (an ACS request) with a response or a fault written by codec in req->ns, echoing
 * req->hdr.id. principal: ACS URL for the audit log. Unknown/unsupported RPC -> fault 9000.
 * The firmware hook is read from the model's conf (cwmp_model_conf()).
 * Returns 0 when *out holds a message (response or fault), else a CWMP_MSG_E_* error. */
int cwmp_rpc_answer(const char **out, size_t *len, struct cwmp_msg *codec, struct cwmp_model *model,
		    const struct cwmp_msg_in *req, const char *principal, struct cwmp_rpc_result *res);

/* The methods we answer, for GetRPCMethods (and the test ACS). NULL-terminated, static. */
const char *const *cwmp_rpc_methods(void);

#endif
