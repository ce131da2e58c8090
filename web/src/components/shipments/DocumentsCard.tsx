import { DeleteOutlined, DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Checkbox, Popconfirm, Select, Space, Table, Tag, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../lib/forms';
import { formatDateTime } from '../../lib/time';
import { DOCUMENT_KINDS, documentUrl, itemsOf, type Page, type ShipmentDocument, shipApi } from './api';
import { fileSize } from './parts';
import { MAX_UPLOAD_BYTES, UPLOAD_ACCEPT, uploadErrorText } from './upload';

/** 单证: the shipment's files, uploaded (type checked by content, 10 MB at most), downloaded, removed. */
export function DocumentsCard({ shipmentId, editable }: { shipmentId: string; editable: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<string>('other');
  const [portalVisible, setPortalVisible] = useState(true);
  const key = ['shipments', 'one', shipmentId, 'documents'];
  const documents = useQuery({
    queryKey: key,
    queryFn: () =>
      shipApi.get<Page<ShipmentDocument> | ShipmentDocument[]>(`/api/shipments/${shipmentId}/documents`),
    select: (data) => itemsOf(data),
  });
  const upload = useMutation({
    mutationFn: (file: File) => {
      const data = new FormData();
      data.append('kind', kind);
      data.append('portalVisible', String(portalVisible));
      data.append('file', file, file.name);
      return shipApi.upload<ShipmentDocument>(`/api/shipments/${shipmentId}/documents`, data);
    },
    onSuccess: (doc) => {
      message.success(t('shipments.documents.uploaded', { name: doc.fileName }));
      void queryClient.invalidateQueries({ queryKey: key });
    },
    onError: (error) => message.error(uploadErrorText(t, error)),
  });
  const remove = useMutation({
    mutationFn: (id: string) => shipApi.delete(`/api/shipments/${shipmentId}/documents/${id}`),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: key }),
    onError: (error) => message.error(errorText(t, error)),
  });

  return (
    <Card
      title={t('shipments.documents.title')}
      size="small"
      data-testid="shipment-documents"
      extra={
        editable && (
          <Space wrap size={8}>
            <Select
              size="small"
              value={kind}
              onChange={setKind}
              style={{ width: 120 }}
              options={DOCUMENT_KINDS.map((v) => ({ value: v, label: t(`shipments.documentKind.${v}`) }))}
            />
            <Checkbox checked={portalVisible} onChange={(e) => setPortalVisible(e.target.checked)}>
              {t('shipments.documents.portalVisible')}
            </Checkbox>
            <Upload
              accept={UPLOAD_ACCEPT}
              showUploadList={false}
              beforeUpload={(file) => {
                if (file.size > MAX_UPLOAD_BYTES) {
                  message.error(t('shipments.documents.tooLarge'));
                  return Upload.LIST_IGNORE;
                }
                upload.mutate(file);
                return false;
              }}
            >
              <Button
                size="small"
                icon={<UploadOutlined />}
                loading={upload.isPending}
                data-testid="document-upload"
              >
                {t('shipments.documents.upload')}
              </Button>
            </Upload>
          </Space>
        )
      }
    >
      <Table<ShipmentDocument>
        rowKey="id"
        size="small"
        pagination={false}
        loading={documents.isLoading}
        dataSource={documents.data ?? []}
        locale={{ emptyText: t('shipments.documents.empty') }}
        columns={[
          {
            title: t('shipments.documents.file'),
            dataIndex: 'fileName',
            ellipsis: true,
            render: (name: string, d) => (
              <a
                href={documentUrl(shipmentId, d.id)}
                target="_blank"
                rel="noreferrer"
                data-testid="document-link"
              >
                <DownloadOutlined /> {name}
              </a>
            ),
          },
          {
            title: t('shipments.documents.kind'),
            dataIndex: 'kind',
            width: 110,
            render: (v: string) => t(`shipments.documentKind.${v}`, { defaultValue: v }),
          },
          {
            title: t('shipments.documents.size'),
            dataIndex: 'sizeBytes',
            width: 90,
            render: (v: number) => fileSize(v),
          },
          {
            title: t('shipments.documents.visibility'),
            dataIndex: 'portalVisible',
            width: 100,
            render: (v: boolean) =>
              v ? (
                <Tag color="green">{t('shipments.documents.shared')}</Tag>
              ) : (
                <Tag>{t('shipments.documents.internal')}</Tag>
              ),
          },
          {
            title: t('shipments.documents.uploadedAt'),
            dataIndex: 'uploadedAt',
            width: 150,
            render: (v: string) => formatDateTime(v),
          },
          ...(editable
            ? [
                {
                  title: '',
                  key: 'actions',
                  width: 50,
                  render: (_: unknown, d: ShipmentDocument) => (
                    <Popconfirm
                      title={t('shipments.documents.removeConfirm')}
                      onConfirm={() => remove.mutate(d.id)}
                    >
                      <Button
                        size="small"
                        type="text"
                        danger
                        icon={<DeleteOutlined />}
                        aria-label={t('common.remove')}
                      />
                    </Popconfirm>
                  ),
                },
              ]
            : []),
        ]}
      />
    </Card>
  );
}
