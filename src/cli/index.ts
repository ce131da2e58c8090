import { Command, InvalidArgumentError, Option } from 'commander';
import { ROLES, type Role } from '../modules/users/tables.ts';
import { buildApp } from '../server/app.ts';
import { ensureFirstAdmin } from '../server/bootstrap.ts';
import { closeContext, createContext } from '../server/runtime.ts';
import { DEFAULT_DEMO_CUSTOMERS, DEFAULT_DEMO_SEED, loadDemoIfEmpty, runDemo } from './demo.ts';
import { progressBar } from './progress.ts';

const program = new Command();
program.name('liaison').description('Liaison — customer relationship and service platform for logistics');

program
  .command('serve')
  .description('migrate, create the first admin, load demo data when empty, and serve the API and web app')
  .action(async () => {
    const ctx = await createContext({ jobs: true });
    await ensureFirstAdmin(ctx, (line) => console.log(line));
    if (ctx.config.demo) {
      await loadDemoIfEmpty(ctx, (line) => console.log(line));
    }
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
    'load generated demo customers (with contacts, interactions and follow-ups) into the configured database; ' +
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
    } catch (error) {
      bar.stop();
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
