/* phonesec-cwmpd: the libevent loop (connection requests, timers, signals, store feed) and the
 * worker thread that runs blocking CWMP sessions; they share only struct cwmpd_shared. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <event2/event.h>
#include <event2/thread.h>
#include <openssl/rand.h>

#include "conf.h"
#include "cr.h"
#include "cwmpd.h"
#include "events.h"
#include "hook.h"
#include "log.h"
#include "model.h"
#include "retry.h"
#include "session.h"
#include "store.h"
#include "transfer.h"

#define CWMPD_ACS_STATE "cwmp.acs_url"       /* the URL the queue was made for */
#define CWMPD_BOOT_STATE "cwmp.boot_id"      /* kernel boot id of the last start */
#define CWMPD_TRANSFER_STATE "cwmp.transfer_done"   /* finished, TransferComplete not delivered */
#define CWMPD_PENDING_STATE "cwmp.transfer_pending" /* accepted, not carried out yet */
#define CWMPD_SCHED_STATE "cwmp.schedules"          /* pending ScheduleInform requests */
#define CWMPD_MAX_SCHEDULES 16               /* pending ScheduleInform requests */
#define CWMPD_CLOCK_STEP_MS 2000             /* a wall-clock jump this large replans periodic */
#define CWMPD_ACTIVE_DELAY_MS 500            /* active notification: batch changes this long */
#define CWMPD_LOOP_BUSY_MS 100               /* the loop's store handle waits this long for
                                                another writer, then defers its write */
#define CWMPD_RETRY_WRITE_MS 500             /* deferred state writes: tried again this often */
#define CWMPD_RETRY_WORKER_MS 50             /* ... when only the worker's commit was in the way */
#define CWMPD_STOP_BUSY_MS 5000              /* at exit: how long deferred writes may wait */
#define CWMPD_WORKER_BUSY_MS 15000           /* the worker's handle: the store's default */

/* What the two threads share, under lock. */
struct cwmpd_shared {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool go;                 /* loop -> worker: run a session now */
	bool running;            /* a session is running */
	bool stopping;
	struct cwmp_events events;  /* the queue; whoever changes it saves it with its handle */
	char *saved_events;         /* its text as last committed (NULL: unknown, write it next
	                               time): an unchanged queue is not written again */
	unsigned retry_count;       /* consecutive failed sessions */
	bool have_transfer;         /* a finished transfer waits for its TransferComplete */
	struct cwmp_transfer_done transfer;
	enum { CWMPD_JOB_NONE, CWMPD_JOB_WAITING, CWMPD_JOB_GO, CWMPD_JOB_RUNNING } job_state;
	struct cwmp_transfer job;   /* the accepted Download/Upload (holds its password) */
	char cr_url[400];           /* ConnectionRequestURL (the loop rebinds, the worker reads) */
	/* worker -> loop: the address that reaches the ACS, taken as the URL's host (a wildcard
	 * cr_host) */
	bool cr_host_new;
	char cr_host[INET6_ADDRSTRLEN];
	/* worker -> loop: outcome of the last session or transfer */
	bool finished, last_ok;
	int64_t ended_ms, ended_wall_ms; /* when the session ended (its state may be written later:
	                                    delays the ACS gave count from here) */
	bool transfer_finished;     /* what finished was a transfer, not a session */
	bool more;               /* events arrived that the session did not carry */
	unsigned queue_gen;      /* bumped when the queue is rebuilt for another ACS (URL change,
	                            factory reset): a session that began before delivered its
	                            events to the old ACS, not the ones queued for the new one */
	struct cwmp_rpc_result effects;
	bool reboot_go;          /* loop -> worker: run the reboot hook */
	bool reboot_finished;    /* worker -> loop: the reboot hook returned reboot_rc */
	int reboot_rc;
	bool pend;               /* worker -> loop: a state write failed (CWMPD_PERSIST_* in
	                            pend_what): the loop writes it again */
	unsigned pend_what;
};

struct cwmpd_sched {
	int64_t at_ms;   /* monotonic */
	int64_t wall_ms; /* the same instant in wall-clock time (persisted) */
	char key[CWMP_EVENTS_KEY_MAX + 1];
};

struct cwmpd {
	const struct cwmpd_options *opt;
	struct cwmp_conf conf;
	struct event_base *base;
	struct store *st;          /* loop thread */
	struct store *wst;         /* worker thread */
	struct cwmp_model *model;  /* loop thread: notification attributes, paths of keys */
	struct cwmp_model *wmodel; /* worker thread */
	struct cwmp_tls_cache *tls; /* worker thread: TLS context and session between sessions */
	struct cwmp_cr *cr;
	struct event *ev_feed, *ev_timer, *ev_done, *ev_term, *ev_int, *ev_hup;
	struct event *ev_write;    /* deferred state writes tried again */
	pthread_t worker;
	bool worker_started;
	struct cwmpd_shared sh;
	/* loop-thread state */
	uint64_t audit_seq;
	bool want;                 /* a session is wanted (events to deliver or a trigger) */
	/* deadlines in CLOCK_MONOTONIC ms (0 = none), so that clock steps do not move them */
	int64_t retry_at_ms;       /* 0: no back-off wait */
	int64_t periodic_at_ms;    /* 0: periodic informs off */
	int64_t periodic_last_ms;  /* wall clock: the last periodic inform (PeriodicInformTime) */
	int64_t wall_offset_ms;    /* wall - monotonic when periodic was planned */
	int64_t active_at_ms;      /* 0: no active notification pending */
	int64_t job_at_ms;         /* a delayed transfer (sh.job_state WAITING) */
	struct cwmpd_sched sched[CWMPD_MAX_SCHEDULES];
	size_t n_sched;
	char acs_url[1025];
	unsigned cr_port_setting;  /* tr69_cr_port the listener was bound for */
	char boot_id[64];          /* this kernel boot's id (or PHONESEC_BOOT_ID) */
	bool new_boot;             /* the start found a boot id unlike the last start's */
	char tag[CWMP_TRANSFER_TAG_LEN]; /* the store's name in firmware scratch folders */
	struct cwmp_conf *conf_next; /* read on SIGHUP, applied once the worker is idle */
	bool rebooting;            /* the reboot hook runs, or ran and the reboot is awaited */
	atomic_bool stop_now;      /* set when stopping: a hook under way is left running */
	int64_t reboot_wait_ms;    /* the reboot hook succeeded: the reboot is awaited until then */
	/* Serialises daemon-state commits of both threads, so that they land in the order their
	 * texts were made. Taken before sh.lock, never while holding it; the loop only tries it. */
	pthread_mutex_t persist_lock;
	/* loop thread: state writes deferred (the store was busy), tried from ev_write */
	bool pend;                 /* the queue (if changed) and the records in pend_what */
	unsigned pend_what;        /* CWMPD_PERSIST_* */
	bool pend_acs;             /* pend_acs_url: the URL the queue is for */
	unsigned recheck;          /* CWMPD_RECHECK_*: what a failed read left to do (ev_write) */
	bool recheck_start;        /* the ACS URL check left is the one at start */
	bool recheck_warned;
	char pend_acs_url[1025];
	bool pend_boot;            /* boot_id as the last start's */
	bool deferred;             /* writes are deferred */
	bool warned;               /* ... because the store was busy: logged once a spell */
	bool reboot_held;          /* the reboot hook waits for the deferred writes */
};

/* Deadlines: monotonic. */
static int64_t cwmpd_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Instants the ACS or the store know (PeriodicInformTime, persisted schedules): wall clock. */
static int64_t cwmpd_wall_ms(void)
{
	return store_now_ms();
}

static uint32_t cwmpd_rand(void)
{
	uint32_t r = 0;
	if (RAND_bytes((unsigned char *)&r, sizeof(r)) != 1)
		r = (uint32_t)random();
	return r;
}

/* ------------------------------------------------------------------------------- queue */

static void cwmpd_loop_persist(struct cwmpd *d, unsigned what, const char *acs_url);
static void cwmpd_worker_persist(struct cwmpd *d, unsigned what);
static void cwmpd_reboot_go(struct cwmpd *d);

/* Saves the queue (when it changed) from the loop thread; the caller does not hold the lock. */
static void cwmpd_save(struct cwmpd *d)
{
	cwmpd_loop_persist(d, 0, NULL);
}

/* Forgets the text of the last save: the next save writes the queue whatever it holds (after a
 * factory reset, which empties the daemon state, or a failed commit). Caller holds the lock. */
static void cwmpd_forget_saved_locked(struct cwmpd *d)
{
	free(d->sh.saved_events);
	d->sh.saved_events = NULL;
}

static bool cwmpd_same_event(const struct cwmp_event *a, const struct cwmp_event *b)
{
	return a->code == b->code && !strcmp(a->command_key, b->command_key);
}

/* Removes from live what the session delivered: the events and parameters of snap that
 * deliver() drops. Events queued during the session stay. */
static void cwmpd_remove_delivered(struct cwmp_events *live, const struct cwmp_events *snap,
				   void (*deliver)(struct cwmp_events *))
{
	struct cwmp_events *after = malloc(sizeof(*after));
	if (!after)
		return;
	*after = *snap;
	deliver(after);
	for (size_t i = 0; i < snap->n; i++) {
		bool kept = false;
		for (size_t j = 0; j < after->n && !kept; j++)
			kept = cwmpd_same_event(&snap->ev[i], &after->ev[j]);
		if (kept)
			continue;
		size_t k = 0;
		for (size_t j = 0; j < live->n; j++)
			if (!cwmpd_same_event(&live->ev[j], &snap->ev[i]))
				live->ev[k++] = live->ev[j];
		live->n = k;
	}
	if (after->n_params == 0 && snap->n_params) {
		size_t k = 0;
		for (size_t j = 0; j < live->n_params; j++) {
			bool sent = false;
			for (size_t i = 0; i < snap->n_params && !sent; i++)
				sent = !strcmp(live->params[j], snap->params[i]);
			if (!sent)
				memcpy(live->params[k++], live->params[j], sizeof(live->params[0]));
		}
		live->n_params = k;
	}
	free(after);
}

/* ------------------------------------------------------------------------------- transfer */

/* "fault\tstart\tcomplete\tkey\tstring" (key and string hex-encoded: they may hold tabs). */
static void cwmpd_hex(char *out, size_t outlen, const char *s)
{
	size_t k = 0;
	for (; *s && k + 3 <= outlen; s++, k += 2)
		snprintf(out + k, 3, "%02x", (unsigned char)*s);
	out[k < outlen ? k : 0] = '\0';
}

