"""``GeneratedCall``: a lazy view of one call, regenerated on demand from its seed.

A call is built in independent RNG streams so each output costs only what it needs:

* the *plan* (``<key>``, ``gong_emulator.planning`` / ``uploads``): parties, CRM context,
  metadata and the duration; enough for GET /v2/calls;
* the *timeline* (``<key>/t``, ``gong_emulator.timeline``): who speaks when, sentence bounds,
  topics, tracker hits;
* the *texts* (``<key>/x`` and ``<key>/c/<part>``): sentence words and the AI-content prose.

Everything that must agree (talkTime vs sentence bounds, question counts vs "?" endings, tracker
occurrences vs the phrases written into sentences, interaction stats vs turns) is derived from
the same timeline.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cached_property, lru_cache
from typing import Any

from gong_emulator import render, talk
from gong_emulator.content import content_json
from gong_emulator.model import Plan, Row, Timeline
from gong_emulator.planning import plan_generated
from gong_emulator.scorecards import answered_scorecard
from gong_emulator.selector import ENRICHED_CONTENT, ContentSelector
from gong_emulator.tenant import Tenant
from gong_emulator.timefmt import from_us, to_us
from gong_emulator.timeline import build_timeline
from gong_emulator.uploads import plan_uploaded


@lru_cache(maxsize=1024)
def _generated(tenant: Tenant, row: Row) -> tuple[Plan, Timeline]:
    """Plan and timeline of a generated call, kept for the calls served most recently.

    A client asks for a batch's extensive data and its transcripts moments apart; both need the
    same timeline, the most expensive thing a call generates. (Rows hash by identity; uploaded
    calls change with their media, so they are never cached.)
    """
    plan = plan_generated(tenant, row)
    return plan, build_timeline(tenant, plan)


class GeneratedCall:
    """A lazy view of one call: cheap to create, generates only what is asked for."""

    def __init__(self, tenant: Tenant, row: Row) -> None:
        self._tenant = tenant
        self._row = row

    def __repr__(self) -> str:
        return f"GeneratedCall({self.call_id!r}, started={self.started.isoformat()})"

    call_id = property(lambda self: self._row.call_id)
    key = property(lambda self: self._row.key, doc="(started µs, numeric id): the listing order")
    started = property(lambda self: from_us(self._row.started_us))
    visible_at = property(lambda self: from_us(self._row.visible_us))
    transcript_visible_at = property(lambda self: from_us(self._row.transcript_us))
    is_private = property(lambda self: self._row.is_private)
    workspace_id = property(lambda self: self._row.workspace_id)
    primary_user_id = property(lambda self: self._row.primary_user_id)
    is_uploaded = property(lambda self: self._row.upload is not None)
    enriched_at = property(
        lambda self: from_us(self._row.enriched_us),
        doc="When comments, brief and key points appear (visible_at unless a late edit)",
    )
    answers_empty_transcript = property(
        lambda self: self._row.empty_pending,
        doc="Listed but before transcript_visible_at, /v2/calls/transcript answers it with []",
    )

    @cached_property
    def plan(self) -> Plan:
        if self._row.upload is not None:
            return plan_uploaded(self._tenant, self._row)
        return _generated(self._tenant, self._row)[0]

    @cached_property
    def timeline(self) -> Timeline:
        if self._row.upload is not None:
            return build_timeline(self._tenant, self.plan)
        return _generated(self._tenant, self._row)[1]

    def metadata(self) -> dict[str, Any]:
        """Exactly the GET /v2/calls item (and the extensive ``metaData``)."""
        return render.metadata_json(self._tenant, self.plan)

    def transcript(self, now: datetime | None = None) -> dict[str, Any]:
        """``{"callId", "transcript": [segments]}`` as in POST /v2/calls/transcript; before
        ``transcript_visible_at`` (when ``now`` is given) the segments are ``[]``."""
        if now is not None and to_us(now) < self._row.transcript_us:
            return {"callId": self.call_id, "transcript": []}
        return {"callId": self.call_id, "transcript": render.transcript_segments(self.plan, self.timeline)}

    def _company_speakers(self) -> set[str]:
        return {p.speaker_id for p in self.plan.parties if p.affiliation == "Internal"}

    def _customer_speakers(self) -> set[str]:
        return {p.speaker_id for p in self.plan.parties if p.affiliation == "External"}

    def talk_stats(self) -> dict[str, float]:
        """Ground truth for talk: Gong's per-call ``interactionStats`` by name (see
        ``gong_emulator.talk`` for each formula) plus ``company_talk_seconds`` (Internal parties)
        and ``external_talk_seconds`` (everyone else who spoke, attributed or not), both summed
        from the same timeline the transcript is built from."""
        company_s, external_s = talk.side_talk_seconds(self.timeline, self._company_speakers())
        return {**self._call_stats(), "company_talk_seconds": company_s, "external_talk_seconds": external_s}

    def user_talk_stats(self, user_id: str) -> dict[str, float] | None:
        """Gong's per-user stats (``talk.USER_STAT_NAMES``) of one company user on this call,
        the side being that user alone; None when the user did not speak."""
        spoken = talk.talk_ms(self.timeline)
        party = next((p for p in self.plan.parties if p.user_id == user_id and p.speaker_id in spoken), None)
        if party is None:
            return None
        stats = talk.interaction_stats(
            self.timeline, self.plan.duration, {party.speaker_id}, self._customer_speakers()
        )
        return {name: stats[name] for name in talk.USER_STAT_NAMES}

    @property
    def review_at(self) -> datetime | None:
        """When this call's answered scorecard is published (None: never reviewed)."""
        return None if self._row.review_us is None else from_us(self._row.review_us)

    def answered_scorecard(self) -> dict[str, Any] | None:
        """The answered scorecard of this call as /v2/stats/activity/scorecards lists it."""
        return None if self._row.review_us is None else answered_scorecard(self._tenant, self._row)

    def _call_stats(self) -> dict[str, float]:
        company, customers = self._company_speakers(), self._customer_speakers()
        return talk.interaction_stats(self.timeline, self.plan.duration, company, customers)

    def extensive(
        self, selector: ContentSelector | None = None, now: datetime | None = None
    ) -> dict[str, Any]:
        """The /v2/calls/extensive call object as served at ``now``; by default every section and
        flag. Before ``enriched_at`` the comments, brief and key points are absent (``now=None``
        means after everything)."""
        sel = selector or ContentSelector.everything()
        plan, tl, tenant = self.plan, self.timeline, self._tenant
        enriched = now is None or to_us(now) >= self._row.enriched_us
        out: dict[str, Any] = {"metaData": self.metadata()}
        if sel.context in ("Basic", "Extended"):
            out["context"] = render.context_json(plan.crm, sel) if plan.crm else []
        if sel.parties:
            out["parties"] = render.parties_json(plan, tl, sel)
        if sel.content:
            out["content"] = content_json(
                tenant, plan, tl, sel.content if enriched else sel.content - ENRICHED_CONTENT
            )
        if sel.interaction:
            stats = self._call_stats() if "personInteractionStats" in sel.interaction else {}
            out["interaction"] = render.interaction_json(plan, tl, sel.interaction, stats)
        if sel.collaboration:
            comments = render.comments_json(tenant, plan, self._row) if enriched else []
            out["collaboration"] = {"publicComments": comments} if comments else {}
        if sel.media:
            out["media"] = render.media_json(tenant, plan, now or datetime.now(UTC))
        return out
