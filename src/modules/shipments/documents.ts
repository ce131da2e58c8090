import { createHash } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import { fileTypeFromBuffer } from 'file-type';
import { uuidv7 } from 'uuidv7';
import type { DbOrTx } from '../../db/index.ts';
import { type Actor, isStaff } from '../../domain/access.ts';
import { parseZonedTime } from '../../domain/milestones.ts';
import type { AppContext } from '../../server/context.ts';
import {
  type FieldProblem,
  Problem,
  conflict,
  forbidden,
  notFound,
  validationFailed,
} from '../../server/problems.ts';
import { isUuid } from '../../server/schemas.ts';
import { users } from '../users/tables.ts';
import { canRecordPod, canWrite } from './access.ts';
import type { ShipmentView } from './service.ts';
import { DOCUMENT_KINDS, shipmentDocuments, shipments } from './tables.ts';

/** Largest upload: 10 MB. */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

/** Types we keep, detected from the content (magic bytes), never from the client's word. */
const ALLOWED_TYPES: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/webp': 'webp',
  'image/tiff': 'tiff',
  'image/heic': 'heic',
  'image/heif': 'heic',
};

/** How far in the future a signing time may be (clocks drift a little). */
const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

export interface UploadedFile {
  fileName: string;
  content: Buffer;
}

export interface MultipartForm {
  file?: UploadedFile;
  fields: Record<string, string>;
}

export type DocumentRow = typeof shipmentDocuments.$inferSelect;
export type DocumentView = Omit<DocumentRow, 'content'> & { uploadedByName: string | null };

const unsupported = (detail: string) => new Problem(415, 'Unsupported Media Type', detail);

/**
 * Reads a multipart form: the one `file` part into memory (at most MAX_DOCUMENT_BYTES, 413 beyond)
 * and the text fields. Anything but multipart/form-data is 415.
 */
export async function readMultipartForm(request: FastifyRequest): Promise<MultipartForm> {
  if (!request.isMultipart()) throw unsupported('Send the file as multipart/form-data with a "file" part.');
  const form: MultipartForm = { fields: {} };
  for await (const part of request.parts({
    limits: { fileSize: MAX_DOCUMENT_BYTES, files: 1, fields: 20 },
  })) {
    if (part.type === 'file') {
      // toBuffer() throws the plugin's 413 error when the file is larger than the limit.
      const content = await part.toBuffer();
      if (part.fieldname === 'file') form.file = { fileName: part.filename || 'upload', content };
    } else if (typeof part.value === 'string') {
      form.fields[part.fieldname] = part.value;
    }
  }
  return form;
}

function safeFileName(name: string): string {
  // Keep the base name only, without control characters; long names are cut.
  const base = name.split(/[\\/]/).pop() ?? 'upload';
  const clean = [...base]
    .filter((c) => c.charCodeAt(0) >= 32 && c.charCodeAt(0) !== 127)
    .join('')
    .trim();
  return (clean || 'upload').slice(0, 200);
}

/** Shipment documents (B/L copies, photos, POD scans) and the POD record. */
export class ShipmentDocuments {
  constructor(private readonly ctx: AppContext) {}

  private get shipments() {
    return this.ctx.services.shipments;
  }

  private select(db: DbOrTx = this.ctx.db) {
    return db
      .select({
        id: shipmentDocuments.id,
        shipmentId: shipmentDocuments.shipmentId,
        kind: shipmentDocuments.kind,
        fileName: shipmentDocuments.fileName,
        contentType: shipmentDocuments.contentType,
        sizeBytes: shipmentDocuments.sizeBytes,
        sha256: shipmentDocuments.sha256,
        portalVisible: shipmentDocuments.portalVisible,
        uploadedById: shipmentDocuments.uploadedById,
        uploadedByName: users.name,
        uploadedAt: shipmentDocuments.uploadedAt,
      })
      .from(shipmentDocuments)
      .leftJoin(users, eq(users.id, shipmentDocuments.uploadedById));
  }

