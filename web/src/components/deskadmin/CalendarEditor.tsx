import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, DatePicker, Empty, Form, Input, Row, Select, Space, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { errorText, fieldMessage } from '../../lib/forms';
import { dayjs } from '../../lib/time';
import { type BusinessCalendar, deskApi, WEEKDAYS, type Weekday, type WorkingPeriod } from './api';

interface CalendarForm {
  timeZone: string;
  weeklyHours: Record<Weekday, WorkingPeriod[]>;
  holidays: { range?: [Dayjs, Dayjs]; name?: string }[];
  makeUpWorkdays: { date?: Dayjs; name?: string; hours?: WorkingPeriod[] }[];
}

const PROBLEMS: [string, string][] = [
  ['is also a holiday', 'alsoHoliday'],
  ['must be a date YYYY-MM-DD', 'date'],
  ['must be a time HH:MM from 00:00 to 23:59', 'startTime'],
  ['must be a time HH:MM from 00:01 to 24:00', 'endTime'],
  ['must be after the start', 'afterStart'],
  ['must be an IANA time zone such as Asia/Shanghai', 'timeZone'],
  ['must not be before the first day', 'beforeFirst'],
  ['periods must be in order and must not overlap', 'overlap'],
  ['the week needs at least one working period', 'emptyWeek'],
  ['a holiday lasts at most', 'tooLong'],
];

