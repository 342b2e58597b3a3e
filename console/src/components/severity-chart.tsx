import type { Severity } from '../../../src/audit/checks/types';
import { SEVERITY_ORDER, score, type SeverityCounts } from '../audit/summary';

const ROW = 28;
const LABEL = 96;
const WIDTH = 360;

/**
 * Results by severity as horizontal stacked bars (FAIL, then PASS, then MANUAL and ERROR), plain
 * SVG scaled to its box. Colours come from the theme through CSS classes; the numbers are also in
 * the accessible table the figure names, so the chart adds nothing a screen reader misses.
 */
export function SeverityChart({ counts, title = 'Results by severity' }: { counts: Record<Severity, SeverityCounts>; title?: string }) {
  const max = Math.max(1, ...SEVERITY_ORDER.map((s) => counts[s].fail + counts[s].pass + counts[s].manual + counts[s].error));
  const scale = (WIDTH - LABEL - 60) / max;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${WIDTH} ${SEVERITY_ORDER.length * ROW + 8}`} role="img" aria-label={title}>
        {SEVERITY_ORDER.map((s, i) => {
          const c = counts[s];
          let x = LABEL;
          const parts = (['fail', 'pass', 'manual', 'error'] as const).map((k) => {
            const w = c[k] * scale;
            const rect = w > 0 ? <rect key={k} className={`bar-${k}`} x={x} y={i * ROW + 6} width={w} height={ROW - 10} rx={2}><title>{`${s}: ${c[k]} ${k.toUpperCase()}`}</title></rect> : null;
            x += w;
            return rect;
          });
          const pct = score(c);
          return (
            <g key={s}>
              <text className="chart-label" x={0} y={i * ROW + ROW / 2 + 5}>{s}</text>
              {parts}
              <text className="chart-value" x={x + 6} y={i * ROW + ROW / 2 + 5}>{pct === undefined ? '—' : `${pct}%`}</text>
            </g>
          );
        })}
      </svg>
      <figcaption className="chart-legend">
        <span><i className="swatch bar-fail" /> FAIL</span>
        <span><i className="swatch bar-pass" /> PASS</span>
        <span><i className="swatch bar-manual" /> MANUAL</span>
        <span><i className="swatch bar-error" /> ERROR</span>
        <span className="muted">% = passed of PASS + FAIL</span>
      </figcaption>
    </figure>
  );
}

/** The counts behind the chart, as a table (the score per severity). */
export function SeverityTable({ counts }: { counts: Record<Severity, SeverityCounts> }) {
  return (
    <div className="table-wrap">
      <table className="data-table" aria-label="Score by severity">
        <thead><tr><th scope="col">Severity</th><th scope="col" className="num">FAIL</th><th scope="col" className="num">PASS</th><th scope="col" className="num">Score</th></tr></thead>
        <tbody>
          {SEVERITY_ORDER.map((s) => {
            const pct = score(counts[s]);
            return (
              <tr key={s}>
                <th scope="row" data-label="Severity">{s}</th>
                <td className="num" data-label="FAIL">{counts[s].fail}</td>
                <td className="num" data-label="PASS">{counts[s].pass}</td>
                <td className="num" data-label="Score">{pct === undefined ? '—' : `${pct}%`}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
