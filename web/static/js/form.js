// dti — the unit form: live progress, autosave and conflict handling.
//
// Nothing typed is lost: every change is kept in the page and in
// localStorage until the server confirms it. Saves are debounced POSTs of
// the changed fields with the CSRF header and the submission version the
// page was built on; a 409 answer means someone else saved first, and the
// form shows the conflict banner without touching what was typed. Scores
// come from the server only.
(function () {
  "use strict";

  var DEBOUNCE_MS = 800;
  var RETRY_MS = 5000;

  function init(form) {
    var saveURL = form.getAttribute("data-save-url");
    var scoreURL = form.getAttribute("data-score-url");
    var version = parseInt(form.getAttribute("data-version") || "0", 10);
    var csrfMeta = document.querySelector('meta[name="csrf-token"]');
    var csrf = csrfMeta ? csrfMeta.getAttribute("content") : "";
    var statusEl = form.querySelector("[data-save-status]");
    var conflictEl = form.querySelector("[data-conflict]");
    var storageKey = "dti-form:" + location.pathname;
    var pending = {};   // field name -> value not yet confirmed by the server
    var saved = {};     // field name -> value the server has, as last known
    var timer = null;
    var inFlight = false;
    var stopped = false;

    function msg(name) { return form.getAttribute("data-msg-" + name) || ""; }

    function setStatus(text, kind) {
      if (!statusEl) { return; }
      statusEl.textContent = text;
      statusEl.className = "save-status" + (kind ? " is-" + kind : "");
    }

    function fieldValue(name) {
      var els = form.querySelectorAll('[name="' + cssEscape(name) + '"]');
      if (!els.length) { return ""; }
      var first = els[0];
      if (first.type === "checkbox") {
        var out = [];
        Array.prototype.forEach.call(els, function (e) { if (e.checked) { out.push(e.value); } });
        return out;
      }
      if (first.type === "radio") {
        var v = "";
        Array.prototype.forEach.call(els, function (e) { if (e.checked) { v = e.value; } });
        return v;
      }
      return first.value;
    }

    function setFieldValue(name, value) {
      var els = form.querySelectorAll('[name="' + cssEscape(name) + '"]');
      Array.prototype.forEach.call(els, function (e) {
        if (e.disabled) { return; }
        if (e.type === "checkbox") {
          e.checked = Array.isArray(value) && value.indexOf(e.value) >= 0;
        } else if (e.type === "radio") {
          e.checked = e.value === value;
        } else {
          e.value = value;
        }
      });
    }

    function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

    // known returns the value the server has for a field, as last known.
    function known(name) { return Object.prototype.hasOwnProperty.call(saved, name) ? saved[name] : ""; }

    function filled(v) { return Array.isArray(v) ? v.length > 0 : String(v).trim() !== ""; }

    // Progress: required fields the unit may edit, per section and overall.
    function updateProgress() {
      var fields = form.querySelectorAll('.field[data-required="true"]:not([data-readonly])');
      var total = 0, done = 0, perSection = {};
      Array.prototype.forEach.call(fields, function (f) {
        var ok = filled(fieldValue(f.getAttribute("data-field")));
        total++; if (ok) { done++; }
        var sec = f.parentElement;
        while (sec && sec !== form) {
          if (sec.hasAttribute && sec.hasAttribute("data-section")) {
            var id = sec.getAttribute("data-section");
            perSection[id] = perSection[id] || [0, 0];
            perSection[id][1]++; if (ok) { perSection[id][0]++; }
          }
          sec = sec.parentElement;
        }
      });
      Array.prototype.forEach.call(document.querySelectorAll("[data-section-progress]"), function (el) {
        var p = perSection[el.getAttribute("data-section-progress")] || [0, 0];
        el.textContent = p[0] + "/" + p[1];
      });
      var bar = document.querySelector("[data-progress-total]");
      if (bar) { bar.max = total; bar.value = done; }
      var txt = document.querySelector("[data-progress-text]");
      if (txt) { txt.textContent = done + "/" + total; }
    }

    function store() {
      try {
        if (Object.keys(pending).length === 0) {
          localStorage.removeItem(storageKey);
        } else {
          localStorage.setItem(storageKey, JSON.stringify({ version: version, values: pending }));
        }
      } catch (e) { /* private mode or full: the page still holds the values */ }
    }

    function restore() {
      var kept;
      try { kept = JSON.parse(localStorage.getItem(storageKey) || "null"); } catch (e) { kept = null; }
      if (!kept || !kept.values) { return; }
      Object.keys(kept.values).forEach(function (name) {
        if (same(kept.values[name], known(name))) { return; }
        setFieldValue(name, kept.values[name]);
        pending[name] = kept.values[name];
      });
      if (Object.keys(pending).length) {
        setStatus(msg("restored"), "");
        schedule();
      }
    }

    function showErrors(errors) {
      Array.prototype.forEach.call(form.querySelectorAll(".field"), function (f) {
        var name = f.getAttribute("data-field");
        var el = f.querySelector(".field-error");
        if (!el) { return; }
        var text = errors && errors[name];
        el.hidden = !text;
        el.textContent = text || "";
        f.classList.toggle("has-error", !!text);
        Array.prototype.forEach.call(f.querySelectorAll("input, select"), function (i) {
          var ids = (i.getAttribute("aria-describedby") || "").split(" ").filter(function (x) { return x && x !== el.id; });
          if (text) { ids.push(el.id); i.setAttribute("aria-invalid", "true"); } else { i.removeAttribute("aria-invalid"); }
          if (ids.length) { i.setAttribute("aria-describedby", ids.join(" ")); } else { i.removeAttribute("aria-describedby"); }
        });
      });
    }

    function schedule() {
      if (!saveURL || stopped) { return; }
      clearTimeout(timer);
      timer = setTimeout(save, DEBOUNCE_MS);
    }

    function save() {
      if (inFlight || stopped) { schedule(); return; }
      var names = Object.keys(pending);
      if (!names.length) { return; }
      var sent = {};
      names.forEach(function (n) { sent[n] = pending[n]; });
      inFlight = true;
      setStatus(msg("saving"), "");
      fetch(saveURL, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify({ version: version, values: sent })
      }).then(function (resp) {
        return resp.json().catch(function () { return {}; }).then(function (body) { return { status: resp.status, body: body }; });
      }).then(function (r) {
        inFlight = false;
        if (r.status === 409) {
          stopped = true;
          if (conflictEl) { conflictEl.hidden = false; conflictEl.scrollIntoView({ block: "center" }); }
          setStatus("", "");
          return;
        }
        if (r.status === 422) {
          showErrors(r.body.errors || {});
          setStatus(r.body.error || msg("failed"), "error");
          return;
        }
        if (r.status < 200 || r.status >= 300) {
          setStatus(r.body.error || msg("failed"), "error");
          setTimeout(schedule, RETRY_MS);
          return;
        }
        version = r.body.version;
        form.setAttribute("data-version", String(version));
        var v = form.querySelector('input[name="version"]');
        if (v) { v.value = String(version); }
        // The submit form posts the version too.
        Array.prototype.forEach.call(document.querySelectorAll("[data-version-field]"), function (f) { f.value = String(version); });
        // Keep what changed again while the save was on its way.
        names.forEach(function (n) {
          saved[n] = sent[n];
          if (same(pending[n], sent[n])) { delete pending[n]; }
        });
        store();
        showErrors({});
        setStatus(msg("saved").replace("%s", r.body.saved_at || ""), "ok");
        if (r.body.score) { showScore(r.body.score); }
        if (Object.keys(pending).length) { schedule(); }
      }).catch(function () {
        inFlight = false;
        setStatus(msg("offline"), "error");
        setTimeout(schedule, RETRY_MS);
      });
    }

    function showScore(text) {
      var el = document.querySelector("[data-score]");
      if (el) { el.textContent = text; }
    }

    function loadScore() {
      if (!scoreURL) { return; }
      fetch(scoreURL, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (b) { if (b && b.score) { showScore(b.score); } })
        .catch(function () {});
    }

    function onChange(e) {
      var t = e.target;
      if (!t.name || t.name.indexOf("v|") !== 0 || t.disabled) { return; }
      if (saveURL) {
        var v = fieldValue(t.name);
        if (same(v, known(t.name))) {
          delete pending[t.name];
        } else {
          pending[t.name] = v;
        }
        store();
      }
      updateProgress();
      schedule();
    }

    form.addEventListener("input", onChange);
    form.addEventListener("change", onChange);
    if (saveURL) {
      // With autosave, the plain submit button is for browsers without it.
      form.addEventListener("submit", function (e) {
        if (e.submitter && e.submitter.value === "save") { e.preventDefault(); save(); }
      });
    }
    var leaving = false;
    var reload = form.querySelector("[data-reload]");
    if (reload) {
      // The unsaved values are in localStorage and come back after the
      // reload: no need to warn about leaving.
      reload.addEventListener("click", function () { leaving = true; location.reload(); });
    }
    window.addEventListener("beforeunload", function (e) {
      if (saveURL && !leaving && Object.keys(pending).length) { e.preventDefault(); e.returnValue = ""; }
    });
    // What the page was built with is what the server has.
    Array.prototype.forEach.call(form.querySelectorAll(".field[data-field]"), function (f) {
      var name = f.getAttribute("data-field");
      saved[name] = fieldValue(name);
    });
    if (saveURL) { restore(); }
    updateProgress();
    loadScore();
  }

  function cssEscape(s) {
    return window.CSS && CSS.escape ? CSS.escape(s) : s.replace(/["\\]/g, "\\$&");
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form.unit-form"), init);
  });
})();
