/**
 * Turns a clean MNIST digit into something like a digit drawn with a mouse or
 * a finger: an affine warp (rotation, scale, aspect, shear, shift) rendered at
 * 2x resolution, a thicker or thinner stroke, hard edges or blur; then the
 * app's own normalization, so the model sees what the app will feed it.
 */
import { preprocessMnistCom } from '../../src/core/preprocess/mnist-com';
import { createInkRaster, type InkRaster } from '../../src/core/preprocess/raster';
import { uniform } from './random';
import { sampleBilinear } from './bilinear';

const CANVAS = 64;
const UPSCALE = 2;

function warp(pixels: Float32Array, random: () => number): Float32Array {
  const angle = (uniform(random, -18, 18) * Math.PI) / 180;
  const scale = uniform(random, 0.75, 1.25) * UPSCALE;
  const aspect = Math.sqrt(uniform(random, 0.8, 1.25));
  const shear = uniform(random, -0.25, 0.25);
  const shiftX = uniform(random, -6, 6);
  const shiftY = uniform(random, -6, 6);
  // Forward map: src -> dst = R * Shear * S * (src - 14) + centre + shift. Invert per pixel.
  const sx = scale * aspect;
  const sy = scale / aspect;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  // A = R * [[1, shear], [0, 1]] * diag(sx, sy)
  const a = cos * sx;
  const b = (cos * shear - sin) * sy;
  const c = sin * sx;
  const d = (sin * shear + cos) * sy;
  const det = a * d - b * c;
  const out = new Float32Array(CANVAS * CANVAS);
  const cx = CANVAS / 2 + shiftX;
  const cy = CANVAS / 2 + shiftY;
  for (let y = 0; y < CANVAS; y++) {
    for (let x = 0; x < CANVAS; x++) {
      const u = x + 0.5 - cx;
      const v = y + 0.5 - cy;
      const srcX = (d * u - b * v) / det + 14 - 0.5;
      const srcY = (-c * u + a * v) / det + 14 - 0.5;
      out[y * CANVAS + x] = sampleBilinear(pixels, 28, srcX, srcY);
    }
  }
  return out;
}

/** One direction of a max (dilate) or min (erode) filter; outside the canvas is background. */
function morphPass(src: Float32Array, radius: number, dilate: boolean, horizontal: boolean): Float32Array {
  const out = new Float32Array(src.length);
  for (let y = 0; y < CANVAS; y++) {
    for (let x = 0; x < CANVAS; x++) {
      let value = dilate ? 0 : 1;
      for (let k = -radius; k <= radius; k++) {
        const xx = horizontal ? x + k : x;
        const yy = horizontal ? y : y + k;
        const v = xx < 0 || yy < 0 || xx >= CANVAS || yy >= CANVAS ? 0 : src[yy * CANVAS + xx]!;
        value = dilate ? (v > value ? v : value) : v < value ? v : value;
      }
      out[y * CANVAS + x] = value;
    }
  }
  return out;
}

/** A thicker (dilate) or thinner (erode) pen, as a separable square filter. */
function morph(src: Float32Array, radius: number, dilate: boolean): Float32Array {
  return morphPass(morphPass(src, radius, dilate, true), radius, dilate, false);
}

function gaussianBlur(src: Float32Array, sigma: number): Float32Array {
  const radius = Math.ceil(2 * sigma);
  const kernel: number[] = [];
  for (let i = -radius; i <= radius; i++) kernel.push(Math.exp(-(i * i) / (2 * sigma * sigma)));
  const total = kernel.reduce((s, k) => s + k, 0);
  const pass = (input: Float32Array, horizontal: boolean) => {
    const out = new Float32Array(input.length);
    for (let y = 0; y < CANVAS; y++) {
      for (let x = 0; x < CANVAS; x++) {
        let sum = 0;
        for (let k = -radius; k <= radius; k++) {
          const xx = horizontal ? x + k : x;
          const yy = horizontal ? y : y + k;
          if (xx >= 0 && yy >= 0 && xx < CANVAS && yy < CANVAS) sum += (input[yy * CANVAS + xx] ?? 0) * (kernel[k + radius] ?? 0);
        }
        out[y * CANVAS + x] = sum / total;
      }
    }
    return out;
  };
  return pass(pass(src, true), false);
}

function shiftField(pixels: Float32Array, dx: number, dy: number): Float32Array {
  const out = new Float32Array(pixels.length);
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const sx = x - dx;
      const sy = y - dy;
      if (sx >= 0 && sy >= 0 && sx < 28 && sy < 28) out[y * 28 + x] = pixels[sy * 28 + sx] ?? 0;
    }
  }
  return out;
}

export function augmentDigit(pixels: Float32Array, random: () => number): Float32Array {
  let canvas = warp(pixels, random);
  const pen = random();
  if (pen < 0.45) canvas = morph(canvas, 1 + Math.floor(random() * 2), true);
  else if (pen < 0.6) canvas = morph(canvas, 1, false);
  const finish = random();
  if (finish < 0.35) canvas = canvas.map((v) => (v > 0.35 ? 1 : 0));
  else if (finish < 0.65) canvas = gaussianBlur(canvas, uniform(random, 0.5, 1.5));
  const raster: InkRaster = createInkRaster(CANVAS, CANVAS, canvas);
  let normalized: Float32Array;
  try {
    normalized = preprocessMnistCom(raster);
  } catch {
    // Erosion can wipe out a very thin digit: fall back to the clean one.
    normalized = preprocessMnistCom(createInkRaster(28, 28, pixels));
  }
  if (random() < 0.2) {
    normalized = shiftField(normalized, Math.round(uniform(random, -1, 1)), Math.round(uniform(random, -1, 1)));
  }
  return normalized;
}
