/**
 * PLS path modelling (PLS-PM), the estimation behind national satisfaction indices (ACSI, ECSI):
 * Wold's iterative algorithm as set out by Lohmöller and implemented in the R package plspm
 * (Sanchez, "PLS Path Modeling with R", 2013). Reflective (mode A) blocks; centroid, factorial and
 * path inner schemes; outer weights, loadings, path coefficients by OLS, R², total effects; and a
 * seeded bootstrap with percentile confidence intervals.
 *
 * Pure and allocation-light: indicators live in one Float64Array per column, so 10 000 respondents
 * × 30 items estimate in milliseconds. Rows with a missing value in any used column are dropped
 * (and counted), the way the ACSI estimates on complete cases.
 */

export type PlsScheme = 'path' | 'centroid' | 'factorial';

/** Row-major matrix, the cheap form for large inputs. NaN marks a missing value. */
export interface PlsMatrix {
  rows: number;
  cols: number;
  values: Float64Array;
}

export interface PlsInput {
  /** Rows are respondents, columns items; null, undefined or NaN is missing. */
  data: readonly (readonly (number | null | undefined)[])[] | PlsMatrix;
  /** Each latent variable's indicators (column indexes). A column may serve several blocks. */
  blocks: Record<string, readonly number[]>;
  /** Structural model: [from, to] pairs; must be recursive (no cycles). */
  paths: readonly (readonly [string, string])[];
  /** Reflective measurement only. */
  mode?: 'A';
}

export interface PlsOptions {
  scheme?: PlsScheme;
  /** Iterations before giving up (plspm's default 100). */
  maxIter?: number;
  /** Stop when Σ(|w_old| − |w_new|)² falls below this (plspm's default 1e-6). */
  tol?: number;
  /**
   * Standardise indicators (true, the default) or only centre them (false): on one common scale
   * such as a Likert scale the unstandardised weights are the ones an index applies to raw scores.
   */
  scaled?: boolean;
}

export interface PlsPath {
  from: string;
  to: string;
  value: number;
}

export interface PlsResult {
  /** Latent variables in input order. */
  lvs: string[];
  /** Per LV, one outer weight per block column (block order); LV scores = Σ w·x have unit variance. */
  outerWeights: Record<string, number[]>;
  /** Per LV, the outer weights normalised to sum 1 within the block (what an index applies). */
  relativeWeights: Record<string, number[]>;
  /** Per LV, correlation of each block column with the LV score. */
  loadings: Record<string, number[]>;
  pathCoefficients: PlsPath[];
  /** Direct plus indirect effects, for every ordered pair joined by a directed route. */
  totalEffects: PlsPath[];
  /** 0 for exogenous LVs. */
  rSquared: Record<string, number>;
  /** Standardised LV scores, one array per LV, one value per complete row. */
  scores: Record<string, Float64Array>;
  iterations: number;
  converged: boolean;
  /** Complete rows used, and rows dropped for a missing value. */
  respondents: number;
  droppedRows: number;
}

/** A problem with the input that estimation cannot get past (the HTTP layer answers 422). */
export class PlsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlsError';
  }
}

// ---------------------------------------------------------------------------------------------
// Preparation

interface Spec {
  lvs: string[];
  /** Per LV, indexes into the prepared columns. */
  blocks: Int32Array[];
  /** Per LV, the original column indexes (for messages). */
  blockCols: number[][];
  /** Direct paths as LV index pairs. */
  edges: [number, number][];
  /** Per LV: antecedents (p → k) and successors (k → s). */
  preds: number[][];
  succs: number[][];
  /** Topological order of LVs. */
  order: number[];
  /** Original column index of each prepared column. */
  used: number[];
}

