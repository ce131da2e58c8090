import { mkdirSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/harness.ts';
import { createTrackedShipment, type ShipmentRow } from '../support/track-factories.ts';
import { ensureWebBuild } from './web-build.ts';

/**
 * The public tracking page in a real browser (issue 4 §6 and §11): on a phone-sized screen, without
 * logging in, a wrong second factor shows only the generic message, the right one shows the status,
 * promised vs estimated delivery, the delay in plain words and the milestones.
 */

const SHOTS = 'test-results/browser/track';

describe('browser journey: public tracking page', () => {
  let t: TestApp;
  let browser: Browser;
  let shipment: ShipmentRow;

  beforeAll(async () => {
    await ensureWebBuild();
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestApp();
    shipment = await createTrackedShipment(t, {
      shipment: {
        destinationPostcode: '20457',
        consigneePhone: '+49 40 1234 5678',
        status: 'departed',
        promisedAt: new Date('2026-12-20T10:00:00Z'),
        estimatedDeliveryAt: new Date('2026-12-21T06:00:00Z'),
      },
      events: [
        {
          eventCode: 'RECEIVED',
          classifier: 'ACT',
          eventTime: '2026-11-20T09:30:00+08:00',
          location: 'CNSHA',
          locationName: '洋山四期码头',
        },
        {
          eventCode: 'DEPARTED',
          classifier: 'ACT',
          eventTime: '2026-11-22T02:15:00+08:00',
          location: 'CNSHA',
        },
        {
          eventCode: 'ARRIVED',
          classifier: 'EST',
          eventTime: '2026-12-17T08:00:00+01:00',
          location: 'DEHAM',
        },
      ],
      exceptions: [{ kind: 'delay', raisedAt: '2026-11-22T03:00:00Z' }],
    });
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows the generic error for a wrong second factor, then the milestones for the right one', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      const answers: number[] = [];
      page.on('response', (response) => {
        if (response.url().endsWith('/api/track')) answers.push(response.status());
      });
      await page.goto(`${t.baseUrl}/track?number=${shipment.number}`);
      // No login page: the form is there, with the number from the link.
      const number = page.getByLabel('运单号');
      await expect.poll(() => number.inputValue()).toBe(shipment.number);
      expect(page.url()).toContain('/track');

      await page.getByLabel('验证信息').fill('9999');
      await page.getByTestId('track-submit').click();
      const error = page.getByTestId('track-error');
      await error.waitFor();
      await expect.poll(() => error.textContent()).toContain('未找到该运单，或验证信息不正确');
      expect(await page.getByTestId('track-result').count()).toBe(0);
      expect(answers).toEqual([404]);
      await page.screenshot({ path: `${SHOTS}/1-wrong-factor.png`, fullPage: true });

      await page.getByLabel('验证信息').fill('20457');
      await page.getByTestId('track-submit').click();
      const result = page.getByTestId('track-result');
      await result.waitFor();
      expect(await page.getByTestId('track-error').count()).toBe(0);
      expect(answers).toEqual([404, 200]);
      await expect.poll(() => page.getByTestId('track-number').textContent()).toBe(shipment.number);
      await expect.poll(() => page.getByTestId('track-status').textContent()).toBe('运输中（已出发）');
      // Promised vs estimated (display zone, Asia/Shanghai) and the delay in plain words.
      expect(await page.getByTestId('track-promised').textContent()).toBe('2026-12-20 18:00');
      expect(await page.getByTestId('track-estimated').textContent()).toBe('2026-12-21 14:00');
      expect(await result.textContent()).toContain('晚于承诺时间');
      expect(await page.getByTestId('track-exceptions').textContent()).toContain(
        '运输延误，预计送达时间更新为 2026-12-21 14:00。',
      );
      // Milestones in order, in words, at the place's local time.
      const milestones = page.getByTestId('track-milestone');
      await expect.poll(() => milestones.count()).toBe(3);
      const texts = await milestones.allTextContents();
      expect(texts[0]).toContain('已收货');
      expect(texts[0]).toContain('洋山四期码头 · CNSHA');
      expect(texts[0]).toContain('2026-11-20 09:30 (UTC+08:00)');
      expect(texts[1]).toContain('已出发');
      expect(texts[2]).toContain('预计到达');
      expect(texts[2]).toContain('2026-12-17 08:00 (UTC+01:00)');
      // Nothing personal on the page.
      const body = (await page.locator('body').textContent()) ?? '';
      for (const secret of ['Hamburg Import GmbH', '5678', '精密轴承', 'PO-2026-0815']) {
        expect(body).not.toContain(secret);
      }
      // The page is usable on a phone: no horizontal scrolling.
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      await page.screenshot({ path: `${SHOTS}/2-found.png`, fullPage: true });

      // The English switch words the same view in English.
      await page.getByTestId('track-language').click();
      await page.getByText('English', { exact: true }).click();
      await expect.poll(() => page.getByTestId('track-status').textContent()).toBe('In transit (departed)');
      await expect.poll(() => milestones.nth(1).textContent()).toContain('Departed');
      expect(await page.getByTestId('track-exceptions').textContent()).toContain(
        'Delayed in transit; the estimated delivery is now 2026-12-21 14:00.',
      );
      await page.screenshot({ path: `${SHOTS}/3-english.png`, fullPage: true });
    } finally {
      await context.close();
    }
  });
});
