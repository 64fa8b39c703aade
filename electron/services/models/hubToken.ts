/**
 * The hub access token (for gated or private repositories). It comes from the environment
 * (HF_TOKEN or HUGGING_FACE_HUB_TOKEN) or, in the desktop app, from encrypted storage behind
 * `TokenVault`. It is only ever put in an Authorization header to the hub: never in settings,
 * logs, events or API answers.
 */
import type { HubTokenStatus } from "../../../shared/domain/modelLibrary";
import { MasqueError } from "../../../shared/errors";

/** Somewhere a host can keep the token encrypted (Electron's safeStorage); absent elsewhere. */
export interface TokenVault {
  read(): string | null;
  write(token: string | null): void;
}

export const TOKEN_ENV_VARS = ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"] as const;

export class HubToken {
  constructor(
    private readonly vault: TokenVault | null,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** The token to send, or null. */
  get(): string | null {
    const fromEnv = this.fromEnv();
    if (fromEnv) return fromEnv;
    try {
      return this.vault?.read() ?? null;
    } catch {
      return null;
    }
  }

  status(): HubTokenStatus {
    const source = this.fromEnv() ? "env" : this.get() ? "stored" : "none";
    return { source, canStore: this.vault !== null };
  }

  set(token: string | null): HubTokenStatus {
    if (!this.vault) {
      throw new MasqueError(
        "INVALID_INPUT",
        "This host cannot store a token; set HF_TOKEN in the environment that starts Masque instead",
      );
    }
    this.vault.write(token);
    return this.status();
  }

  private fromEnv(): string | null {
    for (const name of TOKEN_ENV_VARS) {
      const value = this.env[name]?.trim();
      if (value) return value;
    }
    return null;
  }
}
