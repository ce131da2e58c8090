import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Input, InputNumber, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../lib/forms';
import { type ModelNode, modelKeys, modelsApi, type SatisfactionModel } from './api';
import { useNodeName } from './ModelTreeTable';
import { formatPercent, normalise } from './tree';

/**
 * 直接输入: numbers for each child of one node, shown normalised (they need not add up to 100);
 * saving stores them as the children's weights (a new version when the current one has answers).
 */
export function DirectWeights(props: {
  modelId: string;
  parent: ModelNode;
  childNodes: ModelNode[];
  editable: boolean;
  onSaved: (model: SatisfactionModel, previousVersion: number | undefined) => void;
  currentVersion: number | undefined;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const name = useNodeName();
  // The current weights in percent, as the starting values (the panel is keyed by parent and version).
  const [values, setValues] = useState<number[]>(() =>
    props.childNodes.map((child) => Math.round(child.weight * 1000) / 10),
  );
  const [note, setNote] = useState('');
  const preview = normalise(values);

  const save = useMutation({
    mutationFn: () =>
      modelsApi.saveWeights(props.modelId, {
        parentKey: props.parent.key,
        weights: Object.fromEntries(props.childNodes.map((child, i) => [child.key, preview[i] ?? 0])),
        note: note.trim() || undefined,
      }),
    onSuccess: (model) => {
      queryClient.setQueryData(modelKeys.one(props.modelId), model);
      void queryClient.invalidateQueries({ queryKey: modelKeys.all });
      props.onSaved(model, props.currentVersion);
    },
    onError: (error) => message.error(errorText(t, error)),
  });

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Typography.Text type="secondary">{t('satModels.direct.hint')}</Typography.Text>
      <Table<ModelNode>
        rowKey="key"
        size="small"
        pagination={false}
        data-testid="direct-weights"
        dataSource={props.childNodes}
        columns={[
          { title: t('satModels.tree.name'), key: 'name', render: (_: unknown, child) => name(child) },
          {
            title: t('satModels.direct.value'),
            key: 'value',
            width: 160,
            render: (_: unknown, child, i) => (
              <InputNumber
                min={0}
                max={1000}
                step={1}
                value={values[i]}
                disabled={!props.editable}
                aria-label={t('satModels.direct.valueOf', { name: name(child) })}
                data-testid={`direct-weight-${child.key}`}
                onChange={(value) =>
                  setValues((old) => old.map((v, k) => (k === i ? Number(value ?? 0) : v)))
                }
              />
            ),
          },
          {
            title: t('satModels.direct.normalised'),
            key: 'normalised',
            width: 120,
            align: 'right',
            render: (_: unknown, _child, i) => formatPercent(preview[i]),
          },
          {
            title: t('satModels.direct.stored'),
            key: 'stored',
            width: 120,
            align: 'right',
            render: (_: unknown, child) => formatPercent(child.weight),
          },
        ]}
      />
      {props.editable && (
        <Space wrap>
          <Input
            style={{ width: 320 }}
            placeholder={t('satModels.direct.note')}
            value={note}
            maxLength={200}
            onChange={(event) => setNote(event.target.value)}
          />
          <Button
            type="primary"
            loading={save.isPending}
            onClick={() => save.mutate()}
            data-testid="direct-save"
          >
            {t('satModels.direct.save')}
          </Button>
        </Space>
      )}
    </Space>
  );
}
