// A test double for the tree-sitter extractor, for the worker-pool, cache and update tests: a
// tiny line language whose facts are obvious from the file text, and a `spin MS` line that
// busy-waits (a stand-in for a pathological parse) so cancellation can be tested.
//   fn NAME        a function definition on that line
//   call A B       in function A, a direct call to B
//   ops A S M      in function A, a call through an ops member S.M
//   table S T M F  ops table T of struct S assigning F to .M
//   spin MS        busy-wait MS milliseconds
//   crash          end the worker thread (a stand-in for a parser crash)
import { emptyFacts, type FileFacts, type Span } from '../../../src/index/facts';

const at = (line: number): Span => ({ line, col: 0, endLine: line, endCol: 1 });

export function extractLines(path: string, content: Uint8Array | string): FileFacts {
  const text = typeof content === 'string' ? content : Buffer.from(content).toString('utf8');
  const f = emptyFacts(path);
  text.split('\n').forEach((raw, line) => {
    const [k, a, b, c, d] = raw.trim().split(/\s+/);
    if (k === 'fn' && a) {
      f.functions.push({
        name: a,
        span: at(line),
        nameSpan: at(line),
        isStatic: false,
        isInline: false,
        kind: 'function',
      });
    } else if (k === 'call' && a && b) {
      f.calls.push({ caller: a, callee: b, via: { kind: 'direct' }, span: at(line) });
    } else if (k === 'ops' && a && b && c) {
      f.calls.push({
        caller: a,
        callee: c,
        via: { kind: 'ops', struct: b, member: c },
        span: at(line),
      });
    } else if (k === 'table' && a && b && c && d) {
      f.opsTables.push({
        struct: a,
        name: b,
        span: at(line),
        members: [{ member: c, fn: d, span: at(line) }],
      });
    } else if (k === 'crash') {
      process.exit(3);
    } else if (k === 'spin' && a) {
      const until = Date.now() + Number(a);
      while (Date.now() < until) {
        // busy: a worker stuck in a parse
      }
    }
  });
  return f;
}

export async function createExtractor(): Promise<typeof extractLines> {
  return extractLines;
}
