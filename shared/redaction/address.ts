/**
 * Street addresses: a house number next to a street word, in English (`221B Baker Street`,
 * `10 Downing St`), German (`Hauptstraße 5`, `Berliner Str. 12`) and French (`12 rue de la Paix`)
 * order. Only flagged for review, never replaced without the user's consent.
 */
import type { PersonalDataSpan } from "./types";

const EN_TYPES =
  "Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Boulevard|Blvd|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Crescent|Close|Square|Sq|Parkway|Pkwy|Highway|Hwy|Circle|Cir";
const EN = new RegExp(
  String.raw`(?<![\p{L}\p{N}_.,])\d{1,5}[A-Za-z]?(?:[-–]\d{1,5})?,?\s+(?:[\p{Lu}\d][\p{L}\d'.\-]*\s+){1,4}(?:${EN_TYPES}|street|avenue|road|lane|boulevard|drive)\b\.?`,
  "gu",
);
const DE =
  /(?<![\p{L}\p{N}_])\p{Lu}[\p{L}-]*(?:straße|strasse|str\.|weg|gasse|platz|allee|damm|ring)\s*\d{1,4}\s?[a-z]?(?![\p{L}\p{N}_])|(?<![\p{L}\p{N}_])\p{Lu}[\p{L}-]*\s+(?:Straße|Strasse|Str\.|Weg|Gasse|Platz|Allee)\s+\d{1,4}[a-z]?(?![\p{L}\p{N}_])/gu;
const FR =
  /(?<![\p{L}\p{N}_.,])\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|av\.|boulevard|bd|place|chemin|allée|impasse|quai|cours)\s+(?:(?:de|du|des|la|le|l'|d')\s+|l'|d')*\p{L}[\p{L}'-]*(?:\s+\p{Lu}[\p{L}'-]*){0,3}/giu;

export function findAddresses(text: string): PersonalDataSpan[] {
  const spans: PersonalDataSpan[] = [];
  for (const regex of [EN, DE, FR]) {
    for (const m of text.matchAll(regex)) {
      const value = m[0].replace(/[\s,]+$/u, "");
      spans.push({ kind: "address", start: m.index, end: m.index + value.length, text: value });
    }
  }
  return spans;
}
