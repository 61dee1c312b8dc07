// The ops dashboard: plain browser JavaScript over the Gateway's own API, nothing fetched from elsewhere.
"use strict";

const KEY_STORE = "metaadssync.apiKey";
const RUNNING = "Running";
const PRESETS = ["today", "yesterday", "last_3d", "last_7d", "last_14d", "last_28d", "last_30d", "last_90d",
  "this_week_mon_today", "this_week_sun_today", "last_week_mon_sun", "last_week_sun_sat", "this_month", "last_month",
  "this_quarter", "last_quarter", "this_year", "last_year", "maximum", "data_maximum"];
const POLL_MS = 500;
const STATUS_LABELS = { Running: "running", Completed: "completed", Partial: "ended partial", Failed: "failed", TimedOut: "timed out" };
const LEVEL_NAMES = { campaigns: "campaigns", adsets: "ad sets", ads: "ads" };

const $ = (selector, root = document) => root.querySelector(selector);
const state = {
  accounts: [],
  selected: null,
  level: "campaigns",
  rows: [],
  after: null,
  sort: { key: "name", dir: 1 },
  run: null, // { syncId, accountId, timer }
  daily: { metric: "spend", scope: "" }, // scope: "" for the whole account, else a campaign id
};
const DAILY_LABELS = { spend: "spend", impressions: "impressions", clicks: "clicks" };

// ---- API -------------------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

async function api(path, options = {}) {
  const headers = { Accept: "application/json", ...(options.body ? { "Content-Type": "application/json" } : {}) };
  const key = localStorage.getItem(KEY_STORE);
  if (key) headers["X-Api-Key"] = key;
  const response = await fetch(path, { ...options, headers });
  const body = response.headers.get("content-type")?.includes("json") ? await response.json() : null;
  if (!response.ok) {
    if (response.status === 401) {
      showBanner(key ? `The API key was refused: ${body?.detail || "not valid"}` : "This Gateway wants an API key: enter one above and save.");
    }
    throw new ApiError(response.status, body);
  }
  return body;
}

function showBanner(text) {
  const banner = $("#banner");
  banner.textContent = text;
  banner.hidden = !text;
}

// ---- formatting ------------------------------------------------------------------------------------------

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const fmtInt = (n) => (n == null ? "—" : integer.format(n));
const fmtMoney = (n, currency) => {
  if (n == null) return "—";
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency: currency || "USD" }).format(n);
  } catch {
    return Number(n).toFixed(2);
  }
};
const fmtMoneyWhole = (n, currency) => {
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency: currency || "USD", maximumFractionDigits: 0 }).format(n);
  } catch {
    return integer.format(n);
  }
};
const fmtPct = (n) => (n == null ? "—" : `${Number(n).toFixed(2)}%`);
const fmtSeconds = (ms) => (ms == null ? "—" : `${(ms / 1000).toFixed(1)} s`);
const fmtTime = (iso) => (iso ? new Date(iso).toLocaleString() : "—");

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value == null) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  node.append(...children.filter((c) => c != null));
  return node;
}

// The mark beside an account: running wins over the last outcome.
function statusMark(account) {
  const status = account.running ? RUNNING : account.lastSyncStatus;
  const label = status ? status.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase() : "never synced";
  return el("span", { class: `mark ${status ? status.toLowerCase() : "never"}`, "data-status": status || "Never", text: label });
}

// The plain cause of an error (errorKind), with Meta's message and the redacted call behind a click.
const ERROR_KINDS = {
  NoPermission: "No permission",
  TokenInvalid: "Token invalid or expired",
  Throttled: "Throttled by Meta",
  NotFound: "Not found",
  MetaUnavailable: "Meta unavailable",
  TooMuchData: "Too much data, even at the smallest page",
  MetaRefused: "Meta refused the call",
  Internal: "Internal error",
};

function errorCause(error, kind, detail) {
  if (!error) return null;
  let label = ERROR_KINDS[kind] || "Error";
  if (kind === "Throttled" && detail?.liftsAt) label += `, lifts at ${fmtTime(detail.liftsAt)}`;
  return el("details", { class: "cause", "data-error-kind": kind || "" },
    el("summary", { text: label }),
    el("p", { text: detail?.message || error }),
    detail?.call ? el("code", { text: detail.call }) : null);
}

