"""The committed gRPC stubs match the project's .proto files (regenerate: tools/generate_stubs.py)."""

import importlib.util
import pathlib
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
TOOLS = HERE.parent / "tools" / "generate_stubs.py"


def test_committed_stubs_are_generated_from_the_current_protos():
    spec = importlib.util.spec_from_file_location("generate_stubs", TOOLS)
    gen = importlib.util.module_from_spec(spec)
    sys.modules["generate_stubs"] = gen
    spec.loader.exec_module(gen)
    assert gen.PROTO_DIR.is_dir(), f"no .proto files at {gen.PROTO_DIR}"
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp)
        gen.generate(out)
        stale = [
            f.name
            for f in sorted(out.iterdir())
            if f.read_bytes() != (gen.PACKAGE / f.name).read_bytes()
        ]
    assert not stale, f"stale stubs {stale}: run python clients/python/tools/generate_stubs.py"
