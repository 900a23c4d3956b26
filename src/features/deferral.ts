// Whether Go to Definition and Find References yield to a C language server, so results are
// not doubled (sklens.navigation.deferToLanguageServer). Pure: the caller passes the installed
// extension ids and the two settings that switch those servers off. Call hierarchy, symbols and
// field accesses are never deferred: they carry SKLens's indirect (ops table, INDIRECT_CALL)
// edges and field reads/writes, which the language servers do not offer without a build.
import type { DeferMode } from '../config';

export const CLANGD_ID = 'llvm-vs-code-extensions.vscode-clangd';
export const CPPTOOLS_ID = 'ms-vscode.cpptools';

export interface LanguageServerEnv {
  /** Ids of the installed and enabled extensions (vscode.extensions.all). */
  extensionIds: readonly string[];
  /** `C_Cpp.intelliSenseEngine` ('default', 'Tag Parser', 'disabled'). */
  cppIntelliSenseEngine?: string | undefined;
  /** `clangd.enable` (vscode-clangd's switch; absent in older versions = enabled). */
  clangdEnable?: boolean | undefined;
}

export interface Deferral {
  defer: boolean;
  /** Which server SKLens yields to, or why it does not; for the status bar tooltip and log. */
  reason: string;
}

export function decideDeferral(mode: DeferMode, env: LanguageServerEnv): Deferral {
  if (mode === 'never') return { defer: false, reason: 'deferToLanguageServer is "never"' };
  if (mode === 'always') return { defer: true, reason: 'deferToLanguageServer is "always"' };
  const ids = new Set(env.extensionIds.map((i) => i.toLowerCase()));
  if (ids.has(CLANGD_ID) && env.clangdEnable !== false) {
    return { defer: true, reason: 'clangd is installed' };
  }
  if (
    ids.has(CPPTOOLS_ID) &&
    (env.cppIntelliSenseEngine ?? 'default').toLowerCase() !== 'disabled'
  ) {
    return { defer: true, reason: 'the Microsoft C/C++ extension is installed' };
  }
  return { defer: false, reason: 'no C language server is active' };
}
