#!/usr/bin/env node
// A scripted test ACS for phonesec-cwmpd: Digest by npm http-auth (code we did not write), a
// session bound to its TCP connection and its `session` cookie (GenieACS's rules), every message
// recorded; RPCs to send come from scenario files dropped into a queue folder.
//
// Usage: node acs.js --port-file F --log DIR --queue DIR [--user U --pass P] [--realm R]
//   Listens on 127.0.0.1 at a port chosen by the kernel (or --port N: that one, for a restart
//   on the port a client knows) and writes it to F once listening.
//   Each session (one Inform) takes the lowest-named *.json file of the queue folder (renamed to
//   *.json.done), or {} when there is none. A scenario:
//     { "rpcs": ["<cwmp:GetRPCMethods/>", ...],   // Body children, sent one per CPE POST
//       "hold_requests": true,                      // cwmp:HoldRequests in the InformResponse
//       "ns": "urn:dslforum-org:cwmp-1-0",          // namespace of our messages (default 1-2)
//       "fail": "drop",                             // destroy the connection at the Inform
//       "use_version": "1.4",                       // cwmp:UseCWMPVersion in the InformResponse
//       "session_timeout": 2,                       // cwmp:SessionTimeout in the InformResponse
//       "stall_ms": 5000,                           // answer the next CPE POST this late
//       "hold_file": PATH,                          // answer the next CPE POST once PATH
//                                                   // exists (record {"event":"hold"} first)
//       "redirect": { "location": URL,              // answer the Inform with this redirect,
//                     "status": 307, "times": 1 },  // that many times (the scenario stays for
//                                                   // the Inform that follows the redirects)
//       "redirect_later": URL }                     // redirect the empty POST instead (a
//                                                   // violation of TR-069 3.4.5 by the ACS)
//   Records: DIR/log.jsonl (one JSON object per received request, one {"event":"sent"} per RPC
//   sent, naming it in "what") and DIR/NNNN-*.xml bodies;
//   protocol violations of the CPE go to DIR/violations.jsonl. Ends on SIGTERM.
//
// --cwmp-auth basic: the CPE is asked for Basic (http-auth) instead of Digest; its 401 records
//   say whether the request carried credentials (had_auth).
//
// --challenge-file F: the WWW-Authenticate fields of unusual or hostile 401s, one a line. While F
//   exists and is not empty, its lines replace http-auth's challenge at every 401 of the CWMP
//   endpoint; "@DIGEST@" in a line stands for http-auth's own Digest challenge (answerable).
// --file-challenge-file F: the same for the file names starting with "chal-". Every request that carries an Authorization
//   header is recorded as {"event":"authorization", "value"} (the wire's view of credentials).
//
// File server (Download/Upload), same port, path /files/NAME, outside the CWMP session rules:
//   --files DIR                 GET serves DIR/NAME (NAME chunked-*: chunked, without a length);
//                               PUT stores the body as DIR/NAME.uploaded
//   --file-user U --file-pass P credentials asked for (none: open)
//   --file-auth digest|basic    the scheme asked for (default digest, by http-auth too); names
//                               starting with "basic-" ask for Basic, "open-" for nothing
//   Each request is recorded as {"event":"file", "method", "name", "status", "authorized"}.
//   Names "to-NAME" redirect to /files/NAME (302 for GET, 307 for PUT), "xo-NAME" to NAME on the
//   second file server (307), "loop-NAME" to themselves (302); after the name's authentication.
//   --files2-port-file F        a second file server (another origin: another port) for "xo-",
//                               its port written to F; its records carry "second": true
// TLS (CWMP and files over https instead of http):
//   --tls-cert F --tls-key F    server certificate and key (PEM)
//   --tls-ca F                  CA of client certificates; with --tls-require-client 1 the
//                               handshake fails without a certificate signed by it
//   --tls-max TLSv1.1           highest TLS version offered (default: Node's)
//   --http-port-file F          also listen with plain http on another port, written to F
//   Failed handshakes are recorded as {"event":"tls-error"}; each connection's "connect" record
//   says whether its TLS session was resumed and which protocol it speaks.
"use strict";

const http = require("http");
const https = require("https");
const fs = require("fs");
const path = require("path");
const crypto = require("crypto");
const auth = require("http-auth");

