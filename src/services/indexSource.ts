// What features and panels see of the workspace index: one shape for "the index covering this
// document", implemented by IndexService (indexService.ts).
import type * as vscode from 'vscode';
import type { CodeIndex } from '../index/api';
import type { IndexState } from './indexState';

/** An indexed folder: its index, a document's path in it, and the way back to a Uri. */
export interface IndexedFolder {
  index: CodeIndex;
  /** The document's path relative to the folder root ('/' separators); '' for a whole folder. */
  file: string;
  toUri: (file: string) => vscode.Uri;
}

/** Where features and panels get indexes. */
export interface IndexSource {
  /** The folder and path of a document, if it is in a folder whose index is ready. */
  resolve(uri: vscode.Uri): IndexedFolder | undefined;
  /** Every ready folder's index. */
  all(): IndexedFolder[];
  /** Makes the document's facts current before a query (sends its pending reparse and waits). */
  fresh(doc: vscode.TextDocument): Promise<void>;
  /** Per-folder index states; a folder still starting or indexing shows "building". */
  states(): { folder: string; state: IndexState }[];
}
