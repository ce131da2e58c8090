import { Card, Select, Tabs, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { AhpPanel } from './AhpPanel';
import type { ModelNode, SatisfactionModel } from './api';
import { DirectWeights } from './DirectWeights';
import { useNodeName, WeightMethodTag } from './ModelTreeTable';
import { PlsPanel } from './PlsPanel';
import { childrenOf, weightableParents } from './tree';

export type WeightsTab = 'direct' | 'ahp' | 'pls';

/**
 * The weights of one node's children, three ways: 直接输入, AHP 两两比较, PLS 估计 (the last one
 * estimates the whole model from the answers).
 */
export function WeightsPanel(props: {
  modelId: string;
  nodes: ModelNode[];
  versionId: string;
  currentVersion: number | undefined;
  parentKey: string;
  onParentKey: (key: string) => void;
  tab: WeightsTab;
  onTab: (tab: WeightsTab) => void;
  editable: boolean;
  onSaved: (model: SatisfactionModel, previousVersion: number | undefined) => void;
}) {
  const { t } = useTranslation();
  const name = useNodeName();
  const parents = weightableParents(props.nodes);
  const parent = parents.find((node) => node.key === props.parentKey) ?? parents[0];
  if (!parent) return null;
  const children = childrenOf(props.nodes, parent.key);
  // Remounted per node and version, so the inputs start from the stored weights.
  const panelKey = `${props.versionId}:${parent.key}`;
  const common = {
    modelId: props.modelId,
    editable: props.editable,
    currentVersion: props.currentVersion,
    onSaved: props.onSaved,
  };

  return (
    <Card
      title={t('satModels.weights.title')}
      data-testid="weights-panel"
      extra={
        <span>
          <Typography.Text type="secondary">{t('satModels.weights.node')} </Typography.Text>
          <Select
            style={{ width: 240 }}
            value={parent.key}
            data-testid="weights-parent"
            aria-label={t('satModels.weights.node')}
            onChange={props.onParentKey}
            options={parents.map((node) => ({
              value: node.key,
              label: `${'· '.repeat(node.level - 1)}${name(node)}`,
            }))}
          />{' '}
          <WeightMethodTag method={parent.childWeightMethod ?? 'direct'} />
        </span>
      }
    >
      <Tabs
        activeKey={props.tab}
        onChange={(key) => props.onTab(key as WeightsTab)}
        destroyOnHidden
        items={[
          {
            key: 'direct',
            label: t('satModels.weights.direct'),
            children: <DirectWeights key={panelKey} parent={parent} childNodes={children} {...common} />,
          },
          {
            key: 'ahp',
            label: t('satModels.weights.ahp'),
            children: <AhpPanel key={panelKey} parent={parent} childNodes={children} {...common} />,
          },
          {
            key: 'pls',
            label: t('satModels.weights.pls'),
            children: <PlsPanel key={props.versionId} nodes={props.nodes} {...common} />,
          },
        ]}
      />
    </Card>
  );
}