function buildSpec(input: PlsInput): Spec {
  if (input.mode !== undefined && input.mode !== 'A')
    throw new PlsError('Only mode A (reflective) blocks are supported.');
  const lvs = Object.keys(input.blocks);
  if (lvs.length < 2) throw new PlsError('A path model needs at least two latent variables.');
  const lvIndex = new Map(lvs.map((lv, i) => [lv, i]));
  const used: number[] = [];
  const usedIndex = new Map<number, number>();
  const blockCols: number[][] = [];
  const blocks: Int32Array[] = [];
  for (const lv of lvs) {
    const cols = input.blocks[lv];
    if (!cols || cols.length === 0) throw new PlsError(`Block ${lv} has no indicators.`);
    if (new Set(cols).size !== cols.length) throw new PlsError(`Block ${lv} lists an indicator twice.`);
    const block = new Int32Array(cols.length);
    cols.forEach((col, j) => {
      if (!Number.isInteger(col) || col < 0) throw new PlsError(`Block ${lv} has an invalid column ${col}.`);
      let at = usedIndex.get(col);
      if (at === undefined) {
        at = used.length;
        used.push(col);
        usedIndex.set(col, at);
      }
      block[j] = at;
    });
    blocks.push(block);
    blockCols.push([...cols]);
  }
  const preds: number[][] = lvs.map(() => []);
  const succs: number[][] = lvs.map(() => []);
  const edges: [number, number][] = [];
  const seen = new Set<string>();
  for (const [from, to] of input.paths) {
    const a = lvIndex.get(from);
    const b = lvIndex.get(to);
    if (a === undefined || b === undefined)
      throw new PlsError(`Path ${from} → ${to} names an unknown latent variable.`);
    if (a === b) throw new PlsError(`Path ${from} → ${to} is a loop.`);
    const key = `${a}>${b}`;
    if (seen.has(key)) continue;
    if (seen.has(`${b}>${a}`))
      throw new PlsError(`Paths ${from} → ${to} and back make the model non-recursive.`);
    seen.add(key);
    edges.push([a, b]);
    preds[b].push(a);
    succs[a].push(b);
  }
  lvs.forEach((lv, i) => {
    if (preds[i].length === 0 && succs[i].length === 0)
      throw new PlsError(`Latent variable ${lv} has no path.`);
  });
  // Kahn's algorithm: a recursive model is a DAG.
  const indegree = preds.map((p) => p.length);
  const queue = lvs.map((_, i) => i).filter((i) => indegree[i] === 0);
  const order: number[] = [];
  while (queue.length > 0) {
    const i = queue.shift() as number;
    order.push(i);
    for (const s of succs[i]) if (--indegree[s] === 0) queue.push(s);
  }
  if (order.length !== lvs.length)
    throw new PlsError('The paths contain a cycle; PLS-PM needs a recursive model.');
  return { lvs, blocks, blockCols, edges, preds, succs, order, used };
}

/** The used columns of the complete rows, as one Float64Array per column. */
function completeColumns(
  data: PlsInput['data'],
  used: number[],
): { columns: Float64Array[]; dropped: number } {
  const isMatrix = !Array.isArray(data);
  const rows = isMatrix ? (data as PlsMatrix).rows : (data as readonly (readonly unknown[])[]).length;
  const keep = new Uint8Array(rows);
  let n = 0;
  if (isMatrix) {
    const { cols, values } = data as PlsMatrix;
    for (const col of used)
      if (col >= cols) throw new PlsError(`Column ${col} is outside the data (${cols} columns).`);
    for (let r = 0; r < rows; r++) {
      let ok = 1;
      const base = r * cols;
      for (const col of used) {
        if (!Number.isFinite(values[base + col])) {
          ok = 0;
          break;
        }
      }
      keep[r] = ok;
      n += ok;
    }
    const columns = used.map(() => new Float64Array(n));
    let at = 0;
    for (let r = 0; r < rows; r++) {
      if (!keep[r]) continue;
      const base = r * cols;
      for (let j = 0; j < used.length; j++) columns[j][at] = values[base + used[j]];
      at++;
    }
    return { columns, dropped: rows - n };
  }
  const list = data as readonly (readonly (number | null | undefined)[])[];
  for (let r = 0; r < rows; r++) {
    const row = list[r];
    let ok = 1;
    for (const col of used) {
      const v = row[col];
      if (v === null || v === undefined || !Number.isFinite(v)) {
        ok = 0;
        break;
      }
    }
    keep[r] = ok;
    n += ok;
  }
  const columns = used.map(() => new Float64Array(n));
  let at = 0;
  for (let r = 0; r < rows; r++) {
    if (!keep[r]) continue;
    const row = list[r];
    for (let j = 0; j < used.length; j++) columns[j][at] = row[used[j]] as number;
    at++;
  }
  return { columns, dropped: rows - n };
}

