import { type ReactNode, useState } from "react";
import type { CardData, CharacterBook } from "../../../../shared/domain/card";

/** Longer texts are clamped to this many characters until "Show all". */
const CLAMP_CHARS = 1_200;
const BOOK_ENTRIES_SHOWN = 30;

function LongText({ text, mono = false }: Readonly<{ text: string; mono?: boolean }>) {
  const [open, setOpen] = useState(false);
  if (text.trim() === "") return <p className="field-empty">Empty</p>;
  const long = text.length > CLAMP_CHARS;
  return (
    <>
      <p className={mono ? "field-text mono" : "field-text"}>
        {long && !open ? `${text.slice(0, CLAMP_CHARS)}…` : text}
      </p>
      {long ? (
        <button type="button" className="link-button" onClick={() => setOpen(!open)}>
          {open ? "Show less" : `Show all (${text.length.toLocaleString()} characters)`}
        </button>
      ) : null}
    </>
  );
}

function Field({
  name,
  label,
  hint,
  children,
}: Readonly<{ name: string; label: string; hint?: string; children: ReactNode }>) {
  return (
    <section className="card-field" data-testid={`card-field-${name}`}>
      <h3>
        {label}
        {hint ? <span className="card-field-hint"> · {hint}</span> : null}
      </h3>
      {children}
    </section>
  );
}

function BookSummary({ book }: Readonly<{ book: CharacterBook | undefined }>) {
  const [all, setAll] = useState(false);
  if (!book) return <p className="field-empty">None</p>;
  const entries = Array.isArray(book.entries) ? book.entries : [];
  const shown = all ? entries : entries.slice(0, BOOK_ENTRIES_SHOWN);
  const name = typeof book.name === "string" && book.name ? book.name : "Unnamed book";
  const enabled = entries.filter((e) => e.enabled !== false).length;
  return (
    <>
      <p className="muted">
        {name} · {entries.length} {entries.length === 1 ? "entry" : "entries"} ({enabled} enabled)
      </p>
      {entries.length > 0 ? (
        <ul className="book-entries">
          {shown.map((entry, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: entries may lack ids
            <li key={index} className={entry.enabled === false ? "disabled" : undefined}>
              <span className="book-keys">
                {(Array.isArray(entry.keys) ? entry.keys : []).join(", ") || "(no keys)"}
              </span>
              <span className="book-content">{String(entry.content ?? "").slice(0, 160)}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {entries.length > BOOK_ENTRIES_SHOWN ? (
        <button type="button" className="link-button" onClick={() => setAll(!all)}>
          {all ? "Show fewer" : `Show all ${entries.length} entries`}
        </button>
      ) : null}
    </>
  );
}

const text = (value: unknown): string => (typeof value === "string" ? value : "");

/** Every field of a card, read-only, in the order a reader needs them (what the model sees first). */
export function CardFields({ data }: Readonly<{ data: CardData }>) {
  const greetings = Array.isArray(data.alternate_greetings) ? data.alternate_greetings : [];
  const extensions = JSON.stringify(data.extensions ?? {}, null, 2);
  return (
    <div className="card-fields">
      <Field name="description" label="Description" hint="sent to the model">
        <LongText text={text(data.description)} />
      </Field>
      <Field name="personality" label="Personality" hint="sent to the model">
        <LongText text={text(data.personality)} />
      </Field>
      <Field name="scenario" label="Scenario" hint="sent to the model">
        <LongText text={text(data.scenario)} />
      </Field>
      <Field name="first_mes" label="Greeting" hint="first message of every chat">
        <LongText text={text(data.first_mes)} />
      </Field>
      <Field name="alternate_greetings" label={`Alternate greetings (${greetings.length})`}>
        {greetings.length === 0 ? (
          <p className="field-empty">None</p>
        ) : (
          <ol className="greeting-list">
            {greetings.map((greeting, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: greetings have no identity but their position
              <li key={index}>
                <LongText text={text(greeting)} />
              </li>
            ))}
          </ol>
        )}
      </Field>
      <Field name="mes_example" label="Example dialogue" hint="sent to the model">
        <LongText text={text(data.mes_example)} mono />
      </Field>
      <Field name="system_prompt" label="System prompt">
        <LongText text={text(data.system_prompt)} />
      </Field>
      <Field name="post_history_instructions" label="Post-history instructions">
        <LongText text={text(data.post_history_instructions)} />
      </Field>
      <div className="card-field-row">
        <Field name="creator" label="Creator">
          <LongText text={text(data.creator)} />
        </Field>
        <Field name="character_version" label="Version">
          <LongText text={text(data.character_version)} />
        </Field>
      </div>
      <Field name="character_book" label="Character book">
        <BookSummary book={data.character_book} />
      </Field>
      <Field name="extensions" label="Extensions">
        {extensions === "{}" ? (
          <p className="field-empty">None</p>
        ) : (
          <details className="json-details" open={extensions.length < 2_000}>
            <summary>Show JSON ({extensions.length.toLocaleString()} characters)</summary>
            <pre className="json-block">{extensions}</pre>
          </details>
        )}
      </Field>
    </div>
  );
}
