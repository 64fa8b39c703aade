import type { ModelStatus } from "../../../../shared/domain/model";
import { remoteLabel } from "../backends/RemoteStatus";

export function modelLabel(status: ModelStatus | null): string {
  if (!status) return "…";
  const remote = remoteLabel(status);
  if (remote) return remote;
  switch (status.state) {
    case "loaded":
      return status.info?.fileName ?? "model loaded";
    case "loading":
      return "loading model…";
    case "error":
      return "model error";
    case "none":
      return "no model";
  }
}
