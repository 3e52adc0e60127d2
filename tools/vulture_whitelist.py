"""Names that vulture finds unused because a framework, a library or a template reads them by
name, not our code.

`make check` runs vulture over the whole tree with this file: anything else it reports is
dead code to remove. Each line names an attribute the way vulture's own whitelists do.
"""

# Pyramid: the security policy's interface, the route factories named by dotted string in
# routes.py, the tween factories named in headers.py and bodylimit.py, and response
# attributes it reads
_.authenticated_userid
_.remember
_.forget
_.StaffPractice
_.CommitteeSessionContext
_.ImportBatchContext
_.DeclarantPractice
_.security_headers_tween_factory
_.body_limit_tween_factory
_.check_input_tween_factory
_.override_renderer
_.cache_control
_.conditional_response

# Colander calls after_bind; Deform widgets read these attributes
_.after_bind
_.readonly_template
_.style
_.maxlength
_.slots

# Fields of spec §9 and form-only nodes that Colander, Deform and SQLAlchemy read by their
# names (forms, models, templates, the open-data columns)
_.csrf_token
_.mot_de_passe
_.actuel
_.nouveau
_.pratiques
_.pieces_jointes
_.thematiques_autre
_.publics_autre
_.resultats_attendus
_.difficultes
_.evaluation_references
_.contact_fonction
_.contact_telephone
_.accord_nom
_.accord_fonction
_.accord_courriel
_.choix
_.libelle
_.libelle_lu

# SQLAlchemy columns written by the code, read by the templates and the database
_.last_used_at
_.finished_at

# Attributes that only templates read
_.too_young
_.average
_.opinions

# pyramid_mailer's SMTP class, replaced to send CRLF line ends; the requests session's
# settings that pysolr's calls read
_.smtp
_.trust_env
_.auth

# aiosmtpd and http.server call these handlers of the test servers
_.handle_DATA
_.do_GET
_.do_POST
_.log_message
_.protocol_version
_.close_connection

# io.RawIOBase's read methods call these on a stream of the tests
_.readable
_.readinto

# Locust reads these attributes of a user class (bench/load.py)
_.wait_time
_.network_timeout
_.connection_timeout

# prometheus_client calls a collector's collect(); Pyramid builds tweens from their factory's
# dotted name
_.collect
request_log_tween_factory
compression_tween_factory
# a column set by keyword when a decision is recorded, kept for the audit of who decided
_.decided_by_user_id

# pysolr builds each request's URL with it (recueil.search.cloud.CloudSolr overrides it)
_._create_full_url

# fontTools' subsetter reads its options (recueil.assets.subset_fonts); Locust names its user
# classes after __qualname__ (bench/load.py)
_.flavor
_.name_IDs
_.__qualname__
