import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type PlsInput, PlsError, bootstrapPls, estimatePls, quantileSorted } from './pls.ts';

/*
 * Published worked example: the ECSI mobile-phone satisfaction survey (250 respondents, 27 items),
 * data set `satisfaction` of the R package plspm (G. Sanchez, "PLS Path Modeling with R", 2013,
 * ch. 2–3), model IMAG → EXPE, SAT, LOY; EXPE → QUAL, VAL, SAT; QUAL → VAL, SAT; VAL → SAT;
 * SAT → LOY, all blocks mode A, `scaled = FALSE`. The expected numbers are R plspm's output as
 * stored in GoogleCloudPlatform/plspm-python tests/data (file named at each table); the data file
 * is test/fixtures/pls/satisfaction.csv (see the README there for source and licence).
 */
const csv = readFileSync(
  fileURLToPath(new URL('../../../test/fixtures/pls/satisfaction.csv', import.meta.url)),
  'utf8',
);
const lines = csv.trim().split('\n');
const columns = lines[0]
  .split(',')
  .slice(1, 28)
  .map((c) => c.replace(/"/g, ''));
const rows = lines.slice(1).map((line) => line.split(',').slice(1, 28).map(Number));
const blockOf = (prefix: string) =>
  columns.flatMap((name, i) => (name.replace(/\d+$/, '') === prefix ? [i] : []));
const ecsi: PlsInput = {
  data: rows,
  blocks: {
    IMAG: blockOf('imag'),
    EXPE: blockOf('expe'),
    QUAL: blockOf('qual'),
    VAL: blockOf('val'),
    SAT: blockOf('sat'),
    LOY: blockOf('loy'),
  },
  paths: [
    ['IMAG', 'EXPE'],
    ['IMAG', 'SAT'],
    ['IMAG', 'LOY'],
    ['EXPE', 'QUAL'],
    ['EXPE', 'VAL'],
    ['EXPE', 'SAT'],
    ['QUAL', 'VAL'],
    ['QUAL', 'SAT'],
    ['VAL', 'SAT'],
    ['SAT', 'LOY'],
  ],
};
const LVS = ['IMAG', 'EXPE', 'QUAL', 'VAL', 'SAT', 'LOY'];

/** [weight, loading] per item in column order (imag1 … loy4). */
// tests/data/satisfaction.outer-model.csv (centroid scheme)
const OUTER_CENTROID = [
  [0.0982418501741741, 0.70932650116601],
  [0.157472863818056, 0.877307817983846],
  [0.156722118194341, 0.841748537706059],
  [0.0765758587028763, 0.569193430203468],
  [0.184330241358762, 0.77846683251928],
  [0.106230159251131, 0.765800562617078],
  [0.140693124381936, 0.837418997567575],
  [0.118783165134756, 0.759820571357087],
  [0.0994514827286758, 0.71834524993581],
  [0.138374378658729, 0.837276022047764],
  [0.106606553258155, 0.781469313516066],
  [0.134594903250232, 0.881558340214507],
  [0.117141650592502, 0.794076151381524],
  [0.0956184636638662, 0.788981936722486],
  [0.115707870129084, 0.807446541109636],
  [0.174960810051613, 0.864821997997945],
  [0.11766978894579, 0.796238958208741],
  [0.1207889525664, 0.750064674608617],
  [0.16652602110192, 0.844483086242166],
  [0.166366549374147, 0.919797990928334],
  [0.162659797860461, 0.916030239797506],
  [0.121091359148817, 0.825878617822696],
  [0.132079076814512, 0.8175253352275],
  [0.158624625826792, 0.906587085677551],
  [0.081728096069474, 0.671101376778201],
  [0.161664593108151, 0.904973625494352],
  [0.0806690862675395, 0.681874238346727],
];
// tests/data/satisfaction.outer-model-path.csv (path weighting scheme)
const OUTER_PATH = [
  [0.0982374837495072, 0.70955076789416],
  [0.157615347025361, 0.877671629024529],
  [0.157340626997026, 0.842359193682084],
  [0.0765125291238404, 0.569354023449058],
  [0.183702432801162, 0.777662796725605],
  [0.106472074048238, 0.765845945253858],
  [0.140673451958955, 0.837413503394175],
  [0.119296754177591, 0.760461417953682],
  [0.0985110999361921, 0.717466074586617],
  [0.138331924334016, 0.837165208558368],
  [0.106688211231029, 0.781515750552344],
  [0.134487900474709, 0.881449200713862],
  [0.117468232469162, 0.794471769558678],
  [0.0951526521301759, 0.78854863823007],
  [0.115789386247801, 0.807403042453803],
  [0.172177324810643, 0.86271564077978],
  [0.121254528616825, 0.799328099439193],
  [0.121818439478709, 0.752589683815716],
  [0.165654571843956, 0.843047471071002],
  [0.168756177314286, 0.920289506434007],
  [0.157704893306817, 0.913547232451711],
  [0.120047692026398, 0.824709653947123],
  [0.135884589449262, 0.82088699490331],
  [0.159856955694287, 0.907671852011147],
  [0.0803591951846723, 0.669011176703357],
  [0.162545377518156, 0.906017863968373],
  [0.0786269581935837, 0.678814311108138],
];
// tests/data/satisfaction.outer-model-factorial.csv (factorial scheme)
const OUTER_FACTORIAL = [
  [0.0982545375897477, 0.709579562555722],
  [0.157603829359382, 0.877650530033183],
  [0.157271399165454, 0.842312903983941],
  [0.0766051139521016, 0.569450000842037],
  [0.183715073052855, 0.777670513144494],
  [0.106456195681037, 0.765829962387182],
  [0.140666601142957, 0.837407735764608],
  [0.119323668568218, 0.760493632742242],
  [0.0985183299883673, 0.717467172952437],
  [0.138322004783815, 0.837153103927455],
  [0.106670170446971, 0.781497773363646],
  [0.134478167196619, 0.881441744489607],
  [0.117498232409339, 0.794504244292274],
  [0.0951443895696116, 0.78853508550273],
  [0.115791745628894, 0.807401275380418],
  [0.174575957905234, 0.864544798086425],
  [0.118244094401818, 0.796730006569803],
  [0.120898501134967, 0.750398574481397],
  [0.166374404382135, 0.844250646016627],
  [0.166550226780549, 0.919879569484991],
  [0.16260074678273, 0.916051214762556],
  [0.121202401577709, 0.8259550050837],
  [0.131824636097498, 0.817325794633066],
  [0.158852482428485, 0.906789340022167],
  [0.0814752201910471, 0.67071592524707],
  [0.161829921608218, 0.905170501091789],
  [0.0802887089500578, 0.681305477044771],
];

function flat(result: Record<string, number[]>): number[] {
  return LVS.flatMap((lv) => result[lv]);
}

function expectClose(actual: number[], expected: number[], digits: number): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, i) => {
    expect(value, `index ${i}`).toBeCloseTo(expected[i], digits);
  });
}