static void cwmpd_unhex(char *out, size_t outlen, const char *s)
{
	size_t k = 0;
	unsigned v;
	for (; s[0] && s[1] && k + 1 < outlen && sscanf(s, "%2x", &v) == 1; s += 2)
		out[k++] = (char)v;
	out[k] = '\0';
}

static void cwmpd_transfer_load(struct cwmpd *d)
{
	char *text = NULL;
	struct cwmp_transfer_done *t = &d->sh.transfer;

	if (store_state_get(&text, d->st, CWMPD_TRANSFER_STATE))
		return;
	char *save = NULL, *f[5] = { 0 };
	int n = 0;
	for (char *tok = strtok_r(text, "\t", &save); tok && n < 5; tok = strtok_r(NULL, "\t", &save))
		f[n++] = tok;
	if (n >= 3) {
		memset(t, 0, sizeof(*t));
		t->fault_code = (unsigned)strtoul(f[0], NULL, 10);
		snprintf(t->start_time, sizeof(t->start_time), "%s", f[1]);
		snprintf(t->complete_time, sizeof(t->complete_time), "%s", f[2]);
		cwmpd_unhex(t->command_key, sizeof(t->command_key), f[3] ? f[3] : "");
		cwmpd_unhex(t->fault_string, sizeof(t->fault_string), f[4] ? f[4] : "");
		d->sh.have_transfer = true;
	}
	free(text);
}

/* The finished-transfer record's text into text (size 1024); false when there is none (the
 * record is removed). */
static bool cwmpd_transfer_text(char *text, size_t len, const struct cwmpd_shared *sh)
{
	char key[2 * CWMP_EVENTS_KEY_MAX + 1], str[2 * 256 + 1];

	if (!sh->have_transfer)
		return false;
	const struct cwmp_transfer_done *t = &sh->transfer;
	cwmpd_hex(key, sizeof(key), t->command_key);
	cwmpd_hex(str, sizeof(str), t->fault_string);
	snprintf(text, len, "%u\t%s\t%s\t%s\t%s", t->fault_code, t->start_time,
		 t->complete_time, key[0] ? key : "", str);
	return true;
}

static bool cwmpd_job_is_firmware(const struct cwmp_transfer *job)
{
	return !job->upload && !strcmp(job->file_type, CWMP_FILETYPE_FIRMWARE);
}

/* The accepted-transfer marker (no password: a transfer interrupted by a restart is reported
 * as failed, never carried out with credentials kept on disk): "upload\tkey", and while a
 * firmware Download runs also "\tboot\tversion\tstart" (boot id and SoftwareVersion when it
 * began, hex; StartTime), so that the start after the reboot the install ends in can tell
 * whether the new firmware runs. Into text (size 512); false when there is none. */
static bool cwmpd_pending_text(char *text, size_t len, const struct cwmpd *d)
{
	const struct cwmpd_shared *sh = &d->sh;
	char key[2 * CWMP_EVENTS_KEY_MAX + 1], boot[2 * sizeof(d->boot_id) + 1];
	char ver[2 * sizeof(d->conf.sw_version) + 1];

	if (sh->job_state == CWMPD_JOB_NONE)
		return false;
	cwmpd_hex(key, sizeof(key), sh->job.command_key);
	if (sh->job_state == CWMPD_JOB_RUNNING && cwmpd_job_is_firmware(&sh->job)) {
		char now[32];
		cwmpd_hex(boot, sizeof(boot), d->boot_id);
		cwmpd_hex(ver, sizeof(ver), d->conf.sw_version);
		cwmp_session_now(now, sizeof(now));
		snprintf(text, len, "0\t%s\t%s\t%s\t%s", key[0] ? key : "-", boot, ver, now);
	} else {
		snprintf(text, len, "%d\t%s", sh->job.upload ? 1 : 0, key);
	}
	return true;
}

enum {
	CWMPD_PERSIST_TRANSFERS = 1u << 0, /* the transfer records */
	CWMPD_PERSIST_SCHED = 1u << 1,     /* the pending ScheduleInforms (loop thread only) */
	/* without waiting for the disk (STORE_TXN_LAZY): only for writes whose loss in a power cut
	 * repeats work (delivered events sent again) or is made again at start (ACS URL change) */
	CWMPD_PERSIST_LAZY = 1u << 2,
};

#define CWMPD_SCHED_TEXT_MAX (CWMPD_MAX_SCHEDULES * (24 + 2 * CWMP_EVENTS_KEY_MAX + 2) + 1)
static const char *cwmpd_sched_text(char *text, size_t len, const struct cwmpd *d);

/* Daemon state to write, made under the shared lock and committed without it. */
struct cwmpd_persist_job {
	char queue[CWMP_EVENTS_TEXT_MAX];
	bool write_queue;          /* its text differs from the last one committed */
	char transfer[1024], pending[512], sched[CWMPD_SCHED_TEXT_MAX];
	bool has_transfer, has_pending;
	const char *sched_text;    /* NULL: no schedule pending (the record is removed) */
};

/* Writes, in one store transaction (daemon state only: no audit entry), the queue when its text
 * differs from the last one committed, the records named by what (CWMPD_PERSIST_*), when acs_url
 * is non-NULL the URL the queue is made for, and when boot this boot's id. Nothing at all is
 * written when only an unchanged queue was asked for. The texts are made under the shared lock,
 * the commit waits on st (the calling thread's handle) without it: a writer of another process
 * holds up this thread alone. The caller holds persist_lock, not the shared lock. Returns 0 or a
 * store error (the message in err). */
static int cwmpd_persist(struct cwmpd *d, struct store *st, unsigned what, const char *acs_url,
			 bool boot, char *err, size_t errlen)
{
	struct store_actor who = { .source = STORE_SRC_TR069, .role = STORE_ROLE_ADMIN,
				   .principal = "phonesec-cwmpd" };
	struct store_txn *txn = NULL;
	struct cwmpd_persist_job *job = malloc(sizeof(*job));
	int rc = STORE_E_NOMEM;

	err[0] = '\0';
	if (!job) {
		snprintf(err, errlen, "out of memory");
		return rc;
	}
	pthread_mutex_lock(&d->sh.lock);
	rc = cwmp_events_format(job->queue, sizeof(job->queue), &d->sh.events);
	job->write_queue = !d->sh.saved_events || strcmp(job->queue, d->sh.saved_events) != 0;
	if (what & CWMPD_PERSIST_TRANSFERS) {
		job->has_transfer = cwmpd_transfer_text(job->transfer, sizeof(job->transfer), &d->sh);
		job->has_pending = cwmpd_pending_text(job->pending, sizeof(job->pending), d);
	}
	pthread_mutex_unlock(&d->sh.lock);
	if (rc) {
		/* the queue is bounded to fit its text: not expected */
		snprintf(err, errlen, "the event queue does not fit its text form");
		free(job);
		return STORE_E_INVALID;
	}
	if (what & CWMPD_PERSIST_SCHED) /* loop thread: its own data */
		job->sched_text = cwmpd_sched_text(job->sched, sizeof(job->sched), d);
	if (!job->write_queue && !(what & ~CWMPD_PERSIST_LAZY) && !acs_url && !boot) {
		free(job);
		return STORE_OK;
	}
	rc = store_txn_begin(&txn, st, STORE_TXN_BOTH | (what & CWMPD_PERSIST_LAZY ? STORE_TXN_LAZY : 0),
			     &who);
	if (!rc && job->write_queue)
		rc = store_txn_set_state(txn, CWMP_EVENTS_STATE, job->queue);
	if (!rc && (what & CWMPD_PERSIST_TRANSFERS))
		rc = store_txn_set_state(txn, CWMPD_TRANSFER_STATE,
					 job->has_transfer ? job->transfer : NULL);
	if (!rc && (what & CWMPD_PERSIST_TRANSFERS))
		rc = store_txn_set_state(txn, CWMPD_PENDING_STATE, job->has_pending ? job->pending : NULL);
	if (!rc && (what & CWMPD_PERSIST_SCHED))
		rc = store_txn_set_state(txn, CWMPD_SCHED_STATE, job->sched_text);
	if (!rc && acs_url)
		rc = store_txn_set_state(txn, CWMPD_ACS_STATE, acs_url);
	if (!rc && boot)
		rc = store_txn_set_state(txn, CWMPD_BOOT_STATE, d->boot_id);
	if (!rc)
		rc = store_txn_commit(txn, NULL);
	pthread_mutex_lock(&d->sh.lock);
	if (rc) {
		snprintf(err, errlen, "%s", txn ? store_txn_errmsg(txn) : store_errmsg(st));
		cwmpd_forget_saved_locked(d);
	} else if (job->write_queue) {
		free(d->sh.saved_events);
		d->sh.saved_events = strdup(job->queue); /* NULL: written again next time */
	}
	pthread_mutex_unlock(&d->sh.lock);
	store_txn_free(txn);
	free(job);
	return rc;
}

/* Adds the writes of a failed or deferred persist to a pending set: the records add up; the
 * whole is lazy only while every part is. */
static void cwmpd_pend_merge(bool *pend, unsigned *pend_what, unsigned what)
{
	bool lazy = (what & CWMPD_PERSIST_LAZY) && (!*pend || (*pend_what & CWMPD_PERSIST_LAZY));
	*pend_what = ((*pend_what | what) & ~CWMPD_PERSIST_LAZY) | (lazy ? CWMPD_PERSIST_LAZY : 0);
	*pend = true;
}

/* Loop thread: the deferred writes, tried again; while the store stays busy (or the worker
 * commits), tried later from ev_write. The loop never waits for the store longer than its
 * handle's short busy timeout. */
