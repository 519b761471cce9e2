/**
 * Accessibility: axe finds no serious or critical violations (WCAG 2.1 A
 * and AA, contrast included) in any state of the app, in the light and the
 * dark theme and on a phone; touch targets are at least 44 px.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { GATED_STROKES, NOT_A_DIGIT_STROKES } from '../test/fixtures/digit-strokes';
import { drawAndSettle, drawDigit, drawStrokes, expectSource, waitForPhaseOne } from './support/app';

async function expectAccessible(page: Page, state: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => `${n.target.join(' ')} ${n.failureSummary ?? ''}`).join(' | ')}`),
    state,
  ).toEqual([]);
}

/** Walks the app through its states, checking each. */
async function everyState(page: Page): Promise<void> {
  await page.goto('/');
  await waitForPhaseOne(page);
  await expectAccessible(page, 'empty');

  await drawDigit(page, 3);
  await expectAccessible(page, 'a sure answer');

  // The full model held back: the card shows the device's guess, dimmed.
  let release = () => undefined as void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/*:predict', async (route) => {
    await held;
    await route.continue();
  });
  await page.getByTestId('clear').click();
  await drawStrokes(page, GATED_STROKES);
  await expect(page.getByTestId('prediction-state')).toHaveAttribute('data-state', 'checking');
  await expectAccessible(page, 'checking with the full model');
  release();
  await expectSource(page, 'cloud');
  await expect(page.getByTestId('revision-notice')).toBeVisible();
  await expectAccessible(page, 'a revision, with its notice');
  await page.getByTestId('revision-dismiss').click();
  await page.unroute('**/*:predict');

  await drawAndSettle(page, NOT_A_DIGIT_STROKES);
  await page.getByTestId('prediction').getByTestId('feedback-wrong').click();
  await expectAccessible(page, 'not a digit, with the picker open');
  await page.getByTestId('prediction').getByTestId('feedback-digit-4').click();
  await page.getByTestId('history-item').nth(1).getByTestId('history-feedback-toggle').click();
  await page.getByText('Advanced').click();
  await expectAccessible(page, 'labelled, a history card open, advanced settings');

  await page.context().setOffline(true);
  await drawAndSettle(
    page,
    GATED_STROKES.map((stroke) => stroke.map(([x, y]) => [x + 8, y + 5] as const)),
  );
  await expect(page.getByTestId('prediction-state')).toHaveAttribute('data-state', 'waiting');
  await expectAccessible(page, 'offline, waiting for the full model');
  await page.getByTestId('connection').click();
  await expect(page.getByTestId('outbox-panel')).toBeVisible();
  await expectAccessible(page, 'the outbox');
  await page.keyboard.press('Escape');
  await page.context().setOffline(false);

  await page.getByTestId('about-open').click();
  await expect(page.getByTestId('about')).toBeVisible();
  await expectAccessible(page, 'about');
  await page.keyboard.press('Escape');

  await page.getByTestId('draw-pad').focus();
  await page.keyboard.press('ArrowUp');
  await expect(page.getByTestId('pen-cursor')).toBeVisible();
  await expectAccessible(page, 'drawing with the keyboard');
}

test('light theme: every state is accessible', async ({ page }) => {
  test.setTimeout(120_000);
  await everyState(page);
});

test.describe('dark theme', () => {
  test.use({ colorScheme: 'dark' });
  test('every state is accessible', async ({ page }) => {
    test.setTimeout(120_000);
    await everyState(page);
  });
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('the app is accessible and its controls are at least 44 px', async ({ page }) => {
    await page.goto('/');
    await waitForPhaseOne(page);
    await drawDigit(page, 7);
    await expectAccessible(page, 'a phone');
    await page.getByTestId('prediction').getByTestId('feedback-wrong').click();
    const small = await page.evaluate(() =>
      [...document.querySelectorAll('button, input, select, summary, [role="application"]')]
        .filter((el) => (el as HTMLElement).offsetParent !== null)
        .map((el) => {
          const box = (el.closest('label') ?? el).getBoundingClientRect();
          return { el: `${el.tagName.toLowerCase()}[${el.getAttribute('data-testid') ?? el.textContent?.trim() ?? ''}]`, width: box.width, height: box.height };
        })
        .filter(({ width, height }) => width < 43.5 || height < 43.5),
    );
    expect(small).toEqual([]);
  });
});
