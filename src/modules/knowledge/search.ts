import { type SQL, sql } from 'drizzle-orm';
import { segment } from '../customers/search.ts';

/**
 * Chinese full-text search of the knowledge base. Like customer search, words come from jieba
 * (`segment`) and are stored as a 'simple' tsvector; the question weighs more (A) than the answer
 * and the tags (B), so an article whose question matches ranks first.
 */

const HAN_CHAR = /^\p{Script=Han}$/u;
/** Words that match almost every text and would only add noise to a ranked OR query. */
const STOP_WORDS = new Set([
  '我们',
  '你们',
  '他们',
  '这个',
  '那个',
  '什么',
  '怎么',
  '没有',
  '可以',
  '已经',
  '一下',
  '还是',
]);

/** The words of the question, and those of the answer and tags, as space-separated text. */
export function articleSearchWords(article: { question: string; answer: string; tags?: readonly string[] }): {
  questionWords: string;
  answerWords: string;
} {
  return {
    questionWords: segment(article.question).join(' '),
    answerWords: segment([article.answer, ...(article.tags ?? [])].join(' ')).join(' '),
  };
}

/** The tsvector expression for the given word lists (question weight A, the rest B). */
export function articleVectorSql(questionWords: string, answerWords: string): SQL {
  return sql`setweight(to_tsvector('simple', ${questionWords}), 'A') || setweight(to_tsvector('simple', ${answerWords}), 'B')`;
}

/**
 * A ranked "any of these words" tsquery from free text (a search box or a ticket's text): the
 * jieba words (search mode, so 集装箱 also yields 集装), without single characters and stop words.
 * Null when nothing is left. Words are letters and digits only, so no quoting is needed.
 */
export function anyWordsQuery(text: string, maxWords = 40): string | null {
  const words = segment(text).filter((w) => !(HAN_CHAR.test(w) || w.length < 2 || STOP_WORDS.has(w)));
  if (words.length === 0) return null;
  return words.slice(0, maxWords).join(' | ');
}
