"""Batch cleaning (stub; being written)."""
def configure_parser(p):
    p.add_argument("inputs", nargs="*")
def run(args):
    raise SystemExit("not implemented yet")
