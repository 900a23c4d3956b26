#!/usr/bin/env python3
"""The blog experiment (docs/models.md §3.12) on this machine's own kernel.

Loopback only (127.0.0.1), bounded loops. A server accepts one connection and never reads;
the client sets SO_SNDBUF 4096 (optionally TCP_MAXSEG) before connecting, goes non-blocking
and writes 1024 bytes every --interval-ms until --max-writes or --stop-after-eagain refusals
in a row. After every write it records Send-Q (SIOCOUTQ, ioctl 0x5411), the unsent part
(SIOCOUTQNSD, 0x894B), SO_MEMINFO (optname 55: wmem_queued, sndbuf, fwd_alloc...) and
TCP_INFO (snd_mss, snd_cwnd, snd_wnd).

The per-skb overhead F is measured on a separate calibration connection: with TCP_CORK on,
one 1024-byte write stays queued in exactly one skb, so F = wmem_queued − Send-Q.

Prints one JSON document on stdout. Python standard library only.
"""

import argparse
import errno
import fcntl
import json
import os
import socket
import struct
import time

SIOCOUTQ = 0x5411
SIOCOUTQNSD = 0x894B
SO_MEMINFO = 55
SK_MEMINFO_NAMES = [
    "rmem_alloc",
    "rcvbuf",
    "wmem_alloc",
    "sndbuf",
    "fwd_alloc",
    "wmem_queued",
    "optmem",
    "backlog",
    "drops",
]
TCP_INFO_LEN = 240


def ioctl_int(sock, req):
    buf = fcntl.ioctl(sock.fileno(), req, b"\0\0\0\0")
    return struct.unpack("i", buf)[0]


def meminfo(sock):
    raw = sock.getsockopt(socket.SOL_SOCKET, SO_MEMINFO, 4 * len(SK_MEMINFO_NAMES))
    vals = struct.unpack("%dI" % (len(raw) // 4), raw)
    return dict(zip(SK_MEMINFO_NAMES, vals))


def tcp_info(sock):
    raw = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, TCP_INFO_LEN)
    out = {
        "snd_mss": struct.unpack_from("I", raw, 16)[0],
        "snd_cwnd": struct.unpack_from("I", raw, 80)[0],
        "rtt_usec": struct.unpack_from("I", raw, 68)[0],
        "ato_usec": struct.unpack_from("I", raw, 12)[0],
    }
    # tcpi_snd_wnd (5.4+) sits at offset 228 of struct tcp_info.
    out["snd_wnd"] = struct.unpack_from("I", raw, 228)[0] if len(raw) >= 232 else None
    return out


def snapshot(sock):
    m = meminfo(sock)
    ti = tcp_info(sock)
    return {
        "send_q": ioctl_int(sock, SIOCOUTQ),
        "send_q_notsent": ioctl_int(sock, SIOCOUTQNSD),
        "wmem_queued": m["wmem_queued"],
        "sndbuf": m["sndbuf"],
        "fwd_alloc": m["fwd_alloc"],
        "wmem_alloc": m["wmem_alloc"],
        "snd_wnd": ti["snd_wnd"],
        "snd_cwnd": ti["snd_cwnd"],
        "snd_mss": ti["snd_mss"],
        "rtt_usec": ti["rtt_usec"],
        "ato_usec": ti["ato_usec"],
    }


def pair(sndbuf, maxseg):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    cli = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if sndbuf:
        cli.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sndbuf)
    if maxseg:
        cli.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, maxseg)
    cli.settimeout(5)
    cli.connect(srv.getsockname())
    conn, _ = srv.accept()
    cli.setblocking(False)
    return srv, cli, conn


def calibrate(sndbuf, maxseg, write_size):
    srv, cli, conn = pair(sndbuf, maxseg)
    try:
        cli.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 1)
        n = cli.send(b"x" * write_size)
        time.sleep(0.02)
        s = snapshot(cli)
        return {"written": n, **s, "skb_overhead": s["wmem_queued"] - s["send_q"]}
    finally:
        for s in (cli, conn, srv):
            s.close()


def experiment(sndbuf, maxseg, write_size, interval_ms, max_writes, stop_after_eagain):
    srv, cli, conn = pair(sndbuf, maxseg)
    try:
        first = snapshot(cli)
        mss = cli.getsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG)
        rows = []
        refusals = 0
        payload = b"x" * write_size
        for i in range(1, max_writes + 1):
            try:
                ret = cli.send(payload)
                err = 0
            except BlockingIOError:
                ret = 0
                err = errno.EAGAIN
            rows.append({"i": i, "ret": ret, "errno": err, **snapshot(cli)})
            refusals = refusals + 1 if ret < write_size else 0
            # Stop once the writer is refused and nothing is in flight any more (the peer's
            # window is closed: everything queued is unsent), or at max_writes.
            last = rows[-1]
            if refusals >= stop_after_eagain and last["send_q_notsent"] == last["send_q"]:
                break
            time.sleep(interval_ms / 1000.0)
        last = rows[-1]
        return {
            "window_closed": refusals >= stop_after_eagain and last["send_q_notsent"] == last["send_q"] > 0,
            "so_sndbuf": sndbuf,
            "tcp_maxseg_set": maxseg,
            "mss": mss,
            "initial": first,
            "max_snd_wnd": max([first["snd_wnd"] or 0] + [r["snd_wnd"] or 0 for r in rows]),
            "bytes_written": sum(r["ret"] for r in rows),
            "writes": rows,
        }
    finally:
        for s in (cli, conn, srv):
            s.close()


def read_sysctl(path):
    with open(path) as f:
        return [int(x) for x in f.read().split()]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sndbuf", type=int, default=4096)
    ap.add_argument("--write-size", type=int, default=1024)
    ap.add_argument("--interval-ms", type=float, default=5.0)
    ap.add_argument("--max-writes", type=int, default=600)
    ap.add_argument("--stop-after-eagain", type=int, default=8)
    ap.add_argument("--attempts", type=int, default=3)
    ap.add_argument("--maxseg", type=int, action="append", default=None,
                    help="TCP_MAXSEG values to run (0 = not set); default: 0 and 1448")
    a = ap.parse_args()
    if not (1 <= a.max_writes <= 5000):
        ap.error("--max-writes must be 1..5000 (bounded loop)")
    if not (1 <= a.attempts <= 5):
        ap.error("--attempts must be 1..5")
    maxsegs = a.maxseg if a.maxseg is not None else [0, 1448]
    out = {
        "uname_release": os.uname().release,
        "sysctl": {
            "tcp_wmem": read_sysctl("/proc/sys/net/ipv4/tcp_wmem"),
            "wmem_max": read_sysctl("/proc/sys/net/core/wmem_max")[0],
            "tcp_notsent_lowat": read_sysctl("/proc/sys/net/ipv4/tcp_notsent_lowat")[0],
            "tcp_autocorking": read_sysctl("/proc/sys/net/ipv4/tcp_autocorking")[0],
        },
        "runs": [],
    }
    for ms in maxsegs:
        # A loaded machine can keep the peer's window open past --max-writes (its receive queue
        # is collapsed and accepts more); retry a bounded number of times.
        for attempt in range(1, a.attempts + 1):
            run = experiment(a.sndbuf, ms, a.write_size, a.interval_ms, a.max_writes, a.stop_after_eagain)
            run["attempts"] = attempt
            if run["window_closed"]:
                break
        run["calibration"] = calibrate(a.sndbuf, ms, a.write_size)
        out["runs"].append(run)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
