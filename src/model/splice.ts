// `passt-splice`: pasta's loopback-to-loopback forwarding through a pipe (docs/models.md §7),
// stepped event by event for both loops:
//   2023  passt tcp_splice.c: tcp_splice_sock_handler (P23 :535-717, docs/models.md §7.2)
//   2026  passt tcp_splice.c: tcp_splice_forward + tcp_splice_sock_handler (P26 :485-656, docs/models.md §7.3)
// One connection, data flowing from side 0 (`src`, the accepted socket) to side 1 (`dst`);
// the reverse direction is idle. Every splice(2) call, epoll delivery, epoll_ctl change,
// shutdown and peer read is one step, with the pipe fill, both sockets' queues, the flags and
// both epoll masks after it, so a UI can step through the two versions side by side.
//
// Kernel behaviour assumed (6.1): splice socket→pipe (net/ipv4/tcp.c: tcp_splice_read) moves
// min(len, queued, pipe room), returns 0 once the FIN has been read past, EAGAIN when nothing
// can move; splice pipe→socket (fs/splice.c → net/ipv4/tcp.c: do_tcp_sendpages) moves
// min(len, pipe fill, socket room), EAGAIN on an empty pipe or a full socket (non-blocking).
// Pipe capacity is counted in bytes (docs/models.md §7.1: a simplification of the slot model). The destination
// socket reports EPOLLOUT while free ≥ queued/2 (include/net/sock.h: __sk_stream_is_writeable
// on payload bytes). epoll is level-triggered: a delivered item goes back to the ready list and
// is re-polled on the next epoll_wait (fs/eventpoll.c: ep_send_events).
import {
  MAX_PARAM,
  ModelInputError,
  type ModelDefinition,
  type ModelResult,
  type ParamSpec,
  type Params,
  type SeriesPoint,
  type ModelAnchors,
  type ModelView,
} from './types';

export type SpliceVersion = '2023' | '2026';

export const EPOLLIN = 0x001;
export const EPOLLOUT = 0x004;
export const EPOLLRDHUP = 0x2000;

export interface SpliceParams {
  version: SpliceVersion;
  pipe_size_bytes: number;
  src_bytes: number;
  src_fin: boolean;
  dst_capacity_bytes: number;
  /** Bytes the destination's peer reads per peer-read event; 0 = everything queued. */
  peer_read_bytes: number;
  /** Futile deliveries (no byte moved) tolerated before the peer reads: a busy loop's length. */
  busy_wakeups_before_peer_read: number;
  max_steps: number;
}

export type StepKind =
  | 'epoll_wait'
  | 'event'
  | 'splice_read'
  | 'splice_write'
  | 'epoll_ctl'
  | 'shutdown'
  | 'peer_read'
  | 'idle';

export interface SpliceStep {
  step: number;
  kind: StepKind;
  /** Which line of which loop (or what happened outside passt). */
  where: string;
  /** Socket the step concerns: 'src', 'dst' or '-'. */
  side: string;
  /** splice return: bytes moved, 'EOF' (0) or 'EAGAIN'; empty for other kinds. */
  result: string;
  moved_bytes: number;
  request_bytes: number;
  more_flag: number;
  pipe_fill_bytes: number;
  src_queue_bytes: number;
  dst_queued_bytes: number;
  dst_room_bytes: number;
  pending_bytes: number;
  pass: number;
  flags: string;
  src_mask: string;
  dst_mask: string;
}

export interface SplicePass {
  pass: number;
  event: string;
  reads: number;
  writes: number;
  read_bytes: number;
  written_bytes: number;
  exit_pending_bytes: number;
  exit_src_left_bytes: number;
  exit_src_mask: string;
  exit_dst_mask: string;
  exit_flags: string;
}

export interface SpliceRun {
  steps: SpliceStep[];
  passes: SplicePass[];
  bytes_read: number;
  bytes_written: number;
  peer_read_total_bytes: number;
  futile_wakeups: number;
  fin_forwarded: boolean;
  stopped: 'idle' | 'max_steps';
}

