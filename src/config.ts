// SKLens settings through one typed class with a getter per setting (as rust-analyzer's
// editors/code `Config`). It reads from anything with a `get(key)` — VS Code's
// WorkspaceConfiguration in the extension, a plain object in tests — and validates each value,
// falling back to the default, because settings.json is user input.
// Every key here is declared in package.json `contributes.configuration` (checked by a test).

import {
  DEFAULT_EXCLUDE,
  DEFAULT_FOLLOW_SYMLINKS,
  DEFAULT_INCLUDE,
  DEFAULT_MAX_FILE_BYTES,
} from './index/defaults';
import { globProblem } from './index/pathFilter';

export const SECTION = 'sklens';

export type DeferMode = 'auto' | 'always' | 'never';

/** The subset of vscode.WorkspaceConfiguration this module needs. */
export interface ConfigSource {
  get<T>(key: string): T | undefined;
}

/**
 * Settings keys relative to the `sklens` section, with their defaults (the index's own from
 * src/index/defaults.ts).
 */
export const DEFAULTS = {
  'index.include': DEFAULT_INCLUDE as string[],
  'index.exclude': DEFAULT_EXCLUDE as string[],
  'index.maxFileSizeBytes': DEFAULT_MAX_FILE_BYTES,
  'index.followSymlinks': DEFAULT_FOLLOW_SYMLINKS,
  'index.workerThreads': 0,
  'index.reparseDelayMs': 100,
  'navigation.deferToLanguageServer': 'auto' as DeferMode,
  'workspaceSymbols.maxResults': 256,
  'diagnostics.slowTaskMs': 50,
} as const;

export type SettingKey = keyof typeof DEFAULTS;

/** Settings whose change needs the workspace index rebuilt (file set or parse limits). */
export const INDEX_SETTINGS: readonly SettingKey[] = [
  'index.include',
  'index.exclude',
  'index.maxFileSizeBytes',
  'index.followSymlinks',
  'index.workerThreads',
];

export class Config {
  constructor(private readonly source: ConfigSource) {}

  /** Globs (relative to each workspace folder) of files to index. */
  get indexInclude(): string[] {
    return this.globs('index.include');
  }

  /** Globs of files and folders never indexed. */
  get indexExclude(): string[] {
    return this.globs('index.exclude');
  }

  /** Files larger than this are skipped with a message in the output channel. */
  get maxFileSizeBytes(): number {
    return this.int('index.maxFileSizeBytes', 1, Number.MAX_SAFE_INTEGER);
  }

  /** Whether symlinked folders and files are indexed (as VS Code's search.followSymlinks). */
  get followSymlinks(): boolean {
    const v = this.source.get<unknown>('index.followSymlinks');
    return typeof v === 'boolean' ? v : DEFAULTS['index.followSymlinks'];
  }

  /** Indexing worker threads; 0 = one per core. */
  get workerThreads(): number {
    return this.int('index.workerThreads', 0, 64);
  }

  /** Quiet time after the last edit of an open C file before it is reparsed and reindexed. */
  get reparseDelayMs(): number {
    return this.int('index.reparseDelayMs', 0, 10_000);
  }

  /** Whether Go to Definition / Find References yield to clangd or the Microsoft C/C++ extension. */
  get deferToLanguageServer(): DeferMode {
    const v = this.source.get<unknown>('navigation.deferToLanguageServer');
    return v === 'auto' || v === 'always' || v === 'never'
      ? v
      : DEFAULTS['navigation.deferToLanguageServer'];
  }

  get workspaceSymbolsMaxResults(): number {
    return this.int('workspaceSymbols.maxResults', 1, 100_000);
  }

  /** Extension-host tasks longer than this are logged to the SKLens output channel. */
  get slowTaskMs(): number {
    return this.int('diagnostics.slowTaskMs', 0, 60_000);
  }

  private int(key: SettingKey, min: number, max: number): number {
    const v = this.source.get<unknown>(key);
    if (typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max) return Math.floor(v);
    return DEFAULTS[key] as number;
  }

  /**
   * One line per setting whose value was refused (and replaced by its default), e.g. a glob
   * that does not compile; empty when every setting is usable.
   */
  get problems(): string[] {
    const out: string[] = [];
    for (const key of ['index.include', 'index.exclude'] as const) {
      const why = this.globsProblem(key);
      if (why) out.push(`${SECTION}.${key}: ${why}; using the default`);
    }
    return out;
  }

  private globsProblem(key: SettingKey): string | undefined {
    const v = this.source.get<unknown>(key);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) return 'not a list of globs';
    for (const g of v as unknown[]) {
      const why = globProblem(g);
      if (why) return why;
    }
    return undefined;
  }

  private globs(key: SettingKey): string[] {
    const v = this.source.get<unknown>(key);
    if (Array.isArray(v) && this.globsProblem(key) === undefined) return [...(v as string[])];
    return [...(DEFAULTS[key] as string[])];
  }
}

/** Which problem lines were reported, so each is shown once while it lasts. */
export class ReportOnce {
  private shown = new Set<string>();

  /** The lines of `now` not reported before; a line fixed and then broken again is new. */
  fresh(now: readonly string[]): string[] {
    const out = now.filter((l) => !this.shown.has(l));
    this.shown = new Set(now);
    return out;
  }
}

/** The subset of vscode.ConfigurationChangeEvent this module needs. */
export interface ConfigChange {
  affectsConfiguration(section: string): boolean;
}

/** Whether a configuration change touches one of `keys` (full `sklens.` prefix added here). */
export function affects(e: ConfigChange, keys: readonly SettingKey[]): boolean {
  return keys.some((k) => e.affectsConfiguration(`${SECTION}.${k}`));
}
