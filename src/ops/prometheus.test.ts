/**
 * Prometheus text as prom-client writes it (comments, labels with escapes,
 * +Inf) is read into samples, and histogram quantiles interpolate within
 * their bucket as Prometheus's histogram_quantile does.
 */
import { describe, expect, it } from 'vitest';
import { histogramQuantile, parsePrometheus } from './prometheus';

const TEXT = `# HELP http_requests_total Requests by route, model and outcome
# TYPE http_requests_total counter
http_requests_total{route="/v1/models/:target",model="digits-full",outcome="success"} 12
http_requests_total{route="/metrics",model="",outcome="success"} 3

# TYPE inference_compute_seconds histogram
inference_compute_seconds_bucket{le="0.001",model="digits-full",version="1"} 2
inference_compute_seconds_bucket{le="+Inf",model="digits-full",version="1"} 10
inference_compute_seconds_count{model="digits-full",version="1"} 10
process_cpu_seconds_total 1.5
odd{a="q\\"u\\\\o\\nte",b="x,y"} -Inf 1700000000000
`;

describe('parsePrometheus', () => {
  it('reads names, labels and values, and skips comments and blank lines', () => {
    expect(parsePrometheus(TEXT)).toEqual([
      { name: 'http_requests_total', labels: { route: '/v1/models/:target', model: 'digits-full', outcome: 'success' }, value: 12 },
      { name: 'http_requests_total', labels: { route: '/metrics', model: '', outcome: 'success' }, value: 3 },
      { name: 'inference_compute_seconds_bucket', labels: { le: '0.001', model: 'digits-full', version: '1' }, value: 2 },
      { name: 'inference_compute_seconds_bucket', labels: { le: '+Inf', model: 'digits-full', version: '1' }, value: 10 },
      { name: 'inference_compute_seconds_count', labels: { model: 'digits-full', version: '1' }, value: 10 },
      { name: 'process_cpu_seconds_total', labels: {}, value: 1.5 },
      { name: 'odd', labels: { a: 'q"u\\o\nte', b: 'x,y' }, value: -Infinity },
    ]);
  });

  it('names a line whose labels it cannot read', () => {
    expect(() => parsePrometheus('broken{a="unterminated} 1')).toThrow(/cannot read the labels of "{a=/);
  });
});

describe('histogramQuantile', () => {
  const buckets = [
    { le: 0.001, count: 2 },
    { le: 0.002, count: 6 },
    { le: 0.005, count: 10 },
    { le: Infinity, count: 10 },
  ];

  it('interpolates within the bucket the rank falls in', () => {
    // Rank 5 of 10: the 3rd of the 4 observations in (0.001, 0.002].
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.00175, 12);
    // Rank 9.9: 3.9 of the 4 in (0.002, 0.005].
    expect(histogramQuantile(0.99, buckets)).toBeCloseTo(0.004925, 12);
    // The first bucket starts at 0.
    expect(histogramQuantile(0.1, buckets)).toBeCloseTo(0.0005, 12);
  });

  it('takes buckets in any order', () => {
    expect(histogramQuantile(0.5, [...buckets].reverse())).toBeCloseTo(0.00175, 12);
  });

  it('answers the largest finite bound for a rank in the +Inf bucket, and null without observations', () => {
    expect(
      histogramQuantile(0.9, [
        { le: 1, count: 5 },
        { le: Infinity, count: 10 },
      ]),
    ).toBe(1);
    expect(histogramQuantile(0.5, [{ le: Infinity, count: 0 }])).toBeNull();
    expect(histogramQuantile(0.5, [])).toBeNull();
  });
});
