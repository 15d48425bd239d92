"""What the bench scripts share about their files: one line of error, not a traceback, for an input
that is missing or not what the script reads, and figures written whole or not at all."""
import json
import os
import sys
import tempfile


def describe(e):
    """One line for what went wrong with a file."""
    if isinstance(e, FileNotFoundError):  # numpy's loaders give the path in the message alone
        return f"{e.filename}: no such file or folder" if e.filename else str(e)
    if isinstance(e, OSError):
        return f"{e.filename}: {e.strerror}" if e.filename else str(e)
    if isinstance(e, json.JSONDecodeError):  # load_json names the file; this is for other JSON reads
        return f"not JSON ({e.msg}, line {e.lineno})"
    if isinstance(e, KeyError):
        return f"the input has no {e} (is it the file this script reads?)"
    return str(e) or type(e).__name__


def load_json(path, cut_benchmarks_ok=False):
    """The JSON object in `path`, or ValueError naming the file. With `cut_benchmarks_ok`, a Google
    Benchmark file cut mid-run (a sweep stopped) gives the benchmarks written before the cut, and a
    note on stderr saying how many."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not a text file (a JSON file is text)")
    if not text.strip():
        raise ValueError(f"{path}: empty (a filter matching no benchmark writes an empty file)")
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        opened = text.find('"benchmarks": [') if cut_benchmarks_ok else -1
        if opened >= 0:  # every benchmark object that was closed, or none where the cut came before the first
            end = text.rfind("\n    }")
            kept = text[:end + 6] if end > opened else text[:opened + len('"benchmarks": [')]
            try:
                data = json.loads(kept + "\n  ]\n}\n")
                n = len(data.get("benchmarks", []))
                print(f"{os.path.basename(sys.argv[0])}: note: {path} was cut mid-run; read the {n} benchmark"
                      f"{'' if n == 1 else 's'} written before the cut", file=sys.stderr)
                return data
            except json.JSONDecodeError:
                pass
        raise ValueError(f"{path}: not JSON ({e.msg}, line {e.lineno})")


def needed(module):
    """`import module`, or the script's one line of error naming the package to install (numpy, matplotlib)."""
    import importlib
    try:
        return importlib.import_module(module)
    except ImportError as e:
        top = module.split(".")[0]
        sys.exit(f"{os.path.basename(sys.argv[0])}: error: needs {top}, which does not import here ({e}; pip install {top})")


def run(main, *args):
    """main(*args), ending the script with `NAME: error: ...` and status 1 where an input or an output
    file fails it (missing, malformed, or not writable), and quietly where stdout's reader has gone."""
    name = os.path.basename(sys.argv[0])
    try:
        main(*args)
    except BrokenPipeError:  # `| head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except (OSError, ValueError, KeyError, IndexError, TypeError, EOFError, ZeroDivisionError) as e:
        sys.exit(f"{name}: error: {describe(e)}")


def load_csv(path, what):
    """A CSV with a header row as numpy's named columns (one row or many), or ValueError naming the file:
    not text, or no rows under its header (`what` says what it should hold)."""
    import warnings

    import numpy as np
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # numpy's "Empty input file" warning: an error here
            # usemask: an empty cell is masked (numpy would fill one of a column of integers with -1)
            data = np.genfromtxt(path, delimiter=",", names=True, dtype=None, encoding="utf-8-sig", usemask=True)
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not a CSV file ({what})")
    except UserWarning:
        raise ValueError(f"{path}: empty ({what})")
    except ValueError as e:  # rows of another length: "Some errors were detected !\n    Line #2 (got 4 columns ...)"
        lines = [line.strip() for line in str(e).splitlines() if line.strip().startswith("Line #")]
        raise ValueError(f"{path}: {lines[0] if lines else str(e).strip()} ({what})")
    data = np.atleast_1d(data)
    if len(data) == 0 or not data.dtype.names:
        raise ValueError(f"{path}: no rows ({what})")
    return data


def numbers(data, path, columns, finite=True):
    """The named columns of `data` as float arrays; ValueError naming the first row (counted from 1 under
    the header) where one is not a number (with `finite`, not a finite one)."""
    import numpy as np
    out = []
    for name in columns:
        values = np.ma.atleast_1d(data[name])
        empty = np.flatnonzero(np.ma.getmaskarray(values))
        if len(empty):
            raise ValueError(f"{path} row {empty[0] + 1}: {name} is empty")
        values = np.ma.getdata(values)
        try:
            column = np.asarray(values, dtype=float)
        except (TypeError, ValueError):  # a cell of text: find it
            for k, v in enumerate(values):
                try:
                    float(v)
                except (TypeError, ValueError):
                    raise ValueError(f"{path} row {k + 1}: {name} is '{v}', not a number")
            raise
        bad = np.flatnonzero(~np.isfinite(column)) if finite else []
        if len(bad):
            raise ValueError(f"{path} row {bad[0] + 1}: {name} is {column[bad[0]]}, not a finite number")
        out.append(column)
    return out


def save_figure(fig, path, **savefig_args):
    """fig.savefig(path) through a hidden temporary file beside it, renamed when complete: a failed
    write leaves neither a partial image nor a damaged old one. The format is the extension's."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ValueError(f"--out {path}: folder {folder} does not exist")
    extension = os.path.splitext(path)[1][1:].lower()
    formats = fig.canvas.get_supported_filetypes()
    if extension not in formats:
        raise ValueError(f"--out {path}: no image format '.{extension}' (use one of {', '.join(sorted(formats))})")
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix="." + extension)
    try:
        with os.fdopen(handle, "wb") as out:
            fig.savefig(out, format=extension, **savefig_args)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as a plain open would have made it (mkstemp: 0600)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