static void cwmpd_flush(struct cwmpd *d)
{
	char err[256] = "";
	bool worker = false; /* only the worker's commit was in the way: soon tried again */

	pthread_mutex_lock(&d->sh.lock);
	if (d->sh.pend)
		cwmpd_pend_merge(&d->pend, &d->pend_what, d->sh.pend_what);
	d->sh.pend = false;
	d->sh.pend_what = 0;
	pthread_mutex_unlock(&d->sh.lock);
	if (d->pend && pthread_mutex_trylock(&d->persist_lock) == 0) {
		int rc = cwmpd_persist(d, d->st, d->pend_what, d->pend_acs ? d->pend_acs_url : NULL,
				       d->pend_boot, err, sizeof(err));
		pthread_mutex_unlock(&d->persist_lock);
		if (!rc) {
			d->pend = d->pend_acs = d->pend_boot = false;
			d->pend_what = 0;
		}
	} else if (d->pend) {
		worker = true;
	}
	cwmpd_reboot_go(d);
	bool path = d->cr && cwmp_cr_save_path(d->cr);
	if (path && !err[0])
		snprintf(err, sizeof(err), "%s", store_errmsg(d->st));
	if (!d->pend && !path) {
		if (d->warned)
			log_msg(LOG_NOTICE, "cwmp: deferred state writes saved");
		d->deferred = d->warned = false;
		return;
	}
	worker = worker && !path;
	if (!d->warned && !worker) {
		log_msg(LOG_WARNING, "cwmp: state writes deferred (%s): tried again every %d ms", err,
			CWMPD_RETRY_WRITE_MS);
		d->warned = true;
	}
	d->deferred = true;
	struct timeval tv = { .tv_sec = 0,
			      .tv_usec = (worker ? CWMPD_RETRY_WORKER_MS : CWMPD_RETRY_WRITE_MS) * 1000 };
	if (d->ev_write && !evtimer_pending(d->ev_write, NULL))
		evtimer_add(d->ev_write, &tv);
}

/* Runs the reboot hook that waits (reboot_held) once nothing is deferred. Loop thread. */
static void cwmpd_reboot_go(struct cwmpd *d)
{
	if (!d->reboot_held || d->pend)
		return;
	d->reboot_held = false;
	pthread_mutex_lock(&d->sh.lock);
	d->sh.reboot_go = true;
	pthread_cond_signal(&d->sh.cond);
	pthread_mutex_unlock(&d->sh.lock);
}

/* What the loop could not read (another program held the store) and does again soon: a change
 * missed would otherwise go unseen until the next one (the old ACS kept, periodic informs
 * stopped, a wanted session not started). */
enum {
	CWMPD_RECHECK_ACS = 1u << 0,      /* cwmpd_check_acs_url */
	CWMPD_RECHECK_PERIODIC = 1u << 1, /* cwmpd_plan_periodic */
	CWMPD_RECHECK_START = 1u << 2,    /* cwmpd_maybe_start */
	CWMPD_RECHECK_FEED = 1u << 3,     /* cwmpd_on_feed: the entries after the last handled */
};

static void cwmpd_check_acs_url(struct cwmpd *d, bool at_start);
static void cwmpd_on_feed(evutil_socket_t fd, short what, void *arg);
static void cwmpd_plan_periodic(struct cwmpd *d);
static void cwmpd_maybe_start(struct cwmpd *d);
static void cwmpd_arm(struct cwmpd *d);

static void cwmpd_recheck_later(struct cwmpd *d, unsigned what, const char *name)
{
	if (!d->recheck_warned)
		log_msg(LOG_WARNING, "cwmp: reading %s failed (%s): tried again every %d ms", name,
			store_errmsg(d->st), CWMPD_RETRY_WRITE_MS);
	d->recheck_warned = true;
	d->recheck |= what;
	struct timeval tv = { .tv_sec = 0, .tv_usec = CWMPD_RETRY_WRITE_MS * 1000 };
	if (d->ev_write && !evtimer_pending(d->ev_write, NULL))
		evtimer_add(d->ev_write, &tv);
}

static void cwmpd_on_write(evutil_socket_t fd, short what, void *arg)
{
	struct cwmpd *d = arg;
	unsigned redo = d->recheck;

	cwmpd_flush(d);
	if (!redo)
		return;
	d->recheck = 0;
	if (redo & CWMPD_RECHECK_FEED)
		cwmpd_on_feed(-1, 0, d);
	if (redo & CWMPD_RECHECK_ACS)
		cwmpd_check_acs_url(d, d->recheck_start);
	if (redo & CWMPD_RECHECK_PERIODIC)
		cwmpd_plan_periodic(d);
	cwmpd_maybe_start(d);
	cwmpd_arm(d);
	if (!d->recheck) {
		log_msg(LOG_NOTICE, "cwmp: the settings read again");
		d->recheck_warned = false;
	}
}

/* Loop thread: writes the queue (if changed), the records in what and, when acs_url is
 * non-NULL, the URL the queue is for, together with any writes still deferred; deferred in
 * turn when the store is busy. The caller does not hold the shared lock. */
static void cwmpd_loop_persist(struct cwmpd *d, unsigned what, const char *acs_url)
{
	if (acs_url) {
		snprintf(d->pend_acs_url, sizeof(d->pend_acs_url), "%s", acs_url);
		d->pend_acs = true;
	}
	cwmpd_pend_merge(&d->pend, &d->pend_what, what);
	cwmpd_flush(d);
}

/* Worker thread: writes the queue and the records in what with the worker's handle; what fails
 * is handed to the loop, which writes it again. A durable write waits for the store as long as
 * the handle's busy timeout (an accepted transfer, a firmware install under way must be on disk
 * before what follows); a lazy one as briefly as the loop's, so that the next session is not
 * held up by another program's lock. The caller does not hold the shared lock. */
static void cwmpd_worker_persist(struct cwmpd *d, unsigned what)
{
	char err[256];
	bool lazy = what & CWMPD_PERSIST_LAZY;

	pthread_mutex_lock(&d->persist_lock);
	if (lazy)
		store_set_busy_timeout(d->wst, CWMPD_LOOP_BUSY_MS);
	int rc = cwmpd_persist(d, d->wst, what, NULL, false, err, sizeof(err));
	if (lazy)
		store_set_busy_timeout(d->wst, CWMPD_WORKER_BUSY_MS);
	pthread_mutex_unlock(&d->persist_lock);
	if (!rc)
		return;
	log_msg(LOG_WARNING, "cwmp: saving the daemon state failed (%s): written later", err);
	pthread_mutex_lock(&d->sh.lock);
	cwmpd_pend_merge(&d->sh.pend, &d->sh.pend_what, what);
	pthread_mutex_unlock(&d->sh.lock);
	/* the loop takes it up when the worker's job is done (ev_done) */
}

/* A transfer accepted before a restart and not reported: a firmware install that ended in a
 * reboot succeeded when the phone came back with another SoftwareVersion; anything else was
 * interrupted and is reported as failed. */
static void cwmpd_pending_load(struct cwmpd *d)
{
	char *text = NULL;

	if (store_state_get(&text, d->st, CWMPD_PENDING_STATE))
		return;
	char key[CWMP_EVENTS_KEY_MAX + 1] = "", boot[sizeof(d->boot_id)] = "";
	char ver[sizeof(d->conf.sw_version)] = "", start[32] = "";
	char *save = NULL, *f[5] = { 0 };
	int n = 0;
	for (char *tok = strtok_r(text, "\t", &save); tok && n < 5; tok = strtok_r(NULL, "\t", &save))
		f[n++] = tok;
	bool upload = n > 0 && f[0][0] == '1';
	if (n > 1 && strcmp(f[1], "-"))
		cwmpd_unhex(key, sizeof(key), f[1]);
	bool installing = !upload && n == 5;
	if (installing) {
		cwmpd_unhex(boot, sizeof(boot), f[2]);
		cwmpd_unhex(ver, sizeof(ver), f[3]);
		snprintf(start, sizeof(start), "%s", f[4]);
	}
	free(text);
	if (!d->sh.have_transfer) {
		struct cwmp_transfer_done *t = &d->sh.transfer;
		memset(t, 0, sizeof(*t));
		snprintf(t->command_key, sizeof(t->command_key), "%s", key);
		snprintf(t->start_time, sizeof(t->start_time), "%s",
			 start[0] ? start : "0001-01-01T00:00:00Z");
		cwmp_session_now(t->complete_time, sizeof(t->complete_time));
		t->fault_code = upload ? CWMP_FAULT_UPLOAD_FAILURE : CWMP_FAULT_DOWNLOAD_FAILURE;
		if (installing && strcmp(boot, d->boot_id) && strcmp(ver, d->conf.sw_version)) {
			t->fault_code = 0;
			log_msg(LOG_NOTICE, "cwmp: firmware install done: software version %s, was %s",
				d->conf.sw_version, ver);
		} else if (installing && strcmp(boot, d->boot_id)) {
			snprintf(t->fault_string, sizeof(t->fault_string),
				 "the phone restarted during the firmware install and still runs %s",
				 d->conf.sw_version);
		} else if (installing) {
			snprintf(t->fault_string, sizeof(t->fault_string),
				 "the firmware install was interrupted by a restart of phonesec-cwmpd");
		} else {
			snprintf(t->fault_string, sizeof(t->fault_string),
				 "interrupted by a restart before it was carried out");
		}
		d->sh.have_transfer = true;
		cwmp_events_add(&d->sh.events, CWMP_EV_TRANSFER_COMPLETE, NULL);
		cwmp_events_add(&d->sh.events, upload ? CWMP_EV_M_UPLOAD : CWMP_EV_M_DOWNLOAD, key);
		if (t->fault_code)
			log_msg(LOG_NOTICE, "cwmp: a %s was interrupted: reported as failed (%s)",
				upload ? "upload" : "download", t->fault_string);
	}
	d->sh.job_state = CWMPD_JOB_NONE;
	cwmpd_loop_persist(d, CWMPD_PERSIST_TRANSFERS, NULL);
}

/* Worker thread: carries out the accepted transfer and queues its TransferComplete. */
static void cwmpd_transfer(struct cwmpd *d, struct cwmp_transfer *job)
{
	struct cwmp_transfer_done done;
	char *url = NULL;

	store_get(&url, d->wst, "tr69_acs_url");
	cwmp_transfer_run(&done, job, &d->conf, d->wmodel, url ? url : "", d->tag, &d->stop_now);
	free(url);
	if (done.abandoned) {
		/* the firmware hook goes on as we stop: the marker written before it began stays,
		 * and the next start reports the install by boot id and SoftwareVersion */
		explicit_bzero(&done, sizeof(done));
		return;
	}
	pthread_mutex_lock(&d->sh.lock);
	d->sh.have_transfer = true;
	d->sh.transfer = done;
	d->sh.job_state = CWMPD_JOB_NONE;
	explicit_bzero(&d->sh.job, sizeof(d->sh.job));
	cwmp_events_add(&d->sh.events, CWMP_EV_TRANSFER_COMPLETE, NULL);
	cwmp_events_add(&d->sh.events, job->upload ? CWMP_EV_M_UPLOAD : CWMP_EV_M_DOWNLOAD,
			job->command_key);
	pthread_mutex_unlock(&d->sh.lock);
	cwmpd_worker_persist(d, CWMPD_PERSIST_TRANSFERS);
	pthread_mutex_lock(&d->sh.lock);
	d->sh.transfer_finished = true;
	pthread_mutex_unlock(&d->sh.lock);
}

