export { exportCard } from "./exportCard";
export { parseCardFile, sniffCardKind } from "./parseCard";
export type { CardFile, ParsedCard, SniffedKind } from "./types";
