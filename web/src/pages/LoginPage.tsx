import { GlobalOutlined, LockOutlined, MailOutlined } from '@ant-design/icons';
import { Alert, Button, Dropdown, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { ApiError } from '../api/client';
import { useAuth } from '../lib/auth';
import { errorText } from '../lib/forms';
import { useLanguage } from '../lib/language';
import { formatDateTime } from '../lib/time';

interface LoginForm {
  email: string;
  password: string;
}

export function LoginPage() {
  const { t } = useTranslation();
  const { user, login } = useAuth();
  const { language, setLanguage } = useLanguage();
  const navigate = useNavigate();
  const location = useLocation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const from = (location.state as { from?: string } | null)?.from;

  if (user) return <Navigate to={user.role === 'portal' ? '/portal' : (from ?? '/')} replace />;

  const submit = async (values: LoginForm) => {
    setBusy(true);
    setError(null);
    try {
      const loggedIn = await login(values.email.trim(), values.password);
      navigate(loggedIn.role === 'portal' ? '/portal' : (from ?? '/'), { replace: true });
    } catch (failure) {
      setError(loginError(failure));
    } finally {
      setBusy(false);
    }
  };

  const loginError = (failure: unknown): string => {
    if (failure instanceof ApiError) {
      switch (failure.status) {
        case 401:
          return t('login.wrongPassword');
        case 423: {
          const until = failure.body.lockedUntil;
          return typeof until === 'string'
            ? t('login.lockedUntil', { time: formatDateTime(until) })
            : t('login.locked');
        }
        case 403:
          return t('login.deactivated');
        case 429:
          return t('login.tooMany');
      }
    }
    return errorText(t, failure);
  };

  return (
    <div className="login-page">
      <div className="login-hero">
        <div style={{ display: 'flex', alignItems: 'center', gap: 12 }}>
          <img src="/favicon.svg" alt="" width={44} height={44} />
          <span style={{ fontSize: 22, fontWeight: 600 }}>{t('app.name')}</span>
        </div>
        <h1>{t('login.heroTitle')}</h1>
        <p>{t('login.heroText')}</p>
        <ul>
          <li>✓ {t('login.point1')}</li>
          <li>✓ {t('login.point2')}</li>
          <li>✓ {t('login.point3')}</li>
        </ul>
      </div>
      <div className="login-panel" style={{ position: 'relative' }}>
        <div className="login-language">
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
            <Button type="text" icon={<GlobalOutlined />}>
              {language === 'en' ? 'English' : '中文'}
            </Button>
          </Dropdown>
        </div>
        <div className="login-panel-inner">
          <Typography.Title level={3} style={{ marginBottom: 4 }}>
            {t('login.title')}
          </Typography.Title>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 32 }}>
            {t('login.subtitle')}
          </Typography.Paragraph>
          {error && (
            <Alert
              type="error"
              showIcon
              title={error}
              style={{ marginBottom: 24 }}
              data-testid="login-error"
            />
          )}
          <Form<LoginForm> layout="vertical" size="large" onFinish={submit} requiredMark={false}>
            <Form.Item
              name="email"
              label={t('login.email')}
              rules={[
                { required: true, message: t('login.emailRequired') },
                { type: 'email', message: t('login.emailInvalid') },
              ]}
            >
              <Input
                prefix={<MailOutlined />}
                placeholder="name@company.com"
                autoComplete="username"
                autoFocus
              />
            </Form.Item>
            <Form.Item
              name="password"
              label={t('login.password')}
              rules={[{ required: true, message: t('login.passwordRequired') }]}
            >
              <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
            </Form.Item>
            <Form.Item style={{ marginTop: 32 }}>
              <Button type="primary" htmlType="submit" block loading={busy}>
                {t('login.submit')}
              </Button>
            </Form.Item>
          </Form>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('login.help')}
          </Typography.Text>
        </div>
      </div>
    </div>
  );
}
