// SPDX-License-Identifier: MIT
/*
 * SKLens sample: passt-style splice forwarding between two host sockets through a pipe.
 * Data moves socket → pipe → socket with splice(2); when the writing side would block,
 * the connection waits for EPOLLOUT (OUT_WAIT) with bytes still in the pipe
 * (passt tcp_splice.c: tcp_splice_sock_handler).
 */
#include <stdint.h>
#include "tcp_conn.h"

#define EAGAIN		11
#define EPOLLIN		0x001
#define EPOLLOUT	0x004
#define EPOLLHUP	0x010
#define SPLICE_F_MOVE	1
#define SPLICE_F_NONBLOCK 2
#define SPLICE_F_MORE	4

#define OUT_WAIT_0	(1 << 0)
#define OUT_WAIT_1	(1 << 1)
#define OUT_WAIT(dir)	((dir) ? OUT_WAIT_1 : OUT_WAIT_0)

extern int errno;
long splice(int fd_in, void *off_in, int fd_out, void *off_out, unsigned long len,
	    unsigned int flags);
int epoll_arm(struct tcp_splice_conn *conn, int dir, uint32_t events);

static int pipe_size = 1 << 20;	/* bytes: capacity of each pipe */

static void conn_flag_set(struct tcp_splice_conn *conn, uint8_t flag)
{
	conn->flags |= flag;
}

static void conn_flag_clear(struct tcp_splice_conn *conn, uint8_t flag)
{
	conn->flags &= ~flag;
}

/* Move what is readable on s[from] into the pipe and on to s[!from]. */
static int tcp_splice_forward(struct tcp_splice_conn *conn, int from)
{
	int to = !from;

	for (;;) {
		uint32_t pending_bytes = conn->read[from] - conn->written[from];
		unsigned int more = 0;
		long readlen, written;

		readlen = splice(conn->s[from], 0, conn->pipe[from][1], 0, pipe_size,
				 SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (readlen < 0 && errno != EAGAIN)
			return -1;
		if (readlen > 0)
			conn->read[from] += readlen;
		else if (readlen == 0 && !pending_bytes)
			return 0;	/* EOF and nothing left in the pipe */

		pending_bytes = conn->read[from] - conn->written[from];
		if (readlen == pipe_size)
			more = SPLICE_F_MORE;	/* more is coming: let the kernel coalesce */

		written = splice(conn->pipe[from][0], 0, conn->s[to], 0, pending_bytes,
				 SPLICE_F_MOVE | more | SPLICE_F_NONBLOCK);
		if (written > 0)
			conn->written[from] += written;

		if (written < 0 || (uint32_t)written < pending_bytes) {
			/* The receiving socket's send buffer is full: wait for EPOLLOUT. */
			conn_flag_set(conn, OUT_WAIT(to));
			epoll_arm(conn, to, EPOLLIN | EPOLLOUT);
			return 0;
		}
		if (readlen <= 0)
			return 0;
	}
}

void tcp_splice_sock_handler(struct tcp_splice_conn *conn, int side, uint32_t events)
{
	if (events & EPOLLHUP)
		return;

	if (events & EPOLLOUT) {
		conn_flag_clear(conn, OUT_WAIT(side));
		epoll_arm(conn, side, EPOLLIN);
		tcp_splice_forward(conn, !side);
	}

	if (events & EPOLLIN)
		tcp_splice_forward(conn, side);
}