const MAX_BODY = 1024 * 1024;

function parseArgs(argv) {
  const o = { user: "", pass: "", realm: "phonesec-acs" };
  for (let i = 2; i < argv.length; i += 2) {
    const k = argv[i].replace(/^--/, "").replace(/-/g, "_");
    if (i + 1 >= argv.length) throw new Error(`missing value for ${argv[i]}`);
    o[k] = argv[i + 1];
  }
  for (const k of ["port_file", "log", "queue"])
    if (!o[k]) throw new Error(`--${k.replace(/_/g, "-")} is required`);
  return o;
}

const opt = parseArgs(process.argv);
fs.mkdirSync(opt.log, { recursive: true });
fs.mkdirSync(opt.queue, { recursive: true });

let seq = 0;
let sessionCount = 0;
let connCount = 0;
const nonceSocket = new Map(); // nonce -> connection id that received it in a 401

function record(obj) {
  fs.appendFileSync(path.join(opt.log, "log.jsonl"), JSON.stringify(obj) + "\n");
}

function violation(conn, what) {
  const v = { time_ms: Date.now(), conn: conn.id, session: conn.session ? conn.session.n : 0, what };
  fs.appendFileSync(path.join(opt.log, "violations.jsonl"), JSON.stringify(v) + "\n");
  console.error(`acs: violation: ${what}`);
}

let pendingScenario = null; // a redirected Inform's scenario, for the Inform that follows

function nextScenario() {
  if (pendingScenario) {
    const sc = pendingScenario;
    pendingScenario = null;
    return sc;
  }
  let files = [];
  try {
    files = fs.readdirSync(opt.queue).filter((f) => f.endsWith(".json")).sort();
  } catch (e) {
    files = [];
  }
  if (!files.length) return {};
  const f = path.join(opt.queue, files[0]);
  const text = fs.readFileSync(f, "utf8");
  fs.renameSync(f, f + ".done");
  return JSON.parse(text);
}

// The file server's authentication (http-auth as well).
const fileRealm = "phonesec-files";
const fileBasic = auth.basic({ realm: fileRealm }, (user, pass, callback) =>
  callback(user === opt.file_user && pass === opt.file_pass));
const fileDigest = auth.digest({ realm: fileRealm }, (user, callback) => {
  if (user !== opt.file_user) return callback(undefined);
  callback(crypto.createHash("md5").update(`${user}:${fileRealm}:${opt.file_pass}`).digest("hex"));
});
// names starting with "basic-" ask for Basic, "open-" for nothing, others for --file-auth
function fileAuthFor(name) {
  if (!opt.file_user || (name && name.startsWith("open-"))) return null;
  if ((name && name.startsWith("basic-")) || opt.file_auth === "basic") return fileBasic;
  if (name && name.startsWith("chal-")) return fileDigest;
  return fileDigest;
}

// The 401 of auth (an http-auth object): its own challenge, or the lines of --challenge-file
// (custom: a CWMP 401 or a "chal-" file). Returns the Digest challenge of http-auth it sent, if any.
function customLines(file) {
  if (!file) return null;
  let text = "";
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    return null;
  }
  const lines = text.split("\n").filter((l) => l.length);
  return lines.length ? lines : null;
}
function ask(authObj, res, result, file) {
  const lines = customLines(file);
  if (!lines) {
    authObj.ask(res, result);
    return String(res.getHeader("WWW-Authenticate") || "");
  }
  let own = "";
  const values = lines.map((l) => {
    if (!l.includes("@DIGEST@")) return l;
    own = authObj.generateHeader(result || {});
    return l.replace("@DIGEST@", own);
  });
  res.setHeader("WWW-Authenticate", values);
  res.writeHead(401, { "Content-Length": 0 });
  res.end();
  return own;
}

function fileName(url) {
  const m = /^\/files\/([A-Za-z0-9._-]+)$/.exec(url);
  return m ? m[1] : null;
}

let filesPort2 = 0;

