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
}
