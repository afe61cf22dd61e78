/** Whether the studio works offline (its files are in this browser), and a newer version waiting. */
import { create } from 'zustand';

interface OfflineState {
  ready: boolean;
  /** Starts the waiting version now; null while none waits. */
  update: (() => void) | null;
}

export const useOffline = create<OfflineState>(() => ({ ready: false, update: null }));