/* ------------------------------------------------------------------------------- worker */

/* The local address the kernel uses to reach the ACS of url (a UDP socket connected to it,
 * nothing sent) into out. Returns 0, or -1 (no route, no name). */
static int cwmpd_local_addr(const char *url, char *out, size_t outlen)
{
	char host[256], port[8];
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM, .ai_flags = AI_ADDRCONFIG }, *ai = NULL;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int rc = -1;

	/* tests simulate an address change (DHCP) with a file holding the address */
	const char *sim = getenv("PHONESEC_ROUTE_ADDR_FILE");
	if (sim && *sim) {
		FILE *f = fopen(sim, "re");
		char line[INET6_ADDRSTRLEN + 2] = "";
		if (f) {
			if (!fgets(line, sizeof(line), f))
				line[0] = '\0';
			fclose(f);
		}
		line[strcspn(line, "\r\n")] = '\0';
		struct in6_addr a6;
		if (inet_pton(AF_INET, line, &a6) != 1 && inet_pton(AF_INET6, line, &a6) != 1)
			return -1;
		snprintf(out, outlen, "%s", line);
		return 0;
	}
	cwmp_url_host_port(url, host, sizeof(host), port, sizeof(port));
	if (!host[0] || getaddrinfo(host, port, &hints, &ai) || !ai)
		return -1;
	int fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && !connect(fd, ai->ai_addr, ai->ai_addrlen) &&
	    !getsockname(fd, (struct sockaddr *)&ss, &sl)) {
		const void *a = ss.ss_family == AF_INET6
					? (const void *)&((struct sockaddr_in6 *)&ss)->sin6_addr
					: (const void *)&((struct sockaddr_in *)&ss)->sin_addr;
		rc = inet_ntop(ss.ss_family, a, out, (socklen_t)outlen) ? 0 : -1;
	}
	if (fd >= 0)
		close(fd);
	freeaddrinfo(ai);
	return rc;
}

static bool cwmpd_wildcard(const char *addr)
{
	return !addr[0] || !strcmp(addr, "0.0.0.0") || !strcmp(addr, "::") || !strcmp(addr, "*");
}

/* With a wildcard cr_host (cr_host unset and cr_bind a wildcard), ConnectionRequestURL names the
 * address that reaches the ACS, checked before each session: a phone whose address changed
 * (DHCP) tells the ACS in that very Inform (4 VALUE CHANGE when notified; not for the placeholder
 * of the first start). Worker thread; the loop moves the listener's URL after the session. */
static void cwmpd_auto_cr_host(struct cwmpd *d, const char *acs_url)
{
	static const char *const path = "Device.ManagementServer.ConnectionRequestURL";
	char addr[INET6_ADDRSTRLEN], now[256], port[8];

	if (!cwmpd_wildcard(d->conf.cr_host)) /* conf.c: cr_host defaults to cr_bind */
		return;
	if (cwmpd_local_addr(acs_url, addr, sizeof(addr))) {
		log_msg(LOG_DEBUG, "cwmp: no route to the ACS to name ConnectionRequestURL's host");
		return;
	}
	int notif = cwmp_model_notification(d->wmodel, path);
	bool save = false;
	pthread_mutex_lock(&d->sh.lock);
	cwmp_url_host_port(d->sh.cr_url, now, sizeof(now), port, sizeof(port));
	if (strcmp(now, addr)) {
		const char *rest = strstr(d->sh.cr_url, "://");
		rest = rest ? rest + 3 + strcspn(rest + 3, "/?#") : "";
		char url[sizeof(d->sh.cr_url)];
		snprintf(url, sizeof(url), strchr(addr, ':') ? "http://[%s]:%s%s" : "http://%s:%s%s",
			 addr, port, rest);
		memcpy(d->sh.cr_url, url, sizeof(url));
		snprintf(d->sh.cr_host, sizeof(d->sh.cr_host), "%s", addr);
		d->sh.cr_host_new = true;
		if (notif > 0 && !cwmpd_wildcard(now)) {
			if (cwmp_events_add_param(&d->sh.events, path))
				log_msg(LOG_WARNING, "cwmp: too many changed parameters, %s not reported",
					path);
			save = true;
		}
		log_msg(LOG_NOTICE, "cwmp: connection requests on %s (the address that reaches the ACS)",
			url);
	}
	pthread_mutex_unlock(&d->sh.lock);
	if (save)
		cwmpd_worker_persist(d, 0);
}

static void cwmpd_session(struct cwmpd *d)
{
	struct cwmp_events *snap = malloc(sizeof(*snap));
	struct cwmp_session_result *res = calloc(1, sizeof(*res));
	struct cwmp_transfer_done transfer;
	char *url = NULL, *user = NULL, *pass = NULL;
	char cr_url[sizeof(d->sh.cr_url)];
	bool have_transfer, busy;
	unsigned retry, gen;

	if (!snap || !res)
		goto out;
	/* the URL and the credentials that go with it, from one state of the store */
	bool stored = !store_read_begin(d->wst);
	stored = stored && !store_get(&url, d->wst, "tr69_acs_url") &&
		 !store_get(&user, d->wst, "tr69_acs_user") &&
		 !store_secret_reveal(&pass, d->wst, "tr69_acs_passwd");
	store_read_end(d->wst);
	if (stored)
		cwmpd_auto_cr_host(d, url); /* before the snapshot: a change goes in this Inform */
	pthread_mutex_lock(&d->sh.lock);
	*snap = d->sh.events;
	gen = d->sh.queue_gen;
	retry = d->sh.retry_count;
	have_transfer = d->sh.have_transfer;
	transfer = d->sh.transfer;
	busy = have_transfer || d->sh.job_state != CWMPD_JOB_NONE;
	memcpy(cr_url, d->sh.cr_url, sizeof(cr_url));
	pthread_mutex_unlock(&d->sh.lock);

	if (!stored) {
		snprintf(res->error, sizeof(res->error), "store: %s", store_errmsg(d->wst));
	} else {
		cwmp_model_set_cr_url(d->wmodel, cr_url);
		struct cwmp_session_params p = {
			.url = url, .user = user, .pass = pass, .conf = &d->conf,
			.model = d->wmodel, .events = snap, .retry_count = retry,
			.transfer = have_transfer ? &transfer : NULL, .transfer_busy = busy,
			.tls = d->tls,
		};
		struct cwmp_tls_stats before, after;
		cwmp_tls_cache_stats(d->tls, &before);
		log_msg(LOG_INFO, "cwmp: session with %s (%zu events, retry %u)", url, snap->n, retry);
		cwmp_session_run(res, &p);
		cwmp_tls_cache_stats(d->tls, &after);
		if (after.builds != before.builds)
			log_msg(LOG_INFO, "cwmp: TLS context built (trust%s loaded)",
				d->conf.client_cert[0] ? " and client certificate" : "");
	}
	int64_t ended_ms = cwmpd_now_ms(), ended_wall_ms = cwmpd_wall_ms();
	if (res->completed)
		log_msg(LOG_INFO, "cwmp: session done (%u requests, %u connections)", res->requests,
			res->connections);
	else
		log_msg(LOG_WARNING, "cwmp: session failed: %s", res->error);

	pthread_mutex_lock(&d->sh.lock);
	/* the queue rebuilt meanwhile (the ACS URL changed, a factory reset) is for the next ACS:
	 * its 0 BOOTSTRAP equals the one this session carried, yet that one went to the old ACS */
	bool same_queue = gen == d->sh.queue_gen;
	if (!same_queue)
		log_msg(LOG_INFO, "cwmp: the event queue was rebuilt during the session: kept whole");
	else if (res->inform_delivered)
		cwmpd_remove_delivered(&d->sh.events, snap, cwmp_events_inform_delivered);
	else
		cwmp_events_session_failed(&d->sh.events);
	if (res->transfer_delivered && same_queue)
		cwmpd_remove_delivered(&d->sh.events, snap, cwmp_events_transfer_delivered);
	if (res->transfer_delivered)
		d->sh.have_transfer = false;
	/* an accepted Download/Upload: carried out after the session (after its DelaySeconds),
	 * recorded now so that a restart in between reports it */
	bool accepted = res->effects.transfer_pending && d->sh.job_state == CWMPD_JOB_NONE;
	if (accepted) {
		d->sh.job = res->effects.transfer;
		d->sh.job_state = CWMPD_JOB_WAITING;
	}
	explicit_bzero(&res->effects.transfer, sizeof(res->effects.transfer));
	res->effects.transfer_pending = accepted;
	/* something to report that this session did not carry: another session right away */
	bool more = !same_queue || d->sh.events.n_params > snap->n_params;
	for (size_t i = 0; i < d->sh.events.n && !more; i++) {
		bool known = false;
		for (size_t j = 0; j < snap->n && !known; j++)
			known = cwmpd_same_event(&d->sh.events.ev[i], &snap->ev[j]);
		more = !known;
	}
	d->sh.more = more;
	pthread_mutex_unlock(&d->sh.lock);
	/* delivered events and reports leave lazily (a power cut sends them again); an accepted
	 * transfer's record must be on disk before the ACS can count on it. Written without the
	 * shared lock: while another program holds the store, the loop goes on answering. */
	cwmpd_worker_persist(d, (res->transfer_delivered || accepted ? CWMPD_PERSIST_TRANSFERS : 0) |
					(accepted ? 0 : CWMPD_PERSIST_LAZY));
	if (res->completed && res->effects.factory_reset) {
		/* here rather than in the loop, which must not wait for the store */
		struct store_actor who = { .source = STORE_SRC_TR069, .role = STORE_ROLE_ADMIN,
					   .principal = url };
		if (store_factory_reset(d->wst, NULL, &who, NULL))
			log_msg(LOG_ERR, "cwmp: factory reset failed: %s", store_errmsg(d->wst));
	}
	pthread_mutex_lock(&d->sh.lock);
	d->sh.last_ok = res->completed;
	d->sh.ended_ms = ended_ms;
	d->sh.ended_wall_ms = ended_wall_ms;
	d->sh.retry_count = res->completed ? 0 : d->sh.retry_count + 1;
	d->sh.effects = res->effects;
	d->sh.finished = true;
	pthread_mutex_unlock(&d->sh.lock);
out:
	free(url);
	free(user);
	store_secret_wipe(pass);
	free(snap);
	free(res);
}

