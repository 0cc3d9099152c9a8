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

// --- Previews (i14-thumbs) -------------------------------------------------
// A closed preview shows only the file's thumbnail: the file itself (the PDF
// in a frame, the full photo, the video) is fetched only when the preview
// is opened. Without JavaScript the preview holds a plain link instead.
(function () {
  var make = {
    pdf: function (d) { var f = document.createElement("iframe"); f.title = d.dataset.title || ""; return f; },
    image: function (d) { var i = document.createElement("img"); i.alt = d.dataset.title || ""; i.decoding = "async"; return i; },
    video: function () { var v = document.createElement("video"); v.controls = true; v.preload = "metadata"; return v; }
  };
  document.querySelectorAll("details[data-preview]").forEach(function (d) {
    d.addEventListener("toggle", function () {
      if (!d.open || d.dataset.loaded || !make[d.dataset.preview]) return;
      d.dataset.loaded = "true";
      var el = make[d.dataset.preview](d);
      el.className = "preview";
      el.src = d.dataset.src;
      var body = d.querySelector(".preview-body");
      body.insertBefore(el, body.firstChild);
    });
  });
})();
