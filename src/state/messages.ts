import { create } from 'zustand';

export interface Message {
  id: number;
  level: 'error' | 'info';
  text: string;
  /** What the message is about; a later message on it replaces it, and settling it removes it. */
  topic?: string;
  /** A way out the message offers, as a button beside it. */
  action?: { label: string; run: () => void };
  /** When it was said (ms since the epoch): a message that stays says how old it is. */
  time: number;
}

/** The latest few are kept; older ones go, so messages never pile up over the viewer. */
export const KEPT_MESSAGES = 6;

interface MessagesState {
  messages: Message[];
}

export const useMessages = create<MessagesState>(() => ({ messages: [] }));

let nextId = 1;

export function report(level: Message['level'], text: string, topic?: string, action?: Message['action']): void {
  useMessages.setState((s) => ({ messages: [...s.messages.filter((m) => !topic || m.topic !== topic).slice(-(KEPT_MESSAGES - 1)), { id: nextId++, level, text, topic, action, time: Date.now() }] }));
}

/** The problem a topic's message named is fixed: the banner goes. */
export function settle(topic: string): void {
  useMessages.setState((s) => ({ messages: s.messages.filter((m) => m.topic !== topic) }));
}

export function dismiss(id: number): void {
  useMessages.setState((s) => ({ messages: s.messages.filter((m) => m.id !== id) }));
}

export function clearMessages(): void {
  useMessages.setState({ messages: [] });
}