static void *cwmpd_worker(void *arg)
{
	struct cwmpd *d = arg;
	struct cwmp_transfer job;

	for (;;) {
		pthread_mutex_lock(&d->sh.lock);
		while (!d->sh.go && d->sh.job_state != CWMPD_JOB_GO && !d->sh.reboot_go &&
		       !d->sh.stopping)
			pthread_cond_wait(&d->sh.cond, &d->sh.lock);
		if (d->sh.stopping) {
			pthread_mutex_unlock(&d->sh.lock);
			break;
		}
		if (d->sh.reboot_go) {
			char why[256];
			d->sh.reboot_go = false;
			d->sh.running = true;
			pthread_mutex_unlock(&d->sh.lock);
			int rc = cwmp_hook_run("reboot hook", d->conf.reboot_hook, NULL,
					       d->conf.reboot_hook_timeout_s, &d->stop_now, why,
					       sizeof(why));
			pthread_mutex_lock(&d->sh.lock);
			d->sh.reboot_rc = rc;
			d->sh.reboot_finished = true;
			d->sh.running = false;
			pthread_mutex_unlock(&d->sh.lock);
			event_active(d->ev_done, 0, 0);
			continue;
		}
		/* a due transfer goes first: the next session reports it */
		bool transfer = d->sh.job_state == CWMPD_JOB_GO;
		if (transfer) {
			d->sh.job_state = CWMPD_JOB_RUNNING;
			job = d->sh.job;
		} else {
			d->sh.go = false;
		}
		d->sh.running = true;
		pthread_mutex_unlock(&d->sh.lock);
		/* a firmware install may end in a reboot: what was installed over what is on disk
		 * before it starts */
		if (transfer && cwmpd_job_is_firmware(&job))
			cwmpd_worker_persist(d, CWMPD_PERSIST_TRANSFERS);

		if (transfer) {
			cwmpd_transfer(d, &job);
			explicit_bzero(&job, sizeof(job));
		} else {
			cwmpd_session(d);
		}

		pthread_mutex_lock(&d->sh.lock);
		d->sh.running = false;
		pthread_mutex_unlock(&d->sh.lock);
		event_active(d->ev_done, 0, 0); /* thread-safe: evthread_use_pthreads() */
	}
	return NULL;
}

/* ------------------------------------------------------------------------------- loop */

static void cwmpd_arm(struct cwmpd *d);
static void cwmpd_reboot_in_place(struct cwmpd *d);
static void cwmpd_cr_port_changed(struct cwmpd *d, bool by_acs);
static void cwmpd_cr_url_changed(struct cwmpd *d, bool by_acs);
static void cwmpd_apply_conf(struct cwmpd *d);
static void cwmpd_set_cr_url(struct cwmpd *d);

/* The ACS URL changed or the phone was reset to factory: the queue goes down to 0 BOOTSTRAP and
 * an unreported transfer is forgotten (the new ACS did not ask for it). url non-NULL: the URL the
 * new queue is for, recorded in the same transaction. Loop thread. */
static void cwmpd_acs_changed(struct cwmpd *d, const char *url, bool booted)
{
	pthread_mutex_lock(&d->sh.lock);
	cwmp_events_acs_changed(&d->sh.events);
	d->sh.queue_gen++;
	if (booted) /* the phone did boot (the change was seen at the start after it) */
		cwmp_events_add(&d->sh.events, CWMP_EV_BOOT, NULL);
	d->sh.have_transfer = false;
	/* lazily: after a power cut the start finds the URL unlike the recorded one and does this
	 * again */
	pthread_mutex_unlock(&d->sh.lock);
	cwmpd_loop_persist(d, CWMPD_PERSIST_TRANSFERS | (url ? CWMPD_PERSIST_LAZY : 0), url);
}

/* The store was reset to factory (by us or another program): its daemon state is gone, so the
 * queue is written afresh, down to 0 BOOTSTRAP. Loop thread. */
static void cwmpd_factory_reset_seen(struct cwmpd *d)
{
	pthread_mutex_lock(&d->sh.lock);
	cwmpd_forget_saved_locked(d);
	pthread_mutex_unlock(&d->sh.lock);
	cwmpd_acs_changed(d, NULL, false);
}

/* Reads the periodic settings and plans the next periodic inform: computed in wall-clock time
 * (PeriodicInformTime is an instant), armed as a monotonic deadline. With a known
 * PeriodicInformTime exactly on it plus whole intervals; jitter only while it is unknown. */
static void cwmpd_plan_periodic(struct cwmpd *d)
{
	bool on = false;
	uint32_t interval = 0;
	char *ref = NULL;
	int64_t ref_s = 0;

	d->periodic_at_ms = 0;
	if (store_get_bool(&on, d->st, "tr69_periodic_enable") ||
	    (on && store_get_uint(&interval, d->st, "tr69_periodic_interval"))) {
		cwmpd_recheck_later(d, CWMPD_RECHECK_PERIODIC, "the periodic inform settings");
		return;
	}
	if (!on || interval == 0)
		return;
	bool has_ref = !store_get(&ref, d->st, "tr69_periodic_time") &&
		       cwmp_retry_parse_time(&ref_s, ref);
	free(ref);
	int64_t wall = cwmpd_wall_ms(), mono = cwmpd_now_ms();
	if (!d->periodic_last_ms)
		d->periodic_last_ms = wall;
	int64_t next = cwmp_periodic_next_ms(wall, d->periodic_last_ms, interval, has_ref, ref_s,
					     cwmp_periodic_jitter_ms(interval), cwmpd_rand());
	/* the instant planned, for operators and the tests (to the millisecond: with a reference
	 * it is ref + whole intervals, with no jitter) */
	log_msg(LOG_DEBUG, "cwmp: next periodic inform at Unix time %lld.%03d (%s)",
		(long long)(next / 1000), (int)(next % 1000),
		has_ref ? "PeriodicInformTime + whole intervals" : "interval + jitter");
	d->wall_offset_ms = wall - mono;
	d->periodic_at_ms = mono + (next > wall ? next - wall : 0);
	if (!d->periodic_at_ms)
		d->periodic_at_ms = 1;
}

/* Pending ScheduleInform requests, persisted as "<wall ms>\t<hex key>" lines so that a restart
 * keeps them (a request whose time passed while the daemon was down fires at start). */
static const char *cwmpd_sched_text(char *text, size_t len, const struct cwmpd *d)
{
	size_t k = 0;

	text[0] = '\0';
	for (size_t i = 0; i < d->n_sched && k < len; i++) {
		char key[2 * CWMP_EVENTS_KEY_MAX + 1];
		cwmpd_hex(key, sizeof(key), d->sched[i].key);
		k += (size_t)snprintf(text + k, len - k, "%lld\t%s\n",
				      (long long)d->sched[i].wall_ms, key);
	}
	return d->n_sched ? text : NULL;
}

static void cwmpd_sched_load(struct cwmpd *d)
{
	char *text = NULL;
	int64_t wall = cwmpd_wall_ms(), mono = cwmpd_now_ms();

	if (store_state_get(&text, d->st, CWMPD_SCHED_STATE))
		return;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line && d->n_sched < CWMPD_MAX_SCHEDULES;
	     line = strtok_r(NULL, "\n", &save)) {
		char *tab = strchr(line, '\t');
		if (!tab)
			continue;
		*tab = '\0';
		struct cwmpd_sched *sc = &d->sched[d->n_sched++];
		sc->wall_ms = strtoll(line, NULL, 10);
		sc->at_ms = mono + (sc->wall_ms > wall ? sc->wall_ms - wall : 0);
		cwmpd_unhex(sc->key, sizeof(sc->key), tab + 1);
	}
	free(text);
	if (d->n_sched)
		log_msg(LOG_INFO, "cwmp: %zu scheduled inform(s) kept across the restart", d->n_sched);
}

/* Queue and schedules in one state transaction (loop thread). */
static void cwmpd_persist_sched(struct cwmpd *d)
{
	cwmpd_loop_persist(d, CWMPD_PERSIST_SCHED, NULL);
}

/* Hands a due transfer to the worker. */
static void cwmpd_maybe_transfer(struct cwmpd *d)
{
	pthread_mutex_lock(&d->sh.lock);
	if (d->sh.job_state == CWMPD_JOB_WAITING && d->job_at_ms && d->job_at_ms <= cwmpd_now_ms() &&
	    !d->sh.running) {
		d->sh.job_state = CWMPD_JOB_GO;
		d->job_at_ms = 0;
		pthread_cond_signal(&d->sh.cond);
	}
	pthread_mutex_unlock(&d->sh.lock);
}

/* Starts a session when one is wanted and allowed. */
static void cwmpd_maybe_start(struct cwmpd *d)
{
	bool enabled = false;

	if (d->rebooting)
		return; /* nothing starts while the phone reboots */
	cwmpd_maybe_transfer(d);
	if (!d->want || (d->retry_at_ms && d->retry_at_ms > cwmpd_now_ms()))
		return;
	if (store_get_bool(&enabled, d->st, "tr69_enable")) {
		cwmpd_recheck_later(d, CWMPD_RECHECK_START, "tr69_enable");
		return;
	}
	if (!enabled || !d->acs_url[0])
		return; /* kept wanted: a later change of the settings starts it */
	pthread_mutex_lock(&d->sh.lock);
	if (!d->sh.running && !d->sh.go) {
		d->sh.go = true;
		d->want = false;
		d->retry_at_ms = 0;
		pthread_cond_signal(&d->sh.cond);
	}
	pthread_mutex_unlock(&d->sh.lock);
}

/* Adds an event to the queue (and saves it) from the loop thread. */
static void cwmpd_add_event(struct cwmpd *d, enum cwmp_event_code code, const char *key)
{
	pthread_mutex_lock(&d->sh.lock);
	if (cwmp_events_add(&d->sh.events, code, key))
		log_msg(LOG_WARNING, "cwmp: event queue full, %s dropped", cwmp_events_code_name(code));
	pthread_mutex_unlock(&d->sh.lock);
	cwmpd_save(d);
}