export function maskName(m: number): string {
  const parts: string[] = [];
  if (m & EPOLLIN) parts.push('IN');
  if (m & EPOLLOUT) parts.push('OUT');
  if (m & EPOLLRDHUP) parts.push('RDHUP');
  return parts.length ? parts.join('|') : '-';
}

const SIDE = ['src', 'dst'];

/** Runs the stepped simulation. Deterministic; bounded by `max_steps`. */
export function simulateSplice(p: SpliceParams): SpliceRun {
  const pipeSize = p.pipe_size_bytes;
  // Per side: receive queue (data waiting to be spliced out), FIN received from its peer,
  // send-side queue toward its peer (payload), capacity of that send side.
  const rx = [p.src_bytes, 0];
  const rxFin = [p.src_fin, false];
  const txQueued = [0, 0];
  const txCap = [MAX_PARAM, p.dst_capacity_bytes];
  const pipe = [0, 0]; // pipe[from]: data from side `from` toward !from
  // passt flags
  const outWait = [false, false];
  const finRcvd = [false, false];
  const finSent = [false, false];
  const pending = [0, 0]; // 2026 conn->pending
  const seqRead = [0, 0]; // 2023 a_read/b_read
  const seqWrite = [0, 0];
  let closing = false;
  let bytesRead = 0;
  let bytesWritten = 0;
  let peerReadTotal = 0;
  let futile = 0;
  let futileSinceProgress = 0;
  let pass = 0;
  const steps: SpliceStep[] = [];
  const passes: SplicePass[] = [];
  let cur: SplicePass | null = null;

  const mask = (i: number): number => {
    if (closing) return 0;
    let e = 0;
    if (p.version === '2023') {
      if (!finSent[1 - i]) e = EPOLLIN | EPOLLRDHUP;
      if (outWait[i]) e |= EPOLLOUT;
    } else {
      if (!finSent[1 - i]) e = EPOLLIN | EPOLLRDHUP;
      if (outWait[i]) e |= EPOLLOUT;
      if (outWait[1 - i]) e &= ~EPOLLIN;
    }
    return e;
  };
  const readyBits = (i: number): number => {
    let r = 0;
    if (rx[i] > 0 || rxFin[i]) r |= EPOLLIN;
    if (rxFin[i]) r |= EPOLLRDHUP;
    const room = txCap[i] - txQueued[i];
    // tcp_poll: after SHUT_WR a socket always polls writable (a write would get EPIPE).
    if (finSent[i] || (room * 2 >= txQueued[i] && room > 0)) r |= EPOLLOUT;
    return r;
  };
  const masks = [mask(0), mask(1)];
  let rdl: number[] = [];
  const wake = (i: number): void => {
    if (masks[i] & readyBits(i) && !rdl.includes(i)) rdl.push(i);
  };
  wake(0);
  wake(1);

  const flagString = (): string => {
    const f: string[] = [];
    for (const i of [0, 1]) {
      if (outWait[i]) f.push(`OUT_WAIT(${SIDE[i]})`);
      if (finRcvd[i]) f.push(`FIN_RCVD(${SIDE[i]})`);
      if (finSent[i]) f.push(`FIN_SENT(${SIDE[i]})`);
    }
    if (closing) f.push('CLOSING');
    return f.join(' ') || '-';
  };
  const record = (
    kind: StepKind,
    where: string,
    side: number | null,
    extra: Partial<Pick<SpliceStep, 'result' | 'moved_bytes' | 'request_bytes' | 'more_flag'>> = {},
  ): void => {
    steps.push({
      step: steps.length,
      kind,
      where,
      side: side === null ? '-' : SIDE[side],
      result: extra.result ?? '',
      moved_bytes: extra.moved_bytes ?? 0,
      request_bytes: extra.request_bytes ?? 0,
      more_flag: extra.more_flag ?? 0,
      pipe_fill_bytes: pipe[0],
      src_queue_bytes: rx[0],
      dst_queued_bytes: txQueued[1],
      dst_room_bytes: txCap[1] - txQueued[1],
      pending_bytes: p.version === '2026' ? pending[0] : pipe[0],
      pass,
      flags: flagString(),
      src_mask: maskName(masks[0]),
      dst_mask: maskName(masks[1]),
    });
  };
  /** conn_event → tcp_splice_epoll_ctl: re-arm both sides, log and queue what became ready. */
  const updateMasks = (where: string): void => {
    for (const i of [0, 1]) {
      const m = mask(i);
      if (m !== masks[i]) {
        masks[i] = m;
        record('epoll_ctl', `${where}: EPOLL_CTL_MOD ${SIDE[i]} → ${maskName(m)}`, i);
        wake(i);
      }
    }
  };

  // A splice call is logged once the caller has done its bookkeeping (pending, flags), so the
  // step shows the state right after that line of the loop.
  let deferred: (() => void) | null = null;
  const logCall = (): void => {
    if (deferred) deferred();
    deferred = null;
  };
  /** splice(socket `from` → pipe[from]). Returns bytes, 0 (EOF) or -1 (EAGAIN). */
  const spliceRead = (from: number, where: string): number => {
    let ret: number;
    const room = pipeSize - pipe[from];
    if (rx[from] === 0) ret = rxFin[from] ? 0 : -1;
    else if (room === 0) ret = -1;
    else ret = Math.min(pipeSize, rx[from], room);
    if (ret > 0) {
      rx[from] -= ret;
      pipe[from] += ret;
      bytesRead += ret;
    }
    if (cur) {
      cur.reads++;
      cur.read_bytes += Math.max(ret, 0);
    }
    deferred = () =>
      record('splice_read', where, from, {
        result: ret > 0 ? String(ret) : ret === 0 ? 'EOF' : 'EAGAIN',
        moved_bytes: Math.max(ret, 0),
        request_bytes: pipeSize,
      });
    return ret;
  };
  /** splice(pipe[from] → socket !from, len, more). Returns bytes or -1 (EAGAIN). */
  const spliceWrite = (from: number, len: number, more: boolean, where: string): number => {
    const to = 1 - from;
    const room = txCap[to] - txQueued[to];
    let ret: number;
    if (pipe[from] === 0 || room <= 0 || finSent[to]) ret = -1;
    else ret = Math.min(len, pipe[from], room);
    if (ret > 0) {
      pipe[from] -= ret;
      txQueued[to] += ret;
      bytesWritten += ret;
    }
    if (cur) {
      cur.writes++;
      cur.written_bytes += Math.max(ret, 0);
    }
    deferred = () =>
      record('splice_write', where, to, {
        result: ret > 0 ? String(ret) : 'EAGAIN',
        moved_bytes: Math.max(ret, 0),
        request_bytes: len,
        more_flag: more ? 1 : 0,
      });
    return ret;
  };
  const shutdownWr = (side: number, where: string): void => {
    finSent[side] = true;
    record('shutdown', `${where}: shutdown(${SIDE[side]}, SHUT_WR)`, side);
  };

  // ---- 2026: passt tcp_splice.c: tcp_splice_forward ----
  const forward2026 = (from: number): void => {
    const L = `2026 tcp_splice_forward(${SIDE[from]})`;
    for (;;) {
      const readlen = spliceRead(from, `${L}: read-side splice`);
      let more = false;
      if (readlen <= 0) {
        if (readlen === 0) finRcvd[from] = true;
        logCall();
        if (!pending[from]) break;
      } else {
        pending[from] += readlen;
        more = readlen >= Math.floor((pipeSize * 90) / 100);
        logCall();
      }
      const written = spliceWrite(from, pipeSize, more, `${L}: write-side splice`);
      if (written < 0) {
        logCall();
        break;
      }
      pending[from] -= written;
      logCall();
      if (!pending[from] && readlen <= 0) break;
    }
    outWait[1 - from] = pending[from] > 0;
    updateMasks(`${L}: OUT_WAIT(${SIDE[1 - from]}) iff pending`);
    if (finRcvd[from] && !finSent[1 - from] && !pending[from]) {
      shutdownWr(1 - from, L);
      updateMasks(`${L}: FIN_SENT(${SIDE[1 - from]})`);
    }
  };
  const handler2026 = (e: number, ev: number): void => {
    if (ev & EPOLLOUT) forward2026(1 - e);
    if (ev & (EPOLLIN | EPOLLRDHUP)) forward2026(e);
    if (finSent[0] && finSent[1]) {
      closing = true;
      updateMasks('2026 handler: both FIN_SENT → CLOSING');
    }
  };

  // ---- 2023: passt tcp_splice.c: tcp_splice_sock_handler ----
  const handler2023 = (s: number, evIn: number): void => {
    let ev = evIn;
    let from: number;
    let to: number;
    if (ev & EPOLLOUT) {
      if (outWait[s]) {
        outWait[s] = false;
        updateMasks(`2023 handler: EPOLLOUT clears OUT_WAIT(${SIDE[s]})`);
      }
      from = 1 - s;
      to = s;
    } else {
      from = s;
      to = 1 - s;
    }
    if (ev & EPOLLRDHUP && !finRcvd[s]) {
      finRcvd[s] = true;
      updateMasks(`2023 handler: EPOLLRDHUP → FIN_RCVD(${SIDE[s]})`);
    }
    for (;;) {
      // swap:
      let eof = false;
      let neverRead = true;
      const L = `2023 loop ${SIDE[from]}→${SIDE[to]}`;
      outer: for (;;) {
        // fresh iteration: `ssize_t readlen, to_write = 0, written; int more = 0;`
        let toWrite = 0;
        let more = false;
        for (;;) {
          // retry: (a `goto retry` keeps to_write and more)
          const readlen = spliceRead(from, `${L}: read-side splice`);
          logCall();
          if (readlen < 0) toWrite = pipeSize;
          else if (readlen === 0) {
            eof = true;
            toWrite = pipeSize;
          } else {
            neverRead = false;
            toWrite += readlen;
            if (readlen >= Math.floor((pipeSize * 90) / 100)) more = true;
          }
          const written = spliceWrite(from, toWrite, more, `${L}: write-side splice`);
          logCall();
          if (readlen > 0 && readlen === written) {
            if (readlen >= Math.floor((pipeSize * 10) / 100)) continue outer;
            break outer; // (the SO_RCVLOWAT block before it is unreachable)
          }
          seqRead[from] += Math.max(readlen, 0);
          seqWrite[from] += Math.max(written, 0);
          if (written < 0) {
            if (neverRead) break outer;
            if (!outWait[to]) {
              outWait[to] = true;
              updateMasks(`${L}: write EAGAIN → OUT_WAIT(${SIDE[to]})`);
            }
            break outer;
          }
          if (neverRead && written === pipeSize) continue; // goto retry
          if (!neverRead && written < toWrite) {
            toWrite -= written;
            continue; // goto retry
          }
          if (eof) break outer;
          continue outer;
        }
      }
      // FIN propagation (both checks use the counters of `from`).
      if (finRcvd[0] && !finSent[1] && seqRead[from] === seqWrite[from] && eof) {
        shutdownWr(1, L);
        updateMasks(`${L}: FIN_SENT(dst)`);
      }
      if (finRcvd[1] && !finSent[0] && seqRead[from] === seqWrite[from] && eof) {
        shutdownWr(0, L);
        updateMasks(`${L}: FIN_SENT(src)`);
      }
      if (finSent[0] && finSent[1]) {
        closing = true;
        updateMasks('2023 handler: both FIN_SENT → CLOSING');
        return;
      }
      if ((ev & (EPOLLIN | EPOLLOUT)) === (EPOLLIN | EPOLLOUT)) {
        ev = EPOLLIN;
        const t = from;
        from = to;
        to = t;
        continue; // goto swap
      }
      return;
    }
  };

  let stopped: SpliceRun['stopped'] = 'idle';
  record('epoll_ctl', 'connection established: EPOLL_CTL_ADD both sockets', null);
  const peerRead = (why: string): boolean => {
    if (txQueued[1] === 0) return false;
    const n = p.peer_read_bytes === 0 ? txQueued[1] : Math.min(p.peer_read_bytes, txQueued[1]);
    txQueued[1] -= n;
    peerReadTotal += n;
    futileSinceProgress = 0;
    record('peer_read', `dst's peer reads ${n} bytes (${why})`, 1, { moved_bytes: n });
    wake(1);
    return true;
  };
  while (steps.length < p.max_steps) {
    if (futileSinceProgress >= p.busy_wakeups_before_peer_read) {
      if (!peerRead('meanwhile, on another CPU')) futileSinceProgress = 0;
    }
    // epoll_wait: collect from the ready list, level-triggered re-queue.
    const list = rdl;
    rdl = [];
    const delivered: { side: number; ev: number }[] = [];
    for (const i of list) {
      const ev = masks[i] & readyBits(i);
      if (ev) delivered.push({ side: i, ev });
    }
    rdl = delivered.map((d) => d.side);
    if (delivered.length === 0) {
      record('epoll_wait', 'epoll_wait: nothing ready, passt sleeps', null);
      if (!peerRead('passt is idle')) {
        record('idle', 'nothing left to move', null);
        break;
      }
      continue;
    }
    record(
      'epoll_wait',
      `epoll_wait returns ${delivered.map((d) => `${SIDE[d.side]}:${maskName(d.ev)}`).join(', ')}`,
      null,
    );
    for (const d of delivered) {
      if (closing) break;
      pass++;
      const before = bytesRead + bytesWritten;
      cur = {
        pass,
        event: `${maskName(d.ev)} on ${SIDE[d.side]}`,
        reads: 0,
        writes: 0,
        read_bytes: 0,
        written_bytes: 0,
        exit_pending_bytes: 0,
        exit_src_left_bytes: 0,
        exit_src_mask: '',
        exit_dst_mask: '',
        exit_flags: '',
      };
      record('event', `handler: ${maskName(d.ev)} on ${SIDE[d.side]}`, d.side);
      if (p.version === '2026') handler2026(d.side, d.ev);
      else handler2023(d.side, d.ev);
      cur.exit_pending_bytes = p.version === '2026' ? pending[0] : pipe[0];
      cur.exit_src_left_bytes = rx[0];
      cur.exit_src_mask = maskName(masks[0]);
      cur.exit_dst_mask = maskName(masks[1]);
      cur.exit_flags = flagString();
      passes.push(cur);
      cur = null;
      if (bytesRead + bytesWritten === before) {
        futile++;
        futileSinceProgress++;
      } else futileSinceProgress = 0;
      if (steps.length >= p.max_steps) break;
    }
    if (closing) {
      record('idle', 'connection CLOSING', null);
      break;
    }
  }
  if (steps.length >= p.max_steps) stopped = 'max_steps';
  return {
    steps,
    passes,
    bytes_read: bytesRead,
    bytes_written: bytesWritten,
    peer_read_total_bytes: peerReadTotal,
    futile_wakeups: futile,
    fin_forwarded: finSent[1],
    stopped,
  };
}

