/** Reference sessions: the read-only PIPPA conversations that came with a character. */
import type { ReferenceSession, ReferenceSessionSummary } from "../../../shared/domain/library";
import { api } from "../bridge";

export function listSessions(characterId: number): Promise<ReferenceSessionSummary[]> {
  return api.call("sessions.list", { characterId });
}

export function getSession(sessionId: number): Promise<ReferenceSession> {
  return api.call("sessions.get", { sessionId });
}
