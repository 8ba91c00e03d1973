// Site-wide script. On the start page it also checks the page's own static files, so a broken
// bucket, CDN or CORS setup shows on the page rather than only in the browser's console.
document.documentElement.classList.add("js");

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

// Direct uploads (production): the file goes from the browser to the bucket with a presigned
// POST, then the site records it once its checks of the stored object pass. Without JavaScript
// (or on the development server, whose form has no data-policy) the form posts to the site.
const directForm = document.querySelector("form.upload-form[data-policy]");
if (directForm) {
  directForm.addEventListener("submit", (event) => {
    event.preventDefault();
    sendDirect(directForm).catch((error) => showUploadError(directForm, error.message));
  });
}

async function postToSite(url, form, fields) {
  const headers = { "X-CSRFToken": form.elements.csrfmiddlewaretoken.value };
  const response = await fetch(url, { method: "POST", headers, body: new URLSearchParams(fields) });
  const answer = await response.json();
  if (!response.ok) {
    throw new Error(answer.error || "The site refused the upload.");
  }
  return answer;
}

async function sendDirect(form) {
  const file = form.elements.file.files[0];
  if (!file) {
    throw new Error("Choose a file first.");
  }
  const policy = await postToSite(form.dataset.policy, form, { filename: file.name });
  const body = new FormData();
  Object.entries(policy.fields).forEach(([name, value]) => body.append(name, value));
  body.append("file", file); // S3 takes the file from the last field: after the policy's
  // no-cors: the bucket's answer stays opaque (no CORS rule needed, on any S3-compatible store);
  // the site reads the stored object back before recording it, and says what went wrong.
  await fetch(policy.url, { method: "POST", mode: "no-cors", body });
  await postToSite(form.dataset.record, form, { title: form.elements.title.value, token: policy.token });
  window.location.assign(window.location.href);
}

function showUploadError(form, message) {
  let note = form.querySelector(".upload-error");
  if (!note) {
    note = document.createElement("p");
    note.className = "upload-error";
    note.setAttribute("role", "alert");
    form.prepend(note);
  }
  note.textContent = message;
}
