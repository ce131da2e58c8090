/**
 * Deterministic demo data: realistic customers of a Chinese freight forwarder (shippers and
 * consignees — manufacturers, traders, e-commerce sellers, peers), their contacts, lanes,
 * interactions and follow-up tasks. Pure: returns plain records, no I/O. The same seed and `now`
 * always give the same records; records come one customer at a time so 100 000 fit in memory.
 */
import { normalizeCompanyName } from '../domain/customers.ts';
import { DEFAULT_PLAN_INTERVALS, intervalName } from '../domain/followups.ts';
import {
  AIRPORTS,
  CITIES,
  type City,
  type District,
  RAIL_ORIGINS,
  RAIL_TERMINALS,
  ROADS,
  SEA_PORTS,
} from './places.ts';
import { Random, hashString } from './random.ts';
import { makeUscc } from './uscc.ts';
import {
  BRAND_FIRST,
  BRAND_SECOND,
  CHURN_REASONS,
  COMPETITORS,
  CONTACT_CHANNELS,
  CONTACT_FREQUENCIES,
  CONTACT_TITLES,
  FREE_MAIL_DOMAINS,
  GIVEN_NAMES,
  INDUSTRIES,
  type Industry,
  MOBILE_PREFIXES,
  SOURCES,
  SURNAMES,
  type Syllable,
  TAGS_BY_KIND,
} from './vocabulary.ts';

export type ServiceMode = 'air' | 'sea' | 'road' | 'rail' | 'warehouse' | 'distribution' | 'customs';
export type Stage = 'prospect' | 'negotiating' | 'active' | 'retained' | 'churned';

export interface DemoLane {
  origin: string;
  destination: string;
  mode: ServiceMode;
}

export interface DemoContact {
  name: string;
  title: string;
  phones: string[];
  email: string | null;
  wechat: string | null;
  preferredChannel: string;
  contactFrequency: string;
  doNotContact: boolean;
  isPrimary: boolean;
  importantDates: { kind: string; label: string; date: string }[];
  notes: string | null;
}

export interface DemoInteraction {
  /** Index into the customer's contacts, or null. */
  contact: number | null;
  /** Who logged it: the owner agent, or an operations department by code. */
  by: 'owner' | string;
  channel: string;
  direction: 'inbound' | 'outbound';
  summary: string;
  outcome: string | null;
  nextStep: string | null;
  occurredAt: Date;
}

export interface DemoFollowUp {
  contact: number | null;
  kind: 'manual' | 'periodic';
  title: string;
  notes: string | null;
  dueAt: Date;
  status: 'open' | 'done' | 'cancelled';
  result: string | null;
  completedAt: Date | null;
}

export interface DemoCustomer {
  /** Position in the generated sequence, 0-based. */
  index: number;
  name: string;
  shortName: string | null;
  kind: 'company' | 'person';
  /** The name of a branch (分公司) of this company, for a loader that finds the name taken. */
  branchName: string | null;
  taxId: string | null;
  industry: string;
  phone: string | null;
  email: string | null;
  website: string | null;
  addresses: { kind: string; text: string; postcode?: string }[];
  source: string;
  /** Any non-negative integer; the loader maps it onto the agents (ownerSlot % agents). */
  ownerSlot: number;
  /** Codes of the operations departments that serve the customer. */
  departmentCodes: string[];
  stage: Stage;
  churnReason: string | null;
  valueClass: 'A' | 'B' | 'C';
  needType: 'price' | 'service' | 'product';
  bonds: string[];
  competitors: string[];
  tags: string[];
  requirements: {
    serviceModes: ServiceMode[];
    lanes: DemoLane[];
    cargoTypes: string[];
    monthlyShipments: number;
    monthlyTeu: number | null;
    monthlyKg: number | null;
    monthlyCbm: number | null;
    frequency: string;
    specialHandling: string[];
    notes: string | null;
  };
  notes: string | null;
  createdAt: Date;
  verifiedAt: Date | null;
  contacts: DemoContact[];
  interactions: DemoInteraction[];
  followUps: DemoFollowUp[];
}

export interface DemoOptions {
  seed: number | string;
  customers: number;
  /** The moment the data is relative to (tasks due today, overdue, …). */
  now: Date;
  /** Start with the three example customers of the docs (上海远洋物流有限公司 …); default true. */
  featured?: boolean;
}

const DAY = 86_400_000;

interface PersonName {
  name: string;
  surname: Syllable;
  given: Syllable;
}

const INDIVIDUAL_GOODS = [
  '饰品',
  '五金',
  '服饰',
  '日用品',
  '工艺品',
  '包装材料',
  '电子配件',
  '箱包',
  '玩具',
  '灯饰',
];
const SHANGHAI_OFFSET = 8 * 3_600_000;

