/**
 * Warms the scanner up before a large scan. V8 optimises a function with the types it saw so far; a branch
 * never taken before then (a plain line closing a `try`, an f-string with a nested quote, a `lambda` in a
 * header) throws the optimised code away when a file first takes it, and the function runs unoptimised
 * until it is compiled again. On CPython's Lib that happened dozens of times, all through the scan. A few
 * rounds over these small sources, which take every branch, let the first optimisation cover them all.
 * The results are discarded: priming changes nothing a scan reports. Where the scan runs as WebAssembly
 * (scanner.ts), nothing waits for the optimising compiler: one round then only loads the module.
 */
import { scansAsWebAssembly } from "./scanner.js";
import { type FileScan, scanBytes } from "./source-file.js";

/** Rounds over the samples: enough runs for V8 to collect type feedback on every function (~20 ms). */
const ROUNDS = 12;

/** Everything the scanner looks at, once: imports in every context, guards, Python 2, sys.path, strings. */
const EVERYTHING = String.raw`#!/usr/bin/env python
# -*- coding: utf-8 -*-
"""Module docstring with 'quotes', \"escapes\" and a backslash \\ at the end\\"""
from __future__ import annotations
import os, sys as system
import a.b.c as d, e
from . import x
from ..pkg.mod import (name1 as n1, name2,
                       name3,)
from mod import *
from .. import (y)
try:
    import fast_json as json
except (ImportError, ModuleNotFoundError):
    import json
else:
    from fast_json import extra
finally:
    cleanup()
plain_after_try = 1
try: import yaml
except ImportError, error: yaml = None
try:
    import ujson
except Exception as exc:
    raise
except:
    pass
with suppress(ImportError):
    import optional_thing
with suppress(KeyError): pass
with open("f") as fh, ctx() as other: data = fh.read()
if TYPE_CHECKING:
    from typing_extensions import Self
elif typing.TYPE_CHECKING:
    pass
else:
    Self = None
if sys.version_info >= (3, 11):
    import tomllib
elif sys.version_info[:2] < (3, 8) and not PY2:
    import tomli as tomllib
else:
    tomllib = None
if PY3K or six.PY2:
    import cPickle
if IS_PY3: pass
if "trio" in sys.modules:
    import trio
if not TYPE_CHECKING and x.y: import z
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "..", "src"))
sys.path.append(str(Path(__file__).resolve().parents[1] / "lib"))
sys.path.append(os.path.join(os.pardir, 'lib', r'raw\dir'))
site.addsitedir(os.pardir); monkeypatch.syspath_prepend("x")
sys.stdout.write("x"); sys.argv
value = f"{a!r:>{width}} {b['k']} {c:{d}.{e}} \N{EM DASH} {{literal}} \{ {f"{nested}"} {x:%Y}"
raw = rb'\d+' + Rb"x" + u'y' + b'''z''' + BR"""w""" + fr"{x}\n" + t"{y}" + f'''{"a"}" '' '''
more = f"""{x:{'>'}10} " "" {y!s}""" + rf'{z}\N' + F"{'{'}" + f'{a:{b}{c}}' + f"{x:\n}"
text = '''triple
single ' quotes \''' still'''
escaped = "a \" b" + 'c \' d' + "line \
continued"
number = 1e-5 + 0x1F + 1_000j + .5 + 1.2E+3 + 0o17 + 0b101 + 7L if x else 3
lam = lambda x, y=1: x[y:2]
if (n := len(data)) > 1: import walrus_mod
if (lambda: x)() and y[1:2]: import lambda_mod
match command:
    case [x, y, *rest] if x: import matched
    case {"k": v}: pass
    case _:
        pass
match = 1; case = 2
match(x)
class Klass(Base, metaclass=Meta):
    """Class docstring."""
    attr: int = 3
    def method(self, arg: "str" = "d", *args, f=lambda: 1, **kwargs) -> dict[str, int]:
        import inside_method
        try:
            import maybe
        except ImportError:
            maybe = None
        self.value = [maybe,
                      arg]
        return {k: v for k, v in kwargs.items() if k}
    async def coro(self):
        async with lock: await x
        async for i in gen(): pass
    def other(self): return self.value
@decorator(arg=lambda: 1)
def fn(a, b): return a \
    + b
for i in range(3): print(i)
else: pass
while False: break
print "python 2", x
print >>sys.stderr, "x"
print x
print(x); print if x else y
exec code in ns
exec "code"
exec(code)
assert isinstance(x, int), "message"
del x[0]; global g; nonlocal_thing = (1,
    2,
    3)
; stray = 1
ünïcödé = "ünïcödé" + '\u00fc' + "\x00"
importlib.import_module("plugins.thing"); __import__('other')
pytest.importorskip("numpy")
mod = import_module(name)
if __name__ == "__main__":
    main()
`;

/** Imports at the top and nothing after them that needs a look: the scan stops early. */
const EARLY_STOP = String.raw`"""A module whose imports all come first."""
import json
from typing import Any


def load(path: str) -> Any:
    with open(path) as f:
        return json.load(f)


class Loader:
    def __call__(self, path):
        return load(path)


RUN_AS = "__main__"
if __name__ == '__main__':
    load("x")
`;

/**
 * Branches the samples above leave untaken that a large tree takes early on (each found as a deoptimisation
 * on CPython's Lib): a comment after a lexed token, a plain line closing a guarded block, a top-level walrus
 * or a near-`lambda` word in a skipped header, `#` inside an f-string field.
 */
const RARER = String.raw`import os  # trailing comment
from a import (b,  # inside brackets
    c)
with suppress(ImportError):
    import optional_two
after_block = 1
if TYPE_CHECKING:
    import typed
after_typed = 2
while chunk := read():
    pass
for xlambda, lambda_ in pairs: pass
def lambdas(f=lambda: 0) -> lambda_type: pass
text = f"""{value # comment
}"""
try:
    import deep
except ImportError: deep = None
after_try = 3
import cont1, \
    cont2
if __name__ == "__main__":
    import runner
`;

/** Broken code: a bracket never closed, then an unterminated triple-quoted string. */
const BROKEN = String.raw`import ok
values = [1, 2,
def after(): pass
import os
call(x,
class Later: pass
text = """never closed
import hidden
`;

/** Tabs and form feeds in indentation, CRLF line endings, a PEP 723 block, a namespace package. */
const ODD_LAYOUT = String.raw`# /// script
# dependencies = ["requests"]
# ///
__path__ = __import__("pkgutil").extend_path(__path__, __name__)
try:
	import tabbed
except ImportError:
	tabbed = None
if x:
	y = 1
        z = 2
	import deeper
w = 3
`.replace(/\n/g, "\r\n");

const SAMPLES: [string, Buffer][] = [
  ["primer.py", Buffer.from(EVERYTHING)],
  ["early.py", Buffer.from(EARLY_STOP)],
  ["rarer.py", Buffer.from(RARER)],
  ["broken.py", Buffer.from(BROKEN)],
  ["pkg/__init__.py", Buffer.from(ODD_LAYOUT)],
  ["latin1.py", Buffer.from("# -*- coding: latin-1 -*-\nimport caf\xe9\nname = 'caf\xe9'\n", "latin1")],
  ["bom.py", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("import bom\n")])],
];

/** Runs the scanner over the samples; returns what it found so the work cannot be skipped. */
export function primeScanner(): FileScan[] {
  let last: FileScan[] = [];
  const rounds = scansAsWebAssembly() ? 1 : ROUNDS;
  for (let round = 0; round < rounds; round++) last = SAMPLES.map(([file, bytes]) => scanBytes(file, bytes));
  return last;
}
