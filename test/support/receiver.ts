import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the local receiver saw it, with the exact body bytes. */
export interface ReceivedRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** rawBody as UTF-8. */
  text: string;
  /** Parsed JSON body, or undefined when it is not JSON. */
  json: any;
}

export interface PlannedResponse {
  status?: number;
  /** An object is sent as JSON; a string as it is. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait this long before answering (timeout tests). */
  delayMs?: number;
}

export interface TestReceiver {
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  /** baseUrl + path */
  url(path?: string): string;
  requests: ReceivedRequest[];
  /** Answers for the next requests, in order; after them `fallback` (200 {ok:true} by default). */
  plan(...responses: PlannedResponse[]): void;
  /** The answer once the plan is used up; a function decides per request. */
  fallback: PlannedResponse | ((request: ReceivedRequest) => PlannedResponse);
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

/** Starts a local HTTP server that records every request (webhook, robot and callback tests). */
export async function startReceiver(): Promise<TestReceiver> {
  const requests: ReceivedRequest[] = [];
  const planned: PlannedResponse[] = [];
  let server: Server;
  const receiver: TestReceiver = {
    baseUrl: '',
    url: (path = '/') => receiver.baseUrl + path,
    requests,
    plan: (...responses) => {
      planned.push(...responses);
    },
    fallback: { status: 200, body: { ok: true } },
    async waitFor(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < count) {
        if (Date.now() > deadline) {
          throw new Error(`expected ${count} requests, got ${requests.length} within ${timeoutMs} ms`);
        }
        await new Promise((r) => setTimeout(r, 25));
      }
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const rawBody = Buffer.concat(chunks);
      const text = rawBody.toString('utf8');
      let json: any;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      const url = new URL(req.url ?? '/', 'http://receiver');
      const request: ReceivedRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        rawBody,
        text,
        json,
      };
      requests.push(request);
      const fallback = receiver.fallback;
      const answer = planned.shift() ?? (typeof fallback === 'function' ? fallback(request) : fallback);
      if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
      const body =
        answer.body === undefined
          ? ''
          : typeof answer.body === 'string'
            ? answer.body
            : JSON.stringify(answer.body);
      res.writeHead(answer.status ?? 200, {
        'content-type': typeof answer.body === 'string' ? 'text/plain' : 'application/json',
        ...answer.headers,
      });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}
