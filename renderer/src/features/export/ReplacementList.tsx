import { useMemo } from "react";
import type { NameReplacement } from "../../../../shared/redaction/types";
import { Collapsible, usePaged } from "./Paging";
import { fieldLabel, groupBySource, type Lookup, type SourceGroup, splitContext } from "./reviewModel";

/** Groups open at first when there are this many replacements or fewer in all. */
const OPEN_ALL_UP_TO = 200;

function Replacement({ item }: Readonly<{ item: NameReplacement }>) {
  const [before, match, after] = splitContext(item.context, item.text);
  return (
    <li className="export-row" data-testid="export-replacement" data-chat-id={item.chatId ?? undefined}>
      <span className="export-where">{fieldLabel(item)}</span>
      <span className="export-context">
        {before}
        <mark className="export-mark export-mark-name" title={`“${item.text}” becomes {{user}}`}>
          {match || item.text}
        </mark>
        {after}
      </span>
      <span className="export-becomes">→ {"{{user}}"}</span>
    </li>
  );
}

/** Replacements have no id: where they are plus a repeat counter (the same name twice in one context). */
function keyed(items: readonly NameReplacement[]): { key: string; item: NameReplacement }[] {
  const seen = new Map<string, number>();
  return items.map((item) => {
    const base = `${item.field}:${item.messageIndex}:${item.text}:${item.context}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return { key: `${base}:${n}`, item };
  });
}

function GroupRows({ items }: Readonly<{ items: readonly NameReplacement[] }>) {
  const rows = useMemo(() => keyed(items), [items]);
  const { shown, more } = usePaged(rows);
  return (
    <>
      <ul className="export-rows">
        {shown.map(({ key, item }) => (
          <Replacement key={key} item={item} />
        ))}
      </ul>
      {more}
    </>
  );
}

/** Every name replacement in context, per chat, collapsible and paged. */
export function ReplacementList({
  replacements,
  lookup,
}: Readonly<{ replacements: readonly NameReplacement[]; lookup: Lookup }>) {
  const groups = useMemo(() => groupBySource(replacements, lookup), [replacements, lookup]);
  const { shown, more } = usePaged<SourceGroup<NameReplacement>>(groups);
  if (replacements.length === 0)
    return <p className="empty-hint">None of these names appear in the chosen chats.</p>;
  const openAll = replacements.length <= OPEN_ALL_UP_TO;
  return (
    <div data-testid="export-replacements">
      {shown.map((group) => (
        <Collapsible
          key={group.key}
          defaultOpen={openAll}
          testId="export-replacement-group"
          summary={
            <>
              <span className="export-group-title">{group.title}</span>
              <span className="muted"> · {group.subtitle}</span>
              <span className="export-group-count">{group.items.length}</span>
            </>
          }
        >
          {() => <GroupRows items={group.items} />}
        </Collapsible>
      ))}
      {more}
    </div>
  );
}
