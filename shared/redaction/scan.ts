import { findAddresses } from "./address";
import { findNearMissNames } from "./nearMiss";
import { findNetworkData } from "./network";
import { findPhones } from "./phone";
import { dropOverlaps } from "./spans";
import type { PersonalDataKind, PersonalDataSpan } from "./types";

/** Which detector wins when two spans start at the same place with the same length. */
const PRIORITY: Record<PersonalDataKind, number> = {
  email: 0,
  url: 1,
  ip: 2,
  phone: 3,
  handle: 4,
  address: 5,
  name: 6,
};

/**
 * Every span that looks like personal data, non-overlapping, in text order; with the user's
 * names (from `buildNameList`), near misses of them too.
 */
export function scanPersonalData(text: string, nameList: readonly string[] = []): PersonalDataSpan[] {
  if (text.trim() === "") return [];
  const spans = [
    ...findNetworkData(text),
    ...findPhones(text),
    ...findAddresses(text),
    ...findNearMissNames(text, nameList),
  ];
  return dropOverlaps(spans, (s) => PRIORITY[s.kind]);
}
