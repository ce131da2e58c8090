import { Breadcrumb, Typography } from 'antd';
import { type ReactNode, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';

export interface Crumb {
  title: ReactNode;
  to?: string;
}

/** The white band on top of every page: breadcrumbs, title with tags, actions on the right. */
export function PageHeader(props: {
  title: ReactNode;
  crumbs?: Crumb[];
  tags?: ReactNode;
  extra?: ReactNode;
  subTitle?: ReactNode;
  /** The browser tab's title when `title` is not plain text. */
  documentTitle?: string;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const pageTitle = props.documentTitle ?? (typeof props.title === 'string' ? props.title : undefined);
  useEffect(() => {
    document.title = pageTitle ? `${pageTitle} · ${t('app.name')}` : t('app.name');
  }, [pageTitle, t]);
  const crumbs: Crumb[] = [{ title: t('app.home'), to: '/' }, ...(props.crumbs ?? [])];
  return (
    <div className="page-header">
      <Breadcrumb
        items={crumbs.map((crumb) => ({
          title: crumb.to ? <Link to={crumb.to}>{crumb.title}</Link> : crumb.title,
        }))}
      />
      <div className="page-header-row">
        <div style={{ minWidth: 0 }}>
          <div className="page-header-title">
            <Typography.Title level={4}>{props.title}</Typography.Title>
            {props.tags}
          </div>
          {props.subTitle && <div className="page-header-sub">{props.subTitle}</div>}
        </div>
        {props.extra && <div style={{ flexShrink: 0 }}>{props.extra}</div>}
      </div>
      {props.children}
    </div>
  );
}
