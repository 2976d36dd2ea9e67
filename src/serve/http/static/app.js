// exam-planner serve: the pages' one script. Forms marked data-api call the JSON API with the
// session's CSRF token; live jobs poll their progress. No external resources.
"use strict";

const csrf = () => {
  const m = document.querySelector('meta[name="csrf"]');
  return m ? m.content : "";
};

function say(form, text) {
  const box = form.querySelector(".message");
  if (box) box.textContent = text || "";
}

function showDiagnostics(form, list) {
  const box = form.querySelector(".diagnostics");
  if (!box) return;
  box.textContent = "";
  const table = document.createElement("table");
  table.className = "diagnostics";
  const head = table.createTHead().insertRow();
  for (const h of ["文件", "行", "列", "级别", "问题"]) {
    const th = document.createElement("th");
    th.textContent = h;
    head.appendChild(th);
  }
  const body = table.createTBody();
  for (const d of list) {
    const row = body.insertRow();
    row.className = d.severity;
    for (const v of [d.file, d.line, d.column, d.severity === "error" ? "错误" : "警告", d.message]) {
      row.insertCell().textContent = v === null || v === undefined ? "" : String(v);
    }
  }
  box.appendChild(table);
}

async function submit(form) {
  const kind = form.dataset.body;
  const headers = { "X-CSRF-Token": csrf() };
  let body = null;
  if (kind === "zip") {
    const file = form.querySelector('input[type="file"]').files[0];
    if (!file) { say(form, "请先选择 zip 文件"); return; }
    headers["Content-Type"] = "application/zip";
    body = file;
  } else if (kind === "text") {
    headers["Content-Type"] = "text/plain; charset=utf-8";
    body = form.querySelector("textarea").value;
  } else if (kind === "seed") {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify({ seed: form.querySelector('input[name="seed"]').value });
  }
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
  const button = form.querySelector('button[type="submit"]');
  if (button) button.disabled = true;
  say(form, "处理中……");
  try {
    const r = await fetch(form.dataset.api, { method: "POST", headers, body, credentials: "same-origin" });
    let data = null;
    try { data = await r.json(); } catch (_) { data = null; }
    if (r.status === 201 && data && data.id !== undefined) {
      location.href = "/quarters/" + data.id;
    } else if (r.status === 202 && data && data.job !== undefined) {
      location.reload();
    } else if (r.ok) {
      location.reload();
    } else if (r.status === 422 && data && data.diagnostics) {
      say(form, "有 " + data.diagnostics.filter((d) => d.severity === "error").length + " 处错误，未保存：");
      showDiagnostics(form, data.diagnostics);
    } else if (r.status === 401) {
      location.href = "/login";
    } else {
      say(form, (data && data.error) || ("请求失败（" + r.status + "）"));
    }
  } catch (e) {
    say(form, "网络错误：" + e);
  } finally {
    if (button) button.disabled = false;
  }
}

async function poll(row) {
  const r = await fetch("/api/jobs/" + row.dataset.job, { credentials: "same-origin" });
  if (!r.ok) return;
  const job = await r.json();
  const bar = row.querySelector("progress");
  if (bar) bar.value = job.progress;
  row.querySelector(".stage").textContent = job.stage || "";
  const words = { queued: "排队中", running: "运行中", done: "完成", failed: "失败" };
  row.querySelector(".state").textContent = words[job.state] || job.state;
  row.querySelector(".error").textContent = job.error || "";
  if (job.state === "done" || job.state === "failed") {
    row.dataset.live = "false";
    // the finished job changes the page (a new version, files): show it
    setTimeout(() => location.reload(), 500);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form.api")) {
    form.addEventListener("submit", (e) => { e.preventDefault(); submit(form); });
  }
  const live = () => document.querySelectorAll('tr.job[data-live="true"]');
  if (live().length > 0) {
    const timer = setInterval(() => {
      const rows = live();
      if (rows.length === 0) { clearInterval(timer); return; }
      rows.forEach(poll);
    }, 700);
  }
});
