import { useEffect, useState } from "react";
import { avatarUrl } from "../../state/characterActions";

/** The character's picture as a data: URL once loaded; null when it has none (or while loading). */
export function useAvatarUrl(id: number, hasAvatar: boolean, version: number): string | null {
  const [loaded, setLoaded] = useState<{ key: string; url: string | null } | null>(null);
  const key = `${id}:${version}`;
  useEffect(() => {
    if (!hasAvatar) return;
    let live = true;
    void avatarUrl(id, version).then((url) => {
      if (live) setLoaded({ key: `${id}:${version}`, url });
    });
    return () => {
      live = false;
    };
  }, [id, hasAvatar, version]);
  return hasAvatar && loaded?.key === key ? loaded.url : null;
}
