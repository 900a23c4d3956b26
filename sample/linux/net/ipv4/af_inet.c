// SPDX-License-Identifier: MIT
/*
 * SKLens sample: the protocol-independent entry. inet_sendmsg() does not call tcp_sendmsg
 * by name: it calls sk->sk_prot->sendmsg, wrapped in INDIRECT_CALL_2 so that the two
 * common targets are called directly (net/ipv4/af_inet.c: inet_sendmsg).
 */
#include <net/sock.h>

struct socket {
	struct sock	*sk;
};

int tcp_sendmsg(struct sock *sk, struct msghdr *msg, unsigned long size);
int udp_sendmsg(struct sock *sk, struct msghdr *msg, unsigned long size);

int inet_sendmsg(struct socket *sock, struct msghdr *msg, unsigned long size)
{
	struct sock *sk = sock->sk;

	return INDIRECT_CALL_2(sk->sk_prot->sendmsg, tcp_sendmsg, udp_sendmsg,
			       sk, msg, size);
}

/* A plain ops-table call with no INDIRECT_CALL hint. */
int inet_sendmsg_slow(struct socket *sock, struct msghdr *msg, unsigned long size)
{
	struct sock *sk = sock->sk;

	return sk->sk_prot->sendmsg(sk, msg, size);
}
