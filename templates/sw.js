{#- The service worker of one client's folder (rendered per client, not autoescaped).
    It keeps every file of her site on her phone, so the plan, the timer and the log work
    offline in a park. Cache first: the site changes only when her coach rebuilds it, and then
    this file changes too (the cache name is a digest of every file), so the browser installs
    the new version, fetches every file again and drops the old copy. -#}
/* postrun offline support: precache her whole folder, then serve it from the cache. */
"use strict";

var CACHE = {{ cache_name|tojson }};
var PREFIX = {{ ("postrun-" ~ client.slug ~ "-")|tojson }};
var FILES = {{ precache|tojson }};

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
