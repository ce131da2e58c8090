import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { type ReactNode, Suspense, lazy } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation, useParams } from 'react-router-dom';
import { ApiError } from './api/client';
import { AppLayout } from './layout/AppLayout';
import { AuthProvider, useAuth } from './lib/auth';
import { LanguageProvider, useLanguage } from './lib/language';
import { AuditLogPage } from './pages/admin/AuditLogPage';
import { DepartmentsPage } from './pages/admin/DepartmentsPage';
import { FollowUpPlansPage } from './pages/admin/FollowUpPlansPage';
import { SlaPage } from './pages/admin/desk/SlaPage';
import { TemplatesPage } from './pages/admin/desk/TemplatesPage';
import { TicketCategoriesPage } from './pages/admin/desk/TicketCategoriesPage';
import { UsersPage } from './pages/admin/UsersPage';
import { CalendarPage } from './pages/CalendarPage';
import { CommitmentReviewPage } from './pages/commitments/CommitmentReviewPage';
import { CommitmentsPage } from './pages/commitments/CommitmentsPage';
import { CustomerFilePage } from './pages/customers/CustomerFilePage';
import { CustomerListPage } from './pages/customers/CustomerListPage';
import { DeskQueuePage } from './pages/desk/DeskQueuePage';
import { TicketPage } from './pages/desk/TicketPage';
import { TicketPrintPage } from './pages/desk/TicketPrintPage';
import { WorkOrderQueuePage } from './pages/desk/WorkOrderQueuePage';
import { KnowledgePage } from './pages/knowledge/KnowledgePage';
import { ReviewQueuePage } from './pages/customers/ReviewQueuePage';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { PortalPage } from './pages/PortalPage';
import { PortalShipmentLink } from './pages/portal/PortalShipmentLink';
import { TodayPage } from './pages/TodayPage';
import { TrackPage } from './pages/track/TrackPage';
import { NotificationEndpointsPage } from './pages/admin/tracking/NotificationEndpointsPage';
import { OutboundLogPage } from './pages/admin/tracking/OutboundLogPage';
import { TrackingFeedsPage } from './pages/admin/tracking/TrackingFeedsPage';
import { ExceptionBoardPage } from './pages/shipments/ExceptionBoardPage';
import { ShipmentListPage } from './pages/shipments/ShipmentListPage';
import { ShipmentPage } from './pages/shipments/ShipmentPage';

// Satisfaction pages carry ECharts: loaded when first opened, not with the app.
const named = <K extends string>(load: () => Promise<Record<K, () => ReactNode>>, name: K) =>
  lazy(async () => ({ default: (await load())[name] }));
const SatisfactionDashboardPage = named(
  () => import('./pages/satisfaction/SatisfactionDashboardPage'),
  'SatisfactionDashboardPage',
);
const SatisfactionAlertsPage = named(
  () => import('./pages/satisfaction/SatisfactionAlertsPage'),
  'SatisfactionAlertsPage',
);
const ModelListPage = named(() => import('./pages/satisfaction/models/ModelListPage'), 'ModelListPage');
const ModelEditorPage = named(() => import('./pages/satisfaction/models/ModelEditorPage'), 'ModelEditorPage');
const SurveyListPage = named(() => import('./pages/surveys/SurveyListPage'), 'SurveyListPage');
const SurveyPage = named(() => import('./pages/surveys/SurveyPage'), 'SurveyPage');
const SurveyAnswerPage = named(() => import('./pages/surveys/SurveyAnswerPage'), 'SurveyAnswerPage');
const CorrectiveActionBoardPage = named(
  () => import('./pages/correctiveactions/CorrectiveActionBoardPage'),
  'CorrectiveActionBoardPage',
);

function Lazy({ children }: { children: ReactNode }) {
  return (
    <Suspense
      fallback={
        <div className="app-loading">
          <Spin size="large" />
        </div>
      }
    >
      {children}
    </Suspense>
  );
}

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      refetchOnWindowFocus: false,
      // 4xx answers will not change by asking again.
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
    },
  },
});

const antTheme = {
  token: {
    colorPrimary: '#1677ff',
    borderRadius: 6,
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Helvetica Neue', Arial, sans-serif",
  },
  components: {
    Layout: { siderBg: '#001529', headerHeight: 56, headerPadding: '0 16px' },
    Menu: { darkItemBg: '#001529', darkSubMenuItemBg: '#000c17' },
  },
};