function serveFile(req, res, body) {
  const name = fileName(req.url);
  const rec = (status, authorized) => {
    record({ time_ms: Date.now(), event: "file", method: req.method, name, status, authorized,
             len: body.length, scheme: (req.headers.authorization || "").split(" ")[0] || null,
             second: !!req.second });
  };
  const go = (authorized) => {
    const redir = name ? /^(to|xo|loop)-(.+)$/.exec(name) : null;
    if (redir) {
      let status = req.method === "PUT" ? 307 : 302;
      let location = `/files/${redir[2]}`;
      if (redir[1] === "xo") {
        status = 307;
        location = `http://127.0.0.1:${filesPort2}/files/${redir[2]}`;
      } else if (redir[1] === "loop") {
        location = `/files/${name}`;
      }
      rec(status, authorized);
      res.writeHead(status, { Location: location, "Content-Length": 0 });
      return res.end();
    }
    if (!opt.files || !name) {
      rec(404, authorized);
      res.writeHead(404, { "Content-Length": 0 });
      return res.end();
    }
    const f = path.join(opt.files, name);
    if (req.method === "GET") {
      if (!fs.existsSync(f)) {
        rec(404, authorized);
        res.writeHead(404, { "Content-Length": 0 });
        return res.end();
      }
      const data = fs.readFileSync(f);
      rec(200, authorized);
      if (name.startsWith("chunked-")) {
        // no length: the body goes as HTTP/1.1 chunks of 64 KiB
        res.writeHead(200, { "Content-Type": "application/octet-stream" });
        for (let i = 0; i < data.length; i += 65536) res.write(data.subarray(i, i + 65536));
        return res.end();
      }
      res.writeHead(200, { "Content-Type": "text/plain", "Content-Length": data.length });
      return res.end(data);
    }
    if (req.method === "PUT") {
      fs.writeFileSync(f + ".uploaded", body);
      rec(201, authorized);
      res.writeHead(201, { "Content-Length": 0 });
      return res.end();
    }
    rec(405, authorized);
    res.writeHead(405, { Allow: "GET, PUT", "Content-Length": 0 });
    return res.end();
  };
  const fileAuth = fileAuthFor(name);
  if (!fileAuth) return go(false);
  fileAuth.isAuthenticated(req, (result) => {
    if (result instanceof Error || !result.pass) {
      rec(401, !!req.headers.authorization);
      return ask(fileAuth, res, result, name.startsWith("chal-") ? opt.file_challenge_file : null);
    }
    go(true);
  });
}

// The Digest check of http-auth; the HA1 comes from the command line's user and password.
const digest = auth.digest({ realm: opt.realm }, (user, callback) => {
  if (user !== opt.user) return callback(undefined);
  callback(crypto.createHash("md5").update(`${user}:${opt.realm}:${opt.pass}`).digest("hex"));
});

// --cwmp-auth basic: the same credentials, asked for with Basic.
const basic = auth.basic({ realm: opt.realm }, (user, pass, callback) =>
  callback(user === opt.user && pass === opt.pass));

function rpcName(body) {
  const m = /<(?:[\w.-]+:)?Body[^>]*>\s*<(?:[\w.-]+:)?([\w]+)/.exec(body);
  return m ? m[1] : "";
}

function headerId(body) {
  const m = /<(?:[\w.-]+:)?ID\b[^>]*>([^<]*)</.exec(body);
  return m ? m[1] : null;
}

function envelope(ns, id, hold, inner, extraHeader) {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
    'xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" ' +
    'xmlns:xsd="http://www.w3.org/2001/XMLSchema" ' +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
    `xmlns:cwmp="${ns}"><soapenv:Header>` +
    (id !== null ? `<cwmp:ID soapenv:mustUnderstand="1">${id}</cwmp:ID>` : "") +
    (hold ? '<cwmp:HoldRequests soapenv:mustUnderstand="1">true</cwmp:HoldRequests>' : "") +
    (extraHeader || "") +
    `</soapenv:Header><soapenv:Body>${inner}</soapenv:Body></soapenv:Envelope>\n`
  );
}

function sendXml(res, conn, xml) {
  const h = { "Content-Type": 'text/xml; charset="utf-8"', "Content-Length": Buffer.byteLength(xml) };
  if (conn.session && conn.session.setCookie) {
    h["Set-Cookie"] = `session=${conn.session.cookie}; Path=/`;
    conn.session.setCookie = false;
  }
  res.writeHead(200, h);
  res.end(xml);
}

function endSession(res, conn) {
  res.writeHead(204, { "Content-Length": 0 });
  res.end();
  if (conn.session) {
    record({ time_ms: Date.now(), session: conn.session.n, conn: conn.id, event: "end" });
    conn.session = null;
  }
}

