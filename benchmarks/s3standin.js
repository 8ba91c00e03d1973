// A small S3 stand-in for the publishing benchmark: objects in memory, path-style addressing,
// no signature checks, and a network model (a round trip per request) in front of it.
//
// Node's own http module only, so `node benchmarks/s3standin.js --port N` runs from a clean clone.
// It serves what the contenders send: buckets (create, head, location), objects (PUT, GET with
// Range, HEAD, DELETE, copy), multipart uploads, multi-object delete, ListObjects v1 and v2 (pages,
// prefix, delimiter, start-after, encoding-type=url), and answers "none set" for bucket policy,
// CORS and public-access-block reads. The ETag is the MD5 of the body, or of the parts' MD5s plus
// "-<parts>" for a multipart upload, as on AWS, so the benchmark's gates compare bytes.
//
// Network model (POST /_control/network {"rtt_ms": N}): every request waits one round trip before
// its answer goes out; a request that sends `Expect: 100-continue` waits one more before its
// "100 Continue"; the first request on a new connection waits one more (the TCP handshake).
// Control endpoints under /_control/ (log, clear, reset, network) skip the model and the log.
"use strict";
const http = require("http");
const crypto = require("crypto");

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const PORT = Number(option("--port", "9000"));
const HOST = option("--host", "127.0.0.1");
let rttMs = Number(option("--rtt-ms", "0"));

let buckets = new Map(); // name -> {objects: Map(key -> object), sorted: string[] | null}
let uploads = new Map(); // uploadId -> {bucket, key, parts: Map(n -> Buffer), headers}
let log = [];

const md5 = (data) => crypto.createHash("md5").update(data).digest();
const xmlEscape = (s) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const XMLNS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
const later = (ms) => new Promise((resolve) => (ms > 0 ? setTimeout(resolve, ms) : resolve()));

function send(res, status, body = "", headers = {}) {
  const data = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const all = { "Content-Length": data.length, ...headers };
  if (!Buffer.isBuffer(body) && body) all["Content-Type"] = "application/xml";
  res.writeHead(status, all);
  res.end(data);
}

