import type { ShownError } from '../errors';

/** Codes meaning the signed-in credentials stopped working (expired session, deleted or inactive key). */
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'InvalidClientTokenId', 'InvalidAccessKeyId', 'UnrecognizedClientException']);

/**
 * An AWS error as the user needs it: what was refused (the IAM action for an access denial),
 * AWS's own message verbatim, and the request id for the server's log and trail.
 */
export function ErrorBox({ error, onDismiss }: { error?: ShownError; onDismiss?: () => void }) {
  if (!error) return null;
  const title = error.denied ? 'Access denied' : error.notImplemented ? 'Not available on this server' : error.code;
  return (
    <div className={`error-box${error.denied ? ' denied' : ''}${error.notImplemented ? ' unsupported' : ''}`} role="alert">
      <div className="error-title">
        <strong>{title}</strong>
        {onDismiss && <button type="button" className="link" onClick={onDismiss} aria-label="Dismiss error">✕</button>}
      </div>
      {error.denied && error.action && (
        <p>You are not allowed to perform <code className="action">{error.action}</code>{error.operation ? <> (the console called {error.operation})</> : null}.</p>
      )}
      {error.notImplemented && error.operation && <p>This server does not implement <code>{error.operation}</code> yet.</p>}
      {EXPIRED.has(error.code) && <p>These credentials are no longer valid: sign out and sign in again.</p>}
      {error.message && <p className="error-message">{error.message}</p>}
      <p className="error-meta">
        <span>{error.code}</span>
        {error.status ? <span>HTTP {error.status}</span> : null}
        {error.requestId ? <span>Request ID {error.requestId}</span> : null}
      </p>
    </div>
  );
}
