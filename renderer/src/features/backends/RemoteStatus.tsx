import type { ModelStatus } from "../../../../shared/domain/model";

/** The model status when a remote backend is active: the server's model and context size. */
export function RemoteStatusDetails({ status }: Readonly<{ status: ModelStatus }>) {
  const backend = status.backend;
  if (!backend) return null;
  return (
    <dl className="model-facts" data-testid="remote-model-status">
      <dt>Backend</dt>
      <dd>
        {backend.name} ({backend.kind})
      </dd>
      <dt>Server</dt>
      <dd>{backend.url}</dd>
      {status.state === "loaded" ? (
        <>
          <dt>Model</dt>
          <dd>{status.info?.fileName ?? "not named"}</dd>
          <dt>Context</dt>
          <dd>{status.contextSize?.toLocaleString() ?? "?"} tokens</dd>
        </>
      ) : null}
      {status.state === "none" ? <dd className="muted">Connects when the next reply is generated.</dd> : null}
    </dl>
  );
}

/** The status pill's text for a remote backend. */
export function remoteLabel(status: ModelStatus): string | null {
  if (!status.backend) return null;
  if (status.state === "loaded") return `${status.backend.name}: ${status.info?.fileName ?? "connected"}`;
  if (status.state === "loading") return `connecting to ${status.backend.name}…`;
  if (status.state === "error") return `${status.backend.name}: unreachable`;
  return `${status.backend.name} (not connected)`;
}
