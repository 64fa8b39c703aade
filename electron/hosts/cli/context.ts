import type { Method, RequestOf, ResponseOf } from "../../../shared/api/contract";
import { unwrapEnvelope } from "../../../shared/api/envelope";
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
      return unwrapEnvelope(await core.dispatch(method, input), method) as ResponseOf<typeof method>;
    },
  };
}
