"""`mutmut`, started so that a process the code under test starts can re-import this file.

The offline grading pool starts its workers through a forkserver, which re-imports the main
script. mutmut's own script loads mutmut's configuration on import, from the current folder,
and the tests move to a temporary folder, so the workers died. Importing this file as
`__mp_main__` does nothing.
"""

import sys

if __name__ == "__main__":
    from mutmut.__main__ import cli

    sys.exit(cli())
