import { createHash } from "node:crypto";
import type { Finding } from "../model/finding.js";
import { scopeKey } from "../model/scope.js";
import { clip, escapeHtml as h, valueText } from "./escape.js";
import {
  CELL_STATUSES,
  checkOf,
  cmp,
  coverageMatrices,
  errorText,
  type Matrix,
  offFor,
  percent,
  plural,
  type ReportModel,
  SEVERITY_WORDS,
  scopeName,
} from "./model.js";

const CELL_FILL: Record<string, string> = {
  covered: "#2e7d32",
  partial: "#f9a825",
  uncovered: "#c62828",
  unknown: "url(#unknown)",
  "n/a": "#e6e6e6",
};

// The only script: filters the findings table and marks the page ready. It reads the DOM and embeds no data, so no
// value from the snapshot can ever reach script context; the CSP allows exactly this script by its hash.
const SCRIPT = `(function () {
  var q = document.getElementById("q");
  var fs = document.getElementById("fstatus");
  var fv = document.getElementById("fseverity");
  var shown = document.getElementById("shown");
  var rows = Array.prototype.slice.call(document.querySelectorAll("#findings tbody tr.f"));
  function apply() {
    var text = q.value.toLowerCase();
    var s = fs.value;
    var v = fv.value;
    var n = 0;
    rows.forEach(function (r) {
      var ok = (!s || r.getAttribute("data-status") === s) &&
        (!v || r.getAttribute("data-severity") === v) &&
        (!text || r.textContent.toLowerCase().indexOf(text) >= 0);
      r.hidden = !ok;
      if (ok) n++;
    });
    shown.textContent = String(n);
  }
  // A link can carry a filter: report.html#status=fail&severity=critical&q=eu-west-1
  var params = new URLSearchParams(location.hash.slice(1));
  if (params.get("q")) q.value = params.get("q");
  if (params.get("status")) fs.value = params.get("status");
  if (params.get("severity")) fv.value = params.get("severity");
  q.addEventListener("input", apply);
  fs.addEventListener("change", apply);
  fv.addEventListener("change", apply);
  apply();
  document.documentElement.setAttribute("data-ready", "true");
})();`;

