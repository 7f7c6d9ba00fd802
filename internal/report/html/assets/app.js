(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("iamspect-data").textContent);
  var results = data.results, rules = data.rules, pageSize = data.page_size || 200;
  var isNew = {};
  (data.new || []).forEach(function (fp) { isNew[fp] = true; });
  var sevRank = { critical: 5, high: 4, medium: 3, low: 2, info: 1 };
  var statusRank = { FAIL: 4, UNKNOWN: 3, MUTED: 2, PASS: 1 };
  var hay = new Array(results.length);
  for (var i = 0; i < results.length; i++) {
    var r = results[i], rule = rules[r.rule_id] || {};
    hay[i] = [r.rule_id, rule.title || "", r.status, r.severity, r.account_id, r.resource_arn, r.resource_name, r.message, r.mute_reason || ""].join("\n").toLowerCase();
  }
  var $ = function (id) { return document.getElementById(id); };
  var state = { filter: "", status: "", severity: "", rule: "", account: "", new: "", sort: "", dir: "", page: 1 };
  var visible = [];

  function readHash() {
    var h = location.hash.replace(/^#/, "");
    var s = { filter: "", status: "", severity: "", rule: "", account: "", new: "", sort: "", dir: "", page: 1 };
    h.split("&").forEach(function (kv) {
      if (!kv) return;
      var p = kv.split("="), k = decodeURIComponent(p[0]), v = decodeURIComponent((p[1] || "").replace(/\+/g, " "));
      if (k === "q") k = "filter";
      if (k === "page") v = Math.max(1, parseInt(v, 10) || 1);
      if (k in s) s[k] = v;
    });
    return s;
  }
  function writeHash() {
    var parts = [];
    ["filter", "status", "severity", "rule", "account", "new", "sort", "dir"].forEach(function (k) {
      if (state[k]) parts.push(k + "=" + encodeURIComponent(state[k]));
    });
    if (state.page > 1) parts.push("page=" + state.page);
    var h = parts.length ? "#" + parts.join("&") : " ";
    history.replaceState(null, "", h === " " ? location.pathname + location.search : h);
  }
  function syncControls() {
    $("f-text").value = state.filter;
    $("f-status").value = state.status;
    $("f-severity").value = state.severity;
    $("f-rule").value = state.rule;
    $("f-account").value = state.account;
    if ($("f-new")) $("f-new").checked = !!state.new;
    var ths = document.querySelectorAll("#results th[data-sort]");
    for (var i = 0; i < ths.length; i++) {
      var on = ths[i].getAttribute("data-sort") === state.sort;
      ths[i].className = on ? (state.dir === "asc" ? "asc" : "desc") : "";
      ths[i].setAttribute("aria-sort", on ? (state.dir === "asc" ? "ascending" : "descending") : "none");
    }
  }
  function key(r, k) {
    switch (k) {
      case "status": return statusRank[r.status] || 0;
      case "severity": return sevRank[r.severity] || 0;
      case "rule": return r.rule_id;
      case "account": return r.account_id;
      case "resource": return r.resource_arn;
    }
    return 0;
  }
  function apply() {
    var words = state.filter.toLowerCase().split(/\s+/).filter(Boolean);
    visible = [];
    for (var i = 0; i < results.length; i++) {
      var r = results[i];
      if (state.status && r.status !== state.status) continue;
      if (state.severity && r.severity !== state.severity) continue;
      if (state.rule && r.rule_id !== state.rule) continue;
      if (state.account && r.account_id !== state.account) continue;
      if (state.new && !(r.status === "FAIL" && isNew[r.fingerprint])) continue;
      var ok = true;
      for (var w = 0; w < words.length && ok; w++) ok = hay[i].indexOf(words[w]) >= 0;
      if (ok) visible.push(i);
    }
    if (state.sort) {
      var k = state.sort, sign = state.dir === "asc" ? 1 : -1;
      visible.sort(function (a, b) {
        var x = key(results[a], k), y = key(results[b], k);
        return (x < y ? -1 : x > y ? 1 : 0) * sign || a - b;
      });
    }
    var pages = Math.max(1, Math.ceil(visible.length / pageSize));
    if (state.page > pages) state.page = pages;
    $("visible-count").textContent = String(visible.length);
    document.body.setAttribute("data-visible", String(visible.length));
    render(pages);
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function render(pages) {
    var body = $("rows"), frag = document.createDocumentFragment();
    var start = (state.page - 1) * pageSize, end = Math.min(start + pageSize, visible.length);
    for (var n = start; n < end; n++) {
      var idx = visible[n], r = results[idx];
      var tr = el("tr", "row");
      tr.setAttribute("data-i", idx);
      tr.tabIndex = 0;
      var st = el("td"); st.appendChild(el("span", "st st-" + r.status, r.status));
      if (r.status === "FAIL" && isNew[r.fingerprint]) st.appendChild(el("span", "new-mark", "NEW"));
      tr.appendChild(st);
      var sv = el("td"); sv.appendChild(el("span", "sev sev-" + r.severity, r.severity)); tr.appendChild(sv);
      tr.appendChild(el("td", "rule", r.rule_id));
      tr.appendChild(el("td", "", r.account_id));
      tr.appendChild(el("td", "res", r.resource_name || r.resource_arn));
      tr.appendChild(el("td", "", r.message));
      frag.appendChild(tr);
    }
    body.textContent = "";
    body.appendChild(frag);
    $("page-info").textContent = visible.length ? "rows " + (start + 1) + "–" + end + " of " + visible.length + " · page " + state.page + " of " + pages : "no result matches";
    $("prev").disabled = state.page <= 1;
    $("next").disabled = state.page >= pages;
  }
  function section(parent, title, node) {
    parent.appendChild(el("h4", "", title));
    parent.appendChild(node);
  }
  function detail(r) {
    var rule = rules[r.rule_id] || {}, td = el("td"), box = el("div", "detail");
    td.colSpan = 6;
    td.appendChild(box);
    box.appendChild(el("strong", "", rule.title || r.rule_id));
    if (rule.description) box.appendChild(el("p", "", rule.description));
    var facts = el("dl");
    function fact(k, v) { if (v === undefined || v === null || v === "" || (v.length === 0)) return; facts.appendChild(el("dt", "", k)); facts.appendChild(el("dd", "", Array.isArray(v) ? v.join(", ") : v)); }
    fact("Resource", r.resource_arn);
    fact("Type", r.resource_type);
    fact("Fingerprint", r.fingerprint);
    if (r.mute_reason) fact("Muted because", r.mute_reason);
    if (r.missing_inputs) fact("Missing inputs", r.missing_inputs);
    var ev = r.evidence || {};
    fact("Policy", ev.policy); fact("Statement", ev.statement); fact("Actions", ev.actions); fact("Key", ev.key_id);
    fact("Date", ev.date); fact("Age (days)", ev.age_days); fact("Threshold", ev.threshold);
    fact("Principals", ev.principals); if (ev.path) fact("Path", ev.path.join(" → "));
    section(box, "Evidence", facts);
    var rem = rule.remediation || {};
    if (rem.summary) section(box, "Fix", el("p", "", rem.summary));
    if (rem.console) section(box, "Console", el("p", "", rem.console));
    if (rem.cli) section(box, "CLI", el("pre", "", rem.cli));
    if (rem.terraform) section(box, "Terraform", el("pre", "", rem.terraform));
    var fw = rule.frameworks || {}, names = Object.keys(fw).sort();
    if (names.length) section(box, "Frameworks", el("p", "", names.map(function (k) { return k + " " + fw[k].join(", "); }).join(" · ")));
    if (rule.references && rule.references.length) {
      var ul = el("ul");
      rule.references.forEach(function (u) {
        var li = el("li"), a = el("a", "", u);
        if (/^https:\/\//.test(u)) { a.href = u; a.rel = "noopener noreferrer"; }
        li.appendChild(a); ul.appendChild(li);
      });
      section(box, "References", ul);
    }
    var tr = el("tr", "detail");
    tr.appendChild(td);
    return tr;
  }
  $("rows").addEventListener("keydown", function (e) {
    if (e.key === "Enter" && e.target.matches("tr.row")) e.target.click();
  });
  $("rows").addEventListener("click", function (e) {
    var tr = e.target.closest("tr.row");
    if (!tr) return;
    var next = tr.nextElementSibling;
    if (next && next.className === "detail") { next.remove(); return; }
    tr.after(detail(results[+tr.getAttribute("data-i")]));
  });
  var timer = 0;
  function changed() { state.page = 1; writeHash(); apply(); }
  $("f-text").addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { state.filter = $("f-text").value; changed(); }, 150);
  });
  [["f-status", "status"], ["f-severity", "severity"], ["f-rule", "rule"], ["f-account", "account"]].forEach(function (p) {
    $(p[0]).addEventListener("change", function () { state[p[1]] = $(p[0]).value; changed(); });
  });
  if ($("f-new")) $("f-new").addEventListener("change", function () { state.new = $("f-new").checked ? "1" : ""; changed(); });
  $("f-clear").addEventListener("click", function () { state = readHash(); for (var k in state) state[k] = k === "page" ? 1 : ""; syncControls(); changed(); });
  $("prev").addEventListener("click", function () { state.page--; writeHash(); apply(); window.scrollTo(0, $("findings").offsetTop); });
  $("next").addEventListener("click", function () { state.page++; writeHash(); apply(); window.scrollTo(0, $("findings").offsetTop); });
  var ths = document.querySelectorAll("#results th[data-sort]");
  for (var t = 0; t < ths.length; t++) {
    var sortBy = function () {
      var k = this.getAttribute("data-sort");
      if (state.sort === k) state.dir = state.dir === "asc" ? "desc" : "asc";
      else { state.sort = k; state.dir = (k === "severity" || k === "status") ? "desc" : "asc"; }
      syncControls(); changed();
    };
    ths[t].tabIndex = 0;
    ths[t].addEventListener("click", sortBy);
    ths[t].addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy.call(this); } });
  }
  window.addEventListener("hashchange", function () { state = readHash(); syncControls(); apply(); });
  state = readHash();
  syncControls();
  apply();
  document.body.setAttribute("data-ready", "1");
  if (window.performance) document.body.setAttribute("data-render-ms", String(Math.round(performance.now())));
})();
