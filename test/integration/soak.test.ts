/**
 * The bounded kill -9 soak (the long one is `npm run bench:soak`): a few SIGKILLs of the real CLI
 * during import, generation with the real model, and export, each followed by the checks of
 * scripts/soak.ts (integrity, nothing committed lost, the next command and a re-run complete).
 */
import { describe, expect, it } from "vitest";
import { PHASES, type PhaseReport, runSoak, SOAK_DEFAULTS } from "../../scripts/soak";
import { HAS_TEST_MODEL, TEST_MODEL_PATH } from "../helpers/model";

const KILLS = 3;

describe("kill -9 soak (bounded)", () => {
  it.runIf(HAS_TEST_MODEL)(
    `survives ${KILLS} SIGKILLs each during import, generation and export`,
    async () => {
      const log: string[] = [];
      const reports = await runSoak({
        ...SOAK_DEFAULTS,
        kills: { import: KILLS, generate: KILLS, export: KILLS },
        model: TEST_MODEL_PATH,
        maxTokens: 600,
        scale: { pippaLines: 600, pippaBots: 30, basePippaLines: 100, chatMessages: 400, chats: 1 },
        log: (line) => log.push(line),
      });
      expect(reports.map((r) => r.phase)).toEqual([...PHASES]);
      const byPhase = Object.fromEntries(reports.map((r) => [r.phase, r])) as Record<string, PhaseReport>;
      for (const phase of PHASES) {
        const report = byPhase[phase] as PhaseReport;
        expect(report.failures, `${phase}\n${log.join("\n")}`).toEqual([]);
        expect(report.kills, phase).toBe(KILLS);
        // Per kill: integrity, foreign keys, 3 kinds of rows, the next command, the re-run, and
        // the same database checks again after the re-run.
        expect(report.checks, phase).toBeGreaterThanOrEqual(KILLS * 12);
      }
    },
    240_000,
  );
});
