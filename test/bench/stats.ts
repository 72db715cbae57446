/** Summary statistics for the benchmark's samples. All of them throw on an empty sample. */

/** The `q`-quantile (0 < q ≤ 1) by nearest rank: a value that was actually observed. */
export function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const value = sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
  if (value === undefined) throw new Error('percentile of an empty sample');
  return value;
}

export function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) throw new Error('mean of an empty sample');
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

export function min(values: readonly number[]): number {
  if (values.length === 0) throw new Error('min of an empty sample');
  return Math.min(...values);
}

export function max(values: readonly number[]): number {
  if (values.length === 0) throw new Error('max of an empty sample');
  return Math.max(...values);
}
