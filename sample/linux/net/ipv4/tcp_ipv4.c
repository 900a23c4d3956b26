// SPDX-License-Identifier: MIT
/*
 * SKLens sample: the ops table. A designated initializer binds .sendmsg to tcp_sendmsg,
 * so a call through sk->sk_prot->sendmsg is an edge to tcp_sendmsg
 * (net/ipv4/tcp_ipv4.c: tcp_prot).
 */
#include <net/sock.h>

int tcp_sendmsg(struct sock *sk, struct msghdr *msg, unsigned long size);
int tcp_recvmsg(struct sock *sk, struct msghdr *msg, unsigned long len, int flags,
		int *addr_len);
void tcp_enter_memory_pressure(struct sock *sk);

extern long tcp_memory_allocated;
extern long sysctl_tcp_mem[3];
extern int sysctl_tcp_wmem[3];

struct proto tcp_prot = {
	.name			= "TCP",
	.sendmsg		= tcp_sendmsg,
	.recvmsg		= tcp_recvmsg,
	.enter_memory_pressure	= tcp_enter_memory_pressure,
	.memory_allocated	= &tcp_memory_allocated,
	.sysctl_mem		= sysctl_tcp_mem,
	.sysctl_wmem		= sysctl_tcp_wmem,
};

void tcp_enter_memory_pressure(struct sock *sk)
{
	extern int tcp_memory_pressure;

	if (!tcp_memory_pressure)
		tcp_memory_pressure = 1;
}
