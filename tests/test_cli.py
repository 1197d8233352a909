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

from lstmshape._core.frameworks import NOISE, filtered_stderr, is_noise
from lstmshape.cli import _demo as demo_module
from lstmshape.cli import main

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
        "as nanoseconds since 1970 (whole years from 1000 to 2999 are read as years).",
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
    (
        ["inspect", "{twice}"],
        "names 1 column more than once in its header: 'Open' (2 times). Which one is meant by "
        "--target or --features cannot be told; rename the columns so that each name is unique.",
    ),
    (["demo", "--csv", "{twice}", "--plot", ""], "more than once in its header: 'Open' (2 times)"),
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
        "twice": write(tmp_path, "Date,Open,Open\n2024-01-01,1,2\n2024-01-02,3,4\n", "twice.csv"),
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
    # One figure: the core's own "largest lookback" (15, for windows alone) is not repeated.
    assert len(re.findall(r"largest (?:--)?lookback", err)) == 1, err
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
    with filtered_stderr():
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
    from lstmshape._core.frameworks import quiet_environment

    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "0")
    monkeypatch.delenv("TF_ENABLE_ONEDNN_OPTS", raising=False)
    quiet_environment(verbose=True)
    assert "TF_ENABLE_ONEDNN_OPTS" not in os.environ
    quiet_environment()
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "0"
    assert os.environ["TF_ENABLE_ONEDNN_OPTS"] == "0"


# The demo's words and picture ---------------------------------------------------------------


def test_verdict_says_when_the_lstm_loses_and_what_to_try():
    lines = demo_module.verdict(2.63)
    text = " ".join(lines)
    assert lines[0].startswith("The LSTM is WORSE than the naive forecast (2.63x its error)")
    assert "forecast changes instead of levels (--transform diff)" in text
    assert "more data" in text and "--lookback" in text
    assert "docs/splitting.md" in text
    lines = demo_module.verdict(2.0, more_features=["load", "Total Trade"])
    assert "give it the others: --features load 'Total Trade'" in lines[-2]
    assert demo_module.verdict(0.5) == [
        "The LSTM is better than the naive forecast (0.50x its error)."
    ]
    # The seasonal naive forecast is a second bar: beating naive is not enough.
    lines = demo_module.verdict(0.9, vs_seasonal=1.2)
    assert lines[0] == (
        "The LSTM is better than the naive forecast (0.90x its error), but WORSE than the "
        "seasonal naive forecast (1.20x its error)."
    )
    assert "To try:" in lines[1]
    assert demo_module.verdict(0.9, vs_seasonal=0.8) == [
        "The LSTM is better than the naive forecast (0.90x its error); 0.80x the seasonal "
        "naive forecast's error."
    ]


def _scores(model, naive, seasonal=None, folds=None):
    """A score() table: overall rows, or per fold and "all" (each fold: model/naive ratios)."""
    import pandas as pd

    rows = {"model": model, "naive": naive} | (
        {} if seasonal is None else {"seasonal naive": seasonal}
    )
    frame = pd.DataFrame({"RMSE": list(rows.values())}, index=pd.Index(list(rows), name="forecast"))
    frame["vs naive"] = frame["RMSE"] / naive
    if folds is None:
        return frame
    parts = {fold: frame.assign(**{"vs naive": [r, 1.0]}) for fold, r in enumerate(folds)}
    parts["all"] = frame
    return pd.concat(parts, names=["fold"])


def test_the_demo_ends_with_one_verdict_that_says_whether_test_and_folds_agree():
    agree = demo_module.conclusion(_scores(1.0, 2.0), _scores(3.0, 4.0, folds=[0.5, 1.5, 0.9]))
    assert agree == [
        "Test part: the LSTM is better than the naive forecast (0.50x its RMSE).",
        "Rolling origin: better overall (0.75x), better in 2 of 3 folds.",
        "Both agree: the LSTM is better than the naive forecast on these data.",
    ]
    differ = demo_module.conclusion(_scores(3.0, 2.0), _scores(3.0, 4.0, folds=[0.5, 1.5, 0.9]))
    assert differ[0].startswith("Test part: the LSTM is worse")
    assert differ[2].startswith("They differ: the folds forecast the same test rows, but each")
    assert demo_module.conclusion(_scores(1.0, 2.0), None) == [agree[0]]


