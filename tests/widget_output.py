"""What an explorer widget shows, read back in the tests of the widgets (no browser needed)."""
import base64


def shown_png(widget) -> bytes:
    """The PNG bytes of the one picture ``widget.output`` displays (fails if there is not exactly one)."""
    (out,) = widget.output.outputs
    assert out["output_type"] == "display_data", out
    raw = base64.b64decode(out["data"]["image/png"])
    assert raw.startswith(b"\x89PNG"), "the widget's output is not a PNG picture"
    return raw
