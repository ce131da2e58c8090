import { PlusOutlined } from '@ant-design/icons';
import { useQueries, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Card, Checkbox, Empty, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { api, unwrap } from '../../api/client';
import { PageHeader } from '../../components/PageHeader';
import { ActionDetailDrawer } from '../../components/correctiveactions/ActionDetailDrawer';
import {
  ACTION_STATUSES,
  type ActionStatus,
  type CorrectiveAction,
  formatFigure,
  useSuggestions,
} from '../../components/correctiveactions/api';
import { type ActionPreset, CreateActionDrawer } from '../../components/correctiveactions/CreateActionDrawer';
import { SuggestionsPanel } from '../../components/correctiveactions/SuggestionsPanel';
import { DepartmentSelect, UserSelect } from '../../components/selects';
import { useMe } from '../../lib/auth';
import { formatDate } from '../../lib/time';

const COLUMN_LIMIT = 100;
const LINK_KEYS = ['from', 'alertId', 'responseId', 'itemKey', 'modelId'];

function presetFromLink(params: URLSearchParams, canCreate: boolean): ActionPreset | null {
  if (!canCreate) return null;
  const itemKey = params.get('itemKey');
  if (params.get('alertId')) return { source: 'alert', alertId: params.get('alertId'), itemKey };
  if (params.get('responseId')) return { source: 'answer', responseId: params.get('responseId'), itemKey };
  // The dashboard's item table links an element: ?itemKey=…&modelId=…
  if (itemKey && !params.get('action')) return { source: 'element', itemKey, modelId: params.get('modelId') };
  return null;
}

function ActionCard({ action, onOpen }: { action: CorrectiveAction; onOpen: () => void }) {
  const { t, i18n } = useTranslation();
  const item = i18n.language === 'en' ? action.itemNameEn : action.itemNameZh;
  const unit = action.measure === 'complaints' ? t('actions.perNinetyDaysShort') : '';
  return (
    <Card
      size="small"
      hoverable
      onClick={onOpen}
      data-testid="action-card"
      data-action-id={action.id}
      style={{ marginBottom: 8, borderColor: action.overdue ? '#ff7875' : undefined }}
    >
      <Space direction="vertical" size={2} style={{ width: '100%' }}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {action.number}
        </Typography.Text>
        <Typography.Text strong ellipsis={{ tooltip: action.title }}>
          {action.title}
        </Typography.Text>
        {(item || action.customerName) && (
          <Typography.Text style={{ fontSize: 12 }}>
            {[item, action.customerName].filter(Boolean).join(' · ')}
          </Typography.Text>
        )}
        <Typography.Text style={{ fontSize: 12 }}>
          {action.ownerName ?? '—'} ·{' '}
          <Typography.Text
            type={action.overdue ? 'danger' : 'secondary'}
            style={{ fontSize: 12 }}
            data-testid={action.overdue ? 'action-overdue' : undefined}
          >
            {formatDate(action.dueAt)}
            {action.overdue ? ` ${t('actions.overdue')}` : ''}
          </Typography.Text>
        </Typography.Text>
        <Typography.Text style={{ fontSize: 12 }} data-testid="action-scores">
          {formatFigure(action.beforeScore)} → {formatFigure(action.afterScore)} {unit}
        </Typography.Text>
      </Space>
    </Card>
  );
}

/** 整改看板: corrective actions by status, with suggestions to act on, creation, verification. */
export function CorrectiveActionBoardPage() {
  const { t } = useTranslation();
  const me = useMe();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const [ownerId, setOwnerId] = useState<string | undefined>();
  const [departmentId, setDepartmentId] = useState<string | null>(null);
  const [overdue, setOverdue] = useState(false);
  const [showCancelled, setShowCancelled] = useState(false);
  const canCreate = ['supervisor', 'manager', 'admin'].includes(me.role);
  // Other pages open the create drawer by link: ?alertId=…, ?responseId=…[&itemKey=…], ?itemKey=…&modelId=….
  const [preset, setPreset] = useState<ActionPreset | null>(() => presetFromLink(params, canCreate));
  const suggestions = useSuggestions();
  const openId = params.get('action');

  const statuses = ACTION_STATUSES.filter((s) => showCancelled || s !== 'cancelled');
  const columns = useQueries({
    queries: statuses.map((status) => ({
      queryKey: ['correctiveActions', 'board', status, ownerId, departmentId, overdue],
      queryFn: () =>
        unwrap(
          api.GET('/api/corrective-actions', {
            params: {
              query: {
                status,
                ownerId,
                departmentId: departmentId ?? undefined,
                overdue: overdue ? true : undefined,
                limit: COLUMN_LIMIT,
              },
            },
          }),
        ),
    })),
  });

  const refresh = () => queryClient.invalidateQueries({ queryKey: ['correctiveActions'] });
  const open = (id: string | null) => {
    const next = new URLSearchParams(params);
    for (const key of LINK_KEYS) next.delete(key);
    if (id) next.set('action', id);
    else next.delete('action');
    setParams(next, { replace: true });
  };

  return (
    <>
      <PageHeader
        title={t('actions.title')}
        crumbs={[{ title: t('satisfaction.menu.actions') }]}
        subTitle={t('actions.subtitle')}
        extra={
          canCreate && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setPreset({ source: 'element' })}
              data-testid="action-create"
            >
              {t('actions.create')}
            </Button>
          )
        }
      />
      <Space direction="vertical" size={16} style={{ width: '100%' }}>
        <SuggestionsPanel canCreate={canCreate} onCreate={setPreset} />
        <Card size="small">
          <Space wrap>
            <UserSelect
              allowClear
              value={ownerId}
              onChange={(value) => setOwnerId(value ?? undefined)}
              placeholder={t('actions.filter.owner')}
              style={{ width: 200 }}
              data-testid="action-filter-owner"
            />
            <DepartmentSelect
              allowClear
              value={departmentId}
              onChange={setDepartmentId}
              placeholder={t('actions.filter.department')}
              style={{ width: 220 }}
            />
            <Checkbox
              checked={overdue}
              onChange={(e) => setOverdue(e.target.checked)}
              data-testid="action-filter-overdue"
            >
              {t('actions.filter.overdue')}
            </Checkbox>
            <Checkbox checked={showCancelled} onChange={(e) => setShowCancelled(e.target.checked)}>
              {t('actions.filter.showCancelled')}
            </Checkbox>
          </Space>
        </Card>
        <div style={{ display: 'flex', gap: 12, overflowX: 'auto', alignItems: 'flex-start' }}>
          {statuses.map((status: ActionStatus, index) => {
            const column = columns[index];
            const items = column.data?.items ?? [];
            return (
              <Card
                key={status}
                size="small"
                loading={column.isLoading}
                data-testid={`action-column-${status}`}
                style={{ minWidth: 240, flex: '1 0 240px', background: '#fafafa' }}
                title={
                  <Space>
                    {t(`actions.status.${status}`)}
                    <Badge
                      count={column.data?.nextCursor ? `${items.length}+` : items.length}
                      showZero
                      color="#8c8c8c"
                    />
                  </Space>
                }
              >
                {items.length ? (
                  items.map((action) => (
                    <ActionCard key={action.id} action={action} onOpen={() => open(action.id)} />
                  ))
                ) : (
                  <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('actions.emptyColumn')} />
                )}
              </Card>
            );
          })}
        </div>
      </Space>
      <CreateActionDrawer
        preset={preset}
        modelId={suggestions.data?.modelId ?? null}
        onClose={() => {
          setPreset(null);
          open(params.get('action'));
        }}
        onSaved={(action) => {
          setPreset(null);
          void refresh();
          open(action.id);
        }}
      />
      <ActionDetailDrawer actionId={openId} onClose={() => open(null)} onChanged={() => void refresh()} />
    </>
  );
}
