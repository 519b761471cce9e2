// A module hook for tests: reports on stderr every ioredis or bullmq module a process resolves.
import process from 'node:process';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (/\/node_modules\/(ioredis|bullmq)\//.test(resolved.url)) process.stderr.write(`redis-client-loaded ${resolved.url}\n`);
  return resolved;
}
