"""The application's Prometheus metrics, counted in every process and added up at /metriques.

With several application processes, each one writes its counts to files of the directory
named by PROMETHEUS_MULTIPROC_DIR (prometheus_client's multiprocess mode), and the process
that answers /metriques reads them all. prometheus_client chooses its mode when it is first
imported: `recueil.settings.load` sets the variable from the `metrics.directory` setting
before any module of the application imports this one.
"""
from __future__ import annotations

import os
from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, values
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

#: the metrics of this process (multiprocess mode: only a way to create them, their values
#: live in the directory's files)
REGISTRY = CollectorRegistry(auto_describe=True)

REQUESTS = Counter(
    "recueil_requests", "Requêtes servies, par route, méthode et code de réponse.",
    ["route", "method", "status"], registry=REGISTRY,
)
LATENCY = Histogram(
    "recueil_request_duration_seconds", "Durée des requêtes, par route.", ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
SEARCH_ERRORS = Counter(
    "recueil_search_errors", "Appels du moteur de recherche qui ont échoué, par moteur et "
    "par opération (recherche, similarité, indexation).", ["backend", "operation"],
    registry=REGISTRY,
)
SEARCH_FALLBACKS = Counter(
    "recueil_search_fallbacks", "Recherches servies par la base faute de moteur, par "
    "opération.", ["operation"], registry=REGISTRY,
)
MAILS_SENT = Counter("recueil_mails_sent", "Courriels acceptés par le serveur SMTP.",
                     registry=REGISTRY)
MAILS_FAILED = Counter("recueil_mails_failed",
                       "Courriels refusés ou serveur SMTP injoignable.", registry=REGISTRY)


def multiprocess() -> bool:
    """Whether the counts of this process are written to the shared directory."""
    return getattr(values.ValueClass, "__name__", "") == "MmapedValue"


def queue_family(length: int, oldest_age: float | None) -> Iterable[Metric]:
    """The index queue as the database has it: the same for every process, so read once, by
    the process that answers."""
    size = GaugeMetricFamily("recueil_index_queue_length",
                             "Mises à jour de l'index de recherche en attente (index_tasks).")
    size.add_metric([], length)
    age = GaugeMetricFamily("recueil_index_queue_oldest_seconds",
                            "Âge de la plus ancienne mise à jour en attente (0 : aucune).")
    age.add_metric([], oldest_age or 0.0)
    return (size, age)


class _Families:
    def __init__(self, families: Iterable[Metric]):
        self.families = list(families)

    def collect(self) -> Iterable[Metric]:
        return self.families


def exposition(extra: Iterable[Metric] = ()) -> bytes:
    """Every metric in Prometheus's text format: of all the processes in multiprocess mode,
    of this one otherwise, then `extra`."""
    registry = CollectorRegistry(auto_describe=False)
    if multiprocess():
        MultiProcessCollector(registry, path=os.environ["PROMETHEUS_MULTIPROC_DIR"])
        own = b""
    else:
        own = generate_latest(REGISTRY)
    registry.register(_Families(extra))
    return own + generate_latest(registry)