// The ACS's next move after a CPE POST that is not an Inform.
function nextRpc(res, conn) {
  const s = conn.session;
  if (s.rpcs.length) {
    const inner = s.rpcs.shift();
    s.sent++;
    const id = `acs-${s.n}-${s.sent}`;
    s.lastId = id;
    record({ time_ms: Date.now(), session: s.n, conn: conn.id, event: "sent", what: rpcName(`<Body>${inner}`) });
    return sendXml(res, conn, envelope(s.ns, id, false, inner));
  }
  return endSession(res, conn);
}

function handle(req, res, conn, body) {
  const n = ++seq;
  const method = body.length ? rpcName(body) : "";
  const entry = {
    seq: n,
    time_ms: Date.now(),
    conn: conn.id,
    session: conn.session ? conn.session.n : 0,
    method: req.method,
    url: req.url,
    rpc: method,
    id: body.length ? headerId(body) : null,
    len: body.length,
    soapaction: req.headers.soapaction === undefined ? null : req.headers.soapaction,
    content_type: req.headers["content-type"] === undefined ? null : req.headers["content-type"],
    cookie: req.headers.cookie === undefined ? null : req.headers.cookie,
    authorized: !!req.headers.authorization,
    raw_headers: req.rawHeaders.filter((_, i) => i % 2 === 0),
  };
  if (body.length)
    fs.writeFileSync(path.join(opt.log, `${String(n).padStart(4, "0")}-${method || "unknown"}.xml`), body);

  if (req.method !== "POST") {
    record(entry);
    res.writeHead(405, { Allow: "POST", "Content-Length": 0 });
    return res.end();
  }

  // TR-069 3.4.1: SOAPAction on SOAP requests (empty value), neither header on the empty POST
  if (body.length) {
    if (entry.soapaction === null) violation(conn, `${method}: no SOAPAction header`);
    else if (entry.soapaction !== "") violation(conn, `${method}: SOAPAction has a value: ${entry.soapaction}`);
    if (!entry.content_type || !/^text\/xml/.test(entry.content_type))
      violation(conn, `${method}: Content-Type ${entry.content_type}`);
  } else {
    if (entry.soapaction !== null) violation(conn, "empty POST with a SOAPAction header");
    if (entry.content_type !== null) violation(conn, "empty POST with a Content-Type header");
  }

  if (method === "Inform") {
    if (conn.session) violation(conn, "second Inform in a session");
    const sc = nextScenario();
    if (sc.redirect && (sc.redirect.times === undefined || sc.redirect.times > 0)) {
      const r = sc.redirect;
      const status = r.status || 307;
      pendingScenario = Object.assign({}, sc, { redirect: Object.assign({}, r, { times: (r.times || 1) - 1 }) });
      record(entry);
      record({ time_ms: Date.now(), conn: conn.id, event: "redirect", status, location: r.location });
      res.writeHead(status, { Location: r.location, "Content-Length": 0 });
      return res.end();
    }
    const s = {
      n: ++sessionCount,
      cookie: crypto.randomBytes(12).toString("hex"),
      setCookie: true,
      rpcs: Array.isArray(sc.rpcs) ? sc.rpcs.slice() : [],
      hold: !!sc.hold_requests,
      ns: sc.ns || "urn:dslforum-org:cwmp-1-2",
      sent: 0,
      afterInform: true,
    };
    entry.session = s.n;
    record(entry);
    record({ time_ms: Date.now(), session: s.n, conn: conn.id, event: "start", scenario: sc });
    if (sc.fail === "drop") {
      record({ time_ms: Date.now(), session: s.n, conn: conn.id, event: "drop" });
      return req.socket.destroy();
    }
    conn.session = s;
    let hdr = sc.use_version ? `<cwmp:UseCWMPVersion soapenv:mustUnderstand="1">${sc.use_version}</cwmp:UseCWMPVersion>` : "";
    if (sc.session_timeout) hdr += `<cwmp:SessionTimeout>${sc.session_timeout}</cwmp:SessionTimeout>`;
    s.stall_ms = sc.stall_ms || 0;
    s.hold_file = sc.hold_file || null;
    s.redirect_later = sc.redirect_later || null;
    return sendXml(res, conn, envelope(s.ns, entry.id, s.hold, "<cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse>", hdr));
  }

  record(entry);
  const s = conn.session;
  if (!s) {
    violation(conn, `${method || "empty POST"} outside a session (new connection?)`);
    res.writeHead(400, { "Content-Length": 0 });
    return res.end();
  }
  const want = `session=${s.cookie}`;
  const sent = entry.cookie ? entry.cookie.split(/;\s*/) : [];
  if (sent.filter((c) => c.startsWith("session=")).length > 1) violation(conn, "session cookie sent twice");
  if (sent.some((c) => c.startsWith("$"))) violation(conn, `RFC 2965 cookie attributes: ${entry.cookie}`);
  if (!sent.includes(want)) {
    violation(conn, `${method || "empty POST"} without the session cookie`);
    res.writeHead(400, { "Content-Length": 0 });
    return res.end();
  }
  const afterInform = s.afterInform;
  s.afterInform = false;
  if (s.stall_ms) {
    // "stall_ms": the answer to the CPE's first message after the Inform comes this late
    const ms = s.stall_ms;
    s.stall_ms = 0;
    record({ time_ms: Date.now(), session: s.n, conn: conn.id, event: "stall", ms });
    return setTimeout(() => (res.writableEnded || res.destroyed ? null : nextRpc(res, conn)), ms);
  }
  if (s.hold_file) {
    // "hold_file": the answer waits for the test to create the file (no timer to race)
    const file = s.hold_file;
    s.hold_file = null;
    record({ time_ms: Date.now(), session: s.n, conn: conn.id, event: "hold", file });
    const poll = setInterval(() => {
      if (res.writableEnded || res.destroyed) return clearInterval(poll);
      if (!fs.existsSync(file)) return null;
      clearInterval(poll);
      record({ time_ms: Date.now(), session: s.n, conn: conn.id, event: "release", file });
      return nextRpc(res, conn);
    }, 20);
    return null;
  }
  if (s.redirect_later) {
    const location = s.redirect_later;
    s.redirect_later = null;
    record({ time_ms: Date.now(), session: s.n, conn: conn.id, event: "redirect", status: 307, location });
    res.writeHead(307, { Location: location, "Content-Length": 0 });
    return res.end();
  }
  if (method === "TransferComplete") {
    if (afterInform && s.hold) violation(conn, "TransferComplete despite HoldRequests");
    return sendXml(res, conn, envelope(s.ns, entry.id, false, "<cwmp:TransferCompleteResponse/>"));
  }
  if (!body.length) return nextRpc(res, conn);
  // a response (or fault) to our last request: its ID must be echoed
  if (s.lastId && entry.id !== s.lastId) violation(conn, `${method}: cwmp:ID ${entry.id} != ${s.lastId}`);
  return nextRpc(res, conn);
}