/** The calendar rules' messages (domain/sla.ts) in the user's language; others as the server said them. */
function problemText(
  t: (key: string) => string,
  problem: { message: string; code?: string },
  fallback: string,
) {
  const known = PROBLEMS.find(([text]) => problem.message.startsWith(text));
  return known ? t(`deskAdmin.calendar.problem.${known[1]}`) : fallback;
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const DAY = 'YYYY-MM-DD';

function toForm(calendar: BusinessCalendar): CalendarForm {
  return {
    timeZone: calendar.timeZone,
    weeklyHours: Object.fromEntries(
      WEEKDAYS.map((day) => [day, (calendar.weeklyHours[day] ?? []).map((p) => ({ ...p }))]),
    ) as Record<Weekday, WorkingPeriod[]>,
    holidays: [...(calendar.holidays ?? [])]
      .sort((a, b) => a.from.localeCompare(b.from))
      .map((h) => ({ range: [dayjs(h.from), dayjs(h.to ?? h.from)], name: h.name })),
    makeUpWorkdays: [...(calendar.makeUpWorkdays ?? [])]
      .sort((a, b) => a.date.localeCompare(b.date))
      .map((m) => ({ date: dayjs(m.date), name: m.name, hours: m.hours })),
  };
}

function fromForm(values: CalendarForm): BusinessCalendar {
  const weeklyHours: BusinessCalendar['weeklyHours'] = {};
  for (const day of WEEKDAYS) {
    const periods = (values.weeklyHours?.[day] ?? []).filter((p) => p?.start || p?.end);
    if (periods.length) weeklyHours[day] = periods.map((p) => ({ start: p.start.trim(), end: p.end.trim() }));
  }
  return {
    timeZone: values.timeZone,
    weeklyHours,
    holidays: (values.holidays ?? [])
      .filter((h) => h?.range)
      .map((h) => {
        const from = h.range![0].format(DAY);
        const to = h.range![1].format(DAY);
        return { from, ...(to !== from ? { to } : {}), ...(h.name?.trim() ? { name: h.name.trim() } : {}) };
      }),
    makeUpWorkdays: (values.makeUpWorkdays ?? [])
      .filter((m) => m?.date)
      .map((m) => ({
        date: m.date!.format(DAY),
        ...(m.name?.trim() ? { name: m.name.trim() } : {}),
        ...(m.hours?.length ? { hours: m.hours } : {}),
      })),
  };
}

/** "holidays/0/to", "/weeklyHours/mon/0/start" or "holidays.0.to" → the form's name path. */
function formPath(field: string): (string | number)[] {
  const parts = field
    .replace(/^\/+/, '')
    .replace(/^(body|calendar)[./]/, '')
    .split(/[./]/)
    .filter(Boolean)
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  if (parts[0] === 'holidays' && parts.length >= 3) return ['holidays', parts[1], 'range'];
  if (parts[0] === 'makeUpWorkdays' && parts.length >= 3 && parts[2] !== 'hours')
    return ['makeUpWorkdays', parts[1], 'date'];
  return parts;
}

const timeRules = (message: string) => [{ required: true, pattern: TIME, message }];

/** Working periods of one weekday: several periods make breaks (09:00–12:00, 13:00–18:00). */
function DayPeriods({ day }: { day: Weekday }) {
  const { t } = useTranslation();
  return (
    <Form.List name={['weeklyHours', day]}>
      {(fields, { add, remove }) => (
        <Row gutter={8} align="top" style={{ marginBottom: 8 }} data-testid={`calendar-day-${day}`}>
          <Col flex="72px" style={{ paddingTop: 5 }}>
            <Typography.Text strong>{t(`deskAdmin.calendar.weekday.${day}`)}</Typography.Text>
          </Col>
          <Col flex="auto">
            <Space wrap size={[12, 4]}>
              {fields.length === 0 && (
                <Typography.Text type="secondary">{t('deskAdmin.calendar.dayOff')}</Typography.Text>
              )}
              {fields.map((field) => (
                <Space.Compact key={field.key}>
                  <Form.Item
                    name={[field.name, 'start']}
                    rules={timeRules(t('deskAdmin.calendar.timeFormat'))}
                    style={{ marginBottom: 0 }}
                  >
                    <Input
                      style={{ width: 76 }}
                      placeholder="09:00"
                      aria-label={t('deskAdmin.calendar.start')}
                    />
                  </Form.Item>
                  <Form.Item
                    name={[field.name, 'end']}
                    rules={timeRules(t('deskAdmin.calendar.timeFormat'))}
                    style={{ marginBottom: 0 }}
                  >
                    <Input
                      style={{ width: 76 }}
                      placeholder="18:00"
                      aria-label={t('deskAdmin.calendar.end')}
                    />
                  </Form.Item>
                  <Button
                    icon={<DeleteOutlined />}
                    aria-label={t('common.remove')}
                    onClick={() => remove(field.name)}
                  />
                </Space.Compact>
              ))}
              <Button
                type="dashed"
                size="small"
                icon={<PlusOutlined />}
                onClick={() =>
                  add(fields.length ? { start: '13:00', end: '18:00' } : { start: '09:00', end: '18:00' })
                }
              >
                {fields.length ? t('deskAdmin.calendar.addBreak') : t('deskAdmin.calendar.addPeriod')}
              </Button>
            </Space>
          </Col>
        </Row>
      )}
    </Form.List>
  );
}

/** 工作日历: the time zone, the working week with breaks, public holidays and 调休 make-up workdays. */
export function CalendarEditor() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<CalendarForm>();
  const calendar = useQuery({
    queryKey: ['slaCalendar'],
    queryFn: () => deskApi.get<BusinessCalendar>('/api/sla-calendar'),
  });
  useEffect(() => {
    if (calendar.data) form.setFieldsValue(toForm(calendar.data));
  }, [calendar.data, form]);

  const zones = useMemo(() => {
    const supported = (Intl as unknown as { supportedValuesOf?: (key: string) => string[] })
      .supportedValuesOf;
    const list = supported ? supported('timeZone') : ['Asia/Shanghai', 'Asia/Hong_Kong', 'UTC'];
    return list.map((zone) => ({ value: zone, label: zone }));
  }, []);

  const save = useMutation({
    mutationFn: (values: CalendarForm) =>
      deskApi.put<BusinessCalendar>('/api/sla-calendar', fromForm(values)),
    onSuccess: (saved) => {
      message.success(t('deskAdmin.calendar.saved'));
      queryClient.setQueryData(['slaCalendar'], saved);
      void queryClient.invalidateQueries({ queryKey: ['slaCalendar'] });
    },
    onError: (error) => {
      if (error instanceof ApiError && error.errors.length) {
        const registered = new Set<string>();
        form.getFieldsValue(true, (meta) => {
          if (meta) registered.add(meta.name.join('.'));
          return false;
        });
        const byPath = new Map<string, { name: (string | number)[]; errors: string[] }>();
        const unplaced: string[] = [];
        for (const problem of error.errors) {
          const name = formPath(problem.field);
          const key = name.join('.');
          if (!registered.has(key)) {
            unplaced.push(`${problem.field}: ${problemText(t, problem, fieldMessage(t, problem))}`);
            continue;
          }
          const entry = byPath.get(key) ?? { name, errors: [] };
          entry.errors.push(problemText(t, problem, fieldMessage(t, problem)));
          byPath.set(key, entry);
        }
        form.setFields([...byPath.values()] as never);
        message.error([t('deskAdmin.calendar.invalid'), ...unplaced].join(' '));
      } else message.error(errorText(t, error));
    },
  });

  return (
    <Card
      title={t('deskAdmin.calendar.title')}
      loading={calendar.isLoading}
      extra={
        <Button
          type="primary"
          loading={save.isPending}
          onClick={() => form.submit()}
          data-testid="calendar-save"
        >
          {t('deskAdmin.calendar.save')}
        </Button>
      }
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={(values) => save.mutate(values)}
        data-testid="calendar-form"
      >
        <Form.Item name="timeZone" label={t('deskAdmin.calendar.timeZone')} rules={[{ required: true }]}>
          <Select showSearch options={zones} style={{ maxWidth: 320 }} />
        </Form.Item>
        <Form.Item label={t('deskAdmin.calendar.week')} help={t('deskAdmin.calendar.weekHint')}>
          <div>
            {WEEKDAYS.map((day) => (
              <DayPeriods key={day} day={day} />
            ))}
          </div>
        </Form.Item>
        <Row gutter={24}>
          <Col xs={24} xl={14}>
            <Typography.Title level={5}>{t('deskAdmin.calendar.holidays')}</Typography.Title>
            <Form.List name="holidays">
              {(fields, { add, remove }) => (
                <div data-testid="calendar-holidays">
                  {fields.length === 0 && (
                    <Empty
                      image={Empty.PRESENTED_IMAGE_SIMPLE}
                      description={t('deskAdmin.calendar.noHolidays')}
                    />
                  )}
                  {fields.map((field) => (
                    <Space
                      key={field.key}
                      align="start"
                      style={{ display: 'flex' }}
                      data-testid="holiday-row"
                    >
                      <Form.Item
                        name={[field.name, 'range']}
                        rules={[{ required: true, message: t('deskAdmin.calendar.dateRequired') }]}
                      >
                        <DatePicker.RangePicker
                          allowEmpty={[false, true]}
                          placeholder={[t('deskAdmin.calendar.from'), t('deskAdmin.calendar.to')]}
                        />
                      </Form.Item>
                      <Form.Item name={[field.name, 'name']}>
                        <Input
                          placeholder={t('deskAdmin.calendar.holidayName')}
                          aria-label={t('deskAdmin.calendar.holidayName')}
                          maxLength={60}
                        />
                      </Form.Item>
                      <Button
                        icon={<DeleteOutlined />}
                        aria-label={t('common.remove')}
                        onClick={() => remove(field.name)}
                      />
                    </Space>
                  ))}
                  <Button
                    type="dashed"
                    icon={<PlusOutlined />}
                    onClick={() => add({})}
                    data-testid="holiday-add"
                  >
                    {t('deskAdmin.calendar.addHoliday')}
                  </Button>
                </div>
              )}
            </Form.List>
          </Col>
          <Col xs={24} xl={10}>
            <Typography.Title level={5}>{t('deskAdmin.calendar.makeUp')}</Typography.Title>
            <Typography.Paragraph type="secondary">{t('deskAdmin.calendar.makeUpHint')}</Typography.Paragraph>
            <Form.List name="makeUpWorkdays">
              {(fields, { add, remove }) => (
                <div data-testid="calendar-makeup">
                  {fields.map((field) => (
                    <Space key={field.key} align="start" style={{ display: 'flex' }}>
                      <Form.Item
                        name={[field.name, 'date']}
                        rules={[{ required: true, message: t('deskAdmin.calendar.dateRequired') }]}
                      >
                        <DatePicker placeholder={t('deskAdmin.calendar.date')} style={{ width: 140 }} />
                      </Form.Item>
                      <Form.Item name={[field.name, 'name']}>
                        <Input placeholder={t('deskAdmin.calendar.makeUpName')} maxLength={60} />
                      </Form.Item>
                      <Button
                        icon={<DeleteOutlined />}
                        aria-label={t('common.remove')}
                        onClick={() => remove(field.name)}
                      />
                    </Space>
                  ))}
                  <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({})}>
                    {t('deskAdmin.calendar.addMakeUp')}
                  </Button>
                </div>
              )}
            </Form.List>
          </Col>
        </Row>
      </Form>
    </Card>
  );
}
