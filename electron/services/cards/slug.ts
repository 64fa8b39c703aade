const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/;

/** A file-name-safe slug of a card name: letters and digits of any script, joined by "-". */
export function slugify(name: string): string {
  const slug = Array.from(
    name
      .normalize("NFC")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, "-")
      .replace(/^-+|-+$/g, ""),
  )
    .slice(0, 64)
    .join("")
    .replace(/-+$/, "");
  if (slug === "") return "character";
  return WINDOWS_RESERVED.test(slug) ? `${slug}-card` : slug;
}
