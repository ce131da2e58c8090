import { Type } from 'typebox';
import { DIMENSIONS, SERVICE_ELEMENTS, WEIGHT_METHODS } from '../../domain/satisfaction/model.ts';
import { DateTime, Nullable, Text, Uuid } from '../../server/schemas.ts';
import { MODEL_STATUSES } from './tables.ts';

const literals = <T extends readonly string[]>(values: T) => Type.Union(values.map((v) => Type.Literal(v)));

/**
 * One node of the indicator tree. Types only: the tree's rules (keys, levels, dimensions,
 * questions) are checked by validateTree so a 422 can name the node.
 */
export const ModelNodeSchema = Type.Object(
  {
    key: Type.String({ maxLength: 100, description: '[a-z0-9_.-]{1,64}, stable across versions' }),
    parentKey: Nullable(Type.String({ maxLength: 100 })),
    level: Type.Integer({ minimum: 1, maximum: 9 }),
    nameZh: Text(200),
    nameEn: Text(200),
    dimension: Type.Optional(literals(DIMENSIONS)),
    weight: Type.Number({ description: 'among its siblings; normalised to sum to 1 on save' }),
    childWeightMethod: Type.Optional(literals(WEIGHT_METHODS)),
    questionZh: Type.Optional(Text(1000)),
    questionEn: Type.Optional(Text(1000)),
    reverse: Type.Optional(Type.Boolean()),
    serviceElement: Type.Optional(Nullable(literals(SERVICE_ELEMENTS))),
    statedImportance: Type.Optional(Nullable(Type.Number())),
    scaleLabelsZh: Type.Optional(Nullable(Type.Array(Text(60), { maxItems: 10 }))),
    scaleLabelsEn: Type.Optional(Nullable(Type.Array(Text(60), { maxItems: 10 }))),
  },
  { additionalProperties: false },
);

const Nodes = Type.Array(ModelNodeSchema, { maxItems: 400 });

const VersionSummary = {
  id: Type.String(),
  version: Type.Integer(),
  changeNote: Nullable(Type.String()),
  createdAt: DateTime,
  answerCount: Type.Integer({ description: 'survey responses given on this version' }),
};

export const SatisfactionModelSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Nullable(Type.String()),
    status: literals(MODEL_STATUSES),
    isDefault: Type.Boolean(),
    currentVersion: Type.Object({ ...VersionSummary, nodes: Nodes }),
    versions: Type.Array(Type.Object(VersionSummary), { description: 'newest first' }),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'SatisfactionModel' },
);

export const ModelVersionSchema = Type.Object({
  ...VersionSummary,
  modelId: Type.String(),
  nodes: Nodes,
});

export const ModelCreateBody = Type.Object(
  {
    name: Text(200, 1),
    description: Type.Optional(Nullable(Text(2000))),
    nodes: Type.Optional(Nodes),
    copyFromModelId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);

export const ModelUpdateBody = Type.Object(
  {
    name: Type.Optional(Text(200, 1)),
    description: Type.Optional(Nullable(Text(2000))),
    status: Type.Optional(literals(MODEL_STATUSES)),
    nodes: Type.Optional(Nodes),
    changeNote: Type.Optional(Text(500)),
  },
  { additionalProperties: false },
);

export const WeightsBody = Type.Object(
  {
    parentKey: Type.String({ maxLength: 100 }),
    weights: Type.Record(Type.String(), Type.Number(), { description: 'child key → weight (normalised)' }),
    note: Type.Optional(Text(500)),
  },
  { additionalProperties: false },
);

export const VersionParams = Type.Object({ id: Uuid, versionId: Uuid });
export const JudgementParams = Type.Object({ id: Uuid, judgementId: Uuid });

/** Up to 20 rows so a 16×16 matrix reaches the rule that names the size (422), not a schema 400. */
const Matrix = Type.Array(Type.Array(Type.Number(), { maxItems: 20 }), { maxItems: 20 });

export const AhpResultSchema = Type.Object({
  weights: Type.Array(Type.Number()),
  lambdaMax: Type.Number(),
  ci: Type.Number(),
  ri: Type.Number(),
  cr: Type.Number(),
  consistent: Type.Boolean({ description: 'CR < 0.1' }),
});

export const EvaluateBody = Type.Union([
  Type.Object({ matrix: Matrix }, { additionalProperties: false }),
  Type.Object(
    { matrices: Type.Array(Matrix, { minItems: 1, maxItems: 50 }) },
    { additionalProperties: false },
  ),
]);

export const EvaluateResult = Type.Object({
  ...AhpResultSchema.properties,
  experts: Type.Optional(
    Type.Array(AhpResultSchema, { description: 'each expert’s own result, when several were sent' }),
  ),
});

export const AhpQuery = Type.Object({ parentKey: Type.String({ maxLength: 100 }) });

export const AhpJudgementSchema = Type.Object({
  id: Type.String(),
  expertName: Type.String(),
  childKeys: Type.Array(Type.String(), { description: 'as stored' }),
  matrix: Matrix,
  cr: Nullable(Type.Number()),
  stale: Type.Boolean({
    description: 'compares other children than the node has now; left out of the combination',
  }),
  createdAt: DateTime,
});

export const AhpViewSchema = Type.Object({
  parentKey: Type.String(),
  versionId: Type.String(),
  childKeys: Type.Array(Type.String(), { description: 'the order the matrices are shown in' }),
  judgements: Type.Array(AhpJudgementSchema, { description: 'matrices reordered to childKeys' }),
  combined: Nullable(AhpResultSchema),
  warning: Type.Optional(Nullable(Type.String())),
});

export const AhpPutBody = Type.Object(
  {
    parentKey: Type.String({ maxLength: 100 }),
    expertName: Text(100, 1),
    childKeys: Type.Array(Type.String({ maxLength: 100 }), { maxItems: 20 }),
    matrix: Matrix,
    acceptInconsistent: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const AhpApplyBody = Type.Object(
  { parentKey: Type.String({ maxLength: 100 }), acceptInconsistent: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
