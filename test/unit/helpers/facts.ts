// Builders for hand-written FileFacts, to test the navigation logic over the real in-memory
// CodeIndex without the parser.
import { emptyFacts, type FileFacts, type FunctionDef, type Span } from '../../../src/index/facts';

export function span(line: number, col: number, endLine = line, endCol = col + 1): Span {
  return { line, col, endLine, endCol };
}

export function fn(
  name: string,
  line: number,
  endLine: number,
  opts: Partial<FunctionDef> = {},
): FunctionDef {
  return {
    name,
    span: span(line, 0, endLine, 1),
    nameSpan: span(line, 4, line, 4 + name.length),
    isStatic: false,
    isInline: false,
    kind: 'function',
    ...opts,
  };
}

export function facts(path: string, parts: Partial<FileFacts>): FileFacts {
  return { ...emptyFacts(path), ...parts };
}