function onRequest(req, res) {
  const conn = req.socket.phonesec;
  const chunks = [];
  let size = 0;
  req.on("data", (c) => {
    size += c.length;
    if (size > MAX_BODY) {
      req.socket.destroy();
      return;
    }
    chunks.push(c);
  });
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    if (req.headers.authorization !== undefined)
      record({ time_ms: Date.now(), conn: conn.id, event: "authorization", url: req.url,
               value: req.headers.authorization });
    if (req.url.startsWith("/files/")) return serveFile(req, res, body);
    if (conn.authed) return handle(req, res, conn, body);
    if (opt.cwmp_auth === "basic") {
      basic.isAuthenticated(req, (result) => {
        if (result instanceof Error || !result.pass) {
          ask(basic, res, result, opt.challenge_file);
          record({ time_ms: Date.now(), conn: conn.id, event: "401", had_auth: !!req.headers.authorization });
          return;
        }
        conn.authed = true;
        record({ time_ms: Date.now(), conn: conn.id, event: "auth-ok", scheme: "basic" });
        handle(req, res, conn, body);
      });
      return;
    }
    // Digest on the first request of a connection, by http-auth
    digest.isAuthenticated(req, (result) => {
      if (result instanceof Error || !result.pass) {
        const m = /nonce="([^"]+)"/.exec(ask(digest, res, result, opt.challenge_file));
        if (m) nonceSocket.set(m[1], conn.id);
        record({ time_ms: Date.now(), conn: conn.id, event: "401", had_auth: !!req.headers.authorization });
        return;
      }
      // GenieACS binds its nonce to the connection: a retry on a new connection fails
      const m = /nonce="([^"]+)"/.exec(req.headers.authorization || "");
      const owner = m ? nonceSocket.get(m[1]) : undefined;
      if (owner !== conn.id) {
        violation(conn, "Digest answer on a connection other than the 401's");
        digest.ask(res, {});
        const m2 = /nonce="([^"]+)"/.exec(res.getHeader("WWW-Authenticate") || "");
        if (m2) nonceSocket.set(m2[1], conn.id);
        return;
      }
      nonceSocket.delete(m[1]);
      conn.authed = true;
      record({ time_ms: Date.now(), conn: conn.id, event: "auth-ok" });
      handle(req, res, conn, body);
    });
  });
}

