/**
 * The report's chart: one horizontal bar per ratio (Coffer as a share of its reference), with the
 * issue's target drawn as a tick where there is one. Hand-written SVG, no dependencies.
 */

export interface ChartBar {
  label: string;
  ratio: number;
  /** The target for this ratio, if it has one (0.4 = 40%). */
  target?: number;
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** An SVG document of `bars`; the axis runs to the largest ratio (at least 100%, at most 400%, longer bars clipped). */
export function ratioChart(title: string, bars: ChartBar[]): string {
  const labelWidth = 560;
  const plotWidth = 520;
  const rowHeight = 20;
  const top = 48;
  const height = top + bars.length * rowHeight + 40;
  const max = Math.min(4, Math.max(1, ...bars.map((b) => Math.max(b.ratio, b.target ?? 0))));
  const axisMax = Math.ceil(max * 4) / 4;
  const x = (ratio: number) => labelWidth + (Math.min(ratio, axisMax) / axisMax) * plotWidth;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth + plotWidth + 80}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="20" font-size="15" font-weight="bold">${escape(title)}</text>`,
    `<text x="10" y="36" fill="#555">Coffer as a share of each reference, measured in the same run. Red tick: the issue's target. Bars: green when at or above target, orange below, blue where no target.</text>`,
  ];
  for (let t = 0; t <= axisMax + 1e-9; t += 0.25) {
    out.push(`<line x1="${x(t)}" y1="${top - 4}" x2="${x(t)}" y2="${height - 36}" stroke="${t === 1 ? '#999' : '#e4e4e4'}"/>`,
      `<text x="${x(t)}" y="${height - 22}" text-anchor="middle" fill="#555">${Math.round(t * 100)}%</text>`);
  }
  bars.forEach((b, i) => {
    const y = top + i * rowHeight;
    const colour = b.target === undefined ? '#4a78b5' : b.ratio >= b.target ? '#3a9a4a' : '#e08a2c';
    out.push(`<text x="${labelWidth - 8}" y="${y + 13}" text-anchor="end">${escape(b.label)}</text>`,
      `<rect x="${labelWidth}" y="${y + 3}" width="${Math.max(1, x(b.ratio) - labelWidth)}" height="${rowHeight - 6}" fill="${colour}"/>`,
      `<text x="${x(b.ratio) + 4}" y="${y + 13}">${Math.round(b.ratio * 100)}%${b.ratio > axisMax ? ' (clipped)' : ''}</text>`);
    if (b.target !== undefined) out.push(`<line x1="${x(b.target)}" y1="${y + 1}" x2="${x(b.target)}" y2="${y + rowHeight - 1}" stroke="#d11" stroke-width="2"/>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
