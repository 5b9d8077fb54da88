/* postrun: small additions on top of pages that work without JavaScript.
   - marks today and the current week, and lists today's sessions (the build never knows
     today's date);
   - keeps readiness checklist ticks in this browser;
   - a run/walk interval timer on each run/walk session (sound, vibration, spoken cues);
   - a symptom check after each run, kept in this browser as her run log, to copy or download;
   - registers the service worker (sw.js) so the whole site works offline after one visit.
   Nothing is sent anywhere: no network requests but the site's own files; text is set with
   textContent only. */
"use strict";

(function () {
  // Her language: assets/words.js (written for a client whose language is not English) sets
  // window.postrunWords = {lang, plural, messages}; English is the message itself. Messages
  // are extracted with `pybabel extract` (keywords t and tn) into postrun's catalogs.
  var WORDS = window.postrunWords || null;

  function fill(text, params) {
    return params ? text.replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(params, key) ? String(params[key]) : all;
    }) : text;
  }

  function t(message, params) {
    var found = WORDS && WORDS.messages[message];
    return fill(typeof found === "string" ? found : message, params);
  }

  // The singular or plural form for `n` ({n} in the text is the number).
  function tn(singular, plural, n, params) {
    var forms = WORDS && WORDS.messages[singular];
    var text = Array.isArray(forms) ? forms[WORDS.plural(n)] || forms[forms.length - 1] :
      n === 1 ? singular : plural;
    var all = { n: n };
    Object.keys(params || {}).forEach(function (k) { all[k] = params[k]; });
    return fill(text, all);
  }

  function iso(d) {
    function pad(n) { return (n < 10 ? "0" : "") + n; }
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  // A date as the page itself writes it: the text of the `index`th <time> inside `el`.
  function shownDate(el, index) {
    var times = el.querySelectorAll("time");
    var time = times[Math.min(index, times.length - 1)];
    return time ? time.textContent : "";
  }

  function label(text, className) {
    var el = document.createElement("strong");
    el.className = className;
    el.textContent = text;
    return el;
  }

  function slotOf(el) {
    return el.querySelector("[data-label-slot]") || el;
  }

  var today = iso(new Date());

  // ---------------------------------------------------------------- today and this week

  function markToday() {
    document.querySelectorAll("[data-date]").forEach(function (el) {
      if (el.getAttribute("data-date") !== today) { return; }
      el.classList.add("is-today");
      slotOf(el).appendChild(label(t("Today"), "today-tag"));
      // In the calendar's month grid, the row of today is the current week.
      var row = el.closest(".month-grid tr");
      if (row) { row.classList.add("is-current-week"); }
    });

    var current = null;
    document.querySelectorAll("[data-start][data-end]").forEach(function (el) {
      if (el.getAttribute("data-start") <= today && today <= el.getAttribute("data-end")) {
        el.classList.add("is-current");
        slotOf(el).appendChild(label(t("This week"), "current-tag"));
        current = current || el;
      }
    });

    document.querySelectorAll("[data-from][data-to]").forEach(function (el) {
      if (el.getAttribute("data-from") <= today && today <= el.getAttribute("data-to")) {
        el.classList.add("is-now");
        var heading = el.querySelector("h3") || el;
        heading.appendChild(label(t("Now"), "current-tag"));
      }
    });

    fillThisWeek(current);
    fillToday(current !== null);
    focusToday();
  }

  function fillThisWeek(current) {
    var box = document.querySelector("[data-today-week]");
    if (!box) { return; }
    var weeks = document.querySelectorAll("[data-start][data-end]");
    if (!weeks.length) { return; }
    box.textContent = "";
    if (current) {
      var link = current.querySelector("a");
      box.appendChild(document.createTextNode(
        t("You are in week {week}: ", { week: current.getAttribute("data-week") })));
      var a = document.createElement("a");
      a.href = link.getAttribute("href") + "#d" + today;
      a.textContent = t("see the whole week");
      box.appendChild(a);
    } else if (today < weeks[0].getAttribute("data-start")) {
      box.textContent = t("Your plan starts on {date}.", { date: shownDate(weeks[0], 0) });
    } else {
      box.textContent = t("Your plan ended on {date}. Ask your coach what comes next.",
        { date: shownDate(weeks[weeks.length - 1], 1) });
    }
    box.hidden = false;
    var hint = document.querySelector("[data-today-hint]");
    if (hint) { hint.hidden = true; }
  }

  // The overview's "Today" box: today's sessions, copied from the page's own list of every
  // day (a <template>), each linking to its day on the week page.
  function fillToday(inPlan) {
    var box = document.querySelector("[data-today-box]");
    var source = document.getElementById("sessions-by-day");
    if (!box || !source || !source.content || !inPlan) { return; }
    var list = box.querySelector("[data-today-sessions]");
    var heading = box.querySelector("[data-today-date]");
    var found = source.content.querySelectorAll('[data-day="' + today + '"]');
    list.textContent = "";
    found.forEach(function (item) { list.appendChild(document.importNode(item, true)); });
    heading.textContent = found.length ? longDay(today) :
      t("{date}: nothing planned. Rest well.", { date: longDay(today) });
    list.hidden = !found.length;
    box.hidden = false;
  }

  var DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];

  function parseIso(value) {
    var parts = String(value).split("-");
    return new Date(Number(parts[0]), Number(parts[1]) - 1, Number(parts[2]));
  }

  // Her language's date, by the browser's own CLDR data (English: as the site writes dates).
  function localDate(d, options) {
    try {
      return new Intl.DateTimeFormat(WORDS.lang, options).format(d);
    } catch (e) {
      return d.toDateString();
    }
  }

  // "Tuesday 1 December", as the site writes dates.
  function longDay(value) {
    var d = parseIso(value);
    if (WORDS) { return localDate(d, { weekday: "long", day: "numeric", month: "long" }); }
    return DAYS[d.getDay()] + " " + d.getDate() + " " + MONTHS[d.getMonth()];
  }

  // "Tue 1 Dec"
  function shortDay(value) {
    var d = parseIso(value);
    if (WORDS) { return localDate(d, { weekday: "short", day: "numeric", month: "short" }); }
    return DAYS[d.getDay()].slice(0, 3) + " " + d.getDate() + " " + MONTHS[d.getMonth()].slice(0, 3);
  }

  // "Tue": the weekday of a log line.
  function weekday(value) {
    var d = parseIso(value);
    if (WORDS) { return localDate(d, { weekday: "short" }); }
    return DAYS[d.getDay()].slice(0, 3);
  }

  // On a week page that holds today, bring today's section into view once, on load.
  function focusToday() {
    if (window.location.hash) { return; }
    var section = document.querySelector("section.day.is-today");
    if (!section) { return; }
    section.setAttribute("tabindex", "-1");
    section.focus();
  }

  // ---------------------------------------------------------------- readiness checklist

  function checklist(form) {
    var key = "postrun:checklist:" + form.getAttribute("data-plan");
    var boxes = form.querySelectorAll('input[type="checkbox"]');
    var summary = form.querySelector("[data-checklist-summary]");
    var done = form.querySelector("[data-checklist-complete]");
    var reset = form.querySelector("[data-checklist-reset]");

    function load() {
      try {
        var state = JSON.parse(window.localStorage.getItem(key) || "{}");
        return state && typeof state === "object" ? state : {};
      } catch (e) {
        return {};
      }
    }

    function save(state) {
      try {
        window.localStorage.setItem(key, JSON.stringify(state));
      } catch (e) {
        // Storage may be unavailable (private mode, file://): ticks last for this visit only.
      }
    }

    function update() {
      var state = {};
      var passed = 0;
      boxes.forEach(function (box) {
        if (box.checked) { state[box.name] = true; passed += 1; }
        var item = box.closest(".check");
        if (item) { item.classList.toggle("is-passed", box.checked); }
      });
      if (summary) {
        summary.textContent = t("{passed} of {total} passed", { passed: passed, total: boxes.length });
      }
      if (done) { done.hidden = passed !== boxes.length || boxes.length === 0; }
      return state;
    }

    var saved = load();
    boxes.forEach(function (box) { box.checked = saved[box.name] === true; });
    update();
    // Ticks are kept (by this script): say so, in place of the no-script note.
    document.querySelectorAll("[data-checklist-kept]").forEach(function (el) { el.hidden = false; });
    document.querySelectorAll(".page-readiness [data-no-script]").forEach(function (el) { el.hidden = true; });

    form.addEventListener("change", function () { save(update()); });
    if (reset) {
      reset.hidden = false;
      reset.addEventListener("click", function () {
        boxes.forEach(function (box) { box.checked = false; });
        save(update());
        if (boxes.length) { boxes[0].focus(); }
      });
    }
  }

  // Her first run/walk card: until every readiness test is ticked in this browser, it says to
  // finish the checklist first (the words are on the card; this adds the count).
  function readinessGate(gate) {
    var state = loadJson("postrun:checklist:" + gate.getAttribute("data-plan"), {});
    var total = Number(gate.getAttribute("data-tests")) || 0;
    var passed = 0;
    if (state && typeof state === "object") {
      Object.keys(state).forEach(function (k) { if (state[k] === true) { passed += 1; } });
    }
    var done = total > 0 && passed >= total;
    gate.querySelector("[data-gate-open]").hidden = done;
    gate.querySelector("[data-gate-done]").hidden = !done;
    gate.classList.toggle("callout-caution", !done);
    gate.classList.toggle("callout-done", done);
    var count = gate.querySelector("[data-gate-count]");
    count.textContent = t(" ({passed} of {total} ticked so far)",
      { passed: Math.min(passed, total), total: total });
    count.hidden = false;
  }

  // ---------------------------------------------------------------- storage

  function loadJson(key, fallback) {
    try {
      var value = JSON.parse(window.localStorage.getItem(key) || "null");
      return value === null ? fallback : value;
    } catch (e) {
      return fallback;
    }
  }

  function saveJson(key, value) {
    try {
      if (value === null) {
        window.localStorage.removeItem(key);
      } else {
        window.localStorage.setItem(key, JSON.stringify(value));
      }
    } catch (e) {
      // Storage may be unavailable (private mode, file://): it lasts for this visit only.
    }
  }

  function noop() {}

  // ---------------------------------------------------------------- cues: sound, buzz, voice

  var audio = null;

  // Made on a tap (Start), as browsers only let a page make sound after one.
  function audioContext() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) { return null; }
    try {
      if (!audio) { audio = new Context(); }
      if (audio.state === "suspended" && audio.resume) {
        var resumed = audio.resume();
        if (resumed && resumed.catch) { resumed.catch(noop); }
      }
    } catch (e) {
      audio = null;
    }
    return audio;
  }

  function beep(ctx, frequency, at, length) {
    var osc = ctx.createOscillator();
    var gain = ctx.createGain();
    var t = ctx.currentTime + at;
    osc.type = "sine";
    osc.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.35, t + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + length);
    osc.connect(gain);
    gain.connect(ctx.destination);
    osc.start(t);
    osc.stop(t + length + 0.05);
  }

  // Jog: two rising beeps. Walk: one low tone. Done: three rising notes.
  var CHIMES = {
    jog: [[660, 0, 0.18], [880, 0.24, 0.22]],
    walk: [[392, 0, 0.5]],
    done: [[523, 0, 0.2], [659, 0.22, 0.2], [784, 0.44, 0.45]]
  };
  var BUZZ = { jog: [200, 100, 200], walk: [500], done: [200, 100, 200, 100, 500] };

  // The 3-2-1 count before a change: one short, quiet beep each second, no buzz.
  function tick() {
    var ctx = audioContext();
    if (!ctx) { return; }
    try { beep(ctx, 988, 0, 0.08); } catch (e) { /* no sound on this device */ }
  }

  function chime(kind) {
    var ctx = audioContext();
    if (ctx) {
      try {
        CHIMES[kind].forEach(function (n) { beep(ctx, n[0], n[1], n[2]); });
      } catch (e) {
        // No sound on this device: the voice, the buzz and the screen still tell her.
      }
    }
    if (navigator.vibrate) {
      try { navigator.vibrate(BUZZ[kind]); } catch (e) { /* not on this device */ }
    }
  }

  function say(text) {
    if (!window.speechSynthesis || typeof window.SpeechSynthesisUtterance !== "function") {
      return;
    }
    try {
      window.speechSynthesis.cancel();
      var utterance = new window.SpeechSynthesisUtterance(text);
      utterance.lang = document.documentElement.lang || "en";
      window.speechSynthesis.speak(utterance);
    } catch (e) {
      // No voice on this device.
    }
  }

  // ---------------------------------------------------------------- keep the screen awake

  var wakeLock = null;
  var wakeWanted = false;

  function keepAwake(on) {
    wakeWanted = on;
    if (!on) {
      if (wakeLock) { wakeLock.release().catch(noop); wakeLock = null; }
      return;
    }
    if (wakeLock || !navigator.wakeLock || document.visibilityState !== "visible") { return; }
    navigator.wakeLock.request("screen").then(function (lock) {
      wakeLock = lock;
      lock.addEventListener("release", function () {
        if (wakeLock === lock) { wakeLock = null; }
      });
      if (!wakeWanted) { keepAwake(false); }
    }).catch(noop);
  }

  // ---------------------------------------------------------------- run/walk timer

  var PARTS = { warm_up: t("Warm-up"), main: t("Main set"), cool_down: t("Cool-down") };
  var ACTIVITY = { jog: t("Jog"), walk: t("Walk") };
  var timers = [];

  // 125 -> "2 minutes 5 seconds", for the voice.
  function spoken(seconds) {
    var m = Math.floor(seconds / 60);
    var s = seconds % 60;
    var out = [];
    if (m) { out.push(tn("{n} minute", "{n} minutes", m)); }
    if (s || !m) { out.push(tn("{n} second", "{n} seconds", s)); }
    return out.join(" ");
  }

  // 125 -> "2 min 5 s", as the page writes durations.
  function short(seconds) {
    var m = Math.floor(seconds / 60);
    var s = seconds % 60;
    var out = [];
    if (m) { out.push(t("{n} min", { n: m })); }
    if (s) { out.push(t("{n} s", { n: s })); }
    return out.join(" ");
  }

  // 125.2 -> "2:06": whole seconds left, rounded up (0:00 only when it is over).
  function clock(ms) {
    var total = Math.max(0, Math.ceil(ms / 1000));
    var h = Math.floor(total / 3600);
    var m = Math.floor((total % 3600) / 60);
    var s = total % 60;
    var mm = h ? (m < 10 ? "0" : "") + m : String(m);
    return (h ? h + ":" : "") + mm + ":" + (s < 10 ? "0" : "") + s;
  }

  function cue(seg) {
    var time = { time: spoken(seg.s) };
    if (seg.p === "warm_up") {
      return seg.a === "jog" ? t("Warm up: jog {time}", time) : t("Warm up: walk {time}", time);
    }
    if (seg.p === "cool_down") {
      return seg.a === "jog" ? t("Cool down: jog {time}", time) : t("Cool down: walk {time}", time);
    }
    return seg.a === "jog" ? t("Jog for {time}", time) : t("Walk now, {time}", time);
  }

  // Ten seconds before a change: what comes next.
  function warning(seg, next) {
    if (!next) { return t("10 seconds to go"); }
    if (next.p === "cool_down" && seg.p !== "cool_down") { return t("Cool-down walk in 10 seconds"); }
    return next.a === "jog" ? t("Jog in 10 seconds") : t("Walk in 10 seconds");
  }

  // After a gap (a locked screen): where she is, with the time actually left.
  function whereNow(seg, ms) {
    var left = Math.max(1, Math.ceil(ms / 1000));
    var time = { time: spoken(left) };
    return seg.a === "jog" ? t("Jog, {time} left", time) : t("Walk, {time} left", time);
  }

  var GAP_MS = 3000;
  var FIVE_MIN = 300000;
  var LONG_JOG = 600;

  function validSegments(value) {
    if (!Array.isArray(value)) { return []; }
    return value.filter(function (seg) {
      return seg && (seg.a === "walk" || seg.a === "jog") && seg.s > 0 && PARTS[seg.p];
    });
  }

  // Time comes from the clock, never from counting ticks: the elapsed time is "now" minus the
  // start, minus the time spent paused, plus the time skipped. A phone that locks (and slows
  // or stops the page's timers) finds the right segment as soon as it looks again.
  function Timer(card, template) {
    var self = this;
    var segments = [];
    try { segments = validSegments(JSON.parse(card.getAttribute("data-segments") || "[]")); } catch (e) { segments = []; }
    if (!segments.length) { return; }
    this.card = card;
    this.segments = segments;
    this.ends = [];
    var sum = 0;
    segments.forEach(function (seg) { sum += seg.s * 1000; self.ends.push(sum); });
    this.total = sum;
    var planned = card.querySelector("[data-plan]");
    this.key = "postrun:timer:" + (planned ? planned.getAttribute("data-plan") : "") + ":" +
      card.getAttribute("data-session-date");
    this.state = null;
    this.shown = null;
    this.interval = null;

    var root = document.importNode(template.content, true).querySelector("[data-timer]");
    this.root = root;
    function part(name) { return root.querySelector("[data-timer-" + name + "]"); }
    this.el = {
      start: part("start"), panel: part("panel"), now: part("now"), left: part("left"),
      leftLabel: part("left-label"), strip: part("strip"), sessionLeft: part("session-left"),
      total: part("total"), next: part("next"), pause: part("pause"), resume: part("resume"),
      skip: part("skip"), end: part("end")
    };
    this.el.total.textContent = clock(this.total);
    this.el.startLabel = part("start-label");
    var day = part("start-day");
    if (day) {
      day.textContent = t(" for your run/walk on {date}",
        { date: longDay(card.getAttribute("data-session-date")) });
    }
    this.lastTick = null;
    this.lastLeft = null;
    this.bars = segments.map(function (seg) {
      var bar = document.createElement("span");
      bar.className = "strip-part strip-" + seg.a;
      bar.style.flexGrow = String(seg.s);
      self.el.strip.appendChild(bar);
      return bar;
    });

    this.el.start.addEventListener("click", function () { self.start(); });
    this.el.pause.addEventListener("click", function () { self.pause(); });
    this.el.resume.addEventListener("click", function () { self.resume(); });
    this.el.skip.addEventListener("click", function () { self.skip(); });
    this.el.end.addEventListener("click", function () { self.end(); });

    var anchor = card.querySelector(".segments") || card.querySelector(".run-summary");
    anchor.parentNode.insertBefore(root, anchor.nextSibling);
    timers.push(this);

    // A timer left running (the page reloaded, or the phone closed the tab) carries on.
    var saved = loadJson(this.key, null);
    if (saved && typeof saved.start === "number" && Date.now() - saved.start < 12 * 3600 * 1000) {
      this.state = {
        start: saved.start, paused: Number(saved.paused) || 0,
        pausedAt: typeof saved.pausedAt === "number" ? saved.pausedAt : null,
        skipped: Number(saved.skipped) || 0
      };
      if (this.elapsed() < this.total) {
        this.show();
        this.update(false);
        if (this.state.pausedAt === null) { this.run(); }
      } else {
        // It ended while the page was closed: done, and on to noting how it went.
        this.show();
        this.finish(false, true);
      }
    }
  }

  Timer.prototype.elapsed = function () {
    var st = this.state;
    var now = st.pausedAt !== null ? st.pausedAt : Date.now();
    return Math.max(0, now - st.start - st.paused + st.skipped);
  };

  Timer.prototype.indexAt = function (elapsed) {
    for (var i = 0; i < this.ends.length; i += 1) {
      if (elapsed < this.ends[i]) { return i; }
    }
    return this.ends.length;
  };

  Timer.prototype.save = function () {
    saveJson(this.key, this.state);
  };

  Timer.prototype.show = function () {
    this.el.start.parentNode.hidden = true;
    this.el.panel.hidden = false;
  };

  Timer.prototype.run = function () {
    var self = this;
    if (this.interval === null) {
      this.interval = window.setInterval(function () { self.update(true); }, 250);
    }
    keepAwake(true);
  };

  Timer.prototype.halt = function () {
    if (this.interval !== null) { window.clearInterval(this.interval); this.interval = null; }
    var running = timers.some(function (t) { return t.interval !== null; });
    if (!running) { keepAwake(false); }
  };

  Timer.prototype.start = function () {
    timers.forEach(function (t) { if (t !== this && t.interval !== null) { t.pause(); } }, this);
    audioContext();
    this.state = { start: Date.now(), paused: 0, pausedAt: null, skipped: 0 };
    this.shown = null;
    this.lastTick = null;
    this.lastLeft = null;
    this.bars.forEach(function (bar) { bar.classList.remove("is-done", "is-current"); });
    this.root.setAttribute("data-state", "running");
    this.el.pause.hidden = false;
    this.el.resume.hidden = true;
    this.el.skip.hidden = false;
    this.el.end.hidden = true;
    this.show();
    this.save();
    this.update(true);
    this.run();
    this.el.pause.focus();
  };

  Timer.prototype.pause = function () {
    if (!this.state || this.state.pausedAt !== null) { return; }
    this.state.pausedAt = Date.now();
    this.save();
    this.halt();
    this.update(false);
    this.status();
    this.el.resume.focus();
  };

  Timer.prototype.resume = function () {
    if (!this.state || this.state.pausedAt === null) { return; }
    audioContext();
    this.state.paused += Date.now() - this.state.pausedAt;
    this.state.pausedAt = null;
    this.lastTick = null;
    this.save();
    this.status();
    this.update(true);
    this.run();
    this.el.pause.focus();
  };

  // To the start of the next segment (paused or not).
  Timer.prototype.skip = function () {
    if (!this.state) { return; }
    var elapsed = this.elapsed();
    var index = this.indexAt(elapsed);
    if (index >= this.segments.length) { return; }
    this.state.skipped += this.ends[index] - elapsed;
    this.save();
    // Skipping while paused is silent: she is not moving, and hears the cue on resume.
    this.update(this.state.pausedAt === null);
  };

  Timer.prototype.end = function () {
    this.halt();
    this.state = null;
    this.shown = null;
    saveJson(this.key, null);
    this.root.setAttribute("data-state", "idle");
    this.el.panel.hidden = true;
    this.el.start.parentNode.hidden = false;
    this.el.startLabel.textContent = t("Start timer");
    this.el.start.focus();
  };

  // Shows where the clock says she is. `announce`: sound, buzz and voice when the segment
  // changed since last shown (only the current one, however many passed while locked).
  Timer.prototype.update = function (announce) {
    if (!this.state) { return; }
    var now = Date.now();
    var gap = this.lastTick !== null && now - this.lastTick > GAP_MS;
    this.lastTick = now;
    var elapsed = this.elapsed();
    var index = this.indexAt(elapsed);
    var paused = this.state.pausedAt !== null;
    var root = this.root;
    this.root.setAttribute("data-state", index >= this.segments.length ? "done" : paused ? "paused" : "running");
    this.el.pause.hidden = paused || index >= this.segments.length;
    this.el.resume.hidden = !paused;
    this.el.end.hidden = !paused;

    if (index >= this.segments.length) {
      this.finish(announce && this.shown !== index);
      return;
    }
    var seg = this.segments[index];
    var segLeft = this.ends[index] - elapsed;
    setText(this.el.left, clock(segLeft));
    setText(this.el.sessionLeft, clock(this.total - elapsed));
    var before = this.shown === index ? this.lastLeft : null;
    this.lastLeft = segLeft;
    if (this.shown === index) {
      if (!announce || paused) { return; }
      if (gap) {
        // Back from a locked screen: the time actually left, once.
        if (document.visibilityState === "visible") { say(whereNow(seg, segLeft)); }
      } else if (before !== null) {
        this.cues(index, before, segLeft);
      }
      return;
    }

    // A new segment: everything that changes only now (the live region too).
    this.shown = index;
    root.setAttribute("data-activity", seg.a);
    root.setAttribute("data-part", seg.p);
    root.setAttribute("data-index", String(index));
    this.status();
    this.el.leftLabel.textContent = seg.p === "main" ?
      (seg.a === "jog" ? t("left of this jog") : t("left of this walk")) :
      seg.p === "warm_up" ? t("left of the warm-up") : t("left of the cool-down");
    var next = this.segments[index + 1];
    var nextTime = next ? { time: short(next.s) } : null;
    this.el.next.textContent = !next ? t("finish") : next.p === "cool_down" ?
      (next.a === "jog" ? t("cool-down, jog {time}", nextTime) : t("cool-down, walk {time}", nextTime)) :
      (next.a === "jog" ? t("jog {time}", nextTime) : t("walk {time}", nextTime));
    this.bars.forEach(function (bar, i) {
      bar.classList.toggle("is-done", i < index);
      bar.classList.toggle("is-current", i === index);
    });
    if (announce) {
      chime(seg.a);
      say(gap ? whereNow(seg, segLeft) : cue(seg));
    }
  };

  // Cues inside one segment, each when the clock passes it (never late, after a gap): ten
  // seconds before the change, a 3-2-1 count, and on long jogs every five minutes and halfway.
  Timer.prototype.cues = function (index, before, left) {
    var seg = this.segments[index];
    function passed(ms) { return before > ms && left <= ms; }
    if (seg.s > 15 && passed(10000)) {
      say(warning(seg, this.segments[index + 1]));
    }
    [3000, 2000, 1000].forEach(function (ms) { if (passed(ms)) { tick(); } });
    if (seg.a !== "jog" || seg.s < LONG_JOG) { return; }
    var length = seg.s * 1000;
    var half = length / 2;
    if (passed(half)) {
      say(t("Halfway, {time} left", { time: spoken(Math.round(half / 1000)) }));
      return;
    }
    for (var ms = FIVE_MIN; ms < length; ms += FIVE_MIN) {
      if (passed(ms)) { say(t("{time} left", { time: spoken(ms / 1000) })); }
    }
  };

  // `restored`: it ended while the page was closed (shown as done, focus left alone). The
  // saved start stays, so a reload within the day still shows it done.
  Timer.prototype.finish = function (announce, restored) {
    var wasShown = this.shown;
    this.shown = this.segments.length;
    this.halt();
    this.state = null;
    this.root.setAttribute("data-state", "done");
    this.root.removeAttribute("data-activity");
    setText(this.el.left, "0:00");
    setText(this.el.sessionLeft, "0:00");
    this.status();
    this.bars.forEach(function (bar) { bar.classList.add("is-done"); bar.classList.remove("is-current"); });
    this.el.pause.hidden = true;
    this.el.resume.hidden = true;
    this.el.skip.hidden = true;
    this.el.end.hidden = true;
    this.el.startLabel.textContent = t("Start again");
    this.el.start.parentNode.hidden = false;
    if (announce && wasShown !== this.segments.length) {
      chime("done");
      say(t("Well done, session complete"));
    }
    if (restored) { return; }
    // On to the symptom check.
    var heading = this.card.querySelector(".after-run-title");
    if (heading && !heading.closest("[hidden]")) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  };

  // The live region: the current segment ("Jog · Main set, 3 of 16"), changed only when the
  // segment changes, on pause and resume, and at the end; never every second.
  Timer.prototype.status = function () {
    var now = this.el.now;
    var done = this.shown === this.segments.length;
    var seg = done ? null : this.segments[this.shown];
    var paused = !done && this.state && this.state.pausedAt !== null;
    now.textContent = "";
    function span(className, text) {
      var el = document.createElement("span");
      el.className = className;
      el.textContent = text;
      now.appendChild(el);
      now.appendChild(document.createTextNode(" "));
    }
    if (done) {
      span("timer-activity", t("Done"));
      span("timer-part", t("Well done, session complete."));
      return;
    }
    if (paused) { span("timer-paused", t("Paused")); }
    span("timer-activity", ACTIVITY[seg.a]);
    span("timer-part", t("{part}, {number} of {count}",
      { part: PARTS[seg.p], number: this.shown + 1, count: this.segments.length }));
  };

  function setText(el, text) {
    if (el.textContent !== text) { el.textContent = text; }
  }

  function timersOnPage() {
    var template = document.getElementById("run-timer");
    if (!template || !template.content) { return; }
    document.querySelectorAll("[data-run][data-segments]").forEach(function (card) {
      new Timer(card, template);
    });
    // Back from a locked screen or another app: show the right segment at once, and keep
    // the screen awake again (the browser lets the lock go while the page is hidden).
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState !== "visible") { return; }
      timers.forEach(function (t) { if (t.interval !== null) { t.update(true); } });
      if (wakeWanted) { keepAwake(true); }
    });
  }

  // ---------------------------------------------------------------- run log

  function logKey(plan) { return "postrun:log:" + plan; }

  function loadLog(plan) {
    var entries = loadJson(logKey(plan), []);
    if (!Array.isArray(entries)) { return []; }
    return entries.filter(function (e) {
      return e && typeof e.date === "string" && /^\d{4}-\d{2}-\d{2}$/.test(e.date) &&
        Array.isArray(e.symptoms);
    });
  }

  function saveLog(plan, entries) {
    entries.sort(function (a, b) { return a.date < b.date ? -1 : a.date > b.date ? 1 : 0; });
    saveJson(logKey(plan), entries);
  }

  function symptomText(entry, labels) {
    if (!entry.symptoms.length) { return t("no symptoms"); }
    return entry.symptoms.map(function (id) { return labels[id] || String(id); }).join("; ");
  }

  function stageText(entry) {
    return entry.stage ? t("stage {stage}", { stage: entry.stage }) : t("run/walk");
  }

  function jsonAttr(el, name) {
    try {
      var value = JSON.parse(el.getAttribute(name) || "{}");
      return value && typeof value === "object" ? value : {};
    } catch (e) {
      return {};
    }
  }

  function labelsOf(el) { return jsonAttr(el, "data-symptom-labels"); }

  // "stop" when any symptom is a stop sign, "hold" for any other symptom, "" for none.
  function entryKind(entry, kinds) {
    if (!entry.symptoms.length) { return ""; }
    return entry.symptoms.some(function (id) { return kinds[id] === "stop"; }) ? "stop" : "hold";
  }

  function logLine(e, labels) {
    return e.date + " " + weekday(e.date) + " · " + stageText(e) + " · " +
      symptomText(e, labels);
  }

  // The log for her coach, oldest first: a line in words per run, then the same entries as
  // JSON between two marker lines, which her coach's `postrun checkin --from-log` reads.
  function logText(tools, entries) {
    var labels = labelsOf(tools);
    var lines = [tools.getAttribute("data-log-title") || t("Run/walk log"), ""];
    entries.forEach(function (e) { lines.push(logLine(e, labels)); });
    lines.push("", LOG_BEGIN, JSON.stringify({
      schema: 1,
      plan: tools.getAttribute("data-plan"),
      entries: entries.map(function (e) {
        return { date: e.date, stage: e.stage || null, symptoms: e.symptoms.slice() };
      })
    }), LOG_END);
    return lines.join("\n") + "\n";
  }

  var LOG_BEGIN = "----- postrun log data (for your coach's postrun; please leave as it is) -----";
  var LOG_END = "----- end of postrun log data -----";
  // Mail apps take links of a few thousand characters at most: the newest runs that fit.
  var MAIL_MAX = 1800;

  function mailHref(tools, entries) {
    var address = tools.getAttribute("data-mail");
    var labels = labelsOf(tools);
    var subject = tools.getAttribute("data-mail-subject") || t("Run log");
    var head = tools.getAttribute("data-log-title") || t("Run/walk log");
    function href(lines) {
      return "mailto:" + encodeURIComponent(address).replace(/%40/g, "@") + "?subject=" +
        encodeURIComponent(subject) + "&body=" + encodeURIComponent(lines.join("\n") + "\n");
    }
    var older = ["", tools.getAttribute("data-mail-older") || ""];
    var kept = [];
    for (var i = entries.length - 1; i >= 0; i -= 1) {
      var lines = [logLine(entries[i], labels)].concat(kept);
      var tail = i > 0 ? older : [];
      if (kept.length && href([head, ""].concat(lines, tail)).length > MAIL_MAX) { break; }
      kept = lines;
    }
    return href([head, ""].concat(kept, kept.length < entries.length ? older : []));
  }

  function refreshLogs() {
    document.querySelectorAll("[data-log-tools]").forEach(function (tools) {
      var entries = loadLog(tools.getAttribute("data-plan"));
      var form = tools.closest("[data-symptom-check]");
      var wanted = form ? entries.some(function (e) {
        return e.date === form.getAttribute("data-session-date");
      }) : entries.length > 0;
      tools.hidden = !wanted;
      if (!wanted) { return; }
      var mail = tools.querySelector("[data-log-mail]");
      if (mail && tools.getAttribute("data-mail")) { mail.setAttribute("href", mailHref(tools, entries)); }
      var link = tools.querySelector("[data-log-download]");
      if (!link || !window.Blob || !window.URL || !URL.createObjectURL) { return; }
      var old = link.getAttribute("href");
      if (old && old.indexOf("blob:") === 0) { URL.revokeObjectURL(old); }
      var blob = new Blob([logText(tools, entries)], { type: "text/plain;charset=utf-8" });
      link.setAttribute("href", URL.createObjectURL(blob));
      link.setAttribute("download", "running-log.txt");
    });
    var section = document.querySelector("[data-run-log]");
    var template = document.getElementById("run-log-entry");
    if (section && template && template.content) {
      var tools = section.querySelector("[data-log-tools]");
      var entries = loadLog(tools.getAttribute("data-plan"));
      var labels = labelsOf(tools);
      var kinds = jsonAttr(tools, "data-symptom-kinds");
      var list = section.querySelector("[data-run-log-list]");
      list.textContent = "";
      entries.slice().reverse().forEach(function (e) {
        var li = document.importNode(template.content, true).querySelector("li");
        var kind = entryKind(e, kinds);
        if (kind) { li.classList.add("has-symptoms", "is-" + kind); }
        var when = document.createElement("time");
        when.setAttribute("datetime", e.date);
        when.textContent = shortDay(e.date);
        li.querySelector(".run-log-date").appendChild(when);
        li.querySelector(".run-log-what").textContent =
          stageText(e).replace(/^s/, "S") + ": " + symptomText(e, labels);
        li.querySelector("[data-slot=date]").textContent = shortDay(e.date);
        li.querySelector("[data-run-log-delete]").setAttribute("data-date", e.date);
        list.appendChild(li);
      });
      section.hidden = entries.length === 0 && !section.querySelector("[data-run-log-deleted]:not([hidden])");
    }
    markHolds();
  }

  // The overview's log: delete an entry (with an undo, as a tap is easily made by mistake).
  function runLog(section) {
    var tools = section.querySelector("[data-log-tools]");
    var plan = tools.getAttribute("data-plan");
    var note = section.querySelector("[data-run-log-deleted]");
    var undo = section.querySelector("[data-run-log-undo]");
    var removed = null;
    section.addEventListener("click", function (event) {
      var button = event.target.closest("[data-run-log-delete]");
      if (!button) { return; }
      var date = button.getAttribute("data-date");
      var entries = loadLog(plan);
      removed = entries.filter(function (e) { return e.date === date; })[0] || null;
      saveLog(plan, entries.filter(function (e) { return e.date !== date; }));
      note.querySelector("[data-slot=date]").textContent = shortDay(date);
      note.hidden = false;
      refreshLogs();
      undo.focus();
    });
    undo.addEventListener("click", function () {
      if (removed) {
        var entries = loadLog(plan).filter(function (e) { return e.date !== removed.date; });
        entries.push(removed);
        saveLog(plan, entries);
        removed = null;
      }
      note.hidden = true;
      refreshLogs();
      var first = section.querySelector("[data-run-log-delete]");
      if (first) { first.focus(); }
    });
  }

  function logTools(tools) {
    var copy = tools.querySelector("[data-log-copy]");
    var message = tools.querySelector("[data-log-message]");
    var fallback = t("Copying is not allowed here: use “Download log” instead.");
    copy.addEventListener("click", function () {
      var text = logText(tools, loadLog(tools.getAttribute("data-plan")));
      message.textContent = "";
      if (!navigator.clipboard || !navigator.clipboard.writeText) {
        message.textContent = fallback;
        return;
      }
      navigator.clipboard.writeText(text).then(function () {
        message.textContent = t("Copied. Paste it into a message to your coach.");
      }, function () {
        message.textContent = fallback;
      });
    });
  }

  // Her own log on her plan: after a run she noted a symptom for, later run/walk cards say
  // "On hold" (those that would step up) or "Stop" (all of them, after a stop sign), until
  // she notes a later run without symptoms. Her coach's holds are in the plan itself.
  function markHolds() {
    var template = document.getElementById("log-marks");
    var tools = document.querySelector("[data-log-tools]");
    document.querySelectorAll("[data-log-mark-placed]").forEach(function (el) { el.remove(); });
    document.querySelectorAll("[data-today-mark]").forEach(function (el) { el.hidden = true; });
    if (!tools) { return; }
    var labels = labelsOf(tools);
    var kinds = jsonAttr(tools, "data-symptom-kinds");
    var since = null;
    loadLog(tools.getAttribute("data-plan")).forEach(function (e) {
      var kind = entryKind(e, kinds);
      if (!kind) { since = null; return; }
      if (!since) { since = { date: e.date, kind: kind, symptoms: [] }; }
      if (kind === "stop") { since.kind = "stop"; }
      e.symptoms.forEach(function (id) {
        var text = labels[id] || String(id);
        if (since.symptoms.indexOf(text) < 0) { since.symptoms.push(text); }
      });
    });
    if (!since) { return; }
    // A run after the symptom is marked: any run after a stop sign, a step up after a hold.
    function marked(el, dateAttr) {
      if (el.getAttribute(dateAttr) <= since.date) { return false; }
      return since.kind === "stop" || el.getAttribute("data-decision") === "progress";
    }
    // Today's run on the overview carries the same word ("On hold" or "Stop").
    document.querySelectorAll("[data-today-sessions] [data-today-run]").forEach(function (run) {
      if (!marked(run, "data-today-run")) { return; }
      run.querySelector('[data-today-mark="' + since.kind + '"]').hidden = false;
    });
    if (!template || !template.content) { return; }
    document.querySelectorAll("[data-run][data-session-date]").forEach(function (card) {
      if (!marked(card, "data-session-date")) { return; }
      var mark = document.importNode(template.content, true)
        .querySelector('[data-log-mark="' + since.kind + '"]');
      mark.setAttribute("data-log-mark-placed", "");
      mark.querySelector("[data-slot=symptoms]").textContent = since.symptoms.join("; ");
      mark.querySelector("[data-slot=date]").textContent = longDay(since.date);
      var title = card.querySelector(".session-title");
      title.parentNode.insertBefore(mark, title.nextSibling);
    });
  }

  // ---------------------------------------------------------------- after a run

  // Each run's "After your run" box gets its own copy of the page's one symptom form.
  function placeSymptomForms() {
    var template = document.getElementById("symptom-check");
    if (!template || !template.content) { return; }
    document.querySelectorAll("[data-after-run]").forEach(function (box) {
      var date = box.getAttribute("data-session-date");
      var stage = box.getAttribute("data-stage");
      var copy = template.content.cloneNode(true);
      var form = copy.querySelector("form");
      form.setAttribute("data-session-date", date);
      form.setAttribute("data-stage", stage || "");
      copy.querySelectorAll("[id], label[for], [aria-labelledby]").forEach(function (el) {
        ["id", "for", "aria-labelledby"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) { el.setAttribute(attr, value.replace("DATE", date)); }
        });
      });
      var stageText = copy.querySelector("[data-stage-text]");
      if (stageText && stage) { stageText.textContent = t("stage {stage}", { stage: stage }); }
      box.appendChild(copy);
    });
  }

  function symptomCheck(form) {
    var plan = form.getAttribute("data-plan");
    var date = form.getAttribute("data-session-date");
    var stage = Number(form.getAttribute("data-stage")) || null;
    var boxes = form.querySelectorAll('input[name="symptom"]');
    var none = form.querySelector('input[name="none"]');
    var missing = form.querySelector("[data-symptom-missing]");
    var advice = {
      stop: form.querySelector('[data-advice="stop"]'),
      hold: form.querySelector('[data-advice="hold"]'),
      none: form.querySelector('[data-advice="none"]')
    };
    var plain = form.parentNode.querySelector("[data-no-script]");
    if (plain) { plain.hidden = true; }
    form.hidden = false;

    // No entry for a run still to come.
    if (date > today) {
      form.querySelector("fieldset").disabled = true;
      form.querySelector("[data-symptom-save]").hidden = true;
      form.querySelector("[data-symptom-future]").hidden = false;
      return;
    }

    function kindOf(symptoms) {
      if (!symptoms.length) { return "none"; }
      var stop = false;
      boxes.forEach(function (box) {
        if (symptoms.indexOf(box.value) >= 0 && box.getAttribute("data-kind") === "stop") { stop = true; }
      });
      return stop ? "stop" : "hold";
    }

    function showAdvice(which, focus) {
      Object.keys(advice).forEach(function (k) { if (advice[k]) { advice[k].hidden = k !== which; } });
      if (focus && advice[which]) { advice[which].focus(); }
    }

    var saved = loadLog(plan).filter(function (e) { return e.date === date; })[0];
    if (saved) {
      boxes.forEach(function (box) { box.checked = saved.symptoms.indexOf(box.value) >= 0; });
      none.checked = saved.symptoms.length === 0;
      showAdvice(kindOf(saved.symptoms), false);
    }

    form.addEventListener("change", function (event) {
      if (event.target === none && none.checked) {
        boxes.forEach(function (box) { box.checked = false; });
      } else if (event.target.name === "symptom" && event.target.checked) {
        none.checked = false;
      }
      missing.hidden = true;
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var symptoms = [];
      boxes.forEach(function (box) { if (box.checked) { symptoms.push(box.value); } });
      if (!symptoms.length && !none.checked) {
        missing.hidden = false;
        showAdvice("", false);
        boxes[0].focus();
        return;
      }
      var entries = loadLog(plan).filter(function (e) { return e.date !== date; });
      entries.push({ date: date, stage: stage, symptoms: symptoms, ts: new Date().toISOString() });
      saveLog(plan, entries);
      refreshLogs();
      showAdvice(kindOf(symptoms), true);
    });
  }

  // ---------------------------------------------------------------- offline

  function registerWorker() {
    if (!("serviceWorker" in navigator) || !/^https?:$/.test(window.location.protocol)) { return; }
    // `postrun serve` (the coach's live preview) must always show the latest build.
    if (document.querySelector('script[src*="livereload.js"]')) {
      navigator.serviceWorker.getRegistrations().then(function (regs) {
        regs.forEach(function (reg) { reg.unregister(); });
      }).catch(noop);
      return;
    }
    // A newer version of her plan (her coach rebuilt it): the new worker takes over, and an
    // open page offers to reload. Not on the first visit, when there was no worker before.
    var hadWorker = !!navigator.serviceWorker.controller;
    navigator.serviceWorker.addEventListener("controllerchange", function () {
      if (hadWorker) { showUpdate(); }
      hadWorker = true;
    });
    navigator.serviceWorker.register("sw.js", { scope: "./" }).then(function (reg) {
      // Look for a new version whenever she comes back to the page, and every half hour.
      function check() { reg.update().catch(noop); }
      document.addEventListener("visibilitychange", function () {
        if (document.visibilityState === "visible") { check(); }
      });
      window.setInterval(check, 30 * 60 * 1000);
    }).catch(noop);
  }

  function showUpdate() {
    var message = document.querySelector("[data-update-message]");
    if (!message || !message.hidden) { return; }
    message.hidden = false;
    message.querySelector("[data-update-reload]").addEventListener("click", function () {
      window.location.reload();
    });
  }

  // ---------------------------------------------------------------- progress chart

  // The chart is drawn at build time; only "today" needs the browser's clock.
  function chartToday(figure) {
    var marker = figure.querySelector("#chart-today");
    var start = parseIso(figure.getAttribute("data-chart-start"));
    var days = Number(figure.getAttribute("data-chart-days"));
    var left = Number(figure.getAttribute("data-chart-left"));
    var width = Number(figure.getAttribute("data-chart-width"));
    var index = Math.round((parseIso(today) - start) / 86400000);
    if (!marker || !(days > 0) || index < 0 || index >= days) { return; }
    var x = String(Math.round((left + (index + 0.5) * width / days) * 10) / 10);
    marker.querySelectorAll("line").forEach(function (line) {
      line.setAttribute("x1", x);
      line.setAttribute("x2", x);
    });
    var text = marker.querySelector("text");
    text.setAttribute("x", x);
    text.setAttribute("text-anchor", index > days / 2 ? "end" : "start");
    marker.removeAttribute("visibility");
  }

  // ---------------------------------------------------------------- start

  function start() {
    markToday();
    document.querySelectorAll("form.checklist[data-plan]").forEach(checklist);
    timersOnPage();
    placeSymptomForms();
    document.querySelectorAll("form[data-symptom-check]").forEach(symptomCheck);
    document.querySelectorAll("[data-log-tools]").forEach(logTools);
    document.querySelectorAll("[data-run-log]").forEach(runLog);
    document.querySelectorAll("[data-readiness-gate]").forEach(readinessGate);
    document.querySelectorAll("[data-chart]").forEach(chartToday);
    refreshLogs();
    registerWorker();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
