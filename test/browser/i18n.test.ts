import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** Every text of the web app goes through the i18n files; both languages must carry every key. */
const src = fileURLToPath(new URL('../../web/src/', import.meta.url));

type Tree = { [key: string]: string | Tree };
const read = (name: string) => JSON.parse(readFileSync(join(src, 'i18n', name), 'utf8')) as Tree;
/** A language's texts: `<lang>.json` plus every area file `<area>.<lang>.json`, merged at the top level. */
const load = (name: string): Tree => {
  const language = name.replace(/\.json$/, '');
  const areas = readdirSync(join(src, 'i18n')).filter((file) => file.endsWith(`.${language}.json`));
  const tree = read(name);
  for (const area of areas) {
    for (const [key, value] of Object.entries(read(area))) {
      if (key in tree) throw new Error(`${area} redefines the top-level key ${key}`);
      tree[key] = value;
    }
  }
  return tree;
};

function keysOf(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : keysOf(value, `${prefix}${key}.`),
  );
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

describe('web i18n', () => {
  const zh = keysOf(load('zh-CN.json'));
  const en = keysOf(load('en.json'));

  it('has the same keys in Chinese and English', () => {
    expect(zh.filter((key) => !en.includes(key))).toEqual([]);
    expect(en.filter((key) => !zh.includes(key))).toEqual([]);
  });

  it('defines every literal key the code asks for, and no empty text', () => {
    const used = new Set<string>();
    for (const file of sources(src)) {
      for (const match of readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([a-zA-Z0-9_.]+)'/g))
        used.add(match[1]);
    }
    expect(used.size).toBeGreaterThan(100);
    const known = new Set(zh);
    expect([...used].filter((key) => !known.has(key))).toEqual([]);
    const zhTree = load('zh-CN.json');
    const empty = zh.filter((key) => key.split('.').reduce<any>((node, part) => node[part], zhTree) === '');
    expect(empty).toEqual([]);
  });

  it('has a label for every value of the enums the API uses', () => {
    const zhTree = load('zh-CN.json') as any;
    const openapi = JSON.parse(readFileSync(join(src, 'api', 'openapi.json'), 'utf8'));
    const schemas = openapi.components?.schemas ?? {};
    const enumOf = (schema: any, property: string): string[] => {
      const prop = schema?.properties?.[property];
      const candidates = prop?.enum ?? prop?.anyOf?.flatMap((s: any) => s.enum ?? (s.const ? [s.const] : []));
      return candidates ?? [];
    };
    const roles = enumOf(schemas.User, 'role');
    expect(roles.length).toBe(6);
    for (const role of roles) expect(zhTree.enum.role[role], role).toBeTruthy();
    const kinds = enumOf(schemas.FollowUp, 'kind');
    expect(kinds.length).toBeGreaterThan(3);
    for (const kind of kinds) expect(zhTree.enum.followUpKind[kind], kind).toBeTruthy();
    const channels = enumOf(schemas.Interaction, 'channel');
    expect(channels.length).toBeGreaterThan(5);
    for (const channel of channels) expect(zhTree.enum.channel[channel], channel).toBeTruthy();
  });
});
