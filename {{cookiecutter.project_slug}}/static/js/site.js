// Site-wide script.
document.documentElement.classList.add("js");

// Direct uploads (production): a form with data-policy and data-record URLs sends its file from
// the browser to the bucket with a presigned POST, then the site records it once its checks of
// the stored object pass ({{ cookiecutter.project_slug }}/direct_uploads.py). data-policy answers
// a file name with the POST's URL, fields and a token; data-record gets the form's other fields
// and the token. Without JavaScript (or without those attributes) the form posts to the site.
document.querySelectorAll("form[data-policy][data-record]").forEach((form) => {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    sendDirect(form).catch((error) => showUploadError(form, error.message));
  });
});

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
  const input = form.querySelector('input[type="file"]');
  const file = input.files[0];
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
  const fields = new FormData(form);
  fields.delete(input.name);
  fields.append("token", policy.token);
  await postToSite(form.dataset.record, form, fields);
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
