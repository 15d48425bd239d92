"""What the bench checks share about the Python modules the scripts they check need."""
import importlib.util
import sys


def skip_without(modules, who):
    """Ends the check as skipped (status 77, which CMake's SKIP_RETURN_CODE reads) where one of
    `modules` is not installed; one installed but broken is left to fail the import that follows."""
    for module in modules:
        if importlib.util.find_spec(module) is None:
            print(f"skipped: {who} needs {' and '.join(modules)} ({module} missing: pip install {module})")
            sys.exit(77)
