"""FastAPI dependencies shared by the page and API routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from interviewer.service import Interviews
from interviewer.settings import Settings


async def get_service(request: Request) -> Interviews:
    return request.app.state.service


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


ServiceDep = Annotated[Interviews, Depends(get_service)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