/** Centres (and with `scaled` standardises by the population sd) in place; returns false on a constant column. */
function treat(columns: Float64Array[], scaled: boolean): number {
  let constant = -1;
  for (let j = 0; j < columns.length; j++) {
    const x = columns[j];
    const n = x.length;
    let sum = 0;
    for (let r = 0; r < n; r++) sum += x[r];
    const mean = sum / n;
    let ss = 0;
    for (let r = 0; r < n; r++) {
      const d = x[r] - mean;
      x[r] = d;
      ss += d * d;
    }
    const sd = Math.sqrt(ss / n);
    if (!(sd > 1e-12)) {
      if (constant < 0) constant = j;
      continue;
    }
    if (scaled) for (let r = 0; r < n; r++) x[r] /= sd;
  }
  return constant;
}

// ---------------------------------------------------------------------------------------------
// Estimation

interface Fit {
  weights: Float64Array[];
  loadings: Float64Array[];
  scores: Float64Array[];
  /** LV correlation matrix, row-major L×L. */
  cor: Float64Array;
  /** Direct path coefficient per edge. */
  paths: Float64Array;
  rSquared: Float64Array;
  iterations: number;
  converged: boolean;
}

function blockScore(x: Float64Array[], block: Int32Array, w: Float64Array, out: Float64Array): void {
  out.fill(0);
  const n = out.length;
  for (let j = 0; j < block.length; j++) {
    const col = x[block[j]];
    const wj = w[j];
    if (wj === 0) continue;
    for (let r = 0; r < n; r++) out[r] += wj * col[r];
  }
}

/** Population standard deviation of a centred vector. */
function sdOf(y: Float64Array): number {
  let ss = 0;
  for (let r = 0; r < y.length; r++) ss += y[r] * y[r];
  return Math.sqrt(ss / y.length);
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let r = 0; r < a.length; r++) s += a[r] * b[r];
  return s;
}

/** Solves A x = b (A k×k row-major) by Gaussian elimination with partial pivoting; null if singular. */
export function solveLinear(a: number[][], b: number[]): number[] | null {
  const k = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < k; c++) {
    let pivot = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(m[r][c]) > Math.abs(m[pivot][c])) pivot = r;
    if (Math.abs(m[pivot][c]) < 1e-12) return null;
    [m[c], m[pivot]] = [m[pivot], m[c]];
    for (let r = c + 1; r < k; r++) {
      const f = m[r][c] / m[c][c];
      if (f === 0) continue;
      for (let q = c; q <= k; q++) m[r][q] -= f * m[c][q];
    }
  }
  const x = new Array<number>(k).fill(0);
  for (let r = k - 1; r >= 0; r--) {
    let s = m[r][k];
    for (let q = r + 1; q < k; q++) s -= m[r][q] * x[q];
    x[r] = s / m[r][r];
  }
  return x;
}

function corMatrix(y: Float64Array[]): Float64Array {
  const lvs = y.length;
  const n = y[0].length;
  const cor = new Float64Array(lvs * lvs);
  const sd = y.map(sdOf);
  for (let i = 0; i < lvs; i++) {
    cor[i * lvs + i] = 1;
    for (let j = i + 1; j < lvs; j++) {
      const c = dot(y[i], y[j]) / n / (sd[i] * sd[j]);
      cor[i * lvs + j] = c;
      cor[j * lvs + i] = c;
    }
  }
  return cor;
}