// ---- accounts sidebar ------------------------------------------------------------------------------------

async function loadAccounts() {
  const list = $("#accounts");
  try {
    state.accounts = await api("/api/accounts");
  } catch (error) {
    list.setAttribute("aria-busy", "false");
    list.replaceChildren(el("li", { class: "muted", text: `Accounts could not be read: ${error.message}` }));
    return;
  }
  list.setAttribute("aria-busy", "false");
  $("#accounts-count").textContent = `(${state.accounts.length})`;
  if (!state.accounts.length) {
    list.replaceChildren(el("li", { class: "muted", text: 'No accounts stored yet: "Refresh list" asks Meta for them.' }));
    return;
  }
  list.replaceChildren(...state.accounts.map((a) => {
    const counts = `${fmtInt(a.counts.campaigns)} campaigns · ${fmtInt(a.counts.adSets)} ad sets · ${fmtInt(a.counts.ads)} ads`;
    const blocked = !a.access.accessible;
    const inactive = a.access.accountState !== "Active";
    const button = el("button", {
      type: "button",
      class: blocked ? "inaccessible" : null,
      "data-account-id": a.accountId,
      "data-accessible": String(a.access.accessible),
      "aria-current": a.accountId === state.selected ? "true" : null,
      "aria-label": `${a.name}, ${blocked ? `not accessible: ${a.access.reason}` : `last synced ${a.staleness}`}, ${counts}`,
      onclick: () => { location.hash = `#/accounts/${a.accountId}`; },
    },
    el("span", { class: "name", text: a.name }),
    el("span", { class: "staleness", "data-staleness": "", text: a.staleness }),
    el("span", { class: "counts" }, statusMark(a), ` · ${counts}`),
    blocked ? el("span", { class: "access", "data-access-reason": "", text: `No access: ${a.access.reason}` }) : null,
    inactive ? el("span", { class: "access", "data-account-state": "", text: `Meta: ${a.access.accountState}` }) : null);
    return el("li", {}, button);
  }));
  renderAccountHead();
}

function selectedAccount() {
  return state.accounts.find((a) => a.accountId === state.selected) || null;
}

// The seed's "all" sync: only the accounts list is refreshed from Meta.
async function refreshAccounts() {
  const button = $("#refresh-accounts");
  button.disabled = true;
  try {
    await api("/api/meta-ads/sync", { method: "POST", body: "{}" });
    await loadAccounts();
  } catch (error) {
    showBanner(`The accounts list could not be refreshed: ${error.message}`);
  } finally {
    button.disabled = false;
  }
}

// ---- account view ----------------------------------------------------------------------------------------

function renderAccountHead() {
  const account = selectedAccount();
  if (!account) return;
  $("#account-name").textContent = account.name;
  $("#account-id").textContent = account.accountId;
  $("#account-staleness").textContent = account.staleness;
  $("#account-status").replaceChildren(statusMark(account));
  const notice = $("#account-access");
  notice.hidden = account.access.accessible && account.access.accountState === "Active" && !account.lastError;
  notice.replaceChildren(...[
    account.access.accessible ? null
      : el("p", { class: "error", text: `The token can no longer read this account (since ${fmtTime(account.access.since)}): ${account.access.reason}` }),
    account.access.accountState === "Active" ? null : el("p", { text: `Meta reports this account as ${account.access.accountState}; it is not scheduled.` }),
    errorCause(account.lastError, account.lastErrorKind, account.lastErrorDetail),
  ].filter(Boolean));
  $("#sync-button").disabled = !account.access.accessible;
  if (account.running && !state.run) follow(account.running, account.accountId, "A sync of this account is running; following it.");
}

