// The documents SKLens indexes and its navigation serves: C files, and headers, which VS Code
// opens as C++ by default (`files.associations` aside). Here in services because the index
// service decides by it which open documents to reparse; the features register their providers
// with C_SELECTOR. No vscode import (a DocumentSelector is plain data).

export const C_SELECTOR = [
  { language: 'c', scheme: 'file' },
  { language: 'cpp', scheme: 'file', pattern: '**/*.h' },
];

/** Whether a document with this language id and path is C source SKLens indexes. */
export function isCDocument(languageId: string, path: string): boolean {
  return languageId === 'c' || (languageId === 'cpp' && path.endsWith('.h'));
}
