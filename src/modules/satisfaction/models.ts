import { and, asc, count, desc, eq, inArray, max } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { DbOrTx } from '../../db/index.ts';
import { type Actor, isStaff } from '../../domain/access.ts';
import {
  type AhpResult,
  CONSISTENCY_LIMIT,
  ahpPriorities,
  combineJudgements,
  mostInconsistentCell,
  validatePairwise,
} from '../../domain/satisfaction/ahp.ts';
import {
  type ModelNode,
  type WeightMethod,
  childrenOf,
  normaliseWeights,
  validateTree,
} from '../../domain/satisfaction/model.ts';
import type { AppContext } from '../../server/context.ts';
import { type FieldProblem, forbidden, notFound, validationFailed } from '../../server/problems.ts';
import { surveyResponses } from '../surveys/tables.ts';
import { DEFAULT_MODEL_DESCRIPTION, DEFAULT_MODEL_NAME, defaultModelNodes } from './default-model.ts';
import { type ModelStatus, ahpJudgements, satisfactionModelVersions, satisfactionModels } from './tables.ts';

export type ModelRow = typeof satisfactionModels.$inferSelect;
export type ModelVersionRow = typeof satisfactionModelVersions.$inferSelect;
export type AhpJudgementRow = typeof ahpJudgements.$inferSelect;

export interface ModelVersionSummary {
  id: string;
  version: number;
  changeNote: string | null;
  createdAt: Date;
  answerCount: number;
}

/** What the API returns for a model (GET /api/satisfaction/models/:id). */
export interface SatisfactionModelView {
  id: string;
  name: string;
  description: string | null;
  status: ModelStatus;
  isDefault: boolean;
  currentVersion: ModelVersionSummary & { nodes: ModelNode[] };
  versions: ModelVersionSummary[];
  createdAt: Date;
  updatedAt: Date;
}

export interface ModelCreateInput {
  name: string;
  description?: string | null;
  nodes?: ModelNode[];
  copyFromModelId?: string;
}

export interface ModelUpdateInput {
  name?: string;
  description?: string | null;
  status?: ModelStatus;
  nodes?: ModelNode[];
  changeNote?: string;
}

export interface SaveWeightsInput {
  parentKey: string;
  method: WeightMethod;
  /** child key → weight; normalised to sum to 1. */
  weights: Record<string, number>;
  note?: string;
}

export interface AhpJudgementView {
  id: string;
  expertName: string;
  childKeys: string[];
  matrix: number[][];
  cr: number | null;
  stale: boolean;
  createdAt: Date;
}

export interface AhpView {
  parentKey: string;
  versionId: string;
  childKeys: string[];
  judgements: AhpJudgementView[];
  combined: AhpResult | null;
  warning?: string | null;
}

const round = (value: number, digits = 6) => Number(value.toFixed(digits));

function roundResult(result: AhpResult): AhpResult {
  return {
    weights: result.weights.map((w) => round(w)),
    lambdaMax: round(result.lambdaMax),
    ci: round(result.ci),
    ri: result.ri,
    cr: round(result.cr),
    consistent: result.consistent,
  };
}

/** Turns the domain's matrix problems into field problems under the given path. */
function matrixProblems(matrix: unknown, path: string): FieldProblem[] {
  return validatePairwise(matrix).map((p) => ({
    field:
      p.row === undefined ? path : p.col === undefined ? `${path}[${p.row}]` : `${path}[${p.row}][${p.col}]`,
    message: path === 'matrix' ? p.message : p.message.replaceAll('matrix[', `${path}[`),
  }));
}

function treeProblems(nodes: ModelNode[]): never {
  const problems = validateTree(nodes);
  throw validationFailed(problems, `The indicator tree is not valid: ${problems[0]?.message ?? ''}`);
}

/**
 * Satisfaction indicator trees (测评指标体系), their versions and weights: entered directly, from
 * experts' pairwise comparisons (AHP), or estimated by PLS (the PLS helper calls saveWeights).
 * A version that has survey answers is frozen: editing it makes the next version, so old answers
 * keep the tree they answered. All staff read; managers and admins edit; portal users see nothing.
 */