async function showAccount(accountId) {
  if (state.selected !== accountId) {
    stopFollowing();
    $("#progress").hidden = true;
  }
  state.selected = accountId;
  for (const b of document.querySelectorAll("#accounts button")) {
    if (b.dataset.accountId === accountId) b.setAttribute("aria-current", "true");
    else b.removeAttribute("aria-current");
  }
  if (!state.accounts.length) await loadAccounts();
  renderAccountHead();
  await Promise.all([loadEntities(true), loadDailyScopes().then(loadDaily)]);
}

async function loadEntities(reset) {
  const account = selectedAccount();
  if (!account) return;
  if (reset) {
    state.rows = [];
    state.after = null;
  }
  const query = new URLSearchParams({ datePreset: $("#date-preset").value, limit: "100" });
  if (state.after) query.set("after", state.after);
  // Objects Meta no longer returns stay stored; they are listed, struck through, only on request.
  if ($("#show-removed").checked) query.set("include", "removed");
  const caption = $("#entities-caption");
  try {
    const page = await api(`/api/accounts/${account.accountId}/${state.level}?${query}`);
    state.rows = state.rows.concat(page.data);
    state.after = page.after;
  } catch (error) {
    caption.textContent = `Could not read ${LEVEL_NAMES[state.level]}: ${error.message}`;
    return;
  }
  renderEntities();
}

function sortValue(row, key) {
  switch (key) {
    case "name": return (row.name || row.id).toLowerCase();
    case "status": return row.effectiveStatus || row.status || "";
    default: return row.insights?.[key] ?? -1;
  }
}

function renderEntities() {
  const account = selectedAccount();
  const { key, dir } = state.sort;
  const rows = [...state.rows].sort((a, b) => {
    const x = sortValue(a, key);
    const y = sortValue(b, key);
    return (x < y ? -1 : x > y ? 1 : 0) * dir;
  });
  $("#entities tbody").replaceChildren(...rows.map((r) => {
    const status = r.effectiveStatus || r.status || "—";
    const i = r.insights;
    const removed = r.removedAt
      ? el("small", { class: "removed-note", text: ` · removed ${new Date(r.removedAt).toLocaleString()}${r.removedReason ? ` (${r.removedReason})` : ""}` })
      : null;
    return el("tr", r.removedAt ? { class: "removed" } : {},
      el("td", {}, el("span", { text: r.name || r.id }), el("br"), el("small", { class: "muted", text: r.id }), removed),
      el("td", {}, el("span", { class: `status ${status}`, text: status })),
      el("td", { class: "num", text: fmtMoney(i?.spend, account?.currency) }),
      el("td", { class: "num", text: fmtInt(i?.impressions) }),
      el("td", { class: "num", text: fmtInt(i?.clicks) }),
      el("td", { class: "num", text: fmtPct(i?.ctr) }));
  }));
  const withInsights = state.rows.filter((r) => r.insights).length;
  $("#entities-caption").textContent = state.rows.length
    ? `${state.rows.length}${state.after ? "+" : ""} ${LEVEL_NAMES[state.level]}, ${withInsights} with insights for ${$("#date-preset").value}`
      + " (preset aggregates: Meta's number for the whole period, reach included)"
      + (state.after ? " — sorting covers the rows loaded so far" : "")
    : `No ${LEVEL_NAMES[state.level]} stored yet — "Sync now" fetches them.`;
  $("#load-more").hidden = !state.after;
  for (const th of document.querySelectorAll("#entities th")) {
    const k = $("button", th).dataset.sort;
    th.setAttribute("aria-sort", k === key ? (dir > 0 ? "ascending" : "descending") : "none");
  }
}

function selectLevel(level) {
  state.level = level;
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    const on = tab.dataset.level === level;
    tab.setAttribute("aria-selected", String(on));
    tab.tabIndex = on ? 0 : -1;
    if (on) $("#entities-panel").setAttribute("aria-labelledby", tab.id);
  }
  loadEntities(true);
}

// ---- daily chart -----------------------------------------------------------------------------------------
// The daily rows (kind "daily": one per entity and day, as Meta reports them with time_increment=1), drawn as an SVG
// bar chart by hand: the whole account (the campaigns' sum per day) or one campaign.

