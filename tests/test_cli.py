"""The lstmshape command, as a user runs it.

Errors and reports run ``main()`` in this process (output captured); what depends on a fresh
process (start-up time, TensorFlow's start-up lines, the installed entry points, training)
runs in subprocesses with bounded time.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest

from lstmshape.cli import _demo as demo_module
from lstmshape.cli import main
from lstmshape.cli._quiet import NOISE, _filtered_stderr, is_noise

from .test_examples import assert_png

SCRIPTS = Path(sysconfig.get_path("scripts"))
#: TensorFlow's own settings removed, so subprocesses see what a user's shell gives.
TF_SETTINGS = ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS")


def run(*args, cwd=None, timeout=600, env=None):
    base = {k: v for k, v in os.environ.items() if k not in TF_SETTINGS}
    return subprocess.run(
        [*args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
        env={**base, **(env or {})},
    )


def lstmshape_command():
    found = SCRIPTS / "lstmshape"
    return [str(found)] if found.exists() else [sys.executable, "-m", "lstmshape"]


def cli(capsys, *args):
    """Run the command in this process; return (exit code, stdout, stderr)."""
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def no_training(monkeypatch):
    """Fail loudly if the demo reaches its first slow step (importing TensorFlow)."""

    def refuse(**_):
        raise AssertionError("the demo started the slow part before finding the problem")

    monkeypatch.setattr(demo_module, "quiet_keras", refuse)


def write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


PRICES = "Date,price,name\n2024-01-05,5,a\n2024-01-04,4,b\n2024-01-03,3,c\n2024-01-02,2,d\n2024-01-01,1,e\n"


# --help: fast, true, and never imports TensorFlow ------------------------------------------


@pytest.mark.parametrize("args", [["--help"], ["demo", "--help"], ["inspect", "--help"]])
def test_help_answers_fast_without_importing_tensorflow(args):
    code = (
        "import sys\nfrom lstmshape.cli import main\n"
        f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
        "print('TF IMPORTED' if 'tensorflow' in sys.modules or 'keras' in sys.modules else 'ok')"
    )
    start = time.perf_counter()
    out = run(sys.executable, "-c", code, timeout=60)
    elapsed = time.perf_counter() - start
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("ok"), out.stdout[-300:]
    assert "usage: lstmshape" in out.stdout
    assert elapsed < 3, f"--help took {elapsed:.2f} s"


def test_help_of_the_installed_command_is_fast():
    start = time.perf_counter()
    out = run(*lstmshape_command(), "demo", "--help", timeout=60)
    elapsed = time.perf_counter() - start
    assert out.returncode == 0 and "--lookback" in out.stdout
    assert elapsed < 3, f"lstmshape demo --help took {elapsed:.2f} s"


def test_inspect_and_demo_agree_on_default_features(capsys, tmp_path):
    for command in ("demo", "inspect"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        text = " ".join(capsys.readouterr().out.split())
        assert "input columns (default: the target alone;" in text, command
    csv = write(
        tmp_path, "Date,a,b\n" + "".join(f"2024-01-{d:02},{d},{-d}\n" for d in range(1, 21))
    )
    code, out, err = cli(capsys, "inspect", csv, "--lookback", "3", "--test", "4")
    assert code == 0, err
    assert "Target: 'a'   Features: 'a'  (the target alone; add columns with --features)" in out
    assert "X (17, 3, 1) = 17 samples x 3 timesteps x 1 feature ('a')" in out
    code, out, err = cli(capsys, "inspect", csv, "--lookback", "3", "--features", "a", "b")
    assert code == 0, err
    assert "X (17, 3, 2) = 17 samples x 3 timesteps x 2 features ('a', 'b')" in out


def test_help_and_version(capsys):
    out = run(*lstmshape_command(), "--help", timeout=60)
    assert out.returncode == 0
    assert "demo" in out.stdout and "inspect" in out.stdout
    assert run(*lstmshape_command(), "--version", timeout=60).stdout.startswith("lstmshape ")


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["demo", "--lookback", "0"])
    assert raised.value.code == 2
    assert "must be at least 1, got 0" in capsys.readouterr().err
    assert main([]) == 2
    with pytest.raises(SystemExit):
        main(["inspect", "x.csv", "--sep", ";;"])
    assert "expected one character (or tab), got ';;'" in capsys.readouterr().err


# Bad input: one line "lstmshape: error: ...", exit code 1, no traceback ----------------------

ERRORS = [
    (["inspect", "missing.csv"], "lstmshape: error: No such file: missing.csv"),
    (["demo", "--csv", "missing.csv", "--plot", ""], "lstmshape: error: No such file: missing.csv"),
    (["inspect", "{dir}"], "is a directory, not a CSV file"),
    (["demo", "--csv", "{dir}", "--plot", ""], "is a directory, not a CSV file"),
    (["inspect", "{empty}"], "is empty: no header, no rows."),
    (
        ["inspect", "{header}"],
        "has a header ('Date', 'price', 'name') but no rows of data: there is nothing to make windows of.",
    ),
    (
        ["inspect", "{csv}", "--target", "Volume"],
        "Column(s) 'Volume' (--target) not found. Available columns: price, name",
    ),
    (
        ["inspect", "{csv}", "--target", "prise"],
        "Column(s) 'prise' (--target) not found. Did you mean 'price'?",
    ),
    (["inspect", "{csv}", "--target", "name"], "Column 'name' (--target) is not numeric"),
    (
        ["demo", "--csv", "{csv}", "--target", "name", "--plot", ""],
        "Column 'name' (--target) is not numeric",
    ),
    (
        ["inspect", "{csv}", "--date-column", "price"],
        "Column 'price' (--date-column) holds numbers (int64), not dates: numbers would be read "
        "as nanoseconds since 1970.",
    ),
    (
        ["inspect", "{csv}", "--date-column", "name"],
        "Column 'name' (--date-column) does not hold dates",
    ),
    (
        ["inspect", "{semicolons}"],
        "was read as one column named 'Date;price': its fields seem to be separated by ';', not "
        "by ','. Pass --sep ';' --decimal ',' (its numbers use a decimal comma).",
    ),
    (
        ["inspect", "{semicolons}", "--sep", ";"],
        "its numbers use a decimal comma ('1,5'); pass --decimal ','.",
    ),
    (
        ["inspect", "{semicolons}", "--sep", ";", "--target", "price"],
        "Column 'price' (--target) is not numeric (dtype ",
    ),
    (["inspect", "{tabs}"], "separated by '\\t', not by ','. Pass --sep '\\t'."),
    (
        ["inspect", "{ambiguous}"],
        "Column 'Date' (--date-column) holds ambiguous dates: '01/02/2020' reads as 2020-01-02 "
        "month first or 2020-02-01 day first, and both readings are in time order. Pass "
        "--dayfirst (31/12/2020) or --monthfirst (12/31/2020).",
    ),
    (
        ["inspect", "{csv}", "--target", "price", "--lookback", "60"],
        "The largest --lookback that fits these 5 rows is 3 (the command also needs a "
        "training part and a test part, --test 0.1).",
    ),
    (
        ["demo", "--csv", "{csv}", "--target", "price", "--lookback", "60", "--plot", ""],
        "The largest --lookback that fits these 5 rows is",
    ),
    (["demo", "--plot", "{csv}/plot.png"], "cannot be written: {csv} is not a directory."),
    (["demo", "--plot", "{dir}"], "is a directory; give a file name in it."),
    (["demo", "--plot", "plot.txt"], "must end in .png, .pdf, .svg, .jpg, .jpeg"),
    (["demo", "--csv", "{csv}", "--test", "0", "--plot", ""], "--test must be > 0"),
]


@pytest.mark.parametrize(("args", "message"), ERRORS)
def test_errors_are_one_message_with_exit_code_1(
    tmp_path, capsys, monkeypatch, no_training, args, message
):
    files = {
        "csv": write(tmp_path, PRICES),
        "dir": tmp_path / "folder",
        "empty": write(tmp_path, "", "empty.csv"),
        "header": write(tmp_path, "Date,price,name\n", "header.csv"),
        "semicolons": write(tmp_path, "Date;price\n2024-01-01;1,5\n2024-01-02;2,5\n", "semi.csv"),
        "tabs": write(tmp_path, "Date\tprice\n2024-01-01\t1\n2024-01-02\t2\n", "tabs.csv"),
        "ambiguous": write(
            tmp_path, "Date,price\n01/02/2020,1\n02/02/2020,2\n03/02/2020,3\n", "ambiguous.csv"
        ),
    }
    files["dir"].mkdir()
    monkeypatch.chdir(tmp_path)  # relative paths (plot.txt) land in the temporary folder
    code, out, err = cli(capsys, *[a.format(**files) for a in args])
    assert code == 1, (out, err)
    assert err.startswith("lstmshape: error: ")
    assert message.format(**files) in err
    assert "Traceback" not in err


def test_too_few_rows_in_the_reference_csv_says_the_largest_lookback(capsys, shared_data):
    code, _, err = cli(capsys, "inspect", shared_data / "tatatest.csv", "--lookback", "60")
    assert code == 1
    assert "from a series of 16 rows" in err
    assert (
        "The largest --lookback that fits these 16 rows is 13 (the command also needs a "
        "training part and a test part, --test 0.1)."
    ) in err
    code, _, _ = cli(capsys, "inspect", shared_data / "tatatest.csv", "--lookback", "13")
    assert code == 0


def test_too_few_rows_does_not_mention_options_the_cli_lacks(capsys, tmp_path):
    code, _, err = cli(capsys, "inspect", write(tmp_path, PRICES), "--lookback", "60")
    assert code == 1
    assert "shift" not in err


def test_unexpected_errors_say_bug_without_traceback_unless_verbose(tmp_path, capsys, monkeypatch):
    from lstmshape.cli import _inspect

    def broken(*_, **__):
        raise RuntimeError("boom")

    monkeypatch.setattr(_inspect, "inspect_table", broken)
    csv = write(tmp_path, PRICES)
    code, _, err = cli(capsys, "inspect", csv)
    assert code == 1
    assert err.startswith("lstmshape: error: unexpected RuntimeError: boom")
    assert "This is a bug in lstmshape" in err and "Traceback" not in err
    code, _, err = cli(capsys, "inspect", csv, "--verbose")
    assert code == 1 and "Traceback" in err and "RuntimeError: boom" in err


def test_demo_checks_optional_dependencies_before_training(capsys, monkeypatch, no_training):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if not installed
    code, _, err = cli(capsys, "demo", "--epochs", "1")
    assert code == 1
    assert (
        "The demo needs TensorFlow, scikit-learn, matplotlib; not installed: matplotlib. "
        "Install them with: pip install \"lstmshape[all]\" (or pass --plot '' to skip the plot)"
    ) in err
    monkeypatch.setitem(sys.modules, "sklearn", None)
    code, _, err = cli(capsys, "demo", "--plot", "")
    assert "not installed: scikit-learn." in err


def test_demo_leaves_no_file_behind_when_checking_the_plot_path(tmp_path, capsys, no_training):
    plot = tmp_path / "new" / "demo.png"
    code, _, err = cli(capsys, "demo", "--plot", plot, "--csv", tmp_path / "missing.csv")
    assert code == 1 and "No such file" in err
    assert not plot.exists()


def test_demo_prints_one_line_per_epoch_when_not_on_a_terminal(capsys, monkeypatch):
    seen = []
    monkeypatch.setattr(demo_module, "run_demo", lambda options: seen.append(options))
    assert main(["demo"]) == 0
    assert main(["demo", "--quiet"]) == 0
    assert [o.keras_verbose for o in seen] == [2, 0]  # stdout is captured: not a terminal
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert main(["demo"]) == 0
    assert seen[-1].keras_verbose == 1


# Dates --------------------------------------------------------------------------------------

DAY_FIRST = "Date,price\n10/03/2020,1\n11/03/2020,2\n12/03/2020,3\n01/04/2020,4\n02/04/2020,5\n"


def test_day_first_dates_are_not_read_month_first_when_only_day_first_is_in_order(tmp_path, capsys):
    csv = write(tmp_path, DAY_FIRST)
    code, out, err = cli(capsys, "inspect", csv, "--lookback", "1", "--test", "1")
    assert code == 0, err
    assert "Time: 2020-03-10 .. 2020-04-02 (Date)" in out
    assert (
        "Dates in 'Date' are ambiguous ('10/03/2020' reads as 2020-10-03 month first or "
        "2020-03-10 day first); they were read day first, the only reading in time order"
    ) in out
    assert "Pass --monthfirst to read them month first." in out
    code, out, err = cli(capsys, "inspect", csv, "--lookback", "1", "--test", "1", "--monthfirst")
    assert code == 0, err
    assert "Time: 2020-01-04 .. 2020-12-03 (Date)" in out
    assert "stored unordered" in out


def test_dates_that_only_read_day_first_are_read_day_first(tmp_path, capsys):
    csv = write(tmp_path, "Date,price\n12/04/2020,1\n13/04/2020,2\n14/04/2020,3\n15/04/2020,4\n")
    code, out, err = cli(capsys, "inspect", csv, "--lookback", "1", "--test", "1")
    assert code == 0, err
    assert "Time: 2020-04-12 .. 2020-04-15 (Date)" in out
    assert "ambiguous" not in out


def test_dayfirst_option_resolves_ambiguous_dates(tmp_path, capsys):
    csv = write(tmp_path, "Date,price\n01/02/2020,1\n02/02/2020,2\n03/02/2020,3\n04/02/2020,4\n")
    code, out, _ = cli(capsys, "inspect", csv, "--lookback", "1", "--test", "1", "--dayfirst")
    assert code == 0 and "Time: 2020-02-01 .. 2020-02-04 (Date)" in out
    code, out, _ = cli(capsys, "inspect", csv, "--lookback", "1", "--test", "1", "--monthfirst")
    assert code == 0 and "Time: 2020-01-02 .. 2020-04-02 (Date)" in out


def test_iso_dates_are_never_read_day_first(tmp_path, capsys):
    csv = write(tmp_path, "Date,price\n2020-01-02,1\n2020-01-03,2\n2020-01-04,3\n2020-01-05,4\n")
    code, out, _ = cli(capsys, "inspect", csv, "--lookback", "1", "--test", "1", "--dayfirst")
    assert code == 0 and "Time: 2020-01-02 .. 2020-01-05 (Date)" in out


def test_a_date_column_is_found_by_its_values(tmp_path, capsys):
    csv = write(tmp_path, "when,price\n2024-01-03,3\n2024-01-02,2\n2024-01-01,1\n2024-01-04,4\n")
    code, out, _ = cli(capsys, "inspect", csv, "--lookback", "1", "--test", "1")
    assert code == 0 and "Time: 2024-01-01 .. 2024-01-04 (when)" in out


def test_sep_and_decimal_read_a_european_csv(tmp_path, capsys):
    rows = "".join(f"2024-01-{d:02};{d},5\n" for d in range(1, 11))
    csv = write(tmp_path, "Date;price\n" + rows)
    code, out, err = cli(
        capsys, "inspect", csv, "--sep", ";", "--decimal", ",", "--lookback", "2", "--test", "2"
    )
    assert code == 0, err
    assert "price                    float64    numeric" in out
    tabs = write(tmp_path, "Date\tprice\n" + rows.replace(";", "\t").replace(",", "."), "t.csv")
    code, out, err = cli(capsys, "inspect", tabs, "--sep", "\\t", "--lookback", "2", "--test", "2")
    assert code == 0, err


# Quiet TensorFlow ---------------------------------------------------------------------------


def test_the_stderr_filter_drops_only_tensorflow_start_up_lines(capfd):
    with _filtered_stderr():
        for fragment in NOISE:
            os.write(2, f"I0000 00:00:1.0 1 x.cc:1] {fragment} ...\n".encode())
        os.write(2, b"E0000 00:00:1.0 1 y.cc:9] a real error\n")
        print("a Python warning", file=sys.stderr)
    err = capfd.readouterr().err
    assert sorted(err.splitlines()) == [
        "E0000 00:00:1.0 1 y.cc:9] a real error",
        "a Python warning",
    ]
    assert is_noise("W0000 cuda_platform.cc:52] failed call to cuInit: CUDA error")


def test_quiet_settings_never_override_the_users(monkeypatch):
    from lstmshape.cli._quiet import quiet_environment

    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "0")
    monkeypatch.delenv("TF_ENABLE_ONEDNN_OPTS", raising=False)
    quiet_environment(verbose=True)
    assert "TF_ENABLE_ONEDNN_OPTS" not in os.environ
    quiet_environment()
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "0"
    assert os.environ["TF_ENABLE_ONEDNN_OPTS"] == "0"


# The demo's words and picture ---------------------------------------------------------------


def test_verdict_says_when_the_lstm_loses_and_what_to_try():
    lines = demo_module.verdict(2.63, 1.0)
    text = " ".join(lines)
    assert lines[0].startswith("The LSTM is WORSE than the naive forecast (2.63x its error)")
    assert "forecast changes instead of levels" in text
    assert "more data" in text and "--lookback" in text
    assert "docs/splitting.md" in text
    lines = demo_module.verdict(2.0, 1.0, more_features=["load", "Total Trade"])
    assert "give it the others: --features load 'Total Trade'" in lines[-2]
    assert demo_module.verdict(1.0, 2.0) == [
        "The LSTM is better than the naive forecast (0.50x its error)."
    ]


def test_forecast_figure_has_labels_scores_and_a_zoom_on_the_test_period():
    pytest.importorskip("matplotlib")
    import numpy as np
    import pandas as pd

    index = pd.date_range("2024-01-01", periods=100, freq="D")
    history = pd.Series(np.arange(100.0), index=index, name="Open")
    test = index[-20:]
    forecast = pd.DataFrame(
        {"actual": history[test], "predicted": history[test] + 1.0, "naive": history[test] - 2},
        index=test,
    )
    figure = demo_module.forecast_figure(history, forecast, target="Open")
    whole, zoom = figure.axes
    for axes in (whole, zoom):
        assert axes.get_xlabel() == "date"
        assert axes.get_ylabel() == "Open (original units)"
        labels = [t.get_text() for t in axes.get_legend().get_texts()]
        assert "LSTM forecast (RMSE 1)" in labels
        assert "naive: last value (RMSE 2)" in labels
    assert zoom.get_xlim()[0] >= whole.get_xlim()[0]
    assert (zoom.get_xlim()[1] - zoom.get_xlim()[0]) < (whole.get_xlim()[1] - whole.get_xlim()[0])
    assert "Test period 2024-03-21 .. 2024-04-09" in zoom.get_title()
    assert "LSTM RMSE 1 vs naive 2" in zoom.get_title()
    import matplotlib.pyplot as plt

    plt.close(figure)


# End to end, in subprocesses ----------------------------------------------------------------


@pytest.mark.slow
def test_demo_on_built_in_data_is_quiet_and_tells_its_settings(tmp_path):
    plot = tmp_path / "demo.png"
    out = run(*lstmshape_command(), "demo", "--epochs", "1", "--plot", str(plot), cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-3000:]
    for expected in (
        "== Data: built-in data",
        "Forecast 'load' one step ahead from the last 60 steps of 'load' (the target alone",
        "X (1440, 60, 1) = 1440 samples x 60 timesteps x 1 feature ('load')",
        "train: X (1140, 60, 1) = 1140 samples x 60 timesteps x 1 feature",
        "keras.Input(shape=(60, 1))",
        "== Training for 1 epoch\n",
        "RMSE of the LSTM",
        "RMSE of the naive last value",
        str(plot),
        "== Rolling origin: the same model, trained again on each of 3 folds (1 epoch each",
        "fold  train targets (windows)          test targets (windows)",
        "2023-12-21 .. 2024-02-08 (50)",  # the last fold ends with the data
    ):
        assert expected in out.stdout, expected
    assert re.search(r"^   all  model .*\n .* naive .*1\.0000", out.stdout, re.M)
    assert re.search(r"better in \d of 3 folds", out.stdout)
    # Not a terminal: one line per epoch, no progress bar redrawn with backspaces.
    assert re.search(r"^36/36 - .*loss: [0-9.e-]+ - val_loss: [0-9.e-]+$", out.stdout, re.M)
    assert "\x08" not in out.stdout and "\r" not in out.stdout
    assert len(out.stdout) < 10000
    # Nothing from TensorFlow's start-up (nor anything else) on stderr.
    assert out.stderr == "", out.stderr
    assert_png(plot)


@pytest.mark.slow
def test_demo_uses_the_settings_it_is_given_on_the_stock_csv(tmp_path, shared_data):
    plot = tmp_path / "stock.png"
    out = run(
        sys.executable,
        "-m",
        "lstmshape",
        "demo",
        "--csv",
        str(shared_data / "NSE-TATAGLOBAL.csv"),
        "--date-column",
        "Date",
        "--target",
        "Close",
        "--features",
        "Open",
        "High",
        "--lookback",
        "5",
        "--epochs",
        "1",
        "--quiet",
        "--plot",
        str(plot),
    )
    assert out.returncode == 0, out.stderr[-3000:]
    for expected in (
        "The file was stored newest first; sorted oldest first",
        "Forecast 'Close' one step ahead from the last 5 steps of 'Open', 'High':",
        "X (2030, 5, 2) = 2030 samples x 5 timesteps x 2 features ('Open', 'High')",
        "y (2030, 1) = 2030 samples x 1 target ('Close')",
        "input (None, 5, 2) -> output (None, 1)",
    ):
        assert expected in out.stdout, expected
    assert "lookback=60" not in out.stdout and ", 60, " not in out.stdout
    assert "loss:" not in out.stdout  # --quiet
    assert out.stderr == "", out.stderr
    assert_png(plot)


def test_inspect_prints_shapes_without_tensorflow(shared_data):
    out = run(
        *lstmshape_command(),
        "inspect",
        str(shared_data / "NSE-TATAGLOBAL.csv"),
        "--lookback",
        "60",
        "--target",
        "Open",
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    for expected in (
        "Rows: 2,035   Columns: 7",
        "stored newest first: it will be sorted oldest first",
        "Usual spacing 1 day",
        "Target: 'Open'   Features: 'Open'",
        "Missing values: none",
        "X (1975, 60, 1) = 1975 samples x 60 timesteps x 1 feature",
        "keras.Input(shape=(60, 1))",
    ):
        assert expected in out.stdout, expected
    assert out.stderr == ""
