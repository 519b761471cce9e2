/**
 * Letters as stroke templates, in a box 100 units high (y down; lowercase
 * letters sit on the lower 60 units, ascenders reach the top).
 *
 * Left out, because a person may draw them as a digit (or a digit like them),
 * so teaching the models to reject them would reject real digits:
 * O o Q D (a 0), I l i j J (a 1), Z z (a 2), S s (a 5), G b (a 6),
 * T t (a 7, or a crossed 7), B (an 8), q g y (a 9), and C c (a 0 left open).
 * x and w are the same shapes as X and W once preprocessing scales them up,
 * so they are not kinds of their own.
 */
import { arc, type Template } from './hand';

const T = (...paths: Template['paths']): Template => ({ paths });

/** The bowl of P and R: from the top of the stem round to its middle. */
const bowl = () => [[0, 0] as const, [30, 0] as const, ...arc(30, 25, 30, 25, -90, 90), [0, 50] as const];

export const LETTERS: Readonly<Record<string, Template>> = {
  A: T(
    [
      [0, 100],
      [35, 0],
      [70, 100],
    ],
    [
      [15, 60],
      [55, 60],
    ],
  ),
  E: T(
    [
      [65, 0],
      [0, 0],
      [0, 100],
      [65, 100],
    ],
    [
      [0, 50],
      [50, 50],
    ],
  ),
  F: T(
    [
      [65, 0],
      [0, 0],
      [0, 100],
    ],
    [
      [0, 48],
      [50, 48],
    ],
  ),
  H: T(
    [
      [0, 0],
      [0, 100],
    ],
    [
      [65, 0],
      [65, 100],
    ],
    [
      [0, 50],
      [65, 50],
    ],
  ),
  K: T(
    [
      [0, 0],
      [0, 100],
    ],
    [
      [60, 0],
      [0, 58],
    ],
    [
      [18, 44],
      [65, 100],
    ],
  ),
  L: T([
    [0, 0],
    [0, 100],
    [60, 100],
  ]),
  M: T([
    [0, 100],
    [6, 0],
    [40, 70],
    [74, 0],
    [80, 100],
  ]),
  N: T([
    [0, 100],
    [0, 0],
    [65, 100],
    [65, 0],
  ]),
  P: T([[0, 100], ...bowl()]),
  R: T(
    [[0, 100], ...bowl()],
    [
      [25, 50],
      [65, 100],
    ],
  ),
  U: T([[0, 0], [0, 65], ...arc(32, 65, 32, 35, 180, 0), [64, 0]]),
  V: T([
    [0, 0],
    [35, 100],
    [70, 0],
  ]),
  W: T([
    [0, 0],
    [20, 100],
    [45, 30],
    [70, 100],
    [90, 0],
  ]),
  X: T(
    [
      [0, 0],
      [70, 100],
    ],
    [
      [70, 0],
      [0, 100],
    ],
  ),
  Y: T(
    [
      [0, 0],
      [35, 50],
      [70, 0],
    ],
    [
      [35, 50],
      [35, 100],
    ],
  ),
  a: T(arc(30, 70, 28, 30, -30, -330), [
    [58, 40],
    [58, 92],
    [64, 100],
  ]),
  e: T([[2, 72], [58, 72], ...arc(30, 72, 28, 28, 0, -310)]),
  h: T(
    [
      [0, 0],
      [0, 100],
    ],
    [[0, 62], ...arc(26, 62, 26, 22, 180, 360), [52, 100]],
  ),
  k: T(
    [
      [0, 0],
      [0, 100],
    ],
    [
      [48, 45],
      [2, 75],
      [50, 100],
    ],
  ),
  m: T(
    [
      [0, 40],
      [0, 100],
    ],
    [[0, 58], ...arc(18, 58, 18, 16, 180, 360), [36, 100]],
    [[36, 58], ...arc(54, 58, 18, 16, 180, 360), [72, 100]],
  ),
  n: T(
    [
      [0, 40],
      [0, 100],
    ],
    [[0, 60], ...arc(25, 60, 25, 20, 180, 360), [50, 100]],
  ),
  r: T(
    [
      [0, 40],
      [0, 100],
    ],
    [[0, 70], ...arc(30, 68, 30, 24, 180, 290)],
  ),
};
