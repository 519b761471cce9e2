/**
 * Drawing in the browser: the ten digits are read correctly by mouse, keyboard
 * and touch, and the card, live preview, cache, undo and clear behave as the
 * user expects.
 */
import { expect, test } from '@playwright/test';
import { DIGIT_STROKES } from '../test/fixtures/digit-strokes';
import { densify, drawDigit, padToPage, shownAnswer, waitForPhaseOne } from './support/app';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await waitForPhaseOne(page);
});

test('the ten digits drawn with pointer events are read correctly', async ({ page }) => {
  for (const digit of Object.keys(DIGIT_STROKES).map(Number)) {
    await drawDigit(page, digit);
    const answer = await shownAnswer(page);
    expect(answer.label, `digit ${digit}`).toBe(String(digit));
    expect(['edge', 'cloud']).toContain(answer.source);
    expect(answer.status).toBe('final');
  }
  // Ten drawings, ten entries, newest first.
  const history = page.getByTestId('history').locator('li');
  await expect(history).toHaveCount(10);
  await expect(history.first().locator('.history-label')).toHaveText('9');
  await expect(page.getByTestId('history-item')).toHaveCount(10);
});

test('the card shows the probability of each digit and of "not a digit", the source and the latency', async ({ page }) => {
  await drawDigit(page, 4);
  const bars = page.getByTestId('probabilities').locator('li');
  await expect(bars).toHaveCount(11);
  await expect(bars.nth(4)).toHaveClass('top');
  await expect(bars.nth(10)).toHaveAttribute('aria-label', /^not a digit: [<>]?\d+%$/);
  // Rounded: a whole percentage, never 100% or 0% for what is not certain.
  await expect(page.getByTestId('prediction-confidence')).toHaveText(/^[<>]?\d+%$/);
  await expect(page.getByTestId('prediction-latency')).toHaveText(/^\d+(\.\d)? ms$/);
});

test('the prediction updates while the user draws, before the stroke ends', async ({ page }) => {
  const at = await padToPage(page);
  const [top, bottom] = [at([150, 40]), at([150, 245])];
  await page.mouse.move(top.x, top.y);
  await page.mouse.down();
  await page.mouse.move(bottom.x, bottom.y, { steps: 20 });
  // Still pressing: the small model's preview is already on the card.
  await expect(page.getByTestId('prediction-label')).toHaveText('1');
  await expect(page.getByTestId('prediction-state')).toHaveAttribute('data-state', 'reading');
  await expect(page.getByText('Reading your drawing…')).toBeVisible();
  await page.mouse.up();
  await expect(page.getByTestId('prediction-latency')).toBeVisible();
  await expect(page.getByText('Reading your drawing…')).toHaveCount(0);
});

test('a repeated drawing is answered from the cache', async ({ page }) => {
  await drawDigit(page, 3);
  expect((await shownAnswer(page)).source).toBe('edge');
  await drawDigit(page, 3);
  expect(await shownAnswer(page)).toEqual({ label: '3', source: 'cache', status: 'final' });
  await expect(page.getByTestId('history').locator('li').first()).toHaveAttribute('data-source', 'cache');
});

test('undo removes the last stroke, clear empties the pad and the card', async ({ page }) => {
  // A four is two strokes; without its second stroke it is no longer a four.
  await drawDigit(page, 4);
  await expect(page.getByTestId('prediction-label')).toHaveText('4');
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('prediction-label')).not.toHaveText('4');
  await page.getByTestId('clear').click();
  await expect(page.getByTestId('prediction-label')).toHaveText('');
  const ink = await page.getByTestId('draw-pad').evaluate((canvas: HTMLCanvasElement) => {
    const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
    return data.filter((v, i) => i % 4 === 3 && v > 0).length;
  });
  expect(ink).toBe(0);
});

test('a digit can be drawn with the keyboard alone', async ({ page }) => {
  await page.getByTestId('draw-pad').focus();
  // A one: the pen starts at the centre, goes up, then all the way down.
  for (let i = 0; i < 7; i++) await page.keyboard.press('ArrowUp');
  for (let i = 0; i < 14; i++) await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('prediction-latency')).toBeVisible();
  await expect(page.getByTestId('prediction-label')).toHaveText('1');
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('a digit drawn by touch is read, and the pad fits the screen', async ({ page }) => {
    const box = await page.getByTestId('draw-pad').boundingBox();
    if (!box) throw new Error('no pad');
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    const cdp = await page.context().newCDPSession(page);
    const at = await padToPage(page);
    const [first, ...rest] = densify(DIGIT_STROKES[7]?.[0] ?? []);
    if (!first) throw new Error('no stroke');
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at(first)] });
    for (const point of rest) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [at(point)] });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await expect(page.getByTestId('prediction-latency')).toBeVisible();
    await expect(page.getByTestId('prediction-label')).toHaveText('7');
  });
});
