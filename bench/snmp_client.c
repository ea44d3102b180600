/* bench/snmp_client: the timing side of bench/snmp.sh: SNMPv3 authPriv GETs and bulk walks over
 * Net-SNMP sessions, interleaved rounds against three targets, medians, ratios, subagent memory. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#define BENCH_GET_GOAL 1.2    /* our scalar <= 1.2 x the AgentX floor */
#define BENCH_WALK_GOAL_MS 20 /* whole PHONESEC-MIB bulk walk */
#define BENCH_WALK_MAX 4096   /* instances a walk may return before we call it runaway */
#define BENCH_APP "phonesec-bench"

enum bench_target { BENCH_OURS, BENCH_MASTER, BENCH_FLOOR, BENCH_NTARGETS };

static const char *const bench_target_label[BENCH_NTARGETS] = {
	[BENCH_OURS] = "phonesec-agentx scalar",
	[BENCH_MASTER] = "master's own (sysUpTime.0)",
	[BENCH_FLOOR] = "AgentX floor (constant)",
};

struct bench_opts {
	const char *peer;
	const char *user, *auth, *priv;
	const char *oid_text[BENCH_NTARGETS]; /* the three scalars */
	const char *walk_text;                /* the subtree to walk */
	long pid;                             /* phonesec-agentx: memory and CPU; 0: none */
	long floor_pid;                       /* snmp_floor: CPU; 0: none */
	int rounds, gets, walks, maxrep, mem_step;
};

struct bench_oid {
	oid name[MAX_OID_LEN];
	size_t len;
};

/* The instances of the walked subtree, collected by the first walk of the memory phase. */
struct bench_walk {
	struct bench_oid *inst;
	size_t n;
	int pdus; /* GETBULK requests of the last walk; 0 until the first walk recorded inst */
};

struct bench_mem {
	long rss_kb, anon_kb;
};

static int64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int bench_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Value at fraction q (0..1) of n sorted values; sorts them. */
static double bench_quantile(int64_t *v, size_t n, double q)
{
	size_t i;

	qsort(v, n, sizeof(*v), bench_cmp);
	if (q == 0.5 && n % 2 == 0)
		return ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2;
	i = (size_t)(q * (double)(n - 1) + 0.5);
	return (double)v[i];
}

/* ------------------------------------------------------------------------------------------ */
/* Sessions and requests                                                                        */

/* One single-session handle (snmp_sess_*: no global session list), SNMPv3 authPriv with
 * SHA-256 and AES-128 as conf/snmpd.conf.phonesec asks. The engine ID is probed at open. */
static void *bench_session_open(const struct bench_opts *o)
{
	netsnmp_session s;
	void *sp;

	snmp_sess_init(&s);
	s.peername = (char *)o->peer;
	s.version = SNMP_VERSION_3;
	s.securityName = (char *)o->user;
	s.securityNameLen = strlen(o->user);
	s.securityLevel = SNMP_SEC_LEVEL_AUTHPRIV;
	s.securityAuthProto = usmHMAC192SHA256AuthProtocol;
	s.securityAuthProtoLen = OID_LENGTH(usmHMAC192SHA256AuthProtocol);
	s.securityAuthKeyLen = USM_AUTH_KU_LEN;
	s.securityPrivProto = usmAESPrivProtocol;
	s.securityPrivProtoLen = USM_PRIV_PROTO_AES_LEN;
	s.securityPrivKeyLen = USM_PRIV_KU_LEN;
	if (generate_Ku(s.securityAuthProto, (u_int)s.securityAuthProtoLen, (const u_char *)o->auth,
			strlen(o->auth), s.securityAuthKey, &s.securityAuthKeyLen) != SNMPERR_SUCCESS ||
	    generate_Ku(s.securityAuthProto, (u_int)s.securityAuthProtoLen, (const u_char *)o->priv,
			strlen(o->priv), s.securityPrivKey, &s.securityPrivKeyLen) != SNMPERR_SUCCESS) {
		fprintf(stderr, "snmp_client: cannot derive the keys of %s\n", o->user);
		return NULL;
	}
	s.timeout = 2000000; /* µs; a lost answer fails the run rather than skewing it */
	s.retries = 0;
	sp = snmp_sess_open(&s);
	if (!sp)
		snmp_perror("snmp_client: snmp_sess_open");
	return sp;
}

