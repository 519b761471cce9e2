/**
 * The app as a person uses it: the next digit starts with the next stroke
 * (undo brings the old one back), keyboard drawing never scrolls the page, a
 * phone shows the answer beside the pad, nothing is wider than the screen,
 * the cloud check and revisions are visible (after reconnecting too), "not
 * a digit" can be corrected, the connection pill opens the outbox, the
 * threshold slider says what it costs, and each answer is announced once.
 */
import { expect, test, type Page } from '@playwright/test';
import { NEXT_DIGIT_PAUSE_MS } from '../src/app/DrawPad/pad-drawings';
import { DIGIT_STROKES, GATED_DIGIT, GATED_STROKES, NOT_A_DIGIT_STROKES } from '../test/fixtures/digit-strokes';
import { drawAndSettle, drawDigit, drawStrokes, expectSource, useSettings, waitForPhaseOne } from './support/app';

async function open(page: Page, settings?: Record<string, unknown>): Promise<void> {
  if (settings) await useSettings(page, settings);
  await page.goto('/');
  await waitForPhaseOne(page);
}

/** Pixels with ink on the pad. */
const inkOnPad = (page: Page) =>
  page.getByTestId('draw-pad').evaluate((canvas: HTMLCanvasElement) => {
    const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
    return data.filter((v, i) => i % 4 === 3 && v > 0).length;
  });

/** Elements that reach past the viewport's sides, and the page's own overflow. */
const tooWide = (page: Page) =>
  page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out: string[] = [];
    for (const el of document.querySelectorAll('body *')) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      if (box.right > width + 0.5 || box.left < -0.5)
        out.push(`${el.tagName.toLowerCase()}.${String(el.className)}: ${Math.round(box.left)}..${Math.round(box.right)}`);
    }
    if (document.documentElement.scrollWidth > width) out.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
    return out;
  });

/** Records what the live region says from now on. */
async function listenToAnnouncements(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const region = document.querySelector('[data-testid="announcer"]');
    const said: string[] = [];
    (window as unknown as { said: string[] }).said = said;
    if (region) new MutationObserver(() => said.push(region.textContent ?? '')).observe(region, { childList: true, characterData: true, subtree: true });
  });
  return () => page.evaluate(() => (window as unknown as { said: string[] }).said.filter((text) => text.trim() !== ''));
}

const label = (page: Page) => page.getByTestId('prediction-label');
const history = (page: Page) => page.getByTestId('history-item');

test.describe('next digit', () => {
  test('after an answer, the next stroke starts a new drawing; undo brings the old one back with its answer', async ({ page }) => {
    await open(page);
    await drawDigit(page, 1);
    await expect(label(page)).toHaveText('1');
    const inkOfOne = await inkOnPad(page);
    await page.waitForTimeout(NEXT_DIGIT_PAUSE_MS);

    await drawStrokes(page, DIGIT_STROKES[7] ?? []);
    await expect(label(page)).toHaveText('7');
    await expect(page.getByTestId('prediction-latency')).toBeVisible();
    await expect(history(page)).toHaveCount(2);

    await page.getByTestId('undo').click();
    await expect(label(page)).toHaveText('1');
    await expect(page.getByTestId('prediction-state')).toHaveAttribute('data-state', 'settled');
    // The same strokes, painted at once rather than as they came: the same ink but for anti-aliasing.
    expect(Math.abs((await inkOnPad(page)) - inkOfOne)).toBeLessThan(inkOfOne * 0.02);
    // The old answer is back as it was: nothing was read again.
    await expect(history(page)).toHaveCount(2);
  });

  test('with the setting off, the next stroke adds to the drawing', async ({ page }) => {
    await open(page, { nextDigit: false });
    await expect(page.getByTestId('setting-next-digit')).not.toBeChecked();
    await drawDigit(page, 1);
    await page.waitForTimeout(NEXT_DIGIT_PAUSE_MS);
    const inkOfOne = await inkOnPad(page);
    await drawStrokes(page, DIGIT_STROKES[7] ?? []);
    await expect(page.getByTestId('prediction-latency')).toBeVisible();
    expect(await inkOnPad(page)).toBeGreaterThan(inkOfOne);
    // One drawing, one entry: its answer replaced.
    await expect(history(page)).toHaveCount(1);
  });

  test('an empty pad says where to draw', async ({ page }) => {
    await open(page);
    await expect(page.getByTestId('pad-hint')).toBeVisible();
    await drawDigit(page, 3);
    await expect(page.getByTestId('pad-hint')).toHaveCount(0);
  });
});

