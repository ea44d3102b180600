/* The change feed's wake-up: every committer writes the store's "-feed" companion after its commit
 * is visible; an inotify watch on that file lets daemons follow the audit log without polling. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <limits.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* "<store>-feed" into path (size PATH_BUF); false when it does not fit. */
#define PATH_BUF 4096
static bool feed_path(char *path, const struct store *st)
{
	return (size_t)snprintf(path, PATH_BUF, "%s-feed", st->path) < PATH_BUF;
}

/* Adds the watch on "<store>-feed", creating the file when it is not there yet, and drops the
 * watch of a companion it replaces. */
static int watch_feed(struct store *st, int fd)
{
	char path[PATH_BUF];
	struct stat sb;
	int f, wd;
	if (!feed_path(path, st))
		return store_fail(st, STORE_E_INVALID, "%s: path too long", st->path);
	f = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (f < 0)
		return store_fail(st, STORE_E_IO, "%s: %s", path, strerror(errno));
	if (fstat(f, &sb) < 0) {
		close(f);
		return store_fail(st, STORE_E_IO, "%s: %s", path, strerror(errno));
	}
	close(f);
	/* Only the companion is watched: SQLite writes a commit's frames before it publishes the
	 * commit, so a wake-up from the WAL could read too early; readers write the WAL's index and
	 * create the WAL too. The committer writes "-feed" after its commit is visible. IN_ATTRIB
	 * comes with an unlink (the link count changed) even while a process still holds the old
	 * file open, when IN_DELETE_SELF does not come yet. */
	wd = inotify_add_watch(fd, path, IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF);
	if (wd < 0)
		return store_fail(st, STORE_E_IO, "inotify on %s: %s", path, strerror(errno));
	if (st->feed_wd >= 0 && st->feed_wd != wd)
		inotify_rm_watch(fd, st->feed_wd); /* the replaced file's; may be gone already */
	st->feed_wd = wd;
	st->feed_dev = sb.st_dev;
	st->feed_ino = sb.st_ino;
	return STORE_OK;
}

/* Whether "<store>-feed" is still the file the watch is on. */
static bool feed_watched(const struct store *st)
{
	char path[PATH_BUF];
	struct stat sb;
	if (!feed_path(path, st))
		return true;
	return lstat(path, &sb) == 0 && sb.st_dev == st->feed_dev && sb.st_ino == st->feed_ino;
}

int store_feed_fd(struct store *st)
{
	int fd;
	if (!st)
		return -1;
	if (st->feed_fd >= 0)
		return st->feed_fd;
	fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (fd < 0) {
		store_fail(st, STORE_E_IO, "inotify: %s", strerror(errno));
		return -1;
	}
	if (watch_feed(st, fd) != STORE_OK) {
		close(fd);
		return -1;
	}
	st->feed_fd = fd;
	return fd;
}

void store_feed_notify(struct store *st)
{
	static const char mark = '\n';
	struct stat sb;
	if (st->quiet)
		return;
	/* the companion was removed or replaced since it was opened: followers watch the file now
	 * at the path, so write that one */
	if (st->notify_fd >= 0 && fstat(st->notify_fd, &sb) == 0 && sb.st_nlink == 0) {
		close(st->notify_fd);
		st->notify_fd = -1;
	}
	if (st->notify_fd < 0) {
		char path[PATH_BUF];
		if (!feed_path(path, st))
			return;
		st->notify_fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (st->notify_fd < 0)
			return;
	}
	/* one byte at offset 0: the file never grows; the write is the signal */
	if (pwrite(st->notify_fd, &mark, 1, 0) != 1) {
		close(st->notify_fd);
		st->notify_fd = -1;
	}
}

/* Reads every pending event without blocking; counts commits, notes a companion replaced. */
static int feed_read(struct store *st, bool *moved)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	int hits = 0;
	for (;;) {
		ssize_t n = read(st->feed_fd, buf, sizeof(buf));
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			break;
		}
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			if (ev->mask & (IN_MODIFY | IN_Q_OVERFLOW))
				hits++;
			if (ev->mask & (IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED |
					IN_Q_OVERFLOW))
				*moved = true;
			p += sizeof(*ev) + ev->len;
		}
	}
	return hits;
}

int store_feed_drain(struct store *st)
{
	bool moved = false;
	int hits;
	if (!st || st->feed_fd < 0)
		return 0;
	hits = feed_read(st, &moved);
	/* The companion may have been removed or replaced (a process still holding the old one open
	 * keeps IN_DELETE_SELF back, and commits written to the new one would go unseen): watch the
	 * file now at the path, and wake the follower, which re-reads the audit log anyway. The
	 * old watch's removal queues IN_IGNORED: read that too, so the fd is quiet again. */
	if (moved && !feed_watched(st)) {
		watch_feed(st, st->feed_fd);
		hits += 1 + feed_read(st, &moved);
	}
	return hits;
}
