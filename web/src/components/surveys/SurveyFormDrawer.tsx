import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Checkbox,
  DatePicker,
  Divider,
  Drawer,
  Form,
  type FormInstance,
  Input,
  InputNumber,
  Radio,
  Select,
  Skeleton,
} from 'antd';
import { useState } from 'react';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { newScope, idempotencyKey } from '../../api/client';
import { applyFieldErrors } from '../../lib/forms';
import { fromPicker, toPicker } from '../../lib/time';
import { DrawerFormActions } from '../DrawerFormActions';
import { SURVEY_TRIGGERS, type Survey, type SurveyBody, type SurveySegment, surveyApi } from './api';
import { cleanSegment, SegmentFields } from './SegmentFields';

interface FormValues {
  name: string;
  modelId: string;
  versionId?: string;
  trigger: SurveyBody['trigger'];
  segment?: SurveySegment;
  recurrenceMonths?: number | null;
  nextWaveAt?: Dayjs | null;
  askIdeal?: boolean;
  askImportance?: boolean;
  introZh?: string;
  introEn?: string;
  tokenTtlDays?: number;
  reminderDays?: (string | number)[];
  minDaysBetween?: number;
}

export function useModels() {
  return useQuery({ queryKey: ['satisfaction', 'models'], queryFn: surveyApi.models, staleTime: 60_000 });
}

/** Model name and version number for a version id, from the model list. */
export function useVersionLabel(): (versionId: string | null | undefined, survey?: Survey) => string {
  const { t } = useTranslation();
  const models = useModels();
  return (versionId, survey) => {
    if (survey?.modelName && survey.versionNumber)
      return `${survey.modelName} · ${t('surveys.field.versionLabel', { version: survey.versionNumber })}`;
    for (const model of models.data ?? []) {
      const version = (model.versions ?? []).find((v) => v.id === versionId);
      if (version) return `${model.name} · ${t('surveys.field.versionLabel', { version: version.version })}`;
      if (model.currentVersion?.id === versionId)
        return `${model.name} · ${t('surveys.field.versionLabel', { version: model.currentVersion.version })}`;
    }
    return '—';
  };
}

const trimmed = (v: string | undefined) => (v?.trim() ? v.trim() : null);

/**
 * 新建/编辑调查: the model and version the questionnaire comes from, how it is sent (after delivery,
 * after a complaint closes, periodic waves, manual), to whom, what else to ask, intro texts, link
 * lifetime and reminders. An active survey changes only what the contract allows.
 */
export function SurveyFormDrawer(props: {
  open: boolean;
  survey?: Survey | null;
  onClose: () => void;
  onSaved?: (survey: Survey) => void;
}) {
  const { t } = useTranslation();
  const models = useModels();
  const [form] = Form.useForm<FormValues>();
  const [saving, setSaving] = useState(false);
  const title = props.survey ? t('surveys.edit.title') : t('surveys.create.title');
  return (
    <Drawer
      title={title}
      open={props.open}
      onClose={props.onClose}
      size={640}
      destroyOnHidden
      extra={
        <DrawerFormActions
          onCancel={props.onClose}
          onSave={() => form.submit()}
          saving={saving}
          testId="survey-form-save"
        />
      }
    >
      {models.isLoading ? (
        <Skeleton active />
      ) : (
        <SurveyForm
          form={form}
          survey={props.survey ?? null}
          onClose={props.onClose}
          onSaved={props.onSaved}
          onSaving={setSaving}
        />
      )}
    </Drawer>
  );
}

