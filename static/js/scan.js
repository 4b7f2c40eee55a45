// Staff desk: "Scan with camera" where the browser has the BarcodeDetector API.
// The page works without it: a USB or Bluetooth scanner types the number or code and presses Enter.
(function () {
  "use strict";
  const form = document.querySelector("[data-scan-form]");
  if (!form) {
    return;
  }
  // The member search box, or the form's first text box (the voucher code).
  const input = form.querySelector("input[name=q]") ||
    form.querySelector("input[type=text], input[type=search], input:not([type])");
  if (!input) {
    return;
  }
  // After a miss, the next scan replaces the old text instead of being appended to it.
  if (document.activeElement === input) {
    input.select();
  }
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) {
    return;
  }
  const startButton = form.querySelector("[data-scan-button]");
  const view = form.querySelector("[data-scan-view]");
  const video = form.querySelector("[data-scan-video]");
  const stopButton = form.querySelector("[data-scan-stop]");
  let stream = null;
  let running = false;

  function stop() {
    running = false;
    if (stream) {
      stream.getTracks().forEach(function (track) { track.stop(); });
      stream = null;
    }
    view.hidden = true;
    startButton.hidden = false;
    input.focus();
  }

  async function start() {
    let detector;
    try {
      detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    } catch (error) {
      startButton.hidden = true;
      return;
    }
    video.srcObject = stream;
    await video.play();
    view.hidden = false;
    startButton.hidden = true;
    running = true;
    const tick = async function () {
      if (!running) {
        return;
      }
      try {
        const codes = await detector.detect(video);
        if (codes.length > 0) {
          input.value = codes[0].rawValue;
          stop();
          form.requestSubmit();
          return;
        }
      } catch (error) {
        // A frame that cannot be read yet; try the next one.
      }
      window.requestAnimationFrame(tick);
    };
    window.requestAnimationFrame(tick);
  }

  window.BarcodeDetector.getSupportedFormats().then(function (formats) {
    if (formats.indexOf("qr_code") !== -1) {
      startButton.hidden = false;
      startButton.addEventListener("click", start);
      stopButton.addEventListener("click", stop);
    }
  });
})();
