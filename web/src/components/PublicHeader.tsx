import { GlobalOutlined } from '@ant-design/icons';
import { Button, Dropdown } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useLanguage } from '../lib/language';

/** The bar on top of the pages anyone may open without a login (/track, /s/:token): name and language. */
export function PublicHeader(props: { languageTestId: string; children?: ReactNode }) {
  const { t } = useTranslation();
  const { language, setLanguage } = useLanguage();
  return (
    <header
      style={{
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'space-between',
        padding: '12px 16px',
        background: '#001529',
        color: '#fff',
      }}
    >
      <div style={{ display: 'flex', alignItems: 'center', gap: 10 }}>
        <img src="/favicon.svg" alt="" width={28} height={28} />
        <span style={{ fontSize: 17, fontWeight: 600 }}>{t('app.name')}</span>
      </div>
      <div style={{ display: 'flex', alignItems: 'center', gap: 4 }}>
        <Dropdown
          menu={{
            items: [
              { key: 'zh-CN', label: '简体中文' },
              { key: 'en', label: 'English' },
            ],
            selectable: true,
            selectedKeys: [language],
            onClick: ({ key }) => setLanguage(key as 'zh-CN' | 'en'),
          }}
        >
          <Button
            type="text"
            icon={<GlobalOutlined />}
            style={{ color: '#fff' }}
            data-testid={props.languageTestId}
          >
            {language === 'en' ? 'English' : '中文'}
          </Button>
        </Dropdown>
        {props.children}
      </div>
    </header>
  );
}
