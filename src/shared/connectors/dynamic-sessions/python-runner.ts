/**
 * The code a Python (PythonLTS) session executes: install the dependencies, run the entry point in a
 * child process under the connector's limits, and write what happened to /mnt/data/connector-run/result.json.
 * `__SPEC__` is replaced by the base64 JSON of the run (runner-spec.ts). It prints nothing itself, so the
 * session's own output limits never cut the report.
 */
export const pythonRunner = String.raw`
import base64, json, os, resource, signal, subprocess, sys, threading, time

spec = json.loads(base64.b64decode("__SPEC__").decode("utf-8"))
ROOT = "/mnt/data"
WORK = os.path.join(ROOT, "connector")
RUN = os.path.join(ROOT, "connector-run")
os.makedirs(RUN, exist_ok=True)
CAP = spec["maxOutputBytes"]
# How the session reaches the network (proxies, extra CAs), passed on to pip and to the connector.
NETWORK = {name: os.environ[name] for name in ("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy",
           "no_proxy", "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "PIP_INDEX_URL") if os.environ.get(name)}
report = {"install": None, "stdout": "", "stderr": "", "exitCode": None, "signal": None,
          "timedOut": False, "outputExceeded": None, "durationMs": 0}


def save():
    path = os.path.join(RUN, "result.json")
    with open(path + ".tmp", "w", encoding="utf-8") as handle:
        json.dump(report, handle)
    os.replace(path + ".tmp", path)


def run(argv, env, cwd, timeout_s, stdin_bytes, memory_mb):
    def limits():
        if memory_mb:
            size = memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_DATA, (size, size))
        cpu = int(timeout_s) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))

    started = time.monotonic()
    try:
        child = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, start_new_session=True, preexec_fn=limits)
    except OSError as error:
        return {"stdout": b"", "stderr": str(error).encode(), "exitCode": None, "signal": None,
                "timedOut": False, "outputExceeded": None, "durationMs": 0}
    kept = {"stdout": bytearray(), "stderr": bytearray()}
    state = {"exceeded": None}

    def stop():
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except OSError:
            pass

    def drain(stream, name):
        while True:
            chunk = stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536)
            if not chunk:
                return
            room = CAP - len(kept[name])
            if room > 0:
                kept[name] += chunk[:room]
            if len(chunk) > room:
                if state["exceeded"] is None:
                    state["exceeded"] = name
                stop()

    def feed():
        try:
            child.stdin.write(stdin_bytes)
        except OSError:
            pass
        try:
            child.stdin.close()
        except OSError:
            pass

    threads = [threading.Thread(target=drain, args=(child.stdout, "stdout"), daemon=True),
               threading.Thread(target=drain, args=(child.stderr, "stderr"), daemon=True),
               threading.Thread(target=feed, daemon=True)]
    for thread in threads:
        thread.start()
    timed_out = False
    try:
        child.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        timed_out = True
        stop()
        child.wait()
    for thread in threads:
        thread.join(timeout=2)
    code = child.returncode
    return {"stdout": bytes(kept["stdout"]), "stderr": bytes(kept["stderr"]),
            "exitCode": code if code is not None and code >= 0 else None,
            "signal": signal.Signals(-code).name if code is not None and code < 0 else None,
            "timedOut": timed_out, "outputExceeded": state["exceeded"],
            "durationMs": int((time.monotonic() - started) * 1000)}


def text(data):
    return data.decode("utf-8", errors="replace")


def installed(dependency):
    from importlib import metadata
    try:
        version = metadata.version(dependency["name"])
    except Exception:
        return False
    wanted = dependency.get("version")
    return wanted is None or wanted in ("*", version, "==" + version)


def install(site):
    dependencies = spec["dependencies"]
    if all(installed(dependency) for dependency in dependencies):
        return {"ok": True, "message": "already installed in the session"}
    if spec["network"] == "none":
        names = ", ".join(dependency["spec"] for dependency in dependencies if not installed(dependency))
        return {"ok": False, "message": "network_mode is none, so the sandbox has no network to install " + names +
                " (use network_mode bridge, or only packages the session already has)"}
    argv = [sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--no-color",
            "--retries", "1", "--timeout", "15", "--target", site] + [d["spec"] for d in dependencies]
    env = dict(NETWORK, PATH=os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"), HOME=RUN, LANG="C.UTF-8")
    outcome = run(argv, env, RUN, spec["installTimeoutMs"] / 1000, b"", 0)
    if outcome["timedOut"]:
        return {"ok": False, "message": "pip install did not finish in " + str(spec["installTimeoutMs"]) + " ms"}
    if outcome["exitCode"] != 0:
        tail = text(outcome["stderr"] or outcome["stdout"]).strip()[-1500:]
        return {"ok": False, "message": "pip install " + " ".join(d["spec"] for d in dependencies) +
                " failed (exit " + str(outcome["exitCode"]) + "): " + tail}
    return {"ok": True, "message": "installed with pip"}


def main():
    site = os.path.join(RUN, "site-packages")
    if spec["dependencies"]:
        report["install"] = install(site)
        if not report["install"]["ok"]:
            save()
            return
    context_file = os.path.join(RUN, "context.json")
    context = json.dumps(spec["context"]).encode("utf-8")
    with open(context_file, "wb") as handle:
        handle.write(context)
    env = dict(NETWORK)
    env.update(spec["env"])
    env.update({"PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"), "HOME": WORK, "LANG": "C.UTF-8",
                "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1", "CONNECTOR_CONTEXT_FILE": context_file})
    if spec["dependencies"]:
        env["PYTHONPATH"] = site
    entry = os.path.join(WORK, spec["entryPoint"])
    outcome = run([sys.executable, entry], env, WORK, spec["timeoutMs"] / 1000, context,
                  spec["memoryMb"])
    outcome["stdout"] = text(outcome["stdout"])
    outcome["stderr"] = text(outcome["stderr"])
    report.update(outcome)
    save()


main()
`;