function onConnection(sock) {
  sock.phonesec = { id: ++connCount, authed: !opt.user, session: null };
  record({ time_ms: Date.now(), conn: sock.phonesec.id, event: "connect", tls: !!sock.encrypted,
           client_cert: sock.encrypted ? !!(sock.getPeerCertificate && sock.getPeerCertificate().subject) : false,
           resumed: sock.encrypted ? sock.isSessionReused() : false,
           servername: sock.encrypted ? sock.servername || null : null,
           protocol: sock.encrypted ? sock.getProtocol() : null });
  sock.on("close", () => {
    const c = sock.phonesec;
    record({ time_ms: Date.now(), conn: c.id, event: "close" });
    if (c.session) record({ time_ms: Date.now(), session: c.session.n, conn: c.id, event: "abort" });
  });
}

let server;
if (opt.tls_cert) {
  const tlsOpt = { cert: fs.readFileSync(opt.tls_cert), key: fs.readFileSync(opt.tls_key) };
  if (opt.tls_ca) {
    tlsOpt.ca = fs.readFileSync(opt.tls_ca);
    tlsOpt.requestCert = true;
    tlsOpt.rejectUnauthorized = opt.tls_require_client === "1";
  }
  if (opt.tls_max) {
    tlsOpt.maxVersion = opt.tls_max;
    tlsOpt.minVersion = "TLSv1";
    tlsOpt.ciphers = "DEFAULT:@SECLEVEL=0";
  }
  server = https.createServer(tlsOpt, onRequest);
  server.on("secureConnection", onConnection);
  server.on("tlsClientError", (err) => {
    record({ time_ms: Date.now(), event: "tls-error", error: String(err && (err.code || err.message)) });
  });
} else {
  server = http.createServer(onRequest);
  server.on("connection", onConnection);
}
server.keepAliveTimeout = 30000;

// the second file server (another port, so another origin)
if (opt.files2_port_file) {
  const second = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      req.second = true;
      serveFile(req, res, Buffer.concat(chunks).toString("utf8"));
    });
  });
  second.listen(0, "127.0.0.1", () => {
    filesPort2 = second.address().port;
    fs.writeFileSync(opt.files2_port_file + ".tmp", `${filesPort2}\n`);
    fs.renameSync(opt.files2_port_file + ".tmp", opt.files2_port_file);
  });
}

// the plain-http twin of an https ACS: whatever reaches it is recorded
if (opt.http_port_file) {
  const plain = http.createServer((req, res) => {
    record({ time_ms: Date.now(), event: "plain-http", method: req.method, url: req.url });
    res.writeHead(403, { "Content-Length": 0 });
    res.end();
  });
  plain.on("connection", () => record({ time_ms: Date.now(), event: "plain-connect" }));
  plain.listen(0, "127.0.0.1", () => {
    fs.writeFileSync(opt.http_port_file + ".tmp", `${plain.address().port}\n`);
    fs.renameSync(opt.http_port_file + ".tmp", opt.http_port_file);
  });
}

server.listen(Number(opt.port || 0), "127.0.0.1", () => {
  const port = server.address().port;
  fs.writeFileSync(opt.port_file + ".tmp", `${port}\n`);
  fs.renameSync(opt.port_file + ".tmp", opt.port_file);
  console.error(`acs: listening on 127.0.0.1:${port}`);
});

process.on("SIGTERM", () => {
  server.close();
  server.closeAllConnections();
  process.exit(0);
});
