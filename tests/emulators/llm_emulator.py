#!/usr/bin/env python3
"""A local stand-in for the model providers, for tests.

Speaks, on 127.0.0.1 and a port of its own choosing (printed alone on the
first line of stdout):

  POST /v1/messages           Anthropic's Messages API, streaming (SSE with
                              message_start, content_block_start, ping,
                              content_block_delta, content_block_stop,
                              message_delta, message_stop) or not; usage
                              with cache_creation_input_tokens on the first
                              request with a given system prompt marked
                              cache_control, cache_read_input_tokens after
  POST /v1/chat/completions   OpenAI chat completions, streaming (data:
                              chunks, a usage chunk when stream_options
                              asks for it, data: [DONE]) or not
  POST /v1/embeddings         OpenAI embeddings: deterministic vectors from a
                              hash of each text (deliberately not unit length)

The answer is deterministic and built from the request: it quotes the
question and the title of the first "[Source: Title (type)]" of the context,
so citations can be checked.

Misbehaviour on demand, through a control endpoint:

  POST /_control {"mode": M, "times": 1, "model": ..., "path": ..., ...}
      queues `times` faults; each model request takes the first queued
      fault whose "model" and "path" (both optional) match it. Modes:
        "429"        status 429 with retry-after ("retry_after", default
                     "1"; "retry_after_ms" adds retry-after-ms)
        "500", "503", "529", "401", "400"
                     that status with the provider's error body (529 is
                     overloaded_error)
        "error"      stream "after_deltas" text deltas (default 0), then an
                     error event (overloaded_error / an OpenAI error chunk)
        "stall"      stream "after_deltas" deltas (default 1), then send
                     nothing until the client goes away (at most 30 s)
        "malformed"  stream "after_deltas" deltas (default 0), then an event
                     whose data is not JSON
        "drop"       stream "after_deltas" deltas (default 1), then close
                     the connection mid-response
        "hold"       stream "after_deltas" deltas (default 1), then send
                     nothing until released (below) or the client goes
                     away (at most 60 s), then the rest of the answer
        "slow"       stream "deltas" deltas (default 400), one every
                     "interval_ms" (default 10), stopping when the client
                     goes away
        "reverse"    (embeddings) return the vectors in reverse order
  POST /_control {"reset": true}   forgets faults, requests and the cache
  POST /_control {"release": true} ends every hold in progress
  GET  /_requests[?wait=N&timeout=S]
      every request so far (path, headers, body, fault, status, answer
      sent, "completed", "disconnected" when the client went away before
      the end); with wait, first waits until N requests are finished
      (at most S seconds, default 5); with held=N, until N requests are
      being held

The emulator exits when its stdin closes, so a test that dies leaves no
server behind.
"""

import hashlib
import json
import os
import re
import select
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

LOCK = threading.Condition()
FAULTS = []  # queued faults (dicts)
REQUESTS = []  # records (dicts), in arrival order
CACHE = set()  # prompt-cache keys seen
MODEL_PATHS = ("/v1/messages", "/v1/chat/completions", "/v1/embeddings")
RELEASES = [0]  # how many times holds were released


def tokens(text):
    """A deterministic stand-in for a tokenizer: one token per word."""
    return len(text.split())


def system_text(system):
    if isinstance(system, str):
        return system, False
    if isinstance(system, list):
        text = "".join(b.get("text", "") for b in system if isinstance(b, dict))
        cached = any(isinstance(b, dict) and b.get("cache_control") for b in system)
        return text, cached
    return "", False


def content_text(content):
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(b.get("text", "") for b in content if isinstance(b, dict))
    return ""


SOURCE = re.compile(r"\[Source: ([^\]\n]+?)(?: \(([^()\]]*)\))?\]")
QUESTION = re.compile(r"User Question: (.*?)\n\nAnswer the question", re.S)


def build_answer(user):
    """The answer to a user prompt: it quotes the question and the first source."""
    m = QUESTION.search(user)
    question = (m.group(1) if m else user.strip().splitlines()[-1] if user.strip() else "").strip()
    source = SOURCE.search(user)
    if not source:
        return "The context does not contain enough information to answer this."
    return (
        f'The context answers "{question}". '
        f"According to [Source: {source.group(1)}], the answer is there."
    )


