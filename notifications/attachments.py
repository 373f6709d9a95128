"""Files an e-mail notice carries. This app knows nothing of constancias: the
app that owns a file registers a maker for it (``courses`` does, in its
``ready``), and a notice names it as ``"<name>:<id>"``."""

_makers = {}


def register(name, maker):
    """``maker(object_id)`` returns ``(filename, content, mimetype)`` or None."""
    _makers[name] = maker


def make(reference):
    """The attachment named by ``reference``, or None."""
    name, _sep, object_id = (reference or "").partition(":")
    maker = _makers.get(name)
    if maker is None or not object_id:
        return None
    return maker(object_id)