const params: ParamSpec[] = [
  {
    kind: 'choice',
    name: 'version',
    label: 'passt loop',
    options: [
      { value: '2023', label: '2023 tcp_splice_sock_handler (goto retry, EPOLLIN stays armed)' },
      { value: '2026', label: '2026 tcp_splice_forward (pending, OUT_WAIT iff pipe non-empty)' },
    ],
    default: '2026',
  },
  {
    kind: 'number',
    name: 'pipe_size_bytes',
    label: 'pipe size (F_SETPIPE_SZ; 1 MiB rootless)',
    unit: 'bytes',
    min: 4096,
    max: 1 << 30,
    default: 1048576,
    integer: true,
  },
  {
    kind: 'number',
    name: 'src_bytes',
    label: 'bytes waiting in the source socket',
    unit: 'bytes',
    min: 0,
    max: MAX_PARAM,
    default: 3 * 1048576,
    integer: true,
  },
  {
    kind: 'boolean',
    name: 'src_fin',
    label: "source's peer has sent FIN after its data",
    default: false,
  },
  {
    kind: 'number',
    name: 'dst_capacity_bytes',
    label: 'destination socket send room (payload)',
    unit: 'bytes',
    min: 1,
    max: MAX_PARAM,
    default: 1572864,
    integer: true,
  },
  {
    kind: 'number',
    name: 'peer_read_bytes',
    label: "bytes the destination's peer reads at a time (0 = all queued)",
    unit: 'bytes',
    min: 0,
    max: MAX_PARAM,
    default: 0,
    integer: true,
  },
  {
    kind: 'number',
    name: 'busy_wakeups_before_peer_read',
    label: 'futile wakeups before the destination peer reads',
    unit: 'count',
    min: 1,
    max: 1000,
    default: 3,
    integer: true,
  },
  {
    kind: 'number',
    name: 'max_steps',
    label: 'step limit',
    unit: 'count',
    min: 10,
    max: 100000,
    default: 2000,
    integer: true,
  },
];

