// Bukti: the little JavaScript the pages need — upload with a progress bar
// per file, drag-and-drop, phone camera, and confirmation before deleting.
// Every form also works without it.
"use strict";

var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
var lang = document.documentElement.lang;

// postFile sends a form's data (with a file) to an API address with the
// page's anti-CSRF token, showing the progress in bar (a <progress>) and
// pct. It resolves to "" when the server stored it (201 Created), else to
// the message to show: the server's, in the page's language, or network
// when the connection failed.
function postFile(url, data, bar, pct, network) {
  return new Promise(function (resolve) {
    var xhr = new XMLHttpRequest();
    xhr.open("POST", url);
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
        resolve("");
        return;
      }
      var msg = xhr.statusText || network;
      try {
        var err = JSON.parse(xhr.responseText).error;
        msg = lang === "en" ? err.message_en : err.message;
      } catch (_) {}
      resolve(msg);
    };
    xhr.onerror = function () { resolve(network); };
    xhr.send(data);
  });
}

// Confirmation before deleting, and a new revision of a record sent with
// its progress bar.
(function () {
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm(f.dataset.confirm)) e.preventDefault();
    });
  });

  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    var input = form.querySelector('input[type="file"][name="file"]');
    var list = form.querySelector("[data-progress]");
    var queued = [];

    function choose(files) {
      queued = Array.prototype.slice.call(files);
      input.required = queued.length === 0;
    }
    input.addEventListener("change", function () { choose(input.files); });

    function send(file) {
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
      var network = lang === "en" ? "Network error: check the connection and try again." : "Koneksi terputus: periksa jaringan lalu coba lagi.";
      return postFile(form.dataset.upload, data, bar, pct, network).then(function (msg) {
        if (msg) {
          var p = document.createElement("span");
          p.className = "error"; p.setAttribute("role", "alert"); p.textContent = msg;
          li.append(p);
        }
        li.dataset.state = msg ? "error" : "done";
        return !msg;
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
})();
/* ==== end of survey pages ==== */
// ---- Upload queue of the requirement page (issue 14: upload where the
// requirement asks). Pick, drop or photograph one or more files; each
// becomes a card with a thumbnail and its own title, number, date and slot
// (prefilled: title from the slot or requirement, date from the photo's
// EXIF DateTimeOriginal or the file's date), then all are sent one by one
// to the API, each with its progress bar. Camera JPEGs are downscaled in
// the browser when the page's setting says so (longest side 2048 px,
// quality 0.85); the re-encoded file carries no EXIF, so the photo's date
// travels as the document date (issue_date). The server still sniffs every
// file. Tiles of the slot grid fill their slot when tapped or dropped on.
// Without JavaScript the form sends one file with the details typed in it.
(function () {
  "use strict";
  var form = document.querySelector("form[data-queue]");
  var tpl = document.getElementById("queue-item");
  if (!form || !tpl || !window.FormData || !window.XMLHttpRequest) return;
  var input = form.querySelector("#file");
  var camera = form.querySelector("input[data-camera]");
  var cameraButton = form.querySelector("[data-camera-button]");
  var slotPicker = form.querySelector("input[data-slot-picker]");
  var drop = form.querySelector("[data-drop]");
  var list = form.querySelector("ul.queue");
  var single = form.querySelector("fieldset[data-single]");
  var hint = form.querySelector("[data-queue-hint]");
  var hintText = hint.textContent;
  var downscale = form.querySelector("#downscale");
  var tiles = Array.prototype.slice.call(document.querySelectorAll("a[data-slot]"));
  var MAX_SIDE = 2048, QUALITY = 0.85, THUMB = 160;
  var items = [];
  var seq = 0;
  var pendingSlot = "";

  form.querySelectorAll("[data-js-only]").forEach(function (el) { el.hidden = false; });
  cameraButton.hidden = false;
  input.multiple = true;
  input.required = false;
  // Picking comes first with JavaScript: the files, then each one's details.
  form.insertBefore(drop, single);
  form.insertBefore(downscale.parentNode, single);
  form.insertBefore(hint, single);
  form.insertBefore(list, single);

  function slotOfTile(t) { return t.dataset.stage + "|" + t.dataset.part; }
  function tileFor(value) {
    for (var i = 0; i < tiles.length; i++) if (slotOfTile(tiles[i]) === value) return tiles[i];
    return null;
  }
  function mainSlot() {
    var st = form.querySelector("#stage"), pt = form.querySelector("#part");
    return (st ? st.value : "") + "|" + (pt ? pt.value : "");
  }
  function setMainSlot(value) {
    var sp = value.split("|"), st = form.querySelector("#stage"), pt = form.querySelector("#part");
    if (st) st.value = sp[0];
    if (pt) pt.value = sp[1];
  }
  // autoSlots assigns n new files: the first to the slot chosen above, the
  // others to the next slots (grid order from it) neither present nor
  // queued; the user changes any of them on its card.
  function autoSlots(n) {
    var out = [];
    if (!tiles.length) { for (var i = 0; i < n; i++) out.push(""); return out; }
    var start = mainSlot();
    var order = tiles.map(slotOfTile);
    var at = Math.max(0, order.indexOf(start));
    order = order.slice(at).concat(order.slice(0, at));
    var used = {};
    items.forEach(function (it) { if (!it.done && it.slot) used[it.slot.value] = true; });
    var free = order.filter(function (v) { return v !== start && !used[v] && tileFor(v).dataset.state !== "present"; });
    // A slot already queued is skipped, unless none is left.
    var first = used[start] && free.length ? free.shift() : start;
    for (var j = 0; j < n; j++) out.push(j === 0 ? first : (free.length ? free.shift() : first));
    return out;
  }

  function human(n) {
    if (n >= 1 << 20) return (n / (1 << 20)).toFixed(1) + " MB";
    if (n >= 1 << 10) return Math.round(n / (1 << 10)) + " KB";
    return n + " B";
  }
  function isoDay(d) {
    function two(x) { return (x < 10 ? "0" : "") + x; }
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate());
  }
  function inRange(el, day) { return day && (!el.min || day >= el.min) && (!el.max || day <= el.max); }

  // exifDate reads DateTimeOriginal (else DateTimeDigitized, else
  // DateTime) of a JPEG as YYYY-MM-DD, or null.
  function exifDate(file) {
    if (file.type !== "image/jpeg" || !file.slice(0, 1).arrayBuffer) return Promise.resolve(null);
    return file.slice(0, 256 * 1024).arrayBuffer().then(function (buf) {
      try { return parseExif(new DataView(buf)); } catch (_) { return null; }
    }, function () { return null; });
  }
  function parseExif(v) {
    if (v.getUint16(0) !== 0xFFD8) return null;
    for (var off = 2; off + 10 <= v.byteLength;) {
      var marker = v.getUint16(off), len = v.getUint16(off + 2);
      if (marker === 0xFFE1 && v.getUint32(off + 4) === 0x45786966) return tiffDate(v, off + 10);
      if ((marker & 0xFF00) !== 0xFF00 || marker === 0xFFDA) return null;
      off += 2 + len;
    }
    return null;
  }
  function tiffDate(v, t) {
    var le = v.getUint16(t) === 0x4949;
    function u16(o) { return v.getUint16(t + o, le); }
    function u32(o) { return v.getUint32(t + o, le); }
    function tag(dir, want) {
      for (var i = 0, n = u16(dir); i < n; i++) {
        var e = dir + 2 + i * 12;
        if (u16(e) === want) return { count: u32(e + 4), value: u32(e + 8) };
      }
      return null;
    }
    var ifd0 = u32(4), found = [];
    var exif = tag(ifd0, 0x8769);
    if (exif) found.push(tag(exif.value, 0x9003), tag(exif.value, 0x9004));
    found.push(tag(ifd0, 0x0132));
    for (var k = 0; k < found.length; k++) {
      var f = found[k];
      if (!f || f.count < 19) continue;
      var s = "";
      for (var c = 0; c < 19; c++) s += String.fromCharCode(v.getUint8(t + f.value + c));
      var m = /^(\d{4}):(\d{2}):(\d{2})/.exec(s);
      if (m && m[1] !== "0000") return m[1] + "-" + m[2] + "-" + m[3];
    }
    return null;
  }

  // serial runs image decodes one at a time: a phone decoding ten 12-
  // megapixel photos at once would run out of memory.
  var chain = Promise.resolve();
  function serial(fn) {
    var p = chain.then(fn);
    chain = p.catch(function () {});
    return p;
  }

  // scale re-encodes a JPEG with its longest side at MAX_SIDE; null when
  // it is already small enough, cannot be decoded, or would not shrink.
  function scale(file) {
    if (!window.createImageBitmap) return Promise.resolve(null);
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bmp) {
      var k = MAX_SIDE / Math.max(bmp.width, bmp.height);
      if (k >= 1) { bmp.close(); return null; }
      var c = document.createElement("canvas");
      c.width = Math.round(bmp.width * k); c.height = Math.round(bmp.height * k);
      c.getContext("2d").drawImage(bmp, 0, 0, c.width, c.height);
      bmp.close();
      return new Promise(function (resolve) {
        c.toBlob(function (b) { resolve(b && b.size < file.size ? b : null); }, "image/jpeg", QUALITY);
      });
    }).catch(function () { return null; });
  }
  // thumb is a small JPEG data: URL of an image (the pages' CSP allows
  // data: images, not blob: ones), or null.
  function thumb(file) {
    if (!/^image\/(jpeg|png|webp|gif)$/.test(file.type) || !window.createImageBitmap) return Promise.resolve(null);
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bmp) {
      var k = Math.min(1, THUMB / Math.max(bmp.width, bmp.height));
      var c = document.createElement("canvas");
      c.width = Math.max(1, Math.round(bmp.width * k)); c.height = Math.max(1, Math.round(bmp.height * k));
      c.getContext("2d").drawImage(bmp, 0, 0, c.width, c.height);
      bmp.close();
      return c.toDataURL("image/jpeg", 0.7);
    }).catch(function () { return null; });
  }

  function wantsScale(it) { return downscale.checked && it.file.type === "image/jpeg"; }
  function prepared(it) {
    if (!wantsScale(it)) return Promise.resolve(it.file);
    it.scaling = it.scaling || serial(function () { return scale(it.file); });
    return it.scaling.then(function (b) { return b || it.file; });
  }
  function showSize(it) {
    var el = it.li.querySelector(".file-size");
    el.textContent = human(it.file.size);
    if (!wantsScale(it)) return;
    prepared(it).then(function (b) {
      if (b !== it.file && wantsScale(it)) {
        el.textContent = human(it.file.size) + " → " + human(b.size) + " (" + form.dataset.lScaled + ")";
        it.li.dataset.scaled = b.size;
      }
    });
  }

  // A camera's or a phone's own file name says nothing about the document.
  var generic = /^(img|dsc|dscn|dcim|pxl|photo|image|foto|screenshot|whatsapp image|wa|cam|mvimg|capture)[\s_-]*\d|^[\d\s_-]+$|^(image|photo|foto)$/i;
  function proposeTitle(it) {
    var base = it.file.name.replace(/\.[^.]+$/, "").replace(/_+/g, " ").trim();
    var tile = it.slot ? tileFor(it.slot.value) : null;
    var t = base;
    if (it.camera || !base || generic.test(base)) t = tile ? tile.dataset.label : (form.dataset.title || base);
    var n = 1, taken = {};
    items.forEach(function (o) { if (o !== it && !o.done) taken[o.title.value] = true; });
    var out = t;
    while (taken[out]) out = t + " (" + (++n) + ")";
    return out.slice(0, 300);
  }

  function addOne(file, slot, fromCamera) {
    var li = tpl.content.firstElementChild.cloneNode(true);
    var n = ++seq;
    li.querySelectorAll("[data-field]").forEach(function (el) {
      var id = "q" + n + "-" + el.dataset.field;
      if (el.tagName === "LABEL") el.htmlFor = id; else el.id = id;
    });
    var it = {
      file: file, li: li, camera: fromCamera, done: false, titleTyped: false,
      title: li.querySelector('input[data-field="title"]'),
      number: li.querySelector('input[data-field="doc_number"]'),
      date: li.querySelector('input[data-field="issue_date"]'),
      slot: li.querySelector('select[data-field="slot"]')
    };
    li.querySelector(".file-name").textContent = file.name;
    if (it.slot) {
      it.slot.value = slot;
      it.slot.addEventListener("change", function () { if (!it.titleTyped) it.title.value = proposeTitle(it); });
    }
    it.title.value = proposeTitle(it);
    it.title.addEventListener("input", function () { it.titleTyped = true; });
    li.querySelector("[data-remove]").addEventListener("click", function () {
      items = items.filter(function (o) { return o !== it; });
      li.remove();
      update();
    });
    var doc = li.querySelector(".thumb.doc");
    doc.textContent = (file.name.split(".").pop() || "").slice(0, 4).toUpperCase();
    serial(function () { return thumb(file); }).then(function (url) {
      if (!url) return;
      var img = li.querySelector("img.thumb");
      img.src = url; img.hidden = false; doc.hidden = true;
    });
    if (/^image\//.test(file.type)) {
      exifDate(file).then(function (day) {
        if (!inRange(it.date, day)) day = file.lastModified ? isoDay(new Date(file.lastModified)) : "";
        if (!it.date.value && inRange(it.date, day)) it.date.value = day;
        li.dataset.date = it.date.value;
      });
    }
    items.push(it);
    list.append(li);
    showSize(it);
  }
  function add(files, slot, fromCamera) {
    files = Array.prototype.slice.call(files || []);
    if (!files.length) return;
    var slots = slot ? files.map(function () { return slot; }) : autoSlots(files.length);
    files.forEach(function (f, i) { addOne(f, slots[i], fromCamera); });
    update();
  }
  function update() {
    var waiting = items.some(function (it) { return !it.done; });
    hint.textContent = hintText;
    hint.hidden = !waiting;
    single.hidden = single.disabled = waiting;
  }

  input.addEventListener("change", function () { add(input.files, "", false); input.value = ""; });
  cameraButton.addEventListener("click", function () { camera.click(); });
  camera.addEventListener("change", function () { add(camera.files, "", true); camera.value = ""; });
  slotPicker.addEventListener("change", function () { add(slotPicker.files, pendingSlot, false); slotPicker.value = ""; });
  downscale.addEventListener("change", function () { items.forEach(showSize); });
  function droppable(el, slot) {
    ["dragenter", "dragover"].forEach(function (t) {
      el.addEventListener(t, function (e) { e.preventDefault(); el.classList.add("over"); });
    });
    el.addEventListener("dragleave", function () { el.classList.remove("over"); });
    el.addEventListener("drop", function (e) {
      e.preventDefault(); el.classList.remove("over");
      add(e.dataTransfer.files, slot ? slot() : "", false);
    });
  }
  droppable(drop, null);
  tiles.forEach(function (t) {
    t.addEventListener("click", function (e) {
      e.preventDefault();
      pendingSlot = slotOfTile(t);
      setMainSlot(pendingSlot);
      slotPicker.click();
    });
    droppable(t, function () { return slotOfTile(t); });
  });

  function fail(it, msg) {
    var p = it.li.querySelector(".error") || document.createElement("span");
    p.className = "error"; p.setAttribute("role", "alert"); p.textContent = msg;
    it.li.querySelector(".sending").append(p);
    it.li.dataset.state = "error";
  }
  function send(it) {
    var old = it.li.querySelector(".error");
    if (old) old.remove();
    delete it.li.dataset.state;
    return prepared(it).then(function (blob) {
      var data = new FormData();
      data.append("requirement", form.elements.requirement.value);
      if (it.slot) {
        var sp = it.slot.value.split("|");
        data.append("stage", sp[0]); data.append("part", sp[1]);
      }
      data.append("title", it.title.value);
      data.append("doc_number", it.number.value);
      data.append("issue_date", it.date.value);
      ["doc_revision", "valid_until", "notes"].forEach(function (n) { data.append(n, form.elements[n].value); });
      data.append("file", blob, it.file.name);
      var bar = it.li.querySelector("progress"), pct = it.li.querySelector(".pct");
      return postFile(form.dataset.queue, data, bar, pct, form.dataset.lNetwork).then(function (msg) {
        if (msg) {
          fail(it, msg);
          return false;
        }
        it.done = true;
        it.li.dataset.state = "done";
        it.li.querySelectorAll("input, select, button").forEach(function (el) { el.disabled = true; });
        return true;
      });
    });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var todo = items.filter(function (it) { return !it.done; });
    if (!todo.length) {
      hint.textContent = form.dataset.lEmpty; hint.hidden = false;
      input.focus();
      return;
    }
    var button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    todo.reduce(function (p, it) {
      return p.then(function (ok) { return send(it).then(function (ok2) { return ok && ok2; }); });
    }, Promise.resolve(true)).then(function (allOK) {
      button.disabled = false;
      update();
      if (allOK) window.setTimeout(function () { window.location.assign(form.dataset.back); }, 600);
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
