"""Run one page's Python examples in order, in this process: ``python example_runner.py FILE``.

FILE is JSON: a list of ``{"lang", "code", "name", "line"}``. ``python`` blocks are executed,
``pycon`` blocks run as doctests (their printed values are checked), all in one namespace, so
later blocks see what earlier ones defined, as a reader would.
"""

from __future__ import annotations

import doctest
import json
import sys
from pathlib import Path


def main(path: str) -> int:
    """Execute the blocks; the first failure ends the run with its traceback."""
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for block in json.loads(Path(path).read_text()):
        where = f"{block['name']}:{block['line']}"
        if block["lang"] == "pycon":
            test = doctest.DocTestParser().get_doctest(
                block["code"], namespace, where, block["name"], block["line"] - 1
            )
            runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
            result = runner.run(test, clear_globs=False)
            if result.failed:
                sys.stderr.write(f"{where}: {result.failed} doctest example(s) failed\n")
                return 1
        else:
            # Line numbers in tracebacks point at the page: pad the block to its first line.
            code = "\n" * (block["line"] - 1) + block["code"]
            exec(compile(code, block["name"], "exec"), namespace)  # noqa: S102
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
