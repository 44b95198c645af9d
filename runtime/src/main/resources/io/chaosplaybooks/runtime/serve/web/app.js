// The page's one script: polls the API and redraws the tables in place (no full reload, nothing fetched from elsewhere).
// With a token (chaos serve --token-file), open the page as /#token=TOKEN: it is kept for this tab and sent on every call.
"use strict";
(function () {
  var m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (m) {
    sessionStorage.setItem("chaos-token", decodeURIComponent(m[1]));
    history.replaceState(null, "", location.pathname);
  }
})();
var token = sessionStorage.getItem("chaos-token");

function api(method, path, body) {
  var headers = {};
  if (token) headers["Authorization"] = "Bearer " + token;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  return fetch(path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) })
    .then(function (r) {
      return r.text().then(function (t) {
        var data = t ? JSON.parse(t) : null;
        if (!r.ok) throw new Error((data && data.error) || ("HTTP " + r.status));
        return data;
      });
    });
}

function el(tag, attrs, children) {
  var e = document.createElement(tag);
  Object.keys(attrs || {}).forEach(function (k) {
    if (k === "text") e.textContent = attrs[k];
    else if (k === "onclick") e.addEventListener("click", attrs[k]);
    else e.setAttribute(k, attrs[k]);
  });
  (children || []).forEach(function (c) { if (c != null) e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
  return e;
}

function when(iso) {
  if (!iso) return "";
  var d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleString();
}

function fill(tbody, rows, empty, columns) {
  tbody.replaceChildren();
  if (rows.length === 0) tbody.appendChild(el("tr", {}, [el("td", { colspan: String(columns), class: "muted", text: empty })]));
  rows.forEach(function (r) { tbody.appendChild(r); });
}

function say(text) { document.getElementById("status").textContent = text; }

function act(method, path, body) {
  return api(method, path, body).then(refresh, function (e) { say(e.message); });
}

function reportLink(run) {
  if (!run.report) return "";
  var a = el("a", { href: run.report, target: "_blank", class: "report", text: "report" });
  if (token) {
    // A link cannot carry the token: fetch the report and open what came back.
    a.addEventListener("click", function (ev) {
      ev.preventDefault();
      fetch(run.report, { headers: { Authorization: "Bearer " + token } }).then(function (r) { return r.blob(); })
        .then(function (b) { window.open(URL.createObjectURL(b), "_blank"); });
    });
  }
  return a;
}

function figure(label, value) {
  return el("div", {}, [label, el("b", { text: value == null || value === "" ? "–" : String(value) })]);
}

function drawRunning(runs) {
  var box = document.getElementById("running");
  box.replaceChildren();
  if (runs.length === 0) { box.appendChild(el("p", { class: "muted", text: "Nothing is running." })); return; }
  runs.forEach(function (r) {
    var pct = function (x) { return x == null ? null : (x * 100).toFixed(2) + " %"; };
    var faults = (r.faults || []).map(function (f) { return f.server + ": " + f.fault; }).join(", ");
    var breakers = Object.keys(r.breakers || {}).map(function (k) { return k + " " + r.breakers[k]; }).join(", ");
    box.appendChild(el("div", { class: "live", id: "live-" + r.id }, [
      figure("run", r.id + " (" + r.trigger + ")"),
      figure("playbook", r.playbook),
      figure("scenario", r.scenario ? r.scenario + " (" + r.scenarioIndex + "/" + r.scenarioCount + ")" : "starting"),
      figure("phase", r.phase ? r.phase + (r.phaseLeftMs != null ? ", " + (r.phaseLeftMs / 1000).toFixed(1) + " s left" : "") : r.liveState),
      figure("ops/s", r.opsPerSecond),
      figure("error rate", pct(r.errorRate)),
      figure("p99", r.p99Ms == null ? null : r.p99Ms.toFixed(1) + " ms"),
      figure("breakers", breakers),
      figure("active faults", faults || "none"),
      el("div", {}, [el("button", { class: "stop", text: "stop", onclick: function () { act("POST", "/api/runs/" + r.id + "/stop"); } })])
    ]));
  });
}

function drawSchedules(list) {
  fill(document.querySelector("#schedules tbody"), list.map(function (s) {
    // Ids are playbook/scenario/n: each part encoded, the slashes kept (the routes have three segments).
    var id = encodeURIComponent(s.id); // one path segment, whatever slashes the names hold
    return el("tr", { "data-schedule": s.id }, [
      el("td", {}, [el("code", { text: s.id })]),
      el("td", { text: s.playbook + (s.scenario ? " / " + s.scenario : "") }),
      el("td", {}, [el("code", { text: s.expression }), el("div", { class: "muted", text: s.description || "" })]),
      el("td", { text: s.zone || "" }),
      el("td", {}, [el("span", { class: "state " + (s.enabled ? "running" : "stopped"), text: s.enabled ? "enabled" : "paused" }),
        s.pausedBecause ? el("div", { class: "muted", text: s.pausedBecause }) : null]),
      el("td", { text: s.lastRun ? (s.lastRun.id || "") + " " + (s.lastRun.state || "") : "" }),
      el("td", {}, (s.nextFireTimes || []).map(function (t) { return el("div", { text: when(t) }); })),
      el("td", {}, [
        s.enabled ? el("button", { class: "pause", text: "pause", onclick: function () { act("POST", "/api/schedules/" + id + "/pause"); } })
                  : el("button", { class: "resume", text: "resume", onclick: function () { act("POST", "/api/schedules/" + id + "/resume"); } }),
        el("button", { class: "trigger", text: "trigger", onclick: function () { act("POST", "/api/schedules/" + id + "/trigger"); } })
      ])
    ]);
  }), "No schedules.", 8);
}

function drawPlaybooks(list) {
  fill(document.querySelector("#playbooks tbody"), list.map(function (p) {
    return el("tr", {}, [
      el("td", { text: p.name || "(not loaded)" }),
      el("td", {}, [el("code", { text: p.file })]),
      el("td", {}, p.ok ? [p.scenarios.join(", ")] : [el("div", { class: "problems", text: p.problems.join("\n") })]),
      el("td", {}, [p.ok ? el("button", { class: "start", text: "run now", onclick: function () { act("POST", "/api/runs", { playbook: p.file }); } }) : null])
    ]);
  }), "No playbooks.", 4);
}

function drawHistory(list) {
  fill(document.querySelector("#history tbody"), list.map(function (r) {
    return el("tr", { "data-run": r.id }, [
      el("td", {}, [el("code", { text: r.id })]),
      el("td", { text: r.playbook }),
      el("td", { text: (r.scenarios || []).join(", ") }),
      el("td", { text: r.trigger }),
      el("td", {}, [el("span", { class: "state " + r.state, text: r.state }), r.reason ? el("div", { class: "muted", text: r.reason }) : null]),
      el("td", { text: when(r.start) }),
      el("td", { text: when(r.end) }),
      el("td", {}, [reportLink(r)])
    ]);
  }), "No runs yet.", 8);
}

function refresh() {
  return Promise.all([api("GET", "/api/runs?limit=50"), api("GET", "/api/schedules"), api("GET", "/api/playbooks")])
    .then(function (all) {
      var runs = all[0];
      drawRunning(runs.filter(function (r) { return r.state === "running"; }));
      drawSchedules(all[1]);
      drawPlaybooks(all[2]);
      drawHistory(runs);
      say("updated " + new Date().toLocaleTimeString());
    }, function (e) { say("cannot reach the server: " + e.message); });
}

refresh();
setInterval(refresh, 1000);
