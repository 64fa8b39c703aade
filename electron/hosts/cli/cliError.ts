import { MasqueError } from "../../../shared/errors";

/** A usage mistake on the command line: exit code 1, like any other bad input. */
export function usageError(message: string): MasqueError {
  return new MasqueError("INVALID_INPUT", `${message}\nRun \`masque help\` for usage.`);
}
