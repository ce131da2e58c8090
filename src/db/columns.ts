import { customType } from 'drizzle-orm/pg-core';

/** A PostgreSQL tsvector, filled from jieba-segmented words with the 'simple' configuration. */
export const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
