import { useState } from "react";
import type { CharacterSummary } from "../../../../shared/domain/card";
import { useAppState } from "../../state/appStore";
import { selectCharacter } from "../../state/libraryActions";
import { VirtualList } from "../../ui/VirtualList";
import { ImportButton } from "../import/ImportButton";
import { ImportStatus } from "../import/ImportStatus";
import { CharacterForm } from "./CharacterForm";
import { CharacterRow } from "./CharacterRow";
import { LibraryToolbar } from "./LibraryToolbar";
import "./characters.css";

/** Height of one character row (px); the windowed list needs it fixed. */
export const CHARACTER_ROW_HEIGHT = 56;

const getKey = (character: CharacterSummary) => character.id;
const onSelect = (id: number) => void selectCharacter(id);

export function CharacterList() {
  const characters = useAppState((s) => s.characters);
  const loaded = useAppState((s) => s.charactersLoaded);
  const selectedId = useAppState((s) => s.selectedCharacterId);
  const query = useAppState((s) => s.libraryQuery);
  const filtered = query.search.trim() !== "" || query.tag !== null;
  const [creating, setCreating] = useState(false);

  return (
    <section className="sidebar-section characters" aria-labelledby="characters-heading">
      <div className="section-header">
        <h2 id="characters-heading">Characters</h2>
        <div className="section-actions">
          <ImportButton />
          <button
            type="button"
            className="btn btn-small btn-primary"
            data-testid="new-character"
            aria-label="New character"
            title="New character"
            onClick={() => setCreating(true)}
          >
            + New
          </button>
        </div>
      </div>
      <ImportStatus />
      <LibraryToolbar />
      <VirtualList
        items={characters}
        rowHeight={CHARACTER_ROW_HEIGHT}
        getKey={getKey}
        className="character-list"
        testId="character-list"
        ariaLabel="Characters"
        resetKey={`${query.search}\u0000${query.tag ?? ""}\u0000${query.sort}`}
        renderItem={(character) => (
          <CharacterRow character={character} selected={character.id === selectedId} onSelect={onSelect} />
        )}
      />
      {loaded && characters.length === 0 && !filtered ? (
        <p className="empty-hint">
          No characters yet. Create one, or import a PIPPA file or a character card (Import, or drop the file
          on the window).
        </p>
      ) : null}
      {loaded && characters.length === 0 && filtered ? (
        <p className="empty-hint">No character matches this search or tag.</p>
      ) : null}
      {creating ? <CharacterForm onClose={() => setCreating(false)} /> : null}
    </section>
  );
}
