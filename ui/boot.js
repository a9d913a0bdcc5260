// Runs first, before the stylesheet and the UI's code have loaded, and starts
// the two slow things of the start-up so that they overlap the page loading:
// - the first screen's data (the `boot` command); the UI takes this promise
//   (window.__sbBoot) instead of asking again;
// - fetching and compiling the UI's wasm (window.__sbWasm, a promise of the
//   compiled module, or of the file's path if that failed: the loader then
//   fetches it itself). scripts/build-ui.sh writes the file's name here.
(function () {
  "use strict";
  // Linux's WebKitGTK: the stylesheet asks fontconfig for its sans font
  // directly rather than through `system-ui` (see styles.css, body).
  if (/Linux/.test(navigator.platform || navigator.userAgent)) {
    document.documentElement.classList.add("linux");
  }
  var wasm = "__SB_WASM__";
  if (wasm.charAt(0) === "/" && typeof WebAssembly === "object") {
    var compiled =
      typeof WebAssembly.compileStreaming === "function"
        ? WebAssembly.compileStreaming(fetch(wasm))
        : fetch(wasm)
            .then(function (r) {
              return r.arrayBuffer();
            })
            .then(function (bytes) {
              return WebAssembly.compile(bytes);
            });
    window.__sbWasm = compiled.catch(function () {
      return wasm;
    });
  }
  var tauri = window.__TAURI_INTERNALS__;
  if (tauri && typeof tauri.invoke === "function") {
    performance.mark("sb-boot-asked");
    // As JSON text: the UI parses that faster than it walks an object.
    window.__sbBoot = tauri.invoke("boot", {}).then(function (answer) {
      performance.mark("sb-boot-answered");
      return JSON.stringify(answer);
    });
    // Unhandled here; the UI awaits it and falls back on failure.
    window.__sbBoot.catch(function () {});
  }
})();
