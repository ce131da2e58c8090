import { CheckCircleOutlined, SaveOutlined, SendOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Input, Progress, Radio, Result, Space, Typography } from 'antd';
import { type ReactNode, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import {
  type Answer,
  type AnswersBody,
  DIMENSION_KEYS,
  LIKERT,
  type QuestionItem,
  type Questionnaire,
} from './api';

type Values = Record<string, { score?: number; idealScore?: number; importance?: number }>;

function initialValues(answers: Answer[] | undefined): Values {
  const values: Values = {};
  for (const a of answers ?? []) {
    values[a.itemKey] = {
      score: a.score ?? undefined,
      idealScore: a.idealScore ?? undefined,
      importance: a.importance ?? undefined,
    };
  }
  return values;
}

/** The intro in the reader's language, whatever shape the server gave it. */
export function introOf(
  data: Pick<Questionnaire, 'intro' | 'introZh' | 'introEn'>,
  language: string,
): string {
  const en = language === 'en';
  if (data.intro && typeof data.intro === 'object') {
    const zh = data.intro.zh ?? data.intro['zh-CN'];
    return (en ? (data.intro.en ?? zh) : (zh ?? data.intro.en)) ?? '';
  }
  if (en && data.introEn) return data.introEn;
  if (!en && data.introZh) return data.introZh;
  return (typeof data.intro === 'string' ? data.intro : null) ?? data.introZh ?? data.introEn ?? '';
}

/** Items in questionnaire order, grouped under their dimension (items without one come last). */
function groupByDimension(items: QuestionItem[]): { dimension: string | null; items: QuestionItem[] }[] {
  const groups = new Map<string | null, QuestionItem[]>();
  const order = (d: string | null) => {
    const i = DIMENSION_KEYS.indexOf(d as (typeof DIMENSION_KEYS)[number]);
    return i < 0 ? DIMENSION_KEYS.length : i;
  };
  for (const item of items) {
    const list = groups.get(item.dimension ?? null) ?? [];
    list.push(item);
    groups.set(item.dimension ?? null, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => order(a) - order(b))
    .map(([dimension, list]) => ({ dimension, items: list }));
}

/** 410 for a survey staff closed (rather than a link past its lifetime). */
export const isClosedProblem = (error: unknown) =>
  error instanceof ApiError &&
  error.status === 410 &&
  String(error.body.type ?? '').endsWith('survey-closed');

/** A problem answer in plain words for the person answering. */
export function answerErrorText(
  t: (key: string, o?: Record<string, unknown>) => string,
  error: unknown,
): string {
  if (error instanceof ApiError) {
    if (error.status === 404) return t('surveys.answer.unknown');
    if (error.status === 409) return t('surveys.answer.alreadyAnswered');
    if (error.status === 410)
      return isClosedProblem(error) ? t('surveys.answer.closed') : t('surveys.answer.expired');
    if (error.status === 429) return t('surveys.answer.tooMany');
    if (error.status === 422 || error.status === 400) return error.detail ?? t('surveys.answer.failed');
  }
  if (error instanceof TypeError) return t('surveys.answer.network');
  return t('surveys.answer.failed');
}

/**
 * The questionnaire: the intro, items grouped by dimension, each a 5-level Likert choice (plus the
 * ideal level and importance when the survey asks), a comment, progress, "save and continue later"
 * and submit. One column with large touch targets so it works on a phone. Used by the public token
 * page, the portal and (read-only) as the staff's preview.
 */
export function QuestionnaireForm(props: {
  data: Questionnaire;
  onSave?: (body: AnswersBody) => Promise<unknown>;
  onSubmit?: (body: AnswersBody) => Promise<{ responseIndex?: number | null } | unknown>;
  /** Preview for staff: nothing can be chosen or sent. */
  readOnly?: boolean;
  /** Shown after a successful submit instead of the form. */
  thanksExtra?: ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const en = i18n.language === 'en';
  const [values, setValues] = useState<Values>(() => initialValues(props.data.answers));
  const [comment, setComment] = useState(props.data.comment ?? '');
  const [busy, setBusy] = useState<'save' | 'submit' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [missing, setMissing] = useState<string[]>([]);
  const groups = useMemo(() => groupByDimension(props.data.items), [props.data.items]);
  // Numbered through the whole questionnaire, in the order shown.
  const numbers = useMemo(
    () => new Map(groups.flatMap((g) => g.items).map((item, i) => [item.key, i + 1])),
    [groups],
  );
  const total = props.data.items.length;
  const answered = props.data.items.filter((item) => values[item.key]?.score).length;

  const set = (key: string, field: 'score' | 'idealScore' | 'importance', value: number) => {
    setValues((previous) => ({ ...previous, [key]: { ...previous[key], [field]: value } }));
    setMissing((previous) => (field === 'score' ? previous.filter((k) => k !== key) : previous));
  };

  const body = (): AnswersBody => {
    const answers: Answer[] = props.data.items
      .filter((item) => {
        const v = values[item.key];
        return v && (v.score || v.idealScore || v.importance);
      })
      .map((item) => {
        const v = values[item.key]!;
        return {
          itemKey: item.key,
          ...(v.score ? { score: v.score } : {}),
          ...(v.idealScore ? { idealScore: v.idealScore } : {}),
          ...(v.importance ? { importance: v.importance } : {}),
        };
      });
    return { answers, ...(comment.trim() ? { comment: comment.trim() } : {}) };
  };

  const save = async () => {
    if (!props.onSave) return;
    setBusy('save');
    setError(null);
    try {
      await props.onSave(body());
      message.success(t('surveys.answer.savedForLater'));
    } catch (e) {
      setError(answerErrorText(t, e));
    } finally {
      setBusy(null);
    }
  };

  const submit = async () => {
    if (!props.onSubmit) return;
    const unanswered = props.data.items.filter((item) => !values[item.key]?.score).map((item) => item.key);
    if (unanswered.length) {
      // Every item needs an answer: the index compares like with like across respondents.
      setMissing(unanswered);
      setError(t('surveys.answer.missing', { count: unanswered.length }));
      document
        .querySelector(`[data-testid="survey-item-${CSS.escape(unanswered[0]!)}"]`)
        ?.scrollIntoView({ behavior: 'smooth', block: 'center' });
      return;
    }
    setBusy('submit');
    setError(null);
    try {
      await props.onSubmit(body());
      setDone(true);
      window.scrollTo({ top: 0 });
    } catch (e) {
      setError(answerErrorText(t, e));
    } finally {
      setBusy(null);
    }
  };

  if (done) {
    return (
      <Result
        status="success"
        icon={<CheckCircleOutlined />}
        title={t('surveys.answer.thanks')}
        subTitle={t('surveys.answer.thanksText')}
        data-testid="survey-thanks"
        extra={props.thanksExtra}
      />
    );
  }

  const intro = introOf(props.data, i18n.language);
  const likertOptions = (kind: 'likert' | 'importance', item?: QuestionItem) => {
    // An item with its own words for the scale (e.g. how often … : 从未 … 非常频繁), 5 first.
    const own = item
      ? en
        ? item.scaleLabelsEn || item.scaleLabelsZh
        : item.scaleLabelsZh || item.scaleLabelsEn
      : null;
    return LIKERT.map((score, i) => ({
      value: score,
      label: own?.length === 5 && own[i] ? own[i] : t(`surveys.${kind}.${score}`),
    }));
  };
  // Plain radios in bordered boxes: the whole box is the touch target and each option's
  // accessible name is its label (很满意 …).
  const optionStyle = (checked: boolean): React.CSSProperties => ({
    display: 'flex',
    alignItems: 'center',
    minHeight: 44,
    margin: 0,
    padding: '8px 10px',
    border: `1px solid ${checked ? '#1677ff' : '#d9d9d9'}`,
    borderRadius: 6,
    background: checked ? '#e6f4ff' : '#fff',
    whiteSpace: 'normal',
  });
  const choice = (
    item: QuestionItem,
    field: 'score' | 'idealScore' | 'importance',
    kind: 'likert' | 'importance',
    label: string,
  ) => {
    const value = values[item.key]?.[field];
    return (
      <Radio.Group
        aria-label={label}
        value={value}
        onChange={(e) => set(item.key, field, e.target.value as number)}
        disabled={props.readOnly}
        style={{
          display: 'grid',
          gridTemplateColumns: 'repeat(auto-fit, minmax(104px, 1fr))',
          gap: 8,
          width: '100%',
        }}
      >
        {likertOptions(kind, field === 'score' ? item : undefined).map((o) => (
          <Radio key={o.value} value={o.value} style={optionStyle(value === o.value)}>
            {o.label}
          </Radio>
        ))}
      </Radio.Group>
    );
  };

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="survey-form">
      {intro && (
        <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }} data-testid="survey-intro">
          {intro}
        </Typography.Paragraph>
      )}
      <div
        style={{
          position: 'sticky',
          top: 0,
          zIndex: 2,
          background: '#f5f7fa',
          padding: '8px 0',
        }}
      >
        <Typography.Text type="secondary" data-testid="survey-progress">
          {t('surveys.answer.progress', { answered, total })}
        </Typography.Text>
        <Progress percent={total ? Math.round((answered / total) * 100) : 0} showInfo={false} size="small" />
      </div>
      {groups.map((group) => (
        <Card
          key={group.dimension ?? 'other'}
          title={
            group.dimension
              ? t(`surveys.dimension.${group.dimension}`, { defaultValue: group.dimension })
              : t('surveys.answer.other')
          }
          size="small"
          styles={{ body: { padding: 12 } }}
        >
          <Space orientation="vertical" size={20} style={{ width: '100%' }}>
            {group.items.map((item) => {
              const name = en ? item.nameEn || item.nameZh : item.nameZh || item.nameEn;
              const question =
                (en ? item.questionEn || item.questionZh : item.questionZh || item.questionEn) || name;
              const isMissing = missing.includes(item.key);
              return (
                <div key={item.key}>
                  <div data-testid={`survey-item-${item.key}`}>
                    <Typography.Paragraph strong style={{ marginBottom: 8, fontSize: 15 }}>
                      {numbers.get(item.key)}. {question}
                    </Typography.Paragraph>
                    {choice(item, 'score', 'likert', question)}
                    {isMissing && (
                      <Typography.Text type="danger" style={{ display: 'block', marginTop: 4 }}>
                        {t('surveys.answer.pleaseAnswer')}
                      </Typography.Text>
                    )}
                  </div>
                  {item.askIdeal && (
                    <div data-testid={`survey-ideal-${item.key}`} style={{ marginTop: 10 }}>
                      <Typography.Text type="secondary" style={{ display: 'block', marginBottom: 6 }}>
                        {t('surveys.answer.idealQuestion')}
                      </Typography.Text>
                      {choice(item, 'idealScore', 'likert', `${t('surveys.answer.idealQuestion')} ${name}`)}
                    </div>
                  )}
                  {item.askImportance && (
                    <div data-testid={`survey-importance-${item.key}`} style={{ marginTop: 10 }}>
                      <Typography.Text type="secondary" style={{ display: 'block', marginBottom: 6 }}>
                        {t('surveys.answer.importanceQuestion')}
                      </Typography.Text>
                      {choice(
                        item,
                        'importance',
                        'importance',
                        `${t('surveys.answer.importanceQuestion')} ${name}`,
                      )}
                    </div>
                  )}
                </div>
              );
            })}
          </Space>
        </Card>
      ))}
      <Card size="small" title={t('surveys.answer.comment')}>
        <Input.TextArea
          rows={4}
          maxLength={4000}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          disabled={props.readOnly}
          placeholder={t('surveys.answer.commentPlaceholder')}
          aria-label={t('surveys.answer.comment')}
          data-testid="survey-comment"
        />
      </Card>
      {error && <Alert type="error" showIcon title={error} data-testid="survey-error" />}
      {!props.readOnly && (
        <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 12 }}>
          <Button
            size="large"
            icon={<SaveOutlined />}
            onClick={save}
            loading={busy === 'save'}
            disabled={busy === 'submit'}
            data-testid="survey-save"
          >
            {t('surveys.answer.save')}
          </Button>
          <Button
            size="large"
            type="primary"
            icon={<SendOutlined />}
            onClick={submit}
            loading={busy === 'submit'}
            disabled={busy === 'save'}
            data-testid="survey-submit"
          >
            {t('surveys.answer.submit')}
          </Button>
        </div>
      )}
    </Space>
  );
}
