"""Sending an attachment: always downloaded, never rendered in the browser."""
from urllib.parse import quote

from pyramid.httpexceptions import HTTPNotFound

from ..forms.attachments import stored_name


def attachment_response(request, practice):
    """The response for the attachment named in the URL, among this practice's."""
    attachment = next((a for a in practice.attachments
                       if str(a.id) == request.matchdict["attachment_id"]), None)
    if attachment is None:
        raise HTTPNotFound()
    response = request.response
    response.content_type = attachment.media_type
    response.body = attachment.content
    # named again on the way out: a document stored before names were cleaned is saved
    # under a readable name with the extension of its type too
    filename = stored_name(attachment.filename, attachment.media_type)
    response.content_disposition = f"attachment; filename*=UTF-8''{quote(filename)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