static void bench_session_error(void *sp, const char *what)
{
	char *msg = NULL;
	int cerr = 0, serr = 0;

	snmp_sess_error(sp, &cerr, &serr, &msg);
	fprintf(stderr, "snmp_client: %s: %s\n", what, msg ? msg : "unknown error");
	free(msg);
}

/* Sends pdu (consumed) and returns the response or NULL (reported) on a transport failure or
 * an error status. */
static netsnmp_pdu *bench_request(void *sp, netsnmp_pdu *pdu, const char *what)
{
	netsnmp_pdu *resp = NULL;

	if (snmp_sess_synch_response(sp, pdu, &resp) != STAT_SUCCESS || !resp) {
		bench_session_error(sp, what);
		snmp_free_pdu(resp);
		return NULL;
	}
	if (resp->errstat != SNMP_ERR_NOERROR) {
		fprintf(stderr, "snmp_client: %s: %s (index %ld)\n", what,
			snmp_errstring((int)resp->errstat), resp->errindex);
		snmp_free_pdu(resp);
		return NULL;
	}
	return resp;
}

/* One GET of one instance; fails on noSuchObject and its kin, so a target that is not really
 * served cannot pass for a fast one. */
static int bench_get(void *sp, const struct bench_oid *o)
{
	netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GET), *resp;
	int rc = 0;

	if (!pdu)
		return -1;
	snmp_add_null_var(pdu, o->name, o->len);
	resp = bench_request(sp, pdu, "GET");
	if (!resp)
		return -1;
	if (!resp->variables || resp->variables->type == SNMP_NOSUCHOBJECT ||
	    resp->variables->type == SNMP_NOSUCHINSTANCE ||
	    resp->variables->type == SNMP_ENDOFMIBVIEW) {
		char buf[256];

		snprint_objid(buf, sizeof(buf), o->name, o->len);
		fprintf(stderr, "snmp_client: GET %s: no value\n", buf);
		rc = -1;
	}
	snmp_free_pdu(resp);
	return rc;
}

static bool bench_in_subtree(const struct bench_oid *root, const oid *name, size_t len)
{
	return len > root->len && snmp_oid_compare(root->name, root->len, name, root->len) == 0;
}

/* One GETBULK walk of root. Adds its requests to *requests; with w (inst allocated), records
 * the instances on the first walk and checks later walks against them. Returns the number of
 * varbinds or -1. */
static long bench_bulkwalk(void *sp, const struct bench_oid *root, int maxrep,
			   struct bench_walk *w, long *requests)
{
	struct bench_oid at = *root;
	long n = 0;
	int pdus = 0;

	for (;;) {
		netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GETBULK), *resp;
		bool done = false;

		if (!pdu)
			return -1;
		pdu->non_repeaters = 0;
		pdu->max_repetitions = maxrep;
		snmp_add_null_var(pdu, at.name, at.len);
		resp = bench_request(sp, pdu, "GETBULK");
		pdus++;
		if (requests)
			(*requests)++;
		if (!resp)
			return -1;
		for (netsnmp_variable_list *v = resp->variables; v && !done; v = v->next_variable) {
			if (v->type == SNMP_ENDOFMIBVIEW || v->type == SNMP_NOSUCHOBJECT ||
			    v->type == SNMP_NOSUCHINSTANCE ||
			    !bench_in_subtree(root, v->name, v->name_length) ||
			    v->name_length > MAX_OID_LEN) {
				done = true;
				break;
			}
			if (snmp_oid_compare(v->name, v->name_length, at.name, at.len) <= 0) {
				fprintf(stderr, "snmp_client: walk: OID not increasing\n");
				snmp_free_pdu(resp);
				return -1;
			}
			memcpy(at.name, v->name, v->name_length * sizeof(oid));
			at.len = v->name_length;
			if (w && w->pdus == 0 && w->n < BENCH_WALK_MAX)
				w->inst[w->n++] = at; /* the first walk records the instances */
			if (++n > BENCH_WALK_MAX) {
				fprintf(stderr, "snmp_client: walk: over %d instances\n",
					BENCH_WALK_MAX);
				snmp_free_pdu(resp);
				return -1;
			}
		}
		if (!resp->variables)
			done = true;
		snmp_free_pdu(resp);
		if (done)
			break;
	}
	if (w) {
		if (w->pdus != 0 && (size_t)n != w->n) {
			fprintf(stderr, "snmp_client: walk: %ld instances, %zu before\n", n, w->n);
			return -1;
		}
		w->pdus = pdus;
	}
	return n;
}

