// Every buffer model SKLens knows, by id. The CLI (`sklens simulate`), the simulation webview
// and the inline values all look models up here. Add a model by importing it and listing it.
import type { ModelDefinition } from './types';

export const MODELS: readonly ModelDefinition[] = [];

export function findModel(id: string): ModelDefinition | undefined {
  return MODELS.find((m) => m.id === id);
}
