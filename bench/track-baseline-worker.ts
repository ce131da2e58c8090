/**
 * The public-tracking baseline: a minimal Fastify + pg endpoint doing the same indexed lookup the
 * app's POST /api/track does (shipment by number, second factor compared, its events by the
 * shipment index) and nothing else — no session, rate limit, validation or mapping. Runs in its own
 * thread like the app, so both get the same share of the machine.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Fastify from 'fastify';
import pg from 'pg';

const { databaseUrl } = workerData as { databaseUrl: string };
const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
const app = Fastify();
app.post('/track', async (request, reply) => {
  const { number, secondFactor } = request.body as { number: string; secondFactor: string };
  const found = await pool.query(
    'select id, number, mode, origin, destination, status, promised_at, estimated_delivery_at, delivered_at, destination_postcode from shipments where number = $1',
    [number],
  );
  const shipment = found.rows[0];
  if (!shipment || shipment.destination_postcode !== secondFactor)
    return reply.status(404).send({ status: 404 });
  const events = await pool.query(
    'select event_code, classifier, event_time, location from tracking_events where shipment_id = $1 and not retracted order by event_time',
    [shipment.id],
  );
  const { id: _id, destination_postcode: _p, ...view } = shipment;
  return { ...view, milestones: events.rows };
});
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
parentPort!.postMessage({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
parentPort!.on('message', async (message: { type: string }) => {
  if (message.type === 'stop') {
    await app.close();
    await pool.end();
    parentPort!.postMessage({ type: 'stopped' });
  }
});
