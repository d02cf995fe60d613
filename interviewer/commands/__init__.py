"""The `interviewer` command's sub-commands that are not about practising: the operator's
database commands and calibration. `interviewer/cli.py` registers them on its app."""
