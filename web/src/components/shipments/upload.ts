import type { TFunction } from 'i18next';
import { ApiError } from '../../api/client';
import { errorText } from '../../lib/forms';

/** What the upload pickers offer; the server checks the content (pdf, png, jpeg, webp, tiff, heic). */
export const UPLOAD_ACCEPT = '.pdf,.png,.jpg,.jpeg,.webp,.tif,.tiff,.heic,application/pdf,image/*';
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/** 413/415 from an upload in words: too large, or a file type we do not take. */
export function uploadErrorText(t: TFunction, error: unknown): string {
  if (error instanceof ApiError && error.status === 413) return t('shipments.documents.tooLarge');
  if (error instanceof ApiError && error.status === 415) return t('shipments.documents.badType');
  return errorText(t, error);
}
