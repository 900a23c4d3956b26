// The documents SKLens's navigation serves: C files, and headers, which VS Code opens as C++
// by default (`files.associations` aside). No vscode import (a DocumentSelector is plain data).

export const C_SELECTOR = [
  { language: 'c', scheme: 'file' },
  { language: 'cpp', scheme: 'file', pattern: '**/*.h' },
];

/** Whether a document with this language id and path is C source SKLens indexes. */
export function isCDocument(languageId: string, path: string): boolean {
  return languageId === 'c' || (languageId === 'cpp' && path.endsWith('.h'));
}
