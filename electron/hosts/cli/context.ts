import type { Method, RequestOf, ResponseOf } from "../../../shared/api/contract";
import { fromApiError } from "../../../shared/errors";
import type { Core } from "../../services/coreTypes";

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export interface CliContext extends Output {
  core: Core;
  /** Calls the core through the same dispatcher as every host; failures throw a MasqueError. */
  call<M extends Method>(method: M, input: RequestOf<M>): Promise<ResponseOf<M>>;
}

export function createCliContext(core: Core, output: Output): CliContext {
  return {
    ...output,
    core,
    async call(method, input) {
      const result = await core.dispatch(method, input);
      if (!result.ok) throw fromApiError(result.error);
      return result.value as ResponseOf<typeof method>;
    },
  };
}
