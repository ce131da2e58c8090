import { useQuery } from '@tanstack/react-query';
import { Select, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client';
import { useDebounced } from '../lib/util';

/** Pick a customer file by searching its name, phone or tax id. */
export function CustomerSelect(props: {
  id?: string;
  value?: string | null;
  onChange?: (value: string | null) => void;
  excludeId?: string;
  placeholder?: string;
  style?: React.CSSProperties;
}) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 250);
  const results = useQuery({
    queryKey: ['customers', 'pick', q],
    queryFn: async () =>
      (await unwrap(api.GET('/api/customers', { params: { query: { q: q || undefined, limit: 20 } } })))
        .items,
    placeholderData: (previous) => previous,
  });
  // The current value may not be among the search results; fetch it to show its name.
  const current = useQuery({
    queryKey: ['customer', props.value],
    enabled: !!props.value,
    queryFn: () => unwrap(api.GET('/api/customers/{id}', { params: { path: { id: props.value! } } })),
  });
  const options = (results.data ?? [])
    .filter((customer) => customer.id !== props.excludeId)
    .map((customer) => ({ value: customer.id, label: customer.name, taxId: customer.taxId }));
  if (current.data && !options.some((o) => o.value === current.data.id)) {
    options.unshift({ value: current.data.id, label: current.data.name, taxId: current.data.taxId });
  }
  return (
    <Select<string>
      id={props.id}
      value={props.value ?? undefined}
      onChange={(value) => props.onChange?.(value ?? null)}
      showSearch={{ filterOption: false, onSearch: setSearch }}
      allowClear
      loading={results.isFetching}
      placeholder={props.placeholder ?? t('common.searchCustomer')}
      notFoundContent={results.isFetching ? t('common.loading') : t('common.noResults')}
      options={options}
      style={props.style}
      optionRender={(option) => (
        <Space>
          <span>{option.data.label}</span>
          {option.data.taxId && (
            <span style={{ color: 'rgba(0,0,0,0.45)', fontSize: 12 }}>{option.data.taxId}</span>
          )}
        </Space>
      )}
    />
  );
}
