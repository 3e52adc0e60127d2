"""Every request of the application is of one class that carries the request properties:
Pyramid would otherwise make a class for each request (see recueil._request_class)."""
import webtest
from pyramid.events import NewRequest
from pyramid.interfaces import IRequestExtensions
from pyramid.scripting import prepare


def test_requests_share_one_class_with_every_property(wsgi_app):
    classes = []

    def note(event):
        classes.append(type(event.request))

    registry = wsgi_app.registry
    registry.registerHandler(note, (NewRequest,))
    try:
        testapp = webtest.TestApp(wsgi_app)
        testapp.get("/api/pratiques")
        testapp.get("/pratiques")
    finally:
        registry.unregisterHandler(note, (NewRequest,))
    assert len(classes) == 2 and classes[0] is classes[1]
    assert not registry.queryUtility(IRequestExtensions).descriptors
    for name in ("tm", "dbsession", "references", "search", "clock", "mailer"):
        assert name in vars(classes[0])
    env = prepare(registry=registry)  # scripts get them too
    try:
        assert type(env["request"]) is classes[0]
        assert env["request"].references.label("thematiques", "education") == "Éducation"
    finally:
        env["closer"]()
