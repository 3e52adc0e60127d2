from setuptools import find_packages, setup

requires = [
    "setuptools<81",  # deform 3.0.1 still imports pkg_resources
    "pyramid>=2.0,<3",
    "pyramid_chameleon",
    "pyramid_tm",
    "pyramid_retry",
    "pyramid_mailer",
    "waitress",
    "SQLAlchemy>=2.0,<2.2",
    "zope.sqlalchemy>=3",
    "transaction",
    "alembic",
    "deform>=3.0,<4",
    "colander>=2.0",
    "argon2-cffi",
    "pysolr",
    # pysolr's session on urllib3's pools (recueil/search/transport.py): requests, built on
    # it, cost a third of a millisecond of each search in work no call to Solr needs
    "urllib3==2.8.0",
    "certifi==2026.10.19.post1",  # the authorities of a Solr in https, as requests used
    # SolrCloud: the live nodes, watched in ZooKeeper
    "kazoo==2.11.0",
    "orjson",  # the search API's JSON, read from Solr and written, many times faster
    "psycopg2-binary",
    "tzdata==2026.6",  # Europe/Paris for zoneinfo on machines without a system time-zone database
    # static files compressed (gzip, Brotli) and served before the router, by the maintained
    # WSGI server of static files; tinycss2 reads the DSFR's stylesheet to keep what is used
    "whitenoise==6.12.0",
    "Brotli==1.2.1",
    "tinycss2==1.5.1",
    # the DSFR's fonts cut down to the characters of French (the maintained font toolkit,
    # WeasyPrint's own dependency)
    "fonttools==4.68.0",
    # the committee's dossier and minutes as tagged PDF (needs Debian's pango)
    "weasyprint==68.1",
    # /metriques, added up over the processes (multiprocess mode)
    "prometheus-client==0.26.0",
]

tests_require = [
    "pytest",
    "pytest-cov",
    "WebTest",
    "aiosmtpd",
    "playwright",
    "frictionless",
    # reads the text and the pages of the committee's PDF
    "pypdf==6.6.2",
    # the fuzzing drill of tests/fuzz
    "hypothesis==6.170.27",
    # the API checked against its OpenAPI description (tests/fuzz/test_api.py)
    "schemathesis==4.32.5",
]

dev_require = [
    "pyramid_debugtoolbar",
    # make check, run by make test: pinned, since a new release's rules would fail the suite
    # on unchanged code
    "ruff==0.17.6",
    # the layers of pyproject.toml
    "import-linter==2.17",
    # dead code
    "vulture==2.16",
    # security checks: the shipped code (make check), and the installed dependencies against
    # PyPI's vulnerability data (make lint, make audit)
    "bandit==1.9.4",
    "pip-audit==2.10.1",
    # the load run of make bench-load (bench/load.py)
    "locust==2.47.0",
]

setup(
    name="recueil",
    version="0.1.0",
    description="Recueil des pratiques inspirantes en prévention et protection de l'enfance",
    author="France Enfance Protégée",
    license="MIT",
    python_requires=">=3.11",
    packages=find_packages(exclude=["tests", "tests.*", "bench"]),
    include_package_data=True,
    zip_safe=False,
    install_requires=requires,
    extras_require={"testing": tests_require, "dev": dev_require},
    entry_points={
        "paste.app_factory": ["main = recueil:main"],
        "console_scripts": [
            "recueil = recueil.scripts.cli:main",
            "opendata = opendata.cli:main",
        ],
    },
)
