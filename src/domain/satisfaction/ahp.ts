/**
 * Analytic Hierarchy Process (层次分析法): priorities of a node's children from an expert's
 * pairwise comparisons (Saaty's 1–9 scale), the consistency check, and the combination of
 * several experts. Pure functions on plain matrices.
 */

/**
 * Saaty's random consistency index RI for n = 1..15 (index n − 1): the mean consistency index
 * of random reciprocal matrices (Saaty, The Analytic Hierarchy Process, 1980; the table most
 * textbooks print, including the dip at n = 12).
 */
export const RANDOM_INDEX: readonly number[] = [
  0, 0, 0.58, 0.9, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59,
];

/** Judgements above this ratio (CR) are too inconsistent to use without a second look. */
export const CONSISTENCY_LIMIT = 0.1;
export const AHP_MIN_SIZE = 2;
export const AHP_MAX_SIZE = 15;

export interface AhpResult {
  /** Principal right eigenvector, normalised to sum to 1, in matrix order. */
  weights: number[];
  lambdaMax: number;
  /** Consistency index (λmax − n) / (n − 1). */
  ci: number;
  ri: number;
  /** Consistency ratio CI / RI; 0 for n ≤ 2 (always consistent). */
  cr: number;
  consistent: boolean;
}

export interface AhpProblem {
  /** The cell concerned, when there is one (0-based). */
  row?: number;
  col?: number;
  message: string;
}

const RECIPROCAL_TOLERANCE = 1e-6;

function fmt(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}

/** Everything that makes a matrix unusable as a pairwise comparison, naming the cell. */
export function validatePairwise(matrix: unknown): AhpProblem[] {
  if (!Array.isArray(matrix)) return [{ message: 'the matrix must be an array of rows' }];
  const n = matrix.length;
  if (n < AHP_MIN_SIZE || n > AHP_MAX_SIZE)
    return [
      { message: `the matrix must have between ${AHP_MIN_SIZE} and ${AHP_MAX_SIZE} rows; it has ${n}` },
    ];
  const problems: AhpProblem[] = [];
  for (let i = 0; i < n; i++) {
    const row = matrix[i];
    if (!Array.isArray(row) || row.length !== n)
      problems.push({
        row: i,
        message: `matrix[${i}] must have ${n} entries (the matrix must be square); it has ${Array.isArray(row) ? row.length : 'none'}`,
      });
  }
  if (problems.length) return problems;
  const m = matrix as unknown[][];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const value = m[i]![j];
      if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
        problems.push({
          row: i,
          col: j,
          message: `matrix[${i}][${j}] is ${JSON.stringify(value)}; every entry must be a positive number`,
        });
    }
  }
  if (problems.length) return problems;
  const a = m as number[][];
  for (let i = 0; i < n; i++) {
    if (Math.abs(a[i]![i]! - 1) > RECIPROCAL_TOLERANCE)
      problems.push({
        row: i,
        col: i,
        message: `matrix[${i}][${i}] is ${fmt(a[i]![i]!)}; an element compared with itself must be 1`,
      });
    for (let j = i + 1; j < n; j++) {
      const product = a[i]![j]! * a[j]![i]!;
      if (Math.abs(product - 1) > RECIPROCAL_TOLERANCE)
        problems.push({
          row: i,
          col: j,
          message: `matrix[${i}][${j}] is ${fmt(a[i]![j]!)} but matrix[${j}][${i}] is ${fmt(a[j]![i]!)}; they must be reciprocals (matrix[${j}][${i}] = 1/${fmt(a[i]![j]!)})`,
        });
    }
  }
  return problems;
}

/** Saaty's RI for a matrix of size n (the n = 15 value beyond the table). */
export function randomIndex(n: number): number {
  if (n < 1) return 0;
  return RANDOM_INDEX[Math.min(n, RANDOM_INDEX.length) - 1]!;
}

/**
 * Priorities by the principal eigenvector (power iteration: a positive matrix has a unique
 * positive Perron vector, so the iteration converges from the uniform start), λmax, CI and CR.
 * Call validatePairwise first; this assumes a positive reciprocal matrix.
 */
export function ahpPriorities(
  matrix: number[][],
  options: { tol?: number; maxIter?: number } = {},
): AhpResult {
  const n = matrix.length;
  const tol = options.tol ?? 1e-13;
  const maxIter = options.maxIter ?? 10_000;
  let w = new Array<number>(n).fill(1 / n);
  let aw = multiply(matrix, w);
  for (let iter = 0; iter < maxIter; iter++) {
    const sum = aw.reduce((s, v) => s + v, 0);
    const next = aw.map((v) => v / sum);
    const change = Math.max(...next.map((v, i) => Math.abs(v - w[i]!)));
    w = next;
    aw = multiply(matrix, w);
    if (change < tol) break;
  }
  // With w summing to 1, Σ(Aw)_i = λmax·Σw_i = λmax at convergence.
  const lambdaMax = aw.reduce((s, v) => s + v, 0);
  const ci = n > 2 ? Math.max(0, (lambdaMax - n) / (n - 1)) : 0;
  const ri = randomIndex(n);
  const cr = n > 2 && ri > 0 ? ci / ri : 0;
  return { weights: w, lambdaMax, ci, ri, cr, consistent: cr < CONSISTENCY_LIMIT };
}

function multiply(matrix: number[][], vector: number[]): number[] {
  return matrix.map((row) => row.reduce((s, v, j) => s + v * vector[j]!, 0));
}

/**
 * Several experts' judgements combined by the elementwise geometric mean, the aggregation that
 * keeps the result reciprocal (Aczél & Saaty, "Procedures for synthesizing ratio judgements",
 * J. Math. Psychology 27, 1983). All matrices must have the same size.
 */
export function combineJudgements(matrices: number[][][]): number[][] {
  if (matrices.length === 0) throw new Error('no judgements to combine');
  const n = matrices[0]!.length;
  if (matrices.some((m) => m.length !== n)) throw new Error('the judgements have different sizes');
  const k = matrices.length;
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      if (i === j) return 1;
      const logSum = matrices.reduce((s, m) => s + Math.log(m[i]![j]!), 0);
      return Math.exp(logSum / k);
    }),
  );
}

/** A perfectly consistent matrix a_ij = w_i / w_j (tests, and the editor's "from weights"). */
export function matrixFromWeights(weights: number[]): number[][] {
  return weights.map((wi) => weights.map((wj) => wi / wj));
}

/**
 * The judgement that disagrees most with the derived priorities (largest |ln(a_ij · w_j / w_i)|),
 * the first cell an expert should revisit when the CR is too high.
 */
export function mostInconsistentCell(
  matrix: number[][],
  weights: number[],
): { row: number; col: number; given: number; implied: number } | null {
  let best: { row: number; col: number; given: number; implied: number } | null = null;
  let worst = 0;
  for (let i = 0; i < matrix.length; i++) {
    for (let j = i + 1; j < matrix.length; j++) {
      const implied = weights[i]! / weights[j]!;
      const deviation = Math.abs(Math.log(matrix[i]![j]! / implied));
      if (deviation > worst) {
        worst = deviation;
        best = { row: i, col: j, given: matrix[i]![j]!, implied };
      }
    }
  }
  return best;
}
