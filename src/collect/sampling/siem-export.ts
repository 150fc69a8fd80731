/**
 * `--siem-export FILE`: event ids exported from any SIEM (Splunk, Elastic, Sentinel, ...). A sampled event is found
 * when its id is in the file. Accepted shapes:
 * - CSV with a header row naming an id column (`eventID`, `eventId`, `event_id`, `id`, `CorrelationId`,
 *   `EventDataId`, ...; case-insensitive), quoted fields allowed;
 * - JSON: an array of strings, an array of objects with such a field, an object whose `events`/`results`/`hits`/
 *   `value`/`rows`/`ids` property is one of those, or JSON Lines (one object per line);
 * - plain text: one id per line (blank lines and `#` comments ignored).
 */
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { UserError } from "../../errors.js";

/** Column / property names recognised as an event id (lower case, without `_`/`-`/`.`). */
const ID_KEYS = ["eventid", "eventdataid", "correlationid", "id", "uid", "recordid"];

export interface SiemExport {
  /** The file's name (evidence; never its contents). */
  name: string;
  ids: ReadonlySet<string>;
}

function norm(k: string): string {
  return k.toLowerCase().replace(/[_.\-\s]/g, "");
}

function idsFromObject(o: unknown, out: Set<string>): void {
  if (typeof o === "string") {
    if (o.trim()) out.add(o.trim());
    return;
  }
  if (!o || typeof o !== "object") return;
  if (Array.isArray(o)) {
    for (const x of o) idsFromObject(x, out);
    return;
  }
  const rec = o as Record<string, unknown>;
  for (const wrap of ["events", "results", "hits", "value", "rows", "ids", "_source", "result"]) {
    if (wrap in rec && typeof rec[wrap] === "object") {
      idsFromObject(rec[wrap], out);
      return;
    }
  }
  const keys = Object.keys(rec);
  for (const want of ID_KEYS) {
    const k = keys.find((x) => norm(x) === want);
    if (k !== undefined) {
      const v = rec[k];
      if (typeof v === "string" && v.trim()) out.add(v.trim());
      else if (Array.isArray(v)) for (const x of v) if (typeof x === "string" && x.trim()) out.add(x.trim());
      if (want !== "eventdataid" && want !== "correlationid") return;
    }
  }
}

/** Splits one CSV line (RFC 4180 quotes). */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (q) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') q = false;
      else cur += c;
    } else if (c === '"') q = true;
    else if (c === ",") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out.map((f) => f.trim());
}

/** Parses the text of an export (see the module comment). Throws UserError when no id can be read. */
export function parseSiemExport(text: string, name = "siem-export"): SiemExport {
  const ids = new Set<string>();
  const body = text.replace(/^\uFEFF/, "").trim();
  if (body === "") return { name, ids };
  if (body.startsWith("[") || body.startsWith("{")) {
    try {
      idsFromObject(JSON.parse(body), ids);
      return { name, ids };
    } catch {
      // JSON Lines, or not JSON at all
    }
    const lines = body.split(/\r?\n/).filter((l) => l.trim());
    try {
      for (const l of lines) idsFromObject(JSON.parse(l), ids);
      return { name, ids };
    } catch {
      throw new UserError(`--siem-export ${name}: not valid JSON or JSON Lines`, {
        hint: "export event ids as CSV with an eventID column, a JSON array, or one id per line",
      });
    }
  }
  const lines = body.split(/\r?\n/);
  const header = csvFields(lines[0]!);
  const col = header.length > 1 || ID_KEYS.includes(norm(header[0] ?? "")) ? pickColumn(header) : -1;
  if (header.length > 1 && col < 0) {
    throw new UserError(`--siem-export ${name}: no id column in the CSV header`, {
      hint: `name the column one of eventID, EventDataId, CorrelationId, id (found: ${header.slice(0, 8).join(", ")})`,
    });
  }
  if (col >= 0) {
    for (const l of lines.slice(1)) {
      if (!l.trim()) continue;
      const v = csvFields(l)[col];
      if (v) ids.add(v);
    }
    // A second id column (EventDataId next to CorrelationId) counts too.
    const extra = header.map((h, i) => (i !== col && ID_KEYS.includes(norm(h)) ? i : -1)).filter((i) => i >= 0);
    for (const l of lines.slice(1)) for (const i of extra) if (csvFields(l)[i]) ids.add(csvFields(l)[i]!);
    return { name, ids };
  }
  for (const l of lines) {
    const v = l.trim().replace(/^"|"$/g, "");
    if (v && !v.startsWith("#")) ids.add(v);
  }
  return { name, ids };
}

function pickColumn(header: string[]): number {
  for (const want of ID_KEYS) {
    const i = header.findIndex((h) => norm(h) === want);
    if (i >= 0) return i;
  }
  return -1;
}

/** Reads and parses `--siem-export FILE`. A missing or unreadable file is a UserError with the fix. */
export async function loadSiemExport(file: string): Promise<SiemExport> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new UserError(
      `--siem-export ${file}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? "error"})`,
      {
        hint: "pass the path of a file of event ids exported from your SIEM",
      },
    );
  }
  return parseSiemExport(text, basename(file));
}
