// Live view: fetch /console/live.json every few seconds and redraw the tables (no framework).
"use strict";
(function () {
  const REFRESH_MS = 3000;

  function cell(text, className) {
    const td = document.createElement("td");
    td.textContent = text;
    if (className) td.className = className;
    return td;
  }

  function fill(tableId, rows, emptyText, columns) {
    const body = document.querySelector("#" + tableId + " tbody");
    const fresh = document.createElement("tbody");
    if (rows.length === 0) {
      const tr = document.createElement("tr");
      tr.className = "empty";
      const td = cell(emptyText);
      td.colSpan = columns;
      tr.appendChild(td);
      fresh.appendChild(tr);
    }
    for (const cells of rows) {
      const tr = document.createElement("tr");
      for (const td of cells) tr.appendChild(td);
      fresh.appendChild(tr);
    }
    body.replaceWith(fresh);
  }

  function waited(seconds) {
    if (seconds < 60) return seconds + " 秒";
    return Math.floor(seconds / 60) + " 分 " + (seconds % 60) + " 秒";
  }

  function percent(share) {
    return share === null ? "—" : (share * 100).toFixed(1) + "%";
  }

  function stateCell(code, label) {
    const td = document.createElement("td");
    const span = document.createElement("span");
    span.className = "state state-" + code;
    span.textContent = label;
    td.appendChild(span);
    return td;
  }

  function show(data) {
    document.getElementById("clock").textContent = "更新于 " + data.clock;
    const open = document.getElementById("centre-open");
    open.textContent = data.centre_open ? "服务时间内" : "服务时间外（村民可留电话等回电）";
    open.className = "state " + (data.centre_open ? "state-available" : "state-offline");
    const t = data.today;
    document.getElementById("t-calls").textContent = t.calls;
    document.getElementById("t-answered").textContent = t.answered;
    document.getElementById("t-rate").textContent = percent(t.answer_rate);
    document.getElementById("t-abandoned").textContent = t.abandoned;
    document.getElementById("t-wait").textContent =
      t.wait_median_s === null ? "—" : waited(Math.round(t.wait_median_s));
    document.getElementById("t-callbacks").textContent = t.callbacks_open;
    document.getElementById("queue-count").textContent = data.queue.length;
    document.getElementById("kiosk-count").textContent = data.kiosks.length;
    fill("queue", data.queue.map((c) => [
      cell(c.centre ? c.centre + " · " + c.position : c.position), cell(c.topic_label), cell(c.village),
      cell(c.away ? c.kiosk + "（暂时断线，保留排位）" : c.kiosk), cell(waited(c.waiting_s)),
      cell(c.priority_label, "priority-" + c.priority), cell(c.ringing || "—"),
    ]), "现在没有人排队。", 7);
    fill("lawyers", data.lawyers.map((l) => [
      cell(l.name), cell(l.firm || "—"), stateCell(l.state, l.state_label), cell(l.rostered),
    ]), "还没有律师账号。", 4);
    fill("kiosks", data.kiosks.map((k) => [
      cell(k.village), cell(k.name), cell(k.busy ? "通话或排队中" : "空闲"),
    ]), "没有终端在线。", 3);
  }

  async function refresh() {
    const status = document.getElementById("live-status");
    try {
      const response = await fetch("/console/live.json", { credentials: "same-origin", cache: "no-store" });
      if (response.status === 401) {
        window.location.href = "/console/login?next=/console/live";
        return;
      }
      if (!response.ok) throw new Error(String(response.status));
      show(await response.json());
      status.textContent = "每 3 秒自动刷新";
      status.className = "muted";
    } catch (err) {
      status.textContent = "暂时连不上服务器，稍后自动重试。";
      status.className = "bad-text";
    }
  }

  refresh();
  setInterval(refresh, REFRESH_MS);
})();
