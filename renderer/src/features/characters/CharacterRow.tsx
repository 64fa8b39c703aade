import { memo } from "react";
import type { CharacterSummary } from "../../../../shared/domain/card";
import { Avatar } from "../../ui/Avatar";
import { useAvatarUrl } from "./useAvatarUrl";

/** One row of the character list; fixed height (the list is windowed). */
export const CharacterRow = memo(function CharacterRow({
  character,
  selected,
  onSelect,
}: Readonly<{ character: CharacterSummary; selected: boolean; onSelect: (id: number) => void }>) {
  const avatar = useAvatarUrl(character.id, character.hasAvatar, character.updatedAt);
  return (
    <button
      type="button"
      className="character-item"
      data-testid="character-item"
      data-character-id={character.id}
      aria-current={selected ? "true" : undefined}
      onClick={() => onSelect(character.id)}
    >
      <Avatar name={character.name} src={avatar} />
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
  );
});
