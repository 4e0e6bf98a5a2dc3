"""Request and response bodies of the training API."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class TrainingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64)
    course: str = Field(min_length=3, max_length=200, description="e.g. 'LPR operator, GO 14-01-117'")
    completed_on: dt.date
    trainer: str = Field(min_length=2, max_length=100, description="who gave the course")
    expires_on: dt.date | None = Field(None, description="default: a year after completion (V.B.1h)")
    note: str = Field("", max_length=500)


class TrainingPublic(BaseModel):
    id: int
    username: str
    course: str
    completed_on: dt.date
    expires_on: dt.date
    trainer: str
    note: str
    recorded_by: str
    recorded_at: dt.datetime


class PersonTraining(BaseModel):
    """One person's standing: trained, due (ends within 30 days) or untrained, and the course that counts."""

    username: str
    role: str
    status: str
    expires_on: dt.date | None
    course: str | None


class TrainingRoster(BaseModel):
    people: list[PersonTraining]
    untrained: int
    due: int