export class SatisfactionModelsService {
  constructor(protected readonly ctx: AppContext) {}

  private requireReader(actor: Actor): void {
    if (!isStaff(actor)) throw forbidden('Satisfaction models are internal.');
  }

  private requireEditor(actor: Actor): void {
    if (actor.role !== 'manager' && actor.role !== 'admin')
      throw forbidden('Only managers and administrators change satisfaction models and weights.');
  }

  // -------------------------------------------------------------------------------------------
  // Reading

  private async answerCounts(versionIds: string[], db: DbOrTx): Promise<Map<string, number>> {
    if (versionIds.length === 0) return new Map();
    const rows = await db
      .select({ versionId: surveyResponses.versionId, n: count() })
      .from(surveyResponses)
      .where(inArray(surveyResponses.versionId, versionIds))
      .groupBy(surveyResponses.versionId);
    return new Map(rows.map((r) => [r.versionId, Number(r.n)]));
  }

  private async views(models: ModelRow[], db: DbOrTx): Promise<SatisfactionModelView[]> {
    if (models.length === 0) return [];
    const versions = await db
      .select()
      .from(satisfactionModelVersions)
      .where(
        inArray(
          satisfactionModelVersions.modelId,
          models.map((m) => m.id),
        ),
      )
      .orderBy(desc(satisfactionModelVersions.version));
    const counts = await this.answerCounts(
      versions.map((v) => v.id),
      db,
    );
    const summary = (v: ModelVersionRow): ModelVersionSummary => ({
      id: v.id,
      version: v.version,
      changeNote: v.changeNote,
      createdAt: v.createdAt,
      answerCount: counts.get(v.id) ?? 0,
    });
    return models.map((model) => {
      const own = versions.filter((v) => v.modelId === model.id);
      const current = own.find((v) => v.id === model.currentVersionId) ?? own[0]!;
      return {
        id: model.id,
        name: model.name,
        description: model.description,
        status: model.status,
        isDefault: model.isDefault === 1,
        currentVersion: { ...summary(current), nodes: current.nodes },
        versions: own.map(summary),
        createdAt: model.createdAt,
        updatedAt: model.updatedAt,
      };
    });
  }

  private async view(modelId: string, db: DbOrTx = this.ctx.db): Promise<SatisfactionModelView> {
    const [model] = await db.select().from(satisfactionModels).where(eq(satisfactionModels.id, modelId));
    if (!model) throw notFound('Satisfaction model');
    return (await this.views([model], db))[0]!;
  }

  async list(actor: Actor): Promise<{ items: SatisfactionModelView[] }> {
    this.requireReader(actor);
    const models = await this.ctx.db
      .select()
      .from(satisfactionModels)
      .orderBy(desc(satisfactionModels.isDefault), asc(satisfactionModels.name), asc(satisfactionModels.id));
    return { items: await this.views(models, this.ctx.db) };
  }

  async get(actor: Actor, id: string): Promise<SatisfactionModelView> {
    this.requireReader(actor);
    return this.view(id);
  }

  /** One version's row (nodes included). Without an actor: internal callers (surveys, index). */
  async getVersion(
    actor: Actor | null,
    versionId: string,
    db: DbOrTx = this.ctx.db,
  ): Promise<ModelVersionRow> {
    if (actor) this.requireReader(actor);
    const [row] = await db
      .select()
      .from(satisfactionModelVersions)
      .where(eq(satisfactionModelVersions.id, versionId));
    if (!row) throw notFound('Model version');
    return row;
  }

  /** GET /api/satisfaction/models/:id/versions/:versionId: the version with its answer count. */
  async versionView(actor: Actor, modelId: string, versionId: string) {
    const row = await this.getVersion(actor, versionId);
    if (row.modelId !== modelId) throw notFound('Model version');
    const counts = await this.answerCounts([row.id], this.ctx.db);
    return {
      id: row.id,
      modelId: row.modelId,
      version: row.version,
      nodes: row.nodes,
      changeNote: row.changeNote,
      createdAt: row.createdAt,
      answerCount: counts.get(row.id) ?? 0,
    };
  }

