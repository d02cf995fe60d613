"""Reading a YAML file that a platform PM edits into its pydantic model."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


def read_model(path: Path, model: type[M]) -> M:
    """The file as `model`; a bad file is one clear error naming the file and the first field
    that is wrong, since the person fixing it edits YAML, not Python."""
    try:
        return model.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the whole file"
        raise ValueError(f"{path}: {where}: {first['msg']}") from None
    except yaml.MarkedYAMLError as exc:
        raise ValueError(f"{path}: {_where_in_yaml(exc)}") from None
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: {exc}") from None


def _where_in_yaml(exc: yaml.MarkedYAMLError) -> str:
    """`line L, column C: what is wrong`, on one line: PyYAML's own text spans several and
    calls the file "<unicode string>", which a person editing it cannot place."""
    mark = exc.problem_mark or exc.context_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    return where + ": ".join(p for p in (exc.context, exc.problem) if p)
