import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Col, Form, Input, Row, Select } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { desk, type Ticket } from '../../components/desk/deskApi';
import { CUSTOMER_REACTIONS, ROOT_CAUSES } from '../../components/desk/deskEnums';
import { DepartmentSelect, UserSelect } from '../../components/selects';
import { applyFieldErrors } from '../../lib/forms';

const CARD_FIELDS = [
  'rootCause',
  'responsibleDepartmentId',
  'responsibleUserId',
  'responsiblePerson',
  'measures',
  'result',
  'customerReaction',
  'verification',
] as const;
type CardForm = Partial<Record<(typeof CARD_FIELDS)[number], string | null>>;

function cardOf(ticket: Ticket): CardForm {
  return Object.fromEntries(
    CARD_FIELDS.map((f) => [f, (ticket as unknown as Record<string, string | null>)[f] ?? null]),
  );
}

/** 投诉处理卡: root cause, who is responsible, measures, result, the customer's reaction, verification. */
export function ComplaintCardForm({ ticket, editable }: { ticket: Ticket; editable: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<CardForm>();
  const [conflict, setConflict] = useState(false);
  // The version the form was loaded from: a save sends it as If-Match.
  const [baseVersion, setBaseVersion] = useState(ticket.version);

  // biome-ignore lint/correctness/useExhaustiveDependencies: reload the form only when another version arrives
  useEffect(() => {
    if (conflict) return;
    form.setFieldsValue(cardOf(ticket));
    setBaseVersion(ticket.version);
  }, [ticket.id, ticket.version]);

  const save = useMutation({
    mutationFn: (values: CardForm) => {
      const body = Object.fromEntries(
        CARD_FIELDS.map((f) => {
          const v = values[f];
          return [f, typeof v === 'string' ? (v.trim() ? v.trim() : null) : (v ?? null)];
        }),
      );
      return desk.patch<Ticket>(`/api/tickets/${ticket.id}`, body, baseVersion);
    },
    onSuccess: (updated) => {
      message.success(t('desk.card.saved'));
      setConflict(false);
      queryClient.setQueryData(['desk', 'ticket', ticket.id], updated);
      void queryClient.invalidateQueries({ queryKey: ['desk', 'ticket', ticket.id] });
    },
    onError: (error) => {
      if (error instanceof ApiError && (error.status === 409 || error.status === 412)) {
        setConflict(true);
        void queryClient.invalidateQueries({ queryKey: ['desk', 'ticket', ticket.id] });
        return;
      }
      const rest = applyFieldErrors(form, error, t);
      if (rest.length) message.error(rest.join('；'));
    },
  });

  const loadLatest = () => {
    setConflict(false);
    form.setFieldsValue(cardOf(ticket));
    setBaseVersion(ticket.version);
  };

  return (
    <Form<CardForm>
      form={form}
      layout="vertical"
      disabled={!editable}
      onFinish={(values) => save.mutate(values)}
      data-testid="complaint-card"
    >
      {conflict && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('desk.card.conflictTitle')}
          description={t('desk.card.conflictText')}
          action={
            <Button size="small" onClick={loadLatest} disabled={false} data-testid="card-load-latest">
              {t('desk.card.loadLatest')}
            </Button>
          }
          data-testid="card-conflict"
        />
      )}
      <Row gutter={16}>
        <Col xs={24} md={8}>
          <Form.Item name="rootCause" label={t('desk.card.rootCause')}>
            <Select
              allowClear
              options={ROOT_CAUSES.map((v) => ({ value: v, label: t(`desk.enum.rootCause.${v}`) }))}
            />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name="responsibleDepartmentId" label={t('desk.card.responsibleDepartment')}>
            <DepartmentSelect />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name="responsibleUserId" label={t('desk.card.responsibleUser')}>
            <UserSelect allowClear roles={['agent', 'supervisor', 'operations', 'manager', 'admin']} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item
        name="responsiblePerson"
        label={t('desk.card.responsiblePerson')}
        extra={t('desk.card.responsiblePersonHint')}
      >
        <Input maxLength={200} />
      </Form.Item>
      <Form.Item name="measures" label={t('desk.card.measures')}>
        <Input.TextArea rows={3} maxLength={4000} />
      </Form.Item>
      <Form.Item name="result" label={t('desk.card.result')}>
        <Input.TextArea rows={3} maxLength={4000} />
      </Form.Item>
      <Row gutter={16}>
        <Col xs={24} md={8}>
          <Form.Item name="customerReaction" label={t('desk.card.customerReaction')}>
            <Select
              allowClear
              options={CUSTOMER_REACTIONS.map((v) => ({ value: v, label: t(`desk.enum.reaction.${v}`) }))}
            />
          </Form.Item>
        </Col>
        <Col xs={24} md={16}>
          <Form.Item name="verification" label={t('desk.card.verification')}>
            <Input.TextArea rows={2} maxLength={4000} />
          </Form.Item>
        </Col>
      </Row>
      {editable && (
        <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="card-save">
          {t('desk.card.save')}
        </Button>
      )}
    </Form>
  );
}