  /** The version new surveys use and the index rolls up with by default. */
  async currentVersion(modelId: string, db: DbOrTx = this.ctx.db): Promise<ModelVersionRow> {
    const [row] = await db
      .select({ version: satisfactionModelVersions })
      .from(satisfactionModels)
      .innerJoin(
        satisfactionModelVersions,
        eq(satisfactionModelVersions.id, satisfactionModels.currentVersionId),
      )
      .where(eq(satisfactionModels.id, modelId));
    if (!row) throw notFound('Satisfaction model');
    return row.version;
  }

  // -------------------------------------------------------------------------------------------
  // Writing

  private checkedNodes(nodes: ModelNode[]): ModelNode[] {
    if (validateTree(nodes).length) treeProblems(nodes);
    return normaliseWeights(nodes);
  }

  private async insertModel(
    tx: DbOrTx,
    actor: Actor | null,
    input: { name: string; description: string | null; nodes: ModelNode[]; isDefault: boolean; note: string },
  ): Promise<string> {
    const id = uuidv7();
    const versionId = uuidv7();
    const now = this.ctx.now();
    const createdById = actor && actor.via !== 'system' ? actor.id : null;
    await tx.insert(satisfactionModels).values({
      id,
      name: input.name,
      description: input.description,
      status: 'active',
      isDefault: input.isDefault ? 1 : 0,
      createdById,
      createdAt: now,
      updatedAt: now,
    });
    await tx.insert(satisfactionModelVersions).values({
      id: versionId,
      modelId: id,
      version: 1,
      nodes: input.nodes,
      changeNote: input.note,
      createdById,
      createdAt: now,
    });
    await tx
      .update(satisfactionModels)
      .set({ currentVersionId: versionId })
      .where(eq(satisfactionModels.id, id));
    await this.ctx.services.audit.record(tx, actor, {
      action: 'create',
      entityType: 'satisfaction_model',
      entityId: id,
      after: { name: input.name, version: 1, nodes: input.nodes.length },
    });
    return id;
  }

  async create(actor: Actor, input: ModelCreateInput): Promise<SatisfactionModelView> {
    this.requireEditor(actor);
    const name = input.name.trim();
    if (!name) throw validationFailed([{ field: 'name', message: 'must not be blank' }]);
    let nodes: ModelNode[];
    let note = '新建';
    if (input.nodes) nodes = this.checkedNodes(input.nodes);
    else if (input.copyFromModelId) {
      const source = await this.view(input.copyFromModelId).catch(() => {
        throw validationFailed([{ field: 'copyFromModelId', message: 'no such satisfaction model' }]);
      });
      nodes = source.currentVersion.nodes;
      note = `复制自 ${source.name} v${source.currentVersion.version}`;
    } else {
      nodes = normaliseWeights(defaultModelNodes());
      note = '默认物流模型';
    }
    const id = await this.ctx.db.transaction((tx) =>
      this.insertModel(tx, actor, {
        name,
        description: input.description?.trim() || null,
        nodes,
        isDefault: false,
        note,
      }),
    );
    return this.view(id);
  }

  /** Locks the model row so two edits cannot both create "the next" version. */
  private async lockModel(tx: DbOrTx, modelId: string): Promise<ModelRow> {
    const [model] = await tx
      .select()
      .from(satisfactionModels)
      .where(eq(satisfactionModels.id, modelId))
      .for('update');
    if (!model) throw notFound('Satisfaction model');
    return model;
  }

