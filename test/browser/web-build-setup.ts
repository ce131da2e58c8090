import { ensureWebBuild } from './web-build.ts';

/**
 * Builds the web app once before the browser files start. Each file also calls ensureWebBuild, but
 * two files starting together on a fresh clone would both build into web/dist, and one server could
 * serve a bundle the other build was replacing.
 */
export default async function setup(): Promise<void> {
  await ensureWebBuild();
}
