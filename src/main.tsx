import { createRoot } from 'react-dom/client';
import { App } from './ui/App.tsx';
import { registerOffline } from './ui/offline.ts';
import { reportPageErrors } from './ui/pageErrors.ts';
import './ui/styles.css';
import { restoreWhenLost } from './state/recovery.ts';
import { computeClient, simulateWorkerCrash } from './worker/client.ts';

// ?debug=1 exposes hooks the browser tests use to stage failures no real browser here can produce.
if (new URLSearchParams(location.search).has('debug')) {
  Object.assign(window, { studioDebug: { simulateBackendFailure: () => computeClient().request('simulateBackendFailure', {}), simulateWorkerCrash } });
}

reportPageErrors();
restoreWhenLost();
registerOffline();

createRoot(document.getElementById('root')!).render(
  // No StrictMode: its double mount would attach two WebGL contexts to the viewer's canvas.
  <App />,
);