test('keyboard drawing: a visible pen and help, and keys that never scroll the page', async ({ page }) => {
  await open(page);
  expect(await page.evaluate(() => document.documentElement.scrollHeight > innerHeight)).toBe(true);
  const pad = page.getByTestId('draw-pad');
  await pad.focus();
  await expect(page.getByTestId('pad-help')).toBeVisible();
  await expect(page.getByTestId('pad-help')).toContainText('Arrow keys draw');
  await expect(pad).toHaveAttribute('aria-describedby', 'pad-help');
  // A one: up from the centre, then down; Space, Enter, Escape and the arrows with the pen up move nothing on the page.
  for (let i = 0; i < 7; i++) await page.keyboard.press('ArrowUp');
  const cursor = page.getByTestId('pen-cursor');
  await expect(cursor).toBeVisible();
  await expect(cursor).toHaveAttribute('data-down', 'true');
  for (let i = 0; i < 14; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press(' ');
  await expect(cursor).toHaveAttribute('data-down', 'false');
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('prediction-latency')).toBeVisible();
  await expect(label(page)).toHaveText('1');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('pad-hint')).toBeVisible();
  await page.keyboard.press('Control+z');
  await expect(label(page)).toHaveText('1');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('pad-hint')).toBeVisible();
  expect(await page.evaluate(() => [scrollX, scrollY])).toEqual([0, 0]);
  await pad.blur();
  await expect(cursor).toHaveCount(0);
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('the answer is in view with the pad, without scrolling', async ({ page }) => {
    await open(page);
    await drawDigit(page, 7);
    expect(await page.evaluate(() => scrollY)).toBe(0);
    for (const id of ['draw-pad', 'prediction-label', 'prediction-level', 'clear', 'connection']) {
      const box = await page.getByTestId(id).boundingBox();
      expect(box, id).not.toBeNull();
      expect(box?.y ?? -1, id).toBeGreaterThanOrEqual(0);
      expect((box?.y ?? 0) + (box?.height ?? 0), id).toBeLessThanOrEqual(844);
    }
  });

  test('nothing is wider than the screen, whatever is open', async ({ page }) => {
    await open(page);
    expect(await tooWide(page)).toEqual([]);
    await drawDigit(page, 4);
    await drawAndSettle(page, GATED_STROKES);
    await expectSource(page, 'cloud');
    expect(await tooWide(page)).toEqual([]);
    await page.getByTestId('revision-dismiss').click();
    await page.getByTestId('prediction').getByTestId('feedback-wrong').click();
    await history(page).nth(1).getByTestId('history-feedback-toggle').click();
    await history(page).nth(1).getByTestId('feedback-wrong').click();
    await page.getByText('Advanced').click();
    expect(await tooWide(page)).toEqual([]);
    await page.getByTestId('connection').click();
    expect(await tooWide(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await page.getByTestId('about-open').click();
    expect(await tooWide(page)).toEqual([]);
  });
});

test('on a wide screen, the pad and the answer sit side by side, and nothing is wider than the screen', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await open(page);
  await drawDigit(page, 5);
  const pad = await page.getByTestId('draw-pad').boundingBox();
  const card = await page.getByTestId('prediction').boundingBox();
  expect(card?.x ?? 0).toBeGreaterThan((pad?.x ?? 0) + (pad?.width ?? 0));
  expect(card?.y ?? 1000).toBeLessThan((pad?.y ?? 0) + (pad?.height ?? 0));
  expect(await tooWide(page)).toEqual([]);
});

