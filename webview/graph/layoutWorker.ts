// The graph panel's layout Worker: receives {id, graph}, answers {id, layout} or {id, error}.
// elk.bundled.js installs its own `self.onmessage` when it finds itself in a worker; ours is
// assigned after the import runs, so it replaces that one.
import type { CallGraph } from '../../src/graph/callGraph';
import { layoutGraph } from './layout';

declare const self: {
  onmessage: ((e: { data: { id: number; graph: CallGraph } }) => void) | null;
  postMessage(m: unknown): void;
};

self.onmessage = (e) => {
  const { id, graph } = e.data;
  layoutGraph(graph).then(
    (layout) => self.postMessage({ id, layout }),
    (err: unknown) =>
      self.postMessage({ id, error: err instanceof Error ? err.message : String(err) }),
  );
};