function run(p: Params): ModelResult {
  const pipeSize = p.pipe_size_bytes as number;
  if ((pipeSize & (pipeSize - 1)) !== 0) {
    throw new ModelInputError(
      `pipe_size_bytes = ${pipeSize} is not a power of two: fs/pipe.c: round_pipe_size rounds every F_SETPIPE_SZ up to one`,
      'pipe_size_bytes',
    );
  }
  const sp: SpliceParams = {
    version: p.version as SpliceVersion,
    pipe_size_bytes: pipeSize,
    src_bytes: p.src_bytes as number,
    src_fin: p.src_fin as boolean,
    dst_capacity_bytes: p.dst_capacity_bytes as number,
    peer_read_bytes: p.peer_read_bytes as number,
    busy_wakeups_before_peer_read: p.busy_wakeups_before_peer_read as number,
    max_steps: p.max_steps as number,
  };
  const r = simulateSplice(sp);
  const final: ModelResult['final'] = {
    passes_count: r.passes.length,
    reads_total_count: r.passes.reduce((a, x) => a + x.reads, 0),
    writes_total_count: r.passes.reduce((a, x) => a + x.writes, 0),
    futile_wakeups_count: r.futile_wakeups,
    bytes_read_bytes: r.bytes_read,
    bytes_written_bytes: r.bytes_written,
    pipe_left_bytes: r.bytes_read - r.bytes_written,
    peer_read_total_bytes: r.peer_read_total_bytes,
    fin_forwarded: r.fin_forwarded,
    stopped: r.stopped,
  };
  r.passes.slice(0, 12).forEach((x) => {
    const k = `pass${x.pass}`;
    final[`${k}_event`] = x.event;
    final[`${k}_reads_count`] = x.reads;
    final[`${k}_writes_count`] = x.writes;
    final[`${k}_read_bytes`] = x.read_bytes;
    final[`${k}_written_bytes`] = x.written_bytes;
    final[`${k}_exit_pending_bytes`] = x.exit_pending_bytes;
    final[`${k}_exit_src_left_bytes`] = x.exit_src_left_bytes;
    final[`${k}_exit_src_mask`] = x.exit_src_mask;
    final[`${k}_exit_dst_mask`] = x.exit_dst_mask;
    final[`${k}_exit_flags`] = x.exit_flags;
  });
  const series: SeriesPoint[] = r.steps.map((s) => ({
    t: s.step,
    kind: s.kind,
    where: s.where,
    side: s.side,
    result: s.result,
    moved_bytes: s.moved_bytes,
    request_bytes: s.request_bytes,
    more_flag: s.more_flag,
    pipe_fill_bytes: s.pipe_fill_bytes,
    src_queue_bytes: s.src_queue_bytes,
    dst_queued_bytes: s.dst_queued_bytes,
    dst_room_bytes: s.dst_room_bytes,
    pending_bytes: s.pending_bytes,
    pass: s.pass,
    flags: s.flags,
    src_mask: s.src_mask,
    dst_mask: s.dst_mask,
  }));
  const notes = r.passes
    .slice(0, 12)
    .map(
      (x) =>
        `pass ${x.pass} (${x.event}): ${x.reads} read / ${x.writes} write splices, ${x.read_bytes} bytes read, ${x.written_bytes} written; exit: pending ${x.exit_pending_bytes}, src left ${x.exit_src_left_bytes}, src ${x.exit_src_mask}, dst ${x.exit_dst_mask}, ${x.exit_flags}`,
    );
  if (r.futile_wakeups > 0) {
    notes.push(
      `${r.futile_wakeups} wakeups moved nothing (level-triggered epoll reporting a socket the loop cannot serve)`,
    );
  }
  if (r.stopped === 'max_steps') notes.push('stopped at max_steps');
  if (r.stopped === 'idle' && r.bytes_written < r.bytes_read) {
    notes.push(
      `${r.bytes_read - r.bytes_written} bytes stranded in the pipe with no EPOLLOUT armed: a lost wakeup (the 2023 loop breaks on a never_read write EAGAIN without OUT_WAIT; 4ccb2ee sets OUT_WAIT iff the pipe is non-empty)`,
    );
  }
  return { model: 'passt-splice', params: p, final, series, notes };
}

