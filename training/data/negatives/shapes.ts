/**
 * Shapes and symbols as stroke templates, in a box about 100 units across
 * (y down). Some vary per drawing (how many zigzags, how long an arrow).
 *
 * Left out, because a person may draw them as a digit: circles and ellipses
 * (a 0), an open arc or crescent (a 0 left open, or a bent 1), spirals (6, 9,
 * 0), a lone vertical or slanted line (a 1), a check mark (a 1 with its flag,
 * or a 7), tall rectangles (a square-cornered 0), a zigzag of three strokes
 * (a Z, so a 2), and &, $, ? (8, 5, 2 or 7). Arrows, dashes, zigzags and
 * waves stay near horizontal for the same reason: upright, they are 1s.
 */
import { uniform } from '../random';
import { arc, type Template } from './hand';
import type { Point } from './pen';

export type TemplateSource = Template | ((random: () => number) => Template);

const jitter = (random: () => number, [x, y]: Point, amount: number): Point => [x + uniform(random, -amount, amount), y + uniform(random, -amount, amount)];

export const SHAPES: Readonly<Record<string, TemplateSource>> = {
  triangle: (random) => {
    const apex = jitter(random, [50, 0], 12);
    const right = jitter(random, [100, 86], 8);
    const left = jitter(random, [0, 86], 8);
    return { paths: [[apex, right, left, jitter(random, apex, 4)]] };
  },
  square: (random) => ({
    paths:
      random() < 0.5
        ? [
            [
              [0, 0],
              [100, 0],
              [100, 100],
              [0, 100],
              [0, 0],
            ],
          ]
        : [
            [
              [0, 100],
              [0, 0],
              [100, 0],
            ],
            [
              [100, 0],
              [100, 100],
              [0, 100],
            ],
          ],
    stretch: [0.95, 1.6],
  }),
  diamond: {
    paths: [
      [
        [50, 0],
        [100, 50],
        [50, 100],
        [0, 50],
        [50, 0],
      ],
    ],
    stretch: [0.85, 1.3],
  },
  arrow: (random) => {
    const head = uniform(random, 18, 35);
    const flip = random() < 0.5;
    const x = (v: number) => (flip ? 100 - v : v);
    return {
      paths: [
        [
          [x(0), 50],
          [x(100), 50],
        ],
        [
          [x(100 - head), 50 - head],
          [x(100), 50],
          [x(100 - head), 50 + head],
        ],
      ],
      stretch: [0.9, 1.3],
    };
  },
  plus: {
    paths: [
      [
        [50, 0],
        [50, 100],
      ],
      [
        [0, 50],
        [100, 50],
      ],
    ],
  },
  equals: (random) => ({
    paths: [
      [
        [0, 0],
        [100, 0],
      ],
      [
        [0, uniform(random, 30, 55)],
        [100, uniform(random, 30, 55)],
      ],
    ],
  }),
  asterisk: {
    paths: [
      [
        [50, 0],
        [50, 100],
      ],
      [
        [7, 25],
        [93, 75],
      ],
      [
        [93, 25],
        [7, 75],
      ],
    ],
  },
  zigzag: (random) => {
    const strokes = 4 + Math.floor(random() * 4);
    const height = uniform(random, 30, 60);
    const path = Array.from({ length: strokes + 1 }, (_, i): Point => [(i * 100) / strokes, i % 2 === 0 ? 0 : height]);
    return { paths: [path] };
  },
  wave: (random) => {
    const periods = uniform(random, 1.5, 3);
    const height = uniform(random, 15, 35);
    const path = Array.from({ length: 49 }, (_, i): Point => [(i * 100) / 48, height * Math.sin((i / 48) * periods * 2 * Math.PI)]);
    return { paths: [path] };
  },
  star: {
    paths: [
      Array.from({ length: 6 }, (_, k): Point => [
        50 + 50 * Math.cos(((-90 + 144 * k) * Math.PI) / 180),
        52 + 50 * Math.sin(((-90 + 144 * k) * Math.PI) / 180),
      ]),
    ],
  },
  heart: {
    paths: [[...arc(27, 30, 23, 22, 0, -180), [50, 95], ...arc(73, 30, 23, 22, 0, -180)]],
    stretch: [0.85, 1.2],
  },
  hash: {
    paths: [
      [
        [35, 0],
        [25, 100],
      ],
      [
        [72, 0],
        [62, 100],
      ],
      [
        [0, 32],
        [100, 32],
      ],
      [
        [0, 68],
        [100, 68],
      ],
    ],
  },
};

export function templateOf(source: TemplateSource, random: () => number): Template {
  return typeof source === 'function' ? source(random) : source;
}