  /**
   * Stores a changed tree: in place while the current version has no answers, else as the next
   * version (the AHP judgements come along, so the editor still shows them).
   */
  private async commitNodes(
    tx: DbOrTx,
    actor: Actor | null,
    model: ModelRow,
    nodes: ModelNode[],
    changeNote: string | null,
  ): Promise<{ versionId: string; version: number; created: boolean }> {
    const current = await this.currentVersion(model.id, tx);
    const answers = (await this.answerCounts([current.id], tx)).get(current.id) ?? 0;
    const now = this.ctx.now();
    const createdById = actor && actor.via !== 'system' ? actor.id : null;
    if (answers === 0) {
      await tx
        .update(satisfactionModelVersions)
        .set({ nodes, changeNote: changeNote ?? current.changeNote })
        .where(eq(satisfactionModelVersions.id, current.id));
      await tx.update(satisfactionModels).set({ updatedAt: now }).where(eq(satisfactionModels.id, model.id));
      return { versionId: current.id, version: current.version, created: false };
    }
    const [{ last }] = (await tx
      .select({ last: max(satisfactionModelVersions.version) })
      .from(satisfactionModelVersions)
      .where(eq(satisfactionModelVersions.modelId, model.id))) as [{ last: number | null }];
    const versionId = uuidv7();
    const version = (last ?? 0) + 1;
    await tx.insert(satisfactionModelVersions).values({
      id: versionId,
      modelId: model.id,
      version,
      nodes,
      changeNote,
      createdById,
      createdAt: now,
    });
    const judgements = await tx.select().from(ahpJudgements).where(eq(ahpJudgements.versionId, current.id));
    if (judgements.length)
      await tx.insert(ahpJudgements).values(judgements.map((j) => ({ ...j, id: uuidv7(), versionId })));
    await tx
      .update(satisfactionModels)
      .set({ currentVersionId: versionId, updatedAt: now })
      .where(eq(satisfactionModels.id, model.id));
    return { versionId, version, created: true };
  }

  async update(actor: Actor, id: string, input: ModelUpdateInput): Promise<SatisfactionModelView> {
    this.requireEditor(actor);
    const nodes = input.nodes ? this.checkedNodes(input.nodes) : undefined;
    if (input.name !== undefined && !input.name.trim())
      throw validationFailed([{ field: 'name', message: 'must not be blank' }]);
    await this.ctx.db.transaction(async (tx) => {
      const model = await this.lockModel(tx, id);
      const changes: Partial<typeof satisfactionModels.$inferInsert> = {};
      if (input.name !== undefined) changes.name = input.name.trim();
      if (input.description !== undefined) changes.description = input.description?.trim() || null;
      if (input.status !== undefined) changes.status = input.status;
      if (Object.keys(changes).length)
        await tx
          .update(satisfactionModels)
          .set({ ...changes, updatedAt: this.ctx.now() })
          .where(eq(satisfactionModels.id, id));
      let versionInfo: { version: number; created: boolean } | null = null;
      if (nodes) {
        const current = await this.currentVersion(id, tx);
        if (JSON.stringify(current.nodes) !== JSON.stringify(nodes))
          versionInfo = await this.commitNodes(
            tx,
            actor,
            model,
            nodes,
            input.changeNote?.trim() || '编辑指标体系',
          );
      }
      await this.ctx.services.audit.record(tx, actor, {
        action: 'update',
        entityType: 'satisfaction_model',
        entityId: id,
        before: { name: model.name, description: model.description, status: model.status },
        after: {
          ...changes,
          ...(versionInfo ? { version: versionInfo.version, newVersion: versionInfo.created } : {}),
        },
      });
    });
    return this.view(id);
  }

