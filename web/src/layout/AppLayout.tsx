import {
  AlertOutlined,
  ApartmentOutlined,
  ApiOutlined,
  AuditOutlined,
  BookOutlined,
  CalendarOutlined,
  CustomerServiceOutlined,
  ClusterOutlined,
  ContainerOutlined,
  ClockCircleOutlined,
  CarOutlined,
  DashboardOutlined,
  DownOutlined,
  FileSearchOutlined,
  FileTextOutlined,
  FormOutlined,
  FundOutlined,
  GlobalOutlined,
  LogoutOutlined,
  MailOutlined,
  MenuFoldOutlined,
  MenuUnfoldOutlined,
  ScheduleOutlined,
  SendOutlined,
  SafetyCertificateOutlined,
  SettingOutlined,
  ShopOutlined,
  SmileOutlined,
  TagsOutlined,
  TeamOutlined,
  ToolOutlined,
  UserOutlined,
  WarningOutlined,
} from '@ant-design/icons';
import { Avatar, Button, Dropdown, Layout, Menu, type MenuProps, Space, Typography, theme } from 'antd';
import { type ReactNode, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { PageErrorBoundary } from '../components/ErrorBoundary';
import { NotificationBell } from '../components/NotificationBell';
import { useLanguage } from '../lib/language';
import { useAuth, useMe } from '../lib/auth';

const { Sider, Header, Content } = Layout;

interface MenuEntry {
  key: string;
  icon: ReactNode;
  label: string;
  children?: MenuEntry[];
}

export function AppLayout() {
  const { t } = useTranslation();
  const me = useMe();
  const { logout } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [collapsed, setCollapsed] = useState(false);
  // Below the lg breakpoint (phones, small tablets) the menu hides entirely and opens over the page.
  const [narrow, setNarrow] = useState(false);
  const { language, setLanguage } = useLanguage();
  const { token } = theme.useToken();

  const items = useMemo<MenuEntry[]>(() => {
    if (me.role === 'portal') {
      return [{ key: '/portal', icon: <ShopOutlined />, label: t('menu.portal') }];
    }
    const entries: MenuEntry[] = [
      { key: '/', icon: <DashboardOutlined />, label: t('menu.today') },
      { key: '/calendar', icon: <CalendarOutlined />, label: t('menu.calendar') },
      { key: '/customers', icon: <TeamOutlined />, label: t('menu.customers') },
      { key: '/review-queue', icon: <FileSearchOutlined />, label: t('menu.reviewQueue') },
      { key: '/shipments', icon: <CarOutlined />, label: t('shipments.menu.shipments') },
      { key: '/shipment-exceptions', icon: <AlertOutlined />, label: t('shipments.menu.exceptions') },
      // Service desk: the ticket queue for the service centre, the work-order queue for every department.
      ...(me.role === 'operations'
        ? []
        : [{ key: '/desk', icon: <CustomerServiceOutlined />, label: t('desk.menu.desk') }]),
      { key: '/work-orders', icon: <ContainerOutlined />, label: t('desk.menu.workOrders') },
      { key: '/commitments', icon: <SafetyCertificateOutlined />, label: t('deskAdmin.menu.commitments') },
      { key: '/knowledge', icon: <BookOutlined />, label: t('deskAdmin.menu.knowledge') },
      {
        key: 'satisfaction',
        icon: <SmileOutlined />,
        label: t('satisfaction.menu.group'),
        children: [
          { key: '/satisfaction', icon: <FundOutlined />, label: t('satisfaction.menu.dashboard') },
          { key: '/satisfaction/alerts', icon: <WarningOutlined />, label: t('satisfaction.menu.alerts') },
          { key: '/surveys', icon: <FormOutlined />, label: t('satisfaction.menu.surveys') },
          { key: '/corrective-actions', icon: <ToolOutlined />, label: t('satisfaction.menu.actions') },
          { key: '/satisfaction/models', icon: <ApartmentOutlined />, label: t('satisfaction.menu.models') },
        ],
      },
    ];
    if (me.role === 'admin') {
      entries.push({
        key: 'admin',
        icon: <SettingOutlined />,
        label: t('menu.admin'),
        children: [
          { key: '/admin/users', icon: <UserOutlined />, label: t('menu.users') },
          { key: '/admin/departments', icon: <ClusterOutlined />, label: t('menu.departments') },
          { key: '/admin/follow-up-plans', icon: <ScheduleOutlined />, label: t('menu.followUpPlans') },
          { key: '/admin/ticket-categories', icon: <TagsOutlined />, label: t('deskAdmin.menu.categories') },
          { key: '/admin/sla', icon: <ClockCircleOutlined />, label: t('deskAdmin.menu.sla') },
          { key: '/admin/templates', icon: <FileTextOutlined />, label: t('deskAdmin.menu.templates') },
          { key: '/admin/tracking-feeds', icon: <ApiOutlined />, label: t('shipments.menu.feeds') },
          {
            key: '/admin/notification-endpoints',
            icon: <SendOutlined />,
            label: t('shipments.menu.endpoints'),
          },
          { key: '/admin/outbound', icon: <MailOutlined />, label: t('shipments.menu.outbound') },
          { key: '/admin/audit', icon: <AuditOutlined />, label: t('menu.audit') },
        ],
      });
    }
    return entries;
  }, [me.role, t]);

  // The menu entry whose path is the longest prefix of the current location.
  const selected = useMemo(() => {
    const flat = items.flatMap((item) => [item, ...(item.children ?? [])]).map((item) => item.key);
    const path = location.pathname;
    return flat
      .filter((key) => key.startsWith('/') && (key === '/' ? path === '/' : path.startsWith(key)))
      .sort((a, b) => b.length - a.length)
      .slice(0, 1);
  }, [items, location.pathname]);

  const userMenu: MenuProps['items'] = [
    {
      key: 'who',
      disabled: true,
      label: (
        <div style={{ minWidth: 160 }}>
          <div style={{ color: token.colorText, fontWeight: 500 }}>{me.name}</div>
          <div style={{ color: token.colorTextSecondary, fontSize: 12 }}>{me.email}</div>
          <div style={{ color: token.colorTextSecondary, fontSize: 12 }}>{t(`enum.role.${me.role}`)}</div>
        </div>
      ),
    },
    { type: 'divider' },
    { key: 'logout', icon: <LogoutOutlined />, label: t('header.logout') },
  ];

  const languageMenu: MenuProps['items'] = [
    { key: 'zh-CN', label: '简体中文' },
    { key: 'en', label: 'English' },
  ];

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Sider
        width={216}
        collapsible
        collapsed={collapsed}
        breakpoint="lg"
        collapsedWidth={narrow ? 0 : 80}
        onBreakpoint={(broken) => {
          setNarrow(broken);
          setCollapsed(broken);
        }}
        trigger={null}
        theme="dark"
        data-testid="app-sider"
        style={{
          position: narrow ? 'fixed' : 'sticky',
          top: 0,
          left: 0,
          zIndex: narrow ? 100 : undefined,
          height: '100vh',
          overflow: 'auto',
        }}
      >
        <Link to={me.role === 'portal' ? '/portal' : '/'} className="app-logo">
          <img src="/favicon.svg" alt="" width={28} height={28} />
          {!collapsed && (
            <span className="app-logo-text">
              {t('app.name')}
              <small>{t('app.subtitle')}</small>
            </span>
          )}
        </Link>
        <Menu
          theme="dark"
          mode="inline"
          selectedKeys={selected}
          defaultOpenKeys={
            location.pathname.startsWith('/admin')
              ? ['admin']
              : /^\/(satisfaction|surveys|corrective-actions)/.test(location.pathname)
                ? ['satisfaction']
                : []
          }
          items={items as MenuProps['items']}
          onClick={({ key }) => {
            if (!key.startsWith('/')) return;
            navigate(key);
            if (narrow) setCollapsed(true);
          }}
        />
      </Sider>
      <Layout>
        <Header className="app-header" style={{ background: token.colorBgContainer }}>
          <Button
            type="text"
            aria-label={t('header.toggleMenu')}
            data-testid="menu-toggle"
            icon={collapsed ? <MenuUnfoldOutlined /> : <MenuFoldOutlined />}
            onClick={() => setCollapsed(!collapsed)}
          />
          <Space size="middle">
            <NotificationBell />
            <Dropdown
              menu={{
                items: languageMenu,
                selectable: true,
                selectedKeys: [language],
                onClick: ({ key }) => setLanguage(key as 'zh-CN' | 'en'),
              }}
            >
              <Button type="text" icon={<GlobalOutlined />} data-testid="language-switch">
                {language === 'en' ? 'English' : '中文'}
              </Button>
            </Dropdown>
            <Dropdown
              menu={{
                items: userMenu,
                onClick: async ({ key }) => {
                  if (key === 'logout') {
                    await logout();
                    navigate('/login');
                  }
                },
              }}
            >
              <Button type="text" data-testid="user-menu" style={{ height: 40 }}>
                <Space size={8}>
                  <Avatar size="small" style={{ background: token.colorPrimary }}>
                    {me.name.slice(0, 1).toUpperCase()}
                  </Avatar>
                  {!narrow && <Typography.Text>{me.name}</Typography.Text>}
                  <DownOutlined style={{ fontSize: 10, color: token.colorTextTertiary }} />
                </Space>
              </Button>
            </Dropdown>
          </Space>
        </Header>
        <Content className="app-content">
          <PageErrorBoundary>
            <Outlet />
          </PageErrorBoundary>
        </Content>
      </Layout>
    </Layout>
  );
}