function error(res, status, code, message = code) {
  send(res, status, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`);
}

// aws-chunked bodies (streaming signatures or trailing checksums): keep only the data.
function decodeChunked(body) {
  const out = [];
  let at = 0;
  while (at < body.length) {
    const eol = body.indexOf("\r\n", at);
    if (eol < 0) break;
    const size = parseInt(body.subarray(at, eol).toString().split(";")[0], 16);
    if (!size) break;
    out.push(body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

function storeObject(bucket, key, body, headers, etag) {
  const object = {
    body,
    etag: etag || md5(body).toString("hex"),
    contentType: headers["content-type"] || "binary/octet-stream",
    cacheControl: headers["cache-control"],
    modified: new Date(),
  };
  const b = buckets.get(bucket);
  if (!b.objects.has(key)) b.sorted = null;
  b.objects.set(key, object);
  return object;
}

function sortedKeys(b) {
  if (!b.sorted) b.sorted = [...b.objects.keys()].sort();
  return b.sorted;
}

function firstAtOrAfter(keys, start) {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid] < start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function list(res, name, b, q) {
  const v2 = q.get("list-type") === "2";
  const prefix = q.get("prefix") || "";
  const delimiter = q.get("delimiter") || "";
  const maxKeys = Math.min(Number(q.get("max-keys") || 1000), 1000);
  const encode = q.get("encoding-type") === "url";
  const enc = (s) => xmlEscape(encode ? encodeURIComponent(s).replace(/%2F/g, "/") : s);
  let after = "";
  if (v2) {
    const token = q.get("continuation-token");
    after = token ? Buffer.from(token, "base64").toString() : q.get("start-after") || "";
  } else {
    after = q.get("marker") || "";
  }
  const keys = sortedKeys(b);
  let i = firstAtOrAfter(keys, prefix > after ? prefix : after);
  if (i < keys.length && keys[i] === after) i++;
  const contents = [];
  const common = new Set();
  let last = "";
  let truncated = false;
  for (; i < keys.length && keys[i].startsWith(prefix); i++) {
    if (contents.length + common.size >= maxKeys) {
      truncated = true;
      break;
    }
    const key = keys[i];
    if (delimiter) {
      const cut = key.indexOf(delimiter, prefix.length);
      if (cut >= 0) {
        const cp = key.slice(0, cut + delimiter.length);
        if (!common.has(cp)) common.add(cp);
        last = key;
        // skip the rest of this common prefix
        while (i + 1 < keys.length && keys[i + 1].startsWith(cp)) last = keys[++i];
        continue;
      }
    }
    const o = b.objects.get(key);
    contents.push(
      `<Contents><Key>${enc(key)}</Key><LastModified>${o.modified.toISOString()}</LastModified>` +
        `<ETag>&quot;${o.etag}&quot;</ETag><Size>${o.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`
    );
    last = key;
  }
  const parts = [`<?xml version="1.0" encoding="UTF-8"?><ListBucketResult ${XMLNS}><Name>${name}</Name>`];
  parts.push(`<Prefix>${enc(prefix)}</Prefix><MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>`);
  if (delimiter) parts.push(`<Delimiter>${enc(delimiter)}</Delimiter>`);
  if (encode) parts.push("<EncodingType>url</EncodingType>");
  if (v2) {
    parts.push(`<KeyCount>${contents.length + common.size}</KeyCount>`);
    if (truncated) parts.push(`<NextContinuationToken>${Buffer.from(last).toString("base64")}</NextContinuationToken>`);
  } else if (truncated) {
    parts.push(`<NextMarker>${enc(last)}</NextMarker>`);
  }
  parts.push(...contents);
  for (const cp of common) parts.push(`<CommonPrefixes><Prefix>${enc(cp)}</Prefix></CommonPrefixes>`);
  parts.push("</ListBucketResult>");
  send(res, 200, parts.join(""));
}

function objectHeaders(o) {
  const headers = {
    ETag: `"${o.etag}"`,
    "Content-Type": o.contentType,
    "Last-Modified": o.modified.toUTCString(),
    "Accept-Ranges": "bytes",
  };
  if (o.cacheControl) headers["Cache-Control"] = o.cacheControl;
  return headers;
}

function s3(req, res, body, path, q) {
  const method = req.method;
  const slash = path.indexOf("/", 1);
  const name = slash < 0 ? path.slice(1) : path.slice(1, slash);
  const key = slash < 0 ? "" : path.slice(slash + 1);
  const b = buckets.get(name);
  if (!name) return send(res, 200, `<ListAllMyBucketsResult ${XMLNS}><Buckets/></ListAllMyBucketsResult>`);
  if (!key) {
    if (method === "PUT" && ![...q.keys()].length) {
      if (!b) buckets.set(name, { objects: new Map(), sorted: null });
      return send(res, 200, "", { Location: `/${name}` });
    }
    if (!b) return error(res, 404, "NoSuchBucket");
    if (method === "HEAD") return send(res, 200);
    if (q.has("location")) return send(res, 200, `<LocationConstraint ${XMLNS}></LocationConstraint>`);
    if (q.has("policy") && method === "GET") return error(res, 404, "NoSuchBucketPolicy");
    if (q.has("cors") && method === "GET") return error(res, 404, "NoSuchCORSConfiguration");
    if (q.has("publicAccessBlock") && method === "GET") return error(res, 404, "NoSuchPublicAccessBlockConfiguration");
    if (method === "POST" && q.has("delete")) {
      const deleted = [];
      for (const m of body.toString().matchAll(/<Key>([^<]*)<\/Key>/g)) {
        const k = m[1].replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"');
        if (b.objects.delete(k)) b.sorted = null;
        deleted.push(`<Deleted><Key>${xmlEscape(k)}</Key></Deleted>`);
      }
      return send(res, 200, `<DeleteResult ${XMLNS}>${deleted.join("")}</DeleteResult>`);
    }
    if (method === "PUT" || method === "DELETE") return send(res, method === "PUT" ? 200 : 204);
    if (method === "GET") return list(res, name, b, q);
    return error(res, 405, "MethodNotAllowed");
  }
  if (!b) return error(res, 404, "NoSuchBucket");
  if (method === "PUT" && q.has("uploadId")) {
    const upload = uploads.get(q.get("uploadId"));
    if (!upload) return error(res, 404, "NoSuchUpload");
    upload.parts.set(Number(q.get("partNumber")), body);
    return send(res, 200, "", { ETag: `"${md5(body).toString("hex")}"` });
  }
  if (method === "PUT") {
    const source = req.headers["x-amz-copy-source"];
    if (source) {
      const from = decodeURIComponent(source.replace(/^\//, ""));
      const at = from.indexOf("/");
      const src = buckets.get(from.slice(0, at))?.objects.get(from.slice(at + 1));
      if (!src) return error(res, 404, "NoSuchKey");
      const headers = req.headers["x-amz-metadata-directive"] === "REPLACE" ? req.headers : { "content-type": src.contentType, "cache-control": src.cacheControl };
      const o = storeObject(name, key, src.body, headers, src.etag);
      return send(res, 200, `<CopyObjectResult><LastModified>${o.modified.toISOString()}</LastModified><ETag>&quot;${o.etag}&quot;</ETag></CopyObjectResult>`);
    }
    const o = storeObject(name, key, body, req.headers);
    return send(res, 200, "", { ETag: `"${o.etag}"` });
  }
  if (method === "POST" && q.has("uploads")) {
    const id = crypto.randomBytes(12).toString("hex");
    uploads.set(id, { bucket: name, key, parts: new Map(), headers: req.headers });
    return send(res, 200, `<InitiateMultipartUploadResult ${XMLNS}><Bucket>${name}</Bucket><Key>${xmlEscape(key)}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`);
  }
  if (method === "POST" && q.has("uploadId")) {
    const upload = uploads.get(q.get("uploadId"));
    if (!upload) return error(res, 404, "NoSuchUpload");
    const numbers = [...body.toString().matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)].map((m) => Number(m[1]));
    const parts = numbers.map((n) => upload.parts.get(n));
    if (parts.some((p) => !p)) return error(res, 400, "InvalidPart");
    const etag = `${md5(Buffer.concat(parts.map(md5))).toString("hex")}-${parts.length}`;
    uploads.delete(q.get("uploadId"));
    storeObject(name, key, Buffer.concat(parts), upload.headers, etag);
    return send(res, 200, `<CompleteMultipartUploadResult ${XMLNS}><Bucket>${name}</Bucket><Key>${xmlEscape(key)}</Key><ETag>&quot;${etag}&quot;</ETag></CompleteMultipartUploadResult>`);
  }
  if (method === "DELETE" && q.has("uploadId")) {
    uploads.delete(q.get("uploadId"));
    return send(res, 204);
  }
  const o = b.objects.get(key);
  if (method === "DELETE") {
    if (b.objects.delete(key)) b.sorted = null;
    return send(res, 204);
  }
  if (method === "HEAD") {
    if (!o) return send(res, 404);
    return send(res, 200, "", { ...objectHeaders(o), "Content-Length": o.body.length }, true);
  }
  if (method === "GET") {
    if (!o) return error(res, 404, "NoSuchKey");
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range || "");
    if (range) {
      const start = range[1] === "" ? Math.max(0, o.body.length - Number(range[2])) : Number(range[1]);
      const end = range[1] === "" || range[2] === "" ? o.body.length - 1 : Math.min(Number(range[2]), o.body.length - 1);
      return send(res, 206, o.body.subarray(start, end + 1), {
        ...objectHeaders(o),
        "Content-Range": `bytes ${start}-${end}/${o.body.length}`,
      });
    }
    return send(res, 200, o.body, objectHeaders(o));
  }
  return error(res, 405, "MethodNotAllowed");
}

function control(req, res, what, body) {
  const json = (value) => send(res, 200, JSON.stringify(value), { "Content-Type": "application/json" });
  if (what === "health") return json({ ok: true, pid: process.pid, rtt_ms: rttMs });
  if (what === "requests") return json(log);
  if (what === "clear") return (log = []), json({ ok: true });
  if (what === "reset") return (log = []), (buckets = new Map()), (uploads = new Map()), json({ ok: true });
  if (what === "network") {
    rttMs = Number(JSON.parse(body.toString() || "{}").rtt_ms || 0);
    return json({ ok: true, rtt_ms: rttMs });
  }
  return send(res, 404, JSON.stringify({ error: `no control endpoint ${what}` }));
}

const seen = new WeakSet();

async function handle(req, res, waitedForContinue) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  let body = Buffer.concat(chunks);
  const [rawPath, query = ""] = req.url.split("?", 2);
  const path = decodeURIComponent(rawPath);
  if (path.startsWith("/_control/")) return control(req, res, path.slice(10), body);
  const encoding = req.headers["content-encoding"] || "";
  const sha = req.headers["x-amz-content-sha256"] || "";
  if (encoding.includes("aws-chunked") || sha.startsWith("STREAMING-")) body = decodeChunked(body);
  let wait = rttMs;
  if (!seen.has(req.socket)) {
    seen.add(req.socket);
    if (!waitedForContinue) wait += rttMs; // the handshake of a new connection
  }
  await later(wait);
  const entry = { method: req.method, path, query, status: null };
  log.push(entry);
  const q = new URLSearchParams(query);
  try {
    s3(req, res, body, path, q);
  } catch (err) {
    error(res, 500, "InternalError", String(err));
  }
  entry.status = res.statusCode;
}

const server = http.createServer({ keepAliveTimeout: 60000, requestTimeout: 0 }, (req, res) =>
  handle(req, res, false)
);
server.on("checkContinue", async (req, res) => {
  let wait = rttMs;
  if (!seen.has(req.socket)) {
    seen.add(req.socket);
    wait += rttMs;
  }
  await later(wait);
  res.writeContinue();
  handle(req, res, true);
});
server.keepAliveTimeout = 60000;
server.headersTimeout = 65000;
server.maxRequestsPerSocket = 0;
server.listen(PORT, HOST, () => console.log(`s3 stand-in on http://${HOST}:${PORT}`));
// Stop with the parent (the benchmark driver), whatever way it ends.
const parent = process.ppid;
setInterval(() => {
  try {
    process.kill(parent, 0);
  } catch {
    process.exit(0);
  }
}, 1000).unref();
