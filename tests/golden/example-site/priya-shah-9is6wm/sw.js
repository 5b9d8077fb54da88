/* postrun offline support: precache her whole folder, then serve it from the cache. */
"use strict";

var CACHE = "postrun-priya-shah-9is6wm-e4f6b49ebbfad1b5";
var PREFIX = "postrun-priya-shah-9is6wm-";
var FILES = ["about.html", "assets/app.js", "assets/icon.svg", "assets/style.css", "calendar.html", "calendar.ics", "exercise-bridge-march.html", "exercise-bulgarian-split-squat.html", "exercise-dead-bug.html", "exercise-hip-circles.html", "exercise-leaning-wall-marching.html", "exercise-lunge.html", "exercise-pelvic-floor-contractions.html", "exercise-posterior-pelvic-tilt.html", "exercise-quadruped-fire-hydrant.html", "exercise-rocking-hip-flexor-stretch.html", "exercise-single-leg-heel-raise.html", "exercise-single-leg-sit-to-stand.html", "exercise-squat-mini-jumps.html", "exercise-test-forward-bounds.html", "exercise-test-jog-in-place.html", "exercise-test-single-leg-balance.html", "exercise-test-single-leg-heel-raise.html", "exercise-test-single-leg-hops.html", "exercise-test-single-leg-squat.html", "exercise-test-walk.html", "exercise-toe-taps.html", "index.html", "manifest.webmanifest", "offline.html", "plan.json", "readiness.html", "references.html", "safety.html", "tips.html", "week-01.html", "week-02.html", "week-03.html", "week-04.html", "week-05.html", "week-06.html", "week-07.html", "week-08.html", "week-09.html", "week-10.html", "week-11.html", "week-12.html", "week-13.html", "week-14.html", "week-15.html", "week-16.html", "week-17.html", "week-18.html", "week-19.html", "week-20.html", "week-21.html", "week-22.html", "week-23.html", "week-24.html", "week-25.html", "week-26.html", "week-27.html", "week-28.html"];

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      // "reload": straight from the host, never a stale copy from the HTTP cache.
      return cache.addAll(FILES.map(function (name) {
        return new Request(name, { cache: "reload" });
      }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf(PREFIX) === 0 && name !== CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  var scope = self.registration.scope;
  if (url.origin !== self.location.origin || url.href.indexOf(scope) !== 0) { return; }
  event.respondWith(
    caches.open(CACHE).then(function (cache) {
      return cache.match(request, { ignoreSearch: true }).then(function (hit) {
        if (hit) { return hit; }
        // The folder itself ("…/slug/") is her overview page.
        if (request.mode === "navigate" && url.pathname.slice(-1) === "/") {
          return cache.match("index.html").then(function (index) {
            return index || fetch(request);
          });
        }
        return fetch(request).catch(function (error) {
          // No signal and not saved here: a friendly page of her own, not a browser error.
          if (request.mode !== "navigate") { throw error; }
          return cache.match("offline.html").then(function (page) {
            if (!page) { throw error; }
            return page;
          });
        });
      });
    })
  );
});