/** Where the passt-splice model meets the code (docs/models.md §7.6). */
export const spliceAnchors: ModelAnchors = {
  lenses: [
    // passt tcp_splice.c
    {
      name: 'tcp_splice_sock_handler',
      scenario: 'S15',
      // The 2026 handler delegates to tcp_splice_forward; the 2023 one has the loop inline.
      scenarioFrom: (_fn, all) => (/\btcp_splice_forward\s*\(/.test(all) ? 'S15' : 'S15-2023'),
      title: '▶ Simulate splice forwarding',
      shape: [/splice\s*\(|tcp_splice_forward/],
    },
    {
      name: 'tcp_splice_forward',
      scenario: 'S15',
      title: '▶ Simulate splice forwarding',
      shape: [/splice\s*\(/],
    },
  ],
  inline: [
    // splice
    {
      fn: 'tcp_splice_forward',
      line: /pending\[[^\]]*\]\s*[-+]?=/,
      keys: ['pending_bytes', 'pipe_bytes'],
      label: 'pending',
      unit: 'bytes',
    },
    {
      fn: 'tcp_splice_sock_handler',
      line: /readlen\s*=\s*splice/,
      keys: ['pipe_fill_bytes'],
      label: 'pipe',
      unit: 'bytes',
    },
  ],
};

const pointNum = (p: Readonly<Record<string, number | string>>, k: string): number =>
  typeof p[k] === 'number' ? p[k] : 0;
const shown = (v: number): string =>
  Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(3);

/**
 * The panel's step view for this model (docs/models.md §7.6): the source socket, the pipe and
 * the destination as gauges with the flags and epoll masks, and the same input stepped
 * through the other loop version beside it, since that is where the 2023 and 2026 loops differ.
 */
export const spliceView: ModelView = {
  picture: (point, params) => ({
    caption: `${String(point.kind ?? '')}: ${String(point.where ?? '')}${point.result ? ` → ${String(point.result)}` : ''}`,
    gauges: [
      {
        label: 'source socket (unread)',
        fill_bytes: pointNum(point, 'src_queue_bytes'),
        capacity_bytes:
          typeof params.src_bytes === 'number'
            ? params.src_bytes
            : pointNum(point, 'src_queue_bytes'),
      },
      {
        label: 'pipe',
        fill_bytes: pointNum(point, 'pipe_fill_bytes'),
        capacity_bytes: typeof params.pipe_size_bytes === 'number' ? params.pipe_size_bytes : 0,
      },
      {
        label: 'destination (queued)',
        fill_bytes: pointNum(point, 'dst_queued_bytes'),
        capacity_bytes: pointNum(point, 'dst_queued_bytes') + pointNum(point, 'dst_room_bytes'),
      },
    ],
    status: `pending ${shown(pointNum(point, 'pending_bytes'))} bytes · flags ${String(point.flags ?? '-')} · epoll src ${String(point.src_mask ?? '')} · dst ${String(point.dst_mask ?? '')}${pointNum(point, 'more_flag') ? ' · SPLICE_F_MORE' : ''}`,
  }),
  compare: {
    other: (params) => {
      const other = String(params.version) === '2023' ? '2026' : '2023';
      return { params: { ...params, version: other }, title: `Same input, ${other} loop` };
    },
    columns: [
      { key: 't', numeric: true },
      { key: 'kind' },
      { key: 'where' },
      { key: 'result', numeric: true },
      { key: 'flags' },
    ],
    hide: (step) => step.kind === 'epoll_ctl',
    matchKey: 'pass',
  },
};

export const spliceModel: ModelDefinition = {
  id: 'passt-splice',
  title: 'pasta splice forwarding: 2023 loop vs 2026 tcp_splice_forward, step by step',
  cites: [
    'passt tcp_splice.c: tcp_splice_sock_handler',
    'passt tcp_splice.c: tcp_splice_forward',
    'passt tcp_splice.c: tcp_splice_conn_epoll_events',
    'net/ipv4/tcp.c: tcp_splice_read',
  ],
  tUnit: 'step',
  anchors: spliceAnchors,
  view: spliceView,
  params,
  series: [
    { key: 'pipe_fill_bytes', label: 'pipe fill', unit: 'bytes' },
    { key: 'src_queue_bytes', label: 'source socket queue', unit: 'bytes' },
    { key: 'dst_queued_bytes', label: 'destination send queue', unit: 'bytes' },
    { key: 'pending_bytes', label: 'pending (2026) / pipe (2023)', unit: 'bytes' },
  ],
  scenarios: [
    {
      id: 'S15',
      title: '2026 loop: 3 MiB source, 1 MiB pipe, destination takes 1.5 MiB then EAGAIN',
      params: {
        version: '2026',
        pipe_size_bytes: 1048576,
        src_bytes: 3145728,
        dst_capacity_bytes: 1572864,
      },
      ref: 'docs/models.md §7.3, §S15',
    },
    {
      id: 'S15-2023',
      title: '2023 loop, same input: EPOLLIN on the source stays armed with a full pipe',
      params: {
        version: '2023',
        pipe_size_bytes: 1048576,
        src_bytes: 3145728,
        dst_capacity_bytes: 1572864,
      },
      ref: 'docs/models.md §7.2, §S15',
    },
    {
      id: 'fin-2026',
      title: '2026 loop: 256 KiB then FIN, 64 KiB pipe',
      params: {
        version: '2026',
        pipe_size_bytes: 65536,
        src_bytes: 262144,
        src_fin: true,
        dst_capacity_bytes: 131072,
      },
      ref: 'docs/models.md §7.3, §7.4 (FIN propagation)',
    },
  ],
  run,
};
