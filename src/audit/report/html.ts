/**
 * The HTML report: one self-contained page (inline CSS, inline SVG charts, a little inline script
 * for filtering) that opens from disk with no server and makes no network request (its CSP
 * forbids any). Every value from the audited account is escaped. Without script, every finding is
 * still listed; the script only filters and folds.
 */
import { SEVERITIES, STATUSES, type Finding, type Severity, type Status } from '../checks/types.js';
import { SERVICE_LABELS, summarize, type AuditResult, type Summary } from './model.js';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STATUS_COLORS: Record<Status, string> = { PASS: '#2e7d32', FAIL: '#c62828', MANUAL: '#b7791f', ERROR: '#7b1fa2' };
const SEVERITY_COLORS: Record<Severity, string> = { critical: '#8e0000', high: '#d32f2f', medium: '#f57c00', low: '#1976d2', informational: '#757575' };

/** FAIL findings per severity, one horizontal bar each. */
function severityChart(s: Summary): string {
  const max = Math.max(1, ...SEVERITIES.map((v) => s.failBySeverity[v]));
  const rowH = 30;
  const bars = SEVERITIES.map((v, i) => {
    const n = s.failBySeverity[v];
    const w = Math.round((n / max) * 300);
    const y = 10 + i * rowH;
    return `<g class="row"><text x="0" y="${y + 15}" class="label">${v}</text>`
      + `<rect class="bar sev-${v}" x="110" y="${y}" width="${Math.max(w, n > 0 ? 2 : 0)}" height="20" rx="3" fill="${SEVERITY_COLORS[v]}"><title>${n} ${v} failed findings</title></rect>`
      + `<text x="${116 + w}" y="${y + 15}" class="count">${n}</text></g>`;
  }).join('');
  return `<svg id="chart-severity" class="chart" role="img" aria-label="Failed findings by severity" viewBox="0 0 460 ${20 + SEVERITIES.length * rowH}" width="460">${bars}</svg>`;
}

/** Findings per service as stacked bars of PASS, FAIL, MANUAL and ERROR. */
function serviceChart(s: Summary): string {
  const totals = s.byService.map((x) => STATUSES.reduce((n, st) => n + x.counts[st], 0));
  const max = Math.max(1, ...totals);
  const rowH = 30;
  const rows = s.byService.map((svc, i) => {
    const y = 10 + i * rowH;
    let x = 110;
    const segments = STATUSES.map((st) => {
      const n = svc.counts[st];
      if (n === 0) return '';
      const w = Math.max(2, Math.round((n / max) * 300));
      const rect = `<rect class="bar status-${st}" x="${x}" y="${y}" width="${w}" height="20" fill="${STATUS_COLORS[st]}"><title>${SERVICE_LABELS[svc.service]}: ${n} ${st}</title></rect>`;
      x += w;
      return rect;
    }).join('');
    return `<g class="row"><text x="0" y="${y + 15}" class="label">${SERVICE_LABELS[svc.service]}</text>${segments}<text x="${x + 6}" y="${y + 15}" class="count">${totals[i]}</text></g>`;
  }).join('');
  const legendY = 20 + s.byService.length * rowH;
  const legend = STATUSES.map((st, i) => `<rect x="${110 + i * 80}" y="${legendY}" width="12" height="12" fill="${STATUS_COLORS[st]}"/><text x="${126 + i * 80}" y="${legendY + 11}" class="legend">${st}</text>`).join('');
  return `<svg id="chart-service" class="chart" role="img" aria-label="Findings by service and status" viewBox="0 0 460 ${legendY + 20}" width="460">${rows}${legend}</svg>`;
}

