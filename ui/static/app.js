// Bukti: the little JavaScript the pages need — upload with a progress bar
// per file, drag-and-drop, phone camera, and confirmation before deleting.
// Every form also works without it.
"use strict";
(function () {
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var lang = document.documentElement.lang;

  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm(f.dataset.confirm)) e.preventDefault();
    });
  });

  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    var input = form.querySelector('input[type="file"][name="file"]');
    var camera = form.querySelector("input[data-camera]");
    var drop = form.querySelector("[data-drop]");
    var list = form.querySelector("[data-progress]");
    var queued = [];

    function choose(files) {
      queued = Array.prototype.slice.call(files);
      input.required = queued.length === 0;
    }
    input.addEventListener("change", function () { choose(input.files); });
    if (camera) camera.addEventListener("change", function () { choose(camera.files); form.requestSubmit(); });
    if (drop) {
      ["dragenter", "dragover"].forEach(function (t) {
        drop.addEventListener(t, function (e) { e.preventDefault(); drop.classList.add("over"); });
      });
      ["dragleave", "drop"].forEach(function (t) {
        drop.addEventListener(t, function (e) { e.preventDefault(); drop.classList.remove("over"); });
      });
      drop.addEventListener("drop", function (e) { choose(e.dataTransfer.files); });
    }

    function send(file) {
      return new Promise(function (resolve) {
        var li = document.createElement("li");
        var name = document.createElement("span");
        name.textContent = file.name;
        var bar = document.createElement("progress");
        bar.max = 100; bar.value = 0;
        var pct = document.createElement("span");
        pct.className = "pct"; pct.textContent = "0%";
        li.append(name, bar, pct);
        list.append(li);
        var data = new FormData(form);
        data.delete("file");
        data.delete("csrf_token");
        data.append("file", file, file.name);
        var xhr = new XMLHttpRequest();
        xhr.open("POST", form.dataset.upload);
        xhr.setRequestHeader("X-CSRF-Token", csrf);
        xhr.upload.onprogress = function (e) {
          if (e.lengthComputable) {
            var p = Math.round((e.loaded / e.total) * 100);
            bar.value = p; pct.textContent = p + "%";
          }
        };
        xhr.onload = function () {
          if (xhr.status === 201) {
            bar.value = 100; pct.textContent = "100%";
            li.dataset.state = "done";
            resolve(true);
            return;
          }
          var msg = xhr.statusText;
          try {
            var err = JSON.parse(xhr.responseText).error;
            msg = lang === "en" ? err.message_en : err.message;
          } catch (_) {}
          var p = document.createElement("span");
          p.className = "error"; p.setAttribute("role", "alert"); p.textContent = msg;
          li.append(p);
          li.dataset.state = "error";
          resolve(false);
        };
        xhr.onerror = function () {
          var p = document.createElement("span");
          p.className = "error"; p.setAttribute("role", "alert");
          p.textContent = lang === "en" ? "Network error: check the connection and try again." : "Koneksi terputus: periksa jaringan lalu coba lagi.";
          li.append(p);
          li.dataset.state = "error";
          resolve(false);
        };
        xhr.send(data);
      });
    }

    form.addEventListener("submit", function (e) {
      if (!window.FormData || !window.XMLHttpRequest) return;
      e.preventDefault();
      if (queued.length === 0) choose(input.files);
      if (queued.length === 0) return;
      list.textContent = "";
      var files = queued; queued = [];
      files.reduce(function (p, f) {
        return p.then(function (ok) { return send(f).then(function (ok2) { return ok && ok2; }); });
      }, Promise.resolve(true)).then(function (allOK) {
        if (allOK) window.setTimeout(function () { window.location.reload(); }, 600);
      });
    });
  });
})();

/* ==== Survey pages (i14-survey): no lost work, live character counts,
   previews loaded only when opened. Each part improves a page that works
   without it. ==== */
(function () {
  // Forms marked data-guard keep track of what is typed in them: a
  // visible state next to their save button ([data-save-state]), and the
  // browser's warning before the page is left while one of them holds
  // changes no save has sent. A form rendered back after a refused save
  // (data-draft) starts unsaved.
  var guarded = Array.prototype.slice.call(document.querySelectorAll("form[data-guard]"));
  var submitted = null;
  function mark(form, dirty) {
    form.dataset.dirty = dirty ? "1" : "";
    var st = form.querySelector("[data-save-state]");
    if (st) {
      st.hidden = false;
      st.textContent = dirty ? st.dataset.unsaved : st.dataset.saved;
      st.classList.toggle("unsaved", dirty);
    }
  }
  guarded.forEach(function (f) {
    mark(f, f.hasAttribute("data-draft"));
    f.addEventListener("input", function () { mark(f, true); });
    f.addEventListener("change", function () { mark(f, true); });
    f.addEventListener("submit", function (e) { if (!e.defaultPrevented) submitted = f; });
  });
  window.addEventListener("beforeunload", function (e) {
    var dirty = guarded.some(function (f) { return f !== submitted && f.dataset.dirty === "1"; });
    if (!dirty) return;
    e.preventDefault();
    e.returnValue = "";
  });

  // Live character counts beside the minimums: the textarea names its
  // counter (aria-describedby); characters are counted as the server
  // counts them, trimmed, a line break as sent (CR LF).
  document.querySelectorAll("textarea[data-min]").forEach(function (ta) {
    var out = document.getElementById(ta.getAttribute("aria-describedby"));
    var n = out && out.querySelector(".n");
    if (!n) return;
    var min = Number(ta.dataset.min);
    ta.addEventListener("input", function () {
      var len = Array.from(ta.value.trim().replace(/\r?\n/g, "\r\n")).length;
      n.textContent = String(len);
      out.classList.toggle("short", len < min);
    });
  });

  // A final-score row is ticked to be saved as soon as it is changed.
  document.querySelectorAll("[data-final-row]").forEach(function (row) {
    var box = row.querySelector("input[data-set]");
    if (!box) return;
    function tick(e) { if (e.target !== box) box.checked = true; }
    row.addEventListener("input", tick);
    row.addEventListener("change", tick);
  });

  // Choosers that show another part of the page apply at once.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (s) {
    s.addEventListener("change", function () {
      if (s.form.requestSubmit) s.form.requestSubmit(); else s.form.submit();
    });
  });

  // "Tick all" for a form whose checkboxes sit elsewhere on the page.
  document.querySelectorAll("[data-check-all]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () {
      document.querySelectorAll('input[type="checkbox"][form="' + b.dataset.checkAll + '"]').forEach(function (c) { c.checked = true; });
    });
  });

  // Previews load their file only when opened.
  document.querySelectorAll("details[data-lazy-src]").forEach(function (d) {
    d.addEventListener("toggle", function () {
      if (!d.open || d.dataset.loaded) return;
      var kind = d.dataset.lazyKind, el;
      if (kind === "image") { el = document.createElement("img"); el.alt = d.dataset.lazyTitle || ""; }
      else if (kind === "pdf") { el = document.createElement("iframe"); el.title = d.dataset.lazyTitle || ""; }
      else if (kind === "video") { el = document.createElement("video"); el.controls = true; el.preload = "metadata"; }
      else return;
      d.dataset.loaded = "1";
      el.className = "preview";
      el.src = d.dataset.lazySrc;
      d.appendChild(el);
    });
  });
})();
/* ==== end of survey pages ==== */
