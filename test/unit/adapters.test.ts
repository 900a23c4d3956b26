// The core-to-VS Code conversions, with a tiny fake of the VS Code constructors.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type * as vscode from 'vscode';
import {
  toCallHierarchyItem,
  toDocumentSymbol,
  toIncomingCall,
  toLocation,
  toOutgoingCall,
  toRange,
  toSpan,
  toSymbolInformation,
  type Vs,
} from '../../src/features/adapters';
import type { FnRef } from '../../src/features/navQueries';
import { span } from './helpers/facts';

class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
}
class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(a: number, b: number, c: number, d: number) {
    this.start = new Position(a, b);
    this.end = new Position(c, d);
  }
}
class Location {
  constructor(
    readonly uri: unknown,
    readonly range: Range,
  ) {}
}
class DocumentSymbol {
  children: DocumentSymbol[] = [];
  constructor(
    readonly name: string,
    readonly detail: string,
    readonly kind: number,
    readonly range: Range,
    readonly selectionRange: Range,
  ) {}
}
class SymbolInformation {
  constructor(
    readonly name: string,
    readonly kind: number,
    readonly containerName: string,
    readonly location: Location,
  ) {}
}
class CallHierarchyItem {
  constructor(
    readonly kind: number,
    readonly name: string,
    readonly detail: string,
    readonly uri: unknown,
    readonly range: Range,
    readonly selectionRange: Range,
  ) {}
}
class Call {
  constructor(
    readonly item: CallHierarchyItem,
    readonly fromRanges: Range[],
  ) {}
}
const SymbolKind = { Function: 11, Struct: 22, Field: 7, Constant: 13, Object: 18 };

const vs = {
  Position,
  Range,
  Location,
  DocumentSymbol,
  SymbolInformation,
  CallHierarchyItem,
  CallHierarchyIncomingCall: Call,
  CallHierarchyOutgoingCall: Call,
  SymbolKind,
} as unknown as Vs;

const toUri = (file: string) => ({ path: `/ws/${file}` }) as unknown as vscode.Uri;

const tcpSendmsg: FnRef = {
  name: 'tcp_sendmsg',
  file: 'net/ipv4/tcp.c',
  span: span(40, 0, 50, 1),
  nameSpan: span(40, 4, 40, 15),
  detail: 'net/ipv4/tcp.c',
  defined: true,
  isStatic: false,
};

test('spans become ranges and back without shifting lines or columns', () => {
  const s = span(3, 7, 5, 2);
  const r = toRange(vs, s);
  assert.deepEqual([r.start.line, r.start.character, r.end.line, r.end.character], [3, 7, 5, 2]);
  assert.deepEqual(toSpan(r), s);
  const loc = toLocation(vs, toUri, { file: 'include/net/sock.h', span: s }) as unknown as Location;
  assert.deepEqual(loc.uri, { path: '/ws/include/net/sock.h' });
});

test('outline nodes become nested document symbols with kinds', () => {
  const sym = toDocumentSymbol(vs, {
    name: 'sock',
    kind: 'struct',
    detail: 'struct, 1 field',
    span: span(100, 0, 110, 2),
    nameSpan: span(100, 7, 100, 11),
    children: [
      {
        name: 'sk_sndbuf',
        kind: 'field',
        detail: 'int',
        span: span(103, 5),
        nameSpan: span(103, 5),
        children: [],
      },
    ],
  }) as unknown as DocumentSymbol;
  assert.equal(sym.kind, SymbolKind.Struct);
  assert.equal(sym.selectionRange.start.character, 7);
  assert.deepEqual(
    sym.children.map((c) => [c.name, c.kind, c.detail]),
    [['sk_sndbuf', SymbolKind.Field, 'int']],
  );
});

test('workspace symbols carry their container', () => {
  const si = toSymbolInformation(vs, toUri, {
    name: 'sk_sndbuf',
    kind: 'field',
    file: 'include/net/sock.h',
    span: span(103, 5),
    container: 'sock',
  }) as unknown as SymbolInformation;
  assert.equal(si.containerName, 'sock');
  assert.equal(si.kind, SymbolKind.Field);
});

test('call hierarchy items mark indirect edges in their detail', () => {
  const direct = toCallHierarchyItem(vs, toUri, tcpSendmsg) as unknown as CallHierarchyItem;
  assert.equal(direct.detail, 'net/ipv4/tcp.c');
  const inc = toIncomingCall(vs, toUri, {
    fn: tcpSendmsg,
    via: 'ops:proto.sendmsg',
    ranges: [span(9, 9, 9, 30)],
  }) as unknown as Call;
  assert.equal(inc.item.detail, 'via ops:proto.sendmsg · net/ipv4/tcp.c');
  assert.equal(inc.fromRanges[0]!.start.line, 9);
  const out = toOutgoingCall(vs, toUri, {
    fn: tcpSendmsg,
    via: 'INDIRECT_CALL',
    ranges: [],
  }) as unknown as Call;
  assert.match(out.item.detail, /^via INDIRECT_CALL/);
  assert.equal(out.item.selectionRange.start.character, 4);
});
