// The demo's start page checks its own static files, so a broken bucket, CDN or CORS setup shows
// on the page rather than only in the browser's console.
function markCheck(name, passed) {
  const item = document.querySelector('[data-check="' + name + '"]');
  if (item) {
    item.dataset.state = passed ? "ok" : "failed";
  }
}

if (document.querySelector("[data-check]")) {
  markCheck("script", true);

  // load() starts the download if no text has asked for the font yet, and rejects if it fails
  // (a font from another origin needs CORS headers).
  document.fonts.load('700 1em "Facet"').then(
    (faces) => markCheck("font", faces.length > 0),
    () => markCheck("font", false),
  );

  const logo = document.querySelector(".brand-logo");
  logo.decode().then(
    () => markCheck("image", logo.naturalWidth > 0),
    () => markCheck("image", false),
  );
}
