import { type SQL, and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/index.ts';
import { type Actor, isStaff } from '../../domain/access.ts';
import { fromZoned, zonedParts } from '../../domain/followups.ts';
import {
  type IndexNode,
  type LocalDate,
  type Moments,
  type Period,
  leavesOf,
  meanCiFromMoments,
  periodBounds,
  periodsBetween,
  rescale,
  rescaleMoments,
  rollUp,
} from '../../domain/satisfaction/index.ts';
import {
  type IpaQuadrant,
  gap,
  globalWeights,
  ipaQuadrants,
  scaleToMean,
} from '../../domain/satisfaction/ipa.ts';
import type { ModelNode } from '../../domain/satisfaction/model.ts';
import type { AppContext } from '../../server/context.ts';
import { forbidden, notFound, validationFailed } from '../../server/problems.ts';
import { customers } from '../customers/tables.ts';
import { departments } from '../departments/tables.ts';
import { satisfactionModelVersions, satisfactionModels } from './tables.ts';

export const GROUP_BYS = ['customer', 'valueClass', 'department', 'mode', 'lane', 'period', 'none'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

export interface IndexFilters {
  modelId: string;
  versionId?: string;
  from?: string;
  to?: string;
  customerId?: string;
  valueClass?: string;
  departmentId?: string;
  mode?: string;
  lane?: string;
}

export interface IndexQuery extends IndexFilters {
  groupBy?: GroupBy;
  period?: Period;
}

export interface IndexGroup {
  key: string | null;
  label: string;
  responses: number;
  overall: IndexNode | null;
  dimensions: IndexNode[];
}

export interface TrendPoint {
  period: string;
  label: string;
  start: string;
  end: string;
  value: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  responses: number;
  insufficient: boolean;
  dimensions: Record<string, number | null>;
}

export interface IpaElement {
  itemKey: string;
  nameZh: string;
  nameEn: string;
  serviceElement: string | null;
  importance: number;
  importanceSd: number | null;
  performance: number;
  performanceSd: number | null;
  ideal: number | null;
  gap: number | null;
  answers: number;
  quadrant: IpaQuadrant;
}

/** Per group (null = the whole filter): moments per leaf of effective scores, per inner node of response scores. */
interface GroupStats {
  leaves: Record<string, Moments>;
  inner: Record<string, Moments>;
}

const DAY_MS = 86_400_000;
/** Without from/to, the last twelve months. */
const DEFAULT_SPAN_DAYS = 365;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

async function rowsOf<T>(db: DbOrTx, statement: SQL): Promise<T[]> {
  const result = (await db.execute(statement)) as unknown as { rows: T[] };
  return result.rows;
}

/** Each node's depth from the root (1), whatever `level` says, and whether it is a leaf. */
function treeRows(nodes: readonly ModelNode[]) {
  const byKey = new Map(nodes.map((n) => [n.key, n]));
  const parents = new Set(nodes.map((n) => n.parentKey));
  const depthOf = (n: ModelNode, guard = 0): number => {
    if (n.parentKey === null || guard > 10) return 1;
    const parent = byKey.get(n.parentKey);
    return parent ? depthOf(parent, guard + 1) + 1 : 1;
  };
  return nodes.map((n) => ({
    key: n.key,
    parent: n.parentKey,
    weight: Math.max(0, Number(n.weight) || 0),
    depth: depthOf(n),
    leaf: !parents.has(n.key),
    reverse: n.reverse === true,
  }));
}

function localDateOf(instant: Date, timeZone: string): LocalDate {
  const { year, month, day } = zonedParts(instant, timeZone);
  return { year, month, day };
}

function startOfLocal(date: LocalDate, timeZone: string): Date {
  return fromZoned({ ...date, hour: 0, minute: 0, second: 0, millisecond: 0 }, timeZone);
}

/**
 * The satisfaction index (SPEC §7): per-leaf and per-response aggregates in one grouped SQL
 * statement, the roll-up over the tree in the domain; breakdowns, trend and IPA.
 */
export class SatisfactionIndexService {
  constructor(protected readonly ctx: AppContext) {}

  private requireStaff(actor: Actor) {
    if (!isStaff(actor)) throw forbidden('Satisfaction figures are for staff.');
  }

  /** The version whose tree and weights the roll-up uses: the given one (of this model) or the current one. */
  async resolveVersion(modelId: string, versionId?: string, db: DbOrTx = this.ctx.db) {
    const [model] = await db.select().from(satisfactionModels).where(eq(satisfactionModels.id, modelId));
    if (!model) throw notFound('Satisfaction model');
    let version: typeof satisfactionModelVersions.$inferSelect | undefined;
    if (versionId) {
      [version] = await db
        .select()
        .from(satisfactionModelVersions)
        .where(
          and(eq(satisfactionModelVersions.id, versionId), eq(satisfactionModelVersions.modelId, modelId)),
        );
      if (!version) throw notFound('Model version');
    } else if (model.currentVersionId) {
      [version] = await db
        .select()
        .from(satisfactionModelVersions)
        .where(eq(satisfactionModelVersions.id, model.currentVersionId));
    }
    if (!version) {
      [version] = await db
        .select()
        .from(satisfactionModelVersions)
        .where(eq(satisfactionModelVersions.modelId, modelId))
        .orderBy(desc(satisfactionModelVersions.version))
        .limit(1);
    }
    if (!version) throw notFound('Model version');
    return { model, version };
  }

  /** from/to as instants; 422 when unreadable or reversed. */
  private async range(q: { from?: string; to?: string }): Promise<{ from: Date; to: Date }> {
    const timeZone = await this.ctx.services.settings.displayTimeZone();
    // A bare date is a local day in the display zone; `to` as a date includes that day.
    const instant = (text: string, nextDay: boolean): Date => {
      const day = DATE_ONLY.exec(text);
      if (!day) return new Date(text);
      if (Number(day[2]) < 1 || Number(day[2]) > 12 || Number(day[3]) < 1 || Number(day[3]) > 31) {
        return new Date(Number.NaN);
      }
      const date = new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]) + (nextDay ? 1 : 0)));
      if (Number.isNaN(date.getTime())) return date;
      return startOfLocal(
        { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() },
        timeZone,
      );
    };
    const to = q.to ? instant(q.to, true) : this.ctx.now();
    const from = q.from ? instant(q.from, false) : new Date(to.getTime() - DEFAULT_SPAN_DAYS * DAY_MS);
    const problems: { field: string; message: string }[] = [];
    if (Number.isNaN(to.getTime())) problems.push({ field: 'to', message: 'must be a date or date-time' });
    if (Number.isNaN(from.getTime()))
      problems.push({ field: 'from', message: 'must be a date or date-time' });
    if (!problems.length && from.getTime() >= to.getTime()) {
      problems.push({ field: 'from', message: 'must be before to' });
    }
    if (problems.length) throw validationFailed(problems);
    return { from, to };
  }

  private filterSql(q: IndexFilters, range: { from: Date; to: Date }): SQL {
    const parts: SQL[] = [
      sql`r.model_id = ${q.modelId}`,
      sql`r.status = 'complete'`,
      sql`r.submitted_at >= ${range.from.toISOString()}::timestamptz`,
      sql`r.submitted_at < ${range.to.toISOString()}::timestamptz`,
    ];
    if (q.customerId) parts.push(sql`r.customer_id = ${q.customerId}`);
    if (q.valueClass) parts.push(sql`r.value_class = ${q.valueClass}`);
    if (q.departmentId) parts.push(sql`r.department_id = ${q.departmentId}`);
    if (q.mode) parts.push(sql`r.mode = ${q.mode}`);
    if (q.lane) parts.push(sql`r.lane = ${q.lane}`);
    return sql.join(parts, sql` and `);
  }

  private groupSql(groupBy: GroupBy, period: Period, timeZone: string): SQL {
    const local = sql`(r.submitted_at at time zone ${timeZone})`;
    switch (groupBy) {
      case 'customer':
        return sql`r.customer_id::text`;
      case 'valueClass':
        return sql`r.value_class`;
      case 'department':
        return sql`r.department_id::text`;
      case 'mode':
        return sql`r.mode`;
      case 'lane':
        return sql`r.lane`;
      case 'period':
        switch (period) {
          case 'month':
            return sql`to_char(${local}, 'YYYY-MM')`;
          case 'quarter':
            return sql`to_char(${local}, 'YYYY') || '-Q' || to_char(${local}, 'Q')`;
          case 'half':
            return sql`to_char(${local}, 'YYYY') || case when extract(month from ${local}) <= 6 then '-H1' else '-H2' end`;
          case 'year':
            return sql`to_char(${local}, 'YYYY')`;
        }
        break;
      case 'none':
        return sql`null::text`;
    }
    return sql`null::text`;
  }

  /**
   * One statement: leaf answers' moments (effective scores 1..5) per group and item, and each
   * response's own roll-up (level by level, weights renormalised over what it answered) whose
   * moments per group and inner node give the responses count and the interval width. Grouping
   * sets give the groups and the whole filter (grouping(g) = 1) at once.
   */
  async aggregate(
    nodes: readonly ModelNode[],
    q: IndexFilters,
    range: { from: Date; to: Date },
    groupBy: GroupBy,
    period: Period,
    timeZone: string,
    db: DbOrTx = this.ctx.db,
  ): Promise<{ overall: GroupStats; groups: Map<string | null, GroupStats> }> {
    const tree = treeRows(nodes);
    const maxDepth = Math.max(1, ...tree.map((t) => t.depth));
    const ctes: SQL[] = [
      sql`tree as (select * from jsonb_to_recordset(${JSON.stringify(tree)}::jsonb)
        as t(key text, parent text, weight float8, depth int, leaf bool, reverse bool))`,
      sql`resp as (select r.id, ${this.groupSql(groupBy, period, timeZone)} as g
        from survey_responses r where ${this.filterSql(q, range)})`,
      sql`s0 as (select resp.id as rid, resp.g, a.item_key as key, t.depth,
        (case when t.reverse then 6 - a.score else a.score end)::float8 as x
        from resp join survey_answers a on a.response_id = resp.id
        join tree t on t.key = a.item_key and t.leaf
        where a.score is not null)`,
    ];
    // n<d>: every node's per-response score (0–100) at depth d; i<d>: the inner ones among them.
    const innerNames: string[] = [];
    for (let d = maxDepth; d >= 1; d--) {
      const leafPart = sql`select rid, g, key, (x - 1) * 25.0 as v from s0 where depth = ${d}`;
      if (d < maxDepth) {
        const child = sql.raw(`n${d + 1}`);
        ctes.push(sql`${sql.raw(`i${d}`)} as (select c.rid, c.g, t.parent as key,
          coalesce(sum(t.weight * c.v) / nullif(sum(t.weight), 0), avg(c.v)) as v
          from ${child} c join tree t on t.key = c.key where t.parent is not null
          group by c.rid, c.g, t.parent)`);
        ctes.push(
          sql`${sql.raw(`n${d}`)} as (${leafPart} union all select rid, g, key, v from ${sql.raw(`i${d}`)})`,
        );
        innerNames.push(`i${d}`);
      } else {
        ctes.push(sql`${sql.raw(`n${d}`)} as (${leafPart})`);
      }
    }
    const innerUnion = innerNames.length
      ? sql.join(
          innerNames.map((name) => sql`select g, key, v from ${sql.raw(name)}`),
          sql` union all `,
        )
      : sql`select null::text as g, null::text as key, null::float8 as v where false`;
    const statement = sql`with ${sql.join(ctes, sql`, `)}
      select 'leaf' as kind, grouping(g) as whole, g, key, count(*)::int as n, sum(x)::float8 as s, sum(x * x)::float8 as ss
        from s0 group by grouping sets ((g, key), (key))
      union all
      select 'inner' as kind, grouping(g) as whole, g, key, count(*)::int as n, sum(v)::float8 as s, sum(v * v)::float8 as ss
        from (${innerUnion}) iu group by grouping sets ((g, key), (key))`;
    const rows = await rowsOf<{
      kind: 'leaf' | 'inner';
      whole: number;
      g: string | null;
      key: string;
      n: number;
      s: number;
      ss: number;
    }>(db, statement);
    const overall: GroupStats = { leaves: {}, inner: {} };
    const groups = new Map<string | null, GroupStats>();
    for (const row of rows) {
      const whole = Number(row.whole) === 1;
      let target = overall;
      if (!whole) {
        target = groups.get(row.g) ?? { leaves: {}, inner: {} };
        groups.set(row.g, target);
      }
      const m = { n: Number(row.n), sum: Number(row.s), sumSq: Number(row.ss) };
      if (row.kind === 'leaf') target.leaves[row.key] = m;
      else target.inner[row.key] = m;
    }
    return { overall, groups };
  }

  private async minAnswers(db: DbOrTx = this.ctx.db): Promise<number> {
    const value = Number(await this.ctx.services.settings.get('satisfaction.minAnswers', db));
    return Number.isFinite(value) && value >= 1 ? value : 5;
  }

  private async labels(groupBy: GroupBy, keys: (string | null)[]): Promise<Map<string | null, string>> {
    const labels = new Map<string | null, string>();
    const ids = keys.filter((k): k is string => k !== null);
    if (groupBy === 'customer' && ids.length) {
      const rows = await this.ctx.db
        .select({ id: customers.id, name: customers.name })
        .from(customers)
        .where(inArray(customers.id, ids));
      for (const r of rows) labels.set(r.id, r.name);
    } else if (groupBy === 'department' && ids.length) {
      const rows = await this.ctx.db
        .select({ id: departments.id, name: departments.name })
        .from(departments)
        .where(inArray(departments.id, ids));
      for (const r of rows) labels.set(r.id, r.name);
    }
    for (const k of keys) if (!labels.has(k)) labels.set(k, k ?? '—');
    return labels;
  }

  async index(actor: Actor, q: IndexQuery) {
    this.requireStaff(actor);
    const groupBy = q.groupBy ?? 'none';
    const period = q.period ?? 'quarter';
    const range = await this.range(q);
    const { version } = await this.resolveVersion(q.modelId, q.versionId);
    const [timeZone, minAnswers] = await Promise.all([
      this.ctx.services.settings.displayTimeZone(),
      this.minAnswers(),
    ]);
    const nodes = version.nodes;
    const stats = await this.aggregate(nodes, q, range, groupBy, period, timeZone);
    const overall = rollUp(nodes, stats.overall, minAnswers);
    const groups: IndexGroup[] = [];
    if (groupBy !== 'none') {
      const keys = [...stats.groups.keys()];
      const labels = await this.labels(groupBy, keys);
      for (const key of keys) {
        const tree = rollUp(nodes, stats.groups.get(key) as GroupStats, minAnswers);
        groups.push({
          key,
          label: labels.get(key) ?? key ?? '—',
          responses: tree?.responses ?? 0,
          overall: tree,
          dimensions: tree?.children ?? [],
        });
      }
      groups.sort((a, b) =>
        groupBy === 'period'
          ? String(a.key).localeCompare(String(b.key))
          : a.label.localeCompare(b.label, 'zh-CN'),
      );
    }
    return {
      modelId: q.modelId,
      versionId: version.id,
      minAnswers,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      overall,
      groups,
    };
  }

  /** The index per period from `from` to `to`, every period present (empty ones insufficient). */
  async trend(actor: Actor, q: IndexFilters & { period?: Period }) {
    this.requireStaff(actor);
    const period = q.period ?? 'quarter';
    const range = await this.range(q);
    const { version } = await this.resolveVersion(q.modelId, q.versionId);
    const [timeZone, minAnswers] = await Promise.all([
      this.ctx.services.settings.displayTimeZone(),
      this.minAnswers(),
    ]);
    const nodes = version.nodes;
    const stats = await this.aggregate(nodes, q, range, 'period', period, timeZone);
    const keys = periodsBetween(
      localDateOf(range.from, timeZone),
      localDateOf(new Date(range.to.getTime() - 1), timeZone),
      period,
    );
    const points: TrendPoint[] = keys.map((key) => {
      const bounds = periodBounds(key, period);
      const tree = rollUp(nodes, stats.groups.get(key) ?? { leaves: {}, inner: {} }, minAnswers);
      const dimensions: Record<string, number | null> = {};
      for (const child of tree?.children ?? []) {
        const node = nodes.find((n) => n.key === child.key);
        dimensions[node?.dimension ?? child.key] = child.value;
      }
      return {
        period: key,
        label: key,
        start: bounds ? startOfLocal(bounds.start, timeZone).toISOString() : range.from.toISOString(),
        end: bounds ? startOfLocal(bounds.end, timeZone).toISOString() : range.to.toISOString(),
        value: tree?.value ?? null,
        ciLow: tree?.ciLow ?? null,
        ciHigh: tree?.ciHigh ?? null,
        responses: tree?.responses ?? 0,
        insufficient: tree?.insufficient ?? true,
        dimensions,
      };
    });
    return { points };
  }

  /**
   * Importance–performance per leaf with enough answers. Performance: the item's index (0–100).
   * Importance: stated = mean importance answer (1–5) where the survey asked, else the leaf's
   * statedImportance; derived = the leaf's global weight rescaled so the mean is the mean stated
   * importance (3, the scale's middle, when nothing was stated).
   */
  async ipa(actor: Actor, q: IndexFilters & { importance?: 'derived' | 'stated' }) {
    this.requireStaff(actor);
    const range = await this.range(q);
    const { version } = await this.resolveVersion(q.modelId, q.versionId);
    const minAnswers = await this.minAnswers();
    const nodes = version.nodes;
    const tree = treeRows(nodes);
    const rows = await rowsOf<{
      key: string;
      n: number;
      s: number;
      ss: number;
      ni: number;
      si: number;
      ssi: number;
      nd: number;
      sd: number;
    }>(
      this.ctx.db,
      sql`with tree as (select * from jsonb_to_recordset(${JSON.stringify(tree)}::jsonb)
          as t(key text, parent text, weight float8, depth int, leaf bool, reverse bool))
        select a.item_key as key,
          count(a.score)::int as n,
          coalesce(sum(case when t.reverse then 6 - a.score else a.score end), 0)::float8 as s,
          coalesce(sum(power(case when t.reverse then 6 - a.score else a.score end, 2)), 0)::float8 as ss,
          count(a.importance)::int as ni,
          coalesce(sum(a.importance), 0)::float8 as si,
          coalesce(sum(a.importance * a.importance), 0)::float8 as ssi,
          count(a.ideal_score)::int as nd,
          coalesce(sum(case when t.reverse then 6 - a.ideal_score else a.ideal_score end), 0)::float8 as sd
        from survey_responses r
        join survey_answers a on a.response_id = r.id
        join tree t on t.key = a.item_key and t.leaf
        where ${this.filterSql(q, range)}
        group by a.item_key`,
    );
    const byKey = new Map(rows.map((r) => [r.key, r]));
    const global = globalWeights(nodes);
    const leaves = leavesOf(nodes).filter((leaf) => Number(byKey.get(leaf.key)?.n ?? 0) >= minAnswers);
    const stated = leaves.map((leaf) => {
      const r = byKey.get(leaf.key);
      const ni = Number(r?.ni ?? 0);
      if (ni > 0) {
        const ci = meanCiFromMoments({ n: ni, sum: Number(r?.si), sumSq: Number(r?.ssi) });
        return { value: ci.mean as number, sd: ci.sd };
      }
      return { value: leaf.statedImportance ?? null, sd: null };
    });
    const statedValues = stated.map((s) => s.value).filter((v): v is number => v !== null);
    const statedMean = statedValues.length
      ? statedValues.reduce((a, b) => a + b, 0) / statedValues.length
      : 3;
    const derived = scaleToMean(
      leaves.map((leaf) => global.get(leaf.key) ?? 0),
      statedMean,
    );
    const useStated = q.importance === 'stated';
    const elements = leaves.map((leaf, i) => {
      const r = byKey.get(leaf.key);
      const perf = meanCiFromMoments(
        rescaleMoments({ n: Number(r?.n), sum: Number(r?.s), sumSq: Number(r?.ss) }),
      );
      const nd = Number(r?.nd ?? 0);
      const ideal = nd > 0 ? rescale(Number(r?.sd) / nd) : null;
      const importance = useStated ? (stated[i]?.value ?? statedMean) : (derived[i] as number);
      return {
        itemKey: leaf.key,
        nameZh: leaf.nameZh,
        nameEn: leaf.nameEn,
        serviceElement: leaf.serviceElement ?? null,
        importance,
        importanceSd: useStated ? (stated[i]?.sd ?? null) : null,
        performance: perf.mean as number,
        performanceSd: perf.sd,
        ideal,
        gap: gap(ideal, perf.mean),
        answers: Number(r?.n),
      };
    });
    const result = ipaQuadrants(elements);
    return {
      importanceCut: result.importanceCut,
      performanceCut: result.performanceCut,
      elements: result.elements,
    };
  }

  /**
   * A customer file's satisfaction: the index over the last twelve months and the twelve before,
   * with the default model (or else the model the customer answered most), quarterly trend.
   */
  async customerSatisfaction(actor: Actor, customerId: string) {
    this.requireStaff(actor);
    const [customer] = await this.ctx.db
      .select({ id: customers.id })
      .from(customers)
      .where(eq(customers.id, customerId));
    if (!customer) throw notFound('Customer');
    const latest = await rowsOf<{ model_id: string; submitted_at: string | Date; responses: number }>(
      this.ctx.db,
      sql`select r.model_id, max(r.submitted_at) as submitted_at, count(*)::int as responses
        from survey_responses r join satisfaction_models m on m.id = r.model_id
        where r.customer_id = ${customerId} and r.status = 'complete'
        group by r.model_id, m.is_default
        order by m.is_default desc, count(*) desc, max(r.submitted_at) desc limit 1`,
    );
    const empty = {
      current: null,
      previous: null,
      responses: 0,
      lastAnsweredAt: null,
      trend: [] as TrendPoint[],
    };
    const first = latest[0];
    if (!first) return empty;
    const now = this.ctx.now();
    const yearAgo = new Date(now.getTime() - 365 * DAY_MS);
    const twoYearsAgo = new Date(now.getTime() - 2 * 365 * DAY_MS);
    const base = { modelId: first.model_id, customerId };
    const [current, previous, trend] = await Promise.all([
      this.index(actor, { ...base, from: yearAgo.toISOString(), to: now.toISOString() }),
      this.index(actor, { ...base, from: twoYearsAgo.toISOString(), to: yearAgo.toISOString() }),
      this.trend(actor, {
        ...base,
        from: twoYearsAgo.toISOString(),
        to: now.toISOString(),
        period: 'quarter',
      }),
    ]);
    return {
      current: current.overall?.value ?? null,
      previous: previous.overall?.value ?? null,
      responses: Number(first.responses),
      lastAnsweredAt: new Date(first.submitted_at).toISOString(),
      trend: trend.points,
    };
  }
}
