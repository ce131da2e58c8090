import { useQuery } from '@tanstack/react-query';
import { Form, Select, Space } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { useDepartments } from '../../api/queries';
import { SERVICE_MODES, VALUE_CLASSES } from '../../lib/enums';
import { useDebounced } from '../../lib/util';
import { departmentName } from '../selects';

/** Pick several customer files by name, phone or tax id (keeps the names of those already chosen). */
export function CustomerMultiSelect(props: {
  id?: string;
  value?: string[];
  onChange?: (value: string[]) => void;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [known, setKnown] = useState<Record<string, string>>({});
  const q = useDebounced(search.trim(), 250);
  const results = useQuery({
    queryKey: ['customers', 'pick', q],
    queryFn: async () =>
      (await unwrap(api.GET('/api/customers', { params: { query: { q: q || undefined, limit: 20 } } })))
        .items,
    placeholderData: (previous) => previous,
  });
  const options = useMemo(() => {
    const list = (results.data ?? []).map((c) => ({ value: c.id, label: c.name }));
    for (const id of props.value ?? []) {
      if (!list.some((o) => o.value === id)) list.unshift({ value: id, label: known[id] ?? id });
    }
    return list;
  }, [results.data, props.value, known]);
  return (
    <Select<string[]>
      id={props.id}
      mode="multiple"
      value={props.value ?? []}
      disabled={props.disabled}
      onChange={(value, chosen) => {
        const names = { ...known };
        const list = (Array.isArray(chosen) ? chosen : chosen ? [chosen] : []) as {
          value?: unknown;
          label?: unknown;
        }[];
        for (const o of list) {
          if (typeof o?.value === 'string' && typeof o.label === 'string') names[o.value] = o.label;
        }
        setKnown(names);
        props.onChange?.(value);
      }}
      showSearch={{ filterOption: false, onSearch: setSearch }}
      allowClear
      loading={results.isFetching}
      placeholder={t('common.searchCustomer')}
      notFoundContent={results.isFetching ? t('common.loading') : t('common.noResults')}
      options={options}
      data-testid="survey-segment-customers"
    />
  );
}

/** The segment of a survey or a sending: value classes, departments, customers, service modes. */
export function SegmentFields(props: { prefix: string[]; disabled?: boolean }) {
  const { t, i18n } = useTranslation();
  const departments = useDepartments();
  const p = (name: string) => [...props.prefix, name];
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size={0}>
      <Form.Item name={p('valueClasses')} label={t('surveys.field.valueClasses')}>
        <Select
          mode="multiple"
          allowClear
          disabled={props.disabled}
          options={VALUE_CLASSES.map((v) => ({ value: v, label: t(`enum.valueClass.${v}`) }))}
          data-testid="survey-segment-classes"
        />
      </Form.Item>
      <Form.Item name={p('departmentIds')} label={t('surveys.field.departments')}>
        <Select
          mode="multiple"
          allowClear
          disabled={props.disabled}
          loading={departments.isLoading}
          optionFilterProp="label"
          options={(departments.data ?? []).map((d) => ({
            value: d.id,
            label: departmentName(d, i18n.language),
          }))}
        />
      </Form.Item>
      <Form.Item name={p('customerIds')} label={t('surveys.field.customers')}>
        <CustomerMultiSelect disabled={props.disabled} />
      </Form.Item>
      <Form.Item name={p('modes')} label={t('surveys.field.modes')}>
        <Select
          mode="multiple"
          allowClear
          disabled={props.disabled}
          options={SERVICE_MODES.map((v) => ({ value: v, label: t(`enum.serviceMode.${v}`) }))}
        />
      </Form.Item>
    </Space>
  );
}

/** Drops empty lists so "any" is sent as an absent condition. */
export function cleanSegment(segment: Record<string, string[] | undefined> | undefined) {
  return Object.fromEntries(Object.entries(segment ?? {}).filter(([, v]) => Array.isArray(v) && v.length));
}
