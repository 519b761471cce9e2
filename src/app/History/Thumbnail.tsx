/** A drawing's thumbnail: the 28x28 model input (0 = no ink, 255 = full ink) painted on a small canvas. */
import { useEffect, useRef } from 'react';

const SIDE = 28;

export function Thumbnail({ pixels }: { readonly pixels?: Uint8Array | undefined }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context || !pixels || pixels.length !== SIDE * SIDE) return;
    const image = context.createImageData(SIDE, SIDE);
    for (let i = 0; i < pixels.length; i++) image.data[i * 4 + 3] = pixels[i] ?? 0;
    context.putImageData(image, 0, 0);
  }, [pixels]);
  if (!pixels) return <span className="thumbnail empty" aria-hidden="true" />;
  return <canvas ref={canvas} className="thumbnail" width={SIDE} height={SIDE} aria-hidden="true" data-testid="history-thumbnail" />;
}
