// Worker threads do not inherit tsx's loader: register it here, then run the TypeScript server.
import { register } from 'tsx/esm/api';

register();
await import('./track-baseline-worker.ts');
