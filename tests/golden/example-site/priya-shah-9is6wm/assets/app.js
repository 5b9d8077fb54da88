/* postrun: small additions on top of pages that work without JavaScript.
   - marks today and the current week (the build never knows today's date);
   - keeps readiness checklist ticks in this browser.
   No network requests; text is set with textContent only. */
"use strict";

(function () {
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
      slotOf(el).appendChild(label("Today", "today-tag"));
    });

    var current = null;
    document.querySelectorAll("[data-start][data-end]").forEach(function (el) {
      if (el.getAttribute("data-start") <= today && today <= el.getAttribute("data-end")) {
        el.classList.add("is-current");
        slotOf(el).appendChild(label("This week", "current-tag"));
        current = current || el;
      }
    });

    document.querySelectorAll("[data-from][data-to]").forEach(function (el) {
      if (el.getAttribute("data-from") <= today && today <= el.getAttribute("data-to")) {
        el.classList.add("is-now");
        var heading = el.querySelector("h3") || el;
        heading.appendChild(label("Now", "current-tag"));
      }
    });

    fillThisWeek(current);
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
        "You are in week " + current.getAttribute("data-week") + ": "));
      var a = document.createElement("a");
      a.href = link.getAttribute("href") + "#d" + today;
      a.textContent = "see what's on today";
      box.appendChild(a);
    } else if (today < weeks[0].getAttribute("data-start")) {
      box.textContent = "Your plan starts on " + shownDate(weeks[0], 0) + ".";
    } else {
      box.textContent = "Your plan ended on " + shownDate(weeks[weeks.length - 1], 1) +
        ". Ask your coach what comes next.";
    }
    box.hidden = false;
    var hint = document.querySelector("[data-today-hint]");
    if (hint) { hint.hidden = true; }
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
      if (summary) { summary.textContent = passed + " of " + boxes.length + " passed"; }
      if (done) { done.hidden = passed !== boxes.length || boxes.length === 0; }
      return state;
    }

    var saved = load();
    boxes.forEach(function (box) { box.checked = saved[box.name] === true; });
    update();

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

  function start() {
    markToday();
    document.querySelectorAll("form[data-plan]").forEach(checklist);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
