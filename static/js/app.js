/* The member's app: registers its service worker (static/js/service-worker.js, served at the
   address in data-service-worker so that it may look after the whole site). Without it the
   pages work as before, online only. */
"use strict";

(() => {
  const script = document.currentScript;
  if (!script || !("serviceWorker" in navigator)) {
    return;
  }
  navigator.serviceWorker
    .register(script.dataset.serviceWorker, { scope: "/" })
    .catch(() => undefined); // a browser that refuses keeps the online pages
})();