static void cwmpd_on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct cwmpd *d = arg;
	int64_t now = cwmpd_now_ms();
	int64_t offset = cwmpd_wall_ms() - now;
	bool fired = false;

	/* the wall clock was set (NTP, the user): PeriodicInformTime alignment is replanned */
	if (d->periodic_at_ms && (offset - d->wall_offset_ms > CWMPD_CLOCK_STEP_MS ||
				  d->wall_offset_ms - offset > CWMPD_CLOCK_STEP_MS)) {
		log_msg(LOG_INFO, "cwmp: wall clock stepped by %lld ms, periodic inform replanned",
			(long long)(offset - d->wall_offset_ms));
		cwmpd_plan_periodic(d);
	}
	if (d->periodic_at_ms && d->periodic_at_ms <= now) {
		cwmpd_add_event(d, CWMP_EV_PERIODIC, NULL);
		d->periodic_last_ms = cwmpd_wall_ms();
		d->want = true;
		cwmpd_plan_periodic(d);
	}
	for (size_t i = 0; i < d->n_sched;) {
		if (d->sched[i].at_ms <= now) {
			pthread_mutex_lock(&d->sh.lock);
			if (cwmp_events_add(&d->sh.events, CWMP_EV_SCHEDULED, NULL) ||
			    cwmp_events_add(&d->sh.events, CWMP_EV_M_SCHEDULE_INFORM, d->sched[i].key))
				log_msg(LOG_WARNING, "cwmp: event queue full, scheduled inform dropped");
			pthread_mutex_unlock(&d->sh.lock);
			d->want = true;
			d->sched[i] = d->sched[--d->n_sched];
			fired = true;
		} else {
			i++;
		}
	}
	if (fired)
		cwmpd_persist_sched(d);
	if (d->active_at_ms && d->active_at_ms <= now) {
		d->active_at_ms = 0;
		d->want = true;
	}
	if (d->reboot_wait_ms && d->reboot_wait_ms <= now) {
		log_msg(LOG_WARNING, "cwmp: the reboot hook succeeded but the phone did not reboot "
				     "within %u s: the CWMP state restarts in place",
			d->conf.reboot_hook_timeout_s);
		cwmpd_reboot_in_place(d);
	}
	cwmpd_maybe_start(d);
	cwmpd_arm(d);
}

/* Arms the one timer at the earliest deadline. */
static void cwmpd_arm(struct cwmpd *d)
{
	int64_t next = 0;
	int64_t cand[5] = { d->periodic_at_ms, d->retry_at_ms, d->active_at_ms, d->job_at_ms,
			    d->reboot_wait_ms };

	for (size_t i = 0; i < 5; i++)
		if (cand[i] && (!next || cand[i] < next))
			next = cand[i];
	for (size_t i = 0; i < d->n_sched; i++)
		if (!next || d->sched[i].at_ms < next)
			next = d->sched[i].at_ms;
	event_del(d->ev_timer);
	if (!next)
		return;
	int64_t wait = next - cwmpd_now_ms();
	if (wait < 0)
		wait = 0;
	struct timeval tv = { .tv_sec = (time_t)(wait / 1000), .tv_usec = (suseconds_t)(wait % 1000) * 1000 };
	event_add(d->ev_timer, &tv);
}

/* A Reboot (or the reboot of a FactoryReset) as the CWMP state machine sees it without a real
 * one: the reboot rules applied to the queue and a session with BOOT at once. */
static void cwmpd_reboot_in_place(struct cwmpd *d)
{
	pthread_mutex_lock(&d->sh.lock);
	cwmp_events_rebooted(&d->sh.events);
	pthread_mutex_unlock(&d->sh.lock);
	cwmpd_save(d);
	d->rebooting = false;
	d->reboot_wait_ms = 0;
	d->want = true;
}

/* The reboot hook returned: on success the phone is going down (SIGTERM is on its way); the
 * reboot is awaited reboot_hook_timeout seconds, then the reboot is done in place. */
static void cwmpd_reboot_hook_done(struct cwmpd *d, int rc)
{
	if (rc == CWMP_HOOK_E_ABANDONED)
		return; /* we are stopping, most likely for the reboot itself */
	if (rc == CWMP_HOOK_OK) {
		d->reboot_wait_ms = cwmpd_now_ms() + (int64_t)d->conf.reboot_hook_timeout_s * 1000;
		log_msg(LOG_NOTICE, "cwmp: reboot under way; sessions wait for it");
		return;
	}
	log_msg(LOG_ERR, "cwmp: the phone could not be rebooted: the CWMP state restarts in place");
	cwmpd_reboot_in_place(d);
}

/* The worker finished a session. */
static void cwmpd_on_done(evutil_socket_t fd, short what, void *arg)
{
	struct cwmpd *d = arg;
	struct cwmp_rpc_result fx;
	bool ok, finished, transfer_done;
	unsigned retry, delay;

	pthread_mutex_lock(&d->sh.lock);
	finished = d->sh.finished;
	d->sh.finished = false;
	transfer_done = d->sh.transfer_finished;
	d->sh.transfer_finished = false;
	ok = d->sh.last_ok;
	retry = d->sh.retry_count;
	fx = d->sh.effects;
	memset(&d->sh.effects, 0, sizeof(d->sh.effects));
	delay = d->sh.job.delay_s;
	int64_t ended_ms = d->sh.ended_ms, ended_wall_ms = d->sh.ended_wall_ms;
	bool pending = d->sh.more;
	bool reboot_done = d->sh.reboot_finished;
	int reboot_rc = d->sh.reboot_rc;
	d->sh.reboot_finished = false;
	bool cr_host_new = d->sh.cr_host_new;
	char cr_host[sizeof(d->sh.cr_host)];
	memcpy(cr_host, d->sh.cr_host, sizeof(cr_host));
	d->sh.cr_host_new = false;
	bool worker_pend = d->sh.pend;
	pthread_mutex_unlock(&d->sh.lock);
	if (worker_pend)
		cwmpd_flush(d); /* what the worker could not write */
	if (cr_host_new) {
		/* the worker's address for the ACS: the listener's URL follows (already reported) */
		cwmp_cr_set_host(d->cr, cr_host);
		cwmpd_set_cr_url(d);
	}
	cwmpd_apply_conf(d); /* a reload that waited for the worker */
	if (reboot_done) {
		cwmpd_reboot_hook_done(d, reboot_rc);
		cwmpd_maybe_start(d);
		cwmpd_arm(d);
		return;
	}
	if (transfer_done) {
		/* TRANSFER COMPLETE to report; a retry back-off in force stays in force */
		d->want = true;
		cwmpd_maybe_start(d);
		cwmpd_arm(d);
		return;
	}
	if (!finished)
		return;

	/* an accepted transfer waits for its DelaySeconds (it survives a failed session end: the
	 * ACS got our DownloadResponse) */
	if (fx.transfer_pending) {
		d->job_at_ms = ended_ms + (int64_t)delay * 1000;
		if (!d->job_at_ms)
			d->job_at_ms = 1;
	}
	if (!ok) {
		uint32_t m = 5, k = 2000;
		store_get_uint(&m, d->st, "tr69_retry_min_wait");
		store_get_uint(&k, d->st, "tr69_retry_multiplier");
		int64_t wait = cwmp_retry_wait_ms(retry, m, k, cwmpd_rand());
		d->retry_at_ms = cwmpd_now_ms() + wait;
		d->want = true;
		log_msg(LOG_INFO, "cwmp: retry %u in %lld ms", retry, (long long)wait);
	} else {
		d->retry_at_ms = 0;
		if (fx.schedule_inform && d->n_sched < CWMPD_MAX_SCHEDULES) {
			struct cwmpd_sched *s = &d->sched[d->n_sched++];
			s->at_ms = ended_ms + (int64_t)fx.schedule_delay_s * 1000;
			s->wall_ms = ended_wall_ms + (int64_t)fx.schedule_delay_s * 1000;
			snprintf(s->key, sizeof(s->key), "%s", fx.schedule_key);
			cwmpd_persist_sched(d);
		} else if (fx.schedule_inform) {
			log_msg(LOG_WARNING, "cwmp: too many scheduled informs, one dropped");
		}
		if (fx.factory_reset) {
			/* the worker reset the store (the loop does not wait for the store) */
			cwmpd_factory_reset_seen(d);
			d->want = true;
		}
		if (fx.reboot) {
			pthread_mutex_lock(&d->sh.lock);
			cwmp_events_add(&d->sh.events, CWMP_EV_M_REBOOT, fx.reboot_key);
			pthread_mutex_unlock(&d->sh.lock);
			cwmpd_save(d);
		}
		if ((fx.reboot || fx.factory_reset) && d->conf.reboot_hook[0]) {
			/* once M Reboot (or the queue after the reset) is on disk (a busy store
			 * defers it): the phone reboots, and the start after it applies the
			 * reboot rules and sends BOOT */
			d->reboot_held = true;
			cwmpd_reboot_go(d);
			d->rebooting = true;
			d->want = false;
			pending = false;
		} else if (fx.reboot || fx.factory_reset) {
			/* no reboot hook: for the CWMP state machine a reboot is BOOT plus M Reboot
			 * in the next session; a FactoryReset restarts the phone too, so its
			 * 0 BOOTSTRAP goes with 1 BOOT (else the ACS never learns of the restart) */
			cwmpd_reboot_in_place(d);
		}
		/* events that arrived during the session (or a finished transfer) go now; those the
		 * ACS held (TransferComplete under HoldRequests) wait for the next session */
		if (pending)
			d->want = true;
	}
	cwmpd_maybe_start(d);
	cwmpd_arm(d);
}

/* ACS URL as the queue knows it: a change discards the queue for 0 BOOTSTRAP (the new queue and
 * the URL it is for are written in one transaction). */
