import { Type } from 'typebox';
import { DateTime, Nullable, PageQuery, Text, Uuid, Version } from '../../server/schemas.ts';
import { KNOWLEDGE_TOPICS, TEMPLATE_KINDS } from './tables.ts';

export const TemplateKindSchema = Type.Union(TEMPLATE_KINDS.map((k) => Type.Literal(k)));
export const KnowledgeTopicSchema = Type.Union(KNOWLEDGE_TOPICS.map((t) => Type.Literal(t)));

export const ResponseTemplateSchema = Type.Object(
  {
    id: Type.String(),
    categoryId: Nullable(Type.String({ description: 'null: fits every category' })),
    categoryName: Nullable(Type.String()),
    kind: TemplateKindSchema,
    title: Type.String(),
    body: Type.String({
      description: 'text with {{placeholders}}, see /api/response-templates/placeholders',
    }),
    locale: Type.String(),
    active: Type.Boolean(),
    usageCount: Type.Integer(),
    createdBy: Nullable(Type.String()),
    version: Type.Integer(),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'ResponseTemplate' },
);

export const TemplateQuery = Type.Object({
  categoryId: Type.Optional(Uuid),
  kind: Type.Optional(TemplateKindSchema),
  active: Type.Optional(Type.Boolean()),
});

export const TemplateCreateBody = Type.Object(
  {
    categoryId: Type.Optional(Nullable(Uuid)),
    kind: TemplateKindSchema,
    title: Text(200, 1),
    body: Text(4000, 1),
    locale: Type.Optional(Type.Union([Type.Literal('zh-CN'), Type.Literal('en')])),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const TemplatePatchBody = Type.Object(
  {
    categoryId: Type.Optional(Nullable(Uuid)),
    kind: Type.Optional(TemplateKindSchema),
    title: Type.Optional(Text(200, 1)),
    body: Type.Optional(Text(4000, 1)),
    locale: Type.Optional(Type.Union([Type.Literal('zh-CN'), Type.Literal('en')])),
    active: Type.Optional(Type.Boolean()),
    version: Type.Optional(Version),
  },
  { additionalProperties: false },
);

export const RenderBody = Type.Object({ ticketId: Uuid }, { additionalProperties: false });
export const RenderResult = Type.Object({
  text: Type.String(),
  templateId: Type.String(),
  ticketId: Type.String(),
});

export const PlaceholderList = Type.Array(
  Type.Object({ name: Type.String(), label: Type.String(), example: Type.String() }),
);

export const KnowledgeArticleSchema = Type.Object(
  {
    id: Type.String(),
    topic: KnowledgeTopicSchema,
    question: Type.String(),
    answer: Type.String(),
    tags: Type.Array(Type.String()),
    categoryId: Nullable(Type.String()),
    categoryName: Nullable(Type.String()),
    active: Type.Boolean(),
    usageCount: Type.Integer(),
    createdBy: Nullable(Type.String()),
    version: Type.Integer(),
    createdAt: DateTime,
    updatedAt: DateTime,
    rank: Type.Optional(Type.Number({ description: 'search relevance (only with q or as a suggestion)' })),
  },
  { $id: 'KnowledgeArticle' },
);

export const ArticleQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  topic: Type.Optional(KnowledgeTopicSchema),
  categoryId: Type.Optional(Uuid),
  tag: Type.Optional(Type.String({ maxLength: 50 })),
  active: Type.Optional(Type.Boolean()),
  ...PageQuery,
});

const Tags = Type.Array(Text(50, 1), { maxItems: 20 });

export const ArticleCreateBody = Type.Object(
  {
    topic: KnowledgeTopicSchema,
    question: Text(500, 1),
    answer: Text(8000, 1),
    tags: Type.Optional(Tags),
    categoryId: Type.Optional(Nullable(Uuid)),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const ArticlePatchBody = Type.Object(
  {
    topic: Type.Optional(KnowledgeTopicSchema),
    question: Type.Optional(Text(500, 1)),
    answer: Type.Optional(Text(8000, 1)),
    tags: Type.Optional(Tags),
    categoryId: Type.Optional(Nullable(Uuid)),
    active: Type.Optional(Type.Boolean()),
    version: Type.Optional(Version),
  },
  { additionalProperties: false },
);

export const UseBody = Type.Object(
  { ticketId: Type.Optional(Nullable(Uuid)) },
  { additionalProperties: false },
);
export const UseResult = Type.Object({ usageCount: Type.Integer() });

export const SuggestionsSchema = Type.Object({
  articles: Type.Array(Type.Ref('KnowledgeArticle')),
  templates: Type.Array(Type.Ref('ResponseTemplate')),
});