  /** Portal users see only documents meant for them; staff see all. */
  async list(actor: Actor, shipmentId: string): Promise<{ items: DocumentView[]; nextCursor: null }> {
    await this.shipments.requireReadable(actor, shipmentId);
    const conditions = [eq(shipmentDocuments.shipmentId, shipmentId)];
    if (!isStaff(actor)) conditions.push(eq(shipmentDocuments.portalVisible, true));
    const items = await this.select()
      .where(and(...conditions))
      .orderBy(desc(shipmentDocuments.uploadedAt), desc(shipmentDocuments.id));
    return { items, nextCursor: null };
  }

  async content(actor: Actor, shipmentId: string, documentId: string): Promise<DocumentRow> {
    await this.shipments.requireReadable(actor, shipmentId);
    if (!isUuid(documentId)) throw notFound('Document');
    const [row] = await this.ctx.db
      .select()
      .from(shipmentDocuments)
      .where(and(eq(shipmentDocuments.id, documentId), eq(shipmentDocuments.shipmentId, shipmentId)));
    if (!row || (!isStaff(actor) && !row.portalVisible)) throw notFound('Document');
    return row;
  }

  /** Checks the file's real type and size; 415 / 413 / 422 problems, nothing stored. */
  private async inspect(file: UploadedFile | undefined, problems: FieldProblem[]) {
    if (!file || file.content.length === 0) {
      problems.push({ field: 'file', message: 'a non-empty file is required' });
      return undefined;
    }
    if (file.content.length > MAX_DOCUMENT_BYTES)
      throw new Problem(413, 'Payload Too Large', 'A document may be at most 10 MB.');
    const detected = await fileTypeFromBuffer(file.content);
    if (!detected || !ALLOWED_TYPES[detected.mime]) {
      throw unsupported(
        `Only PDF, PNG, JPEG, WebP, TIFF and HEIC files are accepted; this file is ${detected ? detected.mime : 'of an unknown type'}.`,
      );
    }
    return {
      fileName: safeFileName(file.fileName),
      contentType: detected.mime,
      sizeBytes: file.content.length,
      sha256: createHash('sha256').update(file.content).digest('hex'),
      content: file.content,
    };
  }

  private async view(id: string, db: DbOrTx = this.ctx.db): Promise<DocumentView> {
    const [row] = await this.select(db).where(eq(shipmentDocuments.id, id));
    return row;
  }

