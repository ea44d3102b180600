/* Fuzz target over the RPC handlers (cwmp_rpc_answer, tr069/rpc.c and tr069/model.c): every
 * input is parsed as the session parses an ACS message and, when it is an ACS request, answered
 * against the data model over a real store, as tr069/session.c does.
 *
 * Each input starts from the same store (a copy of one made at start-up), so a finding replays
 * alone. Checked per input:
 * - the answer is written, parses back, echoes the cwmp:ID and is the request's response or a
 *   Fault;
 * - a Fault changes nothing: no audit entry, the same values, locks and ParameterKey;
 * - whatever was committed passes the store's validation again (a value written is a value the
 *   registry accepts), and the store still opens;
 * - after a change, every writable parameter but the secrets written back with the value read is
 *   accepted and changes no setting (an ACS restoring what it read).
 * An input that is not a CWMP message is taken as a vendor configuration file the ACS had us
 * download (cwmp_model_import, the store's configuration files with their "@lock"/"@unlock"
 * lines): a refused file changes nothing, an imported one leaves valid values, and the export of
 * the result (values and locks) imports again without changing anything, not even the audit log.
 * The store lives in $TMPDIR (a tmpfs such as /dev/shm keeps the commits' fsync cheap).
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "fuzz.h"
#include "model.h"
#include "msg.h"
#include "rpc.h"
#include "store.h"

#define FUZZ_MAX_IN (256u * 1024u) /* CWMP_SESSION_MAX_BODY of tr069/session.h */
#define FUZZ_PRINCIPAL "http://acs.fuzz.invalid/acs"

static struct cwmp_msg *fz_codec, *fz_re;
static struct cwmp_conf fz_conf;
static char fz_dir[256], fz_path[300];
static unsigned char *fz_pristine;
static size_t fz_pristine_len;

static void fz_fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_cwmp_rpc: %s: %s\n", what, detail ? detail : "");
	abort();
}

static void fz_unlink_store(void)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal", "-feed" };
	char p[320];

	for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", fz_path, sfx[i]);
		unlink(p);
	}
}

