/**
 * Errors a user can act on. Everything shipline reports on purpose is one of these: the CLI
 * prints `message` (one line) and `hint` (what to do), and exits with `exitCode`. Anything
 * else that escapes is a bug and is reported as such, still without a stack trace unless
 * --verbose.
 */
export class ShiplineError extends Error {
  readonly exitCode: number = 1;
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = "ShiplineError";
  }
}

/** Bad flags or arguments: exit 2, like every well-behaved CLI. */
export class UsageError extends ShiplineError {
  override readonly exitCode: number = 2;
  constructor(message: string, hint?: string) {
    super(message, hint);
    this.name = "UsageError";
  }
}

/** A command whose capability has not landed yet says so instead of pretending (exit 2). */
export class NotAvailableError extends UsageError {
  constructor(what: string) {
    super(`${what} is not available in this build of shipline yet`, "see the README's command table");
    this.name = "NotAvailableError";
  }
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