/* ------------------------------------------------------------------------------------------ */
/* Memory of the subagent                                                                        */

/* Value in kB of the line "key:   N kB" in file, -1 when absent. */
static long bench_proc_kb(const char *file, const char *key)
{
	FILE *f = fopen(file, "r");
	char line[256];
	size_t klen = strlen(key);
	long v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			v = strtol(line + klen + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* Nanoseconds PID has run on a CPU (/proc/PID/schedstat, first field), -1 when unknown. Unlike
 * latency this does not depend on what else the machine runs. */
static int64_t bench_cpu_ns(long pid)
{
	char path[64];
	long long ns = -1;
	FILE *f;

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%ld/schedstat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &ns) != 1)
		ns = -1;
	fclose(f);
	return ns;
}

static int bench_mem_sample(struct bench_mem *m, long pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	m->rss_kb = bench_proc_kb(path, "VmRSS");
	snprintf(path, sizeof(path), "/proc/%ld/smaps_rollup", pid);
	m->anon_kb = bench_proc_kb(path, "Anonymous");
	if (m->rss_kb < 0 || m->anon_kb < 0) {
		fprintf(stderr, "snmp_client: cannot read the memory of PID %ld\n", pid);
		return -1;
	}
	return 0;
}

/* count requests to the subagent: full bulk walks alternating with a GET of every instance
 * (every kind of value the MIB has), stopped exactly at count. */
static int bench_mem_load(void *sp, const struct bench_oid *root, const struct bench_opts *o,
			  struct bench_walk *w, long count)
{
	long sent = 0;

