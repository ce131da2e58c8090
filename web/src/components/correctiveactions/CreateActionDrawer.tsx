import { useMutation } from '@tanstack/react-query';
import { Alert, App, Col, DatePicker, Drawer, Form, Input, Row, Select } from 'antd';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { useMe } from '../../lib/auth';
import { applyFieldErrors } from '../../lib/forms';
import { dayjs, fromPicker } from '../../lib/time';
import { DrawerFormActions } from '../DrawerFormActions';
import { DepartmentSelect, UserSelect } from '../selects';
import { type CorrectiveAction, useModelItems } from './api';

/** What a suggestion (or the board's button) fills in. */
export interface ActionPreset {
  source: 'element' | 'complaints' | 'manual' | 'answer' | 'alert';
  /** A dissatisfied answer or a satisfaction alert the action answers (the server derives customer and model). */
  responseId?: string | null;
  alertId?: string | null;
  modelId?: string | null;
  itemKey?: string | null;
  ticketIds?: string[];
  customerId?: string | null;
  /** Shown above the form: what the action is about (customer, category, count). */
  context?: string;
  title?: string;
  problem?: string;
}

interface ActionForm {
  source: 'element' | 'manual';
  itemKey?: string | null;
  title: string;
  ownerId: string;
  departmentId?: string | null;
  dueAt: Dayjs;
  problem?: string;
  measures: string;
}

/** Open a corrective action (整改措施): the element or complaints it answers, owner, department, due date, measures. */
export function CreateActionDrawer(props: {
  preset: ActionPreset | null;
  modelId: string | null;
  onClose: () => void;
  onSaved: (action: CorrectiveAction) => void;
}) {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const { message } = App.useApp();
  const [form] = Form.useForm<ActionForm>();
  const preset = props.preset;
  const modelId = preset?.modelId ?? props.modelId;
  const items = useModelItems(modelId);
  const source = Form.useWatch('source', form) ?? (preset?.source === 'manual' ? 'manual' : 'element');
  const complaints = preset?.source === 'complaints';
  /** Sources fixed by where the action came from: no source choice, the item optional. */
  const fixed = preset?.source === 'answer' || preset?.source === 'alert' ? preset.source : null;

  const save = useMutation({
    mutationFn: (values: ActionForm) =>
      unwrap(
        api.POST('/api/corrective-actions', {
          body: {
            title: values.title.trim(),
            source: complaints ? 'complaints' : (fixed ?? values.source),
            modelId: complaints || fixed ? null : values.itemKey ? modelId : null,
            itemKey: complaints ? null : (values.itemKey ?? null),
            ticketIds: complaints ? preset?.ticketIds : undefined,
            responseId: fixed === 'answer' ? (preset?.responseId ?? null) : null,
            alertId: fixed === 'alert' ? (preset?.alertId ?? null) : null,
            customerId: preset?.customerId ?? null,
            ownerId: values.ownerId,
            departmentId: values.departmentId ?? null,
            dueAt: fromPicker(values.dueAt),
            problem: values.problem?.trim() || null,
            measures: values.measures.trim(),
          },
        }),
      ),
    onSuccess: (action) => {
      message.success(t('actions.created', { number: action.number }));
      props.onSaved(action);
    },
    onError: (error) => {
      for (const text of applyFieldErrors(form, error, t)) message.error(text);
    },
  });

  const itemName = (item: { nameZh: string; nameEn: string }) =>
    i18n.language === 'en' ? item.nameEn : item.nameZh;

  return (
    <Drawer
      open={!!preset}
      width={620}
      title={t('actions.create')}
      onClose={props.onClose}
      destroyOnHidden
      extra={
        <DrawerFormActions
          onCancel={props.onClose}
          onSave={() => form.submit()}
          saving={save.isPending}
          testId="action-save"
        />
      }
    >
      {preset && (
        <Form<ActionForm>
          form={form}
          layout="vertical"
          onFinish={(values) => save.mutate(values)}
          initialValues={{
            source: preset.source === 'manual' ? 'manual' : 'element',
            itemKey: preset.itemKey ?? undefined,
            title: preset.title ?? '',
            ownerId: me.id,
            dueAt: dayjs().add(30, 'day').hour(18).minute(0).second(0).millisecond(0),
            problem: preset.problem ?? '',
            measures: '',
          }}
        >
          {preset.context && (
            <Alert type="info" showIcon message={preset.context} style={{ marginBottom: 16 }} />
          )}
          {!complaints && (
            <Row gutter={12}>
              <Col span={10}>
                {fixed ? (
                  <Form.Item label={t('actions.field.source')}>
                    <Input value={t(`actions.source.${fixed}`)} disabled />
                  </Form.Item>
                ) : (
                  <Form.Item name="source" label={t('actions.field.source')}>
                    <Select
                      options={(['element', 'manual'] as const).map((s) => ({
                        value: s,
                        label: t(`actions.source.${s}`),
                      }))}
                    />
                  </Form.Item>
                )}
              </Col>
              <Col span={14}>
                <Form.Item
                  name="itemKey"
                  label={t('actions.field.item')}
                  extra={fixed ? t('actions.itemOptional') : undefined}
                  rules={
                    source === 'element' && !fixed
                      ? [{ required: true, message: t('actions.itemRequired') }]
                      : []
                  }
                >
                  <Select
                    allowClear
                    showSearch={{ optionFilterProp: 'label' }}
                    loading={items.isLoading}
                    data-testid="action-item"
                    options={(items.data ?? []).map((item) => ({ value: item.key, label: itemName(item) }))}
                  />
                </Form.Item>
              </Col>
            </Row>
          )}
          <Form.Item
            name="title"
            label={t('actions.field.title')}
            rules={[{ required: true, whitespace: true, message: t('actions.titleRequired') }]}
          >
            <Input maxLength={200} data-testid="action-title" />
          </Form.Item>
          <Row gutter={12}>
            <Col span={12}>
              <Form.Item
                name="ownerId"
                label={t('actions.field.owner')}
                rules={[{ required: true, message: t('actions.ownerRequired') }]}
              >
                <UserSelect roles={['agent', 'supervisor', 'operations', 'manager', 'admin']} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="departmentId" label={t('actions.field.department')}>
                <DepartmentSelect allowClear />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item
            name="dueAt"
            label={t('actions.field.dueAt')}
            rules={[{ required: true, message: t('actions.dueRequired') }]}
          >
            <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="problem" label={t('actions.field.problem')}>
            <Input.TextArea rows={3} maxLength={4000} placeholder={t('actions.problemPlaceholder')} />
          </Form.Item>
          <Form.Item
            name="measures"
            label={t('actions.field.measures')}
            rules={[{ required: true, whitespace: true, message: t('actions.measuresRequired') }]}
          >
            <Input.TextArea
              rows={4}
              maxLength={4000}
              placeholder={t('actions.measuresPlaceholder')}
              data-testid="action-measures"
            />
          </Form.Item>
        </Form>
      )}
    </Drawer>
  );
}
