"""Moderation (spec §3), one module per concern; the views use the names gathered here.

- listing: the queue and its filters;
- review: what a moderator checks on a practice (completeness, seniority, similar practices,
  what changed since complements were asked);
- decisions: a moderator's steps and the e-mails that tell the declarant;
- complements: the declarant's answer to a request for complements.
"""
from ...models.practice import STATUSES
from .complements import EDITABLE_STEPS, Section, resubmit, sections, send_complements
from .decisions import ACTIONS, decide, find_original, notify
from .listing import (
    DONE_STATUSES,
    FORM_SOURCE,
    FORM_SOURCE_LABEL,
    PER_PAGE,
    QUEUE_STATUSES,
    SORTS,
    STATUS_FILTERS,
    TO_DO,
    TO_DO_LABEL,
    QueueFilters,
    counts,
    parse_filters,
    queue,
    received_at,
    sources,
    status_label,
)
from .review import (
    Change,
    Seniority,
    changes,
    complement_message,
    complement_request,
    completeness,
    display,
    field_titles,
    missing_fields,
    seniority,
    similar_practices,
)

__all__ = [
    "ACTIONS", "DONE_STATUSES", "EDITABLE_STEPS", "FORM_SOURCE", "FORM_SOURCE_LABEL",
    "PER_PAGE", "QUEUE_STATUSES", "SORTS", "STATUSES", "STATUS_FILTERS", "TO_DO",
    "TO_DO_LABEL", "Change", "QueueFilters", "Section", "Seniority", "changes",
    "complement_message", "complement_request", "completeness", "counts", "decide", "display",
    "field_titles", "find_original", "missing_fields", "notify", "parse_filters", "queue",
    "received_at", "resubmit", "sections", "send_complements", "seniority", "similar_practices",
    "sources", "status_label",
]
