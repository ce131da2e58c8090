import { Drawer, Form, Input, InputNumber, Select, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import { DrawerFormActions } from '../DrawerFormActions';
import type { ModelNode } from './api';
import { useNodeName } from './ModelTreeTable';

export const SERVICE_ELEMENTS = [
  'on_time_delivery',
  'transit_speed',
  'damage_free',
  'delivery_accuracy',
  'tracking_information',
  'complaint_handling',
  'first_response',
  'staff_attitude',
  'price_value',
  'documentation',
  'inventory_accuracy',
  'order_convenience',
] as const;

interface NodeForm {
  slug?: string;
  nameZh: string;
  nameEn: string;
  questionZh?: string;
  questionEn?: string;
  reverse?: boolean;
  serviceElement?: ModelNode['serviceElement'];
  statedImportance?: number | null;
}

/** What the drawer edits: an existing node, or a new child of `parent`. */
export type NodeEdit = { mode: 'edit'; node: ModelNode; leaf: boolean } | { mode: 'add'; parent: ModelNode };

/**
 * Edits one node of the tree (names; for a leaf the question, reverse scoring, service element
 * and stated importance) or adds a child. The result goes back to the editor, which saves the tree.
 */
export function NodeDrawer(props: {
  edit: NodeEdit | null;
  existingKeys: Set<string>;
  saving: boolean;
  onClose: () => void;
  onSave: (node: ModelNode) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<NodeForm>();
  const name = useNodeName();
  const edit = props.edit;
  // A new node starts as a leaf; an existing one is a leaf when it has no children.
  const leaf = edit?.mode === 'add' || (edit?.mode === 'edit' && edit.leaf);
  const initial: Partial<NodeForm> =
    edit?.mode === 'edit'
      ? {
          nameZh: edit.node.nameZh,
          nameEn: edit.node.nameEn,
          questionZh: edit.node.questionZh,
          questionEn: edit.node.questionEn,
          reverse: edit.node.reverse ?? false,
          serviceElement: edit.node.serviceElement ?? null,
          statedImportance: edit.node.statedImportance ?? null,
        }
      : { reverse: false, serviceElement: null };

  const finish = (values: NodeForm) => {
    if (!edit) return;
    const leafFields = leaf
      ? {
          questionZh: values.questionZh?.trim() || undefined,
          questionEn: values.questionEn?.trim() || undefined,
          reverse: values.reverse ?? false,
          serviceElement: values.serviceElement ?? null,
          statedImportance: values.statedImportance ?? null,
        }
      : {};
    if (edit.mode === 'edit') {
      props.onSave({
        ...edit.node,
        nameZh: values.nameZh.trim(),
        nameEn: values.nameEn.trim(),
        ...leafFields,
      });
    } else {
      props.onSave({
        key: `${edit.parent.key}.${values.slug?.trim()}`,
        parentKey: edit.parent.key,
        level: Math.min(4, edit.parent.level + 1) as ModelNode['level'],
        nameZh: values.nameZh.trim(),
        nameEn: values.nameEn.trim(),
        weight: 0,
        ...leafFields,
      });
    }
  };

  const title =
    edit?.mode === 'add'
      ? t('satModels.node.addTitle', { parent: name(edit.parent) })
      : t('satModels.node.editTitle');

  return (
    <Drawer
      open={edit !== null}
      title={title}
      size={520}
      onClose={props.onClose}
      destroyOnHidden
      extra={
        <DrawerFormActions
          onCancel={props.onClose}
          onSave={() => form.submit()}
          saving={props.saving}
          testId="model-node-save"
        />
      }
    >
      {edit && (
        <Form<NodeForm> form={form} layout="vertical" initialValues={initial} onFinish={finish}>
          {edit.mode === 'add' && (
            <Form.Item
              name="slug"
              label={t('satModels.node.key')}
              extra={t('satModels.node.keyHint', { prefix: `${edit.parent.key}.` })}
              rules={[
                { required: true, message: t('satModels.node.keyRequired') },
                { pattern: /^[a-z0-9_-]{1,40}$/, message: t('satModels.node.keyPattern') },
                {
                  validator: (_, value: string | undefined) =>
                    value && props.existingKeys.has(`${edit.parent.key}.${value}`)
                      ? Promise.reject(new Error(t('satModels.node.keyTaken')))
                      : Promise.resolve(),
                },
              ]}
            >
              <Input prefix={`${edit.parent.key}.`} maxLength={40} />
            </Form.Item>
          )}
          <Form.Item
            name="nameZh"
            label={t('satModels.node.nameZh')}
            rules={[{ required: true, whitespace: true, message: t('satModels.node.nameRequired') }]}
          >
            <Input maxLength={80} />
          </Form.Item>
          <Form.Item
            name="nameEn"
            label={t('satModels.node.nameEn')}
            rules={[{ required: true, whitespace: true, message: t('satModels.node.nameRequired') }]}
          >
            <Input maxLength={80} />
          </Form.Item>
          {leaf && (
            <>
              <Form.Item
                name="questionZh"
                label={t('satModels.node.questionZh')}
                rules={[{ required: true, whitespace: true, message: t('satModels.node.questionRequired') }]}
              >
                <Input.TextArea rows={2} maxLength={300} />
              </Form.Item>
              <Form.Item
                name="questionEn"
                label={t('satModels.node.questionEn')}
                rules={[{ required: true, whitespace: true, message: t('satModels.node.questionRequired') }]}
              >
                <Input.TextArea rows={2} maxLength={300} />
              </Form.Item>
              <Form.Item
                name="reverse"
                label={t('satModels.node.reverse')}
                valuePropName="checked"
                extra={t('satModels.node.reverseHint')}
              >
                <Switch />
              </Form.Item>
              <Form.Item name="serviceElement" label={t('satModels.node.serviceElement')}>
                <Select
                  allowClear
                  options={SERVICE_ELEMENTS.map((value) => ({
                    value,
                    label: t(`satModels.element.${value}`),
                  }))}
                />
              </Form.Item>
              <Form.Item
                name="statedImportance"
                label={t('satModels.node.statedImportance')}
                extra={t('satModels.node.statedImportanceHint')}
              >
                <InputNumber min={1} max={5} step={0.1} />
              </Form.Item>
            </>
          )}
        </Form>
      )}
    </Drawer>
  );
}
