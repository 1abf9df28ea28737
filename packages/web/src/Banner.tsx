import type { ReactElement } from 'react';
import type { ConnectionState } from '@consomme/client';
import type { Notice } from './store.js';

interface BannerProps {
  connection: ConnectionState;
  notices: Notice[];
  onDismiss: (id: number) => void;
  onBack: () => void;
}

/** Connection trouble and errors, in plain words. Rendered only when there is something to say. */
export function Banner({ connection, notices, onDismiss, onBack }: BannerProps): ReactElement | null {
  const status = connection === 'reconnecting'
    ? 'Connection lost. Reconnecting…'
    : connection === 'failed'
      ? 'Could not reconnect to the room.'
      : connection === 'disconnected'
        ? 'You are no longer in the room.'
        : null;
  if (!status && notices.length === 0) return null;
  return (
    <div className="banner" role="alert" data-testid="error-banner" data-connection={connection}>
      {status && (
        <div className="banner-row" data-testid="connection-status">
          <span>{status}</span>
          {(connection === 'failed' || connection === 'disconnected') && (
            <button type="button" data-testid="back-to-lobby" onClick={onBack}>Back to lobby</button>
          )}
        </div>
      )}
      {notices.map((n) => (
        <div key={n.id} className="banner-row" data-code={n.code}>
          <span>{n.message}</span>
          <button type="button" className="dismiss" aria-label="Dismiss" onClick={() => onDismiss(n.id)}>×</button>
        </div>
      ))}
    </div>
  );
}
