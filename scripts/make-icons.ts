/**
 * Draws the app's icons (192, 512 and a maskable 512) from the same strokes
 * the browser tests draw: a white "2" on the theme colour. Run with
 * `npx tsx scripts/make-icons.ts`; the PNGs are committed under public/icons.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { DIGIT_STROKES, PAD_SIZE, rasterizeStrokes } from '../test/fixtures/digit-strokes';

const THEME = [0x1f, 0x29, 0x37] as const;

function icon(size: number, { maskable }: { maskable: boolean }): Buffer {
  // Maskable icons may be cropped to a circle: keep the glyph inside the central 60%.
  const glyphShare = maskable ? 0.6 : 0.78;
  const ink = rasterizeStrokes(DIGIT_STROKES[2] ?? [], 26);
  const png = new PNG({ width: size, height: size });
  const radius = maskable ? 0 : size * 0.18;
  const glyph = size * glyphShare;
  const offset = (size - glyph) / 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      // Rounded corners outside the maskable variant.
      const cx = Math.max(radius - x, 0, x - (size - 1 - radius));
      const cy = Math.max(radius - y, 0, y - (size - 1 - radius));
      const inside = radius === 0 || cx * cx + cy * cy <= radius * radius;
      const gx = Math.floor(((x - offset) / glyph) * PAD_SIZE);
      const gy = Math.floor(((y - offset) / glyph) * PAD_SIZE);
      const onGlyph = gx >= 0 && gy >= 0 && gx < PAD_SIZE && gy < PAD_SIZE && (ink[gy * PAD_SIZE + gx] ?? 0) > 0;
      const [r, g, b] = onGlyph ? [255, 255, 255] : THEME;
      png.data[i] = r;
      png.data[i + 1] = g;
      png.data[i + 2] = b;
      png.data[i + 3] = inside ? 255 : 0;
    }
  }
  return PNG.sync.write(png);
}

mkdirSync('public/icons', { recursive: true });
writeFileSync('public/icons/icon-192.png', icon(192, { maskable: false }));
writeFileSync('public/icons/icon-512.png', icon(512, { maskable: false }));
writeFileSync('public/icons/icon-maskable-512.png', icon(512, { maskable: true }));
console.log('wrote public/icons/icon-192.png, icon-512.png, icon-maskable-512.png');