static void cwmpd_check_acs_url(struct cwmpd *d, bool at_start)
{
	char *url = NULL, *known = NULL;

	/* the URL and the one last contacted, from one state of the store; when another program
	 * holds the store, read again soon (a change missed here would go unseen until the next
	 * one: the daemon would keep the old ACS, or at start have none) */
	int known_rc = STORE_E_INVALID;
	if (store_read_begin(d->st) == STORE_OK) {
		if (store_get(&url, d->st, "tr69_acs_url") == STORE_OK)
			known_rc = store_state_get(&known, d->st, CWMPD_ACS_STATE);
		store_read_end(d->st);
	}
	if (!url || (known_rc != STORE_OK && known_rc != STORE_E_NOT_FOUND)) {
		d->recheck_start = d->recheck_start || at_start;
		free(url);
		free(known);
		cwmpd_recheck_later(d, CWMPD_RECHECK_ACS, "the ACS URL");
		return;
	}
	d->recheck_start = false;
	if (d->pend_acs) {
		/* the URL of the last change is not written yet (the store was busy): the queue is
		 * for that one, not for the older URL the store still holds */
		char *pend = strdup(d->pend_acs_url);
		if (pend) {
			free(known);
			known = pend;
			known_rc = STORE_OK;
		}
	}
	if (known_rc == STORE_OK && strcmp(known, url) != 0 && url[0]) {
		log_msg(LOG_NOTICE, "cwmp: ACS URL changed: 0 BOOTSTRAP");
		cwmpd_acs_changed(d, url, at_start && d->new_boot);
		d->retry_at_ms = 0;
		d->want = true;
	} else if (!known || strcmp(known, url)) {
		cwmpd_loop_persist(d, 0, url);
	}
	if (strcmp(d->acs_url, url) && url[0] && !at_start)
		d->want = true;
	snprintf(d->acs_url, sizeof(d->acs_url), "%s", url);
	free(url);
	free(known);
}

/* One changed setting, changed by someone else than the ACS: notifications. */
static void cwmpd_key_changed(struct cwmpd *d, const char *key)
{
	const char *paths[8];
	size_t n = cwmp_model_paths_for_key(d->model, key, paths, 8);

	for (size_t i = 0; i < n; i++) {
		int notif = cwmp_model_notification(d->model, paths[i]);
		if (notif <= 0)
			continue;
		pthread_mutex_lock(&d->sh.lock);
		if (cwmp_events_add_param(&d->sh.events, paths[i]))
			log_msg(LOG_WARNING, "cwmp: too many changed parameters, %s not reported",
				paths[i]);
		pthread_mutex_unlock(&d->sh.lock);
		cwmpd_save(d);
		log_msg(LOG_INFO, "cwmp: %s changed (%s notification)", paths[i],
			notif == 2 ? "active" : "passive");
		if (notif == 2 && !d->active_at_ms)
			d->active_at_ms = cwmpd_now_ms() + CWMPD_ACTIVE_DELAY_MS;
	}
}

/* What a wake-up of the change feed found, acted on once after the entries were handed. */
struct cwmpd_feed {
	struct cwmpd *d;
	bool periodic, acs, cr_port, cr_by_acs;
};

/* One changed setting of an entry (or of a resync snapshot) by source src. */
static void cwmpd_feed_key(struct cwmpd_feed *f, const struct store_setting *s,
			   enum store_source src)
{
	if (!strncmp(s->key, "tr69_periodic_", 14))
		f->periodic = true;
	if (!strcmp(s->key, "tr69_acs_url") || !strcmp(s->key, "tr69_enable"))
		f->acs = true;
	if (!strcmp(s->key, "tr69_cr_port")) {
		f->cr_port = true;
		f->cr_by_acs = src == STORE_SRC_TR069;
	}
	/* the ACS's own changes are not notified back (TR-069 A.3.2.4) */
	if (src != STORE_SRC_TR069)
		cwmpd_key_changed(f->d, s->key);
}

/* One audit entry (store_feed_follow's callback; no read is held, so the queue may be written). */
static void cwmpd_feed_change(void *arg, const struct store_change *c)
{
	struct cwmpd_feed *f = arg;
	struct cwmpd *d = f->d;

	log_msg(LOG_DEBUG, "cwmp: change %llu by %s: %zu setting(s)", (unsigned long long)c->seq,
		store_source_name(c->source) ? store_source_name(c->source) : "?", c->count);
	for (size_t i = 0; i < c->count; i++)
		cwmpd_feed_key(f, c->settings[i], c->source);
	if (c->action == STORE_ACT_FACTORY && c->source != STORE_SRC_TR069) {
		cwmpd_factory_reset_seen(d);
		d->want = true;
	} else if (c->action == STORE_ACT_FACTORY) {
		/* ours (cwmpd_on_done wrote the queue after it) or the ACS's through
		 * another program: the next save writes the queue in any case */
		pthread_mutex_lock(&d->sh.lock);
		cwmpd_forget_saved_locked(d);
		pthread_mutex_unlock(&d->sh.lock);
	}
}

static void cwmpd_on_feed(evutil_socket_t fd, short what, void *arg)
{
	struct cwmpd *d = arg;
	struct cwmpd_feed f = { .d = d };
	struct store_snapshot *resync = NULL;
	uint64_t last = d->audit_seq;

	/* Most commits are our own state writes (queue, transfer records), which add no audit
	 * entry and wake nobody; the call reads the head first and the entries only past it. On an
	 * error the feed is drained all the same: the entries left are read again soon. */
	if (store_feed_follow(&d->audit_seq, &resync, d->st, cwmpd_feed_change, &f))
		cwmpd_recheck_later(d, CWMPD_RECHECK_FEED, "the audit log");
	if (resync) {
		/* the entries since the last one handled are no longer kept: each setting changed
		 * since then counts as changed once, by the source of its last change (a factory
		 * reset among them is not seen) */
		log_msg(LOG_WARNING, "cwmp: fell behind the audit log, %llu -> %llu",
			(unsigned long long)last, (unsigned long long)d->audit_seq);
		for (size_t i = 0; i < resync->count; i++)
			if (resync->rows[i].changed_seq > last)
				cwmpd_feed_key(&f, resync->rows[i].setting, resync->rows[i].source);
		store_snapshot_free(resync);
	}
	if (d->audit_seq == last)
		return;
	if (f.acs)
		cwmpd_check_acs_url(d, false);
	if (f.periodic)
		cwmpd_plan_periodic(d);
	if (f.cr_port)
		cwmpd_cr_port_changed(d, f.cr_by_acs);
	cwmpd_maybe_start(d);
	cwmpd_arm(d);
}

/* Applies a configuration read on SIGHUP once the worker is idle (it reads d->conf while it runs
 * a session, a transfer or a hook; only this thread starts it, so idle stays idle meanwhile). */
static void cwmpd_apply_conf(struct cwmpd *d)
{
	if (!d->conf_next)
		return;
	pthread_mutex_lock(&d->sh.lock);
	bool busy = d->sh.running || d->sh.go || d->sh.reboot_go || d->sh.job_state == CWMPD_JOB_GO ||
		    d->sh.job_state == CWMPD_JOB_RUNNING;
	bool host = false;
	if (!busy) {
		host = strcmp(d->conf.cr_host, d->conf_next->cr_host) != 0;
		d->conf = *d->conf_next;
	}
	pthread_mutex_unlock(&d->sh.lock);
	if (busy)
		return; /* cwmpd_on_done comes back */
	free(d->conf_next);
	d->conf_next = NULL;
	log_msg(LOG_NOTICE, "cwmp: configuration reloaded");
	if (host) {
		/* a new ConnectionRequestURL: notified like a port change */
		cwmp_cr_set_host(d->cr, d->conf.cr_host);
		cwmpd_set_cr_url(d);
		cwmpd_cr_url_changed(d, false);
	}
}

/* SIGHUP: the configuration file is read again; a bad file changes nothing. The vendor prefix
 * (the data model's names) and the listener's address need a restart. */
static void cwmpd_on_hup(evutil_socket_t sig, short what, void *arg)
{
	struct cwmpd *d = arg;
	struct cwmp_conf *c = malloc(sizeof(*c));
	char err[512];

	if (!c) {
		log_msg(LOG_ERR, "cwmp: configuration not reloaded: out of memory");
		return;
	}
	if (cwmp_conf_load(c, d->opt->conf_path, err, sizeof(err))) {
		log_msg(LOG_ERR, "cwmp: configuration not reloaded: %s", err);
		free(c);
		return;
	}
	if (strcmp(c->vendor, d->conf.vendor)) {
		log_msg(LOG_WARNING, "cwmp: vendor %s takes effect at the next start (%s until then)",
			c->vendor, d->conf.vendor);
		memcpy(c->vendor, d->conf.vendor, sizeof(c->vendor));
	}
	if (strcmp(c->cr_bind, d->conf.cr_bind)) {
		log_msg(LOG_WARNING, "cwmp: cr_bind %s takes effect at the next start (%s until then)",
			c->cr_bind, d->conf.cr_bind);
		memcpy(c->cr_bind, d->conf.cr_bind, sizeof(c->cr_bind));
	}
	free(d->conf_next);
	d->conf_next = c;
	cwmpd_apply_conf(d);
	cwmpd_maybe_start(d);
	cwmpd_arm(d);
}

static void cwmpd_on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct cwmpd *d = arg;

	log_msg(LOG_INFO, "cwmp: signal %d, stopping", (int)sig);
	event_base_loopbreak(d->base);
}

/* Connection requests. */
static bool cwmpd_cr_busy(void *arg)
{
	struct cwmpd *d = arg;
	bool busy;

	if (d->rebooting)
		return true; /* loop thread, as this callback: no session until the reboot */
	pthread_mutex_lock(&d->sh.lock);
	busy = d->sh.running || d->sh.go;
	pthread_mutex_unlock(&d->sh.lock);
	return busy;
}

static void cwmpd_cr_trigger(void *arg)
{
	struct cwmpd *d = arg;

	cwmpd_add_event(d, CWMP_EV_CONNECTION_REQUEST, NULL);
	d->want = true;
	d->retry_at_ms = 0;
	cwmpd_maybe_start(d);
	cwmpd_arm(d);
}

/* The listener's URL to the models (the worker's through the shared copy). */
static void cwmpd_set_cr_url(struct cwmpd *d)
{
	pthread_mutex_lock(&d->sh.lock);
	snprintf(d->sh.cr_url, sizeof(d->sh.cr_url), "%s", cwmp_cr_url(d->cr));
	pthread_mutex_unlock(&d->sh.lock);
	cwmp_model_set_cr_url(d->model, cwmp_cr_url(d->cr));
	log_msg(LOG_INFO, "cwmp: connection requests on %s", cwmp_cr_url(d->cr));
}

/* tr69_cr_port changed: the listener moves (unless -p fixed the port). A change not made by the
 * ACS is a value change of ConnectionRequestURL, which is notified (active by default). */