  /**
   * Sets the weights of one node's children (direct entry, AHP result or PLS estimate) and marks
   * how they were set. Runs in `db` when the caller already holds a transaction.
   */
  async saveWeights(
    actor: Actor,
    modelId: string,
    input: SaveWeightsInput,
    db?: DbOrTx,
  ): Promise<SatisfactionModelView> {
    this.requireEditor(actor);
    const run = async (tx: DbOrTx) => {
      const model = await this.lockModel(tx, modelId);
      const current = await this.currentVersion(modelId, tx);
      const nodes = current.nodes;
      const parent = nodes.find((n) => n.key === input.parentKey);
      if (!parent)
        throw validationFailed([
          { field: 'parentKey', message: `no node "${input.parentKey}" in the current version` },
        ]);
      const children = childrenOf(nodes, parent.key);
      if (children.length === 0)
        throw validationFailed([
          { field: 'parentKey', message: `"${parent.key}" is an item; it has no children to weigh` },
        ]);
      const problems: FieldProblem[] = [];
      const childKeys = new Set(children.map((c) => c.key));
      for (const key of Object.keys(input.weights))
        if (!childKeys.has(key))
          problems.push({ field: `weights.${key}`, message: `"${key}" is not a child of "${parent.key}"` });
      for (const child of children) {
        const value = input.weights[child.key];
        if (value === undefined)
          problems.push({ field: `weights.${child.key}`, message: 'missing: give every child a weight' });
        else if (!Number.isFinite(value) || value < 0)
          problems.push({ field: `weights.${child.key}`, message: `${value} must be a number ≥ 0` });
      }
      if (!problems.length && input.method === 'direct' && children.every((c) => input.weights[c.key] === 0))
        problems.push({ field: 'weights', message: 'at least one weight must be above 0' });
      if (problems.length) throw validationFailed(problems, `The weights for "${parent.key}" are not valid.`);
      const next = normaliseWeights(
        nodes.map((node) => {
          if (node.key === parent.key) return { ...node, childWeightMethod: input.method };
          if (node.parentKey === parent.key) return { ...node, weight: input.weights[node.key]! };
          return node;
        }),
      );
      const labels: Record<WeightMethod, string> = {
        direct: '直接赋权',
        ahp: 'AHP 权重',
        pls: 'PLS 估计权重',
      };
      const note = input.note?.trim() || `${labels[input.method]}：${parent.nameZh}`;
      const info = await this.commitNodes(tx, actor, model, next, note);
      await this.ctx.services.audit.record(tx, actor, {
        action: 'weights',
        entityType: 'satisfaction_model',
        entityId: modelId,
        before: Object.fromEntries(children.map((c) => [c.key, c.weight])),
        after: {
          parentKey: parent.key,
          method: input.method,
          version: info.version,
          newVersion: info.created,
          weights: Object.fromEntries(childrenOf(next, parent.key).map((c) => [c.key, c.weight])),
        },
      });
    };
    if (db) {
      await run(db);
      return this.view(modelId, db);
    }
    await this.ctx.db.transaction(run);
    return this.view(modelId);
  }

  /**
   * Creates the default logistics model when there is no model at all (fresh install, demo,
   * tests); returns the default model's id (or the first model's).
   */
  async ensureDefaultModel(db?: DbOrTx): Promise<string> {
    const run = async (tx: DbOrTx) => {
      const [existing] = await tx
        .select({ id: satisfactionModels.id })
        .from(satisfactionModels)
        .orderBy(desc(satisfactionModels.isDefault), asc(satisfactionModels.createdAt))
        .limit(1);
      if (existing) return existing.id;
      return this.insertModel(tx, null, {
        name: DEFAULT_MODEL_NAME,
        description: DEFAULT_MODEL_DESCRIPTION,
        nodes: normaliseWeights(defaultModelNodes()),
        isDefault: true,
        note: '默认物流模型',
      });
    };
    return db ? run(db) : this.ctx.db.transaction(run);
  }

  // -------------------------------------------------------------------------------------------
  // AHP

  /** Live evaluation for the editor: no storage. Any staff member. */
  evaluate(actor: Actor, input: { matrix: number[][] } | { matrices: number[][][] }) {
    this.requireReader(actor);
    if ('matrix' in input) {
      const problems = matrixProblems(input.matrix, 'matrix');
      if (problems.length) throw validationFailed(problems, problems[0]!.message);
      return roundResult(ahpPriorities(input.matrix));
    }
    const problems = input.matrices.flatMap((m, k) => matrixProblems(m, `matrices[${k}]`));
    const n = input.matrices[0]!.length;
    input.matrices.forEach((m, k) => {
      if (m.length !== n)
        problems.push({
          field: `matrices[${k}]`,
          message: `every matrix must be ${n}×${n}; this one is ${m.length}×${m.length}`,
        });
    });
    if (problems.length) throw validationFailed(problems, problems[0]!.message);
    const combined = ahpPriorities(combineJudgements(input.matrices));
    return { ...roundResult(combined), experts: input.matrices.map((m) => roundResult(ahpPriorities(m))) };
  }

