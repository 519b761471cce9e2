/** The generated HAProxy configuration carries the settings the README's Scale-out section explains, and HAProxy accepts it. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { haproxyConfig } from './haproxy';

const settings = {
  port: 8080,
  host: '127.0.0.1',
  servers: [
    { name: 'r1', port: 8081 },
    { name: 'r2', port: 8082 },
  ],
  statsSocket: '/tmp/x.sock',
  checkIntervalMs: 1000,
};

describe('haproxyConfig', () => {
  it('checks readiness, retries elsewhere, forwards the client address, and lists every replica', () => {
    const lines = haproxyConfig(settings)
      .split('\n')
      .map((line) => line.trim());
    for (const line of [
      'bind 127.0.0.1:8080',
      'option httpchk GET /v2/health/ready',
      'http-check expect status 200',
      'retries 3',
      'option redispatch 1',
      'retry-on conn-failure empty-response response-timeout 503',
      'option forwardfor',
      'balance roundrobin',
      'default-server inter 1000ms fall 2 rise 2',
      'server r1 127.0.0.1:8081 check',
      'server r2 127.0.0.1:8082 check',
    ]) {
      expect(lines).toContain(line);
    }
  });

  it('is a configuration HAProxy accepts (haproxy -c)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'haproxy-'));
    const file = join(dir, 'haproxy.cfg');
    writeFileSync(file, haproxyConfig({ ...settings, statsSocket: join(dir, 'stats.sock') }));
    const { stdout, stderr } = await promisify(execFile)('haproxy', ['-c', '-f', file]);
    expect(`${stdout}${stderr}`).toMatch(/Configuration file is valid/);
    rmSync(dir, { recursive: true, force: true });
  });
});
