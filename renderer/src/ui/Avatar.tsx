import type { CSSProperties } from "react";
import "./ui.css";

/** Stable hue from a name, so a character keeps its colour everywhere. */
function hueOf(name: string): number {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) % 360;
  return hash;
}

/** The character's picture when it has one, else its initial on a colour of its own. */
export function Avatar({
  name,
  size = "md",
  src,
}: Readonly<{ name: string; size?: "sm" | "md" | "lg"; src?: string | null }>) {
  if (src)
    return <img className={`avatar avatar-${size} avatar-image`} src={src} alt="" aria-hidden="true" />;
  const initial = [...name.trim()][0]?.toUpperCase() ?? "?";
  return (
    <span
      className={`avatar avatar-${size}`}
      style={{ "--avatar-hue": hueOf(name) } as CSSProperties}
      aria-hidden="true"
    >
      {initial}
    </span>
  );
}
