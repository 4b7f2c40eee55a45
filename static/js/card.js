// Member card: "Fill the screen" shows the card alone, as large as the screen allows, and keeps
// the screen awake while it is shown (a page cannot raise the brightness; the card is black on
// white, which scanners read best). Without the Fullscreen API the button stays hidden.
(function () {
  "use strict";
  const button = document.querySelector("[data-card-fullscreen]");
  const card = button && button.closest(".member-card");
  if (!card || !card.requestFullscreen || !document.fullscreenEnabled) {
    return;
  }
  let wakeLock = null;

  async function keepAwake() {
    if (!("wakeLock" in navigator)) {
      return;
    }
    try {
      wakeLock = await navigator.wakeLock.request("screen");
    } catch (error) {
      wakeLock = null;  // refused (battery saver, no permission): the card still shows
    }
  }

  button.hidden = false;
  button.addEventListener("click", async function () {
    try {
      await card.requestFullscreen({ navigationUI: "hide" });
    } catch (error) {
      return;
    }
    keepAwake();
  });
  // A tap on the card while it fills the screen, or the Back/Escape key, brings the page back.
  card.addEventListener("click", function (event) {
    if (document.fullscreenElement === card && !event.target.closest("[data-card-fullscreen]")) {
      document.exitFullscreen();
    }
  });
  document.addEventListener("fullscreenchange", function () {
    const shown = document.fullscreenElement === card;
    button.hidden = shown;
    if (!shown && wakeLock) {
      wakeLock.release();
      wakeLock = null;
    }
  });
})();
