// The store's symbol-search worker (dist/storeSearchWorker.js): opens the store the host
// answers from, read-only, and runs LayeredIndex.searchSymbols over it with the host's dead
// files skipped. The host adds its overlay's hits (src/index/store/searchClient.ts).
import { parentPort } from 'node:worker_threads';
import { LayeredIndex } from '../layeredIndex';
import { StoreReader } from './reader';
import type { SearchRequest, SearchResponse } from './searchProtocol';

let open: { file: string; storeId: string; layered: LayeredIndex } | undefined;

function layeredFor(r: SearchRequest): LayeredIndex {
  if (open && open.file === r.file && open.storeId === r.storeId) return open.layered;
  open?.layered.close();
  open = undefined;
  const store = StoreReader.open(r.file, { root: r.root, fingerprint: r.fingerprint });
  if (store.id !== r.storeId) {
    store.close();
    throw new Error('the index store was rewritten since the host opened it');
  }
  open = { file: r.file, storeId: r.storeId, layered: new LayeredIndex(store) };
  return open.layered;
}

parentPort?.on('message', (r: SearchRequest) => {
  let res: SearchResponse;
  try {
    const layered = layeredFor(r);
    layered.setGone(r.dead);
    res = { id: r.id, hits: layered.searchSymbols(r.query, r.limit) };
  } catch (e) {
    res = { id: r.id, error: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(res);
});
