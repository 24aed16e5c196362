#!/usr/bin/env node
import { createRequire as __icCreateRequire } from 'node:module';
import { fileURLToPath as __icFileURLToPath } from 'node:url';
import { dirname as __icDirname } from 'node:path';
const require = __icCreateRequire(import.meta.url);
const __filename = __icFileURLToPath(import.meta.url);
const __dirname = __icDirname(__filename);
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __require = /* @__PURE__ */ ((x) => typeof require !== "undefined" ? require : typeof Proxy !== "undefined" ? new Proxy(x, {
  get: (a, b) => (typeof require !== "undefined" ? require : a)[b]
}) : x)(function(x) {
  if (typeof require !== "undefined") return require.apply(this, arguments);
  throw Error('Dynamic require of "' + x + '" is not supported');
});
var __esm = (fn, res, err2) => function __init() {
  if (err2) throw err2[0];
  try {
    return fn && (res = (0, fn[__getOwnPropNames(fn)[0]])(fn = 0)), res;
  } catch (e) {
    throw err2 = [e], e;
  }
};
var __commonJS = (cb, mod) => function __require2() {
  try {
    return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
  } catch (e) {
    throw mod = 0, e;
  }
};
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));

// src/version.ts
var VERSION;
var init_version = __esm({
  "src/version.ts"() {
    "use strict";
    VERSION = "0.1.0";
  }
});

// src/util/errors.ts
function isImageChangelogError(err2) {
  return err2 instanceof ImageChangelogError;
}
function describeError(err2) {
  if (err2 instanceof ImageChangelogError) return err2.oneLine();
  if (err2 instanceof Error) return `unexpected error: ${err2.message}`.replace(/\s*\n\s*/g, " ");
  return `unexpected error: ${String(err2)}`;
}
var ImageChangelogError;
var init_errors = __esm({
  "src/util/errors.ts"() {
    "use strict";
    ImageChangelogError = class extends Error {
      name = "ImageChangelogError";
      /** Stable machine-readable code, e.g. `DIGEST_MISMATCH`, `PLATFORM_NOT_FOUND`. */
      code;
      /** The input, path, layer or reference the problem is about. */
      subject;
      /** What to do about it. */
      hint;
      constructor(code, message, options = {}) {
        super(message, options.cause === void 0 ? void 0 : { cause: options.cause });
        this.code = code;
        if (options.subject !== void 0) this.subject = options.subject;
        if (options.hint !== void 0) this.hint = options.hint;
      }
      /** One line: what was wrong, about what, and what to do. */
      oneLine() {
        const hint = this.hint ? ` (${this.hint})` : "";
        return `${this.message}${hint}`.replace(/\s*\n\s*/g, " ");
      }
    };
  }
});

// src/cli/args.ts
import { parseArgs } from "node:util";
function usageError(message) {
  return new ImageChangelogError("USAGE", message, { hint: "see 'image-changelog --help'" });
}
function commonFlags(v) {
  const flags = {
    noCache: v["no-cache"] === true,
    progress: v["no-progress"] !== true,
    insecureRegistries: v["insecure-registry"] ?? []
  };
  if (typeof v.platform === "string") flags.platform = v.platform;
  if (typeof v["cache-dir"] === "string") flags.cacheDir = v["cache-dir"];
  if (typeof v.username === "string") flags.username = v.username;
  if (typeof v.password === "string") flags.password = v.password;
  return flags;
}
function parseDepth(raw) {
  if (raw === void 0) return 2;
  if (raw === "all") return "all";
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 64) {
    throw usageError(`--depth must be a whole number from 1 to 64 or 'all', got '${raw}'`);
  }
  return Number(raw);
}
function parse(argv2, options) {
  try {
    const r = parseArgs({ args: argv2, options: { ...common, ...options }, allowPositionals: true, strict: true });
    return { values: r.values, positionals: r.positionals };
  } catch (err2) {
    throw usageError(err2.message.split("\n")[0] ?? "bad arguments");
  }
}
function parseCommand(argv2) {
  const [cmd, ...rest] = argv2;
  if (cmd === void 0 || cmd === "--help" || cmd === "-h" || cmd === "help") return { name: "help" };
  if (cmd === "--version" || cmd === "-v" || cmd === "version") return { name: "version" };
  if (cmd === "inspect") {
    const { values: v, positionals } = parse(rest, { json: { type: "boolean", default: false }, output: { type: "string", short: "o" } });
    if (v.help) return { name: "help", topic: "inspect" };
    if (positionals.length !== 1) throw usageError(`inspect takes one IMAGE, got ${positionals.length}`);
    return { name: "inspect", image: positionals[0], json: v.json === true, ...typeof v.output === "string" ? { output: v.output } : {}, ...commonFlags(v) };
  }
  if (cmd === "diff") {
    const { values: v, positionals } = parse(rest, {
      format: { type: "string", short: "f", default: "markdown" },
      surface: { type: "string", default: "summary" },
      output: { type: "string", short: "o" },
      exclude: { type: "string", multiple: true, default: [] },
      "no-default-excludes": { type: "boolean", default: false },
      depth: { type: "string" },
      policy: { type: "string" },
      "exit-code": { type: "boolean", default: false },
      "first-release": { type: "boolean", default: false }
    });
    if (v.help) return { name: "help", topic: "diff" };
    const first = v["first-release"] === true;
    if (first ? positionals.length !== 1 : positionals.length !== 2) {
      throw usageError(first ? "diff --first-release takes one image: NEW" : `diff takes two images, OLD and NEW; got ${positionals.length}`);
    }
    const format = v.format;
    if (format !== "markdown" && format !== "json" && format !== "text") throw usageError(`--format must be markdown, json or text, got '${format}'`);
    const surface = v.surface;
    if (surface !== "comment" && surface !== "summary" && surface !== "release") throw usageError(`--surface must be comment, summary or release, got '${surface}'`);
    return {
      name: "diff",
      ...first ? {} : { previous: positionals[0] },
      image: positionals[positionals.length - 1],
      format,
      surface,
      ...typeof v.output === "string" ? { output: v.output } : {},
      exclude: v.exclude ?? [],
      defaultExcludes: v["no-default-excludes"] !== true,
      depth: parseDepth(v.depth),
      ...typeof v.policy === "string" ? { policy: v.policy } : {},
      exitCode: v["exit-code"] === true,
      ...commonFlags(v)
    };
  }
  if (cmd === "policy") {
    const [sub, ...args] = rest;
    if (sub !== "check") throw usageError(`unknown policy subcommand '${sub ?? ""}': use 'policy check POLICY [OLD NEW]'`);
    const { values: v, positionals } = parse(args, { json: { type: "boolean", default: false }, "first-release": { type: "boolean", default: false } });
    if (v.help) return { name: "help", topic: "policy" };
    const [policy, ...imgs] = positionals;
    if (policy === void 0) throw usageError('policy check needs a POLICY file (or "recommended")');
    const first = v["first-release"] === true;
    if (!(imgs.length === 0 || first && imgs.length === 1 || !first && imgs.length === 2)) {
      throw usageError("policy check takes POLICY, then either OLD NEW, or --first-release NEW");
    }
    return {
      name: "policy-check",
      policy,
      ...imgs.length === 2 ? { previous: imgs[0], image: imgs[1] } : imgs.length === 1 ? { image: imgs[0] } : {},
      json: v.json === true,
      ...commonFlags(v)
    };
  }
  throw usageError(`unknown command '${cmd}'`);
}
var USAGE, common;
var init_args = __esm({
  "src/cli/args.ts"() {
    "use strict";
    init_errors();
    USAGE = `Usage:
  image-changelog inspect IMAGE [--json] [--output FILE]
  image-changelog diff OLD NEW [--format markdown|json|text] [--output FILE] [--exclude GLOB]...
                           [--no-default-excludes] [--depth N|all] [--policy FILE] [--exit-code]
  image-changelog diff --first-release NEW ...        (no previous image)
  image-changelog policy check POLICY [OLD NEW | --first-release NEW]
  image-changelog --version | --help

IMAGE: oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:REF], docker-daemon:NAME[:TAG],
       docker://REGISTRY/REPO[:TAG|@DIGEST], REGISTRY/REPO[:TAG], or a path (auto-detected).

Common options:
  --platform OS/ARCH[/VARIANT]   pick one platform of a multi-platform image (default: the only one, else this host's)
  --cache-dir DIR                layer index cache (default: $XDG_CACHE_HOME/image-changelog or ~/.cache/image-changelog)
  --no-cache                     do not read or write the layer index cache
  --no-progress                  no progress display (it only shows on a terminal anyway)
  --username U --password P      registry credentials (else ~/.docker/config.json; or REGISTRY_USERNAME/REGISTRY_PASSWORD)
  --insecure-registry HOST       allow plain HTTP for HOST (loopback registries always may)

Exit codes: 0 done; 1 changes found (only with --exit-code); 2 the policy says stop; 3 error.`;
    common = {
      platform: { type: "string" },
      "cache-dir": { type: "string" },
      "no-cache": { type: "boolean", default: false },
      "no-progress": { type: "boolean", default: false },
      "insecure-registry": { type: "string", multiple: true, default: [] },
      username: { type: "string" },
      password: { type: "string" },
      help: { type: "boolean", short: "h", default: false }
    };
  }
});

// src/cli/progress.ts
var Progress;
var init_progress = __esm({
  "src/cli/progress.ts"() {
    "use strict";
    Progress = class _Progress {
      constructor(stream2, enabled) {
        this.stream = stream2;
        this.enabled = enabled;
      }
      stream;
      enabled;
      active = false;
      phase = "";
      static for(stream2, wanted) {
        return new _Progress(stream2, wanted && stream2.isTTY === true && !process.env.CI);
      }
      onPhase = (phase, detail) => {
        this.phase = `${phase}: ${detail}`;
        this.draw(this.phase);
      };
      onLayer = (p) => {
        this.draw(`${this.phase}  ${p.done}/${p.total} indexed${p.cached ? ` (${p.cached} from cache)` : ""}`);
      };
      draw(text) {
        if (!this.enabled) return;
        const width = Math.max(20, (this.stream.columns || 80) - 1);
        const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
        this.stream.write(`\r\x1B[K${clean.length > width ? `${clean.slice(0, width - 1)}\u2026` : clean}`);
        this.active = true;
      }
      done() {
        if (this.active) this.stream.write("\r\x1B[K");
        this.active = false;
      }
    };
  }
});

// src/image/media-types.ts
function isManifestMediaType(mediaType) {
  return MANIFEST_MEDIA_TYPES.includes(mediaType);
}
function isIndexMediaType(mediaType) {
  return INDEX_MEDIA_TYPES.includes(mediaType);
}
function isConfigMediaType(mediaType) {
  return CONFIG_MEDIA_TYPES.includes(mediaType);
}
function isLayerMediaType(mediaType) {
  return LAYER_MEDIA_TYPES.includes(mediaType);
}
var OCI_MANIFEST, OCI_INDEX, OCI_CONFIG, OCI_LAYER, OCI_LAYER_GZIP, OCI_LAYER_ZSTD, OCI_LAYER_NONDISTRIBUTABLE, OCI_LAYER_NONDISTRIBUTABLE_GZIP, OCI_LAYER_NONDISTRIBUTABLE_ZSTD, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_CONFIG, DOCKER_LAYER_GZIP, DOCKER_LAYER_TAR, DOCKER_LAYER_FOREIGN_GZIP, DOCKER_LAYER_FOREIGN, DOCKER_SCHEMA1_MANIFEST, DOCKER_SCHEMA1_SIGNED_MANIFEST, MANIFEST_MEDIA_TYPES, INDEX_MEDIA_TYPES, CONFIG_MEDIA_TYPES, LAYER_MEDIA_TYPES, ACCEPT_MANIFEST_TYPES;
var init_media_types = __esm({
  "src/image/media-types.ts"() {
    "use strict";
    OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
    OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
    OCI_LAYER_NONDISTRIBUTABLE = "application/vnd.oci.image.layer.nondistributable.v1.tar";
    OCI_LAYER_NONDISTRIBUTABLE_GZIP = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
    OCI_LAYER_NONDISTRIBUTABLE_ZSTD = "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";
    DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    DOCKER_LAYER_TAR = "application/vnd.docker.image.rootfs.diff.tar";
    DOCKER_LAYER_FOREIGN_GZIP = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
    DOCKER_LAYER_FOREIGN = "application/vnd.docker.image.rootfs.foreign.diff.tar";
    DOCKER_SCHEMA1_MANIFEST = "application/vnd.docker.distribution.manifest.v1+json";
    DOCKER_SCHEMA1_SIGNED_MANIFEST = "application/vnd.docker.distribution.manifest.v1+prettyjws";
    MANIFEST_MEDIA_TYPES = [OCI_MANIFEST, DOCKER_MANIFEST];
    INDEX_MEDIA_TYPES = [OCI_INDEX, DOCKER_MANIFEST_LIST];
    CONFIG_MEDIA_TYPES = [OCI_CONFIG, DOCKER_CONFIG];
    LAYER_MEDIA_TYPES = [
      OCI_LAYER,
      OCI_LAYER_GZIP,
      OCI_LAYER_ZSTD,
      OCI_LAYER_NONDISTRIBUTABLE,
      OCI_LAYER_NONDISTRIBUTABLE_GZIP,
      OCI_LAYER_NONDISTRIBUTABLE_ZSTD,
      DOCKER_LAYER_GZIP,
      DOCKER_LAYER_TAR,
      DOCKER_LAYER_FOREIGN_GZIP,
      DOCKER_LAYER_FOREIGN
    ];
    ACCEPT_MANIFEST_TYPES = [OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST];
  }
});

// src/registry/retry.ts
function isRetryableStatus(status) {
  return status === 408 || status === 429 || status >= 500 && status !== 501 && status !== 505;
}
function isTransient(err2) {
  if (err2 instanceof TransientError) return true;
  if (!(err2 instanceof Error)) return false;
  const code = err2.code;
  if (code !== void 0 && NETWORK_CODES.has(code)) return true;
  return err2.message === "aborted" || err2.message === "socket hang up";
}
function parseRetryAfter(value2, now = Date.now()) {
  if (value2 === void 0) return void 0;
  const trimmed = value2.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1e3;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? void 0 : Math.max(0, at - now);
}
function retryDelay(policy, attempt, retryAfter) {
  const asked = parseRetryAfter(retryAfter);
  if (asked !== void 0) return Math.min(asked, policy.maxRetryAfterMs);
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const random = policy.random ?? Math.random;
  return Math.round(exp * (0.5 + random() * 0.5));
}
function sleepFor(policy, ms) {
  if (policy.sleep) return policy.sleep(ms);
  return new Promise((resolve) => setTimeout(resolve, ms));
}
async function withRetries(policy, attempt) {
  for (let n2 = 1; ; n2++) {
    try {
      return await attempt(n2);
    } catch (err2) {
      if (!isTransient(err2) || n2 >= policy.maxAttempts) throw err2;
      await sleepFor(policy, retryDelay(policy, n2, err2 instanceof TransientError ? err2.retryAfter : void 0));
    }
  }
}
var DEFAULT_RETRY_POLICY, TransientError, NETWORK_CODES;
var init_retry = __esm({
  "src/registry/retry.ts"() {
    "use strict";
    DEFAULT_RETRY_POLICY = {
      maxAttempts: 5,
      baseDelayMs: 500,
      maxDelayMs: 1e4,
      maxRetryAfterMs: 3e4
    };
    TransientError = class extends Error {
      constructor(message, status, retryAfter, options) {
        super(message, options);
        this.status = status;
        this.retryAfter = retryAfter;
      }
      status;
      retryAfter;
      name = "TransientError";
    };
    NETWORK_CODES = /* @__PURE__ */ new Set([
      "ECONNRESET",
      "ECONNREFUSED",
      "ECONNABORTED",
      "EPIPE",
      "ETIMEDOUT",
      "EAI_AGAIN",
      "ENETUNREACH",
      "EHOSTUNREACH",
      "ERR_STREAM_PREMATURE_CLOSE",
      "UND_ERR_SOCKET",
      "IDLE_TIMEOUT"
    ]);
  }
});

// src/registry/http.ts
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
function isLoopbackHost(hostname) {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  if (h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
  const mapped = /^::ffff:(127\.\d+\.\d+\.\d+)$/.exec(h);
  return mapped !== null;
}
function header(res, name) {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(", ") : v;
}
function watchIdle(res, ms, subject) {
  let timer;
  const stop = () => {
    if (timer) clearTimeout(timer);
    timer = void 0;
  };
  const arm = () => {
    stop();
    timer = setTimeout(() => {
      if (res.isPaused() || res.readableLength >= res.readableHighWaterMark) return arm();
      res.destroy(idleError(ms, subject));
    }, ms);
    timer.unref();
  };
  const push = res.push.bind(res);
  res.push = (chunk, encoding) => {
    if (chunk === null) stop();
    else arm();
    return push(chunk, encoding);
  };
  res.once("end", stop);
  res.once("close", stop);
  res.once("error", stop);
  arm();
}
function idleError(ms, subject) {
  const err2 = new TransientError(`no data for ${Math.round(ms / 1e3)}s while fetching ${subject}`);
  err2.code = "IDLE_TIMEOUT";
  return err2;
}
function sendOnce(req) {
  const { url } = req;
  if (url.protocol === "http:" && !req.allowPlainHttp(url.hostname)) {
    return Promise.reject(
      new ImageChangelogError("INSECURE_REGISTRY", `refusing plain HTTP to ${url.host} for ${req.subject}`, {
        subject: url.host,
        hint: "plain HTTP is only used for loopback hosts or hosts listed as insecure registries"
      })
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return Promise.reject(new ImageChangelogError("BAD_URL", `unsupported URL scheme ${url.protocol} for ${req.subject}`));
  }
  const lib = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers };
    if (req.body !== void 0) headers["content-length"] = String(Buffer.byteLength(req.body));
    const options = { method: req.method ?? "GET", headers, ...req.tls ?? {} };
    const cr = lib.request(url, options, (res) => {
      clearTimeout(headTimer);
      watchIdle(res, req.idleTimeoutMs, req.subject);
      resolve(res);
    });
    const headTimer = setTimeout(() => cr.destroy(idleError(req.idleTimeoutMs, req.subject)), req.idleTimeoutMs);
    headTimer.unref();
    cr.on("error", (err2) => {
      clearTimeout(headTimer);
      reject(err2);
    });
    cr.end(req.body);
  });
}
async function send(req) {
  let current = req;
  const origin = req.url.origin;
  for (let hop = 0; ; hop++) {
    const res = await sendOnce(current);
    const status = res.statusCode ?? 0;
    const location = header(res, "location");
    if (![301, 302, 303, 307, 308].includes(status) || location === void 0) {
      return { res, status, url: current.url };
    }
    res.resume();
    if (hop >= MAX_REDIRECTS) {
      throw new ImageChangelogError("TOO_MANY_REDIRECTS", `more than ${MAX_REDIRECTS} redirects while fetching ${req.subject}`);
    }
    const next = new URL(location, current.url);
    if (current.url.protocol === "https:" && next.protocol === "http:" && !req.allowPlainHttp(next.hostname)) {
      throw new ImageChangelogError("INSECURE_REDIRECT", `refusing a redirect from HTTPS to plain HTTP (${next.host}) for ${req.subject}`, {
        subject: next.host
      });
    }
    const headers = { ...current.headers };
    if (next.origin !== origin) {
      delete headers.authorization;
      delete headers.Authorization;
    }
    const method = status === 303 ? "GET" : current.method ?? "GET";
    current = { ...current, url: next, headers, method };
    if (method === "GET") delete current.body;
  }
}
async function readBody(res, maxBytes, subject) {
  const declared = Number(header(res, "content-length") ?? NaN);
  if (declared > maxBytes) {
    res.destroy();
    throw tooLarge(subject, maxBytes);
  }
  const chunks = [];
  let total = 0;
  for await (const chunk of res) {
    const buf = chunk;
    total += buf.length;
    if (total > maxBytes) {
      res.destroy();
      throw tooLarge(subject, maxBytes);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks, total);
}
function tooLarge(subject, maxBytes) {
  return new ImageChangelogError("TOO_LARGE", `${subject} is larger than the ${maxBytes}-byte limit`, { subject });
}
var MAX_REDIRECTS;
var init_http = __esm({
  "src/registry/http.ts"() {
    "use strict";
    init_errors();
    init_retry();
    MAX_REDIRECTS = 10;
  }
});

// src/registry/auth.ts
function parseWwwAuthenticate(value2) {
  const out = [];
  let i = 0;
  const s = value2;
  const skip = (re) => {
    while (i < s.length && re.test(s[i])) i++;
  };
  let current;
  while (i < s.length) {
    skip(/[\s,]/);
    const tokenStart = i;
    skip(/[A-Za-z0-9!#$%&'*+.^_`|~-]/);
    const token = s.slice(tokenStart, i);
    if (token === "") {
      i++;
      continue;
    }
    skip(/[ \t]/);
    if (s[i] === "=" && current) {
      i++;
      skip(/[ \t]/);
      let val = "";
      if (s[i] === '"') {
        i++;
        while (i < s.length && s[i] !== '"') {
          if (s[i] === "\\" && i + 1 < s.length) i++;
          val += s[i];
          i++;
        }
        i++;
      } else {
        const start = i;
        while (i < s.length && s[i] !== ",") i++;
        val = s.slice(start, i).trim();
      }
      current.params[token.toLowerCase()] = val;
    } else {
      current = { scheme: token.toLowerCase(), params: {} };
      out.push(current);
    }
  }
  return out;
}
function pickChallenge(value2, registry) {
  const all = value2 ? parseWwwAuthenticate(value2) : [];
  const chosen = all.find((c) => c.scheme === "bearer") ?? all.find((c) => c.scheme === "basic");
  if (!chosen) {
    throw new ImageChangelogError("AUTH_CHALLENGE", `${registry} requires authentication with an unsupported scheme`, {
      subject: registry,
      hint: value2 ? `WWW-Authenticate: ${value2.slice(0, 100)}` : "no WWW-Authenticate header was sent"
    });
  }
  return chosen;
}
var MAX_TOKEN_RESPONSE, RegistryAuth;
var init_auth = __esm({
  "src/registry/auth.ts"() {
    "use strict";
    init_errors();
    init_http();
    init_retry();
    MAX_TOKEN_RESPONSE = 1 << 20;
    RegistryAuth = class {
      constructor(o) {
        this.o = o;
      }
      o;
      pinged;
      tokens = /* @__PURE__ */ new Map();
      now() {
        return (this.o.now ?? Date.now)();
      }
      /** `GET /v2/` once: 200 means no authentication, 401 brings the challenge. */
      ping() {
        this.pinged ??= withRetries(this.o.retry, async () => {
          const { res, status } = await this.o.http({ url: new URL("/v2/", this.o.baseUrl), subject: `the API root of ${this.o.registry}` });
          res.resume();
          if (status === 200) return void 0;
          if (status === 401) return pickChallenge(header(res, "www-authenticate"), this.o.registry);
          if (isRetryableStatus(status)) throw new TransientError(`${this.o.registry} answered ${status} to /v2/`, status, header(res, "retry-after"));
          throw new ImageChangelogError("NOT_A_REGISTRY", `${this.o.registry} answered ${status} to GET /v2/; it does not look like a container registry`, {
            subject: this.o.registry
          });
        }).catch((err2) => {
          this.pinged = void 0;
          throw err2;
        });
        return this.pinged;
      }
      /** The Authorization header value for a request needing `scope`, or undefined when none is needed. */
      async authorization(scope) {
        const challenge = await this.ping();
        if (!challenge) return void 0;
        return this.forChallenge(challenge, scope, false);
      }
      /** After a 401: use the new challenge, get a fresh token (an expired one is the usual cause). */
      async reauthenticate(scope, wwwAuthenticate) {
        const challenge = wwwAuthenticate ? pickChallenge(wwwAuthenticate, this.o.registry) : await this.ping();
        if (!challenge) return void 0;
        return this.forChallenge(challenge, challenge.params.scope ?? scope, true);
      }
      async forChallenge(challenge, scope, fresh) {
        const credential = await this.o.credentials.lookup(this.o.registry);
        if (challenge.scheme === "basic") {
          if (credential?.kind !== "basic") return void 0;
          const encoded = Buffer.from(`${credential.username}:${credential.password}`).toString("base64");
          this.o.credentials.remember(encoded);
          return `Basic ${encoded}`;
        }
        const cached = this.tokens.get(scope);
        if (!fresh && cached && cached.expiresAt > this.now()) return `Bearer ${cached.value}`;
        const token = await this.fetchToken(challenge, scope, credential);
        return `Bearer ${token}`;
      }
      async fetchToken(challenge, scope, credential) {
        const realm = challenge.params.realm;
        if (!realm) {
          throw new ImageChangelogError("AUTH_CHALLENGE", `${this.o.registry} asked for a Bearer token without naming a token service (realm)`, {
            subject: this.o.registry
          });
        }
        let url;
        try {
          url = new URL(realm);
        } catch {
          throw new ImageChangelogError("AUTH_CHALLENGE", `${this.o.registry} named an invalid token service URL`, { subject: this.o.registry });
        }
        const service = challenge.params.service;
        const subject = `a token for ${scope} from ${url.host}`;
        const body = await withRetries(this.o.retry, async () => {
          let res;
          if (credential?.kind === "identity-token") {
            const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: credential.token, client_id: "image-changelog", scope });
            if (service) form.set("service", service);
            res = await this.o.http({
              url,
              method: "POST",
              headers: { "content-type": "application/x-www-form-urlencoded" },
              body: form.toString(),
              subject
            });
          } else {
            const u = new URL(url);
            if (service) u.searchParams.set("service", service);
            u.searchParams.append("scope", scope);
            const headers = {};
            if (credential?.kind === "basic") {
              headers.authorization = `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString("base64")}`;
            }
            res = await this.o.http({ url: u, headers, subject });
          }
          const status = res.status;
          if (status === 200) return readBody(res.res, MAX_TOKEN_RESPONSE, subject);
          res.res.resume();
          if (isRetryableStatus(status)) throw new TransientError(`token service answered ${status}`, status, header(res.res, "retry-after"));
          throw new ImageChangelogError(
            "AUTH_FAILED",
            `the token service ${url.host} refused ${credential ? "the credentials" : "anonymous access"} for ${this.o.registry} (${status})`,
            { subject: this.o.registry, hint: credential ? "check the registry username and password" : "the image may be private: provide credentials" }
          );
        });
        let parsed;
        try {
          parsed = JSON.parse(body.toString("utf8"));
        } catch {
          throw new ImageChangelogError("AUTH_FAILED", `the token service ${url.host} answered with something other than JSON`, { subject: this.o.registry });
        }
        const token = typeof parsed.token === "string" && parsed.token !== "" ? parsed.token : parsed.access_token;
        if (typeof token !== "string" || token === "") {
          throw new ImageChangelogError("AUTH_FAILED", `the token service ${url.host} answered without a token`, { subject: this.o.registry });
        }
        this.o.credentials.remember(token);
        if (typeof parsed.refresh_token === "string") this.o.credentials.remember(parsed.refresh_token);
        const seconds2 = typeof parsed.expires_in === "number" && parsed.expires_in > 0 ? parsed.expires_in : 60;
        this.tokens.set(scope, { value: token, expiresAt: this.now() + Math.max(0, seconds2 - 5) * 1e3 });
        return token;
      }
    };
  }
});

// src/registry/blob-stream.ts
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
async function openVerifiedBlob(o) {
  const algorithm = o.digest.split(":")[0] ?? "";
  if (!["sha256", "sha384", "sha512"].includes(algorithm)) {
    o.onClose?.();
    throw new ImageChangelogError("BAD_DIGEST", `unsupported digest algorithm in ${o.digest}`, { subject: o.digest });
  }
  let first;
  try {
    first = await firstResponse(o);
  } catch (err2) {
    o.onClose?.();
    throw finalError(o, err2, o.retry.maxAttempts);
  }
  return new VerifiedBlobStream(o, createHash(algorithm), first);
}
async function firstResponse(o) {
  for (let n2 = 1; ; n2++) {
    try {
      return await o.fetch(0);
    } catch (err2) {
      if (!isTransient(err2) || n2 >= o.retry.maxAttempts) throw err2;
      await sleepFor(o.retry, retryDelay(o.retry, n2, err2 instanceof TransientError ? err2.retryAfter : void 0));
    }
  }
}
function finalError(o, err2, attempts) {
  if (err2 instanceof ImageChangelogError) return err2;
  const message = err2 instanceof Error ? err2.message : String(err2);
  const code = err2?.code === "IDLE_TIMEOUT" ? "REGISTRY_TIMEOUT" : "BLOB_DOWNLOAD";
  const what = code === "REGISTRY_TIMEOUT" ? message : `downloading ${o.subject} failed: ${message}`;
  return new ImageChangelogError(code, `${what} (after ${attempts} attempt${attempts === 1 ? "" : "s"})`, {
    subject: o.digest,
    cause: err2
  });
}
var VerifiedBlobStream;
var init_blob_stream = __esm({
  "src/registry/blob-stream.ts"() {
    "use strict";
    init_errors();
    init_http();
    init_retry();
    VerifiedBlobStream = class extends Readable {
      constructor(o, hash, first) {
        super();
        this.o = o;
        this.hash = hash;
        this.attach(first);
      }
      o;
      hash;
      delivered = 0;
      skip = 0;
      rangeOk = false;
      attempt = 1;
      current;
      slotReleased = false;
      _read() {
        if (this.current?.isPaused()) this.current.resume();
      }
      _destroy(err2, callback) {
        this.current?.destroy();
        this.current = void 0;
        this.release();
        callback(err2);
      }
      release() {
        if (this.slotReleased) return;
        this.slotReleased = true;
        this.o.onClose?.();
      }
      attach({ res, status }) {
        if (this.destroyed) {
          res.destroy();
          return;
        }
        if (status === 206) {
          const start = /^bytes (\d+)-/.exec(header(res, "content-range") ?? "")?.[1];
          if (start === void 0 || Number(start) !== this.delivered) {
            res.destroy();
            this.rangeOk = false;
            this.fail(new TransientError(`the server resumed ${this.o.subject} at the wrong offset`));
            return;
          }
          this.skip = 0;
          this.rangeOk = true;
        } else {
          this.skip = this.delivered;
          this.rangeOk = header(res, "accept-ranges")?.toLowerCase() === "bytes";
        }
        this.current = res;
        let settled = false;
        const settle = (fn) => {
          if (settled || this.current !== res) return;
          settled = true;
          fn();
        };
        res.on("data", (chunk) => {
          if (settled || this.current !== res) return;
          let data = chunk;
          if (this.skip > 0) {
            const drop = Math.min(this.skip, data.length);
            this.skip -= drop;
            data = data.subarray(drop);
            if (data.length === 0) return;
          }
          this.delivered += data.length;
          if (this.o.size !== void 0 && this.o.size >= 0 && this.delivered > this.o.size) {
            settle(() => this.destroy(this.sizeError("more")));
            return;
          }
          this.hash.update(data);
          this.o.onProgress?.(this.delivered, this.o.size);
          if (!this.push(data)) res.pause();
        });
        res.on("end", () => settle(() => this.finish(header(res, "content-length") !== void 0)));
        res.on("error", (err2) => settle(() => this.fail(err2)));
        res.on("close", () => {
          if (!res.complete) settle(() => this.fail(new TransientError(`connection closed early while fetching ${this.o.subject}`)));
        });
      }
      /** `framed`: the response declared its length, so a short body was sent as such, not cut off. */
      finish(framed) {
        this.current = void 0;
        const short = this.o.size !== void 0 && this.o.size >= 0 && this.delivered < this.o.size;
        if (short && framed && this.skip === 0) {
          this.destroy(this.sizeError("fewer bytes"));
          return;
        }
        if (this.skip > 0 || short) {
          this.fail(new TransientError(`the transfer of ${this.o.subject} ended early`));
          return;
        }
        const actual = `${this.o.digest.split(":")[0]}:${this.hash.digest("hex")}`;
        if (actual !== this.o.digest) {
          this.destroy(
            new ImageChangelogError("DIGEST_MISMATCH", `${this.o.subject}: the registry sent content with digest ${actual}`, {
              subject: this.o.digest,
              hint: "the registry or a proxy served wrong content; nothing from it was used"
            })
          );
          return;
        }
        this.release();
        this.push(null);
      }
      sizeError(which) {
        return new ImageChangelogError("SIZE_MISMATCH", `${this.o.subject}: the registry sent ${which} than the ${this.o.size} bytes the manifest declares`, {
          subject: this.o.digest
        });
      }
      fail(err2) {
        this.current?.destroy();
        this.current = void 0;
        if (this.destroyed) return;
        if (!isTransient(err2) || this.attempt >= this.o.retry.maxAttempts) {
          this.destroy(finalError(this.o, err2, this.attempt));
          return;
        }
        const delay = retryDelay(this.o.retry, this.attempt, err2 instanceof TransientError ? err2.retryAfter : void 0);
        this.attempt++;
        const offset = this.rangeOk ? this.delivered : 0;
        sleepFor(this.o.retry, delay).then(() => this.destroyed ? void 0 : this.o.fetch(offset)).then(
          (next) => {
            if (next) this.attach(next);
          },
          (e) => this.fail(e)
        );
      }
    };
  }
});

// src/registry/reference.ts
function bad(input, why) {
  return new ImageChangelogError("BAD_REFERENCE", `invalid image reference "${input}": ${why}`, {
    subject: input,
    hint: "expected [host[:port]/]path[:tag][@sha256:digest], e.g. ghcr.io/org/app:1.2.3"
  });
}
function isValidDigest(digest) {
  return DIGEST.test(digest);
}
function isValidDomain(domain) {
  if (/^\[[0-9a-fA-F:.]+\](?::\d{1,5})?$/.test(domain)) return true;
  const [host, port, ...rest] = domain.split(":");
  if (rest.length > 0 || host === void 0 || host === "") return false;
  if (port !== void 0 && !/^\d{1,5}$/.test(port)) return false;
  return host.split(".").every((label) => DOMAIN_LABEL.test(label));
}
function parseReference(input) {
  const text = input.trim();
  if (text === "") throw bad(input, "it is empty");
  if (text.length > 4096) throw bad(input.slice(0, 80) + "\u2026", "it is too long");
  let rest = text;
  let digest;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw bad(input, `"${digest}" is not a digest (sha256:<64 hex>)`);
  }
  let tag;
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad(input, `"${tag}" is not a valid tag`);
  }
  const parts = rest.split("/");
  let registry = DOCKER_HUB_REGISTRY;
  const first = parts[0] ?? "";
  if (parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost" || first.startsWith("["))) {
    if (!isValidDomain(first)) throw bad(input, `"${first}" is not a valid registry host`);
    registry = DOCKER_HUB_ALIASES.has(first.toLowerCase()) ? DOCKER_HUB_REGISTRY : first;
    parts.shift();
  }
  if (parts.length === 0 || parts.some((p) => p === "")) throw bad(input, "the repository path is empty");
  for (const p of parts) {
    if (!COMPONENT.test(p)) {
      const why = /[A-Z]/.test(p) ? "repository names must be lowercase" : `"${p}" is not a valid path component`;
      throw bad(input, why);
    }
  }
  let repository = parts.join("/");
  if (registry === DOCKER_HUB_REGISTRY && parts.length === 1) repository = `library/${repository}`;
  if (repository.length > MAX_NAME_LENGTH) throw bad(input, "the repository name is longer than 255 characters");
  const ref2 = { registry, repository, original: input };
  if (tag !== void 0) ref2.tag = tag;
  if (digest !== void 0) ref2.digest = digest;
  if (tag === void 0 && digest === void 0) ref2.tag = "latest";
  return ref2;
}
function referenceTarget(ref2) {
  return ref2.digest ?? ref2.tag ?? "latest";
}
function formatReference(ref2) {
  const registry = ref2.registry === DOCKER_HUB_REGISTRY ? "docker.io" : ref2.registry;
  let out = `${registry}/${ref2.repository}`;
  if (ref2.tag !== void 0) out += `:${ref2.tag}`;
  if (ref2.digest !== void 0) out += `@${ref2.digest}`;
  return out;
}
function hostnameOf(registry) {
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(registry);
  if (m?.[1] !== void 0) return m[1].toLowerCase();
  return (registry.split(":")[0] ?? registry).toLowerCase();
}
var DOCKER_HUB_REGISTRY, DOCKER_HUB_ALIASES, COMPONENT, TAG, DIGEST, DOMAIN_LABEL, MAX_NAME_LENGTH;
var init_reference = __esm({
  "src/registry/reference.ts"() {
    "use strict";
    init_errors();
    DOCKER_HUB_REGISTRY = "registry-1.docker.io";
    DOCKER_HUB_ALIASES = /* @__PURE__ */ new Set(["docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"]);
    COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
    TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
    DIGEST = /^(?:sha256:[a-f0-9]{64}|sha384:[a-f0-9]{96}|sha512:[a-f0-9]{128})$/;
    DOMAIN_LABEL = /^(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])$/;
    MAX_NAME_LENGTH = 255;
  }
});

// src/registry/credentials.ts
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
function normalizeRegistryKey(key) {
  const host = key.replace(/^[a-z]+:\/\//i, "").split("/")[0]?.toLowerCase() ?? "";
  if (["index.docker.io", "docker.io", "registry-1.docker.io", "registry.hub.docker.com"].includes(host)) {
    return DOCKER_HUB_REGISTRY;
  }
  return host;
}
function helperServerUrl(registry) {
  return registry === DOCKER_HUB_REGISTRY ? DOCKER_HUB_SERVER : registry;
}
function findByKey(map, registry) {
  if (!map || typeof map !== "object") return void 0;
  for (const [key, value2] of Object.entries(map)) {
    if (normalizeRegistryKey(key) === registry) return value2;
  }
  return void 0;
}
function runProgram(program, args, stdin, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env: options.env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new ImageChangelogError("CREDENTIAL_HELPER", `${program} did not answer within ${options.timeoutMs} ms`, { subject: program }));
    }, options.timeoutMs);
    child.stdout.setEncoding("utf8").on("data", (d) => stdout += d.slice(0, 1 << 20));
    child.stderr.setEncoding("utf8").on("data", (d) => stderr += d.slice(0, 1 << 16));
    child.on("error", (err2) => {
      clearTimeout(timer);
      const missing = err2.code === "ENOENT";
      reject(
        new ImageChangelogError("CREDENTIAL_HELPER", missing ? `credential helper ${program} is not on the PATH` : `cannot run ${program}`, {
          subject: program,
          cause: err2
        })
      );
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on("error", () => void 0);
    child.stdin.end(stdin);
  });
}
var DOCKER_HUB_SERVER, HELPER_NAME, CredentialStore;
var init_credentials = __esm({
  "src/registry/credentials.ts"() {
    "use strict";
    init_errors();
    init_reference();
    DOCKER_HUB_SERVER = "https://index.docker.io/v1/";
    HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
    CredentialStore = class {
      constructor(options = {}) {
        this.options = options;
        if (options.password) this.remember(options.password);
        if (options.githubToken) this.remember(options.githubToken);
      }
      options;
      secrets = /* @__PURE__ */ new Set();
      config;
      cache = /* @__PURE__ */ new Map();
      /** Every secret seen so far (passwords, tokens), for masking. */
      collectSecrets() {
        return [...this.secrets];
      }
      remember(secret) {
        if (secret === "" || this.secrets.has(secret)) return;
        this.secrets.add(secret);
        this.options.onSecret?.(secret);
      }
      lookup(registry) {
        const key = normalizeRegistryKey(registry);
        let found = this.cache.get(key);
        if (!found) {
          found = this.find(key);
          this.cache.set(key, found);
        }
        return found;
      }
      async find(registry) {
        const o = this.options;
        if (o.username !== void 0 && o.password !== void 0 && o.username !== "") {
          const scope = o.explicitRegistries?.map(normalizeRegistryKey);
          if (!scope || scope.includes(registry)) return { kind: "basic", username: o.username, password: o.password };
        }
        const config = await this.readConfig();
        if (config) {
          const helper = config.credHelpers?.[registry] ?? findByKey(config.credHelpers, registry);
          if (helper) return this.runHelper(helper, registry);
          const auth = findByKey(config.auths, registry);
          if (config.credsStore) {
            const fromStore = await this.runHelper(config.credsStore, registry);
            if (fromStore) return fromStore;
          }
          if (auth) {
            const cred = this.fromAuthEntry(auth, registry);
            if (cred) return cred;
          }
        }
        if (registry === "ghcr.io" && o.githubToken) {
          return { kind: "basic", username: o.githubActor ?? "x-access-token", password: o.githubToken };
        }
        return void 0;
      }
      readConfig() {
        this.config ??= (async () => {
          const path = this.options.dockerConfigPath;
          if (path === void 0) return void 0;
          let text;
          try {
            text = await readFile(path, "utf8");
          } catch (err2) {
            if (err2.code === "ENOENT") return void 0;
            throw new ImageChangelogError("DOCKER_CONFIG", `cannot read docker config ${path}`, { subject: path, cause: err2 });
          }
          try {
            const parsed = JSON.parse(text);
            if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
            return parsed;
          } catch {
            throw new ImageChangelogError("DOCKER_CONFIG", `docker config ${path} is not valid JSON`, { subject: path });
          }
        })();
        return this.config;
      }
      fromAuthEntry(entry, registry) {
        if (typeof entry.identitytoken === "string" && entry.identitytoken !== "") {
          this.remember(entry.identitytoken);
          return { kind: "identity-token", token: entry.identitytoken };
        }
        if (typeof entry.auth === "string" && entry.auth !== "") {
          const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
          const sep = decoded.indexOf(":");
          if (sep <= 0) {
            throw new ImageChangelogError("DOCKER_CONFIG", `the "auth" entry for ${registry} in the docker config is not base64 of user:password`, {
              subject: registry
            });
          }
          const password = decoded.slice(sep + 1);
          this.remember(entry.auth);
          this.remember(password);
          return { kind: "basic", username: decoded.slice(0, sep), password };
        }
        if (typeof entry.username === "string" && typeof entry.password === "string") {
          this.remember(entry.password);
          return { kind: "basic", username: entry.username, password: entry.password };
        }
        return void 0;
      }
      /** `docker-credential-NAME get` with the server URL on stdin; "not found" means no credentials. */
      async runHelper(name, registry) {
        if (!HELPER_NAME.test(name)) {
          throw new ImageChangelogError("CREDENTIAL_HELPER", `invalid credential helper name "${name}" in the docker config`, { subject: name });
        }
        const program = `docker-credential-${name}`;
        const out = await runProgram(program, ["get"], helperServerUrl(registry), {
          env: this.options.helperEnv,
          timeoutMs: this.options.helperTimeoutMs ?? 1e4
        });
        if (out.code !== 0) {
          if (/credentials not found/i.test(out.stdout + out.stderr)) return void 0;
          throw new ImageChangelogError("CREDENTIAL_HELPER", `${program} failed for ${registry} (exit ${out.code ?? "signal"})`, {
            subject: program,
            hint: out.stderr.trim().split("\n")[0]?.slice(0, 200)
          });
        }
        let parsed;
        try {
          parsed = JSON.parse(out.stdout);
        } catch {
          throw new ImageChangelogError("CREDENTIAL_HELPER", `${program} printed something other than JSON for ${registry}`, { subject: program });
        }
        if (typeof parsed.Secret !== "string" || parsed.Secret === "") return void 0;
        this.remember(parsed.Secret);
        if (parsed.Username === "<token>") return { kind: "identity-token", token: parsed.Secret };
        return { kind: "basic", username: typeof parsed.Username === "string" ? parsed.Username : "", password: parsed.Secret };
      }
    };
  }
});

// src/registry/limiter.ts
var ConcurrencyLimiter;
var init_limiter = __esm({
  "src/registry/limiter.ts"() {
    "use strict";
    ConcurrencyLimiter = class {
      constructor(limit) {
        this.limit = limit;
        if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency limit must be a positive integer, got ${limit}`);
      }
      limit;
      active = 0;
      waiting = [];
      get running() {
        return this.active;
      }
      /** Wait for a slot; the returned function gives it back (calling it twice is harmless). */
      async acquire() {
        if (this.active < this.limit) {
          this.active++;
        } else {
          await new Promise((resolve) => this.waiting.push(resolve));
        }
        let released = false;
        return () => {
          if (released) return;
          released = true;
          const next = this.waiting.shift();
          if (next) next();
          else this.active--;
        };
      }
    };
  }
});

// src/registry/client.ts
import { createHash as createHash2 } from "node:crypto";
function checkRepository(repo) {
  if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(repo.repository)) {
    throw new ImageChangelogError("BAD_REFERENCE", `invalid repository name "${repo.repository}"`, { subject: repo.repository });
  }
}
async function errorDetail(r) {
  try {
    const body = await readBody(r.res, 64 * 1024, "error body");
    const parsed = JSON.parse(body.toString("utf8"));
    const code = parsed.errors?.[0]?.code;
    if (typeof code === "string" && /^[A-Z_]{1,64}$/.test(code)) return ` (${code})`;
  } catch {
  }
  return "";
}
function digestOf(bytes, like) {
  const algorithm = like && /^(sha256|sha384|sha512):/.test(like) ? like.split(":")[0] : "sha256";
  return `${algorithm}:${createHash2(algorithm).update(bytes).digest("hex")}`;
}
function nextLink(link, current) {
  if (!link) return void 0;
  for (const part of link.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (m && /\brel\s*=\s*"?next"?/i.test(m[2] ?? "")) {
      try {
        return new URL(m[1] ?? "", current);
      } catch {
        return void 0;
      }
    }
  }
  return void 0;
}
var MANIFEST_ACCEPT, SCHEMA1_TYPES, RegistryClient;
var init_client = __esm({
  "src/registry/client.ts"() {
    "use strict";
    init_errors();
    init_media_types();
    init_auth();
    init_blob_stream();
    init_credentials();
    init_http();
    init_limiter();
    init_reference();
    init_retry();
    MANIFEST_ACCEPT = ACCEPT_MANIFEST_TYPES.join(", ");
    SCHEMA1_TYPES = /* @__PURE__ */ new Set([DOCKER_SCHEMA1_MANIFEST, DOCKER_SCHEMA1_SIGNED_MANIFEST]);
    RegistryClient = class {
      constructor(options = {}) {
        this.options = options;
        const c = options.credentials;
        this.credentials = c instanceof CredentialStore ? c : new CredentialStore(c ?? {});
        this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
        this.idleTimeoutMs = options.idleTimeoutMs ?? 3e4;
        this.maxManifestBytes = options.maxManifestBytes ?? 4 * 1024 * 1024;
        this.insecure = new Set((options.insecureRegistries ?? []).map((h) => h.toLowerCase()));
        this.blobLimiter = new ConcurrencyLimiter(options.blobConcurrency ?? 4);
      }
      options;
      credentials;
      retry;
      idleTimeoutMs;
      maxManifestBytes;
      insecure;
      auths = /* @__PURE__ */ new Map();
      blobLimiter;
      /** Every secret used so far (passwords, tokens), for the adapter to mask. */
      collectSecrets() {
        return this.credentials.collectSecrets();
      }
      /** Plain HTTP is allowed for loopback hosts and the hosts listed as insecure. */
      allowsPlainHttp(registry) {
        return isLoopbackHost(hostnameOf(registry)) || this.insecure.has(registry.toLowerCase()) || this.insecure.has(hostnameOf(registry));
      }
      baseUrl(registry) {
        return new URL(`${this.allowsPlainHttp(registry) ? "http" : "https"}://${registry}`);
      }
      http(req) {
        const headers = { "user-agent": this.options.userAgent ?? "image-changelog", ...req.headers };
        return send({
          ...req,
          headers,
          idleTimeoutMs: this.idleTimeoutMs,
          allowPlainHttp: (host) => isLoopbackHost(host) || this.insecure.has(host.toLowerCase()),
          ...this.options.tls ? { tls: this.options.tls } : {}
        });
      }
      auth(registry) {
        let auth = this.auths.get(registry);
        if (!auth) {
          auth = new RegistryAuth({
            registry,
            baseUrl: this.baseUrl(registry),
            credentials: this.credentials,
            http: (r) => this.http(r),
            retry: this.retry
          });
          this.auths.set(registry, auth);
        }
        return auth;
      }
      /** A request to the registry's API with authentication; a 401 re-authenticates once (expired token). */
      async authed(repo, url, headers, subject) {
        const auth = this.auth(repo.registry);
        const scope = `repository:${repo.repository}:pull`;
        let authorization = await auth.authorization(scope);
        for (let tries = 0; ; tries++) {
          const h = { ...headers };
          if (authorization) h.authorization = authorization;
          const res = await this.http({ url, headers: h, subject });
          if (res.status !== 401 || tries > 0) return res;
          res.res.resume();
          const renewed = await auth.reauthenticate(scope, header(res.res, "www-authenticate"));
          if (renewed === void 0) return res;
          authorization = renewed;
        }
      }
      /** Fetch a manifest or index by tag or digest; the bytes are verified against every digest known. */
      async getManifest(ref2) {
        const target = referenceTarget({ ...ref2, original: "" });
        const subject = `manifest ${formatReference(ref2)}`;
        checkRepository(ref2);
        if (!/^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/.test(target)) {
          throw new ImageChangelogError("BAD_REFERENCE", `invalid tag or digest "${target}"`, { subject: target });
        }
        const url = new URL(`/v2/${ref2.repository}/manifests/${target}`, this.baseUrl(ref2.registry));
        const { bytes, sent, contentType } = await withRetries(this.retry, async () => {
          const r = await this.authed(ref2, url, { accept: MANIFEST_ACCEPT }, subject);
          if (r.status !== 200) await this.failForStatus(r, subject, ref2, "MANIFEST_NOT_FOUND");
          const body = await readBody(r.res, this.maxManifestBytes, subject);
          return { bytes: body, sent: header(r.res, "docker-content-digest"), contentType: header(r.res, "content-type") };
        });
        const digest = digestOf(bytes, ref2.digest ?? sent);
        for (const expected of [ref2.digest, sent]) {
          if (expected === void 0 || !isValidDigest(expected)) continue;
          const actual = digestOf(bytes, expected);
          if (actual !== expected) {
            throw new ImageChangelogError("DIGEST_MISMATCH", `${subject}: the registry sent content with digest ${actual}, expected ${expected}`, {
              subject: formatReference(ref2),
              hint: "the registry or a proxy served wrong content; nothing from it was used"
            });
          }
        }
        let json;
        try {
          json = JSON.parse(bytes.toString("utf8"));
        } catch {
          throw new ImageChangelogError("BAD_MANIFEST", `${subject} is not valid JSON`, { subject: formatReference(ref2) });
        }
        const declared = typeof json.mediaType === "string" ? json.mediaType : contentType?.split(";")[0]?.trim() ?? "";
        if (json.schemaVersion === 1 || SCHEMA1_TYPES.has(declared)) {
          throw new ImageChangelogError("UNSUPPORTED_MANIFEST", `${subject} is a Docker schema 1 manifest, which is not supported`, {
            subject: formatReference(ref2),
            hint: "push the image again with a current Docker or skopeo"
          });
        }
        return { digest, mediaType: declared, bytes };
      }
      /** Stream a blob; the stream verifies the digest and retries/resumes as needed. Holds a download slot until it ends. */
      async getBlob(repo, digest, options = {}) {
        if (!isValidDigest(digest)) throw new ImageChangelogError("BAD_DIGEST", `invalid blob digest "${digest}"`, { subject: digest });
        checkRepository(repo);
        const release = await this.blobLimiter.acquire();
        const subject = `blob ${digest} of ${repo.registry}/${repo.repository}`;
        const url = new URL(`/v2/${repo.repository}/blobs/${digest}`, this.baseUrl(repo.registry));
        return openVerifiedBlob({
          digest,
          subject,
          retry: this.retry,
          ...options.size !== void 0 ? { size: options.size } : {},
          ...options.onProgress ? { onProgress: options.onProgress } : {},
          onClose: release,
          fetch: async (offset) => {
            const headers = offset > 0 ? { range: `bytes=${offset}-` } : {};
            const r = await this.authed(repo, url, headers, subject);
            if (r.status !== 200 && r.status !== 206) await this.failForStatus(r, subject, repo, "BLOB_NOT_FOUND");
            return { res: r.res, status: r.status };
          }
        });
      }
      /** A small blob (a config) read whole, verified, at most `maxBytes`. */
      async getBlobBytes(repo, digest, maxBytes, options = {}) {
        if (options.size !== void 0 && options.size > maxBytes) {
          throw new ImageChangelogError("TOO_LARGE", `blob ${digest} is ${options.size} bytes, over the ${maxBytes}-byte limit`, { subject: digest });
        }
        const stream2 = await this.getBlob(repo, digest, options);
        const chunks = [];
        let total = 0;
        for await (const chunk of stream2) {
          total += chunk.length;
          if (total > maxBytes) {
            stream2.destroy();
            throw new ImageChangelogError("TOO_LARGE", `blob ${digest} is over the ${maxBytes}-byte limit`, { subject: digest });
          }
          chunks.push(chunk);
        }
        return Buffer.concat(chunks, total);
      }
      /** All tags of a repository, following `Link` pagination (`?n=&last=`). */
      async listTags(repo, options = {}) {
        checkRepository(repo);
        const base = this.baseUrl(repo.registry);
        let url = new URL(`/v2/${repo.repository}/tags/list`, base);
        if (options.pageSize) url.searchParams.set("n", String(options.pageSize));
        const tags = [];
        const seen = /* @__PURE__ */ new Set();
        const subject = `the tags of ${repo.registry}/${repo.repository}`;
        for (let page = 0; url && page < (options.maxPages ?? 1e3); page++) {
          const pageUrl = url;
          seen.add(pageUrl.href);
          const { body, link } = await withRetries(this.retry, async () => {
            const r = await this.authed(repo, pageUrl, { accept: "application/json" }, subject);
            if (r.status !== 200) await this.failForStatus(r, subject, repo, "REPOSITORY_NOT_FOUND");
            return { body: await readBody(r.res, 16 * 1024 * 1024, subject), link: header(r.res, "link") };
          });
          let parsed;
          try {
            parsed = JSON.parse(body.toString("utf8"));
          } catch {
            throw new ImageChangelogError("BAD_RESPONSE", `${subject}: the registry answered with invalid JSON`, { subject: repo.repository });
          }
          if (Array.isArray(parsed.tags)) {
            for (const t of parsed.tags) if (typeof t === "string") tags.push(t);
          }
          const next = nextLink(link, pageUrl);
          url = next && next.origin === base.origin && !seen.has(next.href) ? next : void 0;
        }
        return tags;
      }
      async failForStatus(r, subject, repo, notFoundCode) {
        const { status } = r;
        if (isRetryableStatus(status)) {
          r.res.resume();
          throw new TransientError(`${subject}: the registry answered ${status}`, status, header(r.res, "retry-after"));
        }
        const detail = await errorDetail(r);
        const where = `${repo.registry}/${repo.repository}`;
        if (status === 404) throw new ImageChangelogError(notFoundCode, `${subject} not found${detail}`, { subject: where });
        if (status === 401 || status === 403) {
          throw new ImageChangelogError("ACCESS_DENIED", `${repo.registry} denied access to ${subject} (${status})${detail}`, {
            subject: where,
            hint: "the repository may not exist, or it needs credentials (registry-username/registry-password, docker login)"
          });
        }
        throw new ImageChangelogError("REGISTRY_ERROR", `${subject}: the registry answered ${status}${detail}`, { subject: where });
      }
    };
  }
});

// src/image/json.ts
import { createHash as createHash3 } from "node:crypto";
function checkDigest(digest, where, code = "MANIFEST_INVALID") {
  if (typeof digest !== "string") throw new ImageChangelogError(code, `${where}: digest is missing or not a string`, { subject: where });
  if (SHA256_DIGEST.test(digest)) return digest;
  const alg = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):/.exec(digest)?.[1];
  if (alg && alg !== "sha256") {
    throw new ImageChangelogError("UNSUPPORTED_DIGEST", `${where}: digest algorithm "${alg}" is not supported (only sha256)`, { subject: where });
  }
  throw new ImageChangelogError(code, `${where}: invalid digest "${digest.slice(0, 100)}" (expected sha256:<64 hex>)`, { subject: where });
}
function sha256Digest(bytes) {
  return `sha256:${createHash3("sha256").update(bytes).digest("hex")}`;
}
function verifyBytes(bytes, expected, subject) {
  if (expected.size !== void 0 && expected.size >= 0 && bytes.length !== expected.size) {
    throw new ImageChangelogError("DIGEST_MISMATCH", `${subject}: ${bytes.length} bytes, but its descriptor says ${expected.size}`, { subject });
  }
  const actual = sha256Digest(bytes);
  if (actual !== expected.digest) {
    throw new ImageChangelogError("DIGEST_MISMATCH", `${subject}: content digest ${actual} does not match ${expected.digest}`, { subject });
  }
}
function isObject(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
function invalid(code, subject, what) {
  return new ImageChangelogError(code, `${subject}: ${what}`, { subject });
}
function parseJsonObject(bytes, options, maxDefault, code, tooLargeCode) {
  const max = options.maxBytes ?? maxDefault;
  if (bytes.length > max) throw invalid(tooLargeCode, options.subject, `${bytes.length} bytes is over the ${max}-byte limit`);
  if (options.descriptor) verifyBytes(bytes, options.descriptor, options.subject);
  let value2;
  try {
    value2 = JSON.parse(bytes.toString("utf8"));
  } catch (err2) {
    throw invalid(code, options.subject, `not valid JSON (${err2.message.slice(0, 120)})`);
  }
  if (!isObject(value2)) throw invalid(code, options.subject, "expected a JSON object");
  return value2;
}
function optionalStringRecord(v, code, where) {
  if (v === void 0 || v === null) return void 0;
  if (!isObject(v) || !Object.values(v).every((x) => typeof x === "string")) throw invalid(code, where, "expected an object of strings");
  return v;
}
function parseDescriptor(v, where, code = "MANIFEST_INVALID") {
  if (!isObject(v)) throw invalid(code, where, "expected a descriptor object");
  if (typeof v.mediaType !== "string" || v.mediaType === "") throw invalid(code, where, "mediaType is missing");
  const digest = checkDigest(v.digest, where, code);
  if (typeof v.size !== "number" || !Number.isSafeInteger(v.size) || v.size < 0) throw invalid(code, where, "size must be a non-negative integer");
  const d = { mediaType: v.mediaType, digest, size: v.size };
  const annotations = optionalStringRecord(v.annotations, code, `${where}.annotations`);
  if (annotations) d.annotations = annotations;
  if (v.platform !== void 0) {
    const p = v.platform;
    if (!isObject(p) || typeof p.os !== "string" || typeof p.architecture !== "string") {
      throw invalid(code, `${where}.platform`, "expected os and architecture strings");
    }
    if (p.variant !== void 0 && typeof p.variant !== "string") throw invalid(code, `${where}.platform.variant`, "expected a string");
    d.platform = { os: p.os, architecture: p.architecture, ...typeof p.variant === "string" && p.variant ? { variant: p.variant } : {} };
  }
  if (v.urls !== void 0) {
    if (!Array.isArray(v.urls) || !v.urls.every((u) => typeof u === "string")) throw invalid(code, `${where}.urls`, "expected an array of strings");
    d.urls = v.urls;
  }
  return d;
}
function unsupported(mediaType, subject) {
  const why = mediaType === DOCKER_SCHEMA1_MANIFEST || mediaType === DOCKER_SCHEMA1_SIGNED_MANIFEST ? "Docker schema 1 is obsolete; re-push the image with a current client" : "expected an OCI or Docker schema 2 image manifest or index";
  return new ImageChangelogError("UNSUPPORTED_MEDIA_TYPE", `${subject}: unsupported media type "${mediaType.slice(0, 200)}" (${why})`, { subject });
}
function parseManifestOrIndex(bytes, options) {
  const { subject } = options;
  const doc = parseJsonObject(bytes, options, MAX_MANIFEST_BYTES, "MANIFEST_INVALID", "MANIFEST_TOO_LARGE");
  const own = doc.mediaType;
  if (own !== void 0 && typeof own !== "string") throw invalid("MANIFEST_INVALID", subject, "mediaType must be a string");
  const declared = options.descriptor?.mediaType;
  if (declared && own && declared !== own) {
    throw invalid("MANIFEST_INVALID", subject, `media type "${own.slice(0, 200)}" differs from its descriptor's "${declared.slice(0, 200)}"`);
  }
  const mediaType = declared ?? own;
  let kind;
  if (mediaType !== void 0) {
    if (isManifestMediaType(mediaType)) kind = "manifest";
    else if (isIndexMediaType(mediaType)) kind = "index";
    else throw unsupported(mediaType, subject);
  } else if (doc.schemaVersion === 1) {
    throw unsupported(DOCKER_SCHEMA1_MANIFEST, subject);
  } else if (Array.isArray(doc.manifests)) kind = "index";
  else if (doc.config !== void 0 && Array.isArray(doc.layers)) kind = "manifest";
  else throw invalid("MANIFEST_INVALID", subject, "neither an image manifest nor an index (no mediaType, manifests, or config and layers)");
  if (doc.schemaVersion !== 2) throw invalid("MANIFEST_INVALID", subject, `schemaVersion must be 2, found ${JSON.stringify(doc.schemaVersion) ?? "none"}`);
  const annotations = optionalStringRecord(doc.annotations, "MANIFEST_INVALID", `${subject} annotations`);
  if (kind === "index") {
    if (!Array.isArray(doc.manifests)) throw invalid("MANIFEST_INVALID", subject, 'an index needs a "manifests" array');
    const manifests = doc.manifests.map((m, i) => parseDescriptor(m, `${subject} manifests[${i}]`));
    const index = { schemaVersion: 2, manifests };
    if (own) index.mediaType = own;
    if (annotations) index.annotations = annotations;
    return { kind, index };
  }
  const config = parseDescriptor(doc.config, `${subject} config`);
  if (!isConfigMediaType(config.mediaType)) throw unsupportedConfig(config.mediaType, subject);
  if (!Array.isArray(doc.layers)) throw invalid("MANIFEST_INVALID", subject, 'a manifest needs a "layers" array');
  const layers = doc.layers.map((l, i) => {
    const d = parseDescriptor(l, `${subject} layers[${i}]`);
    if (!isLayerMediaType(d.mediaType)) {
      throw new ImageChangelogError("UNSUPPORTED_MEDIA_TYPE", `${subject} layers[${i}]: unsupported layer media type "${d.mediaType.slice(0, 200)}"`, {
        subject
      });
    }
    return d;
  });
  const manifest = { schemaVersion: 2, config, layers };
  if (own) manifest.mediaType = own;
  if (annotations) manifest.annotations = annotations;
  return { kind, manifest };
}
function unsupportedConfig(mediaType, subject) {
  return new ImageChangelogError(
    "UNSUPPORTED_MEDIA_TYPE",
    `${subject}: config media type "${mediaType.slice(0, 200)}" is not a container image config (an artifact, not an image?)`,
    { subject }
  );
}
function parseIndex(bytes, options) {
  const parsed = parseManifestOrIndex(bytes, options);
  if (parsed.kind !== "index") throw invalid("MANIFEST_INVALID", options.subject, "expected an image index, found a manifest");
  return parsed.index;
}
function parseConfig(bytes, options) {
  const { subject } = options;
  const c = "CONFIG_INVALID";
  const doc = parseJsonObject(bytes, options, MAX_CONFIG_BYTES, c, "CONFIG_TOO_LARGE");
  for (const k of ["architecture", "os", "variant", "created", "author"]) {
    if (doc[k] !== void 0 && typeof doc[k] !== "string") throw invalid(c, subject, `"${k}" must be a string`);
  }
  const rootfs = doc.rootfs;
  if (!isObject(rootfs) || typeof rootfs.type !== "string" || !Array.isArray(rootfs.diff_ids)) {
    throw invalid(c, subject, "rootfs with type and diff_ids is required");
  }
  rootfs.diff_ids.forEach((d, i) => checkDigest(d, `${subject} rootfs.diff_ids[${i}]`, c));
  if (options.layerCount !== void 0 && rootfs.diff_ids.length !== options.layerCount) {
    throw invalid(c, subject, `rootfs.diff_ids lists ${rootfs.diff_ids.length} layers but the manifest has ${options.layerCount}`);
  }
  const cfg = doc.config;
  if (cfg !== void 0 && cfg !== null) {
    if (!isObject(cfg)) throw invalid(c, subject, '"config" must be an object');
    for (const k of CONFIG_ARRAYS) {
      const v = cfg[k];
      if (v !== void 0 && v !== null && !(Array.isArray(v) && v.every((x) => typeof x === "string"))) {
        throw invalid(c, subject, `config.${k} must be an array of strings`);
      }
    }
    for (const k of CONFIG_STRINGS) if (cfg[k] !== void 0 && typeof cfg[k] !== "string") throw invalid(c, subject, `config.${k} must be a string`);
    for (const k of CONFIG_OBJECTS) if (cfg[k] !== void 0 && cfg[k] !== null && !isObject(cfg[k])) throw invalid(c, subject, `config.${k} must be an object`);
    optionalStringRecord(cfg.Labels, c, `${subject} config.Labels`);
  } else if (cfg === null) {
    delete doc.config;
  }
  if (doc.history !== void 0 && doc.history !== null) {
    if (!Array.isArray(doc.history) || !doc.history.every(isObject)) throw invalid(c, subject, '"history" must be an array of objects');
    doc.history.forEach((h, i) => {
      for (const k of ["created", "created_by", "author", "comment"]) {
        if (h[k] !== void 0 && typeof h[k] !== "string") throw invalid(c, subject, `history[${i}].${k} must be a string`);
      }
      if (h.empty_layer !== void 0 && typeof h.empty_layer !== "boolean") throw invalid(c, subject, `history[${i}].empty_layer must be a boolean`);
    });
  } else if (doc.history === null) {
    delete doc.history;
  }
  return doc;
}
var MAX_MANIFEST_BYTES, MAX_CONFIG_BYTES, SHA256_DIGEST, CONFIG_ARRAYS, CONFIG_STRINGS, CONFIG_OBJECTS;
var init_json = __esm({
  "src/image/json.ts"() {
    "use strict";
    init_errors();
    init_media_types();
    MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
    MAX_CONFIG_BYTES = 8 * 1024 * 1024;
    SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;
    CONFIG_ARRAYS = ["Env", "Entrypoint", "Cmd", "Shell", "OnBuild"];
    CONFIG_STRINGS = ["User", "WorkingDir", "StopSignal"];
    CONFIG_OBJECTS = ["ExposedPorts", "Volumes", "Healthcheck"];
  }
});

// src/image/platform.ts
import { endianness } from "node:os";
function parsePlatform(text) {
  const parts = text.trim().split("/");
  const valid = parts.length >= 2 && parts.length <= 3 && parts.every((p) => /^[A-Za-z0-9._-]+$/.test(p));
  if (!valid) {
    throw new ImageChangelogError("BAD_PLATFORM", `invalid platform "${text}": expected os/arch[/variant], e.g. linux/amd64 or linux/arm64/v8`, {
      subject: text
    });
  }
  const [os, architecture, variant] = parts;
  return variant === void 0 ? { os, architecture } : { os, architecture, variant };
}
function formatPlatform(p) {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}
function normalizePlatform(p) {
  const os = p.os.toLowerCase();
  const rawArch = p.architecture.toLowerCase();
  const architecture = ARCH_ALIASES[rawArch] ?? rawArch;
  let variant = p.variant?.toLowerCase();
  if (variant && /^\d/.test(variant)) variant = `v${variant}`;
  if (rawArch === "armhf" && !variant) variant = "v7";
  if (rawArch === "armel" && !variant) variant = "v6";
  if (architecture === "arm" && !variant) variant = "v7";
  if (architecture === "arm64" && variant === "v8") variant = void 0;
  if (architecture === "amd64" && variant === "v1") variant = void 0;
  return variant ? { os, architecture, variant } : { os, architecture };
}
function hostPlatform(nodePlatform = process.platform, nodeArch = process.arch) {
  const os = nodePlatform === "win32" ? "windows" : "linux";
  switch (nodeArch) {
    case "x64":
      return { os, architecture: "amd64" };
    case "ia32":
      return { os, architecture: "386" };
    case "arm":
      return { os, architecture: "arm", variant: "v7" };
    case "ppc64":
      return { os, architecture: endianness() === "LE" ? "ppc64le" : "ppc64" };
    case "mipsel":
      return { os, architecture: "mipsle" };
    case "mips64el":
      return { os, architecture: "mips64le" };
    default:
      return { os, architecture: nodeArch };
  }
}
function variantLevel(p) {
  if (!p.variant) return DEFAULT_LEVEL[p.architecture];
  const m = /^v(\d+(?:\.\d+)?)$/.exec(p.variant);
  return m ? Number(m[1]) : void 0;
}
function platformMatches(wanted, candidate) {
  const w = normalizePlatform(wanted);
  const c = normalizePlatform(candidate);
  if (w.os !== c.os || w.architecture !== c.architecture) return false;
  if (w.variant === c.variant) return true;
  if (!VARIANT_LADDERS.has(w.architecture)) return false;
  const wl = variantLevel(w);
  const cl = variantLevel(c);
  return wl !== void 0 && cl !== void 0 && cl <= wl;
}
function isAttestation(d) {
  if (d.annotations?.[ATTESTATION_TYPE] === "attestation-manifest") return true;
  return d.platform?.os === "unknown" && d.platform.architecture === "unknown";
}
function imageEntries(index) {
  return index.manifests.filter((d) => !isAttestation(d));
}
function platformOf(d) {
  if (!d.platform) return void 0;
  const { os, architecture, variant } = d.platform;
  return variant ? { os, architecture, variant } : { os, architecture };
}
function indexPlatforms(index) {
  return imageEntries(index).flatMap((d) => {
    const p = platformOf(d);
    return p ? [p] : [];
  });
}
function chooseManifest(index, wanted, host, subject) {
  const entries = imageEntries(index);
  if (entries.length === 1 && (!wanted || !entries[0].platform)) return entries[0];
  const target = wanted ?? host;
  const matches2 = entries.filter((d) => {
    const p = platformOf(d);
    return p !== void 0 && platformMatches(target, p);
  });
  if (matches2.length > 0) {
    const exact = normalizePlatform(target).variant;
    const score = (d) => {
      const p = normalizePlatform(platformOf(d));
      return p.variant === exact ? Number.MAX_SAFE_INTEGER : variantLevel(p) ?? 0;
    };
    return matches2.reduce((best, d) => score(d) > score(best) ? d : best);
  }
  const available = indexPlatforms(index).map(formatPlatform);
  const where = subject ? ` in ${subject}` : "";
  const which = wanted ? `platform ${formatPlatform(target)}` : `the host platform ${formatPlatform(target)}`;
  throw new ImageChangelogError(
    "PLATFORM_NOT_FOUND",
    `${which} is not available${where}; available: ${available.length > 0 ? available.join(", ") : "none"}`,
    { hint: "choose one with --platform os/arch[/variant]", ...subject !== void 0 ? { subject } : {} }
  );
}
var ARCH_ALIASES, VARIANT_LADDERS, DEFAULT_LEVEL, ATTESTATION_TYPE;
var init_platform = __esm({
  "src/image/platform.ts"() {
    "use strict";
    init_errors();
    ARCH_ALIASES = {
      x86_64: "amd64",
      "x86-64": "amd64",
      aarch64: "arm64",
      armhf: "arm",
      armel: "arm",
      i386: "386",
      i686: "386",
      x86: "386"
    };
    VARIANT_LADDERS = /* @__PURE__ */ new Set(["amd64", "arm", "arm64"]);
    DEFAULT_LEVEL = { amd64: 1, arm: 7, arm64: 8 };
    ATTESTATION_TYPE = "vnd.docker.reference.type";
  }
});

// src/image/blob-store.ts
function blobPath(digest) {
  const [alg, hex] = digest.split(":");
  return `blobs/${alg}/${hex}`;
}
function blobNotFound(store, digest) {
  return new ImageChangelogError("BLOB_NOT_FOUND", `${store.location}: blob ${digest} is missing (${blobPath(digest)})`, { subject: digest });
}
async function readDescribedBlob(store, descriptor, maxBytes, tooLargeCode) {
  const subject = `${store.location} ${descriptor.digest}`;
  if (descriptor.size > maxBytes) {
    throw new ImageChangelogError(tooLargeCode, `${subject}: ${descriptor.size} bytes is over the ${maxBytes}-byte limit`, { subject: descriptor.digest });
  }
  return store.readBlob(descriptor.digest, maxBytes);
}
var init_blob_store = __esm({
  "src/image/blob-store.ts"() {
    "use strict";
    init_errors();
  }
});

// src/image/layout-image.ts
function tagsOf(index) {
  return index.manifests.flatMap((d) => d.annotations?.[REF_NAME] ? [d.annotations[REF_NAME]] : []);
}
function selectByTag(store, index, tag) {
  const found = index.manifests.find((d) => d.annotations?.[REF_NAME] === tag) ?? index.manifests.find((d) => d.annotations?.[CONTAINERD_NAME] === tag) ?? index.manifests.find((d) => d.digest === tag);
  if (found) return found;
  const tags = tagsOf(index);
  throw new ImageChangelogError(
    "IMAGE_NOT_FOUND",
    `no image tagged "${tag}" in ${store.location}; tags: ${tags.length > 0 ? tags.join(", ") : "none"}`,
    { subject: store.location }
  );
}
function selectUntagged(store, index, options) {
  const entries = imageEntries(index);
  if (entries.length === 1) return entries[0];
  if (entries.length === 0) {
    throw new ImageChangelogError("IMAGE_NOT_FOUND", `${store.location} holds no image (index.json lists no manifests)`, { subject: store.location });
  }
  const tags = tagsOf(index);
  if (tags.length === 0 && entries.every((d) => d.platform)) return "platform-index";
  throw new ImageChangelogError(
    "IMAGE_NOT_FOUND",
    `${store.location} holds ${entries.length} images; name one as ${options.transport ?? "oci"}:${store.location}:TAG (tags: ${tags.join(", ") || "none"})`,
    { subject: store.location }
  );
}
async function readIndexJson(store) {
  const layout = await store.readFile("oci-layout", 64 * 1024);
  if (!layout) throw new ImageChangelogError("IMAGE_NOT_FOUND", `${store.location} is not an OCI image layout (no oci-layout file)`, { subject: store.location });
  let version2;
  try {
    version2 = JSON.parse(layout.toString("utf8")).imageLayoutVersion;
  } catch {
    version2 = void 0;
  }
  if (typeof version2 !== "string" || !/^1\./.test(version2)) {
    throw new ImageChangelogError("MANIFEST_INVALID", `${store.location}: oci-layout must declare imageLayoutVersion 1.x`, { subject: store.location });
  }
  const bytes = await store.readFile("index.json", MAX_MANIFEST_BYTES);
  if (!bytes) throw new ImageChangelogError("IMAGE_NOT_FOUND", `${store.location} has no index.json`, { subject: store.location });
  return parseIndex(bytes, { subject: `${store.location} index.json`, descriptor: void 0 });
}
async function openLayoutImage(store, options) {
  const host = options.host ?? hostPlatform();
  const top = await readIndexJson(store);
  let descriptor;
  let platformIndex;
  const picked = options.tag !== void 0 ? selectByTag(store, top, options.tag) : selectUntagged(store, top, options);
  if (picked === "platform-index") {
    platformIndex = { index: top };
    descriptor = chooseManifest(top, options.platform, host, store.location);
  } else {
    descriptor = picked;
  }
  let manifest;
  for (let depth = 0; manifest === void 0; depth++) {
    const subject = `${store.location} ${descriptor.digest}`;
    const bytes = await readDescribedBlob(store, descriptor, MAX_MANIFEST_BYTES, "MANIFEST_TOO_LARGE");
    const parsed = parseManifestOrIndex(bytes, { subject, descriptor });
    if (parsed.kind === "manifest") {
      manifest = parsed.manifest;
      break;
    }
    if (depth >= MAX_INDEX_DEPTH) throw new ImageChangelogError("MANIFEST_INVALID", `${subject}: image indexes nested too deeply`, { subject });
    platformIndex = { digest: descriptor.digest, index: parsed.index };
    descriptor = chooseManifest(parsed.index, options.platform, host, options.reference);
  }
  const configSubject = `${store.location} config ${manifest.config.digest}`;
  const configBytes = await readDescribedBlob(store, manifest.config, MAX_CONFIG_BYTES, "CONFIG_TOO_LARGE");
  const config = parseConfig(configBytes, { subject: configSubject, descriptor: manifest.config, layerCount: manifest.layers.length });
  const layers = manifest.layers.map((d, i) => ({
    digest: d.digest,
    diffID: config.rootfs.diff_ids[i],
    size: d.size,
    mediaType: d.mediaType,
    open: () => store.openBlob(d.digest)
  }));
  const platform = imagePlatform(config, descriptor);
  let closed = false;
  const image = {
    reference: options.reference,
    manifestDigest: descriptor.digest,
    availablePlatforms: platformIndex ? indexPlatforms(platformIndex.index) : [],
    platform,
    manifest,
    configDigest: manifest.config.digest,
    config,
    layers,
    close: async () => {
      if (closed) return;
      closed = true;
      await store.close();
    }
  };
  if (platformIndex?.digest) image.indexDigest = platformIndex.digest;
  return image;
}
function imagePlatform(config, descriptor) {
  const os = config.os || descriptor?.platform?.os || "unknown";
  const architecture = config.architecture || descriptor?.platform?.architecture || "unknown";
  const variant = config.variant || descriptor?.platform?.variant;
  return variant ? { os, architecture, variant } : { os, architecture };
}
var REF_NAME, CONTAINERD_NAME, MAX_INDEX_DEPTH;
var init_layout_image = __esm({
  "src/image/layout-image.ts"() {
    "use strict";
    init_errors();
    init_blob_store();
    init_json();
    init_platform();
    REF_NAME = "org.opencontainers.image.ref.name";
    CONTAINERD_NAME = "io.containerd.image.name";
    MAX_INDEX_DEPTH = 2;
  }
});

// src/image/registry.ts
function stripRegistryTransport(reference) {
  return reference.replace(/^docker:\/\//, "").replace(/^registry:/, "");
}
function knownType(fetched) {
  return isManifestMediaType(fetched.mediaType) || isIndexMediaType(fetched.mediaType);
}
var MAX_INDEX_DEPTH2, RegistrySource;
var init_registry = __esm({
  "src/image/registry.ts"() {
    "use strict";
    init_errors();
    init_client();
    init_reference();
    init_json();
    init_media_types();
    init_platform();
    init_layout_image();
    MAX_INDEX_DEPTH2 = 2;
    RegistrySource = class {
      constructor(options = {}) {
        this.options = options;
        this.client = options.client ?? new RegistryClient(options.clientOptions);
      }
      options;
      transport = "docker";
      client;
      async open(reference, options) {
        const ref2 = parseReference(stripRegistryTransport(reference));
        const host = this.options.host ?? hostPlatform();
        const name = formatReference(ref2);
        let fetched = await this.client.getManifest(ref2);
        let descriptor = {
          digest: fetched.digest,
          size: fetched.bytes.length,
          ...knownType(fetched) ? { mediaType: fetched.mediaType } : {}
        };
        let platformIndex;
        let manifest;
        for (let depth = 0; ; depth++) {
          const parsed = parseManifestOrIndex(fetched.bytes, { subject: `${name} ${fetched.digest}`, descriptor });
          if (parsed.kind === "manifest") {
            manifest = parsed.manifest;
            break;
          }
          if (depth >= MAX_INDEX_DEPTH2) {
            throw new ImageChangelogError("MANIFEST_INVALID", `${name}: image indexes nested too deeply`, { subject: name });
          }
          platformIndex = { digest: fetched.digest, index: parsed.index };
          const chosen = chooseManifest(parsed.index, options.platform, host, name);
          fetched = await this.client.getManifest({ ...ref2, digest: chosen.digest });
          descriptor = chosen;
        }
        const configBytes = await this.client.getBlobBytes(ref2, manifest.config.digest, MAX_CONFIG_BYTES, { size: manifest.config.size });
        const config = parseConfig(configBytes, {
          subject: `${name} config ${manifest.config.digest}`,
          descriptor: manifest.config,
          layerCount: manifest.layers.length
        });
        const layers = manifest.layers.map((d, i) => ({
          digest: d.digest,
          diffID: config.rootfs.diff_ids[i],
          size: d.size,
          mediaType: d.mediaType,
          open: () => this.openBlob(ref2, d)
        }));
        const image = {
          reference,
          manifestDigest: fetched.digest,
          availablePlatforms: platformIndex ? indexPlatforms(platformIndex.index) : [],
          platform: imagePlatform(config, "platform" in descriptor ? descriptor : void 0),
          manifest,
          configDigest: manifest.config.digest,
          config,
          layers,
          close: () => Promise.resolve()
        };
        if (platformIndex) image.indexDigest = platformIndex.digest;
        return image;
      }
      openBlob(ref2, d) {
        const progress = this.options.onProgress;
        return this.client.getBlob(ref2, d.digest, {
          size: d.size,
          ...progress ? { onProgress: (bytes, total) => progress({ digest: d.digest, bytes, total }) } : {}
        });
      }
    };
  }
});

// src/image/daemon.ts
import http2 from "node:http";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
function parseDockerHost(value2) {
  const text = value2 === void 0 || value2.trim() === "" ? DEFAULT_DOCKER_HOST : value2.trim();
  if (text.startsWith("unix://")) {
    const socketPath = text.slice("unix://".length);
    if (!socketPath.startsWith("/")) throw badHost(text, "the socket path must be absolute");
    return { kind: "unix", socketPath, text };
  }
  if (text.startsWith("/")) return { kind: "unix", socketPath: text, text: `unix://${text}` };
  const tcp = /^(?:tcp|http):\/\/(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?\/?$/.exec(text);
  if (tcp) return { kind: "tcp", host: tcp[1].replace(/^\[|\]$/g, ""), port: Number(tcp[2] ?? 2375), text };
  if (/^(npipe|ssh|https):/.test(text)) throw badHost(text, "only unix:// sockets and plain tcp:// are supported");
  throw badHost(text, "expected unix:///path/to/docker.sock or tcp://host:port");
}
function badHost(text, why) {
  return new ImageChangelogError("BAD_DOCKER_HOST", `invalid Docker host "${text}": ${why}`, { subject: text });
}
function checkName(name) {
  if (!DAEMON_NAME.test(name) || name.includes("..") || name.length > 512) {
    throw new ImageChangelogError("BAD_REFERENCE", `invalid image name for the Docker daemon: "${name}"`, { subject: name });
  }
}
async function readSmall(res, max) {
  const chunks = [];
  let total = 0;
  for await (const c of res) {
    total += c.length;
    if (total > max) {
      res.destroy();
      throw new ImageChangelogError("TOO_LARGE", `the Docker daemon's answer is over ${max} bytes`);
    }
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString("utf8");
}
function daemonImageName(reference) {
  const name = reference.replace(/^docker-daemon:/, "");
  if (name === "") throw new ImageChangelogError("BAD_REFERENCE", `no image named in "${reference}"`, { subject: reference });
  if (/^sha256:[a-f0-9]{64}$/.test(name) || name.includes("@")) return name;
  const lastSlash = name.lastIndexOf("/");
  return name.lastIndexOf(":") > lastSlash ? name : `${name}:latest`;
}
var DEFAULT_DOCKER_HOST, DAEMON_NAME, DockerEngine, DaemonSource;
var init_daemon = __esm({
  "src/image/daemon.ts"() {
    "use strict";
    init_errors();
    DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";
    DAEMON_NAME = /^[A-Za-z0-9][A-Za-z0-9._\-/:@[\]]*$/;
    DockerEngine = class {
      constructor(dockerHost, timeoutMs = 6e4) {
        this.timeoutMs = timeoutMs;
        this.endpoint = parseDockerHost(dockerHost);
      }
      timeoutMs;
      endpoint;
      request(path) {
        const e = this.endpoint;
        const where = e.kind === "unix" ? { socketPath: e.socketPath } : { host: e.host, port: e.port };
        return new Promise((resolve, reject) => {
          const req = http2.request({ ...where, path, method: "GET", headers: { host: "docker", "user-agent": "image-changelog" } }, resolve);
          req.setTimeout(this.timeoutMs, () => req.destroy(Object.assign(new Error("no answer"), { code: "ETIMEDOUT" })));
          req.on("error", (err2) => reject(this.unreachable(err2)));
          req.end();
        });
      }
      unreachable(err2) {
        const code = err2.code ?? err2.message;
        return new ImageChangelogError("DAEMON_UNREACHABLE", `cannot reach the Docker daemon at ${this.endpoint.text} (${code})`, {
          subject: this.endpoint.text,
          hint: "is Docker running? set DOCKER_HOST to its socket, e.g. unix:///var/run/docker.sock or tcp://host:2375",
          cause: err2
        });
      }
      async ping() {
        const res = await this.request("/_ping");
        const body = await readSmall(res, 4096);
        if (res.statusCode !== 200) {
          throw new ImageChangelogError("DAEMON_UNREACHABLE", `the Docker daemon at ${this.endpoint.text} answered ${res.statusCode} to /_ping`, {
            subject: this.endpoint.text,
            hint: body.slice(0, 100)
          });
        }
      }
      async inspect(name) {
        checkName(name);
        const res = await this.request(`/images/${name}/json`);
        const body = await readSmall(res, 16 * 1024 * 1024);
        if (res.statusCode === 404) {
          throw new ImageChangelogError("IMAGE_NOT_FOUND", `image ${name} is not in the Docker daemon at ${this.endpoint.text}`, {
            subject: name,
            hint: "build or pull it first (docker/build-push-action needs load: true)"
          });
        }
        if (res.statusCode !== 200) throw this.failure(`inspecting ${name}`, res.statusCode, body);
        let parsed;
        try {
          parsed = JSON.parse(body);
        } catch {
          throw new ImageChangelogError("DAEMON_ERROR", `the Docker daemon answered invalid JSON when inspecting ${name}`, { subject: name });
        }
        if (typeof parsed.Id !== "string" || !/^sha256:[a-f0-9]{64}$/.test(parsed.Id)) {
          throw new ImageChangelogError("DAEMON_ERROR", `the Docker daemon gave no image ID for ${name}`, { subject: name });
        }
        const strings = (v) => Array.isArray(v) ? v.filter((x) => typeof x === "string") : [];
        return { id: parsed.Id, repoTags: strings(parsed.RepoTags), repoDigests: strings(parsed.RepoDigests) };
      }
      /** `GET /images/{name}/get`: the `docker save` tar as a stream. */
      async export(name) {
        checkName(name);
        const res = await this.request(`/images/${name}/get`);
        if (res.statusCode !== 200) throw this.failure(`exporting ${name}`, res.statusCode, await readSmall(res, 64 * 1024));
        return res;
      }
      failure(what, status, body) {
        let message = "";
        try {
          const m = JSON.parse(body).message;
          if (typeof m === "string") message = `: ${m.replace(/\s+/g, " ").replace(/[^\x20-\x7e]/g, "?").slice(0, 200)}`;
        } catch {
        }
        return new ImageChangelogError("DAEMON_ERROR", `the Docker daemon answered ${status} ${what}${message}`, { subject: this.endpoint.text });
      }
    };
    DaemonSource = class {
      constructor(options) {
        this.options = options;
        this.engine = new DockerEngine(options.dockerHost, options.timeoutMs);
      }
      options;
      transport = "docker-daemon";
      engine;
      async open(reference, options) {
        const name = daemonImageName(reference);
        await this.engine.ping();
        const info = await this.engine.inspect(name);
        const dir = await mkdtemp(join(this.options.tmpDir ?? tmpdir(), "image-changelog-daemon-"));
        const archive = join(dir, "image.tar");
        try {
          const res = await this.engine.export(info.id);
          let bytes = 0;
          const onProgress = this.options.onProgress;
          if (onProgress) res.on("data", (c) => onProgress(bytes += c.length));
          await pipeline(res, createWriteStream(archive, { mode: 384 }));
          const image = await this.options.archiveSource.open(archive, options);
          const closeArchive = image.close.bind(image);
          let closed = false;
          image.reference = reference;
          image.close = async () => {
            if (closed) return;
            closed = true;
            await closeArchive();
            await rm(dir, { recursive: true, force: true });
          };
          return image;
        } catch (err2) {
          await rm(dir, { recursive: true, force: true });
          if (err2 instanceof ImageChangelogError) throw err2;
          throw new ImageChangelogError("DAEMON_ERROR", `exporting ${name} from the Docker daemon failed: ${err2.message}`, {
            subject: name,
            cause: err2
          });
        }
      }
      inspect(reference) {
        return this.engine.inspect(daemonImageName(reference));
      }
    };
  }
});

// src/image/local-reference.ts
import { stat } from "node:fs/promises";
async function exists(path) {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
async function splitLocalReference(rest) {
  if (await exists(rest)) return { path: rest };
  let firstColon = -1;
  for (let i = rest.indexOf(":"); i !== -1; i = rest.indexOf(":", i + 1)) {
    if (i === 0) continue;
    if (firstColon === -1) firstColon = i;
    if (await exists(rest.slice(0, i))) return withSelector(rest.slice(0, i), rest.slice(i + 1));
  }
  return firstColon === -1 ? { path: rest } : withSelector(rest.slice(0, firstColon), rest.slice(firstColon + 1));
}
function withSelector(path, selector) {
  return selector === "" ? { path } : { path, selector };
}
var init_local_reference = __esm({
  "src/image/local-reference.ts"() {
    "use strict";
  }
});

// src/image/tar-file.ts
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { posix } from "node:path";
import { Readable as Readable2 } from "node:stream";
function normalizeName(name) {
  const parts = name.split("/").filter((p) => p !== "" && p !== ".");
  return parts.join("/");
}
function readString(block, start, length) {
  const field = block.subarray(start, start + length);
  const nul = field.indexOf(0);
  return field.subarray(0, nul === -1 ? length : nul).toString("utf8");
}
function readNumber(block, start, length) {
  const field = block.subarray(start, start + length);
  if ((field[0] & 128) !== 0) {
    if ((field[0] & 64) !== 0) return Number.NaN;
    let value2 = field[0] & 63;
    for (let i = 1; i < field.length; i++) value2 = value2 * 256 + field[i];
    return Number.isSafeInteger(value2) ? value2 : Number.NaN;
  }
  const text = field.toString("latin1").replace(/\0.*$/s, "").trim();
  if (text === "") return 0;
  return /^[0-7]+$/.test(text) ? parseInt(text, 8) : Number.NaN;
}
function checksumOk(block) {
  const stored = readNumber(block, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 32 : block[i];
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}
function parsePax(buf, bad2) {
  const out = /* @__PURE__ */ new Map();
  let pos = 0;
  while (pos < buf.length) {
    if (buf[pos] === 0) break;
    const space = buf.indexOf(32, pos);
    const length = space === -1 ? Number.NaN : Number(buf.toString("latin1", pos, space));
    if (!Number.isSafeInteger(length) || length <= space - pos || pos + length > buf.length) throw bad2("malformed PAX record");
    const record = buf.toString("utf8", space + 1, pos + length - 1);
    const eq = record.indexOf("=");
    if (eq <= 0) throw bad2("malformed PAX record");
    out.set(record.slice(0, eq), record.slice(eq + 1));
    pos += length;
  }
  return out;
}
async function scan(path, handle, options) {
  const maxExtended = options.maxExtendedHeader ?? 1024 * 1024;
  const maxMembers = options.maxMembers ?? 1e6;
  const fileSize = (await handle.stat()).size;
  const members = /* @__PURE__ */ new Map();
  const block = Buffer.alloc(BLOCK);
  let pos = 0;
  let pax = /* @__PURE__ */ new Map();
  let longName;
  let longLink;
  const bad2 = (why, at = pos) => new ImageChangelogError("ARCHIVE_INVALID", `${path}: ${why} (tar header at offset ${at})`, { subject: path });
  const readContent = async (size2, offset) => {
    if (size2 > maxExtended) throw bad2(`extended header of ${size2} bytes is over the ${maxExtended}-byte limit`);
    const buf = Buffer.alloc(size2);
    const { bytesRead } = await handle.read(buf, 0, size2, offset);
    if (bytesRead !== size2) throw bad2("archive ends inside a header");
    return buf;
  };
  while (pos + BLOCK <= fileSize) {
    const { bytesRead } = await handle.read(block, 0, BLOCK, pos);
    if (bytesRead !== BLOCK) throw bad2("archive ends inside a header");
    if (block.every((b) => b === 0)) break;
    if (!checksumOk(block)) {
      throw bad2(pos === 0 ? "not a tar archive (header checksum does not match)" : "header checksum does not match: the archive is corrupt");
    }
    const typeflag = String.fromCharCode(block[156]);
    let size2 = readNumber(block, 124, 12);
    if (pax.has("size")) size2 = Number(pax.get("size"));
    if (!Number.isSafeInteger(size2) || size2 < 0) throw bad2("invalid size field");
    const offset = pos + BLOCK;
    if (offset + size2 > fileSize) throw bad2(`member claims ${size2} bytes but the archive ends at ${fileSize}`);
    const next = offset + Math.ceil(size2 / BLOCK) * BLOCK;
    if (typeflag === "x") {
      pax = parsePax(await readContent(size2, offset), (why) => bad2(why));
    } else if (typeflag === "g") {
    } else if (typeflag === "L") {
      longName = (await readContent(size2, offset)).toString("utf8").replace(/\0+$/, "");
    } else if (typeflag === "K") {
      longLink = (await readContent(size2, offset)).toString("utf8").replace(/\0+$/, "");
    } else {
      const magic2 = block.toString("latin1", 257, 263);
      const prefix = magic2 === "ustar\0" ? readString(block, 345, 155) : "";
      const rawName = pax.get("path") ?? longName ?? (prefix ? `${prefix}/${readString(block, 0, 100)}` : readString(block, 0, 100));
      const linkname = pax.get("linkpath") ?? longLink ?? readString(block, 157, 100);
      const type = typeflag === "0" || typeflag === "\0" || typeflag === "7" ? "file" : typeflag === "5" ? "directory" : typeflag === "2" ? "symlink" : typeflag === "1" ? "hardlink" : "other";
      const name = normalizeName(rawName);
      if (name !== "") {
        members.delete(name);
        members.set(name, { name, type, offset, size: type === "file" ? size2 : 0, ...linkname ? { linkname } : {} });
        if (members.size > maxMembers) throw bad2(`more than ${maxMembers} members`);
      }
      pax = /* @__PURE__ */ new Map();
      longName = void 0;
      longLink = void 0;
    }
    pos = next;
  }
  if (pos + BLOCK > fileSize && pos < fileSize) {
    const rest = Buffer.alloc(fileSize - pos);
    await handle.read(rest, 0, rest.length, pos);
    if (rest.some((b) => b !== 0)) throw bad2("archive ends inside a header (truncated)");
  }
  return members;
}
var BLOCK, TarFile;
var init_tar_file = __esm({
  "src/image/tar-file.ts"() {
    "use strict";
    init_errors();
    BLOCK = 512;
    TarFile = class _TarFile {
      constructor(path, handle, byName) {
        this.path = path;
        this.handle = handle;
        this.byName = byName;
      }
      path;
      handle;
      byName;
      static async open(path, options = {}) {
        let handle;
        try {
          handle = await open(path, "r");
        } catch (err2) {
          throw new ImageChangelogError("IMAGE_NOT_FOUND", `cannot open archive ${path}: ${err2.code ?? err2.message}`, {
            subject: path,
            cause: err2
          });
        }
        try {
          const members = await scan(path, handle, options);
          return new _TarFile(path, handle, members);
        } catch (err2) {
          await handle.close();
          throw err2;
        }
      }
      /** Member names in archive order of last appearance (later duplicates win, as in tar). */
      names() {
        return [...this.byName.keys()];
      }
      has(name) {
        return this.resolve(name, false) !== void 0;
      }
      /** The member holding `name`'s content, following symlinks and hardlinks inside the archive. */
      member(name) {
        return this.resolve(name, false);
      }
      resolve(name, strict) {
        let current = normalizeName(name);
        for (let hops = 0; hops < 16; hops++) {
          const m = this.byName.get(current);
          if (!m) break;
          if (m.type === "symlink" && m.linkname !== void 0) {
            if (m.linkname.startsWith("/")) break;
            current = normalizeName(posix.normalize(posix.join(posix.dirname(m.name), m.linkname)));
            if (current.startsWith("..")) break;
            continue;
          }
          if (m.type === "hardlink" && m.linkname !== void 0) {
            current = normalizeName(m.linkname);
            continue;
          }
          return m;
        }
        if (strict) throw this.error(`no regular file "${name}" in the archive`);
        return void 0;
      }
      /** A fresh stream of a member's content. */
      openMember(name) {
        const m = this.resolve(name, true);
        if (m.type !== "file") throw this.error(`"${name}" is not a regular file`);
        if (m.size === 0) return Readable2.from([]);
        return createReadStream(this.path, { start: m.offset, end: m.offset + m.size - 1 });
      }
      /** A member's whole content; refuses members over `maxBytes` before reading them. */
      async readMember(name, maxBytes, tooLargeCode = "MANIFEST_TOO_LARGE") {
        const m = this.resolve(name, true);
        if (m.type !== "file") throw this.error(`"${name}" is not a regular file`);
        if (m.size > maxBytes) {
          throw new ImageChangelogError(tooLargeCode, `${this.path}: ${name} is ${m.size} bytes, over the ${maxBytes}-byte limit`, { subject: name });
        }
        const buf = Buffer.alloc(m.size);
        const { bytesRead } = await this.handle.read(buf, 0, m.size, m.offset);
        if (bytesRead !== m.size) throw this.error(`${name} is truncated`);
        return buf;
      }
      /** The first bytes of a member (fewer when it is shorter), e.g. to sniff compression. */
      async readMemberPrefix(name, length) {
        const m = this.resolve(name, true);
        if (m.type !== "file") throw this.error(`"${name}" is not a regular file`);
        const buf = Buffer.alloc(Math.min(length, m.size));
        const { bytesRead } = await this.handle.read(buf, 0, buf.length, m.offset);
        return buf.subarray(0, bytesRead);
      }
      async close() {
        try {
          await this.handle.close();
        } catch {
        }
      }
      error(what) {
        return new ImageChangelogError("ARCHIVE_INVALID", `${this.path}: ${what}`, { subject: this.path });
      }
    };
  }
});

// src/image/docker-archive.ts
function invalid2(path, what) {
  return new ImageChangelogError("ARCHIVE_INVALID", `${path}: ${what}`, { subject: path });
}
function parseDockerManifestJson(bytes, path) {
  let doc;
  try {
    doc = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw invalid2(path, "manifest.json is not valid JSON");
  }
  if (!Array.isArray(doc) || doc.length === 0) throw invalid2(path, "manifest.json must be a non-empty array");
  return doc.map((e, i) => {
    const entry = e;
    const strings = (v) => Array.isArray(v) && v.every((x) => typeof x === "string");
    if (typeof entry !== "object" || entry === null || typeof entry.Config !== "string" || !strings(entry.Layers)) {
      throw invalid2(path, `manifest.json entry ${i} needs Config (a path) and Layers (paths)`);
    }
    if (entry.RepoTags !== void 0 && entry.RepoTags !== null && !strings(entry.RepoTags)) throw invalid2(path, `manifest.json entry ${i}: RepoTags must be strings`);
    return { Config: entry.Config, Layers: entry.Layers, RepoTags: entry.RepoTags ?? [] };
  });
}
function normalizeDockerName(name) {
  let n2 = name.replace(/^docker:\/\//, "");
  const slash = n2.indexOf("/");
  const first = slash === -1 ? "" : n2.slice(0, slash);
  if (slash === -1 || !(first.includes(".") || first.includes(":") || first === "localhost")) {
    n2 = `docker.io/${slash === -1 ? `library/${n2}` : n2}`;
  } else if (first === "index.docker.io") {
    n2 = `docker.io${n2.slice(slash)}`;
  }
  if (n2.startsWith("docker.io/") && n2.split("/").length === 2) n2 = n2.replace("docker.io/", "docker.io/library/");
  const lastSlash = n2.lastIndexOf("/");
  if (!n2.includes("@") && n2.lastIndexOf(":") < lastSlash) n2 = `${n2}:latest`;
  return n2;
}
function selectEntry(entries, selector, path) {
  const listing = () => entries.map((e, i) => e.RepoTags.length > 0 ? `@${i} (${e.RepoTags.join(", ")})` : `@${i} (untagged)`).join("; ");
  if (selector === void 0) {
    if (entries.length === 1) return entries[0];
    throw new ImageChangelogError("IMAGE_NOT_FOUND", `${path} holds ${entries.length} images; name one as docker-archive:${path}:NAME:TAG or :@INDEX: ${listing()}`, {
      subject: path
    });
  }
  const byIndex = /^@(\d+)$/.exec(selector);
  const found = byIndex ? entries[Number(byIndex[1])] : entries.find((e) => e.RepoTags.some((t) => normalizeDockerName(t) === normalizeDockerName(selector)));
  if (found) return found;
  throw new ImageChangelogError("IMAGE_NOT_FOUND", `no image "${selector}" in ${path}; it holds ${listing()}`, { subject: path });
}
async function findOciManifest(tar2, configDigest) {
  if (!tar2.has("index.json")) return void 0;
  const top = parseManifestOrIndex(await tar2.readMember("index.json", MAX_MANIFEST_BYTES), { subject: `${tar2.path} index.json` });
  if (top.kind !== "index") return void 0;
  const queue = top.index.manifests.map((d) => ({ d, depth: 0 }));
  for (let searched = 0; queue.length > 0 && searched < MAX_MANIFESTS_SEARCHED; searched++) {
    const { d, depth } = queue.shift();
    const blob = `blobs/sha256/${d.digest.slice(7)}`;
    if (isAttestation(d) || !tar2.has(blob)) continue;
    const parsed = parseManifestOrIndex(await tar2.readMember(blob, MAX_MANIFEST_BYTES), { subject: `${tar2.path} ${d.digest}`, descriptor: d });
    if (parsed.kind === "manifest" && parsed.manifest.config.digest === configDigest) return { digest: d.digest, manifest: parsed.manifest };
    if (parsed.kind === "index" && depth < 1) queue.push(...parsed.index.manifests.map((m) => ({ d: m, depth: depth + 1 })));
  }
  return void 0;
}
async function layerOf(tar2, path, diffID, declared) {
  const member = tar2.member(path);
  if (!member || member.type !== "file") throw invalid2(tar2.path, `layer ${path} named in manifest.json is missing`);
  const head = await tar2.readMemberPrefix(path, 4);
  const gzip = head[0] === 31 && head[1] === 139;
  const zstd = head.equals(Buffer.from([40, 181, 47, 253]));
  const fromPath = BLOB_PATH.exec(path)?.[1];
  let digest;
  if (fromPath) {
    digest = `sha256:${fromPath}`;
  } else if (!gzip && !zstd) {
    digest = diffID;
  } else {
    const hex = HEX_NAME.exec(path)?.[1];
    if (!hex || `sha256:${hex}` === diffID) throw invalid2(tar2.path, `compressed layer ${path} is not named by its digest; cannot verify it`);
    digest = `sha256:${hex}`;
  }
  const mediaType = declared?.mediaType ?? (gzip ? DOCKER_LAYER_GZIP : zstd ? OCI_LAYER_ZSTD : DOCKER_LAYER_TAR);
  return { digest, diffID, size: member.size, mediaType, open: () => Promise.resolve(tar2.openMember(path)) };
}
async function openDockerArchiveTar(tar2, reference, selector, _options) {
  try {
    if (!tar2.has("manifest.json")) throw invalid2(tar2.path, "not a docker-archive (no manifest.json)");
    const entries = parseDockerManifestJson(await tar2.readMember("manifest.json", MAX_MANIFEST_BYTES), tar2.path);
    const entry = selectEntry(entries, selector, tar2.path);
    if (!tar2.has(entry.Config)) throw invalid2(tar2.path, `config ${entry.Config} named in manifest.json is missing`);
    const configBytes = await tar2.readMember(entry.Config, MAX_CONFIG_BYTES, "CONFIG_TOO_LARGE");
    const configDigest = sha256Digest(configBytes);
    const namedHex = BLOB_PATH.exec(entry.Config)?.[1] ?? HEX_NAME.exec(entry.Config)?.[1];
    if (namedHex) verifyBytes(configBytes, { digest: `sha256:${namedHex}` }, `${tar2.path} ${entry.Config}`);
    const config = parseConfig(configBytes, { subject: `${tar2.path} ${entry.Config}`, layerCount: entry.Layers.length });
    const oci = await findOciManifest(tar2, configDigest);
    if (oci && oci.manifest.layers.length !== entry.Layers.length) {
      throw invalid2(tar2.path, `index.json's manifest ${oci.digest} has ${oci.manifest.layers.length} layers, manifest.json ${entry.Layers.length}`);
    }
    const layers = await Promise.all(entry.Layers.map((p, i) => layerOf(tar2, p, config.rootfs.diff_ids[i], oci?.manifest.layers[i])));
    const manifest = oci?.manifest ?? {
      schemaVersion: 2,
      mediaType: DOCKER_MANIFEST,
      config: { mediaType: DOCKER_CONFIG, digest: configDigest, size: configBytes.length },
      layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size }))
    };
    const manifestDigest = oci?.digest ?? sha256Digest(Buffer.from(JSON.stringify(manifest)));
    let closed = false;
    return {
      reference,
      manifestDigest,
      availablePlatforms: [],
      platform: imagePlatform(config),
      manifest,
      configDigest,
      config,
      layers,
      close: async () => {
        if (closed) return;
        closed = true;
        await tar2.close();
      }
    };
  } catch (err2) {
    await tar2.close();
    throw err2;
  }
}
var BLOB_PATH, HEX_NAME, MAX_MANIFESTS_SEARCHED, DockerArchiveSource;
var init_docker_archive = __esm({
  "src/image/docker-archive.ts"() {
    "use strict";
    init_errors();
    init_json();
    init_layout_image();
    init_local_reference();
    init_media_types();
    init_platform();
    init_tar_file();
    BLOB_PATH = /(?:^|\/)blobs\/sha256\/([a-f0-9]{64})$/;
    HEX_NAME = /(?:^|\/|sha256:)([a-f0-9]{64})(?:\.tar|\.json)?(?:\.gz|\.tgz|\.zst)?$/;
    MAX_MANIFESTS_SEARCHED = 64;
    DockerArchiveSource = class {
      constructor(sourceOptions = {}) {
        this.sourceOptions = sourceOptions;
      }
      sourceOptions;
      transport = "docker-archive";
      async open(reference, options) {
        const { path, selector } = await splitLocalReference(reference.replace(/^docker-archive:/, ""));
        const tar2 = await TarFile.open(path);
        return openDockerArchiveTar(tar2, reference, selector, { ...options, ...this.sourceOptions });
      }
    };
  }
});

// node_modules/semver/internal/constants.js
var require_constants = __commonJS({
  "node_modules/semver/internal/constants.js"(exports, module) {
    "use strict";
    var SEMVER_SPEC_VERSION = "2.0.0";
    var MAX_LENGTH = 256;
    var MAX_SAFE_INTEGER = Number.MAX_SAFE_INTEGER || /* istanbul ignore next */
    9007199254740991;
    var MAX_SAFE_COMPONENT_LENGTH = 16;
    var MAX_SAFE_BUILD_LENGTH = MAX_LENGTH - 6;
    var WHITESPACE_CHARACTERS = [
      "	",
      "\n",
      "\v",
      "\f",
      "\r",
      " ",
      "\xA0",
      "\u1680",
      "\u2000",
      "\u2001",
      "\u2002",
      "\u2003",
      "\u2004",
      "\u2005",
      "\u2006",
      "\u2007",
      "\u2008",
      "\u2009",
      "\u200A",
      "\u2028",
      "\u2029",
      "\u202F",
      "\u205F",
      "\u3000",
      "\uFEFF"
    ];
    var RELEASE_TYPES = [
      "major",
      "premajor",
      "minor",
      "preminor",
      "patch",
      "prepatch",
      "prerelease"
    ];
    module.exports = {
      MAX_LENGTH,
      MAX_SAFE_COMPONENT_LENGTH,
      MAX_SAFE_BUILD_LENGTH,
      MAX_SAFE_INTEGER,
      WHITESPACE_CHARACTERS,
      RELEASE_TYPES,
      SEMVER_SPEC_VERSION,
      FLAG_INCLUDE_PRERELEASE: 1,
      FLAG_LOOSE: 2
    };
  }
});

// node_modules/semver/internal/debug.js
var require_debug = __commonJS({
  "node_modules/semver/internal/debug.js"(exports, module) {
    "use strict";
    var debug = typeof process === "object" && process.env && process.env.NODE_DEBUG && /\bsemver\b/i.test(process.env.NODE_DEBUG) ? (...args) => console.error("SEMVER", ...args) : () => {
    };
    module.exports = debug;
  }
});

// node_modules/semver/internal/re.js
var require_re = __commonJS({
  "node_modules/semver/internal/re.js"(exports, module) {
    "use strict";
    var {
      MAX_SAFE_COMPONENT_LENGTH,
      MAX_SAFE_BUILD_LENGTH,
      MAX_LENGTH
    } = require_constants();
    var debug = require_debug();
    exports = module.exports = {};
    var re = exports.re = [];
    var safeRe = exports.safeRe = [];
    var src = exports.src = [];
    var safeSrc = exports.safeSrc = [];
    var t = exports.t = {};
    var R = 0;
    var LETTERDASHNUMBER = "[a-zA-Z0-9-]";
    var safeRegexReplacements = [
      ["\\s", 1],
      ["\\d", MAX_LENGTH],
      [LETTERDASHNUMBER, MAX_SAFE_BUILD_LENGTH]
    ];
    var makeSafeRegex = (value2) => {
      for (const [token, max] of safeRegexReplacements) {
        value2 = value2.split(`${token}*`).join(`${token}{0,${max}}`).split(`${token}+`).join(`${token}{1,${max}}`);
      }
      return value2;
    };
    var createToken = (name, value2, isGlobal) => {
      const safe2 = makeSafeRegex(value2);
      const index = R++;
      debug(name, index, value2);
      t[name] = index;
      src[index] = value2;
      safeSrc[index] = safe2;
      re[index] = new RegExp(value2, isGlobal ? "g" : void 0);
      safeRe[index] = new RegExp(safe2, isGlobal ? "g" : void 0);
    };
    createToken("NUMERICIDENTIFIER", "0|[1-9]\\d*");
    createToken("NUMERICIDENTIFIERLOOSE", "\\d+");
    createToken("NONNUMERICIDENTIFIER", `\\d*[a-zA-Z-]${LETTERDASHNUMBER}*`);
    createToken("MAINVERSION", `(${src[t.NUMERICIDENTIFIER]})\\.(${src[t.NUMERICIDENTIFIER]})\\.(${src[t.NUMERICIDENTIFIER]})`);
    createToken("MAINVERSIONLOOSE", `(${src[t.NUMERICIDENTIFIERLOOSE]})\\.(${src[t.NUMERICIDENTIFIERLOOSE]})\\.(${src[t.NUMERICIDENTIFIERLOOSE]})`);
    createToken("PRERELEASEIDENTIFIER", `(?:${src[t.NONNUMERICIDENTIFIER]}|${src[t.NUMERICIDENTIFIER]})`);
    createToken("PRERELEASEIDENTIFIERLOOSE", `(?:${src[t.NONNUMERICIDENTIFIER]}|${src[t.NUMERICIDENTIFIERLOOSE]})`);
    createToken("PRERELEASE", `(?:-(${src[t.PRERELEASEIDENTIFIER]}(?:\\.${src[t.PRERELEASEIDENTIFIER]})*))`);
    createToken("PRERELEASELOOSE", `(?:-?(${src[t.PRERELEASEIDENTIFIERLOOSE]}(?:\\.${src[t.PRERELEASEIDENTIFIERLOOSE]})*))`);
    createToken("BUILDIDENTIFIER", `${LETTERDASHNUMBER}+`);
    createToken("BUILD", `(?:\\+(${src[t.BUILDIDENTIFIER]}(?:\\.${src[t.BUILDIDENTIFIER]})*))`);
    createToken("FULLPLAIN", `v?${src[t.MAINVERSION]}${src[t.PRERELEASE]}?${src[t.BUILD]}?`);
    createToken("FULL", `^${src[t.FULLPLAIN]}$`);
    createToken("LOOSEPLAIN", `[v=\\s]*${src[t.MAINVERSIONLOOSE]}${src[t.PRERELEASELOOSE]}?${src[t.BUILD]}?`);
    createToken("LOOSE", `^${src[t.LOOSEPLAIN]}$`);
    createToken("GTLT", "((?:<|>)?=?)");
    createToken("XRANGEIDENTIFIERLOOSE", `${src[t.NUMERICIDENTIFIERLOOSE]}|x|X|\\*`);
    createToken("XRANGEIDENTIFIER", `${src[t.NUMERICIDENTIFIER]}|x|X|\\*`);
    createToken("XRANGEPLAIN", `[v=\\s]*(${src[t.XRANGEIDENTIFIER]})(?:\\.(${src[t.XRANGEIDENTIFIER]})(?:\\.(${src[t.XRANGEIDENTIFIER]})(?:${src[t.PRERELEASE]})?${src[t.BUILD]}?)?)?`);
    createToken("XRANGEPLAINLOOSE", `[v=\\s]*(${src[t.XRANGEIDENTIFIERLOOSE]})(?:\\.(${src[t.XRANGEIDENTIFIERLOOSE]})(?:\\.(${src[t.XRANGEIDENTIFIERLOOSE]})(?:${src[t.PRERELEASELOOSE]})?${src[t.BUILD]}?)?)?`);
    createToken("XRANGE", `^${src[t.GTLT]}\\s*${src[t.XRANGEPLAIN]}$`);
    createToken("XRANGELOOSE", `^${src[t.GTLT]}\\s*${src[t.XRANGEPLAINLOOSE]}$`);
    createToken("COERCEPLAIN", `${"(^|[^\\d])(\\d{1,"}${MAX_SAFE_COMPONENT_LENGTH}})(?:\\.(\\d{1,${MAX_SAFE_COMPONENT_LENGTH}}))?(?:\\.(\\d{1,${MAX_SAFE_COMPONENT_LENGTH}}))?`);
    createToken("COERCE", `${src[t.COERCEPLAIN]}(?:$|[^\\d])`);
    createToken("COERCEFULL", src[t.COERCEPLAIN] + `(?:${src[t.PRERELEASE]})?(?:${src[t.BUILD]})?(?:$|[^\\d])`);
    createToken("COERCERTL", src[t.COERCE], true);
    createToken("COERCERTLFULL", src[t.COERCEFULL], true);
    createToken("LONETILDE", "(?:~>?)");
    createToken("TILDETRIM", `(\\s*)${src[t.LONETILDE]}\\s+`, true);
    exports.tildeTrimReplace = "$1~";
    createToken("TILDE", `^${src[t.LONETILDE]}${src[t.XRANGEPLAIN]}$`);
    createToken("TILDELOOSE", `^${src[t.LONETILDE]}${src[t.XRANGEPLAINLOOSE]}$`);
    createToken("LONECARET", "(?:\\^)");
    createToken("CARETTRIM", `(\\s*)${src[t.LONECARET]}\\s+`, true);
    exports.caretTrimReplace = "$1^";
    createToken("CARET", `^${src[t.LONECARET]}${src[t.XRANGEPLAIN]}$`);
    createToken("CARETLOOSE", `^${src[t.LONECARET]}${src[t.XRANGEPLAINLOOSE]}$`);
    createToken("COMPARATORLOOSE", `^${src[t.GTLT]}\\s*(${src[t.LOOSEPLAIN]})$|^$`);
    createToken("COMPARATOR", `^${src[t.GTLT]}\\s*(${src[t.FULLPLAIN]})$|^$`);
    createToken("COMPARATORTRIM", `(\\s*)${src[t.GTLT]}\\s*(${src[t.LOOSEPLAIN]}|${src[t.XRANGEPLAIN]})`, true);
    exports.comparatorTrimReplace = "$1$2$3";
    createToken("HYPHENRANGE", `^\\s*(${src[t.XRANGEPLAIN]})\\s+-\\s+(${src[t.XRANGEPLAIN]})\\s*$`);
    createToken("HYPHENRANGELOOSE", `^\\s*(${src[t.XRANGEPLAINLOOSE]})\\s+-\\s+(${src[t.XRANGEPLAINLOOSE]})\\s*$`);
    createToken("STAR", "(<|>)?=?\\s*\\*");
    createToken("GTE0", "^\\s*>=\\s*0\\.0\\.0\\s*$");
    createToken("GTE0PRE", "^\\s*>=\\s*0\\.0\\.0-0\\s*$");
  }
});

// node_modules/semver/internal/parse-options.js
var require_parse_options = __commonJS({
  "node_modules/semver/internal/parse-options.js"(exports, module) {
    "use strict";
    var looseOption = Object.freeze({ loose: true });
    var emptyOpts = Object.freeze({});
    var parseOptions = (options) => {
      if (!options) {
        return emptyOpts;
      }
      if (typeof options !== "object") {
        return looseOption;
      }
      return options;
    };
    module.exports = parseOptions;
  }
});

// node_modules/semver/internal/identifiers.js
var require_identifiers = __commonJS({
  "node_modules/semver/internal/identifiers.js"(exports, module) {
    "use strict";
    var numeric = /^[0-9]+$/;
    var compareIdentifiers = (a, b) => {
      if (typeof a === "number" && typeof b === "number") {
        return a === b ? 0 : a < b ? -1 : 1;
      }
      const anum = numeric.test(a);
      const bnum = numeric.test(b);
      if (anum && bnum) {
        a = +a;
        b = +b;
      }
      return a === b ? 0 : anum && !bnum ? -1 : bnum && !anum ? 1 : a < b ? -1 : 1;
    };
    var rcompareIdentifiers = (a, b) => compareIdentifiers(b, a);
    module.exports = {
      compareIdentifiers,
      rcompareIdentifiers
    };
  }
});

// node_modules/semver/classes/semver.js
var require_semver = __commonJS({
  "node_modules/semver/classes/semver.js"(exports, module) {
    "use strict";
    var debug = require_debug();
    var { MAX_LENGTH, MAX_SAFE_INTEGER } = require_constants();
    var { safeRe: re, t } = require_re();
    var parseOptions = require_parse_options();
    var { compareIdentifiers } = require_identifiers();
    var isPrereleaseIdentifier = (prerelease, identifier) => {
      const identifiers = identifier.split(".");
      if (identifiers.length > prerelease.length) {
        return false;
      }
      for (let i = 0; i < identifiers.length; i++) {
        if (compareIdentifiers(prerelease[i], identifiers[i]) !== 0) {
          return false;
        }
      }
      return true;
    };
    var SemVer = class _SemVer {
      constructor(version2, options) {
        options = parseOptions(options);
        if (version2 instanceof _SemVer) {
          if (version2.loose === !!options.loose && version2.includePrerelease === !!options.includePrerelease) {
            return version2;
          } else {
            version2 = version2.version;
          }
        } else if (typeof version2 !== "string") {
          throw new TypeError(`Invalid version. Must be a string. Got type "${typeof version2}".`);
        }
        if (version2.length > MAX_LENGTH) {
          throw new TypeError(
            `version is longer than ${MAX_LENGTH} characters`
          );
        }
        debug("SemVer", version2, options);
        this.options = options;
        this.loose = !!options.loose;
        this.includePrerelease = !!options.includePrerelease;
        const m = version2.trim().match(options.loose ? re[t.LOOSE] : re[t.FULL]);
        if (!m) {
          throw new TypeError(`Invalid Version: ${version2}`);
        }
        this.raw = version2;
        this.major = +m[1];
        this.minor = +m[2];
        this.patch = +m[3];
        if (this.major > MAX_SAFE_INTEGER || this.major < 0) {
          throw new TypeError("Invalid major version");
        }
        if (this.minor > MAX_SAFE_INTEGER || this.minor < 0) {
          throw new TypeError("Invalid minor version");
        }
        if (this.patch > MAX_SAFE_INTEGER || this.patch < 0) {
          throw new TypeError("Invalid patch version");
        }
        if (!m[4]) {
          this.prerelease = [];
        } else {
          this.prerelease = m[4].split(".").map((id) => {
            if (/^[0-9]+$/.test(id)) {
              const num = +id;
              if (num >= 0 && num < MAX_SAFE_INTEGER) {
                return num;
              }
            }
            return id;
          });
        }
        this.build = m[5] ? m[5].split(".") : [];
        this.format();
      }
      format() {
        this.version = `${this.major}.${this.minor}.${this.patch}`;
        if (this.prerelease.length) {
          this.version += `-${this.prerelease.join(".")}`;
        }
        return this.version;
      }
      toString() {
        return this.version;
      }
      compare(other) {
        debug("SemVer.compare", this.version, this.options, other);
        if (!(other instanceof _SemVer)) {
          if (typeof other === "string" && other === this.version) {
            return 0;
          }
          other = new _SemVer(other, this.options);
        }
        if (other.version === this.version) {
          return 0;
        }
        return this.compareMain(other) || this.comparePre(other);
      }
      compareMain(other) {
        if (!(other instanceof _SemVer)) {
          other = new _SemVer(other, this.options);
        }
        if (this.major < other.major) {
          return -1;
        }
        if (this.major > other.major) {
          return 1;
        }
        if (this.minor < other.minor) {
          return -1;
        }
        if (this.minor > other.minor) {
          return 1;
        }
        if (this.patch < other.patch) {
          return -1;
        }
        if (this.patch > other.patch) {
          return 1;
        }
        return 0;
      }
      comparePre(other) {
        if (!(other instanceof _SemVer)) {
          other = new _SemVer(other, this.options);
        }
        if (this.prerelease.length && !other.prerelease.length) {
          return -1;
        } else if (!this.prerelease.length && other.prerelease.length) {
          return 1;
        } else if (!this.prerelease.length && !other.prerelease.length) {
          return 0;
        }
        let i = 0;
        do {
          const a = this.prerelease[i];
          const b = other.prerelease[i];
          debug("prerelease compare", i, a, b);
          if (a === void 0 && b === void 0) {
            return 0;
          } else if (b === void 0) {
            return 1;
          } else if (a === void 0) {
            return -1;
          } else if (a === b) {
            continue;
          } else {
            return compareIdentifiers(a, b);
          }
        } while (++i);
      }
      compareBuild(other) {
        if (!(other instanceof _SemVer)) {
          other = new _SemVer(other, this.options);
        }
        let i = 0;
        do {
          const a = this.build[i];
          const b = other.build[i];
          debug("build compare", i, a, b);
          if (a === void 0 && b === void 0) {
            return 0;
          } else if (b === void 0) {
            return 1;
          } else if (a === void 0) {
            return -1;
          } else if (a === b) {
            continue;
          } else {
            return compareIdentifiers(a, b);
          }
        } while (++i);
      }
      // preminor will bump the version up to the next minor release, and immediately
      // down to pre-release. premajor and prepatch work the same way.
      inc(release, identifier, identifierBase) {
        if (release.startsWith("pre")) {
          if (!identifier && identifierBase === false) {
            throw new Error("invalid increment argument: identifier is empty");
          }
          if (identifier) {
            const match = `-${identifier}`.match(this.options.loose ? re[t.PRERELEASELOOSE] : re[t.PRERELEASE]);
            if (!match || match[1] !== identifier) {
              throw new Error(`invalid identifier: ${identifier}`);
            }
          }
        }
        switch (release) {
          case "premajor":
            this.prerelease.length = 0;
            this.patch = 0;
            this.minor = 0;
            this.major++;
            this.inc("pre", identifier, identifierBase);
            break;
          case "preminor":
            this.prerelease.length = 0;
            this.patch = 0;
            this.minor++;
            this.inc("pre", identifier, identifierBase);
            break;
          case "prepatch":
            this.prerelease.length = 0;
            this.inc("patch", identifier, identifierBase);
            this.inc("pre", identifier, identifierBase);
            break;
          // If the input is a non-prerelease version, this acts the same as
          // prepatch.
          case "prerelease":
            if (this.prerelease.length === 0) {
              this.inc("patch", identifier, identifierBase);
            }
            this.inc("pre", identifier, identifierBase);
            break;
          case "release":
            if (this.prerelease.length === 0) {
              throw new Error(`version ${this.raw} is not a prerelease`);
            }
            this.prerelease.length = 0;
            break;
          case "major":
            if (this.minor !== 0 || this.patch !== 0 || this.prerelease.length === 0) {
              this.major++;
            }
            this.minor = 0;
            this.patch = 0;
            this.prerelease = [];
            break;
          case "minor":
            if (this.patch !== 0 || this.prerelease.length === 0) {
              this.minor++;
            }
            this.patch = 0;
            this.prerelease = [];
            break;
          case "patch":
            if (this.prerelease.length === 0) {
              this.patch++;
            }
            this.prerelease = [];
            break;
          // This probably shouldn't be used publicly.
          // 1.0.0 'pre' would become 1.0.0-0 which is the wrong direction.
          case "pre": {
            const base = Number(identifierBase) ? 1 : 0;
            if (this.prerelease.length === 0) {
              this.prerelease = [base];
            } else {
              let i = this.prerelease.length;
              while (--i >= 0) {
                if (typeof this.prerelease[i] === "number") {
                  this.prerelease[i]++;
                  i = -2;
                }
              }
              if (i === -1) {
                if (identifier === this.prerelease.join(".") && identifierBase === false) {
                  throw new Error("invalid increment argument: identifier already exists");
                }
                this.prerelease.push(base);
              }
            }
            if (identifier) {
              let prerelease = [identifier, base];
              if (identifierBase === false) {
                prerelease = [identifier];
              }
              if (isPrereleaseIdentifier(this.prerelease, identifier)) {
                const prereleaseBase = this.prerelease[identifier.split(".").length];
                if (isNaN(prereleaseBase)) {
                  this.prerelease = prerelease;
                }
              } else {
                this.prerelease = prerelease;
              }
            }
            break;
          }
          default:
            throw new Error(`invalid increment argument: ${release}`);
        }
        this.raw = this.format();
        if (this.build.length) {
          this.raw += `+${this.build.join(".")}`;
        }
        return this;
      }
    };
    module.exports = SemVer;
  }
});

// node_modules/semver/functions/parse.js
var require_parse = __commonJS({
  "node_modules/semver/functions/parse.js"(exports, module) {
    "use strict";
    var SemVer = require_semver();
    var parse4 = (version2, options, throwErrors = false) => {
      if (version2 instanceof SemVer) {
        return version2;
      }
      try {
        return new SemVer(version2, options);
      } catch (er) {
        if (!throwErrors) {
          return null;
        }
        throw er;
      }
    };
    module.exports = parse4;
  }
});

// node_modules/semver/functions/valid.js
var require_valid = __commonJS({
  "node_modules/semver/functions/valid.js"(exports, module) {
    "use strict";
    var parse4 = require_parse();
    var valid = (version2, options) => {
      const v = parse4(version2, options);
      return v ? v.version : null;
    };
    module.exports = valid;
  }
});

// node_modules/semver/functions/clean.js
var require_clean = __commonJS({
  "node_modules/semver/functions/clean.js"(exports, module) {
    "use strict";
    var parse4 = require_parse();
    var clean = (version2, options) => {
      const s = parse4(version2.trim().replace(/^[=v]+/, ""), options);
      return s ? s.version : null;
    };
    module.exports = clean;
  }
});

// node_modules/semver/functions/inc.js
var require_inc = __commonJS({
  "node_modules/semver/functions/inc.js"(exports, module) {
    "use strict";
    var SemVer = require_semver();
    var inc = (version2, release, options, identifier, identifierBase) => {
      if (typeof options === "string") {
        identifierBase = identifier;
        identifier = options;
        options = void 0;
      }
      try {
        return new SemVer(
          version2 instanceof SemVer ? version2.version : version2,
          options
        ).inc(release, identifier, identifierBase).version;
      } catch (er) {
        return null;
      }
    };
    module.exports = inc;
  }
});

// node_modules/semver/functions/diff.js
var require_diff = __commonJS({
  "node_modules/semver/functions/diff.js"(exports, module) {
    "use strict";
    var parse4 = require_parse();
    var diff = (version1, version2) => {
      const v1 = parse4(version1, null, true);
      const v2 = parse4(version2, null, true);
      const comparison = v1.compare(v2);
      if (comparison === 0) {
        return null;
      }
      const v1Higher = comparison > 0;
      const highVersion = v1Higher ? v1 : v2;
      const lowVersion = v1Higher ? v2 : v1;
      const highHasPre = !!highVersion.prerelease.length;
      const lowHasPre = !!lowVersion.prerelease.length;
      if (lowHasPre && !highHasPre) {
        if (!lowVersion.patch && !lowVersion.minor) {
          return "major";
        }
        if (lowVersion.compareMain(highVersion) === 0) {
          if (lowVersion.minor && !lowVersion.patch) {
            return "minor";
          }
          return "patch";
        }
      }
      const prefix = highHasPre ? "pre" : "";
      if (v1.major !== v2.major) {
        return prefix + "major";
      }
      if (v1.minor !== v2.minor) {
        return prefix + "minor";
      }
      if (v1.patch !== v2.patch) {
        return prefix + "patch";
      }
      return "prerelease";
    };
    module.exports = diff;
  }
});

// node_modules/semver/functions/major.js
var require_major = __commonJS({
  "node_modules/semver/functions/major.js"(exports, module) {
    "use strict";
    var SemVer = require_semver();
    var major = (a, loose) => new SemVer(a, loose).major;
    module.exports = major;
  }
});

// node_modules/semver/functions/minor.js
var require_minor = __commonJS({
  "node_modules/semver/functions/minor.js"(exports, module) {
    "use strict";
    var SemVer = require_semver();
    var minor = (a, loose) => new SemVer(a, loose).minor;
    module.exports = minor;
  }
});

// node_modules/semver/functions/patch.js
var require_patch = __commonJS({
  "node_modules/semver/functions/patch.js"(exports, module) {
    "use strict";
    var SemVer = require_semver();
    var patch = (a, loose) => new SemVer(a, loose).patch;
    module.exports = patch;
  }
});

// node_modules/semver/functions/prerelease.js
var require_prerelease = __commonJS({
  "node_modules/semver/functions/prerelease.js"(exports, module) {
    "use strict";
    var parse4 = require_parse();
    var prerelease = (version2, options) => {
      const parsed = parse4(version2, options);
      return parsed && parsed.prerelease.length ? parsed.prerelease : null;
    };
    module.exports = prerelease;
  }
});

// node_modules/semver/functions/compare.js
var require_compare = __commonJS({
  "node_modules/semver/functions/compare.js"(exports, module) {
    "use strict";
    var SemVer = require_semver();
    var compare4 = (a, b, loose) => new SemVer(a, loose).compare(new SemVer(b, loose));
    module.exports = compare4;
  }
});

// node_modules/semver/functions/rcompare.js
var require_rcompare = __commonJS({
  "node_modules/semver/functions/rcompare.js"(exports, module) {
    "use strict";
    var compare4 = require_compare();
    var rcompare = (a, b, loose) => compare4(b, a, loose);
    module.exports = rcompare;
  }
});

// node_modules/semver/functions/compare-loose.js
var require_compare_loose = __commonJS({
  "node_modules/semver/functions/compare-loose.js"(exports, module) {
    "use strict";
    var compare4 = require_compare();
    var compareLoose2 = (a, b) => compare4(a, b, true);
    module.exports = compareLoose2;
  }
});

// node_modules/semver/functions/compare-build.js
var require_compare_build = __commonJS({
  "node_modules/semver/functions/compare-build.js"(exports, module) {
    "use strict";
    var SemVer = require_semver();
    var compareBuild = (a, b, loose) => {
      const versionA = new SemVer(a, loose);
      const versionB = new SemVer(b, loose);
      return versionA.compare(versionB) || versionA.compareBuild(versionB);
    };
    module.exports = compareBuild;
  }
});

// node_modules/semver/functions/sort.js
var require_sort = __commonJS({
  "node_modules/semver/functions/sort.js"(exports, module) {
    "use strict";
    var compareBuild = require_compare_build();
    var sort = (list2, loose) => list2.sort((a, b) => compareBuild(a, b, loose));
    module.exports = sort;
  }
});

// node_modules/semver/functions/rsort.js
var require_rsort = __commonJS({
  "node_modules/semver/functions/rsort.js"(exports, module) {
    "use strict";
    var compareBuild = require_compare_build();
    var rsort = (list2, loose) => list2.sort((a, b) => compareBuild(b, a, loose));
    module.exports = rsort;
  }
});

// node_modules/semver/functions/gt.js
var require_gt = __commonJS({
  "node_modules/semver/functions/gt.js"(exports, module) {
    "use strict";
    var compare4 = require_compare();
    var gt = (a, b, loose) => compare4(a, b, loose) > 0;
    module.exports = gt;
  }
});

// node_modules/semver/functions/lt.js
var require_lt = __commonJS({
  "node_modules/semver/functions/lt.js"(exports, module) {
    "use strict";
    var compare4 = require_compare();
    var lt = (a, b, loose) => compare4(a, b, loose) < 0;
    module.exports = lt;
  }
});

// node_modules/semver/functions/eq.js
var require_eq = __commonJS({
  "node_modules/semver/functions/eq.js"(exports, module) {
    "use strict";
    var compare4 = require_compare();
    var eq = (a, b, loose) => compare4(a, b, loose) === 0;
    module.exports = eq;
  }
});

// node_modules/semver/functions/neq.js
var require_neq = __commonJS({
  "node_modules/semver/functions/neq.js"(exports, module) {
    "use strict";
    var compare4 = require_compare();
    var neq = (a, b, loose) => compare4(a, b, loose) !== 0;
    module.exports = neq;
  }
});

// node_modules/semver/functions/gte.js
var require_gte = __commonJS({
  "node_modules/semver/functions/gte.js"(exports, module) {
    "use strict";
    var compare4 = require_compare();
    var gte = (a, b, loose) => compare4(a, b, loose) >= 0;
    module.exports = gte;
  }
});

// node_modules/semver/functions/lte.js
var require_lte = __commonJS({
  "node_modules/semver/functions/lte.js"(exports, module) {
    "use strict";
    var compare4 = require_compare();
    var lte = (a, b, loose) => compare4(a, b, loose) <= 0;
    module.exports = lte;
  }
});

// node_modules/semver/functions/cmp.js
var require_cmp = __commonJS({
  "node_modules/semver/functions/cmp.js"(exports, module) {
    "use strict";
    var eq = require_eq();
    var neq = require_neq();
    var gt = require_gt();
    var gte = require_gte();
    var lt = require_lt();
    var lte = require_lte();
    var cmp2 = (a, op, b, loose) => {
      switch (op) {
        case "===":
          if (typeof a === "object") {
            a = a.version;
          }
          if (typeof b === "object") {
            b = b.version;
          }
          return a === b;
        case "!==":
          if (typeof a === "object") {
            a = a.version;
          }
          if (typeof b === "object") {
            b = b.version;
          }
          return a !== b;
        case "":
        case "=":
        case "==":
          return eq(a, b, loose);
        case "!=":
          return neq(a, b, loose);
        case ">":
          return gt(a, b, loose);
        case ">=":
          return gte(a, b, loose);
        case "<":
          return lt(a, b, loose);
        case "<=":
          return lte(a, b, loose);
        default:
          throw new TypeError(`Invalid operator: ${op}`);
      }
    };
    module.exports = cmp2;
  }
});

// node_modules/semver/functions/coerce.js
var require_coerce = __commonJS({
  "node_modules/semver/functions/coerce.js"(exports, module) {
    "use strict";
    var SemVer = require_semver();
    var parse4 = require_parse();
    var { safeRe: re, t } = require_re();
    var coerce = (version2, options) => {
      if (version2 instanceof SemVer) {
        return version2;
      }
      if (typeof version2 === "number") {
        version2 = String(version2);
      }
      if (typeof version2 !== "string") {
        return null;
      }
      options = options || {};
      let match = null;
      if (!options.rtl) {
        match = version2.match(options.includePrerelease ? re[t.COERCEFULL] : re[t.COERCE]);
      } else {
        const coerceRtlRegex = options.includePrerelease ? re[t.COERCERTLFULL] : re[t.COERCERTL];
        let next;
        while ((next = coerceRtlRegex.exec(version2)) && (!match || match.index + match[0].length !== version2.length)) {
          if (!match || next.index + next[0].length !== match.index + match[0].length) {
            match = next;
          }
          coerceRtlRegex.lastIndex = next.index + next[1].length + next[2].length;
        }
        coerceRtlRegex.lastIndex = -1;
      }
      if (match === null) {
        return null;
      }
      const major = match[2];
      const minor = match[3] || "0";
      const patch = match[4] || "0";
      const prerelease = options.includePrerelease && match[5] ? `-${match[5]}` : "";
      const build = options.includePrerelease && match[6] ? `+${match[6]}` : "";
      return parse4(`${major}.${minor}.${patch}${prerelease}${build}`, options);
    };
    module.exports = coerce;
  }
});

// node_modules/semver/functions/truncate.js
var require_truncate = __commonJS({
  "node_modules/semver/functions/truncate.js"(exports, module) {
    "use strict";
    var parse4 = require_parse();
    var constants = require_constants();
    var SemVer = require_semver();
    var truncate = (version2, truncation, options) => {
      if (!constants.RELEASE_TYPES.includes(truncation)) {
        return null;
      }
      const clonedVersion = cloneInputVersion(version2, options);
      return clonedVersion && doTruncation(clonedVersion, truncation);
    };
    var cloneInputVersion = (version2, options) => {
      const versionStringToParse = version2 instanceof SemVer ? version2.version : version2;
      return parse4(versionStringToParse, options);
    };
    var doTruncation = (version2, truncation) => {
      if (isPrerelease(truncation)) {
        return version2.version;
      }
      version2.prerelease = [];
      switch (truncation) {
        case "major":
          version2.minor = 0;
          version2.patch = 0;
          break;
        case "minor":
          version2.patch = 0;
          break;
      }
      return version2.format();
    };
    var isPrerelease = (type) => {
      return type.startsWith("pre");
    };
    module.exports = truncate;
  }
});

// node_modules/semver/internal/lrucache.js
var require_lrucache = __commonJS({
  "node_modules/semver/internal/lrucache.js"(exports, module) {
    "use strict";
    var LRUCache = class {
      constructor() {
        this.max = 1e3;
        this.map = /* @__PURE__ */ new Map();
      }
      get(key) {
        const value2 = this.map.get(key);
        if (value2 === void 0) {
          return void 0;
        } else {
          this.map.delete(key);
          this.map.set(key, value2);
          return value2;
        }
      }
      delete(key) {
        return this.map.delete(key);
      }
      set(key, value2) {
        const deleted = this.delete(key);
        if (!deleted && value2 !== void 0) {
          if (this.map.size >= this.max) {
            const firstKey = this.map.keys().next().value;
            this.delete(firstKey);
          }
          this.map.set(key, value2);
        }
        return this;
      }
    };
    module.exports = LRUCache;
  }
});

// node_modules/semver/internal/trim-comparator-whitespace.js
var require_trim_comparator_whitespace = __commonJS({
  "node_modules/semver/internal/trim-comparator-whitespace.js"(exports, module) {
    "use strict";
    var {
      MAX_LENGTH,
      MAX_SAFE_BUILD_LENGTH,
      WHITESPACE_CHARACTERS
    } = require_constants();
    var whitespace = new Uint8Array(65536);
    for (const char of WHITESPACE_CHARACTERS) {
      whitespace[char.charCodeAt(0)] = 1;
    }
    var isWhitespace = (char) => char !== void 0 && whitespace[char.charCodeAt(0)] === 1;
    var isVersionPrefix = (char) => char === "v" || char === "=" || isWhitespace(char);
    var isDigit4 = (char) => char !== void 0 && char >= "0" && char <= "9";
    var isLetter2 = (char) => char !== void 0 && (char >= "a" && char <= "z" || char >= "A" && char <= "Z");
    var isIdentifierCharacter = (char) => isDigit4(char) || isLetter2(char) || char === "-";
    var isVersionStart = (char) => isDigit4(char) || char === "x" || char === "X" || char === "*";
    var findDigitsEndIndex = (range, start, limit, digitRuns) => {
      if (!isDigit4(range[start])) {
        return start;
      }
      if (start >= digitRuns.start && start < digitRuns.end) {
        return Math.min(start + limit, digitRuns.end);
      }
      if (start >= digitRuns.previousStart && start < digitRuns.previousEnd) {
        return Math.min(start + limit, digitRuns.previousEnd);
      }
      let end = start + 1;
      while (isDigit4(range[end])) {
        end++;
      }
      digitRuns.previousStart = digitRuns.start;
      digitRuns.previousEnd = digitRuns.end;
      digitRuns.start = start;
      digitRuns.end = end;
      return Math.min(start + limit, end);
    };
    var findVersionNumberEndIndex = (range, start, loose, digitRuns) => {
      if (!loose && range[start] === "0") {
        return start + 1;
      }
      return findDigitsEndIndex(range, start, loose ? MAX_LENGTH : MAX_LENGTH + 1, digitRuns);
    };
    var findPrereleaseIdentifierEndIndex = (range, start, loose, digitRuns) => {
      const digitsEnd = findDigitsEndIndex(range, start, MAX_LENGTH, digitRuns);
      if (isLetter2(range[digitsEnd]) || range[digitsEnd] === "-") {
        let end = digitsEnd + 1;
        const limit = end + MAX_SAFE_BUILD_LENGTH;
        while (end < limit && isIdentifierCharacter(range[end])) {
          end++;
        }
        return end;
      }
      return findVersionNumberEndIndex(range, start, loose, digitRuns);
    };
    var findPrereleaseEndIndex = (range, start, loose, digitRuns) => {
      const hyphen = range[start] === "-";
      if (!loose && !hyphen) {
        return start;
      }
      const identifierStart = start + (hyphen ? 1 : 0);
      let end = findPrereleaseIdentifierEndIndex(range, identifierStart, loose, digitRuns);
      if (end === identifierStart) {
        if (!loose || !hyphen) {
          return start;
        }
        end = findPrereleaseIdentifierEndIndex(range, start, loose, digitRuns);
      }
      while (range[end] === ".") {
        const next = findPrereleaseIdentifierEndIndex(range, end + 1, loose, digitRuns);
        if (next === end + 1) {
          break;
        }
        end = next;
      }
      return end;
    };
    var findBuildIdentifierEndIndex = (range, start) => {
      let end = start;
      while (end - start < MAX_SAFE_BUILD_LENGTH && isIdentifierCharacter(range[end])) {
        end++;
      }
      return end;
    };
    var findBuildEndIndex = (range, start) => {
      if (range[start] !== "+") {
        return start;
      }
      let end = findBuildIdentifierEndIndex(range, start + 1);
      if (end === start + 1) {
        return start;
      }
      while (range[end] === ".") {
        const next = findBuildIdentifierEndIndex(range, end + 1);
        if (next === end + 1) {
          break;
        }
        end = next;
      }
      return end;
    };
    var findLooseFullVersionEndIndex = (range, start, digitRuns) => {
      let end = start;
      for (let component = 0; component < 3; component++) {
        const next = findVersionNumberEndIndex(range, end, true, digitRuns);
        if (next === end) {
          return start;
        }
        end = next;
        if (component < 2) {
          if (range[end] !== ".") {
            return start;
          }
          end++;
        }
      }
      const prereleaseEnd = findPrereleaseEndIndex(range, end, true, digitRuns);
      return findBuildEndIndex(range, prereleaseEnd);
    };
    var findPartialVersionComponentEndIndex = (range, start, digitRuns) => {
      if (isDigit4(range[start])) {
        return findVersionNumberEndIndex(range, start, false, digitRuns);
      }
      return isVersionStart(range[start]) ? start + 1 : start;
    };
    var findPartialVersionEndIndex = (range, start, digitRuns) => {
      let end = findPartialVersionComponentEndIndex(range, start, digitRuns);
      for (let component = 0; component < 2; component++) {
        if (range[end] !== ".") {
          return end;
        }
        const next = findPartialVersionComponentEndIndex(range, end + 1, digitRuns);
        if (next === end + 1) {
          return end;
        }
        end = next;
      }
      const prereleaseEnd = findPrereleaseEndIndex(range, end, false, digitRuns);
      return findBuildEndIndex(range, prereleaseEnd);
    };
    var findVersionEndIndex = (range, start, digitRuns) => {
      const fullVersionEnd = findLooseFullVersionEndIndex(range, start, digitRuns);
      return fullVersionEnd !== start ? fullVersionEnd : findPartialVersionEndIndex(range, start, digitRuns);
    };
    var findRemovableWhitespaceIndex = (range, matchStart) => {
      let position = matchStart;
      if (isWhitespace(range[position])) {
        position++;
      }
      if (range[position] === "<" || range[position] === ">") {
        position++;
      }
      if (range[position] === "=") {
        position++;
      }
      return isWhitespace(range[position]) ? position : -1;
    };
    var trimComparatorWhitespace = (range) => {
      let result = "";
      let copyFrom = 0;
      let cursor = 0;
      const digitRuns = { start: -1, end: -1, previousStart: -1, previousEnd: -1 };
      while (cursor < range.length) {
        const matchStart = cursor;
        if (range[cursor] === "<" || range[cursor] === ">") {
          cursor++;
        } else if (!isVersionPrefix(range[cursor]) && !isVersionStart(range[cursor])) {
          cursor++;
          continue;
        }
        while (cursor < range.length && isVersionPrefix(range[cursor])) {
          cursor++;
        }
        if (!isVersionStart(range[cursor])) {
          continue;
        }
        const whitespacePosition = findRemovableWhitespaceIndex(range, matchStart);
        if (whitespacePosition !== -1) {
          result += range.slice(copyFrom, whitespacePosition);
          copyFrom = whitespacePosition + 1;
        }
        cursor = findVersionEndIndex(range, cursor, digitRuns);
      }
      return result + range.slice(copyFrom);
    };
    module.exports = trimComparatorWhitespace;
  }
});

// node_modules/semver/classes/range.js
var require_range = __commonJS({
  "node_modules/semver/classes/range.js"(exports, module) {
    "use strict";
    var SPACE_CHARACTERS = /\s+/g;
    var Range = class _Range {
      constructor(range, options) {
        options = parseOptions(options);
        if (range instanceof _Range) {
          if (range.loose === !!options.loose && range.includePrerelease === !!options.includePrerelease) {
            return range;
          } else {
            return new _Range(range.raw, options);
          }
        }
        if (range instanceof Comparator) {
          this.raw = range.value;
          this.set = [[range]];
          this.formatted = void 0;
          return this;
        }
        this.options = options;
        this.loose = !!options.loose;
        this.includePrerelease = !!options.includePrerelease;
        this.raw = range.trim().replace(SPACE_CHARACTERS, " ");
        this.set = this.raw.split("||").map((r) => this.parseRange(r.trim())).filter((c) => c.length);
        if (!this.set.length) {
          throw new TypeError(`Invalid SemVer Range: ${this.raw}`);
        }
        if (this.set.length > 1) {
          const first = this.set[0];
          this.set = this.set.filter((c) => !isNullSet(c[0]));
          if (this.set.length === 0) {
            this.set = [first];
          } else if (this.set.length > 1) {
            for (const c of this.set) {
              if (c.length === 1 && isAny(c[0])) {
                this.set = [c];
                break;
              }
            }
          }
        }
        this.formatted = void 0;
      }
      get range() {
        if (this.formatted === void 0) {
          this.formatted = "";
          for (let i = 0; i < this.set.length; i++) {
            if (i > 0) {
              this.formatted += "||";
            }
            const comps = this.set[i];
            for (let k = 0; k < comps.length; k++) {
              if (k > 0) {
                this.formatted += " ";
              }
              this.formatted += comps[k].toString().trim();
            }
          }
        }
        return this.formatted;
      }
      format() {
        return this.range;
      }
      toString() {
        return this.range;
      }
      parseRange(range) {
        range = range.replace(BUILDSTRIPRE, "");
        const memoOpts = (this.options.includePrerelease && FLAG_INCLUDE_PRERELEASE) | (this.options.loose && FLAG_LOOSE);
        const memoKey = memoOpts + ":" + range;
        const cached = cache.get(memoKey);
        if (cached) {
          return cached;
        }
        const loose = this.options.loose;
        const hr = loose ? re[t.HYPHENRANGELOOSE] : re[t.HYPHENRANGE];
        range = range.replace(hr, hyphenReplace(this.options.includePrerelease));
        debug("hyphen replace", range);
        range = trimComparatorWhitespace(range);
        debug("comparator trim", range);
        range = range.replace(re[t.TILDETRIM], tildeTrimReplace);
        debug("tilde trim", range);
        range = range.replace(re[t.CARETTRIM], caretTrimReplace);
        debug("caret trim", range);
        let rangeList = range.split(" ").map((comp) => parseComparator(comp, this.options)).join(" ").split(/\s+/).map((comp) => replaceGTE0(comp, this.options));
        if (loose) {
          rangeList = rangeList.filter((comp) => {
            debug("loose invalid filter", comp, this.options);
            return !!comp.match(re[t.COMPARATORLOOSE]);
          });
        }
        debug("range list", rangeList);
        const rangeMap = /* @__PURE__ */ new Map();
        const comparators = rangeList.map((comp) => new Comparator(comp, this.options));
        for (const comp of comparators) {
          if (isNullSet(comp)) {
            return [comp];
          }
          rangeMap.set(comp.value, comp);
        }
        if (rangeMap.size > 1 && rangeMap.has("")) {
          rangeMap.delete("");
        }
        const result = [...rangeMap.values()];
        cache.set(memoKey, result);
        return result;
      }
      intersects(range, options) {
        if (!(range instanceof _Range)) {
          throw new TypeError("a Range is required");
        }
        return this.set.some((thisComparators) => {
          return isSatisfiable(thisComparators, options) && range.set.some((rangeComparators) => {
            return isSatisfiable(rangeComparators, options) && thisComparators.every((thisComparator) => {
              return rangeComparators.every((rangeComparator) => {
                return thisComparator.intersects(rangeComparator, options);
              });
            });
          });
        });
      }
      // if ANY of the sets match ALL of its comparators, then pass
      test(version2) {
        if (!version2) {
          return false;
        }
        if (typeof version2 === "string") {
          try {
            version2 = new SemVer(version2, this.options);
          } catch (er) {
            return false;
          }
        }
        for (let i = 0; i < this.set.length; i++) {
          if (testSet(this.set[i], version2, this.options)) {
            return true;
          }
        }
        return false;
      }
    };
    module.exports = Range;
    var LRU = require_lrucache();
    var cache = new LRU();
    var parseOptions = require_parse_options();
    var Comparator = require_comparator();
    var debug = require_debug();
    var SemVer = require_semver();
    var trimComparatorWhitespace = require_trim_comparator_whitespace();
    var {
      safeRe: re,
      src,
      t,
      tildeTrimReplace,
      caretTrimReplace
    } = require_re();
    var { FLAG_INCLUDE_PRERELEASE, FLAG_LOOSE } = require_constants();
    var BUILDSTRIPRE = new RegExp(src[t.BUILD], "g");
    var isNullSet = (c) => c.value === "<0.0.0-0";
    var isAny = (c) => c.value === "";
    var isSatisfiable = (comparators, options) => {
      let result = true;
      const remainingComparators = comparators.slice();
      let testComparator = remainingComparators.pop();
      while (result && remainingComparators.length) {
        result = remainingComparators.every((otherComparator) => {
          return testComparator.intersects(otherComparator, options);
        });
        testComparator = remainingComparators.pop();
      }
      return result;
    };
    var parseComparator = (comp, options) => {
      comp = comp.replace(re[t.BUILD], "");
      debug("comp", comp, options);
      comp = replaceCarets(comp, options);
      debug("caret", comp);
      comp = replaceTildes(comp, options);
      debug("tildes", comp);
      comp = replaceXRanges(comp, options);
      debug("xrange", comp);
      comp = replaceStars(comp, options);
      debug("stars", comp);
      return comp;
    };
    var isX = (id) => !id || id.toLowerCase() === "x" || id === "*";
    var invalidXRangeOrder = (M, m, p) => isX(M) && !isX(m) || isX(m) && p && !isX(p);
    var replaceTildes = (comp, options) => {
      return comp.trim().split(/\s+/).map((c) => replaceTilde(c, options)).join(" ");
    };
    var replaceTilde = (comp, options) => {
      const r = options.loose ? re[t.TILDELOOSE] : re[t.TILDE];
      const z = options.includePrerelease ? "-0" : "";
      return comp.replace(r, (_, M, m, p, pr) => {
        debug("tilde", comp, _, M, m, p, pr);
        let ret;
        if (isX(M)) {
          ret = "";
        } else if (isX(m)) {
          ret = `>=${M}.0.0${z} <${+M + 1}.0.0-0`;
        } else if (isX(p)) {
          ret = `>=${M}.${m}.0${z} <${M}.${+m + 1}.0-0`;
        } else if (pr) {
          debug("replaceTilde pr", pr);
          ret = `>=${M}.${m}.${p}-${pr} <${M}.${+m + 1}.0-0`;
        } else {
          ret = `>=${M}.${m}.${p} <${M}.${+m + 1}.0-0`;
        }
        debug("tilde return", ret);
        return ret;
      });
    };
    var replaceCarets = (comp, options) => {
      return comp.trim().split(/\s+/).map((c) => replaceCaret(c, options)).join(" ");
    };
    var replaceCaret = (comp, options) => {
      debug("caret", comp, options);
      const r = options.loose ? re[t.CARETLOOSE] : re[t.CARET];
      const z = options.includePrerelease ? "-0" : "";
      return comp.replace(r, (_, M, m, p, pr) => {
        debug("caret", comp, _, M, m, p, pr);
        let ret;
        if (isX(M)) {
          ret = "";
        } else if (isX(m)) {
          ret = `>=${M}.0.0${z} <${+M + 1}.0.0-0`;
        } else if (isX(p)) {
          if (M === "0") {
            ret = `>=${M}.${m}.0${z} <${M}.${+m + 1}.0-0`;
          } else {
            ret = `>=${M}.${m}.0${z} <${+M + 1}.0.0-0`;
          }
        } else if (pr) {
          debug("replaceCaret pr", pr);
          if (M === "0") {
            if (m === "0") {
              ret = `>=${M}.${m}.${p}-${pr} <${M}.${m}.${+p + 1}-0`;
            } else {
              ret = `>=${M}.${m}.${p}-${pr} <${M}.${+m + 1}.0-0`;
            }
          } else {
            ret = `>=${M}.${m}.${p}-${pr} <${+M + 1}.0.0-0`;
          }
        } else {
          debug("no pr");
          if (M === "0") {
            if (m === "0") {
              ret = `>=${M}.${m}.${p} <${M}.${m}.${+p + 1}-0`;
            } else {
              ret = `>=${M}.${m}.${p} <${M}.${+m + 1}.0-0`;
            }
          } else {
            ret = `>=${M}.${m}.${p} <${+M + 1}.0.0-0`;
          }
        }
        debug("caret return", ret);
        return ret;
      });
    };
    var replaceXRanges = (comp, options) => {
      debug("replaceXRanges", comp, options);
      return comp.split(/\s+/).map((c) => replaceXRange(c, options)).join(" ");
    };
    var replaceXRange = (comp, options) => {
      comp = comp.trim();
      const r = options.loose ? re[t.XRANGELOOSE] : re[t.XRANGE];
      return comp.replace(r, (ret, gtlt, M, m, p, pr) => {
        debug("xRange", comp, ret, gtlt, M, m, p, pr);
        if (invalidXRangeOrder(M, m, p)) {
          return comp;
        }
        const xM = isX(M);
        const xm = xM || isX(m);
        const xp = xm || isX(p);
        const anyX = xp;
        if (gtlt === "=" && anyX) {
          gtlt = "";
        }
        pr = options.includePrerelease ? "-0" : "";
        if (xM) {
          if (gtlt === ">" || gtlt === "<") {
            ret = "<0.0.0-0";
          } else {
            ret = "*";
          }
        } else if (gtlt && anyX) {
          if (xm) {
            m = 0;
          }
          p = 0;
          if (gtlt === ">") {
            gtlt = ">=";
            if (xm) {
              M = +M + 1;
              m = 0;
              p = 0;
            } else {
              m = +m + 1;
              p = 0;
            }
          } else if (gtlt === "<=") {
            gtlt = "<";
            if (xm) {
              M = +M + 1;
            } else {
              m = +m + 1;
            }
          }
          if (gtlt === "<") {
            pr = "-0";
          }
          ret = `${gtlt + M}.${m}.${p}${pr}`;
        } else if (xm) {
          ret = `>=${M}.0.0${pr} <${+M + 1}.0.0-0`;
        } else if (xp) {
          ret = `>=${M}.${m}.0${pr} <${M}.${+m + 1}.0-0`;
        }
        debug("xRange return", ret);
        return ret;
      });
    };
    var replaceStars = (comp, options) => {
      debug("replaceStars", comp, options);
      return comp.trim().replace(re[t.STAR], "");
    };
    var replaceGTE0 = (comp, options) => {
      debug("replaceGTE0", comp, options);
      return comp.trim().replace(re[options.includePrerelease ? t.GTE0PRE : t.GTE0], "");
    };
    var hyphenReplace = (incPr) => ($0, from, fM, fm, fp, fpr, fb, to, tM, tm, tp, tpr) => {
      if (isX(fM)) {
        from = "";
      } else if (isX(fm)) {
        from = `>=${fM}.0.0${incPr ? "-0" : ""}`;
      } else if (isX(fp)) {
        from = `>=${fM}.${fm}.0${incPr ? "-0" : ""}`;
      } else if (fpr) {
        from = `>=${from}`;
      } else {
        from = `>=${from}${incPr ? "-0" : ""}`;
      }
      if (isX(tM)) {
        to = "";
      } else if (isX(tm)) {
        to = `<${+tM + 1}.0.0-0`;
      } else if (isX(tp)) {
        to = `<${tM}.${+tm + 1}.0-0`;
      } else if (tpr) {
        to = `<=${tM}.${tm}.${tp}-${tpr}`;
      } else if (incPr) {
        to = `<${tM}.${tm}.${+tp + 1}-0`;
      } else {
        to = `<=${to}`;
      }
      return `${from} ${to}`.trim();
    };
    var testSet = (set, version2, options) => {
      for (let i = 0; i < set.length; i++) {
        if (!set[i].test(version2)) {
          return false;
        }
      }
      if (version2.prerelease.length && !options.includePrerelease) {
        for (let i = 0; i < set.length; i++) {
          debug(set[i].semver);
          if (set[i].semver === Comparator.ANY) {
            continue;
          }
          if (set[i].semver.prerelease.length > 0) {
            const allowed = set[i].semver;
            if (allowed.major === version2.major && allowed.minor === version2.minor && allowed.patch === version2.patch) {
              return true;
            }
          }
        }
        return false;
      }
      return true;
    };
  }
});

// node_modules/semver/classes/comparator.js
var require_comparator = __commonJS({
  "node_modules/semver/classes/comparator.js"(exports, module) {
    "use strict";
    var ANY = /* @__PURE__ */ Symbol("SemVer ANY");
    var Comparator = class _Comparator {
      static get ANY() {
        return ANY;
      }
      constructor(comp, options) {
        options = parseOptions(options);
        if (comp instanceof _Comparator) {
          if (comp.loose === !!options.loose) {
            return comp;
          } else {
            comp = comp.value;
          }
        }
        comp = comp.trim().split(/\s+/).join(" ");
        debug("comparator", comp, options);
        this.options = options;
        this.loose = !!options.loose;
        this.parse(comp);
        if (this.semver === ANY) {
          this.value = "";
        } else {
          this.value = this.operator + this.semver.version;
        }
        debug("comp", this);
      }
      parse(comp) {
        const r = this.options.loose ? re[t.COMPARATORLOOSE] : re[t.COMPARATOR];
        const m = comp.match(r);
        if (!m) {
          throw new TypeError(`Invalid comparator: ${comp}`);
        }
        this.operator = m[1] !== void 0 ? m[1] : "";
        if (this.operator === "=") {
          this.operator = "";
        }
        if (!m[2]) {
          this.semver = ANY;
        } else {
          this.semver = new SemVer(m[2], this.options.loose);
        }
      }
      toString() {
        return this.value;
      }
      test(version2) {
        debug("Comparator.test", version2, this.options.loose);
        if (this.semver === ANY || version2 === ANY) {
          return true;
        }
        if (typeof version2 === "string") {
          try {
            version2 = new SemVer(version2, this.options);
          } catch (er) {
            return false;
          }
        }
        return cmp2(version2, this.operator, this.semver, this.options);
      }
      intersects(comp, options) {
        if (!(comp instanceof _Comparator)) {
          throw new TypeError("a Comparator is required");
        }
        if (this.operator === "") {
          if (this.value === "") {
            return true;
          }
          return new Range(comp.value, options).test(this.value);
        } else if (comp.operator === "") {
          if (comp.value === "") {
            return true;
          }
          return new Range(this.value, options).test(comp.semver);
        }
        options = parseOptions(options);
        if (options.includePrerelease && (this.value === "<0.0.0-0" || comp.value === "<0.0.0-0")) {
          return false;
        }
        if (!options.includePrerelease && (this.value.startsWith("<0.0.0") || comp.value.startsWith("<0.0.0"))) {
          return false;
        }
        if (this.operator.startsWith(">") && comp.operator.startsWith(">")) {
          return true;
        }
        if (this.operator.startsWith("<") && comp.operator.startsWith("<")) {
          return true;
        }
        if (this.semver.version === comp.semver.version && this.operator.includes("=") && comp.operator.includes("=")) {
          return true;
        }
        if (cmp2(this.semver, "<", comp.semver, options) && this.operator.startsWith(">") && comp.operator.startsWith("<")) {
          return true;
        }
        if (cmp2(this.semver, ">", comp.semver, options) && this.operator.startsWith("<") && comp.operator.startsWith(">")) {
          return true;
        }
        return false;
      }
    };
    module.exports = Comparator;
    var parseOptions = require_parse_options();
    var { safeRe: re, t } = require_re();
    var cmp2 = require_cmp();
    var debug = require_debug();
    var SemVer = require_semver();
    var Range = require_range();
  }
});

// node_modules/semver/functions/satisfies.js
var require_satisfies = __commonJS({
  "node_modules/semver/functions/satisfies.js"(exports, module) {
    "use strict";
    var Range = require_range();
    var satisfies2 = (version2, range, options) => {
      try {
        range = new Range(range, options);
      } catch (er) {
        return false;
      }
      return range.test(version2);
    };
    module.exports = satisfies2;
  }
});

// node_modules/semver/ranges/to-comparators.js
var require_to_comparators = __commonJS({
  "node_modules/semver/ranges/to-comparators.js"(exports, module) {
    "use strict";
    var Range = require_range();
    var toComparators = (range, options) => new Range(range, options).set.map((comp) => comp.map((c) => c.value).join(" ").trim().split(" "));
    module.exports = toComparators;
  }
});

// node_modules/semver/ranges/max-satisfying.js
var require_max_satisfying = __commonJS({
  "node_modules/semver/ranges/max-satisfying.js"(exports, module) {
    "use strict";
    var SemVer = require_semver();
    var Range = require_range();
    var maxSatisfying = (versions, range, options) => {
      let max = null;
      let maxSV = null;
      let rangeObj = null;
      try {
        rangeObj = new Range(range, options);
      } catch (er) {
        return null;
      }
      versions.forEach((v) => {
        if (rangeObj.test(v)) {
          if (!max || maxSV.compare(v) === -1) {
            max = v;
            maxSV = new SemVer(max, options);
          }
        }
      });
      return max;
    };
    module.exports = maxSatisfying;
  }
});

// node_modules/semver/ranges/min-satisfying.js
var require_min_satisfying = __commonJS({
  "node_modules/semver/ranges/min-satisfying.js"(exports, module) {
    "use strict";
    var SemVer = require_semver();
    var Range = require_range();
    var minSatisfying = (versions, range, options) => {
      let min = null;
      let minSV = null;
      let rangeObj = null;
      try {
        rangeObj = new Range(range, options);
      } catch (er) {
        return null;
      }
      versions.forEach((v) => {
        if (rangeObj.test(v)) {
          if (!min || minSV.compare(v) === 1) {
            min = v;
            minSV = new SemVer(min, options);
          }
        }
      });
      return min;
    };
    module.exports = minSatisfying;
  }
});

// node_modules/semver/ranges/min-version.js
var require_min_version = __commonJS({
  "node_modules/semver/ranges/min-version.js"(exports, module) {
    "use strict";
    var SemVer = require_semver();
    var Range = require_range();
    var gt = require_gt();
    var minVersion = (range, loose) => {
      range = new Range(range, loose);
      let minver = new SemVer("0.0.0");
      if (range.test(minver)) {
        return minver;
      }
      minver = new SemVer("0.0.0-0");
      if (range.test(minver)) {
        return minver;
      }
      minver = null;
      for (let i = 0; i < range.set.length; ++i) {
        const comparators = range.set[i];
        let setMin = null;
        comparators.forEach((comparator) => {
          const compver = new SemVer(comparator.semver.version);
          switch (comparator.operator) {
            case ">":
              if (compver.prerelease.length === 0) {
                compver.patch++;
              } else {
                compver.prerelease.push(0);
              }
              compver.raw = compver.format();
            /* fallthrough */
            case "":
            case ">=":
              if (!setMin || gt(compver, setMin)) {
                setMin = compver;
              }
              break;
            case "<":
            case "<=":
              break;
            /* istanbul ignore next */
            default:
              throw new Error(`Unexpected operation: ${comparator.operator}`);
          }
        });
        if (setMin && (!minver || gt(minver, setMin))) {
          minver = setMin;
        }
      }
      if (minver && range.test(minver)) {
        return minver;
      }
      return null;
    };
    module.exports = minVersion;
  }
});

// node_modules/semver/ranges/valid.js
var require_valid2 = __commonJS({
  "node_modules/semver/ranges/valid.js"(exports, module) {
    "use strict";
    var Range = require_range();
    var validRange = (range, options) => {
      try {
        return new Range(range, options).range || "*";
      } catch (er) {
        return null;
      }
    };
    module.exports = validRange;
  }
});

// node_modules/semver/ranges/outside.js
var require_outside = __commonJS({
  "node_modules/semver/ranges/outside.js"(exports, module) {
    "use strict";
    var SemVer = require_semver();
    var Comparator = require_comparator();
    var { ANY } = Comparator;
    var Range = require_range();
    var satisfies2 = require_satisfies();
    var gt = require_gt();
    var lt = require_lt();
    var lte = require_lte();
    var gte = require_gte();
    var outside = (version2, range, hilo, options) => {
      version2 = new SemVer(version2, options);
      range = new Range(range, options);
      let gtfn, ltefn, ltfn, comp, ecomp;
      switch (hilo) {
        case ">":
          gtfn = gt;
          ltefn = lte;
          ltfn = lt;
          comp = ">";
          ecomp = ">=";
          break;
        case "<":
          gtfn = lt;
          ltefn = gte;
          ltfn = gt;
          comp = "<";
          ecomp = "<=";
          break;
        default:
          throw new TypeError('Must provide a hilo val of "<" or ">"');
      }
      if (satisfies2(version2, range, options)) {
        return false;
      }
      for (let i = 0; i < range.set.length; ++i) {
        const comparators = range.set[i];
        let high = null;
        let low = null;
        comparators.forEach((comparator) => {
          if (comparator.semver === ANY) {
            comparator = new Comparator(">=0.0.0");
          }
          high = high || comparator;
          low = low || comparator;
          if (gtfn(comparator.semver, high.semver, options)) {
            high = comparator;
          } else if (ltfn(comparator.semver, low.semver, options)) {
            low = comparator;
          }
        });
        if (high.operator === comp || high.operator === ecomp) {
          return false;
        }
        if ((!low.operator || low.operator === comp) && ltefn(version2, low.semver)) {
          return false;
        } else if (low.operator === ecomp && ltfn(version2, low.semver)) {
          return false;
        }
      }
      return true;
    };
    module.exports = outside;
  }
});

// node_modules/semver/ranges/gtr.js
var require_gtr = __commonJS({
  "node_modules/semver/ranges/gtr.js"(exports, module) {
    "use strict";
    var outside = require_outside();
    var gtr = (version2, range, options) => outside(version2, range, ">", options);
    module.exports = gtr;
  }
});

// node_modules/semver/ranges/ltr.js
var require_ltr = __commonJS({
  "node_modules/semver/ranges/ltr.js"(exports, module) {
    "use strict";
    var outside = require_outside();
    var ltr = (version2, range, options) => outside(version2, range, "<", options);
    module.exports = ltr;
  }
});

// node_modules/semver/ranges/intersects.js
var require_intersects = __commonJS({
  "node_modules/semver/ranges/intersects.js"(exports, module) {
    "use strict";
    var Range = require_range();
    var intersects = (r1, r2, options) => {
      r1 = new Range(r1, options);
      r2 = new Range(r2, options);
      return r1.intersects(r2, options);
    };
    module.exports = intersects;
  }
});

// node_modules/semver/ranges/simplify.js
var require_simplify = __commonJS({
  "node_modules/semver/ranges/simplify.js"(exports, module) {
    "use strict";
    var satisfies2 = require_satisfies();
    var compare4 = require_compare();
    module.exports = (versions, range, options) => {
      const set = [];
      let first = null;
      let prev = null;
      const v = versions.sort((a, b) => compare4(a, b, options));
      for (const version2 of v) {
        const included = satisfies2(version2, range, options);
        if (included) {
          prev = version2;
          if (!first) {
            first = version2;
          }
        } else {
          if (prev) {
            set.push([first, prev]);
          }
          prev = null;
          first = null;
        }
      }
      if (first) {
        set.push([first, null]);
      }
      const ranges = [];
      for (const [min, max] of set) {
        if (min === max) {
          ranges.push(min);
        } else if (!max && min === v[0]) {
          ranges.push("*");
        } else if (!max) {
          ranges.push(`>=${min}`);
        } else if (min === v[0]) {
          ranges.push(`<=${max}`);
        } else {
          ranges.push(`${min} - ${max}`);
        }
      }
      const simplified = ranges.join(" || ");
      const original = typeof range.raw === "string" ? range.raw : String(range);
      return simplified.length < original.length ? simplified : range;
    };
  }
});

// node_modules/semver/ranges/subset.js
var require_subset = __commonJS({
  "node_modules/semver/ranges/subset.js"(exports, module) {
    "use strict";
    var Range = require_range();
    var Comparator = require_comparator();
    var { ANY } = Comparator;
    var satisfies2 = require_satisfies();
    var compare4 = require_compare();
    var subset = (sub, dom, options = {}) => {
      if (sub === dom) {
        return true;
      }
      sub = new Range(sub, options);
      dom = new Range(dom, options);
      let sawNonNull = false;
      OUTER: for (const simpleSub of sub.set) {
        for (const simpleDom of dom.set) {
          const isSub = simpleSubset(simpleSub, simpleDom, options);
          sawNonNull = sawNonNull || isSub !== null;
          if (isSub) {
            continue OUTER;
          }
        }
        if (sawNonNull) {
          return false;
        }
      }
      return true;
    };
    var minimumVersionWithPreRelease = [new Comparator(">=0.0.0-0")];
    var minimumVersion = [new Comparator(">=0.0.0")];
    var simpleSubset = (sub, dom, options) => {
      if (sub === dom) {
        return true;
      }
      if (sub.length === 1 && sub[0].semver === ANY) {
        if (dom.length === 1 && dom[0].semver === ANY) {
          return true;
        } else if (options.includePrerelease) {
          sub = minimumVersionWithPreRelease;
        } else {
          sub = minimumVersion;
        }
      }
      if (dom.length === 1 && dom[0].semver === ANY) {
        if (options.includePrerelease) {
          return true;
        } else {
          dom = minimumVersion;
        }
      }
      const eqSet = /* @__PURE__ */ new Set();
      let gt, lt;
      for (const c of sub) {
        if (c.operator === ">" || c.operator === ">=") {
          gt = higherGT(gt, c, options);
        } else if (c.operator === "<" || c.operator === "<=") {
          lt = lowerLT(lt, c, options);
        } else {
          eqSet.add(c.semver);
        }
      }
      if (eqSet.size > 1) {
        return null;
      }
      let gtltComp;
      if (gt && lt) {
        gtltComp = compare4(gt.semver, lt.semver, options);
        if (gtltComp > 0) {
          return null;
        } else if (gtltComp === 0 && (gt.operator !== ">=" || lt.operator !== "<=")) {
          return null;
        }
      }
      for (const eq of eqSet) {
        if (gt && !satisfies2(eq, String(gt), options)) {
          return null;
        }
        if (lt && !satisfies2(eq, String(lt), options)) {
          return null;
        }
        for (const c of dom) {
          if (!satisfies2(eq, String(c), options)) {
            return false;
          }
        }
        return true;
      }
      let higher, lower;
      let hasDomLT, hasDomGT;
      let needDomLTPre = lt && !options.includePrerelease && lt.semver.prerelease.length ? lt.semver : false;
      let needDomGTPre = gt && !options.includePrerelease && gt.semver.prerelease.length ? gt.semver : false;
      if (needDomLTPre && needDomLTPre.prerelease.length === 1 && lt.operator === "<" && needDomLTPre.prerelease[0] === 0) {
        needDomLTPre = false;
      }
      for (const c of dom) {
        hasDomGT = hasDomGT || c.operator === ">" || c.operator === ">=";
        hasDomLT = hasDomLT || c.operator === "<" || c.operator === "<=";
        if (gt) {
          if (needDomGTPre) {
            if (c.semver.prerelease && c.semver.prerelease.length && c.semver.major === needDomGTPre.major && c.semver.minor === needDomGTPre.minor && c.semver.patch === needDomGTPre.patch) {
              needDomGTPre = false;
            }
          }
          if (c.operator === ">" || c.operator === ">=") {
            higher = higherGT(gt, c, options);
            if (higher === c && higher !== gt) {
              return false;
            }
          } else if (gt.operator === ">=" && !c.test(gt.semver)) {
            return false;
          }
        }
        if (lt) {
          if (needDomLTPre) {
            if (c.semver.prerelease && c.semver.prerelease.length && c.semver.major === needDomLTPre.major && c.semver.minor === needDomLTPre.minor && c.semver.patch === needDomLTPre.patch) {
              needDomLTPre = false;
            }
          }
          if (c.operator === "<" || c.operator === "<=") {
            lower = lowerLT(lt, c, options);
            if (lower === c && lower !== lt) {
              return false;
            }
          } else if (lt.operator === "<=" && !c.test(lt.semver)) {
            return false;
          }
        }
        if (!c.operator && (lt || gt) && gtltComp !== 0) {
          return false;
        }
      }
      if (gt && hasDomLT && !lt && gtltComp !== 0) {
        return false;
      }
      if (lt && hasDomGT && !gt && gtltComp !== 0) {
        return false;
      }
      if (needDomGTPre || needDomLTPre) {
        return false;
      }
      return true;
    };
    var higherGT = (a, b, options) => {
      if (!a) {
        return b;
      }
      const comp = compare4(a.semver, b.semver, options);
      return comp > 0 ? a : comp < 0 ? b : b.operator === ">" && a.operator === ">=" ? b : a;
    };
    var lowerLT = (a, b, options) => {
      if (!a) {
        return b;
      }
      const comp = compare4(a.semver, b.semver, options);
      return comp < 0 ? a : comp > 0 ? b : b.operator === "<" && a.operator === "<=" ? b : a;
    };
    module.exports = subset;
  }
});

// node_modules/semver/index.js
var require_semver2 = __commonJS({
  "node_modules/semver/index.js"(exports, module) {
    "use strict";
    var internalRe = require_re();
    var constants = require_constants();
    var SemVer = require_semver();
    var identifiers = require_identifiers();
    var parse4 = require_parse();
    var valid = require_valid();
    var clean = require_clean();
    var inc = require_inc();
    var diff = require_diff();
    var major = require_major();
    var minor = require_minor();
    var patch = require_patch();
    var prerelease = require_prerelease();
    var compare4 = require_compare();
    var rcompare = require_rcompare();
    var compareLoose2 = require_compare_loose();
    var compareBuild = require_compare_build();
    var sort = require_sort();
    var rsort = require_rsort();
    var gt = require_gt();
    var lt = require_lt();
    var eq = require_eq();
    var neq = require_neq();
    var gte = require_gte();
    var lte = require_lte();
    var cmp2 = require_cmp();
    var coerce = require_coerce();
    var truncate = require_truncate();
    var Comparator = require_comparator();
    var Range = require_range();
    var satisfies2 = require_satisfies();
    var toComparators = require_to_comparators();
    var maxSatisfying = require_max_satisfying();
    var minSatisfying = require_min_satisfying();
    var minVersion = require_min_version();
    var validRange = require_valid2();
    var outside = require_outside();
    var gtr = require_gtr();
    var ltr = require_ltr();
    var intersects = require_intersects();
    var simplifyRange = require_simplify();
    var subset = require_subset();
    module.exports = {
      parse: parse4,
      valid,
      clean,
      inc,
      diff,
      major,
      minor,
      patch,
      prerelease,
      compare: compare4,
      rcompare,
      compareLoose: compareLoose2,
      compareBuild,
      sort,
      rsort,
      gt,
      lt,
      eq,
      neq,
      gte,
      lte,
      cmp: cmp2,
      coerce,
      truncate,
      Comparator,
      Range,
      satisfies: satisfies2,
      toComparators,
      maxSatisfying,
      minSatisfying,
      minVersion,
      validRange,
      outside,
      gtr,
      ltr,
      intersects,
      simplifyRange,
      subset,
      SemVer,
      re: internalRe.re,
      src: internalRe.src,
      tokens: internalRe.t,
      SEMVER_SPEC_VERSION: constants.SEMVER_SPEC_VERSION,
      RELEASE_TYPES: constants.RELEASE_TYPES,
      compareIdentifiers: identifiers.compareIdentifiers,
      rcompareIdentifiers: identifiers.rcompareIdentifiers
    };
  }
});

// src/registry/previous.ts
function parseTag(tag) {
  if (!/^[vV]?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?$/.test(tag)) return void 0;
  return import_semver.default.parse(tag.replace(/^[vV]/, "")) ?? void 0;
}
function findPreviousTag(tags, current) {
  const now = parseTag(current);
  if (!now) return void 0;
  const includePrerelease = now.prerelease.length > 0;
  const currentHasV = /^[vV]/.test(current);
  let best;
  for (const tag of tags) {
    const version2 = parseTag(tag);
    if (!version2) continue;
    if (version2.prerelease.length > 0 && !includePrerelease) continue;
    if (import_semver.default.compare(version2, now) >= 0) continue;
    if (!best) {
      best = { tag, version: version2 };
      continue;
    }
    const order = import_semver.default.compare(version2, best.version);
    const sameStyle = (t) => /^[vV]/.test(t) === currentHasV;
    if (order > 0 || order === 0 && (sameStyle(tag) && !sameStyle(best.tag) || sameStyle(tag) === sameStyle(best.tag) && tag < best.tag)) {
      best = { tag, version: version2 };
    }
  }
  return best?.tag;
}
async function resolvePreviousByTags(client, repo, currentTag) {
  if (!parseTag(currentTag)) return void 0;
  const tags = await client.listTags(repo);
  const tag = findPreviousTag(tags, currentTag);
  if (tag === void 0) return void 0;
  return { tag, reference: formatReference({ registry: repo.registry, repository: repo.repository, tag }) };
}
var import_semver;
var init_previous = __esm({
  "src/registry/previous.ts"() {
    "use strict";
    import_semver = __toESM(require_semver2(), 1);
    init_reference();
  }
});

// src/image/remote-sources.ts
function createRemoteSources(options) {
  const client = new RegistryClient({
    credentials: {
      ...options.username !== void 0 ? { username: options.username } : {},
      ...options.password !== void 0 ? { password: options.password } : {},
      ...options.githubToken !== void 0 ? { githubToken: options.githubToken } : {},
      ...options.dockerConfigPath !== void 0 ? { dockerConfigPath: options.dockerConfigPath } : {},
      ...options.helperEnv ? { helperEnv: options.helperEnv } : {},
      ...options.onSecret ? { onSecret: options.onSecret } : {}
    },
    insecureRegistries: options.insecureRegistries ?? []
  });
  const registry = new RegistrySource({ client, ...options.onProgress ? { onProgress: options.onProgress } : {} });
  const daemon = new DaemonSource({
    ...options.dockerHost ? { dockerHost: options.dockerHost } : {},
    archiveSource: new DockerArchiveSource()
  });
  const pinToDigest = async (reference) => {
    const ref2 = parseReference(stripRegistryTransport(reference));
    if (ref2.digest) return formatReference(ref2);
    const fetched = await client.getManifest(ref2);
    return formatReference({ registry: ref2.registry, repository: ref2.repository, digest: fetched.digest });
  };
  return {
    sources: [registry, daemon],
    client,
    pinToDigest,
    async previousByTags(reference) {
      const ref2 = parseReference(stripRegistryTransport(reference));
      if (!ref2.tag) return void 0;
      const found = await resolvePreviousByTags(client, ref2, ref2.tag);
      return found ? pinToDigest(found.reference) : void 0;
    }
  };
}
var init_remote_sources = __esm({
  "src/image/remote-sources.ts"() {
    "use strict";
    init_registry();
    init_daemon();
    init_docker_archive();
    init_client();
    init_reference();
    init_previous();
  }
});

// src/cli/sources.ts
import { homedir } from "node:os";
import { join as join2 } from "node:path";
function buildSources(flags, env) {
  const username = flags.username ?? env.REGISTRY_USERNAME;
  const password = flags.password ?? env.REGISTRY_PASSWORD;
  return createRemoteSources({
    ...username && password ? { username, password } : {},
    ...env.GITHUB_TOKEN ? { githubToken: env.GITHUB_TOKEN } : {},
    dockerConfigPath: join2(env.DOCKER_CONFIG || join2(homedir(), ".docker"), "config.json"),
    insecureRegistries: flags.insecureRegistries,
    ...env.DOCKER_HOST ? { dockerHost: env.DOCKER_HOST } : {},
    helperEnv: env
  }).sources;
}
var init_sources = __esm({
  "src/cli/sources.ts"() {
    "use strict";
    init_remote_sources();
  }
});

// src/util/atomic-write.ts
import { randomBytes } from "node:crypto";
import { mkdir, rename, unlink, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
async function writeFileAtomic(path, data) {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err2) {
    await unlink(tmp).catch(() => void 0);
    throw err2;
  }
}
var init_atomic_write = __esm({
  "src/util/atomic-write.ts"() {
    "use strict";
  }
});

// src/cache/layer-index-cache.ts
import { createHash as createHash4, randomBytes as randomBytes2 } from "node:crypto";
import { mkdir as mkdir2, readFile as readFile2, readdir, rename as rename2, stat as stat2, unlink as unlink2, utimes, writeFile as writeFile2 } from "node:fs/promises";
import { join as join3 } from "node:path";
function captureSpecKey(spec) {
  const h = createHash4("sha256");
  h.update(JSON.stringify([CACHE_FORMAT_VERSION, [...spec.globs].sort(), spec.maxFileBytes]));
  for (const p of [...spec.probes].sort((a, b) => a.id.localeCompare(b.id))) h.update(`|${p.id}@${p.version}`);
  return h.digest("hex").slice(0, 16);
}
function serializeLayerIndex(index) {
  const rows = index.entries.map((e) => [
    e.path,
    TYPE_CODE.get(e.type) ?? 0,
    e.mode,
    e.uid,
    e.gid,
    e.size,
    e.sha256 ?? 0,
    e.link ?? 0,
    e.mtime ?? 0,
    e.devmajor ?? 0,
    e.devminor ?? 0,
    e.probes ?? 0
  ]);
  return JSON.stringify({
    diffID: index.diffID,
    digest: index.digest,
    compression: index.compression,
    compressedSize: index.compressedSize,
    uncompressedSize: index.uncompressedSize,
    whiteouts: index.whiteouts.map((w) => [w.path, w.kind === "opaque" ? 1 : 0]),
    captured: [...index.captured].map(([p, b]) => [p, b.toString("base64")]),
    warnings: index.warnings,
    entries: rows
  });
}
function deserializeLayerIndex(text) {
  const s = JSON.parse(text);
  const entries = s.entries.map((r) => {
    const e = { path: r[0], type: TYPES[r[1]] ?? "file", mode: r[2], uid: r[3], gid: r[4], size: r[5] };
    if (r[6] !== 0) e.sha256 = r[6];
    if (r[7] !== 0) e.link = r[7];
    if (r[8] !== 0) e.mtime = r[8];
    if (e.type === "char" || e.type === "block") {
      e.devmajor = r[9];
      e.devminor = r[10];
    }
    if (r[11] !== 0) e.probes = r[11];
    return e;
  });
  const whiteouts = s.whiteouts.map(([path, k]) => ({ path, kind: k === 1 ? "opaque" : "file" }));
  return {
    diffID: s.diffID,
    digest: s.digest,
    compression: s.compression,
    compressedSize: s.compressedSize,
    uncompressedSize: s.uncompressedSize,
    entries,
    whiteouts,
    captured: new Map(s.captured.map(([p, b64]) => [p, Buffer.from(b64, "base64")])),
    warnings: s.warnings
  };
}
var CACHE_FORMAT_VERSION, DEFAULT_CACHE_MAX_BYTES, TYPES, TYPE_CODE, MAGIC, DiskLayerIndexCache, MemoryLayerIndexCache;
var init_layer_index_cache = __esm({
  "src/cache/layer-index-cache.ts"() {
    "use strict";
    CACHE_FORMAT_VERSION = 1;
    DEFAULT_CACHE_MAX_BYTES = 2 * 1024 ** 3;
    TYPES = ["file", "dir", "symlink", "hardlink", "char", "block", "fifo"];
    TYPE_CODE = new Map(TYPES.map((t, i) => [t, i]));
    MAGIC = "image-changelog-layer-index";
    DiskLayerIndexCache = class {
      stats = { hits: 0, misses: 0, corrupt: 0, writes: 0, evicted: 0 };
      dir;
      specKey;
      maxBytes;
      constructor(dir, spec, options = {}) {
        this.dir = dir;
        this.specKey = captureSpecKey(spec);
        this.maxBytes = options.maxBytes ?? DEFAULT_CACHE_MAX_BYTES;
      }
      file(diffID) {
        const hex = diffID.replace(/^sha256:/, "");
        if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`not a sha256 diffID: ${diffID}`);
        return join3(this.dir, `${hex}.${this.specKey}.v${CACHE_FORMAT_VERSION}.idx`);
      }
      async get(diffID) {
        const file = this.file(diffID);
        let raw;
        try {
          raw = await readFile2(file, "utf8");
        } catch {
          this.stats.misses++;
          return void 0;
        }
        const nl = raw.indexOf("\n");
        const [magic2, version2, checksum] = raw.slice(0, nl).split(" ");
        const body = raw.slice(nl + 1);
        const ok = nl > 0 && magic2 === MAGIC && version2 === String(CACHE_FORMAT_VERSION) && checksum === createHash4("sha256").update(body).digest("hex");
        let index;
        if (ok) {
          try {
            index = deserializeLayerIndex(body);
          } catch {
            index = void 0;
          }
        }
        if (!index || index.diffID !== diffID) {
          this.stats.corrupt++;
          this.stats.misses++;
          await unlink2(file).catch(() => void 0);
          return void 0;
        }
        this.stats.hits++;
        const now = /* @__PURE__ */ new Date();
        await utimes(file, now, now).catch(() => void 0);
        return index;
      }
      async put(index) {
        await mkdir2(this.dir, { recursive: true });
        const body = serializeLayerIndex(index);
        const checksum = createHash4("sha256").update(body).digest("hex");
        const file = this.file(index.diffID);
        const tmp = `${file}.${randomBytes2(6).toString("hex")}.tmp`;
        await writeFile2(tmp, `${MAGIC} ${CACHE_FORMAT_VERSION} ${checksum}
${body}`);
        await rename2(tmp, file);
        this.stats.writes++;
        await this.evict();
      }
      /** Remove least-recently-used entries until the directory fits its bound. */
      async evict() {
        const names2 = await readdir(this.dir).catch(() => []);
        const files = await Promise.all(
          names2.filter((n2) => n2.endsWith(".idx")).map(async (n2) => {
            const s = await stat2(join3(this.dir, n2)).catch(() => void 0);
            return s ? { path: join3(this.dir, n2), size: s.size, mtime: s.mtimeMs } : void 0;
          })
        );
        const live = files.filter((f) => f !== void 0);
        let total = live.reduce((n2, f) => n2 + f.size, 0);
        if (total <= this.maxBytes) return;
        live.sort((a, b) => a.mtime - b.mtime);
        for (const f of live) {
          if (total <= this.maxBytes) break;
          await unlink2(f.path).catch(() => void 0);
          total -= f.size;
          this.stats.evicted++;
        }
      }
    };
    MemoryLayerIndexCache = class {
      stats = { hits: 0, misses: 0, corrupt: 0, writes: 0, evicted: 0 };
      map = /* @__PURE__ */ new Map();
      get(diffID) {
        const hit = this.map.get(diffID);
        if (hit) this.stats.hits++;
        else this.stats.misses++;
        return Promise.resolve(hit);
      }
      put(index) {
        this.map.set(index.diffID, index);
        this.stats.writes++;
        return Promise.resolve();
      }
    };
  }
});

// node_modules/fzstd/esm/index.mjs
var ab, u8, u16, i16, i32, slc, fill, cpw, ec, err, rb, b4, rzfh, msb, rfse, rhu, dllt, dmlt, doct, b2bl, llb, llbl, mlb, mlbl, dhu, dhu4, rzb, cct, Decompress;
var init_esm = __esm({
  "node_modules/fzstd/esm/index.mjs"() {
    ab = ArrayBuffer;
    u8 = Uint8Array;
    u16 = Uint16Array;
    i16 = Int16Array;
    i32 = Int32Array;
    slc = function(v, s, e) {
      if (u8.prototype.slice)
        return u8.prototype.slice.call(v, s, e);
      if (s == null || s < 0)
        s = 0;
      if (e == null || e > v.length)
        e = v.length;
      var n2 = new u8(e - s);
      n2.set(v.subarray(s, e));
      return n2;
    };
    fill = function(v, n2, s, e) {
      if (u8.prototype.fill)
        return u8.prototype.fill.call(v, n2, s, e);
      if (s == null || s < 0)
        s = 0;
      if (e == null || e > v.length)
        e = v.length;
      for (; s < e; ++s)
        v[s] = n2;
      return v;
    };
    cpw = function(v, t, s, e) {
      if (u8.prototype.copyWithin)
        return u8.prototype.copyWithin.call(v, t, s, e);
      if (s == null || s < 0)
        s = 0;
      if (e == null || e > v.length)
        e = v.length;
      while (s < e) {
        v[t++] = v[s++];
      }
    };
    ec = [
      "invalid zstd data",
      "window size too large (>2046MB)",
      "invalid block type",
      "FSE accuracy too high",
      "match distance too far back",
      "unexpected EOF"
    ];
    err = function(ind, msg, nt) {
      var e = new Error(msg || ec[ind]);
      e.code = ind;
      if (Error.captureStackTrace)
        Error.captureStackTrace(e, err);
      if (!nt)
        throw e;
      return e;
    };
    rb = function(d, b, n2) {
      var i = 0, o = 0;
      for (; i < n2; ++i)
        o |= d[b++] << (i << 3);
      return o;
    };
    b4 = function(d, b) {
      return (d[b] | d[b + 1] << 8 | d[b + 2] << 16 | d[b + 3] << 24) >>> 0;
    };
    rzfh = function(dat, w) {
      var n3 = dat[0] | dat[1] << 8 | dat[2] << 16;
      if (n3 == 3126568 && dat[3] == 253) {
        var flg = dat[4];
        var ss = flg >> 5 & 1, cc = flg >> 2 & 1, df = flg & 3, fcf = flg >> 6;
        if (flg & 8)
          err(0);
        var bt = 6 - ss;
        var db = df == 3 ? 4 : df;
        var di = rb(dat, bt, db);
        bt += db;
        var fsb = fcf ? 1 << fcf : ss;
        var fss = rb(dat, bt, fsb) + (fcf == 1 && 256);
        var ws = fss;
        if (!ss) {
          var wb = 1 << 10 + (dat[5] >> 3);
          ws = wb + (wb >> 3) * (dat[5] & 7);
        }
        if (ws > 2145386496)
          err(1);
        var buf = new u8((w == 1 ? fss || ws : w ? 0 : ws) + 12);
        buf[0] = 1, buf[4] = 4, buf[8] = 8;
        return {
          b: bt + fsb,
          y: 0,
          l: 0,
          d: di,
          w: w && w != 1 ? w : buf.subarray(12),
          e: ws,
          o: new i32(buf.buffer, 0, 3),
          u: fss,
          c: cc,
          m: Math.min(131072, ws)
        };
      } else if ((n3 >> 4 | dat[3] << 20) == 25481893) {
        return b4(dat, 4) + 8;
      }
      err(0);
    };
    msb = function(val) {
      var bits = 0;
      for (; 1 << bits <= val; ++bits)
        ;
      return bits - 1;
    };
    rfse = function(dat, bt, mal) {
      var tpos = (bt << 3) + 4;
      var al = (dat[bt] & 15) + 5;
      if (al > mal)
        err(3);
      var sz = 1 << al;
      var probs = sz, sym = -1, re = -1, i = -1, ht = sz;
      var buf = new ab(512 + (sz << 2));
      var freq = new i16(buf, 0, 256);
      var dstate = new u16(buf, 0, 256);
      var nstate = new u16(buf, 512, sz);
      var bb1 = 512 + (sz << 1);
      var syms = new u8(buf, bb1, sz);
      var nbits = new u8(buf, bb1 + sz);
      while (sym < 255 && probs > 0) {
        var bits = msb(probs + 1);
        var cbt = tpos >> 3;
        var msk = (1 << bits + 1) - 1;
        var val = (dat[cbt] | dat[cbt + 1] << 8 | dat[cbt + 2] << 16) >> (tpos & 7) & msk;
        var msk1fb = (1 << bits) - 1;
        var msv = msk - probs - 1;
        var sval = val & msk1fb;
        if (sval < msv)
          tpos += bits, val = sval;
        else {
          tpos += bits + 1;
          if (val > msk1fb)
            val -= msv;
        }
        freq[++sym] = --val;
        if (val == -1) {
          probs += val;
          syms[--ht] = sym;
        } else
          probs -= val;
        if (!val) {
          do {
            var rbt = tpos >> 3;
            re = (dat[rbt] | dat[rbt + 1] << 8) >> (tpos & 7) & 3;
            tpos += 2;
            sym += re;
          } while (re == 3);
        }
      }
      if (sym > 255 || probs)
        err(0);
      var sympos = 0;
      var sstep = (sz >> 1) + (sz >> 3) + 3;
      var smask = sz - 1;
      for (var s = 0; s <= sym; ++s) {
        var sf = freq[s];
        if (sf < 1) {
          dstate[s] = -sf;
          continue;
        }
        for (i = 0; i < sf; ++i) {
          syms[sympos] = s;
          do {
            sympos = sympos + sstep & smask;
          } while (sympos >= ht);
        }
      }
      if (sympos)
        err(0);
      for (i = 0; i < sz; ++i) {
        var ns = dstate[syms[i]]++;
        var nb = nbits[i] = al - msb(ns);
        nstate[i] = (ns << nb) - sz;
      }
      return [tpos + 7 >> 3, {
        b: al,
        s: syms,
        n: nbits,
        t: nstate
      }];
    };
    rhu = function(dat, bt) {
      var i = 0, wc = -1;
      var buf = new u8(292), hb = dat[bt];
      var hw = buf.subarray(0, 256);
      var rc = buf.subarray(256, 268);
      var ri = new u16(buf.buffer, 268);
      if (hb < 128) {
        var _a = rfse(dat, bt + 1, 6), ebt = _a[0], fdt = _a[1];
        bt += hb;
        var epos = ebt << 3;
        var lb = dat[bt];
        if (!lb)
          err(0);
        var st1 = 0, st2 = 0, btr1 = fdt.b, btr2 = btr1;
        var fpos = (++bt << 3) - 8 + msb(lb);
        for (; ; ) {
          fpos -= btr1;
          if (fpos < epos)
            break;
          var cbt = fpos >> 3;
          st1 += (dat[cbt] | dat[cbt + 1] << 8) >> (fpos & 7) & (1 << btr1) - 1;
          hw[++wc] = fdt.s[st1];
          fpos -= btr2;
          if (fpos < epos)
            break;
          cbt = fpos >> 3;
          st2 += (dat[cbt] | dat[cbt + 1] << 8) >> (fpos & 7) & (1 << btr2) - 1;
          hw[++wc] = fdt.s[st2];
          btr1 = fdt.n[st1];
          st1 = fdt.t[st1];
          btr2 = fdt.n[st2];
          st2 = fdt.t[st2];
        }
        if (++wc > 255)
          err(0);
      } else {
        wc = hb - 127;
        for (; i < wc; i += 2) {
          var byte = dat[++bt];
          hw[i] = byte >> 4;
          hw[i + 1] = byte & 15;
        }
        ++bt;
      }
      var wes = 0;
      for (i = 0; i < wc; ++i) {
        var wt = hw[i];
        if (wt > 11)
          err(0);
        wes += wt && 1 << wt - 1;
      }
      var mb = msb(wes) + 1;
      var ts = 1 << mb;
      var rem = ts - wes;
      if (rem & rem - 1)
        err(0);
      hw[wc++] = msb(rem) + 1;
      for (i = 0; i < wc; ++i) {
        var wt = hw[i];
        ++rc[hw[i] = wt && mb + 1 - wt];
      }
      var hbuf = new u8(ts << 1);
      var syms = hbuf.subarray(0, ts), nb = hbuf.subarray(ts);
      ri[mb] = 0;
      for (i = mb; i > 0; --i) {
        var pv = ri[i];
        fill(nb, i, pv, ri[i - 1] = pv + rc[i] * (1 << mb - i));
      }
      if (ri[0] != ts)
        err(0);
      for (i = 0; i < wc; ++i) {
        var bits = hw[i];
        if (bits) {
          var code = ri[bits];
          fill(syms, i, code, ri[bits] = code + (1 << mb - bits));
        }
      }
      return [bt, {
        n: nb,
        b: mb,
        s: syms
      }];
    };
    dllt = rfse(/* @__PURE__ */ new u8([
      81,
      16,
      99,
      140,
      49,
      198,
      24,
      99,
      12,
      33,
      196,
      24,
      99,
      102,
      102,
      134,
      70,
      146,
      4
    ]), 0, 6)[1];
    dmlt = rfse(/* @__PURE__ */ new u8([
      33,
      20,
      196,
      24,
      99,
      140,
      33,
      132,
      16,
      66,
      8,
      33,
      132,
      16,
      66,
      8,
      33,
      68,
      68,
      68,
      68,
      68,
      68,
      68,
      68,
      36,
      9
    ]), 0, 6)[1];
    doct = rfse(/* @__PURE__ */ new u8([
      32,
      132,
      16,
      66,
      102,
      70,
      68,
      68,
      68,
      68,
      36,
      73,
      2
    ]), 0, 5)[1];
    b2bl = function(b, s) {
      var len = b.length, bl = new i32(len);
      for (var i = 0; i < len; ++i) {
        bl[i] = s;
        s += 1 << b[i];
      }
      return bl;
    };
    llb = /* @__PURE__ */ new u8((/* @__PURE__ */ new i32([
      0,
      0,
      0,
      0,
      16843009,
      50528770,
      134678020,
      202050057,
      269422093
    ])).buffer, 0, 36);
    llbl = /* @__PURE__ */ b2bl(llb, 0);
    mlb = /* @__PURE__ */ new u8((/* @__PURE__ */ new i32([
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      16843009,
      50528770,
      117769220,
      185207048,
      252579084,
      16
    ])).buffer, 0, 53);
    mlbl = /* @__PURE__ */ b2bl(mlb, 3);
    dhu = function(dat, out, hu) {
      var len = dat.length, ss = out.length, lb = dat[len - 1], msk = (1 << hu.b) - 1, eb = -hu.b;
      if (!lb)
        err(0);
      var st = 0, btr = hu.b, pos = (len << 3) - 8 + msb(lb) - btr, i = -1;
      for (; pos > eb && i < ss; ) {
        var cbt = pos >> 3;
        var val = (dat[cbt] | dat[cbt + 1] << 8 | dat[cbt + 2] << 16) >> (pos & 7);
        st = (st << btr | val) & msk;
        out[++i] = hu.s[st];
        pos -= btr = hu.n[st];
      }
      if (pos != eb || i + 1 != ss)
        err(0);
    };
    dhu4 = function(dat, out, hu) {
      var bt = 6;
      var ss = out.length, sz1 = ss + 3 >> 2, sz2 = sz1 << 1, sz3 = sz1 + sz2;
      dhu(dat.subarray(bt, bt += dat[0] | dat[1] << 8), out.subarray(0, sz1), hu);
      dhu(dat.subarray(bt, bt += dat[2] | dat[3] << 8), out.subarray(sz1, sz2), hu);
      dhu(dat.subarray(bt, bt += dat[4] | dat[5] << 8), out.subarray(sz2, sz3), hu);
      dhu(dat.subarray(bt), out.subarray(sz3), hu);
    };
    rzb = function(dat, st, out) {
      var _a;
      var bt = st.b;
      var b0 = dat[bt], btype = b0 >> 1 & 3;
      st.l = b0 & 1;
      var sz = b0 >> 3 | dat[bt + 1] << 5 | dat[bt + 2] << 13;
      var ebt = (bt += 3) + sz;
      if (btype == 1) {
        if (bt >= dat.length)
          return;
        st.b = bt + 1;
        if (out) {
          fill(out, dat[bt], st.y, st.y += sz);
          return out;
        }
        return fill(new u8(sz), dat[bt]);
      }
      if (ebt > dat.length)
        return;
      if (btype == 0) {
        st.b = ebt;
        if (out) {
          out.set(dat.subarray(bt, ebt), st.y);
          st.y += sz;
          return out;
        }
        return slc(dat, bt, ebt);
      }
      if (btype == 2) {
        var b3 = dat[bt], lbt = b3 & 3, sf = b3 >> 2 & 3;
        var lss = b3 >> 4, lcs = 0, s4 = 0;
        if (lbt < 2) {
          if (sf & 1)
            lss |= dat[++bt] << 4 | (sf & 2 && dat[++bt] << 12);
          else
            lss = b3 >> 3;
        } else {
          s4 = sf;
          if (sf < 2)
            lss |= (dat[++bt] & 63) << 4, lcs = dat[bt] >> 6 | dat[++bt] << 2;
          else if (sf == 2)
            lss |= dat[++bt] << 4 | (dat[++bt] & 3) << 12, lcs = dat[bt] >> 2 | dat[++bt] << 6;
          else
            lss |= dat[++bt] << 4 | (dat[++bt] & 63) << 12, lcs = dat[bt] >> 6 | dat[++bt] << 2 | dat[++bt] << 10;
        }
        ++bt;
        var buf = out ? out.subarray(st.y, st.y + st.m) : new u8(st.m);
        var spl = buf.length - lss;
        if (lbt == 0)
          buf.set(dat.subarray(bt, bt += lss), spl);
        else if (lbt == 1)
          fill(buf, dat[bt++], spl);
        else {
          var hu = st.h;
          if (lbt == 2) {
            var hud = rhu(dat, bt);
            lcs += bt - (bt = hud[0]);
            st.h = hu = hud[1];
          } else if (!hu)
            err(0);
          (s4 ? dhu4 : dhu)(dat.subarray(bt, bt += lcs), buf.subarray(spl), hu);
        }
        var ns = dat[bt++];
        if (ns) {
          if (ns == 255)
            ns = (dat[bt++] | dat[bt++] << 8) + 32512;
          else if (ns > 127)
            ns = ns - 128 << 8 | dat[bt++];
          var scm = dat[bt++];
          if (scm & 3)
            err(0);
          var dts = [dmlt, doct, dllt];
          for (var i = 2; i > -1; --i) {
            var md = scm >> (i << 1) + 2 & 3;
            if (md == 1) {
              var rbuf = new u8([0, 0, dat[bt++]]);
              dts[i] = {
                s: rbuf.subarray(2, 3),
                n: rbuf.subarray(0, 1),
                t: new u16(rbuf.buffer, 0, 1),
                b: 0
              };
            } else if (md == 2) {
              _a = rfse(dat, bt, 9 - (i & 1)), bt = _a[0], dts[i] = _a[1];
            } else if (md == 3) {
              if (!st.t)
                err(0);
              dts[i] = st.t[i];
            }
          }
          var _b = st.t = dts, mlt = _b[0], oct = _b[1], llt = _b[2];
          var lb = dat[ebt - 1];
          if (!lb)
            err(0);
          var spos = (ebt << 3) - 8 + msb(lb) - llt.b, cbt = spos >> 3, oubt = 0;
          var lst = (dat[cbt] | dat[cbt + 1] << 8) >> (spos & 7) & (1 << llt.b) - 1;
          cbt = (spos -= oct.b) >> 3;
          var ost = (dat[cbt] | dat[cbt + 1] << 8) >> (spos & 7) & (1 << oct.b) - 1;
          cbt = (spos -= mlt.b) >> 3;
          var mst = (dat[cbt] | dat[cbt + 1] << 8) >> (spos & 7) & (1 << mlt.b) - 1;
          for (++ns; --ns; ) {
            var llc = llt.s[lst];
            var lbtr = llt.n[lst];
            var mlc = mlt.s[mst];
            var mbtr = mlt.n[mst];
            var ofc = oct.s[ost];
            var obtr = oct.n[ost];
            cbt = (spos -= ofc) >> 3;
            var ofp = 1 << ofc;
            var off = ofp + ((dat[cbt] | dat[cbt + 1] << 8 | dat[cbt + 2] << 16 | dat[cbt + 3] << 24) >>> (spos & 7) & ofp - 1);
            cbt = (spos -= mlb[mlc]) >> 3;
            var ml = mlbl[mlc] + ((dat[cbt] | dat[cbt + 1] << 8 | dat[cbt + 2] << 16) >> (spos & 7) & (1 << mlb[mlc]) - 1);
            cbt = (spos -= llb[llc]) >> 3;
            var ll = llbl[llc] + ((dat[cbt] | dat[cbt + 1] << 8 | dat[cbt + 2] << 16) >> (spos & 7) & (1 << llb[llc]) - 1);
            cbt = (spos -= lbtr) >> 3;
            lst = llt.t[lst] + ((dat[cbt] | dat[cbt + 1] << 8) >> (spos & 7) & (1 << lbtr) - 1);
            cbt = (spos -= mbtr) >> 3;
            mst = mlt.t[mst] + ((dat[cbt] | dat[cbt + 1] << 8) >> (spos & 7) & (1 << mbtr) - 1);
            cbt = (spos -= obtr) >> 3;
            ost = oct.t[ost] + ((dat[cbt] | dat[cbt + 1] << 8) >> (spos & 7) & (1 << obtr) - 1);
            if (off > 3) {
              st.o[2] = st.o[1];
              st.o[1] = st.o[0];
              st.o[0] = off -= 3;
            } else {
              var idx = off - (ll != 0);
              if (idx) {
                off = idx == 3 ? st.o[0] - 1 : st.o[idx];
                if (idx > 1)
                  st.o[2] = st.o[1];
                st.o[1] = st.o[0];
                st.o[0] = off;
              } else
                off = st.o[0];
            }
            for (var i = 0; i < ll; ++i) {
              buf[oubt + i] = buf[spl + i];
            }
            oubt += ll, spl += ll;
            var stin = oubt - off;
            if (stin < 0) {
              var len = -stin;
              var bs = st.e + stin;
              if (len > ml)
                len = ml;
              for (var i = 0; i < len; ++i) {
                buf[oubt + i] = st.w[bs + i];
              }
              oubt += len, ml -= len, stin = 0;
            }
            for (var i = 0; i < ml; ++i) {
              buf[oubt + i] = buf[stin + i];
            }
            oubt += ml;
          }
          if (oubt != spl) {
            while (spl < buf.length) {
              buf[oubt++] = buf[spl++];
            }
          } else
            oubt = buf.length;
          if (out)
            st.y += oubt;
          else
            buf = slc(buf, 0, oubt);
        } else if (out) {
          st.y += lss;
          if (spl) {
            for (var i = 0; i < lss; ++i) {
              buf[i] = buf[spl + i];
            }
          }
        } else if (spl)
          buf = slc(buf, spl);
        st.b = ebt;
        return buf;
      }
      err(2);
    };
    cct = function(bufs, ol) {
      if (bufs.length == 1)
        return bufs[0];
      var buf = new u8(ol);
      for (var i = 0, b = 0; i < bufs.length; ++i) {
        var chk = bufs[i];
        buf.set(chk, b);
        b += chk.length;
      }
      return buf;
    };
    Decompress = /* @__PURE__ */ (function() {
      function Decompress2(ondata) {
        this.ondata = ondata;
        this.c = [];
        this.l = 0;
        this.z = 0;
      }
      Decompress2.prototype.push = function(chunk, final) {
        if (typeof this.s == "number") {
          var sub = Math.min(chunk.length, this.s);
          chunk = chunk.subarray(sub);
          this.s -= sub;
        }
        var sl = chunk.length;
        var ncs = sl + this.l;
        if (!this.s) {
          if (final) {
            if (!ncs) {
              this.ondata(new u8(0), true);
              return;
            }
            if (ncs < 5)
              err(5);
          } else if (ncs < 18) {
            this.c.push(chunk);
            this.l = ncs;
            return;
          }
          if (this.l) {
            this.c.push(chunk);
            chunk = cct(this.c, ncs);
            this.c = [];
            this.l = 0;
          }
          if (typeof (this.s = rzfh(chunk)) == "number")
            return this.push(chunk, final);
        }
        if (typeof this.s != "number") {
          if (ncs < (this.z || 3)) {
            if (final)
              err(5);
            this.c.push(chunk);
            this.l = ncs;
            return;
          }
          if (this.l) {
            this.c.push(chunk);
            chunk = cct(this.c, ncs);
            this.c = [];
            this.l = 0;
          }
          if (!this.z && ncs < (this.z = chunk[this.s.b] & 2 ? 4 : 3 + (chunk[this.s.b] >> 3 | chunk[this.s.b + 1] << 5 | chunk[this.s.b + 2] << 13))) {
            if (final)
              err(5);
            this.c.push(chunk);
            this.l = ncs;
            return;
          } else
            this.z = 0;
          for (; ; ) {
            var blk = rzb(chunk, this.s);
            if (!blk) {
              if (final)
                err(5);
              var adc = chunk.subarray(this.s.b);
              this.s.b = 0;
              this.c.push(adc), this.l += adc.length;
              return;
            } else {
              this.ondata(blk, false);
              cpw(this.s.w, 0, blk.length);
              this.s.w.set(blk, this.s.w.length - blk.length);
            }
            if (this.s.l) {
              var rest = chunk.subarray(this.s.b);
              this.s = this.s.c * 4;
              this.push(rest, final);
              return;
            }
          }
        } else if (final)
          err(5);
      };
      return Decompress2;
    })();
  }
});

// src/catalog/os/dpkg-info.ts
function normaliseDpkgPath(raw) {
  const path = raw.replace(/^\/+/, "").replace(/\/+$/, "").replace(/^\.\/?/, "");
  if (path === "" || path === ".") return void 0;
  if (path.split("/").includes("..")) return void 0;
  return path;
}
function parseDpkgList(text) {
  const out = [];
  for (const line of text.split("\n")) {
    const path = normaliseDpkgPath(line.replace(/\r$/, ""));
    if (path !== void 0) out.push(path);
  }
  return out;
}
function parseDpkgMd5sums(text) {
  const sums = /* @__PURE__ */ new Map();
  let badLines = 0;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "") continue;
    const m = /^([0-9a-fA-F]{32}) [ *]?(.+)$/.exec(line);
    const path = m ? normaliseDpkgPath(m[2] ?? "") : void 0;
    if (!m || path === void 0) {
      badLines++;
      continue;
    }
    sums.set(path, (m[1] ?? "").toLowerCase());
  }
  return { sums, badLines };
}
function parseDpkgConffilesList(text) {
  const out = [];
  for (const line of text.split("\n")) {
    const words2 = line.trim().split(/\s+/);
    const path = normaliseDpkgPath(words2[words2.length - 1] ?? "");
    if (path !== void 0) out.push(path);
  }
  return out;
}
function parseDpkgDiversions(text) {
  const lines = text.split("\n").map((l) => l.replace(/\r$/, ""));
  const out = [];
  for (let i = 0; i + 2 < lines.length; i += 3) {
    const from = normaliseDpkgPath(lines[i] ?? "");
    const to = normaliseDpkgPath(lines[i + 1] ?? "");
    const by = (lines[i + 2] ?? "").trim();
    if (from === void 0 || to === void 0 || by === "") continue;
    out.push(by === ":" ? { from, to } : { from, to, by });
  }
  return out;
}
function parseAlternativeLinks(text) {
  const lines = text.split("\n").map((l) => l.replace(/\r$/, ""));
  const out = [];
  const master = normaliseDpkgPath(lines[1] ?? "");
  if (master === void 0) return out;
  out.push(master);
  for (let i = 2; i + 1 < lines.length && lines[i] !== ""; i += 2) {
    const link = normaliseDpkgPath(lines[i + 1] ?? "");
    if (link !== void 0) out.push(link);
  }
  return out;
}
var init_dpkg_info = __esm({
  "src/catalog/os/dpkg-info.ts"() {
    "use strict";
  }
});

// src/catalog/os/chisel.ts
function decompressCapped(data, cap) {
  const chunks = [];
  let total = 0;
  const stream2 = new Decompress((chunk) => {
    total += chunk.length;
    if (total > cap) throw new RangeError(`decompressed manifest is over ${cap} bytes`);
    chunks.push(chunk);
  });
  stream2.push(data, true);
  return Buffer.concat(chunks);
}
function parseChiselManifest(compressed, cap = MAX_CHISEL_MANIFEST_BYTES) {
  const text = decompressCapped(compressed, cap).toString("utf8");
  const lines = text.split("\n");
  const header2 = parseLine(lines[0] ?? "");
  if (!header2 || str(header2, "jsonwall") === void 0) throw new SyntaxError("first line is not a jsonwall header");
  const errors = [];
  const schema = str(header2, "schema");
  if (schema !== void 0 && schema !== "1.0") errors.push(`unknown manifest schema ${schema}; read as 1.0`);
  const packages = /* @__PURE__ */ new Map();
  const paths = [];
  let badLines = 0;
  for (const line of lines.slice(1)) {
    if (line.trim() === "") continue;
    const obj = parseLine(line);
    if (!obj) {
      badLines++;
      continue;
    }
    const kind = str(obj, "kind");
    if (kind === "package") {
      const name = str(obj, "name");
      const version2 = str(obj, "version");
      if (!name || !version2) {
        badLines++;
        continue;
      }
      const pkg = { name, version: version2, files: [] };
      const arch = str(obj, "arch");
      const sha = str(obj, "sha256");
      if (arch) pkg.arch = arch;
      if (sha) pkg.debSha256 = sha.toLowerCase();
      packages.set(name, pkg);
    } else if (kind === "path") {
      paths.push(obj);
    }
  }
  if (badLines > 0) errors.push(`${badLines} manifest lines could not be read`);
  const orphans = /* @__PURE__ */ new Set();
  for (const obj of paths) {
    const path = normaliseDpkgPath(str(obj, "path") ?? "");
    const slices = Array.isArray(obj.slices) ? obj.slices.filter((s) => typeof s === "string") : [];
    if (path === void 0) continue;
    const file = { path };
    const digest = str(obj, "final_sha256") ?? str(obj, "sha256");
    if (digest && /^[0-9a-f]{64}$/i.test(digest)) file.digest = { algorithm: "sha256", value: digest.toLowerCase() };
    const mode = str(obj, "mode");
    if (mode && /^[0-7]{1,6}$/.test(mode)) file.mode = parseInt(mode, 8);
    for (const owner of new Set(slices.map((s) => s.split("_")[0] ?? ""))) {
      const pkg = packages.get(owner);
      if (pkg) pkg.files.push({ ...file });
      else if (owner) orphans.add(owner);
    }
  }
  if (orphans.size > 0) errors.push(`paths of slices without a package entry: ${[...orphans].sort().slice(0, 10).join(", ")}`);
  return { packages: [...packages.values()], errors };
}
function parseLine(line) {
  try {
    const v = JSON.parse(line);
    return v !== null && typeof v === "object" && !Array.isArray(v) ? v : void 0;
  } catch {
    return void 0;
  }
}
var CHISEL_MANIFEST_PATH, MAX_CHISEL_MANIFEST_BYTES, str;
var init_chisel = __esm({
  "src/catalog/os/chisel.ts"() {
    "use strict";
    init_esm();
    init_dpkg_info();
    CHISEL_MANIFEST_PATH = "var/lib/chisel/manifest.wall";
    MAX_CHISEL_MANIFEST_BYTES = 64 * 1024 * 1024;
    str = (o, k) => typeof o[k] === "string" ? o[k] : void 0;
  }
});

// src/catalog/os/dpkg-control.ts
function parseControlStanzas(text) {
  const stanzas = [];
  const errors = [];
  let current;
  let lastField;
  let errorCount = 0;
  const error = (line, message) => {
    errorCount++;
    if (errors.length < MAX_ERRORS) errors.push({ line, message });
  };
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? "").replace(/\r$/, "");
    const lineNo = i + 1;
    if (line.trim() === "") {
      current = void 0;
      lastField = void 0;
      continue;
    }
    if (line.startsWith(" ") || line.startsWith("	")) {
      if (!current || lastField === void 0) {
        error(lineNo, "continuation line outside a field");
        continue;
      }
      const previous = current.fields.get(lastField) ?? "";
      current.fields.set(lastField, `${previous}
${line.slice(1)}`);
      continue;
    }
    if (line.startsWith("#")) continue;
    const colon = line.indexOf(":");
    if (colon <= 0) {
      error(lineNo, 'line is neither "Field: value" nor a continuation');
      continue;
    }
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!/^[!-9;-~]+$/.test(name)) {
      error(lineNo, "invalid field name");
      continue;
    }
    if (!current) {
      current = { fields: /* @__PURE__ */ new Map(), line: lineNo };
      stanzas.push(current);
    }
    current.fields.set(name, line.slice(colon + 1).trim());
    lastField = name;
  }
  if (errorCount > errors.length) {
    errors.push({ line: 0, message: `${errorCount - errors.length} more syntax errors not listed` });
  }
  return { stanzas, errors };
}
var MAX_ERRORS;
var init_dpkg_control = __esm({
  "src/catalog/os/dpkg-control.ts"() {
    "use strict";
    MAX_ERRORS = 20;
  }
});

// src/catalog/os/dpkg-status.ts
function isInstalled(record) {
  return record.status !== void 0 && INSTALLED_STATES.has(record.status.state);
}
function sourceOf(fields, name, version2) {
  const raw = fields.get("source");
  if (!raw) return { name, version: version2 };
  const m = /^(\S+)(?:\s*\(([^)]*)\))?/.exec(raw);
  if (!m) return { name, version: version2 };
  return { name: m[1] ?? name, version: m[2]?.trim() || version2 };
}
function conffilesOf(value2) {
  if (!value2) return [];
  const out = [];
  for (const line of value2.split("\n")) {
    const parts = line.trim().split(/\s+/);
    const [path, md5, ...flags] = parts;
    if (!path) continue;
    const conffile = { path, obsolete: flags.includes("obsolete") };
    if (md5 && /^[0-9a-f]{32}$/i.test(md5)) conffile.md5 = md5.toLowerCase();
    out.push(conffile);
  }
  return out;
}
function recordOf(stanza) {
  const f = stanza.fields;
  const name = f.get("package");
  const version2 = f.get("version");
  if (!name) return "stanza has no Package field";
  if (!version2) {
    const state2 = f.get("status")?.split(/\s+/)[2];
    if (state2 === "not-installed" || state2 === "config-files") return "skip";
    return `package ${name} has no Version field`;
  }
  const record = {
    name,
    version: version2,
    source: sourceOf(f, name, version2),
    conffiles: conffilesOf(f.get("conffiles")),
    line: stanza.line
  };
  const arch = f.get("architecture");
  if (arch) record.arch = arch;
  const multiArch = f.get("multi-arch");
  if (multiArch) record.multiArch = multiArch;
  const status = f.get("status")?.split(/\s+/);
  if (status && status.length === 3) record.status = { want: status[0] ?? "", flag: status[1] ?? "", state: status[2] ?? "" };
  return record;
}
function parseDpkgStatus(text) {
  const { stanzas, errors } = parseControlStanzas(text);
  const records = [];
  for (const stanza of stanzas) {
    const r = recordOf(stanza);
    if (typeof r !== "string") records.push(r);
    else if (r !== "skip") errors.push({ line: stanza.line, message: r });
  }
  return { records, errors };
}
var INSTALLED_STATES;
var init_dpkg_status = __esm({
  "src/catalog/os/dpkg-status.ts"() {
    "use strict";
    init_dpkg_control();
    INSTALLED_STATES = /* @__PURE__ */ new Set(["installed", "triggers-pending", "triggers-awaited"]);
  }
});

// src/catalog/os/dpkg.ts
function layerOf2(ctx, path) {
  return ctx.tree.captured.get(path)?.layer ?? ctx.tree.entries.get(path)?.layer ?? 0;
}
function catalogDpkg(ctx) {
  const packages = [];
  const problems = [];
  const seen = /* @__PURE__ */ new Set();
  const seenNames = /* @__PURE__ */ new Set();
  const problem = (code, path, message) => {
    problems.push({ code, path, layer: layerOf2(ctx, path), message });
  };
  const diversionsText = ctx.read(DIVERSIONS);
  const diversions = diversionsText ? parseDpkgDiversions(diversionsText.toString("utf8")) : [];
  const statusText = ctx.read(DPKG_STATUS_PATH);
  if (statusText) {
    const parsed = parseDpkgStatus(statusText.toString("utf8"));
    for (const e of parsed.errors) problem("DPKG_STATUS_SYNTAX", DPKG_STATUS_PATH, `line ${e.line}: ${e.message}`);
    const unconfigured = [];
    const withoutList = [];
    for (const record of parsed.records) {
      if (!isInstalled(record)) {
        const state2 = record.status?.state;
        if (state2 === void 0) unconfigured.push(`${record.name} (no Status)`);
        else if (state2 !== "not-installed" && state2 !== "config-files") unconfigured.push(`${record.name} (${state2})`);
        continue;
      }
      const key = keyOf(record.name, record.arch);
      if (seen.has(key)) continue;
      seen.add(key);
      seenNames.add(record.name);
      const files = infoFiles(ctx, record, diversions);
      if (!files.hasList) withoutList.push(record.name);
      packages.push(toPackage(record, DPKG_STATUS_PATH, layerOf2(ctx, DPKG_STATUS_PATH), files.files));
    }
    if (unconfigured.length > 0) {
      problem("DPKG_NOT_INSTALLED", DPKG_STATUS_PATH, `not counted as installed: ${named(unconfigured)}`);
    }
    if (withoutList.length > 0) {
      problem("DPKG_FILE_LIST_MISSING", DPKG_STATUS_PATH, `installed packages without a file list in ${INFO}: ${named(withoutList)}`);
    }
  }
  for (const path of statusDFiles(ctx)) {
    const parsed = parseDpkgStatus((ctx.read(path) ?? Buffer.alloc(0)).toString("utf8"));
    for (const e of parsed.errors) problem("DPKG_STATUS_SYNTAX", path, `line ${e.line}: ${e.message}`);
    for (const record of parsed.records) {
      if (record.status && !isInstalled(record)) continue;
      const key = keyOf(record.name, record.arch);
      if (seen.has(key)) continue;
      seen.add(key);
      seenNames.add(record.name);
      const sums = statusDMd5sums(ctx, path, record.name);
      if (sums.badLines > 0) problem("DPKG_MD5SUMS_SYNTAX", sums.path, `${sums.badLines} lines are not "<md5>  <path>"`);
      const files = [...sums.sums].map(([p, md5]) => ({ path: p, digest: { algorithm: "md5", value: md5 } }));
      addConffiles(files, record.conffiles, []);
      packages.push(toPackage(record, path, layerOf2(ctx, path), divert(files, diversions, record.name)));
    }
  }
  const manifest = ctx.read(CHISEL_MANIFEST_PATH);
  if (manifest) {
    try {
      const parsed = parseChiselManifest(manifest);
      for (const e of parsed.errors) problem("CHISEL_MANIFEST_SYNTAX", CHISEL_MANIFEST_PATH, e);
      const layer = layerOf2(ctx, CHISEL_MANIFEST_PATH);
      for (const c of parsed.packages) {
        if (seenNames.has(c.name)) continue;
        const pkg = { ecosystem: "dpkg", name: c.name, version: c.version, location: CHISEL_MANIFEST_PATH, layer, files: c.files };
        if (c.arch) pkg.arch = c.arch;
        pkg.metadata = { installer: "chisel", ...c.debSha256 ? { debSha256: c.debSha256 } : {} };
        packages.push(pkg);
      }
    } catch (err2) {
      const why = err2 instanceof Error ? err2.message : String(err2);
      problem("CHISEL_MANIFEST_UNREADABLE", CHISEL_MANIFEST_PATH, `chisel manifest could not be read: ${why}`);
    }
  }
  return { packages, problems, stateGlobs: alternativeLinkGlobs(ctx) };
}
function alternativeLinkGlobs(ctx) {
  const globs2 = /* @__PURE__ */ new Set();
  for (const path of ctx.capturedPaths()) {
    if (!path.startsWith(ALTERNATIVES) || path.slice(ALTERNATIVES.length).includes("/")) continue;
    for (const link of parseAlternativeLinks((ctx.read(path) ?? Buffer.alloc(0)).toString("utf8"))) {
      const escaped = link.replace(/[\\*?[\]{}()!+@|]/g, "\\$&");
      globs2.add(escaped);
      if (/^(bin|sbin|lib|lib32|lib64|libx32)\//.test(escaped)) globs2.add(`usr/${escaped}`);
    }
  }
  return [...globs2].sort();
}
function named(names2) {
  const more = names2.length > MAX_NAMED ? ` and ${names2.length - MAX_NAMED} more` : "";
  return names2.slice(0, MAX_NAMED).join(", ") + more;
}
function toPackage(record, location, layer, files) {
  const pkg = { ecosystem: "dpkg", name: record.name, version: record.version, location, layer, files, source: record.source };
  if (record.arch) pkg.arch = record.arch;
  return pkg;
}
function infoBases(record) {
  if (!record.arch) return [record.name];
  const qualified = `${record.name}:${record.arch}`;
  return record.multiArch === "same" ? [qualified, record.name] : [record.name, qualified];
}
function infoFiles(ctx, record, diversions) {
  const read = (ext) => {
    for (const base of infoBases(record)) {
      const content = ctx.read(`${INFO}${base}.${ext}`);
      if (content) return content.toString("utf8");
    }
    return void 0;
  };
  const list2 = read("list");
  const sums = parseDpkgMd5sums(read("md5sums") ?? "").sums;
  const files = /* @__PURE__ */ new Map();
  for (const path of parseDpkgList(list2 ?? "")) files.set(path, { path });
  for (const [path, md5] of sums) {
    const file = files.get(path) ?? { path };
    file.digest = { algorithm: "md5", value: md5 };
    files.set(path, file);
  }
  const out = [...files.values()];
  addConffiles(out, record.conffiles, parseDpkgConffilesList(read("conffiles") ?? ""));
  return { files: divert(out, diversions, record.name), hasList: list2 !== void 0 };
}
function addConffiles(files, fromStatus, fromInfo) {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const mark = (rawPath) => {
    const path = rawPath.replace(/^\/+/, "");
    if (path === "") return void 0;
    let file = byPath.get(path);
    if (!file) {
      file = { path };
      files.push(file);
      byPath.set(path, file);
    }
    file.config = true;
    return file;
  };
  for (const c of fromStatus) {
    const file = mark(c.path);
    if (!file) continue;
    if (c.md5) file.digest = { algorithm: "md5", value: c.md5 };
    if (c.obsolete) file.obsolete = true;
  }
  for (const path of fromInfo) mark(path);
}
function divert(files, diversions, pkg) {
  if (diversions.length === 0) return files;
  const byFrom = new Map(diversions.map((d) => [d.from, d]));
  return files.map((f) => {
    const d = byFrom.get(f.path);
    return d && d.by !== pkg ? { ...f, path: d.to } : f;
  });
}
function statusDFiles(ctx) {
  return ctx.capturedPaths().filter((p) => p.startsWith(STATUS_D) && !p.slice(STATUS_D.length).includes("/") && !p.endsWith(".md5sums"));
}
function statusDMd5sums(ctx, stanzaPath, name) {
  for (const path of [`${stanzaPath}.md5sums`, `${STATUS_D}${name}.md5sums`]) {
    const content = ctx.read(path);
    if (content) return { path, ...parseDpkgMd5sums(content.toString("utf8")) };
  }
  return { path: stanzaPath, sums: /* @__PURE__ */ new Map(), badLines: 0 };
}
var DPKG, DPKG_STATUS_PATH, STATUS_D, INFO, DIVERSIONS, ALTERNATIVES, MAX_NAMED, dpkgCataloger, keyOf;
var init_dpkg = __esm({
  "src/catalog/os/dpkg.ts"() {
    "use strict";
    init_chisel();
    init_dpkg_info();
    init_dpkg_status();
    DPKG = "var/lib/dpkg/";
    DPKG_STATUS_PATH = `${DPKG}status`;
    STATUS_D = `${DPKG}status.d/`;
    INFO = `${DPKG}info/`;
    DIVERSIONS = `${DPKG}diversions`;
    ALTERNATIVES = `${DPKG}alternatives/`;
    MAX_NAMED = 10;
    dpkgCataloger = {
      id: "dpkg",
      ecosystem: "dpkg",
      globs: [
        DPKG_STATUS_PATH,
        `${STATUS_D}*`,
        `${INFO}*.list`,
        `${INFO}*.md5sums`,
        `${INFO}*.conffiles`,
        DIVERSIONS,
        `${ALTERNATIVES}*`,
        CHISEL_MANIFEST_PATH
      ],
      // Written by dpkg, apt, debconf and their helpers as they work, never shipped in a package:
      // - dpkg's database (status, available, info/*, triggers, diversions, statoverride, *-old backups,
      //   locks) and chisel's manifest;
      // - update-alternatives' links and database (etc/alternatives, var/lib/dpkg/alternatives) and log;
      // - debconf's answers and templates, ucf's registry of managed config files;
      // - apt's indexes, caches (downloaded .debs included), extended states and logs, dpkg's log;
      // - deb-systemd-helper's record of enabled units.
      // Not state: etc/apt/** (sources and settings an admin writes: a change there deserves review).
      // The links update-alternatives made (usr/bin/awk -> /etc/alternatives/awk, ...) are added per
      // image from its var/lib/dpkg/alternatives/* (CatalogResult.stateGlobs).
      stateGlobs: [
        "var/lib/dpkg/**",
        "var/lib/chisel/**",
        "etc/alternatives/**",
        "var/log/alternatives.log",
        "var/cache/debconf/**",
        "var/lib/ucf/**",
        "var/lib/apt/**",
        "var/cache/apt/**",
        "var/log/apt/**",
        "var/log/dpkg.log",
        "var/lib/systemd/deb-systemd-helper-enabled/**",
        "var/lib/systemd/deb-systemd-helper-masked/**"
      ],
      catalog: catalogDpkg
    };
    keyOf = (name, arch) => `${name}:${arch ?? ""}`;
  }
});

// src/catalog/os/apk.ts
function decodeApkChecksum(value2) {
  if (value2.startsWith("Q1") || value2.startsWith("Q2")) {
    const b64 = value2.slice(2);
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return void 0;
    const bytes = Buffer.from(b64, "base64");
    if (value2.startsWith("Q1") && bytes.length === 20) return { algorithm: "sha1", value: bytes.toString("hex") };
    if (value2.startsWith("Q2") && bytes.length === 32) return { algorithm: "sha256", value: bytes.toString("hex") };
    return void 0;
  }
  if (!/^[0-9a-fA-F]+$/.test(value2)) return void 0;
  const algorithm = { 32: "md5", 40: "sha1", 64: "sha256" }[value2.length];
  return algorithm ? { algorithm, value: value2.toLowerCase() } : void 0;
}
function modeOf(value2) {
  const m = /^\d+:\d+:([0-7]{1,6})$/.exec(value2);
  return m?.[1] ? parseInt(m[1], 8) : void 0;
}
function cleanPath(path) {
  const parts = path.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.length === 0 || parts.includes("..")) return void 0;
  return parts.join("/");
}
function parseApkInstalled(text) {
  const records = [];
  const errors = [];
  let errorCount = 0;
  const error = (line, message) => {
    errorCount++;
    if (errors.length < MAX_ERRORS2) errors.push({ line, message });
  };
  let current;
  const finish = () => {
    if (!current) return;
    const r = current.record;
    if (r.name && r.version) records.push({ ...r, name: r.name, version: r.version });
    else error(r.line, `package stanza without ${r.name ? "V:" : "P:"}`);
    current = void 0;
  };
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? "").replace(/\r$/, "");
    const lineNo = i + 1;
    if (line === "") {
      finish();
      continue;
    }
    if (line.length < 2 || line.charAt(1) !== ":") {
      error(lineNo, 'line is not "X:value"');
      continue;
    }
    current ??= { record: { files: [], line: lineNo } };
    const key = line.charAt(0);
    const value2 = line.slice(2);
    const r = current.record;
    switch (key) {
      case "P":
        r.name = value2;
        break;
      case "V":
        r.version = value2;
        break;
      case "A":
        r.arch = value2;
        break;
      case "o":
        r.origin = value2;
        break;
      case "L":
        r.license = value2;
        break;
      case "C":
        r.checksum = value2;
        break;
      case "c":
        r.commit = value2;
        break;
      case "F": {
        const dir = cleanPath(value2);
        current.lastFile = void 0;
        if (dir === void 0) {
          current.dir = null;
          current.lastDir = void 0;
          error(lineNo, `unusable directory ${JSON.stringify(value2.slice(0, 100))}`);
          break;
        }
        current.dir = dir;
        current.lastDir = { path: dir };
        r.files.push(current.lastDir);
        break;
      }
      case "M": {
        const mode = modeOf(value2);
        if (current.lastDir && mode !== void 0) current.lastDir.mode = mode;
        else error(lineNo, current.lastDir ? `bad directory mode ${JSON.stringify(value2.slice(0, 40))}` : "M: before any F:");
        break;
      }
      case "R": {
        const inRefusedDir = current.dir === null;
        const path = value2.includes("/") || inRefusedDir ? void 0 : cleanPath(current.dir ? `${current.dir}/${value2}` : value2);
        if (path === void 0) {
          current.lastFile = void 0;
          error(lineNo, `unusable file name ${JSON.stringify(value2.slice(0, 100))}`);
          break;
        }
        current.lastFile = { path };
        r.files.push(current.lastFile);
        break;
      }
      case "a": {
        const mode = modeOf(value2);
        if (current.lastFile && mode !== void 0) current.lastFile.mode = mode;
        else error(lineNo, current.lastFile ? `bad file mode ${JSON.stringify(value2.slice(0, 40))}` : "a: before any R:");
        break;
      }
      case "Z": {
        const digest = decodeApkChecksum(value2);
        if (!current.lastFile) error(lineNo, "Z: before any R:");
        else if (!digest) error(lineNo, `unreadable checksum ${JSON.stringify(value2.slice(0, 100))}`);
        else current.lastFile.digest = digest;
        break;
      }
      default:
        break;
    }
  }
  finish();
  if (errorCount > errors.length) errors.push({ line: 0, message: `${errorCount - errors.length} more problems not listed` });
  return { records, errors };
}
function catalogApk(ctx) {
  const problems = [];
  const found = APK_DB_PATHS.filter((p) => ctx.read(p) !== void 0);
  const chosen = found[0];
  if (!chosen) return { packages: [], problems };
  const layer = ctx.tree.captured.get(chosen)?.layer ?? 0;
  for (const other of found.slice(1)) {
    problems.push({
      code: "APKDB_IGNORED",
      path: other,
      layer: ctx.tree.captured.get(other)?.layer ?? 0,
      message: `apk database ${other} not read: ${chosen} is the one apk uses`
    });
  }
  const parsed = parseApkInstalled((ctx.read(chosen) ?? Buffer.alloc(0)).toString("utf8"));
  for (const e of parsed.errors) {
    problems.push({ code: "APKDB_SYNTAX", path: chosen, layer, message: e.line > 0 ? `line ${e.line}: ${e.message}` : e.message });
  }
  const packages = parsed.records.map((r) => {
    const pkg = { ecosystem: "apk", name: r.name, version: r.version, location: chosen, layer, files: r.files };
    if (r.arch) pkg.arch = r.arch;
    if (r.origin) pkg.source = { name: r.origin, version: r.version };
    if (r.license) pkg.license = r.license;
    const metadata = {};
    if (r.checksum) metadata.checksum = r.checksum;
    if (r.commit) metadata.commit = r.commit;
    if (Object.keys(metadata).length > 0) pkg.metadata = metadata;
    return pkg;
  });
  return { packages, problems };
}
var APK_DB_PATHS, apkCataloger, MAX_ERRORS2;
var init_apk = __esm({
  "src/catalog/os/apk.ts"() {
    "use strict";
    APK_DB_PATHS = ["lib/apk/db/installed", "usr/lib/apk/db/installed"];
    apkCataloger = {
      id: "apk",
      ecosystem: "apk",
      globs: [...APK_DB_PATHS],
      // apk's database (installed, scripts.tar, triggers, lock), its package cache, and etc/apk/world:
      // apk rewrites world on every `apk add`/`apk del`, so a change there only repeats the package
      // changes the changelog already lists (hand edits to it take effect as package changes too).
      // etc/apk/repositories and etc/apk/keys are not state: where packages come from deserves review.
      stateGlobs: ["lib/apk/db/**", "usr/lib/apk/db/**", "lib/apk/exec/**", "var/cache/apk/**", "etc/apk/world"],
      catalog: catalogApk
    };
    MAX_ERRORS2 = 20;
  }
});

// src/catalog/os/rpm/format-error.ts
function check(condition, message) {
  if (!condition) throw new RpmFormatError(message);
}
var RpmFormatError;
var init_format_error = __esm({
  "src/catalog/os/rpm/format-error.ts"() {
    "use strict";
    RpmFormatError = class extends Error {
      name = "RpmFormatError";
    };
  }
});

// src/catalog/os/rpm/bdb.ts
function readBdbPackages(bytes) {
  const damage = [];
  const layout = readMeta(bytes, damage);
  const usedOverflow = /* @__PURE__ */ new Set();
  const blobs = [];
  for (let page = 1; page <= layout.lastPage; page++) {
    const type = bytes[page * layout.pageSize + 25];
    if (type !== P_HASH && type !== P_HASH_UNSORTED) continue;
    try {
      readHashPage(layout, page, usedOverflow, blobs, damage);
    } catch (err2) {
      if (!(err2 instanceof RpmFormatError)) throw err2;
      damage.push(`page ${page}: ${err2.message}`);
    }
  }
  return { blobs, damage };
}
function readMeta(bytes, damage) {
  check(bytes.byteLength >= 512, `file of ${bytes.byteLength} bytes is too short for a BerkeleyDB metadata page`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let littleEndian;
  if (view.getUint32(12, true) === HASH_MAGIC) littleEndian = true;
  else if (view.getUint32(12, false) === HASH_MAGIC) littleEndian = false;
  else if (view.getUint32(12, true) === BTREE_MAGIC || view.getUint32(12, false) === BTREE_MAGIC) {
    throw new RpmFormatError("a BerkeleyDB btree database, not the hash database rpm writes");
  } else throw new RpmFormatError("no BerkeleyDB hash magic");
  const pageSize = view.getUint32(20, littleEndian);
  check(pageSize >= 512 && pageSize <= 65536 && (pageSize & pageSize - 1) === 0, `page size ${pageSize} is not a power of two in 512..65536`);
  check(bytes[25] === P_HASHMETA, `page 0 has type ${bytes[25]}, not hash metadata`);
  check(bytes[24] === 0, "the database is encrypted");
  check(((bytes[26] ?? 0) & METAFLAG_CHECKSUM) === 0, "the database uses page checksums, which rpm never writes");
  const announced = view.getUint32(32, littleEndian);
  const present = Math.floor(bytes.byteLength / pageSize) - 1;
  if (announced > present) damage.push(`metadata announces ${announced + 1} pages but the file holds ${present + 1} (truncated)`);
  return { bytes, view, littleEndian, pageSize, lastPage: Math.min(announced, present) };
}
function readHashPage(layout, page, usedOverflow, blobs, damage) {
  const { view, pageSize, littleEndian } = layout;
  const base = page * pageSize;
  const entries = view.getUint16(base + 20, littleEndian);
  check(entries % 2 === 0, `odd number of items (${entries})`);
  check(PAGE_HEADER_BYTES + entries * 2 <= pageSize, `${entries} items cannot fit a ${pageSize}-byte page`);
  const offsets = [];
  for (let i = 0; i < entries; i++) {
    const offset = view.getUint16(base + PAGE_HEADER_BYTES + i * 2, littleEndian);
    const end = i === 0 ? pageSize : offsets[i - 1] ?? 0;
    check(offset >= PAGE_HEADER_BYTES + entries * 2 && offset < end, `item ${i} at offset ${offset} is outside its room`);
    offsets.push(offset);
  }
  for (let i = 0; i < entries; i += 2) {
    const keyAt = base + (offsets[i] ?? 0);
    const keyEnd = base + (i === 0 ? pageSize : offsets[i - 1] ?? 0);
    const dataAt = base + (offsets[i + 1] ?? 0);
    const dataEnd = keyAt;
    try {
      const key = readKey(layout, keyAt, keyEnd);
      if (key === 0) continue;
      const blob = readData(layout, dataAt, dataEnd, usedOverflow);
      blobs.push({ key, blob });
    } catch (err2) {
      if (!(err2 instanceof RpmFormatError)) throw err2;
      damage.push(`page ${page} item ${i / 2}: ${err2.message}`);
    }
  }
}
function readKey(layout, at, end) {
  const type = layout.bytes[at];
  check(type === H_KEYDATA, `key item of type ${type}, expected inline data`);
  const length = end - at - 1;
  return length === 4 ? layout.view.getUint32(at + 1, layout.littleEndian) : -1;
}
function readData(layout, at, end, usedOverflow) {
  const type = layout.bytes[at];
  if (type === H_KEYDATA) return layout.bytes.slice(at + 1, end);
  if (type === H_DUPLICATE || type === H_OFFDUP) throw new RpmFormatError("duplicate data items, which rpm never writes");
  check(type === H_OFFPAGE, `data item of unknown type ${type}`);
  check(end - at >= 12, "off-page reference is truncated");
  const first = layout.view.getUint32(at + 4, layout.littleEndian);
  const total = layout.view.getUint32(at + 8, layout.littleEndian);
  return readOverflowChain(layout, first, total, usedOverflow);
}
function readOverflowChain(layout, first, total, usedOverflow) {
  const { bytes, view, pageSize, littleEndian, lastPage } = layout;
  check(total <= bytes.byteLength, `overflow item of ${total} bytes is larger than the file`);
  const out = new Uint8Array(total);
  let filled = 0;
  let page = first;
  while (filled < total) {
    check(page >= 1 && page <= lastPage, `overflow page ${page} is outside the file's ${lastPage + 1} pages`);
    check(!usedOverflow.has(page), `overflow page ${page} is reached twice (a cycle or a shared chain)`);
    usedOverflow.add(page);
    const base = page * pageSize;
    check(bytes[base + 25] === P_OVERFLOW, `page ${page} in an overflow chain has type ${bytes[base + 25]}`);
    const length = view.getUint16(base + 22, littleEndian);
    check(length <= pageSize - PAGE_HEADER_BYTES && length <= total - filled, `overflow page ${page} claims ${length} bytes`);
    check(length > 0 || filled === total, `overflow page ${page} is empty`);
    out.set(bytes.subarray(base + PAGE_HEADER_BYTES, base + PAGE_HEADER_BYTES + length), filled);
    filled += length;
    page = view.getUint32(base + 16, littleEndian);
    if (filled < total) check(page !== 0, `overflow chain ends after ${filled} of ${total} bytes`);
  }
  return out;
}
var HASH_MAGIC, BTREE_MAGIC, P_HASH_UNSORTED, P_OVERFLOW, P_HASHMETA, P_HASH, H_KEYDATA, H_DUPLICATE, H_OFFPAGE, H_OFFDUP, PAGE_HEADER_BYTES, METAFLAG_CHECKSUM;
var init_bdb = __esm({
  "src/catalog/os/rpm/bdb.ts"() {
    "use strict";
    init_format_error();
    HASH_MAGIC = 398689;
    BTREE_MAGIC = 340322;
    P_HASH_UNSORTED = 2;
    P_OVERFLOW = 7;
    P_HASHMETA = 8;
    P_HASH = 13;
    H_KEYDATA = 1;
    H_DUPLICATE = 2;
    H_OFFPAGE = 3;
    H_OFFDUP = 4;
    PAGE_HEADER_BYTES = 26;
    METAFLAG_CHECKSUM = 1;
  }
});

// src/catalog/os/rpm/ndb.ts
function readNdbPackages(bytes) {
  check(bytes.byteLength >= DB_HEADER_BYTES, `file of ${bytes.byteLength} bytes is shorter than the NDB header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (at) => view.getUint32(at, true);
  check(u32(0) === DB_MAGIC, "no NDB 'RpmP' magic");
  check(u32(4) === DB_VERSION, `NDB version ${u32(4)} is not the known version ${DB_VERSION}`);
  const slotPages = u32(12);
  const fileBlocks = Math.floor(bytes.byteLength / BLOCK_BYTES);
  check(slotPages >= 1 && slotPages * PAGE_BYTES <= bytes.byteLength, `${slotPages} slot pages do not fit a ${bytes.byteLength}-byte file`);
  const firstBlobBlock = slotPages * PAGE_BYTES / BLOCK_BYTES;
  const damage = [];
  const blobs = [];
  const seen = /* @__PURE__ */ new Set();
  for (let at = DB_HEADER_BYTES; at < slotPages * PAGE_BYTES; at += SLOT_BYTES) {
    const slotNo = at / SLOT_BYTES;
    if (u32(at) !== SLOT_MAGIC) {
      damage.push(`slot ${slotNo} has no 'Slot' magic`);
      continue;
    }
    const pkgIndex = u32(at + 4);
    const blockOffset = u32(at + 8);
    const blockCount = u32(at + 12);
    if (blockOffset === 0) continue;
    const problem = checkSlot(pkgIndex, blockOffset, blockCount, firstBlobBlock, fileBlocks, seen);
    if (problem) {
      damage.push(`slot ${slotNo}: ${problem}`);
      continue;
    }
    seen.add(pkgIndex);
    const blob = readBlob(bytes, view, pkgIndex, blockOffset, blockCount);
    if (typeof blob === "string") damage.push(`package ${pkgIndex}: ${blob}`);
    else blobs.push({ key: pkgIndex, blob });
  }
  return { blobs, damage };
}
function checkSlot(pkgIndex, blockOffset, blockCount, firstBlobBlock, fileBlocks, seen) {
  if (pkgIndex === 0) return "package index 0";
  if (seen.has(pkgIndex)) return `package index ${pkgIndex} appears twice`;
  if (blockOffset < firstBlobBlock) return `blob at block ${blockOffset} lies inside the slot pages`;
  if (blockCount === 0 || blockOffset + blockCount > fileBlocks) return `blob of ${blockCount} blocks at block ${blockOffset} is outside the ${fileBlocks}-block file`;
  return void 0;
}
function readBlob(bytes, view, pkgIndex, blockOffset, blockCount) {
  const start = blockOffset * BLOCK_BYTES;
  const end = start + blockCount * BLOCK_BYTES;
  if (view.getUint32(start, true) !== BLOB_HEAD_MAGIC) return "no 'BlbS' blob magic";
  if (view.getUint32(start + 4, true) !== pkgIndex) return `blob belongs to package ${view.getUint32(start + 4, true)}`;
  const length = view.getUint32(start + 12, true);
  if (Math.ceil((BLOB_HEAD_BYTES + length + BLOB_TAIL_BYTES) / BLOCK_BYTES) !== blockCount) {
    return `blob length ${length} does not match its ${blockCount} blocks`;
  }
  const tail = end - BLOB_TAIL_BYTES;
  if (view.getUint32(tail + 8, true) !== BLOB_TAIL_MAGIC) return "no 'BlbE' tail magic";
  if (view.getUint32(tail + 4, true) !== length) return "blob length in the tail differs from the head";
  if (view.getUint32(tail, true) !== adler32(bytes.subarray(start, tail))) return "adler32 checksum mismatch";
  return bytes.slice(start + BLOB_HEAD_BYTES, start + BLOB_HEAD_BYTES + length);
}
function adler32(data) {
  const MOD = 65521;
  let a = 1;
  let b = 0;
  for (let i = 0; i < data.length; ) {
    const stop = Math.min(i + 5552, data.length);
    for (; i < stop; i++) {
      a += data[i] ?? 0;
      b += a;
    }
    a %= MOD;
    b %= MOD;
  }
  return (b << 16 | a) >>> 0;
}
var magic, DB_MAGIC, SLOT_MAGIC, BLOB_HEAD_MAGIC, BLOB_TAIL_MAGIC, DB_VERSION, DB_HEADER_BYTES, SLOT_BYTES, BLOCK_BYTES, PAGE_BYTES, BLOB_HEAD_BYTES, BLOB_TAIL_BYTES;
var init_ndb = __esm({
  "src/catalog/os/rpm/ndb.ts"() {
    "use strict";
    init_format_error();
    magic = (text) => Buffer.from(text, "latin1").readUInt32LE(0);
    DB_MAGIC = magic("RpmP");
    SLOT_MAGIC = magic("Slot");
    BLOB_HEAD_MAGIC = magic("BlbS");
    BLOB_TAIL_MAGIC = magic("BlbE");
    DB_VERSION = 0;
    DB_HEADER_BYTES = 32;
    SLOT_BYTES = 16;
    BLOCK_BYTES = 16;
    PAGE_BYTES = 4096;
    BLOB_HEAD_BYTES = 16;
    BLOB_TAIL_BYTES = 12;
  }
});

// src/catalog/os/rpm/header.ts
var RpmTag, RpmType, MAX_INDEX_ENTRIES, MAX_DATA_BYTES, INDEX_ENTRY_BYTES, PREAMBLE_BYTES, RpmHeader, decoder;
var init_header = __esm({
  "src/catalog/os/rpm/header.ts"() {
    "use strict";
    init_format_error();
    RpmTag = {
      NAME: 1e3,
      VERSION: 1001,
      RELEASE: 1002,
      EPOCH: 1003,
      LICENSE: 1014,
      ARCH: 1022,
      OLDFILENAMES: 1027,
      FILEMODES: 1030,
      FILEDIGESTS: 1035,
      FILEFLAGS: 1037,
      SOURCERPM: 1044,
      DIRINDEXES: 1116,
      BASENAMES: 1117,
      DIRNAMES: 1118,
      FILEDIGESTALGO: 5011
    };
    RpmType = {
      NULL: 0,
      CHAR: 1,
      INT8: 2,
      INT16: 3,
      INT32: 4,
      INT64: 5,
      STRING: 6,
      BIN: 7,
      STRING_ARRAY: 8,
      I18NSTRING: 9
    };
    MAX_INDEX_ENTRIES = 65535;
    MAX_DATA_BYTES = 256 * 1024 * 1024;
    INDEX_ENTRY_BYTES = 16;
    PREAMBLE_BYTES = 8;
    RpmHeader = class _RpmHeader {
      entries = /* @__PURE__ */ new Map();
      data;
      bytes;
      constructor(blob, dataStart, dataLength, entries) {
        this.bytes = blob.subarray(dataStart, dataStart + dataLength);
        this.data = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
        for (const entry of entries) this.entries.set(entry.tag, entry);
      }
      /** Parse a header blob; throws `RpmFormatError` when its structure is not sound. */
      static parse(blob) {
        check(blob.byteLength >= PREAMBLE_BYTES, `header of ${blob.byteLength} bytes is shorter than its preamble`);
        const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
        const il = view.getUint32(0);
        const dl = view.getUint32(4);
        check(il >= 1 && il <= MAX_INDEX_ENTRIES, `header claims ${il} index entries (allowed 1..${MAX_INDEX_ENTRIES})`);
        check(dl <= MAX_DATA_BYTES, `header claims ${dl} data bytes (at most ${MAX_DATA_BYTES})`);
        const dataStart = PREAMBLE_BYTES + il * INDEX_ENTRY_BYTES;
        check(
          dataStart + dl <= blob.byteLength,
          `header needs ${dataStart + dl} bytes (${il} entries, ${dl} data bytes) but the blob has ${blob.byteLength}`
        );
        const entries = [];
        for (let i = 0; i < il; i++) {
          const at = PREAMBLE_BYTES + i * INDEX_ENTRY_BYTES;
          const entry = {
            tag: view.getUint32(at),
            type: view.getUint32(at + 4),
            offset: view.getUint32(at + 8),
            count: view.getUint32(at + 12)
          };
          entries.push(entry);
        }
        return new _RpmHeader(blob, dataStart, dl, entries);
      }
      has(tag) {
        return this.entries.has(tag);
      }
      /** A STRING (or the first I18NSTRING) tag; undefined when absent. */
      string(tag) {
        const entry = this.entry(tag);
        if (!entry) return void 0;
        check(
          entry.type === RpmType.STRING || entry.type === RpmType.I18NSTRING || entry.type === RpmType.STRING_ARRAY,
          `tag ${tag} is of type ${entry.type}, expected a string`
        );
        check(entry.count >= 1, `tag ${tag} holds no string`);
        return this.readStrings(entry, 1)[0];
      }
      /** A STRING_ARRAY tag; undefined when absent. */
      stringArray(tag) {
        const entry = this.entry(tag);
        if (!entry) return void 0;
        check(entry.type === RpmType.STRING_ARRAY, `tag ${tag} is of type ${entry.type}, expected a string array`);
        return this.readStrings(entry, entry.count);
      }
      /** An INT32 tag as unsigned numbers; undefined when absent. */
      uint32Array(tag) {
        return this.ints(tag, RpmType.INT32, 4, (at) => this.data.getUint32(at));
      }
      /** An INT16 tag as unsigned numbers; undefined when absent. */
      uint16Array(tag) {
        return this.ints(tag, RpmType.INT16, 2, (at) => this.data.getUint16(at));
      }
      entry(tag) {
        const entry = this.entries.get(tag);
        if (entry) check(entry.offset <= this.bytes.byteLength, `tag ${tag} offset ${entry.offset} is outside the ${this.bytes.byteLength}-byte data`);
        return entry;
      }
      ints(tag, type, width, read) {
        const entry = this.entry(tag);
        if (!entry) return void 0;
        check(entry.type === type, `tag ${tag} is of type ${entry.type}, expected type ${type}`);
        const end = entry.offset + entry.count * width;
        check(end <= this.bytes.byteLength, `tag ${tag}: ${entry.count} values at offset ${entry.offset} run past the data`);
        const out = new Array(entry.count);
        for (let i = 0; i < entry.count; i++) out[i] = read(entry.offset + i * width);
        return out;
      }
      /** `count` NUL-terminated strings starting at the entry's offset, each ending inside the data. */
      readStrings(entry, count) {
        check(count <= this.bytes.byteLength - entry.offset, `tag ${entry.tag} claims ${count} strings in ${this.bytes.byteLength - entry.offset} bytes`);
        const out = new Array(count);
        let at = entry.offset;
        for (let i = 0; i < count; i++) {
          const nul = this.bytes.indexOf(0, at);
          if (nul < 0) throw new RpmFormatError(`tag ${entry.tag}: string ${i} is not NUL-terminated within the data`);
          out[i] = decoder.decode(this.bytes.subarray(at, nul));
          at = nul + 1;
        }
        return out;
      }
    };
    decoder = new TextDecoder("utf-8");
  }
});

// src/catalog/os/rpm/package-record.ts
function readRpmPackage(blob) {
  const header2 = RpmHeader.parse(blob);
  const name = header2.string(RpmTag.NAME);
  const version2 = header2.string(RpmTag.VERSION);
  const release = header2.string(RpmTag.RELEASE);
  check(name !== void 0 && name !== "", "header has no NAME");
  check(version2 !== void 0, `header of ${name} has no VERSION`);
  check(release !== void 0, `header of ${name} has no RELEASE`);
  const record = { name, version: version2, release, files: [], warnings: [] };
  const epoch = header2.uint32Array(RpmTag.EPOCH)?.[0];
  if (epoch !== void 0) record.epoch = epoch;
  const arch = header2.string(RpmTag.ARCH);
  if (arch !== void 0 && arch !== "" && arch !== "(none)") record.arch = arch;
  const sourceRpm = header2.string(RpmTag.SOURCERPM);
  if (sourceRpm && sourceRpm !== "(none)") record.sourceRpm = sourceRpm;
  const license = header2.string(RpmTag.LICENSE);
  if (license) record.license = license;
  record.files = readFiles(header2, record.warnings);
  return record;
}
function rpmVersionString(record) {
  const evr = `${record.version}-${record.release}`;
  return record.epoch === void 0 ? evr : `${record.epoch}:${evr}`;
}
function parseSourceRpm(sourceRpm) {
  const base = sourceRpm.replace(/\.(?:no)?src\.rpm$/, "");
  const relDash = base.lastIndexOf("-");
  const verDash = relDash > 0 ? base.lastIndexOf("-", relDash - 1) : -1;
  if (verDash <= 0) return base === "" ? void 0 : { name: base };
  return { name: base.slice(0, verDash), version: base.slice(verDash + 1) };
}
function readFiles(header2, warnings) {
  const paths = readPaths(header2, warnings);
  if (paths.length === 0) return [];
  const digests = sameLength(header2.stringArray(RpmTag.FILEDIGESTS), paths.length, "FILEDIGESTS", warnings);
  const modes = sameLength(header2.uint16Array(RpmTag.FILEMODES), paths.length, "FILEMODES", warnings);
  const flags = sameLength(header2.uint32Array(RpmTag.FILEFLAGS), paths.length, "FILEFLAGS", warnings);
  const algoNumber = header2.uint32Array(RpmTag.FILEDIGESTALGO)?.[0] ?? 1;
  const algorithm = DIGEST_ALGORITHMS.get(algoNumber);
  if (digests && !algorithm) warnings.push(`file digests use unknown algorithm ${algoNumber}; digests left out`);
  const files = [];
  paths.forEach((raw, i) => {
    const path = normalisePath(raw);
    if (path === void 0) {
      if (raw.split("/").includes("..")) warnings.push(`file path ${JSON.stringify(raw)} has a '..' component; left out`);
      return;
    }
    const file = { path };
    const digest = digests?.[i]?.toLowerCase();
    if (algorithm && digest && digest.length === DIGEST_HEX_LENGTH[algorithm] && /^[0-9a-f]+$/.test(digest)) {
      file.digest = { algorithm, value: digest };
    }
    const mode = modes?.[i];
    if (mode !== void 0) file.mode = mode & 4095;
    const flag = flags?.[i] ?? 0;
    if (flag & RPMFILE_CONFIG) file.config = true;
    if (flag & RPMFILE_GHOST) file.ghost = true;
    files.push(file);
  });
  return files;
}
function readPaths(header2, warnings) {
  const basenames = header2.stringArray(RpmTag.BASENAMES);
  if (!basenames) return header2.stringArray(RpmTag.OLDFILENAMES) ?? [];
  const dirnames = header2.stringArray(RpmTag.DIRNAMES) ?? [];
  const dirindexes = header2.uint32Array(RpmTag.DIRINDEXES) ?? [];
  if (dirindexes.length !== basenames.length) {
    warnings.push(`${basenames.length} BASENAMES but ${dirindexes.length} DIRINDEXES; file list left out`);
    return [];
  }
  const paths = [];
  for (let i = 0; i < basenames.length; i++) {
    const dir = dirnames[dirindexes[i] ?? -1];
    if (dir === void 0) {
      warnings.push(`DIRINDEXES[${i}] = ${dirindexes[i]} is outside the ${dirnames.length} DIRNAMES; file list left out`);
      return [];
    }
    paths.push(dir + (basenames[i] ?? ""));
  }
  return paths;
}
function sameLength(values, expected, tag, warnings) {
  if (values === void 0 || values.length === expected) return values;
  warnings.push(`${tag} has ${values.length} values for ${expected} files; left out`);
  return void 0;
}
function normalisePath(raw) {
  const parts = raw.split("/").filter((part) => part !== "" && part !== ".");
  if (parts.length === 0 || parts.includes("..")) return void 0;
  return parts.join("/");
}
var RPMFILE_CONFIG, RPMFILE_GHOST, DIGEST_ALGORITHMS, DIGEST_HEX_LENGTH;
var init_package_record = __esm({
  "src/catalog/os/rpm/package-record.ts"() {
    "use strict";
    init_format_error();
    init_header();
    RPMFILE_CONFIG = 1 << 0;
    RPMFILE_GHOST = 1 << 6;
    DIGEST_ALGORITHMS = /* @__PURE__ */ new Map([
      [1, "md5"],
      [2, "sha1"],
      [8, "sha256"],
      [9, "sha384"],
      [10, "sha512"]
    ]);
    DIGEST_HEX_LENGTH = { md5: 32, sha1: 40, sha256: 64, sha384: 96, sha512: 128 };
  }
});

// node_modules/sql.js/dist/sql-wasm.js
var require_sql_wasm = __commonJS({
  "node_modules/sql.js/dist/sql-wasm.js"(exports, module) {
    var initSqlJsPromise = void 0;
    var initSqlJs = function(moduleConfig) {
      if (initSqlJsPromise) {
        return initSqlJsPromise;
      }
      initSqlJsPromise = new Promise(function(resolveModule, reject) {
        var Module = typeof moduleConfig !== "undefined" ? moduleConfig : {};
        var originalOnAbortFunction = Module["onAbort"];
        Module["onAbort"] = function(errorThatCausedAbort) {
          reject(new Error(errorThatCausedAbort));
          if (originalOnAbortFunction) {
            originalOnAbortFunction(errorThatCausedAbort);
          }
        };
        Module["postRun"] = Module["postRun"] || [];
        Module["postRun"].push(function() {
          resolveModule(Module);
        });
        module = void 0;
        var k;
        k ||= typeof Module !== "undefined" ? Module : {};
        var aa = !!globalThis.window, ba = !!globalThis.WorkerGlobalScope, ca = globalThis.process?.versions?.node && globalThis.process?.type != "renderer";
        k.onRuntimeInitialized = function() {
          function a(f, h) {
            tb(f, h instanceof Error ? h.message : String(h), -1);
          }
          function b(f, h) {
            switch (typeof h) {
              case "boolean":
                kc(f, h ? 1 : 0);
                break;
              case "number":
                lc(f, h);
                break;
              case "string":
                mc(f, h, l(h), -1);
                break;
              case "object":
                if (h === null) ub(f);
                else if (h.length != null) {
                  var p = da(h.length);
                  v.set(h, p);
                  nc(f, p, h.length, -1);
                  ea(p);
                } else tb(f, "Wrong API use : tried to return a value of an unknown type (" + h + ").", -1);
                break;
              default:
                ub(f);
            }
          }
          function d(f, h) {
            for (var p = [], r = 0; r < f; r += 1) {
              var u = y(
                h + 4 * r,
                "i32"
              ), w = oc(u);
              if (w === 1 || w === 2) u = pc(u);
              else if (w === 3) w = vb(u), u = qc(u), u = A(u, w, true);
              else if (w === 4) {
                w = u;
                u = vb(w);
                w = rc(w);
                for (var x = new Uint8Array(u), G = 0; G < u; G += 1) x[G] = v[w + G];
                u = x;
              } else u = null;
              p.push(u);
            }
            return p;
          }
          function c(f, h) {
            this.Va = f;
            this.db = h;
            this.Ta = 1;
            this.rb = [];
          }
          function e(f, h) {
            this.db = h;
            this.kb = fa(f);
            if (this.kb === null) throw Error("Unable to allocate memory for the SQL string");
            this.pb = this.kb;
            this.bb = this.xb = null;
          }
          function g(f) {
            this.filename = "dbfile_" + (4294967295 * Math.random() >>> 0);
            f != null && ja(
              this.filename,
              f
            );
            this.handleError(F(this.filename, q));
            this.db = y(q, "i32");
            z && sc(this.db);
            this.qb = {};
            this.Ya = /* @__PURE__ */ new Map();
          }
          function m(f, h) {
            return f.replace(/[A-Z]/g, function(p) {
              return p.toLowerCase();
            }) + ":" + h;
          }
          function t(f) {
            f.forEach(ka);
          }
          var z = k.useOldExtensionFunctions !== false, q = la(4), n2 = k.cwrap, F = n2("sqlite3_open", "number", ["string", "number"]), S = n2("sqlite3_close_v2", "number", ["number"]), Ta = n2("sqlite3_backup_init", "number", ["number", "string", "number", "string"]), ma = n2("sqlite3_backup_step", "number", ["number", "number"]), na = n2(
            "sqlite3_backup_finish",
            "number",
            ["number"]
          ), ha = n2("sqlite3_exec", "number", ["number", "number", "number", "number", "number"]), Aa = n2("sqlite3_changes", "number", ["number"]), N = n2("sqlite3_sql", "string", ["number"]), tc = n2("sqlite3_normalized_sql", "string", ["number"]), Ua = n2("sqlite3_prepare_v2", "number", ["number", "number", "number", "number", "number"]), uc = n2("sqlite3_bind_text", "number", ["number", "number", "number", "number", "number"]), xb = n2("sqlite3_bind_blob", "number", ["number", "number", "number", "number", "number"]), vc = n2(
            "sqlite3_bind_double",
            "number",
            ["number", "number", "number"]
          ), wc = n2("sqlite3_bind_int", "number", ["number", "number", "number"]), xc = n2("sqlite3_bind_parameter_index", "number", ["number", "string"]), yc = n2("sqlite3_step", "number", ["number"]), ia = n2("sqlite3_errmsg", "string", ["number"]), zc = n2("sqlite3_column_count", "number", ["number"]), Ac = n2("sqlite3_data_count", "number", ["number"]), Bc = n2("sqlite3_column_double", "number", ["number", "number"]), Cc = n2("sqlite3_column_text", "number", ["number", "number"]), Dc = n2("sqlite3_column_blob", "number", [
            "number",
            "number"
          ]), yb = n2("sqlite3_column_bytes", "number", ["number", "number"]), Ec = n2("sqlite3_column_type", "number", ["number", "number"]), Fc = n2("sqlite3_column_name", "string", ["number", "number"]), Gc = n2("sqlite3_reset", "number", ["number"]), Hc = n2("sqlite3_clear_bindings", "number", ["number"]), Ic = n2("sqlite3_finalize", "number", ["number"]), zb = n2("sqlite3_create_function_v2", "number", "number string number number number number number number number".split(" ")), oc = n2("sqlite3_value_type", "number", ["number"]), vb = n2(
            "sqlite3_value_bytes",
            "number",
            ["number"]
          ), qc = n2("sqlite3_value_text", "number", ["number"]), rc = n2("sqlite3_value_blob", "number", ["number"]), pc = n2("sqlite3_value_double", "number", ["number"]), lc = n2("sqlite3_result_double", "", ["number", "number"]), ub = n2("sqlite3_result_null", "", ["number"]), mc = n2("sqlite3_result_text", "", ["number", "string", "number", "number"]), nc = n2("sqlite3_result_blob", "", ["number", "number", "number", "number"]), kc = n2("sqlite3_result_int", "", ["number", "number"]), tb = n2("sqlite3_result_error", "", ["number", "string", "number"]), Ab = n2("sqlite3_aggregate_context", "number", ["number", "number"]), sc = n2("RegisterExtensionFunctions", "number", ["number"]), Bb = n2("sqlite3_update_hook", "number", ["number", "number", "number"]);
          c.prototype.bind = function(f) {
            if (!this.Va) throw "Statement closed";
            this.reset();
            return Array.isArray(f) ? this.Ob(f) : f != null && typeof f === "object" ? this.Pb(f) : true;
          };
          c.prototype.step = function() {
            if (!this.Va) throw "Statement closed";
            this.Ta = 1;
            var f = yc(this.Va);
            switch (f) {
              case 100:
                return true;
              case 101:
                return false;
              default:
                throw this.db.handleError(f);
            }
          };
          c.prototype.Hb = function(f) {
            f == null && (f = this.Ta, this.Ta += 1);
            return Bc(this.Va, f);
          };
          c.prototype.Xb = function(f) {
            f == null && (f = this.Ta, this.Ta += 1);
            if (typeof BigInt !== "function") throw Error("BigInt is not supported");
            return BigInt(this.Ib(f));
          };
          c.prototype.Ib = function(f) {
            f == null && (f = this.Ta, this.Ta += 1);
            var h = Cc(this.Va, f);
            f = yb(this.Va, f);
            return A(h, f, true);
          };
          c.prototype.getBlob = function(f) {
            f == null && (f = this.Ta, this.Ta += 1);
            var h = yb(this.Va, f);
            f = Dc(this.Va, f);
            for (var p = new Uint8Array(h), r = 0; r < h; r += 1) p[r] = v[f + r];
            return p;
          };
          c.prototype.get = function(f, h) {
            h = h || {};
            f != null && this.bind(f) && this.step();
            f = [];
            for (var p = Ac(this.Va), r = 0; r < p; r += 1) switch (Ec(this.Va, r)) {
              case 1:
                var u = h.useBigInt ? this.Xb(r) : this.Hb(r);
                f.push(u);
                break;
              case 2:
                f.push(this.Hb(r));
                break;
              case 3:
                f.push(this.Ib(r));
                break;
              case 4:
                f.push(this.getBlob(r));
                break;
              default:
                f.push(null);
            }
            return f;
          };
          c.prototype.ub = function() {
            for (var f = [], h = zc(this.Va), p = 0; p < h; p += 1) f.push(Fc(this.Va, p));
            return f;
          };
          c.prototype.Gb = function(f, h) {
            var p = this.get(f, h);
            f = this.ub();
            return Object.fromEntries(f.map(function(r, u) {
              return [r, p[u]];
            }));
          };
          c.prototype.ac = function() {
            return N(this.Va);
          };
          c.prototype.Yb = function() {
            return tc(this.Va);
          };
          c.prototype.run = function(f) {
            f != null && this.bind(f);
            this.step();
            return this.reset();
          };
          c.prototype.Cb = function(f, h) {
            h == null && (h = this.Ta, this.Ta += 1);
            var p = fa(f);
            this.rb.push(p);
            this.db.handleError(uc(this.Va, h, p, l(f), 0));
          };
          c.prototype.Nb = function(f, h) {
            h == null && (h = this.Ta, this.Ta += 1);
            var p = da(f.length);
            v.set(f, p);
            this.rb.push(p);
            this.db.handleError(xb(
              this.Va,
              h,
              p,
              f.length,
              0
            ));
          };
          c.prototype.Bb = function(f, h) {
            h == null && (h = this.Ta, this.Ta += 1);
            this.db.handleError((f === (f | 0) ? wc : vc)(this.Va, h, f));
          };
          c.prototype.Qb = function(f) {
            f == null && (f = this.Ta, this.Ta += 1);
            xb(this.Va, f, 0, 0, 0);
          };
          c.prototype.Db = function(f, h) {
            h == null && (h = this.Ta, this.Ta += 1);
            switch (typeof f) {
              case "string":
                this.Cb(f, h);
                return;
              case "number":
                this.Bb(f, h);
                return;
              case "bigint":
                this.Cb(f.toString(), h);
                return;
              case "boolean":
                this.Bb(f + 0, h);
                return;
              case "object":
                if (f === null) {
                  this.Qb(h);
                  return;
                }
                if (f.length != null) {
                  this.Nb(
                    f,
                    h
                  );
                  return;
                }
            }
            throw "Wrong API use : tried to bind a value of an unknown type (" + f + ").";
          };
          c.prototype.Pb = function(f) {
            var h = this;
            Object.keys(f).forEach(function(p) {
              var r = xc(h.Va, p);
              r !== 0 && h.Db(f[p], r);
            });
            return true;
          };
          c.prototype.Ob = function(f) {
            for (var h = 0; h < f.length; h += 1) this.Db(f[h], h + 1);
            return true;
          };
          c.prototype.reset = function() {
            this.freemem();
            return Hc(this.Va) === 0 && Gc(this.Va) === 0;
          };
          c.prototype.freemem = function() {
            for (var f; (f = this.rb.pop()) !== void 0; ) ea(f);
          };
          c.prototype.eb = function() {
            this.freemem();
            var f = Ic(this.Va) === 0;
            delete this.db.qb[this.Va];
            this.Va = 0;
            return f;
          };
          e.prototype.next = function() {
            if (this.kb === null) return { done: true };
            this.bb !== null && (this.bb.eb(), this.bb = null);
            if (!this.db.db) throw this.lb(), Error("Database closed");
            var f = oa(), h = la(4);
            pa(q);
            pa(h);
            try {
              this.db.handleError(Ua(this.db.db, this.pb, -1, q, h));
              this.pb = y(h, "i32");
              var p = y(q, "i32");
              if (p === 0) return this.lb(), { done: true };
              this.bb = new c(p, this.db);
              this.db.qb[p] = this.bb;
              return { value: this.bb, done: false };
            } catch (r) {
              throw this.xb = A(this.pb), this.lb(), r;
            } finally {
              qa(f);
            }
          };
          e.prototype.lb = function() {
            ea(this.kb);
            this.kb = null;
          };
          e.prototype["return"] = function() {
            this.bb !== null && (this.bb.eb(), this.bb = null);
            this.lb();
            return { done: true };
          };
          e.prototype.Zb = function() {
            return this.xb !== null ? this.xb : A(this.pb);
          };
          typeof Symbol === "function" && typeof Symbol.iterator === "symbol" && (e.prototype[Symbol.iterator] = function() {
            return this;
          });
          g.prototype.run = function(f, h) {
            if (!this.db) throw "Database closed";
            if (h) {
              f = this.yb(f, h);
              try {
                f.step();
              } finally {
                f.eb();
              }
            } else {
              f = fa(f);
              try {
                this.handleError(ha(
                  this.db,
                  f,
                  0,
                  0,
                  q
                ));
              } finally {
                ea(f);
              }
            }
            return this;
          };
          g.prototype.exec = function(f, h, p) {
            if (!this.db) throw "Database closed";
            var r = oa(), u = null, w = null, x = null;
            try {
              x = w = fa(f);
              var G = la(4);
              for (f = []; y(x, "i8") !== 0; ) {
                pa(q);
                pa(G);
                this.handleError(Ua(this.db, x, -1, q, G));
                var T = y(q, "i32");
                x = y(G, "i32");
                if (T !== 0) {
                  var D = null;
                  u = new c(T, this);
                  for (h != null && u.bind(h); u.step(); ) D === null && (D = { columns: u.ub(), values: [] }, f.push(D)), D.values.push(u.get(null, p));
                  u.eb();
                }
              }
              return f;
            } catch (K) {
              throw u && u.eb(), K;
            } finally {
              w && ea(w), qa(r);
            }
          };
          g.prototype.Ub = function(f, h, p, r, u) {
            typeof h === "function" && (r = p, p = h, h = void 0);
            f = this.yb(f, h);
            try {
              for (; f.step(); ) p(f.Gb(null, u));
            } finally {
              f.eb();
            }
            if (typeof r === "function") return r();
          };
          g.prototype.yb = function(f, h) {
            f = fa(f);
            try {
              pa(q), this.handleError(Ua(this.db, f, -1, q, 0));
            } finally {
              ea(f);
            }
            f = y(q, "i32");
            if (f === 0) throw "Nothing to prepare";
            var p = new c(f, this);
            h != null && p.bind(h);
            return this.qb[f] = p;
          };
          g.prototype.bc = function(f) {
            return new e(f, this);
          };
          g.prototype.Wb = function() {
            if (!this.db) throw Error("Database closed");
            var f = this.filename + "_export";
            ja(f, []);
            var h = 0, p = 0;
            try {
              var r = B(f).node, u = null, w = r.Qa.write;
              r.Qa = Object.create(r.Qa);
              r.Qa.write = function(T, D, K, V, U) {
                if (u === null) return w(T, D, K, V, U);
                r.Ua.set(D.subarray(K, K + V), U);
                r.Wa = Math.max(r.Wa, U + V);
                return V;
              };
              var x = F(f, q);
              h = y(q, "i32");
              if (x !== 0) throw Error(ia(h));
              p = Ta(h, "main", this.db, "main");
              if (p === 0) throw Error(ia(h));
              x = ma(p, 0);
              if (x === 0) {
                var G = this.exec("PRAGMA main.page_count; PRAGMA main.page_size");
                u = new Uint8Array(G[0].values[0][0] * G[1].values[0][0]);
                r.Ua = u;
                x = ma(p, -1);
              }
              if (x === 5 || x === 6) throw Error("Unable to export: SQLite is busy or locked. Finish active write transactions before exporting.");
              if (x !== 101) throw Error(ia(h));
              x = na(p);
              p = 0;
              if (x !== 0) throw Error(ia(h));
              x = S(h);
              if (x !== 0) throw Error(ia(h));
              h = 0;
              u = new Uint8Array(r.Ua.buffer, r.Ua.byteOffset, r.Wa);
              u.length > 0 && (u[18] = 1, u[19] = 1);
              return u;
            } finally {
              p !== 0 && na(p), h !== 0 && S(h), ra("/" + f);
            }
          };
          g.prototype.close = function() {
            this.db !== null && (Object.values(this.qb).forEach(function(f) {
              f.eb();
            }), this.Ya.forEach(t), this.Ya.clear(), this.fb && (ka(this.fb), this.fb = void 0), this.handleError(S(this.db)), ra("/" + this.filename), this.db = null);
          };
          g.prototype.handleError = function(f) {
            if (f === 0) return null;
            f = ia(this.db);
            throw Error(f);
          };
          g.prototype.$b = function() {
            return Aa(this.db);
          };
          g.prototype.Tb = function(f, h) {
            var p = m(f, h.length);
            this.Ya.has(p) && (t(this.Ya.get(p)), this.Ya.delete(p));
            var r = sa(function(u, w, x) {
              w = d(w, x);
              try {
                var G = h.apply(null, w);
              } catch (T) {
                a(u, T);
                return;
              }
              b(u, G);
            }, "viii");
            this.Ya.set(p, [r]);
            this.handleError(zb(this.db, f, h.length, 1, 0, r, 0, 0, 0));
            return this;
          };
          g.prototype.Sb = function(f, h) {
            function p(D) {
              x.has(D) || x.set(D, r());
              return x.get(D);
            }
            var r = h.init || function() {
              return null;
            }, u = h.finalize || function(D) {
              return D;
            }, w = h.step;
            if (!w) throw "An aggregate function must have a step function in " + f;
            var x = /* @__PURE__ */ new Map();
            h = m(f, w.length - 1);
            this.Ya.has(h) && (t(this.Ya.get(h)), this.Ya.delete(h));
            var G = sa(function(D, K, V) {
              var U = Ab(D, 1), Wa = p(U);
              K = d(K, V);
              Wa = [Wa].concat(K);
              try {
                x.set(U, w.apply(null, Wa));
              } catch (Jc) {
                x.delete(U), a(D, Jc);
              }
            }, "viii"), T = sa(function(D) {
              var K = Ab(
                D,
                1
              );
              try {
                var V = u(p(K));
              } catch (U) {
                x.delete(K);
                a(D, U);
                return;
              }
              b(D, V);
              x.delete(K);
            }, "vi");
            this.Ya.set(h, [G, T]);
            this.handleError(zb(this.db, f, w.length - 1, 1, 0, 0, G, T, 0));
            return this;
          };
          g.prototype.jc = function(f) {
            this.fb && (Bb(this.db, 0, 0), ka(this.fb), this.fb = void 0);
            if (!f) return this;
            this.fb = sa(function(h, p, r, u, w) {
              switch (p) {
                case 18:
                  h = "insert";
                  break;
                case 23:
                  h = "update";
                  break;
                case 9:
                  h = "delete";
                  break;
                default:
                  throw "unknown operationCode in updateHook callback: " + p;
              }
              r = A(r);
              u = A(u);
              if (w > Number.MAX_SAFE_INTEGER) throw "rowId too big to fit inside a Number";
              f(h, r, u, Number(w));
            }, "viiiij");
            Bb(this.db, this.fb, 0);
            return this;
          };
          c.prototype.bind = c.prototype.bind;
          c.prototype.step = c.prototype.step;
          c.prototype.get = c.prototype.get;
          c.prototype.getColumnNames = c.prototype.ub;
          c.prototype.getAsObject = c.prototype.Gb;
          c.prototype.getSQL = c.prototype.ac;
          c.prototype.getNormalizedSQL = c.prototype.Yb;
          c.prototype.run = c.prototype.run;
          c.prototype.reset = c.prototype.reset;
          c.prototype.freemem = c.prototype.freemem;
          c.prototype.free = c.prototype.eb;
          e.prototype.next = e.prototype.next;
          e.prototype.getRemainingSQL = e.prototype.Zb;
          g.prototype.run = g.prototype.run;
          g.prototype.exec = g.prototype.exec;
          g.prototype.each = g.prototype.Ub;
          g.prototype.prepare = g.prototype.yb;
          g.prototype.iterateStatements = g.prototype.bc;
          g.prototype["export"] = g.prototype.Wb;
          g.prototype.close = g.prototype.close;
          g.prototype.handleError = g.prototype.handleError;
          g.prototype.getRowsModified = g.prototype.$b;
          g.prototype.create_function = g.prototype.Tb;
          g.prototype.create_aggregate = g.prototype.Sb;
          g.prototype.updateHook = g.prototype.jc;
          k.Database = g;
        };
        var ta = "./this.program", ua = (a, b) => {
          throw b;
        }, va = globalThis.document?.currentScript?.src;
        typeof __filename !== "undefined" ? va = __filename : ba && (va = self.location.href);
        var wa = "", xa, ya;
        if (ca) {
          var fs = __require("node:fs");
          wa = __dirname + "/";
          ya = (a) => {
            a = za(a) ? new URL(a) : a;
            return fs.readFileSync(a);
          };
          xa = async (a) => {
            a = za(a) ? new URL(a) : a;
            return fs.readFileSync(a, void 0);
          };
          process.argv.length > 1 && (ta = process.argv[1].replace(/\\/g, "/"));
          process.argv.slice(2);
          typeof module !== "undefined" && (module.exports = k);
          ua = (a, b) => {
            process.exitCode = a;
            throw b;
          };
        } else if (aa || ba) {
          try {
            wa = new URL(".", va).href;
          } catch {
          }
          ba && (ya = (a) => {
            var b = new XMLHttpRequest();
            b.open("GET", a, false);
            b.responseType = "arraybuffer";
            b.send(null);
            return new Uint8Array(b.response);
          });
          xa = async (a) => {
            if (za(a)) return new Promise((d, c) => {
              var e = new XMLHttpRequest();
              e.open("GET", a, true);
              e.responseType = "arraybuffer";
              e.onload = () => {
                e.status == 200 || e.status == 0 && e.response ? d(e.response) : c(e.status);
              };
              e.onerror = c;
              e.send(null);
            });
            var b = await fetch(a, { credentials: "same-origin" });
            if (b.ok) return b.arrayBuffer();
            throw Error(b.status + " : " + b.url);
          };
        }
        var Ba = console.log.bind(console), C = console.error.bind(console), Ca, Da = false, Ea, za = (a) => a.startsWith("file://");
        function Fa() {
          if (!v?.buffer?.resizable) {
            var a = Ga.buffer;
            v = new Int8Array(a);
            Ha = new Int16Array(a);
            E = new Uint8Array(a);
            H = new Int32Array(a);
            I = new Uint32Array(a);
            Ia = new Float32Array(a);
            Ja = new Float64Array(a);
            J = new BigInt64Array(a);
          }
        }
        function Ka() {
          var a = k.preRun;
          a && (typeof a === "function" && (a = [a]), La.push(...a));
          for (a = La; a.length > 0; ) a.shift()(k);
        }
        function Ma() {
          var a = k.postRun;
          a && (typeof a === "function" && (a = [a]), Na.push(...a));
          for (a = Na; a.length > 0; ) a.shift()(k);
        }
        function Oa(a) {
          k.onAbort?.(a);
          a = `Aborted(${a})`;
          C(a);
          Da = true;
          throw new WebAssembly.RuntimeError(a + ". Build with -sASSERTIONS for more info.");
        }
        var Pa;
        async function Qa(a) {
          if (!Ca) try {
            return await xa(a);
          } catch {
          }
          if (a == Pa && Ca) a = new Uint8Array(Ca);
          else if (ya) a = ya(a);
          else throw "both async and sync fetching of the wasm failed";
          return a;
        }
        async function Ra(a, b) {
          try {
            var d = await Qa(a);
            return await WebAssembly.instantiate(d, b);
          } catch (c) {
            C(`failed to asynchronously prepare wasm: ${c}`), Oa(c);
          }
        }
        async function Sa(a) {
          var b = Pa;
          if (!Ca && !za(b) && !ca) try {
            var d = fetch(b, { credentials: "same-origin" });
            return await WebAssembly.instantiateStreaming(d, a);
          } catch (c) {
            C(`wasm streaming compile failed: ${c}`), C("falling back to ArrayBuffer instantiation");
          }
          return Ra(b, a);
        }
        class Va {
          name = "ExitStatus";
          constructor(a) {
            this.message = `Program terminated with exit(${a})`;
            this.status = a;
          }
        }
        var v, Na = [], La = [], Xa = true, E, Ya = new TextDecoder(), Za = (a, b, d, c) => {
          d = b + d;
          if (c) return d;
          for (; a[b] && !(b >= d); ) ++b;
          return b;
        }, A = (a, b, d) => a ? Ya.decode(E.subarray(a, Za(E, a, b, d))) : "", $a = (a, b) => {
          for (var d = 0, c = a.length - 1; c >= 0; c--) {
            var e = a[c];
            e === "." ? a.splice(c, 1) : e === ".." ? (a.splice(c, 1), d++) : d && (a.splice(c, 1), d--);
          }
          if (b) for (; d; d--) a.unshift("..");
          return a;
        }, ab2 = (a) => {
          var b = a.charAt(0) === "/", d = a.slice(-1) === "/";
          (a = $a(a.split("/").filter((c) => !!c), !b).join("/")) || b || (a = ".");
          a && d && (a += "/");
          return (b ? "/" : "") + a;
        }, bb = (a) => {
          var b = /^(\/?|)([\s\S]*?)((?:\.{1,2}|[^\/]+?|)(\.[^.\/]*|))(?:[\/]*)$/.exec(a).slice(1);
          a = b[0];
          b = b[1];
          if (!a && !b) return ".";
          b &&= b.slice(0, -1);
          return a + b;
        }, cb = (a) => a && a.match(/([^\/]+|\/)\/*$/)[1], db = (...a) => {
          for (var b = "", d = false, c = a.length - 1; c >= -1 && !d; c--) {
            d = c >= 0 ? a[c] : "/";
            if (typeof d !== "string") throw new TypeError("Arguments to path.resolve must be strings");
            if (!d) return "";
            b = d + "/" + b;
            d = d.charAt(0) === "/";
          }
          b = $a(b.split("/").filter((e) => !!e), !d).join("/");
          return (d ? "/" : "") + b || ".";
        }, l = (a) => {
          for (var b = 0, d = 0; d < a.length; ++d) {
            var c = a.codePointAt(d);
            c <= 127 ? b++ : c <= 2047 ? b += 2 : c <= 65535 ? b += 3 : (b += 4, d++);
          }
          return b;
        }, L = (a, b, d, c) => {
          if (!(c > 0)) return 0;
          var e = d;
          c = d + c - 1;
          for (var g = 0; g < a.length; ++g) {
            var m = a.codePointAt(g);
            if (m <= 127) {
              if (d >= c) break;
              b[d++] = m;
            } else if (m <= 2047) {
              if (d + 1 >= c) break;
              b[d++] = 192 | m >> 6;
              b[d++] = 128 | m & 63;
            } else if (m <= 65535) {
              if (d + 2 >= c) break;
              b[d++] = 224 | m >> 12;
              b[d++] = 128 | m >> 6 & 63;
              b[d++] = 128 | m & 63;
            } else {
              if (d + 3 >= c) break;
              b[d++] = 240 | m >> 18;
              b[d++] = 128 | m >> 12 & 63;
              b[d++] = 128 | m >> 6 & 63;
              b[d++] = 128 | m & 63;
              g++;
            }
          }
          b[d] = 0;
          return d - e;
        }, eb = (a) => {
          var b = Array(l(a) + 1);
          a = L(a, b, 0, b.length);
          b.length = a;
          return b;
        }, fb = (a, b) => {
          var d = 0;
          a && (d |= 365);
          b && (d |= 146);
          return d;
        }, M = { $a: null, cb() {
          return M.createNode(null, "/", 16895, 0);
        }, createNode(a, b, d, c) {
          if ((d & 61440) === 24576 || (d & 61440) === 4096) throw new O(63);
          M.$a || (M.$a = { dir: { node: { Xa: M.Ra.Xa, ab: M.Ra.ab, lookup: M.Ra.lookup, mb: M.Ra.mb, rename: M.Ra.rename, unlink: M.Ra.unlink, rmdir: M.Ra.rmdir, readdir: M.Ra.readdir, symlink: M.Ra.symlink }, stream: { Za: M.Qa.Za } }, file: { node: { Xa: M.Ra.Xa, ab: M.Ra.ab }, stream: { Za: M.Qa.Za, read: M.Qa.read, write: M.Qa.write, nb: M.Qa.nb, ob: M.Qa.ob } }, link: {
            node: { Xa: M.Ra.Xa, ab: M.Ra.ab, readlink: M.Ra.readlink },
            stream: {}
          }, Eb: { node: { Xa: M.Ra.Xa, ab: M.Ra.ab }, stream: gb } });
          d = hb(a, b, d, c);
          P(d.mode) ? (d.Ra = M.$a.dir.node, d.Qa = M.$a.dir.stream, d.Ua = {}) : (d.mode & 61440) === 32768 ? (d.Ra = M.$a.file.node, d.Qa = M.$a.file.stream, d.Wa = 0, d.Ua = M.Vb ?? (M.Vb = new Uint8Array(0))) : (d.mode & 61440) === 40960 ? (d.Ra = M.$a.link.node, d.Qa = M.$a.link.stream) : (d.mode & 61440) === 8192 && (d.Ra = M.$a.Eb.node, d.Qa = M.$a.Eb.stream);
          d.atime = d.mtime = d.ctime = Date.now();
          a && (a.Ua[b] = d, a.atime = a.mtime = a.ctime = d.atime);
          return d;
        }, Ra: { Xa(a) {
          var b = {};
          b.dev = (a.mode & 61440) === 8192 ? a.id : 1;
          b.ino = a.id;
          b.mode = a.mode;
          b.nlink = 1;
          b.uid = 0;
          b.gid = 0;
          b.rdev = a.rdev;
          P(a.mode) ? b.size = 4096 : (a.mode & 61440) === 32768 ? b.size = a.Wa : (a.mode & 61440) === 40960 ? b.size = a.link.length : b.size = 0;
          b.atime = new Date(a.atime);
          b.mtime = new Date(a.mtime);
          b.ctime = new Date(a.ctime);
          b.blksize = 4096;
          b.blocks = Math.ceil(b.size / b.blksize);
          return b;
        }, ab(a, b) {
          for (var d of ["mode", "atime", "mtime", "ctime"]) b[d] != null && (a[d] = b[d]);
          b.size !== void 0 && (b = b.size, a.Wa != b && (d = a.Ua, a.Ua = new Uint8Array(b), a.Ua.set(d.subarray(0, Math.min(
            b,
            a.Wa
          ))), a.Wa = b));
        }, lookup() {
          M.sb || (M.sb = new O(44), M.sb.stack = "<generic error, no stack>");
          throw M.sb;
        }, mb(a, b, d, c) {
          return M.createNode(a, b, d, c);
        }, rename(a, b, d) {
          try {
            var c = ib(b, d);
          } catch (g) {
          }
          if (c && P(a.mode)) for (var e in c.Ua) throw new O(55);
          delete a.parent.Ua[a.name];
          b.Ua[d] = a;
          a.name = d;
          b.ctime = b.mtime = a.parent.ctime = a.parent.mtime = Date.now();
        }, unlink(a, b) {
          delete a.Ua[b];
          a.ctime = a.mtime = Date.now();
        }, rmdir(a, b) {
          var d = ib(a, b), c;
          for (c in d.Ua) throw new O(55);
          delete a.Ua[b];
          a.ctime = a.mtime = Date.now();
        }, readdir(a) {
          return [
            ".",
            "..",
            ...Object.keys(a.Ua)
          ];
        }, symlink(a, b, d) {
          a = M.createNode(a, b, 41471, 0);
          a.link = d;
          return a;
        }, readlink(a) {
          if ((a.mode & 61440) !== 40960) throw new O(28);
          return a.link;
        } }, Qa: { read(a, b, d, c, e) {
          if (e >= a.node.Wa) return 0;
          c = Math.min(a.node.Wa - e, c);
          b.set(a.node.Ua.subarray(e, e + c), d);
          return c;
        }, write(a, b, d, c, e, g) {
          b.buffer === v.buffer && (g = false);
          if (!c) return 0;
          a = a.node;
          a.mtime = a.ctime = Date.now();
          if (g) a.Ua = b.subarray(d, d + c), a.Wa = c;
          else if (a.Wa || e) {
            g = e + c;
            var m = a.Ua.length;
            m >= g || (g = Math.max(g, m * (m < 1048576 ? 2 : 1.125) >>> 0), m && (g = Math.max(g, 256)), m = a.Ua.subarray(0, a.Wa), a.Ua = new Uint8Array(g), a.Ua.set(m));
            a.Ua.set(b.subarray(d, d + c), e);
            a.Wa = Math.max(a.Wa, e + c);
          } else a.Ua = b.slice(d, d + c), a.Wa = c;
          return c;
        }, Za(a, b, d) {
          d === 1 ? b += a.position : d === 2 && (a.node.mode & 61440) === 32768 && (b += a.node.Wa);
          if (b < 0) throw new O(28);
          return b;
        }, nb(a, b, d, c, e) {
          if ((a.node.mode & 61440) !== 32768) throw new O(43);
          a = a.node.Ua;
          if (e & 2 || a.buffer !== v.buffer) {
            e = true;
            c = Math.ceil(b / 65536) * 65536;
            var g = jb(65536, c);
            g && E.fill(0, g, g + c);
            c = g;
            if (!c) throw new O(48);
            if (a) {
              if (d > 0 || d + b < a.length) a = a.subarray ? a.subarray(d, d + b) : a.slice(d, d + b);
              v.set(a, c);
            }
          } else e = false, c = a.byteOffset;
          return { fc: c, Mb: e };
        }, ob(a, b, d, c) {
          M.Qa.write(a, b, 0, c, d, false);
          return 0;
        } } }, kb = [], lb = (a) => {
          var b = Za(a, 0);
          return Ya.decode(a.buffer ? a.subarray(0, b) : new Uint8Array(a.slice(0, b)));
        }, mb = [];
        function nb(a, b) {
          mb[a] = { input: [], output: [], jb: b };
          ob(a, pb);
        }
        var pb = { open(a) {
          var b = mb[a.node.rdev];
          if (!b) throw new O(43);
          a.tty = b;
          a.seekable = false;
        }, close(a) {
          a.tty.jb.fsync(a.tty);
        }, fsync(a) {
          a.tty.jb.fsync(a.tty);
        }, read(a, b, d, c) {
          if (!a.tty || !a.tty.jb.Jb) throw new O(60);
          for (var e = 0, g = 0; g < c; g++) {
            try {
              var m = a.tty.jb.Jb(a.tty);
            } catch (t) {
              throw new O(29);
            }
            if (m === void 0 && !e) throw new O(6);
            if (m === null || m === void 0) break;
            e++;
            b[d + g] = m;
            if (m === 10) break;
          }
          e && (a.node.atime = Date.now());
          return e;
        }, write(a, b, d, c) {
          if (!a.tty || !a.tty.jb.zb) throw new O(60);
          try {
            for (var e = 0; e < c; e++) a.tty.jb.zb(
              a.tty,
              b[d + e]
            );
          } catch (g) {
            throw new O(29);
          }
          c && (a.node.mtime = a.node.ctime = Date.now());
          return e;
        } }, qb = {
          Jb() {
            a: {
              if (!kb.length) {
                var a = null;
                if (ca) {
                  var b = Buffer.alloc(256), d = 0;
                  try {
                    d = fs.readSync(process.stdin.fd, b, 0, 256);
                  } catch (c) {
                    if (c.toString().includes("EOF")) d = 0;
                    else throw c;
                  }
                  d > 0 && (a = b.toString("utf-8", 0, d));
                } else globalThis.window?.prompt && (a = window.prompt("Input: "), a !== null && (a += "\n"));
                if (!a) {
                  a = null;
                  break a;
                }
                kb = eb(a);
              }
              a = kb.shift();
            }
            return a;
          },
          zb(a, b) {
            b === null || b === 10 ? (Ba(lb(a.output)), a.output = []) : b != 0 && a.output.push(b);
          },
          fsync(a) {
            a.output?.length > 0 && (Ba(lb(a.output)), a.output = []);
          },
          rc() {
            return { mc: 25856, oc: 5, lc: 191, nc: 35387, kc: [3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] };
          },
          sc() {
            return 0;
          },
          tc() {
            return [24, 80];
          }
        }, rb2 = { zb(a, b) {
          b === null || b === 10 ? (C(lb(a.output)), a.output = []) : b != 0 && a.output.push(b);
        }, fsync(a) {
          a.output?.length > 0 && (C(lb(a.output)), a.output = []);
        } }, sb = () => {
          if (ca) {
            var a = __require("node:crypto");
            return (b) => (a.randomFillSync(b), 0);
          }
          return (b) => (crypto.getRandomValues(b), 0);
        }, wb = (a) => (wb = sb())(a), Cb = null, Db = {}, Eb = [], Fb = 1, Q = [], Gb = false, Hb = true, Ib = {}, O = class {
          name = "ErrnoError";
          constructor(a) {
            this.Sa = a;
          }
        }, Jb = class {
          shared = {};
          node = null;
          get flags() {
            return this.shared.flags;
          }
          set flags(a) {
            this.shared.flags = a;
          }
          get position() {
            return this.shared.position;
          }
          set position(a) {
            this.shared.position = a;
          }
        }, Kb = class {
          Ra = {};
          Qa = {};
          hb = null;
          listeners = null;
          Ab = 0;
          constructor(a, b, d, c) {
            a ||= this;
            this.parent = a;
            this.cb = a.cb;
            this.id = Fb++;
            this.name = b;
            this.mode = d;
            this.rdev = c;
            this.atime = this.mtime = this.ctime = Date.now();
          }
          get read() {
            return (this.mode & 365) === 365;
          }
          set read(a) {
            a ? this.mode |= 365 : this.mode &= -366;
          }
          get write() {
            return (this.mode & 146) === 146;
          }
          set write(a) {
            a ? this.mode |= 146 : this.mode &= -147;
          }
          ec() {
            if (this.listeners) {
              var a;
              for (b of this.listeners) b.exclusive ? (a ||= []).push(b) : b.Rb(32);
              if (a) {
                var b = (this.Ab || 0) % a.length;
                this.Ab = b + 1;
                a[b].Rb(32);
              }
            }
          }
        };
        function B(a, b = {}) {
          if (!a) throw new O(44);
          b.tb ?? (b.tb = true);
          a.charAt(0) === "/" || (a = "//" + a);
          var d = 0;
          a: for (; d < 40; d++) {
            a = a.split("/").filter((t) => !!t);
            for (var c = Cb, e = "/", g = 0; g < a.length; g++) {
              var m = g === a.length - 1;
              if (m && b.parent) break;
              if (a[g] !== ".") if (a[g] === "..") if (e = bb(e), c === c.parent) {
                a = e + "/" + a.slice(g + 1).join("/");
                d--;
                continue a;
              } else c = c.parent;
              else {
                e = ab2(e + "/" + a[g]);
                try {
                  c = ib(c, a[g]);
                } catch (t) {
                  if (t?.Sa === 44 && m && b.dc) return { path: e };
                  throw t;
                }
                !c.hb || m && !b.tb || (c = c.hb.root);
                if ((c.mode & 61440) === 40960 && (!m || b.gb)) {
                  if (!c.Ra.readlink) throw new O(52);
                  c = c.Ra.readlink(c);
                  c.charAt(0) === "/" || (c = bb(e) + "/" + c);
                  a = c + "/" + a.slice(g + 1).join("/");
                  continue a;
                }
              }
            }
            return { path: e, node: c };
          }
          throw new O(32);
        }
        function Lb(a) {
          for (var b; ; ) {
            if (a === a.parent) return a = a.cb.Lb, b ? a[a.length - 1] !== "/" ? `${a}/${b}` : a + b : a;
            b = b ? `${a.name}/${b}` : a.name;
            a = a.parent;
          }
        }
        function Mb(a, b) {
          for (var d = 0, c = 0; c < b.length; c++) d = (d << 5) - d + b.charCodeAt(c) | 0;
          return (a + d >>> 0) % Q.length;
        }
        function Nb(a) {
          var b = Mb(a.parent.id, a.name);
          if (Q[b] === a) Q[b] = a.ib;
          else for (b = Q[b]; b; ) {
            if (b.ib === a) {
              b.ib = a.ib;
              break;
            }
            b = b.ib;
          }
        }
        function ib(a, b) {
          var d = P(a.mode) ? (d = Ob(a, "x")) ? d : a.Ra.lookup ? 0 : 2 : 54;
          if (d) throw new O(d);
          for (d = Q[Mb(a.id, b)]; d; d = d.ib) {
            var c = d.name;
            if (d.parent.id === a.id && c === b) return d;
          }
          return a.Ra.lookup(a, b);
        }
        function hb(a, b, d, c) {
          a = new Kb(a, b, d, c);
          b = Mb(a.parent.id, a.name);
          a.ib = Q[b];
          return Q[b] = a;
        }
        function P(a) {
          return (a & 61440) === 16384;
        }
        function Ob(a, b) {
          return Hb ? 0 : b.includes("r") && !(a.mode & 292) || b.includes("w") && !(a.mode & 146) || b.includes("x") && !(a.mode & 73) ? 2 : 0;
        }
        function Pb(a, b) {
          if (!P(a.mode)) return 54;
          try {
            return ib(a, b), 20;
          } catch (d) {
          }
          return Ob(a, "wx");
        }
        function Qb(a, b, d) {
          try {
            var c = ib(a, b);
          } catch (e) {
            return e.Sa;
          }
          if (a = Ob(a, "wx")) return a;
          if (d) {
            if (!P(c.mode)) return 54;
            if (c === c.parent || Lb(c) === "/") return 10;
          } else if (P(c.mode)) return 31;
          return 0;
        }
        function Rb(a) {
          if (!a) throw new O(63);
          return a;
        }
        function R(a) {
          a = Eb[a];
          if (!a) throw new O(8);
          return a;
        }
        function Sb(a, b = -1) {
          a = Object.assign(new Jb(), a);
          if (b == -1) a: {
            for (b = 0; b <= 4096; b++) if (!Eb[b]) break a;
            throw new O(33);
          }
          a.fd = b;
          return Eb[b] = a;
        }
        function Tb(a, b = -1) {
          a = Sb(a, b);
          a.Qa?.qc?.(a);
          return a;
        }
        function Ub(a, b, d) {
          var c = a?.Qa.ab;
          a = c ? a : b;
          c ??= b.Ra.ab;
          Rb(c);
          try {
            c(a, d);
          } catch (e) {
            if (e instanceof RangeError) throw new O(22);
            throw e;
          }
        }
        var gb = { open(a) {
          a.Qa = Db[a.node.rdev].Qa;
          a.Qa.open?.(a);
        }, Za() {
          throw new O(70);
        } };
        function ob(a, b) {
          Db[a] = { Qa: b };
        }
        function Vb(a, b) {
          var d = b === "/";
          if (d && Cb) throw new O(10);
          if (!d && b) {
            var c = B(b, { tb: false });
            b = c.path;
            c = c.node;
            if (c.hb) throw new O(10);
            if (!P(c.mode)) throw new O(54);
          }
          b = { type: a, uc: {}, Lb: b, cc: [] };
          a = a.cb(b);
          a.cb = b;
          b.root = a;
          d ? Cb = a : c && (c.hb = b, c.cb && c.cb.cc.push(b));
        }
        function Wb(a, b, d) {
          var c = B(a, { parent: true }).node;
          a = cb(a);
          if (!a) throw new O(28);
          if (a === "." || a === "..") throw new O(20);
          var e = Pb(c, a);
          if (e) throw new O(e);
          if (!c.Ra.mb) throw new O(63);
          return c.Ra.mb(c, a, b, d);
        }
        function Xb(a, b = 438) {
          return Wb(a, b & 4095 | 32768, 0);
        }
        function W(a, b = 511) {
          return Wb(a, b & 1023 | 16384, 0);
        }
        function Yb(a, b, d) {
          typeof d === "undefined" && (d = b, b = 438);
          Wb(a, b | 8192, d);
        }
        function Zb(a, b) {
          if (!db(a)) throw new O(44);
          var d = B(b, { parent: true }).node;
          if (!d) throw new O(44);
          b = cb(b);
          var c = Pb(d, b);
          if (c) throw new O(c);
          if (!d.Ra.symlink) throw new O(63);
          d.Ra.symlink(d, b, a);
        }
        function $b(a) {
          var b = B(a, { parent: true }).node;
          a = cb(a);
          var d = ib(b, a), c = Qb(b, a, true);
          if (c) throw new O(c);
          if (!b.Ra.rmdir) throw new O(63);
          if (d.hb) throw new O(10);
          b.Ra.rmdir(b, a);
          Nb(d);
        }
        function ra(a) {
          var b = B(a, { parent: true }).node;
          if (!b) throw new O(44);
          a = cb(a);
          var d = ib(b, a), c = Qb(b, a, false);
          if (c) throw new O(c);
          if (!b.Ra.unlink) throw new O(63);
          if (d.hb) throw new O(10);
          b.Ra.unlink(b, a);
          Nb(d);
        }
        function ac(a, b = false) {
          a = B(a, { gb: !b }).node;
          return Rb(a.Ra.Xa)(a);
        }
        function bc(a, b, d) {
          Ub(a, b, { mode: d & 4095 | b.mode & -4096, ctime: Date.now(), Fb: false });
        }
        function cc(a, b) {
          a = typeof a === "string" ? B(a, { gb: true }).node : a;
          bc(null, a, b);
        }
        function dc(a, b, d) {
          if (P(b.mode)) throw new O(31);
          if ((b.mode & 61440) !== 32768) throw new O(28);
          var c = Ob(b, "w");
          if (c) throw new O(c);
          Ub(a, b, { size: d, timestamp: Date.now() });
        }
        function ec2(a, b, d, c = false) {
          a = B(a, { gb: !c });
          Ub(null, a.node, { atime: b, mtime: d, Fb: c });
        }
        function fc(a, b, d = 438) {
          if (a === "") throw new O(44);
          if (typeof b === "string") {
            var c = { r: 0, "r+": 2, w: 577, "w+": 578, a: 1089, "a+": 1090 }[b];
            if (typeof c === "undefined") throw Error(`Unknown file open mode: ${b}`);
            b = c;
          }
          d = b & 64 ? d & 4095 | 32768 : 0;
          if (typeof a === "object") c = a;
          else {
            var e = a.endsWith("/");
            a = B(a, { gb: !(b & 131072), dc: true });
            c = a.node;
            a = a.path;
          }
          var g = false;
          if (b & 64) if (c) {
            if (b & 128) throw new O(20);
          } else {
            if (e) throw new O(31);
            c = Wb(a, d | 511, 0);
            g = true;
          }
          if (!c) throw new O(44);
          (c.mode & 61440) === 8192 && (b &= -513);
          if (b & 65536 && !P(c.mode)) throw new O(54);
          if (!g && (c ? (c.mode & 61440) === 40960 ? e = 32 : (e = ["r", "w", "rw"][b & 3], b & 512 && (e += "w"), e = P(c.mode) && (e !== "r" || b & 576) ? 31 : Ob(c, e)) : e = 44, e)) throw new O(e);
          b & 512 && !g && (e = c, e = typeof e === "string" ? B(e, { gb: true }).node : e, dc(null, e, 0));
          b &= -131713;
          e = Sb({ node: c, path: Lb(c), flags: b, seekable: true, position: 0, Qa: c.Qa, hc: [], error: false });
          e.Qa.open && e.Qa.open(e);
          g && cc(c, d & 511);
          !k.logReadFiles || b & 1 || a in Ib || (Ib[a] = 1, C(`read file: ${a}`));
          return e;
        }
        function hc(a) {
          if (a.fd === null) throw new O(8);
          a.wb && (a.wb = null);
          a.node?.ec();
          try {
            a.Qa.close && a.Qa.close(a);
          } catch (b) {
            throw b;
          } finally {
            Eb[a.fd] = null;
          }
          a.fd = null;
        }
        function ic(a, b, d) {
          if (a.fd === null) throw new O(8);
          if (!a.seekable || !a.Qa.Za) throw new O(70);
          if (d != 0 && d != 1 && d != 2) throw new O(28);
          a.position = a.Qa.Za(a, b, d);
          a.hc = [];
        }
        function jc(a, b, d, c, e) {
          if (c < 0 || e < 0) throw new O(28);
          if (a.fd === null) throw new O(8);
          if ((a.flags & 2097155) === 0) throw new O(8);
          if (P(a.node.mode)) throw new O(31);
          if (!a.Qa.write) throw new O(28);
          a.seekable && a.flags & 1024 && ic(a, 0, 2);
          var g = typeof e !== "undefined";
          if (!g) e = a.position;
          else if (!a.seekable) throw new O(70);
          b = a.Qa.write(a, b, d, c, e, void 0);
          g || (a.position += b);
          return b;
        }
        function Kc() {
          var a, b, d;
          Gb = true;
          a ??= k.stdin;
          b ??= k.stdout;
          d ??= k.stderr;
          a ? X("stdin", a) : Zb("/dev/tty", "/dev/stdin");
          b ? X("stdout", null, b) : Zb("/dev/tty", "/dev/stdout");
          d ? X("stderr", null, d) : Zb("/dev/tty1", "/dev/stderr");
          fc("/dev/stdin", 0);
          fc("/dev/stdout", 1);
          fc("/dev/stderr", 1);
        }
        function ja(a, b) {
          var d = "/", c = a;
          d && (d = typeof d === "string" ? d : Lb(d), c = a ? ab2(d + "/" + a) : d);
          a = fb(true, true);
          c = Xb(c, a);
          b && (typeof b === "string" && (b = eb(b)), b.subarray || (b = new Uint8Array(b)), cc(c, a | 146), d = fc(c, 577), jc(d, b, 0, b.length, 0), hc(d), cc(c, a));
        }
        function X(a, b, d) {
          a = ab2("/dev/" + a);
          var c = fb(!!b, !!d);
          X.Kb ?? (X.Kb = 64);
          var e = X.Kb++ << 8 | 0;
          ob(e, { open(g) {
            g.seekable = false;
          }, close() {
            d?.buffer?.length && d(10);
          }, read(g, m, t, z) {
            for (var q = 0, n2 = 0; n2 < z; n2++) {
              try {
                var F = b();
              } catch (S) {
                throw new O(29);
              }
              if (F === void 0 && !q) throw new O(6);
              if (F === null || F === void 0) break;
              q++;
              m[t + n2] = F;
            }
            q && (g.node.atime = Date.now());
            return q;
          }, write(g, m, t, z) {
            for (var q = 0; q < z; q++) try {
              d(m[t + q]);
            } catch (n2) {
              throw new O(29);
            }
            z && (g.node.mtime = g.node.ctime = Date.now());
            return q;
          } });
          Yb(a, c, e);
        }
        var Y = {}, H, J, I;
        function Lc(a, b, d = false) {
          if (b.charAt(0) === "/") return b;
          a = a === -100 ? "/" : R(a).path;
          if (b.length == 0) {
            if (!d) throw new O(44);
            return a;
          }
          return a + "/" + b;
        }
        function Mc(a, b) {
          I[a >> 2] = b.dev;
          I[a + 4 >> 2] = b.mode;
          I[a + 8 >> 2] = b.nlink;
          I[a + 12 >> 2] = b.uid;
          I[a + 16 >> 2] = b.gid;
          I[a + 20 >> 2] = b.rdev;
          J[a + 24 >> 3] = BigInt(b.size);
          H[a + 32 >> 2] = 4096;
          H[a + 36 >> 2] = b.blocks;
          var d = b.atime.getTime(), c = b.mtime.getTime(), e = b.ctime.getTime();
          J[a + 40 >> 3] = BigInt(Math.floor(d / 1e3));
          I[a + 48 >> 2] = d % 1e3 * 1e3 * 1e3;
          J[a + 56 >> 3] = BigInt(Math.floor(c / 1e3));
          I[a + 64 >> 2] = c % 1e3 * 1e3 * 1e3;
          J[a + 72 >> 3] = BigInt(Math.floor(e / 1e3));
          I[a + 80 >> 2] = e % 1e3 * 1e3 * 1e3;
          J[a + 88 >> 3] = BigInt(b.ino);
          return 0;
        }
        var Nc = void 0, Ha, Oc = () => {
          var a = H[+Nc >> 2];
          Nc += 4;
          return a;
        }, Pc = 0, Qc = [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335], Rc = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334], Sc = (a) => {
          Ea = a;
          Xa || Pc > 0 || (k.onExit?.(a), Da = true);
          ua(a, new Va(a));
        }, Tc = {}, Uc = {}, Wc = () => {
          if (!Vc) {
            var a = { USER: "web_user", LOGNAME: "web_user", PATH: "/", PWD: "/", HOME: "/home/web_user", LANG: (globalThis.navigator?.language ?? "C").replace("-", "_") + ".UTF-8", _: ta }, b;
            for (b in Uc) Uc[b] === void 0 ? delete a[b] : a[b] = Uc[b];
            var d = [];
            for (b in a) d.push(`${b}=${a[b]}`);
            Vc = d;
          }
          return Vc;
        }, Vc, Ia, Ja;
        function pa(a) {
          var b = "i32";
          b.endsWith("*") && (b = "*");
          switch (b) {
            case "i1":
              v[a] = 0;
              break;
            case "i8":
              v[a] = 0;
              break;
            case "i16":
              Ha[a >> 1] = 0;
              break;
            case "i32":
              H[a >> 2] = 0;
              break;
            case "i64":
              J[a >> 3] = BigInt(0);
              break;
            case "float":
              Ia[a >> 2] = 0;
              break;
            case "double":
              Ja[a >> 3] = 0;
              break;
            case "*":
              I[a >> 2] = 0;
              break;
            default:
              Oa(`invalid type for setValue: ${b}`);
          }
        }
        function y(a, b = "i8") {
          b.endsWith("*") && (b = "*");
          switch (b) {
            case "i1":
              return v[a];
            case "i8":
              return v[a];
            case "i16":
              return Ha[a >> 1];
            case "i32":
              return H[a >> 2];
            case "i64":
              return J[a >> 3];
            case "float":
              return Ia[a >> 2];
            case "double":
              return Ja[a >> 3];
            case "*":
              return I[a >> 2];
            default:
              Oa(`invalid type for getValue: ${b}`);
          }
        }
        var Xc = (a, b, d, c) => {
          var e = { string: (q) => {
            var n2 = 0;
            if (q !== null && q !== void 0 && q !== 0) {
              n2 = l(q) + 1;
              var F = la(n2);
              L(q, E, F, n2);
              n2 = F;
            }
            return n2;
          }, array: (q) => {
            var n2 = la(q.length);
            v.set(q, n2);
            return n2;
          } };
          a = k["_" + a];
          var g = [], m = 0;
          if (c) for (var t = 0; t < c.length; t++) {
            var z = e[d[t]];
            z ? (m ||= oa(), g[t] = z(c[t])) : g[t] = c[t];
          }
          d = a(...g);
          return d = (function(q) {
            m && qa(m);
            return b === "string" ? A(q) : b === "boolean" ? !!q : q;
          })(d);
        }, fa = (a) => {
          var b = l(a) + 1, d = da(b);
          d && L(a, E, d, b);
          return d;
        }, Yc = [], Zc, ka = (a) => {
          Zc.delete(Z.get(a));
          Z.set(a, null);
          Yc.push(a);
        }, $c = (a) => {
          var b = a.length;
          return [b % 128 | 128, b >> 7, ...a];
        }, ad = { i: 127, p: 127, j: 126, f: 125, d: 124, e: 111 }, bd = (a) => $c(Array.from(a, (b) => ad[b])), sa = (a, b) => {
          if (!Zc) {
            Zc = /* @__PURE__ */ new WeakMap();
            var d = Z.length;
            if (Zc) for (var c = 0; c < 0 + d; c++) {
              var e = Z.get(c);
              e && Zc.set(e, c);
            }
          }
          if (d = Zc.get(a) || 0) return d;
          d = Yc.length ? Yc.pop() : Z.grow(1);
          try {
            Z.set(d, a);
          } catch (g) {
            if (!(g instanceof TypeError)) throw g;
            b = Uint8Array.of(0, 97, 115, 109, 1, 0, 0, 0, 1, ...$c([1, 96, ...bd(b.slice(1)), ...bd(b[0] === "v" ? "" : b[0])]), 2, 7, 1, 1, 101, 1, 102, 0, 0, 7, 5, 1, 1, 102, 0, 0);
            b = new WebAssembly.Module(b);
            b = new WebAssembly.Instance(
              b,
              { e: { f: a } }
            ).exports.f;
            Z.set(d, b);
          }
          Zc.set(a, d);
          return d;
        };
        Q.length = 4096;
        Vb(M, "/");
        W("/tmp");
        W("/home");
        W("/home/web_user");
        (function() {
          W("/dev");
          ob(259, { read: () => 0, write: (c, e, g, m) => m, Za: () => 0 });
          Yb("/dev/null", 259);
          nb(1280, qb);
          nb(1536, rb2);
          Yb("/dev/tty", 1280);
          Yb("/dev/tty1", 1536);
          var a = new Uint8Array(1024), b = 0, d = () => {
            b || (wb(a), b = a.byteLength);
            return a[--b];
          };
          X("random", d);
          X("urandom", d);
          W("/dev/shm");
          W("/dev/shm/tmp");
        })();
        (function() {
          W("/proc");
          var a = W("/proc/self");
          W("/proc/self/fd");
          Vb({ cb() {
            var b = hb(a, "fd", 16895, 73);
            b.Qa = { Za: M.Qa.Za };
            b.Ra = { lookup(d, c) {
              d = +c;
              var e = R(d);
              d = { parent: null, cb: { Lb: "fake" }, Ra: { readlink: () => e.path }, id: d + 1 };
              return d.parent = d;
            }, readdir() {
              return Array.from(Eb.entries()).filter(([, d]) => d).map(([d]) => d.toString());
            } };
            return b;
          } }, "/proc/self/fd");
        })();
        k.noExitRuntime && (Xa = k.noExitRuntime);
        k.print && (Ba = k.print);
        k.printErr && (C = k.printErr);
        k.wasmBinary && (Ca = k.wasmBinary);
        k.thisProgram && (ta = k.thisProgram);
        var cd = k.preInit;
        if (cd) for (typeof cd === "function" && (k.preInit = cd = [cd]); cd.length > 0; ) cd.shift()();
        k.stackSave = () => oa();
        k.stackRestore = (a) => qa(a);
        k.stackAlloc = (a) => la(a);
        k.cwrap = (a, b, d, c) => {
          var e = !d || d.every((g) => g === "number" || g === "boolean");
          return b !== "string" && e && !c ? k["_" + a] : (...g) => Xc(a, b, d, g);
        };
        k.addFunction = sa;
        k.removeFunction = ka;
        k.UTF8ToString = A;
        k.lengthBytesUTF8 = l;
        k.stringToNewUTF8 = fa;
        k.writeArrayToMemory = (a, b) => {
          v.set(a, b);
        };
        var da, ea, jb, dd, qa, la, oa, Ga, Z, ed = {
          a: (a, b, d, c) => Oa(`Assertion failed: ${A(a)}, at: ` + [b ? A(b) : "unknown filename", d, c ? A(c) : "unknown function"]),
          i: function(a, b) {
            try {
              return a = A(a), cc(a, b), 0;
            } catch (d) {
              if (typeof Y === "undefined" || d.name !== "ErrnoError") throw d;
              return -d.Sa;
            }
          },
          D: function(a, b, d) {
            try {
              b = A(b);
              b = Lc(a, b);
              if (d & -8) return -28;
              var c = B(b, { gb: true }).node;
              if (!c) return -44;
              a = "";
              d & 4 && (a += "r");
              d & 2 && (a += "w");
              d & 1 && (a += "x");
              return a && Ob(c, a) ? -2 : 0;
            } catch (e) {
              if (typeof Y === "undefined" || e.name !== "ErrnoError") throw e;
              return -e.Sa;
            }
          },
          j: function(a, b) {
            try {
              var d = R(a);
              bc(d, d.node, b);
              return 0;
            } catch (c) {
              if (typeof Y === "undefined" || c.name !== "ErrnoError") throw c;
              return -c.Sa;
            }
          },
          h: function(a) {
            try {
              var b = R(a);
              Ub(b, b.node, { timestamp: Date.now(), Fb: false });
              return 0;
            } catch (d) {
              if (typeof Y === "undefined" || d.name !== "ErrnoError") throw d;
              return -d.Sa;
            }
          },
          b: function(a, b, d) {
            Nc = d;
            try {
              var c = R(a);
              switch (b) {
                case 0:
                  var e = Oc();
                  if (e < 0) break;
                  for (; Eb[e]; ) e++;
                  return Tb(c, e).fd;
                case 1:
                case 2:
                  return 0;
                case 3:
                  return c.flags;
                case 4:
                  return e = Oc(), c.flags = c.flags & -289793 | e & 289792, 0;
                case 12:
                  return e = Oc(), Ha[e + 0 >> 1] = 2, 0;
                case 13:
                case 14:
                  return 0;
              }
              return -28;
            } catch (g) {
              if (typeof Y === "undefined" || g.name !== "ErrnoError") throw g;
              return -g.Sa;
            }
          },
          g: function(a, b) {
            try {
              var d = R(a), c = d.node, e = d.Qa.Xa;
              a = e ? d : c;
              e ??= c.Ra.Xa;
              Rb(e);
              var g = e(a);
              return Mc(b, g);
            } catch (m) {
              if (typeof Y === "undefined" || m.name !== "ErrnoError") throw m;
              return -m.Sa;
            }
          },
          J: function(a, b) {
            b = b < -9007199254740992 || b > 9007199254740992 ? NaN : Number(b);
            try {
              if (isNaN(b)) return -22;
              var d = R(a);
              if (b < 0 || (d.flags & 2097155) === 0) throw new O(28);
              dc(
                d,
                d.node,
                b
              );
              return 0;
            } catch (c) {
              if (typeof Y === "undefined" || c.name !== "ErrnoError") throw c;
              return -c.Sa;
            }
          },
          I: function(a, b) {
            try {
              if (!b) return -28;
              var d = l("/") + 1;
              if (b < d) return -68;
              L("/", E, a, b);
              return d;
            } catch (c) {
              if (typeof Y === "undefined" || c.name !== "ErrnoError") throw c;
              return -c.Sa;
            }
          },
          F: () => 0,
          M: function(a, b) {
            try {
              return a = A(a), Mc(b, ac(a, true));
            } catch (d) {
              if (typeof Y === "undefined" || d.name !== "ErrnoError") throw d;
              return -d.Sa;
            }
          },
          C: function(a, b, d) {
            try {
              return b = A(b), b = Lc(a, b), W(b, d & -19), 0;
            } catch (c) {
              if (typeof Y === "undefined" || c.name !== "ErrnoError") throw c;
              return -c.Sa;
            }
          },
          L: function(a, b, d, c) {
            try {
              b = A(b);
              var e = c & 256;
              b = Lc(a, b, c & 4096);
              return Mc(d, e ? ac(b, true) : ac(b));
            } catch (g) {
              if (typeof Y === "undefined" || g.name !== "ErrnoError") throw g;
              return -g.Sa;
            }
          },
          x: function(a, b, d, c) {
            Nc = c;
            try {
              b = A(b);
              b = Lc(a, b);
              var e = c ? Oc() : 0;
              d & 64 && (e &= -19);
              return fc(b, d, e).fd;
            } catch (g) {
              if (typeof Y === "undefined" || g.name !== "ErrnoError") throw g;
              return -g.Sa;
            }
          },
          s: function(a, b, d, c) {
            try {
              b = A(b);
              b = Lc(a, b);
              if (c <= 0) return -28;
              var e = B(b).node;
              if (!e) throw new O(44);
              if (!e.Ra.readlink) throw new O(28);
              var g = e.Ra.readlink(e);
              var m = Math.min(c, l(g)), t = v[d + m];
              L(g, E, d, c + 1);
              v[d + m] = t;
              return m;
            } catch (z) {
              if (typeof Y === "undefined" || z.name !== "ErrnoError") throw z;
              return -z.Sa;
            }
          },
          r: function(a) {
            try {
              return a = A(a), $b(a), 0;
            } catch (b) {
              if (typeof Y === "undefined" || b.name !== "ErrnoError") throw b;
              return -b.Sa;
            }
          },
          N: function(a, b) {
            try {
              return a = A(a), Mc(b, ac(a));
            } catch (d) {
              if (typeof Y === "undefined" || d.name !== "ErrnoError") throw d;
              return -d.Sa;
            }
          },
          o: function(a, b, d) {
            try {
              b = A(b);
              b = Lc(a, b);
              if (d) if (d === 512) $b(b);
              else return -28;
              else ra(b);
              return 0;
            } catch (c) {
              if (typeof Y === "undefined" || c.name !== "ErrnoError") throw c;
              return -c.Sa;
            }
          },
          n: function(a, b, d, c) {
            try {
              c &= 256;
              b = A(b);
              b = Lc(a, b, true);
              var e = Date.now();
              if (d) {
                let t2 = function(z) {
                  var q = H[z + 8 >> 2];
                  return q == 1073741823 ? e : q == 1073741822 ? null : (I[z >> 2] + H[z + 4 >> 2] * 4294967296) * 1e3 + Math.floor(q / 1e6);
                };
                var t = t2;
                var g = t2(d);
                var m = t2(d + 16);
              } else m = g = e;
              (m ?? g) !== null && ec2(b, g, m, c);
              return 0;
            } catch (t2) {
              if (typeof Y === "undefined" || t2.name !== "ErrnoError") throw t2;
              return -t2.Sa;
            }
          },
          w: () => Oa(""),
          v: () => {
            Xa = false;
            Pc = 0;
          },
          A: function(a, b) {
            a = a < -9007199254740992 || a > 9007199254740992 ? NaN : Number(a);
            a = new Date(a * 1e3);
            if (isNaN(a.getTime())) return 1;
            H[b >> 2] = a.getSeconds();
            H[b + 4 >> 2] = a.getMinutes();
            H[b + 8 >> 2] = a.getHours();
            H[b + 12 >> 2] = a.getDate();
            H[b + 16 >> 2] = a.getMonth();
            H[b + 20 >> 2] = a.getFullYear() - 1900;
            H[b + 24 >> 2] = a.getDay();
            var d = a.getFullYear();
            H[b + 28 >> 2] = (d % 4 !== 0 || d % 100 === 0 && d % 400 !== 0 ? Rc : Qc)[a.getMonth()] + a.getDate() - 1 | 0;
            H[b + 36 >> 2] = -(a.getTimezoneOffset() * 60);
            d = new Date(a.getFullYear(), 6, 1).getTimezoneOffset();
            var c = new Date(a.getFullYear(), 0, 1).getTimezoneOffset();
            H[b + 32 >> 2] = (d != c && a.getTimezoneOffset() == Math.min(c, d)) | 0;
            return 0;
          },
          y: function(a, b, d, c, e, g, m) {
            e = e < -9007199254740992 || e > 9007199254740992 ? NaN : Number(e);
            try {
              var t = R(c);
              if (b & 2 && !(d & 2) && (t.flags & 2097155) !== 2) throw new O(2);
              if ((t.flags & 2097155) === 1) throw new O(2);
              if (!t.Qa.nb) throw new O(43);
              if (!a) throw new O(28);
              var z = t.Qa.nb(t, a, e, b, d);
              var q = z.fc;
              H[g >> 2] = z.Mb;
              I[m >> 2] = q;
              return 0;
            } catch (n2) {
              if (typeof Y === "undefined" || n2.name !== "ErrnoError") throw n2;
              return -n2.Sa;
            }
          },
          z: function(a, b, d, c, e, g) {
            g = g < -9007199254740992 || g > 9007199254740992 ? NaN : Number(g);
            try {
              var m = R(e);
              if (d & 2) {
                if ((m.node.mode & 61440) !== 32768) throw new O(43);
                c & 2 || m.Qa.ob && m.Qa.ob(m, E.subarray(a, a + b), g, b, c);
              }
            } catch (t) {
              if (typeof Y === "undefined" || t.name !== "ErrnoError") throw t;
              return -t.Sa;
            }
          },
          k: (a, b) => {
            Tc[a] && (clearTimeout(Tc[a].id), delete Tc[a]);
            if (!b) return 0;
            var d = setTimeout(() => {
              delete Tc[a];
              var c = [a, performance.now()], e = dd;
              if (!Da) try {
                e(...c);
              } catch (g) {
                g instanceof Va || g == "unwind" || ua(1, g);
              } finally {
                if (!(Xa || Pc > 0)) try {
                  Ea = c = Ea, Sc(c);
                } catch (g) {
                  g instanceof Va || g == "unwind" || ua(
                    1,
                    g
                  );
                }
              }
            }, b);
            Tc[a] = { id: d, vc: b };
            return 0;
          },
          B: (a, b, d, c) => {
            var e = (/* @__PURE__ */ new Date()).getFullYear(), g = new Date(e, 0, 1).getTimezoneOffset();
            e = new Date(e, 6, 1).getTimezoneOffset();
            I[a >> 2] = Math.max(g, e) * 60;
            H[b >> 2] = Number(g != e);
            b = (m) => {
              var t = Math.abs(m);
              return `UTC${m >= 0 ? "-" : "+"}${String(Math.floor(t / 60)).padStart(2, "0")}${String(t % 60).padStart(2, "0")}`;
            };
            a = b(g);
            b = b(e);
            e < g ? (L(a, E, d, 17), L(b, E, c, 17)) : (L(a, E, c, 17), L(b, E, d, 17));
          },
          d: () => Date.now(),
          p: () => 2147483648,
          c: () => performance.now(),
          l: (a) => {
            var b = E.length;
            a >>>= 0;
            if (a > 2147483648) return false;
            for (var d = 1; d <= 4; d *= 2) {
              var c = b * (1 + 0.2 / d);
              c = Math.min(c, a + 100663296);
              a: {
                c = (Math.min(2147483648, Math.ceil(Math.max(a, c) / 65536) * 65536) - Ga.buffer.byteLength + 65535) / 65536 | 0;
                try {
                  Ga.grow(c);
                  Fa();
                  var e = 1;
                  break a;
                } catch (g) {
                }
                e = void 0;
              }
              if (e) return true;
            }
            return false;
          },
          G: (a, b) => {
            var d = 0, c = 0, e;
            for (e of Wc()) {
              var g = b + d;
              I[a + c >> 2] = g;
              d += L(e, E, g, Infinity) + 1;
              c += 4;
            }
            return 0;
          },
          H: (a, b) => {
            var d = Wc();
            I[a >> 2] = d.length;
            a = 0;
            for (var c of d) a += l(c) + 1;
            I[b >> 2] = a;
            return 0;
          },
          e: function(a) {
            try {
              var b = R(a);
              hc(b);
              return 0;
            } catch (d) {
              if (typeof Y === "undefined" || d.name !== "ErrnoError") throw d;
              return d.Sa;
            }
          },
          m: function(a, b) {
            try {
              var d = R(a);
              v[b] = d.tty ? 2 : P(d.mode) ? 3 : (d.mode & 61440) === 40960 ? 7 : 4;
              Ha[b + 2 >> 1] = 0;
              J[b + 8 >> 3] = BigInt(0);
              J[b + 16 >> 3] = BigInt(0);
              return 0;
            } catch (c) {
              if (typeof Y === "undefined" || c.name !== "ErrnoError") throw c;
              return c.Sa;
            }
          },
          t: function(a, b, d, c) {
            try {
              a: {
                var e = R(a);
                a = b;
                for (var g, m = b = 0; m < d; m++) {
                  var t = I[a >> 2], z = I[a + 4 >> 2];
                  a += 8;
                  try {
                    var q = e, n2 = t, F = z, S = g, Ta = v;
                    if (F < 0 || S < 0) throw new O(28);
                    if (q.fd === null) throw new O(8);
                    if ((q.flags & 2097155) === 1) throw new O(8);
                    if (P(q.node.mode)) throw new O(31);
                    if (!q.Qa.read) throw new O(28);
                    var ma = typeof S !== "undefined";
                    if (!ma) S = q.position;
                    else if (!q.seekable) throw new O(70);
                    var na = q.Qa.read(q, Ta, n2, F, S);
                    ma || (q.position += na);
                    var ha = na;
                  } catch (N) {
                    if (b > 0 && N instanceof O && (N.Sa == 6 || N.Sa == 6)) break;
                    throw N;
                  }
                  if (ha < 0) {
                    var Aa = -1;
                    break a;
                  }
                  b += ha;
                  if (ha < z) break;
                  typeof g !== "undefined" && (g += ha);
                }
                Aa = b;
              }
              I[c >> 2] = Aa;
              return 0;
            } catch (N) {
              if (typeof Y === "undefined" || N.name !== "ErrnoError") throw N;
              return N.Sa;
            }
          },
          E: function(a, b, d, c) {
            b = b < -9007199254740992 || b > 9007199254740992 ? NaN : Number(b);
            try {
              if (isNaN(b)) return 22;
              var e = R(a);
              ic(e, b, d);
              J[c >> 3] = BigInt(e.position);
              e.wb && !b && d === 0 && (e.wb = null);
              return 0;
            } catch (g) {
              if (typeof Y === "undefined" || g.name !== "ErrnoError") throw g;
              return g.Sa;
            }
          },
          K: function(a) {
            try {
              var b = R(a);
              return b.Qa?.fsync?.(b);
            } catch (d) {
              if (typeof Y === "undefined" || d.name !== "ErrnoError") throw d;
              return d.Sa;
            }
          },
          q: function(a, b, d, c) {
            try {
              var e = R(a);
              a = b;
              if (d == 1) var g = jc(e, v, I[a >> 2], I[a + 4 >> 2]);
              else {
                for (var m = b = 0, t = a; m < d; m++, t += 8) b += I[t + 4 >> 2];
                var z = new Uint8Array(b);
                for (m = t = 0; m < d; m++, a += 8) {
                  var q = I[a >> 2], n2 = I[a + 4 >> 2];
                  z.set(E.subarray(q, q + n2), t);
                  t += n2;
                }
                g = jc(e, z, 0, b);
              }
              I[c >> 2] = g;
              return 0;
            } catch (F) {
              if (typeof Y === "undefined" || F.name !== "ErrnoError") throw F;
              return F.Sa;
            }
          },
          u: Sc,
          f: function(a) {
            console.warn("sql.js: legacy function " + A(a) + "() is deprecated and will be disabled by default in the next major version. Initialize with useOldExtensionFunctions: false to use native SQLite functions. See https://github.com/sql-js/sql.js/pull/647");
          }
        };
        async function fd() {
          Ka();
          var a = k.setStatus;
          a && (a("Running..."), await new Promise((b) => setTimeout(b, 1)), setTimeout(a, 1, ""));
          Da || (k.noFSInit || Gb || Kc(), gd.P(), Hb = false, k.onRuntimeInitialized?.(), Ma());
        }
        var gd;
        (async function() {
          function a(c) {
            c = gd = c.exports;
            k._sqlite3_free = c.R;
            k._sqlite3_value_text = c.S;
            k._sqlite3_prepare_v2 = c.T;
            k._sqlite3_step = c.U;
            k._sqlite3_reset = c.V;
            k._sqlite3_exec = c.W;
            k._sqlite3_finalize = c.X;
            k._sqlite3_column_name = c.Y;
            k._sqlite3_column_text = c.Z;
            k._sqlite3_column_type = c._;
            k._sqlite3_errmsg = c.$;
            k._sqlite3_backup_init = c.aa;
            k._sqlite3_backup_step = c.ba;
            k._sqlite3_backup_finish = c.ca;
            k._sqlite3_clear_bindings = c.da;
            k._sqlite3_value_blob = c.ea;
            k._sqlite3_value_bytes = c.fa;
            k._sqlite3_value_double = c.ga;
            k._sqlite3_value_int = c.ha;
            k._sqlite3_value_type = c.ia;
            k._sqlite3_result_blob = c.ja;
            k._sqlite3_result_double = c.ka;
            k._sqlite3_result_error = c.la;
            k._sqlite3_result_int = c.ma;
            k._sqlite3_result_int64 = c.na;
            k._sqlite3_result_null = c.oa;
            k._sqlite3_result_text = c.pa;
            k._sqlite3_aggregate_context = c.qa;
            k._sqlite3_column_count = c.ra;
            k._sqlite3_data_count = c.sa;
            k._sqlite3_column_blob = c.ta;
            k._sqlite3_column_bytes = c.ua;
            k._sqlite3_column_double = c.va;
            k._sqlite3_bind_blob = c.wa;
            k._sqlite3_bind_double = c.xa;
            k._sqlite3_bind_int = c.ya;
            k._sqlite3_bind_text = c.za;
            k._sqlite3_bind_parameter_index = c.Aa;
            k._sqlite3_sql = c.Ba;
            k._sqlite3_normalized_sql = c.Ca;
            k._sqlite3_changes = c.Da;
            k._sqlite3_close_v2 = c.Ea;
            k._sqlite3_create_function_v2 = c.Fa;
            k._sqlite3_update_hook = c.Ga;
            k._sqlite3_open = c.Ha;
            da = k._malloc = c.Ia;
            ea = k._free = c.Ja;
            k._RegisterExtensionFunctions = c.Ka;
            jb = c.La;
            dd = c.Ma;
            qa = c.Na;
            la = c.Oa;
            oa = c.Pa;
            Ga = c.O;
            Z = c.Q;
            Fa();
            return gd;
          }
          var b = { a: ed }, d = k.instantiateWasm;
          if (d) return new Promise((c) => {
            d(b, (e) => c(a(e)));
          });
          Pa ??= k.locateFile ? k.locateFile(
            "sql-wasm.wasm",
            wa
          ) : wa + "sql-wasm.wasm";
          return (function(c) {
            return a(c.instance);
          })(await Sa(b));
        })().then(() => fd());
        return Module;
      });
      return initSqlJsPromise;
    };
    if (typeof exports === "object" && typeof module === "object") {
      module.exports = initSqlJs;
      module.exports.default = initSqlJs;
    } else if (typeof define === "function" && define["amd"]) {
      define([], function() {
        return initSqlJs;
      });
    } else if (typeof exports === "object") {
      exports["Module"] = initSqlJs;
    }
  }
});

// src/catalog/os/rpm/sqlite.ts
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
function looksLikeSqlite(bytes) {
  return bytes.byteLength >= SQLITE_MAGIC.length && SQLITE_MAGIC.equals(bytes.subarray(0, SQLITE_MAGIC.length));
}
async function readSqlitePackages(bytes) {
  check(looksLikeSqlite(bytes), "file is not a database (no SQLite magic)");
  const SQL = await loadSqlJs();
  let db;
  try {
    db = new SQL.Database(bytes);
    const statement = db.prepare("SELECT hnum, blob FROM Packages ORDER BY hnum");
    const blobs = [];
    const damage = [];
    try {
      while (statement.step()) {
        const [hnum, blob] = statement.get();
        if (typeof hnum === "number" && blob instanceof Uint8Array) blobs.push({ key: hnum, blob: blob.slice() });
        else damage.push(`row ${String(hnum)} has no header blob`);
      }
    } finally {
      statement.free();
    }
    return { blobs, damage };
  } catch (err2) {
    if (err2 instanceof RpmFormatError) throw err2;
    throw new RpmFormatError(err2 instanceof Error ? err2.message : String(err2));
  } finally {
    db?.close();
  }
}
function loadSqlJs() {
  sqlJs ??= (async () => {
    const { default: initSqlJs } = await Promise.resolve().then(() => __toESM(require_sql_wasm(), 1));
    const wasm = readFileSync(locateSqlWasm());
    return initSqlJs({ wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) });
  })();
  sqlJs.catch(() => {
    sqlJs = void 0;
  });
  return sqlJs;
}
function locateSqlWasm() {
  const bundled = fileURLToPath(new URL("./sql-wasm.wasm", import.meta.url));
  if (existsSync(bundled)) return bundled;
  return createRequire(import.meta.url).resolve("sql.js/dist/sql-wasm.wasm");
}
var SQLITE_MAGIC, sqlJs;
var init_sqlite = __esm({
  "src/catalog/os/rpm/sqlite.ts"() {
    "use strict";
    init_format_error();
    SQLITE_MAGIC = Buffer.from("SQLite format 3\0", "latin1");
  }
});

// src/catalog/os/rpm/index.ts
async function catalogRpm(ctx) {
  const problems = [];
  const found = findDatabases(ctx);
  const chosen = found[0];
  if (!chosen) return { packages: [], problems };
  for (const other of found.slice(1)) {
    problems.push({
      code: "RPMDB_IGNORED",
      path: other.path,
      layer: other.layer,
      message: `rpm database ${other.path} not read: ${chosen.path} is the one the image's rpm uses`
    });
  }
  const packages = [];
  const problem = (code, message) => {
    problems.push({ code, path: chosen.path, layer: chosen.layer, message });
  };
  let result;
  try {
    result = await chosen.read(chosen.content);
  } catch (err2) {
    const what = err2 instanceof RpmFormatError ? err2.message : `unexpected failure: ${errorMessage(err2)}`;
    problem("RPMDB_UNREADABLE", `rpm database ${chosen.path} cannot be read: ${what}`);
    return { packages, problems };
  }
  result.damage.slice(0, MAX_DAMAGE_PROBLEMS).forEach((line) => problem("RPMDB_DAMAGED", `rpm database ${chosen.path}: ${line}; skipped`));
  if (result.damage.length > MAX_DAMAGE_PROBLEMS) {
    problem("RPMDB_DAMAGED", `rpm database ${chosen.path}: ${result.damage.length - MAX_DAMAGE_PROBLEMS} more damaged parts skipped`);
  }
  if (chosen.walPending) {
    problem("RPMDB_WAL_PENDING", `${chosen.path}-wal holds changes not yet checkpointed; packages they add or remove are not seen`);
  }
  for (const { key, blob } of result.blobs) {
    try {
      const record = readRpmPackage(blob);
      for (const warning of record.warnings) problem("RPM_HEADER_INCONSISTENT", `package ${record.name} (record ${key}): ${warning}`);
      const pkg = {
        ecosystem: "rpm",
        name: record.name,
        version: rpmVersionString(record),
        location: chosen.path,
        layer: chosen.layer,
        files: record.files
      };
      if (record.arch !== void 0) pkg.arch = record.arch;
      if (record.license !== void 0) pkg.license = record.license;
      const source = record.sourceRpm === void 0 ? void 0 : parseSourceRpm(record.sourceRpm);
      if (source) pkg.source = source;
      if (record.sourceRpm !== void 0) pkg.metadata = { sourceRpm: record.sourceRpm };
      packages.push(pkg);
    } catch (err2) {
      const what = err2 instanceof RpmFormatError ? err2.message : `unexpected failure: ${errorMessage(err2)}`;
      problem("RPM_HEADER_INVALID", `package record ${key} in ${chosen.path} skipped: ${what}`);
    }
  }
  packages.sort((a, b) => compare(a.name, b.name) || compare(a.version, b.version) || compare(a.arch ?? "", b.arch ?? ""));
  return { packages, problems };
}
function findDatabases(ctx) {
  const found = [];
  const seenDirs = /* @__PURE__ */ new Set();
  for (const dir of DIRECTORIES) {
    const real = resolveDirectory(ctx, dir);
    if (seenDirs.has(real)) continue;
    seenDirs.add(real);
    for (const backend of BACKENDS) {
      const path = `${real}/${backend.file}`;
      const content = ctx.read(path);
      if (content === void 0) continue;
      const layer = ctx.tree.captured.get(path)?.layer ?? ctx.tree.entries.get(path)?.layer ?? 0;
      const wal = ctx.tree.entries.get(`${path}-wal`);
      const walPending = backend.file === "rpmdb.sqlite" && wal !== void 0 && wal.type === "file" && wal.size > 0;
      found.push({ path, layer, content, read: backend.read, walPending });
    }
  }
  return found;
}
function resolveDirectory(ctx, dir) {
  let current = dir;
  for (let hops = 0; hops < 8; hops++) {
    const entry = ctx.tree.entries.get(current);
    if (entry?.type !== "symlink" || entry.link === void 0) return current;
    const base = entry.link.startsWith("/") ? "" : current.split("/").slice(0, -1).join("/");
    current = joinNormalised(base, entry.link);
  }
  return current;
}
function joinNormalised(base, link) {
  const parts = [];
  for (const segment of `${base}/${link}`.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") parts.pop();
    else parts.push(segment);
  }
  return parts.join("/");
}
function compare(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}
function errorMessage(err2) {
  return err2 instanceof Error ? err2.message : String(err2);
}
var DIRECTORIES, BACKENDS, MAX_DAMAGE_PROBLEMS, rpmCataloger;
var init_rpm = __esm({
  "src/catalog/os/rpm/index.ts"() {
    "use strict";
    init_bdb();
    init_format_error();
    init_ndb();
    init_package_record();
    init_sqlite();
    DIRECTORIES = ["usr/lib/sysimage/rpm", "var/lib/rpm"];
    BACKENDS = [
      { file: "rpmdb.sqlite", read: readSqlitePackages },
      { file: "Packages.db", read: readNdbPackages },
      { file: "Packages", read: readBdbPackages }
    ];
    MAX_DAMAGE_PROBLEMS = 20;
    rpmCataloger = {
      id: "rpm",
      ecosystem: "rpm",
      globs: DIRECTORIES.flatMap((dir) => BACKENDS.map((backend) => `${dir}/${backend.file}`)),
      // rpm's databases and locks, rpm scriptlet state, and what dnf/yum/microdnf/tdnf/zypper write as
      // they run (metadata caches, history databases, logs): none of it is a package's file.
      stateGlobs: [
        "var/lib/rpm/**",
        "usr/lib/sysimage/rpm/**",
        "var/lib/rpm-state/**",
        "var/cache/dnf/**",
        "var/cache/yum/**",
        "var/cache/tdnf/**",
        "var/lib/dnf/**",
        "var/lib/yum/**",
        "var/log/dnf*",
        "var/log/hawkey.log",
        "var/log/yum.log",
        "var/cache/zypp/**",
        "var/lib/zypp/**",
        "var/log/zypper.log",
        "var/log/zypp/**"
      ],
      catalog: catalogRpm
    };
  }
});

// src/catalog/os/os-release.ts
import { posix as posix2 } from "node:path";
function parseOsRelease(text, path) {
  const fields = /* @__PURE__ */ new Map();
  const lines = text.split(/\r?\n/, MAX_LINES);
  for (const raw of lines) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    const value2 = unquote(m[2] ?? "");
    if (value2 !== void 0) fields.set(m[1] ?? "", value2);
  }
  const out = { id: fields.get("ID") || "linux", path };
  const versionId = fields.get("VERSION_ID");
  const prettyName = fields.get("PRETTY_NAME");
  const codename = fields.get("VERSION_CODENAME");
  const idLike = fields.get("ID_LIKE");
  if (versionId) out.versionId = versionId;
  if (prettyName) out.prettyName = prettyName;
  if (codename) out.versionCodename = codename;
  if (idLike) out.idLike = idLike.split(/\s+/).filter((x) => x !== "");
  return out;
}
function unquote(value2) {
  let out = "";
  let i = 0;
  while (i < value2.length) {
    const c = value2.charAt(i);
    if (c === "'") {
      const end = value2.indexOf("'", i + 1);
      if (end < 0) return void 0;
      out += value2.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      i++;
      let closed = false;
      while (i < value2.length) {
        const d = value2.charAt(i);
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === "\\" && '"\\$`'.includes(value2.charAt(i + 1)) && i + 1 < value2.length) {
          out += value2.charAt(i + 1);
          i += 2;
        } else {
          out += d;
          i++;
        }
      }
      if (!closed) return void 0;
    } else if (c === "\\" && i + 1 < value2.length) {
      out += value2.charAt(i + 1);
      i += 2;
    } else if (c === "#" || /\s/.test(c)) {
      break;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}
function findOsRelease(ctx) {
  for (const path of OS_RELEASE_PATHS) {
    const found = readResolved(ctx, path);
    if (found) return parseOsRelease(found.content.toString("utf8"), path);
  }
  return void 0;
}
function readResolved(ctx, path) {
  let current = path;
  for (let hop = 0; hop <= MAX_HOPS; hop++) {
    const content = ctx.read(current);
    if (content) return { content, path: current };
    const next = resolveOnce(ctx, current);
    if (next === void 0 || next === current) return void 0;
    current = next;
  }
  return void 0;
}
function resolveOnce(ctx, path) {
  const parts = path.split("/");
  for (let i = 1; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join("/");
    const entry = ctx.tree.entries.get(prefix);
    if (entry?.type !== "symlink" || entry.link === void 0) continue;
    const base = entry.link.startsWith("/") ? "/" : posix2.dirname("/" + prefix);
    const target = posix2.normalize(posix2.join(base, entry.link, ...parts.slice(i))).replace(/^\/+/, "");
    return target;
  }
  return void 0;
}
var OS_RELEASE_PATHS, OS_RELEASE_GLOBS, MAX_LINES, MAX_HOPS;
var init_os_release = __esm({
  "src/catalog/os/os-release.ts"() {
    "use strict";
    OS_RELEASE_PATHS = ["etc/os-release", "usr/lib/os-release"];
    OS_RELEASE_GLOBS = [...OS_RELEASE_PATHS];
    MAX_LINES = 1e3;
    MAX_HOPS = 16;
  }
});

// src/catalog/probes/go-buildinfo.ts
function uvarint(buf, at) {
  let value2 = 0;
  let scale = 1;
  for (let i = 0; i < 5; i++) {
    const b = buf[at + i];
    if (b === void 0) return void 0;
    value2 += (b & 127) * scale;
    if (b < 128) return [value2, i + 1];
    scale *= 128;
  }
  return [Number.MAX_SAFE_INTEGER, 5];
}
function decodeBuildInfo(buf) {
  if (buf.length < HEADER_SIZE) return { kind: "more" };
  const ptrSize = buf[14];
  const flags = buf[15] ?? 0;
  if (ptrSize !== 4 && ptrSize !== 8) return { kind: "invalid" };
  if ((flags & 2) === 0) return { kind: "pointer" };
  const vlen = uvarint(buf, HEADER_SIZE);
  if (!vlen) return { kind: "more" };
  if (vlen[0] === 0 || vlen[0] > 256) return { kind: "invalid" };
  const mlenAt = HEADER_SIZE + vlen[1] + vlen[0];
  const mlen = uvarint(buf, mlenAt);
  if (!mlen) return { kind: "more" };
  const end = mlenAt + mlen[1] + mlen[0];
  if (end > MAX_WINDOW) return { kind: "invalid" };
  if (buf.length < end) return { kind: "more" };
  const goVersion = buf.toString("utf8", HEADER_SIZE + vlen[1], mlenAt);
  if (!/^(go|devel)[\x21-\x7e]*( [\x20-\x7e]*)?$/.test(goVersion)) return { kind: "invalid" };
  let mod = buf.subarray(mlenAt + mlen[1], end);
  if (mod.length >= 33 && mod[mod.length - 17] === 10) mod = mod.subarray(16, mod.length - 16);
  return { kind: "ok", info: { goVersion, ...parseModInfo(mod.toString("utf8")) } };
}
function moduleOf(fields) {
  const [path, version2 = "", sum] = fields;
  if (!path) return void 0;
  const m = { path, version: version2 };
  if (sum) m.sum = sum;
  return m;
}
function parseModInfo(text) {
  const info = { deps: [] };
  let last;
  for (const line of text.split("\n")) {
    const [kind, ...fields] = line.split("	");
    if (kind === "path" && fields[0]) info.path = fields[0];
    else if (kind === "mod" || kind === "dep") {
      last = moduleOf(fields);
      if (!last) continue;
      if (kind === "mod") info.main = last;
      else info.deps.push(last);
    } else if (kind === "=>" && last && fields[0]) {
      last.replace = { path: fields[0] };
      if (fields[1]) last.replace.version = fields[1];
      if (fields[2]) last.replace.sum = fields[2];
    }
  }
  return info;
}
var MAGIC2, HEADER_SIZE, MAX_WINDOW, MIN_SIZE, MAX_SIZE, ELF, GoBuildInfoRun, goBuildInfoProbe;
var init_go_buildinfo = __esm({
  "src/catalog/probes/go-buildinfo.ts"() {
    "use strict";
    MAGIC2 = Buffer.from("\xFF Go buildinf:", "latin1");
    HEADER_SIZE = 32;
    MAX_WINDOW = 256 * 1024;
    MIN_SIZE = 1024;
    MAX_SIZE = 512 * 1024 * 1024;
    ELF = Buffer.from([127, 69, 76, 70]);
    GoBuildInfoRun = class {
      offset = 0;
      // absolute file offset of pending[0]
      pending = Buffer.alloc(0);
      // sniff/search: a few look-behind bytes; collect: bytes from the magic on
      mode = "sniff";
      result;
      sawPointerFormat = false;
      write(chunk) {
        if (this.mode === "done" || chunk.length === 0) return;
        const data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
        if (this.mode === "collect") {
          this.pending = data;
          this.decode();
          return;
        }
        if (this.mode === "sniff") {
          if (data.length < ELF.length) {
            this.pending = Buffer.from(data);
            return;
          }
          if (!data.subarray(0, ELF.length).equals(ELF)) return this.finish(void 0);
          this.mode = "search";
        }
        if (this.search(data)) this.decode();
      }
      /** Look for an aligned magic in `data` (which starts at this.offset); true when one was found. */
      search(data) {
        let from = 0;
        for (; ; ) {
          const at = data.indexOf(MAGIC2, from);
          if (at < 0) break;
          if ((this.offset + at) % 16 === 0) {
            this.offset += at;
            this.mode = "collect";
            this.pending = Buffer.from(data.subarray(at));
            return true;
          }
          from = at + 1;
        }
        const keep = Math.min(data.length, MAGIC2.length - 1);
        this.offset += data.length - keep;
        this.pending = Buffer.from(data.subarray(data.length - keep));
        return false;
      }
      /** Decode what was collected; on a false magic, resume the search just after it. */
      decode() {
        for (; ; ) {
          const decoded = decodeBuildInfo(this.pending);
          if (decoded.kind === "more") {
            if (this.pending.length >= MAX_WINDOW)
              this.finish({ deps: [], problem: `build info larger than ${MAX_WINDOW} bytes` });
            return;
          }
          if (decoded.kind === "ok") return this.finish(decoded.info);
          if (decoded.kind === "pointer") this.sawPointerFormat = true;
          const rest = this.pending.subarray(1);
          this.offset += 1;
          this.mode = "search";
          if (!this.search(rest)) return;
        }
      }
      finish(result) {
        this.result = result;
        this.mode = "done";
        this.pending = Buffer.alloc(0);
      }
      end() {
        if (this.mode === "collect")
          this.finish({ deps: [], problem: "build info truncated: the file ends inside it" });
        if (this.mode !== "done" && this.sawPointerFormat) {
          return {
            deps: [],
            problem: "build info in the pre-Go-1.18 pointer format is not read (it needs random access to the binary)"
          };
        }
        return this.result;
      }
    };
    goBuildInfoProbe = {
      id: "go-buildinfo",
      version: 1,
      matches: (_path, size2, mode) => (mode & 73) !== 0 && size2 >= MIN_SIZE && size2 <= MAX_SIZE,
      start: () => new GoBuildInfoRun()
    };
  }
});

// src/catalog/probes/zip-stream.ts
import { inflateRawSync } from "node:zlib";
function descriptorSize(buf, p, dataLength, zip64) {
  if (p + 24 > buf.length) return 0;
  for (const size2 of zip64 ? [24, 16] : [16, 24]) {
    const field = size2 === 24 ? Number(buf.readBigUInt64LE(p + 8)) : buf.readUInt32LE(p + 8);
    if (field === dataLength) return size2;
  }
  return 0;
}
function zip64Sizes(extra, hasUncompressed, hasCompressed) {
  for (let i = 0; i + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(i);
    const size2 = extra.readUInt16LE(i + 2);
    if (id === 1) {
      const at = i + 4 + (hasUncompressed ? 8 : 0);
      return hasCompressed && at + 8 <= Math.min(extra.length, i + 4 + size2) ? { compressed: Number(extra.readBigUInt64LE(at)) } : {};
    }
    i += 4 + size2;
  }
  return void 0;
}
var SIG_LOCAL, SIG_CENTRAL, SIG_END, SIG_END64, SIG_DESCRIPTOR, TAIL, ZipLocalStream;
var init_zip_stream = __esm({
  "src/catalog/probes/zip-stream.ts"() {
    "use strict";
    SIG_LOCAL = 67324752;
    SIG_CENTRAL = 33639248;
    SIG_END = 101010256;
    SIG_END64 = 101075792;
    SIG_DESCRIPTOR = 134695760;
    TAIL = 28;
    ZipLocalStream = class {
      constructor(options, onEntry) {
        this.options = options;
        this.onEntry = onEntry;
      }
      options;
      onEntry;
      buf = Buffer.alloc(0);
      state = { kind: "header" };
      sawHeader = false;
      /** Set when the archive could not be followed to its end. */
      problem;
      get done() {
        return this.state.kind === "done";
      }
      write(chunk) {
        if (this.state.kind === "done") return;
        this.buf = this.buf.length > 0 ? Buffer.concat([this.buf, chunk]) : chunk;
        while (this.step()) {
        }
        if (this.buf.length > 0) this.buf = Buffer.from(this.buf);
      }
      /** Call at end of file. */
      end() {
        if (!this.sawHeader && this.state.kind !== "done") this.problem ??= "not a zip archive";
        else if (this.state.kind === "header" && this.buf.length === 0)
          this.problem ??= "archive ends without a central directory";
        else if (this.state.kind !== "done") this.problem ??= "archive truncated inside an entry";
        this.state = { kind: "done" };
        this.buf = Buffer.alloc(0);
      }
      stop(problem) {
        if (problem !== void 0) this.problem ??= problem;
        this.state = { kind: "done" };
        this.buf = Buffer.alloc(0);
        return false;
      }
      step() {
        const s = this.state;
        if (s.kind === "header") return this.readHeader();
        if (s.kind === "data") return this.readData(s.entry, s.remaining);
        if (s.kind === "scan") return this.scan(s.entry, s.consumed);
        return false;
      }
      readHeader() {
        if (this.buf.length < 4) return false;
        const sig = this.buf.readUInt32LE(0);
        if (sig === SIG_CENTRAL || sig === SIG_END || sig === SIG_END64) return this.stop();
        if (sig !== SIG_LOCAL)
          return this.stop(this.sawHeader ? "unexpected record between entries" : "not a zip archive");
        if (this.buf.length < 30) return false;
        const flags = this.buf.readUInt16LE(6);
        const method = this.buf.readUInt16LE(8);
        let compressed = this.buf.readUInt32LE(18);
        const uncompressed = this.buf.readUInt32LE(22);
        const nameLength = this.buf.readUInt16LE(26);
        const extraLength = this.buf.readUInt16LE(28);
        if (this.buf.length < 30 + nameLength + extraLength) return false;
        this.sawHeader = true;
        const nameBytes = this.buf.subarray(30, 30 + nameLength);
        const name = nameBytes.toString(flags & 2048 ? "utf8" : "latin1");
        const extra = this.buf.subarray(30 + nameLength, 30 + nameLength + extraLength);
        const zip64 = zip64Sizes(extra, uncompressed === 4294967295, compressed === 4294967295);
        if (zip64?.compressed !== void 0) compressed = zip64.compressed;
        this.buf = this.buf.subarray(30 + nameLength + extraLength);
        const encrypted = (flags & 1) !== 0;
        const entry = {
          name,
          method,
          wanted: !encrypted && (method === 0 || method === 8) && this.options.wants(name),
          zip64: zip64 !== void 0,
          chunks: [],
          collected: 0,
          overflow: false
        };
        this.state = (flags & 8) !== 0 ? { kind: "scan", entry, consumed: 0 } : { kind: "data", entry, remaining: compressed };
        return true;
      }
      take(entry, bytes) {
        if (!entry.wanted || entry.overflow || bytes.length === 0) return;
        entry.collected += bytes.length;
        if (entry.collected > this.options.maxEntryBytes) {
          entry.overflow = true;
          entry.chunks = [];
        } else entry.chunks.push(Buffer.from(bytes));
      }
      readData(entry, remaining) {
        if (this.buf.length === 0) return false;
        const n2 = Math.min(remaining, this.buf.length);
        this.take(entry, this.buf.subarray(0, n2));
        this.buf = this.buf.subarray(n2);
        if (n2 < remaining) {
          this.state = { kind: "data", entry, remaining: remaining - n2 };
          return false;
        }
        this.finishEntry(entry);
        this.state = { kind: "header" };
        return true;
      }
      scan(entry, consumed) {
        const buf = this.buf;
        for (let p = buf.indexOf("PK", 0, "latin1"); p >= 0; p = buf.indexOf("PK", p + 1, "latin1")) {
          if (p + 4 > buf.length) break;
          const sig = buf.readUInt32LE(p);
          let dataEnd = -1;
          let resume = -1;
          const descriptor = sig === SIG_DESCRIPTOR ? descriptorSize(buf, p, consumed + p, entry.zip64) : 0;
          if (descriptor > 0) {
            dataEnd = p;
            resume = p + descriptor;
          } else if ((sig === SIG_LOCAL || sig === SIG_CENTRAL) && p >= 12 && buf.readUInt32LE(p - 8) === consumed + p - 12) {
            dataEnd = p - 12;
            resume = p;
          }
          if (dataEnd >= 0) {
            this.take(entry, buf.subarray(0, dataEnd));
            this.buf = buf.subarray(resume);
            this.finishEntry(entry);
            this.state = { kind: "header" };
            return true;
          }
        }
        const n2 = Math.max(0, buf.length - TAIL);
        this.take(entry, buf.subarray(0, n2));
        this.buf = buf.subarray(n2);
        this.state = { kind: "scan", entry, consumed: consumed + n2 };
        return false;
      }
      finishEntry(entry) {
        if (!entry.wanted) return;
        const { name } = entry;
        if (entry.overflow)
          return this.onEntry({
            name,
            problem: `entry larger than ${this.options.maxEntryBytes} bytes compressed`
          });
        const raw = Buffer.concat(entry.chunks);
        if (entry.method === 0) return this.onEntry({ name, data: raw });
        try {
          this.onEntry({ name, data: inflateRawSync(raw, { maxOutputLength: this.options.maxEntryBytes }) });
        } catch (err2) {
          const bomb = err2 instanceof RangeError || err2.code === "ERR_BUFFER_TOO_LARGE";
          this.onEntry({
            name,
            problem: bomb ? `entry inflates to more than ${this.options.maxEntryBytes} bytes` : `corrupt deflate data: ${err2.message}`
          });
        }
      }
    };
  }
});

// src/catalog/probes/jar-maven.ts
function parseProperties(text) {
  const out = /* @__PURE__ */ new Map();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith("!")) continue;
    const m = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (m?.[1] !== void 0) out.set(m[1], (m[2] ?? "").trim());
  }
  return out;
}
function parseManifest(text) {
  const out = /* @__PURE__ */ new Map();
  let last;
  for (const line of text.split(/\r?\n|\r/)) {
    if (line === "") break;
    if (line.startsWith(" ") && last !== void 0) {
      out.set(last, (out.get(last) ?? "") + line.slice(1));
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim();
    out.set(last, line.slice(colon + 1).trim());
  }
  return out;
}
var MAX_ENTRY_BYTES, MAX_POMS, MAX_PROBLEMS, POM, MANIFEST, ARCHIVE, JarMavenRun, jarMavenProbe;
var init_jar_maven = __esm({
  "src/catalog/probes/jar-maven.ts"() {
    "use strict";
    init_zip_stream();
    MAX_ENTRY_BYTES = 64 * 1024;
    MAX_POMS = 1e3;
    MAX_PROBLEMS = 10;
    POM = /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/;
    MANIFEST = "META-INF/MANIFEST.MF";
    ARCHIVE = /\.(jar|war|ear)$/i;
    JarMavenRun = class {
      info = { poms: [] };
      zip;
      nested = 0;
      constructor() {
        this.zip = new ZipLocalStream(
          {
            wants: (name) => {
              if (ARCHIVE.test(name)) this.nested++;
              return name === MANIFEST || POM.test(name);
            },
            maxEntryBytes: MAX_ENTRY_BYTES
          },
          (entry) => this.onEntry(entry)
        );
      }
      problem(message) {
        const list2 = this.info.problems ??= [];
        if (list2.length < MAX_PROBLEMS) list2.push(message);
      }
      onEntry(entry) {
        if (entry.problem !== void 0 || entry.data === void 0)
          return this.problem(`${entry.name}: ${entry.problem ?? "no data"}`);
        const text = entry.data.toString("utf8");
        if (entry.name === MANIFEST) {
          const m = parseManifest(text);
          const manifest = {};
          const set = (key, header2) => {
            const v = m.get(header2);
            if (v) manifest[key] = v;
          };
          set("title", "Implementation-Title");
          set("version", "Implementation-Version");
          set("vendor", "Implementation-Vendor");
          set("bundleName", "Bundle-SymbolicName");
          set("bundleVersion", "Bundle-Version");
          if (Object.keys(manifest).length > 0) this.info.manifest = manifest;
          return;
        }
        const p = parseProperties(text);
        const groupId = p.get("groupId");
        const artifactId = p.get("artifactId");
        const version2 = p.get("version");
        if (!groupId || !artifactId || !version2)
          return this.problem(`${entry.name}: groupId, artifactId or version missing`);
        if (this.info.poms.length < MAX_POMS)
          this.info.poms.push({ groupId, artifactId, version: version2, path: entry.name });
      }
      write(chunk) {
        this.zip.write(chunk);
      }
      end() {
        this.zip.end();
        if (this.zip.problem !== void 0) this.problem(this.zip.problem);
        if (this.nested > 0) this.info.nested = this.nested;
        const { poms, manifest, problems } = this.info;
        return poms.length > 0 || manifest !== void 0 || problems !== void 0 ? this.info : void 0;
      }
    };
    jarMavenProbe = {
      id: "jar-maven",
      version: 1,
      matches: (path, size2) => size2 >= 22 && ARCHIVE.test(path),
      start: () => new JarMavenRun()
    };
  }
});

// node_modules/picomatch/lib/constants.js
var require_constants2 = __commonJS({
  "node_modules/picomatch/lib/constants.js"(exports, module) {
    "use strict";
    var WIN_SLASH = "\\\\/";
    var WIN_NO_SLASH = `[^${WIN_SLASH}]`;
    var DEFAULT_MAX_EXTGLOB_RECURSION = 0;
    var DOT_LITERAL = "\\.";
    var PLUS_LITERAL = "\\+";
    var QMARK_LITERAL = "\\?";
    var SLASH_LITERAL = "\\/";
    var ONE_CHAR = "(?=.)";
    var QMARK = "[^/]";
    var END_ANCHOR = `(?:${SLASH_LITERAL}|$)`;
    var START_ANCHOR = `(?:^|${SLASH_LITERAL})`;
    var DOTS_SLASH = `${DOT_LITERAL}{1,2}${END_ANCHOR}`;
    var NO_DOT = `(?!${DOT_LITERAL})`;
    var NO_DOTS = `(?!${START_ANCHOR}${DOTS_SLASH})`;
    var NO_DOT_SLASH = `(?!${DOT_LITERAL}{0,1}${END_ANCHOR})`;
    var NO_DOTS_SLASH = `(?!${DOTS_SLASH})`;
    var QMARK_NO_DOT = `[^.${SLASH_LITERAL}]`;
    var STAR = `${QMARK}*?`;
    var SEP = "/";
    var POSIX_CHARS = {
      DOT_LITERAL,
      PLUS_LITERAL,
      QMARK_LITERAL,
      SLASH_LITERAL,
      ONE_CHAR,
      QMARK,
      END_ANCHOR,
      DOTS_SLASH,
      NO_DOT,
      NO_DOTS,
      NO_DOT_SLASH,
      NO_DOTS_SLASH,
      QMARK_NO_DOT,
      STAR,
      START_ANCHOR,
      SEP
    };
    var WINDOWS_CHARS = {
      ...POSIX_CHARS,
      SLASH_LITERAL: `[${WIN_SLASH}]`,
      QMARK: WIN_NO_SLASH,
      STAR: `${WIN_NO_SLASH}*?`,
      DOTS_SLASH: `${DOT_LITERAL}{1,2}(?:[${WIN_SLASH}]|$)`,
      NO_DOT: `(?!${DOT_LITERAL})`,
      NO_DOTS: `(?!(?:^|[${WIN_SLASH}])${DOT_LITERAL}{1,2}(?:[${WIN_SLASH}]|$))`,
      NO_DOT_SLASH: `(?!${DOT_LITERAL}{0,1}(?:[${WIN_SLASH}]|$))`,
      NO_DOTS_SLASH: `(?!${DOT_LITERAL}{1,2}(?:[${WIN_SLASH}]|$))`,
      QMARK_NO_DOT: `[^.${WIN_SLASH}]`,
      START_ANCHOR: `(?:^|[${WIN_SLASH}])`,
      END_ANCHOR: `(?:[${WIN_SLASH}]|$)`,
      SEP: "\\"
    };
    var POSIX_REGEX_SOURCE = {
      __proto__: null,
      alnum: "a-zA-Z0-9",
      alpha: "a-zA-Z",
      ascii: "\\x00-\\x7F",
      blank: " \\t",
      cntrl: "\\x00-\\x1F\\x7F",
      digit: "0-9",
      graph: "\\x21-\\x7E",
      lower: "a-z",
      print: "\\x20-\\x7E ",
      punct: "\\-!\"#$%&'()\\*+,./:;<=>?@[\\]^_`{|}~",
      space: " \\t\\r\\n\\v\\f",
      upper: "A-Z",
      word: "A-Za-z0-9_",
      xdigit: "A-Fa-f0-9"
    };
    module.exports = {
      DEFAULT_MAX_EXTGLOB_RECURSION,
      MAX_LENGTH: 1024 * 64,
      POSIX_REGEX_SOURCE,
      // regular expressions
      REGEX_BACKSLASH: /\\(?![*+?^${}(|)[\]])/g,
      REGEX_NON_SPECIAL_CHARS: /^[^@![\].,$*+?^{}()|\\/]+/,
      REGEX_SPECIAL_CHARS: /[-*+?.^${}(|)[\]]/,
      REGEX_SPECIAL_CHARS_BACKREF: /(\\?)((\W)(\3*))/g,
      REGEX_SPECIAL_CHARS_GLOBAL: /([-*+?.^${}(|)[\]])/g,
      REGEX_REMOVE_BACKSLASH: /(?:\[.*?[^\\]\]|\\(?=.))/g,
      // Replace globs with equivalent patterns to reduce parsing time.
      REPLACEMENTS: {
        __proto__: null,
        "***": "*",
        "**/**": "**",
        "**/**/**": "**"
      },
      // Digits
      CHAR_0: 48,
      /* 0 */
      CHAR_9: 57,
      /* 9 */
      // Alphabet chars.
      CHAR_UPPERCASE_A: 65,
      /* A */
      CHAR_LOWERCASE_A: 97,
      /* a */
      CHAR_UPPERCASE_Z: 90,
      /* Z */
      CHAR_LOWERCASE_Z: 122,
      /* z */
      CHAR_LEFT_PARENTHESES: 40,
      /* ( */
      CHAR_RIGHT_PARENTHESES: 41,
      /* ) */
      CHAR_ASTERISK: 42,
      /* * */
      // Non-alphabetic chars.
      CHAR_AMPERSAND: 38,
      /* & */
      CHAR_AT: 64,
      /* @ */
      CHAR_BACKWARD_SLASH: 92,
      /* \ */
      CHAR_CARRIAGE_RETURN: 13,
      /* \r */
      CHAR_CIRCUMFLEX_ACCENT: 94,
      /* ^ */
      CHAR_COLON: 58,
      /* : */
      CHAR_COMMA: 44,
      /* , */
      CHAR_DOT: 46,
      /* . */
      CHAR_DOUBLE_QUOTE: 34,
      /* " */
      CHAR_EQUAL: 61,
      /* = */
      CHAR_EXCLAMATION_MARK: 33,
      /* ! */
      CHAR_FORM_FEED: 12,
      /* \f */
      CHAR_FORWARD_SLASH: 47,
      /* / */
      CHAR_GRAVE_ACCENT: 96,
      /* ` */
      CHAR_HASH: 35,
      /* # */
      CHAR_HYPHEN_MINUS: 45,
      /* - */
      CHAR_LEFT_ANGLE_BRACKET: 60,
      /* < */
      CHAR_LEFT_CURLY_BRACE: 123,
      /* { */
      CHAR_LEFT_SQUARE_BRACKET: 91,
      /* [ */
      CHAR_LINE_FEED: 10,
      /* \n */
      CHAR_NO_BREAK_SPACE: 160,
      /* \u00A0 */
      CHAR_PERCENT: 37,
      /* % */
      CHAR_PLUS: 43,
      /* + */
      CHAR_QUESTION_MARK: 63,
      /* ? */
      CHAR_RIGHT_ANGLE_BRACKET: 62,
      /* > */
      CHAR_RIGHT_CURLY_BRACE: 125,
      /* } */
      CHAR_RIGHT_SQUARE_BRACKET: 93,
      /* ] */
      CHAR_SEMICOLON: 59,
      /* ; */
      CHAR_SINGLE_QUOTE: 39,
      /* ' */
      CHAR_SPACE: 32,
      /*   */
      CHAR_TAB: 9,
      /* \t */
      CHAR_UNDERSCORE: 95,
      /* _ */
      CHAR_VERTICAL_LINE: 124,
      /* | */
      CHAR_ZERO_WIDTH_NOBREAK_SPACE: 65279,
      /* \uFEFF */
      /**
       * Create EXTGLOB_CHARS
       */
      extglobChars(chars) {
        return {
          "!": { type: "negate", open: "(?:(?!(?:", close: `))${chars.STAR})` },
          "?": { type: "qmark", open: "(?:", close: ")?" },
          "+": { type: "plus", open: "(?:", close: ")+" },
          "*": { type: "star", open: "(?:", close: ")*" },
          "@": { type: "at", open: "(?:", close: ")" }
        };
      },
      /**
       * Create GLOB_CHARS
       */
      globChars(win32) {
        return win32 === true ? WINDOWS_CHARS : POSIX_CHARS;
      }
    };
  }
});

// node_modules/picomatch/lib/utils.js
var require_utils = __commonJS({
  "node_modules/picomatch/lib/utils.js"(exports) {
    "use strict";
    var {
      REGEX_BACKSLASH,
      REGEX_REMOVE_BACKSLASH,
      REGEX_SPECIAL_CHARS,
      REGEX_SPECIAL_CHARS_GLOBAL
    } = require_constants2();
    exports.isObject = (val) => val !== null && typeof val === "object" && !Array.isArray(val);
    exports.hasRegexChars = (str2) => REGEX_SPECIAL_CHARS.test(str2);
    exports.isRegexChar = (str2) => str2.length === 1 && exports.hasRegexChars(str2);
    exports.escapeRegex = (str2) => str2.replace(REGEX_SPECIAL_CHARS_GLOBAL, "\\$1");
    exports.toPosixSlashes = (str2) => str2.replace(REGEX_BACKSLASH, "/");
    exports.isWindows = () => {
      if (typeof navigator !== "undefined" && navigator.platform) {
        const platform = navigator.platform.toLowerCase();
        return platform === "win32" || platform === "windows";
      }
      if (typeof process !== "undefined" && process.platform) {
        return process.platform === "win32";
      }
      return false;
    };
    exports.removeBackslashes = (str2) => {
      return str2.replace(REGEX_REMOVE_BACKSLASH, (match) => {
        return match === "\\" ? "" : match;
      });
    };
    exports.escapeLast = (input, char, lastIdx) => {
      const idx = input.lastIndexOf(char, lastIdx);
      if (idx === -1) return input;
      if (input[idx - 1] === "\\") return exports.escapeLast(input, char, idx - 1);
      return `${input.slice(0, idx)}\\${input.slice(idx)}`;
    };
    exports.removePrefix = (input, state2 = {}) => {
      let output = input;
      if (output.startsWith("./")) {
        output = output.slice(2);
        state2.prefix = "./";
      }
      return output;
    };
    exports.wrapOutput = (input, state2 = {}, options = {}) => {
      const prepend = options.contains ? "" : "^";
      const append = options.contains ? "" : "$";
      let output = `${prepend}(?:${input})${append}`;
      if (state2.negated === true) {
        output = `(?:^(?!${output}).*$)`;
      }
      return output;
    };
    exports.basename = (path, { windows } = {}) => {
      const segs = path.split(windows ? /[\\/]/ : "/");
      const last = segs[segs.length - 1];
      if (last === "") {
        return segs[segs.length - 2];
      }
      return last;
    };
  }
});

// node_modules/picomatch/lib/scan.js
var require_scan = __commonJS({
  "node_modules/picomatch/lib/scan.js"(exports, module) {
    "use strict";
    var utils = require_utils();
    var {
      CHAR_ASTERISK,
      /* * */
      CHAR_AT,
      /* @ */
      CHAR_BACKWARD_SLASH,
      /* \ */
      CHAR_COMMA,
      /* , */
      CHAR_DOT,
      /* . */
      CHAR_EXCLAMATION_MARK,
      /* ! */
      CHAR_FORWARD_SLASH,
      /* / */
      CHAR_LEFT_CURLY_BRACE,
      /* { */
      CHAR_LEFT_PARENTHESES,
      /* ( */
      CHAR_LEFT_SQUARE_BRACKET,
      /* [ */
      CHAR_PLUS,
      /* + */
      CHAR_QUESTION_MARK,
      /* ? */
      CHAR_RIGHT_CURLY_BRACE,
      /* } */
      CHAR_RIGHT_PARENTHESES,
      /* ) */
      CHAR_RIGHT_SQUARE_BRACKET
      /* ] */
    } = require_constants2();
    var isPathSeparator = (code) => {
      return code === CHAR_FORWARD_SLASH || code === CHAR_BACKWARD_SLASH;
    };
    var depth = (token) => {
      if (token.isPrefix !== true) {
        token.depth = token.isGlobstar ? Infinity : 1;
      }
    };
    var scan2 = (input, options) => {
      const opts = options || {};
      const length = input.length - 1;
      const scanToEnd = opts.parts === true || opts.tokens === true || opts.scanToEnd === true;
      const slashes = [];
      const tokens = [];
      const parts = [];
      let str2 = input;
      let index = -1;
      let start = 0;
      let lastIndex = 0;
      let isBrace = false;
      let isBracket = false;
      let isGlob = false;
      let isExtglob = false;
      let isGlobstar = false;
      let braceEscaped = false;
      let backslashes = false;
      let negated = false;
      let negatedExtglob = false;
      let finished = false;
      let braces = 0;
      let prev;
      let code;
      let token = { value: "", depth: 0, isGlob: false };
      const eos = () => index >= length;
      const peek = () => str2.charCodeAt(index + 1);
      const advance = () => {
        prev = code;
        return str2.charCodeAt(++index);
      };
      while (index < length) {
        code = advance();
        let next;
        if (code === CHAR_BACKWARD_SLASH) {
          backslashes = token.backslashes = true;
          code = advance();
          if (code === CHAR_LEFT_CURLY_BRACE) {
            braceEscaped = true;
          }
          continue;
        }
        if (braceEscaped === true || code === CHAR_LEFT_CURLY_BRACE) {
          braces++;
          while (eos() !== true && (code = advance())) {
            if (code === CHAR_BACKWARD_SLASH) {
              backslashes = token.backslashes = true;
              advance();
              continue;
            }
            if (code === CHAR_LEFT_CURLY_BRACE) {
              braces++;
              continue;
            }
            if (braceEscaped !== true && code === CHAR_DOT && (code = advance()) === CHAR_DOT) {
              isBrace = token.isBrace = true;
              isGlob = token.isGlob = true;
              finished = true;
              if (scanToEnd === true) {
                continue;
              }
              break;
            }
            if (braceEscaped !== true && code === CHAR_COMMA) {
              isBrace = token.isBrace = true;
              isGlob = token.isGlob = true;
              finished = true;
              if (scanToEnd === true) {
                continue;
              }
              break;
            }
            if (code === CHAR_RIGHT_CURLY_BRACE) {
              braces--;
              if (braces === 0) {
                braceEscaped = false;
                isBrace = token.isBrace = true;
                finished = true;
                break;
              }
            }
          }
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
        if (code === CHAR_FORWARD_SLASH) {
          slashes.push(index);
          tokens.push(token);
          token = { value: "", depth: 0, isGlob: false };
          if (finished === true) continue;
          if (prev === CHAR_DOT && index === start + 1) {
            start += 2;
            continue;
          }
          lastIndex = index + 1;
          continue;
        }
        if (opts.noext !== true) {
          const isExtglobChar = code === CHAR_PLUS || code === CHAR_AT || code === CHAR_ASTERISK || code === CHAR_QUESTION_MARK || code === CHAR_EXCLAMATION_MARK;
          if (isExtglobChar === true && peek() === CHAR_LEFT_PARENTHESES) {
            isGlob = token.isGlob = true;
            isExtglob = token.isExtglob = true;
            finished = true;
            if (code === CHAR_EXCLAMATION_MARK && index === start) {
              negatedExtglob = true;
            }
            if (scanToEnd === true) {
              let parens = 0;
              while (eos() !== true && (code = advance())) {
                if (code === CHAR_BACKWARD_SLASH) {
                  backslashes = token.backslashes = true;
                  advance();
                  continue;
                }
                if (code === CHAR_LEFT_PARENTHESES) {
                  parens++;
                  continue;
                }
                if (code === CHAR_RIGHT_PARENTHESES && --parens === 0) {
                  finished = true;
                  break;
                }
              }
              continue;
            }
            break;
          }
        }
        if (code === CHAR_ASTERISK) {
          if (prev === CHAR_ASTERISK) isGlobstar = token.isGlobstar = true;
          isGlob = token.isGlob = true;
          finished = true;
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
        if (code === CHAR_QUESTION_MARK) {
          isGlob = token.isGlob = true;
          finished = true;
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
        if (code === CHAR_LEFT_SQUARE_BRACKET) {
          while (eos() !== true && (next = advance())) {
            if (next === CHAR_BACKWARD_SLASH) {
              backslashes = token.backslashes = true;
              advance();
              continue;
            }
            if (next === CHAR_RIGHT_SQUARE_BRACKET) {
              isBracket = token.isBracket = true;
              isGlob = token.isGlob = true;
              finished = true;
              break;
            }
          }
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
        if (opts.nonegate !== true && code === CHAR_EXCLAMATION_MARK && index === start) {
          negated = token.negated = true;
          start++;
          continue;
        }
        if (opts.noparen !== true && code === CHAR_LEFT_PARENTHESES) {
          isGlob = token.isGlob = true;
          if (scanToEnd === true) {
            let parens = 1;
            while (eos() !== true && (code = advance())) {
              if (code === CHAR_BACKWARD_SLASH) {
                backslashes = token.backslashes = true;
                advance();
                continue;
              }
              if (code === CHAR_LEFT_PARENTHESES) {
                parens++;
                continue;
              }
              if (code === CHAR_RIGHT_PARENTHESES && --parens === 0) {
                finished = true;
                break;
              }
            }
            continue;
          }
          break;
        }
        if (isGlob === true) {
          finished = true;
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
      }
      if (opts.noext === true) {
        isExtglob = false;
        isGlob = false;
      }
      let base = str2;
      let prefix = "";
      let glob = "";
      if (start > 0) {
        prefix = str2.slice(0, start);
        str2 = str2.slice(start);
        lastIndex -= start;
      }
      if (base && isGlob === true && lastIndex > 0) {
        base = str2.slice(0, lastIndex);
        glob = str2.slice(lastIndex);
      } else if (isGlob === true) {
        base = "";
        glob = str2;
      } else {
        base = str2;
      }
      if (base && base !== "" && base !== "/" && base !== str2) {
        if (isPathSeparator(base.charCodeAt(base.length - 1))) {
          base = base.slice(0, -1);
        }
      }
      if (opts.unescape === true) {
        if (glob) glob = utils.removeBackslashes(glob);
        if (base && backslashes === true) {
          base = utils.removeBackslashes(base);
        }
      }
      const state2 = {
        prefix,
        input,
        start,
        base,
        glob,
        isBrace,
        isBracket,
        isGlob,
        isExtglob,
        isGlobstar,
        negated,
        negatedExtglob
      };
      if (opts.tokens === true) {
        state2.maxDepth = 0;
        if (!isPathSeparator(code)) {
          tokens.push(token);
        }
        state2.tokens = tokens;
      }
      if (opts.parts === true || opts.tokens === true) {
        let prevIndex;
        for (let idx = 0; idx < slashes.length; idx++) {
          const n3 = prevIndex !== void 0 ? prevIndex + 1 : start;
          const i = slashes[idx];
          const value3 = input.slice(n3, i);
          if (opts.tokens) {
            if (idx === 0 && start !== 0) {
              tokens[idx].isPrefix = true;
              tokens[idx].value = prefix;
            } else {
              tokens[idx].value = value3;
            }
            depth(tokens[idx]);
            state2.maxDepth += tokens[idx].depth;
          }
          if (i >= start) {
            parts.push(value3);
            prevIndex = i;
          }
        }
        const n2 = prevIndex !== void 0 ? prevIndex + 1 : start;
        const value2 = input.slice(n2);
        parts.push(value2);
        if (opts.tokens && prevIndex && prevIndex + 1 < input.length) {
          tokens[tokens.length - 1].value = value2;
          depth(tokens[tokens.length - 1]);
          state2.maxDepth += tokens[tokens.length - 1].depth;
        }
        state2.slashes = slashes;
        state2.parts = parts;
      }
      return state2;
    };
    module.exports = scan2;
  }
});

// node_modules/picomatch/lib/parse.js
var require_parse2 = __commonJS({
  "node_modules/picomatch/lib/parse.js"(exports, module) {
    "use strict";
    var constants = require_constants2();
    var utils = require_utils();
    var {
      MAX_LENGTH,
      POSIX_REGEX_SOURCE,
      REGEX_NON_SPECIAL_CHARS,
      REGEX_SPECIAL_CHARS_BACKREF,
      REPLACEMENTS
    } = constants;
    var expandRange = (args, options) => {
      if (typeof options.expandRange === "function") {
        return options.expandRange(...args, options);
      }
      args.sort();
      const value2 = `[${args.join("-")}]`;
      try {
        new RegExp(value2);
      } catch (ex) {
        return args.map((v) => utils.escapeRegex(v)).join("..");
      }
      return value2;
    };
    var syntaxError = (type, char) => {
      return `Missing ${type}: "${char}" - use "\\\\${char}" to match literal characters`;
    };
    var splitTopLevel = (input) => {
      const parts = [];
      let bracket = 0;
      let paren = 0;
      let quote = 0;
      let value2 = "";
      let escaped = false;
      for (const ch of input) {
        if (escaped === true) {
          value2 += ch;
          escaped = false;
          continue;
        }
        if (ch === "\\") {
          value2 += ch;
          escaped = true;
          continue;
        }
        if (ch === '"') {
          quote = quote === 1 ? 0 : 1;
          value2 += ch;
          continue;
        }
        if (quote === 0) {
          if (ch === "[") {
            bracket++;
          } else if (ch === "]" && bracket > 0) {
            bracket--;
          } else if (bracket === 0) {
            if (ch === "(") {
              paren++;
            } else if (ch === ")" && paren > 0) {
              paren--;
            } else if (ch === "|" && paren === 0) {
              parts.push(value2);
              value2 = "";
              continue;
            }
          }
        }
        value2 += ch;
      }
      parts.push(value2);
      return parts;
    };
    var isPlainBranch = (branch) => {
      let escaped = false;
      for (const ch of branch) {
        if (escaped === true) {
          escaped = false;
          continue;
        }
        if (ch === "\\") {
          escaped = true;
          continue;
        }
        if (/[?*+@!()[\]{}]/.test(ch)) {
          return false;
        }
      }
      return true;
    };
    var normalizeSimpleBranch = (branch) => {
      let value2 = branch.trim();
      let changed = true;
      while (changed === true) {
        changed = false;
        if (/^@\([^\\()[\]{}|]+\)$/.test(value2)) {
          value2 = value2.slice(2, -1);
          changed = true;
        }
      }
      if (!isPlainBranch(value2)) {
        return;
      }
      return value2.replace(/\\(.)/g, "$1");
    };
    var hasRepeatedCharPrefixOverlap = (branches) => {
      const values = branches.map(normalizeSimpleBranch).filter(Boolean);
      for (let i = 0; i < values.length; i++) {
        for (let j = i + 1; j < values.length; j++) {
          const a = values[i];
          const b = values[j];
          const char = a[0];
          if (!char || a !== char.repeat(a.length) || b !== char.repeat(b.length)) {
            continue;
          }
          if (a === b || a.startsWith(b) || b.startsWith(a)) {
            return true;
          }
        }
      }
      return false;
    };
    var parseRepeatedExtglob = (pattern, requireEnd = true) => {
      if (pattern[0] !== "+" && pattern[0] !== "*" || pattern[1] !== "(") {
        return;
      }
      let bracket = 0;
      let paren = 0;
      let quote = 0;
      let escaped = false;
      for (let i = 1; i < pattern.length; i++) {
        const ch = pattern[i];
        if (escaped === true) {
          escaped = false;
          continue;
        }
        if (ch === "\\") {
          escaped = true;
          continue;
        }
        if (ch === '"') {
          quote = quote === 1 ? 0 : 1;
          continue;
        }
        if (quote === 1) {
          continue;
        }
        if (ch === "[") {
          bracket++;
          continue;
        }
        if (ch === "]" && bracket > 0) {
          bracket--;
          continue;
        }
        if (bracket > 0) {
          continue;
        }
        if (ch === "(") {
          paren++;
          continue;
        }
        if (ch === ")") {
          paren--;
          if (paren === 0) {
            if (requireEnd === true && i !== pattern.length - 1) {
              return;
            }
            return {
              type: pattern[0],
              body: pattern.slice(2, i),
              end: i
            };
          }
        }
      }
    };
    var buildCharClassStar = (chars) => {
      const source = chars.length === 1 ? utils.escapeRegex(chars[0]) : `[${chars.map((ch) => utils.escapeRegex(ch)).join("")}]`;
      return `${source}*`;
    };
    var getStarExtglobSequenceChars = (pattern) => {
      let index = 0;
      const chars = [];
      while (index < pattern.length) {
        const match = parseRepeatedExtglob(pattern.slice(index), false);
        if (!match || match.type !== "*") {
          return;
        }
        const branches = splitTopLevel(match.body).map((branch2) => branch2.trim());
        if (branches.length !== 1) {
          return;
        }
        const branch = normalizeSimpleBranch(branches[0]);
        if (!branch || branch.length !== 1) {
          return;
        }
        chars.push(branch);
        index += match.end + 1;
      }
      if (chars.length < 1) {
        return;
      }
      return chars;
    };
    var repeatedExtglobRecursion = (pattern) => {
      let depth = 0;
      let value2 = pattern.trim();
      let match = parseRepeatedExtglob(value2);
      while (match) {
        depth++;
        value2 = match.body.trim();
        match = parseRepeatedExtglob(value2);
      }
      return depth;
    };
    var analyzeRepeatedExtglob = (body, options) => {
      if (options.maxExtglobRecursion === false) {
        return { risky: false };
      }
      const max = typeof options.maxExtglobRecursion === "number" ? options.maxExtglobRecursion : constants.DEFAULT_MAX_EXTGLOB_RECURSION;
      const branches = splitTopLevel(body).map((branch) => branch.trim());
      if (branches.length > 1) {
        if (branches.some((branch) => branch === "") || branches.some((branch) => /^[*?]+$/.test(branch)) || hasRepeatedCharPrefixOverlap(branches)) {
          return { risky: true };
        }
      }
      const safeChars = [];
      let sawStarSequence = false;
      let combinable = true;
      for (const branch of branches) {
        const chars = getStarExtglobSequenceChars(branch);
        if (chars) {
          sawStarSequence = true;
          safeChars.push(...chars);
          continue;
        }
        const literal = normalizeSimpleBranch(branch);
        if (literal && literal.length === 1) {
          safeChars.push(literal);
          continue;
        }
        combinable = false;
        if (repeatedExtglobRecursion(branch) > max) {
          return { risky: true };
        }
      }
      if (sawStarSequence) {
        return combinable ? { risky: true, safeOutput: buildCharClassStar([...new Set(safeChars)]) } : { risky: true };
      }
      return { risky: false };
    };
    var parse4 = (input, options) => {
      if (typeof input !== "string") {
        throw new TypeError("Expected a string");
      }
      input = REPLACEMENTS[input] || input;
      const opts = { ...options };
      const max = typeof opts.maxLength === "number" ? Math.min(MAX_LENGTH, opts.maxLength) : MAX_LENGTH;
      let len = input.length;
      if (len > max) {
        throw new SyntaxError(`Input length: ${len}, exceeds maximum allowed length: ${max}`);
      }
      const bos = { type: "bos", value: "", output: opts.prepend || "" };
      const tokens = [bos];
      const capture = opts.capture ? "" : "?:";
      const PLATFORM_CHARS = constants.globChars(opts.windows);
      const EXTGLOB_CHARS = constants.extglobChars(PLATFORM_CHARS);
      const {
        DOT_LITERAL,
        PLUS_LITERAL,
        SLASH_LITERAL,
        ONE_CHAR,
        DOTS_SLASH,
        NO_DOT,
        NO_DOT_SLASH,
        NO_DOTS_SLASH,
        QMARK,
        QMARK_NO_DOT,
        STAR,
        START_ANCHOR
      } = PLATFORM_CHARS;
      const globstar = (opts2) => {
        return `(${capture}(?:(?!${START_ANCHOR}${opts2.dot ? DOTS_SLASH : DOT_LITERAL}).)*?)`;
      };
      const nodot = opts.dot ? "" : NO_DOT;
      const qmarkNoDot = opts.dot ? QMARK : QMARK_NO_DOT;
      let star = opts.bash === true ? globstar(opts) : STAR;
      if (opts.capture) {
        star = `(${star})`;
      }
      if (typeof opts.noext === "boolean") {
        opts.noextglob = opts.noext;
      }
      const state2 = {
        input,
        index: -1,
        start: 0,
        dot: opts.dot === true,
        consumed: "",
        output: "",
        prefix: "",
        backtrack: false,
        negated: false,
        brackets: 0,
        braces: 0,
        parens: 0,
        quotes: 0,
        globstar: false,
        tokens
      };
      input = utils.removePrefix(input, state2);
      len = input.length;
      const extglobs = [];
      const braces = [];
      const stack = [];
      let prev = bos;
      let value2;
      const eos = () => state2.index === len - 1;
      const peek = state2.peek = (n2 = 1) => input[state2.index + n2];
      const advance = state2.advance = () => input[++state2.index] || "";
      const remaining = () => input.slice(state2.index + 1);
      const consume = (value3 = "", num = 0) => {
        state2.consumed += value3;
        state2.index += num;
      };
      const append = (token) => {
        state2.output += token.output != null ? token.output : token.value;
        consume(token.value);
      };
      const negate = () => {
        let count = 1;
        while (peek() === "!" && (peek(2) !== "(" || peek(3) === "?")) {
          advance();
          state2.start++;
          count++;
        }
        if (count % 2 === 0) {
          return false;
        }
        state2.negated = true;
        state2.start++;
        return true;
      };
      const increment = (type) => {
        state2[type]++;
        stack.push(type);
      };
      const decrement = (type) => {
        state2[type]--;
        stack.pop();
      };
      const push = (tok) => {
        if (prev.type === "globstar") {
          const isBrace = state2.braces > 0 && (tok.type === "comma" || tok.type === "brace");
          const isExtglob = tok.extglob === true || extglobs.length && (tok.type === "pipe" || tok.type === "paren");
          if (tok.type !== "slash" && tok.type !== "paren" && !isBrace && !isExtglob) {
            state2.output = state2.output.slice(0, -prev.output.length);
            prev.type = "star";
            prev.value = "*";
            prev.output = star;
            state2.output += prev.output;
          }
        }
        if (extglobs.length && tok.type !== "paren") {
          extglobs[extglobs.length - 1].inner += tok.value;
        }
        if (tok.value || tok.output) append(tok);
        if (prev && prev.type === "text" && tok.type === "text") {
          prev.output = (prev.output || prev.value) + tok.value;
          prev.value += tok.value;
          return;
        }
        tok.prev = prev;
        tokens.push(tok);
        prev = tok;
      };
      const extglobOpen = (type, value3) => {
        const token = { ...EXTGLOB_CHARS[value3], conditions: 1, inner: "" };
        token.prev = prev;
        token.parens = state2.parens;
        token.output = state2.output;
        token.startIndex = state2.index;
        token.tokensIndex = tokens.length;
        const output = (opts.capture ? "(" : "") + token.open;
        increment("parens");
        push({ type, value: value3, output: state2.output ? "" : ONE_CHAR });
        push({ type: "paren", extglob: true, value: advance(), output });
        extglobs.push(token);
      };
      const extglobClose = (token) => {
        const literal = input.slice(token.startIndex, state2.index + 1);
        const body = input.slice(token.startIndex + 2, state2.index);
        const analysis = analyzeRepeatedExtglob(body, opts);
        if ((token.type === "plus" || token.type === "star") && analysis.risky) {
          const safeOutput = analysis.safeOutput ? (token.output ? "" : ONE_CHAR) + (opts.capture ? `(${analysis.safeOutput})` : analysis.safeOutput) : void 0;
          const open4 = tokens[token.tokensIndex];
          open4.type = "text";
          open4.value = literal;
          open4.output = safeOutput || utils.escapeRegex(literal);
          for (let i = token.tokensIndex + 1; i < tokens.length; i++) {
            tokens[i].value = "";
            tokens[i].output = "";
            delete tokens[i].suffix;
          }
          state2.output = token.output + open4.output;
          state2.backtrack = true;
          push({ type: "paren", extglob: true, value: value2, output: "" });
          decrement("parens");
          return;
        }
        let output = token.close + (opts.capture ? ")" : "");
        let rest;
        if (token.type === "negate") {
          let extglobStar = star;
          if (token.inner && token.inner.length > 1 && token.inner.includes("/")) {
            extglobStar = globstar(opts);
          }
          if (extglobStar !== star || eos() || /^\)+$/.test(remaining())) {
            output = token.close = `)$))${extglobStar}`;
          }
          if (token.inner.includes("*") && (rest = remaining()) && /^\.[^\\/.]+$/.test(rest)) {
            const expression = parse4(rest, { ...options, fastpaths: false }).output;
            output = token.close = `)${expression})${extglobStar})`;
          }
          if (token.prev.type === "bos") {
            state2.negatedExtglob = true;
          }
        }
        push({ type: "paren", extglob: true, value: value2, output });
        decrement("parens");
      };
      if (opts.fastpaths !== false && !/(^[*!]|[/()[\]{}"])/.test(input)) {
        let backslashes = false;
        let output = input.replace(REGEX_SPECIAL_CHARS_BACKREF, (m, esc, chars, first, rest, index) => {
          if (first === "\\") {
            backslashes = true;
            return m;
          }
          if (first === "?") {
            if (esc) {
              return esc + first + (rest ? QMARK.repeat(rest.length) : "");
            }
            if (index === 0) {
              return qmarkNoDot + (rest ? QMARK.repeat(rest.length) : "");
            }
            return QMARK.repeat(chars.length);
          }
          if (first === ".") {
            return DOT_LITERAL.repeat(chars.length);
          }
          if (first === "*") {
            if (esc) {
              return esc + first + (rest ? star : "");
            }
            return star;
          }
          return esc ? m : `\\${m}`;
        });
        if (backslashes === true) {
          if (opts.unescape === true) {
            output = output.replace(/\\/g, "");
          } else {
            output = output.replace(/\\+/g, (m) => {
              return m.length % 2 === 0 ? "\\\\" : m ? "\\" : "";
            });
          }
        }
        if (output === input && opts.contains === true) {
          state2.output = input;
          return state2;
        }
        state2.output = utils.wrapOutput(output, state2, options);
        return state2;
      }
      while (!eos()) {
        value2 = advance();
        if (value2 === "\0") {
          continue;
        }
        if (value2 === "\\") {
          const next = peek();
          if (next === "/" && opts.bash !== true) {
            continue;
          }
          if (next === "." || next === ";") {
            continue;
          }
          if (!next) {
            value2 += "\\";
            push({ type: "text", value: value2 });
            continue;
          }
          const match = /^\\+/.exec(remaining());
          let slashes = 0;
          if (match && match[0].length > 2) {
            slashes = match[0].length;
            state2.index += slashes;
            if (slashes % 2 !== 0) {
              value2 += "\\";
            }
          }
          if (opts.unescape === true) {
            value2 = advance();
          } else {
            value2 += advance();
          }
          if (state2.brackets === 0) {
            push({ type: "text", value: value2 });
            continue;
          }
        }
        if (state2.brackets > 0 && (value2 !== "]" || prev.value === "[" || prev.value === "[^")) {
          if (opts.posix !== false && value2 === ":") {
            const inner = prev.value.slice(1);
            if (inner.includes("[")) {
              prev.posix = true;
              if (inner.includes(":")) {
                const idx = prev.value.lastIndexOf("[");
                const pre = prev.value.slice(0, idx);
                const rest2 = prev.value.slice(idx + 2);
                const posix3 = POSIX_REGEX_SOURCE[rest2];
                if (posix3) {
                  prev.value = pre + posix3;
                  state2.backtrack = true;
                  advance();
                  if (!bos.output && tokens.indexOf(prev) === 1) {
                    bos.output = ONE_CHAR;
                  }
                  continue;
                }
              }
            }
          }
          if (value2 === "[" && peek() !== ":" || value2 === "-" && peek() === "]") {
            value2 = `\\${value2}`;
          }
          if (value2 === "]" && (prev.value === "[" || prev.value === "[^")) {
            value2 = `\\${value2}`;
          }
          if (opts.posix === true && value2 === "!" && prev.value === "[") {
            value2 = "^";
          }
          prev.value += value2;
          append({ value: value2 });
          continue;
        }
        if (state2.quotes === 1 && value2 !== '"') {
          value2 = utils.escapeRegex(value2);
          prev.value += value2;
          append({ value: value2 });
          continue;
        }
        if (value2 === '"') {
          state2.quotes = state2.quotes === 1 ? 0 : 1;
          if (opts.keepQuotes === true) {
            push({ type: "text", value: value2 });
          }
          continue;
        }
        if (value2 === "(") {
          increment("parens");
          push({ type: "paren", value: value2 });
          continue;
        }
        if (value2 === ")") {
          if (state2.parens === 0 && opts.strictBrackets === true) {
            throw new SyntaxError(syntaxError("opening", "("));
          }
          const extglob = extglobs[extglobs.length - 1];
          if (extglob && state2.parens === extglob.parens + 1) {
            extglobClose(extglobs.pop());
            continue;
          }
          push({ type: "paren", value: value2, output: state2.parens ? ")" : "\\)" });
          decrement("parens");
          continue;
        }
        if (value2 === "[") {
          if (opts.nobracket === true || !remaining().includes("]")) {
            if (opts.nobracket !== true && opts.strictBrackets === true) {
              throw new SyntaxError(syntaxError("closing", "]"));
            }
            value2 = `\\${value2}`;
          } else {
            increment("brackets");
          }
          push({ type: "bracket", value: value2 });
          continue;
        }
        if (value2 === "]") {
          if (opts.nobracket === true || prev && prev.type === "bracket" && prev.value.length === 1) {
            push({ type: "text", value: value2, output: `\\${value2}` });
            continue;
          }
          if (state2.brackets === 0) {
            if (opts.strictBrackets === true) {
              throw new SyntaxError(syntaxError("opening", "["));
            }
            push({ type: "text", value: value2, output: `\\${value2}` });
            continue;
          }
          decrement("brackets");
          const prevValue = prev.value.slice(1);
          if (prev.posix !== true && prevValue[0] === "^" && !prevValue.includes("/")) {
            value2 = `/${value2}`;
          }
          prev.value += value2;
          append({ value: value2 });
          if (opts.literalBrackets === false || utils.hasRegexChars(prevValue)) {
            continue;
          }
          const escaped = utils.escapeRegex(prev.value);
          state2.output = state2.output.slice(0, -prev.value.length);
          if (opts.literalBrackets === true) {
            state2.output += escaped;
            prev.value = escaped;
            continue;
          }
          prev.value = `(${capture}${escaped}|${prev.value})`;
          state2.output += prev.value;
          continue;
        }
        if (value2 === "{" && opts.nobrace !== true) {
          increment("braces");
          const open4 = {
            type: "brace",
            value: value2,
            output: "(",
            outputIndex: state2.output.length,
            tokensIndex: state2.tokens.length
          };
          braces.push(open4);
          push(open4);
          continue;
        }
        if (value2 === "}") {
          const brace = braces[braces.length - 1];
          if (opts.nobrace === true || !brace) {
            push({ type: "text", value: value2, output: value2 });
            continue;
          }
          let output = ")";
          if (brace.dots === true) {
            const arr = tokens.slice();
            const range = [];
            for (let i = arr.length - 1; i >= 0; i--) {
              tokens.pop();
              if (arr[i].type === "brace") {
                break;
              }
              if (arr[i].type !== "dots") {
                range.unshift(arr[i].value);
              }
            }
            output = expandRange(range, opts);
            state2.backtrack = true;
          }
          if (brace.comma !== true && brace.dots !== true) {
            const out = state2.output.slice(0, brace.outputIndex);
            const toks = state2.tokens.slice(brace.tokensIndex);
            brace.value = brace.output = "\\{";
            value2 = output = "\\}";
            state2.output = out;
            for (const t of toks) {
              state2.output += t.output || t.value;
            }
          }
          push({ type: "brace", value: value2, output });
          decrement("braces");
          braces.pop();
          continue;
        }
        if (value2 === "|") {
          if (extglobs.length > 0) {
            extglobs[extglobs.length - 1].conditions++;
          }
          push({ type: "text", value: value2 });
          continue;
        }
        if (value2 === ",") {
          let output = value2;
          const brace = braces[braces.length - 1];
          if (brace && stack[stack.length - 1] === "braces") {
            brace.comma = true;
            output = "|";
          }
          push({ type: "comma", value: value2, output });
          continue;
        }
        if (value2 === "/") {
          if (prev.type === "dot" && state2.index === state2.start + 1) {
            state2.start = state2.index + 1;
            state2.consumed = "";
            state2.output = "";
            tokens.pop();
            prev = bos;
            continue;
          }
          push({ type: "slash", value: value2, output: SLASH_LITERAL });
          continue;
        }
        if (value2 === ".") {
          if (state2.braces > 0 && prev.type === "dot") {
            if (prev.value === ".") prev.output = DOT_LITERAL;
            const brace = braces[braces.length - 1];
            prev.type = "dots";
            prev.output += value2;
            prev.value += value2;
            brace.dots = true;
            continue;
          }
          if (state2.braces + state2.parens === 0 && prev.type !== "bos" && prev.type !== "slash") {
            push({ type: "text", value: value2, output: DOT_LITERAL });
            continue;
          }
          push({ type: "dot", value: value2, output: DOT_LITERAL });
          continue;
        }
        if (value2 === "?") {
          const isGroup = prev && prev.value === "(";
          if (!isGroup && opts.noextglob !== true && peek() === "(" && peek(2) !== "?") {
            extglobOpen("qmark", value2);
            continue;
          }
          if (prev && prev.type === "paren") {
            const next = peek();
            let output = value2;
            if (prev.value === "(" && !/[!=<:]/.test(next) || next === "<" && !/<([!=]|\w+>)/.test(remaining())) {
              output = `\\${value2}`;
            }
            push({ type: "text", value: value2, output });
            continue;
          }
          if (opts.dot !== true && (prev.type === "slash" || prev.type === "bos")) {
            push({ type: "qmark", value: value2, output: QMARK_NO_DOT });
            continue;
          }
          push({ type: "qmark", value: value2, output: QMARK });
          continue;
        }
        if (value2 === "!") {
          if (opts.noextglob !== true && peek() === "(") {
            if (peek(2) !== "?" || !/[!=<:]/.test(peek(3))) {
              extglobOpen("negate", value2);
              continue;
            }
          }
          if (opts.nonegate !== true && state2.index === 0) {
            negate();
            continue;
          }
        }
        if (value2 === "+") {
          if (opts.noextglob !== true && peek() === "(" && peek(2) !== "?") {
            extglobOpen("plus", value2);
            continue;
          }
          if (prev && prev.value === "(" || opts.regex === false) {
            push({ type: "plus", value: value2, output: PLUS_LITERAL });
            continue;
          }
          if (prev && (prev.type === "bracket" || prev.type === "paren" || prev.type === "brace") || state2.parens > 0) {
            push({ type: "plus", value: value2 });
            continue;
          }
          push({ type: "plus", value: PLUS_LITERAL });
          continue;
        }
        if (value2 === "@") {
          if (opts.noextglob !== true && peek() === "(" && peek(2) !== "?") {
            push({ type: "at", extglob: true, value: value2, output: "" });
            continue;
          }
          push({ type: "text", value: value2 });
          continue;
        }
        if (value2 !== "*") {
          if (value2 === "$" || value2 === "^") {
            value2 = `\\${value2}`;
          }
          const match = REGEX_NON_SPECIAL_CHARS.exec(remaining());
          if (match) {
            value2 += match[0];
            state2.index += match[0].length;
          }
          push({ type: "text", value: value2 });
          continue;
        }
        if (prev && (prev.type === "globstar" || prev.star === true)) {
          prev.type = "star";
          prev.star = true;
          prev.value += value2;
          prev.output = star;
          state2.backtrack = true;
          state2.globstar = true;
          consume(value2);
          continue;
        }
        let rest = remaining();
        if (opts.noextglob !== true && /^\([^?]/.test(rest)) {
          extglobOpen("star", value2);
          continue;
        }
        if (prev.type === "star") {
          if (opts.noglobstar === true) {
            consume(value2);
            continue;
          }
          const prior = prev.prev;
          const before = prior.prev;
          const isStart = prior.type === "slash" || prior.type === "bos";
          const afterStar = before && (before.type === "star" || before.type === "globstar");
          if (opts.bash === true && (!isStart || rest[0] && rest[0] !== "/")) {
            push({ type: "star", value: value2, output: "" });
            continue;
          }
          const isBrace = state2.braces > 0 && (prior.type === "comma" || prior.type === "brace");
          const isExtglob = extglobs.length && (prior.type === "pipe" || prior.type === "paren");
          if (!isStart && prior.type !== "paren" && !isBrace && !isExtglob) {
            push({ type: "star", value: value2, output: "" });
            continue;
          }
          while (rest.slice(0, 3) === "/**") {
            const after = input[state2.index + 4];
            if (after && after !== "/") {
              break;
            }
            rest = rest.slice(3);
            consume("/**", 3);
          }
          const isEnd = eos() || state2.parens > 0 && rest === ")".repeat(state2.parens) && !extglobs.some((extglob) => extglob.type === "negate");
          if (prior.type === "bos" && eos()) {
            prev.type = "globstar";
            prev.value += value2;
            prev.output = globstar(opts);
            state2.output = prev.output;
            state2.globstar = true;
            consume(value2);
            continue;
          }
          if (prior.type === "slash" && prior.prev.type !== "bos" && !afterStar && isEnd) {
            state2.output = state2.output.slice(0, -(prior.output + prev.output).length);
            prior.output = `(?:${prior.output}`;
            prev.type = "globstar";
            prev.output = globstar(opts) + (opts.strictSlashes ? ")" : "|$)");
            prev.value += value2;
            state2.globstar = true;
            state2.output += prior.output + prev.output;
            consume(value2);
            continue;
          }
          if (prior.type === "slash" && prior.prev.type !== "bos" && rest[0] === "/") {
            const end = rest[1] !== void 0 ? "|$" : "";
            state2.output = state2.output.slice(0, -(prior.output + prev.output).length);
            prior.output = `(?:${prior.output}`;
            prev.type = "globstar";
            prev.output = `${globstar(opts)}${SLASH_LITERAL}|${SLASH_LITERAL}${end})`;
            prev.value += value2;
            state2.output += prior.output + prev.output;
            state2.globstar = true;
            consume(value2 + advance());
            push({ type: "slash", value: "/", output: "" });
            continue;
          }
          if (prior.type === "bos" && rest[0] === "/") {
            prev.type = "globstar";
            prev.value += value2;
            prev.output = `(?:^|${SLASH_LITERAL}|${globstar(opts)}${SLASH_LITERAL})`;
            state2.output = prev.output;
            state2.globstar = true;
            consume(value2 + advance());
            push({ type: "slash", value: "/", output: "" });
            continue;
          }
          state2.output = state2.output.slice(0, -prev.output.length);
          prev.type = "globstar";
          prev.output = globstar(opts);
          prev.value += value2;
          state2.output += prev.output;
          state2.globstar = true;
          consume(value2);
          continue;
        }
        const token = { type: "star", value: value2, output: star };
        if (opts.bash === true) {
          token.output = ".*?";
          if (prev.type === "bos" || prev.type === "slash") {
            token.output = nodot + token.output;
          }
          push(token);
          continue;
        }
        if (prev && (prev.type === "bracket" || prev.type === "paren") && opts.regex === true) {
          token.output = value2;
          push(token);
          continue;
        }
        if (state2.index === state2.start || prev.type === "slash" || prev.type === "dot") {
          if (prev.type === "dot") {
            state2.output += NO_DOT_SLASH;
            prev.output += NO_DOT_SLASH;
          } else if (opts.dot === true) {
            state2.output += NO_DOTS_SLASH;
            prev.output += NO_DOTS_SLASH;
          } else {
            state2.output += nodot;
            prev.output += nodot;
          }
          if (peek() !== "*") {
            state2.output += ONE_CHAR;
            prev.output += ONE_CHAR;
          }
        }
        push(token);
      }
      while (state2.brackets > 0) {
        if (opts.strictBrackets === true) throw new SyntaxError(syntaxError("closing", "]"));
        state2.output = utils.escapeLast(state2.output, "[");
        decrement("brackets");
      }
      while (state2.parens > 0) {
        if (opts.strictBrackets === true) throw new SyntaxError(syntaxError("closing", ")"));
        state2.output = utils.escapeLast(state2.output, "(");
        decrement("parens");
      }
      while (state2.braces > 0) {
        if (opts.strictBrackets === true) throw new SyntaxError(syntaxError("closing", "}"));
        state2.output = utils.escapeLast(state2.output, "{");
        decrement("braces");
      }
      if (opts.strictSlashes !== true && (prev.type === "star" || prev.type === "bracket")) {
        push({ type: "maybe_slash", value: "", output: `${SLASH_LITERAL}?` });
      }
      if (state2.backtrack === true) {
        state2.output = "";
        for (const token of state2.tokens) {
          state2.output += token.output != null ? token.output : token.value;
          if (token.suffix) {
            state2.output += token.suffix;
          }
        }
      }
      return state2;
    };
    parse4.fastpaths = (input, options) => {
      const opts = { ...options };
      const max = typeof opts.maxLength === "number" ? Math.min(MAX_LENGTH, opts.maxLength) : MAX_LENGTH;
      const len = input.length;
      if (len > max) {
        throw new SyntaxError(`Input length: ${len}, exceeds maximum allowed length: ${max}`);
      }
      input = REPLACEMENTS[input] || input;
      const {
        DOT_LITERAL,
        SLASH_LITERAL,
        ONE_CHAR,
        DOTS_SLASH,
        NO_DOT,
        NO_DOTS,
        NO_DOTS_SLASH,
        STAR,
        START_ANCHOR
      } = constants.globChars(opts.windows);
      const nodot = opts.dot ? NO_DOTS : NO_DOT;
      const slashDot = opts.dot ? NO_DOTS_SLASH : NO_DOT;
      const capture = opts.capture ? "" : "?:";
      const state2 = { negated: false, prefix: "" };
      let star = opts.bash === true ? ".*?" : STAR;
      if (opts.capture) {
        star = `(${star})`;
      }
      const globstar = (opts2) => {
        if (opts2.noglobstar === true) return star;
        return `(${capture}(?:(?!${START_ANCHOR}${opts2.dot ? DOTS_SLASH : DOT_LITERAL}).)*?)`;
      };
      const create = (str2) => {
        switch (str2) {
          case "*":
            return `${nodot}${ONE_CHAR}${star}`;
          case ".*":
            return `${DOT_LITERAL}${ONE_CHAR}${star}`;
          case "*.*":
            return `${nodot}${star}${DOT_LITERAL}${ONE_CHAR}${star}`;
          case "*/*":
            return `${nodot}${star}${SLASH_LITERAL}${ONE_CHAR}${slashDot}${star}`;
          case "**":
            return nodot + globstar(opts);
          case "**/*":
            return `(?:${nodot}${globstar(opts)}${SLASH_LITERAL})?${slashDot}${ONE_CHAR}${star}`;
          case "**/*.*":
            return `(?:${nodot}${globstar(opts)}${SLASH_LITERAL})?${slashDot}${star}${DOT_LITERAL}${ONE_CHAR}${star}`;
          case "**/.*":
            return `(?:${nodot}${globstar(opts)}${SLASH_LITERAL})?${DOT_LITERAL}${ONE_CHAR}${star}`;
          default: {
            const match = /^(.*?)\.(\w+)$/.exec(str2);
            if (!match) return;
            const source2 = create(match[1]);
            if (!source2) return;
            return source2 + DOT_LITERAL + match[2];
          }
        }
      };
      const output = utils.removePrefix(input, state2);
      let source = create(output);
      if (source && opts.strictSlashes !== true) {
        source += `${SLASH_LITERAL}?`;
      }
      return source;
    };
    module.exports = parse4;
  }
});

// node_modules/picomatch/lib/picomatch.js
var require_picomatch = __commonJS({
  "node_modules/picomatch/lib/picomatch.js"(exports, module) {
    "use strict";
    var scan2 = require_scan();
    var parse4 = require_parse2();
    var utils = require_utils();
    var constants = require_constants2();
    var isObject2 = (val) => val && typeof val === "object" && !Array.isArray(val);
    var picomatch10 = (glob, options, returnState = false) => {
      if (Array.isArray(glob)) {
        const fns = glob.map((input) => picomatch10(input, options, returnState));
        const arrayMatcher = (str2) => {
          for (const isMatch of fns) {
            const state3 = isMatch(str2);
            if (state3) return state3;
          }
          return false;
        };
        return arrayMatcher;
      }
      const isState = isObject2(glob) && glob.tokens && glob.input;
      if (glob === "" || typeof glob !== "string" && !isState) {
        throw new TypeError("Expected pattern to be a non-empty string");
      }
      const opts = options || {};
      const posix3 = opts.windows;
      const regex = isState ? picomatch10.compileRe(glob, options) : picomatch10.makeRe(glob, options, false, true);
      const state2 = regex.state;
      delete regex.state;
      let isIgnored = () => false;
      if (opts.ignore) {
        const ignoreOpts = { ...options, ignore: null, onMatch: null, onResult: null };
        isIgnored = picomatch10(opts.ignore, ignoreOpts, returnState);
      }
      const matcher = (input, returnObject = false) => {
        const { isMatch, match, output } = picomatch10.test(input, regex, options, { glob, posix: posix3 });
        const result = { glob, state: state2, regex, posix: posix3, input, output, match, isMatch };
        if (typeof opts.onResult === "function") {
          opts.onResult(result);
        }
        if (isMatch === false) {
          result.isMatch = false;
          return returnObject ? result : false;
        }
        if (isIgnored(input)) {
          if (typeof opts.onIgnore === "function") {
            opts.onIgnore(result);
          }
          result.isMatch = false;
          return returnObject ? result : false;
        }
        if (typeof opts.onMatch === "function") {
          opts.onMatch(result);
        }
        return returnObject ? result : true;
      };
      if (returnState) {
        matcher.state = state2;
      }
      return matcher;
    };
    picomatch10.test = (input, regex, options, { glob, posix: posix3 } = {}) => {
      if (typeof input !== "string") {
        throw new TypeError("Expected input to be a string");
      }
      if (input === "") {
        return { isMatch: false, output: "" };
      }
      const opts = options || {};
      const format = opts.format || (posix3 ? utils.toPosixSlashes : null);
      let match = input === glob;
      let output = match && format ? format(input) : input;
      if (match === false) {
        output = format ? format(input) : input;
        match = output === glob;
      }
      if (match === false || opts.capture === true) {
        if (opts.matchBase === true || opts.basename === true) {
          match = picomatch10.matchBase(input, regex, options, posix3);
        } else {
          match = regex.exec(output);
        }
      }
      return { isMatch: Boolean(match), match, output };
    };
    picomatch10.matchBase = (input, glob, options, posix3 = options && options.windows) => {
      const regex = glob instanceof RegExp ? glob : picomatch10.makeRe(glob, options);
      return regex.test(utils.basename(input, { windows: posix3 }));
    };
    picomatch10.isMatch = (str2, patterns, options) => picomatch10(patterns, options)(str2);
    picomatch10.parse = (pattern, options) => {
      if (Array.isArray(pattern)) return pattern.map((p) => picomatch10.parse(p, options));
      return parse4(pattern, { ...options, fastpaths: false });
    };
    picomatch10.scan = (input, options) => scan2(input, options);
    picomatch10.compileRe = (state2, options, returnOutput = false, returnState = false) => {
      if (returnOutput === true) {
        return state2.output;
      }
      const opts = options || {};
      const prepend = opts.contains ? "" : "^";
      const append = opts.contains ? "" : "$";
      let source = `${prepend}(?:${state2.output})${append}`;
      if (state2 && state2.negated === true) {
        source = `^(?!${source}).*$`;
      }
      const regex = picomatch10.toRegex(source, options);
      if (returnState === true) {
        regex.state = state2;
      }
      return regex;
    };
    picomatch10.makeRe = (input, options = {}, returnOutput = false, returnState = false) => {
      if (!input || typeof input !== "string") {
        throw new TypeError("Expected a non-empty string");
      }
      let parsed = { negated: false, fastpaths: true };
      if (options.fastpaths !== false && (input[0] === "." || input[0] === "*")) {
        parsed.output = parse4.fastpaths(input, options);
      }
      if (!parsed.output) {
        parsed = parse4(input, options);
      }
      return picomatch10.compileRe(parsed, options, returnOutput, returnState);
    };
    picomatch10.toRegex = (source, options) => {
      try {
        const opts = options || {};
        return new RegExp(source, opts.flags || (opts.nocase ? "i" : ""));
      } catch (err2) {
        if (options && options.debug === true) throw err2;
        return /$^/;
      }
    };
    picomatch10.constants = constants;
    module.exports = picomatch10;
  }
});

// node_modules/picomatch/index.js
var require_picomatch2 = __commonJS({
  "node_modules/picomatch/index.js"(exports, module) {
    "use strict";
    var pico = require_picomatch();
    var utils = require_utils();
    function picomatch10(glob, options, returnState = false) {
      if (options && (options.windows === null || options.windows === void 0)) {
        options = { ...options, windows: utils.isWindows() };
      }
      return pico(glob, options, returnState);
    }
    Object.assign(picomatch10, pico);
    module.exports = picomatch10;
  }
});

// src/catalog/lang/tree-paths.ts
function sortedPaths(tree) {
  let paths = sortedCache.get(tree);
  if (!paths) {
    paths = [...tree.entries.keys()].sort();
    sortedCache.set(tree, paths);
  }
  return paths;
}
function pathsUnder(tree, dir) {
  const paths = sortedPaths(tree);
  const prefix = dir === "" ? "" : `${dir}/`;
  let lo = 0;
  let hi = paths.length;
  while (lo < hi) {
    const mid = lo + hi >>> 1;
    if (paths[mid] < prefix) lo = mid + 1;
    else hi = mid;
  }
  const out = [];
  for (let i = lo; i < paths.length; i++) {
    const p = paths[i];
    if (!p.startsWith(prefix)) break;
    if (p !== dir) out.push(p);
  }
  return out;
}
function ownedFilesUnder(tree, dir, skip) {
  const out = [];
  const cut = dir === "" ? 0 : dir.length + 1;
  for (const path of pathsUnder(tree, dir)) {
    const entry = tree.entries.get(path);
    if (!entry || entry.type === "dir") continue;
    if (skip?.(path.slice(cut))) continue;
    out.push({ path });
  }
  return out;
}
function layerOf3(tree, path) {
  return tree.captured.get(path)?.layer ?? tree.entries.get(path)?.layer ?? 0;
}
function capturedMatching(ctx, globs2) {
  const isMatch = (0, import_picomatch.default)([...globs2], { dot: true });
  return ctx.capturedPaths().filter((p) => isMatch(p));
}
function dirname2(path) {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
}
function basename(path) {
  return path.slice(path.lastIndexOf("/") + 1);
}
function joinPath(base, relative) {
  const parts = relative.startsWith("/") ? [] : base.split("/").filter((s) => s !== "");
  for (const seg of relative.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (parts.length === 0) return void 0;
      parts.pop();
    } else parts.push(seg);
  }
  return parts.length === 0 ? void 0 : parts.join("/");
}
function uniqueFiles(lists) {
  const seen = /* @__PURE__ */ new Map();
  for (const list2 of lists) for (const f of list2) if (!seen.has(f.path)) seen.set(f.path, f);
  return [...seen.values()].sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}
var import_picomatch, sortedCache;
var init_tree_paths = __esm({
  "src/catalog/lang/tree-paths.ts"() {
    "use strict";
    import_picomatch = __toESM(require_picomatch2(), 1);
    sortedCache = /* @__PURE__ */ new WeakMap();
  }
});

// src/catalog/lang/composer.ts
function isRecord(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
function parseInstalledJson(text) {
  const doc = JSON.parse(text);
  let list2;
  const dev = /* @__PURE__ */ new Set();
  if (Array.isArray(doc)) list2 = doc;
  else if (isRecord(doc) && Array.isArray(doc.packages)) {
    list2 = doc.packages;
    if (Array.isArray(doc["dev-package-names"])) {
      for (const n2 of doc["dev-package-names"]) if (typeof n2 === "string") dev.add(n2);
    }
  } else throw new Error('neither a package array (Composer 1) nor an object with "packages" (Composer 2)');
  const packages = [];
  let skipped = 0;
  for (const item of list2) {
    if (!isRecord(item) || typeof item.name !== "string" || item.name === "" || typeof item.version !== "string" || item.version === "") {
      skipped++;
      continue;
    }
    const pkg = { name: item.name, version: item.version, dev: dev.has(item.name) };
    const licenses = Array.isArray(item.license) ? item.license.filter((l) => typeof l === "string") : typeof item.license === "string" ? [item.license] : [];
    if (licenses.length > 0) pkg.license = licenses.length === 1 ? licenses[0] : `(${licenses.join(" OR ")})`;
    if (typeof item["install-path"] === "string") pkg.installPath = item["install-path"];
    packages.push(pkg);
  }
  return { packages, skipped };
}
function catalogComposer(ctx) {
  const packages = [];
  const problems = [];
  for (const location of capturedMatching(ctx, composerGlobs)) {
    const content = ctx.read(location);
    if (!content) continue;
    const layer = layerOf3(ctx.tree, location);
    let parsed;
    try {
      parsed = parseInstalledJson(content.toString("utf8"));
    } catch (err2) {
      problems.push({
        code: "COMPOSER_INSTALLED_JSON_INVALID",
        path: location,
        layer,
        message: `unreadable installed.json: ${err2.message}`
      });
      continue;
    }
    if (parsed.skipped > 0) {
      problems.push({
        code: "COMPOSER_INSTALLED_JSON_INVALID",
        path: location,
        layer,
        message: `${parsed.skipped} package entr${parsed.skipped === 1 ? "y" : "ies"} without a name or version skipped`
      });
    }
    const composerDir = dirname2(location);
    const vendorDir = dirname2(composerDir);
    for (const p of parsed.packages) {
      const installDir = (p.installPath !== void 0 ? joinPath(composerDir, p.installPath) : void 0) ?? joinPath(vendorDir, p.name);
      const pkg = {
        ecosystem: "composer",
        name: p.name,
        version: p.version,
        location,
        layer,
        files: installDir === void 0 ? [] : ownedFilesUnder(ctx.tree, installDir)
      };
      if (p.license !== void 0) pkg.license = p.license;
      if (p.dev) pkg.metadata = { dev: "true" };
      packages.push(pkg);
    }
  }
  return { packages, problems };
}
var composerGlobs, composerCataloger;
var init_composer = __esm({
  "src/catalog/lang/composer.ts"() {
    "use strict";
    init_tree_paths();
    composerGlobs = ["**/vendor/composer/installed.json"];
    composerCataloger = {
      id: "composer",
      ecosystem: "composer",
      globs: composerGlobs,
      // Composer writes these itself on every install.
      stateGlobs: [
        "**/vendor/composer/installed.json",
        "**/vendor/composer/installed.php",
        "**/vendor/composer/autoload_*.php",
        "**/vendor/composer/platform_check.php",
        "**/vendor/composer/ClassLoader.php",
        "**/vendor/composer/InstalledVersions.php",
        "**/vendor/composer/LICENSE",
        "**/vendor/autoload.php"
      ],
      catalog: catalogComposer
    };
  }
});

// src/catalog/lang/gem.ts
function unquote2(body) {
  return body.replace(/\\(.)/g, (_m, c) => c === "n" ? "\n" : c === "t" ? "	" : c);
}
function assigned(text, field) {
  const re = new RegExp(`^\\s*\\w+\\.${field}\\s*=\\s*(.*)$`, "m");
  const m = re.exec(text);
  if (!m) return void 0;
  const rhs = m[1] ?? "";
  const out = [];
  const scope = rhs.startsWith("[") ? rhs.slice(0, Math.max(rhs.indexOf("]"), 0) + 1) : rhs;
  for (const lit of scope.matchAll(stringLiteral)) {
    out.push(unquote2(lit[1] ?? lit[2] ?? ""));
    if (!rhs.startsWith("[")) break;
  }
  return out;
}
function parseGemspec(text) {
  if (text.includes("\0")) throw new Error("binary content, not a gemspec");
  const stub = /^# stub: (\S+) (\S+) (\S+)/m.exec(text);
  const name = assigned(text, "name")?.[0] ?? stub?.[1];
  const version2 = assigned(text, "version")?.[0] ?? stub?.[2];
  if (!name || !version2) throw new Error(`no ${name ? "version" : "name"} assignment found`);
  const platform = assigned(text, "platform")?.[0] ?? (stub && stub[3] !== "ruby" ? stub[3] : void 0);
  const spec = {
    name,
    version: version2,
    licenses: assigned(text, "licenses") ?? assigned(text, "license") ?? [],
    executables: assigned(text, "executables") ?? []
  };
  if (platform !== void 0 && platform !== "ruby") spec.platform = platform;
  return spec;
}
function catalogGems(ctx) {
  const packages = [];
  const problems = [];
  for (const location of capturedMatching(ctx, gemGlobs)) {
    const content = ctx.read(location);
    if (!content) continue;
    const layer = layerOf3(ctx.tree, location);
    let spec;
    try {
      spec = parseGemspec(content.toString("utf8"));
    } catch (err2) {
      problems.push({
        code: "GEMSPEC_INVALID",
        path: location,
        layer,
        message: `unreadable gemspec: ${err2.message}`
      });
      continue;
    }
    const gemHome = dirname2(dirname2(location));
    const full = basename(location).slice(0, -".gemspec".length);
    const at = (rel) => gemHome === "" ? rel : `${gemHome}/${rel}`;
    const extras = [{ path: location }];
    for (const rel of [`cache/${full}.gem`, ...spec.executables.map((e) => `bin/${e}`)]) {
      const entry = ctx.tree.entries.get(at(rel));
      if (entry && entry.type !== "dir") extras.push({ path: at(rel) });
    }
    const extensions = pathsUnder(ctx.tree, at("extensions")).filter((p) => p.split("/").length === at("extensions").split("/").length + 3 && basename(p) === full).map((dir) => ownedFilesUnder(ctx.tree, dir));
    const pkg = {
      ecosystem: "gem",
      name: spec.name,
      version: spec.version,
      location,
      layer,
      files: uniqueFiles([ownedFilesUnder(ctx.tree, at(`gems/${full}`)), ...extensions, extras])
    };
    if (spec.licenses.length > 0) pkg.license = spec.licenses.join(" OR ");
    if (spec.platform !== void 0) pkg.arch = spec.platform;
    packages.push(pkg);
  }
  return { packages, problems };
}
var gemGlobs, stringLiteral, gemCataloger;
var init_gem = __esm({
  "src/catalog/lang/gem.ts"() {
    "use strict";
    init_tree_paths();
    gemGlobs = ["**/specifications/*.gemspec"];
    stringLiteral = /"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'/g;
    gemCataloger = {
      id: "gem",
      ecosystem: "gem",
      globs: gemGlobs,
      stateGlobs: [],
      catalog: catalogGems
    };
  }
});

// src/catalog/lang/go.ts
function isBuildInfo(v) {
  return typeof v === "object" && v !== null && Array.isArray(v.deps);
}
function packageOf(mod, info, location, layer, main2) {
  const metadata = {};
  if (info.goVersion) metadata.goVersion = info.goVersion;
  if (main2) metadata.mainModule = "true";
  if (mod.sum) metadata.sum = mod.sum;
  let version2 = mod.version;
  if (mod.replace) {
    metadata.replacedBy = mod.replace.version ? `${mod.replace.path} ${mod.replace.version}` : mod.replace.path;
    if (mod.replace.version && mod.replace.version !== "(devel)") version2 = mod.replace.version;
    if (mod.replace.sum) metadata.sum = mod.replace.sum;
  }
  return {
    ecosystem: "go",
    name: mod.path,
    version: version2 || "(devel)",
    location,
    layer,
    files: [{ path: location }],
    metadata
  };
}
function catalogGo(ctx) {
  const packages = [];
  const problems = [];
  const binaries = [...ctx.tree.entries.values()].filter((e) => e.probes?.[goBuildInfoProbeId] !== void 0).sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  for (const entry of binaries) {
    const info = entry.probes?.[goBuildInfoProbeId];
    if (!isBuildInfo(info)) {
      problems.push({
        code: "GO_BUILDINFO_INVALID",
        path: entry.path,
        layer: entry.layer,
        message: "Go build info result has an unexpected shape"
      });
      continue;
    }
    if (info.problem !== void 0) {
      problems.push({
        code: "GO_BUILDINFO_UNREADABLE",
        path: entry.path,
        layer: entry.layer,
        message: `Go binary: ${info.problem}`
      });
      continue;
    }
    if (info.main?.path) packages.push(packageOf(info.main, info, entry.path, entry.layer, true));
    for (const dep of info.deps)
      if (dep.path) packages.push(packageOf(dep, info, entry.path, entry.layer, false));
  }
  return { packages, problems };
}
var goBuildInfoProbeId, goCataloger;
var init_go = __esm({
  "src/catalog/lang/go.ts"() {
    "use strict";
    goBuildInfoProbeId = "go-buildinfo";
    goCataloger = {
      id: "go",
      ecosystem: "go",
      globs: [],
      stateGlobs: [],
      catalog: catalogGo
    };
  }
});

// src/catalog/lang/maven.ts
function isJarInfo(v) {
  return typeof v === "object" && v !== null && Array.isArray(v.poms);
}
function catalogMaven(ctx) {
  const packages = [];
  const problems = [];
  const archives = [...ctx.tree.entries.values()].filter((e) => e.probes?.[jarMavenProbeId] !== void 0).sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  for (const entry of archives) {
    const info = entry.probes?.[jarMavenProbeId];
    const base = { location: entry.path, layer: entry.layer };
    if (!isJarInfo(info)) {
      problems.push({
        code: "MAVEN_ARCHIVE_INVALID",
        path: entry.path,
        layer: entry.layer,
        message: "Java archive probe result has an unexpected shape"
      });
      continue;
    }
    for (const message of info.problems ?? []) {
      problems.push({
        code: "MAVEN_ARCHIVE_INVALID",
        path: entry.path,
        layer: entry.layer,
        message: `Java archive: ${message}`
      });
    }
    for (const pom of info.poms) {
      packages.push({
        ecosystem: "maven",
        name: `${pom.groupId}:${pom.artifactId}`,
        version: pom.version,
        ...base,
        files: [{ path: entry.path }],
        metadata: { groupId: pom.groupId, artifactId: pom.artifactId, pomProperties: pom.path }
      });
    }
    const m = info.manifest;
    if (info.poms.length === 0 && m) {
      const name = m.title && m.version ? m.title : m.bundleName && m.bundleVersion ? m.bundleName.split(";")[0]?.trim() : void 0;
      const version2 = m.title && m.version ? m.version : m.bundleVersion;
      if (name && version2) {
        const metadata = { source: "MANIFEST.MF" };
        if (m.vendor) metadata.vendor = m.vendor;
        packages.push({
          ecosystem: "maven",
          name,
          version: version2,
          ...base,
          files: [{ path: entry.path }],
          metadata
        });
      }
    }
  }
  return { packages, problems };
}
var jarMavenProbeId, mavenCataloger;
var init_maven = __esm({
  "src/catalog/lang/maven.ts"() {
    "use strict";
    jarMavenProbeId = "jar-maven";
    mavenCataloger = {
      id: "maven",
      ecosystem: "maven",
      globs: [],
      stateGlobs: [],
      catalog: catalogMaven
    };
  }
});

// src/catalog/lang/npm.ts
function parseNpmManifest(text) {
  const doc = JSON.parse(text);
  if (!isRecord2(doc)) throw new Error("package.json is not a JSON object");
  const { name, version: version2 } = doc;
  if (typeof name !== "string" || name === "" || typeof version2 !== "string" || version2 === "")
    return void 0;
  const license = licenseOf(doc);
  return license === void 0 ? { name, version: version2 } : { name, version: version2, license };
}
function licenseOf(doc) {
  const one = (v) => typeof v === "string" ? v : isRecord2(v) && typeof v.type === "string" ? v.type : void 0;
  const direct = one(doc.license);
  if (direct !== void 0) return direct;
  if (Array.isArray(doc.licenses)) {
    const all = doc.licenses.map(one).filter((s) => s !== void 0);
    if (all.length > 0) return all.length === 1 ? all[0] : `(${all.join(" OR ")})`;
  }
  return void 0;
}
function isRecord2(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
function inNestedModules(relative) {
  return relative === "node_modules" || relative.startsWith("node_modules/") || relative.includes("/node_modules/");
}
function nodeModulesOf(packageDir) {
  const parent = dirname2(packageDir);
  return basename(parent).startsWith("@") ? dirname2(parent) : parent;
}
function binLinks(tree, nodeModules) {
  const binDir = `${nodeModules}/.bin`;
  const out = [];
  for (const path of pathsUnder(tree, binDir)) {
    const entry = tree.entries.get(path);
    if (entry?.type !== "symlink" || entry.link === void 0) continue;
    const target = joinPath(dirname2(path), entry.link);
    if (target !== void 0) out.push([path, target]);
  }
  return out;
}
function catalogNpm(ctx) {
  const packages = [];
  const problems = [];
  const binCache = /* @__PURE__ */ new Map();
  for (const location of capturedMatching(ctx, npmGlobs)) {
    const layer = layerOf3(ctx.tree, location);
    const content = ctx.read(location);
    if (!content) continue;
    let manifest;
    try {
      manifest = parseNpmManifest(content.toString("utf8"));
    } catch (err2) {
      problems.push({
        code: "NPM_PACKAGE_JSON_INVALID",
        path: location,
        layer,
        message: `unreadable package.json: ${err2.message}`
      });
      continue;
    }
    if (!manifest) continue;
    const dir = dirname2(location);
    const nodeModules = nodeModulesOf(dir);
    let links = binCache.get(nodeModules);
    if (!links) {
      links = binLinks(ctx.tree, nodeModules);
      binCache.set(nodeModules, links);
    }
    const bins = links.filter(([, target]) => target.startsWith(`${dir}/`)).map(([path]) => ({ path }));
    const pkg = {
      ecosystem: "npm",
      name: manifest.name,
      version: manifest.version,
      location,
      layer,
      files: uniqueFiles([ownedFilesUnder(ctx.tree, dir, inNestedModules), bins])
    };
    if (manifest.license !== void 0) pkg.license = manifest.license;
    packages.push(pkg);
  }
  return { packages, problems };
}
var npmGlobs, npmCataloger;
var init_npm = __esm({
  "src/catalog/lang/npm.ts"() {
    "use strict";
    init_tree_paths();
    npmGlobs = ["**/node_modules/*/package.json", "**/node_modules/@*/*/package.json"];
    npmCataloger = {
      id: "npm",
      ecosystem: "npm",
      globs: npmGlobs,
      stateGlobs: [
        "**/node_modules/.package-lock.json",
        "**/node_modules/.yarn-integrity",
        "**/node_modules/.modules.yaml"
      ],
      catalog: catalogNpm
    };
  }
});

// src/catalog/lang/python-metadata.ts
function parseHeaders(text) {
  const headers = /* @__PURE__ */ new Map();
  let last;
  let lastIndex = -1;
  for (const raw of text.split(/\r?\n/)) {
    if (raw === "") break;
    if (/^[ \t]/.test(raw)) {
      if (last && lastIndex >= 0) last[lastIndex] = `${last[lastIndex] ?? ""}
${raw.trim()}`;
      continue;
    }
    const colon = raw.indexOf(":");
    if (colon <= 0) continue;
    const key = raw.slice(0, colon).trim().toLowerCase();
    const list2 = headers.get(key) ?? [];
    list2.push(raw.slice(colon + 1).trim());
    headers.set(key, list2);
    last = list2;
    lastIndex = list2.length - 1;
  }
  return headers;
}
function parsePythonMetadata(text) {
  if (text.includes("\0")) throw new Error("binary content, not a metadata file");
  const headers = parseHeaders(text);
  const name = headers.get("name")?.[0];
  const version2 = headers.get("version")?.[0];
  if (!name || !version2) throw new Error(`missing ${name ? "Version" : "Name"} header`);
  const license = licenseOf2(headers);
  return license === void 0 ? { name, version: version2 } : { name, version: version2, license };
}
function licenseOf2(headers) {
  const expression = headers.get("license-expression")?.[0];
  if (expression) return expression;
  const license = headers.get("license")?.[0];
  if (license && license !== "UNKNOWN" && !license.includes("\n") && license.length <= 100) return license;
  const fromClassifiers = (headers.get("classifier") ?? []).filter((c) => c.startsWith("License ::")).map((c) => c.split("::").pop()?.trim() ?? "").filter((c) => c !== "" && c !== "OSI Approved");
  return fromClassifiers.length > 0 ? fromClassifiers.join(" AND ") : void 0;
}
function splitCsvLine(line) {
  const fields = [];
  let i = 0;
  for (; ; ) {
    if (line[i] === '"') {
      let value2 = "";
      i++;
      for (; ; ) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new Error("unterminated quoted field");
        value2 += line.slice(i, q);
        if (line[q + 1] === '"') {
          value2 += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      fields.push(value2);
      if (i >= line.length) return fields;
      if (line[i] !== ",") throw new Error("text after a quoted field");
      i++;
    } else {
      const comma = line.indexOf(",", i);
      if (comma < 0) {
        fields.push(line.slice(i));
        return fields;
      }
      fields.push(line.slice(i, comma));
      i = comma + 1;
    }
  }
}
function parseRecord(text, siteDir) {
  const files = [];
  const rejected = [];
  for (const [n2, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === "") continue;
    let fields;
    try {
      fields = splitCsvLine(line);
    } catch (err2) {
      rejected.push(`line ${n2 + 1}: ${err2.message}`);
      continue;
    }
    const [rawPath = "", hash = ""] = fields;
    const path = rawPath === "" ? void 0 : joinPath(siteDir, rawPath);
    if (path === void 0) {
      rejected.push(`line ${n2 + 1}: path outside the image`);
      continue;
    }
    const file = { path };
    const eq = hash.indexOf("=");
    if (eq > 0) {
      const algorithm = hash.slice(0, eq).toLowerCase();
      const bytes = Buffer.from(hash.slice(eq + 1), "base64url");
      if (recordAlgorithms.get(algorithm) === bytes.length) {
        file.digest = { algorithm, value: bytes.toString("hex") };
      }
    }
    files.push(file);
  }
  return { files, rejected };
}
function parsePathList(text, baseDir) {
  const out = [];
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === "") continue;
    const path = joinPath(baseDir, trimmed);
    if (path !== void 0) out.push(path);
  }
  return out;
}
var recordAlgorithms;
var init_python_metadata = __esm({
  "src/catalog/lang/python-metadata.ts"() {
    "use strict";
    init_tree_paths();
    recordAlgorithms = /* @__PURE__ */ new Map([
      ["md5", 16],
      ["sha1", 20],
      ["sha256", 32],
      ["sha384", 48],
      ["sha512", 64]
    ]);
  }
});

// src/catalog/lang/python.ts
function catalogPython(ctx) {
  const packages = [];
  const problems = [];
  for (const location of capturedMatching(ctx, metadataGlobs)) {
    const content = ctx.read(location);
    if (!content) continue;
    const layer = layerOf3(ctx.tree, location);
    let meta;
    try {
      meta = parsePythonMetadata(content.toString("utf8"));
    } catch (err2) {
      problems.push({
        code: "PYTHON_METADATA_INVALID",
        path: location,
        layer,
        message: `unreadable Python package metadata: ${err2.message}`
      });
      continue;
    }
    const files = location.endsWith("/METADATA") ? distInfoFiles(ctx, dirname2(location), problems) : location.endsWith("/PKG-INFO") ? eggInfoFiles(ctx, dirname2(location)) : [{ path: location }];
    const pkg = {
      ecosystem: "python",
      name: meta.name,
      version: meta.version,
      location,
      layer,
      files
    };
    if (meta.license !== void 0) pkg.license = meta.license;
    packages.push(pkg);
  }
  return { packages, problems };
}
function distInfoFiles(ctx, distInfo, problems) {
  const own = ownedFilesUnder(ctx.tree, distInfo);
  const recordPath = `${distInfo}/RECORD`;
  const record = ctx.read(recordPath);
  if (!record) return own;
  const { files, rejected } = parseRecord(record.toString("utf8"), dirname2(distInfo));
  if (rejected.length > 0) {
    problems.push({
      code: "PYTHON_RECORD_INVALID",
      path: recordPath,
      layer: layerOf3(ctx.tree, recordPath),
      message: `${rejected.length} unusable RECORD line(s), first: ${rejected[0] ?? ""}`
    });
  }
  return uniqueFiles([files, own]);
}
function eggInfoFiles(ctx, eggInfo) {
  const own = ownedFilesUnder(ctx.tree, eggInfo);
  const installed = ctx.read(`${eggInfo}/installed-files.txt`);
  if (installed)
    return uniqueFiles([parsePathList(installed.toString("utf8"), eggInfo).map((path) => ({ path })), own]);
  const sources = ctx.read(`${eggInfo}/SOURCES.txt`);
  if (sources) {
    const existing = parsePathList(sources.toString("utf8"), dirname2(eggInfo)).filter((path) => {
      const type = ctx.tree.entries.get(path)?.type;
      return type !== void 0 && type !== "dir";
    }).map((path) => ({ path }));
    return uniqueFiles([existing, own]);
  }
  return own;
}
var pythonGlobs, metadataGlobs, pythonCataloger;
var init_python = __esm({
  "src/catalog/lang/python.ts"() {
    "use strict";
    init_python_metadata();
    init_tree_paths();
    pythonGlobs = [
      "**/*.dist-info/METADATA",
      "**/*.dist-info/RECORD",
      "**/*.egg-info/PKG-INFO",
      "**/*.egg-info/installed-files.txt",
      "**/*.egg-info/SOURCES.txt",
      "**/*.egg-info"
    ];
    metadataGlobs = ["**/*.dist-info/METADATA", "**/*.egg-info/PKG-INFO", "**/*.egg-info"];
    pythonCataloger = {
      id: "python",
      ecosystem: "python",
      globs: pythonGlobs,
      stateGlobs: [],
      catalog: catalogPython
    };
  }
});

// src/catalog/lang/index.ts
var langCatalogers, langProbes;
var init_lang = __esm({
  "src/catalog/lang/index.ts"() {
    "use strict";
    init_go_buildinfo();
    init_jar_maven();
    init_composer();
    init_gem();
    init_go();
    init_maven();
    init_npm();
    init_python();
    langCatalogers = [
      npmCataloger,
      pythonCataloger,
      gemCataloger,
      composerCataloger,
      goCataloger,
      mavenCataloger
    ];
    langProbes = [goBuildInfoProbe, jarMavenProbe];
  }
});

// src/catalog/probes/file-digests.ts
import { createHash as createHash5 } from "node:crypto";
function createFileDigestsProbe(options = {}) {
  const max = options.maxFileBytes ?? DEFAULT_FILE_DIGESTS_MAX_BYTES;
  return {
    id: FILE_DIGESTS_PROBE_ID,
    // The cap is part of what the results mean, so it is part of the cache key.
    version: 1 * 1e9 + max,
    matches: (_path, size2) => size2 > 0 && size2 <= max,
    start: () => new FileDigestsRun()
  };
}
var FILE_DIGESTS_PROBE_ID, DEFAULT_FILE_DIGESTS_MAX_BYTES, EMPTY_FILE_DIGESTS, FileDigestsRun, fileDigestsProbe;
var init_file_digests = __esm({
  "src/catalog/probes/file-digests.ts"() {
    "use strict";
    FILE_DIGESTS_PROBE_ID = "file-digests";
    DEFAULT_FILE_DIGESTS_MAX_BYTES = 1024 * 1024;
    EMPTY_FILE_DIGESTS = {
      md5: "d41d8cd98f00b204e9800998ecf8427e",
      sha1: "da39a3ee5e6b4b0d3255bfef95601890afd80709"
    };
    FileDigestsRun = class {
      md5 = createHash5("md5");
      sha1 = createHash5("sha1");
      write(chunk) {
        this.md5.update(chunk);
        this.sha1.update(chunk);
      }
      end() {
        return { md5: this.md5.digest("hex"), sha1: this.sha1.digest("hex") };
      }
    };
    fileDigestsProbe = createFileDigestsProbe();
  }
});

// src/policy/secret-patterns.ts
function matches(pattern, text) {
  const reject = pattern.reject;
  if (reject === void 0) return pattern.regex.test(text);
  for (const m of text.matchAll(pattern.regex)) if (!reject(m[0])) return true;
  return false;
}
var NEWLINE, PEM_HEADER, isExample, PATTERNS, ANCHORS, GCP_TYPE, GCP_KEY, SECRET_PATTERN_WINDOW, SecretScanner;
var init_secret_patterns = __esm({
  "src/policy/secret-patterns.ts"() {
    "use strict";
    NEWLINE = String.raw`(?:\r?\n|(?:\\r)?\\n)`;
    PEM_HEADER = String.raw`(?:[A-Za-z][A-Za-z-]*: ?[^\r\n\\]*${NEWLINE})*`;
    isExample = (m) => /EXAMPLE/.test(m);
    PATTERNS = [
      {
        kind: "private-key",
        regex: new RegExp(
          String.raw`-----BEGIN (?:RSA |DSA |EC |OPENSSH |ENCRYPTED |PGP |SSH2 ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----` + String.raw`[ \t]*${NEWLINE}${PEM_HEADER}(?:[ \t]*${NEWLINE})?[ \t]*[A-Za-z0-9+/]{32}`
        )
      },
      { kind: "aws-access-key", regex: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, reject: isExample },
      {
        kind: "aws-secret-key",
        regex: /aws_?secret_?access_?key["']?\s*[=:]\s*["']?[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/gi,
        reject: isExample
      },
      { kind: "github-token", regex: /\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{60,})\b/ },
      { kind: "slack-token", regex: /\bxox[abposr]-[0-9]{6,}-[A-Za-z0-9-]{10,}/ },
      {
        kind: "slack-webhook",
        regex: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]{6,}\/B[A-Z0-9]{6,}\/[A-Za-z0-9]{20,}/
      },
      {
        kind: "npm-token",
        // `_authToken=${NPM_TOKEN}` reads the environment at run time: not a secret in the file.
        regex: /^[ \t]*(?:\/\/[^\s=]*:)?_(?:authToken|auth|password)[ \t]*=[ \t]*(?!\$\{)\S/m,
        path: /(?:^|\/)\.?npmrc$/
      },
      {
        kind: "docker-registry-auth",
        regex: /"(?:auth|identitytoken)"\s*:\s*"[A-Za-z0-9+/=_.-]{8,}"/,
        path: /(?:^|\/)(?:\.docker\/config\.json|containers\/auth\.json|\.dockercfg)$/
      },
      { kind: "pypi-password", regex: /^[ \t]*password[ \t]*[=:][ \t]*\S/m, path: /(?:^|\/)\.pypirc$/ }
    ];
    ANCHORS = /PRIVATE KEY|A[KS]IA[A-Z0-9]{16}|[Ss][Ee][Cc][Rr][Ee][Tt]_?[Aa][Cc][Cc][Ee][Ss][Ss]|gh[pousr]_[A-Za-z0-9]{36}|github_pat_|xox[abposr]-|hooks\.slack\.com|"service_account"|"private_key"/;
    GCP_TYPE = /"type"\s*:\s*"service_account"/;
    GCP_KEY = /"private_key"\s*:\s*"-----BEGIN/;
    SECRET_PATTERN_WINDOW = 512;
    SecretScanner = class {
      patterns;
      found = /* @__PURE__ */ new Set();
      gcpType = false;
      gcpKey = false;
      constructor(path) {
        this.patterns = PATTERNS.filter((p) => p.path === void 0 || p.path.test(path));
      }
      /** Look at a piece of text (latin1: one char per byte, so offsets and lengths match the bytes). */
      scan(text) {
        const anchored = ANCHORS.test(text);
        for (const pattern of this.patterns) {
          if (!anchored && pattern.path === void 0) continue;
          if (this.found.has(pattern.kind)) continue;
          if (matches(pattern, text)) this.found.add(pattern.kind);
        }
        if (!anchored) return;
        this.gcpType ||= GCP_TYPE.test(text);
        this.gcpKey ||= GCP_KEY.test(text);
        if (this.gcpType && this.gcpKey) this.found.add("gcp-service-account");
      }
      kinds() {
        return [...this.found].sort();
      }
    };
  }
});

// src/policy/secrets-probe.ts
function createSecretsProbe(options = {}) {
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_SECRETS_MAX_FILE_BYTES;
  return {
    id: SECRETS_PROBE_ID,
    version: 1,
    matches: (_path, size2) => size2 > 0 && size2 <= maxFileBytes,
    start: (path) => new SecretsRun(path, maxFileBytes)
  };
}
function secretKindsOf(probes) {
  const found = probes?.[SECRETS_PROBE_ID];
  if (typeof found !== "object" || found === null) return [];
  const kinds = found.kinds;
  return Array.isArray(kinds) ? kinds.filter((k) => typeof k === "string") : [];
}
var SECRETS_PROBE_ID, DEFAULT_SECRETS_MAX_FILE_BYTES, SecretsRun;
var init_secrets_probe = __esm({
  "src/policy/secrets-probe.ts"() {
    "use strict";
    init_secret_patterns();
    SECRETS_PROBE_ID = "secrets";
    DEFAULT_SECRETS_MAX_FILE_BYTES = 1024 * 1024;
    SecretsRun = class {
      constructor(path, maxBytes) {
        this.maxBytes = maxBytes;
        this.scanner = new SecretScanner(path);
      }
      maxBytes;
      scanner;
      tail = "";
      seen = 0;
      write(chunk) {
        if (this.seen >= this.maxBytes) return;
        const piece = chunk.subarray(0, this.maxBytes - this.seen);
        this.seen += piece.length;
        const text = this.tail + piece.toString("latin1");
        this.scanner.scan(text);
        this.tail = text.slice(-SECRET_PATTERN_WINDOW);
      }
      end() {
        const kinds = this.scanner.kinds();
        return kinds.length > 0 ? { kinds } : void 0;
      }
    };
  }
});

// src/catalog/registry.ts
function defaultProbes(options = {}) {
  return [
    fileDigestsProbe,
    ...langProbes,
    createSecretsProbe({ maxFileBytes: options.secretsMaxFileBytes ?? DEFAULT_SECRETS_MAX_FILE_BYTES })
  ];
}
function defaultCaptureSpec(options = {}) {
  const globs2 = new Set(OS_RELEASE_GLOBS);
  for (const c of options.catalogers ?? defaultCatalogers) for (const g of c.globs) globs2.add(g);
  return {
    globs: [...globs2].sort(),
    maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_CAPTURE_BYTES,
    probes: defaultProbes(options)
  };
}
var defaultCatalogers, DEFAULT_MAX_CAPTURE_BYTES;
var init_registry2 = __esm({
  "src/catalog/registry.ts"() {
    "use strict";
    init_dpkg();
    init_apk();
    init_rpm();
    init_os_release();
    init_lang();
    init_file_digests();
    init_secrets_probe();
    defaultCatalogers = [dpkgCataloger, apkCataloger, rpmCataloger, ...langCatalogers];
    DEFAULT_MAX_CAPTURE_BYTES = 256 * 1024 * 1024;
  }
});

// src/image/oci-archive.ts
async function openOciArchiveTar(tar2, reference, tag, options) {
  const store = new TarBlobStore(tar2);
  try {
    return await openLayoutImage(store, { ...options, reference, transport: "oci-archive", ...tag !== void 0 ? { tag } : {} });
  } catch (err2) {
    await store.close();
    throw err2;
  }
}
var TarBlobStore, OciArchiveSource;
var init_oci_archive = __esm({
  "src/image/oci-archive.ts"() {
    "use strict";
    init_blob_store();
    init_layout_image();
    init_local_reference();
    init_tar_file();
    TarBlobStore = class {
      constructor(tar2) {
        this.tar = tar2;
        this.location = tar2.path;
      }
      tar;
      location;
      readFile(name, maxBytes) {
        if (!this.tar.has(name)) return Promise.resolve(void 0);
        return this.tar.readMember(name, maxBytes);
      }
      blobSize(digest) {
        return Promise.resolve(this.tar.member(blobPath(digest))?.size);
      }
      readBlob(digest, maxBytes) {
        if (!this.tar.has(blobPath(digest))) return Promise.reject(blobNotFound(this, digest));
        return this.tar.readMember(blobPath(digest), maxBytes);
      }
      openBlob(digest) {
        if (!this.tar.has(blobPath(digest))) return Promise.reject(blobNotFound(this, digest));
        return Promise.resolve(this.tar.openMember(blobPath(digest)));
      }
      close() {
        return this.tar.close();
      }
    };
    OciArchiveSource = class {
      constructor(sourceOptions = {}) {
        this.sourceOptions = sourceOptions;
      }
      sourceOptions;
      transport = "oci-archive";
      async open(reference, options) {
        const { path, selector } = await splitLocalReference(reference.replace(/^oci-archive:/, ""));
        const tar2 = await TarFile.open(path);
        return openOciArchiveTar(tar2, reference, selector, { ...options, ...this.sourceOptions });
      }
    };
  }
});

// src/image/oci-layout.ts
import { createReadStream as createReadStream2 } from "node:fs";
import { open as open2, stat as stat3 } from "node:fs/promises";
import { join as join4 } from "node:path";
async function readCapped(path, maxBytes, subject, tooLargeCode) {
  let handle;
  try {
    handle = await open2(path, "r");
  } catch (err2) {
    if (err2.code === "ENOENT") return void 0;
    throw new ImageChangelogError("IMAGE_NOT_FOUND", `cannot read ${path}: ${err2.code ?? err2.message}`, {
      subject: path
    });
  }
  try {
    const size2 = (await handle.stat()).size;
    if (size2 > maxBytes) throw new ImageChangelogError(tooLargeCode, `${subject}: ${size2} bytes is over the ${maxBytes}-byte limit`, { subject });
    const buf = Buffer.alloc(size2);
    const { bytesRead } = await handle.read(buf, 0, size2, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
var DirectoryBlobStore, OciLayoutSource;
var init_oci_layout = __esm({
  "src/image/oci-layout.ts"() {
    "use strict";
    init_errors();
    init_blob_store();
    init_layout_image();
    init_local_reference();
    DirectoryBlobStore = class {
      constructor(location) {
        this.location = location;
      }
      location;
      readFile(name, maxBytes) {
        return readCapped(join4(this.location, name), maxBytes, `${this.location} ${name}`, "MANIFEST_TOO_LARGE");
      }
      async blobSize(digest) {
        try {
          const s = await stat3(join4(this.location, blobPath(digest)));
          return s.isFile() ? s.size : void 0;
        } catch {
          return void 0;
        }
      }
      async readBlob(digest, maxBytes) {
        const bytes = await readCapped(join4(this.location, blobPath(digest)), maxBytes, `${this.location} ${digest}`, "MANIFEST_TOO_LARGE");
        if (!bytes) throw blobNotFound(this, digest);
        return bytes;
      }
      async openBlob(digest) {
        const path = join4(this.location, blobPath(digest));
        if (await this.blobSize(digest) === void 0) throw blobNotFound(this, digest);
        return createReadStream2(path);
      }
      close() {
        return Promise.resolve();
      }
    };
    OciLayoutSource = class {
      constructor(sourceOptions = {}) {
        this.sourceOptions = sourceOptions;
      }
      sourceOptions;
      transport = "oci";
      async open(reference, options) {
        const { path, selector } = await splitLocalReference(reference.replace(/^oci:/, ""));
        let isDir;
        try {
          isDir = (await stat3(path)).isDirectory();
        } catch {
          throw new ImageChangelogError("IMAGE_NOT_FOUND", `no OCI layout directory at ${path}`, { subject: reference });
        }
        if (!isDir) {
          throw new ImageChangelogError("IMAGE_NOT_FOUND", `${path} is not a directory; an archive needs oci-archive:${path}`, { subject: reference });
        }
        return openLayoutImage(new DirectoryBlobStore(path), {
          ...options,
          reference,
          transport: "oci",
          ...selector !== void 0 ? { tag: selector } : {},
          ...this.sourceOptions.host ? { host: this.sourceOptions.host } : {}
        });
      }
    };
  }
});

// src/image/open.ts
import { stat as stat4 } from "node:fs/promises";
import { join as join5 } from "node:path";
function parseTransport(reference) {
  for (const [prefix, transport] of PREFIXES) {
    if (reference.startsWith(prefix)) return { transport, rest: reference.slice(prefix.length) };
  }
  return { rest: reference };
}
function notFound(reference, why) {
  return new ImageChangelogError("IMAGE_NOT_FOUND", `cannot open image "${reference}": ${why}`, { subject: reference, hint: ACCEPTED });
}
async function openBarePath(reference, options, host) {
  const s = await stat4(reference);
  const local = { ...options, ...host ? { host } : {} };
  if (s.isDirectory()) {
    try {
      await stat4(join5(reference, "oci-layout"));
    } catch {
      throw notFound(reference, "the directory is not an OCI image layout (no oci-layout file)");
    }
    const image = await new OciLayoutSource(host ? { host } : {}).open(`oci:${reference}`, options);
    image.reference = reference;
    return image;
  }
  const tar2 = await TarFile.open(reference);
  if (tar2.has("manifest.json")) return openDockerArchiveTar(tar2, reference, void 0, local);
  if (tar2.has("oci-layout") && tar2.has("index.json")) return openOciArchiveTar(tar2, reference, void 0, local);
  await tar2.close();
  throw notFound(reference, "the file is a tar but neither a docker-archive (manifest.json) nor an oci-archive (oci-layout, index.json)");
}
async function pathExists(path) {
  try {
    await stat4(path);
    return true;
  } catch {
    return false;
  }
}
async function openImage(reference, options = {}) {
  const { extraSources = [], host, ...rest } = options;
  const openOptions = rest.platform ? { platform: rest.platform } : {};
  const local = host ? { host } : {};
  const { transport } = parseTransport(reference);
  const extra = (t) => extraSources.find((s) => s.transport === t);
  switch (transport) {
    case "oci":
      return new OciLayoutSource(local).open(reference, openOptions);
    case "oci-archive":
      return new OciArchiveSource(local).open(reference, openOptions);
    case "docker-archive":
      return new DockerArchiveSource(local).open(reference, openOptions);
    case "docker":
    case "docker-daemon":
    case "registry": {
      const source = extra(transport) ?? (transport === "registry" ? extra("docker") : void 0);
      if (!source) throw notFound(reference, `no ${transport === "docker-daemon" ? "Docker daemon" : "registry"} source is available here`);
      return source.open(reference, openOptions);
    }
    default:
      break;
  }
  if (await pathExists(reference)) return openBarePath(reference, openOptions, host);
  const looksLikePath = /^(\.{0,2}\/|~)/.test(reference) || /\.(tar|tgz|tar\.gz)$/i.test(reference);
  if (looksLikePath) throw notFound(reference, "no such file or directory");
  const registry = extra("docker");
  if (registry && REGISTRY_NAME.test(reference)) return registry.open(reference, openOptions);
  throw notFound(reference, registry ? "not a path nor a valid image name" : "no such file or directory, and no registry source is available here");
}
var PREFIXES, ACCEPTED, REGISTRY_NAME;
var init_open = __esm({
  "src/image/open.ts"() {
    "use strict";
    init_errors();
    init_docker_archive();
    init_oci_archive();
    init_oci_layout();
    init_tar_file();
    PREFIXES = [
      ["oci-archive:", "oci-archive"],
      ["oci:", "oci"],
      ["docker-archive:", "docker-archive"],
      ["docker-daemon:", "docker-daemon"],
      ["docker://", "docker"],
      ["registry:", "registry"]
    ];
    ACCEPTED = "expected oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:NAME:TAG], an existing layout directory or archive file, docker://NAME[:TAG][@DIGEST], docker-daemon:NAME[:TAG], or a registry name";
    REGISTRY_NAME = /^(?:[a-zA-Z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
  }
});

// src/diff/default-excludes.ts
var DEFAULT_EXCLUDES;
var init_default_excludes = __esm({
  "src/diff/default-excludes.ts"() {
    "use strict";
    DEFAULT_EXCLUDES = [
      // Package manager and tool caches: downloaded indexes and archives, rebuilt from the network.
      "var/cache/**",
      // apt's downloaded package lists (`apt-get update`): a snapshot of the archive, not of the image.
      "var/lib/apt/lists/**",
      // Logs written while the image was built (dpkg.log, apt/history.log, dnf.log, ...).
      "var/log/**",
      // Scratch space: build leftovers whose names and contents vary from run to run.
      "tmp/**",
      "var/tmp/**",
      // Runtime state (pid files, sockets, locks) left by build steps; tmpfs when the container runs.
      "run/**",
      "var/run/**",
      // Regenerated by ldconfig after every library install: a binary index of the libraries present.
      "etc/ld.so.cache",
      // Random per build when systemd-machine-id-setup or dbus ran during the build.
      "etc/machine-id",
      "var/lib/dbus/machine-id",
      // Backup copies the shadow utilities write next to the real files (the real files are still compared).
      "etc/passwd-",
      "etc/group-",
      "etc/shadow-",
      "etc/gshadow-",
      "etc/subuid-",
      "etc/subgid-",
      // Lock file the shadow utilities create (empty).
      "etc/.pwd.lock",
      // Python bytecode: embeds source timestamps, regenerated by every install.
      "**/*.pyc",
      "**/__pycache__/**",
      // rpm build-id links (debug lookup by ELF build id): follow the binaries, which are compared themselves.
      "usr/lib/.build-id/**",
      // Per-user caches of pip, npm, yarn, go and friends left in home directories by build steps.
      "root/.cache/**",
      "home/*/.cache/**",
      "**/.npm/_cacache/**",
      "**/.npm/_logs/**"
    ];
  }
});

// src/diff/excludes.ts
function excludeGlobs(options) {
  return [...options.defaultExcludes ? DEFAULT_EXCLUDES : [], ...options.exclude];
}
function excludeMatcher(options) {
  const globs2 = excludeGlobs(options).map((g) => g.trim().replace(/^\/+/, "")).filter((g) => g !== "");
  if (globs2.length === 0) return () => false;
  return (0, import_picomatch2.default)(globs2, { dot: true });
}
var import_picomatch2;
var init_excludes = __esm({
  "src/diff/excludes.ts"() {
    "use strict";
    import_picomatch2 = __toESM(require_picomatch2(), 1);
    init_default_excludes();
  }
});

// src/diff/files.ts
function diffFiles(before, after) {
  const old = new Map(before.map((f) => [f.path, f]));
  const now = new Map(after.map((f) => [f.path, f]));
  const oldParents = parents(before);
  const newParents = parents(after);
  const out = [];
  for (const [path, b] of old) {
    if (now.has(path)) continue;
    if (b.type === "dir" && oldParents.has(path)) continue;
    out.push(attribute({ path, kind: "removed", aspects: [], before: state(b) }, b));
  }
  for (const [path, a] of now) {
    const b = old.get(path);
    if (b === void 0) {
      if (a.type === "dir" && newParents.has(path)) continue;
      out.push(attribute({ path, kind: "added", aspects: [], after: state(a) }, a));
      continue;
    }
    const aspects = compareEntries(b, a);
    if (aspects.length === 0) continue;
    const modified = aspects.some((x) => x === "content" || x === "type" || x === "link");
    out.push(
      attribute({ path, kind: modified ? "modified" : "metadata", aspects, before: state(b), after: state(a) }, a)
    );
  }
  return out.sort((x, y) => x.path < y.path ? -1 : x.path > y.path ? 1 : 0);
}
function parents(files) {
  const set = /* @__PURE__ */ new Set();
  for (const f of files) {
    const i = f.path.lastIndexOf("/");
    if (i > 0) set.add(f.path.slice(0, i));
  }
  return set;
}
function kindOf(type) {
  return type === "hardlink" ? "file" : type;
}
function compareEntries(b, a) {
  const aspects = [];
  const type = kindOf(a.type);
  if (kindOf(b.type) !== type) aspects.push("type");
  else if (type === "file") {
    if ((b.sha256 ?? "") !== (a.sha256 ?? "")) aspects.push("content");
  } else if (type === "symlink") {
    if ((b.link ?? "") !== (a.link ?? "")) aspects.push("link");
  } else if ((type === "char" || type === "block") && (b.devmajor !== a.devmajor || b.devminor !== a.devminor)) {
    aspects.push("type");
  }
  if (type === "file" && b.size !== a.size) aspects.push("size");
  if (type !== "symlink" && (b.mode & 4095) !== (a.mode & 4095)) aspects.push("mode");
  if (b.uid !== a.uid) aspects.push("uid");
  if (b.gid !== a.gid) aspects.push("gid");
  return aspects;
}
function state(f) {
  const s = { type: f.type, mode: f.mode, uid: f.uid, gid: f.gid, size: f.size, layer: f.layer };
  if (f.sha256 !== void 0) s.sha256 = f.sha256;
  if (f.link !== void 0) s.link = f.link;
  return s;
}
function attribute(change2, entry) {
  const c = { ...change2, owners: [...entry.owners ?? []].sort(), ownership: entry.ownership };
  if (change2.after !== void 0 && entry.modifiedAfterInstall === true) c.modifiedAfterInstall = true;
  return c;
}
var init_files = __esm({
  "src/diff/files.ts"() {
    "use strict";
  }
});

// src/catalog/versions/scheme.ts
function sign(n2) {
  return n2 < 0 ? -1 : n2 > 0 ? 1 : 0;
}
function compareDigits(a, b) {
  const x = a.replace(/^0+/, "");
  const y = b.replace(/^0+/, "");
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}
function compareStrings(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}
function leadingNumbers(version2) {
  const m = /^\d+(?:\.\d+)*/.exec(version2);
  return m ? m[0].split(".") : void 0;
}
function classifyBump(a, b) {
  const na = leadingNumbers(a);
  const nb = leadingNumbers(b);
  if (!na || !nb) return "other";
  for (const [i, kind] of [[0, "major"], [1, "minor"]]) {
    if (compareDigits(na[i] ?? "0", nb[i] ?? "0") !== 0) return kind;
  }
  return "patch";
}
var init_scheme = __esm({
  "src/catalog/versions/scheme.ts"() {
    "use strict";
  }
});

// src/catalog/versions/apk.ts
function compareSameKind(a, b) {
  switch (a.kind) {
    case 1 /* Digit */:
      if (a.text.startsWith("0") || b.text.startsWith("0")) return compareStrings(a.text, b.text);
      return compareDigits(a.text, b.text);
    case 0 /* InitialDigit */:
    case 4 /* SuffixNo */:
    case 6 /* RevisionNo */:
      return compareDigits(a.text, b.text);
    case 3 /* Suffix */:
      return compareDigits(String(a.suffix ?? 0), String(b.suffix ?? 0));
    default:
      return compareStrings(a.text, b.text);
  }
}
function compareApkVersions(a, b) {
  const ra = new Tokenizer(a.trim());
  const rb2 = new Tokenizer(b.trim());
  let ta = ra.first();
  let tb = rb2.first();
  while (ta.kind === tb.kind && ta.kind < 7 /* End */) {
    const rc = compareSameKind(ta, tb);
    if (rc !== 0) return rc;
    ta = ra.next();
    tb = rb2.next();
  }
  if (ta.kind === tb.kind) return 0;
  if (ta.kind === 3 /* Suffix */ && (ta.suffix ?? 0) < SUFFIX_NONE) return -1;
  if (tb.kind === 3 /* Suffix */ && (tb.suffix ?? 0) < SUFFIX_NONE) return 1;
  return ta.kind > tb.kind ? -1 : 1;
}
function apkUpstream(version2) {
  return version2.trim().replace(/-r\d+$/, "");
}
function apkBump(a, b) {
  if (compareApkVersions(a, b) === 0) return void 0;
  const ua = apkUpstream(a);
  const ub = apkUpstream(b);
  if (compareApkVersions(ua, ub) === 0) return "patch";
  return classifyBump(ua, ub);
}
var SUFFIX_RANK, SUFFIX_NONE, isDigit, isLower, isHex, Tokenizer, apkVersionScheme;
var init_apk2 = __esm({
  "src/catalog/versions/apk.ts"() {
    "use strict";
    init_scheme();
    SUFFIX_RANK = { alpha: 0, beta: 1, pre: 2, rc: 3, cvs: 5, svn: 6, git: 7, hg: 8, p: 9 };
    SUFFIX_NONE = 4;
    isDigit = (c) => c >= "0" && c <= "9";
    isLower = (c) => c >= "a" && c <= "z";
    isHex = (c) => isDigit(c) || c >= "a" && c <= "f" || c >= "A" && c <= "F";
    Tokenizer = class {
      constructor(s) {
        this.s = s;
      }
      s;
      at = 0;
      kind = 0 /* InitialDigit */;
      run(accept) {
        const start = this.at;
        while (this.at < this.s.length && accept(this.s.charAt(this.at))) this.at++;
        return this.s.slice(start, this.at);
      }
      digits(kind) {
        const text = this.run(isDigit);
        return this.set(text === "" ? 8 /* Invalid */ : kind, text);
      }
      set(kind, text, suffix) {
        this.kind = kind;
        return suffix === void 0 ? { kind, text } : { kind, text, suffix };
      }
      first() {
        return this.digits(0 /* InitialDigit */);
      }
      next() {
        const prev = this.kind;
        if (this.at >= this.s.length) return this.set(7 /* End */, "");
        const c = this.s.charAt(this.at);
        if (isLower(c)) {
          if (prev > 1 /* Digit */) return this.set(8 /* Invalid */, "");
          this.at++;
          return this.set(2 /* Letter */, c);
        }
        if (c === "." || isDigit(c)) {
          if (c === ".") {
            if (prev > 1 /* Digit */) return this.set(8 /* Invalid */, "");
            this.at++;
          }
          if (prev === 0 /* InitialDigit */ || prev === 1 /* Digit */) return this.digits(1 /* Digit */);
          if (prev === 3 /* Suffix */) return this.digits(4 /* SuffixNo */);
          return this.set(8 /* Invalid */, "");
        }
        if (c === "_") {
          if (prev > 4 /* SuffixNo */) return this.set(8 /* Invalid */, "");
          this.at++;
          const word = this.run(isLower);
          const rank = SUFFIX_RANK[word];
          if (rank === void 0) return this.set(8 /* Invalid */, "");
          return this.set(3 /* Suffix */, word, rank);
        }
        if (c === "~") {
          if (prev >= 5 /* CommitHash */) return this.set(8 /* Invalid */, "");
          this.at++;
          const hash = this.run(isHex);
          return this.set(hash === "" ? 8 /* Invalid */ : 5 /* CommitHash */, hash);
        }
        if (c === "-" && this.s.charAt(this.at + 1) === "r" && prev < 6 /* RevisionNo */) {
          this.at += 2;
          return this.digits(6 /* RevisionNo */);
        }
        return this.set(8 /* Invalid */, "");
      }
    };
    apkVersionScheme = { id: "apk", compare: compareApkVersions, bump: apkBump };
  }
});

// src/catalog/versions/dpkg.ts
function parseDpkgVersion(version2) {
  let rest = version2.trim();
  let epoch = "0";
  const colon = rest.indexOf(":");
  if (colon > 0 && /^\d+$/.test(rest.slice(0, colon))) {
    epoch = rest.slice(0, colon);
    rest = rest.slice(colon + 1);
  }
  const dash = rest.lastIndexOf("-");
  if (dash < 0) return { epoch, upstream: rest, revision: "" };
  return { epoch, upstream: rest.slice(0, dash), revision: rest.slice(dash + 1) };
}
function weight(c) {
  if (Number.isNaN(c) || isDigit2(c)) return 0;
  if (isLetter(c)) return c;
  if (c === 126) return -1;
  return c + 256;
}
function compareDpkgPart(a, b) {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (i < a.length && !isDigit2(a.charCodeAt(i)) || j < b.length && !isDigit2(b.charCodeAt(j))) {
      const wa = weight(a.charCodeAt(i));
      const wb = weight(b.charCodeAt(j));
      if (wa !== wb) return sign(wa - wb);
      i++;
      j++;
    }
    const startA = i;
    const startB = j;
    while (isDigit2(a.charCodeAt(i))) i++;
    while (isDigit2(b.charCodeAt(j))) j++;
    const byNumber = compareDigits(a.slice(startA, i), b.slice(startB, j));
    if (byNumber !== 0) return byNumber;
  }
  return 0;
}
function compareDpkgVersions(a, b) {
  const va = parseDpkgVersion(a);
  const vb = parseDpkgVersion(b);
  return compareDigits(va.epoch, vb.epoch) || compareDpkgPart(va.upstream, vb.upstream) || compareDpkgPart(va.revision, vb.revision);
}
function dpkgBump(a, b) {
  if (compareDpkgVersions(a, b) === 0) return void 0;
  const va = parseDpkgVersion(a);
  const vb = parseDpkgVersion(b);
  if (compareDigits(va.epoch, vb.epoch) !== 0) return "other";
  if (compareDpkgPart(va.upstream, vb.upstream) === 0) return "patch";
  return classifyBump(va.upstream, vb.upstream);
}
var isDigit2, isLetter, dpkgVersionScheme;
var init_dpkg2 = __esm({
  "src/catalog/versions/dpkg.ts"() {
    "use strict";
    init_scheme();
    isDigit2 = (c) => c >= 48 && c <= 57;
    isLetter = (c) => c >= 65 && c <= 90 || c >= 97 && c <= 122;
    dpkgVersionScheme = { id: "dpkg", compare: compareDpkgVersions, bump: dpkgBump };
  }
});

// src/catalog/versions/loose.ts
function items(version2) {
  const out = [];
  let numbers = [];
  const flushNumbers = () => {
    while (numbers.length > 0 && /^0*$/.test(numbers[numbers.length - 1] ?? "")) numbers.pop();
    for (const n2 of numbers) out.push({ num: n2 });
    numbers = [];
  };
  for (const m of version2.toLowerCase().matchAll(/\d+|[a-z]+/g)) {
    const run = m[0];
    if (/^\d/.test(run)) numbers.push(run);
    else {
      flushNumbers();
      out.push({ word: run });
    }
  }
  flushNumbers();
  return out;
}
function classOf(item, ranks) {
  if (item === void 0) return [1, 0];
  if ("num" in item) return [4, 0];
  const rank = ranks(item.word);
  if (rank === void 0) return [3, 0];
  if (rank < 0) return [0, rank];
  if (rank === 0) return [1, 0];
  return [2, rank];
}
function compareLooseBy(ranks, a, b) {
  if (a === b) return 0;
  const ia = items(a);
  const ib = items(b);
  for (let i = 0; i < Math.max(ia.length, ib.length); i++) {
    const x = ia[i];
    const y = ib[i];
    const [cx, rx] = classOf(x, ranks);
    const [cy, ry] = classOf(y, ranks);
    if (cx !== cy) return cx < cy ? -1 : 1;
    if (rx !== ry) return rx < ry ? -1 : 1;
    if (x && y && "num" in x && "num" in y) {
      const rc = compareDigits(x.num, y.num);
      if (rc !== 0) return rc;
    } else if (cx === 3 && x && y && "word" in x && "word" in y) {
      const rc = compareStrings(x.word, y.word);
      if (rc !== 0) return rc;
    }
  }
  return compareStrings(a, b);
}
function compareLoose(a, b) {
  return compareLooseBy(genericWordRanks, a, b);
}
function looseBump(a, b) {
  if (a === b) return void 0;
  return classifyBump(stripV(a), stripV(b));
}
var GENERIC_RANKS, genericWordRanks, stripV, composerVersionScheme, looseVersionScheme;
var init_loose = __esm({
  "src/catalog/versions/loose.ts"() {
    "use strict";
    init_scheme();
    GENERIC_RANKS = {
      dev: -6,
      alpha: -5,
      a: -5,
      beta: -4,
      b: -4,
      milestone: -3,
      m: -3,
      rc: -2,
      cr: -2,
      c: -2,
      pre: -2,
      preview: -2,
      snapshot: -1,
      final: 0,
      ga: 0,
      release: 0,
      stable: 0,
      p: 1,
      pl: 1,
      patch: 1,
      post: 1,
      rev: 1,
      r: 1,
      sp: 1
    };
    genericWordRanks = (word) => GENERIC_RANKS[word];
    stripV = (v) => v.trim().replace(/^v(?=\d)/i, "");
    composerVersionScheme = {
      id: "composer",
      compare: (a, b) => compareLoose(stripV(a), stripV(b)) || compareStrings(a, b),
      bump: looseBump
    };
    looseVersionScheme = { id: "loose", compare: compareLoose, bump: looseBump };
  }
});

// src/catalog/versions/go.ts
function parse2(v) {
  const m = /^v(\d+)(?:\.(\d+))?$/.exec(v.trim());
  if (m) return import_semver2.default.parse(`${m[1]}.${m[2] ?? "0"}.0`);
  if (!v.trim().startsWith("v")) return null;
  return import_semver2.default.parse(v.trim().slice(1));
}
function compareGoVersions(a, b) {
  const pa = parse2(a);
  const pb = parse2(b);
  if (pa && !pb) return 1;
  if (!pa && pb) return -1;
  if (!pa || !pb) return compareLoose(a, b);
  return sign(import_semver2.default.compare(pa, pb));
}
function goBump(a, b) {
  if (compareGoVersions(a, b) === 0) return void 0;
  const pa = parse2(a);
  const pb = parse2(b);
  if (!pa || !pb) return "other";
  return classifyBump(`${pa.major}.${pa.minor}.${pa.patch}`, `${pb.major}.${pb.minor}.${pb.patch}`);
}
var import_semver2, goVersionScheme;
var init_go2 = __esm({
  "src/catalog/versions/go.ts"() {
    "use strict";
    import_semver2 = __toESM(require_semver2(), 1);
    init_loose();
    init_scheme();
    goVersionScheme = { id: "go", compare: compareGoVersions, bump: goBump };
  }
});

// src/catalog/versions/maven.ts
var MAVEN_RANKS, mavenWordRanks, mavenVersionScheme;
var init_maven2 = __esm({
  "src/catalog/versions/maven.ts"() {
    "use strict";
    init_loose();
    MAVEN_RANKS = {
      alpha: -5,
      a: -5,
      beta: -4,
      b: -4,
      milestone: -3,
      m: -3,
      rc: -2,
      cr: -2,
      snapshot: -1,
      ga: 0,
      final: 0,
      release: 0,
      sp: 1
    };
    mavenWordRanks = (word) => MAVEN_RANKS[word];
    mavenVersionScheme = {
      id: "maven",
      compare: (a, b) => compareLooseBy(mavenWordRanks, a.trim(), b.trim()),
      bump: looseBump
    };
  }
});

// src/catalog/versions/pep440.ts
function parsePep440(version2) {
  const text = version2.trim().toLowerCase();
  if (text.length > 256) return void 0;
  const m = PATTERN.exec(text);
  if (!m) return void 0;
  const [, epoch, release, preLabel, preNumber, postImplicit, postLabel, postNumber, devLabel, devNumber, local] = m;
  const out = { epoch: epoch ?? "0", release: (release ?? "0").split(".") };
  if (preLabel !== void 0) out.pre = [PRE_RANK[preLabel] ?? 0, preNumber ?? "0"];
  if (postImplicit !== void 0) out.post = postImplicit;
  else if (postLabel !== void 0) out.post = postNumber ?? "0";
  if (devLabel !== void 0) out.dev = devNumber ?? "0";
  if (local !== void 0) out.local = local.split(/[-_.]/);
  return out;
}
function compareRelease(a, b) {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const rc = compareDigits(a[i] ?? "0", b[i] ?? "0");
    if (rc !== 0) return rc;
  }
  return 0;
}
function preKey(v) {
  if (v.pre) return [1, v.pre[0], v.pre[1]];
  if (v.post === void 0 && v.dev !== void 0) return [0, 0, "0"];
  return [2, 0, "0"];
}
function compareLocal(a, b) {
  if (!a || !b) return a ? 1 : b ? -1 : 0;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === void 0 || y === void 0) return x === void 0 ? -1 : 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    const rc = nx && ny ? compareDigits(x, y) : nx !== ny ? nx ? 1 : -1 : compareStrings(x, y);
    if (rc !== 0) return rc;
  }
  return 0;
}
function comparePep440Parsed(a, b) {
  const byEpoch = compareDigits(a.epoch, b.epoch);
  if (byEpoch !== 0) return byEpoch;
  const byRelease = compareRelease(a.release, b.release);
  if (byRelease !== 0) return byRelease;
  const [pa, ra, na] = preKey(a);
  const [pb, rb2, nb] = preKey(b);
  const byPre = sign(pa - pb) || sign(ra - rb2) || compareDigits(na, nb);
  if (byPre !== 0) return byPre;
  if (a.post !== b.post) {
    if (a.post === void 0 || b.post === void 0) return a.post === void 0 ? -1 : 1;
    const rc = compareDigits(a.post, b.post);
    if (rc !== 0) return rc;
  }
  if (a.dev !== b.dev) {
    if (a.dev === void 0 || b.dev === void 0) return a.dev === void 0 ? 1 : -1;
    const rc = compareDigits(a.dev, b.dev);
    if (rc !== 0) return rc;
  }
  return compareLocal(a.local, b.local);
}
function comparePep440(a, b) {
  const pa = parsePep440(a);
  const pb = parsePep440(b);
  if (pa && !pb) return 1;
  if (!pa && pb) return -1;
  if (!pa || !pb) return compareLoose(a, b);
  return comparePep440Parsed(pa, pb);
}
function pep440Bump(a, b) {
  if (comparePep440(a, b) === 0) return void 0;
  const pa = parsePep440(a);
  const pb = parsePep440(b);
  if (!pa || !pb) return classifyBump(a.trim(), b.trim());
  if (compareDigits(pa.epoch, pb.epoch) !== 0) return "other";
  return classifyBump(pa.release.join("."), pb.release.join("."));
}
var PATTERN, PRE_RANK, pep440VersionScheme;
var init_pep440 = __esm({
  "src/catalog/versions/pep440.ts"() {
    "use strict";
    init_loose();
    init_scheme();
    PATTERN = /^v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?(\d+)?)?(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d+)?)?(?:[-_.]?(dev)[-_.]?(\d+)?)?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$/;
    PRE_RANK = { a: 0, alpha: 0, b: 1, beta: 1, c: 2, rc: 2, pre: 2, preview: 2 };
    pep440VersionScheme = { id: "pep440", compare: comparePep440, bump: pep440Bump };
  }
});

// src/catalog/versions/rpm.ts
function parseRpmVersion(evr) {
  let rest = evr.trim();
  const out = { version: "" };
  const colon = rest.indexOf(":");
  if (colon >= 0) {
    out.epoch = rest.slice(0, colon);
    rest = rest.slice(colon + 1);
  }
  const dash = rest.lastIndexOf("-");
  if (dash >= 0) {
    out.release = rest.slice(dash + 1);
    rest = rest.slice(0, dash);
  }
  out.version = rest;
  return out;
}
function rpmvercmp(a, b) {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  for (; ; ) {
    while (i < a.length && isSeparator(a.charAt(i))) i++;
    while (j < b.length && isSeparator(b.charAt(j))) j++;
    const ca = a.charAt(i);
    const cb = b.charAt(j);
    if (ca === "~" || cb === "~") {
      if (ca !== "~") return 1;
      if (cb !== "~") return -1;
      i++;
      j++;
      continue;
    }
    if (ca === "^" || cb === "^") {
      if (ca === "") return -1;
      if (cb === "") return 1;
      if (ca !== "^") return 1;
      if (cb !== "^") return -1;
      i++;
      j++;
      continue;
    }
    if (ca === "" || cb === "") break;
    const numeric = isDigit3(ca);
    const inSegment = numeric ? isDigit3 : isAlpha;
    const startA = i;
    const startB = j;
    while (i < a.length && inSegment(a.charAt(i))) i++;
    while (j < b.length && inSegment(b.charAt(j))) j++;
    if (j === startB) return numeric ? 1 : -1;
    const segA = a.slice(startA, i);
    const segB = b.slice(startB, j);
    const rc = numeric ? compareDigits(segA, segB) : compareStrings(segA, segB);
    if (rc !== 0) return rc;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i < a.length ? 1 : -1;
}
function compareRpmVersions(a, b) {
  const va = parseRpmVersion(a);
  const vb = parseRpmVersion(b);
  const byEpoch = rpmvercmp(va.epoch || "0", vb.epoch || "0");
  if (byEpoch !== 0) return byEpoch;
  const byVersion = rpmvercmp(va.version, vb.version);
  if (byVersion !== 0) return byVersion;
  return rpmvercmp(va.release ?? "", vb.release ?? "");
}
function rpmBump(a, b) {
  if (compareRpmVersions(a, b) === 0) return void 0;
  const va = parseRpmVersion(a);
  const vb = parseRpmVersion(b);
  if (rpmvercmp(va.epoch || "0", vb.epoch || "0") !== 0) return "other";
  if (rpmvercmp(va.version, vb.version) === 0) return "patch";
  return classifyBump(va.version, vb.version);
}
var isDigit3, isAlpha, isSeparator, rpmVersionScheme;
var init_rpm2 = __esm({
  "src/catalog/versions/rpm.ts"() {
    "use strict";
    init_scheme();
    isDigit3 = (c) => c >= "0" && c <= "9";
    isAlpha = (c) => c >= "a" && c <= "z" || c >= "A" && c <= "Z";
    isSeparator = (c) => !isDigit3(c) && !isAlpha(c) && c !== "~" && c !== "^";
    rpmVersionScheme = { id: "rpm", compare: compareRpmVersions, bump: rpmBump };
  }
});

// src/catalog/versions/rubygems.ts
function gemSegments(version2) {
  const text = version2.trim();
  if (text.length > 256 || !VALID.test(text)) return void 0;
  const all = [];
  for (const m of text.replace(/-/g, ".pre.").matchAll(/[0-9]+|[a-z]+/gi)) {
    all.push(/^\d/.test(m[0]) ? m[0].replace(/^0+(?=\d)/, "") : m[0]);
  }
  const firstWord = all.findIndex((s) => typeof s === "string" && /^[a-z]/i.test(s));
  const release = firstWord < 0 ? all : all.slice(0, firstWord);
  const pre = firstWord < 0 ? [] : all.slice(firstWord);
  const trim = (xs) => {
    const out = [...xs];
    while (out.length > 0 && out[out.length - 1] === "0") out.pop();
    return out;
  };
  return [...trim(release), ...trim(pre)];
}
function compareGemVersions(a, b) {
  const sa = gemSegments(a);
  const sb = gemSegments(b);
  if (sa && !sb) return 1;
  if (!sa && sb) return -1;
  if (!sa || !sb) return compareLoose(a, b);
  for (let i = 0; i < Math.max(sa.length, sb.length); i++) {
    const x = sa[i] ?? "0";
    const y = sb[i] ?? "0";
    if (x === y) continue;
    const wx = isWord(x);
    const wy = isWord(y);
    if (wx !== wy) return wx ? -1 : 1;
    return wx ? compareStrings(String(x), String(y)) : compareDigits(String(x), String(y));
  }
  return 0;
}
function gemBump(a, b) {
  if (compareGemVersions(a, b) === 0) return void 0;
  return classifyBump(a.trim(), b.trim());
}
var VALID, isWord, rubygemsVersionScheme;
var init_rubygems = __esm({
  "src/catalog/versions/rubygems.ts"() {
    "use strict";
    init_loose();
    init_scheme();
    VALID = /^[0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;
    isWord = (s) => /^[a-z]/i.test(String(s));
    rubygemsVersionScheme = { id: "rubygems", compare: compareGemVersions, bump: gemBump };
  }
});

// src/catalog/versions/semver.ts
function compareSemver(a, b) {
  const pa = parse3(a);
  const pb = parse3(b);
  if (pa && !pb) return 1;
  if (!pa && pb) return -1;
  if (!pa || !pb) return compareLoose(a, b);
  return sign(import_semver3.default.compareBuild(pa, pb)) || compareStrings(a, b);
}
function semverBump(a, b) {
  if (compareSemver(a, b) === 0) return void 0;
  const pa = parse3(a);
  const pb = parse3(b);
  if (!pa || !pb) return classifyBump(a.trim(), b.trim());
  return classifyBump(`${pa.major}.${pa.minor}.${pa.patch}`, `${pb.major}.${pb.minor}.${pb.patch}`);
}
var import_semver3, parse3, semverVersionScheme;
var init_semver = __esm({
  "src/catalog/versions/semver.ts"() {
    "use strict";
    import_semver3 = __toESM(require_semver2(), 1);
    init_loose();
    init_scheme();
    parse3 = (v) => import_semver3.default.parse(v.trim(), { loose: true });
    semverVersionScheme = { id: "semver", compare: compareSemver, bump: semverBump };
  }
});

// src/catalog/versions/index.ts
function versionScheme(ecosystem) {
  return SCHEMES[ecosystem] ?? looseVersionScheme;
}
function compareVersions(ecosystem, a, b) {
  return versionScheme(ecosystem).compare(a, b);
}
function versionBump(ecosystem, a, b) {
  return versionScheme(ecosystem).bump(a, b);
}
var SCHEMES;
var init_versions = __esm({
  "src/catalog/versions/index.ts"() {
    "use strict";
    init_apk2();
    init_dpkg2();
    init_go2();
    init_loose();
    init_maven2();
    init_pep440();
    init_rpm2();
    init_rubygems();
    init_semver();
    SCHEMES = {
      dpkg: dpkgVersionScheme,
      rpm: rpmVersionScheme,
      apk: apkVersionScheme,
      npm: semverVersionScheme,
      python: pep440VersionScheme,
      gem: rubygemsVersionScheme,
      composer: composerVersionScheme,
      go: goVersionScheme,
      maven: mavenVersionScheme
    };
  }
});

// src/diff/packages.ts
function locationKey(pkg) {
  if (OS_ECOSYSTEMS.has(pkg.ecosystem)) return "";
  return pkg.version === "" ? pkg.location : pkg.location.split(pkg.version).join("\0v");
}
function packageIdentity(pkg, withArch = true) {
  return [pkg.ecosystem, pkg.name, withArch ? pkg.arch ?? "" : "", locationKey(pkg)].join("");
}
function ownerKey(pkg) {
  return `${pkg.ecosystem}:${pkg.name}`;
}
function ref(pkg) {
  return pkg.source ? { version: pkg.version, source: { ...pkg.source } } : { version: pkg.version };
}
function isRebuilt(a, b) {
  for (const key of BUILD_IDENTITY_KEYS) {
    const x = a.metadata?.[key];
    const y = b.metadata?.[key];
    if (x !== void 0 && y !== void 0 && x !== y) return true;
  }
  const files = (p) => p.files.filter((f) => f.obsolete !== true);
  const before = new Map(files(a).map((f) => [f.path, f.digest]));
  const after = files(b);
  if (before.size !== new Set(after.map((f) => f.path)).size) return true;
  for (const f of after) {
    if (!before.has(f.path)) return true;
    const old = before.get(f.path);
    if (old && f.digest && old.algorithm === f.digest.algorithm && old.value !== f.digest.value) return true;
  }
  return false;
}
function change(kind, before, after) {
  const base = after ?? before;
  const c = { kind, ecosystem: base.ecosystem, name: base.name, location: base.location, fileChanges: 0 };
  if (base.arch !== void 0) c.arch = base.arch;
  if (before) c.before = ref(before);
  if (after) c.after = ref(after);
  return c;
}
function compare2(before, after) {
  const order = before.version === after.version ? 0 : compareVersions(after.ecosystem, before.version, after.version);
  if (order === 0) return isRebuilt(before, after) || before.arch !== after.arch ? change("rebuilt", before, after) : void 0;
  const c = change(order < 0 ? "upgraded" : "downgraded", before, after);
  const bump = versionBump(after.ecosystem, before.version, after.version);
  if (bump !== void 0) c.bump = bump;
  return c;
}
function groupBy(pkgs, key) {
  const groups = /* @__PURE__ */ new Map();
  for (const p of pkgs) {
    const k = key(p);
    const g = groups.get(k);
    if (g) g.push(p);
    else groups.set(k, [p]);
  }
  return groups;
}
function pairUp(before, after, out) {
  const left = [...before];
  const right = [];
  for (const a of after) {
    const i = left.findIndex((b) => b.version === a.version);
    if (i < 0) right.push(a);
    else {
      const c = compare2(left[i], a);
      if (c) out.push(c);
      left.splice(i, 1);
    }
  }
  const byVersion = (x, y) => compareVersions(x.ecosystem, x.version, y.version);
  left.sort(byVersion);
  right.sort(byVersion);
  const n2 = Math.min(left.length, right.length);
  for (let i = 0; i < n2; i++) {
    const c = compare2(left[i], right[i]);
    if (c) out.push(c);
  }
  return { removed: left.slice(n2), added: right.slice(n2) };
}
function diffPackages(before, after) {
  const out = [];
  const b = groupBy(before, (p) => packageIdentity(p));
  const a = groupBy(after, (p) => packageIdentity(p));
  const removed = [];
  const added = [];
  for (const key of /* @__PURE__ */ new Set([...b.keys(), ...a.keys()])) {
    const rest = pairUp(b.get(key) ?? [], a.get(key) ?? [], out);
    removed.push(...rest.removed);
    added.push(...rest.added);
  }
  const rb2 = groupBy(removed, (p) => packageIdentity(p, false));
  const ra = groupBy(added, (p) => packageIdentity(p, false));
  for (const [key, olds] of rb2) {
    const news = ra.get(key);
    if (olds.length === 1 && news?.length === 1) {
      const c = compare2(olds[0], news[0]);
      if (c) out.push(c);
      rb2.delete(key);
      ra.delete(key);
    }
  }
  for (const olds of rb2.values()) for (const p of olds) out.push(change("removed", p, void 0));
  for (const news of ra.values()) for (const p of news) out.push(change("added", void 0, p));
  return out.sort(comparePackageChanges);
}
function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}
function comparePackageChanges(x, y) {
  return cmp(x.ecosystem, y.ecosystem) || cmp(x.name, y.name) || cmp(x.arch ?? "", y.arch ?? "") || cmp(x.location, y.location) || cmp(x.before?.version ?? "", y.before?.version ?? "") || cmp(x.after?.version ?? "", y.after?.version ?? "");
}
var OS_ECOSYSTEMS, BUILD_IDENTITY_KEYS;
var init_packages = __esm({
  "src/diff/packages.ts"() {
    "use strict";
    init_versions();
    OS_ECOSYSTEMS = /* @__PURE__ */ new Set(["dpkg", "apk", "rpm"]);
    BUILD_IDENTITY_KEYS = ["checksum", "debSha256"];
  }
});

// src/diff/rollup.ts
function rollupKey(path, depth) {
  if (depth === "all") return path;
  const dirs = path.split("/").slice(0, -1);
  const n2 = Math.max(0, Math.floor(depth));
  return n2 === 0 || dirs.length === 0 ? ROOT_ROW : dirs.slice(0, n2).join("/");
}
function rollUp(changes, depth) {
  const rows = /* @__PURE__ */ new Map();
  for (const c of changes) {
    const key = rollupKey(c.path, depth);
    let row = rows.get(key);
    if (!row) rows.set(key, row = { path: key, added: 0, removed: 0, modified: 0 });
    if (c.kind === "added") row.added++;
    else if (c.kind === "removed") row.removed++;
    else row.modified++;
  }
  return [...rows.values()].sort((x, y) => x.path < y.path ? -1 : x.path > y.path ? 1 : 0);
}
var ROOT_ROW;
var init_rollup = __esm({
  "src/diff/rollup.ts"() {
    "use strict";
    ROOT_ROW = "/";
  }
});

// src/diff/secret-keys.ts
function isSecretKey(name) {
  const upper = name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
  if (NEVER_SECRET.has(upper)) return false;
  const words2 = upper.split(/[^A-Z0-9]+/).filter((w) => w !== "");
  if (words2.length === 0) return false;
  if (PLACE_WORDS.has(words2[words2.length - 1])) return false;
  return words2.some((w) => SECRET_STEMS.test(w) || SECRET_WORDS.has(w));
}
function redactUrlCredentials(value2) {
  return value2.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s@/]+@/gi, `$1:${REDACTED}@`);
}
var REDACTED, SECRET_STEMS, SECRET_WORDS, PLACE_WORDS, NEVER_SECRET;
var init_secret_keys = __esm({
  "src/diff/secret-keys.ts"() {
    "use strict";
    REDACTED = "(redacted)";
    SECRET_STEMS = /PASS|SECRET|TOKEN|KEY|CREDENTIAL|AUTH|PRIVATE|SIGNATURE|SESSION|COOKIE|SALT/;
    SECRET_WORDS = /* @__PURE__ */ new Set(["PWD", "PW", "CERT", "DSN"]);
    PLACE_WORDS = /* @__PURE__ */ new Set(["PATH", "PATHS", "FILE", "FILES", "DIR", "DIRS", "HOME", "LOCATION"]);
    NEVER_SECRET = /* @__PURE__ */ new Set(["PATH", "PWD", "OLDPWD", "KEYBOARD", "XKB_DEFAULT_KEYMAP", "PASSENGER_APP_ENV"]);
  }
});

// src/diff/settings.ts
function list(value2) {
  return value2 && value2.length > 0 ? JSON.stringify(value2) : void 0;
}
function seconds(ns) {
  return ns === void 0 || ns === 0 ? void 0 : `${ns / 1e9}s`;
}
function healthcheck(h) {
  if (!h || !h.Test || h.Test.length === 0) return void 0;
  const [kind, ...args] = h.Test;
  const test = kind === "CMD-SHELL" ? `CMD-SHELL ${args.join(" ")}` : kind === "CMD" ? `CMD ${JSON.stringify(args)}` : h.Test.join(" ");
  const extras = [
    ["interval", seconds(h.Interval)],
    ["timeout", seconds(h.Timeout)],
    ["start-period", seconds(h.StartPeriod)],
    ["start-interval", seconds(h.StartInterval)],
    ["retries", h.Retries ? String(h.Retries) : void 0]
  ].filter(([, v]) => v !== void 0).map(([k, v]) => `${k} ${v}`);
  return extras.length > 0 ? `${test} (${extras.join(", ")})` : test;
}
function describeOs(os) {
  if (!os) return void 0;
  return os.prettyName ?? (os.versionId ? `${os.id} ${os.versionId}` : os.id);
}
function secretAware(key, value2) {
  if (isSecretKey(key)) return { value: REDACTED, raw: value2, redacted: true };
  const safe2 = redactUrlCredentials(value2);
  return safe2 === value2 ? { value: value2, raw: value2 } : { value: safe2, raw: value2, redacted: true };
}
function imageSettings(inv) {
  const out = /* @__PURE__ */ new Map();
  const put = (key, value2) => {
    if (value2 !== void 0 && value2 !== "") out.set(key, { value: value2, raw: value2 });
  };
  const c = inv.config.config ?? {};
  put("user", c.User);
  put("entrypoint", list(c.Entrypoint));
  put("cmd", list(c.Cmd));
  put("workdir", c.WorkingDir);
  put("shell", list(c.Shell));
  put("onbuild", list(c.OnBuild));
  put("healthcheck", healthcheck(c.Healthcheck));
  put("stopsignal", c.StopSignal);
  for (const kv of c.Env ?? []) {
    const eq = kv.indexOf("=");
    const key = eq < 0 ? kv : kv.slice(0, eq);
    out.set(`env.${key}`, secretAware(key, eq < 0 ? "" : kv.slice(eq + 1)));
  }
  for (const port of Object.keys(c.ExposedPorts ?? {})) out.set(`port.${port}`, { value: port, raw: port });
  for (const volume of Object.keys(c.Volumes ?? {})) out.set(`volume.${volume}`, { value: volume, raw: volume });
  for (const [key, value2] of Object.entries(c.Labels ?? {})) out.set(`label.${key}`, secretAware(key, String(value2)));
  put("platform", inv.image.platform);
  put("os", describeOs(inv.os));
  put("layers", String(inv.image.layers.length));
  put("size.compressed", String(inv.image.compressedSize));
  put("size.uncompressed", String(inv.image.uncompressedSize));
  return out;
}
function history(inv, others) {
  const lines = inv.image.layers.filter((l) => !others.has(l.diffID)).map((l) => (l.createdBy ?? "").trim() || "(no history)");
  return lines.length > 0 ? lines.join("\n") : void 0;
}
function diffSettings(before, after) {
  const old = before ? imageSettings(before) : /* @__PURE__ */ new Map();
  const now = imageSettings(after);
  const out = [];
  for (const key of /* @__PURE__ */ new Set([...old.keys(), ...now.keys()])) {
    const b = old.get(key);
    const a = now.get(key);
    if (b?.raw === a?.raw) continue;
    const c = { key };
    if (b) c.before = b.value;
    if (a) c.after = a.value;
    if (b?.redacted || a?.redacted) c.redacted = true;
    out.push(c);
  }
  const layersBefore = new Set(before?.image.layers.map((l) => l.diffID) ?? []);
  const layersAfter = new Set(after.image.layers.map((l) => l.diffID));
  const added = history(after, layersBefore);
  const removed = before ? history(before, layersAfter) : void 0;
  if (added !== void 0 || removed !== void 0) {
    const c = { key: "history" };
    if (removed !== void 0) c.before = removed;
    if (added !== void 0) c.after = added;
    out.push(c);
  }
  return out.sort((x, y) => x.key < y.key ? -1 : x.key > y.key ? 1 : 0);
}
var DERIVED_SETTING_KEYS;
var init_settings = __esm({
  "src/diff/settings.ts"() {
    "use strict";
    init_secret_keys();
    DERIVED_SETTING_KEYS = /* @__PURE__ */ new Set(["layers", "size.compressed", "size.uncompressed", "history"]);
  }
});

// src/diff/diff.ts
function side(inv) {
  const s = {
    summary: inv.image,
    packageCount: inv.packages.length,
    fileCount: inv.files.reduce((n2, f) => f.type === "dir" ? n2 : n2 + 1, 0),
    user: inv.config.config?.User ?? ""
  };
  if (inv.os) s.os = inv.os;
  return s;
}
function isNonPackaged(change2) {
  return change2.ownership === "none" && (change2.after ?? change2.before)?.type !== "dir";
}
function ownedBy(owners, key) {
  return owners.some((o) => o === key || o.startsWith(`${key}:`));
}
function attribute2(packages, files) {
  const byOwner = /* @__PURE__ */ new Map();
  for (const p of packages) {
    const key = ownerKey(p);
    byOwner.set(key, [...byOwner.get(key) ?? [], p]);
  }
  for (const f of files) {
    if (f.ownership !== "package") continue;
    const explainedBy = /* @__PURE__ */ new Set();
    for (const owner of f.owners) {
      const parts = owner.split(":");
      const key = `${parts[0]}:${parts[1] ?? ""}`;
      for (const p of byOwner.get(key) ?? []) if (ownedBy([owner], ownerKey(p))) explainedBy.add(p);
    }
    for (const p of explainedBy) p.fileChanges++;
    if (explainedBy.size === 0) f.unexplained = true;
  }
}
function diffInventories(before, after, options) {
  const packages = diffPackages(before?.packages ?? [], after.packages);
  const files = diffFiles(before?.files ?? [], after.files);
  attribute2(packages, files);
  const excluded = excludeMatcher(options);
  for (const f of files) if (f.ownership === "none" && excluded(f.path)) f.excluded = true;
  const shown = files.filter((f) => f.excluded !== true);
  const nonPackaged = shown.filter(isNonPackaged);
  const settings = diffSettings(before, after);
  const beforeLayers = new Set(before?.image.layers.map((l) => l.diffID) ?? []);
  const afterLayers = new Set(after.image.layers.map((l) => l.diffID));
  const layers = {
    shared: [...afterLayers].filter((d) => beforeLayers.has(d)).length,
    added: [...afterLayers].filter((d) => !beforeLayers.has(d)),
    removed: [...beforeLayers].filter((d) => !afterLayers.has(d))
  };
  const countKinds = (items2, kinds, fold) => {
    const out = Object.fromEntries(kinds.map((k) => [k, 0]));
    for (const { kind } of items2) {
      const k = fold?.[kind] ?? kind;
      if (k in out) out[k]++;
    }
    return out;
  };
  const counts = {
    packages: countKinds(packages, ["added", "removed", "upgraded", "downgraded", "rebuilt"]),
    files: countKinds(shown, ["added", "removed", "modified", "metadata"]),
    nonPackaged: countKinds(nonPackaged, ["added", "removed", "modified"], { metadata: "modified" }),
    unexplained: files.filter((f) => f.unexplained === true).length,
    excluded: files.length - shown.length
  };
  const firstRelease = before === void 0;
  const platformChanged = before !== void 0 && before.image.platform !== after.image.platform;
  const osChanged = before !== void 0 && ((before.os?.id ?? "") !== (after.os?.id ?? "") || (before.os?.versionId ?? "") !== (after.os?.versionId ?? ""));
  const hasChanges = firstRelease || packages.length > 0 || shown.length > 0 || settings.some((s) => !DERIVED_SETTING_KEYS.has(s.key));
  const changes = {
    after: side(after),
    firstRelease,
    platformChanged,
    osChanged,
    packages,
    files,
    rollup: rollUp(nonPackaged, options.depth),
    settings,
    layers,
    counts,
    options: { exclude: [...options.exclude], defaultExcludes: options.defaultExcludes, depth: options.depth },
    hasChanges
  };
  if (before) changes.before = side(before);
  return changes;
}
var init_diff = __esm({
  "src/diff/diff.ts"() {
    "use strict";
    init_excludes();
    init_files();
    init_packages();
    init_rollup();
    init_settings();
  }
});

// node_modules/events-universal/default.js
var require_default = __commonJS({
  "node_modules/events-universal/default.js"(exports, module) {
    module.exports = __require("events");
  }
});

// node_modules/fast-fifo/fixed-size.js
var require_fixed_size = __commonJS({
  "node_modules/fast-fifo/fixed-size.js"(exports, module) {
    module.exports = class FixedFIFO {
      constructor(hwm) {
        if (!(hwm > 0) || (hwm - 1 & hwm) !== 0) throw new Error("Max size for a FixedFIFO should be a power of two");
        this.buffer = new Array(hwm);
        this.mask = hwm - 1;
        this.top = 0;
        this.btm = 0;
        this.next = null;
      }
      clear() {
        this.top = this.btm = 0;
        this.next = null;
        this.buffer.fill(void 0);
      }
      push(data) {
        if (this.buffer[this.top] !== void 0) return false;
        this.buffer[this.top] = data;
        this.top = this.top + 1 & this.mask;
        return true;
      }
      shift() {
        const last = this.buffer[this.btm];
        if (last === void 0) return void 0;
        this.buffer[this.btm] = void 0;
        this.btm = this.btm + 1 & this.mask;
        return last;
      }
      peek() {
        return this.buffer[this.btm];
      }
      isEmpty() {
        return this.buffer[this.btm] === void 0;
      }
    };
  }
});

// node_modules/fast-fifo/index.js
var require_fast_fifo = __commonJS({
  "node_modules/fast-fifo/index.js"(exports, module) {
    var FixedFIFO = require_fixed_size();
    module.exports = class FastFIFO {
      constructor(hwm) {
        this.hwm = hwm || 16;
        this.head = new FixedFIFO(this.hwm);
        this.tail = this.head;
        this.length = 0;
      }
      clear() {
        this.head = this.tail;
        this.head.clear();
        this.length = 0;
      }
      push(val) {
        this.length++;
        if (!this.head.push(val)) {
          const prev = this.head;
          this.head = prev.next = new FixedFIFO(2 * this.head.buffer.length);
          this.head.push(val);
        }
      }
      shift() {
        if (this.length !== 0) this.length--;
        const val = this.tail.shift();
        if (val === void 0 && this.tail.next) {
          const next = this.tail.next;
          this.tail.next = null;
          this.tail = next;
          return this.tail.shift();
        }
        return val;
      }
      peek() {
        const val = this.tail.peek();
        if (val === void 0 && this.tail.next) return this.tail.next.peek();
        return val;
      }
      isEmpty() {
        return this.length === 0;
      }
    };
  }
});

// node_modules/b4a/index.js
var require_b4a = __commonJS({
  "node_modules/b4a/index.js"(exports, module) {
    function isBuffer(value2) {
      return Buffer.isBuffer(value2) || value2 instanceof Uint8Array;
    }
    function isEncoding(encoding) {
      return Buffer.isEncoding(encoding);
    }
    function alloc(size2, fill3, encoding) {
      return Buffer.alloc(size2, fill3, encoding);
    }
    function allocUnsafe(size2) {
      return Buffer.allocUnsafe(size2);
    }
    function allocUnsafeSlow(size2) {
      return Buffer.allocUnsafeSlow(size2);
    }
    function byteLength(string, encoding) {
      return Buffer.byteLength(string, encoding);
    }
    function compare4(a, b) {
      return Buffer.compare(a, b);
    }
    function concat(buffers, totalLength) {
      return Buffer.concat(buffers, totalLength);
    }
    function copy(source, target, targetStart, start, end) {
      return toBuffer(source).copy(target, targetStart, start, end);
    }
    function equals(a, b) {
      return toBuffer(a).equals(b);
    }
    function fill2(buffer, value2, offset, end, encoding) {
      return toBuffer(buffer).fill(value2, offset, end, encoding);
    }
    function from(value2, encodingOrOffset, length) {
      return Buffer.from(value2, encodingOrOffset, length);
    }
    function includes(buffer, value2, byteOffset, encoding) {
      return toBuffer(buffer).includes(value2, byteOffset, encoding);
    }
    function indexOf(buffer, value2, byfeOffset, encoding) {
      return toBuffer(buffer).indexOf(value2, byfeOffset, encoding);
    }
    function lastIndexOf(buffer, value2, byteOffset, encoding) {
      return toBuffer(buffer).lastIndexOf(value2, byteOffset, encoding);
    }
    function swap16(buffer) {
      return toBuffer(buffer).swap16();
    }
    function swap32(buffer) {
      return toBuffer(buffer).swap32();
    }
    function swap64(buffer) {
      return toBuffer(buffer).swap64();
    }
    function toBuffer(buffer) {
      if (Buffer.isBuffer(buffer)) return buffer;
      return Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    }
    function toString(buffer, encoding, start, end) {
      return toBuffer(buffer).toString(encoding, start, end);
    }
    function toHex(buffer, start, end) {
      return toBuffer(buffer).toString("hex", start, end);
    }
    function write(buffer, string, offset, length, encoding) {
      return toBuffer(buffer).write(string, offset, length, encoding);
    }
    function readDoubleBE(buffer, offset) {
      return toBuffer(buffer).readDoubleBE(offset);
    }
    function readDoubleLE(buffer, offset) {
      return toBuffer(buffer).readDoubleLE(offset);
    }
    function readFloatBE(buffer, offset) {
      return toBuffer(buffer).readFloatBE(offset);
    }
    function readFloatLE(buffer, offset) {
      return toBuffer(buffer).readFloatLE(offset);
    }
    function readInt32BE(buffer, offset) {
      return toBuffer(buffer).readInt32BE(offset);
    }
    function readInt32LE(buffer, offset) {
      return toBuffer(buffer).readInt32LE(offset);
    }
    function readUInt32BE(buffer, offset) {
      return toBuffer(buffer).readUInt32BE(offset);
    }
    function readUInt32LE(buffer, offset) {
      return toBuffer(buffer).readUInt32LE(offset);
    }
    function writeDoubleBE(buffer, value2, offset) {
      return toBuffer(buffer).writeDoubleBE(value2, offset);
    }
    function writeDoubleLE(buffer, value2, offset) {
      return toBuffer(buffer).writeDoubleLE(value2, offset);
    }
    function writeFloatBE(buffer, value2, offset) {
      return toBuffer(buffer).writeFloatBE(value2, offset);
    }
    function writeFloatLE(buffer, value2, offset) {
      return toBuffer(buffer).writeFloatLE(value2, offset);
    }
    function writeInt32BE(buffer, value2, offset) {
      return toBuffer(buffer).writeInt32BE(value2, offset);
    }
    function writeInt32LE(buffer, value2, offset) {
      return toBuffer(buffer).writeInt32LE(value2, offset);
    }
    function writeUInt32BE(buffer, value2, offset) {
      return toBuffer(buffer).writeUInt32BE(value2, offset);
    }
    function writeUInt32LE(buffer, value2, offset) {
      return toBuffer(buffer).writeUInt32LE(value2, offset);
    }
    module.exports = {
      isBuffer,
      isEncoding,
      alloc,
      allocUnsafe,
      allocUnsafeSlow,
      byteLength,
      compare: compare4,
      concat,
      copy,
      equals,
      fill: fill2,
      from,
      includes,
      indexOf,
      lastIndexOf,
      swap16,
      swap32,
      swap64,
      toBuffer,
      toString,
      toHex,
      write,
      readDoubleBE,
      readDoubleLE,
      readFloatBE,
      readFloatLE,
      readInt32BE,
      readInt32LE,
      readUInt32BE,
      readUInt32LE,
      writeDoubleBE,
      writeDoubleLE,
      writeFloatBE,
      writeFloatLE,
      writeInt32BE,
      writeInt32LE,
      writeUInt32BE,
      writeUInt32LE
    };
  }
});

// node_modules/text-decoder/lib/pass-through-decoder.js
var require_pass_through_decoder = __commonJS({
  "node_modules/text-decoder/lib/pass-through-decoder.js"(exports, module) {
    var b4a = require_b4a();
    module.exports = class PassThroughDecoder {
      constructor(encoding) {
        this.encoding = encoding;
      }
      get remaining() {
        return 0;
      }
      decode(data) {
        return b4a.toString(data, this.encoding);
      }
      flush() {
        return "";
      }
    };
  }
});

// node_modules/text-decoder/lib/utf8-decoder.js
var require_utf8_decoder = __commonJS({
  "node_modules/text-decoder/lib/utf8-decoder.js"(exports, module) {
    var b4a = require_b4a();
    module.exports = class UTF8Decoder {
      constructor() {
        this._reset();
      }
      get remaining() {
        return this.bytesSeen;
      }
      decode(data) {
        if (data.byteLength === 0) return "";
        if (this.bytesNeeded === 0 && trailingIncomplete(data, 0) === 0) {
          this.bytesSeen = trailingBytesSeen(data);
          return b4a.toString(data, "utf8");
        }
        let result = "";
        let start = 0;
        if (this.bytesNeeded > 0) {
          while (start < data.byteLength) {
            const byte = data[start];
            if (byte < this.lowerBoundary || byte > this.upperBoundary) {
              result += "\uFFFD";
              this._reset();
              break;
            }
            this.lowerBoundary = 128;
            this.upperBoundary = 191;
            this.codePoint = this.codePoint << 6 | byte & 63;
            this.bytesSeen++;
            start++;
            if (this.bytesSeen === this.bytesNeeded) {
              result += String.fromCodePoint(this.codePoint);
              this._reset();
              break;
            }
          }
          if (this.bytesNeeded > 0) return result;
        }
        const trailing = trailingIncomplete(data, start);
        const end = data.byteLength - trailing;
        if (end > start) result += b4a.toString(data, "utf8", start, end);
        for (let i = end; i < data.byteLength; i++) {
          const byte = data[i];
          if (this.bytesNeeded === 0) {
            if (byte <= 127) {
              this.bytesSeen = 0;
              result += String.fromCharCode(byte);
            } else if (byte >= 194 && byte <= 223) {
              this.bytesNeeded = 2;
              this.bytesSeen = 1;
              this.codePoint = byte & 31;
            } else if (byte >= 224 && byte <= 239) {
              if (byte === 224) this.lowerBoundary = 160;
              else if (byte === 237) this.upperBoundary = 159;
              this.bytesNeeded = 3;
              this.bytesSeen = 1;
              this.codePoint = byte & 15;
            } else if (byte >= 240 && byte <= 244) {
              if (byte === 240) this.lowerBoundary = 144;
              else if (byte === 244) this.upperBoundary = 143;
              this.bytesNeeded = 4;
              this.bytesSeen = 1;
              this.codePoint = byte & 7;
            } else {
              this.bytesSeen = 1;
              result += "\uFFFD";
            }
            continue;
          }
          if (byte < this.lowerBoundary || byte > this.upperBoundary) {
            result += "\uFFFD";
            i--;
            this._reset();
            continue;
          }
          this.lowerBoundary = 128;
          this.upperBoundary = 191;
          this.codePoint = this.codePoint << 6 | byte & 63;
          this.bytesSeen++;
          if (this.bytesSeen === this.bytesNeeded) {
            result += String.fromCodePoint(this.codePoint);
            this._reset();
          }
        }
        return result;
      }
      flush() {
        const result = this.bytesNeeded > 0 ? "\uFFFD" : "";
        this._reset();
        return result;
      }
      _reset() {
        this.codePoint = 0;
        this.bytesNeeded = 0;
        this.bytesSeen = 0;
        this.lowerBoundary = 128;
        this.upperBoundary = 191;
      }
    };
    function trailingIncomplete(data, start) {
      const len = data.byteLength;
      if (len <= start) return 0;
      const limit = Math.max(start, len - 4);
      let i = len - 1;
      while (i > limit && (data[i] & 192) === 128) i--;
      if (i < start) return 0;
      const byte = data[i];
      let needed;
      if (byte <= 127) return 0;
      if (byte >= 194 && byte <= 223) needed = 2;
      else if (byte >= 224 && byte <= 239) needed = 3;
      else if (byte >= 240 && byte <= 244) needed = 4;
      else return 0;
      const available = len - i;
      return available < needed ? available : 0;
    }
    function trailingBytesSeen(data) {
      const len = data.byteLength;
      if (len === 0) return 0;
      const last = data[len - 1];
      if (last <= 127) return 0;
      if ((last & 192) !== 128) return 1;
      const limit = Math.max(0, len - 4);
      let i = len - 2;
      while (i >= limit && (data[i] & 192) === 128) i--;
      if (i < 0) return 1;
      const first = data[i];
      let needed;
      if (first >= 194 && first <= 223) needed = 2;
      else if (first >= 224 && first <= 239) needed = 3;
      else if (first >= 240 && first <= 244) needed = 4;
      else return 1;
      if (len - i !== needed) return 1;
      if (needed >= 3) {
        const second = data[i + 1];
        if (first === 224 && second < 160) return 1;
        if (first === 237 && second > 159) return 1;
        if (first === 240 && second < 144) return 1;
        if (first === 244 && second > 143) return 1;
      }
      return 0;
    }
  }
});

// node_modules/text-decoder/index.js
var require_text_decoder = __commonJS({
  "node_modules/text-decoder/index.js"(exports, module) {
    var PassThroughDecoder = require_pass_through_decoder();
    var UTF8Decoder = require_utf8_decoder();
    module.exports = class TextDecoder {
      constructor(encoding = "utf8") {
        this.encoding = normalizeEncoding(encoding);
        switch (this.encoding) {
          case "utf8":
            this.decoder = new UTF8Decoder();
            break;
          case "utf16le":
          case "base64":
            throw new Error("Unsupported encoding: " + this.encoding);
          default:
            this.decoder = new PassThroughDecoder(this.encoding);
        }
      }
      get remaining() {
        return this.decoder.remaining;
      }
      push(data) {
        if (typeof data === "string") return data;
        return this.decoder.decode(data);
      }
      // For Node.js compatibility
      write(data) {
        return this.push(data);
      }
      end(data) {
        let result = "";
        if (data) result = this.push(data);
        result += this.decoder.flush();
        return result;
      }
    };
    function normalizeEncoding(encoding) {
      encoding = encoding.toLowerCase();
      switch (encoding) {
        case "utf8":
        case "utf-8":
          return "utf8";
        case "ucs2":
        case "ucs-2":
        case "utf16le":
        case "utf-16le":
          return "utf16le";
        case "latin1":
        case "binary":
          return "latin1";
        case "base64":
        case "ascii":
        case "hex":
          return encoding;
        default:
          throw new Error("Unknown encoding: " + encoding);
      }
    }
  }
});

// node_modules/streamx/lib/errors.js
var require_errors = __commonJS({
  "node_modules/streamx/lib/errors.js"(exports, module) {
    module.exports = class StreamError extends Error {
      constructor(msg, code, fn = StreamError) {
        super(msg);
        this.code = code;
        if (Error.captureStackTrace) {
          Error.captureStackTrace(this, fn);
        }
      }
      static isStreamDestroyed(err2) {
        return err2 && err2.code === "STREAM_DESTROYED";
      }
      static isPrematureClose(err2) {
        return err2 && err2.code === "PREMATURE_CLOSE";
      }
      static isAborted(err2) {
        return err2 && err2.code === "ABORTED";
      }
      static isBadArgument(err2) {
        return err2 && err2.code === "BAD_ARGUMENT";
      }
      get name() {
        return "StreamError";
      }
      static STREAM_DESTROYED() {
        return new StreamError("Stream was destroyed", "STREAM_DESTROYED", StreamError.STREAM_DESTROYED);
      }
      static PREMATURE_CLOSE(msg = "Premature close") {
        return new StreamError(msg, "PREMATURE_CLOSE", StreamError.PREMATURE_CLOSE);
      }
      static ABORTED() {
        return new StreamError("Stream aborted", "ABORTED", StreamError.ABORTED);
      }
      static BAD_ARGUMENT(msg = "Bad argument") {
        return new StreamError(msg, "BAD_ARGUMENT", StreamError.BAD_ARGUMENT);
      }
    };
  }
});

// node_modules/streamx/index.js
var require_streamx = __commonJS({
  "node_modules/streamx/index.js"(exports, module) {
    var { EventEmitter } = require_default();
    var FIFO = require_fast_fifo();
    var TextDecoder2 = require_text_decoder();
    var StreamError = require_errors();
    var qmt = typeof queueMicrotask === "undefined" ? (fn) => global.process.nextTick(fn) : queueMicrotask;
    var MAX = (1 << 29) - 1;
    var OPENING = 1;
    var PREDESTROYING = 2;
    var DESTROYING = 4;
    var DESTROYED = 8;
    var NOT_OPENING = MAX ^ OPENING;
    var NOT_PREDESTROYING = MAX ^ PREDESTROYING;
    var READ_ACTIVE = 1 << 4;
    var READ_UPDATING = 2 << 4;
    var READ_PRIMARY = 4 << 4;
    var READ_QUEUED = 8 << 4;
    var READ_RESUMED = 16 << 4;
    var READ_PIPE_DRAINED = 32 << 4;
    var READ_ENDING = 64 << 4;
    var READ_EMIT_DATA = 128 << 4;
    var READ_EMIT_READABLE = 256 << 4;
    var READ_EMITTED_READABLE = 512 << 4;
    var READ_DONE = 1024 << 4;
    var READ_NEXT_TICK = 2048 << 4;
    var READ_NEEDS_PUSH = 4096 << 4;
    var READ_READ_AHEAD = 8192 << 4;
    var READ_FLOWING = READ_RESUMED | READ_PIPE_DRAINED;
    var READ_ACTIVE_AND_NEEDS_PUSH = READ_ACTIVE | READ_NEEDS_PUSH;
    var READ_PRIMARY_AND_ACTIVE = READ_PRIMARY | READ_ACTIVE;
    var READ_EMIT_READABLE_AND_QUEUED = READ_EMIT_READABLE | READ_QUEUED;
    var READ_RESUMED_READ_AHEAD = READ_RESUMED | READ_READ_AHEAD;
    var READ_NOT_ACTIVE = MAX ^ READ_ACTIVE;
    var READ_NON_PRIMARY = MAX ^ READ_PRIMARY;
    var READ_NON_PRIMARY_AND_PUSHED = MAX ^ (READ_PRIMARY | READ_NEEDS_PUSH);
    var READ_PUSHED = MAX ^ READ_NEEDS_PUSH;
    var READ_PAUSED = MAX ^ READ_RESUMED;
    var READ_NOT_QUEUED = MAX ^ (READ_QUEUED | READ_EMITTED_READABLE);
    var READ_NOT_ENDING = MAX ^ READ_ENDING;
    var READ_PIPE_NOT_DRAINED = MAX ^ READ_FLOWING;
    var READ_NOT_NEXT_TICK = MAX ^ READ_NEXT_TICK;
    var READ_NOT_UPDATING = MAX ^ READ_UPDATING;
    var READ_NO_READ_AHEAD = MAX ^ READ_READ_AHEAD;
    var READ_PAUSED_NO_READ_AHEAD = MAX ^ READ_RESUMED_READ_AHEAD;
    var WRITE_ACTIVE = 1 << 18;
    var WRITE_UPDATING = 2 << 18;
    var WRITE_PRIMARY = 4 << 18;
    var WRITE_QUEUED = 8 << 18;
    var WRITE_UNDRAINED = 16 << 18;
    var WRITE_DONE = 32 << 18;
    var WRITE_EMIT_DRAIN = 64 << 18;
    var WRITE_NEXT_TICK = 128 << 18;
    var WRITE_WRITING = 256 << 18;
    var WRITE_FINISHING = 512 << 18;
    var WRITE_CORKED = 1024 << 18;
    var WRITE_NOT_ACTIVE = MAX ^ (WRITE_ACTIVE | WRITE_WRITING);
    var WRITE_NON_PRIMARY = MAX ^ WRITE_PRIMARY;
    var WRITE_NOT_FINISHING = MAX ^ (WRITE_ACTIVE | WRITE_FINISHING);
    var WRITE_DRAINED = MAX ^ WRITE_UNDRAINED;
    var WRITE_NOT_QUEUED = MAX ^ WRITE_QUEUED;
    var WRITE_NOT_NEXT_TICK = MAX ^ WRITE_NEXT_TICK;
    var WRITE_NOT_UPDATING = MAX ^ WRITE_UPDATING;
    var WRITE_NOT_CORKED = MAX ^ WRITE_CORKED;
    var ACTIVE = READ_ACTIVE | WRITE_ACTIVE;
    var NOT_ACTIVE = MAX ^ ACTIVE;
    var DONE = READ_DONE | WRITE_DONE;
    var DESTROY_STATUS = DESTROYING | DESTROYED | PREDESTROYING;
    var OPEN_STATUS = DESTROY_STATUS | OPENING;
    var AUTO_DESTROY = DESTROY_STATUS | DONE;
    var NON_PRIMARY = WRITE_NON_PRIMARY & READ_NON_PRIMARY;
    var ACTIVE_OR_TICKING = WRITE_NEXT_TICK | READ_NEXT_TICK;
    var TICKING = ACTIVE_OR_TICKING & NOT_ACTIVE;
    var IS_OPENING = OPEN_STATUS | TICKING;
    var READ_PRIMARY_STATUS = OPEN_STATUS | READ_ENDING | READ_DONE;
    var READ_STATUS = OPEN_STATUS | READ_DONE | READ_QUEUED;
    var READ_ENDING_STATUS = OPEN_STATUS | READ_ENDING | READ_QUEUED;
    var READ_READABLE_STATUS = OPEN_STATUS | READ_EMIT_READABLE | READ_QUEUED | READ_EMITTED_READABLE;
    var SHOULD_NOT_READ = OPEN_STATUS | READ_ACTIVE | READ_ENDING | READ_DONE | READ_NEEDS_PUSH | READ_READ_AHEAD;
    var READ_BACKPRESSURE_STATUS = DESTROY_STATUS | READ_ENDING | READ_DONE;
    var READ_UPDATE_SYNC_STATUS = READ_UPDATING | OPEN_STATUS | READ_NEXT_TICK | READ_PRIMARY;
    var READ_NEXT_TICK_OR_OPENING = READ_NEXT_TICK | OPENING;
    var WRITE_PRIMARY_STATUS = OPEN_STATUS | WRITE_FINISHING | WRITE_DONE;
    var WRITE_QUEUED_AND_UNDRAINED = WRITE_QUEUED | WRITE_UNDRAINED;
    var WRITE_QUEUED_AND_ACTIVE = WRITE_QUEUED | WRITE_ACTIVE;
    var WRITE_DRAIN_STATUS = WRITE_QUEUED | WRITE_UNDRAINED | OPEN_STATUS | WRITE_ACTIVE;
    var WRITE_STATUS = OPEN_STATUS | WRITE_ACTIVE | WRITE_QUEUED | WRITE_CORKED;
    var WRITE_PRIMARY_AND_ACTIVE = WRITE_PRIMARY | WRITE_ACTIVE;
    var WRITE_ACTIVE_AND_WRITING = WRITE_ACTIVE | WRITE_WRITING;
    var WRITE_FINISHING_STATUS = OPEN_STATUS | WRITE_FINISHING | WRITE_QUEUED_AND_ACTIVE | WRITE_DONE;
    var WRITE_BACKPRESSURE_STATUS = WRITE_UNDRAINED | DESTROY_STATUS | WRITE_FINISHING | WRITE_DONE;
    var WRITE_UPDATE_SYNC_STATUS = WRITE_UPDATING | OPEN_STATUS | WRITE_NEXT_TICK | WRITE_PRIMARY;
    var WRITE_DROP_DATA = WRITE_FINISHING | WRITE_DONE | DESTROY_STATUS;
    var asyncIterator = Symbol.asyncIterator || /* @__PURE__ */ Symbol("asyncIterator");
    var WritableState = class {
      constructor(stream2, { highWaterMark = 16384, map = null, mapWritable, byteLength, byteLengthWritable } = {}) {
        this.stream = stream2;
        this.queue = new FIFO();
        this.highWaterMark = highWaterMark;
        this.buffered = 0;
        this.error = null;
        this.pipeline = null;
        this.drains = null;
        this.byteLength = byteLengthWritable || byteLength || defaultByteLength;
        this.map = mapWritable || map;
        this.afterWrite = afterWrite.bind(this);
        this.afterUpdateNextTick = updateWriteNT.bind(this);
      }
      get ending() {
        return (this.stream._duplexState & WRITE_FINISHING) !== 0;
      }
      get ended() {
        return (this.stream._duplexState & WRITE_DONE) !== 0;
      }
      push(data) {
        if ((this.stream._duplexState & WRITE_DROP_DATA) !== 0) return false;
        if (this.map !== null) data = this.map(data);
        this.buffered += this.byteLength(data);
        this.queue.push(data);
        if (this.buffered < this.highWaterMark) {
          this.stream._duplexState |= WRITE_QUEUED;
          return true;
        }
        this.stream._duplexState |= WRITE_QUEUED_AND_UNDRAINED;
        return false;
      }
      shift() {
        const data = this.queue.shift();
        this.buffered -= this.byteLength(data);
        if (this.buffered === 0) this.stream._duplexState &= WRITE_NOT_QUEUED;
        return data;
      }
      end(data) {
        if (typeof data === "function") {
          this.stream.once("finish", data);
        } else if (data !== void 0 && data !== null) {
          this.push(data);
        }
        this.stream._duplexState = (this.stream._duplexState | WRITE_FINISHING) & WRITE_NON_PRIMARY;
      }
      autoBatch(data, cb) {
        const buffer = [];
        const stream2 = this.stream;
        buffer.push(data);
        while ((stream2._duplexState & WRITE_STATUS) === WRITE_QUEUED_AND_ACTIVE) {
          buffer.push(stream2._writableState.shift());
        }
        if ((stream2._duplexState & OPEN_STATUS) !== 0) return cb(null);
        stream2._writev(buffer, cb);
      }
      update() {
        const stream2 = this.stream;
        stream2._duplexState |= WRITE_UPDATING;
        do {
          while ((stream2._duplexState & WRITE_STATUS) === WRITE_QUEUED) {
            const data = this.shift();
            stream2._duplexState |= WRITE_ACTIVE_AND_WRITING;
            stream2._write(data, this.afterWrite);
          }
          if ((stream2._duplexState & WRITE_PRIMARY_AND_ACTIVE) === 0) this.updateNonPrimary();
        } while (this.continueUpdate() === true);
        stream2._duplexState &= WRITE_NOT_UPDATING;
      }
      updateNonPrimary() {
        const stream2 = this.stream;
        if ((stream2._duplexState & WRITE_FINISHING_STATUS) === WRITE_FINISHING) {
          stream2._duplexState = stream2._duplexState | WRITE_ACTIVE;
          stream2._final(afterFinal.bind(this));
          return;
        }
        if ((stream2._duplexState & DESTROY_STATUS) === DESTROYING) {
          if ((stream2._duplexState & ACTIVE_OR_TICKING) === 0) {
            stream2._duplexState |= ACTIVE;
            stream2._destroy(afterDestroy.bind(this));
          }
          return;
        }
        if ((stream2._duplexState & IS_OPENING) === OPENING) {
          stream2._duplexState = (stream2._duplexState | ACTIVE) & NOT_OPENING;
          stream2._open(afterOpen.bind(this));
        }
      }
      continueUpdate() {
        if ((this.stream._duplexState & WRITE_NEXT_TICK) === 0) return false;
        this.stream._duplexState &= WRITE_NOT_NEXT_TICK;
        return true;
      }
      updateCallback() {
        if ((this.stream._duplexState & WRITE_UPDATE_SYNC_STATUS) === WRITE_PRIMARY) {
          this.update();
        } else {
          this.updateNextTick();
        }
      }
      updateNextTick() {
        if ((this.stream._duplexState & WRITE_NEXT_TICK) !== 0) return;
        this.stream._duplexState |= WRITE_NEXT_TICK;
        if ((this.stream._duplexState & WRITE_UPDATING) === 0) qmt(this.afterUpdateNextTick);
      }
    };
    var ReadableState = class {
      constructor(stream2, { highWaterMark = 16384, map = null, mapReadable, byteLength, byteLengthReadable } = {}) {
        this.stream = stream2;
        this.queue = new FIFO();
        this.highWaterMark = highWaterMark === 0 ? 1 : highWaterMark;
        this.buffered = 0;
        this.readAhead = highWaterMark > 0;
        this.error = null;
        this.pipeline = null;
        this.byteLength = byteLengthReadable || byteLength || defaultByteLength;
        this.map = mapReadable || map;
        this.pipeTo = null;
        this.afterRead = afterRead.bind(this);
        this.afterUpdateNextTick = updateReadNT.bind(this);
      }
      get ending() {
        return (this.stream._duplexState & READ_ENDING) !== 0;
      }
      get ended() {
        return (this.stream._duplexState & READ_DONE) !== 0;
      }
      pipe(pipeTo, cb) {
        if (this.pipeTo !== null) throw StreamError.BAD_ARGUMENT("Can only pipe to one destination");
        if (typeof cb !== "function") cb = null;
        this.stream._duplexState |= READ_PIPE_DRAINED;
        this.pipeTo = pipeTo;
        this.pipeline = new Pipeline(this.stream, pipeTo, cb);
        if (cb) this.stream.on("error", noop2);
        if (isStreamx(pipeTo)) {
          pipeTo._writableState.pipeline = this.pipeline;
          if (cb) pipeTo.on("error", noop2);
          pipeTo.on("finish", this.pipeline.finished.bind(this.pipeline));
        } else {
          const onerror = this.pipeline.done.bind(this.pipeline, pipeTo);
          const onclose = this.pipeline.done.bind(this.pipeline, pipeTo, null);
          pipeTo.on("error", onerror);
          pipeTo.on("close", onclose);
          pipeTo.on("finish", this.pipeline.finished.bind(this.pipeline));
        }
        pipeTo.on("drain", afterDrain.bind(this));
        this.stream.emit("piping", pipeTo);
        pipeTo.emit("pipe", this.stream);
      }
      push(data) {
        const stream2 = this.stream;
        if (data === null) {
          this.highWaterMark = 0;
          stream2._duplexState = (stream2._duplexState | READ_ENDING) & READ_NON_PRIMARY_AND_PUSHED;
          return false;
        }
        if (this.map !== null) {
          data = this.map(data);
          if (data === null) {
            stream2._duplexState &= READ_PUSHED;
            return this.buffered < this.highWaterMark;
          }
        }
        this.buffered += this.byteLength(data);
        this.queue.push(data);
        stream2._duplexState = (stream2._duplexState | READ_QUEUED) & READ_PUSHED;
        return this.buffered < this.highWaterMark;
      }
      shift() {
        const data = this.queue.shift();
        this.buffered -= this.byteLength(data);
        if (this.buffered === 0) {
          this.stream._duplexState &= READ_NOT_QUEUED;
        }
        return data;
      }
      unshift(data) {
        const pending = [this.map !== null ? this.map(data) : data];
        while (this.buffered > 0) pending.push(this.shift());
        for (let i = 0; i < pending.length - 1; i++) {
          const data2 = pending[i];
          this.buffered += this.byteLength(data2);
          this.queue.push(data2);
        }
        this.push(pending[pending.length - 1]);
      }
      read() {
        const stream2 = this.stream;
        if ((stream2._duplexState & READ_STATUS) === READ_QUEUED) {
          const data = this.shift();
          if (this.pipeTo !== null && this.pipeTo.write(data) === false) {
            stream2._duplexState &= READ_PIPE_NOT_DRAINED;
          }
          if ((stream2._duplexState & READ_EMIT_DATA) !== 0) {
            stream2.emit("data", data);
          }
          return data;
        }
        if (this.readAhead === false) {
          stream2._duplexState |= READ_READ_AHEAD;
          this.updateNextTick();
        }
        return null;
      }
      drain() {
        const stream2 = this.stream;
        while ((stream2._duplexState & READ_STATUS) === READ_QUEUED && (stream2._duplexState & READ_FLOWING) !== 0) {
          const data = this.shift();
          if (this.pipeTo !== null && this.pipeTo.write(data) === false) {
            stream2._duplexState &= READ_PIPE_NOT_DRAINED;
          }
          if ((stream2._duplexState & READ_EMIT_DATA) !== 0) {
            stream2.emit("data", data);
          }
        }
      }
      update() {
        const stream2 = this.stream;
        stream2._duplexState |= READ_UPDATING;
        do {
          this.drain();
          while (this.buffered < this.highWaterMark && (stream2._duplexState & SHOULD_NOT_READ) === READ_READ_AHEAD) {
            stream2._duplexState |= READ_ACTIVE_AND_NEEDS_PUSH;
            stream2._read(this.afterRead);
            this.drain();
          }
          if ((stream2._duplexState & READ_READABLE_STATUS) === READ_EMIT_READABLE_AND_QUEUED) {
            stream2._duplexState |= READ_EMITTED_READABLE;
            stream2.emit("readable");
          }
          if ((stream2._duplexState & READ_PRIMARY_AND_ACTIVE) === 0) {
            this.updateNonPrimary();
          }
        } while (this.continueUpdate() === true);
        stream2._duplexState &= READ_NOT_UPDATING;
      }
      updateNonPrimary() {
        const stream2 = this.stream;
        if ((stream2._duplexState & READ_ENDING_STATUS) === READ_ENDING) {
          stream2._duplexState = (stream2._duplexState | READ_DONE) & READ_NOT_ENDING;
          stream2.emit("end");
          if ((stream2._duplexState & AUTO_DESTROY) === DONE) {
            stream2._duplexState |= DESTROYING;
          }
          if (this.pipeTo !== null) {
            this.pipeTo.end();
          }
        }
        if ((stream2._duplexState & DESTROY_STATUS) === DESTROYING) {
          if ((stream2._duplexState & ACTIVE_OR_TICKING) === 0) {
            stream2._duplexState |= ACTIVE;
            stream2._destroy(afterDestroy.bind(this));
          }
          return;
        }
        if ((stream2._duplexState & IS_OPENING) === OPENING) {
          stream2._duplexState = (stream2._duplexState | ACTIVE) & NOT_OPENING;
          stream2._open(afterOpen.bind(this));
        }
      }
      continueUpdate() {
        if ((this.stream._duplexState & READ_NEXT_TICK) === 0) return false;
        this.stream._duplexState &= READ_NOT_NEXT_TICK;
        return true;
      }
      updateCallback() {
        if ((this.stream._duplexState & READ_UPDATE_SYNC_STATUS) === READ_PRIMARY) {
          this.update();
        } else {
          this.updateNextTick();
        }
      }
      updateNextTickIfOpen() {
        if ((this.stream._duplexState & READ_NEXT_TICK_OR_OPENING) !== 0) return;
        this.stream._duplexState |= READ_NEXT_TICK;
        if ((this.stream._duplexState & READ_UPDATING) === 0) qmt(this.afterUpdateNextTick);
      }
      updateNextTick() {
        if ((this.stream._duplexState & READ_NEXT_TICK) !== 0) return;
        this.stream._duplexState |= READ_NEXT_TICK;
        if ((this.stream._duplexState & READ_UPDATING) === 0) qmt(this.afterUpdateNextTick);
      }
    };
    var TransformState = class {
      constructor(stream2) {
        this.data = null;
        this.afterTransform = afterTransform.bind(stream2);
        this.afterFinal = null;
      }
    };
    var Pipeline = class {
      constructor(src, dst, cb) {
        this.from = src;
        this.to = dst;
        this.afterPipe = cb;
        this.error = null;
        this.pipeToFinished = false;
      }
      finished() {
        this.pipeToFinished = true;
      }
      done(stream2, err2) {
        if (err2) this.error = err2;
        if (stream2 === this.to) {
          this.to = null;
          if (this.from !== null) {
            if ((this.from._duplexState & READ_DONE) === 0 || !this.pipeToFinished) {
              this.from.destroy(this.error || StreamError.PREMATURE_CLOSE("Writable stream closed"));
            }
            return;
          }
        }
        if (stream2 === this.from) {
          this.from = null;
          if (this.to !== null) {
            if ((stream2._duplexState & READ_DONE) === 0) {
              this.to.destroy(this.error || StreamError.PREMATURE_CLOSE("Readable stream closed"));
            }
            return;
          }
        }
        if (this.afterPipe !== null) this.afterPipe(this.error);
        this.to = this.from = this.afterPipe = null;
      }
    };
    function afterDrain() {
      this.stream._duplexState |= READ_PIPE_DRAINED;
      this.updateCallback();
    }
    function afterFinal(err2) {
      const stream2 = this.stream;
      if (err2) stream2.destroy(err2);
      if ((stream2._duplexState & DESTROY_STATUS) === 0) {
        stream2._duplexState |= WRITE_DONE;
        stream2.emit("finish");
      }
      if ((stream2._duplexState & AUTO_DESTROY) === DONE) {
        stream2._duplexState |= DESTROYING;
      }
      stream2._duplexState &= WRITE_NOT_FINISHING;
      if ((stream2._duplexState & WRITE_UPDATING) === 0) {
        this.update();
      } else {
        this.updateNextTick();
      }
    }
    function afterDestroy(err2) {
      const stream2 = this.stream;
      if (!err2 && !StreamError.isStreamDestroyed(this.error)) err2 = this.error;
      if (err2) stream2.emit("error", err2);
      stream2._duplexState |= DESTROYED;
      stream2.emit("close");
      const rs = stream2._readableState;
      const ws = stream2._writableState;
      if (rs !== null && rs.pipeline !== null) {
        rs.pipeline.done(stream2, err2);
      }
      if (ws !== null) {
        while (ws.drains !== null && ws.drains.length > 0) {
          ws.drains.shift().resolve(false);
        }
        if (ws.pipeline !== null) {
          ws.pipeline.done(stream2, err2);
        }
      }
    }
    function afterWrite(err2) {
      const stream2 = this.stream;
      if (err2) stream2.destroy(err2);
      stream2._duplexState &= WRITE_NOT_ACTIVE;
      if (this.drains !== null) tickDrains(this.drains);
      if ((stream2._duplexState & WRITE_DRAIN_STATUS) === WRITE_UNDRAINED) {
        stream2._duplexState &= WRITE_DRAINED;
        if ((stream2._duplexState & WRITE_EMIT_DRAIN) === WRITE_EMIT_DRAIN) {
          stream2.emit("drain");
        }
      }
      this.updateCallback();
    }
    function afterRead(err2) {
      if (err2) this.stream.destroy(err2);
      this.stream._duplexState &= READ_NOT_ACTIVE;
      if (this.readAhead === false && (this.stream._duplexState & READ_RESUMED) === 0) {
        this.stream._duplexState &= READ_NO_READ_AHEAD;
      }
      this.updateCallback();
    }
    function updateReadNT() {
      if ((this.stream._duplexState & READ_UPDATING) === 0) {
        this.stream._duplexState &= READ_NOT_NEXT_TICK;
        this.update();
      }
    }
    function updateWriteNT() {
      if ((this.stream._duplexState & WRITE_UPDATING) === 0) {
        this.stream._duplexState &= WRITE_NOT_NEXT_TICK;
        this.update();
      }
    }
    function tickDrains(drains) {
      for (let i = 0; i < drains.length; i++) {
        if (--drains[i].writes === 0) {
          drains.shift().resolve(true);
          i--;
        }
      }
    }
    function afterOpen(err2) {
      const stream2 = this.stream;
      if (err2) stream2.destroy(err2);
      if ((stream2._duplexState & DESTROYING) === 0) {
        if ((stream2._duplexState & READ_PRIMARY_STATUS) === 0) {
          stream2._duplexState |= READ_PRIMARY;
        }
        if ((stream2._duplexState & WRITE_PRIMARY_STATUS) === 0) {
          stream2._duplexState |= WRITE_PRIMARY;
        }
        stream2.emit("open");
      }
      stream2._duplexState &= NOT_ACTIVE;
      if (stream2._writableState !== null) {
        stream2._writableState.updateCallback();
      }
      if (stream2._readableState !== null) {
        stream2._readableState.updateCallback();
      }
    }
    function afterTransform(err2, data) {
      if (data !== void 0 && data !== null) this.push(data);
      this._writableState.afterWrite(err2);
    }
    function newListener(name) {
      if (this._readableState !== null) {
        if (name === "data") {
          this._duplexState |= READ_EMIT_DATA | READ_RESUMED_READ_AHEAD;
          this._readableState.updateNextTick();
        }
        if (name === "readable") {
          this._duplexState |= READ_EMIT_READABLE;
          this._readableState.updateNextTick();
        }
      }
      if (this._writableState !== null) {
        if (name === "drain") {
          this._duplexState |= WRITE_EMIT_DRAIN;
          this._writableState.updateNextTick();
        }
      }
    }
    var Stream = class extends EventEmitter {
      constructor(opts) {
        super();
        this._duplexState = 0;
        this._readableState = null;
        this._writableState = null;
        if (opts) {
          if (opts.open) this._open = opts.open;
          if (opts.destroy) this._destroy = opts.destroy;
          if (opts.predestroy) this._predestroy = opts.predestroy;
          if (opts.signal) opts.signal.addEventListener("abort", abort.bind(this));
        }
        this.on("newListener", newListener);
      }
      _open(cb) {
        cb(null);
      }
      _destroy(cb) {
        cb(null);
      }
      _predestroy() {
      }
      get readable() {
        return this._readableState !== null ? true : void 0;
      }
      get writable() {
        return this._writableState !== null ? true : void 0;
      }
      get destroyed() {
        return (this._duplexState & DESTROYED) !== 0;
      }
      get destroying() {
        return (this._duplexState & DESTROY_STATUS) !== 0;
      }
      destroy(err2) {
        if ((this._duplexState & DESTROY_STATUS) === 0) {
          if (!err2) err2 = StreamError.STREAM_DESTROYED();
          this._duplexState = (this._duplexState | DESTROYING) & NON_PRIMARY;
          if (this._readableState !== null) {
            this._readableState.highWaterMark = 0;
            this._readableState.error = err2;
          }
          if (this._writableState !== null) {
            this._writableState.highWaterMark = 0;
            this._writableState.error = err2;
          }
          this._duplexState |= PREDESTROYING;
          this._predestroy();
          this._duplexState &= NOT_PREDESTROYING;
          if (this._readableState !== null) {
            this._readableState.updateNextTick();
          }
          if (this._writableState !== null) {
            this._writableState.updateNextTick();
          }
        }
      }
    };
    var Readable3 = class _Readable extends Stream {
      constructor(opts) {
        super(opts);
        this._duplexState |= OPENING | WRITE_DONE | READ_READ_AHEAD;
        this._readableState = new ReadableState(this, opts);
        if (opts) {
          if (this._readableState.readAhead === false) this._duplexState &= READ_NO_READ_AHEAD;
          if (opts.read) this._read = opts.read;
          if (opts.eagerOpen) this._readableState.updateNextTick();
          if (opts.encoding) this.setEncoding(opts.encoding);
        }
      }
      static deferred(fn, opts) {
        const out = new PassThrough(opts);
        fn().then((src) => {
          if (src === null) return out.end();
          if (out.destroying) return;
          pipeline3(src, out, noop2);
        }).catch((err2) => out.destroy(err2));
        return out;
      }
      setEncoding(encoding) {
        const dec = new TextDecoder2(encoding);
        const map = this._readableState.map || echo;
        this._readableState.map = mapOrSkip;
        return this;
        function mapOrSkip(data) {
          const next = dec.push(data);
          return next === "" && (data.byteLength !== 0 || dec.remaining > 0) ? null : map(next);
        }
      }
      _read(cb) {
        cb(null);
      }
      pipe(dest, cb) {
        this._readableState.updateNextTick();
        this._readableState.pipe(dest, cb);
        return dest;
      }
      read() {
        this._readableState.updateNextTick();
        return this._readableState.read();
      }
      push(data) {
        this._readableState.updateNextTickIfOpen();
        return this._readableState.push(data);
      }
      unshift(data) {
        this._readableState.updateNextTickIfOpen();
        return this._readableState.unshift(data);
      }
      resume() {
        this._duplexState |= READ_RESUMED_READ_AHEAD;
        this._readableState.updateNextTick();
        return this;
      }
      pause() {
        this._duplexState &= this._readableState.readAhead === false ? READ_PAUSED_NO_READ_AHEAD : READ_PAUSED;
        return this;
      }
      static _fromAsyncIterator(ite, opts) {
        let destroy;
        const rs = new _Readable({
          ...opts,
          read(cb) {
            ite.next().then(push).then(cb.bind(null, null)).catch(cb);
          },
          predestroy() {
            destroy = ite.return();
          },
          destroy(cb) {
            if (!destroy) return cb(null);
            destroy.then(cb.bind(null, null)).catch(cb);
          }
        });
        return rs;
        function push(data) {
          if (data.done) rs.push(null);
          else rs.push(data.value);
        }
      }
      static from(data, opts) {
        if (isReadStreamx(data)) return data;
        if (data[asyncIterator]) return this._fromAsyncIterator(data[asyncIterator](), opts);
        if (!Array.isArray(data)) data = data === void 0 ? [] : [data];
        let i = 0;
        return new _Readable({
          ...opts,
          read(cb) {
            this.push(i === data.length ? null : data[i++]);
            cb(null);
          }
        });
      }
      static isBackpressured(rs) {
        return (rs._duplexState & READ_BACKPRESSURE_STATUS) !== 0 || rs._readableState.buffered >= rs._readableState.highWaterMark;
      }
      static isPaused(rs) {
        return (rs._duplexState & READ_RESUMED) === 0;
      }
      [asyncIterator]() {
        const stream2 = this;
        let error = null;
        let promiseResolve = null;
        let promiseReject = null;
        this.on("error", (err2) => {
          error = err2;
        });
        this.on("readable", onreadable);
        this.on("close", onclose);
        return {
          [asyncIterator]() {
            return this;
          },
          next() {
            return new Promise(function(resolve, reject) {
              promiseResolve = resolve;
              promiseReject = reject;
              const data = stream2.read();
              if (data !== null) ondata(data);
              else if ((stream2._duplexState & DESTROYED) !== 0) ondata(null);
            });
          },
          return() {
            return destroy(null);
          },
          throw(err2) {
            return destroy(err2);
          }
        };
        function onreadable() {
          if (promiseResolve !== null) ondata(stream2.read());
        }
        function onclose() {
          if (promiseResolve !== null) ondata(null);
        }
        function ondata(data) {
          if (promiseReject === null) return;
          if (error) {
            promiseReject(error);
          } else if (data === null && (stream2._duplexState & READ_DONE) === 0) {
            promiseReject(StreamError.STREAM_DESTROYED());
          } else {
            promiseResolve({ value: data, done: data === null });
          }
          promiseReject = promiseResolve = null;
        }
        function destroy(err2) {
          stream2.destroy(err2);
          return new Promise((resolve, reject) => {
            if (stream2._duplexState & DESTROYED) return resolve({ value: void 0, done: true });
            stream2.once("close", function() {
              if (err2) reject(err2);
              else resolve({ value: void 0, done: true });
            });
          });
        }
      }
    };
    var Writable = class extends Stream {
      constructor(opts) {
        super(opts);
        this._duplexState |= OPENING | READ_DONE;
        this._writableState = new WritableState(this, opts);
        if (opts) {
          if (opts.writev) this._writev = opts.writev;
          if (opts.write) this._write = opts.write;
          if (opts.final) this._final = opts.final;
          if (opts.eagerOpen) this._writableState.updateNextTick();
        }
      }
      cork() {
        this._duplexState |= WRITE_CORKED;
      }
      uncork() {
        this._duplexState &= WRITE_NOT_CORKED;
        this._writableState.updateNextTick();
      }
      _writev(batch, cb) {
        cb(null);
      }
      _write(data, cb) {
        this._writableState.autoBatch(data, cb);
      }
      _final(cb) {
        cb(null);
      }
      static isBackpressured(ws) {
        return (ws._duplexState & WRITE_BACKPRESSURE_STATUS) !== 0;
      }
      static drained(ws) {
        if (ws.destroyed) return Promise.resolve(false);
        const state2 = ws._writableState;
        const pending = isWritev(ws) ? Math.min(1, state2.queue.length) : state2.queue.length;
        const writes = pending + (ws._duplexState & WRITE_WRITING ? 1 : 0);
        if (writes === 0) return Promise.resolve(true);
        if (state2.drains === null) state2.drains = [];
        return new Promise((resolve) => {
          state2.drains.push({ writes, resolve });
        });
      }
      write(data) {
        this._writableState.updateNextTick();
        return this._writableState.push(data);
      }
      end(data) {
        this._writableState.updateNextTick();
        this._writableState.end(data);
        return this;
      }
    };
    var Duplex = class extends Readable3 {
      // and Writable
      constructor(opts) {
        super(opts);
        this._duplexState = OPENING | this._duplexState & READ_READ_AHEAD;
        this._writableState = new WritableState(this, opts);
        if (opts) {
          if (opts.writev) this._writev = opts.writev;
          if (opts.write) this._write = opts.write;
          if (opts.final) this._final = opts.final;
        }
      }
      cork() {
        this._duplexState |= WRITE_CORKED;
      }
      uncork() {
        this._duplexState &= WRITE_NOT_CORKED;
        this._writableState.updateNextTick();
      }
      _writev(batch, cb) {
        cb(null);
      }
      _write(data, cb) {
        this._writableState.autoBatch(data, cb);
      }
      _final(cb) {
        cb(null);
      }
      write(data) {
        this._writableState.updateNextTick();
        return this._writableState.push(data);
      }
      end(data) {
        this._writableState.updateNextTick();
        this._writableState.end(data);
        return this;
      }
    };
    var Transform3 = class extends Duplex {
      constructor(opts) {
        super(opts);
        this._transformState = new TransformState(this);
        if (opts) {
          if (opts.transform) this._transform = opts.transform;
          if (opts.flush) this._flush = opts.flush;
        }
      }
      _write(data, cb) {
        if (this._readableState.buffered >= this._readableState.highWaterMark) {
          this._transformState.data = data;
        } else {
          this._transform(data, this._transformState.afterTransform);
        }
      }
      _read(cb) {
        if (this._transformState.data !== null) {
          const data = this._transformState.data;
          this._transformState.data = null;
          cb(null);
          this._transform(data, this._transformState.afterTransform);
        } else {
          cb(null);
        }
      }
      destroy(err2) {
        super.destroy(err2);
        if (this._transformState.data !== null) {
          this._transformState.data = null;
          this._transformState.afterTransform();
        }
      }
      _transform(data, cb) {
        cb(null, data);
      }
      _flush(cb) {
        cb(null);
      }
      _final(cb) {
        this._transformState.afterFinal = cb;
        this._flush(transformAfterFlush.bind(this));
      }
    };
    var PassThrough = class extends Transform3 {
    };
    function transformAfterFlush(err2, data) {
      const cb = this._transformState.afterFinal;
      if (err2) return cb(err2);
      if (data !== null && data !== void 0) this.push(data);
      this.push(null);
      cb(null);
    }
    function pipelinePromise(...streams) {
      return new Promise((resolve, reject) => {
        return pipeline3(...streams, (err2) => {
          if (err2) return reject(err2);
          resolve();
        });
      });
    }
    function pipeline3(stream2, ...streams) {
      const all = Array.isArray(stream2) ? [...stream2, ...streams] : [stream2, ...streams];
      const done = all.length && typeof all[all.length - 1] === "function" ? all.pop() : null;
      if (all.length < 2) throw StreamError.BAD_ARGUMENT("Pipeline requires at least 2 streams");
      let src = all[0];
      let dest = null;
      let error = null;
      for (let i = 1; i < all.length; i++) {
        dest = all[i];
        if (isStreamx(src)) {
          src.pipe(dest, onerror);
        } else {
          errorHandle(src, true, i > 1, onerror);
          src.pipe(dest);
        }
        src = dest;
      }
      if (done) {
        let fin = false;
        const autoDestroy = isStreamx(dest) || !!(dest._writableState && dest._writableState.autoDestroy);
        dest.on("error", (err2) => {
          if (error === null) error = err2;
        });
        dest.on("finish", () => {
          fin = true;
          if (!autoDestroy) done(error);
        });
        if (autoDestroy) {
          dest.on("close", () => done(error || (fin ? null : StreamError.PREMATURE_CLOSE())));
        }
      }
      return dest;
      function errorHandle(s, rd, wr, onerror2) {
        s.on("error", onerror2);
        s.on("close", onclose);
        function onclose() {
          if (rd && s._readableState && !s._readableState.ended) {
            return onerror2(StreamError.PREMATURE_CLOSE());
          }
          if (wr && s._writableState && !s._writableState.ended) {
            return onerror2(StreamError.PREMATURE_CLOSE());
          }
        }
      }
      function onerror(err2) {
        if (!err2 || error) return;
        error = err2;
        for (const s of all) {
          s.destroy(err2);
        }
      }
    }
    function echo(s) {
      return s;
    }
    function isStream(stream2) {
      return !!stream2._readableState || !!stream2._writableState;
    }
    function isStreamx(stream2) {
      return typeof stream2._duplexState === "number" && isStream(stream2);
    }
    function isEnding(stream2) {
      return !!stream2._readableState && stream2._readableState.ending;
    }
    function isEnded(stream2) {
      return !!stream2._readableState && stream2._readableState.ended;
    }
    function isFinishing(stream2) {
      return !!stream2._writableState && stream2._writableState.ending;
    }
    function isFinished(stream2) {
      return !!stream2._writableState && stream2._writableState.ended;
    }
    function getStreamError(stream2, opts = {}) {
      const err2 = stream2._readableState && stream2._readableState.error || stream2._writableState && stream2._writableState.error;
      return !opts.all && StreamError.isStreamDestroyed(err2) ? null : err2;
    }
    function isReadStreamx(stream2) {
      return isStreamx(stream2) && stream2.readable;
    }
    function isDisturbed(stream2) {
      return (stream2._duplexState & OPENING) !== OPENING || (stream2._duplexState & DESTROYING) === DESTROYING || (stream2._duplexState & ACTIVE_OR_TICKING) !== 0;
    }
    function isTypedArray(data) {
      return typeof data === "object" && data !== null && typeof data.byteLength === "number";
    }
    function defaultByteLength(data) {
      return isTypedArray(data) ? data.byteLength : 1024;
    }
    function noop2() {
    }
    function abort() {
      this.destroy(StreamError.ABORTED());
    }
    function isWritev(s) {
      return s._writev !== Writable.prototype._writev && s._writev !== Duplex.prototype._writev;
    }
    module.exports = {
      pipeline: pipeline3,
      pipelinePromise,
      isStream,
      isStreamx,
      isEnding,
      isEnded,
      isFinishing,
      isFinished,
      isDisturbed,
      getStreamError,
      Stream,
      Writable,
      Readable: Readable3,
      Duplex,
      Transform: Transform3,
      // Export PassThrough for compatibility with Node.js core's stream module
      PassThrough
    };
  }
});

// node_modules/tar-stream/headers.js
var require_headers = __commonJS({
  "node_modules/tar-stream/headers.js"(exports) {
    var b4a = require_b4a();
    var ZEROS = "0000000000000000000";
    var SEVENS = "7777777777777777777";
    var ZERO_OFFSET = "0".charCodeAt(0);
    var USTAR_MAGIC = b4a.from([117, 115, 116, 97, 114, 0]);
    var USTAR_VER = b4a.from([ZERO_OFFSET, ZERO_OFFSET]);
    var GNU_MAGIC = b4a.from([117, 115, 116, 97, 114, 32]);
    var GNU_VER = b4a.from([32, 0]);
    var MASK = 4095;
    var MAGIC_OFFSET = 257;
    var VERSION_OFFSET = 263;
    exports.decodeLongPath = function decodeLongPath(buf, encoding) {
      return decodeStr(buf, 0, buf.length, encoding);
    };
    exports.encodePax = function encodePax(opts) {
      let result = "";
      if (opts.name) result += addLength(" path=" + opts.name + "\n");
      if (opts.linkname) result += addLength(" linkpath=" + opts.linkname + "\n");
      const pax = opts.pax;
      if (pax) {
        for (const key in pax) {
          result += addLength(" " + key + "=" + pax[key] + "\n");
        }
      }
      return b4a.from(result);
    };
    exports.decodePax = function decodePax(buf) {
      const result = {};
      while (buf.length) {
        let i = 0;
        while (i < buf.length && buf[i] !== 32) i++;
        const len = parseInt(b4a.toString(buf.subarray(0, i)), 10);
        if (!len) return result;
        const b = b4a.toString(buf.subarray(i + 1, len - 1));
        const keyIndex = b.indexOf("=");
        if (keyIndex === -1) return result;
        result[b.slice(0, keyIndex)] = b.slice(keyIndex + 1);
        buf = buf.subarray(len);
      }
      return result;
    };
    exports.encode = function encode(opts) {
      const buf = b4a.alloc(512);
      let name = opts.name;
      let prefix = "";
      if (opts.typeflag === 5 && name[name.length - 1] !== "/") name += "/";
      if (b4a.byteLength(name) !== name.length) return null;
      while (b4a.byteLength(name) > 100) {
        const i = name.indexOf("/");
        if (i === -1) return null;
        prefix += prefix ? "/" + name.slice(0, i) : name.slice(0, i);
        name = name.slice(i + 1);
      }
      if (b4a.byteLength(name) > 100 || b4a.byteLength(prefix) > 155) return null;
      if (opts.linkname && b4a.byteLength(opts.linkname) > 100) return null;
      b4a.write(buf, name);
      b4a.write(buf, encodeOct(opts.mode & MASK, 6), 100);
      b4a.write(buf, encodeOct(opts.uid, 6), 108);
      b4a.write(buf, encodeOct(opts.gid, 6), 116);
      encodeSize(opts.size, buf, 124);
      b4a.write(buf, encodeOct(opts.mtime.getTime() / 1e3 | 0, 11), 136);
      buf[156] = ZERO_OFFSET + toTypeflag(opts.type);
      if (opts.linkname) b4a.write(buf, opts.linkname, 157);
      b4a.copy(USTAR_MAGIC, buf, MAGIC_OFFSET);
      b4a.copy(USTAR_VER, buf, VERSION_OFFSET);
      if (opts.uname) b4a.write(buf, opts.uname, 265);
      if (opts.gname) b4a.write(buf, opts.gname, 297);
      b4a.write(buf, encodeOct(opts.devmajor || 0, 6), 329);
      b4a.write(buf, encodeOct(opts.devminor || 0, 6), 337);
      if (prefix) b4a.write(buf, prefix, 345);
      b4a.write(buf, encodeOct(cksum(buf), 6), 148);
      return buf;
    };
    exports.decode = function decode(buf, filenameEncoding, allowUnknownFormat) {
      let typeflag = buf[156] === 0 ? 0 : buf[156] - ZERO_OFFSET;
      let name = decodeStr(buf, 0, 100, filenameEncoding);
      const mode = decodeOct(buf, 100, 8);
      const uid = decodeOct(buf, 108, 8);
      const gid = decodeOct(buf, 116, 8);
      const size2 = decodeOct(buf, 124, 12);
      const mtime = decodeOct(buf, 136, 12);
      const type = toType(typeflag);
      const linkname = buf[157] === 0 ? null : decodeStr(buf, 157, 100, filenameEncoding);
      const uname = decodeStr(buf, 265, 32);
      const gname = decodeStr(buf, 297, 32);
      const devmajor = decodeOct(buf, 329, 8);
      const devminor = decodeOct(buf, 337, 8);
      const c = cksum(buf);
      if (c === 8 * 32) return null;
      if (c !== decodeOct(buf, 148, 8)) throw new Error("Invalid tar header. Maybe the tar is corrupted or it needs to be gunzipped?");
      if (isUSTAR(buf)) {
        if (buf[345]) name = decodeStr(buf, 345, 155, filenameEncoding) + "/" + name;
      } else if (isGNU(buf)) {
      } else {
        if (!allowUnknownFormat) {
          throw new Error("Invalid tar header: unknown format.");
        }
      }
      if (typeflag === 0 && name && name[name.length - 1] === "/") typeflag = 5;
      return {
        name,
        mode,
        uid,
        gid,
        size: size2,
        byteOffset: 0,
        mtime: new Date(1e3 * mtime),
        type,
        linkname,
        uname,
        gname,
        devmajor,
        devminor,
        pax: null
      };
    };
    function isUSTAR(buf) {
      return b4a.equals(USTAR_MAGIC, buf.subarray(MAGIC_OFFSET, MAGIC_OFFSET + 6));
    }
    function isGNU(buf) {
      return b4a.equals(GNU_MAGIC, buf.subarray(MAGIC_OFFSET, MAGIC_OFFSET + 6)) && b4a.equals(GNU_VER, buf.subarray(VERSION_OFFSET, VERSION_OFFSET + 2));
    }
    function clamp(index, len, defaultValue) {
      if (typeof index !== "number") return defaultValue;
      index = ~~index;
      if (index >= len) return len;
      if (index >= 0) return index;
      index += len;
      if (index >= 0) return index;
      return 0;
    }
    function toType(flag) {
      switch (flag) {
        case 0:
          return "file";
        case 1:
          return "link";
        case 2:
          return "symlink";
        case 3:
          return "character-device";
        case 4:
          return "block-device";
        case 5:
          return "directory";
        case 6:
          return "fifo";
        case 7:
          return "contiguous-file";
        case 72:
          return "pax-header";
        case 55:
          return "pax-global-header";
        case 27:
          return "gnu-long-link-path";
        case 28:
        case 30:
          return "gnu-long-path";
      }
      return null;
    }
    function toTypeflag(flag) {
      switch (flag) {
        case "file":
          return 0;
        case "link":
          return 1;
        case "symlink":
          return 2;
        case "character-device":
          return 3;
        case "block-device":
          return 4;
        case "directory":
          return 5;
        case "fifo":
          return 6;
        case "contiguous-file":
          return 7;
        case "pax-header":
          return 72;
      }
      return 0;
    }
    function indexOf(block, num, offset, end) {
      for (; offset < end; offset++) {
        if (block[offset] === num) return offset;
      }
      return end;
    }
    function cksum(block) {
      let sum = 8 * 32;
      for (let i = 0; i < 148; i++) sum += block[i];
      for (let j = 156; j < 512; j++) sum += block[j];
      return sum;
    }
    function encodeOct(val, n2) {
      val = val.toString(8);
      if (val.length > n2) return SEVENS.slice(0, n2) + " ";
      return ZEROS.slice(0, n2 - val.length) + val + " ";
    }
    function encodeSizeBin(num, buf, off) {
      buf[off] = 128;
      for (let i = 11; i > 0; i--) {
        buf[off + i] = num & 255;
        num = Math.floor(num / 256);
      }
    }
    function encodeSize(num, buf, off) {
      if (num.toString(8).length > 11) {
        encodeSizeBin(num, buf, off);
      } else {
        b4a.write(buf, encodeOct(num, 11), off);
      }
    }
    function parse256(buf) {
      let positive;
      if (buf[0] === 128) positive = true;
      else if (buf[0] === 255) positive = false;
      else return null;
      const tuple = [];
      let i;
      for (i = buf.length - 1; i > 0; i--) {
        const byte = buf[i];
        if (positive) tuple.push(byte);
        else tuple.push(255 - byte);
      }
      let sum = 0;
      const l = tuple.length;
      for (i = 0; i < l; i++) {
        sum += tuple[i] * Math.pow(256, i);
      }
      return positive ? sum : -1 * sum;
    }
    function decodeOct(val, offset, length) {
      val = val.subarray(offset, offset + length);
      offset = 0;
      if (val[offset] & 128) {
        return parse256(val);
      } else {
        while (offset < val.length && val[offset] === 32) offset++;
        const end = clamp(indexOf(val, 32, offset, val.length), val.length, val.length);
        while (offset < end && val[offset] === 0) offset++;
        if (end === offset) return 0;
        return parseInt(b4a.toString(val.subarray(offset, end)), 8);
      }
    }
    function decodeStr(val, offset, length, encoding) {
      return b4a.toString(val.subarray(offset, indexOf(val, 0, offset, offset + length)), encoding);
    }
    function addLength(str2) {
      const len = b4a.byteLength(str2);
      let digits = Math.floor(Math.log(len) / Math.log(10)) + 1;
      if (len + digits >= Math.pow(10, digits)) digits++;
      return len + digits + str2;
    }
  }
});

// node_modules/tar-stream/extract.js
var require_extract = __commonJS({
  "node_modules/tar-stream/extract.js"(exports, module) {
    var { Writable, Readable: Readable3, getStreamError } = require_streamx();
    var FIFO = require_fast_fifo();
    var b4a = require_b4a();
    var headers = require_headers();
    var EMPTY2 = b4a.alloc(0);
    var MAX_HEADER_SIZE = 4 * 1024 * 1024;
    var BufferList = class {
      constructor() {
        this.buffered = 0;
        this.shifted = 0;
        this.queue = new FIFO();
        this._offset = 0;
      }
      push(buffer) {
        this.buffered += buffer.byteLength;
        this.queue.push(buffer);
      }
      shiftFirst(size2) {
        return this.buffered === 0 ? null : this._next(size2);
      }
      shift(size2) {
        if (size2 > this.buffered) return null;
        if (size2 === 0) return EMPTY2;
        let chunk = this._next(size2);
        if (size2 === chunk.byteLength) return chunk;
        const chunks = [chunk];
        while ((size2 -= chunk.byteLength) > 0) {
          chunk = this._next(size2);
          chunks.push(chunk);
        }
        return b4a.concat(chunks);
      }
      _next(size2) {
        const buf = this.queue.peek();
        const rem = buf.byteLength - this._offset;
        if (size2 >= rem) {
          const sub = this._offset ? buf.subarray(this._offset, buf.byteLength) : buf;
          this.queue.shift();
          this._offset = 0;
          this.buffered -= rem;
          this.shifted += rem;
          return sub;
        }
        this.buffered -= size2;
        this.shifted += size2;
        return buf.subarray(this._offset, this._offset += size2);
      }
    };
    var Source = class extends Readable3 {
      constructor(self2, header2, offset) {
        super();
        this.header = header2;
        this.offset = offset;
        this._parent = self2;
      }
      _read(cb) {
        if (this.header.size === 0) {
          this.push(null);
        }
        if (this._parent._stream === this) {
          this._parent._update();
        }
        cb(null);
      }
      _predestroy() {
        this._parent.destroy(getStreamError(this));
      }
      _detach() {
        if (this._parent._stream === this) {
          this._parent._stream = null;
          this._parent._missing = overflow(this.header.size);
          this._parent._update();
        }
      }
      _destroy(cb) {
        this._detach();
        cb(null);
      }
    };
    var Extract = class extends Writable {
      constructor(opts) {
        super(opts);
        if (!opts) opts = {};
        this._buffer = new BufferList();
        this._offset = 0;
        this._header = null;
        this._stream = null;
        this._missing = 0;
        this._longHeader = false;
        this._callback = noop2;
        this._locked = false;
        this._finished = false;
        this._pax = null;
        this._paxGlobal = null;
        this._gnuLongPath = null;
        this._gnuLongLinkPath = null;
        this._filenameEncoding = opts.filenameEncoding || "utf-8";
        this._allowUnknownFormat = !!opts.allowUnknownFormat;
        this._unlockBound = this._unlock.bind(this);
      }
      _unlock(err2) {
        this._locked = false;
        if (err2) {
          this.destroy(err2);
          this._continueWrite(err2);
          return;
        }
        this._update();
      }
      _consumeHeader() {
        if (this._locked) return false;
        this._offset = this._buffer.shifted;
        try {
          this._header = headers.decode(this._buffer.shift(512), this._filenameEncoding, this._allowUnknownFormat);
        } catch (err2) {
          this._continueWrite(err2);
          return false;
        }
        if (!this._header) return true;
        this._header.byteOffset = this._buffer.shifted;
        switch (this._header.type) {
          case "gnu-long-path":
          case "gnu-long-link-path":
          case "pax-global-header":
          case "pax-header":
            this._longHeader = true;
            this._missing = this._header.size;
            if (this._missing > MAX_HEADER_SIZE) {
              this._continueWrite(new Error("Header exceeds max size"));
              return false;
            }
            return true;
        }
        this._locked = true;
        this._applyLongHeaders();
        if (!(this._header.size >= 0)) {
          this._continueWrite(new Error("Invalid header"));
          return false;
        }
        if (this._header.size === 0 || this._header.type === "directory") {
          this.emit("entry", this._header, this._createStream(), this._unlockBound);
          return true;
        }
        this._stream = this._createStream();
        this._missing = this._header.size;
        this.emit("entry", this._header, this._stream, this._unlockBound);
        return true;
      }
      _applyLongHeaders() {
        if (this._gnuLongPath) {
          this._header.name = this._gnuLongPath;
          this._gnuLongPath = null;
        }
        if (this._gnuLongLinkPath) {
          this._header.linkname = this._gnuLongLinkPath;
          this._gnuLongLinkPath = null;
        }
        if (this._pax) {
          if (this._pax.path) this._header.name = this._pax.path;
          if (this._pax.linkpath) this._header.linkname = this._pax.linkpath;
          if (this._pax.size) this._header.size = parseInt(this._pax.size, 10);
          this._header.pax = this._pax;
          this._pax = null;
        }
      }
      _decodeLongHeader(buf) {
        switch (this._header.type) {
          case "gnu-long-path":
            this._gnuLongPath = headers.decodeLongPath(buf, this._filenameEncoding);
            break;
          case "gnu-long-link-path":
            this._gnuLongLinkPath = headers.decodeLongPath(buf, this._filenameEncoding);
            break;
          case "pax-global-header":
            this._paxGlobal = headers.decodePax(buf);
            break;
          case "pax-header":
            this._pax = this._paxGlobal === null ? headers.decodePax(buf) : Object.assign({}, this._paxGlobal, headers.decodePax(buf));
            break;
        }
      }
      _consumeLongHeader() {
        this._longHeader = false;
        this._missing = overflow(this._header.size);
        const buf = this._buffer.shift(this._header.size);
        try {
          this._decodeLongHeader(buf);
        } catch (err2) {
          this._continueWrite(err2);
          return false;
        }
        return true;
      }
      _consumeStream() {
        const buf = this._buffer.shiftFirst(this._missing);
        if (buf === null) return false;
        this._missing -= buf.byteLength;
        const drained = this._stream.push(buf);
        if (this._missing === 0) {
          this._stream.push(null);
          if (drained) this._stream._detach();
          return drained && this._locked === false;
        }
        return drained;
      }
      _createStream() {
        return new Source(this, this._header, this._offset);
      }
      _update() {
        while (this._buffer.buffered > 0 && !this.destroying) {
          if (this._missing > 0) {
            if (this._stream !== null) {
              if (this._consumeStream() === false) return;
              continue;
            }
            if (this._longHeader === true) {
              if (this._missing > this._buffer.buffered) break;
              if (this._consumeLongHeader() === false) return false;
              continue;
            }
            const ignore = this._buffer.shiftFirst(this._missing);
            if (ignore !== null) this._missing -= ignore.byteLength;
            continue;
          }
          if (this._buffer.buffered < 512) break;
          if (this._stream !== null || this._consumeHeader() === false) return;
        }
        this._continueWrite(null);
      }
      _continueWrite(err2) {
        const cb = this._callback;
        this._callback = noop2;
        cb(err2);
      }
      _write(data, cb) {
        this._callback = cb;
        this._buffer.push(data);
        this._update();
      }
      _final(cb) {
        this._finished = this._missing === 0 && this._buffer.buffered === 0;
        cb(this._finished ? null : new Error("Unexpected end of data"));
      }
      _predestroy() {
        this._continueWrite(null);
      }
      _destroy(cb) {
        if (this._stream) this._stream.destroy(getStreamError(this));
        cb(null);
      }
      [Symbol.asyncIterator]() {
        let error = null;
        let promiseResolve = null;
        let promiseReject = null;
        let entryStream = null;
        let entryCallback = null;
        const extract = this;
        this.on("entry", onentry);
        this.on("error", (err2) => {
          error = err2;
        });
        this.on("close", onclose);
        return {
          [Symbol.asyncIterator]() {
            return this;
          },
          next() {
            return new Promise(onnext);
          },
          return() {
            return destroy(null);
          },
          throw(err2) {
            return destroy(err2);
          }
        };
        function consumeCallback(err2) {
          if (!entryCallback) return;
          const cb = entryCallback;
          entryCallback = null;
          cb(err2);
        }
        function onnext(resolve, reject) {
          if (error) {
            return reject(error);
          }
          if (entryStream) {
            resolve({ value: entryStream, done: false });
            entryStream = null;
            return;
          }
          promiseResolve = resolve;
          promiseReject = reject;
          consumeCallback(null);
          if (extract._finished && promiseResolve) {
            promiseResolve({ value: void 0, done: true });
            promiseResolve = promiseReject = null;
          }
        }
        function onentry(header2, stream2, callback) {
          entryCallback = callback;
          stream2.on("error", noop2);
          if (promiseResolve) {
            promiseResolve({ value: stream2, done: false });
            promiseResolve = promiseReject = null;
          } else {
            entryStream = stream2;
          }
        }
        function onclose() {
          consumeCallback(error);
          if (!promiseResolve) return;
          if (error) promiseReject(error);
          else promiseResolve({ value: void 0, done: true });
          promiseResolve = promiseReject = null;
        }
        function destroy(err2) {
          extract.destroy(err2);
          consumeCallback(err2);
          return new Promise((resolve, reject) => {
            if (extract.destroyed) return resolve({ value: void 0, done: true });
            extract.once("close", function() {
              if (err2) reject(err2);
              else resolve({ value: void 0, done: true });
            });
          });
        }
      }
    };
    module.exports = function extract(opts) {
      return new Extract(opts);
    };
    function noop2() {
    }
    function overflow(size2) {
      size2 &= 511;
      return size2 && 512 - size2;
    }
  }
});

// node_modules/tar-stream/constants.js
var require_constants3 = __commonJS({
  "node_modules/tar-stream/constants.js"(exports, module) {
    var constants = {
      // just for envs without fs
      S_IFMT: 61440,
      S_IFDIR: 16384,
      S_IFCHR: 8192,
      S_IFBLK: 24576,
      S_IFIFO: 4096,
      S_IFLNK: 40960
    };
    try {
      module.exports = __require("fs").constants || constants;
    } catch {
      module.exports = constants;
    }
  }
});

// node_modules/tar-stream/pack.js
var require_pack = __commonJS({
  "node_modules/tar-stream/pack.js"(exports, module) {
    var { Readable: Readable3, Writable, getStreamError } = require_streamx();
    var b4a = require_b4a();
    var constants = require_constants3();
    var headers = require_headers();
    var DMODE = 493;
    var FMODE = 420;
    var END_OF_TAR = b4a.alloc(1024);
    var Sink = class extends Writable {
      constructor(pack, header2, callback) {
        super({ mapWritable, eagerOpen: true });
        this.written = 0;
        this.header = header2;
        this._callback = callback;
        this._linkname = null;
        this._isLinkname = header2.type === "symlink" && !header2.linkname;
        this._isVoid = header2.type !== "file" && header2.type !== "contiguous-file";
        this._finished = false;
        this._pack = pack;
        this._openCallback = null;
        if (this._pack._stream === null) this._pack._stream = this;
        else this._pack._pending.push(this);
      }
      _open(cb) {
        this._openCallback = cb;
        if (this._pack._stream === this) this._continueOpen();
      }
      _continuePack(err2) {
        if (this._callback === null) return;
        const callback = this._callback;
        this._callback = null;
        callback(err2);
      }
      _continueOpen() {
        if (this._pack._stream === null) this._pack._stream = this;
        const cb = this._openCallback;
        this._openCallback = null;
        if (cb === null) return;
        if (this._pack.destroying) return cb(new Error("pack stream destroyed"));
        if (this._pack._finalized) return cb(new Error("pack stream is already finalized"));
        this._pack._stream = this;
        if (!this._isLinkname) {
          this._pack._encode(this.header);
        }
        if (this._isVoid) {
          this._finish();
          this._continuePack(null);
        }
        cb(null);
      }
      _write(data, cb) {
        if (this._isLinkname) {
          this._linkname = this._linkname ? b4a.concat([this._linkname, data]) : data;
          return cb(null);
        }
        if (this._isVoid) {
          if (data.byteLength > 0) {
            return cb(new Error("No body allowed for this entry"));
          }
          return cb();
        }
        this.written += data.byteLength;
        if (this._pack.push(data)) return cb();
        this._pack._drain = cb;
      }
      _finish() {
        if (this._finished) return;
        this._finished = true;
        if (this._isLinkname) {
          this.header.linkname = this._linkname ? b4a.toString(this._linkname, "utf-8") : "";
          this._pack._encode(this.header);
        }
        overflow(this._pack, this.header.size);
        this._pack._done(this);
      }
      _final(cb) {
        if (this.written !== this.header.size) {
          return cb(new Error("Size mismatch"));
        }
        this._finish();
        cb(null);
      }
      _getError() {
        return getStreamError(this) || new Error("tar entry destroyed");
      }
      _predestroy() {
        this._pack.destroy(this._getError());
      }
      _destroy(cb) {
        this._pack._done(this);
        this._continuePack(this._finished ? null : this._getError());
        cb();
      }
    };
    var Pack = class extends Readable3 {
      constructor(opts) {
        super(opts);
        this._drain = noop2;
        this._finalized = false;
        this._finalizing = false;
        this._pending = [];
        this._stream = null;
      }
      entry(header2, buffer, callback) {
        if (this._finalized || this.destroying) throw new Error("already finalized or destroyed");
        if (typeof buffer === "function") {
          callback = buffer;
          buffer = null;
        }
        if (!callback) callback = noop2;
        if (!header2.size || header2.type === "symlink") header2.size = 0;
        if (!header2.type) header2.type = modeToType(header2.mode);
        if (!header2.mode) header2.mode = header2.type === "directory" ? DMODE : FMODE;
        if (!header2.uid) header2.uid = 0;
        if (!header2.gid) header2.gid = 0;
        if (!header2.mtime) header2.mtime = /* @__PURE__ */ new Date();
        if (typeof buffer === "string") buffer = b4a.from(buffer);
        const sink = new Sink(this, header2, callback);
        if (b4a.isBuffer(buffer)) {
          header2.size = buffer.byteLength;
          sink.write(buffer);
          sink.end();
          return sink;
        }
        if (sink._isVoid) {
          return sink;
        }
        return sink;
      }
      finalize() {
        if (this._stream || this._pending.length > 0) {
          this._finalizing = true;
          return;
        }
        if (this._finalized) return;
        this._finalized = true;
        this.push(END_OF_TAR);
        this.push(null);
      }
      _done(stream2) {
        if (stream2 !== this._stream) return;
        this._stream = null;
        if (this._finalizing) this.finalize();
        if (this._pending.length) this._pending.shift()._continueOpen();
      }
      _encode(header2) {
        if (!header2.pax) {
          const buf = headers.encode(header2);
          if (buf) {
            this.push(buf);
            return;
          }
        }
        this._encodePax(header2);
      }
      _encodePax(header2) {
        const paxHeader = headers.encodePax({
          name: header2.name,
          linkname: header2.linkname,
          pax: header2.pax
        });
        const newHeader = {
          name: "PaxHeader",
          mode: header2.mode,
          uid: header2.uid,
          gid: header2.gid,
          size: paxHeader.byteLength,
          mtime: header2.mtime,
          type: "pax-header",
          linkname: header2.linkname && "PaxHeader",
          uname: header2.uname,
          gname: header2.gname,
          devmajor: header2.devmajor,
          devminor: header2.devminor
        };
        this.push(headers.encode(newHeader));
        this.push(paxHeader);
        overflow(this, paxHeader.byteLength);
        newHeader.size = header2.size;
        newHeader.type = header2.type;
        this.push(headers.encode(newHeader));
      }
      _doDrain() {
        const drain = this._drain;
        this._drain = noop2;
        drain();
      }
      _predestroy() {
        const err2 = getStreamError(this);
        if (this._stream) this._stream.destroy(err2);
        while (this._pending.length) {
          const stream2 = this._pending.shift();
          stream2.destroy(err2);
          stream2._continueOpen();
        }
        this._doDrain();
      }
      _read(cb) {
        this._doDrain();
        cb();
      }
    };
    module.exports = function pack(opts) {
      return new Pack(opts);
    };
    function modeToType(mode) {
      switch (mode & constants.S_IFMT) {
        case constants.S_IFBLK:
          return "block-device";
        case constants.S_IFCHR:
          return "character-device";
        case constants.S_IFDIR:
          return "directory";
        case constants.S_IFIFO:
          return "fifo";
        case constants.S_IFLNK:
          return "symlink";
      }
      return "file";
    }
    function noop2() {
    }
    function overflow(self2, size2) {
      size2 &= 511;
      if (size2) self2.push(END_OF_TAR.subarray(0, 512 - size2));
    }
    function mapWritable(buf) {
      return b4a.isBuffer(buf) ? buf : b4a.from(buf);
    }
  }
});

// node_modules/tar-stream/index.js
var require_tar_stream = __commonJS({
  "node_modules/tar-stream/index.js"(exports) {
    exports.extract = require_extract();
    exports.pack = require_pack();
  }
});

// src/layers/capture-matcher.ts
function captureMatcher(spec) {
  let matcher = compiled.get(spec);
  if (matcher === void 0) {
    matcher = spec.globs.length === 0 ? never : (0, import_picomatch3.default)(spec.globs, { dot: true });
    compiled.set(spec, matcher);
  }
  return matcher;
}
var import_picomatch3, never, compiled;
var init_capture_matcher = __esm({
  "src/layers/capture-matcher.ts"() {
    "use strict";
    import_picomatch3 = __toESM(require_picomatch2(), 1);
    never = () => false;
    compiled = /* @__PURE__ */ new WeakMap();
  }
});

// src/layers/entry-content.ts
import { createHash as createHash6 } from "node:crypto";
var EntryContent;
var init_entry_content = __esm({
  "src/layers/entry-content.ts"() {
    "use strict";
    EntryContent = class {
      constructor(matches2, maxFileBytes, probes, captured, warnings) {
        this.matches = matches2;
        this.maxFileBytes = maxFileBytes;
        this.probes = probes;
        this.captured = captured;
        this.warnings = warnings;
      }
      matches;
      maxFileBytes;
      probes;
      captured;
      warnings;
      hash = null;
      capture = null;
      captureOffset = 0;
      probeRuns = [];
      begin(entry) {
        this.hash = createHash6("sha256");
        this.capture = null;
        this.captureOffset = 0;
        if (this.matches(entry.path)) {
          if (entry.size <= this.maxFileBytes) {
            this.capture = Buffer.allocUnsafe(entry.size);
          } else {
            this.captured.delete(entry.path);
            this.warnings.push({
              code: "CAPTURE_TOO_LARGE",
              path: entry.path,
              message: `${entry.path} is ${entry.size} bytes, over the ${this.maxFileBytes}-byte capture limit; its content was not kept`
            });
          }
        } else if (this.captured.size > 0) {
          this.captured.delete(entry.path);
        }
        for (const probe of this.probes) {
          if (probe.matches(entry.path, entry.size, entry.mode)) {
            this.probeRuns.push({ id: probe.id, run: probe.start(entry.path, entry.size) });
          }
        }
      }
      write(chunk) {
        if (this.hash === null) return;
        this.hash.update(chunk);
        if (this.capture !== null) {
          chunk.copy(this.capture, this.captureOffset);
          this.captureOffset += chunk.length;
        }
        for (const active of this.probeRuns) active.run.write(chunk);
      }
      finish(entry) {
        if (this.hash === null) return;
        entry.sha256 = this.hash.digest("hex");
        this.hash = null;
        if (this.capture !== null) {
          this.captured.set(entry.path, this.capture);
          this.capture = null;
        }
        if (this.probeRuns.length > 0) {
          for (const active of this.probeRuns) {
            const result = active.run.end();
            if (result !== void 0) (entry.probes ??= {})[active.id] = result;
          }
          this.probeRuns.length = 0;
        }
      }
    };
  }
});

// src/layers/layer-errors.ts
function layerTooLarge(layer, cap) {
  return new ImageChangelogError(
    "LAYER_TOO_LARGE",
    `layer ${layer} expands past ${cap} bytes uncompressed (the decompression-bomb cap); reading stopped`,
    { subject: layer, hint: "if the layer is genuine, raise the maxUncompressedBytes limit" }
  );
}
function tooManyEntries(layer, cap) {
  return new ImageChangelogError(
    "TOO_MANY_ENTRIES",
    `layer ${layer} holds more than ${cap} tar entries; reading stopped`,
    {
      subject: layer,
      hint: "if the layer is genuine, raise the maxEntries limit"
    }
  );
}
function layerCorrupt(layer, what, cause) {
  return new ImageChangelogError("LAYER_CORRUPT", `layer ${layer} is corrupt: ${what}: ${cause.message}`, {
    subject: layer,
    hint: "the blob is truncated or damaged; fetch or rebuild the image",
    cause
  });
}
function digestMismatch(layer, expected, actual) {
  return new ImageChangelogError(
    "DIGEST_MISMATCH",
    `layer ${layer}: stored blob has digest ${actual}, expected ${expected}`,
    {
      subject: layer,
      hint: "the blob is corrupt or was altered; fetch the image again"
    }
  );
}
function diffIdMismatch(layer, expected, actual) {
  return new ImageChangelogError(
    "DIFFID_MISMATCH",
    `layer ${layer}: uncompressed tar has digest ${actual}, but the image config lists diffID ${expected}`,
    { subject: layer, hint: "the layer does not belong to this image config, or is corrupt" }
  );
}
function unsupportedDigest(layer, digest) {
  return new ImageChangelogError(
    "UNSUPPORTED_DIGEST",
    `layer ${layer}: digest ${JSON.stringify(digest)} uses an unsupported algorithm`,
    {
      subject: layer,
      hint: "digests must be sha256, sha384 or sha512"
    }
  );
}
var init_layer_errors = __esm({
  "src/layers/layer-errors.ts"() {
    "use strict";
    init_errors();
  }
});

// src/layers/zstd-frames.ts
import { Transform } from "node:stream";
var Field, FIELD_BYTES, ZSTD_MAGIC, DICT_ID_BYTES, CONTENT_SIZE_BYTES, ZstdFrameTracker, ZstdFrameCheck;
var init_zstd_frames = __esm({
  "src/layers/zstd-frames.ts"() {
    "use strict";
    Field = { Magic: 0, SkippableSize: 1, FrameHeaderDescriptor: 2, BlockHeader: 3 };
    FIELD_BYTES = [4, 4, 1, 3];
    ZSTD_MAGIC = 4247762216;
    DICT_ID_BYTES = [0, 1, 2, 4];
    CONTENT_SIZE_BYTES = [0, 2, 4, 8];
    ZstdFrameTracker = class {
      field = Field.Magic;
      bytes = Buffer.alloc(4);
      have = 0;
      /** Bytes to pass over (header rest, block content) before the next field. */
      skip = 0;
      checksum = false;
      frames = 0;
      /** Feed the next stored bytes; throws when they cannot be zstd. */
      update(chunk) {
        const n2 = chunk.length;
        let i = 0;
        while (i < n2) {
          if (this.skip > 0) {
            const k = Math.min(this.skip, n2 - i);
            this.skip -= k;
            i += k;
            continue;
          }
          const need = FIELD_BYTES[this.field];
          while (this.have < need && i < n2) this.bytes[this.have++] = chunk[i++];
          if (this.have < need) return;
          this.have = 0;
          this.onField();
        }
      }
      /** True when the bytes so far end exactly after a complete frame. */
      get complete() {
        return this.frames > 0 && this.field === Field.Magic && this.have === 0 && this.skip === 0;
      }
      onField() {
        const b = this.bytes;
        switch (this.field) {
          case Field.Magic: {
            const magic2 = b.readUInt32LE(0);
            if (magic2 === ZSTD_MAGIC) this.field = Field.FrameHeaderDescriptor;
            else if ((magic2 & 4294967280) >>> 0 === 407710288) this.field = Field.SkippableSize;
            else throw new Error("zstd: bad frame magic number");
            return;
          }
          case Field.SkippableSize:
            this.skip = b.readUInt32LE(0);
            this.field = Field.Magic;
            return;
          case Field.FrameHeaderDescriptor: {
            const d = b[0];
            if (d & 8) throw new Error("zstd: reserved bit set in frame header");
            const singleSegment = d >> 5 & 1;
            const contentSizeFlag = d >> 6;
            this.checksum = (d >> 2 & 1) === 1;
            this.skip = (singleSegment ? 0 : 1) + DICT_ID_BYTES[d & 3] + (contentSizeFlag === 0 ? singleSegment : CONTENT_SIZE_BYTES[contentSizeFlag]);
            this.field = Field.BlockHeader;
            return;
          }
          case Field.BlockHeader: {
            const h = b[0] | b[1] << 8 | b[2] << 16;
            const last = h & 1;
            const type = h >> 1 & 3;
            if (type === 3) throw new Error("zstd: reserved block type");
            this.skip = type === 1 ? 1 : h >>> 3;
            if (last) {
              if (this.checksum) this.skip += 4;
              this.frames++;
              this.field = Field.Magic;
            }
            return;
          }
        }
      }
    };
    ZstdFrameCheck = class extends Transform {
      tracker = new ZstdFrameTracker();
      _transform(chunk, _encoding, callback) {
        try {
          this.tracker.update(chunk);
        } catch (err2) {
          callback(err2);
          return;
        }
        callback(null, chunk);
      }
      _flush(callback) {
        callback(this.tracker.complete ? null : new Error("zstd: unexpected end of data (incomplete frame)"));
      }
    };
  }
});

// src/layers/compression.ts
import * as stream from "node:stream";
import { Transform as Transform2 } from "node:stream";
import * as zlib from "node:zlib";
function sniffCompression(head) {
  if (head.length >= 2 && head[0] === 31 && head[1] === 139) return "gzip";
  if (head.length >= 4 && head[0] === 40 && head[1] === 181 && head[2] === 47 && head[3] === 253) {
    return "zstd";
  }
  return "none";
}
function nativeZstdFactory() {
  const candidate = zlib.createZstdDecompress;
  return typeof candidate === "function" ? candidate : void 0;
}
function createDecompressor(kind, options = {}) {
  if (kind === "gzip") return zlib.createGunzip({ chunkSize: OUTPUT_CHUNK_BYTES });
  const native = options.nativeZstd === false ? void 0 : nativeZstdFactory();
  if (native) {
    const { compose } = stream;
    return compose(new ZstdFrameCheck(), native({ chunkSize: OUTPUT_CHUNK_BYTES }));
  }
  return new FzstdDecompress();
}
function zstdError(err2) {
  const code = err2.code;
  if (code === FZSTD_UNEXPECTED_EOF) return new Error("zstd: unexpected end of data (incomplete frame)");
  const message = err2 instanceof Error ? err2.message : String(err2);
  return new Error(`zstd: ${message}`);
}
var SNIFF_BYTES, OUTPUT_CHUNK_BYTES, EMPTY, FzstdDecompress, FZSTD_UNEXPECTED_EOF;
var init_compression = __esm({
  "src/layers/compression.ts"() {
    "use strict";
    init_esm();
    init_zstd_frames();
    SNIFF_BYTES = 4;
    OUTPUT_CHUNK_BYTES = 64 * 1024;
    EMPTY = new Uint8Array(0);
    FzstdDecompress = class extends Transform2 {
      decoder;
      constructor() {
        super();
        this.decoder = new Decompress((data) => {
          if (data.length > 0) this.push(Buffer.from(data.buffer, data.byteOffset, data.length));
        });
      }
      _transform(chunk, _encoding, callback) {
        try {
          this.decoder.push(chunk);
        } catch (err2) {
          callback(zstdError(err2));
          return;
        }
        callback();
      }
      _flush(callback) {
        try {
          this.decoder.push(EMPTY, true);
        } catch (err2) {
          callback(zstdError(err2));
          return;
        }
        callback();
      }
    };
    FZSTD_UNEXPECTED_EOF = 5;
  }
});

// src/layers/paths.ts
function normalizeEntryPath(name, layer = "unknown layer") {
  if (name === "" || name === "." || name === "./" || name === "/") return null;
  if (!NEEDS_WORK.test(name)) return name;
  if (name.includes("\0")) {
    throw new ImageChangelogError(
      "PATH_INVALID",
      `tar entry name ${JSON.stringify(name)} in layer ${layer} contains a NUL byte`,
      { subject: layer, hint: "the layer is malformed or hostile; rebuild it" }
    );
  }
  const kept = [];
  for (const segment of name.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      throw new ImageChangelogError(
        "PATH_ESCAPE",
        `tar entry ${JSON.stringify(name)} in layer ${layer} has a ".." segment (path escape)`,
        { subject: layer, hint: "the layer is malformed or hostile; rebuild it" }
      );
    }
    kept.push(segment);
  }
  return kept.length === 0 ? null : kept.join("/");
}
function parentPath(path) {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}
var NEEDS_WORK;
var init_paths = __esm({
  "src/layers/paths.ts"() {
    "use strict";
    init_errors();
    NEEDS_WORK = /^\.?\/|\/$|\/\/|(^|\/)\.\.?(\/|$)|\0/;
  }
});

// src/layers/tar-entry.ts
function toWhiteout(path, warnings) {
  const slash = path.lastIndexOf("/");
  const dir = slash < 0 ? "" : path.slice(0, slash);
  const base = path.slice(slash + 1);
  if (base === OPAQUE_MARKER) return { path: dir, kind: "opaque" };
  if (base.startsWith(AUFS_META_PREFIX) || !base.startsWith(WHITEOUT_PREFIX)) return null;
  const name = base.slice(WHITEOUT_PREFIX.length);
  if (name === "" || name === "." || name === "..") {
    warnings.push({
      code: "INVALID_WHITEOUT",
      path,
      message: `whiteout ${JSON.stringify(path)} names no file; ignored`
    });
    return null;
  }
  return { path: dir === "" ? name : `${dir}/${name}`, kind: "file" };
}
function isWhiteoutPath(path) {
  if (!path.includes(WHITEOUT_PREFIX)) return false;
  const base = path.slice(path.lastIndexOf("/") + 1);
  return base.startsWith(WHITEOUT_PREFIX) || path.startsWith(AUFS_META_PREFIX) || path.includes(`/${AUFS_META_PREFIX}`);
}
function paxNumber(pax, key) {
  if (pax === null || typeof pax !== "object") return void 0;
  const raw = pax[key];
  if (typeof raw !== "string") return void 0;
  const value2 = Number(raw);
  return Number.isFinite(value2) ? value2 : void 0;
}
function checkedNumber(value2, field, path, layer) {
  if (Number.isFinite(value2) && value2 >= 0) return value2;
  throw new ImageChangelogError(
    "LAYER_CORRUPT",
    `layer ${layer} is corrupt: tar entry ${JSON.stringify(path)} has an invalid ${field}`,
    {
      subject: layer
    }
  );
}
function toFileEntry(header2, path, layer, warnings) {
  const type = ENTRY_TYPES[header2.type];
  if (type === void 0) {
    warnings.push({
      code: "UNSUPPORTED_ENTRY_TYPE",
      path,
      message: `tar entry ${JSON.stringify(path)} has unsupported type ${String(header2.type)}; skipped`
    });
    return null;
  }
  const pax = header2.pax;
  const uid = checkedNumber(paxNumber(pax, "uid") ?? header2.uid, "uid", path, layer);
  const gid = checkedNumber(paxNumber(pax, "gid") ?? header2.gid, "gid", path, layer);
  const mode = checkedNumber(header2.mode, "mode", path, layer) & 4095;
  const entry = { path, type, mode, uid, gid, size: type === "file" ? header2.size : 0 };
  const mtime = paxNumber(pax, "mtime") ?? header2.mtime.getTime() / 1e3;
  if (Number.isFinite(mtime)) entry.mtime = Math.floor(mtime);
  if (type === "symlink") {
    entry.link = header2.linkname ?? "";
  } else if (type === "hardlink") {
    entry.link = normalizeEntryPath(header2.linkname ?? "", layer) ?? "";
  } else if (type === "char" || type === "block") {
    entry.devmajor = header2.devmajor;
    entry.devminor = header2.devminor;
  }
  return entry;
}
var ENTRY_TYPES, WHITEOUT_PREFIX, OPAQUE_MARKER, AUFS_META_PREFIX;
var init_tar_entry = __esm({
  "src/layers/tar-entry.ts"() {
    "use strict";
    init_errors();
    init_paths();
    ENTRY_TYPES = {
      file: "file",
      "contiguous-file": "file",
      directory: "dir",
      symlink: "symlink",
      link: "hardlink",
      "character-device": "char",
      "block-device": "block",
      fifo: "fifo"
    };
    WHITEOUT_PREFIX = ".wh.";
    OPAQUE_MARKER = ".wh..wh..opq";
    AUFS_META_PREFIX = ".wh..wh.";
  }
});

// src/layers/wait-for-event.ts
function waitForEvent(stream2, event, closedError) {
  return new Promise((resolve, reject) => {
    if (stream2.destroyed) {
      reject(closedError());
      return;
    }
    const cleanup = () => {
      stream2.off(event, onEvent);
      stream2.off("error", onError);
      stream2.off("close", onClose);
    };
    const onEvent = () => {
      cleanup();
      resolve();
    };
    const onError = (error) => {
      cleanup();
      reject(error);
    };
    const onClose = () => {
      cleanup();
      reject(closedError());
    };
    stream2.on(event, onEvent);
    stream2.on("error", onError);
    stream2.on("close", onClose);
  });
}
var init_wait_for_event = __esm({
  "src/layers/wait-for-event.ts"() {
    "use strict";
  }
});

// src/layers/read-layer.ts
import { createHash as createHash7 } from "node:crypto";
import { pipeline as pipeline2 } from "node:stream/promises";
function noop() {
}
function toError(err2) {
  return err2 instanceof Error ? err2 : new Error(String(err2));
}
function hashFor(digest, layer) {
  const algorithm = digest.slice(0, digest.indexOf(":"));
  if (!SUPPORTED_DIGESTS.has(algorithm)) throw unsupportedDigest(layer, digest);
  return createHash7(algorithm);
}
function digestString(like, hash) {
  return `${like.slice(0, like.indexOf(":"))}:${hash.digest("hex")}`;
}
function asBuffer(chunk) {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError(`layer stream yielded ${typeof chunk}, not bytes`);
}
async function readLayer(layer, spec, options = {}) {
  return new LayerReader(layer, spec, options).read();
}
var import_tar_stream, DEFAULT_MAX_UNCOMPRESSED_BYTES, DEFAULT_MAX_ENTRIES, TAR_HIGH_WATER_MARK, SUPPORTED_DIGESTS, LayerReader;
var init_read_layer = __esm({
  "src/layers/read-layer.ts"() {
    "use strict";
    import_tar_stream = __toESM(require_tar_stream(), 1);
    init_capture_matcher();
    init_entry_content();
    init_layer_errors();
    init_compression();
    init_paths();
    init_tar_entry();
    init_wait_for_event();
    DEFAULT_MAX_UNCOMPRESSED_BYTES = 64 * 1024 ** 3;
    DEFAULT_MAX_ENTRIES = 2e6;
    TAR_HIGH_WATER_MARK = 256 * 1024;
    SUPPORTED_DIGESTS = /* @__PURE__ */ new Set(["sha256", "sha384", "sha512"]);
    LayerReader = class {
      constructor(layer, spec, options) {
        this.layer = layer;
        this.options = options;
        this.name = layer.digest;
        this.maxBytes = options.maxUncompressedBytes ?? DEFAULT_MAX_UNCOMPRESSED_BYTES;
        this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
        this.matches = captureMatcher(spec);
        this.content = new EntryContent(
          this.matches,
          spec.maxFileBytes,
          spec.probes,
          this.captured,
          this.warnings
        );
        this.diffHash = hashFor(layer.diffID, this.name);
        if (layer.digest !== layer.diffID) this.storedHash = hashFor(layer.digest, this.name);
        this.extract = import_tar_stream.default.extract({ highWaterMark: TAR_HIGH_WATER_MARK });
        this.extract.on("entry", this.onEntryBound);
        this.extract.on("error", (error) => {
          if (error !== this.failure) this.corruption ??= { what: "tar", error };
        });
      }
      layer;
      options;
      name;
      maxBytes;
      maxEntries;
      matches;
      content;
      aborter = new AbortController();
      extract;
      compression = "none";
      storedHash = null;
      diffHash;
      storedSize = 0;
      uncompressedSize = 0;
      headerCount = 0;
      entries = [];
      whiteouts = [];
      captured = /* @__PURE__ */ new Map();
      warnings = [];
      /** The entry whose data is streaming now, and the parser's continuation for it. */
      current = null;
      pendingNext = null;
      /** First error of each origin; the most specific one wins when reporting. */
      failure = null;
      sourceError = null;
      corruption = null;
      onEntryBound = this.onEntry.bind(this);
      onDataBound = this.onData.bind(this);
      onEndBound = this.onEnd.bind(this);
      callNextBound = this.callNext.bind(this);
      closedErrorBound = this.closedError.bind(this);
      async read() {
        const { signal } = this.options;
        signal?.throwIfAborted();
        const forwardAbort = () => this.aborter.abort(signal?.reason);
        signal?.addEventListener("abort", forwardAbort, { once: true });
        const source = await this.layer.open();
        try {
          const it = source[Symbol.asyncIterator]();
          const head = await this.readHead(it);
          this.compression = sniffCompression(head.length === 1 ? head[0] : Buffer.concat(head));
          const stored = this.storedBytes(head, it);
          const sink = this.sink.bind(this);
          const opts = { signal: this.aborter.signal };
          if (this.compression === "none") {
            await pipeline2(stored, sink, opts);
          } else {
            const decompressor = createDecompressor(this.compression, {
              nativeZstd: this.options.nativeZstd ?? true
            });
            decompressor.on("error", (error) => {
              if (error !== this.sourceError && error !== this.failure) {
                this.corruption ??= { what: `${this.compression} data`, error };
              }
            });
            await pipeline2(stored, decompressor, sink, opts);
          }
        } catch (err2) {
          throw this.explain(err2);
        } finally {
          signal?.removeEventListener("abort", forwardAbort);
          source.destroy();
          this.extract.destroy();
        }
        this.verify();
        return {
          diffID: this.layer.diffID,
          digest: this.layer.digest,
          compression: this.compression,
          compressedSize: this.storedSize,
          uncompressedSize: this.uncompressedSize,
          entries: this.entries,
          whiteouts: this.whiteouts,
          captured: this.captured,
          warnings: this.warnings
        };
      }
      /** Pull just enough leading bytes to sniff the compression. */
      async readHead(it) {
        const head = [];
        let length = 0;
        while (length < SNIFF_BYTES) {
          const next = await this.pull(it);
          if (next === null) break;
          head.push(next);
          length += next.length;
        }
        return head;
      }
      async pull(it) {
        try {
          const next = await it.next();
          return next.done ? null : asBuffer(next.value);
        } catch (err2) {
          this.sourceError ??= toError(err2);
          throw this.sourceError;
        }
      }
      async *storedBytes(head, it) {
        for (const chunk of head) {
          this.storedSize += chunk.length;
          this.storedHash?.update(chunk);
          yield chunk;
        }
        for (; ; ) {
          const chunk = await this.pull(it);
          if (chunk === null) return;
          this.storedSize += chunk.length;
          this.storedHash?.update(chunk);
          yield chunk;
        }
      }
      /** Last stage: count and hash the tar bytes, enforce the bomb cap, feed the parser with back-pressure. */
      async sink(chunks) {
        const extract = this.extract;
        for await (const chunk of chunks) {
          if (this.failure !== null) throw this.failure;
          this.uncompressedSize += chunk.length;
          if (this.uncompressedSize > this.maxBytes) throw this.fail(layerTooLarge(this.name, this.maxBytes));
          this.diffHash.update(chunk);
          if (!extract.write(chunk)) await this.settled("drain");
        }
        if (this.failure !== null) throw this.failure;
        const finished = this.settled("finish");
        extract.end(null);
        await finished;
      }
      /** Wait for the parser to emit `event`; reject when it fails or closes first. */
      settled(event) {
        return waitForEvent(this.extract, event, this.closedErrorBound);
      }
      closedError() {
        return this.failure ?? this.corruption?.error ?? new Error("tar parser closed early");
      }
      onEntry(header2, stream2, next) {
        try {
          if (++this.headerCount > this.maxEntries) throw tooManyEntries(this.name, this.maxEntries);
          const entry = this.index(header2);
          if (header2.size > 0 && header2.type !== "directory") {
            this.current = entry;
            this.pendingNext = next;
            if (entry !== null && entry.type === "file") this.content.begin(entry);
            stream2.on("error", noop);
            stream2.on("data", this.onDataBound);
            stream2.on("end", this.onEndBound);
          } else {
            if (entry !== null && entry.type === "file") {
              this.content.begin(entry);
              this.content.finish(entry);
            }
            this.pendingNext = next;
            queueMicrotask(this.callNextBound);
          }
        } catch (err2) {
          this.fail(err2);
        }
      }
      /** Turn a header into an entry or whiteout and record it; null when the header adds no entry. */
      index(header2) {
        const name = header2.name;
        if (name.includes("\uFFFD")) {
          this.warnings.push({
            code: "INVALID_UTF8_NAME",
            path: name,
            message: `tar entry name ${JSON.stringify(name)} is not valid UTF-8; invalid bytes shown as U+FFFD`
          });
        }
        const path = normalizeEntryPath(name, this.name);
        if (path === null) return null;
        if (isWhiteoutPath(path)) {
          const whiteout = toWhiteout(path, this.warnings);
          if (whiteout !== null) this.whiteouts.push(whiteout);
          return null;
        }
        const entry = toFileEntry(header2, path, this.name, this.warnings);
        if (entry === null) return null;
        this.entries.push(entry);
        if (entry.type === "hardlink" && this.matches(path)) {
          const content = this.captured.get(entry.link ?? "");
          if (content !== void 0) {
            this.captured.set(path, content);
          } else {
            this.captured.delete(path);
            this.warnings.push({
              code: "CAPTURE_HARDLINK_MISSED",
              path,
              message: `${path} is a hardlink to ${entry.link ?? ""}, whose content was not captured in this layer`
            });
          }
        } else if (entry.type !== "file" && this.captured.size > 0) {
          this.captured.delete(path);
        }
        return entry;
      }
      onData(data) {
        try {
          this.content.write(data);
        } catch (err2) {
          this.fail(err2);
        }
      }
      onEnd() {
        try {
          const entry = this.current;
          this.current = null;
          if (entry !== null && entry.type === "file") this.content.finish(entry);
          this.callNext();
        } catch (err2) {
          this.fail(err2);
        }
      }
      callNext() {
        const next = this.pendingNext;
        this.pendingNext = null;
        if (next !== null && this.failure === null) next();
      }
      /** Record the first failure and stop everything; returns it so callers can `throw this.fail(e)`. */
      fail(err2) {
        this.failure ??= toError(err2);
        this.aborter.abort(this.failure);
        this.extract.destroy(this.failure);
        return this.failure;
      }
      /** The error to report: ours first, then the caller's abort, the source's own error, corruption. */
      explain(err2) {
        if (this.failure !== null) return this.failure;
        if (this.options.signal?.aborted) return toError(err2);
        if (this.sourceError !== null) return this.sourceError;
        if (this.corruption !== null) return layerCorrupt(this.name, this.corruption.what, this.corruption.error);
        return toError(err2);
      }
      verify() {
        const { digest, diffID } = this.layer;
        if (this.storedHash !== null) {
          const actual = digestString(digest, this.storedHash);
          if (actual !== digest) throw digestMismatch(this.name, digest, actual);
        }
        const actualDiffID = digestString(diffID, this.diffHash);
        if (actualDiffID !== diffID) throw diffIdMismatch(this.name, diffID, actualDiffID);
      }
    };
  }
});

// src/util/limit.ts
function createLimiter(concurrency) {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be >= 1, got ${concurrency}`);
  let active = 0;
  const queue = [];
  const next = () => {
    active--;
    queue.shift()?.();
  };
  return (task) => new Promise((resolve, reject) => {
    const run = () => {
      active++;
      task().then(resolve, reject).finally(next);
    };
    if (active < concurrency) run();
    else queue.push(run);
  });
}
var init_limit = __esm({
  "src/util/limit.ts"() {
    "use strict";
  }
});

// src/scan/layer-indexer.ts
var LayerIndexer;
var init_layer_indexer = __esm({
  "src/scan/layer-indexer.ts"() {
    "use strict";
    init_read_layer();
    init_limit();
    LayerIndexer = class {
      constructor(options) {
        this.options = options;
        this.limit = createLimiter(options.concurrency ?? 3);
      }
      options;
      inflight = /* @__PURE__ */ new Map();
      limit;
      done = 0;
      cached = 0;
      /** The index of one layer (shared with any other request for the same diffID). */
      index(layer) {
        let p = this.inflight.get(layer.diffID);
        if (!p) {
          p = this.load(layer);
          this.inflight.set(layer.diffID, p);
        }
        return p;
      }
      /** Indexes of all layers of the images, in each image's layer order. */
      async indexImages(images) {
        const all = images.map((img) => img.layers.map((l) => this.index(l)));
        return Promise.all(all.map((ps) => Promise.all(ps)));
      }
      async load(layer) {
        const { cache, spec, signal } = this.options;
        const hit = cache ? await cache.get(layer.diffID) : void 0;
        if (hit) {
          this.cached++;
          this.report(layer.diffID);
          return hit;
        }
        const index = await this.limit(() => readLayer(layer, spec, { ...this.options.read, ...signal ? { signal } : {} }));
        if (cache) await cache.put(index);
        this.report(layer.diffID);
        return index;
      }
      report(diffID) {
        this.done++;
        this.options.onLayer?.({ total: this.inflight.size, done: this.done, cached: this.cached, diffID });
      }
    };
  }
});

// src/layers/squash.ts
function squashLayers(indexes) {
  const tree = new TreeBuilder();
  indexes.forEach((index, layer) => {
    for (const whiteout of index.whiteouts) tree.applyWhiteout(whiteout);
    for (const entry of index.entries) tree.add(entry, layer);
  });
  const captured = /* @__PURE__ */ new Map();
  indexes.forEach((index, layer) => {
    for (const [path, content] of index.captured) {
      const entry = tree.entries.get(path);
      if (entry !== void 0 && entry.layer === layer && (entry.type === "file" || entry.type === "hardlink")) {
        captured.set(path, { content, layer });
      }
    }
  });
  return { entries: tree.entries, captured, warnings: tree.warnings };
}
var TreeBuilder;
var init_squash = __esm({
  "src/layers/squash.ts"() {
    "use strict";
    init_paths();
    TreeBuilder = class {
      entries = /* @__PURE__ */ new Map();
      warnings = [];
      /**
       * Every node (a path with an entry, or an implicit directory) is listed under its parent; '' is the
       * root. Invariant: a non-directory entry has no children, so every ancestor of a node is a directory.
       */
      children = /* @__PURE__ */ new Map();
      applyWhiteout(whiteout) {
        if (whiteout.kind === "opaque") {
          if (whiteout.path === "") {
            this.entries.clear();
            this.children.clear();
          } else {
            this.removeBelow(whiteout.path);
          }
        } else {
          this.remove(whiteout.path);
        }
      }
      add(entry, layer) {
        const path = entry.path;
        if (entry.type !== "dir") this.removeBelow(path);
        this.attach(path, layer);
        const node = { ...entry, layer };
        if (node.type === "hardlink") this.resolveHardlink(node);
        this.entries.set(path, node);
      }
      /** List `path` under its parent, making implicit ancestors as needed (see the invariant). */
      attach(path, layer) {
        let child = path;
        let parent = parentPath(path);
        for (; ; ) {
          let siblings = this.children.get(parent);
          const parentKnown = parent === "" || siblings !== void 0 || this.entries.has(parent);
          if (siblings === void 0) {
            siblings = /* @__PURE__ */ new Set();
            this.children.set(parent, siblings);
          }
          siblings.add(child);
          if (parentKnown) {
            const existing = this.entries.get(parent);
            if (existing !== void 0 && existing.type !== "dir") {
              this.entries.delete(parent);
              this.warnings.push({
                code: "PARENT_NOT_DIR",
                path,
                message: `layer ${layer}: ${path} lies under ${parent}, a ${existing.type} from layer ${existing.layer}; ${parent} is treated as a directory`
              });
            }
            return;
          }
          child = parent;
          parent = parentPath(parent);
        }
      }
      resolveHardlink(node) {
        const targetPath = node.link ?? "";
        const target = this.entries.get(targetPath);
        if (target === void 0 || target.type === "hardlink" && target.sha256 === void 0) {
          this.warnings.push({
            code: "HARDLINK_TARGET_MISSING",
            path: node.path,
            message: `layer ${node.layer}: hardlink ${node.path} points to ${targetPath || "/"}, which is not in the image`
          });
          return;
        }
        if (target.type === "dir") {
          this.warnings.push({
            code: "HARDLINK_TO_DIR",
            path: node.path,
            message: `layer ${node.layer}: hardlink ${node.path} points to the directory ${targetPath}`
          });
          return;
        }
        if (target.sha256 !== void 0) node.sha256 = target.sha256;
        node.size = target.size;
        node.mode = target.mode;
        node.uid = target.uid;
        node.gid = target.gid;
      }
      /** Remove `path` and everything below it. */
      remove(path) {
        this.removeBelow(path);
        this.entries.delete(path);
        this.children.get(parentPath(path))?.delete(path);
      }
      /** Remove everything below `path`, keeping `path` itself. Walks only the removed subtree. */
      removeBelow(path) {
        const top = this.children.get(path);
        if (top === void 0) return;
        this.children.delete(path);
        const stack = [...top];
        for (let node = stack.pop(); node !== void 0; node = stack.pop()) {
          this.entries.delete(node);
          const below = this.children.get(node);
          if (below !== void 0) {
            this.children.delete(node);
            for (const child of below) stack.push(child);
          }
        }
      }
    };
  }
});

// src/catalog/ownership.ts
function resolvePath(tree, path, options = {}) {
  const maxHops = options.maxHops ?? MAX_SYMLINK_HOPS;
  const todo = path.split("/").reverse();
  const done = [];
  let hops = 0;
  while (todo.length > 0) {
    const seg = todo.pop();
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      done.pop();
      continue;
    }
    done.push(seg);
    if (!options.followFinal && !todo.some((s) => s !== "" && s !== ".")) break;
    const entry = tree.entries.get(done.join("/"));
    if (entry?.type !== "symlink" || entry.link === void 0) continue;
    if (++hops > maxHops) return void 0;
    done.pop();
    if (entry.link.startsWith("/")) done.length = 0;
    const target = entry.link.split("/");
    for (let i = target.length - 1; i >= 0; i--) todo.push(target[i]);
  }
  return done.join("/");
}
function packageKey(pkg) {
  return `${pkg.ecosystem}:${pkg.name}`;
}
function resolveOwnership(tree, packages, stateGlobs) {
  const problems = [];
  const realDirs = /* @__PURE__ */ new Map();
  const reported = /* @__PURE__ */ new Set();
  const realPath = (path, layer) => {
    const cut = path.lastIndexOf("/");
    if (cut < 0) return path;
    const dir = path.slice(0, cut);
    let real = realDirs.get(dir);
    if (!realDirs.has(dir)) {
      real = resolvePath(tree, dir, { followFinal: true });
      realDirs.set(dir, real);
    }
    if (real === void 0) {
      if (!reported.has(dir)) {
        reported.add(dir);
        const problem = {
          code: "SYMLINK_LOOP",
          path: dir,
          message: `symlink loop (more than ${MAX_SYMLINK_HOPS} links) while resolving ${dir}`
        };
        if (layer !== void 0) problem.layer = layer;
        problems.push(problem);
      }
      return void 0;
    }
    const name = path.slice(cut + 1);
    return real === "" ? name : `${real}/${name}`;
  };
  const claims = /* @__PURE__ */ new Map();
  for (const pkg of packages) {
    const key = packageKey(pkg);
    for (const file of pkg.files) {
      const real = realPath(file.path, pkg.layer);
      if (real === void 0) continue;
      const list2 = claims.get(real);
      if (list2) list2.push({ key, file });
      else claims.set(real, [{ key, file }]);
    }
  }
  const isState = stateGlobs.length > 0 ? (0, import_picomatch4.default)([...stateGlobs], { dot: true }) : () => false;
  const files = [];
  for (const path of [...tree.entries.keys()].sort()) {
    const entry = tree.entries.get(path);
    if (entry.type === "dir") {
      files.push({ ...entry, ownership: "none" });
      continue;
    }
    const real = realPath(path, entry.layer) ?? path;
    const here = claims.get(real) ?? (real !== path ? claims.get(path) : void 0);
    if (!here) {
      files.push({ ...entry, ownership: isState(path) || isState(real) ? "state" : "none" });
      continue;
    }
    const file = {
      ...entry,
      ownership: "package",
      owners: [...new Set(here.map((c) => c.key))].sort()
    };
    if (here.some((c) => c.file.config)) file.config = true;
    if (isModified(tree, entry, here)) file.modifiedAfterInstall = true;
    files.push(file);
  }
  return { files, problems };
}
function isModified(tree, entry, claims) {
  if (entry.type !== "file" && entry.type !== "hardlink") return false;
  let compared = false;
  for (const { file } of claims) {
    if (!file.digest || file.ghost) continue;
    const actual = actualDigest(tree, entry, file.digest.algorithm);
    if (actual === void 0) continue;
    if (actual === file.digest.value.toLowerCase()) return false;
    compared = true;
  }
  return compared;
}
function actualDigest(tree, entry, algorithm) {
  if (algorithm === "sha256") return entry.sha256;
  if (algorithm !== "md5" && algorithm !== "sha1") return void 0;
  if (entry.size === 0 && entry.sha256 !== void 0) return EMPTY_FILE_DIGESTS[algorithm];
  const source = entry.type === "hardlink" && entry.link !== void 0 ? tree.entries.get(entry.link) ?? entry : entry;
  const digests = entry.probes?.[FILE_DIGESTS_PROBE_ID] ?? source.probes?.[FILE_DIGESTS_PROBE_ID];
  const value2 = digests?.[algorithm];
  return typeof value2 === "string" ? value2 : void 0;
}
var import_picomatch4, MAX_SYMLINK_HOPS;
var init_ownership = __esm({
  "src/catalog/ownership.ts"() {
    "use strict";
    import_picomatch4 = __toESM(require_picomatch2(), 1);
    init_file_digests();
    MAX_SYMLINK_HOPS = 40;
  }
});

// src/scan/build-inventory.ts
async function catalogTree(ctx, catalogers) {
  const packages = [];
  const problems = [];
  const stateGlobs = [];
  for (const c of catalogers) {
    stateGlobs.push(...c.stateGlobs);
    try {
      const r = await c.catalog(ctx);
      packages.push(...r.packages);
      problems.push(...r.problems);
      if (r.stateGlobs) stateGlobs.push(...r.stateGlobs);
    } catch (err2) {
      problems.push({
        code: "CATALOGER_FAILED",
        path: c.globs[0] ?? c.id,
        message: `${c.id} cataloger failed: ${err2 instanceof Error ? err2.message : String(err2)}`
      });
    }
  }
  return { packages, problems, stateGlobs };
}
function summarizeImage(image, indexes) {
  const history2 = (image.config.history ?? []).filter((h) => !h.empty_layer);
  const layers = image.layers.map((l, i) => {
    const idx = indexes[i];
    const createdBy = history2[i]?.created_by;
    return {
      digest: l.digest,
      diffID: l.diffID,
      size: l.size >= 0 ? l.size : idx?.compressedSize ?? 0,
      uncompressedSize: idx?.uncompressedSize ?? 0,
      ...createdBy !== void 0 ? { createdBy } : {}
    };
  });
  const summary = {
    reference: image.reference,
    manifestDigest: image.manifestDigest,
    platform: formatPlatform(image.platform),
    configDigest: image.configDigest,
    layers,
    compressedSize: layers.reduce((n2, l) => n2 + l.size, 0),
    uncompressedSize: layers.reduce((n2, l) => n2 + l.uncompressedSize, 0)
  };
  if (image.indexDigest) summary.indexDigest = image.indexDigest;
  if (image.config.created) summary.created = image.config.created;
  return summary;
}
async function buildInventory(image, indexes, catalogers) {
  const tree = squashLayers([...indexes]);
  let sortedCaptured;
  const ctx = {
    tree,
    read: (path) => tree.captured.get(path)?.content,
    capturedPaths: () => sortedCaptured ??= [...tree.captured.keys()].sort()
  };
  const os = findOsRelease(ctx);
  const { packages, problems, stateGlobs } = await catalogTree(ctx, catalogers);
  const owned = resolveOwnership(tree, packages, stateGlobs);
  for (const [i, idx] of indexes.entries()) {
    for (const w of idx.warnings) {
      problems.push({ code: w.code, path: w.path ?? idx.diffID, layer: i, message: w.message });
    }
  }
  packages.sort((a, b) => a.ecosystem.localeCompare(b.ecosystem) || a.name.localeCompare(b.name) || a.location.localeCompare(b.location));
  const inventory = {
    image: summarizeImage(image, indexes),
    config: image.config,
    packages,
    files: owned.files,
    problems: [...problems, ...owned.problems]
  };
  if (os) inventory.os = os;
  return inventory;
}
var init_build_inventory = __esm({
  "src/scan/build-inventory.ts"() {
    "use strict";
    init_platform();
    init_squash();
    init_os_release();
    init_ownership();
  }
});

// src/scan/compare-images.ts
function indexer(options) {
  return new LayerIndexer({
    spec: options.capture ?? defaultCaptureSpec(),
    cache: options.cache ?? new MemoryLayerIndexCache(),
    ...options.concurrency !== void 0 ? { concurrency: options.concurrency } : {},
    ...options.limits ? { read: options.limits } : {},
    ...options.signal ? { signal: options.signal } : {},
    ...options.onLayer ? { onLayer: options.onLayer } : {}
  });
}
function open3(reference, platform, options) {
  return openImage(reference, {
    ...platform ? { platform } : {},
    ...options.sources ? { extraSources: options.sources } : {}
  });
}
async function inspectImage(reference, options = {}) {
  options.onPhase?.("open", reference);
  const image = await open3(reference, options.platform, options);
  try {
    options.onPhase?.("layers", `${image.layers.length} layers`);
    const [indexes] = await indexer(options).indexImages([image]);
    options.onPhase?.("catalog", reference);
    return await buildInventory(image, indexes ?? [], options.catalogers ?? defaultCatalogers);
  } finally {
    await image.close();
  }
}
async function compareImages(previous, current, diff, options = {}) {
  options.onPhase?.("open", current);
  const after = await open3(current, options.platform, options);
  let before;
  try {
    if (previous !== void 0) {
      options.onPhase?.("open", previous);
      before = await openPrevious(previous, after.platform, options);
    }
    const images = before ? [before, after] : [after];
    options.onPhase?.("layers", `${new Set(images.flatMap((i) => i.layers.map((l) => l.diffID))).size} distinct layers`);
    const indexes = await indexer(options).indexImages(images);
    options.onPhase?.("catalog", "packages and file ownership");
    const catalogers = options.catalogers ?? defaultCatalogers;
    const beforeInv = before ? await buildInventory(before, indexes[0] ?? [], catalogers) : void 0;
    const afterInv = await buildInventory(after, indexes[indexes.length - 1] ?? [], catalogers);
    options.onPhase?.("diff", "changes");
    const changes = diffInventories(beforeInv, afterInv, diff);
    return { ...beforeInv ? { before: beforeInv } : {}, after: afterInv, changes };
  } finally {
    await before?.close();
    await after.close();
  }
}
async function openPrevious(reference, platform, options) {
  if (options.platform) return open3(reference, options.platform, options);
  try {
    return await open3(reference, platform, options);
  } catch (err2) {
    if (isImageChangelogError(err2) && err2.code === "PLATFORM_NOT_FOUND") return open3(reference, void 0, options);
    throw err2;
  }
}
var init_compare_images = __esm({
  "src/scan/compare-images.ts"() {
    "use strict";
    init_open();
    init_layer_index_cache();
    init_registry2();
    init_diff();
    init_errors();
    init_layer_indexer();
    init_build_inventory();
  }
});

// src/render/inspect.ts
function summarizeInventory(inv) {
  const fileCounts = { file: 0, dir: 0, symlink: 0, hardlink: 0, char: 0, block: 0, fifo: 0 };
  let contentBytes = 0;
  let nonPackaged = 0;
  for (const f of inv.files) {
    fileCounts[f.type]++;
    if (f.type === "file") contentBytes += f.size;
    if (f.type !== "dir" && f.ownership === "none") nonPackaged++;
  }
  const packages = {};
  for (const p of inv.packages) packages[p.ecosystem] = (packages[p.ecosystem] ?? 0) + 1;
  const s = {
    reference: inv.image.reference,
    manifestDigest: inv.image.manifestDigest,
    platform: inv.image.platform,
    layers: inv.image.layers.map((l) => ({ diffID: l.diffID, size: l.size, uncompressedSize: l.uncompressedSize })),
    compressedSize: inv.image.compressedSize,
    uncompressedSize: inv.image.uncompressedSize,
    fileCounts,
    contentBytes,
    packages,
    nonPackagedFiles: nonPackaged,
    problems: inv.problems.length
  };
  const os = inv.os?.prettyName ?? (inv.os ? `${inv.os.id} ${inv.os.versionId ?? ""}`.trim() : void 0);
  if (os) s.os = os;
  return s;
}
function formatBytes(n2) {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let v = Math.abs(n2);
  let u = 0;
  while (v >= 1e3 && u < units.length - 1) {
    v /= 1e3;
    u++;
  }
  const s = u === 0 ? String(v) : v.toFixed(v < 10 ? 2 : 1);
  return `${n2 < 0 ? "-" : ""}${s} ${units[u]}`;
}
function renderInspectText(s, problems) {
  const clean = (t) => t.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
  const lines = [
    `image     ${clean(s.reference)}`,
    `digest    ${s.manifestDigest}`,
    `platform  ${s.platform}`,
    `os        ${clean(s.os ?? "unknown")}`,
    `size      ${formatBytes(s.compressedSize)} compressed, ${formatBytes(s.uncompressedSize)} uncompressed`,
    `layers    ${s.layers.length}`,
    ...s.layers.map((l, i) => `  ${String(i + 1).padStart(3)}  ${l.diffID.slice(0, 19)}  ${formatBytes(l.size).padStart(9)}  ${formatBytes(l.uncompressedSize).padStart(9)}`),
    `files     ${Object.entries(s.fileCounts).filter(([, n2]) => n2 > 0).map(([t, n2]) => `${n2} ${t}`).join(", ")} (${formatBytes(s.contentBytes)} of content)`,
    `packages  ${Object.keys(s.packages).length === 0 ? "none found" : Object.entries(s.packages).map(([e, n2]) => `${n2} ${e}`).join(", ")}`,
    `non-packaged files  ${s.nonPackagedFiles}`
  ];
  if (problems.length > 0) {
    lines.push(`problems  ${problems.length}`);
    for (const p of problems.slice(0, 20)) lines.push(`  ${clean(p.path)}: ${clean(p.message)}`);
    if (problems.length > 20) lines.push(`  \u2026 and ${problems.length - 20} more (see --json)`);
  }
  return `${lines.join("\n")}
`;
}
var init_inspect = __esm({
  "src/render/inspect.ts"() {
    "use strict";
  }
});

// src/render/budget.ts
function measure(surface, text) {
  return SURFACE_LIMITS[surface].unit === "bytes" ? Buffer.byteLength(text, "utf8") : text.length;
}
function budgetFor(surface, requested) {
  const max = SURFACE_LIMITS[surface].budget;
  return requested === void 0 || !Number.isFinite(requested) ? max : Math.max(0, Math.min(max, Math.floor(requested)));
}
function fitToBudget(render, totals, fits, minimal, cut) {
  const limits = { ...totals };
  let text = render(limits);
  if (fits(text)) return text;
  for (const group of SHRINK_ORDER) {
    for (; ; ) {
      const shrinkable = group.filter((k) => limits[k] > (FLOOR[k] ?? 0));
      if (shrinkable.length === 0) break;
      for (const k of shrinkable) limits[k] = Math.max(FLOOR[k] ?? 0, Math.floor(limits[k] / 2));
      text = render(limits);
      if (fits(text)) return text;
    }
  }
  text = minimal();
  return fits(text) ? text : cut(text);
}
var SURFACE_LIMITS, SHRINK_ORDER, FLOOR;
var init_budget = __esm({
  "src/render/budget.ts"() {
    "use strict";
    SURFACE_LIMITS = {
      comment: { limit: 65536, budget: 64e3, unit: "chars" },
      release: { limit: 125e3, budget: 123e3, unit: "chars" },
      summary: { limit: 1048576, budget: 1015808, unit: "bytes" }
    };
    SHRINK_ORDER = [
      ["layers"],
      ["files", "suspicious"],
      ["rollup"],
      ["settings"],
      ["packages"],
      ["downgrades", "violations"]
    ];
    FLOOR = { downgrades: 10, violations: 10 };
  }
});

// src/render/escape.ts
function isHidden(cp) {
  return cp < 32 || cp >= 127 && cp <= 159 || cp === 173 || cp === 1564 || cp === 6158 || cp >= 8203 && cp <= 8207 || cp >= 8232 && cp <= 8238 || cp >= 8288 && cp <= 8297 || cp === 65279 || cp >= 55296 && cp <= 57343 || cp >= 65529 && cp <= 65531 || cp >= 917504 && cp <= 917631;
}
function visible(cp) {
  const named2 = NAMED[cp];
  if (named2) return named2;
  const hex = cp.toString(16).toUpperCase();
  if (cp < 256) return `\\x${hex.padStart(2, "0")}`;
  if (cp < 65536) return `\\u${hex.padStart(4, "0")}`;
  return `\\u{${hex}}`;
}
function* codePoints(s, max) {
  let n2 = 0;
  for (const ch of s) {
    if (n2++ >= max) return true;
    const cp = ch.codePointAt(0);
    if (isHidden(cp)) yield { ch: visible(cp), hidden: true };
    else yield { ch, hidden: false };
  }
  return false;
}
function collect(s, max, each) {
  const parts = [];
  const it = codePoints(s, max);
  let r = it.next();
  while (!r.done) {
    parts.push(r.value);
    r = it.next();
  }
  let out = "";
  for (let i = 0; i < parts.length; i++) out += each(parts[i].ch, parts[i].hidden, parts[i + 1]?.ch ?? "");
  return r.value ? out + ELLIPSIS : out;
}
function terminalSafe(s, max = DEFAULT_MAX_CHARS) {
  return collect(s, max, (ch) => ch);
}
function escapeText(s, options = {}) {
  let out = collect(s, options.max ?? DEFAULT_MAX_CHARS, (ch, hidden, next) => {
    if (hidden) return ch.replace(/\\/g, "\\\\");
    const entity = ENTITIES[ch];
    if (entity) return entity;
    if (BACKSLASHED.has(ch)) return ch === "#" && /[0-9]/.test(next) ? `\\#${ZWSP}` : `\\${ch}`;
    if (ch === "@" && /[A-Za-z0-9_]/.test(next)) return `@${ZWSP}`;
    return ch;
  });
  out = out.replace(/(GH)(-\d)/gi, `$1${ZWSP}$2`).replace(/:\/\//g, `:${ZWSP}//`).replace(/\b(www)\./gi, `$1${ZWSP}.`);
  if (/^[-+=]/.test(out)) out = `\\${out}`;
  else out = out.replace(/^(\d+)([.)])/, "$1\\$2");
  return out;
}
function escapeCode(s, options = {}) {
  const table2 = options.table ?? true;
  const content = collect(s, options.max ?? DEFAULT_MAX_CHARS, (ch) => table2 && ch === "|" ? "\\|" : ch);
  if (content === "") return "*(empty)*";
  if (/^ +$/.test(content)) return `\`${content.replace(/ /g, "\\x20")}\``;
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = /^[` ]|[` ]$/.test(content) ? " " : "";
  return `${fence}${pad}${content}${pad}${fence}`;
}
function markerKey(key) {
  return key.replace(/[^A-Za-z0-9._:/@+=-]/g, "_").replace(/-{2,}/g, "-").slice(0, 200);
}
var DEFAULT_MAX_CHARS, ZWSP, ELLIPSIS, NAMED, BACKSLASHED, ENTITIES;
var init_escape = __esm({
  "src/render/escape.ts"() {
    "use strict";
    DEFAULT_MAX_CHARS = 200;
    ZWSP = "\u200B";
    ELLIPSIS = "\u2026";
    NAMED = { 9: "\\t", 10: "\\n", 13: "\\r" };
    BACKSLASHED = /* @__PURE__ */ new Set(["\\", "`", "*", "_", "~", "[", "]", "(", ")", "!", "#", "|", "$", "{", "}"]);
    ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
  }
});

// src/render/format.ts
function formatBytes2(bytes) {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value2 = Math.abs(bytes);
  let unit = 0;
  while (value2 >= 1e3 && unit < units.length - 1) {
    value2 /= 1e3;
    unit++;
  }
  const digits = unit === 0 || value2 >= 100 ? 0 : 1;
  return `${bytes < 0 ? "-" : ""}${value2.toFixed(digits)} ${units[unit]}`;
}
function formatSizeDelta(before, after) {
  const d = after - before;
  if (d === 0) return "\xB10";
  const pct = before > 0 ? ` (${d > 0 ? "+" : "-"}${Math.abs(d / before * 100).toFixed(1)}%)` : "";
  return `${d > 0 ? "+" : "-"}${formatBytes2(Math.abs(d))}${pct}`;
}
function formatDelta(before, after) {
  const d = after - before;
  return d === 0 ? "\xB10" : d > 0 ? `+${d}` : `${d}`;
}
function formatMode(mode) {
  return (mode & 4095).toString(8).padStart(4, "0");
}
function shortDigest(digest) {
  const m = /^([a-z0-9]+):([0-9a-f]+)$/.exec(digest);
  return m ? `${m[1]}:${m[2].slice(0, 12)}` : digest;
}
function describeOs2(os) {
  if (!os) return "unknown";
  return os.prettyName ?? (os.versionId ? `${os.id} ${os.versionId}` : os.id);
}
function plural(n2, one, many = `${one}s`) {
  return `${n2} ${n2 === 1 ? one : many}`;
}
function packageTotal(changes) {
  const c = changes.counts.packages;
  return c.added + c.removed + c.upgraded + c.downgraded + c.rebuilt;
}
function nonPackagedTotal(changes) {
  const c = changes.counts.nonPackaged;
  return c.added + c.removed + c.modified;
}
function packagesOfKind(changes, kind) {
  return changes.packages.filter((p) => p.kind === kind);
}
function nonPackagedChanges(changes) {
  return changes.files.filter((f) => f.excluded !== true && f.ownership === "none");
}
function suspiciousPackageFiles(changes) {
  return changes.files.filter((f) => f.ownership === "package" && (f.unexplained === true || f.modifiedAfterInstall === true));
}
function stateFileChanges(changes) {
  return changes.files.reduce((n2, f) => f.ownership === "state" && f.excluded !== true ? n2 + 1 : n2, 0);
}
function kindCounts(changes) {
  const c = changes.counts.packages;
  return KIND_ORDER.filter((k) => c[k] > 0).map((k) => `${c[k]} ${k}`).join(", ");
}
function typeName(state2) {
  return state2.type === "hardlink" ? "file" : state2.type === "dir" ? "directory" : state2.type;
}
function fileDetails(change2) {
  const { before: b, after: a } = change2;
  const facts = [];
  let link;
  const s = a ?? b;
  if (!s) return { facts };
  if (change2.kind === "added" || change2.kind === "removed") {
    if (s.type !== "file" && s.type !== "hardlink") facts.push(typeName(s));
    if (s.type === "file" || s.type === "hardlink") facts.push(formatBytes2(s.size));
    if (s.type !== "symlink") facts.push(`mode ${formatMode(s.mode)}`);
    if (s.uid !== 0 || s.gid !== 0) facts.push(`owner ${s.uid}:${s.gid}`);
    if (s.type === "symlink" && s.link !== void 0) link = { after: s.link };
  } else if (b && a) {
    for (const aspect of change2.aspects) {
      if (aspect === "content") facts.push(`content (${formatBytes2(b.size)} \u2192 ${formatBytes2(a.size)})`);
      else if (aspect === "type") facts.push(`type ${typeName(b)} \u2192 ${typeName(a)}`);
      else if (aspect === "mode") facts.push(`mode ${formatMode(b.mode)} \u2192 ${formatMode(a.mode)}`);
      else if (aspect === "uid") facts.push(`uid ${b.uid} \u2192 ${a.uid}`);
      else if (aspect === "gid") facts.push(`gid ${b.gid} \u2192 ${a.gid}`);
      else if (aspect === "link") link = { ...b.link !== void 0 ? { before: b.link } : {}, after: a.link ?? "" };
    }
  }
  if (a && (a.mode & 3072) !== 0 && a.type !== "dir" && (!b || (b.mode & 3072) !== (a.mode & 3072))) {
    facts.push((a.mode & 2048) !== 0 ? "setuid" : "setgid");
  }
  if (change2.modifiedAfterInstall) facts.push("differs from its package");
  return link ? { facts, link } : { facts };
}
function settingValue(key, value2) {
  if (value2 === void 0) return void 0;
  if (key.startsWith("size.") && /^\d+$/.test(value2)) return formatBytes2(Number(value2));
  return value2;
}
var KIND_ORDER, LAYER_SETTING_KEYS, QUIET_SETTING_KEYS;
var init_format = __esm({
  "src/render/format.ts"() {
    "use strict";
    KIND_ORDER = ["downgraded", "upgraded", "added", "removed", "rebuilt"];
    LAYER_SETTING_KEYS = /* @__PURE__ */ new Set(["history"]);
    QUIET_SETTING_KEYS = /* @__PURE__ */ new Set(["history", "layers", "size.compressed", "size.uncompressed"]);
  }
});

// node_modules/markdown-table/index.js
function defaultStringLength(value2) {
  return value2.length;
}
function markdownTable(table2, options) {
  const settings = options || {};
  const align = (settings.align || []).concat();
  const stringLength = settings.stringLength || defaultStringLength;
  const alignments = [];
  const cellMatrix = [];
  const sizeMatrix = [];
  const longestCellByColumn = [];
  let mostCellsPerRow = 0;
  let rowIndex = -1;
  while (++rowIndex < table2.length) {
    const row2 = [];
    const sizes2 = [];
    let columnIndex2 = -1;
    if (table2[rowIndex].length > mostCellsPerRow) {
      mostCellsPerRow = table2[rowIndex].length;
    }
    while (++columnIndex2 < table2[rowIndex].length) {
      const cell = serialize(table2[rowIndex][columnIndex2]);
      if (settings.alignDelimiters !== false) {
        const size2 = stringLength(cell);
        sizes2[columnIndex2] = size2;
        if (longestCellByColumn[columnIndex2] === void 0 || size2 > longestCellByColumn[columnIndex2]) {
          longestCellByColumn[columnIndex2] = size2;
        }
      }
      row2.push(cell);
    }
    cellMatrix[rowIndex] = row2;
    sizeMatrix[rowIndex] = sizes2;
  }
  let columnIndex = -1;
  if (typeof align === "object" && "length" in align) {
    while (++columnIndex < mostCellsPerRow) {
      alignments[columnIndex] = toAlignment(align[columnIndex]);
    }
  } else {
    const code = toAlignment(align);
    while (++columnIndex < mostCellsPerRow) {
      alignments[columnIndex] = code;
    }
  }
  columnIndex = -1;
  const row = [];
  const sizes = [];
  while (++columnIndex < mostCellsPerRow) {
    const code = alignments[columnIndex];
    let before = "";
    let after = "";
    if (code === 99) {
      before = ":";
      after = ":";
    } else if (code === 108) {
      before = ":";
    } else if (code === 114) {
      after = ":";
    }
    let size2 = settings.alignDelimiters === false ? 1 : Math.max(
      1,
      longestCellByColumn[columnIndex] - before.length - after.length
    );
    const cell = before + "-".repeat(size2) + after;
    if (settings.alignDelimiters !== false) {
      size2 = before.length + size2 + after.length;
      if (size2 > longestCellByColumn[columnIndex]) {
        longestCellByColumn[columnIndex] = size2;
      }
      sizes[columnIndex] = size2;
    }
    row[columnIndex] = cell;
  }
  cellMatrix.splice(1, 0, row);
  sizeMatrix.splice(1, 0, sizes);
  rowIndex = -1;
  const lines = [];
  while (++rowIndex < cellMatrix.length) {
    const row2 = cellMatrix[rowIndex];
    const sizes2 = sizeMatrix[rowIndex];
    const cellsInRow = settings.fillRows === false ? Math.max(1, cellMatrix[rowIndex === 1 ? 0 : rowIndex].length) : mostCellsPerRow;
    columnIndex = -1;
    const line = [];
    while (++columnIndex < cellsInRow) {
      const cell = row2[columnIndex] || "";
      let before = "";
      let after = "";
      if (settings.alignDelimiters !== false) {
        const size2 = longestCellByColumn[columnIndex] - (sizes2[columnIndex] || 0);
        const code = alignments[columnIndex];
        if (code === 114) {
          before = " ".repeat(size2);
        } else if (code === 99) {
          const half = size2 / 2;
          if (size2 % 2) {
            before = " ".repeat(half + 0.5);
            after = " ".repeat(half - 0.5);
          } else {
            before = " ".repeat(half);
            after = before;
          }
        } else {
          after = " ".repeat(size2);
        }
      }
      if (settings.delimiterStart !== false && !columnIndex) {
        line.push("|");
      }
      if (settings.padding !== false && // Don’t add the opening space if we’re not aligning and the cell is
      // empty: there will be a closing space.
      !(settings.alignDelimiters === false && cell === "") && (settings.delimiterStart !== false || columnIndex)) {
        line.push(" ");
      }
      if (settings.alignDelimiters !== false) {
        line.push(before);
      }
      line.push(cell);
      if (settings.alignDelimiters !== false) {
        line.push(after);
      }
      if (settings.padding !== false) {
        line.push(" ");
      }
      if (settings.delimiterEnd !== false || columnIndex !== cellsInRow - 1) {
        line.push("|");
      }
    }
    lines.push(
      settings.delimiterEnd === false ? line.join("").replace(/ +$/, "") : line.join("")
    );
  }
  return lines.join("\n");
}
function serialize(value2) {
  return value2 === null || value2 === void 0 ? "" : String(value2);
}
function toAlignment(value2) {
  const code = typeof value2 === "string" ? value2.codePointAt(0) : 0;
  return code === 67 || code === 99 ? 99 : code === 76 || code === 108 ? 108 : code === 82 || code === 114 ? 114 : 0;
}
var init_markdown_table = __esm({
  "node_modules/markdown-table/index.js"() {
  }
});

// src/render/markdown-table.ts
function table(header2, rows, align) {
  return markdownTable([header2, ...rows], { alignDelimiters: false, ...align ? { align } : {} });
}
var init_markdown_table2 = __esm({
  "src/render/markdown-table.ts"() {
    "use strict";
    init_markdown_table();
  }
});

// src/render/markdown-head.ts
function headline(changes) {
  const c = changes.counts;
  if (changes.firstRelease) {
    const eco = /* @__PURE__ */ new Map();
    for (const p of changes.packages) eco.set(p.ecosystem, (eco.get(p.ecosystem) ?? 0) + 1);
    const byEco = [...eco].map(([e, n2]) => `${e} ${n2}`).join(", ");
    return `**First release**: no previous image to compare with. **${plural(packageTotal(changes), "package")}**${byEco ? ` (${byEco})` : ""}, **${plural(nonPackagedTotal(changes), "non-packaged file")}**, ${escapeText(describeOs2(changes.after.os))}, ${escapeText(changes.after.summary.platform)}.`;
  }
  const parts = [];
  const pkgs = packageTotal(changes);
  if (pkgs > 0) parts.push(`**${plural(pkgs, "package")} changed** (${kindCounts(changes)})`);
  const np = nonPackagedTotal(changes);
  if (np > 0) {
    const k = c.nonPackaged;
    const detail = ["added", "removed", "modified"].filter((x) => k[x] > 0).map((x) => `${k[x]} ${x}`);
    parts.push(`**${plural(np, "non-packaged file")}** (${detail.join(", ")})`);
  }
  if (c.unexplained > 0) parts.push(`**${plural(c.unexplained, "package file")} changed without a package change**`);
  const keys = changes.settings.filter((s) => !QUIET_SETTING_KEYS.has(s.key)).map((s) => s.key);
  if (keys.length > 0) {
    const shown = keys.slice(0, 5).map((k) => escapeCode(k, { table: false, max: 60 }));
    parts.push(`settings: ${shown.join(", ")}${keys.length > 5 ? ` and ${keys.length - 5} more` : ""} changed`);
  }
  const line = parts.length > 0 ? `${parts.join(", ")}.` : "**No changes** in packages, non-packaged files or settings.";
  const notes = [];
  if (changes.platformChanged)
    notes.push(
      `\u26A0\uFE0F **Platform changed**: ${escapeText(changes.before?.summary.platform ?? "")} \u2192 ${escapeText(changes.after.summary.platform)}.`
    );
  if (changes.osChanged)
    notes.push(`**Base OS changed**: ${escapeText(describeOs2(changes.before?.os))} \u2192 ${escapeText(describeOs2(changes.after.os))}.`);
  return [line, ...notes].join("\n");
}
function sortViolations(violations) {
  const cmp2 = (a, b) => a < b ? -1 : a > b ? 1 : 0;
  return [...violations].sort(
    (a, b) => Number(a.allowed !== void 0) - Number(b.allowed !== void 0) || ACTION_RANK[a.action] - ACTION_RANK[b.action] || cmp2(a.rule, b.rule) || cmp2(a.subject, b.subject) || cmp2(a.message, b.message)
  );
}
function verdictBlock(verdict, limit, more) {
  const active = verdict.violations.filter((v) => !v.allowed);
  const count = (a) => active.filter((v) => v.action === a).length;
  const allowed = verdict.violations.length - active.length;
  const tally = [
    ...["stop", "warn", "info"].filter((a) => count(a) > 0).map((a) => `${count(a)} ${a}`),
    ...allowed > 0 ? [`${allowed} allowed`] : []
  ].join(", ");
  const kind = verdict.result === "stop" ? "CAUTION" : verdict.result === "warn" ? "WARNING" : "NOTE";
  const lines = [`> [!${kind}]`, `> **Policy ${escapeCode(verdict.policy, { table: false, max: 100 })}: ${verdict.result}**${tally ? ` (${tally})` : " (no violations)"}`];
  const sorted = sortViolations(verdict.violations);
  if (sorted.length > 0) lines.push(">");
  for (const v of sorted.slice(0, limit)) {
    const status = v.allowed ? ` (allowed: ${escapeText(v.allowed.reason, { max: 100 })}${v.allowed.expires ? `, until ${escapeText(v.allowed.expires, { max: 30 })}` : ""})` : v.expiredAllowance ? ` (allowance expired ${escapeText(v.expiredAllowance.expires, { max: 30 })})` : "";
    lines.push(
      `> - ${ICON[v.action]} **${v.action}** ${escapeCode(v.rule, { table: false, max: 80 })} ${escapeCode(v.subject, { table: false, max: 120 })}: ${escapeText(v.message)}${status}`
    );
  }
  if (sorted.length > limit) lines.push(`> - ${more(sorted.length - limit)}`);
  return lines.join("\n");
}
function overviewTable(changes) {
  const a = changes.after;
  const b = changes.before;
  const s = a.summary;
  const code = (x, max = 120) => escapeCode(x, { max });
  if (!b) {
    return table(
      ["", "New image"],
      [
        ["Image", code(s.reference)],
        ["Digest", code(shortDigest(s.manifestDigest))],
        ["Platform", escapeText(s.platform)],
        ["OS", escapeText(describeOs2(a.os))],
        ["Size (compressed)", formatBytes2(s.compressedSize)],
        ["Size (uncompressed)", formatBytes2(s.uncompressedSize)],
        ["Packages", String(a.packageCount)],
        ["Files", String(a.fileCount)],
        ["Layers", String(s.layers.length)]
      ],
      ["l", "l"]
    );
  }
  const p = b.summary;
  const changed = (x, y) => x === y ? "" : "**changed**";
  return table(
    ["", "Previous", "New", "Change"],
    [
      ["Image", code(p.reference), code(s.reference), ""],
      ["Digest", code(shortDigest(p.manifestDigest)), code(shortDigest(s.manifestDigest)), p.manifestDigest === s.manifestDigest ? "same" : ""],
      ["Platform", escapeText(p.platform), escapeText(s.platform), changed(p.platform, s.platform)],
      ["OS", escapeText(describeOs2(b.os)), escapeText(describeOs2(a.os)), changes.osChanged ? "**changed**" : ""],
      ["Size (compressed)", formatBytes2(p.compressedSize), formatBytes2(s.compressedSize), formatSizeDelta(p.compressedSize, s.compressedSize)],
      ["Size (uncompressed)", formatBytes2(p.uncompressedSize), formatBytes2(s.uncompressedSize), formatSizeDelta(p.uncompressedSize, s.uncompressedSize)],
      ["Packages", String(b.packageCount), String(a.packageCount), formatDelta(b.packageCount, a.packageCount)],
      ["Files", String(b.fileCount), String(a.fileCount), formatDelta(b.fileCount, a.fileCount)],
      ["Layers", String(p.layers.length), String(s.layers.length), `${formatDelta(p.layers.length, s.layers.length)} (${changes.layers.shared} shared)`]
    ],
    ["l", "l", "l", "l"]
  );
}
var ACTION_RANK, ICON;
var init_markdown_head = __esm({
  "src/render/markdown-head.ts"() {
    "use strict";
    init_escape();
    init_format();
    init_markdown_table2();
    ACTION_RANK = { stop: 0, warn: 1, info: 2 };
    ICON = { stop: "\u{1F6D1}", warn: "\u26A0\uFE0F", info: "\u2139\uFE0F" };
  }
});

// src/render/markdown-sections.ts
function n(x) {
  return x === 0 ? "" : String(x);
}
function details(summary, body, open4) {
  return `<details${open4 ? " open" : ""}>
<summary>${summary}</summary>

${body}

</details>`;
}
function version(ref2) {
  return ref2 ? escapeCode(ref2.version, { max: 80 }) : "";
}
function packageRow(p) {
  const where = [p.ecosystem, ...p.arch ? [escapeText(p.arch, { max: 20 })] : []].join(", ");
  const location = ["dpkg", "rpm", "apk"].includes(p.ecosystem) ? "" : ` ${escapeCode(p.location, { max: 80 })}`;
  const bump = p.bump === "major" ? "**major**" : p.bump ?? "";
  return [`${escapeCode(p.name, { max: 100 })} (${where})${location}`, version(p.before), version(p.after), bump, p.fileChanges > 0 ? String(p.fileChanges) : ""];
}
function detailText(change2) {
  const { facts, link } = fileDetails(change2);
  const parts = facts.map((f) => escapeText(f));
  if (link) parts.push(`\u2192 ${link.before !== void 0 ? `${escapeCode(link.before, { max: 80 })} \u2192 ` : ""}${escapeCode(link.after, { max: 80 })}`);
  return parts.join(", ");
}
function fileRow(change2) {
  const isDir = (change2.after ?? change2.before)?.type === "dir";
  return [change2.kind + (isDir ? " (dir)" : ""), escapeCode(change2.path, { max: 160 }), detailText(change2)];
}
function suspiciousRow(change2) {
  const owners = change2.owners.slice(0, 3).map((o) => escapeCode(o, { max: 60 })).join(", ") + (change2.owners.length > 3 ? ` +${change2.owners.length - 3}` : "");
  const why = change2.unexplained ? "no package change" : "package changed";
  return [escapeCode(change2.path, { max: 160 }), owners, `${change2.kind} (${why})`, detailText(change2)];
}
function value(v, redacted) {
  if (v === void 0) return "";
  if (redacted && v === "(redacted)") return "*(redacted)*";
  return escapeCode(v, { max: 160 });
}
function layerRows(changes) {
  const added = new Set(changes.layers.added);
  const removed = new Set(changes.layers.removed);
  const row = (l, i, what) => [
    String(i + 1),
    what,
    escapeCode(shortDigest(l.diffID), { max: 80 }),
    formatBytes2(l.size),
    l.createdBy ? escapeCode(l.createdBy.trim(), { max: 160 }) : ""
  ];
  const rows = changes.after.summary.layers.flatMap((l, i) => added.has(l.diffID) ? [row(l, i, "added")] : []);
  for (const [i, l] of (changes.before?.summary.layers ?? []).entries()) if (removed.has(l.diffID)) rows.push(row(l, i, "removed"));
  return rows;
}
var MarkdownSections;
var init_markdown_sections = __esm({
  "src/render/markdown-sections.ts"() {
    "use strict";
    init_escape();
    init_format();
    init_markdown_table2();
    MarkdownSections = class {
      constructor(changes, more, violations) {
        this.changes = changes;
        this.more = more;
        this.byKind = new Map(KIND_ORDER.map((k) => [k, changes.packages.filter((p) => p.kind === k).map(packageRow)]));
        this.rollupRows = changes.options.depth === "all" ? [] : changes.rollup.map((r) => [escapeCode(r.path === "/" ? "/" : `${r.path}/`), n(r.added), n(r.removed), n(r.modified)]);
        this.fileRows = nonPackagedChanges(changes).map(fileRow);
        this.suspiciousRows = suspiciousPackageFiles(changes).map(suspiciousRow);
        this.settingRows = changes.settings.filter((s) => !LAYER_SETTING_KEYS.has(s.key)).map((s) => [escapeCode(s.key, { max: 120 }), value(settingValue(s.key, s.before), s.redacted), value(settingValue(s.key, s.after), s.redacted)]);
        this.layerRows = layerRows(changes);
        const packages = Math.max(0, ...KIND_ORDER.filter((k) => k !== "downgraded").map((k) => this.byKind.get(k).length));
        this.totals = {
          violations,
          downgrades: this.byKind.get("downgraded").length,
          packages,
          settings: this.settingRows.length,
          rollup: this.rollupRows.length,
          files: this.fileRows.length,
          suspicious: this.suspiciousRows.length,
          layers: this.layerRows.length
        };
      }
      changes;
      more;
      byKind;
      rollupRows;
      fileRows;
      suspiciousRows;
      settingRows;
      layerRows;
      totals;
      cut(rows, limit) {
        const shown = rows.slice(0, limit);
        return { shown, rest: rows.length > shown.length ? `

${this.more(rows.length - shown.length)}` : "" };
      }
      tableOf(header2, rows, limit, align) {
        if (rows.length === 0) return "";
        const { shown, rest } = this.cut(rows, limit);
        return shown.length === 0 ? rest.trimStart() : table(header2, shown, align) + rest;
      }
      packages(limits) {
        const total = this.changes.packages.length;
        if (total === 0) return "";
        const parts = [];
        for (const kind of KIND_ORDER) {
          const rows = this.byKind.get(kind);
          if (rows.length === 0) continue;
          const limit = kind === "downgraded" ? limits.downgrades : limits.packages;
          const title = `**${kind[0].toUpperCase()}${kind.slice(1)}** (${rows.length})`;
          parts.push(`${title}

${this.tableOf(["Package", "Before", "After", "Bump", "Files"], rows, limit, ["l", "l", "l", "l", "r"])}`);
        }
        const first = this.changes.firstRelease ? " in the image" : " changed";
        return details(`<b>Packages</b>: ${total}${first}`, parts.join("\n\n"), !this.changes.firstRelease);
      }
      nonPackaged(limits) {
        if (this.fileRows.length === 0 && this.rollupRows.length === 0) return "";
        const c = this.changes.counts;
        const dirs = this.fileRows.length - (c.nonPackaged.added + c.nonPackaged.removed + c.nonPackaged.modified);
        const depth = this.changes.options.depth;
        const summary = `<b>Non-packaged files</b>: ${plural(c.nonPackaged.added + c.nonPackaged.removed + c.nonPackaged.modified, "file")}${dirs > 0 ? `, ${plural(dirs, "directory", "directories")}` : ""}`;
        const parts = [];
        if (this.rollupRows.length > 0) parts.push(this.tableOf([`Directory (depth ${depth})`, "Added", "Removed", "Modified"], this.rollupRows, limits.rollup, ["l", "r", "r", "r"]));
        parts.push(this.tableOf(["Change", "Path", "Details"], this.fileRows, limits.files));
        return details(summary, parts.filter((p) => p !== "").join("\n\n"), false);
      }
      suspicious(limits) {
        if (this.suspiciousRows.length === 0) return "";
        return details(
          `<b>Package files changed without a version change</b>: ${this.suspiciousRows.length}`,
          this.tableOf(["Path", "Package", "Change", "Details"], this.suspiciousRows, limits.suspicious),
          false
        );
      }
      settings(limits) {
        if (this.settingRows.length === 0) return "";
        const title = this.changes.firstRelease ? "<b>Settings</b>" : `<b>Settings</b>: ${this.settingRows.length} changed`;
        return details(title, this.tableOf(["Setting", "Before", "After"], this.settingRows, limits.settings), false);
      }
      layers(limits) {
        const l = this.changes.layers;
        if (this.layerRows.length === 0) return "";
        const title = `<b>Layers</b>: ${l.shared} shared, ${l.added.length} added, ${l.removed.length} removed`;
        return details(title, this.tableOf(["Layer", "", "Digest", "Size", "Created by"], this.layerRows, limits.layers, ["r", "l", "l", "r", "l"]), false);
      }
    };
  }
});

// src/render/release-summary.ts
function notable(changes, n2) {
  return [...changes].sort((a, b) => BUMP_RANK[a.bump ?? "other"] - BUMP_RANK[b.bump ?? "other"] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).slice(0, n2);
}
function move(p) {
  const v = (x) => escapeCode(x ?? "", { table: false, max: 40 });
  return `${escapeCode(p.name, { table: false, max: 60 })} ${v(p.before?.version)} \u2192 ${v(p.after?.version)}`;
}
function names(ps) {
  return ps.map((p) => escapeCode(p.name, { table: false, max: 60 })).join(", ");
}
function releaseSummary(changes) {
  const parts = [];
  if (changes.firstRelease) {
    parts.push(`First release, based on ${escapeText(describeOs2(changes.after.os))}`);
    parts.push(plural(changes.after.packageCount, "package"));
  } else {
    if (changes.osChanged) parts.push(`Base OS ${escapeText(describeOs2(changes.before?.os))} \u2192 ${escapeText(describeOs2(changes.after.os))}`);
    const down = packagesOfKind(changes, "downgraded");
    if (down.length > 0) parts.push(`${plural(down.length, "package")} **downgraded**: ${notable(down, 3).map(move).join(", ")}${down.length > 3 ? ", \u2026" : ""}`);
    const up = packagesOfKind(changes, "upgraded");
    if (up.length > 0) parts.push(`${plural(up.length, "package")} upgraded, including ${notable(up, up.length > 3 ? 2 : 3).map(move).join(", ")}`);
    const added = packagesOfKind(changes, "added");
    if (added.length > 0) parts.push(`${plural(added.length, "package")} added (${names(added.slice(0, 3))}${added.length > 3 ? ", \u2026" : ""})`);
    const removed = packagesOfKind(changes, "removed");
    if (removed.length > 0) parts.push(`${plural(removed.length, "package")} removed (${names(removed.slice(0, 3))}${removed.length > 3 ? ", \u2026" : ""})`);
    const rebuilt = packagesOfKind(changes, "rebuilt");
    if (rebuilt.length > 0) parts.push(`${plural(rebuilt.length, "package")} rebuilt`);
    const files = nonPackagedChanges(changes).filter((f) => (f.after ?? f.before)?.type !== "dir");
    const config = files.filter((f) => f.path.startsWith("etc/")).length;
    const other = files.length - config;
    if (config > 0) parts.push(`${plural(config, "configuration file")} changed`);
    if (other > 0) parts.push(`${plural(other, config > 0 ? "other non-packaged file" : "non-packaged file")} changed`);
    if (changes.counts.unexplained > 0) parts.push(`${plural(changes.counts.unexplained, "package file")} changed without a package change`);
    const settings = changes.settings.filter((s) => !QUIET_SETTING_KEYS.has(s.key) && s.key !== "os" && s.key !== "platform");
    if (settings.length > 0) parts.push(`${plural(settings.length, "setting")} changed (${settings.slice(0, 3).map((s) => escapeCode(s.key, { table: false, max: 60 })).join(", ")}${settings.length > 3 ? ", \u2026" : ""})`);
  }
  if (changes.platformChanged) parts.push(`platform ${escapeText(changes.before?.summary.platform ?? "")} \u2192 ${escapeText(changes.after.summary.platform)}`);
  if (parts.length === 0) return "No changes in packages, files or settings.";
  const text = parts.join("; ");
  return `${text[0].toUpperCase()}${text.slice(1)}.`;
}
var BUMP_RANK;
var init_release_summary = __esm({
  "src/render/release-summary.ts"() {
    "use strict";
    init_escape();
    init_format();
    BUMP_RANK = { major: 0, minor: 1, patch: 2, other: 3 };
  }
});

// src/render/markdown.ts
function markerLine(marker) {
  const key = marker.startsWith(MARKER_PREFIX) ? marker.slice(MARKER_PREFIX.length) : marker;
  return `<!-- ${MARKER_PREFIX}${markerKey(key)} -->`;
}
function renderMarkdown(changes, options) {
  const { surface, verdict } = options;
  const more = (n2) => `\u2026 and ${n2} more (see the full JSON report${options.fullReportHint ?? ""})`;
  const sections = new MarkdownSections(changes, more, verdict?.violations.length ?? 0);
  const top = [];
  if (options.marker !== void 0 || surface === "comment") top.push(markerLine(options.marker ?? "default"));
  top.push(`### ${options.title !== void 0 ? escapeText(options.title) : `Image changelog: ${escapeCode(changes.after.summary.reference, { table: false, max: 120 })}`}`);
  const head = top.join("\n");
  const line = headline(changes);
  const summary = surface === "release" ? releaseSummary(changes) : void 0;
  const overview = overviewTable(changes);
  const footer = footnotes(changes);
  const render = (limits) => join6([
    head,
    summary,
    line,
    verdict ? verdictBlock(verdict, limits.violations, more) : void 0,
    overview,
    sections.packages(limits),
    sections.suspicious(limits),
    sections.nonPackaged(limits),
    sections.settings(limits),
    sections.layers(limits),
    footer
  ]);
  const budget = budgetFor(surface, options.budget);
  const fits = (text) => measure(surface, text) <= budget;
  const minimal = () => join6([head, line, verdict ? verdictBlock(verdict, 0, more) : void 0, `The details do not fit here; see the full JSON report${options.fullReportHint ?? ""}.`]);
  return fitToBudget(render, sections.totals, fits, minimal, (text) => hardCut(text, surface, budget));
}
function join6(parts) {
  return `${parts.filter((p) => p !== void 0 && p !== "").join("\n\n")}
`;
}
function footnotes(changes) {
  const notes = [];
  if (changes.counts.excluded > 0)
    notes.push(`${plural(changes.counts.excluded, "changed path")} matched the exclude globs (caches, logs, ...) and ${changes.counts.excluded === 1 ? "is" : "are"} only in the JSON report.`);
  const state2 = stateFileChanges(changes);
  if (state2 > 0) notes.push(`${plural(state2, "package-manager state file")} (package databases) changed with the packages.`);
  return notes.length > 0 ? `<sub>${notes.join(" ")}</sub>` : "";
}
function hardCut(text, surface, budget) {
  const note = "\n\n\u2026 (cut to fit)\n";
  const room = budget - measure(surface, note);
  const keep = room >= 0 ? room : budget;
  let size2 = 0;
  let end = 0;
  for (const ch of text) {
    const s = measure(surface, ch);
    if (size2 + s > keep) break;
    size2 += s;
    end += ch.length;
  }
  return room >= 0 ? text.slice(0, end) + note : text.slice(0, end);
}
var MARKER_PREFIX;
var init_markdown = __esm({
  "src/render/markdown.ts"() {
    "use strict";
    init_budget();
    init_escape();
    init_format();
    init_markdown_head();
    init_markdown_sections();
    init_release_summary();
    MARKER_PREFIX = "image-changelog:";
  }
});

// src/render/json.ts
function canonical(value2) {
  if (Array.isArray(value2)) return value2.map(canonical);
  if (value2 !== null && typeof value2 === "object") {
    const out = {};
    for (const key of Object.keys(value2).sort()) {
      const v = value2[key];
      if (v !== void 0) out[key] = canonical(v);
    }
    return out;
  }
  return value2;
}
function side2(s) {
  return s === void 0 ? null : canonical(s);
}
function renderJson(changes, verdict) {
  const cmp2 = (a, b) => a < b ? -1 : a > b ? 1 : 0;
  const report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: "image-changelog", version: VERSION },
    firstRelease: changes.firstRelease,
    hasChanges: changes.hasChanges,
    platformChanged: changes.platformChanged,
    osChanged: changes.osChanged,
    before: side2(changes.before),
    after: side2(changes.after),
    counts: canonical(changes.counts),
    options: canonical(changes.options),
    packages: changes.packages.map((p) => canonical(p)),
    files: [...changes.files].sort((a, b) => cmp2(a.path, b.path)).map((f) => canonical(f)),
    rollup: [...changes.rollup].sort((a, b) => cmp2(a.path, b.path)).map((r) => canonical(r)),
    settings: [...changes.settings].sort((a, b) => cmp2(a.key, b.key)).map((s) => canonical(s)),
    layers: canonical(changes.layers),
    verdict: verdict ? canonical({ ...verdict, violations: sortViolations(verdict.violations) }) : null
  };
  return `${JSON.stringify(report, null, 2)}
`;
}
var REPORT_SCHEMA_VERSION;
var init_json2 = __esm({
  "src/render/json.ts"() {
    "use strict";
    init_version();
    init_markdown_head();
    REPORT_SCHEMA_VERSION = 1;
  }
});

// src/render/text.ts
function palette(color) {
  const sgr = (open4, close) => color ? (t) => `\x1B[${open4}m${t}\x1B[${close}m` : (t) => t;
  return { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), cyan: sgr(36, 39) };
}
function renderText(changes, options) {
  const c = palette(options.color);
  const out = [];
  const section = (title) => out.push("", c.bold(title));
  const a = changes.after;
  const b = changes.before;
  out.push(c.bold(`Image changelog: ${safe(a.summary.reference)}`) + (b ? ` (previous: ${safe(b.summary.reference)})` : ""));
  if (changes.firstRelease) {
    out.push(`First release: ${plural(packageTotal(changes), "package")}, ${plural(nonPackagedTotal(changes), "non-packaged file")}, ${safe(describeOs2(a.os))}, ${safe(a.summary.platform)}`);
  } else {
    const parts = [];
    if (packageTotal(changes) > 0) parts.push(`${plural(packageTotal(changes), "package")} changed (${kindCounts(changes)})`);
    if (nonPackagedTotal(changes) > 0) parts.push(plural(nonPackagedTotal(changes), "non-packaged file"));
    if (changes.counts.unexplained > 0) parts.push(`${plural(changes.counts.unexplained, "package file")} changed without a package change`);
    const keys = changes.settings.filter((s) => !QUIET_SETTING_KEYS.has(s.key)).map((s) => safe(s.key, 60));
    if (keys.length > 0) parts.push(`settings: ${keys.join(", ")}`);
    out.push(parts.length > 0 ? parts.join(", ") : "No changes in packages, non-packaged files or settings.");
    if (changes.platformChanged) out.push(c.yellow(`Platform changed: ${safe(b?.summary.platform ?? "")} -> ${safe(a.summary.platform)}`));
    if (changes.osChanged) out.push(c.yellow(`Base OS changed: ${safe(describeOs2(b?.os))} -> ${safe(describeOs2(a.os))}`));
  }
  const verdict = options.verdict;
  if (verdict) {
    const paint = verdict.result === "stop" ? c.red : verdict.result === "warn" ? c.yellow : c.green;
    out.push("", paint(c.bold(`Policy ${safe(verdict.policy, 100)}: ${verdict.result.toUpperCase()}`)));
    for (const v of sortViolations(verdict.violations)) {
      const tag = v.allowed ? c.dim(`allowed ${v.action}`) : v.action === "stop" ? c.red("stop") : v.action === "warn" ? c.yellow("warn") : "info";
      out.push(`  ${tag}  ${safe(v.rule, 80)}  ${safe(v.subject, 120)}: ${safe(v.message)}`);
    }
  }
  section("Overview");
  const rows = [
    ["image", safe(b?.summary.reference ?? ""), safe(a.summary.reference), ""],
    ["digest", b ? shortDigest(safe(b.summary.manifestDigest)) : "", shortDigest(safe(a.summary.manifestDigest)), ""],
    ["platform", safe(b?.summary.platform ?? ""), safe(a.summary.platform), changes.platformChanged ? "changed" : ""],
    ["os", b ? safe(describeOs2(b.os)) : "", safe(describeOs2(a.os)), changes.osChanged ? "changed" : ""],
    ["compressed", b ? formatBytes2(b.summary.compressedSize) : "", formatBytes2(a.summary.compressedSize), b ? formatSizeDelta(b.summary.compressedSize, a.summary.compressedSize) : ""],
    ["uncompressed", b ? formatBytes2(b.summary.uncompressedSize) : "", formatBytes2(a.summary.uncompressedSize), b ? formatSizeDelta(b.summary.uncompressedSize, a.summary.uncompressedSize) : ""],
    ["packages", b ? String(b.packageCount) : "", String(a.packageCount), b ? formatDelta(b.packageCount, a.packageCount) : ""],
    ["files", b ? String(b.fileCount) : "", String(a.fileCount), b ? formatDelta(b.fileCount, a.fileCount) : ""],
    ["layers", b ? String(b.summary.layers.length) : "", String(a.summary.layers.length), b ? `${formatDelta(b.summary.layers.length, a.summary.layers.length)} (${changes.layers.shared} shared)` : ""]
  ];
  for (const [k, x, y, d] of rows) out.push(`  ${k.padEnd(13)} ${b ? `${x}  ->  ` : ""}${y}${d ? `  ${c.dim(d)}` : ""}`);
  if (changes.packages.length > 0) {
    section(`Packages (${changes.packages.length})`);
    for (const kind of KIND_ORDER) {
      const list2 = changes.packages.filter((p) => p.kind === kind);
      if (list2.length === 0) continue;
      const paint = kind === "downgraded" || kind === "removed" ? c.red : kind === "rebuilt" ? c.yellow : c.green;
      out.push(`  ${paint(`${kind} (${list2.length})`)}`);
      for (const p of list2) out.push(`    ${packageLine(p, c.dim)}`);
    }
  }
  const suspicious = suspiciousPackageFiles(changes);
  if (suspicious.length > 0) {
    section(`Package files changed without a version change (${suspicious.length})`);
    for (const f of suspicious) out.push(`  ${c.yellow(f.kind.padEnd(8))} ${safe(f.path)}  ${c.dim(`[${f.owners.map((o) => safe(o, 60)).join(", ")}] ${fileText(f)}`)}`);
  }
  const files = nonPackagedChanges(changes);
  if (files.length > 0) {
    section(`Non-packaged files (${files.length})`);
    if (changes.options.depth !== "all") {
      for (const r of changes.rollup) out.push(`  ${safe(r.path === "/" ? "/" : `${r.path}/`).padEnd(40)} ${c.green(`+${r.added}`)} ${c.red(`-${r.removed}`)} ${c.yellow(`~${r.modified}`)}`);
      out.push("");
    }
    for (const f of files) {
      const paint = f.kind === "added" ? c.green : f.kind === "removed" ? c.red : c.yellow;
      out.push(`  ${paint(f.kind.padEnd(8))} ${safe(f.path)}  ${c.dim(fileText(f))}`);
    }
  }
  const settings = changes.settings.filter((s) => !LAYER_SETTING_KEYS.has(s.key));
  if (settings.length > 0) {
    section(`Settings (${settings.length})`);
    for (const s of settings) {
      const v = (x) => x === void 0 ? c.dim("(unset)") : safe(settingValue(s.key, x));
      out.push(`  ${safe(s.key, 120)}: ${changes.firstRelease ? v(s.after) : `${v(s.before)} -> ${v(s.after)}`}`);
    }
  }
  if (changes.layers.added.length + changes.layers.removed.length > 0) {
    section(`Layers (${changes.layers.shared} shared, ${changes.layers.added.length} added, ${changes.layers.removed.length} removed)`);
    const added = new Set(changes.layers.added);
    const removed = new Set(changes.layers.removed);
    const line = (what, l) => `  ${what} ${shortDigest(safe(l.diffID, 80))}  ${formatBytes2(l.size)}  ${c.dim(safe((l.createdBy ?? "").trim(), 160))}`;
    for (const l of a.summary.layers) if (added.has(l.diffID)) out.push(line(c.green("+"), l));
    for (const l of b?.summary.layers ?? []) if (removed.has(l.diffID)) out.push(line(c.red("-"), l));
  }
  const notes = [];
  if (changes.counts.excluded > 0) notes.push(`${plural(changes.counts.excluded, "changed path")} matched the exclude globs (only in --format json).`);
  const state2 = stateFileChanges(changes);
  if (state2 > 0) notes.push(`${plural(state2, "package-manager state file")} changed with the packages.`);
  if (notes.length > 0) out.push("", c.dim(notes.join(" ")));
  return `${out.join("\n")}
`;
}
function packageLine(p, dim) {
  const where = [p.ecosystem, ...p.arch ? [safe(p.arch, 20)] : [], ...["dpkg", "rpm", "apk"].includes(p.ecosystem) ? [] : [safe(p.location, 120)]].join(" ");
  const versions = p.before && p.after ? `${safe(p.before.version, 80)} -> ${safe(p.after.version, 80)}` : safe((p.after ?? p.before)?.version ?? "", 80);
  const extra = [p.bump, p.fileChanges > 0 ? plural(p.fileChanges, "file") : void 0].filter((x) => x !== void 0).join(", ");
  return `${safe(p.name, 120)} ${dim(`(${where})`)}  ${versions}${extra ? `  ${dim(extra)}` : ""}`;
}
function fileText(f) {
  const { facts, link } = fileDetails(f);
  if (link) facts.push(`-> ${link.before !== void 0 ? `${safe(link.before, 120)} -> ` : ""}${safe(link.after, 120)}`);
  return facts.join(", ");
}
var safe;
var init_text = __esm({
  "src/render/text.ts"() {
    "use strict";
    init_escape();
    init_format();
    init_markdown_head();
    safe = (s, max = 300) => terminalSafe(s, max);
  }
});

// node_modules/yaml/dist/nodes/identity.js
var require_identity = __commonJS({
  "node_modules/yaml/dist/nodes/identity.js"(exports) {
    "use strict";
    var ALIAS = /* @__PURE__ */ Symbol.for("yaml.alias");
    var DOC = /* @__PURE__ */ Symbol.for("yaml.document");
    var MAP = /* @__PURE__ */ Symbol.for("yaml.map");
    var PAIR = /* @__PURE__ */ Symbol.for("yaml.pair");
    var SCALAR = /* @__PURE__ */ Symbol.for("yaml.scalar");
    var SEQ = /* @__PURE__ */ Symbol.for("yaml.seq");
    var NODE_TYPE = /* @__PURE__ */ Symbol.for("yaml.node.type");
    var isAlias2 = (node) => !!node && typeof node === "object" && node[NODE_TYPE] === ALIAS;
    var isDocument = (node) => !!node && typeof node === "object" && node[NODE_TYPE] === DOC;
    var isMap3 = (node) => !!node && typeof node === "object" && node[NODE_TYPE] === MAP;
    var isPair = (node) => !!node && typeof node === "object" && node[NODE_TYPE] === PAIR;
    var isScalar2 = (node) => !!node && typeof node === "object" && node[NODE_TYPE] === SCALAR;
    var isSeq2 = (node) => !!node && typeof node === "object" && node[NODE_TYPE] === SEQ;
    function isCollection(node) {
      if (node && typeof node === "object")
        switch (node[NODE_TYPE]) {
          case MAP:
          case SEQ:
            return true;
        }
      return false;
    }
    function isNode(node) {
      if (node && typeof node === "object")
        switch (node[NODE_TYPE]) {
          case ALIAS:
          case MAP:
          case SCALAR:
          case SEQ:
            return true;
        }
      return false;
    }
    var hasAnchor = (node) => (isScalar2(node) || isCollection(node)) && !!node.anchor;
    exports.ALIAS = ALIAS;
    exports.DOC = DOC;
    exports.MAP = MAP;
    exports.NODE_TYPE = NODE_TYPE;
    exports.PAIR = PAIR;
    exports.SCALAR = SCALAR;
    exports.SEQ = SEQ;
    exports.hasAnchor = hasAnchor;
    exports.isAlias = isAlias2;
    exports.isCollection = isCollection;
    exports.isDocument = isDocument;
    exports.isMap = isMap3;
    exports.isNode = isNode;
    exports.isPair = isPair;
    exports.isScalar = isScalar2;
    exports.isSeq = isSeq2;
  }
});

// node_modules/yaml/dist/visit.js
var require_visit = __commonJS({
  "node_modules/yaml/dist/visit.js"(exports) {
    "use strict";
    var identity = require_identity();
    var BREAK = /* @__PURE__ */ Symbol("break visit");
    var SKIP = /* @__PURE__ */ Symbol("skip children");
    var REMOVE = /* @__PURE__ */ Symbol("remove node");
    function visit(node, visitor) {
      const visitor_ = initVisitor(visitor);
      if (identity.isDocument(node)) {
        const cd = visit_(null, node.contents, visitor_, Object.freeze([node]));
        if (cd === REMOVE)
          node.contents = null;
      } else
        visit_(null, node, visitor_, Object.freeze([]));
    }
    visit.BREAK = BREAK;
    visit.SKIP = SKIP;
    visit.REMOVE = REMOVE;
    function visit_(key, node, visitor, path) {
      const ctrl = callVisitor(key, node, visitor, path);
      if (identity.isNode(ctrl) || identity.isPair(ctrl)) {
        replaceNode(key, path, ctrl);
        return visit_(key, ctrl, visitor, path);
      }
      if (typeof ctrl !== "symbol") {
        if (identity.isCollection(node)) {
          path = Object.freeze(path.concat(node));
          for (let i = 0; i < node.items.length; ++i) {
            const ci = visit_(i, node.items[i], visitor, path);
            if (typeof ci === "number")
              i = ci - 1;
            else if (ci === BREAK)
              return BREAK;
            else if (ci === REMOVE) {
              node.items.splice(i, 1);
              i -= 1;
            }
          }
        } else if (identity.isPair(node)) {
          path = Object.freeze(path.concat(node));
          const ck = visit_("key", node.key, visitor, path);
          if (ck === BREAK)
            return BREAK;
          else if (ck === REMOVE)
            node.key = null;
          const cv = visit_("value", node.value, visitor, path);
          if (cv === BREAK)
            return BREAK;
          else if (cv === REMOVE)
            node.value = null;
        }
      }
      return ctrl;
    }
    async function visitAsync(node, visitor) {
      const visitor_ = initVisitor(visitor);
      if (identity.isDocument(node)) {
        const cd = await visitAsync_(null, node.contents, visitor_, Object.freeze([node]));
        if (cd === REMOVE)
          node.contents = null;
      } else
        await visitAsync_(null, node, visitor_, Object.freeze([]));
    }
    visitAsync.BREAK = BREAK;
    visitAsync.SKIP = SKIP;
    visitAsync.REMOVE = REMOVE;
    async function visitAsync_(key, node, visitor, path) {
      const ctrl = await callVisitor(key, node, visitor, path);
      if (identity.isNode(ctrl) || identity.isPair(ctrl)) {
        replaceNode(key, path, ctrl);
        return visitAsync_(key, ctrl, visitor, path);
      }
      if (typeof ctrl !== "symbol") {
        if (identity.isCollection(node)) {
          path = Object.freeze(path.concat(node));
          for (let i = 0; i < node.items.length; ++i) {
            const ci = await visitAsync_(i, node.items[i], visitor, path);
            if (typeof ci === "number")
              i = ci - 1;
            else if (ci === BREAK)
              return BREAK;
            else if (ci === REMOVE) {
              node.items.splice(i, 1);
              i -= 1;
            }
          }
        } else if (identity.isPair(node)) {
          path = Object.freeze(path.concat(node));
          const ck = await visitAsync_("key", node.key, visitor, path);
          if (ck === BREAK)
            return BREAK;
          else if (ck === REMOVE)
            node.key = null;
          const cv = await visitAsync_("value", node.value, visitor, path);
          if (cv === BREAK)
            return BREAK;
          else if (cv === REMOVE)
            node.value = null;
        }
      }
      return ctrl;
    }
    function initVisitor(visitor) {
      if (typeof visitor === "object" && (visitor.Collection || visitor.Node || visitor.Value)) {
        return Object.assign({
          Alias: visitor.Node,
          Map: visitor.Node,
          Scalar: visitor.Node,
          Seq: visitor.Node
        }, visitor.Value && {
          Map: visitor.Value,
          Scalar: visitor.Value,
          Seq: visitor.Value
        }, visitor.Collection && {
          Map: visitor.Collection,
          Seq: visitor.Collection
        }, visitor);
      }
      return visitor;
    }
    function callVisitor(key, node, visitor, path) {
      if (typeof visitor === "function")
        return visitor(key, node, path);
      if (identity.isMap(node))
        return visitor.Map?.(key, node, path);
      if (identity.isSeq(node))
        return visitor.Seq?.(key, node, path);
      if (identity.isPair(node))
        return visitor.Pair?.(key, node, path);
      if (identity.isScalar(node))
        return visitor.Scalar?.(key, node, path);
      if (identity.isAlias(node))
        return visitor.Alias?.(key, node, path);
      return void 0;
    }
    function replaceNode(key, path, node) {
      const parent = path[path.length - 1];
      if (identity.isCollection(parent)) {
        parent.items[key] = node;
      } else if (identity.isPair(parent)) {
        if (key === "key")
          parent.key = node;
        else
          parent.value = node;
      } else if (identity.isDocument(parent)) {
        parent.contents = node;
      } else {
        const pt = identity.isAlias(parent) ? "alias" : "scalar";
        throw new Error(`Cannot replace node with ${pt} parent`);
      }
    }
    exports.visit = visit;
    exports.visitAsync = visitAsync;
  }
});

// node_modules/yaml/dist/doc/directives.js
var require_directives = __commonJS({
  "node_modules/yaml/dist/doc/directives.js"(exports) {
    "use strict";
    var identity = require_identity();
    var visit = require_visit();
    var escapeChars = {
      "!": "%21",
      ",": "%2C",
      "[": "%5B",
      "]": "%5D",
      "{": "%7B",
      "}": "%7D"
    };
    var escapeTagName = (tn) => tn.replace(/[!,[\]{}]/g, (ch) => escapeChars[ch]);
    var Directives = class _Directives {
      constructor(yaml, tags) {
        this.docStart = null;
        this.docEnd = false;
        this.yaml = Object.assign({}, _Directives.defaultYaml, yaml);
        this.tags = Object.assign({}, _Directives.defaultTags, tags);
      }
      clone() {
        const copy = new _Directives(this.yaml, this.tags);
        copy.docStart = this.docStart;
        return copy;
      }
      /**
       * During parsing, get a Directives instance for the current document and
       * update the stream state according to the current version's spec.
       */
      atDocument() {
        const res = new _Directives(this.yaml, this.tags);
        switch (this.yaml.version) {
          case "1.1":
            this.atNextDocument = true;
            break;
          case "1.2":
            this.atNextDocument = false;
            this.yaml = {
              explicit: _Directives.defaultYaml.explicit,
              version: "1.2"
            };
            this.tags = Object.assign({}, _Directives.defaultTags);
            break;
        }
        return res;
      }
      /**
       * @param onError - May be called even if the action was successful
       * @returns `true` on success
       */
      add(line, onError) {
        if (this.atNextDocument) {
          this.yaml = { explicit: _Directives.defaultYaml.explicit, version: "1.1" };
          this.tags = Object.assign({}, _Directives.defaultTags);
          this.atNextDocument = false;
        }
        const parts = line.trim().split(/[ \t]+/);
        const name = parts.shift();
        switch (name) {
          case "%TAG": {
            if (parts.length !== 2) {
              onError(0, "%TAG directive should contain exactly two parts");
              if (parts.length < 2)
                return false;
            }
            const [handle, prefix] = parts;
            this.tags[handle] = prefix;
            return true;
          }
          case "%YAML": {
            this.yaml.explicit = true;
            if (parts.length !== 1) {
              onError(0, "%YAML directive should contain exactly one part");
              return false;
            }
            const [version2] = parts;
            if (version2 === "1.1" || version2 === "1.2") {
              this.yaml.version = version2;
              return true;
            } else {
              const isValid = /^\d+\.\d+$/.test(version2);
              onError(6, `Unsupported YAML version ${version2}`, isValid);
              return false;
            }
          }
          default:
            onError(0, `Unknown directive ${name}`, true);
            return false;
        }
      }
      /**
       * Resolves a tag, matching handles to those defined in %TAG directives.
       *
       * @returns Resolved tag, which may also be the non-specific tag `'!'` or a
       *   `'!local'` tag, or `null` if unresolvable.
       */
      tagName(source, onError) {
        if (source === "!")
          return "!";
        if (source[0] !== "!") {
          onError(`Not a valid tag: ${source}`);
          return null;
        }
        if (source[1] === "<") {
          const verbatim = source.slice(2, -1);
          if (verbatim === "!" || verbatim === "!!") {
            onError(`Verbatim tags aren't resolved, so ${source} is invalid.`);
            return null;
          }
          if (source[source.length - 1] !== ">")
            onError("Verbatim tags must end with a >");
          return verbatim;
        }
        const [, handle, suffix] = source.match(/^(.*!)([^!]*)$/s);
        if (!suffix)
          onError(`The ${source} tag has no suffix`);
        const prefix = this.tags[handle];
        if (prefix) {
          try {
            return prefix + decodeURIComponent(suffix);
          } catch (error) {
            onError(String(error));
            return null;
          }
        }
        if (handle === "!")
          return source;
        onError(`Could not resolve tag: ${source}`);
        return null;
      }
      /**
       * Given a fully resolved tag, returns its printable string form,
       * taking into account current tag prefixes and defaults.
       */
      tagString(tag) {
        for (const [handle, prefix] of Object.entries(this.tags)) {
          if (tag.startsWith(prefix))
            return handle + escapeTagName(tag.substring(prefix.length));
        }
        return tag[0] === "!" ? tag : `!<${tag}>`;
      }
      toString(doc) {
        const lines = this.yaml.explicit ? [`%YAML ${this.yaml.version || "1.2"}`] : [];
        const tagEntries = Object.entries(this.tags);
        let tagNames;
        if (doc && tagEntries.length > 0 && identity.isNode(doc.contents)) {
          const tags = {};
          visit.visit(doc.contents, (_key, node) => {
            if (identity.isNode(node) && node.tag)
              tags[node.tag] = true;
          });
          tagNames = Object.keys(tags);
        } else
          tagNames = [];
        for (const [handle, prefix] of tagEntries) {
          if (handle === "!!" && prefix === "tag:yaml.org,2002:")
            continue;
          if (!doc || tagNames.some((tn) => tn.startsWith(prefix)))
            lines.push(`%TAG ${handle} ${prefix}`);
        }
        return lines.join("\n");
      }
    };
    Directives.defaultYaml = { explicit: false, version: "1.2" };
    Directives.defaultTags = { "!!": "tag:yaml.org,2002:" };
    exports.Directives = Directives;
  }
});

// node_modules/yaml/dist/doc/anchors.js
var require_anchors = __commonJS({
  "node_modules/yaml/dist/doc/anchors.js"(exports) {
    "use strict";
    var identity = require_identity();
    var visit = require_visit();
    function anchorIsValid(anchor) {
      if (/[\x00-\x19\s,[\]{}]/.test(anchor)) {
        const sa = JSON.stringify(anchor);
        const msg = `Anchor must not contain whitespace or control characters: ${sa}`;
        throw new Error(msg);
      }
      return true;
    }
    function anchorNames(root) {
      const anchors = /* @__PURE__ */ new Set();
      visit.visit(root, {
        Value(_key, node) {
          if (node.anchor)
            anchors.add(node.anchor);
        }
      });
      return anchors;
    }
    function findNewAnchor(prefix, exclude) {
      for (let i = 1; true; ++i) {
        const name = `${prefix}${i}`;
        if (!exclude.has(name))
          return name;
      }
    }
    function createNodeAnchors(doc, prefix) {
      const aliasObjects = [];
      const sourceObjects = /* @__PURE__ */ new Map();
      let prevAnchors = null;
      return {
        onAnchor: (source) => {
          aliasObjects.push(source);
          prevAnchors ?? (prevAnchors = anchorNames(doc));
          const anchor = findNewAnchor(prefix, prevAnchors);
          prevAnchors.add(anchor);
          return anchor;
        },
        /**
         * With circular references, the source node is only resolved after all
         * of its child nodes are. This is why anchors are set only after all of
         * the nodes have been created.
         */
        setAnchors: () => {
          for (const source of aliasObjects) {
            const ref2 = sourceObjects.get(source);
            if (typeof ref2 === "object" && ref2.anchor && (identity.isScalar(ref2.node) || identity.isCollection(ref2.node))) {
              ref2.node.anchor = ref2.anchor;
            } else {
              const error = new Error("Failed to resolve repeated object (this should not happen)");
              error.source = source;
              throw error;
            }
          }
        },
        sourceObjects
      };
    }
    exports.anchorIsValid = anchorIsValid;
    exports.anchorNames = anchorNames;
    exports.createNodeAnchors = createNodeAnchors;
    exports.findNewAnchor = findNewAnchor;
  }
});

// node_modules/yaml/dist/doc/applyReviver.js
var require_applyReviver = __commonJS({
  "node_modules/yaml/dist/doc/applyReviver.js"(exports) {
    "use strict";
    function applyReviver(reviver, obj, key, val) {
      if (val && typeof val === "object") {
        if (Array.isArray(val)) {
          for (let i = 0, len = val.length; i < len; ++i) {
            const v0 = val[i];
            const v1 = applyReviver(reviver, val, String(i), v0);
            if (v1 === void 0)
              delete val[i];
            else if (v1 !== v0)
              val[i] = v1;
          }
        } else if (val instanceof Map) {
          for (const k of Array.from(val.keys())) {
            const v0 = val.get(k);
            const v1 = applyReviver(reviver, val, k, v0);
            if (v1 === void 0)
              val.delete(k);
            else if (v1 !== v0)
              val.set(k, v1);
          }
        } else if (val instanceof Set) {
          for (const v0 of Array.from(val)) {
            const v1 = applyReviver(reviver, val, v0, v0);
            if (v1 === void 0)
              val.delete(v0);
            else if (v1 !== v0) {
              val.delete(v0);
              val.add(v1);
            }
          }
        } else {
          for (const [k, v0] of Object.entries(val)) {
            const v1 = applyReviver(reviver, val, k, v0);
            if (v1 === void 0)
              delete val[k];
            else if (v1 !== v0)
              val[k] = v1;
          }
        }
      }
      return reviver.call(obj, key, val);
    }
    exports.applyReviver = applyReviver;
  }
});

// node_modules/yaml/dist/nodes/toJS.js
var require_toJS = __commonJS({
  "node_modules/yaml/dist/nodes/toJS.js"(exports) {
    "use strict";
    var identity = require_identity();
    function toJS(value2, arg, ctx) {
      if (Array.isArray(value2))
        return value2.map((v, i) => toJS(v, String(i), ctx));
      if (value2 && typeof value2.toJSON === "function") {
        if (!ctx || !identity.hasAnchor(value2))
          return value2.toJSON(arg, ctx);
        const data = { aliasCount: 0, count: 1, res: void 0 };
        ctx.anchors.set(value2, data);
        ctx.onCreate = (res2) => {
          data.res = res2;
          delete ctx.onCreate;
        };
        const res = value2.toJSON(arg, ctx);
        if (ctx.onCreate)
          ctx.onCreate(res);
        return res;
      }
      if (typeof value2 === "bigint" && !ctx?.keep)
        return Number(value2);
      return value2;
    }
    exports.toJS = toJS;
  }
});

// node_modules/yaml/dist/nodes/Node.js
var require_Node = __commonJS({
  "node_modules/yaml/dist/nodes/Node.js"(exports) {
    "use strict";
    var applyReviver = require_applyReviver();
    var identity = require_identity();
    var toJS = require_toJS();
    var NodeBase = class {
      constructor(type) {
        Object.defineProperty(this, identity.NODE_TYPE, { value: type });
      }
      /** Create a copy of this node.  */
      clone() {
        const copy = Object.create(Object.getPrototypeOf(this), Object.getOwnPropertyDescriptors(this));
        if (this.range)
          copy.range = this.range.slice();
        return copy;
      }
      /** A plain JavaScript representation of this node. */
      toJS(doc, { mapAsMap, maxAliasCount, onAnchor, reviver } = {}) {
        if (!identity.isDocument(doc))
          throw new TypeError("A document argument is required");
        const ctx = {
          anchors: /* @__PURE__ */ new Map(),
          doc,
          keep: true,
          mapAsMap: mapAsMap === true,
          mapKeyWarned: false,
          maxAliasCount: typeof maxAliasCount === "number" ? maxAliasCount : 100
        };
        const res = toJS.toJS(this, "", ctx);
        if (typeof onAnchor === "function")
          for (const { count, res: res2 } of ctx.anchors.values())
            onAnchor(res2, count);
        return typeof reviver === "function" ? applyReviver.applyReviver(reviver, { "": res }, "", res) : res;
      }
    };
    exports.NodeBase = NodeBase;
  }
});

// node_modules/yaml/dist/nodes/Alias.js
var require_Alias = __commonJS({
  "node_modules/yaml/dist/nodes/Alias.js"(exports) {
    "use strict";
    var anchors = require_anchors();
    var visit = require_visit();
    var identity = require_identity();
    var Node = require_Node();
    var toJS = require_toJS();
    var Alias = class extends Node.NodeBase {
      constructor(source) {
        super(identity.ALIAS);
        this.source = source;
        Object.defineProperty(this, "tag", {
          set() {
            throw new Error("Alias nodes cannot have tags");
          }
        });
      }
      /**
       * Resolve the value of this alias within `doc`, finding the last
       * instance of the `source` anchor before this node.
       */
      resolve(doc, ctx) {
        if (ctx?.maxAliasCount === 0)
          throw new ReferenceError("Alias resolution is disabled");
        let nodes;
        if (ctx?.aliasResolveCache) {
          nodes = ctx.aliasResolveCache;
        } else {
          nodes = [];
          visit.visit(doc, {
            Node: (_key, node) => {
              if (identity.isAlias(node) || identity.hasAnchor(node))
                nodes.push(node);
            }
          });
          if (ctx)
            ctx.aliasResolveCache = nodes;
        }
        let found = void 0;
        for (const node of nodes) {
          if (node === this)
            break;
          if (node.anchor === this.source)
            found = node;
        }
        if (found && ctx) {
          const { anchors: anchors2, doc: doc2, maxAliasCount } = ctx;
          let data = anchors2.get(found);
          if (!data) {
            toJS.toJS(found, null, ctx);
            data = anchors2.get(found);
          }
          if (data?.res === void 0) {
            const msg = "This should not happen: Alias anchor was not resolved?";
            throw new ReferenceError(msg);
          }
          if (maxAliasCount >= 0) {
            data.count += 1;
            if (data.aliasCount === 0)
              data.aliasCount = getAliasCount(doc2, found, anchors2);
            if (data.count * data.aliasCount > maxAliasCount) {
              const msg = "Excessive alias count indicates a resource exhaustion attack";
              throw new ReferenceError(msg);
            }
          }
        }
        return found;
      }
      toJSON(_arg, ctx) {
        if (!ctx)
          return { source: this.source };
        const source = this.resolve(ctx.doc, ctx);
        if (!source) {
          const msg = `Unresolved alias (the anchor must be set before the alias): ${this.source}`;
          throw new ReferenceError(msg);
        }
        return ctx.anchors.get(source).res;
      }
      toString(ctx, _onComment, _onChompKeep) {
        const src = `*${this.source}`;
        if (ctx) {
          anchors.anchorIsValid(this.source);
          if (ctx.options.verifyAliasOrder && !ctx.anchors.has(this.source)) {
            const msg = `Unresolved alias (the anchor must be set before the alias): ${this.source}`;
            throw new Error(msg);
          }
          if (ctx.implicitKey)
            return `${src} `;
        }
        return src;
      }
    };
    function getAliasCount(doc, node, anchors2) {
      if (identity.isAlias(node)) {
        const source = node.resolve(doc);
        const anchor = anchors2 && source && anchors2.get(source);
        return anchor ? anchor.count * anchor.aliasCount : 0;
      } else if (identity.isCollection(node)) {
        let count = 0;
        for (const item of node.items) {
          const c = getAliasCount(doc, item, anchors2);
          if (c > count)
            count = c;
        }
        return count;
      } else if (identity.isPair(node)) {
        const kc = getAliasCount(doc, node.key, anchors2);
        const vc = getAliasCount(doc, node.value, anchors2);
        return Math.max(kc, vc);
      }
      return 1;
    }
    exports.Alias = Alias;
  }
});

// node_modules/yaml/dist/nodes/Scalar.js
var require_Scalar = __commonJS({
  "node_modules/yaml/dist/nodes/Scalar.js"(exports) {
    "use strict";
    var identity = require_identity();
    var Node = require_Node();
    var toJS = require_toJS();
    var isScalarValue = (value2) => !value2 || typeof value2 !== "function" && typeof value2 !== "object";
    var Scalar = class extends Node.NodeBase {
      constructor(value2) {
        super(identity.SCALAR);
        this.value = value2;
      }
      toJSON(arg, ctx) {
        return ctx?.keep ? this.value : toJS.toJS(this.value, arg, ctx);
      }
      toString() {
        return String(this.value);
      }
    };
    Scalar.BLOCK_FOLDED = "BLOCK_FOLDED";
    Scalar.BLOCK_LITERAL = "BLOCK_LITERAL";
    Scalar.PLAIN = "PLAIN";
    Scalar.QUOTE_DOUBLE = "QUOTE_DOUBLE";
    Scalar.QUOTE_SINGLE = "QUOTE_SINGLE";
    exports.Scalar = Scalar;
    exports.isScalarValue = isScalarValue;
  }
});

// node_modules/yaml/dist/doc/createNode.js
var require_createNode = __commonJS({
  "node_modules/yaml/dist/doc/createNode.js"(exports) {
    "use strict";
    var Alias = require_Alias();
    var identity = require_identity();
    var Scalar = require_Scalar();
    var defaultTagPrefix = "tag:yaml.org,2002:";
    function findTagObject(value2, tagName, tags) {
      if (tagName) {
        const match = tags.filter((t) => t.tag === tagName);
        const tagObj = match.find((t) => !t.format) ?? match[0];
        if (!tagObj)
          throw new Error(`Tag ${tagName} not found`);
        return tagObj;
      }
      return tags.find((t) => t.identify?.(value2) && !t.format);
    }
    function createNode(value2, tagName, ctx) {
      if (identity.isDocument(value2))
        value2 = value2.contents;
      if (identity.isNode(value2))
        return value2;
      if (identity.isPair(value2)) {
        const map = ctx.schema[identity.MAP].createNode?.(ctx.schema, null, ctx);
        map.items.push(value2);
        return map;
      }
      if (value2 instanceof String || value2 instanceof Number || value2 instanceof Boolean || typeof BigInt !== "undefined" && value2 instanceof BigInt) {
        value2 = value2.valueOf();
      }
      const { aliasDuplicateObjects, onAnchor, onTagObj, schema, sourceObjects } = ctx;
      let ref2 = void 0;
      if (aliasDuplicateObjects && value2 && typeof value2 === "object") {
        ref2 = sourceObjects.get(value2);
        if (ref2) {
          ref2.anchor ?? (ref2.anchor = onAnchor(value2));
          return new Alias.Alias(ref2.anchor);
        } else {
          ref2 = { anchor: null, node: null };
          sourceObjects.set(value2, ref2);
        }
      }
      if (tagName?.startsWith("!!"))
        tagName = defaultTagPrefix + tagName.slice(2);
      let tagObj = findTagObject(value2, tagName, schema.tags);
      if (!tagObj) {
        if (value2 && typeof value2.toJSON === "function") {
          value2 = value2.toJSON();
        }
        if (!value2 || typeof value2 !== "object") {
          const node2 = new Scalar.Scalar(value2);
          if (ref2)
            ref2.node = node2;
          return node2;
        }
        tagObj = value2 instanceof Map ? schema[identity.MAP] : Symbol.iterator in Object(value2) ? schema[identity.SEQ] : schema[identity.MAP];
      }
      if (onTagObj) {
        onTagObj(tagObj);
        delete ctx.onTagObj;
      }
      const node = tagObj?.createNode ? tagObj.createNode(ctx.schema, value2, ctx) : typeof tagObj?.nodeClass?.from === "function" ? tagObj.nodeClass.from(ctx.schema, value2, ctx) : new Scalar.Scalar(value2);
      if (tagName)
        node.tag = tagName;
      else if (!tagObj.default)
        node.tag = tagObj.tag;
      if (ref2)
        ref2.node = node;
      return node;
    }
    exports.createNode = createNode;
  }
});

// node_modules/yaml/dist/nodes/Collection.js
var require_Collection = __commonJS({
  "node_modules/yaml/dist/nodes/Collection.js"(exports) {
    "use strict";
    var createNode = require_createNode();
    var identity = require_identity();
    var Node = require_Node();
    function collectionFromPath(schema, path, value2) {
      let v = value2;
      for (let i = path.length - 1; i >= 0; --i) {
        const k = path[i];
        if (typeof k === "number" && Number.isInteger(k) && k >= 0) {
          const a = [];
          a[k] = v;
          v = a;
        } else {
          v = /* @__PURE__ */ new Map([[k, v]]);
        }
      }
      return createNode.createNode(v, void 0, {
        aliasDuplicateObjects: false,
        keepUndefined: false,
        onAnchor: () => {
          throw new Error("This should not happen, please report a bug.");
        },
        schema,
        sourceObjects: /* @__PURE__ */ new Map()
      });
    }
    var isEmptyPath = (path) => path == null || typeof path === "object" && !!path[Symbol.iterator]().next().done;
    var Collection = class extends Node.NodeBase {
      constructor(type, schema) {
        super(type);
        Object.defineProperty(this, "schema", {
          value: schema,
          configurable: true,
          enumerable: false,
          writable: true
        });
      }
      /**
       * Create a copy of this collection.
       *
       * @param schema - If defined, overwrites the original's schema
       */
      clone(schema) {
        const copy = Object.create(Object.getPrototypeOf(this), Object.getOwnPropertyDescriptors(this));
        if (schema)
          copy.schema = schema;
        copy.items = copy.items.map((it) => identity.isNode(it) || identity.isPair(it) ? it.clone(schema) : it);
        if (this.range)
          copy.range = this.range.slice();
        return copy;
      }
      /**
       * Adds a value to the collection. For `!!map` and `!!omap` the value must
       * be a Pair instance or a `{ key, value }` object, which may not have a key
       * that already exists in the map.
       */
      addIn(path, value2) {
        if (isEmptyPath(path))
          this.add(value2);
        else {
          const [key, ...rest] = path;
          const node = this.get(key, true);
          if (identity.isCollection(node))
            node.addIn(rest, value2);
          else if (node === void 0 && this.schema)
            this.set(key, collectionFromPath(this.schema, rest, value2));
          else
            throw new Error(`Expected YAML collection at ${key}. Remaining path: ${rest}`);
        }
      }
      /**
       * Removes a value from the collection.
       * @returns `true` if the item was found and removed.
       */
      deleteIn(path) {
        const [key, ...rest] = path;
        if (rest.length === 0)
          return this.delete(key);
        const node = this.get(key, true);
        if (identity.isCollection(node))
          return node.deleteIn(rest);
        else
          throw new Error(`Expected YAML collection at ${key}. Remaining path: ${rest}`);
      }
      /**
       * Returns item at `key`, or `undefined` if not found. By default unwraps
       * scalar values from their surrounding node; to disable set `keepScalar` to
       * `true` (collections are always returned intact).
       */
      getIn(path, keepScalar) {
        const [key, ...rest] = path;
        const node = this.get(key, true);
        if (rest.length === 0)
          return !keepScalar && identity.isScalar(node) ? node.value : node;
        else
          return identity.isCollection(node) ? node.getIn(rest, keepScalar) : void 0;
      }
      hasAllNullValues(allowScalar) {
        return this.items.every((node) => {
          if (!identity.isPair(node))
            return false;
          const n2 = node.value;
          return n2 == null || allowScalar && identity.isScalar(n2) && n2.value == null && !n2.commentBefore && !n2.comment && !n2.tag;
        });
      }
      /**
       * Checks if the collection includes a value with the key `key`.
       */
      hasIn(path) {
        const [key, ...rest] = path;
        if (rest.length === 0)
          return this.has(key);
        const node = this.get(key, true);
        return identity.isCollection(node) ? node.hasIn(rest) : false;
      }
      /**
       * Sets a value in this collection. For `!!set`, `value` needs to be a
       * boolean to add/remove the item from the set.
       */
      setIn(path, value2) {
        const [key, ...rest] = path;
        if (rest.length === 0) {
          this.set(key, value2);
        } else {
          const node = this.get(key, true);
          if (identity.isCollection(node))
            node.setIn(rest, value2);
          else if (node === void 0 && this.schema)
            this.set(key, collectionFromPath(this.schema, rest, value2));
          else
            throw new Error(`Expected YAML collection at ${key}. Remaining path: ${rest}`);
        }
      }
    };
    exports.Collection = Collection;
    exports.collectionFromPath = collectionFromPath;
    exports.isEmptyPath = isEmptyPath;
  }
});

// node_modules/yaml/dist/stringify/stringifyComment.js
var require_stringifyComment = __commonJS({
  "node_modules/yaml/dist/stringify/stringifyComment.js"(exports) {
    "use strict";
    var stringifyComment = (str2) => str2.replace(/^(?!$)(?: $)?/gm, "#");
    function indentComment(comment, indent) {
      if (/^\n+$/.test(comment))
        return comment.substring(1);
      return indent ? comment.replace(/^(?! *$)/gm, indent) : comment;
    }
    var lineComment = (str2, indent, comment) => str2.endsWith("\n") ? indentComment(comment, indent) : comment.includes("\n") ? "\n" + indentComment(comment, indent) : (str2.endsWith(" ") ? "" : " ") + comment;
    exports.indentComment = indentComment;
    exports.lineComment = lineComment;
    exports.stringifyComment = stringifyComment;
  }
});

// node_modules/yaml/dist/stringify/foldFlowLines.js
var require_foldFlowLines = __commonJS({
  "node_modules/yaml/dist/stringify/foldFlowLines.js"(exports) {
    "use strict";
    var FOLD_FLOW = "flow";
    var FOLD_BLOCK = "block";
    var FOLD_QUOTED = "quoted";
    function foldFlowLines(text, indent, mode = "flow", { indentAtStart, lineWidth = 80, minContentWidth = 20, onFold, onOverflow } = {}) {
      if (!lineWidth || lineWidth < 0)
        return text;
      if (lineWidth < minContentWidth)
        minContentWidth = 0;
      const endStep = Math.max(1 + minContentWidth, 1 + lineWidth - indent.length);
      if (text.length <= endStep)
        return text;
      const folds = [];
      const escapedFolds = {};
      let end = lineWidth - indent.length;
      if (typeof indentAtStart === "number") {
        if (indentAtStart > lineWidth - Math.max(2, minContentWidth))
          folds.push(0);
        else
          end = lineWidth - indentAtStart;
      }
      let split = void 0;
      let prev = void 0;
      let overflow = false;
      let i = -1;
      let escStart = -1;
      let escEnd = -1;
      if (mode === FOLD_BLOCK) {
        i = consumeMoreIndentedLines(text, i, indent.length);
        if (i !== -1)
          end = i + endStep;
      }
      for (let ch; ch = text[i += 1]; ) {
        if (mode === FOLD_QUOTED && ch === "\\") {
          escStart = i;
          switch (text[i + 1]) {
            case "x":
              i += 3;
              break;
            case "u":
              i += 5;
              break;
            case "U":
              i += 9;
              break;
            default:
              i += 1;
          }
          escEnd = i;
        }
        if (ch === "\n") {
          if (mode === FOLD_BLOCK)
            i = consumeMoreIndentedLines(text, i, indent.length);
          end = i + indent.length + endStep;
          split = void 0;
        } else {
          if (ch === " " && prev && prev !== " " && prev !== "\n" && prev !== "	") {
            const next = text[i + 1];
            if (next && next !== " " && next !== "\n" && next !== "	")
              split = i;
          }
          if (i >= end) {
            if (split) {
              folds.push(split);
              end = split + endStep;
              split = void 0;
            } else if (mode === FOLD_QUOTED) {
              while (prev === " " || prev === "	") {
                prev = ch;
                ch = text[i += 1];
                overflow = true;
              }
              const j = i > escEnd + 1 ? i - 2 : escStart - 1;
              if (escapedFolds[j])
                return text;
              folds.push(j);
              escapedFolds[j] = true;
              end = j + endStep;
              split = void 0;
            } else {
              overflow = true;
            }
          }
        }
        prev = ch;
      }
      if (overflow && onOverflow)
        onOverflow();
      if (folds.length === 0)
        return text;
      if (onFold)
        onFold();
      let res = text.slice(0, folds[0]);
      for (let i2 = 0; i2 < folds.length; ++i2) {
        const fold = folds[i2];
        const end2 = folds[i2 + 1] || text.length;
        if (fold === 0)
          res = `
${indent}${text.slice(0, end2)}`;
        else {
          if (mode === FOLD_QUOTED && escapedFolds[fold])
            res += `${text[fold]}\\`;
          res += `
${indent}${text.slice(fold + 1, end2)}`;
        }
      }
      return res;
    }
    function consumeMoreIndentedLines(text, i, indent) {
      let end = i;
      let start = i + 1;
      let ch = text[start];
      while (ch === " " || ch === "	") {
        if (i < start + indent) {
          ch = text[++i];
        } else {
          do {
            ch = text[++i];
          } while (ch && ch !== "\n");
          end = i;
          start = i + 1;
          ch = text[start];
        }
      }
      return end;
    }
    exports.FOLD_BLOCK = FOLD_BLOCK;
    exports.FOLD_FLOW = FOLD_FLOW;
    exports.FOLD_QUOTED = FOLD_QUOTED;
    exports.foldFlowLines = foldFlowLines;
  }
});

// node_modules/yaml/dist/stringify/stringifyString.js
var require_stringifyString = __commonJS({
  "node_modules/yaml/dist/stringify/stringifyString.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    var foldFlowLines = require_foldFlowLines();
    var getFoldOptions = (ctx, isBlock) => ({
      indentAtStart: isBlock ? ctx.indent.length : ctx.indentAtStart,
      lineWidth: ctx.options.lineWidth,
      minContentWidth: ctx.options.minContentWidth
    });
    var containsDocumentMarker = (str2) => /^(%|---|\.\.\.)/m.test(str2);
    function lineLengthOverLimit(str2, lineWidth, indentLength) {
      if (!lineWidth || lineWidth < 0)
        return false;
      const limit = lineWidth - indentLength;
      const strLen = str2.length;
      if (strLen <= limit)
        return false;
      for (let i = 0, start = 0; i < strLen; ++i) {
        if (str2[i] === "\n") {
          if (i - start > limit)
            return true;
          start = i + 1;
          if (strLen - start <= limit)
            return false;
        }
      }
      return true;
    }
    function doubleQuotedString(value2, ctx) {
      const json = JSON.stringify(value2);
      if (ctx.options.doubleQuotedAsJSON)
        return json;
      const { implicitKey } = ctx;
      const minMultiLineLength = ctx.options.doubleQuotedMinMultiLineLength;
      const indent = ctx.indent || (containsDocumentMarker(value2) ? "  " : "");
      let str2 = "";
      let start = 0;
      for (let i = 0, ch = json[i]; ch; ch = json[++i]) {
        if (ch === " " && json[i + 1] === "\\" && json[i + 2] === "n") {
          str2 += json.slice(start, i) + "\\ ";
          i += 1;
          start = i;
          ch = "\\";
        }
        if (ch === "\\")
          switch (json[i + 1]) {
            case "u":
              {
                str2 += json.slice(start, i);
                const code = json.substr(i + 2, 4);
                switch (code) {
                  case "0000":
                    str2 += "\\0";
                    break;
                  case "0007":
                    str2 += "\\a";
                    break;
                  case "000b":
                    str2 += "\\v";
                    break;
                  case "001b":
                    str2 += "\\e";
                    break;
                  case "0085":
                    str2 += "\\N";
                    break;
                  case "00a0":
                    str2 += "\\_";
                    break;
                  case "2028":
                    str2 += "\\L";
                    break;
                  case "2029":
                    str2 += "\\P";
                    break;
                  default:
                    if (code.substr(0, 2) === "00")
                      str2 += "\\x" + code.substr(2);
                    else
                      str2 += json.substr(i, 6);
                }
                i += 5;
                start = i + 1;
              }
              break;
            case "n":
              if (implicitKey || json[i + 2] === '"' || json.length < minMultiLineLength) {
                i += 1;
              } else {
                str2 += json.slice(start, i) + "\n\n";
                while (json[i + 2] === "\\" && json[i + 3] === "n" && json[i + 4] !== '"') {
                  str2 += "\n";
                  i += 2;
                }
                str2 += indent;
                if (json[i + 2] === " ")
                  str2 += "\\";
                i += 1;
                start = i + 1;
              }
              break;
            default:
              i += 1;
          }
      }
      str2 = start ? str2 + json.slice(start) : json;
      return implicitKey ? str2 : foldFlowLines.foldFlowLines(str2, indent, foldFlowLines.FOLD_QUOTED, getFoldOptions(ctx, false));
    }
    function singleQuotedString(value2, ctx) {
      if (ctx.options.singleQuote === false || ctx.implicitKey && value2.includes("\n") || /[ \t]\n|\n[ \t]/.test(value2))
        return doubleQuotedString(value2, ctx);
      const indent = ctx.indent || (containsDocumentMarker(value2) ? "  " : "");
      const res = "'" + value2.replace(/'/g, "''").replace(/\n+/g, `$&
${indent}`) + "'";
      return ctx.implicitKey ? res : foldFlowLines.foldFlowLines(res, indent, foldFlowLines.FOLD_FLOW, getFoldOptions(ctx, false));
    }
    function quotedString(value2, ctx) {
      const { singleQuote } = ctx.options;
      let qs;
      if (singleQuote === false)
        qs = doubleQuotedString;
      else {
        const hasDouble = value2.includes('"');
        const hasSingle = value2.includes("'");
        if (hasDouble && !hasSingle)
          qs = singleQuotedString;
        else if (hasSingle && !hasDouble)
          qs = doubleQuotedString;
        else
          qs = singleQuote ? singleQuotedString : doubleQuotedString;
      }
      return qs(value2, ctx);
    }
    var blockEndNewlines;
    try {
      blockEndNewlines = new RegExp("(^|(?<!\n))\n+(?!\n|$)", "g");
    } catch {
      blockEndNewlines = /\n+(?!\n|$)/g;
    }
    function blockString({ comment, type, value: value2 }, ctx, onComment, onChompKeep) {
      const { blockQuote, commentString, lineWidth } = ctx.options;
      if (!blockQuote || /\n[\t ]+$/.test(value2)) {
        return quotedString(value2, ctx);
      }
      const indent = ctx.indent || (ctx.forceBlockIndent || containsDocumentMarker(value2) ? "  " : "");
      const literal = blockQuote === "literal" ? true : blockQuote === "folded" || type === Scalar.Scalar.BLOCK_FOLDED ? false : type === Scalar.Scalar.BLOCK_LITERAL ? true : !lineLengthOverLimit(value2, lineWidth, indent.length);
      if (!value2)
        return literal ? "|\n" : ">\n";
      let chomp;
      let endStart;
      for (endStart = value2.length; endStart > 0; --endStart) {
        const ch = value2[endStart - 1];
        if (ch !== "\n" && ch !== "	" && ch !== " ")
          break;
      }
      let end = value2.substring(endStart);
      const endNlPos = end.indexOf("\n");
      if (endNlPos === -1) {
        chomp = "-";
      } else if (value2 === end || endNlPos !== end.length - 1) {
        chomp = "+";
        if (onChompKeep)
          onChompKeep();
      } else {
        chomp = "";
      }
      if (end) {
        value2 = value2.slice(0, -end.length);
        if (end[end.length - 1] === "\n")
          end = end.slice(0, -1);
        end = end.replace(blockEndNewlines, `$&${indent}`);
      }
      let startWithSpace = false;
      let startEnd;
      let startNlPos = -1;
      for (startEnd = 0; startEnd < value2.length; ++startEnd) {
        const ch = value2[startEnd];
        if (ch === " ")
          startWithSpace = true;
        else if (ch === "\n")
          startNlPos = startEnd;
        else
          break;
      }
      let start = value2.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
      if (start) {
        value2 = value2.substring(start.length);
        start = start.replace(/\n+/g, `$&${indent}`);
      }
      const indentSize = indent ? "2" : "1";
      let header2 = (startWithSpace ? indentSize : "") + chomp;
      if (comment) {
        header2 += " " + commentString(comment.replace(/ ?[\r\n]+/g, " "));
        if (onComment)
          onComment();
      }
      if (!literal) {
        const foldedValue = value2.replace(/\n+/g, "\n$&").replace(/(?:^|\n)([\t ].*)(?:([\n\t ]*)\n(?![\n\t ]))?/g, "$1$2").replace(/\n+/g, `$&${indent}`);
        let literalFallback = false;
        const foldOptions = getFoldOptions(ctx, true);
        if (blockQuote !== "folded" && type !== Scalar.Scalar.BLOCK_FOLDED) {
          foldOptions.onOverflow = () => {
            literalFallback = true;
          };
        }
        const body = foldFlowLines.foldFlowLines(`${start}${foldedValue}${end}`, indent, foldFlowLines.FOLD_BLOCK, foldOptions);
        if (!literalFallback)
          return `>${header2}
${indent}${body}`;
      }
      value2 = value2.replace(/\n+/g, `$&${indent}`);
      return `|${header2}
${indent}${start}${value2}${end}`;
    }
    function plainString(item, ctx, onComment, onChompKeep) {
      const { type, value: value2 } = item;
      const { actualString, implicitKey, indent, indentStep, inFlow } = ctx;
      if (implicitKey && value2.includes("\n") || inFlow && /[[\]{},]/.test(value2)) {
        return quotedString(value2, ctx);
      }
      if (/^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/.test(value2)) {
        return implicitKey || inFlow || !value2.includes("\n") ? quotedString(value2, ctx) : blockString(item, ctx, onComment, onChompKeep);
      }
      if (!implicitKey && !inFlow && type !== Scalar.Scalar.PLAIN && value2.includes("\n")) {
        return blockString(item, ctx, onComment, onChompKeep);
      }
      if (containsDocumentMarker(value2)) {
        if (indent === "") {
          ctx.forceBlockIndent = true;
          return blockString(item, ctx, onComment, onChompKeep);
        } else if (implicitKey && indent === indentStep) {
          return quotedString(value2, ctx);
        }
      }
      const str2 = value2.replace(/\n+/g, `$&
${indent}`);
      if (actualString) {
        const test = (tag) => tag.default && tag.tag !== "tag:yaml.org,2002:str" && tag.test?.test(str2);
        const { compat, tags } = ctx.doc.schema;
        if (tags.some(test) || compat?.some(test))
          return quotedString(value2, ctx);
      }
      return implicitKey ? str2 : foldFlowLines.foldFlowLines(str2, indent, foldFlowLines.FOLD_FLOW, getFoldOptions(ctx, false));
    }
    function stringifyString(item, ctx, onComment, onChompKeep) {
      const { implicitKey, inFlow } = ctx;
      const ss = typeof item.value === "string" ? item : Object.assign({}, item, { value: String(item.value) });
      let { type } = item;
      if (type !== Scalar.Scalar.QUOTE_DOUBLE) {
        if (/[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u.test(ss.value))
          type = Scalar.Scalar.QUOTE_DOUBLE;
      }
      const _stringify = (_type) => {
        switch (_type) {
          case Scalar.Scalar.BLOCK_FOLDED:
          case Scalar.Scalar.BLOCK_LITERAL:
            return implicitKey || inFlow ? quotedString(ss.value, ctx) : blockString(ss, ctx, onComment, onChompKeep);
          case Scalar.Scalar.QUOTE_DOUBLE:
            return doubleQuotedString(ss.value, ctx);
          case Scalar.Scalar.QUOTE_SINGLE:
            return singleQuotedString(ss.value, ctx);
          case Scalar.Scalar.PLAIN:
            return plainString(ss, ctx, onComment, onChompKeep);
          default:
            return null;
        }
      };
      let res = _stringify(type);
      if (res === null) {
        const { defaultKeyType, defaultStringType } = ctx.options;
        const t = implicitKey && defaultKeyType || defaultStringType;
        res = _stringify(t);
        if (res === null)
          throw new Error(`Unsupported default string type ${t}`);
      }
      return res;
    }
    exports.stringifyString = stringifyString;
  }
});

// node_modules/yaml/dist/stringify/stringify.js
var require_stringify = __commonJS({
  "node_modules/yaml/dist/stringify/stringify.js"(exports) {
    "use strict";
    var anchors = require_anchors();
    var identity = require_identity();
    var stringifyComment = require_stringifyComment();
    var stringifyString = require_stringifyString();
    function createStringifyContext(doc, options) {
      const opt = Object.assign({
        blockQuote: true,
        commentString: stringifyComment.stringifyComment,
        defaultKeyType: null,
        defaultStringType: "PLAIN",
        directives: null,
        doubleQuotedAsJSON: false,
        doubleQuotedMinMultiLineLength: 40,
        falseStr: "false",
        flowCollectionPadding: true,
        indentSeq: true,
        lineWidth: 80,
        minContentWidth: 20,
        nullStr: "null",
        simpleKeys: false,
        singleQuote: null,
        trailingComma: false,
        trueStr: "true",
        verifyAliasOrder: true
      }, doc.schema.toStringOptions, options);
      let inFlow;
      switch (opt.collectionStyle) {
        case "block":
          inFlow = false;
          break;
        case "flow":
          inFlow = true;
          break;
        default:
          inFlow = null;
      }
      return {
        anchors: /* @__PURE__ */ new Set(),
        doc,
        flowCollectionPadding: opt.flowCollectionPadding ? " " : "",
        indent: "",
        indentStep: typeof opt.indent === "number" ? " ".repeat(opt.indent) : "  ",
        inFlow,
        options: opt
      };
    }
    function getTagObject(tags, item) {
      if (item.tag) {
        const match = tags.filter((t) => t.tag === item.tag);
        if (match.length > 0)
          return match.find((t) => t.format === item.format) ?? match[0];
      }
      let tagObj = void 0;
      let obj;
      if (identity.isScalar(item)) {
        obj = item.value;
        let match = tags.filter((t) => t.identify?.(obj));
        if (match.length > 1) {
          const testMatch = match.filter((t) => t.test);
          if (testMatch.length > 0)
            match = testMatch;
        }
        tagObj = match.find((t) => t.format === item.format) ?? match.find((t) => !t.format);
      } else {
        obj = item;
        tagObj = tags.find((t) => t.nodeClass && obj instanceof t.nodeClass);
      }
      if (!tagObj) {
        const name = obj?.constructor?.name ?? (obj === null ? "null" : typeof obj);
        throw new Error(`Tag not resolved for ${name} value`);
      }
      return tagObj;
    }
    function stringifyProps(node, tagObj, { anchors: anchors$1, doc }) {
      if (!doc.directives)
        return "";
      const props = [];
      const anchor = (identity.isScalar(node) || identity.isCollection(node)) && node.anchor;
      if (anchor && anchors.anchorIsValid(anchor)) {
        anchors$1.add(anchor);
        props.push(`&${anchor}`);
      }
      const tag = node.tag ?? (tagObj.default ? null : tagObj.tag);
      if (tag)
        props.push(doc.directives.tagString(tag));
      return props.join(" ");
    }
    function stringify(item, ctx, onComment, onChompKeep) {
      if (identity.isPair(item))
        return item.toString(ctx, onComment, onChompKeep);
      if (identity.isAlias(item)) {
        if (ctx.doc.directives)
          return item.toString(ctx);
        if (ctx.resolvedAliases?.has(item)) {
          throw new TypeError(`Cannot stringify circular structure without alias nodes`);
        } else {
          if (ctx.resolvedAliases)
            ctx.resolvedAliases.add(item);
          else
            ctx.resolvedAliases = /* @__PURE__ */ new Set([item]);
          item = item.resolve(ctx.doc);
        }
      }
      let tagObj = void 0;
      const node = identity.isNode(item) ? item : ctx.doc.createNode(item, { onTagObj: (o) => tagObj = o });
      tagObj ?? (tagObj = getTagObject(ctx.doc.schema.tags, node));
      const props = stringifyProps(node, tagObj, ctx);
      if (props.length > 0)
        ctx.indentAtStart = (ctx.indentAtStart ?? 0) + props.length + 1;
      const str2 = typeof tagObj.stringify === "function" ? tagObj.stringify(node, ctx, onComment, onChompKeep) : identity.isScalar(node) ? stringifyString.stringifyString(node, ctx, onComment, onChompKeep) : node.toString(ctx, onComment, onChompKeep);
      if (!props)
        return str2;
      return identity.isScalar(node) || str2[0] === "{" || str2[0] === "[" ? `${props} ${str2}` : `${props}
${ctx.indent}${str2}`;
    }
    exports.createStringifyContext = createStringifyContext;
    exports.stringify = stringify;
  }
});

// node_modules/yaml/dist/stringify/stringifyPair.js
var require_stringifyPair = __commonJS({
  "node_modules/yaml/dist/stringify/stringifyPair.js"(exports) {
    "use strict";
    var identity = require_identity();
    var Scalar = require_Scalar();
    var stringify = require_stringify();
    var stringifyComment = require_stringifyComment();
    function stringifyPair({ key, value: value2 }, ctx, onComment, onChompKeep) {
      const { allNullValues, doc, indent, indentStep, options: { commentString, indentSeq, simpleKeys } } = ctx;
      let keyComment = identity.isNode(key) && key.comment || null;
      if (simpleKeys) {
        if (keyComment) {
          throw new Error("With simple keys, key nodes cannot have comments");
        }
        if (identity.isCollection(key) || !identity.isNode(key) && typeof key === "object") {
          const msg = "With simple keys, collection cannot be used as a key value";
          throw new Error(msg);
        }
      }
      let explicitKey = !simpleKeys && (!key || keyComment && value2 == null && !ctx.inFlow || identity.isCollection(key) || (identity.isScalar(key) ? key.type === Scalar.Scalar.BLOCK_FOLDED || key.type === Scalar.Scalar.BLOCK_LITERAL : typeof key === "object"));
      ctx = Object.assign({}, ctx, {
        allNullValues: false,
        implicitKey: !explicitKey && (simpleKeys || !allNullValues),
        indent: indent + indentStep
      });
      let keyCommentDone = false;
      let chompKeep = false;
      let str2 = stringify.stringify(key, ctx, () => keyCommentDone = true, () => chompKeep = true);
      if (!explicitKey && !ctx.inFlow && str2.length > 1024) {
        if (simpleKeys)
          throw new Error("With simple keys, single line scalar must not span more than 1024 characters");
        explicitKey = true;
      }
      if (ctx.inFlow) {
        if (allNullValues || value2 == null) {
          if (keyCommentDone && onComment)
            onComment();
          return str2 === "" ? "?" : explicitKey ? `? ${str2}` : str2;
        }
      } else if (allNullValues && !simpleKeys || value2 == null && explicitKey) {
        str2 = `? ${str2}`;
        if (keyComment && !keyCommentDone) {
          str2 += stringifyComment.lineComment(str2, ctx.indent, commentString(keyComment));
        } else if (chompKeep && onChompKeep)
          onChompKeep();
        return str2;
      }
      if (keyCommentDone)
        keyComment = null;
      if (explicitKey) {
        if (keyComment)
          str2 += stringifyComment.lineComment(str2, ctx.indent, commentString(keyComment));
        str2 = `? ${str2}
${indent}:`;
      } else {
        str2 = `${str2}:`;
        if (keyComment)
          str2 += stringifyComment.lineComment(str2, ctx.indent, commentString(keyComment));
      }
      let vsb, vcb, valueComment;
      if (identity.isNode(value2)) {
        vsb = !!value2.spaceBefore;
        vcb = value2.commentBefore;
        valueComment = value2.comment;
      } else {
        vsb = false;
        vcb = null;
        valueComment = null;
        if (value2 && typeof value2 === "object")
          value2 = doc.createNode(value2);
      }
      ctx.implicitKey = false;
      if (!explicitKey && !keyComment && identity.isScalar(value2))
        ctx.indentAtStart = str2.length + 1;
      chompKeep = false;
      if (!indentSeq && indentStep.length >= 2 && !ctx.inFlow && !explicitKey && identity.isSeq(value2) && !value2.flow && !value2.tag && !value2.anchor) {
        ctx.indent = ctx.indent.substring(2);
      }
      let valueCommentDone = false;
      const valueStr = stringify.stringify(value2, ctx, () => valueCommentDone = true, () => chompKeep = true);
      let ws = " ";
      if (keyComment || vsb || vcb) {
        ws = vsb ? "\n" : "";
        if (vcb) {
          const cs = commentString(vcb);
          ws += `
${stringifyComment.indentComment(cs, ctx.indent)}`;
        }
        if (valueStr === "" && !ctx.inFlow) {
          if (ws === "\n" && valueComment)
            ws = "\n\n";
        } else {
          ws += `
${ctx.indent}`;
        }
      } else if (!explicitKey && identity.isCollection(value2)) {
        const vs0 = valueStr[0];
        const nl0 = valueStr.indexOf("\n");
        const hasNewline = nl0 !== -1;
        const flow = ctx.inFlow ?? value2.flow ?? value2.items.length === 0;
        if (hasNewline || !flow) {
          let hasPropsLine = false;
          if (hasNewline && (vs0 === "&" || vs0 === "!")) {
            let sp0 = valueStr.indexOf(" ");
            if (vs0 === "&" && sp0 !== -1 && sp0 < nl0 && valueStr[sp0 + 1] === "!") {
              sp0 = valueStr.indexOf(" ", sp0 + 1);
            }
            if (sp0 === -1 || nl0 < sp0)
              hasPropsLine = true;
          }
          if (!hasPropsLine)
            ws = `
${ctx.indent}`;
        }
      } else if (valueStr === "" || valueStr[0] === "\n") {
        ws = "";
      }
      str2 += ws + valueStr;
      if (ctx.inFlow) {
        if (valueCommentDone && onComment)
          onComment();
      } else if (valueComment && !valueCommentDone) {
        str2 += stringifyComment.lineComment(str2, ctx.indent, commentString(valueComment));
      } else if (chompKeep && onChompKeep) {
        onChompKeep();
      }
      return str2;
    }
    exports.stringifyPair = stringifyPair;
  }
});

// node_modules/yaml/dist/log.js
var require_log = __commonJS({
  "node_modules/yaml/dist/log.js"(exports) {
    "use strict";
    var node_process = __require("process");
    function debug(logLevel, ...messages) {
      if (logLevel === "debug")
        console.log(...messages);
    }
    function warn(logLevel, warning) {
      if (logLevel === "debug" || logLevel === "warn") {
        if (typeof node_process.emitWarning === "function")
          node_process.emitWarning(warning);
        else
          console.warn(warning);
      }
    }
    exports.debug = debug;
    exports.warn = warn;
  }
});

// node_modules/yaml/dist/schema/yaml-1.1/merge.js
var require_merge = __commonJS({
  "node_modules/yaml/dist/schema/yaml-1.1/merge.js"(exports) {
    "use strict";
    var identity = require_identity();
    var Scalar = require_Scalar();
    var MERGE_KEY = "<<";
    var merge = {
      identify: (value2) => value2 === MERGE_KEY || typeof value2 === "symbol" && value2.description === MERGE_KEY,
      default: "key",
      tag: "tag:yaml.org,2002:merge",
      test: /^<<$/,
      resolve: () => Object.assign(new Scalar.Scalar(Symbol(MERGE_KEY)), {
        addToJSMap: addMergeToJSMap
      }),
      stringify: () => MERGE_KEY
    };
    var isMergeKey = (ctx, key) => (merge.identify(key) || identity.isScalar(key) && (!key.type || key.type === Scalar.Scalar.PLAIN) && merge.identify(key.value)) && ctx?.doc.schema.tags.some((tag) => tag.tag === merge.tag && tag.default);
    function addMergeToJSMap(ctx, map, value2) {
      const source = resolveAliasValue(ctx, value2);
      if (identity.isSeq(source))
        for (const it of source.items)
          mergeValue(ctx, map, it);
      else if (Array.isArray(source))
        for (const it of source)
          mergeValue(ctx, map, it);
      else
        mergeValue(ctx, map, source);
    }
    function mergeValue(ctx, map, value2) {
      const source = resolveAliasValue(ctx, value2);
      if (!identity.isMap(source))
        throw new Error("Merge sources must be maps or map aliases");
      const srcMap = source.toJSON(null, ctx, Map);
      for (const [key, value3] of srcMap) {
        if (map instanceof Map) {
          if (!map.has(key))
            map.set(key, value3);
        } else if (map instanceof Set) {
          map.add(key);
        } else if (!Object.prototype.hasOwnProperty.call(map, key)) {
          Object.defineProperty(map, key, {
            value: value3,
            writable: true,
            enumerable: true,
            configurable: true
          });
        }
      }
      return map;
    }
    function resolveAliasValue(ctx, value2) {
      return ctx && identity.isAlias(value2) ? value2.resolve(ctx.doc, ctx) : value2;
    }
    exports.addMergeToJSMap = addMergeToJSMap;
    exports.isMergeKey = isMergeKey;
    exports.merge = merge;
  }
});

// node_modules/yaml/dist/nodes/addPairToJSMap.js
var require_addPairToJSMap = __commonJS({
  "node_modules/yaml/dist/nodes/addPairToJSMap.js"(exports) {
    "use strict";
    var log = require_log();
    var merge = require_merge();
    var stringify = require_stringify();
    var identity = require_identity();
    var toJS = require_toJS();
    function addPairToJSMap(ctx, map, { key, value: value2 }) {
      if (identity.isNode(key) && key.addToJSMap)
        key.addToJSMap(ctx, map, value2);
      else if (merge.isMergeKey(ctx, key))
        merge.addMergeToJSMap(ctx, map, value2);
      else {
        const jsKey = toJS.toJS(key, "", ctx);
        if (map instanceof Map) {
          map.set(jsKey, toJS.toJS(value2, jsKey, ctx));
        } else if (map instanceof Set) {
          map.add(jsKey);
        } else {
          const stringKey = stringifyKey(key, jsKey, ctx);
          const jsValue = toJS.toJS(value2, stringKey, ctx);
          if (stringKey in map)
            Object.defineProperty(map, stringKey, {
              value: jsValue,
              writable: true,
              enumerable: true,
              configurable: true
            });
          else
            map[stringKey] = jsValue;
        }
      }
      return map;
    }
    function stringifyKey(key, jsKey, ctx) {
      if (jsKey === null)
        return "";
      if (typeof jsKey !== "object")
        return String(jsKey);
      if (identity.isNode(key) && ctx?.doc) {
        const strCtx = stringify.createStringifyContext(ctx.doc, {});
        strCtx.anchors = /* @__PURE__ */ new Set();
        for (const node of ctx.anchors.keys())
          strCtx.anchors.add(node.anchor);
        strCtx.inFlow = true;
        strCtx.inStringifyKey = true;
        const strKey = key.toString(strCtx);
        if (!ctx.mapKeyWarned) {
          let jsonStr = JSON.stringify(strKey);
          if (jsonStr.length > 40)
            jsonStr = jsonStr.substring(0, 36) + '..."';
          log.warn(ctx.doc.options.logLevel, `Keys with collection values will be stringified due to JS Object restrictions: ${jsonStr}. Set mapAsMap: true to use object keys.`);
          ctx.mapKeyWarned = true;
        }
        return strKey;
      }
      return JSON.stringify(jsKey);
    }
    exports.addPairToJSMap = addPairToJSMap;
  }
});

// node_modules/yaml/dist/nodes/Pair.js
var require_Pair = __commonJS({
  "node_modules/yaml/dist/nodes/Pair.js"(exports) {
    "use strict";
    var createNode = require_createNode();
    var stringifyPair = require_stringifyPair();
    var addPairToJSMap = require_addPairToJSMap();
    var identity = require_identity();
    function createPair(key, value2, ctx) {
      const k = createNode.createNode(key, void 0, ctx);
      const v = createNode.createNode(value2, void 0, ctx);
      return new Pair(k, v);
    }
    var Pair = class _Pair {
      constructor(key, value2 = null) {
        Object.defineProperty(this, identity.NODE_TYPE, { value: identity.PAIR });
        this.key = key;
        this.value = value2;
      }
      clone(schema) {
        let { key, value: value2 } = this;
        if (identity.isNode(key))
          key = key.clone(schema);
        if (identity.isNode(value2))
          value2 = value2.clone(schema);
        return new _Pair(key, value2);
      }
      toJSON(_, ctx) {
        const pair = ctx?.mapAsMap ? /* @__PURE__ */ new Map() : {};
        return addPairToJSMap.addPairToJSMap(ctx, pair, this);
      }
      toString(ctx, onComment, onChompKeep) {
        return ctx?.doc ? stringifyPair.stringifyPair(this, ctx, onComment, onChompKeep) : JSON.stringify(this);
      }
    };
    exports.Pair = Pair;
    exports.createPair = createPair;
  }
});

// node_modules/yaml/dist/stringify/stringifyCollection.js
var require_stringifyCollection = __commonJS({
  "node_modules/yaml/dist/stringify/stringifyCollection.js"(exports) {
    "use strict";
    var identity = require_identity();
    var stringify = require_stringify();
    var stringifyComment = require_stringifyComment();
    function stringifyCollection(collection, ctx, options) {
      const flow = ctx.inFlow ?? collection.flow;
      const stringify2 = flow ? stringifyFlowCollection : stringifyBlockCollection;
      return stringify2(collection, ctx, options);
    }
    function stringifyBlockCollection({ comment, items: items2 }, ctx, { blockItemPrefix, flowChars, itemIndent, onChompKeep, onComment }) {
      const { indent, options: { commentString } } = ctx;
      const itemCtx = Object.assign({}, ctx, { indent: itemIndent, type: null });
      let chompKeep = false;
      const lines = [];
      for (let i = 0; i < items2.length; ++i) {
        const item = items2[i];
        let comment2 = null;
        if (identity.isNode(item)) {
          if (!chompKeep && item.spaceBefore)
            lines.push("");
          addCommentBefore(ctx, lines, item.commentBefore, chompKeep);
          if (item.comment)
            comment2 = item.comment;
        } else if (identity.isPair(item)) {
          const ik = identity.isNode(item.key) ? item.key : null;
          if (ik) {
            if (!chompKeep && ik.spaceBefore)
              lines.push("");
            addCommentBefore(ctx, lines, ik.commentBefore, chompKeep);
          }
        }
        chompKeep = false;
        let str3 = stringify.stringify(item, itemCtx, () => comment2 = null, () => chompKeep = true);
        if (comment2)
          str3 += stringifyComment.lineComment(str3, itemIndent, commentString(comment2));
        if (chompKeep && comment2)
          chompKeep = false;
        lines.push(blockItemPrefix + str3);
      }
      let str2;
      if (lines.length === 0) {
        str2 = flowChars.start + flowChars.end;
      } else {
        str2 = lines[0];
        for (let i = 1; i < lines.length; ++i) {
          const line = lines[i];
          str2 += line ? `
${indent}${line}` : "\n";
        }
      }
      if (comment) {
        str2 += "\n" + stringifyComment.indentComment(commentString(comment), indent);
        if (onComment)
          onComment();
      } else if (chompKeep && onChompKeep)
        onChompKeep();
      return str2;
    }
    function stringifyFlowCollection({ items: items2 }, ctx, { flowChars, itemIndent }) {
      const { indent, indentStep, flowCollectionPadding: fcPadding, options: { commentString } } = ctx;
      itemIndent += indentStep;
      const itemCtx = Object.assign({}, ctx, {
        indent: itemIndent,
        inFlow: true,
        type: null
      });
      let reqNewline = false;
      let linesAtValue = 0;
      const lines = [];
      for (let i = 0; i < items2.length; ++i) {
        const item = items2[i];
        let comment = null;
        if (identity.isNode(item)) {
          if (item.spaceBefore)
            lines.push("");
          addCommentBefore(ctx, lines, item.commentBefore, false);
          if (item.comment)
            comment = item.comment;
        } else if (identity.isPair(item)) {
          const ik = identity.isNode(item.key) ? item.key : null;
          if (ik) {
            if (ik.spaceBefore)
              lines.push("");
            addCommentBefore(ctx, lines, ik.commentBefore, false);
            if (ik.comment)
              reqNewline = true;
          }
          const iv = identity.isNode(item.value) ? item.value : null;
          if (iv) {
            if (iv.comment)
              comment = iv.comment;
            if (iv.commentBefore)
              reqNewline = true;
          } else if (item.value == null && ik?.comment) {
            comment = ik.comment;
          }
        }
        if (comment)
          reqNewline = true;
        let str2 = stringify.stringify(item, itemCtx, () => comment = null);
        reqNewline || (reqNewline = lines.length > linesAtValue || str2.includes("\n"));
        if (i < items2.length - 1) {
          str2 += ",";
        } else if (ctx.options.trailingComma) {
          if (ctx.options.lineWidth > 0) {
            reqNewline || (reqNewline = lines.reduce((sum, line) => sum + line.length + 2, 2) + (str2.length + 2) > ctx.options.lineWidth);
          }
          if (reqNewline) {
            str2 += ",";
          }
        }
        if (comment)
          str2 += stringifyComment.lineComment(str2, itemIndent, commentString(comment));
        lines.push(str2);
        linesAtValue = lines.length;
      }
      const { start, end } = flowChars;
      if (lines.length === 0) {
        return start + end;
      } else {
        if (!reqNewline) {
          const len = lines.reduce((sum, line) => sum + line.length + 2, 2);
          reqNewline = ctx.options.lineWidth > 0 && len > ctx.options.lineWidth;
        }
        if (reqNewline) {
          let str2 = start;
          for (const line of lines)
            str2 += line ? `
${indentStep}${indent}${line}` : "\n";
          return `${str2}
${indent}${end}`;
        } else {
          return `${start}${fcPadding}${lines.join(" ")}${fcPadding}${end}`;
        }
      }
    }
    function addCommentBefore({ indent, options: { commentString } }, lines, comment, chompKeep) {
      if (comment && chompKeep)
        comment = comment.replace(/^\n+/, "");
      if (comment) {
        const ic = stringifyComment.indentComment(commentString(comment), indent);
        lines.push(ic.trimStart());
      }
    }
    exports.stringifyCollection = stringifyCollection;
  }
});

// node_modules/yaml/dist/nodes/YAMLMap.js
var require_YAMLMap = __commonJS({
  "node_modules/yaml/dist/nodes/YAMLMap.js"(exports) {
    "use strict";
    var stringifyCollection = require_stringifyCollection();
    var addPairToJSMap = require_addPairToJSMap();
    var Collection = require_Collection();
    var identity = require_identity();
    var Pair = require_Pair();
    var Scalar = require_Scalar();
    function findPair(items2, key) {
      const k = identity.isScalar(key) ? key.value : key;
      for (const it of items2) {
        if (identity.isPair(it)) {
          if (it.key === key || it.key === k)
            return it;
          if (identity.isScalar(it.key) && it.key.value === k)
            return it;
        }
      }
      return void 0;
    }
    var YAMLMap = class extends Collection.Collection {
      static get tagName() {
        return "tag:yaml.org,2002:map";
      }
      constructor(schema) {
        super(identity.MAP, schema);
        this.items = [];
      }
      /**
       * A generic collection parsing method that can be extended
       * to other node classes that inherit from YAMLMap
       */
      static from(schema, obj, ctx) {
        const { keepUndefined, replacer } = ctx;
        const map = new this(schema);
        const add = (key, value2) => {
          if (typeof replacer === "function")
            value2 = replacer.call(obj, key, value2);
          else if (Array.isArray(replacer) && !replacer.includes(key))
            return;
          if (value2 !== void 0 || keepUndefined)
            map.items.push(Pair.createPair(key, value2, ctx));
        };
        if (obj instanceof Map) {
          for (const [key, value2] of obj)
            add(key, value2);
        } else if (obj && typeof obj === "object") {
          for (const key of Object.keys(obj))
            add(key, obj[key]);
        }
        if (typeof schema.sortMapEntries === "function") {
          map.items.sort(schema.sortMapEntries);
        }
        return map;
      }
      /**
       * Adds a value to the collection.
       *
       * @param overwrite - If not set `true`, using a key that is already in the
       *   collection will throw. Otherwise, overwrites the previous value.
       */
      add(pair, overwrite) {
        let _pair;
        if (identity.isPair(pair))
          _pair = pair;
        else if (!pair || typeof pair !== "object" || !("key" in pair)) {
          _pair = new Pair.Pair(pair, pair?.value);
        } else
          _pair = new Pair.Pair(pair.key, pair.value);
        const prev = findPair(this.items, _pair.key);
        const sortEntries = this.schema?.sortMapEntries;
        if (prev) {
          if (!overwrite)
            throw new Error(`Key ${_pair.key} already set`);
          if (identity.isScalar(prev.value) && Scalar.isScalarValue(_pair.value))
            prev.value.value = _pair.value;
          else
            prev.value = _pair.value;
        } else if (sortEntries) {
          const i = this.items.findIndex((item) => sortEntries(_pair, item) < 0);
          if (i === -1)
            this.items.push(_pair);
          else
            this.items.splice(i, 0, _pair);
        } else {
          this.items.push(_pair);
        }
      }
      delete(key) {
        const it = findPair(this.items, key);
        if (!it)
          return false;
        const del = this.items.splice(this.items.indexOf(it), 1);
        return del.length > 0;
      }
      get(key, keepScalar) {
        const it = findPair(this.items, key);
        const node = it?.value;
        return (!keepScalar && identity.isScalar(node) ? node.value : node) ?? void 0;
      }
      has(key) {
        return !!findPair(this.items, key);
      }
      set(key, value2) {
        this.add(new Pair.Pair(key, value2), true);
      }
      /**
       * @param ctx - Conversion context, originally set in Document#toJS()
       * @param {Class} Type - If set, forces the returned collection type
       * @returns Instance of Type, Map, or Object
       */
      toJSON(_, ctx, Type) {
        const map = Type ? new Type() : ctx?.mapAsMap ? /* @__PURE__ */ new Map() : {};
        if (ctx?.onCreate)
          ctx.onCreate(map);
        for (const item of this.items)
          addPairToJSMap.addPairToJSMap(ctx, map, item);
        return map;
      }
      toString(ctx, onComment, onChompKeep) {
        if (!ctx)
          return JSON.stringify(this);
        for (const item of this.items) {
          if (!identity.isPair(item))
            throw new Error(`Map items must all be pairs; found ${JSON.stringify(item)} instead`);
        }
        if (!ctx.allNullValues && this.hasAllNullValues(false))
          ctx = Object.assign({}, ctx, { allNullValues: true });
        return stringifyCollection.stringifyCollection(this, ctx, {
          blockItemPrefix: "",
          flowChars: { start: "{", end: "}" },
          itemIndent: ctx.indent || "",
          onChompKeep,
          onComment
        });
      }
    };
    exports.YAMLMap = YAMLMap;
    exports.findPair = findPair;
  }
});

// node_modules/yaml/dist/schema/common/map.js
var require_map = __commonJS({
  "node_modules/yaml/dist/schema/common/map.js"(exports) {
    "use strict";
    var identity = require_identity();
    var YAMLMap = require_YAMLMap();
    var map = {
      collection: "map",
      default: true,
      nodeClass: YAMLMap.YAMLMap,
      tag: "tag:yaml.org,2002:map",
      resolve(map2, onError) {
        if (!identity.isMap(map2))
          onError("Expected a mapping for this tag");
        return map2;
      },
      createNode: (schema, obj, ctx) => YAMLMap.YAMLMap.from(schema, obj, ctx)
    };
    exports.map = map;
  }
});

// node_modules/yaml/dist/nodes/YAMLSeq.js
var require_YAMLSeq = __commonJS({
  "node_modules/yaml/dist/nodes/YAMLSeq.js"(exports) {
    "use strict";
    var createNode = require_createNode();
    var stringifyCollection = require_stringifyCollection();
    var Collection = require_Collection();
    var identity = require_identity();
    var Scalar = require_Scalar();
    var toJS = require_toJS();
    var YAMLSeq = class extends Collection.Collection {
      static get tagName() {
        return "tag:yaml.org,2002:seq";
      }
      constructor(schema) {
        super(identity.SEQ, schema);
        this.items = [];
      }
      add(value2) {
        this.items.push(value2);
      }
      /**
       * Removes a value from the collection.
       *
       * `key` must contain a representation of an integer for this to succeed.
       * It may be wrapped in a `Scalar`.
       *
       * @returns `true` if the item was found and removed.
       */
      delete(key) {
        const idx = asItemIndex(key);
        if (typeof idx !== "number")
          return false;
        const del = this.items.splice(idx, 1);
        return del.length > 0;
      }
      get(key, keepScalar) {
        const idx = asItemIndex(key);
        if (typeof idx !== "number")
          return void 0;
        const it = this.items[idx];
        return !keepScalar && identity.isScalar(it) ? it.value : it;
      }
      /**
       * Checks if the collection includes a value with the key `key`.
       *
       * `key` must contain a representation of an integer for this to succeed.
       * It may be wrapped in a `Scalar`.
       */
      has(key) {
        const idx = asItemIndex(key);
        return typeof idx === "number" && idx < this.items.length;
      }
      /**
       * Sets a value in this collection. For `!!set`, `value` needs to be a
       * boolean to add/remove the item from the set.
       *
       * If `key` does not contain a representation of an integer, this will throw.
       * It may be wrapped in a `Scalar`.
       */
      set(key, value2) {
        const idx = asItemIndex(key);
        if (typeof idx !== "number")
          throw new Error(`Expected a valid index, not ${key}.`);
        const prev = this.items[idx];
        if (identity.isScalar(prev) && Scalar.isScalarValue(value2))
          prev.value = value2;
        else
          this.items[idx] = value2;
      }
      toJSON(_, ctx) {
        const seq = [];
        if (ctx?.onCreate)
          ctx.onCreate(seq);
        let i = 0;
        for (const item of this.items)
          seq.push(toJS.toJS(item, String(i++), ctx));
        return seq;
      }
      toString(ctx, onComment, onChompKeep) {
        if (!ctx)
          return JSON.stringify(this);
        return stringifyCollection.stringifyCollection(this, ctx, {
          blockItemPrefix: "- ",
          flowChars: { start: "[", end: "]" },
          itemIndent: (ctx.indent || "") + "  ",
          onChompKeep,
          onComment
        });
      }
      static from(schema, obj, ctx) {
        const { replacer } = ctx;
        const seq = new this(schema);
        if (obj && Symbol.iterator in Object(obj)) {
          let i = 0;
          for (let it of obj) {
            if (typeof replacer === "function") {
              const key = obj instanceof Set ? it : String(i++);
              it = replacer.call(obj, key, it);
            }
            seq.items.push(createNode.createNode(it, void 0, ctx));
          }
        }
        return seq;
      }
    };
    function asItemIndex(key) {
      let idx = identity.isScalar(key) ? key.value : key;
      if (idx && typeof idx === "string")
        idx = Number(idx);
      return typeof idx === "number" && Number.isInteger(idx) && idx >= 0 ? idx : null;
    }
    exports.YAMLSeq = YAMLSeq;
  }
});

// node_modules/yaml/dist/schema/common/seq.js
var require_seq = __commonJS({
  "node_modules/yaml/dist/schema/common/seq.js"(exports) {
    "use strict";
    var identity = require_identity();
    var YAMLSeq = require_YAMLSeq();
    var seq = {
      collection: "seq",
      default: true,
      nodeClass: YAMLSeq.YAMLSeq,
      tag: "tag:yaml.org,2002:seq",
      resolve(seq2, onError) {
        if (!identity.isSeq(seq2))
          onError("Expected a sequence for this tag");
        return seq2;
      },
      createNode: (schema, obj, ctx) => YAMLSeq.YAMLSeq.from(schema, obj, ctx)
    };
    exports.seq = seq;
  }
});

// node_modules/yaml/dist/schema/common/string.js
var require_string = __commonJS({
  "node_modules/yaml/dist/schema/common/string.js"(exports) {
    "use strict";
    var stringifyString = require_stringifyString();
    var string = {
      identify: (value2) => typeof value2 === "string",
      default: true,
      tag: "tag:yaml.org,2002:str",
      resolve: (str2) => str2,
      stringify(item, ctx, onComment, onChompKeep) {
        ctx = Object.assign({ actualString: true }, ctx);
        return stringifyString.stringifyString(item, ctx, onComment, onChompKeep);
      }
    };
    exports.string = string;
  }
});

// node_modules/yaml/dist/schema/common/null.js
var require_null = __commonJS({
  "node_modules/yaml/dist/schema/common/null.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    var nullTag = {
      identify: (value2) => value2 == null,
      createNode: () => new Scalar.Scalar(null),
      default: true,
      tag: "tag:yaml.org,2002:null",
      test: /^(?:~|[Nn]ull|NULL)?$/,
      resolve: () => new Scalar.Scalar(null),
      stringify: ({ source }, ctx) => typeof source === "string" && nullTag.test.test(source) ? source : ctx.options.nullStr
    };
    exports.nullTag = nullTag;
  }
});

// node_modules/yaml/dist/schema/core/bool.js
var require_bool = __commonJS({
  "node_modules/yaml/dist/schema/core/bool.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    var boolTag = {
      identify: (value2) => typeof value2 === "boolean",
      default: true,
      tag: "tag:yaml.org,2002:bool",
      test: /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
      resolve: (str2) => new Scalar.Scalar(str2[0] === "t" || str2[0] === "T"),
      stringify({ source, value: value2 }, ctx) {
        if (source && boolTag.test.test(source)) {
          const sv = source[0] === "t" || source[0] === "T";
          if (value2 === sv)
            return source;
        }
        return value2 ? ctx.options.trueStr : ctx.options.falseStr;
      }
    };
    exports.boolTag = boolTag;
  }
});

// node_modules/yaml/dist/stringify/stringifyNumber.js
var require_stringifyNumber = __commonJS({
  "node_modules/yaml/dist/stringify/stringifyNumber.js"(exports) {
    "use strict";
    function stringifyNumber({ format, minFractionDigits, tag, value: value2 }) {
      if (typeof value2 === "bigint")
        return String(value2);
      const num = typeof value2 === "number" ? value2 : Number(value2);
      if (!isFinite(num))
        return isNaN(num) ? ".nan" : num < 0 ? "-.inf" : ".inf";
      let n2 = Object.is(value2, -0) ? "-0" : JSON.stringify(value2);
      if (!format && minFractionDigits && (!tag || tag === "tag:yaml.org,2002:float") && /^-?\d/.test(n2) && !n2.includes("e")) {
        let i = n2.indexOf(".");
        if (i < 0) {
          i = n2.length;
          n2 += ".";
        }
        let d = minFractionDigits - (n2.length - i - 1);
        while (d-- > 0)
          n2 += "0";
      }
      return n2;
    }
    exports.stringifyNumber = stringifyNumber;
  }
});

// node_modules/yaml/dist/schema/core/float.js
var require_float = __commonJS({
  "node_modules/yaml/dist/schema/core/float.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    var stringifyNumber = require_stringifyNumber();
    var floatNaN = {
      identify: (value2) => typeof value2 === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
      resolve: (str2) => str2.slice(-3).toLowerCase() === "nan" ? NaN : str2[0] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY,
      stringify: stringifyNumber.stringifyNumber
    };
    var floatExp = {
      identify: (value2) => typeof value2 === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      format: "EXP",
      test: /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
      resolve: (str2) => parseFloat(str2),
      stringify(node) {
        const num = Number(node.value);
        return isFinite(num) ? num.toExponential() : stringifyNumber.stringifyNumber(node);
      }
    };
    var float = {
      identify: (value2) => typeof value2 === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      test: /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
      resolve(str2) {
        const node = new Scalar.Scalar(parseFloat(str2));
        const dot = str2.indexOf(".");
        if (dot !== -1 && str2[str2.length - 1] === "0")
          node.minFractionDigits = str2.length - dot - 1;
        return node;
      },
      stringify: stringifyNumber.stringifyNumber
    };
    exports.float = float;
    exports.floatExp = floatExp;
    exports.floatNaN = floatNaN;
  }
});

// node_modules/yaml/dist/schema/core/int.js
var require_int = __commonJS({
  "node_modules/yaml/dist/schema/core/int.js"(exports) {
    "use strict";
    var stringifyNumber = require_stringifyNumber();
    var intIdentify = (value2) => typeof value2 === "bigint" || Number.isInteger(value2);
    var intResolve = (str2, offset, radix, { intAsBigInt }) => intAsBigInt ? BigInt(str2) : parseInt(str2.substring(offset), radix);
    function intStringify(node, radix, prefix) {
      const { value: value2 } = node;
      if (intIdentify(value2) && value2 >= 0)
        return prefix + value2.toString(radix);
      return stringifyNumber.stringifyNumber(node);
    }
    var intOct = {
      identify: (value2) => intIdentify(value2) && value2 >= 0,
      default: true,
      tag: "tag:yaml.org,2002:int",
      format: "OCT",
      test: /^0o[0-7]+$/,
      resolve: (str2, _onError, opt) => intResolve(str2, 2, 8, opt),
      stringify: (node) => intStringify(node, 8, "0o")
    };
    var int = {
      identify: intIdentify,
      default: true,
      tag: "tag:yaml.org,2002:int",
      test: /^[-+]?[0-9]+$/,
      resolve: (str2, _onError, opt) => intResolve(str2, 0, 10, opt),
      stringify: stringifyNumber.stringifyNumber
    };
    var intHex = {
      identify: (value2) => intIdentify(value2) && value2 >= 0,
      default: true,
      tag: "tag:yaml.org,2002:int",
      format: "HEX",
      test: /^0x[0-9a-fA-F]+$/,
      resolve: (str2, _onError, opt) => intResolve(str2, 2, 16, opt),
      stringify: (node) => intStringify(node, 16, "0x")
    };
    exports.int = int;
    exports.intHex = intHex;
    exports.intOct = intOct;
  }
});

// node_modules/yaml/dist/schema/core/schema.js
var require_schema = __commonJS({
  "node_modules/yaml/dist/schema/core/schema.js"(exports) {
    "use strict";
    var map = require_map();
    var _null = require_null();
    var seq = require_seq();
    var string = require_string();
    var bool2 = require_bool();
    var float = require_float();
    var int = require_int();
    var schema = [
      map.map,
      seq.seq,
      string.string,
      _null.nullTag,
      bool2.boolTag,
      int.intOct,
      int.int,
      int.intHex,
      float.floatNaN,
      float.floatExp,
      float.float
    ];
    exports.schema = schema;
  }
});

// node_modules/yaml/dist/schema/json/schema.js
var require_schema2 = __commonJS({
  "node_modules/yaml/dist/schema/json/schema.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    var map = require_map();
    var seq = require_seq();
    function intIdentify(value2) {
      return typeof value2 === "bigint" || Number.isInteger(value2);
    }
    var stringifyJSON = ({ value: value2 }) => JSON.stringify(value2);
    var jsonScalars = [
      {
        identify: (value2) => typeof value2 === "string",
        default: true,
        tag: "tag:yaml.org,2002:str",
        resolve: (str2) => str2,
        stringify: stringifyJSON
      },
      {
        identify: (value2) => value2 == null,
        createNode: () => new Scalar.Scalar(null),
        default: true,
        tag: "tag:yaml.org,2002:null",
        test: /^null$/,
        resolve: () => null,
        stringify: stringifyJSON
      },
      {
        identify: (value2) => typeof value2 === "boolean",
        default: true,
        tag: "tag:yaml.org,2002:bool",
        test: /^true$|^false$/,
        resolve: (str2) => str2 === "true",
        stringify: stringifyJSON
      },
      {
        identify: intIdentify,
        default: true,
        tag: "tag:yaml.org,2002:int",
        test: /^-?(?:0|[1-9][0-9]*)$/,
        resolve: (str2, _onError, { intAsBigInt }) => intAsBigInt ? BigInt(str2) : parseInt(str2, 10),
        stringify: ({ value: value2 }) => intIdentify(value2) ? value2.toString() : JSON.stringify(value2)
      },
      {
        identify: (value2) => typeof value2 === "number",
        default: true,
        tag: "tag:yaml.org,2002:float",
        test: /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?$/,
        resolve: (str2) => parseFloat(str2),
        stringify: stringifyJSON
      }
    ];
    var jsonError = {
      default: true,
      tag: "",
      test: /^/,
      resolve(str2, onError) {
        onError(`Unresolved plain scalar ${JSON.stringify(str2)}`);
        return str2;
      }
    };
    var schema = [map.map, seq.seq].concat(jsonScalars, jsonError);
    exports.schema = schema;
  }
});

// node_modules/yaml/dist/schema/yaml-1.1/binary.js
var require_binary = __commonJS({
  "node_modules/yaml/dist/schema/yaml-1.1/binary.js"(exports) {
    "use strict";
    var node_buffer = __require("buffer");
    var Scalar = require_Scalar();
    var stringifyString = require_stringifyString();
    var binary = {
      identify: (value2) => value2 instanceof Uint8Array,
      // Buffer inherits from Uint8Array
      default: false,
      tag: "tag:yaml.org,2002:binary",
      /**
       * Returns a Buffer in node and an Uint8Array in browsers
       *
       * To use the resulting buffer as an image, you'll want to do something like:
       *
       *   const blob = new Blob([buffer], { type: 'image/jpeg' })
       *   document.querySelector('#photo').src = URL.createObjectURL(blob)
       */
      resolve(src, onError) {
        if (typeof node_buffer.Buffer === "function") {
          return node_buffer.Buffer.from(src, "base64");
        } else if (typeof atob === "function") {
          const str2 = atob(src.replace(/[\n\r]/g, ""));
          const buffer = new Uint8Array(str2.length);
          for (let i = 0; i < str2.length; ++i)
            buffer[i] = str2.charCodeAt(i);
          return buffer;
        } else {
          onError("This environment does not support reading binary tags; either Buffer or atob is required");
          return src;
        }
      },
      stringify({ comment, type, value: value2 }, ctx, onComment, onChompKeep) {
        if (!value2)
          return "";
        const buf = value2;
        let str2;
        if (typeof node_buffer.Buffer === "function") {
          str2 = buf instanceof node_buffer.Buffer ? buf.toString("base64") : node_buffer.Buffer.from(buf.buffer).toString("base64");
        } else if (typeof btoa === "function") {
          let s = "";
          for (let i = 0; i < buf.length; ++i)
            s += String.fromCharCode(buf[i]);
          str2 = btoa(s);
        } else {
          throw new Error("This environment does not support writing binary tags; either Buffer or btoa is required");
        }
        type ?? (type = Scalar.Scalar.BLOCK_LITERAL);
        if (type !== Scalar.Scalar.QUOTE_DOUBLE) {
          const lineWidth = Math.max(ctx.options.lineWidth - ctx.indent.length, ctx.options.minContentWidth);
          const n2 = Math.ceil(str2.length / lineWidth);
          const lines = new Array(n2);
          for (let i = 0, o = 0; i < n2; ++i, o += lineWidth) {
            lines[i] = str2.substr(o, lineWidth);
          }
          str2 = lines.join(type === Scalar.Scalar.BLOCK_LITERAL ? "\n" : " ");
        }
        return stringifyString.stringifyString({ comment, type, value: str2 }, ctx, onComment, onChompKeep);
      }
    };
    exports.binary = binary;
  }
});

// node_modules/yaml/dist/schema/yaml-1.1/pairs.js
var require_pairs = __commonJS({
  "node_modules/yaml/dist/schema/yaml-1.1/pairs.js"(exports) {
    "use strict";
    var identity = require_identity();
    var Pair = require_Pair();
    var Scalar = require_Scalar();
    var YAMLSeq = require_YAMLSeq();
    function resolvePairs(seq, onError) {
      if (identity.isSeq(seq)) {
        for (let i = 0; i < seq.items.length; ++i) {
          let item = seq.items[i];
          if (identity.isPair(item))
            continue;
          else if (identity.isMap(item)) {
            if (item.items.length > 1)
              onError("Each pair must have its own sequence indicator");
            const pair = item.items[0] || new Pair.Pair(new Scalar.Scalar(null));
            if (item.commentBefore)
              pair.key.commentBefore = pair.key.commentBefore ? `${item.commentBefore}
${pair.key.commentBefore}` : item.commentBefore;
            if (item.comment) {
              const cn = pair.value ?? pair.key;
              cn.comment = cn.comment ? `${item.comment}
${cn.comment}` : item.comment;
            }
            item = pair;
          }
          seq.items[i] = identity.isPair(item) ? item : new Pair.Pair(item);
        }
      } else
        onError("Expected a sequence for this tag");
      return seq;
    }
    function createPairs(schema, iterable, ctx) {
      const { replacer } = ctx;
      const pairs2 = new YAMLSeq.YAMLSeq(schema);
      pairs2.tag = "tag:yaml.org,2002:pairs";
      let i = 0;
      if (iterable && Symbol.iterator in Object(iterable))
        for (let it of iterable) {
          if (typeof replacer === "function")
            it = replacer.call(iterable, String(i++), it);
          let key, value2;
          if (Array.isArray(it)) {
            if (it.length === 2) {
              key = it[0];
              value2 = it[1];
            } else
              throw new TypeError(`Expected [key, value] tuple: ${it}`);
          } else if (it && it instanceof Object) {
            const keys = Object.keys(it);
            if (keys.length === 1) {
              key = keys[0];
              value2 = it[key];
            } else {
              throw new TypeError(`Expected tuple with one key, not ${keys.length} keys`);
            }
          } else {
            key = it;
          }
          pairs2.items.push(Pair.createPair(key, value2, ctx));
        }
      return pairs2;
    }
    var pairs = {
      collection: "seq",
      default: false,
      tag: "tag:yaml.org,2002:pairs",
      resolve: resolvePairs,
      createNode: createPairs
    };
    exports.createPairs = createPairs;
    exports.pairs = pairs;
    exports.resolvePairs = resolvePairs;
  }
});

// node_modules/yaml/dist/schema/yaml-1.1/omap.js
var require_omap = __commonJS({
  "node_modules/yaml/dist/schema/yaml-1.1/omap.js"(exports) {
    "use strict";
    var identity = require_identity();
    var toJS = require_toJS();
    var YAMLMap = require_YAMLMap();
    var YAMLSeq = require_YAMLSeq();
    var pairs = require_pairs();
    var YAMLOMap = class _YAMLOMap extends YAMLSeq.YAMLSeq {
      constructor() {
        super();
        this.add = YAMLMap.YAMLMap.prototype.add.bind(this);
        this.delete = YAMLMap.YAMLMap.prototype.delete.bind(this);
        this.get = YAMLMap.YAMLMap.prototype.get.bind(this);
        this.has = YAMLMap.YAMLMap.prototype.has.bind(this);
        this.set = YAMLMap.YAMLMap.prototype.set.bind(this);
        this.tag = _YAMLOMap.tag;
      }
      /**
       * If `ctx` is given, the return type is actually `Map<unknown, unknown>`,
       * but TypeScript won't allow widening the signature of a child method.
       */
      toJSON(_, ctx) {
        if (!ctx)
          return super.toJSON(_);
        const map = /* @__PURE__ */ new Map();
        if (ctx?.onCreate)
          ctx.onCreate(map);
        for (const pair of this.items) {
          let key, value2;
          if (identity.isPair(pair)) {
            key = toJS.toJS(pair.key, "", ctx);
            value2 = toJS.toJS(pair.value, key, ctx);
          } else {
            key = toJS.toJS(pair, "", ctx);
          }
          if (map.has(key))
            throw new Error("Ordered maps must not include duplicate keys");
          map.set(key, value2);
        }
        return map;
      }
      static from(schema, iterable, ctx) {
        const pairs$1 = pairs.createPairs(schema, iterable, ctx);
        const omap2 = new this();
        omap2.items = pairs$1.items;
        return omap2;
      }
    };
    YAMLOMap.tag = "tag:yaml.org,2002:omap";
    var omap = {
      collection: "seq",
      identify: (value2) => value2 instanceof Map,
      nodeClass: YAMLOMap,
      default: false,
      tag: "tag:yaml.org,2002:omap",
      resolve(seq, onError) {
        const pairs$1 = pairs.resolvePairs(seq, onError);
        const seenKeys = [];
        for (const { key } of pairs$1.items) {
          if (identity.isScalar(key)) {
            if (seenKeys.includes(key.value)) {
              onError(`Ordered maps must not include duplicate keys: ${key.value}`);
            } else {
              seenKeys.push(key.value);
            }
          }
        }
        return Object.assign(new YAMLOMap(), pairs$1);
      },
      createNode: (schema, iterable, ctx) => YAMLOMap.from(schema, iterable, ctx)
    };
    exports.YAMLOMap = YAMLOMap;
    exports.omap = omap;
  }
});

// node_modules/yaml/dist/schema/yaml-1.1/bool.js
var require_bool2 = __commonJS({
  "node_modules/yaml/dist/schema/yaml-1.1/bool.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    function boolStringify({ value: value2, source }, ctx) {
      const boolObj = value2 ? trueTag : falseTag;
      if (source && boolObj.test.test(source))
        return source;
      return value2 ? ctx.options.trueStr : ctx.options.falseStr;
    }
    var trueTag = {
      identify: (value2) => value2 === true,
      default: true,
      tag: "tag:yaml.org,2002:bool",
      test: /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/,
      resolve: () => new Scalar.Scalar(true),
      stringify: boolStringify
    };
    var falseTag = {
      identify: (value2) => value2 === false,
      default: true,
      tag: "tag:yaml.org,2002:bool",
      test: /^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/,
      resolve: () => new Scalar.Scalar(false),
      stringify: boolStringify
    };
    exports.falseTag = falseTag;
    exports.trueTag = trueTag;
  }
});

// node_modules/yaml/dist/schema/yaml-1.1/float.js
var require_float2 = __commonJS({
  "node_modules/yaml/dist/schema/yaml-1.1/float.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    var stringifyNumber = require_stringifyNumber();
    var floatNaN = {
      identify: (value2) => typeof value2 === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
      resolve: (str2) => str2.slice(-3).toLowerCase() === "nan" ? NaN : str2[0] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY,
      stringify: stringifyNumber.stringifyNumber
    };
    var floatExp = {
      identify: (value2) => typeof value2 === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      format: "EXP",
      test: /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/,
      resolve: (str2) => parseFloat(str2.replace(/_/g, "")),
      stringify(node) {
        const num = Number(node.value);
        return isFinite(num) ? num.toExponential() : stringifyNumber.stringifyNumber(node);
      }
    };
    var float = {
      identify: (value2) => typeof value2 === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      test: /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/,
      resolve(str2) {
        const node = new Scalar.Scalar(parseFloat(str2.replace(/_/g, "")));
        const dot = str2.indexOf(".");
        if (dot !== -1) {
          const f = str2.substring(dot + 1).replace(/_/g, "");
          if (f[f.length - 1] === "0")
            node.minFractionDigits = f.length;
        }
        return node;
      },
      stringify: stringifyNumber.stringifyNumber
    };
    exports.float = float;
    exports.floatExp = floatExp;
    exports.floatNaN = floatNaN;
  }
});

// node_modules/yaml/dist/schema/yaml-1.1/int.js
var require_int2 = __commonJS({
  "node_modules/yaml/dist/schema/yaml-1.1/int.js"(exports) {
    "use strict";
    var stringifyNumber = require_stringifyNumber();
    var intIdentify = (value2) => typeof value2 === "bigint" || Number.isInteger(value2);
    function intResolve(str2, offset, radix, { intAsBigInt }) {
      const sign2 = str2[0];
      if (sign2 === "-" || sign2 === "+")
        offset += 1;
      str2 = str2.substring(offset).replace(/_/g, "");
      if (intAsBigInt) {
        switch (radix) {
          case 2:
            str2 = `0b${str2}`;
            break;
          case 8:
            str2 = `0o${str2}`;
            break;
          case 16:
            str2 = `0x${str2}`;
            break;
        }
        const n3 = BigInt(str2);
        return sign2 === "-" ? BigInt(-1) * n3 : n3;
      }
      const n2 = parseInt(str2, radix);
      return sign2 === "-" ? -1 * n2 : n2;
    }
    function intStringify(node, radix, prefix) {
      const { value: value2 } = node;
      if (intIdentify(value2)) {
        const str2 = value2.toString(radix);
        return value2 < 0 ? "-" + prefix + str2.substr(1) : prefix + str2;
      }
      return stringifyNumber.stringifyNumber(node);
    }
    var intBin = {
      identify: intIdentify,
      default: true,
      tag: "tag:yaml.org,2002:int",
      format: "BIN",
      test: /^[-+]?0b[0-1_]+$/,
      resolve: (str2, _onError, opt) => intResolve(str2, 2, 2, opt),
      stringify: (node) => intStringify(node, 2, "0b")
    };
    var intOct = {
      identify: intIdentify,
      default: true,
      tag: "tag:yaml.org,2002:int",
      format: "OCT",
      test: /^[-+]?0[0-7_]+$/,
      resolve: (str2, _onError, opt) => intResolve(str2, 1, 8, opt),
      stringify: (node) => intStringify(node, 8, "0")
    };
    var int = {
      identify: intIdentify,
      default: true,
      tag: "tag:yaml.org,2002:int",
      test: /^[-+]?[0-9][0-9_]*$/,
      resolve: (str2, _onError, opt) => intResolve(str2, 0, 10, opt),
      stringify: stringifyNumber.stringifyNumber
    };
    var intHex = {
      identify: intIdentify,
      default: true,
      tag: "tag:yaml.org,2002:int",
      format: "HEX",
      test: /^[-+]?0x[0-9a-fA-F_]+$/,
      resolve: (str2, _onError, opt) => intResolve(str2, 2, 16, opt),
      stringify: (node) => intStringify(node, 16, "0x")
    };
    exports.int = int;
    exports.intBin = intBin;
    exports.intHex = intHex;
    exports.intOct = intOct;
  }
});

// node_modules/yaml/dist/schema/yaml-1.1/set.js
var require_set = __commonJS({
  "node_modules/yaml/dist/schema/yaml-1.1/set.js"(exports) {
    "use strict";
    var identity = require_identity();
    var Pair = require_Pair();
    var YAMLMap = require_YAMLMap();
    var YAMLSet = class _YAMLSet extends YAMLMap.YAMLMap {
      constructor(schema) {
        super(schema);
        this.tag = _YAMLSet.tag;
      }
      add(key) {
        let pair;
        if (identity.isPair(key))
          pair = key;
        else if (key && typeof key === "object" && "key" in key && "value" in key && key.value === null)
          pair = new Pair.Pair(key.key, null);
        else
          pair = new Pair.Pair(key, null);
        const prev = YAMLMap.findPair(this.items, pair.key);
        if (!prev)
          this.items.push(pair);
      }
      /**
       * If `keepPair` is `true`, returns the Pair matching `key`.
       * Otherwise, returns the value of that Pair's key.
       */
      get(key, keepPair) {
        const pair = YAMLMap.findPair(this.items, key);
        return !keepPair && identity.isPair(pair) ? identity.isScalar(pair.key) ? pair.key.value : pair.key : pair;
      }
      set(key, value2) {
        if (typeof value2 !== "boolean")
          throw new Error(`Expected boolean value for set(key, value) in a YAML set, not ${typeof value2}`);
        const prev = YAMLMap.findPair(this.items, key);
        if (prev && !value2) {
          this.items.splice(this.items.indexOf(prev), 1);
        } else if (!prev && value2) {
          this.items.push(new Pair.Pair(key));
        }
      }
      toJSON(_, ctx) {
        return super.toJSON(_, ctx, Set);
      }
      toString(ctx, onComment, onChompKeep) {
        if (!ctx)
          return JSON.stringify(this);
        if (this.hasAllNullValues(true))
          return super.toString(Object.assign({}, ctx, { allNullValues: true }), onComment, onChompKeep);
        else
          throw new Error("Set items must all have null values");
      }
      static from(schema, iterable, ctx) {
        const { replacer } = ctx;
        const set2 = new this(schema);
        if (iterable && Symbol.iterator in Object(iterable))
          for (let value2 of iterable) {
            if (typeof replacer === "function")
              value2 = replacer.call(iterable, value2, value2);
            set2.items.push(Pair.createPair(value2, null, ctx));
          }
        return set2;
      }
    };
    YAMLSet.tag = "tag:yaml.org,2002:set";
    var set = {
      collection: "map",
      identify: (value2) => value2 instanceof Set,
      nodeClass: YAMLSet,
      default: false,
      tag: "tag:yaml.org,2002:set",
      createNode: (schema, iterable, ctx) => YAMLSet.from(schema, iterable, ctx),
      resolve(map, onError) {
        if (identity.isMap(map)) {
          if (map.hasAllNullValues(true))
            return Object.assign(new YAMLSet(), map);
          else
            onError("Set items must all have null values");
        } else
          onError("Expected a mapping for this tag");
        return map;
      }
    };
    exports.YAMLSet = YAMLSet;
    exports.set = set;
  }
});

// node_modules/yaml/dist/schema/yaml-1.1/timestamp.js
var require_timestamp = __commonJS({
  "node_modules/yaml/dist/schema/yaml-1.1/timestamp.js"(exports) {
    "use strict";
    var stringifyNumber = require_stringifyNumber();
    function parseSexagesimal(str2, asBigInt) {
      const sign2 = str2[0];
      const parts = sign2 === "-" || sign2 === "+" ? str2.substring(1) : str2;
      const num = (n2) => asBigInt ? BigInt(n2) : Number(n2);
      const res = parts.replace(/_/g, "").split(":").reduce((res2, p) => res2 * num(60) + num(p), num(0));
      return sign2 === "-" ? num(-1) * res : res;
    }
    function stringifySexagesimal(node) {
      let { value: value2 } = node;
      let num = (n2) => n2;
      if (typeof value2 === "bigint")
        num = (n2) => BigInt(n2);
      else if (isNaN(value2) || !isFinite(value2))
        return stringifyNumber.stringifyNumber(node);
      let sign2 = "";
      if (value2 < 0) {
        sign2 = "-";
        value2 *= num(-1);
      }
      const _60 = num(60);
      const parts = [value2 % _60];
      if (value2 < 60) {
        parts.unshift(0);
      } else {
        value2 = (value2 - parts[0]) / _60;
        parts.unshift(value2 % _60);
        if (value2 >= 60) {
          value2 = (value2 - parts[0]) / _60;
          parts.unshift(value2);
        }
      }
      return sign2 + parts.map((n2) => String(n2).padStart(2, "0")).join(":").replace(/000000\d*$/, "");
    }
    var intTime = {
      identify: (value2) => typeof value2 === "bigint" || Number.isInteger(value2),
      default: true,
      tag: "tag:yaml.org,2002:int",
      format: "TIME",
      test: /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$/,
      resolve: (str2, _onError, { intAsBigInt }) => parseSexagesimal(str2, intAsBigInt),
      stringify: stringifySexagesimal
    };
    var floatTime = {
      identify: (value2) => typeof value2 === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      format: "TIME",
      test: /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$/,
      resolve: (str2) => parseSexagesimal(str2, false),
      stringify: stringifySexagesimal
    };
    var timestamp = {
      identify: (value2) => value2 instanceof Date,
      default: true,
      tag: "tag:yaml.org,2002:timestamp",
      // If the time zone is omitted, the timestamp is assumed to be specified in UTC. The time part
      // may be omitted altogether, resulting in a date format. In such a case, the time part is
      // assumed to be 00:00:00Z (start of day, UTC).
      test: RegExp("^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:t|T|[ \\t]+)([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2}(\\.[0-9]+)?)(?:[ \\t]*(Z|[-+][012]?[0-9](?::[0-9]{2})?))?)?$"),
      resolve(str2) {
        const match = str2.match(timestamp.test);
        if (!match)
          throw new Error("!!timestamp expects a date, starting with yyyy-mm-dd");
        const [, year, month, day, hour, minute, second] = match.map(Number);
        const millisec = match[7] ? Number((match[7] + "00").substr(1, 3)) : 0;
        let date = Date.UTC(year, month - 1, day, hour || 0, minute || 0, second || 0, millisec);
        const tz = match[8];
        if (tz && tz !== "Z") {
          let d = parseSexagesimal(tz, false);
          if (Math.abs(d) < 30)
            d *= 60;
          date -= 6e4 * d;
        }
        return new Date(date);
      },
      stringify: ({ value: value2 }) => value2?.toISOString().replace(/(T00:00:00)?\.000Z$/, "") ?? ""
    };
    exports.floatTime = floatTime;
    exports.intTime = intTime;
    exports.timestamp = timestamp;
  }
});

// node_modules/yaml/dist/schema/yaml-1.1/schema.js
var require_schema3 = __commonJS({
  "node_modules/yaml/dist/schema/yaml-1.1/schema.js"(exports) {
    "use strict";
    var map = require_map();
    var _null = require_null();
    var seq = require_seq();
    var string = require_string();
    var binary = require_binary();
    var bool2 = require_bool2();
    var float = require_float2();
    var int = require_int2();
    var merge = require_merge();
    var omap = require_omap();
    var pairs = require_pairs();
    var set = require_set();
    var timestamp = require_timestamp();
    var schema = [
      map.map,
      seq.seq,
      string.string,
      _null.nullTag,
      bool2.trueTag,
      bool2.falseTag,
      int.intBin,
      int.intOct,
      int.int,
      int.intHex,
      float.floatNaN,
      float.floatExp,
      float.float,
      binary.binary,
      merge.merge,
      omap.omap,
      pairs.pairs,
      set.set,
      timestamp.intTime,
      timestamp.floatTime,
      timestamp.timestamp
    ];
    exports.schema = schema;
  }
});

// node_modules/yaml/dist/schema/tags.js
var require_tags = __commonJS({
  "node_modules/yaml/dist/schema/tags.js"(exports) {
    "use strict";
    var map = require_map();
    var _null = require_null();
    var seq = require_seq();
    var string = require_string();
    var bool2 = require_bool();
    var float = require_float();
    var int = require_int();
    var schema = require_schema();
    var schema$1 = require_schema2();
    var binary = require_binary();
    var merge = require_merge();
    var omap = require_omap();
    var pairs = require_pairs();
    var schema$2 = require_schema3();
    var set = require_set();
    var timestamp = require_timestamp();
    var schemas = /* @__PURE__ */ new Map([
      ["core", schema.schema],
      ["failsafe", [map.map, seq.seq, string.string]],
      ["json", schema$1.schema],
      ["yaml11", schema$2.schema],
      ["yaml-1.1", schema$2.schema]
    ]);
    var tagsByName = {
      binary: binary.binary,
      bool: bool2.boolTag,
      float: float.float,
      floatExp: float.floatExp,
      floatNaN: float.floatNaN,
      floatTime: timestamp.floatTime,
      int: int.int,
      intHex: int.intHex,
      intOct: int.intOct,
      intTime: timestamp.intTime,
      map: map.map,
      merge: merge.merge,
      null: _null.nullTag,
      omap: omap.omap,
      pairs: pairs.pairs,
      seq: seq.seq,
      set: set.set,
      timestamp: timestamp.timestamp
    };
    var coreKnownTags = {
      "tag:yaml.org,2002:binary": binary.binary,
      "tag:yaml.org,2002:merge": merge.merge,
      "tag:yaml.org,2002:omap": omap.omap,
      "tag:yaml.org,2002:pairs": pairs.pairs,
      "tag:yaml.org,2002:set": set.set,
      "tag:yaml.org,2002:timestamp": timestamp.timestamp
    };
    function getTags(customTags, schemaName, addMergeTag) {
      const schemaTags = schemas.get(schemaName);
      if (schemaTags && !customTags) {
        return addMergeTag && !schemaTags.includes(merge.merge) ? schemaTags.concat(merge.merge) : schemaTags.slice();
      }
      let tags = schemaTags;
      if (!tags) {
        if (Array.isArray(customTags))
          tags = [];
        else {
          const keys = Array.from(schemas.keys()).filter((key) => key !== "yaml11").map((key) => JSON.stringify(key)).join(", ");
          throw new Error(`Unknown schema "${schemaName}"; use one of ${keys} or define customTags array`);
        }
      }
      if (Array.isArray(customTags)) {
        for (const tag of customTags)
          tags = tags.concat(tag);
      } else if (typeof customTags === "function") {
        tags = customTags(tags.slice());
      }
      if (addMergeTag)
        tags = tags.concat(merge.merge);
      return tags.reduce((tags2, tag) => {
        const tagObj = typeof tag === "string" ? tagsByName[tag] : tag;
        if (!tagObj) {
          const tagName = JSON.stringify(tag);
          const keys = Object.keys(tagsByName).map((key) => JSON.stringify(key)).join(", ");
          throw new Error(`Unknown custom tag ${tagName}; use one of ${keys}`);
        }
        if (!tags2.includes(tagObj))
          tags2.push(tagObj);
        return tags2;
      }, []);
    }
    exports.coreKnownTags = coreKnownTags;
    exports.getTags = getTags;
  }
});

// node_modules/yaml/dist/schema/Schema.js
var require_Schema = __commonJS({
  "node_modules/yaml/dist/schema/Schema.js"(exports) {
    "use strict";
    var identity = require_identity();
    var map = require_map();
    var seq = require_seq();
    var string = require_string();
    var tags = require_tags();
    var sortMapEntriesByKey = (a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
    var Schema = class _Schema {
      constructor({ compat, customTags, merge, resolveKnownTags, schema, sortMapEntries, toStringDefaults }) {
        this.compat = Array.isArray(compat) ? tags.getTags(compat, "compat") : compat ? tags.getTags(null, compat) : null;
        this.name = typeof schema === "string" && schema || "core";
        this.knownTags = resolveKnownTags ? tags.coreKnownTags : {};
        this.tags = tags.getTags(customTags, this.name, merge);
        this.toStringOptions = toStringDefaults ?? null;
        Object.defineProperty(this, identity.MAP, { value: map.map });
        Object.defineProperty(this, identity.SCALAR, { value: string.string });
        Object.defineProperty(this, identity.SEQ, { value: seq.seq });
        this.sortMapEntries = typeof sortMapEntries === "function" ? sortMapEntries : sortMapEntries === true ? sortMapEntriesByKey : null;
      }
      clone() {
        const copy = Object.create(_Schema.prototype, Object.getOwnPropertyDescriptors(this));
        copy.tags = this.tags.slice();
        return copy;
      }
    };
    exports.Schema = Schema;
  }
});

// node_modules/yaml/dist/stringify/stringifyDocument.js
var require_stringifyDocument = __commonJS({
  "node_modules/yaml/dist/stringify/stringifyDocument.js"(exports) {
    "use strict";
    var identity = require_identity();
    var stringify = require_stringify();
    var stringifyComment = require_stringifyComment();
    function stringifyDocument(doc, options) {
      const lines = [];
      let hasDirectives = options.directives === true;
      if (options.directives !== false && doc.directives) {
        const dir = doc.directives.toString(doc);
        if (dir) {
          lines.push(dir);
          hasDirectives = true;
        } else if (doc.directives.docStart)
          hasDirectives = true;
      }
      if (hasDirectives)
        lines.push("---");
      const ctx = stringify.createStringifyContext(doc, options);
      const { commentString } = ctx.options;
      if (doc.commentBefore) {
        if (lines.length !== 1)
          lines.unshift("");
        const cs = commentString(doc.commentBefore);
        lines.unshift(stringifyComment.indentComment(cs, ""));
      }
      let chompKeep = false;
      let contentComment = null;
      if (doc.contents) {
        if (identity.isNode(doc.contents)) {
          if (doc.contents.spaceBefore && hasDirectives)
            lines.push("");
          if (doc.contents.commentBefore) {
            const cs = commentString(doc.contents.commentBefore);
            lines.push(stringifyComment.indentComment(cs, ""));
          }
          ctx.forceBlockIndent = !!doc.comment;
          contentComment = doc.contents.comment;
        }
        const onChompKeep = contentComment ? void 0 : () => chompKeep = true;
        let body = stringify.stringify(doc.contents, ctx, () => contentComment = null, onChompKeep);
        if (contentComment)
          body += stringifyComment.lineComment(body, "", commentString(contentComment));
        if ((body[0] === "|" || body[0] === ">") && lines[lines.length - 1] === "---") {
          lines[lines.length - 1] = `--- ${body}`;
        } else
          lines.push(body);
      } else {
        lines.push(stringify.stringify(doc.contents, ctx));
      }
      if (doc.directives?.docEnd) {
        if (doc.comment) {
          const cs = commentString(doc.comment);
          if (cs.includes("\n")) {
            lines.push("...");
            lines.push(stringifyComment.indentComment(cs, ""));
          } else {
            lines.push(`... ${cs}`);
          }
        } else {
          lines.push("...");
        }
      } else {
        let dc = doc.comment;
        if (dc && chompKeep)
          dc = dc.replace(/^\n+/, "");
        if (dc) {
          if ((!chompKeep || contentComment) && lines[lines.length - 1] !== "")
            lines.push("");
          lines.push(stringifyComment.indentComment(commentString(dc), ""));
        }
      }
      return lines.join("\n") + "\n";
    }
    exports.stringifyDocument = stringifyDocument;
  }
});

// node_modules/yaml/dist/doc/Document.js
var require_Document = __commonJS({
  "node_modules/yaml/dist/doc/Document.js"(exports) {
    "use strict";
    var Alias = require_Alias();
    var Collection = require_Collection();
    var identity = require_identity();
    var Pair = require_Pair();
    var toJS = require_toJS();
    var Schema = require_Schema();
    var stringifyDocument = require_stringifyDocument();
    var anchors = require_anchors();
    var applyReviver = require_applyReviver();
    var createNode = require_createNode();
    var directives = require_directives();
    var Document = class _Document {
      constructor(value2, replacer, options) {
        this.commentBefore = null;
        this.comment = null;
        this.errors = [];
        this.warnings = [];
        Object.defineProperty(this, identity.NODE_TYPE, { value: identity.DOC });
        let _replacer = null;
        if (typeof replacer === "function" || Array.isArray(replacer)) {
          _replacer = replacer;
        } else if (options === void 0 && replacer) {
          options = replacer;
          replacer = void 0;
        }
        const opt = Object.assign({
          intAsBigInt: false,
          keepSourceTokens: false,
          logLevel: "warn",
          prettyErrors: true,
          strict: true,
          stringKeys: false,
          uniqueKeys: true,
          version: "1.2"
        }, options);
        this.options = opt;
        let { version: version2 } = opt;
        if (options?._directives) {
          this.directives = options._directives.atDocument();
          if (this.directives.yaml.explicit)
            version2 = this.directives.yaml.version;
        } else
          this.directives = new directives.Directives({ version: version2 });
        this.setSchema(version2, options);
        this.contents = value2 === void 0 ? null : this.createNode(value2, _replacer, options);
      }
      /**
       * Create a deep copy of this Document and its contents.
       *
       * Custom Node values that inherit from `Object` still refer to their original instances.
       */
      clone() {
        const copy = Object.create(_Document.prototype, {
          [identity.NODE_TYPE]: { value: identity.DOC }
        });
        copy.commentBefore = this.commentBefore;
        copy.comment = this.comment;
        copy.errors = this.errors.slice();
        copy.warnings = this.warnings.slice();
        copy.options = Object.assign({}, this.options);
        if (this.directives)
          copy.directives = this.directives.clone();
        copy.schema = this.schema.clone();
        copy.contents = identity.isNode(this.contents) ? this.contents.clone(copy.schema) : this.contents;
        if (this.range)
          copy.range = this.range.slice();
        return copy;
      }
      /** Adds a value to the document. */
      add(value2) {
        if (assertCollection(this.contents))
          this.contents.add(value2);
      }
      /** Adds a value to the document. */
      addIn(path, value2) {
        if (assertCollection(this.contents))
          this.contents.addIn(path, value2);
      }
      /**
       * Create a new `Alias` node, ensuring that the target `node` has the required anchor.
       *
       * If `node` already has an anchor, `name` is ignored.
       * Otherwise, the `node.anchor` value will be set to `name`,
       * or if an anchor with that name is already present in the document,
       * `name` will be used as a prefix for a new unique anchor.
       * If `name` is undefined, the generated anchor will use 'a' as a prefix.
       */
      createAlias(node, name) {
        if (!node.anchor) {
          const prev = anchors.anchorNames(this);
          node.anchor = // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing
          !name || prev.has(name) ? anchors.findNewAnchor(name || "a", prev) : name;
        }
        return new Alias.Alias(node.anchor);
      }
      createNode(value2, replacer, options) {
        let _replacer = void 0;
        if (typeof replacer === "function") {
          value2 = replacer.call({ "": value2 }, "", value2);
          _replacer = replacer;
        } else if (Array.isArray(replacer)) {
          const keyToStr = (v) => typeof v === "number" || v instanceof String || v instanceof Number;
          const asStr = replacer.filter(keyToStr).map(String);
          if (asStr.length > 0)
            replacer = replacer.concat(asStr);
          _replacer = replacer;
        } else if (options === void 0 && replacer) {
          options = replacer;
          replacer = void 0;
        }
        const { aliasDuplicateObjects, anchorPrefix, flow, keepUndefined, onTagObj, tag } = options ?? {};
        const { onAnchor, setAnchors, sourceObjects } = anchors.createNodeAnchors(
          this,
          // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing
          anchorPrefix || "a"
        );
        const ctx = {
          aliasDuplicateObjects: aliasDuplicateObjects ?? true,
          keepUndefined: keepUndefined ?? false,
          onAnchor,
          onTagObj,
          replacer: _replacer,
          schema: this.schema,
          sourceObjects
        };
        const node = createNode.createNode(value2, tag, ctx);
        if (flow && identity.isCollection(node))
          node.flow = true;
        setAnchors();
        return node;
      }
      /**
       * Convert a key and a value into a `Pair` using the current schema,
       * recursively wrapping all values as `Scalar` or `Collection` nodes.
       */
      createPair(key, value2, options = {}) {
        const k = this.createNode(key, null, options);
        const v = this.createNode(value2, null, options);
        return new Pair.Pair(k, v);
      }
      /**
       * Removes a value from the document.
       * @returns `true` if the item was found and removed.
       */
      delete(key) {
        return assertCollection(this.contents) ? this.contents.delete(key) : false;
      }
      /**
       * Removes a value from the document.
       * @returns `true` if the item was found and removed.
       */
      deleteIn(path) {
        if (Collection.isEmptyPath(path)) {
          if (this.contents == null)
            return false;
          this.contents = null;
          return true;
        }
        return assertCollection(this.contents) ? this.contents.deleteIn(path) : false;
      }
      /**
       * Returns item at `key`, or `undefined` if not found. By default unwraps
       * scalar values from their surrounding node; to disable set `keepScalar` to
       * `true` (collections are always returned intact).
       */
      get(key, keepScalar) {
        return identity.isCollection(this.contents) ? this.contents.get(key, keepScalar) : void 0;
      }
      /**
       * Returns item at `path`, or `undefined` if not found. By default unwraps
       * scalar values from their surrounding node; to disable set `keepScalar` to
       * `true` (collections are always returned intact).
       */
      getIn(path, keepScalar) {
        if (Collection.isEmptyPath(path))
          return !keepScalar && identity.isScalar(this.contents) ? this.contents.value : this.contents;
        return identity.isCollection(this.contents) ? this.contents.getIn(path, keepScalar) : void 0;
      }
      /**
       * Checks if the document includes a value with the key `key`.
       */
      has(key) {
        return identity.isCollection(this.contents) ? this.contents.has(key) : false;
      }
      /**
       * Checks if the document includes a value at `path`.
       */
      hasIn(path) {
        if (Collection.isEmptyPath(path))
          return this.contents !== void 0;
        return identity.isCollection(this.contents) ? this.contents.hasIn(path) : false;
      }
      /**
       * Sets a value in this document. For `!!set`, `value` needs to be a
       * boolean to add/remove the item from the set.
       */
      set(key, value2) {
        if (this.contents == null) {
          this.contents = Collection.collectionFromPath(this.schema, [key], value2);
        } else if (assertCollection(this.contents)) {
          this.contents.set(key, value2);
        }
      }
      /**
       * Sets a value in this document. For `!!set`, `value` needs to be a
       * boolean to add/remove the item from the set.
       */
      setIn(path, value2) {
        if (Collection.isEmptyPath(path)) {
          this.contents = value2;
        } else if (this.contents == null) {
          this.contents = Collection.collectionFromPath(this.schema, Array.from(path), value2);
        } else if (assertCollection(this.contents)) {
          this.contents.setIn(path, value2);
        }
      }
      /**
       * Change the YAML version and schema used by the document.
       * A `null` version disables support for directives, explicit tags, anchors, and aliases.
       * It also requires the `schema` option to be given as a `Schema` instance value.
       *
       * Overrides all previously set schema options.
       */
      setSchema(version2, options = {}) {
        if (typeof version2 === "number")
          version2 = String(version2);
        let opt;
        switch (version2) {
          case "1.1":
            if (this.directives)
              this.directives.yaml.version = "1.1";
            else
              this.directives = new directives.Directives({ version: "1.1" });
            opt = { resolveKnownTags: false, schema: "yaml-1.1" };
            break;
          case "1.2":
          case "next":
            if (this.directives)
              this.directives.yaml.version = version2;
            else
              this.directives = new directives.Directives({ version: version2 });
            opt = { resolveKnownTags: true, schema: "core" };
            break;
          case null:
            if (this.directives)
              delete this.directives;
            opt = null;
            break;
          default: {
            const sv = JSON.stringify(version2);
            throw new Error(`Expected '1.1', '1.2' or null as first argument, but found: ${sv}`);
          }
        }
        if (options.schema instanceof Object)
          this.schema = options.schema;
        else if (opt)
          this.schema = new Schema.Schema(Object.assign(opt, options));
        else
          throw new Error(`With a null YAML version, the { schema: Schema } option is required`);
      }
      // json & jsonArg are only used from toJSON()
      toJS({ json, jsonArg, mapAsMap, maxAliasCount, onAnchor, reviver } = {}) {
        const ctx = {
          anchors: /* @__PURE__ */ new Map(),
          doc: this,
          keep: !json,
          mapAsMap: mapAsMap === true,
          mapKeyWarned: false,
          maxAliasCount: typeof maxAliasCount === "number" ? maxAliasCount : 100
        };
        const res = toJS.toJS(this.contents, jsonArg ?? "", ctx);
        if (typeof onAnchor === "function")
          for (const { count, res: res2 } of ctx.anchors.values())
            onAnchor(res2, count);
        return typeof reviver === "function" ? applyReviver.applyReviver(reviver, { "": res }, "", res) : res;
      }
      /**
       * A JSON representation of the document `contents`.
       *
       * @param jsonArg Used by `JSON.stringify` to indicate the array index or
       *   property name.
       */
      toJSON(jsonArg, onAnchor) {
        return this.toJS({ json: true, jsonArg, mapAsMap: false, onAnchor });
      }
      /** A YAML representation of the document. */
      toString(options = {}) {
        if (this.errors.length > 0)
          throw new Error("Document with errors cannot be stringified");
        if ("indent" in options && (!Number.isInteger(options.indent) || Number(options.indent) <= 0)) {
          const s = JSON.stringify(options.indent);
          throw new Error(`"indent" option must be a positive integer, not ${s}`);
        }
        return stringifyDocument.stringifyDocument(this, options);
      }
    };
    function assertCollection(contents) {
      if (identity.isCollection(contents))
        return true;
      throw new Error("Expected a YAML collection as document contents");
    }
    exports.Document = Document;
  }
});

// node_modules/yaml/dist/errors.js
var require_errors2 = __commonJS({
  "node_modules/yaml/dist/errors.js"(exports) {
    "use strict";
    var YAMLError = class extends Error {
      constructor(name, pos, code, message) {
        super();
        this.name = name;
        this.code = code;
        this.message = message;
        this.pos = pos;
      }
    };
    var YAMLParseError = class extends YAMLError {
      constructor(pos, code, message) {
        super("YAMLParseError", pos, code, message);
      }
    };
    var YAMLWarning = class extends YAMLError {
      constructor(pos, code, message) {
        super("YAMLWarning", pos, code, message);
      }
    };
    var prettifyError = (src, lc) => (error) => {
      if (error.pos[0] === -1)
        return;
      error.linePos = error.pos.map((pos) => lc.linePos(pos));
      const { line, col } = error.linePos[0];
      error.message += ` at line ${line}, column ${col}`;
      let ci = col - 1;
      let lineStr = src.substring(lc.lineStarts[line - 1], lc.lineStarts[line]).replace(/[\n\r]+$/, "");
      if (ci >= 60 && lineStr.length > 80) {
        const trimStart = Math.min(ci - 39, lineStr.length - 79);
        lineStr = "\u2026" + lineStr.substring(trimStart);
        ci -= trimStart - 1;
      }
      if (lineStr.length > 80)
        lineStr = lineStr.substring(0, 79) + "\u2026";
      if (line > 1 && /^ *$/.test(lineStr.substring(0, ci))) {
        let prev = src.substring(lc.lineStarts[line - 2], lc.lineStarts[line - 1]);
        if (prev.length > 80)
          prev = prev.substring(0, 79) + "\u2026\n";
        lineStr = prev + lineStr;
      }
      if (/[^ ]/.test(lineStr)) {
        let count = 1;
        const end = error.linePos[1];
        if (end?.line === line && end.col > col) {
          count = Math.max(1, Math.min(end.col - col, 80 - ci));
        }
        const pointer = " ".repeat(ci) + "^".repeat(count);
        error.message += `:

${lineStr}
${pointer}
`;
      }
    };
    exports.YAMLError = YAMLError;
    exports.YAMLParseError = YAMLParseError;
    exports.YAMLWarning = YAMLWarning;
    exports.prettifyError = prettifyError;
  }
});

// node_modules/yaml/dist/compose/resolve-props.js
var require_resolve_props = __commonJS({
  "node_modules/yaml/dist/compose/resolve-props.js"(exports) {
    "use strict";
    function resolveProps(tokens, { flow, indicator, next, offset, onError, parentIndent, startOnNewline }) {
      let spaceBefore = false;
      let atNewline = startOnNewline;
      let hasSpace = startOnNewline;
      let comment = "";
      let commentSep = "";
      let hasNewline = false;
      let reqSpace = false;
      let tab = null;
      let anchor = null;
      let tag = null;
      let newlineAfterProp = null;
      let comma = null;
      let found = null;
      let start = null;
      for (const token of tokens) {
        if (reqSpace) {
          if (token.type !== "space" && token.type !== "newline" && token.type !== "comma")
            onError(token.offset, "MISSING_CHAR", "Tags and anchors must be separated from the next token by white space");
          reqSpace = false;
        }
        if (tab) {
          if (atNewline && token.type !== "comment" && token.type !== "newline") {
            onError(tab, "TAB_AS_INDENT", "Tabs are not allowed as indentation");
          }
          tab = null;
        }
        switch (token.type) {
          case "space":
            if (!flow && (indicator !== "doc-start" || next?.type !== "flow-collection") && token.source.includes("	")) {
              tab = token;
            }
            hasSpace = true;
            break;
          case "comment": {
            if (!hasSpace)
              onError(token, "MISSING_CHAR", "Comments must be separated from other tokens by white space characters");
            const cb = token.source.substring(1) || " ";
            if (!comment)
              comment = cb;
            else
              comment += commentSep + cb;
            commentSep = "";
            atNewline = false;
            break;
          }
          case "newline":
            if (atNewline) {
              if (comment)
                comment += token.source;
              else if (!found || indicator !== "seq-item-ind")
                spaceBefore = true;
            } else
              commentSep += token.source;
            atNewline = true;
            hasNewline = true;
            if (anchor || tag)
              newlineAfterProp = token;
            hasSpace = true;
            break;
          case "anchor":
            if (anchor)
              onError(token, "MULTIPLE_ANCHORS", "A node can have at most one anchor");
            if (token.source.endsWith(":"))
              onError(token.offset + token.source.length - 1, "BAD_ALIAS", "Anchor ending in : is ambiguous", true);
            anchor = token;
            start ?? (start = token.offset);
            atNewline = false;
            hasSpace = false;
            reqSpace = true;
            break;
          case "tag": {
            if (tag)
              onError(token, "MULTIPLE_TAGS", "A node can have at most one tag");
            tag = token;
            start ?? (start = token.offset);
            atNewline = false;
            hasSpace = false;
            reqSpace = true;
            break;
          }
          case indicator:
            if (anchor || tag)
              onError(token, "BAD_PROP_ORDER", `Anchors and tags must be after the ${token.source} indicator`);
            if (found)
              onError(token, "UNEXPECTED_TOKEN", `Unexpected ${token.source} in ${flow ?? "collection"}`);
            found = token;
            atNewline = indicator === "seq-item-ind" || indicator === "explicit-key-ind";
            hasSpace = false;
            break;
          case "comma":
            if (flow) {
              if (comma)
                onError(token, "UNEXPECTED_TOKEN", `Unexpected , in ${flow}`);
              comma = token;
              atNewline = false;
              hasSpace = false;
              break;
            }
          // else fallthrough
          default:
            onError(token, "UNEXPECTED_TOKEN", `Unexpected ${token.type} token`);
            atNewline = false;
            hasSpace = false;
        }
      }
      const last = tokens[tokens.length - 1];
      const end = last ? last.offset + last.source.length : offset;
      if (reqSpace && next && next.type !== "space" && next.type !== "newline" && next.type !== "comma" && (next.type !== "scalar" || next.source !== "")) {
        onError(next.offset, "MISSING_CHAR", "Tags and anchors must be separated from the next token by white space");
      }
      if (tab && (atNewline && tab.indent <= parentIndent || next?.type === "block-map" || next?.type === "block-seq"))
        onError(tab, "TAB_AS_INDENT", "Tabs are not allowed as indentation");
      return {
        comma,
        found,
        spaceBefore,
        comment,
        hasNewline,
        anchor,
        tag,
        newlineAfterProp,
        end,
        start: start ?? end
      };
    }
    exports.resolveProps = resolveProps;
  }
});

// node_modules/yaml/dist/compose/util-contains-newline.js
var require_util_contains_newline = __commonJS({
  "node_modules/yaml/dist/compose/util-contains-newline.js"(exports) {
    "use strict";
    function containsNewline(key) {
      if (!key)
        return null;
      switch (key.type) {
        case "alias":
        case "scalar":
        case "double-quoted-scalar":
        case "single-quoted-scalar":
          if (key.source.includes("\n"))
            return true;
          if (key.end) {
            for (const st of key.end)
              if (st.type === "newline")
                return true;
          }
          return false;
        case "flow-collection":
          for (const it of key.items) {
            for (const st of it.start)
              if (st.type === "newline")
                return true;
            if (it.sep) {
              for (const st of it.sep)
                if (st.type === "newline")
                  return true;
            }
            if (containsNewline(it.key) || containsNewline(it.value))
              return true;
          }
          return false;
        default:
          return true;
      }
    }
    exports.containsNewline = containsNewline;
  }
});

// node_modules/yaml/dist/compose/util-flow-indent-check.js
var require_util_flow_indent_check = __commonJS({
  "node_modules/yaml/dist/compose/util-flow-indent-check.js"(exports) {
    "use strict";
    var utilContainsNewline = require_util_contains_newline();
    function flowIndentCheck(indent, fc, onError) {
      if (fc?.type === "flow-collection") {
        const end = fc.end[0];
        if (end.indent === indent && (end.source === "]" || end.source === "}") && utilContainsNewline.containsNewline(fc)) {
          const msg = "Flow end indicator should be more indented than parent";
          onError(end, "BAD_INDENT", msg, true);
        }
      }
    }
    exports.flowIndentCheck = flowIndentCheck;
  }
});

// node_modules/yaml/dist/compose/util-map-includes.js
var require_util_map_includes = __commonJS({
  "node_modules/yaml/dist/compose/util-map-includes.js"(exports) {
    "use strict";
    var identity = require_identity();
    function mapIncludes(ctx, items2, search) {
      const { uniqueKeys } = ctx.options;
      if (uniqueKeys === false)
        return false;
      const isEqual = typeof uniqueKeys === "function" ? uniqueKeys : (a, b) => a === b || identity.isScalar(a) && identity.isScalar(b) && a.value === b.value;
      return items2.some((pair) => isEqual(pair.key, search));
    }
    exports.mapIncludes = mapIncludes;
  }
});

// node_modules/yaml/dist/compose/resolve-block-map.js
var require_resolve_block_map = __commonJS({
  "node_modules/yaml/dist/compose/resolve-block-map.js"(exports) {
    "use strict";
    var Pair = require_Pair();
    var YAMLMap = require_YAMLMap();
    var resolveProps = require_resolve_props();
    var utilContainsNewline = require_util_contains_newline();
    var utilFlowIndentCheck = require_util_flow_indent_check();
    var utilMapIncludes = require_util_map_includes();
    var startColMsg = "All mapping items must start at the same column";
    function resolveBlockMap({ composeNode, composeEmptyNode }, ctx, bm, onError, tag) {
      const NodeClass = tag?.nodeClass ?? YAMLMap.YAMLMap;
      const map = new NodeClass(ctx.schema);
      if (ctx.atRoot)
        ctx.atRoot = false;
      let offset = bm.offset;
      let commentEnd = null;
      for (const collItem of bm.items) {
        const { start, key, sep, value: value2 } = collItem;
        const keyProps = resolveProps.resolveProps(start, {
          indicator: "explicit-key-ind",
          next: key ?? sep?.[0],
          offset,
          onError,
          parentIndent: bm.indent,
          startOnNewline: true
        });
        const implicitKey = !keyProps.found;
        if (implicitKey) {
          if (key) {
            if (key.type === "block-seq")
              onError(offset, "BLOCK_AS_IMPLICIT_KEY", "A block sequence may not be used as an implicit map key");
            else if ("indent" in key && key.indent !== bm.indent)
              onError(offset, "BAD_INDENT", startColMsg);
          }
          if (!keyProps.anchor && !keyProps.tag && !sep) {
            commentEnd = keyProps.end;
            if (keyProps.comment) {
              if (map.comment)
                map.comment += "\n" + keyProps.comment;
              else
                map.comment = keyProps.comment;
            }
            continue;
          }
          if (keyProps.newlineAfterProp || utilContainsNewline.containsNewline(key)) {
            onError(key ?? start[start.length - 1], "MULTILINE_IMPLICIT_KEY", "Implicit keys need to be on a single line");
          }
        } else if (keyProps.found?.indent !== bm.indent) {
          onError(offset, "BAD_INDENT", startColMsg);
        }
        ctx.atKey = true;
        const keyStart = keyProps.end;
        const keyNode = key ? composeNode(ctx, key, keyProps, onError) : composeEmptyNode(ctx, keyStart, start, null, keyProps, onError);
        if (ctx.schema.compat)
          utilFlowIndentCheck.flowIndentCheck(bm.indent, key, onError);
        ctx.atKey = false;
        if (utilMapIncludes.mapIncludes(ctx, map.items, keyNode))
          onError(keyStart, "DUPLICATE_KEY", "Map keys must be unique");
        const valueProps = resolveProps.resolveProps(sep ?? [], {
          indicator: "map-value-ind",
          next: value2,
          offset: keyNode.range[2],
          onError,
          parentIndent: bm.indent,
          startOnNewline: !key || key.type === "block-scalar"
        });
        offset = valueProps.end;
        if (valueProps.found) {
          if (implicitKey) {
            if (value2?.type === "block-map" && !valueProps.hasNewline)
              onError(offset, "BLOCK_AS_IMPLICIT_KEY", "Nested mappings are not allowed in compact mappings");
            if (ctx.options.strict && keyProps.start < valueProps.found.offset - 1024)
              onError(keyNode.range, "KEY_OVER_1024_CHARS", "The : indicator must be at most 1024 chars after the start of an implicit block mapping key");
          }
          const valueNode2 = value2 ? composeNode(ctx, value2, valueProps, onError) : composeEmptyNode(ctx, offset, sep, null, valueProps, onError);
          if (ctx.schema.compat)
            utilFlowIndentCheck.flowIndentCheck(bm.indent, value2, onError);
          offset = valueNode2.range[2];
          const pair = new Pair.Pair(keyNode, valueNode2);
          if (ctx.options.keepSourceTokens)
            pair.srcToken = collItem;
          map.items.push(pair);
        } else {
          if (implicitKey)
            onError(keyNode.range, "MISSING_CHAR", "Implicit map keys need to be followed by map values");
          if (valueProps.comment) {
            if (keyNode.comment)
              keyNode.comment += "\n" + valueProps.comment;
            else
              keyNode.comment = valueProps.comment;
          }
          const pair = new Pair.Pair(keyNode);
          if (ctx.options.keepSourceTokens)
            pair.srcToken = collItem;
          map.items.push(pair);
        }
      }
      if (commentEnd && commentEnd < offset)
        onError(commentEnd, "IMPOSSIBLE", "Map comment with trailing content");
      map.range = [bm.offset, offset, commentEnd ?? offset];
      return map;
    }
    exports.resolveBlockMap = resolveBlockMap;
  }
});

// node_modules/yaml/dist/compose/resolve-block-seq.js
var require_resolve_block_seq = __commonJS({
  "node_modules/yaml/dist/compose/resolve-block-seq.js"(exports) {
    "use strict";
    var YAMLSeq = require_YAMLSeq();
    var resolveProps = require_resolve_props();
    var utilFlowIndentCheck = require_util_flow_indent_check();
    function resolveBlockSeq({ composeNode, composeEmptyNode }, ctx, bs, onError, tag) {
      const NodeClass = tag?.nodeClass ?? YAMLSeq.YAMLSeq;
      const seq = new NodeClass(ctx.schema);
      if (ctx.atRoot)
        ctx.atRoot = false;
      if (ctx.atKey)
        ctx.atKey = false;
      let offset = bs.offset;
      let commentEnd = null;
      for (const { start, value: value2 } of bs.items) {
        const props = resolveProps.resolveProps(start, {
          indicator: "seq-item-ind",
          next: value2,
          offset,
          onError,
          parentIndent: bs.indent,
          startOnNewline: true
        });
        if (!props.found) {
          if (props.anchor || props.tag || value2) {
            if (value2?.type === "block-seq")
              onError(props.end, "BAD_INDENT", "All sequence items must start at the same column");
            else
              onError(offset, "MISSING_CHAR", "Sequence item without - indicator");
          } else {
            commentEnd = props.end;
            if (props.comment)
              seq.comment = props.comment;
            continue;
          }
        }
        const node = value2 ? composeNode(ctx, value2, props, onError) : composeEmptyNode(ctx, props.end, start, null, props, onError);
        if (ctx.schema.compat)
          utilFlowIndentCheck.flowIndentCheck(bs.indent, value2, onError);
        offset = node.range[2];
        seq.items.push(node);
      }
      seq.range = [bs.offset, offset, commentEnd ?? offset];
      return seq;
    }
    exports.resolveBlockSeq = resolveBlockSeq;
  }
});

// node_modules/yaml/dist/compose/resolve-end.js
var require_resolve_end = __commonJS({
  "node_modules/yaml/dist/compose/resolve-end.js"(exports) {
    "use strict";
    function resolveEnd(end, offset, reqSpace, onError) {
      let comment = "";
      if (end) {
        let hasSpace = false;
        let sep = "";
        for (const token of end) {
          const { source, type } = token;
          switch (type) {
            case "space":
              hasSpace = true;
              break;
            case "comment": {
              if (reqSpace && !hasSpace)
                onError(token, "MISSING_CHAR", "Comments must be separated from other tokens by white space characters");
              const cb = source.substring(1) || " ";
              if (!comment)
                comment = cb;
              else
                comment += sep + cb;
              sep = "";
              break;
            }
            case "newline":
              if (comment)
                sep += source;
              hasSpace = true;
              break;
            default:
              onError(token, "UNEXPECTED_TOKEN", `Unexpected ${type} at node end`);
          }
          offset += source.length;
        }
      }
      return { comment, offset };
    }
    exports.resolveEnd = resolveEnd;
  }
});

// node_modules/yaml/dist/compose/resolve-flow-collection.js
var require_resolve_flow_collection = __commonJS({
  "node_modules/yaml/dist/compose/resolve-flow-collection.js"(exports) {
    "use strict";
    var identity = require_identity();
    var Pair = require_Pair();
    var YAMLMap = require_YAMLMap();
    var YAMLSeq = require_YAMLSeq();
    var resolveEnd = require_resolve_end();
    var resolveProps = require_resolve_props();
    var utilContainsNewline = require_util_contains_newline();
    var utilMapIncludes = require_util_map_includes();
    var blockMsg = "Block collections are not allowed within flow collections";
    var isBlock = (token) => token && (token.type === "block-map" || token.type === "block-seq");
    function resolveFlowCollection({ composeNode, composeEmptyNode }, ctx, fc, onError, tag) {
      const isMap3 = fc.start.source === "{";
      const fcName = isMap3 ? "flow map" : "flow sequence";
      const NodeClass = tag?.nodeClass ?? (isMap3 ? YAMLMap.YAMLMap : YAMLSeq.YAMLSeq);
      const coll = new NodeClass(ctx.schema);
      coll.flow = true;
      const atRoot = ctx.atRoot;
      if (atRoot)
        ctx.atRoot = false;
      if (ctx.atKey)
        ctx.atKey = false;
      let offset = fc.offset + fc.start.source.length;
      for (let i = 0; i < fc.items.length; ++i) {
        const collItem = fc.items[i];
        const { start, key, sep, value: value2 } = collItem;
        const props = resolveProps.resolveProps(start, {
          flow: fcName,
          indicator: "explicit-key-ind",
          next: key ?? sep?.[0],
          offset,
          onError,
          parentIndent: fc.indent,
          startOnNewline: false
        });
        if (!props.found) {
          if (!props.anchor && !props.tag && !sep && !value2) {
            if (i === 0 && props.comma)
              onError(props.comma, "UNEXPECTED_TOKEN", `Unexpected , in ${fcName}`);
            else if (i < fc.items.length - 1)
              onError(props.start, "UNEXPECTED_TOKEN", `Unexpected empty item in ${fcName}`);
            if (props.comment) {
              if (coll.comment)
                coll.comment += "\n" + props.comment;
              else
                coll.comment = props.comment;
            }
            offset = props.end;
            continue;
          }
          if (!isMap3 && ctx.options.strict && utilContainsNewline.containsNewline(key))
            onError(
              key,
              // checked by containsNewline()
              "MULTILINE_IMPLICIT_KEY",
              "Implicit keys of flow sequence pairs need to be on a single line"
            );
        }
        if (i === 0) {
          if (props.comma)
            onError(props.comma, "UNEXPECTED_TOKEN", `Unexpected , in ${fcName}`);
        } else {
          if (!props.comma)
            onError(props.start, "MISSING_CHAR", `Missing , between ${fcName} items`);
          if (props.comment) {
            let prevItemComment = "";
            loop: for (const st of start) {
              switch (st.type) {
                case "comma":
                case "space":
                  break;
                case "comment":
                  prevItemComment = st.source.substring(1);
                  break loop;
                default:
                  break loop;
              }
            }
            if (prevItemComment) {
              let prev = coll.items[coll.items.length - 1];
              if (identity.isPair(prev))
                prev = prev.value ?? prev.key;
              if (prev.comment)
                prev.comment += "\n" + prevItemComment;
              else
                prev.comment = prevItemComment;
              props.comment = props.comment.substring(prevItemComment.length + 1);
            }
          }
        }
        if (!isMap3 && !sep && !props.found) {
          const valueNode2 = value2 ? composeNode(ctx, value2, props, onError) : composeEmptyNode(ctx, props.end, sep, null, props, onError);
          coll.items.push(valueNode2);
          offset = valueNode2.range[2];
          if (isBlock(value2))
            onError(valueNode2.range, "BLOCK_IN_FLOW", blockMsg);
        } else {
          ctx.atKey = true;
          const keyStart = props.end;
          const keyNode = key ? composeNode(ctx, key, props, onError) : composeEmptyNode(ctx, keyStart, start, null, props, onError);
          if (isBlock(key))
            onError(keyNode.range, "BLOCK_IN_FLOW", blockMsg);
          ctx.atKey = false;
          const valueProps = resolveProps.resolveProps(sep ?? [], {
            flow: fcName,
            indicator: "map-value-ind",
            next: value2,
            offset: keyNode.range[2],
            onError,
            parentIndent: fc.indent,
            startOnNewline: false
          });
          if (valueProps.found) {
            if (!isMap3 && !props.found && ctx.options.strict) {
              if (sep)
                for (const st of sep) {
                  if (st === valueProps.found)
                    break;
                  if (st.type === "newline") {
                    onError(st, "MULTILINE_IMPLICIT_KEY", "Implicit keys of flow sequence pairs need to be on a single line");
                    break;
                  }
                }
              if (props.start < valueProps.found.offset - 1024)
                onError(valueProps.found, "KEY_OVER_1024_CHARS", "The : indicator must be at most 1024 chars after the start of an implicit flow sequence key");
            }
          } else if (value2) {
            if ("source" in value2 && value2.source?.[0] === ":")
              onError(value2, "MISSING_CHAR", `Missing space after : in ${fcName}`);
            else
              onError(valueProps.start, "MISSING_CHAR", `Missing , or : between ${fcName} items`);
          }
          const valueNode2 = value2 ? composeNode(ctx, value2, valueProps, onError) : valueProps.found ? composeEmptyNode(ctx, valueProps.end, sep, null, valueProps, onError) : null;
          if (valueNode2) {
            if (isBlock(value2))
              onError(valueNode2.range, "BLOCK_IN_FLOW", blockMsg);
          } else if (valueProps.comment) {
            if (keyNode.comment)
              keyNode.comment += "\n" + valueProps.comment;
            else
              keyNode.comment = valueProps.comment;
          }
          const pair = new Pair.Pair(keyNode, valueNode2);
          if (ctx.options.keepSourceTokens)
            pair.srcToken = collItem;
          if (isMap3) {
            const map = coll;
            if (utilMapIncludes.mapIncludes(ctx, map.items, keyNode))
              onError(keyStart, "DUPLICATE_KEY", "Map keys must be unique");
            map.items.push(pair);
          } else {
            const map = new YAMLMap.YAMLMap(ctx.schema);
            map.flow = true;
            map.items.push(pair);
            const endRange = (valueNode2 ?? keyNode).range;
            map.range = [keyNode.range[0], endRange[1], endRange[2]];
            coll.items.push(map);
          }
          offset = valueNode2 ? valueNode2.range[2] : valueProps.end;
        }
      }
      const expectedEnd = isMap3 ? "}" : "]";
      const [ce, ...ee] = fc.end;
      let cePos = offset;
      if (ce?.source === expectedEnd)
        cePos = ce.offset + ce.source.length;
      else {
        const name = fcName[0].toUpperCase() + fcName.substring(1);
        const msg = atRoot ? `${name} must end with a ${expectedEnd}` : `${name} in block collection must be sufficiently indented and end with a ${expectedEnd}`;
        onError(offset, atRoot ? "MISSING_CHAR" : "BAD_INDENT", msg);
        if (ce && ce.source.length !== 1)
          ee.unshift(ce);
      }
      if (ee.length > 0) {
        const end = resolveEnd.resolveEnd(ee, cePos, ctx.options.strict, onError);
        if (end.comment) {
          if (coll.comment)
            coll.comment += "\n" + end.comment;
          else
            coll.comment = end.comment;
        }
        coll.range = [fc.offset, cePos, end.offset];
      } else {
        coll.range = [fc.offset, cePos, cePos];
      }
      return coll;
    }
    exports.resolveFlowCollection = resolveFlowCollection;
  }
});

// node_modules/yaml/dist/compose/compose-collection.js
var require_compose_collection = __commonJS({
  "node_modules/yaml/dist/compose/compose-collection.js"(exports) {
    "use strict";
    var identity = require_identity();
    var Scalar = require_Scalar();
    var YAMLMap = require_YAMLMap();
    var YAMLSeq = require_YAMLSeq();
    var resolveBlockMap = require_resolve_block_map();
    var resolveBlockSeq = require_resolve_block_seq();
    var resolveFlowCollection = require_resolve_flow_collection();
    function resolveCollection(CN, ctx, token, onError, tagName, tag) {
      const coll = token.type === "block-map" ? resolveBlockMap.resolveBlockMap(CN, ctx, token, onError, tag) : token.type === "block-seq" ? resolveBlockSeq.resolveBlockSeq(CN, ctx, token, onError, tag) : resolveFlowCollection.resolveFlowCollection(CN, ctx, token, onError, tag);
      const Coll = coll.constructor;
      if (tagName === "!" || tagName === Coll.tagName) {
        coll.tag = Coll.tagName;
        return coll;
      }
      if (tagName)
        coll.tag = tagName;
      return coll;
    }
    function composeCollection(CN, ctx, token, props, onError) {
      const tagToken = props.tag;
      const tagName = !tagToken ? null : ctx.directives.tagName(tagToken.source, (msg) => onError(tagToken, "TAG_RESOLVE_FAILED", msg));
      if (token.type === "block-seq") {
        const { anchor, newlineAfterProp: nl } = props;
        const lastProp = anchor && tagToken ? anchor.offset > tagToken.offset ? anchor : tagToken : anchor ?? tagToken;
        if (lastProp && (!nl || nl.offset < lastProp.offset)) {
          const message = "Missing newline after block sequence props";
          onError(lastProp, "MISSING_CHAR", message);
        }
      }
      const expType = token.type === "block-map" ? "map" : token.type === "block-seq" ? "seq" : token.start.source === "{" ? "map" : "seq";
      if (!tagToken || !tagName || tagName === "!" || tagName === YAMLMap.YAMLMap.tagName && expType === "map" || tagName === YAMLSeq.YAMLSeq.tagName && expType === "seq") {
        return resolveCollection(CN, ctx, token, onError, tagName);
      }
      let tag = ctx.schema.tags.find((t) => t.tag === tagName && t.collection === expType);
      if (!tag) {
        const kt = ctx.schema.knownTags[tagName];
        if (kt?.collection === expType) {
          ctx.schema.tags.push(Object.assign({}, kt, { default: false }));
          tag = kt;
        } else {
          if (kt) {
            onError(tagToken, "BAD_COLLECTION_TYPE", `${kt.tag} used for ${expType} collection, but expects ${kt.collection ?? "scalar"}`, true);
          } else {
            onError(tagToken, "TAG_RESOLVE_FAILED", `Unresolved tag: ${tagName}`, true);
          }
          return resolveCollection(CN, ctx, token, onError, tagName);
        }
      }
      const coll = resolveCollection(CN, ctx, token, onError, tagName, tag);
      const res = tag.resolve?.(coll, (msg) => onError(tagToken, "TAG_RESOLVE_FAILED", msg), ctx.options) ?? coll;
      const node = identity.isNode(res) ? res : new Scalar.Scalar(res);
      node.range = coll.range;
      node.tag = tagName;
      if (tag?.format)
        node.format = tag.format;
      return node;
    }
    exports.composeCollection = composeCollection;
  }
});

// node_modules/yaml/dist/compose/resolve-block-scalar.js
var require_resolve_block_scalar = __commonJS({
  "node_modules/yaml/dist/compose/resolve-block-scalar.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    function resolveBlockScalar(ctx, scalar, onError) {
      const start = scalar.offset;
      const header2 = parseBlockScalarHeader(scalar, ctx.options.strict, onError);
      if (!header2)
        return { value: "", type: null, comment: "", range: [start, start, start] };
      const type = header2.mode === ">" ? Scalar.Scalar.BLOCK_FOLDED : Scalar.Scalar.BLOCK_LITERAL;
      const lines = scalar.source ? splitLines(scalar.source) : [];
      let chompStart = lines.length;
      for (let i = lines.length - 1; i >= 0; --i) {
        const content = lines[i][1];
        if (content === "" || content === "\r")
          chompStart = i;
        else
          break;
      }
      if (chompStart === 0) {
        const value3 = header2.chomp === "+" && lines.length > 0 ? "\n".repeat(Math.max(1, lines.length - 1)) : "";
        let end2 = start + header2.length;
        if (scalar.source)
          end2 += scalar.source.length;
        return { value: value3, type, comment: header2.comment, range: [start, end2, end2] };
      }
      let trimIndent = scalar.indent + header2.indent;
      let offset = scalar.offset + header2.length;
      let contentStart = 0;
      for (let i = 0; i < chompStart; ++i) {
        const [indent, content] = lines[i];
        if (content === "" || content === "\r") {
          if (header2.indent === 0 && indent.length > trimIndent)
            trimIndent = indent.length;
        } else {
          if (indent.length < trimIndent) {
            const message = "Block scalars with more-indented leading empty lines must use an explicit indentation indicator";
            onError(offset + indent.length, "MISSING_CHAR", message);
          }
          if (header2.indent === 0)
            trimIndent = indent.length;
          contentStart = i;
          if (trimIndent === 0 && !ctx.atRoot) {
            const message = "Block scalar values in collections must be indented";
            onError(offset, "BAD_INDENT", message);
          }
          break;
        }
        offset += indent.length + content.length + 1;
      }
      for (let i = lines.length - 1; i >= chompStart; --i) {
        if (lines[i][0].length > trimIndent)
          chompStart = i + 1;
      }
      let value2 = "";
      let sep = "";
      let prevMoreIndented = false;
      for (let i = 0; i < contentStart; ++i)
        value2 += lines[i][0].slice(trimIndent) + "\n";
      for (let i = contentStart; i < chompStart; ++i) {
        let [indent, content] = lines[i];
        offset += indent.length + content.length + 1;
        const crlf = content[content.length - 1] === "\r";
        if (crlf)
          content = content.slice(0, -1);
        if (content && indent.length < trimIndent) {
          const src = header2.indent ? "explicit indentation indicator" : "first line";
          const message = `Block scalar lines must not be less indented than their ${src}`;
          onError(offset - content.length - (crlf ? 2 : 1), "BAD_INDENT", message);
          indent = "";
        }
        if (type === Scalar.Scalar.BLOCK_LITERAL) {
          value2 += sep + indent.slice(trimIndent) + content;
          sep = "\n";
        } else if (indent.length > trimIndent || content[0] === "	") {
          if (sep === " ")
            sep = "\n";
          else if (!prevMoreIndented && sep === "\n")
            sep = "\n\n";
          value2 += sep + indent.slice(trimIndent) + content;
          sep = "\n";
          prevMoreIndented = true;
        } else if (content === "") {
          if (sep === "\n")
            value2 += "\n";
          else
            sep = "\n";
        } else {
          value2 += sep + content;
          sep = " ";
          prevMoreIndented = false;
        }
      }
      switch (header2.chomp) {
        case "-":
          break;
        case "+":
          for (let i = chompStart; i < lines.length; ++i)
            value2 += "\n" + lines[i][0].slice(trimIndent);
          if (value2[value2.length - 1] !== "\n")
            value2 += "\n";
          break;
        default:
          value2 += "\n";
      }
      const end = start + header2.length + scalar.source.length;
      return { value: value2, type, comment: header2.comment, range: [start, end, end] };
    }
    function parseBlockScalarHeader({ offset, props }, strict, onError) {
      if (props[0].type !== "block-scalar-header") {
        onError(props[0], "IMPOSSIBLE", "Block scalar header not found");
        return null;
      }
      const { source } = props[0];
      const mode = source[0];
      let indent = 0;
      let chomp = "";
      let error = -1;
      for (let i = 1; i < source.length; ++i) {
        const ch = source[i];
        if (!chomp && (ch === "-" || ch === "+"))
          chomp = ch;
        else {
          const n2 = Number(ch);
          if (!indent && n2)
            indent = n2;
          else if (error === -1)
            error = offset + i;
        }
      }
      if (error !== -1)
        onError(error, "UNEXPECTED_TOKEN", `Block scalar header includes extra characters: ${source}`);
      let hasSpace = false;
      let comment = "";
      let length = source.length;
      for (let i = 1; i < props.length; ++i) {
        const token = props[i];
        switch (token.type) {
          case "space":
            hasSpace = true;
          // fallthrough
          case "newline":
            length += token.source.length;
            break;
          case "comment":
            if (strict && !hasSpace) {
              const message = "Comments must be separated from other tokens by white space characters";
              onError(token, "MISSING_CHAR", message);
            }
            length += token.source.length;
            comment = token.source.substring(1);
            break;
          case "error":
            onError(token, "UNEXPECTED_TOKEN", token.message);
            length += token.source.length;
            break;
          /* istanbul ignore next should not happen */
          default: {
            const message = `Unexpected token in block scalar header: ${token.type}`;
            onError(token, "UNEXPECTED_TOKEN", message);
            const ts = token.source;
            if (ts && typeof ts === "string")
              length += ts.length;
          }
        }
      }
      return { mode, indent, chomp, comment, length };
    }
    function splitLines(source) {
      const split = source.split(/\n( *)/);
      const first = split[0];
      const m = first.match(/^( *)/);
      const line0 = m?.[1] ? [m[1], first.slice(m[1].length)] : ["", first];
      const lines = [line0];
      for (let i = 1; i < split.length; i += 2)
        lines.push([split[i], split[i + 1]]);
      return lines;
    }
    exports.resolveBlockScalar = resolveBlockScalar;
  }
});

// node_modules/yaml/dist/compose/resolve-flow-scalar.js
var require_resolve_flow_scalar = __commonJS({
  "node_modules/yaml/dist/compose/resolve-flow-scalar.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    var resolveEnd = require_resolve_end();
    function resolveFlowScalar(scalar, strict, onError) {
      const { offset, type, source, end } = scalar;
      let _type;
      let value2;
      const _onError = (rel, code, msg) => onError(offset + rel, code, msg);
      switch (type) {
        case "scalar":
          _type = Scalar.Scalar.PLAIN;
          value2 = plainValue(source, _onError);
          break;
        case "single-quoted-scalar":
          _type = Scalar.Scalar.QUOTE_SINGLE;
          value2 = singleQuotedValue(source, _onError);
          break;
        case "double-quoted-scalar":
          _type = Scalar.Scalar.QUOTE_DOUBLE;
          value2 = doubleQuotedValue(source, _onError);
          break;
        /* istanbul ignore next should not happen */
        default:
          onError(scalar, "UNEXPECTED_TOKEN", `Expected a flow scalar value, but found: ${type}`);
          return {
            value: "",
            type: null,
            comment: "",
            range: [offset, offset + source.length, offset + source.length]
          };
      }
      const valueEnd = offset + source.length;
      const re = resolveEnd.resolveEnd(end, valueEnd, strict, onError);
      return {
        value: value2,
        type: _type,
        comment: re.comment,
        range: [offset, valueEnd, re.offset]
      };
    }
    function plainValue(source, onError) {
      let badChar = "";
      switch (source[0]) {
        /* istanbul ignore next should not happen */
        case "	":
          badChar = "a tab character";
          break;
        case ",":
          badChar = "flow indicator character ,";
          break;
        case "%":
          badChar = "directive indicator character %";
          break;
        case "|":
        case ">": {
          badChar = `block scalar indicator ${source[0]}`;
          break;
        }
        case "@":
        case "`": {
          badChar = `reserved character ${source[0]}`;
          break;
        }
      }
      if (badChar)
        onError(0, "BAD_SCALAR_START", `Plain value cannot start with ${badChar}`);
      return unfoldLines(source);
    }
    function singleQuotedValue(source, onError) {
      if (source[source.length - 1] !== "'" || source.length === 1)
        onError(source.length, "MISSING_CHAR", "Missing closing 'quote");
      return unfoldLines(source.slice(1, -1)).replace(/''/g, "'");
    }
    function unfoldLines(source) {
      const line = /(.*?)\r?\n/sy;
      let match = line.exec(source);
      if (!match)
        return source;
      let trimEnd, trimBoth;
      try {
        trimEnd = new RegExp("(?<![ 	])[ 	]+$");
        trimBoth = new RegExp("^[ 	]+|(?<![ 	])[ 	]+$", "g");
      } catch {
        trimEnd = /[ \t]+$/;
        trimBoth = /^[ \t]+|[ \t]+$/g;
      }
      let res = match[1].replace(trimEnd, "");
      let sep = " ";
      let pos = line.lastIndex;
      while (match = line.exec(source)) {
        const lm = match[1].replace(trimBoth, "");
        if (lm === "") {
          if (sep === "\n")
            res += sep;
          else
            sep = "\n";
        } else {
          res += sep + lm;
          sep = " ";
        }
        pos = line.lastIndex;
      }
      const last = /[ \t]*(.*)/sy;
      last.lastIndex = pos;
      match = last.exec(source);
      return res + sep + (match?.[1] ?? "");
    }
    function doubleQuotedValue(source, onError) {
      let res = "";
      for (let i = 1; i < source.length - 1; ++i) {
        const ch = source[i];
        if (ch === "\r" && source[i + 1] === "\n")
          continue;
        if (ch === "\n") {
          const { fold, offset } = foldNewline(source, i);
          res += fold;
          i = offset;
        } else if (ch === "\\") {
          let next = source[++i];
          const cc = escapeCodes[next];
          if (cc)
            res += cc;
          else if (next === "\n") {
            next = source[i + 1];
            while (next === " " || next === "	")
              next = source[++i + 1];
          } else if (next === "\r" && source[i + 1] === "\n") {
            next = source[++i + 1];
            while (next === " " || next === "	")
              next = source[++i + 1];
          } else if (next === "x" || next === "u" || next === "U") {
            const length = next === "x" ? 2 : next === "u" ? 4 : 8;
            res += parseCharCode(source, i + 1, length, onError);
            i += length;
          } else {
            const raw = source.substr(i - 1, 2);
            onError(i - 1, "BAD_DQ_ESCAPE", `Invalid escape sequence ${raw}`);
            res += raw;
          }
        } else if (ch === " " || ch === "	") {
          const wsStart = i;
          let next = source[i + 1];
          while (next === " " || next === "	")
            next = source[++i + 1];
          if (next !== "\n" && !(next === "\r" && source[i + 2] === "\n"))
            res += i > wsStart ? source.slice(wsStart, i + 1) : ch;
        } else {
          res += ch;
        }
      }
      if (source[source.length - 1] !== '"' || source.length === 1)
        onError(source.length, "MISSING_CHAR", 'Missing closing "quote');
      return res;
    }
    function foldNewline(source, offset) {
      let fold = "";
      let ch = source[offset + 1];
      while (ch === " " || ch === "	" || ch === "\n" || ch === "\r") {
        if (ch === "\r" && source[offset + 2] !== "\n")
          break;
        if (ch === "\n")
          fold += "\n";
        offset += 1;
        ch = source[offset + 1];
      }
      if (!fold)
        fold = " ";
      return { fold, offset };
    }
    var escapeCodes = {
      "0": "\0",
      // null character
      a: "\x07",
      // bell character
      b: "\b",
      // backspace
      e: "\x1B",
      // escape character
      f: "\f",
      // form feed
      n: "\n",
      // line feed
      r: "\r",
      // carriage return
      t: "	",
      // horizontal tab
      v: "\v",
      // vertical tab
      N: "\x85",
      // Unicode next line
      _: "\xA0",
      // Unicode non-breaking space
      L: "\u2028",
      // Unicode line separator
      P: "\u2029",
      // Unicode paragraph separator
      " ": " ",
      '"': '"',
      "/": "/",
      "\\": "\\",
      "	": "	"
    };
    function parseCharCode(source, offset, length, onError) {
      const cc = source.substr(offset, length);
      const ok = cc.length === length && /^[0-9a-fA-F]+$/.test(cc);
      const code = ok ? parseInt(cc, 16) : NaN;
      try {
        return String.fromCodePoint(code);
      } catch {
        const raw = source.substr(offset - 2, length + 2);
        onError(offset - 2, "BAD_DQ_ESCAPE", `Invalid escape sequence ${raw}`);
        return raw;
      }
    }
    exports.resolveFlowScalar = resolveFlowScalar;
  }
});

// node_modules/yaml/dist/compose/compose-scalar.js
var require_compose_scalar = __commonJS({
  "node_modules/yaml/dist/compose/compose-scalar.js"(exports) {
    "use strict";
    var identity = require_identity();
    var Scalar = require_Scalar();
    var resolveBlockScalar = require_resolve_block_scalar();
    var resolveFlowScalar = require_resolve_flow_scalar();
    function composeScalar(ctx, token, tagToken, onError) {
      const { value: value2, type, comment, range } = token.type === "block-scalar" ? resolveBlockScalar.resolveBlockScalar(ctx, token, onError) : resolveFlowScalar.resolveFlowScalar(token, ctx.options.strict, onError);
      const tagName = tagToken ? ctx.directives.tagName(tagToken.source, (msg) => onError(tagToken, "TAG_RESOLVE_FAILED", msg)) : null;
      let tag;
      if (ctx.options.stringKeys && ctx.atKey) {
        tag = ctx.schema[identity.SCALAR];
      } else if (tagName)
        tag = findScalarTagByName(ctx.schema, value2, tagName, tagToken, onError);
      else if (token.type === "scalar")
        tag = findScalarTagByTest(ctx, value2, token, onError);
      else
        tag = ctx.schema[identity.SCALAR];
      let scalar;
      try {
        const res = tag.resolve(value2, (msg) => onError(tagToken ?? token, "TAG_RESOLVE_FAILED", msg), ctx.options);
        scalar = identity.isScalar(res) ? res : new Scalar.Scalar(res);
      } catch (error) {
        const msg = error instanceof Error ? error.message : String(error);
        onError(tagToken ?? token, "TAG_RESOLVE_FAILED", msg);
        scalar = new Scalar.Scalar(value2);
      }
      scalar.range = range;
      scalar.source = value2;
      if (type)
        scalar.type = type;
      if (tagName)
        scalar.tag = tagName;
      if (tag.format)
        scalar.format = tag.format;
      if (comment)
        scalar.comment = comment;
      return scalar;
    }
    function findScalarTagByName(schema, value2, tagName, tagToken, onError) {
      if (tagName === "!")
        return schema[identity.SCALAR];
      const matchWithTest = [];
      for (const tag of schema.tags) {
        if (!tag.collection && tag.tag === tagName) {
          if (tag.default && tag.test)
            matchWithTest.push(tag);
          else
            return tag;
        }
      }
      for (const tag of matchWithTest)
        if (tag.test?.test(value2))
          return tag;
      const kt = schema.knownTags[tagName];
      if (kt && !kt.collection) {
        schema.tags.push(Object.assign({}, kt, { default: false, test: void 0 }));
        return kt;
      }
      onError(tagToken, "TAG_RESOLVE_FAILED", `Unresolved tag: ${tagName}`, tagName !== "tag:yaml.org,2002:str");
      return schema[identity.SCALAR];
    }
    function findScalarTagByTest({ atKey, directives, schema }, value2, token, onError) {
      const tag = schema.tags.find((tag2) => (tag2.default === true || atKey && tag2.default === "key") && tag2.test?.test(value2)) || schema[identity.SCALAR];
      if (schema.compat) {
        const compat = schema.compat.find((tag2) => tag2.default && tag2.test?.test(value2)) ?? schema[identity.SCALAR];
        if (tag.tag !== compat.tag) {
          const ts = directives.tagString(tag.tag);
          const cs = directives.tagString(compat.tag);
          const msg = `Value may be parsed as either ${ts} or ${cs}`;
          onError(token, "TAG_RESOLVE_FAILED", msg, true);
        }
      }
      return tag;
    }
    exports.composeScalar = composeScalar;
  }
});

// node_modules/yaml/dist/compose/util-empty-scalar-position.js
var require_util_empty_scalar_position = __commonJS({
  "node_modules/yaml/dist/compose/util-empty-scalar-position.js"(exports) {
    "use strict";
    function emptyScalarPosition(offset, before, pos) {
      if (before) {
        pos ?? (pos = before.length);
        for (let i = pos - 1; i >= 0; --i) {
          let st = before[i];
          switch (st.type) {
            case "space":
            case "comment":
            case "newline":
              offset -= st.source.length;
              continue;
          }
          st = before[++i];
          while (st?.type === "space") {
            offset += st.source.length;
            st = before[++i];
          }
          break;
        }
      }
      return offset;
    }
    exports.emptyScalarPosition = emptyScalarPosition;
  }
});

// node_modules/yaml/dist/compose/compose-node.js
var require_compose_node = __commonJS({
  "node_modules/yaml/dist/compose/compose-node.js"(exports) {
    "use strict";
    var Alias = require_Alias();
    var identity = require_identity();
    var composeCollection = require_compose_collection();
    var composeScalar = require_compose_scalar();
    var resolveEnd = require_resolve_end();
    var utilEmptyScalarPosition = require_util_empty_scalar_position();
    var CN = { composeNode, composeEmptyNode };
    function composeNode(ctx, token, props, onError) {
      const atKey = ctx.atKey;
      const { spaceBefore, comment, anchor, tag } = props;
      let node;
      let isSrcToken = true;
      switch (token.type) {
        case "alias":
          node = composeAlias(ctx, token, onError);
          if (anchor || tag)
            onError(token, "ALIAS_PROPS", "An alias node must not specify any properties");
          break;
        case "scalar":
        case "single-quoted-scalar":
        case "double-quoted-scalar":
        case "block-scalar":
          node = composeScalar.composeScalar(ctx, token, tag, onError);
          if (anchor)
            node.anchor = anchor.source.substring(1);
          break;
        case "block-map":
        case "block-seq":
        case "flow-collection":
          try {
            node = composeCollection.composeCollection(CN, ctx, token, props, onError);
            if (anchor)
              node.anchor = anchor.source.substring(1);
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            onError(token, "RESOURCE_EXHAUSTION", message);
          }
          break;
        default: {
          const message = token.type === "error" ? token.message : `Unsupported token (type: ${token.type})`;
          onError(token, "UNEXPECTED_TOKEN", message);
          isSrcToken = false;
        }
      }
      node ?? (node = composeEmptyNode(ctx, token.offset, void 0, null, props, onError));
      if (anchor && node.anchor === "")
        onError(anchor, "BAD_ALIAS", "Anchor cannot be an empty string");
      if (atKey && ctx.options.stringKeys && (!identity.isScalar(node) || typeof node.value !== "string" || node.tag && node.tag !== "tag:yaml.org,2002:str")) {
        const msg = "With stringKeys, all keys must be strings";
        onError(tag ?? token, "NON_STRING_KEY", msg);
      }
      if (spaceBefore)
        node.spaceBefore = true;
      if (comment) {
        if (token.type === "scalar" && token.source === "")
          node.comment = comment;
        else
          node.commentBefore = comment;
      }
      if (ctx.options.keepSourceTokens && isSrcToken)
        node.srcToken = token;
      return node;
    }
    function composeEmptyNode(ctx, offset, before, pos, { spaceBefore, comment, anchor, tag, end }, onError) {
      const token = {
        type: "scalar",
        offset: utilEmptyScalarPosition.emptyScalarPosition(offset, before, pos),
        indent: -1,
        source: ""
      };
      const node = composeScalar.composeScalar(ctx, token, tag, onError);
      if (anchor) {
        node.anchor = anchor.source.substring(1);
        if (node.anchor === "")
          onError(anchor, "BAD_ALIAS", "Anchor cannot be an empty string");
      }
      if (spaceBefore)
        node.spaceBefore = true;
      if (comment) {
        node.comment = comment;
        node.range[2] = end;
      }
      return node;
    }
    function composeAlias({ options }, { offset, source, end }, onError) {
      const alias = new Alias.Alias(source.substring(1));
      if (alias.source === "")
        onError(offset, "BAD_ALIAS", "Alias cannot be an empty string");
      if (alias.source.endsWith(":"))
        onError(offset + source.length - 1, "BAD_ALIAS", "Alias ending in : is ambiguous", true);
      const valueEnd = offset + source.length;
      const re = resolveEnd.resolveEnd(end, valueEnd, options.strict, onError);
      alias.range = [offset, valueEnd, re.offset];
      if (re.comment)
        alias.comment = re.comment;
      return alias;
    }
    exports.composeEmptyNode = composeEmptyNode;
    exports.composeNode = composeNode;
  }
});

// node_modules/yaml/dist/compose/compose-doc.js
var require_compose_doc = __commonJS({
  "node_modules/yaml/dist/compose/compose-doc.js"(exports) {
    "use strict";
    var Document = require_Document();
    var composeNode = require_compose_node();
    var resolveEnd = require_resolve_end();
    var resolveProps = require_resolve_props();
    function composeDoc(options, directives, { offset, start, value: value2, end }, onError) {
      const opts = Object.assign({ _directives: directives }, options);
      const doc = new Document.Document(void 0, opts);
      const ctx = {
        atKey: false,
        atRoot: true,
        directives: doc.directives,
        options: doc.options,
        schema: doc.schema
      };
      const props = resolveProps.resolveProps(start, {
        indicator: "doc-start",
        next: value2 ?? end?.[0],
        offset,
        onError,
        parentIndent: 0,
        startOnNewline: true
      });
      if (props.found) {
        doc.directives.docStart = true;
        if (value2 && (value2.type === "block-map" || value2.type === "block-seq") && !props.hasNewline)
          onError(props.end, "MISSING_CHAR", "Block collection cannot start on same line with directives-end marker");
      }
      doc.contents = value2 ? composeNode.composeNode(ctx, value2, props, onError) : composeNode.composeEmptyNode(ctx, props.end, start, null, props, onError);
      const contentEnd = doc.contents.range[2];
      const re = resolveEnd.resolveEnd(end, contentEnd, false, onError);
      if (re.comment)
        doc.comment = re.comment;
      doc.range = [offset, contentEnd, re.offset];
      return doc;
    }
    exports.composeDoc = composeDoc;
  }
});

// node_modules/yaml/dist/compose/composer.js
var require_composer = __commonJS({
  "node_modules/yaml/dist/compose/composer.js"(exports) {
    "use strict";
    var node_process = __require("process");
    var directives = require_directives();
    var Document = require_Document();
    var errors = require_errors2();
    var identity = require_identity();
    var composeDoc = require_compose_doc();
    var resolveEnd = require_resolve_end();
    function getErrorPos(src) {
      if (typeof src === "number")
        return [src, src + 1];
      if (Array.isArray(src))
        return src.length === 2 ? src : [src[0], src[1]];
      const { offset, source } = src;
      return [offset, offset + (typeof source === "string" ? source.length : 1)];
    }
    function parsePrelude(prelude) {
      let comment = "";
      let atComment = false;
      let afterEmptyLine = false;
      for (let i = 0; i < prelude.length; ++i) {
        const source = prelude[i];
        switch (source[0]) {
          case "#":
            comment += (comment === "" ? "" : afterEmptyLine ? "\n\n" : "\n") + (source.substring(1) || " ");
            atComment = true;
            afterEmptyLine = false;
            break;
          case "%":
            if (prelude[i + 1]?.[0] !== "#")
              i += 1;
            atComment = false;
            break;
          default:
            if (!atComment)
              afterEmptyLine = true;
            atComment = false;
        }
      }
      return { comment, afterEmptyLine };
    }
    var Composer = class {
      constructor(options = {}) {
        this.doc = null;
        this.atDirectives = false;
        this.prelude = [];
        this.errors = [];
        this.warnings = [];
        this.onError = (source, code, message, warning) => {
          const pos = getErrorPos(source);
          if (warning)
            this.warnings.push(new errors.YAMLWarning(pos, code, message));
          else
            this.errors.push(new errors.YAMLParseError(pos, code, message));
        };
        this.directives = new directives.Directives({ version: options.version || "1.2" });
        this.options = options;
      }
      decorate(doc, afterDoc) {
        const { comment, afterEmptyLine } = parsePrelude(this.prelude);
        if (comment) {
          const dc = doc.contents;
          if (afterDoc) {
            doc.comment = doc.comment ? `${doc.comment}
${comment}` : comment;
          } else if (afterEmptyLine || doc.directives.docStart || !dc) {
            doc.commentBefore = comment;
          } else if (identity.isCollection(dc) && !dc.flow && dc.items.length > 0) {
            let it = dc.items[0];
            if (identity.isPair(it))
              it = it.key;
            const cb = it.commentBefore;
            it.commentBefore = cb ? `${comment}
${cb}` : comment;
          } else {
            const cb = dc.commentBefore;
            dc.commentBefore = cb ? `${comment}
${cb}` : comment;
          }
        }
        if (afterDoc) {
          for (let i = 0; i < this.errors.length; ++i)
            doc.errors.push(this.errors[i]);
          for (let i = 0; i < this.warnings.length; ++i)
            doc.warnings.push(this.warnings[i]);
        } else {
          doc.errors = this.errors;
          doc.warnings = this.warnings;
        }
        this.prelude = [];
        this.errors = [];
        this.warnings = [];
      }
      /**
       * Current stream status information.
       *
       * Mostly useful at the end of input for an empty stream.
       */
      streamInfo() {
        return {
          comment: parsePrelude(this.prelude).comment,
          directives: this.directives,
          errors: this.errors,
          warnings: this.warnings
        };
      }
      /**
       * Compose tokens into documents.
       *
       * @param forceDoc - If the stream contains no document, still emit a final document including any comments and directives that would be applied to a subsequent document.
       * @param endOffset - Should be set if `forceDoc` is also set, to set the document range end and to indicate errors correctly.
       */
      *compose(tokens, forceDoc = false, endOffset = -1) {
        for (const token of tokens)
          yield* this.next(token);
        yield* this.end(forceDoc, endOffset);
      }
      /** Advance the composer by one CST token. */
      *next(token) {
        if (node_process.env.LOG_STREAM)
          console.dir(token, { depth: null });
        switch (token.type) {
          case "directive":
            this.directives.add(token.source, (offset, message, warning) => {
              const pos = getErrorPos(token);
              pos[0] += offset;
              this.onError(pos, "BAD_DIRECTIVE", message, warning);
            });
            this.prelude.push(token.source);
            this.atDirectives = true;
            break;
          case "document": {
            const doc = composeDoc.composeDoc(this.options, this.directives, token, this.onError);
            if (this.atDirectives && !doc.directives.docStart)
              this.onError(token, "MISSING_CHAR", "Missing directives-end/doc-start indicator line");
            this.decorate(doc, false);
            if (this.doc)
              yield this.doc;
            this.doc = doc;
            this.atDirectives = false;
            break;
          }
          case "byte-order-mark":
          case "space":
            break;
          case "comment":
          case "newline":
            this.prelude.push(token.source);
            break;
          case "error": {
            const msg = token.source ? `${token.message}: ${JSON.stringify(token.source)}` : token.message;
            const error = new errors.YAMLParseError(getErrorPos(token), "UNEXPECTED_TOKEN", msg);
            if (this.atDirectives || !this.doc)
              this.errors.push(error);
            else
              this.doc.errors.push(error);
            break;
          }
          case "doc-end": {
            if (!this.doc) {
              const msg = "Unexpected doc-end without preceding document";
              this.errors.push(new errors.YAMLParseError(getErrorPos(token), "UNEXPECTED_TOKEN", msg));
              break;
            }
            this.doc.directives.docEnd = true;
            const end = resolveEnd.resolveEnd(token.end, token.offset + token.source.length, this.doc.options.strict, this.onError);
            this.decorate(this.doc, true);
            if (end.comment) {
              const dc = this.doc.comment;
              this.doc.comment = dc ? `${dc}
${end.comment}` : end.comment;
            }
            this.doc.range[2] = end.offset;
            break;
          }
          default:
            this.errors.push(new errors.YAMLParseError(getErrorPos(token), "UNEXPECTED_TOKEN", `Unsupported token ${token.type}`));
        }
      }
      /**
       * Call at end of input to yield any remaining document.
       *
       * @param forceDoc - If the stream contains no document, still emit a final document including any comments and directives that would be applied to a subsequent document.
       * @param endOffset - Should be set if `forceDoc` is also set, to set the document range end and to indicate errors correctly.
       */
      *end(forceDoc = false, endOffset = -1) {
        if (this.doc) {
          this.decorate(this.doc, true);
          yield this.doc;
          this.doc = null;
        } else if (forceDoc) {
          const opts = Object.assign({ _directives: this.directives }, this.options);
          const doc = new Document.Document(void 0, opts);
          if (this.atDirectives)
            this.onError(endOffset, "MISSING_CHAR", "Missing directives-end indicator line");
          doc.range = [0, endOffset, endOffset];
          this.decorate(doc, false);
          yield doc;
        }
      }
    };
    exports.Composer = Composer;
  }
});

// node_modules/yaml/dist/parse/cst-scalar.js
var require_cst_scalar = __commonJS({
  "node_modules/yaml/dist/parse/cst-scalar.js"(exports) {
    "use strict";
    var resolveBlockScalar = require_resolve_block_scalar();
    var resolveFlowScalar = require_resolve_flow_scalar();
    var errors = require_errors2();
    var stringifyString = require_stringifyString();
    function resolveAsScalar(token, strict = true, onError) {
      if (token) {
        const _onError = (pos, code, message) => {
          const offset = typeof pos === "number" ? pos : Array.isArray(pos) ? pos[0] : pos.offset;
          if (onError)
            onError(offset, code, message);
          else
            throw new errors.YAMLParseError([offset, offset + 1], code, message);
        };
        switch (token.type) {
          case "scalar":
          case "single-quoted-scalar":
          case "double-quoted-scalar":
            return resolveFlowScalar.resolveFlowScalar(token, strict, _onError);
          case "block-scalar":
            return resolveBlockScalar.resolveBlockScalar({ options: { strict } }, token, _onError);
        }
      }
      return null;
    }
    function createScalarToken(value2, context) {
      const { implicitKey = false, indent, inFlow = false, offset = -1, type = "PLAIN" } = context;
      const source = stringifyString.stringifyString({ type, value: value2 }, {
        implicitKey,
        indent: indent > 0 ? " ".repeat(indent) : "",
        inFlow,
        options: { blockQuote: true, lineWidth: -1 }
      });
      const end = context.end ?? [
        { type: "newline", offset: -1, indent, source: "\n" }
      ];
      switch (source[0]) {
        case "|":
        case ">": {
          const he = source.indexOf("\n");
          const head = source.substring(0, he);
          const body = source.substring(he + 1) + "\n";
          const props = [
            { type: "block-scalar-header", offset, indent, source: head }
          ];
          if (!addEndtoBlockProps(props, end))
            props.push({ type: "newline", offset: -1, indent, source: "\n" });
          return { type: "block-scalar", offset, indent, props, source: body };
        }
        case '"':
          return { type: "double-quoted-scalar", offset, indent, source, end };
        case "'":
          return { type: "single-quoted-scalar", offset, indent, source, end };
        default:
          return { type: "scalar", offset, indent, source, end };
      }
    }
    function setScalarValue(token, value2, context = {}) {
      let { afterKey = false, implicitKey = false, inFlow = false, type } = context;
      let indent = "indent" in token ? token.indent : null;
      if (afterKey && typeof indent === "number")
        indent += 2;
      if (!type)
        switch (token.type) {
          case "single-quoted-scalar":
            type = "QUOTE_SINGLE";
            break;
          case "double-quoted-scalar":
            type = "QUOTE_DOUBLE";
            break;
          case "block-scalar": {
            const header2 = token.props[0];
            if (header2.type !== "block-scalar-header")
              throw new Error("Invalid block scalar header");
            type = header2.source[0] === ">" ? "BLOCK_FOLDED" : "BLOCK_LITERAL";
            break;
          }
          default:
            type = "PLAIN";
        }
      const source = stringifyString.stringifyString({ type, value: value2 }, {
        implicitKey: implicitKey || indent === null,
        indent: indent !== null && indent > 0 ? " ".repeat(indent) : "",
        inFlow,
        options: { blockQuote: true, lineWidth: -1 }
      });
      switch (source[0]) {
        case "|":
        case ">":
          setBlockScalarValue(token, source);
          break;
        case '"':
          setFlowScalarValue(token, source, "double-quoted-scalar");
          break;
        case "'":
          setFlowScalarValue(token, source, "single-quoted-scalar");
          break;
        default:
          setFlowScalarValue(token, source, "scalar");
      }
    }
    function setBlockScalarValue(token, source) {
      const he = source.indexOf("\n");
      const head = source.substring(0, he);
      const body = source.substring(he + 1) + "\n";
      if (token.type === "block-scalar") {
        const header2 = token.props[0];
        if (header2.type !== "block-scalar-header")
          throw new Error("Invalid block scalar header");
        header2.source = head;
        token.source = body;
      } else {
        const { offset } = token;
        const indent = "indent" in token ? token.indent : -1;
        const props = [
          { type: "block-scalar-header", offset, indent, source: head }
        ];
        if (!addEndtoBlockProps(props, "end" in token ? token.end : void 0))
          props.push({ type: "newline", offset: -1, indent, source: "\n" });
        for (const key of Object.keys(token))
          if (key !== "type" && key !== "offset")
            delete token[key];
        Object.assign(token, { type: "block-scalar", indent, props, source: body });
      }
    }
    function addEndtoBlockProps(props, end) {
      if (end)
        for (const st of end)
          switch (st.type) {
            case "space":
            case "comment":
              props.push(st);
              break;
            case "newline":
              props.push(st);
              return true;
          }
      return false;
    }
    function setFlowScalarValue(token, source, type) {
      switch (token.type) {
        case "scalar":
        case "double-quoted-scalar":
        case "single-quoted-scalar":
          token.type = type;
          token.source = source;
          break;
        case "block-scalar": {
          const end = token.props.slice(1);
          let oa = source.length;
          if (token.props[0].type === "block-scalar-header")
            oa -= token.props[0].source.length;
          for (const tok of end)
            tok.offset += oa;
          delete token.props;
          Object.assign(token, { type, source, end });
          break;
        }
        case "block-map":
        case "block-seq": {
          const offset = token.offset + source.length;
          const nl = { type: "newline", offset, indent: token.indent, source: "\n" };
          delete token.items;
          Object.assign(token, { type, source, end: [nl] });
          break;
        }
        default: {
          const indent = "indent" in token ? token.indent : -1;
          const end = "end" in token && Array.isArray(token.end) ? token.end.filter((st) => st.type === "space" || st.type === "comment" || st.type === "newline") : [];
          for (const key of Object.keys(token))
            if (key !== "type" && key !== "offset")
              delete token[key];
          Object.assign(token, { type, indent, source, end });
        }
      }
    }
    exports.createScalarToken = createScalarToken;
    exports.resolveAsScalar = resolveAsScalar;
    exports.setScalarValue = setScalarValue;
  }
});

// node_modules/yaml/dist/parse/cst-stringify.js
var require_cst_stringify = __commonJS({
  "node_modules/yaml/dist/parse/cst-stringify.js"(exports) {
    "use strict";
    var stringify = (cst) => "type" in cst ? stringifyToken(cst) : stringifyItem(cst);
    function stringifyToken(token) {
      switch (token.type) {
        case "block-scalar": {
          let res = "";
          for (const tok of token.props)
            res += stringifyToken(tok);
          return res + token.source;
        }
        case "block-map":
        case "block-seq": {
          let res = "";
          for (const item of token.items)
            res += stringifyItem(item);
          return res;
        }
        case "flow-collection": {
          let res = token.start.source;
          for (const item of token.items)
            res += stringifyItem(item);
          for (const st of token.end)
            res += st.source;
          return res;
        }
        case "document": {
          let res = stringifyItem(token);
          if (token.end)
            for (const st of token.end)
              res += st.source;
          return res;
        }
        default: {
          let res = token.source;
          if ("end" in token && token.end)
            for (const st of token.end)
              res += st.source;
          return res;
        }
      }
    }
    function stringifyItem({ start, key, sep, value: value2 }) {
      let res = "";
      for (const st of start)
        res += st.source;
      if (key)
        res += stringifyToken(key);
      if (sep)
        for (const st of sep)
          res += st.source;
      if (value2)
        res += stringifyToken(value2);
      return res;
    }
    exports.stringify = stringify;
  }
});

// node_modules/yaml/dist/parse/cst-visit.js
var require_cst_visit = __commonJS({
  "node_modules/yaml/dist/parse/cst-visit.js"(exports) {
    "use strict";
    var BREAK = /* @__PURE__ */ Symbol("break visit");
    var SKIP = /* @__PURE__ */ Symbol("skip children");
    var REMOVE = /* @__PURE__ */ Symbol("remove item");
    function visit(cst, visitor) {
      if ("type" in cst && cst.type === "document")
        cst = { start: cst.start, value: cst.value };
      _visit(Object.freeze([]), cst, visitor);
    }
    visit.BREAK = BREAK;
    visit.SKIP = SKIP;
    visit.REMOVE = REMOVE;
    visit.itemAtPath = (cst, path) => {
      let item = cst;
      for (const [field, index] of path) {
        const tok = item?.[field];
        if (tok && "items" in tok) {
          item = tok.items[index];
        } else
          return void 0;
      }
      return item;
    };
    visit.parentCollection = (cst, path) => {
      const parent = visit.itemAtPath(cst, path.slice(0, -1));
      const field = path[path.length - 1][0];
      const coll = parent?.[field];
      if (coll && "items" in coll)
        return coll;
      throw new Error("Parent collection not found");
    };
    function _visit(path, item, visitor) {
      let ctrl = visitor(item, path);
      if (typeof ctrl === "symbol")
        return ctrl;
      for (const field of ["key", "value"]) {
        const token = item[field];
        if (token && "items" in token) {
          for (let i = 0; i < token.items.length; ++i) {
            const ci = _visit(Object.freeze(path.concat([[field, i]])), token.items[i], visitor);
            if (typeof ci === "number")
              i = ci - 1;
            else if (ci === BREAK)
              return BREAK;
            else if (ci === REMOVE) {
              token.items.splice(i, 1);
              i -= 1;
            }
          }
          if (typeof ctrl === "function" && field === "key")
            ctrl = ctrl(item, path);
        }
      }
      return typeof ctrl === "function" ? ctrl(item, path) : ctrl;
    }
    exports.visit = visit;
  }
});

// node_modules/yaml/dist/parse/cst.js
var require_cst = __commonJS({
  "node_modules/yaml/dist/parse/cst.js"(exports) {
    "use strict";
    var cstScalar = require_cst_scalar();
    var cstStringify = require_cst_stringify();
    var cstVisit = require_cst_visit();
    var BOM = "\uFEFF";
    var DOCUMENT = "";
    var FLOW_END = "";
    var SCALAR = "";
    var isCollection = (token) => !!token && "items" in token;
    var isScalar2 = (token) => !!token && (token.type === "scalar" || token.type === "single-quoted-scalar" || token.type === "double-quoted-scalar" || token.type === "block-scalar");
    function prettyToken(token) {
      switch (token) {
        case BOM:
          return "<BOM>";
        case DOCUMENT:
          return "<DOC>";
        case FLOW_END:
          return "<FLOW_END>";
        case SCALAR:
          return "<SCALAR>";
        default:
          return JSON.stringify(token);
      }
    }
    function tokenType(source) {
      switch (source) {
        case BOM:
          return "byte-order-mark";
        case DOCUMENT:
          return "doc-mode";
        case FLOW_END:
          return "flow-error-end";
        case SCALAR:
          return "scalar";
        case "---":
          return "doc-start";
        case "...":
          return "doc-end";
        case "":
        case "\n":
        case "\r\n":
          return "newline";
        case "-":
          return "seq-item-ind";
        case "?":
          return "explicit-key-ind";
        case ":":
          return "map-value-ind";
        case "{":
          return "flow-map-start";
        case "}":
          return "flow-map-end";
        case "[":
          return "flow-seq-start";
        case "]":
          return "flow-seq-end";
        case ",":
          return "comma";
      }
      switch (source[0]) {
        case " ":
        case "	":
          return "space";
        case "#":
          return "comment";
        case "%":
          return "directive-line";
        case "*":
          return "alias";
        case "&":
          return "anchor";
        case "!":
          return "tag";
        case "'":
          return "single-quoted-scalar";
        case '"':
          return "double-quoted-scalar";
        case "|":
        case ">":
          return "block-scalar-header";
      }
      return null;
    }
    exports.createScalarToken = cstScalar.createScalarToken;
    exports.resolveAsScalar = cstScalar.resolveAsScalar;
    exports.setScalarValue = cstScalar.setScalarValue;
    exports.stringify = cstStringify.stringify;
    exports.visit = cstVisit.visit;
    exports.BOM = BOM;
    exports.DOCUMENT = DOCUMENT;
    exports.FLOW_END = FLOW_END;
    exports.SCALAR = SCALAR;
    exports.isCollection = isCollection;
    exports.isScalar = isScalar2;
    exports.prettyToken = prettyToken;
    exports.tokenType = tokenType;
  }
});

// node_modules/yaml/dist/parse/lexer.js
var require_lexer = __commonJS({
  "node_modules/yaml/dist/parse/lexer.js"(exports) {
    "use strict";
    var cst = require_cst();
    function isEmpty(ch) {
      switch (ch) {
        case void 0:
        case " ":
        case "\n":
        case "\r":
        case "	":
          return true;
        default:
          return false;
      }
    }
    var hexDigits = new Set("0123456789ABCDEFabcdef");
    var tagChars = new Set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-#;/?:@&=+$_.!~*'()");
    var flowIndicatorChars = new Set(",[]{}");
    var invalidAnchorChars = new Set(" ,[]{}\n\r	");
    var isNotAnchorChar = (ch) => !ch || invalidAnchorChars.has(ch);
    var Lexer = class {
      constructor() {
        this.atEnd = false;
        this.blockScalarIndent = -1;
        this.blockScalarKeep = false;
        this.buffer = "";
        this.flowKey = false;
        this.flowLevel = 0;
        this.indentNext = 0;
        this.indentValue = 0;
        this.lineEndPos = null;
        this.next = null;
        this.pos = 0;
      }
      /**
       * Generate YAML tokens from the `source` string. If `incomplete`,
       * a part of the last line may be left as a buffer for the next call.
       *
       * @returns A generator of lexical tokens
       */
      *lex(source, incomplete = false) {
        if (source) {
          if (typeof source !== "string")
            throw TypeError("source is not a string");
          this.buffer = this.buffer ? this.buffer + source : source;
          this.lineEndPos = null;
        }
        this.atEnd = !incomplete;
        let next = this.next ?? "stream";
        while (next && (incomplete || this.hasChars(1)))
          next = yield* this.parseNext(next);
      }
      atLineEnd() {
        let i = this.pos;
        let ch = this.buffer[i];
        while (ch === " " || ch === "	")
          ch = this.buffer[++i];
        if (!ch || ch === "#" || ch === "\n")
          return true;
        if (ch === "\r")
          return this.buffer[i + 1] === "\n";
        return false;
      }
      charAt(n2) {
        return this.buffer[this.pos + n2];
      }
      continueScalar(offset) {
        let ch = this.buffer[offset];
        if (this.indentNext > 0) {
          let indent = 0;
          while (ch === " ")
            ch = this.buffer[++indent + offset];
          if (ch === "\r") {
            const next = this.buffer[indent + offset + 1];
            if (next === "\n" || !next && !this.atEnd)
              return offset + indent + 1;
          }
          return ch === "\n" || indent >= this.indentNext || !ch && !this.atEnd ? offset + indent : -1;
        }
        if (ch === "-" || ch === ".") {
          const dt = this.buffer.substr(offset, 3);
          if ((dt === "---" || dt === "...") && isEmpty(this.buffer[offset + 3]))
            return -1;
        }
        return offset;
      }
      getLine() {
        let end = this.lineEndPos;
        if (typeof end !== "number" || end !== -1 && end < this.pos) {
          end = this.buffer.indexOf("\n", this.pos);
          this.lineEndPos = end;
        }
        if (end === -1)
          return this.atEnd ? this.buffer.substring(this.pos) : null;
        if (this.buffer[end - 1] === "\r")
          end -= 1;
        return this.buffer.substring(this.pos, end);
      }
      hasChars(n2) {
        return this.pos + n2 <= this.buffer.length;
      }
      setNext(state2) {
        this.buffer = this.buffer.substring(this.pos);
        this.pos = 0;
        this.lineEndPos = null;
        this.next = state2;
        return null;
      }
      peek(n2) {
        return this.buffer.substr(this.pos, n2);
      }
      *parseNext(next) {
        switch (next) {
          case "stream":
            return yield* this.parseStream();
          case "line-start":
            return yield* this.parseLineStart();
          case "block-start":
            return yield* this.parseBlockStart();
          case "doc":
            return yield* this.parseDocument();
          case "flow":
            return yield* this.parseFlowCollection();
          case "quoted-scalar":
            return yield* this.parseQuotedScalar();
          case "block-scalar":
            return yield* this.parseBlockScalar();
          case "plain-scalar":
            return yield* this.parsePlainScalar();
        }
      }
      *parseStream() {
        let line = this.getLine();
        if (line === null)
          return this.setNext("stream");
        if (line[0] === cst.BOM) {
          yield* this.pushCount(1);
          line = line.substring(1);
        }
        if (line[0] === "%") {
          let dirEnd = line.length;
          let cs = line.indexOf("#");
          while (cs !== -1) {
            const ch = line[cs - 1];
            if (ch === " " || ch === "	") {
              dirEnd = cs - 1;
              break;
            } else {
              cs = line.indexOf("#", cs + 1);
            }
          }
          while (true) {
            const ch = line[dirEnd - 1];
            if (ch === " " || ch === "	")
              dirEnd -= 1;
            else
              break;
          }
          const n2 = (yield* this.pushCount(dirEnd)) + (yield* this.pushSpaces(true));
          yield* this.pushCount(line.length - n2);
          this.pushNewline();
          return "stream";
        }
        if (this.atLineEnd()) {
          const sp = yield* this.pushSpaces(true);
          yield* this.pushCount(line.length - sp);
          yield* this.pushNewline();
          return "stream";
        }
        yield cst.DOCUMENT;
        return yield* this.parseLineStart();
      }
      *parseLineStart() {
        const ch = this.charAt(0);
        if (!ch && !this.atEnd)
          return this.setNext("line-start");
        if (ch === "-" || ch === ".") {
          if (!this.atEnd && !this.hasChars(4))
            return this.setNext("line-start");
          const s = this.peek(3);
          if ((s === "---" || s === "...") && isEmpty(this.charAt(3))) {
            yield* this.pushCount(3);
            this.indentValue = 0;
            this.indentNext = 0;
            return s === "---" ? "doc" : "stream";
          }
        }
        this.indentValue = yield* this.pushSpaces(false);
        if (this.indentNext > this.indentValue && !isEmpty(this.charAt(1)))
          this.indentNext = this.indentValue;
        return yield* this.parseBlockStart();
      }
      *parseBlockStart() {
        const [ch0, ch1] = this.peek(2);
        if (!ch1 && !this.atEnd)
          return this.setNext("block-start");
        if ((ch0 === "-" || ch0 === "?" || ch0 === ":") && isEmpty(ch1)) {
          const n2 = (yield* this.pushCount(1)) + (yield* this.pushSpaces(true));
          this.indentNext = this.indentValue + 1;
          this.indentValue += n2;
          return "block-start";
        }
        return "doc";
      }
      *parseDocument() {
        yield* this.pushSpaces(true);
        const line = this.getLine();
        if (line === null)
          return this.setNext("doc");
        let n2 = yield* this.pushIndicators();
        switch (line[n2]) {
          case "#":
            yield* this.pushCount(line.length - n2);
          // fallthrough
          case void 0:
            yield* this.pushNewline();
            return yield* this.parseLineStart();
          case "{":
          case "[":
            yield* this.pushCount(1);
            this.flowKey = false;
            this.flowLevel = 1;
            return "flow";
          case "}":
          case "]":
            yield* this.pushCount(1);
            return "doc";
          case "*":
            yield* this.pushUntil(isNotAnchorChar);
            return "doc";
          case '"':
          case "'":
            return yield* this.parseQuotedScalar();
          case "|":
          case ">":
            n2 += yield* this.parseBlockScalarHeader();
            n2 += yield* this.pushSpaces(true);
            yield* this.pushCount(line.length - n2);
            yield* this.pushNewline();
            return yield* this.parseBlockScalar();
          default:
            return yield* this.parsePlainScalar();
        }
      }
      *parseFlowCollection() {
        let nl, sp;
        let indent = -1;
        do {
          nl = yield* this.pushNewline();
          if (nl > 0) {
            sp = yield* this.pushSpaces(false);
            this.indentValue = indent = sp;
          } else {
            sp = 0;
          }
          sp += yield* this.pushSpaces(true);
        } while (nl + sp > 0);
        const line = this.getLine();
        if (line === null)
          return this.setNext("flow");
        if (indent !== -1 && indent < this.indentNext && line[0] !== "#" || indent === 0 && (line.startsWith("---") || line.startsWith("...")) && isEmpty(line[3])) {
          const atFlowEndMarker = indent === this.indentNext - 1 && this.flowLevel === 1 && (line[0] === "]" || line[0] === "}");
          if (!atFlowEndMarker) {
            this.flowLevel = 0;
            yield cst.FLOW_END;
            return yield* this.parseLineStart();
          }
        }
        let n2 = 0;
        while (line[n2] === ",") {
          n2 += yield* this.pushCount(1);
          n2 += yield* this.pushSpaces(true);
          this.flowKey = false;
        }
        n2 += yield* this.pushIndicators();
        switch (line[n2]) {
          case void 0:
            return "flow";
          case "#":
            yield* this.pushCount(line.length - n2);
            return "flow";
          case "{":
          case "[":
            yield* this.pushCount(1);
            this.flowKey = false;
            this.flowLevel += 1;
            return "flow";
          case "}":
          case "]":
            yield* this.pushCount(1);
            this.flowKey = true;
            this.flowLevel -= 1;
            return this.flowLevel ? "flow" : "doc";
          case "*":
            yield* this.pushUntil(isNotAnchorChar);
            return "flow";
          case '"':
          case "'":
            this.flowKey = true;
            return yield* this.parseQuotedScalar();
          case ":": {
            const next = this.charAt(1);
            if (this.flowKey || isEmpty(next) || next === ",") {
              this.flowKey = false;
              yield* this.pushCount(1);
              yield* this.pushSpaces(true);
              return "flow";
            }
          }
          // fallthrough
          default:
            this.flowKey = false;
            return yield* this.parsePlainScalar();
        }
      }
      *parseQuotedScalar() {
        const quote = this.charAt(0);
        let end = this.buffer.indexOf(quote, this.pos + 1);
        if (quote === "'") {
          while (end !== -1 && this.buffer[end + 1] === "'")
            end = this.buffer.indexOf("'", end + 2);
        } else {
          while (end !== -1) {
            let n2 = 0;
            while (this.buffer[end - 1 - n2] === "\\")
              n2 += 1;
            if (n2 % 2 === 0)
              break;
            end = this.buffer.indexOf('"', end + 1);
          }
        }
        const qb = this.buffer.substring(0, end);
        let nl = qb.indexOf("\n", this.pos);
        if (nl !== -1) {
          while (nl !== -1) {
            const cs = this.continueScalar(nl + 1);
            if (cs === -1)
              break;
            nl = qb.indexOf("\n", cs);
          }
          if (nl !== -1) {
            end = nl - (qb[nl - 1] === "\r" ? 2 : 1);
          }
        }
        if (end === -1) {
          if (!this.atEnd)
            return this.setNext("quoted-scalar");
          end = this.buffer.length;
        }
        yield* this.pushToIndex(end + 1, false);
        return this.flowLevel ? "flow" : "doc";
      }
      *parseBlockScalarHeader() {
        this.blockScalarIndent = -1;
        this.blockScalarKeep = false;
        let i = this.pos;
        while (true) {
          const ch = this.buffer[++i];
          if (ch === "+")
            this.blockScalarKeep = true;
          else if (ch > "0" && ch <= "9")
            this.blockScalarIndent = Number(ch) - 1;
          else if (ch !== "-")
            break;
        }
        return yield* this.pushUntil((ch) => isEmpty(ch) || ch === "#");
      }
      *parseBlockScalar() {
        let nl = this.pos - 1;
        let indent = 0;
        let ch;
        loop: for (let i2 = this.pos; ch = this.buffer[i2]; ++i2) {
          switch (ch) {
            case " ":
              indent += 1;
              break;
            case "\n":
              nl = i2;
              indent = 0;
              break;
            case "\r": {
              const next = this.buffer[i2 + 1];
              if (!next && !this.atEnd)
                return this.setNext("block-scalar");
              if (next === "\n")
                break;
            }
            // fallthrough
            default:
              break loop;
          }
        }
        if (!ch && !this.atEnd)
          return this.setNext("block-scalar");
        if (indent >= this.indentNext) {
          if (this.blockScalarIndent === -1)
            this.indentNext = indent;
          else {
            this.indentNext = this.blockScalarIndent + (this.indentNext === 0 ? 1 : this.indentNext);
          }
          do {
            const cs = this.continueScalar(nl + 1);
            if (cs === -1)
              break;
            nl = this.buffer.indexOf("\n", cs);
          } while (nl !== -1);
          if (nl === -1) {
            if (!this.atEnd)
              return this.setNext("block-scalar");
            nl = this.buffer.length;
          }
        }
        let i = nl + 1;
        ch = this.buffer[i];
        while (ch === " ")
          ch = this.buffer[++i];
        if (ch === "	") {
          while (ch === "	" || ch === " " || ch === "\r" || ch === "\n")
            ch = this.buffer[++i];
          nl = i - 1;
        } else if (!this.blockScalarKeep) {
          do {
            let i2 = nl - 1;
            let ch2 = this.buffer[i2];
            if (ch2 === "\r")
              ch2 = this.buffer[--i2];
            const lastChar = i2;
            while (ch2 === " ")
              ch2 = this.buffer[--i2];
            if (ch2 === "\n" && i2 >= this.pos && i2 + 1 + indent > lastChar)
              nl = i2;
            else
              break;
          } while (true);
        }
        yield cst.SCALAR;
        yield* this.pushToIndex(nl + 1, true);
        return yield* this.parseLineStart();
      }
      *parsePlainScalar() {
        const inFlow = this.flowLevel > 0;
        let end = this.pos - 1;
        let i = this.pos - 1;
        let ch;
        while (ch = this.buffer[++i]) {
          if (ch === ":") {
            const next = this.buffer[i + 1];
            if (isEmpty(next) || inFlow && flowIndicatorChars.has(next))
              break;
            end = i;
          } else if (isEmpty(ch)) {
            let next = this.buffer[i + 1];
            if (ch === "\r") {
              if (next === "\n") {
                i += 1;
                ch = "\n";
                next = this.buffer[i + 1];
              } else
                end = i;
            }
            if (next === "#" || inFlow && flowIndicatorChars.has(next))
              break;
            if (ch === "\n") {
              const cs = this.continueScalar(i + 1);
              if (cs === -1)
                break;
              i = Math.max(i, cs - 2);
            }
          } else {
            if (inFlow && flowIndicatorChars.has(ch))
              break;
            end = i;
          }
        }
        if (!ch && !this.atEnd)
          return this.setNext("plain-scalar");
        yield cst.SCALAR;
        yield* this.pushToIndex(end + 1, true);
        return inFlow ? "flow" : "doc";
      }
      *pushCount(n2) {
        if (n2 > 0) {
          yield this.buffer.substr(this.pos, n2);
          this.pos += n2;
          return n2;
        }
        return 0;
      }
      *pushToIndex(i, allowEmpty) {
        const s = this.buffer.slice(this.pos, i);
        if (s) {
          yield s;
          this.pos += s.length;
          return s.length;
        } else if (allowEmpty)
          yield "";
        return 0;
      }
      *pushIndicators() {
        let n2 = 0;
        loop: while (true) {
          switch (this.charAt(0)) {
            case "!":
              n2 += yield* this.pushTag();
              n2 += yield* this.pushSpaces(true);
              continue loop;
            case "&":
              n2 += yield* this.pushUntil(isNotAnchorChar);
              n2 += yield* this.pushSpaces(true);
              continue loop;
            case "-":
            // this is an error
            case "?":
            // this is an error outside flow collections
            case ":": {
              const inFlow = this.flowLevel > 0;
              const ch1 = this.charAt(1);
              if (isEmpty(ch1) || inFlow && flowIndicatorChars.has(ch1)) {
                if (!inFlow)
                  this.indentNext = this.indentValue + 1;
                else if (this.flowKey)
                  this.flowKey = false;
                n2 += yield* this.pushCount(1);
                n2 += yield* this.pushSpaces(true);
                continue loop;
              }
            }
          }
          break loop;
        }
        return n2;
      }
      *pushTag() {
        if (this.charAt(1) === "<") {
          let i = this.pos + 2;
          let ch = this.buffer[i];
          while (!isEmpty(ch) && ch !== ">")
            ch = this.buffer[++i];
          return yield* this.pushToIndex(ch === ">" ? i + 1 : i, false);
        } else {
          let i = this.pos + 1;
          let ch = this.buffer[i];
          while (ch) {
            if (tagChars.has(ch))
              ch = this.buffer[++i];
            else if (ch === "%" && hexDigits.has(this.buffer[i + 1]) && hexDigits.has(this.buffer[i + 2])) {
              ch = this.buffer[i += 3];
            } else
              break;
          }
          return yield* this.pushToIndex(i, false);
        }
      }
      *pushNewline() {
        const ch = this.buffer[this.pos];
        if (ch === "\n")
          return yield* this.pushCount(1);
        else if (ch === "\r" && this.charAt(1) === "\n")
          return yield* this.pushCount(2);
        else
          return 0;
      }
      *pushSpaces(allowTabs) {
        let i = this.pos - 1;
        let ch;
        do {
          ch = this.buffer[++i];
        } while (ch === " " || allowTabs && ch === "	");
        const n2 = i - this.pos;
        if (n2 > 0) {
          yield this.buffer.substr(this.pos, n2);
          this.pos = i;
        }
        return n2;
      }
      *pushUntil(test) {
        let i = this.pos;
        let ch = this.buffer[i];
        while (!test(ch))
          ch = this.buffer[++i];
        return yield* this.pushToIndex(i, false);
      }
    };
    exports.Lexer = Lexer;
  }
});

// node_modules/yaml/dist/parse/line-counter.js
var require_line_counter = __commonJS({
  "node_modules/yaml/dist/parse/line-counter.js"(exports) {
    "use strict";
    var LineCounter2 = class {
      constructor() {
        this.lineStarts = [];
        this.addNewLine = (offset) => this.lineStarts.push(offset);
        this.linePos = (offset) => {
          let low = 0;
          let high = this.lineStarts.length;
          while (low < high) {
            const mid = low + high >> 1;
            if (this.lineStarts[mid] < offset)
              low = mid + 1;
            else
              high = mid;
          }
          if (this.lineStarts[low] === offset)
            return { line: low + 1, col: 1 };
          if (low === 0)
            return { line: 0, col: offset };
          const start = this.lineStarts[low - 1];
          return { line: low, col: offset - start + 1 };
        };
      }
    };
    exports.LineCounter = LineCounter2;
  }
});

// node_modules/yaml/dist/parse/parser.js
var require_parser = __commonJS({
  "node_modules/yaml/dist/parse/parser.js"(exports) {
    "use strict";
    var node_process = __require("process");
    var cst = require_cst();
    var lexer = require_lexer();
    function includesToken(list2, type) {
      for (let i = 0; i < list2.length; ++i)
        if (list2[i].type === type)
          return true;
      return false;
    }
    function findNonEmptyIndex(list2) {
      for (let i = 0; i < list2.length; ++i) {
        switch (list2[i].type) {
          case "space":
          case "comment":
          case "newline":
            break;
          default:
            return i;
        }
      }
      return -1;
    }
    function isFlowToken(token) {
      switch (token?.type) {
        case "alias":
        case "scalar":
        case "single-quoted-scalar":
        case "double-quoted-scalar":
        case "flow-collection":
          return true;
        default:
          return false;
      }
    }
    function getPrevProps(parent) {
      switch (parent.type) {
        case "document":
          return parent.start;
        case "block-map": {
          const it = parent.items[parent.items.length - 1];
          return it.sep ?? it.start;
        }
        case "block-seq":
          return parent.items[parent.items.length - 1].start;
        /* istanbul ignore next should not happen */
        default:
          return [];
      }
    }
    function getFirstKeyStartProps(prev) {
      if (prev.length === 0)
        return [];
      let i = prev.length;
      loop: while (--i >= 0) {
        switch (prev[i].type) {
          case "doc-start":
          case "explicit-key-ind":
          case "map-value-ind":
          case "seq-item-ind":
          case "newline":
            break loop;
        }
      }
      while (prev[++i]?.type === "space") {
      }
      return prev.splice(i, prev.length);
    }
    function arrayPushArray(target, source) {
      if (source.length < 1e5)
        Array.prototype.push.apply(target, source);
      else
        for (let i = 0; i < source.length; ++i)
          target.push(source[i]);
    }
    function fixFlowSeqItems(fc) {
      if (fc.start.type === "flow-seq-start") {
        for (const it of fc.items) {
          if (it.sep && !it.value && !includesToken(it.start, "explicit-key-ind") && !includesToken(it.sep, "map-value-ind")) {
            if (it.key)
              it.value = it.key;
            delete it.key;
            if (isFlowToken(it.value)) {
              if (it.value.end)
                arrayPushArray(it.value.end, it.sep);
              else
                it.value.end = it.sep;
            } else
              arrayPushArray(it.start, it.sep);
            delete it.sep;
          }
        }
      }
    }
    var Parser = class {
      /**
       * @param onNewLine - If defined, called separately with the start position of
       *   each new line (in `parse()`, including the start of input).
       */
      constructor(onNewLine) {
        this.atNewLine = true;
        this.atScalar = false;
        this.indent = 0;
        this.offset = 0;
        this.onKeyLine = false;
        this.stack = [];
        this.source = "";
        this.type = "";
        this.lexer = new lexer.Lexer();
        this.onNewLine = onNewLine;
      }
      /**
       * Parse `source` as a YAML stream.
       * If `incomplete`, a part of the last line may be left as a buffer for the next call.
       *
       * Errors are not thrown, but yielded as `{ type: 'error', message }` tokens.
       *
       * @returns A generator of tokens representing each directive, document, and other structure.
       */
      *parse(source, incomplete = false) {
        if (this.onNewLine && this.offset === 0)
          this.onNewLine(0);
        for (const lexeme of this.lexer.lex(source, incomplete))
          yield* this.next(lexeme);
        if (!incomplete)
          yield* this.end();
      }
      /**
       * Advance the parser by the `source` of one lexical token.
       */
      *next(source) {
        this.source = source;
        if (node_process.env.LOG_TOKENS)
          console.log("|", cst.prettyToken(source));
        if (this.atScalar) {
          this.atScalar = false;
          yield* this.step();
          this.offset += source.length;
          return;
        }
        const type = cst.tokenType(source);
        if (!type) {
          const message = `Not a YAML token: ${source}`;
          yield* this.pop({ type: "error", offset: this.offset, message, source });
          this.offset += source.length;
        } else if (type === "scalar") {
          this.atNewLine = false;
          this.atScalar = true;
          this.type = "scalar";
        } else {
          this.type = type;
          yield* this.step();
          switch (type) {
            case "newline":
              this.atNewLine = true;
              this.indent = 0;
              if (this.onNewLine)
                this.onNewLine(this.offset + source.length);
              break;
            case "space":
              if (this.atNewLine && source[0] === " ")
                this.indent += source.length;
              break;
            case "explicit-key-ind":
            case "map-value-ind":
            case "seq-item-ind":
              if (this.atNewLine)
                this.indent += source.length;
              break;
            case "doc-mode":
            case "flow-error-end":
              return;
            default:
              this.atNewLine = false;
          }
          this.offset += source.length;
        }
      }
      /** Call at end of input to push out any remaining constructions */
      *end() {
        while (this.stack.length > 0)
          yield* this.pop();
      }
      get sourceToken() {
        const st = {
          type: this.type,
          offset: this.offset,
          indent: this.indent,
          source: this.source
        };
        return st;
      }
      *step() {
        const top = this.peek(1);
        if (this.type === "doc-end" && top?.type !== "doc-end") {
          while (this.stack.length > 0)
            yield* this.pop();
          this.stack.push({
            type: "doc-end",
            offset: this.offset,
            source: this.source
          });
          return;
        }
        if (!top)
          return yield* this.stream();
        switch (top.type) {
          case "document":
            return yield* this.document(top);
          case "alias":
          case "scalar":
          case "single-quoted-scalar":
          case "double-quoted-scalar":
            return yield* this.scalar(top);
          case "block-scalar":
            return yield* this.blockScalar(top);
          case "block-map":
            return yield* this.blockMap(top);
          case "block-seq":
            return yield* this.blockSequence(top);
          case "flow-collection":
            return yield* this.flowCollection(top);
          case "doc-end":
            return yield* this.documentEnd(top);
        }
        yield* this.pop();
      }
      peek(n2) {
        return this.stack[this.stack.length - n2];
      }
      *pop(error) {
        const token = error ?? this.stack.pop();
        if (!token) {
          const message = "Tried to pop an empty stack";
          yield { type: "error", offset: this.offset, source: "", message };
        } else if (this.stack.length === 0) {
          yield token;
        } else {
          const top = this.peek(1);
          if (token.type === "block-scalar") {
            token.indent = "indent" in top ? top.indent : 0;
          } else if (token.type === "flow-collection" && top.type === "document") {
            token.indent = 0;
          }
          if (token.type === "flow-collection")
            fixFlowSeqItems(token);
          switch (top.type) {
            case "document":
              top.value = token;
              break;
            case "block-scalar":
              top.props.push(token);
              break;
            case "block-map": {
              const it = top.items[top.items.length - 1];
              if (it.value) {
                top.items.push({ start: [], key: token, sep: [] });
                this.onKeyLine = true;
                return;
              } else if (it.sep) {
                it.value = token;
              } else {
                Object.assign(it, { key: token, sep: [] });
                this.onKeyLine = !it.explicitKey;
                return;
              }
              break;
            }
            case "block-seq": {
              const it = top.items[top.items.length - 1];
              if (it.value)
                top.items.push({ start: [], value: token });
              else
                it.value = token;
              break;
            }
            case "flow-collection": {
              const it = top.items[top.items.length - 1];
              if (!it || it.value)
                top.items.push({ start: [], key: token, sep: [] });
              else if (it.sep)
                it.value = token;
              else
                Object.assign(it, { key: token, sep: [] });
              return;
            }
            /* istanbul ignore next should not happen */
            default:
              yield* this.pop();
              yield* this.pop(token);
          }
          if ((top.type === "document" || top.type === "block-map" || top.type === "block-seq") && (token.type === "block-map" || token.type === "block-seq")) {
            const last = token.items[token.items.length - 1];
            if (last && !last.sep && !last.value && last.start.length > 0 && findNonEmptyIndex(last.start) === -1 && (token.indent === 0 || last.start.every((st) => st.type !== "comment" || st.indent < token.indent))) {
              if (top.type === "document")
                top.end = last.start;
              else
                top.items.push({ start: last.start });
              token.items.splice(-1, 1);
            }
          }
        }
      }
      *stream() {
        switch (this.type) {
          case "directive-line":
            yield { type: "directive", offset: this.offset, source: this.source };
            return;
          case "byte-order-mark":
          case "space":
          case "comment":
          case "newline":
            yield this.sourceToken;
            return;
          case "doc-mode":
          case "doc-start": {
            const doc = {
              type: "document",
              offset: this.offset,
              start: []
            };
            if (this.type === "doc-start")
              doc.start.push(this.sourceToken);
            this.stack.push(doc);
            return;
          }
        }
        yield {
          type: "error",
          offset: this.offset,
          message: `Unexpected ${this.type} token in YAML stream`,
          source: this.source
        };
      }
      *document(doc) {
        if (doc.value)
          return yield* this.lineEnd(doc);
        switch (this.type) {
          case "doc-start": {
            if (findNonEmptyIndex(doc.start) !== -1) {
              yield* this.pop();
              yield* this.step();
            } else
              doc.start.push(this.sourceToken);
            return;
          }
          case "anchor":
          case "tag":
          case "space":
          case "comment":
          case "newline":
            doc.start.push(this.sourceToken);
            return;
        }
        const bv = this.startBlockValue(doc);
        if (bv)
          this.stack.push(bv);
        else {
          yield {
            type: "error",
            offset: this.offset,
            message: `Unexpected ${this.type} token in YAML document`,
            source: this.source
          };
        }
      }
      *scalar(scalar) {
        if (this.type === "map-value-ind") {
          const prev = getPrevProps(this.peek(2));
          const start = getFirstKeyStartProps(prev);
          let sep;
          if (scalar.end) {
            sep = scalar.end;
            sep.push(this.sourceToken);
            delete scalar.end;
          } else
            sep = [this.sourceToken];
          const map = {
            type: "block-map",
            offset: scalar.offset,
            indent: scalar.indent,
            items: [{ start, key: scalar, sep }]
          };
          this.onKeyLine = true;
          this.stack[this.stack.length - 1] = map;
        } else
          yield* this.lineEnd(scalar);
      }
      *blockScalar(scalar) {
        switch (this.type) {
          case "space":
          case "comment":
          case "newline":
            scalar.props.push(this.sourceToken);
            return;
          case "scalar":
            scalar.source = this.source;
            this.atNewLine = true;
            this.indent = 0;
            if (this.onNewLine) {
              let nl = this.source.indexOf("\n") + 1;
              while (nl !== 0) {
                this.onNewLine(this.offset + nl);
                nl = this.source.indexOf("\n", nl) + 1;
              }
            }
            yield* this.pop();
            break;
          /* istanbul ignore next should not happen */
          default:
            yield* this.pop();
            yield* this.step();
        }
      }
      *blockMap(map) {
        const it = map.items[map.items.length - 1];
        switch (this.type) {
          case "newline":
            this.onKeyLine = false;
            if (it.value) {
              const end = "end" in it.value ? it.value.end : void 0;
              const last = Array.isArray(end) ? end[end.length - 1] : void 0;
              if (last?.type === "comment")
                end?.push(this.sourceToken);
              else
                map.items.push({ start: [this.sourceToken] });
            } else if (it.sep) {
              it.sep.push(this.sourceToken);
            } else {
              it.start.push(this.sourceToken);
            }
            return;
          case "space":
          case "comment":
            if (it.value) {
              map.items.push({ start: [this.sourceToken] });
            } else if (it.sep) {
              it.sep.push(this.sourceToken);
            } else {
              if (this.atIndentedComment(it.start, map.indent)) {
                const prev = map.items[map.items.length - 2];
                const end = prev?.value?.end;
                if (Array.isArray(end)) {
                  arrayPushArray(end, it.start);
                  end.push(this.sourceToken);
                  map.items.pop();
                  return;
                }
              }
              it.start.push(this.sourceToken);
            }
            return;
        }
        if (this.indent >= map.indent) {
          const atMapIndent = !this.onKeyLine && this.indent === map.indent;
          const atNextItem = atMapIndent && (it.sep || it.explicitKey) && this.type !== "seq-item-ind";
          let start = [];
          if (atNextItem && it.sep && !it.value) {
            const nl = [];
            for (let i = 0; i < it.sep.length; ++i) {
              const st = it.sep[i];
              switch (st.type) {
                case "newline":
                  nl.push(i);
                  break;
                case "space":
                  break;
                case "comment":
                  if (st.indent > map.indent)
                    nl.length = 0;
                  break;
                default:
                  nl.length = 0;
              }
            }
            if (nl.length >= 2)
              start = it.sep.splice(nl[1]);
          }
          switch (this.type) {
            case "anchor":
            case "tag":
              if (atNextItem || it.value) {
                start.push(this.sourceToken);
                map.items.push({ start });
                this.onKeyLine = true;
              } else if (it.sep) {
                it.sep.push(this.sourceToken);
              } else {
                it.start.push(this.sourceToken);
              }
              return;
            case "explicit-key-ind":
              if (!it.sep && !it.explicitKey) {
                it.start.push(this.sourceToken);
                it.explicitKey = true;
              } else if (atNextItem || it.value) {
                start.push(this.sourceToken);
                map.items.push({ start, explicitKey: true });
              } else {
                this.stack.push({
                  type: "block-map",
                  offset: this.offset,
                  indent: this.indent,
                  items: [{ start: [this.sourceToken], explicitKey: true }]
                });
              }
              this.onKeyLine = true;
              return;
            case "map-value-ind":
              if (it.explicitKey) {
                if (!it.sep) {
                  if (includesToken(it.start, "newline")) {
                    Object.assign(it, { key: null, sep: [this.sourceToken] });
                  } else {
                    const start2 = getFirstKeyStartProps(it.start);
                    this.stack.push({
                      type: "block-map",
                      offset: this.offset,
                      indent: this.indent,
                      items: [{ start: start2, key: null, sep: [this.sourceToken] }]
                    });
                  }
                } else if (it.value) {
                  map.items.push({ start: [], key: null, sep: [this.sourceToken] });
                } else if (includesToken(it.sep, "map-value-ind")) {
                  this.stack.push({
                    type: "block-map",
                    offset: this.offset,
                    indent: this.indent,
                    items: [{ start, key: null, sep: [this.sourceToken] }]
                  });
                } else if (isFlowToken(it.key) && !includesToken(it.sep, "newline")) {
                  const start2 = getFirstKeyStartProps(it.start);
                  const key = it.key;
                  const sep = it.sep;
                  sep.push(this.sourceToken);
                  delete it.key;
                  delete it.sep;
                  this.stack.push({
                    type: "block-map",
                    offset: this.offset,
                    indent: this.indent,
                    items: [{ start: start2, key, sep }]
                  });
                } else if (start.length > 0) {
                  it.sep = it.sep.concat(start, this.sourceToken);
                } else {
                  it.sep.push(this.sourceToken);
                }
              } else {
                if (!it.sep) {
                  Object.assign(it, { key: null, sep: [this.sourceToken] });
                } else if (it.value || atNextItem) {
                  map.items.push({ start, key: null, sep: [this.sourceToken] });
                } else if (includesToken(it.sep, "map-value-ind")) {
                  this.stack.push({
                    type: "block-map",
                    offset: this.offset,
                    indent: this.indent,
                    items: [{ start: [], key: null, sep: [this.sourceToken] }]
                  });
                } else {
                  it.sep.push(this.sourceToken);
                }
              }
              this.onKeyLine = true;
              return;
            case "alias":
            case "scalar":
            case "single-quoted-scalar":
            case "double-quoted-scalar": {
              const fs = this.flowScalar(this.type);
              if (atNextItem || it.value) {
                map.items.push({ start, key: fs, sep: [] });
                this.onKeyLine = true;
              } else if (it.sep) {
                this.stack.push(fs);
              } else {
                Object.assign(it, { key: fs, sep: [] });
                this.onKeyLine = true;
              }
              return;
            }
            default: {
              const bv = this.startBlockValue(map);
              if (bv) {
                if (bv.type === "block-seq") {
                  if (!it.explicitKey && it.sep && !includesToken(it.sep, "newline")) {
                    yield* this.pop({
                      type: "error",
                      offset: this.offset,
                      message: "Unexpected block-seq-ind on same line with key",
                      source: this.source
                    });
                    return;
                  }
                } else if (atMapIndent) {
                  map.items.push({ start });
                }
                this.stack.push(bv);
                return;
              }
            }
          }
        }
        yield* this.pop();
        yield* this.step();
      }
      *blockSequence(seq) {
        const it = seq.items[seq.items.length - 1];
        switch (this.type) {
          case "newline":
            if (it.value) {
              const end = "end" in it.value ? it.value.end : void 0;
              const last = Array.isArray(end) ? end[end.length - 1] : void 0;
              if (last?.type === "comment")
                end?.push(this.sourceToken);
              else
                seq.items.push({ start: [this.sourceToken] });
            } else
              it.start.push(this.sourceToken);
            return;
          case "space":
          case "comment":
            if (it.value)
              seq.items.push({ start: [this.sourceToken] });
            else {
              if (this.atIndentedComment(it.start, seq.indent)) {
                const prev = seq.items[seq.items.length - 2];
                const end = prev?.value?.end;
                if (Array.isArray(end)) {
                  arrayPushArray(end, it.start);
                  end.push(this.sourceToken);
                  seq.items.pop();
                  return;
                }
              }
              it.start.push(this.sourceToken);
            }
            return;
          case "anchor":
          case "tag":
            if (it.value || this.indent <= seq.indent)
              break;
            it.start.push(this.sourceToken);
            return;
          case "seq-item-ind":
            if (this.indent !== seq.indent)
              break;
            if (it.value || includesToken(it.start, "seq-item-ind"))
              seq.items.push({ start: [this.sourceToken] });
            else
              it.start.push(this.sourceToken);
            return;
        }
        if (this.indent > seq.indent) {
          const bv = this.startBlockValue(seq);
          if (bv) {
            this.stack.push(bv);
            return;
          }
        }
        yield* this.pop();
        yield* this.step();
      }
      *flowCollection(fc) {
        const it = fc.items[fc.items.length - 1];
        if (this.type === "flow-error-end") {
          let top;
          do {
            yield* this.pop();
            top = this.peek(1);
          } while (top?.type === "flow-collection");
        } else if (fc.end.length === 0) {
          switch (this.type) {
            case "comma":
            case "explicit-key-ind":
              if (!it || it.sep)
                fc.items.push({ start: [this.sourceToken] });
              else
                it.start.push(this.sourceToken);
              return;
            case "map-value-ind":
              if (!it || it.value)
                fc.items.push({ start: [], key: null, sep: [this.sourceToken] });
              else if (it.sep)
                it.sep.push(this.sourceToken);
              else
                Object.assign(it, { key: null, sep: [this.sourceToken] });
              return;
            case "space":
            case "comment":
            case "newline":
            case "anchor":
            case "tag":
              if (!it || it.value)
                fc.items.push({ start: [this.sourceToken] });
              else if (it.sep)
                it.sep.push(this.sourceToken);
              else
                it.start.push(this.sourceToken);
              return;
            case "alias":
            case "scalar":
            case "single-quoted-scalar":
            case "double-quoted-scalar": {
              const fs = this.flowScalar(this.type);
              if (!it || it.value)
                fc.items.push({ start: [], key: fs, sep: [] });
              else if (it.sep)
                this.stack.push(fs);
              else
                Object.assign(it, { key: fs, sep: [] });
              return;
            }
            case "flow-map-end":
            case "flow-seq-end":
              fc.end.push(this.sourceToken);
              return;
          }
          const bv = this.startBlockValue(fc);
          if (bv)
            this.stack.push(bv);
          else {
            yield* this.pop();
            yield* this.step();
          }
        } else {
          const parent = this.peek(2);
          if (parent.type === "block-map" && (this.type === "map-value-ind" && parent.indent === fc.indent || this.type === "newline" && !parent.items[parent.items.length - 1].sep)) {
            yield* this.pop();
            yield* this.step();
          } else if (this.type === "map-value-ind" && parent.type !== "flow-collection") {
            const prev = getPrevProps(parent);
            const start = getFirstKeyStartProps(prev);
            fixFlowSeqItems(fc);
            const sep = fc.end.splice(1, fc.end.length);
            sep.push(this.sourceToken);
            const map = {
              type: "block-map",
              offset: fc.offset,
              indent: fc.indent,
              items: [{ start, key: fc, sep }]
            };
            this.onKeyLine = true;
            this.stack[this.stack.length - 1] = map;
          } else {
            yield* this.lineEnd(fc);
          }
        }
      }
      flowScalar(type) {
        if (this.onNewLine) {
          let nl = this.source.indexOf("\n") + 1;
          while (nl !== 0) {
            this.onNewLine(this.offset + nl);
            nl = this.source.indexOf("\n", nl) + 1;
          }
        }
        return {
          type,
          offset: this.offset,
          indent: this.indent,
          source: this.source
        };
      }
      startBlockValue(parent) {
        switch (this.type) {
          case "alias":
          case "scalar":
          case "single-quoted-scalar":
          case "double-quoted-scalar":
            return this.flowScalar(this.type);
          case "block-scalar-header":
            return {
              type: "block-scalar",
              offset: this.offset,
              indent: this.indent,
              props: [this.sourceToken],
              source: ""
            };
          case "flow-map-start":
          case "flow-seq-start":
            return {
              type: "flow-collection",
              offset: this.offset,
              indent: this.indent,
              start: this.sourceToken,
              items: [],
              end: []
            };
          case "seq-item-ind":
            return {
              type: "block-seq",
              offset: this.offset,
              indent: this.indent,
              items: [{ start: [this.sourceToken] }]
            };
          case "explicit-key-ind": {
            this.onKeyLine = true;
            const prev = getPrevProps(parent);
            const start = getFirstKeyStartProps(prev);
            start.push(this.sourceToken);
            return {
              type: "block-map",
              offset: this.offset,
              indent: this.indent,
              items: [{ start, explicitKey: true }]
            };
          }
          case "map-value-ind": {
            this.onKeyLine = true;
            const prev = getPrevProps(parent);
            const start = getFirstKeyStartProps(prev);
            return {
              type: "block-map",
              offset: this.offset,
              indent: this.indent,
              items: [{ start, key: null, sep: [this.sourceToken] }]
            };
          }
        }
        return null;
      }
      atIndentedComment(start, indent) {
        if (this.type !== "comment")
          return false;
        if (this.indent <= indent)
          return false;
        return start.every((st) => st.type === "newline" || st.type === "space");
      }
      *documentEnd(docEnd) {
        if (this.type !== "doc-mode") {
          if (docEnd.end)
            docEnd.end.push(this.sourceToken);
          else
            docEnd.end = [this.sourceToken];
          if (this.type === "newline")
            yield* this.pop();
        }
      }
      *lineEnd(token) {
        switch (this.type) {
          case "comma":
          case "doc-start":
          case "doc-end":
          case "flow-seq-end":
          case "flow-map-end":
          case "map-value-ind":
            yield* this.pop();
            yield* this.step();
            break;
          case "newline":
            this.onKeyLine = false;
          // fallthrough
          case "space":
          case "comment":
          default:
            if (token.end)
              token.end.push(this.sourceToken);
            else
              token.end = [this.sourceToken];
            if (this.type === "newline")
              yield* this.pop();
        }
      }
    };
    exports.Parser = Parser;
  }
});

// node_modules/yaml/dist/public-api.js
var require_public_api = __commonJS({
  "node_modules/yaml/dist/public-api.js"(exports) {
    "use strict";
    var composer = require_composer();
    var Document = require_Document();
    var errors = require_errors2();
    var log = require_log();
    var identity = require_identity();
    var lineCounter = require_line_counter();
    var parser = require_parser();
    function parseOptions(options) {
      const prettyErrors = options.prettyErrors !== false;
      const lineCounter$1 = options.lineCounter || prettyErrors && new lineCounter.LineCounter() || null;
      return { lineCounter: lineCounter$1, prettyErrors };
    }
    function parseAllDocuments(source, options = {}) {
      const { lineCounter: lineCounter2, prettyErrors } = parseOptions(options);
      const parser$1 = new parser.Parser(lineCounter2?.addNewLine);
      const composer$1 = new composer.Composer(options);
      const docs = Array.from(composer$1.compose(parser$1.parse(source)));
      if (prettyErrors && lineCounter2)
        for (const doc of docs) {
          doc.errors.forEach(errors.prettifyError(source, lineCounter2));
          doc.warnings.forEach(errors.prettifyError(source, lineCounter2));
        }
      if (docs.length > 0)
        return docs;
      return Object.assign([], { empty: true }, composer$1.streamInfo());
    }
    function parseDocument2(source, options = {}) {
      const { lineCounter: lineCounter2, prettyErrors } = parseOptions(options);
      const parser$1 = new parser.Parser(lineCounter2?.addNewLine);
      const composer$1 = new composer.Composer(options);
      let doc = null;
      for (const _doc of composer$1.compose(parser$1.parse(source), true, source.length)) {
        if (!doc)
          doc = _doc;
        else if (doc.options.logLevel !== "silent") {
          doc.errors.push(new errors.YAMLParseError(_doc.range.slice(0, 2), "MULTIPLE_DOCS", "Source contains multiple documents; please use YAML.parseAllDocuments()"));
          break;
        }
      }
      if (prettyErrors && lineCounter2) {
        doc.errors.forEach(errors.prettifyError(source, lineCounter2));
        doc.warnings.forEach(errors.prettifyError(source, lineCounter2));
      }
      return doc;
    }
    function parse4(src, reviver, options) {
      let _reviver = void 0;
      if (typeof reviver === "function") {
        _reviver = reviver;
      } else if (options === void 0 && reviver && typeof reviver === "object") {
        options = reviver;
      }
      const doc = parseDocument2(src, options);
      if (!doc)
        return null;
      doc.warnings.forEach((warning) => log.warn(doc.options.logLevel, warning));
      if (doc.errors.length > 0) {
        if (doc.options.logLevel !== "silent")
          throw doc.errors[0];
        else
          doc.errors = [];
      }
      return doc.toJS(Object.assign({ reviver: _reviver }, options));
    }
    function stringify(value2, replacer, options) {
      let _replacer = null;
      if (typeof replacer === "function" || Array.isArray(replacer)) {
        _replacer = replacer;
      } else if (options === void 0 && replacer) {
        options = replacer;
      }
      if (typeof options === "string")
        options = options.length;
      if (typeof options === "number") {
        const indent = Math.round(options);
        options = indent < 1 ? void 0 : indent > 8 ? { indent: 8 } : { indent };
      }
      if (value2 === void 0) {
        const { keepUndefined } = options ?? replacer ?? {};
        if (!keepUndefined)
          return void 0;
      }
      if (identity.isDocument(value2) && !_replacer)
        return value2.toString(options);
      return new Document.Document(value2, _replacer, options).toString(options);
    }
    exports.parse = parse4;
    exports.parseAllDocuments = parseAllDocuments;
    exports.parseDocument = parseDocument2;
    exports.stringify = stringify;
  }
});

// node_modules/yaml/dist/index.js
var require_dist = __commonJS({
  "node_modules/yaml/dist/index.js"(exports) {
    "use strict";
    var composer = require_composer();
    var Document = require_Document();
    var Schema = require_Schema();
    var errors = require_errors2();
    var Alias = require_Alias();
    var identity = require_identity();
    var Pair = require_Pair();
    var Scalar = require_Scalar();
    var YAMLMap = require_YAMLMap();
    var YAMLSeq = require_YAMLSeq();
    var cst = require_cst();
    var lexer = require_lexer();
    var lineCounter = require_line_counter();
    var parser = require_parser();
    var publicApi = require_public_api();
    var visit = require_visit();
    exports.Composer = composer.Composer;
    exports.Document = Document.Document;
    exports.Schema = Schema.Schema;
    exports.YAMLError = errors.YAMLError;
    exports.YAMLParseError = errors.YAMLParseError;
    exports.YAMLWarning = errors.YAMLWarning;
    exports.Alias = Alias.Alias;
    exports.isAlias = identity.isAlias;
    exports.isCollection = identity.isCollection;
    exports.isDocument = identity.isDocument;
    exports.isMap = identity.isMap;
    exports.isNode = identity.isNode;
    exports.isPair = identity.isPair;
    exports.isScalar = identity.isScalar;
    exports.isSeq = identity.isSeq;
    exports.Pair = Pair.Pair;
    exports.Scalar = Scalar.Scalar;
    exports.YAMLMap = YAMLMap.YAMLMap;
    exports.YAMLSeq = YAMLSeq.YAMLSeq;
    exports.CST = cst;
    exports.Lexer = lexer.Lexer;
    exports.LineCounter = lineCounter.LineCounter;
    exports.Parser = parser.Parser;
    exports.parse = publicApi.parse;
    exports.parseAllDocuments = publicApi.parseAllDocuments;
    exports.parseDocument = publicApi.parseDocument;
    exports.stringify = publicApi.stringify;
    exports.visit = visit.visit;
    exports.visitAsync = visit.visitAsync;
  }
});

// src/policy/secret-kinds.ts
function secretKindsFromPath(path) {
  const base = path.slice(path.lastIndexOf("/") + 1);
  if (SSH_KEY_FILE.test(base)) return ["ssh-private-key-file"];
  if ((base === ".env" || base.startsWith(".env.")) && !DOTENV_TEMPLATE.test(base)) return ["dotenv-file"];
  if (base === ".pypirc") return ["pypirc-file"];
  if (base === ".git-credentials") return ["git-credentials-file"];
  if (base === ".netrc") return ["netrc-file"];
  return [];
}
var CONTENT_SECRET_KINDS, NAME_SECRET_KINDS, SECRET_KINDS, SSH_KEY_FILE, DOTENV_TEMPLATE;
var init_secret_kinds = __esm({
  "src/policy/secret-kinds.ts"() {
    "use strict";
    CONTENT_SECRET_KINDS = [
      "private-key",
      "aws-access-key",
      "aws-secret-key",
      "gcp-service-account",
      "github-token",
      "slack-token",
      "slack-webhook",
      "npm-token",
      "docker-registry-auth",
      "pypi-password"
    ];
    NAME_SECRET_KINDS = [
      "ssh-private-key-file",
      "dotenv-file",
      "pypirc-file",
      "git-credentials-file",
      "netrc-file"
    ];
    SECRET_KINDS = [...CONTENT_SECRET_KINDS, ...NAME_SECRET_KINDS];
    SSH_KEY_FILE = /^id_(?:rsa|dsa|ecdsa|ed25519|ecdsa_sk|ed25519_sk)$/;
    DOTENV_TEMPLATE = /\.(?:example|sample|template|dist|defaults?|tmpl|schema)$/;
  }
});

// src/policy/values.ts
function parseSize(text) {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]+)?$/i.exec(text.trim());
  const unit = SIZE_UNITS[(m?.[2] ?? "b").toLowerCase()];
  if (m === null || unit === void 0) {
    return {
      ok: false,
      expected: "a size like 512, 10MB or 1.5GiB (units B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)"
    };
  }
  return { ok: true, value: Math.round(Number(m[1]) * unit) };
}
function parseDate(text) {
  const expected = "a date YYYY-MM-DD like 2026-12-31";
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m === null) return { ok: false, expected };
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (date.toISOString().slice(0, 10) !== text) return { ok: false, expected };
  return { ok: true, value: text };
}
function expiryInstant(date) {
  return Date.parse(`${date}T00:00:00Z`) + 24 * 3600 * 1e3;
}
function parseGlob(text) {
  if (text.trim() === "") return { ok: false, expected: "a non-empty glob" };
  try {
    import_picomatch5.default.makeRe(text, { strictBrackets: true, dot: true });
    return { ok: true, value: text };
  } catch (err2) {
    const m = /Missing (opening|closing): "(.)"/.exec(err2 instanceof Error ? err2.message : "");
    const why = m ? `missing ${m[1]} "${m[2]}"` : "not a valid glob";
    return { ok: false, expected: `a valid glob (${why}; escape literal brackets with \\)` };
  }
}
function parseVersionConstraint(text) {
  const constraint = { text };
  const range = import_semver5.default.validRange(text);
  if (range !== null) constraint.semverRange = text;
  const clauses = [];
  for (const part of text.split(",")) {
    const m = CLAUSE.exec(part.trim());
    if (m === null) {
      clauses.length = 0;
      break;
    }
    const op = m[1] === "==" || m[1] === void 0 ? "=" : m[1];
    clauses.push({ op, version: m[2] });
  }
  if (clauses.length > 0) constraint.clauses = clauses;
  return constraint.semverRange === void 0 && constraint.clauses === void 0 ? void 0 : constraint;
}
function clauseHolds(op, order) {
  switch (op) {
    case "<":
      return order < 0;
    case "<=":
      return order <= 0;
    case ">":
      return order > 0;
    case ">=":
      return order >= 0;
    case "=":
      return order === 0;
    case "!=":
      return order !== 0;
  }
}
function closestName(word, candidates) {
  let best;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = candidate.toLowerCase() === word.toLowerCase() ? 0 : editDistance(word, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : void 0;
}
function editDistance(a, b) {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost));
    }
    previous = row;
  }
  return previous[b.length];
}
var import_picomatch5, import_semver5, SIZE_UNITS, CLAUSE;
var init_values = __esm({
  "src/policy/values.ts"() {
    "use strict";
    import_picomatch5 = __toESM(require_picomatch2(), 1);
    import_semver5 = __toESM(require_semver2(), 1);
    SIZE_UNITS = {
      b: 1,
      kb: 1e3,
      mb: 1e6,
      gb: 1e9,
      tb: 1e12,
      kib: 1024,
      mib: 1024 ** 2,
      gib: 1024 ** 3,
      tib: 1024 ** 4
    };
    CLAUSE = /^(<=|>=|!=|==|=|<|>)?\s*([A-Za-z0-9][^\s<>=!,]*)$/;
  }
});

// src/policy/yaml-reader.ts
function policyError(source, at, message) {
  return new ImageChangelogError("POLICY_INVALID", `${at}: ${message}`, { subject: source });
}
function got(node) {
  if (node === null) return " (got nothing)";
  if ((0, import_yaml.isScalar)(node)) {
    if (node.value === null) return " (got nothing)";
    const value2 = node.value;
    if (typeof value2 === "string") return ` (got ${JSON.stringify(value2)})`;
    if (typeof value2 === "number" || typeof value2 === "boolean") return ` (got ${String(value2)})`;
    return "";
  }
  if ((0, import_yaml.isMap)(node)) return " (got a mapping)";
  if ((0, import_yaml.isSeq)(node)) return " (got a list)";
  return "";
}
var import_yaml, YamlReader;
var init_yaml_reader = __esm({
  "src/policy/yaml-reader.ts"() {
    "use strict";
    import_yaml = __toESM(require_dist(), 1);
    init_errors();
    init_values();
    YamlReader = class {
      constructor(source, doc, lines) {
        this.source = source;
        this.doc = doc;
        this.lines = lines;
      }
      source;
      doc;
      lines;
      /** `FILE:LINE:COL` of a node (its first character), or of the document start. */
      at(node) {
        const offset = node?.range?.[0] ?? 0;
        return this.atOffset(offset);
      }
      atOffset(offset) {
        const { line, col } = this.lines.linePos(offset);
        return `${this.source}:${line}:${col}`;
      }
      fail(node, message) {
        throw policyError(this.source, this.at(node), message);
      }
      /** Aliases (`*anchor`) read as the node they point to. */
      resolve(node) {
        return node !== null && (0, import_yaml.isAlias)(node) ? node.resolve(this.doc) ?? null : node;
      }
      /** The entries of a mapping, after checking every key is one of `known`. */
      entries(node, what, known, where = node) {
        const resolved = this.resolve(node);
        if (resolved === null || !(0, import_yaml.isMap)(resolved))
          this.fail(where, `${what} must be a mapping (key: value lines)`);
        return this.mapEntries(resolved, what, known);
      }
      mapEntries(map, what, known) {
        const result = [];
        for (const pair of map.items) {
          const keyNode = this.resolve(pair.key);
          if (keyNode === null || !(0, import_yaml.isScalar)(keyNode) || typeof keyNode.value !== "string") {
            this.fail(keyNode ?? map, `keys in ${what} must be plain names`);
          }
          const key = keyNode.value;
          if (!known.includes(key)) {
            const guess = closestName(key, known);
            const advice = guess !== void 0 ? `did you mean "${guess}"?` : `expected one of: ${known.join(", ")}`;
            this.fail(keyNode, `unknown key "${key}" in ${what}; ${advice}`);
          }
          result.push({ key, keyNode, value: this.resolve(pair.value) });
        }
        return result;
      }
      /** The items of a sequence. */
      items(node, what) {
        const resolved = this.resolve(node);
        if (resolved === null || !(0, import_yaml.isSeq)(resolved)) this.fail(node, `${what} must be a list`);
        return resolved.items.map((item) => this.resolve(item) ?? resolved);
      }
      string(node, what) {
        if (node === null || !(0, import_yaml.isScalar)(node) || typeof node.value !== "string" || node.value === "") {
          this.fail(node, `${what} must be a non-empty string${got(node)}`);
        }
        return node.value;
      }
      boolean(node, what) {
        if (node === null || !(0, import_yaml.isScalar)(node) || typeof node.value !== "boolean") {
          this.fail(node, `${what} must be true or false${got(node)}`);
        }
        return node.value;
      }
      number(node, what, kind) {
        const value2 = node !== null && (0, import_yaml.isScalar)(node) ? node.value : void 0;
        const ok = typeof value2 === "number" && Number.isFinite(value2) && (kind === "whole" ? Number.isInteger(value2) && value2 >= 0 : value2 > 0);
        if (!ok)
          this.fail(
            node,
            `${what} must be ${kind === "whole" ? "a whole number" : "a positive number"}${got(node)}`
          );
        return value2;
      }
      oneOf(node, what, values) {
        const value2 = node !== null && (0, import_yaml.isScalar)(node) ? node.value : void 0;
        if (typeof value2 !== "string" || !values.includes(value2)) {
          const guess = typeof value2 === "string" ? closestName(value2, values) : void 0;
          const hint = guess !== void 0 ? `; did you mean "${guess}"?` : "";
          this.fail(node, `${what} must be one of ${values.join(", ")}${got(node)}${hint}`);
        }
        return value2;
      }
      /** A single value or a list of them. */
      list(node, what, read) {
        if (node !== null && (0, import_yaml.isSeq)(node)) {
          const items2 = this.items(node, what);
          if (items2.length === 0) this.fail(node, `${what} must not be an empty list`);
          return items2.map((item) => read(item, what));
        }
        return [read(node, what)];
      }
      /** A string (or number, for sizes) checked by a value parser. */
      parsed(node, what, parse4) {
        const value2 = node !== null && (0, import_yaml.isScalar)(node) ? node.value : void 0;
        if (typeof value2 !== "string" && typeof value2 !== "number")
          this.fail(node, `${what} must be a string${got(node)}`);
        const result = parse4(String(value2));
        if (!result.ok) this.fail(node, `${what} must be ${result.expected}${got(node)}`);
        return result.value;
      }
    };
  }
});

// src/policy/parse.ts
function readFields(r, node, what, fields) {
  const out = {};
  for (const e of r.entries(node, what, Object.keys(fields))) {
    const key = e.key;
    out[key] = fields[key](r, valueNode(e), `"${e.key}"`);
  }
  return out;
}
function valueNode(e) {
  return e.value ?? e.keyNode;
}
function parsePolicyDocument(text, source) {
  const lines = new import_yaml2.LineCounter();
  const doc = (0, import_yaml2.parseDocument)(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const r = new YamlReader(source, doc, lines);
  const syntax = doc.errors[0];
  if (syntax !== void 0) {
    const what = syntax.code === "DUPLICATE_KEY" ? "this key appears twice in the same mapping" : `YAML syntax error: ${syntax.message}`;
    throw policyError(source, r.atOffset(syntax.pos[0]), what);
  }
  const root = doc.contents;
  if (root === null)
    throw policyError(source, r.atOffset(0), 'the policy is empty; expected a mapping with "rules"');
  const policy = { source, rules: [], allow: [] };
  for (const e of r.entries(root, "the policy", TOP_KEYS)) {
    const value2 = valueNode(e);
    if (e.key === "$schema") r.string(value2, '"$schema"');
    else if (e.key === "extends") {
      policy.extends = r.oneOf(value2, '"extends"', EXTENDABLE);
      policy.extendsAt = r.at(value2);
    } else if (e.key === "rules") policy.rules = r.items(value2, '"rules"').map((n2, i) => readRule(r, n2, i));
    else policy.allow = r.items(value2, '"allow"').map((n2, i) => readAllowance(r, n2, i));
  }
  const seen = /* @__PURE__ */ new Map();
  for (const rule of policy.rules) {
    const first = seen.get(rule.id);
    if (first !== void 0)
      throw policyError(source, rule.idAt, `duplicate rule id "${rule.id}" (first defined at ${first})`);
    seen.set(rule.id, rule.idAt);
  }
  return policy;
}
function readRule(r, node, index) {
  const peek = (0, import_yaml2.isMap)(node) ? node.get("id") : void 0;
  const entries = r.entries(node, typeof peek === "string" ? `rule "${peek}"` : `rules[${index}]`, RULE_KEYS);
  const idEntry = entries.find((e) => e.key === "id");
  if (idEntry === void 0) r.fail(node, `rules[${index}] needs an "id"`);
  const id = r.string(valueNode(idEntry), '"id"');
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id)) {
    r.fail(
      valueNode(idEntry),
      `"id" must be letters, digits, ".", "_" or "-", starting with a letter or digit (got ${JSON.stringify(id)})`
    );
  }
  const rule = { id, definedAt: r.at(node), idAt: r.at(valueNode(idEntry)) };
  const what = `rule "${id}"`;
  for (const e of entries) {
    const value2 = valueNode(e);
    switch (e.key) {
      case "id":
        break;
      case "description":
        rule.description = r.string(value2, '"description"');
        break;
      case "action":
        rule.action = r.oneOf(value2, '"action"', RULE_ACTIONS);
        break;
      case "disable":
        rule.disable = r.boolean(value2, '"disable"');
        break;
      default: {
        const kind = e.key;
        if (rule.subject !== void 0) {
          r.fail(
            e.keyNode,
            `${what} has both "${rule.subject.kind}" and "${kind}"; a rule matches exactly one subject`
          );
        }
        rule.subject = readSubject(r, kind, value2, `"${kind}" of ${what}`);
      }
    }
  }
  return rule;
}
function readSubject(r, kind, node, what) {
  switch (kind) {
    case "packages": {
      const match = readFields(r, node, what, PACKAGE_FIELDS);
      checkPackageMatch(r, node, match);
      return { kind, match };
    }
    case "files": {
      const match = readFields(r, node, what, FILE_FIELDS);
      if (match.minSize !== void 0 && match.maxSize !== void 0 && match.minSize > match.maxSize) {
        r.fail(node, `${what}: "minSize" is larger than "maxSize"`);
      }
      return { kind, match };
    }
    case "secrets":
      return { kind, match: readFields(r, node, what, SECRET_FIELDS) };
    case "image":
      return { kind, match: readFields(r, node, what, IMAGE_FIELDS) };
  }
}
function checkPackageMatch(r, node, match) {
  if (match.present === true && (match.change !== void 0 || match.bump !== void 0)) {
    r.fail(
      node,
      '"present: true" checks the whole new image, so it cannot be combined with "change" or "bump"'
    );
  }
  const version2 = match.version;
  if (version2 === void 0) return;
  const onlyNpm = match.ecosystem !== void 0 && match.ecosystem.every((e) => e === "npm");
  if (!onlyNpm && version2.clauses === void 0) {
    const versionNode = (0, import_yaml2.isMap)(node) ? node.get("version", true) ?? node : node;
    r.fail(
      versionNode,
      `${JSON.stringify(version2.text)} is a semver range, which only npm packages use; add "ecosystem: npm", or write "version" as OP VERSION clauses joined by "," (like ">=1:2.0-1, <2")`
    );
  }
}
function readAllowance(r, node, index) {
  const what = `allow[${index}]`;
  const entries = r.entries(node, what, ALLOW_KEYS);
  const get = (key) => entries.find((e) => e.key === key);
  const ruleEntry = get("rule");
  if (ruleEntry === void 0)
    r.fail(node, `${what} needs "rule" (the id of the rule it makes an exception to)`);
  const reasonEntry = get("reason");
  if (reasonEntry === void 0) r.fail(node, `${what} needs "reason" (why the exception is acceptable)`);
  const allowance = {
    rule: r.string(valueNode(ruleEntry), '"rule"'),
    reason: r.string(valueNode(reasonEntry), '"reason"'),
    definedAt: r.at(node),
    ruleAt: r.at(valueNode(ruleEntry))
  };
  for (const e of entries) {
    const value2 = valueNode(e);
    if (e.key === "expires") allowance.expires = r.parsed(value2, '"expires"', parseDate);
    if (e.key !== "package" && e.key !== "path" && e.key !== "subject") continue;
    if (allowance.selector !== void 0) {
      r.fail(e.keyNode, `${what} has both "${allowance.selector.key}" and "${e.key}"; give one`);
    }
    const glob = r.parsed(value2, `"${e.key}"`, parseGlob);
    allowance[e.key] = e.key === "path" ? glob.replace(/^\/+/, "") : glob;
    allowance.selector = { key: e.key, at: r.at(e.keyNode) };
  }
  return allowance;
}
var import_yaml2, RULE_ACTIONS, ECOSYSTEMS, PACKAGE_CHANGES, FILE_CHANGES, BUMPS, SUBJECT_BLOCKS, EXTENDABLE, bool, globs, oneOrMore, size, PACKAGE_FIELDS, FILE_FIELDS, SECRET_FIELDS, SIZE_GROWTH_FIELDS, IMAGE_FIELDS, RULE_KEYS, ALLOW_KEYS, TOP_KEYS, POLICY_KEYS;
var init_parse = __esm({
  "src/policy/parse.ts"() {
    "use strict";
    import_yaml2 = __toESM(require_dist(), 1);
    init_secret_kinds();
    init_values();
    init_yaml_reader();
    RULE_ACTIONS = ["stop", "warn", "info"];
    ECOSYSTEMS = [
      "dpkg",
      "apk",
      "rpm",
      "npm",
      "python",
      "gem",
      "composer",
      "go",
      "maven"
    ];
    PACKAGE_CHANGES = [
      "added",
      "removed",
      "upgraded",
      "downgraded",
      "rebuilt"
    ];
    FILE_CHANGES = [
      "added",
      "removed",
      "modified",
      "metadata"
    ];
    BUMPS = ["major", "minor", "patch"];
    SUBJECT_BLOCKS = [
      "packages",
      "files",
      "secrets",
      "image"
    ];
    EXTENDABLE = ["recommended"];
    bool = (r, n2, w) => r.boolean(n2, w);
    globs = (leadingSlash) => (r, n2, w) => r.list(n2, w, (item, what) => {
      const glob = r.parsed(item, what, parseGlob);
      return leadingSlash === "strip" ? glob.replace(/^\/+/, "") : glob;
    });
    oneOrMore = (values) => (r, n2, w) => r.list(n2, w, (item, what) => r.oneOf(item, what, values));
    size = (r, n2, w) => r.parsed(n2, w, parseSize);
    PACKAGE_FIELDS = {
      name: globs("keep"),
      ecosystem: oneOrMore(ECOSYSTEMS),
      change: oneOrMore(PACKAGE_CHANGES),
      bump: oneOrMore(BUMPS),
      version: (r, n2, w) => {
        const text = r.string(n2, w);
        const constraint = parseVersionConstraint(text);
        if (constraint === void 0)
          return r.fail(
            n2,
            `${w} must be a version constraint like "<1.2", ">=1:2.0-1, <2" or (npm) "^1.2" (got ${JSON.stringify(text)})`
          );
        return constraint;
      },
      present: bool,
      calendarVersions: bool
    };
    FILE_FIELDS = {
      path: globs("strip"),
      change: oneOrMore(FILE_CHANGES),
      nonPackaged: bool,
      setuid: bool,
      setgid: bool,
      worldWritable: bool,
      executable: bool,
      minSize: size,
      maxSize: size,
      ownerRoot: bool,
      modifiedAfterInstall: bool,
      sizeGrowthFactor: (r, n2, w) => r.number(n2, w, "positive")
    };
    SECRET_FIELDS = {
      kinds: oneOrMore(SECRET_KINDS),
      path: globs("strip"),
      nonPackaged: bool
    };
    SIZE_GROWTH_FIELDS = {
      percent: (r, n2, w) => r.number(n2, w, "positive"),
      bytes: size
    };
    IMAGE_FIELDS = {
      runsAsRoot: bool,
      switchedToRoot: bool,
      newPorts: bool,
      secretEnv: bool,
      sizeGrowth: (r, n2, w) => {
        const growth = readFields(r, n2, `"${w}"`, SIZE_GROWTH_FIELDS);
        if (Object.keys(growth).length === 0) r.fail(n2, `${w} needs "percent", "bytes" or both`);
        return growth;
      },
      maxLayers: (r, n2, w) => r.number(n2, w, "whole"),
      osChanged: bool,
      osVersionDecreased: bool,
      requiredLabels: (r, n2, w) => r.list(n2, w, (item, what) => r.string(item, what))
    };
    RULE_KEYS = ["id", "description", "action", "disable", ...SUBJECT_BLOCKS];
    ALLOW_KEYS = ["rule", "package", "path", "subject", "reason", "expires"];
    TOP_KEYS = ["$schema", "extends", "rules", "allow"];
    POLICY_KEYS = {
      policy: TOP_KEYS,
      rule: RULE_KEYS,
      packages: Object.keys(PACKAGE_FIELDS),
      files: Object.keys(FILE_FIELDS),
      secrets: Object.keys(SECRET_FIELDS),
      image: Object.keys(IMAGE_FIELDS),
      sizeGrowth: Object.keys(SIZE_GROWTH_FIELDS),
      allow: ALLOW_KEYS
    };
  }
});

// src/policy/resolve.ts
function resolvePolicy(parsed, base) {
  const { source } = parsed;
  const rules = base ? [...base.rules] : [];
  const baseIndex = new Map(rules.map((rule, i) => [rule.id, i]));
  const baseIds = [...baseIndex.keys()];
  for (const written of parsed.rules) {
    const index = baseIndex.get(written.id);
    if (index === void 0) {
      rules.push(newRule(source, written, baseIds));
      continue;
    }
    const inherited = rules[index];
    rules[index] = written.disable === true ? void 0 : override(inherited, written);
  }
  const resolved = rules.filter((rule) => rule !== void 0);
  const policy = { source, rules: resolved, allow: checkAllowances(parsed, resolved, base) };
  if (parsed.extends !== void 0) policy.extends = parsed.extends;
  return policy;
}
function newRule(source, written, baseIds) {
  const guess = closestName(written.id, baseIds);
  const maybe = guess !== void 0 ? ` (the base policy has "${guess}")` : "";
  if (written.disable === true) {
    const what = baseIds.length === 0 ? 'there is no "extends"' : `the base policy has no rule "${written.id}"${maybe}`;
    throw policyError(source, written.idAt, `rule "${written.id}" says "disable: true", but ${what}`);
  }
  if (written.subject === void 0) {
    throw policyError(
      source,
      written.definedAt,
      `rule "${written.id}" needs one of "packages", "files", "secrets", "image"${maybe}`
    );
  }
  if (written.action === void 0) {
    throw policyError(
      source,
      written.definedAt,
      `rule "${written.id}" needs an "action" (stop, warn or info)`
    );
  }
  return withCommon(
    { id: written.id, action: written.action, definedAt: written.definedAt, ...written.subject },
    written.description
  );
}
function override(inherited, written) {
  const action = written.action ?? inherited.action;
  if (written.subject === void 0) {
    return withCommon(
      { ...inherited, action, definedAt: written.definedAt },
      written.description ?? inherited.description
    );
  }
  return withCommon(
    { id: inherited.id, action, definedAt: written.definedAt, ...written.subject },
    written.description
  );
}
function withCommon(rule, description) {
  if (description !== void 0) rule.description = description;
  return rule;
}
function checkAllowances(parsed, rules, base) {
  const byId = new Map(rules.map((rule) => [rule.id, rule]));
  const allow = base ? [...base.allow] : [];
  for (const entry of parsed.allow) {
    const rule = byId.get(entry.rule);
    if (rule === void 0) {
      const guess = closestName(entry.rule, [...byId.keys()]);
      const hint = guess !== void 0 ? `; did you mean "${guess}"?` : "";
      throw policyError(
        parsed.source,
        entry.ruleAt,
        `allow entry names rule "${entry.rule}", which the policy does not have${hint}`
      );
    }
    const selector = entry.selector;
    if (selector?.key === "package" && rule.kind !== "packages") {
      throw policyError(
        parsed.source,
        selector.at,
        `"package" selects packages, but rule "${rule.id}" is a ${rule.kind} rule; use "${rule.kind === "image" ? "subject" : "path"}"`
      );
    }
    if (selector?.key === "path" && rule.kind !== "files" && rule.kind !== "secrets") {
      throw policyError(
        parsed.source,
        selector.at,
        `"path" selects files, but rule "${rule.id}" is a ${rule.kind} rule; use "${rule.kind === "packages" ? "package" : "subject"}"`
      );
    }
    const { ruleAt: _ruleAt, selector: _selector, ...allowance } = entry;
    allow.push(allowance);
  }
  return allow;
}
var init_resolve = __esm({
  "src/policy/resolve.ts"() {
    "use strict";
    init_values();
    init_yaml_reader();
  }
});

// src/policy/recommended.ts
var RECOMMENDED_POLICY_YAML, RECOMMENDED_POLICY_SOURCE, RECOMMENDED_POLICY;
var init_recommended = __esm({
  "src/policy/recommended.ts"() {
    "use strict";
    init_parse();
    init_resolve();
    RECOMMENDED_POLICY_YAML = `# image-changelog built-in policy: use it with "extends: recommended".
rules:
  - id: package-downgraded
    description: A package went back to an older version.
    action: stop
    packages:
      change: downgraded

  - id: nonpackaged-setuid
    description: A file no package owns gained setuid (or was added with it).
    action: stop
    files:
      setuid: true
      nonPackaged: true

  - id: nonpackaged-setgid
    description: A file no package owns gained setgid (or was added with it).
    action: stop
    files:
      setgid: true
      nonPackaged: true

  - id: packaged-setuid
    description: A package added a setuid file.
    action: warn
    files:
      setuid: true
      nonPackaged: false

  - id: packaged-setgid
    description: A package added a setgid file.
    action: warn
    files:
      setgid: true
      nonPackaged: false

  - id: secret-in-file
    description: A private key, cloud credential or token in an added or modified file no package owns.
    action: stop
    secrets:
      kinds: [private-key, aws-access-key, aws-secret-key, gcp-service-account, github-token, slack-token,
              slack-webhook, npm-token, docker-registry-auth, pypi-password]
      nonPackaged: true

  - id: secret-in-package-file
    description: A package ships a file holding a private key or token (often test data; check it).
    action: warn
    secrets:
      kinds: [private-key, aws-access-key, aws-secret-key, gcp-service-account, github-token, slack-token,
              slack-webhook, npm-token, docker-registry-auth, pypi-password]
      nonPackaged: false

  - id: credential-file
    description: A credentials file by its name (id_rsa, .env, .pypirc, .git-credentials, .netrc).
    action: warn
    secrets:
      kinds: [ssh-private-key-file, dotenv-file, pypirc-file, git-credentials-file, netrc-file]

  - id: switched-to-root
    description: The image ran as another user and now runs as root.
    action: stop
    image:
      switchedToRoot: true

  - id: secret-env
    description: An environment variable that looks like a secret was added or changed.
    action: stop
    image:
      secretEnv: true

  - id: os-version-decreased
    description: The base distribution went back to an older release.
    action: stop
    image:
      osVersionDecreased: true

  - id: major-upgrade
    description: A package moved to a new major version (calendar-versioned ones like tzdata aside).
    action: warn
    packages:
      bump: major
      calendarVersions: false

  - id: image-size-growth
    description: The image grew by more than 20% and more than 10 MB (uncompressed).
    action: warn
    image:
      sizeGrowth: { percent: 20, bytes: 10MB }

  - id: nonpackaged-executable
    description: A new executable no package owns in a system binary directory.
    action: warn
    files:
      path: [bin/*, sbin/*, usr/bin/*, usr/sbin/*, usr/local/bin/*, usr/local/sbin/*]
      change: added
      nonPackaged: true
      executable: true

  - id: new-exposed-port
    description: The image exposes a port it did not expose before.
    action: warn
    image:
      newPorts: true

  - id: os-changed
    description: The base distribution changed (a different os-release ID).
    action: warn
    image:
      osChanged: true
`;
    RECOMMENDED_POLICY_SOURCE = "recommended";
    RECOMMENDED_POLICY = resolvePolicy(
      parsePolicyDocument(RECOMMENDED_POLICY_YAML, RECOMMENDED_POLICY_SOURCE),
      void 0
    );
  }
});

// src/policy/load.ts
function parsePolicy(text, source) {
  const parsed = parsePolicyDocument(text, source);
  return resolvePolicy(parsed, parsed.extends === "recommended" ? RECOMMENDED_POLICY : void 0);
}
var loadPolicy;
var init_load = __esm({
  "src/policy/load.ts"() {
    "use strict";
    init_parse();
    init_recommended();
    init_resolve();
    init_parse();
    loadPolicy = parsePolicy;
  }
});

// src/policy/allowlist.ts
function applyAllowances(violations, rule, allow, now) {
  const entries = allow.filter((a) => a.rule === rule.id).map((a) => ({ allowance: a, covers: coverage(a) }));
  if (entries.length === 0) return violations;
  return violations.map((violation) => {
    const matching = entries.filter((e) => e.covers(violation.subject)).map((e) => e.allowance);
    const active = matching.find((a) => a.expires === void 0 || now.getTime() < expiryInstant(a.expires));
    if (active !== void 0) {
      const allowed = { reason: active.reason };
      if (active.expires !== void 0) allowed.expires = active.expires;
      return { ...violation, allowed };
    }
    const expired = matching.filter((a) => a.expires !== void 0).sort((a, b) => b.expires.localeCompare(a.expires))[0];
    if (expired === void 0) return violation;
    return {
      ...violation,
      message: `${violation.message} (allowance expired on ${expired.expires}: ${expired.reason})`,
      expiredAllowance: { reason: expired.reason, expires: expired.expires }
    };
  });
}
function coverage(a) {
  if (a.package !== void 0) {
    const test = (0, import_picomatch6.default)(a.package, { bash: true, dot: true });
    return (subject) => test(subject) || test(subject.slice(subject.indexOf(":") + 1));
  }
  if (a.path !== void 0) return (0, import_picomatch6.default)(a.path, { dot: true });
  if (a.subject !== void 0) return (0, import_picomatch6.default)(a.subject, { bash: true, dot: true });
  return () => true;
}
var import_picomatch6;
var init_allowlist = __esm({
  "src/policy/allowlist.ts"() {
    "use strict";
    import_picomatch6 = __toESM(require_picomatch2(), 1);
    init_values();
  }
});

// src/policy/describe.ts
function formatBytes3(bytes) {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value2 = bytes;
  let unit = 0;
  while (Math.abs(value2) >= 1e3 && unit < units.length - 1) {
    value2 /= 1e3;
    unit++;
  }
  const digits = unit === 0 || Math.abs(value2) >= 100 ? 0 : 1;
  return `${value2.toFixed(digits)} ${units[unit]}`;
}
function formatMode2(mode) {
  return (mode & 4095).toString(8).padStart(4, "0");
}
function isRegular(state2) {
  return state2 !== void 0 && (state2.type === "file" || state2.type === "hardlink");
}
function describeFileChange(change2) {
  const state2 = change2.after ?? change2.before;
  const ownership = change2.ownership === "none" ? "non-packaged" : change2.ownership === "state" ? "package-manager" : "packaged";
  const type = state2 === void 0 ? "file" : state2.type === "dir" ? "directory" : state2.type === "hardlink" ? "file" : state2.type;
  const kind = change2.kind === "metadata" ? "changed (metadata)" : change2.kind;
  return `${kind} ${ownership} ${type}`;
}
var init_describe = __esm({
  "src/policy/describe.ts"() {
    "use strict";
  }
});

// src/policy/match-files.ts
function fileViolations(rule, files) {
  const { match } = rule;
  const pathMatches = match.path === void 0 ? () => true : (0, import_picomatch7.default)(match.path, { dot: true });
  const out = [];
  for (const change2 of files) {
    if (match.change !== void 0 && !match.change.includes(change2.kind)) continue;
    if (!pathMatches(change2.path)) continue;
    const facts = matchFacts(match, change2);
    if (facts === void 0) continue;
    const details2 = [describeFileChange(change2), ...facts].join(", ");
    out.push({
      rule: rule.id,
      action: rule.action,
      subject: change2.path,
      message: `${change2.path}: ${details2}`
    });
  }
  return out;
}
function matchFacts(match, change2) {
  const facts = [];
  const after = change2.after;
  const check2 = (wanted, actual, fact) => {
    if (wanted === void 0) return true;
    if (actual !== wanted) return false;
    if (actual && fact !== "") facts.push(fact);
    return true;
  };
  if (!check2(match.nonPackaged, change2.ownership === "none", ""))
    return void 0;
  if (!check2(
    match.modifiedAfterInstall,
    change2.modifiedAfterInstall === true,
    "differs from what its package installed"
  )) {
    return void 0;
  }
  if (!needsNewState(match)) return facts;
  if (after === void 0) return void 0;
  const mode = `mode ${formatMode2(after.mode)}`;
  if (!check2(match.setuid, gained(change2, SETUID), `setuid (${mode})`)) return void 0;
  if (!check2(match.setgid, gained(change2, SETGID), `setgid (${mode})`)) return void 0;
  if (!check2(match.worldWritable, isWorldWritable(after), `world-writable (${mode})`)) return void 0;
  if (!check2(match.executable, isRegular(after) && (after.mode & 73) !== 0, "executable"))
    return void 0;
  if (!check2(match.ownerRoot, after.uid === 0, "owned by root")) return void 0;
  if (match.minSize !== void 0 || match.maxSize !== void 0) {
    if (!isRegular(after)) return void 0;
    if (match.minSize !== void 0 && after.size < match.minSize) return void 0;
    if (match.maxSize !== void 0 && after.size > match.maxSize) return void 0;
    facts.push(formatBytes3(after.size));
  }
  if (match.sizeGrowthFactor !== void 0) {
    const before = change2.before;
    if (change2.kind !== "modified" || !isRegular(before) || !isRegular(after) || before.size === 0)
      return void 0;
    const factor = after.size / before.size;
    if (factor < match.sizeGrowthFactor) return void 0;
    facts.push(`${factor.toFixed(1)}x larger (${formatBytes3(before.size)} \u2192 ${formatBytes3(after.size)})`);
  }
  return facts;
}
function needsNewState(match) {
  return match.setuid !== void 0 || match.setgid !== void 0 || match.worldWritable !== void 0 || match.executable !== void 0 || match.ownerRoot !== void 0 || match.minSize !== void 0 || match.maxSize !== void 0 || match.sizeGrowthFactor !== void 0;
}
function gained(change2, bit) {
  if (!isRegular(change2.after) || (change2.after.mode & bit) === 0) return false;
  return !(isRegular(change2.before) && (change2.before.mode & bit) !== 0);
}
function isWorldWritable(state2) {
  if (state2.type === "symlink") return false;
  if (state2.type === "dir" && (state2.mode & STICKY) !== 0) return false;
  return (state2.mode & 2) !== 0;
}
var import_picomatch7, SETUID, SETGID, STICKY;
var init_match_files = __esm({
  "src/policy/match-files.ts"() {
    "use strict";
    import_picomatch7 = __toESM(require_picomatch2(), 1);
    init_describe();
    SETUID = 2048;
    SETGID = 1024;
    STICKY = 512;
  }
});

// src/policy/secret-keys.ts
function isSecretKey2(name) {
  const words2 = name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase().split(/[^A-Z0-9]+/).filter((w) => w !== "");
  if (words2.length === 0 || words2[words2.length - 1] === "FILE") return false;
  for (let i = 0; i < words2.length; i++) {
    const word = words2[i];
    if (SECRET_WORDS2.has(word)) return true;
    const next = words2[i + 1];
    if (next !== void 0 && SECRET_PAIRS.has(`${word}_${next}`)) return true;
  }
  return false;
}
var SECRET_WORDS2, SECRET_PAIRS;
var init_secret_keys2 = __esm({
  "src/policy/secret-keys.ts"() {
    "use strict";
    SECRET_WORDS2 = /* @__PURE__ */ new Set([
      "PASSWORD",
      "PASSWD",
      "PASS",
      "SECRET",
      "SECRETS",
      "TOKEN",
      "APIKEY",
      "CREDENTIAL",
      "CREDENTIALS",
      "PRIVATEKEY"
    ]);
    SECRET_PAIRS = /* @__PURE__ */ new Set([
      "API_KEY",
      "ACCESS_KEY",
      "PRIVATE_KEY",
      "SECRET_KEY",
      "AUTH_KEY",
      "CLIENT_KEY"
    ]);
  }
});

// src/policy/match-image.ts
function imageViolations(rule, changes, after) {
  const { match } = rule;
  const out = [];
  const report = (subject, message) => {
    out.push({ rule: rule.id, action: rule.action, subject, message });
  };
  const user = after.config.config?.User ?? "";
  const before = changes.before;
  if (match.runsAsRoot === true && isRootUser(user))
    report("user", `the image runs as root (${describeUser(user)})`);
  if (match.switchedToRoot === true && before !== void 0 && !isRootUser(before.user) && isRootUser(user)) {
    report("user", `the image switched from user "${before.user}" to root (${describeUser(user)})`);
  }
  if (match.newPorts === true) {
    for (const port of newPorts(changes, after))
      report(`port:${port}`, `the image exposes a new port ${port}`);
  }
  if (match.secretEnv === true) {
    for (const key of newSecretEnvKeys(changes, after)) {
      report(
        `env.${key}`,
        `environment variable ${key} looks like a secret and was set in this image (its value is not shown)`
      );
    }
  }
  const growth = match.sizeGrowth;
  if (growth !== void 0 && before !== void 0) {
    const old = before.summary.uncompressedSize;
    const now = after.image.uncompressedSize;
    const bytes = now - old;
    const percent = old > 0 ? bytes / old * 100 : Infinity;
    if (bytes > 0 && (growth.percent === void 0 || percent > growth.percent) && (growth.bytes === void 0 || bytes > growth.bytes)) {
      const pct = Number.isFinite(percent) ? ` (+${percent.toFixed(1)}%)` : "";
      report(
        "size",
        `the image grew by ${formatBytes3(bytes)}${pct}: ${formatBytes3(old)} \u2192 ${formatBytes3(now)} uncompressed`
      );
    }
  }
  if (match.maxLayers !== void 0 && after.image.layers.length > match.maxLayers) {
    report("layers", `the image has ${after.image.layers.length} layers, more than ${match.maxLayers}`);
  }
  if (before !== void 0) {
    const [was, now] = [before.os, after.os];
    if (match.osChanged === true && (was?.id ?? "") !== (now?.id ?? "")) {
      report("os", `the base distribution changed: ${describeOs3(was)} \u2192 ${describeOs3(now)}`);
    }
    if (match.osVersionDecreased === true && was !== void 0 && now !== void 0 && was.id === now.id) {
      if (was.versionId !== void 0 && now.versionId !== void 0 && compareOsVersions(now.versionId, was.versionId) < 0) {
        report("os.version", `the base distribution went back from ${describeOs3(was)} to ${describeOs3(now)}`);
      }
    }
  }
  const labels = after.config.config?.Labels ?? {};
  for (const label of match.requiredLabels ?? []) {
    const value2 = labels[label];
    if (value2 === void 0 || value2 === "") report(`label.${label}`, `required label ${label} is missing`);
  }
  return out;
}
function isRootUser(user) {
  const name = user.trim().split(":")[0];
  return name === "" || name === "root" || /^0+$/.test(name);
}
function describeUser(user) {
  return user.trim() === "" ? "no USER set" : `USER ${user}`;
}
function describeOs3(os) {
  if (os === void 0) return "unknown";
  return os.versionId !== void 0 ? `${os.id} ${os.versionId}` : os.id;
}
function compareOsVersions(a, b) {
  const pa = a.split(/[^0-9]+/).filter((p) => p !== "");
  const pb = b.split(/[^0-9]+/).filter((p) => p !== "");
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = Number(pa[i] ?? 0) - Number(pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}
function normalisePort(port) {
  return port.includes("/") ? port.toLowerCase() : `${port}/tcp`;
}
function portsIn(text) {
  return (text ?? "").match(/\d+(?:-\d+)?(?:\/[a-z]+)?/gi)?.map(normalisePort) ?? [];
}
function newPorts(changes, after) {
  const now = Object.keys(after.config.config?.ExposedPorts ?? {}).map(normalisePort);
  if (changes.before === void 0) return [...new Set(now)].sort();
  const settings = portSettings(changes.settings);
  if (settings.length === 0) return [];
  const previous = /* @__PURE__ */ new Set();
  for (const s of settings) {
    const single = /^ports?\.(.+)$/.exec(s.key)?.[1];
    if (single !== void 0) {
      if (s.before !== void 0) previous.add(normalisePort(single));
    } else for (const p of portsIn(s.before)) previous.add(p);
  }
  if (settings.every((s) => s.key !== "ports")) {
    const changed = new Set(settings.map((s) => normalisePort(/^ports?\.(.+)$/.exec(s.key)[1])));
    for (const p of now) if (!changed.has(p)) previous.add(p);
  }
  return [...new Set(now.filter((p) => !previous.has(p)))].sort();
}
function portSettings(settings) {
  return settings.filter((s) => s.key === "ports" || /^ports?\./.test(s.key));
}
function newSecretEnvKeys(changes, after) {
  let keys;
  if (changes.before === void 0) {
    keys = (after.config.config?.Env ?? []).map((kv) => kv.split("=")[0]);
  } else {
    keys = changes.settings.filter((s) => s.key.startsWith("env.") && s.after !== void 0).map((s) => s.key.slice(4));
  }
  return [...new Set(keys.filter(isSecretKey2))].sort();
}
var init_match_image = __esm({
  "src/policy/match-image.ts"() {
    "use strict";
    init_describe();
    init_secret_keys2();
  }
});

// src/policy/match-packages.ts
function packageViolations(rule, changes, after) {
  const { match } = rule;
  const nameMatches = nameMatcher(match.name);
  const base = { rule: rule.id, action: rule.action };
  if (match.present === true) {
    const seen = /* @__PURE__ */ new Set();
    const out2 = [];
    for (const pkg of after.packages) {
      const key = `${pkg.ecosystem}:${pkg.name}@${pkg.version}`;
      if (seen.has(key) || !packageMatches(match, nameMatches, pkg.ecosystem, pkg.name, pkg.version))
        continue;
      seen.add(key);
      out2.push({
        ...base,
        subject: subjectOf(pkg),
        message: `${subjectOf(pkg)} ${pkg.version} is present (${pkg.location})`
      });
    }
    return out2;
  }
  const out = [];
  for (const change2 of changes.packages) {
    const version2 = change2.kind === "removed" ? change2.before?.version : change2.after?.version ?? change2.before?.version;
    if (match.change !== void 0 && !match.change.includes(change2.kind)) continue;
    if (match.bump !== void 0 && !match.bump.includes(change2.bump ?? "")) continue;
    if (match.calendarVersions !== void 0 && isCalendarChange(change2) !== match.calendarVersions) continue;
    if (!packageMatches(match, nameMatches, change2.ecosystem, change2.name, version2)) continue;
    out.push({ ...base, subject: subjectOf(change2), message: describeChange(change2) });
  }
  return out;
}
function subjectOf(p) {
  return `${p.ecosystem}:${p.name}`;
}
function packageMatches(match, nameMatches, ecosystem, name, version2) {
  if (match.ecosystem !== void 0 && !match.ecosystem.includes(ecosystem)) return false;
  if (!nameMatches(name)) return false;
  if (match.version !== void 0 && (version2 === void 0 || !satisfies(ecosystem, version2, match.version)))
    return false;
  return true;
}
function nameMatcher(globs2) {
  if (globs2 === void 0) return () => true;
  const test = (0, import_picomatch8.default)(globs2, { bash: true, dot: true });
  return (name) => test(name);
}
function satisfies(ecosystem, version2, constraint) {
  if (ecosystem === "npm" && constraint.semverRange !== void 0) {
    return import_semver6.default.satisfies(version2, constraint.semverRange);
  }
  if (constraint.clauses === void 0) return false;
  return constraint.clauses.every((c) => clauseHolds(c.op, compareVersions(ecosystem, version2, c.version)));
}
function isCalendarChange(change2) {
  return [change2.before?.version, change2.after?.version].some((v) => v !== void 0 && isCalendarVersion(v));
}
function isCalendarVersion(version2) {
  const upstream = version2.replace(/^\d+:/, "");
  const m = /^(\d+)/.exec(upstream);
  if (m === null) return false;
  const lead = m[1];
  const year = Number(lead.slice(0, 4));
  return (lead.length === 4 || lead.length === 6 || lead.length === 8) && year >= 1990 && year <= 2199;
}
function describeChange(change2) {
  const subject = subjectOf(change2);
  const before = change2.before?.version;
  const after = change2.after?.version;
  switch (change2.kind) {
    case "added":
      return words(subject, after, "added");
    case "removed":
      return words(subject, before, "removed");
    case "rebuilt":
      return words(subject, after, "rebuilt (same version, different content)");
    default: {
      const bump = change2.bump !== void 0 && change2.bump !== "other" ? ` (${change2.bump})` : "";
      return `${subject} ${change2.kind} ${before ?? "?"} \u2192 ${after ?? "?"}${bump}`;
    }
  }
}
function words(...parts) {
  return parts.filter((p) => p !== void 0 && p !== "").join(" ");
}
var import_picomatch8, import_semver6;
var init_match_packages = __esm({
  "src/policy/match-packages.ts"() {
    "use strict";
    import_picomatch8 = __toESM(require_picomatch2(), 1);
    import_semver6 = __toESM(require_semver2(), 1);
    init_versions();
    init_values();
  }
});

// src/policy/match-secrets.ts
function secretViolations(rule, files, afterFiles) {
  const { match } = rule;
  const pathMatches = match.path === void 0 ? () => true : (0, import_picomatch9.default)(match.path, { dot: true });
  const wanted = match.kinds === void 0 ? void 0 : new Set(match.kinds);
  const out = [];
  for (const change2 of files) {
    if (change2.kind !== "added" && change2.kind !== "modified") continue;
    if (match.nonPackaged !== void 0 && change2.ownership === "none" !== match.nonPackaged) continue;
    if (!pathMatches(change2.path)) continue;
    const entry = afterFiles.get(change2.path);
    if (entry === void 0 || entry.type !== "file" && entry.type !== "hardlink" || entry.size === 0)
      continue;
    const found = [.../* @__PURE__ */ new Set([...secretKindsOf(entry.probes), ...secretKindsFromPath(change2.path)])].filter((kind) => wanted === void 0 || wanted.has(kind)).sort();
    if (found.length === 0) continue;
    out.push({
      rule: rule.id,
      action: rule.action,
      subject: change2.path,
      message: `${change2.path}: ${describeFileChange(change2)} holds ${found.join(", ")}`
    });
  }
  return out;
}
var import_picomatch9;
var init_match_secrets = __esm({
  "src/policy/match-secrets.ts"() {
    "use strict";
    import_picomatch9 = __toESM(require_picomatch2(), 1);
    init_describe();
    init_secret_kinds();
    init_secrets_probe();
  }
});

// src/policy/evaluate.ts
function evaluatePolicy(policy, changes, after, now) {
  let afterFiles;
  const filesByPath = () => afterFiles ??= new Map(after.files.map((f) => [f.path, f]));
  const ranked = [];
  policy.rules.forEach((rule, rank) => {
    const found = applyAllowances(ruleViolations(rule, changes, after, filesByPath), rule, policy.allow, now);
    for (const violation of found) ranked.push({ violation, rank });
  });
  ranked.sort(
    (a, b) => SEVERITY[a.violation.action] - SEVERITY[b.violation.action] || a.rank - b.rank || compare3(a.violation.subject, b.violation.subject) || compare3(a.violation.message, b.violation.message)
  );
  const violations = ranked.map((r) => r.violation);
  const counting = violations.filter((v) => v.allowed === void 0);
  const result = counting.some((v) => v.action === "stop") ? "stop" : counting.some((v) => v.action === "warn") ? "warn" : "pass";
  return { result, violations, policy: policy.source };
}
function ruleViolations(rule, changes, after, filesByPath) {
  switch (rule.kind) {
    case "packages":
      return packageViolations(rule, changes, after);
    case "files":
      return fileViolations(rule, changes.files);
    case "secrets":
      return secretViolations(rule, changes.files, filesByPath());
    case "image":
      return imageViolations(rule, changes, after);
  }
}
function compare3(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}
var SEVERITY;
var init_evaluate = __esm({
  "src/policy/evaluate.ts"() {
    "use strict";
    init_allowlist();
    init_match_files();
    init_match_image();
    init_match_packages();
    init_match_secrets();
    SEVERITY = { stop: 0, warn: 1, info: 2 };
  }
});

// src/policy/summary.ts
function verdictLine(verdict) {
  const counting = verdict.violations.filter((v) => v.allowed === void 0);
  const allowed = verdict.violations.length - counting.length;
  const allowedNote = allowed > 0 ? `; ${allowed} allowed by the allowlist` : "";
  const head = `policy ${oneLine(verdict.policy)}`;
  if (counting.length === 0) return `${head}: pass, no violations${allowedNote}`;
  const byAction = ["stop", "warn", "info"].map((action) => [action, counting.filter((v) => v.action === action).length]).filter(([, n2]) => n2 > 0).map(([action, n2]) => `${n2} ${action}`).join(", ");
  const named2 = counting.slice(0, NAMED_IN_LINE).map((v) => `[${v.action}] ${v.rule}: ${oneLine(v.message)}`);
  const more = counting.length > NAMED_IN_LINE ? `; and ${counting.length - NAMED_IN_LINE} more` : "";
  const noun = counting.length === 1 ? "violation" : "violations";
  return `${head}: ${verdict.result}, ${counting.length} ${noun} (${byAction}): ${named2.join("; ")}${more}${allowedNote}`;
}
function oneLine(text) {
  const flat = text.replace(/[\u0000-\u001f\u007f]/g, " ").replace(/ {2,}/g, " ");
  return flat.length > MAX_MESSAGE ? `${flat.slice(0, MAX_MESSAGE - 1)}\u2026` : flat;
}
var NAMED_IN_LINE, MAX_MESSAGE;
var init_summary = __esm({
  "src/policy/summary.ts"() {
    "use strict";
    NAMED_IN_LINE = 3;
    MAX_MESSAGE = 300;
  }
});

// src/cli/main.ts
var main_exports = {};
__export(main_exports, {
  EXIT: () => EXIT,
  main: () => main
});
import { readFile as readFile3 } from "node:fs/promises";
import { homedir as homedir2 } from "node:os";
import { join as join7 } from "node:path";
function defaultCacheDir(env) {
  return join7(env.XDG_CACHE_HOME || join7(homedir2(), ".cache"), "image-changelog");
}
function scanOptions(flags, io, progress) {
  const capture = defaultCaptureSpec();
  const options = {
    capture,
    sources: buildSources(flags, io.env),
    onPhase: progress.onPhase,
    onLayer: progress.onLayer
  };
  if (flags.platform) options.platform = parsePlatform(flags.platform);
  if (!flags.noCache) options.cache = new DiskLayerIndexCache(flags.cacheDir ?? defaultCacheDir(io.env), capture);
  return options;
}
async function emit(text, output, io) {
  if (output) await writeFileAtomic(output, text);
  else io.stdout.write(text);
}
async function policyFrom(path) {
  if (path === "recommended") return loadPolicy("extends: recommended\n", "recommended");
  let text;
  try {
    text = await readFile3(path, "utf8");
  } catch {
    throw new ImageChangelogError("POLICY_NOT_FOUND", `cannot read policy file ${path}`, { subject: path, hint: "check the path" });
  }
  return loadPolicy(text, path);
}
async function execute(cmd, io) {
  if (cmd.name === "help") {
    io.stdout.write(`${USAGE}
`);
    return EXIT.ok;
  }
  if (cmd.name === "version") {
    io.stdout.write(`${VERSION}
`);
    return EXIT.ok;
  }
  const progress = Progress.for(io.stderr, cmd.progress);
  try {
    const options = scanOptions(cmd, io, progress);
    if (cmd.name === "inspect") {
      const inv = await inspectImage(cmd.image, options);
      progress.done();
      const text = cmd.json ? `${JSON.stringify({ summary: summarizeInventory(inv), ...inv }, null, 1)}
` : renderInspectText(summarizeInventory(inv), inv.problems);
      await emit(text, cmd.output, io);
      return EXIT.ok;
    }
    if (cmd.name === "diff") {
      const policy2 = cmd.policy ? await policyFrom(cmd.policy) : void 0;
      const result2 = await compareImages(cmd.previous, cmd.image, { exclude: cmd.exclude, defaultExcludes: cmd.defaultExcludes, depth: cmd.depth }, options);
      progress.done();
      const verdict2 = policy2 ? evaluatePolicy(policy2, result2.changes, result2.after, /* @__PURE__ */ new Date()) : void 0;
      const color = !cmd.output && io.stdout.isTTY === true && !io.env.NO_COLOR;
      const text = cmd.format === "json" ? renderJson(result2.changes, verdict2) : cmd.format === "text" ? renderText(result2.changes, { color, ...verdict2 ? { verdict: verdict2 } : {} }) : renderMarkdown(result2.changes, { surface: cmd.surface, ...verdict2 ? { verdict: verdict2 } : {} });
      await emit(text.endsWith("\n") ? text : `${text}
`, cmd.output, io);
      if (verdict2?.result === "stop") {
        io.stderr.write(`${verdictLine(verdict2)}
`);
        return EXIT.stop;
      }
      return cmd.exitCode && result2.changes.hasChanges ? EXIT.changed : EXIT.ok;
    }
    const policy = await policyFrom(cmd.policy ?? "recommended");
    if (!cmd.image) {
      io.stdout.write(`policy ${cmd.policy ?? "recommended"} is valid (${policy.rules.length} rules)
`);
      return EXIT.ok;
    }
    const result = await compareImages(cmd.previous, cmd.image, { exclude: [], defaultExcludes: true, depth: 2 }, options);
    progress.done();
    const verdict = evaluatePolicy(policy, result.changes, result.after, /* @__PURE__ */ new Date());
    io.stdout.write(cmd.json ? `${JSON.stringify(verdict, null, 2)}
` : `${verdictLine(verdict)}
`);
    return verdict.result === "stop" ? EXIT.stop : EXIT.ok;
  } finally {
    progress.done();
  }
}
async function main(argv2, io) {
  try {
    return await execute(parseCommand(argv2), io);
  } catch (err2) {
    io.stderr.write(`image-changelog: ${describeError(err2)}
`);
    if (io.env.IMAGE_CHANGELOG_DEBUG && err2 instanceof Error && err2.stack) io.stderr.write(`${err2.stack}
`);
    return EXIT.error;
  }
}
var EXIT;
var init_main = __esm({
  "src/cli/main.ts"() {
    "use strict";
    init_args();
    init_progress();
    init_sources();
    init_version();
    init_errors();
    init_atomic_write();
    init_platform();
    init_layer_index_cache();
    init_registry2();
    init_compare_images();
    init_inspect();
    init_markdown();
    init_json2();
    init_text();
    init_load();
    init_evaluate();
    init_summary();
    EXIT = { ok: 0, changed: 1, stop: 2, error: 3 };
  }
});

// src/cli/index.ts
init_version();
var argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
  process.stdout.write(`${VERSION}
`);
} else {
  const { main: main2 } = await Promise.resolve().then(() => (init_main(), main_exports));
  process.exitCode = await main2(argv, { stdout: process.stdout, stderr: process.stderr, env: process.env });
}
