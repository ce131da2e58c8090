/**
 * The satisfaction indicator tree (测评指标体系), ACSI-shaped: level 1 the overall satisfaction,
 * level 2 the five dimensions, level 3/4 the questionnaire items (leaves). Pure types and rules.
 */

/** The five level-2 dimensions, in the order the questionnaire and the path model use. */
export const DIMENSIONS = ['expectation', 'quality', 'value', 'complaints', 'loyalty'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export const DIMENSION_NAMES_ZH: Record<Dimension, string> = {
  expectation: '客户期望',
  quality: '感知质量',
  value: '感知价值',
  complaints: '客户抱怨',
  loyalty: '客户回头率',
};

/** 5-level Likert scale: the stored score and its label. 5 is best. */
export const LIKERT_SCORES = [5, 4, 3, 2, 1] as const;
export type LikertScore = (typeof LIKERT_SCORES)[number];
export const LIKERT_LABELS_ZH: Record<LikertScore, string> = {
  5: '很满意',
  4: '比较满意',
  3: '满意',
  2: '较不满意',
  1: '不满意',
};
export const LIKERT_LABELS_EN: Record<LikertScore, string> = {
  5: 'Very satisfied',
  4: 'Fairly satisfied',
  3: 'Satisfied',
  2: 'Fairly dissatisfied',
  1: 'Dissatisfied',
};

/** How a node's children's weights were set. */
export const WEIGHT_METHODS = ['direct', 'ahp', 'pls'] as const;
export type WeightMethod = (typeof WEIGHT_METHODS)[number];

/**
 * Measured service elements an item can be linked to (SPEC §9), so IPA and corrective actions
 * can put the survey score next to the measured figure.
 */
export const SERVICE_ELEMENTS = [
  'on_time_delivery',
  'transit_speed',
  'damage_free',
  'delivery_accuracy',
  'tracking_information',
  'complaint_handling',
  'first_response',
  'staff_attitude',
  'price_value',
  'documentation',
  'inventory_accuracy',
  'order_convenience',
] as const;
export type ServiceElement = (typeof SERVICE_ELEMENTS)[number];

export interface ModelNode {
  /** Stable within a model across versions, [a-z0-9_.-], e.g. "quality.reliability". */
  key: string;
  /** null only for the root (level 1). */
  parentKey: string | null;
  level: 1 | 2 | 3 | 4;
  nameZh: string;
  nameEn: string;
  /** Level-2 nodes: which of the five dimensions this is. */
  dimension?: Dimension;
  /** Weight among its siblings; siblings' weights sum to 1 (normalised on save). */
  weight: number;
  /** Inner nodes: how the children's weights were set. */
  childWeightMethod?: WeightMethod;
  /** Leaves: the questionnaire item. */
  questionZh?: string;
  questionEn?: string;
  /** Leaves: a high answer means low satisfaction (e.g. "how often did you have to chase us?"). */
  reverse?: boolean;
  serviceElement?: ServiceElement | null;
  /** Leaves: stated importance (1–5) given by management, used by IPA when no derived importance. */
  statedImportance?: number | null;
  /**
   * Leaves: labels for the scores 5, 4, 3, 2, 1 when the satisfaction labels do not fit the
   * question (a reverse item such as "how often did you have to complain?"). Absent: LIKERT labels.
   */
  scaleLabelsZh?: string[] | null;
  scaleLabelsEn?: string[] | null;
}

export const ROOT_KEY = 'satisfaction';
export const MAX_NODES = 200;
export const KEY_PATTERN = /^[a-z0-9_.-]{1,64}$/;

export interface TreeProblem {
  /** Where: `nodes[3]` (the index in the list sent). */
  field: string;
  message: string;
}

/** The children of a node, in the order they are listed. */
export function childrenOf(nodes: readonly ModelNode[], key: string): ModelNode[] {
  return nodes.filter((node) => node.parentKey === key);
}

/** Nodes without children: the questionnaire items. */
export function leavesOf(nodes: readonly ModelNode[]): ModelNode[] {
  const parents = new Set(nodes.map((node) => node.parentKey));
  return nodes.filter((node) => !parents.has(node.key));
}

/** The chain of keys from the root down to a node, for messages ("satisfaction › quality › …"). */
export function pathOf(nodes: readonly ModelNode[], key: string): string {
  const byKey = new Map(nodes.map((node) => [node.key, node]));
  const chain: string[] = [];
  let current = byKey.get(key);
  const seen = new Set<string>();
  while (current && !seen.has(current.key)) {
    seen.add(current.key);
    chain.unshift(current.key);
    current = current.parentKey === null ? undefined : byKey.get(current.parentKey);
  }
  return chain.length ? chain.join(' › ') : key;
}

/** Each node's global weight: the product of the (normalised) weights on its path from the root. */
export function globalWeights(nodes: readonly ModelNode[]): Map<string, number> {
  const normalised = normaliseWeights(nodes);
  const result = new Map<string, number>();
  const visit = (key: string, weight: number) => {
    result.set(key, weight);
    for (const child of childrenOf(normalised, key)) visit(child.key, weight * child.weight);
  };
  const root = normalised.find((node) => node.parentKey === null);
  if (root) visit(root.key, 1);
  return result;
}

/**
 * Siblings' weights scaled to sum to 1; siblings whose weights are all zero (or not finite) get
 * equal weights. The root's weight is 1. Returns new node objects in the same order.
 */
export function normaliseWeights(nodes: readonly ModelNode[]): ModelNode[] {
  const groups = new Map<string | null, ModelNode[]>();
  for (const node of nodes) {
    const list = groups.get(node.parentKey) ?? [];
    list.push(node);
    groups.set(node.parentKey, list);
  }
  const weightOf = new Map<ModelNode, number>();
  for (const [parentKey, siblings] of groups) {
    const raw = siblings.map((node) => (Number.isFinite(node.weight) && node.weight > 0 ? node.weight : 0));
    const sum = raw.reduce((s, v) => s + v, 0);
    siblings.forEach((node, i) => {
      weightOf.set(node, parentKey === null ? 1 : sum > 0 ? raw[i]! / sum : 1 / siblings.length);
    });
  }
  return nodes.map((node) => ({ ...node, weight: weightOf.get(node)! }));
}

const isBlank = (value: unknown) => typeof value !== 'string' || value.trim() === '';

/**
 * Everything wrong with a tree, each problem naming the node (its index in the list and its path):
 * one root `satisfaction` at level 1; the five dimensions at level 2, once each, keyed by their
 * dimension; levels one below their parent (at most 4); unique keys of [a-z0-9_.-]{1,64};
 * names in both languages; leaves at level 3 or 4 with the question in both languages;
 * weights ≥ 0; at most 200 nodes.
 */
export function validateTree(nodes: readonly ModelNode[]): TreeProblem[] {
  const problems: TreeProblem[] = [];
  if (!Array.isArray(nodes) || nodes.length === 0)
    return [{ field: 'nodes', message: 'the tree has no nodes' }];
  if (nodes.length > MAX_NODES)
    return [
      { field: 'nodes', message: `a tree has at most ${MAX_NODES} nodes; this one has ${nodes.length}` },
    ];
  const at = (i: number) => `nodes[${i}]`;
  const label = (node: ModelNode) => pathOf(nodes, node.key);

  const indexByKey = new Map<string, number>();
  nodes.forEach((node, i) => {
    if (typeof node.key !== 'string' || !KEY_PATTERN.test(node.key)) {
      problems.push({
        field: `${at(i)}.key`,
        message: `key ${JSON.stringify(node.key)} must be 1–64 characters of a–z, 0–9, "_", "." or "-"`,
      });
      return;
    }
    if (indexByKey.has(node.key))
      problems.push({
        field: `${at(i)}.key`,
        message: `key "${node.key}" is used twice (also nodes[${indexByKey.get(node.key)}])`,
      });
    else indexByKey.set(node.key, i);
  });

  const roots = nodes.filter((node) => node.parentKey === null || node.parentKey === undefined);
  if (roots.length !== 1)
    problems.push({
      field: 'nodes',
      message: `the tree needs exactly one root (a node without parentKey); it has ${roots.length}${
        roots.length ? ` (${roots.map((r) => r.key).join(', ')})` : ''
      }`,
    });

  const hasChildren = new Set(nodes.map((node) => node.parentKey));
  const dimensionsSeen = new Map<string, number>();
  nodes.forEach((node, i) => {
    const where = `${label(node)}`;
    if (isBlank(node.nameZh))
      problems.push({ field: `${at(i)}.nameZh`, message: `${where}: the Chinese name is missing` });
    if (isBlank(node.nameEn))
      problems.push({ field: `${at(i)}.nameEn`, message: `${where}: the English name is missing` });
    if (typeof node.weight !== 'number' || !Number.isFinite(node.weight) || node.weight < 0)
      problems.push({
        field: `${at(i)}.weight`,
        message: `${where}: weight ${JSON.stringify(node.weight)} must be a number ≥ 0`,
      });

    if (node.parentKey === null || node.parentKey === undefined) {
      if (node.key !== ROOT_KEY)
        problems.push({
          field: `${at(i)}.key`,
          message: `the root's key must be "${ROOT_KEY}", not "${node.key}"`,
        });
      if (node.level !== 1)
        problems.push({
          field: `${at(i)}.level`,
          message: `${where}: the root is level 1, not ${node.level}`,
        });
    } else {
      const parentIndex = indexByKey.get(node.parentKey);
      const parent = parentIndex === undefined ? undefined : nodes[parentIndex];
      if (!parent) {
        problems.push({
          field: `${at(i)}.parentKey`,
          message: `${node.key}: parent "${node.parentKey}" is not in the tree`,
        });
      } else if (node.level !== parent.level + 1) {
        problems.push({
          field: `${at(i)}.level`,
          message: `${where}: level ${node.level} must be one below its parent "${parent.key}" (level ${parent.level + 1})`,
        });
      }
      if (node.level > 4 || node.level < 2)
        problems.push({
          field: `${at(i)}.level`,
          message: `${where}: level ${node.level} must be 2, 3 or 4`,
        });
    }

    if (node.level === 2) {
      if (!node.dimension || !(DIMENSIONS as readonly string[]).includes(node.dimension))
        problems.push({
          field: `${at(i)}.dimension`,
          message: `${where}: a level-2 node must be one of the dimensions ${DIMENSIONS.join(', ')}`,
        });
      else if (dimensionsSeen.has(node.dimension))
        problems.push({
          field: `${at(i)}.dimension`,
          message: `${where}: dimension "${node.dimension}" appears twice (also nodes[${dimensionsSeen.get(node.dimension)}])`,
        });
      else {
        dimensionsSeen.set(node.dimension, i);
        if (node.key !== node.dimension)
          problems.push({
            field: `${at(i)}.key`,
            message: `${where}: the ${node.dimension} dimension's key must be "${node.dimension}"`,
          });
      }
    } else if (node.dimension !== undefined && node.dimension !== null) {
      problems.push({
        field: `${at(i)}.dimension`,
        message: `${where}: only level-2 nodes carry a dimension`,
      });
    }

    const isLeaf = !hasChildren.has(node.key);
    if (isLeaf) {
      if (node.level < 3)
        problems.push({
          field: at(i),
          message: `${where}: a level-${node.level} node needs children (questionnaire items are at level 3 or 4)`,
        });
      else {
        if (isBlank(node.questionZh))
          problems.push({
            field: `${at(i)}.questionZh`,
            message: `${where}: the Chinese question is missing`,
          });
        if (isBlank(node.questionEn))
          problems.push({
            field: `${at(i)}.questionEn`,
            message: `${where}: the English question is missing`,
          });
      }
      if (node.serviceElement && !(SERVICE_ELEMENTS as readonly string[]).includes(node.serviceElement))
        problems.push({
          field: `${at(i)}.serviceElement`,
          message: `${where}: unknown service element "${node.serviceElement}"; one of ${SERVICE_ELEMENTS.join(', ')}`,
        });
      if (
        node.statedImportance !== undefined &&
        node.statedImportance !== null &&
        !(Number.isFinite(node.statedImportance) && node.statedImportance >= 1 && node.statedImportance <= 5)
      )
        problems.push({
          field: `${at(i)}.statedImportance`,
          message: `${where}: stated importance ${node.statedImportance} must be between 1 and 5`,
        });
      for (const field of ['scaleLabelsZh', 'scaleLabelsEn'] as const) {
        const labels = node[field];
        if (labels !== undefined && labels !== null && (labels.length !== 5 || labels.some(isBlank)))
          problems.push({
            field: `${at(i)}.${field}`,
            message: `${where}: ${field} needs five labels, for the scores 5 down to 1`,
          });
      }
    } else if (
      node.childWeightMethod &&
      !(WEIGHT_METHODS as readonly string[]).includes(node.childWeightMethod)
    ) {
      problems.push({
        field: `${at(i)}.childWeightMethod`,
        message: `${where}: childWeightMethod must be one of ${WEIGHT_METHODS.join(', ')}`,
      });
    }
  });

  const missing = DIMENSIONS.filter((d) => !dimensionsSeen.has(d));
  if (missing.length)
    problems.push({
      field: 'nodes',
      message: `the tree lacks the level-2 dimension${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
    });
  return problems;
}