function findingRow(f: Finding): string {
  const cis = f.check.cis.length ? `CIS ${f.check.cis.join(', ')}` : '';
  return `<tbody class="finding" data-status="${f.status}" data-severity="${f.severity}" data-service="${f.check.service}">
<tr class="summary-row" tabindex="0"><td><span class="badge st-${f.status}">${f.status}</span></td><td><span class="sev sev-${f.severity}">${f.severity}</span></td>
<td>${escapeHtml(SERVICE_LABELS[f.check.service])}</td><td><div class="check">${escapeHtml(f.check.title)}</div><div class="id">${escapeHtml(f.check.id)}${cis ? ` · ${escapeHtml(cis)}` : ''}</div></td>
<td><div>${escapeHtml(f.resource.name)}</div><div class="id">${escapeHtml(f.resource.region)}</div></td><td>${escapeHtml(f.message)}</td></tr>
<tr class="detail"><td colspan="6"><dl><dt>Resource</dt><dd><code>${escapeHtml(f.resource.uid)}</code></dd><dt>Risk</dt><dd>${escapeHtml(f.check.risk)}</dd>
<dt>Remediation</dt><dd>${escapeHtml(f.check.remediation)}</dd><dt>Fix</dt><dd><pre><code>${escapeHtml(f.check.cli)}</code></pre></dd>
<dt>Reference</dt><dd><a href="${escapeHtml(f.check.url)}" rel="noreferrer">${escapeHtml(f.check.url)}</a></dd></dl></td></tr></tbody>`;
}