/** The three customers the brief and docs use as examples come first. */
const FEATURED = [
  {
    city: '上海',
    brand: [
      ['远', 'yuan'],
      ['洋', 'yang'],
    ],
    industry: '物流同行',
    suffix: '物流有限公司',
  },
  {
    city: '宁波',
    brand: [
      ['鑫', 'xin'],
      ['达', 'da'],
    ],
    industry: '进出口贸易',
    suffix: '进出口贸易有限公司',
  },
  {
    city: '深圳',
    brand: [
      ['华', 'hua'],
      ['科', 'ke'],
    ],
    industry: '电子电器',
    suffix: '电子有限公司',
  },
] as const;

const STAGES: [Stage, number][] = [
  ['prospect', 18],
  ['negotiating', 12],
  ['active', 45],
  ['retained', 17],
  ['churned', 8],
];
const VALUE_CLASSES: ['A' | 'B' | 'C', number][] = [
  ['A', 20],
  ['B', 30],
  ['C', 50],
];

const MODE_DEPARTMENTS: Record<ServiceMode, (lane?: DemoLane) => string | null> = {
  sea: (lane) => (lane && isChinese(lane.destination) ? 'SEA-IMP' : 'SEA-EXP'),
  air: (lane) => (lane && isChinese(lane.destination) ? 'AIR-IMP' : 'AIR-EXP'),
  rail: () => 'TRANSPORT',
  road: () => 'TRANSPORT',
  warehouse: () => 'WAREHOUSE',
  distribution: () => 'DISTRIBUTION',
  customs: () => null,
};

function isChinese(locode: string): boolean {
  return locode.startsWith('CN') || locode === 'HKHKG';
}

export function laneLabel(lane: { origin: string; destination: string }): string {
  return `${lane.origin}→${lane.destination}`;
}

/** Yields the customers one at a time. */
export function* generateCustomers(options: DemoOptions): Generator<DemoCustomer> {
  const generator = new DemoGenerator(options);
  for (let i = 0; i < options.customers; i++) yield generator.customer(i);
}