  private async ahpView(tx: DbOrTx, modelId: string, parentKey: string): Promise<AhpView> {
    const current = await this.currentVersion(modelId, tx);
    const parent = current.nodes.find((n) => n.key === parentKey);
    if (!parent)
      throw validationFailed([
        { field: 'parentKey', message: `no node "${parentKey}" in the current version` },
      ]);
    const childKeys = childrenOf(current.nodes, parentKey).map((c) => c.key);
    const rows = await tx
      .select()
      .from(ahpJudgements)
      .where(and(eq(ahpJudgements.versionId, current.id), eq(ahpJudgements.parentKey, parentKey)))
      .orderBy(asc(ahpJudgements.createdAt), asc(ahpJudgements.expertName));
    const judgements = rows.map((row): AhpJudgementView => {
      const sameSet =
        row.childKeys.length === childKeys.length && childKeys.every((key) => row.childKeys.includes(key));
      // Shown in the node's current child order, whatever order the expert saw.
      const index = childKeys.map((key) => row.childKeys.indexOf(key));
      const matrix = sameSet ? index.map((i) => index.map((j) => row.matrix[i]![j]!)) : row.matrix;
      return {
        id: row.id,
        expertName: row.expertName,
        childKeys: sameSet ? childKeys : row.childKeys,
        matrix,
        cr: row.consistencyRatio,
        stale: !sameSet,
        createdAt: row.createdAt,
      };
    });
    const usable = judgements.filter((j) => !j.stale);
    const combined = usable.length
      ? roundResult(ahpPriorities(combineJudgements(usable.map((j) => j.matrix))))
      : null;
    return { parentKey, versionId: current.id, childKeys, judgements, combined };
  }

  async getAhp(actor: Actor, modelId: string, parentKey: string): Promise<AhpView> {
    this.requireReader(actor);
    return this.ahpView(this.ctx.db, modelId, parentKey);
  }

  private inconsistencyMessage(result: AhpResult, matrix: number[][], childKeys: string[]): string {
    const cell = mostInconsistentCell(matrix, result.weights);
    const hint = cell
      ? ` The comparison furthest from the derived weights is matrix[${cell.row}][${cell.col}] (${childKeys[cell.row]} vs ${childKeys[cell.col]}): it says ${round(cell.given, 3)}, the other judgements imply about ${round(cell.implied, 2)}.`
      : '';
    return `CR is ${result.cr.toFixed(3)} (must be below ${CONSISTENCY_LIMIT}): the comparisons contradict each other.${hint} Revise them, or send acceptInconsistent: true to keep them anyway.`;
  }

