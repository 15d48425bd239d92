"""What the bench scripts share about their files: one line of error, not a traceback, for an input
that is missing or not what the script reads, and figures written whole or not at all."""
import json
import os
import sys
import tempfile


def describe(e):
    """One line for what went wrong with a file."""
    if isinstance(e, FileNotFoundError):
        return f"{e.filename}: no such file or folder"
    if isinstance(e, OSError):
        return f"{e.filename}: {e.strerror}" if e.filename else str(e)
    if isinstance(e, json.JSONDecodeError):
        return f"not JSON ({e.msg} at line {e.lineno})"
    if isinstance(e, KeyError):
        return f"the input has no {e} (is it the file this script reads?)"
    return str(e) or type(e).__name__


def run(main, *args):
    """main(*args), ending the script with `NAME: error: ...` and status 1 where an input or an output
    file fails it (missing, malformed, or not writable), and quietly where stdout's reader has gone."""
    name = os.path.basename(sys.argv[0])
    try:
        main(*args)
    except BrokenPipeError:  # `| head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except (OSError, ValueError, KeyError, IndexError, TypeError, EOFError) as e:
        sys.exit(f"{name}: error: {describe(e)}")


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
