import { describe, expect, it } from 'vitest';
import { type DemoCustomer, generateBatches, generateCustomers } from '../../src/demo/generator.ts';
import { CHINA_LOCODES } from '../../src/demo/places.ts';
import {
  CONTACT_CHANNELS,
  CONTACT_FREQUENCIES,
  IMPORTANT_DATE_KINDS,
  UNLOCODE,
  importantDateProblem,
  normalizeCompanyName,
  taxIdProblem,
} from '../../src/domain/customers.ts';
import { ADDRESS_KINDS, SHIPPING_FREQUENCIES, SPECIAL_HANDLING } from '../../src/modules/customers/schema.ts';
import { CHANNELS, SERVICE_MODES } from '../../src/modules/customers/tables.ts';

const now = new Date('2025-03-12T02:30:00Z'); // 10:30 in Shanghai
const generate = (seed: number | string, customers: number, at = now) => [
  ...generateCustomers({ seed, customers, now: at }),
];

describe('demo generator', () => {
  it('gives the same customers for the same seed and different ones for another seed', () => {
    const first = generate(42, 200);
    const again = generate(42, 200);
    expect(JSON.stringify(again)).toBe(JSON.stringify(first));
    const other = generate(43, 200);
    expect(other.map((c) => c.name)).not.toEqual(first.map((c) => c.name));
    expect(other.slice(3).map((c) => c.taxId)).not.toEqual(first.slice(3).map((c) => c.taxId));
    // A text seed works the same way.
    expect(JSON.stringify(generate('abc', 20))).toBe(JSON.stringify(generate('abc', 20)));
  });

  it('does not shift the sequence with the time of day or the batch size', () => {
    const morning = generate(7, 300, new Date('2025-03-12T00:30:00Z'));
    const evening = generate(7, 300, new Date('2025-03-12T13:30:00Z'));
    expect(evening.map((c) => [c.name, c.taxId, c.contacts.length])).toEqual(
      morning.map((c) => [c.name, c.taxId, c.contacts.length]),
    );
    const batched = [...generateBatches({ seed: 7, customers: 300, now }, 64)];
    expect(batched.map((b) => b.length)).toEqual([64, 64, 64, 64, 44]);
    expect(batched.flat().map((c) => c.name)).toEqual(generate(7, 300).map((c) => c.name));
  });

  const customers = generate('liaison', 3000);

  it('starts with the documented example customers', () => {
    expect(customers.slice(0, 3).map((c) => c.name)).toEqual([
      '上海远洋物流有限公司',
      '宁波鑫达进出口贸易有限公司',
      '深圳华科电子有限公司',
    ]);
  });

  it('gives every company a valid, unique unified social credit code and a unique name', () => {
    const companies = customers.filter((c) => c.kind === 'company');
    expect(companies.length).toBeGreaterThan(customers.length * 0.9);
    for (const c of companies) expect(taxIdProblem(c.taxId!), `${c.name} ${c.taxId}`).toBeNull();
    expect(new Set(companies.map((c) => c.taxId)).size).toBe(companies.length);
    // Unique the way duplicate detection compares names (有限公司, （集团） etc. do not count).
    expect(new Set(companies.map((c) => normalizeCompanyName(c.name))).size).toBe(companies.length);
    // Individual businesses (个体工商户) are category 2 of the market regulator.
    expect(companies.some((c) => c.taxId!.startsWith('92') && c.name.endsWith('商行'))).toBe(true);
    for (const p of customers.filter((c) => c.kind === 'person')) expect(p.taxId).toBeNull();
  });

  it('uses UN/LOCODE lanes that leave or reach China, with known service modes', () => {
    let lanes = 0;
    for (const c of customers) {
      for (const lane of c.requirements.lanes) {
        lanes++;
        expect(lane.origin).toMatch(UNLOCODE);
        expect(lane.destination).toMatch(UNLOCODE);
        expect(lane.origin).not.toBe(lane.destination);
        expect(
          CHINA_LOCODES.has(lane.origin) || CHINA_LOCODES.has(lane.destination),
          `${lane.origin}→${lane.destination}`,
        ).toBe(true);
        expect(c.requirements.serviceModes).toContain(lane.mode);
      }
      for (const mode of c.requirements.serviceModes) expect(SERVICE_MODES).toContain(mode);
      for (const h of c.requirements.specialHandling) expect(SPECIAL_HANDLING).toContain(h);
      expect(SHIPPING_FREQUENCIES).toContain(c.requirements.frequency);
    }
    expect(lanes).toBeGreaterThan(customers.length);
    const all = customers.flatMap((c) => c.requirements.lanes.map((l) => `${l.origin}→${l.destination}`));
    expect(all).toContain('CNSHA→USLAX');
  });

  it('has realistic contacts, phones and addresses', () => {
    for (const c of customers) {
      expect(c.contacts.length).toBeGreaterThanOrEqual(1);
      expect(c.contacts.length).toBeLessThanOrEqual(4);
      expect(c.contacts.filter((k) => k.isPrimary)).toHaveLength(1);
      for (const contact of c.contacts) {
        expect(contact.phones[0]).toMatch(/^1[3-9]\d{9}$/);
        for (const phone of contact.phones.slice(1))
          expect(phone).toMatch(/^0\d{2,3}-[2-8]\d{7}(转\d{3,4})?$/);
        expect(CONTACT_CHANNELS).toContain(contact.preferredChannel);
        expect(CONTACT_FREQUENCIES).toContain(contact.contactFrequency);
        for (const date of contact.importantDates) {
          expect(IMPORTANT_DATE_KINDS).toContain(date.kind);
          expect(importantDateProblem(date.date), date.date).toBeNull();
        }
      }
      if (c.kind === 'company') expect(c.phone).toMatch(/^0\d{2,3}-[2-8]\d{7}$/);
      for (const address of c.addresses) {
        expect(ADDRESS_KINDS).toContain(address.kind);
        expect(address.postcode).toMatch(/^\d{6}$/);
        expect(address.text).toMatch(/^(\p{Script=Han}+省)?\p{Script=Han}+市/u);
      }
    }
  });

  it('spreads stages and value classes like a real customer base (about 20/30/50 for A/B/C)', () => {
    const share = (pick: (c: DemoCustomer) => boolean) => customers.filter(pick).length / customers.length;
    expect(share((c) => c.valueClass === 'A')).toBeCloseTo(0.2, 1);
    expect(share((c) => c.valueClass === 'B')).toBeCloseTo(0.3, 1);
    expect(share((c) => c.valueClass === 'C')).toBeCloseTo(0.5, 1);
    expect(share((c) => c.stage === 'active')).toBeGreaterThan(0.35);
    expect(share((c) => c.stage === 'churned')).toBeGreaterThan(0.03);
    for (const c of customers) {
      if (c.stage === 'churned') expect(c.churnReason).toBeTruthy();
      else expect(c.churnReason).toBeNull();
    }
  });

  it('creates past interactions and follow-ups that are overdue, due today and upcoming', () => {
    const demo = customers.slice(0, 300);
    const interactions = demo.flatMap((c) => c.interactions);
    expect(interactions.length).toBeGreaterThan(300);
    for (const i of interactions) {
      expect(i.occurredAt.getTime()).toBeLessThanOrEqual(now.getTime());
      expect(CHANNELS).toContain(i.channel);
    }
    const open = demo.flatMap((c) => c.followUps).filter((f) => f.status === 'open');
    const shanghaiDay = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    const overdue = open.filter((f) => f.dueAt < now);
    const today = open.filter((f) => f.dueAt >= now && shanghaiDay(f.dueAt) === shanghaiDay(now));
    const upcoming = open.filter((f) => shanghaiDay(f.dueAt) > shanghaiDay(now));
    expect(overdue.length).toBeGreaterThan(5);
    expect(today.length).toBeGreaterThan(3);
    expect(upcoming.length).toBeGreaterThan(overdue.length);
    for (const done of demo.flatMap((c) => c.followUps).filter((f) => f.status === 'done')) {
      expect(done.result).toBeTruthy();
      expect(done.completedAt!.getTime()).toBeLessThanOrEqual(now.getTime());
    }
  });
});
