// iamspect dashboard: the pages work without script; this adds three
// conveniences: filters apply when a select changes, "Scan now" asks the
// API for a scan and reloads when it has started, and a finding's mute form
// posts to the API.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const sel of document.querySelectorAll("form.filters select")) {
    sel.addEventListener("change", () => sel.form.submit());
  }
  for (const form of document.querySelectorAll("form.mute")) {
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const body = { reason: form.reason.value.trim() };
      if (form.expires.value) body.expires = form.expires.value + "T00:00:00Z";
      const resp = await fetch("/api/v1/findings/" + encodeURIComponent(form.dataset.target) + "/" +
        encodeURIComponent(form.dataset.fingerprint) + "/mute",
        { method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      if (resp.ok) { location.reload(); return; }
      const err = await resp.json().catch(() => ({}));
      form.querySelector(".mute-status").textContent = err.error || ("error " + resp.status);
    });
  }
  for (const btn of document.querySelectorAll("button.scan-now")) {
    btn.addEventListener("click", async () => {
      btn.disabled = true;
      btn.textContent = "scanning…";
      const resp = await fetch("/api/v1/targets/" + encodeURIComponent(btn.dataset.target) + "/scans",
        { method: "POST", credentials: "same-origin" });
      if (!resp.ok) {
        const body = await resp.json().catch(() => ({}));
        btn.textContent = body.error || ("error " + resp.status);
        return;
      }
      setTimeout(() => location.reload(), 1500);
    });
  }
});