def pieces(text):
    """Splits an answer into deltas the way models do: a word and its space."""
    return re.findall(r"\S+\s*|\s+", text)


def take_fault(path, model):
    with LOCK:
        for i, f in enumerate(FAULTS):
            if f.get("path") not in (None, path):
                continue
            if f.get("model") not in (None, model):
                continue
            return FAULTS.pop(i)
    return None


class Gone(Exception):
    """The client closed its side."""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "llm-emulator/1"

    def log_message(self, fmt, *args):  # quiet
        pass

    # ---- plumbing -------------------------------------------------------

    def read_json(self):
        n = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(n) if n else b""
        try:
            return json.loads(raw) if raw else {}
        except ValueError:
            return None

    def send_json(self, status, obj, headers=None):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def client_gone(self):
        try:
            r, _, _ = select.select([self.connection], [], [], 0)
            if r:
                return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True
        return False

    def start_stream(self, record):
        self.send_response(200)
        self.send_header("content-type", "text/event-stream; charset=utf-8")
        self.send_header("cache-control", "no-cache")
        self.send_header("transfer-encoding", "chunked")
        self.send_header("request-id", record["request_id"])
        self.send_header("x-request-id", record["request_id"])
        self.end_headers()

    def chunk(self, text):
        if self.client_gone():
            raise Gone()
        data = text.encode()
        try:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            raise Gone()

    def end_stream(self):
        try:
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            raise Gone()

    def drop(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def wait_for_leaving(self, seconds):
        """Waits up to `seconds` (0.05 s or less) for the client to leave: Gone."""
        r, _, _ = select.select([self.connection], [], [], seconds)
        if r:
            try:
                if self.connection.recv(1, socket.MSG_PEEK) == b"":
                    raise Gone()
            except OSError:
                raise Gone()

    def stall(self, record):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            self.wait_for_leaving(0.05)
        self.drop()

    def hold(self, record):
        """Sends nothing until a release, or the client leaves (Gone)."""
        with LOCK:
            generation = RELEASES[0]
            record["held"] = True
            LOCK.notify_all()
        deadline = time.monotonic() + 60
        try:
            while time.monotonic() < deadline:
                with LOCK:
                    if RELEASES[0] != generation:
                        return
                self.wait_for_leaving(0.05)
        finally:
            with LOCK:
                record["held"] = False
                LOCK.notify_all()

    # ---- routes ---------------------------------------------------------

    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/_requests":
            q = parse_qs(url.query)
            wait = int(q.get("wait", ["0"])[0])
            held = int(q.get("held", ["0"])[0])
            timeout = float(q.get("timeout", ["5"])[0])
            deadline = time.monotonic() + timeout

            def ready():
                return (sum(1 for r in REQUESTS if r["finished"]) >= wait
                        and sum(1 for r in REQUESTS if r.get("held")) >= held)

            with LOCK:
                while not ready():
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    LOCK.wait(left)
                done = ready()
                body = {"requests": list(REQUESTS), "timed_out": not done}
            self.send_json(200, body)
        elif url.path == "/_health":
            self.send_json(200, {"ok": True})
        else:
            self.send_json(404, {"error": {"type": "not_found_error", "message": "no route"}})

    def do_POST(self):
        path = urlparse(self.path).path
        body = self.read_json()
        if path == "/_control":
            with LOCK:
                if body and body.get("release"):
                    RELEASES[0] += 1
                    LOCK.notify_all()
                if body and body.get("reset"):
                    FAULTS.clear()
                    REQUESTS.clear()
                    CACHE.clear()
                if body and body.get("mode"):
                    for _ in range(int(body.get("times", 1))):
                        FAULTS.append(dict(body))
            self.send_json(200, {"ok": True, "queued": len(FAULTS)})
            return
        if path not in MODEL_PATHS:
            self.send_json(404, {"error": {"type": "not_found_error", "message": "no route"}})
            return
        with LOCK:
            record = {
                "id": len(REQUESTS) + 1,
                "request_id": "req_emu_%d" % (len(REQUESTS) + 1),
                "path": path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body,
                "fault": None,
                "status": 0,
                "answer": "",
                "completed": False,
                "disconnected": False,
                "finished": False,
            }
            REQUESTS.append(record)
        try:
            if body is None:
                self.fail(record, path, 400, "invalid_request_error", "body is not JSON")
                return
            fault = take_fault(path, body.get("model"))
            record["fault"] = fault
            if fault and fault["mode"] in ("429", "500", "503", "529", "401", "400"):
                self.fail_on_demand(record, path, fault)
            elif path == "/v1/messages":
                self.anthropic(record, body, fault)
            elif path == "/v1/chat/completions":
                self.openai_chat(record, body, fault)
            else:
                self.embeddings(record, body, fault)
        except Gone:
            record["disconnected"] = True
            self.close_connection = True
        finally:
            with LOCK:
                record["finished"] = True
                LOCK.notify_all()

    # ---- errors ---------------------------------------------------------

    def fail(self, record, path, status, etype, message, headers=None):
        record["status"] = status
        h = {"request-id": record["request_id"], "x-request-id": record["request_id"]}
        h.update(headers or {})
        if path == "/v1/messages":
            obj = {
                "type": "error",
                "error": {"type": etype, "message": message},
                "request_id": record["request_id"],
            }
        else:
            code = "rate_limit_exceeded" if status == 429 else None
            obj = {"error": {"message": message, "type": etype, "param": None, "code": code}}
        self.send_json(status, obj, h)
        record["completed"] = True

    def fail_on_demand(self, record, path, fault):
        mode = fault["mode"]
        anthropic = path == "/v1/messages"
        if mode == "429":
            h = {"retry-after": str(fault.get("retry_after", "1")), "x-should-retry": "true"}
            if "retry_after_ms" in fault:
                h["retry-after-ms"] = str(fault["retry_after_ms"])
            etype = "rate_limit_error" if anthropic else "requests"
            self.fail(record, path, 429, etype, "Rate limit reached (emulated)", h)
        elif mode == "529":
            self.fail(record, path, 529, "overloaded_error", "Overloaded")
        elif mode == "401":
            etype = "authentication_error" if anthropic else "invalid_request_error"
            self.fail(record, path, 401, etype, "invalid x-api-key")
        elif mode == "400":
            self.fail(record, path, 400, "invalid_request_error", "bad request (emulated)")
        else:
            etype = "api_error" if anthropic else "server_error"
            self.fail(record, path, int(mode), etype, "Internal server error (emulated)")

    # ---- Anthropic ------------------------------------------------------

    def anthropic(self, record, body, fault):
        model = body.get("model", "claude-emulated")
        system, cacheable = system_text(body.get("system"))
        messages = body.get("messages") or []
        user = content_text(messages[-1].get("content")) if messages else ""
        answer = build_answer(user)
        cache_write = cache_read = 0
        input_tokens = tokens(user)
        if cacheable and system:
            key = hashlib.sha256((model + "\0" + system).encode()).hexdigest()
            with LOCK:
                hit = key in CACHE
                CACHE.add(key)
            if hit:
                cache_read = tokens(system)
            else:
                cache_write = tokens(system)
        else:
            input_tokens += tokens(system)
        usage = {
            "input_tokens": input_tokens,
            "cache_creation_input_tokens": cache_write,
            "cache_read_input_tokens": cache_read,
            "cache_creation": {"ephemeral_5m_input_tokens": cache_write,
                               "ephemeral_1h_input_tokens": 0},
            "output_tokens": 1,
            "service_tier": "standard",
        }
        msg_id = "msg_emu_%d" % record["id"]
        parts = pieces(answer)
        if not body.get("stream"):
            record["status"] = 200
            record["answer"] = answer
            usage["output_tokens"] = len(parts)
            self.send_json(200, {
                "id": msg_id, "type": "message", "role": "assistant", "model": model,
                "content": [{"type": "text", "text": answer}], "stop_reason": "end_turn",
                "stop_sequence": None, "usage": usage,
            }, {"request-id": record["request_id"]})
            record["completed"] = True
            return

        def event(name, obj):
            # Compact JSON, as the API sends it (its ping has a space).
            text = '{"type": "ping"}' if name == "ping" else json.dumps(obj, separators=(",", ":"))
            self.chunk("event: %s\ndata: %s\n\n" % (name, text))

        def delta(text):
            event("content_block_delta", {"type": "content_block_delta", "index": 0,
                                          "delta": {"type": "text_delta", "text": text}})
            record["answer"] += text

        record["status"] = 200
        self.start_stream(record)
        event("message_start", {"type": "message_start", "message": {
            "id": msg_id, "type": "message", "role": "assistant", "model": model,
            "content": [], "stop_reason": None, "stop_sequence": None, "usage": usage}})
        event("content_block_start", {"type": "content_block_start", "index": 0,
                                      "content_block": {"type": "text", "text": ""}})
        event("ping", {"type": "ping"})
        mode = fault["mode"] if fault else None
        skip = 0  # deltas sent before a hold
        if mode == "hold":
            n = int(fault.get("after_deltas", 1))
            for text in parts[:n]:
                delta(text)
            self.hold(record)
            skip = n
        if mode in ("error", "stall", "malformed", "drop"):
            n = int(fault.get("after_deltas", 1 if mode in ("stall", "drop") else 0))
            for text in parts[:n]:
                delta(text)
            if mode == "error":
                event("error", {"type": "error", "error": {"type": "overloaded_error",
                                                           "message": "Overloaded"}})
                self.end_stream()
                record["completed"] = True
            elif mode == "malformed":
                self.chunk('event: content_block_delta\ndata: {"type": "content_block_delta", '
                           '"index": 0, "delta": {"type": "text_de\n\n')
                self.end_stream()
                record["completed"] = True
            elif mode == "drop":
                self.drop()
            else:
                self.stall(record)
            return
        if mode == "slow":
            interval = float(fault.get("interval_ms", 10)) / 1000
            for i in range(int(fault.get("deltas", 400))):
                delta("word%d " % i)
                time.sleep(interval)
        else:
            for text in parts[skip:]:
                delta(text)
        event("content_block_stop", {"type": "content_block_stop", "index": 0})
        event("message_delta", {"type": "message_delta",
                                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                                "usage": {"output_tokens": len(parts)}})
        event("message_stop", {"type": "message_stop"})
        self.end_stream()
        record["completed"] = True

    # ---- OpenAI chat ----------------------------------------------------

    def openai_chat(self, record, body, fault):
        model = body.get("model", "gpt-emulated")
        messages = body.get("messages") or []
        system = "".join(content_text(m.get("content")) for m in messages
                         if m.get("role") in ("system", "developer"))
        user = "".join(content_text(m.get("content")) for m in messages if m.get("role") == "user")
        answer = build_answer(user)
        prompt_tokens = tokens(system) + tokens(user)
        cached = 0
        if system:
            key = hashlib.sha256(("openai\0" + model + "\0" + system).encode()).hexdigest()
            with LOCK:
                if key in CACHE:
                    cached = tokens(system)
                CACHE.add(key)
        parts = pieces(answer)
        usage = {
            "prompt_tokens": prompt_tokens, "completion_tokens": len(parts),
            "total_tokens": prompt_tokens + len(parts),
            "prompt_tokens_details": {"cached_tokens": cached, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
                                          "accepted_prediction_tokens": 0,
                                          "rejected_prediction_tokens": 0},
        }
        chat_id = "chatcmpl-emu%d" % record["id"]
        created = int(time.time())
        if not body.get("stream"):
            record["status"] = 200
            record["answer"] = answer
            self.send_json(200, {
                "id": chat_id, "object": "chat.completion", "created": created, "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": answer,
                                                     "refusal": None},
                             "logprobs": None, "finish_reason": "stop"}],
                "usage": usage, "system_fingerprint": "fp_emu"})
            record["completed"] = True
            return
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))

        def chunk(choices, extra=None):
            obj = {"id": chat_id, "object": "chat.completion.chunk", "created": created,
                   "model": model, "system_fingerprint": "fp_emu", "choices": choices}
            if include_usage:
                obj["usage"] = None
            obj.update(extra or {})
            self.chunk("data: %s\n\n" % json.dumps(obj, separators=(",", ":")))

        def delta(text):
            chunk([{"index": 0, "delta": {"content": text}, "logprobs": None,
                    "finish_reason": None}])
            record["answer"] += text

        record["status"] = 200
        self.start_stream(record)
        chunk([{"index": 0, "delta": {"role": "assistant", "content": "", "refusal": None},
                "logprobs": None, "finish_reason": None}])
        mode = fault["mode"] if fault else None
        skip = 0  # deltas sent before a hold
        if mode == "hold":
            n = int(fault.get("after_deltas", 1))
            for text in parts[:n]:
                delta(text)
            self.hold(record)
            skip = n
        if mode in ("error", "stall", "malformed", "drop"):
            n = int(fault.get("after_deltas", 1 if mode in ("stall", "drop") else 0))
            for text in parts[:n]:
                delta(text)
            if mode == "error":
                self.chunk("data: %s\n\n" % json.dumps({"error": {
                    "message": "The server had an error while processing your request.",
                    "type": "server_error", "param": None, "code": None}}))
                self.end_stream()
                record["completed"] = True
            elif mode == "malformed":
                self.chunk('data: {"id": "chatcmpl-emu", "choices": [{"delta": {"cont\n\n')
                self.end_stream()
                record["completed"] = True
            elif mode == "drop":
                self.drop()
            else:
                self.stall(record)
            return
        if mode == "slow":
            interval = float(fault.get("interval_ms", 10)) / 1000
            for i in range(int(fault.get("deltas", 400))):
                delta("word%d " % i)
                time.sleep(interval)
        else:
            for text in parts[skip:]:
                delta(text)
        chunk([{"index": 0, "delta": {}, "logprobs": None, "finish_reason": "stop"}])
        if include_usage:
            chunk([], {"usage": usage})
        self.chunk("data: [DONE]\n\n")
        self.end_stream()
        record["completed"] = True

    # ---- OpenAI embeddings ----------------------------------------------

    def embeddings(self, record, body, fault):
        inputs = body.get("input")
        if isinstance(inputs, str):
            inputs = [inputs]
        if not isinstance(inputs, list) or not inputs or len(inputs) > 2048 or any(
                not isinstance(t, str) or t == "" for t in inputs):
            self.fail(record, "/v1/embeddings", 400, "invalid_request_error",
                      "'$.input' is invalid: a non-empty list of at most 2048 non-empty strings")
            return
        dims = int(body.get("dimensions") or 16)
        data = []
        for i, text in enumerate(inputs):
            data.append({"object": "embedding", "index": i, "embedding": vector(text, dims)})
        if fault and fault["mode"] == "reverse":
            data.reverse()
        total = sum(max(1, tokens(t)) for t in inputs)
        record["status"] = 200
        record["batch"] = len(inputs)
        self.send_json(200, {"object": "list", "data": data, "model": body.get("model", ""),
                             "usage": {"prompt_tokens": total, "total_tokens": total}},
                       {"x-request-id": record["request_id"]})
        record["completed"] = True


def vector(text, dims):
    """Deterministic floats in [-3, 3) from a hash of the text: the same text
    always gives the same direction, and the length is not 1."""
    out = []
    counter = 0
    while len(out) < dims:
        digest = hashlib.sha256(b"%d\0" % counter + text.encode()).digest()
        for (v,) in struct.iter_unpack(">I", digest):
            out.append(round((v / 2**32 * 2 - 1) * 3, 6))
        counter += 1
    return out[:dims]


def watch_stdin():
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except OSError:
        pass
    os._exit(0)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that hangs up (the point of several tests) is no error.
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def main():
    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    threading.Thread(target=watch_stdin, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