/** OLS of LV k on its antecedents, from the LV correlation matrix: standardised coefficients and R². */
function regress(
  cor: Float64Array,
  lvs: number,
  k: number,
  preds: number[],
): { beta: number[]; r2: number } | null {
  const a = preds.map((p) => preds.map((q) => cor[p * lvs + q]));
  const b = preds.map((p) => cor[p * lvs + k]);
  const beta = solveLinear(a, b);
  if (!beta) return null;
  let r2 = 0;
  for (let i = 0; i < preds.length; i++) r2 += beta[i] * b[i];
  return { beta, r2 };
}

function estimateOnce(x: Float64Array[], spec: Spec, scheme: PlsScheme, maxIter: number, tol: number): Fit {
  const lvs = spec.lvs.length;
  const n = x[0].length;
  // plspm scales LV scores with scale(Y) · sqrt((n−1)/n); we keep its factor so the iteration
  // (and so the stopping point) is the same as the reference implementation's.
  const yFactor = (n - 1) / n;
  const weights = spec.blocks.map((block) => new Float64Array(block.length).fill(1));
  const y = spec.lvs.map(() => new Float64Array(n));
  const z = new Float64Array(n);
  for (let k = 0; k < lvs; k++) {
    blockScore(x, spec.blocks[k], weights[k], y[k]);
    const sd = sdOf(y[k]);
    if (!(sd > 1e-12)) throw new PlsError(`The indicators of ${spec.lvs[k]} have no variance.`);
    weights[k].fill(1 / sd);
  }
  let old = weights.map((w) => Float64Array.from(w));
  let iterations = 1;
  let converged = false;
  const e = new Float64Array(lvs * lvs);
  for (;;) {
    for (let k = 0; k < lvs; k++) {
      blockScore(x, spec.blocks[k], weights[k], y[k]);
      const sd = sdOf(y[k]);
      if (!(sd > 1e-12)) throw new PlsError(`The indicators of ${spec.lvs[k]} have no variance.`);
      const f = yFactor / sd;
      const yk = y[k];
      for (let r = 0; r < n; r++) yk[r] *= f;
    }
    const cor = corMatrix(y);
    // Inner weights: e[i*lvs+k] is Y_i's share in the inner estimate Z_k.
    e.fill(0);
    for (const [a, b] of spec.edges) {
      const c = cor[a * lvs + b];
      const v = scheme === 'centroid' ? Math.sign(c) : c;
      if (scheme !== 'path') {
        e[a * lvs + b] = v;
        e[b * lvs + a] = v;
      }
    }
    if (scheme === 'path') {
      for (let k = 0; k < lvs; k++) {
        const preds = spec.preds[k];
        if (preds.length > 0) {
          const fitK = regress(cor, lvs, k, preds);
          if (!fitK) throw new PlsError(`The antecedents of ${spec.lvs[k]} are collinear.`);
          preds.forEach((p, i) => {
            e[p * lvs + k] = fitK.beta[i];
          });
        }
        for (const s of spec.succs[k]) e[s * lvs + k] = cor[s * lvs + k];
      }
    }
    // Mode A: each outer weight is the covariance of its indicator with the inner estimate.
    for (let k = 0; k < lvs; k++) {
      z.fill(0);
      for (let i = 0; i < lvs; i++) {
        const eik = e[i * lvs + k];
        if (eik === 0) continue;
        const yi = y[i];
        for (let r = 0; r < n; r++) z[r] += eik * yi[r];
      }
      const block = spec.blocks[k];
      const w = weights[k];
      for (let j = 0; j < block.length; j++) w[j] = dot(z, x[block[j]]) / n;
    }
    let diff = 0;
    for (let k = 0; k < lvs; k++) {
      const w = weights[k];
      const o = old[k];
      for (let j = 0; j < w.length; j++) {
        const d = Math.abs(o[j]) - Math.abs(w[j]);
        diff += d * d;
      }
    }
    if (diff < tol) {
      converged = true;
      break;
    }
    if (iterations >= maxIter) break;
    old = weights.map((w) => Float64Array.from(w));
    iterations++;
  }
  // Final scores with unit (population) variance; weights rescaled to match.
  for (let k = 0; k < lvs; k++) {
    blockScore(x, spec.blocks[k], weights[k], y[k]);
    const sd = sdOf(y[k]);
    if (!(sd > 1e-12)) throw new PlsError(`The indicators of ${spec.lvs[k]} have no variance.`);
    const w = weights[k];
    for (let j = 0; j < w.length; j++) w[j] /= sd;
    const yk = y[k];
    for (let r = 0; r < n; r++) yk[r] /= sd;
  }
  // Loadings; a block whose indicators mostly load negatively is flipped (scores are sign-free).
  const loadings = spec.blocks.map((block, k) => {
    const out = new Float64Array(block.length);
    for (let j = 0; j < block.length; j++) {
      const col = x[block[j]];
      const sdx = sdOf(col);
      out[j] = sdx > 1e-12 ? dot(col, y[k]) / n / sdx : 0;
    }
    let sign = 0;
    for (let j = 0; j < out.length; j++) sign += Math.sign(out[j]);
    if (sign < 0) {
      for (let j = 0; j < out.length; j++) {
        out[j] = -out[j];
        weights[k][j] = -weights[k][j];
      }
      const yk = y[k];
      for (let r = 0; r < n; r++) yk[r] = -yk[r];
    }
    return out;
  });
  const cor = corMatrix(y);
  const paths = new Float64Array(spec.edges.length);
  const rSquared = new Float64Array(lvs);
  for (let k = 0; k < lvs; k++) {
    const preds = spec.preds[k];
    if (preds.length === 0) continue;
    const fitK = regress(cor, lvs, k, preds);
    if (!fitK) throw new PlsError(`The antecedents of ${spec.lvs[k]} are collinear.`);
    rSquared[k] = fitK.r2;
    spec.edges.forEach(([a, b], i) => {
      if (b === k) paths[i] = fitK.beta[preds.indexOf(a)];
    });
  }
  return { weights, loadings, scores: y, cor, paths, rSquared, iterations, converged };
}

