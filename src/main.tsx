import { createRoot } from 'react-dom/client';
import { App } from './ui/App.tsx';
import './ui/styles.css';

createRoot(document.getElementById('root')!).render(
  // No StrictMode: its double mount would attach two WebGL contexts to the viewer's canvas.
  <App />,
);
