// SO_SNDBUF / SO_RCVBUF / *FORCE as `net/core/sock.c: sk_setsockopt` applies them
// (docs/models.md §2, §S1): the user's call gives `final`, and the series is the
// S1 table evaluated with the same sysctls, so a reader sees doubling, minimums, the
// u32 compare of negative values and the CAP_NET_ADMIN variants side by side.
import {
  DEFAULT_PRESET_ID,
  INT_MAX,
  PRESETS,
  findPreset,
  setsockoptBuf,
  type SockBufOption,
} from './kernelConstants';
import {
  ModelInputError,
  type ModelDefinition,
  type ModelResult,
  type Params,
  type SeriesPoint,
  type ModelAnchors,
} from './types';

const OPTIONS: SockBufOption[] = ['SO_SNDBUF', 'SO_SNDBUFFORCE', 'SO_RCVBUF', 'SO_RCVBUFFORCE'];

/** The S1 table: option and the int value passed to setsockopt. */
export const S1_TABLE: readonly { option: SockBufOption; value: number }[] = [
  { option: 'SO_SNDBUF', value: 4096 },
  { option: 'SO_SNDBUF', value: 1000 },
  { option: 'SO_SNDBUF', value: 1_000_000 },
  { option: 'SO_SNDBUF', value: -1 },
  { option: 'SO_RCVBUF', value: 1000 },
  { option: 'SO_RCVBUF', value: 0 },
  { option: 'SO_SNDBUFFORCE', value: 1_000_000 },
  { option: 'SO_RCVBUFFORCE', value: -5 },
  { option: 'SO_SNDBUF', value: INT_MAX },
];

/** Where the setsockopt model meets the code (docs/models.md §2). */
export const sockoptAnchors: ModelAnchors = {
  lenses: [
    {
      name: 'sk_setsockopt',
      scenario: 'S1',
      title: '▶ Simulate SO_SNDBUF',
      shape: [/SO_SNDBUF/],
    },
    {
      name: 'sock_setsockopt',
      scenario: 'S1',
      title: '▶ Simulate SO_SNDBUF',
      shape: [/SO_SNDBUF/],
    },
  ],
  inline: [
    {
      fn: 'sk_setsockopt',
      line: /case\s+SO_SNDBUF\s*:/,
      keys: ['getsockopt_bytes'],
      label: 'sk_sndbuf',
      unit: 'bytes',
    },
    {
      fn: 'sock_setsockopt',
      line: /case\s+SO_SNDBUF\s*:/,
      keys: ['getsockopt_bytes'],
      label: 'sk_sndbuf',
      unit: 'bytes',
    },
  ],
};

export const sockoptModel: ModelDefinition = {
  id: 'setsockopt',
  title: 'SO_SNDBUF / SO_RCVBUF setsockopt: doubling, minimums, clamps, locks',
  cites: ['net/core/sock.c: sk_setsockopt', 'net/core/sock.c: __sock_set_rcvbuf'],
  tUnit: 'row',
  anchors: sockoptAnchors,
  params: [
    {
      kind: 'choice',
      name: 'option',
      label: 'Option',
      options: OPTIONS.map((o) => ({ value: o, label: o })),
      default: 'SO_SNDBUF',
    },
    {
      kind: 'number',
      name: 'optval',
      label: 'int value passed',
      unit: 'bytes',
      min: -(2 ** 31),
      max: INT_MAX,
      default: 4096,
      integer: true,
      help: 'negative values are compared as u32 by SO_SNDBUF/SO_RCVBUF',
    },
    {
      kind: 'number',
      name: 'wmem_max_bytes',
      label: 'net.core.wmem_max',
      unit: 'bytes',
      min: 4608,
      max: INT_MAX,
      default: 212992,
      integer: true,
    },
    {
      kind: 'number',
      name: 'rmem_max_bytes',
      label: 'net.core.rmem_max',
      unit: 'bytes',
      min: 2304,
      max: INT_MAX,
      default: 212992,
      integer: true,
    },
    { kind: 'boolean', name: 'cap_net_admin', label: 'CAP_NET_ADMIN', default: true },
    {
      kind: 'choice',
      name: 'preset',
      label: 'Kernel preset',
      options: PRESETS.map((p) => ({ value: p.id, label: p.label })),
      default: DEFAULT_PRESET_ID,
    },
  ],
  series: [{ key: 'getsockopt_bytes', label: 'getsockopt value', unit: 'bytes' }],
  scenarios: [
    { id: 'S1', title: 'SO_SNDBUF 4096 and the S1 table', params: {}, ref: 'docs/models.md §S1' },
    {
      id: 'S1-negative',
      title: 'SO_SNDBUF −1 (u32 compare → wmem_max)',
      params: { optval: -1 },
      ref: 'docs/models.md §S1',
    },
    {
      id: 'S1-force',
      title: 'SO_SNDBUFFORCE 1,000,000 with CAP_NET_ADMIN',
      params: { option: 'SO_SNDBUFFORCE', optval: 1_000_000 },
      ref: 'docs/models.md §S1',
    },
  ],
  run(params: Params): ModelResult {
    const preset = findPreset(String(params.preset));
    if (!preset) throw new ModelInputError('unknown preset', 'preset');
    const sysctl = {
      wmem_max_bytes: params.wmem_max_bytes as number,
      rmem_max_bytes: params.rmem_max_bytes as number,
    };
    const cap = params.cap_net_admin as boolean;
    const option = params.option as SockBufOption;
    const snd = option.startsWith('SO_SND');
    const previous = snd ? preset.tcp_wmem_bytes[1] : 131072;
    const r = setsockoptBuf(option, params.optval as number, sysctl, preset, cap, previous);
    const series: SeriesPoint[] = S1_TABLE.map((row, i) => {
      const x = setsockoptBuf(row.option, row.value, sysctl, preset, cap, 0);
      return {
        t: i,
        option: row.option,
        optval: row.value,
        getsockopt_bytes: x.sk_bytes,
        lock_bit: x.lock_bit,
        error: x.error,
      };
    });
    const notes: string[] = [];
    if (r.error) notes.push(`${option} needs CAP_NET_ADMIN: EPERM, value unchanged`);
    return {
      model: 'setsockopt',
      params,
      final: {
        option,
        optval: params.optval as number,
        getsockopt_bytes: r.sk_bytes,
        lock_bit: r.lock_bit,
        error: r.error,
      },
      series,
      notes,
    };
  },
};
