import { useMemo } from "react";
import type { FlaggedSpan, PersonalDataKind } from "../../../../shared/redaction/types";
import { Collapsible, usePaged } from "./Paging";
import {
  fieldLabel,
  groupBySource,
  KIND_LABEL,
  type Lookup,
  type SourceGroup,
  splitContext,
} from "./reviewModel";

const OPEN_ALL_UP_TO = 200;

interface FlagRowProps {
  flag: FlaggedSpan;
  accepted: boolean;
  onChoose: (id: string, accept: boolean) => void;
}

function FlagRow({ flag, accepted, onChoose }: Readonly<FlagRowProps>) {
  const [before, match, after] = splitContext(flag.context, flag.text);
  const label = `${KIND_LABEL[flag.kind]} “${flag.text}”, ${fieldLabel(flag)}`;
  return (
    <li
      className={`export-row export-flag ${accepted ? "is-accepted" : "is-kept"}`}
      data-testid="export-flag"
      data-kind={flag.kind}
      data-flag-id={flag.id}
      data-accepted={accepted}
    >
      <span className={`export-kind kind-${flag.kind}`}>{KIND_LABEL[flag.kind]}</span>
      <span className="export-where">{fieldLabel(flag)}</span>
      <span className="export-context">
        {before}
        <mark className="export-mark">{match || flag.text}</mark>
        {after}
      </span>
      <div className="export-toggle" role="radiogroup" aria-label={label}>
        <label>
          <input
            type="radio"
            className="export-box"
            name={`flag-${flag.id}`}
            data-testid="export-flag-accept"
            checked={accepted}
            onChange={() => onChoose(flag.id, true)}
          />
          Redact → {flag.replacement}
        </label>
        <label>
          <input
            type="radio"
            className="export-box"
            name={`flag-${flag.id}`}
            data-testid="export-flag-reject"
            checked={!accepted}
            onChange={() => onChoose(flag.id, false)}
          />
          Keep
        </label>
      </div>
    </li>
  );
}

function GroupRows({
  items,
  rejected,
  onChoose,
}: Readonly<{
  items: readonly FlaggedSpan[];
  rejected: ReadonlySet<string>;
  onChoose: FlagRowProps["onChoose"];
}>) {
  const { shown, more } = usePaged(items);
  return (
    <>
      <ul className="export-rows">
        {shown.map((flag) => (
          <FlagRow key={flag.id} flag={flag} accepted={!rejected.has(flag.id)} onChoose={onChoose} />
        ))}
      </ul>
      {more}
    </>
  );
}

/** "3 e-mails, 1 phone": how many of each kind were flagged. */
export function kindSummary(flagged: readonly FlaggedSpan[]): string {
  const counts = new Map<PersonalDataKind, number>();
  for (const flag of flagged) counts.set(flag.kind, (counts.get(flag.kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => `${n} × ${KIND_LABEL[kind]}`).join(", ");
}

/** Every flagged span in context with a Redact / Keep choice, per chat, plus accept all / reject all. */
export function FlagList({
  flagged,
  rejected,
  lookup,
  onChoose,
  onAll,
}: Readonly<{
  flagged: readonly FlaggedSpan[];
  rejected: ReadonlySet<string>;
  lookup: Lookup;
  onChoose: FlagRowProps["onChoose"];
  onAll: (accept: boolean) => void;
}>) {
  const groups = useMemo(() => groupBySource(flagged, lookup), [flagged, lookup]);
  const { shown, more } = usePaged<SourceGroup<FlaggedSpan>>(groups);
  if (flagged.length === 0)
    return <p className="empty-hint">Nothing in the chosen chats looks like personal data.</p>;
  const kept = flagged.filter((f) => rejected.has(f.id)).length;
  const openAll = flagged.length <= OPEN_ALL_UP_TO;
  return (
    <div data-testid="export-flags">
      <div className="export-flag-bar">
        <span data-testid="export-flag-tally">
          {flagged.length - kept} to redact, {kept} to keep ({kindSummary(flagged)})
        </span>
        <button
          type="button"
          className="btn btn-small"
          data-testid="export-accept-all"
          onClick={() => onAll(true)}
        >
          Redact all
        </button>
        <button
          type="button"
          className="btn btn-small"
          data-testid="export-reject-all"
          onClick={() => onAll(false)}
        >
          Keep all
        </button>
      </div>
      {shown.map((group) => {
        const groupKept = group.items.filter((f) => rejected.has(f.id)).length;
        return (
          <Collapsible
            key={group.key}
            defaultOpen={openAll}
            testId="export-flag-group"
            summary={
              <>
                <span className="export-group-title">{group.title}</span>
                <span className="muted"> · {group.subtitle}</span>
                <span className="export-group-count">
                  {group.items.length}
                  {groupKept > 0 ? `, ${groupKept} kept` : ""}
                </span>
              </>
            }
          >
            {() => <GroupRows items={group.items} rejected={rejected} onChoose={onChoose} />}
          </Collapsible>
        );
      })}
      {more}
    </div>
  );
}