describe('estimatePls on the ECSI satisfaction data (Sanchez 2013; R plspm)', () => {
  it('reproduces outer weights, loadings, paths, R² and total effects (centroid scheme)', () => {
    const result = estimatePls(ecsi, { scheme: 'centroid', scaled: false });
    expect(result.converged).toBe(true);
    expect(result.respondents).toBe(250);
    expect(result.droppedRows).toBe(0);
    expectClose(
      flat(result.outerWeights),
      OUTER_CENTROID.map((r) => r[0]),
      6,
    );
    expectClose(
      flat(result.loadings),
      OUTER_CENTROID.map((r) => r[1]),
      6,
    );
    // tests/data/satisfaction_boot_paths.csv, column "original" (= the README's path matrix)
    const paths = Object.fromEntries(result.pathCoefficients.map((p) => [`${p.from}->${p.to}`, p.value]));
    const expectedPaths: Record<string, number> = {
      'IMAG->EXPE': 0.57895912845279,
      'IMAG->SAT': 0.200724200280665,
      'IMAG->LOY': 0.275149575748467,
      'EXPE->QUAL': 0.8483444083796,
      'EXPE->VAL': 0.105477649519747,
      'EXPE->SAT': -0.00275399457916834,
      'QUAL->VAL': 0.676655529105984,
      'QUAL->SAT': 0.122144565609107,
      'VAL->SAT': 0.589330650016017,
      'SAT->LOY': 0.495479322090817,
    };
    expect(Object.keys(paths).sort()).toEqual(Object.keys(expectedPaths).sort());
    for (const [key, value] of Object.entries(expectedPaths)) expect(paths[key], key).toBeCloseTo(value, 6);
    // tests/data/satisfaction.inner-summary.csv, column r_squared
    const r2: Record<string, number> = {
      IMAG: 0,
      EXPE: 0.335193672418813,
      QUAL: 0.719688235228933,
      VAL: 0.59008437279849,
      SAT: 0.707320949544597,
      LOY: 0.509922562050087,
    };
    for (const lv of LVS) expect(result.rSquared[lv], lv).toBeCloseTo(r2[lv], 6);
    // tests/data/satisfaction.effects.csv, column total
    const total = Object.fromEntries(result.totalEffects.map((p) => [`${p.from}->${p.to}`, p.value]));
    expect(Object.keys(total)).toHaveLength(15);
    expect(total['IMAG->QUAL']).toBeCloseTo(0.491156739303251, 6);
    expect(total['IMAG->SAT']).toBeCloseTo(0.490971137879492, 6);
    expect(total['IMAG->LOY']).toBeCloseTo(0.518415622311155, 6);
    expect(total['EXPE->VAL']).toBeCloseTo(0.679514584035949, 6);
    expect(total['EXPE->SAT']).toBeCloseTo(0.501325436174541, 6);
    expect(total['EXPE->LOY']).toBeCloseTo(0.248396387262645, 6);
    expect(total['QUAL->SAT']).toBeCloseTo(0.520918408414068, 6);
    expect(total['QUAL->LOY']).toBeCloseTo(0.25810429986563, 6);
    expect(total['VAL->LOY']).toBeCloseTo(0.292001150957277, 6);
    // LV scores are standardised (population variance 1).
    const sat = result.scores.SAT;
    const mean = sat.reduce((a, b) => a + b, 0) / sat.length;
    const variance = sat.reduce((a, b) => a + (b - mean) ** 2, 0) / sat.length;
    expect(mean).toBeCloseTo(0, 9);
    expect(variance).toBeCloseTo(1, 9);
    // Relative weights are the block's outer weights normalised to sum 1.
    const rel = result.relativeWeights.LOY;
    expect(rel.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(rel[0]).toBeCloseTo(
      0.158624625826792 / (0.158624625826792 + 0.081728096069474 + 0.161664593108151 + 0.0806690862675395),
      6,
    );
  });

  it('reproduces the path weighting and factorial schemes', () => {
    const path = estimatePls(ecsi, { scheme: 'path', scaled: false });
    expectClose(
      flat(path.outerWeights),
      OUTER_PATH.map((r) => r[0]),
      6,
    );
    expectClose(
      flat(path.loadings),
      OUTER_PATH.map((r) => r[1]),
      6,
    );
    const factorial = estimatePls(ecsi, { scheme: 'factorial', scaled: false });
    expectClose(
      flat(factorial.outerWeights),
      OUTER_FACTORIAL.map((r) => r[0]),
      6,
    );
    expectClose(
      flat(factorial.loadings),
      OUTER_FACTORIAL.map((r) => r[1]),
      6,
    );
  });

  it('scaled: true equals estimating the pre-standardised data unscaled', () => {
    const n = rows.length;
    const standardised = rows.map((r) => [...r]);
    for (let col = 0; col < 27; col++) {
      const values = rows.map((r) => r[col]);
      const mean = values.reduce((a, b) => a + b, 0) / n;
      const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
      for (const row of standardised) row[col] = (row[col] - mean) / sd;
    }
    const scaled = estimatePls(ecsi, { scheme: 'centroid' });
    const manual = estimatePls({ ...ecsi, data: standardised }, { scheme: 'centroid', scaled: false });
    expectClose(flat(scaled.outerWeights), flat(manual.outerWeights), 10);
    expectClose(
      scaled.pathCoefficients.map((p) => p.value),
      manual.pathCoefficients.map((p) => p.value),
      10,
    );
    // and differs from the unscaled estimate (weights are covariances there, correlations here)
    const raw = estimatePls(ecsi, { scheme: 'centroid', scaled: false });
    expect(Math.abs(scaled.outerWeights.IMAG[0] - raw.outerWeights.IMAG[0])).toBeGreaterThan(0.01);
  });

  it('bootstraps standard errors and percentile intervals in line with R plspm’s (200 resamples)', () => {
    const boot = bootstrapPls(ecsi, { scheme: 'centroid', scaled: false, samples: 200, seed: 42 });
    expect(boot.samples).toBe(200);
    expect(boot.failed).toBe(0);
    // tests/data/satisfaction_boot_paths.csv, std.error (R's own resamples, so only comparable
    // within sampling error; plspm-python checks these with rtol 0.5 too)
    const rSe: Record<string, number> = {
      'IMAG->EXPE': 0.0571020970575064,
      'EXPE->QUAL': 0.0244616193096477,
      'QUAL->VAL': 0.070690048404848,
      'VAL->SAT': 0.0865482765571615,
      'SAT->LOY': 0.0821812222333643,
    };
    for (const p of boot.pathCoefficients) {
      expect(p.ciLow).toBeLessThanOrEqual(p.ciHigh);
      expect(p.original).toBeGreaterThanOrEqual(p.ciLow - 0.05);
      expect(p.original).toBeLessThanOrEqual(p.ciHigh + 0.05);
      const reference = rSe[`${p.from}->${p.to}`];
      if (reference) expect(Math.abs(p.se - reference) / reference).toBeLessThan(0.5);
    }
    // EXPE → SAT is not significant in Sanchez's analysis: its interval straddles zero; VAL → SAT is.
    const expeSat = boot.pathCoefficients.find((p) => p.from === 'EXPE' && p.to === 'SAT');
    const valSat = boot.pathCoefficients.find((p) => p.from === 'VAL' && p.to === 'SAT');
    expect(expeSat?.ciLow).toBeLessThan(0);
    expect(expeSat?.ciHigh).toBeGreaterThan(0);
    expect(valSat?.ciLow).toBeGreaterThan(0.3);
    // tests/data/satisfaction_boot_weights.csv, std.error of imag1's weight: 0.0137
    expect(boot.outerWeights.IMAG[0].se).toBeGreaterThan(0.0137 * 0.5);
    expect(boot.outerWeights.IMAG[0].se).toBeLessThan(0.0137 * 1.5);
    // Seeded: the same seed gives the same intervals.
    const again = bootstrapPls(ecsi, { scheme: 'centroid', scaled: false, samples: 20, seed: 7 });
    const twice = bootstrapPls(ecsi, { scheme: 'centroid', scaled: false, samples: 20, seed: 7 });
    expect(again.pathCoefficients).toEqual(twice.pathCoefficients);
  });
});

/** Normal deviates by Box–Muller over a seeded mulberry32. */
function normals(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** Data from a known structural model: ξ → η1 (0.6), ξ → η2 (0.3), η1 → η2 (0.5); 6 items per LV, loading 0.95. */
function synthetic(n: number, seed: number) {
  const z = normals(seed);
  const loading = 0.95;
  const noise = Math.sqrt(1 - loading ** 2);
  const data: number[][] = [];
  // Error variances chosen so each LV has unit variance.
  const e1 = Math.sqrt(1 - 0.6 ** 2);
  const cov12 = 0.6; // cor(ξ, η1)
  const varEta2 = 0.3 ** 2 + 0.5 ** 2 + 2 * 0.3 * 0.5 * cov12;
  const e2 = Math.sqrt(1 - varEta2);
  for (let i = 0; i < n; i++) {
    const xi = z();
    const eta1 = 0.6 * xi + e1 * z();
    const eta2 = 0.3 * xi + 0.5 * eta1 + e2 * z();
    const row: number[] = [];
    for (const lv of [xi, eta1, eta2]) for (let j = 0; j < 6; j++) row.push(loading * lv + noise * z());
    data.push(row);
  }
  return data;
}

describe('estimatePls on data generated from known paths', () => {
  it('recovers the structural coefficients and loadings approximately', () => {
    const data = synthetic(5000, 11);
    const input: PlsInput = {
      data,
      blocks: { XI: [0, 1, 2, 3, 4, 5], ETA1: [6, 7, 8, 9, 10, 11], ETA2: [12, 13, 14, 15, 16, 17] },
      paths: [
        ['XI', 'ETA1'],
        ['XI', 'ETA2'],
        ['ETA1', 'ETA2'],
      ],
    };
    for (const scheme of ['path', 'centroid', 'factorial'] as const) {
      const result = estimatePls(input, { scheme });
      expect(result.converged).toBe(true);
      const path = (from: string, to: string) =>
        result.pathCoefficients.find((p) => p.from === from && p.to === to)?.value ?? Number.NaN;
      // PLS composites attenuate structural paths by their reliability (here ≈ 0.98): within 0.04.
      expect(Math.abs(path('XI', 'ETA1') - 0.6)).toBeLessThan(0.04);
      expect(Math.abs(path('XI', 'ETA2') - 0.3)).toBeLessThan(0.04);
      expect(Math.abs(path('ETA1', 'ETA2') - 0.5)).toBeLessThan(0.04);
      for (const lv of result.lvs)
        for (const l of result.loadings[lv]) expect(Math.abs(l - 0.95)).toBeLessThan(0.02);
      // Equal true loadings: roughly equal weights.
      for (const lv of result.lvs)
        for (const w of result.relativeWeights[lv]) expect(Math.abs(w - 1 / 6)).toBeLessThan(0.02);
    }
  });

  it('drops incomplete rows and reports how many', () => {
    const data: (number | null)[][] = synthetic(400, 3);
    data[5][2] = null;
    data[7][9] = Number.NaN;
    data[8][17] = null; // a column no block uses: the row stays
    const result = estimatePls({
      data,
      blocks: { XI: [0, 1, 2, 3], ETA1: [4, 5, 6, 7], ETA2: [8, 9, 10, 11] },
      paths: [
        ['XI', 'ETA1'],
        ['ETA1', 'ETA2'],
      ],
    });
    expect(result.respondents).toBe(398);
    expect(result.droppedRows).toBe(2);
  });

  it('takes a flat Float64Array matrix and estimates 10 000 × 30 quickly', () => {
    const n = 10_000;
    const cols = 30;
    const z = normals(5);
    const values = new Float64Array(n * cols);
    for (let r = 0; r < n; r++) {
      const lvs = [z()];
      for (let k = 1; k < 6; k++) lvs.push(0.6 * lvs[k - 1] + 0.8 * z());
      for (let c = 0; c < cols; c++)
        values[r * cols + c] = Math.round(3 + 0.9 * lvs[Math.floor(c / 5)] + 0.6 * z());
    }
    const blocks = Object.fromEntries(
      [0, 1, 2, 3, 4, 5].map((k) => [`L${k}`, [0, 1, 2, 3, 4].map((j) => k * 5 + j)]),
    );
    const started = performance.now();
    const result = estimatePls({
      data: { rows: n, cols, values },
      blocks,
      paths: [
        ['L0', 'L1'],
        ['L1', 'L2'],
        ['L2', 'L3'],
        ['L3', 'L4'],
        ['L4', 'L5'],
      ],
    });
    const elapsed = performance.now() - started;
    expect(result.respondents).toBe(n);
    expect(result.pathCoefficients.every((p) => p.value > 0.4)).toBe(true);
    // Milliseconds on an idle machine; generous for a shared CI box.
    expect(elapsed).toBeLessThan(3000);
  });
});

describe('estimatePls input problems', () => {
  const data = synthetic(100, 9);
  const blocks = { XI: [0, 1, 2, 3], ETA1: [4, 5, 6, 7] };
  it('rejects cycles, unknown variables, isolated variables and constant indicators', () => {
    expect(() =>
      estimatePls({
        data,
        blocks: { ...blocks, ETA2: [8, 9] },
        paths: [
          ['XI', 'ETA1'],
          ['ETA1', 'ETA2'],
          ['ETA2', 'XI'],
        ],
      }),
    ).toThrow(/cycle/);
    expect(() => estimatePls({ data, blocks, paths: [['XI', 'NOPE']] })).toThrow(PlsError);
    expect(() => estimatePls({ data, blocks: { ...blocks, ETA2: [8] }, paths: [['XI', 'ETA1']] })).toThrow(
      /ETA2 has no path/,
    );
    const constant = data.map((row) => [...row.slice(0, 3), 4, ...row.slice(4)]);
    expect(() => estimatePls({ data: constant, blocks, paths: [['XI', 'ETA1']] })).toThrow(/column 3/);
  });

  it('quantiles interpolate like R’s type 7', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4, 5], 0.025)).toBeCloseTo(1.1, 12);
  });
});
