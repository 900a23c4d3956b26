/* SPDX-License-Identifier: MIT */
/*
 * SKLens sample: a passt-style connection entry. The host socket's send buffer is kept
 * compressed in a few bits (SNDBUF_SET/SNDBUF_GET), as passt's tcp_conn.h does.
 */
#ifndef SAMPLE_TCP_CONN_H
#define SAMPLE_TCP_CONN_H

#include <stdint.h>

#define SNDBUF_BITS	24
#define SNDBUF_SET(conn, bytes)	((conn)->sndbuf = ((bytes) >> (32 - SNDBUF_BITS)))
#define SNDBUF_GET(conn)	((conn)->sndbuf << (32 - SNDBUF_BITS))

#define MAX_WS		8
#define MAX_WINDOW	(1 << (16 + (MAX_WS)))	/* bytes */
#define WINDOW_DEFAULT	14600			/* bytes: RFC 6928 initial window */

#define ESTABLISHED	(1 << 2)
#define LOCAL		(1 << 0)

struct tcp_tap_conn {
	int		sock;
	uint8_t		flags;
	uint8_t		events;
	uint8_t		ws_to_tap;
	uint32_t	sndbuf : SNDBUF_BITS;
	uint32_t	wnd_to_tap;	/* bytes advertised to the guest */
	uint32_t	wnd_from_tap;
	uint32_t	seq_ack_to_tap;
	uint32_t	seq_from_tap;
};

struct tcp_splice_conn {
	int		s[2];		/* the two host sockets */
	int		pipe[2][2];	/* one pipe per direction: [dir][read end, write end] */
	uint32_t	read[2];	/* bytes spliced into each pipe */
	uint32_t	written[2];	/* bytes spliced out of each pipe */
	uint8_t		events;
	uint8_t		flags;
};

#endif /* SAMPLE_TCP_CONN_H */
