// Problems the index found while indexing a folder (partial parses, skipped files), kept for
// the "SKLens: Show Parse Problems" command and summarised in one line of the output channel:
// a Linux net/ tree has ~850 partial parses, and one warning each buried the lines that
// matter. No vscode import (unit-tested).

/** Files shown in the summary line. */
export const SUMMARY_TOP_FILES = 5;

export class ProblemSummary {
  private readonly byFile = new Map<string, string[]>();
  private total = 0;

  add(file: string, reason: string): void {
    let list = this.byFile.get(file);
    if (!list) this.byFile.set(file, (list = []));
    list.push(reason);
    this.total++;
  }

  /** Drops the problems of these files (they were reindexed or deleted). */
  forget(files: Iterable<string>): void {
    for (const f of files) {
      const list = this.byFile.get(f);
      if (list) this.total -= list.length;
      this.byFile.delete(f);
    }
  }

  /** Adds every problem of `other`. */
  merge(other: ProblemSummary): void {
    for (const [file, reason] of other.entries()) this.add(file, reason);
  }

  *entries(): Iterable<[string, string]> {
    for (const [file, list] of this.byFile) for (const r of list) yield [file, r];
  }

  get count(): number {
    return this.total;
  }

  get files(): number {
    return this.byFile.size;
  }

  /** Files by problem count, most first (ties by path). */
  private ranked(): [string, string[]][] {
    return [...this.byFile].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
  }

  /**
   * One line: the count, the files with the most problems and where the full list is; undefined
   * when there were none.
   */
  summaryLine(folder: string, detailsHint: string): string | undefined {
    if (this.total === 0) return undefined;
    const top = this.ranked()
      .slice(0, SUMMARY_TOP_FILES)
      .map(([f, l]) => `${f || '(folder)'} (${l.length})`)
      .join(', ');
    const more = this.byFile.size > SUMMARY_TOP_FILES ? ', …' : '';
    return (
      `${folder}: ${this.total} indexing problem${this.total === 1 ? '' : 's'} in ` +
      `${this.byFile.size} file${this.byFile.size === 1 ? '' : 's'} (partial parses, skipped files); ` +
      `most in ${top}${more} — ${detailsHint}`
    );
  }

  /** The full list, one file per heading, as plain text. */
  details(folder: string): string {
    const out = [
      `${folder}: ${this.total} indexing problems in ${this.byFile.size} files, most first`,
      '',
    ];
    for (const [file, list] of this.ranked()) {
      out.push(`${file || '(folder)'} (${list.length})`);
      for (const r of list) out.push(`    ${r}`);
    }
    return out.join('\n') + '\n';
  }
}
