/// <reference types="vite-plugin-pwa/vanillajs" />
/**
 * Registers the service worker Workbox generates (vite.config.ts): after the first visit the page,
 * its worker and the WebAssembly binaries come from this browser, so the studio opens offline.
 * A newer version waits for the next visit, and the page says so.
 */
import { registerSW } from 'virtual:pwa-register';
import { report } from '../state/messages.ts';
import { useOffline } from '../state/offline.ts';

export function registerOffline(): void {
  if (!('serviceWorker' in navigator)) return;
  // Ready also when an earlier visit installed it: the page is then served by it.
  void navigator.serviceWorker.ready.then(() => useOffline.setState({ ready: true }));
  const update = registerSW({
    immediate: true,
    onOfflineReady: () => useOffline.setState({ ready: true }),
    onNeedRefresh: () => report('info', 'A new version of the studio is ready: it starts on your next visit.', 'update', { label: 'Use it now', run: () => void update(true) }),
    onRegisterError: (e: Error) => report('error', `Offline use is not available in this browser: ${e.message}`, 'offline'),
  });
}
