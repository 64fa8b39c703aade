/** Labels for the prompt choices shared by the settings panel and the chat options. */
import type { ChatOptions } from "../../../shared/domain/chat";

export type ExamplesMode = NonNullable<ChatOptions["examplesMode"]>;

export const EXAMPLES_MODES: readonly { value: ExamplesMode; label: string }[] = [
  { value: "push", label: "Push out as the chat grows" },
  { value: "keep", label: "Always keep" },
  { value: "strip", label: "Never send" },
];
