// Every buffer model SKLens knows, by id. The CLI (`sklens simulate`), the simulation webview,
// the CodeLens and the inline values all look models up here. A model's file declares
// everything about it (parameters, scenarios, code anchors, view hooks); add one by writing
// that file, its docs/models.md section and a test, then importing and listing it here.
import { passtThroughputModel } from './passtThroughput';
import { passtWindowModel } from './passtWindowModel';
import { receiveModel } from './receiveModel';
import { sendPathModel } from './sendPath';
import { sockoptModel } from './sockopt';
import { spliceModel } from './splice';
import { tcpMemModel } from './tcpMem';
import { tsqModel } from './tsq';
import type { ModelDefinition } from './types';

export const MODELS: readonly ModelDefinition[] = [
  sockoptModel,
  sendPathModel,
  passtWindowModel,
  passtThroughputModel,
  tsqModel,
  spliceModel,
  receiveModel,
  tcpMemModel,
];

export function findModel(id: string): ModelDefinition | undefined {
  return MODELS.find((m) => m.id === id);
}