def test_the_seasonal_naive_forecast_has_the_season_of_the_dates():
    import pandas as pd

    def season(freq, given=None, periods=30):
        return demo_module.choose_season(
            pd.date_range("2024-01-01", periods=periods, freq=freq), given
        )[0]

    assert [season(f) for f in ("h", "D", "B", "W", "MS", "ME", "QS")] == [24, 7, 5, 52, 12, 12, 4]
    assert season("2D") is None and season("min") is None
    assert season("D", given=0) is None and season("h", given=5) == 5
    gappy = pd.DatetimeIndex(["2024-01-01", "2024-01-02", "2024-01-05", "2024-01-09"])
    assert demo_module.choose_season(gappy, None) == (None, "")
    assert demo_module.choose_season(pd.RangeIndex(30), None) == (None, "")


def test_forecast_figure_draws_the_split_and_a_zoom_on_the_test_period():
    pytest.importorskip("matplotlib")
    import numpy as np
    import pandas as pd

    import lstmshape

    index = pd.date_range("2024-01-01", periods=100, freq="D")
    history = pd.DataFrame({"Open": np.arange(100.0)}, index=index)
    parts = lstmshape.split(history, 5, val=10, test=20)
    test = index[-20:]
    forecast = pd.DataFrame(
        {
            "actual": history["Open"][test],
            "predicted": history["Open"][test] + 1.0,
            "naive": history["Open"][test] - 2,
        },
        index=test,
    )
    figure = demo_module.forecast_figure(parts, forecast, target="Open", rmse=(1.0, 2.0))
    whole, zoom = figure.axes
    assert (
        whole.get_title() == "Split: 65 train, 10 val, 20 test windows (lookback 5)"
    )  # Split.plot
    assert zoom.get_xlabel() == "date"
    assert zoom.get_ylabel() == "Open (original units)"
    labels = [t.get_text() for t in zoom.get_legend().get_texts()]
    assert labels == ["actual", "LSTM forecast (RMSE 1)", "naive: last value (RMSE 2)"]
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
        "RMSE of the seasonal naive:        ",
        "(the value 7 rows earlier: the weekly cycle of daily data; --season 0 leaves it out)",
        "== Rolling origin: the same model, trained the same way (1 epoch) on each of 3 folds",
        "\n== Verdict\n   Test part: the LSTM is ",
        "fold  train targets (windows)          test targets (windows)",
        "2023-12-21 .. 2024-02-08 (50)",  # the last fold ends with the data
    ):
        assert expected in out.stdout, expected
    assert re.search(r"^   all  model .*\n .* naive .*1\.0000", out.stdout, re.M)
    assert re.search(r"better in \d of 3 folds", out.stdout)
    assert re.search(r"^   (Both agree|They differ): ", out.stdout, re.M)
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


# Regressions of issue 19 (CLI): each failed on the code before --------------------------------


def test_a_numeric_year_column_is_the_time_axis_not_the_target(tmp_path, capsys):
    years = "Year,rainfall\n" + "".join(f"{1990 + i},{50 + i % 7}\n" for i in range(30))
    csv = write(tmp_path, years)
    code, out, err = cli(capsys, "inspect", csv, "--lookback", "3", "--test", "5")
    assert code == 0, err
    assert "Time: 1990-01-01 .. 2019-01-01 (Year)" in out
    assert "Column 'Year' holds whole years (1990 ..): read as the first day of each year." in out
    assert "Target: 'rainfall'   Features: 'rainfall'" in out
    assert "Usual spacing 12 months (yearly); no step is longer." in out
    code, out, err = cli(capsys, "inspect", csv, "--date-column", "Year", "--lookback", "3")
    assert code == 0 and "Target: 'rainfall'" in out, err
    # Numbers that are not years, in a column named Year, stay numbers.
    csv = write(tmp_path, "year,v\n" + "1.5,1\n2.5,2\n" * 5, "x.csv")
    code, out, err = cli(capsys, "inspect", csv, "--lookback", "3")
    assert code == 0, err
    assert "Target: 'year'" in out


def test_inspect_of_data_with_nan_prints_the_shapes_of_dropna(tmp_path, capsys):
    rows = "".join(f"2024-01-{d:02},{'' if d == 10 else d}\n" for d in range(1, 31))
    csv = write(tmp_path, "Date,price\n" + rows)
    code, out, err = cli(capsys, "inspect", csv, "--lookback", "3", "--test", "5")
    assert code == 0, err
    assert "Missing values: 1 row with NaN in the chosen columns;" in out
    assert "The shapes below are those of --dropna." in out
    assert "lstmshape.windows(data, 3, horizon=1, dropna=True, features=['price']" in out
    # 30 rows, row 10 a gap: 9 rows before it, 20 after: (9 - 3) + (20 - 3) windows.
    assert "X (23, 3, 1) = 23 samples x 3 timesteps x 1 feature ('price')" in out
    code, out, err = cli(capsys, "inspect", csv, "--lookback", "3", "--dropna")
    assert code == 0, err
    assert "with --dropna they become gaps that no window spans (the shapes below)" in out
    assert "X (23, 3, 1)" in out


