import { useEffect, useRef, useState, type FormEvent, type ReactElement } from 'react';
import type { ChatEvent, FileProgress } from '@consomme/client';
import { formatBytes, formatTime } from './messages.js';
import type { FileView } from './store.js';

interface ChatPanelProps {
  open: boolean;
  messages: ChatEvent[];
  files: FileView[];
  receiving: FileProgress[];
  onSend: (text: string) => Promise<boolean>;
}

export function ChatPanel({ open, messages, files, receiving, onSend }: ChatPanelProps): ReactElement {
  const [text, setText] = useState('');
  const listRef = useRef<HTMLOListElement>(null);

  useEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [messages.length, open]);

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (!text.trim()) return;
    const sent = text;
    setText('');
    // Put the text back if it could not be sent, so nothing typed is lost.
    if (!(await onSend(sent))) setText(sent);
  }

  return (
    <aside className="chat" hidden={!open} aria-label="Chat" data-testid="chat-panel">
      <h2>Chat</h2>
      <ol ref={listRef} className="messages" data-testid="chat-messages" aria-live="polite">
        {messages.length === 0 && <li className="empty">No messages yet.</li>}
        {messages.map((m) => (
          <li key={`${m.from}-${m.id}`} className={m.local ? 'message local' : 'message'} data-from={m.from}>
            <div className="meta"><span className="who">{m.local ? 'You' : m.displayName || 'Someone'}</span>
              <time dateTime={new Date(m.sentAt).toISOString()}>{formatTime(m.sentAt)}</time></div>
            <p className="text">{m.text}</p>
          </li>
        ))}
      </ol>
      <section className="files" data-testid="received-files" aria-label="Received files">
        {receiving.map((r) => (
          <div key={r.transferId} className="receiving">
            <span>{r.name}</span>
            <progress value={r.bytes} max={Math.max(r.size, 1)} aria-label={`Receiving ${r.name}`} />
          </div>
        ))}
        {files.length > 0 && (
          <ul>
            {files.map((f) => (
              <li key={f.transferId}>
                <a href={f.url} download={f.name} data-sha256={f.sha256} data-verified={f.verified} data-size={f.size}>{f.name}</a>
                <span className="file-meta">{formatBytes(f.size)} from {f.displayName || 'someone'}</span>
                {!f.verified && <span className="warning"> (damaged in transit)</span>}
              </li>
            ))}
          </ul>
        )}
      </section>
      <form className="chat-form" onSubmit={(e) => void submit(e)}>
        <label htmlFor="chat-input" className="visually-hidden">Message</label>
        <input id="chat-input" data-testid="chat-input" value={text} maxLength={4000} autoComplete="off"
          placeholder="Write a message" onChange={(e) => setText(e.target.value)} />
        <button type="submit" data-testid="chat-send" disabled={!text.trim()}>Send</button>
      </form>
    </aside>
  );
}