/** Total effects T = B + B² + … for the direct-effect matrix B of a recursive model. */
function totalEffectMatrix(lvs: number, edges: [number, number][], paths: Float64Array): Float64Array {
  const b = new Float64Array(lvs * lvs);
  edges.forEach(([from, to], i) => {
    b[from * lvs + to] = paths[i];
  });
  const total = Float64Array.from(b);
  let power = Float64Array.from(b);
  for (let step = 1; step < lvs; step++) {
    const next = new Float64Array(lvs * lvs);
    let any = false;
    for (let i = 0; i < lvs; i++) {
      for (let k = 0; k < lvs; k++) {
        const pik = power[i * lvs + k];
        if (pik === 0) continue;
        for (let j = 0; j < lvs; j++) {
          const v = pik * b[k * lvs + j];
          if (v !== 0) {
            next[i * lvs + j] += v;
            any = true;
          }
        }
      }
    }
    if (!any) break;
    for (let i = 0; i < total.length; i++) total[i] += next[i];
    power = next;
  }
  return total;
}

/** Which (from, to) pairs are joined by a directed route, in topological order of `from`. */
function reachablePairs(spec: Spec): [number, number][] {
  const pairs: [number, number][] = [];
  for (const from of spec.order) {
    const seen = new Set<number>();
    const stack = [...spec.succs[from]];
    while (stack.length > 0) {
      const s = stack.pop() as number;
      if (seen.has(s)) continue;
      seen.add(s);
      stack.push(...spec.succs[s]);
    }
    for (const to of spec.order) if (seen.has(to)) pairs.push([from, to]);
  }
  return pairs;
}

function relative(w: Float64Array): number[] {
  let sum = 0;
  for (let j = 0; j < w.length; j++) sum += w[j];
  return Array.from(w, (v) => (sum !== 0 ? v / sum : 1 / w.length));
}

