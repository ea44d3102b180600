/* agent/loop: Net-SNMP's sockets and timers driven by the daemon's libevent base, as lldpd
 * does: after every read or timeout, snmp_select_info2() tells which fds and which timeout to
 * watch; snmp_read2() and snmp_timeout()/run_alarms() do the work. Nothing here blocks. */
#include "config.h"

#include <stdlib.h>

#include <event2/event.h>

#include "internal.h"
#include <net-snmp/library/large_fd_set.h>
#include "log.h"

/* Net-SNMP opens a handful of sockets (the AgentX session); the cap bounds the table. */
#define AGENT_LOOP_MAX_FDS 64

struct agent_loop {
	struct event *timer;
	struct event *fds[AGENT_LOOP_MAX_FDS];
	size_t nfds;
};

static void agent_loop_read(evutil_socket_t fd, short what, void *arg)
{
	struct agent *ag = arg;
	netsnmp_large_fd_set set;

	netsnmp_large_fd_set_init(&set, FD_SETSIZE);
	NETSNMP_LARGE_FD_ZERO(&set);
	NETSNMP_LARGE_FD_SET(fd, &set);
	snmp_read2(&set);
	netsnmp_large_fd_set_cleanup(&set);
	agent_loop_update(ag);
}

/* Forgets every fd event. A failed AgentX ping closes the session and opens a new one within
 * one alarm: the new socket may get the old fd number, which epoll no longer watches. */
static void agent_loop_forget(struct agent_loop *lp)
{
	for (size_t i = 0; i < lp->nfds; i++)
		event_free(lp->fds[i]);
	lp->nfds = 0;
}

static void agent_loop_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct agent *ag = arg;

	snmp_timeout();
	run_alarms(); /* AgentX ping and reconnection run as Net-SNMP alarms */
	agent_loop_forget(ag->loop);
	agent_loop_update(ag);
}

int agent_loop_new(struct agent *ag)
{
	ag->loop = calloc(1, sizeof(*ag->loop));
	if (!ag->loop)
		return -1;
	ag->loop->timer = evtimer_new(ag->base, agent_loop_timeout, ag);
	if (!ag->loop->timer) {
		free(ag->loop);
		ag->loop = NULL;
		return -1;
	}
	return 0;
}

void agent_loop_update(struct agent *ag)
{
	struct agent_loop *lp = ag->loop;
	netsnmp_large_fd_set set;
	struct timeval tv = { 0, 0 };
	int maxfd = 0, block = 1;
	size_t kept = 0;

	if (!lp)
		return;
	netsnmp_large_fd_set_init(&set, FD_SETSIZE);
	NETSNMP_LARGE_FD_ZERO(&set);
	/* block = 1 asks for no timeout; Net-SNMP clears it when a timeout (or alarm) is due.
	 * With NETSNMP_DS_LIB_ALARM_DONT_USE_SIG, alarms are included in the timeout. */
	snmp_select_info2(&maxfd, &set, &tv, &block);

	/* Drop the events of fds Net-SNMP no longer wants; keep the others. */
	for (size_t i = 0; i < lp->nfds; i++) {
		int fd = (int)event_get_fd(lp->fds[i]);

		if (fd < maxfd && NETSNMP_LARGE_FD_ISSET(fd, &set)) {
			NETSNMP_LARGE_FD_CLR(fd, &set);
			lp->fds[kept++] = lp->fds[i];
		} else {
			event_free(lp->fds[i]);
		}
	}
	lp->nfds = kept;
	/* Add the new ones. */
	for (int fd = 0; fd < maxfd; fd++) {
		struct event *ev;

		if (!NETSNMP_LARGE_FD_ISSET(fd, &set))
			continue;
		if (lp->nfds == AGENT_LOOP_MAX_FDS) {
			log_msg(LOG_ERR, "too many Net-SNMP sockets (fd %d ignored)", fd);
			continue;
		}
		ev = event_new(ag->base, fd, EV_READ | EV_PERSIST, agent_loop_read, ag);
		if (!ev || event_add(ev, NULL) < 0) {
			log_msg(LOG_ERR, "cannot watch Net-SNMP fd %d", fd);
			if (ev)
				event_free(ev);
			continue;
		}
		lp->fds[lp->nfds++] = ev;
	}
	netsnmp_large_fd_set_cleanup(&set);

	if (block)
		evtimer_del(lp->timer);
	else
		evtimer_add(lp->timer, &tv);
}

void agent_loop_free(struct agent *ag)
{
	struct agent_loop *lp = ag->loop;

	if (!lp)
		return;
	agent_loop_forget(lp);
	event_free(lp->timer);
	free(lp);
	ag->loop = NULL;
}