function SurveyForm(props: {
  form: FormInstance<FormValues>;
  survey: Survey | null;
  onClose: () => void;
  onSaved?: (survey: Survey) => void;
  onSaving: (saving: boolean) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const models = useModels();
  const form = props.form;
  // Mounted afresh each time the drawer opens: a new idempotency scope per form.
  const [scope] = useState(newScope);
  const survey = props.survey;
  const draft = !survey || survey.status === 'draft';
  const fallback = (models.data ?? []).find((m) => m.isDefault) ?? models.data?.[0];
  const modelId = Form.useWatch('modelId', form) ?? survey?.modelId ?? fallback?.id;
  const trigger = Form.useWatch('trigger', form) ?? survey?.trigger ?? 'manual';
  const model = (models.data ?? []).find((m) => m.id === modelId);
  const versions = model?.versions?.length
    ? model.versions
    : model?.currentVersion
      ? [{ ...model.currentVersion, createdAt: '', changeNote: null }]
      : [];

  const initialValues: FormValues = survey
    ? {
        name: survey.name,
        modelId: survey.modelId,
        versionId: survey.versionId,
        trigger: survey.trigger,
        segment: survey.segment ?? {},
        recurrenceMonths: survey.recurrenceMonths,
        nextWaveAt: toPicker(survey.nextWaveAt) ?? null,
        askIdeal: survey.askIdeal,
        askImportance: survey.askImportance,
        introZh: survey.introZh ?? undefined,
        introEn: survey.introEn ?? undefined,
        tokenTtlDays: survey.tokenTtlDays,
        reminderDays: survey.reminderDays,
        minDaysBetween: survey.minDaysBetween,
      }
    : {
        name: '',
        modelId: fallback?.id ?? '',
        versionId: fallback?.currentVersion?.id,
        trigger: 'manual',
        segment: {},
        recurrenceMonths: 6,
        askIdeal: false,
        askImportance: false,
        tokenTtlDays: 30,
        reminderDays: [3, 7],
        minDaysBetween: 30,
      };

  const save = useMutation({
    mutationFn: (v: FormValues) => {
      const reminderDays = [...new Set((v.reminderDays ?? []).map(Number))]
        .filter((n) => Number.isInteger(n) && n > 0)
        .sort((a, b) => a - b);
      const common = {
        name: v.name.trim(),
        segment: cleanSegment(v.segment as Record<string, string[]>),
        recurrenceMonths: v.trigger === 'wave' ? (v.recurrenceMonths ?? null) : null,
        nextWaveAt: v.trigger === 'wave' && v.nextWaveAt ? fromPicker(v.nextWaveAt) : null,
        introZh: trimmed(v.introZh),
        introEn: trimmed(v.introEn),
        reminderDays,
      };
      if (survey && !draft) return surveyApi.update(survey.id, common);
      const body: SurveyBody = {
        ...common,
        modelId: v.modelId,
        ...(v.versionId ? { versionId: v.versionId } : {}),
        trigger: v.trigger,
        askIdeal: !!v.askIdeal,
        askImportance: !!v.askImportance,
        tokenTtlDays: v.tokenTtlDays ?? 30,
        minDaysBetween: v.minDaysBetween ?? 30,
      };
      return survey ? surveyApi.update(survey.id, body) : surveyApi.create(body, idempotencyKey(scope, body));
    },
    onMutate: () => props.onSaving(true),
    onSettled: () => props.onSaving(false),
    onSuccess: (saved) => {
      message.success(survey ? t('surveys.edit.saved') : t('surveys.create.created'));
      void queryClient.invalidateQueries({ queryKey: ['surveys'] });
      props.onClose();
      props.onSaved?.(saved);
    },
    onError: (error) => {
      const rest = applyFieldErrors(form, error, t);
      if (rest.length) message.error(rest.join('；'));
    },
  });

  const required = [{ required: true, message: t('validation.required') }];
  // The form takes its starting values when it mounts: a new survey waits for the models, or it
  // would start without the default model (and, saved quickly, fail "required").
  if (!survey && models.isLoading) return <Skeleton active />;
  return (
    <>
      {survey && !draft && (
        <Alert type="info" showIcon title={t('surveys.edit.activeHint')} style={{ marginBottom: 16 }} />
      )}
      <Form<FormValues>
        form={form}
        layout="vertical"
        initialValues={initialValues}
        onFinish={(v) => save.mutate(v)}
        onValuesChange={(changed) => {
          // A different model: its current version, unless the user picks another.
          if (changed.modelId) {
            const next = (models.data ?? []).find((m) => m.id === changed.modelId);
            form.setFieldValue('versionId', next?.currentVersion?.id);
          }
        }}
        data-testid="survey-form"
      >
        <Form.Item name="name" label={t('surveys.field.name')} rules={[{ ...required[0], whitespace: true }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="modelId" label={t('surveys.field.model')} rules={required}>
          <Select
            disabled={!draft}
            options={(models.data ?? []).map((m) => ({ value: m.id, label: m.name }))}
            data-testid="survey-form-model"
          />
        </Form.Item>
        <Form.Item name="versionId" label={t('surveys.field.version')}>
          <Select
            disabled={!draft}
            allowClear
            placeholder={t('surveys.field.currentVersion')}
            options={versions.map((v) => ({
              value: v.id,
              label: t('surveys.field.versionLabel', { version: v.version }),
            }))}
          />
        </Form.Item>
        <Form.Item name="trigger" label={t('surveys.field.trigger')} rules={required}>
          <Radio.Group
            disabled={!draft}
            optionType="button"
            buttonStyle="solid"
            options={SURVEY_TRIGGERS.map((v) => ({ value: v, label: t(`surveys.trigger.${v}`) }))}
          />
        </Form.Item>
        {trigger === 'wave' && (
          <Form.Item
            name="recurrenceMonths"
            label={t('surveys.field.recurrenceMonths')}
            extra={t('surveys.help.recurrenceMonths')}
            rules={[{ required: true, message: t('surveys.create.recurrenceRequired') }]}
          >
            <InputNumber min={1} max={60} precision={0} style={{ width: 160 }} />
          </Form.Item>
        )}
        {trigger === 'wave' && (
          <Form.Item
            name="nextWaveAt"
            label={t('surveys.field.nextWaveAtInput')}
            extra={t('surveys.help.nextWaveAt')}
          >
            <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
          </Form.Item>
        )}
        {(trigger === 'after_delivery' || trigger === 'after_complaint') && (
          <Form.Item
            name="minDaysBetween"
            label={t('surveys.field.minDaysBetween')}
            extra={t('surveys.help.minDaysBetween')}
          >
            <InputNumber min={0} max={365} precision={0} style={{ width: 160 }} disabled={!draft} />
          </Form.Item>
        )}
        <Divider titlePlacement="start" plain>
          {t('surveys.field.segment')}
        </Divider>
        <div style={{ color: 'rgba(0,0,0,0.45)', marginBottom: 12 }}>{t('surveys.help.segment')}</div>
        <SegmentFields prefix={['segment']} />
        <Divider />
        <Form.Item name="askIdeal" valuePropName="checked" style={{ marginBottom: 8 }}>
          <Checkbox disabled={!draft}>{t('surveys.field.askIdeal')}</Checkbox>
        </Form.Item>
        <Form.Item name="askImportance" valuePropName="checked">
          <Checkbox disabled={!draft}>{t('surveys.field.askImportance')}</Checkbox>
        </Form.Item>
        <Form.Item name="introZh" label={t('surveys.field.introZh')}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Form.Item name="introEn" label={t('surveys.field.introEn')}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Form.Item name="tokenTtlDays" label={t('surveys.field.tokenTtlDays')}>
          <InputNumber min={1} max={365} precision={0} style={{ width: 160 }} disabled={!draft} />
        </Form.Item>
        <Form.Item
          name="reminderDays"
          label={t('surveys.field.reminderDays')}
          extra={t('surveys.help.reminderDays')}
        >
          <Select mode="tags" tokenSeparators={[',', '，', ' ']} open={false} suffixIcon={null} />
        </Form.Item>
      </Form>
    </>
  );
}
