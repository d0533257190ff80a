"""Without pyspark or Java, engine='spark' is a MissingExtraError naming what to install."""

from __future__ import annotations

from helpers import run_python

_COMPARE = (
    "import driftkl, pandas as pd\n"
    "from driftkl.errors import MissingExtraError\n"
    "try:\n"
    "    driftkl.compare(pd.DataFrame({'a': [1.0, 2.0]}), pd.DataFrame({'a': [1.0, 3.0]}),"
    " engine='spark')\n"
    "except MissingExtraError as exc:\n"
    "    print('MISSING', exc)\n"
)


def test_without_pyspark_the_error_names_the_spark_extra():
    """pyspark not importable: the error names pip install 'driftkl[spark]'."""
    proc = run_python("import sys\nsys.modules['pyspark'] = None\n" + _COMPARE)
    assert proc.returncode == 0, proc.stderr
    assert "MISSING" in proc.stdout
    assert "pip install 'driftkl[spark]'" in proc.stdout


def test_without_java_the_error_names_the_debian_package(tmp_path):
    """No java on PATH and no JAVA_HOME: the error says to install a Java 17 runtime."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    code = (
        "import os\n"
        f"os.environ['PATH'] = {str(bin_dir)!r}\n"
        "os.environ.pop('JAVA_HOME', None)\n"
        "os.environ.pop('SPARK_HOME', None)\n" + _COMPARE
    )
    proc = run_python(code)
    assert proc.returncode == 0, proc.stderr
    assert "MISSING" in proc.stdout, (proc.stdout, proc.stderr)
    assert "openjdk-17-jre-headless" in proc.stdout
