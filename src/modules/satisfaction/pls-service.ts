import { and, eq, gte, inArray, lt } from 'drizzle-orm';
import type { DbOrTx } from '../../db/index.ts';
import { type Actor, isStaff } from '../../domain/access.ts';
import {
  DIMENSIONS,
  type Dimension,
  type ModelNode,
  childrenOf,
  leavesOf,
} from '../../domain/satisfaction/model.ts';
import {
  type BootStat,
  type PlsBootstrap,
  PlsError,
  type PlsResult,
  bootstrapPls,
  estimatePls,
} from '../../domain/satisfaction/pls.ts';
import type { AppContext } from '../../server/context.ts';
import { badRequest, forbidden, validationFailed } from '../../server/problems.ts';
import { surveyAnswers, surveyResponses } from '../surveys/tables.ts';

/** The root latent variable's name in the path model (and in the response). */
export const SATISFACTION_LV = 'satisfaction';

/**
 * The ACSI structure over the five dimensions (Fornell et al. 1996), complaints and loyalty as
 * consequences of satisfaction. Paths whose ends the model lacks are left out.
 */
export const ACSI_PATHS: readonly (readonly [string, string])[] = [
  ['expectation', 'quality'],
  ['expectation', 'value'],
  ['quality', 'value'],
  ['expectation', SATISFACTION_LV],
  ['quality', SATISFACTION_LV],
  ['value', SATISFACTION_LV],
  [SATISFACTION_LV, 'complaints'],
  [SATISFACTION_LV, 'loyalty'],
  ['complaints', 'loyalty'],
];

/** Bootstrap resamples are seeded so the same answers always give the same intervals. */
const BOOTSTRAP_SEED = 20_130_901;

export interface PlsRequest {
  from?: string;
  to?: string;
  bootstrap?: number;
  apply?: boolean;
}

export interface PlsOuterWeight {
  lv: string;
  itemKey: string;
  /** Normalised within the block (sums to 1): what an index applies to the item's score. */
  weight: number;
  /** The unnormalised PLS outer weight (LV score = Σ rawWeight · centred score). */
  rawWeight: number;
  loading: number;
  ciLow: number | null;
  ciHigh: number | null;
}

export interface PlsPathView {
  from: string;
  to: string;
  coefficient: number;
  ciLow: number | null;
  ciHigh: number | null;
  se: number | null;
}

export interface PlsEstimateView {
  respondents: number;
  /** Complete responses in the period left out because an item of the model was not answered. */
  dropped: number;
  /** Complete respondents the estimate needs (10 × the largest block, at least 30). */
  needed: number;
  items: number;
  converged: boolean;
  iterations: number;
  bootstrapSamples: number;
  outerWeights: PlsOuterWeight[];
  paths: PlsPathView[];
  totalEffects: { from: string; to: string; value: number }[];
  rSquared: { lv: string; value: number }[];
  dimensionWeights: Record<string, number>;
  notes: string[];
  applied: boolean;
  modelVersion?: number;
}

interface Structure {
  root: ModelNode;
  /** Dimension (LV name) → its level-2 node. */
  dimensionNodes: Map<Dimension, ModelNode>;
  /** LV name → leaf keys of its block. */
  blocks: Map<string, string[]>;
  leaves: ModelNode[];
  paths: [string, string][];
  /** True when satisfaction's block is the root's own items rather than all items. */
  ownSatisfactionItems: boolean;
}

function descendantsLeaves(nodes: readonly ModelNode[], key: string): ModelNode[] {
  const children = childrenOf(nodes, key);
  if (children.length === 0) return [];
  return children.flatMap((child) => {
    const below = descendantsLeaves(nodes, child.key);
    return below.length > 0 ? below : [child];
  });
}

