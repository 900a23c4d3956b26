// The shape of one `sklens` sub-command. Commands print to the given streams and return an
// exit code; they never call process.exit, so tests can run them in-process.

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Current directory, for resolving relative roots. */
  cwd: string;
}

export interface CliCommand {
  name: string;
  usage: string;
  summary: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

/** A user error: printed as one line on stderr, exit code 2 (no stack trace). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A failure the user can act on (printed as one line, exit code 1), not a bug (a stack). */
export class CliFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliFailure';
  }
}

/**
 * A whole number written in decimal digits only, with a leading minus where `min` allows:
 * Number() would also take `0x2`, `1e1`, `0b1`, ` 2 ` and the empty string.
 */
export function parseDecimalInt(option: string, text: string, min: number, max: number): number {
  const ok = min < 0 ? /^-?[0-9]+$/ : /^[0-9]+$/;
  const n = ok.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new UsageError(`${option} must be a whole number from ${min} to ${max}, not '${text}'`);
  return n;
}
