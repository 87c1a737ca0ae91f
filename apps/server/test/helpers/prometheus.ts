/** Reading `/metrics` in the tests: Prometheus's text format, parsed by a kept library. */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

export type Families = ReturnType<typeof parsePrometheusTextFormat>;

export const parseMetrics = (text: string): Families => parsePrometheusTextFormat(text);

/** The value of `name`'s sample whose labels include `labels`; undefined when there is none. */
export function sample(families: Families, name: string, labels: Record<string, string> = {}): number | undefined {
  const family = families.find((entry) => entry.name === name);
  const found = family?.metrics.find((metric) => Object.entries(labels).every(([key, value]) => metric.labels?.[key] === value));
  return found?.value === undefined ? undefined : Number(found.value);
}
