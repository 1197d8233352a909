"""The text of every parameter that several public functions share, written once.

A docstring names a shared parameter by a line that holds only ``{name}`` (or
``{first, second}`` for a documented pair) at the indentation of its ``Parameters``
section; :func:`shared_docs` puts the text of :data:`TEXTS` there, indented like that
line, when the function is defined. Nothing else in the docstring changes (braces
elsewhere, such as a dict in an example, are left alone), and an unknown name is an error
at import time. This is pandas' ``@doc`` and matplotlib's ``_docstring.interpd`` made
small: one table, one decorator, lines replaced whole so numpydoc and doctest read the
result as they would a written docstring.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

#: Each shared numpydoc entry (a parameter's ``name : type`` line, or a Raises entry's
#: exception line), then its description indented by four spaces. Written without
#: indentation; placed at the placeholder's.
TEXTS: Final[Mapping[str, str]] = {
    # -- the framing: which rows a sample reads (windows, split, folds) ---------------------
    "lookback": """
lookback : int
    Timesteps per window (the LSTM's ``timesteps`` axis), at least 1.
""",
    "horizon": """
horizon : int, default 1
    Target rows per sample in many-to-one mode (multi-step forecasting).
""",
    "shift": """
shift : int, default 1
    How far the first target lies after the window's last row: 1 forecasts the next
    step, 0 labels the window's own last row (classification). For per-timestep
    windows, how far each target lies after its input row.
""",
    "stride": """
stride : int, default 1
    Rows between the starts of consecutive windows.
""",
    "sampling_rate": """
sampling_rate : int, default 1
    Rows between successive timesteps inside a window, as in Keras'
    ``timeseries_dataset_from_array``: the window reads rows ``s, s + r, ...,
    s + (lookback - 1) * r``. Targets follow the same rate: ``horizon`` rows ``r``
    apart, the first ``shift`` rows after the window's last row (per-timestep: each
    input row plus ``shift``).
""",
    "features, targets": """
features, targets : column name, position, or a list of them, optional
    The input and target columns: names for pandas input, integer positions for
    arrays. Default: every column (except ``group_by`` and ``static``).
""",
    "future": """
future : column name, position, or a list of them, optional
    Known-future covariates (calendar features, planned promotions, a weather
    forecast): their values on each sample's *target* rows form the decoder input
    ``X["future"]`` of shape ``(samples, horizon, n_future)`` (``(samples, lookback,
    n_future)`` per timestep: the values on each timestep's target row). They stay
    among the default ``features`` too (their past values), unless ``features``
    leaves them out. Not with ``inputs_only`` (the future rows are not in the data).
""",
    "static": """
static : column name, position, or a list of them, optional
    Static covariates, one value per series (with ``group_by``; constant over the
    whole data without it): ``X["static"]`` of shape ``(samples, n_static)``. A column
    that varies within a series is an error naming the series and the rows.
""",
    "per_timestep": """
per_timestep : bool, default False
    One target per timestep, for ``return_sequences=True`` with ``TimeDistributed``:
    ``y[i] = data[s + shift : s + shift + lookback, targets]``.
""",
    "group_by": """
group_by : column name or list of column names, optional
    A column that tells several series apart (one per sensor, store, ticker). Windows
    never cross from one series into another; samples are ordered by group, then time.
    With a list (``["store", "item"]``), each combination of the keys is a series,
    ordered by the keys in turn and labelled by a tuple (``groups`` holds tuples;
    ``to_frame`` and ``score`` have one index level per key). Not with a panel (a list
    of series): each item already is a series.
""",
    "freq": """
freq : str or pandas.DateOffset, optional
    The spacing of a DatetimeIndex (``"D"``, ``"B"``, ``"h"``, ...). Rows that are not
    one ``freq`` apart are a gap, and no window spans a gap. Without ``freq``,
    consecutive rows are taken as consecutive time steps, as Keras does (an index with
    a pandas ``freq`` set has no gaps by construction).
""",
    "time": """
time : column name, optional
    The column that is the time axis, for a frame whose index is not one (a CSV read
    without ``index_col``, a polars frame with several date/time columns): it becomes
    the index (dates stored as text are parsed), and its order, duplicates and gaps are
    checked as a DatetimeIndex's. Without it such a date column is refused (windows
    could read time backwards).
""",
    "dropna": """
dropna : bool, default False
    Rows holding NaN are an error by default; with ``dropna=True`` they are gaps that
    no window crosses.
""",
    "transform": """
transform : {"diff", "pct_change", "log", "log_diff"}, optional
    Model changes instead of levels: the target columns (also where they are features)
    become ``x[t] - x[t-1]``, ``x[t] / x[t-1] - 1``, ``log(x[t])`` or
    ``log(x[t]) - log(x[t-1])``, series by series, before scaling; the first row of
    each run has no earlier value and is left out. ``to_frame`` undoes it (see
    ``docs/evaluating.md``). Default: levels.
""",
    "categorical": """
