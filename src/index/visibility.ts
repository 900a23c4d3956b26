// Which definition of a function name a use in some file can mean: the one rule behind the
// index's call resolution (CodeIndex.resolveDefinition) and the navigation features' Go to
// Definition and call hierarchy (src/features/navQueries.ts).
//
// A static function is visible only in its own file, a header's definitions everywhere. Among
// the visible ones a definition in the using file comes first (static functions of the same
// name live in many files, e.g. `*_init`), then a non-static one (in a .c file before one in a
// header), then a header's static one. A non-static definition wins over a header's static
// inline of the same name because that pair is the kernel's config stub (`#ifdef
// CONFIG_DEBUG_FS ... #else static inline void lowpan_debugfs_init(void) {}`,
// net/6lowpan/6lowpan_i.h), and the real function is the one worth showing.

/** How near a definition is to a use, nearest first. */
export const Reach = { ownFile: 0, global: 1, headerGlobal: 2, headerStatic: 3 } as const;
export type Reach = (typeof Reach)[keyof typeof Reach];

/**
 * How a definition in `defFile` reaches a use in `fromFile`, or undefined when it cannot be
 * what the use means (another .c file's static function).
 */
export function reach(defFile: string, isStatic: boolean, fromFile: string): Reach | undefined {
  if (defFile === fromFile) return Reach.ownFile;
  const header = defFile.endsWith('.h');
  if (isStatic) return header ? Reach.headerStatic : undefined;
  return header ? Reach.headerGlobal : Reach.global;
}

/** Whether a definition in `defFile` is visible from `fromFile`. */
export function visibleFrom(defFile: string, isStatic: boolean, fromFile: string): boolean {
  return reach(defFile, isStatic, fromFile) !== undefined;
}
