/* postrun: opens a passphrase-protected plan in this browser (templates/locked.html).
   The page holds the original page encrypted (AES-256-GCM; generator/encrypt.py). The key is
   derived from her passphrase with PBKDF2-SHA256 by WebCrypto, here, and never leaves the
   browser. For the rest of the visit the key (never the passphrase) is kept in
   sessionStorage, so the next page opens without asking; closing the browser forgets it.
   Once decrypted, the page replaces this one and its own scripts (assets/app.js) run, so the
   plan behaves exactly as an unprotected one. Her calendar.ics and plan.json are published
   only encrypted (<name>.enc): a link to them is fetched, decrypted and saved as a file.
   No inline code (the page's Content-Security-Policy forbids it); text is set with
   textContent only. */
"use strict";

(function () {
  // Her language (assets/words.js, see app.js); English is the message itself.
  var WORDS = window.postrunWords || null;
  function t(message) {
    var found = WORDS && WORDS.messages[message];
    return typeof found === "string" ? found : message;
  }

  var payload = document.getElementById("postrun-payload");
  if (!payload) { return; }
  var form = document.querySelector("[data-unlock]");
  var input = form.querySelector("input");
  var button = form.querySelector("button");
  var error = document.querySelector("[data-unlock-error]");
  var busy = document.querySelector("[data-unlock-busy]");
  var unsupported = document.querySelector("[data-unlock-unsupported]");

  var salt = payload.getAttribute("data-salt");
  var iterations = parseInt(payload.getAttribute("data-iterations"), 10);
  var STORE = "postrun:key:" + salt;
  var ENCRYPTED = { "calendar.ics": "text/calendar;charset=utf-8", "plan.json": "application/json" };
  // The same characters as _SPACES in generator/encrypt.py.
  var SPACES = /[ \t\n\r\f\v\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;
  var subtle = window.crypto && window.crypto.subtle;

  function bytes(base64) {
    var text = window.atob(base64.replace(/\s+/g, ""));
    var out = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i += 1) { out[i] = text.charCodeAt(i); }
    return out;
  }

  function base64(buffer) {
    var data = new Uint8Array(buffer);
    var text = "";
    for (var i = 0; i < data.length; i += 0x8000) {
      text += String.fromCharCode.apply(null, data.subarray(i, i + 0x8000));
    }
    return window.btoa(text);
  }

  function normalize(passphrase) {
    return passphrase.normalize("NFC").replace(SPACES, " ").replace(/^ | $/g, "");
  }

  function remember(value) {
    try {
      if (value) { window.sessionStorage.setItem(STORE, value); }
      else { window.sessionStorage.removeItem(STORE); }
    } catch (e) { /* storage off: she types the passphrase on every page */ }
  }

  function remembered() {
    try { return window.sessionStorage.getItem(STORE); } catch (e) { return null; }
  }

  function deriveKey(passphrase) {
    var raw = new TextEncoder().encode(normalize(passphrase));
    return subtle.importKey("raw", raw, "PBKDF2", false, ["deriveKey"]).then(function (base) {
      return subtle.deriveKey(
        { name: "PBKDF2", hash: "SHA-256", salt: bytes(salt), iterations: iterations },
        base, { name: "AES-GCM", length: 256 }, true, ["decrypt"]
      );
    });
  }

  function decrypt(key, sealed) {
    return subtle.decrypt(
      { name: "AES-GCM", iv: sealed.subarray(0, 12) }, key, sealed.subarray(12)
    );
  }

  // ---------------------------------------------------------------- show the page

  function freshScript(old) {
    var script = document.createElement("script");
    for (var i = 0; i < old.attributes.length; i += 1) {
      script.setAttribute(old.attributes[i].name, old.attributes[i].value);
    }
    script.async = false; // in document order, like the deferred scripts they were
    return script;
  }

  function show(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var root = document.documentElement;
    for (var i = 0; i < doc.documentElement.attributes.length; i += 1) {
      var attr = doc.documentElement.attributes[i];
      root.setAttribute(attr.name, attr.value);
    }
    document.title = doc.title;

    // The head: add what this page has and the locked page lacks (scripts come last).
    var have = {};
    Array.prototype.forEach.call(document.head.children, function (el) {
      have[el.outerHTML] = true;
    });
    var scripts = [];
    Array.prototype.forEach.call(doc.head.children, function (el) {
      var tag = el.tagName.toLowerCase();
      if (tag === "script") { scripts.push(el); }
      else if (tag !== "title" && !have[el.outerHTML]) {
        document.head.appendChild(document.importNode(el, true));
      }
    });

    // The body: hers, keeping what `postrun serve` adds to the preview (its error banner).
    var body = document.importNode(doc.body, true);
    Array.prototype.forEach.call(body.querySelectorAll("script"), function (old) {
      old.parentNode.replaceChild(freshScript(old), old);
    });
    var banner = document.querySelector("[data-postrun-error]");
    if (banner) { body.insertBefore(banner, body.firstChild); }
    root.replaceChild(body, document.body);
    scripts.forEach(function (old) { document.head.appendChild(freshScript(old)); });

    document.addEventListener("click", download);
    var target = window.location.hash &&
      document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    // Where the address points, at once (as a page loaded plainly would, not smoothly).
    if (target) { target.scrollIntoView({ block: "start", behavior: "instant" }); }
  }

  function opened(key) {
    return decrypt(key, bytes(payload.textContent)).then(function (plain) {
      return new TextDecoder("utf-8").decode(plain);
    });
  }

  var unlockedKey = null;

  function unlock(key, html) {
    unlockedKey = key;
    show(html);
  }

  // ---------------------------------------------------------------- her files

  function folderOf(url) { return new URL(".", url).href; }

  function download(event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (!link || event.defaultPrevented || event.button !== 0) { return; }
    var url = new URL(link.getAttribute("href"), window.location.href);
    var name = url.pathname.split("/").pop();
    if (!Object.prototype.hasOwnProperty.call(ENCRYPTED, name)) { return; }
    if (folderOf(url.href) !== folderOf(window.location.href)) { return; }
    event.preventDefault();
    // A page opened from disk (file://) may not read other files: say so instead of trying.
    var fetched = window.location.protocol === "file:"
      ? Promise.reject(new Error("file://"))
      : window.fetch(name + ".enc");
    fetched.then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.arrayBuffer();
    }).then(function (buffer) {
      return decrypt(unlockedKey, new Uint8Array(buffer));
    }).then(function (plain) {
      var blobUrl = URL.createObjectURL(new Blob([plain], { type: ENCRYPTED[name] }));
      var save = document.createElement("a");
      save.href = blobUrl;
      save.download = name;
      save.hidden = true;
      document.body.appendChild(save);
      save.click();
      save.remove();
      window.setTimeout(function () { URL.revokeObjectURL(blobUrl); }, 60000);
    }).catch(function () {
      var note = link.parentNode.querySelector("[data-download-failed]");
      if (!note) {
        note = document.createElement("p");
        note.setAttribute("role", "alert");
        note.setAttribute("data-download-failed", "");
        link.parentNode.appendChild(note);
      }
      note.textContent = t("The file could not be opened here. Open your plan from the link " +
        "your coach sent you (https://…) and try again.");
    });
  }

  // ---------------------------------------------------------------- the form

  function ask() {
    busy.textContent = "";
    button.disabled = false;
    form.hidden = false;
    input.focus();
  }

  function fail(message) {
    error.hidden = false;
    error.textContent = message;
    ask();
    input.select();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!input.value) { fail(t("Please type your passphrase.")); return; }
    button.disabled = true;
    error.hidden = true;
    busy.textContent = t("Unlocking…");
    var derived = null;
    deriveKey(input.value).then(function (key) {
      derived = key;
      return opened(key);
    }).then(function (html) {
      return subtle.exportKey("raw", derived).then(function (raw) {
        remember(base64(raw));
      }).catch(function () { /* not remembered: she types it again on the next page */ })
        .then(function () { unlock(derived, html); });
    }, function () {
      fail(t("That passphrase did not work. Check it and try again."));
    });
  });

  if (!subtle || !window.TextDecoder || !window.DOMParser) {
    unsupported.hidden = false; // e.g. http:// on another computer: WebCrypto needs https
    return;
  }

  var stored = remembered();
  if (!stored) { ask(); return; }
  var key = null;
  Promise.resolve().then(function () {
    return subtle.importKey("raw", bytes(stored), "AES-GCM", false, ["decrypt"]);
  }).then(function (k) {
    key = k;
    return opened(k);
  }).then(function (html) { unlock(key, html); }, function () {
    remember(null); // the passphrase changed since: ask for the new one
    ask();
  });
})();