test('while the full model is asked, the card says so over the dimmed device guess, then tells of the revision', async ({ page }) => {
  await open(page);
  const card = page.getByTestId('prediction');
  const emptyHeight = (await card.boundingBox())?.height;
  let release = () => undefined as void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/*:predict', async (route) => {
    await held;
    await route.continue();
  });
  const said = await listenToAnnouncements(page);
  await drawStrokes(page, GATED_STROKES);
  const state = page.getByTestId('prediction-state');
  await expect(state).toHaveAttribute('data-state', 'checking');
  await expect(state).toContainText('Checking with the full model…');
  await expect(page.getByTestId('prediction-status')).toHaveAttribute('data-status', 'asking-cloud');
  await expect(page.locator('.answer-body')).toHaveClass(/dimmed/);
  await expect(label(page)).not.toHaveText('');
  await expect(page.getByTestId('prediction-level')).toHaveAttribute('data-level', 'unsure');
  await expect(page.getByTestId('prediction-latency')).toHaveCount(0);
  const checkingHeight = (await card.boundingBox())?.height;

  release();
  await expectSource(page, 'cloud');
  await expect(label(page)).toHaveText(String(GATED_DIGIT));
  await expect(page.getByTestId('prediction-revision')).toHaveAttribute('data-revised', 'true');
  // The device's bars stay beside the full model's.
  await expect(page.getByTestId('probabilities').locator('.edge-bar')).toHaveCount(11);
  const notice = page.getByTestId('revision-notice');
  await expect(notice).toBeVisible();
  await expect(notice).toHaveAttribute('data-label', String(GATED_DIGIT));
  // The card kept its size through every state.
  expect(checkingHeight).toBe(emptyHeight);
  expect((await card.boundingBox())?.height).toBe(emptyHeight);
  // One announcement, for the settled answer: not for the guess, not while drawing.
  expect(await said()).toEqual([`Revised by the full model: ${GATED_DIGIT}.`]);

  await page.getByTestId('revision-dismiss').click();
  await expect(notice).toHaveCount(0);
});

test('a revision that arrives after reconnecting is shown: on the card, and in a notice for an earlier drawing', async ({ page, context }) => {
  await open(page);
  await context.setOffline(true);
  await expect(page.getByTestId('connection')).toHaveAttribute('data-online', 'false');
  await drawAndSettle(page, GATED_STROKES);
  await expect(page.getByTestId('prediction-status')).toHaveAttribute('data-status', 'queued');
  await expect(page.getByTestId('prediction-state')).toHaveAttribute('data-state', 'waiting');
  await expect(page.getByTestId('outbox-count')).not.toHaveText('0');
  await context.setOffline(false);
  await expectSource(page, 'cloud');
  await expect(page.getByTestId('prediction-state')).toContainText('once back online');
  await expect(page.getByTestId('revision-notice')).toBeVisible();
  await page.getByTestId('revision-dismiss').click();

  // Offline again: a hard drawing waits, the user moves on to another digit, then the app reconnects.
  await context.setOffline(true);
  await drawAndSettle(
    page,
    GATED_STROKES.map((stroke) => stroke.map(([x, y]) => [x + 8, y + 5] as const)),
  );
  await drawDigit(page, 1);
  await context.setOffline(false);
  const notice = page.getByTestId('revision-notice');
  await expect(notice).toBeVisible();
  await expect(notice).toHaveAttribute('data-label', String(GATED_DIGIT));
  await expect(label(page)).toHaveText('1');
  await expect(history(page).nth(1)).toHaveAttribute('data-origin', 'cloud');
});

test('each settled answer is announced once, not the readings while drawing', async ({ page }) => {
  await open(page);
  const said = await listenToAnnouncements(page);
  await drawDigit(page, 3);
  await drawDigit(page, 3);
  // The same answer twice is still two announcements.
  expect(await said()).toHaveLength(2);
  expect((await said())[0]).toMatch(/^3\./);
});

test('"not a digit" is said plainly, and the user can say it was a digit, on the card or in the history', async ({ page }) => {
  await open(page);
  await drawAndSettle(page, NOT_A_DIGIT_STROKES);
  await expect(label(page)).toHaveText('not a digit');
  const card = page.getByTestId('prediction');
  const wrong = card.getByTestId('feedback-wrong');
  await expect(wrong).toHaveText(/It was a digit/);
  await wrong.click();
  await expect(card.getByTestId('feedback-not-digit')).toBeVisible();
  await card.getByTestId('feedback-digit-4').click();
  await expect(card.getByTestId('feedback-state')).toHaveAttribute('data-label', '4');
  const item = history(page).first();
  await expect(item).toHaveAttribute('data-feedback', '4');
  await expect(item.getByTestId('history-label-state')).toContainText('Labelled 4');
  await expect(item.getByTestId('history-thumbnail')).toBeVisible();

  await item.getByTestId('history-feedback-toggle').click();
  await item.getByTestId('feedback-right').click();
  await expect(item).toHaveAttribute('data-feedback', 'not-a-digit');
  await expect(item.getByTestId('history-label-state')).toContainText('Labelled not a digit');
});

test('the connection pill opens the outbox, whose retry sends what waits', async ({ page }) => {
  await open(page);
  const pill = page.getByTestId('connection');
  await expect(pill).toHaveAttribute('data-online', 'true');
  await page.route('**/*:predict', (route) =>
    route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":"shutting down","code":"SHUTTING_DOWN"}' }),
  );
  await drawAndSettle(page, GATED_STROKES);
  await expect(page.getByTestId('prediction-status')).toHaveAttribute('data-status', 'fallback');
  await expect(page.getByTestId('outbox-count')).not.toHaveText('0');
  await pill.click();
  const panel = page.getByTestId('outbox-panel');
  await expect(panel).toBeVisible();
  const item = panel.locator('[data-testid="outbox-item"][data-kind="prediction"]');
  await expect(item).toHaveCount(1);
  await expect(item).toContainText('Drawing for the full model');
  await expect(panel.getByTestId('status-outbox')).toHaveAttribute('data-count', /^[1-9]/);

  await page.unroute('**/*:predict');
  await panel.getByTestId('outbox-retry').click();
  await expect(item).toHaveCount(0);
  await expect(panel.getByTestId('status-outbox')).toHaveAttribute('data-count', '0');
  await expectSource(page, 'cloud');
  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
});

