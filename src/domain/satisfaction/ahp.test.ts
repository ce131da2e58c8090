import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  RANDOM_INDEX,
  ahpPriorities,
  combineJudgements,
  matrixFromWeights,
  mostInconsistentCell,
  randomIndex,
  validatePairwise,
} from './ahp.ts';

/** Builds a reciprocal matrix from its upper triangle, row by row. */
function fromUpper(upper: number[][]): number[][] {
  const n = upper.length + 1;
  const m = Array.from({ length: n }, () => new Array<number>(n).fill(1));
  upper.forEach((row, i) => {
    row.forEach((value, k) => {
      const j = i + 1 + k;
      m[i]![j] = value;
      m[j]![i] = 1 / value;
    });
  });
  return m;
}

const round = (values: number[], digits: number) => values.map((v) => Number(v.toFixed(digits)));

describe('AHP priorities against published worked examples', () => {
  it('Saaty (1990), choosing a house: eight criteria, an inconsistent matrix (CR 0.169)', () => {
    // Source: T. L. Saaty, "How to make a decision: The analytic hierarchy process", European
    // Journal of Operational Research 48 (1990) 9–26, https://doi.org/10.1016/0377-2217(90)90057-I,
    // Table 2 (criteria: size of house, transportation, neighbourhood, age of house, yard space,
    // modern facilities, general condition, financing). Published: priority vector
    // .173 .054 .188 .018 .031 .036 .167 .333, λmax = 9.669, C.I. = 0.238, C.R. = 0.169.
    const house = fromUpper([
      [5, 3, 7, 6, 6, 1 / 3, 1 / 4],
      [1 / 3, 5, 3, 3, 1 / 5, 1 / 7],
      [6, 3, 4, 6, 1 / 5],
      [1 / 3, 1 / 4, 1 / 7, 1 / 8],
      [1 / 2, 1 / 5, 1 / 6],
      [1 / 5, 1 / 6],
      [1 / 2],
    ]);
    expect(validatePairwise(house)).toEqual([]);
    const result = ahpPriorities(house);
    expect(round(result.weights, 3)).toEqual([0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333]);
    expect(result.lambdaMax.toFixed(3)).toBe('9.669');
    expect(result.ci.toFixed(3)).toBe('0.238');
    expect(result.ri).toBe(1.41);
    expect(result.cr.toFixed(3)).toBe('0.169');
    expect(result.consistent).toBe(false);
  });

  it('Saaty (2008), relative consumption of drinks in the U.S.: seven items (CR 0.022)', () => {
    // Source: T. L. Saaty, "Decision making with the analytic hierarchy process", Int. J. Services
    // Sciences 1(1) (2008) 83–98, https://doi.org/10.1504/IJSSCI.2008.017590, Table 2 ("Which drink
    // is consumed more in the U.S.?"). Published derived scale: coffee .177, wine .019, tea .042,
    // beer .116, sodas .190, milk .129, water .327 (actual consumption .180 .010 .040 .120 .180
    // .140 .330). The same judgements and CR 0.022 are reproduced by the AHPy test suite
    // (https://github.com/PhilipGriffith/AHPy, tests/test_ahp.py).
    // Order: coffee, wine, tea, beer, sodas, milk, water.
    const drinks = fromUpper([
      [9, 5, 2, 1, 1, 1 / 2],
      [1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
      [1 / 3, 1 / 4, 1 / 3, 1 / 9],
      [1 / 2, 1, 1 / 3],
      [2, 1 / 2],
      [1 / 3],
    ]);
    const result = ahpPriorities(drinks);
    expect(round(result.weights, 3)).toEqual([0.177, 0.019, 0.042, 0.116, 0.19, 0.129, 0.327]);
    expect(result.cr.toFixed(3)).toBe('0.022');
    expect(result.consistent).toBe(true);
  });

  it('Wikipedia "Analytic hierarchy process – leader example": criteria and the experience matrix', () => {
    // Source: "Analytic hierarchy process – leader example", Wikipedia (after Saaty & Peniwati,
    // Group Decision Making, 2008), https://en.wikipedia.org/wiki/Analytic_hierarchy_process_%E2%80%93_leader_example.
    // Criteria experience, education, charisma, age: published weights .547, .127, .270, .056, CR 0.044.
    const criteria = fromUpper([[4, 3, 7], [1 / 3, 3], [5]]);
    const result = ahpPriorities(criteria);
    // Wikipedia prints the first weight truncated (0.5476 → .547), so within one unit of the 3rd decimal.
    [0.547, 0.127, 0.27, 0.056].forEach((published, i) => {
      expect(Math.abs(result.weights[i]! - published)).toBeLessThanOrEqual(0.001);
    });
    expect(result.cr.toFixed(3)).toBe('0.044');
    // Tom, Dick, Harry with respect to experience: published .217, .717, .066.
    const experience = fromUpper([[1 / 4, 4], [9]]);
    expect(round(ahpPriorities(experience).weights, 3)).toEqual([0.217, 0.717, 0.066]);
  });

  it("uses Saaty's random index table and CR 0 for two elements", () => {
    expect(RANDOM_INDEX).toHaveLength(15);
    expect(randomIndex(3)).toBe(0.58);
    expect(randomIndex(4)).toBe(0.9);
    expect(randomIndex(9)).toBe(1.45);
    expect(randomIndex(15)).toBe(1.59);
    const two = ahpPriorities([
      [1, 3],
      [1 / 3, 1],
    ]);
    expect(two.weights[0]).toBeCloseTo(0.75, 12);
    expect(two.cr).toBe(0);
    expect(two.consistent).toBe(true);
  });
});

describe('validatePairwise', () => {
  it('names the cell that is not reciprocal', () => {
    const problems = validatePairwise([
      [1, 2, 3],
      [0.5, 1, 3],
      [1 / 3, 0.5, 1],
    ]);
    expect(problems).toEqual([
      {
        row: 1,
        col: 2,
        message: 'matrix[1][2] is 3 but matrix[2][1] is 0.5; they must be reciprocals (matrix[2][1] = 1/3)',
      },
    ]);
  });

  it('refuses non-positive entries, a diagonal other than 1, non-square and out-of-range sizes', () => {
    expect(
      validatePairwise([
        [1, 0],
        [1, 1],
      ])[0],
    ).toMatchObject({ row: 0, col: 1, message: expect.stringContaining('positive') });
    expect(
      validatePairwise([
        [1, -2],
        [-0.5, 1],
      ]),
    ).toHaveLength(2);
    expect(
      validatePairwise([
        [2, 1],
        [1, 1],
      ])[0]!.message,
    ).toContain('must be 1');
    expect(validatePairwise([[1, 2], [0.5]])[0]!.message).toContain('square');
    expect(validatePairwise([[1]])[0]!.message).toContain('between 2 and 15');
    const big = matrixFromWeights(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(validatePairwise(big)[0]!.message).toContain('it has 16');
    expect(validatePairwise('x')[0]!.message).toContain('array');
    expect(
      validatePairwise([
        [1, Number.NaN],
        [1, 1],
      ]),
    ).not.toEqual([]);
  });

  it('accepts reciprocals within a relative tolerance of 1e-6 (rounded decimals)', () => {
    expect(
      validatePairwise([
        [1, 3],
        [0.3333333, 1],
      ]),
    ).toEqual([]);
    expect(
      validatePairwise([
        [1, 3],
        [0.333, 1],
      ]),
    ).toHaveLength(1);
  });
});

const weightVector = (min: number, max: number) =>
  fc.array(fc.double({ min: 0.05, max: 20, noNaN: true }), { minLength: min, maxLength: max }).map((raw) => {
    const sum = raw.reduce((s, v) => s + v, 0);
    return raw.map((v) => v / sum);
  });

describe('AHP properties', () => {
  it('a consistent matrix built from a weight vector gives back that vector with λmax = n and CR ≈ 0', () => {
    fc.assert(
      fc.property(weightVector(2, 15), (weights) => {
        const matrix = matrixFromWeights(weights);
        expect(validatePairwise(matrix)).toEqual([]);
        const result = ahpPriorities(matrix);
        result.weights.forEach((w, i) => {
          expect(w).toBeCloseTo(weights[i]!, 9);
        });
        expect(result.lambdaMax).toBeCloseTo(weights.length, 8);
        expect(result.cr).toBeLessThan(1e-8);
        expect(result.consistent).toBe(true);
      }),
    );
  });

  it('weights are positive, sum to 1, λmax ≥ n, and do not depend on the order of the elements', () => {
    const judgement = fc.constantFrom(1 / 9, 1 / 7, 1 / 5, 1 / 3, 1 / 2, 1, 2, 3, 5, 7, 9);
    fc.assert(
      fc.property(
        fc
          .integer({ min: 3, max: 8 })
          .chain((n) =>
            fc.tuple(
              fc.array(judgement, { minLength: (n * (n - 1)) / 2, maxLength: (n * (n - 1)) / 2 }),
              fc.constant(n),
            ),
          ),
        ([cells, n]) => {
          const upper: number[][] = [];
          let k = 0;
          for (let i = 0; i < n - 1; i++) {
            upper.push(cells.slice(k, k + n - 1 - i));
            k += n - 1 - i;
          }
          const matrix = fromUpper(upper);
          const result = ahpPriorities(matrix);
          expect(result.weights.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 10);
          for (const w of result.weights) expect(w).toBeGreaterThan(0);
          expect(result.lambdaMax).toBeGreaterThanOrEqual(n - 1e-9);
          // Reverse the elements: the priorities come back reversed.
          const reversed = matrix.map((row) => [...row].reverse()).reverse();
          const again = ahpPriorities(reversed);
          again.weights.forEach((w, i) => {
            expect(w).toBeCloseTo(result.weights[n - 1 - i]!, 8);
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('the geometric mean of judgements is reciprocal, idempotent, and combines consistent experts into the geometric mean of their weights', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 8 }).chain((n) => fc.tuple(weightVector(n, n), weightVector(n, n))),
        ([a, b]) => {
          const combined = combineJudgements([matrixFromWeights(a), matrixFromWeights(b)]);
          expect(validatePairwise(combined)).toEqual([]);
          const expected = a.map((w, i) => Math.sqrt(w * b[i]!));
          const sum = expected.reduce((s, v) => s + v, 0);
          const result = ahpPriorities(combined);
          result.weights.forEach((w, i) => {
            expect(w).toBeCloseTo(expected[i]! / sum, 8);
          });
          const same = combineJudgements([matrixFromWeights(a), matrixFromWeights(a)]);
          same.forEach((row, i) => {
            row.forEach((v, j) => {
              expect(v).toBeCloseTo(a[i]! / a[j]!, 9);
            });
          });
        },
      ),
    );
  });

  it('combines two experts cell by cell: √(3·5) and √(1/3·1/5)', () => {
    const combined = combineJudgements([
      [
        [1, 3],
        [1 / 3, 1],
      ],
      [
        [1, 5],
        [1 / 5, 1],
      ],
    ]);
    expect(combined[0]![1]).toBeCloseTo(Math.sqrt(15), 12);
    expect(combined[1]![0]).toBeCloseTo(1 / Math.sqrt(15), 12);
    expect(() => combineJudgements([])).toThrow();
  });
});

describe('mostInconsistentCell', () => {
  it('points at the one judgement that contradicts an otherwise consistent matrix', () => {
    const matrix = matrixFromWeights([0.4, 0.3, 0.2, 0.1]);
    matrix[0]![3] = 1 / 4; // consistent value is 4: the expert flipped it
    matrix[3]![0] = 4;
    const result = ahpPriorities(matrix);
    expect(result.consistent).toBe(false);
    expect(mostInconsistentCell(matrix, result.weights)).toMatchObject({ row: 0, col: 3, given: 0.25 });
    expect(mostInconsistentCell(matrixFromWeights([0.5, 0.5]), [0.5, 0.5])).toBeNull();
  });
});