async function loadDailyScopes() {
  const account = selectedAccount();
  if (!account) return;
  const select = $("#daily-scope");
  let campaigns = [];
  try {
    campaigns = (await api(`/api/accounts/${account.accountId}/campaigns?limit=500`)).data;
  } catch {
    // The chart of the whole account still works; the list is only a convenience.
  }
  const keep = campaigns.some((c) => c.id === state.daily.scope) ? state.daily.scope : "";
  select.replaceChildren(el("option", { value: "", text: "Whole account" }),
    ...campaigns.map((c) => el("option", { value: c.id, text: c.name || c.id })));
  select.value = keep;
  state.daily.scope = keep;
}

async function loadDaily() {
  const account = selectedAccount();
  if (!account) return;
  const { scope, metric } = state.daily;
  const base = `/api/accounts/${account.accountId}/insights/daily`;
  const caption = $("#daily-caption");
  const svg = $("#daily-chart");
  let view;
  try {
    view = await api(scope ? `${base}?level=campaign&entityId=${scope}` : `${base}/totals?level=campaign`);
  } catch (error) {
    svg.replaceChildren();
    caption.textContent = `Daily rows could not be read: ${error.message}`;
    return;
  }
  if (state.selected !== account.accountId || state.daily.scope !== scope || state.daily.metric !== metric) return;
  const stored = new Map(view.days.map((d) => [d.date, d]));
  const days = [];
  for (let day = new Date(`${view.since}T00:00:00Z`); day <= new Date(`${view.until}T00:00:00Z`); day.setUTCDate(day.getUTCDate() + 1)) {
    const date = day.toISOString().slice(0, 10);
    const row = stored.get(date);
    const has = row && (scope ? true : row.entities > 0);
    days.push({ date, value: has ? Number(row[metric] ?? 0) : null });
  }
  const format = metric === "spend" ? (n) => fmtMoney(n, account.currency) : fmtInt;
  const name = scope ? ($("#daily-scope").selectedOptions[0]?.textContent || scope) : "whole account";
  $("#daily-metric-name").textContent = DAILY_LABELS[metric];
  $("#daily-scope-name").textContent = name;
  const axis = metric === "spend" ? (n) => fmtMoneyWhole(n, account.currency) : fmtInt;
  drawBars(svg, days, format, axis);
  const withRows = days.filter((d) => d.value != null);
  const total = withRows.reduce((sum, d) => sum + d.value, 0);
  svg.dataset.days = String(days.length);
  caption.textContent = withRows.length
    ? `${days.length} days, ${view.since} – ${view.until} in the account's time zone (${view.timezone || "UTC"}); ${withRows.length} with delivery, `
      + `${DAILY_LABELS[metric]} ${format(total)} in all. Daily figures: one row per day as Meta reports it (days it restates are re-read for the last days each sync).`
    : `No daily rows stored for ${view.since} – ${view.until} yet — "Sync now" reads them.`;
}

function niceStep(max) {
  const raw = max / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].map((m) => m * power).find((step) => step >= raw) || raw;
}

function svgEl(tag, attributes, text) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text != null) node.textContent = text;
  return node;
}

function drawBars(svg, days, format, axis) {
  const width = Math.max(svg.clientWidth || 0, 320);
  const height = 190;
  const pad = { left: 76, right: 8, top: 10, bottom: 22 };
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  const max = Math.max(0, ...days.map((d) => d.value ?? 0));
  const step = max > 0 ? niceStep(max) : 1;
  const top = max > 0 ? Math.ceil(max / step) * step : 4;
  const plotHeight = height - pad.top - pad.bottom;
  const y = (v) => pad.top + plotHeight - (v / top) * plotHeight;
  const nodes = [];
  for (let v = 0; v <= top + step / 2; v += step) {
    nodes.push(svgEl("line", { class: "grid", x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v) }));
    nodes.push(svgEl("text", { x: pad.left - 6, y: y(v) + 4, "text-anchor": "end" }, axis(v)));
  }
  const slot = (width - pad.left - pad.right) / Math.max(days.length, 1);
  const barWidth = Math.max(1, slot * 0.72);
  days.forEach((d, i) => {
    const x = pad.left + i * slot + (slot - barWidth) / 2;
    const h = d.value == null ? 1 : Math.max(1, y(0) - y(d.value));
    const bar = svgEl("rect", { class: d.value == null ? "bar empty" : "bar", x, y: y(0) - h, width: barWidth, height: h,
      "data-date": d.date, "data-value": d.value ?? "" });
    bar.append(svgEl("title", {}, `${d.date}: ${d.value == null ? "no delivery stored" : format(d.value)}`));
    nodes.push(bar);
    if (i === 0 || i === days.length - 1 || (days.length - 1 - i) % 7 === 0) {
      const label = new Date(`${d.date}T00:00:00Z`).toLocaleDateString(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
      nodes.push(svgEl("text", { x: x + barWidth / 2, y: height - 6, "text-anchor": "middle" }, label));
    }
  });
  svg.replaceChildren(...nodes);
}