test('the threshold slider says about how many drawings go to the full model', async ({ page }) => {
  await open(page);
  const share = page.getByTestId('setting-threshold-share');
  await expect(share).toHaveText('About 6 in 100 drawings go to the full model.');
  await page.getByTestId('setting-threshold').fill('0.99');
  await expect(share).toHaveText('About 10 in 100 drawings go to the full model.');
  await page.getByTestId('setting-threshold-reset').click();
  await expect(share).toHaveText('About 6 in 100 drawings go to the full model.');
  await page.getByTestId('setting-mode-only_on_device').check();
  await expect(page.getByTestId('setting-threshold')).toHaveCount(0);
});

test('a sure answer and an unsure one read differently, and the unsure one names its runner-up', async ({ page }) => {
  await open(page, { mode: 'only_on_device' });
  await drawDigit(page, 1);
  await expect(page.getByTestId('prediction-level')).toHaveAttribute('data-level', 'sure');
  await expect(page.getByTestId('prediction-level')).toContainText('Sure');
  const sureSize = await label(page).evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  await drawAndSettle(page, GATED_STROKES);
  await expect(page.getByTestId('prediction-level')).toHaveAttribute('data-level', 'unsure');
  await expect(page.getByTestId('prediction-level')).toContainText('Not sure');
  await expect(page.getByTestId('prediction-runner-up')).toContainText('or maybe');
  expect(await label(page).evaluate((el) => parseFloat(getComputedStyle(el).fontSize))).toBeLessThan(sureSize);
});

test.describe('screenshots for the README', () => {
  // Taken on demand: SCREENSHOTS=1 npx playwright test e2e/design.spec.ts -g screenshots
  test.skip(!process.env['SCREENSHOTS'], 'set SCREENSHOTS=1 to take them');

  test('desktop, phone and dark', async ({ browser }) => {
    const shoot = async (file: string, options: Parameters<typeof browser.newContext>[0], act: (page: Page) => Promise<void>) => {
      const context = await browser.newContext({ deviceScaleFactor: 1, ...options });
      const page = await context.newPage();
      await open(page);
      await act(page);
      await page.mouse.move(0, 0);
      await page.screenshot({ path: `docs/screenshots/${file}` });
      await context.close();
    };
    await shoot('app-desktop.png', { viewport: { width: 1280, height: 800 } }, async (page) => {
      await drawDigit(page, 3);
      await drawDigit(page, 5);
      await page.getByTestId('prediction').getByTestId('feedback-right').click();
      await drawAndSettle(page, GATED_STROKES);
      await expectSource(page, 'cloud');
      await page.getByTestId('revision-dismiss').click();
    });
    await shoot('app-phone.png', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }, async (page) => {
      await drawDigit(page, 7);
    });
    await shoot('app-dark.png', { viewport: { width: 1280, height: 800 }, colorScheme: 'dark' }, async (page) => {
      await drawDigit(page, 1);
      await drawAndSettle(page, NOT_A_DIGIT_STROKES);
      await page.route('**/*:predict', () => new Promise(() => undefined));
      await page.getByTestId('clear').click();
      await drawStrokes(page, GATED_STROKES);
      await expect(page.getByTestId('prediction-state')).toHaveAttribute('data-state', 'checking');
    });
  });
});
