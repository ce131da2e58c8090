#!/usr/bin/env node
// The registry mirror we install from serves only the Linux builds of packages that ship one
// binary package per platform (biome, jieba …). `npm install` then writes a lock without the
// other platforms' entries, and `npm ci` refuses that lock as "out of sync". This adds an entry
// (version, os, cpu, optional) for each missing platform package; npm ci skips them on Linux.
// Run it after every `npm install` that changes the lock: `node scripts/lock-optional-platforms.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;

const OS = {
  android: 'android',
  darwin: 'darwin',
  freebsd: 'freebsd',
  linux: 'linux',
  win32: 'win32',
  openbsd: 'openbsd',
  sunos: 'sunos',
  aix: 'aix',
  netbsd: 'netbsd',
  openharmony: 'openharmony',
  wasm32: null,
};
const CPU = ['arm64', 'x64', 'arm', 'ia32', 'riscv64', 's390x', 'ppc64', 'loong64', 'mips64el', 'wasm32'];

function platformOf(name) {
  const last = name.split('/').pop();
  const parts = last.split('-');
  let os;
  let cpu;
  for (const part of parts) {
    if (part in OS && !os) os = OS[part] ?? undefined;
    if (CPU.includes(part) && !cpu) cpu = part;
  }
  if (last.includes('wasm32')) return { cpu: 'wasm32' };
  const libc = parts.includes('musl')
    ? 'musl'
    : parts.includes('gnu') || parts.includes('gnueabihf')
      ? 'glibc'
      : undefined;
  return { os, cpu, libc };
}

let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  if (!entry.optionalDependencies) continue;
  const base = path ? `${path}/node_modules/` : 'node_modules/';
  for (const [name, range] of Object.entries(entry.optionalDependencies)) {
    if (packages[`${base}${name}`] || packages[`node_modules/${name}`]) continue;
    const version = String(range).replace(/^[\^~=]/, '');
    if (!/^\d+\.\d+\.\d+/.test(version)) continue;
    const { os, cpu, libc } = platformOf(name);
    if (!os && !cpu) continue;
    const stub = { version, optional: true };
    if (entry.dev) stub.dev = true;
    if (cpu) stub.cpu = [cpu];
    if (os) stub.os = [os];
    if (libc) stub.libc = [libc];
    packages[`node_modules/${name}`] = stub;
    added += 1;
  }
}
const sorted = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)),
);
lock.packages = sorted;
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} platform entries`);
