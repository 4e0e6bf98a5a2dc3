"""API shapes for logging in and for managing users and units."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict, Field

from platewatch.domain.roles import Role


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    totp: str | None = Field(None, max_length=12, description="6-digit code from the authenticator app")


class LoginResponse(BaseModel):
    token: str
    username: str
    role: Role
    idle_minutes: int
    ended_sessions: int
    must_change_password: bool = Field(description="a one-time password: only /api/v1/me/password works until then")


class UserPublic(BaseModel):
    username: str
    full_name: str
    email: str
    role: Role
    active: bool
    mfa_enrolled: bool
    must_change_password: bool
    max_sessions: int
    created_at: dt.datetime


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64)
    full_name: str = Field("", max_length=200)
    role: Role
    email: str = Field("", max_length=254, description="where their notices are sent (a supervisor's: V.E.2g)")


class UserCreated(BaseModel):
    user: UserPublic
    one_time_password: str
    totp_uri: str | None = Field(
        description="always null here: the person enrols their own authenticator at the first log-in"
    )


class UnitCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64)
    kind: str = Field(pattern="^(mobile|portable)$")
    approved_for: str = Field(
        "", max_length=200,
        description="a patrol car's vehicle, recorded as its first deployment approval by the Program Administrator "
        "(V.A.2); a portable unit's site is approved with its position at /api/v1/deployments",
    )  # fmt: skip


class UnitPublic(BaseModel):
    id: uuid.UUID
    name: str
    kind: str
    approved_for: str = Field(description="the site or vehicle of its current deployment approval; empty: none")
    active: bool


class UnitCreated(BaseModel):
    unit: UnitPublic
    token: str = Field(description="shown once; store it in the unit's configuration")


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=1, max_length=200)


class PasswordChanged(BaseModel):
    ended_sessions: int = Field(description="your other sessions, ended by the change")


class OneTimePassword(BaseModel):
    username: str
    one_time_password: str = Field(description="shown once; the person must change it at their next log-in")


class MfaReset(BaseModel):
    username: str
    one_time_password: str = Field(
        description="shown once: the old authenticator stops working; with this password the person enrols a new one"
    )


class EnrolmentOffer(BaseModel):
    totp_uri: str = Field(description="the secret for your authenticator app (the same until you confirm a code)")


class EnrolmentConfirm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    otp: str = Field(min_length=6, max_length=12, description="the current code the authenticator app shows")


class EmailChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(max_length=254, description="one address; empty: no e-mail")


class RoleChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role


class RoleChanged(BaseModel):
    user: UserPublic
    one_time_password: str | None = Field(
        description="shown once, when the new role needs an authenticator the person lacked: they enrol it with this"
    )