// ---- sync and live progress ------------------------------------------------------------------------------

async function syncNow() {
  const account = selectedAccount();
  if (!account) return;
  const button = $("#sync-button");
  button.disabled = true;
  try {
    const answer = await api("/api/meta-ads/sync", {
      method: "POST",
      body: JSON.stringify({ accountId: account.accountId, datePreset: $("#date-preset").value }),
    });
    follow(answer.syncId, account.accountId, answer.deduplicated ? "Joined the sync already running for this account." : "Sync started.");
    await loadAccounts();
  } catch (error) {
    const running = error.problem?.runningSyncId;
    if (error.status === 409 && running) follow(running, account.accountId, `${error.message} Following the running sync.`);
    else showProgressError(error.message);
  } finally {
    button.disabled = false;
  }
}

function showProgressError(text) {
  $("#progress").hidden = false;
  $("#progress-note").textContent = text;
}

// Follows one run until it ends: its event stream first, polling when the stream breaks. A second click on the same
// account joins the same run (the saga deduplicates).
function follow(syncId, accountId, note) {
  if (state.run?.syncId === syncId) {
    $("#progress-note").textContent = note;
    return;
  }
  stopFollowing();
  state.run = { syncId, accountId, timer: 0, abort: new AbortController(), lastEventId: null };
  $("#progress").hidden = false;
  $("#progress").dataset.syncId = syncId;
  $("#progress-note").textContent = note;
  $("#sync-button").textContent = "Sync running — click to join";
  listen(state.run);
}

function stopFollowing() {
  if (state.run) {
    clearTimeout(state.run.timer);
    state.run.abort.abort();
  }
  state.run = null;
  $("#sync-button").textContent = "Sync now";
}

async function listen(run) {
  $("#progress").dataset.mode = "stream";
  try {
    // A stream that closed after some events (its time limit) is resumed after the last one.
    let heard;
    do heard = await stream(run); while (heard === "progress" && state.run === run);
    if (heard === "outcome" || state.run !== run) return;
  } catch (error) {
    if (state.run !== run) return;
    console.warn(`The event stream broke (${error.message}); polling instead.`);
  }
  $("#progress").dataset.mode = "poll";
  poll();
}

// Reads GET /api/syncs/{id}/events with fetch, so the key stays a header (EventSource cannot send one). Answers
// "outcome" when the run ended, "progress" when the stream closed after some events, null when it closed empty.
async function stream(run) {
  const headers = { Accept: "text/event-stream" };
  const key = localStorage.getItem(KEY_STORE);
  if (key) headers["X-Api-Key"] = key;
  if (run.lastEventId) headers["Last-Event-ID"] = run.lastEventId;
  const response = await fetch(`/api/syncs/${run.syncId}/events`, { headers, signal: run.abort.signal });
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let heard = null;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return heard;
    buffer += value.replace(/\r\n?/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const event = parseEvent(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      if (!event.data || state.run !== run) continue;
      if (event.id) run.lastEventId = event.id;
      const view = JSON.parse(event.data);
      renderProgress(view);
      heard = "progress";
      if (event.type === "outcome") {
        reader.cancel();
        await finished(view);
        return "outcome";
      }
    }
  }
}

