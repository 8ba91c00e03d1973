// The trivial client that measures the S3 stand-in's own ceiling: N small PUTs (no signing, no
// checksums) over `concurrency` keep-alive connections, then prints {"puts_per_s": ...}.
//   node benchmarks/ceiling_client.js <endpoint> <bucket> <count> <concurrency> <bytes>
"use strict";
const http = require("http");
const [endpoint, bucket, count, concurrency, size] = process.argv.slice(2);
const url = new URL(endpoint);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(concurrency) });
const body = Buffer.alloc(Number(size), 115);
let next = 0;
function put(i) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method: "PUT", path: `/${bucket}/ceiling/${i}`, agent,
        headers: { "Content-Length": body.length, "Content-Type": "text/css" } },
      (res) => { res.resume(); res.on("end", resolve); }
    );
    req.on("error", reject);
    req.end(body);
  });
}
async function worker() {
  while (next < Number(count)) await put(next++);
}
(async () => {
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: Number(concurrency) }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(JSON.stringify({ puts_per_s: Number(count) / seconds, seconds }));
  agent.destroy();
})();
