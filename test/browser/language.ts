import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * Switches the app to English from the header's language menu. The menu opens on hover and
 * animates in; on a busy machine a click can land while it is still opening and do nothing, so
 * the switch is retried until the header says English (and fails if it never does).
 */
export async function switchToEnglish(page: Page): Promise<void> {
  const button = page.getByTestId('language-switch');
  await expect
    .poll(
      async () => {
        if ((await button.textContent())?.includes('English')) return 'en';
        await button.hover();
        await page
          .getByRole('menuitem', { name: 'English' })
          .click({ timeout: 5_000 })
          .catch(() => undefined);
        return (await button.textContent())?.includes('English') ? 'en' : 'zh-CN';
      },
      { timeout: 60_000, interval: 500 },
    )
    .toBe('en');
}