categorical : column name(s), optional
    Columns of labels (pandas ``category``, text, or integer codes: an integer column
    is a number unless named here) fed as **integer inputs** for embeddings, by the
    role each is selected for: among the features (the default features include
    them) ``X["categorical_past"]`` ``(samples, lookback, n)``, in ``future``
    ``X["categorical_future"]`` ``(samples, horizon, n)``, in ``static``
    ``X["categorical_static"]`` ``(samples, n)``; int32 codes, 0 for a label the
    vocabulary lacks or a missing one. Never a target. See ``docs/covariates.md``.
""",
    "min_history": """
min_history : int, optional
    Also make the windows whose history is shorter than ``lookback`` (the start of
    every series, short series, and the start of every run after a gap or dropped
    missing values, whose earlier rows are not its history): at least ``min_history``
    real input steps, from 1 to ``lookback``. The missing steps are padded at the
    *start* of the window with 0, and the inputs gain ``X["mask"]`` of shape
    ``(samples, lookback)``: True on real steps, False on padding, so a model never
    takes padding for a value (``build_model`` passes it to the first LSTM). Padded
    samples come first in each series; their targets are always real rows. Not with
    ``per_timestep`` (the targets of padded timesteps would be padding). Default: only
    full windows, no mask.
""",
    "per_series": """
per_series : bool, default False
    With ``group_by`` and a ``scaler``: fit one copy of the scaler per series, on that
    series' training rows, instead of one for all series (pooled, the default).
    ``.scaler`` is then a dict ``{group: fitted copy}``, and ``to_frame`` undoes each
    series with its own.
""",
    # -- the batch schedule and its loaders (Windows.schedule, batches, to_*) ---------------
    "batch_size": """
batch_size : int, default 32
    Samples per batch; the last batch may be smaller unless ``drop_remainder``.
""",
    "shuffle": """
shuffle : bool, default False
    Shuffle the windows (not the rows: each window keeps its timesteps in order).
""",
    "seed": """
seed : int, optional
    Seeds the shuffle (only with ``shuffle=True``: a seed without it is an error, since
    it would be ignored); the order of epoch ``e`` is the same for the same seed on
    every machine and in every loader.
""",
    "epoch": """
epoch : int, default 0
    The epoch of the batch schedule served first (with ``shuffle=True`` every epoch
    has its own order). What follows it is said in Returns.
""",
    "drop_remainder": """
drop_remainder : bool, default False
    Drop a last, smaller batch (the batch dimension is then static). An error when it
    would drop every window.
""",
    "num_shards, shard_index": """
num_shards, shard_index : int, default 1 and 0
    For multi-worker training: serve only shard ``shard_index`` of ``num_shards``
    disjoint shards that together hold every sample once per epoch. More shards than
    windows is an error.
""",
    "shard_by": """
shard_by : {"window", "series"} or ("series", key), default "window"
    Deal windows to shards one by one, or whole series (``group_by`` groups, or runs
    between gaps) balanced by window count. With several ``group_by`` keys,
    ``("series", "store")`` keeps every series of one store on one shard.
""",
    "even_shards": """
even_shards : bool, default False
    Serve as many samples in every shard as in the smallest (the rest of an epoch is
    left out), so every worker runs the same number of steps (``MultiWorkerMirroredStrategy``
    and ``DistributedDataParallel`` need it).
""",
    "dtype": """
dtype : str or numpy dtype, optional
    A floating dtype to cast batches to (``"float32"`` for ``torch.nn.LSTM`` and float64
    data). Default: the windows' dtype. Integer dtypes are refused: they would truncate
    the values.
""",
    # -- what every loader keeps (an Attributes section of the loader classes) ---------------
    "loader_attributes": """
schedule : BatchSchedule
    Which samples form each batch (per epoch and shard).
epoch : int
    The epoch whose order the next pass serves; change it with ``set_epoch``.
dtype : numpy.dtype or None
    The dtype batches are cast to (``None``: the windows' dtype).
""",
    # -- what every loader refuses (a Raises entry) -----------------------------------------
    "loader_raises": """
ShapeError, TypeError
    ``batch_size`` < 1 or not an integer, a negative ``seed`` or one without
    ``shuffle=True``, ``num_shards`` < 1 or more than the windows, ``shard_index``
    outside ``0 .. num_shards - 1``, ``drop_remainder`` dropping everything, a negative
    ``epoch``, a ``dtype`` that is not a floating dtype.
""",
}

_PLACEHOLDER = re.compile(r"^(?P<indent>[ \t]*)\{(?P<name>[a-z_]+(?:, [a-z_]+)*)\}[ \t]*$", re.M)


def shared_docs(func: F) -> F:
    """Put the shared text of :data:`TEXTS` on every ``{name}`` line of ``func``'s docstring."""
    doc = func.__doc__
    if doc is not None:
        func.__doc__ = _PLACEHOLDER.sub(_entry, doc)
    return func


def _entry(match: re.Match[str]) -> str:
    name = match["name"]
    if name not in TEXTS:
        raise KeyError(f"no shared docstring text for {name!r}; known: {sorted(TEXTS)}")
    return textwrap.indent(TEXTS[name].strip("\n"), match["indent"])
