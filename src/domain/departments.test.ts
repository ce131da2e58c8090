import { describe, expect, it } from 'vitest';
import { ancestors, descendants, wouldCreateCycle } from './departments.ts';

const tree = [
  { id: 'root', parentId: null },
  { id: 'cs', parentId: 'root' },
  { id: 'cs-a', parentId: 'cs' },
  { id: 'ops', parentId: 'root' },
];

describe('department tree', () => {
  it('lists a department and everything below it', () => {
    expect(descendants(tree, 'cs').sort()).toEqual(['cs', 'cs-a']);
    expect(descendants(tree, 'root')).toHaveLength(4);
  });
  it('walks up to the root for escalation', () => {
    expect(ancestors(tree, 'cs-a')).toEqual(['cs', 'root']);
    expect(ancestors(tree, 'root')).toEqual([]);
  });
  it('refuses to put a department below its own child', () => {
    expect(wouldCreateCycle(tree, 'cs', 'cs-a')).toBe(true);
    expect(wouldCreateCycle(tree, 'cs', 'cs')).toBe(true);
    expect(wouldCreateCycle(tree, 'cs-a', 'ops')).toBe(false);
  });
});
