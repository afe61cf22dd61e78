/** Whether the studio works offline: its files are in this browser. */
import { create } from 'zustand';

export const useOffline = create<{ ready: boolean }>(() => ({ ready: false }));
