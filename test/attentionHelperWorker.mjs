// Node's worker_threads cannot load TypeScript: tsx's loader, then the helper (attentionHelperWorker.ts).
import { register } from 'tsx/esm/api';

register();
await import('./attentionHelperWorker.ts');
