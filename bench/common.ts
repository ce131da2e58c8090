import type { Worker } from 'node:worker_threads';

/** What both benchmarks share: latency statistics, logging in over HTTP, and worker messages. */

export interface Session {
  cookie: string;
}

export async function login(base: string, email: string, password: string): Promise<Session> {
  const response = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (response.status !== 200)
    throw new Error(`login ${email} failed: ${response.status} ${await response.text()}`);
  const cookie = response.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error('login set no cookie');
  return { cookie };
}

export async function get(
  base: string,
  path: string,
  session: Session,
): Promise<{ status: number; body: any }> {
  const response = await fetch(base + path, { headers: { cookie: session.cookie } });
  return { status: response.status, body: await response.json() };
}

export function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** p50, p95 and mean of latencies in milliseconds (nearest-rank percentiles). */
export function stats(samples: number[]) {
  const sorted = [...samples].sort((x, y) => x - y);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return {
    p50: round(at(50)),
    p95: round(at(95)),
    mean: round(sorted.reduce((n, v) => n + v, 0) / sorted.length),
  };
}

export interface MessageQueue {
  next(type: string): Promise<any>;
}

/** Messages from the app's worker thread, awaited by type (a message may come before it is awaited). */
export function messageQueue(worker: Worker): MessageQueue {
  const waiting = new Map<string, (message: any) => void>();
  const early = new Map<string, any[]>();
  worker.on('message', (message: { type: string }) => {
    const resolve = waiting.get(message.type);
    if (resolve) {
      waiting.delete(message.type);
      resolve(message);
    } else {
      early.set(message.type, [...(early.get(message.type) ?? []), message]);
    }
  });
  let failure: Error | undefined;
  worker.on('error', (error) => {
    failure = error as Error;
    for (const resolve of waiting.values()) resolve(Promise.reject(error));
  });
  return {
    next(type) {
      if (failure) return Promise.reject(failure);
      const queued = early.get(type);
      if (queued?.length) return Promise.resolve(queued.shift());
      return new Promise((resolve) => waiting.set(type, resolve));
    },
  };
}
