// Name → entry lookup over the built-in entries with the workspace's annotations merged on top.
// Rebuilt whenever the user layer changes; lookups are one Map access.
import { mergeEntry, type UserEntry } from './annotations';
import { builtinEntries } from './builtin';
import { namesOf, type KnowledgeEntry } from './schema';

export class KnowledgeBase {
  private byName = new Map<string, KnowledgeEntry>();
  private entries: KnowledgeEntry[] = [];
  private userIds = new Set<string>();

  constructor(private readonly builtins: readonly KnowledgeEntry[] = builtinEntries()) {
    this.rebuild([]);
  }

  /** True when a name belongs to a built-in entry (ignoring the user layer). */
  isBuiltinName = (name: string): boolean =>
    this.builtins.some((e) => e.id === name || (e.aliases ?? []).includes(name));

  /** Replaces the user layer (an empty list removes it). Returns warnings about name clashes. */
  setUserEntries(user: readonly UserEntry[]): string[] {
    return this.rebuild(user);
  }

  lookup(name: string): KnowledgeEntry | undefined {
    return this.byName.get(name);
  }

  all(): readonly KnowledgeEntry[] {
    return this.entries;
  }

  /** Whether an entry carries workspace annotations. */
  hasUserLayer(id: string): boolean {
    return this.userIds.has(id);
  }

  private rebuild(user: readonly UserEntry[]): string[] {
    const warnings: string[] = [];
    const byId = new Map<string, KnowledgeEntry>();
    const alias = new Map<string, string>();
    for (const e of this.builtins) {
      byId.set(e.id, e);
      for (const n of e.aliases ?? []) alias.set(n, e.id);
    }
    this.userIds = new Set();
    for (const u of user) {
      const target = byId.has(u.id) ? u.id : alias.get(u.id);
      if (target !== undefined) {
        byId.set(target, mergeEntry(byId.get(target) as KnowledgeEntry, u));
        this.userIds.add(target);
      } else {
        // A new entry: the validator made sure it is complete.
        byId.set(u.id, u as KnowledgeEntry);
        this.userIds.add(u.id);
      }
    }
    const byName = new Map<string, KnowledgeEntry>();
    for (const e of byId.values()) {
      for (const n of namesOf(e)) {
        const prev = byName.get(n);
        if (prev && prev.id !== e.id) {
          warnings.push(`name '${n}' of '${e.id}' hides entry '${prev.id}'`);
          if (!this.userIds.has(e.id)) continue;
        }
        byName.set(n, e);
      }
    }
    this.byName = byName;
    this.entries = [...byId.values()];
    return warnings;
  }
}