/** Yields arrays of up to `size` customers: what a loader inserts per transaction. */
export function* generateBatches(options: DemoOptions, size: number): Generator<DemoCustomer[]> {
  let batch: DemoCustomer[] = [];
  for (const customer of generateCustomers(options)) {
    batch.push(customer);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

class DemoGenerator {
  private readonly rng: Random;
  private readonly names = new Set<string>();
  private readonly orgOffset: number;
  private readonly orgStep: number;
  private readonly now: Date;

  constructor(readonly options: DemoOptions) {
    this.rng = new Random(typeof options.seed === 'number' ? options.seed : hashString(options.seed));
    this.now = options.now;
    // Organisation-code bodies walk a full cycle mod 10^8 (step coprime to 10), so no two customers
    // of one seed share a tax id.
    this.orgOffset = this.rng.int(0, 99_999_999);
    const steps = [7_654_321, 3_131_717, 9_876_543, 1_234_567, 5_550_001, 8_080_807];
    this.orgStep = this.rng.pick(steps);
  }

  customer(index: number): DemoCustomer {
    const rng = this.rng;
    const featured = this.options.featured !== false && index < FEATURED.length ? FEATURED[index] : undefined;
    const city = featured
      ? CITIES.find((c) => c.name === featured.city)!
      : rng.weighted(CITIES.map((c) => [c, c.weight] as const));
    const district = rng.pick(city.districts);
    const industry = featured
      ? INDUSTRIES.find((i) => i.name === featured.industry)!
      : rng.weighted(INDUSTRIES.map((i) => [i, i.weight] as const));
    const shape = featured
      ? 'company'
      : rng.weighted<'company' | 'individual' | 'person'>([
          ['company', 94],
          ['individual', 4],
          ['person', 2],
        ]);

    const createdAt = this.pastDay(rng.int(20, 5 * 365), rng.int(9, 17));
    const stage = featured ? 'active' : rng.weighted(STAGES);
    const valueClass = featured ? (['A', 'B', 'A'] as const)[index] : rng.weighted(VALUE_CLASSES);

    let name: string;
    let shortName: string | null;
    let domain: string | null;
    let taxId: string | null;
    const orgBody = String((this.orgOffset + index * this.orgStep) % 100_000_000).padStart(8, '0');
    let person: PersonName | null = null;
    if (shape === 'person') {
      person = this.personName();
      name = person.name;
      shortName = null;
      domain = null;
      taxId = null;
    } else if (shape === 'individual') {
      const place = `${city.name}市${district.name.replace(/(区|街道|镇|市)$/, '')}`;
      let surname = rng.pick(SURNAMES);
      let goods = rng.pick(INDIVIDUAL_GOODS);
      for (let attempt = 0; this.taken(`${place}${surname[0]}记${goods}商行`) && attempt < 50; attempt++) {
        surname = rng.pick(SURNAMES);
        goods = rng.pick(INDIVIDUAL_GOODS);
      }
      name = this.unique(`${place}${surname[0]}记${goods}商行`);
      shortName = `${surname[0]}记${goods}`;
      domain = null;
      taxId = makeUscc('9', '2', district.division, orgBody);
    } else {
      let brand: readonly (readonly [string, string])[] = featured ? featured.brand : this.brand();
      let suffix: string = featured ? featured.suffix : rng.pick(industry.suffixes);
      const group = !featured && rng.chance(0.04) && valueClass === 'A';
      const compose = () => {
        const full = `${city.name}${brand[0][0]}${brand[1][0]}${suffix}`;
        return group ? full.replace(/有限公司$/, '（集团）有限公司') : full;
      };
      for (let attempt = 0; this.taken(compose()) && attempt < 50; attempt++) {
        brand = this.brand();
        suffix = rng.pick(industry.suffixes);
      }
      // Same brand in another district of the city: registered names may carry the district.
      const candidate = this.taken(compose())
        ? compose().replace(city.name, `${city.name}${district.name.replace(/(区|街道|镇)$/, '')}`)
        : compose();
      name = this.unique(candidate);
      shortName = `${brand[0][0]}${brand[1][0]}${industry.short}`;
      domain = `${brand[0][1]}${brand[1][1]}-${industry.slug}.${rng.pick(['com', 'com.cn', 'cn', 'com'])}`;
      taxId = makeUscc('9', '1', district.division, orgBody);
    }

    const modes = this.serviceModes(industry);
    const importer = rng.chance(
      ['食品饮料', '医药医疗器械', '机械设备'].includes(industry.name) ? 0.45 : 0.15,
    );
    const lanes = this.lanes(city, modes, importer, valueClass);
    const departmentCodes = [
      ...new Set(
        modes.flatMap((mode) => {
          const modeLanes = lanes.filter((l) => l.mode === mode);
          const codes = modeLanes.length
            ? modeLanes.map((l) => MODE_DEPARTMENTS[mode](l))
            : [MODE_DEPARTMENTS[mode]()];
          return codes.filter((c): c is string => c !== null);
        }),
      ),
    ];
    const monthlyShipments =
      valueClass === 'A' ? rng.int(20, 120) : valueClass === 'B' ? rng.int(8, 40) : rng.int(1, 12);
    const cargoTypes = rng.sample(industry.cargoTypes, rng.int(1, Math.min(3, industry.cargoTypes.length)));
    const specialHandling = industry.specialHandling.filter(() => rng.chance(0.5));

    const contacts = this.contacts(shape, name, domain, city, createdAt, person);
    const churnReason = stage === 'churned' ? rng.pick(CHURN_REASONS) : null;
    const competitors = rng.chance(0.7) ? rng.sample(COMPETITORS, rng.int(1, 2)) : [];
    const bonds = this.bonds(stage, valueClass);
    const tags = this.tags(valueClass, stage, modes, specialHandling);
    const address = this.address(city, district);
    const addresses: DemoCustomer['addresses'] = [{ kind: 'office', ...address }];
    if (shape === 'company' && rng.chance(0.35)) {
      const warehouse = this.address(city, rng.pick(city.districts));
      addresses.push({ kind: rng.pick(['warehouse', 'pickup']), ...warehouse });
    }

    const verifiedAt =
      stage === 'prospect' && rng.chance(0.5)
        ? null
        : new Date(Math.max(createdAt.getTime(), this.pastDay(rng.int(1, 400), 10).getTime()));

    const customer: DemoCustomer = {
      index,
      name,
      shortName,
      kind: shape === 'person' ? 'person' : 'company',
      branchName:
        shape === 'company' ? `${name}${district.name.replace(/(区|街道|镇|市)$/, '')}分公司` : null,
      taxId,
      industry: industry.name,
      phone: shape === 'person' ? contacts[0].phones[0] : this.landline(city),
      email:
        domain && rng.chance(0.6) ? `${rng.pick(['info', 'sales', 'logistics', 'service'])}@${domain}` : null,
      website: domain && rng.chance(0.5) ? `https://www.${domain}` : null,
      addresses,
      source: featured ? '老客户推荐' : rng.weighted(SOURCES),
      ownerSlot: rng.uint32(),
      departmentCodes,
      stage,
      churnReason,
      valueClass,
      needType: rng.weighted([
        ['price', industry.needs[0]],
        ['service', industry.needs[1]],
        ['product', industry.needs[2]],
      ]),
      bonds,
      competitors,
      tags,
      requirements: {
        serviceModes: modes,
        lanes,
        cargoTypes,
        monthlyShipments,
        monthlyTeu: modes.includes('sea')
          ? Math.max(1, Math.round((monthlyShipments * rng.int(8, 25)) / 10))
          : null,
        monthlyKg: modes.includes('air') ? monthlyShipments * rng.int(150, 1800) : null,
        monthlyCbm: modes.includes('warehouse') || modes.includes('distribution') ? rng.int(20, 800) : null,
        frequency:
          monthlyShipments >= 60
            ? 'daily'
            : monthlyShipments >= 20
              ? 'several_per_week'
              : monthlyShipments >= 8
                ? 'weekly'
                : monthlyShipments >= 2
                  ? 'monthly'
                  : 'irregular',
        specialHandling,
        notes: this.requirementNotes(industry, specialHandling, modes),
      },
      notes: rng.chance(0.3) ? rng.pick(CUSTOMER_NOTES) : null,
      createdAt,
      verifiedAt,
      contacts,
      interactions: [],
      followUps: [],
    };
    customer.interactions = this.interactions(customer);
    customer.followUps = this.followUps(customer);
    return customer;
  }

  /** Names are compared the way duplicate detection does (有限公司, （集团） and the like do not count). */
  private taken(name: string): boolean {
    return this.names.has(normalizeCompanyName(name));
  }

  private unique(name: string): string {
    let candidate = name;
    for (let n = 2; this.taken(candidate); n++) candidate = name.replace(/(有限公司|商行)?$/, `第${n}分公司`);
    this.names.add(normalizeCompanyName(candidate));
    return candidate;
  }

  private brand(): [Syllable, Syllable] {
    for (;;) {
      const first = this.rng.pick(BRAND_FIRST);
      const second = this.rng.pick(BRAND_SECOND);
      if (first[0] !== second[0]) return [first, second];
    }
  }

  private personName(): PersonName {
    const surname = this.rng.pick(SURNAMES);
    const given = this.rng.pick(GIVEN_NAMES);
    return { name: surname[0] + given[0], surname, given };
  }

  mobile(): string {
    return this.rng.pick(MOBILE_PREFIXES) + this.rng.digits(8);
  }

  private landline(city: City): string {
    return `${city.areaCode}-${this.rng.int(2, 8)}${this.rng.digits(7)}`;
  }

  private address(city: City, district: District): { text: string; postcode: string } {
    const rng = this.rng;
    const building = rng.chance(0.5)
      ? `${rng.int(1, 12)}幢${rng.int(1, 18)}0${rng.int(1, 9)}室`
      : `${rng.int(1, 6)}号厂房`;
    const text = `${city.province}${city.name}市${district.name}${rng.pick(ROADS)}${rng.int(1, 2999)}号${building}`;
    return { text, postcode: district.postcode };
  }

  private serviceModes(industry: Industry): ServiceMode[] {
    const entries = Object.entries(industry.modes) as [ServiceMode, number][];
    const count = this.rng.weighted([
      [1, 4],
      [2, 4],
      [3, 2],
    ]);
    const modes: ServiceMode[] = [];
    while (modes.length < Math.min(count, entries.length)) {
      const mode = this.rng.weighted(entries.filter(([m]) => !modes.includes(m)));
      modes.push(mode);
    }
    // Customs brokerage alone is not a freight relationship: pair it with the main mode.
    if (modes.length === 1 && modes[0] === 'customs')
      modes.unshift(entries[0][0] === 'customs' ? 'sea' : entries[0][0]);
    return modes;
  }

  private lanes(city: City, modes: ServiceMode[], importer: boolean, valueClass: string): DemoLane[] {
    const rng = this.rng;
    const lanes: DemoLane[] = [];
    const perMode = valueClass === 'A' ? 3 : valueClass === 'B' ? 2 : 1;
    const add = (lane: DemoLane) => {
      if (lane.origin === lane.destination) return;
      if (
        !lanes.some(
          (l) => l.origin === lane.origin && l.destination === lane.destination && l.mode === lane.mode,
        )
      )
        lanes.push(lane);
    };
    for (const mode of modes) {
      const n = rng.int(1, perMode);
      for (let i = 0; i < n; i++) {
        if (mode === 'sea') {
          const home = rng.pick(city.seaPorts);
          const abroad = rng.pick(SEA_PORTS).code;
          add(
            importer && rng.chance(0.7)
              ? { origin: abroad, destination: home, mode }
              : { origin: home, destination: abroad, mode },
          );
        } else if (mode === 'air') {
          const home = rng.pick(city.airports);
          const abroad = rng.pick(AIRPORTS).code;
          add(
            importer && rng.chance(0.7)
              ? { origin: abroad, destination: home, mode }
              : { origin: home, destination: abroad, mode },
          );
        } else if (mode === 'rail') {
          const origin = RAIL_ORIGINS.includes(city.locode) ? city.locode : rng.pick(RAIL_ORIGINS);
          add({ origin, destination: rng.pick(RAIL_TERMINALS).code, mode });
        } else if (mode === 'road' || mode === 'distribution') {
          const other = rng.pick(CITIES.filter((c) => c.locode !== city.locode));
          add({ origin: city.locode, destination: other.locode, mode });
        }
      }
    }
    return lanes;
  }

  private contacts(
    shape: 'company' | 'individual' | 'person',
    companyName: string,
    domain: string | null,
    city: City,
    createdAt: Date,
    self: PersonName | null,
  ): DemoContact[] {
    const rng = this.rng;
    const count =
      shape === 'company'
        ? rng.weighted([
            [1, 3],
            [2, 4],
            [3, 2],
            [4, 1],
          ])
        : 1;
    const contacts: DemoContact[] = [];
    const founded = `${rng.int(1995, Math.min(2021, createdAt.getUTCFullYear()))}-${this.monthDay()}`;
    for (let i = 0; i < count; i++) {
      // A private customer is its own contact.
      const person = self ?? this.personName();
      const title =
        shape === 'company' ? rng.weighted(CONTACT_TITLES) : shape === 'individual' ? '店主' : '个人客户';
      const phones = [this.mobile()];
      if (shape === 'company' && rng.chance(0.3))
        phones.push(`${this.landline(city)}${rng.chance(0.5) ? `转${rng.int(800, 8999)}` : ''}`);
      const given = person.given[1];
      const email =
        domain && rng.chance(0.8)
          ? `${rng.chance(0.5) ? `${given}.${person.surname[1]}` : `${person.surname[1]}${given}`}@${domain}`
          : rng.chance(0.5)
            ? `${person.surname[1]}${given}${rng.int(1, 999)}@${rng.pick(FREE_MAIL_DOMAINS)}`
            : null;
      const importantDates: DemoContact['importantDates'] = [];
      if (rng.chance(0.35)) importantDates.push({ kind: 'birthday', label: '生日', date: this.monthDay() });
      if (i === 0 && shape === 'company' && rng.chance(0.6))
        importantDates.push({
          kind: 'company_anniversary',
          label: `${shortCompany(companyName)}成立纪念日`,
          date: founded,
        });
      contacts.push({
        name: person.name,
        title,
        phones,
        email,
        wechat: rng.chance(0.6)
          ? rng.chance(0.5)
            ? `wxid_${this.lowerAlnum(10)}`
            : `${person.surname[1]}${given}${rng.int(1, 99)}`
          : null,
        preferredChannel: rng.weighted(CONTACT_CHANNELS),
        contactFrequency: rng.weighted(CONTACT_FREQUENCIES),
        doNotContact: i > 0 && rng.chance(0.04),
        isPrimary: i === 0,
        importantDates,
        notes: rng.chance(0.15) ? rng.pick(CONTACT_NOTES) : null,
      });
    }
    return contacts;
  }

  private bonds(stage: Stage, valueClass: string): string[] {
    if (stage === 'prospect' || stage === 'negotiating') return [];
    const rng = this.rng;
    const weight = valueClass === 'A' ? 0.7 : valueClass === 'B' ? 0.45 : 0.2;
    const bonds: string[] = [];
    if (rng.chance(weight)) bonds.push('financial');
    if (rng.chance(weight)) bonds.push('social');
    if (rng.chance(weight / 2)) bonds.push('structural');
    return bonds;
  }

  private tags(valueClass: string, stage: Stage, modes: ServiceMode[], handling: string[]): string[] {
    const rng = this.rng;
    const tags = new Set<string>();
    if (stage === 'active' || stage === 'retained') tags.add(rng.pick(TAGS_BY_KIND.contract));
    if (rng.chance(0.5)) tags.add(rng.pick(TAGS_BY_KIND.service));
    if (rng.chance(0.35)) tags.add(rng.pick(TAGS_BY_KIND.attention));
    if (valueClass === 'A' && rng.chance(0.5)) tags.add('战略客户');
    if (handling.includes('hazmat')) tags.add('危险品');
    if (handling.includes('cold_chain')) tags.add('冷链');
    if (modes.includes('customs') && rng.chance(0.5)) tags.add('需报关');
    return [...tags];
  }

  private requirementNotes(industry: Industry, handling: string[], modes: ServiceMode[]): string | null {
    const rng = this.rng;
    if (handling.includes('hazmat'))
      return industry.slug === 'chem'
        ? '危险品需提供MSDS及危包证，订舱提前7天'
        : '含锂电池（第9类危险品），需UN38.3报告及运输鉴定书';
    if (handling.includes('cold_chain')) return '全程温控2–8℃，需提供温度记录';
    if (modes.includes('warehouse') && rng.chance(0.5)) return '入仓需贴箱唛，按SKU分区存放';
    return rng.chance(0.3) ? rng.pick(REQUIREMENT_NOTES) : null;
  }

  private interactions(customer: DemoCustomer): DemoInteraction[] {
    const rng = this.rng;
    const counts: Record<Stage, [number, number]> = {
      prospect: [0, 2],
      negotiating: [1, 4],
      active: [2, 6],
      retained: [1, 4],
      churned: [1, 3],
    };
    const [min, max] = counts[customer.stage];
    const n = rng.int(min, max) + (customer.valueClass === 'A' ? 1 : 0);
    const ageDays = Math.max(1, Math.floor((this.now.getTime() - customer.createdAt.getTime()) / DAY));
    const result: DemoInteraction[] = [];
    for (let i = 0; i < n; i++) {
      const daysAgo = rng.int(0, Math.min(ageDays, customer.stage === 'churned' ? 400 : 240));
      const hour = rng.int(9, 17);
      const minute = rng.int(0, 59);
      // Later today has not happened yet: yesterday then (no extra draw, so `now` never shifts the sequence).
      const at = this.pastDay(daysAgo, hour, minute);
      const occurredAt = at > this.now ? this.pastDay(daysAgo + 1, hour, minute) : at;
      const lane = customer.requirements.lanes.length ? rng.pick(customer.requirements.lanes) : null;
      const template = rng.pick(INTERACTION_TEMPLATES.filter((t) => t.when(customer, lane)));
      const text = template.make(rng, customer, lane);
      const contact = customer.contacts.length ? rng.int(0, customer.contacts.length - 1) : null;
      const by = template.department ? (template.department(customer, lane) ?? 'owner') : 'owner';
      result.push({
        contact:
          template.direction === 'outbound' && contact !== null && customer.contacts[contact].doNotContact
            ? 0
            : contact,
        by,
        channel: template.channel ?? rng.pick(['phone', 'wechat', 'email']),
        direction: template.direction,
        summary: text.summary,
        outcome: text.outcome,
        nextStep: text.nextStep,
        occurredAt,
      });
    }
    return result.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  }

  private followUps(customer: DemoCustomer): DemoFollowUp[] {
    const rng = this.rng;
    const result: DemoFollowUp[] = [];
    if (customer.stage === 'churned') {
      if (rng.chance(0.3))
        result.push({
          contact: 0,
          kind: 'manual',
          title: '流失客户挽回：了解转走原因并提供新航线报价',
          notes: customer.churnReason,
          dueAt: this.futureDay(rng.int(3, 30)),
          status: 'open',
          result: null,
          completedAt: null,
        });
      return result;
    }
    // History: periodic visits already done.
    const done = customer.stage === 'prospect' ? 0 : rng.int(0, customer.valueClass === 'A' ? 3 : 1);
    for (let i = 0; i < done; i++) {
      const dueAt = this.pastDay(rng.int(10, 200), 10);
      if (dueAt < customer.createdAt) continue;
      const completedAt = new Date(dueAt.getTime() + rng.int(-2, 3) * DAY + rng.int(0, 6) * 3_600_000);
      result.push({
        contact: 0,
        kind: 'periodic',
        title: `定期回访（${customer.valueClass}类客户，${intervalName(DEFAULT_PLAN_INTERVALS[customer.valueClass])}）`,
        notes: null,
        dueAt,
        status: rng.chance(0.92) ? 'done' : 'cancelled',
        result: rng.pick(FOLLOW_UP_RESULTS),
        completedAt: completedAt > this.now ? this.now : completedAt,
      });
    }
    for (const task of result)
      if (task.status === 'cancelled') task.result = '客户联系人休假，改期至下次回访';
    // Open work: some overdue, some due today, most upcoming.
    if (rng.chance(customer.stage === 'prospect' || customer.stage === 'negotiating' ? 0.5 : 0.35)) {
      const when = rng.weighted<'overdue' | 'today' | 'upcoming'>([
        ['overdue', 15],
        ['today', 10],
        ['upcoming', 75],
      ]);
      const dueAt =
        when === 'overdue'
          ? this.pastDay(rng.int(1, 20), rng.int(9, 17))
          : when === 'today'
            ? this.todayLater()
            : this.futureDay(rng.int(1, 60));
      const lane = customer.requirements.lanes[0];
      const template = rng.pick(OPEN_TASKS.filter((t) => t.stages.includes(customer.stage)));
      result.push({
        contact: 0,
        kind: 'manual',
        title: template.title(lane ? laneLabel(lane) : customer.industry),
        notes: template.notes,
        dueAt,
        status: 'open',
        result: null,
        completedAt: null,
      });
    }
    return result;
  }

  private monthDay(): string {
    const month = this.rng.int(1, 12);
    const day = this.rng.int(1, [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]);
    return `${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  }

  private lowerAlnum(length: number): string {
    const chars = 'abcdefghijkmnpqrstuvwxyz23456789';
    let out = '';
    for (let i = 0; i < length; i++) out += chars[this.rng.int(0, chars.length - 1)];
    return out;
  }

  /** A moment `days` ago at the given Shanghai wall-clock time. */
  private pastDay(days: number, hour: number, minute = 0): Date {
    return shanghaiTime(this.now, -days, hour, minute);
  }

  private futureDay(days: number): Date {
    return shanghaiTime(this.now, days, this.rng.int(9, 17), this.rng.pick([0, 30]));
  }

  /** Later today in Shanghai, or 23:00 when the working day is over. */
  private todayLater(): Date {
    const hourNow = new Date(this.now.getTime() + SHANGHAI_OFFSET).getUTCHours();
    // Always draw, so that what follows does not depend on the time of day.
    const roll = this.rng.next();
    const hour = hourNow >= 19 ? 23 : hourNow + 1 + Math.floor(roll * (19 - hourNow));
    return shanghaiTime(this.now, 0, hour, 0);
  }
}

/** The instant of the given Shanghai wall-clock time `dayOffset` days from `now`'s Shanghai date. */
export function shanghaiTime(now: Date, dayOffset: number, hour: number, minute = 0): Date {
  const local = new Date(now.getTime() + SHANGHAI_OFFSET);
  return new Date(
    Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + dayOffset, hour, minute) -
      SHANGHAI_OFFSET,
  );
}

function shortCompany(name: string): string {
  return name.replace(/(（集团）)?(股份)?有限公司$/, '');
}

const CUSTOMER_NOTES = [
  '付款账期30天，每月25日对账',
  '客户要求每票货提供装箱照片',
  '老板重视时效，价格可适当上浮',
  '旺季（8–10月）需提前两周锁舱',
  '目的港指定代理，需按客户指定代理操作',
  '发票需注明合同号',
  '客户有自己的报关行，我司只做运输',
];

const CONTACT_NOTES = [
  '上午忙于生产会议，下午联系为宜',
  '只接受微信沟通',
  '英文邮件沟通',
  '决策人，重大事项需找他确认',
];

const REQUIREMENT_NOTES = [
  '整柜为主，偶有拼箱',
  '要求船公司为COSCO或MSK',
  '需要目的港派送到门',
  '每周二截单',
];

const FOLLOW_UP_RESULTS = [
  '客户对近期服务满意，下月预计增加出货量',
  '客户反馈旺季舱位紧张，希望提前锁舱',
  '已了解新项目需求，安排报价',
  '客户对单证及时性提出改进意见，已转单证组',
  '联系人更换，已更新新联系人信息',
];

interface InteractionText {
  summary: string;
  outcome: string | null;
  nextStep: string | null;
}

interface InteractionTemplate {
  direction: 'inbound' | 'outbound';
  channel?: string;
  when: (customer: DemoCustomer, lane: DemoLane | null) => boolean;
  department?: (customer: DemoCustomer, lane: DemoLane | null) => string | null;
  make: (rng: Random, customer: DemoCustomer, lane: DemoLane | null) => InteractionText;
}

const always = () => true;
const laneDepartment = (_c: DemoCustomer, lane: DemoLane | null) =>
  lane ? MODE_DEPARTMENTS[lane.mode](lane) : null;

const INTERACTION_TEMPLATES: InteractionTemplate[] = [
  {
    direction: 'inbound',
    when: (_c, lane) => lane?.mode === 'sea',
    make: (rng, c, lane) => ({
      summary: `咨询${laneLabel(lane!)}${rng.pick(['20GP', '40GP', '40HQ'])}下周船期及运价，货物为${rng.pick(c.requirements.cargoTypes)}`,
      outcome: rng.pick(['已报价，等待客户确认', '客户确认订舱', '客户嫌价格偏高，需再议']),
      nextStep: rng.pick(['明天上午跟进报价结果', '发送订舱确认书', '申请特价后回复客户']),
    }),
  },
  {
    direction: 'inbound',
    when: (_c, lane) => lane?.mode === 'air',
    make: (rng, c, lane) => ({
      summary: `询问${laneLabel(lane!)}空运价格，约${rng.int(2, 60) * 50}公斤${rng.pick(c.requirements.cargoTypes)}，要求${rng.int(2, 5)}天内到达`,
      outcome: rng.pick(['已报直飞和中转两个方案', '客户选择直飞方案并已订舱', '航班舱位已满，建议改期']),
      nextStep: rng.pick(['确认航班后通知客户', '提供入仓地址和唛头要求', null]),
    }),
  },
  {
    direction: 'inbound',
    channel: 'phone',
    when: (_c, lane) => lane !== null && (lane.mode === 'sea' || lane.mode === 'air'),
    department: laneDepartment,
    make: (rng, _c, lane) => ({
      summary: `反馈上一票${laneLabel(lane!)}货物${rng.pick(['在目的港清关延误', '晚于承诺时间到达', '外箱破损', '提单信息有误'])}，要求说明原因`,
      outcome: rng.pick([
        '已联系目的港代理核实，当天回复客户',
        '已安排补发正确单证',
        '确认为船公司甩柜，已争取下一班船',
      ]),
      nextStep: rng.pick(['两天后回访确认问题是否解决', '整理事故报告发给客户', '跟踪货物到港并通知客户']),
    }),
  },
  {
    direction: 'inbound',
    channel: 'wechat',
    when: always,
    make: (rng) => ({
      summary: rng.pick([
        '催要本月对账单及发票',
        '咨询报关所需单证清单',
        '确认提货时间和司机联系方式',
        '询问货物当前位置',
      ]),
      outcome: rng.pick(['已发送', '已答复', '已转相关部门处理']),
      nextStep: null,
    }),
  },
  {
    direction: 'outbound',
    channel: 'phone',
    when: (c) => c.stage !== 'prospect',
    make: (rng, _c, lane) => ({
      summary: `定期回访：了解近期出货计划${lane ? `，客户预计下月${laneLabel(lane)}增加${rng.int(1, 8)}票` : ''}`,
      outcome: rng.pick(['客户对服务总体满意', '客户提出希望缩短单证出单时间', '客户暂无新需求']),
      nextStep: rng.pick(['下季度再回访', '将改进意见反馈给操作部门', null]),
    }),
  },
  {
    direction: 'outbound',
    channel: 'email',
    when: (c) => c.requirements.lanes.length > 0,
    make: (rng, c, lane) => ({
      summary: `发送${laneLabel(lane ?? c.requirements.lanes[0])}最新运价表${c.competitors.length ? `，客户表示会与${c.competitors[0]}比价` : ''}`,
      outcome: rng.pick(['客户已收到', '客户回复价格有竞争力', null]),
      nextStep: rng.pick(['三天后电话跟进', '周五前跟进报价结果']),
    }),
  },
  {
    direction: 'outbound',
    channel: 'visit',
    when: (c) => c.valueClass !== 'C' || c.stage === 'negotiating',
    make: (rng, c) => ({
      summary: `上门拜访${c.contacts[0]?.title ?? '负责人'}，介绍${rng.pick(['仓储+配送一体化服务', '中欧班列新线路', '海外仓及FBA头程服务', '报关报检一站式服务'])}`,
      outcome: rng.pick(['客户有兴趣，索要方案', '客户近期无计划', '达成初步合作意向']),
      nextStep: rng.pick(['一周内提交服务方案', '安排操作部门现场评估', '下月再次拜访']),
    }),
  },
  {
    direction: 'outbound',
    channel: 'phone',
    when: (_c, lane) => lane?.mode === 'sea',
    department: laneDepartment,
    make: (rng, _c, lane) => ({
      summary: `通知客户${laneLabel(lane!)}船期调整，截关时间提前${rng.int(1, 2)}天`,
      outcome: '客户已知悉，将提前安排装箱',
      nextStep: null,
    }),
  },
  {
    direction: 'inbound',
    channel: 'phone',
    when: (c) =>
      c.requirements.serviceModes.includes('warehouse') ||
      c.requirements.serviceModes.includes('distribution'),
    department: (c) => (c.requirements.serviceModes.includes('warehouse') ? 'WAREHOUSE' : 'DISTRIBUTION'),
    make: (rng) => ({
      summary: rng.pick([
        '要求加急出库200箱，明天上午送达门店',
        '反馈配送司机未按预约时间到达',
        '咨询仓库月度库存报表',
      ]),
      outcome: rng.pick(['仓库已安排加班出库', '已向客户致歉并调整排班', '已发送报表']),
      nextStep: rng.pick(['次日确认签收情况', null]),
    }),
  },
];

const OPEN_TASKS: { stages: Stage[]; title: (subject: string) => string; notes: string | null }[] = [
  {
    stages: ['prospect', 'negotiating'],
    title: (s) => `跟进${s}报价反馈`,
    notes: '客户在比价，注意突出时效优势',
  },
  { stages: ['prospect'], title: () => '首次拜访，了解物流需求', notes: null },
  { stages: ['negotiating'], title: () => '提交年度合作方案及合同草案', notes: null },
  { stages: ['active', 'retained'], title: (s) => `回访${s}近期服务体验`, notes: null },
  { stages: ['active', 'retained'], title: () => '核对上月账单并确认付款时间', notes: null },
  { stages: ['active', 'retained'], title: () => '确认旺季舱位需求', notes: '8–10月旺季，提前锁定舱位' },
  { stages: ['active'], title: () => '了解新项目出货计划', notes: null },
];
