/**
 * A small line chart as SVG, made by hand (no dependency): series of values
 * over the same categories (N), with a log or linear y axis.
 * @module
 */
export interface Series {
  readonly name: string;
  readonly color: string;
  readonly values: ReadonlyArray<number | undefined>;
}

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function lineChart(title: string, yLabel: string, categories: readonly string[], series: readonly Series[], log = false): string {
  const width = 720;
  const height = 400;
  const left = 80;
  const right = 170;
  const top = 40;
  const bottom = 50;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const values = series.flatMap((s) => s.values.filter((v): v is number => v !== undefined && Number.isFinite(v) && (!log || v > 0)));
  let min = log ? Math.min(...values) : 0;
  let max = Math.max(...values, 1);
  if (log) {
    min = 10 ** Math.floor(Math.log10(min || 1));
    max = 10 ** Math.ceil(Math.log10(max));
  } else {
    max *= 1.1;
  }
  const y = (v: number): number =>
    top + plotH - (log ? (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min)) : (v - min) / (max - min)) * plotH;
  const x = (i: number): number => left + (categories.length === 1 ? plotW / 2 : (i / (categories.length - 1)) * plotW);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  parts.push(`<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escape(title)}</text>`);
  const ticks = log
    ? Array.from({ length: Math.round(Math.log10(max / min)) + 1 }, (_, i) => min * 10 ** i)
    : Array.from({ length: 6 }, (_, i) => (max / 5) * i);
  for (const tick of ticks) {
    const ty = y(tick);
    parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${ty}" y2="${ty}" stroke="#ddd"/>`);
    parts.push(`<text x="${left - 6}" y="${ty + 4}" text-anchor="end">${tick >= 100 || log ? Math.round(tick) : tick.toFixed(1)}</text>`);
  }
  categories.forEach((category, i) => {
    parts.push(`<text x="${x(i)}" y="${top + plotH + 18}" text-anchor="middle">${escape(category)}</text>`);
  });
  parts.push(`<text x="${left + plotW / 2}" y="${height - 10}" text-anchor="middle">subscribers (N)</text>`);
  parts.push(`<text transform="translate(18 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">${escape(yLabel)}</text>`);
  parts.push(`<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  series.forEach((s, index) => {
    const points = s.values
      .map((v, i) => (v !== undefined && Number.isFinite(v) && (!log || v > 0) ? `${x(i).toFixed(1)},${y(v).toFixed(1)}` : undefined))
      .filter((p): p is string => p !== undefined);
    parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2.5" points="${points.join(' ')}"/>`);
    for (const point of points) {
      const [px, py] = point.split(',');
      parts.push(`<circle cx="${px}" cy="${py}" r="3.5" fill="${s.color}"/>`);
    }
    const ly = top + 14 + index * 20;
    parts.push(`<line x1="${left + plotW + 14}" x2="${left + plotW + 38}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="3"/>`);
    parts.push(`<text x="${left + plotW + 44}" y="${ly}">${escape(s.name)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