function toResult(spec: Spec, f: Fit, respondents: number, droppedRows: number): PlsResult {
  const lvs = spec.lvs.length;
  const record = <T>(make: (k: number) => T): Record<string, T> =>
    Object.fromEntries(spec.lvs.map((lv, k) => [lv, make(k)]));
  const total = totalEffectMatrix(lvs, spec.edges, f.paths);
  return {
    lvs: [...spec.lvs],
    outerWeights: record((k) => Array.from(f.weights[k])),
    relativeWeights: record((k) => relative(f.weights[k])),
    loadings: record((k) => Array.from(f.loadings[k])),
    pathCoefficients: spec.edges.map(([a, b], i) => ({
      from: spec.lvs[a],
      to: spec.lvs[b],
      value: f.paths[i],
    })),
    totalEffects: reachablePairs(spec).map(([a, b]) => ({
      from: spec.lvs[a],
      to: spec.lvs[b],
      value: total[a * lvs + b],
    })),
    rSquared: record((k) => f.rSquared[k]),
    scores: record((k) => f.scores[k]),
    iterations: f.iterations,
    converged: f.converged,
    respondents,
    droppedRows,
  };
}

function prepare(input: PlsInput, options: PlsOptions) {
  const spec = buildSpec(input);
  const { columns, dropped } = completeColumns(input.data, spec.used);
  const n = columns[0]?.length ?? 0;
  if (n < 3) throw new PlsError(`Too few complete rows (${n}) to estimate a path model.`);
  const raw = columns.map((c) => Float64Array.from(c));
  const constant = treat(columns, options.scaled ?? true);
  if (constant >= 0)
    throw new PlsError(`Indicator (column ${spec.used[constant]}) has the same value in every row.`);
  return { spec, columns, raw, dropped, n };
}

/** Estimates a PLS path model. Throws PlsError for input it cannot estimate. */
export function estimatePls(input: PlsInput, options: PlsOptions = {}): PlsResult {
  const { spec, columns, dropped, n } = prepare(input, options);
  const f = estimateOnce(
    columns,
    spec,
    options.scheme ?? 'path',
    options.maxIter ?? 100,
    options.tol ?? 1e-6,
  );
  return toResult(spec, f, n, dropped);
}

// ---------------------------------------------------------------------------------------------
// Bootstrap

export interface BootStat {
  original: number;
  mean: number;
  /** Standard deviation of the bootstrap estimates. */
  se: number;
  /** 2.5 % and 97.5 % percentiles of the bootstrap estimates. */
  ciLow: number;
  ciHigh: number;
}

export interface PlsBootstrap {
  estimate: PlsResult;
  /** Resamples that estimated, and those skipped (no convergence, a constant indicator). */
  samples: number;
  failed: number;
  outerWeights: Record<string, BootStat[]>;
  relativeWeights: Record<string, BootStat[]>;
  loadings: Record<string, BootStat[]>;
  pathCoefficients: (BootStat & { from: string; to: string })[];
  totalEffects: (BootStat & { from: string; to: string })[];
  rSquared: Record<string, BootStat>;
}

export interface BootstrapOptions extends PlsOptions {
  samples?: number;
  seed?: number;
}

/** mulberry32: small, fast, and the same sequence for a seed everywhere. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Quantile of sorted values, R's default (type 7) linear interpolation. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

function summarise(original: number, values: Float64Array): BootStat {
  const m = values.length;
  if (m === 0) return { original, mean: original, se: Number.NaN, ciLow: Number.NaN, ciHigh: Number.NaN };
  let sum = 0;
  for (let i = 0; i < m; i++) sum += values[i];
  const mean = sum / m;
  let ss = 0;
  for (let i = 0; i < m; i++) ss += (values[i] - mean) ** 2;
  const sorted = Float64Array.from(values).sort();
  return {
    original,
    mean,
    se: m > 1 ? Math.sqrt(ss / (m - 1)) : 0,
    ciLow: quantileSorted(sorted, 0.025),
    ciHigh: quantileSorted(sorted, 0.975),
  };
}

/**
 * Estimates, then re-estimates on `samples` resamples of the complete rows (with replacement,
 * seeded) and reports each estimate's bootstrap mean, standard error and percentile 95 % interval.
 */
