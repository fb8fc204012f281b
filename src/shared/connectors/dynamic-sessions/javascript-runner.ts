/**
 * The code a Node.js (NodeLTS) session executes: install the dependencies with npm, run the entry point
 * in a child process under the connector's limits (ulimit for memory and CPU time, V8's heap cap), and
 * write what happened to /mnt/data/connector-run/result.json. `__SPEC__` is replaced by the base64 JSON
 * of the run (runner-spec.ts). Synchronous on purpose: the session's kernel returns when the code does.
 */
export const javascriptRunner = String.raw`
(function () {
  var fs = require("fs");
  var path = require("path");
  var childProcess = require("child_process");
  var spec = JSON.parse(Buffer.from("__SPEC__", "base64").toString("utf8"));
  var ROOT = "/mnt/data";
  var WORK = path.join(ROOT, "connector");
  var RUN = path.join(ROOT, "connector-run");
  fs.mkdirSync(RUN, { recursive: true });
  var CAP = spec.maxOutputBytes;
  var PATH_VALUE = process.env.PATH || "/usr/local/bin:/usr/bin:/bin";
  // How the session reaches the network (proxies, extra CAs), passed on to npm and to the connector.
  var NETWORK = {};
  ["HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy", "NODE_EXTRA_CA_CERTS",
    "npm_config_registry"].forEach(function (name) {
    if (process.env[name]) NETWORK[name] = process.env[name];
  });
  var report = { install: null, stdout: "", stderr: "", exitCode: null, signal: null,
    timedOut: false, outputExceeded: null, durationMs: 0 };

  function save() {
    var file = path.join(RUN, "result.json");
    fs.writeFileSync(file + ".tmp", JSON.stringify(report));
    fs.renameSync(file + ".tmp", file);
  }

  function run(argv, env, cwd, timeoutMs, input) {
    var started = Date.now();
    var result = childProcess.spawnSync(argv[0], argv.slice(1), {
      cwd: cwd, env: env, input: input, timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: CAP
    });
    var code = result.error && result.error.code;
    var stdout = result.stdout || Buffer.alloc(0);
    var stderr = result.stderr || Buffer.alloc(0);
    var exceeded = null;
    if (code === "ENOBUFS") exceeded = stdout.length >= CAP ? "stdout" : "stderr";
    if (result.error && code !== "ENOBUFS" && code !== "ETIMEDOUT") {
      stderr = Buffer.concat([stderr, Buffer.from(String(result.error.message))]);
    }
    return { stdout: stdout.subarray(0, CAP).toString("utf8"), stderr: stderr.subarray(0, CAP).toString("utf8"),
      exitCode: typeof result.status === "number" ? result.status : null, signal: result.signal || null,
      timedOut: code === "ETIMEDOUT", outputExceeded: exceeded, durationMs: Date.now() - started };
  }

  function resolvable(name) {
    try {
      require.resolve(name, { paths: [WORK] });
      return true;
    } catch (error) {
      return false;
    }
  }

  function install() {
    var missing = spec.dependencies.filter(function (dependency) { return !resolvable(dependency.name); });
    if (missing.length === 0) return { ok: true, message: "already installed in the session" };
    var specs = spec.dependencies.map(function (dependency) { return dependency.spec; });
    if (spec.network === "none") {
      return { ok: false, message: "network_mode is none, so the sandbox has no network to install " +
        missing.map(function (dependency) { return dependency.spec; }).join(", ") +
        " (use network_mode bridge, or only packages the session already has)" };
    }
    var env = Object.assign({}, NETWORK, { PATH: PATH_VALUE, HOME: RUN, LANG: "C.UTF-8",
      npm_config_update_notifier: "false" });
    var outcome = run(["npm", "install", "--prefix", WORK, "--no-save", "--no-package-lock", "--no-audit",
      "--no-fund", "--ignore-scripts", "--loglevel=error"].concat(specs), env, WORK, spec.installTimeoutMs, "");
    if (outcome.timedOut) return { ok: false, message: "npm install did not finish in " + spec.installTimeoutMs + " ms" };
    if (outcome.exitCode !== 0) {
      var tail = (outcome.stderr || outcome.stdout).trim().slice(-1500);
      return { ok: false, message: "npm install " + specs.join(" ") + " failed (exit " + outcome.exitCode + "): " + tail };
    }
    return { ok: true, message: "installed with npm" };
  }

  if (spec.dependencies.length > 0) {
    report.install = install();
    if (!report.install.ok) {
      save();
      return;
    }
  }
  var contextFile = path.join(RUN, "context.json");
  var context = JSON.stringify(spec.context);
  fs.writeFileSync(contextFile, context);
  var env = Object.assign({}, NETWORK, spec.env, { PATH: PATH_VALUE, HOME: WORK, LANG: "C.UTF-8",
    CONNECTOR_CONTEXT_FILE: contextFile });
  var memoryKb = spec.memoryMb * 1024;
  var heapMb = Math.max(16, Math.floor(spec.memoryMb * 0.75));
  var cpuSeconds = Math.ceil(spec.timeoutMs / 1000) + 1;
  // sh applies the limits to itself, then becomes node: the limits hold for the connector and its children.
  var limits = "ulimit -d " + memoryKb + " && ulimit -t " + cpuSeconds + " && exec \"$0\" \"$@\"";
  var outcome = run(["/bin/sh", "-c", limits, process.execPath, "--max-old-space-size=" + heapMb,
    path.join(WORK, spec.entryPoint)], env, WORK, spec.timeoutMs, context);
  Object.assign(report, outcome);
  save();
})();
`;
