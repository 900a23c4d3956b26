// Conversions from SKLens's core types (Span, FileSpan, OutlineNode, SymbolHit, CallGroup) to
// VS Code objects. Pure functions: the VS Code constructors come in as `vs` (the real `vscode`
// namespace in the extension, a tiny fake in test/unit/adapters.test.ts), and file paths become
// Uris through `toUri`, so nothing here needs a running VS Code.
import type * as vscode from 'vscode';
import type { SymbolHit } from '../index/api';
import type { Span } from '../index/facts';
import {
  viaDetail,
  type CallGroup,
  type FileSpan,
  type FnRef,
  type OutlineNode,
} from './navQueries';

/** The VS Code constructors and enums the adapters use. */
export interface Vs {
  Position: typeof vscode.Position;
  Range: typeof vscode.Range;
  Location: typeof vscode.Location;
  SymbolKind: typeof vscode.SymbolKind;
  DocumentSymbol: typeof vscode.DocumentSymbol;
  SymbolInformation: typeof vscode.SymbolInformation;
  CallHierarchyItem: typeof vscode.CallHierarchyItem;
  CallHierarchyIncomingCall: typeof vscode.CallHierarchyIncomingCall;
  CallHierarchyOutgoingCall: typeof vscode.CallHierarchyOutgoingCall;
}

/** Workspace-relative path ('/' separators) to a Uri. */
export type ToUri = (file: string) => vscode.Uri;

export function toRange(vs: Vs, s: Span): vscode.Range {
  return new vs.Range(s.line, s.col, s.endLine, s.endCol);
}

export function toSpan(r: vscode.Range): Span {
  return {
    line: r.start.line,
    col: r.start.character,
    endLine: r.end.line,
    endCol: r.end.character,
  };
}

export function toLocation(vs: Vs, toUri: ToUri, x: FileSpan): vscode.Location {
  return new vs.Location(toUri(x.file), toRange(vs, x.span));
}

export function symbolKind(
  vs: Vs,
  kind: OutlineNode['kind'] | SymbolHit['kind'],
): vscode.SymbolKind {
  switch (kind) {
    case 'function':
      return vs.SymbolKind.Function;
    case 'struct':
    case 'union':
      return vs.SymbolKind.Struct;
    case 'field':
      return vs.SymbolKind.Field;
    case 'macro':
      return vs.SymbolKind.Constant;
    case 'opsTable':
      return vs.SymbolKind.Object;
  }
}

export function toDocumentSymbol(vs: Vs, n: OutlineNode): vscode.DocumentSymbol {
  const sym = new vs.DocumentSymbol(
    n.name,
    n.detail,
    symbolKind(vs, n.kind),
    toRange(vs, n.span),
    toRange(vs, n.nameSpan),
  );
  sym.children = n.children.map((c) => toDocumentSymbol(vs, c));
  return sym;
}

export function toSymbolInformation(vs: Vs, toUri: ToUri, h: SymbolHit): vscode.SymbolInformation {
  return new vs.SymbolInformation(
    h.name,
    symbolKind(vs, h.kind),
    h.container ?? '',
    toLocation(vs, toUri, h),
  );
}

/**
 * A call hierarchy node. The detail says where the function is and, for an item reached through
 * an indirect edge, how: `via ops:proto.sendmsg`, `via INDIRECT_CALL`.
 */
export function toCallHierarchyItem(
  vs: Vs,
  toUri: ToUri,
  fn: FnRef,
  via = 'direct',
): vscode.CallHierarchyItem {
  const how = viaDetail(via);
  const detail = how ? `${how} · ${fn.detail}` : fn.detail;
  return new vs.CallHierarchyItem(
    vs.SymbolKind.Function,
    fn.name,
    detail,
    toUri(fn.file),
    toRange(vs, fn.span),
    toRange(vs, fn.nameSpan),
  );
}

export function toIncomingCall(
  vs: Vs,
  toUri: ToUri,
  g: CallGroup,
): vscode.CallHierarchyIncomingCall {
  return new vs.CallHierarchyIncomingCall(
    toCallHierarchyItem(vs, toUri, g.fn, g.via),
    g.ranges.map((r) => toRange(vs, r)),
  );
}

export function toOutgoingCall(
  vs: Vs,
  toUri: ToUri,
  g: CallGroup,
): vscode.CallHierarchyOutgoingCall {
  return new vs.CallHierarchyOutgoingCall(
    toCallHierarchyItem(vs, toUri, g.fn, g.via),
    g.ranges.map((r) => toRange(vs, r)),
  );
}
