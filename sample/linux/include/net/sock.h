/* SPDX-License-Identifier: MIT */
/*
 * SKLens sample: the socket fields that account TCP send-buffer memory, the struct proto
 * ops table reached through sk->sk_prot, and the sndbuf checks inlined in sock.h.
 * Modelled on include/net/sock.h: struct sock, sk_stream_memory_free, sk_wmem_schedule.
 */
#ifndef _SAMPLE_NET_SOCK_H
#define _SAMPLE_NET_SOCK_H

#include <linux/indirect_call_wrapper.h>

#define SOCK_SNDBUF_LOCK	1
#define SOCK_RCVBUF_LOCK	2

/* Smallest useful buffer: two full-size skbs (each costs its truesize, not its payload). */
#define SKB_TRUESIZE(x)		((x) + 576)
#define TCP_SKB_MIN_TRUESIZE	(2048 + 576)
#define SOCK_MIN_SNDBUF		(TCP_SKB_MIN_TRUESIZE * 2)
#define SOCK_MIN_RCVBUF		SKB_TRUESIZE(256)

struct msghdr;
struct sk_buff;

struct sk_buff {
	struct sk_buff	*next;
	unsigned int	len;
	unsigned int	truesize;
};

struct sock;

/* The per-protocol operations table: inet_sendmsg() dispatches through ->sendmsg. */
struct proto {
	const char	*name;
	int		(*sendmsg)(struct sock *sk, struct msghdr *msg, unsigned long len);
	int		(*recvmsg)(struct sock *sk, struct msghdr *msg, unsigned long len,
				   int flags, int *addr_len);
	void		(*enter_memory_pressure)(struct sock *sk);
	long		*memory_allocated;	/* pages, shared by every socket of the protocol */
	long		*sysctl_mem;		/* tcp_mem: pages */
	int		*sysctl_wmem;		/* tcp_wmem: bytes */
};

struct sock {
	struct proto	*sk_prot;
	int		sk_sndbuf;		/* bytes: limit for sk_wmem_queued */
	int		sk_rcvbuf;		/* bytes: limit for sk_rmem_alloc */
	int		sk_wmem_queued;		/* bytes of truesize queued for transmit */
	int		sk_forward_alloc;	/* bytes charged to the protocol but not used yet */
	int		sk_rmem_alloc;
	unsigned int	sk_userlocks;		/* SOCK_SNDBUF_LOCK once SO_SNDBUF was set */
	struct sk_buff	*sk_write_queue_tail;
};

static inline int sk_stream_wspace(const struct sock *sk)
{
	return sk->sk_sndbuf - sk->sk_wmem_queued;
}

/* Writers may queue more while less than sk_sndbuf bytes of truesize are queued. */
static inline int sk_stream_memory_free(const struct sock *sk)
{
	if (sk->sk_wmem_queued >= sk->sk_sndbuf)
		return 0;
	return 1;
}

int __sk_mem_schedule(struct sock *sk, int size_bytes, int kind);

/* Charge size_bytes to the socket, taking whole pages from the protocol when needed. */
static inline int sk_wmem_schedule(struct sock *sk, int size_bytes)
{
	if (size_bytes <= sk->sk_forward_alloc)
		return 1;
	return __sk_mem_schedule(sk, size_bytes, 0);
}

static inline void sk_wmem_queued_add(struct sock *sk, int delta_bytes)
{
	sk->sk_wmem_queued += delta_bytes;
}

static inline void sk_mem_charge(struct sock *sk, int size_bytes)
{
	sk->sk_forward_alloc -= size_bytes;
}

int sk_stream_wait_memory(struct sock *sk, long *timeo_usec);

#endif /* _SAMPLE_NET_SOCK_H */