static void fz_cleanup(void)
{
	fz_unlink_store();
	rmdir(fz_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];
	const char *tmp = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	if (cwmp_conf_load(&fz_conf, NULL, err, sizeof(err)))
		fz_fail("configuration", err);
	snprintf(fz_conf.vendor, sizeof(fz_conf.vendor), "EXAMPLE-COM");
	if (cwmp_msg_new(&fz_codec, FUZZ_MAX_IN, 0) || cwmp_msg_new(&fz_re, 0, 0))
		fz_fail("setup", "cwmp_msg_new failed");
	cwmp_msg_keep_input(fz_codec, true);
	snprintf(fz_dir, sizeof(fz_dir), "%s/fuzz-rpc.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(fz_dir))
		fz_fail("mkdtemp", strerror(errno));
	snprintf(fz_path, sizeof(fz_path), "%s/settings.db", fz_dir);
	atexit(fz_cleanup);
	if (store_create(fz_path, NULL, NULL, err, sizeof(err)) != STORE_OK)
		fz_fail("store_create", err);
	/* the store as made, read once: every input starts from these bytes */
	FILE *f = fopen(fz_path, "rb");
	struct stat sb;
	if (!f || fstat(fileno(f), &sb) || sb.st_size <= 0)
		fz_fail("reading the new store", strerror(errno));
	fz_pristine_len = (size_t)sb.st_size;
	fz_pristine = malloc(fz_pristine_len);
	if (!fz_pristine || fread(fz_pristine, 1, fz_pristine_len, f) != fz_pristine_len)
		fz_fail("reading the new store", "short read");
	fclose(f);
	return 0;
}

static struct store *fz_store_fresh(void)
{
	char err[256];
	struct store *st = NULL;

	fz_unlink_store();
	int fd = open(fz_path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || write(fd, fz_pristine, fz_pristine_len) != (ssize_t)fz_pristine_len)
		fz_fail("writing the store", strerror(errno));
	close(fd);
	if (store_open(&st, fz_path, err, sizeof(err)) != STORE_OK)
		fz_fail("store_open", err);
	return st;
}

/* What a Fault must leave as it was. */
struct fz_state {
	struct store_snapshot *snap;
	char *param_key;
};

static void fz_state_take(struct fz_state *s, struct store *st)
{
	if (store_snapshot_take(&s->snap, st) != STORE_OK)
		fz_fail("snapshot", store_errmsg(st));
	s->param_key = NULL;
	int rc = store_state_get(&s->param_key, st, "cwmp.parameter_key");
	if (rc != STORE_OK && rc != STORE_E_NOT_FOUND)
		fz_fail("reading the ParameterKey", store_errmsg(st));
	if (rc != STORE_OK)
		s->param_key = NULL;
}

static void fz_state_free(struct fz_state *s)
{
	store_snapshot_free(s->snap);
	free(s->param_key);
}

static void fz_settings_same(const struct fz_state *a, const struct fz_state *b, const char *what)
{
	for (size_t i = 0; i < a->snap->count; i++) {
		const struct store_row *x = &a->snap->rows[i], *y = &b->snap->rows[i];
		if (strcmp(x->running, y->running) || x->locked != y->locked ||
		    x->secret_set != y->secret_set)
			fz_fail(what, x->setting->key);
	}
}

static void fz_state_same(const struct fz_state *a, const struct fz_state *b)
{
	if (a->snap->head_seq != b->snap->head_seq)
		fz_fail("a Fault left an audit entry", NULL);
	fz_settings_same(a, b, "a Fault changed a setting");
	if ((a->param_key == NULL) != (b->param_key == NULL) ||
	    (a->param_key && strcmp(a->param_key, b->param_key)))
		fz_fail("a Fault changed the ParameterKey", NULL);
}

/* Every running value validates again (secrets read back as ""; they are checked on write). */
static void fz_state_valid(const struct fz_state *s)
{
	for (size_t i = 0; i < s->snap->count; i++) {
		const struct store_row *r = &s->snap->rows[i];
		char *canon = NULL;
		char why[200];
		if (r->setting->type == STORE_TYPE_SECRET)
			continue;
		if (store_value_check(&canon, r->setting, r->running, why, sizeof(why)) != STORE_OK)
			fz_fail("the store holds a value its registry refuses", r->setting->key);
		if (strcmp(canon, r->running))
			fz_fail("the store holds a value that is not canonical", r->setting->key);
		free(canon);
	}
}

/* After a change: an ACS writing back every writable parameter (secrets aside) with the value it
 * reads now is accepted and changes no setting. */
static void fz_write_back(struct store *st, struct cwmp_model *model)
{
	size_t n = cwmp_model_count(model), k = 0;
	struct cwmp_model_set_item *items = calloc(n ? n : 1, sizeof(*items));
	char **vals = calloc(n ? n : 1, sizeof(*vals));
	struct fz_state before, after;

	if (!items || !vals)
		fz_fail("write-back", "out of memory");
	fz_state_take(&before, st);
	for (size_t i = 0; i < n; i++) {
		const struct cwmp_param_info *p = cwmp_model_param(model, i);
		if (!p->writable || p->hidden)
			continue;
		if (cwmp_model_value(model, i, &vals[k]))
			fz_fail("a writable parameter does not read", p->path);
		items[k] = (struct cwmp_model_set_item){ .path = p->path, .value = vals[k],
							 .xsi_type = p->xsd_type };
		k++;
	}
	int status = 0;
	if (cwmp_model_set(model, items, k, before.param_key, FUZZ_PRINCIPAL, &status, NULL)) {
		for (size_t i = 0; i < k; i++)
			if (items[i].fault)
				fprintf(stderr, "write-back: %s = \"%s\": fault %u (%s)\n", items[i].path,
					items[i].value, items[i].fault,
					items[i].fault_msg ? items[i].fault_msg : "");
		fz_fail("values read do not write back", cwmp_model_errmsg(model));
	}
	fz_state_take(&after, st);
	fz_settings_same(&before, &after, "writing back the values read changed a setting");
	for (size_t i = 0; i < k; i++)
		free(vals[i]);
	free(vals);
	free(items);
	fz_state_free(&before);
	fz_state_free(&after);
}

static void fz_answer(const struct cwmp_msg_in *req, struct store *st, struct cwmp_model *model)
{
	struct cwmp_rpc_result res;
	struct fz_state before, after;
	const char *out = NULL;
	size_t len = 0;
	enum cwmp_rpc rpc = req->rpc;
	char id[256] = "";
	bool has_id = req->hdr.id != NULL;

	if (has_id)
		snprintf(id, sizeof(id), "%s", req->hdr.id);
	fz_state_take(&before, st);
	memset(&res, 0, sizeof(res));
	int err = cwmp_rpc_answer(&out, &len, fz_codec, model, req, FUZZ_PRINCIPAL, &res);
	if (err == CWMP_MSG_E_TOO_BIG) {
		fz_state_free(&before);
		return;
	}
	if (err || !out)
		fz_fail("no answer", cwmp_msg_errmsg(fz_codec));
	if (strlen(out) != len)
		fz_fail("answer", "output length");

	struct cwmp_msg_in back;
	err = cwmp_msg_parse(&back, fz_re, out, len);
	if (err == CWMP_MSG_E_TOO_BIG) {
		fz_state_free(&before);
		return;
	}
	if (err) {
		fprintf(stderr, "---- written:\n%s\n----\n", out);
		fz_fail("our answer does not parse back", cwmp_msg_errmsg(fz_re));
	}
	/* the enum pairs every request with its response right after it */
	if (back.rpc != CWMP_RPC_FAULT && (rpc == CWMP_RPC_UNKNOWN || back.rpc != rpc + 1))
		fz_fail("answered with another RPC", back.method);
	if (has_id != (back.hdr.id != NULL) || (has_id && strncmp(id, back.hdr.id, sizeof(id) - 1)))
		fz_fail("cwmp:ID not echoed", has_id ? id : "(none)");

	fz_state_take(&after, st);
	if (back.rpc == CWMP_RPC_FAULT)
		fz_state_same(&before, &after);
	fz_state_valid(&after);
	bool changed = after.snap->head_seq != before.snap->head_seq;
	fz_state_free(&before);
	fz_state_free(&after);
	explicit_bzero(&res.transfer, sizeof(res.transfer));
	if (changed)
		fz_write_back(st, model);
}

/* The input as a downloaded configuration file. */
static void fz_import(const uint8_t *data, size_t size, struct store *st, struct cwmp_model *model)
{
	struct fz_state before, after, again;

	fz_state_take(&before, st);
	int fault = cwmp_model_import(model, (const char *)data, size, FUZZ_PRINCIPAL);
	fz_state_take(&after, st);
	if (fault) {
		if (fault < 9000 || fault > 9899 || !cwmp_model_errmsg(model)[0])
			fz_fail("import refused without a CWMP fault and a reason", NULL);
		fz_state_same(&before, &after);
	}
	fz_state_valid(&after);
	if (!fault)
		fz_write_back(st, model);

	char *text = NULL;
	if (cwmp_model_export(model, &text))
		fz_fail("export", cwmp_model_errmsg(model));
	if (cwmp_model_import(model, text, strlen(text), FUZZ_PRINCIPAL)) {
		fprintf(stderr, "---- exported:\n%s----\n", text);
		fz_fail("our own export does not import", cwmp_model_errmsg(model));
	}
	fz_state_take(&again, st);
	/* values and locks: the export carries both, and re-imported changes nothing at all */
	fz_settings_same(&after, &again, "export and import changed a setting or a lock");
	if (again.snap->head_seq != after.snap->head_seq)
		fz_fail("our own export re-imported left an audit entry", NULL);
	free(text);
	fz_state_free(&before);
	fz_state_free(&after);
	fz_state_free(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cwmp_msg_in req;

	if (!fz_codec)
		LLVMFuzzerInitialize(NULL, NULL);
	int err = cwmp_msg_parse(&req, fz_codec, (const char *)data, size);
	bool request = err == CWMP_MSG_OK &&
		       (req.rpc == CWMP_RPC_UNKNOWN || cwmp_rpc_is_acs_request(req.rpc));
	/* other messages (responses, faults, broken envelopes) are fuzz_cwmp_msg's */
	if (request || (err != CWMP_MSG_OK && (!size || data[0] != '<'))) {
		struct store *st = fz_store_fresh();
		struct cwmp_model *model = NULL;
		if (cwmp_model_new(&model, st, &fz_conf))
			fz_fail("cwmp_model_new", NULL);
		if (request)
			fz_answer(&req, st, model);
		else
			fz_import(data, size, st, model);
		cwmp_model_free(model);
		store_close(st);
		/* the store must still open and read */
		st = NULL;
		char e[256];
		if (store_open(&st, fz_path, e, sizeof(e)) != STORE_OK)
			fz_fail("the store does not open after the answer", e);
		store_close(st);
	}
	cwmp_msg_reset(fz_codec);
	cwmp_msg_reset(fz_re);
	return 0;
}