/** The path model a tree implies: one block per dimension, satisfaction's block, ACSI paths. */
export function plsStructure(nodes: readonly ModelNode[]): Structure {
  const root = nodes.find((node) => node.parentKey === null);
  if (!root) throw validationFailed([{ field: 'nodes', message: 'the model has no root' }]);
  const leafKeys = new Set(leavesOf(nodes).map((leaf) => leaf.key));
  const dimensionNodes = new Map<Dimension, ModelNode>();
  const blocks = new Map<string, string[]>();
  for (const child of childrenOf(nodes, root.key)) {
    const dimension = child.dimension ?? (DIMENSIONS as readonly string[]).find((d) => d === child.key);
    if (!dimension || leafKeys.has(child.key) || dimensionNodes.has(dimension as Dimension)) continue;
    const items = descendantsLeaves(nodes, child.key).map((leaf) => leaf.key);
    if (items.length === 0) continue;
    dimensionNodes.set(dimension as Dimension, child);
    blocks.set(dimension, items);
  }
  // Items hung straight under the root measure overall satisfaction themselves; otherwise
  // satisfaction is measured by all items (the repeated-indicators approach).
  const own = childrenOf(nodes, root.key).filter((child) => leafKeys.has(child.key));
  const leaves = leavesOf(nodes);
  blocks.set(
    SATISFACTION_LV,
    (own.length > 0 ? own : leaves).map((leaf) => leaf.key),
  );
  const paths = ACSI_PATHS.filter(([from, to]) => blocks.has(from) && blocks.has(to)).map(
    ([from, to]) => [from, to] as [string, string],
  );
  // A dimension left without any path (e.g. only 'loyalty' and 'value' exist) cannot be estimated.
  for (const lv of [...blocks.keys()]) {
    if (lv !== SATISFACTION_LV && !paths.some(([a, b]) => a === lv || b === lv)) {
      blocks.delete(lv);
      dimensionNodes.delete(lv as Dimension);
    }
  }
  if (!paths.some(([, to]) => to === SATISFACTION_LV) && !paths.some(([from]) => from === SATISFACTION_LV))
    throw validationFailed(
      [{ field: 'nodes', message: 'PLS needs at least one of the five ACSI dimensions with items' }],
      'The model has no dimension the ACSI path model can use.',
    );
  return { root, dimensionNodes, blocks, leaves, paths, ownSatisfactionItems: own.length > 0 };
}

/** Complete respondents needed: 10 × the largest block (the "ten times rule"), at least 30. */
export function respondentsNeeded(structure: Structure): number {
  let largest = 0;
  for (const [lv, items] of structure.blocks) {
    // satisfaction's repeated-indicator block re-uses the dimensions' items; it adds no new
    // measurement, so the rule counts it only when the root has items of its own.
    if (lv === SATISFACTION_LV && !structure.ownSatisfactionItems) continue;
    largest = Math.max(largest, items.length);
  }
  return Math.max(30, 10 * largest);
}

function parseDate(value: string | undefined, field: string): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw validationFailed([{ field, message: `"${value}" is not a date` }]);
  return date;
}

/**
 * The model's complete responses in [from, to), one row per response and one column per leaf
 * (reverse-scored items reversed), NaN where an item was not answered.
 */
async function answerMatrix(
  db: DbOrTx,
  modelId: string,
  leaves: ModelNode[],
  from: Date | undefined,
  to: Date | undefined,
): Promise<{ rows: number; values: Float64Array }> {
  const column = new Map(leaves.map((leaf, i) => [leaf.key, i]));
  const reverse = new Set(leaves.filter((leaf) => leaf.reverse).map((leaf) => leaf.key));
  const conditions = [eq(surveyResponses.modelId, modelId), eq(surveyResponses.status, 'complete')];
  if (from) conditions.push(gte(surveyResponses.submittedAt, from));
  if (to) conditions.push(lt(surveyResponses.submittedAt, to));
  const answers = await db
    .select({
      responseId: surveyAnswers.responseId,
      itemKey: surveyAnswers.itemKey,
      score: surveyAnswers.score,
    })
    .from(surveyAnswers)
    .innerJoin(surveyResponses, eq(surveyResponses.id, surveyAnswers.responseId))
    .where(
      and(
        ...conditions,
        inArray(
          surveyAnswers.itemKey,
          leaves.map((leaf) => leaf.key),
        ),
      ),
    );
  const rowOf = new Map<string, number>();
  for (const answer of answers) if (!rowOf.has(answer.responseId)) rowOf.set(answer.responseId, rowOf.size);
  const cols = leaves.length;
  const values = new Float64Array(rowOf.size * cols).fill(Number.NaN);
  for (const answer of answers) {
    if (answer.score === null || answer.score < 1 || answer.score > 5) continue;
    const col = column.get(answer.itemKey);
    if (col === undefined) continue;
    const row = rowOf.get(answer.responseId) as number;
    values[row * cols + col] = reverse.has(answer.itemKey) ? 6 - answer.score : answer.score;
  }
  return { rows: rowOf.size, values };
}

const round = (value: number, digits = 6) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : value);
const roundOrNull = (value: number | undefined) =>
  value === undefined || !Number.isFinite(value) ? null : round(value);