function Themed({ children }: { children: ReactNode }) {
  const { language } = useLanguage();
  return (
    <ConfigProvider locale={language === 'en' ? enUS : zhCN} theme={antTheme}>
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}

/** Pages behind the login; portal users only reach their own company's page. */
/** A ticket link of the old form: same page under /tickets/:id. */
function OldTicketLink() {
  const { id = '' } = useParams();
  return <Navigate to={`/tickets/${id}`} replace />;
}

function RequireUser({ children, staff, admin }: { children: ReactNode; staff?: boolean; admin?: boolean }) {
  const { user, loading } = useAuth();
  const location = useLocation();
  if (loading) {
    return (
      <div className="app-loading">
        <Spin size="large" />
      </div>
    );
  }
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  if (staff && user.role === 'portal') return <Navigate to="/portal" replace />;
  if (admin && user.role !== 'admin') return <NotFoundPage forbidden />;
  return <>{children}</>;
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <AuthProvider>
        <LanguageProvider>
          <Themed>
            <BrowserRouter>
              <Routes>
                <Route path="/login" element={<LoginPage />} />
                {/* Public tracking (货物追踪): no login, for anyone with a tracking number and its second factor. */}
                <Route path="/track" element={<TrackPage />} />
                {/* A survey answered from its one-time token link (满意度调查): no login. */}
                <Route
                  path="/s/:token"
                  element={
                    <Lazy>
                      <SurveyAnswerPage />
                    </Lazy>
                  }
                />
                {/* The printable complaint card: an A4 sheet without the app's chrome. */}
                <Route
                  path="/tickets/:id/print"
                  element={
                    <RequireUser staff>
                      <TicketPrintPage />
                    </RequireUser>
                  }
                />
                <Route
                  element={
                    <RequireUser>
                      <AppLayout />
                    </RequireUser>
                  }
                >
                  <Route path="/portal" element={<PortalPage />} />
                  {/* Notices link a shipment as /portal/shipments/:id. */}
                  <Route path="/portal/shipments" element={<PortalShipmentLink />} />
                  <Route path="/portal/shipments/:id" element={<PortalShipmentLink />} />
                  <Route
                    path="/"
                    element={
                      <RequireUser staff>
                        <TodayPage />
                      </RequireUser>
                    }
                  />
                  <Route
                    path="/calendar"
                    element={
                      <RequireUser staff>
                        <CalendarPage />
                      </RequireUser>
                    }
                  />
                  <Route
                    path="/customers"
                    element={
                      <RequireUser staff>
                        <CustomerListPage />
                      </RequireUser>
                    }
                  />
                  <Route
                    path="/customers/:id"
                    element={
                      <RequireUser staff>
                        <CustomerFilePage />
                      </RequireUser>
                    }
                  />
                  <Route
                    path="/desk"
                    element={
                      <RequireUser staff>
                        <DeskQueuePage />
                      </RequireUser>
                    }
                  />
                  {/* Notices link tickets as /tickets/:id, work orders as /work-orders/:id. */}
                  <Route
                    path="/tickets/:id"
                    element={
                      <RequireUser staff>
                        <TicketPage />
                      </RequireUser>
                    }
                  />
                  {/* Older notices linked /desk/tickets/:id. */}
                  <Route path="/desk/tickets/:id" element={<OldTicketLink />} />
                  {['/work-orders', '/work-orders/:id'].map((path) => (
                    <Route
                      key={path}
                      path={path}
                      element={
                        <RequireUser staff>
                          <WorkOrderQueuePage />
                        </RequireUser>
                      }
                    />
                  ))}
                  <Route
                    path="/review-queue"
                    element={
                      <RequireUser staff>
                        <ReviewQueuePage />
                      </RequireUser>
                    }
                  />
                  <Route
                    path="/admin/users"
                    element={
                      <RequireUser admin>
                        <UsersPage />
                      </RequireUser>
                    }
                  />
                  <Route
                    path="/admin/departments"
                    element={
                      <RequireUser admin>
                        <DepartmentsPage />
                      </RequireUser>
                    }
                  />
                  <Route
                    path="/admin/follow-up-plans"
                    element={
                      <RequireUser admin>
                        <FollowUpPlansPage />
                      </RequireUser>
                    }
                  />
                  <Route
                    path="/admin/audit"
                    element={
                      <RequireUser admin>
                        <AuditLogPage />
                      </RequireUser>
                    }
                  />
                  <Route
                    path="/commitments"
                    element={
                      <RequireUser staff>
                        <CommitmentsPage />
                      </RequireUser>
                    }
                  />
                  <Route
                    path="/commitments/review"
                    element={
                      <RequireUser staff>
                        <CommitmentReviewPage />
                      </RequireUser>
                    }
                  />
                  <Route
                    path="/knowledge"
                    element={
                      <RequireUser staff>
                        <KnowledgePage />
                      </RequireUser>
                    }
                  />
                  <Route
                    path="/admin/ticket-categories"
                    element={
                      <RequireUser admin>
                        <TicketCategoriesPage />
                      </RequireUser>
                    }
                  />
                  <Route
                    path="/admin/sla"
                    element={
                      <RequireUser admin>
                        <SlaPage />
                      </RequireUser>
                    }
                  />
                  <Route
                    path="/admin/templates"
                    element={
                      <RequireUser admin>
                        <TemplatesPage />
                      </RequireUser>
                    }
                  />
                  {/* Shipments and tracking (issue 4). */}
                  <Route
                    path="/shipments"
                    element={
                      <RequireUser staff>
                        <ShipmentListPage />
                      </RequireUser>
                    }
                  />
                  <Route
                    path="/shipments/:id"
                    element={
                      <RequireUser staff>
                        <ShipmentPage />
                      </RequireUser>
                    }
                  />
                  <Route
                    path="/shipment-exceptions"
                    element={
                      <RequireUser staff>
                        <ExceptionBoardPage />
                      </RequireUser>
                    }
                  />
                  <Route
                    path="/admin/tracking-feeds"
                    element={
                      <RequireUser admin>
                        <TrackingFeedsPage />
                      </RequireUser>
                    }
                  />
                  <Route
                    path="/admin/notification-endpoints"
                    element={
                      <RequireUser admin>
                        <NotificationEndpointsPage />
                      </RequireUser>
                    }
                  />
                  <Route
                    path="/admin/outbound"
                    element={
                      <RequireUser admin>
                        <OutboundLogPage />
                      </RequireUser>
                    }
                  />
                  {/* Satisfaction measurement (issue 5). */}
                  <Route
                    path="/satisfaction"
                    element={
                      <RequireUser staff>
                        <Lazy>
                          <SatisfactionDashboardPage />
                        </Lazy>
                      </RequireUser>
                    }
                  />
                  <Route
                    path="/satisfaction/alerts"
                    element={
                      <RequireUser staff>
                        <Lazy>
                          <SatisfactionAlertsPage />
                        </Lazy>
                      </RequireUser>
                    }
                  />
                  <Route
                    path="/satisfaction/models"
                    element={
                      <RequireUser staff>
                        <Lazy>
                          <ModelListPage />
                        </Lazy>
                      </RequireUser>
                    }
                  />
                  <Route
                    path="/satisfaction/models/:id"
                    element={
                      <RequireUser staff>
                        <Lazy>
                          <ModelEditorPage />
                        </Lazy>
                      </RequireUser>
                    }
                  />
                  <Route
                    path="/surveys"
                    element={
                      <RequireUser staff>
                        <Lazy>
                          <SurveyListPage />
                        </Lazy>
                      </RequireUser>
                    }
                  />
                  <Route
                    path="/surveys/:id"
                    element={
                      <RequireUser staff>
                        <Lazy>
                          <SurveyPage />
                        </Lazy>
                      </RequireUser>
                    }
                  />
                  <Route
                    path="/corrective-actions"
                    element={
                      <RequireUser staff>
                        <Lazy>
                          <CorrectiveActionBoardPage />
                        </Lazy>
                      </RequireUser>
                    }
                  />
                  <Route path="*" element={<NotFoundPage />} />
                </Route>
              </Routes>
            </BrowserRouter>
          </Themed>
        </LanguageProvider>
      </AuthProvider>
    </QueryClientProvider>
  );
}
