"""The child side of a kata run: load the player's code, then call their function on request.

Run as ``python -I _child.py REQUEST_FD RESPONSE_FD CODE_PATH FUNCTION PARAMS BOUNDS
OUTPUT_CHARS`` by ``engine.katas.runner`` in a scrubbed, resource-limited child process. It
imports nothing from tpm-drill (and only small standard-library modules) so the child is
ready as fast as a bare interpreter: the time a check takes is the player's imports and
their function, not ours.

The channel: requests arrive as JSON lines on ``REQUEST_FD`` and every answer leaves as one
JSON line on ``RESPONSE_FD``, a pipe of its own. The player's ``print`` (``sys.stdout``) and
``sys.stderr`` go to a writer that keeps the first ``OUTPUT_CHARS`` characters in the file the
parent gave as fd 1 and drops the rest, so nothing the player prints can corrupt a result or
fill the disk.

Messages out: ``{"loaded": true}`` or ``{"error": {...}}`` once the code is loaded; then, for
a request ``{"op": "call", "cases": [[arg, ...], ...]}``, one ``{"value": number}`` (or
``{"value": [estimate, low, high]}`` for a bounds kata) or ``{"error": {...}}`` per case, in
order. An error is ``{"kind", "message", "line"}`` with ``line`` in the player's own file.
``{"op": "quit"}`` ends the loop.
"""

import json
import math
import os
import sys

#: Longest description of a value that came back (its repr is cut here).
_SHOWN_CHARS = 120
#: Longest exception message passed on.
_MESSAGE_CHARS = 600


