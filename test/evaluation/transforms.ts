/**
 * Drawings as users on phones make them, from clean digits: thicker strokes,
 * rotated, slanted. Applied to the model's single-channel input (ink in
 * [0, 1]) to build drift scenarios.
 */
import { sampleBilinear } from '../../training/data/bilinear';

/** Each pixel takes the most ink of its 3x3 neighbourhood: strokes about two pixels thicker. */
export function thicken(image: Float32Array, size: number): Float32Array {
  const out = new Float32Array(image.length);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let most = 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const yy = y + dy;
          const xx = x + dx;
          if (yy >= 0 && yy < size && xx >= 0 && xx < size) most = Math.max(most, image[yy * size + xx] as number);
        }
      }
      out[y * size + x] = most;
    }
  }
  return out;
}

/**
 * Rotates by `degrees` (counter-clockwise as seen) and slants by `shear`
 * (horizontal shift per unit of height, positive leaning right), about the
 * image centre.
 */
export function rotateAndSlant(image: Float32Array, size: number, degrees: number, shear: number): Float32Array {
  const out = new Float32Array(image.length);
  const c = (size - 1) / 2;
  const angle = (degrees * Math.PI) / 180;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // Inverse map: undo the slant (y grows downwards, so a right lean shifts the top rightwards), then the rotation.
      const sx = x - c + shear * (y - c);
      const sy = y - c;
      out[y * size + x] = sampleBilinear(image, size, cos * sx - sin * sy + c, sin * sx + cos * sy + c);
    }
  }
  return out;
}
