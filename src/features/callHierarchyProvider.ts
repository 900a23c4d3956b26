// Call Hierarchy, incoming and outgoing, over the whole-tree call graph: direct calls,
// INDIRECT_CALL_n candidates and ops-table calls (`sk->sk_prot->sendmsg` -> tcp_sendmsg). An
// item reached through an indirect edge says so in its detail ("via ops:proto.sendmsg",
// "via INDIRECT_CALL"). Never deferred to a language server: these edges are SKLens's own.
import * as vscode from 'vscode';
import type { SklensContext } from '../context';
import type { IndexService } from '../services/indexService';
import { toCallHierarchyItem, toIncomingCall, toOutgoingCall } from './adapters';
import {
  incomingCalls,
  outgoingCalls,
  prepareCallHierarchy,
  resolveFnRef,
  wordAt,
} from './navQueries';
import { C_SELECTOR } from '../services/selector';
import { sayIfNotReady } from './notReady';

export class SklensCallHierarchyProvider implements vscode.CallHierarchyProvider {
  constructor(
    private readonly ctx: SklensContext,
    private readonly service: IndexService,
  ) {}

  async prepareCallHierarchy(
    doc: vscode.TextDocument,
    pos: vscode.Position,
  ): Promise<vscode.CallHierarchyItem[] | undefined> {
    await this.service.fresh(doc);
    return this.ctx.timer.run('query', 'call hierarchy prepare', () => {
      const r = this.service.resolve(doc.uri);
      if (!r) {
        sayIfNotReady(this.service, doc.uri);
        return undefined;
      }
      const w = wordAt(doc.lineAt(pos.line).text, pos.character);
      const at = { file: r.file, line: pos.line, col: pos.character };
      return prepareCallHierarchy(r.index, at, w).map((f) =>
        toCallHierarchyItem(vscode, r.toUri, f),
      );
    });
  }

  provideCallHierarchyIncomingCalls(
    item: vscode.CallHierarchyItem,
  ): vscode.CallHierarchyIncomingCall[] | undefined {
    return this.ctx.timer.run('query', 'incoming calls', () => {
      const r = this.service.resolve(item.uri);
      const fn = r && resolveFnRef(r.index, item.name, r.file, item.range.start.line);
      if (!r || !fn) return undefined;
      return incomingCalls(r.index, fn).map((g) => toIncomingCall(vscode, r.toUri, g));
    });
  }

  provideCallHierarchyOutgoingCalls(
    item: vscode.CallHierarchyItem,
  ): vscode.CallHierarchyOutgoingCall[] | undefined {
    return this.ctx.timer.run('query', 'outgoing calls', () => {
      const r = this.service.resolve(item.uri);
      const fn = r && resolveFnRef(r.index, item.name, r.file, item.range.start.line);
      if (!r || !fn) return undefined;
      return outgoingCalls(r.index, fn).map((g) => toOutgoingCall(vscode, r.toUri, g));
    });
  }
}

export function registerCallHierarchyProvider(ctx: SklensContext, service: IndexService): void {
  ctx.own(
    vscode.languages.registerCallHierarchyProvider(
      C_SELECTOR,
      new SklensCallHierarchyProvider(ctx, service),
    ),
  );
}
