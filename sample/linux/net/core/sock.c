// SPDX-License-Identifier: MIT
/*
 * SKLens sample: SO_SNDBUF. The value a user asks for is doubled (to leave room for
 * struct sk_buff overhead), clamped to a minimum, and locks sk_sndbuf against autotuning
 * (net/core/sock.c: sk_setsockopt). getsockopt(SO_SNDBUF) then returns the doubled value.
 */
#include <net/sock.h>

#define SOL_SOCKET	1
#define SO_SNDBUF	7
#define SO_RCVBUF	8
#define SO_SNDBUFFORCE	32
#define EINVAL		22

int sysctl_wmem_max = 212992;	/* bytes: net.core.wmem_max */
int sysctl_rmem_max = 212992;	/* bytes: net.core.rmem_max */

static void __sock_set_sndbuf(struct sock *sk, int val_bytes)
{
	int doubled_bytes;

	if (val_bytes > sysctl_wmem_max)
		val_bytes = sysctl_wmem_max;
	doubled_bytes = val_bytes * 2;

	sk->sk_userlocks |= SOCK_SNDBUF_LOCK;
	sk->sk_sndbuf = doubled_bytes > SOCK_MIN_SNDBUF ? doubled_bytes : SOCK_MIN_SNDBUF;
}

int sock_setsockopt(struct sock *sk, int level, int optname, int val)
{
	if (level != SOL_SOCKET)
		return -EINVAL;

	switch (optname) {
	case SO_SNDBUF:
		__sock_set_sndbuf(sk, val);
		return 0;
	case SO_RCVBUF:
		sk->sk_userlocks |= SOCK_RCVBUF_LOCK;
		sk->sk_rcvbuf = val * 2 > SOCK_MIN_RCVBUF ? val * 2 : SOCK_MIN_RCVBUF;
		return 0;
	default:
		return -EINVAL;
	}
}

/* Take whole pages from the protocol's pool for size_bytes (__sk_mem_raise_allocated). */
int __sk_mem_schedule(struct sock *sk, int size_bytes, int kind)
{
	int pages = (size_bytes + 4095) / 4096;
	long allocated = *sk->sk_prot->memory_allocated + pages;

	if (allocated > sk->sk_prot->sysctl_mem[2])
		return 0;
	*sk->sk_prot->memory_allocated = allocated;
	sk->sk_forward_alloc += pages * 4096;
	return 1;
}

int sk_stream_wait_memory(struct sock *sk, long *timeo_usec)
{
	if (!*timeo_usec)
		return -11;
	while (!sk_stream_memory_free(sk))
		*timeo_usec = 0;
	return 0;
}