function complianceSection(result: AuditResult): string {
  if (!result.compliance) return '';
  const rows = result.compliance.map((c) => `<tr><td>${escapeHtml(c.control.id)}</td><td><span class="badge st-${c.status === 'N/A' ? 'NA' : c.status}">${c.status}</span></td>
<td>L${c.control.level}</td><td>${escapeHtml(c.control.title)}${c.control.manual ? `<div class="id">${escapeHtml(c.control.manual)}</div>` : ''}</td><td class="id">${escapeHtml(c.checks.join(' '))}</td></tr>`).join('\n');
  return `<section><h2>CIS AWS Foundations Benchmark v3.0.0</h2><table class="compliance"><thead><tr><th>Control</th><th>Status</th><th>Level</th><th>Title</th><th>Checks</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

const STYLE = `
:root{--bg:#f6f7f9;--fg:#1d2330;--muted:#5f6b7a;--card:#fff;--line:#e2e6ec}
@media (prefers-color-scheme:dark){:root{--bg:#12151b;--fg:#e6e9ef;--muted:#9aa5b4;--card:#1b2029;--line:#2c3340}}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--fg)}
header{padding:20px 28px;background:#1f2a44;color:#fff}header h1{margin:0 0 4px;font-size:22px}header .meta{opacity:.8;font-size:13px}
main{padding:20px 28px;max-width:1400px}section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px 20px;margin-bottom:18px}
h2{font-size:16px;margin:0 0 12px}.cards{display:flex;gap:12px;flex-wrap:wrap}.card{flex:1;min-width:120px;border-radius:8px;padding:12px 16px;color:#fff}
.card b{display:block;font-size:26px}.charts{display:flex;gap:28px;flex-wrap:wrap}.chart .label,.chart .count,.chart .legend{font-size:12px;fill:var(--fg)}
table{width:100%;border-collapse:collapse}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:12px;text-transform:uppercase;color:var(--muted)}.id{color:var(--muted);font-size:12px}.check{font-weight:600}
.badge{display:inline-block;padding:1px 7px;border-radius:10px;color:#fff;font-size:11px;font-weight:700}
.st-PASS{background:#2e7d32}.st-FAIL{background:#c62828}.st-MANUAL{background:#b7791f}.st-ERROR{background:#7b1fa2}.st-NA{background:#757575}
.sev{font-weight:700;text-transform:capitalize}.sev-critical{color:#b71c1c}.sev-high{color:#e53935}.sev-medium{color:#ef6c00}.sev-low{color:#1e88e5}.sev-informational{color:#757575}
.summary-row{cursor:pointer}.detail{display:none}.open .detail{display:table-row}.detail dl{display:grid;grid-template-columns:110px 1fr;gap:4px 12px;margin:4px 0}
.detail dt{color:var(--muted)}pre{margin:0;white-space:pre-wrap;word-break:break-all;background:rgba(127,127,127,.12);padding:6px 8px;border-radius:4px}
.filters{display:flex;gap:14px;flex-wrap:wrap;align-items:center;margin-bottom:10px}.filters input[type=search]{padding:5px 8px;min-width:240px}
a{color:inherit}`;

/** Filters by status, severity, service and text; rows fold open on click (no network, no eval). */
const SCRIPT = `
(function(){
  var boxes=document.querySelectorAll('.filters input[type=checkbox]'),sev=document.getElementById('f-severity'),svc=document.getElementById('f-service'),q=document.getElementById('f-text'),n=document.getElementById('shown');
  function apply(){var on={};boxes.forEach(function(b){on[b.value]=b.checked});var k=0;
    document.querySelectorAll('tbody.finding').forEach(function(t){var ok=on[t.dataset.status]&&(!sev.value||t.dataset.severity===sev.value)&&(!svc.value||t.dataset.service===svc.value)&&(!q.value||t.textContent.toLowerCase().indexOf(q.value.toLowerCase())>=0);t.hidden=!ok;if(ok)k++});n.textContent=k;}
  [].forEach.call(boxes,function(b){b.addEventListener('change',apply)});sev.addEventListener('change',apply);svc.addEventListener('change',apply);q.addEventListener('input',apply);
  document.querySelectorAll('tr.summary-row').forEach(function(r){function t(){r.parentNode.classList.toggle('open')}r.addEventListener('click',t);r.addEventListener('keydown',function(e){if(e.key==='Enter')t()})});
  apply();
})();`;

/** The report as one HTML page. */
export function renderHtml(result: AuditResult): string {
  const s = summarize(result.findings);
  const cards = STATUSES.map((st) => `<div class="card" style="background:${STATUS_COLORS[st]}"><b id="count-${st}">${s.byStatus[st]}</b>${st}</div>`).join('');
  // Failures first, then what needs a look (ERROR, MANUAL), passes last; most severe first within each.
  const order = (f: Finding) => (f.status === 'FAIL' ? 0 : f.status === 'PASS' ? 2 : 1);
  const sorted = [...result.findings].sort((a, b) => order(a) - order(b) || SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || a.check.id.localeCompare(b.check.id));
  const services = s.byService.map((x) => `<option value="${x.service}">${SERVICE_LABELS[x.service]}</option>`).join('');
  const title = `Coffer audit · ${result.account.id}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>
<header><h1>${escapeHtml(title)}</h1><div class="meta">${escapeHtml(result.account.arn)} · ${result.regions.length} Region(s): ${escapeHtml(result.regions.join(', '))} · ${result.checks.length} checks · ${escapeHtml(result.startedAt)} · coffer-audit ${escapeHtml(result.tool.version)}</div></header>
<main>
<section><h2>Overview</h2><div class="cards">${cards}</div></section>
<section><h2>Findings by severity and service</h2><div class="charts"><div><h3 class="id">Failed findings by severity</h3>${severityChart(s)}</div><div><h3 class="id">Findings by service</h3>${serviceChart(s)}</div></div></section>
${complianceSection(result)}
<section><h2>Findings (<span id="shown">${result.findings.length}</span>)</h2>
<div class="filters">${STATUSES.map((st) => `<label><input type="checkbox" value="${st}" ${st === 'PASS' ? '' : 'checked'}> ${st}</label>`).join('')}
<select id="f-severity"><option value="">All severities</option>${SEVERITIES.map((v) => `<option value="${v}">${v}</option>`).join('')}</select>
<select id="f-service"><option value="">All services</option>${services}</select><input id="f-text" type="search" placeholder="Filter by text (resource, check, message)"></div>
<table class="findings"><thead><tr><th>Status</th><th>Severity</th><th>Service</th><th>Check</th><th>Resource</th><th>Finding</th></tr></thead>
${sorted.map(findingRow).join('\n')}
</table></section>
</main><script>${SCRIPT}</script></body></html>
`;
}
