import { dismiss, useMessages } from '../../state/messages.ts';

export function Messages() {
  const messages = useMessages((s) => s.messages);
  if (messages.length === 0) return null;
  return (
    <div className="messages">
      {messages.map((m) => (
        <div key={m.id} className={`message ${m.level}`} role={m.level === 'error' ? 'alert' : 'status'} data-testid={`message-${m.level}`}>
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
