/* The profile's "Notifications on this phone" (templates/members/profile.html).

   Shown only where the browser has service workers, PushManager and notifications. "Turn on"
   asks for permission, subscribes through the member app's worker (/sw.js, registered by
   app.js) with the site's VAPID public key and sends the subscription to the server; "Turn
   off" tells the server, then drops the browser's subscription. A subscription the browser
   already holds is sent again on each visit, so the server keeps its current keys. The
   worker's `push` handler shows what arrives. */
"use strict";

(() => {
  const panel = document.querySelector("[data-push]");
  if (
    !panel ||
    !("serviceWorker" in navigator) ||
    !("PushManager" in window) ||
    !("Notification" in window)
  ) {
    return;
  }
  const onButton = panel.querySelector("[data-push-on]");
  const offButton = panel.querySelector("[data-push-off]");
  const status = panel.querySelector("[data-push-status]");
  const token = panel.querySelector("input[name=csrfmiddlewaretoken]");
  const text = panel.dataset;

  function applicationServerKey(base64url) {
    const base64 = (base64url + "=".repeat((4 - (base64url.length % 4)) % 4))
      .replace(/-/g, "+")
      .replace(/_/g, "/");
    return Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
  }

  function show(subscribed, message) {
    onButton.hidden = subscribed;
    offButton.hidden = !subscribed;
    status.textContent = message;
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": token ? token.value : "",
      },
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      throw new Error("HTTP " + response.status);
    }
  }

  async function turnOn() {
    onButton.disabled = true;
    try {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") {
        show(false, text.textDenied);
        return;
      }
      const registration = await navigator.serviceWorker.ready;
      const subscription =
        (await registration.pushManager.getSubscription()) ||
        (await registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: applicationServerKey(text.key),
        }));
      await post(text.subscribeUrl, subscription.toJSON());
      show(true, text.textOn);
    } catch (error) {
      show(false, text.textFailed);
    } finally {
      onButton.disabled = false;
    }
  }

  async function turnOff() {
    offButton.disabled = true;
    try {
      const registration = await navigator.serviceWorker.ready;
      const subscription = await registration.pushManager.getSubscription();
      if (subscription) {
        await post(text.unsubscribeUrl, { endpoint: subscription.endpoint }).catch(() => null);
        await subscription.unsubscribe();
      }
      show(false, text.textOff);
    } catch (error) {
      status.textContent = text.textFailed;
    } finally {
      offButton.disabled = false;
    }
  }

  async function start() {
    panel.hidden = false;
    onButton.addEventListener("click", turnOn);
    offButton.addEventListener("click", turnOff);
    if (Notification.permission === "denied") {
      show(false, text.textDenied);
      return;
    }
    const registration = await navigator.serviceWorker.getRegistration("/");
    const subscription = registration
      ? await registration.pushManager.getSubscription()
      : null;
    if (subscription) {
      show(true, text.textOn);
      post(text.subscribeUrl, subscription.toJSON()).catch(() => null);
    } else {
      show(false, "");
    }
  }

  start().catch(() => show(false, ""));
})();
