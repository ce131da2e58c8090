import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Card, Descriptions, Result, Select, Skeleton, Space, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import { PageHeader } from '../../../components/PageHeader';
import {
  canEditModels,
  type ModelNode,
  modelKeys,
  modelsApi,
  type SatisfactionModel,
  useModel,
} from '../../../components/satmodels/api';
import { ModelTreeTable } from '../../../components/satmodels/ModelTreeTable';
import { type NodeEdit, NodeDrawer } from '../../../components/satmodels/NodeDrawer';
import { childrenOf, isLeaf, subtreeKeys } from '../../../components/satmodels/tree';
import { WeightsPanel, type WeightsTab } from '../../../components/satmodels/WeightsPanel';
import { useMe } from '../../../lib/auth';
import { errorText } from '../../../lib/forms';
import { formatDate, formatDateTime } from '../../../lib/time';

/**
 * 测评指标体系 editor: the tree with weights (own and global), the leaves' questions, editing in a
 * drawer; saving a version that already has answers creates the next version (the answers keep
 * theirs); older versions can be viewed read-only; the weights of a node's children are set
 * directly, by AHP or by PLS.
 */
export function ModelEditorPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const me = useMe();
  const model = useModel(id);
  const [viewVersionId, setViewVersionId] = useState<string | null>(null);
  const [nodeEdit, setNodeEdit] = useState<NodeEdit | null>(null);
  const [notice, setNotice] = useState<{ version: number; newVersion: boolean } | null>(null);
  const [parentKey, setParentKey] = useState<string>('');
  const [tab, setTab] = useState<WeightsTab>('direct');

  const current = model.data?.currentVersion ?? null;
  const viewingOlder = !!viewVersionId && viewVersionId !== current?.id;
  const older = useQuery({
    queryKey: modelKeys.version(id, viewVersionId ?? ''),
    queryFn: () => modelsApi.version(id, viewVersionId ?? ''),
    enabled: viewingOlder,
  });
  const shown = viewingOlder ? older.data : current;
  const nodes = useMemo(() => shown?.nodes ?? [], [shown]);
  const editable = canEditModels(me.role) && !viewingOlder && model.data?.status === 'active';
  const root = nodes.find((node) => node.parentKey === null);

  /** Tells whether the save wrote a new version (the old one had answers) or changed this one. */
  const onSaved = (saved: SatisfactionModel, previousVersion: number | undefined) => {
    const version = saved.currentVersion?.version ?? 0;
    const newVersion = previousVersion !== undefined && version !== previousVersion;
    setNotice({ version, newVersion });
    setViewVersionId(null);
    message.success(newVersion ? t('satModels.editor.savedAsVersion', { version }) : t('common.saved'));
  };

  const saveNodes = useMutation({
    mutationFn: (change: { nodes: ModelNode[]; note: string }) =>
      modelsApi.update(id, { nodes: change.nodes, changeNote: change.note }),
    onSuccess: (saved) => {
      const previous = current?.version;
      queryClient.setQueryData(modelKeys.one(id), saved);
      void queryClient.invalidateQueries({ queryKey: modelKeys.all });
      setNodeEdit(null);
      onSaved(saved, previous);
    },
    onError: (error) => message.error(errorText(t, error)),
  });

  /** Applies the drawer's node to the tree; a new child takes an equal share from its siblings. */
  const saveNode = (node: ModelNode) => {
    if (!nodeEdit) return;
    if (nodeEdit.mode === 'edit') {
      const next = nodes.map((existing) => (existing.key === node.key ? node : existing));
      saveNodes.mutate({ nodes: next, note: t('satModels.editor.noteEdited', { name: node.nameZh }) });
      return;
    }
    const siblings = childrenOf(nodes, nodeEdit.parent.key);
    const share = 1 / (siblings.length + 1);
    const next: ModelNode[] = nodes.map((existing) => {
      if (existing.parentKey === nodeEdit.parent.key)
        return { ...existing, weight: existing.weight * (1 - share) };
      if (existing.key === nodeEdit.parent.key) {
        // A leaf that gets children is no longer a question; its children's weights are entered directly.
        const {
          questionZh: _qz,
          questionEn: _qe,
          reverse: _r,
          serviceElement: _s,
          statedImportance: _i,
          ...inner
        } = existing;
        return { ...inner, childWeightMethod: 'direct' };
      }
      return existing;
    });
    const index = next.findLastIndex((existing) => subtreeKeys(nodes, nodeEdit.parent.key).has(existing.key));
    next.splice(index + 1, 0, { ...node, weight: siblings.length ? share : 1 });
    saveNodes.mutate({ nodes: next, note: t('satModels.editor.noteAdded', { name: node.nameZh }) });
  };

  const removeNode = (node: ModelNode) => {
    const siblings = childrenOf(nodes, node.parentKey ?? '').filter((sibling) => sibling.key !== node.key);
    if (!siblings.length) {
      message.warning(t('satModels.editor.lastChild'));
      return;
    }
    const removed = subtreeKeys(nodes, node.key);
    const rest = siblings.reduce((sum, sibling) => sum + sibling.weight, 0);
    const next = nodes
      .filter((existing) => !removed.has(existing.key))
      .map((existing) =>
        existing.parentKey === node.parentKey
          ? { ...existing, weight: rest > 0 ? existing.weight / rest : 1 / siblings.length }
          : existing,
      );
    saveNodes.mutate({ nodes: next, note: t('satModels.editor.noteRemoved', { name: node.nameZh }) });
  };

  const openWeights = (node: ModelNode) => {
    setParentKey(node.key);
    document.getElementById('model-weights')?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  };

  if (model.isLoading) return <Skeleton active />;
  if (model.error || !model.data) {
    return <Result status="warning" title={errorText(t, model.error ?? new Error(t('errors.404')))} />;
  }
  const data = model.data;

  return (
    <>
      <PageHeader
        title={data.name}
        documentTitle={data.name}
        crumbs={[
          { title: t('satisfaction.menu.group') },
          { title: t('satisfaction.menu.models'), to: '/satisfaction/models' },
          { title: data.name },
        ]}
        tags={
          <Space size={4}>
            {data.isDefault && <Tag color="gold">{t('satModels.list.default')}</Tag>}
            <Tag color={data.status === 'active' ? 'green' : 'default'}>
              {t(`satModels.status.${data.status}`)}
            </Tag>
          </Space>
        }
        subTitle={data.description}
        extra={
          <Space>
            <Typography.Text type="secondary">{t('satModels.editor.version')}</Typography.Text>
            <Select
              style={{ width: 320 }}
              data-testid="model-version-select"
              aria-label={t('satModels.editor.version')}
              value={viewVersionId ?? current?.id}
              onChange={(value) => {
                setNotice(null);
                setViewVersionId(value === current?.id ? null : value);
              }}
              options={[...data.versions]
                .sort((a, b) => b.version - a.version)
                .map((version) => ({
                  value: version.id,
                  label: t('satModels.editor.versionOption', {
                    version: version.version,
                    date: formatDate(version.createdAt),
                    answers: version.answerCount,
                  }),
                }))}
            />
          </Space>
        }
      />
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        {notice && (
          <Alert
            type={notice.newVersion ? 'info' : 'success'}
            showIcon
            closable
            onClose={() => setNotice(null)}
            data-testid="model-saved"
            title={
              notice.newVersion
                ? t('satModels.editor.savedAsVersionLong', { version: notice.version })
                : t('satModels.editor.savedInPlace', { version: notice.version })
            }
          />
        )}
        {viewingOlder && (
          <Alert
            type="warning"
            showIcon
            data-testid="model-older-version"
            title={t('satModels.editor.olderVersion')}
          />
        )}
        {!canEditModels(me.role) && <Alert type="info" showIcon title={t('satModels.editor.readOnly')} />}
        <Card
          title={t('satModels.editor.tree')}
          loading={viewingOlder && older.isLoading}
          extra={
            shown && (
              <Descriptions size="small" column={3}>
                <Descriptions.Item label={t('satModels.editor.versionShort')}>
                  <span data-testid="model-version">{shown.version}</span>
                </Descriptions.Item>
                <Descriptions.Item label={t('satModels.list.answers')}>{shown.answerCount}</Descriptions.Item>
                <Descriptions.Item label={t('satModels.editor.createdAt')}>
                  {formatDateTime(shown.createdAt)}
                </Descriptions.Item>
              </Descriptions>
            )
          }
        >
          {shown?.changeNote && (
            <Typography.Paragraph type="secondary">
              {t('satModels.editor.changeNote')}: {shown.changeNote}
            </Typography.Paragraph>
          )}
          <ModelTreeTable
            key={shown?.id}
            nodes={nodes}
            editable={editable}
            onEdit={(node) => setNodeEdit({ mode: 'edit', node, leaf: isLeaf(nodes, node.key) })}
            onAdd={(parent) => setNodeEdit({ mode: 'add', parent })}
            onRemove={removeNode}
            onWeights={viewingOlder ? undefined : openWeights}
          />
        </Card>
        {!viewingOlder && current && root && (
          <div id="model-weights">
            <WeightsPanel
              modelId={id}
              nodes={nodes}
              versionId={current.id}
              currentVersion={current.version}
              parentKey={parentKey || root.key}
              onParentKey={setParentKey}
              tab={tab}
              onTab={setTab}
              editable={editable}
              onSaved={onSaved}
            />
          </div>
        )}
      </Space>
      <NodeDrawer
        edit={nodeEdit}
        existingKeys={new Set(nodes.map((node) => node.key))}
        saving={saveNodes.isPending}
        onClose={() => setNodeEdit(null)}
        onSave={saveNode}
      />
    </>
  );
}