  async upload(actor: Actor, shipmentId: string, form: MultipartForm): Promise<DocumentView> {
    const shipment = await this.shipments.requireReadable(actor, shipmentId);
    if (!canWrite(actor, shipment.departmentId))
      throw forbidden(
        'Agents, supervisors and admins add documents; operations users on their department’s.',
      );
    const problems: FieldProblem[] = [];
    const kind = form.fields.kind ?? 'other';
    if (!(DOCUMENT_KINDS as readonly string[]).includes(kind) || kind === 'pod')
      problems.push({
        field: 'kind',
        message: `must be one of ${DOCUMENT_KINDS.filter((k) => k !== 'pod').join(', ')} (POD goes through /pod)`,
      });
    const visible = form.fields.portalVisible ?? 'true';
    if (visible !== 'true' && visible !== 'false')
      problems.push({ field: 'portalVisible', message: 'must be true or false' });
    const file = await this.inspect(form.file, problems);
    if (problems.length || !file) throw validationFailed(problems);
    const id = uuidv7();
    await this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(shipmentDocuments)
        .values({
          id,
          shipmentId,
          kind,
          ...file,
          portalVisible: visible === 'true',
          uploadedById: actor.via === 'system' ? null : actor.id,
          uploadedAt: this.ctx.now(),
        })
        .returning();
      const { content: _content, ...after } = row;
      await this.ctx.services.audit.record(tx, actor, {
        action: 'create',
        entityType: 'shipment_document',
        entityId: id,
        customerId: shipment.customerId,
        after,
      });
    });
    return this.view(id);
  }

  async remove(actor: Actor, shipmentId: string, documentId: string): Promise<void> {
    const shipment = await this.shipments.requireReadable(actor, shipmentId);
    if (!canWrite(actor, shipment.departmentId))
      throw forbidden(
        'Agents, supervisors and admins remove documents; operations users on their department’s.',
      );
    const row = await this.content(actor, shipmentId, documentId);
    if (shipment.podDocumentId === documentId)
      throw conflict('This is the proof of delivery; record a new POD instead of deleting it.');
    await this.ctx.db.transaction(async (tx) => {
      await tx.delete(shipmentDocuments).where(eq(shipmentDocuments.id, documentId));
      const { content: _content, ...before } = row;
      await this.ctx.services.audit.record(tx, actor, {
        action: 'delete',
        entityType: 'shipment_document',
        entityId: documentId,
        customerId: shipment.customerId,
        before,
      });
    });
  }

  /**
   * Records the proof of delivery (送货回复): signer, signing time and the signed document, then an
   * actual DELIVERED milestone through the tracking service (source `pod`) after the commit.
   */
  async recordPod(actor: Actor, shipmentId: string, form: MultipartForm): Promise<ShipmentView> {
    const shipment = await this.shipments.requireReadable(actor, shipmentId);
    if (!canRecordPod(actor, shipment.departmentId))
      throw forbidden('POD is recorded by operations of the shipment’s department, supervisors and admins.');
    if (shipment.cancelledAt) throw conflict('This shipment is cancelled.');
    const problems: FieldProblem[] = [];
    const signer = (form.fields.signer ?? '').trim();
    if (!signer) problems.push({ field: 'signer', message: 'who signed for the goods is required' });
    else if (signer.length > 200) problems.push({ field: 'signer', message: 'at most 200 characters' });
    const now = this.ctx.now();
    let signedAt = now.toISOString();
    if (form.fields.signedAt !== undefined && form.fields.signedAt.trim() !== '') {
      signedAt = form.fields.signedAt.trim();
      const ms = parseZonedTime(signedAt);
      if (ms === null)
        problems.push({
          field: 'signedAt',
          message: 'must be an ISO 8601 date-time with a zone, e.g. 2026-11-20T15:30:00+08:00',
        });
      else if (ms > now.getTime() + FUTURE_TOLERANCE_MS)
        problems.push({ field: 'signedAt', message: 'must not be in the future' });
    }
    const file = await this.inspect(form.file, problems);
    if (problems.length || !file) throw validationFailed(problems);
    const documentId = uuidv7();
    await this.ctx.db.transaction(async (tx) => {
      await tx.insert(shipmentDocuments).values({
        id: documentId,
        shipmentId,
        kind: 'pod',
        ...file,
        portalVisible: true,
        uploadedById: actor.id,
        uploadedAt: now,
      });
      const [row] = await tx
        .update(shipments)
        .set({
          podSigner: signer,
          podSignedAt: new Date(signedAt),
          podDocumentId: documentId,
          podRecordedAt: now,
          podRecordedById: actor.id,
          version: shipment.version + 1,
          updatedAt: now,
        })
        .where(eq(shipments.id, shipmentId))
        .returning();
      await this.ctx.services.audit.record(tx, actor, {
        action: 'pod',
        entityType: 'shipment',
        entityId: shipmentId,
        customerId: shipment.customerId,
        before: {
          podSigner: shipment.podSigner,
          podSignedAt: shipment.podSignedAt,
          podDocumentId: shipment.podDocumentId,
        },
        after: {
          podSigner: row.podSigner,
          podSignedAt: row.podSignedAt,
          podDocumentId: row.podDocumentId,
          fileName: file.fileName,
          sha256: file.sha256,
        },
      });
    });
    await this.addDeliveredMilestone(actor, shipmentId, signedAt);
    return this.shipments.view(actor, shipmentId);
  }

  private async addDeliveredMilestone(actor: Actor, shipmentId: string, eventTime: string): Promise<void> {
    await this.ctx.services.tracking.addManualEvent(
      actor,
      shipmentId,
      { eventCode: 'DELIVERED', classifier: 'ACT', eventTime },
      'pod',
    );
  }
}
