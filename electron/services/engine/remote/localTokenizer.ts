/**
 * Exact token counts for a server without a tokenizer: the vocabulary of a local GGUF of the same
 * model, loaded vocab-only (no weights, a few MB of memory), counting synchronously.
 */
import { getLlama, LlamaLogLevel, type LlamaModel } from "node-llama-cpp";
import { MasqueError } from "../../../../shared/errors";

export interface LocalTokenizer {
  count(text: string, addSpecial: boolean): number;
  dispose(): Promise<void>;
}

export async function loadLocalTokenizer(path: string): Promise<LocalTokenizer> {
  let model: LlamaModel;
  try {
    const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
    model = await llama.loadModel({ modelPath: path, vocabOnly: true });
  } catch (error) {
    throw new MasqueError(
      "MODEL_INVALID",
      `The tokenizer model ${path} cannot be read: ${(error as Error).message}`,
    );
  }
  const bos = model.tokens.shouldPrependBosToken && model.tokens.bos !== null ? 1 : 0;
  return {
    // As a server tokenizes the raw prompt: llama.cpp's tokenizer over the whole text (control-token
    // text parsed, the vocabulary's space prefix applied), BOS added by the server.
    count: (text, addSpecial) => model.tokenize(text, true).length + (addSpecial ? bos : 0),
    dispose: () => model.dispose(),
  };
}
