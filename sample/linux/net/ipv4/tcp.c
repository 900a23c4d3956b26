// SPDX-License-Identifier: MIT
/*
 * SKLens sample: the TCP send path. A send loop in the shape of
 * net/ipv4/tcp.c: tcp_sendmsg_locked: it appends user data to the tail skb while it has
 * room, allocates a new skb when sk_stream_memory_free() allows, charges every skb's
 * truesize to sk_wmem_queued, and waits for memory when sk_wmem_queued reaches sk_sndbuf.
 */
#include <net/sock.h>

#define MAX_TCP_HEADER_BYTES	320
#define EAGAIN			11
#define EPIPE			32

struct msghdr {
	const char	*data;
	unsigned long	len;
	int		dontwait;
};

struct tcp_sock {
	struct sock	sk;
	unsigned int	mss_cache;		/* bytes of payload per segment */
	unsigned int	max_window;		/* bytes: largest window the peer offered */
	unsigned int	snd_nxt;
	unsigned int	write_seq;
	unsigned int	notsent_lowat;		/* bytes, TCP_NOTSENT_LOWAT */
	unsigned short	gso_segs;
};

static inline struct tcp_sock *tcp_sk(struct sock *sk)
{
	return (struct tcp_sock *)sk;
}

int sysctl_tcp_wmem[3] = { 4096, 16384, 4194304 };	/* bytes: min, default, max */
long sysctl_tcp_mem[3];					/* pages: low, pressure, high */
long tcp_memory_allocated;				/* pages */
int tcp_memory_pressure;

void tcp_push(struct sock *sk, int flags, unsigned int mss_now, int nonagle,
	      int size_goal);
void tcp_remove_empty_skb(struct sock *sk);

/* How much payload one skb may carry: a multiple of the MSS, bounded by half the peer's
 * largest window so that small windows still see several segments in flight.
 */
static unsigned int tcp_xmit_size_goal(struct sock *sk, unsigned int mss_now,
				       int large_allowed)
{
	struct tcp_sock *tp = tcp_sk(sk);
	unsigned int size_goal = mss_now;
	unsigned int half_window = tp->max_window / 2;

	if (!large_allowed)
		return mss_now;

	size_goal = 65536 - MAX_TCP_HEADER_BYTES;
	if (half_window && size_goal > half_window)
		size_goal = half_window;
	if (size_goal < mss_now)
		size_goal = mss_now;

	tp->gso_segs = size_goal / mss_now;
	return tp->gso_segs * mss_now;
}

static int tcp_send_mss(struct sock *sk, int *size_goal, int flags)
{
	unsigned int mss_now = tcp_sk(sk)->mss_cache;

	*size_goal = tcp_xmit_size_goal(sk, mss_now, !(flags & 1));
	return mss_now;
}

/* A fresh skb for the write queue; its truesize counts against sk_sndbuf at once. */
struct sk_buff *tcp_stream_alloc_skb(struct sock *sk, int size_bytes)
{
	static struct sk_buff pool[64];
	static int next;
	struct sk_buff *skb;

	if (!sk_wmem_schedule(sk, SKB_TRUESIZE(size_bytes)))
		return 0;

	skb = &pool[next++ % 64];
	skb->len = 0;
	skb->truesize = SKB_TRUESIZE(size_bytes);
	skb->next = 0;
	return skb;
}

static void tcp_skb_entail(struct sock *sk, struct sk_buff *skb)
{
	sk_wmem_queued_add(sk, skb->truesize);
	sk_mem_charge(sk, skb->truesize);
	sk->sk_write_queue_tail = skb;
}

/* Grows sk_sndbuf for autotuned sockets (not when the user fixed it with SO_SNDBUF). */
void tcp_sndbuf_expand(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	int per_mss_bytes = SKB_TRUESIZE(tp->mss_cache + MAX_TCP_HEADER_BYTES);
	int sndmem_bytes = 2 * 10 * per_mss_bytes;

	if (sk->sk_userlocks & SOCK_SNDBUF_LOCK)
		return;
	if (sk->sk_sndbuf < sndmem_bytes)
		sk->sk_sndbuf = sndmem_bytes < sysctl_tcp_wmem[2] ? sndmem_bytes : sysctl_tcp_wmem[2];
}

int tcp_sendmsg_locked(struct sock *sk, struct msghdr *msg, unsigned long size)
{
	struct tcp_sock *tp = tcp_sk(sk);
	unsigned long copied = 0;
	long timeo_usec = msg->dontwait ? 0 : 1000000;
	int size_goal, mss_now;
	int err = 0;

	mss_now = tcp_send_mss(sk, &size_goal, 0);

	while (copied < size) {
		struct sk_buff *skb = sk->sk_write_queue_tail;
		unsigned long chunk_bytes = size - copied;
		int room_bytes = skb ? size_goal - (int)skb->len : 0;

		if (room_bytes <= 0) {
			/* A new skb needs sndbuf space: the tail skb, above, does not. */
			if (!sk_stream_memory_free(sk))
				goto wait_for_space;

			skb = tcp_stream_alloc_skb(sk, 0);
			if (!skb)
				goto wait_for_space;
			tcp_skb_entail(sk, skb);
			room_bytes = size_goal;
		}

		if (chunk_bytes > (unsigned long)room_bytes)
			chunk_bytes = room_bytes;

		/* Page-frag append: the copied payload grows truesize and sk_wmem_queued. */
		if (!sk_wmem_schedule(sk, chunk_bytes))
			goto wait_for_space;
		skb->len += chunk_bytes;
		skb->truesize += chunk_bytes;
		sk_wmem_queued_add(sk, chunk_bytes);
		sk_mem_charge(sk, chunk_bytes);

		tp->write_seq += chunk_bytes;
		copied += chunk_bytes;
		continue;

wait_for_space:
		tcp_push(sk, 0, mss_now, 1, size_goal);
		err = sk_stream_wait_memory(sk, &timeo_usec);
		if (err)
			break;
		mss_now = tcp_send_mss(sk, &size_goal, 0);
	}

	if (copied) {
		tcp_push(sk, 0, mss_now, 0, size_goal);
		return copied;
	}
	tcp_remove_empty_skb(sk);
	return err ? -EAGAIN : 0;
}

int tcp_sendmsg(struct sock *sk, struct msghdr *msg, unsigned long size)
{
	int ret;

	/* lock_sock(sk) in the kernel */
	ret = tcp_sendmsg_locked(sk, msg, size);
	/* release_sock(sk) */
	return ret;
}