def test_inspect_passes_horizon_and_transform_through(tmp_path, capsys):
    csv = write(tmp_path, "Date,a\n" + "".join(f"2024-01-{d:02},{d * d}\n" for d in range(1, 31)))
    code, out, err = cli(
        capsys, "inspect", csv, "--lookback", "4", "--horizon", "2", "--transform", "diff"
    )
    assert code == 0, err
    assert "lstmshape.windows(data, 4, horizon=2, transform='diff', features=['a']" in out
    # diff uses up the first row: 29 changes, (29 - 4 - 2) + 1 windows.
    assert "X (24, 4, 1) = 24 samples x 4 timesteps x 1 feature ('a')" in out
    assert "y (24, 2, 1)" in out or "y (24, 2)" in out
    assert "lstmshape.split(data, 4, test=0.1, horizon=2, transform='diff', ...)" in out


def test_monthly_data_is_spaced_one_month_not_31_days(tmp_path, capsys):
    months = pd_dates("2020-01-01", 36, "MS")
    csv = write(tmp_path, "Date,sales\n" + "".join(f"{m},{i}\n" for i, m in enumerate(months)))
    code, out, err = cli(capsys, "inspect", csv, "--lookback", "3")
    assert code == 0, err
    assert "Usual spacing 1 month (monthly); no step is longer." in out
    assert "days" not in out.split("Usual spacing")[1].splitlines()[0]
    gap = [m for m in months if m != months[10]]  # one month missing
    csv = write(tmp_path, "Date,sales\n" + "".join(f"{m},{i}\n" for i, m in enumerate(gap)))
    code, out, err = cli(capsys, "inspect", csv, "--lookback", "3")
    assert "Usual spacing 1 month (monthly); 1 step is longer (the longest 2 months)" in out
    assert "freq='MS' for dates on the first of the month" in out


def pd_dates(start, periods, freq):
    import pandas as pd

    return [d.date().isoformat() for d in pd.date_range(start, periods=periods, freq=freq)]


def test_one_column_and_one_feature_are_singular(tmp_path, capsys):
    from lstmshape.cli._csv import load_csv

    csv = write(tmp_path, "Date,price\n" + "".join(f"2024-01-{d:02},{d}\n" for d in range(1, 21)))
    lines = demo_module._data_lines(load_csv(csv), "price", ["price"], demo_module.DemoOptions())
    assert lines[0] == "20 rows from 2024-01-01 to 2024-01-20; 1 column."
    _, out, _ = cli(capsys, "inspect", csv, "--lookback", "3")
    assert " 1 features" not in out and " 1 columns" not in out
    assert "x 1 feature ('price')" in out


def test_demo_options_reach_windows_split_folds_and_score(monkeypatch):
    seen = []
    monkeypatch.setattr(demo_module, "run_demo", lambda options: seen.append(options))
    assert (
        main(["demo", "--horizon", "3", "--transform", "log_diff", "--dropna", "--season", "12"])
        == 0
    )
    assert main(["demo"]) == 0
    first, default = seen
    assert (first.horizon, first.transform, first.dropna, first.season) == (3, "log_diff", True, 12)
    assert (default.horizon, default.transform, default.dropna, default.season) == (
        1,
        None,
        False,
        None,
    )


def _fake_keras():
    """Just what the demo asks of Keras, without TensorFlow."""
    from types import SimpleNamespace

    return SimpleNamespace(
        utils=SimpleNamespace(set_random_seed=lambda seed: None),
        optimizers=SimpleNamespace(Adam=lambda learning_rate: "adam"),
    )


class _FakeModel:
    """Predicts the last input value for every step: records how many epochs each fit trains."""

    def __init__(self, windows, fits):
        self.y_shape, self.fits = windows.y.shape[1:], fits
        self.input_shape, self.output_shape = (None, *windows.X.shape[1:]), (None, *self.y_shape)

    def compile(self, **_):
        pass

    def count_params(self):
        return 1

    def fit(self, data, *, epochs, **_):
        self.fits.append(epochs)

    def predict(self, x, verbose=0):
        import numpy as np

        last = np.asarray(x)[:, -1, :1]  # the target is the first feature
        return np.broadcast_to(
            last.reshape(len(x), *[1] * len(self.y_shape)), (len(x), *self.y_shape)
        )


