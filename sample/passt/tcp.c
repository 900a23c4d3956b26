// SPDX-License-Identifier: MIT
/*
 * SKLens sample: passt-style window advertisement. passt cannot let the guest send more
 * than the host socket can take, so the window it advertises to the guest is bounded by
 * the host socket's send buffer, SNDBUF_GET(conn), sampled with SO_SNDBUF
 * (passt tcp.c: tcp_update_seqack_wnd, tcp_get_sndbuf).
 */
#include <stdint.h>
#include "tcp_conn.h"

#define MIN(a, b)	((a) < (b) ? (a) : (b))
#define MAX(a, b)	((a) > (b) ? (a) : (b))

#define SOL_SOCKET	1
#define SO_SNDBUF	7

struct ctx {
	int	low_rmem;
	int	low_wmem;
};

struct tcp_info_sample {
	uint32_t	tcpi_snd_wnd;	/* bytes the peer lets the host socket send */
	uint32_t	tcpi_bytes_acked;
	uint32_t	tcpi_min_rtt;	/* usec */
};

int getsockopt(int fd, int level, int optname, void *val, unsigned int *len);
int tcp_info_get(int fd, struct tcp_info_sample *tinfo);

/* Scale the sampled buffer down for large values: the kernel's own overhead eats part of it. */
static int clamped_scale(int value_bytes, int threshold_bytes)
{
	if (value_bytes <= threshold_bytes)
		return value_bytes;
	return value_bytes / 4 * 3;
}

static void tcp_get_sndbuf(struct tcp_tap_conn *conn)
{
	int sndbuf_bytes;
	unsigned int len = sizeof(sndbuf_bytes);

	if (getsockopt(conn->sock, SOL_SOCKET, SO_SNDBUF, &sndbuf_bytes, &len)) {
		SNDBUF_SET(conn, 0);
		return;
	}
	SNDBUF_SET(conn, clamped_scale(sndbuf_bytes, 1 << 20));
}

/* Update the ACK sequence and the window we advertise to the guest. */
int tcp_update_seqack_wnd(const struct ctx *c, struct tcp_tap_conn *conn, int force_seq,
			  struct tcp_info_sample *tinfo)
{
	uint32_t prev_wnd_to_tap = conn->wnd_to_tap << conn->ws_to_tap;
	struct tcp_info_sample local_info;
	uint32_t new_wnd_to_tap;

	(void)c;
	if (!tinfo) {
		if (!force_seq && prev_wnd_to_tap)
			return 0;
		tinfo = &local_info;
		if (tcp_info_get(conn->sock, tinfo))
			return 0;
	}

	if (conn->flags & LOCAL) {
		/* Loopback peers drain fast: trust the host socket's window. */
		new_wnd_to_tap = tinfo->tcpi_snd_wnd;
	} else {
		tcp_get_sndbuf(conn);
		new_wnd_to_tap = MIN(tinfo->tcpi_snd_wnd, (uint32_t)SNDBUF_GET(conn));
	}

	new_wnd_to_tap = MIN(new_wnd_to_tap, (uint32_t)MAX_WINDOW);
	if (!(conn->events & ESTABLISHED))
		new_wnd_to_tap = MAX(new_wnd_to_tap, (uint32_t)WINDOW_DEFAULT);

	conn->wnd_to_tap = new_wnd_to_tap >> conn->ws_to_tap;
	conn->seq_ack_to_tap = conn->seq_from_tap;

	return new_wnd_to_tap != prev_wnd_to_tap;
}

/* Called when the host socket has data for the guest: refresh the window first. */
int tcp_data_from_sock(const struct ctx *c, struct tcp_tap_conn *conn)
{
	struct tcp_info_sample tinfo;

	if (tcp_info_get(conn->sock, &tinfo))
		return -1;
	return tcp_update_seqack_wnd(c, conn, 0, &tinfo);
}