	while (sent < count) {
		if (bench_bulkwalk(sp, root, o->maxrep, w, &sent) < 0)
			return -1;
		for (size_t i = 0; i < w->n && sent < count; i++, sent++)
			if (bench_get(sp, &w->inst[i]) < 0)
				return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------------------------------ */

static void bench_usage(FILE *to)
{
	fprintf(to,
		"usage: bench/snmp_client -p PEER -u USER -A AUTHPASS -X PRIVPASS\n"
		"         -g OID -m OID -f OID -w OID [-P PID] [-F PID] [-r ROUNDS] [-n GETS]\n"
		"         [-W WALKS] [-B MAXREP] [-M REQUESTS]\n"
		"  -p  the master (udp:127.0.0.1:PORT); SNMPv3 authPriv, SHA-256 + AES\n"
		"  -g  our scalar (numeric OID of psHttpPort.0, served by phonesec-agentx)\n"
		"  -m  a scalar the master serves itself (sysUpTime.0)\n"
		"  -f  the AgentX floor's scalar (bench/snmp_floor)\n"
		"  -w  the subtree to bulk-walk (PHONESEC-MIB)\n"
		"  -P  PID of phonesec-agentx, for its memory and CPU time\n"
		"  -F  PID of snmp_floor, for its CPU time\n"
		"  -r  interleaved rounds (5)   -n  GETs per target and round (2000)\n"
		"  -W  walks (50)   -B  GETBULK max-repetitions (10)\n"
		"  -M  requests between memory samples (10000; 0: no memory phase)\n"
		"Run through bench/snmp.sh, which starts the master and the subagents.\n");
}

static int bench_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

static int bench_parse(struct bench_opts *o, int argc, char **argv)
{
	int c, bad = 0;

	*o = (struct bench_opts){
		.rounds = 5, .gets = 2000, .walks = 50, .maxrep = 10, .mem_step = 10000
	};
	while ((c = getopt(argc, argv, "p:u:A:X:g:m:f:w:P:F:r:n:W:B:M:h")) != -1) {
		switch (c) {
		case 'p': o->peer = optarg; break;
		case 'u': o->user = optarg; break;
		case 'A': o->auth = optarg; break;
		case 'X': o->priv = optarg; break;
		case 'g': o->oid_text[BENCH_OURS] = optarg; break;
		case 'm': o->oid_text[BENCH_MASTER] = optarg; break;
		case 'f': o->oid_text[BENCH_FLOOR] = optarg; break;
		case 'w': o->walk_text = optarg; break;
		case 'P': o->pid = strtol(optarg, NULL, 10); bad |= o->pid <= 0; break;
		case 'F': o->floor_pid = strtol(optarg, NULL, 10); bad |= o->floor_pid <= 0; break;
		case 'r': bad |= bench_int(optarg, 1, 1000, &o->rounds); break;
		case 'n': bad |= bench_int(optarg, 1, 10000000, &o->gets); break;
		case 'W': bad |= bench_int(optarg, 1, 100000, &o->walks); break;
		case 'B': bad |= bench_int(optarg, 1, 1000, &o->maxrep); break;
		case 'M': bad |= bench_int(optarg, 0, 100000000, &o->mem_step); break;
		case 'h': bench_usage(stdout); return 1;
		default: bad = 1; break;
		}
	}
	for (int t = 0; t < BENCH_NTARGETS; t++)
		bad |= !o->oid_text[t];
	if (bad || optind != argc || !o->peer || !o->user || !o->auth || !o->priv ||
	    !o->walk_text) {
		bench_usage(stderr);
		return 2;
	}
	return 0;
}

static int bench_oid_parse(struct bench_oid *o, const char *text)
{
	o->len = MAX_OID_LEN;
	if (!read_objid(text, o->name, &o->len)) {
		fprintf(stderr, "snmp_client: bad OID %s (numeric OIDs only)\n", text);
		return -1;
	}
	return 0;
}

/* Interleaved rounds: in round r the targets go in the order r, r+1, r+2 (mod 3), so each is
 * first, second and third alike and drift hits all three. lat[t]: every GET's latency in ns;
 * cpu[t]: CPU time the subagent serving t spent during its GETs (-1 when unknown). */
static int bench_gets(void *sess[BENCH_NTARGETS], const struct bench_oid tgt[BENCH_NTARGETS],
		      const struct bench_opts *o, int64_t *lat[BENCH_NTARGETS],
		      int64_t cpu[BENCH_NTARGETS])
{
	const long pid[BENCH_NTARGETS] = { [BENCH_OURS] = o->pid, [BENCH_FLOOR] = o->floor_pid };

	for (int t = 0; t < BENCH_NTARGETS; t++)
		cpu[t] = pid[t] > 0 ? 0 : -1;
	for (int r = 0; r < o->rounds; r++)
		for (int k = 0; k < BENCH_NTARGETS; k++) {
			int t = (r + k) % BENCH_NTARGETS;
			int64_t c0 = bench_cpu_ns(pid[t]), c1;

			for (int i = 0; i < o->gets; i++) {
				int64_t t0 = bench_now_ns();

				if (bench_get(sess[t], &tgt[t]) < 0)
					return -1;
				size_t at = (size_t)r * (size_t)o->gets + (size_t)i;

				lat[t][at] = bench_now_ns() - t0;
			}
			c1 = bench_cpu_ns(pid[t]);
			if (cpu[t] >= 0 && c0 >= 0 && c1 >= c0)
				cpu[t] += c1 - c0;
			else
				cpu[t] = -1;
		}
	return 0;
}

static void bench_report_gets(const struct bench_opts *o, int64_t *lat[BENCH_NTARGETS],
			      const int64_t cpu[BENCH_NTARGETS])
{
	size_t n = (size_t)o->rounds * (size_t)o->gets;
	double med[BENCH_NTARGETS], p90[BENCH_NTARGETS], p99[BENCH_NTARGETS], ratio;

	for (int t = 0; t < BENCH_NTARGETS; t++) {
		p90[t] = bench_quantile(lat[t], n, 0.90) / 1e3;
		p99[t] = bench_quantile(lat[t], n, 0.99) / 1e3;
		med[t] = bench_quantile(lat[t], n, 0.5) / 1e3;
	}
	printf("GET, one varbind, SNMPv3 authPriv (%d rounds x %d per target, interleaved)\n",
	       o->rounds, o->gets);
	printf("  %-30s %9s %9s %9s %9s\n", "target", "median", "p90", "p99", "GET/s");
	for (int t = 0; t < BENCH_NTARGETS; t++)
		printf("  %-30s %7.1f µs %6.1f µs %6.1f µs %9.0f\n", bench_target_label[t], med[t],
		       p90[t], p99[t], 1e6 / med[t]);
	printf("  AgentX cost (floor - master)   %7.1f µs\n",
	       med[BENCH_FLOOR] - med[BENCH_MASTER]);
	printf("  our cost over the floor        %7.1f µs\n", med[BENCH_OURS] - med[BENCH_FLOOR]);
	printf("  ours / master %.2f, floor / master %.2f\n", med[BENCH_OURS] / med[BENCH_MASTER],
	       med[BENCH_FLOOR] / med[BENCH_MASTER]);
	if (cpu[BENCH_OURS] > 0 && cpu[BENCH_FLOOR] > 0)
		printf("  subagent CPU per GET: phonesec-agentx %.1f µs, floor %.1f µs (%.2fx)\n",
		       (double)cpu[BENCH_OURS] / 1e3 / (double)n,
		       (double)cpu[BENCH_FLOOR] / 1e3 / (double)n,
		       (double)cpu[BENCH_OURS] / (double)cpu[BENCH_FLOOR]);
	ratio = med[BENCH_OURS] / med[BENCH_FLOOR];
	printf("  ours / floor %.2f (goal <= %.1f)  %s\n", ratio, BENCH_GET_GOAL,
	       ratio <= BENCH_GET_GOAL ? "OK" : "OVER");
}

static int bench_walks(void *sp, const struct bench_oid *root, const struct bench_opts *o)
{
	int64_t *t = calloc((size_t)o->walks, sizeof(*t));
	long n = 0, pdus = 0;
	double med;

	if (!t)
		return -1;
	for (int i = 0; i < o->walks; i++) {
		int64_t t0 = bench_now_ns();

		pdus = 0;
		n = bench_bulkwalk(sp, root, o->maxrep, NULL, &pdus);
		t[i] = bench_now_ns() - t0;
		if (n < 0) {
			free(t);
			return -1;
		}
	}
	med = bench_quantile(t, (size_t)o->walks, 0.5) / 1e6;
	printf("bulk walk of %s (GETBULK max-repetitions %d, median of %d)\n", o->walk_text,
	       o->maxrep, o->walks);
	printf("  %ld varbinds in %ld requests: %.2f ms per walk (min %.2f, max %.2f), %.1f µs per "
	       "varbind\n",
	       n, pdus, med, (double)t[0] / 1e6, (double)t[o->walks - 1] / 1e6,
	       med * 1e3 / (double)n);
	printf("  walk %.2f ms (goal < %d ms)  %s\n", med, BENCH_WALK_GOAL_MS,
	       med < BENCH_WALK_GOAL_MS ? "OK" : "OVER");
	free(t);
	return 0;
}

/* Samples at 0, step and 2 x step requests. The goal is about steady state: nothing may grow
 * once the first step has warmed the subagent (caches, Net-SNMP's lazily built tables). */
static int bench_memory(void *sp, const struct bench_oid *root, const struct bench_opts *o)
{
	struct bench_mem m[3];
	struct bench_walk w = { 0 };
	long growth_rss, growth_anon;
	int rc = -1;

	w.inst = calloc(BENCH_WALK_MAX, sizeof(*w.inst));
	if (!w.inst || bench_mem_sample(&m[0], o->pid) < 0 ||
	    bench_mem_load(sp, root, o, &w, o->mem_step) < 0 ||
	    bench_mem_sample(&m[1], o->pid) < 0 ||
	    bench_mem_load(sp, root, o, &w, o->mem_step) < 0 ||
	    bench_mem_sample(&m[2], o->pid) < 0)
		goto out;
	printf("phonesec-agentx memory (PID %ld; load: bulk walks and a GET of each of the %zu "
	       "instances)\n",
	       o->pid, w.n);
	printf("  %-12s %10s %14s\n", "requests", "VmRSS", "Anonymous");
	for (int i = 0; i < 3; i++)
		printf("  %-12ld %7ld kB %11ld kB\n", (long)i * o->mem_step, m[i].rss_kb,
		       m[i].anon_kb);
	growth_rss = m[2].rss_kb - m[1].rss_kb;
	growth_anon = m[2].anon_kb - m[1].anon_kb;
	printf("  growth 0 -> %d: VmRSS %+ld kB, Anonymous %+ld kB (warm-up)\n", o->mem_step,
	       m[1].rss_kb - m[0].rss_kb, m[1].anon_kb - m[0].anon_kb);
	printf("  growth %d -> %d: VmRSS %+ld kB, Anonymous %+ld kB (goal: none)  %s\n",
	       o->mem_step, 2 * o->mem_step, growth_rss, growth_anon,
	       growth_rss <= 0 && growth_anon <= 0 ? "OK" : "OVER");
	rc = 0;
out:
	free(w.inst);
	return rc;
}

int main(int argc, char **argv)
{
	struct bench_opts o;
	struct bench_oid tgt[BENCH_NTARGETS], root;
	void *sess[BENCH_NTARGETS] = { NULL };
	int64_t *lat[BENCH_NTARGETS] = { NULL }, cpu[BENCH_NTARGETS];
	int rc = bench_parse(&o, argc, argv);

	if (rc)
		return rc == 1 ? 0 : 2;
	/* A client that owns no files: no configuration, no persistent state, no MIB text. */
	setenv("MIBS", "", 1);
	setenv("MIBDIRS", "", 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	init_snmp(BENCH_APP);
	rc = 1;
	for (int t = 0; t < BENCH_NTARGETS; t++)
		if (bench_oid_parse(&tgt[t], o.oid_text[t]) < 0)
			goto out;
	if (bench_oid_parse(&root, o.walk_text) < 0)
		goto out;
	for (int t = 0; t < BENCH_NTARGETS; t++) {
		lat[t] = calloc((size_t)o.rounds * (size_t)o.gets, sizeof(int64_t));
		sess[t] = bench_session_open(&o);
		if (!lat[t] || !sess[t])
			goto out;
	}
	printf("phonesec SNMP benchmark against %s, user %s (authPriv SHA-256/AES)\n", o.peer,
	       o.user);
	/* Memory first, so its 0 is a fresh subagent (only the driver's readiness probe before);
	 * its load then warms everything up for the timings. */
	if (o.pid && o.mem_step && bench_memory(sess[BENCH_OURS], &root, &o) < 0)
		goto out;
	/* Warm-up: 200 GETs per target (caches, page faults, the master's USM state). */
	for (int t = 0; t < BENCH_NTARGETS; t++)
		for (int i = 0; i < 200; i++)
			if (bench_get(sess[t], &tgt[t]) < 0)
				goto out;
	if (bench_gets(sess, tgt, &o, lat, cpu) < 0)
		goto out;
	bench_report_gets(&o, lat, cpu);
	if (bench_walks(sess[BENCH_OURS], &root, &o) < 0)
		goto out;
	rc = 0;
out:
	for (int t = 0; t < BENCH_NTARGETS; t++) {
		if (sess[t])
			snmp_sess_close(sess[t]);
		free(lat[t]);
	}
	snmp_shutdown(BENCH_APP);
	return rc;
}
