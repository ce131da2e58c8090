import type { AppContext } from '../server/context.ts';

/** Placeholder until the demo generator lands: loads nothing. */
export async function loadDemoIfEmpty(_ctx: AppContext, _print: (line: string) => void): Promise<void> {}