static void cwmpd_cr_port_changed(struct cwmpd *d, bool by_acs)
{
	uint32_t port = 0;
	char err[256];

	if (store_get_uint(&port, d->st, "tr69_cr_port") || port == d->cr_port_setting)
		return;
	d->cr_port_setting = port;
	if (d->opt->cr_port >= 0) {
		log_msg(LOG_NOTICE, "cwmp: tr69_cr_port changed; the listener keeps port %d (-p)",
			d->opt->cr_port);
		return;
	}
	if (cwmp_cr_rebind(d->cr, port, err, sizeof(err))) {
		log_msg(LOG_ERR, "cwmp: %s; the listener stays on port %u", err,
			cwmp_cr_port(d->cr));
		return;
	}
	cwmpd_set_cr_url(d);
	cwmpd_cr_url_changed(d, by_acs);
}

/* ConnectionRequestURL changed (port or host): a value change, notified (active by default)
 * unless the ACS made it. */
static void cwmpd_cr_url_changed(struct cwmpd *d, bool by_acs)
{
	static const char *const path = "Device.ManagementServer.ConnectionRequestURL";
	int notif = cwmp_model_notification(d->model, path);

	if (by_acs || notif <= 0)
		return;
	pthread_mutex_lock(&d->sh.lock);
	if (cwmp_events_add_param(&d->sh.events, path))
		log_msg(LOG_WARNING, "cwmp: too many changed parameters, %s not reported", path);
	pthread_mutex_unlock(&d->sh.lock);
	cwmpd_save(d);
	if (notif == 2 && !d->active_at_ms)
		d->active_at_ms = cwmpd_now_ms() + CWMPD_ACTIVE_DELAY_MS;
}

/* ------------------------------------------------------------------------------- startup */

static void cwmpd_boot_id(char *out, size_t len)
{
	const char *env = getenv("PHONESEC_BOOT_ID"); /* tests simulate a reboot with it */
	out[0] = '\0';
	if (env && *env) {
		snprintf(out, len, "%s", env);
		return;
	}
	int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = read(fd, out, len - 1);
	close(fd);
	out[n > 0 ? n : 0] = '\0';
	out[strcspn(out, "\n")] = '\0';
}

/* The queue at start: first start = BOOTSTRAP + BOOT, a new kernel boot = reboot rules + BOOT,
 * a restart of the daemon alone keeps the queue as it was. */
static int cwmpd_load_queue(struct cwmpd *d)
{
	bool first = false;
	char boot[64], *known = NULL;

	int err = cwmp_events_load(&d->sh.events, &first, d->st);
	if (err == CWMP_EVENTS_E_SYNTAX)
		log_msg(LOG_WARNING, "cwmp: event queue partly unreadable, kept what could be read");
	else if (err)
		return -1;
	cwmpd_boot_id(boot, sizeof(boot));
	snprintf(d->boot_id, sizeof(d->boot_id), "%s", boot);
	bool new_boot = store_state_get(&known, d->st, CWMPD_BOOT_STATE) != STORE_OK ||
			strcmp(known, boot) != 0;
	d->new_boot = new_boot;
	free(known);
	if (first) {
		cwmp_events_add(&d->sh.events, CWMP_EV_BOOTSTRAP, NULL);
		cwmp_events_add(&d->sh.events, CWMP_EV_BOOT, NULL);
	} else if (new_boot) {
		cwmp_events_rebooted(&d->sh.events);
	}
	d->pend_boot = new_boot;
	cwmpd_save(d);
	cwmpd_transfer_load(d);
	cwmpd_pending_load(d);
	cwmpd_sched_load(d);
	if (d->sh.events.n || d->sh.have_transfer)
		d->want = true;
	return 0;
}

static int cwmpd_start(struct cwmpd *d)
{
	const struct cwmpd_options *o = d->opt;
	const char *path = o->store_path ? o->store_path : store_default_path();
	char err[512];

	if (cwmp_conf_load(&d->conf, o->conf_path, err, sizeof(err))) {
		log_msg(LOG_ERR, "%s", err);
		return -1;
	}
	if (store_open(&d->st, path, err, sizeof(err)) || store_open(&d->wst, path, err, sizeof(err))) {
		log_msg(LOG_ERR, "%s", err);
		return -1;
	}
	/* the loop never waits for another program's write: its writes are deferred instead */
	store_set_busy_timeout(d->st, CWMPD_LOOP_BUSY_MS);
	if (cwmp_model_new(&d->model, d->st, &d->conf) || cwmp_model_new(&d->wmodel, d->wst, &d->conf)) {
		log_msg(LOG_ERR, "cwmp: data model setup failed");
		return -1;
	}
	if (evthread_use_pthreads() || !(d->base = event_base_new()) ||
	    !(d->ev_write = evtimer_new(d->base, cwmpd_on_write, d))) {
		log_msg(LOG_ERR, "cwmp: libevent setup failed");
		return -1;
	}
	char *abs = realpath(path, NULL); /* the same name from any working folder */
	cwmp_transfer_tag(d->tag, abs ? abs : path);
	free(abs);
	cwmp_transfer_clean(d->tag);
	if (store_audit_head(&d->audit_seq, d->st) || cwmpd_load_queue(d)) {
		log_msg(LOG_ERR, "cwmp: %s", store_errmsg(d->st));
		return -1;
	}
	cwmpd_check_acs_url(d, true);

	uint32_t port = 7547;
	store_get_uint(&port, d->st, "tr69_cr_port");
	d->cr_port_setting = port;
	if (o->cr_port >= 0)
		port = (uint32_t)o->cr_port;
	struct cwmp_cr_ops ops = { .busy = cwmpd_cr_busy, .trigger = cwmpd_cr_trigger, .arg = d };
	if (cwmp_cr_new(&d->cr, d->base, d->st, d->conf.cr_bind, port, d->conf.cr_host, &ops, err,
			sizeof(err))) {
		log_msg(LOG_ERR, "cwmp: %s", err);
		return -1;
	}
	cwmpd_set_cr_url(d);
	cwmpd_flush(d); /* a path drawn while the store was busy: saved later */

	int feed = store_feed_fd(d->st);
	d->ev_feed = feed >= 0 ? event_new(d->base, feed, EV_READ | EV_PERSIST, cwmpd_on_feed, d) : NULL;
	d->ev_timer = evtimer_new(d->base, cwmpd_on_timer, d);
	d->ev_done = event_new(d->base, -1, 0, cwmpd_on_done, d);
	d->ev_term = evsignal_new(d->base, SIGTERM, cwmpd_on_signal, d);
	d->ev_int = evsignal_new(d->base, SIGINT, cwmpd_on_signal, d);
	d->ev_hup = evsignal_new(d->base, SIGHUP, cwmpd_on_hup, d);
	if (!d->ev_feed || !d->ev_timer || !d->ev_done || !d->ev_term || !d->ev_int || !d->ev_hup ||
	    event_add(d->ev_feed, NULL) || event_add(d->ev_term, NULL) || event_add(d->ev_int, NULL) ||
	    event_add(d->ev_hup, NULL)) {
		log_msg(LOG_ERR, "cwmp: event setup failed");
		return -1;
	}
	d->tls = cwmp_tls_cache_new(); /* NULL: each https session builds its own context */
	if (pthread_create(&d->worker, NULL, cwmpd_worker, d)) {
		log_msg(LOG_ERR, "cwmp: cannot start the session thread");
		return -1;
	}
	d->worker_started = true;
	cwmpd_plan_periodic(d);
	/* why a session starts now or not: for an operator (and a test) that waits for one */
	log_msg(LOG_DEBUG, "cwmp: at start %zu events queued, session %s, ACS %s", d->sh.events.n,
		d->want ? "wanted" : "not wanted", d->acs_url[0] ? d->acs_url : "(none)");
	cwmpd_maybe_start(d);
	cwmpd_arm(d);
	return 0;
}

static void cwmpd_stop(struct cwmpd *d)
{
	if (d->worker_started) {
		atomic_store(&d->stop_now, true); /* before the join: a hook under way is left */
		pthread_mutex_lock(&d->sh.lock);
		d->sh.stopping = true;
		pthread_cond_signal(&d->sh.cond);
		pthread_mutex_unlock(&d->sh.lock);
		pthread_join(d->worker, NULL); /* a running session ends within its I/O timeouts */
		/* a session or transfer that ended while we were stopping: its outcome (a pending
		 * ScheduleInform, M Reboot, an accepted transfer's timer) is recorded as the loop
		 * would have, so that the restart finds it */
		cwmpd_on_done(-1, 0, d);
	}
	if (d->deferred && d->st) {
		/* nothing to answer any more: the deferred writes may wait a little now */
		store_set_busy_timeout(d->st, CWMPD_STOP_BUSY_MS);
		cwmpd_flush(d);
		if (d->deferred)
			log_msg(LOG_ERR, "cwmp: deferred state writes lost: the store stayed busy");
	}
	struct event *evs[] = { d->ev_feed, d->ev_timer, d->ev_done, d->ev_term, d->ev_int,
				d->ev_hup, d->ev_write };
	free(d->conf_next);
	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		if (evs[i])
			event_free(evs[i]);
	cwmp_cr_free(d->cr);
	if (d->base)
		event_base_free(d->base);
	cwmp_model_free(d->model);
	cwmp_model_free(d->wmodel);
	cwmp_tls_cache_free(d->tls);
	store_close(d->st);
	store_close(d->wst);
}

int cwmpd_run(const struct cwmpd_options *opt)
{
	struct cwmpd *d = calloc(1, sizeof(*d));
	int rc = 1;

	if (!d)
		return 1;
	d->opt = opt;
	atomic_init(&d->stop_now, false);
	pthread_mutex_init(&d->sh.lock, NULL);
	pthread_mutex_init(&d->persist_lock, NULL);
	pthread_cond_init(&d->sh.cond, NULL);
	signal(SIGPIPE, SIG_IGN);
	cwmp_session_global_init();
	if (cwmpd_start(d) == 0) {
		log_msg(LOG_NOTICE, "cwmp: started");
		event_base_dispatch(d->base);
		rc = 0;
	}
	cwmpd_stop(d);
	free(d->sh.saved_events);
	pthread_cond_destroy(&d->sh.cond);
	pthread_mutex_destroy(&d->persist_lock);
	pthread_mutex_destroy(&d->sh.lock);
	free(d);
	return rc;
}
