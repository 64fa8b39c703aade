import type { z } from "zod";
import { MasqueError } from "../errors";
import { type Method, type ParsedRequestOf, REQUEST_SCHEMAS } from "./contract";

/** Formats zod issues as `field: reason; field: reason` so the caller knows what to fix. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join(".") : "input";
      return `${where}: ${issue.message}`;
    })
    .join("; ");
}

/**
 * Validates a request at the boundary; throws INVALID_INPUT naming every bad field. A missing input
 * (an IPC call without an argument, an empty HTTP body) means `{}`; an explicit `null` is refused,
 * since it is almost always a bug in the caller rather than "no fields".
 */
export function parseRequest<M extends Method>(method: M, input: unknown): ParsedRequestOf<M> {
  if (input === null) {
    throw new MasqueError(
      "INVALID_INPUT",
      `${method}: the request is null; send an object (\`{}\` when the method takes no fields)`,
    );
  }
  const schema = REQUEST_SCHEMAS[method] as unknown as z.ZodType<ParsedRequestOf<M>>;
  const result = schema.safeParse(input ?? {});
  if (!result.success) {
    throw new MasqueError("INVALID_INPUT", `${method}: ${describeIssues(result.error.issues)}`);
  }
  return result.data;
}