def fake_training(monkeypatch):
    import lstmshape

    fits = []
    monkeypatch.setattr(demo_module, "quiet_keras", lambda **_: _fake_keras())
    monkeypatch.setattr(demo_module, "build_model", lambda w, **_: _FakeModel(w, fits))
    monkeypatch.setattr(lstmshape.Windows, "to_dataset", lambda self, *a, **k: self)
    return fits


def test_demo_folds_train_as_many_epochs_as_the_main_model_and_one_verdict_ends_it(
    monkeypatch, tmp_path
):
    pytest.importorskip("sklearn")
    fits = fake_training(monkeypatch)
    said = []
    options = demo_module.DemoOptions(epochs=6, plot=None, horizon=2)
    result = demo_module.run_demo(options, say=said.append)
    text = "\n".join(said)
    assert fits == [6, 6, 6, 6]  # the test part's model, then 3 folds: the same training
    assert "trained the same way (6 epochs) on each of 3 folds" in text
    assert "Forecast 'load' 2 steps ahead from the last 60 steps" in text
    assert "149 forecasts of 'load' 2 steps ahead each" in text
    assert "RMSE of the seasonal naive:" in text and "the value 7 rows earlier" in text
    # The last value, repeated, is the naive forecast: ratio 1.00 on the test part and folds.
    assert "The LSTM is NO BETTER than the naive forecast (1.00x its error)" in text
    assert "Rolling origin: no better overall (1.00x), better in 0 of 3 folds." in text
    assert result.scores is not None and "seasonal naive" in result.scores.index.get_level_values(
        -1
    )
    assert said[-4] == "\n== Verdict"
    assert said[-1] == "   Both agree: the LSTM is no better than the naive forecast on these data."
    assert result.rmse == pytest.approx(result.naive_rmse)
    said.clear()
    pytest.importorskip("matplotlib")
    plot = str(tmp_path / "demo.png")
    options = demo_module.DemoOptions(epochs=1, plot=plot, transform="diff", folds=0)
    result = demo_module.run_demo(options, say=said.append)
    assert_png(result.plot)
    text = "\n".join(said)
    assert "Forecast 'load' (as its change from the previous step, --transform diff) one" in text
    assert "Rolling origin" not in text and said[-1].startswith("   Test part: the LSTM is")


# Quiet TensorFlow for every user script (subprocesses: a fresh TensorFlow each) ---------------

START_UP = ("cuInit", "cuda_platform", "cudart_stub", "oneDNN", "cpu_feature_guard", "absl::")


@pytest.mark.slow
def test_a_script_calling_build_model_and_to_dataset_prints_no_start_up_lines():
    pytest.importorskip("tensorflow")
    script = (
        "import numpy as np, lstmshape\n"
        "w = lstmshape.windows(np.arange(100.0), 5)\n"
        "model = lstmshape.build_model(w)\n"
        "batches = w.to_dataset(batch_size=8)\n"
        "print(model.output_shape)\n"
    )
    out = run(sys.executable, "-c", script, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip() == "(None, 1)"
    assert not [line for line in out.stderr.splitlines() if any(s in line for s in START_UP)], (
        out.stderr
    )
    # A user who configured TensorFlow's logging gets what TensorFlow prints.
    out = run(sys.executable, "-c", script, timeout=300, env={"TF_CPP_MIN_LOG_LEVEL": "0"})
    assert out.returncode == 0, out.stderr[-3000:]
    assert "cpu_feature_guard" in out.stderr or "oneDNN" in out.stderr or "cuda" in out.stderr


@pytest.mark.slow
def test_lstmshape_quiet_before_the_users_own_import_of_tensorflow():
    pytest.importorskip("tensorflow")
    script = (
        "import lstmshape\n"
        "tf = lstmshape.quiet()\n"
        "import tensorflow, keras\n"
        "print(tensorflow is tf, keras.layers.LSTM(2).units)\n"
    )
    out = run(sys.executable, "-c", script, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip() == "True 2"
    assert out.stderr == "", out.stderr


def test_quiet_is_public_and_the_cli_uses_the_same_code():
    import lstmshape
    from lstmshape import cli

    assert "quiet" in lstmshape.__all__
    assert cli.quiet_tensorflow is lstmshape.quiet
    from lstmshape._core import frameworks

    assert demo_module.quiet_keras is frameworks.quiet_keras
