import { useState } from "react";
import { useAppState } from "../../state/appStore";
import { selectCharacter } from "../../state/libraryActions";
import { Avatar } from "../../ui/Avatar";
import { CharacterForm } from "./CharacterForm";
import "./characters.css";

export function CharacterList() {
  const characters = useAppState((s) => s.characters);
  const loaded = useAppState((s) => s.charactersLoaded);
  const selectedId = useAppState((s) => s.selectedCharacterId);
  const [creating, setCreating] = useState(false);
  const [filter, setFilter] = useState("");

  const needle = filter.trim().toLowerCase();
  const visible = needle
    ? characters.filter(
        (c) => c.name.toLowerCase().includes(needle) || c.tags.some((t) => t.toLowerCase().includes(needle)),
      )
    : characters;

  return (
    <section className="sidebar-section characters" aria-labelledby="characters-heading">
      <div className="section-header">
        <h2 id="characters-heading">Characters</h2>
        <button
          type="button"
          className="btn btn-small btn-primary"
          data-testid="new-character"
          onClick={() => setCreating(true)}
        >
          + New character
        </button>
      </div>
      {characters.length > 5 ? (
        <label className="search-field">
          <span className="visually-hidden">Filter characters</span>
          <input
            type="search"
            placeholder="Filter by name or tag"
            value={filter}
            onChange={(event) => setFilter(event.target.value)}
          />
        </label>
      ) : null}
      <ul className="character-list" data-testid="character-list" aria-label="Characters">
        {visible.map((character) => (
          <li key={character.id}>
            <button
              type="button"
              className="character-item"
              data-testid="character-item"
              aria-current={character.id === selectedId ? "true" : undefined}
              onClick={() => void selectCharacter(character.id)}
            >
              <Avatar name={character.name} />
              <span className="character-item-text">
                <span className="character-name">{character.name}</span>
                {character.tags.length > 0 ? (
                  <span className="character-tags">
                    {character.tags.slice(0, 3).map((tag) => (
                      <span key={tag} className="tag">
                        {tag}
                      </span>
                    ))}
                  </span>
                ) : (
                  <span className="character-blurb">{character.description.slice(0, 80)}</span>
                )}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {loaded && characters.length === 0 ? (
        <p className="empty-hint">No characters yet. Create one to start a role-play.</p>
      ) : null}
      {loaded && characters.length > 0 && visible.length === 0 ? (
        <p className="empty-hint">No character matches “{filter}”.</p>
      ) : null}
      {creating ? <CharacterForm onClose={() => setCreating(false)} /> : null}
    </section>
  );
}
