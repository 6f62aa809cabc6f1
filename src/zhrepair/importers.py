"""Spinner dictionary importers (stub; being written)."""
def configure_parser(p):
    p.add_argument("path")
def run(args):
    raise SystemExit("not implemented yet")
def read_pairs(path, format="auto", direction="auto", encoding="auto"):
    raise NotImplementedError
