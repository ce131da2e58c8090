/**
 * The benchmark's application server, in its own thread so that the HTTP client and the SQL
 * baseline in the main thread do not share its event loop. It records the SQL statements the app
 * sends while the main thread asks it to, so the baseline replays exactly what the API ran.
 */
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { buildApp } from '../src/server/app.ts';
import { closeContext, createContext } from '../src/server/runtime.ts';

interface Captured {
  text: string;
  values: unknown[];
}

let capturing = false;
let captured: Captured[] = [];
const originalQuery = pg.Client.prototype.query;
// Every statement of node-postgres goes through Client#query (the pool lends clients).
pg.Client.prototype.query = function (this: pg.Client, ...args: any[]) {
  if (capturing) {
    const [first, second] = args;
    if (typeof first === 'string')
      captured.push({ text: first, values: Array.isArray(second) ? second : [] });
    // Drizzle passes `{ text, rowMode, types }` and the values as the second argument.
    else if (first && typeof first.text === 'string')
      captured.push({ text: first.text, values: first.values ?? (Array.isArray(second) ? second : []) });
  }
  return (originalQuery as any).apply(this, args);
} as typeof pg.Client.prototype.query;

const { databaseUrl } = workerData as { databaseUrl: string };
const ctx = await createContext({ config: { databaseUrl, logLevel: 'warn', demo: false } });
const app = await buildApp(ctx);
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;

parentPort!.on('message', async (message: { type: string }) => {
  if (message.type === 'capture-start') {
    captured = [];
    capturing = true;
    parentPort!.postMessage({ type: 'capture-started' });
  } else if (message.type === 'capture-stop') {
    capturing = false;
    parentPort!.postMessage({ type: 'captured', statements: captured });
  } else if (message.type === 'stop') {
    await app.close();
    await closeContext(ctx);
    parentPort!.postMessage({ type: 'stopped' });
  }
});
parentPort!.postMessage({ type: 'ready', port });
