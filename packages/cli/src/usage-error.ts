/** A mistake in the command line itself (exit status 2). */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
