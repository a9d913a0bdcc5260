// Asks the shell for the first screen's data (the `boot` command) as soon as
// the page starts, while the wasm UI is still downloading and compiling; the
// UI takes this promise (window.__sbBoot) instead of asking again.
(function () {
  "use strict";
  var tauri = window.__TAURI_INTERNALS__;
  if (tauri && typeof tauri.invoke === "function") {
    window.__sbBoot = tauri.invoke("boot", {});
    // Unhandled here; the UI awaits it and falls back on failure.
    window.__sbBoot.catch(function () {});
  }
})();
