import { useEffect, useState } from "react";
import type { CharacterSort } from "../../../../shared/domain/library";
import { useAppState } from "../../state/appStore";
import { setLibraryQuery } from "../../state/libraryActions";

/** How long the search box waits after the last keystroke before it asks the core. */
export const SEARCH_DEBOUNCE_MS = 150;

const SORTS: { value: CharacterSort; label: string }[] = [
  { value: "name", label: "Name" },
  { value: "recent", label: "Recently chatted" },
  { value: "imported", label: "Recently added" },
];

const count = new Intl.NumberFormat();

/** Search (full text over name, description and tags), tag filter with counts, sort, and the result count. */
export function LibraryToolbar() {
  const query = useAppState((s) => s.libraryQuery);
  const tags = useAppState((s) => s.tags);
  const shown = useAppState((s) => s.characters.length);
  const loaded = useAppState((s) => s.charactersLoaded);
  const [search, setSearch] = useState(query.search);

  useEffect(() => {
    if (search === query.search) return;
    const timer = setTimeout(() => setLibraryQuery({ search }), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [search, query.search]);

  const filtered = query.search.trim() !== "" || query.tag !== null;
  const noun = shown === 1 ? "character" : "characters";

  return (
    <div className="library-toolbar">
      <label className="search-field">
        <span className="visually-hidden">Search characters</span>
        <input
          type="search"
          data-testid="library-search"
          placeholder="Search name, description, tags"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === "Escape" && search !== "") {
              event.preventDefault();
              setSearch("");
            }
          }}
          maxLength={200}
          autoComplete="off"
        />
      </label>
      <div className="library-filters">
        <label className="library-select">
          <span className="visually-hidden">Filter by tag</span>
          <select
            data-testid="tag-filter"
            value={query.tag ?? ""}
            onChange={(event) => setLibraryQuery({ tag: event.target.value || null })}
          >
            <option value="">All tags</option>
            {query.tag !== null && !tags.some((t) => t.tag === query.tag) ? (
              <option value={query.tag}>{query.tag}</option>
            ) : null}
            {tags.map((t) => (
              <option key={t.tag} value={t.tag}>
                {t.tag} ({count.format(t.count)})
              </option>
            ))}
          </select>
        </label>
        <label className="library-select">
          <span className="visually-hidden">Sort by</span>
          <select
            data-testid="sort-select"
            value={query.sort}
            onChange={(event) => setLibraryQuery({ sort: event.target.value as CharacterSort })}
          >
            {SORTS.map((sort) => (
              <option key={sort.value} value={sort.value}>
                {sort.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="library-count" data-testid="library-count" data-count={shown} aria-live="polite">
        {loaded ? `${count.format(shown)} ${filtered ? `matching ${noun}` : noun}` : "Loading…"}
      </p>
    </div>
  );
}
