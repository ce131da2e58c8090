import { DeleteOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Input,
  Popconfirm,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { errorText } from '../../lib/forms';
import { formatDateTime } from '../../lib/time';
import { useDebounced } from '../../lib/util';
import {
  type AhpJudgement,
  type AhpResult,
  type ModelNode,
  modelKeys,
  modelsApi,
  type SatisfactionModel,
} from './api';
import { useNodeName } from './ModelTreeTable';
import {
  formatPercent,
  identityJudgement,
  mostInconsistent,
  nearestSaaty,
  SAATY_VALUES,
  saatyLabel,
  withJudgement,
} from './tree';

const fixed3 = (value: number | null | undefined) =>
  value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(3);

/**
 * AHP 两两比较 for one node's children: the expert fills the upper triangle of the pairwise
 * matrix on Saaty's 1–9 scale (the lower triangle is the reciprocal); the priorities, λmax, CI and
 * CR are computed live by the server. Judgements of several experts are stored and combined by
 * their geometric mean; applying the combination sets the children's weights.
 */
export function AhpPanel(props: {
  modelId: string;
  parent: ModelNode;
  childNodes: ModelNode[];
  editable: boolean;
  currentVersion: number | undefined;
  onSaved: (model: SatisfactionModel, previousVersion: number | undefined) => void;
}) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const name = useNodeName();
  const n = props.childNodes.length;
  const [matrix, setMatrix] = useState<number[][]>(() => identityJudgement(n));
  const [expertName, setExpertName] = useState('');
  const live = useDebounced(matrix, 250);

  const evaluation = useQuery({
    queryKey: ['satModels', 'ahpEvaluate', JSON.stringify(live)],
    queryFn: () => modelsApi.evaluateAhp(live),
    placeholderData: keepPreviousData,
    retry: false,
  });
  const stored = useQuery({
    queryKey: modelKeys.ahp(props.modelId, props.parent.key),
    queryFn: () => modelsApi.ahp(props.modelId, props.parent.key),
  });
  const byKey = useMemo(
    () => new Map(props.childNodes.map((child) => [child.key, child])),
    [props.childNodes],
  );
  const result = evaluation.data;
  const hint = result && !result.consistent ? mostInconsistent(live, result.weights) : null;

  const refreshStored = () =>
    queryClient.invalidateQueries({ queryKey: modelKeys.ahp(props.modelId, props.parent.key) });

  const save = useMutation({
    mutationFn: (acceptInconsistent: boolean) =>
      modelsApi.saveJudgement(props.modelId, {
        parentKey: props.parent.key,
        expertName: expertName.trim(),
        childKeys: props.childNodes.map((child) => child.key),
        matrix,
        ...(acceptInconsistent ? { acceptInconsistent: true } : {}),
      }),
    onSuccess: (view) => {
      message.success(t('satModels.ahp.judgementSaved'));
      queryClient.setQueryData(modelKeys.ahp(props.modelId, props.parent.key), view);
      void refreshStored();
    },
    onError: (error) => message.error(errorText(t, error)),
  });

  const remove = useMutation({
    mutationFn: (judgementId: string) => modelsApi.deleteJudgement(props.modelId, judgementId),
    onSuccess: () => void refreshStored(),
    onError: (error) => message.error(errorText(t, error)),
  });

  const apply = useMutation({
    // An inconsistent combination is applied only after the confirmation said so.
    mutationFn: () =>
      modelsApi.applyAhp(props.modelId, props.parent.key, stored.data?.combined?.consistent === false),
    onSuccess: (model) => {
      queryClient.setQueryData(modelKeys.one(props.modelId), model);
      void queryClient.invalidateQueries({ queryKey: modelKeys.all });
      void refreshStored();
      props.onSaved(model, props.currentVersion);
    },
    onError: (error) => message.error(errorText(t, error)),
  });

  const submit = () => {
    if (!expertName.trim()) {
      message.warning(t('satModels.ahp.expertRequired'));
      return;
    }
    // Saving an inconsistent matrix is allowed only on purpose (the server rejects it otherwise).
    if (result && !result.consistent) {
      modal.confirm({
        title: t('satModels.ahp.saveInconsistentTitle'),
        content: t('satModels.ahp.saveInconsistentText', { cr: fixed3(result.cr) }),
        okText: t('satModels.ahp.saveAnyway'),
        cancelText: t('common.cancel'),
        onOk: () => save.mutateAsync(true),
      });
      return;
    }
    save.mutate(false);
  };

  /** Puts a stored judgement into the editor, by child key (the order may have changed). */
  const load = (judgement: AhpJudgement) => {
    const keys = judgement.stale ? judgement.childKeys : (stored.data?.childKeys ?? []);
    const index = props.childNodes.map((child) => keys.indexOf(child.key));
    if (index.some((i) => i < 0)) {
      message.warning(t('satModels.ahp.childrenChanged'));
      return;
    }
    let next = identityJudgement(n);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const value = judgement.matrix[index[i] ?? 0]?.[index[j] ?? 0] ?? 1;
        next = withJudgement(next, i, j, nearestSaaty(value));
      }
    }
    setMatrix(next);
    setExpertName(judgement.expertName);
  };

  const evaluationError =
    evaluation.error instanceof ApiError || evaluation.error instanceof Error
      ? errorText(t, evaluation.error)
      : null;

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Typography.Text type="secondary">{t('satModels.ahp.hint')}</Typography.Text>
      <div style={{ overflowX: 'auto' }}>
        <table className="ahp-matrix" data-testid="ahp-matrix" style={{ borderCollapse: 'collapse' }}>
          <thead>
            <tr>
              <th style={cellStyle} />
              {props.childNodes.map((child) => (
                <th key={child.key} style={{ ...cellStyle, fontWeight: 600 }}>
                  {name(child)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {props.childNodes.map((row, i) => (
              <tr key={row.key}>
                <th style={{ ...cellStyle, fontWeight: 600, textAlign: 'left' }}>{name(row)}</th>
                {props.childNodes.map((column, j) => (
                  <td key={column.key} style={cellStyle}>
                    {i === j ? (
                      <Typography.Text type="secondary">1</Typography.Text>
                    ) : i < j ? (
                      <Select<number>
                        size="small"
                        style={{ width: 76 }}
                        virtual={false}
                        listHeight={420}
                        disabled={!props.editable}
                        value={matrix[i]?.[j] ?? 1}
                        data-testid={`ahp-cell-${i}-${j}`}
                        aria-label={t('satModels.ahp.cellLabel', { a: name(row), b: name(column) })}
                        options={SAATY_VALUES.map((value) => ({ value, label: saatyLabel(value) }))}
                        onChange={(value) => setMatrix((old) => withJudgement(old, i, j, value))}
                      />
                    ) : (
                      <Typography.Text type="secondary" data-testid={`ahp-cell-${i}-${j}`}>
                        {saatyLabel(matrix[i]?.[j] ?? 1)}
                      </Typography.Text>
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('satModels.ahp.scale')}
      </Typography.Text>

      <Row gutter={16}>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('satModels.ahp.liveResult')} loading={!result && evaluation.isFetching}>
            {evaluationError && <Alert type="error" showIcon title={evaluationError} />}
            {result && (
              <>
                <ResultFigures result={result} testId="ahp-cr" />
                <WeightsTable
                  rows={props.childNodes.map((child, i) => ({
                    key: child.key,
                    name: name(child),
                    weight: result.weights[i],
                  }))}
                />
              </>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          {result &&
            (result.consistent ? (
              <Alert
                type="success"
                showIcon
                data-testid="ahp-consistent"
                title={t('satModels.ahp.consistent', { cr: fixed3(result.cr) })}
              />
            ) : (
              <Alert
                type="error"
                showIcon
                data-testid="ahp-warning"
                title={t('satModels.ahp.inconsistent', { cr: fixed3(result.cr) })}
                description={
                  hint
                    ? t('satModels.ahp.inconsistentHint', {
                        a: name(props.childNodes[hint.i]),
                        b: name(props.childNodes[hint.j]),
                        value: saatyLabel(hint.value),
                        implied: hint.implied.toFixed(2),
                      })
                    : undefined
                }
              />
            ))}
          {props.editable && (
            <Space wrap style={{ marginTop: 12 }}>
              <Input
                style={{ width: 220 }}
                placeholder={t('satModels.ahp.expertName')}
                aria-label={t('satModels.ahp.expertName')}
                value={expertName}
                maxLength={60}
                onChange={(event) => setExpertName(event.target.value)}
                data-testid="ahp-expert"
              />
              <Button onClick={submit} loading={save.isPending} data-testid="ahp-save">
                {t('satModels.ahp.saveJudgement')}
              </Button>
              <Button onClick={() => setMatrix(identityJudgement(n))}>{t('satModels.ahp.reset')}</Button>
            </Space>
          )}
        </Col>
      </Row>

      <Card
        size="small"
        title={t('satModels.ahp.experts')}
        extra={
          props.editable && (
            <Popconfirm
              title={
                stored.data?.combined?.consistent === false
                  ? t('satModels.ahp.applyInconsistentConfirm', { cr: fixed3(stored.data.combined.cr) })
                  : t('satModels.ahp.applyConfirm')
              }
              onConfirm={() => apply.mutate()}
              okText={t('satModels.ahp.apply')}
              cancelText={t('common.cancel')}
              disabled={!stored.data?.combined}
            >
              <Button
                type="primary"
                disabled={!stored.data?.combined}
                loading={apply.isPending}
                data-testid="ahp-apply"
              >
                {t('satModels.ahp.apply')}
              </Button>
            </Popconfirm>
          )
        }
      >
        <Table<AhpJudgement>
          rowKey="id"
          size="small"
          pagination={false}
          data-testid="ahp-judgements"
          loading={stored.isLoading}
          dataSource={stored.data?.judgements ?? []}
          locale={{ emptyText: <Empty description={t('satModels.ahp.noJudgements')} /> }}
          columns={[
            {
              title: t('satModels.ahp.expertName'),
              dataIndex: 'expertName',
              render: (expert: string, judgement) => (
                <Space size={4}>
                  {expert}
                  {judgement.stale && (
                    <Tooltip title={t('satModels.ahp.staleHint')}>
                      <Tag>{t('satModels.ahp.stale')}</Tag>
                    </Tooltip>
                  )}
                </Space>
              ),
            },
            {
              title: 'CR',
              dataIndex: 'cr',
              width: 110,
              render: (cr: number | null) =>
                cr === null ? '—' : <Tag color={cr < 0.1 ? 'green' : 'red'}>{fixed3(cr)}</Tag>,
            },
            {
              title: t('satModels.ahp.savedAt'),
              dataIndex: 'createdAt',
              width: 170,
              render: (value: string) => formatDateTime(value),
            },
            {
              title: t('common.actions'),
              key: 'actions',
              width: 130,
              render: (_: unknown, judgement) => (
                <Space size={0}>
                  <Button size="small" type="link" onClick={() => load(judgement)}>
                    {t('satModels.ahp.load')}
                  </Button>
                  {props.editable && (
                    <Popconfirm
                      title={t('satModels.ahp.deleteConfirm')}
                      onConfirm={() => remove.mutate(judgement.id)}
                      okText={t('common.remove')}
                      cancelText={t('common.cancel')}
                    >
                      <Button
                        size="small"
                        type="text"
                        danger
                        icon={<DeleteOutlined />}
                        aria-label={t('common.remove')}
                      />
                    </Popconfirm>
                  )}
                </Space>
              ),
            },
          ]}
        />
        {stored.data?.warning && (
          <Alert type="warning" showIcon title={stored.data.warning} style={{ marginTop: 12 }} />
        )}
        {stored.data?.combined && (
          <div style={{ marginTop: 12 }} data-testid="ahp-combined">
            <Typography.Title level={5}>
              {t('satModels.ahp.combined', { count: stored.data.judgements.length })}
            </Typography.Title>
            <ResultFigures result={stored.data.combined} testId="ahp-combined-cr" />
            <WeightsTable
              rows={stored.data.childKeys.map((key, i) => ({
                key,
                name: name(byKey.get(key)) || key,
                weight: stored.data?.combined?.weights[i],
              }))}
            />
          </div>
        )}
      </Card>
    </Space>
  );
}

const cellStyle = { border: '1px solid #f0f0f0', padding: '4px 8px', textAlign: 'center' as const };

function ResultFigures({ result, testId }: { result: AhpResult; testId: string }) {
  return (
    <Descriptions size="small" column={4} style={{ marginBottom: 8 }}>
      <Descriptions.Item label="λmax">{fixed3(result.lambdaMax)}</Descriptions.Item>
      <Descriptions.Item label="CI">{fixed3(result.ci)}</Descriptions.Item>
      <Descriptions.Item label="RI">{fixed3(result.ri)}</Descriptions.Item>
      <Descriptions.Item label="CR">
        <Typography.Text type={result.consistent ? undefined : 'danger'} strong data-testid={testId}>
          {fixed3(result.cr)}
        </Typography.Text>
      </Descriptions.Item>
    </Descriptions>
  );
}

function WeightsTable({ rows }: { rows: { key: string; name: string; weight: number | undefined }[] }) {
  const { t } = useTranslation();
  return (
    <Table
      rowKey="key"
      size="small"
      pagination={false}
      dataSource={rows}
      columns={[
        { title: t('satModels.tree.name'), dataIndex: 'name' },
        {
          title: t('satModels.tree.weight'),
          dataIndex: 'weight',
          width: 110,
          align: 'right',
          render: (weight: number | undefined) => formatPercent(weight),
        },
      ]}
    />
  );
}
