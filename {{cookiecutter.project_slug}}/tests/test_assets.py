"""The static pipeline's pieces that run at build time: the manifest storage and the short log."""

import gc
import io
import json
import logging

from django.core.management import call_command, load_command_class
from django.core.management.base import OutputWrapper

from assets.compress_log import CompressLog
from assets.release_id import release_id
from assets.storage import LenientManifestStorage


def post_process(root, files: dict[str, str]) -> LenientManifestStorage:
    storage = LenientManifestStorage(location=root, base_url="/static/")
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(content)
    results = list(storage.post_process({name: (storage, name) for name in files}))
    assert not [error for _, _, error in results if isinstance(error, Exception)]
    return storage


def test_a_reference_to_a_missing_file_is_kept_and_warned_about_once(tmp_path, caplog):
    css = 'a { background: url("../img/gone.png"); } b { background: url("../img/here.png"); }'
    with caplog.at_level(logging.WARNING, logger="assets.storage"):
        storage = post_process(tmp_path, {"css/site.css": css, "img/here.png": "png"})
    hashed = (tmp_path / storage.stored_name("css/site.css")).read_text()
    assert 'url("../img/gone.png")' in hashed
    assert f'url("../{storage.stored_name("img/here.png")}")' in hashed, "others still hashed"
    warnings = [record.getMessage() for record in caplog.records]
    assert warnings == [
        "css/site.css references ../img/gone.png, which is not there; kept as written."
    ]


def test_a_missing_source_map_is_kept(tmp_path):
    js = "let a = 1;\n//# sourceMappingURL=site.js.map\n"
    storage = post_process(tmp_path, {"js/site.js": js})
    hashed = (tmp_path / storage.stored_name("js/site.js")).read_text()
    assert "sourceMappingURL=site.js.map" in hashed


def test_compressors_third_party_failures_fold_into_one_line():
    out = io.StringIO()
    log = CompressLog(OutputWrapper(out))  # as collectstatic passes its stdout
    for text in [
        "Compressing... ",
        "Invalid template some_package/form.html: 'crispy_forms_tags' is not a registered tag "
        "library. Must be one of:\nadmin_list\ncache\nstatic\n",
        "Invalid template other/widget.html: 'x' is not a registered tag library.\n",
        "done\nCompressed 2 block(s) from 4 template(s) for 1 context(s).\n",
    ]:
        log.write(text)
    log.summarise()
    lines = out.getvalue().splitlines()
    assert lines[0] == "Compressed 2 block(s) from 4 template(s) for 1 context(s)."
    assert lines[1].startswith("Compressor skipped 2 third-party template(s)")
    assert len(lines) == 2


def test_a_failing_template_of_the_project_is_printed_in_full(settings, tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/mine.html").write_text("<p>It loads a tag library not installed.</p>")
    settings.BASE_DIR = tmp_path
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates"]}]
    out = io.StringIO()
    log = CompressLog(OutputWrapper(out))
    log.write("Invalid template mine.html: 'nothing' is not a registered tag library.\n")
    log.summarise()
    assert "Invalid template mine.html" in out.getvalue()
    assert "skipped" not in out.getvalue()


def test_the_release_id_ignores_the_order_of_compressors_entries(tmp_path, settings):
    """Compressor lists its bundles in the order it met the templates, which varies by run: the
    same assets must keep one release id, or every rebuild uploads a new release index."""
    settings.RELEASE_ID = ""
    entries = {"a" * 32: "<link href=a.css>", "b" * 32: "<script src=b.js></script>"}
    ids = []
    for name, order in (("first", entries), ("second", dict(reversed(entries.items())))):
        root = tmp_path / name
        (root / "CACHE").mkdir(parents=True)
        (root / "CACHE/manifest.json").write_text(json.dumps(order))
        (root / "staticfiles.json").write_text(json.dumps({"paths": {"x.css": "x.1.css"}}))
        ids.append(release_id(root))
    assert ids[0] == ids[1]


def test_collectstatic_from_the_command_line_skips_the_last_garbage_collection(settings, tmp_path):
    """As Heroku runs it, collectstatic ends its process: its objects are frozen, so that the
    interpreter's exit does not walk them all (about 1 s). Called from code, it leaves them."""
    settings.STATIC_ROOT = tmp_path
    argv = ["manage.py", "collectstatic", "--noinput", "--dry-run", "--verbosity", "0"]
    gc.unfreeze()
    try:
        call_command(*argv[1:])
        assert gc.get_freeze_count() == 0
        load_command_class("assets", "collectstatic").run_from_argv(argv)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
