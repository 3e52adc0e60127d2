"""The embedded backend: search on the database alone (SQLite or PostgreSQL).

Text is analysed in Python exactly as Solr's text_fr analyses it (text.py), and stored as
an inverted index (search_terms); facets are GROUP BY queries, each without its own filter.
"""
import datetime as dt
import uuid

from sqlalchemy import and_, delete, desc, extract, func, insert, select

from ..models import Practice, PracticeTerm, SearchTerm
from .documents import PUBLIC_STATUSES, is_public, searchable_text
from .interfaces import SearchResult
from .query import CODE_FACETS, MULTI_VALUED, SearchRequest
from .text import tokens

#: single-valued facets stored as a column of practices
COLUMN_FACETS = {
    "echelle": Practice.echelle,
    "relais": Practice.relais,
    "niveau": Practice.niveau,
    "coup_de_coeur": Practice.coup_de_coeur,
}


def _column_value(facet: str, code: str):
    if facet == "niveau":
        return int(code)
    if facet == "coup_de_coeur":
        return code == "true"
    return code


def _code(facet: str, value) -> str:
    if facet == "coup_de_coeur":
        return "true" if value else "false"
    return str(value)


class SqlSearch:
    name = "sql"

    def __init__(self, dbsession):
        self.dbsession = dbsession

    # -- searching -------------------------------------------------------------------------
    def _conditions(self, request: SearchRequest, without: str | None = None) -> list:
        conditions = [Practice.status.in_(PUBLIC_STATUSES)]
        for term in request.terms:
            conditions.append(Practice.id.in_(
                select(SearchTerm.practice_id).where(SearchTerm.term == term)
            ))
        for facet in CODE_FACETS:
            codes = request.values(facet)
            if not codes or facet == without:
                continue
            if facet in MULTI_VALUED:
                conditions.append(Practice.id.in_(
                    select(PracticeTerm.practice_id).where(
                        PracticeTerm.field == facet, PracticeTerm.code.in_(codes)
                    )
                ))
            else:
                values = [_column_value(facet, c) for c in codes]
                conditions.append(COLUMN_FACETS[facet].in_(values))
        if without != "annee":
            if request.annee_min is not None:
                conditions.append(Practice.date_mise_en_oeuvre >= dt.date(request.annee_min, 1, 1))
            if request.annee_max is not None:
                conditions.append(Practice.date_mise_en_oeuvre < dt.date(request.annee_max + 1, 1, 1))
        return conditions

    def _order(self, request: SearchRequest):
        if request.tri == "anciennete":
            return [Practice.date_mise_en_oeuvre.asc(), Practice.id.asc()]
        # without a score, relevance falls back on the newest publications
        return [desc(Practice.date_publication), Practice.id.asc()]

    def search(self, request: SearchRequest) -> SearchResult:
        where = and_(*self._conditions(request))
        total = self.dbsession.scalar(select(func.count()).select_from(Practice).where(where))
        ids = list(self.dbsession.scalars(
            select(Practice.id).where(where).order_by(*self._order(request))
            .offset(request.offset).limit(request.par_page)
        ))
        return SearchResult(total=total, ids=ids, facets=self.facet_counts(request), backend=self.name)

    def facet_counts(self, request: SearchRequest) -> dict[str, dict[str, int]]:
        facets = {}
        for facet in CODE_FACETS:
            where = and_(*self._conditions(request, without=facet))
            if facet in MULTI_VALUED:
                query = (
                    select(PracticeTerm.code, func.count())
                    .join(Practice, Practice.id == PracticeTerm.practice_id)
                    .where(PracticeTerm.field == facet, where)
                    .group_by(PracticeTerm.code)
                )
            else:
                column = COLUMN_FACETS[facet]
                query = select(column, func.count()).where(where, column.is_not(None)).group_by(column)
            facets[facet] = {_code(facet, value): count for value, count in self.dbsession.execute(query)}
        year = extract("year", Practice.date_mise_en_oeuvre)
        where = and_(*self._conditions(request, without="annee"))
        facets["annee"] = {
            str(int(value)): count
            for value, count in self.dbsession.execute(
                select(year, func.count()).where(where, Practice.date_mise_en_oeuvre.is_not(None))
                .group_by(year)
            )
        }
        return facets

    def similar(self, practice_id: uuid.UUID, limit: int = 5) -> list[uuid.UUID]:
        """Published practices sharing the most terms with this one."""
        own = select(SearchTerm.term).where(SearchTerm.practice_id == practice_id)
        shared = func.count().label("shared")
        rows = self.dbsession.execute(
            select(SearchTerm.practice_id, shared)
            .where(SearchTerm.term.in_(own), SearchTerm.practice_id != practice_id)
            .group_by(SearchTerm.practice_id)
            .order_by(desc(shared), SearchTerm.practice_id)
            .limit(limit)
        )
        return [row[0] for row in rows]

    def similar_text(self, text: str, exclude: uuid.UUID | None = None,
                     limit: int = 5) -> list[uuid.UUID]:
        """Published practices sharing the most terms with a text not in the index."""
        terms = sorted(set(tokens(text)))
        if not terms:
            return []
        shared = func.count().label("shared")
        query = (
            select(SearchTerm.practice_id, shared).where(SearchTerm.term.in_(terms))
            .group_by(SearchTerm.practice_id).order_by(desc(shared), SearchTerm.practice_id)
            .limit(limit)
        )
        if exclude is not None:
            query = query.where(SearchTerm.practice_id != exclude)
        return [row[0] for row in self.dbsession.execute(query)]

    # -- indexing ----------------------------------------------------------------------------
    def index(self, practices) -> None:
        practices = list(practices)
        if not practices:
            return
        self.dbsession.execute(
            delete(SearchTerm).where(SearchTerm.practice_id.in_([p.id for p in practices]))
        )
        rows = [
            {"term": term, "practice_id": practice.id}
            for practice in practices if is_public(practice)
            for term in sorted(set(tokens(searchable_text(practice))))
            if len(term) <= 100
        ]
        if rows:
            self.dbsession.execute(insert(SearchTerm), rows)

    def clear(self) -> None:
        self.dbsession.execute(delete(SearchTerm))
