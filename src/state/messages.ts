import { create } from 'zustand';

export interface Message {
  id: number;
  level: 'error' | 'info';
  text: string;
}

interface MessagesState {
  messages: Message[];
}

export const useMessages = create<MessagesState>(() => ({ messages: [] }));

let nextId = 1;

export function report(level: Message['level'], text: string): void {
  useMessages.setState((s) => ({ messages: [...s.messages.slice(-5), { id: nextId++, level, text }] }));
}

export function dismiss(id: number): void {
  useMessages.setState((s) => ({ messages: s.messages.filter((m) => m.id !== id) }));
}

export function clearMessages(): void {
  useMessages.setState({ messages: [] });
}