export function bootstrapPls(input: PlsInput, options: BootstrapOptions = {}): PlsBootstrap {
  const scheme = options.scheme ?? 'path';
  const maxIter = options.maxIter ?? 100;
  const tol = options.tol ?? 1e-6;
  const scaled = options.scaled ?? true;
  const { spec, columns, raw, dropped, n } = prepare(input, options);
  const estimate = toResult(spec, estimateOnce(columns, spec, scheme, maxIter, tol), n, dropped);
  const wanted = Math.max(0, Math.floor(options.samples ?? 200));
  const random = prng(options.seed ?? 1);
  const lvs = spec.lvs.length;
  const pairs = reachablePairs(spec);
  // One flat vector of statistics per resample, in a fixed layout.
  const blockSizes = spec.blocks.map((b) => b.length);
  const items = blockSizes.reduce((a, b) => a + b, 0);
  const width = items * 3 + spec.edges.length + pairs.length + lvs;
  const draws: Float64Array[] = [];
  let failed = 0;
  const sample = raw.map(() => new Float64Array(n));
  const index = new Int32Array(n);
  for (let s = 0; s < wanted; s++) {
    for (let r = 0; r < n; r++) index[r] = Math.floor(random() * n);
    for (let c = 0; c < raw.length; c++) {
      const src = raw[c];
      const dst = sample[c];
      for (let r = 0; r < n; r++) dst[r] = src[index[r]];
    }
    let f: Fit;
    try {
      if (treat(sample, scaled) >= 0) throw new PlsError('constant indicator in resample');
      f = estimateOnce(sample, spec, scheme, maxIter, tol);
    } catch (error) {
      if (!(error instanceof PlsError)) throw error;
      failed++;
      continue;
    }
    if (!f.converged) {
      failed++;
      continue;
    }
    const row = new Float64Array(width);
    let at = 0;
    for (let k = 0; k < lvs; k++) for (const v of f.weights[k]) row[at++] = v;
    for (let k = 0; k < lvs; k++) for (const v of relative(f.weights[k])) row[at++] = v;
    for (let k = 0; k < lvs; k++) for (const v of f.loadings[k]) row[at++] = v;
    for (const v of f.paths) row[at++] = v;
    const total = totalEffectMatrix(lvs, spec.edges, f.paths);
    for (const [a, b] of pairs) row[at++] = total[a * lvs + b];
    for (const v of f.rSquared) row[at++] = v;
    draws.push(row);
  }
  const column = (i: number) => Float64Array.from(draws, (row) => row[i]);
  let at = 0;
  const perBlock = (original: Record<string, number[]>) =>
    Object.fromEntries(
      spec.lvs.map((lv) => [lv, original[lv].map((value) => summarise(value, column(at++)))]),
    ) as Record<string, BootStat[]>;
  const outerWeights = perBlock(estimate.outerWeights);
  const relativeWeights = perBlock(estimate.relativeWeights);
  const loadings = perBlock(estimate.loadings);
  const pathCoefficients = estimate.pathCoefficients.map((p) => ({
    from: p.from,
    to: p.to,
    ...summarise(p.value, column(at++)),
  }));
  const totalEffects = estimate.totalEffects.map((p) => ({
    from: p.from,
    to: p.to,
    ...summarise(p.value, column(at++)),
  }));
  const rSquared = Object.fromEntries(
    spec.lvs.map((lv) => [lv, summarise(estimate.rSquared[lv], column(at++))]),
  ) as Record<string, BootStat>;
  return {
    estimate,
    samples: draws.length,
    failed,
    outerWeights,
    relativeWeights,
    loadings,
    pathCoefficients,
    totalEffects,
    rSquared,
  };
}
