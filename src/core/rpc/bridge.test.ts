/**
 * The worker RPC bridge over a real MessageChannel (structured clone and
 * transfer, as between threads): answers find their callers by id, errors
 * come back as errors, every request is answered once even when its handler
 * throws, buffers are handed over, events arrive, and a stopped worker
 * rejects the calls still waiting and every later one.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { RpcClient } from './client';
import { RemoteError, type RpcMessage } from './messages';
import { serveRpc, Transfer } from './server';

type TestApi = {
  echo(value: string): string;
  slow(ms: number): number;
  fail(message: string): void;
  sum(values: Float32Array): { total: number; data: Float32Array };
  progress(steps: number): number;
};

const ports: MessagePort[] = [];
afterEach(() => {
  for (const port of ports.splice(0)) port.close();
});

type Post = (message: RpcMessage<number>, transfer: ArrayBuffer[]) => void;

/** A client and a served TestApi on the two ends of a fresh channel. */
function connect() {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  const events: number[] = [];
  const client = new RpcClient<TestApi, number>(
    (request, transfer) => port1.postMessage(request, transfer),
    (event) => events.push(event),
  );
  port1.on('message', (message: RpcMessage<number>) => client.receive(message));
  const post: Post = (message, transfer) => port2.postMessage(message, transfer);
  port2.on('message', serveRpc<TestApi, number>(handlers(post), post));
  return { client, events };
}

const handlers = (post: Post) => ({
  echo: async (value: string) => value,
  slow: async (ms: number) => new Promise<number>((resolve) => setTimeout(() => resolve(ms), ms)),
  fail: async (message: string): Promise<void> => {
    throw new TypeError(message);
  },
  sum: async (values: Float32Array) => {
    const data = values.map((v) => v * 2);
    return new Transfer({ total: values.reduce((a, b) => a + b, 0), data }, [data.buffer as ArrayBuffer]);
  },
  progress: async (steps: number) => {
    for (let i = 1; i <= steps; i++) post({ event: i }, []);
    return steps;
  },
});

describe('worker RPC bridge', () => {
  it('matches every answer to its call, in any number, in arrival order', async () => {
    const bridge = connect();
    const calls = [bridge.client.call('slow', 30), ...Array.from({ length: 50 }, (_, i) => bridge.client.call('echo', `v${i}`))];
    const results = await Promise.all(calls);
    expect(results).toEqual([30, ...Array.from({ length: 50 }, (_, i) => `v${i}`)]);
    expect(bridge.client.waiting).toBe(0);
  });

  it('passes a thrown error back with its name and message, and keeps serving', async () => {
    const bridge = connect();
    const error = await bridge.client.call('fail', 'release failed').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ name: 'TypeError', message: 'release failed' });
    expect(await bridge.client.call('echo', 'still here')).toBe('still here');
  });

  it('answers an unknown method with an error instead of silence', async () => {
    const bridge = connect();
    const untyped = bridge.client as unknown as RpcClient<{ nope(p: undefined): void }>;
    await expect(untyped.call('nope', undefined)).rejects.toThrow('unknown method "nope"');
  });

  it('hands buffers over both ways instead of copying them', async () => {
    const bridge = connect();
    const input = Float32Array.of(1, 2, 3.5);
    const result = await bridge.client.call('sum', input, [input.buffer]);
    expect(input.byteLength).toBe(0);
    expect(result.total).toBe(6.5);
    expect(Array.from(result.data)).toEqual([2, 4, 7]);
  });

  it('delivers events from the worker as they happen', async () => {
    const bridge = connect();
    expect(await bridge.client.call('progress', 3)).toBe(3);
    expect(bridge.events).toEqual([1, 2, 3]);
  });

  it('rejects the calls still waiting when the worker stops, and every later call', async () => {
    const bridge = connect();
    const waiting = bridge.client.call('slow', 200);
    bridge.client.stop(new Error('worker exited (code 1)'));
    await expect(waiting).rejects.toThrow('worker exited (code 1)');
    await expect(bridge.client.call('echo', 'late')).rejects.toThrow('worker exited (code 1)');
    expect(bridge.client.waiting).toBe(0);
  });
});