function parseEvent(block) {
  const event = { type: "message", id: null, data: "" };
  for (const line of block.split("\n")) {
    const colon = line.indexOf(":");
    if (colon === 0) continue;
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") event.type = value;
    else if (field === "id") event.id = value;
    else if (field === "data") event.data += (event.data ? "\n" : "") + value;
  }
  return event;
}

async function poll() {
  const run = state.run;
  if (!run) return;
  let view = null;
  try {
    view = await api(`/api/syncs/${run.syncId}`);
  } catch (error) {
    // Just after the request the run may not be readable yet; keep asking.
    if (error.status !== 404) $("#progress-note").textContent = `Progress could not be read: ${error.message}`;
  }
  if (state.run !== run) return;
  if (view) renderProgress(view);
  if (view && view.status !== RUNNING) {
    await finished(view);
    return;
  }
  run.timer = setTimeout(poll, POLL_MS);
}

function renderProgress(view) {
  const set = (name, text) => { $(`[data-progress="${name}"]`).textContent = text; };
  const b = view.insightBatches;
  const done = b.succeeded + b.failed;
  set("status", STATUS_LABELS[view.status] || view.status);
  set("campaigns", fmtInt(view.entities.campaigns));
  set("adSets", fmtInt(view.entities.adSets));
  set("ads", fmtInt(view.entities.ads));
  set("batches", `${done} / ${b.total}` + (b.failed ? ` (${b.failed} failed)` : ""));
  set("graphCalls", fmtInt(view.graphCalls));
  const elapsed = view.durationMs ?? (view.startedAt ? Date.now() - new Date(view.startedAt).getTime() : null);
  set("elapsed", fmtSeconds(elapsed));
  $("#progress").dataset.status = view.status;
  const bar = $("#progress-bar");
  bar.max = Math.max(b.total, 1);
  bar.value = view.status === RUNNING ? done : bar.max;
  if (view.error) $("#progress-note").textContent = view.error;
}

async function finished(view) {
  stopFollowing();
  const ok = view.status === "Completed";
  $("#progress-note").textContent = ok
    ? `Done: ${fmtInt(view.entities.campaigns + view.entities.adSets + view.entities.ads)} entities synced in ${fmtSeconds(view.durationMs)}.`
    : `Ended ${view.status}${view.error ? `: ${view.error}` : "."}`;
  // Refetch without a reload: the sidebar's label becomes "Just now" and the tables show what was stored.
  await loadAccounts();
  if (state.selected === view.accountId) await Promise.all([loadEntities(true), loadDailyScopes().then(loadDaily)]);
  if (location.hash.startsWith("#/runs")) await loadRuns();
}

// ---- runs view -------------------------------------------------------------------------------------------

async function loadRuns() {
  const body = $("#runs tbody");
  try {
    const runs = await api("/api/syncs?limit=50");
    const names = new Map(state.accounts.map((a) => [a.accountId, a.name]));
    body.replaceChildren(...runs.map((r) => el("tr", { "data-sync-id": r.syncId },
      el("td", {}, el("a", { href: `#/accounts/${r.accountId}`, text: names.get(r.accountId) || r.accountId })),
      el("td", { text: r.trigger }),
      el("td", { text: r.datePreset }),
      el("td", { text: fmtTime(r.startedAt) }),
      el("td", { class: "num", text: r.status === RUNNING ? "running" : fmtSeconds(r.durationMs) }),
      el("td", { class: "num", text: fmtInt(r.graphCalls) }),
      el("td", {}, statusMark({ running: r.status === RUNNING, lastSyncStatus: r.status })),
      el("td", { class: "error" }, errorCause(r.error, r.errorKind, r.errorDetail)))));
    if (!runs.length) body.replaceChildren(el("tr", {}, el("td", { colspan: "8", class: "muted", text: "No runs yet." })));
  } catch (error) {
    body.replaceChildren(el("tr", {}, el("td", { colspan: "8", class: "error", text: `Runs could not be read: ${error.message}` })));
  }
  await loadGate();
}

