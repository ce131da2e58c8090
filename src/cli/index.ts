import { Command, InvalidArgumentError, Option } from 'commander';
import { ROLES, type Role } from '../modules/users/tables.ts';
import { buildApp } from '../server/app.ts';
import { ensureFirstAdmin } from '../server/bootstrap.ts';
import { closeContext, createContext } from '../server/runtime.ts';
import {
  DEFAULT_DEMO_CUSTOMERS,
  DEFAULT_DEMO_SEED,
  loadDemoIfEmpty,
  loadDeskDemoIfEmpty,
  runDemo,
} from './demo.ts';
import { countExportable, exportCustomers, openOutput } from './export-customers.ts';
import { formatProblem, importCustomersFile } from './import-customers.ts';
import { type EventFileFormat, importEventsFile } from './import-events.ts';
import { importShipmentsFile } from './import-shipments.ts';
import { progressBar } from './progress.ts';

const program = new Command();
program.name('liaison').description('Liaison — customer relationship and service platform for logistics');

program
  .command('serve')
  .description('migrate, create the first admin, load demo data when empty, and serve the API and web app')
  .action(async () => {
    const ctx = await createContext({ jobs: true });
    await ensureFirstAdmin(ctx, (line) => console.log(line));
    await ctx.services.satisfaction.ensureDefaultModel();
    if (ctx.config.demo) {
      await loadDemoIfEmpty(ctx, (line) => console.log(line));
    }
    if (ctx.database.kind === 'pglite') await ctx.queue.send('maintenance.analyze', {});
    const app = await buildApp(ctx);
    await app.listen({ port: ctx.config.port, host: ctx.config.host });
    console.log(
      `Liaison is running at http://${ctx.config.host}:${ctx.config.port} (database: ${ctx.database.kind})`,
    );
    const shutdown = async () => {
      await app.close();
      await closeContext(ctx);
      process.exit(0);
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });

program
  .command('migrate')
  .description('apply database migrations')
  .action(async () => {
    const ctx = await createContext();
    console.log(`Migrations applied (${ctx.database.kind}).`);
    await closeContext(ctx);
  });

program
  .command('create-user')
  .description('create a user')
  .requiredOption('--email <email>')
  .requiredOption('--name <name>')
  .requiredOption('--password <password>')
  .addOption(new Option('--role <role>').choices([...ROLES]).default('agent'))
  .option('--department <code>', 'department code')
  .option('--customer <id>', 'customer id (portal users)')
  .action(async (options) => {
    const ctx = await createContext();
    try {
      let departmentId: string | null = null;
      if (options.department) {
        const departments = await ctx.services.departments.list(ctx.services.auth.systemActor());
        departmentId = departments.find((d) => d.code === options.department)?.id ?? null;
        if (!departmentId) throw new Error(`No department with code ${options.department}`);
      }
      const user = await ctx.services.users.insert(ctx.services.auth.systemActor(), {
        email: options.email,
        name: options.name,
        password: options.password,
        role: options.role as Role,
        departmentId,
        customerId: options.customer ?? null,
      });
      console.log(`Created ${user.role} ${user.email} (${user.id})`);
    } catch (error) {
      console.error((error as Error).message);
      process.exitCode = 1;
    } finally {
      await closeContext(ctx);
    }
  });

program
  .command('demo')
  .description(
    'load generated demo customers (with contacts, interactions and follow-ups, and once a service desk of tickets, work orders and promises) into the configured database; ' +
      'the same seed always gives the same customers, and a second run of a seed continues or does nothing',
  )
  .option(
    '--customers <n>',
    'how many customers',
    (v) => positiveInt(v, '--customers'),
    DEFAULT_DEMO_CUSTOMERS,
  )
  .option('--seed <seed>', 'generator seed', DEFAULT_DEMO_SEED)
  .option('--batch <n>', 'customers per transaction', (v) => positiveInt(v, '--batch'), 1000)
  .action(async (options: { customers: number; seed: string; batch: number }) => {
    const ctx = await createContext();
    const bar = progressBar('customers', options.customers);
    try {
      const stats = await runDemo(ctx, {
        customers: options.customers,
        seed: options.seed,
        batchSize: options.batch,
        onProgress: (done, total) => bar.update(done, total),
        print: (line) => console.log(line),
      });
      bar.stop();
      if (stats.customers === 0) {
        console.log(
          `Seed "${options.seed}" already has ${stats.skipped} customers loaded: nothing to do. Use another --seed for more data.`,
        );
      } else {
        const seconds = stats.ms / 1000;
        console.log(
          `Loaded ${stats.customers} customers, ${stats.contacts} contacts, ${stats.interactions} interactions, ` +
            `${stats.followUps} follow-ups in ${seconds.toFixed(1)} s (${Math.round(stats.customers / seconds)} customers/s, ${ctx.database.kind}).`,
        );
      }
      await loadDeskDemoIfEmpty(ctx, options.seed, (line) => console.log(line));
    } catch (error) {
      bar.stop();
      console.error((error as Error).message);
      process.exitCode = 1;
    } finally {
      await closeContext(ctx);
    }
  });

const importCommand = program.command('import').description('import data from CSV or Excel files');
importCommand
  .command('customers <file>')
  .description('import customer files (with one contact each) from a .csv or .xlsx file')
  .option('--owner <email>', 'owner of rows that have no 负责人邮箱/ownerEmail')
  .option('--errors <file>', 'where to write the problem report (default: FILE.errors.csv)')
  .addHelpText(
    'after',
    `
All or nothing: every row is checked first (required name, types and lengths, owner exists and may
own customers, valid unified social credit code, no duplicate tax id or company name within the file
or among stored customers). If any row has a problem nothing is imported: the problems are printed
(row number, column, message), written to FILE.errors.csv, and the exit code is 1. A file without
problems is imported in one transaction. Fix the file and run the same command again.

The first row holds the column names, in Chinese or English (see docs/import-export.md):
  客户名称/name (required), 简称/shortName, 类型/kind, 统一社会信用代码/taxId, 行业/industry,
  电话/phone, 邮箱/email, 网址/website, 地址/address, 邮编/postcode, 来源/source,
  负责人邮箱/ownerEmail, 阶段/stage (潜在/洽谈/合作/维系/流失), 流失原因/churnReason,
  价值等级/valueClass (A/B/C), 需求类型/needType, 维系纽带/bonds, 标签/tags, 竞争对手/competitors,
  服务方式/serviceModes, 主要航线/lanes (CNSHA→USLAX 海运), 货物类型/cargoTypes, 服务部门/departments,
  备注/notes, 联系人/contactName, 联系人职务/contactTitle, 联系人电话/contactPhone,
  联系人邮箱/contactEmail, 联系人微信/contactWechat.
Lists (tags, phones, …) are separated by ; or 、. CSV files may be UTF-8 or GB18030 (Excel's "CSV").`,
  )
  .action(async (file: string, options: { owner?: string; errors?: string }) => {
    const ctx = await createContext();
    let bar: ReturnType<typeof progressBar> | undefined;
    let phase = '';
    try {
      const result = await importCustomersFile(ctx, file, {
        defaultOwnerEmail: options.owner,
        errorFile: options.errors,
        onProgress: (name, done, total) => {
          if (name !== phase) {
            bar?.stop();
            phase = name;
            bar = progressBar(name === 'validate' ? 'checking ' : 'importing', total);
          }
          bar?.update(done, total);
        },
      });
      bar?.stop();
      if (result.problems.length > 0) {
        console.error(`Nothing imported: ${result.problems.length} problem(s) in ${file}.`);
        for (const problem of result.problems.slice(0, 50)) console.error(`  ${formatProblem(problem)}`);
        if (result.problems.length > 50) console.error(`  … and ${result.problems.length - 50} more`);
        console.error(`The full report is in ${result.errorFile}.`);
        process.exitCode = 1;
      } else {
        console.log(`Imported ${result.imported} customers from ${file}.`);
      }
    } catch (error) {
      bar?.stop();
      console.error(`Nothing imported: ${(error as Error).message}`);
      process.exitCode = 1;
    } finally {
      await closeContext(ctx);
    }
  });

const TRACKING_IMPORT_HELP = `
Row by row, like a feed: good rows are stored, bad rows (a cell that does not read, a reference
that matches no shipment) are printed with row and column, written to FILE.errors.csv, and the
exit code is 1. Running the same file again is safe: rows stored before are duplicates (events)
or skipped by their references (shipments). Times without a zone are in --tz (default: the
display time zone setting). CSV files may be UTF-8 or GB18030; Excel: the first worksheet.`;

const EVENTS_HELP = `${TRACKING_IMPORT_HELP}

Columns (Chinese or English): 运单号/tracking number (our number, B/L, booking, AWB or container;
required), 事件/event (DEPARTED or 离港, 到港, 签收 …; required), 时间/time (required),
类型/classifier (实际/ACT, 预计/EST, 计划/PLN; default 实际), 地点/location (UN/LOCODE),
地点名称/location name, 备注/remark, 事件编号/event id, 来源/source.

A saved feed message instead of a table: IATA FSU text or XFSU XML (.fsu, .xml) or a GS1 EPCIS 2.0
document (.json, .jsonld); --format iata|epcis for other names. Problems then name the event.`;

const SHIPMENTS_HELP = `${TRACKING_IMPORT_HELP}

Columns (Chinese or English): 客户/customer (name, id or unified social credit code; required),
部门/department (code or name; required), 运输方式/mode (海运/空运/陆运/铁路/仓储/配送/报关; required),
订单号/order no, 分提单号/HBL, 主提单号/MBL, 订舱号/booking, 空运单号/AWB (mod-7 checked),
集装箱号/containers (ISO 6346 checked; several separated by ; or 、), 客户参考号/customer reference,
起运港/origin, 目的港/destination (UN/LOCODE), 目的地邮编/destination postcode, 收货人/consignee,
收货人电话/consignee phone, 件数/pieces, 重量/weight (kg), 体积/volume (m³), 货物描述/cargo,
特殊处理/special handling, 承诺时限/promised.`;

interface TrackingImportOptions {
  errors?: string;
  tz?: string;
  source?: string;
  batch?: number;
  format?: EventFileFormat;
}

async function runTrackingImport(
  kind: 'events' | 'shipments',
  file: string,
  options: TrackingImportOptions,
): Promise<void> {
  const ctx = await createContext();
  let bar: ReturnType<typeof progressBar> | undefined;
  try {
    const common = {
      errorFile: options.errors,
      timeZone: options.tz,
      onProgress: (done: number, total: number) => {
        bar ??= progressBar('importing', total);
        bar.update(done, total);
      },
    };
    const result =
      kind === 'events'
        ? await importEventsFile(ctx, file, {
            ...common,
            source: options.source,
            batchSize: options.batch,
            format: options.format,
          })
        : await importShipmentsFile(ctx, file, common);
    bar?.stop();
    if ('counts' in result) {
      const c = result.counts;
      console.log(
        `Events from ${file}: ${c.accepted ?? 0} new, ${c.replaced ?? 0} updated, ${c.retracted ?? 0} withdrawn, ` +
          `${c.duplicate ?? 0} already stored, ${c.superseded ?? 0} older than stored, ${c.rejected ?? 0} rejected.`,
      );
    } else {
      console.log(
        `Shipments from ${file}: ${result.created.length} created, ${result.skipped.length} already imported.`,
      );
    }
    if (result.problems.length > 0) {
      const rows = new Set(result.problems.map((p) => p.row)).size;
      console.error(`${rows} row(s) with problems in ${file}:`);
      for (const problem of result.problems.slice(0, 50)) console.error(`  ${formatProblem(problem)}`);
      if (result.problems.length > 50) console.error(`  … and ${result.problems.length - 50} more`);
      console.error(`The full report is in ${result.errorFile}.`);
      process.exitCode = 1;
    }
  } catch (error) {
    bar?.stop();
    console.error(`Import failed: ${(error as Error).message}`);
    process.exitCode = 1;
  } finally {
    await closeContext(ctx);
  }
}

for (const [parent, name] of [
  [importCommand, 'events'],
  [program, 'import-events'],
] as const) {
  parent
    .command(`${name} <file>`)
    .description('import tracking events from a .csv/.xlsx table or a saved IATA (FSU/XFSU) or EPCIS message')
    .option('--errors <file>', 'where to write the problem report (default: FILE.errors.csv)')
    .option('--tz <zone>', 'time zone of times written without one, e.g. Asia/Shanghai')
    .option(
      '--source <source>',
      'source label of rows without a 来源/source cell (default csv; feed files: iata or epcis)',
    )
    .option('--batch <n>', 'events per transaction', (v) => positiveInt(v, '--batch'), 1000)
    .addOption(
      new Option(
        '--format <format>',
        'table (CSV/XLSX), iata (FSU/XFSU) or epcis; default by extension',
      ).choices(['table', 'iata', 'epcis']),
    )
    .addHelpText('after', EVENTS_HELP)
    .action((file: string, options: TrackingImportOptions) => runTrackingImport('events', file, options));
}
for (const [parent, name] of [
  [importCommand, 'shipments'],
  [program, 'import-shipments'],
] as const) {
  parent
    .command(`${name} <file>`)
    .description('import shipments from a .csv or .xlsx file (row by row, with the same checks as the API)')
    .option('--errors <file>', 'where to write the problem report (default: FILE.errors.csv)')
    .option('--tz <zone>', 'time zone of times written without one, e.g. Asia/Shanghai')
    .addHelpText('after', SHIPMENTS_HELP)
    .action((file: string, options: { errors?: string; tz?: string }) =>
      runTrackingImport('shipments', file, options),
    );
}

const exportCommand = program.command('export').description('export data as CSV or Excel files');
exportCommand
  .command('customers')
  .description('export every customer file that is not archived, in the columns the import reads')
  .addOption(new Option('--format <format>', 'file format').choices(['csv', 'xlsx']).default('csv'))
  .option('--out <file>', 'output file, - for standard output (default: customers-YYYYMMDD.csv|xlsx)')
  .addOption(new Option('--headers <lang>', 'column names').choices(['zh', 'en']).default('zh'))
  .addHelpText(
    'after',
    `
Cells that start with = + - @ (or a tab or carriage return) get a leading ' so that spreadsheet
programs show them as text instead of running them as formulas. CSV is UTF-8 with a BOM.`,
  )
  .action(async (options: { format: 'csv' | 'xlsx'; out?: string; headers: 'zh' | 'en' }) => {
    const ctx = await createContext();
    const path =
      options.out ?? `customers-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}.${options.format}`;
    if (path === '-' && options.format === 'xlsx' && process.stdout.isTTY) {
      console.error(
        'Refusing to write an Excel file to the terminal: give --out FILE or redirect the output.',
      );
      process.exitCode = 1;
      await closeContext(ctx);
      return;
    }
    const bar = path === '-' ? undefined : progressBar('exporting', await countExportable(ctx));
    try {
      const count = await exportCustomers(ctx, {
        format: options.format,
        out: openOutput(path),
        headers: options.headers,
        onProgress: (done, total) => bar?.update(done, total),
      });
      bar?.stop();
      if (path !== '-') console.log(`Exported ${count} customers to ${path}.`);
    } catch (error) {
      bar?.stop();
      console.error((error as Error).message);
      process.exitCode = 1;
    } finally {
      await closeContext(ctx);
    }
  });

function positiveInt(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`${name} must be a positive whole number`);
  return n;
}

await program.parseAsync(process.argv);
