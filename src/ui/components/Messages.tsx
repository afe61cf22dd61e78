import { dismiss, useMessages } from '../../state/messages.ts';

const clock = (t: number) => new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function Messages() {
  const messages = useMessages((s) => s.messages);
  if (messages.length === 0) return null;
  return (
    // Floats in the main area's lower corner, the newest nearest it: a message never pushes the
    // viewer down or covers a comparison's table.
    <div className="messages" aria-label="Messages">
      {messages.map((m) => (
        <div key={m.id} className={`message ${m.level}`} role={m.level === 'error' ? 'alert' : 'status'} data-testid={`message-${m.level}`}>
          <time dateTime={new Date(m.time).toISOString()}>{clock(m.time)}</time>
          <span>{m.text}</span>
          {m.action && (
            <button
              onClick={() => {
                dismiss(m.id);
                m.action!.run();
              }}
            >
              {m.action.label}
            </button>
          )}
          <button aria-label="Dismiss" onClick={() => dismiss(m.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