/**
 * Dimension weights from the structural model: for the drivers of satisfaction (expectation,
 * quality, value) their total effect on it; for its consequences (complaints, loyalty) how
 * strongly they follow it (satisfaction's total effect on them). Negative ones are set to 0.
 */
export function dimensionWeightsFrom(
  dimensions: readonly string[],
  totalEffects: readonly { from: string; to: string; value: number }[],
  notes: string[],
): Record<string, number> {
  const raw: Record<string, number> = {};
  for (const dimension of dimensions) {
    const effect =
      totalEffects.find((e) => e.from === dimension && e.to === SATISFACTION_LV) ??
      totalEffects.find((e) => e.from === SATISFACTION_LV && e.to === dimension);
    let value = effect?.value ?? 0;
    if (value < 0) {
      notes.push(`${dimension}: negative effect ${value.toFixed(3)} set to 0`);
      value = 0;
    }
    raw[dimension] = value;
  }
  const sum = Object.values(raw).reduce((a, b) => a + b, 0);
  if (!(sum > 0)) {
    notes.push('no positive effect on satisfaction: equal dimension weights');
    return Object.fromEntries(dimensions.map((d) => [d, round(1 / dimensions.length)]));
  }
  return Object.fromEntries(dimensions.map((d) => [d, round(raw[d] / sum)]));
}

/**
 * POST /api/satisfaction/models/:id/pls — estimates the ACSI path model from the model's complete
 * answers in [from, to) and, with `apply`, stores the estimate as the model's weights (a new
 * version when the current one has answers): item weights within each dimension from the outer
 * weights, dimension weights from the total effects. Staff estimate; managers and admins apply.
 */
