"""Writing generated files, or checking that the committed ones are what the generator writes."""

import os


def write_or_check(files, check, regenerate):
    """files: path -> text. With check, returns 1 (and says which are stale) when a committed
    file differs; otherwise writes them all and returns 0."""
    stale = []
    for path, text in files.items():
        if check:
            try:
                with open(path, encoding="utf-8") as f:
                    if f.read() != text:
                        stale.append(os.path.basename(path))
            except FileNotFoundError:
                stale.append(os.path.basename(path))
        else:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
    if stale:
        print("stale generated files (run %s): %s" % (regenerate, ", ".join(stale)))
        return 1
    return 0