class _CappedOutput:
    """A text stream that writes its first ``limit`` characters to ``fd`` and drops the rest.

    Writes go straight to the file descriptor (no buffer), so what was printed before the
    process is killed (an endless loop, the memory limit) is still there for the player.
    """

    encoding = "utf-8"
    errors = "replace"

    def __init__(self, fd, limit):
        self._fd = fd
        self._left = limit

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if self._left > 0 and text:
            piece = text[: self._left]
            self._left -= len(piece)
            data = piece.encode("utf-8", "replace")
            try:
                while data:
                    written = os.write(self._fd, data)
                    data = data[written:]
            except OSError:  # the file-size limit, a closed descriptor: output is best effort
                self._left = 0
        return len(text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        pass

    def isatty(self):
        return False

    def writable(self):
        return True

    def readable(self):
        return False

    def fileno(self):
        return self._fd

    @property
    def closed(self):
        return False


class _Channel:
    """JSON lines in from the parent, JSON lines out to it, on descriptors of their own."""

    def __init__(self, request_fd, response_fd):
        self._requests = os.fdopen(request_fd, "rb", buffering=0)
        self._response_fd = response_fd
        self._pending = b""

    def send(self, message):
        data = (json.dumps(message, allow_nan=True) + "\n").encode("utf-8")
        while data:
            written = os.write(self._response_fd, data)
            data = data[written:]

    def receive(self):
        """The next request, or ``None`` when the parent closed the pipe."""
        while b"\n" not in self._pending:
            chunk = self._requests.read(65536)
            if not chunk:
                return None
            self._pending += chunk
        line, _, self._pending = self._pending.partition(b"\n")
        return json.loads(line)


def _player_line(error, code_path):
    """The line of the player's own file where ``error`` was raised (the innermost frame in
    that file), or ``None`` when it came from elsewhere (a bad call, a library)."""
    line = None
    trace = error.__traceback__
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == code_path:
            line = trace.tb_lineno
        trace = trace.tb_next
    return line


def _describe(value):
    """What came back, for a message: its type and a short repr."""
    try:
        shown = repr(value)
    except Exception:  # a repr that raises is the player's; say what it was
        shown = "<unprintable>"
    if len(shown) > _SHOWN_CHARS:
        shown = shown[: _SHOWN_CHARS - 1] + "…"
    return f"{shown} ({type(value).__name__})"


def _error(kind, message, line=None, name=None):
    error = {"kind": kind, "message": message[:_MESSAGE_CHARS], "line": line}
    if name is not None:
        error["type"] = name
    return {"error": error}


def _exception(error, code_path):
    """An exception raised by the player's code as an error message."""
    line = _player_line(error, code_path)
    if isinstance(error, SystemExit):
        return _error("exit", f"your code called exit({error.code!r})", line)
    if isinstance(error, MemoryError):
        detail = str(error)
        return _error("memory", "ran out of memory" + (f" ({detail})" if detail else ""), line)
    try:
        text = str(error)
    except Exception:  # an exception whose str raises
        text = ""
    name = type(error).__name__
    return _error("exception", f"{name}: {text}" if text else name, line, name)


def _number(value):
    """``value`` as a float if it is a real number (a numpy scalar or 0-d array too; not a
    bool), else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:
            return float(value)
        except OverflowError:
            return None
    kind = type(value)
    if kind.__module__.split(".")[0] == "numpy" and getattr(value, "shape", None) == ():
        try:
            item = value.item()
        except Exception:
            return None
        if isinstance(item, bool) or not isinstance(item, (int, float)):
            return None
        return float(item)
    import numbers

    if isinstance(value, numbers.Real):
        try:
            return float(value)
        except (TypeError, ValueError, OverflowError):
            return None
    return None


def _result(value, bounds):
    """A case's answer: the value(s) as floats, or a ``wrong_type`` error naming what came
    back."""
    if bounds:
        if isinstance(value, (tuple, list)) and len(value) == 3:
            numbers = [_number(part) for part in value]
            if all(number is not None for number in numbers):
                if any(math.isnan(number) for number in numbers):
                    return _error("wrong_type", f"returned {_describe(value)}: NaN is not a "
                                  "number a model can give")
                return {"value": numbers}
        return _error("wrong_type", f"returned {_describe(value)}; this kata asks for three "
                      "numbers: (estimate, low, high)")
    number = _number(value)
    if number is None:
        hint = " (a tuple: this kata asks for one number)" if isinstance(value, tuple) else ""
        return _error("wrong_type", f"returned {_describe(value)}{hint}; it must return "
                      "a number")
    if math.isnan(number):
        return _error("wrong_type", f"returned {_describe(value)}: NaN is not a number a "
                      "model can give")
    return {"value": number}


def _load(code_path, function_name, param_count):
    """Import the player's file as the module ``solution`` (the standard import machinery:
    compiled from the file, so tracebacks name its lines); their function, or an error
    message."""
    import importlib.util

    try:
        spec = importlib.util.spec_from_file_location("solution", code_path)
        module = importlib.util.module_from_spec(spec)
        sys.modules["solution"] = module  # what dataclasses and pickle look classes up in
        spec.loader.exec_module(module)
    except SyntaxError as error:
        if error.filename not in (code_path, None, "<unknown>"):  # raised by code it ran
            return None, _exception(error, code_path)
        message = error.msg or "invalid syntax"
        return None, _error("syntax", message, error.lineno)
    except (ValueError, UnicodeDecodeError) as error:
        if _player_line(error, code_path) is not None:
            return None, _exception(error, code_path)
        return None, _error("syntax", str(error), None)  # a NUL byte, undecodable text
    except BaseException as error:
        return None, _exception(error, code_path)
    namespace = vars(module)
    function = namespace.get(function_name)
    if not callable(function):
        defined = sorted(name for name, value in namespace.items()
                         if callable(value) and not name.startswith("_")
                         and getattr(value, "__module__", None) == "solution")
        found = f"it defines {', '.join(defined)}" if defined else "it defines no function"
        return None, _error("missing_function", f"your code has no function "
                            f"{function_name} ({found})")
    import inspect

    try:
        inspect.signature(function).bind(*range(param_count))
    except TypeError:
        try:
            shown = str(inspect.signature(function))
        except (TypeError, ValueError):
            shown = "(…)"
        return None, _error("missing_function", f"{function_name}{shown} cannot be called "
                            f"with the kata's {param_count} arguments")
    except ValueError:  # no signature to inspect (a builtin): let the call say
        pass
    return function, None


def main(argv):
    request_fd, response_fd = int(argv[1]), int(argv[2])
    code_path, function_name = argv[3], argv[4]
    param_count, bounds, output_chars = int(argv[5]), argv[6] == "1", int(argv[7])
    try:
        import signal

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the file-size limit: an error, not death
    except (ImportError, AttributeError, ValueError):
        pass
    sys.dont_write_bytecode = True  # no __pycache__ for the player's file
    output = _CappedOutput(1, output_chars)
    sys.stdout = sys.stderr = output
    channel = _Channel(request_fd, response_fd)
    function, error = _load(code_path, function_name, param_count)
    if error is not None:
        channel.send(error)
        return
    channel.send({"loaded": True})
    while True:
        request = channel.receive()
        if request is None or request.get("op") != "call":
            return
        for args in request["cases"]:
            try:
                value = function(*args)
            except BaseException as raised:
                answer = _exception(raised, code_path)
            else:
                try:
                    answer = _result(value, bounds)
                except Exception as raised:  # a value whose conversion raises
                    answer = _error("wrong_type", f"returned a value that cannot be read "
                                    f"({type(raised).__name__})")
            channel.send(answer)
            if answer.get("error", {}).get("kind") in ("exit", "memory"):
                break  # the parent stops the run here: run nothing more of the batch


if __name__ == "__main__":
    main(sys.argv)