// The gate's shape belongs to its own endpoint; rows of any flat objects are shown as a table.
async function loadGate() {
  const gate = $("#gate");
  let data;
  try {
    data = await api("/api/ratelimits");
  } catch (error) {
    gate.replaceChildren(el("p", { class: "muted", text: error.status === 404
      ? "This Gateway does not report the rate gate's state (GET /api/ratelimits answered 404)."
      : `The rate gate's state could not be read: ${error.message}` }));
    return;
  }
  const rows = Array.isArray(data) ? data : (Object.values(data).find(Array.isArray) || [data]);
  if (!rows.length) {
    gate.replaceChildren(el("p", { class: "muted", text: "No key has been used yet." }));
    return;
  }
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v) => (v == null ? "—" : typeof v === "object" ? JSON.stringify(v) : String(v));
  gate.replaceChildren(el("div", { class: "table-wrap" }, el("table", {},
    el("thead", {}, el("tr", {}, ...columns.map((c) => el("th", { scope: "col", text: c })))),
    el("tbody", {}, ...rows.map((r) => el("tr", {}, ...columns.map((c) => el("td", { text: cell(r[c]) }))))))));
}

// ---- routing and start -----------------------------------------------------------------------------------

async function route() {
  const hash = location.hash || "#/";
  const runs = hash.startsWith("#/runs");
  const account = /^#\/accounts\/(act_\d+)/.exec(hash)?.[1];
  $("#runs-view").hidden = !runs;
  $("#account-view").hidden = runs || !account;
  $("#empty-view").hidden = runs || !!account;
  $("#nav-runs").setAttribute("aria-current", runs ? "page" : "false");
  $("#nav-accounts").setAttribute("aria-current", runs ? "false" : "page");
  if (runs) await loadRuns();
  else if (account) await showAccount(account);
}

function start() {
  $("#date-preset").replaceChildren(...PRESETS.map((p) => el("option", { value: p, text: p.replaceAll("_", " ") })));
  $("#date-preset").value = "last_7d";
  $("#date-preset").addEventListener("change", () => loadEntities(true));
  $("#show-removed").addEventListener("change", () => loadEntities(true));
  $("#api-key").value = localStorage.getItem(KEY_STORE) || "";
  $("#key-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const key = $("#api-key").value.trim();
    if (key) localStorage.setItem(KEY_STORE, key);
    else localStorage.removeItem(KEY_STORE);
    showBanner("");
    loadAccounts().then(route);
  });
  $("#sync-button").addEventListener("click", syncNow);
  $("#refresh-accounts").addEventListener("click", refreshAccounts);
  $("#load-more").addEventListener("click", () => loadEntities(false));
  $("#daily-scope").addEventListener("change", () => {
    state.daily.scope = $("#daily-scope").value;
    loadDaily();
  });
  for (const button of document.querySelectorAll(".metric-switch button")) {
    button.addEventListener("click", () => {
      state.daily.metric = button.dataset.metric;
      for (const b of document.querySelectorAll(".metric-switch button")) b.setAttribute("aria-checked", String(b === button));
      loadDaily();
    });
  }
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    tab.addEventListener("click", () => selectLevel(tab.dataset.level));
    tab.addEventListener("keydown", (e) => {
      const tabs = [...document.querySelectorAll('[role="tab"]')];
      const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
      if (!step) return;
      const next = tabs[(tabs.indexOf(tab) + step + tabs.length) % tabs.length];
      next.focus();
      selectLevel(next.dataset.level);
    });
  }
  for (const button of document.querySelectorAll("#entities th button")) {
    button.addEventListener("click", () => {
      const key = button.dataset.sort;
      state.sort = { key, dir: state.sort.key === key ? -state.sort.dir : (key === "name" || key === "status" ? 1 : -1) };
      renderEntities();
    });
  }
  window.addEventListener("hashchange", route);
  // Staleness labels age and other people's syncs start and end: the sidebar refreshes itself.
  setInterval(() => { if (!document.hidden) loadAccounts(); }, 30000);
  // A fresh installation has no accounts stored: ask Meta for the list once, as the seed's page load did.
  loadAccounts().then(() => (state.accounts.length ? null : refreshAccounts())).then(route);
}

start();