  /** Stores (or replaces) one expert's comparison of a node's children in the current version. */
  async putAhp(
    actor: Actor,
    modelId: string,
    input: {
      parentKey: string;
      expertName: string;
      childKeys: string[];
      matrix: number[][];
      acceptInconsistent?: boolean;
    },
  ): Promise<AhpView> {
    this.requireEditor(actor);
    const expertName = input.expertName.trim();
    if (!expertName) throw validationFailed([{ field: 'expertName', message: 'must not be blank' }]);
    return this.ctx.db.transaction(async (tx) => {
      await this.lockModel(tx, modelId);
      const current = await this.currentVersion(modelId, tx);
      const parent = current.nodes.find((n) => n.key === input.parentKey);
      if (!parent)
        throw validationFailed([
          { field: 'parentKey', message: `no node "${input.parentKey}" in the current version` },
        ]);
      const children = childrenOf(current.nodes, parent.key).map((c) => c.key);
      if (children.length < 2)
        throw validationFailed([
          {
            field: 'parentKey',
            message: `"${parent.key}" has ${children.length} child(ren); AHP compares at least two`,
          },
        ]);
      const given = new Set(input.childKeys);
      if (
        input.childKeys.length !== children.length ||
        given.size !== children.length ||
        children.some((key) => !given.has(key))
      )
        throw validationFailed([
          {
            field: 'childKeys',
            message: `must list each child of "${parent.key}" once: ${children.join(', ')}`,
          },
        ]);
      const problems = matrixProblems(input.matrix, 'matrix');
      if (!problems.length && input.matrix.length !== children.length)
        problems.push({
          field: 'matrix',
          message: `the matrix must be ${children.length}×${children.length}, one row and column per child`,
        });
      if (problems.length) throw validationFailed(problems, problems[0]!.message);
      const result = ahpPriorities(input.matrix);
      let warning: string | null = null;
      if (!result.consistent) {
        const message = this.inconsistencyMessage(result, input.matrix, input.childKeys);
        if (!input.acceptInconsistent)
          throw validationFailed([{ field: 'matrix', message, code: 'inconsistent' }], message);
        warning = message;
      }
      const now = this.ctx.now();
      const values = {
        childKeys: input.childKeys,
        matrix: input.matrix,
        consistencyRatio: round(result.cr),
        createdById: actor.id,
        createdAt: now,
      };
      const [saved] = await tx
        .insert(ahpJudgements)
        .values({ id: uuidv7(), versionId: current.id, parentKey: parent.key, expertName, ...values })
        .onConflictDoUpdate({
          target: [ahpJudgements.versionId, ahpJudgements.parentKey, ahpJudgements.expertName],
          set: values,
        })
        .returning();
      await this.ctx.services.audit.record(tx, actor, {
        action: 'ahp_judgement',
        entityType: 'satisfaction_model',
        entityId: modelId,
        after: {
          judgementId: saved!.id,
          parentKey: parent.key,
          expertName,
          cr: round(result.cr, 4),
          warning,
        },
      });
      return { ...(await this.ahpView(tx, modelId, parent.key)), warning };
    });
  }

  async deleteAhp(actor: Actor, modelId: string, judgementId: string): Promise<void> {
    this.requireEditor(actor);
    await this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .select({ judgement: ahpJudgements, modelId: satisfactionModelVersions.modelId })
        .from(ahpJudgements)
        .innerJoin(satisfactionModelVersions, eq(satisfactionModelVersions.id, ahpJudgements.versionId))
        .where(eq(ahpJudgements.id, judgementId));
      if (!row || row.modelId !== modelId) throw notFound('AHP judgement');
      await tx.delete(ahpJudgements).where(eq(ahpJudgements.id, judgementId));
      await this.ctx.services.audit.record(tx, actor, {
        action: 'ahp_judgement_delete',
        entityType: 'satisfaction_model',
        entityId: modelId,
        before: {
          judgementId,
          parentKey: row.judgement.parentKey,
          expertName: row.judgement.expertName,
          matrix: row.judgement.matrix,
        },
      });
    });
  }

  /** Uses the experts' combined (geometric-mean) priorities as the node's children's weights. */
  async applyAhp(
    actor: Actor,
    modelId: string,
    input: { parentKey: string; acceptInconsistent?: boolean },
  ): Promise<SatisfactionModelView> {
    this.requireEditor(actor);
    return this.ctx.db.transaction(async (tx) => {
      const view = await this.ahpView(tx, modelId, input.parentKey);
      const usable = view.judgements.filter((j) => !j.stale);
      if (!view.combined || usable.length === 0)
        throw validationFailed([
          { field: 'parentKey', message: `no expert judgements for "${input.parentKey}" to apply yet` },
        ]);
      if (!view.combined.consistent && !input.acceptInconsistent) {
        const message = `The experts' combined judgements have CR ${view.combined.cr.toFixed(3)} (must be below ${CONSISTENCY_LIMIT}). Revise the judgements, or send acceptInconsistent: true.`;
        throw validationFailed([{ field: 'parentKey', message, code: 'inconsistent' }], message);
      }
      const weights = Object.fromEntries(view.childKeys.map((key, i) => [key, view.combined!.weights[i]!]));
      const experts = usable.length === 1 ? usable[0]!.expertName : `${usable.length} 位专家`;
      return this.saveWeights(
        actor,
        modelId,
        {
          parentKey: input.parentKey,
          method: 'ahp',
          weights,
          note: `AHP 权重（${experts}，CR ${view.combined.cr.toFixed(3)}）：${input.parentKey}`,
        },
        tx,
      );
    });
  }
}
