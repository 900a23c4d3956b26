// Builds send-path model parameters from a run of scripts/kernel_sendbuf_probe.py (the blog
// experiment on the running kernel) and compares measured and modelled Send-Q / wmem_queued.
// Pure: the caller runs the script and passes its JSON.
import { sendPathModel } from './sendPath';
import { runModel, type ModelResult, type Params } from './types';

export interface ProbeSnapshot {
  send_q: number;
  send_q_notsent: number;
  wmem_queued: number;
  sndbuf: number;
  fwd_alloc: number;
  snd_wnd: number | null;
  snd_cwnd: number;
  snd_mss: number;
  rtt_usec: number;
}

export interface ProbeWrite extends ProbeSnapshot {
  i: number;
  ret: number;
  errno: number;
}

export interface ProbeRun {
  /** The writer was refused with everything still queued unsent: the peer's window closed. */
  window_closed: boolean;
  attempts: number;
  so_sndbuf: number;
  tcp_maxseg_set: number;
  mss: number;
  initial: ProbeSnapshot;
  max_snd_wnd: number;
  bytes_written: number;
  writes: ProbeWrite[];
  calibration: ProbeSnapshot & { written: number; skb_overhead: number };
}

export interface ProbeOutput {
  uname_release: string;
  sysctl: {
    tcp_wmem: [number, number, number];
    wmem_max: number;
    tcp_notsent_lowat: number;
    tcp_autocorking: number;
  };
  runs: ProbeRun[];
}

/** `uname -r` ≥ 6.10 → the preset with transmit-time skb merging (tcp_grow_skb). */
export function presetForRelease(release: string): string {
  const m = /^(\d+)\.(\d+)/.exec(release);
  if (!m) return 'linux-6.1-x86_64';
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return major > 6 || (major === 6 && minor >= 10) ? 'linux-6.18' : 'linux-6.1-x86_64';
}

export function paramsFromProbe(
  probe: ProbeOutput,
  run: ProbeRun,
  write_interval_usec: number,
  write_size_bytes: number,
): Params {
  const last = run.writes[run.writes.length - 1];
  // tp->mss_cache at the end (tcpi_snd_mss): tcp_sync_mss bounds it by half the peer's largest
  // window, so on loopback it grows from 32741 to 46592 as max_window grows (65483 → 93184).
  const mss = last.snd_mss;
  // What the peer accepted before its window closed (it never reads).
  const peerTook = run.bytes_written - last.send_q;
  // The peer stopped taking data when everything still queued is unsent.
  const windowClosed = last.send_q > 0 && last.send_q_notsent === last.send_q;
  return {
    preset: presetForRelease(probe.uname_release),
    skb_overhead_bytes: run.calibration.skb_overhead,
    writes_count: run.writes.length,
    write_size_bytes,
    write_interval_usec,
    so_sndbuf_bytes: run.so_sndbuf,
    wmem_max_bytes: probe.sysctl.wmem_max,
    tcp_wmem_min_bytes: probe.sysctl.tcp_wmem[0],
    tcp_wmem_default_bytes: probe.sysctl.tcp_wmem[1],
    tcp_wmem_max_bytes: probe.sysctl.tcp_wmem[2],
    notsent_lowat_bytes:
      probe.sysctl.tcp_notsent_lowat >= 2 ** 31 ? 0 : probe.sysctl.tcp_notsent_lowat,
    mss_bytes: mss,
    mss_clamp_bytes: Math.min(65535, Math.max(mss, run.tcp_maxseg_set || 65495)),
    peer_max_window_bytes: run.max_snd_wnd,
    peer_rcv_space_bytes: windowClosed ? peerTook : 0,
    receiver: windowClosed ? 'never-reads' : 'reads',
    cwnd_segs: Math.max(...run.writes.map((w) => w.snd_cwnd), 10),
    // Loopback RTT as the kernel measured it at the handshake (tcpi_rtt, usec).
    rtt_usec: Math.max(1, run.initial.rtt_usec),
    nonblocking: true,
    series: 'writes',
  };
}

export interface Comparison {
  maxseg: number;
  mss_bytes: number;
  measured: {
    send_q_max_bytes: number;
    wmem_queued_final_bytes: number;
    skb_overhead_bytes: number;
  };
  modelled: { send_q_max_bytes: number; wmem_queued_final_bytes: number; size_goal_bytes: number };
  params: Params;
  result: ModelResult;
}

export function compareRun(
  probe: ProbeOutput,
  run: ProbeRun,
  write_interval_usec: number,
  write_size_bytes: number,
): Comparison {
  const params = paramsFromProbe(probe, run, write_interval_usec, write_size_bytes);
  const result = runModel(sendPathModel, params);
  const last = run.writes[run.writes.length - 1];
  // Compare at the last write, as the probe does (later ACKs would drain the model's queue).
  const writes = result.series.filter((p) => p.event === 'write');
  const lastModelled = writes[writes.length - 1];
  return {
    maxseg: run.tcp_maxseg_set,
    mss_bytes: run.mss,
    measured: {
      send_q_max_bytes: Math.max(...run.writes.map((w) => w.send_q)),
      wmem_queued_final_bytes: last.wmem_queued,
      skb_overhead_bytes: run.calibration.skb_overhead,
    },
    modelled: {
      send_q_max_bytes: result.final.send_q_max_bytes as number,
      wmem_queued_final_bytes: lastModelled.wmem_queued_bytes as number,
      size_goal_bytes: result.final.size_goal_bytes as number,
    },
    params,
    result,
  };
}