export async function estimateModelPls(
  ctx: AppContext,
  actor: Actor,
  modelId: string,
  request: PlsRequest,
): Promise<PlsEstimateView> {
  if (!isStaff(actor)) throw forbidden('Satisfaction models are internal.');
  if (request.apply && actor.role !== 'manager' && actor.role !== 'admin')
    throw forbidden('Only managers and administrators apply estimated weights.');
  const from = parseDate(request.from, 'from');
  const to = parseDate(request.to, 'to');
  if (from && to && from >= to) throw badRequest('"from" must be before "to".');
  const samples = request.bootstrap ?? 200;
  if (!Number.isInteger(samples) || samples < 0 || samples > 1000)
    throw validationFailed([{ field: 'bootstrap', message: 'a whole number of resamples from 0 to 1000' }]);

  const model = await ctx.services.satisfaction.get(actor, modelId);
  const nodes = model.currentVersion.nodes;
  const structure = plsStructure(nodes);
  const leaves = structure.leaves;
  const column = new Map(leaves.map((leaf, i) => [leaf.key, i]));
  const matrix = await answerMatrix(ctx.db, modelId, leaves, from, to);
  const needed = respondentsNeeded(structure);
  let complete = 0;
  for (let r = 0; r < matrix.rows; r++) {
    let ok = true;
    for (let c = 0; c < leaves.length && ok; c++) ok = Number.isFinite(matrix.values[r * leaves.length + c]);
    if (ok) complete++;
  }
  if (complete < needed)
    throw validationFailed(
      [
        {
          field: 'from',
          message: `too few answers: ${complete} complete responses answer every item, at least ${needed} are needed`,
          code: 'too_few_answers',
        },
      ],
      `Too few answers to estimate: ${complete} complete responses answer every item of the model; PLS needs at least ${needed} (10 × the largest block, at least 30). Widen the period or wait for more answers.`,
    );

  const lvs = [...structure.blocks.keys()];
  const input = {
    data: { rows: matrix.rows, cols: leaves.length, values: matrix.values },
    blocks: Object.fromEntries(
      lvs.map((lv) => [lv, (structure.blocks.get(lv) as string[]).map((key) => column.get(key) as number)]),
    ),
    paths: structure.paths,
  };
  // Unscaled: every item is on the same 1–5 scale and the index applies weights to raw scores.
  const options = { scheme: 'path' as const, scaled: false };
  let estimate: PlsResult;
  let boot: PlsBootstrap | null = null;
  try {
    if (samples > 0) {
      boot = bootstrapPls(input, { ...options, samples, seed: BOOTSTRAP_SEED });
      estimate = boot.estimate;
    } else {
      estimate = estimatePls(input, options);
    }
  } catch (error) {
    if (error instanceof PlsError)
      throw validationFailed(
        [{ field: 'answers', message: error.message }],
        `PLS cannot estimate: ${error.message}`,
      );
    throw error;
  }

  const notes: string[] = [];
  if (!estimate.converged) notes.push(`did not converge in ${estimate.iterations} iterations`);
  if (boot && boot.failed > 0)
    notes.push(`${boot.failed} bootstrap resamples could not be estimated and were skipped`);
  const outerWeights: PlsOuterWeight[] = lvs.flatMap((lv) =>
    (structure.blocks.get(lv) as string[]).map((itemKey, j) => {
      const stat: BootStat | undefined = boot?.relativeWeights[lv][j];
      return {
        lv,
        itemKey,
        weight: round(estimate.relativeWeights[lv][j]),
        rawWeight: round(estimate.outerWeights[lv][j]),
        loading: round(estimate.loadings[lv][j]),
        ciLow: roundOrNull(stat?.ciLow),
        ciHigh: roundOrNull(stat?.ciHigh),
      };
    }),
  );
  const paths: PlsPathView[] = estimate.pathCoefficients.map((p, i) => {
    const stat = boot?.pathCoefficients[i];
    return {
      from: p.from,
      to: p.to,
      coefficient: round(p.value),
      ciLow: roundOrNull(stat?.ciLow),
      ciHigh: roundOrNull(stat?.ciHigh),
      se: roundOrNull(stat?.se),
    };
  });
  const dimensions = lvs.filter((lv) => lv !== SATISFACTION_LV);
  const dimensionWeights = dimensionWeightsFrom(dimensions, estimate.totalEffects, notes);
  const view: PlsEstimateView = {
    respondents: estimate.respondents,
    dropped: estimate.droppedRows,
    needed,
    items: leaves.length,
    converged: estimate.converged,
    iterations: estimate.iterations,
    bootstrapSamples: boot?.samples ?? 0,
    outerWeights,
    paths,
    totalEffects: estimate.totalEffects.map((e) => ({ from: e.from, to: e.to, value: round(e.value) })),
    rSquared: lvs.map((lv) => ({ lv, value: round(estimate.rSquared[lv]) })),
    dimensionWeights,
    notes,
    applied: false,
  };
  if (!request.apply) return view;
  if (!estimate.converged)
    throw validationFailed([
      { field: 'apply', message: 'the estimate did not converge; it cannot be applied' },
    ]);

  const itemWeight = new Map<string, number>();
  for (const row of outerWeights) if (row.lv !== SATISFACTION_LV) itemWeight.set(row.itemKey, row.weight);
  const period = [from?.toISOString().slice(0, 10), to?.toISOString().slice(0, 10)].filter(Boolean).join('–');
  const note = `PLS 估计权重（n = ${estimate.respondents}${period ? `，${period}` : ''}）`;
  const modelVersion = await ctx.db.transaction(async (tx) => {
    let version = model.currentVersion.version;
    const save = async (parentKey: string, weights: Record<string, number>) => {
      const saved = await ctx.services.satisfaction.saveWeights(
        actor,
        modelId,
        { parentKey, method: 'pls', weights, note },
        tx,
      );
      version = saved.currentVersion.version;
    };
    // Within each dimension, every inner node's children weigh what their items' outer weights add up to.
    const weighInner = async (key: string) => {
      const children = childrenOf(nodes, key);
      if (children.length === 0) return;
      const weights: Record<string, number> = {};
      for (const child of children) {
        const below = descendantsLeaves(nodes, child.key);
        const items = below.length > 0 ? below : [child];
        weights[child.key] = Math.max(
          0,
          items.reduce((sum, item) => sum + (itemWeight.get(item.key) ?? 0), 0),
        );
      }
      await save(key, weights);
      for (const child of children) await weighInner(child.key);
    };
    for (const node of structure.dimensionNodes.values()) await weighInner(node.key);
    // The root: dimensions by their estimated weights; any other child keeps its share.
    const rootChildren = childrenOf(nodes, structure.root.key);
    const dimensionOf = new Map([...structure.dimensionNodes].map(([d, node]) => [node.key, d]));
    const otherShare = rootChildren
      .filter((child) => !dimensionOf.has(child.key))
      .reduce((sum, child) => sum + child.weight, 0);
    const rootWeights: Record<string, number> = {};
    for (const child of rootChildren) {
      const dimension = dimensionOf.get(child.key);
      rootWeights[child.key] =
        dimension === undefined ? child.weight : dimensionWeights[dimension] * Math.max(0, 1 - otherShare);
    }
    await save(structure.root.key, rootWeights);
    return version;
  });
  return { ...view, applied: true, modelVersion };
}
