"""Regenerates learnchain/_proto from the node's .proto files (proto/src/main/proto).

The generated modules are committed so that `pip install ./clients/python` needs no code generator;
tests/test_stubs.py fails when they no longer match the .proto files. Run after changing api.proto:

    python clients/python/tools/generate_stubs.py          (needs grpcio-tools, pinned in pyproject)
"""

import pathlib
import re
import sys
import tempfile

PROTOS = ["api.proto"]
HERE = pathlib.Path(__file__).resolve().parent
PACKAGE = HERE.parent / "learnchain" / "_proto"
PROTO_DIR = HERE.parent.parent.parent / "proto" / "src" / "main" / "proto"


def generate(out_dir: pathlib.Path) -> None:
    """Writes <name>_pb2.py, <name>_pb2.pyi and <name>_pb2_grpc.py for each proto into out_dir."""
    from grpc_tools import protoc

    for proto in PROTOS:
        rc = protoc.main(
            [
                "grpc_tools.protoc",
                f"-I{PROTO_DIR}",
                f"--python_out={out_dir}",
                f"--pyi_out={out_dir}",
                f"--grpc_python_out={out_dir}",
                str(PROTO_DIR / proto),
            ]
        )
        if rc != 0:
            raise SystemExit(f"protoc failed on {proto} (exit {rc})")
    # protoc writes top-level imports ("import api_pb2"); inside a package they must be relative.
    for f in out_dir.glob("*_pb2_grpc.py"):
        text = f.read_text()
        text = re.sub(r"^import (\w+_pb2) as", r"from . import \1 as", text, flags=re.M)
        f.write_text(text)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp)
        generate(out)
        for f in sorted(out.iterdir()):
            (PACKAGE / f.name).write_bytes(f.read_bytes())
            print(f"wrote {PACKAGE / f.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
