/* Fuzz target over the CWMP message parser (cwmp_msg_parse, tr069/msg.c): every input is parsed
 * as the session parses ACS messages, and what parses is written back and parsed again.
 *
 * Per input, as tr069/session.c would: a parse with the session's input limit; a known request
 * that does not deserialize (or an unknown mandatory header) gets fault 9003 with the echoed ID,
 * an unknown method fault 9000, a Fault from the ACS is re-written with its entries; any other
 * parsed message is re-serialized in its namespace with its ID (cwmp_msg_write) and that output
 * must parse again to the same RPC: anything we read we must be able to write readably. The
 * codecs live as long as the process, like a session's codecs across its messages.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "msg.h"

#define FUZZ_MAX_IN (256u * 1024u) /* CWMP_SESSION_MAX_BODY of tr069/session.h */

static struct cwmp_msg *fz_in, *fz_out, *fz_re;

static void fz_fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_cwmp_msg: %s: %s\n", what, detail);
	abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (cwmp_msg_new(&fz_in, FUZZ_MAX_IN, 0) || cwmp_msg_new(&fz_out, 0, 0) ||
	    cwmp_msg_new(&fz_re, 0, 0))
		fz_fail("setup", "cwmp_msg_new failed");
	return 0;
}

/* The fault a CPE answers to a message it could not take; the output must parse as a Fault. */
static void fz_write_fault(const struct cwmp_msg_in *req, const struct cwmp_fault *f)
{
	const char *out = NULL;
	size_t len = 0;
	struct cwmp_msg_in back;

	int err = cwmp_msg_write_fault(&out, &len, fz_out, req->ns, req->hdr.id, f);
	if (err == CWMP_MSG_E_TOO_BIG)
		return;
	if (err)
		fz_fail("write fault", cwmp_msg_errmsg(fz_out));
	if (!out || strlen(out) != len)
		fz_fail("write fault", "output length");
	err = cwmp_msg_parse(&back, fz_re, out, len);
	if (err == CWMP_MSG_E_TOO_BIG)
		return;
	if (err || back.rpc != CWMP_RPC_FAULT)
		fz_fail("our fault does not parse back", cwmp_msg_errmsg(fz_re));
	if (!back.body || ((const struct _cwmp__Fault *)back.body)->FaultCode != f->code)
		fz_fail("our fault does not parse back", "FaultCode differs");
}

/* Re-writes a parsed ACS Fault (code, string, SetParameterValuesFault entries). */
static void fz_refault(const struct cwmp_msg_in *req)
{
	const struct _cwmp__Fault *cf = req->body;
	struct cwmp_param_fault params[64];
	struct cwmp_fault f = { .code = CWMP_FAULT_INTERNAL };

	if (cf) {
		f.code = cf->FaultCode;
		f.string = cf->FaultString;
		int n = cf->__sizeSetParameterValuesFault;
		for (int i = 0; cf->SetParameterValuesFault && i < n && i < 64; i++) {
			const struct cwmp__SetParameterValuesFault *p = &cf->SetParameterValuesFault[i];
			params[i] = (struct cwmp_param_fault){ .name = p->ParameterName,
							       .code = p->FaultCode,
							       .string = p->FaultString };
			f.n_params = (size_t)i + 1;
		}
		f.params = f.n_params ? params : NULL;
	}
	fz_write_fault(req, &f);
}

/* Writes the parsed message back with its ID and checks that it parses to the same RPC. */
static void fz_roundtrip(const struct cwmp_msg_in *req)
{
	const char *out = NULL;
	size_t len = 0;
	struct cwmp_msg_in back;

	int err = cwmp_msg_write(&out, &len, fz_out, req->ns, &req->hdr, req->rpc, req->body);
	if (err == CWMP_MSG_E_TOO_BIG)
		return;
	if (err)
		fz_fail("re-write", cwmp_msg_errmsg(fz_out));
	if (!out || strlen(out) != len)
		fz_fail("re-write", "output length");
	err = cwmp_msg_parse(&back, fz_re, out, len);
	if (err == CWMP_MSG_E_TOO_BIG)
		return;
	if (err) {
		fprintf(stderr, "---- written:\n%s\n----\n", out);
		fz_fail("our own message does not parse back", cwmp_msg_errmsg(fz_re));
	}
	if (back.rpc != req->rpc || back.ns != req->ns)
		fz_fail("our own message parses differently", back.method);
	if ((req->hdr.id == NULL) != (back.hdr.id == NULL) ||
	    (req->hdr.id && back.hdr.id && strcmp(req->hdr.id, back.hdr.id)))
		fz_fail("cwmp:ID not echoed", req->hdr.id ? req->hdr.id : "(none)");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cwmp_msg_in req;

	if (!fz_in)
		LLVMFuzzerInitialize(NULL, NULL);
	int err = cwmp_msg_parse(&req, fz_in, (const char *)data, size);
	if (err == CWMP_MSG_E_ARGS || err == CWMP_MSG_E_HEADER) {
		struct cwmp_fault f = { .code = CWMP_FAULT_INVALID_ARGUMENTS };
		fz_write_fault(&req, &f);
	} else if (err == CWMP_MSG_OK) {
		if (req.rpc == CWMP_RPC_UNKNOWN) {
			struct cwmp_fault f = { .code = CWMP_FAULT_METHOD_NOT_SUPPORTED };
			fz_write_fault(&req, &f);
		} else if (req.rpc == CWMP_RPC_FAULT) {
			fz_refault(&req);
		} else {
			fz_roundtrip(&req);
		}
	} else if (cwmp_msg_strerror(err)[0] == '\0' || !cwmp_msg_errmsg(fz_in)) {
		fz_fail("error text", "empty");
	}
	/* the codecs keep their memory until the next message; free it so LeakSanitizer and
	 * -rss_limit_mb see one message at a time */
	cwmp_msg_reset(fz_in);
	cwmp_msg_reset(fz_out);
	cwmp_msg_reset(fz_re);
	return 0;
}
