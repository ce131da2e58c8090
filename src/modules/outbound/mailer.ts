import nodemailer, { type Transporter } from 'nodemailer';
import { shortResponse } from '../../domain/outbound.ts';

/**
 * Email through SMTP (`SMTP_URL`, e.g. `smtp://user:pass@mail.example.com:587` or
 * `smtps://…:465`). The sender address is the URL's `from` query parameter
 * (`smtp://mail.example.com:25/?from=noreply%40example.com`), else `Liaison <noreply@liaison.local>`.
 * Without SMTP_URL every email attempt fails with a clear error and is retried on the normal
 * schedule, so mail queued before SMTP is configured still goes out once it is (within the
 * attempts allowed).
 */
export interface MailOutcome {
  ok: boolean;
  statusCode: number | null;
  response: string | null;
  error: string | null;
  permanent?: boolean;
}

export interface Mail {
  to: string;
  subject: string;
  text: string;
  /** Our message id, sent as X-Liaison-Delivery for tracing. */
  messageId: string;
}

const DEFAULT_FROM = 'Liaison <noreply@liaison.local>';
const transports = new Map<string, { transport: Transporter; from: string }>();

function transportFor(smtpUrl: string): { transport: Transporter; from: string } {
  const cached = transports.get(smtpUrl);
  if (cached) return cached;
  const url = new URL(smtpUrl);
  const from = url.searchParams.get('from') || DEFAULT_FROM;
  url.searchParams.delete('from');
  const transport = nodemailer.createTransport({
    url: url.toString(),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  const entry = { transport, from };
  transports.set(smtpUrl, entry);
  return entry;
}

function replyCode(text: string | undefined): number | null {
  const match = text ? /^(\d{3})/.exec(text) : null;
  return match ? Number(match[1]) : null;
}

export async function sendMail(smtpUrl: string | undefined, mail: Mail): Promise<MailOutcome> {
  if (!smtpUrl) {
    return {
      ok: false,
      statusCode: null,
      response: null,
      error: 'SMTP is not configured (set SMTP_URL); the email will be retried',
    };
  }
  if (!mail.to)
    return { ok: false, statusCode: null, response: null, error: 'no recipient', permanent: true };
  let entry: { transport: Transporter; from: string };
  try {
    entry = transportFor(smtpUrl);
  } catch (error) {
    return { ok: false, statusCode: null, response: null, error: `SMTP_URL is not valid: ${String(error)}` };
  }
  try {
    const info = await entry.transport.sendMail({
      from: entry.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      headers: { 'X-Liaison-Delivery': mail.messageId },
    });
    const response = typeof info.response === 'string' ? info.response : '';
    const refused = Array.isArray(info.rejected) ? info.rejected.map(String) : [];
    const rejected = refused.length > 0;
    return {
      ok: !rejected,
      statusCode: replyCode(response),
      response: shortResponse(response),
      error: rejected ? `rejected: ${refused.join(', ')}` : null,
      permanent: rejected,
    };
  } catch (error) {
    const err = error as Error & { responseCode?: number; response?: string; code?: string };
    const code = typeof err.responseCode === 'number' ? err.responseCode : null;
    return {
      ok: false,
      statusCode: code,
      response: err.response ? shortResponse(err.response) : null,
      error: shortResponse(`${err.code ? `${err.code}: ` : ''}${err.message}`),
      // 5xx is the server's final word on this message (no such mailbox, refused); 4xx is "later".
      permanent: code !== null && code >= 500,
    };
  }
}