const STYLE = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
body { margin: 0 auto; max-width: 1200px; padding: 1rem 1.5rem 3rem; color: #1b1b1b; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { border-bottom: 1px solid #ddd; padding-bottom: .2rem; margin-top: 2rem; }
.meta { color: #555; }
.warn { background: #fff3cd; border: 1px solid #e0c36a; padding: .5rem .8rem; border-radius: 4px; }
.cards { display: flex; flex-wrap: wrap; gap: .8rem; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: .6rem .9rem; min-width: 10rem; }
.card b { display: block; font-size: 1.5rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { border: 1px solid #ddd; padding: .25rem .45rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f5f5f5; }
td.n { text-align: right; }
.sev-critical, .st-fail { color: #b71c1c; font-weight: 600; }
.sev-high { color: #c62828; }
.sev-medium { color: #8a6d00; }
.st-unknown { color: #555; font-weight: 600; }
.st-muted { color: #6a1b9a; }
.st-pass { color: #2e7d32; }
table#findings { table-layout: fixed; }
table#findings th:nth-child(1), table#findings th:nth-child(2) { width: 5.5em; }
table#findings th:nth-child(3) { width: 15%; }
table#findings th:nth-child(4) { width: 17%; }
table#findings th:nth-child(5) { width: 22%; }
.filters { display: flex; gap: .6rem; align-items: center; margin: .6rem 0; flex-wrap: wrap; }
details summary { cursor: pointer; color: #1a4f8b; }
svg text { font-family: inherit; }
.scroll { overflow-x: auto; }
`;

function badge(status: string): string {
  return `<span class="st-${h(status)}">${h(status)}</span>`;
}

function heatmap(m: Matrix): string {
  const cell = 16;
  const gap = 2;
  const labelWidth = Math.min(360, 12 + 7 * Math.max(8, ...m.rows.map((r) => Array.from(clip(r.label, 48)).length)));
  const headerHeight = 8 + 7 * Math.max(6, ...m.columns.map((c) => c.length));
  // Column headers are rotated -60°: the last one reaches about half the header height to the right.
  const width = labelWidth + m.columns.length * (cell + gap) + Math.ceil(headerHeight / 2) + 10;
  const height = headerHeight + m.rows.length * (cell + gap) + 10;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="heatmap" data-cloud="${m.cloud}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${m.cloud} coverage heatmap">`,
  ];
  m.columns.forEach((c, i) => {
    const x = labelWidth + i * (cell + gap) + cell / 2;
    parts.push(
      `<text x="${x}" y="${headerHeight - 4}" font-size="11" transform="rotate(-60 ${x} ${headerHeight - 4})">${h(c)}</text>`,
    );
  });
  m.rows.forEach((r, j) => {
    const y = headerHeight + j * (cell + gap);
    parts.push(
      `<text x="0" y="${y + cell - 4}" font-size="11">${h(clip(r.label, 48))}<title>${h(r.label)}</title></text>`,
    );
    r.cells.forEach((c, i) => {
      if (!c) return;
      const x = labelWidth + i * (cell + gap);
      const tip = `${r.label} ${m.columns[i] ?? ""}: ${c.status}${c.reasons.length ? ` — ${c.reasons.join("; ")}` : ""}`;
      parts.push(
        `<rect x="${x}" y="${y}" width="${cell}" height="${cell}" rx="2" fill="${CELL_FILL[c.status]}" data-scope="${h(scopeKey(c.scope))}" data-status="${h(c.status)}"><title>${h(tip)}</title></rect>`,
      );
    });
  });
  parts.push("</svg>");
  return parts.join("");
}

function legend(): string {
  const items = CELL_STATUSES.map(
    (s, i) =>
      `<rect x="${i * 110}" y="2" width="14" height="14" fill="${CELL_FILL[s]}"/><text x="${i * 110 + 18}" y="14" font-size="12">${h(s)}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${CELL_STATUSES.length * 110}" height="20" role="img" aria-label="legend"><defs><pattern id="unknown" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#9e9e9e"/><rect width="3" height="6" fill="#616161"/></pattern></defs>${items.join("")}</svg>`;
}

// The legend defines the striped `unknown` pattern once for every heatmap on the page.

/** Timeline over the window: missing sampled events (circles), logging changes (diamonds), gap days (bands). */
function timelineSvg(model: ReportModel): string {
  const start = Date.parse(model.window.start);
  const end = Date.parse(model.window.end);
  const span = Math.max(1, end - start);
  type Mark = { t: number; kind: "missing" | "tamper" | "gap"; tip: string };
  const lanes = new Map<string, { label: string; marks: Mark[] }>();
  const lane = (key: string, label: string) => {
    let l = lanes.get(key);
    if (!l) {
      l = { label, marks: [] };
      lanes.set(key, l);
    }
    return l;
  };
  for (const r of model.blindSpots.rows) {
    for (const m of r.sample.missing) {
      lane(r.scopeKey, scopeName(model, r.scope)).marks.push({
        t: Date.parse(m.time),
        kind: "missing",
        tip: `${m.time} missing ${r.sample.eventClass} event ${m.name} (${m.eventId})${m.actor ? ` by ${m.actor}` : ""}${m.sourceIp ? ` from ${m.sourceIp}` : ""}`,
      });
    }
  }
  for (const t of model.timeline) {
    const l = lane(t.scopeKey, scopeName(model, t.scope));
    if (t.kind === "tamper") {
      const off = offFor(t.event, model.snapshot.finishedAt);
      l.marks.push({
        t: Date.parse(t.time),
        kind: "tamper",
        tip: `${t.time} ${t.event.name}${t.event.actor ? ` by ${t.event.actor}` : ""}${t.event.resource ? ` on ${t.event.resource}` : ""}${off ? `, logging off ${off}` : ""}`,
      });
    } else {
      l.marks.push({
        t: Date.parse(t.time),
        kind: "gap",
        tip: `${t.day}: ${t.source} ${t.eventClass} events at the source, none in the SIEM`,
      });
    }
  }
  if (lanes.size === 0) return '<p id="timeline-empty">Nothing missing, changed or undelivered inside the window.</p>';
  const labelWidth = 260;
  const plot = 820;
  const laneHeight = 22;
  const keys = [...lanes.keys()].sort(cmp);
  const height = 30 + keys.length * laneHeight;
  const x = (t: number) => labelWidth + Math.max(0, Math.min(plot, ((t - start) / span) * plot));
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" id="timeline-svg" width="${labelWidth + plot + 10}" height="${height}" role="img" aria-label="blind-spot timeline">`,
    `<text x="${labelWidth}" y="12" font-size="11">${h(model.window.start)}</text>`,
    `<text x="${labelWidth + plot}" y="12" font-size="11" text-anchor="end">${h(model.window.end)}</text>`,
  ];
  keys.forEach((key, i) => {
    const l = lanes.get(key)!;
    const y = 24 + i * laneHeight;
    parts.push(`<text x="0" y="${y + 12}" font-size="11">${h(clip(l.label, 40))}<title>${h(l.label)}</title></text>`);
    parts.push(`<line x1="${labelWidth}" y1="${y + 8}" x2="${labelWidth + plot}" y2="${y + 8}" stroke="#ccc"/>`);
    const marks = [...l.marks].sort((a, b) => a.t - b.t || cmp(a.tip, b.tip));
    for (const m of marks) {
      const cx = x(m.t);
      if (m.kind === "gap") {
        const w = Math.max(2, (86_400_000 / span) * plot);
        parts.push(
          `<rect class="gap" x="${cx}" y="${y}" width="${Math.min(w, labelWidth + plot - cx)}" height="16" fill="#ffb74d" opacity="0.6"><title>${h(m.tip)}</title></rect>`,
        );
      } else if (m.kind === "tamper") {
        parts.push(
          `<path class="tamper" d="M${cx} ${y} l6 8 l-6 8 l-6 -8 z" fill="#6a1b9a"><title>${h(m.tip)}</title></path>`,
        );
      } else {
        parts.push(
          `<circle class="missing" cx="${cx}" cy="${y + 8}" r="4" fill="#c62828"><title>${h(m.tip)}</title></circle>`,
        );
      }
    }
  });
  parts.push("</svg>");
  return parts.join("");
}

function findingRow(model: ReportModel, f: Finding): string {
  const check = checkOf(f.checkId);
  const evidence = f.evidence
    .map(
      (e) =>
        `<li>${h(e.label)}: <code>${h(valueText(e.value))}</code>${e.source || e.at ? ` <span class="meta">(${h([e.source, e.at].filter(Boolean).join(", "))})</span>` : ""}</li>`,
    )
    .join("");
  const mute = f.mute ? `<p class="st-muted">Muted until ${h(f.mute.expires)}: ${h(f.mute.reason)}</p>` : "";
  return [
    `<tr class="f" data-id="${h(f.id)}" data-status="${h(f.status)}" data-severity="${h(f.severity)}">`,
    `<td class="sev-${h(f.severity)}">${h(f.severity)}</td>`,
    `<td>${badge(f.status)}</td>`,
    `<td><code>${h(f.checkId)}</code></td>`,
    `<td>${h(scopeName(model, f.scope))}</td>`,
    `<td>${h(f.resource)}</td>`,
    `<td>${h(f.title)}<details><summary>evidence and fix</summary>${mute}<ul>${evidence}</ul>`,
    `<p>Controls: ${h(f.controls.join(", ") || "none")}</p>`,
    `<p>Remediation: ${h(check.remediation)}</p>`,
    f.status === "fail" || f.status === "muted"
      ? `<p>Fix script: <code>blindspot fix --from SNAPSHOT --finding ${h(f.id)}</code>${f.remediationIds.length ? ` (${h(f.remediationIds.join(", "))})` : ""}</p>`
      : "",
    `<p class="meta">Finding id ${h(f.id)}</p></details></td>`,
    "</tr>",
  ].join("");
}

/** The self-contained HTML report (no network: inline CSS, SVG and one hashed inline script). */
export function renderHtml(model: ReportModel): string {
  const { snapshot, summary } = model;
  const bs = model.blindSpots;
  const scriptHash = createHash("sha256").update(SCRIPT).digest("base64");
  const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${scriptHash}'`;
  const out: string[] = [];
  const o = (s: string) => out.push(s);
  o("<!doctype html>");
  o('<html lang="en" data-ready="false">');
  o("<head>");
  o('<meta charset="utf-8">');
  o(`<meta http-equiv="Content-Security-Policy" content="${h(csp)}">`);
  o('<meta name="viewport" content="width=device-width, initial-scale=1">');
  o(`<title>blindspot report ${h(snapshot.finishedAt)}</title>`);
  o(`<style>${STYLE}</style>`);
  o("</head>");
  o("<body>");
  o("<header>");
  o("<h1>blindspot audit-log gap report</h1>");
  o(
    `<p class="meta">Scan ${h(snapshot.startedAt)} to ${h(snapshot.finishedAt)} · blindspot ${h(snapshot.tool.version)} · clouds: ${h(snapshot.options.clouds.join(", ") || "none")} · retention threshold ${snapshot.options.retentionDays} days</p>`,
  );
  if (!snapshot.complete) {
    o('<p class="warn" id="incomplete">Incomplete scan: scopes it did not reach are unknown, not covered.</p>');
  }
  if (snapshot.options.endpoints && Object.keys(snapshot.options.endpoints).length > 0) {
    o(
      '<p class="warn">Endpoint overrides were in effect (simulator or emulator): this is not a scan of a real cloud.</p>',
    );
  }
  o("</header>");

  const applicable = model.analysis.coverage.length - summary.cells["n/a"];
  o('<section id="summary"><h2>Summary</h2><div class="cards">');
  o(
    `<div class="card" id="coverage-card">Coverage<b>${percent(summary.coverageRatio)}</b>${summary.cells.covered} of ${applicable} cells</div>`,
  );
  o(
    `<div class="card" id="blindspot-card">Blind-spot ratio<b>${percent(bs.ratio)}</b>${bs.missing} of ${bs.sampled} sampled events missing</div>`,
  );
  o(
    `<div class="card">Findings<b>${summary.findings.fail} failing</b>${summary.findings.unknown} unknown · ${summary.findings.muted} muted · ${summary.findings.pass} passing</div>`,
  );
  o(
    `<div class="card">Failing by severity<b>${SEVERITY_WORDS.map((s) => summary.failingBySeverity[s]).join(" / ")}</b>${SEVERITY_WORDS.join(" / ")}</div>`,
  );
  o("</div>");
  o(
    '<h3>Controls</h3><table id="controls"><thead><tr><th>Control</th><th>Result</th><th>Fail</th><th>Unknown</th><th>Muted</th><th>Pass</th></tr></thead><tbody>',
  );
  for (const c of model.controls) {
    o(
      `<tr><td>${h(c.control)}</td><td>${badge(c.result === "not evaluated" ? "not evaluated" : c.result)}</td><td class="n">${c.counts.fail}</td><td class="n">${c.counts.unknown}</td><td class="n">${c.counts.muted}</td><td class="n">${c.counts.pass}</td></tr>`,
    );
  }
  o("</tbody></table></section>");

  o('<section id="coverage"><h2>Coverage</h2>');
  o(legend());
  const matrices = coverageMatrices(model);
  if (matrices.length === 0) o("<p>No account, region or subscription was scanned.</p>");
  for (const m of matrices) {
    o(
      `<h3>${m.cloud === "aws" ? "AWS accounts × regions" : "Azure subscriptions"}</h3><div class="scroll">${heatmap(m)}</div>`,
    );
  }
  o("</section>");

  o('<section id="findings-section"><h2>Findings</h2>');
  o('<div class="filters">');
  o('<label>Filter <input id="q" type="search" placeholder="text, check, account, resource"></label>');
  o(
    `<label>Status <select id="fstatus"><option value="">all</option>${["fail", "unknown", "muted", "pass"].map((s) => `<option value="${s}">${s}</option>`).join("")}</select></label>`,
  );
  o(
    `<label>Severity <select id="fseverity"><option value="">all</option>${SEVERITY_WORDS.map((s) => `<option value="${s}">${s}</option>`).join("")}</select></label>`,
  );
  o(
    `<span><span id="shown">${model.analysis.findings.length}</span> of ${model.analysis.findings.length} shown</span>`,
  );
  o("</div>");
  o(
    '<table id="findings"><thead><tr><th>Severity</th><th>Status</th><th>Check</th><th>Scope</th><th>Resource</th><th>Finding</th></tr></thead><tbody>',
  );
  for (const f of model.analysis.findings) o(findingRow(model, f));
  o("</tbody></table></section>");

  o('<section id="blind-spots"><h2>Blind spots and timeline</h2>');
  o(`<p>Window ${h(model.window.start)} to ${h(model.window.end)}.</p>`);
  o(`<div class="scroll">${timelineSvg(model)}</div>`);
  if (bs.rows.length > 0) {
    o(
      '<table id="samples"><thead><tr><th>Scope</th><th>Class</th><th>Sampled</th><th>Found</th><th>Missing</th><th>Ratio</th><th>Destination</th><th>State</th></tr></thead><tbody>',
    );
    for (const r of bs.rows) {
      const s = r.sample;
      const dest = s.destination ? `${s.destination.kind} ${s.destination.id}` : "none";
      const state =
        s.state === "ok" ? (s.capped ? "ok (capped)" : "ok") : `unknown${s.error ? `: ${errorText(s.error)}` : ""}`;
      o(
        `<tr><td>${h(scopeName(model, r.scope))}</td><td>${h(s.eventClass)}</td><td class="n">${s.sampled}</td><td class="n">${s.found}</td><td class="n">${s.missing.length}</td><td class="n">${percent(r.ratio)}</td><td>${h(dest)}</td><td>${h(state)}</td></tr>`,
      );
    }
    o("</tbody></table>");
  } else {
    o(`<p>${snapshot.options.sample ? "No blind-spot samples were recorded." : "Sampling was off for this scan."}</p>`);
  }
  if (model.timeline.length > 0) {
    o(
      '<h3>Tamper and gap timeline</h3><table id="timeline"><thead><tr><th>Time</th><th>Scope</th><th>What</th><th>Actor</th><th>Source IP</th><th>Resource</th><th>Logging off</th></tr></thead><tbody>',
    );
    for (const t of model.timeline) {
      if (t.kind === "tamper") {
        const e = t.event;
        o(
          `<tr><td>${h(e.time)}</td><td>${h(scopeName(model, t.scope))}</td><td>${h(e.name)}</td><td>${h(e.actor ?? "")}</td><td>${h(e.sourceIp ?? "")}</td><td>${h(e.resource ?? "")}</td><td>${h(offFor(e, snapshot.finishedAt))}</td></tr>`,
        );
      } else {
        o(
          `<tr><td>${h(t.day)}</td><td>${h(scopeName(model, t.scope))}</td><td>SIEM delivery gap (${h(t.eventClass)}): ${t.source} events at the source, none in the SIEM</td><td></td><td></td><td></td><td></td></tr>`,
        );
      }
    }
    o("</tbody></table>");
  }
  o("</section>");

  o('<section id="scope"><h2>Scope and method</h2><ul>');
  const sc = model.scope;
  o(
    `<li>AWS: ${sc.awsAccountsEntered} of ${sc.awsAccounts} accounts entered, ${sc.awsRegions} account-regions scanned</li>`,
  );
  o(
    `<li>Azure: ${sc.azureSubscriptionsRead} of ${sc.azureSubscriptions} subscriptions read, ${plural(sc.azureTenants, "tenant")}</li>`,
  );
  o(`<li>Retention threshold: ${snapshot.options.retentionDays} days</li>`);
  o(
    `<li>${snapshot.options.sample ? `Blind-spot sampling over ${snapshot.options.sampleDays} days` : "Blind-spot sampling off (configuration checks only)"}</li>`,
  );
  o("<li>Read-only API calls; verdicts by pure analyzers over the saved snapshot.</li>");
  o('</ul><h3>What was unknown</h3><ul id="unknowns">');
  if (model.unknowns.length === 0) o("<li>Nothing: every scanned scope was read.</li>");
  for (const u of model.unknowns) o(`<li><code>${h(u.scopeKey)}</code> ${h(u.what)}: ${h(u.reason)}</li>`);
  o("</ul></section>");
  o(`<script>${SCRIPT}</script>`);
  o("</body>");
  o("</html>");
  return `${out.join("\n")}\n`;
}
