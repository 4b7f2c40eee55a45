/* The member's app offline: served at /sw.js by members/app_views.py, which puts
   `self.OFFLINE` above this file (cache version, addresses, the static files to keep).

   What it keeps, in one cache named after the deploy's version:
   - the member's own card page (/me/card/), refreshed each time it loads from the network:
     the server only answers 200 there to the signed-in member, so the copy is always theirs;
     an answer that is not the card (the sign-in page after a log-out elsewhere) drops it;
   - the static files the card page needs.
   Nothing else: staff pages, forms sent (POST), other pages and the API are never touched.
   Offline, the card's copy is shown with its "Offline — as of …" notice; /me/ (the app's
   start page) falls back on it too. Logging out empties the cache here and, for good, through
   the log-out response's Clear-Site-Data header (loyalty/platform/site_data.py). */
"use strict";

const CONFIG = self.OFFLINE;
const CACHE = "member-app-" + CONFIG.version;
// At the till the signal is often poor: past this wait the kept card is shown instead.
const NETWORK_TIMEOUT_MS = 4000;
// Opening /me/ refreshes a kept card older than this, for the balance it shows.
const CARD_FRESH_MS = 5 * 60 * 1000;
const NOTICE_HIDDEN = "hidden data-offline-notice";
const NOTICE_SHOWN = "data-offline-notice";

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(CONFIG.precache);
      // A member who has never opened the card since signing in still has it at the till.
      await refreshCard(cache);
      await self.skipWaiting();
    })()
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names.filter((name) => name !== CACHE).map((name) => caches.delete(name))
      );
      await self.clients.claim();
    })()
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.method === "POST" && url.pathname === CONFIG.logout) {
    event.waitUntil(forgetAll());
    return;
  }
  if (request.method !== "GET") {
    return;
  }
  if (request.mode === "navigate" && url.pathname === CONFIG.card && !url.search) {
    event.respondWith(cardPage(event));
  } else if (request.mode === "navigate" && url.pathname === CONFIG.home && !url.search) {
    event.respondWith(homePage(event));
  } else if (url.pathname.startsWith(CONFIG.static)) {
    event.respondWith(staticFile(request));
  }
});

function isCard(response) {
  return response.ok && !response.redirected && response.type === "basic";
}

async function refreshCard(cache) {
  try {
    const response = await fetch(CONFIG.card, { credentials: "same-origin" });
    await keepOrDrop(cache, response);
  } catch (error) {
    // Offline while installing: the card is kept at its next visit.
  }
}

async function keepOrDrop(cache, response) {
  if (isCard(response)) {
    await cache.put(CONFIG.card, response.clone());
  } else {
    await cache.delete(CONFIG.card);
  }
}

async function keptCard() {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(CONFIG.card);
  if (!kept) {
    return null;
  }
  const html = await kept.text();
  return new Response(html.replace(NOTICE_HIDDEN, NOTICE_SHOWN), {
    status: kept.status,
    statusText: kept.statusText,
    headers: kept.headers,
  });
}

function timeout(milliseconds) {
  return new Promise((resolve) => setTimeout(resolve, milliseconds, null));
}

async function cardPage(event) {
  const cache = await caches.open(CACHE);
  const fromNetwork = fetch(event.request).then(async (response) => {
    await keepOrDrop(cache, response);
    return response;
  });
  // Should the kept copy win the race, the network's answer still refreshes it.
  event.waitUntil(fromNetwork.catch(() => null));
  try {
    const first = await Promise.race([fromNetwork, timeout(NETWORK_TIMEOUT_MS)]);
    if (first) {
      return first;
    }
    return (await keptCard()) || (await fromNetwork);
  } catch (error) {
    const kept = await keptCard();
    if (kept) {
      return kept;
    }
    throw error;
  }
}

async function homePage(event) {
  let response;
  try {
    response = await fetch(event.request);
  } catch (error) {
    const kept = await keptCard();
    if (kept) {
      return kept;
    }
    throw error;
  }
  if (response.ok && response.type === "basic") {
    // The balance has likely moved since the card was last opened: keep it current.
    event.waitUntil(refreshStaleCard());
  }
  return response;
}

async function refreshStaleCard() {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(CONFIG.card);
  const keptAt = kept ? Date.parse(kept.headers.get("Date") || "") : NaN;
  if (!(Date.now() - keptAt < CARD_FRESH_MS)) {
    await refreshCard(cache);
  }
}

async function staticFile(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && response.type === "basic") {
      await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    const kept = await cache.match(request, { ignoreSearch: true });
    if (kept) {
      return kept;
    }
    throw error;
  }
}

async function forgetAll() {
  const names = await caches.keys();
  await Promise.all(names.map((name) => caches.delete(name)));
}

/* Web push (loyalty/services/push.py sends {title, body, url, tag}, encrypted for this
   browser; static/js/push.js subscribes). A tap opens the notification's page of this site,
   in a window of the app already open when there is one. */
self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) {
    message = {};
  }
  if (!message.title) {
    return;
  }
  event.waitUntil(
    self.registration.showNotification(message.title, {
      body: message.body || "",
      tag: message.tag || undefined,
      icon: CONFIG.icon,
      data: { url: sameSiteUrl(message.url) },
    })
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = sameSiteUrl(event.notification.data && event.notification.data.url);
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      for (const client of windows) {
        if (new URL(client.url).origin === self.location.origin && "navigate" in client) {
          await client.focus();
          return client.navigate(url);
        }
      }
      return self.clients.openWindow(url);
    })()
  );
});

function sameSiteUrl(address) {
  // Only this site's pages: a message can never send the member elsewhere.
  try {
    const url = new URL(address || CONFIG.home, self.location.origin);
    return url.origin === self.location.origin ? url.href : CONFIG.home;
  } catch (error) {
    return CONFIG.home;
  }
}
