/**
 * Card macros: `{{char}}`, `{{user}}`, `{{random_user_N}}` (PIPPA's placeholder for the user),
 * `<USER>` and `<BOT>` (old Pygmalion/TavernAI spellings), case-insensitive.
 */
const MACRO = /\{\{\s*(char|user|random_user_\d+)\s*\}\}|<(USER|BOT)>/gi;

export function applyMacros(text: string, names: { char: string; user: string }): string {
  return text.replace(MACRO, (_match, braced: string | undefined, angled: string | undefined) => {
    const key = (braced ?? angled ?? "").toLowerCase();
    return key === "char" || key === "bot" ? names.char : names.user;
  });
}
