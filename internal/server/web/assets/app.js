// iamspect dashboard: the pages work without script; this adds two
// conveniences: filters apply when a select changes, and "Scan now" asks
// the API for a scan and reloads when it has started.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const sel of document.querySelectorAll("form.filters select")) {
    sel.addEventListener("change", () => sel.form.submit());
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
