import { useRef } from "react";
import { useAppState } from "../../state/appStore";
import { loadTemplates, setChatOptions } from "../../state/messageActions";
import { EXAMPLES_MODES, type ExamplesMode } from "../../ui/promptChoices";
import { useDetailsDismiss } from "../../ui/useDetailsDismiss";
import { AdapterPanel } from "../lora/AdapterPanel";
import { Icon } from "./icons";
import "./roleplay.css";

/** The chat's own prompt choices (template, example dialogues, LoRA adapters); "Default" follows the settings. */
export function ChatOptionsMenu({ chatId }: Readonly<{ chatId: number }>) {
  const ref = useRef<HTMLDetailsElement>(null);
  useDetailsDismiss(ref);
  const options = useAppState((s) => (s.chatView?.chat.id === chatId ? s.chatView.options : null));
  const templates = useAppState((s) => s.templates);
  const globalLora = useAppState((s) => s.settings?.loraAdapters);
  const templateId = options?.templateId ?? "";
  const examplesMode = options?.examplesMode ?? "";
  // A stored template the list does not know (yet) still shows as itself.
  const knownTemplate = templateId === "" || templates?.some((t) => t.id === templateId);

  return (
    <details
      className="popover"
      ref={ref}
      onToggle={(event) => {
        if (event.currentTarget.open) void loadTemplates();
      }}
    >
      <summary
        className="icon-button"
        data-testid="chat-options"
        aria-label="Chat settings"
        title="Chat settings"
      >
        <Icon name="sliders" size={18} />
      </summary>
      <div className="popover-panel form" data-testid="chat-options-panel">
        <h3 className="popover-title">This chat</h3>
        <label className="field">
          <span className="field-label">Prompt template</span>
          <select
            data-testid="template-select"
            value={templateId}
            onChange={(event) => void setChatOptions(chatId, { templateId: event.target.value || null })}
          >
            <option value="">Default (from Settings)</option>
            {knownTemplate ? null : <option value={templateId}>{templateId}</option>}
            {(templates ?? []).map((t) => (
              <option key={t.id} value={t.id}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Example dialogues</span>
          <select
            data-testid="examples-mode-select"
            value={examplesMode}
            onChange={(event) =>
              void setChatOptions(chatId, {
                examplesMode: (event.target.value || null) as ExamplesMode | null,
              })
            }
          >
            <option value="">Default (from Settings)</option>
            {EXAMPLES_MODES.map((m) => (
              <option key={m.value} value={m.value}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="field adapter-fieldset" data-testid="chat-lora">
          <legend className="field-label">LoRA adapters</legend>
          <label className="adapter-default">
            <input
              type="checkbox"
              checked={options?.lora === undefined}
              onChange={(event) =>
                void setChatOptions(chatId, {
                  lora: event.target.checked ? null : (globalLora ?? []),
                })
              }
              data-testid="chat-lora-default"
            />
            Default (from Settings)
          </label>
          {options && options.lora !== undefined ? (
            <AdapterPanel
              value={options.lora}
              onChange={(lora) => void setChatOptions(chatId, { lora })}
              testId="chat-adapters"
            />
          ) : null}
        </fieldset>
      </div>
    </details>
  );
}
