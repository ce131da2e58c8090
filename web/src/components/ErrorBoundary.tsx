import { Button, Result } from 'antd';
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router-dom';

interface State {
  error: Error | null;
}

class Boundary extends Component<{ children: ReactNode; title: string; retry: string }, State> {
  state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('page failed to render', error, info.componentStack);
  }

  render() {
    if (!this.state.error) return this.props.children;
    return (
      <Result
        status="error"
        title={this.props.title}
        subTitle={this.state.error.message}
        extra={
          <Button type="primary" onClick={() => window.location.reload()}>
            {this.props.retry}
          </Button>
        }
      />
    );
  }
}

/** A page that fails to render shows an error in the content area; the menu keeps working. */
export function PageErrorBoundary({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const location = useLocation();
  // A new location starts with a fresh boundary, so navigating away recovers.
  return (
    <Boundary key={location.pathname} title={t('errors.renderFailed')} retry={t('errors.reload')}>
      {children}
    </Boundary>
  );
}
